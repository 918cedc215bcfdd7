/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 per burst (RFC 8200, RFC 4291): validate, drop what no router
 * forwards (martians, link-local scope, multicast),
 * one bulk FIB lookup, local delivery or forwarding (hop limit, Packet Too
 * Big: a router never fragments IPv6), the next hop's MAC (a gateway's
 * from its next hop, else one bulk lookup of each distinct neighbour of
 * the burst), Ethernet and tx.  The common packet is decided in one test
 * (ip6_plain, ip6.h), which the worker's Ethernet pass makes when the
 * port is plain (no trace, NAT or host interface) and hands what passes
 * to ip6_forward_plain; every other packet comes through ip6_input, after
 * those, and is checked exactly (ip6_validate).  Anything unusual leaves
 * the forwarding loop through an unlikely() branch to code that checks
 * it exactly.
 * Extension headers other than hop-by-hop are forwarded as they are: a
 * router does not look at them (RFC 8200 4).
 *
 * Hop-by-hop options (RFC 8200 4.3) take the exact path: their options
 * are processed as the kernel does (an unknown one by its type's two high
 * bits; the router alert is known and needs nothing, since no protocol of
 * the router's asks for it), then a unicast packet is forwarded with the
 * header as it came, or delivered.  A multicast one (MLD) goes to a host
 * interface or is dropped and counted (ip6_hop_by_hop): the router is in
 * no group such a packet is for.
 */
#include <string.h>
#include <netinet/in.h>

#include <rte_cycles.h>

#include "addr6.h"
#include "frag6.h"
#include "host.h"
#include "icmp6.h"
#include "ip6.h"
#include "neigh.h"
#include "port.h"
#include "route6.h"

/* ff02::1 and ff02::2: all nodes, all routers (link scope). */
static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };
static const uint8_t all_routers[16] = { 0xff, 0x02, [15] = 0x02 };

/* The neighbour is not known: the control lcore holds m and solicits
 * (and answers in_port with Address Unreachable when nobody answers).  The
 * metadata is written here only: the worker does not write in_port into
 * every packet's (its own cache line). */
static inline void
ip6_punt_resolve(struct rte_mbuf *m, uint16_t port, const uint8_t *nh, uint16_t in_port)
{
	struct pkt_meta *meta = pkt_meta(m);

	meta->kind = PKT_RESOLVE6;
	memcpy(meta->nh_ip6, nh, 16);
	meta->out_port = port;
	meta->in_port = in_port;
	dp_punt(m);
}

/* Toward nh on port: its MAC, or the control lcore resolves it. */
static void
ip6_to_neighbour(struct wctx *w, struct rte_mbuf *m, uint16_t port, const uint8_t *nh)
{
	struct rte_ether_addr mac;
	uint8_t a[1][16];

	memcpy(a[0], nh, 16);
	if (neigh6_lookup_bulk(&port, (const uint8_t (*)[16])a, 1, &mac) & 1)
		eth_tx(w, m, port, &mac, RTE_BE16(RTE_ETHER_TYPE_IPV6));
	else
		ip6_punt_resolve(m, port, nh, pkt_meta(m)->in_port);
}

/* A packet the router made, toward nh on port: in fragments when it is
 * larger than the link (RFC 8200 4.5: a source fragments; a router never
 * does for what it forwards). */
static void
ip6_own_to_neighbour(struct wctx *w, struct rte_mbuf *m, uint16_t port, const uint8_t *nh)
{
	struct rte_mbuf *f[8];
	int n;

	if (likely(rte_pktmbuf_pkt_len(m) <= ports[port].mtu)) {
		ip6_to_neighbour(w, m, port, nh);
		return;
	}
	n = frag6_send(m, ports[port].mtu, f, RTE_DIM(f));
	if (n < 0) {
		dp_drop(m, DROP6_TOO_BIG);
		return;
	}
	for (int i = 0; i < n; i++)
		ip6_to_neighbour(w, f[i], port, nh);
}

