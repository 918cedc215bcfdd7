/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMPv6 (RFC 4443): echo replies for the router's addresses, global and
 * link-local, and the errors the router sends, with 2.4(e)'s list of
 * packets that must never cause one and 2.4(f)'s rate limit (the token
 * bucket IPv4's errors use).
 */
#include <string.h>
#include <netinet/in.h>

#include <rte_ether.h>
#include <rte_icmp.h>

#include "addr6.h"
#include "icmp.h"
#include "icmp6.h"
#include "ip6.h"
#include "port.h"

/* The largest error: it must fit the minimum MTU (RFC 4443 2.4(c)). */
#define ICMP6_ERR_MAX	IP6_MIN_MTU

struct ip6_pseudo {
	uint8_t src[16], dst[16];
	rte_be32_t len;
	uint8_t zero[3];
	uint8_t nxt;
};

static inline uint32_t
pseudo_sum(const struct rte_ipv6_hdr *ip, uint32_t plen, uint8_t nxt)
{
	struct ip6_pseudo ph = { .len = rte_cpu_to_be_32(plen), .nxt = nxt };

	memcpy(ph.src, ip->src_addr, 16);
	memcpy(ph.dst, ip->dst_addr, 16);
	return __rte_raw_cksum(&ph, sizeof(ph), 0);
}

uint16_t
icmp6_cksum(const struct rte_ipv6_hdr *ip, const void *l4, uint32_t plen)
{
	uint32_t sum = pseudo_sum(ip, plen, IPPROTO_ICMPV6);

	sum = __rte_raw_cksum(l4, plen, sum);
	return (uint16_t)~__rte_raw_cksum_reduce(sum);
}

/* Does the ICMPv6 message at off (to the end of m) sum right? */
static bool
icmp6_cksum_ok(const struct rte_mbuf *m, uint32_t off)
{
	const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	uint32_t plen = rte_pktmbuf_pkt_len(m) - off;
	uint16_t raw;
	uint32_t sum;

	if (rte_raw_cksum_mbuf(m, off, plen, &raw) != 0)
		return false;
	sum = pseudo_sum(ip, plen, IPPROTO_ICMPV6) + raw;
	return __rte_raw_cksum_reduce(sum) == 0xffff;
}

void
icmp6_input(struct wctx *w, struct rte_mbuf *m, uint16_t in_port)
{
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	struct rte_icmp_hdr *ic;	/* packed: ICMPv6's first 8 bytes alike */
	uint8_t a[16];
	uint32_t sum;

	if (unlikely(rte_pktmbuf_data_len(m) < IP6_HDR_LEN + sizeof(*ic) ||
		     !icmp6_cksum_ok(m, IP6_HDR_LEN))) {
		dp_drop(m, DROP6_BAD_HEADER);
		return;
	}
	ic = (struct rte_icmp_hdr *)(ip + 1);
	switch (ic->icmp_type) {
	case ND_ROUTER_SOLICIT:
	case ND_ROUTER_ADVERT:
	case ND_NEIGHBOR_SOLICIT:
	case ND_NEIGHBOR_ADVERT:
	case ND_REDIRECT:
		/* Tables change: the control lcore's. */
		pkt_meta(m)->kind = PKT_ND;
		pkt_meta(m)->in_port = in_port;
		dp_punt(m);
		return;
	case ICMP6_ECHO_REQUEST:
		break;
	default:
		/* Replies, errors, other queries: nothing to answer. */
		dp_drop(m, DROP6_LOCAL_UNREACH);
		return;
	}
	if (ip6_multicast(ip->dst_addr)) {
		/* ping to all-nodes: not answered (Linux's default too). */
		dp_drop(m, DROP6_MULTICAST);
		return;
	}
	/* Type 128 -> 129 in the high byte of the first word: ~m + m' folds
	 * to 0x0100 (RFC 1624 eqn 3); the pseudo-header only swaps. */
	ic->icmp_type = ICMP6_ECHO_REPLY;
	sum = (uint32_t)(uint16_t)~ic->icmp_cksum + rte_cpu_to_be_16(0x0100);
	sum = (sum & 0xffff) + (sum >> 16);
	ic->icmp_cksum = (uint16_t)~sum;
	memcpy(a, ip->src_addr, 16);
	memcpy(ip->src_addr, ip->dst_addr, 16);
	memcpy(ip->dst_addr, a, 16);
	/* Asked of a subnet-router anycast address: answered from an
	 * address of the port, as the kernel answers (an anycast address is
	 * not its source). */
	if (unlikely(addr6_anycast_on_port(addrs6_get(), DP_NO_PORT, ip->src_addr)) &&
	    addr6_source(addrs6_get(), in_port, ip->dst_addr, a)) {
		sum = (uint32_t)(uint16_t)~ic->icmp_cksum +
		      (uint16_t)~__rte_raw_cksum_reduce(__rte_raw_cksum(ip->src_addr, 16, 0)) +
		      __rte_raw_cksum_reduce(__rte_raw_cksum(a, 16, 0));
		ic->icmp_cksum = (uint16_t)~__rte_raw_cksum_reduce(sum);
		memcpy(ip->src_addr, a, 16);
	}
	ip->hop_limits = ICMP6_HOP_LIMIT;
	pkt_meta(m)->in_port = DP_NO_PORT;
	TRACE(trace_on(), m, trace_end(m, SLUICE_TRACE_LOCAL, 0, DP_NO_PORT));
	ip6_output(w, m, ip6_link_local(ip->dst_addr) ? in_port : DP_NO_PORT);
}

