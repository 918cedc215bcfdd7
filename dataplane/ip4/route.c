/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The routing table.
 *
 * Workers read one rte_fib (DIR-24-8, 4-byte entries): the entry for an
 * address is an index into nexthops[].  The control lcore keeps every
 * route in a list per prefix, best first (a local or broadcast entry
 * before anything, then by metric), found by the prefix hash of
 * route/rt_pfx.c; the rte_rib the FIB is built over (rte_fib_get_rib)
 * answers the longest-match and ordered questions (route get, a gateway's
 * network, dumps).  The FIB carries, for each prefix, the next hop
 * of its best route through a port that is up (fib_rt); nothing else
 * ever reaches the workers.  An add asks the hash whether its prefix
 * exists, not the rib: the FIB's own add descends the
 * rib three times already, and each descent of a million-node trie is
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
#include "rt_nl.h"
#include "rt_pfx.h"

struct nexthop nexthops[NH_MAX];
struct rte_fib *fib;

/* One route of a prefix (control side only). */
struct rt {
	struct rt *next;
	struct route r;
	uint32_t nh;		/* index into nexthops[], one reference */
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
static struct rt_nh_pool nhp;
static struct rt_pfx pfx;		/* prefix -> its first route */

static uint32_t max_total;		/* routes of every kind */
static uint32_t n_total;
static uint32_t n_visible;		/* what route_walk shows */
static struct rte_rib *long24;		/* /24s holding longer prefixes (nh: how many) */
static uint32_t n_long;			/* FIB prefixes longer than /24 */
static bool long24_lost;		/* long24 ran out of room: assume the worst */
static bool fib_dirty;			/* a tbl8 group may have been freed */
static uint64_t gw_gen = 1;		/* bumped when a connected route comes or goes */

static inline bool
rt_local_table(uint8_t type)
{
	return type == RTN_LOCAL || type == RTN_BROADCAST;
}

static bool
pfx_same(const void *p, const void *key)
{
	const struct rt *e = p;
	const struct pfx_key *k = key;

	return e->r.dst == k->dst && e->r.plen == k->plen;
}

/* Where the first route of dst/plen is kept, NULL when none. */
static inline struct rt **
pfx_find(uint32_t dst, uint8_t plen)
{
	struct pfx_key k = { .dst = dst, .plen = plen };

	return (struct rt **)rt_pfx_find(&pfx, rt_pfx_hash(0, dst, plen), &k);
}

/* The routes of a rib node's prefix, best first. */
static struct rt *
node_head(const struct rte_rib_node *n)
{
	struct rt **hp;
	uint32_t ip;
	uint8_t plen;

	rte_rib_get_ip(n, &ip);
	rte_rib_get_depth(n, &plen);
	hp = pfx_find(ip, plen);
	return hp != NULL ? *hp : NULL;
}

/* ------------------------------------------------------------------ */
/* Next hops */

static int
nh_get(uint8_t type, uint16_t port, uint32_t gw)
{
	struct nh_key k = { .gw = gw, .port = port, .type = type };
	bool fresh;
	int i = rt_nh_get(&nhp, &k, &fresh);

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

	rt_nh_put(&nhp, i, &k);
}

void
route_nh_neigh(uint16_t port, uint32_t ip, int32_t pos)
{
	struct nh_key k = { .gw = ip, .port = port, .type = NH_GATEWAY };
	int i = rt_nh_find(&nhp, &k);

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
	if (unlikely(fib_dirty)) {
		rte_rcu_qsbr_synchronize(dp.qsbr, RTE_QSBR_THRID_INVALID);
		fib_dirty = false;
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
			fib_dirty = true;
		return;
	}
	/* A shorter prefix reaches groups only in the /24s under it that
	 * hold longer prefixes: look at a few, assume the worst beyond. */
	if (long24_lost) {
		fib_dirty = true;
		return;
	}
	while ((n = rte_rib_get_nxt(long24, dst, plen, n, RTE_RIB_GET_NXT_ALL)) != NULL) {
		if (++probes > 16) {
			fib_dirty = true;
			return;
		}
		rte_rib_get_ip(n, &ip);
		if (fib_24_uniform(ip)) {
			fib_dirty = true;
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

static int
fib_set(uint32_t dst, uint8_t plen, uint32_t nh, bool new_prefix)
{
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
fib_unset(uint32_t dst, uint8_t plen)
{
	int ret;

	fib_before_write();
	ret = rte_fib_delete(fib, dst, plen);
	if (ret == 0 && plen > 24)
		long24_count(dst, -1);
	fib_after_write(dst, plen);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Routes */

static inline int
rt_rank(const struct route *r)
{
	return rt_local_table(r->type) ? 0 : 1;
}

/* Is a better than b for the FIB? */
static inline bool
rt_better(const struct route *a, const struct route *b)
{
	if (rt_rank(a) != rt_rank(b))
		return rt_rank(a) < rt_rank(b);
	return a->metric < b->metric;
}

/*
 * The route whose next hop the FIB carries for the prefix of head: the
 * best that is live (port_routes_live: a backup route through a port that
 * is up takes over from one through a port set down, as a router's
 * floating static route; local entries stay, the router's addresses
 * answer on every port), else the best of all (its packets are then
 * dropped as port_down: no shorter prefix is used in its place).
 */
static inline const struct rt *
fib_rt(const struct rt *head, uint16_t flipped)
{
	for (const struct rt *e = head; e != NULL; e = e->next)
		if (rt_local_table(e->r.type) || port_routes_live(e->r.port, flipped))
			return e;
	return head;
}

static inline uint32_t
fib_nh(const struct rt *head)
{
	return fib_rt(head, DP_NO_PORT)->nh;
}

static inline bool
rt_is_connected(const struct route *r)
{
	return r->type == RTN_UNICAST && r->gw == 0 && r->port != DP_NO_PORT;
}

/*
 * The port of the connected network gw is on: the longest prefix covering
 * gw that has a connected route (on want, unless want is DP_NO_PORT).
 */
static int
gw_port_find(uint32_t gw, uint16_t want)
{
	struct rte_rib_node *n = rte_rib_lookup(rib, gw);

	for (; n != NULL; n = rte_rib_lookup_parent(n)) {
		for (struct rt *e = node_head(n); e != NULL; e = e->next) {
			if (!rt_is_connected(&e->r))
				continue;
			if (want == DP_NO_PORT || e->r.port == want)
				return e->r.port;
		}
	}
	return -ENETUNREACH;
}

/* A table loaded in bulk names the same few gateways again and again: the
 * last answer holds until a connected route comes or goes. */
static int
gw_port(uint32_t gw, uint16_t want)
{
	static struct { uint64_t gen; uint32_t gw; uint16_t want; int port; } c;

	if (c.gen != gw_gen || c.gw != gw || c.want != want) {
		c.port = gw_port_find(gw, want);
		c.gen = gw_gen;
		c.gw = gw;
		c.want = want;
	}
	return c.port;
}

static uint8_t
nh_type_of(const struct route *r)
{
	switch (r->type) {
	case RTN_LOCAL:
		return NH_LOCAL;
	case RTN_BROADCAST:
		return NH_BROADCAST;
	case RTN_BLACKHOLE:
		return NH_BLACKHOLE;
	case RTN_UNREACHABLE:
		return NH_UNREACHABLE;
	default:
		return r->gw != 0 ? NH_GATEWAY : NH_CONNECTED;
	}
}

static inline bool
port_ok(uint16_t port)
{
	return port < DP_MAX_PORTS && ports[port].used;
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
		if (!port_ok(r->port))
			return -ENODEV;
		r->gw = 0;
		return 0;
	case RTN_UNICAST:
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (r->port != DP_NO_PORT && !port_ok(r->port))
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

static void
list_insert(struct rt **pp, struct rt *e)
{
	while (*pp != NULL && !rt_better(&e->r, &(*pp)->r))
		pp = &(*pp)->next;
	e->next = *pp;
	*pp = e;
}

static void
counts(const struct route *r, int d)
{
	n_total += d;
	if (!rt_local_table(r->type))
		n_visible += d;
	if (rt_is_connected(r))
		gw_gen++;
}

/* A prefix nobody routes yet: into the FIB, then the prefix hash. */
static int
route_add_prefix(struct rt *e)
{
	int ret;

	ret = fib_set(e->r.dst, e->r.plen, e->nh, true);
	if (ret != 0)
		return ret == -ENOMEM ? -ENOSPC : ret;
	e->next = NULL;
	ret = rt_pfx_add(&pfx, rt_pfx_hash(0, e->r.dst, e->r.plen), e);
	if (unlikely(ret != 0))
		fib_unset(e->r.dst, e->r.plen);
	return ret;
}

int
route_add(const struct route *in, uint16_t nl_flags)
{
	struct rt **hp, *e, *old = NULL;
	struct route r;
	uint32_t old_head_nh = 0;
	int nh, ret;

	ret = route_check(in, &r);
	if (ret != 0)
		return ret;

	hp = pfx_find(r.dst, r.plen);
	if (hp != NULL) {
		old_head_nh = fib_nh(*hp);
		for (e = *hp; e != NULL; e = e->next)
			if (e->r.metric == r.metric &&
			    rt_local_table(e->r.type) == rt_local_table(r.type)) {
				old = e;
				break;
			}
	}
	ret = rt_nl_add_allowed(old != NULL, nl_flags);
	if (ret != 0)
		return ret;
	if (old == NULL && n_total >= max_total)
		return -ENOSPC;

	nh = nh_get(nh_type_of(&r), r.port, r.gw);
	if (nh < 0)
		return nh;

	if (old != NULL) {
		/* Same metric, same place in the list. */
		uint32_t prev_nh = old->nh;

		counts(&old->r, -1);
		old->r = r;
		old->nh = (uint32_t)nh;
		counts(&r, 1);
		if (fib_nh(*hp) != old_head_nh)
			fib_set(r.dst, r.plen, fib_nh(*hp), false);
		nh_put(prev_nh);
		return 0;
	}

	e = malloc(sizeof(*e));
	if (e == NULL) {
		nh_put((uint32_t)nh);
		return -ENOMEM;
	}
	e->r = r;
	e->nh = (uint32_t)nh;
	if (hp == NULL) {
		ret = route_add_prefix(e);
		if (ret != 0) {
			free(e);
			nh_put((uint32_t)nh);
			return ret;
		}
	} else {
		list_insert(hp, e);
		/* The FIB changes an existing prefix in place: it cannot fail. */
		if (fib_nh(*hp) != old_head_nh)
			fib_set(r.dst, r.plen, fib_nh(*hp), false);
	}
	counts(&r, 1);
	return 0;
}

static bool
rt_match(const struct route *e, const struct route *r, const struct route_match *m)
{
	if (m->type ? e->type != r->type : rt_local_table(e->type))
		return false;
	if (m->metric && e->metric != r->metric)
		return false;
	if (m->gw && e->gw != r->gw)
		return false;
	if (m->port && e->port != r->port)
		return false;
	if (m->protocol && e->protocol != r->protocol)
		return false;
	return true;
}

/*
 * Remove from prefix dst/plen, whose first route is kept at hp, every
 * route gone() picks (the first only, when once).  Returns how many went,
 * or -ENOSPC when the FIB could not drop the prefix (a delete may need a
 * tbl8 group) and nothing changed.
 */
static int
pfx_remove(struct rt **hp, uint32_t dst, uint8_t plen,
	   bool (*gone)(const struct route *, const void *), const void *arg, bool once)
{
	struct rt **pp = hp, *e, *dead = NULL, **dead_tail = &dead;
	uint32_t old_head_nh = fib_nh(*hp);
	int k = 0;

	while ((e = *pp) != NULL) {
		if (gone(&e->r, arg)) {
			*pp = e->next;
			e->next = NULL;
			*dead_tail = e;
			dead_tail = &e->next;
			k++;
			if (once)
				break;
		} else {
			pp = &e->next;
		}
	}
	if (k == 0)
		return 0;
	if (*hp == NULL) {
		struct pfx_key key = { .dst = dst, .plen = plen };

		if (fib_unset(dst, plen) != 0) {
			*hp = dead;
			return -ENOSPC;
		}
		/* dead's routes still name the prefix: the slot is found. */
		*hp = dead;
		rt_pfx_del(&pfx, rt_pfx_hash(0, dst, plen), &key);
	} else if (fib_nh(*hp) != old_head_nh) {
		fib_set(dst, plen, fib_nh(*hp), false);
	}
	while ((e = dead) != NULL) {
		dead = e->next;
		counts(&e->r, -1);
		nh_put(e->nh);
		free(e);
	}
	return k;
}

struct del_arg {
	const struct route *r;
	const struct route_match *m;
};

static bool
del_gone(const struct route *e, const void *arg)
{
	const struct del_arg *a = arg;

	return rt_match(e, a->r, a->m);
}

int
route_del(const struct route *r, const struct route_match *match)
{
	static const struct route_match none;
	struct del_arg a = { r, match != NULL ? match : &none };
	uint32_t dst;
	struct rt **hp;
	int ret;

	if (r->plen > 32)
		return -EINVAL;
	dst = r->dst & plen_mask(r->plen);
	hp = pfx_find(dst, r->plen);
	ret = hp != NULL ? pfx_remove(hp, dst, r->plen, del_gone, &a, true) : 0;
	return ret == 0 ? -ESRCH : ret < 0 ? ret : 0;
}

static bool
port_gone(const struct route *e, const void *arg)
{
	return e->port == *(const uint16_t *)arg;
}

struct gw_net {
	uint16_t port;
	uint32_t net, mask;
};

static bool
gateway_gone(const struct route *e, const void *arg)
{
	const struct gw_net *g = arg;

	return e->gw != 0 && e->port == g->port && (e->gw & g->mask) == g->net;
}

/* Remove every route that gone() says is gone, over the whole table. */
static void
route_flush_if(bool (*gone)(const struct route *, const void *), const void *arg)
{
	struct rte_rib_node *n = NULL;
	uint32_t cap = 1024, k = 0;
	struct { uint32_t ip; uint8_t plen; } *v = malloc(cap * sizeof(*v));

	if (v == NULL)
		return;
	/* Collect first: removing a node would break the walk. */
	if (rte_rib_lookup_exact(rib, 0, 0) != NULL)
		v[k++] = (typeof(*v)){ 0, 0 };
	while ((n = rte_rib_get_nxt(rib, 0, 0, n, RTE_RIB_GET_NXT_ALL)) != NULL) {
		if (k == cap) {
			void *t = realloc(v, 2 * cap * sizeof(*v));

			if (t == NULL)
				break;
			v = t;
			cap *= 2;
		}
		rte_rib_get_ip(n, &v[k].ip);
		rte_rib_get_depth(n, &v[k].plen);
		k++;
	}
	for (uint32_t i = 0; i < k; i++) {
		struct rt **hp = pfx_find(v[i].ip, v[i].plen);

		if (hp != NULL)
			pfx_remove(hp, v[i].ip, v[i].plen, gone, arg, false);
	}
	free(v);
}

void
route_flush_port(uint16_t port)
{
	route_flush_if(port_gone, &port);
}

/* A prefix with a route through port: the FIB follows the port's state. */
static void
port_state_cb(void *p, void *arg)
{
	const struct rt *head = p;
	uint16_t port = *(const uint16_t *)arg;
	uint32_t was, now;

	if (head->next == NULL)
		return;
	was = fib_rt(head, port)->nh;
	now = fib_nh(head);
	if (now != was)
		fib_set(head->r.dst, head->r.plen, now, false);
}

void
route_port_state(uint16_t port)
{
	rt_pfx_each(&pfx, port_state_cb, &port);
}

void
route_flush_gateways(uint16_t port, uint32_t net, uint8_t plen)
{
	struct gw_net g = { .port = port, .mask = plen == 0 ? 0 : ~0u << (32 - plen) };

	g.net = net & g.mask;
	route_flush_if(gateway_gone, &g);
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
	*out = fib_rt(node_head(n), DP_NO_PORT)->r;
	route_source(ip, out);
	return 0;
}

int
route_get_via(uint32_t ip, uint16_t port, struct route *out)
{
	for (struct rte_rib_node *n = rte_rib_lookup(rib, ip); n != NULL;
	     n = rte_rib_lookup_parent(n))
		for (const struct rt *e = node_head(n); e != NULL; e = e->next)
			if (e->r.port == port) {
				*out = e->r;
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

static int
walk_entries(struct rt *head, int (*cb)(const struct route *, void *), void *arg)
{
	int ret;

	for (struct rt *e = head; e != NULL; e = e->next) {
		if (rt_local_table(e->r.type))
			continue;
		ret = cb(&e->r, arg);
		if (ret != 0)
			return ret;
	}
	return 0;
}

/* Pre-order: a prefix, then the prefixes directly under it in address
 * order, each followed by its own (depth at most 32). */
static int
walk_under(uint32_t ip, uint8_t plen, int (*cb)(const struct route *, void *), void *arg)
{
	struct rte_rib_node *c = NULL;
	uint32_t cip;
	uint8_t cplen;
	int ret;

	while ((c = rte_rib_get_nxt(rib, ip, plen, c, RTE_RIB_GET_NXT_COVER)) != NULL) {
		ret = walk_entries(node_head(c), cb, arg);
		if (ret != 0)
			return ret;
		rte_rib_get_ip(c, &cip);
		rte_rib_get_depth(c, &cplen);
		if (cplen < 32) {
			ret = walk_under(cip, cplen, cb, arg);
			if (ret != 0)
				return ret;
		}
	}
	return 0;
}

int
route_walk(int (*cb)(const struct route *r, void *arg), void *arg)
{
	struct rt **hp = pfx_find(0, 0);
	int ret;

	if (hp != NULL) {
		ret = walk_entries(*hp, cb, arg);
		if (ret != 0)
			return ret;
	}
	return walk_under(0, 0, cb, arg);
}

struct walk_from {
	int (*cb)(const struct route *r, void *arg);
	void *arg;
	struct route_pos *pos;
};

/* Note where the walk stops: the route cb refused comes first next time. */
static int
walk_from_cb(const struct route *r, void *arg)
{
	struct walk_from *w = arg;
	int ret = w->cb(r, w->arg);

	if (ret != 0)
		*w->pos = (struct route_pos){ .dst = r->dst, .plen = r->plen,
					      .metric = r->metric, .valid = true };
	return ret;
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
	struct walk_from w = { .cb = cb, .arg = arg, .pos = pos };
	struct rt **hp;
	uint64_t ip;
	int ret;

	if (!pos->valid)
		return route_walk(walk_from_cb, &w);
	hp = pfx_find(pos->dst, pos->plen);
	if (hp != NULL)
		for (struct rt *e = *hp; e != NULL; e = e->next) {
			if (rt_local_table(e->r.type) || e->r.metric < pos->metric)
				continue;
			ret = walk_from_cb(&e->r, &w);
			if (ret != 0)
				return ret;
		}
	if (pos->plen < 32) {
		ret = walk_under(pos->dst, pos->plen, walk_from_cb, &w);
		if (ret != 0)
			return ret;
	}
	for (ip = (uint64_t)pos->dst + (1ull << (32 - pos->plen)); ip < (1ull << 32);) {
		uint8_t bits = (uint8_t)__builtin_ctzll(ip);	/* ip > 0 here */
		uint8_t plen = (uint8_t)(32 - bits);

		hp = pfx_find((uint32_t)ip, plen);
		if (hp != NULL) {
			ret = walk_entries(*hp, walk_from_cb, &w);
			if (ret != 0)
				return ret;
		}
		if (plen < 32) {
			ret = walk_under((uint32_t)ip, plen, walk_from_cb, &w);
			if (ret != 0)
				return ret;
		}
		ip += 1ull << bits;
	}
	return 0;
}

unsigned int
route_count(void)
{
	return n_visible;
}

void
route_sync(void)
{
	if (!fib_dirty && !rt_nh_pending(&nhp))
		return;
	rte_rcu_qsbr_synchronize(dp.qsbr, RTE_QSBR_THRID_INVALID);
	fib_dirty = false;
	rt_nh_recycle(&nhp);
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
	if (rib == NULL || long24 == NULL || rt_nh_init(&nhp, "sluice_nh", sizeof(struct nh_key)) != 0 ||
	    rt_pfx_init(&pfx, "sluice_pfx", total, pfx_same) != 0) {
		/* Leave nothing behind: the caller may try a smaller table. */
		rt_nh_free(&nhp);
		rt_pfx_free(&pfx);
		rte_rib_free(long24);
		rte_fib_free(fib);
		long24 = NULL;
		rib = NULL;
		fib = NULL;
		return -ENOMEM;
	}
	max_total = total;
	memset(nexthops, 0, sizeof(nexthops));
	return 0;
}
