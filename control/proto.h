/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one contract between sluice-dataplane and its clients (sluiced, sluice).
 *
 * Every request and reply is a netlink message (struct nlmsghdr, a family
 * header, attributes) on an AF_UNIX SOCK_SEQPACKET socket.  Where rtnetlink
 * has a message type, family header or attribute for a thing, that is what
 * we send, with the kernel's semantics (NLM_F_ACK, NLM_F_DUMP,
 * NLM_F_CREATE|NLM_F_EXCL, NLM_F_REPLACE, NLMSG_ERROR with -errno).
 * What rtnetlink lacks (NAT, statistics) uses the project range below.
 *
 * Objects:
 *   ports       RTM_{NEW,DEL,GET}LINK   + struct ifinfomsg
 *   addresses   RTM_{NEW,DEL,GET}ADDR   + struct ifaddrmsg
 *   routes      RTM_{NEW,DEL,GET}ROUTE  + struct rtmsg
 *   neighbours  RTM_{NEW,DEL,GET}NEIGH  + struct ndmsg
 *   NAT, stats  SLUICE_*                + struct sluicemsg
 */
#ifndef SLUICE_PROTO_H
#define SLUICE_PROTO_H

#include <stdint.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>

#define SLUICE_SOCKET_DEFAULT "/run/sluice/sluice.sock"

/* The largest datagram either side sends or accepts.  Requests may be
 * batched up to this size; a larger datagram is refused (EMSGSIZE). */
#define SLUICE_MSG_MAX		65536

#define SLUICE_IFNAMSIZ		16	/* port names, like IFNAMSIZ */
#define SLUICE_DEVARGS_MAX	256	/* DPDK device string */
/* The reason an error carries, as the kernel's extended ack does: an
 * NLMSG_ERROR with NLM_F_ACK_TLVS and an NLMSGERR_ATTR_MSG string after
 * struct nlmsgerr (capped: the request's header only).  With its NUL. */
#define SLUICE_ERRMSG_MAX	512
#define SLUICE_MAX_PORTS	32
#define SLUICE_MTU_MIN		68	/* RFC 791 */
#define SLUICE_MTU_MAX		9000

/*
 * Ports (RTM_NEWLINK / RTM_DELLINK / RTM_GETLINK, struct ifinfomsg).
 * ifi_index is the port's index (port id + 1); 0 with IFLA_IFNAME selects
 * by name.  ifi_flags/ifi_change carry IFF_UP (admin state).
 *   IFLA_IFNAME           string   port name ("lan")
 *   IFLA_PARENT_DEV_NAME  string   DPDK device string: a PCI address or a
 *                                  vdev ("net_af_packet0,iface=veth0")
 *   IFLA_ADDRESS          6 bytes  MAC override on NEWLINK; the MAC in dumps
 *   IFLA_MTU              u32      68..9000, default 1500
 *   IFLA_OPERSTATE        u8       IF_OPER_UP / IF_OPER_DOWN (dumps)
 *   IFLA_STATS64          struct rtnl_link_stats64 (dumps)
 *   SLUICE_IFLA_HOST      u8       1: the port has a host interface, a
 *                                  kernel interface of the port's name in
 *                                  the dataplane's namespace (host = yes)
 *   SLUICE_IFLA_HOST_IFINDEX u32   that interface's kernel index (dumps)
 *   SLUICE_IFLA_RA        u8       1: send IPv6 router advertisements on
 *                                  the port (`ra = yes`), 0: not (the
 *                                  default); in dumps always
 *   SLUICE_IFLA_RA_YIELDED u8      dumps: 1 when the port's advertisements
 *                                  went off because the host sends its own
 *                                  on the host interface (radvd), until the
 *                                  RA flag is set again
 * NEWLINK on an existing name changes it (admin state, MTU, RA) unless
 * NLM_F_EXCL; NLM_F_CREATE is needed to create one.
 */
/* Link attributes rtnetlink lacks, far above IFLA_MAX (nla_type has 14
 * bits); a kernel would skip them as unknown. */
#define SLUICE_IFLA_BASE	0x3f00
#define SLUICE_IFLA_RA		(SLUICE_IFLA_BASE + 1)
#define SLUICE_IFLA_RA_YIELDED	(SLUICE_IFLA_BASE + 2)

