/* SPDX-License-Identifier: BSD-3-Clause */
/* ARP (RFC 826) and the neighbour table: answers (for our addresses and,
 * by proxy, the NAT pools'), learning, forgeries, resolution with held
 * packets, retries, ageing, bounds. */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_cycles.h>

#include "arp.h"
#include "dp_test.h"
#include "nat.h"
#include "neigh.h"
#include "resolve.h"

#define LAN_MAC		"02:00:00:00:00:01"
#define WAN_MAC		"02:00:00:00:00:02"
#define HOST_MAC	"02:aa:00:00:00:10"
#define HOST2_MAC	"02:aa:00:00:00:20"
#define EVIL_MAC	"02:ee:00:00:00:66"
#define ZERO_MAC	"00:00:00:00:00:00"
#define BCAST_MAC	"ff:ff:ff:ff:ff:ff"

static uint64_t fake_now;

/* Move neighbour time forward by s seconds and run the timer. */
static void
tick(double s)
{
	uint64_t real = rte_get_tsc_cycles();

	if (real > fake_now)
		fake_now = real;
	fake_now += (uint64_t)(s * (double)dp.hz);
	neigh_timer(fake_now);
}

/* An ARP frame as a worker punts it (from the Ethernet header). */
static struct rte_mbuf *
arp(uint16_t in_port, uint16_t op, const char *eth_dst, const char *sha,
    const char *sip, const char *tha, const char *tip, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp.pool);
	struct rte_ether_hdr *eh;
	struct rte_arp_hdr *ah;

	assert_non_null(m);
	eh = (struct rte_ether_hdr *)rte_pktmbuf_append(m, len);
	assert_non_null(eh);
	memset(eh, 0, len);
	eh->dst_addr = dpt_mac(eth_dst);
	eh->src_addr = dpt_mac(sha);
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	if (len >= sizeof(*eh) + sizeof(*ah)) {
		ah = (struct rte_arp_hdr *)(eh + 1);
		ah->arp_hardware = rte_cpu_to_be_16(1);
		ah->arp_protocol = rte_cpu_to_be_16(0x0800);
		ah->arp_hlen = 6;
		ah->arp_plen = 4;
		ah->arp_opcode = rte_cpu_to_be_16(op);
		ah->arp_data.arp_sha = dpt_mac(sha);
		ah->arp_data.arp_sip = rte_cpu_to_be_32(dpt_ip(sip));
		ah->arp_data.arp_tha = dpt_mac(tha);
		ah->arp_data.arp_tip = rte_cpu_to_be_32(dpt_ip(tip));
	}
	pkt_meta(m)->kind = PKT_ARP;
	pkt_meta(m)->in_port = in_port;
	return m;
}

static void
arp_in(uint16_t in_port, uint16_t op, const char *eth_dst, const char *sha,
       const char *sip, const char *tha, const char *tip)
{
	arp_input(arp(in_port, op, eth_dst, sha, sip, tha, tip, 60));
}

/* The exact 42 bytes an ARP frame from us must have. */
static void
assert_arp(struct rte_mbuf *m, uint16_t port, uint16_t op, const char *eth_dst,
	   const char *sha, const char *sip, const char *tha, const char *tip)
{
	uint8_t want[42], *p = want;
	struct rte_ether_addr a;
	uint32_t ip;

#define PUT(x) do { memcpy(p, &(x), sizeof(x)); p += sizeof(x); } while (0)
	a = dpt_mac(eth_dst); PUT(a);
	a = dpt_mac(sha); PUT(a);
	*p++ = 0x08; *p++ = 0x06;
	*p++ = 0; *p++ = 1; *p++ = 0x08; *p++ = 0; *p++ = 6; *p++ = 4;
	*p++ = 0; *p++ = (uint8_t)op;
	a = dpt_mac(sha); PUT(a);
	ip = rte_cpu_to_be_32(dpt_ip(sip)); PUT(ip);
	a = dpt_mac(tha); PUT(a);
	ip = rte_cpu_to_be_32(dpt_ip(tip)); PUT(ip);
#undef PUT
	assert_int_equal(m->pkt_len, 42);
	assert_int_equal(m->data_len, 42);
	assert_int_equal(pkt_meta(m)->kind, PKT_TX);
	assert_int_equal(pkt_meta(m)->out_port, port);
	assert_memory_equal(rte_pktmbuf_mtod(m, uint8_t *), want, 42);
}

/* Exactly one frame sent, and it is this ARP frame. */
static void
expect_one_arp(uint16_t port, uint16_t op, const char *eth_dst, const char *sha,
	       const char *sip, const char *tha, const char *tip)
{
	struct rte_mbuf *m[4];

	assert_int_equal(dpt_sent(m, 4), 1);
	assert_arp(m[0], port, op, eth_dst, sha, sip, tha, tip);
	rte_pktmbuf_free(m[0]);
}

/* The MAC each test port answers and asks from. */
static const char *const port_mac[] = { LAN_MAC, WAN_MAC };

/* A host's broadcast "who has tip? tell sip" arriving on in_port. */
static void
ask(uint16_t in_port, const char *sha, const char *sip, const char *tip)
{
	arp_in(in_port, RTE_ARP_OP_REQUEST, BCAST_MAC, sha, sip, ZERO_MAC, tip);
}

/* A reply from sha (sip is at sha) sent to our address tip on in_port. */
static void
tell(uint16_t in_port, const char *sha, const char *sip, const char *tip)
{
	arp_in(in_port, RTE_ARP_OP_REPLY, port_mac[in_port], sha, sip, port_mac[in_port], tip);
}

/* Exactly one frame sent: port's answer that ip is at its MAC, to the asker. */
static void
expect_answer(uint16_t port, const char *ip, const char *asker_mac, const char *asker_ip)
{
	expect_one_arp(port, RTE_ARP_OP_REPLY, asker_mac, port_mac[port], ip, asker_mac,
		       asker_ip);
}

