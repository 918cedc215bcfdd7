/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT sessions and endpoint-independent mappings: making them (workers,
 * under nat_lock), expiring and deleting them (control lcore, RCU), and
 * reading them for dumps.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_per_lcore.h>
#include <rte_random.h>

#include "host.h"
#include "log.h"
#include "nat_int.h"

struct nat_tables *volatile nat_tab;
rte_spinlock_t nat_lock = RTE_SPINLOCK_INITIALIZER;

#define NS_DEAD		0x80	/* keys already gone: only the slot to recycle */

#define SCAN_SLICE	4096	/* session slots looked at per 10 ms */
#define DEL_SLICE	1024	/* sessions deleted per grace period */
#define LOCK_CHUNK	32	/* deletions per holding of nat_lock */
#define GROW_CHUNK	64	/* sessions copied per holding of nat_lock */
#define PORT_TRIES	512	/* random probes for a free outside port */

/* 64 K sessions: 1.5 MB of buckets, and room for 23 000 sessions more
 * (to the table's 95 %) while the control lcore is woken to grow it. */
uint32_t nat_flows_first = 65536;

/* A flows table sized for sessions sessions, or NULL. */
static struct nat_ht *
flows_new(uint32_t sessions, int socket)
{
	struct nat_ht *f = rte_zmalloc_socket("nat_flows", sizeof(*f), RTE_CACHE_LINE_SIZE, socket);

	if (f != NULL && nt_create(f, 2 * sessions, false, socket) != 0) {
		rte_free(f);
		f = NULL;
	}
	return f;
}

static void
flows_free(struct nat_ht *f)
{
	if (f == NULL)
		return;
	nt_destroy(f);
	rte_free(f);
}

static struct nat_tables *
tables_new(uint32_t max)
{
	int socket = (int)rte_socket_id();
	struct nat_tables *t;

	t = rte_zmalloc("nat_tables", sizeof(*t), 0);
	RTE_BUILD_BUG_ON(sizeof(struct nat_sess) != RTE_CACHE_LINE_SIZE);
	if (t == NULL)
		return NULL;
	t->sess = rte_zmalloc_socket("nat_sess", sizeof(struct nat_sess) * (size_t)max,
				     RTE_CACHE_LINE_SIZE, socket);
	t->free = rte_malloc("nat_free", sizeof(uint32_t) * (size_t)max, 0);
	/* Two flows keys per session; two mapping keys per mapping, and at
	 * most one mapping per session. */
	t->flows_cap = RTE_MIN(max, nat_flows_first);
	t->flows = flows_new(t->flows_cap, socket);
	if (t->sess == NULL || t->free == NULL || t->flows == NULL ||
	    nt_create(&t->maps, 2 * max, true, socket) != 0) {
		fprintf(stderr, SD_ERR "sluice-dataplane: nat: cannot allocate a table of %u sessions\n",
			max);
		nat_tables_free(t);
		return NULL;
	}
	t->max = max;
	t->bytes = (sizeof(struct nat_sess) + sizeof(uint32_t)) * (size_t)max +
		   t->flows->bytes + t->maps.bytes;
	for (uint32_t i = 0; i < max; i++)
		t->free[i] = max - 1 - i;
	t->n_free = max;
	return t;
}

void
nat_tables_free(struct nat_tables *t)
{
	if (t == NULL)
		return;
	flows_free(t->flows);
	flows_free(t->grow);
	nt_destroy(&t->maps);
	rte_free(t->sess);
	rte_free(t->free);
	rte_free(t);
}

int
nat_tables_init(uint32_t max)
{
	struct nat_tables *t = tables_new(max), *old;

	if (t == NULL)
		return -ENOMEM;
	rte_spinlock_lock(&nat_lock);
	old = nat_tab;
	__atomic_store_n(&nat_tab, t, __ATOMIC_RELEASE);
	rte_spinlock_unlock(&nat_lock);
	if (old != NULL) {
		uint64_t live = 0;

		rte_rcu_qsbr_synchronize(dp.qsbr, RTE_QSBR_THRID_INVALID);
		/* Its sessions end with it: removed, for the counters' sum. */
		for (uint32_t i = 0; i < old->hwm; i++)
			live += (old->sess[i].flags & (NS_USED | NS_DEAD)) == NS_USED;
		nat_lc[rte_lcore_id()].c[NC_REMOVED] += live;
		nat_tables_free(old);
	}
	return 0;
}

uint32_t
nat_sess_count(void)
{
	const struct nat_tables *t = nat_tables();

	return t->max - t->n_free;
}

/* ---- mappings (nat_lock held) ---- */

static inline int
hash_get(const struct nat_tables *t, uint64_t key, uint64_t *data)
{
	return nt_keyed_get(&t->maps, key, data);
}

/* key -> data, for a key the caller knows is not there (looked for
 * under this holding of nat_lock, which gave its buckets b): added
 * without a search. */
static inline int
hash_add(struct nat_tables *t, const uint32_t b[2], uint64_t key, uint64_t data)
{
	int ret;

	nt_begin(&t->maps);
	ret = nt_keyed_add(&t->maps, b, key, data);
	nt_end(&t->maps);
	return ret;
}

static inline void
hash_del(struct nat_tables *t, uint64_t key)
{
	nt_begin(&t->maps);
	nt_keyed_del(&t->maps, key);
	nt_end(&t->maps);
}

int
nat_map_get(struct nat_tables *t, uint64_t key, uint64_t *data)
{
	int ret = nt_keyed_get_lf(&t->maps, key, data);

	if (unlikely(ret == -EBUSY)) {
		rte_spinlock_lock(&nat_lock);
		ret = hash_get(t, key, data);
		rte_spinlock_unlock(&nat_lock);
	}
	return ret;
}

/* A mapping's data changed in place (d: where nt_keyed_data found it). */
static inline void
map_data_set(struct nat_tables *t, uint64_t *d, uint64_t v)
{
	nt_begin(&t->maps);
	__atomic_store_n(d, v, __ATOMIC_RELEASE);
	nt_end(&t->maps);
}

static void
map_unref(struct nat_tables *t, uint8_t proto, uint32_t in_addr, uint16_t in_port,
	  uint16_t oport)
{
	uint64_t kin = map_in_key(proto, in_addr, in_port, oport), *d, v;
	uint32_t b[2];

	nt_key_buckets(&t->maps, kin, b);
	if ((d = nt_keyed_data(&t->maps, kin, b)) == NULL)
		return;
	v = *d;
	if (map_data_low(v) > 1) {
		map_data_set(t, d, v - 1);
		return;
	}
	hash_del(t, map_key(MK_OUT, proto, map_data_addr(v), map_data_port(v)));
	hash_del(t, kin);
}

