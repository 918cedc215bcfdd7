/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 forwarding and ICMPv6, byte for byte: what is forwarded (hop limit,
 * extension headers untouched), what is not (martians, link-local scope,
 * multicast, hop-by-hop options), longest-prefix match, the errors (Time
 * Exceeded, Destination Unreachable, Packet Too Big with the egress MTU,
 * never about an ICMPv6 error, rate-limited), echo replies for global and
 * link-local addresses, and the checksums of all of them.
 */
#define ALLOW_EXPERIMENTAL_API	/* rte_vect_get_max_simd_bitwidth */
#include <sys/socket.h>
#include <unistd.h>

#include <rte_malloc.h>
#include <rte_tcp.h>
#include <rte_random.h>
#include <rte_vect.h>

#include "frag6.h"
#include "ip6_test.h"
#include "nat.h"

static struct wctx w;

static int
setup(void **state)
{
	(void)state;
	return ip6_fixture(&w);
}

/* The one frame w holds, on port. */
static struct rte_mbuf *
only(uint16_t port)
{
	assert_int_equal(dpt_queued(&w), 1);
	assert_int_equal(w.tx[port].n, 1);
	return w.tx[port].m[0];
}

/*
 * The error the router must send about orig (olen bytes of IPv6 packet as
 * the host sent it), from src to the host, built from RFC 4443.
 */
static void
check_error6(const char *src, uint8_t type, uint8_t code, uint32_t param,
	     const uint8_t *orig, uint32_t olen)
{
	uint8_t exp[1280], msg[1240];
	uint32_t qlen = olen < 1232 ? olen : 1232, n;

	memset(msg, 0, sizeof(msg));
	msg[0] = type;
	msg[1] = code;
	msg[4] = param >> 24;
	msg[5] = param >> 16;
	msg[6] = param >> 8;
	msg[7] = param;
	memcpy(msg + 8, orig, qlen);
	n = ip6_bytes(exp, src, HOST6, IPPROTO_ICMPV6, 64, msg, 8 + qlen);
	fix_icmp6(exp);
	check_frame(only(0), DPT_HOST_MAC, DPT_LAN_MAC, exp, n);
	dpt_done(&w);
}

/* pkt (n bytes) from the host on lan: out on wan to the gateway, its hop
 * limit one less, nothing else changed (IPv6 has no header checksum). */
static void
check_forwarded(uint8_t *pkt, uint32_t n)
{
	dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
	pkt[7]--;
	check_frame(only(1), DPT_GW_MAC, DPT_WAN_MAC, pkt, n);
	dpt_done(&w);
}

static void
test_forward_hop_limit(void **state)
{
	uint8_t data[64], pkt[128];
	uint32_t n;

	(void)state;
	memset(data, 0xab, sizeof(data));
	n = ip6_bytes(pkt, HOST6, "2001:db8:99::5", IPPROTO_UDP, 64, data, sizeof(data));
	check_forwarded(pkt, n);

	/* Hop limit 2 still goes, with 1. */
	n = ip6_bytes(pkt, HOST6, "2001:db8:99::5", IPPROTO_UDP, 2, data, sizeof(data));
	check_forwarded(pkt, n);
}

static void
test_time_exceeded(void **state)
{
	uint64_t d = dpt_drops(DROP6_HOP_LIMIT);
	uint8_t data[16] = { 1, 2, 3 }, pkt[128];
	uint32_t n;

	(void)state;
	for (uint8_t hl = 0; hl <= 1; hl++) {
		n = ip6_bytes(pkt, HOST6, "2001:db8:99::5", IPPROTO_UDP, hl, data, sizeof(data));
		dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
		/* RFC 4443 3.3: code 0, from our address on the host's
		 * network, quoting the packet as it came. */
		check_error6(LAN_GUA, ICMP6_TIME_EXCEEDED, ICMP6_TIME_EXCEED_TRANSIT, 0, pkt, n);
	}
	assert_int_equal(dpt_drops(DROP6_HOP_LIMIT), d + 2);
}

static void
test_packet_too_big(void **state)
{
	static uint8_t data[1500], pkt[1600];
	uint64_t d = dpt_drops(DROP6_TOO_BIG);
	uint32_t n;

	(void)state;
	assert_int_equal(port_set_mtu(1, 1400), 0);
	for (unsigned int i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	/* 1401 bytes of IPv6 for a 1400-byte MTU: never fragmented, PTB
	 * with the MTU, quoting as much as fits in 1280 bytes. */
	n = ip6_bytes(pkt, HOST6, "2001:db8:99::5", IPPROTO_UDP, 64, data, 1361);
	assert_int_equal(n, 1401);
	dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
	assert_int_equal(w.tx[1].n, 0);
	check_error6(LAN_GUA, ICMP6_PACKET_TOO_BIG, 0, 1400, pkt, n);
	assert_int_equal(dpt_drops(DROP6_TOO_BIG), d + 1);
	/* Exactly the MTU passes. */
	n = ip6_bytes(pkt, HOST6, "2001:db8:99::5", IPPROTO_UDP, 64, data, 1360);
	dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
	pkt[7] = 63;
	check_frame(only(1), DPT_GW_MAC, DPT_WAN_MAC, pkt, n);
	dpt_done(&w);
	assert_int_equal(port_set_mtu(1, 1500), 0);
}

static void
test_no_route_and_blackhole(void **state)
{
	uint8_t data[8] = { 9 }, pkt[64];
	uint64_t nr = dpt_drops(DROP6_NO_ROUTE), bh = dpt_drops(DROP6_BLACKHOLE);
	uint32_t n;

	(void)state;
	route6(false, "::", 0, NULL, RTN_UNSPEC, DP_NO_PORT);
	n = ip6_bytes(pkt, HOST6, "2001:db8:99::5", IPPROTO_UDP, 64, data, sizeof(data));
	dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
	check_error6(LAN_GUA, ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_NOROUTE, 0, pkt, n);
	assert_int_equal(dpt_drops(DROP6_NO_ROUTE), nr + 1);
	/* A blackhole drops without a word. */
	route6(true, "2001:db8:99::", 48, NULL, RTN_BLACKHOLE, DP_NO_PORT);
	dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
	assert_int_equal(dpt_queued(&w), 0);
	assert_int_equal(dpt_drops(DROP6_BLACKHOLE), bh + 1);
	dpt_done(&w);
	route6(false, "2001:db8:99::", 48, NULL, RTN_UNSPEC, DP_NO_PORT);
	route6(true, "::", 0, GW6, RTN_UNICAST, DP_NO_PORT);
}

/*
 * One burst through many next hops: ten gateways (the burst's neighbour
 * step remembers eight, looks each up once, and the others packet by
 * packet), one of them unresolved, and connected destinations, resolved
 * and not, interleaved, then a run to one connected host with another
 * between.  Every packet leaves on wan in its order, to its
 * own next hop's MAC, hop limit one less; the unresolved ones are punted
 * with their next hop, nothing else.
 */
#define NGW	10
static void
test_burst_next_hops(void **state)
{
	struct rte_mbuf *in[DP_BURST], *punted[DP_BURST];
	uint8_t pkt[DP_BURST][128], data[2], a[16];
	uint32_t len[DP_BURST];
	char dst[DP_BURST][INET6_ADDRSTRLEN], nh[DP_BURST][INET6_ADDRSTRLEN];
	char mac[DP_BURST][18], s[INET6_ADDRSTRLEN];
	unsigned int sent = 0, np, resolved = 0;

	(void)state;
	for (int g = 0; g < NGW; g++) {
		struct rte_ether_addr m = { { 0x02, 0, 0, 0, 0x02, (uint8_t)g } };

		snprintf(s, sizeof(s), "2001:db8:2::a%d", g);
		if (g != 7) {	/* 2001:db8:2::a7 stays unresolved */
			a6(s, a);
			assert_int_equal(neigh6_add(1, a, &m, true, 0), 0);
		}
		snprintf(dst[0], sizeof(dst[0]), "2001:db8:a%d::", g);
		route6(true, dst[0], 48, s, RTN_UNICAST, DP_NO_PORT);
	}
	{
		struct rte_ether_addr m = dpt_mac("02:00:00:00:03:01");

		a6("2001:db8:2::77", a);
		assert_int_equal(neigh6_add(1, a, &m, true, 0), 0);
	}
	for (int i = 0; i < DP_BURST; i++) {
		/* The last four: a run to one connected host, another between. */
		int c = i < DP_BURST - 4 ? (i * 7) % (NGW + 2) : i == DP_BURST - 2 ? NGW + 1 : NGW;

		if (c < NGW) {
			snprintf(dst[i], sizeof(dst[i]), "2001:db8:a%d::%x", c, i + 1);
			snprintf(nh[i], sizeof(nh[i]), "2001:db8:2::a%d", c);
			snprintf(mac[i], sizeof(mac[i]), "02:00:00:00:02:%02x", c);
		} else {
			/* Connected: 2001:db8:2::77 is known, ::78 not. */
			snprintf(dst[i], sizeof(dst[i]), "2001:db8:2::%s", c == NGW ? "77" : "78");
			memcpy(nh[i], dst[i], sizeof(nh[i]));
			snprintf(mac[i], sizeof(mac[i]), "%s",
				 c == NGW ? "02:00:00:00:03:01" : "");
		}
		if (c == 7)
			mac[i][0] = '\0';
		resolved += mac[i][0] != '\0';
		data[0] = (uint8_t)i;
		data[1] = (uint8_t)c;
		len[i] = ip6_bytes(pkt[i], HOST6, dst[i], IPPROTO_UDP, 64, data, sizeof(data));
		in[i] = frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt[i], len[i]);
		pkt[i][7] = 63;
	}
	worker_input(&w, 0, in, DP_BURST);
	dpt_tx_bytes_check(&w);

	np = dpt_punted(punted, DP_BURST);
	for (int i = 0, p = 0; i < DP_BURST; i++) {
		if (mac[i][0] != '\0') {
			struct rte_mbuf *m = w.tx[1].m[sent++];

			assert_true(sent <= w.tx[1].n);
			check_frame(m, mac[i], DPT_WAN_MAC, pkt[i], len[i]);
			continue;
		}
		/* Held for resolution of its own next hop, as it will leave. */
		assert_true(p < (int)np);
		assert_int_equal(pkt_meta(punted[p])->kind, PKT_RESOLVE6);
		assert_int_equal(pkt_meta(punted[p])->out_port, 1);
		a6(nh[i], a);
		assert_memory_equal(pkt_meta(punted[p])->nh_ip6, a, 16);
		assert_int_equal(rte_pktmbuf_pkt_len(punted[p]), len[i]);
		assert_memory_equal(rte_pktmbuf_mtod(punted[p], void *), pkt[i], len[i]);
		rte_pktmbuf_free(punted[p++]);
	}
	assert_int_equal(sent, w.tx[1].n);
	assert_int_equal(dpt_queued(&w), sent);
	/* c == 7 (gateway) and c == 11 (connected) punted: 6 of 32, 11 of 64. */
	assert_int_equal(np, DP_BURST - sent);
	assert_int_equal(sent, resolved);
	assert_int_equal(sent, DP_BURST == 32 ? 26 : DP_BURST == 64 ? 53 : sent);
	dpt_done(&w);

	for (int g = 0; g < NGW; g++) {
		snprintf(s, sizeof(s), "2001:db8:a%d::", g);
		route6(false, s, 48, NULL, RTN_UNSPEC, DP_NO_PORT);
		snprintf(s, sizeof(s), "2001:db8:2::a%d", g);
		a6(s, a);
		if (g != 7)
			assert_int_equal(neigh6_del(1, a), 0);
	}
	a6("2001:db8:2::77", a);
	assert_int_equal(neigh6_del(1, a), 0);
	drain_sent6();
}

