/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT44 over the real hooks with crafted packets and a fake clock: the
 * bytes each direction leaves with, every checksum verified independently
 * (RFC 1071 over the pseudo-header), ICMP errors, mapping and filtering
 * behaviour, timeouts, hairpin, dnat, fragments, bounds, no leaks.
 *
 * lan = slot 0, 10.0.0.1/24; wan = slot 1, 203.0.113.1/24; wan2 = slot 2,
 * 192.0.2.1/24.
 */
#include <arpa/inet.h>
#include <netinet/ip_icmp.h>
#include <string.h>

#include <rte_icmp.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "dp_test.h"
#include "nat.h"
#include "nat_int.h"	/* nat_parse_l4 */
#include "neigh.h"
#include "resolve.h"

#define LAN 0
#define WAN 1
#define WAN2 2		/* a second uplink, 192.0.2.1/24 */
#define LAN_MAC "02:00:00:00:00:01"
#define WAN_MAC "02:00:00:00:01:01"
#define PEER_MAC "02:00:00:00:01:77"
#define W "203.0.113.1"
#define W2 "192.0.2.1"
#define R "203.0.113.7"
#define R2 "203.0.113.8"
#define A "10.0.0.2"
#define B "10.0.0.3"

static struct wctx w;
static uint64_t clk;		/* fake TSC */

/* ---- helpers ---- */

/* Advance the fake clock and let expiry sweep the whole table. */
static void
tick(uint64_t seconds)
{
	struct nat_conf c;

	nat_conf_get(&c);
	clk += seconds * dp.hz;
	for (uint32_t i = 0; i < c.max_sessions / 1024 + 2; i++)
		nat_timer(clk);
}

static struct rte_ipv4_hdr *
iph(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
}

static void *
l4(struct rte_mbuf *m)
{
	return (uint8_t *)iph(m) + rte_ipv4_hdr_len(iph(m));
}

/* A frame as the harness makes it, its data moved to the IPv4 header. */
static struct rte_mbuf *
at_ip(struct rte_mbuf *m)
{
	rte_pktmbuf_adj(m, sizeof(struct rte_ether_hdr));
	return m;
}

static struct rte_mbuf *
udp(const char *src, const char *dst, uint16_t sp, uint16_t dp_, uint16_t len)
{
	return at_ip(dpt_udp(LAN_MAC, PEER_MAC, src, dst, sp, dp_, len));
}

/* An option-less TCP header at t, sp to dp_ with seq and flags, its window
 * open; the rest left as the buffer had it. */
static void
tcp_hdr(struct rte_tcp_hdr *t, uint16_t sp, uint16_t dp_, uint32_t seq, uint8_t flags)
{
	t->src_port = htons(sp);
	t->dst_port = htons(dp_);
	t->sent_seq = htonl(seq);
	t->data_off = 5 << 4;
	t->tcp_flags = flags;
	t->rx_win = htons(65535);
}

static struct rte_mbuf *
tcp(const char *src, const char *dst, uint16_t sp, uint16_t dp_, uint8_t flags)
{
	uint8_t buf[24] = { 0 };
	struct rte_tcp_hdr *t = (struct rte_tcp_hdr *)buf;
	struct rte_mbuf *m;

	tcp_hdr(t, sp, dp_, 1000, flags);
	memcpy(buf + 20, "abcd", 4);
	m = at_ip(dpt_ipv4(LAN_MAC, PEER_MAC, src, dst, IPPROTO_TCP, 64, buf, sizeof(buf)));
	t = l4(m);
	t->cksum = rte_ipv4_udptcp_cksum(iph(m), t);
	return m;
}

static struct rte_mbuf *
echo(const char *src, const char *dst, uint16_t id, bool reply)
{
	struct rte_mbuf *m = at_ip(dpt_echo(LAN_MAC, PEER_MAC, src, dst, id, 1, 16));
	struct rte_icmp_hdr *ic = l4(m);

	if (reply) {
		ic->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
		ic->icmp_cksum = 0;
		ic->icmp_cksum = dpt_cksum(ic, 24);
	}
	return m;
}

/* Independent checks: IP header, and the transport checksum over the
 * pseudo-header (TCP/UDP) or the message (ICMP). */
static void
check_sums(const struct rte_ipv4_hdr *ip)
{
	uint16_t len = ntohs(ip->total_length) - rte_ipv4_hdr_len(ip);
	const uint8_t *p = (const uint8_t *)ip + rte_ipv4_hdr_len(ip);
	uint8_t buf[4096];

	assert_int_equal(dpt_cksum(ip, rte_ipv4_hdr_len(ip)), 0);
	if (ip->next_proto_id == IPPROTO_ICMP) {
		assert_int_equal(dpt_cksum(p, len), 0);
		return;
	}
	if (ip->next_proto_id == IPPROTO_UDP && ((const struct rte_udp_hdr *)p)->dgram_cksum == 0)
		return;
	memcpy(buf, &ip->src_addr, 8);
	buf[8] = 0;
	buf[9] = ip->next_proto_id;
	buf[10] = len >> 8;
	buf[11] = len & 0xff;
	memcpy(buf + 12, p, len);
	assert_int_equal(dpt_cksum(buf, 12u + len), 0);
}

static void
check_ip(struct rte_mbuf *m, const char *src, uint16_t sp, const char *dst, uint16_t dp_)
{
	struct rte_ipv4_hdr *ip = iph(m);
	uint16_t *ports = l4(m);

	assert_int_equal(ntohl(ip->src_addr), dpt_ip(src));
	assert_int_equal(ntohl(ip->dst_addr), dpt_ip(dst));
	if (ip->next_proto_id != IPPROTO_ICMP) {
		assert_int_equal(ntohs(ports[0]), sp);
		assert_int_equal(ntohs(ports[1]), dp_);
	}
	check_sums(ip);
}

/* Through both hooks as ip4_input would: in on in, out on out. */
static enum nat_verdict
through(struct rte_mbuf *m, uint16_t in, uint16_t out)
{
	enum nat_verdict v = nat_prerouting(&w, m, in);

	if (v != NAT_PASS)
		return v;
	return nat_postrouting(&w, m, in, out);
}

static uint16_t
sport(struct rte_mbuf *m)
{
	return ntohs(((uint16_t *)l4(m))[0]);
}

/* m through the hooks from port in to out, leaving as src:sp -> dst:dp. */
static void
passed_as(struct rte_mbuf *m, uint16_t in, uint16_t out, const char *src, uint16_t sp,
	  const char *dst, uint16_t dp_)
{
	assert_int_equal(through(m, in, out), NAT_PASS);
	check_ip(m, src, sp, dst, dp_);
	rte_pktmbuf_free(m);
}

/* m out from the LAN to the WAN, passed (translated or not). */
static void
out1(struct rte_mbuf *m)
{
	assert_int_equal(through(m, LAN, WAN), NAT_PASS);
	rte_pktmbuf_free(m);
}

/* m in from the WAN to the LAN, passed. */
static void
in1(struct rte_mbuf *m)
{
	assert_int_equal(through(m, WAN, LAN), NAT_PASS);
	rte_pktmbuf_free(m);
}

/* A's flow from port ap to R:80 through the three-way handshake. */
static void
tcp_established(uint16_t ap)
{
	out1(tcp(A, R, ap, 80, RTE_TCP_SYN_FLAG));
	in1(tcp(R, W, 80, ap, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG));
	out1(tcp(A, R, ap, 80, RTE_TCP_ACK_FLAG));
}

/* nat_conf_set of max_sessions n alone: new tables for n sessions. */
static void
set_max_sessions(uint32_t n)
{
	struct nat_conf c = { .max_sessions = n };

	assert_int_equal(nat_conf_set(&c), 0);
}

/* m passed by both hooks from in to out with its first len bytes as they
 * came (freed). */
static void
passed_untouched(struct rte_mbuf *m, uint16_t in, uint16_t out, size_t len)
{
	uint8_t before[64];

	assert_true(len <= sizeof(before));
	memcpy(before, iph(m), len);
	assert_int_equal(through(m, in, out), NAT_PASS);
	assert_memory_equal(before, iph(m), len);
	rte_pktmbuf_free(m);
}

/* m passed by prerouting on in with its first len bytes as they came: left
 * to local delivery (freed). */
static void
left_to_local(struct rte_mbuf *m, uint16_t in, size_t len)
{
	uint8_t before[64];

	assert_true(len <= sizeof(before));
	memcpy(before, iph(m), len);
	assert_int_equal(nat_prerouting(&w, m, in), NAT_PASS);
	assert_memory_equal(before, iph(m), len);
	rte_pktmbuf_free(m);
}

/* Into q the IP packet m as it stands, what an ICMP error about it
 * quotes; m freed.  Returns its length. */
static uint16_t
quote_of(struct rte_mbuf *m, uint8_t *q)
{
	uint16_t len = ntohs(iph(m)->total_length);

	memcpy(q, iph(m), len);
	rte_pktmbuf_free(m);
	return len;
}

static uint32_t
rule(uint8_t kind, uint16_t port, const char *src, uint8_t len, uint8_t filter)
{
	struct nat_rule_spec r = { .kind = kind, .port = port, .filter = filter };

	if (src != NULL) {
		r.has_src = true;
		r.src = dpt_ip(src);
		r.src_len = len;
	}
	assert_int_equal(nat_rule_add(&r), 0);
	return r.id;
}

/* snat out of the WAN from src/24 to the addresses first..last. */
static struct nat_rule_spec
snat_spec(const char *src, const char *first, const char *last)
{
	return (struct nat_rule_spec){ .kind = SLUICE_NAT_SNAT, .port = WAN, .has_src = true,
				       .src = dpt_ip(src), .src_len = 24,
				       .addr_min = dpt_ip(first), .addr_max = dpt_ip(last) };
}

/* snat from src/24 to 203.0.113.50, ports lo..hi. */
static void
pool_rule(const char *src, uint16_t lo, uint16_t hi)
{
	struct nat_rule_spec r = snat_spec(src, "203.0.113.50", "203.0.113.50");

	r.port_min = lo;
	r.port_max = hi;
	assert_int_equal(nat_rule_add(&r), 0);
}

static int
del_cb(const struct nat_rule_spec *r, void *arg)
{
	*(uint32_t *)arg = r->id;
	return 1;
}

static int
setup(void **state)
{
	uint32_t id;
	struct nat_rule_spec r;

	(void)state;
	while ((id = 0, nat_rule_walk(del_cb, &id), id != 0)) {
		r.id = id;
		assert_int_equal(nat_rule_del(&r, true), 0);
	}
	nat_sess_flush();
	assert_false(nat_enabled);
	return 0;
}

static int
teardown(void **state)
{
	struct rte_mbuf *p[8];
	unsigned int n;

	(void)state;
	setup(state);
	dpt_tx_clear(&w);
	while ((n = dpt_punted(p, 8)) > 0)
		rte_pktmbuf_free_bulk(p, n);
	while ((n = dpt_sent(p, 8)) > 0)
		rte_pktmbuf_free_bulk(p, n);
	assert_int_equal(dpt_mbufs_in_use(), 0);
	return 0;
}

struct find {
	uint8_t proto;
	uint32_t in_addr;
	uint16_t in_port;
	struct nat_sess_info got;
	unsigned int n;
};

static int
find_cb(const struct nat_sess_info *s, void *arg)
{
	struct find *f = arg;

	if (s->proto == f->proto && s->in_addr == f->in_addr && s->in_port == f->in_port) {
		f->got = *s;
		f->n++;
	}
	return 0;
}

static unsigned int
sessions_of(uint8_t proto, const char *in, uint16_t port, struct nat_sess_info *out)
{
	struct find f = { .proto = proto, .in_addr = dpt_ip(in), .in_port = port };

	nat_sess_walk(find_cb, &f);
	if (out != NULL)
		*out = f.got;
	return f.n;
}

/* The one session of in:port (proto) is there secs - 1 seconds from now and
 * gone a second later. */
static void
expires_in(uint8_t proto, const char *in, uint16_t port, uint64_t secs)
{
	tick(secs - 1);
	assert_int_equal(sessions_of(proto, in, port, NULL), 1);
	tick(1);
	assert_int_equal(sessions_of(proto, in, port, NULL), 0);
}

/* ---- tests ---- */

static void
test_udp_both_ways(void **state)
{
	(void)state;
	rule(SLUICE_NAT_MASQUERADE, WAN, "10.0.0.0", 24, 0);
	assert_true(nat_enabled);

	passed_as(udp(A, R, 5000, 53, 12), LAN, WAN, W, 5000, R, 53);	/* port preserved */

	passed_as(udp(R, W, 53, 5000, 12), WAN, LAN, R, 53, A, 5000);

	/* Traffic not leaving through the rule's port is not translated. */
	passed_untouched(udp(A, "10.0.0.9", 5000, 53, 12), LAN, LAN, 48);
	assert_int_equal(dpt_nat_counter("sessions_active"), 1);
}

static void
test_udp_zero_checksum(void **state)
{
	struct rte_mbuf *m;
	struct rte_udp_hdr *u;

	(void)state;
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, 0);
	m = udp(A, R, 5100, 53, 9);
	u = l4(m);
	u->dgram_cksum = 0;
	assert_int_equal(through(m, LAN, WAN), NAT_PASS);
	check_ip(m, W, 5100, R, 53);
	assert_int_equal(((struct rte_udp_hdr *)l4(m))->dgram_cksum, 0);
	rte_pktmbuf_free(m);

	m = udp(R, W, 53, 5100, 9);
	((struct rte_udp_hdr *)l4(m))->dgram_cksum = 0;
	assert_int_equal(through(m, WAN, LAN), NAT_PASS);
	check_ip(m, R, 53, A, 5100);
	assert_int_equal(((struct rte_udp_hdr *)l4(m))->dgram_cksum, 0);
	rte_pktmbuf_free(m);
}

static void
test_tcp_both_ways(void **state)
{
	struct nat_sess_info s;

	(void)state;
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, 0);
	passed_as(tcp(A, R, 40000, 80, RTE_TCP_SYN_FLAG), LAN, WAN, W, 40000, R, 80);
	assert_int_equal(sessions_of(IPPROTO_TCP, A, 40000, &s), 1);
	assert_int_equal(s.state, SLUICE_NAT_STATE_SYN_SENT);
	assert_int_equal(s.out_addr, dpt_ip(W));
	assert_int_equal(s.rem_addr, dpt_ip(R));
	assert_int_equal(s.rem_port, 80);

	passed_as(tcp(R, W, 80, 40000, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG), WAN, LAN,
		  R, 80, A, 40000);
	sessions_of(IPPROTO_TCP, A, 40000, &s);
	assert_int_equal(s.state, SLUICE_NAT_STATE_ESTABLISHED);
	assert_int_equal(s.packets, 2);
}

static void
test_icmp_echo_ids(void **state)
{
	struct rte_mbuf *m;
	uint16_t id_b;
	struct rte_icmp_hdr *ic;

	(void)state;
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, 0);
	m = echo(A, R, 77, false);
	assert_int_equal(through(m, LAN, WAN), NAT_PASS);
	check_ip(m, W, 0, R, 0);
	assert_int_equal(ntohs(((struct rte_icmp_hdr *)l4(m))->icmp_ident), 77);
	rte_pktmbuf_free(m);

	/* B with the same identifier needs another one outside. */
	m = echo(B, R, 77, false);
	assert_int_equal(through(m, LAN, WAN), NAT_PASS);
	check_ip(m, W, 0, R, 0);
	id_b = ntohs(((struct rte_icmp_hdr *)l4(m))->icmp_ident);
	assert_int_not_equal(id_b, 77);
	rte_pktmbuf_free(m);

	m = echo(R, W, id_b, true);
	assert_int_equal(through(m, WAN, LAN), NAT_PASS);
	check_ip(m, R, 0, B, 0);
	ic = l4(m);
	assert_int_equal(ntohs(ic->icmp_ident), 77);
	assert_int_equal(ic->icmp_type, RTE_IP_ICMP_ECHO_REPLY);
	rte_pktmbuf_free(m);

	passed_as(echo(R, W, 77, true), WAN, LAN, R, 0, A, 0);

	/* A ping to the router itself is left for local delivery. */
	m = echo(R, W, 999, false);
	assert_int_equal(nat_prerouting(&w, m, WAN), NAT_PASS);
	check_ip(m, R, 0, W, 0);
	rte_pktmbuf_free(m);
}

/* An ICMP error from src to dst quoting the IP packet q (qlen bytes). */
static struct rte_mbuf *
icmp_err(const char *src, const char *dst, uint8_t type, uint8_t code, uint16_t mtu,
	 const void *q, uint16_t qlen)
{
	uint8_t buf[600];
	struct rte_icmp_hdr *ic = (struct rte_icmp_hdr *)buf;

	memset(buf, 0, sizeof(buf));
	ic->icmp_type = type;
	ic->icmp_code = code;
	if (mtu)
		ic->icmp_seq_nb = htons(mtu);
	memcpy(buf + 8, q, qlen);
	ic->icmp_cksum = dpt_cksum(buf, 8u + qlen);
	return at_ip(dpt_ipv4(LAN_MAC, PEER_MAC, src, dst, IPPROTO_ICMP, 64, buf, 8 + qlen));
}

/* The error m, after the NAT, quotes what the inside host sent (qsrc:qsp ->
 * qdst:qdp), with every checksum right. */
static void
check_err(struct rte_mbuf *m, const char *osrc, const char *odst, const char *qsrc,
	  uint16_t qsp, const char *qdst, uint16_t qdp, bool full_quote)
{
	struct rte_ipv4_hdr *ip = iph(m), *in;
	uint16_t *ports;

	assert_int_equal(ntohl(ip->src_addr), dpt_ip(osrc));
	assert_int_equal(ntohl(ip->dst_addr), dpt_ip(odst));
	check_sums(ip);			/* outer IP, ICMP over the message */
	in = (struct rte_ipv4_hdr *)((uint8_t *)l4(m) + 8);
	assert_int_equal(ntohl(in->src_addr), dpt_ip(qsrc));
	assert_int_equal(ntohl(in->dst_addr), dpt_ip(qdst));
	assert_int_equal(dpt_cksum(in, 20), 0);	/* embedded IP */
	ports = (uint16_t *)(in + 1);
	if (in->next_proto_id == IPPROTO_ICMP) {
		assert_int_equal(ntohs(ports[2]), qsp);	/* identifier */
	} else {
		assert_int_equal(ntohs(ports[0]), qsp);
		assert_int_equal(ntohs(ports[1]), qdp);
	}
	if (full_quote)
		check_sums(in);		/* embedded TCP/UDP/ICMP */
}

static void
test_icmp_errors(void **state)
{
	struct rte_mbuf *m, *e;
	uint8_t q[128];
	uint16_t qlen, x;
	uint64_t untr;

	(void)state;
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, 0);
	/* Port 7 is taken by another inside host first: A's 7 becomes x. */
	m = udp(B, R, 7, 9, 4);
	assert_int_equal(through(m, LAN, WAN), NAT_PASS);
	rte_pktmbuf_free(m);
	m = udp(A, R, 7, 9, 20);
	assert_int_equal(through(m, LAN, WAN), NAT_PASS);
	x = sport(m);
	assert_int_not_equal(x, 7);
	assert_true(x < 1024);			/* below 1024 stays below */
	qlen = quote_of(m, q);		/* as it left: W:x -> R:9 */

	/* Port unreachable from the remote itself, whole datagram quoted. */
	e = icmp_err(R, W, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, q, qlen);
	assert_int_equal(through(e, WAN, LAN), NAT_PASS);
	check_err(e, R, A, A, 7, R, 9, true);
	rte_pktmbuf_free(e);

	/* Time exceeded from a router on the way, 8 bytes quoted. */
	e = icmp_err("203.0.113.9", W, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0, q, 28);
	assert_int_equal(through(e, WAN, LAN), NAT_PASS);
	check_err(e, "203.0.113.9", A, A, 7, R, 9, false);
	/* The quoted UDP checksum still matches the full original datagram. */
	{
		struct rte_ipv4_hdr *in = (struct rte_ipv4_hdr *)((uint8_t *)l4(e) + 8);
		struct rte_mbuf *orig = udp(A, R, 7, 9, 20);

		assert_memory_equal((uint8_t *)(in + 1) + 6,
				    (uint8_t *)l4(orig) + 6, 2);
		rte_pktmbuf_free(orig);
	}
	rte_pktmbuf_free(e);

	/* Fragmentation needed, with the MTU kept. */
	e = icmp_err(R, W, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 1400, q, qlen);
	assert_int_equal(through(e, WAN, LAN), NAT_PASS);
	check_err(e, R, A, A, 7, R, 9, true);
	assert_int_equal(ntohs(((struct rte_icmp_hdr *)l4(e))->icmp_seq_nb), 1400);
	rte_pktmbuf_free(e);

	/* About an echo request B sent. */
	m = echo(B, R, 4242, false);
	assert_int_equal(through(m, LAN, WAN), NAT_PASS);
	qlen = quote_of(m, q);
	e = icmp_err("203.0.113.9", W, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0, q, qlen);
	assert_int_equal(through(e, WAN, LAN), NAT_PASS);
	check_err(e, "203.0.113.9", B, B, 4242, R, 0, true);
	rte_pktmbuf_free(e);

	/* About nothing we translated: dropped and counted. */
	untr = dpt_nat_counter("icmp_untranslatable");
	m = udp(W, R, 33333, 9, 8);
	qlen = quote_of(m, q);
	e = icmp_err(R, W, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, q, qlen);
	assert_int_equal(through(e, WAN, LAN), NAT_DROP);
	assert_int_equal(dpt_nat_counter("icmp_untranslatable"), untr + 1);

	/* RFC 5508 REQ-3/3a: a bad ICMP checksum, or a bad quoted IP header
	 * checksum, and the error about A's flow is dropped too. */
	m = udp(W, R, x, 9, 8);
	qlen = quote_of(m, q);
	e = icmp_err(R, W, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, q, qlen);
	((struct rte_icmp_hdr *)l4(e))->icmp_cksum ^= 0x0101;
	assert_int_equal(through(e, WAN, LAN), NAT_DROP);
	q[10] ^= 0x01;				/* the quoted header's checksum */
	e = icmp_err(R, W, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, q, qlen);
	assert_int_equal(through(e, WAN, LAN), NAT_DROP);
	assert_int_equal(dpt_nat_counter("icmp_untranslatable"), untr + 3);
	q[10] ^= 0x01;				/* the same, whole, gets through */
	e = icmp_err(R, W, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, q, qlen);
	assert_int_equal(through(e, WAN, LAN), NAT_PASS);
	check_err(e, R, A, A, 7, R, 9, true);
	rte_pktmbuf_free(e);
	assert_int_equal(dpt_mbufs_in_use(), 0);
}

