/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 through the control channel, as rtnetlink encodes it: AF_INET6
 * addresses, routes and neighbours with 16-byte attributes, link-local
 * addresses in scope link, a link-local gateway needing RTA_OIF, dumps of
 * one family or (AF_UNSPEC) both, and the RA flag on link messages.
 */
#include <netinet/icmp6.h>

#include "ctl_test.h"
#include "addr6.h"
#include "nd.h"
#include "neigh.h"
#include "ra.h"
#include "route6.h"

static void
in6(const char *s, uint8_t *a)
{
	assert_int_equal(inet_pton(AF_INET6, s, a), 1);
}

static void
q_addr6(uint16_t type, uint16_t flags, uint32_t seq, uint32_t ifindex, const char *ip,
	uint8_t plen)
{
	struct ifaddrmsg ifa = { .ifa_family = AF_INET6, .ifa_prefixlen = plen,
				 .ifa_index = ifindex };
	struct nlmsghdr *nlh = q_begin(type, flags, seq, &ifa, sizeof(ifa));
	uint8_t a[16];

	in6(ip, a);
	mnl_attr_put(nlh, IFA_LOCAL, 16, a);
	mnl_attr_put(nlh, IFA_ADDRESS, 16, a);
	q_end(nlh);
}

static void
q_route6(uint16_t type, uint16_t flags, uint32_t seq, const char *dst, uint8_t plen,
	 const char *gw, uint32_t oif)
{
	struct rtmsg rtm = { .rtm_family = AF_INET6, .rtm_dst_len = plen,
			     .rtm_table = RT_TABLE_MAIN, .rtm_protocol = SLUICE_RTPROT_CLI,
			     .rtm_type = RTN_UNICAST };
	struct nlmsghdr *nlh = q_begin(type, flags, seq, &rtm, sizeof(rtm));
	uint8_t a[16];

	if (plen > 0) {
		in6(dst, a);
		mnl_attr_put(nlh, RTA_DST, 16, a);
	}
	if (gw != NULL) {
		in6(gw, a);
		mnl_attr_put(nlh, RTA_GATEWAY, 16, a);
	}
	if (oif != 0)
		mnl_attr_put_u32(nlh, RTA_OIF, oif);
	q_end(nlh);
}

static void
expect_a6(const struct nlattr *a, const char *ip)
{
	uint8_t x[16];

	assert_non_null(a);
	assert_int_equal(mnl_attr_get_payload_len(a), 16);
	in6(ip, x);
	assert_memory_equal(mnl_attr_get_payload(a), x, 16);
}

