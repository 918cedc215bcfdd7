/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT44 hooks: the per-packet part of the NAT.
 *
 * Design (the concurrency choices, and why):
 *
 * - One session = one 64-byte line (struct nat_sess) holding the forward
 *   tuple as first seen (o) and as translated (x).  The reverse direction
 *   arrives as x reversed and leaves as o reversed, so masquerade, snat,
 *   dnat, endpoint-independent inbound and hairpin to a dnat port (both
 *   ends rewritten) are one mechanism.  Prerouting rewrites destinations
 *   (so the route lookup sees the inside host), postrouting rewrites
 *   sources; an ICMP error the router makes about a packet between the
 *   hooks quotes (nat_quote_original) and goes to the real sender.  A
 *   TCP/UDP packet of an established session is translated whole in
 *   prerouting's burst and skips postrouting (nat_prerouting_burst).
 *
 * - Hairpin to a mapping (RFC 4787 REQ-9) is two sessions, as if the
 *   packet left and came back: the sender's outbound one (source -> its
 *   own mapping) and the one that takes that in (destination -> the inside
 *   host).  Both are ordinary sessions, so filtering needs no special case:
 *   under address-and-port-dependent filtering the second exists only when
 *   the destination host sent to the sender's mapping, and the first
 *   packet's outbound session is what admits the other host's answer (hole
 *   punching, simultaneous open).  NS_HAIRPIN marks a session one of whose
 *   directions ends at the NAT itself (sess_chains): the packet is looked
 *   up once more; the stash carries the first session, whose source
 *   postrouting writes.  ICMP errors about such packets cross both.
 *
 * - Two cuckoo tables of our own (nat_table.h), read lock-free: flows,
 *   the tuple of each direction -> session index | direction, a slot being
 *   one 64-bit word (a 32-bit sig of the tuple's hash and the value), so
 *   that a bucket of eight is one cache line and a hit is confirmed
 *   against the session's tuple with plain compares; and maps, the
 *   endpoint-independent mappings (inside endpoint -> outside endpoint and
 *   back, reference-counted in the data word), exact 64-bit keys.
 *   Prerouting takes a whole burst (nat_prerouting_burst): every tuple is
 *   hashed and its two buckets fetched, then every candidate session, then
 *   each packet is handled, so the misses of the burst overlap.  The
 *   session and direction ride to postrouting in an mbuf dynamic field
 *   (checked against the packet there), so postrouting does no lookup.
 *
 * - Writers: a new flow's first packet arrives on some worker, so workers
 *   must add sessions.  The tables allow one writer at a time; we
 *   serialise every writer (workers adding, the control lcore expiring)
 *   with nat_lock, a spinlock taken only to make a session.  The lock also
 *   makes "look up, choose a free outside port, insert" atomic, which is
 *   what guarantees one live mapping per outside tuple and that two workers
 *   seeing the two directions' first packets make one session.  Lookups
 *   never take it.
 *
 * - Per-packet writes: pkts[d] and tcp[d] are written only by the worker
 *   that receives direction d (RSS keeps a direction on one queue), with
 *   plain stores; last is a plain store of the clock (whole seconds) on
 *   every refreshing packet.  No atomic read-modify-write on the fast
 *   path; at most the two workers of a flow's two directions share its
 *   line.  Counters are per lcore.
 *
 * - Expiry: the control lcore walks the session array, up to the
 *   highest slot ever handed out (hwm), in slices from nat_timer,
 *   deletes expired keys under nat_lock, waits for an RCU grace period,
 *   then recycles the session slots.  A table slot is a word that
 *   a reader copies whole, so it is reused at once; a key moved by an
 *   insert is written at its new place before the old is cleared, and a
 *   reader that missed looks again when the tables' change count moved.
 *
 * - Fragments: reassembled per lcore (rte_ip_frag) in prerouting when they
 *   concern the NAT, translated whole and sent with ip4_output.
 *
 * Memory, reserved for max-sessions whatever the table holds: 64 B of
 * session, 4 B of free stack, two flows slots (8 B) and, at worst (every
 * session with its own mapping), two mappings slots (16 B), the flows
 * table sized for 70 % load and the mappings for 95 % (nat_table.h): 64 +
 * 4 + 22.9 + 33.7 = 124.5 B per session (stats: table_bytes).
 */
#include <errno.h>
#include <netinet/ip_icmp.h>
#include <stddef.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_icmp.h>
#include <rte_mbuf_dyn.h>
#include <rte_random.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "host.h"
#include "icmp.h"
#include "nat_int.h"
#include "nat_look.h"

volatile bool nat_enabled;
volatile uint64_t nat_now;
volatile uint32_t nat_now_s;
struct nat_lcore nat_lc[RTE_MAX_LCORE];
int nat_stash_off = -1;
uint64_t nat_seed;
uint64_t nat_flow_key[2];

/* m's stash at the dynamic field's offset off (nat_stash_off: a burst
 * reads it once). */
static inline uint64_t *
stash_at(struct rte_mbuf *m, int off)
{
	return RTE_MBUF_DYNFIELD(m, off, uint64_t *);
}

static inline uint64_t *
stash(struct rte_mbuf *m)
{
	return stash_at(m, nat_stash_off);
}

int
nat_parse_l4(struct nat_pkt *p, void *l4, uint32_t len, bool quoted)
{
	const struct rte_ipv4_hdr *ip = p->ip;

	p->t.src = ip->src_addr;
	p->t.dst = ip->dst_addr;
	p->proto = ip->next_proto_id;
	p->ck = p->spf = p->dpf = NULL;
	p->ck_pseudo = p->udp = false;
	p->tcp_flags = 0;
	switch (p->proto) {
	case IPPROTO_TCP: {
		struct rte_tcp_hdr *tcp = l4;

		if (len < (quoted ? 8 : sizeof(*tcp)))
			return -1;
		p->spf = &tcp->src_port;
		p->dpf = &tcp->dst_port;
		if (len >= offsetof(struct rte_tcp_hdr, cksum) + 2)
			p->ck = &tcp->cksum;
		p->ck_pseudo = true;
		/* An ICMP error may quote 8 bytes only: the flags are beyond. */
		if (len >= offsetof(struct rte_tcp_hdr, tcp_flags) + 1)
			p->tcp_flags = tcp->tcp_flags;
		break;
	}
	case IPPROTO_UDP: {
		struct rte_udp_hdr *udp = l4;

		if (len < sizeof(*udp))
			return -1;
		p->spf = &udp->src_port;
		p->dpf = &udp->dst_port;
		p->ck = &udp->dgram_cksum;
		p->ck_pseudo = p->udp = true;
		break;
	}
	case IPPROTO_ICMP: {
		struct rte_icmp_hdr *icmp = l4;

		if (len < sizeof(*icmp))
			return -1;
		p->ck = &icmp->icmp_cksum;
		if (icmp->icmp_code != 0)
			return -1;
		/* RFC 5508 REQ-1: every query pair, not echo only; all carry
		 * the identifier where echo does (RFC 792). */
		switch (icmp->icmp_type) {
		case ICMP_ECHO:
		case ICMP_TIMESTAMP:
		case ICMP_INFO_REQUEST:
		case ICMP_ADDRESS:
			p->spf = &icmp->icmp_ident;
			p->t.sp = icmp->icmp_ident;
			p->t.dp = 0;
			return 0;
		case ICMP_ECHOREPLY:
		case ICMP_TIMESTAMPREPLY:
		case ICMP_INFO_REPLY:
		case ICMP_ADDRESSREPLY:
			p->dpf = &icmp->icmp_ident;
			p->t.sp = 0;
			p->t.dp = icmp->icmp_ident;
			return 0;
		default:
			return -1;
		}
	}
	default:
		return -1;
	}
	p->t.sp = *p->spf;
	p->t.dp = *p->dpf;
	return 0;
}

/* Checksum words of the L4 header for a change o -> n of a word that it
 * covers (the port) or, with the pseudo-header, of an address. */
static inline bool
l4_ck_live(const struct nat_pkt *p)
{
	/* RFC 768: a UDP checksum of zero means none, and stays so. */
	return p->ck != NULL && !(p->udp && *p->ck == 0);
}

static inline void
l4_ck_done(struct nat_pkt *p)
{
	if (p->udp && p->ck != NULL && *p->ck == 0)
		*p->ck = 0xffff;	/* computed zero is sent as all ones */
}

/* The IPv4 header sits 2 bytes off a word boundary behind Ethernet: its
 * addresses are copied, never read through a 32-bit pointer. */
static inline void
rewrite_addr(struct nat_pkt *p, rte_be32_t *field, uint32_t addr)
{
	uint32_t old;

	memcpy(&old, field, sizeof(old));
	ck_upd32(&p->ip->hdr_checksum, old, addr);
	if (p->ck_pseudo && l4_ck_live(p))
		ck_upd32(p->ck, old, addr);
	memcpy(field, &addr, sizeof(addr));
}

/*
 * One end of p to addr:port: the header field and tuple copy of the
 * address, the L4 field (when there is one) and tuple copy of the port.
 * Whether the L4 checksum is live is decided before anything changes, as
 * a UDP checksum updated to zero must still be finished, not skipped.
 */
static inline void
rewrite_end(struct nat_pkt *p, rte_be32_t *field, uint32_t *t_addr, uint16_t *pf,
	    uint16_t *t_port, uint32_t addr, uint16_t port)
{
	bool live = l4_ck_live(p);

	if (addr != *t_addr) {
		rewrite_addr(p, field, addr);
		*t_addr = addr;
	}
	if (port != *t_port && pf != NULL) {
		if (live)
			ck_upd16(p->ck, *pf, port);
		*pf = port;
		*t_port = port;
	}
	if (live)
		l4_ck_done(p);
}

void
nat_rewrite_dst(struct nat_pkt *p, uint32_t addr, uint16_t port)
{
	rewrite_end(p, &p->ip->dst_addr, &p->t.dst, p->dpf, &p->t.dp, addr, port);
}

void
nat_rewrite_src(struct nat_pkt *p, uint32_t addr, uint16_t port)
{
	rewrite_end(p, &p->ip->src_addr, &p->t.src, p->spf, &p->t.sp, addr, port);
}

/* 0 when p is a translatable packet, 1 when it also has the fast path's
 * shape (TCP/UDP behind a 20-byte header), -1 otherwise. */
static inline int
parse(struct rte_mbuf *m, struct nat_pkt *p)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint32_t hl = rte_ipv4_hdr_len(ip);
	uint8_t *l4 = (uint8_t *)(ip + 1);

	p->ip = ip;
	/* Most packets: UDP or TCP right behind a 20-byte header.  The same
	 * as nat_parse_l4 gives, without its general steps. */
	if (likely(hl == sizeof(*ip))) {
		if (likely(ip->next_proto_id == IPPROTO_UDP) &&
		    likely(rte_pktmbuf_data_len(m) >= sizeof(*ip) + sizeof(struct rte_udp_hdr))) {
			p->ck = &((struct rte_udp_hdr *)l4)->dgram_cksum;
			p->udp = true;
			p->tcp_flags = 0;
			goto fast;
		}
		if (ip->next_proto_id == IPPROTO_TCP &&
		    likely(rte_pktmbuf_data_len(m) >= sizeof(*ip) + sizeof(struct rte_tcp_hdr))) {
			p->ck = &((struct rte_tcp_hdr *)l4)->cksum;
			p->udp = false;
			p->tcp_flags = ((struct rte_tcp_hdr *)l4)->tcp_flags;
			goto fast;
		}
	}
	if (unlikely(rte_pktmbuf_data_len(m) < hl)) {
		p->proto = 0;
		return -1;
	}
	return nat_parse_l4(p, (uint8_t *)ip + hl, rte_pktmbuf_data_len(m) - hl, false);
fast:
	p->proto = ip->next_proto_id;
	p->ck_pseudo = true;
	p->spf = (uint16_t *)l4;
	p->dpf = (uint16_t *)l4 + 1;
	/* src, dst and sp, dp lie in the same order in the headers. */
	RTE_BUILD_BUG_ON(offsetof(struct nat_tuple, dst) != 4 || offsetof(struct nat_tuple, dp) != 10);
	memcpy(&p->t.src, &ip->src_addr, 8);
	memcpy(&p->t.sp, l4, 4);
	return 1;
}

