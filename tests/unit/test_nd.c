/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbour discovery and router advertisements, byte for byte: answers
 * to solicitations (unicast and to the solicited-node group, 33:33:ff:...)
 * with R, S and O right, duplicate address detection, what is learnt and
 * in which NUD state, resolution with held packets, retries and Address
 * Unreachable when it fails, unsolicited advertisements for new
 * addresses, and the advertisements RFC 4861 6.2 makes of a port.
 */
#include <rte_cycles.h>

#include "ip6_test.h"
#include "ra.h"
#include "resolve.h"

static struct wctx w;

static int
setup(void **state)
{
	(void)state;
	return ip6_fixture(&w);
}

/* Run what workers punted through the control lcore, as main.c does. */
static void
slow_path(void)
{
	struct rte_mbuf *p[16];
	unsigned int n;

	while ((n = dpt_punted(p, 16)) > 0)
		for (unsigned int i = 0; i < n; i++) {
			if (pkt_meta(p[i])->kind == PKT_ND)
				nd_input(p[i]);
			else
				neigh_resolve(p[i]);
		}
}

/* The one frame the control lcore sent; the caller frees it. */
static struct rte_mbuf *
sent1(void)
{
	struct rte_mbuf *p[4];

	assert_int_equal(dpt_sent(p, 4), 1);
	return p[0];
}

/* An NS (or NA, with flags) for target; opt: a link-layer address option
 * of type opt_type with mac, or none when opt_type is 0. */
static uint32_t
nd_msg(uint8_t *msg, uint8_t type, uint8_t flags, const char *target, uint8_t opt_type,
       const char *mac)
{
	memset(msg, 0, 32);
	msg[0] = type;
	msg[4] = flags;
	a6(target, msg + 8);
	if (opt_type == 0)
		return 24;
	msg[24] = opt_type;
	msg[25] = 1;
	{
		struct rte_ether_addr m = dpt_mac(mac);

		memcpy(msg + 26, m.addr_bytes, 6);
	}
	return 32;
}

/* The NA the router must send from src: target ours, to dst at dst_mac. */
static void
check_na_from(struct rte_mbuf *m, uint16_t port, const char *src, const char *target,
	      const char *dst, const char *dst_mac, uint8_t flags)
{
	uint8_t msg[32], exp[80];
	uint32_t n;

	assert_int_equal(pkt_meta(m)->out_port, port);
	nd_msg(msg, ND_NEIGHBOR_ADVERT, flags, target, ND_OPT_TARGET_LINKADDR,
	       port == 0 ? DPT_LAN_MAC : DPT_WAN_MAC);
	n = ip6_bytes(exp, src, dst, IPPROTO_ICMPV6, 255, msg, 32);
	fix_icmp6(exp);
	check_frame(m, dst_mac, port == 0 ? DPT_LAN_MAC : DPT_WAN_MAC, exp, n);
	rte_pktmbuf_free(m);
}

/* The same from the target itself, as for an address of ours. */
static void
check_na(struct rte_mbuf *m, uint16_t port, const char *target, const char *dst,
	 const char *dst_mac, uint8_t flags)
{
	check_na_from(m, port, target, target, dst, dst_mac, flags);
}

static uint16_t
state_of(uint16_t port, const char *ip, struct rte_ether_addr *mac)
{
	uint8_t a[16];

	a6(ip, a);
	return neigh6_state(port, a, mac);
}

