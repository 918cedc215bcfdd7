/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbour discovery (RFC 4861) on the control lcore: checking what
 * workers punt (7.1.1, 6.1.1), answering solicitations for our addresses
 * (7.2.4), learning from solicitations and advertisements (7.2.3, 7.2.5),
 * building solicitations and advertisements; router solicitations go to
 * ra.c.  The state machine is the neighbour table's (neigh.c); packets
 * it releases go out through resolve.c.
 */
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/icmp6.h>
#include <linux/neighbour.h>

#include "addr6.h"
#include "host.h"
#include "icmp6.h"
#include "ip6.h"
#include "log.h"
#include "nd.h"
#include "neigh.h"
#include "port.h"
#include "ra.h"
#include "resolve.h"

#define ND_OPT_LLADDR_LEN	8	/* type, length (in 8 bytes), MAC */

void *
nd_frame(uint16_t port, const struct rte_ether_addr *dst_mac, const uint8_t *src,
	 const uint8_t *dst, uint16_t len, struct rte_mbuf **out)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp.pool);
	struct rte_ether_hdr *eh;
	struct rte_ipv6_hdr *ip;

	*out = NULL;
	if (unlikely(m == NULL)) {
		dp_counters()->drop[DROP_NO_MBUF]++;
		return NULL;
	}
	eh = (struct rte_ether_hdr *)rte_pktmbuf_append(m, sizeof(*eh) + IP6_HDR_LEN + len);
	if (unlikely(eh == NULL)) {
		dp_drop(m, DROP_NO_MBUF);
		return NULL;
	}
	eh->dst_addr = *dst_mac;
	eh->src_addr = ports[port].mac;
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	ip = (struct rte_ipv6_hdr *)(eh + 1);
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(len);
	ip->proto = IPPROTO_ICMPV6;
	ip->hop_limits = ND_HOP_LIMIT;
	memcpy(ip->src_addr, src, 16);
	memcpy(ip->dst_addr, dst, 16);
	memset(ip + 1, 0, len);
	*out = m;
	return ip + 1;
}

void
nd_finish(struct rte_mbuf *m, uint16_t port)
{
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *,
							  sizeof(struct rte_ether_hdr));
	uint8_t *ic = (uint8_t *)(ip + 1);
	uint16_t ck;

	ic[2] = ic[3] = 0;
	ck = icmp6_cksum(ip, ic, rte_be_to_cpu_16(ip->payload_len));
	memcpy(ic + 2, &ck, 2);
	dp_send(m, port);
}

int
nd_addr_add(uint16_t port, const uint8_t *ip, uint8_t plen)
{
	int ret;

	/* As the kernel: no IPv6 on a link under its minimum MTU. */
	if (port_used(port) && ports[port].mtu < IP6_MIN_MTU)
		return dp_errmsg(-EINVAL, "port %s's MTU %u is under IPv6's minimum, 1280 "
				 "(RFC 8200 5)", ports[port].name, ports[port].mtu);
	ret = addr6_add(port, ip, plen);
	if (ret != 0)
		return ret;
	nd_advertise(port, ip, NULL, NULL, false);
	ra_addr_changed(port);
	host_addr6_changed(port, ip, plen, true);
	return 0;
}

int
nd_addr_del(uint16_t port, const uint8_t *ip, uint8_t plen)
{
	const struct addr6_table *t = addrs6_get();
	int ret;

	/* The host is told the prefix length the address had. */
	for (uint16_t i = 0; i < t->n && plen > 128; i++)
		if (memcmp(t->a[i].ip, ip, 16) == 0 && t->a[i].port == port)
			plen = t->a[i].plen;
	ret = addr6_del(port, ip, plen);
	if (ret != 0)
		return ret;
	ra_addr_changed(port);
	host_addr6_changed(port, ip, plen, false);
	return 0;
}

/*
 * The port's MTU went from old to what it is now: crossing IPv6's minimum
 * downwards takes IPv6 off the port (its addresses, and the routes
 * through it), as the kernel does; upwards gives it its link-local
 * address again.  RA settings stay.
 */
