/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NAT's cuckoo tables, writer side (see nat_table.h): sizing, inserts
 * with breadth-first displacement, deletes, and the keyed table's lookups.
 */
#include <errno.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_pause.h>
#include <rte_random.h>

#include "nat_table.h"
#ifdef __SSE4_1__
#include <smmintrin.h>
#endif

/* Nodes of the breadth-first search for a free slot: at the keyed
 * table's 95 % load a free slot is almost always a few moves away; 512
 * nodes reach 3 levels whole (2 + 16 + 128 + ...). */
#define NT_BFS	512

int
nt_create(struct nat_ht *t, uint32_t keys, bool keyed, int socket)
{
	size_t bsz = keyed ? sizeof(struct nt_kbucket) : sizeof(struct nt_fbucket);
	/* load % of NT_WAYS slots per bucket; a few more so that a tiny
	 * table is never short of paths. */
	uint64_t load = keyed ? NT_LOAD_KEYED : NT_LOAD_FLOWS;
	uint64_t nb = ((uint64_t)keys * 100 + NT_WAYS * load - 1) / (NT_WAYS * load) + 4;

	memset(t, 0, sizeof(*t));
	t->nb = (uint32_t)nb;
	t->keyed = keyed;
	t->seed = rte_rand();
	t->bytes = bsz * nb;
	t->fb = rte_zmalloc_socket("nat_ht", t->bytes, RTE_CACHE_LINE_SIZE, socket);
	return t->fb == NULL ? -ENOMEM : 0;
}

void
nt_destroy(struct nat_ht *t)
{
	rte_free(t->fb);
	t->fb = NULL;
}

static inline uint64_t *
word(const struct nat_ht *t, uint32_t b, unsigned int j)
{
	return t->keyed ? &t->kb[b].k[j] : &t->fb[b].e[j];
}

/* The g (high half of the hash, ranged) of what word w of t holds. */
static inline uint32_t
word_g(const struct nat_ht *t, uint64_t w)
{
	uint64_t h = t->keyed ? nt_key_hash(t, w) : w;

	return nt_range((uint32_t)(h >> 32), t->nb);
}

/* The words of w[0..NT_WAYS) (a bucket's, 16-byte aligned) equal to x:
 * bits 2j and 2j + 1 for word j (so its slot is ctz / 2).  With SSE the
 * four compares are packed into one byte mask: one movemask instead of
 * four, and no shifts to join them. */
static inline uint32_t
words_eq2(const uint64_t *w, uint64_t x)
{
#ifdef __SSE4_1__
	const __m128i *k = (const __m128i *)w;
	__m128i v = _mm_set1_epi64x((long long)x);
	__m128i c01 = _mm_packs_epi32(_mm_cmpeq_epi64(_mm_load_si128(&k[0]), v),
				      _mm_cmpeq_epi64(_mm_load_si128(&k[1]), v));
	__m128i c23 = _mm_packs_epi32(_mm_cmpeq_epi64(_mm_load_si128(&k[2]), v),
				      _mm_cmpeq_epi64(_mm_load_si128(&k[3]), v));

	RTE_BUILD_BUG_ON(NT_WAYS != 8);
	return (uint32_t)_mm_movemask_epi8(_mm_packs_epi16(c01, c23));
#else
	uint32_t m = 0;

	for (unsigned int j = 0; j < NT_WAYS; j++)
		if (__atomic_load_n(&w[j], __ATOMIC_ACQUIRE) == x)
			m |= 3u << (2 * j);
	return m;
#endif
}

/* The slots of keyed bucket b holding key, as words_eq2 gives them. */
static inline uint32_t
key_mask2(const struct nat_ht *t, uint32_t b, uint64_t key)
{
	return words_eq2(t->kb[b].k, key);
}

static inline int
free_slot(const struct nat_ht *t, uint32_t b)
{
	uint32_t m = words_eq2(word(t, b, 0), 0);

	return m == 0 ? -1 : __builtin_ctz(m) / 2;
}

/* Publish w (and its data) in an empty slot. */
static inline void
place(struct nat_ht *t, uint32_t b, unsigned int j, uint64_t w, uint64_t d)
{
	if (t->keyed)
		t->kb[b].d[j] = d;
	__atomic_store_n(word(t, b, j), w, __ATOMIC_RELEASE);
}