/* The NT_* bits of TCP header flags tf & TCP_SEEN: one load where four
 * tests were. */
#define TCP_SEEN	(RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG | RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG)
static const uint8_t tcp_seen[TCP_SEEN + 1] = {
#define TS(x) [x] = ((x) & RTE_TCP_SYN_FLAG ? NT_SYN : 0) | ((x) & RTE_TCP_FIN_FLAG ? NT_FIN : 0) | \
		    ((x) & RTE_TCP_RST_FLAG ? NT_RST : 0) | ((x) & RTE_TCP_ACK_FLAG ? NT_ACK : 0)
	TS(0x00), TS(0x01), TS(0x02), TS(0x03), TS(0x04), TS(0x05), TS(0x06), TS(0x07),
	TS(0x10), TS(0x11), TS(0x12), TS(0x13), TS(0x14), TS(0x15), TS(0x16), TS(0x17),
#undef TS
};

/* A packet of direction d of s, of protocol proto (TCP flags tf), at
 * nat_now_s now: counters, TCP state, idle time.  Inlined with d a
 * constant where the caller knows it. */
static __rte_always_inline void
sess_hit_pf(struct nat_sess *s, unsigned int d, uint8_t proto, uint8_t tf, uint32_t now)
{
	RTE_BUILD_BUG_ON(TCP_SEEN != 0x17);
	s->pkts[d]++;
	if (proto == IPPROTO_TCP) {
		uint8_t f = tcp_seen[tf & TCP_SEEN];

		if (unlikely((s->tcp[d] | f) != s->tcp[d])) {
			/* A new SYN on a closed tuple starts a new connection. */
			if (f == NT_SYN && ((s->tcp[0] | s->tcp[1]) & (NT_FIN | NT_RST)))
				s->tcp[0] = s->tcp[1] = 0;
			s->tcp[d] |= f;
		}
	} else if (proto == IPPROTO_UDP && !(s->flags & (NS_REFRESH0 << d))) {
		return;		/* RFC 4787 REQ-6: outbound refreshes */
	}
	/* Stored whatever it held: pkts[d] dirties the line anyway. */
	s->last = now;
}

