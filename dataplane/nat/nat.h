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

#include <rte_per_lcore.h>

#include "worker.h"

enum nat_verdict {
	NAT_PASS,	/* go on (m possibly rewritten) */
	NAT_DROP,	/* m was dropped and counted */
	NAT_STOLEN,	/* m was consumed (held for reassembly, ...) */
	NAT_LATER,	/* prerouting's burst only: m waits for the burst's
			 * postrouting (nat_later_take) */
};

/* True when any rule exists: the hooks are skipped otherwise. */
extern volatile bool nat_enabled;

int nat_init(void);
/* The end of a worker_input call: the session plans its prerouting made
 * for the call's new flows are dropped, what they were made from being
 * freed only after the worker's next quiescent state. */
RTE_DECLARE_PER_LCORE(uint64_t, nat_plans_live);
static inline void
nat_plans_drop(void)
{
	RTE_PER_LCORE(nat_plans_live) = 0;
}

enum nat_verdict nat_prerouting(struct wctx *w, struct rte_mbuf *m, uint16_t in_port);
/* nat_prerouting for m[0..n) (n <= DP_BURST) in order, the session
 * lookups of the burst overlapped; bit i set when m[i] goes on.  l2: the
 * bytes in front of every IPv4 header (0, or a kept Ethernet header's 14,
 * which what goes on keeps).  dst[i]: m[i]'s destination (host order) as
 * prerouting leaves it, set for what goes on.  whole (or NULL): bit i set
 * when m[i] was translated whole, postrouting included, which the caller
 * then skips (the common established TCP/UDP packet; see nat.c). */
uint64_t nat_prerouting_burst(struct wctx *w, uint16_t in_port, struct rte_mbuf **m,
			      uint16_t n, uint32_t l2, uint32_t *dst, uint64_t *whole);
struct nat_look;
/* nat_prerouting_burst for frames that ip4_plain passed (l2 14, no
 * IP options), whole not NULL, with the look the worker's pass made of
 * them (nat_look.h). */
uint64_t nat_prerouting_plain(struct wctx *w, uint16_t in_port, struct rte_mbuf **m,
			      uint16_t n, struct nat_look *lk, uint32_t *dst,
			      uint64_t *whole);
enum nat_verdict nat_postrouting(struct wctx *w, struct rte_mbuf *m,
				 uint16_t in_port, uint16_t out_port);
/* An IPv4 fragment (IP header at m's data) into the per-lcore reassembly
 * table (nat_frag.c), which holds the datagrams the NAT must see whole
 * and, NAT or not, those for the router's own addresses on a port
 * without a host stack (ip4_local).  A datagram made whole is routed from
 * there: for the router, back to ip4_local.  NAT_PASS when m is neither's
 * (the caller keeps it), NAT_STOLEN when held or done, NAT_DROP when
 * dropped and counted. */
enum nat_verdict nat_frag_in(struct wctx *w, struct rte_mbuf *m, uint16_t in_port);

/*
 * A packet of a prerouting burst to an address of the NAT's that no
 * mapping holds yet, behind a new outbound flow of the same burst whose
 * mapping postrouting makes after the route: a hairpin to that very
 * mapping (RFC 4787 REQ-9) would find none.  Prerouting sets such
 * packets aside (neither passed nor dropped), as they came; after the
 * burst's postrouting the caller takes them here (at most DP_BURST,
 * returns how many) and runs them through prerouting again, with
 * nat_later_off(true) around it so that none is set aside twice.
 */
uint16_t nat_later_take(struct rte_mbuf **m);
void nat_later_off(bool off);

/*
 * The router is about to send an ICMP error about m (data at its IPv4
 * header), whose copied header + 8 bytes are at quote (qlen bytes).  When
 * the NAT hooks already translated m (a dnat or a session's reply seen by
 * prerouting, an established TCP/UDP packet translated whole there; also
 * postrouting for a packet held for ARP), put the
 * addresses, ports and checksums in the quote back to what the sender
 * sent, so that it can match the error (RFC 5508 REQ-3 for errors the NAT
 * box makes itself).  True when the quote changed.
 */
bool nat_quote_original(const struct rte_mbuf *m, void *quote, uint32_t qlen);

/* Control lcore: expire sessions in bounded slices; now in TSC cycles. */
void nat_timer(uint64_t now);
/* Control lcore: grow the NAT's flows table when the sessions in use
 * outgrew it, shrink it when they fell far below it (nat_session.c),
 * copying at most chunks slices of sessions a call.  True while a resize
 * is under way or wanted: call again soon. */
bool nat_flows_resize(uint32_t chunks);
/* The control lcore's chunks a pass: 4 096 sessions, about a millisecond. */
#define NAT_GROW_SLICE	64
/* Worker, every few passes of its loop: IPv4 datagrams held for
 * reassembly whose time is up are dropped and counted (a sweep a quarter
 * of a second at most, by the NAT clock), and those for our addresses
 * whose first piece came answered with a Time Exceeded left in w. */