static void
test_addr6(void **state)
{
	const struct nlattr *tb[IFA_MAX + 1];
	const struct ifaddrmsg *ifa;
	struct nlmsghdr *nlh;

	(void)state;
	assert_int_equal(ip6_port_up(0), 0);
	q_addr6(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, 10, 1, "2001:db8:1::1", 64);
	q_addr6(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, 11, 1, "2001:db8:1::1", 64);
	q_addr6(RTM_NEWADDR, NLM_F_CREATE | NLM_F_ACK, 12, 1, "2001:db8:1::2", 129);
	/* A 4-byte address in an AF_INET6 request. */
	nlh = q_begin(RTM_NEWADDR, NLM_F_CREATE | NLM_F_ACK, 13,
		      &(struct ifaddrmsg){ .ifa_family = AF_INET6, .ifa_prefixlen = 64,
					   .ifa_index = 1 }, sizeof(struct ifaddrmsg));
	mnl_attr_put_u32(nlh, IFA_LOCAL, be("10.0.0.1"));
	q_end(nlh);
	q_addr(RTM_NEWADDR, NLM_F_CREATE | NLM_F_ACK, 14, 1, "192.168.1.1", 24);
	q_simple(RTM_GETADDR, NLM_F_DUMP, 15, &(struct ifaddrmsg){ .ifa_family = AF_INET6 },
		 sizeof(struct ifaddrmsg));
	/* An address attribute of neither family's size. */
	nlh = q_begin(RTM_NEWADDR, NLM_F_CREATE | NLM_F_ACK, 16,
		      &(struct ifaddrmsg){ .ifa_family = AF_INET, .ifa_prefixlen = 24,
					   .ifa_index = 1 }, sizeof(struct ifaddrmsg));
	mnl_attr_put(nlh, IFA_LOCAL, 5, "\x0a\0\0\x01\0");
	q_end(nlh);
	q_send(true);
	r_collect();
	assert_int_equal(nmsgs, 9);
	expect_errmsg(msgs[8], 16, -EINVAL, "IFA_LOCAL has 5 bytes: 4 (IPv4) or 16 (IPv6)");
	expect_err(msgs[0], 10, 0);
	expect_err(msgs[1], 11, -EEXIST);
	expect_errmsg(msgs[2], 12, -EINVAL, "prefix length 129 out of range (0..128)");
	expect_errmsg(msgs[3], 13, -EINVAL, "an IPv6 address has 16 bytes");
	expect_err(msgs[4], 14, 0);
	/* The link-local one (scope link), then the global one; no IPv4. */
	ifa = mnl_nlmsg_get_payload(msgs[5]);
	assert_int_equal(ifa->ifa_family, AF_INET6);
	assert_int_equal(ifa->ifa_prefixlen, 64);
	assert_int_equal(ifa->ifa_scope, RT_SCOPE_LINK);
	assert_int_equal(ifa->ifa_index, 1);
	attrs(msgs[5], sizeof(*ifa), tb, IFA_MAX);
	expect_a6(tb[IFA_ADDRESS], "fe80::ff:fe00:1");
	expect_a6(tb[IFA_LOCAL], "fe80::ff:fe00:1");
	ifa = mnl_nlmsg_get_payload(msgs[6]);
	assert_int_equal(ifa->ifa_scope, RT_SCOPE_UNIVERSE);
	attrs(msgs[6], sizeof(*ifa), tb, IFA_MAX);
	expect_a6(tb[IFA_ADDRESS], "2001:db8:1::1");
	assert_string_equal(mnl_attr_get_str(tb[IFA_LABEL]), "lan");
	assert_int_equal(msgs[7]->nlmsg_type, NLMSG_DONE);

	/* AF_UNSPEC: both families; AF_INET: IPv4 alone. */
	q_simple(RTM_GETADDR, NLM_F_DUMP, 16, &(struct ifaddrmsg){ .ifa_family = AF_UNSPEC },
		 sizeof(struct ifaddrmsg));
	q_simple(RTM_GETADDR, NLM_F_DUMP, 17, &(struct ifaddrmsg){ .ifa_family = AF_INET },
		 sizeof(struct ifaddrmsg));
	q_send(true);
	r_collect();
	assert_int_equal(nmsgs, 6);
	assert_int_equal(((struct ifaddrmsg *)mnl_nlmsg_get_payload(msgs[0]))->ifa_family, AF_INET);
	assert_int_equal(((struct ifaddrmsg *)mnl_nlmsg_get_payload(msgs[1]))->ifa_family, AF_INET6);
	assert_int_equal(((struct ifaddrmsg *)mnl_nlmsg_get_payload(msgs[2]))->ifa_family, AF_INET6);
	assert_int_equal(msgs[3]->nlmsg_type, NLMSG_DONE);
	assert_int_equal(((struct ifaddrmsg *)mnl_nlmsg_get_payload(msgs[4]))->ifa_family, AF_INET);
	assert_int_equal(msgs[5]->nlmsg_type, NLMSG_DONE);

	q_addr6(RTM_DELADDR, NLM_F_ACK, 18, 1, "2001:db8:1::1", 64);
	q_send(true);
	one_err(18, 0);
	assert_int_equal(addrs6_get()->n, 1);	/* the link-local one stays */
}

