/* SPDX-License-Identifier: BSD-3-Clause */
/* The route lists both families keep (rt_table.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_rcu_qsbr.h>

#include "rt_nl.h"
#include "rt_table.h"

int
rt_table_init(struct rt_table *t, const struct rt_family *fam, const char *name, uint32_t max,
	      uint32_t nh_key_len, bool (*same)(const void *p, const void *key))
{
	char pfx_name[32], nh_name[32];

	snprintf(pfx_name, sizeof(pfx_name), "%s_pfx", name);
	snprintf(nh_name, sizeof(nh_name), "%s_nh", name);
	if (rt_nh_init(&t->nhp, nh_name, nh_key_len) != 0)
		return -ENOMEM;
	if (rt_pfx_init(&t->pfx, pfx_name, max, same) != 0) {
		rt_nh_free(&t->nhp);
		return -ENOMEM;
	}
	t->fam = fam;
	t->max_total = max;
	t->n_total = 0;
	t->n_visible = 0;
	/* Never back to a value a gateway's cached answer may carry. */
	t->gw_gen++;
	t->fib_dirty = false;
	return 0;
}

static inline int
rt_rank(const struct rt_ent *e)
{
	return rt_local(e->type) ? 0 : 1;
}

/* Is a better than b for the FIB? */
static inline bool
rt_better(const struct rt_ent *a, const struct rt_ent *b)
{
	if (rt_rank(a) != rt_rank(b))
		return rt_rank(a) < rt_rank(b);
	return a->metric < b->metric;
}

static void
list_insert(struct rt_ent **pp, struct rt_ent *e)
{
	while (*pp != NULL && !rt_better(e, *pp))
		pp = &(*pp)->next;
	e->next = *pp;
	*pp = e;
}

static void
counts(struct rt_table *t, const struct rt_ent *e, int d)
{
	t->n_total += d;
	if (!rt_local(e->type))
		t->n_visible += d;
	if (e->connected)
		t->gw_gen++;
}

/* A prefix nobody routes yet: into the FIB, then the prefix hash. */
static int
add_prefix(struct rt_table *t, uint64_t h, struct rt_ent *e)
{
	int ret = t->fam->fib_set(e, e->nh, true);

	if (ret == 0) {
		ret = rt_pfx_add(&t->pfx, h, e);
		if (unlikely(ret != 0))
			t->fam->fib_unset(e);
	}
	return ret == -ENOMEM ? -ENOSPC : ret;
}

int
rt_table_add(struct rt_table *t, struct rt_ent **hp, uint64_t h, const struct rt_ent *want,
	     uint16_t nl_flags)
{
	const struct rt_family *f = t->fam;
	struct rt_ent *e, *old = NULL;
	uint32_t old_head_nh = 0;
	int nh, ret;

	if (hp != NULL) {
		old_head_nh = rt_fib_nh(*hp);
		for (e = *hp; e != NULL; e = e->next)
			if (e->metric == want->metric && rt_local(e->type) == rt_local(want->type)) {
				old = e;
				break;
			}
	}
	ret = rt_nl_add_allowed(old != NULL, nl_flags);
	if (ret != 0)
		return ret;
	if (old == NULL && t->n_total >= t->max_total)
		return -ENOSPC;
	nh = f->nh_get(want);
	if (nh < 0)
		return nh;

	if (old != NULL) {
		/* Same metric, same place in the list. */
		struct rt_ent *next = old->next;
		uint32_t prev_nh = old->nh;

		counts(t, old, -1);
		memcpy(old, want, f->ent_size);
		old->next = next;
		old->nh = (uint32_t)nh;
		counts(t, old, 1);
		if (rt_fib_nh(*hp) != old_head_nh)
			f->fib_set(*hp, rt_fib_nh(*hp), false);
		f->nh_put(prev_nh);
		return 0;
	}

	e = f->alloc();
	if (e == NULL) {
		f->nh_put((uint32_t)nh);
		return -ENOMEM;
	}
	memcpy(e, want, f->ent_size);
	e->nh = (uint32_t)nh;
	e->next = NULL;
	if (hp == NULL) {
		ret = add_prefix(t, h, e);
		if (ret != 0) {
			f->free(e);
			f->nh_put((uint32_t)nh);
			return ret;
		}
	} else {
		list_insert(hp, e);
		/* The FIB changes an existing prefix in place: it cannot fail. */
		if (rt_fib_nh(*hp) != old_head_nh)
			f->fib_set(*hp, rt_fib_nh(*hp), false);
	}
	counts(t, e, 1);
	return 0;
}

