/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IPv6 routing table, built as route.c builds IPv4's: rte_fib6 (trie)
 * for the workers, every route in a list per prefix (local entries first,
 * then by metric) kept by route/rt_table.c, the FIB's own rte_rib6 for
 * longest matches and ordered walks, next hops shared and counted
 * (route/rt_nh.c), an index reused only after a grace period.
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
#include "rt_table.h"

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

/* One route of a prefix: its addresses after what the table keeps of
 * every route. */
struct rt6 {
	struct rt_ent e;
	uint8_t dst[16];
	uint8_t gw[16];
	uint8_t prefsrc[16];
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

static struct rt_table tbl;
/* Routes come from one array in the DPDK heap, made at start (prefaulted
 * with the FIB): malloc's first touch of fresh heap cost a bulk load a
 * page fault every few dozen routes. */
static struct rt6 *rt_mem;
static struct rt_ent *rt_spare;

static uint64_t fib_token;		/* the grace period tbl.fib_dirty waits for */

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
	const struct rt6 *x = p;
	const struct pfx6_key *k = key;

	return x->e.plen == k->plen && memcmp(x->dst, k->dst, 16) == 0;
}

/* Where the first route of dst/plen is kept, NULL when none. */
static inline struct rt_ent **
pfx_find(const uint8_t *dst, uint8_t plen)
{
	struct pfx6_key k = { .dst = dst, .plen = plen };

	return rt_table_find(&tbl, pfx_hash(dst, plen), &k);
}

/* The routes of a rib node's prefix, best first. */
static struct rt_ent *
node_head(const struct rte_rib6_node *n)
{
	struct rt_ent **hp;
	uint8_t ip[16], plen;

	rte_rib6_get_ip(n, ip);
	rte_rib6_get_depth(n, &plen);
	hp = pfx_find(ip, plen);
	return hp != NULL ? *hp : NULL;
}

static inline const struct rt6 *
rt_of(const struct rt_ent *e)
{
	return container_of(e, const struct rt6, e);
}

static inline bool
rt_is_connected(const struct route6 *r)
{
	return r->type == RTN_UNICAST && ip6_is_zero(r->gw) && r->port != DP_NO_PORT;
}

/* The table's entry for the route r. */
static void
rt_fill(struct rt6 *x, const struct route6 *r)
{
	x->e = (struct rt_ent){ .metric = r->metric, .port = r->port, .plen = r->plen,
				.type = r->type, .protocol = r->protocol, .scope = r->scope,
				.connected = rt_is_connected(r) };
	memcpy(x->dst, r->dst, 16);
	memcpy(x->gw, r->gw, 16);
	memcpy(x->prefsrc, r->prefsrc, 16);
}

/* The route the entry e holds. */
static void
route_of(const struct rt_ent *e, struct route6 *r)
{
	const struct rt6 *x = rt_of(e);

	*r = (struct route6){ .plen = e->plen, .type = e->type, .protocol = e->protocol,
			      .scope = e->scope, .metric = e->metric, .port = e->port };
	memcpy(r->dst, x->dst, 16);
	memcpy(r->gw, x->gw, 16);
	memcpy(r->prefsrc, x->prefsrc, 16);
}

static struct rt_ent *
rt_alloc(void)
{
	struct rt_ent *e = rt_spare;

	if (e != NULL)
		rt_spare = e->next;
	return e;
}

static void
rt_free(struct rt_ent *e)
{
	e->next = rt_spare;
	rt_spare = e;
}

/* ---- next hops -------------------------------------------------------- */

static uint8_t
nh_type_of(uint8_t type, const uint8_t *gw)
{
	switch (type) {
	case RTN_LOCAL:
		return NH_LOCAL;
	case RTN_BLACKHOLE:
		return NH_BLACKHOLE;
	default:
		return ip6_is_zero(gw) ? NH_CONNECTED : NH_GATEWAY;
	}
}

static int
nh_get(const struct rt_ent *e)
{
	const uint8_t *gw = rt_of(e)->gw;
	uint8_t type = nh_type_of(e->type, gw);
	uint16_t port = e->port;
	struct nh6_key k = { .port = port, .type = type };
	bool fresh;
	int i;

	memcpy(k.gw, gw, 16);
	i = rt_nh_get(&tbl.nhp, &k, &fresh);
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
	rt_nh_put(&tbl.nhp, i, &k);
}

