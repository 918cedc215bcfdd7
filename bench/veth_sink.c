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
 *   veth-sink EAL-ARGS -- fwd MAC0 MAC1
 *                        (two --vdev): a bare forwarder.  Each worker polls
 *                        its queue of both ports, bursts of 32; a frame taken
 *                        on one port leaves by the other, its destination
 *                        MAC made the host's behind that port (MAC1 out of
 *                        port 1, MAC0 out of port 0), its source the port's
 *                        own; what the device does not take is freed.  No
 *                        IP, no ARP, no NAT: what sluice does on the same
 *                        ports and lcores minus sluice (bench/veth's TCP
 *                        "path" rounds).
 *
 * Prints "ready" when the ports are started, then runs until SIGINT or
 * SIGTERM and prints one line:
 *   rx=N imissed=M ring_full=R tx=T tx_dropped=D
 * (frames taken; the PMDs' imissed; frames the kernel dropped because a
 * socket's receive ring was full, which af_xdp's imissed leaves out: see
 * dataplane/core/pmdsock.h; frames sent, and not taken by the device).
 * SIGUSR1 prints the same counters so far, on a line of its own starting
 * "now ".  The worker lcores' threads are named as DPDK names them
 * (lcore-worker-N), so their CPU time can be read from /proc.
 */
#include <signal.h>
#include <stdio.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_ether.h>
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

static volatile bool quit, report;

/* A worker's counters, written by it alone, read by the main lcore. */
static struct count {
	uint64_t rx, tx, txdrop;
} __rte_cache_aligned counts[RTE_MAX_LCORE];

static uint16_t nports;
static uint16_t port[2];
/* Forwarding: the Ethernet header's first 12 bytes out of each port. */
static struct rte_ether_addr dst[2], src[2];
static bool fwd;

static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		report = true;
	else
		quit = true;
}

static int
sink_main(void *arg)
{
	uint16_t q = (uint16_t)(uintptr_t)arg;
	struct count *c = &counts[q];
	struct rte_mbuf *m[BURST];

	while (!quit) {
		uint16_t k = rte_eth_rx_burst(port[0], q, m, BURST);

		rte_pktmbuf_free_bulk(m, k);
		__atomic_store_n(&c->rx, c->rx + k, __ATOMIC_RELAXED);
	}
	return 0;
}

static int
fwd_main(void *arg)
{
	uint16_t q = (uint16_t)(uintptr_t)arg;
	struct count *c = &counts[q];
	struct rte_mbuf *m[BURST];

	while (!quit) {
		for (uint16_t in = 0; in < 2; in++) {
			uint16_t out = in ^ 1, k, sent;

			k = rte_eth_rx_burst(port[in], q, m, BURST);
			if (k == 0)
				continue;
			for (uint16_t i = 0; i < k; i++) {
				struct rte_ether_hdr *e = rte_pktmbuf_mtod(m[i], struct rte_ether_hdr *);

				rte_ether_addr_copy(&dst[out], &e->dst_addr);
				rte_ether_addr_copy(&src[out], &e->src_addr);
			}
			sent = rte_eth_tx_burst(port[out], q, m, k);
			if (sent < k)
				rte_pktmbuf_free_bulk(m + sent, k - sent);
			__atomic_store_n(&c->rx, c->rx + k, __ATOMIC_RELAXED);
			__atomic_store_n(&c->tx, c->tx + sent, __ATOMIC_RELAXED);
			__atomic_store_n(&c->txdrop, c->txdrop + (k - sent), __ATOMIC_RELAXED);
		}
	}
	return 0;
}

static void
print_counts(const char *prefix, uint16_t nq, struct pmdsock_set *xdp, struct pmdsock_set *pkt)
{
	uint64_t rx = 0, tx = 0, txdrop = 0, imissed = 0;
	struct rte_eth_stats st;

	for (uint16_t q = 0; q < nq; q++) {
		rx += __atomic_load_n(&counts[q].rx, __ATOMIC_RELAXED);
		tx += __atomic_load_n(&counts[q].tx, __ATOMIC_RELAXED);
		txdrop += __atomic_load_n(&counts[q].txdrop, __ATOMIC_RELAXED);
	}
	for (uint16_t i = 0; i < nports; i++)
		if (rte_eth_stats_get(port[i], &st) == 0)
			imissed += st.imissed;
	printf("%srx=%" PRIu64 " imissed=%" PRIu64 " ring_full=%" PRIu64
	       " tx=%" PRIu64 " tx_dropped=%" PRIu64 "\n", prefix,
	       rx, imissed, pmdsock_drops(xdp) + pmdsock_drops(pkt), tx, txdrop);
	fflush(stdout);
}