/*
 * One burst through one gateway, the forwarding loop's common case (it
 * keeps the Ethernet header, rewrites its addresses in place and sends a
 * run of packets through one next hop in a tight loop), with packets that
 * must leave the run in the middle: hop limit 1, a link-local source, one
 * too big for the MTU, two of a flow from fec0:: (a source starting with
 * 0xfe that is not link-local: forwarded), a frame padded past its IPv6
 * length (trimmed), hop limit 2 (forwarded with 1).  The wan buffer
 * already holds frames, too many for the burst to fit behind them.
 *
 * What a router promises, and what this asserts: every packet's fate and
 * bytes (each forwarded one exactly once, hop limit one less; each error
 * from the lan address with its type, code and MTU, quoting its packet as
 * it came; nothing else sent or punted), the packets of one flow in the
 * order they came, the frames queued before the burst leaving first and
 * in order, the tx buffer never losing a frame, the drop counters.
 * What it does not pin, since the one pass (branch v6fuse): the order
 * between packets of different ways through the router.  The worker's
 * Ethernet pass routes the common packet at once (ip6_plain) and leaves
 * the odd ones (here the fec0:: flow and the errors) to the exact checks
 * after it, as IPv4 has since fwdfuse; a flow whose packets all take one
 * way keeps its order, and a padded frame is trimmed in the common test
 * so that its flow's order holds (it fails when ip6_plain does not trim).
 */
/* Too many for the burst to fit behind them, whatever DP_BURST is. */
#define PREFILL		(WCTX_TXBUF - DP_BURST / 2)
#define FLOWS		4	/* 2001:db8:99::1..4 from HOST6, by i % FLOWS */
static void
test_burst_one_gateway(void **state)
{
	static uint8_t pkt[DP_BURST][1500];
	static uint8_t data[1400];
	struct rte_mbuf *in[DP_BURST], *pre[PREFILL], *wan[PREFILL + DP_BURST], *lan[DP_BURST];
	struct rte_mbuf *out[PREFILL + 2 * DP_BURST];
	uint32_t len[DP_BURST];
	bool fwd[DP_BURST], seen[DP_BURST] = { false }, err_seen[DP_BURST] = { false };
	int flow[DP_BURST], last[FLOWS + 2];
	char dst[INET6_ADDRSTRLEN];
	struct rte_ether_addr host = dpt_mac(DPT_HOST_MAC);
	struct port_counters *pc = &dp_counters()->port[1];
	uint8_t ll[16];
	unsigned int nwan = 0, nlan = 0, nsent, nf = 0, n;
	uint64_t hl = dpt_drops(DROP6_HOP_LIMIT), sc = dpt_drops(DROP6_SCOPE),
		 tb = dpt_drops(DROP6_TOO_BIG), qf = dpt_drops(DROP_QUEUE_FULL),
		 txd = pc->tx_dropped;

	(void)state;
	/* The link-local source is a neighbour: its error leaves at once. */
	a6("fe80::13", ll);
	assert_int_equal(neigh6_add(0, ll, &host, true, 0), 0);
	assert_int_equal(port_set_mtu(1, 1400), 0);
	for (unsigned int i = 0; i < PREFILL; i++) {
		pre[i] = rte_pktmbuf_alloc(dp.pool);
		assert_non_null(pre[i]);
		tx_buf_add(&w, 1, tx_buf_get(&w, 1), pre[i]);
	}
	for (int i = 0; i < DP_BURST; i++) {
		const bool site = i == 9 || i == 29;	/* one flow from fec0::9 */
		const char *src = site ? "fec0::9" : i == 13 ? "fe80::13" : HOST6;
		uint8_t hlim = i == 5 ? 1 : i == 25 ? 2 : 64;
		uint16_t dlen = i == 17 ? 1361 : 8;	/* 1401 bytes of IPv6 */

		memset(data, i, dlen);	/* the payload names the packet */
		flow[i] = site ? FLOWS : i == 13 ? FLOWS + 1 : i % FLOWS;
		snprintf(dst, sizeof(dst), "2001:db8:99::%x", i % FLOWS + 1);
		len[i] = ip6_bytes(pkt[i], src, dst, IPPROTO_UDP, hlim, data, dlen);
		in[i] = frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt[i], len[i]);
		if (i == 21)	/* Ethernet padding behind the packet */
			memset(rte_pktmbuf_append(in[i], 10), 0xee, 10);
		fwd[i] = i != 5 && i != 13 && i != 17;
		nf += fwd[i];
		pkt[i][7] = hlim - 1;
	}
	worker_input(&w, 0, in, DP_BURST);
	dpt_tx_bytes_check(&w);

	/* All that left: what the buffers sent when one had to make room (to
	 * the control lcore, the port in each frame: the test runs on the main
	 * lcore, whose buffers are its), then what they still hold. */
	while ((n = dpt_sent(out, RTE_DIM(out))) > 0)
		for (unsigned int j = 0; j < n; j++) {
			struct rte_mbuf *m = out[j];

			if (pkt_meta(m)->out_port == 1) {
				assert_true(nwan < RTE_DIM(wan));
				wan[nwan++] = m;
			} else {
				assert_int_equal(pkt_meta(m)->out_port, 0);
				assert_true(nlan < RTE_DIM(lan));
				lan[nlan++] = m;
			}
		}
	nsent = nwan + nlan;
	assert_true(nwan + w.tx[1].n <= RTE_DIM(wan) && nlan + w.tx[0].n <= RTE_DIM(lan));
	memcpy(wan + nwan, w.tx[1].m, w.tx[1].n * sizeof(wan[0]));
	nwan += w.tx[1].n;
	memcpy(lan + nlan, w.tx[0].m, w.tx[0].n * sizeof(lan[0]));
	nlan += w.tx[0].n;
	/* Nothing lost or added: the frames queued before, then the burst's. */
	assert_int_equal(nwan, PREFILL + nf);
	for (unsigned int j = 0; j < PREFILL; j++)
		assert_ptr_equal(wan[j], pre[j]);
	for (int f = 0; f < FLOWS + 2; f++)
		last[f] = -1;
	for (unsigned int j = PREFILL; j < nwan; j++) {
		const uint8_t *b = rte_pktmbuf_mtod(wan[j], const uint8_t *);
		const int i = b[14 + 40];

		assert_true(i < DP_BURST && fwd[i] && !seen[i]);
		seen[i] = true;
		check_frame(wan[j], DPT_GW_MAC, DPT_WAN_MAC, pkt[i], len[i]);
		/* A flow's packets in the order they came. */
		assert_true(i > last[flow[i]]);
		last[flow[i]] = i;
	}

	/* Time Exceeded, beyond scope, Packet Too Big with the MTU, in any
	 * order, from our lan address, each quoting its packet as it came
	 * (hop limit unchanged). */
	assert_int_equal(nlan, 3);
	for (unsigned int e = 0; e < 3; e++) {
		const uint8_t *f = rte_pktmbuf_mtod(lan[e], const uint8_t *);
		const uint8_t *q = f + 14 + 48;
		const int i = q[40];
		uint8_t a[16];

		assert_true(i == 5 || i == 13 || i == 17);
		assert_false(err_seen[i]);
		err_seen[i] = true;
		a6(i == 13 ? LAN_LL : LAN_GUA, a);	/* to a link-local address */
		assert_memory_equal(f + 14 + 8, a, 16);
		assert_int_equal(f[14 + 40], i == 5 ? ICMP6_TIME_EXCEEDED :
				 i == 13 ? ICMP6_DST_UNREACH : ICMP6_PACKET_TOO_BIG);
		assert_int_equal(f[14 + 40 + 1], i == 13 ? ICMP6_DST_UNREACH_BEYONDSCOPE : 0);
		if (i == 17)
			assert_int_equal(f[14 + 40 + 6] << 8 | f[14 + 40 + 7], 1400);
		pkt[i][7]++;
		assert_int_equal(rte_pktmbuf_pkt_len(lan[e]),
				 14 + 48 + (len[i] < 1232 ? len[i] : 1232));
		assert_memory_equal(q, pkt[i], len[i] < 64 ? len[i] : 64);
	}
	assert_int_equal(dpt_queued(&w), nwan + nlan - nsent);
	assert_int_equal(dpt_punted(in, DP_BURST), 0);
	assert_int_equal(dpt_drops(DROP6_HOP_LIMIT), hl + 1);
	assert_int_equal(dpt_drops(DROP6_SCOPE), sc + 1);
	assert_int_equal(dpt_drops(DROP6_TOO_BIG), tb + 1);
	assert_int_equal(dpt_drops(DROP_QUEUE_FULL), qf);
	assert_int_equal(pc->tx_dropped, txd);
	rte_pktmbuf_free_bulk(wan, nwan - w.tx[1].n);
	rte_pktmbuf_free_bulk(lan, nlan - w.tx[0].n);
	dpt_done(&w);
	assert_int_equal(port_set_mtu(1, 1500), 0);
	assert_int_equal(neigh6_del(0, ll), 0);
}

/*
 * The worker's one pass takes the common IPv6 packet (ip6_plain) straight
 * to the forwarding loop: one burst mixing it with everything that must
 * not be taken so, each judged as before and counted under its reason.
 * Forwarded: three packets of one flow (one of them padded), one with
 * destination options and a routing header and one from a source that
 * shares its filter bit with one of our addresses, in the order they
 * came (all of them the common test's: one it sent the exact way would
 * leave after them), and an IPv4 packet; the rest are dropped, answered
 * or punted.
 */
