/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IPv6 routing table, built as route.c builds IPv4's: rte_fib6 (trie)
 * for the workers, every route in a list per prefix (local entries first,
 * then by metric) found by the prefix hash (route/rt_pfx.c), the FIB's own
 * rte_rib6 for longest matches and ordered walks, next hops shared and
 * counted (route/rt_nh.c), an index reused only after a grace period.
 * The FIB is rebuilt when DPDK 22.11's trie refuses an add for groups it
 * reserved for prefixes long deleted (route6_rebuild).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_fib6.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_rib6.h>

#include <linux/rtnetlink.h>

#include "addr6.h"
#include "ip6_addr.h"
#include "log.h"
#include "neigh.h"
#include "port.h"
#include "route6.h"
#include "rt_fib.h"
#include "rt_nh.h"
#include "rt_nl.h"
#include "rt_pfx.h"

struct nexthop6 nexthops6[NH6_MAX];
/* Workers load fib6 once a burst (route6_lookup_raw): route6_rebuild may
 * publish another, the old one freed after a grace period. */
static struct rte_fib6 *fib6;
static struct rte_rib6 *rib6;
static struct rte_fib6_conf fib_conf;
static unsigned int fib_gen;		/* names a FIB apart from the one it replaces */
static uint32_t long_dels;		/* prefixes past /24 deleted since the FIB was made */
static uint32_t rebuild_failed;		/* long_dels when a rebuild last failed */
static uint64_t n_rebuilds;
static size_t fib_bytes;		/* what making the FIB took of the heap */

struct rt6 {
	struct rt6 *next;
	struct route6 r;
	uint32_t nh;
};

struct nh6_key {
	uint8_t gw[16];
	uint16_t port;
	uint8_t type;
	uint8_t pad;
};

struct pfx6_key {
	const uint8_t *dst;
	uint8_t plen;
};

static struct rt_nh_pool nhp;
static struct rt_pfx pfx;		/* prefix -> its first route */
/* Routes come from one array in the DPDK heap, made at start (prefaulted
 * with the FIB): malloc's first touch of fresh heap cost a bulk load a
 * page fault every few dozen routes. */
static struct rt6 *rt_mem, *rt_spare;

static uint32_t max_total, n_total, n_visible;
static bool fib_dirty;
static uint64_t fib_token;		/* the grace period fib_dirty waits for */
static uint64_t gw_gen = 1;		/* bumped when a connected route comes or goes */

typedef unsigned __int128 u128;

static inline u128
a2u(const uint8_t *a)
{
	u128 v = 0;

	for (int i = 0; i < 16; i++)
		v = v << 8 | a[i];
	return v;
}

static inline void
u2a(u128 v, uint8_t *a)
{
	for (int i = 15; i >= 0; i--) {
		a[i] = (uint8_t)v;
		v >>= 8;
	}
}

static inline u128
mask128(uint8_t plen)
{
	return plen == 0 ? 0 : ~(u128)0 << (128 - plen);
}

void
ip6_prefix(const uint8_t *a, uint8_t plen, uint8_t *out)
{
	u2a(a2u(a) & mask128(plen), out);
}

bool
ip6_in_prefix(const uint8_t *a, const uint8_t *net, uint8_t plen)
{
	return ((a2u(a) ^ a2u(net)) & mask128(plen)) == 0;
}

static inline uint64_t
pfx_hash(const uint8_t *dst, uint8_t plen)
{
	uint64_t hi, lo;

	memcpy(&hi, dst, 8);
	memcpy(&lo, dst + 8, 8);
	return rt_pfx_hash(hi, lo, plen);
}

static bool
pfx_same(const void *p, const void *key)
{
	const struct rt6 *e = p;
	const struct pfx6_key *k = key;

	return e->r.plen == k->plen && memcmp(e->r.dst, k->dst, 16) == 0;
}

/* Where the first route of dst/plen is kept, NULL when none. */
static inline struct rt6 **
pfx_find(const uint8_t *dst, uint8_t plen)
{
	struct pfx6_key k = { .dst = dst, .plen = plen };

	return (struct rt6 **)rt_pfx_find(&pfx, pfx_hash(dst, plen), &k);
}

/* The routes of a rib node's prefix, best first. */
static struct rt6 *
node_head(const struct rte_rib6_node *n)
{
	struct rt6 **hp;
	uint8_t ip[16], plen;

	rte_rib6_get_ip(n, ip);
	rte_rib6_get_depth(n, &plen);
	hp = pfx_find(ip, plen);
	return hp != NULL ? *hp : NULL;
}