/* The asker's question for ip gets port's answer, and nothing else goes out. */
static void
ask_answered(uint16_t port, const char *asker_mac, const char *asker_ip, const char *ip)
{
	ask(port, asker_mac, asker_ip, ip);
	expect_answer(port, ip, asker_mac, asker_ip);
}

/* Our own request from port (from sip, for tip); a gratuitous ARP has
 * sip == tip. */
static void
assert_request(struct rte_mbuf *m, uint16_t port, const char *eth_dst, const char *sip,
	       const char *tip)
{
	assert_arp(m, port, RTE_ARP_OP_REQUEST, eth_dst, port_mac[port], sip, ZERO_MAC, tip);
}

/* Exactly one frame sent, and it is that request. */
static void
expect_request(uint16_t port, const char *eth_dst, const char *sip, const char *tip)
{
	expect_one_arp(port, RTE_ARP_OP_REQUEST, eth_dst, port_mac[port], sip, ZERO_MAC, tip);
}

static void
expect_nothing_sent(void)
{
	struct rte_mbuf *m[4];
	unsigned int n = dpt_sent(m, 4);

	rte_pktmbuf_free_bulk(m, n);
	assert_int_equal(n, 0);
}

static void
ask_unanswered(uint16_t port, const char *sha, const char *sip, const char *tip)
{
	ask(port, sha, sip, tip);
	expect_nothing_sent();
}

/* Free what was sent; return how many. */
static unsigned int
drain(void)
{
	struct rte_mbuf *m[64];
	unsigned int n, total = 0;

	while ((n = dpt_sent(m, 64)) > 0) {
		rte_pktmbuf_free_bulk(m, n);
		total += n;
	}
	return total;
}

struct find {
	uint16_t port;
	uint32_t ip;
	struct neigh_info got;
	bool found;
	unsigned int count;
};

static int
find_cb(const struct neigh_info *n, void *arg)
{
	struct find *f = arg;

	f->count++;
	if (n->port == f->port && n->ip == f->ip) {
		f->got = *n;
		f->found = true;
	}
	return 0;
}

/* State of (port, ip), or 0 when absent; mac filled when given. */
static uint16_t
state_of(uint16_t port, const char *ip, struct rte_ether_addr *mac)
{
	struct find f = { .port = port, .ip = dpt_ip(ip) };

	neigh_walk(find_cb, &f);
	if (f.found && mac != NULL)
		*mac = f.got.mac;
	return f.found ? f.got.state : 0;
}

static unsigned int
neigh_count(void)
{
	struct find f = { .port = DP_NO_PORT };

	neigh_walk(find_cb, &f);
	return f.count;
}

static bool
worker_sees(uint16_t port, const char *ip, const char *mac)
{
	uint32_t a = dpt_ip(ip);
	struct rte_ether_addr got;

	if (neigh_lookup_bulk(&port, &a, 1, &got) != 1)
		return false;
	struct rte_ether_addr want = dpt_mac(mac);

	return rte_is_same_ether_addr(&got, &want);
}

/* An IPv4 packet as the worker punts it for resolution: data at the IPv4
 * header, from in_port 1, to dst on port 0, which is its own next hop. */
#define SENDER "198.51.100.7"
static struct rte_mbuf *
waiting(const char *dst, uint16_t sport)
{
	struct rte_mbuf *m = dpt_udp(WAN_MAC, "02:bb:00:00:00:01", SENDER, dst,
				     sport, 53, 20);

	rte_pktmbuf_adj(m, sizeof(struct rte_ether_hdr));
	pkt_meta(m)->kind = PKT_RESOLVE;
	pkt_meta(m)->in_port = 1;
	pkt_meta(m)->out_port = 0;
	pkt_meta(m)->nh_ip = dpt_ip(dst);
	return m;
}

static int
group_setup(void **state)
{
	(void)state;
	dpt_port(0, "lan", LAN_MAC, 1500);
	dpt_port(1, "wan", WAN_MAC, 1500);
	if (addr_add(0, dpt_ip("192.168.1.1"), 24) != 0 ||
	    addr_add(0, dpt_ip("10.9.0.1"), 16) != 0 ||
	    addr_add(1, dpt_ip("198.51.100.1"), 24) != 0)
		return -1;
	drain();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	neigh_flush_port_all(0);
	neigh_flush_port_all(1);
	drain();
	tick(0);
	return neigh_count() == 0 && dpt_mbufs_in_use() == 0 && neigh_held_total() == 0 ? 0 : -1;
}

static void
test_gratuitous(void **state)
{
	(void)state;
	arp_announce(0, dpt_ip("192.168.1.1"));
	expect_request(0, BCAST_MAC, "192.168.1.1", "192.168.1.1");
	/* Adding an address announces it; the table alone does not. */
	assert_int_equal(arp_addr_add(1, dpt_ip("203.0.113.2"), 24), 0);
	expect_request(1, BCAST_MAC, "203.0.113.2", "203.0.113.2");
	assert_int_equal(arp_addr_del(1, dpt_ip("203.0.113.2"), 24), 0);
	expect_nothing_sent();
	assert_int_equal(addr_add(1, dpt_ip("203.0.113.2"), 24), 0);
	expect_nothing_sent();
	assert_int_equal(addr_del(1, dpt_ip("203.0.113.2"), 24), 0);
	assert_int_equal(dpt_mbufs_in_use(), 0);
}

static void
test_reply_to_request(void **state)
{
	uint64_t invalid = dpt_drops(DROP_ARP_INVALID);
	struct rte_ether_addr mac;

	(void)state;
	ask_answered(0, HOST_MAC, "192.168.1.10", "192.168.1.1");
	/* The asker is learnt. */
	assert_int_equal(state_of(0, "192.168.1.10", &mac), NUD_REACHABLE);
	assert_true(worker_sees(0, "192.168.1.10", HOST_MAC));
	/* Any of the port's addresses is answered, from that address. */
	ask_answered(0, HOST_MAC, "10.9.7.7", "10.9.0.1");
	/* A minimal 42-byte frame is as good as a padded one. */
	arp_input(arp(0, RTE_ARP_OP_REQUEST, BCAST_MAC, HOST2_MAC, "192.168.1.11", ZERO_MAC,
		      "192.168.1.1", 42));
	expect_answer(0, "192.168.1.1", HOST2_MAC, "192.168.1.11");
	/* Duplicate address detection (sender 0.0.0.0) is answered, not learnt. */
	ask_answered(0, HOST2_MAC, "0.0.0.0", "192.168.1.1");
	assert_int_equal(neigh_count(), 3);
	assert_int_equal(dpt_drops(DROP_ARP_INVALID), invalid);
}

