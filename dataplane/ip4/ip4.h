/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4: validation (RFC 1812 5.2.2), martians, local delivery, forwarding
 * (TTL, RFC 1624 incremental checksum, MTU), output toward a next hop.
 */
#ifndef SLUICE_IP4_H
#define SLUICE_IP4_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <rte_ip.h>
#ifdef __SSE4_1__
#include <smmintrin.h>
#endif

#include "worker.h"

/* 0 when the IPv4 header at the mbuf's data offset (after Ethernet) is
 * valid for a frame of that length, else the drop reason. */
int ip4_check(const struct rte_ipv4_hdr *ip, uint32_t l3_len);

/* 224/4 (host order).  DPDK 22.11's RTE_IS_IPV4_MCAST shifts an int into
 * its sign bit, which is undefined. */
static inline bool
ip4_multicast(uint32_t ip)
{
	return ip >> 28 == 0xe;
}

bool ip4_martian_src(uint32_t src);	/* host order; our own addresses excluded */
bool ip4_martian_dst(uint32_t dst);

/* TTL - 1 with the checksum patched (RFC 1624 eqn 3); the TTL is at
 * least 1 (every caller forwards only above 1). */
static inline void
ip4_dec_ttl(struct rte_ipv4_hdr *ip)
{
	/* HC' = ~(~HC + ~m + m'): the TTL is the high byte of its 16-bit word,
	 * m' = m - 0x0100, so ~m + m' = ~0x0100 = 0xfeff.  Unlike HC + 0x0100
	 * (eqn 2) this never leaves 0xffff where a full recompute gives 0.
	 * Eqn 3 works out, for every HC, to (HC + 0x0100) modulo 0xffff
	 * (test_ip4 checks all 65 536): one add and a conditional subtract,
	 * no complements and no fold. */
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
	/* On the 4 bytes TTL, protocol, checksum as one word, one load and
	 * one store: TTL in its low byte (- 1, no borrow from a TTL of 1 or
	 * more), the checksum read little-endian in its high half, where
	 * HC + 0x0100 is + 1; HC 0xfffe and 0xffff, the two that reach 0xffff
	 * and wrap, take 1 more (0xffff - 0xffff = 0, 0x10000 - 0xffff = 1;
	 * the carry out of the word is the 0x10000). */
	uint32_t v;

	memcpy(&v, &ip->time_to_live, sizeof(v));
	v += v >= 0xfffe0000u ? 0x1ffffu : 0xffffu;
	memcpy(&ip->time_to_live, &v, sizeof(v));
#else
	uint32_t sum;

	ip->time_to_live--;
	sum = (uint32_t)ip->hdr_checksum + rte_cpu_to_be_16(0x0100);
	if (sum >= 0xffff)
		sum -= 0xffff;
	ip->hdr_checksum = (uint16_t)sum;
#endif
}

/* IPv4 packets of one burst, Ethernet header still in front. */
void ip4_input(struct wctx *w, uint16_t in_port, struct rte_mbuf **pkts, uint16_t n);

/*
 * Is a 20-byte header's checksum right, that is, its ones' complement sum
 * 0xffff?  It is summed as two 64-bit words and a 32-bit one with the
 * carries added back (a ones' complement sum in 64 bits) and not folded:
 * 2^16 is 1 modulo 0xffff, so that sum and the folded 16-bit one agree
 * modulo 0xffff (in either byte order, 2^8 being invertible), and a folded
 * sum, never 0 unless every word is (version 4 is not), is 0xffff exactly
 * when the wide one is a multiple of 0xffff.  Cheaper than the folds.
 */
static inline bool
ip4_hdr20_sum_ok(const struct rte_ipv4_hdr *ip)
{
	const uint8_t *p = (const uint8_t *)ip;
	uint64_t a, b, sum;
	uint32_t c;

	memcpy(&a, p, sizeof(a));
	memcpy(&b, p + 8, sizeof(b));
	memcpy(&c, p + 16, sizeof(c));
	/* No carry is lost: after one, the sum is at most 2^64 - 2. */
	sum = a + b;
	sum += sum < a;
	a = sum + c;
	a += a < sum;
	return a % 0xffff == 0;
}

