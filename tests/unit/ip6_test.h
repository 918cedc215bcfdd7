/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 for the unit tests: the two-port fixture with IPv6 on, and frames
 * built here from the RFCs (checksums by dpt_cksum, not the code under
 * test), so that tests compare the router's bytes with independent ones.
 *
 * lan (port 0): fe80::<EUI-64 of DPT_LAN_MAC>, 2001:db8:1::1/64; host
 * 2001:db8:1::2 at DPT_HOST_MAC (static).  wan (port 1): its link-local,
 * 2001:db8:2::1/64; gateway 2001:db8:2::fe at DPT_GW_MAC (static);
 * ::/0 via 2001:db8:2::fe.
 */
#ifndef SLUICE_IP6_TEST_H
#define SLUICE_IP6_TEST_H

#include <arpa/inet.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/icmp6.h>
#include <linux/rtnetlink.h>

#include "addr6.h"
#include "dp_test.h"
#include "icmp6.h"
#include "ip6.h"
#include "nd.h"
#include "neigh.h"
#include "route6.h"

#define LAN_LL		"fe80::ff:fe00:1"	/* EUI-64 of 02:00:00:00:00:01 */
#define WAN_LL		"fe80::ff:fe00:101"	/* of 02:00:00:00:01:01 */
#define LAN_GUA		"2001:db8:1::1"
#define WAN_GUA		"2001:db8:2::1"
#define HOST6		"2001:db8:1::2"
#define GW6		"2001:db8:2::fe"

static inline void
a6(const char *s, uint8_t *out)
{
	if (inet_pton(AF_INET6, s, out) != 1) {
		fprintf(stderr, "bad IPv6 address in test: %s\n", s);
		abort();
	}
}

static inline void
drain_sent6(void)
{
	struct rte_mbuf *p[16];
	unsigned int n;

	while ((n = dpt_sent(p, 16)) > 0)
		rte_pktmbuf_free_bulk(p, n);
}

static inline void
route6(bool add, const char *dst, uint8_t plen, const char *gw, uint8_t type, uint16_t port)
{
	struct route6 r = { .plen = plen, .type = type, .protocol = SLUICE_RTPROT_CLI,
			    .port = port };
	struct route_match m = { 0 };

	a6(dst, r.dst);
	if (gw != NULL)
		a6(gw, r.gw);
	assert_int_equal(add ? route6_add(&r, 0) : route6_del(&r, &m), 0);
}

static inline int
ip6_fixture(struct wctx *w)
{
	struct rte_ether_addr host = dpt_mac(DPT_HOST_MAC), gw = dpt_mac(DPT_GW_MAC);
	uint8_t a[16];

	if (dpt_two_ports(w) != 0 || ip6_port_up(0) != 0 || ip6_port_up(1) != 0)
		return -1;
	a6(LAN_GUA, a);
	if (addr6_add(0, a, 64) != 0)
		return -1;
	a6(WAN_GUA, a);
	if (addr6_add(1, a, 64) != 0)
		return -1;
	a6(HOST6, a);
	if (neigh6_add(0, a, &host, true, 0) != 0)
		return -1;
	a6(GW6, a);
	if (neigh6_add(1, a, &gw, true, 0) != 0)
		return -1;
	route6(true, "::", 0, GW6, RTN_UNICAST, DP_NO_PORT);
	drain_sent6();
	return 0;
}

/* The ICMPv6 checksum of msg (len bytes, checksum field zero) from src
 * to dst, by RFC 8200 8.1's pseudo-header, summed by dpt_cksum. */
static inline uint16_t
cksum6(const uint8_t *src, const uint8_t *dst, uint8_t nxt, const uint8_t *msg, uint32_t len)
{
	uint8_t *buf = calloc(1, 40 + len);
	uint16_t ck;

	memcpy(buf, src, 16);
	memcpy(buf + 16, dst, 16);
	buf[32] = len >> 24;
	buf[33] = len >> 16;
	buf[34] = len >> 8;
	buf[35] = len;
	buf[39] = nxt;
	memcpy(buf + 40, msg, len);
	ck = dpt_cksum(buf, 40 + len);
	free(buf);
	return ck;
}

/* Bytes of an IPv6 packet: header + payload (payload copied as is). */
static inline uint32_t
ip6_bytes(uint8_t *out, const char *src, const char *dst, uint8_t nxt, uint8_t hlim,
	  const uint8_t *payload, uint16_t len)
{
	memset(out, 0, 40);
	out[0] = 0x60;
	out[4] = len >> 8;
	out[5] = len & 0xff;
	out[6] = nxt;
	out[7] = hlim;
	a6(src, out + 8);
	a6(dst, out + 24);
	memcpy(out + 40, payload, len);
	return 40u + len;
}

/* An ICMPv6 message's checksum filled in, in a packet made by ip6_bytes. */
static inline void
fix_icmp6(uint8_t *pkt)
{
	uint16_t len = (uint16_t)(pkt[4] << 8 | pkt[5]);
	uint16_t ck;

	pkt[42] = pkt[43] = 0;
	ck = cksum6(pkt + 8, pkt + 24, IPPROTO_ICMPV6, pkt + 40, len);
	memcpy(pkt + 42, &ck, 2);
}

/* An Ethernet frame around pkt (len bytes). */
static inline struct rte_mbuf *
frame6(const char *dst_mac, const char *src_mac, const uint8_t *pkt, uint32_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp.pool);
	struct rte_ether_hdr *eth;

	assert_non_null(m);
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, 14 + len);
	assert_non_null(eth);
	eth->dst_addr = dpt_mac(dst_mac);
	eth->src_addr = dpt_mac(src_mac);
	eth->ether_type = htons(RTE_ETHER_TYPE_IPV6);
	memcpy(eth + 1, pkt, len);
	return m;
}

/* A frame on lan from the host: IPv6 src -> dst carrying payload. */
static inline struct rte_mbuf *
from_host(const char *src, const char *dst, uint8_t nxt, uint8_t hlim,
	  const uint8_t *payload, uint16_t len)
{
	uint8_t pkt[2048];
	uint32_t n = ip6_bytes(pkt, src, dst, nxt, hlim, payload, len);

	if (nxt == IPPROTO_ICMPV6)
		fix_icmp6(pkt);
	return frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n);
}

/* An echo request of len data bytes. */
static inline struct rte_mbuf *
echo6(const char *src, const char *dst, uint8_t hlim, uint16_t len)
{
	uint8_t msg[1600] = { ICMP6_ECHO_REQUEST, 0, 0, 0, 0x12, 0x34, 0, 1 };

	for (uint16_t i = 0; i < len; i++)
		msg[8 + i] = (uint8_t)i;
	return from_host(src, dst, IPPROTO_ICMPV6, hlim, msg, 8 + len);
}

/* The one frame queued on port: its Ethernet header checked, its IPv6
 * packet compared with exp (len bytes). */
static inline void
check_frame(struct rte_mbuf *m, const char *dst_mac, const char *src_mac,
	    const uint8_t *exp, uint32_t len)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	struct rte_ether_addr a;

	assert_int_equal(rte_pktmbuf_pkt_len(m), 14 + len);
	a = dpt_mac(dst_mac);
	assert_memory_equal(&eth->dst_addr, &a, 6);
	a = dpt_mac(src_mac);
	assert_memory_equal(&eth->src_addr, &a, 6);
	assert_int_equal(eth->ether_type, htons(RTE_ETHER_TYPE_IPV6));
	assert_int_equal(rte_pktmbuf_data_len(m), rte_pktmbuf_pkt_len(m));
	assert_memory_equal(eth + 1, exp, len);
}

#endif
