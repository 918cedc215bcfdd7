/* SPDX-License-Identifier: BSD-3-Clause */
/* What the host path's files share and nothing else needs. */
#ifndef SLUICE_HOST_INT_H
#define SLUICE_HOST_INT_H

#include "host.h"

/* Workers -> control lcore: frames for a host interface (MP/SC). */
extern struct rte_ring *host_ring;
/*
 * The host path's own mbufs: punted frames are copied into them by the
 * worker, frames the host sends are read into them.  A host that reads
 * slowly can then never drain the forwarding pool, and the forwarding
 * pool's mbufs are allocated and freed on the worker that receives them.
 * (That matters beyond the pool's size: DPDK 22.11's af_xdp registers a
 * UMEM of populated_size x object size, shorter than a pool whose objects
 * are padded to pages, as without hugepages; a port whose worker is handed
 * mbufs from deep in the pool, past that length, stops receiving.)
 */
extern struct rte_mempool *host_pool;
#define HOST_POOL_SIZE	(HOST_RING_SIZE + 2048)

/* Take one of this lcore's tokens; false (counted) when there is none. */
bool host_take_token(struct host_lcore *l);

/* What the host sent on every host interface (host_poll's part, which
 * the unit tests call without making interfaces). */
unsigned int host_poll_taps(struct host_lcore *l);

/* A socket for interface ioctls (control lcore), or -1. */
int host_ioctl_fd(void);

#endif
