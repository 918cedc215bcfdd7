/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DPDK 22.11's af_xdp PMD leaks its UMEM on close (the reference count test
 * is off by one), and with it the UMEM's socket, which is also queue 0's
 * AF_XDP socket: it stays bound, so the same interface cannot be opened
 * again (EBUSY).  Ports remember which AF_XDP sockets their creation opened
 * and close whatever the PMD left behind when they go.
 */
#ifndef SLUICE_XSK_H
#define SLUICE_XSK_H

#include <stdbool.h>
#include <sys/types.h>

#define XSK_PER_PORT 16

struct xsk_set {
	int n;
	ino_t ino[XSK_PER_PORT];
};

/* The AF_XDP sockets this process has open now. */
void xsk_snapshot(struct xsk_set *s);
/* Those in after that were not in before. */
void xsk_new(const struct xsk_set *before, const struct xsk_set *after, struct xsk_set *out);
/* Close every still-open socket of s; true when one was closed. */
bool xsk_close(const struct xsk_set *s);

#endif