static void
test_one_pass_mixed(void **state)
{
	enum { PLAIN0, HBH, EXT, HL1, MCAST, LLSRC, OURSRC, PADDED, NS, V4, ARP, NEAR,
	       PLAIN1, OTHER_MAC, BCAST, ECHO, LONG, ZERO_SRC, NB };
	/* HBH: an option whose type says discard, which the exact path
	 * reads (a bad_header drop); LONG: the other bad_header. */
	static const enum drop_reason why[] = {
		DROP6_HOP_LIMIT, DROP6_MULTICAST, DROP6_SCOPE,
		DROP6_MARTIAN_SRC, DROP_NOT_FOR_US, DROP6_BAD_HEADER,
	};
	static const unsigned int more[] = { 1, 2, 1, 2, 1, 2 };
	static const int v6_out[] = { PLAIN0, EXT, PADDED, NEAR, PLAIN1 };
	uint8_t ext[40] = {
		IPPROTO_ROUTING, 0, 1, 4, 0, 0, 0, 0,	/* destination options, PadN */
		IPPROTO_UDP, 0, 0, 0, 0, 0, 0, 0,	/* routing, segments left 0 */
	};
	uint8_t data[8], pkt[NB][128], msg[32] = { ND_NEIGHBOR_SOLICIT }, a[16];
	uint32_t len[NB];
	struct rte_mbuf *b[NB], *p[4];
	struct rte_ether_addr host = dpt_mac(DPT_HOST_MAC);
	struct port_counters *pc = &dp_counters()->port[0];
	const uint64_t rx = pc->rx_packets, rxd = pc->rx_dropped;
	uint64_t d[RTE_DIM(why)];
	unsigned int v6 = 0, v4 = 0, np, kinds = 0;
	uint8_t types = 0;

	char near[INET6_ADDRSTRLEN];

	(void)state;
	/* NEAR: a source whose bit in the filter of our addresses is set,
	 * not ours: the exact compare lets it through. */
	for (unsigned int k = 3;; k++) {
		snprintf(near, sizeof(near), "2001:db8:1::%x", k);
		a6(near, a);
		if ((addrs6_get()->ours & addr6_bit(a)) != 0)
			break;
	}
	for (unsigned int i = 0; i < RTE_DIM(why); i++)
		d[i] = dpt_drops(why[i]);
	a6("fe80::13", a);
	assert_int_equal(neigh6_add(0, a, &host, true, 0), 0);
	for (int i = 0; i < NB; i++) {
		const char *src = i == LLSRC ? "fe80::13" : i == OURSRC ? LAN_GUA :
				  i == ZERO_SRC ? "::" : i == NEAR ? near : HOST6;
		const char *dst = i == MCAST ? "ff0e::1" : i == ECHO ? LAN_GUA :
				  i == EXT ? "2001:db8:99::2" : "2001:db8:99::1";
		uint8_t nxt = i == HBH ? IPPROTO_HOPOPTS : i == EXT ? IPPROTO_DSTOPTS :
			      IPPROTO_UDP;

		if (i == NS || i == V4 || i == ARP)
			continue;	/* below */
		memset(data, i, sizeof(data));
		if (i == HBH)
			memcpy(data, (const uint8_t[]){ IPPROTO_UDP, 0, 0x7e, 4, 0, 0, 0, 0 }, 8);
		if (i == EXT)
			len[i] = ip6_bytes(pkt[i], src, dst, nxt, 30, ext, sizeof(ext));
		else if (i == ECHO)
			len[i] = ip6_bytes(pkt[i], src, dst, IPPROTO_ICMPV6, 64,
					   (const uint8_t[]){ ICMP6_ECHO_REQUEST, 0, 0, 0, 0, 7, 0, 1 },
					   8);
		else
			len[i] = ip6_bytes(pkt[i], src, dst, nxt, i == HL1 ? 1 : 64, data,
					   sizeof(data));
		if (i == ECHO)
			fix_icmp6(pkt[i]);
		b[i] = frame6(i == OTHER_MAC ? "02:00:00:00:00:99" :
			      i == BCAST ? "ff:ff:ff:ff:ff:ff" : DPT_LAN_MAC,
			      DPT_HOST_MAC, pkt[i], len[i]);
		pkt[i][7]--;
	}
	memset(rte_pktmbuf_append(b[PADDED], 6), 0xee, 6);
	rte_pktmbuf_mtod_offset(b[LONG], uint8_t *, 14)[5] += 1;	/* payload 9 of 8 */
	/* A neighbour solicitation for our lan address, to its group. */
	a6(LAN_GUA, msg + 8);
	len[NS] = ip6_bytes(pkt[NS], HOST6, "ff02::1:ff00:1", IPPROTO_ICMPV6, 255, msg, 24);
	fix_icmp6(pkt[NS]);
	b[NS] = frame6("33:33:ff:00:00:01", DPT_HOST_MAC, pkt[NS], len[NS]);
	b[V4] = dpt_udp(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", "192.0.2.254", 5000, 53, 8);
	b[ARP] = rte_pktmbuf_alloc(dp.pool);
	assert_non_null(b[ARP]);
	{
		struct rte_ether_hdr *eth =
			(struct rte_ether_hdr *)rte_pktmbuf_append(b[ARP], 14 + 28);

		memset(eth, 0, 14 + 28);
		eth->dst_addr = dpt_mac("ff:ff:ff:ff:ff:ff");
		eth->src_addr = host;
		eth->ether_type = htons(RTE_ETHER_TYPE_ARP);
	}
	worker_input(&w, 0, b, NB);

	/* wan: the IPv6 ones in their order, byte for byte (the padding
	 * trimmed), and the IPv4 one with its TTL one less. */
	for (unsigned int j = 0; j < w.tx[1].n; j++) {
		struct rte_mbuf *m = w.tx[1].m[j];
		const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);

		if (eth->ether_type == htons(RTE_ETHER_TYPE_IPV4)) {
			v4++;
			assert_int_equal(dpt_frame_ip(m)->time_to_live, 63);
			continue;
		}
		assert_true(v6 < RTE_DIM(v6_out));
		check_frame(m, DPT_GW_MAC, DPT_WAN_MAC, pkt[v6_out[v6]], len[v6_out[v6]]);
		v6++;
	}
	assert_int_equal(v6, RTE_DIM(v6_out));
	assert_int_equal(v4, 1);
	/* lan: Time Exceeded, beyond scope, the echo reply, in any order. */
	assert_int_equal(w.tx[0].n, 3);
	for (unsigned int j = 0; j < 3; j++) {
		const uint8_t *f = rte_pktmbuf_mtod(w.tx[0].m[j], const uint8_t *);
		const uint8_t t = f[14 + 40];

		assert_true(t == ICMP6_TIME_EXCEEDED || t == ICMP6_ECHO_REPLY ||
			    (t == ICMP6_DST_UNREACH && f[14 + 41] == ICMP6_DST_UNREACH_BEYONDSCOPE));
		types |= t == ICMP6_TIME_EXCEEDED ? 1 : t == ICMP6_ECHO_REPLY ? 2 : 4;
	}
	assert_int_equal(types, 7);
	/* Punted: the solicitation and the ARP frame. */
	np = dpt_punted(p, RTE_DIM(p));
	assert_int_equal(np, 2);
	for (unsigned int j = 0; j < np; j++)
		kinds |= pkt_meta(p[j])->kind == PKT_ND ? 1 : pkt_meta(p[j])->kind == PKT_ARP ? 2 : 4;
	assert_int_equal(kinds, 3);
	rte_pktmbuf_free_bulk(p, np);
	for (unsigned int i = 0; i < RTE_DIM(why); i++)
		if (dpt_drops(why[i]) != d[i] + more[i])
			fail_msg("%s: %" PRIu64 " more, not %u", drop_names[why[i]],
				 dpt_drops(why[i]) - d[i], more[i]);
	assert_int_equal(pc->rx_packets, rx + NB);
	assert_int_equal(pc->rx_dropped, rxd + 1);	/* not for us */
	assert_int_equal(dpt_queued(&w), RTE_DIM(v6_out) + 1 + 3);
	dpt_done(&w);
	a6("fe80::13", a);
	assert_int_equal(neigh6_del(0, a), 0);
}

/*
 * Bursts of every size up to DP_BURST mixing, at random, plain IPv4
 * frames (the one pass takes them X4 at a time after every X4-th), IPv4
 * with options (the old way) and plain IPv6 (which the four-at-a-time
 * count must neither count nor be counted by): on wan, every one once,
 * the plain IPv4 ones in their order, then those with options, then the
 * IPv6 ones, TTL and hop limit one less, the IPv6 ones byte for byte.
 */
static void
test_one_pass_v4_among_v6(void **state)
{
	struct port_counters *pc = &dp_counters()->port[0];
	uint8_t pkt[DP_BURST][64], data[8];
	uint32_t len[DP_BURST];

	(void)state;
	for (unsigned int round = 0; round < 400; round++) {
		const unsigned int n = 1 + round % DP_BURST;
		const uint64_t rx = pc->rx_packets;
		struct rte_mbuf *b[DP_BURST];
		unsigned int want[3][DP_BURST], nw[3] = { 0 }, got[3] = { 0 }, k = 0;

		for (unsigned int i = 0; i < n; i++) {
			/* Mostly plain IPv4 in the rounds' second half. */
			const unsigned int r = (unsigned int)(rte_rand() % 10);
			const unsigned int kind = r < (round < 200 ? 4u : 8u) ? 0 : r < 9 ? 2 : 1;

			if (kind == 2) {
				memset(data, (int)i, sizeof(data));
				len[i] = ip6_bytes(pkt[i], HOST6, "2001:db8:99::1", IPPROTO_UDP, 64,
						   data, sizeof(data));
				b[i] = frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt[i], len[i]);
				pkt[i][7]--;
			} else {
				b[i] = dpt_udp(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", "192.0.2.254",
					       5000, 53, 8);
				dpt_frame_ip(b[i])->packet_id = htons((uint16_t)i);
				dpt_fix_cksum(dpt_frame_ip(b[i]));
				if (kind == 1)
					assert_non_null(b[i] = dpt_ip_options(b[i]));
			}
			want[kind][nw[kind]++] = i;
		}
		worker_input(&w, 0, b, (uint16_t)n);
		dpt_tx_bytes_check(&w);
		assert_int_equal(pc->rx_packets, rx + n);
		assert_int_equal(w.tx[0].n, 0);
		assert_int_equal(w.tx[1].n, n);
		for (unsigned int kind = 0; kind < 3; kind++)
			for (unsigned int j = 0; j < nw[kind]; j++, k++) {
				struct rte_mbuf *m = w.tx[1].m[k];
				const unsigned int i = want[kind][j];

				if (kind == 2) {
					check_frame(m, DPT_GW_MAC, DPT_WAN_MAC, pkt[i], len[i]);
				} else {
					const struct rte_ipv4_hdr *ip = dpt_frame_ip(m);

					assert_int_equal(ntohs(ip->packet_id), i);
					assert_int_equal(rte_ipv4_hdr_len(ip), kind == 0 ? 20 : 24);
					assert_int_equal(ip->time_to_live, 63);
					assert_int_equal(dpt_cksum(ip, rte_ipv4_hdr_len(ip)), 0);
				}
				got[kind]++;
			}
		assert_memory_equal(got, nw, sizeof(got));
		dpt_done(&w);
	}
}

/* Longest prefix wins, at every length; a delete uncovers the shorter. */
static void
test_lpm(void **state)
{
	struct rte_ether_addr gw2 = dpt_mac("02:00:00:00:01:f2");
	uint8_t ips[4][16], a[16];
	uint64_t nh[4];
	struct route6 r;

	(void)state;
	a6("fe80::2", a);
	assert_int_equal(neigh6_add(1, a, &gw2, true, 0), 0);
	route6(true, "2001:db8:99::", 48, GW6, RTN_UNICAST, DP_NO_PORT);
	route6(true, "2001:db8:99:5::", 64, NULL, RTN_BLACKHOLE, DP_NO_PORT);
	route6(true, "2001:db8:99:5:1::", 80, "fe80::2", RTN_UNICAST, 1);
	route6(true, "2001:db8:99:5:1::7", 128, NULL, RTN_BLACKHOLE, DP_NO_PORT);
	a6("2001:db8:99:6::1", ips[0]);		/* the /48 */
	a6("2001:db8:99:5:2::1", ips[1]);	/* the /64 */
	a6("2001:db8:99:5:1::8", ips[2]);	/* the /80 */
	a6("2001:db8:99:5:1::7", ips[3]);	/* the /128 */
	route6_lookup_bulk((const uint8_t (*)[16])ips, nh, 4);
	assert_int_equal(nexthops6[nh[0]].type, NH_GATEWAY);
	a6(GW6, a);
	assert_memory_equal(nexthops6[nh[0]].gw, a, 16);
	assert_int_equal(nexthops6[nh[1]].type, NH_BLACKHOLE);
	assert_int_equal(nexthops6[nh[2]].type, NH_GATEWAY);
	assert_int_equal(nexthops6[nh[2]].port, 1);
	a6("fe80::2", a);
	assert_memory_equal(nexthops6[nh[2]].gw, a, 16);
	assert_int_equal(nexthops6[nh[3]].type, NH_BLACKHOLE);
	assert_int_equal(route6_get(ips[2], &r), 0);
	assert_int_equal(r.plen, 80);
	/* Through a port named (route get ... dev, the kernel's oif): the
	 * longest route through it, past a blackhole; none through lan. */
	assert_int_equal(route6_get_via(ips[2], 1, &r), 0);
	assert_int_equal(r.plen, 80);
	assert_int_equal(route6_get_via(ips[1], 1, &r), 0);
	assert_int_equal(r.plen, 48);
	assert_int_equal(r.port, 1);
	a6(WAN_GUA, a);
	assert_memory_equal(r.prefsrc, a, 16);
	assert_int_equal(route6_get_via(ips[1], 0, &r), -ENETUNREACH);

	/* A link-local gateway needs its port. */
	{
		struct route6 bad = { .plen = 64, .type = RTN_UNICAST, .port = DP_NO_PORT };

		a6("2001:db8:77::", bad.dst);
		a6("fe80::9", bad.gw);
		assert_int_equal(route6_add(&bad, 0), -EINVAL);
		a6("2001:db8:77::1", bad.dst);		/* host bits */
		bad.port = 1;
		assert_int_equal(route6_add(&bad, 0), -EINVAL);
	}

	route6(false, "2001:db8:99:5:1::7", 128, NULL, RTN_UNSPEC, DP_NO_PORT);
	route6(false, "2001:db8:99:5::", 64, NULL, RTN_UNSPEC, DP_NO_PORT);
	route6_sync();
	route6_lookup_bulk((const uint8_t (*)[16])ips, nh, 4);
	assert_int_equal(nexthops6[nh[1]].type, NH_GATEWAY);	/* the /48 again */
	assert_int_equal(nexthops6[nh[3]].port, 1);		/* the /80 */
	a6("fe80::2", a);
	assert_memory_equal(nexthops6[nh[3]].gw, a, 16);

	/* Forwarded through the link-local gateway, to its MAC. */
	{
		uint8_t data[8] = { 0 }, pkt[64];
		uint32_t n = ip6_bytes(pkt, HOST6, "2001:db8:99:5:1::8", IPPROTO_UDP, 9, data, 8);

		dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
		pkt[7] = 8;
		check_frame(only(1), "02:00:00:00:01:f2", DPT_WAN_MAC, pkt, n);
		dpt_done(&w);
	}
	route6(false, "2001:db8:99:5:1::", 80, NULL, RTN_UNSPEC, DP_NO_PORT);
	route6(false, "2001:db8:99::", 48, NULL, RTN_UNSPEC, DP_NO_PORT);
	a6("fe80::2", a);
	assert_int_equal(neigh6_del(1, a), 0);
}