/* One more session on an existing mapping of inside key kin (MK_IN, in
 * buckets b): 0, -ENOENT when there is none (then map_new may add it
 * without a search), or -ENOSPC when it holds MAP_REFS_MAX sessions. */
static int
map_ref(struct nat_tables *t, uint64_t kin, const uint32_t b[2],
	uint32_t *out_addr, uint16_t *out_port)
{
	uint64_t *d = nt_keyed_data(&t->maps, kin, b), v;

	if (d == NULL)
		return -ENOENT;
	v = *d;
	if (map_data_low(v) >= MAP_REFS_MAX)
		return -ENOSPC;
	map_data_set(t, d, v + 1);
	*out_addr = map_data_addr(v);
	*out_port = map_data_port(v);
	return 0;
}

/* The buckets of outside endpoint addr:port's key (port host order). */
static inline void
out_buckets(const struct nat_tables *t, uint8_t proto, uint32_t addr, uint16_t port,
	    uint32_t b[2])
{
	nt_key_buckets(&t->maps, map_key(MK_OUT, proto, addr, rte_cpu_to_be_16(port)), b);
}

/* Is outside endpoint addr:port free?  b: its key's buckets. */
static inline bool
port_free(const struct nat_tables *t, const struct addr_table *at,
	  const struct nat_ruleset *rs, uint8_t proto, uint32_t addr, uint16_t port,
	  const uint32_t b[2])
{
	if (nt_keyed_has(&t->maps, map_key(MK_OUT, proto, addr, rte_cpu_to_be_16(port)), b))
		return false;
	/* The host's own connections take their ports from that range. */
	if (host_port_reserved(addr, port))
		return false;
	/* A port forwarded by a dnat rule is never handed out. */
	return proto == IPPROTO_ICMP ||
	       nat_rule_dnat(rs, at, proto, rte_be_to_cpu_32(addr), port) == NULL;
}

/* The outside address (host order, 0 when none) of a new mapping of
 * inside address src (network order) on rule r's pool: paired, a hash of
 * the inside address. */
static inline uint32_t
map_addr(const struct addr_table *at, const struct nat_rule *r, uint32_t src)
{
	if (r->s.kind == SLUICE_NAT_SNAT)
		return r->s.addr_min + (uint32_t)(nt_fmix64(src ^ nat_seed) %
						  (r->s.addr_max - r->s.addr_min + 1ull));
	return addr_of_port(at, r->s.port);
}

/* The ports (host order) a new mapping of inside port p draws from, on
 * rule r: *clo and how many. */
static inline uint32_t
port_range(const struct nat_rule *r, uint8_t proto, uint32_t p, uint32_t *clo)
{
	uint32_t lo = 1, hi = 65535, chi;

	if (r->s.kind == SLUICE_NAT_SNAT && r->s.port_min != 0) {
		lo = r->s.port_min;
		hi = r->s.port_max;
	}
	*clo = lo;
	chi = hi;
	if (proto != IPPROTO_ICMP) {
		*clo = p < 1024 ? RTE_MAX(lo, 1u) : RTE_MAX(lo, 1024u);
		chi = p < 1024 ? RTE_MIN(hi, 1023u) : hi;
		if (*clo > chi) {
			*clo = lo;
			chi = hi;
		}
	}
	return chi - *clo + 1;
}

/* Port c of a range from clo, or its neighbour in it when c is not of
 * parity par (UINT32_MAX: any). */
static inline uint32_t
parity_fix(uint32_t c, uint32_t clo, uint32_t par)
{
	if (par != UINT32_MAX && (c & 1) != par)
		c = c > clo ? c - 1 : c + 1;
	return c;
}

/*
 * The first port drawn for inside endpoint src:sp (network order) when
 * its own is taken: a keyed hash of the endpoint (the idea of RFC 6056's
 * algorithm 3; the key, nat_seed, is random) rather than a random draw,
 * so that nat_sess_prefetch can fetch its mapping slot before it is
 * looked at.  The draws after it are random.  Of parity par (UINT32_MAX:
 * any).
 */
static inline uint32_t
port_first(uint8_t proto, uint32_t src, uint16_t sp, uint32_t clo, uint32_t n, uint32_t par)
{
	uint32_t c = clo + (uint32_t)((nt_fmix64(map_key(MK_IN, proto, src, sp) ^ nat_seed) >> 16) % n);

	return parity_fix(c, clo, par);
}

/* Port clo + (0..n) of a 32-bit random number, without a division. */
static inline uint32_t
draw_port(uint32_t r, uint32_t clo, uint32_t n)
{
	return clo + (uint32_t)(((uint64_t)r * n) >> 32);
}

/*
 * Whether a new mapping's own port has lately been found taken, per
 * lcore: 0..KEPT_MAX, up by one when it was, down by one when it was
 * free.  With an snat pool shared by many hosts it nearly always is,
 * with masquerade of a few hosts nearly never; nat_sess_prefetch fetches
 * for the likelier of the two.
 */
#define KEPT_MAX	7
static RTE_DEFINE_PER_LCORE(uint32_t, kept_taken);

static inline void
kept_note(bool taken)
{
	uint32_t *k = &RTE_PER_LCORE(kept_taken);

	if (taken)
		*k += *k < KEPT_MAX;
	else
		*k -= *k > 0;
}

/*
 * A new mapping's plan: what making it computes from the flow, its rule
 * and the tables' sizes and seeds alone, none of their contents: the
 * outside address, the port range, the inside key's buckets, and for the
 * ports it tries first (its own; with an snat range the keyed first port
 * and the first random draw, both of the own port's parity: map_new's
 * pass 0) their outside keys' buckets and reverse flows' hashes.  Under
 * nat_lock only the tables are read and written, so whatever a plan
 * holds may be computed before the lock is taken.
 */
struct sess_plan {
	const struct nat_tables *t;	/* made for these tables, */
	const struct nat_rule *r;	/* this rule */
	struct nat_tuple o;		/* and this flow */
	uint8_t proto;
	uint8_t np;			/* ports planned: 1 (own) or 3 (own, first, drawn) */
	uint32_t addr;			/* outside address, network order (0: none) */
	uint32_t clo, n;		/* port_range's */
	uint32_t bin[2];		/* the inside key's buckets */
	uint32_t port[3];		/* host order */
	uint32_t bout[3][2];		/* their outside keys' buckets */
	uint64_t hrev[3];		/* their reverse flows' hashes (0: not made) */
};

