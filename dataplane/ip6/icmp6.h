/* SPDX-License-Identifier: BSD-3-Clause */
/* ICMPv6 (RFC 4443): echo replies for every router address, and the
 * errors the router sends, under IPv4's token bucket. */
#ifndef SLUICE_ICMP6_H
#define SLUICE_ICMP6_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/icmp6.h>
#include <rte_ip.h>

#include "worker.h"

#define ICMP6_HOP_LIMIT	64

/* Local delivery of an ICMPv6 message (data at the IPv6 header, nothing
 * between it and ICMPv6): echo answered, neighbour discovery punted to
 * the control lcore (PKT_ND), the rest consumed.  Consumes m. */
void icmp6_input(struct wctx *w, struct rte_mbuf *m, uint16_t in_port);

/*
 * Send an error about m (data at its IPv6 header) unless RFC 4443 2.4(e)
 * forbids it (about an ICMPv6 error; to a multicast group or as a link-layer
 * multicast or broadcast, except Packet Too Big; from ::, multicast or a
 * martian) or the token bucket is empty (counted: icmp_ratelimit).  It
 * quotes as much of m as fits in the minimum MTU.  param: the MTU (Packet
 * Too Big), the pointer (Parameter Problem), else 0.  m is not consumed.
 */
void icmp6_error(struct wctx *w, struct rte_mbuf *m, uint16_t in_port,
		 uint8_t type, uint8_t code, uint32_t param);

/* The ICMPv6 checksum over ip's payload (plen bytes at l4, contiguous):
 * the value to store in the header, with the field zeroed first. */
uint16_t icmp6_cksum(const struct rte_ipv6_hdr *ip, const void *l4, uint32_t plen);

/*
 * May the router answer m (data at its IPv6 header) with a reply of its
 * own, an error or a TCP reset?  RFC 4443 2.4(e)'s exclusions, then a
 * token from the worker's bucket, counted as icmp_ratelimit when empty.
 */
bool icmp6_error_ok(struct wctx *w, const struct rte_mbuf *m);

/* Local delivery of a TCP segment (tcp6_rst.c): answered with a reset
 * under icmp6_error_ok and dropped (ip6_local_unreachable;
 * ip6_bad_header when malformed).  Consumes m. */
void tcp6_input(struct wctx *w, struct rte_mbuf *m, uint16_t in_port);

#endif
