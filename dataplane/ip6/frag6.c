/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 fragments the router itself sends and takes (RFC 8200 4.5), with
 * rte_ip_frag: a datagram for the router comes whole out of a per-lcore
 * table (at most FRAG6_ENTRIES datagrams waiting FRAG6_TIMEOUT_S, then
 * dropped and counted; one whose first piece came is answered with a
 * Time Exceeded, as the kernel answers it), and a packet the router makes
 * larger than its link (an echo reply) leaves in fragments.  A second copy of a piece is
 * dropped alone (frag_seen.h), as the kernel drops it.  Forwarded packets
 * are never fragmented (a router sends Packet Too Big instead).  IPv4
 * keeps a table of its own (nat/nat_frag.c).
 */
#define ALLOW_EXPERIMENTAL_API	/* rte_ip_frag_table_del_expired_entries */

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <rte_ip_frag.h>

#include "frag6.h"
#include "frag_seen.h"
#include "icmp6.h"
#include "ip6.h"
#include "log.h"

#define FRAG6_BUCKETS		64
#define FRAG6_BUCKET_ENTRIES	4
#define FRAG6_ENTRIES		256
#define FRAG6_TIMEOUT_S		5
/* Most fragments one packet the router makes can take: a 9000-byte
 * jumbo at IPv6's minimum MTU. */
#define FRAG6_OUT_MAX		8

static struct {
	struct rte_ip_frag_tbl *tbl;
	struct frag_seen_tbl *seen;	/* the pieces each datagram has given */
	uint64_t gc;			/* TSC of the next sweep */
	uint32_t id;			/* the next fragment identification */
} __rte_cache_aligned frag6_lc[RTE_MAX_LCORE];

int
frag6_init(void)
{
	unsigned int lc;

	RTE_LCORE_FOREACH(lc) {
		frag6_lc[lc].tbl = rte_ip_frag_table_create(FRAG6_BUCKETS, FRAG6_BUCKET_ENTRIES,
							    FRAG6_ENTRIES,
							    dp.hz * FRAG6_TIMEOUT_S,
							    (int)rte_lcore_to_socket_id(lc));
		frag6_lc[lc].seen = frag_seen_create((int)rte_lcore_to_socket_id(lc),
						     dp.hz * FRAG6_TIMEOUT_S);
		if (frag6_lc[lc].tbl == NULL || frag6_lc[lc].seen == NULL) {
			fprintf(stderr, SD_ERR "sluice-dataplane: no memory for the IPv6 "
				"reassembly table of lcore %u\n", lc);
			return -ENOMEM;
		}
		frag6_lc[lc].id = lc << 24;
	}
	return 0;
}

/* What reassembly gave up on (overlapping, too many pieces). */
static void
death_row(struct rte_ip_frag_death_row *dr)
{
	for (uint32_t i = 0; i < dr->cnt; i++)
		dp_drop(dr->row[i], DROP6_REASSEMBLY);
	dr->cnt = 0;
}

/* The key frag_seen knows a held piece's datagram by. */
static void
frag6_key_of(const struct rte_ipv6_hdr *ip, const struct rte_ipv6_fragment_ext *fh,
	     struct frag_key *k)
{
	memcpy(k->src, ip->src_addr, 16);
	memcpy(k->dst, ip->dst_addr, 16);
	k->id = fh->id;
	k->proto = 0;
}

/* The pieces of datagrams whose time is up: forgotten, dropped and counted.
 * A datagram whose first piece came gets a Time Exceeded (fragment
 * reassembly time exceeded) quoting that piece, to the port it came in by
 * (RFC 8200 4.5), as the kernel sends it. */
static void
expired_row(struct wctx *w, struct rte_ip_frag_death_row *dr)
{
	for (uint32_t i = 0; i < dr->cnt; i++) {
		struct rte_mbuf *m = dr->row[i];
		struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
		struct rte_ipv6_fragment_ext *fh = rte_ipv6_frag_get_ipv6_fragment_header(ip);
		struct frag_key k;

		if (fh != NULL) {
			frag6_key_of(ip, fh, &k);
			frag_seen_done(frag6_lc[rte_lcore_id()].seen, &k);
			if ((fh->frag_data & rte_cpu_to_be_16(0xfff8)) == 0)
				icmp6_error(w, m, pkt_meta(m)->in_port, ICMP6_TIME_EXCEEDED,
					    ICMP6_TIME_EXCEED_REASSEMBLY, 0);
		}
		dp_drop(m, DROP6_REASSEMBLY);
	}
	dr->cnt = 0;
}

void
frag6_gc(struct wctx *w, uint64_t now)
{
	struct rte_ip_frag_death_row dr;
	unsigned int lc = rte_lcore_id();

	if (lc >= RTE_MAX_LCORE || frag6_lc[lc].tbl == NULL)
		return;
	if (now < frag6_lc[lc].gc)
		return;
	frag6_lc[lc].gc = now + dp.hz / 4;
	dr.cnt = 0;	/* not the row: 2.3 KB, written before it is read */
	rte_ip_frag_table_del_expired_entries(frag6_lc[lc].tbl, &dr, now);
	expired_row(w, &dr);
}

