/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NAT's hash tables: bucketized cuckoo hashing (every key has two
 * candidate buckets of eight slots), written by one writer at a time
 * (nat_lock) and read lock-free by the workers.  Two kinds:
 *
 *   flows  a slot is one 64-bit word, sig << 32 | value, 0 when empty; a
 *          bucket is one cache line.  The key itself is not stored: sig
 *          is the high half of the key's hash, and the reader confirms a
 *          match against what the value names (the session, whose line it
 *          reads anyway) with plain compares.  A slot is published, moved
 *          and cleared by one 8-byte store: a reader never sees half of
 *          one.
 *   keyed  exact 64-bit keys (never 0) and a 64-bit data word each: a
 *          bucket is its eight keys, then their eight data words.
 *
 * Sizing: the buckets hold the keys asked for at NT_LOAD_FLOWS or
 * NT_LOAD_KEYED, counted exactly, never rounded up to a power of two.
 * The flows table's is low for its readers: an insert takes the first
 * bucket when it has room, so the keys left in their second are those
 * whose first drew more than eight, and each of their packets waits for
 * a second, later line: 13 % of the keys of a full table at 90 %, 4.4 %
 * at 70 %.  The keyed table, read only when a session is made, pays for
 * the flows table's room.  A key's first bucket is multiply-shift of
 * the low half of its hash ("fastrange"), its second alt(g, b) = g - b
 * mod nb, g from the high half: alt is its own inverse,
 * so a key can be moved to its other bucket knowing only where it is and
 * its sig (flows) or key (keyed).
 *
 * Concurrency:
 *   - An insert into two full buckets moves keys along a path found
 *     breadth-first.  Each move writes the key at its new place, bumps
 *     chg by 2, then clears the old place: a reader that missed a key
 *     while it moved sees chg changed and looks again (rte_hash's
 *     lock-free scheme).
 *   - A keyed table's data sits beside its key: every change of it
 *     (nt_begin/nt_end) keeps chg odd while it lasts, and a lock-free
 *     reader (nt_keyed_get_lf) retries while chg is odd or changed, as a
 *     seqlock's.
 *   - Memory is the caller's: a value a reader found stays valid until
 *     the caller's RCU grace period, as before.
 */
#ifndef SLUICE_NAT_TABLE_H
#define SLUICE_NAT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_prefetch.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define NT_WAYS	8
/* Loads the tables are sized for, in % of their slots (see above). */
#define NT_LOAD_FLOWS	70
#define NT_LOAD_KEYED	95

struct nt_fbucket {
	uint64_t e[NT_WAYS];
} __rte_cache_aligned;

struct nt_kbucket {
	uint64_t k[NT_WAYS];
	uint64_t d[NT_WAYS];
} __rte_cache_aligned;

struct nat_ht {
	union {
		struct nt_fbucket *fb;
		struct nt_kbucket *kb;
	};
	uint32_t nb;			/* buckets */
	bool keyed;
	uint32_t chg;			/* see above */
	uint64_t seed;			/* keyed: of the hash of a key */
	size_t bytes;			/* the buckets' memory */
};

/* MurmurHash3's finaliser: every input bit moves every output bit. */
static inline uint64_t
nt_fmix64(uint64_t k)
{
	k ^= k >> 33;
	k *= UINT64_C(0xff51afd7ed558ccd);
	k ^= k >> 33;
	k *= UINT64_C(0xc4ceb9fe1a85ec53);
	k ^= k >> 33;
	return k;
}

/* h * nb / 2^32: a bucket for a 32-bit hash, without a division. */
static inline uint32_t
nt_range(uint32_t h, uint32_t nb)
{
	return (uint32_t)(((uint64_t)h * nb) >> 32);
}

/* The other candidate bucket of a key whose g is g, seen from b. */
static inline uint32_t
nt_alt(uint32_t g, uint32_t b, uint32_t nb)
{
	uint32_t a = g - b;	/* the subtract's borrow chooses */

	return g < b ? a + nb : a;
}

/* The two candidate buckets of a 64-bit hash in a table of nb buckets. */
static inline void
nt_buckets_nb(uint32_t nb, uint64_t h, uint32_t *b1, uint32_t *b2)
{
	*b1 = nt_range((uint32_t)h, nb);
	*b2 = nt_alt(nt_range((uint32_t)(h >> 32), nb), *b1, nb);
}