/* A route through a port that is down yields to one through a port that
 * is up, and is back when its port is (route.c's floating routes). */
static void
test_port_down_backup(void **state)
{
	struct route6 via_wan = { .plen = 48, .type = RTN_UNICAST, .metric = 100,
				  .protocol = SLUICE_RTPROT_CLI, .port = DP_NO_PORT };
	struct route6 on_lan = via_wan, r;
	struct route_match m = { .metric = true };
	uint8_t ip[16];
	uint64_t nh;

	(void)state;
	a6("2001:db8:99::", via_wan.dst);
	a6(GW6, via_wan.gw);
	a6("2001:db8:99::", on_lan.dst);
	on_lan.metric = 200;
	on_lan.port = 0;
	assert_int_equal(route6_add(&via_wan, 0), 0);
	assert_int_equal(route6_add(&on_lan, 0), 0);
	a6("2001:db8:99:1::1", ip);
	route6_lookup_bulk((const uint8_t (*)[16])ip, &nh, 1);
	assert_int_equal(nexthops6[nh].type, NH_GATEWAY);

	assert_int_equal(port_set_up(1, false), 0);
	route6_lookup_bulk((const uint8_t (*)[16])ip, &nh, 1);
	assert_int_equal(nexthops6[nh].type, NH_CONNECTED);
	assert_int_equal(nexthops6[nh].port, 0);
	assert_int_equal(route6_get(ip, &r), 0);
	assert_int_equal(r.metric, 200);

	assert_int_equal(port_set_up(1, true), 0);
	route6_lookup_bulk((const uint8_t (*)[16])ip, &nh, 1);
	assert_int_equal(nexthops6[nh].type, NH_GATEWAY);
	assert_int_equal(nexthops6[nh].port, 1);
	assert_int_equal(route6_del(&via_wan, &m), 0);
	assert_int_equal(route6_del(&on_lan, &m), 0);
}

/*
 * Lookups exact against a reference: random prefixes of every length from
 * /16 to /128 through four gateways (the same gateway and length often
 * side by side, so that groups fold), random addresses near them; then
 * half the prefixes go and the rest must still be exact.
 */
enum { NPFX = 1000, NPROBE = 4000 };
static struct { uint8_t ip[16]; uint8_t plen, gw; bool live; } pfx[NPFX];

enum { REF_DEFAULT = -1, REF_CONNECTED = -2 };

/* The longest match of a among pfx[] and the fixture's two connected /64s
 * (the random prefixes may cover them): a gateway's number or REF_*. */
static int
ref_gw(const uint8_t *a)
{
	static const char *const connected[] = { LAN_GUA, WAN_GUA };
	int best = REF_DEFAULT, bl = -1;

	for (int i = 0; i < 2; i++) {
		uint8_t net[16];

		a6(connected[i], net);
		if (ip6_in_prefix(a, net, 64)) {
			best = REF_CONNECTED;
			bl = 64;
		}
	}
	for (int i = 0; i < NPFX; i++)
		if (pfx[i].live && pfx[i].plen > bl && ip6_in_prefix(a, pfx[i].ip, pfx[i].plen)) {
			best = pfx[i].gw;
			bl = pfx[i].plen;
		}
	return best;
}

static void
check_probes(const char (*gws)[16])
{
	uint8_t ips[32][16], g[4][16];
	uint64_t nh[32];

	for (int k = 0; k < 4; k++)
		a6(gws[k], g[k]);
	for (int p = 0; p < NPROBE; p += 32) {
		for (int i = 0; i < 32; i++) {
			int j = (int)(rte_rand() % NPFX);

			memcpy(ips[i], pfx[j].ip, 16);
			/* Inside the prefix, or just past its end. */
			ips[i][15] ^= (uint8_t)rte_rand();
			if (rte_rand() & 1)
				ips[i][(pfx[j].plen - 1) / 8] ^= (uint8_t)(0x80 >> ((pfx[j].plen - 1) % 8));
		}
		route6_lookup_bulk((const uint8_t (*)[16])ips, nh, 32);
		for (int i = 0; i < 32; i++) {
			int want = ref_gw(ips[i]);

			if (want == REF_CONNECTED) {
				assert_int_equal(nexthops6[nh[i]].type, NH_CONNECTED);
				continue;
			}
			if (want == REF_DEFAULT) {
				/* Only the default covers it. */
				a6(GW6, g[0]);
				assert_memory_equal(nexthops6[nh[i]].gw, g[0], 16);
				a6(gws[0], g[0]);
				continue;
			}
			assert_int_equal(nexthops6[nh[i]].type, NH_GATEWAY);
			assert_memory_equal(nexthops6[nh[i]].gw, g[want], 16);
		}
	}
}

static void
test_lpm_random(void **state)
{
	static const char gws[4][16] = { "2001:db8:2::a", "2001:db8:2::b", "2001:db8:2::c",
					  "2001:db8:2::d" };
	char s[INET6_ADDRSTRLEN];

	(void)state;
	for (int i = 0; i < NPFX; i++) {
		uint8_t a[16];

		a6("2001:db8:4000::", a);
		for (int k = 4; k < 16; k++)
			a[k] = (uint8_t)rte_rand();
		/* Mostly a small space, so prefixes nest and sit side by side. */
		a[4] &= 0x03;
		pfx[i].plen = (uint8_t)(16 + rte_rand() % 113);
		if (i % 3 == 0)
			pfx[i].plen = 64;
		ip6_prefix(a, pfx[i].plen, pfx[i].ip);
		pfx[i].gw = (uint8_t)(rte_rand() % 4);
		pfx[i].live = true;
		for (int j = 0; j < i; j++)
			if (pfx[j].live && pfx[j].plen == pfx[i].plen &&
			    memcmp(pfx[j].ip, pfx[i].ip, 16) == 0)
				pfx[i].live = false;	/* a duplicate */
		if (pfx[i].live)
			route6(true, ip6_fmt(pfx[i].ip, s), pfx[i].plen, gws[pfx[i].gw],
			       RTN_UNICAST, DP_NO_PORT);
	}
	route6_sync();
	check_probes(gws);
	for (int i = 0; i < NPFX; i += 2)
		if (pfx[i].live) {
			route6(false, ip6_fmt(pfx[i].ip, s), pfx[i].plen, NULL, RTN_UNSPEC,
			       DP_NO_PORT);
			pfx[i].live = false;
		}
	route6_sync();
	check_probes(gws);
	for (int i = 0; i < NPFX; i++)
		if (pfx[i].live) {
			route6(false, ip6_fmt(pfx[i].ip, s), pfx[i].plen, NULL, RTN_UNSPEC,
			       DP_NO_PORT);
			pfx[i].live = false;
		}
	route6_sync();
}

/*
 * Churn of prefixes past /24: DPDK 22.11's trie reserves five tbl8 groups
 * for a lone /64 under ::/0 and gives none back when it goes, so the
 * 49 152 groups of dpt_init's table (route6_init(1 << 14): 3 a route) are
 * all reserved after some 9 830 adds and deletes, and without route6.c's
 * rebuild the next add fails with -ENOSPC with 256 routes in the table
 * (measured: in cycle 35 of these, about the 9 060th add, the tests before
 * having leaked some).  Each cycle adds 256
 * fresh /64s and deletes the previous 256; every add must succeed, every
 * live prefix lead to its own gateway, every deleted one to the default.
 */
#define CHURN_N		256
#define CHURN_CYCLES	64

static void
churn_pfx(uint32_t i, uint8_t *a)
{
	a6("2001:db8:c000::", a);
	a[4] = (uint8_t)(i >> 24);
	a[5] = (uint8_t)(i >> 16);
	a[6] = (uint8_t)(i >> 8);
	a[7] = (uint8_t)i;
}

/* The prefixes from first on, n of them, each probed at a random host:
 * gateway gws[gw[i]], or the default's when gw is NULL. */
static void
churn_check(uint32_t first, uint32_t n, const uint8_t *gw, const uint8_t (*gws)[16])
{
	uint8_t ips[32][16], def[16];
	uint64_t nh[32];

	a6(GW6, def);
	for (uint32_t i = 0; i < n; i += 32) {
		uint32_t m = RTE_MIN(32u, n - i);

		for (uint32_t j = 0; j < m; j++) {
			churn_pfx(first + i + j, ips[j]);
			for (int k = 8; k < 16; k++)
				ips[j][k] = (uint8_t)rte_rand();
		}
		route6_lookup_bulk((const uint8_t (*)[16])ips, nh, m);
		for (uint32_t j = 0; j < m; j++) {
			assert_int_equal(nexthops6[nh[j]].type, NH_GATEWAY);
			assert_memory_equal(nexthops6[nh[j]].gw,
					    gw != NULL ? gws[gw[i + j]] : def, 16);
		}
	}
}

static const char *churn_gwn[4] = { "2001:db8:2::a", "2001:db8:2::b", "2001:db8:2::c",
				     "2001:db8:2::d" };

static struct route6
churn_route(uint32_t i, const uint8_t *gw)
{
	struct route6 r = { .plen = 64, .type = RTN_UNICAST, .protocol = SLUICE_RTPROT_CLI,
			    .port = DP_NO_PORT };

	churn_pfx(i, r.dst);
	if (gw != NULL)
		memcpy(r.gw, gw, 16);
	return r;
}

/* Cycle c: CHURN_N fresh prefixes through random gateways (g), those of
 * cycle c - 1 deleted unless c is the first.  The first add refused stops it: its error, its
 * number in *at. */
static int
churn_cycle(uint32_t c, uint32_t first, uint8_t *g, const uint8_t (*gws)[16], uint32_t *at)
{
	struct route_match any = { 0 };

	for (uint32_t i = 0; i < CHURN_N; i++) {
		struct route6 r;
		int ret;

		g[i] = (uint8_t)(rte_rand() % 4);
		r = churn_route(c * CHURN_N + i, gws[g[i]]);
		ret = route6_add(&r, 0);
		if (ret != 0) {
			*at = c * CHURN_N + i;
			return ret;
		}
	}
	for (uint32_t i = 0; c > first && i < CHURN_N; i++) {
		struct route6 r = churn_route((c - 1) * CHURN_N + i, NULL);

		assert_int_equal(route6_del(&r, &any), 0);
	}
	route6_sync();
	if (c > first)
		churn_check((c - 1) * CHURN_N, CHURN_N, NULL, gws);
	churn_check(c * CHURN_N, CHURN_N, g, gws);
	return 0;
}

static void
churn_end(uint32_t first, uint32_t n)
{
	struct route_match any = { 0 };

	for (uint32_t i = 0; i < n; i++) {
		struct route6 r = churn_route(first + i, NULL);

		assert_int_equal(route6_del(&r, &any), 0);
	}
	route6_sync();
	churn_check(first, n, NULL, NULL);
}

static void
test_fib_churn(void **state)
{
	uint8_t gws[4][16], gw[2][CHURN_N];
	uint64_t rebuilds = route6_rebuilds();
	unsigned int routes = route6_count();
	uint32_t at;

	(void)state;
	for (int k = 0; k < 4; k++)
		a6(churn_gwn[k], gws[k]);
	for (uint32_t c = 0; c < CHURN_CYCLES; c++) {
		if (churn_cycle(c, 0, gw[c & 1], (const uint8_t (*)[16])gws, &at) != 0)
			fail_msg("cycle %u: add %u refused", c, at + 1);
		assert_int_equal(route6_count(), routes + CHURN_N);
	}
	print_message("%lu rebuilds\n", (unsigned long)(route6_rebuilds() - rebuilds));
	assert_true(route6_rebuilds() > rebuilds);
	churn_end((CHURN_CYCLES - 1) * CHURN_N, CHURN_N);
	assert_int_equal(route6_count(), routes);
}

