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

/* TTL - 1 with the checksum patched (RFC 1624 eqn 3). */
static inline void
ip4_dec_ttl(struct rte_ipv4_hdr *ip)
{
	uint32_t sum;

	ip->time_to_live--;
	/* HC' = ~(~HC + ~m + m'): the TTL is the high byte of its 16-bit word,
	 * m' = m - 0x0100, so ~m + m' = ~0x0100 = 0xfeff.  Unlike HC + 0x0100
	 * (eqn 2) this never leaves 0xffff where a full recompute gives 0.
	 * Eqn 3 works out, for every HC, to (HC + 0x0100) modulo 0xffff
	 * (test_ip4 checks all 65 536): one add and a conditional subtract,
	 * no complements and no fold. */
	sum = (uint32_t)ip->hdr_checksum + rte_cpu_to_be_16(0x0100);
	if (sum >= 0xffff)
		sum -= 0xffff;
	ip->hdr_checksum = (uint16_t)sum;
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
 * The plain case of an IPv4 frame to our MAC, for the worker's one pass
 * over a burst (its first segment holds at least Ethernet and 20 bytes,
 * and the caller saw version 4 without options): one segment, a total
 * length the frame holds (Ethernet padding trimmed), a TTL above 1, a
 * right checksum (or the device's word for it), neither address a martian
 * by its first octet, a source that is none of ours (ours: at->ours).
 * True with *dst the destination in host order; false for anything else,
 * which ip4_input judges as before.
 */
static inline bool
ip4_plain(struct rte_mbuf *m, const struct addr_table *at, uint64_t ours, uint32_t *dst)
{
	const struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, RTE_ETHER_HDR_LEN);
	const uint64_t ck = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;
	const uint32_t len = rte_pktmbuf_pkt_len(m) - RTE_ETHER_HDR_LEN;
	/* Ethernet's padding: len - total length. */
	const uint32_t pad = len - rte_be_to_cpu_16(ip->total_length);

	/* 20 <= total length <= len in one unsigned compare (len >= 20
	 * here): a length above len wraps pad above it. */
	if (unlikely(pad > len - (uint32_t)sizeof(*ip) || ip->time_to_live <= 1 ||
		     m->nb_segs != 1))
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
	if (unlikely(pad != 0) && rte_pktmbuf_trim(m, pad) != 0)
		return false;
	*dst = rte_be_to_cpu_32(ip->dst_addr);
	return true;
}

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
