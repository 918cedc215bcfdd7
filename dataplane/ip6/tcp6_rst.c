/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP segments for the router's own IPv6 addresses, answered as IPv4's
 * are (ip4/tcp_rst.c): nothing listens, so every segment meets a CLOSED
 * port and gets a reset, never one for a reset, under the ICMPv6 errors'
 * exclusions and rate limit (RFC 4443 2.4), as the kernel answers.
 */
#include <string.h>
#include <netinet/in.h>

#include <rte_ip.h>
#include <rte_tcp.h>

#include "icmp.h"
#include "icmp6.h"
#include "ip6.h"

#define TCP6_RST_HOP_LIMIT	64
/* The traffic class's DSCP bits in vtc_flow: kept, never its ECN bits
 * (RFC 3168), nor the flow label. */
#define IP6_DSCP_MASK		0x0fc00000u

/* Build the reset for segment oth (seglen: its payload's length) in oip
 * and send it: 0, or -1 without a buffer. */
static int
tcp6_send_reset(struct wctx *w, const struct rte_ipv6_hdr *oip, const struct rte_tcp_hdr *oth,
		uint32_t seglen, uint16_t in_port)
{
	struct rte_mbuf *e = rte_pktmbuf_alloc(dp.pool);
	struct rte_ipv6_hdr *ip;
	struct rte_tcp_hdr *th;

	if (unlikely(e == NULL))
		return -1;
	ip = (struct rte_ipv6_hdr *)rte_pktmbuf_append(e, sizeof(*ip) + sizeof(*th));
	th = (struct rte_tcp_hdr *)(ip + 1);
	tcp_reset_header(th, oth, seglen);
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28 |
					(rte_be_to_cpu_32(oip->vtc_flow) & IP6_DSCP_MASK));
	ip->payload_len = rte_cpu_to_be_16(sizeof(*th));
	ip->proto = IPPROTO_TCP;
	ip->hop_limits = TCP6_RST_HOP_LIMIT;
	memcpy(ip->src_addr, oip->dst_addr, 16);
	memcpy(ip->dst_addr, oip->src_addr, 16);
	th->cksum = rte_ipv6_udptcp_cksum(ip, th);
	/* No error is ever sent about this one. */
	pkt_meta(e)->in_port = DP_NO_PORT;
	ip6_output(w, e, ip6_link_local(ip->dst_addr) ? in_port : DP_NO_PORT);
	return 0;
}

void
tcp6_input(struct wctx *w, struct rte_mbuf *m, uint16_t in_port)
{
	const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	struct rte_tcp_hdr buf;
	const struct rte_tcp_hdr *th;
	uint32_t seglen;

	th = tcp_segment(m, IP6_HDR_LEN, rte_ipv6_phdr_cksum(ip, 0), &buf, &seglen);
	if (unlikely(th == NULL)) {
		dp_drop(m, DROP6_BAD_HEADER);
		return;
	}
	if (!(th->tcp_flags & RTE_TCP_RST_FLAG) && icmp6_error_ok(w, m) &&
	    unlikely(tcp6_send_reset(w, ip, th, seglen, in_port) != 0))
		dp_counters()->drop[DROP_NO_MBUF]++;
	dp_drop(m, DROP6_LOCAL_UNREACH);
}
