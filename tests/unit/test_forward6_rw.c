/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 forwarding while the control lcore changes the tables under it, as
 * test_forward_rw does for IPv4: a worker thread forwards bursts through
 * worker_input, where a gateway's MAC comes from its next hop (no hash),
 * while this thread rewrites the gateway's MAC, deletes and re-creates its
 * entry (positions change hands, decoy entries take freed ones), moves
 * the route between two gateways and adds and removes a longer route
 * through the other one.  Every frame that leaves must go out of the WAN
 * port, from its MAC, to a MAC the gateway of its route had at some point
 * (never a decoy's, never a torn one), with the hop limit taken down by
 * one; nothing may leak.
 */
#include <pthread.h>

#include <rte_cycles.h>
#include <rte_pause.h>
#include <rte_rcu_qsbr.h>
#include <rte_lcore.h>

#include "ip6_test.h"
#include "resolve.h"

#define GW_A_MAC	"02:00:00:00:01:a1"	/* GW6, one MAC... */
#define GW_B_MAC	"02:00:00:00:01:b2"	/* ...or the other */
#define GW2_MAC		"02:00:00:00:01:c3"	/* GW6_2 */
#define DECOY_MAC	"02:ee:00:00:00:66"	/* 2001:db8:2::1:x: never a next hop */
#define GW6_2		"2001:db8:2::fd"
#define DECOYS_LIVE	4096
/* Positions in the neighbour hash (neigh.c: live entries and deferred frees). */
#define NEIGH_SLOTS_ALL	(NEIGH_MAX * 2)

static struct wctx cw;			/* the control side's (fixture) */

/* The UDP packet the forwarder sends, and what must leave of it. */
static uint8_t pkt[40 + 8 + 18];

/* 2001:db8:99:N::x, N 0-3: the /64 route covers N = 1.  The forwarder's
 * thread alone writes pkt after the setup. */
static struct rte_mbuf *
frame(unsigned int n, uint64_t loop)
{
	pkt[24 + 7] = (uint8_t)(n & 3);
	pkt[24 + 15] = (uint8_t)(loop + n);
	return frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, sizeof(pkt));
}

/* IPv6, whole, the hop limit one less, from the host. */
static bool
check(const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const uint8_t *ip = (const uint8_t *)(eh + 1);

	return eh->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV6) &&
	       rte_pktmbuf_pkt_len(m) == 14 + sizeof(pkt) && ip[7] == pkt[7] - 1 &&
	       memcmp(ip + 8, pkt + 8, 16) == 0;
}

