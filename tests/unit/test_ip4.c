/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv4 input: RFC 1812 5.2.2 validation, martians, broadcasts, TTL. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <rte_icmp.h>

#include "dp_test.h"
#include "ip4.h"
#include "neigh.h"


static struct wctx w;

/* Nothing left the router: no frame queued, sent or punted. */
static void
assert_nothing_out(void)
{
	struct rte_mbuf *p[8];

	for (int i = 0; i < DP_MAX_PORTS; i++)
		assert_int_equal(w.tx[i].n, 0);
	assert_int_equal(dpt_punted(p, 8), 0);
	assert_int_equal(dpt_sent(p, 8), 0);
}

/* Send m from the LAN host and expect exactly one drop for why. */
static void
expect_drop(struct rte_mbuf *m, enum drop_reason why)
{
	uint64_t before = dpt_drops(why);

	dpt_input1(&w, m);
	assert_int_equal(dpt_drops(why), before + 1);
	assert_nothing_out();
	assert_int_equal(dpt_mbufs_in_use(), 0);
}

static struct rte_mbuf *
udp_from(const char *src, const char *dst)
{
	return dpt_udp(DPT_LAN_MAC, DPT_HOST_MAC, src, dst, 1000, 2000, 16);
}

static void
test_check_rules(void **state)
{
	uint8_t buf[64] __rte_aligned(8);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)buf;

	(void)state;
	memset(buf, 0, sizeof(buf));
	ip->version_ihl = 0x45;
	ip->total_length = htons(40);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = htonl(dpt_ip("10.0.0.2"));
	ip->dst_addr = htonl(dpt_ip("192.0.2.9"));
	dpt_fix_cksum(ip);
	assert_int_equal(ip4_check(ip, 40), 0);
	assert_int_equal(ip4_check(ip, 60), 0);		/* padding after the datagram */
	assert_int_equal(ip4_check(ip, 39), DROP_BAD_HEADER);	/* total length beyond the frame */
	assert_int_equal(ip4_check(ip, 19), DROP_BAD_HEADER);	/* no room for a header */

	ip->version_ihl = 0x65;					/* version 6 */
	dpt_fix_cksum(ip);
	assert_int_equal(ip4_check(ip, 40), DROP_BAD_HEADER);
	ip->version_ihl = 0x44;					/* IHL 4 */
	ip->hdr_checksum = 0;
	ip->hdr_checksum = dpt_cksum(ip, 20);
	assert_int_equal(ip4_check(ip, 40), DROP_BAD_HEADER);
	ip->version_ihl = 0x4f;					/* 60-byte header, 40 bytes */
	dpt_fix_cksum(ip);
	assert_int_equal(ip4_check(ip, 40), DROP_BAD_HEADER);

	ip->version_ihl = 0x46;					/* options: valid */
	buf[20] = 1; buf[21] = 1; buf[22] = 1; buf[23] = 0;	/* NOP NOP NOP EOL */
	dpt_fix_cksum(ip);
	assert_int_equal(ip4_check(ip, 40), 0);
	ip->total_length = htons(23);				/* shorter than the header */
	dpt_fix_cksum(ip);
	assert_int_equal(ip4_check(ip, 40), DROP_BAD_HEADER);

	ip->version_ihl = 0x45;
	ip->total_length = htons(40);
	dpt_fix_cksum(ip);
	ip->hdr_checksum ^= htons(1);				/* checksum off by one */
	assert_int_equal(ip4_check(ip, 40), DROP_BAD_HEADER);
}