static void
test_no_reply_not_ours(void **state)
{
	uint64_t invalid = dpt_drops(DROP_ARP_INVALID), ignored = dpt_drops(DROP_ARP_IGNORED);

	(void)state;
	/* Someone else's address. */
	ask_unanswered(0, HOST_MAC, "192.168.1.10", "192.168.1.99");
	/* Ours, but on the other port. */
	ask_unanswered(1, HOST_MAC, "198.51.100.10", "192.168.1.1");
	/* And neither taught us anything (RFC 826: add only when targeted). */
	assert_int_equal(neigh_count(), 0);
	assert_int_equal(dpt_drops(DROP_ARP_INVALID), invalid);
	/* Each counted: not for the router. */
	assert_int_equal(dpt_drops(DROP_ARP_IGNORED), ignored + 2);
	/* Another host's probe (duplicate address detection) too. */
	ask_unanswered(0, HOST_MAC, "0.0.0.0", "192.168.1.99");
	assert_int_equal(dpt_drops(DROP_ARP_IGNORED), ignored + 3);
	assert_int_equal(dpt_mbufs_in_use(), 0);
}

static void
test_learn_and_merge(void **state)
{
	struct rte_ether_addr mac;

	(void)state;
	/* A reply to us is learnt. */
	tell(0, HOST_MAC, "192.168.1.20", "192.168.1.1");
	expect_nothing_sent();
	assert_int_equal(state_of(0, "192.168.1.20", &mac), NUD_REACHABLE);
	assert_true(worker_sees(0, "192.168.1.20", HOST_MAC));
	/* Any later ARP from it updates it (RFC 826 merge), even one not
	 * aimed at us: a moved address is followed. */
	ask_unanswered(0, HOST2_MAC, "192.168.1.20", "192.168.1.77");
	assert_true(worker_sees(0, "192.168.1.20", HOST2_MAC));
	/* The same address on another port is another entry. */
	assert_false(worker_sees(1, "192.168.1.20", HOST2_MAC));
	assert_int_equal(neigh_count(), 1);
}

static void
test_forged_reply_for_our_address(void **state)
{
	uint64_t invalid = dpt_drops(DROP_ARP_INVALID);

	(void)state;
	/* Claims of our own addresses, on the port that has them or not. */
	tell(0, EVIL_MAC, "192.168.1.1", "192.168.1.1");
	arp_in(0, RTE_ARP_OP_REPLY, BCAST_MAC, EVIL_MAC, "198.51.100.1", ZERO_MAC,
	       "192.168.1.1");
	ask(1, EVIL_MAC, "198.51.100.1", "198.51.100.1");
	expect_nothing_sent();
	assert_int_equal(dpt_drops(DROP_ARP_INVALID), invalid + 3);
	assert_int_equal(neigh_count(), 0);
	assert_false(worker_sees(0, "192.168.1.1", EVIL_MAC));
	assert_false(worker_sees(1, "198.51.100.1", EVIL_MAC));
	assert_int_equal(dpt_mbufs_in_use(), 0);
}

/* An snat rule on wan (slot 1) with the pool lo-hi; its id. */
static uint32_t
pool_rule(const char *lo, const char *hi)
{
	struct nat_rule_spec r = { .kind = SLUICE_NAT_SNAT, .port = 1, .has_src = true,
				   .src_len = 24 };

	r.src = dpt_ip("192.168.1.0");
	r.addr_min = dpt_ip(lo);
	r.addr_max = dpt_ip(hi);
	assert_int_equal(nat_rule_add(&r), 0);
	return r.id;
}

static void
pool_rule_del(uint32_t id)
{
	struct nat_rule_spec r = { .id = id };

	assert_int_equal(nat_rule_del(&r, true), 0);
}

/*
 * The outside addresses of an snat pool answer ARP on the rule's port
 * (and are announced when the rule comes), as VPP does; nowhere else,
 * and no longer once the rule is gone.
 */
static void
test_proxy_arp_pool(void **state)
{
	uint64_t invalid = dpt_drops(DROP_ARP_INVALID);
	struct rte_mbuf *m[4];
	uint32_t id;

	(void)state;
	id = pool_rule("198.51.100.10", "198.51.100.11");
	/* One gratuitous ARP per pool address, as for a port's address. */
	assert_int_equal(dpt_sent(m, 4), 2);
	assert_request(m[0], 1, BCAST_MAC, "198.51.100.10", "198.51.100.10");
	assert_request(m[1], 1, BCAST_MAC, "198.51.100.11", "198.51.100.11");
	rte_pktmbuf_free_bulk(m, 2);

	/* Asked on wan: answered with wan's MAC, from the pool address. */
	ask_answered(1, HOST_MAC, "198.51.100.20", "198.51.100.10");
	ask_answered(1, HOST_MAC, "198.51.100.20", "198.51.100.11");
	/* Duplicate address detection for a pool address is defended. */
	ask_answered(1, HOST2_MAC, "0.0.0.0", "198.51.100.11");
	/* Not past the range's ends, not on lan. */
	ask(1, HOST_MAC, "198.51.100.20", "198.51.100.12");
	ask(1, HOST_MAC, "198.51.100.20", "198.51.100.9");
	ask(0, HOST_MAC, "192.168.1.20", "198.51.100.10");
	expect_nothing_sent();
	/* Someone else claiming a pool address is a conflict, never learnt. */
	tell(1, EVIL_MAC, "198.51.100.10", "198.51.100.1");
	assert_int_equal(dpt_drops(DROP_ARP_INVALID), invalid + 1);
	assert_int_equal(state_of(1, "198.51.100.10", NULL), 0);

	/* Rule gone: so are the answers, and nothing is announced. */
	pool_rule_del(id);
	expect_nothing_sent();
	ask_unanswered(1, HOST_MAC, "198.51.100.20", "198.51.100.10");
	assert_int_equal(dpt_mbufs_in_use(), 0);
}