void nat_frag_sweep(struct wctx *w);

/* NAT counters for stats (sessions created, expired, active, table-full
 * drops, port-exhaustion drops, untranslatable ICMP errors, fragment
 * drops...): fills up to max name/value pairs, returns how many. */
unsigned int nat_counters(const char **names, uint64_t *values, unsigned int max);

/* A port is going away: its rules and sessions go with it. */
void nat_flush_port(uint16_t port);

/* Control lcore: port was set down and the routes have moved off it.  The
 * sessions of its rules go (after the workers' grace period, as
 * nat_addr_gone), as the kernel forgets a masquerade's flows when its
 * interface goes down: a flow that a backup route now sends out of
 * another port must not keep this port's translation. */
void nat_port_down(uint16_t port);

/* Control lcore: a port came up and routes moved back to it.  The flows
 * of inside hosts whose remote no longer routes out of their rule's port
 * end (a new packet makes a new session under the right rule): a flow a
 * backup port translated must not leave the first port with the backup's
 * address. */
void nat_port_up(void);

/* Control lcore: address ip (host order) has left port, already removed
 * from the address table.  Every session and mapping of a rule of that
 * port whose outside address is ip goes (waits for the workers, RCU), so
 * that no flow keeps being rewritten to an address the router no longer
 * owns. */
void nat_addr_gone(uint16_t port, uint32_t ip);

/*
 * The NAT clock: TSC cycles and whole seconds, advanced by nat_timer(now)
 * on the control lcore and read by the workers (sessions' idle times,
 * fragment reassembly).  Tests drive it as a fake clock through nat_timer.
 */
extern volatile uint64_t nat_now;
extern volatile uint32_t nat_now_s;

/* ---- control side (nat_nl.c, tests): control lcore only ---- */

/* A rule.  Addresses host order; port is the port slot. */
struct nat_rule_spec {
	uint32_t id;		/* assigned by nat_rule_add */
	uint8_t kind;		/* SLUICE_NAT_* */
	uint8_t proto;		/* dnat: IPPROTO_TCP / IPPROTO_UDP */
	uint8_t filter;		/* SLUICE_NAT_FILTER_* */
	bool has_src;		/* "from PREFIX" */
	uint8_t src_len;
	uint16_t port;		/* "out PORT" / "in PORT" */
	uint32_t src;
	uint32_t addr_min, addr_max;	/* snat pool, dnat target (min) */
	uint16_t port_min, port_max;	/* snat "ports", dnat ":P" (0 = none) */
	uint16_t dport_min, dport_max;	/* dnat */
};

/* 0, -EINVAL (bad ranges), -ENODEV (no such port), -EEXIST, -ENOSPC. */
int nat_rule_add(struct nat_rule_spec *r);
/* Delete the rule with r->id (by_id) or with equal attributes, and its
 * sessions; -ENOENT when none. */
int nat_rule_del(const struct nat_rule_spec *r, bool by_id);
/* Every rule in order; stops when cb returns non-zero and returns that. */
int nat_rule_walk(int (*cb)(const struct nat_rule_spec *r, void *arg), void *arg);

/* Timeouts (seconds) and table size.  0 in nat_conf_set = unchanged. */
struct nat_conf {
	uint32_t timeout_udp, timeout_tcp_est, timeout_tcp_trans, timeout_icmp;
	uint32_t max_sessions;
};
/* -EINVAL for a timeout below the RFCs' minimum (UDP 120 s, TCP established
 * 7440 s, ICMP 60 s) or a size out of range; changing
 * max_sessions rebuilds the table (sessions are flushed). */
int nat_conf_set(const struct nat_conf *c);
void nat_conf_get(struct nat_conf *c);

/* A session as shown to users: addresses host order, ports host order. */
struct nat_sess_info {
	uint8_t proto, state;		/* SLUICE_NAT_STATE_* */
	uint32_t in_addr, out_addr, rem_addr;
	uint16_t in_port, out_port, rem_port;
	uint32_t idle;			/* seconds */
	uint64_t packets;
};
int nat_sess_walk(int (*cb)(const struct nat_sess_info *s, void *arg), void *arg);
/* The same from table slot *slot on (0: the beginning); when cb returns
 * non-zero, *slot is the session it refused, where the next call starts. */
int nat_sess_walk_from(uint32_t *slot, int (*cb)(const struct nat_sess_info *s, void *arg),
		       void *arg);
/* Drop every session (waits for the workers under RCU). */
void nat_sess_flush(void);
uint32_t nat_sess_count(void);
/* The flows keys of the sessions in use, and how many of them sit in
 * their first bucket (a lookup's one line); takes nat_lock. */
void nat_flows_placement(uint64_t *keys, uint64_t *first);

#endif
