/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT internals shared by nat.c (the hooks), nat_session.c (sessions,
 * mappings, expiry), nat_rule.c (rules, configuration), nat_icmp.c (ICMP
 * errors) and nat_frag.c (reassembly).  See the comment at the top of nat.c
 * for the design.
 */
#ifndef SLUICE_NAT_INT_H
#define SLUICE_NAT_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_ip_frag.h>
#include <rte_mbuf_dyn.h>
#include <rte_spinlock.h>

#include "nat.h"
#include "nat_table.h"
#include "port.h"

/* A flow as seen in a packet: all four fields network order.  ICMP query:
 * an echo request is (id, 0), an echo reply (0, id). */
struct nat_tuple {
	uint32_t src, dst;
	uint16_t sp, dp;
};

static inline struct nat_tuple
tuple_rev(const struct nat_tuple *t)
{
	return (struct nat_tuple){ .src = t->dst, .dst = t->src, .sp = t->dp, .dp = t->sp };
}

static inline bool
tuple_eq(const struct nat_tuple *a, const struct nat_tuple *b)
{
	return a->src == b->src && a->dst == b->dst && a->sp == b->sp && a->dp == b->dp;
}

/* Session flags. */
#define NS_USED		0x01
#define NS_OUTBOUND	0x02	/* made by an inside host (snat view in dumps) */
#define NS_MAP_SRC	0x04	/* holds the mapping o.src:o.sp -> x.src:x.sp */
#define NS_MAP_DST	0x08	/* holds the mapping x.dst:x.dp -> o.dst:o.dp */
#define NS_REFRESH0	0x10	/* forward packets refresh a UDP session */
#define NS_REFRESH1	0x20	/* reverse packets refresh it */
#define NS_HAIRPIN	0x40	/* one half of a hairpin: see sess_chains */

/* TCP flags seen, per direction. */
#define NT_SYN	0x01
#define NT_FIN	0x02
#define NT_RST	0x04
#define NT_ACK	0x08

/*
 * One session, one cache line.  o is the forward direction as first seen,
 * x the same packet translated; the reverse direction is x reversed, which
 * becomes o reversed.  Everything but last/tcp/pkts is written once, before
 * the session is published in the hash.  tcp[d] and pkts[d] are written only
 * by the worker receiving direction d (RSS keeps a direction on one queue);
 * last is a plain store of the clock (whole seconds) on every refreshing
 * packet: pkts[d] dirties the line anyway.
 */
struct nat_sess {
	struct nat_tuple o, x;
	uint8_t proto;
	uint8_t flags;
	uint8_t tcp[2];
	uint16_t rule_id;		/* nat_rule_add's ids are 1..0xffff */
	/* The out port of the mapping it holds, [0] NS_MAP_SRC's and [1]
	 * NS_MAP_DST's: part of the mapping's inside key (map_in_key). */
	uint8_t map_port[2];
	volatile uint32_t last;		/* nat_now_s of the last refresh */
	/* Checksum deltas of direction 0's rewrites (RFC 1624), so that a
	 * packet's checksums change in one step: [CKD_SRC_IP] the IPv4
	 * header's for o.src -> x.src, [CKD_SRC_L4] a TCP/UDP checksum's for
	 * that and o.sp -> x.sp, [CKD_DST_*] the same for the destination.
	 * Direction 1's rewrites are the inverses: the complements. */
	uint16_t ckd[4];
	/* Both ends at once (prerouting's whole translation): [0] the
	 * header's, [1] TCP/UDP's; the sums of the two ends' deltas. */
	uint16_t ckw[2];
	uint64_t pkts[2];
} __rte_cache_aligned;

#define CKD_SRC_IP	0
#define CKD_SRC_L4	1
#define CKD_DST_IP	2
#define CKD_DST_L4	3

/*
 * The tables, rebuilt whole when max-sessions changes (nat_table.h has
 * the hash tables):
 *   flows  a flow's tuple (as a packet of one direction arrives with it)
 *          -> sess_val(session index, direction): two per session.
 *   maps   the endpoint-independent mappings, exact keys
 *          (kind, proto, port, address):
 *            MK_IN  (inside endpoint, out port: map_in_key)
 *                                      data = out addr<<32 | port<<16 | refs
 *            MK_OUT (outside endpoint) data = in addr<<32 | port<<16 | rule id
 *          two per mapping, at most one mapping per session.
 */
