/* SPDX-License-Identifier: BSD-3-Clause */
/* What the host path's files share and nothing else needs. */
#ifndef SLUICE_HOST_INT_H
#define SLUICE_HOST_INT_H

#include "host.h"

/* Workers -> control lcore: frames for a host interface (MP/SC). */
extern struct rte_ring *host_ring;

/* Take one of this lcore's tokens; false (counted) when there is none. */
bool host_take_token(struct host_lcore *l);

/* A socket for interface ioctls (control lcore), or -1. */
int host_ioctl_fd(void);

#endif