static void
test_bad_headers_counted(void **state)
{
	uint64_t bad, noroute;
	struct rte_mbuf *m;
	struct rte_ipv4_hdr *ip;

	(void)state;
	m = udp_from("10.0.0.2", "192.0.2.9");
	dpt_frame_ip(m)->version_ihl = 0x65;
	dpt_fix_cksum(dpt_frame_ip(m));
	expect_drop(m, DROP_BAD_HEADER);

	m = udp_from("10.0.0.2", "192.0.2.9");
	ip = dpt_frame_ip(m);
	ip->version_ihl = 0x44;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = dpt_cksum(ip, 20);
	expect_drop(m, DROP_BAD_HEADER);

	m = udp_from("10.0.0.2", "192.0.2.9");
	dpt_frame_ip(m)->total_length = htons(20 + 8 + 16 + 1);	/* one byte beyond the frame */
	dpt_fix_cksum(dpt_frame_ip(m));
	expect_drop(m, DROP_BAD_HEADER);

	m = udp_from("10.0.0.2", "192.0.2.9");
	dpt_frame_ip(m)->total_length = htons(19);
	dpt_fix_cksum(dpt_frame_ip(m));
	expect_drop(m, DROP_BAD_HEADER);

	m = udp_from("10.0.0.2", "192.0.2.9");
	dpt_frame_ip(m)->hdr_checksum ^= htons(0x0100);
	expect_drop(m, DROP_BAD_HEADER);

	/* A device that checked the sum: its BAD is a drop even for a right
	 * sum; its GOOD is trusted (the worker does not sum again), while
	 * every other rule still applies. */
	m = udp_from("10.0.0.2", "192.0.2.9");
	m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_BAD;
	expect_drop(m, DROP_BAD_HEADER);
	m = udp_from("10.0.0.2", "192.0.2.9");
	m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	dpt_frame_ip(m)->version_ihl = 0x65;
	dpt_fix_cksum(dpt_frame_ip(m));
	expect_drop(m, DROP_BAD_HEADER);
	m = udp_from("10.0.0.2", "192.0.2.9");
	m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	dpt_frame_ip(m)->hdr_checksum ^= htons(0x0100);
	bad = dpt_drops(DROP_BAD_HEADER);
	noroute = dpt_drops(DROP_NO_ROUTE);
	dpt_input1(&w, m);		/* routed: nothing goes to 192.0.2.9 */
	assert_int_equal(dpt_drops(DROP_BAD_HEADER), bad);
	assert_int_equal(dpt_drops(DROP_NO_ROUTE), noroute + 1);
	dpt_tx_clear(&w);
	assert_int_equal(dpt_mbufs_in_use(), 0);

	/* Truncated: the frame ends inside the IPv4 header. */
	m = udp_from("10.0.0.2", "192.0.2.9");
	rte_pktmbuf_trim(m, rte_pktmbuf_pkt_len(m) - 14 - 12);
	expect_drop(m, DROP_BAD_HEADER);

	/* Runt: not even an Ethernet header. */
	m = udp_from("10.0.0.2", "192.0.2.9");
	rte_pktmbuf_trim(m, rte_pktmbuf_pkt_len(m) - 10);
	expect_drop(m, DROP_BAD_HEADER);
}

static void
test_padding_trimmed(void **state)
{
	uint8_t junk[18];
	struct rte_mbuf *m;
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *icmp;
	uint64_t bad = dpt_drops(DROP_BAD_HEADER);

	(void)state;
	/* A 28-byte echo request padded to the 60-byte Ethernet minimum with
	 * junk: the checksum holds only if the padding is cut away. */
	m = dpt_echo(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", "10.0.0.1", 7, 1, 0);
	memset(junk, 0x5a, sizeof(junk));
	memcpy(rte_pktmbuf_append(m, sizeof(junk)), junk, sizeof(junk));
	assert_int_equal(rte_pktmbuf_pkt_len(m), 60);
	dpt_input1(&w, m);
	assert_int_equal(dpt_drops(DROP_BAD_HEADER), bad);
	assert_int_equal(w.tx[0].n, 1);
	m = w.tx[0].m[0];
	assert_int_equal(rte_pktmbuf_pkt_len(m), 14 + 28);
	ip = dpt_frame_ip(m);
	assert_int_equal(ntohs(ip->total_length), 28);
	icmp = (struct rte_icmp_hdr *)(ip + 1);
	assert_int_equal(icmp->icmp_type, RTE_IP_ICMP_ECHO_REPLY);
	assert_int_equal(dpt_cksum(icmp, 8), 0);
	dpt_tx_clear(&w);
	assert_int_equal(dpt_mbufs_in_use(), 0);
}

static void
test_martian_sources(void **state)
{
	static const char *const martians[] = {
		"0.0.0.0", "0.1.2.3", "127.0.0.1", "127.255.0.9", "224.0.0.5",
		"239.255.255.250", "240.0.0.1", "255.255.255.254", "255.255.255.255",
		"10.0.0.1",	/* our own address */
	};

	(void)state;
	for (size_t i = 0; i < RTE_DIM(martians); i++)
		expect_drop(udp_from(martians[i], "192.0.2.9"), DROP_MARTIAN_SRC);

	assert_true(ip4_martian_src(dpt_ip("0.255.255.255")));
	assert_true(ip4_martian_src(dpt_ip("127.0.0.1")));
	assert_true(ip4_martian_src(dpt_ip("224.0.0.1")));
	assert_true(ip4_martian_src(dpt_ip("240.0.0.0")));
	assert_true(ip4_martian_src(dpt_ip("255.255.255.255")));
	assert_false(ip4_martian_src(dpt_ip("1.0.0.0")));
	assert_false(ip4_martian_src(dpt_ip("126.255.255.255")));
	assert_false(ip4_martian_src(dpt_ip("128.0.0.0")));
	assert_false(ip4_martian_src(dpt_ip("223.255.255.255")));
	/* Our own addresses are the caller's check, not this function's. */
	assert_false(ip4_martian_src(dpt_ip("10.0.0.1")));
}

static void
test_martian_destinations(void **state)
{
	(void)state;
	expect_drop(udp_from("10.0.0.2", "0.0.0.0"), DROP_MARTIAN_DST);
	expect_drop(udp_from("10.0.0.2", "0.9.9.9"), DROP_MARTIAN_DST);
	expect_drop(udp_from("10.0.0.2", "127.0.0.1"), DROP_MARTIAN_DST);
	expect_drop(udp_from("10.0.0.2", "127.1.2.3"), DROP_MARTIAN_DST);

	assert_true(ip4_martian_dst(dpt_ip("0.0.0.1")));
	assert_true(ip4_martian_dst(dpt_ip("127.0.0.1")));
	assert_false(ip4_martian_dst(dpt_ip("1.2.3.4")));
	assert_false(ip4_martian_dst(dpt_ip("128.0.0.1")));
	assert_false(ip4_martian_dst(dpt_ip("255.255.255.255")));	/* a broadcast, not a martian */
}

static void
test_broadcasts_not_forwarded(void **state)
{
	uint64_t unreach = dpt_drops(DROP_NO_ROUTE);

	(void)state;
	expect_drop(udp_from("10.0.0.2", "255.255.255.255"), DROP_BROADCAST);
	expect_drop(udp_from("10.0.0.2", "224.0.0.1"), DROP_BROADCAST);
	expect_drop(udp_from("10.0.0.2", "239.1.2.3"), DROP_BROADCAST);
	/* The directed broadcast of our own network (its broadcast route). */
	expect_drop(udp_from("10.0.0.2", "10.0.0.255"), DROP_BROADCAST);
	assert_int_equal(dpt_drops(DROP_NO_ROUTE), unreach);
}

/* The incremental update (RFC 1624) must equal a full recompute exactly,
 * including the 0x0000/0xffff case that eqn 2 gets wrong. */
static void
test_dec_ttl_random(void **state)
{
	uint8_t buf[20] __rte_aligned(8);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)buf;
	uint16_t inc, full;
	int hit_zero = 0;

	(void)state;
	srand(1812);
	for (int i = 0; i < 10000 + 1; i++) {
		for (size_t b = 0; b < sizeof(buf); b++)
			buf[b] = (uint8_t)rand();
		ip->version_ihl = 0x45;
		if (ip->time_to_live == 0)
			ip->time_to_live = 1;
		if (i == 10000) {
			/* Force the edge: choose the id so that the checksum
			 * after the decrement is 0x0000. */
			ip->packet_id = 0;
			ip->hdr_checksum = 0;
			ip->time_to_live--;
			full = ntohs(dpt_cksum(buf, 20));
			ip->packet_id = htons(full);
			ip->time_to_live++;
		}
		ip->hdr_checksum = 0;
		ip->hdr_checksum = dpt_cksum(buf, 20);
		ip4_dec_ttl(ip);
		inc = ip->hdr_checksum;
		ip->hdr_checksum = 0;
		full = dpt_cksum(buf, 20);
		assert_int_equal(inc, full);
		if (full == 0)
			hit_zero++;
	}
	assert_true(hit_zero >= 1);
}

