/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet trace (sluice trace): the next N packets that enter a port are
 * marked (a dynamic mbuf flag and a field pointing at their record) and
 * the pipeline notes each step of theirs where it already branches:
 * validation, NAT, route, neighbour, and the verdict where the packet
 * leaves (dp_drop, dp_punt, the tx step, local delivery).  Records go to
 * the control lcore on a ring, which sends them to the client.
 *
 * Cost: with no trace running, one load and branch per burst where
 * packets are marked (trace_ports) and where steps are noted (trace_on()
 * read once per burst); the drop and punt functions test the same word.
 * With a trace, the packets that are not marked pay one flag test per
 * step.  This header needs nothing from dp.h, which includes it.
 */
#ifndef SLUICE_TRACE_H
#define SLUICE_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <rte_branch_prediction.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "proto.h"

/* Bit p: packets entering port slot p are marked (while some are left). */
extern uint32_t trace_ports;
/* A trace runs: marked packets may be in flight. */
extern uint32_t trace_live;
/* The dynamic flag marking a traced mbuf (0 until the first trace). */
extern uint64_t trace_flag;

static inline bool
trace_on(void)
{
	return unlikely(__atomic_load_n(&trace_live, __ATOMIC_RELAXED) != 0);
}

static inline bool
trace_marked(const struct rte_mbuf *m)
{
	return (m->ol_flags & trace_flag) != 0;
}

/* Worker: mark what is left to trace among n packets entering port. */
void trace_mark(uint16_t port, struct rte_mbuf *const *pkts, uint16_t n);
#define TRACE_MARK(port, pkts, n)						\
	do {									\
		if (unlikely(__atomic_load_n(&trace_ports, __ATOMIC_RELAXED) &	\
			     (UINT32_C(1) << (port))))				\
			trace_mark(port, pkts, n);				\
	} while (0)

/* IPv4's steps; m's data starts at its IPv4 header. */
void trace_valid(struct rte_mbuf *m);
void trace_nat(struct rte_mbuf *m, uint8_t stage);	/* 0 prerouting, 1 postrouting */
void trace_route(struct rte_mbuf *m, uint8_t nh_type, uint16_t port, uint32_t nh_ip,
		 uint32_t dst);
void trace_neigh(struct rte_mbuf *m, uint16_t port, uint32_t nh_ip,
		 const struct rte_ether_addr *mac);	/* resolved: forwarded, its verdict */
void trace_local(struct rte_mbuf *m);
/* IPv6's steps: ip6 the packet's IPv6 header (wherever m's data starts),
 * addresses of 16 bytes. */
void trace_valid6(struct rte_mbuf *m, const void *ip6);
void trace_route6(struct rte_mbuf *m, uint8_t nh_type, uint16_t port, const uint8_t *nh,
		  const uint8_t *dst);
void trace_neigh6(struct rte_mbuf *m, uint16_t port, const uint8_t *nh,
		  const struct rte_ether_addr *mac);	/* resolved: forwarded, its verdict */
void trace_local6(struct rte_mbuf *m, uint8_t next_header);
/* m is about to be fragmented (and freed): its record goes to the first
 * fragment; returns the record, or NULL when m is not traced. */
void *trace_frag_begin(struct rte_mbuf *m);
void trace_frag_end(void *rec, struct rte_mbuf **frags, int n, uint16_t port, uint16_t mtu);

/* The packet's fate: SLUICE_TRACE_*, the drop reason (enum drop_reason),
 * the egress port slot (forward) or UINT16_MAX. */
void trace_end(struct rte_mbuf *m, uint8_t verdict, int reason, uint16_t out);

/* Note a step or verdict of m when a trace runs (tr: trace_on() read once
 * for the burst) and m is one of the traced. */
#define TRACE(tr, m, call)							\
	do {									\
		if (unlikely(tr) && trace_marked(m))				\
			call;							\
	} while (0)

struct ctl_client;
/* Control lcore: start a trace for client c, records to fd (taken in every
 * case); ports a bitmask of slots, count 0: until stopped.  0 or -errno. */
int trace_start(struct ctl_client *c, int fd, uint32_t ports, uint32_t count);
int trace_stop(struct ctl_client *c);
void trace_poll(void);
unsigned int trace_sessions(void);

#endif
