/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The prefix hash (rt_pfx.h): linear probing, at most half full, deletion
 * by shifting the run back (no tombstones, so a table that churns stays as
 * fast as a fresh one).  Its slots come from the DPDK heap, beside the FIB
 * it indexes, so that the heap figures count it.
 */
#include <errno.h>
#include <stddef.h>

#include <rte_common.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "rt_pfx.h"

int
rt_pfx_init(struct rt_pfx *t, const char *name, uint32_t max,
	    bool (*same)(const void *p, const void *key))
{
	uint64_t slots = rte_align64pow2(2ull * max + 2);

	t->s = rte_zmalloc_socket(name, slots * sizeof(*t->s), RTE_CACHE_LINE_SIZE,
				  (int)rte_socket_id());
	if (t->s == NULL)
		return -ENOMEM;
	t->mask = slots - 1;
	t->n = 0;
	t->max = max;
	t->same = same;
	return 0;
}

void
rt_pfx_free(struct rt_pfx *t)
{
	rte_free(t->s);
	t->s = NULL;
	t->n = 0;
}

void **
rt_pfx_find(const struct rt_pfx *t, uint64_t h, const void *key)
{
	for (uint64_t i = h & t->mask;; i = (i + 1) & t->mask) {
		struct rt_pfx_slot *s = &t->s[i];

		if (s->p == NULL)
			return NULL;
		if (s->h == h && t->same(s->p, key))
			return &s->p;
	}
}

int
rt_pfx_add(struct rt_pfx *t, uint64_t h, void *p)
{
	uint64_t i;

	if (t->n >= t->max)
		return -ENOSPC;
	for (i = h & t->mask; t->s[i].p != NULL; i = (i + 1) & t->mask)
		;
	t->s[i] = (struct rt_pfx_slot){ .h = h, .p = p };
	t->n++;
	return 0;
}

void
rt_pfx_del(struct rt_pfx *t, uint64_t h, const void *key)
{
	void **pp = rt_pfx_find(t, h, key);

	if (pp != NULL)
		rt_pfx_del_at(t, pp);
}

void
rt_pfx_del_at(struct rt_pfx *t, void **where)
{
	uint64_t i, j, k;

	i = (uint64_t)(container_of(where, struct rt_pfx_slot, p) - t->s);
	/* Move back every later slot of the run whose home is not between
	 * the hole and it, so that no probe meets the hole before its key. */
	for (j = (i + 1) & t->mask; t->s[j].p != NULL; j = (j + 1) & t->mask) {
		k = t->s[j].h & t->mask;
		if (i <= j ? (k > i && k <= j) : (k > i || k <= j))
			continue;
		t->s[i] = t->s[j];
		i = j;
	}
	t->s[i] = (struct rt_pfx_slot){ 0 };
	t->n--;
}

void
rt_pfx_each(struct rt_pfx *t, void (*cb)(void **where, void *arg), void *arg)
{
	for (uint64_t i = 0; i <= t->mask; i++) {
		uint32_t n;

		/* A delete refills slot i from further on in its run (never a
		 * slot before i from one after it): slot i again. */
		do {
			n = t->n;
			if (t->s[i].p == NULL)
				break;
			cb(&t->s[i].p, arg);
		} while (t->n != n);
	}
}