/* ip4_dec_ttl's one add and conditional subtract against RFC 1624 eqn 3
 * as written, HC' = ~(~HC + ~m + m'), for every checksum a header can
 * carry (most of which no real header has: the update must not care). */
static void
test_dec_ttl_every_checksum(void **state)
{
	struct rte_ipv4_hdr ip;

	(void)state;
	memset(&ip, 0, sizeof(ip));
	for (uint32_t hc = 0; hc <= 0xffff; hc++) {
		/* TTL 64 and, in turn, every other from 1 (the protocol
		 * byte beside it must not move). */
		uint8_t ttl = hc % 4 ? 64 : (uint8_t)(1 + hc / 4 % 255);
		uint8_t proto = hc % 3 ? IPPROTO_UDP : (uint8_t)(hc >> 8);
		uint16_t m = (uint16_t)(ttl << 8 | proto), m2 = (uint16_t)(m - 0x0100);
		uint32_t sum = (uint16_t)~ntohs((uint16_t)hc);

		ip.time_to_live = ttl;
		ip.next_proto_id = proto;
		ip.hdr_checksum = (uint16_t)hc;
		ip4_dec_ttl(&ip);
		sum += (uint16_t)~m;
		sum += m2;
		sum = (sum & 0xffff) + (sum >> 16);
		sum = (sum & 0xffff) + (sum >> 16);
		assert_int_equal(ip.time_to_live, ttl - 1);
		assert_int_equal(ip.next_proto_id, proto);
		assert_int_equal(ntohs(ip.hdr_checksum), (uint16_t)~sum);
	}
}

static int
group_setup(void **state)
{
	(void)state;
	return dpt_one_port(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_rules),
		cmocka_unit_test(test_bad_headers_counted),
		cmocka_unit_test(test_padding_trimmed),
		cmocka_unit_test(test_martian_sources),
		cmocka_unit_test(test_martian_destinations),
		cmocka_unit_test(test_broadcasts_not_forwarded),
		cmocka_unit_test(test_dec_ttl_random),
		cmocka_unit_test(test_dec_ttl_every_checksum),
	};

	dpt_init("ip4");
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