static inline void
nt_buckets(const struct nat_ht *t, uint64_t h, uint32_t *b1, uint32_t *b2)
{
	nt_buckets_nb(t->nb, h, b1, b2);
}

/* Slot j of bucket b of a flows table, read as the writer may change it. */
static inline uint64_t
nt_slot(const struct nat_ht *t, uint32_t b, unsigned int j)
{
	return __atomic_load_n(&t->fb[b].e[j], __ATOMIC_ACQUIRE);
}

/* The slots of flows bucket b whose sig is sig: bit j for slot j.  With
 * SSE2 the eight sigs (the high halves) are gathered into two vectors and
 * compared at once; an 8-byte slot is never torn by a 16-byte load, and
 * the caller reads a matching slot again anyway. */
static inline uint32_t
nt_sig_mask_b(const struct nt_fbucket *fb, uint32_t sig)
{
#ifdef __SSE2__
	const __m128 *e = (const __m128 *)fb->e;
	__m128i s = _mm_set1_epi32((int)sig);
	__m128i lo = _mm_castps_si128(_mm_shuffle_ps(e[0], e[1], _MM_SHUFFLE(3, 1, 3, 1)));
	__m128i hi = _mm_castps_si128(_mm_shuffle_ps(e[2], e[3], _MM_SHUFFLE(3, 1, 3, 1)));

	return (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(lo, s))) |
	       (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(hi, s))) << 4;
#else
	uint32_t m = 0;

	for (unsigned int j = 0; j < NT_WAYS; j++)
		if ((uint32_t)(__atomic_load_n(&fb->e[j], __ATOMIC_ACQUIRE) >> 32) == sig)
			m |= 1u << j;
	return m;
#endif
}

static inline uint32_t
nt_sig_mask(const struct nat_ht *t, uint32_t b, uint32_t sig)
{
	return nt_sig_mask_b(&t->fb[b], sig);
}

/* The value in the first slot of bucket b whose sig is sig, or 0 (a
 * reader's first guess: nt_flow_next tells the rest).  The slot is not
 * read again: a writer may have changed it since, so the value may be
 * another key's (or 0), and the caller confirms it against what it names
 * as it must anyway. */
static inline uint32_t
nt_flow_in(const struct nt_fbucket *b, uint32_t sig)
{
	uint32_t m = nt_sig_mask_b(b, sig);

	if (m == 0)
		return 0;
	return (uint32_t)__atomic_load_n(&b->e[(size_t)__builtin_ctz(m)], __ATOMIC_ACQUIRE);
}

/* A flows slot matching hash h: the value in it, or 0.  *from says where
 * to go on (0 at first) when the match turns out to be another key's. */
static inline uint32_t
nt_flow_next(const struct nat_ht *t, uint64_t h, unsigned int *from)
{
	uint32_t b[2], sig = (uint32_t)(h >> 32);

	nt_buckets(t, h, &b[0], &b[1]);
	for (unsigned int i = *from / NT_WAYS; i < 2; i++) {
		uint32_t m = nt_sig_mask(t, b[i], sig) & (0xffu << (*from % NT_WAYS));

		*from = i * NT_WAYS;
		while (m != 0) {
			unsigned int j = (unsigned int)__builtin_ctz(m);
			uint64_t e = nt_slot(t, b[i], j);

			m &= m - 1;
			if ((uint32_t)(e >> 32) == sig && (uint32_t)e != 0) {
				*from = i * NT_WAYS + j + 1;
				return (uint32_t)e;
			}
		}
		*from = (i + 1) * NT_WAYS;
	}
	return 0;
}

/* By a writer (under its lock nothing moves): is there no slot with hash
 * h's sig in its buckets (a new flow's usual answer, without
 * nt_flow_next's walk)?  b: the buckets, for nt_flow_add. */
static inline bool
nt_flow_none(const struct nat_ht *t, uint64_t h, uint32_t b[2])
{
	uint32_t sig = (uint32_t)(h >> 32);

	nt_buckets(t, h, &b[0], &b[1]);
	return (nt_sig_mask(t, b[0], sig) | nt_sig_mask(t, b[1], sig)) == 0;
}