void
ip6_port_mtu_changed(uint16_t port, uint16_t old)
{
	uint16_t mtu = ports[port].mtu;

	if (old >= IP6_MIN_MTU && mtu < IP6_MIN_MTU) {
		addr6_flush_port(port);
		ra_addr_changed(port);
		fprintf(stderr, SD_NOTICE "sluice-dataplane: port %s: MTU %u, under IPv6's "
			"1280: its IPv6 addresses and routes removed\n", ports[port].name, mtu);
	} else if (old < IP6_MIN_MTU && mtu >= IP6_MIN_MTU && ip6_port_up(port) != 0) {
		fprintf(stderr, SD_WARNING "sluice-dataplane: port %s: no IPv6 link-local "
			"address: %s\n", ports[port].name, dp_errmsg_get());
	}
}

int
ip6_port_up(uint16_t port)
{
	uint8_t ll[16];

	ip6_eui64_link_local(&ports[port].mac, ll);
	return nd_addr_add(port, ll, 64);
}

void
ip6_port_down(uint16_t port)
{
	ra_set(port, false);
	addr6_flush_port(port);
}

/* A link-layer address option (RFC 4861 4.6.1) at p. */
static inline void
put_lladdr(uint8_t *p, uint8_t type, const struct rte_ether_addr *mac)
{
	p[0] = type;
	p[1] = 1;
	memcpy(p + 2, mac->addr_bytes, RTE_ETHER_ADDR_LEN);
}

void
nd_solicit(uint16_t port, const uint8_t *target, const struct rte_ether_addr *unicast)
{
	struct rte_ether_addr mac;
	struct rte_mbuf *m;
	uint8_t src[16], dst[16], *ns;

	if (!port_used(port) ||
	    !addr6_source(addrs6_get(), port, target, src))
		return;
	if (unicast != NULL) {
		memcpy(dst, target, 16);
		mac = *unicast;
	} else {
		ip6_solicited_node(target, dst);
		ip6_mcast_mac(dst, &mac);
	}
	ns = nd_frame(port, &mac, src, dst, ND_NS_LEN + ND_OPT_LLADDR_LEN, &m);
	if (ns == NULL)
		return;
	ns[0] = ND_NEIGHBOR_SOLICIT;
	memcpy(ns + ND_TARGET_OFF, target, 16);
	put_lladdr(ns + ND_NS_LEN, ND_OPT_SOURCE_LINKADDR, &ports[port].mac);
	nd_finish(m, port);
}

void
nd_advertise(uint16_t port, const uint8_t *target, const uint8_t *dst,
	     const struct rte_ether_addr *dst_mac, bool solicited)
{
	nd_advertise_as(port, target, dst, dst_mac, solicited, false);
}

void
nd_advertise_as(uint16_t port, const uint8_t *target, const uint8_t *dst,
		const struct rte_ether_addr *dst_mac, bool solicited, bool anycast)
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };
	struct rte_ether_addr mac;
	struct rte_mbuf *m;
	uint8_t src[16];
	uint8_t *na;

	if (!port_used(port))
		return;
	if (dst == NULL) {
		dst = all_nodes;
		ip6_mcast_mac(dst, &mac);
		dst_mac = &mac;
	}
	/* An anycast target is no source (RFC 4861 7.2.4: an address of the
	 * interface; the kernel picks one as for any packet to dst). */
	if (!anycast)
		memcpy(src, target, 16);
	else if (!addr6_source(addrs6_get(), port, dst, src))
		return;
	na = nd_frame(port, dst_mac, src, dst, ND_NA_LEN + ND_OPT_LLADDR_LEN, &m);
	if (na == NULL)
		return;
	na[0] = ND_NEIGHBOR_ADVERT;
	/* 7.2.7: O clear for an anycast target, so that a neighbour's
	 * cached entry for it (another router's) is not overridden. */
	na[4] = ND_NA_ROUTER | (anycast ? 0 : ND_NA_OVERRIDE) | (solicited ? ND_NA_SOLICITED : 0);
	memcpy(na + ND_TARGET_OFF, target, 16);
	put_lladdr(na + ND_NA_LEN, ND_OPT_TARGET_LINKADDR, &ports[port].mac);
	nd_finish(m, port);
}