struct nat_tables {
	/* The flows table the workers read (nat_flows): sized by the
	 * sessions in use, not by max, and replaced by one NAT_GROW_FACTOR
	 * times its size when they outgrow it, by a smaller one when they
	 * fall under 1/NAT_SHRINK_BELOW of it (nat_flows_resize). */
	struct nat_ht *flows;
	struct nat_ht maps;
	struct nat_sess *sess;
	uint32_t *free;			/* stack of free session indexes */
	uint32_t n_free;
	uint32_t max;
	uint32_t cursor;		/* expiry scan position, below hwm */
	/* 1 + the highest session index ever handed out.  The free stack hands
	 * out low indexes first and takes freed ones back on top, so the
	 * sessions in use sit below it and every walk over them stops there
	 * (sess_end): a router that never held many sessions does not read
	 * all of max-sessions' slots in each expiry pass, flush or dump.
	 * Never lowered. */
	uint32_t hwm;
	size_t bytes;			/* all of the above */
	/* Growth of flows (or its shrink, a growth to a smaller size), by
	 * the control lcore; every field written under nat_lock.  grow is
	 * the next table while it is filled (else NULL):
	 * writers put new keys there alone and remove keys from both, and
	 * the sessions below grow_next are already in it.  Readers that miss
	 * in flows look in grow too (sess_lookup_h).  grow_cap and flows_cap:
	 * the sessions each is sized for; grow_wanted: more are in use than
	 * flows_cap (set by the writer that went past it). */
	struct nat_ht *grow;
	uint32_t grow_next;
	uint32_t grow_cap;
	uint32_t flows_cap;
	bool grow_wanted;
};

/* The sessions a new flows table is sized for (at most max-sessions):
 * a variable for the tests, which make fewer. */
extern uint32_t nat_flows_first;
/* How many times bigger a grown flows table is: under a flood of new
 * flows every growth copies the sessions, so few big steps cost less
 * than many small ones (to a million: two copies, not four). */
#define NAT_GROW_FACTOR	4
/* A table whose sessions fell under 1/NAT_SHRINK_BELOW of its size is
 * remade smaller, for NAT_GROW_FACTOR times them: they must grow fourfold
 * again before it grows. */
#define NAT_SHRINK_BELOW	(NAT_GROW_FACTOR * NAT_GROW_FACTOR)

#define MK_IN	1
#define MK_OUT	2
#define MAP_REFS_MAX	0xffff

/* Published by the control lcore; workers load it once per hook. */
extern struct nat_tables *volatile nat_tab;
/* Serialises every writer of nat_tab's hash and free stack: workers making
 * sessions, the control lcore expiring them.  Never taken by a lookup. */
extern rte_spinlock_t nat_lock;
extern uint64_t nat_seed;
/* The flows table's hash keys (random, set once by nat_init). */
extern uint64_t nat_flow_key[2];

static inline struct nat_tables *
nat_tables(void)
{
	return __atomic_load_n(&nat_tab, __ATOMIC_ACQUIRE);
}

/* t's flows table, as a reader takes it: loaded once for a whole lookup
 * (a grown table is published whole; the one it replaces stays valid
 * until the reader's next quiescent state). */
static inline struct nat_ht *
nat_flows(const struct nat_tables *t)
{
	return __atomic_load_n(&t->flows, __ATOMIC_ACQUIRE);
}

/*
 * The hash of a flow's tuple (flows table): the addresses and the ports
 * as they lie in memory (in a tuple as in the headers), each xored with a
 * random key, multiplied into 128 bits and the halves folded (wyhash's
 * "mum"): one multiply where two murmur finalisers took some 30
 * instructions on every packet.  Keyed, so that which tuples share
 * buckets cannot be worked out from outside.
 */
static inline uint64_t
flow_hash(const struct nat_tuple *t, uint8_t proto)
{
	uint64_t a, b;
	uint32_t p;

	memcpy(&a, &t->src, sizeof(a));		/* src and dst */
	memcpy(&p, &t->sp, sizeof(p));		/* sp and dp */
	b = (uint64_t)proto << 32 | p;
	a ^= nat_flow_key[0];
	b ^= nat_flow_key[1];
#ifdef RTE_ARCH_X86_64
	/* GCC 12 takes an __int128 product's halves through the stack
	 * (three more instructions a packet in prerouting's first pass);
	 * mul leaves them in rdx:rax. */
	{
		uint64_t hi;

		__asm__("mulq %[b]" : "+a" (a), "=d" (hi) : [b] "rm" (b) : "cc");
		return a ^ hi;
	}
#else
	{
		unsigned __int128 r = (unsigned __int128)a * b;

		return (uint64_t)r ^ (uint64_t)(r >> 64);
	}
#endif
}