/* route.c's fib_rt: the best route through a port that is up. */
static inline const struct rt6 *
fib_rt(const struct rt6 *head, uint16_t flipped)
{
	for (const struct rt6 *e = head; e != NULL; e = e->next)
		if (e->r.type == RTN_LOCAL || port_routes_live(e->r.port, flipped))
			return e;
	return head;
}

static inline uint32_t
fib_nh(const struct rt6 *head)
{
	return fib_rt(head, DP_NO_PORT)->nh;
}

static struct rt6 *
rt_alloc(void)
{
	struct rt6 *e = rt_spare;

	if (e != NULL)
		rt_spare = e->next;
	return e;
}

static void
rt_free(struct rt6 *e)
{
	e->next = rt_spare;
	rt_spare = e;
}

/* ---- next hops -------------------------------------------------------- */

static int
nh_get(uint8_t type, uint16_t port, const uint8_t *gw)
{
	struct nh6_key k = { .port = port, .type = type };
	bool fresh;
	int i;

	memcpy(k.gw, gw, 16);
	i = rt_nh_get(&nhp, &k, &fresh);
	if (i > 0 && fresh) {
		nexthops6[i].type = type;
		nexthops6[i].port = port;
		memcpy(nexthops6[i].gw, gw, 16);
		nexthops6[i].neigh = type == NH_GATEWAY ? neigh6_position(port, gw) : -1;
		rte_atomic_thread_fence(__ATOMIC_RELEASE);
	}
	return i;
}

static void
nh_put(uint32_t i)
{
	struct nh6_key k = { .port = nexthops6[i].port, .type = nexthops6[i].type };

	memcpy(k.gw, nexthops6[i].gw, 16);
	rt_nh_put(&nhp, i, &k);
}

void
route6_nh_neigh(uint16_t port, const uint8_t *ip, int32_t pos)
{
	struct nh6_key k = { .port = port, .type = NH_GATEWAY };
	int i;

	memcpy(k.gw, ip, 16);
	i = rt_nh_find(&nhp, &k);
	if (i > 0)
		__atomic_store_n(&nexthops6[i].neigh, pos, __ATOMIC_RELEASE);
}

/* ---- the FIB under change --------------------------------------------- */

/*
 * The value stored carries the prefix length above the next hop, for the
 * reason route.c gives (the trie, too, skips an add equal to its covering
 * prefix's value and miscounts its groups).  The trie keeps one bit of an
 * entry for itself: 4-byte entries hold 31 bits, enough for 8 + 16.
 */
#define FIB_NH_MASK	ROUTE6_NH_MASK
/*
 * What the trie holds where no route is: not 0, so that a 0 means only
 * one thing, an entry of a group read while it was zeroed.  A delete
 * (and an add of a prefix a whole number of bytes long, whose last group
 * it makes and folds at once) folds a chain of groups, each rewritten in
 * its parent then zeroed, one level after another: a lookup that read 0
 * in one and looks again from the top can land in the next one being
 * zeroed, and did (11 of 3e7 lookups beside a /64 and a /128 coming and
 * going, test_lookup6_while_groups_fold), where route.c's single level
 * can only send it to the folded entry.  Masked, it is index 0, NH_NONE.
 */
#define FIB_NONE	((uint64_t)1 << 24)
static inline uint64_t
fib_value(uint32_t nh, uint8_t plen)
{
	return (uint64_t)plen << 16 | nh;
}

/* A write may have freed a group: the next write must not reuse it before
 * every worker has passed a quiescent state.  The grace period starts when
 * the write ends and is waited for only at the next write, so the time a
 * batch spends between two routes counts towards it (idle workers are
 * offline: nothing to wait for). */
static inline void
fib_freed_group(void)
{
	fib_token = rte_rcu_qsbr_start(dp.qsbr);
	fib_dirty = true;
}

static inline void
fib_before_write(void)
{
	if (unlikely(fib_dirty)) {
		rte_rcu_qsbr_check(dp.qsbr, fib_token, true);
		fib_dirty = false;
	}
}

/*
 * May adding the new prefix dst/plen (value val) have freed a tbl8 group?
 * A group is folded when all its 256 entries come to hold one value.  The
 * add writes val over the part of its range no longer prefix covers; the
 * group holding its edge can turn uniform only if the rest of it holds val
 * already, and since a value carries its prefix length, that takes every
 * other prefix of that length in the group with the same next hop: first
 * of all its buddy (the prefix that differs in its last bit, in the same
 * group since plen > 24).  Groups above fold only after it.  A /24 or
 * shorter touches no group it could fold.  One probe of the prefix hash,
 * where a walk of the rib under the group cost a descent per add.
 *
 * An add of a prefix a whole number of bytes long (a /32, /48, /64)
 * makes the group under its last byte, publishes it, fills it and folds
 * it back, so that group is free when the add returns, and the next write
 * that needs one takes it: a worker stalled between loading the pointer
 * to it and loading its entry would read the next prefix's value.  Those
 * adds count as folds too; the grace period they start runs while the
 * next request is read (fib_freed_group).
 */
