/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The pieces each datagram has given (frag_seen.h), in a table mapped
 * directly by the datagram's key: no chains, no deletes, a slot taken by
 * the latest datagram whose key falls on it.
 */
#include <string.h>

#include <rte_common.h>
#include <rte_hash_crc.h>
#include <rte_ip_frag.h>
#include <rte_malloc.h>

#include "frag_seen.h"

#define FRAG_SEEN_SLOTS		1024	/* a power of 2 */

struct frag_seen {
	struct frag_key k;
	uint64_t since;			/* TSC at its first piece */
	bool live;			/* false: free */
	uint8_t n;			/* pieces in piece[] */
	struct {
		uint16_t off, len;
	} piece[RTE_LIBRTE_IP_FRAG_MAX_FRAG];
} __rte_cache_aligned;

struct frag_seen_tbl {
	uint64_t ttl;
	struct frag_seen slot[FRAG_SEEN_SLOTS];
};

struct frag_seen_tbl *
frag_seen_create(int socket, uint64_t ttl)
{
	struct frag_seen_tbl *t = rte_zmalloc_socket("frag_seen", sizeof(*t),
						     RTE_CACHE_LINE_SIZE, socket);

	if (t != NULL)
		t->ttl = ttl;
	return t;
}

static struct frag_seen *
slot_of(struct frag_seen_tbl *t, const struct frag_key *k)
{
	return &t->slot[rte_hash_crc(k, sizeof(*k), 0) & (FRAG_SEEN_SLOTS - 1)];
}

static bool
slot_is(const struct frag_seen_tbl *t, const struct frag_seen *s, const struct frag_key *k,
	uint64_t now)
{
	return s->live && now - s->since < t->ttl && memcmp(&s->k, k, sizeof(*k)) == 0;
}

bool
frag_seen_copy(struct frag_seen_tbl *t, const struct frag_key *k, uint16_t off, uint16_t len,
	       uint64_t now)
{
	struct frag_seen *s = slot_of(t, k);

	if (!slot_is(t, s, k, now)) {
		s->k = *k;
		s->since = now;
		s->live = true;
		s->n = 0;
	}
	for (unsigned int i = 0; i < s->n; i++)
		if (s->piece[i].off == off && s->piece[i].len == len)
			return true;
	/* More pieces than rte_ip_frag holds kill the datagram anyway. */
	if (s->n < RTE_DIM(s->piece)) {
		s->piece[s->n].off = off;
		s->piece[s->n].len = len;
		s->n++;
	}
	return false;
}

void
frag_seen_done(struct frag_seen_tbl *t, const struct frag_key *k)
{
	struct frag_seen *s = slot_of(t, k);

	if (s->live && memcmp(&s->k, k, sizeof(*k)) == 0)
		s->live = false;
}