/* What the flows table holds for direction d of session index i. */
static inline uint32_t
sess_val(uint32_t i, unsigned int d)
{
	return (i + 1) << 1 | d;
}

/* addr network order, port network order */
static inline uint64_t
map_key(uint8_t kind, uint8_t proto, uint32_t addr, uint16_t port)
{
	return (uint64_t)kind << 56 | (uint64_t)proto << 48 | (uint64_t)port << 32 | addr;
}

/* An inside endpoint's mapping out of port oport: one for each port its
 * flows leave by, each of that port's address (RFC 4787 REQ-1 holds per
 * outside address).  oport fills the kind byte's bits above MK_IN. */
static inline uint64_t
map_in_key(uint8_t proto, uint32_t addr, uint16_t port, uint16_t oport)
{
	RTE_BUILD_BUG_ON(DP_MAX_PORTS > 64);
	return map_key(MK_IN, proto, addr, port) | (uint64_t)oport << 58;
}

static inline uint64_t
map_data(uint32_t addr, uint16_t port, uint16_t low)
{
	return (uint64_t)addr << 32 | (uint64_t)port << 16 | low;
}

static inline uint32_t map_data_addr(uint64_t d) { return (uint32_t)(d >> 32); }
static inline uint16_t map_data_port(uint64_t d) { return (uint16_t)(d >> 16); }
static inline uint16_t map_data_low(uint64_t d) { return (uint16_t)d; }

/* The tuple a packet of direction d is rewritten to. */
static inline struct nat_tuple
sess_new_tuple(const struct nat_sess *s, unsigned int d)
{
	return d == 0 ? s->x : tuple_rev(&s->o);
}

/* The tuple packets of direction d arrive with. */
static inline struct nat_tuple
sess_key_tuple(const struct nat_sess *s, unsigned int d)
{
	return d == 0 ? s->o : tuple_rev(&s->x);
}

/* The flows table's hash of that tuple: where direction d's key lies. */
static inline uint64_t
sess_flow_hash(const struct nat_sess *s, unsigned int d)
{
	const struct nat_tuple k = sess_key_tuple(s, d);

	return flow_hash(&k, s->proto);
}

/*
 * Hairpin (nat.c): a packet from inside to one of the NAT's own outside
 * endpoints crosses two sessions, as if it left and came back: the
 * sender's outbound one (o.dst == x.dst, the NAT's endpoint) and then the
 * one that takes it in (o.src == x.src, the sender's mapping).  Does
 * direction d of s leave addressed to the NAT itself, so that the packet
 * is looked up once more?
 */
static inline bool
sess_chains(const struct nat_sess *s, unsigned int d)
{
	if (likely(!(s->flags & NS_HAIRPIN)))
		return false;
	return d == 0 ? s->x.dst == s->o.dst : s->x.src == s->o.src;
}

/* Is k (protocol proto) direction d's tuple of s? */
static inline bool
sess_is(const struct nat_sess *s, unsigned int d, const struct nat_tuple *k, uint8_t proto)
{
	struct nat_tuple kt = sess_key_tuple(s, d);

	return s->proto == proto && tuple_eq(&kt, k);
}

/* The session of flows value v, when it is tuple k's (the table keeps
 * only part of the hash: another flow's session may turn up). */
static inline struct nat_sess *
sess_of(const struct nat_tables *t, uint32_t v, const struct nat_tuple *k, uint8_t proto,
	unsigned int *dir)
{
	struct nat_sess *s = &t->sess[(v >> 1) - 1];

	if (unlikely(!sess_is(s, v & 1, k, proto)))
		return NULL;
	*dir = v & 1;
	return s;
}

/* One look through flows table f for tuple k, whose flow_hash is h:
 * enough for a writer (under nat_lock nothing moves). */
static inline struct nat_sess *
sess_scan_h(const struct nat_tables *t, const struct nat_ht *f, const struct nat_tuple *k,
	    uint8_t proto, uint64_t h, unsigned int *dir)
{
	struct nat_sess *s;
	unsigned int from = 0;
	uint32_t v;

	while ((v = nt_flow_next(f, h, &from)) != 0)
		if ((s = sess_of(t, v, k, proto, dir)) != NULL)
			return s;
	return NULL;
}

