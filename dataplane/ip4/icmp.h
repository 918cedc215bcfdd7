/* SPDX-License-Identifier: BSD-3-Clause */
/* ICMP: echo replies for the router's addresses, and errors (RFC 792, 1812);
 * the TCP resets that answer segments to the router share their limits. */
#ifndef SLUICE_ICMP_H
#define SLUICE_ICMP_H

#include <stdbool.h>
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

/*
 * May the router answer m (data at its IPv4 header) with an error of its
 * own, an ICMP error or a TCP reset?  RFC 1812 4.3.2.7's exclusions, then
 * a token from the worker's bucket (4.3.2.8), which both kinds share; an
 * empty bucket is counted (icmp_ratelimit).
 */
bool icmp_error_ok(struct wctx *w, const struct rte_mbuf *m);

/* The worker's token bucket alone (ICMPv6 errors share it): false, and
 * the error counted as icmp_ratelimit, when it is empty. */
bool icmp_take_token(struct wctx *w);

/* Local delivery of a TCP segment (tcp_rst.c): nothing listens, so it is
 * answered with a reset (RFC 9293 3.10.7.1) under icmp_error_ok, and
 * dropped (local_unreach; bad_header when malformed).  Consumes m. */
void tcp_input(struct wctx *w, struct rte_mbuf *m, uint16_t in_port);

struct rte_tcp_hdr;
/* The TCP header of the segment hlen bytes into m (its payload's length
 * in *seglen), when it is whole and its checksum, with phdr_sum (the
 * family's pseudo-header sum), right; else NULL.  Both families' resets
 * check segments with it. */
const struct rte_tcp_hdr *tcp_segment(const struct rte_mbuf *m, uint32_t hlen, uint32_t phdr_sum,
				      struct rte_tcp_hdr *buf, uint32_t *seglen);
/* The reset's TCP header (no checksum) for segment oth carrying seglen
 * bytes: RFC 9293 3.10.7.1's answer of a CLOSED port. */
void tcp_reset_header(struct rte_tcp_hdr *th, const struct rte_tcp_hdr *oth, uint32_t seglen);

#endif