/* Move slot (fb, fj) to the empty slot (tb, tj): the new place first,
 * then chg, then the old place cleared (see nat_table.h). */
static void
move(struct nat_ht *t, uint32_t fb, unsigned int fj, uint32_t tb, unsigned int tj)
{
	uint64_t *from = word(t, fb, fj);

	place(t, tb, tj, *from, t->keyed ? t->kb[fb].d[fj] : 0);
	__atomic_store_n(&t->chg, t->chg + 2, __ATOMIC_RELEASE);
	/* The clear must not be seen before the new chg. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(from, 0, __ATOMIC_RELEASE);
}

struct bfs_node {
	uint32_t b;
	int16_t parent;		/* -1: one of the key's own buckets */
	uint8_t slot;		/* parent's slot whose key came here */
};

static bool
on_path(const struct bfs_node *q, int n, uint32_t b)
{
	for (; n >= 0; n = q[n].parent)
		if (q[n].b == b)
			return true;
	return false;
}

/* w (and d) into bucket b1 or b2, both full: displacing others along a
 * path.  Apart from insert, whose every call would otherwise pay for
 * this one's frame (the stack probes of its 4 KB queue). */
static __rte_noinline int
insert_path(struct nat_ht *t, uint32_t b1, uint32_t b2, uint64_t w, uint64_t d)
{
	struct bfs_node q[NT_BFS];
	int j, n = 2;

	q[0] = (struct bfs_node){ .b = b1, .parent = -1 };
	q[1] = (struct bfs_node){ .b = b2, .parent = -1 };
	for (int head = 0; head < n; head++) {
		uint32_t alt[NT_WAYS];

		/* The eight keys' other buckets, fetched at once: in a big
		 * table each is a miss, which one after the other would
		 * cost up to eight memory latencies instead of about one. */
		for (unsigned int s = 0; s < NT_WAYS; s++) {
			alt[s] = nt_alt(word_g(t, *word(t, q[head].b, s)), q[head].b, t->nb);
			rte_prefetch0(word(t, alt[s], 0));
		}
		for (unsigned int s = 0; s < NT_WAYS; s++) {
			uint32_t a = alt[s];
			unsigned int fs;
			int cur;

			if (on_path(q, head, a))
				continue;
			if ((j = free_slot(t, a)) < 0) {
				if (n < NT_BFS)
					q[n++] = (struct bfs_node){ .b = a, .parent = (int16_t)head,
								    .slot = (uint8_t)s };
				continue;
			}
			/* Found: shift the path along from its far end, each
			 * key into the slot the previous move freed. */
			move(t, q[head].b, s, a, (unsigned int)j);
			fs = s;
			for (cur = head; q[cur].parent >= 0; cur = q[cur].parent) {
				move(t, q[q[cur].parent].b, q[cur].slot, q[cur].b, fs);
				fs = q[cur].slot;
			}
			place(t, q[cur].b, fs, w, d);
			return 0;
		}
	}
	return -ENOSPC;
}

/* place() into a free slot of bucket b, if it has one, for a table known
 * to be keyed or not (no test of t->keyed). */
static __rte_always_inline bool
place_free(struct nat_ht *t, uint32_t b, uint64_t w, uint64_t d, const bool keyed)
{
	uint64_t *k = keyed ? t->kb[b].k : t->fb[b].e;
	uint32_t m = words_eq2(k, 0);
	unsigned int j;

	if (m == 0)
		return false;
	j = (unsigned int)__builtin_ctz(m) / 2;
	if (keyed)
		t->kb[b].d[j] = d;
	__atomic_store_n(&k[j], w, __ATOMIC_RELEASE);
	return true;
}

/* w (and d) into bucket b1 or b2, displacing others when both are full. */
static __rte_always_inline int
insert(struct nat_ht *t, uint32_t b1, uint32_t b2, uint64_t w, uint64_t d, const bool keyed)
{
	if (likely(place_free(t, b1, w, d, keyed)) || place_free(t, b2, w, d, keyed))
		return 0;
	return insert_path(t, b1, b2, w, d);
}

/* ---- flows ---- */