static inline void
sess_hit(struct nat_sess *s, unsigned int d, const struct nat_pkt *p)
{
	sess_hit_pf(s, d, p->proto, p->tcp_flags, nat_now_s);
}

static enum nat_verdict pre_hairpin(struct rte_mbuf *m, struct nat_tables *t,
				    struct nat_pkt *p, struct nat_sess *s, unsigned int d);

static inline enum nat_verdict
pre_hit(struct rte_mbuf *m, struct nat_tables *t, struct nat_pkt *p, struct nat_sess *s,
	unsigned int d)
{
	struct nat_tuple n;

	if (unlikely(sess_chains(s, d)))
		return pre_hairpin(m, t, p, s, d);
	n = sess_new_tuple(s, d);
	sess_hit(s, d, p);
	if (n.dst != p->t.dst || n.dp != p->t.dp)
		nat_rewrite_dst(p, n.dst, n.dp);
	*stash(m) = (uintptr_t)s | d;
	return NAT_PASS;
}

/* A tuple's addresses (src, dst) and ports (sp, dp) as the two words a
 * packet's headers hold them in; the reverse tuple's words are these with
 * their halves swapped, whatever the byte order. */
static inline uint64_t
tup_addrs(const struct nat_tuple *t)
{
	uint64_t a;

	memcpy(&a, &t->src, sizeof(a));
	return a;
}

static inline uint32_t
tup_ports(const struct nat_tuple *t)
{
	uint32_t p;

	memcpy(&p, &t->sp, sizeof(p));
	return p;
}

static inline uint64_t
addrs_rev(uint64_t a)
{
	return a >> 32 | a << 32;
}

static inline uint32_t
ports_rev(uint32_t p)
{
	return p >> 16 | p << 16;
}

/* Delta dl4 into the TCP or UDP checksum of a packet behind a 20-byte
 * header. */
static inline void
l4_ck_add(struct rte_ipv4_hdr *ip, uint16_t dl4)
{
	uint16_t *ck;

	if (ip->next_proto_id == IPPROTO_UDP) {
		ck = &((struct rte_udp_hdr *)(ip + 1))->dgram_cksum;
		/* RFC 768: none stays none; a computed zero is sent as ones. */
		if (*ck != 0) {
			uint16_t c = ck_add(*ck, dl4);

			*ck = c == 0 ? 0xffff : c;
		}
	} else {
		ck = &((struct rte_tcp_hdr *)(ip + 1))->cksum;
		*ck = ck_add(*ck, dl4);
	}
}

/*
 * The fast path's rewrite of one end of a TCP/UDP packet behind a 20-byte
 * header: address a at fa, port pt at fp, both checksums by a session's
 * precomputed deltas (dip for the header, dl4 for TCP/UDP).
 */
static inline void
rewrite_fast(struct rte_ipv4_hdr *ip, rte_be32_t *fa, uint16_t *fp, uint32_t a, uint16_t pt,
	     uint16_t dip, uint16_t dl4)
{
	memcpy(fa, &a, sizeof(a));
	*fp = pt;
	ip->hdr_checksum = ck_add(ip->hdr_checksum, dip);
	l4_ck_add(ip, dl4);
}

/* The destination rewrite of a packet of the fast shape of direction d
 * of s (not a hairpin's) by the session's deltas; postrouting's fast
 * path does the source. */
static inline void
pre_rewrite_fast(struct rte_mbuf *m, struct rte_ipv4_hdr *ip, struct nat_sess *s,
		 unsigned int d)
{
	uint16_t *ports = (uint16_t *)(ip + 1);

	if (d == 0) {
		if (unlikely(s->x.dst != s->o.dst || s->x.dp != s->o.dp))
			rewrite_fast(ip, &ip->dst_addr, &ports[1], s->x.dst, s->x.dp,
				     s->ckd[CKD_DST_IP], s->ckd[CKD_DST_L4]);
	} else if (s->o.src != s->x.src || s->o.sp != s->x.sp) {
		rewrite_fast(ip, &ip->dst_addr, &ports[1], s->o.src, s->o.sp,
			     (uint16_t)~s->ckd[CKD_SRC_IP], (uint16_t)~s->ckd[CKD_SRC_L4]);
	}
	*stash(m) = (uintptr_t)s | d | STASH_FAST;
}

/* pre_hit for p of the fast shape (parse() == 1) and s not a hairpin's. */
static inline void
pre_hit_fast(struct rte_mbuf *m, struct nat_pkt *p, struct nat_sess *s, unsigned int d)
{
	sess_hit(s, d, p);
	pre_rewrite_fast(m, p->ip, s, d);
}

/*
 * Postrouting for a packet prerouting's fast path stashed: when it is
 * still that direction's packet as prerouting left it, its source
 * rewritten by the session's deltas; false sends it the general way.
 */
static inline bool
post_fast(struct rte_mbuf *m, const struct nat_tables *t, uint64_t st)
{
	struct nat_sess *s = (struct nat_sess *)(uintptr_t)(st & ~(uint64_t)(RTE_CACHE_LINE_SIZE - 1));
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint16_t *ports = (uint16_t *)(ip + 1);
	uint32_t src, dst;

	if (unlikely(s < t->sess || s >= t->sess + t->max) ||
	    unlikely(ip->version_ihl != RTE_IPV4_VHL_DEF || ip->next_proto_id != s->proto))
		return false;
	memcpy(&src, &ip->src_addr, sizeof(src));
	memcpy(&dst, &ip->dst_addr, sizeof(dst));
	if ((st & STASH_DIR) == 0) {
		if (unlikely(src != s->o.src || ports[0] != s->o.sp || dst != s->x.dst ||
			     ports[1] != s->x.dp))
			return false;
		if (likely(s->x.src != src || s->x.sp != ports[0]))
			rewrite_fast(ip, &ip->src_addr, &ports[0], s->x.src, s->x.sp,
				     s->ckd[CKD_SRC_IP], s->ckd[CKD_SRC_L4]);
	} else {
		if (unlikely(src != s->x.dst || ports[0] != s->x.dp || dst != s->o.src ||
			     ports[1] != s->o.sp))
			return false;
		if (unlikely(s->o.dst != src || s->o.dp != ports[0]))
			rewrite_fast(ip, &ip->src_addr, &ports[0], s->o.dst, s->o.dp,
				     (uint16_t)~s->ckd[CKD_DST_IP], (uint16_t)~s->ckd[CKD_DST_L4]);
	}
	return true;
}

/*
 * Both ends of a TCP/UDP packet behind a 20-byte header, of direction d
 * of s, as prerouting and postrouting would leave them one after the
 * other: the four fields written, each checksum by the sum of both ends'
 * deltas (ckw, made with the session).  An end that does not change has
 * the delta 0xffff (-0), which adds nothing.  Returns the destination.
 */
