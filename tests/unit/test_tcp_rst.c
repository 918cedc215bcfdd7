/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP segments for the router's addresses: the exact reset each gets (RFC
 * 9293 3.10.7.1), built here byte by byte, and the segments that get none
 * (a reset, a bad checksum, a link-layer broadcast, an empty token bucket,
 * an unsolicited SYN to a port a NAT mapping holds).
 *
 * lan = slot 0, 10.0.0.1/24, host 10.0.0.2; wan = slot 1, 192.0.2.1/24,
 * gateway 192.0.2.254 (dp_test.h's fixture).
 */
#include <arpa/inet.h>
#include <string.h>

#include <linux/rtnetlink.h>
#include <rte_cycles.h>
#include <rte_tcp.h>

#include "dp_test.h"
#include "icmp.h"
#include "nat.h"

#define BCAST_MAC	"ff:ff:ff:ff:ff:ff"
#define REMOTE		"198.51.100.7"
#define REMOTE_MAC	"02:00:00:00:01:77"

static struct wctx w;

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8; p[1] = v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

/*
 * A segment as a frame: TCP header (with a 4-byte MSS option when opt),
 * plen bytes of payload, checksum right unless a test spoils it.
 */
static struct rte_mbuf *
seg(const char *dst_mac, const char *src, const char *dst, uint16_t sp, uint16_t dp_,
    uint32_t seq, uint32_t ack, uint8_t flags, bool opt, uint16_t plen, uint8_t tos)
{
	uint8_t buf[128] = { 0 };
	uint16_t hl = opt ? 24 : 20;
	struct rte_tcp_hdr *t = (struct rte_tcp_hdr *)buf;
	struct rte_ipv4_hdr *ip;
	struct rte_mbuf *m;

	t->src_port = htons(sp);
	t->dst_port = htons(dp_);
	t->sent_seq = htonl(seq);
	t->recv_ack = htonl(ack);
	t->data_off = (hl / 4) << 4;
	t->tcp_flags = flags;
	t->rx_win = htons(64240);
	if (opt) {
		buf[20] = 2; buf[21] = 4; buf[22] = 0x05; buf[23] = 0xb4;	/* MSS 1460 */
	}
	memset(buf + hl, 'x', plen);
	m = dpt_ipv4(dst_mac, DPT_HOST_MAC, src, dst, IPPROTO_TCP, 64, buf, hl + plen);
	ip = dpt_frame_ip(m);
	ip->type_of_service = tos;
	dpt_fix_cksum(ip);
	t = (struct rte_tcp_hdr *)(ip + 1);
	t->cksum = rte_ipv4_udptcp_cksum(ip, t);
	return m;
}

/* The 40 bytes of the reset expected, from the RFCs. */
static void
expect_rst(const struct rte_mbuf *m, const char *src, const char *dst, uint16_t sp,
	   uint16_t dp_, uint32_t seq, uint32_t ack, uint8_t flags, uint8_t tos)
{
	uint8_t exp[40] = { 0 }, ph[12 + 20];
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	uint16_t ck;

	exp[0] = 0x45;
	exp[1] = tos;
	put16(exp + 2, 40);
	/* id 0 */
	put16(exp + 6, 0x4000);		/* DF */
	exp[8] = 64;
	exp[9] = IPPROTO_TCP;
	put32(exp + 12, dpt_ip(src));
	put32(exp + 16, dpt_ip(dst));
	ck = dpt_cksum(exp, 20);
	memcpy(exp + 10, &ck, 2);
	put16(exp + 20, sp);
	put16(exp + 22, dp_);
	put32(exp + 24, seq);
	put32(exp + 28, ack);
	exp[32] = 0x50;
	exp[33] = flags;
	/* window 0, urgent 0 */
	memcpy(ph, exp + 12, 8);
	ph[8] = 0;
	ph[9] = IPPROTO_TCP;
	put16(ph + 10, 20);
	memcpy(ph + 12, exp + 20, 20);
	ck = dpt_cksum(ph, sizeof(ph));
	memcpy(exp + 36, &ck, 2);

	assert_int_equal(m->nb_segs, 1);
	assert_int_equal(rte_pktmbuf_pkt_len(m), 14 + 40);
	assert_int_equal(eth->ether_type, htons(0x0800));
	assert_memory_equal(eth + 1, exp, 40);
}

/* The one frame queued, on port, to dst_mac from the port's MAC. */
static struct rte_mbuf *
one_frame(uint16_t port, const char *dst_mac)
{
	struct rte_ether_addr a = dpt_mac(dst_mac);
	const struct rte_ether_hdr *eth;

	assert_int_equal(dpt_queued(&w), 1);
	assert_int_equal(w.tx[port].n, 1);
	eth = rte_pktmbuf_mtod(w.tx[port].m[0], const struct rte_ether_hdr *);
	assert_memory_equal(&eth->dst_addr, &a, 6);
	assert_memory_equal(&eth->src_addr, &ports[port].mac, 6);
	return w.tx[port].m[0];
}

static void
done(void)
{
	dpt_done(&w);
}

static void
in_on(uint16_t port, struct rte_mbuf *m)
{
	pkt_meta(m)->in_port = port;
	worker_input(&w, port, &m, 1);
}

static void
test_syn_gets_rst_ack(void **state)
{
	uint64_t lu = dpt_drops(DROP_LOCAL_UNREACH);

	(void)state;
	/* A SYN with an option: <SEQ=0><ACK=SEG.SEQ+1><CTL=RST,ACK>, ports
	 * and addresses swapped, DSCP kept and ECN bits (ECT(0)) cleared. */
	dpt_input1(&w, seg(DPT_LAN_MAC, "10.0.0.2", "10.0.0.1", 40000, 22, 0xfffffff0, 0,
			   RTE_TCP_SYN_FLAG, true, 0, 0x2a));
	expect_rst(one_frame(0, DPT_HOST_MAC), "10.0.0.1", "10.0.0.2", 22, 40000,
		   0, 0xfffffff1, RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG, 0x28);
	assert_int_equal(dpt_drops(DROP_LOCAL_UNREACH), lu + 1);
	done();

	/* To the other port's address: answered from it, back out lan. */
	dpt_input1(&w, seg(DPT_LAN_MAC, "10.0.0.2", "192.0.2.1", 40001, 80, 7, 0,
			   RTE_TCP_SYN_FLAG, false, 0, 0));
	expect_rst(one_frame(0, DPT_HOST_MAC), "192.0.2.1", "10.0.0.2", 80, 40001,
		   0, 8, RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG, 0);
	done();

	/* FIN with 3 bytes and no ACK: the FIN counts one, wrapping. */
	dpt_input1(&w, seg(DPT_LAN_MAC, "10.0.0.2", "10.0.0.1", 40002, 443, 0xfffffffd, 0,
			   RTE_TCP_FIN_FLAG, false, 3, 0));
	expect_rst(one_frame(0, DPT_HOST_MAC), "10.0.0.1", "10.0.0.2", 443, 40002,
		   0, 1, RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG, 0);
	done();
}

static void
test_ack_gets_rst_at_its_ack(void **state)
{
	(void)state;
	/* An ACK segment with data: <SEQ=SEG.ACK><CTL=RST>. */
	dpt_input1(&w, seg(DPT_LAN_MAC, "10.0.0.2", "10.0.0.1", 40000, 22, 1000, 0x12345678,
			   RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG, false, 5, 0));
	expect_rst(one_frame(0, DPT_HOST_MAC), "10.0.0.1", "10.0.0.2", 22, 40000,
		   0x12345678, 0, RTE_TCP_RST_FLAG, 0);
	done();
	/* SYN|ACK too. */
	dpt_input1(&w, seg(DPT_LAN_MAC, "10.0.0.2", "10.0.0.1", 40000, 22, 1000, 77,
			   RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG, true, 0, 0));
	expect_rst(one_frame(0, DPT_HOST_MAC), "10.0.0.1", "10.0.0.2", 22, 40000,
		   77, 0, RTE_TCP_RST_FLAG, 0);
	done();
}

static void
test_no_rst(void **state)
{
	uint64_t lu = dpt_drops(DROP_LOCAL_UNREACH), bad = dpt_drops(DROP_BAD_HEADER);
	uint64_t rl = dpt_drops(DROP_ICMP_RATELIMIT);
	struct rte_mbuf *m;
	struct rte_tcp_hdr *t;

	(void)state;
	/* Never a reset for a reset (with or without ACK). */
	dpt_input1(&w, seg(DPT_LAN_MAC, "10.0.0.2", "10.0.0.1", 40000, 22, 5, 0,
			   RTE_TCP_RST_FLAG, false, 0, 0));
	dpt_input1(&w, seg(DPT_LAN_MAC, "10.0.0.2", "10.0.0.1", 40000, 22, 5, 9,
			   RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG, false, 0, 0));
	assert_int_equal(dpt_queued(&w), 0);
	assert_int_equal(dpt_drops(DROP_LOCAL_UNREACH), lu + 2);

	/* A bad checksum, a data offset past the end, a header cut short:
	 * malformed, counted, unanswered. */
	m = seg(DPT_LAN_MAC, "10.0.0.2", "10.0.0.1", 40000, 22, 5, 0, RTE_TCP_SYN_FLAG,
		false, 0, 0);
	t = (struct rte_tcp_hdr *)(dpt_frame_ip(m) + 1);
	t->cksum ^= 1;
	dpt_input1(&w, m);
	m = seg(DPT_LAN_MAC, "10.0.0.2", "10.0.0.1", 40000, 22, 5, 0, RTE_TCP_SYN_FLAG,
		false, 0, 0);
	t = (struct rte_tcp_hdr *)(dpt_frame_ip(m) + 1);
	t->data_off = 6 << 4;
	t->cksum = 0;
	t->cksum = rte_ipv4_udptcp_cksum(dpt_frame_ip(m), t);
	dpt_input1(&w, m);
	dpt_input1(&w, dpt_ipv4(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", "10.0.0.1",
				IPPROTO_TCP, 64, "\x9c\x40\x00\x16\0\0\0\x05", 8));
	assert_int_equal(dpt_queued(&w), 0);
	assert_int_equal(dpt_drops(DROP_BAD_HEADER), bad + 3);
	assert_int_equal(dpt_drops(DROP_LOCAL_UNREACH), lu + 2);

	/* Sent to the link-layer broadcast: no answer (RFC 1812 4.3.2.7, and
	 * a host takes only frames for itself). */
	dpt_input1(&w, seg(BCAST_MAC, "10.0.0.2", "10.0.0.1", 40000, 22, 5, 0,
			   RTE_TCP_SYN_FLAG, false, 0, 0));
	assert_int_equal(dpt_queued(&w), 0);
	assert_int_equal(dpt_drops(DROP_LOCAL_UNREACH), lu + 3);

	/* The ICMP errors' bucket: empty, the reset is suppressed and
	 * counted; refilled, it goes. */
	w.icmp_tokens = 0;
	w.icmp_last = rte_get_tsc_cycles() + dp.hz;
	dpt_input1(&w, seg(DPT_LAN_MAC, "10.0.0.2", "10.0.0.1", 40000, 22, 5, 0,
			   RTE_TCP_SYN_FLAG, false, 0, 0));
	assert_int_equal(dpt_queued(&w), 0);
	assert_int_equal(dpt_drops(DROP_ICMP_RATELIMIT), rl + 1);
	w.icmp_last = rte_get_tsc_cycles() - 2 * dp.hz;
	dpt_input1(&w, seg(DPT_LAN_MAC, "10.0.0.2", "10.0.0.1", 40000, 22, 5, 0,
			   RTE_TCP_SYN_FLAG, false, 0, 0));
	expect_rst(one_frame(0, DPT_HOST_MAC), "10.0.0.1", "10.0.0.2", 22, 40000,
		   0, 6, RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG, 0);
	assert_int_equal(w.icmp_tokens, ICMP_RATE_BURST - 1);
	done();
	wctx_init(&w, 0);
}

/* The resets share the ICMP errors' bucket: a burst of SYNs gets the
 * bucket's worth of resets, the rest are counted. */
static void
test_rst_burst_limited(void **state)
{
	uint64_t rl = dpt_drops(DROP_ICMP_RATELIMIT);
	unsigned int sent = 0;

	(void)state;
	wctx_init(&w, 0);
	for (int i = 0; i < 2 * ICMP_RATE_BURST; i++) {
		dpt_input1(&w, seg(DPT_LAN_MAC, "10.0.0.2", "10.0.0.1", 40000 + i, 22, 5, 0,
				   RTE_TCP_SYN_FLAG, false, 0, 0));
		sent += w.tx[0].n;
		dpt_tx_clear(&w);
	}
	assert_true(sent >= ICMP_RATE_BURST && sent <= ICMP_RATE_BURST + 5);
	assert_int_equal(dpt_drops(DROP_ICMP_RATELIMIT), rl + 2 * ICMP_RATE_BURST - sent);
	done();
	wctx_init(&w, 0);
}

/*
 * Through a NAT: masquerade on wan.  A remote host's SYN to the router's
 * wan address on a port nobody forwards is reset from that address; one
 * to a port a mapping holds (address-and-port-dependent filtering) gets
 * nothing (RFC 5382 REQ-4: it may be a simultaneous open) and is a NAT
 * drop.  A dnat to a router address is reset as the client saw it.
 */
static void
test_rst_through_nat(void **state)
{
	struct nat_rule_spec mq = { .kind = SLUICE_NAT_MASQUERADE, .port = 1 };
	struct nat_rule_spec dn = { .kind = SLUICE_NAT_DNAT, .port = 1, .proto = IPPROTO_TCP,
				    .dport_min = 2222, .dport_max = 2222, .port_min = 22,
				    .port_max = 22 };
	struct rte_mbuf *m;
	uint64_t nd = dpt_drops(DROP_NAT);
	uint16_t mapped;

	(void)state;
	dn.addr_min = dpt_ip("10.0.0.1");
	dpt_route(true, "0.0.0.0", 0, "192.0.2.254", RTN_UNICAST);
	assert_int_equal(nat_rule_add(&mq), 0);
	assert_int_equal(nat_rule_add(&dn), 0);

	in_on(1, seg(DPT_WAN_MAC, REMOTE, "192.0.2.1", 5555, 22, 100, 0, RTE_TCP_SYN_FLAG,
		     true, 0, 0));
	expect_rst(one_frame(1, DPT_GW_MAC), "192.0.2.1", REMOTE, 22, 5555,
		   0, 101, RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG, 0);
	done();

	/* 192.0.2.1:2222 is forwarded to the router's own 10.0.0.1:22: the
	 * reset leaves as from 192.0.2.1:2222. */
	in_on(1, seg(DPT_WAN_MAC, REMOTE, "192.0.2.1", 5556, 2222, 100, 0, RTE_TCP_SYN_FLAG,
		     false, 0, 0));
	expect_rst(one_frame(1, DPT_GW_MAC), "192.0.2.1", REMOTE, 2222, 5556,
		   0, 101, RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG, 0);
	done();

	/* The lan host opens a mapping, then another remote knocks on it. */
	dpt_input1(&w, seg(DPT_LAN_MAC, "10.0.0.2", REMOTE, 40000, 80, 1, 0, RTE_TCP_SYN_FLAG,
			   false, 0, 0));
	m = one_frame(1, DPT_GW_MAC);
	mapped = ntohs(((struct rte_tcp_hdr *)(dpt_frame_ip(m) + 1))->src_port);
	done();
	in_on(1, seg(DPT_WAN_MAC, "198.51.100.9", "192.0.2.1", 80, mapped, 9, 0,
		     RTE_TCP_SYN_FLAG, false, 0, 0));
	assert_int_equal(dpt_queued(&w), 0);
	assert_int_equal(dpt_drops(DROP_NAT), nd + 1);
	done();

	assert_int_equal(nat_rule_del(&dn, true), 0);
	assert_int_equal(nat_rule_del(&mq, true), 0);
	nat_sess_flush();
	dpt_route(false, "0.0.0.0", 0, "192.0.2.254", RTN_UNICAST);
	done();
}

static int
group_setup(void **state)
{
	(void)state;
	return dpt_two_ports(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syn_gets_rst_ack),
		cmocka_unit_test(test_ack_gets_rst_at_its_ack),
		cmocka_unit_test(test_no_rst),
		cmocka_unit_test(test_rst_burst_limited),
		cmocka_unit_test(test_rst_through_nat),
	};

	dpt_init("tcp_rst");
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