void
ip6_output(struct wctx *w, struct rte_mbuf *m, uint16_t out_port)
{
	const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	const uint8_t *dst = ip->dst_addr;
	const struct nexthop6 *h;
	struct rte_ether_addr mac;
	uint64_t idx;
	uint16_t port;

	if (ip6_multicast(dst) || ip6_link_local(dst)) {
		/* Link scope: the caller names the link. */
		if (unlikely(!port_live(out_port))) {
			dp_drop(m, out_port < DP_MAX_PORTS ? DROP_PORT_DOWN : DROP6_SCOPE);
			return;
		}
		if (ip6_multicast(dst)) {
			ip6_mcast_mac(dst, &mac);
			eth_tx(w, m, out_port, &mac, RTE_BE16(RTE_ETHER_TYPE_IPV6));
		} else {
			ip6_own_to_neighbour(w, m, out_port, dst);
		}
		return;
	}
	route6_lookup_bulk((const uint8_t (*)[16])dst, &idx, 1);
	h = &nexthops6[idx];
	switch (h->type) {
	case NH_CONNECTED:
	case NH_GATEWAY:
		break;
	case NH_NONE:
		dp_drop(m, DROP6_NO_ROUTE);
		return;
	case NH_BLACKHOLE:
		dp_drop(m, DROP6_BLACKHOLE);
		return;
	default:	/* NH_LOCAL: the router does not talk to itself */
		dp_drop(m, DROP6_LOCAL_UNREACH);
		return;
	}
	port = h->port;
	if (unlikely(!port_live(port))) {
		dp_drop(m, DROP_PORT_DOWN);
		return;
	}
	ip6_own_to_neighbour(w, m, port, h->type == NH_GATEWAY ? h->gw : dst);
}

/* Drop m with a Parameter Problem (RFC 8200 4.2, 4.4) about the byte at
 * off: -1, for ip6_local_ext. */
static int
ext_refused(struct wctx *w, struct rte_mbuf *m, uint16_t in_port, uint8_t code, uint32_t off)
{
	icmp6_error(w, m, in_port, ICMP6_PARAM_PROB, code, off);
	dp_drop(m, DROP6_BAD_HEADER);
	return -1;
}

/* The options of the hop-by-hop or destination options header at off,
 * len bytes (RFC 8200 4.2): pads are skipped, and so is an unknown option
 * whose type's two high bits are 00 (the router alert, RFC 2711, is one:
 * 00, and nothing of the router's asks for it); 01 discards the packet,
 * 10 and 11 (the destination is unicast here) discard it with a Parameter
 * Problem pointing at the option.  0, or -1 when m is dropped. */
static int
ext_options(struct wctx *w, struct rte_mbuf *m, uint16_t in_port, uint32_t off, uint32_t len)
{
	const uint8_t *h = rte_pktmbuf_mtod_offset(m, const uint8_t *, off);

	for (uint32_t i = 2; i < len;) {
		if (h[i] == 0) {		/* Pad1 */
			i++;
			continue;
		}
		if (i + 2 > len || i + 2u + h[i + 1] > len) {
			dp_drop(m, DROP6_BAD_HEADER);
			return -1;
		}
		switch (h[i] >> 6) {
		case 0:				/* PadN, or skip */
			break;
		case 1:
			dp_drop(m, DROP6_BAD_HEADER);
			return -1;
		default:
			return ext_refused(w, m, in_port, ICMP6_PARAMPROB_OPTION, off + i);
		}
		i += 2u + h[i + 1];
	}
	return 0;
}

/* The length of the extension header at off, in m's first segment and
 * before end; 0 when it is not (m is then dropped, counted). */
static uint32_t
ext_len(struct rte_mbuf *m, uint32_t off, uint32_t end)
{
	uint32_t len;

	if (off + 8 > end || off + 8 > rte_pktmbuf_data_len(m)) {
		dp_drop(m, DROP6_BAD_HEADER);
		return 0;
	}
	len = 8 + 8u * rte_pktmbuf_mtod_offset(m, const uint8_t *, off)[1];
	if (off + len > end || off + len > rte_pktmbuf_data_len(m)) {
		dp_drop(m, DROP6_BAD_HEADER);
		return 0;
	}
	return len;
}

/* A unicast packet's hop-by-hop options, which every node on its path
 * processes (RFC 8200 4.3; the kernel does, forwarding or not): 0 when
 * it goes on, the header left as it came; -1 when m is dropped. */