static __rte_always_inline uint32_t
rewrite_whole(struct rte_ipv4_hdr *ip, const struct nat_sess *s, unsigned int d)
{
	uint16_t dip = s->ckw[0], dl4 = s->ckw[1];
	/* Direction 0 becomes x, direction 1 o reversed. */
	uint64_t a = tup_addrs(d == 0 ? &s->x : &s->o);
	uint32_t pt = tup_ports(d == 0 ? &s->x : &s->o);

	if (d != 0) {
		a = addrs_rev(a);
		pt = ports_rev(pt);
		dip = (uint16_t)~dip;
		dl4 = (uint16_t)~dl4;
	}
	memcpy(&ip->src_addr, &a, sizeof(a));	/* src and dst, as in the tuple */
	memcpy(ip + 1, &pt, sizeof(pt));	/* sp and dp */
	ip->hdr_checksum = ck_add(ip->hdr_checksum, dip);
	l4_ck_add(ip, dl4);
	return (uint32_t)(d == 0 ? s->x.dst : s->o.src);
}

/* A burst's candidate session (pre_burst's cand): the session's address
 * with its direction in the bit CAND_DIR, which a 64-byte line leaves
 * free, made from a flows value v (sess_val) in two steps:
 * sess - 1 + v * CAND_DIR. */
#define CAND_DIR	(sizeof(struct nat_sess) / 2)

static inline struct nat_sess *
cand_sess(uintptr_t c)
{
	RTE_BUILD_BUG_ON(sizeof(struct nat_sess) != RTE_CACHE_LINE_SIZE);
	return (struct nat_sess *)(c & ~(uintptr_t)(sizeof(struct nat_sess) - 1));
}

static inline unsigned int
cand_dir(uintptr_t c)
{
	return (c & CAND_DIR) != 0;
}

/*
 * Prerouting's whole translation of a packet of the fast shape (header
 * ip, addresses ka and ports kp as its headers hold them, protocol proto)
 * when it is direction d's packet of s, which is not a hairpin's: the
 * counters, the clock and rewrite_whole.  d is a constant (the burst
 * inlines one copy a direction), so which of o and x is compared and
 * written is known, not selected per packet; the compare is two wide
 * ones.  False, with nothing done, when it is not d's packet.
 */
static __rte_always_inline bool
pre_whole_dir(struct rte_mbuf *m, int so, struct rte_ipv4_hdr *ip, struct nat_sess *s,
	      const unsigned int d, uint64_t ka, uint32_t kp, uint8_t proto, uint32_t now,
	      uint32_t *dst)
{
	/* Direction 0 arrives as o; direction 1 as x reversed, so the
	 * packet's tuple reversed is x. */
	const struct nat_tuple *kt = d == 0 ? &s->o : &s->x;
	/* The protocol and the hairpin flag in one compare. */
	const uint8_t want_b[2] = { proto, 0 }, mask_b[2] = { 0xff, NS_HAIRPIN };
	uint16_t pf, want, mask;

	RTE_BUILD_BUG_ON(offsetof(struct nat_sess, flags) != offsetof(struct nat_sess, proto) + 1);
	if (d != 0) {
		ka = addrs_rev(ka);
		kp = ports_rev(kp);
	}
	memcpy(&pf, &s->proto, sizeof(pf));
	memcpy(&want, want_b, sizeof(want));
	memcpy(&mask, mask_b, sizeof(mask));
	if (unlikely(((tup_addrs(kt) ^ ka) | (tup_ports(kt) ^ kp)) != 0) ||
	    unlikely((pf & mask) != want))
		return false;
	sess_hit_pf(s, d, proto, proto == IPPROTO_TCP ?
		    ((struct rte_tcp_hdr *)(ip + 1))->tcp_flags : 0, now);
	*dst = rewrite_whole(ip, s, d);
	*stash_at(m, so) = (uintptr_t)s | d;
	return true;
}

/* pre_whole_dir for candidate c (pre_burst's cand, not 0) of a packet of
 * the fast shape, with the direction and the protocol constants: four
 * copies, so that the counters' and checksums' tests of the protocol are
 * made once. */
static __rte_always_inline bool
pre_whole_cand(struct rte_mbuf *m, int so, struct rte_ipv4_hdr *ip, uintptr_t c,
	       uint32_t now, uint32_t *dst)
{
	struct nat_sess *s = cand_sess(c);
	uint64_t ka;
	uint32_t kp;

	memcpy(&ka, &ip->src_addr, sizeof(ka));
	memcpy(&kp, ip + 1, sizeof(kp));
	if (likely(ip->next_proto_id == IPPROTO_UDP))
		return !(c & CAND_DIR) ?
			pre_whole_dir(m, so, ip, s, 0, ka, kp, IPPROTO_UDP, now, dst) :
			pre_whole_dir(m, so, ip, s, 1, ka, kp, IPPROTO_UDP, now, dst);
	return !(c & CAND_DIR) ? pre_whole_dir(m, so, ip, s, 0, ka, kp, IPPROTO_TCP, now, dst) :
				 pre_whole_dir(m, so, ip, s, 1, ka, kp, IPPROTO_TCP, now, dst);
}

/* The session an inside host's new flow t makes when it leaves by rule r. */
static void
out_req(struct nat_sess_req *q, const struct nat_tuple *t, const struct nat_rule *r)
{
	q->x = (struct nat_tuple){ .dst = t->dst, .dp = t->dp };
	q->flags = NS_OUTBOUND | NS_MAP_SRC | NS_REFRESH0;
	q->r = q->map_rule = r;
}

/*
 * A new flow k coming in to the outside endpoint of a mapping (MK_OUT
 * data) of rule r.  RFC 4787 REQ-8, RFC 5382 REQ-3: address-and-port-
 * dependent filtering lets in only what matched a session of the inside
 * endpoint (-EPERM here); endpoint-independent filtering makes one.
 */
static int
map_in_new(struct nat_tables *t, const struct nat_rule *r, const struct nat_tuple *k,
	   uint8_t proto, uint64_t data, uint8_t flags, struct nat_sess **s, unsigned int *d)
{
	struct nat_sess_req q = { .o = *k, .proto = proto, .r = r, .dst_map = data };

	if (r->s.filter != SLUICE_NAT_FILTER_EIF)
		return -EPERM;
	q.x = (struct nat_tuple){ .src = k->src, .sp = k->sp,
				  .dst = map_data_addr(data), .dp = map_data_port(data) };
	q.flags = NS_MAP_DST | NS_REFRESH1 | flags;
	*s = nat_sess_create(t, &q, d);
	return *s == NULL ? -ENOSPC : 0;
}

/* The mapping, and its rule, whose outside endpoint is k's destination. */
static const struct nat_rule *
map_of_dst(struct nat_tables *t, const struct nat_ruleset *rs,
	   const struct nat_tuple *k, uint8_t proto, uint64_t *data)
{
	if (nat_map_get(t, map_key(MK_OUT, proto, k->dst, k->dp), data) < 0)
		return NULL;
	return nat_rule_by_id(rs, map_data_low(*data));
}