static void
test_forward6_while_tables_change(void **state)
{
	const struct rte_ether_addr a = dpt_mac(GW_A_MAC), b = dpt_mac(GW_B_MAC),
				    decoy = dpt_mac(DECOY_MAC);
	struct route6 r = { .plen = 48, .type = RTN_UNICAST, .protocol = SLUICE_RTPROT_CLI,
			    .scope = RT_SCOPE_UNIVERSE, .port = DP_NO_PORT };
	struct route_match any = { 0 };
	uint8_t gw[16], gw2[16], d[16];
	bool via2 = false;	/* the /48 is through GW6_2 */
	bool longer = false;	/* 2001:db8:99:1::/64 via GW6_2 is there */
	struct dpt_fwd f = { .frame = frame, .check = check,
			     .macs = { a, b, dpt_mac(GW2_MAC) } };	/* GW6's, GW6_2's */
	uint64_t end;
	unsigned int i = 0;

	(void)state;
	a6(GW6, gw);
	a6(GW6_2, gw2);
	a6("2001:db8:99::", r.dst);
	memcpy(r.gw, gw, 16);
	assert_int_equal(route6_add(&r, 0), 0);
	assert_int_equal(neigh6_add(1, gw, &a, false, 0), 0);
	assert_int_equal(dpt_fwd_start(&f), 0);
	end = rte_get_tsc_cycles() + rte_get_tsc_hz();
	/* A second, and every kind of change twice however slow the
	 * machine (the route moves every 64th). */
	while (rte_get_tsc_cycles() < end || i < 128) {
		f.step = i;	/* for the wrong frames dpt_fwd_stop shows */
		assert_int_equal(neigh6_add(1, gw, (i & 1) ? &a : &b, false, 0), 0);
		/* Long enough for the forwarder to see each MAC: two bursts
		 * (a fixed 50 us missed one on a loaded machine). */
		dpt_fwd_wait(&f, 2);
		if (i % 16 == 15) {
			/* Away and back: the gateway comes back at another
			 * position, the next hop follows. */
			assert_int_equal(neigh6_del(1, gw), 0);
			neigh_timer(rte_get_tsc_cycles());
			assert_int_equal(neigh6_add(1, gw, &a, false, 0), 0);
		}
		if (i % 64 == 63) {
			/* Replaced in place, so that no packet finds no route
			 * (which would be answered by ICMPv6, on the LAN port). */
			via2 = !via2;
			memcpy(r.gw, via2 ? gw2 : gw, 16);
			assert_int_equal(route6_add(&r, NLM_F_REPLACE), 0);
			route6_sync();
		}
		if (i % 40 == 39) {
			/* A longer route through the other gateway, in and out. */
			longer = !longer;
			route6(longer, "2001:db8:99:1::", 64, GW6_2, RTN_UNICAST, DP_NO_PORT);
			route6_sync();
		}
		dpt_drain();
		i++;
	}
	f.step = UINT32_MAX;	/* the decoys */
	/*
	 * The gateway away for long: decoys made and removed go round every
	 * position of the hash (its free positions are a FIFO), the
	 * gateway's old one included, while the forwarder keeps looking up
	 * the route through it.
	 */
	memcpy(r.gw, gw, 16);
	assert_int_equal(route6_add(&r, NLM_F_REPLACE), 0);
	if (longer)
		route6(false, "2001:db8:99:1::", 64, GW6_2, RTN_UNICAST, DP_NO_PORT);
	route6_sync();
	assert_int_equal(neigh6_del(1, gw), 0);
	a6("2001:db8:2::1:0", d);
	for (uint32_t k = 0; k < 2 * NEIGH_SLOTS_ALL; k++) {
		uint8_t old[16];
		uint32_t o = k - DECOYS_LIVE;

		/* Each decoy lives for DECOYS_LIVE more, so that a reused
		 * position shows the decoy's MAC for a good while. */
		d[12] = 1;	/* 2001:db8:2::100:0 on: never a gateway's */
		d[13] = (uint8_t)(k >> 16);
		d[14] = (uint8_t)(k >> 8);
		d[15] = (uint8_t)k;
		assert_int_equal(neigh6_add(1, d, &decoy, false, 0), 0);
		if (k >= DECOYS_LIVE) {
			memcpy(old, d, 16);
			old[12] = 1;
			old[13] = (uint8_t)(o >> 16);
			old[14] = (uint8_t)(o >> 8);
			old[15] = (uint8_t)o;
			assert_int_equal(neigh6_del(1, old), 0);
		}
		if (k % 256 == 0) {
			neigh_timer(rte_get_tsc_cycles());
			dpt_drain();
		}
	}
	dpt_fwd_stop(&f);
	dpt_drain();
	neigh_flush(1);
	print_message("%u changes\n", i);
	assert_int_equal(f.wrong, 0);
	assert_true(f.loops > 100);
	/* Each path was taken: both MACs of the gateway, and the other one. */
	assert_true(f.sent[0] > 0 && f.sent[1] > 0 && f.sent[2] > 0);
	assert_int_equal(route6_del(&r, &any), 0);
	route6_sync();
	assert_int_equal(dpt_mbufs_in_use(), 0);
}

/*
 * Lookups alone while groups of the trie fold: a reader thread looks up
 * addresses under 2001:db8:77::/48 as fast as it can, while this thread
 * adds and deletes a /64 and a /128 under it.  Each delete folds a chain
 * of groups, freed and zeroed one level after another; the default route
 * covers every address, so no lookup may ever find no route.
 */
struct lk {
	volatile bool stop, registered;
	volatile uint64_t lookups, none;
	pthread_t th;
};

static void *
lk_thread(void *arg)
{
	struct lk *l = arg;
	uint8_t ips[32][16];
	uint64_t nh[32];
	int lcore;

	if ((lcore = dpt_worker_thread_begin()) < 0)
		return NULL;
	for (int i = 0; i < 32; i++) {
		a6("2001:db8:77:1::", ips[i]);
		ips[i][15] = (uint8_t)i;
	}
	l->registered = true;
	while (!l->stop) {
		route6_lookup_bulk((const uint8_t (*)[16])ips, nh, 32);
		for (int i = 0; i < 32; i++)
			if (nh[i] == 0)
				l->none++;
		l->lookups += 32;
		rte_rcu_qsbr_quiescent(dp.qsbr, lcore);
	}
	dpt_worker_thread_end((unsigned int)lcore);
	return NULL;
}

static void
test_lookup6_while_groups_fold(void **state)
{
	struct lk l = { 0 };
	uint64_t end;
	unsigned int i = 0;

	(void)state;
	route6(true, "2001:db8:77::", 48, GW6_2, RTN_UNICAST, DP_NO_PORT);
	route6_sync();
	assert_int_equal(pthread_create(&l.th, NULL, lk_thread, &l), 0);
	while (!l.registered)
		rte_pause();
	end = rte_get_tsc_cycles() + 2 * rte_get_tsc_hz();
	while (rte_get_tsc_cycles() < end) {
		route6(true, "2001:db8:77:1::", 64, GW6, RTN_UNICAST, DP_NO_PORT);
		route6(true, "2001:db8:77:1::5", 128, GW6_2, RTN_UNICAST, DP_NO_PORT);
		route6_sync();
		route6(false, "2001:db8:77:1::5", 128, GW6_2, RTN_UNICAST, DP_NO_PORT);
		route6(false, "2001:db8:77:1::", 64, GW6, RTN_UNICAST, DP_NO_PORT);
		route6_sync();
		i++;
	}
	l.stop = true;
	pthread_join(l.th, NULL);
	print_message("%u rounds, %lu lookups, %lu found no route\n", i,
		      (unsigned long)l.lookups, (unsigned long)l.none);
	route6(false, "2001:db8:77::", 48, GW6_2, RTN_UNICAST, DP_NO_PORT);
	route6_sync();
	assert_true(l.lookups > 0);
	assert_int_equal(l.none, 0);
}