/*
 * Plans made ahead, per lcore: nat_sess_prefetch makes the plan of the
 * k-th new flow of a burst to know what to fetch, and keeps it; the k-th
 * outbound nat_sess_create after it takes it instead of computing it
 * again under the lock, if it is that flow's (else it makes its own).
 * For a flow whose own port is likely taken the plan includes the first
 * random draw: each random number is used once, by the flow it was drawn
 * for, as random as rte_rand() under the lock, only drawn earlier.  A
 * plan lives one worker_input call (nat_plans_drop): the rules, addresses
 * and tables it was made from are freed only after the worker's next
 * quiescent state, so its pointers are never those of something since
 * freed and made again.
 */
#define AHEAD_MAX	64
struct plans_ahead {
	uint32_t next;			/* the next nat_sess_create's k */
	uint64_t bits;			/* rte_rand() for flows k and k + 1 */
	struct sess_plan p[AHEAD_MAX];
};
static RTE_DEFINE_PER_LCORE(struct plans_ahead, ahead);
/* Bit k: ahead.p[k] not taken yet. */
RTE_DEFINE_PER_LCORE(uint64_t, nat_plans_live);

/* Port c (host order) as the plan's j-th: its outside key's buckets, and
 * with rev its reverse flow's hash, that of an outbound flow's session
 * (out_req's: the remote endpoint is o's destination). */
static inline void
plan_port(struct sess_plan *pl, const struct nat_tables *t, unsigned int j, uint32_t c,
	  bool rev)
{
	struct nat_tuple r = { .src = pl->o.dst, .dst = pl->addr, .sp = pl->o.dp,
			       .dp = rte_cpu_to_be_16((uint16_t)c) };

	pl->port[j] = c;
	out_buckets(t, pl->proto, pl->addr, (uint16_t)c, pl->bout[j]);
	pl->hrev[j] = rev ? flow_hash(&r, pl->proto) : 0;
}

/* The plan of flow o's mapping on rule r (addr, host order: the outside
 * address forced, 0: the pool's), its own port's reverse flow with rev0
 * (outbound flows only). */
static inline void
plan_make(struct sess_plan *pl, const struct nat_tables *t, const struct nat_tuple *o,
	  uint8_t proto, const struct nat_rule *r, uint32_t addr, bool rev0)
{
	uint32_t p = rte_be_to_cpu_16(o->sp);

	pl->t = t;
	pl->r = r;
	pl->o = *o;
	pl->proto = proto;
	pl->np = 1;
	pl->addr = rte_cpu_to_be_32(addr != 0 ? addr : map_addr(addrs_get(), r, o->src));
	pl->n = port_range(r, proto, p, &pl->clo);
	nt_key_buckets(&t->maps, map_in_key(proto, o->src, o->sp, r->s.port), pl->bin);
	plan_port(pl, t, 0, p, rev0);
}

/* Pass 0's first two ports for a range of more than PORT_TRIES: the keyed
 * first, then the port of random number rnd; their reverse flows with
 * rev, as plan_port's. */
static inline void
plan_draws(struct sess_plan *pl, const struct nat_tables *t, uint32_t rnd, bool rev)
{
	uint32_t par = pl->port[0] & 1;

	plan_port(pl, t, 1, port_first(pl->proto, pl->o.src, pl->o.sp, pl->clo, pl->n, par),
		  rev);
	plan_port(pl, t, 2, parity_fix(draw_port(rnd, pl->clo, pl->n), pl->clo, par), rev);
	pl->np = 3;
}

/*
 * The random draw's lines of a plan (its mapping keys and data, its
 * reverse flow), seldom needed until the table fills: fetched by the
 * prefetch only for a burst's first DRAW_LAG new flows, and for the
 * others by the session setup DRAW_LAG flows before theirs, so that the
 * burst's prefetch asks for fewer lines at once (it waits for free fill
 * buffers) and the draws' lines come in while the sessions are made.
 */
#define DRAW_LAG	4

/* Fetch what looking up (and adding) a flow of hash h under nat_lock
 * reads: its buckets in flows, and while it grows in the next table too
 * (sess_find_locked, flows_add). */
static inline void
flow_prefetch_locked(const struct nat_tables *t, uint64_t h)
{
	const struct nat_ht *g = __atomic_load_n(&t->grow, __ATOMIC_ACQUIRE);

	nt_flow_prefetch(nat_flows(t), h);
	if (unlikely(g != NULL))
		nt_flow_prefetch(g, h);
}

static inline void
plan_prefetch_draw(const struct sess_plan *pl)
{
	nt_keyed_prefetch(&pl->t->maps, pl->bout[2], true);
	flow_prefetch_locked(pl->t, pl->hrev[2]);
}

/* The plan made ahead for the outbound session request q, if it is q's:
 * taken (once) whether or not. */
static inline struct sess_plan *
plan_take(const struct nat_sess_req *q)
{
	struct plans_ahead *pa = &RTE_PER_LCORE(ahead);
	uint64_t *live = &RTE_PER_LCORE(nat_plans_live);
	uint32_t k = pa->next++, l = k + DRAW_LAG;
	struct sess_plan *pl = &pa->p[k % AHEAD_MAX];

	if (l < AHEAD_MAX && (*live >> l & 1) && pa->p[l].np == 3)
		plan_prefetch_draw(&pa->p[l]);
	if (k >= AHEAD_MAX || !(*live >> k & 1))
		return NULL;
	*live &= ~(UINT64_C(1) << k);
	if (pl->r != q->map_rule || q->map_addr != 0 || pl->proto != q->proto ||
	    !tuple_eq(&pl->o, &q->o))
		return NULL;
	return pl;
}

/*
 * Fetch, all at once, what making the session of outbound flow o by rule
 * r will read and write one after the other under nat_lock: the inside
 * endpoint's mapping, the next free session, and the outside endpoint
 * the mapping most likely gets with the reverse flow's buckets: its own
 * port when that was free lately, else the first drawn (then its own is
 * only checked: its keys, not its data) and the first random draw.  A
 * guess: what turns out otherwise is only a wasted fetch, and a line not
 * fetched is a miss under the lock.  The session setup is bound by how
 * many lines are in flight at once, so fetching both outcomes' lines
 * costs more than the wrong guess now and then.
 */