static void
test_route6(void **state)
{
	const struct nlattr *tb[RTA_MAX + 1];
	const struct rtmsg *rtm;
	struct nlmsghdr *nlh;
	int i;

	(void)state;
	q_addr(RTM_NEWADDR, NLM_F_CREATE | NLM_F_ACK, 20, 1, "192.168.1.1", 24);
	q_addr6(RTM_NEWADDR, NLM_F_CREATE | NLM_F_ACK, 21, 1, "2001:db8:1::1", 64);
	q_route6(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_ACK, 22, "2001:db8:99::", 48,
		 "2001:db8:1::fe", 0);
	q_route6(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_ACK, 23, "::", 0, "fe80::1", 0);
	q_route6(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_ACK, 24, "::", 0, "fe80::1", 2);
	q_route6(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_ACK, 25, "2001:db8:98::1", 48,
		 "2001:db8:1::fe", 0);
	q_send(true);
	r_collect();
	assert_int_equal(nmsgs, 6);
	for (i = 0; i < 3; i++)
		expect_err(msgs[i], 20 + i, 0);
	expect_errmsg(msgs[3], 23, -EINVAL, "link-local gateway fe80::1 needs a device");
	expect_err(msgs[4], 24, 0);
	expect_errmsg(msgs[5], 25, -EINVAL, "invalid prefix 2001:db8:98::1/48: host bits set");

	/* IPv6 alone, in prefix order: the default, the connected /64 (metric
	 * 256, prefsrc), the /48. */
	q_simple(RTM_GETROUTE, NLM_F_DUMP, 26, &(struct rtmsg){ .rtm_family = AF_INET6 },
		 sizeof(struct rtmsg));
	q_send(true);
	r_collect();
	assert_int_equal(nmsgs, 4);
	rtm = mnl_nlmsg_get_payload(msgs[0]);
	assert_int_equal(rtm->rtm_family, AF_INET6);
	assert_int_equal(rtm->rtm_dst_len, 0);
	attrs(msgs[0], sizeof(*rtm), tb, RTA_MAX);
	expect_a6(tb[RTA_GATEWAY], "fe80::1");
	assert_int_equal(mnl_attr_get_u32(tb[RTA_OIF]), 2);
	rtm = mnl_nlmsg_get_payload(msgs[1]);
	assert_int_equal(rtm->rtm_dst_len, 64);
	assert_int_equal(rtm->rtm_scope, RT_SCOPE_LINK);
	assert_int_equal(rtm->rtm_protocol, SLUICE_RTPROT_CONNECTED);
	attrs(msgs[1], sizeof(*rtm), tb, RTA_MAX);
	expect_a6(tb[RTA_DST], "2001:db8:1::");
	expect_a6(tb[RTA_PREFSRC], "2001:db8:1::1");
	assert_int_equal(mnl_attr_get_u32(tb[RTA_PRIORITY]), 256);
	rtm = mnl_nlmsg_get_payload(msgs[2]);
	assert_int_equal(rtm->rtm_dst_len, 48);
	attrs(msgs[2], sizeof(*rtm), tb, RTA_MAX);
	expect_a6(tb[RTA_GATEWAY], "2001:db8:1::fe");
	assert_int_equal(mnl_attr_get_u32(tb[RTA_OIF]), 1);
	assert_int_equal(msgs[3]->nlmsg_type, NLMSG_DONE);

	/* AF_UNSPEC: IPv4's routes, then IPv6's, one dump. */
	q_simple(RTM_GETROUTE, NLM_F_DUMP, 27, &(struct rtmsg){ .rtm_family = AF_UNSPEC },
		 sizeof(struct rtmsg));
	q_send(true);
	r_collect();
	assert_int_equal(nmsgs, 5);
	assert_int_equal(((struct rtmsg *)mnl_nlmsg_get_payload(msgs[0]))->rtm_family, AF_INET);
	for (i = 1; i < 4; i++)
		assert_int_equal(((struct rtmsg *)mnl_nlmsg_get_payload(msgs[i]))->rtm_family,
				 AF_INET6);
	assert_int_equal(msgs[4]->nlmsg_type, NLMSG_DONE);

	/* route get, AF_INET6 and AF_UNSPEC with a 16-byte address. */
	for (i = 0; i < 2; i++) {
		uint8_t a[16];

		nlh = q_begin(RTM_GETROUTE, 0, 28 + i,
			      &(struct rtmsg){ .rtm_family = i == 0 ? AF_INET6 : AF_UNSPEC,
					       .rtm_dst_len = 128 }, sizeof(struct rtmsg));
		in6("2001:db8:99::5", a);
		mnl_attr_put(nlh, RTA_DST, 16, a);
		q_end(nlh);
		q_send(true);
		r_collect();
		assert_int_equal(nmsgs, 1);
		rtm = mnl_nlmsg_get_payload(msgs[0]);
		assert_int_equal(rtm->rtm_family, AF_INET6);
		assert_int_equal(rtm->rtm_dst_len, 128);
		attrs(msgs[0], sizeof(*rtm), tb, RTA_MAX);
		expect_a6(tb[RTA_DST], "2001:db8:99::5");
		expect_a6(tb[RTA_GATEWAY], "2001:db8:1::fe");
		expect_a6(tb[RTA_PREFSRC], "2001:db8:1::1");
		assert_int_equal(mnl_attr_get_u32(tb[RTA_OIF]), 1);
	}

	q_route6(RTM_DELROUTE, NLM_F_ACK, 30, "2001:db8:99::", 48, NULL, 0);
	q_route6(RTM_DELROUTE, NLM_F_ACK, 31, "2001:db8:99::", 48, NULL, 0);
	q_send(true);
	r_collect();
	expect_err(msgs[0], 30, 0);
	expect_err(msgs[1], 31, -ESRCH);
}