int
nt_flow_add(struct nat_ht *t, const uint32_t b[2], uint64_t h, uint32_t v)
{
	return insert(t, b[0], b[1], (h & ~UINT64_C(0xffffffff)) | v, 0, false);
}

/* Where value v of hash h is: i * NT_WAYS + slot in its bucket i (0 the
 * first, 1 the second), or -1; *s the slot's word. */
static int
flow_find(const struct nat_ht *t, uint64_t h, uint32_t v, uint64_t **s)
{
	uint64_t w = (h & ~UINT64_C(0xffffffff)) | v;
	uint32_t b[2];

	nt_buckets(t, h, &b[0], &b[1]);
	for (unsigned int i = 0; i < 2 * NT_WAYS; i++) {
		*s = word(t, b[i / NT_WAYS], i % NT_WAYS);
		if (**s == w)
			return (int)i;
	}
	return -1;
}

void
nt_flow_del(struct nat_ht *t, uint64_t h, uint32_t v)
{
	uint64_t *s;

	if (flow_find(t, h, v, &s) >= 0)
		__atomic_store_n(s, 0, __ATOMIC_RELEASE);
}

int
nt_flow_bucket(const struct nat_ht *t, uint64_t h, uint32_t v)
{
	uint64_t *s;
	int i = flow_find(t, h, v, &s);

	return i < 0 ? -1 : i / NT_WAYS;
}

/* ---- keyed ---- */

void
nt_begin(struct nat_ht *t)
{
	__atomic_store_n(&t->chg, t->chg + 1, __ATOMIC_RELAXED);
	/* Nothing written after this may be seen before the odd chg. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

void
nt_end(struct nat_ht *t)
{
	__atomic_store_n(&t->chg, t->chg + 1, __ATOMIC_RELEASE);
}

/* Where key, of buckets bb, is in t (a slot of bucket *b), or -1. */
static inline int
find_in(const struct nat_ht *t, uint64_t key, const uint32_t bb[2], uint32_t *b)
{
	for (unsigned int i = 0; i < 2; i++) {
		uint32_t m = key_mask2(t, bb[i], key);

		if (m != 0) {
			*b = bb[i];
			return __builtin_ctz(m) / 2;
		}
	}
	return -1;
}

static inline int
find(const struct nat_ht *t, uint64_t key, uint32_t *b)
{
	uint32_t bb[2];

	nt_key_buckets(t, key, bb);
	return find_in(t, key, bb, b);
}

int
nt_keyed_add(struct nat_ht *t, const uint32_t b[2], uint64_t key, uint64_t data)
{
	return insert(t, b[0], b[1], key, data, true);
}

void
nt_keyed_del(struct nat_ht *t, uint64_t key)
{
	uint32_t b;
	int j = find(t, key, &b);

	if (j >= 0)
		__atomic_store_n(&t->kb[b].k[j], 0, __ATOMIC_RELEASE);
}

uint64_t *
nt_keyed_data(struct nat_ht *t, uint64_t key, const uint32_t bb[2])
{
	uint32_t b;
	int j = find_in(t, key, bb, &b);

	return j < 0 ? NULL : &t->kb[b].d[j];
}

bool
nt_keyed_has(const struct nat_ht *t, uint64_t key, const uint32_t bb[2])
{
	uint32_t b;

	return find_in(t, key, bb, &b) >= 0;
}

int
nt_keyed_get(const struct nat_ht *t, uint64_t key, uint64_t *data)
{
	uint32_t b;
	int j = find(t, key, &b);

	if (j < 0)
		return -ENOENT;
	*data = __atomic_load_n(&t->kb[b].d[j], __ATOMIC_RELAXED);
	return 0;
}

/* Writers hold the table for a few hundred nanoseconds at a time: a
 * reader that loses this many races in a row gives up to the lock. */
#define LF_TRIES	16

int
nt_keyed_get_lf(const struct nat_ht *t, uint64_t key, uint64_t *data)
{
	for (unsigned int i = 0; i < LF_TRIES; i++) {
		uint32_t c = nt_chg(t);
		int ret;

		if (c & 1) {
			rte_pause();
			continue;
		}
		ret = nt_keyed_get(t, key, data);
		if (!nt_moved(t, c))
			return ret;
	}
	return -EBUSY;
}
