/* SPDX-License-Identifier: BSD-3-Clause */
/* Ports by hot-plug (net_null vdevs) and the address table. */
#include <errno.h>
#include <string.h>

#include <rte_ethdev.h>

#include "arp.h"
#include "dp_test.h"
#include "nd.h"
#include "route.h"

static void
test_create_destroy(void **state)
{
	struct rte_ether_addr mac = dpt_mac("02:00:00:00:00:aa");
	uint16_t idx, idx2;

	(void)state;
	assert_int_equal(port_create("lan", "net_null0,no-rx=1", &mac, 1500, &idx), 0);
	assert_true(ports[idx].used && ports[idx].active && ports[idx].up);
	assert_memory_equal(&ports[idx].mac, &mac, sizeof(mac));
	assert_int_equal(ports[idx].mtu, 1500);
	assert_int_equal(port_by_name("lan"), idx);
	assert_true(rte_eth_dev_is_valid_port(ports[idx].eth_port));

	/* Names and devices are unique. */
	assert_int_equal(port_create("lan", "net_null1,no-rx=1", NULL, 1500, &idx2), -EEXIST);
	assert_int_equal(port_create("wan", "net_null0,no-rx=1", NULL, 1500, &idx2), -EEXIST);
	/* Bad values never reach the device layer. */
	assert_int_equal(port_create("wan", "net_null1,no-rx=1", NULL, 67, &idx2), -EINVAL);
	assert_int_equal(port_create("wan", "net_null1,no-rx=1", NULL, 9001, &idx2), -EINVAL);
	assert_int_equal(port_create("", "net_null1,no-rx=1", NULL, 1500, &idx2), -EINVAL);
	assert_int_equal(port_create("a-name-too-long-for-it", "net_null1", NULL, 1500, &idx2), -EINVAL);
	assert_true(port_create("wan", "net_nosuchdriver0", NULL, 1500, &idx2) < 0);
	assert_int_equal(port_by_name("wan"), -ENODEV);

	assert_int_equal(port_set_mtu(idx, 1400), 0);
	assert_int_equal(ports[idx].mtu, 1400);
	assert_int_equal(port_set_mtu(idx, 20), -EINVAL);
	assert_int_equal(port_set_up(idx, false), 0);
	assert_false(ports[idx].up);

	assert_int_equal(port_destroy(idx), 0);
	assert_int_equal(port_by_name("lan"), -ENODEV);
	assert_int_equal(port_destroy(idx), -ENODEV);
	/* The device was really released: the same string probes again. */
	assert_int_equal(port_create("lan", "net_null0,no-rx=1", NULL, 1500, &idx), 0);
	assert_int_equal(port_destroy(idx), 0);
}

