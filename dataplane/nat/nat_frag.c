/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fragments through the NAT (RFC 4787 REQ-14): only the first fragment
 * carries the ports, so fragments that concern the NAT are reassembled
 * (per lcore, rte_ip_frag keyed by source, destination, protocol and IP
 * id, any order), the whole datagram is translated and routed here, and
 * ip4_output fragments it again for the egress MTU.  The table bounds the
 * memory; entries older than FRAG_TIMEOUT_S are dropped and counted by
 * the worker's loop (nat_frag_sweep), and one for our own addresses whose
 * first piece came is answered with a Time Exceeded.  Datagrams for the
 * router's own addresses on a port without a host stack come through the
 * same table, NAT or not (ip4_local), and their counters are these: one
 * reassembly for IPv4.
 */
#define ALLOW_EXPERIMENTAL_API	/* rte_ip_frag_table_del_expired_entries */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <netinet/ip_icmp.h>

#include <rte_icmp.h>
#include <rte_ip_frag.h>

#include "frag.h"
#include "frag_seen.h"
#include "host.h"
#include "icmp.h"
#include "ip4.h"
#include "log.h"
#include "nat_int.h"
#include "route.h"

#define FRAG_BUCKETS		1024
#define FRAG_BUCKET_ENTRIES	4
#define FRAG_MAX_ENTRIES	4096	/* datagrams being reassembled, per lcore, at most */
#define FRAG_TIMEOUT_S		5
/* The most the hooks read past the IPv4 header: an ICMP error's 8 bytes,
 * the quoted header with options and 8 bytes of it (more than TCP's 20). */
#define FRAG_PULL_UP		(8 + 60 + 8)

uint64_t nat_frag_gc_cycles;

int
nat_frag_init(void)
{
	/* Each datagram holds up to RTE_LIBRTE_IP_FRAG_MAX_FRAG fragments: the
	 * lcores' tables together may hold a quarter of the pool, no more, so
	 * that a flood of first fragments cannot starve the ports for the five
	 * seconds they wait. */
	uint32_t entries = dp.pool->size / (4 * RTE_LIBRTE_IP_FRAG_MAX_FRAG * rte_lcore_count());
	unsigned int lc;

	/* 16 at least: the smallest pool (--mbufs 1024) with one worker
	 * still keeps to its quarter. */
	entries = RTE_MAX(RTE_MIN(entries, (uint32_t)FRAG_MAX_ENTRIES), 16u);
	nat_frag_gc_cycles = dp.hz / 4;

	RTE_LCORE_FOREACH(lc) {
		nat_lc[lc].frag = rte_ip_frag_table_create(FRAG_BUCKETS, FRAG_BUCKET_ENTRIES,
							   entries,
							   dp.hz * FRAG_TIMEOUT_S,
							   (int)rte_lcore_to_socket_id(lc));
		nat_lc[lc].seen = frag_seen_create((int)rte_lcore_to_socket_id(lc),
						   dp.hz * FRAG_TIMEOUT_S);
		if (nat_lc[lc].frag == NULL || nat_lc[lc].seen == NULL) {
			fprintf(stderr, SD_ERR "sluice-dataplane: nat: no memory for the reassembly "
				"table of lcore %u\n", lc);
			return -ENOMEM;
		}
	}
	return 0;
}

/* What reassembly gave up on: dropped and counted. */
static void
death_row(struct rte_ip_frag_death_row *dr)
{
	for (uint32_t i = 0; i < dr->cnt; i++) {
		nat_count(NC_FRAG_DROPS);
		dp_drop(dr->row[i], DROP_NAT);
	}
	dr->cnt = 0;
}

/* The datagram ip is a piece of, as rte_ip_frag keys it. */
static void
frag_key_of(const struct rte_ipv4_hdr *ip, struct frag_key *k)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->src, &ip->src_addr, 4);
	memcpy(k->dst, &ip->dst_addr, 4);
	k->id = ip->packet_id;
	k->proto = ip->next_proto_id;
}

