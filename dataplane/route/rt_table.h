/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the IPv4 and IPv6 route tables (route.c, route6.c) keep alike on
 * the control lcore, written once: every route of a prefix in a list,
 * best first (a local or broadcast entry before anything, then by
 * metric), the list found by the prefix hash (rt_pfx.h); next hops shared
 * and counted (rt_nh.h); and the FIB carrying, for each prefix, the next
 * hop of its best route through a port that is up.  Adding, replacing and
 * removing a route, and following a port's state, are done here; the
 * family gives its FIB writes, its next hops and its allocator (struct
 * rt_family), and its entries start with a struct rt_ent, its addresses
 * after it.
 */
#ifndef SLUICE_RT_TABLE_H
#define SLUICE_RT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/rtnetlink.h>

#include "dp.h"
#include "port.h"	/* port_routes_live */
#include "route.h"	/* struct route_match */
#include "rt_nh.h"
#include "rt_pfx.h"

/* One route of a prefix, all of it but its addresses. */
struct rt_ent {
	struct rt_ent *next;
	uint32_t nh;		/* the family's next-hop index: one reference */
	uint32_t metric;
	uint16_t port;		/* DP_NO_PORT: none (blackhole, unreachable) */
	uint8_t plen;
	uint8_t type;		/* RTN_* */
	uint8_t protocol;	/* SLUICE_RTPROT_* */
	uint8_t scope;		/* RT_SCOPE_* */
	bool connected;		/* unicast, no gateway, on a port */
};

/* What a family does for the table.  e names a prefix by being one of its
 * routes; every route of a list has the same. */
struct rt_family {
	size_t ent_size;	/* of the family's entry */
	/* The FIB entry of e's prefix to next hop nh (new_prefix: the FIB
	 * has none for it yet), or out of the FIB: 0 or -errno. */
	int (*fib_set)(const struct rt_ent *e, uint32_t nh, bool new_prefix);
	int (*fib_unset)(const struct rt_ent *e);
	/* The first route of every prefix, into v (room for cap), from the
	 * family's rib: how many. */
	uint32_t (*heads)(struct rt_ent **v, uint32_t cap);
	/* Where the first route of e's prefix is kept (rt_table_find). */
	struct rt_ent **(*find)(const struct rt_ent *e);
	/* A reference to the next hop e's route needs: its index, or -errno. */
	int (*nh_get)(const struct rt_ent *e);
	void (*nh_put)(uint32_t nh);
	struct rt_ent *(*alloc)(void);
	void (*free)(struct rt_ent *e);
};

struct rt_table {
	const struct rt_family *fam;
	struct rt_pfx pfx;		/* prefix -> its first route */
	struct rt_nh_pool nhp;
	uint32_t max_total;		/* routes of every kind */
	uint32_t n_total;
	uint32_t n_visible;		/* what dumps show: no local entries */
	uint64_t gw_gen;		/* bumped when a connected route comes or goes */
	bool fib_dirty;			/* the family's: a FIB write may have freed a group */
};

static inline bool
rt_local(uint8_t type)
{
	return type == RTN_LOCAL || type == RTN_BROADCAST;
}

/*
 * The route whose next hop the FIB carries for the prefix of head: the
 * best that is live (port_routes_live: a backup route through a port that
 * is up takes over from one through a port set down, as a router's
 * floating static route; local entries stay, the router's addresses
 * answer on every port), else the best of all (its packets are then
 * dropped as port_down: no shorter prefix is used in its place).
 */
static inline const struct rt_ent *
rt_fib_ent(const struct rt_ent *head, uint16_t flipped)
{
	for (const struct rt_ent *e = head; e != NULL; e = e->next)
		if (rt_local(e->type) || port_routes_live(e->port, flipped))
			return e;
	return head;
}

static inline uint32_t
rt_fib_nh(const struct rt_ent *head)
{
	return rt_fib_ent(head, DP_NO_PORT)->nh;
}

/* Room for max routes; same() is the family's key test (rt_pfx_init).
 * 0, or -ENOMEM and nothing held. */
int rt_table_init(struct rt_table *t, const struct rt_family *fam, const char *name,
		  uint32_t max, uint32_t nh_key_len, bool (*same)(const void *p, const void *key));

/* Where the first route of the prefix key (hashed to h) is kept, NULL
 * when it has none. */
static inline struct rt_ent **
rt_table_find(const struct rt_table *t, uint64_t h, const void *key)
{
	return (struct rt_ent **)rt_pfx_find(&t->pfx, h, key);
}

/*
 * Add the route want, checked and filled by the family (its nh and next
 * are not read), to its prefix: hashed to h, its first route kept at hp
 * (rt_table_find; NULL: a new prefix).  A route of the same metric and
 * kind replaces the one there, as rtnetlink's flags allow
 * (rt_nl_add_allowed).  0 or -errno.
 */
int rt_table_add(struct rt_table *t, struct rt_ent **hp, uint64_t h, const struct rt_ent *want,
		 uint16_t nl_flags);

/*
 * Remove from the prefix whose first route is kept at hp every route
 * gone() picks (the first only, when once).  Returns how many went, or
 * -ENOSPC when the FIB could not drop the prefix (a delete may need a
 * group) and nothing changed.
 */
int rt_table_remove(struct rt_table *t, struct rt_ent **hp,
		    bool (*gone)(const struct rt_ent *e, const void *arg), const void *arg, bool once);

/* Does e match want in what m names of type, metric, port and protocol
 * (a local entry only when m names the type)?  The gateway is the
 * family's to compare. */
bool rt_ent_match(const struct rt_ent *e, const struct rt_ent *want, const struct route_match *m);

/* rt_table_remove over every prefix. */
void rt_table_flush(struct rt_table *t, bool (*gone)(const struct rt_ent *e, const void *arg),
		    const void *arg);
/* A gone() for them: every route through the port at arg. */
bool rt_ent_on_port(const struct rt_ent *e, const void *arg);

/* port's admin state changed: each prefix's FIB entry follows. */
void rt_table_port_state(struct rt_table *t, uint16_t port);

/* The port of the first connected route of head's list (on want, unless
 * want is DP_NO_PORT), or -ENETUNREACH. */
int rt_list_connected_port(const struct rt_ent *head, uint16_t want);

/* cb for each route of head's list a dump shows (no local entry) whose
 * metric is from_metric or more; stops when cb returns non-zero and
 * returns that. */
int rt_list_walk(const struct rt_ent *head, uint32_t from_metric,
		 int (*cb)(const struct rt_ent *e, void *arg), void *arg);

/* The end of a batch: a grace period, when a FIB write may have freed a
 * group or next hops wait to be given out again, then they are. */
void rt_table_sync(struct rt_table *t);

#endif
