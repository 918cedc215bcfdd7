/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv6 fragments for and from the router itself (frag6.c). */
#ifndef SLUICE_FRAG6_H
#define SLUICE_FRAG6_H

#include <stdint.h>
#include <rte_mbuf.h>

#include "worker.h"

/* The lcores' reassembly tables, at start.  0 or -ENOMEM. */
int frag6_init(void);

/* m: an IPv6 packet for the router whose fragment header follows the
 * IPv6 header, come in by in_port at now (TSC cycles).  The whole
 * datagram (the fragment header gone), or NULL while it waits for pieces
 * or when m was dropped (counted; a piece of a size no datagram can have
 * is answered with a Parameter Problem). */
struct rte_mbuf *frag6_reassemble(struct wctx *w, struct rte_mbuf *m, uint16_t in_port,
				  uint64_t now);

/* Datagrams whose time is up at now are dropped and counted, those whose
 * first piece came answered with a Time Exceeded left in w (a sweep a
 * quarter of a second at most; the worker's loop calls it). */
void frag6_gc(struct wctx *w, uint64_t now);

/* m, a packet the router made (IPv6 header, no extension header), in
 * fragments of at most mtu bytes into out; how many (m consumed), or a
 * negative value (m not consumed). */
int frag6_send(struct rte_mbuf *m, uint16_t mtu, struct rte_mbuf **out, uint16_t max);

#endif
