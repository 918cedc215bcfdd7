/* SPDX-License-Identifier: BSD-3-Clause */
/* The routing table: LPM semantics, metrics, errors, walk, and the FIB
 * read by a worker while the control side changes it. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>

#include "dp_test.h"
#include "route.h"
#include "rt_pfx.h"

/* Port 0 "lan" 192.168.1.1/24, port 1 "wan" 198.51.100.1/24. */
static int
setup(void **state)
{
	(void)state;
	dpt_port(0, "lan", "02:00:00:00:00:01", 1500);
	dpt_port(1, "wan", "02:00:00:00:00:02", 1500);
	if (addr_add(0, dpt_ip("192.168.1.1"), 24) != 0 ||
	    addr_add(1, dpt_ip("198.51.100.1"), 24) != 0)
		return -1;
	/* The gratuitous ARPs those sent. */
	struct rte_mbuf *m[8];
	unsigned int n = dpt_sent(m, 8);

	rte_pktmbuf_free_bulk(m, n);
	return 0;
}

static int
teardown(void **state)
{
	struct rte_mbuf *m[32];
	unsigned int n;

	(void)state;
	while ((n = dpt_sent(m, 32)) > 0)
		rte_pktmbuf_free_bulk(m, n);
	dpt_port_remove(0);
	dpt_port_remove(1);
	route_flush_port(DP_NO_PORT);	/* blackholes */
	route_sync();
	return route_count() == 0 ? 0 : -1;
}

static struct route
rt(const char *dst, uint8_t plen, const char *gw, uint32_t metric)
{
	struct route r = {
		.dst = dpt_ip(dst), .plen = plen, .type = RTN_UNICAST,
		.protocol = SLUICE_RTPROT_CLI, .scope = RT_SCOPE_UNIVERSE,
		.metric = metric, .gw = gw != NULL ? dpt_ip(gw) : 0, .port = DP_NO_PORT,
	};
	return r;
}

static int
add(const char *dst, uint8_t plen, const char *gw, uint32_t metric)
{
	struct route r = rt(dst, plen, gw, metric);

	return route_add(&r, NLM_F_CREATE | NLM_F_EXCL);
}

static int
del(const char *dst, uint8_t plen)
{
	struct route r = rt(dst, plen, NULL, 0);
	struct route_match m = { 0 };

	return route_del(&r, &m);
}

static uint64_t
nh_of(const char *ip)
{
	uint32_t a = dpt_ip(ip);
	uint64_t nh = 99999;

	route_lookup_bulk(&a, &nh, 1);
	return nh;
}

/* The gateway the FIB sends ip to (0 when none or not a gateway). */
static uint32_t
gw_of(const char *ip)
{
	uint64_t nh = nh_of(ip);

	return nh != 0 && nexthops[nh].type == NH_GATEWAY ? nexthops[nh].gw : 0;
}

static void
test_connected_from_addr(void **state)
{
	struct route r;
	uint64_t nh;

	(void)state;
	assert_int_equal(route_count(), 2);
	assert_int_equal(route_get(dpt_ip("192.168.1.77"), &r), 0);
	assert_int_equal(r.dst, dpt_ip("192.168.1.0"));
	assert_int_equal(r.plen, 24);
	assert_int_equal(r.type, RTN_UNICAST);
	assert_int_equal(r.scope, RT_SCOPE_LINK);
	assert_int_equal(r.protocol, SLUICE_RTPROT_CONNECTED);
	assert_int_equal(r.port, 0);
	assert_int_equal(r.gw, 0);
	assert_int_equal(r.prefsrc, dpt_ip("192.168.1.1"));
	nh = nh_of("192.168.1.77");
	assert_int_equal(nexthops[nh].type, NH_CONNECTED);
	assert_int_equal(nexthops[nh].port, 0);

	/* Our own address and the directed broadcast. */
	assert_int_equal(route_get(dpt_ip("198.51.100.1"), &r), 0);
	assert_int_equal(r.type, RTN_LOCAL);
	assert_int_equal(r.port, 1);
	assert_int_equal(nexthops[nh_of("198.51.100.1")].type, NH_LOCAL);
	assert_int_equal(route_get(dpt_ip("198.51.100.255"), &r), 0);
	assert_int_equal(r.type, RTN_BROADCAST);
	assert_int_equal(nexthops[nh_of("198.51.100.255")].type, NH_BROADCAST);
	assert_int_equal(nexthops[nh_of("198.51.100.9")].port, 1);

	/* Nothing else is routed. */
	assert_int_equal(nh_of("8.8.8.8"), 0);
	assert_int_equal(route_get(dpt_ip("8.8.8.8"), &r), -ENETUNREACH);

	/* A second address on a network: when the first goes, the network
	 * stays and names the second as its source, as the kernel's
	 * promoted secondary. */
	assert_int_equal(addr_add(1, dpt_ip("198.51.100.5"), 24), 0);
	assert_int_equal(addr_del(1, dpt_ip("198.51.100.1"), 24), 0);
	assert_int_equal(route_get(dpt_ip("198.51.100.9"), &r), 0);
	assert_int_equal(r.prefsrc, dpt_ip("198.51.100.5"));
	assert_int_equal(nexthops[nh_of("198.51.100.9")].type, NH_CONNECTED);
	assert_int_equal(addr_add(1, dpt_ip("198.51.100.1"), 24), 0);
	assert_int_equal(addr_del(1, dpt_ip("198.51.100.5"), 24), 0);
	assert_int_equal(route_get(dpt_ip("198.51.100.9"), &r), 0);
	assert_int_equal(r.prefsrc, dpt_ip("198.51.100.1"));
	assert_int_equal(route_count(), 2);

	/* The address goes, its routes go. */
	assert_int_equal(addr_del(1, dpt_ip("198.51.100.1"), 24), 0);
	assert_int_equal(nh_of("198.51.100.1"), 0);
	assert_int_equal(nh_of("198.51.100.255"), 0);
	assert_int_equal(nh_of("198.51.100.9"), 0);
	assert_int_equal(route_count(), 1);
}

