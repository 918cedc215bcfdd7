/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit-test harness for the dataplane: a tiny EAL (one lcore, no hugepages,
 * in memory), dp state as the dataplane makes it, ports without devices,
 * and packet crafting helpers.  The test's own thread plays the worker
 * (lcore 0, queue 0) and the control lcore.
 */
#ifndef SLUICE_DP_TEST_H
#define SLUICE_DP_TEST_H

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "dp.h"
#include "port.h"
#include "worker.h"

/* rte_eal_init + dp_init + route/neigh/nat init.  Call once per process
 * (EAL cannot start twice); name makes the --file-prefix unique. */
void dpt_init(const char *name);

/* Fill ports[slot] as port_create would, without a device behind it. */
void dpt_port(uint16_t slot, const char *name, const char *mac, uint16_t mtu);
/* Forget it again (routes, neighbours, addresses included). */
void dpt_port_remove(uint16_t slot);

/*
 * The shared fixture: wctx_init(w, 0), port 0 "lan" 10.0.0.1/24 with host
 * 10.0.0.2 resolved; dpt_two_ports adds port 1 "wan" 192.0.2.1/24 with
 * gateway 192.0.2.254 resolved.  Gratuitous ARP is drained.  0, or -1 when
 * an address or neighbour cannot be added (a group setup's return value).
 */
#define DPT_LAN_MAC	"02:00:00:00:00:01"
#define DPT_HOST_MAC	"02:00:00:00:00:02"
#define DPT_WAN_MAC	"02:00:00:00:01:01"
#define DPT_GW_MAC	"02:00:00:00:01:fe"
int dpt_one_port(struct wctx *w);
int dpt_two_ports(struct wctx *w);

/* "a.b.c.d" -> host order. */
uint32_t dpt_ip(const char *s);
struct rte_ether_addr dpt_mac(const char *s);

/* A frame: Ethernet + IPv4 + payload of len bytes (ICMP/UDP/TCP header
 * included in payload when the caller wants one).  Checksum is valid. */
struct rte_mbuf *dpt_ipv4(const char *dst_mac, const char *src_mac,
			  const char *src, const char *dst, uint8_t proto,
			  uint8_t ttl, const void *payload, uint16_t len);
/* Same, UDP with ports and len bytes of pattern payload, UDP checksum set. */
struct rte_mbuf *dpt_udp(const char *dst_mac, const char *src_mac,
			 const char *src, const char *dst, uint16_t sport,
			 uint16_t dport, uint16_t len);
/* ICMP echo request, id/seq, len bytes of data, ICMP checksum set. */
struct rte_mbuf *dpt_echo(const char *dst_mac, const char *src_mac,
			  const char *src, const char *dst, uint16_t id,
			  uint16_t seq, uint16_t len);

/* The IPv4 header of an Ethernet frame. */
struct rte_ipv4_hdr *dpt_frame_ip(struct rte_mbuf *m);
/* Recompute ip's header checksum after a test edited the header. */
void dpt_fix_cksum(struct rte_ipv4_hdr *ip);
/* The frame f with 4 bytes of options (NOPs) after its 20-byte IPv4
 * header, lengths and header checksum fixed; NULL without tailroom. */
struct rte_mbuf *dpt_ip_options(struct rte_mbuf *f);
/* The same with the n bytes of options opt (n a multiple of 4, 40 at most). */
struct rte_mbuf *dpt_ip_options_bytes(struct rte_mbuf *f, const uint8_t *opt, uint8_t n);
/* One frame in on port 0 through worker_input. */
void dpt_input1(struct wctx *w, struct rte_mbuf *m);
/* Frames waiting in w's tx buffers, all ports. */
unsigned int dpt_queued(const struct wctx *w);

/* Add (or delete) a CLI route dst/plen of type via gw ("" or NULL: none);
 * asserts success. */
void dpt_route(bool add, const char *dst, uint8_t plen, const char *gw, uint8_t type);

/* Sum of a drop reason over lcores (test-side alias). */
uint64_t dpt_drops(enum drop_reason why);

/* The frame (dst_mac, src_mac) of bytes off..off+len of the payload of
 * the 20-byte-header datagram ip, as a fragment of it (more: not the
 * last), its header checksum right. */
