/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Prerouting's first look at a burst: which frames have the fast shape
 * (TCP or UDP behind a 20-byte header, not a fragment), each one's flows
 * hash and its first bucket, fetched (the second is worked out by
 * prerouting for the few keys not in their first).  Made per frame by
 * whoever reads the header first: the worker's Ethernet pass when NAT is
 * on (worker.c), so that the buckets are on their way while the rest of
 * the burst is classified and no second loop reloads every mbuf and
 * header for it; or
 * prerouting's own first pass (nat.c) for the bursts that come the other
 * way (ip4_input_nat, a trace).
 */
#ifndef SLUICE_NAT_LOOK_H
#define SLUICE_NAT_LOOK_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "dp.h"
#include "nat_int.h"
#include "nat_table.h"

struct nat_look {
	/* The tables the look was made in: prerouting reads these, not
	 * nat_tables() again, so that a table the control lcore publishes
	 * meanwhile is not mixed with the old one's buckets (both stay
	 * valid until the worker's next quiescent state). */
	struct nat_tables *t;
	const struct nt_fbucket *fb;	/* t's flows buckets */
	uint32_t nb;			/* and their count */
	/* Bit i: frame i has not the fast shape (kept as the exception,
	 * so that the usual frame makes no mask bit). */
	uint64_t slow;
	uint64_t h[DP_BURST];		/* frame i's flow_hash, when fast */
	/* Its first bucket (the second, nat_look_second, is only needed
	 * when the first lacks the sig). */
	const struct nt_fbucket *bk1[DP_BURST];
};

/* A look for a burst of up to DP_BURST frames, in the current tables. */
static inline void
nat_look_begin(struct nat_look *lk)
{
	const struct nat_ht *f;

	RTE_BUILD_BUG_ON(DP_BURST > 64);
	lk->t = nat_tables();
	f = nat_flows(lk->t);
	lk->fb = f->fb;
	lk->nb = f->nb;
	lk->slow = 0;
}

/*
 * The fast shape: TCP or UDP right behind a 20-byte header, not a
 * fragment, its ports in the first segment.  plain: ip4_plain passed
 * m (no options), which is not tested again.
 */
static inline bool
nat_fast_shape(const struct rte_mbuf *m, const struct rte_ipv4_hdr *ip, uint32_t l2,
	       const bool plain)
{
	if ((!plain && unlikely(ip->version_ihl != RTE_IPV4_VHL_DEF)) ||
	    unlikely(ip->fragment_offset &
		     rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)))
		return false;
	if (likely(ip->next_proto_id == IPPROTO_UDP))
		return rte_pktmbuf_data_len(m) >= l2 + sizeof(*ip) + sizeof(struct rte_udp_hdr);
	return ip->next_proto_id == IPPROTO_TCP &&
	       rte_pktmbuf_data_len(m) >= l2 + sizeof(*ip) + sizeof(struct rte_tcp_hdr);
}

/* The tuple of a packet of the fast shape, from its headers (src, dst
 * and sp, dp lie in the same order there). */
static inline struct nat_tuple
nat_hdr_tuple(const struct rte_ipv4_hdr *ip)
{
	struct nat_tuple k;

	RTE_BUILD_BUG_ON(offsetof(struct nat_tuple, dst) != 4 || offsetof(struct nat_tuple, dp) != 10);
	memcpy(&k.src, &ip->src_addr, 8);
	memcpy(&k.sp, ip + 1, 4);
	return k;
}

/* Frame i of the burst, its IPv4 header ip, l2 bytes in: when of the
 * fast shape, its hash and first bucket, fetched. */
static __rte_always_inline void
nat_look_at(struct nat_look *lk, const struct rte_mbuf *m, const struct rte_ipv4_hdr *ip,
	    unsigned int i, const uint32_t l2, const bool plain)
{
	struct nat_tuple k;
	uint32_t b1;

	if (unlikely(!nat_fast_shape(m, ip, l2, plain))) {
		lk->slow |= UINT64_C(1) << i;
		return;
	}
	k = nat_hdr_tuple(ip);
	lk->h[i] = flow_hash(&k, ip->next_proto_id);
	b1 = nt_range((uint32_t)lk->h[i], lk->nb);
	lk->bk1[i] = &lk->fb[b1];
	/* The second bucket only when the first lacks the sig (pre_burst,
	 * a whole burst later): most keys are in their first, and out of
	 * cache every line a packet asks for waits for a fill buffer. */
	rte_prefetch0(lk->bk1[i]);
}

/* Frame i's second bucket (i of the fast shape). */
static inline const struct nt_fbucket *
nat_look_second(const struct nat_look *lk, unsigned int i)
{
	uint32_t b1, b2;

	nt_buckets_nb(lk->nb, lk->h[i], &b1, &b2);
	return &lk->fb[b2];
}

/* The frames of a burst of n (1 <= n <= 64) that have the fast shape. */
static inline uint64_t
nat_look_fast(const struct nat_look *lk, unsigned int n)
{
	return (UINT64_MAX >> (64 - n)) & ~lk->slow;
}

#endif
