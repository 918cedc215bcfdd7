/* SPDX-License-Identifier: BSD-3-Clause */
/* The harness itself: EAL up, a packet built with a valid checksum. */
#include "dp_test.h"

static void
test_packet_checksum(void **state)
{
	struct rte_mbuf *m;
	struct rte_ipv4_hdr *ip;

	(void)state;
	m = dpt_udp("02:00:00:00:00:01", "02:00:00:00:00:02", "10.0.0.1", "10.0.0.2",
		    1000, 2000, 10);
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, sizeof(struct rte_ether_hdr));
	assert_int_equal(dpt_cksum(ip, sizeof(*ip)), 0);
	assert_int_equal(rte_ipv4_cksum(ip), ip->hdr_checksum == 0 ? 0 : rte_ipv4_cksum(ip));
	assert_int_equal(m->pkt_len, 14 + 20 + 8 + 10);
	rte_pktmbuf_free(m);
	assert_int_equal(dpt_mbufs_in_use(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_packet_checksum),
	};

	dpt_init("smoke");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