#define SLUICE_IFLA_HOST		0x400	/* project range: no rtnetlink meaning */
#define SLUICE_IFLA_HOST_IFINDEX	0x401

/*
 * Addresses (RTM_NEWADDR / RTM_DELADDR / RTM_GETADDR, struct ifaddrmsg):
 * ifa_family AF_INET or AF_INET6, ifa_prefixlen, ifa_index = port index.
 *   IFA_LOCAL, IFA_ADDRESS   AF_INET: u32 network order; AF_INET6: 16 bytes
 *                            (both set to the address in dumps)
 *   IFA_LABEL                string, the port name (dumps)
 *   IFA_PROTO                u8, SLUICE_IFAPROT_HOST (dumps): the host made
 *                            it on the port's host interface; a reload
 *                            leaves it alone
 * On a host interface the dataplane marks the port's own addresses with
 * IFA_PROTO SLUICE_IFAPROT_DP, so that `ip addr` tells them apart.
 * Every port has an IPv6 link-local address fe80::/64 (EUI-64 of its MAC),
 * dumped with ifa_scope RT_SCOPE_LINK; global ones RT_SCOPE_UNIVERSE.
 * A GETADDR dump of AF_UNSPEC gives both families, of AF_INET/AF_INET6 one.
 */
#define SLUICE_IFAPROT_HOST	16
#define SLUICE_IFAPROT_DP	17

/*
 * Routes (RTM_NEWROUTE / RTM_DELROUTE / RTM_GETROUTE, struct rtmsg):
 * rtm_family AF_INET or AF_INET6, rtm_dst_len, rtm_table RT_TABLE_MAIN,
 * rtm_type RTN_UNICAST | RTN_BLACKHOLE | RTN_UNREACHABLE (ICMP net unreachable),
 * rtm_protocol who owns it (SLUICE_RTPROT_*), rtm_scope RT_SCOPE_LINK for
 * connected routes, RT_SCOPE_UNIVERSE otherwise.
 *   RTA_DST        u32 network order (absent for default); AF_INET6: 16 bytes
 *   RTA_GATEWAY    u32 network order; AF_INET6: 16 bytes
 *   RTA_OIF        u32 port index (required with a link-local gateway)
 *   RTA_PRIORITY   u32 metric (default 0; IPv6 adds SLUICE_IP6_METRIC_DEFAULT)
 *   RTA_PREFSRC    u32 (connected routes in dumps, and RTM_GETROUTE replies)
 * RTM_GETROUTE without NLM_F_DUMP and with RTA_DST (rtm_dst_len 32 or 128)
 * answers with the route the fast path would choose for that address; a
 * route for the router's own address answers rtm_type RTN_LOCAL.  A dump of
 * AF_UNSPEC gives both families (IPv4 first), of AF_INET/AF_INET6 one.
 * Connected IPv6 routes have metric 256, as the kernel's.
 */
/* The metric of an IPv6 route added without one, as the kernel's
 * (IP6_RT_PRIO_USER): above a connected route's 256, so that a stray route
 * never hides a connected network. */
#define SLUICE_IP6_METRIC_DEFAULT	1024
#define SLUICE_RTPROT_CONNECTED	RTPROT_KERNEL	/* from a port address */
#define SLUICE_RTPROT_CONFIG	RTPROT_BOOT	/* loaded by sluiced from the INI file */
#define SLUICE_RTPROT_CLI	RTPROT_STATIC	/* added by hand (sluice route add) */

/*
 * Neighbours (RTM_NEWNEIGH / RTM_DELNEIGH / RTM_GETNEIGH, struct ndmsg):
 * ndm_family AF_INET or AF_INET6, ndm_ifindex port index, ndm_state NUD_*
 * (NUD_PERMANENT for static entries).
 *   NDA_DST      u32 network order; AF_INET6: 16 bytes
 *   NDA_LLADDR   6 bytes
 * RTM_DELNEIGH with NLM_F_DUMP-less and no NDA_DST flushes the learned
 * entries of ndm_ifindex (all ports when 0): that is "neigh flush" (both
 * families for AF_UNSPEC).  Dumps: both families for AF_UNSPEC.
 */

/*
 * Project range: message types that rtnetlink does not have.  They start
 * well past RTM_MAX so that no kernel type can ever collide with them.
 */