struct rte_mbuf *dpt_fragment(const struct rte_ipv4_hdr *ip, const char *dst_mac,
			      const char *src_mac, uint16_t off, uint16_t len, bool more);

/* A NAT counter by its `stats` name (nat_counters); fails the test when
 * there is none. */
uint64_t dpt_nat_counter(const char *name);

/* Free everything still in w's tx buffers and zero them. */
void dpt_tx_clear(struct wctx *w);
/* Hand each frame in w's tx buffers to seen (with its port and arg), then
 * free them all and zero the buffers: what a worker's bursts sent. */
void dpt_tx_take(struct wctx *w, void (*seen)(uint16_t port, struct rte_mbuf *m, void *arg),
		 void *arg);
/* Each buffer's byte count is its frames' (the flush counts it as sent):
 * every writer (tx_buf_add, ip4_fwd_run, ip6_fwd_run) added what it
 * queued.  Before a test changes a queued frame. */
void dpt_tx_bytes_check(const struct wctx *w);
/* Dequeue what the control lcore sent (worker 0's tx ring). */
unsigned int dpt_sent(struct rte_mbuf **out, unsigned int max);
/* Dequeue what workers punted. */
unsigned int dpt_punted(struct rte_mbuf **out, unsigned int max);

/* Free what workers punted and what the control lcore sent, without
 * asserting anything (tests whose threads still run). */
void dpt_drain(void);

/* A test thread that runs the worker code: an EAL thread of its own
 * (counters and RCU are per lcore), online for RCU, off the CPU the test's
 * EAL pinned its main thread to where the control side busy-waits (sharing
 * it, the thread would run only while that side waits for RCU).  Returns
 * its lcore, or -1.  dpt_worker_thread_end undoes it. */
int dpt_worker_thread_begin(void);
void dpt_worker_thread_end(unsigned int lcore);

/*
 * The forwarder of the tests that change tables under a worker
 * (test_forward_rw, test_forward6_rw): a worker thread puts bursts of
 * DPT_FWD_BURST frames, frame(n, loop) each, in on port 0 through
 * worker_input and sorts what leaves: sent[k] counts the frames out of
 * port 1 from the WAN MAC to macs[k] that check (NULL: any) passes, wrong
 * every other frame.  Every burst's frames are freed, and the thread is
 * quiescent for RCU once a burst.
 */
#define DPT_FWD_BURST	DP_BURST
#define DPT_FWD_MACS	3
#define DPT_FWD_BAD	4	/* wrong frames kept for dpt_fwd_stop to show */
struct dpt_fwd_bad {
	uint64_t loop;		/* the burst */
	uint32_t step;		/* the control side's step then */
	uint16_t port, len;	/* out port, frame length */
	uint8_t bytes[64];	/* the frame's first */
};
struct dpt_fwd {
	struct rte_mbuf *(*frame)(unsigned int n, uint64_t loop);
	bool (*check)(const struct rte_mbuf *m);
	struct rte_ether_addr macs[DPT_FWD_MACS];
	volatile bool stop, registered;
	volatile uint64_t loops, wrong, sent[DPT_FWD_MACS];
	/* The test says where it is (any number it likes), and the worker
	 * keeps its first wrong frames with it: printing in the loop would
	 * change the timing that makes them. */
	volatile uint32_t step;
	struct dpt_fwd_bad bad[DPT_FWD_BAD];
	pthread_t th;
};
/* Start f's thread; returns once it forwards.  0 or -1. */
int dpt_fwd_start(struct dpt_fwd *f);
/* Wait until f's thread has forwarded n more bursts (at most 100 ms). */
void dpt_fwd_wait(struct dpt_fwd *f, unsigned int n);
/* Stop it, and print what it counted. */
void dpt_fwd_stop(struct dpt_fwd *f);

/* End of a step: free what w's tx buffers hold, what was punted and what
 * the control lcore sent, then assert that no mbuf is left in use. */
void dpt_done(struct wctx *w);

/* Packet pool in use (mbufs not in the pool): for leak checks. */
unsigned int dpt_mbufs_in_use(void);

/* RFC 1071 checksum over len bytes (independent of DPDK's). */
uint16_t dpt_cksum(const void *data, size_t len);

#endif