void
route6_nh_neigh(uint16_t port, const uint8_t *ip, int32_t pos)
{
	struct nh6_key k = { .port = port, .type = NH_GATEWAY };
	int i;

	memcpy(k.gw, ip, 16);
	i = rt_nh_find(&tbl.nhp, &k);
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
	tbl.fib_dirty = true;
}

static inline void
fib_before_write(void)
{
	if (unlikely(tbl.fib_dirty)) {
		rte_rcu_qsbr_check(dp.qsbr, fib_token, true);
		tbl.fib_dirty = false;
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
	struct rt_ent **hp;

	if (plen <= 24)
		return false;
	memcpy(buddy, dst, 16);
	buddy[(plen - 1) / 8] ^= (uint8_t)(0x80 >> ((plen - 1) % 8));
	hp = pfx_find(buddy, plen);
	return hp != NULL && fib_value(rt_fib_nh(*hp), plen) == val;
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
	uint32_t at[130] = { 0 }, k = 0, cap = tbl.n_total + 1;
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
		struct rt_ent *head = node_head(sorted[i]);
		uint8_t ip[16], d;

		if (head == NULL)
			continue;
		rte_rib6_get_ip(sorted[i], ip);
		rte_rib6_get_depth(sorted[i], &d);
		ret = rte_fib6_add(nf, ip, d, fib_value(rt_fib_nh(head), d));
	}
	free(v);
	if (ret != 0) {
		rte_fib6_free(nf);
		return ret;
	}
	__atomic_store_n(&fib6, nf, __ATOMIC_RELEASE);
	rib6 = rte_fib6_get_rib(nf);
	rte_rcu_qsbr_synchronize(dp.qsbr, RTE_QSBR_THRID_INVALID);
	tbl.fib_dirty = false;
	rte_fib6_free(old);
	long_dels = 0;
	rebuild_failed = 0;
	n_rebuilds++;
	fprintf(stderr, SD_NOTICE "sluice-dataplane: IPv6 FIB rebuilt (DPDK trie leaked the "
		"groups of %u deleted prefixes): %u prefixes, %u routes\n", dels, k, tbl.n_total);
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

/* The FIB entry of e's prefix to nh (new_prefix: it has none yet). */
static int
fib_set(const struct rt_ent *e, uint32_t nh, bool new_prefix)
{
	const uint8_t *dst = rt_of(e)->dst;
	uint8_t plen = e->plen;
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
				strerror(-err), tbl.n_total);
		}
	}
	/* Changing a prefix's next hop may fold groups anywhere under it. */
	if (!new_prefix || (ret == 0 && ((plen > 24 && plen % 8 == 0) ||
					 add_may_fold(dst, plen, fib_value(nh, plen)))))
		fib_freed_group();
	return ret;
}

static int
fib_unset(const struct rt_ent *e)
{
	const uint8_t *dst = rt_of(e)->dst;
	uint8_t plen = e->plen;
	int ret;

	fib_before_write();
	ret = rte_fib6_delete(fib6, dst, plen);
	fib_freed_group();
	if (ret == 0 && plen > 24)
		long_dels++;
	return ret;
}

static uint32_t
rt_heads(struct rt_ent **v, uint32_t cap)
{
	static const uint8_t zero[16];
	struct rte_rib6_node *n = rte_rib6_lookup_exact(rib6, zero, 0);
	uint32_t k = 0;

	/* The walk below starts under the default route. */
	if (n != NULL && (v[k] = node_head(n)) != NULL)
		k++;
	n = NULL;
	while (k < cap && (n = rte_rib6_get_nxt(rib6, zero, 0, n, RTE_RIB6_GET_NXT_ALL)) != NULL)
		if ((v[k] = node_head(n)) != NULL)
			k++;
	return k;
}

static struct rt_ent **
pfx_of(const struct rt_ent *e)
{
	return pfx_find(rt_of(e)->dst, e->plen);
}

/* What route/rt_table.c asks of IPv6: the FIB writes, next hops and
 * memory above, the rib's prefixes. */
