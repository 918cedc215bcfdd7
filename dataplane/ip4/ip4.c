/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 per burst: validate (RFC 1812 5.2.2), drop martians, NAT, one bulk
 * FIB lookup, local delivery or forwarding, the next hop's MAC (from the
 * gateway's next hop, else one bulk neighbour lookup), Ethernet and tx.  Anything unusual (ICMP errors, fragmentation, punts)
 * leaves the loop through an unlikely() branch.
 */
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <string.h>

#include <rte_prefetch.h>

#include "frag.h"
#include "host.h"
#include "icmp.h"
#include "ip4.h"
#include "nat.h"
#include "neigh.h"
#include "port.h"
#include "route.h"

#define PREFETCH_AHEAD	3
/* Most fragments one packet can make: a 9000-byte jumbo at the minimum
 * MTU (68: 48 bytes of payload each) needs 188. */
#define FRAG_MAX	192

#define IP4_DF		RTE_BE16(RTE_IPV4_HDR_DF_FLAG)
#define IP4_FRAG	RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)

/* Ones' complement sum of an IPv4 header, folded to 16 bits.  The usual
 * 20-byte header is summed as five 32-bit words (RFC 1071 allows any word
 * size), which is several times cheaper than the generic loop. */
static inline uint16_t
ip4_hdr_sum(const struct rte_ipv4_hdr *ip, uint32_t hlen)
{
	const uint8_t *p = (const uint8_t *)ip;
	uint64_t sum = 0;
	uint32_t w;

	if (unlikely(hlen != sizeof(*ip)))
		return rte_raw_cksum(ip, hlen);
	for (int i = 0; i < 5; i++) {
		memcpy(&w, p + 4 * i, sizeof(w));
		sum += w;
	}
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static inline int
ip4_check_inline(const struct rte_ipv4_hdr *ip, uint32_t l3_len, bool sum)
{
	uint32_t hlen, tot;

	if (unlikely(l3_len < sizeof(*ip)))
		return DROP_BAD_HEADER;
	if (unlikely((ip->version_ihl >> 4) != 4))
		return DROP_BAD_HEADER;
	hlen = (uint32_t)(ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) * RTE_IPV4_IHL_MULTIPLIER;
	if (unlikely(hlen < sizeof(*ip) || hlen > l3_len))
		return DROP_BAD_HEADER;
	tot = rte_be_to_cpu_16(ip->total_length);
	if (unlikely(tot < hlen || tot > l3_len))
		return DROP_BAD_HEADER;
	/* A header with a right checksum sums to all ones. */
	if (sum && unlikely(ip4_hdr_sum(ip, hlen) != 0xffff))
		return DROP_BAD_HEADER;
	return 0;
}

int
ip4_check(const struct rte_ipv4_hdr *ip, uint32_t l3_len)
{
	return ip4_check_inline(ip, l3_len, true);
}

/* 0/8, 127/8, and 224/4 + 240/4 (which hold 255.255.255.255) */
static inline bool
martian_src(uint32_t src)
{
	uint8_t a = src >> 24;

	return a == 0 || a == 127 || a >= 224;
}

static inline bool
martian_dst(uint32_t dst)
{
	uint8_t a = dst >> 24;

	return a == 0 || a == 127;
}

bool
ip4_martian_src(uint32_t src)
{
	return martian_src(src);
}

bool
ip4_martian_dst(uint32_t dst)
{
	return martian_dst(dst);
}

/* A gateway's MAC straight from its next hop (no hash), when resolved. */
static inline bool
nh_mac(const struct nexthop *h, struct rte_ether_addr *mac)
{
	return h->type == NH_GATEWAY &&
	       neigh_fast_at(__atomic_load_n(&h->neigh, __ATOMIC_ACQUIRE), mac);
}

/* The neighbour is not known: the control lcore holds m and ARPs (and
 * answers in_port with an ICMP error when nobody answers). */
static inline void
ip4_punt_resolve(struct rte_mbuf *m, uint16_t port, uint32_t nh_ip, uint16_t in_port)
{
	struct pkt_meta *meta = pkt_meta(m);

	meta->kind = PKT_RESOLVE;
	meta->nh_ip = nh_ip;
	meta->out_port = port;
	meta->in_port = in_port;
	dp_punt(m);
}

/* A chained packet (NAT reassembly) made into one segment: some PMDs
 * (af_xdp, af_packet) send only single-segment frames whole.  Copied into
 * a fresh buffer when the first segment has no room for the rest. */
static __rte_noinline struct rte_mbuf *
ip4_flatten(struct rte_mbuf *m)
{
	struct rte_mbuf *c;
	uint32_t len = rte_pktmbuf_pkt_len(m);
	const void *r;
	void *d;

	if (rte_pktmbuf_linearize(m) == 0)
		return m;
	c = rte_pktmbuf_alloc(dp.pool);
	if (c == NULL || len > rte_pktmbuf_tailroom(c) ||
	    (d = rte_pktmbuf_append(c, len)) == NULL) {
		rte_pktmbuf_free(c);
		dp_drop(m, DROP_NO_MBUF);
		return NULL;
	}
	*pkt_meta(c) = *pkt_meta(m);
	r = rte_pktmbuf_read(m, 0, len, d);
	if (r != d)
		memcpy(d, r, len);
	rte_pktmbuf_free(m);
	return c;
}

static inline void
ip4_eth_tx(struct wctx *w, struct rte_mbuf *m, uint16_t port,
	   const struct rte_ether_addr *dst_mac)
{
	if (unlikely(m->nb_segs > 1) && (m = ip4_flatten(m)) == NULL)
		return;
	eth_tx(w, m, port, dst_mac, RTE_BE16(RTE_ETHER_TYPE_IPV4));
}

/* Larger than the egress MTU.  The pipeline fragments before the neighbour
 * step, so this serves callers that hand over a whole packet, or an MTU
 * that shrank meanwhile; a DF packet cannot be answered from here. */
static __rte_noinline void
ip4_xmit_frag(struct wctx *w, struct rte_mbuf *m, uint16_t port,
	      const struct rte_ether_addr *dst_mac, uint16_t mtu)
{
	struct rte_mbuf *frags[FRAG_MAX];
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	int n;

	if (ip->fragment_offset & IP4_DF) {
		dp_drop(m, DROP_FRAG_NEEDED);
		return;
	}
	n = frag_ip4(m, mtu, frags, FRAG_MAX);
	if (n < 0) {
		dp_drop(m, DROP_FRAG_FAILED);
		return;
	}
	for (int i = 0; i < n; i++)
		ip4_eth_tx(w, frags[i], port, dst_mac);
}

void
ip4_xmit(struct wctx *w, struct rte_mbuf *m, uint16_t port,
	 const struct rte_ether_addr *dst_mac)
{
	uint16_t mtu = ports[port].mtu;

	if (unlikely(rte_pktmbuf_pkt_len(m) > mtu)) {
		ip4_xmit_frag(w, m, port, dst_mac, mtu);
		return;
	}
	ip4_eth_tx(w, m, port, dst_mac);
}

/*
 * Too big for port, DF clear: fragment first, then find the neighbour
 * once for all the pieces.  Unresolved fragments are punted as they are,
 * each already fitting the MTU: the control lcore sends held packets
 * without looking at their size.
 */
static __rte_noinline void
ip4_frag_send(struct wctx *w, struct rte_mbuf *m, uint16_t port, uint32_t nh_ip,
	      uint16_t in_port)
{
	struct rte_mbuf *frags[FRAG_MAX];
	struct rte_ether_addr mac;
	void *t = trace_frag_begin(m);
	int n;

	n = frag_ip4(m, ports[port].mtu, frags, FRAG_MAX);
	if (n < 0) {
		dp_drop(m, DROP_FRAG_FAILED);
		return;
	}
	trace_frag_end(t, frags, n, port, ports[port].mtu);
	if (neigh_lookup_bulk(&port, &nh_ip, 1, &mac) & 1) {
		TRACE(t != NULL, frags[0], trace_neigh(frags[0], port, nh_ip, &mac));
		for (int i = 0; i < n; i++)
			ip4_eth_tx(w, frags[i], port, &mac);
	} else {
		for (int i = 0; i < n; i++)
			ip4_punt_resolve(frags[i], port, nh_ip, in_port);
	}
}

static void
ip4_output_common(struct wctx *w, struct rte_mbuf *m, bool nat, uint16_t in_port)
{
	const struct rte_ipv4_hdr *ip;
	uint32_t dst, nh_ip;
	const struct nexthop *h;
	struct rte_ether_addr mac;
	uint64_t idx;
	uint16_t port;

	/* A packet the router made, or a reassembled one (nat_frag_in
	 * wrote where its pieces came from): a punt keeps its metadata's
	 * in_port. */
	const uint16_t meta_in = pkt_meta(m)->in_port;

	if (nat && nat_prerouting(w, m, in_port) != NAT_PASS)
		return;
	ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	dst = rte_be_to_cpu_32(ip->dst_addr);
	route_lookup_bulk(&dst, &idx, 1);
	h = &nexthops[idx];
	switch (h->type) {
	case NH_CONNECTED:
		nh_ip = dst;
		break;
	case NH_GATEWAY:
		nh_ip = h->gw;
		break;
	case NH_NONE:
	case NH_UNREACHABLE:
		dp_drop(m, DROP_NO_ROUTE);
		return;
	case NH_BLACKHOLE:
		dp_drop(m, DROP_BLACKHOLE);
		return;
	case NH_BROADCAST:
		dp_drop(m, DROP_BROADCAST);
		return;
	default:	/* NH_LOCAL: the router does not talk to itself */
		dp_drop(m, DROP_LOCAL_UNREACH);
		return;
	}
	port = h->port;
	if (unlikely(!port_live(port))) {
		dp_drop(m, DROP_PORT_DOWN);
		return;
	}
	if (nat) {
		if (nat_postrouting(w, m, in_port, port) != NAT_PASS)
			return;
		ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	}
	if (unlikely(rte_pktmbuf_pkt_len(m) > ports[port].mtu) &&
	    !(ip->fragment_offset & IP4_DF)) {
		ip4_frag_send(w, m, port, nh_ip, meta_in);
		return;
	}
	if (nh_mac(h, &mac) || (neigh_lookup_bulk(&port, &nh_ip, 1, &mac) & 1))
		ip4_xmit(w, m, port, &mac);
	else
		ip4_punt_resolve(m, port, nh_ip, meta_in);
}

void
ip4_output(struct wctx *w, struct rte_mbuf *m)
{
	ip4_output_common(w, m, false, DP_NO_PORT);
}

void
ip4_output_nat(struct wctx *w, struct rte_mbuf *m, uint16_t in_port)
{
	ip4_output_common(w, m, true, in_port);
}

/* For one of our addresses.  A fragment goes to the reassembly table
 * (nat_frag_in), which sends the whole datagram back here; nothing
 * listens on TCP or UDP, so they are answered as a closed port (reset,
 * port unreachable). */
static __rte_noinline void
ip4_local(struct wctx *w, struct rte_mbuf *m, uint16_t in_port)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);

	TRACE(trace_on(), m, trace_local(m));
	/* A port with a host interface: the host's stack answers. */
	if (unlikely(host_on(in_port)) && host_punt_local(m, in_port))
		return;
	if (unlikely(ip->fragment_offset & IP4_FRAG)) {
		if (nat_frag_in(w, m, in_port) == NAT_PASS)
			dp_drop(m, DROP_LOCAL_UNREACH);
		return;
	}
	switch (ip->next_proto_id) {
	case IPPROTO_ICMP:
		icmp_input(w, m, in_port);
		return;
	case IPPROTO_TCP:
		tcp_input(w, m, in_port);
		return;
	case IPPROTO_UDP:
		if (!dp_udp_hdr_ok(m, rte_ipv4_hdr_len(ip),
				   rte_be_to_cpu_16(ip->total_length) - rte_ipv4_hdr_len(ip),
				   __rte_raw_cksum(&ip->src_addr, 8, 0) + rte_cpu_to_be_16(IPPROTO_UDP),
				   true)) {
			dp_drop(m, DROP_BAD_HEADER);
			return;
		}
		icmp_error(w, m, in_port, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
		break;
	default:
		icmp_error(w, m, in_port, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, 0);
		break;
	}
	dp_drop(m, DROP_LOCAL_UNREACH);
}

