/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A batch's runs of route changes, sent sorted by prefix, and its errors,
 * printed in line order (cli.h).
 *
 * Why sort: the dataplane's tables are tries (rte_rib, and rte_fib6's
 * trie above it) whose every change descends from the root several times.
 * A table given in random order, as bench/route-load's is, misses the
 * cache at most levels of each descent; given in prefix order, each
 * descent finds the previous one's path in the cache.  For 200 000 IPv6
 * prefixes the dataplane's work halves (docs/performance.md, workload 4).
 *
 * What may be sorted: a route added, replaced or deleted through a gateway,
 * and a blackhole.  Whether such a change succeeds depends on the routes
 * of its own prefix (their order is kept: the sort is stable) and on the
 * connected routes and addresses its gateway is checked against, never on
 * another prefix's gateway routes.  Any other line (a connected route, an
 * address, a show, a delete that may take a connected route) ends the run:
 * the run is sent before it, so each line still sees every earlier line
 * applied.  What does differ: forwarding sees the run's routes come and go
 * in prefix order, and when the table fills within a run, which of its
 * routes are refused.  Only a batch file is sorted (sluice.c): a stream's
 * lines are sent as they come.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define RUN_MAX		(1u << 18)	/* changes held before a run is sent */

struct staged {
	uint8_t key[18];		/* family, the prefix (16 bytes), its length */
	uint32_t line;
	uint32_t off;			/* in buf */
	uint32_t n;			/* order in the run: keeps the sort stable */
};

struct deferred {
	uint32_t line;
	char *msg;
};

struct cli_batch {
	char *buf;			/* the run's messages */
	size_t len, cap;
	struct staged *m;
	uint32_t n, cap_m;
	struct deferred *e;		/* errors not printed yet */
	uint32_t ne, cap_e;
};

int
batch_init(struct cli *c)
{
	c->batch = calloc(1, sizeof(*c->batch));
	return c->batch ? 0 : -ENOMEM;
}

void
batch_free(struct cli *c)
{
	struct cli_batch *b = c->batch;

	if (!b)
		return;
	for (uint32_t i = 0; i < b->ne; i++)
		free(b->e[i].msg);
	free(b->e);
	free(b->buf);
	free(b->m);
	free(b);
	c->batch = NULL;
}

static int
by_prefix(const void *x, const void *y)
{
	const struct staged *a = x, *b = y;
	int d = memcmp(a->key, b->key, sizeof(a->key));

	return d ? d : a->n < b->n ? -1 : a->n > b->n;
}

int
batch_flush(struct cli *c)
{
	struct cli_batch *b = c->batch;
	uint32_t i;

	if (!b || !b->n)
		return 0;
	qsort(b->m, b->n, sizeof(*b->m), by_prefix);
	for (i = 0; i < b->n; i++) {
		const struct nlmsghdr *nlh = (const void *)(b->buf + b->m[i].off);
		void *room = ctl_pipe_room(c->pipe);

		if (!room)
			break;
		memcpy(room, nlh, nlh->nlmsg_len);
		ctl_pipe_commit(c->pipe, room, b->m[i].line);
	}
	if (i < b->n)
		return CLI_FAIL;	/* the connection broke: the pipe says why */
	b->n = 0;
	b->len = 0;
	return 0;
}

bool
batch_pending(const struct cli *c)
{
	return c->batch && c->batch->n;
}

static bool
sortable(const struct ctl_route *r)
{
	if (r->type == RTN_BLACKHOLE)
		return true;
	return is6(r->family) ? !ip6_unspec(&r->gw6) : r->gw != 0;
}

/* 0: staged; 1: not sortable (commit it, after the run); -1: out of memory. */
int
batch_route(struct cli *c, const struct nlmsghdr *nlh, const struct ctl_route *r)
{
	struct cli_batch *b = c->batch;
	struct staged *s;

	if (!b || !sortable(r))
		return 1;
	if (b->n == b->cap_m) {
		uint32_t cap = b->cap_m ? 2 * b->cap_m : 4096;
		void *m = realloc(b->m, cap * sizeof(*b->m));

		if (!m)
			return -1;
		b->m = m;
		b->cap_m = cap;
	}
	if (b->len + NLMSG_ALIGN(nlh->nlmsg_len) > b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 1 << 20;
		char *buf = realloc(b->buf, cap);

		if (!buf)
			return -1;
		b->buf = buf;
		b->cap = cap;
	}
	s = &b->m[b->n];
	memset(s->key, 0, sizeof(s->key));
	s->key[0] = is6(r->family);
	if (is6(r->family)) {
		memcpy(s->key + 1, &r->dst6, 16);
	} else {
		s->key[1] = (uint8_t)(r->dst >> 24);
		s->key[2] = (uint8_t)(r->dst >> 16);
		s->key[3] = (uint8_t)(r->dst >> 8);
		s->key[4] = (uint8_t)r->dst;
	}
	s->key[17] = r->dst_len;
	s->line = c->line;
	s->off = (uint32_t)b->len;
	s->n = b->n++;
	/* Copied before a flush may reuse the pipe's room it was made in. */
	memcpy(b->buf + b->len, nlh, nlh->nlmsg_len);
	b->len += NLMSG_ALIGN(nlh->nlmsg_len);
	if (b->n == RUN_MAX)
		batch_flush(c);
	return 0;
}

void
batch_error(struct cli *c, uint32_t line, const char *msg)
{
	struct cli_batch *b = c->batch;
	char *copy;

	if (b && b->ne == b->cap_e) {
		uint32_t cap = b->cap_e ? 2 * b->cap_e : 64;
		void *e = realloc(b->e, cap * sizeof(*b->e));

		if (e) {
			b->e = e;
			b->cap_e = cap;
		}
	}
	if (!b || b->ne == b->cap_e || !(copy = strdup(msg))) {
		uint32_t cur = c->line;

		c->line = line;
		cli_error(c, "%s", msg);
		c->line = cur;
		return;
	}
	b->e[b->ne].line = line;
	b->e[b->ne++].msg = copy;
}

static int
by_line(const void *x, const void *y)
{
	const struct deferred *a = x, *b = y;

	return a->line < b->line ? -1 : a->line > b->line;
}

void
batch_errors(struct cli *c)
{
	struct cli_batch *b = c->batch;
	uint32_t cur = c->line;

	if (!b || !b->ne)
		return;
	/* Lines are unique to a request: no two errors tie. */
	qsort(b->e, b->ne, sizeof(*b->e), by_line);
	for (uint32_t i = 0; i < b->ne; i++) {
		c->line = b->e[i].line;
		cli_error(c, "%s", b->e[i].msg);
		free(b->e[i].msg);
	}
	b->ne = 0;
	c->line = cur;
}
