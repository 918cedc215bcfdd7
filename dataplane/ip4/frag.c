/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 fragmentation (RFC 791) with rte_ip_frag.  Its fragments are a
 * direct mbuf holding the header chained to indirect mbufs pointing into
 * the original; each is copied into one segment here because some PMDs
 * (af_packet among them) are safest with single-segment frames, and the
 * headers get their checksum, which the library leaves at zero.
 */
#include <rte_ip.h>
#include <rte_ip_frag.h>

#include "dp.h"
#include "frag.h"

int
frag_ip4(struct rte_mbuf *m, uint16_t mtu, struct rte_mbuf **out, uint16_t max)
{
	int32_t n;

	n = rte_ipv4_fragment_packet(m, out, max, mtu, dp.pool, dp.indirect);
	if (unlikely(n < 0))
		return n;
	for (int32_t i = 0; i < n; i++) {
		struct rte_mbuf *f = out[i];
		struct rte_ipv4_hdr *ip;

		/* A fragment larger than one buffer (jumbo MTU) stays chained:
		 * the device still gets a valid frame. */
		(void)rte_pktmbuf_linearize(f);
		*pkt_meta(f) = *pkt_meta(m);
		rte_mbuf_dynfield_copy(f, m);	/* the NAT's stash */
		ip = rte_pktmbuf_mtod(f, struct rte_ipv4_hdr *);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	/* The fragments hold their own references to m's buffer. */
	rte_pktmbuf_free(m);
	return n;
}
