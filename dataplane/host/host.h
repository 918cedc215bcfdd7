/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The host path: a kernel TAP interface per host-enabled port, named as the
 * port, with its MAC and MTU, so that the host's own stack (sshd, dhclient,
 * routing daemons) works on sluice's ports.
 *
 *  - Workers decide what to punt (host_punt.c): what is addressed to the
 *    router and that the fast path does not answer.  The frame is handed as
 *    it arrived to the control lcore on host_ring (MP/SC), after a per-worker
 *    token bucket; a worker never makes a syscall for it.
 *  - The control lcore (host.c) writes punted frames and a copy of each ARP
 *    frame and of each IPv6 neighbour discovery message but solicitations
 *    to the TAP, and sends what the host writes on the TAP out of the port
 *    as it was written (dp_send); a router advertisement among them turns
 *    sluice's own on that port off (radvd speaks for the router there).
 *  - Both families: IPv6 for router addresses and link-scope groups goes up
 *    as IPv4 does; the TAP has the port's link-local address, not one of
 *    the kernel's making.
 *  - Addresses go both ways over rtnetlink to the dataplane's own network
 *    namespace (host_nl.c): the port's addresses are put on the interface,
 *    and what the host adds or removes there is added to or removed from the
 *    port, remembered as host-made (IFA_PROTO SLUICE_IFAPROT_HOST in dumps).
 *  - Host connections and masquerade never share an outside port: the
 *    namespace's ip_local_port_range is set to HOST_PORT_LO..HOST_PORT_HI and
 *    the NAT never allocates a port in the kernel's range on a host port's
 *    address (host_port_reserved).
 *
 * A port that is not host-enabled costs nothing but a flag test on the
 * paths that already leave the forwarding loop (local delivery, broadcast,
 * multicast), plus one per packet of a burst from a host-enabled port.
 */
#ifndef SLUICE_HOST_H
#define SLUICE_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "dp.h"

/* Punted frames per second each worker (and the control lcore, for ARP
 * copies) may hand to the host by default (--punt-rate), and the most it
 * may save up: a tenth of a second's worth, at most HOST_PUNT_BURST. */
#define HOST_PUNT_RATE		50000
#define HOST_PUNT_BURST		2048
#define HOST_RING_SIZE		4096
extern uint64_t host_punt_rate, host_punt_burst;
/* Set the rate (frames per second per lcore) before workers start. */
void host_set_punt_rate(uint64_t rate);

/* The host's ephemeral ports (ip_local_port_range), which the NAT never
 * hands out on a host-enabled port's address. */
#define HOST_PORT_LO		61000
#define HOST_PORT_HI		65535

struct host_if {
	volatile bool on;	/* workers: punt to this port's host interface */
	int fd;			/* the TAP (control lcore), -1 when off */
	int ifindex;		/* the kernel interface, 0 when off */
	bool carrier;		/* what TUNSETCARRIER last said */
};
extern struct host_if host_ifs[DP_MAX_PORTS];

static inline bool
host_on(uint16_t port)
{
	return port < DP_MAX_PORTS && __atomic_load_n(&host_ifs[port].on, __ATOMIC_RELAXED);
}

/* Counters: per lcore, summed on read. */
struct host_lcore {
	uint64_t tokens;
	uint64_t last;		/* TSC of the last refill */
	uint64_t punted;	/* handed to the host interface */
	uint64_t punt_ratelimit;	/* held back by the token bucket */
	uint64_t punt_queue_full;	/* host_ring or the TAP did not take it */
	uint64_t host_tx;	/* frames the host sent, queued on the port */
	uint64_t host_tx_drops;	/* frames the host sent that could not be */
} __rte_cache_aligned;
extern struct host_lcore host_lc[RTE_MAX_LCORE];

struct host_stats {
	uint64_t punted, punt_drops, punt_ratelimit, punt_queue_full, punt_kernel_drops;
	uint64_t host_tx, host_tx_drops;
};
void host_stats(struct host_stats *s);