/* An ICMP query message of type (RFC 792/950: an 8-byte header with the
 * identifier where echo's is, then len bytes of body), as a host sends it. */
static struct rte_mbuf *
query(const char *src, const char *dst, uint8_t type, uint16_t id, uint16_t len)
{
	uint8_t buf[64] = { 0 };
	struct rte_icmp_hdr *ic = (struct rte_icmp_hdr *)buf;

	ic->icmp_type = type;
	ic->icmp_ident = htons(id);
	ic->icmp_seq_nb = htons(3);
	for (uint16_t i = 0; i < len; i++)
		buf[8 + i] = (uint8_t)(0x51 + 7 * i);
	ic->icmp_cksum = dpt_cksum(buf, 8u + len);
	return at_ip(dpt_ipv4(LAN_MAC, PEER_MAC, src, dst, IPPROTO_ICMP, 64, buf, 8 + len));
}

/* m through the hooks from port in to out begins with the bytes of want,
 * every checksum right (both freed). */
static void
passed_like(struct rte_mbuf *m, uint16_t in, uint16_t out, struct rte_mbuf *want)
{
	assert_int_equal(through(m, in, out), NAT_PASS);
	assert_memory_equal(iph(m), iph(want), rte_pktmbuf_data_len(want));
	check_sums(iph(m));
	rte_pktmbuf_free(want);
	rte_pktmbuf_free(m);
}

/* RFC 5508 REQ-1: Timestamp, Information and Address Mask queries go as
 * echo does, the identifier mapped like a port; the reply finds the
 * request's session; an error quoting a request is translated. */
static void
test_icmp_query_types(void **state)
{
	static const uint8_t pairs[][3] = {	/* request, reply, body */
		{ ICMP_TIMESTAMP, ICMP_TIMESTAMPREPLY, 12 },
		{ ICMP_INFO_REQUEST, ICMP_INFO_REPLY, 0 },
		{ ICMP_ADDRESS, ICMP_ADDRESSREPLY, 4 },
	};
	uint64_t untr = dpt_nat_counter("untranslatable_drops");
	struct rte_mbuf *m, *want, *e;
	uint8_t q[64];
	uint16_t x, qlen;

	(void)state;
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, 0);
	/* B's ping holds identifier 77 outside: A's 77 must be remapped. */
	out1(echo(B, R, 77, false));

	m = query(A, R, ICMP_TIMESTAMP, 77, 12);
	assert_int_equal(through(m, LAN, WAN), NAT_PASS);
	x = ntohs(((struct rte_icmp_hdr *)l4(m))->icmp_ident);
	assert_int_not_equal(x, 77);
	want = query(W, R, ICMP_TIMESTAMP, x, 12);
	assert_int_equal(rte_pktmbuf_data_len(m), rte_pktmbuf_data_len(want));
	assert_memory_equal(iph(m), iph(want), rte_pktmbuf_data_len(want));
	check_sums(iph(m));
	rte_pktmbuf_free(want);
	qlen = quote_of(m, q);			/* as it left */
	assert_int_equal(sessions_of(IPPROTO_ICMP, A, 77, NULL), 1);

	passed_like(query(R, W, ICMP_TIMESTAMPREPLY, x, 12), WAN, LAN,
		    query(R, A, ICMP_TIMESTAMPREPLY, 77, 12));

	/* An error quoting the request comes back to A about 77. */
	e = icmp_err("203.0.113.9", W, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0, q, qlen);
	assert_int_equal(through(e, WAN, LAN), NAT_PASS);
	check_err(e, "203.0.113.9", A, A, 77, R, 0, true);
	rte_pktmbuf_free(e);

	for (unsigned int i = 0; i < RTE_DIM(pairs); i++) {
		uint16_t id = (uint16_t)(900 + i);

		passed_like(query(A, R2, pairs[i][0], id, pairs[i][2]), LAN, WAN,
			    query(W, R2, pairs[i][0], id, pairs[i][2]));
		passed_like(query(R2, W, pairs[i][1], id, pairs[i][2]), WAN, LAN,
			    query(R2, A, pairs[i][1], id, pairs[i][2]));
	}
	assert_int_equal(dpt_nat_counter("untranslatable_drops"), untr);
}

static void
test_endpoint_independent_mapping(void **state)
{
	struct rte_mbuf *m;
	uint16_t p1, p2;

	(void)state;
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, 0);
	/* Another host holds 6000 outside, so A's mapping is not trivial. */
	m = udp(B, R, 6000, 1, 4);
	through(m, LAN, WAN);
	rte_pktmbuf_free(m);
	m = udp(A, R, 6000, 53, 4);
	assert_int_equal(through(m, LAN, WAN), NAT_PASS);
	p1 = sport(m);
	rte_pktmbuf_free(m);
	m = udp(A, R2, 6000, 5353, 4);
	assert_int_equal(through(m, LAN, WAN), NAT_PASS);
	p2 = sport(m);
	check_ip(m, W, p2, R2, 5353);
	rte_pktmbuf_free(m);
	assert_int_not_equal(p1, 6000);
	assert_true(p1 >= 1024);
	assert_int_equal(p1, p2);
	assert_int_equal(sessions_of(IPPROTO_UDP, A, 6000, NULL), 2);

	/* RFC 5382 REQ-1, the same for TCP: B holds 6001, A's 6001 gets
	 * another port, and keeps it to a second destination. */
	passed_as(tcp(B, R, 6001, 80, RTE_TCP_SYN_FLAG), LAN, WAN, W, 6001, R, 80);
	m = tcp(A, R, 6001, 80, RTE_TCP_SYN_FLAG);
	assert_int_equal(through(m, LAN, WAN), NAT_PASS);
	p1 = sport(m);
	check_ip(m, W, p1, R, 80);
	rte_pktmbuf_free(m);
	passed_as(tcp(A, R2, 6001, 443, RTE_TCP_SYN_FLAG), LAN, WAN, W, p1, R2, 443);
	assert_int_not_equal(p1, 6001);
	assert_true(p1 >= 1024);
	/* Both destinations answer to the one port, each reaching A. */
	passed_as(tcp(R2, W, 443, p1, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG), WAN, LAN,
		  R2, 443, A, 6001);
	passed_as(tcp(R, W, 80, p1, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG), WAN, LAN, R, 80, A, 6001);
	assert_int_equal(sessions_of(IPPROTO_TCP, A, 6001, NULL), 2);
}

static void
test_filtering(void **state)
{
	struct rte_mbuf *m;
	struct nat_rule_spec r = { .kind = SLUICE_NAT_MASQUERADE, .port = WAN };

	(void)state;
	/* Address-and-port-dependent (default). */
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, SLUICE_NAT_FILTER_APDF);
	m = udp(A, R, 7000, 53, 4);
	through(m, LAN, WAN);
	rte_pktmbuf_free(m);
	left_to_local(udp(R2, W, 99, 7000, 4), WAN, 40);	/* unsolicited source */
	left_to_local(udp(R, W, 54, 7000, 4), WAN, 40);		/* right address, other port */
	assert_int_equal(sessions_of(IPPROTO_UDP, A, 7000, NULL), 1);

	/* Endpoint-independent: the same source now gets in. */
	assert_int_equal(nat_rule_del(&r, false), 0);
	assert_int_equal(nat_rule_del(&r, false), -ENOENT);
	assert_int_equal(sessions_of(IPPROTO_UDP, A, 7000, NULL), 0);
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, SLUICE_NAT_FILTER_EIF);
	m = udp(A, R, 7000, 53, 4);
	through(m, LAN, WAN);
	rte_pktmbuf_free(m);
	passed_as(udp(R2, W, 99, 7000, 4), WAN, LAN, R2, 99, A, 7000);
	/* ... and A's answer leaves from the same mapping. */
	passed_as(udp(A, R2, 7000, 99, 4), LAN, WAN, W, 7000, R2, 99);
	assert_int_equal(sessions_of(IPPROTO_UDP, A, 7000, NULL), 2);
}

/* RFC 7857 EIF mapping refresh: under endpoint-independent filtering a
 * session is refreshed by the inside host's packets only, whichever side
 * opened it.  A packet from a new remote opens a session of its own,
 * which holds the mapping for a timeout from then. */
static void
test_eif_refresh(void **state)
{
	struct rte_mbuf *m;

	(void)state;
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, SLUICE_NAT_FILTER_EIF);
	tick(1);
	out1(udp(A, R, 7100, 53, 4));			/* t = 0: A -> R */
	tick(100);
	in1(udp(R2, W, 99, 7100, 4));			/* t = 100: new remote R2 */
	tick(100);
	in1(udp(R2, W, 99, 7100, 4));			/* t = 200: R2 again */
	in1(udp(R, W, 53, 7100, 4));			/* and R */
	tick(99);
	assert_int_equal(sessions_of(IPPROTO_UDP, A, 7100, NULL), 2);
	tick(1);					/* t = 300: R's session */
	assert_int_equal(sessions_of(IPPROTO_UDP, A, 7100, NULL), 1);
	/* R2's session holds the mapping past A's last packet + 300 s,
	 * and still takes R2 in; that does not refresh it either. */
	tick(50);					/* t = 350 */
	passed_as(udp(R2, W, 99, 7100, 4), WAN, LAN, R2, 99, A, 7100);
	expires_in(IPPROTO_UDP, A, 7100, 50);		/* gone at t = 400: 100 + 300 */
	m = udp(R2, W, 99, 7100, 4);			/* no mapping now */
	assert_int_equal(nat_prerouting(&w, m, WAN), NAT_PASS);
	check_ip(m, R2, 99, W, 7100);			/* left to local delivery */
	rte_pktmbuf_free(m);

	/* An outbound packet on a session opened inbound refreshes it. */
	out1(udp(A, R, 7101, 53, 4));			/* t = 400 */
	tick(100);
	in1(udp(R2, W, 99, 7101, 4));			/* t = 500: opened by R2 */
	tick(250);					/* t = 750: A's first gone */
	assert_int_equal(sessions_of(IPPROTO_UDP, A, 7101, NULL), 1);
	out1(udp(A, R2, 7101, 99, 4));			/* A answers R2 */
	expires_in(IPPROTO_UDP, A, 7101, 300);		/* gone at t = 1050 */
}

static void
test_timeouts(void **state)
{
	uint64_t expired = dpt_nat_counter("sessions_expired");
	struct nat_conf c = { 0 };
	struct nat_sess_info si;

	(void)state;
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, 0);
	tick(1);
	/* UDP: 300 s, refreshed by outbound packets only. */
	out1(udp(A, R, 8000, 53, 4));
	tick(200);
	in1(udp(R, W, 53, 8000, 4));
	expires_in(IPPROTO_UDP, A, 8000, 100);
	assert_int_equal(dpt_nat_counter("sessions_expired"), expired + 1);

	out1(udp(A, R, 8001, 53, 4));
	tick(200);
	out1(udp(A, R, 8001, 53, 4));
	expires_in(IPPROTO_UDP, A, 8001, 300);

	/* TCP: transitory (SYN only) 240 s. */
	out1(tcp(A, R, 8002, 80, RTE_TCP_SYN_FLAG));
	expires_in(IPPROTO_TCP, A, 8002, 240);

	/* Established 7440 s; after a FIN transitory again. */
	tcp_established(8003);
	tick(7439);
	assert_int_equal(sessions_of(IPPROTO_TCP, A, 8003, NULL), 1);
	out1(tcp(A, R, 8003, 80, RTE_TCP_FIN_FLAG | RTE_TCP_ACK_FLAG));
	expires_in(IPPROTO_TCP, A, 8003, 240);

	out1(tcp(A, R, 8004, 80, RTE_TCP_SYN_FLAG));
	in1(tcp(R, W, 80, 8004, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG));
	tick(7440);
	assert_int_equal(sessions_of(IPPROTO_TCP, A, 8004, NULL), 0);

	/* RFC 7857 TCP RST: an established session a RST crosses is
	 * translated and then transitory, 240 s, not 7440 s. */
	tcp_established(8008);
	tick(1000);
	assert_int_equal(sessions_of(IPPROTO_TCP, A, 8008, &si), 1);
	assert_int_equal(si.state, SLUICE_NAT_STATE_ESTABLISHED);
	passed_as(tcp(R, W, 80, 8008, RTE_TCP_RST_FLAG), WAN, LAN, R, 80, A, 8008);
	assert_int_equal(sessions_of(IPPROTO_TCP, A, 8008, &si), 1);
	assert_int_equal(si.state, SLUICE_NAT_STATE_CLOSED);
	expires_in(IPPROTO_TCP, A, 8008, 240);

	/* ICMP 60 s. */
	out1(echo(A, R, 8005, false));
	expires_in(IPPROTO_ICMP, A, 8005, 60);

	/* Configured timeouts; UDP never below 120 s, TCP established
	 * below 7440 s, ICMP below 60 s. */
	c.timeout_udp = 119;
	assert_int_equal(nat_conf_set(&c), -EINVAL);
	c = (struct nat_conf){ .timeout_tcp_est = 7439 };
	assert_int_equal(nat_conf_set(&c), -EINVAL);
	c = (struct nat_conf){ .timeout_icmp = 59 };
	assert_int_equal(nat_conf_set(&c), -EINVAL);
	c.timeout_udp = 150;
	c.timeout_icmp = 70;
	assert_int_equal(nat_conf_set(&c), 0);
	out1(udp(A, R, 8006, 53, 4));
	out1(echo(A, R, 8007, false));
	tick(70);
	assert_int_equal(sessions_of(IPPROTO_ICMP, A, 8007, NULL), 0);
	expires_in(IPPROTO_UDP, A, 8006, 80);
	c = (struct nat_conf){ .timeout_udp = SLUICE_NAT_TIMEOUT_UDP_DEFAULT,
			       .timeout_icmp = SLUICE_NAT_TIMEOUT_ICMP_DEFAULT };
	assert_int_equal(nat_conf_set(&c), 0);

	/* RFC 7857 allows a transitory timeout below 4 min: 1 s is taken
	 * and used, for a SYN alone and after a RST; established ones keep
	 * theirs. */
	c = (struct nat_conf){ .timeout_tcp_trans = 1 };
	assert_int_equal(nat_conf_set(&c), 0);
	out1(tcp(A, R, 8009, 80, RTE_TCP_SYN_FLAG));
	tcp_established(8010);
	tick(1);
	assert_int_equal(sessions_of(IPPROTO_TCP, A, 8009, NULL), 0);
	assert_int_equal(sessions_of(IPPROTO_TCP, A, 8010, NULL), 1);
	out1(tcp(A, R, 8010, 80, RTE_TCP_RST_FLAG));
	tick(1);
	assert_int_equal(sessions_of(IPPROTO_TCP, A, 8010, NULL), 0);
	c = (struct nat_conf){ .timeout_tcp_trans = SLUICE_NAT_TIMEOUT_TCP_TRANS_DEFAULT };
	assert_int_equal(nat_conf_set(&c), 0);
}

static void
dnat_rule(void)
{
	struct nat_rule_spec r = { .kind = SLUICE_NAT_DNAT, .port = WAN, .proto = IPPROTO_TCP,
				   .dport_min = 8080, .dport_max = 8080,
				   .addr_min = dpt_ip(B), .port_min = 80, .port_max = 80 };

	assert_int_equal(nat_rule_add(&r), 0);
	assert_int_equal(nat_rule_add(&r), -EEXIST);
}

static void
test_dnat_keeps_client(void **state)
{
	struct rte_mbuf *m;
	struct nat_sess_info s;

	(void)state;
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, 0);
	dnat_rule();
	/* The client's address is kept. */
	passed_as(tcp(R, W, 5555, 8080, RTE_TCP_SYN_FLAG), WAN, LAN, R, 5555, B, 80);
	passed_as(tcp(B, R, 80, 5555, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG), LAN, WAN,
		  W, 8080, R, 5555);
	assert_int_equal(sessions_of(IPPROTO_TCP, B, 80, &s), 1);
	assert_int_equal(s.out_port, 8080);
	assert_int_equal(s.rem_addr, dpt_ip(R));
	assert_int_equal(s.state, SLUICE_NAT_STATE_ESTABLISHED);

	/* A masquerade mapping never takes the forwarded port. */
	m = tcp(A, R, 8080, 80, RTE_TCP_SYN_FLAG);
	assert_int_equal(through(m, LAN, WAN), NAT_PASS);
	assert_int_not_equal(sport(m), 8080);
	rte_pktmbuf_free(m);
}

/* m, after the NAT, is byte for byte the packet exp (both freed). */
static void
same_bytes(struct rte_mbuf *m, struct rte_mbuf *exp)
{
	assert_int_equal(rte_pktmbuf_data_len(m), rte_pktmbuf_data_len(exp));
	assert_memory_equal(iph(m), iph(exp), rte_pktmbuf_data_len(exp));
	rte_pktmbuf_free(exp);
	rte_pktmbuf_free(m);
}

/* m through the hooks from port in to out becomes exp, byte for byte. */
static void
passed_to(struct rte_mbuf *m, uint16_t in, uint16_t out, struct rte_mbuf *exp)
{
	assert_int_equal(through(m, in, out), NAT_PASS);
	same_bytes(m, exp);
}

/* "dport N-M to ADDR:P": every port of the range reaches P (iptables'
 * DNAT); without ":P" each port is its own. */
static void
test_dnat_range_one_port(void **state)
{
	struct nat_rule_spec r = { .kind = SLUICE_NAT_DNAT, .port = WAN, .proto = IPPROTO_UDP,
				   .dport_min = 9000, .dport_max = 9002,
				   .addr_min = dpt_ip(B), .port_min = 7000, .port_max = 7000 };
	struct nat_rule_spec same = { .kind = SLUICE_NAT_DNAT, .port = WAN,
				      .proto = IPPROTO_UDP, .dport_min = 9100, .dport_max = 9101,
				      .addr_min = dpt_ip(B) };
	struct nat_rule_spec top = r;
	struct rte_mbuf *m;

	(void)state;
	assert_int_equal(nat_rule_add(&r), 0);
	assert_int_equal(nat_rule_add(&same), 0);

	passed_to(udp(R, W, 5000, 9000, 8), WAN, LAN, udp(R, B, 5000, 7000, 8));
	passed_to(udp(R, W, 5001, 9002, 8), WAN, LAN, udp(R, B, 5001, 7000, 8));
	/* The answers leave from the port each client asked for. */
	passed_to(udp(B, R, 7000, 5001, 8), LAN, WAN, udp(W, R, 9002, 5001, 8));
	passed_to(udp(B, R, 7000, 5000, 8), LAN, WAN, udp(W, R, 9000, 5000, 8));
	/* One client endpoint to two ports of the range would be one
	 * endpoint at B for both: the second is refused, the first kept. */
	m = udp(R, W, 5000, 9001, 8);
	assert_int_equal(through(m, WAN, LAN), NAT_DROP);
	passed_to(udp(B, R, 7000, 5000, 8), LAN, WAN, udp(W, R, 9000, 5000, 8));

	passed_to(udp(R, W, 5002, 9101, 8), WAN, LAN, udp(R, B, 5002, 9101, 8));
	passed_to(udp(B, R, 9101, 5002, 8), LAN, WAN, udp(W, R, 9101, 5002, 8));

	/* One port near the top takes a range: nothing runs past 65535. */
	top.proto = IPPROTO_TCP;
	top.port_min = top.port_max = 65535;
	assert_int_equal(nat_rule_add(&top), 0);
	passed_as(tcp(R, W, 5003, 9002, RTE_TCP_SYN_FLAG), WAN, LAN, R, 5003, B, 65535);
}

