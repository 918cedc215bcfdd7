/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit-test harness for the dataplane: a tiny EAL (one lcore, no hugepages,
 * in memory), dp state as the dataplane makes it, ports without devices,
 * and packet crafting helpers.  The test's own thread plays the worker
 * (lcore 0, queue 0) and the control lcore.
 */
#ifndef SLUICE_DP_TEST_H
#define SLUICE_DP_TEST_H

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

/* Sum of a drop reason over lcores (test-side alias). */
uint64_t dpt_drops(enum drop_reason why);

/* Free everything still in w's tx buffers and zero them. */
void dpt_tx_clear(struct wctx *w);
/* Dequeue what the control lcore sent (worker 0's tx ring). */
unsigned int dpt_sent(struct rte_mbuf **out, unsigned int max);
/* Dequeue what workers punted. */
unsigned int dpt_punted(struct rte_mbuf **out, unsigned int max);

/* Packet pool in use (mbufs not in the pool): for leak checks. */
unsigned int dpt_mbufs_in_use(void);

/* RFC 1071 checksum over len bytes (independent of DPDK's). */
uint16_t dpt_cksum(const void *data, size_t len);

#endif