/* The kernel's IPv6 metric 0 is 1024: `ip -6 route add ... metric 0` adds
 * at 1024 (a second add at 1024 finds it) and a delete with metric 0
 * takes any metric; :: and ::1 are never routed, whatever the default. */
static void
test_route6_metric0(void **state)
{
	const struct nlattr *tb[RTA_MAX + 1];
	struct nlmsghdr *nlh;
	uint8_t a[16];

	(void)state;
	q_addr6(RTM_NEWADDR, NLM_F_CREATE | NLM_F_ACK, 40, 1, "2001:db8:1::1", 64);
	q_route6(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_ACK, 41, "::", 0, "2001:db8:1::fe", 0);
	nlh = q_begin(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, 42,
		      &(struct rtmsg){ .rtm_family = AF_INET6, .rtm_dst_len = 48,
				       .rtm_table = RT_TABLE_MAIN, .rtm_protocol = SLUICE_RTPROT_CLI,
				       .rtm_type = RTN_UNICAST }, sizeof(struct rtmsg));
	in6("2001:db8:66::", a);
	mnl_attr_put(nlh, RTA_DST, 16, a);
	in6("2001:db8:1::fe", a);
	mnl_attr_put(nlh, RTA_GATEWAY, 16, a);
	mnl_attr_put_u32(nlh, RTA_PRIORITY, 0);
	q_end(nlh);
	/* The same with no metric: 1024, the one just added. */
	q_route6(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, 43, "2001:db8:66::", 48,
		 "2001:db8:1::fe", 0);
	q_send(true);
	r_collect();
	assert_int_equal(nmsgs, 4);
	expect_err(msgs[2], 42, 0);
	expect_err(msgs[3], 43, -EEXIST);

	nlh = q_begin(RTM_GETROUTE, 0, 44, &(struct rtmsg){ .rtm_family = AF_INET6,
							  .rtm_dst_len = 128 },
		      sizeof(struct rtmsg));
	in6("2001:db8:66::5", a);
	mnl_attr_put(nlh, RTA_DST, 16, a);
	q_end(nlh);
	q_send(true);
	r_collect();
	assert_int_equal(nmsgs, 1);
	attrs(msgs[0], sizeof(struct rtmsg), tb, RTA_MAX);
	assert_int_equal(mnl_attr_get_u32(tb[RTA_PRIORITY]), 1024);

	for (int i = 0; i < 2; i++) {
		nlh = q_begin(RTM_GETROUTE, 0, 45 + i,
			      &(struct rtmsg){ .rtm_family = AF_INET6, .rtm_dst_len = 128 },
			      sizeof(struct rtmsg));
		in6(i == 0 ? "::1" : "::ffff:8.8.8.8", a);
		mnl_attr_put(nlh, RTA_DST, 16, a);
		q_end(nlh);
	}
	nlh = q_begin(RTM_DELROUTE, NLM_F_ACK, 47,
		      &(struct rtmsg){ .rtm_family = AF_INET6, .rtm_dst_len = 48,
				       .rtm_table = RT_TABLE_MAIN }, sizeof(struct rtmsg));
	in6("2001:db8:66::", a);
	mnl_attr_put(nlh, RTA_DST, 16, a);
	mnl_attr_put_u32(nlh, RTA_PRIORITY, 0);
	q_end(nlh);
	q_send(true);
	r_collect();
	assert_int_equal(nmsgs, 3);
	expect_errmsg(msgs[0], 45, -EINVAL,
		      "a martian destination: never routed (ip6_martian_destination)");
	expect_err(msgs[1], 46, -EINVAL);
	expect_err(msgs[2], 47, 0);
}