static void
test_ns_answered(void **state)
{
	static const struct { const char *target, *dst, *dmac; } c[] = {
		/* to the solicited-node group of the target, as resolution does */
		{ LAN_GUA, "ff02::1:ff00:1", "33:33:ff:00:00:01" },
		{ LAN_LL, "ff02::1:ff00:1", "33:33:ff:00:00:01" },
		/* unicast, as a NUD probe */
		{ LAN_GUA, LAN_GUA, DPT_LAN_MAC },
	};
	struct rte_ether_addr mac;
	uint8_t msg[32], pkt[96];
	uint32_t n;

	(void)state;
	for (unsigned int i = 0; i < RTE_DIM(c); i++) {
		n = nd_msg(msg, ND_NEIGHBOR_SOLICIT, 0, c[i].target, ND_OPT_SOURCE_LINKADDR,
			   "02:00:00:00:00:33");
		n = ip6_bytes(pkt, "2001:db8:1::33", c[i].dst, IPPROTO_ICMPV6, 255, msg, n);
		fix_icmp6(pkt);
		dpt_input1(&w, frame6(c[i].dmac, "02:00:00:00:00:33", pkt, n));
		slow_path();
		/* R (a router), S (solicited), O (our own address). */
		check_na(sent1(), 0, c[i].target, "2001:db8:1::33", "02:00:00:00:00:33",
			 ND_NA_ROUTER | ND_NA_SOLICITED | ND_NA_OVERRIDE);
		/* RFC 4861 7.2.3: the sender, STALE with its address. */
		assert_int_equal(state_of(0, "2001:db8:1::33", &mac), NUD_STALE);
		assert_true(rte_is_same_ether_addr(&mac, &(struct rte_ether_addr){
			{ 2, 0, 0, 0, 0, 0x33 } }));
		dpt_done(&w);
	}
	/* Without the option (a unicast probe may omit it): the answer
	 * goes to the frame's source. */
	n = nd_msg(msg, ND_NEIGHBOR_SOLICIT, 0, LAN_GUA, 0, NULL);
	n = ip6_bytes(pkt, "2001:db8:1::34", LAN_GUA, IPPROTO_ICMPV6, 255, msg, n);
	fix_icmp6(pkt);
	dpt_input1(&w, frame6(DPT_LAN_MAC, "02:00:00:00:00:34", pkt, n));
	slow_path();
	check_na(sent1(), 0, LAN_GUA, "2001:db8:1::34", "02:00:00:00:00:34",
		 ND_NA_ROUTER | ND_NA_SOLICITED | ND_NA_OVERRIDE);
	assert_int_equal(state_of(0, "2001:db8:1::34", NULL), NUD_NONE);
	dpt_done(&w);
}

static void
test_ns_not_answered(void **state)
{
	uint8_t msg[32], pkt[96];
	uint64_t inv = dpt_drops(DROP_ND_INVALID), mc = dpt_drops(DROP6_MULTICAST);
	struct rte_mbuf *m;
	uint32_t n;

	(void)state;
	/* Someone else's address, to its group: not a group of ours. */
	n = nd_msg(msg, ND_NEIGHBOR_SOLICIT, 0, "2001:db8:1::77", ND_OPT_SOURCE_LINKADDR,
		   "02:00:00:00:00:33");
	n = ip6_bytes(pkt, "2001:db8:1::33", "ff02::1:ff00:77", IPPROTO_ICMPV6, 255, msg, n);
	fix_icmp6(pkt);
	dpt_input1(&w, frame6("33:33:ff:00:00:77", "02:00:00:00:00:33", pkt, n));
	slow_path();
	assert_int_equal(dpt_sent(&m, 1), 0);
	assert_int_equal(dpt_drops(DROP6_MULTICAST), mc + 1);
	/* Our address on the other port, to a group we are in here (lan's
	 * addresses end in ::1 too): not on this link, silence. */
	n = nd_msg(msg, ND_NEIGHBOR_SOLICIT, 0, WAN_GUA, ND_OPT_SOURCE_LINKADDR,
		   "02:00:00:00:00:33");
	n = ip6_bytes(pkt, "2001:db8:1::33", "ff02::1:ff00:1", IPPROTO_ICMPV6, 255, msg, n);
	fix_icmp6(pkt);
	dpt_input1(&w, frame6("33:33:ff:00:00:01", "02:00:00:00:00:33", pkt, n));
	slow_path();
	assert_int_equal(dpt_sent(&m, 1), 0);
	/* Hop limit 254: it may come from off the link. */
	n = nd_msg(msg, ND_NEIGHBOR_SOLICIT, 0, LAN_GUA, ND_OPT_SOURCE_LINKADDR,
		   "02:00:00:00:00:33");
	n = ip6_bytes(pkt, "2001:db8:1::33", LAN_GUA, IPPROTO_ICMPV6, 254, msg, n);
	fix_icmp6(pkt);
	dpt_input1(&w, frame6(DPT_LAN_MAC, "02:00:00:00:00:33", pkt, n));
	slow_path();
	assert_int_equal(dpt_sent(&m, 1), 0);
	assert_int_equal(dpt_drops(DROP_ND_INVALID), inv + 1);
	/* An option of length 0. */
	n = nd_msg(msg, ND_NEIGHBOR_SOLICIT, 0, LAN_GUA, ND_OPT_SOURCE_LINKADDR,
		   "02:00:00:00:00:33");
	msg[25] = 0;
	n = ip6_bytes(pkt, "2001:db8:1::33", LAN_GUA, IPPROTO_ICMPV6, 255, msg, n);
	fix_icmp6(pkt);
	dpt_input1(&w, frame6(DPT_LAN_MAC, "02:00:00:00:00:33", pkt, n));
	slow_path();
	assert_int_equal(dpt_sent(&m, 1), 0);
	assert_int_equal(dpt_drops(DROP_ND_INVALID), inv + 2);
	dpt_done(&w);
}