static const struct rt_family family = {
	.ent_size = sizeof(struct rt6),
	.fib_set = fib_set,
	.fib_unset = fib_unset,
	.heads = rt_heads,
	.find = pfx_of,
	.nh_get = nh_get,
	.nh_put = nh_put,
	.alloc = rt_alloc,
	.free = rt_free,
};

/* ---- routes ----------------------------------------------------------- */

static int
gw_port_find(const uint8_t *gw, uint16_t want)
{
	for (struct rte_rib6_node *n = rte_rib6_lookup(rib6, gw); n != NULL;
	     n = rte_rib6_lookup_parent(n)) {
		int port = rt_list_connected_port(node_head(n), want);

		if (port >= 0)
			return port;
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
	if (c[i].gen != tbl.gw_gen || memcmp(c[i].gw, gw, 16) != 0 || c[i].want != want) {
		c[i].port = gw_port_find(gw, want);
		c[i].gen = tbl.gw_gen;
		memcpy(c[i].gw, gw, 16);
		c[i].want = want;
	}
	return c[i].port;
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
		if (!port_used(r->port))
			return -ENODEV;
		memset(r->gw, 0, 16);
		return 0;
	case RTN_UNICAST:
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (r->port != DP_NO_PORT && !port_used(r->port))
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


int
route6_add(const struct route6 *in, uint16_t nl_flags)
{
	struct route6 r;
	struct rt6 want;
	uint64_t h;
	int ret;

	ret = route_check(in, &r);
	if (ret != 0)
		return ret;
	rt_fill(&want, &r);
	h = pfx_hash(r.dst, r.plen);
	return rt_table_add(&tbl, rt_table_find(&tbl, h, &(struct pfx6_key){ r.dst, r.plen }), h,
			    &want.e, nl_flags);
}

struct del_arg {
	const struct rt6 *want;
	const struct route_match *m;
};

static bool
del_gone(const struct rt_ent *e, const void *arg)
{
	const struct del_arg *a = arg;

	return rt_ent_match(e, &a->want->e, a->m) &&
	       (!a->m->gw || memcmp(rt_of(e)->gw, a->want->gw, 16) == 0);
}

int
route6_del(const struct route6 *r, const struct route_match *match)
{
	static const struct route_match none;
	struct rt6 want;
	struct del_arg a = { &want, match != NULL ? match : &none };
	struct rt_ent **hp;
	int ret;

	if (r->plen > 128)
		return -EINVAL;
	rt_fill(&want, r);
	ip6_prefix(r->dst, r->plen, want.dst);
	hp = pfx_find(want.dst, r->plen);
	ret = hp != NULL ? rt_table_remove(&tbl, hp, del_gone, &a, true) : 0;
	return ret == 0 ? -ESRCH : ret < 0 ? ret : 0;
}

struct gw_net {
	uint16_t port;
	uint8_t net[16];
	uint8_t plen;
};

static bool
gateway_gone(const struct rt_ent *e, const void *arg)
{
	const struct gw_net *g = arg;
	const uint8_t *gw = rt_of(e)->gw;

	return !ip6_is_zero(gw) && !ip6_link_local(gw) && e->port == g->port &&
	       ip6_in_prefix(gw, g->net, g->plen);
}

void
route6_flush_port(uint16_t port)
{
	rt_table_flush(&tbl, rt_ent_on_port, &port);
}

void
route6_port_state(uint16_t port)
{
	rt_table_port_state(&tbl, port);
}

void
route6_flush_gateways(uint16_t port, const uint8_t *net, uint8_t plen)
{
	struct gw_net g = { .port = port, .plen = plen };

	ip6_prefix(net, plen, g.net);
	rt_table_flush(&tbl, gateway_gone, &g);
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
	route_of(rt_fib_ent(node_head(n), DP_NO_PORT), out);
	if (ip6_is_zero(out->prefsrc) && out->port != DP_NO_PORT)
		addr6_source(addrs6_get(), out->port, ip, out->prefsrc);
	return 0;
}

int
route6_get_via(const uint8_t *ip, uint16_t port, struct route6 *out)
{
	for (struct rte_rib6_node *n = rte_rib6_lookup(rib6, ip); n != NULL;
	     n = rte_rib6_lookup_parent(n))
		for (const struct rt_ent *e = node_head(n); e != NULL; e = e->next)
			if (e->port == port) {
				route_of(e, out);
				if (ip6_is_zero(out->prefsrc))
					addr6_source(addrs6_get(), port, ip, out->prefsrc);
				return 0;
			}
	return -ENETUNREACH;
}

/* ---- walks ------------------------------------------------------------ */

/* As route.c's: the caller's cb, and where it stopped. */
struct walk {
	int (*cb)(const struct route6 *r, void *arg);
	void *arg;
	struct route6_pos *pos;
};

static int
walk_one(const struct rt_ent *e, void *arg)
{
	struct walk *w = arg;
	struct route6 r;
	int ret;

	route_of(e, &r);
	ret = w->cb(&r, w->arg);
	if (ret != 0) {
		memcpy(w->pos->dst, r.dst, 16);
		w->pos->plen = r.plen;
		w->pos->metric = r.metric;
		w->pos->valid = true;
	}
	return ret;
}

/* Pre-order under ip/plen: each direct child, then its own (depth <= 128). */
static int
walk_under(const uint8_t *ip, uint8_t plen, struct walk *w)
{
	struct rte_rib6_node *c = NULL;
	uint8_t cip[16], cplen;
	int ret;

	while ((c = rte_rib6_get_nxt(rib6, ip, plen, c, RTE_RIB6_GET_NXT_COVER)) != NULL) {
		ret = rt_list_walk(node_head(c), 0, walk_one, w);
		if (ret != 0)
			return ret;
		rte_rib6_get_ip(c, cip);
		rte_rib6_get_depth(c, &cplen);
		if (cplen < 128) {
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
walk_prefix(const uint8_t *dst, uint8_t plen, uint32_t metric, struct walk *w)
{
	struct rt_ent **hp = pfx_find(dst, plen);
	int ret;

	if (hp != NULL) {
		ret = rt_list_walk(*hp, metric, walk_one, w);
		if (ret != 0)
			return ret;
	}
	return plen < 128 ? walk_under(dst, plen, w) : 0;
}

/* As route_walk_from, over 128 bits: after the prefix where the walk
 * stopped, those under it, then the rest of the space in aligned blocks. */
int
route6_walk_from(struct route6_pos *pos, int (*cb)(const struct route6 *r, void *arg), void *arg)
{
	static const uint8_t zero[16];
	struct walk w = { .cb = cb, .arg = arg, .pos = pos };
	uint8_t a[16];
	u128 ip;
	int ret;

	if (!pos->valid)
		return walk_prefix(zero, 0, 0, &w);
	ret = walk_prefix(pos->dst, pos->plen, pos->metric, &w);
	if (ret != 0 || pos->plen == 0)
		return ret;
	ip = a2u(pos->dst) + ((u128)1 << (128 - pos->plen));
	while (ip != 0) {	/* 0: past the end of the space */
		uint8_t bits = 0;

		while (bits < 127 && !((ip >> bits) & 1))
			bits++;
		u2a(ip, a);
		ret = walk_prefix(a, (uint8_t)(128 - bits), 0, &w);
		if (ret != 0)
			return ret;
		ip += (u128)1 << bits;
	}
	return 0;
}

unsigned int
route6_count(void)
{
	return tbl.n_visible;
}

void
route6_sync(void)
{
	rt_table_sync(&tbl);
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
	rt_mem = rte_malloc_socket("sluice_rt6", (size_t)total * sizeof(*rt_mem),
				   RTE_CACHE_LINE_SIZE, (int)rte_socket_id());
	if (rib6 == NULL || rt_mem == NULL ||
	    rt_table_init(&tbl, &family, "sluice6", total, sizeof(struct nh6_key), pfx_same) != 0) {
		rte_free(rt_mem);
		rte_fib6_free(fib6);
		rt_mem = NULL;
		rib6 = NULL;
		fib6 = NULL;
		return -ENOMEM;
	}
	rt_spare = NULL;
	for (uint32_t i = total; i-- > 0;)
		rt_free(&rt_mem[i].e);
	memset(nexthops6, 0, sizeof(nexthops6));
	return 0;
}