/* A reaches its neighbour B's service through the public address, from
 * port ap, and B's answer comes back: the public port A's mapping got. */
static uint16_t
hairpin_dnat(uint16_t ap)
{
	struct rte_mbuf *m = tcp(A, W, ap, 8080, RTE_TCP_SYN_FLAG);
	uint16_t y;

	assert_int_equal(through(m, LAN, LAN), NAT_PASS);
	y = sport(m);
	check_ip(m, W, y, B, 80);
	rte_pktmbuf_free(m);
	passed_as(tcp(B, W, 80, y, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG), LAN, LAN, W, 8080, A, ap);
	return y;
}

static void
test_hairpin(void **state)
{
	struct rte_mbuf *m;
	uint16_t y;

	(void)state;
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, 0);
	dnat_rule();
	(void)hairpin_dnat(40001);
	/* A's own port taken on the public address (B's mapping keeps it):
	 * the hairpin's mapping draws another, and B's reply (to the
	 * server's reverse flow, not the public endpoint's) finds it. */
	m = tcp(B, R, 40002, 80, RTE_TCP_SYN_FLAG);
	assert_int_equal(through(m, LAN, WAN), NAT_PASS);
	assert_int_equal(sport(m), 40002);
	rte_pktmbuf_free(m);
	assert_int_not_equal(hairpin_dnat(40002), 40002);

	/* And another host's endpoint-independent mapping. */
	assert_int_equal(nat_rule_del(&(struct nat_rule_spec){ .kind = SLUICE_NAT_MASQUERADE,
							       .port = WAN }, false), 0);
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, SLUICE_NAT_FILTER_EIF);
	out1(udp(B, R, 9000, 53, 4));
	m = udp(A, W, 9001, 9000, 4);
	assert_int_equal(through(m, LAN, LAN), NAT_PASS);
	y = sport(m);
	check_ip(m, W, y, B, 9000);
	rte_pktmbuf_free(m);
	passed_as(udp(B, W, 9000, y, 4), LAN, LAN, W, 9000, A, 9001);
}

/*
 * A dnat hairpin from a host that an snat pool translates, before it has
 * any mapping: the server sees it from its pool mapping (RFC 4787 REQ-9a),
 * not from the dnat's address, and the host's later flow out from the
 * same port leaves from that same mapping, in the pool and its ports,
 * where it used to leave from the router's address and an unpooled port.
 */
static void
test_hairpin_dnat_pool(void **state)
{
	struct rte_mbuf *m;
	uint16_t y;

	(void)state;
	pool_rule("10.0.0.0", 2000, 2003);
	dnat_rule();				/* W:8080 -> B:80 */
	m = tcp(A, W, 40010, 8080, RTE_TCP_SYN_FLAG);
	assert_int_equal(through(m, LAN, LAN), NAT_PASS);
	y = sport(m);
	assert_true(y >= 2000 && y <= 2003);
	check_ip(m, "203.0.113.50", y, B, 80);
	rte_pktmbuf_free(m);
	passed_as(tcp(B, "203.0.113.50", 80, y, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG), LAN, LAN,
		  W, 8080, A, 40010);
	passed_as(tcp(A, R, 40010, 443, RTE_TCP_SYN_FLAG), LAN, WAN, "203.0.113.50", y, R, 443);
}

/* ---- ICMP errors the router makes about translated packets ---- */

#define A_MAC "02:00:00:00:00:22"

/* A TCP frame from src_mac to dst_mac with ttl, plen bytes of payload
 * after the header, DF when df; every checksum right. */
static struct rte_mbuf *
tcp_frame(const char *dst_mac, const char *src_mac, const char *src, const char *dst,
	  uint16_t sp, uint16_t dp_, uint8_t ttl, uint16_t plen, bool df)
{
	static uint8_t buf[1500];
	struct rte_tcp_hdr *t = (struct rte_tcp_hdr *)buf;
	struct rte_ipv4_hdr *ip;
	struct rte_mbuf *m;

	memset(buf, 0, sizeof(t[0]));
	tcp_hdr(t, sp, dp_, 0x01020304, RTE_TCP_SYN_FLAG);
	for (unsigned int i = 0; i < plen; i++)
		buf[20 + i] = (uint8_t)(i * 13 + 1);
	m = dpt_ipv4(dst_mac, src_mac, src, dst, IPPROTO_TCP, ttl, buf, 20 + plen);
	ip = dpt_frame_ip(m);
	if (df) {
		ip->fragment_offset = htons(RTE_IPV4_HDR_DF_FLAG);
		dpt_fix_cksum(ip);
	}
	t = (struct rte_tcp_hdr *)(ip + 1);
	t->cksum = rte_ipv4_udptcp_cksum(ip, t);
	return m;
}

/*
 * f must be this ICMP error, byte for byte, built here from RFC 792/1191:
 * from src to dst (TOS 0xc0, TTL 64, id 0), type/code, the next-hop MTU,
 * quoting the 28 bytes at quote.
 */
static void
expect_error(struct rte_mbuf *f, const char *dmac, const char *smac, const char *src,
	     const char *dst, uint8_t type, uint8_t code, uint16_t mtu, const uint8_t *quote)
{
	uint8_t exp[14 + 20 + 8 + 28];
	uint8_t *ip = exp + 14, *ic = ip + 20;
	struct rte_ether_addr d = dpt_mac(dmac), s = dpt_mac(smac);
	uint32_t a;
	uint16_t ck;

	memset(exp, 0, sizeof(exp));
	memcpy(exp, d.addr_bytes, 6);
	memcpy(exp + 6, s.addr_bytes, 6);
	exp[12] = 0x08;
	ip[0] = 0x45;
	ip[1] = 0xc0;
	ip[3] = 20 + 8 + 28;
	ip[8] = 64;
	ip[9] = IPPROTO_ICMP;
	a = htonl(dpt_ip(src));
	memcpy(ip + 12, &a, 4);
	a = htonl(dpt_ip(dst));
	memcpy(ip + 16, &a, 4);
	ck = dpt_cksum(ip, 20);
	memcpy(ip + 10, &ck, 2);
	ic[0] = type;
	ic[1] = code;
	ic[6] = mtu >> 8;
	ic[7] = mtu & 0xff;
	memcpy(ic + 8, quote, 28);
	ck = dpt_cksum(ic, 8 + 28);
	memcpy(ic + 2, &ck, 2);
	assert_int_equal(rte_pktmbuf_pkt_len(f), sizeof(exp));
	assert_memory_equal(rte_pktmbuf_mtod(f, uint8_t *), exp, sizeof(exp));
}

/* The one frame the worker queued on port. */
static struct rte_mbuf *
queued1(uint16_t port)
{
	assert_int_equal(dpt_queued(&w), 1);
	assert_int_equal(w.tx[port].n, 1);
	return w.tx[port].m[0];
}

/*
 * A remote reaches W:8080, forwarded to B:80.  Errors the router makes
 * about the packet once prerouting rewrote its destination quote what the
 * remote sent (W:8080), as Linux does (nf_nat_icmp_reply_translation):
 * Time Exceeded, Fragmentation Needed with the LAN's MTU, Net Unreachable.
 */
static void
test_router_errors_about_dnat(void **state)
{
	struct rte_ether_addr rmac = dpt_mac(PEER_MAC);
	struct nat_rule_spec nr = { .kind = SLUICE_NAT_DNAT, .port = WAN, .proto = IPPROTO_TCP,
				    .dport_min = 8081, .dport_max = 8081,
				    .addr_min = dpt_ip("198.18.0.5"), .port_min = 81, .port_max = 81 };
	uint64_t ttl = dpt_drops(DROP_TTL), fn = dpt_drops(DROP_FRAG_NEEDED);
	uint64_t nr_drops = dpt_drops(DROP_NO_ROUTE), untr = dpt_nat_counter("icmp_untranslatable");
	uint8_t orig[28];
	struct rte_mbuf *m;

	(void)state;
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, 0);
	dnat_rule();
	assert_int_equal(nat_rule_add(&nr), 0);		/* to nowhere */
	assert_int_equal(neigh_add(WAN, dpt_ip(R), &rmac, true, 0), 0);

	/* TTL 1. */
	m = tcp_frame(WAN_MAC, PEER_MAC, R, W, 5555, 8080, 1, 4, false);
	memcpy(orig, dpt_frame_ip(m), 28);
	worker_input(&w, WAN, &m, 1);
	expect_error(queued1(WAN), PEER_MAC, WAN_MAC, W, R, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL,
		     0, orig);
	assert_int_equal(dpt_drops(DROP_TTL), ttl + 1);
	dpt_tx_clear(&w);

	/* 1500 bytes with DF toward a LAN of MTU 1400. */
	ports[LAN].mtu = 1400;
	m = tcp_frame(WAN_MAC, PEER_MAC, R, W, 5556, 8080, 64, 1460, true);
	memcpy(orig, dpt_frame_ip(m), 28);
	worker_input(&w, WAN, &m, 1);
	ports[LAN].mtu = 1500;
	expect_error(queued1(WAN), PEER_MAC, WAN_MAC, W, R, ICMP_DEST_UNREACH,
		     ICMP_FRAG_NEEDED, 1400, orig);
	assert_int_equal(dpt_drops(DROP_FRAG_NEEDED), fn + 1);
	dpt_tx_clear(&w);

	/* Forwarded to an address without a route. */
	m = tcp_frame(WAN_MAC, PEER_MAC, R, W, 5557, 8081, 64, 4, false);
	memcpy(orig, dpt_frame_ip(m), 28);
	worker_input(&w, WAN, &m, 1);
	expect_error(queued1(WAN), PEER_MAC, WAN_MAC, W, R, ICMP_DEST_UNREACH,
		     ICMP_NET_UNREACH, 0, orig);
	assert_int_equal(dpt_drops(DROP_NO_ROUTE), nr_drops + 1);
	dpt_tx_clear(&w);
	assert_int_equal(dpt_nat_counter("icmp_untranslatable"), untr);
	neigh_del(WAN, dpt_ip(R));
}

/* The frame the worker queued i-th on port, its data moved to the IPv4
 * header (it stays in the buffer). */
static struct rte_mbuf *
queued_ip(uint16_t port, unsigned int i)
{
	struct rte_mbuf *f = w.tx[port].m[i];
	static const uint8_t lan[6] = { 2, 0, 0, 0, 0, 0x22 }, peer[6] = { 2, 0, 0, 0, 1, 0x77 };

	/* The next hop's MAC, then ours. */
	assert_memory_equal(rte_pktmbuf_mtod(f, uint8_t *), port == LAN ? lan : peer, 6);
	return at_ip(f);
}

/*
 * Established TCP and UDP flows in bursts through worker_input, where
 * prerouting translates a session's packet whole (its source too, and
 * postrouting is skipped): the bytes and checksums each direction leaves
 * with, a zero UDP checksum kept, and the errors the router makes about
 * such a packet after prerouting (TTL 1, too big with DF) still quoting
 * what the inside host sent.
 */
static void
test_established_bursts(void **state)
{
	struct rte_ether_addr amac = dpt_mac(A_MAC), rmac = dpt_mac(PEER_MAC);
	struct rte_mbuf *m[4];
	uint8_t orig[28];

	(void)state;
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, 0);
	assert_int_equal(neigh_add(WAN, dpt_ip(R), &rmac, true, 0), 0);
	assert_int_equal(neigh_add(LAN, dpt_ip(A), &amac, true, 0), 0);
	/* The sessions, made by the first packets. */
	m[0] = tcp_frame(LAN_MAC, A_MAC, A, R, 40001, 80, 64, 4, false);
	m[1] = dpt_udp(LAN_MAC, A_MAC, A, R, 40002, 53, 9);
	m[2] = dpt_udp(LAN_MAC, A_MAC, A, R, 40003, 53, 9);
	((struct rte_udp_hdr *)(dpt_frame_ip(m[2]) + 1))->dgram_cksum = 0;
	worker_input(&w, LAN, m, 3);
	assert_int_equal(dpt_queued(&w), 3);
	dpt_tx_clear(&w);
	for (int round = 0; round < 2; round++) {
		m[0] = tcp_frame(LAN_MAC, A_MAC, A, R, 40001, 80, 64, 100, false);
		m[1] = dpt_udp(LAN_MAC, A_MAC, A, R, 40002, 53, 33);
		m[2] = dpt_udp(LAN_MAC, A_MAC, A, R, 40003, 53, 9);
		((struct rte_udp_hdr *)(dpt_frame_ip(m[2]) + 1))->dgram_cksum = 0;
		m[3] = tcp_frame(LAN_MAC, A_MAC, A, R, 40001, 80, 64, 7, false);
		worker_input(&w, LAN, m, 4);
		assert_int_equal(dpt_queued(&w), 4);
		check_ip(queued_ip(WAN, 0), W, 40001, R, 80);
		check_ip(queued_ip(WAN, 1), W, 40002, R, 53);
		check_ip(queued_ip(WAN, 2), W, 40003, R, 53);
		assert_int_equal(((struct rte_udp_hdr *)l4(w.tx[WAN].m[2]))->dgram_cksum, 0);
		check_ip(queued_ip(WAN, 3), W, 40001, R, 80);
		assert_int_equal(iph(w.tx[WAN].m[3])->time_to_live, 63);
		dpt_tx_clear(&w);

		m[0] = tcp_frame(WAN_MAC, PEER_MAC, R, W, 80, 40001, 64, 20, false);
		m[1] = dpt_udp(WAN_MAC, PEER_MAC, R, W, 53, 40002, 40);
		m[2] = dpt_udp(WAN_MAC, PEER_MAC, R, W, 53, 40003, 40);
		worker_input(&w, WAN, m, 3);
		assert_int_equal(dpt_queued(&w), 3);
		check_ip(queued_ip(LAN, 0), R, 80, A, 40001);
		check_ip(queued_ip(LAN, 1), R, 53, A, 40002);
		check_ip(queued_ip(LAN, 2), R, 53, A, 40003);
		dpt_tx_clear(&w);
	}

	/* TTL 1 on an established flow: the error quotes A's packet. */
	m[0] = tcp_frame(LAN_MAC, A_MAC, A, R, 40001, 80, 1, 4, false);
	memcpy(orig, dpt_frame_ip(m[0]), 28);
	worker_input(&w, LAN, m, 1);
	expect_error(queued1(LAN), A_MAC, LAN_MAC, "10.0.0.1", A, ICMP_TIME_EXCEEDED,
		     ICMP_EXC_TTL, 0, orig);
	dpt_tx_clear(&w);

	/* Too big for the WAN with DF, behind a packet that goes. */
	ports[WAN].mtu = 1400;
	m[0] = dpt_udp(LAN_MAC, A_MAC, A, R, 40002, 53, 9);
	m[1] = tcp_frame(LAN_MAC, A_MAC, A, R, 40001, 80, 64, 1460, true);
	memcpy(orig, dpt_frame_ip(m[1]), 28);
	worker_input(&w, LAN, m, 2);
	ports[WAN].mtu = 1500;
	assert_int_equal(dpt_queued(&w), 2);
	check_ip(queued_ip(WAN, 0), W, 40002, R, 53);
	assert_int_equal(w.tx[LAN].n, 1);
	expect_error(w.tx[LAN].m[0], A_MAC, LAN_MAC, "10.0.0.1", A, ICMP_DEST_UNREACH,
		     ICMP_FRAG_NEEDED, 1400, orig);
	dpt_tx_clear(&w);

	/* Too big without DF, through a gateway whose MAC the next hop
	 * holds (the path that rewrites a kept Ethernet header): translated
	 * whole, then fragmented, every fragment from W. */
	dpt_route(true, "198.51.100.0", 24, R, RTN_UNICAST);
	m[0] = tcp_frame(LAN_MAC, A_MAC, A, "198.51.100.9", 40004, 80, 64, 4, false);
	worker_input(&w, LAN, m, 1);
	assert_int_equal(w.tx[WAN].n, 1);
	dpt_tx_clear(&w);
	ports[WAN].mtu = 1400;
	m[0] = tcp_frame(LAN_MAC, A_MAC, A, "198.51.100.9", 40004, 80, 64, 1460, false);
	worker_input(&w, LAN, m, 1);
	ports[WAN].mtu = 1500;
	dpt_route(false, "198.51.100.0", 24, R, RTN_UNICAST);
	assert_int_equal(w.tx[LAN].n, 0);
	assert_int_equal(w.tx[WAN].n, 2);
	for (unsigned int i = 0; i < 2; i++) {
		struct rte_ipv4_hdr *ip = iph(queued_ip(WAN, i));

		assert_int_equal(ntohl(ip->src_addr), dpt_ip(W));
		assert_int_equal(ntohl(ip->dst_addr), dpt_ip("198.51.100.9"));
		assert_int_equal(rte_raw_cksum(ip, sizeof(*ip)), 0xffff);
		assert_int_equal(!!(ntohs(ip->fragment_offset) & RTE_IPV4_HDR_MF_FLAG), i == 0);
	}
	assert_int_equal(ntohs(((uint16_t *)l4(w.tx[WAN].m[0]))[0]), 40004);
	dpt_tx_clear(&w);
	neigh_del(WAN, dpt_ip(R));
	neigh_del(LAN, dpt_ip(A));
}

/* ---- NAT in the worker's one pass (ip4_forward_nat) ---- */

static struct rte_mbuf *frag_of(struct rte_mbuf *d, uint16_t off, uint16_t len, bool more);

#define FB_MAC "02:00:00:00:00:44"
#define D "198.51.100.9"

/* The frame m (data at its IPv4 header, as the helpers above leave it)
 * with its Ethernet header back in front, to dst_mac. */
static struct rte_mbuf *
framed(struct rte_mbuf *m, const char *dst_mac)
{
	struct rte_ether_addr mac = dpt_mac(dst_mac);
	struct rte_ether_hdr *eth =
		(struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(struct rte_ether_hdr));

	assert_non_null(eth);
	eth->dst_addr = mac;
	return m;
}

/* dpt_ip_options, which must succeed. */
static struct rte_mbuf *
with_options(struct rte_mbuf *f)
{
	f = dpt_ip_options(f);
	assert_non_null(f);
	return f;
}

/* R on the WAN, A and B (FB_MAC) on the LAN, and D's network via R: where
 * the one pass tests send. */
static void
one_pass_neighbours_add(void)
{
	struct rte_ether_addr amac = dpt_mac(A_MAC), bmac = dpt_mac(FB_MAC),
			      rmac = dpt_mac(PEER_MAC);

	assert_int_equal(neigh_add(WAN, dpt_ip(R), &rmac, true, 0), 0);
	assert_int_equal(neigh_add(LAN, dpt_ip(A), &amac, true, 0), 0);
	assert_int_equal(neigh_add(LAN, dpt_ip(B), &bmac, true, 0), 0);
	dpt_route(true, "198.51.100.0", 24, R, RTN_UNICAST);	/* D via R */
}

/* What one_pass_neighbours_add made, gone. */
static void
one_pass_neighbours_del(void)
{
	dpt_route(false, "198.51.100.0", 24, R, RTN_UNICAST);
	neigh_del(WAN, dpt_ip(R));
	neigh_del(LAN, dpt_ip(A));
	neigh_del(LAN, dpt_ip(B));
}

/* The i-th frame the worker queued on port, to mac, data moved to its
 * IPv4 header (it stays in the buffer). */
static struct rte_mbuf *
tx_ip(uint16_t port, unsigned int i, const char *mac)
{
	struct rte_ether_addr want = dpt_mac(mac);
	struct rte_mbuf *f;

	assert_true(i < w.tx[port].n);
	f = w.tx[port].m[i];
	assert_memory_equal(rte_pktmbuf_mtod(f, uint8_t *), want.addr_bytes, 6);
	assert_int_equal(rte_pktmbuf_mtod(f, uint16_t *)[6], htons(RTE_ETHER_TYPE_IPV4));
	return at_ip(f);
}

/*
 * One burst from the LAN and one from the WAN, NAT on, through the
 * worker's one pass: the frames it tests there (ip4_plain) go through
 * prerouting's burst and straight to the forwarding loop, where only what
 * prerouting translated whole skips postrouting and may take the run
 * through one gateway; the rest of the burst goes the old way, after them.
 * Established flows through a gateway, a new flow between them (its source
 * must still be rewritten by postrouting), a hairpin, an ICMP error from
 * inside, two fragments, a frame with options, a bad checksum, a ping to
 * us, TTL 1; a reply, a dnat, a SYN to us: each leaves translated, in
 * order, with every checksum right, and each drop is counted once.
 */
