/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Proxy ARP: addresses a port answers ARP for without owning them.  They
 * are the outside addresses of the NAT's snat pools, which the NAT owns on
 * the wire (as VPP does for its pools) but which are no local address of
 * the router: nothing else (ICMP echo, port unreachable, TCP reset) is
 * answered from them.
 *
 * Pools are ranges, kept as ranges: a /16 pool is one entry, never 65536.
 * The control lcore replaces the set whole whenever the NAT rules change
 * and publishes it under RCU; arp.c (control lcore) consults it after the
 * port's own addresses, and announces a new range (arp_announce_range).
 */
#ifndef SLUICE_PROXY_ARP_H
#define SLUICE_PROXY_ARP_H

#include <stdbool.h>
#include <stdint.h>

/* At most one range per NAT rule. */
#define PROXY_ARP_MAX		256
/* A new range announces (gratuitous ARP) at most this many addresses; the
 * rest of a larger pool is answered when asked. */
#define PROXY_ARP_ANNOUNCE_MAX	256

struct proxy_arp_range {
	uint32_t lo, hi;	/* host order, inclusive */
	uint16_t port;
};

/* Control lcore: replace the set with r[0..n-1]; -ENOSPC when n is too
 * many (the set is then unchanged).  Waits for the readers (RCU). */
int proxy_arp_set(const struct proxy_arp_range *r, unsigned int n);

/* Is ip (host order) answered for on port by proxy? */
bool proxy_arp_has(uint16_t port, uint32_t ip);

#endif