/*
 * lan's subnet-router anycast address, 2001:db8:1:: (RFC 4291 2.6.1), to
 * its solicited-node group: answered with R and S but not O (RFC 4861
 * 7.2.7), from lan's address, not from the anycast one; a duplicate
 * address probe for it is not defended (RFC 4862 5.4).
 */
/* msg (n bytes) from src at 02:00:00:00:00:33 to the solicited-node
 * group of 2001:db8:1:: (lan's anycast), through the control lcore. */
static void
to_anycast_group(uint8_t *pkt, const char *src, const uint8_t *msg, uint32_t n)
{
	n = ip6_bytes(pkt, src, "ff02::1:ff00:0", IPPROTO_ICMPV6, 255, msg, n);
	fix_icmp6(pkt);
	dpt_input1(&w, frame6("33:33:ff:00:00:00", "02:00:00:00:00:33", pkt, n));
	slow_path();
}

static void
test_ns_anycast(void **state)
{
	uint8_t msg[32], pkt[96];
	struct rte_mbuf *m;
	uint32_t n;

	(void)state;
	n = nd_msg(msg, ND_NEIGHBOR_SOLICIT, 0, "2001:db8:1::", ND_OPT_SOURCE_LINKADDR,
		   "02:00:00:00:00:33");
	to_anycast_group(pkt, "2001:db8:1::33", msg, n);
	check_na_from(sent1(), 0, LAN_GUA, "2001:db8:1::", "2001:db8:1::33", "02:00:00:00:00:33",
		      ND_NA_ROUTER | ND_NA_SOLICITED);
	dpt_done(&w);

	n = nd_msg(msg, ND_NEIGHBOR_SOLICIT, 0, "2001:db8:1::", 0, NULL);
	to_anycast_group(pkt, "::", msg, n);
	assert_int_equal(dpt_sent(&m, 1), 0);
	dpt_done(&w);
}

/* Another router's advertisement and a redirect: a router takes neither,
 * sends nothing, and counts each as nd_ignored. */
