/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The next-hop indexes of a route table, for both families: a FIB entry is
 * an index into the family's next-hop array (nexthops[], nexthops6[]);
 * equal next hops (the key the family builds of type, port and gateway)
 * share one index, counted by the routes using it.  An index nobody uses
 * is given out again only after an RCU grace period, because a worker may
 * have read it from the FIB just before the last route using it went.
 */
#ifndef SLUICE_RT_NH_H
#define SLUICE_RT_NH_H

#include <stdbool.h>
#include <stdint.h>

#define RT_NH_MAX 65536

struct rte_hash;

struct rt_nh_pool {
	struct rte_hash *hash;		/* key -> index */
	uint32_t nfree, npending;
	uint32_t ref[RT_NH_MAX];
	uint32_t free[RT_NH_MAX];	/* stack of unused indexes */
	uint32_t pending[RT_NH_MAX];	/* unused, waiting for a grace period */
	struct {			/* the last key found: a bulk load names */
		uint32_t i;		/* the same few gateways again and again */
		uint8_t key[24];
	} last;
	uint32_t key_len;
};

int rt_nh_init(struct rt_nh_pool *p, const char *name, uint32_t key_len);

void rt_nh_free(struct rt_nh_pool *p);

/*
 * One more reference to key's index: >= 1, or -ENOSPC.  *fresh says the
 * index is new: the caller fills its array entry, then issues a release
 * fence before any FIB entry can name it.
 */
int rt_nh_get(struct rt_nh_pool *p, const void *key, bool *fresh);
/* One reference less to index i (whose key is key); 0 is nobody's. */
void rt_nh_put(struct rt_nh_pool *p, uint32_t i, const void *key);
/* The index of key, or -1. */
int rt_nh_find(const struct rt_nh_pool *p, const void *key);

static inline bool
rt_nh_pending(const struct rt_nh_pool *p)
{
	return p->npending > 0;
}

/* After a grace period: unused indexes may be given out again. */
void rt_nh_recycle(struct rt_nh_pool *p);

#endif
