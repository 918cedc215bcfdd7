/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP: echo replies for the router's addresses (RFC 792) and the errors
 * the router sends, with RFC 1812 4.3.2.7's list of packets that must
 * never cause one and 4.3.2.8's rate limit.
 */
#include <string.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>

#include <rte_cycles.h>
#include <rte_icmp.h>

#include "icmp.h"
#include "ip4.h"
#include "nat.h"
#include "port.h"
#include "route.h"

#define ICMP_ERR_TTL	64
#define ICMP_ERR_TOS	0xc0	/* internetwork control, as Linux sends them */
/* RFC 792: the original IP header and the first 64 bits of its data, as
 * sluice's ICMP contract says (not RFC 1812 4.3.2.3's SHOULD of as much
 * as fits in 576 bytes, which Linux follows). */
#define ICMP_QUOTE_DATA	8

/* Query messages; every other type (including unknown ones) is taken for
 * an error and never answered with an error. */
static inline bool
icmp_type_is_error(uint8_t type)
{
	switch (type) {
	case ICMP_ECHOREPLY:
	case ICMP_ECHO:
	case 9:		/* router advertisement */
	case 10:	/* router solicitation */
	case ICMP_TIMESTAMP:
	case ICMP_TIMESTAMPREPLY:
	case ICMP_INFO_REQUEST:
	case ICMP_INFO_REPLY:
	case ICMP_ADDRESS:
	case ICMP_ADDRESSREPLY:
		return false;
	default:
		return true;
	}
}

/* One token per error; ICMP_RATE_PER_S come back each second, up to
 * ICMP_RATE_BURST.  Per worker, so nothing is shared. */
bool
icmp_take_token(struct wctx *w)
{
	uint64_t now = rte_get_tsc_cycles();

	if (now > w->icmp_last) {
		uint64_t elapsed = now - w->icmp_last;
		uint64_t add;

		/* A second refills the bucket: no product that can overflow. */
		add = elapsed >= dp.hz ? ICMP_RATE_BURST : elapsed * ICMP_RATE_PER_S / dp.hz;
		if (add != 0) {
			w->icmp_tokens += add;
			if (w->icmp_tokens >= ICMP_RATE_BURST) {
				w->icmp_tokens = ICMP_RATE_BURST;
				w->icmp_last = now;
			} else {
				w->icmp_last += add * dp.hz / ICMP_RATE_PER_S;
			}
		}
	}
	if (w->icmp_tokens == 0) {
		dp_counters()->drop[DROP_ICMP_RATELIMIT]++;
		return false;
	}
	w->icmp_tokens--;
	return true;
}

/* RFC 1812 4.3.2.7: the packets no error may be sent about. */
static bool
icmp_error_allowed(const struct rte_mbuf *m, const struct addr_table *at)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	uint32_t src = rte_be_to_cpu_32(ip->src_addr);
	uint32_t dst = rte_be_to_cpu_32(ip->dst_addr);
	uint32_t hlen = rte_ipv4_hdr_len(ip);
	uint64_t nh;

	if (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_OFFSET_MASK))
		return false;	/* not the first fragment */
	if (ip->next_proto_id == IPPROTO_ICMP) {
		uint8_t buf;
		const uint8_t *type = rte_pktmbuf_read(m, hlen, 1, &buf);

		if (type == NULL || icmp_type_is_error(*type))
			return false;
	}
	if (src == 0 || ip4_martian_src(src))
		return false;
	/* From one of our addresses: the router's own packet, or one that the
	 * NAT translated (masquerade), whose error NAT takes back to the
	 * host behind it. */
	if (addr_is_local(at, src) && !nat_enabled)
		return false;
	if (dst == 0xffffffff || ip4_multicast(dst))
		return false;
	/* A received frame's Ethernet header is still in front of the IPv4
	 * header (ip4_input strips it by moving the data offset only). */
	if (rte_pktmbuf_headroom(m) >= sizeof(struct rte_ether_hdr)) {
		const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)
			((const char *)ip - sizeof(struct rte_ether_hdr));

		if (rte_is_broadcast_ether_addr(&eth->dst_addr))
			return false;
	}
	route_lookup_bulk(&dst, &nh, 1);
	if (nexthops[nh].type == NH_BROADCAST)
		return false;
	return true;
}

bool
icmp_error_ok(struct wctx *w, const struct rte_mbuf *m)
{
	return icmp_error_allowed(m, addrs_get()) && icmp_take_token(w);
}

