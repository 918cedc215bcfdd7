/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sluiced and the kernel of its own network namespace (docs/architecture.md,
 * "The kernel route mirror"):
 *  - routes from the host: the kernel's IPv4 and IPv6 routes through host
 *    interfaces (ports with `host = yes`: a kernel interface of their
 *    name), watched over rtnetlink and mirrored into the dataplane with
 *    the kernel's protocol;
 *  - routes to the host: sluice's own routes (the file's and the CLI's)
 *    through host interfaces, installed in the kernel under protocol
 *    SLUICE_RTPROT_KERNEL_OWN ("sluice"), never mirrored back.
 * The decisions are kmirror.c's; this is the sockets and the timing.
 */
#ifndef SLUICE_KSYNC_H
#define SLUICE_KSYNC_H

#include <time.h>

#include "client.h"
#include "config.h"
#include "kmirror.h"

/* How often sluiced dumps the dataplane's routes to learn the CLI's (the
 * control socket has no notifications). */
#define KS_POLL_MS 1000
/* Routes the dataplane refused (a gateway it cannot reach yet) are tried
 * again by a resync this often. */
#define KS_RETRY_S 10

struct ksync {
	int ev_fd;			/* RTNLGRP_IPV4_ROUTE, _IPV6_ROUTE, _LINK, _IPV4_IFADDR */
	int req_fd;			/* dumps and changes */
	uint32_t seq;
	char *buf;
	struct km_ports ports;
	struct km_set mirror;		/* kernel -> dataplane */
	struct km_set host;		/* dataplane -> kernel */
	struct km_ops ops;
	bool need_resync;		/* a lost message, a link or address change */
	unsigned retries;		/* refused entries */
	uint32_t polls;			/* ks_poll's dumps of the dataplane, for km_ent.seen */
	time_t last_resync;
};

/* 0, or -errno when the kernel cannot be watched (sluiced then runs
 * without the mirror). */
int ks_open(struct ksync *ks);
void ks_close(struct ksync *ks);

/*
 * Ports, the kernel's routes and the dataplane's, and the mirror set they
 * imply; with apply, the changes both ways.  Without apply (before sluiced
 * reconciles its file) it only learns which routes are the mirror's, so
 * that reconcile leaves them.  Returns -errno only when the dataplane
 * connection broke.
 */
int ks_resync(struct ksync *ks, struct ctl_conn *c, const struct cfg *cfg, bool apply);

/* Kernel events: mirrored as they come when c is connected (else only
 * noted for a resync).  Returns -errno only for a broken connection. */
int ks_events(struct ksync *ks, struct ctl_conn *c, const struct cfg *cfg);

/* The periodic look at the dataplane: the CLI's routes to the kernel, and
 * a resync when one is due.  Returns -errno only for a broken connection. */
int ks_poll(struct ksync *ks, struct ctl_conn *c, const struct cfg *cfg);

/* Is have (a dataplane route) the mirror's very route?  For reconcile. */
bool ks_holds(const struct ctl_route *have);

#endif
