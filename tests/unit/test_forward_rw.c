/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Forwarding while the control lcore changes the tables under it: a worker
 * thread forwards bursts through worker_input, where the gateway's MAC
 * comes from its next hop (no hash), while this thread rewrites the
 * gateway's MAC, deletes and re-creates its entry (positions change hands,
 * a decoy entry takes freed ones), and moves the route between two
 * gateways.  Every frame that leaves must go out of the WAN port to a MAC
 * its route's gateway had at some point: never a decoy's, never a torn
 * one, never out of another port.
 */
#include <string.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <rte_cycles.h>
#include <rte_lcore.h>

#include "dp_test.h"
#include "neigh.h"
#include "resolve.h"
#include "route.h"

#define GW_A_MAC	"02:00:00:00:01:a1"	/* 192.0.2.254, one MAC... */
#define GW_B_MAC	"02:00:00:00:01:b2"	/* ...or the other */
#define GW2_MAC		"02:00:00:00:01:c3"	/* 192.0.2.253 */
#define DECOY_MAC	"02:ee:00:00:00:66"	/* 100.64.x.y: never a next hop */
#define DECOYS_LIVE	4096
/* Positions in the neighbour hash (neigh.c: live entries and deferred frees). */
#define NEIGH_SLOTS_ALL	(NEIGH_MAX * 2)

static struct wctx cw;			/* the control side's (fixture) */

static struct rte_mbuf *
frame(unsigned int n, uint64_t loop)
{
	char dst[32];

	snprintf(dst, sizeof(dst), "198.18.%u.%u", n & 3, (unsigned int)(loop + n) & 255);
	return dpt_udp(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", dst, 5000, 53, 18);
}

static void
test_forward_while_tables_change(void **state)
{
	const struct rte_ether_addr a = dpt_mac(GW_A_MAC), b = dpt_mac(GW_B_MAC),
				    decoy = dpt_mac(DECOY_MAC);
	const uint32_t gw = dpt_ip("192.0.2.254"), d = dpt_ip("100.64.0.1");
	struct route r = { .dst = dpt_ip("198.18.0.0"), .plen = 16, .type = RTN_UNICAST,
			   .protocol = SLUICE_RTPROT_CLI, .scope = RT_SCOPE_UNIVERSE,
			   .gw = gw, .port = DP_NO_PORT };
	bool via2 = false;	/* the route is through .253 */
	struct dpt_fwd f = { .frame = frame,
			     .macs = { a, b, dpt_mac(GW2_MAC) } };	/* .254's, .253's */
	uint64_t end;
	unsigned int i = 0;

	(void)state;
	assert_int_equal(route_add(&r, 0), 0);
	assert_int_equal(neigh_add(1, gw, &a, false, 0), 0);
	assert_int_equal(dpt_fwd_start(&f), 0);
	end = rte_get_tsc_cycles() + rte_get_tsc_hz();
	/* A second, and every kind of change twice however slow the
	 * machine (the route moves every 64th). */
	while (rte_get_tsc_cycles() < end || i < 128) {
		assert_int_equal(neigh_add(1, gw, (i & 1) ? &a : &b, false, 0), 0);
		/* Long enough for the forwarder to see each MAC: two bursts
		 * (a fixed 50 us missed one on a loaded machine). */
		dpt_fwd_wait(&f, 2);
		if (i % 16 == 15) {
			/* Away and back: the gateway comes back at another
			 * position, the next hop follows. */
			assert_int_equal(neigh_del(1, gw), 0);
			neigh_timer(rte_get_tsc_cycles());
			assert_int_equal(neigh_add(1, gw, &a, false, 0), 0);
		}
		if (i % 64 == 63) {
			/* Replaced in place, so that no packet finds no route
			 * (which would be answered by ICMP, on the LAN port). */
			via2 = !via2;
			r.gw = dpt_ip(via2 ? "192.0.2.253" : "192.0.2.254");
			assert_int_equal(route_add(&r, NLM_F_REPLACE), 0);
			route_sync();
		}
		dpt_drain();
		i++;
	}
	/*
	 * The gateway away for long: decoys made and removed go round every
	 * position of the hash (its free positions are a FIFO), the
	 * gateway's old one included, while the forwarder keeps looking up
	 * the route through it.
	 */
	r.gw = gw;
	assert_int_equal(route_add(&r, NLM_F_REPLACE), 0);
	assert_int_equal(neigh_del(1, gw), 0);
	for (uint32_t k = 0; k < 2 * NEIGH_SLOTS_ALL; k++) {
		/* Each decoy lives for DECOYS_LIVE more, so that a reused
		 * position shows the decoy's MAC for a good while. */
		assert_int_equal(neigh_add(1, d + k, &decoy, false, 0), 0);
		if (k >= DECOYS_LIVE)
			assert_int_equal(neigh_del(1, d + k - DECOYS_LIVE), 0);
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
	dpt_route(false, "198.18.0.0", 16, "192.0.2.254", RTN_UNICAST);
	route_sync();
	assert_int_equal(dpt_mbufs_in_use(), 0);
}

static int
group_setup(void **state)
{
	struct rte_ether_addr c = dpt_mac(GW2_MAC);

	(void)state;
	if (dpt_two_ports(&cw) != 0)
		return -1;
	/* The fixture's gateway is this test's to change. */
	neigh_del(1, dpt_ip("192.0.2.254"));
	return neigh_add(1, dpt_ip("192.0.2.253"), &c, true, 0) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forward_while_tables_change),
	};

	dpt_init("forward_rw");
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