static void
test_one_pass_nat(void **state)
{
	struct port_counters *lc = &dp_counters()->port[LAN];
	uint64_t bad = dpt_drops(DROP_BAD_HEADER), ttl = dpt_drops(DROP_TTL), rx;
	struct rte_mbuf *b[12], *d, *q;
	struct rte_ipv4_hdr *ip;
	uint8_t quote[64], orig[28];
	uint16_t qlen, y;

	(void)state;
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, 0);
	dnat_rule();				/* W:8080 -> B:80 */
	one_pass_neighbours_add();
	b[0] = tcp_frame(LAN_MAC, A_MAC, A, D, 40001, 80, 64, 4, false);
	b[1] = dpt_udp(LAN_MAC, A_MAC, A, D, 40002, 53, 9);
	worker_input(&w, LAN, b, 2);
	assert_int_equal(w.tx[WAN].n, 2);
	dpt_tx_clear(&w);

	/* What A received of the flow 40002 and answers with an error. */
	q = udp(D, A, 53, 40002, 8);
	qlen = ntohs(iph(q)->total_length);
	memcpy(quote, iph(q), qlen);
	rte_pktmbuf_free(q);
	d = udp(A, D, 9500, 53, 100);		/* 108 bytes of UDP, in two pieces */

	b[0] = dpt_udp(LAN_MAC, A_MAC, A, D, 40002, 53, 10);
	b[1] = with_options(tcp_frame(LAN_MAC, A_MAC, A, D, 40001, 80, 64, 11, false));
	b[2] = tcp_frame(LAN_MAC, A_MAC, A, D, 40001, 80, 64, 12, false);
	b[3] = dpt_udp(LAN_MAC, A_MAC, A, D, 40005, 53, 13);		/* new */
	b[4] = tcp_frame(LAN_MAC, A_MAC, A, W, 40006, 8080, 64, 14, false); /* hairpin */
	b[5] = framed(icmp_err(A, D, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, quote, qlen),
		      LAN_MAC);
	b[6] = framed(frag_of(d, 0, 56, true), LAN_MAC);
	b[7] = dpt_udp(LAN_MAC, A_MAC, A, D, 40002, 53, 15);
	dpt_frame_ip(b[7])->hdr_checksum ^= htons(0x0100);		/* bad sum */
	b[8] = framed(frag_of(d, 56, 52, false), LAN_MAC);
	b[9] = dpt_echo(LAN_MAC, A_MAC, A, "10.0.0.1", 77, 1, 16);	/* to us */
	b[10] = dpt_udp(LAN_MAC, A_MAC, A, D, 40002, 53, 16);
	b[11] = dpt_udp(LAN_MAC, A_MAC, A, D, 40002, 53, 17);
	dpt_frame_ip(b[11])->time_to_live = 1;
	dpt_fix_cksum(dpt_frame_ip(b[11]));
	memcpy(orig, dpt_frame_ip(b[11]), sizeof(orig));
	rte_pktmbuf_free(d);
	rx = lc->rx_packets;
	worker_input(&w, LAN, b, 12);
	dpt_tx_bytes_check(&w);
	assert_int_equal(lc->rx_packets, rx + 12);
	assert_int_equal(dpt_drops(DROP_BAD_HEADER), bad + 1);
	assert_int_equal(dpt_drops(DROP_TTL), ttl + 1);

	/* To D: the reassembled datagram (sent from prerouting), then the
	 * one-pass frames in order, then the one with options. */
	assert_int_equal(w.tx[WAN].n, 7);
	ip = iph(tx_ip(WAN, 0, PEER_MAC));
	assert_int_equal(ntohs(ip->total_length), 20 + 108);
	assert_int_equal(ip->time_to_live, 63);
	check_ip(w.tx[WAN].m[0], W, 9500, D, 53);
	check_ip(tx_ip(WAN, 1, PEER_MAC), W, 40002, D, 53);
	assert_int_equal(ntohs(iph(w.tx[WAN].m[1])->total_length), 20 + 8 + 10);
	assert_int_equal(iph(w.tx[WAN].m[1])->time_to_live, 63);
	check_ip(tx_ip(WAN, 2, PEER_MAC), W, 40001, D, 80);
	assert_int_equal(ntohs(iph(w.tx[WAN].m[2])->total_length), 20 + 20 + 12);
	check_ip(tx_ip(WAN, 3, PEER_MAC), W, 40005, D, 53);	/* postrouting's */
	assert_int_equal(iph(w.tx[WAN].m[3])->time_to_live, 63);
	check_err(tx_ip(WAN, 4, PEER_MAC), W, D, D, 53, W, 40002, true);
	check_ip(tx_ip(WAN, 5, PEER_MAC), W, 40002, D, 53);
	assert_int_equal(ntohs(iph(w.tx[WAN].m[5])->total_length), 20 + 8 + 16);
	ip = iph(tx_ip(WAN, 6, PEER_MAC));
	assert_int_equal(ip->version_ihl, 0x46);
	assert_int_equal(ntohs(ip->total_length), 24 + 20 + 11);
	check_ip(w.tx[WAN].m[6], W, 40001, D, 80);
	assert_int_equal(ip->time_to_live, 63);

	/* On the LAN: the echo reply (answered in the loop), the hairpin to
	 * B (after the loop's neighbour lookup), the TTL error (the old way). */
	assert_int_equal(w.tx[LAN].n, 3);
	ip = iph(tx_ip(LAN, 0, A_MAC));
	assert_int_equal(ntohl(ip->src_addr), dpt_ip("10.0.0.1"));
	assert_int_equal(ntohl(ip->dst_addr), dpt_ip(A));
	assert_int_equal(ip->next_proto_id, IPPROTO_ICMP);
	assert_int_equal(((struct rte_icmp_hdr *)l4(w.tx[LAN].m[0]))->icmp_type,
			 RTE_IP_ICMP_ECHO_REPLY);
	check_sums(ip);
	y = sport(tx_ip(LAN, 1, FB_MAC));
	check_ip(w.tx[LAN].m[1], W, y, B, 80);
	assert_int_equal(iph(w.tx[LAN].m[1])->time_to_live, 63);
	expect_error(w.tx[LAN].m[2], A_MAC, LAN_MAC, "10.0.0.1", A, ICMP_TIME_EXCEEDED,
		     ICMP_EXC_TTL, 0, orig);
	assert_int_equal(sessions_of(IPPROTO_UDP, A, 40005, NULL), 1);
	assert_int_equal(sessions_of(IPPROTO_UDP, A, 9500, NULL), 1);
	dpt_tx_clear(&w);

	/* From the WAN: replies, a dnat, a SYN to us, a reply with options. */
	b[0] = dpt_udp(WAN_MAC, PEER_MAC, D, W, 53, 40002, 20);
	b[1] = tcp_frame(WAN_MAC, PEER_MAC, R, W, 5555, 8080, 64, 21, false);
	b[2] = with_options(dpt_udp(WAN_MAC, PEER_MAC, D, W, 53, 40005, 22));
	b[3] = tcp_frame(WAN_MAC, PEER_MAC, R, W, 5556, 22, 64, 0, false);
	b[4] = dpt_udp(WAN_MAC, PEER_MAC, D, W, 53, 40005, 23);
	worker_input(&w, WAN, b, 5);
	dpt_tx_bytes_check(&w);
	assert_int_equal(w.tx[LAN].n, 4);
	check_ip(tx_ip(LAN, 0, A_MAC), D, 53, A, 40002);
	assert_int_equal(ntohs(iph(w.tx[LAN].m[0])->total_length), 20 + 8 + 20);
	check_ip(tx_ip(LAN, 1, FB_MAC), R, 5555, B, 80);
	check_ip(tx_ip(LAN, 2, A_MAC), D, 53, A, 40005);
	assert_int_equal(ntohs(iph(w.tx[LAN].m[2])->total_length), 20 + 8 + 23);
	ip = iph(tx_ip(LAN, 3, A_MAC));
	assert_int_equal(ip->version_ihl, 0x46);
	check_ip(w.tx[LAN].m[3], D, 53, A, 40005);
	assert_int_equal(ip->time_to_live, 63);
	assert_int_equal(w.tx[WAN].n, 1);		/* the reset, from us */
	ip = iph(tx_ip(WAN, 0, PEER_MAC));
	check_ip(w.tx[WAN].m[0], W, 22, R, 5556);
	assert_true(((struct rte_tcp_hdr *)l4(w.tx[WAN].m[0]))->tcp_flags & RTE_TCP_RST_FLAG);
	dpt_tx_clear(&w);
	one_pass_neighbours_del();
}

/*
 * RFC 4787 REQ-9 within one burst: a host's first datagram out (whose
 * mapping postrouting makes, after the route) and, right behind it in the
 * same burst, one to that mapping (port preserved: W, its own port) and
 * one from another host to it under endpoint-independent filtering.  The
 * hairpins find the mapping and come back in on the LAN from W:41000; an
 * established flow's packet after them keeps its place before them.  A
 * packet to W that no mapping holds, behind a new flow, still goes to
 * local delivery (port unreachable), once.
 */
static void
test_hairpin_same_burst(void **state)
{
	struct rte_mbuf *b[4];
	struct rte_ipv4_hdr *ip;

	(void)state;
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, SLUICE_NAT_FILTER_EIF);
	one_pass_neighbours_add();
	b[0] = dpt_udp(LAN_MAC, A_MAC, A, D, 41000, 53, 9);	/* new: A's mapping */
	b[1] = dpt_udp(LAN_MAC, A_MAC, A, W, 41000, 41000, 10);	/* to it */
	b[2] = dpt_udp(LAN_MAC, FB_MAC, B, W, 41500, 41000, 11);	/* B to it */
	b[3] = dpt_udp(LAN_MAC, A_MAC, A, D, 41000, 53, 12);	/* established */
	worker_input(&w, LAN, b, 4);
	dpt_tx_bytes_check(&w);
	assert_int_equal(w.tx[WAN].n, 2);
	check_ip(tx_ip(WAN, 0, PEER_MAC), W, 41000, D, 53);
	check_ip(tx_ip(WAN, 1, PEER_MAC), W, 41000, D, 53);
	assert_int_equal(ntohs(iph(w.tx[WAN].m[1])->total_length), 20 + 8 + 12);
	assert_int_equal(w.tx[LAN].n, 2);
	ip = iph(tx_ip(LAN, 0, A_MAC));
	check_ip(w.tx[LAN].m[0], W, 41000, A, 41000);
	assert_int_equal(ntohs(ip->total_length), 20 + 8 + 10);
	assert_int_equal(ip->time_to_live, 63);
	check_sums(ip);
	ip = iph(tx_ip(LAN, 1, A_MAC));
	check_ip(w.tx[LAN].m[1], W, sport(w.tx[LAN].m[1]), A, 41000);
	assert_int_equal(ntohs(iph(w.tx[LAN].m[1])->total_length), 20 + 8 + 11);
	check_sums(iph(w.tx[LAN].m[1]));
	dpt_tx_clear(&w);

	/* Nothing holds W:42000: local delivery, one port unreachable. */
	b[0] = dpt_udp(LAN_MAC, A_MAC, A, D, 41001, 53, 9);
	b[1] = dpt_udp(LAN_MAC, A_MAC, A, W, 41001, 42000, 10);
	worker_input(&w, LAN, b, 2);
	assert_int_equal(w.tx[WAN].n, 1);
	assert_int_equal(w.tx[LAN].n, 1);
	ip = iph(tx_ip(LAN, 0, A_MAC));
	assert_int_equal(ip->next_proto_id, IPPROTO_ICMP);
	assert_int_equal(((struct rte_icmp_hdr *)l4(w.tx[LAN].m[0]))->icmp_type,
			 ICMP_DEST_UNREACH);
	dpt_tx_clear(&w);
	one_pass_neighbours_del();
}

/*
 * Bursts of DP_BURST frames of established flows through the one pass with
 * NAT on: every frame translated whole (prerouting's mask full, every bit
 * set, which at 64 frames is the whole word), then the same with a new
 * flow at a position of the mask's upper half (it takes postrouting, the
 * run stops and resumes around it).  Each leaves once, in order,
 * translated, with TTL 63 and right sums.
 */
static void
test_one_pass_nat_full(void **state)
{
	struct rte_ether_addr rmac = dpt_mac(PEER_MAC);
	const unsigned int odd = DP_BURST > 32 ? DP_BURST - 5 : DP_BURST / 2;
	struct rte_mbuf *b[DP_BURST];

	(void)state;
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, 0);
	assert_int_equal(neigh_add(WAN, dpt_ip(R), &rmac, true, 0), 0);
	dpt_route(true, "198.51.100.0", 24, R, RTN_UNICAST);	/* D via R */
	for (unsigned int i = 0; i < 4; i++)
		b[i] = dpt_udp(LAN_MAC, A_MAC, A, D, (uint16_t)(41000 + i), 53, 9);
	worker_input(&w, LAN, b, 4);
	assert_int_equal(w.tx[WAN].n, 4);
	dpt_tx_clear(&w);

	for (int round = 0; round < 2; round++) {
		for (unsigned int i = 0; i < DP_BURST; i++)
			b[i] = dpt_udp(LAN_MAC, A_MAC, A, D, (uint16_t)(41000 + i % 4), 53,
				       (uint16_t)(10 + i));
		if (round == 1) {	/* a new flow */
			rte_pktmbuf_free(b[odd]);
			b[odd] = dpt_udp(LAN_MAC, A_MAC, A, D, 41099, 53, (uint16_t)(10 + odd));
		}
		worker_input(&w, LAN, b, DP_BURST);
		dpt_tx_bytes_check(&w);
		assert_int_equal(w.tx[WAN].n, DP_BURST);
		for (unsigned int i = 0; i < DP_BURST; i++) {
			struct rte_ipv4_hdr *ip = iph(tx_ip(WAN, i, PEER_MAC));
			uint16_t sp = sport(w.tx[WAN].m[i]);

			assert_int_equal(ntohs(ip->total_length), 20 + 8 + 10 + i);
			assert_int_equal(ip->time_to_live, 63);
			check_ip(w.tx[WAN].m[i], W, sp, D, 53);
			/* One mapping a flow. */
			if (i >= 4 && !(round == 1 && i == odd))
				assert_int_equal(sp, sport(w.tx[WAN].m[i % 4]));
		}
		dpt_tx_clear(&w);
	}
	assert_int_equal(sessions_of(IPPROTO_UDP, A, 41099, NULL), 1);
	dpt_route(false, "198.51.100.0", 24, R, RTN_UNICAST);
	neigh_del(WAN, dpt_ip(R));
}

/* ---- the end of prerouting's run of whole translations ---- */

/*
 * pre_burst (nat.c) translates whole, in a loop of its own, the run of
 * frames of the fast shape with a candidate session from the burst's first
 * on; it must stop before the first frame not of that shape, whose slot of
 * the candidates was never written.  These tests put one such frame at
 * every position of a burst of established frames (and, for the run's
 * other end, a new flow's frame, which has the shape but no session), and
 * first fill the
 * stack the burst will use with the candidate of a decoy session made to
 * match that frame's bytes: a run one frame too long would translate it
 * with the decoy, every time, and the bytes, masks and the decoy's
 * counters below would say so.
 */
#define RUN_N	8
#define DECOY	"192.0.2.99"

enum run_slow { RUN_FRAG, RUN_ICMP, RUN_OPTS, RUN_GRE, RUN_SHORT, RUN_NEW, RUN_KINDS };

static struct nat_sess decoy;

/* Every word of the 64 KB of stack below the caller's frame (where its
 * next call's frames go): the candidate of a decoy session (direction 0)
 * whose tuple and protocol are what the run would read from the frame
 * with IPv4 header ip, and which would give it the source DECOY. */
static __rte_noinline void
poison_for(const struct rte_ipv4_hdr *ip)
{
	volatile uintptr_t a[8192];

	memset(&decoy, 0, sizeof(decoy));
	memcpy(&decoy.o.src, &ip->src_addr, 8);
	memcpy(&decoy.o.sp, ip + 1, 4);
	decoy.proto = ip->next_proto_id == IPPROTO_UDP ? IPPROTO_UDP : IPPROTO_TCP;
	decoy.flags = NS_USED | NS_OUTBOUND;
	decoy.x = decoy.o;
	decoy.x.src = htonl(dpt_ip(DECOY));
	decoy.ckw[0] = decoy.ckw[1] = 0xffff;
	for (unsigned int i = 0; i < RTE_DIM(a); i++)
		a[i] = (uintptr_t)&decoy;
}

/* The frame not of the fast shape, of kind k, from A to R (Ethernet in
 * front for the worker): the first fragment of a datagram of the
 * established flow A:42000 (*d: the datagram, for its last fragment), an
 * echo request, a datagram of A:42001 with IP options, GRE, TCP of
 * A:42002 cut short of its header (these two not translatable); and a
 * new flow's datagram, of the fast shape. */
static struct rte_mbuf *
run_slow(enum run_slow k, struct rte_mbuf **d)
{
	static const uint8_t gre[8] = { 0, 0, 0x08, 0 }, tcp10[10] = { 0xa4, 0x12, 0, 53 };

	switch (k) {
	case RUN_FRAG:
		*d = udp(A, R, 42000, 53, 100);
		return framed(frag_of(*d, 0, 56, true), LAN_MAC);
	case RUN_ICMP:
		return dpt_echo(LAN_MAC, A_MAC, A, R, 300, 1, 16);
	case RUN_OPTS:
		return with_options(dpt_udp(LAN_MAC, A_MAC, A, R, 42001, 53, 9));
	case RUN_GRE:
		return dpt_ipv4(LAN_MAC, A_MAC, A, R, 47, 64, gre, sizeof(gre));
	case RUN_SHORT:
		return dpt_ipv4(LAN_MAC, A_MAC, A, R, IPPROTO_TCP, 64, tcp10, sizeof(tcp10));
	default:
		return dpt_udp(LAN_MAC, A_MAC, A, R, 42099, 53, 9);
	}
}

/* The packets of the sessions of A:42000..42003, in both directions. */
static void
run_packets(uint64_t pk[4])
{
	struct nat_sess_info si;

	for (unsigned int f = 0; f < 4; f++) {
		assert_int_equal(sessions_of(IPPROTO_UDP, A, (uint16_t)(42000 + f), &si), 1);
		pk[f] = si.packets;
	}
}

/* The established flows A:42000..42003 to R:53 (masquerade, ports kept). */
static void
run_flows(void)
{
	struct rte_ether_addr rmac = dpt_mac(PEER_MAC);

	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, 0);
	assert_int_equal(neigh_add(WAN, dpt_ip(R), &rmac, true, 0), 0);
	for (unsigned int f = 0; f < 4; f++) {
		struct rte_mbuf *m = udp(A, R, (uint16_t)(42000 + f), 53, 4);

		assert_int_equal(through(m, LAN, WAN), NAT_PASS);
		rte_pktmbuf_free(m);
	}
}

/* The datagram d's last fragment, through nat_prerouting (through the
 * worker when frame): the whole datagram leaves translated by A:42000's
 * session; d freed. */
static void
run_frag_rest(struct rte_mbuf *d, bool frame)
{
	struct rte_mbuf *f = frag_of(d, 56, 52, false);

	rte_pktmbuf_free(d);
	if (frame) {
		f = framed(f, LAN_MAC);
		worker_input(&w, LAN, &f, 1);
	} else {
		assert_int_equal(nat_prerouting(&w, f, LAN), NAT_STOLEN);
	}
	assert_int_equal(w.tx[WAN].n, 1);
	assert_int_equal(ntohs(iph(tx_ip(WAN, 0, PEER_MAC))->total_length), 20 + 108);
	check_ip(w.tx[WAN].m[0], W, 42000, R, 53);
	dpt_tx_clear(&w);
}

/*
 * nat_prerouting_burst of RUN_N frames, the IPv4 header l2 bytes in, whole
 * asked for, the frame of kind k at position j: that frame is not
 * translated whole and goes as nat_prerouting would take it (the fragment
 * held, the rest passed with its source left to postrouting); every other
 * frame is translated whole.
 */