static void
test_neigh6(void **state)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 0x66 };
	const struct nlattr *tb[NDA_MAX + 1];
	struct nlmsghdr *nlh;
	uint8_t a[16];

	(void)state;
	nlh = q_begin(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_ACK, 40,
		      &(struct ndmsg){ .ndm_family = AF_INET6, .ndm_ifindex = 1,
				       .ndm_state = NUD_PERMANENT }, sizeof(struct ndmsg));
	in6("2001:db8:1::66", a);
	mnl_attr_put(nlh, NDA_DST, 16, a);
	mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
	q_end(nlh);
	nlh = q_begin(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_ACK, 41,
		      &(struct ndmsg){ .ndm_family = AF_INET, .ndm_ifindex = 1,
				       .ndm_state = NUD_PERMANENT }, sizeof(struct ndmsg));
	mnl_attr_put_u32(nlh, NDA_DST, be("192.168.1.66"));
	mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
	q_end(nlh);
	/* A 16-byte NDA_DST for AF_INET. */
	nlh = q_begin(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_ACK, 42,
		      &(struct ndmsg){ .ndm_family = AF_INET, .ndm_ifindex = 1,
				       .ndm_state = NUD_PERMANENT }, sizeof(struct ndmsg));
	mnl_attr_put(nlh, NDA_DST, 16, a);
	mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
	q_end(nlh);
	q_simple(RTM_GETNEIGH, NLM_F_DUMP, 43, &(struct ndmsg){ .ndm_family = AF_INET6 },
		 sizeof(struct ndmsg));
	q_simple(RTM_GETNEIGH, NLM_F_DUMP, 44, &(struct ndmsg){ .ndm_family = AF_UNSPEC },
		 sizeof(struct ndmsg));
	q_send(true);
	r_collect();
	assert_int_equal(nmsgs, 8);
	expect_err(msgs[0], 40, 0);
	expect_err(msgs[1], 41, 0);
	expect_err(msgs[2], 42, -EINVAL);
	assert_int_equal(((struct ndmsg *)mnl_nlmsg_get_payload(msgs[3]))->ndm_family, AF_INET6);
	assert_int_equal(((struct ndmsg *)mnl_nlmsg_get_payload(msgs[3]))->ndm_state, NUD_PERMANENT);
	attrs(msgs[3], sizeof(struct ndmsg), tb, NDA_MAX);
	expect_a6(tb[NDA_DST], "2001:db8:1::66");
	assert_memory_equal(mnl_attr_get_payload(tb[NDA_LLADDR]), mac, 6);
	assert_int_equal(msgs[4]->nlmsg_type, NLMSG_DONE);
	/* Both, IPv4 first. */
	assert_int_equal(((struct ndmsg *)mnl_nlmsg_get_payload(msgs[5]))->ndm_family, AF_INET);
	assert_int_equal(((struct ndmsg *)mnl_nlmsg_get_payload(msgs[6]))->ndm_family, AF_INET6);
	assert_int_equal(msgs[7]->nlmsg_type, NLMSG_DONE);

	nlh = q_begin(RTM_DELNEIGH, NLM_F_ACK, 45,
		      &(struct ndmsg){ .ndm_family = AF_INET6, .ndm_ifindex = 1 },
		      sizeof(struct ndmsg));
	mnl_attr_put(nlh, NDA_DST, 16, a);
	q_end(nlh);
	q_send(true);
	one_err(45, 0);
	assert_int_equal(neigh6_state(0, a, NULL), NUD_NONE);
	assert_int_equal(neigh_del(0, dpt_ip("192.168.1.66")), 0);
}