static void
test_ra_redirect_ignored(void **state)
{
	static const uint8_t types[] = { ND_ROUTER_ADVERT, ND_REDIRECT };
	uint8_t msg[40], pkt[104];
	uint64_t ign = dpt_drops(DROP_ND_IGNORED);
	struct rte_mbuf *m;
	uint32_t n;

	(void)state;
	for (unsigned int i = 0; i < sizeof(types); i++) {
		memset(msg, 0, sizeof(msg));
		msg[0] = types[i];
		n = types[i] == ND_REDIRECT ? 40 : 16;	/* 4861 8.1 and 4.2: fixed parts */
		n = ip6_bytes(pkt, "fe80::33", "ff02::1", IPPROTO_ICMPV6, 255, msg, n);
		fix_icmp6(pkt);
		dpt_input1(&w, frame6("33:33:00:00:00:01", "02:00:00:00:00:33", pkt, n));
		slow_path();
		assert_int_equal(dpt_sent(&m, 1), 0);
		assert_int_equal(dpt_drops(DROP_ND_IGNORED), ign + i + 1);
	}
	dpt_done(&w);
}

/* Duplicate address detection (from ::): defended to all nodes, S clear,
 * nothing learnt. */
static void
test_dad_defended(void **state)
{
	uint8_t msg[32], pkt[96];
	uint32_t n;

	(void)state;
	n = nd_msg(msg, ND_NEIGHBOR_SOLICIT, 0, LAN_GUA, 0, NULL);
	n = ip6_bytes(pkt, "::", "ff02::1:ff00:1", IPPROTO_ICMPV6, 255, msg, n);
	fix_icmp6(pkt);
	dpt_input1(&w, frame6("33:33:ff:00:00:01", "02:00:00:00:00:35", pkt, n));
	slow_path();
	check_na(sent1(), 0, LAN_GUA, "ff02::1", "33:33:00:00:00:01",
		 ND_NA_ROUTER | ND_NA_OVERRIDE);
	dpt_done(&w);
}

/* A new address is announced to all nodes: R and O, not S. */
static void
test_unsolicited_na(void **state)
{
	struct rte_mbuf *m;
	uint8_t a[16];

	(void)state;
	a6("2001:db8:5::1", a);
	assert_int_equal(nd_addr_add(1, a, 64), 0);
	check_na(sent1(), 1, "2001:db8:5::1", "ff02::1", "33:33:00:00:00:01",
		 ND_NA_ROUTER | ND_NA_OVERRIDE);
	assert_int_equal(nd_addr_del(1, a, 64), 0);
	/* The table alone tells nobody: announcing is ND's. */
	assert_int_equal(addr6_add(1, a, 64), 0);
	assert_int_equal(dpt_sent(&m, 1), 0);
	assert_int_equal(addr6_del(1, a, 64), 0);
	dpt_done(&w);
}

/* The NS the router sends to resolve target on wan. */
static void
check_ns(struct rte_mbuf *m, const char *target, const char *dst, const char *dst_mac)
{
	uint8_t msg[32], exp[80];
	uint32_t n;

	nd_msg(msg, ND_NEIGHBOR_SOLICIT, 0, target, ND_OPT_SOURCE_LINKADDR, DPT_WAN_MAC);
	n = ip6_bytes(exp, WAN_GUA, dst, IPPROTO_ICMPV6, 255, msg, 32);
	fix_icmp6(exp);
	check_frame(m, dst_mac, DPT_WAN_MAC, exp, n);
	rte_pktmbuf_free(m);
}

/* An NA for 2001:db8:2::10 from it (MAC mac) on wan, with flags and mac
 * as its target link-layer address, through a worker and the slow path. */
static void
na_from_wan(uint8_t flags, const char *mac)
{
	uint8_t msg[32], na[96];
	struct rte_mbuf *f;
	uint32_t k;

	nd_msg(msg, ND_NEIGHBOR_ADVERT, flags, "2001:db8:2::10", ND_OPT_TARGET_LINKADDR, mac);
	k = ip6_bytes(na, "2001:db8:2::10", WAN_GUA, IPPROTO_ICMPV6, 255, msg, 32);
	fix_icmp6(na);
	f = frame6(DPT_WAN_MAC, mac, na, k);
	worker_input(&w, 1, &f, 1);
	slow_path();
}