static void
run_burst(uint32_t l2, enum run_slow k, unsigned int j)
{
	const uint64_t drops = dpt_drops(DROP_NAT);
	struct rte_mbuf *b[RUN_N], *d = NULL;
	uint64_t pk0[4], pk1[4], whole = UINT64_MAX, pass, want[4] = { 0 };
	uint32_t dst[RUN_N];
	uint8_t before[64];

	for (unsigned int i = 0; i < RUN_N; i++) {
		b[i] = i == j ? run_slow(k, &d) :
		       dpt_udp(LAN_MAC, A_MAC, A, R, (uint16_t)(42000 + i % 4), 53,
			       (uint16_t)(10 + i));
		if (l2 == 0)
			at_ip(b[i]);
		if (i != j)
			want[i % 4]++;
	}
	if (k == RUN_OPTS)
		want[1]++;
	memcpy(before, rte_pktmbuf_mtod_offset(b[j], uint8_t *, l2),
	       RTE_MIN(sizeof(before), rte_pktmbuf_data_len(b[j]) - l2));
	run_packets(pk0);
	poison_for(rte_pktmbuf_mtod_offset(b[j], struct rte_ipv4_hdr *, l2));
	pass = nat_prerouting_burst(&w, LAN, b, RUN_N, l2, dst, &whole);

	assert_int_equal(whole, (UINT64_MAX >> (64 - RUN_N)) & ~(UINT64_C(1) << j));
	assert_int_equal(pass, k == RUN_FRAG ? whole : whole | UINT64_C(1) << j);
	assert_int_equal(decoy.pkts[0] + decoy.pkts[1], 0);
	for (unsigned int i = 0; i < RUN_N; i++) {
		if (!(pass & (UINT64_C(1) << i)))
			continue;
		assert_int_equal(dst[i], dpt_ip(R));
		rte_pktmbuf_adj(b[i], (uint16_t)l2);
		if (i != j)
			check_ip(b[i], W, (uint16_t)(42000 + i % 4), R, 53);
		else if (k == RUN_OPTS)
			check_ip(b[i], A, 42001, R, 53);
		else	/* untouched */
			assert_memory_equal(iph(b[i]), before,
					    RTE_MIN(sizeof(before), rte_pktmbuf_data_len(b[i])));
		rte_pktmbuf_free(b[i]);
	}
	run_packets(pk1);
	for (unsigned int f = 0; f < 4; f++)
		assert_int_equal(pk1[f] - pk0[f], want[f]);
	assert_int_equal(w.tx[WAN].n, 0);
	if (k == RUN_FRAG)
		run_frag_rest(d, false);
	assert_int_equal(nat_sess_count(), 4);	/* postrouting makes them */
	assert_int_equal(dpt_drops(DROP_NAT), drops);
}

/* run_burst as a trace's (IPv4 header first) and as ip4_input_nat's (a
 * kept Ethernet header), each kind at each position. */
static void
test_run_ends_before_slow(void **state)
{
	(void)state;
	run_flows();
	assert_int_equal(nat_sess_count(), 4);
	for (uint32_t l2 = 0; l2 <= RTE_ETHER_HDR_LEN; l2 += RTE_ETHER_HDR_LEN)
		for (unsigned int k = 0; k < RUN_KINDS; k++)
			for (unsigned int j = 0; j < RUN_N; j++)
				run_burst(l2, (enum run_slow)k, j);
	assert_int_equal(dpt_mbufs_in_use(), 0);
	neigh_del(WAN, dpt_ip(R));
}

/*
 * The same through the worker's one pass, where prerouting gets the look
 * the Ethernet pass made (nat_prerouting_plain) for what ip4_plain passes,
 * the frame of kind k at position j.  Every frame leaves once, in order,
 * with the source W (the fragment's datagram when whole), but what cannot
 * be translated, which postrouting drops and counts.
 */
static void
run_burst_plain(enum run_slow k, unsigned int j)
{
	const bool goes = k == RUN_ICMP || k == RUN_NEW, dropped = k == RUN_GRE || k == RUN_SHORT;
	const uint64_t drops = dpt_drops(DROP_NAT), untr = dpt_nat_counter("untranslatable_drops");
	struct rte_mbuf *b[RUN_N], *d = NULL;
	unsigned int o = 0;

	for (unsigned int i = 0; i < RUN_N; i++)
		b[i] = i == j ? run_slow(k, &d) :
		       dpt_udp(LAN_MAC, A_MAC, A, R, (uint16_t)(42000 + i % 4), 53,
			       (uint16_t)(10 + i));
	poison_for(dpt_frame_ip(b[j]));
	worker_input(&w, LAN, b, RUN_N);
	dpt_tx_bytes_check(&w);
	assert_int_equal(decoy.pkts[0] + decoy.pkts[1], 0);
	assert_int_equal(dpt_drops(DROP_NAT), drops + dropped);
	assert_int_equal(dpt_nat_counter("untranslatable_drops"), untr + dropped);
	assert_int_equal(w.tx[WAN].n, goes ? RUN_N : RUN_N - 1);
	for (unsigned int i = 0; i < RUN_N; i++) {
		struct rte_ipv4_hdr *ip;

		if (i == j && !goes)
			continue;
		ip = iph(tx_ip(WAN, o++, PEER_MAC));
		assert_int_equal(ip->time_to_live, 63);
		if (i != j) {
			assert_int_equal(ntohs(ip->total_length), 20 + 8 + 10 + i);
			check_ip(w.tx[WAN].m[o - 1], W, (uint16_t)(42000 + i % 4), R, 53);
		} else if (k == RUN_NEW) {
			check_ip(w.tx[WAN].m[o - 1], W, 42099, R, 53);
		} else {
			assert_int_equal(ip->next_proto_id, IPPROTO_ICMP);
			check_ip(w.tx[WAN].m[o - 1], W, 0, R, 0);
		}
	}
	dpt_tx_clear(&w);
	if (k == RUN_FRAG)
		run_frag_rest(d, true);
}

/* run_burst_plain for each kind but IP options (which ip4_plain refuses)
 * at each position. */
static void
test_run_ends_before_slow_plain(void **state)
{
	(void)state;
	run_flows();
	for (unsigned int k = 0; k < RUN_KINDS; k++)
		for (unsigned int j = 0; j < RUN_N && k != RUN_OPTS; j++)
			run_burst_plain((enum run_slow)k, j);
	assert_int_equal(dpt_mbufs_in_use(), 0);
	neigh_del(WAN, dpt_ip(R));
}

/* Hairpin: A reaches B through W:8080 with TTL 1.  Prerouting rewrote the
 * destination but not yet the source: the error still quotes W:8080. */
static void
test_router_error_about_hairpin(void **state)
{
	struct rte_ether_addr amac = dpt_mac(A_MAC);
	uint8_t orig[28];
	struct rte_mbuf *m;

	(void)state;
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, 0);
	dnat_rule();
	assert_int_equal(neigh_add(LAN, dpt_ip(A), &amac, true, 0), 0);
	m = tcp_frame(LAN_MAC, A_MAC, A, W, 40001, 8080, 1, 4, false);
	memcpy(orig, dpt_frame_ip(m), 28);
	worker_input(&w, LAN, &m, 1);
	expect_error(queued1(LAN), A_MAC, LAN_MAC, "10.0.0.1", A, ICMP_TIME_EXCEEDED,
		     ICMP_EXC_TTL, 0, orig);
	dpt_tx_clear(&w);
	neigh_del(LAN, dpt_ip(A));
}

/* Through the hooks from the LAN back to the LAN: the hairpin. */
static enum nat_verdict
hairpin(struct rte_mbuf *m)
{
	return through(m, LAN, LAN);
}

/* m hairpinned becomes exp, byte for byte. */
static void
hairpin_to(struct rte_mbuf *m, struct rte_mbuf *exp)
{
	passed_to(m, LAN, LAN, exp);
}

/*
 * RFC 4787 REQ-9, RFC 5382 REQ-8 under address-and-port-dependent
 * filtering: a hairpinned packet comes from the sender's own mapping, and
 * gets in when the destination host has itself sent to that mapping.
 */
static void
test_hairpin_filtering(void **state)
{
	uint64_t filt;
	struct rte_mbuf *m;
	struct nat_sess_info s;

	(void)state;
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, SLUICE_NAT_FILTER_APDF);
	/* One host to its own mapping: what it sends arrives from it. */
	out1(udp(A, R, 5000, 53, 4));
	hairpin_to(udp(A, W, 5000, 5000, 12),
		   udp(W, A, 5000, 5000, 12));
	hairpin_to(udp(A, W, 5000, 5000, 12),	/* and again, on its sessions */
		   udp(W, A, 5000, 5000, 12));

	/* Two hosts: B never sent to A's mapping, so A's packet is filtered
	 * (and counted); but A has now sent to B's mapping, so B's packet
	 * to A's gets in, and after it A's. */
	out1(udp(B, R, 6000, 53, 4));
	filt = dpt_nat_counter("hairpin_filtered_drops");
	assert_int_equal(hairpin(udp(A, W, 5000, 6000, 12)), NAT_DROP);
	assert_int_equal(dpt_nat_counter("hairpin_filtered_drops"), filt + 1);
	hairpin_to(udp(B, W, 6000, 5000, 12),
		   udp(W, A, 6000, 5000, 12));
	hairpin_to(udp(A, W, 5000, 6000, 12),
		   udp(W, B, 5000, 6000, 12));
	assert_int_equal(dpt_nat_counter("hairpin_filtered_drops"), filt + 1);
	/* A third host, never sent to, stays out. */
	out1(udp("10.0.0.4", R, 6100, 53, 4));
	assert_int_equal(hairpin(udp(A, W, 5000, 6100, 12)), NAT_DROP);
	assert_int_equal(dpt_nat_counter("hairpin_filtered_drops"), filt + 2);

	/* TCP, each SYN crossing the other: a simultaneous open. */
	out1(tcp(A, R, 7000, 80, RTE_TCP_SYN_FLAG));
	out1(tcp(B, R, 7001, 80, RTE_TCP_SYN_FLAG));
	assert_int_equal(hairpin(tcp(A, W, 7000, 7001, RTE_TCP_SYN_FLAG)), NAT_DROP);
	hairpin_to(tcp(B, W, 7001, 7000, RTE_TCP_SYN_FLAG),
		   tcp(W, A, 7001, 7000, RTE_TCP_SYN_FLAG));
	hairpin_to(tcp(A, W, 7000, 7001, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG),
		   tcp(W, B, 7000, 7001, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG));
	hairpin_to(tcp(B, W, 7001, 7000, RTE_TCP_ACK_FLAG),
		   tcp(W, A, 7001, 7000, RTE_TCP_ACK_FLAG));
	/* A's sessions on 7000: to R, and the hairpin's own to W:7001. */
	assert_int_equal(sessions_of(IPPROTO_TCP, A, 7000, NULL), 2);
	assert_int_equal(sessions_of(IPPROTO_TCP, B, 7001, &s), 2);
	assert_int_equal(s.out_port, 7001);

	/* What B's host says about the packet it got (port unreachable)
	 * reaches A as from B's mapping, quoting what A sent. */
	{
		uint8_t q[64];
		uint16_t qlen;
		struct rte_mbuf *e;

		m = udp(W, B, 5000, 6000, 12);		/* what B received */
		qlen = quote_of(m, q);
		e = icmp_err(B, W, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, q, qlen);
		assert_int_equal(hairpin(e), NAT_PASS);
		check_err(e, W, A, A, 5000, W, 6000, true);
		m = udp(A, W, 5000, 6000, 12);		/* what A sent */
		assert_memory_equal((uint8_t *)l4(e) + 8, iph(m), qlen);
		rte_pktmbuf_free(m);
		rte_pktmbuf_free(e);

		/* The same for one host's error about its own packet. */
		m = udp(W, A, 5000, 5000, 12);
		qlen = quote_of(m, q);
		e = icmp_err(A, W, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, q, qlen);
		assert_int_equal(hairpin(e), NAT_PASS);
		check_err(e, W, A, A, 5000, W, 5000, true);
		rte_pktmbuf_free(e);
	}
}

/* Endpoint-independent filtering: the first hairpinned packet gets in,
 * one host to itself and to another, in either order. */
static void
test_hairpin_eif(void **state)
{
	(void)state;
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, SLUICE_NAT_FILTER_EIF);
	out1(udp(A, R, 5000, 53, 4));
	out1(udp(B, R, 6000, 53, 4));
	hairpin_to(udp(A, W, 5000, 5000, 12),
		   udp(W, A, 5000, 5000, 12));
	hairpin_to(udp(B, W, 6000, 5000, 12),
		   udp(W, A, 6000, 5000, 12));
	hairpin_to(udp(A, W, 5000, 6000, 12),
		   udp(W, B, 5000, 6000, 12));
	/* TCP: A has no mapping yet; its first hairpinned SYN makes one. */
	out1(tcp(B, R, 6000, 80, RTE_TCP_SYN_FLAG));
	hairpin_to(tcp(A, W, 5000, 6000, RTE_TCP_SYN_FLAG),
		   tcp(W, B, 5000, 6000, RTE_TCP_SYN_FLAG));
	hairpin_to(tcp(B, W, 6000, 5000, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG),
		   tcp(W, A, 6000, 5000, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG));
}

/*
 * RFC 5382 REQ-4: an unsolicited SYN from outside to a port a client's
 * mapping may take (1024 and up) is never answered (not reset, not passed
 * to the router's own stack), so the inside host's own SYN, sent later,
 * still makes the session: a simultaneous open.
 */
static void
test_unsolicited_syn(void **state)
{
	uint64_t syn = dpt_nat_counter("inbound_unmatched_drops");
	struct nat_sess_info s;
	struct rte_mbuf *m;

	(void)state;
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, SLUICE_NAT_FILTER_APDF);
	assert_int_equal(nat_prerouting(&w, tcp(R, W, 80, 7100, RTE_TCP_SYN_FLAG), WAN),
			 NAT_DROP);
	assert_int_equal(dpt_nat_counter("inbound_unmatched_drops"), syn + 1);
	assert_int_equal(dpt_queued(&w), 0);		/* nothing answered */
	out1(tcp(A, R, 7100, 80, RTE_TCP_SYN_FLAG));
	passed_to(tcp(R, W, 80, 7100, RTE_TCP_SYN_FLAG), WAN, LAN,	/* R's SYN again */
		  tcp(R, A, 80, 7100, RTE_TCP_SYN_FLAG));
	out1(tcp(A, R, 7100, 80, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG));
	in1(tcp(R, W, 80, 7100, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG));
	assert_int_equal(sessions_of(IPPROTO_TCP, A, 7100, &s), 1);
	assert_int_equal(s.state, SLUICE_NAT_STATE_ESTABLISHED);
	/* A SYN to the mapping from elsewhere is filtered the same way. */
	assert_int_equal(nat_prerouting(&w, tcp(R2, W, 80, 7100, RTE_TCP_SYN_FLAG), WAN),
			 NAT_DROP);
	assert_int_equal(dpt_nat_counter("inbound_unmatched_drops"), syn + 2);
	/* Below 1024, where no client's port is mapped, and with no
	 * mapping there: the router's own stack answers (a reset). */
	m = tcp(R, W, 80, 22, RTE_TCP_SYN_FLAG);
	assert_int_equal(nat_prerouting(&w, m, WAN), NAT_PASS);
	rte_pktmbuf_free(m);
	/* Not a SYN, or not from outside: left to local delivery. */
	left_to_local(tcp(R, W, 80, 7200, RTE_TCP_ACK_FLAG), WAN, 44);
	m = tcp(A, "10.0.0.1", 7300, 22, RTE_TCP_SYN_FLAG);
	assert_int_equal(nat_prerouting(&w, m, LAN), NAT_PASS);
	rte_pktmbuf_free(m);
	assert_int_equal(dpt_nat_counter("inbound_unmatched_drops"), syn + 2);
}

/* RFC 5508 REQ-6 (RFC 4787 REQ-6, RFC 5382 REQ-5): ICMP errors about a
 * flow are translated, but neither refresh nor end its session. */
static void
test_icmp_keeps_sessions(void **state)
{
	static const uint8_t errs[][2] = {
		{ ICMP_DEST_UNREACH, ICMP_PORT_UNREACH },
		{ ICMP_DEST_UNREACH, ICMP_HOST_UNREACH },
		{ ICMP_DEST_UNREACH, ICMP_PKT_FILTERED },
		{ ICMP_TIME_EXCEEDED, ICMP_EXC_TTL },
		{ ICMP_PARAMETERPROB, 0 },
	};
	struct nat_sess_info s;
	struct rte_mbuf *m, *e;
	uint8_t q[64];
	uint16_t qlen;

	(void)state;
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, 0);
	tick(1);
	out1(udp(A, R, 8100, 53, 4));
	tcp_established(8101);
	tick(100);
	for (unsigned int i = 0; i < RTE_DIM(errs); i++) {
		m = udp(W, R, 8100, 53, 4);
		qlen = quote_of(m, q);
		e = icmp_err(R, W, errs[i][0], errs[i][1], 0, q, qlen);
		assert_int_equal(through(e, WAN, LAN), NAT_PASS);
		check_err(e, R, A, A, 8100, R, 53, true);
		rte_pktmbuf_free(e);
		m = tcp(W, R, 8101, 80, RTE_TCP_ACK_FLAG | RTE_TCP_RST_FLAG);
		qlen = quote_of(m, q);
		e = icmp_err(R, W, errs[i][0], errs[i][1], 0, q, qlen);
		assert_int_equal(through(e, WAN, LAN), NAT_PASS);
		rte_pktmbuf_free(e);
	}
	assert_int_equal(sessions_of(IPPROTO_UDP, A, 8100, &s), 1);
	assert_int_equal(s.idle, 100);			/* not refreshed */
	assert_int_equal(sessions_of(IPPROTO_TCP, A, 8101, &s), 1);
	assert_int_equal(s.state, SLUICE_NAT_STATE_ESTABLISHED);
	assert_int_equal(s.idle, 100);
	expires_in(IPPROTO_UDP, A, 8100, 200);		/* 300 s after A's packet */
	assert_int_equal(sessions_of(IPPROTO_TCP, A, 8101, NULL), 1);
}

/* RFC 5508 REQ-5: an error from a router inside, about a packet that came
 * in, leaves with the flow's outside address as source, never its own. */
static void
test_icmp_error_from_inside_router(void **state)
{
	struct rte_mbuf *m, *e;
	uint8_t q[64];
	uint16_t qlen;

	(void)state;
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, 0);
	dnat_rule();
	m = tcp(R, W, 5555, 8080, RTE_TCP_SYN_FLAG);
	assert_int_equal(through(m, WAN, LAN), NAT_PASS);	/* R:5555 -> B:80 */
	qlen = quote_of(m, q);
	e = icmp_err("10.0.0.9", R, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0, q, qlen);
	assert_int_equal(through(e, LAN, WAN), NAT_PASS);
	check_err(e, W, R, R, 5555, W, 8080, true);
	rte_pktmbuf_free(e);

	out1(udp(A, R, 7700, 53, 4));
	m = udp(R, W, 53, 7700, 4);
	assert_int_equal(through(m, WAN, LAN), NAT_PASS);	/* R:53 -> A:7700 */
	qlen = quote_of(m, q);
	e = icmp_err("10.0.0.9", R, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0, q, qlen);
	assert_int_equal(through(e, LAN, WAN), NAT_PASS);
	check_err(e, W, R, R, 53, W, 7700, true);
	rte_pktmbuf_free(e);

	/* About nothing translated, or neither query nor error (RFC 5508
	 * REQ-11: a router solicitation): never out with an inside source. */
	{
		uint64_t untr = dpt_nat_counter("icmp_untranslatable");
		uint64_t other = dpt_nat_counter("untranslatable_drops");

		m = udp(R, A, 53, 7701, 4);
		qlen = quote_of(m, q);
		e = icmp_err(A, R, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, q, qlen);
		assert_int_equal(through(e, LAN, WAN), NAT_DROP);
		assert_int_equal(dpt_nat_counter("icmp_untranslatable"), untr + 1);
		e = icmp_err(A, R, ICMP_ROUTERSOLICIT, 0, 0, q, 12);
		assert_int_equal(through(e, LAN, WAN), NAT_DROP);
		assert_int_equal(dpt_nat_counter("untranslatable_drops"), other + 1);
	}
}

/* RFC 4787 REQ-2 (RFC 7857, paired pooling): every flow of one inside host, of
 * any protocol, leaves from the same pool address (paired). */
static void
test_paired_pool(void **state)
{
	struct nat_rule_spec r = snat_spec("10.0.0.0", "203.0.113.50", "203.0.113.57");
	const char *hosts[] = { A, B, "10.0.0.4", "10.0.0.5" };
	struct rte_mbuf *m;

	(void)state;
	assert_int_equal(nat_rule_add(&r), 0);
	for (unsigned int h = 0; h < RTE_DIM(hosts); h++) {
		uint32_t first = 0;

		for (unsigned int i = 0; i < 24; i++) {
			m = i % 3 == 0 ? udp(hosts[h], R, (uint16_t)(3000 + i), 53, 4) :
			    i % 3 == 1 ? tcp(hosts[h], R2, (uint16_t)(3000 + i), 80,
					     RTE_TCP_SYN_FLAG) :
					 echo(hosts[h], R, (uint16_t)(3000 + i), false);
			assert_int_equal(through(m, LAN, WAN), NAT_PASS);
			if (i == 0)
				first = ntohl(iph(m)->src_addr);
			assert_int_equal(ntohl(iph(m)->src_addr), first);
			assert_true(first >= r.addr_min && first <= r.addr_max);
			rte_pktmbuf_free(m);
		}
	}
}