struct sluicemsg {
	uint8_t  sm_family;	/* AF_INET */
	uint8_t  sm_pad[3];
};

enum {
	SLUICE_MSG_BASE = 0x400,
	SLUICE_NEWNATRULE = SLUICE_MSG_BASE,	/* add a NAT rule (SLUICE_NATA_*) */
	SLUICE_DELNATRULE,			/* delete a rule: by SLUICE_NATA_ID or equal attributes */
	SLUICE_GETNATRULE,			/* dump rules */
	SLUICE_GETNATSESS,			/* dump sessions (SLUICE_NATS_*); SLUICE_NATS_LIMIT caps it */
	SLUICE_DELNATSESS,			/* flush every session */
	SLUICE_SETNATCONF,			/* timeouts and table size (SLUICE_NATC_*) */
	SLUICE_GETNATCONF,
	SLUICE_GETSTATS,			/* counters (SLUICE_STATSA_*) */
	SLUICE_NEWCAPTURE,			/* start a capture (SLUICE_OPSA_*), socket in SCM_RIGHTS */
	SLUICE_DELCAPTURE,			/* end this client's capture */
	SLUICE_NEWTRACE,			/* start a trace (SLUICE_OPSA_*), socket in SCM_RIGHTS */
	SLUICE_DELTRACE,			/* end this client's trace */
	SLUICE_MSG_MAX_TYPE,
};

/* NAT rule attributes. */
enum {
	SLUICE_NATA_UNSPEC,
	SLUICE_NATA_ID,		/* u32, assigned by the dataplane (dumps, DEL) */
	SLUICE_NATA_KIND,	/* u8, SLUICE_NAT_* */
	SLUICE_NATA_IFINDEX,	/* u32, "out PORT" (masquerade, snat) or "in PORT" (dnat) */
	SLUICE_NATA_SRC,	/* u32 network order: "from PREFIX" address */
	SLUICE_NATA_SRC_LEN,	/* u8: "from PREFIX" length (absent = any) */
	SLUICE_NATA_ADDR_MIN,	/* u32 network order: snat pool / dnat target */
	SLUICE_NATA_ADDR_MAX,	/* u32 network order: snat pool end */
	SLUICE_NATA_PORT_MIN,	/* u16 host order: snat "ports LO-HI", dnat "to ADDR:P" */
	SLUICE_NATA_PORT_MAX,	/* u16 host order */
	SLUICE_NATA_PROTO,	/* u8 IPPROTO_TCP / IPPROTO_UDP (dnat) */
	SLUICE_NATA_DPORT_MIN,	/* u16 host order: dnat "dport N[-M]" */
	SLUICE_NATA_DPORT_MAX,	/* u16 host order */
	SLUICE_NATA_FILTER,	/* u8, SLUICE_NAT_FILTER_* */
	__SLUICE_NATA_MAX
};
#define SLUICE_NATA_MAX (__SLUICE_NATA_MAX - 1)

enum { SLUICE_NAT_MASQUERADE = 1, SLUICE_NAT_SNAT, SLUICE_NAT_DNAT };
/* RFC 4787 filtering: address-and-port-dependent is the default. */
enum { SLUICE_NAT_FILTER_APDF = 0, SLUICE_NAT_FILTER_EIF = 1 };

/* NAT session attributes (dumps). Addresses network order, ports host order. */
enum {
	SLUICE_NATS_UNSPEC,
	SLUICE_NATS_PROTO,	/* u8 */
	SLUICE_NATS_IN_ADDR,	/* u32 */
	SLUICE_NATS_IN_PORT,	/* u16 (ICMP: identifier) */
	SLUICE_NATS_OUT_ADDR,	/* u32 */
	SLUICE_NATS_OUT_PORT,	/* u16 */
	SLUICE_NATS_REM_ADDR,	/* u32 */
	SLUICE_NATS_REM_PORT,	/* u16 */
	SLUICE_NATS_STATE,	/* u8, SLUICE_NAT_STATE_* */
	SLUICE_NATS_IDLE,	/* u32 seconds since the last packet */
	SLUICE_NATS_PACKETS,	/* u64, both directions */
	SLUICE_NATS_LIMIT,	/* u32, in a GETNATSESS request: at most this many */
	__SLUICE_NATS_MAX
};
#define SLUICE_NATS_MAX (__SLUICE_NATS_MAX - 1)

