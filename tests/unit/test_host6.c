/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The host path's IPv6 decisions over the real packet functions: what a
 * port with a host interface hands to the host (the frame as it arrived),
 * what the fast path and the control lcore keep, which neighbour discovery
 * messages the host gets a copy of, and sluice's router advertisements
 * stopping when the host sends its own.
 *
 * ip6_test.h's fixture: lan = slot 0 (fe80::ff:fe00:1, 2001:db8:1::1/64,
 * host 2001:db8:1::2), wan = slot 1 (2001:db8:2::1/64, ::/0 via
 * 2001:db8:2::fe).  lan has a host interface: one end of a datagram
 * socketpair, whose other end the test reads and writes.
 */
#include <stdio.h>
#include <unistd.h>
#include <sys/socket.h>

#include "ip6_test.h"
#include "host_int.h"
#include "ra.h"

#define HOST_LL		"fe80::2"
#define DHCP6_MAC	"33:33:00:01:00:02"	/* ff02::1:2 */

static struct wctx w;
static int peer;	/* the test's end of lan's "interface" */

static void
host_enable(bool on)
{
	int sv[2];

	if (on) {
		assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv), 0);
		host_ifs[0].fd = sv[0];
		peer = sv[1];
	} else {
		close(host_ifs[0].fd);
		close(peer);
		host_ifs[0].fd = -1;
	}
	host_ifs[0].on = on;
}

static uint64_t
punted(void)
{
	struct host_stats s;

	host_stats(&s);
	return s.punted;
}

static void
in_lan(struct rte_mbuf *m)
{
	pkt_meta(m)->in_port = 0;
	worker_input(&w, 0, &m, 1);
}

/* m goes in on lan and reaches the host interface byte for byte, with
 * nothing sent anywhere. */
static void
expect_punted(struct rte_mbuf *m)
{
	uint8_t sent[2048], got[2048];
	uint16_t len = rte_pktmbuf_data_len(m);
	uint64_t before = punted();

	memcpy(sent, rte_pktmbuf_mtod(m, const void *), len);
	in_lan(m);
	assert_int_equal(dpt_queued(&w), 0);
	assert_int_equal(rte_ring_count(host_ring), 1);
	host_poll();
	assert_int_equal(punted(), before + 1);
	assert_int_equal(recv(peer, got, sizeof(got), 0), len);
	assert_memory_equal(got, sent, len);
	assert_int_equal(recv(peer, got, sizeof(got), 0), -1);
	dpt_done(&w);
}

static void
expect_not_punted(void)
{
	assert_int_equal(rte_ring_count(host_ring), 0);
}

/* A UDP datagram (checksum by the test's own sum) in a frame to dst_mac. */
static struct rte_mbuf *
udp6(const char *dst_mac, const char *src, const char *dst, uint16_t sp, uint16_t dport)
{
	uint8_t u[8 + 24] = { sp >> 8, sp & 0xff, dport >> 8, dport & 0xff, 0, sizeof(u) };
	uint8_t pkt[128], s[16], d[16];
	uint16_t ck;
	uint32_t n;

	for (unsigned int i = 8; i < sizeof(u); i++)
		u[i] = (uint8_t)i;
	a6(src, s);
	a6(dst, d);
	ck = cksum6(s, d, IPPROTO_UDP, u, sizeof(u));
	memcpy(u + 6, &ck, 2);
	n = ip6_bytes(pkt, src, dst, IPPROTO_UDP, 64, u, sizeof(u));
	return frame6(dst_mac, DPT_HOST_MAC, pkt, n);
}

/* A TCP SYN from the host to dst:port (checksum left 0: the host path
 * does not look at it, the kernel does). */
static struct rte_mbuf *
syn6(const char *dst, uint16_t port)
{
	uint8_t t[20] = { 0x9c, 0x40, port >> 8, port & 0xff, 0, 0, 0x03, 0xe8, 0, 0, 0, 0,
			  5 << 4, 0x02, 0xfa, 0xf0 };

	return from_host(HOST6, dst, IPPROTO_TCP, 64, t, sizeof(t));
}

/* For the router's addresses, global and link-local, on a host port: TCP,
 * UDP (a DHCPv6 reply to the host's client included), other next headers,
 * fragments, echo replies; without the host interface the same UDP gets a
 * port unreachable and nothing reaches the ring. */