/*
 * route6.c picks the trie's AVX-512 lookup by raising EAL's SIMD limit for
 * that choice alone: after a FIB is made (here a rebuild) the limit is
 * EAL's default again (dp_test.c forces none), and lookups are exact.
 */
static void
test_fib_simd_limit(void **state)
{
	uint8_t ip[16], gw[16];
	uint64_t rebuilds = route6_rebuilds();
	struct route6 r;

	(void)state;
	assert_int_equal(rte_vect_get_max_simd_bitwidth(), RTE_VECT_SIMD_256);
	assert_int_equal(route6_rebuild(), 0);
	assert_int_equal(route6_rebuilds(), rebuilds + 1);
	assert_int_equal(rte_vect_get_max_simd_bitwidth(), RTE_VECT_SIMD_256);
	a6("2001:db8:99::1", ip);
	a6(GW6, gw);
	assert_int_equal(route6_get(ip, &r), 0);
	assert_memory_equal(r.gw, gw, 16);
}

/*
 * The same with no memory for a second FIB: the add the trie refuses is
 * refused (-ENOSPC, "route table is full"), the FIB the workers read
 * stays whole, and adds do not try again until a delete; with memory back,
 * the next add after a delete rebuilds.
 */
static void
test_fib_churn_no_memory(void **state)
{
	uint8_t gws[4][16], gw[2][CHURN_N];
	uint64_t rebuilds = route6_rebuilds();
	unsigned int routes = route6_count();
	struct rte_malloc_socket_stats st;
	struct route_match any = { 0 };
	struct route6 r;
	uint32_t c, at = 0;
	void *hog;
	int ret = 0;

	(void)state;
	for (int k = 0; k < 4; k++)
		a6(churn_gwn[k], gws[k]);
	/* All the heap but 4 MB: a FIB of dpt_init's size needs some 110. */
	assert_int_equal(rte_malloc_get_socket_stats((int)rte_socket_id(), &st), 0);
	hog = rte_malloc(NULL, st.greatest_free_size - (4 << 20), 0);
	assert_non_null(hog);
	for (c = 1000; c < 1000 + CHURN_CYCLES && ret == 0; c++)
		ret = churn_cycle(c, 1000, gw[c & 1], (const uint8_t (*)[16])gws, &at);
	c--;
	assert_int_equal(ret, -ENOSPC);
	assert_true(c > 1000);
	assert_int_equal(route6_rebuilds(), rebuilds);
	/* Cycle c - 1 whole, cycle c up to the refused add. */
	churn_check((c - 1) * CHURN_N, CHURN_N, gw[(c - 1) & 1], (const uint8_t (*)[16])gws);
	if (at > c * CHURN_N)
		churn_check(c * CHURN_N, at - c * CHURN_N, gw[c & 1],
			    (const uint8_t (*)[16])gws);
	churn_check(at, 1, NULL, NULL);
	r = churn_route(at, gws[0]);
	assert_int_equal(route6_add(&r, 0), -ENOSPC);
	rte_free(hog);
	assert_int_equal(route6_add(&r, 0), -ENOSPC);	/* no delete since */
	assert_int_equal(route6_rebuilds(), rebuilds);
	r = churn_route((c - 1) * CHURN_N, NULL);
	assert_int_equal(route6_del(&r, &any), 0);
	r = churn_route(at, gws[0]);
	assert_int_equal(route6_add(&r, 0), 0);
	assert_int_equal(route6_rebuilds(), rebuilds + 1);
	gw[c & 1][at - c * CHURN_N] = 0;
	churn_check((c - 1) * CHURN_N, 1, NULL, NULL);
	churn_check((c - 1) * CHURN_N + 1, CHURN_N - 1, gw[(c - 1) & 1] + 1,
		    (const uint8_t (*)[16])gws);
	churn_check(c * CHURN_N, at - c * CHURN_N + 1, gw[c & 1], (const uint8_t (*)[16])gws);
	churn_end((c - 1) * CHURN_N + 1, CHURN_N - 1);
	churn_end(c * CHURN_N, at - c * CHURN_N + 1);
	assert_int_equal(route6_count(), routes);
}

/* What no router forwards, each counted under its reason. */
static void
test_martians(void **state)
{
	static const struct {
		const char *src, *dst;
		uint8_t nxt;
		enum drop_reason why;
	} c[] = {
		{ "::1", "2001:db8:99::5", IPPROTO_UDP, DROP6_MARTIAN_SRC },
		{ "::ffff:10.0.0.2", "2001:db8:99::5", IPPROTO_UDP, DROP6_MARTIAN_SRC },
		{ "ff02::1", "2001:db8:99::5", IPPROTO_UDP, DROP6_MARTIAN_SRC },
		{ "::", "2001:db8:99::5", IPPROTO_UDP, DROP6_MARTIAN_SRC },
		{ LAN_GUA, "2001:db8:99::5", IPPROTO_UDP, DROP6_MARTIAN_SRC },
		{ HOST6, "::", IPPROTO_UDP, DROP6_MARTIAN_DST },
		{ HOST6, "::1", IPPROTO_UDP, DROP6_MARTIAN_DST },
		{ HOST6, "::ffff:192.0.2.7", IPPROTO_UDP, DROP6_MARTIAN_DST },
		{ HOST6, "fe80::99", IPPROTO_UDP, DROP6_SCOPE },
		{ HOST6, WAN_LL, IPPROTO_UDP, DROP6_SCOPE },	/* another port's */
		{ HOST6, "ff0e::1", IPPROTO_UDP, DROP6_MULTICAST },
		{ HOST6, "ff02::1:ff00:99", IPPROTO_ICMPV6, DROP6_MULTICAST },
		{ HOST6, "ff0e::1", IPPROTO_HOPOPTS, DROP6_HOP_BY_HOP },
	};
	uint8_t data[16] = { 0 };

	(void)state;
	for (unsigned int i = 0; i < RTE_DIM(c); i++) {
		uint64_t d = dpt_drops(c[i].why);

		dpt_input1(&w, from_host(c[i].src, c[i].dst, c[i].nxt, 64, data, sizeof(data)));
		if (dpt_drops(c[i].why) != d + 1)
			fail_msg("%s -> %s: %s not counted", c[i].src, c[i].dst, drop_names[c[i].why]);
		assert_int_equal(dpt_queued(&w), 0);
		dpt_done(&w);
	}
	/* A link-local source never leaves its link: beyond scope (code 2). */
	{
		uint64_t d = dpt_drops(DROP6_SCOPE);
		uint8_t pkt[64];
		uint32_t n = ip6_bytes(pkt, "fe80::2", "2001:db8:99::5", IPPROTO_UDP, 64, data, 16);

		dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
		assert_int_equal(dpt_drops(DROP6_SCOPE), d + 1);
		dpt_done(&w);
	}
	/* A unicast packet in a broadcast frame is not forwarded. */
	{
		uint64_t d = dpt_drops(DROP6_MULTICAST);
		uint8_t pkt[64];
		uint32_t n = ip6_bytes(pkt, HOST6, "2001:db8:99::5", IPPROTO_UDP, 64, data, 16);

		dpt_input1(&w, frame6("ff:ff:ff:ff:ff:ff", DPT_HOST_MAC, pkt, n));
		assert_int_equal(dpt_drops(DROP6_MULTICAST), d + 1);
		assert_int_equal(dpt_queued(&w), 0);
		dpt_done(&w);
	}
}

/* Extension headers (routing, destination options) are not the router's
 * business: forwarded as they are. */
static void
test_extension_headers(void **state)
{
	uint8_t payload[40] = {
		/* destination options: next routing, 8 bytes, PadN */
		IPPROTO_ROUTING, 0, 1, 4, 0, 0, 0, 0,
		/* routing type 0 segments left 0: next UDP */
		IPPROTO_UDP, 0, 0, 0, 0, 0, 0, 0,
	}, pkt[128];
	uint32_t n;

	(void)state;
	n = ip6_bytes(pkt, HOST6, "2001:db8:99::5", IPPROTO_DSTOPTS, 30, payload, sizeof(payload));
	check_forwarded(pkt, n);
}

/* NAT is IPv4's: IPv6 out of a masquerading port is routed untranslated. */
static void
test_nat_leaves_ip6_alone(void **state)
{
	struct nat_rule_spec masq = { .kind = SLUICE_NAT_MASQUERADE, .port = 1 };
	uint8_t udp[16] = { 0x13, 0x88, 0, 53, 0, 16 }, pkt[64];
	uint32_t n;

	(void)state;
	assert_int_equal(nat_rule_add(&masq), 0);
	assert_true(nat_enabled);
	n = ip6_bytes(pkt, HOST6, "2001:db8:99::5", IPPROTO_UDP, 64, udp, sizeof(udp));
	check_forwarded(pkt, n);
	assert_int_equal(nat_sess_count(), 0);
	assert_int_equal(nat_rule_del(&masq, true), 0);
}

/* The reply on lan to echo6(to, src, 64, 32), from src. */
static void
check_echo_reply(const char *src, const char *to)
{
	uint8_t msg[8 + 32] = { ICMP6_ECHO_REPLY, 0, 0, 0, 0x12, 0x34, 0, 1 }, exp[128];
	uint32_t n;

	for (int k = 0; k < 32; k++)
		msg[8 + k] = (uint8_t)k;
	n = ip6_bytes(exp, src, to, IPPROTO_ICMPV6, 64, msg, sizeof(msg));
	fix_icmp6(exp);
	check_frame(only(0), DPT_HOST_MAC, DPT_LAN_MAC, exp, n);
	dpt_done(&w);
}

/* Echo: every router address answers, global and link-local, on either
 * port's global address from lan; the reply's checksum is right. */
static void
test_echo(void **state)
{
	static const char *const to[] = { LAN_GUA, WAN_GUA, LAN_LL };
	const char *from[] = { HOST6, HOST6, "fe80::2" };

	(void)state;
	for (unsigned int i = 0; i < RTE_DIM(to); i++) {
		struct rte_ether_addr fe = dpt_mac(DPT_HOST_MAC);

		if (i == 2) {
			uint8_t a[16];

			a6("fe80::2", a);
			assert_int_equal(neigh6_add(0, a, &fe, true, 0), 0);
		}
		dpt_input1(&w, echo6(from[i], to[i], 64, 32));
		check_echo_reply(to[i], from[i]);
	}
	/* To the all-nodes group: not answered. */
	dpt_input1(&w, echo6(HOST6, "ff02::1", 64, 8));
	assert_int_equal(dpt_queued(&w), 0);
	dpt_done(&w);
	/* A bad checksum: dropped. */
	{
		uint64_t d = dpt_drops(DROP6_BAD_HEADER);
		struct rte_mbuf *m = echo6(HOST6, LAN_GUA, 64, 8);

		rte_pktmbuf_mtod_offset(m, uint8_t *, 14 + 40 + 2)[0] ^= 1;
		dpt_input1(&w, m);
		assert_int_equal(dpt_drops(DROP6_BAD_HEADER), d + 1);
		assert_int_equal(dpt_queued(&w), 0);
		dpt_done(&w);
	}
}

/* pkt (n bytes) from the host on lan: nothing may come of it. */
static void
input_unanswered(const uint8_t *pkt, uint32_t n)
{
	dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
	assert_int_equal(dpt_queued(&w), 0);
	dpt_done(&w);
}

/* Into pkt: an echo request from HOST6 to LAN_GUA behind the extension
 * headers hdr (hlen bytes, the first of type nxt, the last naming
 * ICMPv6), its checksum right.  Its length. */