void
nat_sess_prefetch(const struct nat_tables *t, const struct nat_tuple *o, uint8_t proto,
		  const struct nat_rule *r, uint32_t k)
{
	struct plans_ahead *pa = &RTE_PER_LCORE(ahead);
	struct sess_plan own, *pl = k < AHEAD_MAX ? &pa->p[k] : &own;
	const struct nat_ht *g;
	bool kept = RTE_PER_LCORE(kept_taken) <= KEPT_MAX / 2;
	uint32_t n;

	if (k == 0) {
		RTE_PER_LCORE(nat_plans_live) = 0;
		pa->next = 0;
	}
	plan_make(pl, t, o, proto, r, 0, kept);
	nt_keyed_prefetch(&t->maps, pl->bin, true);
	/* The flow's own buckets in flows are the look's; in the next
	 * table they are not.  Loaded once: the growth may end meanwhile
	 * (the table stays valid until this worker's quiescent state). */
	g = __atomic_load_n(&t->grow, __ATOMIC_ACQUIRE);
	if (unlikely(g != NULL))
		nt_flow_prefetch(g, flow_hash(o, proto));
	if (kept && pl->port[0] >= pl->clo && pl->port[0] < pl->clo + pl->n) {
		nt_keyed_prefetch(&t->maps, pl->bout[0], true);
		flow_prefetch_locked(t, pl->hrev[0]);
	} else {
		nt_keyed_prefetch(&t->maps, pl->bout[0], false);
		if (k < AHEAD_MAX && pl->n > PORT_TRIES) {
			/* One rte_rand() (a call of about 70 instructions)
			 * for two flows: 32 random bits are plenty for a
			 * port. */
			if (!(k & 1))
				pa->bits = rte_rand();
			plan_draws(pl, t, (uint32_t)(pa->bits >> (k & 1) * 32), true);
			if (k < DRAW_LAG)
				plan_prefetch_draw(pl);
		} else {
			plan_port(pl, t, 1, port_first(proto, o->src, o->sp, pl->clo, pl->n,
						       pl->port[0] & 1), true);
		}
		nt_keyed_prefetch(&t->maps, pl->bout[1], true);
		flow_prefetch_locked(t, pl->hrev[1]);
	}
	if (k < AHEAD_MAX)
		RTE_PER_LCORE(nat_plans_live) |= UINT64_C(1) << k;
	n = __atomic_load_n(&t->n_free, __ATOMIC_RELAXED);
	/* The k-th new flow of a burst takes the k-th free session from the
	 * top (after a flush or expiry they lie anywhere).  Read without the
	 * lock: any slot is a harmless guess. */
	if (n > k && n <= t->max)
		rte_prefetch0(&t->sess[__atomic_load_n(&t->free[n - 1 - k], __ATOMIC_RELAXED) %
					     t->max]);
}

/*
 * RFC 4787 REQ-1/2/3, RFC 6056: the inside endpoint's outside address is
 * fixed by the pool (paired: a hash of the inside address), its port kept
 * when free, else drawn at random within the range, below 1024 for a port
 * below 1024, of the same parity when one is free.  pl: the mapping's
 * plan (its first draws made here when it has none).  *planned: which of
 * its ports was taken, -1 for another.
 */
static int
map_new(struct nat_tables *t, const struct nat_sess_req *q, struct sess_plan *pl,
	uint32_t *out_addr, uint16_t *out_port, int *planned)
{
	const struct addr_table *at = addrs_get();
	const struct nat_ruleset *rs = nat_rules_get();
	uint32_t addr = pl->addr, clo = pl->clo, n = pl->n, p = pl->port[0], b[2];
	const uint32_t *bout = b;
	int j = -1;

	if (addr == 0) {
		nat_count(NC_NO_ADDRESS);
		return -EADDRNOTAVAIL;
	}
	if (p >= clo && p < clo + n && port_free(t, at, rs, q->proto, addr, (uint16_t)p, pl->bout[0])) {
		kept_note(false);
		j = 0;
		bout = pl->bout[0];
		goto found;
	}
	kept_note(true);
	/* RFC 4787 REQ-4, RFC 6056 via RFC 7857 (port randomisation): a port drawn
	 * anew keeps the inside port's parity while one of that parity is
	 * free (pass 0), then takes any. */
	for (uint32_t pass = 0; pass < 2; pass++) {
		uint32_t par = pass == 0 ? (p & 1) : UINT32_MAX;

		if (n <= PORT_TRIES) {
			uint32_t start = pass == 0 ?
				port_first(q->proto, q->o.src, q->o.sp, clo, n, UINT32_MAX) - clo :
				(uint32_t)(rte_rand() % n);

			for (uint32_t i = 0; i < n; i++) {
				uint32_t c = clo + (start + i) % n;

				if (par != UINT32_MAX && (c & 1) != par)
					continue;
				out_buckets(t, q->proto, addr, (uint16_t)c, b);
				if (port_free(t, at, rs, q->proto, addr, (uint16_t)c, b)) {
					p = c;
					goto found;
				}
			}
		} else {
			for (uint32_t i = 0; i < PORT_TRIES / 2; i++) {
				uint32_t c;

				if (pass == 0 && i < 2) {
					/* Not planned ahead: perhaps not an
					 * outbound flow, whose reverse flows
					 * plan_port does not know. */
					if (pl->np < 3)
						plan_draws(pl, t, (uint32_t)rte_rand(), false);
					j = (int)i + 1;
					c = pl->port[j];
					bout = pl->bout[j];
				} else {
					j = -1;
					c = parity_fix(clo + (uint32_t)(rte_rand() % n), clo, par);
					bout = b;
					out_buckets(t, q->proto, addr, (uint16_t)c, b);
				}
				if (port_free(t, at, rs, q->proto, addr, (uint16_t)c, bout)) {
					p = c;
					goto found;
				}
			}
		}
	}
	nat_count(NC_PORT_EXHAUSTED);
	return -ENOSPC;
found:
	*planned = j;
	*out_addr = addr;
	*out_port = rte_cpu_to_be_16((uint16_t)p);
	/* port_free found the outside endpoint free just now, under the
	 * lock still held. */
	if (hash_add(t, bout, map_key(MK_OUT, q->proto, addr, *out_port),
		     map_data(q->o.src, q->o.sp, (uint16_t)q->r->s.id)) < 0) {
		nat_count(NC_TABLE_FULL);
		return -ENOSPC;
	}
	/* map_ref found the inside endpoint without one just now. */
	if (hash_add(t, pl->bin, map_in_key(q->proto, q->o.src, q->o.sp, q->map_rule->s.port),
		     map_data(addr, *out_port, 1)) < 0) {
		hash_del(t, map_key(MK_OUT, q->proto, addr, *out_port));
		nat_count(NC_TABLE_FULL);
		return -ENOSPC;
	}
	return 0;
}