static void
test_longest_match(void **state)
{
	struct route r;

	(void)state;
	assert_int_equal(add("10.0.0.0", 8, "192.168.1.8", 0), 0);
	assert_int_equal(add("10.1.0.0", 16, "192.168.1.16", 0), 0);
	assert_int_equal(add("10.1.2.0", 24, "192.168.1.24", 0), 0);
	assert_int_equal(add("10.1.2.64", 26, "192.168.1.26", 0), 0);
	r = rt("10.1.2.128", 25, NULL, 0);
	r.type = RTN_BLACKHOLE;
	assert_int_equal(route_add(&r, 0), 0);

	assert_int_equal(gw_of("10.200.0.1"), dpt_ip("192.168.1.8"));
	assert_int_equal(gw_of("10.1.200.1"), dpt_ip("192.168.1.16"));
	assert_int_equal(gw_of("10.1.2.1"), dpt_ip("192.168.1.24"));
	assert_int_equal(gw_of("10.1.2.64"), dpt_ip("192.168.1.26"));
	assert_int_equal(gw_of("10.1.2.127"), dpt_ip("192.168.1.26"));
	assert_int_equal(nexthops[nh_of("10.1.2.128")].type, NH_BLACKHOLE);
	assert_int_equal(nexthops[nh_of("10.1.2.255")].port, DP_NO_PORT);
	assert_int_equal(nh_of("11.0.0.1"), 0);
	/* Gateway routes take the port of the gateway's network. */
	assert_int_equal(nexthops[nh_of("10.1.2.1")].port, 0);

	assert_int_equal(route_get(dpt_ip("10.1.2.100"), &r), 0);
	assert_int_equal(r.dst, dpt_ip("10.1.2.64"));
	assert_int_equal(r.plen, 26);
	assert_int_equal(r.gw, dpt_ip("192.168.1.26"));
	assert_int_equal(r.port, 0);
	assert_int_equal(r.prefsrc, dpt_ip("192.168.1.1"));
}

static void
test_default_route(void **state)
{
	struct route r;

	(void)state;
	assert_int_equal(add("0.0.0.0", 0, "198.51.100.254", 0), 0);
	assert_int_equal(add("10.0.0.0", 8, "192.168.1.8", 0), 0);
	assert_int_equal(gw_of("8.8.8.8"), dpt_ip("198.51.100.254"));
	assert_int_equal(gw_of("255.255.255.254"), dpt_ip("198.51.100.254"));
	assert_int_equal(gw_of("10.9.9.9"), dpt_ip("192.168.1.8"));
	assert_int_equal(nexthops[nh_of("8.8.8.8")].port, 1);
	/* Connected and local routes still win over the default. */
	assert_int_equal(nexthops[nh_of("192.168.1.5")].type, NH_CONNECTED);
	assert_int_equal(nexthops[nh_of("192.168.1.1")].type, NH_LOCAL);
	assert_int_equal(route_get(dpt_ip("1.2.3.4"), &r), 0);
	assert_int_equal(r.plen, 0);
	assert_int_equal(r.prefsrc, dpt_ip("198.51.100.1"));

	assert_int_equal(del("0.0.0.0", 0), 0);
	assert_int_equal(nh_of("8.8.8.8"), 0);
	assert_int_equal(gw_of("10.9.9.9"), dpt_ip("192.168.1.8"));
	assert_int_equal(route_get(dpt_ip("8.8.8.8"), &r), -ENETUNREACH);
}

/*
 * `route get ADDR dev NAME` (the kernel's oif): the longest route through
 * that port, passing over longer ones through another; a port that no
 * route covering the address names takes the address to be on its link,
 * sourced from its first address; our own address through its port is
 * local, through another routed.
 */