static __rte_noinline int
ip6_hop_by_hop(struct wctx *w, struct rte_mbuf *m, uint16_t in_port)
{
	const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	const uint32_t len = ext_len(m, IP6_HDR_LEN,
				     IP6_HDR_LEN + rte_be_to_cpu_16(ip->payload_len));

	if (len == 0)
		return -1;
	return ext_options(w, m, in_port, IP6_HDR_LEN, len);
}

/*
 * The extension headers between a packet for the router and its upper
 * layer (RFC 8200 4.1), when no host stack takes it: hop-by-hop options
 * (processed by ip6_hop_by_hop already) are passed over, destination
 * options are processed, a routing header with no segments left is passed over
 * (4.4; with segments left, its type is one the router does not route:
 * Parameter Problem at the type).  Then they are taken out, so that the
 * upper layer follows the IPv6 header as the handlers below expect (an
 * error the router then sends quotes the packet without them).  Returns
 * the upper layer's protocol, or -1 when m is dropped (counted).
 */
static int
ip6_local_ext(struct wctx *w, struct rte_mbuf *m, uint16_t in_port)
{
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	const uint32_t end = IP6_HDR_LEN + rte_be_to_cpu_16(ip->payload_len);
	uint32_t off = IP6_HDR_LEN;
	uint8_t nxt = ip->proto;

	/* Only right behind the IPv6 header (4.1); anywhere else it is an
	 * unknown next header, which ip6_local answers. */
	if (nxt == IPPROTO_HOPOPTS) {
		const uint32_t len = ext_len(m, off, end);

		if (len == 0)
			return -1;
		nxt = rte_pktmbuf_mtod_offset(m, const uint8_t *, off)[0];
		off += len;
	}
	while (nxt == IPPROTO_DSTOPTS || nxt == IPPROTO_ROUTING) {
		const uint8_t *h;
		const uint32_t len = ext_len(m, off, end);

		if (len == 0)
			return -1;
		h = rte_pktmbuf_mtod_offset(m, const uint8_t *, off);
		if (nxt == IPPROTO_ROUTING && h[3] != 0)
			return ext_refused(w, m, in_port, ICMP6_PARAMPROB_HEADER, off + 2);
		if (nxt == IPPROTO_DSTOPTS && ext_options(w, m, in_port, off, len) != 0)
			return -1;
		nxt = h[0];
		off += len;
	}
	if (off != IP6_HDR_LEN)
		ip6_ext_remove(m, off - IP6_HDR_LEN, nxt);
	return nxt;
}

/* For one of our addresses.  Nothing listens: UDP gets port unreachable,
 * TCP a reset; a fragment goes to the reassembly table (frag6.c), whose
 * whole datagram comes back here; a packet with no next header is
 * dropped silently (RFC 8200 4.7: ignored); other protocols get
 * Parameter Problem, unrecognized next header,
 * pointing at it.  Hop-by-hop and destination options and spent routing
 * headers before them are dealt with first (ip6_local_ext). */
static __rte_noinline void
ip6_local(struct wctx *w, struct rte_mbuf *m, uint16_t in_port)
{
	const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);

	TRACE(trace_on(), m, trace_local6(m, ip->proto));
	/* A port with a host interface: the host's stack answers. */
	if (unlikely(host_on(in_port)) && host_punt6_local(m, in_port))
		return;
	if (ip6_local_ext(w, m, in_port) < 0)
		return;
	ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	switch (ip->proto) {
	case IPPROTO_ICMPV6:
		icmp6_input(w, m, in_port);
		return;
	case IPPROTO_UDP:
		if (!dp_udp_hdr_ok(m, sizeof(*ip), rte_be_to_cpu_16(ip->payload_len),
				   __rte_raw_cksum(ip->src_addr, 32, 0) +
				   rte_cpu_to_be_16(IPPROTO_UDP), false)) {
			dp_drop(m, DROP6_BAD_HEADER);
			return;
		}
		icmp6_error(w, m, in_port, ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_NOPORT, 0);
		break;
	case IPPROTO_TCP:
		tcp6_input(w, m, in_port);
		return;
	case IPPROTO_FRAGMENT:
		/* Whole, it comes through here again. */
		m = frag6_reassemble(w, m, in_port, rte_get_tsc_cycles());
		if (m != NULL)
			ip6_local(w, m, in_port);
		return;
	case IPPROTO_NONE:
		break;
	default:
		icmp6_error(w, m, in_port, ICMP6_PARAM_PROB, ICMP6_PARAMPROB_NEXTHEADER,
			    offsetof(struct rte_ipv6_hdr, proto));
		break;
	}
	dp_drop(m, DROP6_LOCAL_UNREACH);
}