static bool
add_may_fold(const uint8_t *dst, uint8_t plen, uint64_t val)
{
	uint8_t buddy[16];
	struct rt6 **hp;

	if (plen <= 24)
		return false;
	memcpy(buddy, dst, 16);
	buddy[(plen - 1) / 8] ^= (uint8_t)(0x80 >> ((plen - 1) % 8));
	hp = pfx_find(buddy, plen);
	return hp != NULL && fib_value(fib_nh(*hp), plen) == val;
}

/* The trie's AVX-512 lookup where the CPU has it (rt_fib_pick_avx512):
 * 32 addresses a step. */
static int
fib_pick_avx512(void *f)
{
	return rte_fib6_select_lookup(f, RTE_FIB6_LOOKUP_TRIE_VECTOR_AVX512);
}

static struct rte_fib6 *
fib_create(void)
{
	struct rte_fib6 *f;
	char name[32];

	snprintf(name, sizeof(name), fib_gen == 0 ? "sluice_fib6" : "sluice_fib6_%u", fib_gen);
	fib_gen++;
	f = rte_fib6_create(name, (int)rte_socket_id(), &fib_conf);
	if (f != NULL)
		rt_fib_pick_avx512(fib_pick_avx512, f);
	return f;
}

/*
 * DPDK 22.11's trie reserves tbl8 groups for each prefix past /24 it adds
 * (rsvd_tbl8s) and gives none back on delete (trie_modify measures the
 * delete's share with the prefix still in the rib: 0), then refuses every
 * such add with -ENOSPC once the reservations reach num_tbl8, however few
 * routes are left.  A FIB made afresh from the live prefixes reserves for
 * them alone.  It is filled off to the side, shortest prefixes first (a
 * prefix added before its covering one reserves for the groups above it
 * too), published with one pointer store, and the old one freed after a
 * grace period: the workers never see a FIB in the making nor a freed one.
 * It costs a pass over the table and, for the time, the memory of two
 * FIBs; without that memory the old FIB stays, and the add is refused.
 */
int
route6_rebuild(void)
{
	static const uint8_t zero[16];
	struct rte_rib6_node *n = NULL, **v, **sorted;
	uint32_t at[130] = { 0 }, k = 0, cap = n_total + 1;
	struct rte_fib6 *nf, *old = fib6;
	uint32_t dels = long_dels;
	int ret = 0;

	/* First what fails first when memory is short. */
	nf = fib_create();
	if (nf == NULL)
		return -ENOMEM;
	v = malloc(2 * (size_t)cap * sizeof(*v));
	if (v == NULL) {
		rte_fib6_free(nf);
		return -ENOMEM;
	}
	sorted = v + cap;
	n = rte_rib6_lookup_exact(rib6, zero, 0);
	if (n != NULL)
		v[k++] = n;
	n = NULL;
	/* A prefix holds one route at least: cap is room enough. */
	while ((n = rte_rib6_get_nxt(rib6, zero, 0, n, RTE_RIB6_GET_NXT_ALL)) != NULL) {
		if (k == cap) {
			free(v);
			rte_fib6_free(nf);
			return -EOVERFLOW;
		}
		v[k++] = n;
	}
	/* By length: counts, then where each length starts. */
	for (uint32_t i = 0; i < k; i++) {
		uint8_t d;

		rte_rib6_get_depth(v[i], &d);
		at[d + 1]++;
	}
	for (int d = 1; d < 130; d++)
		at[d] += at[d - 1];
	for (uint32_t i = 0; i < k; i++) {
		uint8_t d;

		rte_rib6_get_depth(v[i], &d);
		sorted[at[d]++] = v[i];
	}
	for (uint32_t i = 0; i < k && ret == 0; i++) {
		struct rt6 *head = node_head(sorted[i]);
		uint8_t ip[16], d;

		if (head == NULL)
			continue;
		rte_rib6_get_ip(sorted[i], ip);
		rte_rib6_get_depth(sorted[i], &d);
		ret = rte_fib6_add(nf, ip, d, fib_value(fib_nh(head), d));
	}
	free(v);
	if (ret != 0) {
		rte_fib6_free(nf);
		return ret;
	}
	__atomic_store_n(&fib6, nf, __ATOMIC_RELEASE);
	rib6 = rte_fib6_get_rib(nf);
	rte_rcu_qsbr_synchronize(dp.qsbr, RTE_QSBR_THRID_INVALID);
	fib_dirty = false;
	rte_fib6_free(old);
	long_dels = 0;
	rebuild_failed = 0;
	n_rebuilds++;
	fprintf(stderr, SD_NOTICE "sluice-dataplane: IPv6 FIB rebuilt (DPDK trie leaked the "
		"groups of %u deleted prefixes): %u prefixes, %u routes\n", dels, k, n_total);
	return 0;
}