static uint32_t
echo_behind(uint8_t *pkt, uint8_t nxt, const uint8_t *hdr, uint32_t hlen)
{
	uint8_t body[64], src[16], dst[16];
	uint8_t *echo = body + hlen;
	uint16_t ck;

	assert_true(hlen + 16 <= sizeof(body));
	memcpy(body, hdr, hlen);
	memcpy(echo, (const uint8_t[16]){ ICMP6_ECHO_REQUEST, 0, 0, 0, 0x12, 0x34, 0, 1 }, 16);
	a6(HOST6, src);
	a6(LAN_GUA, dst);
	ck = cksum6(src, dst, IPPROTO_ICMPV6, echo, 16);
	memcpy(echo + 2, &ck, 2);
	return ip6_bytes(pkt, HOST6, LAN_GUA, nxt, 64, body, hlen + 16);
}

/* The answer to echo_behind's request, as to one without the headers. */
static void
check_echo_answered(void)
{
	uint8_t reply[16] = { ICMP6_ECHO_REPLY, 0, 0, 0, 0x12, 0x34, 0, 1 }, exp[128];
	uint32_t n = ip6_bytes(exp, LAN_GUA, HOST6, IPPROTO_ICMPV6, 64, reply, sizeof(reply));

	fix_icmp6(exp);
	check_frame(only(0), DPT_HOST_MAC, DPT_LAN_MAC, exp, n);
	dpt_done(&w);
}

/* Headers before an echo to the router (RFC 8200 4.2, 4.4), when no host
 * stack takes it: destination options whose options say skip and a
 * routing header with no segments left are passed over, and the echo is
 * answered as without them; an option that says discard is a silent
 * bad_header drop, one that says report gets a Parameter Problem at it,
 * and a routing header with segments left one at its type (both counted
 * as bad_header drops too). */
static void
test_local_extension_headers(void **state)
{
	static const uint8_t ext[16] = {
		/* destination options: next routing; an unknown option
		 * whose type says skip (00), then PadN */
		IPPROTO_ROUTING, 0, 0x3e, 2, 0xaa, 0xbb, 1, 0,
		/* routing header, type 4, no segments left: next ICMPv6 */
		IPPROTO_ICMPV6, 0, 4, 0, 0, 0, 0, 0,
	};
	const uint64_t bad = dpt_drops(DROP6_BAD_HEADER);
	uint8_t pkt[128];
	uint32_t n;

	(void)state;
	n = echo_behind(pkt, IPPROTO_DSTOPTS, ext, sizeof(ext));
	dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
	check_echo_answered();

	/* The option's type says discard (01): dropped, no answer. */
	n = echo_behind(pkt, IPPROTO_DSTOPTS, ext, sizeof(ext));
	pkt[40 + 2] = 0x7e;
	input_unanswered(pkt, n);
	assert_int_equal(dpt_drops(DROP6_BAD_HEADER), bad + 1);

	/* 10 and 11 (the destination is unicast): Parameter Problem, code 2,
	 * at the option, quoting the packet as it came. */
	for (unsigned int t = 0xbe; t <= 0xfe; t += 0x40) {
		n = echo_behind(pkt, IPPROTO_DSTOPTS, ext, sizeof(ext));
		pkt[40 + 2] = (uint8_t)t;
		dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
		check_error6(LAN_GUA, ICMP6_PARAM_PROB, ICMP6_PARAMPROB_OPTION, 40 + 2, pkt, n);
	}
	assert_int_equal(dpt_drops(DROP6_BAD_HEADER), bad + 3);

	/* A routing header with a segment left, of a type the router does
	 * not route: Parameter Problem, code 0, at its type. */
	n = echo_behind(pkt, IPPROTO_ROUTING, ext + 8, sizeof(ext) - 8);
	pkt[40 + 3] = 1;
	dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
	check_error6(LAN_GUA, ICMP6_PARAM_PROB, ICMP6_PARAMPROB_HEADER, 40 + 2, pkt, n);
	assert_int_equal(dpt_drops(DROP6_BAD_HEADER), bad + 4);

	/* A header longer than the packet: a bad_header drop. */
	n = echo_behind(pkt, IPPROTO_DSTOPTS, ext, sizeof(ext));
	pkt[40 + 1] = 9;
	input_unanswered(pkt, n);
	assert_int_equal(dpt_drops(DROP6_BAD_HEADER), bad + 5);
}

/*
 * Hop-by-hop options (RFC 8200 4.3), processed as the kernel processes
 * them: a unicast packet whose options say skip (a router alert, PadN)
 * is forwarded with the header as it came, or answered behind it when it
 * is for the router; an option that says discard is a silent bad_header
 * drop, one that says report a Parameter Problem at it; to a multicast
 * group (no host interface) an ip6_hop_by_hop drop.
 */
static void
test_hop_by_hop(void **state)
{
	/* next UDP; router alert (MLD), then PadN */
	static const uint8_t alert[8] = { IPPROTO_UDP, 0, 5, 2, 0, 0, 1, 0 };
	uint8_t hbh[8 + 8] = { [8] = 0x13, 0x88, 0, 9, 0, 8, 0, 0 }, pkt[128], src[16], dst[16];
	const uint64_t bad = dpt_drops(DROP6_BAD_HEADER), hop = dpt_drops(DROP6_HOP_BY_HOP);
	uint16_t ck;
	uint32_t n;

	(void)state;
	memcpy(hbh, alert, sizeof(alert));
	a6(HOST6, src);
	a6("2001:db8:99::5", dst);
	ck = cksum6(src, dst, IPPROTO_UDP, hbh + 8, 8);
	memcpy(hbh + 14, &ck, 2);
	/* Forwarded: the header stays, the hop limit goes down by one. */
	n = ip6_bytes(pkt, HOST6, "2001:db8:99::5", IPPROTO_HOPOPTS, 64, hbh, sizeof(hbh));
	check_forwarded(pkt, n);

	/* An option whose type says discard (01): dropped, nothing sent. */
	n = ip6_bytes(pkt, HOST6, "2001:db8:99::5", IPPROTO_HOPOPTS, 64, hbh, sizeof(hbh));
	pkt[40 + 2] = 0x45;
	input_unanswered(pkt, n);
	assert_int_equal(dpt_drops(DROP6_BAD_HEADER), bad + 1);

	/* Report (10): Parameter Problem, code 2, at the option, quoting the
	 * packet as it came; not forwarded. */
	n = ip6_bytes(pkt, HOST6, "2001:db8:99::5", IPPROTO_HOPOPTS, 64, hbh, sizeof(hbh));
	pkt[40 + 2] = 0x85;
	dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
	check_error6(LAN_GUA, ICMP6_PARAM_PROB, ICMP6_PARAMPROB_OPTION, 40 + 2, pkt, n);
	assert_int_equal(dpt_drops(DROP6_BAD_HEADER), bad + 2);

	/* An echo to the router behind a router alert: answered as without. */
	memcpy(hbh, alert, sizeof(alert));
	hbh[0] = IPPROTO_ICMPV6;
	n = echo_behind(pkt, IPPROTO_HOPOPTS, hbh, 8);
	dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
	check_echo_answered();

	/* A header longer than the packet: a bad_header drop. */
	n = echo_behind(pkt, IPPROTO_HOPOPTS, hbh, 8);
	pkt[40 + 1] = 3;
	input_unanswered(pkt, n);
	assert_int_equal(dpt_drops(DROP6_BAD_HEADER), bad + 3);

	/* To a multicast group the router is not in: ip6_hop_by_hop. */
	n = ip6_bytes(pkt, HOST6, "ff0e::1", IPPROTO_HOPOPTS, 64, hbh, sizeof(hbh));
	input_unanswered(pkt, n);
	assert_int_equal(dpt_drops(DROP6_HOP_BY_HOP), hop + 1);
}

/* A port under IPv6's minimum MTU has no IPv6 (RFC 8200 5): what comes
 * on it, forwarded or for the router, common or not, is an ip6_disabled
 * drop, while its IPv4 still goes; back at 1280 its IPv6 goes again. */
