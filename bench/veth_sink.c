/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * veth-sink: the port path alone.  One device (given to the EAL with
 * --vdev, e.g. net_af_xdp0,iface=X as the lab's ports), its queue pairs set
 * up as sluice's port_start does (the device's preferred ring size, at
 * least 1024 descriptors), a queue per worker lcore; each worker receives
 * bursts of 32 from its queue and frees every mbuf at once: no parsing, no
 * forwarding, no idle sleep.  bench/veth floods it to tell how much of
 * sluice's gap to the kernel is the port path itself.
 *
 *   veth-sink EAL-ARGS   (-l MAIN,WORKER... and one --vdev; an af_xdp
 *                        device needs queue_count= the workers)
 *
 * Prints "ready" when the port is started, then runs until SIGINT or
 * SIGTERM and prints one line:
 *   rx=N imissed=M ring_full=R
 * (frames taken; the PMD's imissed; frames the kernel dropped because the
 * socket's receive ring was full, which af_xdp's imissed leaves out: see
 * dataplane/core/pmdsock.h).  The worker lcores' threads are named as DPDK
 * names them (lcore-worker-N), so its CPU time can be read from /proc.
 */
#include <signal.h>
#include <stdio.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "pmdsock.h"

#ifndef AF_XDP
#define AF_XDP 44
#endif

#define BURST	32
#define DESC	1024		/* as port.c's RX_DESC/TX_DESC */
#define MBUFS	65535

static volatile bool quit;
static uint64_t taken[RTE_MAX_LCORE];
static uint16_t port;

static void
on_signal(int sig)
{
	(void)sig;
	quit = true;
}

static int
sink_main(void *arg)
{
	uint16_t q = (uint16_t)(uintptr_t)arg;
	struct rte_mbuf *m[BURST];
	uint64_t n = 0;

	while (!quit) {
		uint16_t k = rte_eth_rx_burst(port, q, m, BURST);

		rte_pktmbuf_free_bulk(m, k);
		n += k;
	}
	taken[q] = n;
	return 0;
}

static int
port_up(uint16_t nq, struct rte_mempool *pool)
{
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_dev_info info;
	uint16_t rxd = DESC, txd = DESC;

	if (rte_eth_dev_info_get(port, &info) != 0)
		return -1;
	if (info.default_rxportconf.ring_size != 0)
		rxd = RTE_MAX(rxd, info.default_rxportconf.ring_size);
	if (info.default_txportconf.ring_size != 0)
		txd = RTE_MAX(txd, info.default_txportconf.ring_size);
	if (rte_eth_dev_configure(port, nq, nq, &conf) != 0 ||
	    rte_eth_dev_adjust_nb_rx_tx_desc(port, &rxd, &txd) != 0)
		return -1;
	for (uint16_t q = 0; q < nq; q++)
		if (rte_eth_rx_queue_setup(port, q, rxd, rte_eth_dev_socket_id(port), NULL, pool) != 0 ||
		    rte_eth_tx_queue_setup(port, q, txd, rte_eth_dev_socket_id(port), NULL) != 0)
			return -1;
	(void)rte_eth_promiscuous_enable(port);
	return rte_eth_dev_start(port);
}

int
main(int argc, char **argv)
{
	struct pmdsock_set xdp, pkt;
	struct rte_eth_stats st;
	struct rte_mempool *pool;
	unsigned int lcore;
	uint64_t rx = 0;
	uint16_t nq = 0;

	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "veth-sink: EAL init failed\n");
		return 1;
	}
	if (rte_eth_dev_count_avail() != 1) {
		fprintf(stderr, "veth-sink: give exactly one device (--vdev), have %u\n",
			rte_eth_dev_count_avail());
		return 1;
	}
	nq = (uint16_t)rte_lcore_count() - 1;
	if (nq == 0) {
		fprintf(stderr, "veth-sink: needs a worker lcore (-l MAIN,WORKER...)\n");
		return 1;
	}
	RTE_ETH_FOREACH_DEV(port)
		break;
	pool = rte_pktmbuf_pool_create("sink", MBUFS, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       rte_socket_id());
	if (pool == NULL || port_up(nq, pool) != 0) {
		fprintf(stderr, "veth-sink: the port did not start\n");
		return 1;
	}
	pmdsock_snapshot(AF_XDP, &xdp);
	pmdsock_snapshot(AF_PACKET, &pkt);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("ready\n");
	fflush(stdout);
	nq = 0;
	RTE_LCORE_FOREACH_WORKER(lcore)
		rte_eal_remote_launch(sink_main, (void *)(uintptr_t)nq++, lcore);
	/* rte_eal_wait_lcore spins: the main lcore sleeps until told. */
	while (!quit)
		usleep(100000);
	rte_eal_mp_wait_lcore();
	for (uint16_t q = 0; q < nq; q++)
		rx += taken[q];
	if (rte_eth_stats_get(port, &st) != 0)
		memset(&st, 0, sizeof(st));
	printf("rx=%" PRIu64 " imissed=%" PRIu64 " ring_full=%" PRIu64 "\n",
	       rx, st.imissed, pmdsock_drops(&xdp) + pmdsock_drops(&pkt));
	fflush(stdout);
	/* The process exits without closing the port: the kernel frees the
	 * sockets (the af_xdp PMD of 22.11 leaks its UMEM on close anyway). */
	return 0;
}
