/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbours (ARP, RFC 826; neighbour discovery, RFC 4861).  One table
 * keyed by (port, address), IPv4 and IPv6 alike:
 * workers look up MACs lock-free (rte_hash RW_CONCURRENCY_LF under RCU),
 * the control lcore alone adds, changes and removes entries, holds packets
 * waiting for resolution, and ages entries.  The table sends nothing: what
 * is due (a request, held packets to send or to fail) it hands back in a
 * struct neigh_act, and its caller acts (resolve.c, arp.c, nd.c).
 */
#ifndef SLUICE_NEIGH_H
#define SLUICE_NEIGH_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "dp.h"

#define NEIGH_MAX		16384	/* table bound */
#define NEIGH_HOLD_MAX		8	/* packets held per unresolved next hop */
/* Packets held over all next hops at most: an eighth of the pool. */
uint32_t neigh_held_max(void);
/* Packets held now, over all next hops. */
uint32_t neigh_held_total(void);
#define NEIGH_RETRIES		3	/* requests before giving up */

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

/* Worker: the same for IPv6 next hops. */
uint64_t neigh6_lookup_bulk(const uint16_t *port, const uint8_t (*ip)[16],
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

/* Control lcore: the position of (port, ip)'s entry (IPv4, IPv6), or -1. */
int32_t neigh_position(uint16_t port, uint32_t ip);
int32_t neigh6_position(uint16_t port, const uint8_t *ip);

/* IPv4 addresses (host order) in the table's 16-byte form, ::ffff:a.b.c.d. */
static inline void
neigh_v4_mapped(uint32_t ip, uint8_t *a)
{
	static const uint8_t pfx[12] = { [10] = 0xff, [11] = 0xff };
	uint32_t be = rte_cpu_to_be_32(ip);

	memcpy(a, pfx, sizeof(pfx));
	memcpy(a + 12, &be, 4);
}

static inline bool
neigh_is_v4(const uint8_t *a)
{
	static const uint8_t pfx[12] = { [10] = 0xff, [11] = 0xff };

	return memcmp(a, pfx, sizeof(pfx)) == 0;
}

static inline uint32_t
neigh_v4_of(const uint8_t *a)
{
	uint32_t be;

	memcpy(&be, a + 12, 4);
	return rte_be_to_cpu_32(be);
}

/*
 * What the table hands back for its caller to do (control lcore).  Bits of
 * what, for the neighbour a on port: ASK, a request to the broadcast or
 * solicited-node address; PROBE, a unicast one to mac; SEND, pkts (data at
 * their IP headers) are resolved to mac; FAIL, pkts never will be (host or
 * address unreachable).  The caller owns pkts.
 */
enum {
	NEIGH_ACT_ASK = 1,
	NEIGH_ACT_PROBE = 2,
	NEIGH_ACT_SEND = 4,
	NEIGH_ACT_FAIL = 8,
};
struct neigh_act {
	uint8_t what;			/* NEIGH_ACT_*; 0: nothing to do */
	uint8_t n;			/* pkts */
	uint16_t port;
	uint8_t a[16];			/* IPv6, or IPv4-mapped */
	struct rte_ether_addr mac;
	struct rte_mbuf *pkts[NEIGH_HOLD_MAX + 1];
};

/*
 * Control lcore: m (data at its IP header) waits for a on port.  0 when
 * the table took m: held, or in act (SEND) when a is resolved already;
 * act says whether to ask (a new entry).  -ENOBUFS (holding
 * NEIGH_HOLD_MAX already) or -ENOSPC (table full): m is the caller's.
 */
int neigh_hold(uint16_t port, const uint8_t *a, struct rte_mbuf *m, struct neigh_act *act);

/*
 * Control lcore: age the table at now (TSC cycles): states move on,
 * entries go, grace periods end; what is due (requests, retries, held
 * packets failed or released) fills acts.  Returns how many; a pass may
 * take several calls: call again while it returns max.
 */
unsigned int neigh_age(uint64_t now, struct neigh_act *acts, unsigned int max);

/* Management (netlink).  Return 0 or -errno.  Packets held for an entry
 * an add resolves go with the next neigh_age. */
int neigh_add(uint16_t port, uint32_t ip, const struct rte_ether_addr *mac,
	      bool permanent, uint16_t nl_flags);
int neigh_del(uint16_t port, uint32_t ip);
int neigh6_add(uint16_t port, const uint8_t *ip, const struct rte_ether_addr *mac,
	       bool permanent, uint16_t nl_flags);
int neigh6_del(uint16_t port, const uint8_t *ip);
void neigh_flush(uint16_t port);		/* learned entries; DP_NO_PORT = all */
void neigh_flush_family(uint16_t port, uint8_t family);	/* the same, AF_UNSPEC: both */
void neigh_flush_port_all(uint16_t port);	/* every entry: port going away */

/* For the ARP and ND stages (control lcore).  act: held packets the
 * change released (SEND). */
/* An ARP frame showed ip at mac on port: update the entry (never a
 * permanent one) and, when create, make it.  -ENOSPC when the table is full. */
int neigh_learn(uint16_t port, uint32_t ip, const struct rte_ether_addr *mac, bool create,
		struct neigh_act *act);
/* The same from neighbour discovery (nd.c). */
int neigh6_learn(uint16_t port, const uint8_t *ip, const struct rte_ether_addr *mac, bool create,
		 struct neigh_act *act);
/* The entry's NUD_* state (NUD_NONE: none) and MAC. */
uint16_t neigh6_state(uint16_t port, const uint8_t *ip, struct rte_ether_addr *mac);
/* An advertisement without S, or with O and another MAC: the entry takes
 * mac and goes STALE (RFC 4861 7.2.5, 7.2.6). */
void neigh6_stale(uint16_t port, const uint8_t *ip, const struct rte_ether_addr *mac,
		  struct neigh_act *act);

struct neigh_info {
	uint16_t port;
	uint8_t family;		/* AF_INET, AF_INET6 */
	uint32_t ip;		/* AF_INET: host order */
	uint8_t a[16];		/* AF_INET6: the address (AF_INET: IPv4-mapped) */
	struct rte_ether_addr mac;
	uint16_t state;		/* NUD_* */
};
/* Every entry by (port, address; IPv4 first); stops when cb returns non-zero and returns that. */
int neigh_walk(int (*cb)(const struct neigh_info *n, void *arg), void *arg);
/* The same from *pos on (zeroed: the beginning); when cb returns non-zero,
 * *pos is the entry it refused, where the next call starts. */
struct neigh_pos {
	uint16_t port;
	uint8_t a[16];
};
int neigh_walk_from(struct neigh_pos *pos, int (*cb)(const struct neigh_info *n, void *arg),
		    void *arg);

#endif