/*
 * The second half of a hairpin (RFC 4787 REQ-9, RFC 5382 REQ-8): the
 * first, the sender's outbound session s, took the packet to n, one of the
 * NAT's outside endpoints, its source now the sender's own mapping.  What
 * takes it in is what would take in such a packet from outside: a session
 * (under address-and-port-dependent filtering, one the destination host
 * made by sending to the sender's mapping), or with endpoint-independent
 * filtering a new one on the destination's mapping.  Prerouting rewrites
 * the destination to the inside host; the stash makes postrouting rewrite
 * the source as the first half says.
 */
static enum nat_verdict
pre_hairpin(struct rte_mbuf *m, struct nat_tables *t, struct nat_pkt *p, struct nat_sess *s,
	    unsigned int d)
{
	struct nat_tuple n = sess_new_tuple(s, d), n2;
	const struct nat_rule *r;
	struct nat_sess *s2;
	unsigned int d2;
	uint64_t data;

	sess_hit(s, d, p);
	s2 = sess_lookup(t, &n, p->proto, &d2);
	if (s2 == NULL) {
		r = map_of_dst(t, nat_rules_get(), &n, p->proto, &data);
		if (r == NULL ||
		    map_in_new(t, r, &n, p->proto, data, NS_HAIRPIN, &s2, &d2) == -EPERM)
			goto filtered;
		if (s2 == NULL)
			goto drop;
	}
	if (sess_chains(s2, d2))
		goto filtered;		/* never twice round */
	sess_hit(s2, d2, p);
	n2 = sess_new_tuple(s2, d2);
	if (n2.dst != p->t.dst || n2.dp != p->t.dp)
		nat_rewrite_dst(p, n2.dst, n2.dp);
	*stash(m) = (uintptr_t)s | d | STASH_HAIRPIN;
	return NAT_PASS;
filtered:
	nat_count(NC_HAIRPIN_FILTERED);
drop:
	dp_drop(m, DROP_NAT);
	return NAT_DROP;
}

/*
 * For an address the NAT answers for (nat_rule_dst_ours), and nothing in
 * the NAT took it.  A pool address is the NAT's alone (proxy ARP, no local
 * address): what no session takes is dropped, not routed back out of the
 * port it came in on.  The router's own addresses go on to local delivery
 * (echo reply, port unreachable, TCP reset), except TCP from outside that
 * RFC 5382 REQ-4 wants unanswered: anything to a port that a mapping holds
 * (mapped), and a SYN to a port of the dynamic range (1024 and up, where
 * an inside client's port is mapped), which may be the first half of a
 * simultaneous open whose inside SYN is still to come.  Below 1024 no
 * client's mapping goes, so the router answers as a host does.  A port
 * with a host stack gives that SYN to the host instead, which may listen
 * there (issue 10): only a mapped port is held, and a simultaneous open
 * through it must have its inside SYN out first.
 */
static enum nat_verdict
pre_unmatched(struct rte_mbuf *m, uint16_t in_port, const struct addr_table *at,
	      uint32_t dst, const struct nat_pkt *p, bool mapped)
{
	bool held = false;

	if (p->proto == IPPROTO_TCP && nat_rule_on_port(nat_rules_get(), in_port))
		held = mapped ||
		       ((p->tcp_flags & (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG | RTE_TCP_RST_FLAG)) ==
				RTE_TCP_SYN_FLAG &&
			rte_be_to_cpu_16(p->t.dp) >= 1024 && !host_on(in_port));
	if (addr_is_local(at, dst) && !held)
		return NAT_PASS;
	nat_count(NC_INBOUND_UNMATCHED);
	dp_drop(m, DROP_NAT);
	return NAT_DROP;
}

/* Prerouting's packets set aside for after the burst's postrouting (nat.h). */
struct nat_later {
	bool off;
	uint16_t n;
	struct rte_mbuf *m[DP_BURST];
};
static RTE_DEFINE_PER_LCORE(struct nat_later, nat_later);

uint16_t
nat_later_take(struct rte_mbuf **m)
{
	struct nat_later *l = &RTE_PER_LCORE(nat_later);
	uint16_t n = l->n;

	if (likely(n == 0))
		return 0;
	memcpy(m, l->m, n * sizeof(*m));
	l->n = 0;
	return n;
}

void
nat_later_off(bool off)
{
	RTE_PER_LCORE(nat_later).off = off;
}

/* No session: a dnat rule, or a mapping, may make one; otherwise
 * pre_unmatched decides.  out_new (prerouting's burst, else NULL): set
 * when m is a new outbound flow, whose mapping postrouting makes; while
 * it is set, a packet to an address of the NAT's that no mapping holds
 * waits for that (NAT_LATER). */
static enum nat_verdict
pre_new(struct rte_mbuf *m, uint16_t in_port, struct nat_tables *t, struct nat_pkt *p,
	bool *out_new)
{
	const struct addr_table *at = addrs_get();
	const struct nat_ruleset *rs = nat_rules_get();
	uint32_t dst = rte_be_to_cpu_32(p->t.dst);
	struct nat_sess_req q;
	const struct nat_rule *r;
	struct nat_sess *s;
	unsigned int d;
	uint64_t data;

	/* The usual new flow, outbound to an address not the NAT's: gone
	 * before its request is made. */
	if (!nat_rule_dst_ours(rs, at, dst)) {
		if (out_new != NULL)
			*out_new = true;
		return NAT_PASS;
	}
	q = (struct nat_sess_req){ .o = p->t, .proto = p->proto };
	if (p->proto == IPPROTO_ICMP)
		return pre_unmatched(m, in_port, at, dst, p, false);
	r = nat_rule_dnat(rs, at, p->proto, dst, rte_be_to_cpu_16(p->t.dp));
	if (r != NULL) {
		uint16_t dp = rte_be_to_cpu_16(p->t.dp);

		/* One target port takes the whole range, as iptables' and
		 * nftables' DNAT do; a target range of the dport range's
		 * size (netlink only) keeps each port's offset. */
		if (r->s.port_max != r->s.port_min)
			dp = (uint16_t)(r->s.port_min + (dp - r->s.dport_min));
		else if (r->s.port_min != 0)
			dp = r->s.port_min;
		q.x = (struct nat_tuple){ .src = p->t.src, .sp = p->t.sp,
					  .dst = rte_cpu_to_be_32(r->s.addr_min),
					  .dp = rte_cpu_to_be_16(dp) };
		q.flags = NS_REFRESH1;
		q.r = r;
		if (in_port != r->s.port) {
			/* Hairpin: the inside client is seen from outside, so
			 * that replies come back here, and from its own mapping
			 * (RFC 4787 REQ-9a): the one its rule out of the dnat's
			 * port gives it, which its flows out there then share
			 * (a pool's address, not the dnat's).  A client no rule
			 * translates is seen from the public address. */
			const struct nat_rule *o = nat_rule_snat(rs, r->s.port,
								 rte_be_to_cpu_32(p->t.src));

			q.x.src = 0;
			q.x.sp = 0;
			q.flags |= NS_MAP_SRC | NS_REFRESH0;
			q.map_rule = o != NULL ? o : r;
			q.map_addr = o != NULL ? 0 : dst;
		}
		s = nat_sess_create(t, &q, &d);
	} else {
		r = map_of_dst(t, rs, &p->t, p->proto, &data);
		if (r == NULL) {
			if (out_new != NULL && *out_new)
				return NAT_LATER;
			return pre_unmatched(m, in_port, at, dst, p, false);
		}
		if (in_port != r->s.port) {
			/* From inside: the first half of a hairpin, the
			 * session the sender would make leaving by its rule. */
			const struct nat_rule *o = nat_rule_snat(rs, r->s.port,
								 rte_be_to_cpu_32(p->t.src));

			if (o == NULL)	/* a host the NAT leaves alone */
				return pre_unmatched(m, in_port, at, dst, p, false);
			out_req(&q, &p->t, o);
			q.flags |= NS_HAIRPIN;
			s = nat_sess_create(t, &q, &d);
		} else if (map_in_new(t, r, &p->t, p->proto, data, 0, &s, &d) == -EPERM) {
			/* RFC 4787 REQ-8: filtered. */
			return pre_unmatched(m, in_port, at, dst, p, true);
		}
	}
	if (s == NULL) {
		dp_drop(m, DROP_NAT);
		return NAT_DROP;
	}
	return pre_hit(m, t, p, s, d);
}