/*
 * The options after an ND message's fixed part: every one with a non-zero
 * length (RFC 4861 4.6: a zero length is invalid), ending exactly at len.
 * The link-layer address option of type want is kept in *mac.
 */
static bool
nd_options(const uint8_t *p, uint32_t len, uint8_t want, struct rte_ether_addr *mac, bool *has)
{
	*has = false;
	while (len > 0) {
		uint32_t olen;

		if (len < 2 || p[1] == 0)
			return false;
		olen = 8u * p[1];
		if (olen > len)
			return false;
		if (p[0] == want && olen == ND_OPT_LLADDR_LEN) {
			memcpy(mac->addr_bytes, p + 2, RTE_ETHER_ADDR_LEN);
			*has = true;
		}
		p += olen;
		len -= olen;
	}
	return true;
}

/* RFC 4861 7.2.3: a solicitation's sender with a link-layer address. */
static void
learn_sender(uint16_t port, const uint8_t *src, const struct rte_ether_addr *mac)
{
	struct rte_ether_addr old;
	uint16_t st = neigh6_state(port, src, &old);
	struct neigh_act act;

	if (st == NUD_NONE) {
		if (neigh6_learn(port, src, mac, true, &act) == 0)
			neigh6_stale(port, src, mac, &act);	/* new: nothing held */
		else
			dp_counters()->drop[DROP_ND_INVALID]++;	/* table full */
	} else if (st == NUD_INCOMPLETE || !rte_is_same_ether_addr(&old, mac)) {
		neigh6_stale(port, src, mac, &act);
		resolve_act(&act);
	}
}

static void
ns_input(uint16_t port, const struct rte_ipv6_hdr *ip, const uint8_t *msg, uint32_t len,
	 const struct rte_ether_addr *eth_src)
{
	const uint8_t *target = msg + ND_TARGET_OFF;
	struct rte_ether_addr sll;
	bool has_sll, dad = ip6_is_zero(ip->src_addr), anycast = false;

	if (len < ND_NS_LEN || ip6_multicast(target) ||
	    !nd_options(msg + ND_NS_LEN, len - ND_NS_LEN, ND_OPT_SOURCE_LINKADDR, &sll, &has_sll))
		goto invalid;
	/* 7.1.1: from ::, to a solicited-node group and without the option. */
	if (dad && (has_sll || !ip6_multicast(ip->dst_addr)))
		goto invalid;
	if (has_sll && !rte_is_valid_assigned_ether_addr(&sll))
		goto invalid;
	if (!addr6_on_port(addrs6_get(), port, target)) {
		/* someone else's: not ours to answer */
		if (!addr6_anycast_on_port(addrs6_get(), port, target))
			return;
		/* A subnet-router anycast address is not defended
		 * (RFC 4862 5.4: no duplicate detection for anycast). */
		anycast = true;
	}
	if (dad) {
		/* 7.2.4: defend the address to all nodes, S clear. */
		if (!anycast)
			nd_advertise(port, target, NULL, NULL, false);
		return;
	}
	if (has_sll)
		learn_sender(port, ip->src_addr, &sll);
	/* The answer goes where the solicitation came from; its Ethernet
	 * source stands in for an option a unicast probe may omit.  The
	 * random delay 7.2.7 asks before an anycast answer is not taken:
	 * the router is the one answerer on its link. */
	nd_advertise_as(port, target, ip->src_addr, has_sll ? &sll : eth_src, true, anycast);
	return;
invalid:
	dp_counters()->drop[DROP_ND_INVALID]++;
}