__rte_noinline void
ip4_not_forwarded(struct wctx *w, struct rte_mbuf *m, uint16_t in_port, uint8_t type)
{
	switch (type) {
	case NH_LOCAL:
		ip4_local(w, m, in_port);
		break;
	case NH_BLACKHOLE:
		dp_drop(m, DROP_BLACKHOLE);
		break;
	case NH_NONE:
	case NH_UNREACHABLE:	/* a route that says so (a kernel's, mirrored) */
		icmp_error(w, m, in_port, ICMP_DEST_UNREACH, ICMP_NET_UNREACH, 0);
		dp_drop(m, DROP_NO_ROUTE);
		break;
	default:	/* NH_BROADCAST */
		if (unlikely(host_on(in_port))) {
			host_punt(m, in_port);
			break;
		}
		dp_drop(m, DROP_BROADCAST);
		break;
	}
}

/* By first octet: an address that may be a martian source (0/8, 127/8,
 * 224/4, 240/4) or a destination never forwarded as it is (the same, for
 * 224/4 and 255.255.255.255).  One load each for the common case;
 * ip4_addrs_slow sorts out the rest. */
const bool ip4_octet_odd[256] = { [0] = true, [127] = true, [224 ... 255] = true };

bool
ip4_plain_padded(struct rte_mbuf *m, const struct addr_table *at, uint64_t ours, uint32_t *dst)
{
	const struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, RTE_ETHER_HDR_LEN);
	const uint32_t len = rte_pktmbuf_pkt_len(m) - RTE_ETHER_HDR_LEN;
	/* Ethernet's padding: len - total length. */
	const uint32_t pad = len - rte_be_to_cpu_16(ip->total_length);

	/* 20 <= total length <= len in one unsigned compare (len >= 20
	 * here): a length above len wraps pad above it. */
	if (pad > len - (uint32_t)sizeof(*ip))
		return false;
	return ip4_plain_rest(m, ip, pad, at, ours, dst);
}