uint64_t
route6_rebuilds(void)
{
	return n_rebuilds;
}

size_t
route6_fib_bytes(void)
{
	return fib_bytes;
}

static int
fib_set(const uint8_t *dst, uint8_t plen, uint32_t nh, bool new_prefix)
{
	int ret;

	fib_before_write();
	ret = rte_fib6_add(fib6, dst, plen, fib_value(nh, plen));
	/* Refused for reservations a delete leaked (route6_rebuild): a
	 * table with nothing deleted since it was made, or since a rebuild
	 * failed, is full indeed (no rebuild per add of a bulk load). */
	if (ret == -ENOSPC && new_prefix && plen > 24 && long_dels > rebuild_failed) {
		int err = route6_rebuild();

		if (err == 0) {
			ret = rte_fib6_add(fib6, dst, plen, fib_value(nh, plen));
		} else {
			rebuild_failed = long_dels;
			fprintf(stderr, SD_WARNING "sluice-dataplane: IPv6 FIB full of groups "
				"DPDK's trie kept for deleted prefixes, and not rebuilt: %s "
				"(%u routes)\n", err == -ENOMEM ? "no memory for a second FIB" :
				strerror(-err), n_total);
		}
	}
	/* Changing a prefix's next hop may fold groups anywhere under it. */
	if (!new_prefix || (ret == 0 && ((plen > 24 && plen % 8 == 0) ||
					 add_may_fold(dst, plen, fib_value(nh, plen)))))
		fib_freed_group();
	return ret;
}

static int
fib_unset(const uint8_t *dst, uint8_t plen)
{
	int ret;

	fib_before_write();
	ret = rte_fib6_delete(fib6, dst, plen);
	fib_freed_group();
	if (ret == 0 && plen > 24)
		long_dels++;
	return ret;
}

/* ---- routes ----------------------------------------------------------- */

static inline int
rt_rank(const struct route6 *r)
{
	return r->type == RTN_LOCAL ? 0 : 1;
}

static inline bool
rt_better(const struct route6 *a, const struct route6 *b)
{
	if (rt_rank(a) != rt_rank(b))
		return rt_rank(a) < rt_rank(b);
	return a->metric < b->metric;
}

static inline bool
rt_is_connected(const struct route6 *r)
{
	return r->type == RTN_UNICAST && ip6_is_zero(r->gw) && r->port != DP_NO_PORT;
}

static int
gw_port_find(const uint8_t *gw, uint16_t want)
{
	struct rte_rib6_node *n = rte_rib6_lookup(rib6, gw);

	for (; n != NULL; n = rte_rib6_lookup_parent(n)) {
		for (struct rt6 *e = node_head(n); e != NULL; e = e->next) {
			if (!rt_is_connected(&e->r))
				continue;
			if (want == DP_NO_PORT || e->r.port == want)
				return e->r.port;
		}
	}
	return -ENETUNREACH;
}

/*
 * As route.c's, the answer holds until a connected route comes or goes; a
 * cache of 4096 answers by gateway, since a table's routes name their
 * gateways in any order (a bulk load of 1000 gateways missed a one-answer
 * cache every time and descended the rib for each route).
 */
#define GW_CACHE	4096
static int
gw_port(const uint8_t *gw, uint16_t want)
{
	static struct { uint64_t gen; uint8_t gw[16]; uint16_t want; int port; } c[GW_CACHE];
	uint64_t hi, lo;
	uint32_t i;

	memcpy(&hi, gw, 8);
	memcpy(&lo, gw + 8, 8);
	i = (uint32_t)rt_pfx_hash(hi, lo, (uint8_t)want) & (GW_CACHE - 1);
	if (c[i].gen != gw_gen || memcmp(c[i].gw, gw, 16) != 0 || c[i].want != want) {
		c[i].port = gw_port_find(gw, want);
		c[i].gen = gw_gen;
		memcpy(c[i].gw, gw, 16);
		c[i].want = want;
	}
	return c[i].port;
}