/* Ranges are kept as ranges: a /16 pool answers for its last address, and
 * announces a bounded number; a pool address that is also the port's own
 * was announced with it and is not announced again. */
static void
test_proxy_arp_ranges(void **state)
{
	struct rte_mbuf *m[8];
	uint32_t big, mixed;
	unsigned int n;

	(void)state;
	big = pool_rule("10.100.0.0", "10.100.255.255");
	n = drain();
	assert_int_equal(n, 256);
	ask_answered(1, HOST_MAC, "198.51.100.20", "10.100.255.255");
	ask_unanswered(1, HOST_MAC, "198.51.100.20", "10.101.0.0");

	mixed = pool_rule("198.51.100.1", "198.51.100.2");	/* .1 is wan's */
	assert_int_equal(dpt_sent(m, 8), 1);
	assert_request(m[0], 1, BCAST_MAC, "198.51.100.2", "198.51.100.2");
	rte_pktmbuf_free(m[0]);
	pool_rule_del(mixed);
	/* The port's own address still answers without the pool. */
	ask_answered(1, HOST_MAC, "198.51.100.20", "198.51.100.1");
	pool_rule_del(big);
	ask_unanswered(1, HOST_MAC, "198.51.100.20", "10.100.255.255");
	assert_int_equal(dpt_mbufs_in_use(), 0);
}

/* HOST_MAC's request for our 192.168.1.1, len bytes long, in on in_port:
 * a good frame until a test spoils it. */
static struct rte_mbuf *
request_for_us(uint16_t in_port, uint16_t len)
{
	return arp(in_port, RTE_ARP_OP_REQUEST, BCAST_MAC, HOST_MAC, "192.168.1.10", ZERO_MAC,
		   "192.168.1.1", len);
}

static void
test_invalid_frames(void **state)
{
	uint64_t invalid = dpt_drops(DROP_ARP_INVALID);
	struct rte_mbuf *m;
	struct rte_arp_hdr *ah;
	static const struct { unsigned int off; uint8_t val; } bad[] = {
		{ 14 + 1, 6 },		/* htype 6 */
		{ 14 + 2, 0x86 },	/* ptype 0x8600 */
		{ 14 + 4, 8 },		/* hlen 8 */
		{ 14 + 5, 16 },		/* plen 16 */
		{ 14 + 7, 3 },		/* op 3 (RARP) */
		{ 14 + 8, 0x01 },	/* multicast sender MAC */
		{ 14 + 14, 127 },	/* sender 127.x */
		{ 14 + 14, 224 },	/* sender multicast */
	};

	(void)state;
	for (unsigned int i = 0; i < RTE_DIM(bad); i++) {
		m = request_for_us(0, 60);
		rte_pktmbuf_mtod(m, uint8_t *)[bad[i].off] = bad[i].val;
		arp_input(m);
		assert_int_equal(dpt_drops(DROP_ARP_INVALID), invalid + i + 1);
	}
	/* Truncated: the header is cut short. */
	arp_input(request_for_us(0, 41));
	/* From a port that does not exist. */
	arp_input(request_for_us(9, 60));
	m = request_for_us(0, 60);
	ah = rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, 14);
	ah->arp_opcode = rte_cpu_to_be_16(0x0101);
	arp_input(m);
	assert_int_equal(dpt_drops(DROP_ARP_INVALID), invalid + RTE_DIM(bad) + 3);
	expect_nothing_sent();
	assert_int_equal(neigh_count(), 0);
	assert_int_equal(dpt_mbufs_in_use(), 0);
}

static void
test_permanent_not_overwritten(void **state)
{
	struct rte_ether_addr a = dpt_mac(HOST_MAC), mac = { 0 };

	(void)state;
	assert_int_equal(neigh_add(0, dpt_ip("192.168.1.30"), &a, true, NLM_F_CREATE), 0);
	tell(0, EVIL_MAC, "192.168.1.30", "192.168.1.1");
	/* The request is still answered, to the asker. */
	ask_answered(0, EVIL_MAC, "192.168.1.30", "192.168.1.1");
	assert_int_equal(state_of(0, "192.168.1.30", &mac), NUD_PERMANENT);
	assert_true(rte_is_same_ether_addr(&mac, &a));
	assert_true(worker_sees(0, "192.168.1.30", HOST_MAC));
	/* Nor does it ever age. */
	tick(1000);
	assert_int_equal(state_of(0, "192.168.1.30", NULL), NUD_PERMANENT);
	expect_nothing_sent();
}

/* The frame a held packet leaves as: Ethernet to mac from port 0, then the
 * IPv4 packet as it was. */
static void
assert_released(struct rte_mbuf *m, const char *mac, uint16_t sport)
{
	struct rte_mbuf *orig = dpt_udp(WAN_MAC, "02:bb:00:00:00:01", SENDER,
					"10.9.3.3", sport, 53, 20);
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ether_addr want = dpt_mac(mac), src = dpt_mac(LAN_MAC);

	assert_int_equal(pkt_meta(m)->kind, PKT_TX);
	assert_int_equal(pkt_meta(m)->out_port, 0);
	assert_int_equal(m->pkt_len, orig->pkt_len);
	assert_memory_equal(&eh->dst_addr, &want, 6);
	assert_memory_equal(&eh->src_addr, &src, 6);
	assert_int_equal(eh->ether_type, rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4));
	assert_memory_equal(eh + 1, rte_pktmbuf_mtod_offset(orig, void *, 14),
			    orig->pkt_len - 14);
	rte_pktmbuf_free(orig);
}

/* Exactly n held packets released, in the order they came, to mac; they
 * were sent from UDP ports first_sport on. */
