/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The pieces each datagram being put back together has given, so that a
 * copy of one (links and taps do make them) is dropped alone, as the
 * kernel drops it, where rte_ip_frag would drop the whole datagram.  One
 * table per lcore and family (frag_seen.c); IPv4's reassembly
 * (nat/nat_frag.c) and IPv6's (ip6/frag6.c) use it alike.
 */
#ifndef SLUICE_FRAG_SEEN_H
#define SLUICE_FRAG_SEEN_H

#include <stdbool.h>
#include <stdint.h>

/* A datagram's identity, as its family's reassembly keys it; IPv4's
 * addresses fill the first 4 bytes, the rest zero.  No padding: the key
 * is hashed and compared whole. */
struct frag_key {
	uint8_t src[16], dst[16];
	uint32_t id;			/* as in the header */
	uint32_t proto;			/* IPv4's protocol; 0 for IPv6 */
};

struct frag_seen_tbl;

/* A table on socket, whose memory of a datagram lasts ttl TSC cycles (its
 * reassembly's timeout).  NULL without memory. */
struct frag_seen_tbl *frag_seen_create(int socket, uint64_t ttl);

/* Has datagram k given the piece at off, len bytes, before (at now)?  If
 * not, the piece is noted.  A datagram whose slot another takes loses
 * that memory: a later copy of one of its pieces kills it, as rte_ip_frag
 * alone would, never a piece. */
bool frag_seen_copy(struct frag_seen_tbl *t, const struct frag_key *k,
		    uint16_t off, uint16_t len, uint64_t now);

/* Datagram k came out whole, or was dropped: its identification may come
 * again for another. */
void frag_seen_done(struct frag_seen_tbl *t, const struct frag_key *k);

#endif