/* A multicast destination: ours when it is a group the router is in on
 * in_port (all nodes, all routers, a solicited-node group of ours), and
 * then only ICMPv6 (neighbour discovery, router solicitations) matters. */
static __rte_noinline void
ip6_multicast_in(struct wctx *w, struct rte_mbuf *m, uint16_t in_port)
{
	const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);

	if (ip->proto == IPPROTO_ICMPV6 &&
	    (memcmp(ip->dst_addr, all_nodes, 16) == 0 ||
	     memcmp(ip->dst_addr, all_routers, 16) == 0 ||
	     addr6_solicited_on_port(addrs6_get(), in_port, ip->dst_addr))) {
		icmp6_input(w, m, in_port);
		return;
	}
	if (unlikely(host_on(in_port)) && host_punt6_mcast(m, in_port))
		return;
	dp_drop(m, DROP6_MULTICAST);
}

enum { V6_DROPPED, V6_ROUTE, V6_DONE };

/* Validation, martians and link-scope delivery for one packet that
 * ip6_plain did not pass; Ethernet is stripped here.  V6_ROUTE: the
 * caller looks the destination up. */
static __rte_noinline int
ip6_validate(struct wctx *w, struct rte_mbuf *m, uint16_t in_port,
	     const struct addr6_table *at, bool l2mcast)
{
	struct rte_ipv6_hdr *ip;
	uint32_t len;

	ip = (struct rte_ipv6_hdr *)rte_pktmbuf_adj(m, sizeof(struct rte_ether_hdr));
	if (unlikely(ip == NULL || rte_pktmbuf_data_len(m) < IP6_HDR_LEN ||
		     (rte_be_to_cpu_32(ip->vtc_flow) >> 28) != 6)) {
		dp_drop(m, DROP6_BAD_HEADER);
		return V6_DROPPED;
	}
	len = IP6_HDR_LEN + rte_be_to_cpu_16(ip->payload_len);
	/* Ethernet pads short frames: the IPv6 length rules.  A payload
	 * length of 0 (a jumbogram) needs hop-by-hop options, dropped below
	 * anyway. */
	if (unlikely(len > rte_pktmbuf_pkt_len(m))) {
		dp_drop(m, DROP6_BAD_HEADER);
		return V6_DROPPED;
	}
	if (unlikely(rte_pktmbuf_pkt_len(m) > len) &&
	    rte_pktmbuf_trim(m, rte_pktmbuf_pkt_len(m) - len) != 0) {
		dp_drop(m, DROP6_BAD_HEADER);
		return V6_DROPPED;
	}
	if (unlikely(ip6_martian(ip->dst_addr))) {
		dp_drop(m, DROP6_MARTIAN_DST);
		return V6_DROPPED;
	}
	/* :: is a source for duplicate address detection only: solicitations
	 * to a multicast group, which ip6_multicast_in and nd.c check. */
	if (unlikely(ip6_multicast(ip->src_addr) ||
		     (ip6_martian(ip->src_addr) &&
		      !(ip6_is_zero(ip->src_addr) && ip6_multicast(ip->dst_addr))) ||
		     addr6_is_local(at, ip->src_addr))) {
		dp_drop(m, DROP6_MARTIAN_SRC);
		return V6_DROPPED;
	}
	TRACE(trace_on(), m, trace_valid6(m, ip));
	if (unlikely(ip->proto == IPPROTO_HOPOPTS)) {
		if (ip6_multicast(ip->dst_addr)) {
			/* MLD to a link-scope group, for a host interface. */
			if (!(unlikely(host_on(in_port)) && host_punt6_mcast(m, in_port)))
				dp_drop(m, DROP6_HOP_BY_HOP);
			return V6_DROPPED;
		}
		if (ip6_hop_by_hop(w, m, in_port) != 0)
			return V6_DROPPED;
	}
	if (unlikely(ip6_multicast(ip->dst_addr))) {
		ip6_multicast_in(w, m, in_port);
		return V6_DONE;
	}
	if (unlikely(ip6_link_local(ip->dst_addr))) {
		if (addr6_on_port(at, in_port, ip->dst_addr))
			ip6_local(w, m, in_port);
		else
			dp_drop(m, DROP6_SCOPE);
		return V6_DONE;
	}
	if (unlikely(l2mcast)) {
		/* A unicast packet in a multicast or broadcast frame. */
		dp_drop(m, DROP6_MULTICAST);
		return V6_DONE;
	}
	return V6_ROUTE;
}