static uint8_t
nh_type_of(const struct route6 *r)
{
	switch (r->type) {
	case RTN_LOCAL:
		return NH_LOCAL;
	case RTN_BLACKHOLE:
		return NH_BLACKHOLE;
	default:
		return ip6_is_zero(r->gw) ? NH_CONNECTED : NH_GATEWAY;
	}
}

static inline bool
port_ok(uint16_t port)
{
	return port < DP_MAX_PORTS && ports[port].used;
}

static int
route_check(const struct route6 *in, struct route6 *r)
{
	char gs[INET6_ADDRSTRLEN];
	int port;

	*r = *in;
	if (r->plen > 128)
		return -EINVAL;
	if ((a2u(r->dst) & ~mask128(r->plen)) != 0)
		return -EINVAL;
	switch (r->type) {
	case RTN_BLACKHOLE:
		if (!ip6_is_zero(r->gw))
			return -EINVAL;
		r->port = DP_NO_PORT;
		return 0;
	case RTN_LOCAL:
		if (!port_ok(r->port))
			return -ENODEV;
		memset(r->gw, 0, 16);
		return 0;
	case RTN_UNICAST:
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (r->port != DP_NO_PORT && !port_ok(r->port))
		return -ENODEV;
	if (ip6_is_zero(r->gw))
		return r->port == DP_NO_PORT ? -ENODEV : 0;
	/* The gateway is formatted for an error only: a bulk load checks
	 * hundreds of thousands. */
	if (r->gw[0] == 0xff || ip6_martian(r->gw))
		return dp_errmsg(-EINVAL, "gateway %s is not a unicast address", ip6_fmt(r->gw, gs));
	if (addr6_is_local(addrs6_get(), r->gw))
		return dp_errmsg(-EINVAL, "gateway %s is an address of this router",
				 ip6_fmt(r->gw, gs));
	if (ip6_link_local(r->gw)) {
		/* RFC 4291 2.5.6: fe80::/10 means something on one link only. */
		if (r->port == DP_NO_PORT)
			return dp_errmsg(-EINVAL, "link-local gateway %s needs a device",
					 ip6_fmt(r->gw, gs));
		return 0;
	}
	port = gw_port(r->gw, r->port);
	if (port < 0 && r->port != DP_NO_PORT)
		return dp_errmsg(port, "gateway %s is on no network of port %s",
				 ip6_fmt(r->gw, gs), ports[r->port].name);
	if (port < 0)
		return dp_errmsg(port, "gateway %s is on no connected network", ip6_fmt(r->gw, gs));
	r->port = (uint16_t)port;
	return 0;
}

static void
list_insert(struct rt6 **pp, struct rt6 *e)
{
	while (*pp != NULL && !rt_better(&e->r, &(*pp)->r))
		pp = &(*pp)->next;
	e->next = *pp;
	*pp = e;
}

static void
counts(const struct route6 *r, int d)
{
	n_total += d;
	if (r->type != RTN_LOCAL)
		n_visible += d;
	if (rt_is_connected(r))
		gw_gen++;
}

int
route6_add(const struct route6 *in, uint16_t nl_flags)
{
	struct rt6 **hp, *e, *old = NULL;
	struct route6 r;
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
			    (e->r.type == RTN_LOCAL) == (r.type == RTN_LOCAL)) {
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
	e = rt_alloc();
	if (e == NULL) {
		nh_put((uint32_t)nh);
		return -ENOMEM;
	}
	e->r = r;
	e->nh = (uint32_t)nh;
	e->next = NULL;
	if (hp == NULL) {
		ret = fib_set(r.dst, r.plen, e->nh, true);
		if (ret == 0) {
			ret = rt_pfx_add(&pfx, pfx_hash(r.dst, r.plen), e);
			if (ret != 0)
				fib_unset(r.dst, r.plen);
		}
		if (ret != 0) {
			rt_free(e);
			nh_put((uint32_t)nh);
			return ret == -ENOMEM || ret == -ENOSPC ? -ENOSPC : ret;
		}
	} else {
		list_insert(hp, e);
		if (fib_nh(*hp) != old_head_nh)
			fib_set(r.dst, r.plen, fib_nh(*hp), false);
	}
	counts(&r, 1);
	return 0;
}

static bool
rt_match(const struct route6 *e, const struct route6 *r, const struct route_match *m)
{
	if (m->type ? e->type != r->type : e->type == RTN_LOCAL)
		return false;
	if (m->metric && e->metric != r->metric)
		return false;
	if (m->gw && memcmp(e->gw, r->gw, 16) != 0)
		return false;
	if (m->port && e->port != r->port)
		return false;
	if (m->protocol && e->protocol != r->protocol)
		return false;
	return true;
}

/* As route.c's pfx_remove. */
static int
pfx_remove(struct rt6 **hp, const uint8_t *dst, uint8_t plen,
	   bool (*gone)(const struct route6 *, const void *), const void *arg, bool once)
{
	struct rt6 **pp = hp, *e, *dead = NULL, **dead_tail = &dead;
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
		struct pfx6_key key = { .dst = dst, .plen = plen };

		if (fib_unset(dst, plen) != 0) {
			*hp = dead;
			return -ENOSPC;
		}
		*hp = dead;	/* for the hash to find the slot it frees */
		rt_pfx_del(&pfx, pfx_hash(dst, plen), &key);
	} else if (fib_nh(*hp) != old_head_nh) {
		fib_set(dst, plen, fib_nh(*hp), false);
	}
	while ((e = dead) != NULL) {
		dead = e->next;
		counts(&e->r, -1);
		nh_put(e->nh);
		rt_free(e);
	}
	return k;
}