enum {
	SLUICE_NAT_STATE_NONE = 0,	/* UDP, ICMP */
	SLUICE_NAT_STATE_SYN_SENT,
	SLUICE_NAT_STATE_ESTABLISHED,
	SLUICE_NAT_STATE_FIN_WAIT,
	SLUICE_NAT_STATE_CLOSED,	/* RST seen */
};

/* NAT configuration attributes: u32 each, seconds or a count. */
enum {
	SLUICE_NATC_UNSPEC,
	SLUICE_NATC_TIMEOUT_UDP,
	SLUICE_NATC_TIMEOUT_TCP_EST,
	SLUICE_NATC_TIMEOUT_TCP_TRANS,
	SLUICE_NATC_TIMEOUT_ICMP,
	SLUICE_NATC_MAX_SESSIONS,
	__SLUICE_NATC_MAX
};
#define SLUICE_NATC_MAX (__SLUICE_NATC_MAX - 1)

#define SLUICE_NAT_TIMEOUT_UDP_DEFAULT		300
#define SLUICE_NAT_TIMEOUT_UDP_MIN		120	/* RFC 4787 REQ-5 */
#define SLUICE_NAT_TIMEOUT_TCP_EST_DEFAULT	7440	/* RFC 5382 REQ-5 */
#define SLUICE_NAT_TIMEOUT_TCP_EST_MIN		7440	/* RFC 5382 REQ-5 */
#define SLUICE_NAT_TIMEOUT_TCP_TRANS_DEFAULT	240
#define SLUICE_NAT_TIMEOUT_ICMP_DEFAULT		60	/* RFC 5508 REQ-2 */
#define SLUICE_NAT_TIMEOUT_ICMP_MIN		60	/* RFC 5508 REQ-2 */
#define SLUICE_NAT_MAX_SESSIONS_DEFAULT		262144

/*
 * Statistics (SLUICE_GETSTATS reply): named counters, grouped.
 *   SLUICE_STATSA_DROP   nested, repeated: one drop reason each
 *   SLUICE_STATSA_NAT    nested, repeated: one NAT counter each
 *   SLUICE_STATSA_POOL   nested, repeated: packet pool figures
 *   SLUICE_STATSA_CTL    nested, repeated: the control socket's clients
 *   SLUICE_STATSA_ROUTES nested, repeated: routes per family, NAME "inet"
 *                        and "inet6"
 *   SLUICE_STATSA_HOST   nested, repeated: the host path (punted, punt_drops)
 * Each nested group holds SLUICE_STATSA_NAME (string, e.g. "no_route") and
 * SLUICE_STATSA_VALUE (u64).
 *   SLUICE_STATSA_WORKER nested, repeated: one worker lcore each, with
 *                        SLUICE_STATSA_LCORE (u32), SLUICE_STATSA_POLLS (u64:
 *                        passes of its loop), SLUICE_STATSA_BUSY_POLLS
 *                        (u64: passes whose rx found packets) and
 *                        SLUICE_STATSA_INTR_WAKES (u64: idle waits an RX
 *                        interrupt ended before their timeout).  With many
 *                        workers a dump's reply may go on in further
 *                        SLUICE_GETSTATS messages holding the rest of them.
 */
enum {
	SLUICE_STATSA_UNSPEC,
	SLUICE_STATSA_DROP,
	SLUICE_STATSA_NAT,
	SLUICE_STATSA_POOL,
	SLUICE_STATSA_NAME,
	SLUICE_STATSA_VALUE,
	SLUICE_STATSA_CTL,
	SLUICE_STATSA_ROUTES,
	SLUICE_STATSA_WORKER,
	SLUICE_STATSA_LCORE,
	SLUICE_STATSA_POLLS,
	SLUICE_STATSA_BUSY_POLLS,
	SLUICE_STATSA_HOST,
	SLUICE_STATSA_INTR_WAKES,
	__SLUICE_STATSA_MAX
};
#define SLUICE_STATSA_MAX (__SLUICE_STATSA_MAX - 1)