int
rt_table_remove(struct rt_table *t, struct rt_ent **hp,
		bool (*gone)(const struct rt_ent *e, const void *arg), const void *arg, bool once)
{
	const struct rt_family *f = t->fam;
	struct rt_ent **pp = hp, *e, *dead = NULL, **dead_tail = &dead;
	uint32_t old_head_nh = rt_fib_nh(*hp);
	int k = 0;

	while ((e = *pp) != NULL) {
		if (gone(e, arg)) {
			*pp = e->next;
			e->next = NULL;
			*dead_tail = e;
			dead_tail = &e->next;
			k++;
			if (once)
				break;
		} else {
			pp = &e->next;
		}
	}
	if (k == 0)
		return 0;
	if (*hp == NULL) {
		/* dead's routes still name the prefix. */
		if (f->fib_unset(dead) != 0) {
			*hp = dead;
			return -ENOSPC;
		}
		rt_pfx_del_at(&t->pfx, (void **)hp);
	} else if (rt_fib_nh(*hp) != old_head_nh) {
		f->fib_set(*hp, rt_fib_nh(*hp), false);
	}
	while ((e = dead) != NULL) {
		dead = e->next;
		counts(t, e, -1);
		f->nh_put(e->nh);
		f->free(e);
	}
	return k;
}

/*
 * cb(where, arg) for every prefix, where its first route is kept; cb may
 * remove that prefix.  The prefixes come from the family's rib, a step a
 * prefix; the hash's own walk (rt_pfx_each) takes a step a slot, four for
 * each route the table has room for (milliseconds for a table sized for
 * a million that holds ten), and serves only when there is no memory for
 * the list.  A head is freed only by the removal of its own prefix, so
 * the list holds while cb removes others.
 */
static void
each_prefix(struct rt_table *t, void (*cb)(void **where, void *arg), void *arg)
{
	struct rt_ent **v = malloc(((size_t)t->pfx.n + 1) * sizeof(*v));
	uint32_t n;

	if (v == NULL) {
		rt_pfx_each(&t->pfx, cb, arg);
		return;
	}
	n = t->fam->heads(v, t->pfx.n + 1);
	for (uint32_t i = 0; i < n; i++) {
		struct rt_ent **hp = t->fam->find(v[i]);

		if (hp != NULL)
			cb((void **)hp, arg);
	}
	free(v);
}

struct flush {
	struct rt_table *t;
	bool (*gone)(const struct rt_ent *e, const void *arg);
	const void *arg;
};

static void
flush_cb(void **where, void *arg)
{
	const struct flush *f = arg;

	rt_table_remove(f->t, (struct rt_ent **)where, f->gone, f->arg, false);
}

void
rt_table_flush(struct rt_table *t, bool (*gone)(const struct rt_ent *e, const void *arg),
	       const void *arg)
{
	struct flush f = { .t = t, .gone = gone, .arg = arg };

	each_prefix(t, flush_cb, &f);
}

bool
rt_ent_match(const struct rt_ent *e, const struct rt_ent *want, const struct route_match *m)
{
	if (m->type ? e->type != want->type : rt_local(e->type))
		return false;
	if (m->metric && e->metric != want->metric)
		return false;
	if (m->port && e->port != want->port)
		return false;
	if (m->protocol && e->protocol != want->protocol)
		return false;
	return true;
}

bool
rt_ent_on_port(const struct rt_ent *e, const void *arg)
{
	return e->port == *(const uint16_t *)arg;
}

struct port_state {
	struct rt_table *t;
	uint16_t port;
};

/* A prefix with a route through the port: the FIB follows its state. */
static void
port_state_cb(void **where, void *arg)
{
	const struct rt_ent *head = *where;
	const struct port_state *s = arg;
	uint32_t was, now;

	if (head->next == NULL)
		return;
	was = rt_fib_ent(head, s->port)->nh;
	now = rt_fib_nh(head);
	if (now != was)
		s->t->fam->fib_set(head, now, false);
}

void
rt_table_port_state(struct rt_table *t, uint16_t port)
{
	struct port_state s = { .t = t, .port = port };

	each_prefix(t, port_state_cb, &s);
}

int
rt_list_connected_port(const struct rt_ent *head, uint16_t want)
{
	for (const struct rt_ent *e = head; e != NULL; e = e->next)
		if (e->connected && (want == DP_NO_PORT || e->port == want))
			return e->port;
	return -ENETUNREACH;
}

int
rt_list_walk(const struct rt_ent *head, uint32_t from_metric,
	     int (*cb)(const struct rt_ent *e, void *arg), void *arg)
{
	for (const struct rt_ent *e = head; e != NULL; e = e->next) {
		int ret;

		if (rt_local(e->type) || e->metric < from_metric)
			continue;
		ret = cb(e, arg);
		if (ret != 0)
			return ret;
	}
	return 0;
}

void
rt_table_sync(struct rt_table *t)
{
	if (!t->fib_dirty && !rt_nh_pending(&t->nhp))
		return;
	rte_rcu_qsbr_synchronize(dp.qsbr, RTE_QSBR_THRID_INVALID);
	t->fib_dirty = false;
	rt_nh_recycle(&t->nhp);
}