static void
test_route_get_via(void **state)
{
	struct route r;

	(void)state;
	assert_int_equal(add("0.0.0.0", 0, "198.51.100.254", 0), 0);
	assert_int_equal(add("10.0.0.0", 8, "192.168.1.8", 0), 0);
	assert_int_equal(add("10.1.0.0", 16, "198.51.100.16", 0), 0);

	assert_int_equal(route_get_via(dpt_ip("10.1.2.3"), 0, &r), 0);
	assert_int_equal(r.dst, dpt_ip("10.0.0.0"));
	assert_int_equal(r.plen, 8);
	assert_int_equal(r.gw, dpt_ip("192.168.1.8"));
	assert_int_equal(r.port, 0);
	assert_int_equal(r.prefsrc, dpt_ip("192.168.1.1"));
	assert_int_equal(route_get_via(dpt_ip("10.1.2.3"), 1, &r), 0);
	assert_int_equal(r.plen, 16);
	assert_int_equal(r.gw, dpt_ip("198.51.100.16"));
	assert_int_equal(r.prefsrc, dpt_ip("198.51.100.1"));
	/* The fast path's own choice is unchanged: the /16. */
	assert_int_equal(gw_of("10.1.2.3"), dpt_ip("198.51.100.16"));

	/* Nothing through lan covers 8.8.8.8: on lan's link. */
	assert_int_equal(route_get_via(dpt_ip("8.8.8.8"), 0, &r), 0);
	assert_int_equal(r.dst, dpt_ip("8.8.8.8"));
	assert_int_equal(r.plen, 32);
	assert_int_equal(r.type, RTN_UNICAST);
	assert_int_equal(r.scope, RT_SCOPE_LINK);
	assert_int_equal(r.gw, 0);
	assert_int_equal(r.port, 0);
	assert_int_equal(r.prefsrc, dpt_ip("192.168.1.1"));
	assert_int_equal(route_get_via(dpt_ip("8.8.8.8"), 1, &r), 0);
	assert_int_equal(r.gw, dpt_ip("198.51.100.254"));

	assert_int_equal(route_get_via(dpt_ip("198.51.100.1"), 1, &r), 0);
	assert_int_equal(r.type, RTN_LOCAL);
	assert_int_equal(route_get_via(dpt_ip("198.51.100.1"), 0, &r), 0);
	assert_int_equal(r.type, RTN_UNICAST);
	assert_int_equal(r.port, 0);
	assert_int_equal(r.prefsrc, dpt_ip("192.168.1.1"));
}

static void
test_delete_falls_back(void **state)
{
	(void)state;
	assert_int_equal(add("10.0.0.0", 8, "192.168.1.8", 0), 0);
	assert_int_equal(add("10.1.0.0", 16, "192.168.1.16", 0), 0);
	assert_int_equal(add("10.1.2.0", 24, "192.168.1.24", 0), 0);
	assert_int_equal(add("10.1.2.3", 32, "192.168.1.32", 0), 0);
	assert_int_equal(gw_of("10.1.2.3"), dpt_ip("192.168.1.32"));

	assert_int_equal(del("10.1.2.3", 32), 0);
	assert_int_equal(gw_of("10.1.2.3"), dpt_ip("192.168.1.24"));
	assert_int_equal(del("10.1.2.0", 24), 0);
	assert_int_equal(gw_of("10.1.2.3"), dpt_ip("192.168.1.16"));
	/* Deleting a middle prefix leaves what is under it alone. */
	assert_int_equal(add("10.1.2.0", 24, "192.168.1.24", 0), 0);
	assert_int_equal(del("10.1.0.0", 16), 0);
	assert_int_equal(gw_of("10.1.2.3"), dpt_ip("192.168.1.24"));
	assert_int_equal(gw_of("10.1.3.3"), dpt_ip("192.168.1.8"));
	assert_int_equal(del("10.0.0.0", 8), 0);
	assert_int_equal(nh_of("10.1.3.3"), 0);
	assert_int_equal(gw_of("10.1.2.3"), dpt_ip("192.168.1.24"));
}

static void
test_metrics(void **state)
{
	struct route r = rt("10.0.0.0", 8, "192.168.1.2", 100);
	struct route_match m = { .metric = true };

	(void)state;
	assert_int_equal(add("10.0.0.0", 8, "192.168.1.2", 100), 0);
	assert_int_equal(add("10.0.0.0", 8, "192.168.1.3", 50), 0);
	assert_int_equal(add("10.0.0.0", 8, "192.168.1.4", 200), 0);
	assert_int_equal(gw_of("10.5.5.5"), dpt_ip("192.168.1.3"));
	assert_int_equal(route_count(), 5);
	assert_int_equal(route_get(dpt_ip("10.5.5.5"), &r), 0);
	assert_int_equal(r.metric, 50);

	/* Deleting the best falls back to the next best. */
	r = rt("10.0.0.0", 8, NULL, 50);
	assert_int_equal(route_del(&r, &m), 0);
	assert_int_equal(gw_of("10.5.5.5"), dpt_ip("192.168.1.2"));
	/* Deleting one that is not the best changes nothing. */
	r.metric = 200;
	assert_int_equal(route_del(&r, &m), 0);
	assert_int_equal(gw_of("10.5.5.5"), dpt_ip("192.168.1.2"));
	assert_int_equal(route_del(&r, &m), -ESRCH);
	/* A better one added later takes over. */
	assert_int_equal(add("10.0.0.0", 8, "198.51.100.7", 10), 0);
	assert_int_equal(gw_of("10.5.5.5"), dpt_ip("198.51.100.7"));
	assert_int_equal(nexthops[nh_of("10.5.5.5")].port, 1);
	/* Without a metric, del takes the best. */
	assert_int_equal(del("10.0.0.0", 8), 0);
	assert_int_equal(gw_of("10.5.5.5"), dpt_ip("192.168.1.2"));
	assert_int_equal(del("10.0.0.0", 8), 0);
	assert_int_equal(nh_of("10.5.5.5"), 0);
	assert_int_equal(route_count(), 2);
}

