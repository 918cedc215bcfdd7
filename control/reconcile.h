/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Bring the dataplane to what the file says: dump what it holds, add what
 * is missing, remove what the file no longer has, change what differs.
 * Only what sluiced owns is removed: ports, their addresses, routes with
 * protocol SLUICE_RTPROT_CONFIG, permanent neighbours and NAT rules; routes
 * the CLI added stay.  Every change is one line on stderr.
 */
#ifndef SLUICE_RECONCILE_H
#define SLUICE_RECONCILE_H

#include "client.h"
#include "config.h"

struct rec_result {
	unsigned changes;	/* requests sent */
	unsigned failures;	/* requests refused */
};

/* 0 when done (failures counted in res), or -errno when the connection
 * broke and it should be retried once the dataplane is back. */
int reconcile(struct ctl_conn *conn, const struct cfg *cfg, struct rec_result *res);

#endif
