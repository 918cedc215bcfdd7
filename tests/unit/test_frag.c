/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fragmentation (RFC 791): every fragment fits the MTU, offsets and MF are
 * right, headers carry valid checksums, and the fragments reassemble to
 * the original.  DF is ip4's business (test_forward).
 */
#include <arpa/inet.h>
#include <string.h>

#include <rte_mbuf_dyn.h>

#include "dp_test.h"
#include "frag.h"

#define BIG	4000
#define SEG	1000	/* the original arrives as a chain of these */

static uint8_t orig[BIG];

static uint16_t
udp_cksum(const uint8_t *ip, uint16_t total)
{
	static uint8_t ph[12 + BIG];
	uint16_t ulen = total - 20;

	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = IPPROTO_UDP;
	ph[10] = ulen >> 8;
	ph[11] = ulen & 0xff;
	memcpy(ph + 12, ip + 20, ulen);
	return dpt_cksum(ph, 12 + ulen);
}

/* A UDP datagram of total bytes in a chain of SEG-byte segments; its bytes
 * are left in orig. */
static struct rte_mbuf *
big_udp(uint16_t total, uint16_t frag_field)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)orig;
	struct rte_mbuf *head = NULL;
	uint16_t ck;

	memset(orig, 0, sizeof(orig));
	ip->version_ihl = 0x45;
	ip->type_of_service = 0x10;
	ip->total_length = htons(total);
	ip->packet_id = htons(0xbeef);
	ip->fragment_offset = htons(frag_field);
	ip->time_to_live = 63;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = htonl(dpt_ip("10.0.0.2"));
	ip->dst_addr = htonl(dpt_ip("192.0.2.9"));
	ip->hdr_checksum = dpt_cksum(ip, 20);
	orig[20] = 0x12; orig[21] = 0x34; orig[22] = 0x56; orig[23] = 0x78;
	orig[24] = (total - 20) >> 8;
	orig[25] = (total - 20) & 0xff;
	for (int i = 28; i < total; i++)
		orig[i] = (uint8_t)(i * 7 + 3);
	ck = udp_cksum(orig, total);
	memcpy(orig + 26, &ck, 2);

	for (uint16_t off = 0; off < total; off += SEG) {
		struct rte_mbuf *s = rte_pktmbuf_alloc(dp.pool);
		uint16_t len = RTE_MIN((uint16_t)SEG, (uint16_t)(total - off));

		assert_non_null(s);
		memcpy(rte_pktmbuf_append(s, len), orig + off, len);
		if (head == NULL)
			head = s;
		else
			assert_int_equal(rte_pktmbuf_chain(head, s), 0);
	}
	return head;
}

/* Fragment a BIG datagram at mtu and check everything about the result. */
static void
check_fragments(uint16_t mtu, uint16_t nexp)
{
	static uint8_t re[BIG];
	struct rte_mbuf *m, *out[64];
	uint32_t expect_off = 0, got = 0;
	int n;

	m = big_udp(BIG, 0);
	n = frag_ip4(m, mtu, out, RTE_DIM(out));
	assert_int_equal(n, nexp);
	memset(re, 0, sizeof(re));
	memcpy(re, orig, 20);
	for (int i = 0; i < n; i++) {
		struct rte_mbuf *f = out[i];
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(f, struct rte_ipv4_hdr *);
		const struct rte_ipv4_hdr *o = (const struct rte_ipv4_hdr *)orig;
		uint16_t fo = ntohs(ip->fragment_offset);
		uint32_t plen = rte_pktmbuf_pkt_len(f) - 20;

		assert_int_equal(f->nb_segs, 1);
		assert_true(rte_pktmbuf_headroom(f) >= sizeof(struct rte_ether_hdr));
		assert_true(rte_pktmbuf_pkt_len(f) <= mtu);
		assert_int_equal(ntohs(ip->total_length), rte_pktmbuf_pkt_len(f));
		assert_int_equal(dpt_cksum(ip, 20), 0);
		assert_int_equal(ip->version_ihl, 0x45);
		assert_int_equal(ip->type_of_service, o->type_of_service);
		assert_int_equal(ip->packet_id, o->packet_id);
		assert_int_equal(ip->time_to_live, o->time_to_live);
		assert_int_equal(ip->next_proto_id, o->next_proto_id);
		assert_int_equal(ip->src_addr, o->src_addr);
		assert_int_equal(ip->dst_addr, o->dst_addr);
		assert_int_equal(fo & RTE_IPV4_HDR_DF_FLAG, 0);
		assert_int_equal((fo & RTE_IPV4_HDR_OFFSET_MASK) * 8, expect_off);
		assert_int_equal(!!(fo & RTE_IPV4_HDR_MF_FLAG), i < n - 1);
		if (i < n - 1)
			assert_int_equal(plen % 8, 0);
		memcpy(re + 20 + expect_off, (uint8_t *)(ip + 1), plen);
		expect_off += plen;
		got += plen;
	}
	assert_int_equal(got, BIG - 20);
	assert_memory_equal(re + 20, orig + 20, BIG - 20);
	assert_int_equal(udp_cksum(re, BIG), 0);
	/* m went with the fragments; freeing them frees everything. */
	rte_pktmbuf_free_bulk(out, n);
	assert_int_equal(dpt_mbufs_in_use(), 0);
	assert_int_equal(rte_mempool_in_use_count(dp.indirect), 0);
}