/* The pieces of datagrams whose time is up: forgotten, dropped and
 * counted.  One for our own addresses whose first piece came gets a Time
 * Exceeded (fragment reassembly time exceeded) quoting that piece, to the
 * port it came in by: RFC 792 asks it of the host that reassembles, and
 * the kernel sends it for a local destination, NAT or not. */
static void
expired_row(struct wctx *w, struct nat_lcore *lc, struct rte_ip_frag_death_row *dr)
{
	const struct addr_table *at = addrs_get();

	for (uint32_t i = 0; i < dr->cnt; i++) {
		struct rte_mbuf *m = dr->row[i];
		const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
		struct frag_key k;

		frag_key_of(ip, &k);
		frag_seen_done(lc->seen, &k);
		if ((ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_OFFSET_MASK)) == 0 &&
		    addr_is_local(at, rte_be_to_cpu_32(ip->dst_addr)))
			icmp_error(w, m, pkt_meta(m)->in_port, ICMP_TIME_EXCEEDED,
				   ICMP_EXC_FRAGTIME, 0);
		nat_count(NC_FRAG_DROPS);
		dp_drop(m, DROP_NAT);
	}
	dr->cnt = 0;
}

void
nat_frag_sweep(struct wctx *w)
{
	struct nat_lcore *lc = &nat_lc[rte_lcore_id()];
	struct rte_ip_frag_death_row dr;

	if (likely(nat_now < lc->frag_gc))
		return;
	lc->frag_gc = nat_now + nat_frag_gc_cycles;
	if (lc->frag == NULL)
		return;
	dr.cnt = 0;	/* not the row: 2.3 KB, written before it is read */
	rte_ip_frag_table_del_expired_entries(lc->frag, &dr, nat_now);
	expired_row(w, lc, &dr);
}

/* Could this datagram be translated: to an address the NAT answers for, or
 * routed out of a port with a rule?  One of our addresses that no rule
 * (and so no session) can claim, arriving on a port with a host stack, is
 * the host's: ip4_local gives it the pieces, as it does without NAT, and
 * the host's kernel reassembles them. */
static bool
frag_concerns_nat(const struct rte_ipv4_hdr *ip, uint16_t in_port)
{
	const struct nat_ruleset *rs = nat_rules_get();
	const struct addr_table *at = addrs_get();
	uint32_t dst = rte_be_to_cpu_32(ip->dst_addr);
	uint64_t nh;

	if (addr_is_local(at, dst))
		return !host_on(in_port) || nat_rule_addr_claimed(rs, at, dst);
	if (nat_rule_dst_ours(rs, at, dst))
		return true;
	route_lookup_bulk(&dst, &nh, 1);
	if (nexthops[nh].type != NH_CONNECTED && nexthops[nh].type != NH_GATEWAY)
		return false;
	return nat_rule_on_port(rs, nexthops[nh].port);
}

/*
 * Can this piece be part of a datagram (RFC 791): it ends within 65 535
 * bytes with the header (the "ping of death" does not, and rte_ip_frag
 * would give it a length that wraps), and, unless it is the last, carries
 * a multiple of 8 bytes (else no next piece can start where it ends, and
 * it would be held until the timeout).  ip4_input has checked the lengths.
 */
static bool
frag_can_fit(const struct rte_ipv4_hdr *ip)
{
	uint16_t off = rte_be_to_cpu_16(ip->fragment_offset);
	uint32_t hlen = rte_ipv4_hdr_len(ip);
	uint32_t data = rte_be_to_cpu_16(ip->total_length) - hlen;

	if (hlen + (off & RTE_IPV4_HDR_OFFSET_MASK) * 8u + data > UINT16_MAX)
		return false;
	return !(off & RTE_IPV4_HDR_MF_FLAG) || data % 8 == 0;
}