/*
 * The next hops a burst's forwarded packets go to, one lookup key each
 * (port, address): a gateway's once however many packets go through it
 * (up to NH_KEYS_GW gateways a burst; packets through more get a key of
 * their own), a connected destination's once for a run of packets to it
 * (a download to one host), else once a packet.
 */
#define NH_KEYS_GW	8
struct nh_keys {
	uint16_t n;			/* keys */
	uint16_t g;			/* gateways remembered in gw_nh */
	uint64_t last_nh;		/* the previous packet's gateway ... */
	uint8_t last_key;		/* ... and its key */
	int16_t last_conn;		/* the key of the last connected destination, or -1 */
	uint64_t gw_nh[NH_KEYS_GW];	/* nexthops6 index of a gateway ... */
	uint8_t gw_key[NH_KEYS_GW];	/* ... and its key */
	uint16_t port[DP_BURST];
	uint8_t ip[DP_BURST][16];
	struct rte_ether_addr mac[DP_BURST];
};

static inline uint8_t
nh_key_new(struct nh_keys *k, uint16_t port, const uint8_t *ip)
{
	uint8_t j = (uint8_t)k->n++;

	k->port[j] = port;
	memcpy(k->ip[j], ip, 16);
	return j;
}

/* The key of a packet toward next hop idx (h) on port, destination dst. */
static inline uint8_t
nh_key(struct nh_keys *k, uint64_t idx, const struct nexthop6 *h, uint16_t port,
       const uint8_t *dst)
{
	uint8_t j;

	if (h->type != NH_GATEWAY) {
		j = (uint8_t)k->last_conn;
		if (k->last_conn >= 0 && k->port[j] == port && memcmp(k->ip[j], dst, 16) == 0)
			return j;
		j = nh_key_new(k, port, dst);
		k->last_conn = j;
		return j;
	}
	if (likely(idx == k->last_nh))
		return k->last_key;
	for (uint16_t i = 0; i < k->g; i++)
		if (k->gw_nh[i] == idx) {
			k->last_nh = idx;
			return k->last_key = k->gw_key[i];
		}
	j = nh_key_new(k, port, h->gw);
	if (k->g < NH_KEYS_GW) {
		k->gw_nh[k->g] = idx;
		k->gw_key[k->g++] = j;
		k->last_nh = idx;
		k->last_key = j;
	}
	return j;
}

/* A gateway's MAC straight from its next hop (no hash), when resolved. */
static inline bool
nh6_mac(const struct nexthop6 *h, struct rte_ether_addr *mac)
{
	return h->type == NH_GATEWAY &&
	       neigh_fast_at(__atomic_load_n(&h->neigh, __ATOMIC_ACQUIRE), mac);
}

/* What is not forwarded: local delivery, a blackhole, no route. */
static __rte_noinline void
ip6_not_forwarded(struct wctx *w, struct rte_mbuf *m, uint16_t in_port, uint8_t type)
{
	switch (type) {
	case NH_LOCAL:
		ip6_local(w, m, in_port);
		break;
	case NH_BLACKHOLE:
		dp_drop(m, DROP6_BLACKHOLE);
		break;
	default:
		icmp6_error(w, m, in_port, ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_NOROUTE, 0);
		dp_drop(m, DROP6_NO_ROUTE);
		break;
	}
}

