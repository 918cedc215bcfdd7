/* SPDX-License-Identifier: BSD-3-Clause */
/* ICMP: echo replies for the router's addresses, and errors (RFC 792, 1812). */
#ifndef SLUICE_ICMP_H
#define SLUICE_ICMP_H

#include <stdint.h>
#include "worker.h"

/* Local delivery of an ICMP packet (data at the IPv4 header); consumes m. */
void icmp_input(struct wctx *w, struct rte_mbuf *m, uint16_t in_port);

/*
 * Send an ICMP error about m (data at its IPv4 header) unless RFC 1812
 * forbids it (about an ICMP error, a non-first fragment, a broadcast or
 * multicast, a martian) or the token bucket is empty.  The error quotes the
 * IP header + 8 bytes and comes from in_port's address.  m is not consumed.
 * mtu is the next-hop MTU for fragmentation needed, else 0.
 */
void icmp_error(struct wctx *w, struct rte_mbuf *m, uint16_t in_port,
		uint8_t type, uint8_t code, uint16_t mtu);

#endif