/* The same for a reader without nat_lock: again while a writer moved
 * entries of f under it. */
static inline struct nat_sess *
sess_lookup_in(const struct nat_tables *t, const struct nat_ht *f, const struct nat_tuple *k,
	       uint8_t proto, uint64_t h, unsigned int *dir)
{
	struct nat_sess *s;
	uint32_t c;

	do {
		c = nt_chg(f);
		if ((s = sess_scan_h(t, f, k, proto, h, dir)) != NULL)
			return s;
	} while (unlikely(nt_moved(f, c)));
	return NULL;
}

/* Lookup of a packet's tuple whose flow_hash is h: the session and
 * direction, or NULL. */
static inline struct nat_sess *
sess_lookup_h(const struct nat_tables *t, const struct nat_tuple *k, uint8_t proto,
	      uint64_t h, unsigned int *dir)
{
	/* grow before flows: the growth publishes the next table as flows
	 * before it clears grow, so a reader that finds grow cleared finds
	 * the next table in flows. */
	const struct nat_ht *g = __atomic_load_n(&t->grow, __ATOMIC_ACQUIRE);
	const struct nat_ht *f = nat_flows(t);
	struct nat_sess *s = sess_lookup_in(t, f, k, proto, h, dir);

	if (unlikely(g != NULL) && s == NULL && g != f)
		s = sess_lookup_in(t, g, k, proto, h, dir);
	return s;
}

static inline struct nat_sess *
sess_lookup(const struct nat_tables *t, const struct nat_tuple *k, uint8_t proto,
	    unsigned int *dir)
{
	return sess_lookup_h(t, k, proto, flow_hash(k, proto), dir);
}

/* A mapping's data, read without nat_lock (workers): 0, or -ENOENT. */
int nat_map_get(struct nat_tables *t, uint64_t key, uint64_t *data);

struct rte_ip_frag_tbl;

/* Per-lcore NAT counters. */
enum nat_counter {
	NC_CREATED,
	NC_EXPIRED,
	NC_REMOVED,		/* by a flush, a rule, pool address or port removed */
	NC_TABLE_FULL,
	NC_PORT_EXHAUSTED,
	NC_ICMP_UNTRANSLATABLE,
	NC_FRAG_DROPS,
	NC_NO_ADDRESS,
	NC_FRAG_REASSEMBLED,
	NC_UNTRANSLATABLE,
	NC_INBOUND_UNMATCHED,	/* for a pool address, or TCP RFC 5382 REQ-4 holds */
	NC_HAIRPIN_FILTERED,
	NC_FRAG_DUPLICATES,
	NC__MAX
};
struct frag_seen_tbl;
struct nat_lcore {
	uint64_t c[NC__MAX];
	uint64_t frag_gc;		/* nat_now when the next reassembly sweep is due */
	struct rte_ip_frag_tbl *frag;
	struct frag_seen_tbl *seen;	/* the pieces each datagram has given (frag_seen.h) */
} __rte_cache_aligned;
extern struct nat_lcore nat_lc[RTE_MAX_LCORE];

static inline void
nat_count(enum nat_counter c)
{
	nat_lc[rte_lcore_id()].c[c]++;
}

/* Configuration, read by workers (single words). */
extern struct nat_conf nat_cfg;

/* ---- rules (nat_rule.c) ---- */
struct nat_rule {
	struct nat_rule_spec s;
	uint32_t src_mask;		/* host order */
};
#define NAT_RULES_MAX 256
struct nat_ruleset {
	uint16_t n;
	struct nat_rule r[NAT_RULES_MAX];
};
extern struct nat_ruleset *volatile nat_rules;

static inline const struct nat_ruleset *
nat_rules_get(void)
{
	return __atomic_load_n(&nat_rules, __ATOMIC_ACQUIRE);
}

/* First masquerade/snat rule for traffic from src (host order) leaving
 * out_port, or NULL. */
const struct nat_rule *nat_rule_snat(const struct nat_ruleset *rs, uint16_t out_port,
				     uint32_t src);
/* Before the route is known: the rule a new flow from src that came in on
 * in_port most likely leaves by (the first for src on another port). */
const struct nat_rule *nat_rule_snat_guess(const struct nat_ruleset *rs, uint16_t in_port,
					   uint32_t src);