/*
 * Capture and trace (SLUICE_NEWCAPTURE, SLUICE_NEWTRACE, struct sluicemsg).
 * The request carries, in SCM_RIGHTS, one end of a SOCK_SEQPACKET
 * socketpair: the dataplane writes the session's output there, so that a
 * slow reader never holds up the control socket, and it ends the session
 * (closing that socket) on the count, on SLUICE_DEL*, when the client's
 * control connection closes or when the reader's end is closed.  A capture
 * writes pcapng (rte_pcapng: a section header, one interface block per
 * DPDK port, enhanced packet blocks, statistics blocks at the end), whole
 * blocks per datagram; a trace writes one struct sluice_trace_rec per
 * datagram.  One session of each kind runs at a time (EBUSY).
 *   SLUICE_OPSA_IFINDEX  u32  the port (absent or 0: every port)
 *   SLUICE_OPSA_DIR      u8   capture: SLUICE_CAPTURE_IN | _OUT (both bits: both)
 *   SLUICE_OPSA_SNAPLEN  u32  capture: bytes kept per frame
 *   SLUICE_OPSA_COUNT    u32  frames or packets, then the session ends (0: no end)
 */
enum {
	SLUICE_OPSA_UNSPEC,
	SLUICE_OPSA_IFINDEX,
	SLUICE_OPSA_DIR,
	SLUICE_OPSA_SNAPLEN,
	SLUICE_OPSA_COUNT,
	__SLUICE_OPSA_MAX
};
#define SLUICE_OPSA_MAX (__SLUICE_OPSA_MAX - 1)
#define SLUICE_CAPTURE_IN	1
#define SLUICE_CAPTURE_OUT	2

/* A packet's trace: the frame's first bytes as it came in and the steps of
 * its way through the pipeline, ending in a verdict. */
enum {
	SLUICE_TRACE_FORWARD = 1,	/* out_ifindex */
	SLUICE_TRACE_LOCAL,		/* answered by the router itself */
	SLUICE_TRACE_PUNT,		/* to the control lcore (ARP, unresolved next hop) */
	SLUICE_TRACE_DROP,		/* reason: a drop name of `sluice stats` */
};
enum {
	SLUICE_STEP_VALID = 1,	/* header and martian checks passed: a = src, b = dst */
	SLUICE_STEP_NAT,	/* rewritten: a:pa > b:pb is the new src > dst; type 0 pre, 1 post */
	SLUICE_STEP_ROUTE,	/* type SLUICE_NH_*, port, a = next hop, b = dst */
	SLUICE_STEP_NEIGH,	/* a = next hop on port, mac; type 1 resolved, 0 not */
	SLUICE_STEP_FRAG,	/* fragmented into a pieces for port's MTU b */
	SLUICE_STEP_LOCAL,	/* for one of the router's addresses: type = IP protocol */
};
enum { SLUICE_NH_NONE, SLUICE_NH_CONNECTED, SLUICE_NH_GATEWAY, SLUICE_NH_LOCAL,
       SLUICE_NH_BROADCAST, SLUICE_NH_BLACKHOLE, SLUICE_NH_UNREACHABLE };
#define SLUICE_TRACE_HDR	96
#define SLUICE_TRACE_STEPS	12
#define SLUICE_TRACE_REASON	32
struct sluice_trace_step {
	uint8_t kind;		/* SLUICE_STEP_* */
	uint8_t type;
	uint16_t pa, pb;	/* host order */
	uint8_t mac[6];
	uint32_t port;		/* ifindex, 0: none */
	uint32_t a, b;		/* host order addresses */
	/* An IPv6 packet's step (VALID, ROUTE, NEIGH, LOCAL): its addresses
	 * are a6 and b6 in a and b's roles, a and b unused. */
	uint8_t ip6;
	uint8_t pad[3];
	uint8_t a6[16], b6[16];
};
struct sluice_trace_rec {
	uint64_t ts_ns;			/* CLOCK_REALTIME */
	uint32_t in_ifindex;
	uint32_t out_ifindex;		/* forward: the egress port */
	uint32_t pkt_len;		/* the frame's length */
	uint8_t verdict;		/* SLUICE_TRACE_* */
	uint8_t hdr_len;		/* bytes in hdr */
	uint8_t nsteps;
	uint8_t pad;
	char reason[SLUICE_TRACE_REASON];	/* drop: the reason's name */
	uint8_t hdr[SLUICE_TRACE_HDR];		/* the frame from its Ethernet header */
	struct sluice_trace_step steps[SLUICE_TRACE_STEPS];
};

#endif