static void
test_errors(void **state)
{
	struct route r = rt("10.0.0.0", 8, "192.168.1.2", 0);
	struct route_match m = { .gw = true };

	(void)state;
	assert_int_equal(route_add(&r, NLM_F_CREATE | NLM_F_EXCL), 0);
	assert_int_equal(route_add(&r, NLM_F_CREATE | NLM_F_EXCL), -EEXIST);
	r.gw = dpt_ip("192.168.1.3");
	assert_int_equal(route_add(&r, NLM_F_CREATE), -EEXIST);
	assert_int_equal(gw_of("10.1.1.1"), dpt_ip("192.168.1.2"));
	assert_int_equal(route_add(&r, NLM_F_CREATE | NLM_F_REPLACE), 0);
	assert_int_equal(gw_of("10.1.1.1"), dpt_ip("192.168.1.3"));
	assert_int_equal(route_count(), 3);
	/* Replace onto another port. */
	r.gw = dpt_ip("198.51.100.9");
	assert_int_equal(route_add(&r, NLM_F_REPLACE), 0);
	assert_int_equal(nexthops[nh_of("10.1.1.1")].port, 1);

	/* Delete must match what is given. */
	r.gw = dpt_ip("192.168.1.3");
	assert_int_equal(route_del(&r, &m), -ESRCH);
	r.gw = dpt_ip("198.51.100.9");
	assert_int_equal(route_del(&r, &m), 0);
	assert_int_equal(route_del(&r, &m), -ESRCH);
	assert_int_equal(del("10.9.0.0", 16), -ESRCH);

	/* A gateway must be on a connected network, on the port given. */
	r = rt("10.0.0.0", 8, "203.0.113.1", 0);
	assert_int_equal(route_add(&r, 0), -ENETUNREACH);
	r = rt("10.0.0.0", 8, "192.168.1.2", 0);
	r.port = 1;
	assert_int_equal(route_add(&r, 0), -ENETUNREACH);
	r.port = 0;
	assert_int_equal(route_add(&r, 0), 0);
	/* ... and not one of ours. */
	r = rt("10.2.0.0", 16, "192.168.1.1", 0);
	assert_int_equal(route_add(&r, 0), -EINVAL);
	/* Host bits set, bad length, a port that does not exist. */
	r = rt("10.2.0.1", 16, "192.168.1.2", 0);
	assert_int_equal(route_add(&r, 0), -EINVAL);
	r = rt("10.2.0.0", 33, "192.168.1.2", 0);
	assert_int_equal(route_add(&r, 0), -EINVAL);
	r = rt("10.2.0.0", 16, NULL, 0);
	r.port = 7;
	assert_int_equal(route_add(&r, 0), -ENODEV);
	r.port = DP_NO_PORT;
	assert_int_equal(route_add(&r, 0), -ENODEV);
	assert_int_equal(nh_of("10.2.0.1"), nh_of("10.3.0.1"));

	/* The local entry for our address is not the user's to delete. */
	assert_int_equal(del("192.168.1.1", 32), -ESRCH);
	assert_int_equal(nexthops[nh_of("192.168.1.1")].type, NH_LOCAL);
}

static void
test_dev_route_and_gateway_through_it(void **state)
{
	struct route r = rt("172.16.0.0", 12, NULL, 0);

	(void)state;
	r.port = 1;
	r.scope = RT_SCOPE_LINK;
	assert_int_equal(route_add(&r, 0), 0);
	assert_int_equal(nexthops[nh_of("172.20.1.1")].type, NH_CONNECTED);
	assert_int_equal(nexthops[nh_of("172.20.1.1")].port, 1);
	/* A gateway in it resolves through it. */
	assert_int_equal(add("10.0.0.0", 8, "172.16.0.1", 0), 0);
	assert_int_equal(nexthops[nh_of("10.0.0.1")].port, 1);
	assert_int_equal(gw_of("10.0.0.1"), dpt_ip("172.16.0.1"));
}

struct walk_acc {
	unsigned int n, stop_at;
	char seen[16][40];
};

static int
walk_cb(const struct route *r, void *arg)
{
	struct walk_acc *a = arg;
	char ip[16];

	snprintf(ip, sizeof(ip), "%u.%u.%u.%u", r->dst >> 24, (r->dst >> 16) & 255,
		 (r->dst >> 8) & 255, r->dst & 255);
	if (a->n < 16)
		snprintf(a->seen[a->n], sizeof(a->seen[0]), "%s/%u m%u", ip, r->plen, r->metric);
	a->n++;
	return a->stop_at != 0 && a->n == a->stop_at ? 42 : 0;
}