/* Has this datagram given this piece before?  If not, it is noted. */
static bool
frag_is_copy(struct nat_lcore *lc, const struct rte_ipv4_hdr *ip)
{
	uint16_t off = (rte_be_to_cpu_16(ip->fragment_offset) & RTE_IPV4_HDR_OFFSET_MASK) * 8;
	uint16_t len = rte_be_to_cpu_16(ip->total_length) - (uint16_t)rte_ipv4_hdr_len(ip);
	struct frag_key k;

	frag_key_of(ip, &k);
	return frag_seen_copy(lc->seen, &k, off, len, nat_now);
}

/*
 * rte_ip_frag chains the fragments as they came, and the hooks read the
 * first segment only: after a tiny first fragment (RFC 1858) the transport
 * header would be out of their sight and the datagram would leave
 * untranslated.  Move the first want bytes into the first segment.
 * 0, or -1 when that segment cannot take them.
 */
static int
pull_up(struct rte_mbuf *m, uint32_t want)
{
	want = RTE_MIN(want, rte_pktmbuf_pkt_len(m));
	if (likely(rte_pktmbuf_data_len(m) >= want))
		return 0;
	if (!RTE_MBUF_DIRECT(m) || rte_mbuf_refcnt_read(m) != 1 ||
	    rte_pktmbuf_tailroom(m) < want - rte_pktmbuf_data_len(m))
		return -1;
	while (m->data_len < want && m->next != NULL) {
		struct rte_mbuf *s = m->next;
		uint16_t k = (uint16_t)RTE_MIN(want - m->data_len, (uint32_t)s->data_len);

		memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, m->data_len),
		       rte_pktmbuf_mtod(s, uint8_t *), k);
		m->data_len += k;
		s->data_off += k;
		s->data_len -= k;
		if (s->data_len == 0) {
			m->next = s->next;
			m->nb_segs--;
			s->next = NULL;
			s->nb_segs = 1;
			rte_pktmbuf_free_seg(s);
		}
	}
	return 0;
}

/* The most pieces frag_to_host makes of one datagram: as many as
 * reassembly takes, and room for a host port's MTU smaller than the
 * sender's pieces. */
#define FRAG_TO_HOST_MAX	(4 * RTE_LIBRTE_IP_FRAG_MAX_FRAG)

/*
 * A reassembled datagram for one of our addresses that the NAT left alone
 * (an address a rule claims, but no session or dnat port took it), on a
 * port with a host stack: the host gets it in pieces again, each with the
 * first piece's Ethernet header, as it gets the fragments of an address
 * no rule claims (frag_concerns_nat), and its kernel reassembles them.
 * Whole, it might not fit a frame of the host interface.
 */
static void
frag_to_host(struct rte_mbuf *m, uint16_t in_port)
{
	struct rte_mbuf *f[FRAG_TO_HOST_MAX];
	struct rte_ether_hdr eth;
	int n;

	/* The first piece's header, still in front (ip4 moved past it). */
	if (rte_pktmbuf_headroom(m) < sizeof(eth)) {
		dp_drop(m, DROP_LOCAL_UNREACH);
		return;
	}
	memcpy(&eth, rte_pktmbuf_mtod(m, uint8_t *) - sizeof(eth), sizeof(eth));
	n = frag_ip4(m, ports[in_port].mtu, f, FRAG_TO_HOST_MAX);
	if (n < 0) {
		dp_drop(m, DROP_LOCAL_UNREACH);
		return;
	}
	for (int i = 0; i < n; i++) {
		if (unlikely(rte_pktmbuf_headroom(f[i]) < sizeof(eth))) {
			dp_drop(f[i], DROP_LOCAL_UNREACH);
			continue;
		}
		memcpy(rte_pktmbuf_mtod(f[i], uint8_t *) - sizeof(eth), &eth, sizeof(eth));
		host_punt(f[i], in_port);
	}
}

