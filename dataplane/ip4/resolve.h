/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbour resolution, the packet side (control lcore, both families):
 * it hands packets waiting for a next hop to the neighbour table and does
 * what the table hands back (struct neigh_act): requests by ARP or
 * neighbour discovery, held packets sent or answered with an error.
 */
#ifndef SLUICE_RESOLVE_H
#define SLUICE_RESOLVE_H

#include <stdint.h>
#include <rte_mbuf.h>

#include "neigh.h"

/* m waits for meta nh_ip (PKT_RESOLVE) or nh_ip6 (PKT_RESOLVE6) on meta
 * out_port; consumes m. */
void neigh_resolve(struct rte_mbuf *m);
/* The table's timers: ageing, retries, timeouts; now in TSC cycles. */
void neigh_timer(uint64_t now);
/* Do what act says (and empty it): ask, send or fail held packets. */
void resolve_act(struct neigh_act *act);

#endif