/* ---- sessions ---- */

/* The session of tuple k (flow hash h), nat_lock held: b gets h's
 * buckets in flows, for flows_add.  While flows grows, a key may be in
 * the next table alone (flows_add). */
static inline struct nat_sess *
sess_find_locked(const struct nat_tables *t, const struct nat_tuple *k, uint8_t proto,
		 uint64_t h, uint32_t b[2], unsigned int *dir)
{
	struct nat_sess *s = NULL;
	uint32_t g[2];

	if (!nt_flow_none(t->flows, h, b))
		s = sess_scan_h(t, t->flows, k, proto, h, dir);
	if (unlikely(t->grow != NULL) && s == NULL && !nt_flow_none(t->grow, h, g))
		s = sess_scan_h(t, t->grow, k, proto, h, dir);
	return s;
}

/* The sessions a flows table sized for cap holds at most while it is
 * filled: 91 % of its slots, where a cuckoo insert still finds a path. */
static inline uint32_t
grow_room(uint32_t cap)
{
	return (uint32_t)((uint64_t)cap * 13 / 10);
}

/* Key v of hash h into flows at its buckets b (sess_find_locked's): 0,
 * or -ENOSPC.  While the next table fills, into that one alone: flows is
 * past its size by then, where an insert costs most and may fail, and
 * readers that miss a key in flows look there (sess_lookup_h). */
static int
flows_add(struct nat_tables *t, const uint32_t b[2], uint64_t h, uint32_t v)
{
	uint32_t g[2];

	if (likely(t->grow == NULL))
		return nt_flow_add(t->flows, b, h, v);
	nt_buckets(t->grow, h, &g[0], &g[1]);
	return nt_flow_add(t->grow, g, h, v);
}

static void
flows_del(struct nat_tables *t, uint64_t h, uint32_t v)
{
	nt_flow_del(t->flows, h, v);
	if (unlikely(t->grow != NULL))
		nt_flow_del(t->grow, h, v);
}

struct nat_sess *
nat_sess_create(struct nat_tables *t, struct nat_sess_req *q, unsigned int *dir)
{
	struct nat_sess *s = NULL;
	struct sess_plan own, *pl = NULL;
	struct nat_tuple rev;
	uint64_t hf, hr;
	uint32_t bf[2], br[2];
	bool src_ref = false, dst_ref = false, grow = false;
	unsigned int d;
	uint32_t a, i;
	uint16_t p;
	int planned = -1;

	hf = flow_hash(&q->o, q->proto);
	if (q->flags & NS_OUTBOUND)
		pl = plan_take(q);
	rte_spinlock_lock(&nat_lock);
	t = nat_tab;
	/* The other direction's first packet, on another worker, may have
	 * made it meanwhile. */
	s = sess_find_locked(t, &q->o, q->proto, hf, bf, dir);
	if (s != NULL)
		goto out;
	/* While flows grows, no more sessions than the next table has room
	 * for: should the copy fall that far behind, new flows are refused
	 * rather than the copy left with no room. */
	if (t->n_free == 0 ||
	    (unlikely(t->grow != NULL) && t->max - t->n_free >= grow_room(t->grow_cap))) {
		nat_count(NC_TABLE_FULL);
		goto out;
	}
	if (q->flags & NS_MAP_SRC) {
		int ret;

		if (pl == NULL || pl->t != t) {
			plan_make(&own, t, &q->o, q->proto, q->map_rule, q->map_addr, false);
			pl = &own;
		}
		ret = map_ref(t, map_in_key(q->proto, q->o.src, q->o.sp, q->map_rule->s.port),
			      pl->bin, &q->x.src, &q->x.sp);
		/* A mapping full of sessions is not replaced: its sessions
		 * hold it. */
		if (ret == -ENOENT)
			ret = map_new(t, q, pl, &q->x.src, &q->x.sp, &planned);
		else if (ret == -ENOSPC)
			nat_count(NC_PORT_EXHAUSTED);
		if (ret != 0)
			goto out;
		src_ref = true;
	}
	if (q->flags & NS_MAP_DST) {
		uint64_t kin = map_in_key(q->proto, q->x.dst, q->x.dp, q->r->s.port);
		uint32_t b[2];

		nt_key_buckets(&t->maps, kin, b);
		if (map_ref(t, kin, b, &a, &p) != 0 || a != q->o.dst || p != q->o.dp)
			goto fail;	/* the mapping went (or changed) meanwhile */
		dst_ref = true;
	}
	rev = tuple_rev(&q->x);
	hr = planned >= 0 && pl->hrev[planned] != 0 ? pl->hrev[planned] :
						     flow_hash(&rev, q->proto);
	/* Both directions one tuple, or the reverse one another session's:
	 * refused. */
	if (tuple_eq(&q->o, &rev) || sess_find_locked(t, &rev, q->proto, hr, br, &d) != NULL) {
		nat_count(NC_TABLE_FULL);
		goto fail;
	}
	i = t->free[--t->n_free];
	if (i >= t->hwm)
		__atomic_store_n(&t->hwm, i + 1, __ATOMIC_RELEASE);
	s = &t->sess[i];
	s->o = q->o;
	s->x = q->x;
	s->proto = q->proto;
	s->tcp[0] = s->tcp[1] = 0;
	s->rule_id = (uint16_t)q->r->s.id;
	s->map_port[0] = src_ref ? (uint8_t)q->map_rule->s.port : 0;
	s->map_port[1] = dst_ref ? (uint8_t)q->r->s.port : 0;
	s->last = nat_now_s;
	s->pkts[0] = s->pkts[1] = 0;
	sess_ck_deltas(s);
	__atomic_store_n(&s->flags, (uint8_t)(q->flags | NS_USED), __ATOMIC_RELEASE);
	if (flows_add(t, bf, hf, sess_val(i, 0)) < 0) {
		__atomic_store_n(&s->flags, (uint8_t)(NS_USED | NS_DEAD), __ATOMIC_RELEASE);
		nat_count(NC_TABLE_FULL);
		s = NULL;
		goto fail;
	}
	if (flows_add(t, br, hr, sess_val(i, 1)) < 0) {
		/* A reader may have seen the forward key: the slot waits for
		 * the timer. */
		flows_del(t, hf, sess_val(i, 0));
		__atomic_store_n(&s->flags, (uint8_t)(NS_USED | NS_DEAD), __ATOMIC_RELEASE);
		nat_count(NC_TABLE_FULL);
		s = NULL;
		goto fail;
	}
	nat_count(NC_CREATED);
	*dir = 0;
	/* Past what flows is sized for: the control lcore grows it. */
	if (unlikely(t->max - t->n_free > t->flows_cap) &&
	    !__atomic_load_n(&t->grow_wanted, __ATOMIC_RELAXED)) {
		__atomic_store_n(&t->grow_wanted, true, __ATOMIC_RELEASE);
		grow = true;
	}
	goto out;
fail:
	if (src_ref)
		map_unref(t, q->proto, q->o.src, q->o.sp, q->map_rule->s.port);
	if (dst_ref)
		map_unref(t, q->proto, q->x.dst, q->x.dp, q->r->s.port);
out:
	rte_spinlock_unlock(&nat_lock);
	if (unlikely(grow))
		dp_wake_control();
	return s;
}

