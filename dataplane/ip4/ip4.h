/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4: validation (RFC 1812 5.2.2), martians, local delivery, forwarding
 * (TTL, RFC 1624 incremental checksum, MTU), output toward a next hop.
 */
#ifndef SLUICE_IP4_H
#define SLUICE_IP4_H

#include <stdbool.h>
#include <stdint.h>
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
