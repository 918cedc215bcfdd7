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
 * NEWLINK on an existing name changes it (admin state, MTU) unless
 * NLM_F_EXCL; NLM_F_CREATE is needed to create one.
 */

#define SLUICE_IFLA_HOST		0x400	/* project range: no rtnetlink meaning */
#define SLUICE_IFLA_HOST_IFINDEX	0x401

/*
 * Addresses (RTM_NEWADDR / RTM_DELADDR / RTM_GETADDR, struct ifaddrmsg):
 * ifa_family AF_INET, ifa_prefixlen, ifa_index = port index.
 *   IFA_LOCAL, IFA_ADDRESS   u32 network order (both set to the address)
 *   IFA_LABEL                string, the port name (dumps)
 *   IFA_PROTO                u8, SLUICE_IFAPROT_HOST (dumps): the host made
 *                            it on the port's host interface; a reload
 *                            leaves it alone
 * On a host interface the dataplane marks the port's own addresses with
 * IFA_PROTO SLUICE_IFAPROT_DP, so that `ip addr` tells them apart.
 */
#define SLUICE_IFAPROT_HOST	16
#define SLUICE_IFAPROT_DP	17

/*
 * Routes (RTM_NEWROUTE / RTM_DELROUTE / RTM_GETROUTE, struct rtmsg):
 * rtm_family AF_INET, rtm_dst_len, rtm_table RT_TABLE_MAIN,
 * rtm_type RTN_UNICAST | RTN_BLACKHOLE | RTN_UNREACHABLE (ICMP net unreachable),
 * rtm_protocol who owns it (SLUICE_RTPROT_*), rtm_scope RT_SCOPE_LINK for
 * connected routes, RT_SCOPE_UNIVERSE otherwise.
 *   RTA_DST        u32 network order (absent for default)
 *   RTA_GATEWAY    u32 network order
 *   RTA_OIF        u32 port index
 *   RTA_PRIORITY   u32 metric (default 0)
 *   RTA_PREFSRC    u32 (connected routes in dumps, and RTM_GETROUTE replies)
 * RTM_GETROUTE without NLM_F_DUMP and with RTA_DST (rtm_dst_len 32) answers
 * with the route the fast path would choose for that address; a route for
 * the router's own address answers rtm_type RTN_LOCAL.
 */
#define SLUICE_RTPROT_CONNECTED	RTPROT_KERNEL	/* from a port address */
#define SLUICE_RTPROT_CONFIG	RTPROT_BOOT	/* loaded by sluiced from the INI file */
#define SLUICE_RTPROT_CLI	RTPROT_STATIC	/* added by hand (sluice route add) */

/*
 * Neighbours (RTM_NEWNEIGH / RTM_DELNEIGH / RTM_GETNEIGH, struct ndmsg):
 * ndm_family AF_INET, ndm_ifindex port index, ndm_state NUD_* (NUD_PERMANENT
 * for static entries).
 *   NDA_DST      u32 network order
 *   NDA_LLADDR   6 bytes
 * RTM_DELNEIGH with NLM_F_DUMP-less and no NDA_DST flushes the learned
 * entries of ndm_ifindex (all ports when 0): that is "neigh flush".
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
 *   SLUICE_STATSA_HOST   nested, repeated: the host path (punted, punt_drops)
 * Each nested group holds SLUICE_STATSA_NAME (string, e.g. "no_route") and
 * SLUICE_STATSA_VALUE (u64).
 */
enum {
	SLUICE_STATSA_UNSPEC,
	SLUICE_STATSA_DROP,
	SLUICE_STATSA_NAT,
	SLUICE_STATSA_POOL,
	SLUICE_STATSA_NAME,
	SLUICE_STATSA_VALUE,
	SLUICE_STATSA_CTL,
	SLUICE_STATSA_HOST,
	__SLUICE_STATSA_MAX
};
#define SLUICE_STATSA_MAX (__SLUICE_STATSA_MAX - 1)

#endif