enum nat_verdict
nat_pre_one(struct wctx *w, struct rte_mbuf *m, uint16_t in_port)
{
	struct nat_tables *t = nat_tables();
	struct nat_pkt p;
	struct nat_sess *s;
	unsigned int d;
	int shape;

	(void)w;
	*stash(m) = 0;
	shape = parse(m, &p);
	if (unlikely(shape < 0)) {
		const struct addr_table *at = addrs_get();
		uint32_t dst = rte_be_to_cpu_32(p.ip->dst_addr);

		if (p.proto == IPPROTO_ICMP && nat_is_icmp_error(p.ip, m))
			return nat_icmp_pre(m, in_port, t);
		if (!nat_rule_dst_ours(nat_rules_get(), at, dst))
			return NAT_PASS;
		return pre_unmatched(m, in_port, at, dst, &p, false);
	}
	s = sess_lookup(t, &p.t, p.proto, &d);
	if (likely(s != NULL) && shape == 1 && !(s->flags & NS_HAIRPIN)) {
		pre_hit_fast(m, &p, s, d);
		return NAT_PASS;
	}
	if (likely(s != NULL))
		return pre_hit(m, t, &p, s, d);
	return pre_new(m, in_port, t, &p, NULL);
}

enum nat_verdict
nat_prerouting(struct wctx *w, struct rte_mbuf *m, uint16_t in_port)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);

	if (unlikely(rte_ipv4_frag_pkt_is_fragmented(ip)))
		return nat_frag_in(w, m, in_port);
	return nat_pre_one(w, m, in_port);
}

/* The destination (host order) of a packet whose IPv4 header is l2
 * bytes in. */
static inline uint32_t
pkt_dst(const struct rte_mbuf *m, uint32_t l2)
{
	return rte_be_to_cpu_32(rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, l2)->dst_addr);
}

/* nat_prerouting for a packet of a burst whose IPv4 header is l2 bytes in
 * (a kept Ethernet header, which the hooks' general path does not know):
 * it gets an IP packet, and what goes on gets its header back. */
static inline enum nat_verdict
pre_general(struct wctx *w, struct rte_mbuf *m, uint16_t in_port, uint32_t l2)
{
	enum nat_verdict v;

	if (l2 == 0)
		return nat_prerouting(w, m, in_port);
	rte_pktmbuf_adj(m, (uint16_t)l2);
	v = nat_prerouting(w, m, in_port);
	if (v == NAT_PASS)
		rte_pktmbuf_prepend(m, (uint16_t)l2);
	return v;
}

/*
 * Prerouting for a burst, in order, as nat_prerouting for each packet,
 * but with the lookups of the whole burst overlapped: every tuple's hash
 * and its first bucket are fetched first (lk, the look: made by the
 * worker's Ethernet pass for frames ip4_plain passed, by pre_burst_look
 * otherwise), then every candidate session and the second buckets of
 * the tuples whose first lacks their sig, then those buckets' candidates,
 * then each packet is handled while the others' memory is already near.
 * What is not of the fast shape (fragments, ICMP, IP options, other
 * protocols) goes the way of nat_prerouting.
 *
 * whole (NULL: never): a packet of the fast shape that hits a session
 * (not a hairpin's) has its source rewritten here too, as postrouting
 * would after the route, and its bit set: the caller skips postrouting
 * for it.  Nothing between the hooks reads the source but an ICMP error
 * about the packet, whose quote nat_quote_original puts back from the
 * stash either way, and the session, not the route, says what the
 * source becomes.
 */
static __rte_always_inline uint64_t
pre_burst(struct wctx *w, uint16_t in_port, struct rte_mbuf **pkts, uint16_t n,
	  const uint32_t l2, uint32_t *dst, uint64_t *whole, const bool plain,
	  struct nat_look *lk)
{
	struct nat_tables *t = lk->t;
	/* Read once a burst: the packets' stores may alias them for the
	 * compiler, not in fact (the clock is the burst's, as expiry needs
	 * it to the second). */
	struct nat_sess *const sess = t->sess;
	const int so = nat_stash_off;
	const uint32_t now = nat_now_s;
	const uint64_t fast = n != 0 ? nat_look_fast(lk, n) : 0;
	uint64_t pass = 0, done = 0, far = 0;
	/* A candidate: its session's address with the direction in
	 * CAND_DIR (sess_val's index is one up, hence sbase), or 0. */
	const uintptr_t sbase = (uintptr_t)(sess) - sizeof(*sess);
	uintptr_t cand[DP_BURST];
	/* The second buckets of the frames whose first lacks their sig. */
	const struct nt_fbucket *bk2[DP_BURST];
	uint32_t nnew = 0;
	const struct nat_ruleset *rs = NULL;
	struct nat_later *later = &RTE_PER_LCORE(nat_later);
	bool out_new = false;