static void
expect_released(const char *mac, uint16_t first_sport, unsigned int n)
{
	struct rte_mbuf *m[8];

	assert_int_equal(dpt_sent(m, 8), n);
	for (unsigned int i = 0; i < n; i++)
		assert_released(m[i], mac, (uint16_t)(first_sport + i));
	rte_pktmbuf_free_bulk(m, n);
}

static void
test_resolution(void **state)
{
	(void)state;
	/* Out of a port that is down: dropped as such, nothing asked. */
	{
		uint64_t down = dpt_drops(DROP_PORT_DOWN);

		ports[0].up = false;
		neigh_resolve(waiting("10.9.3.3", 999));
		ports[0].up = true;
		expect_nothing_sent();
		assert_int_equal(dpt_drops(DROP_PORT_DOWN), down + 1);
		assert_int_equal(state_of(0, "10.9.3.3", NULL), 0);
	}
	neigh_resolve(waiting("10.9.3.3", 1000));
	/* Asked from our address on the next hop's network. */
	expect_request(0, BCAST_MAC, "10.9.0.1", "10.9.3.3");
	neigh_resolve(waiting("10.9.3.3", 1001));
	expect_nothing_sent();	/* one request at a time */
	assert_int_equal(state_of(0, "10.9.3.3", NULL), NUD_INCOMPLETE);
	assert_false(worker_sees(0, "10.9.3.3", HOST_MAC));

	tell(0, HOST_MAC, "10.9.3.3", "10.9.0.1");
	expect_released(HOST_MAC, 1000, 2);
	assert_int_equal(state_of(0, "10.9.3.3", NULL), NUD_REACHABLE);
	assert_true(worker_sees(0, "10.9.3.3", HOST_MAC));
	/* A packet punted just before the worker could see the answer goes
	 * straight out. */
	neigh_resolve(waiting("10.9.3.3", 1002));
	expect_released(HOST_MAC, 1002, 1);
	/* The port's first address when none shares the network. */
	neigh_resolve(waiting("172.16.0.9", 1003));
	expect_request(0, BCAST_MAC, "192.168.1.1", "172.16.0.9");
}

/* A static entry added from netlink for an address being asked for: what
 * waited goes with the next timer pass (the table sends nothing itself),
 * once, to the added MAC. */
static void
test_add_releases_held(void **state)
{
	struct rte_ether_addr a = dpt_mac(HOST_MAC);

	(void)state;
	tick(0);
	neigh_resolve(waiting("10.9.3.3", 1100));
	neigh_resolve(waiting("10.9.3.3", 1101));
	expect_request(0, BCAST_MAC, "10.9.0.1", "10.9.3.3");
	assert_int_equal(neigh_add(0, dpt_ip("10.9.3.3"), &a, true, NLM_F_CREATE), 0);
	assert_int_equal(state_of(0, "10.9.3.3", NULL), NUD_PERMANENT);
	tick(0);
	expect_released(HOST_MAC, 1100, 2);
	/* Nothing more: no retry for a resolved entry, nothing sent twice. */
	tick(neigh_timers.retrans * 4);
	expect_nothing_sent();
}

/* More entries due at once than one pass of the table hands back in a
 * call: every one is asked again. */
static void
test_many_due_at_once(void **state)
{
	struct rte_mbuf *m[64];
	char ip[32];

	(void)state;
	tick(0);
	for (unsigned int i = 0; i < 40; i++) {
		snprintf(ip, sizeof(ip), "10.9.4.%u", i + 1);
		neigh_resolve(waiting(ip, (uint16_t)(1200 + i)));
	}
	assert_int_equal(dpt_sent(m, 64), 40);
	rte_pktmbuf_free_bulk(m, 40);
	tick(neigh_timers.retrans + 0.1);
	assert_int_equal(dpt_sent(m, 64), 40);
	for (unsigned int i = 0; i < 40; i++) {
		struct rte_arp_hdr *ah = rte_pktmbuf_mtod_offset(m[i], struct rte_arp_hdr *,
								 sizeof(struct rte_ether_hdr));

		assert_int_equal(rte_be_to_cpu_16(ah->arp_opcode), RTE_ARP_OP_REQUEST);
		assert_int_equal(rte_be_to_cpu_32(ah->arp_data.arp_tip) & 0xffffff00,
				 dpt_ip("10.9.4.0"));
	}
	rte_pktmbuf_free_bulk(m, 40);
	tick(0);
	expect_nothing_sent();
}

/*
 * Packets held over all next hops stop at an eighth of the pool (1024 of
 * the tests' 8192): a scan of a connected network gets that far, the rest
 * are hold_full drops, and once the holds time out there is room again.
 */
static void
test_hold_total_bound(void **state)
{
	uint64_t full = dpt_drops(DROP_ARP_HOLD_FULL), tmo = dpt_drops(DROP_ARP_TIMEOUT);
	const uint32_t max = neigh_held_max();
	struct rte_ether_addr sender_mac = dpt_mac(HOST2_MAC);
	char ip[32];

	(void)state;
	assert_int_equal(max, 8192 / 8);
	/* The senders' Host Unreachables go out at once. */
	assert_int_equal(neigh_add(1, dpt_ip(SENDER), &sender_mac, true, 0), 0);
	for (uint32_t i = 0; i < max + 6; i++) {
		snprintf(ip, sizeof(ip), "10.9.%u.%u", 10 + i / 250, 1 + i % 250);
		neigh_resolve(waiting(ip, (uint16_t)(3000 + i % 1000)));
		if (i % 32 == 31)
			drain();
	}
	drain();
	assert_int_equal(dpt_drops(DROP_ARP_HOLD_FULL), full + 6);
	for (int i = 0; i < 8; i++) {		/* every retry, then the timeout */
		tick(0.6);
		drain();
	}
	assert_int_equal(dpt_drops(DROP_ARP_TIMEOUT), tmo + max);
	neigh_resolve(waiting("10.9.200.1", 4000));
	assert_int_equal(dpt_drops(DROP_ARP_HOLD_FULL), full + 6);
	drain();
}