static void
test_port_under_ip6_minimum(void **state)
{
	const uint64_t off = dpt_drops(DROP6_DISABLED);
	uint8_t data[16] = { 0 }, pkt[128], hbh[16] = { IPPROTO_UDP };
	uint32_t n;

	(void)state;
	assert_int_equal(port_set_mtu(0, 1279), 0);
	n = ip6_bytes(pkt, HOST6, "2001:db8:99::5", IPPROTO_UDP, 64, data, sizeof(data));
	input_unanswered(pkt, n);
	n = ip6_bytes(pkt, HOST6, "2001:db8:99::5", IPPROTO_HOPOPTS, 64, hbh, sizeof(hbh));
	input_unanswered(pkt, n);
	dpt_input1(&w, echo6(HOST6, LAN_GUA, 64, 8));
	assert_int_equal(dpt_queued(&w), 0);
	dpt_done(&w);
	assert_int_equal(dpt_drops(DROP6_DISABLED), off + 3);
	dpt_input1(&w, dpt_udp(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", "192.0.2.254", 5000, 53, 8));
	assert_int_equal(w.tx[1].n, 1);
	dpt_done(&w);

	assert_int_equal(port_set_mtu(0, 1280), 0);
	n = ip6_bytes(pkt, HOST6, "2001:db8:99::5", IPPROTO_UDP, 64, data, sizeof(data));
	check_forwarded(pkt, n);
	assert_int_equal(dpt_drops(DROP6_DISABLED), off + 3);
	assert_int_equal(port_set_mtu(0, 1500), 0);
}

/*
 * Subnet-router anycast addresses (RFC 4291 2.6.1): each port's prefix
 * with a zero interface identifier is the router's while an address on
 * that prefix is, answering echo (lan's from the host's link, wan's
 * through the FIB) from an address of the port the request came in by;
 * an address that is the anycast one itself answers as unicast, and the
 * anycast returns when it goes; with the prefix's last address the
 * anycast goes (forwarded by the default route after that).
 */
/* An echo from the host to dst: answered on lan from src. */
static void
echo_answered_from(const char *dst, const char *src)
{
	dpt_input1(&w, echo6(HOST6, dst, 64, 32));
	check_echo_reply(src, HOST6);
}

static void
test_subnet_router_anycast(void **state)
{
	uint8_t a[16], b[16];

	(void)state;
	echo_answered_from("2001:db8:1::", LAN_GUA);
	echo_answered_from("2001:db8:2::", LAN_GUA);

	a6("2001:db8:5::1", a);
	a6("2001:db8:5::", b);
	assert_int_equal(addr6_add(0, a, 64), 0);
	echo_answered_from("2001:db8:5::", LAN_GUA);
	assert_int_equal(addr6_add(0, b, 64), 0);
	echo_answered_from("2001:db8:5::", "2001:db8:5::");
	assert_int_equal(addr6_del(0, b, 64), 0);
	echo_answered_from("2001:db8:5::", LAN_GUA);

	assert_int_equal(addr6_del(0, a, 64), 0);
	dpt_input1(&w, echo6(HOST6, "2001:db8:5::", 64, 32));
	assert_int_equal(w.tx[0].n, 0);
	assert_int_equal(w.tx[1].n, 1);
	dpt_done(&w);
}

/* A fragment of an ICMPv6 message at offset off, its n bytes at data
 * (more to come or not), as HOST6 sends it to LAN_GUA: the IPv6 packet
 * in pkt, its length. */
static uint32_t
frag6_bytes(uint8_t *pkt, const uint8_t *data, uint16_t off, uint16_t n, bool more)
{
	static uint8_t body[1600];
	uint16_t fd = htons((uint16_t)(off | (more ? 1 : 0)));

	memset(body, 0, 8);
	body[0] = IPPROTO_ICMPV6;
	memcpy(body + 2, &fd, 2);
	body[4] = 0x12;
	body[7] = 0x34;
	memcpy(body + 8, data, n);
	return ip6_bytes(pkt, HOST6, LAN_GUA, IPPROTO_FRAGMENT, 64, body, 8 + n);
}

/* The same as a frame from the host. */
static struct rte_mbuf *
frag6_at(const uint8_t *data, uint16_t off, uint16_t n, bool more)
{
	static uint8_t pkt[1700];

	return frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, frag6_bytes(pkt, data, off, n, more));
}

/*
 * An echo request larger than the link, in two fragments (RFC 8200 4.5),
 * to the router: put back together and answered, the reply, larger than
 * lan's MTU (1500), sent in fragments of its own (a source fragments), one
 * identification for both; the test puts them together and compares the
 * reply byte for byte.  A copy of a piece is dropped alone; fragments
 * that overlap drop the datagram; both counted.
 */
static void
test_echo_in_fragments6(void **state)
{
	enum { ICMP_LEN = 8 + 1600 };
	static uint8_t req[ICMP_LEN], want[ICMP_LEN], got[ICMP_LEN];
	uint8_t src[16], dst[16];
	uint32_t id = 0, at = 0;
	uint16_t ck;

	(void)state;
	a6(HOST6, src);
	a6(LAN_GUA, dst);
	req[0] = ICMP6_ECHO_REQUEST;
	req[5] = 0x77;
	req[7] = 1;
	for (unsigned int i = 8; i < ICMP_LEN; i++)
		req[i] = (uint8_t)(i * 7);
	ck = cksum6(src, dst, IPPROTO_ICMPV6, req, ICMP_LEN);
	memcpy(req + 2, &ck, 2);
	memcpy(want, req, ICMP_LEN);
	want[0] = ICMP6_ECHO_REPLY;
	want[2] = want[3] = 0;
	ck = cksum6(dst, src, IPPROTO_ICMPV6, want, ICMP_LEN);
	memcpy(want + 2, &ck, 2);

	dpt_input1(&w, frag6_at(req + 1448, 1448, ICMP_LEN - 1448, false));
	assert_int_equal(dpt_queued(&w), 0);
	dpt_input1(&w, frag6_at(req, 0, 1448, true));
	assert_int_equal(dpt_queued(&w), 2);
	assert_int_equal(w.tx[0].n, 2);
	for (unsigned int i = 0; i < 2; i++) {
		struct rte_mbuf *m = w.tx[0].m[i];
		const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, 14);
		uint16_t plen = (uint16_t)(ip[4] << 8 | ip[5]), fd;
		uint32_t fid;

		assert_int_equal(m->nb_segs, 1);
		assert_true(40u + plen <= 1500);
		assert_int_equal(ip[6], IPPROTO_FRAGMENT);
		assert_memory_equal(ip + 8, dst, 16);
		assert_memory_equal(ip + 24, src, 16);
		assert_int_equal(ip[40], IPPROTO_ICMPV6);
		memcpy(&fd, ip + 42, 2);
		memcpy(&fid, ip + 44, 4);
		fd = ntohs(fd);
		assert_int_equal(fd & 0xfff8, at);
		assert_int_equal(fd & 1, i == 0);
		if (i == 0)
			id = fid;
		assert_int_equal(fid, id);
		assert_true(at + plen - 8u <= ICMP_LEN);
		memcpy(got + at, ip + 48, plen - 8u);
		at += plen - 8u;
	}
	assert_int_equal(at, ICMP_LEN);
	assert_memory_equal(got, want, ICMP_LEN);
	dpt_done(&w);

	/* A piece that would end past 65 535 bytes, and one, not the last,
	 * whose length is no multiple of 8 (RFC 8200 4.5): Parameter Problem
	 * at the fragment offset and at the payload length, bad_header
	 * drops, nothing held. */
	{
		const uint64_t bad = dpt_drops(DROP6_BAD_HEADER);
		static uint8_t pkt[1700];
		uint32_t n;

		n = frag6_bytes(pkt, req, 65528, 16, false);
		dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
		check_error6(LAN_GUA, ICMP6_PARAM_PROB, ICMP6_PARAMPROB_HEADER, 40 + 2, pkt, n);
		n = frag6_bytes(pkt, req, 0, 1444, true);
		dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
		check_error6(LAN_GUA, ICMP6_PARAM_PROB, ICMP6_PARAMPROB_HEADER, 4, pkt, n);
		assert_int_equal(dpt_drops(DROP6_BAD_HEADER), bad + 2);
		assert_int_equal(dpt_mbufs_in_use(), 0);
	}
	/* A copy of a piece held (links and taps make them) is dropped
	 * alone, counted, as the kernel drops it: the datagram still comes
	 * out whole and is answered; after that its identification is new
	 * again. */
	{
		const uint64_t dup = dpt_drops(DROP6_FRAG_DUPLICATE);

		for (unsigned int round = 0; round < 2; round++) {
			dpt_input1(&w, frag6_at(req, 0, 1448, true));
			dpt_input1(&w, frag6_at(req, 0, 1448, true));
			assert_int_equal(dpt_drops(DROP6_FRAG_DUPLICATE), dup + round + 1);
			assert_int_equal(dpt_queued(&w), 0);
			dpt_input1(&w, frag6_at(req + 1448, 1448, ICMP_LEN - 1448, false));
			assert_int_equal(w.tx[0].n, 2);
			dpt_done(&w);
		}
		assert_int_equal(dpt_mbufs_in_use(), 0);
	}
	/* Two pieces that overlap: the datagram is dropped, counted. */
	{
		const uint64_t rf = dpt_drops(DROP6_REASSEMBLY);

		dpt_input1(&w, frag6_at(req, 0, 1448, true));
		dpt_input1(&w, frag6_at(req + 1440, 1440, ICMP_LEN - 1440, false));
		assert_int_equal(dpt_queued(&w), 0);
		assert_int_equal(dpt_drops(DROP6_REASSEMBLY), rf + 2);
		dpt_done(&w);
	}
}

/* The next trace record on fd. */
static void
trace_rec6(int fd, struct sluice_trace_rec *r)
{
	assert_int_equal(recv(fd, r, sizeof(*r), MSG_DONTWAIT), sizeof(*r));
}

static void
check_step6(const struct sluice_trace_step *s, uint8_t kind, const char *a, const char *b)
{
	uint8_t x[16];

	assert_int_equal(s->kind, kind);
	assert_int_equal(s->ip6, 1);
	if (a != NULL) {
		a6(a, x);
		assert_memory_equal(s->a6, x, 16);
	}
	if (b != NULL) {
		a6(b, x);
		assert_memory_equal(s->b6, x, 16);
	}
}

/*
 * sluice trace for IPv6: a forwarded packet (valid, route via the
 * gateway, neighbour, forward), one whose hop limit runs out (dropped
 * under its stats name), an echo to the router (local), one to a
 * neighbour not yet known (punted for resolution), each with its steps'
 * IPv6 addresses, and the forwarded one's mark cleared.
 */
static void
test_trace6(void **state)
{
	struct rte_ether_addr gw = dpt_mac(DPT_GW_MAC);
	struct sluice_trace_rec r;
	uint8_t data[16] = { 1 }, pkt[128];
	uint32_t n;
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	assert_int_equal(trace_start(NULL, sv[1], 1, 4), 0);

	n = ip6_bytes(pkt, HOST6, "2001:db8:99::5", IPPROTO_UDP, 64, data, sizeof(data));
	dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
	assert_int_equal(w.tx[1].n, 1);
	assert_false(trace_marked(w.tx[1].m[0]));
	dpt_done(&w);
	n = ip6_bytes(pkt, HOST6, "2001:db8:99::5", IPPROTO_UDP, 1, data, sizeof(data));
	dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
	dpt_done(&w);			/* the Time Exceeded */
	dpt_input1(&w, echo6(HOST6, LAN_GUA, 64, 8));
	assert_int_equal(dpt_queued(&w), 1);
	dpt_done(&w);
	n = ip6_bytes(pkt, HOST6, "2001:db8:2::77", IPPROTO_UDP, 64, data, sizeof(data));
	dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
	assert_int_equal(dpt_queued(&w), 0);
	drain_sent6();			/* held for resolution */
	trace_poll();

	trace_rec6(sv[0], &r);
	assert_int_equal(r.in_ifindex, 1);
	assert_int_equal(r.verdict, SLUICE_TRACE_FORWARD);
	assert_int_equal(r.out_ifindex, 2);
	assert_int_equal(r.hdr[12], 0x86);
	assert_int_equal(r.nsteps, 3);
	check_step6(&r.steps[0], SLUICE_STEP_VALID, HOST6, "2001:db8:99::5");
	assert_int_equal(r.steps[0].pa, 0x0100);	/* data's first bytes: 01 00 */
	check_step6(&r.steps[1], SLUICE_STEP_ROUTE, GW6, "2001:db8:99::5");
	assert_int_equal(r.steps[1].type, SLUICE_NH_GATEWAY);
	assert_int_equal(r.steps[1].port, 2);
	check_step6(&r.steps[2], SLUICE_STEP_NEIGH, GW6, NULL);
	assert_int_equal(r.steps[2].type, 1);
	assert_memory_equal(r.steps[2].mac, &gw, 6);

	trace_rec6(sv[0], &r);
	assert_int_equal(r.verdict, SLUICE_TRACE_DROP);
	assert_string_equal(r.reason, "ip6_hop_limit_exceeded");
	assert_int_equal(r.out_ifindex, 0);
	assert_int_equal(r.nsteps, 2);
	check_step6(&r.steps[1], SLUICE_STEP_ROUTE, GW6, "2001:db8:99::5");

	trace_rec6(sv[0], &r);
	assert_int_equal(r.verdict, SLUICE_TRACE_LOCAL);
	assert_int_equal(r.nsteps, 3);
	check_step6(&r.steps[0], SLUICE_STEP_VALID, HOST6, LAN_GUA);
	assert_int_equal(r.steps[0].pa, 0x1234);	/* echo6's identifier */
	check_step6(&r.steps[1], SLUICE_STEP_ROUTE, LAN_GUA, LAN_GUA);
	assert_int_equal(r.steps[1].type, SLUICE_NH_LOCAL);
	assert_int_equal(r.steps[2].kind, SLUICE_STEP_LOCAL);
	assert_int_equal(r.steps[2].type, IPPROTO_ICMPV6);

	trace_rec6(sv[0], &r);
	assert_int_equal(r.verdict, SLUICE_TRACE_PUNT);
	assert_int_equal(r.nsteps, 3);
	check_step6(&r.steps[1], SLUICE_STEP_ROUTE, "2001:db8:2::77", "2001:db8:2::77");
	assert_int_equal(r.steps[1].type, SLUICE_NH_CONNECTED);
	check_step6(&r.steps[2], SLUICE_STEP_NEIGH, "2001:db8:2::77", NULL);
	assert_int_equal(r.steps[2].type, 0);
	assert_int_equal(r.steps[2].port, 2);

	/* Four: the session ended. */
	assert_int_equal(trace_sessions(), 0);
	assert_int_equal(recv(sv[0], &r, sizeof(r), MSG_DONTWAIT), 0);
	close(sv[0]);
}