/* A live session's keys and mapping references dropped; nat_lock held. */
static void
sess_unkey(struct nat_tables *t, struct nat_sess *s)
{
	uint32_t i = (uint32_t)(s - t->sess);

	flows_del(t, sess_flow_hash(s, 0), sess_val(i, 0));
	flows_del(t, sess_flow_hash(s, 1), sess_val(i, 1));
	if (s->flags & NS_MAP_SRC)
		map_unref(t, s->proto, s->o.src, s->o.sp, s->map_port[0]);
	if (s->flags & NS_MAP_DST)
		map_unref(t, s->proto, s->x.dst, s->x.dp, s->map_port[1]);
}

/* nat_lock held. */
static void
sess_unlink(struct nat_tables *t, struct nat_sess *s)
{
	if (!(s->flags & NS_DEAD))
		sess_unkey(t, s);
	__atomic_store_n(&s->flags, 0, __ATOMIC_RELEASE);
}

uint8_t
nat_sess_state(const struct nat_sess *s)
{
	uint8_t f = s->tcp[0] | s->tcp[1];

	if (s->proto != IPPROTO_TCP)
		return SLUICE_NAT_STATE_NONE;
	if (f & NT_RST)
		return SLUICE_NAT_STATE_CLOSED;
	if (f & NT_FIN)
		return SLUICE_NAT_STATE_FIN_WAIT;
	if ((s->tcp[0] & s->tcp[1] & NT_SYN) ||
	    (!(f & NT_SYN) && (s->tcp[0] & s->tcp[1] & NT_ACK)))
		return SLUICE_NAT_STATE_ESTABLISHED;
	return SLUICE_NAT_STATE_SYN_SENT;
}

static inline uint32_t
sess_timeout(const struct nat_sess *s)
{
	switch (s->proto) {
	case IPPROTO_UDP:
		return nat_cfg.timeout_udp;
	case IPPROTO_TCP:
		return nat_sess_state(s) == SLUICE_NAT_STATE_ESTABLISHED ?
			nat_cfg.timeout_tcp_est : nat_cfg.timeout_tcp_trans;
	default:
		return nat_cfg.timeout_icmp;
	}
}

static inline bool
sess_expired(const struct nat_sess *s, uint32_t now)
{
	return (uint32_t)(now - s->last) >= sess_timeout(s);
}

/*
 * Unlink the sessions idx[0..n) still matching (checked again under the
 * lock), wait for the workers, recycle their slots.  Returns how many.
 */
static uint32_t
delete_batch(struct nat_tables *t, const uint32_t *idx, uint32_t n,
	     bool (*match)(const struct nat_sess *s, void *arg), void *arg)
{
	uint32_t done[DEL_SLICE], k = 0, gone = 0;

	for (uint32_t i = 0; i < n; i += LOCK_CHUNK) {
		rte_spinlock_lock(&nat_lock);
		for (uint32_t j = i; j < n && j < i + LOCK_CHUNK; j++) {
			struct nat_sess *s = &t->sess[idx[j]];
			uint8_t fl = __atomic_load_n(&s->flags, __ATOMIC_ACQUIRE);

			if (!(fl & NS_USED))
				continue;
			if (!(fl & NS_DEAD) && !match(s, arg))
				continue;
			if (!(fl & NS_DEAD))
				gone++;
			sess_unlink(t, s);
			done[k++] = idx[j];
		}
		rte_spinlock_unlock(&nat_lock);
	}
	if (k == 0)
		return 0;
	rte_rcu_qsbr_synchronize(dp.qsbr, RTE_QSBR_THRID_INVALID);
	rte_spinlock_lock(&nat_lock);
	for (uint32_t i = 0; i < k; i++)
		t->free[t->n_free++] = done[i];
	rte_spinlock_unlock(&nat_lock);
	return gone;
}

static bool
match_expired(const struct nat_sess *s, void *arg)
{
	return sess_expired(s, *(const uint32_t *)arg);
}

static bool
match_all(const struct nat_sess *s, void *arg)
{
	(void)s;
	(void)arg;
	return true;
}

/* Where a walk over the sessions may stop: every session in use sits
 * below hwm (nat_int.h).  One made after this read is the next walk's. */
static inline uint32_t
sess_end(const struct nat_tables *t)
{
	return __atomic_load_n(&t->hwm, __ATOMIC_ACQUIRE);
}

/* Slots the expiry scan may read in a call at now: SCAN_SLICE for every
 * 10 ms since the last call, up to ten, so that the scan keeps its pace
 * when the control lcore's idle tick calls it every 100 ms. */
static uint32_t
scan_budget(uint64_t now)
{
	static uint64_t last;
	uint64_t ticks = now > last ? (now - last) / (dp.hz / 100) : 0;

	last = now;
	return SCAN_SLICE * (uint32_t)RTE_MAX(RTE_MIN(ticks, (uint64_t)10), (uint64_t)1);
}