static void
test_hold_bound_and_timeout(void **state)
{
	uint64_t full = dpt_drops(DROP_ARP_HOLD_FULL), tmo = dpt_drops(DROP_ARP_TIMEOUT);
	struct rte_ether_addr sender_mac = dpt_mac(HOST2_MAC);
	struct rte_mbuf *m[64];
	unsigned int n;

	(void)state;
	assert_int_equal(neigh_add(1, dpt_ip(SENDER), &sender_mac, true, 0), 0);
	tick(0);
	for (unsigned int i = 0; i < NEIGH_HOLD_MAX + 3; i++)
		neigh_resolve(waiting("10.9.3.3", (uint16_t)(2000 + i)));
	assert_int_equal(dpt_drops(DROP_ARP_HOLD_FULL), full + 3);
	expect_request(0, BCAST_MAC, "10.9.0.1", "10.9.3.3");
	/* Retries, retrans apart. */
	tick(0.5);
	expect_nothing_sent();
	for (unsigned int r = 1; r < NEIGH_RETRIES; r++) {
		tick(0.6);
		expect_request(0, BCAST_MAC, "10.9.0.1", "10.9.3.3");
		tick(0.5);
		expect_nothing_sent();
	}
	assert_int_equal(state_of(0, "10.9.3.3", NULL), NUD_INCOMPLETE);
	assert_int_equal(dpt_drops(DROP_ARP_TIMEOUT), tmo);
	/* Silence: every held packet is a counted drop, the entry goes. */
	tick(0.6);
	assert_int_equal(dpt_drops(DROP_ARP_TIMEOUT), tmo + NEIGH_HOLD_MAX);
	assert_int_equal(state_of(0, "10.9.3.3", NULL), 0);
	/* Each sender is told: ICMP Host Unreachable from the port it came
	 * in on, to its known neighbour, quoting its packet. */
	n = dpt_sent(m, 64);
	assert_int_equal(n, NEIGH_HOLD_MAX);
	for (unsigned int i = 0; i < n; i++) {
		struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m[i], struct rte_ether_hdr *);
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eh + 1);
		uint8_t *icmp = (uint8_t *)(ip + 1);
		struct rte_ether_addr want = dpt_mac(HOST2_MAC);

		assert_int_equal(pkt_meta(m[i])->out_port, 1);
		assert_memory_equal(&eh->dst_addr, &want, 6);
		assert_int_equal(eh->ether_type, rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4));
		assert_int_equal(ip->next_proto_id, IPPROTO_ICMP);
		assert_int_equal(rte_be_to_cpu_32(ip->src_addr), dpt_ip("198.51.100.1"));
		assert_int_equal(rte_be_to_cpu_32(ip->dst_addr), dpt_ip(SENDER));
		assert_int_equal(icmp[0], 3);
		assert_int_equal(icmp[1], 1);
		/* The quote: the held packet's header, its UDP source port. */
		assert_int_equal(rte_be_to_cpu_32(((struct rte_ipv4_hdr *)(icmp + 8))->dst_addr),
				 dpt_ip("10.9.3.3"));
		assert_int_equal(icmp[8 + 20] << 8 | icmp[8 + 21], 2000 + i);
	}
	rte_pktmbuf_free_bulk(m, n);
	/* The next packet starts over. */
	neigh_resolve(waiting("10.9.3.3", 3000));
	expect_request(0, BCAST_MAC, "10.9.0.1", "10.9.3.3");
}

static void
test_ageing(void **state)
{
	(void)state;
	tick(0);
	tell(0, HOST_MAC, "192.168.1.40", "192.168.1.1");
	tick(neigh_timers.reachable - 1);
	assert_int_equal(state_of(0, "192.168.1.40", NULL), NUD_REACHABLE);
	tick(2);
	assert_int_equal(state_of(0, "192.168.1.40", NULL), NUD_STALE);
	/* Stale is still usable. */
	expect_nothing_sent();
	tick(neigh_timers.stale - 2);
	assert_int_equal(state_of(0, "192.168.1.40", NULL), NUD_STALE);
	/* Unused: gone. */
	tick(3);
	assert_int_equal(state_of(0, "192.168.1.40", NULL), 0);
	assert_false(worker_sees(0, "192.168.1.40", HOST_MAC));
	expect_nothing_sent();
}

static void
test_probe_stale_in_use(void **state)
{
	(void)state;
	tick(0);
	tell(0, HOST_MAC, "192.168.1.41", "192.168.1.1");
	tick(neigh_timers.reachable + 1);
	assert_int_equal(state_of(0, "192.168.1.41", NULL), NUD_STALE);
	/* A worker uses it: probed by unicast. */
	assert_true(worker_sees(0, "192.168.1.41", HOST_MAC));
	tick(0.2);
	assert_int_equal(state_of(0, "192.168.1.41", NULL), NUD_PROBE);
	expect_request(0, HOST_MAC, "192.168.1.1", "192.168.1.41");
	assert_true(worker_sees(0, "192.168.1.41", HOST_MAC));
	/* Answered: reachable again. */
	tell(0, HOST_MAC, "192.168.1.41", "192.168.1.1");
	assert_int_equal(state_of(0, "192.168.1.41", NULL), NUD_REACHABLE);

	/* Next time nobody answers: NEIGH_RETRIES probes, then it goes. */
	tick(neigh_timers.reachable + 1);
	assert_true(worker_sees(0, "192.168.1.41", HOST_MAC));
	tick(0.2);
	for (unsigned int r = 0; r < NEIGH_RETRIES; r++) {
		expect_request(0, HOST_MAC, "192.168.1.1", "192.168.1.41");
		assert_int_equal(state_of(0, "192.168.1.41", NULL), NUD_PROBE);
		tick(neigh_timers.retrans + 0.1);
	}
	assert_int_equal(state_of(0, "192.168.1.41", NULL), 0);
	expect_nothing_sent();
}