struct del_arg {
	const struct route6 *r;
	const struct route_match *m;
};

static bool
del_gone(const struct route6 *e, const void *arg)
{
	const struct del_arg *a = arg;

	return rt_match(e, a->r, a->m);
}

int
route6_del(const struct route6 *r, const struct route_match *match)
{
	static const struct route_match none;
	struct del_arg a = { r, match != NULL ? match : &none };
	struct rt6 **hp;
	uint8_t dst[16];
	int ret;

	if (r->plen > 128)
		return -EINVAL;
	ip6_prefix(r->dst, r->plen, dst);
	hp = pfx_find(dst, r->plen);
	ret = hp != NULL ? pfx_remove(hp, dst, r->plen, del_gone, &a, true) : 0;
	return ret == 0 ? -ESRCH : ret < 0 ? ret : 0;
}

static bool
port_gone(const struct route6 *e, const void *arg)
{
	return e->port == *(const uint16_t *)arg;
}

struct gw_net {
	uint16_t port;
	uint8_t net[16];
	uint8_t plen;
};

static bool
gateway_gone(const struct route6 *e, const void *arg)
{
	const struct gw_net *g = arg;

	return !ip6_is_zero(e->gw) && !ip6_link_local(e->gw) && e->port == g->port &&
	       ip6_in_prefix(e->gw, g->net, g->plen);
}

static void
route_flush_if(bool (*gone)(const struct route6 *, const void *), const void *arg)
{
	static const uint8_t zero[16];
	struct rte_rib6_node *n = NULL;
	uint32_t cap = 1024, k = 0;
	struct { uint8_t ip[16]; uint8_t plen; } *v = malloc(cap * sizeof(*v));

	if (v == NULL)
		return;
	if (rte_rib6_lookup_exact(rib6, zero, 0) != NULL) {
		memset(v[k].ip, 0, 16);
		v[k++].plen = 0;
	}
	while ((n = rte_rib6_get_nxt(rib6, zero, 0, n, RTE_RIB6_GET_NXT_ALL)) != NULL) {
		if (k == cap) {
			void *t = realloc(v, 2 * cap * sizeof(*v));

			if (t == NULL)
				break;
			v = t;
			cap *= 2;
		}
		rte_rib6_get_ip(n, v[k].ip);
		rte_rib6_get_depth(n, &v[k].plen);
		k++;
	}
	for (uint32_t i = 0; i < k; i++) {
		struct rt6 **hp = pfx_find(v[i].ip, v[i].plen);

		if (hp != NULL)
			pfx_remove(hp, v[i].ip, v[i].plen, gone, arg, false);
	}
	free(v);
}

void
route6_flush_port(uint16_t port)
{
	route_flush_if(port_gone, &port);
}