static int
port_up(uint16_t pid, uint16_t nq, struct rte_mempool *pool)
{
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_dev_info info;
	uint16_t rxd = DESC, txd = DESC;

	if (rte_eth_dev_info_get(pid, &info) != 0)
		return -1;
	if (info.default_rxportconf.ring_size != 0)
		rxd = RTE_MAX(rxd, info.default_rxportconf.ring_size);
	if (info.default_txportconf.ring_size != 0)
		txd = RTE_MAX(txd, info.default_txportconf.ring_size);
	if (rte_eth_dev_configure(pid, nq, nq, &conf) != 0 ||
	    rte_eth_dev_adjust_nb_rx_tx_desc(pid, &rxd, &txd) != 0)
		return -1;
	for (uint16_t q = 0; q < nq; q++)
		if (rte_eth_rx_queue_setup(pid, q, rxd, rte_eth_dev_socket_id(pid), NULL, pool) != 0 ||
		    rte_eth_tx_queue_setup(pid, q, txd, rte_eth_dev_socket_id(pid), NULL) != 0)
			return -1;
	(void)rte_eth_promiscuous_enable(pid);
	return rte_eth_dev_start(pid);
}

/* "fwd MAC0 MAC1" after the EAL's arguments: the forwarder. */
static int
parse_args(int argc, char **argv)
{
	if (argc == 0)
		return 0;
	if (argc != 3 || strcmp(argv[0], "fwd") != 0 ||
	    rte_ether_unformat_addr(argv[1], &dst[0]) != 0 ||
	    rte_ether_unformat_addr(argv[2], &dst[1]) != 0) {
		fprintf(stderr, "veth-sink: after --, only: fwd MAC0 MAC1\n");
		return -1;
	}
	fwd = true;
	return 0;
}

int
main(int argc, char **argv)
{
	struct pmdsock_set xdp, pkt;
	struct rte_mempool *pool;
	unsigned int lcore;
	uint16_t nq = 0, p;
	int n;

	n = rte_eal_init(argc, argv);
	if (n < 0) {
		fprintf(stderr, "veth-sink: EAL init failed\n");
		return 1;
	}
	if (parse_args(argc - n - 1, argv + n + 1) != 0)
		return 1;
	if (rte_eth_dev_count_avail() != (fwd ? 2u : 1u)) {
		fprintf(stderr, "veth-sink: give exactly %u device(s) (--vdev), have %u\n",
			fwd ? 2u : 1u, rte_eth_dev_count_avail());
		return 1;
	}
	nq = (uint16_t)rte_lcore_count() - 1;
	if (nq == 0) {
		fprintf(stderr, "veth-sink: needs a worker lcore (-l MAIN,WORKER...)\n");
		return 1;
	}
	RTE_ETH_FOREACH_DEV(p)
		port[nports++] = p;
	pool = rte_pktmbuf_pool_create("sink", MBUFS, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       rte_socket_id());
	if (pool == NULL) {
		fprintf(stderr, "veth-sink: no mbuf pool\n");
		return 1;
	}
	for (uint16_t i = 0; i < nports; i++)
		if (port_up(port[i], nq, pool) != 0 ||
		    rte_eth_macaddr_get(port[i], &src[i]) != 0) {
			fprintf(stderr, "veth-sink: port %u did not start\n", port[i]);
			return 1;
		}
	pmdsock_snapshot(AF_XDP, &xdp);
	pmdsock_snapshot(AF_PACKET, &pkt);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGUSR1, on_signal);
	printf("ready\n");
	fflush(stdout);
	nq = 0;
	RTE_LCORE_FOREACH_WORKER(lcore)
		rte_eal_remote_launch(fwd ? fwd_main : sink_main, (void *)(uintptr_t)nq++, lcore);
	/* rte_eal_wait_lcore spins: the main lcore sleeps until told. */
	while (!quit) {
		usleep(100000);
		if (report) {
			report = false;
			print_counts("now ", nq, &xdp, &pkt);
		}
	}
	rte_eal_mp_wait_lcore();
	print_counts("", nq, &xdp, &pkt);
	/* The process exits without closing the port: the kernel frees the
	 * sockets (the af_xdp PMD of 22.11 leaks its UMEM on close anyway). */
	return 0;
}