	/* The first buckets, fetched by the look: a candidate from each,
	 * or its second bucket fetched for the next loop. */
	for (uint64_t l = fast; l != 0; l &= l - 1) {
		/* 64-bit: an index with no widening per use */
		const uint64_t i = (uint64_t)__builtin_ctzll(l);
		uint32_t v = nt_flow_in(lk->bk1[i], (uint32_t)(lk->h[i] >> 32));

		if (likely(v != 0)) {
			cand[i] = sbase + (uintptr_t)v * CAND_DIR;
			rte_prefetch0((const void *)cand[i]);
		} else {
			cand[i] = 0;
			far |= UINT64_C(1) << i;
			bk2[i] = nat_look_second(lk, (unsigned int)i);
			rte_prefetch0(bk2[i]);
		}
	}
	/* The second buckets, a whole pass after their fetch. */
	for (uint64_t l = far; l != 0; l &= l - 1) {
		const uint64_t i = (uint64_t)__builtin_ctzll(l);
		uint32_t v = nt_flow_in(bk2[i], (uint32_t)(lk->h[i] >> 32));

		if (likely(v != 0)) {
			cand[i] = sbase + (uintptr_t)v * CAND_DIR;
			rte_prefetch0((const void *)cand[i]);
		} else {
			/* Most likely a new outbound flow: what making its
			 * session reads, fetched while the burst is routed. */
			const struct rte_ipv4_hdr *ip =
				rte_pktmbuf_mtod_offset(pkts[i], const struct rte_ipv4_hdr *, l2);
			const struct nat_tuple k = nat_hdr_tuple(ip);
			const struct nat_rule *r;

			if (rs == NULL)
				rs = nat_rules_get();
			r = nat_rule_snat_guess(rs, in_port, rte_be_to_cpu_32(k.src));
			if (r != NULL)
				nat_sess_prefetch(t, &k, ip->next_proto_id, r, nnew++);
		}
	}
	/* The run of packets translated whole from the first on, the usual
	 * burst's all: a loop without calls, so that what it needs stays in
	 * registers (the general loop's calls spilled six values it loads
	 * per packet).  From the first packet that is not, the general loop
	 * goes on in order. */
	uint64_t i = 0, bit = 1;

	if (plain || likely(whole != NULL)) {
		/* The run ends at the first packet not of the fast shape, at
		 * the latest: tested once, not per packet. */
		const uint64_t end = RTE_MIN((uint64_t)n, fast == UINT64_MAX ? UINT64_C(64) :
					     (uint64_t)__builtin_ctzll(~fast));

		for (; i < end; i++) {
			struct rte_ipv4_hdr *ip;
			uint32_t nd;

			if (unlikely(cand[i] == 0))
				break;
			ip = rte_pktmbuf_mtod_offset(pkts[i], struct rte_ipv4_hdr *, l2);
			if (unlikely(!pre_whole_cand(pkts[i], so, ip, cand[i], now, &nd)))
				break;
			dst[i] = rte_be_to_cpu_32(nd);
		}
		/* n <= 64; i == 64 only when n is */
		done = i < 64 ? (UINT64_C(1) << i) - 1 : UINT64_MAX;
		bit = i < 64 ? UINT64_C(1) << i : 0;
	}
	for (; i < n; i++, bit <<= 1) {
		struct rte_mbuf *m = pkts[i];
		struct rte_ipv4_hdr *ip;
		struct nat_sess *s = NULL;
		struct nat_tuple k;
		enum nat_verdict v;
		struct nat_pkt p;
		unsigned int d = 0;
		uint8_t proto;

		if (unlikely(!(fast & bit))) {
			if (pre_general(w, m, in_port, l2) == NAT_PASS) {
				dst[i] = pkt_dst(m, l2);
				pass |= bit;
			}
			continue;
		}
		ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l2);
		proto = ip->next_proto_id;
		if ((plain || likely(whole != NULL)) && likely(cand[i] != 0)) {
			/* The usual packet: its flow's session is the
			 * candidate, the packet translated whole. */
			uint32_t nd;

			if (pre_whole_cand(m, so, ip, cand[i], now, &nd)) {
				dst[i] = rte_be_to_cpu_32(nd);
				done |= bit;
				continue;
			}
		}
		k = nat_hdr_tuple(ip);
		if (likely(cand[i] != 0)) {
			s = cand_sess(cand[i]);
			d = cand_dir(cand[i]);
			if (unlikely(!sess_is(s, d, &k, proto)))
				s = NULL;
		}
		/* Another flow's sig, a key that moved, a session an earlier
		 * packet of this burst made: the whole lookup. */
		if (unlikely(s == NULL))
			s = sess_lookup_h(t, &k, proto, lk->h[i], &d);
		if (likely(s != NULL) && likely(!(s->flags & NS_HAIRPIN))) {
			sess_hit_pf(s, d, proto, proto == IPPROTO_TCP ?
				    ((struct rte_tcp_hdr *)(ip + 1))->tcp_flags : 0, now);
			/* what passes whole joins pass at the end */
			if (plain || likely(whole != NULL)) {
				dst[i] = rte_be_to_cpu_32(rewrite_whole(ip, s, d));
				*stash_at(m, so) = (uintptr_t)s | d;
				done |= bit;
			} else {
				pre_rewrite_fast(m, ip, s, d);
				dst[i] = pkt_dst(m, l2);
				pass |= bit;
			}
			continue;
		}
		*stash(m) = 0;
		if (l2 != 0)
			rte_pktmbuf_adj(m, (uint16_t)l2);
		(void)parse(m, &p);
		if (s != NULL)
			v = pre_hit(m, t, &p, s, d);
		else
			v = pre_new(m, in_port, t, &p,
				    later->off || later->n == DP_BURST ? NULL : &out_new);
		if (v == NAT_PASS) {
			if (l2 != 0)
				rte_pktmbuf_prepend(m, (uint16_t)l2);
			dst[i] = pkt_dst(m, l2);
			pass |= bit;
		} else if (unlikely(v == NAT_LATER)) {
			if (l2 != 0)
				rte_pktmbuf_prepend(m, (uint16_t)l2);
			later->m[later->n++] = m;
		}
	}
	if (plain || whole != NULL)
		*whole = done;
	return pass | done;
}

/* pre_burst with l2 a constant: a kept Ethernet header (the NAT's usual
 * burst, ip4_input_nat) or none (a trace's); the look made here. */
static __rte_always_inline uint64_t
pre_burst_look(struct wctx *w, uint16_t in_port, struct rte_mbuf **pkts, uint16_t n,
	       const uint32_t l2, uint32_t *dst, uint64_t *whole)
{
	struct nat_look lk;

	nat_look_begin(&lk);
	for (unsigned int i = 0; i < n; i++)
		nat_look_at(&lk, pkts[i],
			    rte_pktmbuf_mtod_offset(pkts[i], const struct rte_ipv4_hdr *, l2),
			    i, l2, false);
	return pre_burst(w, in_port, pkts, n, l2, dst, whole, false, &lk);
}

uint64_t
nat_prerouting_burst(struct wctx *w, uint16_t in_port, struct rte_mbuf **pkts, uint16_t n,
		     uint32_t l2, uint32_t *dst, uint64_t *whole)
{
	if (likely(l2 == RTE_ETHER_HDR_LEN))
		return pre_burst_look(w, in_port, pkts, n, RTE_ETHER_HDR_LEN, dst, whole);
	RTE_ASSERT(l2 == 0);
	return pre_burst_look(w, in_port, pkts, n, 0, dst, whole);
}

uint64_t
nat_prerouting_plain(struct wctx *w, uint16_t in_port, struct rte_mbuf **pkts, uint16_t n,
		     struct nat_look *lk, uint32_t *dst, uint64_t *whole)
{
	return pre_burst(w, in_port, pkts, n, RTE_ETHER_HDR_LEN, dst, whole, true, lk);
}