static void
test_mtu_1400(void **state)
{
	(void)state;
	/* 1376 bytes of data per fragment: 3980 = 1376 + 1376 + 1228 */
	check_fragments(1400, 3);
}

static void
test_mtu_576(void **state)
{
	(void)state;
	/* 552 per fragment: 7 full and 116 bytes */
	check_fragments(576, 8);
}

static void
test_fragment_of_fragment(void **state)
{
	struct rte_mbuf *m, *out[8];
	int n;

	(void)state;
	/* A middle fragment (MF, offset 800 bytes) fragmented again keeps its
	 * offset base and MF on every piece, the last included. */
	m = big_udp(1500, RTE_IPV4_HDR_MF_FLAG | 100);
	n = frag_ip4(m, 576, out, RTE_DIM(out));
	assert_int_equal(n, 3);
	for (int i = 0; i < n; i++) {
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(out[i], struct rte_ipv4_hdr *);
		uint16_t fo = ntohs(ip->fragment_offset);

		assert_true(fo & RTE_IPV4_HDR_MF_FLAG);
		assert_int_equal(fo & RTE_IPV4_HDR_OFFSET_MASK, 100 + i * 552 / 8);
		assert_int_equal(dpt_cksum(ip, 20), 0);
		assert_memory_equal(ip + 1, orig + 20 + i * 552, rte_pktmbuf_pkt_len(out[i]) - 20);
	}
	rte_pktmbuf_free_bulk(out, n);
	assert_int_equal(dpt_mbufs_in_use(), 0);
}

static void
test_refusals_keep_the_packet(void **state)
{
	struct rte_mbuf *m, *out[2];

	(void)state;
	/* DF: refused, m untouched and still the caller's. */
	m = big_udp(BIG, RTE_IPV4_HDR_DF_FLAG);
	assert_true(frag_ip4(m, 1400, out, RTE_DIM(out)) < 0);
	assert_int_equal(rte_pktmbuf_pkt_len(m), BIG);
	rte_pktmbuf_free(m);
	assert_int_equal(dpt_mbufs_in_use(), 0);

	/* Room for 2 fragments when 8 are needed. */
	m = big_udp(BIG, 0);
	assert_true(frag_ip4(m, 576, out, RTE_DIM(out)) < 0);
	assert_int_equal(rte_pktmbuf_pkt_len(m), BIG);
	rte_pktmbuf_free(m);
	assert_int_equal(dpt_mbufs_in_use(), 0);
	assert_int_equal(rte_mempool_in_use_count(dp.indirect), 0);
}

/* The fragments carry the mbuf's dynamic fields (the NAT's stash among
 * them) like its pkt_meta: what follows the fragmenting still sees them. */
static void
test_dynfields_follow(void **state)
{
	int off = rte_mbuf_dynfield_lookup("sluice_nat_stash", NULL);
	struct rte_mbuf *m, *out[8];
	int n;

	(void)state;
	assert_true(off >= 0);
	m = big_udp(BIG, 0);
	*RTE_MBUF_DYNFIELD(m, off, uint64_t *) = UINT64_C(0x1122334455667789);
	pkt_meta(m)->in_port = 3;
	n = frag_ip4(m, 1400, out, RTE_DIM(out));
	assert_int_equal(n, 3);
	for (int i = 0; i < n; i++) {
		assert_int_equal(*RTE_MBUF_DYNFIELD(out[i], off, uint64_t *),
				 UINT64_C(0x1122334455667789));
		assert_int_equal(pkt_meta(out[i])->in_port, 3);
	}
	rte_pktmbuf_free_bulk(out, n);
	assert_int_equal(dpt_mbufs_in_use(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mtu_1400),
		cmocka_unit_test(test_mtu_576),
		cmocka_unit_test(test_fragment_of_fragment),
		cmocka_unit_test(test_refusals_keep_the_packet),
		cmocka_unit_test(test_dynfields_follow),
	};

	dpt_init("frag");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