static void
test_walk_order(void **state)
{
	static const char *const want[] = {
		"0.0.0.0/0 m0", "9.0.0.0/8 m0", "10.0.0.0/8 m0", "10.0.0.0/16 m0",
		"10.1.0.0/16 m5", "10.1.0.0/16 m7", "10.1.2.0/24 m0", "10.1.2.128/25 m0",
		"192.168.1.0/24 m0", "198.51.100.0/24 m0",
	};
	struct walk_acc a = { 0 };

	(void)state;
	assert_int_equal(add("10.1.0.0", 16, "192.168.1.2", 7), 0);
	assert_int_equal(add("10.1.2.128", 25, "192.168.1.2", 0), 0);
	assert_int_equal(add("0.0.0.0", 0, "192.168.1.2", 0), 0);
	assert_int_equal(add("10.0.0.0", 8, "192.168.1.2", 0), 0);
	assert_int_equal(add("9.0.0.0", 8, "192.168.1.2", 0), 0);
	assert_int_equal(add("10.1.2.0", 24, "192.168.1.2", 0), 0);
	assert_int_equal(add("10.0.0.0", 16, "192.168.1.2", 0), 0);
	assert_int_equal(add("10.1.0.0", 16, "192.168.1.3", 5), 0);

	assert_int_equal(route_walk(walk_cb, &a), 0);
	assert_int_equal(a.n, RTE_DIM(want));
	assert_int_equal(route_count(), RTE_DIM(want));
	for (unsigned int i = 0; i < RTE_DIM(want); i++)
		assert_string_equal(a.seen[i], want[i]);

	/* A callback's non-zero return stops the walk and is returned. */
	memset(&a, 0, sizeof(a));
	a.stop_at = 3;
	assert_int_equal(route_walk(walk_cb, &a), 42);
	assert_int_equal(a.n, 3);
}

static void
test_nexthops_shared_and_recycled(void **state)
{
	uint64_t a, b;

	(void)state;
	assert_int_equal(add("10.0.0.0", 8, "192.168.1.50", 0), 0);
	assert_int_equal(add("11.0.0.0", 8, "192.168.1.50", 0), 0);
	a = nh_of("10.0.0.1");
	assert_int_not_equal(a, 0);
	assert_int_equal(nh_of("11.0.0.1"), a);
	assert_int_equal(del("10.0.0.0", 8), 0);
	assert_int_equal(nh_of("11.0.0.1"), a);
	assert_int_equal(nexthops[a].gw, dpt_ip("192.168.1.50"));
	assert_int_equal(del("11.0.0.0", 8), 0);
	/* Not reused before a grace period ... */
	assert_int_equal(add("12.0.0.0", 8, "192.168.1.51", 0), 0);
	b = nh_of("12.0.0.1");
	assert_int_not_equal(b, a);
	assert_int_equal(nexthops[a].gw, dpt_ip("192.168.1.50"));
	/* ... and reused after one. */
	route_sync();
	assert_int_equal(add("13.0.0.0", 8, "192.168.1.52", 0), 0);
	assert_int_equal(nh_of("13.0.0.1"), a);
	assert_int_equal(nexthops[a].gw, dpt_ip("192.168.1.52"));
}

static void
test_flush_port(void **state)
{
	(void)state;
	assert_int_equal(add("10.0.0.0", 8, "192.168.1.2", 0), 0);
	assert_int_equal(add("11.0.0.0", 8, "198.51.100.2", 0), 0);
	route_flush_port(0);
	assert_int_equal(nh_of("10.0.0.1"), 0);
	assert_int_equal(nh_of("192.168.1.1"), 0);
	assert_int_equal(gw_of("11.0.0.1"), dpt_ip("198.51.100.2"));
	assert_int_equal(route_count(), 2);
}

/* A flush over thousands of prefixes, some with routes through both ports:
 * removing one prefix moves others' slots in the prefix hash, and none may
 * be missed or removed twice; what the flush leaves keeps its FIB entry. */
static void
test_flush_many(void **state)
{
	char dst[32];
	uint32_t a;
	uint64_t nh;

	(void)state;
	for (unsigned int i = 0; i < 3000; i++) {
		snprintf(dst, sizeof(dst), "10.%u.%u.0", i / 256, i % 256);
		/* i % 3: 0 through port 0 only, 1 through port 1 only, 2 both. */
		if (i % 3 != 1)
			assert_int_equal(add(dst, 24, "192.168.1.2", 10), 0);
		if (i % 3 != 0)
			assert_int_equal(add(dst, 24, "198.51.100.2", 20), 0);
	}
	assert_int_equal(route_count(), 2 + 4000);
	route_flush_port(0);
	assert_int_equal(route_count(), 1 + 2000);
	for (unsigned int i = 0; i < 3000; i++) {
		a = RTE_IPV4(10, i / 256, i % 256, 1);
		route_lookup_bulk(&a, &nh, 1);
		if (i % 3 == 0)
			assert_int_equal(nh, 0);
		else
			assert_int_equal(nexthops[nh].gw, dpt_ip("198.51.100.2"));
	}
	/* The gateways on 198.51.100.0/24 went with that network. */
	route_flush_gateways(1, dpt_ip("198.51.100.0"), 24);
	assert_int_equal(route_count(), 1);
	a = RTE_IPV4(10, 0, 1, 1);
	route_lookup_bulk(&a, &nh, 1);
	assert_int_equal(nh, 0);
}