static void
test_management(void **state)
{
	struct rte_ether_addr a = dpt_mac(HOST_MAC), b = dpt_mac(HOST2_MAC), mac = { 0 };
	struct rte_ether_addr mc = dpt_mac("01:00:5e:00:00:01");
	uint16_t ports_[3] = { 0, 1, 0 };
	uint32_t ips[3] = { dpt_ip("192.168.1.50"), dpt_ip("192.168.1.50"),
			    dpt_ip("192.168.1.51") };
	struct rte_ether_addr macs[3];

	(void)state;
	assert_int_equal(neigh_add(0, dpt_ip("192.168.1.50"), &a, false, NLM_F_CREATE), 0);
	assert_int_equal(neigh_add(0, dpt_ip("192.168.1.50"), &b, false,
				   NLM_F_CREATE | NLM_F_EXCL), -EEXIST);
	assert_true(worker_sees(0, "192.168.1.50", HOST_MAC));
	assert_int_equal(neigh_add(0, dpt_ip("192.168.1.50"), &b, false, NLM_F_CREATE | NLM_F_REPLACE), 0);
	assert_int_equal(state_of(0, "192.168.1.50", &mac), NUD_REACHABLE);
	assert_true(rte_is_same_ether_addr(&mac, &b));
	assert_int_equal(neigh_add(5, dpt_ip("192.168.1.50"), &a, false, 0), -ENODEV);
	assert_int_equal(neigh_add(0, dpt_ip("192.168.1.52"), &mc, false, 0), -EINVAL);
	assert_int_equal(neigh_add(0, 0, &a, false, 0), -EINVAL);

	/* Bulk lookup: found bits and MACs per slot. */
	assert_int_equal(neigh_lookup_bulk(ports_, ips, 3, macs), 1);
	assert_true(rte_is_same_ether_addr(&macs[0], &b));

	assert_int_equal(neigh_add(1, dpt_ip("198.51.100.9"), &a, true, 0), 0);
	assert_int_equal(neigh_add(0, dpt_ip("192.168.1.9"), &a, false, 0), 0);
	assert_int_equal(neigh_count(), 3);
	/* Flush takes learned entries only. */
	neigh_flush(DP_NO_PORT);
	assert_int_equal(neigh_count(), 1);
	assert_int_equal(state_of(1, "198.51.100.9", NULL), NUD_PERMANENT);
	assert_int_equal(neigh_del(1, dpt_ip("198.51.100.9")), 0);
	assert_int_equal(neigh_del(1, dpt_ip("198.51.100.9")), -ENOENT);
	assert_false(worker_sees(1, "198.51.100.9", HOST_MAC));
	assert_int_equal(neigh_count(), 0);
}

struct order {
	unsigned int n;
	uint32_t last;
	bool sorted;
};

static int
order_cb(const struct neigh_info *n, void *arg)
{
	struct order *o = arg;
	uint32_t key = (uint32_t)n->port << 24 | (n->ip & 0xffffff);

	if (o->n > 0 && key <= o->last)
		o->sorted = false;
	o->last = key;
	o->n++;
	return o->n == 5 ? 7 : 0;
}

static void
test_walk_sorted(void **state)
{
	static const char *const ips[] = { "192.168.1.9", "192.168.1.3", "192.168.1.200",
					   "192.168.1.1", "192.168.1.7", "192.168.1.100" };
	struct rte_ether_addr a = dpt_mac(HOST_MAC);
	struct order o = { .sorted = true };

	(void)state;
	for (unsigned int i = 0; i < RTE_DIM(ips); i++)
		assert_int_equal(neigh_add((uint16_t)(i & 1), dpt_ip(ips[i]), &a, false, 0), 0);
	/* Sorted by port then address; a non-zero return stops it. */
	assert_int_equal(neigh_walk(order_cb, &o), 7);
	assert_int_equal(o.n, 5);
	assert_true(o.sorted);
}

static void
test_table_bound(void **state)
{
	struct rte_ether_addr a = dpt_mac(HOST_MAC);
	uint64_t invalid, full = dpt_drops(DROP_ARP_HOLD_FULL);
	uint64_t neigh_full = dpt_drops(DROP_NEIGH_FULL);

	(void)state;
	assert_int_equal(neigh_add(0, dpt_ip("192.168.1.2"), &a, true, 0), 0);
	for (uint32_t i = 1; i < NEIGH_MAX; i++)
		assert_int_equal(neigh_add(1, dpt_ip("100.64.0.0") + i, &a, false, 0), 0);
	assert_int_equal(neigh_count(), NEIGH_MAX);
	assert_int_equal(neigh_add(1, dpt_ip("100.65.0.0"), &a, false, 0), -ENOSPC);

	/* A new sender asking for us is answered but not learnt, and counted. */
	invalid = dpt_drops(DROP_ARP_INVALID);
	ask_answered(0, HOST2_MAC, "192.168.1.60", "192.168.1.1");
	assert_int_equal(dpt_drops(DROP_ARP_INVALID), invalid + 1);
	assert_int_equal(state_of(0, "192.168.1.60", NULL), 0);
	/* Nothing to hold a packet in either, and the counter says why. */
	neigh_resolve(waiting("10.9.3.3", 4000));
	assert_int_equal(dpt_drops(DROP_NEIGH_FULL), neigh_full + 1);
	assert_int_equal(dpt_drops(DROP_ARP_HOLD_FULL), full);
	expect_nothing_sent();
	/* The permanent entry stayed. */
	assert_true(worker_sees(0, "192.168.1.2", HOST_MAC));

	/* Once the entries were confirmed 5 s ago, unused ones make room:
	 * a packet is held and asked for, new entries go in, and neither
	 * the permanent entry nor one traffic uses is taken. */
	assert_true(worker_sees(1, "100.64.0.5", HOST_MAC));
	tick(6);
	neigh_resolve(waiting("10.9.3.3", 4001));
	expect_request(0, BCAST_MAC, "10.9.0.1", "10.9.3.3");
	assert_int_equal(dpt_drops(DROP_NEIGH_FULL), neigh_full + 1);
	assert_int_equal(state_of(0, "10.9.3.3", NULL), NUD_INCOMPLETE);
	/* Room for all but those three, each new entry taking an old one. */
	for (uint32_t i = 1; i <= NEIGH_MAX - 3; i++)
		assert_int_equal(neigh_add(1, dpt_ip("100.66.0.0") + i, &a, false, 0), 0);
	assert_int_equal(neigh_count(), NEIGH_MAX);
	assert_int_equal(state_of(1, "100.64.0.4", NULL), 0);
	assert_int_equal(state_of(1, "100.64.63.255", NULL), 0);
	assert_true(worker_sees(1, "100.64.0.5", HOST_MAC));
	assert_true(worker_sees(0, "192.168.1.2", HOST_MAC));
	assert_int_equal(state_of(0, "10.9.3.3", NULL), NUD_INCOMPLETE);
	/* Fresh ones are not taken: the table is full again. */
	assert_int_equal(neigh_add(1, dpt_ip("100.65.0.0"), &a, false, 0), -ENOSPC);
	neigh_flush(0);

	/* Emptied, the table takes entries again, at once. */
	neigh_flush(1);
	assert_int_equal(neigh_count(), 1);
	assert_int_equal(neigh_add(1, dpt_ip("100.65.0.0"), &a, false, 0), 0);
	assert_int_equal(dpt_mbufs_in_use(), 0);
}