/*
 * ip4_validate's address checks for what ip4_octet_odd or our own addresses
 * flagged, and the host's DHCP: the destination, or 0 when m was dropped or
 * punted.
 */
static __rte_noinline uint32_t
ip4_addrs_slow(struct rte_mbuf *m, const struct addr_table *at, bool host, uint16_t in_port,
	       uint32_t src, uint32_t dst)
{
	if (martian_src(src) || addr_is_local(at, src)) {
		/* A DHCP client with no address yet, to the host's server. */
		if (!(host && src == 0 && host_punt_early(m, in_port, src, dst)))
			dp_drop(m, DROP_MARTIAN_SRC);
		return 0;
	}
	if (martian_dst(dst)) {
		dp_drop(m, DROP_MARTIAN_DST);
		return 0;
	}
	if (dst == 0xffffffff || ip4_multicast(dst)) {
		if (!(host && host_punt_early(m, in_port, src, dst)))
			dp_drop(m, DROP_BROADCAST);
		return 0;
	}
	/* A DHCP reply to this port's own client, to an address it has not
	 * taken yet. */
	if (host && host_punt_dhcp(m, in_port))
		return 0;
	return dst;
}

/*
 * The common header: version 4 with no options, wholly in the first segment,
 * a total length the frame holds, a right checksum (or the device's word
 * for it).  Strips Ethernet when so, unless keep; false leaves m to
 * ip4_header_slow.
 */