/* Resolution: packets wait, a solicitation goes to the solicited-node
 * group, the solicited answer releases them (REACHABLE). */
static void
test_resolution(void **state)
{
	struct rte_ether_addr mac;
	uint8_t data[8] = { 7 }, pkt[96], msg[32];
	uint64_t ign;
	uint32_t n;

	(void)state;
	n = ip6_bytes(pkt, HOST6, "2001:db8:2::10", IPPROTO_UDP, 64, data, sizeof(data));
	dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
	dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
	assert_int_equal(dpt_queued(&w), 0);
	slow_path();
	check_ns(sent1(), "2001:db8:2::10", "ff02::1:ff00:10", "33:33:ff:00:00:10");
	assert_int_equal(state_of(1, "2001:db8:2::10", NULL), NUD_INCOMPLETE);

	/* An unsolicited NA for a waiting entry: STALE, and the packets go. */
	nd_msg(msg, ND_NEIGHBOR_ADVERT, ND_NA_SOLICITED | ND_NA_OVERRIDE, "2001:db8:2::10",
	       ND_OPT_TARGET_LINKADDR, "02:00:00:00:02:10");
	{
		uint8_t na[96];
		uint32_t k = ip6_bytes(na, "2001:db8:2::10", WAN_GUA, IPPROTO_ICMPV6, 255, msg, 32);
		struct rte_mbuf *f;

		fix_icmp6(na);
		f = frame6(DPT_WAN_MAC, "02:00:00:00:02:10", na, k);
		pkt_meta(f)->in_port = 1;
		worker_input(&w, 1, &f, 1);
	}
	slow_path();
	assert_int_equal(state_of(1, "2001:db8:2::10", &mac), NUD_REACHABLE);
	pkt[7] = 63;
	{
		struct rte_mbuf *held[4];

		assert_int_equal(dpt_sent(held, 4), 2);
		for (int i = 0; i < 2; i++) {
			check_frame(held[i], "02:00:00:00:02:10", DPT_WAN_MAC, pkt, n);
			rte_pktmbuf_free(held[i]);
		}
	}
	/* Now straight from the worker. */
	pkt[7] = 64;
	dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
	assert_int_equal(w.tx[1].n, 1);
	dpt_done(&w);

	/* An NA without O and another MAC (RFC 4861 7.2.5): the MAC stays,
	 * a REACHABLE entry goes STALE; a STALE one is left alone, and the
	 * NA counted as ignored. */
	ign = dpt_drops(DROP_ND_IGNORED);
	na_from_wan(ND_NA_SOLICITED, "02:00:00:00:02:99");
	assert_int_equal(state_of(1, "2001:db8:2::10", &mac), NUD_STALE);
	assert_true(rte_is_same_ether_addr(&mac, &(struct rte_ether_addr){ { 2, 0, 0, 0, 2, 0x10 } }));
	assert_int_equal(dpt_drops(DROP_ND_IGNORED), ign);
	na_from_wan(0, "02:00:00:00:02:99");
	assert_int_equal(state_of(1, "2001:db8:2::10", &mac), NUD_STALE);
	assert_true(rte_is_same_ether_addr(&mac, &(struct rte_ether_addr){ { 2, 0, 0, 0, 2, 0x10 } }));
	assert_int_equal(dpt_drops(DROP_ND_IGNORED), ign + 1);
	/* Unsolicited, the MAC it has: nothing new, counted the same. */
	na_from_wan(ND_NA_OVERRIDE, "02:00:00:00:02:10");
	assert_int_equal(dpt_drops(DROP_ND_IGNORED), ign + 2);
	dpt_done(&w);
}

/* Nobody answers: NEIGH_RETRIES solicitations a second apart, then the
 * held packet's sender hears Address Unreachable (RFC 4443 3.1 code 3). */
