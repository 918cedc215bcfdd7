/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP (RFC 826) on the control lcore: the frames workers punt (PKT_ARP),
 * requests for resolution, announcements.  A packet stage: what it learns
 * goes to the neighbour table (neigh.h).
 */
#ifndef SLUICE_ARP_H
#define SLUICE_ARP_H

#include <stdint.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

/* One punted ARP frame (meta in_port); consumes m. */
void arp_input(struct rte_mbuf *m);
/* Ask for tip on port: broadcast, or unicast to a known MAC (probe). */
void arp_request(uint16_t port, uint32_t tip, const struct rte_ether_addr *unicast);
/* Gratuitous ARP for a new address of port. */
void arp_announce(uint16_t port, uint32_t ip);
/*
 * IPv4 addresses from the outside (netlink, the host interface): the table
 * (port.c) changes, then the link and the rest are told.  Adding one sends
 * a gratuitous ARP; removing one ends the NAT flows mapped to it.  Either
 * tells the host interface.  0 or -errno.
 */
int arp_addr_add(uint16_t port, uint32_t ip, uint8_t plen);
int arp_addr_del(uint16_t port, uint32_t ip, uint8_t plen);	/* plen 255: any */
/* The same for each address of lo..hi (host order) that is not port's
 * own, the first PROXY_ARP_ANNOUNCE_MAX of them: a new NAT pool. */
void arp_announce_range(uint16_t port, uint32_t lo, uint32_t hi);

#endif