/* By first octet: an address that may be a martian source (0/8, 127/8,
 * 224/4, 240/4) or a destination never forwarded as it is (ip4.c). */
extern const bool ip4_octet_odd[256];

/*
 * ip4_plain's tests after the length, pad (total length - frame's IP
 * length, at most len - 20) its Ethernet padding: a TTL above 1, one
 * segment, a right checksum (or the device's word for it), neither
 * address a martian by its first octet, a source that is none of ours.
 */
static __rte_always_inline bool
ip4_plain_rest(struct rte_mbuf *m, const struct rte_ipv4_hdr *ip, uint32_t pad,
	       const struct addr_table *at, uint64_t ours, uint32_t *dst)
{
	const uint64_t ck = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;

	if (unlikely(ip->time_to_live <= 1 || m->nb_segs != 1))
		return false;
	/* No word from the device (vdevs, most af_xdp): one flag test. */
	if (likely(ck == RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN)) {
		if (unlikely(!ip4_hdr20_sum_ok(ip)))
			return false;
	} else if (ck != RTE_MBUF_F_RX_IP_CKSUM_GOOD &&
		   (ck == RTE_MBUF_F_RX_IP_CKSUM_BAD || !ip4_hdr20_sum_ok(ip))) {
		return false;
	}
	if (unlikely(ip4_octet_odd[((const uint8_t *)&ip->src_addr)[0]] |
		     ip4_octet_odd[((const uint8_t *)&ip->dst_addr)[0]]) ||
	    (unlikely((ours >> addr_hash(ip->src_addr)) & 1) &&
	     addr_is_local(at, rte_be_to_cpu_32(ip->src_addr))))
		return false;
	/* Ethernet pads short frames to 60 bytes: the IP length rules. */
	if (pad != 0 && rte_pktmbuf_trim(m, pad) != 0)
		return false;
	*dst = rte_be_to_cpu_32(ip->dst_addr);
	return true;
}

/* ip4_plain for a frame whose IP total length is not its own (ip4.c). */
bool ip4_plain_padded(struct rte_mbuf *m, const struct addr_table *at, uint64_t ours,
		      uint32_t *dst);

/*
 * The plain case of an IPv4 frame to our MAC, for the worker's one pass
 * over a burst (its first segment holds at least Ethernet and 20 bytes,
 * and the caller saw version 4 without options): one segment, a total
 * length the frame holds (Ethernet padding trimmed), and ip4_plain_rest's
 * tests.  True with *dst the destination in host order; false for
 * anything else, which ip4_input judges as before.
 */
static inline bool
ip4_plain(struct rte_mbuf *m, const struct addr_table *at, uint64_t ours, uint32_t *dst)
{
	const struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, RTE_ETHER_HDR_LEN);
	const uint32_t len = rte_pktmbuf_pkt_len(m) - RTE_ETHER_HDR_LEN;

	/* The common frame, without padding: its total length compared in
	 * network order (one segment, tested after, holds at most 65535
	 * bytes, so the 16 bits are the whole length), nothing to trim,
	 * and the padded one out of line. */
	if (unlikely(ip->total_length != rte_cpu_to_be_16((uint16_t)len)))
		return ip4_plain_padded(m, at, ours, dst);
	return ip4_plain_rest(m, ip, 0, at, ours, dst);
}

#ifdef __SSE4_1__
/* Frames ip4_plain_x4 takes at once. */
#define X4	4

/* ip4_plain_x4 reads nb_segs and ol_flags' checksum bits as bytes 4-5
 * and 8 of the 16 from rearm_data. */
static_assert(offsetof(struct rte_mbuf, nb_segs) - offsetof(struct rte_mbuf, rearm_data) == 4 &&
	      offsetof(struct rte_mbuf, ol_flags) - offsetof(struct rte_mbuf, rearm_data) == 8 &&
	      offsetof(struct rte_mbuf, rearm_data) % 16 == 0 &&
	      RTE_MBUF_F_RX_IP_CKSUM_MASK <= 0xff, "mbuf layout");

