/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 (RFC 8200) for a router: validation, the addresses never forwarded,
 * local delivery, forwarding (hop limit, MTU: never fragmented), output
 * toward a next hop.  Addresses are 16 bytes in network order everywhere.
 */
#ifndef SLUICE_IP6_H
#define SLUICE_IP6_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <rte_ip.h>

#include "ip6_addr.h"
#include "worker.h"

#define IP6_MIN_MTU	1280	/* RFC 8200 5 */
#define IP6_HDR_LEN	40

/* IPv6 frames of one burst, Ethernet header still in front (worker). */
void ip6_input(struct wctx *w, uint16_t in_port, struct rte_mbuf **pkts, uint16_t n);

/*
 * Route and send a packet the router made (ICMPv6): data at the IPv6
 * header, room in front for Ethernet.  A link-local or multicast
 * destination needs out_port (DP_NO_PORT otherwise).  Consumes m.
 */
void ip6_output(struct wctx *w, struct rte_mbuf *m, uint16_t out_port);

/* Ethernet header for port and queue it (data at IPv6). Consumes m. */
void ip6_eth_tx(struct wctx *w, struct rte_mbuf *m, uint16_t port,
		const struct rte_ether_addr *dst_mac);

#endif