static void
test_addresses(void **state)
{
	const struct addr_table *t;
	struct route r;
	uint16_t idx;

	(void)state;
	/* Earlier tests' ports announced their link-local addresses. */
	{
		struct rte_mbuf *m[8];
		unsigned int n;

		while ((n = dpt_sent(m, 8)) > 0)
			rte_pktmbuf_free_bulk(m, n);
	}
	assert_int_equal(port_create("lan", "net_null0,no-rx=1", NULL, 1500, &idx), 0);
	/* The table of ports tells nobody; its caller (link_nl.c) gives the
	 * port its link-local address, announced by an unsolicited neighbour
	 * advertisement. */
	{
		struct rte_mbuf *m[8];
		unsigned int n = dpt_sent(m, 8);

		assert_int_equal(n, 0);
		assert_int_equal(ip6_port_up(idx), 0);
		n = dpt_sent(m, 8);
		assert_int_equal(n, 1);
		assert_int_equal(rte_pktmbuf_mtod(m[0], struct rte_ether_hdr *)->ether_type,
				 rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6));
		rte_pktmbuf_free_bulk(m, n);
	}
	assert_int_equal(arp_addr_add(idx, dpt_ip("192.168.1.1"), 24), 0);
	assert_int_equal(addr_add(idx, dpt_ip("192.168.1.1"), 24), -EEXIST);
	assert_int_equal(addr_add(idx, dpt_ip("10.0.0.1"), 33), -EINVAL);
	assert_int_equal(addr_add(idx + 1, dpt_ip("10.0.0.1"), 8), -ENODEV);
	t = addrs_get();
	assert_true(addr_is_local(t, dpt_ip("192.168.1.1")));
	assert_true(addr_on_port(t, idx, dpt_ip("192.168.1.1")));
	assert_false(addr_is_local(t, dpt_ip("192.168.1.2")));
	assert_int_equal(addr_of_port(t, idx), dpt_ip("192.168.1.1"));

	/* The address brings its connected and local routes. */
	assert_int_equal(route_get(dpt_ip("192.168.1.77"), &r), 0);
	assert_int_equal(r.port, idx);
	assert_int_equal(r.gw, 0);
	assert_int_equal(route_get(dpt_ip("192.168.1.1"), &r), 0);
	assert_int_equal(r.type, RTN_LOCAL);

	/* The announcement went out: a gratuitous ARP for the address. */
	{
		struct rte_mbuf *m[8];
		unsigned int n = dpt_sent(m, 8);

		assert_int_equal(n, 1);
		assert_int_equal(pkt_meta(m[0])->out_port, idx);
		assert_int_equal(rte_pktmbuf_mtod(m[0], struct rte_ether_hdr *)->ether_type,
				 rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP));
		rte_pktmbuf_free_bulk(m, n);
	}

	assert_int_equal(arp_addr_del(idx, dpt_ip("192.168.1.1"), 24), 0);
	assert_int_equal(arp_addr_del(idx, dpt_ip("192.168.1.1"), 24), -ENOENT);
	assert_false(addr_is_local(addrs_get(), dpt_ip("192.168.1.1")));
	assert_int_equal(route_get(dpt_ip("192.168.1.77"), &r), -ENETUNREACH);

	/* A second address on a network shares its routes: removing one of
	 * the two leaves the network reachable. */
	assert_int_equal(addr_add(idx, dpt_ip("10.1.0.1"), 24), 0);
	assert_int_equal(addr_add(idx, dpt_ip("10.1.0.2"), 24), 0);
	/* The table alone announces nothing. */
	{
		struct rte_mbuf *m[8];

		assert_int_equal(dpt_sent(m, 8), 0);
	}
	assert_int_equal(addr_del(idx, dpt_ip("10.1.0.2"), 24), 0);
	assert_int_equal(route_get(dpt_ip("10.1.0.77"), &r), 0);
	assert_int_equal(r.port, idx);
	assert_int_equal(route_get(dpt_ip("10.1.0.2"), &r), 0);
	assert_int_not_equal(r.type, RTN_LOCAL);
	/* Leaving a network takes the routes through gateways on it. */
	{
		struct route gwr = { .dst = dpt_ip("10.50.0.0"), .plen = 16,
				     .type = RTN_UNICAST, .protocol = SLUICE_RTPROT_CLI,
				     .gw = dpt_ip("10.1.0.254"), .port = DP_NO_PORT };

		assert_int_equal(route_add(&gwr, NLM_F_EXCL), 0);
		assert_int_equal(route_get(dpt_ip("10.50.1.1"), &r), 0);
		assert_int_equal(r.gw, dpt_ip("10.1.0.254"));
	}
	assert_int_equal(addr_del(idx, dpt_ip("10.1.0.1"), 24), 0);
	assert_int_equal(route_get(dpt_ip("10.1.0.77"), &r), -ENETUNREACH);
	assert_int_equal(route_get(dpt_ip("10.50.1.1"), &r), -ENETUNREACH);

	/* Destroying a port takes its addresses and routes with it. */
	assert_int_equal(addr_add(idx, dpt_ip("172.16.0.1"), 16), 0);
	assert_int_equal(port_destroy(idx), 0);
	assert_int_equal(addrs_get()->n, 0);
	assert_int_equal(route_get(dpt_ip("172.16.3.3"), &r), -ENETUNREACH);
	{
		struct rte_mbuf *m[8];

		rte_pktmbuf_free_bulk(m, dpt_sent(m, 8));
	}
	assert_int_equal(dpt_mbufs_in_use(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_destroy),
		cmocka_unit_test(test_addresses),
	};

	dpt_init("port");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