/* A route through a port that is down stays, yields to the prefix's routes
 * through ports that are up, and takes over again when its port is up. */
static void
test_port_down_backup(void **state)
{
	struct route r;
	struct route_match m = { .metric = true };

	(void)state;
	assert_int_equal(add("10.0.0.0", 8, "192.168.1.2", 100), 0);
	assert_int_equal(add("10.0.0.0", 8, "198.51.100.2", 200), 0);
	assert_int_equal(add("11.0.0.0", 8, "192.168.1.3", 0), 0);
	assert_int_equal(gw_of("10.5.5.5"), dpt_ip("192.168.1.2"));

	assert_int_equal(port_set_up(0, false), 0);
	assert_int_equal(gw_of("10.5.5.5"), dpt_ip("198.51.100.2"));
	assert_int_equal(route_get(dpt_ip("10.5.5.5"), &r), 0);
	assert_int_equal(r.metric, 200);
	assert_int_equal(r.port, 1);
	/* Nothing else to take: the route stays (its packets: port_down). */
	assert_int_equal(gw_of("11.1.1.1"), dpt_ip("192.168.1.3"));
	assert_int_equal(route_count(), 5);

	/* A better route through the port that is down does not take over... */
	assert_int_equal(add("10.0.0.0", 8, "192.168.1.4", 50), 0);
	assert_int_equal(gw_of("10.5.5.5"), dpt_ip("198.51.100.2"));
	/* ...until the live one goes: then the best of the rest. */
	r = rt("10.0.0.0", 8, NULL, 200);
	assert_int_equal(route_del(&r, &m), 0);
	assert_int_equal(gw_of("10.5.5.5"), dpt_ip("192.168.1.4"));
	assert_int_equal(add("10.0.0.0", 8, "198.51.100.2", 200), 0);
	assert_int_equal(gw_of("10.5.5.5"), dpt_ip("198.51.100.2"));

	/* Up again: the best route is back, and nothing was lost. */
	assert_int_equal(port_set_up(0, true), 0);
	assert_int_equal(gw_of("10.5.5.5"), dpt_ip("192.168.1.4"));
	assert_int_equal(gw_of("11.1.1.1"), dpt_ip("192.168.1.3"));
	assert_int_equal(route_count(), 6);
	/* The connected route of a port that is down stays too. */
	assert_int_equal(port_set_up(0, false), 0);
	assert_int_equal(nexthops[nh_of("192.168.1.77")].type, NH_CONNECTED);
	assert_int_equal(port_set_up(0, true), 0);
}

/*
 * The FIB under change.  A reader thread plays a worker (registered and
 * online on dp.qsbr, quiescent once per loop) and looks up probe addresses
 * in 64 /24s without pause, while this thread adds and deletes /25-/28
 * routes inside them, which makes dir24_8 allocate, fold, free and reuse
 * tbl8 groups all the time.  Every /24 has its own pair of next hops: its
 * covering route (never changed) and the one its more-specifics use, so a
 * reader that read a group reused by another /24, or a zeroed entry, sees a
 * next hop that is wrong for its address.
 */
#define ST_NETS		64
#define ST_PROBES	4
static const uint8_t st_probe_host[ST_PROBES] = { 1, 77, 140, 250 };
static uint64_t st_cover[ST_NETS], st_more[ST_NETS];
static volatile bool st_stop;
static volatile uint64_t st_loops, st_wrong, st_more_seen;

static void *
st_reader(void *arg)
{
	uint32_t ips[ST_NETS * ST_PROBES];
	uint64_t nh[ST_NETS * ST_PROBES];
	const unsigned int tid = 1;

	(void)arg;
	for (unsigned int i = 0; i < ST_NETS * ST_PROBES; i++)
		ips[i] = dpt_ip("20.0.0.0") | (i / ST_PROBES) << 8 | st_probe_host[i % ST_PROBES];
	rte_rcu_qsbr_thread_register(dp.qsbr, tid);
	rte_rcu_qsbr_thread_online(dp.qsbr, tid);
	while (!st_stop) {
		route_lookup_bulk(ips, nh, ST_NETS * ST_PROBES);
		for (unsigned int i = 0; i < ST_NETS * ST_PROBES; i++) {
			unsigned int net = i / ST_PROBES;

			if (nh[i] == st_more[net])
				st_more_seen++;
			else if (nh[i] != st_cover[net])
				st_wrong++;
		}
		st_loops++;
		rte_rcu_qsbr_quiescent(dp.qsbr, tid);
	}
	rte_rcu_qsbr_thread_offline(dp.qsbr, tid);
	rte_rcu_qsbr_thread_unregister(dp.qsbr, tid);
	return NULL;
}