/* dnat rule for proto/dst/dport (host order) or NULL. */
const struct nat_rule *nat_rule_dnat(const struct nat_ruleset *rs,
				     const struct addr_table *at, uint8_t proto,
				     uint32_t dst, uint16_t dport);
const struct nat_rule *nat_rule_by_id(const struct nat_ruleset *rs, uint32_t id);
/* Is dst (host order) one the NAT answers for: ours or in a snat pool? */
bool nat_rule_dst_ours(const struct nat_ruleset *rs, const struct addr_table *at,
		       uint32_t dst);
/* Could a session or a rule translate a packet to dst (host order), one
 * of our addresses: is it a dnat rule's, a masquerade's outside address,
 * or in a snat pool? */
bool nat_rule_addr_claimed(const struct nat_ruleset *rs, const struct addr_table *at,
			   uint32_t dst);
/* Does any rule name this port? */
bool nat_rule_on_port(const struct nat_ruleset *rs, uint16_t port);

/* ---- sessions (nat_session.c) ---- */
int nat_tables_init(uint32_t max);
/*
 * Make (or find, when another worker just made it) the session of a new
 * flow.  x's fields left 0 in src/sp (map_src) or dst/dp (map_dst) are
 * filled from the inside endpoint's mapping, made on rule r's pool when
 * missing (out_addr, host order, overrides the pool: hairpin to a dnat).
 * Returns the session (and its direction for this packet in *dir) or NULL
 * after counting why.
 */
struct nat_sess_req {
	struct nat_tuple o, x;
	uint8_t proto, flags;
	const struct nat_rule *r;	/* rule the session belongs to */
	const struct nat_rule *map_rule; /* pool for a new mapping (map_src) */
	uint32_t map_addr;		/* host order: force this outside address */
	uint64_t dst_map;		/* MK_OUT data of the mapping (map_dst) */
};
struct nat_sess *nat_sess_create(struct nat_tables *t, struct nat_sess_req *q,
				 unsigned int *dir);
/* Prefetch for a nat_sess_create of outbound flow o by rule r, the k-th
 * new flow of its burst (a hint). */
void nat_sess_prefetch(const struct nat_tables *t, const struct nat_tuple *o, uint8_t proto,
		       const struct nat_rule *r, uint32_t k);
uint8_t nat_sess_state(const struct nat_sess *s);
/* Delete sessions for which match(s, arg) is true (all when NULL), in
 * slices with RCU; returns how many. */
uint32_t nat_sess_delete_if(bool (*match)(const struct nat_sess *s, void *arg), void *arg);
/* Free the tables (after RCU). */
void nat_tables_free(struct nat_tables *t);

/* ---- hooks' shared pieces (nat.c) ---- */
struct nat_pkt {
	struct rte_ipv4_hdr *ip;
	uint16_t *ck;			/* L4 checksum, NULL when none to update */
	uint16_t *spf, *dpf;		/* where sp/dp live in the packet, or NULL */
	struct nat_tuple t;
	uint8_t proto;
	uint8_t tcp_flags;
	bool ck_pseudo;			/* TCP/UDP: the checksum covers addresses */
	bool udp;
};

/* RFC 1624 eqn 3, HC' = ~(~HC + ~m + m'), on raw (network order) words:
 * the one's complement sum does not care about byte order. */