/*
 * A worker reading while the control lcore rewrites, deletes and re-adds
 * an entry: it sees one whole MAC or the other (or no entry), never a mix,
 * and never an entry for another address in a reused slot.
 */
static volatile bool rw_stop;
static volatile uint64_t rw_loops, rw_found, rw_wrong;

static void *
rw_reader(void *arg)
{
	const struct rte_ether_addr a = dpt_mac(HOST_MAC), b = dpt_mac(HOST2_MAC);
	uint16_t port[2] = { 0, 0 };
	uint32_t ip[2] = { dpt_ip("192.168.1.70"), dpt_ip("192.168.1.71") };
	struct rte_ether_addr mac[2];

	(void)arg;
	rte_rcu_qsbr_thread_register(dp.qsbr, 1);
	rte_rcu_qsbr_thread_online(dp.qsbr, 1);
	while (!rw_stop) {
		uint64_t f = neigh_lookup_bulk(port, ip, 2, mac);

		if (f & 1) {
			rw_found++;
			if (!rte_is_same_ether_addr(&mac[0], &a) &&
			    !rte_is_same_ether_addr(&mac[0], &b))
				rw_wrong++;
		}
		/* .71 only ever has EVIL_MAC's address: seeing a or b there
		 * means a slot was reused under the reader. */
		if ((f & 2) && !rte_is_same_ether_addr(&mac[1], &(struct rte_ether_addr){
				{ 0x02, 0xee, 0, 0, 0, 0x66 } }))
			rw_wrong++;
		rw_loops++;
		rte_rcu_qsbr_quiescent(dp.qsbr, 1);
	}
	rte_rcu_qsbr_thread_offline(dp.qsbr, 1);
	rte_rcu_qsbr_thread_unregister(dp.qsbr, 1);
	return NULL;
}

static void
test_readers_never_see_half(void **state)
{
	struct rte_ether_addr a = dpt_mac(HOST_MAC), b = dpt_mac(HOST2_MAC), e = dpt_mac(EVIL_MAC);
	uint64_t end;
	pthread_t th;
	unsigned int i = 0;

	(void)state;
	rw_stop = false;
	assert_int_equal(pthread_create(&th, NULL, rw_reader, NULL), 0);
	while (rw_loops == 0)
		rte_pause();
	end = rte_get_tsc_cycles() + rte_get_tsc_hz() / 2;
	while (rte_get_tsc_cycles() < end) {
		assert_int_equal(neigh_add(0, dpt_ip("192.168.1.70"), (i & 1) ? &a : &b, false, 0), 0);
		if (i % 64 == 63) {
			/* Delete both and add them back the other way round, so
			 * that slots change hands while the reader runs. */
			assert_int_equal(neigh_del(0, dpt_ip("192.168.1.70")), 0);
			neigh_del(0, dpt_ip("192.168.1.71"));
			tick(0);
			assert_int_equal(neigh_add(0, dpt_ip("192.168.1.71"), &e, false, 0), 0);
		}
		i++;
	}
	rw_stop = true;
	pthread_join(th, NULL);
	assert_true(rw_loops > 1000);
	assert_true(rw_found > 0);
	assert_int_equal(rw_wrong, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_gratuitous, teardown),
		cmocka_unit_test_teardown(test_reply_to_request, teardown),
		cmocka_unit_test_teardown(test_no_reply_not_ours, teardown),
		cmocka_unit_test_teardown(test_learn_and_merge, teardown),
		cmocka_unit_test_teardown(test_forged_reply_for_our_address, teardown),
		cmocka_unit_test_teardown(test_proxy_arp_pool, teardown),
		cmocka_unit_test_teardown(test_proxy_arp_ranges, teardown),
		cmocka_unit_test_teardown(test_invalid_frames, teardown),
		cmocka_unit_test_teardown(test_permanent_not_overwritten, teardown),
		cmocka_unit_test_teardown(test_resolution, teardown),
		cmocka_unit_test_teardown(test_add_releases_held, teardown),
		cmocka_unit_test_teardown(test_many_due_at_once, teardown),
		cmocka_unit_test_teardown(test_hold_bound_and_timeout, teardown),
		cmocka_unit_test_teardown(test_hold_total_bound, teardown),
		cmocka_unit_test_teardown(test_ageing, teardown),
		cmocka_unit_test_teardown(test_probe_stale_in_use, teardown),
		cmocka_unit_test_teardown(test_management, teardown),
		cmocka_unit_test_teardown(test_walk_sorted, teardown),
		cmocka_unit_test_teardown(test_table_bound, teardown),
		cmocka_unit_test_teardown(test_readers_never_see_half, teardown),
	};

	dpt_init("neigh");
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