static inline bool
ip4_header_fast(struct rte_mbuf *m, const bool keep)
{
	const struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, RTE_ETHER_HDR_LEN);
	uint64_t ck = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;
	uint32_t tot = rte_be_to_cpu_16(ip->total_length);

	/* 20 <= tot <= the frame's IP bytes in one unsigned compare: the
	 * first segment, and so the frame, holds at least 34 bytes here. */
	if (unlikely(ip->version_ihl != RTE_IPV4_VHL_DEF ||
		     rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN + sizeof(*ip) ||
		     tot - sizeof(*ip) >
			     rte_pktmbuf_pkt_len(m) - (RTE_ETHER_HDR_LEN + sizeof(*ip))))
		return false;
	if (ck != RTE_MBUF_F_RX_IP_CKSUM_GOOD &&
	    (ck == RTE_MBUF_F_RX_IP_CKSUM_BAD || !ip4_hdr20_sum_ok(ip)))
		return false;
	/* rte_pktmbuf_adj, whose checks the test above made. */
	if (!keep)
		fwd_eth_strip(m);
	return true;
}

/*
 * The options of a header longer than 20 bytes (RFC 791 3.1): each within
 * the header, with a length of 2 at least, and none a source route, which
 * a router may refuse (RFC 1812 5.2.4.1, 4.2.2.1) and the kernel does by
 * default (accept_source_route 0): it would let a sender steer packets
 * past the routes chosen for them.  Other options are forwarded as they
 * are.  The reason to drop, or DROP__MAX when there is none.
 */
static enum drop_reason
ip4_options_check(const struct rte_ipv4_hdr *ip)
{
	const uint8_t *o = (const uint8_t *)(ip + 1);
	uint32_t n = rte_ipv4_hdr_len(ip) - sizeof(*ip);

	for (uint32_t i = 0; i < n;) {
		if (o[i] == IPOPT_EOL)
			break;
		if (o[i] == IPOPT_NOP) {
			i++;
			continue;
		}
		if (n - i < 2 || o[i + 1] < 2 || o[i + 1] > n - i)
			return DROP_BAD_HEADER;
		if (o[i] == IPOPT_LSRR || o[i] == IPOPT_SSRR)
			return DROP_SOURCE_ROUTE;
		i += o[i + 1];
	}
	return DROP__MAX;
}

/* Every other header: options, a header across segments, a length or a
 * checksum that is wrong.  Strips Ethernet; false when m was dropped. */
static __rte_noinline bool
ip4_header_slow(struct rte_mbuf *m)
{
	uint64_t ck = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;
	struct rte_ipv4_hdr *ip;
	enum drop_reason why;

	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_adj(m, sizeof(struct rte_ether_hdr));
	/* The whole header must be in the first segment before it is summed;
	 * the sum is skipped where the device vouches for it. */
	if (unlikely(ip == NULL || rte_pktmbuf_data_len(m) < sizeof(*ip) ||
		     rte_pktmbuf_data_len(m) < rte_ipv4_hdr_len(ip) ||
		     ck == RTE_MBUF_F_RX_IP_CKSUM_BAD ||
		     ip4_check_inline(ip, rte_pktmbuf_pkt_len(m),
				      ck != RTE_MBUF_F_RX_IP_CKSUM_GOOD) != 0)) {
		dp_drop(m, DROP_BAD_HEADER);
		return false;
	}
	if (rte_ipv4_hdr_len(ip) > sizeof(*ip) && (why = ip4_options_check(ip)) != DROP__MAX) {
		dp_drop(m, why);
		return false;
	}
	return true;
}

/*
 * Validation and martians for one packet; Ethernet is stripped here, unless
 * keep (then it stays in front of every packet this returns nonzero for).
 * Returns the destination (host order) or 0 when m was dropped or punted
 * to in_port's host interface (0/8 is a martian destination, so 0 never
 * names a real one).  host: in_port has a host interface.
 */
