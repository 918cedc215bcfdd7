/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sluice capture and sluice trace (capture.c, trace.c): a session on the
 * dataplane whose output comes back on a socketpair the request carried.
 */
#ifndef SLUICE_OPS_H
#define SLUICE_OPS_H

#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "pktsum.h"

int do_capture(struct cli *c, int argc, char **argv);
int do_trace(struct cli *c, int argc, char **argv);

/* A request of type for the port ifindex (0: every port) in c->buf; the
 * caller adds its other SLUICE_OPSA_* attributes. */
struct nlmsghdr *ops_request(struct cli *c, uint16_t type, uint32_t ifindex);

/*
 * Start a session: the request (type, its attributes already in nlh) goes
 * with one end of a SOCK_SEQPACKET pair.  Then every datagram that comes
 * back goes to fn until the dataplane closes the pair (count reached), fn
 * fails (the reader went away) or SIGINT/SIGTERM (then del_type asks the
 * dataplane to end it and what it still had arrives first).  CLI_*.
 */
typedef int (*ops_dg_fn)(void *arg, const uint8_t *buf, size_t len);
int ops_session(struct cli *c, struct nlmsghdr *nlh, uint16_t del_type, ops_dg_fn fn,
		void *arg);

#endif