static void
na_input(uint16_t port, const struct rte_ipv6_hdr *ip, const uint8_t *msg, uint32_t len)
{
	const uint8_t *target = msg + ND_TARGET_OFF;
	struct rte_ether_addr tll, old;
	struct neigh_act act = { 0 };
	uint8_t flags;
	bool has_tll;
	uint16_t st;

	if (len < ND_NA_LEN)
		goto invalid;
	flags = msg[4];
	if (ip6_multicast(target) ||
	    !nd_options(msg + ND_NA_LEN, len - ND_NA_LEN, ND_OPT_TARGET_LINKADDR, &tll, &has_tll) ||
	    /* 7.1.2: S is never set in an advertisement to a group. */
	    (ip6_multicast(ip->dst_addr) && (flags & ND_NA_SOLICITED)) ||
	    (has_tll && !rte_is_valid_assigned_ether_addr(&tll)))
		goto invalid;
	/* Someone claims our address: a conflict, never a reason to send
	 * our traffic elsewhere. */
	if (addr6_is_local(addrs6_get(), target))
		goto invalid;
	st = neigh6_state(port, target, &old);
	/* 7.2.5: no entry, nothing to do (advertisements create none). */
	if (st == NUD_NONE || st == NUD_PERMANENT)
		goto ignored;
	if (st == NUD_INCOMPLETE) {
		if (!has_tll)
			goto ignored;	/* no MAC to resolve it with */
		if (flags & ND_NA_SOLICITED)
			neigh6_learn(port, target, &tll, false, &act);
		else
			neigh6_stale(port, target, &tll, &act);
		resolve_act(&act);
		return;
	}
	if (has_tll && !rte_is_same_ether_addr(&old, &tll) && !(flags & ND_NA_OVERRIDE)) {
		/* 7.2.5: a different address without O.  Ours stands, but
		 * a REACHABLE entry is no longer known to be right: STALE,
		 * so that the next use probes it. */
		if (st != NUD_REACHABLE)
			goto ignored;
		neigh6_stale(port, target, &old, &act);
		resolve_act(&act);
		return;
	}
	if (flags & ND_NA_SOLICITED)
		neigh6_learn(port, target, has_tll ? &tll : &old, false, &act);
	else if (has_tll && !rte_is_same_ether_addr(&old, &tll))
		neigh6_stale(port, target, &tll, &act);
	else
		goto ignored;	/* unsolicited, and nothing new */
	resolve_act(&act);
	return;
ignored:
	dp_counters()->drop[DROP_ND_IGNORED]++;
	return;
invalid:
	dp_counters()->drop[DROP_ND_INVALID]++;
}

void
nd_input(struct rte_mbuf *m)
{
	uint16_t port = pkt_meta(m)->in_port;
	const struct rte_ipv6_hdr *ip;
	struct rte_ether_addr eth_src;
	const uint8_t *msg;
	uint32_t len;

	if (!port_used(port) ||
	    rte_pktmbuf_data_len(m) != rte_pktmbuf_pkt_len(m) ||
	    rte_pktmbuf_pkt_len(m) < IP6_HDR_LEN + 8 ||
	    rte_pktmbuf_headroom(m) < sizeof(struct rte_ether_hdr))
		goto invalid;
	ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	/* The frame's Ethernet header is still in front (ip6_validate only
	 * moved the data offset). */
	eth_src = ((const struct rte_ether_hdr *)((const char *)ip -
						  sizeof(struct rte_ether_hdr)))->src_addr;
	msg = (const uint8_t *)(ip + 1);
	len = rte_pktmbuf_pkt_len(m) - IP6_HDR_LEN;
	/* 6.1.1, 7.1.1: hop limit 255 (nothing from beyond the link), code 0;
	 * the checksum was checked by icmp6_input. */
	if (ip->proto != IPPROTO_ICMPV6 || ip->hop_limits != ND_HOP_LIMIT || msg[1] != 0)
		goto invalid;
	switch (msg[0]) {
	case ND_NEIGHBOR_SOLICIT:
		ns_input(port, ip, msg, len, &eth_src);
		break;
	case ND_NEIGHBOR_ADVERT:
		na_input(port, ip, msg, len);
		break;
	case ND_ROUTER_SOLICIT:
		ra_solicited(port, ip->src_addr, msg, len);
		break;
	default:
		/* Other routers' advertisements and redirects: a router
		 * takes neither (RFC 4861 6.2.7 is logging only), and
		 * says how many it did not take. */
		dp_drop(m, DROP_ND_IGNORED);
		return;
	}
	rte_pktmbuf_free(m);
	return;
invalid:
	dp_drop(m, DROP_ND_INVALID);
}
