/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP errors about translated flows (RFC 5508 REQ-3, RFC 7857 2.9).  The
 * error quotes a packet E that crossed the NAT; the error itself travels
 * the other way, so E reversed is the tuple of a packet of the error's own
 * direction and finds the session.  As with any packet, prerouting does
 * the destination side (outer destination, E's source), postrouting the
 * source side (outer source when it is E's destination, E's destination),
 * each fixing the quoted IP and transport checksums incrementally and the
 * ICMP checksum over the whole message.
 *
 * Errors the router itself makes about a packet it translated are undone
 * at the source instead: the packet may be half translated (prerouting
 * rewrote the destination, postrouting has not run: TTL, MTU, no route),
 * and a lookup of such a quote finds the session only when its source side
 * is untranslated (not so for hairpin).  Linux uses the packet's own
 * conntrack entry (nf_nat_icmp_reply_translation); we use the session
 * prerouting stashed in the mbuf, which rides along when the packet is
 * held for ARP, and put the quote back as sent (nat_quote_original).
 */
#include <netinet/ip_icmp.h>

#include <string.h>

#include <rte_icmp.h>
#include <rte_ip.h>

#include "host.h"
#include "nat_int.h"

bool
nat_is_icmp_error(const struct rte_ipv4_hdr *ip, const struct rte_mbuf *m)
{
	uint32_t hl = rte_ipv4_hdr_len(ip);
	const struct rte_icmp_hdr *icmp;

	if (rte_pktmbuf_data_len(m) < hl + sizeof(*icmp) ||
	    (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_OFFSET_MASK)))
		return false;
	icmp = (const struct rte_icmp_hdr *)((const uint8_t *)ip + hl);
	switch (icmp->icmp_type) {
	case ICMP_DEST_UNREACH:
	case ICMP_SOURCE_QUENCH:
	case ICMP_TIME_EXCEEDED:
	case ICMP_PARAMETERPROB:
		return true;
	default:
		return false;
	}
}

/* The quoted packet of the error in m, parsed into e.  0 or -1. */
static int
quoted(struct rte_mbuf *m, struct nat_pkt *e, struct rte_icmp_hdr **icmp)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint32_t hl = rte_ipv4_hdr_len(ip), len = rte_pktmbuf_data_len(m), off, ihl;
	struct rte_ipv4_hdr *in;

	off = hl + sizeof(struct rte_icmp_hdr);
	if (len < off + sizeof(*in))
		return -1;
	*icmp = (struct rte_icmp_hdr *)((uint8_t *)ip + hl);
	in = (struct rte_ipv4_hdr *)((uint8_t *)ip + off);
	ihl = rte_ipv4_hdr_len(in);
	if ((in->version_ihl >> 4) != 4 || ihl < sizeof(*in) || len < off + ihl + 8)
		return -1;
	/* A non-first fragment quotes no transport header. */
	if (in->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_OFFSET_MASK))
		return -1;
	e->ip = in;
	return nat_parse_l4(e, (uint8_t *)in + ihl, len - off - ihl, true);
}

/* The ICMP checksum over the whole message, after the quote changed. */
static void
icmp_cksum(struct rte_mbuf *m, struct rte_icmp_hdr *icmp)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	uint32_t hl = rte_ipv4_hdr_len(ip);
	uint32_t len = rte_be_to_cpu_16(ip->total_length) - hl;
	uint16_t sum = 0;

	icmp->icmp_cksum = 0;
	if (rte_raw_cksum_mbuf(m, hl, RTE_MIN(len, rte_pktmbuf_pkt_len(m) - hl), &sum) == 0)
		icmp->icmp_cksum = (uint16_t)~sum;
}

/* Copied, not dereferenced: the header is not 4-byte aligned (nat.c). */
static inline void
outer_set(struct rte_ipv4_hdr *ip, rte_be32_t *field, uint32_t addr)
{
	uint32_t old;

	memcpy(&old, field, sizeof(old));
	ck_upd32(&ip->hdr_checksum, old, addr);
	memcpy(field, &addr, sizeof(addr));
}

/* RFC 5508 REQ-3/3a: the error's ICMP checksum, and its quoted IP
 * header's (e->ip, from quoted()), hold.  The quoted transport checksum
 * is not checked (REQ-3c): the quote is usually cut short. */
static bool
sums_ok(const struct rte_mbuf *m, const struct nat_pkt *e)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	uint32_t hl = rte_ipv4_hdr_len(ip);
	uint32_t len = rte_be_to_cpu_16(ip->total_length) - hl;
	uint16_t sum;

	if (len > rte_pktmbuf_pkt_len(m) - hl || rte_raw_cksum_mbuf(m, hl, len, &sum) != 0 ||
	    sum != 0xffff)
		return false;
	return rte_raw_cksum(e->ip, rte_ipv4_hdr_len(e->ip)) == 0xffff;
}

