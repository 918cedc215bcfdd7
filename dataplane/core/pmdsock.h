/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel sockets a port's PMD opened, found by comparing our file
 * descriptors before and after the port's creation.  Two uses:
 *
 * - DPDK 22.11's af_xdp PMD leaks its UMEM on close (the reference count
 *   test is off by one), and with it the UMEM's socket, which is also queue
 *   0's AF_XDP socket: it stays bound, so the same interface cannot be
 *   opened again (EBUSY).  A port closes whatever the PMD left behind.
 * - Neither socket PMD reports what the kernel dropped because a ring was
 *   full: af_packet has no imissed at all, and af_xdp's imissed leaves out
 *   XDP_STATISTICS' rx_ring_full.  The port asks the sockets themselves.
 */
#ifndef SLUICE_PMDSOCK_H
#define SLUICE_PMDSOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define PMDSOCK_PER_PORT 16

struct pmdsock_set {
	int domain;			/* AF_XDP or AF_PACKET */
	int n;
	int fd[PMDSOCK_PER_PORT];
	ino_t ino[PMDSOCK_PER_PORT];
	uint64_t drops;			/* AF_PACKET: tp_drops read so far */
};

/* The sockets of domain this process has open now. */
void pmdsock_snapshot(int domain, struct pmdsock_set *s);
/* Those in after that were not in before. */
void pmdsock_new(const struct pmdsock_set *before, const struct pmdsock_set *after,
		 struct pmdsock_set *out);
/* Close every still-open socket of s; true when one was closed. */
bool pmdsock_close(const struct pmdsock_set *s);
/*
 * Frames the kernel dropped because a socket's receive ring was full, over
 * the sockets' life: AF_PACKET's tp_drops (PACKET_STATISTICS, which resets
 * on read, so s keeps the sum) or AF_XDP's rx_ring_full.  Control lcore.
 */
uint64_t pmdsock_drops(struct pmdsock_set *s);

#endif