/* A piece no datagram can hold: a Parameter Problem (erroneous header
 * field) about the byte at off, and m dropped; NULL. */
static struct rte_mbuf *
size_refused(struct wctx *w, struct rte_mbuf *m, uint16_t in_port, uint32_t off)
{
	icmp6_error(w, m, in_port, ICMP6_PARAM_PROB, ICMP6_PARAMPROB_HEADER, off);
	dp_drop(m, DROP6_BAD_HEADER);
	return NULL;
}

struct rte_mbuf *
frag6_reassemble(struct wctx *w, struct rte_mbuf *m, uint16_t in_port, uint64_t now)
{
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	struct rte_ipv6_fragment_ext *fh = rte_ipv6_frag_get_ipv6_fragment_header(ip);
	struct rte_ip_frag_death_row dr;
	unsigned int lc = rte_lcore_id();
	struct rte_mbuf *full;
	struct frag_key k;

	if (fh == NULL || rte_pktmbuf_data_len(m) < IP6_HDR_LEN + sizeof(*fh) ||
	    rte_be_to_cpu_16(ip->payload_len) < sizeof(*fh)) {
		dp_drop(m, DROP6_BAD_HEADER);
		return NULL;
	}
	/* Not a fragment after all (offset 0, no more): the header alone
	 * goes (RFC 8200 4.5, an atomic fragment). */
	if ((fh->frag_data & rte_cpu_to_be_16(0xfff9)) == 0) {
		ip6_ext_remove(m, sizeof(*fh), fh->next_header);
		return m;
	}
	/* RFC 8200 4.5: a piece, not the last, whose length is not a
	 * multiple of 8 bytes (no next piece could start where it ends) gets
	 * a Parameter Problem at the payload length; one that would end past
	 * 65 535 bytes of payload, one at its fragment offset.  As the
	 * kernel, both are counted as bad headers. */
	if ((fh->frag_data & rte_cpu_to_be_16(1)) &&
	    (rte_be_to_cpu_16(ip->payload_len) - sizeof(*fh)) % 8 != 0)
		return size_refused(w, m, in_port, offsetof(struct rte_ipv6_hdr, payload_len));
	if ((rte_be_to_cpu_16(fh->frag_data) & 0xfff8) + (uint32_t)rte_be_to_cpu_16(ip->payload_len) -
	    sizeof(*fh) > UINT16_MAX)
		return size_refused(w, m, in_port,
				    IP6_HDR_LEN + offsetof(struct rte_ipv6_fragment_ext, frag_data));
	/* A copy of a piece held goes alone, as in the kernel: rte_ip_frag
	 * would drop the datagram. */
	frag6_key_of(ip, fh, &k);
	if (frag_seen_copy(frag6_lc[lc].seen, &k, rte_be_to_cpu_16(fh->frag_data) & 0xfff8,
			   (uint16_t)(rte_be_to_cpu_16(ip->payload_len) - sizeof(*fh)), now)) {
		dp_drop(m, DROP6_FRAG_DUPLICATE);
		return NULL;
	}
	/* Where a Time Exceeded about it would go (expired_row). */
	pkt_meta(m)->in_port = in_port;
	m->l2_len = 0;
	m->l3_len = IP6_HDR_LEN + sizeof(*fh);
	dr.cnt = 0;	/* not the row: 2.3 KB, written before it is read */
	full = rte_ipv6_frag_reassemble_packet(frag6_lc[lc].tbl, &dr, m, now, ip, fh);
	death_row(&dr);
	if (full != NULL)
		frag_seen_done(frag6_lc[lc].seen, &k);
	return full;
}

int
frag6_send(struct rte_mbuf *m, uint16_t mtu, struct rte_mbuf **out, uint16_t max)
{
	unsigned int lc = rte_lcore_id();
	uint32_t id = rte_cpu_to_be_32(frag6_lc[lc < RTE_MAX_LCORE ? lc : 0].id++);
	int32_t n;

	n = rte_ipv6_fragment_packet(m, out, RTE_MIN(max, (uint16_t)FRAG6_OUT_MAX), mtu,
				     dp.pool, dp.indirect);
	if (unlikely(n < 0))
		return n;
	for (int32_t i = 0; i < n; i++) {
		struct rte_mbuf *f = out[i];
		struct rte_ipv6_fragment_ext *fh;

		(void)rte_pktmbuf_linearize(f);
		*pkt_meta(f) = *pkt_meta(m);
		/* rte_ip_frag leaves the identification at 0: a receiver
		 * would mix two datagrams' pieces up. */
		fh = (struct rte_ipv6_fragment_ext *)(rte_pktmbuf_mtod(f, struct rte_ipv6_hdr *) + 1);
		fh->id = id;
	}
	rte_pktmbuf_free(m);
	return n;
}