static inline uint32_t
ip4_validate(struct rte_mbuf *m, const struct addr_table *at, uint64_t ours, bool host,
	     uint16_t in_port, const bool keep)
{
	const uint32_t l2 = keep ? RTE_ETHER_HDR_LEN : 0;
	const struct rte_ipv4_hdr *ip;
	uint32_t src, dst, tot, len;

	if (unlikely(!ip4_header_fast(m, keep))) {
		if (!ip4_header_slow(m))
			return 0;
		/* The Ethernet header is still there, in front. */
		if (keep)
			rte_pktmbuf_prepend(m, RTE_ETHER_HDR_LEN);
	}
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, l2);
	/* Ethernet pads short frames to 60 bytes: the IP length rules. */
	tot = rte_be_to_cpu_16(ip->total_length);
	len = rte_pktmbuf_pkt_len(m) - l2;
	if (unlikely(len > tot) && rte_pktmbuf_trim(m, len - tot) != 0) {
		dp_drop(m, DROP_BAD_HEADER);
		return 0;
	}
	/* First octets straight from the header (in memory order, the
	 * first byte); the source in host order only where it may be ours. */
	dst = rte_be_to_cpu_32(ip->dst_addr);
	if (unlikely((ip4_octet_odd[((const uint8_t *)&ip->src_addr)[0]] |
		      ip4_octet_odd[((const uint8_t *)&ip->dst_addr)[0]]) || host) ||
	    (unlikely(ours & addr_bit(ip->src_addr)) &&
	     addr_is_local(at, rte_be_to_cpu_32(ip->src_addr)))) {
		src = rte_be_to_cpu_32(ip->src_addr);
		/* The host's punts take an IP packet. */
		if (keep)
			fwd_eth_strip(m);
		dst = ip4_addrs_slow(m, at, host, in_port, src, dst);
		if (keep && dst != 0)
			rte_pktmbuf_prepend(m, RTE_ETHER_HDR_LEN);
	}
	return dst;
}

static void ip4_input_nat(struct wctx *w, uint16_t in_port, struct rte_mbuf **pkts, uint16_t n);
static void ip4_input_hooked(struct wctx *w, uint16_t in_port, struct rte_mbuf **pkts,
			     uint16_t n);

/* After a NAT burst's postrouting: what prerouting set aside for it
 * (nat_later_take), from the start again, Ethernet header in front (l2:
 * the burst's IPv4 header offset); tr: the burst was traced. */
static inline void
ip4_nat_later(struct wctx *w, uint16_t in_port, const uint32_t l2, bool tr)
{
	struct rte_mbuf *later[DP_BURST];
	uint16_t n = nat_later_take(later);

	if (likely(n == 0))
		return;
	if (l2 == 0)
		for (uint16_t i = 0; i < n; i++)
			rte_pktmbuf_prepend(later[i], RTE_ETHER_HDR_LEN);
	nat_later_off(true);
	if (tr)
		ip4_input_hooked(w, in_port, later, n);
	else
		ip4_input_nat(w, in_port, later, n);
	nat_later_off(false);
}

/* NAT prerouting for the validated packets ok[0..k) (the whole burst at
 * once: its lookups overlap), keeping those that go on, with their
 * destinations as prerouting left them.  l2: the IPv4 header's offset (a
 * kept Ethernet header); lk (or NULL): ip4_plain passed them, and the
 * worker's pass made prerouting's first look at them.  Returns how
 * many. */
static inline uint16_t
ip4_nat_pre(struct wctx *w, uint16_t in_port, struct rte_mbuf **ok, uint32_t *dst,
	    uint64_t *l2bcast, uint64_t *whole, uint16_t k, bool tr, const uint32_t l2,
	    struct nat_look *lk)
{
	uint64_t pass, wh = 0, bc = 0, wb = 0;
	uint16_t j = 0;

	/* A trace shows both hooks: none is skipped under one. */
	pass = lk != NULL ? nat_prerouting_plain(w, in_port, ok, k, lk, dst, &wh) :
		       nat_prerouting_burst(w, in_port, ok, k, l2, dst, tr ? NULL : &wh);
	/* The common case: every packet goes on, and none was a broadcast
	 * (k bits, 1 <= k <= 64: no shift by 64). */
	if (likely(pass == UINT64_MAX >> (64 - k)) && likely(!tr) &&
	    likely(*l2bcast == 0)) {
		*whole = wh;
		return k;
	}
	for (uint16_t i = 0; i < k; i++) {
		if (!(pass & (UINT64_C(1) << i)))
			continue;
		if (*l2bcast & (UINT64_C(1) << i))
			bc |= UINT64_C(1) << j;
		if (wh & (UINT64_C(1) << i))
			wb |= UINT64_C(1) << j;
		TRACE(tr, ok[i], trace_nat(ok[i], 0));
		ok[j] = ok[i];
		dst[j++] = dst[i];
	}
	*l2bcast = bc;
	*whole = wb;
	return j;
}

/* ip4_eth_tx for a forwarded packet to a port o found live in this pass;
 * keep: m still has its (IPv4) Ethernet header in front. */
