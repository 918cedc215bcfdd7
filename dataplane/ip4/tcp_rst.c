/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP segments for the router's own addresses.  Nothing listens, so every
 * segment meets a CLOSED port and is answered as a host does (RFC 9293
 * 3.10.7.1, RFC 793 before it): a reset, never one for a reset.  Resets
 * are errors the router makes, so they obey the ICMP errors' exclusions
 * (no answer to broadcasts, martians, later fragments) and rate limit.
 */
#include <netinet/in.h>

#include <rte_ip.h>
#include <rte_tcp.h>

#include "icmp.h"
#include "ip4.h"
#include "nat.h"

#define TCP_RST_TTL	64
/* RFC 3168: the reply keeps the segment's DSCP, never its ECN bits. */
#define IP4_ECN_MASK	0x03

void
tcp_reset_header(struct rte_tcp_hdr *th, const struct rte_tcp_hdr *oth, uint32_t seglen)
{
	th->src_port = oth->dst_port;
	th->dst_port = oth->src_port;
	if (oth->tcp_flags & RTE_TCP_ACK_FLAG) {
		/* <SEQ=SEG.ACK><CTL=RST> */
		th->sent_seq = oth->recv_ack;
		th->recv_ack = 0;
		th->tcp_flags = RTE_TCP_RST_FLAG;
	} else {
		/* <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>; SYN and FIN
		 * count in SEG.LEN. */
		if (oth->tcp_flags & RTE_TCP_SYN_FLAG)
			seglen++;
		if (oth->tcp_flags & RTE_TCP_FIN_FLAG)
			seglen++;
		th->sent_seq = 0;
		th->recv_ack = rte_cpu_to_be_32(rte_be_to_cpu_32(oth->sent_seq) + seglen);
		th->tcp_flags = RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG;
	}
	th->data_off = (sizeof(*th) / 4) << 4;
	th->rx_win = 0;
	th->cksum = 0;
	th->tcp_urp = 0;
}

/* Build the reset for the segment ip/th (seglen: its payload's length)
 * and send it: 0, or -1 without a buffer. */
static int
tcp_send_reset(struct wctx *w, const struct rte_ipv4_hdr *oip, const struct rte_tcp_hdr *oth,
	       uint32_t seglen, uint16_t in_port)
{
	struct rte_mbuf *e = rte_pktmbuf_alloc(dp.pool);
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;

	if (unlikely(e == NULL))
		return -1;
	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_append(e, sizeof(*ip) + sizeof(*th));
	th = (struct rte_tcp_hdr *)(ip + 1);

	tcp_reset_header(th, oth, seglen);

	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = oip->type_of_service & ~IP4_ECN_MASK;
	ip->total_length = rte_cpu_to_be_16(sizeof(*ip) + sizeof(*th));
	ip->packet_id = 0;
	ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = TCP_RST_TTL;
	ip->next_proto_id = IPPROTO_TCP;
	ip->src_addr = oip->dst_addr;
	ip->dst_addr = oip->src_addr;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	th->cksum = rte_ipv4_udptcp_cksum(ip, th);

	/* No error is ever sent about this one.  A segment that a dnat
	 * brought to a router address is answered through the NAT, which
	 * puts the public address and port back. */
	pkt_meta(e)->in_port = DP_NO_PORT;
	if (nat_enabled)
		ip4_output_nat(w, e, in_port);
	else
		ip4_output(w, e);
	return 0;
}

const struct rte_tcp_hdr *
tcp_segment(const struct rte_mbuf *m, uint32_t hlen, uint32_t phdr_sum, struct rte_tcp_hdr *buf,
	    uint32_t *seglen)
{
	uint32_t len = rte_pktmbuf_pkt_len(m) - hlen;	/* validation trimmed m */
	const struct rte_tcp_hdr *th;
	uint32_t thlen, sum;
	uint16_t raw;

	th = rte_pktmbuf_read(m, hlen, sizeof(*th), buf);
	if (unlikely(th == NULL))
		return NULL;
	thlen = (uint32_t)(th->data_off >> 4) * 4;
	if (unlikely(thlen < sizeof(*th) || thlen > len ||
		     rte_raw_cksum_mbuf(m, hlen, len, &raw) != 0))
		return NULL;
	sum = (uint32_t)raw + phdr_sum;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	if (unlikely(sum != 0xffff))
		return NULL;
	*seglen = len - thlen;
	return th;
}

void
tcp_input(struct wctx *w, struct rte_mbuf *m, uint16_t in_port)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	struct rte_tcp_hdr buf;
	const struct rte_tcp_hdr *th;
	uint32_t seglen;

	th = tcp_segment(m, rte_ipv4_hdr_len(ip), rte_ipv4_phdr_cksum(ip, 0), &buf, &seglen);
	if (unlikely(th == NULL)) {
		dp_drop(m, DROP_BAD_HEADER);
		return;
	}
	if (!(th->tcp_flags & RTE_TCP_RST_FLAG) && icmp_error_ok(w, m) &&
	    unlikely(tcp_send_reset(w, ip, th, seglen, in_port) != 0))
		dp_counters()->drop[DROP_NO_MBUF]++;
	dp_drop(m, DROP_LOCAL_UNREACH);
}