static inline uint16_t
ck_fold(uint32_t s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static inline void
ck_upd16(uint16_t *ck, uint16_t o, uint16_t n)
{
	*ck = (uint16_t)~ck_fold((uint32_t)(uint16_t)~*ck + (uint16_t)~o + n);
}

static inline void
ck_upd32(uint16_t *ck, uint32_t o, uint32_t n)
{
	*ck = (uint16_t)~ck_fold((uint32_t)(uint16_t)~*ck + (uint16_t)~o +
				 (uint16_t)~(o >> 16) + (uint16_t)n + (uint16_t)(n >> 16));
}
/* The one's complement sum of o -> n (RFC 1624's ~m + m'), to be added to
 * a checksum by ck_add. */
static inline uint16_t
ck_delta32(uint32_t o, uint32_t n)
{
	return ck_fold((uint32_t)(uint16_t)~o + (uint16_t)~(o >> 16) + (uint16_t)n +
		       (uint16_t)(n >> 16));
}

static inline uint16_t
ck_delta16(uint16_t d, uint16_t o, uint16_t n)
{
	return ck_fold((uint32_t)d + (uint16_t)~o + n);
}

/* HC' = ~(~HC + delta), which in one's complement is HC - delta: a
 * 16-bit subtract and its borrow taken back (sub, sbb), equal to the sum's
 * form for every HC and delta (0 never becomes 0xffff), checked over all
 * 2^32 pairs. */
static inline uint16_t
ck_add(uint16_t ck, uint16_t delta)
{
	uint16_t r;
	bool borrow = __builtin_sub_overflow(ck, delta, &r);

	return (uint16_t)(r - borrow);
}

/* Fill s->ckd from s->o and s->x. */
static inline void
sess_ck_deltas(struct nat_sess *s)
{
	s->ckd[CKD_SRC_IP] = ck_delta32(s->o.src, s->x.src);
	s->ckd[CKD_SRC_L4] = ck_delta16(s->ckd[CKD_SRC_IP], s->o.sp, s->x.sp);
	s->ckd[CKD_DST_IP] = ck_delta32(s->o.dst, s->x.dst);
	s->ckd[CKD_DST_L4] = ck_delta16(s->ckd[CKD_DST_IP], s->o.dp, s->x.dp);
	s->ckw[0] = ck_fold((uint32_t)s->ckd[CKD_SRC_IP] + s->ckd[CKD_DST_IP]);
	s->ckw[1] = ck_fold((uint32_t)s->ckd[CKD_SRC_L4] + s->ckd[CKD_DST_L4]);
}

void nat_rewrite_src(struct nat_pkt *p, uint32_t addr, uint16_t port);
void nat_rewrite_dst(struct nat_pkt *p, uint32_t addr, uint16_t port);
/* Parse the L4 header at l4 (len bytes available) of p->ip's protocol
 * into p: 0 when it is a translatable TCP/UDP/ICMP query packet.  quoted:
 * the header as an ICMP error quotes it (8 bytes are enough; a checksum
 * beyond the quote is left alone). */
int nat_parse_l4(struct nat_pkt *p, void *l4, uint32_t len, bool quoted);

/* The packet-to-packet stash (mbuf dynamic field) from prerouting to
 * postrouting. */
extern int nat_stash_off;
#define STASH_DIR	1
#define STASH_ICMPERR	2
#define STASH_HAIRPIN	4	/* first half of a hairpin: postrouting does its source */
#define STASH_FAST	8	/* TCP/UDP behind a 20-byte header, not a hairpin:
				 * postrouting's fast path (nat_post_fast) */

/* The stashed session, if prerouting left one that still names m.  The
 * caller checks that the packet matches it: the field is never cleared
 * outside prerouting. */
static inline struct nat_sess *
nat_stash_get(const struct rte_mbuf *m, const struct nat_tables *t, uint64_t *st)
{
	struct nat_sess *s;

	*st = *RTE_MBUF_DYNFIELD(m, nat_stash_off, const uint64_t *);
	s = (struct nat_sess *)(uintptr_t)(*st & ~(uint64_t)(RTE_CACHE_LINE_SIZE - 1));
	/* A stale value (NAT enabled between the hooks, tables rebuilt) must
	 * not be followed outside the live array. */
	if (s == NULL || s < t->sess || s >= t->sess + t->max)
		return NULL;
	return s;
}

/* The bodies of the hooks for a whole (unfragmented or reassembled) packet. */
enum nat_verdict nat_pre_one(struct wctx *w, struct rte_mbuf *m, uint16_t in_port);
enum nat_verdict nat_post_one(struct wctx *w, struct rte_mbuf *m, uint16_t in_port,
			      uint16_t out_port);

/* ---- ICMP errors (nat_icmp.c) ---- */
/* Prerouting half of an ICMP error translation (outer dst, embedded src). */
enum nat_verdict nat_icmp_pre(struct rte_mbuf *m, uint16_t in_port, struct nat_tables *t);
/* Postrouting half (outer src, embedded dst), s/dir from the stash. */
void nat_icmp_post(struct rte_mbuf *m, struct nat_sess *s, unsigned int dir);
/* Is m an ICMP error (type 3, 4, 5, 11, 12)? */
bool nat_is_icmp_error(const struct rte_ipv4_hdr *ip, const struct rte_mbuf *m);

/* ---- fragments (nat_frag.c) ---- */
int nat_frag_init(void);
extern uint64_t nat_frag_gc_cycles;	/* between two sweeps, set by nat_init */

#endif