static void
test_fib_under_change(void **state)
{
	static bool on[ST_NETS][32];	/* per /24: which of 30 sub-prefixes exist */
	char dst[32], gw[32];
	struct route r;
	pthread_t th;
	uint64_t t_end, ops = 0, loops0;

	(void)state;
	assert_int_equal(addr_add(0, dpt_ip("172.30.0.1"), 16), 0);
	for (unsigned int n = 0; n < ST_NETS; n++) {
		snprintf(dst, sizeof(dst), "20.0.%u.0", n);
		snprintf(gw, sizeof(gw), "172.30.1.%u", n + 1);
		assert_int_equal(add(dst, 24, gw, 0), 0);
		st_cover[n] = nh_of(dst);
		/* The more-specifics' next hop, kept alive by a route of its own. */
		snprintf(dst, sizeof(dst), "21.0.%u.0", n);
		snprintf(gw, sizeof(gw), "172.30.2.%u", n + 1);
		assert_int_equal(add(dst, 24, gw, 0), 0);
		st_more[n] = nh_of(dst);
		assert_true(st_more[n] != st_cover[n]);
	}
	memset(on, 0, sizeof(on));
	assert_int_equal(pthread_create(&th, NULL, st_reader, NULL), 0);
	while (st_loops == 0)
		rte_pause();

	srand(7);
	t_end = rte_get_tsc_cycles() + rte_get_tsc_hz();
	while (rte_get_tsc_cycles() < t_end) {
		unsigned int n = (unsigned int)rand() % ST_NETS;
		/* Sub-prefix k: /25 (2), /26 (4), /27 (8), /28 (16): 30 of them. */
		unsigned int k = (unsigned int)rand() % 30, plen, idx;

		plen = k < 2 ? 25 : k < 6 ? 26 : k < 14 ? 27 : 28;
		idx = k < 2 ? k : k < 6 ? k - 2 : k < 14 ? k - 6 : k - 14;
		r = rt("20.0.0.0", plen, NULL, 0);
		r.dst |= n << 8 | idx << (32 - plen);
		if (on[n][k]) {
			struct route_match m = { 0 };

			assert_int_equal(route_del(&r, &m), 0);
		} else {
			snprintf(gw, sizeof(gw), "172.30.2.%u", n + 1);
			r.gw = dpt_ip(gw);
			assert_int_equal(route_add(&r, NLM_F_CREATE | NLM_F_EXCL), 0);
		}
		on[n][k] = !on[n][k];
		ops++;
	}
	loops0 = st_loops;
	st_stop = true;
	pthread_join(th, NULL);
	print_message("fib under change: %lu writes, %lu reader loops, %lu more-specific hits\n",
		      (unsigned long)ops, (unsigned long)loops0, (unsigned long)st_more_seen);
	assert_true(ops > 1000);
	assert_true(loops0 > 1000);
	assert_true(st_more_seen > 0);
	assert_int_equal(st_wrong, 0);

	/* And the table is still exact afterwards. */
	for (unsigned int n = 0; n < ST_NETS; n++)
		for (unsigned int p = 0; p < ST_PROBES; p++) {
			uint32_t ip = dpt_ip("20.0.0.0") | n << 8 | st_probe_host[p];
			uint64_t nh;

			assert_int_equal(route_get(ip, &r), 0);
			route_lookup_bulk(&ip, &nh, 1);
			assert_int_equal(nh, r.plen > 24 ? st_more[n] : st_cover[n]);
		}
}

/*
 * The grace period itself: a reader that is online but has not reported
 * quiescent since a tbl8 group was freed must hold back the next FIB write
 * until it does; writes that free nothing never wait.
 */
static volatile bool gp_online, gp_release;

static void *
gp_reader(void *arg)
{
	const unsigned int tid = 2;

	(void)arg;
	rte_rcu_qsbr_thread_register(dp.qsbr, tid);
	rte_rcu_qsbr_thread_online(dp.qsbr, tid);
	rte_rcu_qsbr_quiescent(dp.qsbr, tid);
	gp_online = true;
	/* "Inside a lookup" until released. */
	while (!gp_release)
		rte_pause();
	rte_rcu_qsbr_quiescent(dp.qsbr, tid);
	rte_rcu_qsbr_thread_offline(dp.qsbr, tid);
	rte_rcu_qsbr_thread_unregister(dp.qsbr, tid);
	return NULL;
}

static void *
gp_releaser(void *arg)
{
	(void)arg;
	rte_delay_ms(300);
	gp_release = true;
	return NULL;
}

static double
ms_since(uint64_t t0)
{
	return (double)(rte_get_tsc_cycles() - t0) * 1000.0 / (double)rte_get_tsc_hz();
}