void
nat_timer(uint64_t now)
{
	struct nat_tables *t = nat_tab;
	uint32_t idx[DEL_SLICE], n = 0, now_s, end, budget = scan_budget(now);

	nat_now = now;
	now_s = (uint32_t)(now / dp.hz);
	nat_now_s = now_s;
	/* The scan reads without the lock: what it picks is checked again
	 * under it before anything is deleted. */
	end = sess_end(t);
	if (t->cursor >= end)
		t->cursor = 0;
	for (uint32_t i = 0; i < budget && i < end && n < DEL_SLICE; i++) {
		uint32_t c = t->cursor;
		const struct nat_sess *s = &t->sess[c];
		uint8_t fl = __atomic_load_n(&s->flags, __ATOMIC_ACQUIRE);

		t->cursor = c + 1 == end ? 0 : c + 1;
		if ((fl & NS_USED) && ((fl & NS_DEAD) || sess_expired(s, now_s)))
			idx[n++] = c;
	}
	if (n > 0)
		nat_lc[rte_lcore_id()].c[NC_EXPIRED] +=
			delete_batch(t, idx, n, match_expired, &now_s);
}

/* Sessions [from, to) (at most GROW_BATCH) into g, the keys not there
 * yet (the writers put in those of the sessions they make while g fills);
 * nat_lock held.  Their buckets fetched first, all at once: a big table's
 * are misses.  0, or -ENOSPC. */
#define GROW_BATCH	16

static int
grow_copy(const struct nat_tables *t, struct nat_ht *g, uint32_t from, uint32_t to)
{
	uint64_t h[GROW_BATCH][2];
	uint32_t n = 0, idx[GROW_BATCH];

	for (uint32_t i = from; i < to; i++) {
		const struct nat_sess *s = &t->sess[i];

		if ((s->flags & (NS_USED | NS_DEAD)) != NS_USED)
			continue;
		h[n][0] = sess_flow_hash(s, 0);
		h[n][1] = sess_flow_hash(s, 1);
		nt_flow_prefetch(g, h[n][0]);
		nt_flow_prefetch(g, h[n][1]);
		idx[n++] = i;
	}
	for (uint32_t k = 0; k < n; k++)
		for (unsigned int d = 0; d < 2; d++) {
			uint32_t b[2];

			if (nt_flow_bucket(g, h[k][d], sess_val(idx[k], d)) >= 0)
				continue;
			nt_buckets(g, h[k][d], &b[0], &b[1]);
			if (nt_flow_add(g, b, h[k][d], sess_val(idx[k], d)) < 0)
				return -ENOSPC;
		}
	return 0;
}

/* A growth or shrink given up (its table full, which grow_room keeps from
 * happening): the sessions made meanwhile have their keys in its table
 * alone, and end, as if removed (the expiry scan recycles their slots);
 * nat_lock held, for as long as one walk over the sessions takes. */
static void
grow_orphans_end(struct nat_tables *t)
{
	uint32_t gone = 0;

	for (uint32_t i = 0; i < t->hwm; i++) {
		struct nat_sess *s = &t->sess[i];

		if ((s->flags & (NS_USED | NS_DEAD)) != NS_USED ||
		    nt_flow_bucket(t->flows, sess_flow_hash(s, 0), sess_val(i, 0)) >= 0)
			continue;
		sess_unkey(t, s);
		__atomic_store_n(&s->flags, (uint8_t)(NS_USED | NS_DEAD), __ATOMIC_RELEASE);
		gone++;
	}
	nat_lc[rte_lcore_id()].c[NC_REMOVED] += gone;
	if (gone != 0)
		fprintf(stderr, SD_WARNING "sluice-dataplane: nat: the flows table could not "
			"be remade; %u sessions made meanwhile ended\n", gone);
}

/* The smallest size on the ladder the flows table's sizes climb
 * (nat_flows_first, then NAT_GROW_FACTOR times each, up to max) that
 * holds n sessions, or max. */
static uint32_t
flows_rung(const struct nat_tables *t, uint64_t n)
{
	uint32_t cap = RTE_MIN(t->max, nat_flows_first);

	while (cap < n && cap < t->max)
		cap = (uint32_t)RTE_MIN((uint64_t)t->max, NAT_GROW_FACTOR * (uint64_t)cap);
	return cap;
}

/*
 * The size the flows table is to be remade at, or 0 for none: the next
 * size up that holds the sessions in use when a writer outgrew it
 * (grow_wanted); or, once they fell under 1/NAT_SHRINK_BELOW of its size
 * (a flood over, its sessions expired), the smallest with
 * NAT_GROW_FACTOR times them, so that they must grow that much again
 * before the next growth: a table at a size's edge does not flap.
 */
static uint32_t
flows_resize_to(const struct nat_tables *t)
{
	uint32_t used = t->max - __atomic_load_n(&t->n_free, __ATOMIC_RELAXED);
	uint32_t cap;

	if (unlikely(__atomic_load_n(&t->grow_wanted, __ATOMIC_ACQUIRE)))
		return flows_rung(t, RTE_MAX((uint64_t)used, (uint64_t)t->flows_cap + 1));
	if (likely((uint64_t)used * NAT_SHRINK_BELOW >= t->flows_cap))
		return 0;
	cap = flows_rung(t, (uint64_t)NAT_GROW_FACTOR * used);
	return cap < t->flows_cap ? cap : 0;
}

/* A resize's start: the next table, for cap sessions, published in grow
 * for the writers to fill too (and the readers to look in).  -ENOMEM, or
 * 0. */
static int
grow_begin(struct nat_tables *t, uint32_t cap)
{
	struct nat_ht *g = flows_new(cap, (int)rte_socket_id());

	if (g == NULL) {
		static bool told;

		if (!told)
			fprintf(stderr, SD_WARNING "sluice-dataplane: nat: no memory to remake the "
				"flows table for %u sessions\n", cap);
		told = true;
		/* The next session made past flows_cap asks again (a
		 * shrink: the next pass of the control lcore). */
		__atomic_store_n(&t->grow_wanted, false, __ATOMIC_RELEASE);
		return -ENOMEM;
	}
	rte_spinlock_lock(&nat_lock);
	t->grow_next = 0;
	t->grow_cap = cap;
	__atomic_store_n(&t->grow, g, __ATOMIC_RELEASE);
	rte_spinlock_unlock(&nat_lock);
	return 0;
}