/* RFC 4787 REQ-3/4, RFC 7857 port randomisation: a port in use is replaced by a
 * random one of the same range (below 1024 or not) and parity. */
static void
test_port_parity(void **state)
{
	struct rte_mbuf *m;
	char src[32];
	uint16_t p, seen = 0;

	(void)state;
	rule(SLUICE_NAT_MASQUERADE, WAN, "10.0.0.0", 24, 0);
	pool_rule("10.0.1.0", 2000, 2009);
	for (unsigned int i = 0; i < 6; i++) {
		snprintf(src, sizeof(src), "10.0.1.%u", 2 + i);
		m = udp(src, R, 2001, 53, 4);
		assert_int_equal(through(m, LAN, WAN), NAT_PASS);
		p = sport(m);
		rte_pktmbuf_free(m);
		assert_true(p >= 2000 && p <= 2009);
		if (i == 0)
			assert_int_equal(p, 2001);	/* preserved */
		else if (i < 5)
			assert_int_equal(p & 1, 1);	/* odd ones while free */
		else
			assert_int_equal(p & 1, 0);	/* then any */
		assert_false(seen & (1u << (p - 2000)));
		seen |= 1u << (p - 2000);
	}
	/* Masquerade: below 1024 stays below, 1024 and up stays up. */
	out1(udp(A, R, 123, 123, 4));
	m = udp(B, R, 123, 123, 4);
	assert_int_equal(through(m, LAN, WAN), NAT_PASS);
	p = sport(m);
	rte_pktmbuf_free(m);
	assert_true(p != 123 && p < 1024 && (p & 1) == 1);
	out1(udp(A, R, 40000, 53, 4));
	m = udp(B, R, 40000, 53, 4);
	assert_int_equal(through(m, LAN, WAN), NAT_PASS);
	p = sport(m);
	rte_pktmbuf_free(m);
	assert_true(p != 40000 && p >= 1024 && (p & 1) == 0);
}

#define B_MAC "02:00:00:00:00:33"

/* RFC 5508 REQ-8: a new flow the pool has no port for is dropped, counted,
 * and told to its sender: Destination Unreachable, code 13. */
static void
test_exhausted_told(void **state)
{
	struct rte_ether_addr bmac = dpt_mac(B_MAC);
	uint64_t exh = dpt_nat_counter("port_exhausted_drops");
	struct rte_mbuf *m;
	uint8_t orig[28];

	(void)state;
	pool_rule("10.0.0.0", 2000, 2000);
	assert_int_equal(neigh_add(LAN, dpt_ip(B), &bmac, true, 0), 0);
	out1(tcp(A, R, 3000, 80, RTE_TCP_SYN_FLAG));
	m = tcp(B, R, 3000, 80, RTE_TCP_SYN_FLAG);
	memcpy(orig, iph(m), sizeof(orig));
	assert_int_equal(through(m, LAN, WAN), NAT_DROP);
	assert_int_equal(dpt_nat_counter("port_exhausted_drops"), exh + 1);
	expect_error(queued1(LAN), B_MAC, LAN_MAC, "10.0.0.1", B, ICMP_DEST_UNREACH,
		     ICMP_PKT_FILTERED, 0, orig);
	dpt_tx_clear(&w);
	neigh_del(LAN, dpt_ip(B));
}

/*
 * A mapping carries at most MAP_REFS_MAX sessions: the flow after that is
 * dropped and counted, and the mapping is left as it was, not replaced by
 * another one (RFC 4787 REQ-1: the endpoint keeps its outside endpoint
 * while any of its sessions lives).
 */
static void
test_mapping_refs_full(void **state)
{
	struct rte_ether_addr amac = dpt_mac(B_MAC);
	uint64_t exh = dpt_nat_counter("port_exhausted_drops");
	struct rte_mbuf *m;
	uint16_t first = 0;

	(void)state;
	rule(SLUICE_NAT_MASQUERADE, WAN, "10.0.0.0", 24, 0);
	assert_int_equal(neigh_add(LAN, dpt_ip(A), &amac, true, 0), 0);
	for (uint32_t i = 0; i < MAP_REFS_MAX; i++) {
		m = udp(A, R, 5000, (uint16_t)(i + 1), 4);
		assert_int_equal(through(m, LAN, WAN), NAT_PASS);
		if (i == 0)
			first = sport(m);
		if (sport(m) != first)
			fail_msg("flow %u left from port %u, the mapping's is %u", i, sport(m), first);
		rte_pktmbuf_free(m);
	}
	m = udp(A, R2, 5000, 2, 4);
	assert_int_equal(through(m, LAN, WAN), NAT_DROP);
	assert_int_equal(dpt_nat_counter("port_exhausted_drops"), exh + 1);
	assert_int_equal(sessions_of(IPPROTO_UDP, A, 5000, NULL), MAP_REFS_MAX);
	/* An existing session still goes out by the same mapping. */
	m = udp(A, R, 5000, 7, 4);
	assert_int_equal(through(m, LAN, WAN), NAT_PASS);
	assert_int_equal(sport(m), first);
	rte_pktmbuf_free(m);
	dpt_tx_clear(&w);
	neigh_del(LAN, dpt_ip(A));
}

/* Run the neighbour timer until the unanswered entries give up; the ICMP
 * frames the control lcore sent meanwhile land in out (ARP is freed). */
static unsigned int
arp_gives_up(struct rte_mbuf **out, unsigned int max)
{
	static uint64_t now;		/* the neighbour clock never goes back */
	unsigned int n = 0;
	struct rte_mbuf *p[8];

	now = RTE_MAX(now, rte_get_tsc_cycles());

	for (unsigned int r = 0; r <= NEIGH_RETRIES + 1; r++) {
		unsigned int k;

		now += (uint64_t)((neigh_timers.retrans + 0.1) * (double)dp.hz);
		neigh_timer(now);
		while ((k = dpt_sent(p, 8)) > 0) {
			for (unsigned int i = 0; i < k; i++) {
				const struct rte_ether_hdr *eth =
					rte_pktmbuf_mtod(p[i], const struct rte_ether_hdr *);

				if (eth->ether_type == htons(RTE_ETHER_TYPE_IPV4) && n < max)
					out[n++] = p[i];
				else
					rte_pktmbuf_free(p[i]);
			}
		}
	}
	return n;
}

/*
 * The reply to A's masqueraded datagram, translated back to A and held
 * while A does not answer ARP: the Host Unreachable the control lcore
 * sends the remote quotes W:x, the address and port it sent to (the stash
 * survives the punt).  When the session is gone by then, there is nothing
 * to translate back with and the quote stays as it is.
 */
static void
test_router_error_after_arp_failure(void **state)
{
	struct rte_ether_addr rmac = dpt_mac(PEER_MAC);
	struct rte_mbuf *m, *p[4];
	struct rte_ipv4_hdr *ip;
	uint8_t orig[28];
	uint16_t x;

	(void)state;
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, 0);
	assert_int_equal(neigh_add(WAN, dpt_ip(R), &rmac, true, 0), 0);
	for (int gone = 0; gone < 2; gone++) {
		m = dpt_udp(LAN_MAC, A_MAC, A, R, (uint16_t)(7000 + gone), 53, 20);
		worker_input(&w, LAN, &m, 1);
		m = queued1(WAN);
		x = ntohs(((struct rte_udp_hdr *)(dpt_frame_ip(m) + 1))->src_port);
		dpt_tx_clear(&w);

		m = dpt_udp(WAN_MAC, PEER_MAC, R, W, 53, x, 20);
		ip = dpt_frame_ip(m);
		worker_input(&w, WAN, &m, 1);
		assert_int_equal(dpt_queued(&w), 0);
		assert_int_equal(dpt_punted(p, 4), 1);
		m = p[0];
		ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
		assert_int_equal(pkt_meta(m)->kind, PKT_RESOLVE);
		assert_int_equal(ntohl(ip->dst_addr), dpt_ip(A));	/* translated */
		/* What the error must quote: the datagram as it arrived, TTL
		 * decremented, or with A's address when the session went. */
		memcpy(orig, ip, 28);
		if (!gone) {
			struct rte_ipv4_hdr *o = (struct rte_ipv4_hdr *)orig;
			struct rte_udp_hdr *ou = (struct rte_udp_hdr *)(o + 1);
			struct rte_mbuf *sent = dpt_udp(WAN_MAC, PEER_MAC, R, W, 53, x, 20);

			memcpy(orig, dpt_frame_ip(sent), 28);
			o->time_to_live--;
			o->hdr_checksum = 0;
			o->hdr_checksum = dpt_cksum(o, 20);
			assert_int_equal(ntohs(ou->dst_port), x);
			rte_pktmbuf_free(sent);
		}
		neigh_resolve(m);
		if (gone)
			nat_sess_flush();
		assert_int_equal(arp_gives_up(p, 4), 1);
		expect_error(p[0], PEER_MAC, WAN_MAC, W, R, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH,
			     0, orig);
		rte_pktmbuf_free(p[0]);
	}
	neigh_del(WAN, dpt_ip(R));
	assert_int_equal(dpt_mbufs_in_use(), 0);
}

/* Fragment off..off+len of the IP payload of the datagram d. */
static struct rte_mbuf *
frag_of(struct rte_mbuf *d, uint16_t off, uint16_t len, bool more)
{
	return at_ip(dpt_fragment(iph(d), LAN_MAC, PEER_MAC, off, len, more));
}

/* A fragment from A to R of UDP datagram id, off..off+len of a payload of
 * zeros, its header hlen bytes (NOP options past 20), in a chain of
 * mbufs: fragments larger than one buffer. */
static struct rte_mbuf *
big_frag(uint16_t id, uint32_t off, uint32_t len, bool more, uint32_t hlen)
{
	struct rte_mbuf *head = rte_pktmbuf_alloc(dp.pool);
	struct rte_ipv4_hdr *ip;
	uint32_t left = len;

	assert_non_null(head);
	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_append(head, hlen);
	assert_non_null(ip);
	memset(ip, 0, hlen);
	memset(ip + 1, 1, hlen - sizeof(*ip));
	ip->version_ihl = (uint8_t)(0x40 | hlen / 4);
	ip->total_length = htons((uint16_t)(hlen + len));
	ip->packet_id = htons(id);
	ip->fragment_offset = htons((uint16_t)(off / 8) | (more ? RTE_IPV4_HDR_MF_FLAG : 0));
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = htonl(dpt_ip(A));
	ip->dst_addr = htonl(dpt_ip(R));
	ip->hdr_checksum = dpt_cksum(ip, hlen);
	while (left > 0) {
		uint32_t k = RTE_MIN(left, (uint32_t)rte_pktmbuf_tailroom(rte_pktmbuf_lastseg(head)));
		char *d;

		if (k == 0) {
			struct rte_mbuf *n = rte_pktmbuf_alloc(dp.pool);

			assert_non_null(n);
			assert_int_equal(rte_pktmbuf_chain(head, n), 0);
			continue;
		}
		d = rte_pktmbuf_append(head, (uint16_t)k);
		assert_non_null(d);
		memset(d, 0, k);
		left -= k;
	}
	return head;
}

static void
test_fragments_reverse_order(void **state)
{
	struct rte_ether_addr mac = dpt_mac(PEER_MAC);
	struct rte_mbuf *d, *f[3];
	uint8_t whole[2048], orig[2048];
	uint16_t got = 0, total;
	uint64_t drops;

	(void)state;
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, 0);
	assert_int_equal(neigh_add(WAN, dpt_ip(R), &mac, true, 0), 0);
	d = udp(A, R, 9500, 53, 1800);		/* 1808 bytes of UDP */
	total = 1808;
	memcpy(orig, iph(d) + 1, total);
	f[0] = frag_of(d, 0, 800, true);
	f[1] = frag_of(d, 800, 800, true);
	f[2] = frag_of(d, 1600, 208, false);
	rte_pktmbuf_free(d);
	assert_int_equal(nat_prerouting(&w, f[2], LAN), NAT_STOLEN);
	assert_int_equal(nat_prerouting(&w, f[1], LAN), NAT_STOLEN);
	assert_int_equal(nat_prerouting(&w, f[0], LAN), NAT_STOLEN);

	/* Reassembled, translated, sent again in fragments for MTU 1500. */
	assert_int_equal(w.tx[WAN].n, 2);
	for (unsigned int i = 0; i < w.tx[WAN].n; i++) {
		struct rte_mbuf *m = w.tx[WAN].m[i];
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
		uint16_t off = (ntohs(ip->fragment_offset) & RTE_IPV4_HDR_OFFSET_MASK) * 8;
		uint16_t len = ntohs(ip->total_length) - 20;

		assert_int_equal(dpt_cksum(ip, 20), 0);
		assert_int_equal(ntohl(ip->src_addr), dpt_ip(W));
		assert_int_equal(ntohl(ip->dst_addr), dpt_ip(R));
		assert_int_equal(ip->time_to_live, 63);
		rte_memcpy(whole + off, ip + 1, len);
		got += len;
	}
	assert_int_equal(got, total);
	{
		uint8_t buf[2100];
		uint32_t src = htonl(dpt_ip(W)), dst = htonl(dpt_ip(R));

		memcpy(buf, &src, 4);
		memcpy(buf + 4, &dst, 4);
		buf[8] = 0;
		buf[9] = IPPROTO_UDP;
		buf[10] = total >> 8;
		buf[11] = total & 0xff;
		memcpy(buf + 12, whole, total);
		assert_int_equal(dpt_cksum(buf, 12u + total), 0);
		assert_int_equal(ntohs(((uint16_t *)whole)[0]), 9500);
		assert_memory_equal(whole + 8, orig + 8, total - 8);
	}
	dpt_tx_clear(&w);

	/* A datagram that never completes: dropped and counted in time. */
	drops = dpt_nat_counter("fragment_drops");
	d = udp(A, R, 9501, 53, 1800);
	f[1] = frag_of(d, 800, 800, true);
	rte_pktmbuf_free(d);
	assert_int_equal(nat_prerouting(&w, f[1], LAN), NAT_STOLEN);
	assert_int_equal(dpt_mbufs_in_use(), 1);
	nat_frag_sweep(&w);
	assert_int_equal(dpt_mbufs_in_use(), 1);
	tick(6);
	nat_frag_sweep(&w);
	assert_int_equal(dpt_nat_counter("fragment_drops"), drops + 1);
	assert_int_equal(dpt_mbufs_in_use(), 0);
	/* Forwarded, not ours: no Time Exceeded, whichever piece it was. */
	assert_int_equal(dpt_queued(&w), 0);

	/* A flood of datagrams that never complete holds at most the tables'
	 * share of the pool, a quarter over all lcores (8192 / 4 / 8 per
	 * lcore's fragments): the rest are counted drops at once. */
	{
		const uint32_t room = dp.pool->size / (4 * 8 * rte_lcore_count());
		uint64_t before = dpt_nat_counter("fragment_drops");

		for (uint32_t i = 0; i < room + 20; i++) {
			d = udp(A, R, 9600, 53, 1800);
			iph(d)->packet_id = htons((uint16_t)(1000 + i));
			f[0] = frag_of(d, 0, 800, true);
			rte_pktmbuf_free(d);
			assert_int_equal(nat_prerouting(&w, f[0], LAN), NAT_STOLEN);
		}
		assert_true(dpt_mbufs_in_use() <= room);
		assert_true(dpt_nat_counter("fragment_drops") >= before + 20);
		tick(6);
		nat_frag_sweep(&w);
		assert_int_equal(dpt_mbufs_in_use(), 0);
		assert_int_equal(dpt_nat_counter("fragment_drops"), before + room + 20);
		/* First pieces, but of datagrams the router forwards: only
		 * the destination sends a Time Exceeded about them. */
		assert_int_equal(dpt_queued(&w), 0);
	}

	/* Pieces that can never make a datagram go at once, as bad headers:
	 * one not the last whose length is not a multiple of 8, one that
	 * ends past 65 535 bytes. */
	{
		uint64_t bad = dpt_drops(DROP_BAD_HEADER);
		struct rte_ipv4_hdr *ip;

		d = udp(A, R, 9503, 53, 1800);
		f[0] = frag_of(d, 0, 804, true);
		f[1] = frag_of(d, 8, 16, false);
		rte_pktmbuf_free(d);
		ip = iph(f[1]);
		ip->fragment_offset = htons(65520 / 8);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = dpt_cksum(ip, 20);
		assert_int_equal(nat_prerouting(&w, f[0], LAN), NAT_DROP);
		assert_int_equal(nat_prerouting(&w, f[1], LAN), NAT_DROP);
		assert_int_equal(dpt_drops(DROP_BAD_HEADER), bad + 2);
		assert_int_equal(dpt_mbufs_in_use(), 0);
		assert_int_equal(w.tx[WAN].n, 0);

		/* Pieces that each fit but not together: the first has 40
		 * bytes of options, which the datagram takes, and the last
		 * ends at 65 515 (20 + 65 515 fits, 60 + 65 515 does not). */
		for (uint32_t i = 0; i < 8; i++) {
			uint32_t off = i * 8192, len = i < 7 ? 8192 : 65515 - 7 * 8192;

			assert_int_equal(nat_prerouting(&w, big_frag(77, off, len, i < 7,
								     i == 0 ? 60 : 20), LAN),
					 NAT_STOLEN);
		}
		assert_int_equal(dpt_drops(DROP_BAD_HEADER), bad + 3);
		assert_int_equal(dpt_mbufs_in_use(), 0);
		assert_int_equal(w.tx[WAN].n, 0);
	}
	neigh_del(WAN, dpt_ip(R));
}

/* Fragment off..off+len of the IP payload msg, from src to dst. */
static struct rte_mbuf *
frag_raw(const char *src, const char *dst, uint8_t proto, const uint8_t *msg, uint16_t off,
	 uint16_t len, bool more)
{
	struct rte_mbuf *m = at_ip(dpt_ipv4(LAN_MAC, PEER_MAC, src, dst, proto, 64,
					    msg + off, len));
	struct rte_ipv4_hdr *f = iph(m);

	f->packet_id = htons(0x4321);
	f->fragment_offset = htons((uint16_t)(off / 8) | (more ? RTE_IPV4_HDR_MF_FLAG : 0));
	f->hdr_checksum = 0;
	f->hdr_checksum = dpt_cksum(f, 20);
	return m;
}

/* Put together what the router sent on port as fragments from src to dst:
 * every header checksum right, TTL decremented, no hole; returns the
 * payload's length. */
static uint16_t
gather(uint16_t port, const char *src, const char *dst, uint8_t *whole, unsigned int nfrags)
{
	uint16_t got = 0, end = 0;

	assert_int_equal(w.tx[port].n, nfrags);
	for (unsigned int i = 0; i < w.tx[port].n; i++) {
		struct rte_mbuf *m = w.tx[port].m[i];
		struct rte_ipv4_hdr hb;
		const struct rte_ipv4_hdr *ip = rte_pktmbuf_read(m, 14, sizeof(hb), &hb);
		uint16_t flags = ntohs(ip->fragment_offset);
		uint16_t off = (flags & RTE_IPV4_HDR_OFFSET_MASK) * 8;
		uint16_t len = ntohs(ip->total_length) - 20;
		const void *data;

		assert_int_equal(dpt_cksum(ip, 20), 0);
		assert_int_equal(ntohl(ip->src_addr), dpt_ip(src));
		assert_int_equal(ntohl(ip->dst_addr), dpt_ip(dst));
		assert_int_equal(ip->next_proto_id, IPPROTO_ICMP);
		assert_int_equal(ip->time_to_live, 63);
		assert_int_equal(rte_pktmbuf_pkt_len(m), 14u + 20u + len);
		data = rte_pktmbuf_read(m, 34, len, whole + off);
		if (data != whole + off)
			memcpy(whole + off, data, len);
		got += len;
		if (!(flags & RTE_IPV4_HDR_MF_FLAG))
			end = off + len;
	}
	assert_int_equal(got, end);
	return got;
}

/* The 2400-byte ICMP message msg from src to dst in three fragments, the
 * last first, into prerouting on in: each held, nothing out on out before
 * the first piece completes it. */
static void
icmp_last_first(const char *src, const char *dst, const uint8_t *msg, uint16_t in,
		uint16_t out)
{
	struct rte_mbuf *f[3];

	for (unsigned int i = 0; i < 3; i++)
		f[i] = frag_raw(src, dst, IPPROTO_ICMP, msg, (uint16_t)(800 * i), 800, i < 2);
	assert_int_equal(nat_prerouting(&w, f[2], in), NAT_STOLEN);
	assert_int_equal(nat_prerouting(&w, f[1], in), NAT_STOLEN);
	assert_int_equal(w.tx[out].n, 0);
	assert_int_equal(nat_prerouting(&w, f[0], in), NAT_STOLEN);
}

