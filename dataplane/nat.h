/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT44 (RFC 4787, 5382, 5508, 7857): rules from the control channel,
 * sessions made by the fast path.  Two hooks in the IPv4 pipeline:
 *   nat_prerouting  before the route lookup: inbound (destination) rewrite
 *                   of a session's reply traffic and of dnat rules;
 *   nat_postrouting after it, once the egress port is known: outbound
 *                   (source) rewrite, new sessions for masquerade/snat.
 * Both take m with its data at the IPv4 header (header already validated).
 */
#ifndef SLUICE_NAT_H
#define SLUICE_NAT_H

#include <stdbool.h>
#include <stdint.h>

#include "worker.h"

enum nat_verdict {
	NAT_PASS,	/* go on (m possibly rewritten) */
	NAT_DROP,	/* m was dropped and counted */
	NAT_STOLEN,	/* m was consumed (held for reassembly, ...) */
};

/* True when any rule exists: the hooks are skipped otherwise. */
extern volatile bool nat_enabled;

int nat_init(void);

enum nat_verdict nat_prerouting(struct wctx *w, struct rte_mbuf *m, uint16_t in_port);
enum nat_verdict nat_postrouting(struct wctx *w, struct rte_mbuf *m,
				 uint16_t in_port, uint16_t out_port);

/* Control lcore: expire sessions in bounded slices; now in TSC cycles. */
void nat_timer(uint64_t now);

/* NAT counters for stats (sessions created, expired, active, table-full
 * drops, port-exhaustion drops, untranslatable ICMP errors, fragment
 * drops...): fills up to max name/value pairs, returns how many. */
unsigned int nat_counters(const char **names, uint64_t *values, unsigned int max);

/* A port is going away: its rules and sessions go with it. */
void nat_flush_port(uint16_t port);

#endif