static void
test_grace_period_before_reuse(void **state)
{
	pthread_t rd, rel;
	uint64_t t0;
	char dst[32];

	(void)state;
	assert_int_equal(add("20.1.0.0", 24, "192.168.1.2", 0), 0);
	assert_int_equal(add("20.1.0.0", 25, "192.168.1.3", 0), 0);
	assert_int_equal(add("20.2.0.0", 16, "192.168.1.2", 0), 0);
	route_sync();
	gp_online = gp_release = false;
	assert_int_equal(pthread_create(&rd, NULL, gp_reader, NULL), 0);
	while (!gp_online)
		rte_pause();

	/* Adds, and a delete that frees no group, never wait. */
	t0 = rte_get_tsc_cycles();
	for (unsigned int i = 0; i < 50; i++) {
		snprintf(dst, sizeof(dst), "30.0.%u.0", i);
		assert_int_equal(add(dst, 24, "192.168.1.4", 0), 0);
	}
	assert_int_equal(del("20.2.0.0", 16), 0);
	assert_int_equal(add("30.1.0.0", 16, "192.168.1.4", 0), 0);
	/* The /25 goes: its /24's group is folded and freed. */
	assert_int_equal(del("20.1.0.0", 25), 0);
	assert_true(ms_since(t0) < 100);
	assert_int_equal(gw_of("20.1.0.1"), dpt_ip("192.168.1.2"));

	/* The next write waits for the reader. */
	assert_int_equal(pthread_create(&rel, NULL, gp_releaser, NULL), 0);
	t0 = rte_get_tsc_cycles();
	assert_int_equal(add("20.3.0.128", 25, "192.168.1.4", 0), 0);
	assert_true(gp_release);
	assert_true(ms_since(t0) >= 250);
	pthread_join(rel, NULL);
	pthread_join(rd, NULL);
	assert_int_equal(gw_of("20.3.0.129"), dpt_ip("192.168.1.4"));
}


/* The prefix hash (route/rt_pfx.c) that route.c and route6.c find their
 * prefixes by: keys whose hashes collide, or fall in one run of slots
 * across the table's end, stay findable as others are deleted around them
 * (its deletion shifts runs back). */
static bool
int_same(const void *p, const void *key)
{
	return *(const int *)p == *(const int *)key;
}

static void
test_prefix_hash_runs(void **state)
{
	static int keys[96];
	struct rt_pfx t;
	bool gone[96] = { false };
	uint32_t order[96];

	(void)state;
	assert_int_equal(rt_pfx_init(&t, "test_pfx", 96, int_same), 0);
	/* 256 slots: hashes 250..255 and 0..3, so that runs wrap. */
	for (int i = 0; i < 96; i++) {
		keys[i] = i;
		assert_null(rt_pfx_find(&t, (uint64_t)(250 + i % 10), &keys[i]));
		assert_int_equal(rt_pfx_add(&t, (uint64_t)(250 + i % 10), &keys[i]), 0);
		order[i] = (uint32_t)i;
	}
	assert_int_equal(rt_pfx_add(&t, 7, &keys[0]), -ENOSPC);
	srand(7);
	for (int i = 95; i > 0; i--) {
		int j = rand() % (i + 1);
		uint32_t x = order[i];

		order[i] = order[j];
		order[j] = x;
	}
	for (int d = 0; d < 96; d++) {
		int k = (int)order[d];

		rt_pfx_del(&t, (uint64_t)(250 + k % 10), &keys[k]);
		gone[k] = true;
		for (int i = 0; i < 96; i++) {
			void **pp = rt_pfx_find(&t, (uint64_t)(250 + i % 10), &keys[i]);

			if (gone[i])
				assert_null(pp);
			else
				assert_ptr_equal(pp != NULL ? *pp : NULL, &keys[i]);
		}
	}
	assert_int_equal(t.n, 0);
	rt_pfx_free(&t);
}

struct each_del {
	struct rt_pfx *t;
	int seen[96];
};

/* Delete every key but multiples of 3 as the walk gives it. */
static void
each_del_cb(void **where, void *arg)
{
	struct each_del *e = arg;
	int k = *(int *)*where;

	e->seen[k]++;
	if (k % 3 != 0)
		rt_pfx_del_at(e->t, where);
}

/* A walk of the prefix hash that deletes as it goes (a flush): its runs
 * wrap past the last slot and shift back on each delete, and no key is
 * missed; one may be given twice (a delete moved it past the walk). */
static void
test_prefix_hash_each_deletes(void **state)
{
	static int keys[96];
	struct rt_pfx t;
	struct each_del e = { .t = &t };
	int twice = 0;

	(void)state;
	assert_int_equal(rt_pfx_init(&t, "test_pfx_each", 96, int_same), 0);
	for (int i = 0; i < 96; i++) {
		keys[i] = i;
		assert_int_equal(rt_pfx_add(&t, (uint64_t)(250 + i % 10), &keys[i]), 0);
	}
	rt_pfx_each(&t, each_del_cb, &e);
	for (int i = 0; i < 96; i++) {
		void **pp = rt_pfx_find(&t, (uint64_t)(250 + i % 10), &keys[i]);

		assert_true(e.seen[i] >= 1 && e.seen[i] <= 2);
		twice += e.seen[i] == 2;
		if (i % 3 != 0)
			assert_null(pp);
		else
			assert_ptr_equal(pp != NULL ? *pp : NULL, &keys[i]);
	}
	assert_int_equal(t.n, 32);
	print_message("keys given twice: %d\n", twice);
	rt_pfx_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefix_hash_runs),
		cmocka_unit_test(test_prefix_hash_each_deletes),
		cmocka_unit_test_setup_teardown(test_connected_from_addr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_longest_match, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_route, setup, teardown),
		cmocka_unit_test_setup_teardown(test_route_get_via, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_falls_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_metrics, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dev_route_and_gateway_through_it, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walk_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nexthops_shared_and_recycled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flush_port, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flush_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_down_backup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grace_period_before_reuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fib_under_change, setup, teardown),
	};

	dpt_init("route");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