static inline uint32_t
nt_chg(const struct nat_ht *t)
{
	return __atomic_load_n(&t->chg, __ATOMIC_ACQUIRE);
}

/* After a miss: did a move happen since chg read c? */
static inline bool
nt_moved(const struct nat_ht *t, uint32_t c)
{
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return __atomic_load_n(&t->chg, __ATOMIC_RELAXED) != c;
}

/* The hash of a keyed table's key. */
static inline uint64_t
nt_key_hash(const struct nat_ht *t, uint64_t key)
{
	return nt_fmix64(key ^ t->seed);
}

/* Fetch what a lookup or insert of hash h (flows) will read. */
static inline void
nt_flow_prefetch(const struct nat_ht *t, uint64_t h)
{
	uint32_t b1, b2;

	nt_buckets(t, h, &b1, &b2);
	rte_prefetch0(&t->fb[b1]);
	rte_prefetch0(&t->fb[b2]);
}

/* A keyed table's key's two buckets: what its lookups and add take. */
static inline void
nt_key_buckets(const struct nat_ht *t, uint64_t key, uint32_t b[2])
{
	nt_buckets(t, nt_key_hash(t, key), &b[0], &b[1]);
}

/* The same for a keyed table's key of buckets b: both buckets' keys, and
 * with data the data of the first, where an insert goes when it can
 * (nt_keyed_has reads no data: a port that is only checked needs no data
 * line). */
static inline void
nt_keyed_prefetch(const struct nat_ht *t, const uint32_t b[2], bool data)
{
	rte_prefetch0(t->kb[b[0]].k);
	if (data)
		rte_prefetch0(t->kb[b[0]].d);
	rte_prefetch0(t->kb[b[1]].k);
}

/* Buckets for keys keys at the kind's load; 0, or -ENOMEM. */
int nt_create(struct nat_ht *t, uint32_t keys, bool keyed, int socket);
void nt_destroy(struct nat_ht *t);

/* ---- writers: one at a time (the caller's lock) ---- */

/* Add value v (not 0, below 2^32) of a flow whose hash is h, in h's
 * buckets b (nt_flow_none's): 0, or -ENOSPC when no path frees a slot
 * (the table is far fuller than sized for). */
int nt_flow_add(struct nat_ht *t, const uint32_t b[2], uint64_t h, uint32_t v);
/* Remove value v of hash h (nothing when absent). */
void nt_flow_del(struct nat_ht *t, uint64_t h, uint32_t v);
/* Which of its buckets value v of hash h is in: 0 the first, 1 the
 * second, -1 none (by the writer, or for a count). */
int nt_flow_bucket(const struct nat_ht *t, uint64_t h, uint32_t v);

/* A keyed table's changes go between nt_begin and nt_end. */
void nt_begin(struct nat_ht *t);
void nt_end(struct nat_ht *t);
/* key -> data, for a key the caller knows is not in t: it looked for it
 * (nt_keyed_data, nt_keyed_has) in its buckets b under the same holding
 * of its lock.  No search, no hash.  0 or -ENOSPC. */
int nt_keyed_add(struct nat_ht *t, const uint32_t b[2], uint64_t key, uint64_t data);
void nt_keyed_del(struct nat_ht *t, uint64_t key);
/* Where key's data lies, or NULL: one search for a read and a change
 * (the change goes between nt_begin and nt_end, as a plain store).  b:
 * the key's buckets (nt_key_buckets), computed by the caller, perhaps
 * ahead of the lock. */
uint64_t *nt_keyed_data(struct nat_ht *t, uint64_t key, const uint32_t b[2]);
/* Is key, of buckets b, in t?  By the writer (or under its lock); reads
 * no data. */
bool nt_keyed_has(const struct nat_ht *t, uint64_t key, const uint32_t b[2]);
/* Lookup by the writer (or under its lock): 0 and *data, or -ENOENT. */
int nt_keyed_get(const struct nat_ht *t, uint64_t key, uint64_t *data);
/* Lookup without the lock: 0 and *data, -ENOENT, or -EBUSY when writers
 * kept changing the table (the caller takes the lock and asks again). */
int nt_keyed_get_lf(const struct nat_ht *t, uint64_t key, uint64_t *data);

#endif