void
icmp_error(struct wctx *w, struct rte_mbuf *m, uint16_t in_port,
	   uint8_t type, uint8_t code, uint16_t mtu)
{
	const struct addr_table *at = addrs_get();
	const struct rte_ipv4_hdr *oip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	uint32_t odst = rte_be_to_cpu_32(oip->dst_addr);
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *icmp;
	struct rte_mbuf *e;
	const void *q;
	uint8_t *quote;
	uint32_t qlen, src;
	bool untranslated;

	if (in_port >= DP_MAX_PORTS)
		return;
	/* For a packet to us (port/protocol unreachable) the answer comes from
	 * the address it was sent to, as Linux does; otherwise from the port
	 * the packet came in on. */
	src = addr_is_local(at, odst) ? odst : addr_of_port(at, in_port);
	if (src == 0 || !icmp_error_ok(w, m))
		return;
	e = rte_pktmbuf_alloc(dp.pool);
	if (unlikely(e == NULL)) {
		dp_counters()->drop[DROP_NO_MBUF]++;
		return;
	}
	qlen = RTE_MIN((uint32_t)rte_ipv4_hdr_len(oip) + ICMP_QUOTE_DATA,
		       (uint32_t)rte_be_to_cpu_16(oip->total_length));
	qlen = RTE_MIN(qlen, rte_pktmbuf_pkt_len(m));
	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_append(e, sizeof(*ip) + sizeof(*icmp) + qlen);
	icmp = (struct rte_icmp_hdr *)(ip + 1);
	quote = (uint8_t *)(icmp + 1);
	q = rte_pktmbuf_read(m, 0, qlen, quote);
	if (q != quote)
		memcpy(quote, q, qlen);
	/* About a packet the NAT translated: quote (and answer) what its
	 * sender sent, from the session the packet carries; the error then
	 * needs no NAT on its way out.  Otherwise (no session, or it expired
	 * while the packet waited for ARP) the NAT's translation of errors
	 * crossing it still gets its chance. */
	untranslated = nat_enabled && nat_quote_original(m, quote, qlen);

	icmp->icmp_type = type;
	icmp->icmp_code = code;
	icmp->icmp_cksum = 0;
	icmp->icmp_ident = 0;
	/* RFC 1191: the next-hop MTU in the low half of the unused word. */
	icmp->icmp_seq_nb = type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED ?
		rte_cpu_to_be_16(mtu) : 0;
	icmp->icmp_cksum = (uint16_t)~rte_raw_cksum(icmp, sizeof(*icmp) + qlen);

	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = ICMP_ERR_TOS;
	ip->total_length = rte_cpu_to_be_16(sizeof(*ip) + sizeof(*icmp) + qlen);
	ip->packet_id = 0;
	ip->fragment_offset = 0;
	ip->time_to_live = ICMP_ERR_TTL;
	ip->next_proto_id = IPPROTO_ICMP;
	ip->src_addr = rte_cpu_to_be_32(src);
	ip->dst_addr = ((const struct rte_ipv4_hdr *)quote)->src_addr;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);

	/* No error is ever sent about this one. */
	pkt_meta(e)->in_port = DP_NO_PORT;
	if (nat_enabled && !untranslated)
		ip4_output_nat(w, e, in_port);
	else
		ip4_output(w, e);
}

void
icmp_input(struct wctx *w, struct rte_mbuf *m, uint16_t in_port)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint32_t hlen = rte_ipv4_hdr_len(ip);
	uint32_t len = rte_pktmbuf_pkt_len(m);
	struct rte_icmp_hdr *icmp;
	uint32_t sum, addr;
	uint16_t raw;

	(void)in_port;
	if (unlikely(len < hlen + sizeof(*icmp) ||
		     rte_pktmbuf_data_len(m) < hlen + sizeof(*icmp) ||
		     rte_raw_cksum_mbuf(m, hlen, len - hlen, &raw) != 0 || raw != 0xffff)) {
		dp_drop(m, DROP_BAD_HEADER);
		return;
	}
	icmp = (struct rte_icmp_hdr *)((char *)ip + hlen);
	if (icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST ||
	    !addr_is_local(addrs_get(), rte_be_to_cpu_32(ip->dst_addr))) {
		/* Replies, errors and other queries end here: nothing to
		 * answer and never an error about ICMP. */
		dp_drop(m, DROP_LOCAL_UNREACH);
		return;
	}

	/* RFC 1624 eqn 3: the type (high byte of the first word) falls from
	 * 8 to 0, so ~m + m' = ~0x0800 = 0xf7ff. */
	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	sum = (uint32_t)(uint16_t)~icmp->icmp_cksum + rte_cpu_to_be_16(0xf7ff);
	sum = (sum & 0xffff) + (sum >> 16);
	icmp->icmp_cksum = (uint16_t)~sum;

	addr = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = addr;
	ip->time_to_live = ICMP_ERR_TTL;
	ip->fragment_offset = 0;	/* ours to fragment if the path needs it */
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	/* Ours now: if it cannot be delivered, no error about it. */
	pkt_meta(m)->in_port = DP_NO_PORT;
	TRACE(trace_on(), m, trace_end(m, SLUICE_TRACE_LOCAL, 0, DP_NO_PORT));
	ip4_output(w, m);
}