/*
 * The control lcore's part of a flows table sized by the sessions in
 * use.  When a writer went past flows_cap, a table NAT_GROW_FACTOR times
 * as big (or more, up to max-sessions), and when the sessions fell far
 * below it a smaller one (flows_resize_to), is filled from the sessions,
 * GROW_CHUNK at a time under nat_lock and up to chunks of them a call,
 * while writers put new keys there (flows_add) and remove keys from both
 * (flows_del); once it holds them all it is published whole, and the old
 * one is freed after the workers' next quiescent state.  Readers look in
 * a table in the making only for what they miss in flows
 * (sess_lookup_h).  A shrink is a growth to a smaller size: the same
 * copy, the same room limit.
 */
bool
nat_flows_resize(uint32_t chunks)
{
	struct nat_tables *t = nat_tab;
	struct nat_ht *g = t->grow, *old = NULL;
	int ret = 0;

	if (likely(g == NULL)) {
		uint32_t cap = flows_resize_to(t);

		if (likely(cap == 0) || grow_begin(t, cap) != 0)
			return false;
		g = t->grow;
	}
	for (uint32_t c = 0; c < chunks && ret == 0 && old == NULL; c++) {
		uint32_t i, end;

		rte_spinlock_lock(&nat_lock);
		end = t->hwm;
		for (i = t->grow_next; ret == 0 && i < end && i - t->grow_next < GROW_CHUNK;
		     i += GROW_BATCH)
			ret = grow_copy(t, g, i, RTE_MIN(end, i + GROW_BATCH));
		i = RTE_MIN(i, end);
		t->grow_next = i;
		if (ret == 0 && i >= end) {
			old = t->flows;
			__atomic_store_n(&t->flows, g, __ATOMIC_RELEASE);
			__atomic_store_n(&t->grow, NULL, __ATOMIC_RELEASE);
			t->flows_cap = t->grow_cap;
			t->bytes = t->bytes - old->bytes + g->bytes;
			__atomic_store_n(&t->grow_wanted, t->max - t->n_free > t->flows_cap,
					 __ATOMIC_RELEASE);
		} else if (ret != 0) {
			/* Left as it is: the next session made past
			 * flows_cap asks again. */
			grow_orphans_end(t);
			old = g;
			__atomic_store_n(&t->grow, NULL, __ATOMIC_RELEASE);
			__atomic_store_n(&t->grow_wanted, false, __ATOMIC_RELEASE);
		}
		rte_spinlock_unlock(&nat_lock);
	}
	if (old == NULL)
		return true;
	/* The table replaced, or the one given up: a reader may still be
	 * looking in it. */
	rte_rcu_qsbr_synchronize(dp.qsbr, RTE_QSBR_THRID_INVALID);
	flows_free(old);
	/* Outgrown already (a flood while it filled): again, next call. */
	return __atomic_load_n(&t->grow_wanted, __ATOMIC_ACQUIRE);
}

uint32_t
nat_sess_delete_if(bool (*match)(const struct nat_sess *s, void *arg), void *arg)
{
	struct nat_tables *t = nat_tab;
	uint32_t idx[DEL_SLICE], n = 0, gone = 0, end = sess_end(t);

	if (match == NULL)
		match = match_all;
	for (uint32_t c = 0; c < end; c++) {
		const struct nat_sess *s = &t->sess[c];
		uint8_t fl = __atomic_load_n(&s->flags, __ATOMIC_ACQUIRE);

		if ((fl & NS_USED) && ((fl & NS_DEAD) || match(s, arg)))
			idx[n++] = c;
		if (n == DEL_SLICE) {
			gone += delete_batch(t, idx, n, match, arg);
			n = 0;
		}
	}
	gone += delete_batch(t, idx, n, match, arg);
	/* So that created = expired + removed + active, once the slots
	 * the workers gave up on are recycled. */
	nat_lc[rte_lcore_id()].c[NC_REMOVED] += gone;
	return gone;
}

void
nat_sess_flush(void)
{
	(void)nat_sess_delete_if(NULL, NULL);
}

void
nat_flows_placement(uint64_t *keys, uint64_t *first)
{
	const struct nat_tables *t;

	*keys = *first = 0;
	rte_spinlock_lock(&nat_lock);
	t = nat_tab;
	for (uint32_t i = 0, end = sess_end(t); i < end; i++) {
		const struct nat_sess *s = &t->sess[i];

		if (!(s->flags & NS_USED) || (s->flags & NS_DEAD))
			continue;
		for (unsigned int d = 0; d < 2; d++) {
			int b = nt_flow_bucket(t->flows, sess_flow_hash(s, d), sess_val(i, d));

			*keys += b >= 0;
			*first += b == 0;
		}
	}
	rte_spinlock_unlock(&nat_lock);
}

int
nat_sess_walk_from(uint32_t *slot, int (*cb)(const struct nat_sess_info *s, void *arg), void *arg)
{
	const struct nat_tables *t = nat_tab;
	uint32_t now = nat_now_s;
	int ret;

	for (uint32_t c = *slot, end = sess_end(t); c < end; c++) {
		const struct nat_sess *s = &t->sess[c];
		uint8_t fl = __atomic_load_n(&s->flags, __ATOMIC_ACQUIRE);
		struct nat_sess_info i = { 0 };
		uint32_t ia, oa, ra;
		uint16_t ip, op, rp;

		if (!(fl & NS_USED) || (fl & NS_DEAD))
			continue;
		if (fl & NS_OUTBOUND) {
			ia = s->o.src; ip = s->o.sp;
			oa = s->x.src; op = s->x.sp;
			ra = s->o.dst; rp = s->o.dp;
		} else {
			ia = s->x.dst; ip = s->x.dp;
			oa = s->o.dst; op = s->o.dp;
			ra = s->o.src; rp = s->o.sp;
		}
		i.proto = s->proto;
		i.state = nat_sess_state(s);
		i.in_addr = rte_be_to_cpu_32(ia);
		i.out_addr = rte_be_to_cpu_32(oa);
		i.rem_addr = rte_be_to_cpu_32(ra);
		i.in_port = rte_be_to_cpu_16(ip);
		i.out_port = rte_be_to_cpu_16(op);
		i.rem_port = rte_be_to_cpu_16(rp);
		i.idle = now - s->last;
		if ((int32_t)i.idle < 0)
			i.idle = 0;
		i.packets = s->pkts[0] + s->pkts[1];
		ret = cb(&i, arg);
		if (ret != 0) {
			*slot = c;
			return ret;
		}
	}
	return 0;
}

int
nat_sess_walk(int (*cb)(const struct nat_sess_info *s, void *arg), void *arg)
{
	uint32_t slot = 0;

	return nat_sess_walk_from(&slot, cb, arg);
}
