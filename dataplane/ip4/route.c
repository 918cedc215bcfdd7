/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The routing table.
 *
 * Workers read one rte_fib (DIR-24-8, 4-byte entries): the entry for an
 * address is an index into nexthops[].  The control lcore keeps every
 * route in a list per prefix, best first, found by the prefix hash, as
 * route/rt_table.c keeps them for both families; the rte_rib the FIB is
 * built over (rte_fib_get_rib) answers the longest-match and ordered
 * questions (route get, a gateway's network, dumps).  The FIB carries, for
 * each prefix, the next hop of its best route through a port that is up
 * (rt_fib_ent); nothing else ever reaches the workers.  An add asks the
 * hash whether its prefix exists, not the rib: the FIB's own add descends
 * the rib three times already, and each descent of a million-node trie is
 * some twenty cache misses.
 *
 * Next hops are shared and counted (route/rt_nh.c): (type, port, gw) has
 * one index, reused only after an RCU grace period.
 *
 * Every control-side step of an add is O(1) or O(32): hash lookups, the
 * FIB's trie walks, one FIB write; nothing scans the table.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_fib.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_rib.h>

#include <linux/rtnetlink.h>

#include "neigh.h"
#include "port.h"
#include "route.h"
#include "rt_fib.h"
#include "rt_nh.h"
#include "rt_table.h"

struct nexthop nexthops[NH_MAX];
struct rte_fib *fib;

/* One route of a prefix (control side only): its addresses after what
 * the table keeps of every route. */
struct rt {
	struct rt_ent e;
	uint32_t dst;		/* host order, as in struct route */
	uint32_t gw;
	uint32_t prefsrc;
};

/* Next-hop key. */
struct nh_key {
	uint32_t gw;
	uint16_t port;
	uint8_t type;
	uint8_t pad;
};

/* Prefix key. */
struct pfx_key {
	uint32_t dst;
	uint8_t plen;
};

static struct rte_rib *rib;
static struct rt_table tbl;
static struct rte_rib *long24;		/* /24s holding longer prefixes (nh: how many) */
static uint32_t n_long;			/* FIB prefixes longer than /24 */
static bool long24_lost;		/* long24 ran out of room: assume the worst */

static inline const struct rt *
rt_of(const struct rt_ent *e)
{
	return container_of(e, const struct rt, e);
}

static inline bool
rt_is_connected(const struct route *r)
{
	return r->type == RTN_UNICAST && r->gw == 0 && r->port != DP_NO_PORT;
}

/* The table's entry for the route r. */
static void
rt_fill(struct rt *x, const struct route *r)
{
	x->e = (struct rt_ent){ .metric = r->metric, .port = r->port, .plen = r->plen,
				.type = r->type, .protocol = r->protocol, .scope = r->scope,
				.connected = rt_is_connected(r) };
	x->dst = r->dst;
	x->gw = r->gw;
	x->prefsrc = r->prefsrc;
}

/* The route the entry e holds. */
static void
route_of(const struct rt_ent *e, struct route *r)
{
	const struct rt *x = rt_of(e);

	*r = (struct route){ .dst = x->dst, .plen = e->plen, .type = e->type,
			     .protocol = e->protocol, .scope = e->scope, .metric = e->metric,
			     .gw = x->gw, .port = e->port, .prefsrc = x->prefsrc };
}

static bool
pfx_same(const void *p, const void *key)
{
	const struct rt *x = p;
	const struct pfx_key *k = key;

	return x->dst == k->dst && x->e.plen == k->plen;
}

/* Where the first route of dst/plen is kept, NULL when none. */
static inline struct rt_ent **
pfx_find(uint32_t dst, uint8_t plen)
{
	struct pfx_key k = { .dst = dst, .plen = plen };

	return rt_table_find(&tbl, rt_pfx_hash(0, dst, plen), &k);
}

/* The routes of a rib node's prefix, best first. */
static struct rt_ent *
node_head(const struct rte_rib_node *n)
{
	struct rt_ent **hp;
	uint32_t ip;
	uint8_t plen;

	rte_rib_get_ip(n, &ip);
	rte_rib_get_depth(n, &plen);
	hp = pfx_find(ip, plen);
	return hp != NULL ? *hp : NULL;
}

/* ------------------------------------------------------------------ */
/* Next hops */

static uint8_t
nh_type_of(uint8_t type, uint32_t gw)
{
	switch (type) {
	case RTN_LOCAL:
		return NH_LOCAL;
	case RTN_BROADCAST:
		return NH_BROADCAST;
	case RTN_BLACKHOLE:
		return NH_BLACKHOLE;
	case RTN_UNREACHABLE:
		return NH_UNREACHABLE;
	default:
		return gw != 0 ? NH_GATEWAY : NH_CONNECTED;
	}
}

static int
nh_get(const struct rt_ent *e)
{
	uint32_t gw = rt_of(e)->gw;
	uint8_t type = nh_type_of(e->type, gw);
	uint16_t port = e->port;
	struct nh_key k = { .gw = gw, .port = port, .type = type };
	bool fresh;
	int i = rt_nh_get(&tbl.nhp, &k, &fresh);

	if (i > 0 && fresh) {
		nexthops[i] = (struct nexthop){ .type = type, .port = port, .gw = gw,
			.neigh = type == NH_GATEWAY ? neigh_position(port, gw) : -1 };
		/* The next hop is whole before any FIB entry can name it. */
		rte_atomic_thread_fence(__ATOMIC_RELEASE);
	}
	return i;
}

static void
nh_put(uint32_t i)
{
	struct nh_key k = { .gw = nexthops[i].gw, .port = nexthops[i].port,
			    .type = nexthops[i].type };

	rt_nh_put(&tbl.nhp, i, &k);
}

void
route_nh_neigh(uint16_t port, uint32_t ip, int32_t pos)
{
	struct nh_key k = { .gw = ip, .port = port, .type = NH_GATEWAY };
	int i = rt_nh_find(&tbl.nhp, &k);

	if (i > 0)
		__atomic_store_n(&nexthops[i].neigh, pos, __ATOMIC_RELEASE);
}

/* ------------------------------------------------------------------ */
/* The FIB under change */

/*
 * DPDK 22.11's rte_fib has no RCU hook (it came in 24.11).  When a write
 * leaves a /24's tbl8 group uniform, dir24_8 folds the group back into its
 * tbl24 entry, zeroes it and marks it free at once; the very next write that
 * needs a group may take that one and fill it with another /24's next hops
 * while a worker that read the old tbl24 entry is still about to read it,
 * and would forward by a stranger's route.  So after any write that may
 * have freed a group, the next FIB write waits for a grace period (every
 * worker quiescent once).  A group can only be freed in a /24 that holds a
 * prefix longer than /24 (long24 counts them), and a freed group leaves its
 * /24 resolving to one next hop, which a 256-address lookup sees: so only a
 * write that really may have freed a group costs the next one a grace
 * period, and a batch of adds, or a full table without such prefixes, never
 * waits.
 *
 * Two windows remain that no caller can close: the zeroing itself (a
 * worker can read 0, "no route", in the instant between the tbl24 rewrite
 * and the zeroing; route_lookup_bulk looks such results up again), and a
 * single write that frees one group and allocates another (a covering
 * prefix whose range ends in two /24s that both hold longer prefixes).
 */
static inline void
fib_before_write(void)
{
	if (unlikely(tbl.fib_dirty)) {
		rte_rcu_qsbr_synchronize(dp.qsbr, RTE_QSBR_THRID_INVALID);
		tbl.fib_dirty = false;
	}
}

/* Does the /24 at ip resolve to a single next hop (its group, if it had
 * one, has been folded and freed)? */
static bool
fib_24_uniform(uint32_t ip)
{
	uint32_t ips[256];
	uint64_t nh[256];

	for (uint32_t i = 0; i < 256; i++)
		ips[i] = (ip & 0xffffff00u) | i;
	rte_fib_lookup_bulk(fib, ips, nh, 256);
	for (uint32_t i = 1; i < 256; i++)
		if (nh[i] != nh[0])
			return false;
	return true;
}

static void
long24_count(uint32_t dst, int d)
{
	struct rte_rib_node *n = rte_rib_lookup_exact(long24, dst & 0xffffff00u, 24);
	uint64_t k = 0;

	n_long += d;
	if (n == NULL && d > 0)
		n = rte_rib_insert(long24, dst & 0xffffff00u, 24);
	if (n == NULL) {
		long24_lost = d > 0 ? true : long24_lost;
		return;
	}
	rte_rib_get_nh(n, &k);
	k += d;
	if (k == 0)
		rte_rib_remove(long24, dst & 0xffffff00u, 24);
	else
		rte_rib_set_nh(n, k);
}

/* After a write to dst/plen: may it have freed a tbl8 group? */
static void
fib_after_write(uint32_t dst, uint8_t plen)
{
	struct rte_rib_node *n = NULL;
	uint32_t ip;
	int probes = 0;

	if (n_long == 0 && plen <= 24)
		return;
	if (plen >= 24) {
		if ((plen > 24 || long24_lost ||
		     rte_rib_lookup_exact(long24, dst, 24) != NULL) && fib_24_uniform(dst))
			tbl.fib_dirty = true;
		return;
	}
	/* A shorter prefix reaches groups only in the /24s under it that
	 * hold longer prefixes: look at a few, assume the worst beyond. */
	if (long24_lost) {
		tbl.fib_dirty = true;
		return;
	}
	while ((n = rte_rib_get_nxt(long24, dst, plen, n, RTE_RIB_GET_NXT_ALL)) != NULL) {
		if (++probes > 16) {
			tbl.fib_dirty = true;
			return;
		}
		rte_rib_get_ip(n, &ip);
		if (fib_24_uniform(ip)) {
			tbl.fib_dirty = true;
			return;
		}
	}
}

/*
 * What the FIB stores for a prefix: the next hop's index, and the prefix
 * length above it (route_lookup_bulk masks it off).  dir24_8 in 22.11 skips
 * an add whose value equals its covering prefix's, and in doing so also
 * skips counting the tbl8 group reserved for a /25-/32, which its delete
 * then uncounts anyway: the counter wraps and every later /25-/32 fails
 * with ENOSPC.  A prefix never has the length of the prefix covering it,
 * so with the length in the value no add is ever skipped.
 */
#define FIB_NH_MASK	ROUTE_NH_MASK
static inline uint64_t
fib_value(uint32_t nh, uint8_t plen)
{
	return (uint64_t)plen << 16 | nh;
}

/* The FIB entry of e's prefix to nh (new_prefix: it has none yet). */
static int
fib_set(const struct rt_ent *e, uint32_t nh, bool new_prefix)
{
	uint32_t dst = rt_of(e)->dst;
	uint8_t plen = e->plen;
	int ret;

	fib_before_write();
	ret = rte_fib_add(fib, dst, plen, fib_value(nh, plen));
	if (ret == 0) {
		if (new_prefix && plen > 24)
			long24_count(dst, 1);
		fib_after_write(dst, plen);
	}
	return ret;
}

static int
fib_unset(const struct rt_ent *e)
{
	uint32_t dst = rt_of(e)->dst;
	uint8_t plen = e->plen;
	int ret;

	fib_before_write();
	ret = rte_fib_delete(fib, dst, plen);
	if (ret == 0 && plen > 24)
		long24_count(dst, -1);
	fib_after_write(dst, plen);
	return ret;
}

static uint32_t
rt_heads(struct rt_ent **v, uint32_t cap)
{
	struct rte_rib_node *n = rte_rib_lookup_exact(rib, 0, 0);
	uint32_t k = 0;

	/* The walk below starts under the default route. */
	if (n != NULL && (v[k] = node_head(n)) != NULL)
		k++;
	n = NULL;
	while (k < cap && (n = rte_rib_get_nxt(rib, 0, 0, n, RTE_RIB_GET_NXT_ALL)) != NULL)
		if ((v[k] = node_head(n)) != NULL)
			k++;
	return k;
}

static struct rt_ent **
pfx_of(const struct rt_ent *e)
{
	return pfx_find(rt_of(e)->dst, e->plen);
}

/* A route's memory, from the heap (a table of a million routes takes
 * it as they come). */
static struct rt_ent *
rt_alloc(void)
{
	struct rt *x = malloc(sizeof(*x));

	return x != NULL ? &x->e : NULL;
}

static void
rt_free(struct rt_ent *e)
{
	free(container_of(e, struct rt, e));
}

/* What route/rt_table.c asks of IPv4: the FIB writes, next hops and
 * memory above, the rib's prefixes. */
static const struct rt_family family = {
	.ent_size = sizeof(struct rt),
	.fib_set = fib_set,
	.fib_unset = fib_unset,
	.heads = rt_heads,
	.find = pfx_of,
	.nh_get = nh_get,
	.nh_put = nh_put,
	.alloc = rt_alloc,
	.free = rt_free,
};

/* ------------------------------------------------------------------ */
/* Routes */

/*
 * The port of the connected network gw is on: the longest prefix covering
 * gw that has a connected route (on want, unless want is DP_NO_PORT).
 */
static int
gw_port_find(uint32_t gw, uint16_t want)
{
	for (struct rte_rib_node *n = rte_rib_lookup(rib, gw); n != NULL;
	     n = rte_rib_lookup_parent(n)) {
		int port = rt_list_connected_port(node_head(n), want);

		if (port >= 0)
			return port;
	}
	return -ENETUNREACH;
}

/* A table loaded in bulk names the same few gateways again and again: the
 * last answer holds until a connected route comes or goes. */
static int
gw_port(uint32_t gw, uint16_t want)
{
	static struct { uint64_t gen; uint32_t gw; uint16_t want; int port; } c;

	if (c.gen != tbl.gw_gen || c.gw != gw || c.want != want) {
		c.port = gw_port_find(gw, want);
		c.gen = tbl.gw_gen;
		c.gw = gw;
		c.want = want;
	}
	return c.port;
}

/* Check r and complete it (port of a gateway route, masks). */
static int
route_check(const struct route *in, struct route *r)
{
	*r = *in;
	if (r->plen > 32)
		return -EINVAL;
	if ((r->dst & ~plen_mask(r->plen)) != 0)
		return -EINVAL;
	switch (r->type) {
	case RTN_BLACKHOLE:
	case RTN_UNREACHABLE:
		if (r->gw != 0)
			return -EINVAL;
		r->port = DP_NO_PORT;
		return 0;
	case RTN_LOCAL:
	case RTN_BROADCAST:
		if (!port_used(r->port))
			return -ENODEV;
		r->gw = 0;
		return 0;
	case RTN_UNICAST:
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (r->port != DP_NO_PORT && !port_used(r->port))
		return -ENODEV;
	if (r->gw == 0)
		return r->port == DP_NO_PORT ? -ENODEV : 0;
	if (addr_is_local(addrs_get(), r->gw))
		return dp_errmsg(-EINVAL, "gateway " DP_IP4_FMT " is an address of this router",
				 DP_IP4_ARGS(r->gw));
	int port = gw_port(r->gw, r->port);
	if (port < 0 && r->port != DP_NO_PORT)
		return dp_errmsg(port, "gateway " DP_IP4_FMT " is on no network of port %s",
				 DP_IP4_ARGS(r->gw), ports[r->port].name);
	if (port < 0)
		return dp_errmsg(port, "gateway " DP_IP4_FMT " is on no connected network",
				 DP_IP4_ARGS(r->gw));
	/* No host answers ARP for it; the kernel refuses it too. */
	if (addr_bcast_on_port(addrs_get(), (uint16_t)port, r->gw))
		return dp_errmsg(-EINVAL, "gateway " DP_IP4_FMT " is the broadcast address of a "
				 "network of port %s", DP_IP4_ARGS(r->gw), ports[port].name);
	r->port = (uint16_t)port;
	return 0;
}


int
route_add(const struct route *in, uint16_t nl_flags)
{
	struct route r;
	struct rt want;
	uint64_t h;
	int ret;

	ret = route_check(in, &r);
	if (ret != 0)
		return ret;
	rt_fill(&want, &r);
	h = rt_pfx_hash(0, r.dst, r.plen);
	return rt_table_add(&tbl, rt_table_find(&tbl, h, &(struct pfx_key){ r.dst, r.plen }), h,
			    &want.e, nl_flags);
}

struct del_arg {
	const struct rt *want;
	const struct route_match *m;
};

static bool
del_gone(const struct rt_ent *e, const void *arg)
{
	const struct del_arg *a = arg;

	return rt_ent_match(e, &a->want->e, a->m) && (!a->m->gw || rt_of(e)->gw == a->want->gw);
}

int
route_del(const struct route *r, const struct route_match *match)
{
	static const struct route_match none;
	struct rt want;
	struct del_arg a = { &want, match != NULL ? match : &none };
	struct rt_ent **hp;
	int ret;

	if (r->plen > 32)
		return -EINVAL;
	rt_fill(&want, r);
	want.dst &= plen_mask(r->plen);
	hp = pfx_find(want.dst, r->plen);
	ret = hp != NULL ? rt_table_remove(&tbl, hp, del_gone, &a, true) : 0;
	return ret == 0 ? -ESRCH : ret < 0 ? ret : 0;
}

struct gw_net {
	uint16_t port;
	uint32_t net, mask;
};

static bool
gateway_gone(const struct rt_ent *e, const void *arg)
{
	const struct gw_net *g = arg;
	uint32_t gw = rt_of(e)->gw;

	return gw != 0 && e->port == g->port && (gw & g->mask) == g->net;
}

void
route_flush_port(uint16_t port)
{
	rt_table_flush(&tbl, rt_ent_on_port, &port);
}

void
route_port_state(uint16_t port)
{
	rt_table_port_state(&tbl, port);
}

void
route_flush_gateways(uint16_t port, uint32_t net, uint8_t plen)
{
	struct gw_net g = { .port = port, .mask = plen == 0 ? 0 : ~0u << (32 - plen) };

	g.net = net & g.mask;
	rt_table_flush(&tbl, gateway_gone, &g);
}

void
route_lookup_bulk(const uint32_t *ips, uint64_t *nh, unsigned int n)
{
	rte_fib_lookup_bulk(fib, (uint32_t *)(uintptr_t)ips, nh, (int)n);
	for (unsigned int i = 0; i < n; i++) {
		/* A 0 may be a tbl8 entry read in the instant it was zeroed
		 * (see above); a second look sees the folded tbl24 entry.
		 * Only packets without a route pay for it. */
		if (unlikely(nh[i] == 0))
			rte_fib_lookup_bulk(fib, (uint32_t *)(uintptr_t)&ips[i], &nh[i], 1);
		nh[i] &= FIB_NH_MASK;
	}
}

void
route_lookup_raw(const uint32_t *ips, uint64_t *raw, unsigned int n)
{
	rte_fib_lookup_bulk(fib, (uint32_t *)(uintptr_t)ips, raw, (int)n);
}

uint32_t
route_lookup_again(uint32_t ip)
{
	uint64_t nh = 0;

	rte_fib_lookup_bulk(fib, &ip, &nh, 1);
	return route_nh(nh);
}

/* Where an answer to ip through out's port would come from, unless the
 * route names it: our address on the network of the next hop, else the
 * port's first. */

/* Where an answer to ip through out's port would come from, unless the
 * route names it: our address on the network of the next hop, else the
 * port's first. */
static void
route_source(uint32_t ip, struct route *out)
{
	const struct addr_table *t = addrs_get();
	uint32_t via = out->gw != 0 ? out->gw : ip;

	if (out->prefsrc != 0 || out->port == DP_NO_PORT)
		return;
	for (uint16_t i = 0; i < t->n; i++)
		if (t->a[i].port == out->port &&
		    ((t->a[i].ip ^ via) & plen_mask(t->a[i].plen)) == 0) {
			out->prefsrc = t->a[i].ip;
			return;
		}
	out->prefsrc = addr_of_port(t, out->port);
}


int
route_get(uint32_t ip, struct route *out)
{
	struct rte_rib_node *n;
	uint64_t nh = 0;

	rte_fib_lookup_bulk(fib, &ip, &nh, 1);
	if (nh == 0)
		return -ENETUNREACH;
	n = rte_rib_lookup(rib, ip);
	if (n == NULL || node_head(n) == NULL)
		return -ENETUNREACH;
	route_of(rt_fib_ent(node_head(n), DP_NO_PORT), out);
	route_source(ip, out);
	return 0;
}

int
route_get_via(uint32_t ip, uint16_t port, struct route *out)
{
	for (struct rte_rib_node *n = rte_rib_lookup(rib, ip); n != NULL;
	     n = rte_rib_lookup_parent(n))
		for (const struct rt_ent *e = node_head(n); e != NULL; e = e->next)
			if (e->port == port) {
				route_of(e, out);
				route_source(ip, out);
				return 0;
			}
	/* No route names the port: the kernel takes the address to be on
	 * its link. */
	*out = (struct route){ .dst = ip, .plen = 32, .type = RTN_UNICAST,
			       .scope = RT_SCOPE_LINK, .port = port };
	route_source(ip, out);
	return 0;
}

/* A walk: the caller's cb, and where it stopped. */
struct walk {
	int (*cb)(const struct route *r, void *arg);
	void *arg;
	struct route_pos *pos;
};

/* A route to the walk's cb; where cb refuses it, noted: that route comes
 * first next time. */
static int
walk_one(const struct rt_ent *e, void *arg)
{
	struct walk *w = arg;
	struct route r;
	int ret;

	route_of(e, &r);
	ret = w->cb(&r, w->arg);
	if (ret != 0)
		*w->pos = (struct route_pos){ .dst = r.dst, .plen = r.plen,
					      .metric = r.metric, .valid = true };
	return ret;
}

/* Pre-order: a prefix, then the prefixes directly under it in address
 * order, each followed by its own (depth at most 32). */
static int
walk_under(uint32_t ip, uint8_t plen, struct walk *w)
{
	struct rte_rib_node *c = NULL;
	uint32_t cip;
	uint8_t cplen;
	int ret;

	while ((c = rte_rib_get_nxt(rib, ip, plen, c, RTE_RIB_GET_NXT_COVER)) != NULL) {
		ret = rt_list_walk(node_head(c), 0, walk_one, w);
		if (ret != 0)
			return ret;
		rte_rib_get_ip(c, &cip);
		rte_rib_get_depth(c, &cplen);
		if (cplen < 32) {
			ret = walk_under(cip, cplen, w);
			if (ret != 0)
				return ret;
		}
	}
	return 0;
}

/* The routes of dst/plen from metric on, then those of the prefixes
 * under it. */
static int
walk_prefix(uint32_t dst, uint8_t plen, uint32_t metric, struct walk *w)
{
	struct rt_ent **hp = pfx_find(dst, plen);
	int ret;

	if (hp != NULL) {
		ret = rt_list_walk(*hp, metric, walk_one, w);
		if (ret != 0)
			return ret;
	}
	return plen < 32 ? walk_under(dst, plen, w) : 0;
}

int
route_walk(int (*cb)(const struct route *r, void *arg), void *arg)
{
	struct route_pos pos = { .valid = false };

	return route_walk_from(&pos, cb, arg);
}

/*
 * The walk's order is (dst, plen, metric).  After the prefix where it
 * stopped come the prefixes under it, then those after its range: that rest
 * of the address space cut into aligned blocks, each walked as a subtree
 * (at most 32 blocks; every later prefix lies in exactly one).
 */
int
route_walk_from(struct route_pos *pos, int (*cb)(const struct route *r, void *arg), void *arg)
{
	struct walk w = { .cb = cb, .arg = arg, .pos = pos };
	uint64_t ip;
	int ret;

	if (!pos->valid)
		return walk_prefix(0, 0, 0, &w);
	ret = walk_prefix(pos->dst, pos->plen, pos->metric, &w);
	if (ret != 0)
		return ret;
	for (ip = (uint64_t)pos->dst + (1ull << (32 - pos->plen)); ip < (1ull << 32);) {
		uint8_t bits = (uint8_t)__builtin_ctzll(ip);	/* ip > 0 here */

		ret = walk_prefix((uint32_t)ip, (uint8_t)(32 - bits), 0, &w);
		if (ret != 0)
			return ret;
		ip += 1ull << bits;
	}
	return 0;
}

unsigned int
route_count(void)
{
	return tbl.n_visible;
}

void
route_sync(void)
{
	rt_table_sync(&tbl);
}

/* DIR-24-8's AVX-512 lookup where the CPU has it (rt_fib_pick_avx512):
 * 16 addresses a step, one gather for their tbl24 entries. */
static int
fib_pick_avx512(void *f)
{
	return rte_fib_select_lookup(f, RTE_FIB_LOOKUP_DIR24_8_VECTOR_AVX512);
}

int
route_init(uint32_t max_routes)
{
	/* Room beyond max_routes for what addresses bring (local,
	 * broadcast and connected entries). */
	uint32_t total = max_routes + 4 * DP_MAX_ADDRS;
	struct rte_fib_conf fc = {
		.type = RTE_FIB_DIR24_8,
		.default_nh = NH_NONE,
		.max_routes = (int)total,
		.rib_ext_sz = 0,
		.dir24_8 = {
			.nh_sz = RTE_FIB_DIR24_8_4B,
			.num_tbl8 = RTE_MIN(RTE_MAX(max_routes / 8, 4096u), 131072u),
		},
	};
	struct rte_rib_conf rc = {
		.ext_sz = 0,
		.max_nodes = (int)(2 * RTE_MIN(RTE_MAX(max_routes / 8, 4096u), 131072u)),
	};
	RTE_BUILD_BUG_ON(NH_MAX != RT_NH_MAX);
	fib = rte_fib_create("sluice_fib", (int)rte_socket_id(), &fc);
	if (fib == NULL)
		return -ENOMEM;
	rt_fib_pick_avx512(fib_pick_avx512, fib);
	rib = rte_fib_get_rib(fib);
	long24 = rte_rib_create("sluice_long24", (int)rte_socket_id(), &rc);
	if (rib == NULL || long24 == NULL ||
	    rt_table_init(&tbl, &family, "sluice", total, sizeof(struct nh_key), pfx_same) != 0) {
		/* Leave nothing behind: the caller may try a smaller table. */
		rte_rib_free(long24);
		rte_fib_free(fib);
		long24 = NULL;
		rib = NULL;
		fib = NULL;
		return -ENOMEM;
	}
	memset(nexthops, 0, sizeof(nexthops));
	return 0;
}