/* A forwarded packet the loop cannot send as it is: a link-local source,
 * the hop limit spent, too big for out_mtu.  Answered and dropped. */
static __rte_noinline void
ip6_fwd_error(struct wctx *w, struct rte_mbuf *m, uint16_t in_port, uint16_t out_mtu)
{
	const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);

	/* RFC 4291 2.5.6: a link-local source never leaves its link. */
	if (ip6_link_local(ip->src_addr)) {
		icmp6_error(w, m, in_port, ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_BEYONDSCOPE, 0);
		dp_drop(m, DROP6_SCOPE);
	} else if (ip->hop_limits <= 1) {
		icmp6_error(w, m, in_port, ICMP6_TIME_EXCEEDED, ICMP6_TIME_EXCEED_TRANSIT, 0);
		dp_drop(m, DROP6_HOP_LIMIT);
	} else {
		icmp6_error(w, m, in_port, ICMP6_PACKET_TOO_BIG, 0, out_mtu);
		dp_drop(m, DROP6_TOO_BIG);
	}
}

/* ip6_plain's frame of len bytes that is not as long as its packet:
 * Ethernet padding (short frames are padded to 60 bytes) trimmed, as
 * ip6_validate would; false when the packet is longer than the frame or
 * the padding cannot be trimmed (ip6_validate drops it). */
bool
ip6_plain_trim(struct rte_mbuf *m, uint32_t len)
{
	return len < rte_pktmbuf_pkt_len(m) &&
	       rte_pktmbuf_trim(m, rte_pktmbuf_pkt_len(m) - len) == 0;
}

/*
 * The forwarding loop keeps a frame's Ethernet header and rewrites its
 * addresses in place (l3fwd does the same): no strip and prepend, six
 * mbuf stores a packet.  A packet that leaves the loop for code that
 * wants it at the IPv6 header (errors, local delivery, the resolve punt)
 * is stripped then; one that ip6_validate stripped is given its header
 * back (the bytes are still there).  Both one segment, header in it.
 */
static inline struct rte_ipv6_hdr *
ip6_hdr_eth(const struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, RTE_ETHER_HDR_LEN);
}

static inline void
ip6_eth_unstrip(struct rte_mbuf *m)
{
	m->data_off -= RTE_ETHER_HDR_LEN;
	m->data_len += RTE_ETHER_HDR_LEN;
	m->pkt_len += RTE_ETHER_HDR_LEN;
}

/*
 * Packets ok[i..end) through next hop nh[i], each one that ip6_plain
 * passed (a hop limit above 1, a source that is not link-local), sent for
 * as long as each fits the MTU: the caller saw that o is live, that mac
 * is the gateway's and that no packet before waits for the neighbour hash;
 * end is k or the first packet ip6_validate passed.  The tx buffer's count
 * stays in a register (room for the rest of the burst made first), the
 * addresses are two stores.  Returns the first packet not sent: end, one
 * through another next hop, or one (same next hop) too big for the MTU.
 */
static inline unsigned int
ip6_fwd_run(struct wctx *w, const struct fwd_out *o, const struct rte_ether_addr *mac,
	    struct rte_mbuf **ok, const uint64_t *nh, unsigned int i, unsigned int k,
	    unsigned int end)
{
	const uint64_t idx = nh[i];
	const uint32_t max = (uint32_t)o->mtu + RTE_ETHER_HDR_LEN;
	struct txbuf *b = o->tx;
	uint64_t hdr[2];
	unsigned int t;
	uint32_t bytes = 0;

	if (unlikely(b->n + (k - i) > WCTX_TXBUF))
		tx_full(w, o->port);
	t = b->n;
	fwd_out_hdr(o, mac, hdr);
	do {
		struct rte_mbuf *m = ok[i];
		uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(f + RTE_ETHER_HDR_LEN);

		const uint32_t len = rte_pktmbuf_pkt_len(m);

		if (unlikely(len > max))
			break;
		/* No header checksum in IPv6. */
		ip->hop_limits--;
		fwd_hdr_write(f, hdr);
		b->m[t++] = m;
		bytes += len;
	} while (++i < end && nh[i] == idx);
	b->n = t;
	b->bytes += bytes;
	return i;
}

