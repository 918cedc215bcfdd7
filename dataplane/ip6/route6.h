/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IPv6 routing table: rte_fib6 (trie) for the workers' lookups over
 * the rte_rib6 it is built on, whose nodes hold every route of a prefix
 * (best first), as route.c does for IPv4.  A FIB entry is an index into
 * nexthops6[]; a next hop never changes while any FIB entry may name it.
 */
#ifndef SLUICE_ROUTE6_H
#define SLUICE_ROUTE6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp.h"
#include "ip6_addr.h"
#include "route.h"	/* enum nh_type, struct route_match */

struct nexthop6 {
	uint8_t type;		/* enum nh_type (never NH_BROADCAST) */
	uint16_t port;
	uint8_t gw[16];		/* NH_GATEWAY */
	/* NH_GATEWAY: gw's neighbour entry (neigh_fast_at), -1 while it has
	 * none; as struct nexthop's neigh, the only field that changes while
	 * FIB entries point here (route6_nh_neigh, atomically). */
	int32_t neigh;
};

#define NH6_MAX 65536
extern struct nexthop6 nexthops6[NH6_MAX];

/* Bulk lookup: nh[i] = index into nexthops6[] (0 = no route). */
void route6_lookup_bulk(const uint8_t (*ips)[16], uint64_t *nh, unsigned int n);

/*
 * The same without the pass over the results, for a forwarding loop that
 * reads each result anyway: raw[i] is the FIB's value, route6_nh(raw[i])
 * the index, and a raw 0 must be looked up again with route6_lookup_again
 * (a group read in the instant it was zeroed: see route6.c), which
 * returns a raw value that is not 0.
 */
#define ROUTE6_NH_MASK	0xffffu
void route6_lookup_raw(const uint8_t (*ips)[16], uint64_t *raw, unsigned int n);
uint64_t route6_lookup_again(const uint8_t *ip);

static inline uint32_t
route6_nh(uint64_t raw)
{
	return (uint32_t)(raw & ROUTE6_NH_MASK);
}

struct route6 {
	uint8_t dst[16];	/* masked */
	uint8_t plen;
	uint8_t type;		/* RTN_UNICAST, RTN_BLACKHOLE, RTN_LOCAL */
	uint8_t protocol;	/* SLUICE_RTPROT_* */
	uint8_t scope;		/* RT_SCOPE_* */
	uint32_t metric;
	uint8_t gw[16];		/* all zero: none */
	uint16_t port;		/* DP_NO_PORT for blackhole */
	uint8_t prefsrc[16];	/* connected and local routes: our address */
};

int route6_init(uint32_t max_routes);

/* As route_add: a gateway route without port finds it by the connected
 * network the gateway is on; a link-local gateway needs its port. */
int route6_add(const struct route6 *r, uint16_t nl_flags);
int route6_del(const struct route6 *r, const struct route_match *match);
void route6_flush_port(uint16_t port);
/* route_port_state, for IPv6. */
void route6_port_state(uint16_t port);
/* Gateway routes of port through net/plen (that network went). */
void route6_flush_gateways(uint16_t port, const uint8_t *net, uint8_t plen);

/* Control lcore (neigh.c): the neighbour entry for (port, ip) is now at
 * position pos (-1: gone); the gateway next hop through it follows. */
void route6_nh_neigh(uint16_t port, const uint8_t *ip, int32_t pos);

/* What the fast path would do for ip: 0 and *out, or -ENETUNREACH. */
int route6_get(const uint8_t *ip, struct route6 *out);

/* `ip -6 route get ip oif port`, as the kernel answers it: the longest
 * route to ip through port (the first by metric of its prefix), else
 * -ENETUNREACH; *out filled, its source chosen. */
int route6_get_via(const uint8_t *ip, uint16_t port, struct route6 *out);

/* Every route in (dst, plen, metric) order, local entries excluded;
 * resumable as route_walk_from (*pos zeroed: from the beginning). */
struct route6_pos {
	uint8_t dst[16];
	uint32_t metric;
	uint8_t plen;
	bool valid;
};
int route6_walk_from(struct route6_pos *pos, int (*cb)(const struct route6 *r, void *arg),
		     void *arg);
unsigned int route6_count(void);

/*
 * RCU: DPDK 22.11's trie, like dir24_8, frees a tbl8 group that a write
 * left uniform and hands it to the next write while a worker may still
 * read it: after a delete or change, or an add that may have done so, the
 * next write waits for a grace period; a batch of new prefixes does not.
 * route6_sync() ends a batch (freed next hops are recycled).
 */
void route6_sync(void);

/* A FIB made afresh from the live routes in place of the one the workers
 * read (route6.c says why): 0, or an error and the old FIB kept.  Done by
 * route6_add when the trie refuses a prefix; counted. */
int route6_rebuild(void);
uint64_t route6_rebuilds(void);
/* The heap one FIB took when route6_init made it: what a rebuild needs
 * free beside it (main.c keeps it back when it sizes the IPv4 FIB). */
size_t route6_fib_bytes(void);

#endif