/*
 * ip4_plain for X4 frames at once, as l3fwd's SSE path takes four
 * headers: true when each is long enough, matches head (the worker's
 * template, head16_eq) in HEAD16_IP4's bytes and ip4_plain would pass it,
 * none of them padded or with a word from the device on its checksum,
 * with dst[0..X4) their destinations (host order) and their lengths added
 * to *lens, frame k's to lane k (a caller adds them up with x4_lens_sum
 * before a lane can pass 32 bits: 65 536 frames of 65 535 bytes); false
 * says nothing of any (the caller takes them one by
 * one, as before).  at, ours as ip4_plain's.  The mbufs' tests are one
 * for the four: segments and the device's flags or-ed from their bytes
 * 16-31, the lengths in the vector of pkt_len (one segment: data_len);
 * the first 34 bytes of each frame are read before its length is known,
 * as l3fwd reads them, which a receive buffer always holds.  The
 * header's tests (total length, TTL, checksum, first octets, the source
 * in the our-address filter) and the destination's byte order are done
 * once for the four on their words transposed: lane k of r[j] is word j
 * (bytes 4j..4j+3) of frame k's header.
 */
static inline bool
ip4_plain_x4(struct rte_mbuf *const *m, head16_t head, const struct addr_table *at,
	     uint64_t ours, uint32_t *dst, __m128i *lens)
{
	const __m128i bias = _mm_set1_epi16(INT16_MIN), one = _mm_set1_epi16(1);
	const __m128i low16 = _mm_set1_epi32(0xffff);
	/* Lane bytes 0, 2 and 3: the source's first octet (2 and 3 copies,
	 * tested twice), byte 1: the destination's. */
	const __m128i src_octet = _mm_setr_epi8(0, -1, 0, 0, 4, -1, 4, 4, 8, -1, 8, 8, 12, -1, 12, 12);
	const __m128i dst_octet = _mm_setr_epi8(-1, 0, -1, -1, -1, 4, -1, -1, -1, 8, -1, -1, -1, 12, -1, -1);
	const __m128i bswap32 = _mm_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
	/* Lane bytes 2-3: bytes 1 and 0 (a length in network order). */
	const __m128i tl_order = _mm_setr_epi8(-1, -1, 1, 0, -1, -1, 5, 4, -1, -1, 9, 8, -1, -1, 13, 12);
	const __m128i pow2 = _mm_setr_epi8(1, 2, 4, 8, 16, 32, 64, (char)128, 0, 0, 0, 0, 0, 0, 0, 0);
	__m128i x[X4], y[X4], t0, t1, t2, t3, r[5], sum, oct, odd, ok, h, hit;
	/* Bytes 4-5 of rearm_data: nb_segs; byte 8: ol_flags' low byte. */
	const __m128i mb_want = _mm_setr_epi8(0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	const __m128i mb_mask = _mm_setr_epi8(0, 0, 0, 0, -1, -1, 0, 0,
					      (char)RTE_MBUF_F_RX_IP_CKSUM_MASK, 0, 0, 0, 0, 0, 0, 0);
	__m128i eq = _mm_set1_epi8(-1), mb = _mm_setzero_si128(), pl;

#pragma GCC unroll 4
	for (unsigned int k = 0; k < X4; k++) {
		const uint8_t *f = rte_pktmbuf_mtod(m[k], const uint8_t *);
		const uint8_t *ip = f + RTE_ETHER_HDR_LEN;
		uint32_t w;

		/* Bytes 16-31 of the mbuf (data_off to ol_flags), or-ed. */
		mb = _mm_or_si128(mb, _mm_load_si128((const __m128i *)(const void *)
						     &m[k]->rearm_data));
		eq = _mm_and_si128(eq, head16_eq_v(f, head));
		x[k] = _mm_loadu_si128((const __m128i *)(const void *)ip);
		memcpy(&w, ip + offsetof(struct rte_ipv4_hdr, dst_addr), sizeof(w));
		y[k] = _mm_cvtsi32_si128((int)w);
	}
	/* One segment each (nb_segs is at least 1 in any mbuf, so the four
	 * or-ed are 1 only when each is) and no word from the device. */
	if (!_mm_testz_si128(_mm_xor_si128(mb, mb_want), mb_mask))
		return false;
	if ((~_mm_movemask_epi8(eq) & HEAD16_IP4) != 0)
		return false;
	t0 = _mm_unpacklo_epi32(x[0], x[1]);
	t1 = _mm_unpacklo_epi32(x[2], x[3]);
	t2 = _mm_unpackhi_epi32(x[0], x[1]);
	t3 = _mm_unpackhi_epi32(x[2], x[3]);
	r[0] = _mm_unpacklo_epi64(t0, t1);
	r[1] = _mm_unpackhi_epi64(t0, t1);
	r[2] = _mm_unpacklo_epi64(t2, t3);
	r[3] = _mm_unpackhi_epi64(t2, t3);
	r[4] = _mm_unpacklo_epi64(_mm_unpacklo_epi32(y[0], y[1]), _mm_unpacklo_epi32(y[2], y[3]));
	/* The lengths straight into a vector: added up there, they need no
	 * register of their own a frame. */
	pl = _mm_setr_epi32((int)rte_pktmbuf_pkt_len(m[0]), (int)rte_pktmbuf_pkt_len(m[1]),
			    (int)rte_pktmbuf_pkt_len(m[2]), (int)rte_pktmbuf_pkt_len(m[3]));
	/*
	 * The checksum: pmaddwd adds each lane's two 16-bit words, but as
	 * signed; flipped by 0x8000 first, each counts 0x8000 less, exactly,
	 * so the ten words' sum is 5 * 0x10000 short, put back.  That sum
	 * (at most 10 * 0xffff) folded once is at most 0x10008, never 0
	 * (version 4), and a multiple of 0xffff, a right checksum, only as
	 * 0xffff itself (ip4_hdr20_sum_ok says why the unfolded sum serves).
	 */
	sum = _mm_set1_epi32(5 * 0x10000);
	for (unsigned int j = 0; j < 5; j++)
		sum = _mm_add_epi32(sum, _mm_madd_epi16(_mm_xor_si128(r[j], bias), one));
	sum = _mm_add_epi32(_mm_and_si128(sum, low16), _mm_srli_epi32(sum, 16));
	ok = _mm_cmpeq_epi32(sum, low16);
	/* TTL, byte 0 of word 2, above 1. */
	ok = _mm_and_si128(ok, _mm_cmpgt_epi32(_mm_and_si128(r[2], _mm_set1_epi32(0xff)),
					       _mm_set1_epi32(1)));
	/* ip4_octet_odd's octets: 0, 127, 224 and up.  + 32 (wrapping)
	 * then - 32 (saturating) takes 224-255 and 0 to 0, 127 to 127, the
	 * rest elsewhere; a byte of 0 or 127 is one whose min with itself
	 * ^ 127 is 0. */
	oct = _mm_or_si128(_mm_shuffle_epi8(r[3], src_octet), _mm_shuffle_epi8(r[4], dst_octet));
	oct = _mm_subs_epu8(_mm_add_epi8(oct, _mm_set1_epi8(32)), _mm_set1_epi8(32));
	odd = _mm_cmpeq_epi8(_mm_min_epu8(oct, _mm_xor_si128(oct, _mm_set1_epi8(127))),
			     _mm_setzero_si128());
	ok = _mm_and_si128(ok, _mm_cmpeq_epi32(odd, _mm_setzero_si128()));
	/* Frames as long as ip4_plain asks (one segment: pkt_len is
	 * data_len), and their total length (bytes 2-3 of word 0) the
	 * frame's, less Ethernet. */
	ok = _mm_and_si128(ok, _mm_cmpgt_epi32(pl, _mm_set1_epi32(RTE_ETHER_HDR_LEN +
								     sizeof(struct rte_ipv4_hdr) - 1)));
	ok = _mm_and_si128(ok, _mm_cmpeq_epi32(
		_mm_and_si128(r[0], _mm_set1_epi32((int)0xffff0000)),
		_mm_shuffle_epi8(_mm_sub_epi32(pl, _mm_set1_epi32(RTE_ETHER_HDR_LEN)), tl_order)));
	if (_mm_movemask_ps(_mm_castsi128_ps(ok)) != 0xf)
		return false;
	/* The sources' bits in the our-address filter (addr_hash, word 3):
	 * its byte h / 8 of the 8 (pshufb), and in it bit h % 8, in byte 0
	 * of each lane (h < 64: the lane's other bytes index 0, and are
	 * not looked at). */
	h = _mm_srli_epi32(_mm_mullo_epi32(r[3], _mm_set1_epi32((int)0x9e3779b1)), 26);
	hit = _mm_and_si128(_mm_shuffle_epi8(_mm_cvtsi64_si128((long long)ours), _mm_srli_epi32(h, 3)),
			    _mm_shuffle_epi8(pow2, _mm_and_si128(h, _mm_set1_epi32(7))));
	if (unlikely(!_mm_testz_si128(hit, _mm_set1_epi32(0xff)))) {
		uint32_t src[X4], bit[X4];

		_mm_storeu_si128((__m128i *)(void *)src, r[3]);
		_mm_storeu_si128((__m128i *)(void *)bit, hit);
		for (unsigned int k = 0; k < X4; k++)
			if ((bit[k] & 0xff) != 0 && addr_is_local(at, rte_be_to_cpu_32(src[k])))
				return false;
	}
	_mm_storeu_si128((__m128i *)(void *)dst, _mm_shuffle_epi8(r[4], bswap32));
	*lens = _mm_add_epi32(*lens, pl);
	return true;
}

/* The four lanes of ip4_plain_x4's lengths added up. */
static inline uint64_t
x4_lens_sum(__m128i lens)
{
	lens = _mm_add_epi32(lens, _mm_shuffle_epi32(lens, _MM_SHUFFLE(1, 0, 3, 2)));
	lens = _mm_add_epi32(lens, _mm_shuffle_epi32(lens, _MM_SHUFFLE(2, 3, 0, 1)));
	return (uint32_t)_mm_cvtsi128_si32(lens);
}
#endif

/*
 * Route and forward n frames that ip4_plain passed (dst[i]: its
 * result for pkts[i]), in order, Ethernet header kept and rewritten; what
 * is not forwarded (local, no route, too big, unresolved) goes as in
 * ip4_input.  Consumes pkts.
 */
void ip4_forward_plain(struct wctx *w, uint16_t in_port, struct rte_mbuf **pkts,
		       uint32_t *dst, uint16_t n);

struct nat_look;
/*
 * ip4_forward_plain with NAT on: the frames first through NAT prerouting
 * (as a burst, lk its first look, made as ip4_plain passed them), then
 * routed; what prerouting does not translate whole goes through
 * postrouting as in ip4_input.  Consumes pkts.
 */
void ip4_forward_nat(struct wctx *w, uint16_t in_port, struct rte_mbuf **pkts,
		     uint32_t *dst, uint16_t n, struct nat_look *lk);

/*
 * m (data at the IPv4 header) was routed to a next hop of a type that does
 * not forward (NH_NONE, NH_LOCAL, NH_BLACKHOLE, NH_UNREACHABLE, NH_BROADCAST): delivered,
 * answered or dropped as ip4_input does.  Consumes m.
 */
void ip4_not_forwarded(struct wctx *w, struct rte_mbuf *m, uint16_t in_port, uint8_t type);

/*
 * Route and send a packet the router made (ICMP) or forwarded: m's data
 * starts at the IPv4 header, with room in front for Ethernet.
 */
void ip4_output(struct wctx *w, struct rte_mbuf *m);

/*
 * ip4_output for an ICMP error when NAT is on: through nat_prerouting (as
 * if it came in on in_port) and nat_postrouting, so that an error about a
 * translated packet reaches the host behind the NAT (RFC 5508).
 */
void ip4_output_nat(struct wctx *w, struct rte_mbuf *m, uint16_t in_port);

/* After route and neighbour are known: Ethernet header, MTU, tx. */
void ip4_xmit(struct wctx *w, struct rte_mbuf *m, uint16_t port,
	      const struct rte_ether_addr *dst_mac);

#endif