/*
 * The packets ok[0..k) of one burst that ip6_plain or ip6_validate passed
 * (bit i of slow: ok[i] only the latter), their destinations in dst: one
 * bulk FIB lookup, then local delivery, errors or forwarding.  tr: a
 * trace runs (trace_on() read for the burst): the route and neighbour of
 * the traced packets are noted, and each packet goes one by one.
 */
static __rte_always_inline void
ip6_fwd_burst(struct wctx *w, uint16_t in_port, struct rte_mbuf **ok,
	      const uint8_t (*dst)[16], unsigned int k, const uint64_t slow, const bool tr)
{
	struct rte_mbuf *fw[DP_BURST];
	uint8_t key[DP_BURST];
	uint16_t fw_port[DP_BURST];
	struct fwd_out o = { .port = DP_NO_PORT };
	const struct nexthop6 *gw = NULL;
	struct rte_ether_addr gw_mac, fw_mac[DP_BURST];
	const uint8_t *fw_gw[DP_BURST];	/* tr: a known MAC's gateway */
	bool gw_ok = false;
	uint64_t known = 0;	/* fw[i] with its MAC in fw_mac[i] */
	struct nh_keys keys;
	uint64_t nh[DP_BURST], found, hdr[2];	/* nh: the FIB's raw values */
	unsigned int f = 0;

	RTE_BUILD_BUG_ON(DP_BURST > 64);	/* known, slow */
	route6_lookup_raw(dst, nh, k);

	keys.n = 0;
	keys.g = 0;
	keys.last_nh = UINT64_MAX;	/* no index */
	keys.last_conn = -1;
	for (unsigned int i = 0; i < k; i++) {
		struct rte_mbuf *m = ok[i];
		const struct nexthop6 *h;
		struct rte_ipv6_hdr *ip;
		uint8_t type;

		/* The FIB's raw value, masked here (route6.h); a run of
		 * packets through one next hop compares raw values. */
		if (unlikely(nh[i] == 0))
			nh[i] = route6_lookup_again(dst[i]);
		h = &nexthops6[route6_nh(nh[i])];
		type = h->type;
		TRACE(tr, m, trace_route6(m, type, h->port, type == NH_GATEWAY ? h->gw : dst[i],
					  dst[i]));
		if (unlikely(type != NH_CONNECTED && type != NH_GATEWAY)) {
			ip6_not_forwarded(w, fwd_eth_strip(m), in_port, type);
			continue;
		}
		if (unlikely(h->port != o.port))
			fwd_out_read(w, &o, h->port, RTE_ETHER_TYPE_IPV6);
		/* A gateway's MAC from its next hop, read once for the run of
		 * packets through it; the rest from the neighbour hash below. */
		if (unlikely(h != gw)) {
			gw = h;
			gw_ok = nh6_mac(h, &gw_mac);
		}
		if (likely(!tr && gw_ok && f == 0 && o.live && !(slow >> i & 1))) {
			const uint64_t s = slow >> i;
			unsigned int j = ip6_fwd_run(w, &o, &gw_mac, ok, nh, i, k,
						 s != 0 ? i + rte_bsf64(s) : k);

			/* Sent up to j: on with j's own next hop, or j through
			 * the exact checks below. */
			if (j == k || nh[j] != nh[i]) {
				i = j - 1;
				continue;
			}
			i = j;
			m = ok[i];
		}
		ip = ip6_hdr_eth(m);
		if (unlikely(ip6_link_local(ip->src_addr) || ip->hop_limits <= 1)) {
			ip6_fwd_error(w, fwd_eth_strip(m), in_port, o.mtu);
			continue;
		}
		if (unlikely(!o.live)) {
			dp_drop(m, DROP_PORT_DOWN);
			continue;
		}
		if (unlikely(rte_pktmbuf_pkt_len(m) - RTE_ETHER_HDR_LEN > o.mtu)) {
			ip6_fwd_error(w, fwd_eth_strip(m), in_port, o.mtu);
			continue;
		}
		ip->hop_limits--;
		if (gw_ok && f == 0) {
			TRACE(tr, m, trace_neigh6(m, o.port, h->gw, &gw_mac));
			fwd_out_hdr(&o, &gw_mac, hdr);
			fwd_out_rewrite(w, &o, m, hdr);
			continue;
		}
		/* Behind a packet that waits for the hash: it waits too, so
		 * that the burst leaves in the order it came. */
		fw[f] = m;
		fw_port[f] = o.port;
		if (gw_ok) {
			known |= UINT64_C(1) << f;
			if (tr)
				fw_gw[f] = h->gw;
			fw_mac[f++] = gw_mac;
			continue;
		}
		key[f++] = nh_key(&keys, route6_nh(nh[i]), h, o.port, dst[i]);
	}
	if (likely(f == 0))
		return;

	found = neigh6_lookup_bulk(keys.port, (const uint8_t (*)[16])keys.ip, keys.n, keys.mac);
	for (unsigned int i = 0; i < f; i++) {
		const struct rte_ether_addr *mac = &fw_mac[i];
		const uint8_t *nh_ip = tr && (known & (UINT64_C(1) << i)) ? fw_gw[i] : NULL;

		if (!(known & (UINT64_C(1) << i))) {
			uint8_t j = key[i];

			if (unlikely(!(found & (UINT64_C(1) << j)))) {
				TRACE(tr, fw[i], trace_neigh6(fw[i], keys.port[j], keys.ip[j], NULL));
				ip6_punt_resolve(fwd_eth_strip(fw[i]), keys.port[j], keys.ip[j],
						 in_port);
				continue;
			}
			mac = &keys.mac[j];
			nh_ip = keys.ip[j];
		}
		if (unlikely(fw_port[i] != o.port))
			fwd_out_read(w, &o, fw_port[i], RTE_ETHER_TYPE_IPV6);
		if (unlikely(!o.live)) {
			dp_drop(fw[i], DROP_PORT_DOWN);
			continue;
		}
		TRACE(tr, fw[i], trace_neigh6(fw[i], o.port, nh_ip, mac));
		fwd_out_hdr(&o, mac, hdr);
		fwd_out_rewrite(w, &o, fw[i], hdr);
	}
}