static inline void
ip4_fwd_tx(struct wctx *w, const struct fwd_out *o, struct rte_mbuf *m,
	   const struct rte_ether_addr *dst_mac, const uint64_t hdr[2], const bool keep)
{
	if (unlikely(m->nb_segs > 1)) {
		ip4_eth_tx(w, keep ? fwd_eth_strip(m) : m, o->port, dst_mac);
		return;
	}
	if (keep)
		fwd_out_rewrite(w, o, m, hdr);
	else
		fwd_out_put(w, o, m, dst_mac);
}

/*
 * ip4_forward_plain's packets ok[i..k) through one resolved gateway (o
 * live, hdr its Ethernet header), in order while their FIB value is nh[i]
 * and each needs nothing but its TTL and checksum (ip4_plain checked
 * the rest): into o's buffer, whose count stays in a register (room for
 * the rest of the burst made first).  Returns the first not sent, which a
 * length above max (o's MTU with Ethernet) or another FIB value stopped.
 * nh[k] must exist (ip4_fwd_burst's array has a slot past the burst): it
 * is made unlike nh[i] for the run, so that one compare a frame ends it
 * at k or at another value, and put back.
 */
static __rte_noinline uint16_t
ip4_fwd_run(struct wctx *w, const struct fwd_out *o, const uint64_t hdr[2],
	    struct rte_mbuf **ok, uint64_t *nh, uint16_t i, uint16_t k, uint32_t max)
{
	const uint64_t v = nh[i], at_k = nh[k];
	/* A local copy: the frames' stores cannot alias it, so its two
	 * words stay in registers. */
	const uint64_t h[2] = { hdr[0], hdr[1] };
	struct txbuf *b = o->tx;
	struct rte_mbuf **out;
	size_t j = i;
	uint32_t bytes = 0;

	if (unlikely(b->n + (k - i) > WCTX_TXBUF))
		tx_full(w, o->port);
	/* Pointers and a word-wide index: no 16- or 32-bit count to widen
	 * per frame. */
	out = &b->m[b->n] - i;
	nh[k] = ~v;
	do {
		struct rte_mbuf *m = ok[j];
		uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);

		const uint32_t len = rte_pktmbuf_pkt_len(m);

		if (unlikely(len > max))
			break;
		ip4_dec_ttl((struct rte_ipv4_hdr *)(f + RTE_ETHER_HDR_LEN));
		fwd_hdr_write(f, h);
		out[j] = m;
		bytes += len;
	} while (nh[++j] == v);
	nh[k] = at_k;
	b->n += (uint16_t)(j - i);
	b->bytes += bytes;
	return (uint16_t)j;
}

/*
 * The validated packets ok[0..k) of one burst, dst[i] the destination of
 * ok[i]: one bulk FIB lookup, then local delivery or forwarding.  tr, nat
 * and keep as ip4_input_burst says; pre: ip4_plain passed every one
 * (a unicast frame to our MAC, TTL above 1), so neither is tested again.
 */