static enum nat_verdict
post_new(struct wctx *w, struct rte_mbuf *m, uint16_t in_port, uint16_t out_port,
	 struct nat_tables *t, struct nat_pkt *p, int shape)
{
	const struct nat_ruleset *rs = nat_rules_get();
	uint32_t src = rte_be_to_cpu_32(p->t.src);
	const struct nat_rule *r;
	struct nat_sess_req q = { .o = p->t, .proto = p->proto };
	struct nat_sess *s;
	struct nat_tuple n;
	unsigned int d;

	/* Only a query starts an ICMP session; replies and the router's
	 * own traffic go as they are. */
	if (p->proto == IPPROTO_ICMP && p->t.dp != 0)
		return NAT_PASS;
	r = nat_rule_snat(rs, out_port, src);
	if (r == NULL || addr_is_local(addrs_get(), src))
		return NAT_PASS;
	out_req(&q, &p->t, r);
	s = nat_sess_create(t, &q, &d);
	if (s == NULL) {
		/* RFC 5508 REQ-8: no port or no room left for a new flow is
		 * told to the sender (rate-limited like every error). */
		icmp_error(w, m, in_port, ICMP_DEST_UNREACH, ICMP_PKT_FILTERED, 0);
		dp_drop(m, DROP_NAT);
		return NAT_DROP;
	}
	sess_hit(s, d, p);
	/* TCP/UDP behind a 20-byte header (parse() == 1): both ends at once
	 * by the session's summed deltas, as prerouting translates an
	 * established packet; the packet is direction d's key tuple. */
	if (likely(shape == 1)) {
		(void)rewrite_whole(p->ip, s, d);
		return NAT_PASS;
	}
	n = sess_new_tuple(s, d);
	if (n.dst != p->t.dst || n.dp != p->t.dp)
		nat_rewrite_dst(p, n.dst, n.dp);
	if (n.src != p->t.src || n.sp != p->t.sp)
		nat_rewrite_src(p, n.src, n.sp);
	return NAT_PASS;
}

enum nat_verdict
nat_post_one(struct wctx *w, struct rte_mbuf *m, uint16_t in_port, uint16_t out_port)
{
	struct nat_tables *t = nat_tables();
	struct nat_sess *s;
	struct nat_pkt p;
	uint64_t st;
	int shape;

	s = nat_stash_get(m, t, &st);
	if (s != NULL && (st & STASH_ICMPERR)) {
		nat_icmp_post(m, s, st & STASH_DIR);
		return NAT_PASS;
	}
	shape = parse(m, &p);
	if (unlikely(shape < 0)) {
		uint32_t src = rte_be_to_cpu_32(p.ip->src_addr);

		/* What the NAT cannot translate (another protocol, a header
		 * cut short, an ICMP error prerouting did not place) must not
		 * leave through a NAT with an inside source. */
		if (nat_rule_snat(nat_rules_get(), out_port, src) == NULL ||
		    addr_is_local(addrs_get(), src))
			return NAT_PASS;
		if (p.proto == IPPROTO_ICMP && nat_is_icmp_error(p.ip, m))
			nat_count(NC_ICMP_UNTRANSLATABLE);
		else
			nat_count(NC_UNTRANSLATABLE);
		dp_drop(m, DROP_NAT);
		return NAT_DROP;
	}
	if (likely(s != NULL)) {
		unsigned int d = st & STASH_DIR;
		struct nat_tuple k = sess_key_tuple(s, d), n = sess_new_tuple(s, d);

		/* A hairpin's destination is the second half's. */
		if (likely(p.t.src == k.src && p.t.sp == k.sp &&
			   ((p.t.dst == n.dst && p.t.dp == n.dp) || (st & STASH_HAIRPIN)))) {
			if (n.src != p.t.src || n.sp != p.t.sp)
				nat_rewrite_src(&p, n.src, n.sp);
			return NAT_PASS;
		}
	}
	return post_new(w, m, in_port, out_port, t, &p, shape);
}

enum nat_verdict
nat_postrouting(struct wctx *w, struct rte_mbuf *m, uint16_t in_port, uint16_t out_port)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	uint64_t st = *stash(m);

	/* Fragments that concern the NAT never get here (prerouting
	 * reassembles them); the others go as they are. */
	if (unlikely(rte_ipv4_frag_pkt_is_fragmented(ip)))
		return NAT_PASS;
	/* Here rather than in nat_post_one, whose frame the fast path
	 * does not need. */
	if (likely(st & STASH_FAST) && likely(post_fast(m, nat_tables(), st)))
		return NAT_PASS;
	return nat_post_one(w, m, in_port, out_port);
}

int
nat_init(void)
{
	static const struct rte_mbuf_dynfield desc = {
		.name = "sluice_nat_stash",
		.size = sizeof(uint64_t),
		.align = __alignof__(uint64_t),
	};
	int ret;

	nat_seed = rte_rand();
	nat_flow_key[0] = rte_rand();
	nat_flow_key[1] = rte_rand();
	nat_now = rte_get_tsc_cycles();
	nat_now_s = (uint32_t)(nat_now / dp.hz);
	nat_stash_off = rte_mbuf_dynfield_register(&desc);
	if (nat_stash_off < 0)
		return -ENOMEM;
	ret = nat_tables_init(nat_cfg.max_sessions);
	if (ret < 0)
		return ret;
	return nat_frag_init();
}

static const char *const nc_names[NC__MAX] = {
	[NC_CREATED] = "sessions_created",
	[NC_EXPIRED] = "sessions_expired",
	[NC_REMOVED] = "sessions_removed",
	[NC_TABLE_FULL] = "table_full_drops",
	[NC_PORT_EXHAUSTED] = "port_exhausted_drops",
	[NC_ICMP_UNTRANSLATABLE] = "icmp_untranslatable",
	[NC_FRAG_DROPS] = "fragment_drops",
	[NC_NO_ADDRESS] = "no_address_drops",
	[NC_FRAG_REASSEMBLED] = "fragments_reassembled",
	[NC_UNTRANSLATABLE] = "untranslatable_drops",
	[NC_INBOUND_UNMATCHED] = "inbound_unmatched_drops",
	[NC_HAIRPIN_FILTERED] = "hairpin_filtered_drops",
	[NC_FRAG_DUPLICATES] = "fragment_duplicates",
};

unsigned int
nat_counters(const char **names, uint64_t *values, unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int c = 0; c < NC__MAX && n < max; c++) {
		uint64_t sum = 0;

		for (unsigned int l = 0; l < RTE_MAX_LCORE; l++)
			sum += nat_lc[l].c[c];
		names[n] = nc_names[c];
		values[n++] = sum;
		if (c == NC_REMOVED && n < max) {
			names[n] = "sessions_active";
			values[n++] = nat_sess_count();
		}
		if (c == NC_REMOVED && n < max) {
			/* Sessions, flows and mappings tables: what
			 * max-sessions reserves, however full. */
			names[n] = "table_bytes";
			values[n++] = nat_tables()->bytes;
		}
	}
	return n;
}