static void
test_to_router(void **state)
{
	uint8_t ospf[16] = { 3, 1 }, frag[16] = { IPPROTO_UDP, 0, 0, 1, 0, 0, 0, 7 };
	uint8_t echo[16] = { ICMP6_ECHO_REPLY, 0, 0, 0, 0x12, 0x34, 0, 1 };
	uint64_t lu = dpt_drops(DROP6_LOCAL_UNREACH);

	(void)state;
	expect_punted(syn6(LAN_GUA, 22));
	expect_punted(syn6(WAN_GUA, 22));	/* the other port's address, on lan */
	expect_punted(udp6(DPT_LAN_MAC, HOST_LL, LAN_LL, 547, 546));
	expect_punted(udp6(DPT_LAN_MAC, HOST6, LAN_GUA, 40000, 53));
	expect_punted(from_host(HOST6, LAN_GUA, 89, 1, ospf, sizeof(ospf)));
	expect_punted(from_host(HOST6, LAN_GUA, IPPROTO_FRAGMENT, 64, frag, sizeof(frag)));
	expect_punted(from_host(HOST6, LAN_GUA, IPPROTO_ICMPV6, 64, echo, sizeof(echo)));
	assert_int_equal(dpt_drops(DROP6_LOCAL_UNREACH), lu);

	host_enable(false);
	in_lan(udp6(DPT_LAN_MAC, HOST6, LAN_GUA, 40000, 53));
	expect_not_punted();
	assert_int_equal(w.tx[0].n, 1);		/* port unreachable */
	assert_int_equal(dpt_drops(DROP6_LOCAL_UNREACH), lu + 1);
	dpt_done(&w);
	host_enable(true);
}

/* Echo requests stay in the fast path; forwarded traffic never goes up. */
static void
test_kept(void **state)
{
	uint8_t t[20] = { 0x9c, 0x40, 0, 22, [12] = 5 << 4, [13] = 0x02 };

	(void)state;
	in_lan(echo6(HOST6, LAN_GUA, 64, 8));
	in_lan(echo6(HOST6, LAN_LL, 64, 8));
	expect_not_punted();
	assert_int_equal(w.tx[0].n, 2);		/* both echo replies */
	dpt_done(&w);
	in_lan(from_host(HOST6, "2001:db8:99::1", IPPROTO_TCP, 64, t, sizeof(t)));
	in_lan(udp6(DPT_LAN_MAC, HOST6, "2001:db8:99::1", 546, 547));
	expect_not_punted();
	assert_int_equal(w.tx[1].n, 2);		/* forwarded */
	dpt_done(&w);
}

/* Link-scope groups: DHCPv6 to ff02::1:2, OSPFv3 to ff02::5, an MLDv2
 * report (hop-by-hop router alert) to ff02::16 go up; a site-scope group,
 * a solicited-node group (not ND) and, on wan without a host interface,
 * the same DHCPv6 solicit do not. */
static void
test_multicast(void **state)
{
	uint8_t ospf[16] = { 3, 1 };
	uint8_t mld[8 + 8] = { IPPROTO_ICMPV6, 0, 5, 2, 0, 0, 1, 0, 143 };
	uint8_t pkt[128];
	uint64_t mc = dpt_drops(DROP6_MULTICAST);
	uint64_t hbh = dpt_drops(DROP6_HOP_BY_HOP);
	struct rte_mbuf *m;
	uint32_t n;

	(void)state;
	expect_punted(udp6(DHCP6_MAC, HOST_LL, "ff02::1:2", 546, 547));
	n = ip6_bytes(pkt, HOST_LL, "ff02::5", 89, 1, ospf, sizeof(ospf));
	expect_punted(frame6("33:33:00:00:00:05", DPT_HOST_MAC, pkt, n));
	n = ip6_bytes(pkt, HOST_LL, "ff02::16", IPPROTO_HOPOPTS, 1, mld, sizeof(mld));
	expect_punted(frame6("33:33:00:00:00:16", DPT_HOST_MAC, pkt, n));
	assert_int_equal(dpt_drops(DROP6_HOP_BY_HOP), hbh);

	in_lan(udp6("33:33:00:01:00:03", HOST_LL, "ff05::1:3", 546, 547));
	in_lan(udp6("33:33:ff:00:00:01", HOST_LL, "ff02::1:ff00:1", 546, 547));
	expect_not_punted();
	assert_int_equal(dpt_drops(DROP6_MULTICAST), mc + 2);
	dpt_done(&w);

	m = udp6(DHCP6_MAC, HOST_LL, "ff02::1:2", 546, 547);
	pkt_meta(m)->in_port = 1;
	worker_input(&w, 1, &m, 1);
	expect_not_punted();
	assert_int_equal(dpt_drops(DROP6_MULTICAST), mc + 3);
	dpt_done(&w);
}

/* Neighbour discovery goes to the control lcore as before; host_nd_copy
 * gives the host the frame as it came, but a solicitation, which the
 * dataplane alone answers. */
