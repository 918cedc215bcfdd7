/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Worker side of the host path: which packets the host gets, and the hand
 * over (token bucket, then host_ring).  Called only from branches that have
 * already left the forwarding loop, or for ports with a host interface.
 */
#include <netinet/in.h>
#include <netinet/icmp6.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "trace.h"
#include "host.h"
#include "host_int.h"
#include "ip6.h"
#include "port.h"

struct host_lcore host_lc[RTE_MAX_LCORE];
uint64_t host_punt_rate = HOST_PUNT_RATE, host_punt_burst = HOST_PUNT_BURST;

void
host_set_punt_rate(uint64_t rate)
{
	host_punt_rate = rate;
	host_punt_burst = RTE_MAX(RTE_MIN(rate / 10, (uint64_t)HOST_PUNT_BURST), (uint64_t)32);
	for (unsigned int l = 0; l < RTE_MAX_LCORE; l++)
		host_lc[l].tokens = host_punt_burst;
}

#define IP4_FRAG	RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)
/* BOOTP (RFC 951): op, htype, hlen, hops, xid, secs, flags, ciaddr, yiaddr,
 * siaddr, giaddr, then chaddr. */
#define BOOTP_CHADDR_OFF	28
#define DHCP_SERVER_PORT	67
#define DHCP_CLIENT_PORT	68

/* One token per frame, refilled at host_punt_rate per second. */
bool
host_take_token(struct host_lcore *l)
{
	uint64_t now = rte_get_tsc_cycles();

	if (now > l->last) {
		uint64_t add = (now - l->last) * host_punt_rate / dp.hz;

		if (add != 0) {
			l->tokens += add;
			if (l->tokens >= host_punt_burst) {
				l->tokens = host_punt_burst;
				l->last = now;
			} else {
				l->last += add * dp.hz / host_punt_rate;
			}
		}
	}
	if (l->tokens == 0) {
		l->punt_ratelimit++;
		return false;
	}
	l->tokens--;
	return true;
}

void
host_punt(struct rte_mbuf *m, uint16_t in_port)
{
	struct host_lcore *l = &host_lc[rte_lcore_id()];
	struct rte_mbuf *c;

	TRACE(trace_on(), m, trace_end(m, SLUICE_TRACE_PUNT, 0, DP_NO_PORT));
	/* The Ethernet header is still in front: ip4/ip6 only moved past it. */
	if (unlikely(rte_pktmbuf_prepend(m, sizeof(struct rte_ether_hdr)) == NULL)) {
		l->punt_queue_full++;
		rte_pktmbuf_free(m);
		return;
	}
	if (!host_take_token(l)) {
		rte_pktmbuf_free(m);
		return;
	}
	/* A copy in the host path's pool (host_int.h says why). */
	c = rte_pktmbuf_copy(m, host_pool, 0, UINT32_MAX);
	rte_pktmbuf_free(m);
	if (unlikely(c == NULL)) {
		l->punt_queue_full++;
		return;
	}
	pkt_meta(c)->in_port = in_port;
	if (unlikely(rte_ring_mp_enqueue(host_ring, c) != 0)) {
		l->punt_queue_full++;
		rte_pktmbuf_free(c);
		return;
	}
	dp_wake_control();
	/* Counted when the TAP takes it (host.c), so that punted is what
	 * the host received. */
}

/* A DHCP reply for this port's own client: the client hardware address
 * is the port's MAC (the reply may be unicast to an address the port does
 * not have yet). */