static void
test_link_ra(void **state)
{
	const struct nlattr *tb[SLUICE_IFLA_RA + 1];
	struct nlmsghdr *nlh;

	(void)state;
	assert_int_equal(ip6_port_up(0), 0);
	nlh = q_begin(RTM_NEWLINK, NLM_F_ACK, 50, &(struct ifinfomsg){ .ifi_index = 1 },
		      sizeof(struct ifinfomsg));
	mnl_attr_put_u8(nlh, SLUICE_IFLA_RA, 1);
	q_end(nlh);
	nlh = q_begin(RTM_NEWLINK, NLM_F_ACK, 51, &(struct ifinfomsg){ .ifi_index = 2 },
		      sizeof(struct ifinfomsg));
	mnl_attr_put_u32(nlh, SLUICE_IFLA_RA, 1);	/* not a u8 */
	q_end(nlh);
	q_simple(RTM_GETLINK, NLM_F_DUMP, 52, &(struct ifinfomsg){ 0 }, sizeof(struct ifinfomsg));
	q_send(true);
	r_collect();
	assert_int_equal(nmsgs, 5);
	expect_err(msgs[0], 50, 0);
	expect_errmsg(msgs[1], 51, -EINVAL, "the RA flag is a u8");
	assert_true(ra_enabled(0));
	assert_false(ra_enabled(1));
	attrs(msgs[2], sizeof(struct ifinfomsg), tb, SLUICE_IFLA_RA);
	assert_int_equal(mnl_attr_get_u8(tb[SLUICE_IFLA_RA]), 1);
	attrs(msgs[3], sizeof(struct ifinfomsg), tb, SLUICE_IFLA_RA);
	assert_int_equal(mnl_attr_get_u8(tb[SLUICE_IFLA_RA]), 0);
	/* The first advertisement went at once. */
	{
		struct rte_mbuf *m[4];
		unsigned int n = dpt_sent(m, 4);

		assert_int_equal(n, 2);		/* the unsolicited NA, the RA */
		assert_int_equal(rte_pktmbuf_mtod_offset(m[1], uint8_t *, 14 + 40)[0],
				 ND_ROUTER_ADVERT);
		rte_pktmbuf_free_bulk(m, n);
	}
	nlh = q_begin(RTM_NEWLINK, NLM_F_ACK, 53, &(struct ifinfomsg){ .ifi_index = 1 },
		      sizeof(struct ifinfomsg));
	mnl_attr_put_u8(nlh, SLUICE_IFLA_RA, 0);
	q_end(nlh);
	q_send(true);
	one_err(53, 0);
	assert_false(ra_enabled(0));
}

/* RTM_NEWLINK with an MTU for lan, by index. */
static void
q_mtu(uint32_t seq, uint32_t mtu)
{
	struct nlmsghdr *nlh = q_begin(RTM_NEWLINK, NLM_F_ACK, seq,
				       &(struct ifinfomsg){ .ifi_index = 1 },
				       sizeof(struct ifinfomsg));

	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	q_end(nlh);
}

/* IPv6 needs an MTU of 1280 (RFC 8200 5), as the kernel holds: lan's MTU
 * going under it takes its IPv6 addresses and routes away, an IPv6
 * address is refused there meanwhile (IPv4 is not), and going back over
 * it gives lan its link-local address again. */
static void
test_mtu_under_ip6_minimum(void **state)
{
	uint8_t ll[16], want[16];

	(void)state;
	assert_int_equal(ip6_port_up(0), 0);
	q_addr6(RTM_NEWADDR, NLM_F_CREATE | NLM_F_ACK, 60, 1, "2001:db8:1::1", 64);
	q_route6(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_ACK, 61, "2001:db8:99::", 48,
		 "2001:db8:1::fe", 0);
	q_send(true);
	r_collect();
	assert_int_equal(nmsgs, 2);
	expect_err(msgs[0], 60, 0);
	expect_err(msgs[1], 61, 0);
	assert_int_equal(addrs6_get()->n, 2);
	assert_true(route6_count() > 0);

	q_mtu(62, 1279);
	q_addr6(RTM_NEWADDR, NLM_F_CREATE | NLM_F_ACK, 63, 1, "2001:db8:1::1", 64);
	q_addr(RTM_NEWADDR, NLM_F_CREATE | NLM_F_ACK, 64, 1, "192.168.1.1", 24);
	q_send(true);
	r_collect();
	assert_int_equal(nmsgs, 3);
	expect_err(msgs[0], 62, 0);
	expect_errmsg(msgs[1], 63, -EINVAL,
		      "port lan's MTU 1279 is under IPv6's minimum, 1280 (RFC 8200 5)");
	expect_err(msgs[2], 64, 0);
	assert_int_equal(ports[0].mtu, 1279);
	assert_int_equal(addrs6_get()->n, 0);
	assert_int_equal(route6_count(), 0);
	assert_false(addr6_link_local(addrs6_get(), 0, ll));

	q_mtu(65, 1280);
	q_send(true);
	one_err(65, 0);
	assert_int_equal(addrs6_get()->n, 1);
	assert_true(addr6_link_local(addrs6_get(), 0, ll));
	ip6_eui64_link_local(&ports[0].mac, want);
	assert_memory_equal(ll, want, 16);
	{
		struct rte_mbuf *m[8];
		unsigned int n;

		while ((n = dpt_sent(m, 8)) > 0)	/* the unsolicited NAs */
			rte_pktmbuf_free_bulk(m, n);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_addr6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_route6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_route6_metric0, setup, teardown),
		cmocka_unit_test_setup_teardown(test_neigh6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_ra, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mtu_under_ip6_minimum, setup, teardown),
	};

	dpt_init("ip6_nl");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