static void
test_nd_copy(void **state)
{
	uint8_t rs[8] = { ND_ROUTER_SOLICIT }, na[24] = { ND_NEIGHBOR_ADVERT, 0, 0, 0, 0x60 };
	uint8_t ns[24] = { ND_NEIGHBOR_SOLICIT }, pkt[128], sent[128], got[256];
	uint64_t before = punted();
	struct rte_mbuf *m, *p;
	uint32_t n;

	(void)state;
	n = ip6_bytes(pkt, HOST_LL, "ff02::2", IPPROTO_ICMPV6, 255, rs, sizeof(rs));
	fix_icmp6(pkt);
	m = frame6("33:33:00:00:00:02", DPT_HOST_MAC, pkt, n);
	memcpy(sent, rte_pktmbuf_mtod(m, void *), 14 + n);
	in_lan(m);
	expect_not_punted();
	assert_int_equal(dpt_punted(&p, 1), 1);
	assert_int_equal(pkt_meta(p)->kind, PKT_ND);
	host_nd_copy(p);
	assert_int_equal(recv(peer, got, sizeof(got), 0), 14 + n);
	assert_memory_equal(got, sent, 14 + n);
	/* m is left as it was for nd_input. */
	assert_int_equal(rte_pktmbuf_pkt_len(p), n);
	nd_input(p);
	assert_int_equal(punted(), before + 1);

	a6(HOST6, na + 8);
	n = ip6_bytes(pkt, HOST6, LAN_GUA, IPPROTO_ICMPV6, 255, na, sizeof(na));
	fix_icmp6(pkt);
	m = frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n);
	memcpy(sent, rte_pktmbuf_mtod(m, void *), 14 + n);
	in_lan(m);
	assert_int_equal(dpt_punted(&p, 1), 1);
	host_nd_copy(p);
	assert_int_equal(recv(peer, got, sizeof(got), 0), 14 + n);
	assert_memory_equal(got, sent, 14 + n);
	nd_input(p);

	a6(LAN_GUA, ns + 8);
	n = ip6_bytes(pkt, HOST6, "ff02::1:ff00:1", IPPROTO_ICMPV6, 255, ns, sizeof(ns));
	fix_icmp6(pkt);
	in_lan(frame6("33:33:ff:00:00:01", DPT_HOST_MAC, pkt, n));
	assert_int_equal(dpt_punted(&p, 1), 1);
	host_nd_copy(p);
	assert_int_equal(recv(peer, got, sizeof(got), 0), -1);	/* no copy */
	nd_input(p);
	assert_int_equal(dpt_sent(&p, 1), 1);			/* the router's NA */
	assert_int_equal(rte_pktmbuf_mtod_offset(p, uint8_t *, 54)[0], ND_NEIGHBOR_ADVERT);
	rte_pktmbuf_free(p);
	assert_int_equal(punted(), before + 2);
	dpt_done(&w);
}

/* The host sends a router advertisement on lan's interface (radvd): it
 * leaves through the port as written, and sluice's own advertisements on
 * lan stop without a last one of lifetime 0. */
static void
test_ra_yield(void **state)
{
	uint8_t ra_msg[16] = { ND_ROUTER_ADVERT, 0, 0, 0, 64, 0, 0x07, 0x08 };
	uint8_t pkt[128], frame[160];
	struct rte_mbuf *p;
	uint32_t n;

	(void)state;
	ra_set(0, true);
	drain_sent6();
	assert_true(ra_enabled(0));
	n = ip6_bytes(pkt, LAN_LL, "ff02::1", IPPROTO_ICMPV6, 255, ra_msg, sizeof(ra_msg));
	fix_icmp6(pkt);
	p = frame6("33:33:00:00:00:01", DPT_LAN_MAC, pkt, n);
	memcpy(frame, rte_pktmbuf_mtod(p, void *), 14 + n);
	rte_pktmbuf_free(p);
	assert_int_equal(send(peer, frame, 14 + n, 0), (ssize_t)(14 + n));
	host_poll_taps(&host_lc[rte_lcore_id()]);
	assert_false(ra_enabled(0));
	assert_int_equal(dpt_sent(&p, 1), 1);	/* the host's, and nothing of ours */
	assert_int_equal(rte_pktmbuf_pkt_len(p), 14 + n);
	assert_memory_equal(rte_pktmbuf_mtod(p, void *), frame, 14 + n);
	rte_pktmbuf_free(p);
	assert_int_equal(dpt_sent(&p, 1), 0);
	dpt_done(&w);
}

static int
group_setup(void **state)
{
	(void)state;
	if (host_init() != 0 || ip6_fixture(&w) != 0)
		return -1;
	host_enable(true);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_to_router),
		cmocka_unit_test(test_kept),
		cmocka_unit_test(test_multicast),
		cmocka_unit_test(test_nd_copy),
		cmocka_unit_test(test_ra_yield),
	};

	dpt_init("host6");
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
