/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbours (ARP, RFC 826).  One table keyed by (port, IPv4 address):
 * workers look up MACs lock-free (rte_hash RW_CONCURRENCY_LF under RCU),
 * the control lcore alone adds, changes and removes entries, answers and
 * sends ARP, holds packets waiting for resolution, and ages entries.
 */
#ifndef SLUICE_NEIGH_H
#define SLUICE_NEIGH_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <rte_ether.h>

#include "dp.h"

#define NEIGH_MAX		16384	/* table bound */
#define NEIGH_HOLD_MAX		8	/* packets held per unresolved next hop */
#define NEIGH_RETRIES		3	/* ARP requests before giving up */

/* Timers (seconds), changed by --neigh-* options and tests. */
struct neigh_timers {
	double reachable;	/* REACHABLE -> STALE */
	double stale;		/* unused STALE entry -> removed; used -> PROBE */
	double retrans;		/* between requests (INCOMPLETE, PROBE) */
};
extern struct neigh_timers neigh_timers;

int neigh_init(void);

/*
 * Worker: MACs for n (port, ip) pairs.  found bit i set when macs[i] is
 * usable; otherwise the caller punts the packet (PKT_RESOLVE).
 */
uint64_t neigh_lookup_bulk(const uint16_t *port, const uint32_t *ip,
			   unsigned int n, struct rte_ether_addr *macs);

/*
 * What workers read of an entry: the MAC in bytes 0-5 of word and
 * NEIGH_VALID, one 64-bit load, so that a MAC is never seen half old and
 * half new; used, set by a worker whose traffic keeps the entry alive.
 */
#define NEIGH_VALID		(1ull << 48)
struct neigh_fast {
	uint64_t word;
	uint8_t used;
} __rte_aligned(16);
extern struct neigh_fast *neigh_fast_tbl;

/*
 * Worker: the MAC at position pos (a next hop's neigh): true and *mac
 * filled when resolved.  The position stays the same entry's until a grace
 * period after the entry goes, so a pos read in this pass is safe to use.
 */
static inline bool
neigh_fast_at(int32_t pos, struct rte_ether_addr *mac)
{
	struct neigh_fast *f;
	uint64_t w;

	if (pos < 0)
		return false;
	f = &neigh_fast_tbl[pos];
	w = __atomic_load_n(&f->word, __ATOMIC_ACQUIRE);
	if (!(w & NEIGH_VALID))
		return false;
	memcpy(mac->addr_bytes, &w, RTE_ETHER_ADDR_LEN);
	if (unlikely(!__atomic_load_n(&f->used, __ATOMIC_RELAXED)))
		__atomic_store_n(&f->used, 1, __ATOMIC_RELAXED);
	return true;
}

/* Control lcore: the position of (port, ip)'s entry, or -1. */
int32_t neigh_position(uint16_t port, uint32_t ip);

/* Control lcore: process one punted ARP frame (meta in_port); consumes m. */
void arp_input(struct rte_mbuf *m);
/* Control lcore: m waits for meta nh_ip on meta out_port; consumes m. */
void neigh_resolve(struct rte_mbuf *m);
/* Control lcore: gratuitous ARP for a new address. */
void arp_announce(uint16_t port, uint32_t ip);
/* Control lcore: ageing, retries, timeouts; now in TSC cycles. */
void neigh_timer(uint64_t now);

/* Management (netlink).  Return 0 or -errno. */
int neigh_add(uint16_t port, uint32_t ip, const struct rte_ether_addr *mac,
	      bool permanent, uint16_t nl_flags);
int neigh_del(uint16_t port, uint32_t ip);
void neigh_flush(uint16_t port);		/* learned entries; DP_NO_PORT = all */
void neigh_flush_port_all(uint16_t port);	/* every entry: port going away */

/* Between arp.c and neigh.c (control lcore). */
/* An ARP frame showed ip at mac on port: update the entry (never a
 * permanent one) and, when create, make it.  -ENOSPC when the table is full. */
int neigh_learn(uint16_t port, uint32_t ip, const struct rte_ether_addr *mac, bool create);
/* Ask for tip on port: broadcast, or unicast to a known MAC (probe). */
void arp_request(uint16_t port, uint32_t tip, const struct rte_ether_addr *unicast);

struct neigh_info {
	uint16_t port;
	uint32_t ip;
	struct rte_ether_addr mac;
	uint16_t state;		/* NUD_* */
};
/* Every entry by (port, ip); stops when cb returns non-zero and returns that. */
int neigh_walk(int (*cb)(const struct neigh_info *n, void *arg), void *arg);
/* The same from *pos on (zeroed: the beginning); when cb returns non-zero,
 * *pos is the entry it refused, where the next call starts. */
struct neigh_pos {
	uint16_t port;
	uint32_t ip;
};
int neigh_walk_from(struct neigh_pos *pos, int (*cb)(const struct neigh_info *n, void *arg),
		    void *arg);

#endif