/* A reassembled datagram: the rest of ip4_input's path, NAT included. */
static void
frag_forward(struct wctx *w, struct rte_mbuf *m, uint16_t in_port)
{
	struct rte_ipv4_hdr *ip;
	const struct nexthop *h;
	uint32_t dst;
	uint64_t nh;

	if (nat_enabled && nat_pre_one(w, m, in_port) != NAT_PASS)
		return;
	ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	dst = rte_be_to_cpu_32(ip->dst_addr);
	route_lookup_bulk(&dst, &nh, 1);
	h = &nexthops[nh];
	if (h->type == NH_LOCAL) {
		/* The host's stack reassembles what it takes; without one
		 * the router answers the whole datagram (an echo request
		 * larger than the link, as the kernel answers it). */
		if (host_on(in_port))
			frag_to_host(m, in_port);
		else
			ip4_not_forwarded(w, m, in_port, NH_LOCAL);
		return;
	}
	if (h->type != NH_CONNECTED && h->type != NH_GATEWAY) {
		ip4_not_forwarded(w, m, in_port, h->type);
		return;
	}
	if (ip->time_to_live <= 1) {
		icmp_error(w, m, in_port, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0);
		dp_drop(m, DROP_TTL);
		return;
	}
	ip4_dec_ttl(ip);
	if (nat_enabled && nat_post_one(w, m, in_port, h->port) != NAT_PASS)
		return;
	ip4_output(w, m);
}

enum nat_verdict
nat_frag_in(struct wctx *w, struct rte_mbuf *m, uint16_t in_port)
{
	struct nat_lcore *lc = &nat_lc[rte_lcore_id()];
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	struct rte_ip_frag_death_row dr;
	struct rte_mbuf *full;

	*RTE_MBUF_DYNFIELD(m, nat_stash_off, uint64_t *) = 0;
	if (!frag_concerns_nat(ip, in_port))
		return NAT_PASS;
	if (unlikely(!frag_can_fit(ip))) {
		dp_drop(m, DROP_BAD_HEADER);
		return NAT_DROP;
	}
	if (unlikely(lc->frag == NULL)) {
		nat_count(NC_FRAG_DROPS);
		dp_drop(m, DROP_NAT);
		return NAT_DROP;
	}
	if (frag_is_copy(lc, ip)) {
		nat_count(NC_FRAG_DUPLICATES);
		dp_drop(m, DROP_NAT);
		return NAT_DROP;
	}
	/* The datagram may come back whole through ip4_output, which finds
	 * where it came from in its metadata (any piece may carry it). */
	pkt_meta(m)->in_port = in_port;
	m->l2_len = 0;
	m->l3_len = rte_ipv4_hdr_len(ip);
	dr.cnt = 0;	/* not the row: 2.3 KB, written before it is read */
	full = rte_ipv4_frag_reassemble_packet(lc->frag, &dr, m, nat_now, ip);
	death_row(&dr);
	if (full == NULL)
		return NAT_STOLEN;	/* held, or dropped and counted */
	ip = rte_pktmbuf_mtod(full, struct rte_ipv4_hdr *);
	{
		struct frag_key k;

		frag_key_of(ip, &k);
		frag_seen_done(lc->seen, &k);
	}
	/* Pieces that each fit may not together: the datagram takes the
	 * first piece's header, options and all, and rte_ip_frag writes its
	 * length in 16 bits. */
	if (unlikely(rte_pktmbuf_pkt_len(full) > UINT16_MAX)) {
		dp_drop(full, DROP_BAD_HEADER);
		return NAT_STOLEN;
	}
	lc->c[NC_FRAG_REASSEMBLED]++;
	/* rte_ip_frag rewrites length and offset but leaves the header
	 * checksum zeroed; NAT patches checksums incrementally, so it must
	 * start from a right one. */
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	if (unlikely(pull_up(full, rte_ipv4_hdr_len(ip) + FRAG_PULL_UP) != 0)) {
		nat_count(NC_FRAG_DROPS);
		dp_drop(full, DROP_NAT);
		return NAT_STOLEN;
	}
	frag_forward(w, full, in_port);
	return NAT_STOLEN;
}