static void
port_state_cb(void *p, void *arg)
{
	const struct rt6 *head = p;
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
route6_port_state(uint16_t port)
{
	rt_pfx_each(&pfx, port_state_cb, &port);
}

void
route6_flush_gateways(uint16_t port, const uint8_t *net, uint8_t plen)
{
	struct gw_net g = { .port = port, .plen = plen };

	ip6_prefix(net, plen, g.net);
	route_flush_if(gateway_gone, &g);
}

void
route6_lookup_raw(const uint8_t (*ips)[16], uint64_t *raw, unsigned int n)
{
	rte_fib6_lookup_bulk(__atomic_load_n(&fib6, __ATOMIC_ACQUIRE),
			     (uint8_t (*)[16])(uintptr_t)ips, raw, (int)n);
}

/*
 * A 0 is an entry read while its group was zeroed (FIB_NONE is not 0):
 * looked up until the answer is one a route or the default wrote.  Each
 * look starts at the top, past the parent the trie rewrote before
 * zeroing, so it ends when the writer stops zeroing groups under ip.
 */
uint64_t
route6_lookup_again(const uint8_t *ip)
{
	struct rte_fib6 *f = __atomic_load_n(&fib6, __ATOMIC_ACQUIRE);
	uint8_t a[1][16];
	uint64_t raw;

	memcpy(a[0], ip, 16);
	do
		rte_fib6_lookup_bulk(f, a, &raw, 1);
	while (unlikely(raw == 0));
	return raw;
}

void
route6_lookup_bulk(const uint8_t (*ips)[16], uint64_t *nh, unsigned int n)
{
	uint64_t zero = 0;

	route6_lookup_raw(ips, nh, n);
	/* Masked, and whether any read 0, in one pass the compiler makes
	 * two entries a step (SSE). */
	for (unsigned int i = 0; i < n; i++) {
		const uint64_t v = nh[i];

		zero |= v == 0;
		nh[i] = route6_nh(v);
	}
	if (likely(zero == 0))
		return;
	/* Masked, a 0 and FIB_NONE are alike: every index 0 is looked up
	 * again (a rare pass). */
	for (unsigned int i = 0; i < n; i++)
		if (nh[i] == NH_NONE)
			nh[i] = route6_nh(route6_lookup_again(ips[i]));
}

int
route6_get(const uint8_t *ip, struct route6 *out)
{
	struct rte_rib6_node *n;
	uint8_t a[1][16];
	uint64_t nh = 0;

	memcpy(a[0], ip, 16);
	rte_fib6_lookup_bulk(fib6, a, &nh, 1);
	if ((nh & FIB_NH_MASK) == NH_NONE)
		return -ENETUNREACH;
	n = rte_rib6_lookup(rib6, ip);
	if (n == NULL || node_head(n) == NULL)
		return -ENETUNREACH;
	*out = fib_rt(node_head(n), DP_NO_PORT)->r;
	if (ip6_is_zero(out->prefsrc) && out->port != DP_NO_PORT)
		addr6_source(addrs6_get(), out->port, ip, out->prefsrc);
	return 0;
}

int
route6_get_via(const uint8_t *ip, uint16_t port, struct route6 *out)
{
	for (struct rte_rib6_node *n = rte_rib6_lookup(rib6, ip); n != NULL;
	     n = rte_rib6_lookup_parent(n))
		for (const struct rt6 *e = node_head(n); e != NULL; e = e->next)
			if (e->r.port == port) {
				*out = e->r;
				if (ip6_is_zero(out->prefsrc))
					addr6_source(addrs6_get(), port, ip, out->prefsrc);
				return 0;
			}
	return -ENETUNREACH;
}

/* ---- walks ------------------------------------------------------------ */

static int
walk_entries(struct rt6 *head, int (*cb)(const struct route6 *, void *), void *arg)
{
	for (struct rt6 *e = head; e != NULL; e = e->next) {
		int ret;

		if (e->r.type == RTN_LOCAL)
			continue;
		ret = cb(&e->r, arg);
		if (ret != 0)
			return ret;
	}
	return 0;
}

/* Pre-order under ip/plen: each direct child, then its own (depth <= 128). */
static int
walk_under(const uint8_t *ip, uint8_t plen, int (*cb)(const struct route6 *, void *), void *arg)
{
	struct rte_rib6_node *c = NULL;
	uint8_t cip[16], cplen;
	int ret;

	while ((c = rte_rib6_get_nxt(rib6, ip, plen, c, RTE_RIB6_GET_NXT_COVER)) != NULL) {
		ret = walk_entries(node_head(c), cb, arg);
		if (ret != 0)
			return ret;
		rte_rib6_get_ip(c, cip);
		rte_rib6_get_depth(c, &cplen);
		if (cplen < 128) {
			ret = walk_under(cip, cplen, cb, arg);
			if (ret != 0)
				return ret;
		}
	}
	return 0;
}

struct walk_from {
	int (*cb)(const struct route6 *r, void *arg);
	void *arg;
	struct route6_pos *pos;
};

static int
walk_from_cb(const struct route6 *r, void *arg)
{
	struct walk_from *w = arg;
	int ret = w->cb(r, w->arg);

	if (ret != 0) {
		memcpy(w->pos->dst, r->dst, 16);
		w->pos->plen = r->plen;
		w->pos->metric = r->metric;
		w->pos->valid = true;
	}
	return ret;
}

/* As route_walk_from, over 128 bits: after the prefix where the walk
 * stopped, those under it, then the rest of the space in aligned blocks. */
int
route6_walk_from(struct route6_pos *pos, int (*cb)(const struct route6 *r, void *arg), void *arg)
{
	static const uint8_t zero[16];
	struct walk_from w = { .cb = cb, .arg = arg, .pos = pos };
	struct rt6 **hp;
	uint8_t a[16];
	u128 ip;
	int ret;

	if (!pos->valid) {
		hp = pfx_find(zero, 0);
		if (hp != NULL) {
			ret = walk_entries(*hp, walk_from_cb, &w);
			if (ret != 0)
				return ret;
		}
		return walk_under(zero, 0, walk_from_cb, &w);
	}
	hp = pfx_find(pos->dst, pos->plen);
	if (hp != NULL)
		for (struct rt6 *e = *hp; e != NULL; e = e->next) {
			if (e->r.type == RTN_LOCAL || e->r.metric < pos->metric)
				continue;
			ret = walk_from_cb(&e->r, &w);
			if (ret != 0)
				return ret;
		}
	if (pos->plen < 128) {
		ret = walk_under(pos->dst, pos->plen, walk_from_cb, &w);
		if (ret != 0)
			return ret;
	}
	if (pos->plen == 0)
		return 0;
	ip = a2u(pos->dst) + ((u128)1 << (128 - pos->plen));
	while (ip != 0) {	/* 0: past the end of the space */
		uint8_t bits = 0, plen;

		while (bits < 127 && !((ip >> bits) & 1))
			bits++;
		plen = (uint8_t)(128 - bits);
		u2a(ip, a);
		hp = pfx_find(a, plen);
		if (hp != NULL) {
			ret = walk_entries(*hp, walk_from_cb, &w);
			if (ret != 0)
				return ret;
		}
		if (plen < 128) {
			ret = walk_under(a, plen, walk_from_cb, &w);
			if (ret != 0)
				return ret;
		}
		ip += (u128)1 << bits;
	}
	return 0;
}

unsigned int
route6_count(void)
{
	return n_visible;
}

void
route6_sync(void)
{
	if (!fib_dirty && !rt_nh_pending(&nhp))
		return;
	rte_rcu_qsbr_synchronize(dp.qsbr, RTE_QSBR_THRID_INVALID);
	fib_dirty = false;
	rt_nh_recycle(&nhp);
}

int
route6_init(uint32_t max_routes)
{
	uint32_t total = max_routes + 4 * DP_MAX_ADDRS6;
	struct rte_malloc_socket_stats before, after;

	fib_conf = (struct rte_fib6_conf){
		.type = RTE_FIB6_TRIE,
		.default_nh = FIB_NONE,
		.max_routes = (int)total,
		.rib_ext_sz = 0,
		.trie = {
			.nh_sz = RTE_FIB6_TRIE_4B,
			/* The trie reserves a group per byte of a prefix past the
			 * longest of /24 and its covering prefix (a /48 under a /32:
			 * two, alone: three, a lone /64: five), and refuses an add
			 * beyond them: an Internet-like table needs three a route. */
			.num_tbl8 = RTE_MIN(RTE_MAX(max_routes * 3, 4096u), 3u << 20),
		},
	};
	RTE_BUILD_BUG_ON(NH6_MAX != RT_NH_MAX);
	fib_gen = 0;
	rte_malloc_get_socket_stats((int)rte_socket_id(), &before);
	fib6 = fib_create();
	if (fib6 == NULL)
		return -ENOMEM;
	rte_malloc_get_socket_stats((int)rte_socket_id(), &after);
	fib_bytes = after.heap_allocsz_bytes > before.heap_allocsz_bytes ?
		    after.heap_allocsz_bytes - before.heap_allocsz_bytes : 0;
	rib6 = rte_fib6_get_rib(fib6);
	if (rib6 == NULL || rt_nh_init(&nhp, "sluice_nh6", sizeof(struct nh6_key)) != 0 ||
	    rt_pfx_init(&pfx, "sluice_pfx6", total, pfx_same) != 0 ||
	    (rt_mem = rte_malloc_socket("sluice_rt6", (size_t)total * sizeof(*rt_mem),
					RTE_CACHE_LINE_SIZE, (int)rte_socket_id())) == NULL) {
		rt_nh_free(&nhp);
		rt_pfx_free(&pfx);
		rte_fib6_free(fib6);
		rib6 = NULL;
		fib6 = NULL;
		return -ENOMEM;
	}
	max_total = total;
	rt_spare = NULL;
	for (uint32_t i = total; i-- > 0;)
		rt_free(&rt_mem[i]);
	memset(nexthops6, 0, sizeof(nexthops6));
	return 0;
}
