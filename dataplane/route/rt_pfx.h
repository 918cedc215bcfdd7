/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The prefixes of a route table by (address, length), for route.c and
 * route6.c: an open-addressing hash on the control lcore that finds a
 * prefix's route list in one or two cache misses, where a descent of the
 * FIB's rib (a trie of a million nodes) takes twenty.  A bulk load asks it
 * once per route instead of descending the rib twice.
 *
 * The table holds the caller's pointer (the prefix's first route) and the
 * key's 64-bit hash; the caller's same() says whether a pointer is the
 * key's, so that two keys with one hash stay apart.
 */
#ifndef SLUICE_RT_PFX_H
#define SLUICE_RT_PFX_H

#include <stdbool.h>
#include <stdint.h>

struct rt_pfx_slot {
	uint64_t h;
	void *p;		/* NULL: empty */
};

struct rt_pfx {
	struct rt_pfx_slot *s;
	uint64_t mask;		/* slots - 1, a power of two */
	uint32_t n, max;
	bool (*same)(const void *p, const void *key);
};

/* Room for max prefixes at most half full; 0 or -ENOMEM. */
int rt_pfx_init(struct rt_pfx *t, const char *name, uint32_t max,
		bool (*same)(const void *p, const void *key));
void rt_pfx_free(struct rt_pfx *t);

/* Where the key's pointer is kept (read or rewrite it there), NULL when
 * the key is absent.  Valid until the next rt_pfx_del or rt_pfx_del_at. */
void **rt_pfx_find(const struct rt_pfx *t, uint64_t h, const void *key);
/* Add an absent key's pointer: 0, or -ENOSPC when max are held. */
int rt_pfx_add(struct rt_pfx *t, uint64_t h, void *p);
void rt_pfx_del(struct rt_pfx *t, uint64_t h, const void *key);
/* Delete the key kept at where (what rt_pfx_find gave for it). */
void rt_pfx_del_at(struct rt_pfx *t, void **where);
/* cb(where, arg) for every prefix held, in no order, *where its pointer.
 * cb may delete that prefix (rt_pfx_del_at(t, where)), no other, and add
 * none; a delete may move a prefix already given into a slot still to
 * come, which gives it twice. */
void rt_pfx_each(struct rt_pfx *t, void (*cb)(void **where, void *arg), void *arg);

/* The hash of a prefix given as two 64-bit halves (IPv4: hi 0) and a length. */
static inline uint64_t
rt_pfx_hash(uint64_t hi, uint64_t lo, uint8_t plen)
{
	uint64_t h = (hi * 0x9e3779b97f4a7c15ull) ^ (lo + plen) * 0xc2b2ae3d27d4eb4full;

	/* murmur3's finaliser: every input bit reaches the low bits. */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 33);
}

#endif