/* UDP to the router: port unreachable from the address it was sent to. */
static void
test_port_unreachable(void **state)
{
	uint8_t udp[12] = { 0x30, 0x39, 0x82, 0x9a, 0, 12, 0, 0, 'a', 'b', 'c', 'd' }, pkt[64];
	uint16_t ck;
	uint32_t n;

	(void)state;
	n = ip6_bytes(pkt, HOST6, WAN_GUA, IPPROTO_UDP, 64, udp, sizeof(udp));
	ck = cksum6(pkt + 8, pkt + 24, IPPROTO_UDP, pkt + 40, sizeof(udp));
	memcpy(pkt + 46, &ck, 2);
	dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
	check_error6(WAN_GUA, ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_NOPORT, 0, pkt, n);

	/* A header cut short, a length under 8, a length past the payload:
	 * no error, a bad_header drop each. */
	uint64_t bad = dpt_drops(DROP6_BAD_HEADER);

	for (unsigned int i = 0; i < 3; i++) {
		uint32_t len = i == 0 ? 4 : sizeof(udp);

		udp[5] = i == 1 ? 4 : i == 2 ? 99 : 12;
		n = ip6_bytes(pkt, HOST6, WAN_GUA, IPPROTO_UDP, 64, udp, len);
		dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
		assert_int_equal(dpt_queued(&w), 0);
		dpt_done(&w);
	}
	assert_int_equal(dpt_drops(DROP6_BAD_HEADER), bad + 3);

	/* A zero checksum (RFC 8200 8.1) or a damaged one: dropped as a bad
	 * header, not answered. */
	udp[5] = 12;
	for (unsigned int i = 0; i < 2; i++) {
		n = ip6_bytes(pkt, HOST6, WAN_GUA, IPPROTO_UDP, 64, udp, sizeof(udp));
		ck = cksum6(pkt + 8, pkt + 24, IPPROTO_UDP, pkt + 40, sizeof(udp));
		if (i == 0)
			ck = 0;
		else
			ck ^= 0x0101;
		memcpy(pkt + 46, &ck, 2);
		dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
		assert_int_equal(dpt_queued(&w), 0);
		dpt_done(&w);
	}
	assert_int_equal(dpt_drops(DROP6_BAD_HEADER), bad + 5);

	/* A protocol nothing knows: Parameter Problem at the next header.  No
	 * next header (RFC 8200 4.7): a silent drop, counted.  A first
	 * fragment whose rest never comes: held, then, its time up, an
	 * ip6_reassembly_failed drop and a Time Exceeded (fragment
	 * reassembly time exceeded) quoting it, as the kernel sends; a
	 * datagram whose first piece never came: the drop alone.  Either
	 * identification may then come again. */
	{
		uint8_t frag[16] = { IPPROTO_UDP, 0, 0, 1, 0, 0, 0, 7 };
		uint8_t tail[16] = { IPPROTO_UDP, 0, 0, 8, 0, 0, 0, 8 };
		uint64_t lu = dpt_drops(DROP6_LOCAL_UNREACH), rf = dpt_drops(DROP6_REASSEMBLY);
		uint64_t clk = rte_get_tsc_cycles();

		n = ip6_bytes(pkt, HOST6, WAN_GUA, IPPROTO_SCTP, 64, frag, sizeof(frag));
		dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
		check_error6(WAN_GUA, ICMP6_PARAM_PROB, ICMP6_PARAMPROB_NEXTHEADER, 6, pkt, n);
		for (unsigned int round = 0; round < 2; round++) {
			n = ip6_bytes(pkt, HOST6, WAN_GUA, IPPROTO_FRAGMENT, 64, tail, sizeof(tail));
			dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
			n = ip6_bytes(pkt, HOST6, WAN_GUA, IPPROTO_FRAGMENT, 64, frag, sizeof(frag));
			dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
			assert_int_equal(dpt_queued(&w), 0);
			assert_int_equal(dpt_mbufs_in_use(), 2);
			clk += 6 * dp.hz;
			frag6_gc(&w, clk);
			assert_int_equal(dpt_drops(DROP6_REASSEMBLY), rf + 2 * round + 2);
			assert_int_equal(dpt_mbufs_in_use(), 1);
			check_error6(WAN_GUA, ICMP6_TIME_EXCEEDED, ICMP6_TIME_EXCEED_REASSEMBLY, 0,
				     pkt, n);
		}
		n = ip6_bytes(pkt, HOST6, WAN_GUA, IPPROTO_NONE, 64, frag, sizeof(frag));
		dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
		assert_int_equal(dpt_queued(&w), 0);
		dpt_done(&w);
		assert_int_equal(dpt_drops(DROP6_LOCAL_UNREACH), lu + 2);
	}
}

/* A TCP segment from the host to dst: flags, seq, ack, len payload
 * bytes, traffic class tc; its checksum right unless bad. */
static uint32_t
tcp6_bytes(uint8_t *pkt, const char *dst, uint8_t flags, uint32_t seq, uint32_t ack,
	   uint32_t len, uint8_t tc, bool bad)
{
	uint8_t t[20 + 16] = { 0x9c, 0x40, 0, 22, seq >> 24, seq >> 16, seq >> 8, seq,
			       ack >> 24, ack >> 16, ack >> 8, ack, 5 << 4, flags, 0xfa, 0xf0 };
	uint32_t n = ip6_bytes(pkt, HOST6, dst, IPPROTO_TCP, 64, t, (uint16_t)(20 + len));
	uint16_t ck = cksum6(pkt + 8, pkt + 24, IPPROTO_TCP, pkt + 40, 20 + len);

	pkt[0] = 0x60 | tc >> 4;
	pkt[1] = (uint8_t)(tc << 4 | 0x5);	/* and a flow label, not copied */
	if (bad)
		ck ^= 0x0100;
	memcpy(pkt + 56, &ck, 2);
	return n;
}

/* The reset the router must send for a segment to dst (RFC 9293
 * 3.10.7.1), built here: from dst to the host, ports swapped, hop limit
 * 64, the DSCP kept without the ECN bits or the flow label. */
static void
check_rst6(const char *dst, uint32_t seq, uint32_t ack, uint8_t flags, uint8_t tc)
{
	uint8_t t[20] = { 0, 22, 0x9c, 0x40, seq >> 24, seq >> 16, seq >> 8, seq,
			  ack >> 24, ack >> 16, ack >> 8, ack, 5 << 4, flags };
	uint8_t exp[80];
	uint32_t n = ip6_bytes(exp, dst, HOST6, IPPROTO_TCP, 64, t, sizeof(t));
	uint16_t ck = cksum6(exp + 8, exp + 24, IPPROTO_TCP, exp + 40, sizeof(t));

	exp[0] = 0x60 | tc >> 4;
	exp[1] = (uint8_t)(tc << 4 & 0xc0);
	memcpy(exp + 56, &ck, 2);
	check_frame(only(0), DPT_HOST_MAC, DPT_LAN_MAC, exp, n);
	dpt_done(&w);
}

/* TCP to the router's IPv6 addresses: nothing listens, so a reset, as
 * for IPv4 and as the kernel answers: RST+ACK acknowledging a SYN (and
 * the payload and FIN), RST with the segment's ACK as its sequence; none
 * for a reset; a damaged segment dropped as a bad header. */
static void
test_tcp_reset6(void **state)
{
	uint64_t lu = dpt_drops(DROP6_LOCAL_UNREACH), bad = dpt_drops(DROP6_BAD_HEADER);
	uint8_t pkt[128];
	uint32_t n;

	(void)state;
	n = tcp6_bytes(pkt, LAN_GUA, RTE_TCP_SYN_FLAG, 1000, 0, 0, 0xb9, false);
	dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
	check_rst6(LAN_GUA, 0, 1001, RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG, 0xb9);

	n = tcp6_bytes(pkt, WAN_GUA, RTE_TCP_FIN_FLAG | RTE_TCP_PSH_FLAG, 7, 0, 16, 0, false);
	dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
	check_rst6(WAN_GUA, 0, 7 + 16 + 1, RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG, 0);

	n = tcp6_bytes(pkt, LAN_GUA, RTE_TCP_ACK_FLAG, 5, 0x01020304, 0, 0, false);
	dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
	check_rst6(LAN_GUA, 0x01020304, 0, RTE_TCP_RST_FLAG, 0);

	n = tcp6_bytes(pkt, LAN_GUA, RTE_TCP_RST_FLAG, 5, 0, 0, 0, false);
	dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
	assert_int_equal(dpt_queued(&w), 0);
	dpt_done(&w);
	assert_int_equal(dpt_drops(DROP6_LOCAL_UNREACH), lu + 4);

	n = tcp6_bytes(pkt, LAN_GUA, RTE_TCP_SYN_FLAG, 1000, 0, 0, 0, true);
	dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
	assert_int_equal(dpt_queued(&w), 0);
	dpt_done(&w);
	assert_int_equal(dpt_drops(DROP6_BAD_HEADER), bad + 1);
}

/* Never an error about an ICMPv6 error; errors about queries are fine;
 * the token bucket holds them back and counts it. */
static void
test_error_limits(void **state)
{
	uint8_t err[16] = { ICMP6_DST_UNREACH, 0 }, q[16] = { ICMP6_ECHO_REQUEST, 0 };
	uint64_t rl = dpt_drops(DROP_ICMP_RATELIMIT);

	(void)state;
	dpt_input1(&w, from_host(HOST6, "2001:db8:99::5", IPPROTO_ICMPV6, 1, err, sizeof(err)));
	assert_int_equal(dpt_queued(&w), 0);
	dpt_done(&w);
	dpt_input1(&w, from_host(HOST6, "2001:db8:99::5", IPPROTO_ICMPV6, 1, q, sizeof(q)));
	assert_int_equal(dpt_queued(&w), 1);
	dpt_done(&w);

	w.icmp_tokens = 0;
	w.icmp_last = UINT64_MAX;	/* no refill */
	dpt_input1(&w, from_host(HOST6, "2001:db8:99::5", IPPROTO_ICMPV6, 1, q, sizeof(q)));
	assert_int_equal(dpt_queued(&w), 0);
	assert_int_equal(dpt_drops(DROP_ICMP_RATELIMIT), rl + 1);
	dpt_done(&w);
	wctx_init(&w, 0);
}

/* The router's addresses over the table API: bounds, link-local per
 * port, the routes a global address brings and takes. */
static void
test_addresses(void **state)
{
	uint8_t a[16], ll[16];
	struct route6 r;

	(void)state;
	ip6_eui64_link_local(&ports[0].mac, ll);
	a6(LAN_LL, a);
	assert_memory_equal(ll, a, 16);
	assert_true(addr6_on_port(addrs6_get(), 0, a));
	assert_false(addr6_on_port(addrs6_get(), 1, a));
	a6("2001:db8:3::1", a);
	assert_int_equal(addr6_add(0, a, 129), -EINVAL);
	a6("ff02::5", a);
	assert_int_equal(addr6_add(0, a, 64), -EINVAL);
	a6(WAN_GUA, a);
	assert_int_equal(addr6_add(0, a, 64), -EEXIST);
	a6("2001:db8:3::1", a);
	assert_int_equal(addr6_add(0, a, 64), 0);
	drain_sent6();
	a6("2001:db8:3::99", a);
	assert_int_equal(route6_get(a, &r), 0);
	assert_int_equal(r.port, 0);
	assert_int_equal(r.metric, 256);
	a6("2001:db8:3::1", a);
	assert_int_equal(route6_get(a, &r), 0);
	assert_int_equal(r.type, RTN_LOCAL);
	/* A second address on the network: the first gone, the network
	 * stays and names the second as its source. */
	{
		uint8_t b[16];

		a6("2001:db8:3::2", b);
		assert_int_equal(addr6_add(0, b, 64), 0);
		drain_sent6();
		assert_int_equal(addr6_del(0, a, 64), 0);
		a6("2001:db8:3::99", a);
		assert_int_equal(route6_get(a, &r), 0);
		assert_int_equal(r.plen, 64);
		assert_memory_equal(r.prefsrc, b, 16);
		memcpy(a, b, 16);
	}
	assert_int_equal(addr6_del(0, a, 64), 0);
	a6("2001:db8:3::99", a);
	assert_int_equal(route6_get(a, &r), 0);
	assert_int_equal(r.plen, 0);	/* only the default is left */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forward_hop_limit),
		cmocka_unit_test(test_time_exceeded),
		cmocka_unit_test(test_packet_too_big),
		cmocka_unit_test(test_no_route_and_blackhole),
		cmocka_unit_test(test_burst_next_hops),
		cmocka_unit_test(test_burst_one_gateway),
		cmocka_unit_test(test_one_pass_mixed),
		cmocka_unit_test(test_one_pass_v4_among_v6),
		cmocka_unit_test(test_lpm),
		cmocka_unit_test(test_port_down_backup),
		cmocka_unit_test(test_lpm_random),
		cmocka_unit_test(test_fib_churn),
		cmocka_unit_test(test_fib_churn_no_memory),
		cmocka_unit_test(test_fib_simd_limit),
		cmocka_unit_test(test_martians),
		cmocka_unit_test(test_extension_headers),
		cmocka_unit_test(test_nat_leaves_ip6_alone),
		cmocka_unit_test(test_echo),
		cmocka_unit_test(test_subnet_router_anycast),
		cmocka_unit_test(test_local_extension_headers),
		cmocka_unit_test(test_hop_by_hop),
		cmocka_unit_test(test_port_under_ip6_minimum),
		cmocka_unit_test(test_echo_in_fragments6),
		cmocka_unit_test(test_port_unreachable),
		cmocka_unit_test(test_error_limits),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_trace6),
		cmocka_unit_test(test_tcp_reset6),
	};

	dpt_init("ip6");
	return cmocka_run_group_tests(tests, setup, NULL);
}