/* No prefetch here: a frame starts on a cache line (core/dp.c's private
 * area), so its Ethernet and IPv6 headers (54 bytes) are in the one line
 * worker_input prefetched. */
static void
ip6_input_burst(struct wctx *w, uint16_t in_port, struct rte_mbuf **pkts, uint16_t n)
{
	const struct addr6_table *at = addrs6_get();
	const uint64_t ours = at->ours;
	const bool tr = trace_on();
	struct rte_mbuf *ok[DP_BURST];
	uint8_t dst[DP_BURST][16];
	uint64_t slow = 0;	/* ok[i] passed by ip6_validate, not ip6_plain */
	unsigned int k = 0;

	for (unsigned int i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (unlikely(!ip6_plain(m, at, ours))) {
			const struct rte_ether_hdr *eth =
				rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);

			if (ip6_validate(w, m, in_port, at,
					 rte_is_multicast_ether_addr(&eth->dst_addr)) != V6_ROUTE)
				continue;
			ip6_eth_unstrip(m);
			slow |= UINT64_C(1) << k;
		} else {
			TRACE(tr, m, trace_valid6(m, ip6_hdr_eth(m)));
		}
		memcpy(dst[k], ip6_hdr_eth(m)->dst_addr, 16);
		ok[k++] = m;
	}
	if (k == 0)
		return;
	if (unlikely(tr))
		ip6_fwd_burst(w, in_port, ok, (const uint8_t (*)[16])dst, k, slow, true);
	else
		ip6_fwd_burst(w, in_port, ok, (const uint8_t (*)[16])dst, k, slow, false);
}

void
ip6_forward_plain(struct wctx *w, uint16_t in_port, struct rte_mbuf **pkts,
		  const uint8_t (*dst)[16], uint16_t n)
{
	ip6_fwd_burst(w, in_port, pkts, dst, n, 0, false);
}

void
ip6_input(struct wctx *w, uint16_t in_port, struct rte_mbuf **pkts, uint16_t n)
{
	while (n > 0) {
		uint16_t k = RTE_MIN(n, (uint16_t)DP_BURST);

		ip6_input_burst(w, in_port, pkts, k);
		pkts += k;
		n -= k;
	}
}
