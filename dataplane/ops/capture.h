/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet capture (sluice capture): workers copy the frames crossing the
 * captured ports into pcapng blocks (rte_pcapng_copy, a pool of its own)
 * and hand them to the control lcore on a ring; the control lcore writes
 * them to the client's socket (rte_pcapng_write_packets).  A worker tests
 * one word per burst and direction; it never waits: a copy the pool or the
 * ring cannot take is counted (capture_drops) and forgotten.
 */
#ifndef SLUICE_CAPTURE_H
#define SLUICE_CAPTURE_H

#include <stdint.h>
#include <rte_branch_prediction.h>
#include <rte_mbuf.h>

/* Bit p: port slot p is captured, by direction.  0 when no capture runs. */
extern uint32_t capture_rx_ports, capture_tx_ports;

/* Worker side: copy n frames of port (direction SLUICE_CAPTURE_IN/_OUT). */
void capture_burst(uint16_t port, uint16_t queue, struct rte_mbuf *const *pkts,
		   uint16_t n, int dir);

/* One load and a predicted branch per burst when nothing is captured. */
#define CAPTURE_BURST(mask, dir, port, queue, pkts, n)				\
	do {									\
		if (unlikely(__atomic_load_n(&(mask), __ATOMIC_RELAXED) &	\
			     (UINT32_C(1) << (port))))				\
			capture_burst(port, queue, pkts, n, dir);		\
	} while (0)

/* Copies that could not be made (pool empty, ring full), all lcores. */
uint64_t capture_drops_total(void);
/* Sessions running (0 or 1). */
unsigned int capture_sessions(void);

struct ctl_client;
/* Control lcore: start a session for client c writing to fd (taken in
 * every case).  ports: bitmask of slots; dir: SLUICE_CAPTURE_* bits;
 * count 0: no limit.  0 or -errno (with dp_errmsg). */
int capture_start(struct ctl_client *c, int fd, uint32_t ports, int dir,
		  uint32_t snaplen, uint32_t count);
/* End c's session, if it has one (what is copied already is written). */
int capture_stop(struct ctl_client *c);
/* Control lcore, every loop: write what workers copied. */
void capture_poll(void);

/* The most bytes of a frame a copy keeps (a buffer of the capture pool). */
uint32_t capture_snaplen_max(void);

#endif