/* RFC 4787 REQ-14 for ICMP: an echo of 2400 bytes in three fragments that
 * arrive last first, both ways; the identifier and every checksum are
 * translated over the whole message. */
static void
test_icmp_fragments_reverse_order(void **state)
{
	struct rte_ether_addr rmac = dpt_mac(PEER_MAC), amac = dpt_mac("02:00:00:00:00:22");
	enum { LEN = 2400, ID = 4242 };
	static uint8_t msg[LEN], whole[LEN + 8];
	struct rte_icmp_hdr *ic = (struct rte_icmp_hdr *)msg, *out;
	struct nat_sess_info si;
	uint16_t oid;

	(void)state;
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, 0);
	assert_int_equal(neigh_add(WAN, dpt_ip(R), &rmac, true, 0), 0);
	assert_int_equal(neigh_add(LAN, dpt_ip(A), &amac, true, 0), 0);

	ic->icmp_type = RTE_IP_ICMP_ECHO_REQUEST;
	ic->icmp_code = 0;
	ic->icmp_ident = htons(ID);
	ic->icmp_seq_nb = htons(7);
	for (unsigned int i = 8; i < LEN; i++)
		msg[i] = (uint8_t)(i * 7 + 3);
	ic->icmp_cksum = 0;
	ic->icmp_cksum = dpt_cksum(msg, LEN);
	icmp_last_first(A, R, msg, LAN, WAN);

	/* Out from the router's address, fragmented again for MTU 1500. */
	memset(whole, 0, sizeof(whole));
	assert_int_equal(gather(WAN, W, R, whole, 2), LEN);
	out = (struct rte_icmp_hdr *)whole;
	assert_int_equal(dpt_cksum(whole, LEN), 0);
	assert_int_equal(out->icmp_type, RTE_IP_ICMP_ECHO_REQUEST);
	assert_int_equal(out->icmp_code, 0);
	oid = ntohs(out->icmp_ident);
	assert_int_equal(oid, ID);		/* preserved: it was free */
	assert_int_equal(ntohs(out->icmp_seq_nb), 7);
	assert_memory_equal(whole + 8, msg + 8, LEN - 8);
	assert_int_equal(sessions_of(IPPROTO_ICMP, A, ID, &si), 1);
	dpt_tx_clear(&w);

	/* The reply, also 2400 bytes in three fragments, last first. */
	ic->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	ic->icmp_ident = htons(oid);
	ic->icmp_cksum = 0;
	ic->icmp_cksum = dpt_cksum(msg, LEN);
	icmp_last_first(R, W, msg, WAN, LAN);
	memset(whole, 0, sizeof(whole));
	assert_int_equal(gather(LAN, R, A, whole, 2), LEN);
	assert_int_equal(dpt_cksum(whole, LEN), 0);
	assert_int_equal(out->icmp_type, RTE_IP_ICMP_ECHO_REPLY);
	assert_int_equal(ntohs(out->icmp_ident), ID);
	assert_int_equal(ntohs(out->icmp_seq_nb), 7);
	assert_memory_equal(whole + 8, msg + 8, LEN - 8);
	assert_int_equal(sessions_of(IPPROTO_ICMP, A, ID, &si), 1);
	assert_int_equal(si.packets, 2);
	dpt_tx_clear(&w);
	assert_int_equal(dpt_mbufs_in_use(), 0);
	neigh_del(WAN, dpt_ip(R));
	neigh_del(LAN, dpt_ip(A));
}

static void
test_table_full_and_ports(void **state)
{
	struct rte_mbuf *m;
	uint64_t full, exh, nat_drops;
	char src[32];

	(void)state;
	set_max_sessions(16);
	rule(SLUICE_NAT_MASQUERADE, WAN, "10.0.0.0", 24, 0);
	pool_rule("10.0.1.0", 2000, 2001);

	/* Pool of two ports: the third inside endpoint is refused. */
	exh = dpt_nat_counter("port_exhausted_drops");
	out1(udp("10.0.1.2", R, 3000, 53, 4));
	out1(udp("10.0.1.3", R, 3000, 53, 4));
	m = udp("10.0.1.4", R, 3000, 53, 4);
	nat_drops = dpt_drops(DROP_NAT);
	assert_int_equal(through(m, LAN, WAN), NAT_DROP);
	assert_int_equal(dpt_nat_counter("port_exhausted_drops"), exh + 1);
	assert_int_equal(dpt_drops(DROP_NAT), nat_drops + 1);
	m = udp("10.0.1.3", R, 3000, 53, 4);	/* existing flow untouched */
	assert_int_equal(through(m, LAN, WAN), NAT_PASS);
	assert_int_equal(ntohl(iph(m)->src_addr), dpt_ip("203.0.113.50"));
	assert_true(sport(m) == 2000 || sport(m) == 2001);
	rte_pktmbuf_free(m);

	/* Sixteen sessions fill the table; the next new flow is refused. */
	full = dpt_nat_counter("table_full_drops");
	for (int i = 0; i < 14; i++)
		out1(udp(A, R, (uint16_t)(10000 + i), 53, 4));
	assert_int_equal(dpt_nat_counter("sessions_active"), 16);
	snprintf(src, sizeof(src), "%s", B);
	m = udp(src, R, 10000, 53, 4);
	assert_int_equal(through(m, LAN, WAN), NAT_DROP);
	assert_int_equal(dpt_nat_counter("table_full_drops"), full + 1);
	/* Existing flows untouched. */
	passed_as(udp(R, W, 53, 10005, 4), WAN, LAN, R, 53, A, 10005);

	set_max_sessions(SLUICE_NAT_MAX_SESSIONS_DEFAULT);
	assert_int_equal(dpt_nat_counter("sessions_active"), 0);
}

/* Flows 20000 + [from, to) of A out to R:53. */
static void
flows_out(uint16_t from, uint16_t to)
{
	for (uint16_t i = from; i < to; i++)
		out1(udp(A, R, (uint16_t)(20000 + i), 53, 4));
}

/* Flows 20000 + [from, to) of A translated both ways, ports kept. */
static void
flows_both_ways(uint16_t from, uint16_t to)
{
	for (uint16_t i = from; i < to; i++) {
		const uint16_t ap = (uint16_t)(20000 + i);

		passed_as(udp(R, W, 53, ap, 4), WAN, LAN, R, 53, A, ap);
		passed_as(udp(A, R, ap, 53, 4), LAN, WAN, W, ap, R, 53);
	}
}

/*
 * The flows table is sized by the sessions in use: made for
 * nat_flows_first sessions, grown by the control lcore to NAT_GROW_FACTOR
 * times that once a session is made past it (nat_flows_resize; nothing before), and
 * table_bytes follows.  Every flow, made before or after, keeps its
 * translation both ways.
 */
static void
test_flows_grow(void **state)
{
	const uint32_t first = nat_flows_first;
	uint64_t bytes, full;
	size_t fbytes;
	struct rte_mbuf *m;

	(void)state;
	nat_flows_first = 64;
	set_max_sessions(4000);	/* fresh tables */
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, 0);
	bytes = dpt_nat_counter("table_bytes");
	fbytes = nat_flows(nat_tables())->bytes;
	flows_out(0, 64);
	(void)nat_flows_resize(UINT32_MAX);
	assert_int_equal(nat_tables()->flows_cap, 64);
	assert_int_equal(dpt_nat_counter("table_bytes"), bytes);
	/* The 65th asks; twenty more are made before the control lcore
	 * gets to it, in a table past its size. */
	flows_out(64, 85);
	assert_true(nat_tables()->grow_wanted);
	assert_int_equal(nat_tables()->flows_cap, 64);
	(void)nat_flows_resize(UINT32_MAX);
	assert_false(nat_tables()->grow_wanted);
	assert_int_equal(nat_tables()->flows_cap, 64 * NAT_GROW_FACTOR);
	assert_null(nat_tables()->grow);
	assert_true(nat_flows(nat_tables())->bytes > (NAT_GROW_FACTOR - 1) * fbytes);
	assert_int_equal(dpt_nat_counter("table_bytes"),
			 bytes - fbytes + nat_flows(nat_tables())->bytes);
	flows_out(85, 100);
	assert_int_equal(dpt_nat_counter("sessions_active"), 100);
	flows_both_ways(0, 100);
	assert_int_equal(dpt_nat_counter("sessions_active"), 100);

	/* A growth under way (begun, nothing copied yet): the sessions made
	 * meanwhile are in the next table alone and translated from there,
	 * up to its room (1.3 times the sessions it is sized for), and the
	 * next new flow is refused; then the copy ends, and the table, still
	 * outgrown, grows again. */
	flows_out(100, 257);
	assert_true(nat_tables()->grow_wanted);
	assert_true(nat_flows_resize(0));
	assert_non_null(nat_tables()->grow);
	assert_int_equal(nat_tables()->grow_cap, 256 * NAT_GROW_FACTOR);
	flows_out(257, 1331);
	flows_both_ways(0, 1331);
	full = dpt_nat_counter("table_full_drops");
	m = udp(A, R, 21331, 53, 4);
	assert_int_equal(through(m, LAN, WAN), NAT_DROP);
	assert_int_equal(dpt_nat_counter("table_full_drops"), full + 1);
	while (nat_flows_resize(UINT32_MAX))
		;
	assert_int_equal(nat_tables()->flows_cap, 4000);
	assert_null(nat_tables()->grow);
	flows_both_ways(0, 1331);
	out1(udp(A, R, 21331, 53, 4));
	assert_int_equal(dpt_nat_counter("sessions_active"), 1332);

	nat_flows_first = first;
	set_max_sessions(SLUICE_NAT_MAX_SESSIONS_DEFAULT);
}

/* Sessions whose inside port is at least *arg. */
static bool
sess_port_from(const struct nat_sess *s, void *arg)
{
	return rte_be_to_cpu_16(s->o.sp) >= *(const uint16_t *)arg;
}

/*
 * After a flood the flows table shrinks: once the sessions in use fall
 * under 1/NAT_SHRINK_BELOW of its size the control lcore remakes it for
 * NAT_GROW_FACTOR times them, on the growths' ladder (64, 256, 1 024,
 * max), by the same copy: a flow made meanwhile goes to the smaller table
 * alone and is found there; every flow left keeps its translation both
 * ways; table_bytes follows; a table sized so does not shrink again.
 */
static void
test_flows_shrink(void **state)
{
	const uint32_t first = nat_flows_first;
	uint16_t from;
	uint64_t bytes;
	size_t fbytes;

	(void)state;
	nat_flows_first = 64;
	set_max_sessions(4000);	/* fresh tables */
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, 0);
	for (uint16_t i = 0; i < 1500; i++) {
		out1(udp(A, R, (uint16_t)(20000 + i), 53, 4));
		while (nat_flows_resize(UINT32_MAX))
			;
	}
	assert_int_equal(nat_tables()->flows_cap, 4000);
	assert_false(nat_flows_resize(UINT32_MAX));	/* 1 500 of 4 000: kept */

	/* 200 left: under 4 000 / 16, remade for 1 024 (4 x 200 = 800). */
	from = 20200;
	assert_int_equal(nat_sess_delete_if(sess_port_from, &from), 1300);
	bytes = dpt_nat_counter("table_bytes");
	fbytes = nat_flows(nat_tables())->bytes;
	assert_true(nat_flows_resize(0));		/* begun, nothing copied */
	assert_non_null(nat_tables()->grow);
	assert_int_equal(nat_tables()->grow_cap, 1024);
	flows_out(1500, 1510);
	flows_both_ways(0, 200);
	flows_both_ways(1500, 1510);
	while (nat_flows_resize(UINT32_MAX))
		;
	assert_null(nat_tables()->grow);
	assert_int_equal(nat_tables()->flows_cap, 1024);
	assert_true(nat_flows(nat_tables())->bytes < fbytes / 3);
	assert_int_equal(dpt_nat_counter("table_bytes"),
			 bytes - fbytes + nat_flows(nat_tables())->bytes);
	assert_int_equal(dpt_nat_counter("sessions_active"), 210);
	flows_both_ways(0, 200);
	flows_both_ways(1500, 1510);
	assert_false(nat_flows_resize(UINT32_MAX));	/* 210 x 16 > 1 024 */
	assert_int_equal(nat_tables()->flows_cap, 1024);

	/* 13 left: down to the first rung, 64 (4 x 13 = 52). */
	from = 20003;
	assert_int_equal(nat_sess_delete_if(sess_port_from, &from), 207);
	flows_out(1500, 1510);
	while (nat_flows_resize(UINT32_MAX))
		;
	assert_int_equal(nat_tables()->flows_cap, 64);
	flows_both_ways(0, 3);
	flows_both_ways(1500, 1510);
	assert_int_equal(dpt_nat_counter("sessions_active"), 13);

	nat_flows_first = first;
	set_max_sessions(SLUICE_NAT_MAX_SESSIONS_DEFAULT);
}

/*
 * The expiry scan walks only the session slots handed out so far: with
 * two sessions in a table of 131 072, both go at the first tick after
 * they expire, however far on a scan of the whole table would stand
 * after eight empty ticks (SCAN_SLICE slots each).
 */
static void
test_expiry_scan_in_use(void **state)
{
	uint64_t expired;

	(void)state;
	set_max_sessions(SLUICE_NAT_MAX_SESSIONS_DEFAULT / 2);	/* nothing handed out yet */
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, 0);
	for (int i = 0; i < 8; i++)
		nat_timer(clk);
	out1(udp(A, R, 8100, 53, 4));
	out1(udp(A, R, 8101, 53, 4));
	expired = dpt_nat_counter("sessions_expired");
	clk += 301 * dp.hz;			/* UDP's 300 s */
	nat_timer(clk);
	assert_int_equal(sessions_of(IPPROTO_UDP, A, 8100, NULL), 0);
	assert_int_equal(sessions_of(IPPROTO_UDP, A, 8101, NULL), 0);
	assert_int_equal(dpt_nat_counter("sessions_expired"), expired + 2);
	set_max_sessions(SLUICE_NAT_MAX_SESSIONS_DEFAULT);
}

/*
 * Sessions a flush or a rule's removal ends are counted as removed, so
 * that created = expired + removed + active, as an operator reading the
 * counters expects.
 */
static void
test_removed_counted(void **state)
{
	uint64_t created = dpt_nat_counter("sessions_created");
	uint64_t expired = dpt_nat_counter("sessions_expired");
	uint64_t removed = dpt_nat_counter("sessions_removed");
	struct nat_rule_spec r = { .kind = SLUICE_NAT_MASQUERADE, .port = WAN };

	(void)state;
	assert_int_equal(dpt_nat_counter("sessions_active"), 0);
	assert_int_equal(nat_rule_add(&r), 0);
	for (uint16_t p = 8300; p < 8303; p++)
		out1(udp(A, R, p, 53, 4));
	nat_sess_flush();
	assert_int_equal(dpt_nat_counter("sessions_removed"), removed + 3);
	out1(udp(A, R, 8303, 53, 4));
	out1(udp(A, R, 8304, 53, 4));
	tick(301);				/* UDP's 300 s: both expire */
	out1(udp(A, R, 8305, 53, 4));
	out1(udp(A, R, 8306, 53, 4));
	assert_int_equal(nat_rule_del(&r, false), 0);
	assert_int_equal(dpt_nat_counter("sessions_removed"), removed + 5);
	assert_int_equal(dpt_nat_counter("sessions_expired"), expired + 2);
	assert_int_equal(dpt_nat_counter("sessions_created"), created + 7);
	assert_int_equal(dpt_nat_counter("sessions_active"), 0);
	/* New tables for another max-sessions end the old ones' sessions. */
	assert_int_equal(nat_rule_add(&r), 0);
	out1(udp(A, R, 8307, 53, 4));
	out1(udp(A, R, 8308, 53, 4));
	set_max_sessions(SLUICE_NAT_MAX_SESSIONS_DEFAULT / 2);
	assert_int_equal(dpt_nat_counter("sessions_removed"), removed + 7);
	assert_int_equal(dpt_nat_counter("sessions_active"), 0);
	set_max_sessions(SLUICE_NAT_MAX_SESSIONS_DEFAULT);
}

/*
 * The expiry scan's pace is per time, not per call: 4 096 slots for every
 * 10 ms since the last call, so that the control lcore's 100 ms idle tick
 * scans as much as ten 10 ms ticks.  8 192 sessions, the last one (slot
 * 8 191) never refreshed: the call after it expired finds it, where one
 * slice from slot 0 (two calls before brought the cursor round) would not.
 */
static void
test_expiry_scan_pace(void **state)
{
	const unsigned int n = 8192;
	uint64_t expired, t0;

	(void)state;
	set_max_sessions(16384);	/* fresh tables: the cursor at 0 */
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, 0);
	flows_out(0, n);
	t0 = clk;
	nat_timer(t0 + 200 * dp.hz);
	flows_out(0, n - 1);			/* all but the last */
	nat_timer(t0 + 250 * dp.hz);
	expired = dpt_nat_counter("sessions_expired");
	clk = t0 + 301 * dp.hz;			/* the last one's UDP 300 s */
	nat_timer(clk);
	assert_int_equal(sessions_of(IPPROTO_UDP, A, (uint16_t)(20000 + n - 1), NULL), 0);
	assert_int_equal(sessions_of(IPPROTO_UDP, A, 20000, NULL), 1);
	assert_int_equal(dpt_nat_counter("sessions_expired"), expired + 1);
	set_max_sessions(SLUICE_NAT_MAX_SESSIONS_DEFAULT);
}

/*
 * A pool-only snat rule (203.0.113.10-11, not wan's addresses): flows
 * leave from both addresses and their replies come back; what no session
 * or mapping takes for a pool address (UDP, TCP, ICMP echo, another
 * protocol) is a NAT drop, never handed to local delivery (no echo reply,
 * port unreachable or reset from a pool address) nor routed back out.
 * wan's own address still goes to local delivery.
 */
static void
test_pool_addresses(void **state)
{
	struct nat_rule_spec r = snat_spec("10.0.0.0", "203.0.113.10", "203.0.113.11");
	uint8_t gre[8] = { 0, 0, 0x08, 0, 1, 2, 3, 4 };
	uint64_t nat_drops = dpt_drops(DROP_NAT), unmatched = dpt_nat_counter("inbound_unmatched_drops");
	unsigned int used[2] = { 0, 0 };
	struct rte_mbuf *m;
	char src[32], out[32];
	uint16_t id;

	(void)state;
	assert_int_equal(nat_rule_add(&r), 0);
	for (int i = 2; i < 42; i++) {
		uint32_t x;
		uint16_t p;

		snprintf(src, sizeof(src), "10.0.0.%d", i);
		m = udp(src, R, 5000, 53, 4);
		assert_int_equal(through(m, LAN, WAN), NAT_PASS);
		x = ntohl(iph(m)->src_addr);
		p = sport(m);
		assert_true(x == dpt_ip("203.0.113.10") || x == dpt_ip("203.0.113.11"));
		used[x - dpt_ip("203.0.113.10")]++;
		rte_pktmbuf_free(m);
		/* The reply to that address comes back to the host. */
		snprintf(out, sizeof(out), "203.0.113.%u", x & 0xff);
		passed_as(udp(R, out, 53, p, 4), WAN, LAN, R, 53, src, 5000);
	}
	assert_true(used[0] > 0 && used[1] > 0);
	/* ICMP echo through the pool, and its reply. */
	m = echo(A, R, 77, false);
	assert_int_equal(through(m, LAN, WAN), NAT_PASS);
	snprintf(out, sizeof(out), "203.0.113.%u", ntohl(iph(m)->src_addr) & 0xff);
	assert_true(strcmp(out, "203.0.113.10") == 0 || strcmp(out, "203.0.113.11") == 0);
	id = ntohs(((struct rte_icmp_hdr *)l4(m))->icmp_ident);
	rte_pktmbuf_free(m);
	m = echo(R, out, id, true);
	assert_int_equal(through(m, WAN, LAN), NAT_PASS);
	check_ip(m, R, 0, A, 0);
	assert_int_equal(ntohs(((struct rte_icmp_hdr *)l4(m))->icmp_ident), 77);
	rte_pktmbuf_free(m);
	assert_int_equal(dpt_drops(DROP_NAT), nat_drops);

	/* Nothing of the NAT's for these: dropped and counted. */
	assert_int_equal(through(udp(R, "203.0.113.10", 53, 1, 4), WAN, LAN), NAT_DROP);
	assert_int_equal(through(tcp(R, "203.0.113.11", 5555, 22, RTE_TCP_SYN_FLAG), WAN, LAN),
			 NAT_DROP);
	assert_int_equal(through(echo(R, "203.0.113.10", 9, false), WAN, LAN), NAT_DROP);
	assert_int_equal(through(at_ip(dpt_ipv4(WAN_MAC, PEER_MAC, R, "203.0.113.11", 47, 64,
						gre, sizeof(gre))), WAN, LAN), NAT_DROP);
	/* From inside too (no mapping to hairpin to). */
	assert_int_equal(through(udp(B, "203.0.113.10", 53, 1, 4), LAN, WAN), NAT_DROP);
	assert_int_equal(dpt_drops(DROP_NAT), nat_drops + 5);
	assert_int_equal(dpt_nat_counter("inbound_unmatched_drops"), unmatched + 5);

	/* wan's own address is the router's: local delivery decides. */
	m = echo(R, W, 9, false);
	assert_int_equal(nat_prerouting(&w, m, WAN), NAT_PASS);
	rte_pktmbuf_free(m);
	m = tcp(R, W, 5555, 22, RTE_TCP_SYN_FLAG);
	assert_int_equal(nat_prerouting(&w, m, WAN), NAT_PASS);
	rte_pktmbuf_free(m);

	/* Without the rule a pool address is nobody's: routed as any other. */
	assert_int_equal(nat_rule_del(&r, false), 0);
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, 0);
	m = udp(R, "203.0.113.10", 53, 1, 4);
	assert_int_equal(through(m, WAN, LAN), NAT_PASS);
	rte_pktmbuf_free(m);
}