enum nat_verdict
nat_icmp_pre(struct rte_mbuf *m, uint16_t in_port, struct nat_tables *t)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	struct rte_icmp_hdr *icmp;
	struct nat_pkt e;
	struct nat_tuple k, n;
	struct nat_sess *s;
	unsigned int d;

	/* RFC 5508 REQ-7: an error about a hairpinned packet crosses the
	 * hairpin's two sessions as the packet did, the first one whole. */
	for (unsigned int half = 0;; half++) {
		s = NULL;
		if (quoted(m, &e, &icmp) == 0 && (half > 0 || sums_ok(m, &e))) {
			k = tuple_rev(&e.t);
			s = sess_lookup(t, &k, e.proto, &d);
		}
		if (s == NULL || (half > 0 && sess_chains(s, d))) {
			/* Addressed to us and about nothing we translated:
			 * RFC 5508 REQ-3 drops it, unless the port has a host
			 * stack, whose own connections it may be about
			 * (ECONNREFUSED, PMTU discovery, traceroute): local
			 * delivery hands it to the host.  Errors passing
			 * through are not ours. */
			if (half > 0 ||
			    (addr_is_local(addrs_get(), rte_be_to_cpu_32(ip->dst_addr)) &&
			     !host_on(in_port))) {
				nat_count(NC_ICMP_UNTRANSLATABLE);
				dp_drop(m, DROP_NAT);
				return NAT_DROP;
			}
			return NAT_PASS;
		}
		n = sess_new_tuple(s, d);
		if (ip->dst_addr == k.dst && n.dst != k.dst)
			outer_set(ip, &ip->dst_addr, n.dst);
		/* E's source is k's destination. */
		nat_rewrite_src(&e, n.dst, n.dp);
		icmp_cksum(m, icmp);
		if (!sess_chains(s, d))
			break;
		nat_icmp_post(m, s, d);
	}
	*RTE_MBUF_DYNFIELD(m, nat_stash_off, uint64_t *) = (uintptr_t)s | d | STASH_ICMPERR;
	return NAT_PASS;
}

void
nat_icmp_post(struct rte_mbuf *m, struct nat_sess *s, unsigned int d)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	struct nat_tuple k = sess_key_tuple(s, d), n = sess_new_tuple(s, d);
	struct rte_icmp_hdr *icmp;
	struct nat_pkt e;

	/* Prerouting left the quote's source translated: anything else is a
	 * stale stash, not this session's error. */
	if (quoted(m, &e, &icmp) != 0 || e.proto != s->proto || e.t.src != n.dst ||
	    e.t.sp != n.dp || e.t.dst != k.src || e.t.dp != k.sp)
		return;
	/* RFC 5508 REQ-5: an error leaving the inside (this direction's
	 * sources are translated) comes from the flow's outside address,
	 * whether the inside endpoint or a router on the inside path sent
	 * it; one from a router outside keeps that router's address. */
	if (n.src != k.src && ip->src_addr != n.src)
		outer_set(ip, &ip->src_addr, n.src);
	nat_rewrite_dst(&e, n.src, n.sp);
	icmp_cksum(m, icmp);
}

bool
nat_quote_original(const struct rte_mbuf *m, void *quote, uint32_t qlen)
{
	struct rte_ipv4_hdr *ip = quote;
	struct nat_tuple k, n;
	struct nat_sess *s;
	struct nat_pkt q;
	uint32_t ihl;
	uint64_t st;

	if (unlikely(nat_stash_off < 0))
		return false;
	s = nat_stash_get(m, nat_tables(), &st);
	/* An expired session (a packet held for ARP outlived it) or a slot
	 * recycled meanwhile: the quote is left as it is. */
	if (s == NULL || (st & STASH_ICMPERR) ||
	    !(__atomic_load_n(&s->flags, __ATOMIC_ACQUIRE) & NS_USED))
		return false;
	if (qlen < sizeof(*ip))
		return false;
	ihl = rte_ipv4_hdr_len(ip);
	if (ihl < sizeof(*ip) || qlen < ihl ||
	    (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_OFFSET_MASK)))
		return false;
	q.ip = ip;
	if (nat_parse_l4(&q, (uint8_t *)ip + ihl, qlen - ihl, true) != 0 || q.proto != s->proto)
		return false;
	k = sess_key_tuple(s, st & STASH_DIR);
	n = sess_new_tuple(s, st & STASH_DIR);
	/* The stash is a hint, never cleared once the packet left the NAT:
	 * only a quote that is this direction's packet after prerouting
	 * (source as sent) or after both hooks (source translated too) is
	 * put back. */
	if (q.t.dst != n.dst || q.t.dp != n.dp)
		return false;
	if ((q.t.src != k.src || q.t.sp != k.sp) && (q.t.src != n.src || q.t.sp != n.sp))
		return false;
	if (tuple_eq(&q.t, &k))
		return false;
	nat_rewrite_dst(&q, k.dst, k.dp);
	nat_rewrite_src(&q, k.src, k.sp);
	return true;
}
