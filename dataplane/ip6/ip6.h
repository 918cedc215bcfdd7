/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 (RFC 8200) for a router: validation, the addresses never forwarded,
 * local delivery, forwarding (hop limit, MTU: never fragmented), output
 * toward a next hop.  Addresses are 16 bytes in network order everywhere.
 */
#ifndef SLUICE_IP6_H
#define SLUICE_IP6_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <rte_ip.h>

#include "addr6.h"
#include "ip6_addr.h"
#include "worker.h"

#define IP6_MIN_MTU	1280	/* RFC 8200 5 */

/* Take the len bytes of extension headers right after m's IPv6 header
 * out (they are in its first segment), nxt becoming the header's next
 * header: for the router, after it has read them. */
static inline void
ip6_ext_remove(struct rte_mbuf *m, uint32_t len, uint8_t nxt)
{
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	const uint16_t plen = rte_be_to_cpu_16(ip->payload_len);

	memmove((uint8_t *)ip + len, ip, sizeof(*ip));
	ip = (struct rte_ipv6_hdr *)rte_pktmbuf_adj(m, (uint16_t)len);
	ip->proto = nxt;
	ip->payload_len = rte_cpu_to_be_16((uint16_t)(plen - len));
}
#define IP6_HDR_LEN	40

/* IPv6 frames of one burst, Ethernet header still in front (worker). */
void ip6_input(struct wctx *w, uint16_t in_port, struct rte_mbuf **pkts, uint16_t n);

/*
 * The common packet (Ethernet header in front), decided in one test: IPv6
 * with its header in the first segment and a payload length the frame
 * holds, no hop-by-hop options, a hop limit above 1, a unicast frame,
 * neither address odd by its first byte, a source that is none of at's
 * (ours: at->ours, read once a burst; a source whose bit is set gets the
 * exact compare, so that a flow from it does not take the exact checks
 * whole).  Ethernet padding is trimmed, so that a short packet of a flow
 * does not take the other way either.  Both as ip4_plain.  False:
 * ip6_validate decides m exactly, and the forwarding loop checks it again
 * if it is forwarded (the hop limit, a link-local source).
 */
bool ip6_plain_trim(struct rte_mbuf *m, uint32_t len);

static inline bool
ip6_plain(struct rte_mbuf *m, const struct addr6_table *at, uint64_t ours)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)(f + RTE_ETHER_HDR_LEN);
	uint32_t len;

	if (unlikely(rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN + IP6_HDR_LEN ||
		     (ip->vtc_flow & RTE_BE32(0xf0000000)) != RTE_BE32(0x60000000) ||
		     ip->proto == IPPROTO_HOPOPTS || ip->hop_limits <= 1 ||
		     ((f[0] |	/* bit 0: L2 multicast */
		       addr6_byte_odd[ip->src_addr[0]] | addr6_byte_odd[ip->dst_addr[0]]) & 1) != 0))
		return false;
	if (unlikely((ours & addr6_bit(ip->src_addr)) != 0) && addr6_is_local(at, ip->src_addr))
		return false;
	len = RTE_ETHER_HDR_LEN + IP6_HDR_LEN + rte_be_to_cpu_16(ip->payload_len);
	return likely(len == rte_pktmbuf_pkt_len(m)) || ip6_plain_trim(m, len);
}

/*
 * Route and forward n frames that ip6_plain passed (dst[i]: the
 * destination of pkts[i]), in order, Ethernet header kept and rewritten;
 * what is not forwarded (local, no route, too big, unresolved) goes as in
 * ip6_input.  Consumes pkts.
 */
void ip6_forward_plain(struct wctx *w, uint16_t in_port, struct rte_mbuf **pkts,
		       const uint8_t (*dst)[16], uint16_t n);

/*
 * Route and send a packet the router made (ICMPv6): data at the IPv6
 * header, room in front for Ethernet.  A link-local or multicast
 * destination needs out_port (DP_NO_PORT otherwise).  Consumes m.
 */
void ip6_output(struct wctx *w, struct rte_mbuf *m, uint16_t out_port);


#endif