static __rte_always_inline void
ip4_fwd_burst(struct wctx *w, uint16_t in_port, struct rte_mbuf **ok, uint32_t *dst, uint16_t k,
	      uint64_t l2bcast, uint64_t whole, const bool tr, const bool nat, const bool keep,
	      const bool pre)
{
	const uint32_t l2 = keep ? RTE_ETHER_HDR_LEN : 0;
	struct rte_mbuf *fw[DP_BURST];
	uint32_t fw_ip[DP_BURST];
	uint16_t fw_port[DP_BURST];
	struct rte_ether_addr macs[DP_BURST], gw_mac;
	uint64_t gw_hdr[2] = { 0, 0 };	/* keep: the Ethernet header to gw_mac */
	struct fwd_out o = { .port = DP_NO_PORT };
	const struct nexthop *gw = NULL;
	uint32_t l2mtu = 0;	/* o's MTU with the Ethernet header kept, 0: down */
	bool gw_ok = false;
	uint64_t nh[DP_BURST + 1], found;	/* + 1: ip4_fwd_run's end mark */
	uint16_t f = 0;

	route_lookup_raw(dst, nh, k);

	for (uint16_t i = 0; i < k; i++) {
		struct rte_mbuf *m = ok[i];
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l2);
		const struct nexthop *h = &nexthops[route_nh(nh[i])];
		uint8_t type = h->type;
		uint32_t nh_ip;

		if (unlikely(type != NH_CONNECTED && type != NH_GATEWAY) && nh[i] == 0) {
			h = &nexthops[route_lookup_again(dst[i])];
			type = h->type;
		}
		TRACE(tr, m, trace_route(m, type, h->port,
					 type == NH_GATEWAY ? h->gw : dst[i], dst[i]));
		if (unlikely(type != NH_CONNECTED && type != NH_GATEWAY)) {
			ip4_not_forwarded(w, keep ? fwd_eth_strip(m) : m, in_port, type);
			continue;
		}
		/* RFC 1812 5.3.4 (and Linux): what came as a link-layer
		 * broadcast is not forwarded. */
		if (!pre && (keep ? unlikely(rte_is_multicast_ether_addr(
					    rte_pktmbuf_mtod(m, const struct rte_ether_addr *))) :
				    unlikely(l2bcast != 0) && (l2bcast & (UINT64_C(1) << i)))) {
			dp_drop(m, DROP_BROADCAST);
			continue;
		}
		if (!pre && unlikely(ip->time_to_live <= 1)) {
			icmp_error(w, keep ? fwd_eth_strip(m) : m, in_port, ICMP_TIME_EXCEEDED,
				   ICMP_EXC_TTL, 0);
			dp_drop(m, DROP_TTL);
			continue;
		}
		/* What the next hop needs, read once for the run of packets
		 * through it: its out port (when another), a gateway's MAC
		 * (the rest take theirs from the neighbour hash below). */
		if (unlikely(h != gw)) {
			gw = h;
			gw_ok = nh_mac(h, &gw_mac);
			if (h->port != o.port) {
				fwd_out_read(w, &o, h->port, RTE_ETHER_TYPE_IPV4);
				/* A port that is down: every packet is "too
				 * big", and the branch below tells them apart. */
				l2mtu = o.live ? o.mtu + l2 : 0;
			}
			if (keep && gw_ok && o.live)
				fwd_out_hdr(&o, &gw_mac, gw_hdr);
		}
		/* With NAT, the run takes only what prerouting translated
		 * whole: it ends (e) where postrouting is needed. */
		if (pre && likely(gw_ok && l2mtu != 0) && (!nat || (whole & (UINT64_C(1) << i)))) {
			/* ~(whole >> i) is 0 only when all 64 frames of a
			 * burst of 64 are whole (i == 0). */
			const uint64_t nw = ~(whole >> i);
			const uint16_t e = nat && nw != 0 ? i + __builtin_ctzll(nw) : k;
			uint16_t j = ip4_fwd_run(w, &o, gw_hdr, ok, nh, i, e, l2mtu);

			/* Sent up to j: on with j's own next hop (or j not
			 * whole), or j (too big) through the exact checks
			 * below. */
			if (j == k || (nat && j == e) || nh[j] != nh[i]) {
				i = j - 1;
				continue;
			}
			i = j;
			m = ok[i];
			ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l2);
		}
		if (unlikely(rte_pktmbuf_pkt_len(m) > l2mtu)) {
			if (!o.live) {
				dp_drop(m, DROP_PORT_DOWN);
				continue;
			}
			/* Before NAT, as Linux does: the sender must see its
			 * own addresses quoted back. */
			if (ip->fragment_offset & IP4_DF) {
				icmp_error(w, keep ? fwd_eth_strip(m) : m, in_port, ICMP_DEST_UNREACH,
					   ICMP_FRAG_NEEDED, o.mtu);
				dp_drop(m, DROP_FRAG_NEEDED);
				continue;
			}
			/* Without NAT, whose rewrite may change the length,
			 * or translated whole, nothing is left to do before
			 * fragmenting. */
			if (!nat || (whole & (UINT64_C(1) << i))) {
				ip4_dec_ttl(ip);
				ip4_frag_send(w, keep ? fwd_eth_strip(m) : m, o.port,
					      type == NH_GATEWAY ? h->gw : dst[i], in_port);
				continue;
			}
		}
		ip4_dec_ttl(ip);
		nh_ip = type == NH_GATEWAY ? h->gw : dst[i];
		/* A packet prerouting translated whole was sized above. */
		if (unlikely(nat) && !(whole & (UINT64_C(1) << i))) {
			/* Postrouting takes an IP packet; a kept header
			 * goes back in front of what it passes. */
			if (nat_postrouting(w, keep ? fwd_eth_strip(m) : m, in_port, o.port) !=
			    NAT_PASS)
				continue;
			TRACE(tr, m, trace_nat(m, 1));
			if (unlikely(rte_pktmbuf_pkt_len(m) > o.mtu)) {
				ip4_frag_send(w, m, o.port, nh_ip, in_port);
				continue;
			}
			if (keep)
				rte_pktmbuf_prepend(m, RTE_ETHER_HDR_LEN);
		}
		if (likely(gw_ok)) {
			TRACE(tr, m, trace_neigh(m, o.port, nh_ip, &gw_mac));
			ip4_fwd_tx(w, &o, m, &gw_mac, gw_hdr, keep);
			continue;
		}
		fw[f] = keep ? fwd_eth_strip(m) : m;
		fw_port[f] = o.port;
		fw_ip[f++] = nh_ip;
	}
	if (likely(f == 0))
		return;

	found = neigh_lookup_bulk(fw_port, fw_ip, f, macs);
	for (uint16_t i = 0; i < f; i++) {
		bool ok = found & (UINT64_C(1) << i);

		TRACE(tr, fw[i], trace_neigh(fw[i], fw_port[i], fw_ip[i], ok ? &macs[i] : NULL));
		if (likely(ok))
			ip4_xmit(w, fw[i], fw_port[i], &macs[i]);
		else
			ip4_punt_resolve(fw[i], fw_port[i], fw_ip[i], in_port);
	}
}