static bool
dhcp_for_port(const struct rte_mbuf *m, uint16_t in_port, const struct rte_ipv4_hdr *ip)
{
	uint32_t hlen = rte_ipv4_hdr_len(ip), off = hlen + sizeof(struct rte_udp_hdr) +
		BOOTP_CHADDR_OFF;
	const struct rte_udp_hdr *udp;
	struct rte_udp_hdr ub;
	struct rte_ether_addr mb;
	const struct rte_ether_addr *mac;

	if (ip->next_proto_id != IPPROTO_UDP || (ip->fragment_offset & IP4_FRAG))
		return false;
	udp = rte_pktmbuf_read(m, hlen, sizeof(ub), &ub);
	if (udp == NULL || udp->dst_port != RTE_BE16(DHCP_CLIENT_PORT) ||
	    udp->src_port != RTE_BE16(DHCP_SERVER_PORT))
		return false;
	mac = rte_pktmbuf_read(m, off, sizeof(mb), &mb);
	return mac != NULL && rte_is_same_ether_addr(mac, &ports[in_port].mac);
}

bool
host_punt_early(struct rte_mbuf *m, uint16_t in_port, uint32_t src, uint32_t dst)
{
	if (!host_on(in_port))
		return false;
	/* From 0.0.0.0: only a client asking for an address (DHCP
	 * discover/request), which is a limited broadcast. */
	if (src == 0 && dst != UINT32_MAX)
		return false;
	if (dst == UINT32_MAX || (dst & 0xffffff00) == RTE_IPV4(224, 0, 0, 0)) {
		host_punt(m, in_port);
		return true;
	}
	return false;
}

bool
host_punt_dhcp(struct rte_mbuf *m, uint16_t in_port)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);

	if (likely(ip->next_proto_id != IPPROTO_UDP) || !dhcp_for_port(m, in_port, ip))
		return false;
	host_punt(m, in_port);
	return true;
}

bool
host_punt_local(struct rte_mbuf *m, uint16_t in_port)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);

	if (!host_on(in_port))
		return false;
	/* Echo requests stay in the fast path, which answers them. */
	if (ip->next_proto_id == IPPROTO_ICMP && !(ip->fragment_offset & IP4_FRAG)) {
		const struct rte_icmp_hdr *icmp;
		struct rte_icmp_hdr ib;

		icmp = rte_pktmbuf_read(m, rte_ipv4_hdr_len(ip), sizeof(ib), &ib);
		if (icmp != NULL && icmp->icmp_type == RTE_IP_ICMP_ECHO_REQUEST)
			return false;
	}
	host_punt(m, in_port);
	return true;
}

/* ICMPv6 types the fast path or the control lcore keep: echo requests
 * (answered by icmp6_input) and neighbour discovery (RFC 4861 133-137,
 * the control lcore's; host_nd_copy gives the host its copy). */
static bool
icmp6_kept(const struct rte_mbuf *m)
{
	const uint8_t *t;
	uint8_t tb;

	t = rte_pktmbuf_read(m, IP6_HDR_LEN, 1, &tb);
	return t != NULL && (*t == ICMP6_ECHO_REQUEST ||
			     (*t >= ND_ROUTER_SOLICIT && *t <= ND_REDIRECT));
}

bool
host_punt6_local(struct rte_mbuf *m, uint16_t in_port)
{
	const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);

	if (!host_on(in_port))
		return false;
	if (ip->proto == IPPROTO_ICMPV6 && icmp6_kept(m))
		return false;
	/* TCP, UDP (DHCPv6 replies to the host's client too), other next
	 * headers, fragments (the kernel reassembles), echo replies and
	 * errors for the host's own traffic. */
	host_punt(m, in_port);
	return true;
}

bool
host_punt6_mcast(struct rte_mbuf *m, uint16_t in_port)
{
	static const uint8_t solicited[13] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };
	const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	const uint8_t *dst = ip->dst_addr;

	/* Link scope (RFC 4291 2.7: the scope is the low nibble of byte 1,
	 * ff12:: transient groups included). */
	if (!host_on(in_port) || dst[0] != 0xff || (dst[1] & 0x0f) != 2 ||
	    memcmp(dst, solicited, sizeof(solicited)) == 0)
		return false;
	host_punt(m, in_port);
	return true;
}