/*
 * The FIB rebuilt under the forwarder (route6_rebuild, as route6_add does
 * when DPDK's trie refuses a prefix for groups its deletes leaked): the
 * worker keeps the FIB it loaded for its burst, the old one is freed only
 * after it passed a quiescent state.  The traffic's routes, a /48 and a
 * /64 in it, go through GW6_2; the default goes through GW6, which has no
 * neighbour entry: a frame looked up in a half-made FIB, a freed one or
 * one short of a route goes elsewhere (or starts a solicitation), and
 * counts as wrong.  /64s elsewhere come and go in between.
 */
static void
test_forward6_while_fib_rebuilt(void **state)
{
	const struct rte_ether_addr c = dpt_mac(GW2_MAC);
	struct dpt_fwd f = { .frame = frame, .check = check, .macs = { c } };
	uint64_t rebuilds = route6_rebuilds(), end, last;
	unsigned int i = 0;
	char s[INET6_ADDRSTRLEN];
	uint8_t gw2[16], d[16];

	(void)state;
	a6(GW6_2, gw2);
	assert_int_equal(neigh6_add(1, gw2, &c, true, 0), 0);
	route6(true, "2001:db8:99::", 48, GW6_2, RTN_UNICAST, DP_NO_PORT);
	route6(true, "2001:db8:99:2::", 64, GW6_2, RTN_UNICAST, DP_NO_PORT);
	assert_int_equal(dpt_fwd_start(&f), 0);
	/* A rebuild makes and zeroes a FIB of dpt_init's size (some 110 MB):
	 * a quarter to one second here, but over ten on a loaded machine.
	 * Four, or what ten seconds allow, two at least (within a minute). */
	end = rte_get_tsc_cycles() + 10 * rte_get_tsc_hz();
	last = end + 50 * rte_get_tsc_hz();
	a6("2001:db8:c000::", d);
	while (route6_rebuilds() - rebuilds < 4 && rte_get_tsc_cycles() < last &&
	       (rte_get_tsc_cycles() < end || route6_rebuilds() - rebuilds < 2)) {
		for (int k = 0; k < 16; k++) {
			d[6] = (uint8_t)i;
			d[7] = (uint8_t)k;
			route6(true, ip6_fmt(d, s), 64, GW6, RTN_UNICAST, DP_NO_PORT);
		}
		assert_int_equal(route6_rebuild(), 0);
		for (int k = 0; k < 16; k += 2) {
			d[6] = (uint8_t)i;
			d[7] = (uint8_t)k;
			route6(false, ip6_fmt(d, s), 64, NULL, RTN_UNSPEC, DP_NO_PORT);
		}
		rte_delay_us_block(200);
		dpt_drain();
		i++;
	}
	dpt_fwd_stop(&f);
	dpt_drain();
	print_message("%lu rebuilds\n", (unsigned long)(route6_rebuilds() - rebuilds));
	assert_true(route6_rebuilds() - rebuilds >= 2);
	assert_int_equal(f.wrong, 0);
	assert_true(f.sent[0] > 0);
	route6(false, "2001:db8:99:2::", 64, NULL, RTN_UNSPEC, DP_NO_PORT);
	route6(false, "2001:db8:99::", 48, NULL, RTN_UNSPEC, DP_NO_PORT);
	route6_sync();
	neigh_flush(1);
	assert_int_equal(dpt_mbufs_in_use(), 0);
}

static int
group_setup(void **state)
{
	struct rte_ether_addr c = dpt_mac(GW2_MAC);
	uint8_t a[16];

	(void)state;
	if (ip6_fixture(&cw) != 0)
		return -1;
	/* The fixture's gateway is this test's to change. */
	a6(GW6, a);
	neigh6_del(1, a);
	a6(GW6_2, a);
	if (neigh6_add(1, a, &c, true, 0) != 0)
		return -1;
	/* UDP 5000 -> 53, 18 bytes; its checksum is nothing a router reads. */
	ip6_bytes(pkt, HOST6, "2001:db8:99::1", IPPROTO_UDP, 64,
		  (const uint8_t *)"\x13\x88\x00\x35\x00\x1a\x00\x00eighteen bytes ...", 26);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forward6_while_tables_change),
		cmocka_unit_test(test_lookup6_while_groups_fold),
		cmocka_unit_test(test_forward6_while_fib_rebuilt),
	};

	dpt_init("forward6_rw");
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