/* ---- control lcore ---- */
int host_init(void);
/* Create (on) or remove (off) port's host interface.  0 or -errno with a
 * reason (dp_errmsg). */
int host_set(uint16_t port, bool on);
/* The port's admin state or MTU changed: the interface follows. */
void host_port_changed(uint16_t port);
/* Serve the TAPs, host_ring and the kernel's address events; returns how
 * much work it did (0: idle). */
unsigned int host_poll(void);
/* Frames wait on host_ring (the control lcore looks before it sleeps). */
bool host_pending(void);
/* Once in a while: carrier, and the kernel's port range. */
void host_timer(uint64_t now);
/* A copy of an ARP frame (meta in_port) for the host; m is left alone. */
void host_arp_copy(struct rte_mbuf *m);
/* A copy of a punted ND message (PKT_ND: data at the IPv6 header, meta
 * in_port) for the host, but for neighbour solicitations, which the
 * dataplane answers for every address the interface has; m is left alone. */
void host_nd_copy(struct rte_mbuf *m);

/* ---- addresses (host_nl.c, control lcore) ---- */
/* port.c: an address was added to or removed from port. */
void host_addr_changed(uint16_t port, uint32_t ip, uint8_t plen, bool add);
/* Was this address of port added by the host? (dumps) */
bool host_addr_made(uint16_t port, uint32_t ip);
/* The same for IPv6 (addr6.c, addr6_nl.c). */
void host_addr6_changed(uint16_t port, const uint8_t *ip, uint8_t plen, bool add);
bool host_addr6_made(uint16_t port, const uint8_t *ip);
int host_nl_init(void);
unsigned int host_nl_poll(void);
/* The interface came (put the port's addresses on it) or goes (the
 * host-made addresses go from the port). */
void host_nl_if_up(uint16_t port);
void host_nl_if_gone(uint16_t port);
/* ip_local_port_range: set it to HOST_PORT_LO..HI (set) or read it back. */
void host_nl_port_range(bool set);

/* NAT: may an outside port (host order) on addr (network order) be handed
 * out?  Not when addr belongs to a host-enabled port and the port is in the
 * host's ephemeral range. */
bool host_port_reserved(uint32_t addr_be, uint16_t port);

/* ---- workers (host_punt.c) ---- */
/*
 * m's data starts at the IPv4 or IPv6 header (Ethernet before it,
 * untouched): give the frame as it arrived to in_port's host interface, or
 * count the drop.  Consumes m.
 */
void host_punt(struct rte_mbuf *m, uint16_t in_port);
/*
 * What the fast path drops that the host wants, on a host port, before
 * routing: limited broadcasts (DHCP to a server, or to a client that has no
 * address yet, from source 0.0.0.0 included), link-local multicast
 * 224.0.0.0/24.  true: m was punted.
 */
bool host_punt_early(struct rte_mbuf *m, uint16_t in_port, uint32_t src, uint32_t dst);
/* On a host port (the caller checked host_on): a DHCP reply whose client
 * hardware address is the port's, whatever its destination (an address the
 * port has not taken yet).  true: m was punted. */
bool host_punt_dhcp(struct rte_mbuf *m, uint16_t in_port);
/* For a router address (after NAT), on a host port: everything but an ICMP
 * echo request, which the fast path answers (fragments too: the kernel
 * reassembles them).  true: m was punted. */
bool host_punt_local(struct rte_mbuf *m, uint16_t in_port);
/*
 * IPv6 (data at the IPv6 header).  For a router address on a host port:
 * everything but ICMPv6 echo requests (the fast path answers them) and
 * neighbour discovery (the control lcore's, copied by host_nd_copy).
 * true: m was punted.
 */
bool host_punt6_local(struct rte_mbuf *m, uint16_t in_port);
/* To a link-scope group (ff02::/16) on a host port, but the solicited-node
 * groups (ff02::1:ff00:0/104), whose solicitations the dataplane answers:
 * DHCPv6 (ff02::1:2), OSPFv3, MLD, mDNS...  true: m was punted. */
bool host_punt6_mcast(struct rte_mbuf *m, uint16_t in_port);

#endif
