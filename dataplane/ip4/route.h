/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The routing table: rte_fib (DIR-24-8) for the workers' lookups, an rte_rib
 * beside it on the control lcore holding every route (several metrics per
 * prefix, owner, type) so that the FIB always carries the best one.
 *
 * A FIB entry is an index into nexthops[]; a next hop never changes while
 * any FIB entry may point at it.
 */
#ifndef SLUICE_ROUTE_H
#define SLUICE_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

#include "dp.h"

enum nh_type {
	NH_NONE = 0,		/* no route: index 0, the FIB's default */
	NH_CONNECTED,		/* destination on port's network: ARP for the destination */
	NH_GATEWAY,		/* ARP for gw on port */
	NH_LOCAL,		/* one of our addresses: deliver locally */
	NH_BROADCAST,		/* a directed broadcast address of ours: never forwarded */
	NH_BLACKHOLE,		/* drop */
	NH_UNREACHABLE,		/* drop with ICMP network unreachable, as no route */
};

struct nexthop {
	uint8_t type;		/* enum nh_type */
	uint16_t port;
	uint32_t gw;		/* host order, NH_GATEWAY */
	/*
	 * NH_GATEWAY: where the neighbour table keeps gw's MAC (neigh_fast_at),
	 * -1 while it has no entry.  The only field that changes while FIB
	 * entries point here: the control lcore stores it atomically when the
	 * entry is made or removed, workers load it once per packet, so that
	 * a resolved gateway costs them no hash lookup.
	 */
	int32_t neigh;
};

#define NH_MAX 65536
extern struct nexthop nexthops[NH_MAX];

struct rte_fib;
extern struct rte_fib *fib;

/* Bulk lookup for workers: nh[i] = index into nexthops[] (0 = no route). */
void route_lookup_bulk(const uint32_t *ips, uint64_t *nh, unsigned int n);

/*
 * route_lookup_bulk without its pass over the results, for a loop that
 * reads each result anyway: raw[i] is the FIB's value, route_nh(raw[i])
 * the index, and a raw 0 must be looked up again with route_lookup_again
 * (it may be a group read in the instant it was zeroed: see route.c).
 */
#define ROUTE_NH_MASK	0xffffu
void route_lookup_raw(const uint32_t *ips, uint64_t *raw, unsigned int n);
uint32_t route_lookup_again(uint32_t ip);

static inline uint32_t
route_nh(uint64_t raw)
{
	return (uint32_t)(raw & ROUTE_NH_MASK);
}

/* A route as the control side sees it. */
struct route {
	uint32_t dst;		/* host order, masked */
	uint8_t plen;
	uint8_t type;		/* RTN_UNICAST, RTN_BLACKHOLE, RTN_UNREACHABLE, RTN_LOCAL, RTN_BROADCAST */
	uint8_t protocol;	/* SLUICE_RTPROT_* */
	uint8_t scope;		/* RT_SCOPE_* */
	uint32_t metric;
	uint32_t gw;		/* host order, 0 = none */
	uint16_t port;		/* DP_NO_PORT for blackhole */
	uint32_t prefsrc;	/* connected routes: our address on that network */
};

int route_init(uint32_t max_routes);

/*
 * Add a route (flags as rtnetlink's: rt_nl_add_allowed).  A gateway
 * route with r->port == DP_NO_PORT finds its port by the connected network
 * the gateway is on (-ENETUNREACH when none).  Returns 0 or -errno.
 */
int route_add(const struct route *r, uint16_t nl_flags);
/* Delete the route matching dst/plen and whichever of metric, gw, port,
 * protocol the caller gives (match_* flags); -ESRCH when absent. */
struct route_match {
	bool metric, gw, port, protocol, type;
};
int route_del(const struct route *r, const struct route_match *match);
/* Delete every route through port (the port is going away). */
void route_flush_port(uint16_t port);
/* Port's admin state has changed: each prefix's FIB entry moves to its
 * best route through a port that is up (a route through a port that is
 * down is kept, not used while another is live). */
void route_port_state(uint16_t port);
/* Delete the gateway routes of port whose gateway is on net/plen (that
 * network is no longer connected), as the kernel does. */
void route_flush_gateways(uint16_t port, uint32_t net, uint8_t plen);

/* Control lcore (neigh.c): the neighbour entry for (port, ip) is now at
 * position pos (-1: gone); the gateway next hop through it follows. */
void route_nh_neigh(uint16_t port, uint32_t ip, int32_t pos);

/* What the fast path would do for ip: 0 and *out filled, or -ENETUNREACH. */
int route_get(uint32_t ip, struct route *out);

/* `ip route get ip oif port`, as the kernel answers it: the longest route
 * to ip through port (the first by metric of its prefix), else ip taken
 * to be on port's link; *out filled, its source chosen. */
int route_get_via(uint32_t ip, uint16_t port, struct route *out);

/* Every route in prefix order (local/broadcast entries excluded); stops when
 * cb returns non-zero and returns that value. */
int route_walk(int (*cb)(const struct route *r, void *arg), void *arg);
/*
 * The same walk, resumable (a dump that pauses while its client reads):
 * it starts at *pos (zeroed: the beginning) and, when cb returns non-zero,
 * leaves in *pos the route cb refused so that the next call starts with it.
 * Routes added or removed in between are seen or not, as in the kernel's
 * dumps; none is given twice and none that stayed is missed.
 */
struct route_pos {
	uint32_t dst;
	uint32_t metric;
	uint8_t plen;
	bool valid;		/* false: from the beginning */
};
int route_walk_from(struct route_pos *pos, int (*cb)(const struct route *r, void *arg),
		    void *arg);
unsigned int route_count(void);

/*
 * RCU: rte_fib in DPDK 22.11 reuses a tbl8 group freed by a delete on the
 * next add, while a worker may still be reading it.  route_* calls
 * route_sync() themselves before an add that follows a delete; the control
 * loop calls route_sync() once per batch so that freed next hops are
 * recycled.
 */
void route_sync(void);

#endif