static void
test_rules(void **state)
{
	struct nat_rule_spec r = { .kind = SLUICE_NAT_MASQUERADE, .port = 7 };
	struct nat_conf c;

	(void)state;
	assert_int_equal(nat_rule_add(&r), -ENODEV);
	r = (struct nat_rule_spec){ .kind = SLUICE_NAT_SNAT, .port = WAN };
	assert_int_equal(nat_rule_add(&r), -EINVAL);	/* snat needs from and to */
	r = (struct nat_rule_spec){ .kind = SLUICE_NAT_DNAT, .port = WAN, .proto = IPPROTO_TCP,
				    .dport_min = 100, .dport_max = 90, .addr_min = 1 };
	assert_int_equal(nat_rule_add(&r), -EINVAL);
	r = (struct nat_rule_spec){ .kind = SLUICE_NAT_MASQUERADE, .port = WAN, .has_src = true,
				    .src = dpt_ip("10.0.0.1"), .src_len = 24 };
	assert_int_equal(nat_rule_add(&r), -EINVAL);	/* host bits */
	assert_false(nat_enabled);
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, 0);
	assert_true(nat_enabled);
	out1(udp(A, R, 11000, 53, 4));
	nat_sess_flush();
	assert_int_equal(dpt_nat_counter("sessions_active"), 0);
	out1(udp(A, R, 11000, 53, 4));
	/* The port going away takes its rules and sessions. */
	nat_flush_port(WAN);
	assert_false(nat_enabled);
	assert_int_equal(dpt_nat_counter("sessions_active"), 0);
	nat_conf_get(&c);
	assert_int_equal(c.timeout_tcp_est, SLUICE_NAT_TIMEOUT_TCP_EST_DEFAULT);
	assert_int_equal(c.timeout_tcp_trans, SLUICE_NAT_TIMEOUT_TCP_TRANS_DEFAULT);
	assert_int_equal(c.max_sessions, SLUICE_NAT_MAX_SESSIONS_DEFAULT);
}

/* What the NAT cannot translate (another protocol, a truncated header)
 * never leaves a NAT port with the inside source: dropped and counted.
 * The router's own such packets, and other ports, are left alone. */
static void
test_untranslatable_dropped(void **state)
{
	uint8_t pl[24] = { 0 };
	uint64_t drops = dpt_nat_counter("untranslatable_drops"), nat_drops = dpt_drops(DROP_NAT);
	struct rte_mbuf *m;

	(void)state;
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, 0);
	m = at_ip(dpt_ipv4(LAN_MAC, PEER_MAC, A, R, 47, 64, pl, sizeof(pl)));	/* GRE */
	assert_int_equal(through(m, LAN, WAN), NAT_DROP);
	pl[1] = 80;
	pl[3] = 80;
	m = at_ip(dpt_ipv4(LAN_MAC, PEER_MAC, A, R, IPPROTO_TCP, 64, pl, 10));
	assert_int_equal(through(m, LAN, WAN), NAT_DROP);
	assert_int_equal(dpt_nat_counter("untranslatable_drops"), drops + 2);
	assert_int_equal(dpt_drops(DROP_NAT), nat_drops + 2);
	assert_int_equal(dpt_nat_counter("sessions_active"), 0);

	passed_untouched(at_ip(dpt_ipv4(LAN_MAC, PEER_MAC, W, R, 47, 64, pl, sizeof(pl))),
			 LAN, WAN, 44);
	passed_untouched(at_ip(dpt_ipv4(LAN_MAC, PEER_MAC, R, A, 47, 64, pl, sizeof(pl))),
			 WAN, LAN, 44);
	assert_int_equal(dpt_nat_counter("untranslatable_drops"), drops + 2);
}

/* Copies of pieces (a link or a tap repeating a frame): each copy is
 * dropped and counted alone, as the kernel does, and the datagram still
 * comes out whole; once it has, its identifier may come again. */
static void
test_fragment_duplicates(void **state)
{
	struct rte_ether_addr mac = dpt_mac(PEER_MAC);
	const uint64_t dups = dpt_nat_counter("fragment_duplicates");
	const uint64_t drops = dpt_nat_counter("fragment_drops");
	const uint64_t nat_drops = dpt_drops(DROP_NAT);
	struct rte_mbuf *d, *f[6];

	(void)state;
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, 0);
	assert_int_equal(neigh_add(WAN, dpt_ip(R), &mac, true, 0), 0);
	for (int round = 0; round < 2; round++) {
		/* The same identifier both times: the second datagram is not
		 * taken for copies of the first's pieces. */
		d = udp(A, R, 9700, 53, 1800);
		iph(d)->packet_id = htons(777);
		f[0] = frag_of(d, 1600, 208, false);
		f[1] = frag_of(d, 1600, 208, false);	/* the last piece twice */
		f[2] = frag_of(d, 800, 800, true);
		f[3] = frag_of(d, 800, 800, true);	/* a middle one twice */
		f[4] = frag_of(d, 0, 800, true);
		f[5] = frag_of(d, 0, 800, true);	/* the first, once it is whole */
		rte_pktmbuf_free(d);
		assert_int_equal(nat_prerouting(&w, f[0], LAN), NAT_STOLEN);
		assert_int_equal(nat_prerouting(&w, f[1], LAN), NAT_DROP);
		assert_int_equal(nat_prerouting(&w, f[2], LAN), NAT_STOLEN);
		assert_int_equal(nat_prerouting(&w, f[3], LAN), NAT_DROP);
		assert_int_equal(nat_prerouting(&w, f[4], LAN), NAT_STOLEN);
		assert_int_equal(w.tx[WAN].n, 2);
		assert_int_equal(ntohl(rte_pktmbuf_mtod_offset(w.tx[WAN].m[0], struct rte_ipv4_hdr *,
							       14)->src_addr), dpt_ip(W));
		assert_int_equal(dpt_nat_counter("fragment_duplicates"), dups + 2u * round + 2);
		dpt_tx_clear(&w);
		if (round == 0) {
			rte_pktmbuf_free(f[5]);
			continue;
		}
		/* After the datagram, a late copy is a new datagram's first
		 * piece: held until its time is up, then counted. */
		assert_int_equal(nat_prerouting(&w, f[5], LAN), NAT_STOLEN);
		assert_int_equal(dpt_mbufs_in_use(), 1);
		tick(6);
		nat_frag_sweep(&w);
		assert_int_equal(dpt_mbufs_in_use(), 0);
		assert_int_equal(dpt_nat_counter("fragment_drops"), drops + 1);
	}
	assert_int_equal(dpt_drops(DROP_NAT), nat_drops + 4 + 1);
}

/* A TCP datagram whose first fragment carries only 8 bytes: the whole
 * header is pulled together after reassembly and the datagram translated. */
static void
test_tiny_first_fragment(void **state)
{
	struct rte_ether_addr mac = dpt_mac(PEER_MAC);
	uint8_t buf[40];
	struct rte_tcp_hdr *t = (struct rte_tcp_hdr *)buf;
	struct rte_mbuf *d, *f[2];
	struct rte_ipv4_hdr *ip;

	(void)state;
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, 0);
	assert_int_equal(neigh_add(WAN, dpt_ip(R), &mac, true, 0), 0);
	for (unsigned int i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 5 + 1);
	t->src_port = htons(41000);
	t->dst_port = htons(80);
	t->data_off = 5 << 4;
	t->tcp_flags = RTE_TCP_SYN_FLAG;
	t->cksum = 0;
	d = at_ip(dpt_ipv4(LAN_MAC, PEER_MAC, A, R, IPPROTO_TCP, 64, buf, sizeof(buf)));
	t = l4(d);
	t->cksum = rte_ipv4_udptcp_cksum(iph(d), t);
	memcpy(buf, t, sizeof(buf));
	f[0] = frag_of(d, 0, 8, true);
	f[1] = frag_of(d, 8, 32, false);
	rte_pktmbuf_free(d);
	assert_int_equal(nat_prerouting(&w, f[1], LAN), NAT_STOLEN);
	assert_int_equal(nat_prerouting(&w, f[0], LAN), NAT_STOLEN);

	assert_int_equal(w.tx[WAN].n, 1);
	assert_int_equal(rte_pktmbuf_pkt_len(w.tx[WAN].m[0]), 14u + 20u + sizeof(buf));
	assert_int_equal(rte_pktmbuf_linearize(w.tx[WAN].m[0]), 0);
	ip = rte_pktmbuf_mtod_offset(w.tx[WAN].m[0], struct rte_ipv4_hdr *, 14);
	assert_int_equal(ntohs(ip->fragment_offset) & RTE_IPV4_HDR_OFFSET_MASK, 0);
	assert_int_equal(ntohs(ip->fragment_offset) & RTE_IPV4_HDR_MF_FLAG, 0);
	assert_int_equal(ntohl(ip->src_addr), dpt_ip(W));
	assert_int_equal(ntohl(ip->dst_addr), dpt_ip(R));
	assert_int_equal(ntohs(((uint16_t *)(ip + 1))[0]), 41000);
	assert_int_equal(ntohs(((uint16_t *)(ip + 1))[1]), 80);
	assert_memory_equal((uint8_t *)(ip + 1) + 4, buf + 4, 12);	/* up to the checksum */
	assert_memory_equal((uint8_t *)(ip + 1) + 18, buf + 18, sizeof(buf) - 18);
	check_sums(ip);
	assert_int_equal(sessions_of(IPPROTO_TCP, A, 41000, NULL), 1);
	dpt_tx_clear(&w);
	neigh_del(WAN, dpt_ip(R));
}

/* The WAN address going away takes the sessions and mappings that use it:
 * new flows take the address left, replies to the old one are no longer
 * translated; sessions on other outside addresses stay. */
static void
test_addr_gone(void **state)
{
	struct nat_sess_info si;
	struct nat_rule_spec r = snat_spec("10.0.1.0", "203.0.113.50", "203.0.113.50");

	(void)state;
	assert_int_equal(nat_rule_add(&r), 0);
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, SLUICE_NAT_FILTER_EIF);
	assert_int_equal(addr_add(WAN, dpt_ip("198.51.100.1"), 24), 0);
	out1(udp(A, R, 5000, 53, 4));
	out1(udp(B, R, 5001, 53, 4));
	in1(udp(R2, W, 53, 5000, 4));		/* endpoint-independent inbound */
	out1(udp("10.0.1.2", R, 5002, 53, 4));
	assert_int_equal(dpt_nat_counter("sessions_active"), 4);
	assert_int_equal(sessions_of(IPPROTO_UDP, A, 5000, &si), 2);
	assert_int_equal(si.out_addr, dpt_ip(W));

	assert_int_equal(addr_del(WAN, dpt_ip(W), 24), 0);
	nat_addr_gone(WAN, dpt_ip(W));
	assert_int_equal(dpt_nat_counter("sessions_active"), 1);
	assert_int_equal(sessions_of(IPPROTO_UDP, "10.0.1.2", 5002, &si), 1);
	assert_int_equal(si.out_addr, dpt_ip("203.0.113.50"));

	/* To the old mapping: untouched. */
	passed_untouched(udp(R, W, 53, 5000, 4), WAN, LAN, 48);
	passed_as(udp(A, R, 5000, 53, 4), LAN, WAN, "198.51.100.1", 5000, R, 53);

	assert_int_equal(addr_del(WAN, dpt_ip("198.51.100.1"), 24), 0);
	nat_addr_gone(WAN, dpt_ip("198.51.100.1"));
	assert_int_equal(dpt_nat_counter("sessions_active"), 1);
	assert_int_equal(addr_add(WAN, dpt_ip(W), 24), 0);
}

/* A port set down takes its rules' sessions (the routes moved off it: a
 * flow must not keep its translation out of another port); a rule of
 * another port keeps its own. */
static void
test_port_down(void **state)
{
	struct rte_mbuf *m;

	(void)state;
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, 0);
	rule(SLUICE_NAT_MASQUERADE, LAN, NULL, 0, 0);
	out1(udp(A, R, 5000, 53, 4));
	out1(udp(B, R, 5001, 53, 4));
	m = udp(R, A, 53, 7000, 4);		/* out of LAN, under its rule */
	assert_int_equal(through(m, WAN, LAN), NAT_PASS);
	rte_pktmbuf_free(m);
	assert_int_equal(dpt_nat_counter("sessions_active"), 3);

	nat_port_down(WAN);
	assert_int_equal(dpt_nat_counter("sessions_active"), 1);
	assert_int_equal(sessions_of(IPPROTO_UDP, A, 5000, NULL), 0);
	assert_int_equal(sessions_of(IPPROTO_UDP, R, 53, NULL), 1);
	nat_port_down(LAN);
	assert_int_equal(dpt_nat_counter("sessions_active"), 0);

	/* A port back up: the inside flows whose remote now routes out of
	 * another port than their rule's end; the others stay. */
	out1(udp(A, R, 5000, 53, 4));
	out1(udp(A, "203.0.113.8", 5001, 53, 4));
	assert_int_equal(dpt_nat_counter("sessions_active"), 2);
	nat_port_up();
	assert_int_equal(dpt_nat_counter("sessions_active"), 2);
	dpt_route(true, R, 32, "10.0.0.9", RTN_UNICAST);	/* R now via LAN */
	nat_port_up();
	assert_int_equal(dpt_nat_counter("sessions_active"), 1);
	assert_int_equal(sessions_of(IPPROTO_UDP, A, 5000, NULL), 0);
	assert_int_equal(sessions_of(IPPROTO_UDP, A, 5001, NULL), 1);
	dpt_route(false, R, 32, "10.0.0.9", RTN_UNICAST);
}

/* Two uplinks, a masquerade on each (RFC 4787 REQ-1 per outside
 * address): an inside endpoint leaving by the second gets a mapping of the
 * second's address, not the first's; each mapping takes in what comes to
 * it, and each goes with its last session, its outside port free again. */
static void
test_two_uplinks(void **state)
{
	(void)state;
	rule(SLUICE_NAT_MASQUERADE, WAN, NULL, 0, SLUICE_NAT_FILTER_EIF);
	rule(SLUICE_NAT_MASQUERADE, WAN2, NULL, 0, SLUICE_NAT_FILTER_EIF);
	passed_as(udp(A, R, 5000, 53, 4), LAN, WAN, W, 5000, R, 53);
	passed_as(udp(A, "192.0.2.9", 5000, 53, 4), LAN, WAN2, W2, 5000, "192.0.2.9", 53);
	/* The first uplink's mapping is still its own. */
	passed_as(udp(A, R2, 5000, 53, 4), LAN, WAN, W, 5000, R2, 53);
	assert_int_equal(sessions_of(IPPROTO_UDP, A, 5000, NULL), 3);

	/* Endpoint-independent filtering: a stranger in by either uplink. */
	passed_as(udp("192.0.2.20", W2, 99, 5000, 4), WAN2, LAN, "192.0.2.20", 99, A, 5000);
	passed_as(udp("203.0.113.20", W, 99, 5000, 4), WAN, LAN, "203.0.113.20", 99, A, 5000);
	assert_int_equal(sessions_of(IPPROTO_UDP, A, 5000, NULL), 5);

	/* All expire: both mappings go, and B gets port 5000 on each. */
	tick(400);
	assert_int_equal(dpt_nat_counter("sessions_active"), 0);
	passed_as(udp(B, R, 5000, 53, 4), LAN, WAN, W, 5000, R, 53);
	passed_as(udp(B, "192.0.2.9", 5000, 53, 4), LAN, WAN2, W2, 5000, "192.0.2.9", 53);
	dpt_tx_clear(&w);
}

/* An ICMP error quoting only 8 bytes of TCP: the flags (byte 13) are past
 * the quote and never read; with 14 bytes they are. */
static void
test_quoted_tcp_flags(void **state)
{
	struct rte_ipv4_hdr ip = { .version_ihl = 0x45, .next_proto_id = IPPROTO_TCP };
	uint8_t hdr[20];
	struct nat_pkt p = { .ip = &ip };

	(void)state;
	memset(hdr, 0xff, sizeof(hdr));
	hdr[1] = 80;
	assert_int_equal(nat_parse_l4(&p, hdr, 8, true), 0);
	assert_int_equal(p.tcp_flags, 0);
	assert_null(p.ck);
	assert_int_equal(ntohs(p.t.sp), 0xff50);
	assert_int_equal(nat_parse_l4(&p, hdr, 14, true), 0);
	assert_int_equal(p.tcp_flags, 0xff);
}

/* Each test from and back to no rules, sessions or frames held. */
#define NAT_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		NAT_TEST(test_udp_both_ways),
		NAT_TEST(test_udp_zero_checksum),
		NAT_TEST(test_tcp_both_ways),
		NAT_TEST(test_icmp_echo_ids),
		NAT_TEST(test_icmp_query_types),
		NAT_TEST(test_icmp_errors),
		NAT_TEST(test_endpoint_independent_mapping),
		NAT_TEST(test_filtering),
		NAT_TEST(test_eif_refresh),
		NAT_TEST(test_timeouts),
		NAT_TEST(test_dnat_keeps_client),
		NAT_TEST(test_dnat_range_one_port),
		NAT_TEST(test_hairpin),
		NAT_TEST(test_fragments_reverse_order),
		NAT_TEST(test_fragment_duplicates),
		NAT_TEST(test_icmp_fragments_reverse_order),
		NAT_TEST(test_table_full_and_ports),
		NAT_TEST(test_flows_grow),
		NAT_TEST(test_flows_shrink),
		NAT_TEST(test_expiry_scan_in_use),
		NAT_TEST(test_expiry_scan_pace),
		NAT_TEST(test_removed_counted),
		NAT_TEST(test_rules),
		NAT_TEST(test_pool_addresses),
		NAT_TEST(test_router_errors_about_dnat),
		NAT_TEST(test_established_bursts),
		NAT_TEST(test_one_pass_nat),
		NAT_TEST(test_one_pass_nat_full),
		NAT_TEST(test_hairpin_same_burst),
		NAT_TEST(test_hairpin_dnat_pool),
		NAT_TEST(test_run_ends_before_slow),
		NAT_TEST(test_run_ends_before_slow_plain),
		NAT_TEST(test_router_error_about_hairpin),
		NAT_TEST(test_router_error_after_arp_failure),
		NAT_TEST(test_untranslatable_dropped),
		NAT_TEST(test_tiny_first_fragment),
		NAT_TEST(test_addr_gone),
		NAT_TEST(test_port_down),
		NAT_TEST(test_quoted_tcp_flags),
		NAT_TEST(test_hairpin_filtering),
		NAT_TEST(test_hairpin_eif),
		NAT_TEST(test_unsolicited_syn),
		NAT_TEST(test_icmp_keeps_sessions),
		NAT_TEST(test_port_parity),
		NAT_TEST(test_paired_pool),
		NAT_TEST(test_icmp_error_from_inside_router),
		NAT_TEST(test_exhausted_told),
		NAT_TEST(test_mapping_refs_full),
		NAT_TEST(test_two_uplinks),
	};

	dpt_init("nat");
	wctx_init(&w, 0);
	dpt_port(LAN, "lan", LAN_MAC, 1500);
	dpt_port(WAN, "wan", WAN_MAC, 1500);
	dpt_port(WAN2, "wan2", "02:00:00:00:02:01", 1500);
	if (addr_add(LAN, dpt_ip("10.0.0.1"), 24) != 0 ||
	    addr_add(WAN, dpt_ip(W), 24) != 0 || addr_add(WAN2, dpt_ip(W2), 24) != 0) {
		fprintf(stderr, "test_nat: addresses\n");
		return 1;
	}
	clk = nat_now;
	nat_timer(clk);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