static void
test_resolution_fails(void **state)
{
	uint8_t data[8] = { 5 }, pkt[96], emsg[8 + 56], exp[160];
	uint64_t t = rte_get_tsc_cycles(), d = dpt_drops(DROP_ND_TIMEOUT);
	uint32_t n, k;

	(void)state;
	n = ip6_bytes(pkt, HOST6, "2001:db8:2::11", IPPROTO_UDP, 64, data, sizeof(data));
	dpt_input1(&w, frame6(DPT_LAN_MAC, DPT_HOST_MAC, pkt, n));
	slow_path();
	check_ns(sent1(), "2001:db8:2::11", "ff02::1:ff00:11", "33:33:ff:00:00:11");
	for (int i = 1; i < NEIGH_RETRIES; i++) {
		t += dp.hz + dp.hz / 10;
		neigh_timer(t);
		check_ns(sent1(), "2001:db8:2::11", "ff02::1:ff00:11", "33:33:ff:00:00:11");
	}
	t += dp.hz + dp.hz / 10;
	neigh_timer(t);
	assert_int_equal(dpt_drops(DROP_ND_TIMEOUT), d + 1);
	assert_int_equal(state_of(1, "2001:db8:2::11", NULL), NUD_NONE);
	/* The error, quoting the packet as it waited (hop limit spent). */
	memset(emsg, 0, sizeof(emsg));
	emsg[0] = ICMP6_DST_UNREACH;
	emsg[1] = ICMP6_DST_UNREACH_ADDR;
	pkt[7] = 63;
	memcpy(emsg + 8, pkt, n);
	k = ip6_bytes(exp, LAN_GUA, HOST6, IPPROTO_ICMPV6, 64, emsg, 8 + n);
	fix_icmp6(exp);
	{
		struct rte_mbuf *m = sent1();

		check_frame(m, DPT_HOST_MAC, DPT_LAN_MAC, exp, k);
		rte_pktmbuf_free(m);
	}
	dpt_done(&w);
}

/* The advertisement a port with ra on sends: from its link-local address
 * to all nodes, hop limit 255, with its MAC, MTU and each global /64 as
 * on-link and autonomous; the router lifetime as configured. */
static void
check_ra(struct rte_mbuf *m, uint16_t lifetime, unsigned int nprefix, const char *const *pfx)
{
	uint8_t msg[16 + 8 + 8 + 32 * 4], exp[200];
	uint32_t len = 32 + 32 * nprefix, n;
	uint8_t *p;

	memset(msg, 0, sizeof(msg));
	msg[0] = ND_ROUTER_ADVERT;
	msg[4] = 64;				/* cur hop limit */
	msg[6] = lifetime >> 8;
	msg[7] = lifetime & 0xff;
	msg[16] = ND_OPT_SOURCE_LINKADDR;
	msg[17] = 1;
	memcpy(msg + 18, (uint8_t[]){ 2, 0, 0, 0, 0, 1 }, 6);
	msg[24] = ND_OPT_MTU;
	msg[25] = 1;
	msg[30] = 1500 >> 8;
	msg[31] = 1500 & 0xff;
	for (unsigned int i = 0; i < nprefix; i++) {
		p = msg + 32 + 32 * i;
		p[0] = ND_OPT_PREFIX_INFORMATION;
		p[1] = 4;
		p[2] = 64;
		p[3] = 0xc0;			/* L, A */
		p[4] = 2592000 >> 24; p[5] = (2592000 >> 16) & 0xff;
		p[6] = (2592000 >> 8) & 0xff; p[7] = 2592000 & 0xff;
		p[8] = 604800 >> 24; p[9] = (604800 >> 16) & 0xff;
		p[10] = (604800 >> 8) & 0xff; p[11] = 604800 & 0xff;
		a6(pfx[i], p + 16);
	}
	n = ip6_bytes(exp, LAN_LL, "ff02::1", IPPROTO_ICMPV6, 255, msg, len);
	fix_icmp6(exp);
	assert_int_equal(pkt_meta(m)->out_port, 0);
	check_frame(m, "33:33:00:00:00:01", DPT_LAN_MAC, exp, n);
	rte_pktmbuf_free(m);
}