/* Is the upper-layer message of m an ICMPv6 error (or unreadable)?  The
 * extension headers before it are walked (RFC 4443 2.4(e.1)). */
static bool
about_icmp6_error(const struct rte_mbuf *m)
{
	const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	uint8_t nxt = ip->proto, buf[8];
	uint32_t off = IP6_HDR_LEN;

	for (int i = 0; i < 8; i++) {
		const uint8_t *h;

		switch (nxt) {
		case IPPROTO_ICMPV6:
			h = rte_pktmbuf_read(m, off, 1, buf);
			return h == NULL || h[0] < 128;
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
			h = rte_pktmbuf_read(m, off, 2, buf);
			if (h == NULL)
				return false;
			nxt = h[0];
			off += 8 + 8u * h[1];
			break;
		case IPPROTO_FRAGMENT:
			h = rte_pktmbuf_read(m, off, 8, buf);
			/* Only the first fragment shows the upper layer. */
			if (h == NULL || (h[2] << 8 | (h[3] & 0xf8)) != 0)
				return false;
			nxt = h[0];
			off += 8;
			break;
		default:
			return false;
		}
	}
	return false;
}

/* RFC 4443 2.4(e): may the router send an error about m? */
static bool
icmp6_error_allowed(const struct rte_mbuf *m, uint8_t type)
{
	const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	bool ptb = type == ICMP6_PACKET_TOO_BIG;

	if (ip6_is_zero(ip->src_addr) || ip6_multicast(ip->src_addr) || ip6_martian(ip->src_addr))
		return false;
	if (!ptb && ip6_multicast(ip->dst_addr))
		return false;
	if (!ptb && rte_pktmbuf_headroom(m) >= sizeof(struct rte_ether_hdr)) {
		const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)
			((const char *)ip - sizeof(struct rte_ether_hdr));

		if (rte_is_multicast_ether_addr(&eth->dst_addr))
			return false;	/* broadcast included */
	}
	return !about_icmp6_error(m);
}

bool
icmp6_error_ok(struct wctx *w, const struct rte_mbuf *m)
{
	return icmp6_error_allowed(m, ICMP6_DST_UNREACH) && icmp_take_token(w);
}

void
icmp6_error(struct wctx *w, struct rte_mbuf *m, uint16_t in_port,
	    uint8_t type, uint8_t code, uint32_t param)
{
	const struct addr6_table *at = addrs6_get();
	const struct rte_ipv6_hdr *oip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	struct rte_ipv6_hdr *ip;
	struct rte_icmp_hdr *ic;
	struct rte_mbuf *e;
	uint8_t src[16];
	uint32_t qlen;
	const void *q;

	if (in_port >= DP_MAX_PORTS || rte_pktmbuf_pkt_len(m) < IP6_HDR_LEN)
		return;
	if (!icmp6_error_allowed(m, type))
		return;
	/* About a packet to us: from the address it was sent to; otherwise
	 * from our address on the port it came in on. */
	if (addr6_is_local(at, oip->dst_addr))
		memcpy(src, oip->dst_addr, 16);
	else if (!addr6_source(at, in_port, oip->src_addr, src))
		return;
	if (!icmp_take_token(w))
		return;
	e = rte_pktmbuf_alloc(dp.pool);
	if (unlikely(e == NULL)) {
		dp_counters()->drop[DROP_NO_MBUF]++;
		return;
	}
	qlen = RTE_MIN(rte_pktmbuf_pkt_len(m), ICMP6_ERR_MAX - IP6_HDR_LEN - sizeof(*ic));
	ip = (struct rte_ipv6_hdr *)rte_pktmbuf_append(e, IP6_HDR_LEN + sizeof(*ic) + qlen);
	if (unlikely(ip == NULL)) {
		dp_drop(e, DROP_NO_MBUF);
		return;
	}
	ic = (struct rte_icmp_hdr *)(ip + 1);
	q = rte_pktmbuf_read(m, 0, qlen, ic + 1);
	if (q != (void *)(ic + 1))
		memcpy(ic + 1, q, qlen);
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(sizeof(*ic) + qlen);
	ip->proto = IPPROTO_ICMPV6;
	ip->hop_limits = ICMP6_HOP_LIMIT;
	memcpy(ip->src_addr, src, 16);
	memcpy(ip->dst_addr, ((const struct rte_ipv6_hdr *)(ic + 1))->src_addr, 16);
	ic->icmp_type = type;
	ic->icmp_code = code;
	ic->icmp_cksum = 0;
	/* The MTU or pointer: the second word (RFC 4443 3.2, 3.4). */
	ic->icmp_ident = rte_cpu_to_be_16(param >> 16);
	ic->icmp_seq_nb = rte_cpu_to_be_16(param & 0xffff);
	ic->icmp_cksum = icmp6_cksum(ip, ic, sizeof(*ic) + qlen);
	/* No error is ever sent about this one. */
	pkt_meta(e)->in_port = DP_NO_PORT;
	ip6_output(w, e, ip6_link_local(ip->dst_addr) ? in_port : DP_NO_PORT);
}