/*
 * One burst.  Inlined three times by ip4_input: with tr (a trace runs) and
 * nat (NAT is on) as they are, with NAT alone, and with both false, the
 * common case, which thus tests neither per packet.  keep (without a trace
 * on): a forwarded frame keeps its Ethernet header, whose addresses are
 * rewritten in place; a packet that leaves the forwarding path loses it
 * there (fwd_eth_strip), since everything else takes an IP packet.
 */
static __rte_always_inline void
ip4_input_burst(struct wctx *w, uint16_t in_port, struct rte_mbuf **pkts, uint16_t n,
		const bool tr, const bool nat, const bool keep)
{
	const struct addr_table *at = addrs_get();
	const uint64_t ours = at->ours;
	const bool host = host_on(in_port);
	struct rte_mbuf *ok[DP_BURST];
	uint32_t dst[DP_BURST];
	uint64_t l2bcast = 0, whole = 0;
	uint16_t k = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
		uint32_t d;

		/* keep: the forwarding loop reads the header still in front. */
		bool bcast = !keep && rte_is_multicast_ether_addr(&eth->dst_addr); /* broadcast too */

		d = ip4_validate(m, at, ours, host, in_port, keep);
		if (unlikely(d == 0))
			continue;
		TRACE(tr, m, trace_valid(m));
		if (unlikely(bcast))
			l2bcast |= UINT64_C(1) << k;
		ok[k] = m;
		dst[k++] = d;
	}
	if (unlikely(nat) && k > 0) {
		k = ip4_nat_pre(w, in_port, ok, dst, &l2bcast, &whole, k, tr,
				keep ? RTE_ETHER_HDR_LEN : 0, NULL);
		if (k != 0)
			ip4_fwd_burst(w, in_port, ok, dst, k, l2bcast, whole, tr, nat, keep, false);
		ip4_nat_later(w, in_port, keep ? RTE_ETHER_HDR_LEN : 0, tr);
		return;
	}
	if (k == 0)
		return;
	ip4_fwd_burst(w, in_port, ok, dst, k, l2bcast, whole, tr, nat, keep, false);
}

void
ip4_forward_plain(struct wctx *w, uint16_t in_port, struct rte_mbuf **pkts, uint32_t *dst,
		  uint16_t n)
{
	ip4_fwd_burst(w, in_port, pkts, dst, n, 0, 0, false, false, true, true);
}

/* pre: the frames passed ip4_plain, a test that nothing prerouting
 * does to a packet it passes undoes (the TTL, the Ethernet destination,
 * one segment: a reassembled packet leaves by ip4_output, never here). */
void
ip4_forward_nat(struct wctx *w, uint16_t in_port, struct rte_mbuf **pkts, uint32_t *dst,
		uint16_t n, struct nat_look *lk)
{
	uint64_t l2bcast = 0, whole = 0;

	n = ip4_nat_pre(w, in_port, pkts, dst, &l2bcast, &whole, n, false, RTE_ETHER_HDR_LEN, lk);
	if (n != 0)
		ip4_fwd_burst(w, in_port, pkts, dst, n, 0, whole, false, true, true, true);
	ip4_nat_later(w, in_port, RTE_ETHER_HDR_LEN, false);
}

static __rte_noinline void
ip4_input_plain(struct wctx *w, uint16_t in_port, struct rte_mbuf **pkts, uint16_t n)
{
	ip4_input_burst(w, in_port, pkts, n, false, false, true);
}

/* NAT on, no trace, with neither tested per packet, and the Ethernet
 * header kept as plain forwarding keeps it (prerouting translates behind
 * it): what the worker's one pass did not pass (ip4_forward_nat has the
 * rest), and every IPv4 frame of a port with a host interface. */
static __rte_noinline void
ip4_input_nat(struct wctx *w, uint16_t in_port, struct rte_mbuf **pkts, uint16_t n)
{
	ip4_input_burst(w, in_port, pkts, n, false, true, true);
}

static __rte_noinline void
ip4_input_hooked(struct wctx *w, uint16_t in_port, struct rte_mbuf **pkts, uint16_t n)
{
	ip4_input_burst(w, in_port, pkts, n, trace_on(), nat_enabled, false);
}

void
ip4_input(struct wctx *w, uint16_t in_port, struct rte_mbuf **pkts, uint16_t n)
{
	/* The worker's classification loop has just read every header:
	 * no prefetch here. */
	while (n > 0) {
		uint16_t k = RTE_MIN(n, (uint16_t)DP_BURST);

		if (likely(!trace_on())) {
			if (likely(!nat_enabled))
				ip4_input_plain(w, in_port, pkts, k);
			else
				ip4_input_nat(w, in_port, pkts, k);
		} else {
			ip4_input_hooked(w, in_port, pkts, k);
		}
		pkts += k;
		n -= k;
	}
}