static void
test_ra(void **state)
{
	static const char *const one[] = { "2001:db8:1::" };
	static const char *const two[] = { "2001:db8:1::", "2001:db8:7::" };
	uint8_t a[16], rs[16] = { ND_ROUTER_SOLICIT, 0, 0, 0, 0, 0, 0, 0,
				  ND_OPT_SOURCE_LINKADDR, 1, 2, 0, 0, 0, 0, 0x36 }, pkt[96];
	struct rte_mbuf *m;
	uint64_t t = rte_get_tsc_cycles();
	uint32_t n;

	(void)state;
	assert_false(ra_enabled(0));
	ra_set(0, true);
	check_ra(sent1(), 1800, 1, one);
	/* Nothing more before it is due; then the next one. */
	ra_timer(t);
	assert_int_equal(dpt_sent(&m, 1), 0);
	t += (uint64_t)(RA_INITIAL_INTERVAL + 1) * dp.hz;
	ra_timer(t);
	check_ra(sent1(), 1800, 1, one);

	/* A second /64 (a /48 and link-local addresses are not advertised);
	 * its change is advertised within MIN_DELAY_BETWEEN_RAS. */
	a6("2001:db8:7::1", a);
	assert_int_equal(nd_addr_add(0, a, 64), 0);
	a6("2001:db8:8::1", a);
	assert_int_equal(nd_addr_add(0, a, 48), 0);
	drain_sent6();
	t += (uint64_t)(RA_MIN_DELAY + 1) * dp.hz;
	ra_timer(t);
	check_ra(sent1(), 1800, 2, two);
	a6("2001:db8:8::1", a);
	assert_int_equal(nd_addr_del(0, a, 48), 0);

	/* A router solicitation, with the host's address: answered within
	 * the minimum delay, the host learnt (STALE). */
	n = ip6_bytes(pkt, "fe80::36", "ff02::2", IPPROTO_ICMPV6, 255, rs, sizeof(rs));
	fix_icmp6(pkt);
	dpt_input1(&w, frame6("33:33:00:00:00:02", "02:00:00:00:00:36", pkt, n));
	slow_path();
	assert_int_equal(state_of(0, "fe80::36", NULL), NUD_STALE);
	t += (uint64_t)(RA_MIN_DELAY + 1) * dp.hz;
	ra_timer(t);
	check_ra(sent1(), 1800, 2, two);

	/* Off: a last one with lifetime 0, then nothing. */
	a6("2001:db8:7::1", a);
	assert_int_equal(nd_addr_del(0, a, 64), 0);
	ra_set(0, false);
	check_ra(sent1(), 0, 1, one);
	ra_timer(t + 3600 * dp.hz);
	assert_int_equal(dpt_sent(&m, 1), 0);

	/* A solicitation to a port that does not advertise: not answered,
	 * counted as nd_ignored. */
	{
		uint64_t ign = dpt_drops(DROP_ND_IGNORED);

		dpt_input1(&w, frame6("33:33:00:00:00:02", "02:00:00:00:00:36", pkt, n));
		slow_path();
		ra_timer(t + 7200 * dp.hz);
		assert_int_equal(dpt_sent(&m, 1), 0);
		assert_int_equal(dpt_drops(DROP_ND_IGNORED), ign + 1);
	}
	dpt_done(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ns_answered),
		cmocka_unit_test(test_ns_not_answered),
		cmocka_unit_test(test_ns_anycast),
		cmocka_unit_test(test_dad_defended),
		cmocka_unit_test(test_unsolicited_na),
		cmocka_unit_test(test_resolution),
		cmocka_unit_test(test_resolution_fails),
		cmocka_unit_test(test_ra),
		cmocka_unit_test(test_ra_redirect_ignored),
	};

	dpt_init("nd");
	return cmocka_run_group_tests(tests, setup, NULL);
}
