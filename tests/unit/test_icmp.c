/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP: the exact bytes of every error and of echo replies, the packets no
 * error may be sent about (RFC 1812 4.3.2.7), the token bucket.
 */
#include <arpa/inet.h>
#include <string.h>
#include <netinet/ip_icmp.h>

#include <linux/rtnetlink.h>
#include <rte_cycles.h>
#include <rte_icmp.h>
#include <rte_udp.h>

#include "dp_test.h"
#include "icmp.h"
#include "ip4.h"
#include "nat.h"
#include "neigh.h"
#include "route.h"

#define BCAST_MAC	"ff:ff:ff:ff:ff:ff"

static struct wctx w;

static void
default_route(bool add)
{
	dpt_route(add, "0.0.0.0", 0, "192.0.2.254", RTN_UNICAST);
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

/*
 * The one frame queued on port must be this ICMP error, byte for byte:
 * built here from the RFCs, independently of the code under test.
 */
static void
check_error(uint16_t port, const char *dst_mac, const char *mac, const char *src,
	    const char *dst, uint8_t type, uint8_t code, uint16_t mtu,
	    const uint8_t *quote, size_t qlen)
{
	uint8_t exp[28 + 68];
	struct rte_ether_hdr *eth;
	struct rte_ether_addr a;
	struct rte_mbuf *m;
	uint16_t ck;

	assert_int_equal(dpt_queued(&w), 1);
	assert_int_equal(w.tx[port].n, 1);
	m = w.tx[port].m[0];
	assert_int_equal(m->nb_segs, 1);
	assert_int_equal(rte_pktmbuf_pkt_len(m), 14 + 28 + qlen);
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	a = dpt_mac(dst_mac);
	assert_memory_equal(&eth->dst_addr, &a, 6);
	a = dpt_mac(mac);
	assert_memory_equal(&eth->src_addr, &a, 6);
	assert_int_equal(eth->ether_type, htons(0x0800));

	memset(exp, 0, sizeof(exp));
	exp[0] = 0x45;
	exp[1] = 0xc0;
	exp[2] = (28 + qlen) >> 8;
	exp[3] = (28 + qlen) & 0xff;
	/* id 0, no flags, offset 0 */
	exp[8] = 64;
	exp[9] = IPPROTO_ICMP;
	put32(exp + 12, dpt_ip(src));
	put32(exp + 16, dpt_ip(dst));
	ck = dpt_cksum(exp, 20);
	memcpy(exp + 10, &ck, 2);
	exp[20] = type;
	exp[21] = code;
	exp[26] = mtu >> 8;
	exp[27] = mtu & 0xff;
	memcpy(exp + 28, quote, qlen);
	ck = dpt_cksum(exp + 20, 8 + qlen);
	memcpy(exp + 22, &ck, 2);
	assert_memory_equal(eth + 1, exp, 28 + qlen);
	/* And both checksums verify. */
	assert_int_equal(dpt_cksum(eth + 1, 20), 0);
	assert_int_equal(dpt_cksum((uint8_t *)(eth + 1) + 20, 8 + qlen), 0);
}

static void
done(void)
{
	dpt_done(&w);
}

static struct rte_mbuf *
udp_ttl(const char *dst_mac, const char *src, const char *dst, uint8_t ttl, uint16_t len)
{
	struct rte_mbuf *m = dpt_udp(dst_mac, DPT_HOST_MAC, src, dst, 33434, 33435, len);

	dpt_frame_ip(m)->time_to_live = ttl;
	dpt_fix_cksum(dpt_frame_ip(m));
	return m;
}

static void
test_time_exceeded(void **state)
{
	uint8_t orig[28];
	struct rte_mbuf *m;
	uint64_t ttl = dpt_drops(DROP_TTL);

	(void)state;
	default_route(true);
	m = udp_ttl(DPT_LAN_MAC, "10.0.0.2", "198.51.100.7", 1, 100);
	memcpy(orig, dpt_frame_ip(m), sizeof(orig));
	dpt_input1(&w, m);
	check_error(0, DPT_HOST_MAC, DPT_LAN_MAC, "10.0.0.1", "10.0.0.2", 11, 0, 0, orig, 28);
	assert_int_equal(dpt_drops(DROP_TTL), ttl + 1);
	default_route(false);
	done();
}

static void
test_net_unreachable(void **state)
{
	uint8_t orig[28];
	struct rte_mbuf *m;
	uint64_t nr = dpt_drops(DROP_NO_ROUTE);

	(void)state;
	m = udp_ttl(DPT_LAN_MAC, "10.0.0.2", "198.51.100.7", 64, 100);
	memcpy(orig, dpt_frame_ip(m), sizeof(orig));
	dpt_input1(&w, m);
	check_error(0, DPT_HOST_MAC, DPT_LAN_MAC, "10.0.0.1", "10.0.0.2", 3, 0, 0, orig, 28);
	assert_int_equal(dpt_drops(DROP_NO_ROUTE), nr + 1);
	done();
}

static void
test_host_unreachable_direct(void **state)
{
	uint8_t orig[28];
	struct rte_mbuf *m;

	(void)state;
	m = udp_ttl(DPT_LAN_MAC, "10.0.0.2", "192.0.2.50", 63, 300);
	memcpy(orig, dpt_frame_ip(m), sizeof(orig));
	rte_pktmbuf_adj(m, 14);
	icmp_error(&w, m, 0, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
	/* m is the caller's still, untouched. */
	assert_memory_equal(rte_pktmbuf_mtod(m, void *), orig, sizeof(orig));
	rte_pktmbuf_free(m);
	check_error(0, DPT_HOST_MAC, DPT_LAN_MAC, "10.0.0.1", "10.0.0.2", 3, 1, 0, orig, 28);
	done();
}

static void
test_frag_needed(void **state)
{
	uint8_t orig[28];
	struct rte_mbuf *m;
	uint64_t fn = dpt_drops(DROP_FRAG_NEEDED);

	(void)state;
	default_route(true);
	ports[1].mtu = 1400;
	m = udp_ttl(DPT_LAN_MAC, "10.0.0.2", "198.51.100.7", 64, 1500 - 28);
	dpt_frame_ip(m)->fragment_offset = htons(RTE_IPV4_HDR_DF_FLAG);
	dpt_fix_cksum(dpt_frame_ip(m));
	memcpy(orig, dpt_frame_ip(m), sizeof(orig));
	dpt_input1(&w, m);
	/* The quote is the packet as received: TTL not yet decremented. */
	check_error(0, DPT_HOST_MAC, DPT_LAN_MAC, "10.0.0.1", "10.0.0.2", 3, 4, 1400, orig, 28);
	assert_int_equal(dpt_drops(DROP_FRAG_NEEDED), fn + 1);
	ports[1].mtu = 1500;
	default_route(false);
	done();
}

static void
test_port_and_protocol_unreachable(void **state)
{
	uint8_t orig[28], gre[8] = { 0, 0, 0x08, 0, 1, 2, 3, 4 };
	struct rte_mbuf *m;
	uint64_t lu = dpt_drops(DROP_LOCAL_UNREACH);

	(void)state;
	m = udp_ttl(DPT_LAN_MAC, "10.0.0.2", "10.0.0.1", 64, 20);
	memcpy(orig, dpt_frame_ip(m), sizeof(orig));
	dpt_input1(&w, m);
	check_error(0, DPT_HOST_MAC, DPT_LAN_MAC, "10.0.0.1", "10.0.0.2", 3, 3, 0, orig, 28);
	assert_int_equal(dpt_drops(DROP_LOCAL_UNREACH), lu + 1);
	done();

	/* To our address on the other port: answered from that address. */
	m = udp_ttl(DPT_LAN_MAC, "10.0.0.2", "192.0.2.1", 64, 20);
	memcpy(orig, dpt_frame_ip(m), sizeof(orig));
	dpt_input1(&w, m);
	check_error(0, DPT_HOST_MAC, DPT_LAN_MAC, "192.0.2.1", "10.0.0.2", 3, 3, 0, orig, 28);
	done();

	m = dpt_ipv4(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", "10.0.0.1", 47, 64, gre, sizeof(gre));
	memcpy(orig, dpt_frame_ip(m), sizeof(orig));
	dpt_input1(&w, m);
	check_error(0, DPT_HOST_MAC, DPT_LAN_MAC, "10.0.0.1", "10.0.0.2", 3, 2, 0, orig, 28);
	done();

	/* TCP is answered with a reset (test_tcp_rst), never an ICMP error;
	 * a header cut short gets nothing and is a counted drop. */
	lu = dpt_drops(DROP_BAD_HEADER);
	m = dpt_ipv4(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", "10.0.0.1", IPPROTO_TCP, 64, gre, sizeof(gre));
	dpt_input1(&w, m);
	assert_int_equal(dpt_queued(&w), 0);
	assert_int_equal(dpt_drops(DROP_BAD_HEADER), lu + 1);
	done();

	/* UDP whose header is cut short (4 bytes), whose length is under 8,
	 * or whose length runs past the datagram: no port unreachable, a
	 * counted drop each. */
	{
		static const uint8_t short4[4] = { 0x82, 0x9a, 0x82, 0x9b };
		uint8_t len4[8] = { 0x82, 0x9a, 0x82, 0x9b, 0, 4, 0, 0 };
		uint8_t len99[8] = { 0x82, 0x9a, 0x82, 0x9b, 0, 99, 0, 0 };

		dpt_input1(&w, dpt_ipv4(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", "10.0.0.1", IPPROTO_UDP,
					64, short4, sizeof(short4)));
		dpt_input1(&w, dpt_ipv4(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", "10.0.0.1", IPPROTO_UDP,
					64, len4, sizeof(len4)));
		dpt_input1(&w, dpt_ipv4(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", "10.0.0.1", IPPROTO_UDP,
					64, len99, sizeof(len99)));
		assert_int_equal(dpt_queued(&w), 0);
		assert_int_equal(dpt_drops(DROP_BAD_HEADER), lu + 4);
		done();
	}

	/* A damaged checksum: dropped, not answered, as Linux does; a zero
	 * one means none in IPv4: answered. */
	{
		struct rte_udp_hdr *u;

		lu = dpt_drops(DROP_BAD_HEADER);
		m = udp_ttl(DPT_LAN_MAC, "10.0.0.2", "10.0.0.1", 64, 20);
		u = (struct rte_udp_hdr *)(dpt_frame_ip(m) + 1);
		u->dgram_cksum ^= htons(0x0101);
		dpt_input1(&w, m);
		assert_int_equal(dpt_queued(&w), 0);
		assert_int_equal(dpt_drops(DROP_BAD_HEADER), lu + 1);
		done();
		m = udp_ttl(DPT_LAN_MAC, "10.0.0.2", "10.0.0.1", 64, 20);
		((struct rte_udp_hdr *)(dpt_frame_ip(m) + 1))->dgram_cksum = 0;
		dpt_input1(&w, m);
		assert_int_equal(w.tx[0].n, 1);
		done();
	}
}

static void
test_quote_options_and_short(void **state)
{
	uint8_t pl[4 + 12], orig[32];
	struct rte_mbuf *m;
	struct rte_ipv4_hdr *ip;

	(void)state;
	/* A 24-byte header (4 bytes of options): quoted whole, + 8 bytes. */
	memset(pl, 0xee, sizeof(pl));
	pl[0] = 1; pl[1] = 1; pl[2] = 1; pl[3] = 0;
	m = dpt_ipv4(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", "198.51.100.7", IPPROTO_UDP, 1,
		     pl, sizeof(pl));
	ip = dpt_frame_ip(m);
	ip->version_ihl = 0x46;
	dpt_fix_cksum(ip);
	memcpy(orig, ip, 32);
	rte_pktmbuf_adj(m, 14);
	icmp_error(&w, m, 0, ICMP_TIME_EXCEEDED, 0, 0);
	rte_pktmbuf_free(m);
	check_error(0, DPT_HOST_MAC, DPT_LAN_MAC, "10.0.0.1", "10.0.0.2", 11, 0, 0, orig, 32);
	done();

	/* Less than 8 bytes of payload: all of it, nothing more. */
	m = dpt_ipv4(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", "198.51.100.7", IPPROTO_UDP, 1, pl, 4);
	memcpy(orig, dpt_frame_ip(m), 24);
	rte_pktmbuf_adj(m, 14);
	icmp_error(&w, m, 0, ICMP_TIME_EXCEEDED, 0, 0);
	rte_pktmbuf_free(m);
	check_error(0, DPT_HOST_MAC, DPT_LAN_MAC, "10.0.0.1", "10.0.0.2", 11, 0, 0, orig, 24);
	done();
}

/* icmp_error on m (a frame) must send nothing and take no token. */
static void
expect_no_error(struct rte_mbuf *m, uint16_t in_port)
{
	uint64_t rl = dpt_drops(DROP_ICMP_RATELIMIT);
	uint64_t tokens = w.icmp_tokens;

	rte_pktmbuf_adj(m, 14);
	icmp_error(&w, m, in_port, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
	rte_pktmbuf_free(m);
	assert_int_equal(dpt_queued(&w), 0);
	assert_int_equal(w.icmp_tokens, tokens);
	assert_int_equal(dpt_drops(DROP_ICMP_RATELIMIT), rl);
	done();
}

static void
test_never_sent(void **state)
{
	uint8_t unreach[8 + 28] = { 3, 1 }, echo[8] = { 8, 0, 0xf7, 0xff };
	struct rte_mbuf *m;
	uint64_t ttl;

	(void)state;
	default_route(true);

	/* About an ICMP error (transit, TTL expiring): dropped, unanswered. */
	ttl = dpt_drops(DROP_TTL);
	dpt_input1(&w, dpt_ipv4(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", "198.51.100.7", IPPROTO_ICMP, 1,
			unreach, sizeof(unreach)));
	assert_int_equal(dpt_queued(&w), 0);
	assert_int_equal(dpt_drops(DROP_TTL), ttl + 1);
	/* ...whereas an ICMP query does get one. */
	dpt_input1(&w, dpt_ipv4(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", "198.51.100.7", IPPROTO_ICMP, 1,
			echo, sizeof(echo)));
	assert_int_equal(w.tx[0].n, 1);
	done();

	/* A non-first fragment: never; the first fragment: yes. */
	m = udp_ttl(DPT_LAN_MAC, "10.0.0.2", "198.51.100.7", 1, 64);
	dpt_frame_ip(m)->fragment_offset = htons(185);
	dpt_fix_cksum(dpt_frame_ip(m));
	dpt_input1(&w, m);
	assert_int_equal(dpt_queued(&w), 0);
	m = udp_ttl(DPT_LAN_MAC, "10.0.0.2", "198.51.100.7", 1, 64);
	dpt_frame_ip(m)->fragment_offset = htons(RTE_IPV4_HDR_MF_FLAG);
	dpt_fix_cksum(dpt_frame_ip(m));
	dpt_input1(&w, m);
	assert_int_equal(w.tx[0].n, 1);
	done();

	/* A link-layer broadcast to us: no port unreachable. */
	dpt_input1(&w, udp_ttl(BCAST_MAC, "10.0.0.2", "10.0.0.1", 64, 20));
	assert_int_equal(dpt_queued(&w), 0);
	done();

	/* Broadcast, multicast and martian addresses, our own source, an
	 * ingress port without an address. */
	expect_no_error(udp_ttl(DPT_LAN_MAC, "10.0.0.2", "255.255.255.255", 64, 20), 0);
	expect_no_error(udp_ttl(DPT_LAN_MAC, "10.0.0.2", "224.0.0.9", 64, 20), 0);
	expect_no_error(udp_ttl(DPT_LAN_MAC, "10.0.0.2", "10.0.0.255", 64, 20), 0);
	expect_no_error(udp_ttl(DPT_LAN_MAC, "0.0.0.0", "198.51.100.7", 64, 20), 0);
	expect_no_error(udp_ttl(DPT_LAN_MAC, "127.0.0.1", "198.51.100.7", 64, 20), 0);
	expect_no_error(udp_ttl(DPT_LAN_MAC, "224.1.1.1", "198.51.100.7", 64, 20), 0);
	expect_no_error(udp_ttl(DPT_LAN_MAC, "10.0.0.1", "198.51.100.7", 64, 20), 0);
	expect_no_error(udp_ttl(BCAST_MAC, "10.0.0.2", "198.51.100.7", 64, 20), 0);
	expect_no_error(udp_ttl(DPT_LAN_MAC, "10.0.0.2", "198.51.100.7", 64, 20), 2);
	default_route(false);
}

static void
test_rate_limit(void **state)
{
	struct rte_mbuf *m;
	uint64_t rl;
	unsigned int sent;

	(void)state;
	m = udp_ttl(DPT_LAN_MAC, "10.0.0.2", "192.0.2.50", 63, 20);
	rte_pktmbuf_adj(m, 14);

	/* Empty bucket, last refill "now": suppressed and counted. */
	rl = dpt_drops(DROP_ICMP_RATELIMIT);
	w.icmp_tokens = 0;
	w.icmp_last = rte_get_tsc_cycles() + dp.hz;
	icmp_error(&w, m, 0, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
	assert_int_equal(dpt_queued(&w), 0);
	assert_int_equal(dpt_drops(DROP_ICMP_RATELIMIT), rl + 1);

	/* Two seconds later the bucket is full again. */
	w.icmp_last = rte_get_tsc_cycles() - 2 * dp.hz;
	icmp_error(&w, m, 0, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
	assert_int_equal(w.tx[0].n, 1);
	assert_int_equal(w.icmp_tokens, ICMP_RATE_BURST - 1);
	dpt_tx_clear(&w);

	/* A burst: the bucket's worth go out, the rest are counted. */
	wctx_init(&w, 0);
	rl = dpt_drops(DROP_ICMP_RATELIMIT);
	for (int i = 0; i < 2 * ICMP_RATE_BURST; i++)
		icmp_error(&w, m, 0, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
	sent = w.tx[0].n;
	assert_true(sent >= ICMP_RATE_BURST && sent <= ICMP_RATE_BURST + 5);
	assert_int_equal(dpt_drops(DROP_ICMP_RATELIMIT), rl + 2 * ICMP_RATE_BURST - sent);
	rte_pktmbuf_free(m);
	done();
	wctx_init(&w, 0);
}

/* The reply expected for the echo request ip: built by hand. */
static void
check_echo_reply(const uint8_t *req, size_t len, const char *from)
{
	uint8_t exp[256];
	struct rte_ether_hdr *eth;
	struct rte_ether_addr a;
	struct rte_mbuf *m;
	uint16_t ck;

	assert_int_equal(dpt_queued(&w), 1);
	assert_int_equal(w.tx[0].n, 1);
	m = w.tx[0].m[0];
	assert_int_equal(rte_pktmbuf_pkt_len(m), 14 + len);
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	a = dpt_mac(DPT_HOST_MAC);
	assert_memory_equal(&eth->dst_addr, &a, 6);
	a = dpt_mac(DPT_LAN_MAC);
	assert_memory_equal(&eth->src_addr, &a, 6);

	memcpy(exp, req, len);
	exp[6] = exp[7] = 0;			/* no DF: ours to fragment */
	exp[8] = 64;
	put32(exp + 12, dpt_ip(from));
	memcpy(exp + 16, req + 12, 4);
	exp[10] = exp[11] = 0;
	ck = dpt_cksum(exp, 20);
	memcpy(exp + 10, &ck, 2);
	exp[20] = 0;				/* echo reply */
	exp[22] = exp[23] = 0;
	ck = dpt_cksum(exp + 20, len - 20);
	memcpy(exp + 22, &ck, 2);
	assert_memory_equal(eth + 1, exp, len);
}

static void
test_echo_reply(void **state)
{
	uint8_t req[20 + 8 + 56];
	struct rte_mbuf *m;
	struct rte_icmp_hdr *icmp;
	uint64_t bad, lu;

	(void)state;
	m = dpt_echo(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", "10.0.0.1", 0x4242, 9, 56);
	dpt_frame_ip(m)->fragment_offset = htons(RTE_IPV4_HDR_DF_FLAG);	/* as ping sends */
	dpt_fix_cksum(dpt_frame_ip(m));
	memcpy(req, dpt_frame_ip(m), sizeof(req));
	dpt_input1(&w, m);
	check_echo_reply(req, sizeof(req), "10.0.0.1");
	done();

	/* Any of our addresses answers, on the port the request came in. */
	m = dpt_echo(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", "192.0.2.1", 1, 0xffff, 56);
	memcpy(req, dpt_frame_ip(m), sizeof(req));
	dpt_input1(&w, m);
	check_echo_reply(req, sizeof(req), "192.0.2.1");
	done();

	/* A bad ICMP checksum is a bad header. */
	bad = dpt_drops(DROP_BAD_HEADER);
	m = dpt_echo(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", "10.0.0.1", 1, 1, 56);
	icmp = (struct rte_icmp_hdr *)(dpt_frame_ip(m) + 1);
	icmp->icmp_cksum ^= 0x0101;
	dpt_input1(&w, m);
	assert_int_equal(dpt_queued(&w), 0);
	assert_int_equal(dpt_drops(DROP_BAD_HEADER), bad + 1);

	/* An echo reply to us is consumed and counted, not answered. */
	lu = dpt_drops(DROP_LOCAL_UNREACH);
	m = dpt_echo(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", "10.0.0.1", 1, 1, 8);
	icmp = (struct rte_icmp_hdr *)(dpt_frame_ip(m) + 1);
	icmp->icmp_type = 0;
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = dpt_cksum(icmp, 16);
	dpt_input1(&w, m);
	assert_int_equal(dpt_queued(&w), 0);
	assert_int_equal(dpt_drops(DROP_LOCAL_UNREACH), lu + 1);
	done();
}

/*
 * An echo request larger than the link, in two pieces (RFC 791), to the
 * router on a port without a host stack, NAT off: put back together and
 * answered, the reply cut again for lan's MTU (1500), as the kernel
 * answers ping -s 1580.  The pieces, reassembled here, are the request
 * with its type 0 and its checksum redone; the reassembly is counted.
 */
static void
test_echo_in_fragments(void **state)
{
	enum { DATA = 1580, ICMP_LEN = 8 + DATA };
	static uint8_t want[ICMP_LEN], got[ICMP_LEN];
	const uint64_t whole = dpt_nat_counter("fragments_reassembled");
	struct rte_mbuf *m, *p[2];
	uint32_t at = 0;
	uint16_t ck;

	(void)state;
	assert_false(nat_enabled);
	m = dpt_echo(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", "10.0.0.1", 0x4343, 3, DATA);
	memcpy(want, dpt_frame_ip(m) + 1, ICMP_LEN);
	want[0] = 0;
	want[2] = want[3] = 0;
	ck = dpt_cksum(want, ICMP_LEN);
	memcpy(want + 2, &ck, 2);
	p[0] = dpt_fragment(dpt_frame_ip(m), DPT_LAN_MAC, DPT_HOST_MAC, 0, 1480, true);
	p[1] = dpt_fragment(dpt_frame_ip(m), DPT_LAN_MAC, DPT_HOST_MAC, 1480, ICMP_LEN - 1480,
			    false);
	rte_pktmbuf_free(m);
	dpt_input1(&w, p[0]);
	assert_int_equal(dpt_queued(&w), 0);
	dpt_input1(&w, p[1]);
	assert_int_equal(dpt_nat_counter("fragments_reassembled"), whole + 1);

	assert_int_equal(dpt_queued(&w), 2);
	assert_int_equal(w.tx[0].n, 2);
	for (unsigned int i = 0; i < 2; i++) {
		const struct rte_ipv4_hdr *ip = dpt_frame_ip(w.tx[0].m[i]);
		uint16_t len = ntohs(ip->total_length) - 20;
		const void *data;
		uint16_t off = ntohs(ip->fragment_offset);

		assert_int_equal(ip->src_addr, htonl(dpt_ip("10.0.0.1")));
		assert_int_equal(ip->dst_addr, htonl(dpt_ip("10.0.0.2")));
		assert_int_equal(dpt_cksum(ip, 20), 0);
		assert_true(20 + len <= 1500);
		assert_int_equal((off & RTE_IPV4_HDR_OFFSET_MASK) * 8u, at);
		assert_int_equal(!!(off & RTE_IPV4_HDR_MF_FLAG), i == 0);
		assert_true(at + len <= ICMP_LEN);
		data = rte_pktmbuf_read(w.tx[0].m[i], 14 + 20, len, got + at);
		assert_non_null(data);
		if (data != got + at)
			memcpy(got + at, data, len);
		at += len;
	}
	assert_int_equal(at, ICMP_LEN);
	assert_memory_equal(got, want, ICMP_LEN);
	done();
	assert_int_equal(dpt_mbufs_in_use(), 0);

	/* A datagram whose rest never comes: held; its time up (RFC 792, as
	 * the kernel), a Time Exceeded (fragment reassembly time exceeded)
	 * from the address it was for, quoting its first piece's header and
	 * 8 bytes, and a counted drop.  One whose first piece never came:
	 * the drop alone.  Then both identifications may come again. */
	for (unsigned int round = 0; round < 2; round++) {
		const uint64_t drops = dpt_nat_counter("fragment_drops");
		uint8_t quote[28];

		m = dpt_echo(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", "10.0.0.1", 0x4344, 4, DATA);
		p[0] = dpt_fragment(dpt_frame_ip(m), DPT_LAN_MAC, DPT_HOST_MAC, 0, 1480, true);
		dpt_frame_ip(m)->packet_id = htons(0x4345);
		p[1] = dpt_fragment(dpt_frame_ip(m), DPT_LAN_MAC, DPT_HOST_MAC, 1480,
				    ICMP_LEN - 1480, false);
		rte_pktmbuf_free(m);
		memcpy(quote, dpt_frame_ip(p[0]), sizeof(quote));
		dpt_input1(&w, p[0]);
		dpt_input1(&w, p[1]);
		assert_int_equal(dpt_queued(&w), 0);
		assert_int_equal(dpt_mbufs_in_use(), 2);
		/* Sweeps are a quarter of a second apart on the NAT clock. */
		nat_timer(rte_get_tsc_cycles() + (6 + 6 * round) * dp.hz);
		nat_frag_sweep(&w);
		assert_int_equal(dpt_nat_counter("fragment_drops"), drops + 2);
		check_error(0, DPT_HOST_MAC, DPT_LAN_MAC, "10.0.0.1", "10.0.0.2",
			    ICMP_TIME_EXCEEDED, ICMP_EXC_FRAGTIME, 0, quote, sizeof(quote));
		done();
		assert_int_equal(dpt_mbufs_in_use(), 0);
		nat_timer(rte_get_tsc_cycles());
	}
}

/*
 * Masquerade: a packet held for ARP has already left the NAT with the
 * router's address as source.  When ARP fails, the Host Unreachable must
 * still reach the LAN host, quoting what it sent (RFC 5508).
 */
static void
test_error_about_translated_packet(void **state)
{
	struct nat_rule_spec r = { .kind = SLUICE_NAT_MASQUERADE, .port = 1 };
	struct rte_mbuf *m, *p[4];
	struct rte_ipv4_hdr *ip, *q;
	struct rte_udp_hdr *qu;
	struct rte_ether_addr a = dpt_mac(DPT_HOST_MAC);

	(void)state;
	assert_int_equal(nat_rule_add(&r), 0);
	assert_true(nat_enabled);
	dpt_input1(&w, udp_ttl(DPT_LAN_MAC, "10.0.0.2", "192.0.2.50", 64, 20));
	assert_int_equal(dpt_queued(&w), 0);
	assert_int_equal(dpt_punted(p, 4), 1);
	m = p[0];
	ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	assert_int_equal(ip->src_addr, htonl(dpt_ip("192.0.2.1")));	/* translated */

	/* What the control lcore does when ARP gives up. */
	icmp_error(&w, m, pkt_meta(m)->in_port, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
	rte_pktmbuf_free(m);
	assert_int_equal(dpt_queued(&w), 1);
	assert_int_equal(w.tx[0].n, 1);
	m = w.tx[0].m[0];
	assert_memory_equal(rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->dst_addr.addr_bytes,
			    a.addr_bytes, 6);
	ip = dpt_frame_ip(m);
	assert_int_equal(ip->src_addr, htonl(dpt_ip("10.0.0.1")));
	assert_int_equal(ip->dst_addr, htonl(dpt_ip("10.0.0.2")));
	assert_int_equal(dpt_cksum(ip, 20), 0);
	assert_int_equal(((uint8_t *)(ip + 1))[0], 3);
	assert_int_equal(((uint8_t *)(ip + 1))[1], 1);
	assert_int_equal(dpt_cksum(ip + 1, ntohs(ip->total_length) - 20), 0);
	q = (struct rte_ipv4_hdr *)((uint8_t *)(ip + 1) + 8);
	qu = (struct rte_udp_hdr *)(q + 1);
	assert_int_equal(q->src_addr, htonl(dpt_ip("10.0.0.2")));
	assert_int_equal(q->dst_addr, htonl(dpt_ip("192.0.2.50")));
	assert_int_equal(qu->src_port, htons(33434));
	assert_int_equal(qu->dst_port, htons(33435));
	assert_int_equal(dpt_cksum(q, 20), 0);
	done();

	assert_int_equal(nat_rule_del(&r, true), 0);
	assert_false(nat_enabled);
}

static int
group_setup(void **state)
{
	(void)state;
	if (dpt_two_ports(&w) != 0)
		return -1;
	dpt_port(2, "dmz", "02:00:00:00:02:01", 1500);	/* no address */
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_exceeded),
		cmocka_unit_test(test_net_unreachable),
		cmocka_unit_test(test_host_unreachable_direct),
		cmocka_unit_test(test_frag_needed),
		cmocka_unit_test(test_port_and_protocol_unreachable),
		cmocka_unit_test(test_quote_options_and_short),
		cmocka_unit_test(test_never_sent),
		cmocka_unit_test(test_rate_limit),
		cmocka_unit_test(test_echo_reply),
		cmocka_unit_test(test_echo_in_fragments),
		cmocka_unit_test(test_error_about_translated_packet),
	};

	dpt_init("icmp");
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
