/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * route/rt_nl.c, the route requests of both families: one set of bad
 * requests, each sent in IPv4 and in IPv6, gets the same error and the same
 * extended ack (the prefix in its family's text) from both, except where
 * the families differ on purpose (an address attribute's size, unreachable
 * routes).
 */
#include "ctl_test.h"
#include "nd.h"
#include "route6.h"

struct fam {
	const char *name;
	uint8_t family, alen;
	const char *addr;	/* ours on lan (ifindex 1), /addr_plen */
	uint8_t addr_plen;
	const char *net;	/* a network to route, /plen */
	uint8_t plen;
	const char *host_bits;	/* net with a host bit set */
	const char *gw;		/* on lan */
	const char *size_msg;	/* the ack for an address of the other family's size */
};

static const struct fam fams[] = {
	{ "IPv4", AF_INET, 4, "192.168.1.1", 24, "10.20.0.0", 16, "10.20.1.0", "192.168.1.254",
	  "an IPv4 address attribute has 4 bytes" },
	{ "IPv6", AF_INET6, 16, "2001:db8:1::1", 64, "2001:db8:99::", 48, "2001:db8:99::1",
	  "2001:db8:1::fe", "an IPv6 address attribute has 16 bytes" },
};

static void
put_addr(struct nlmsghdr *nlh, uint16_t type, const struct fam *f, const char *s)
{
	uint8_t a[16];

	assert_int_equal(inet_pton(f->family, s, a), 1);
	mnl_attr_put(nlh, type, f->alen, a);
}

/* A request for net (NULL: none) of f's family; the caller may add
 * attributes, then q_end. */
static struct nlmsghdr *
rq(const struct fam *f, uint16_t type, uint16_t flags, uint32_t seq, uint8_t rtype,
   const char *net, uint8_t plen)
{
	struct rtmsg rtm = { .rtm_family = f->family, .rtm_dst_len = plen,
			     .rtm_table = RT_TABLE_MAIN, .rtm_protocol = SLUICE_RTPROT_CLI,
			     .rtm_type = rtype };
	struct nlmsghdr *nlh = q_begin(type, flags, seq, &rtm, sizeof(rtm));

	if (net != NULL)
		put_addr(nlh, RTA_DST, f, net);
	return nlh;
}

static struct rtmsg *
rtm_of(struct nlmsghdr *nlh)
{
	return mnl_nlmsg_get_payload(nlh);
}

static void
q_addr_of(const struct fam *f, uint32_t seq)
{
	struct ifaddrmsg ifa = { .ifa_family = f->family, .ifa_prefixlen = f->addr_plen,
				 .ifa_index = 1 };
	struct nlmsghdr *nlh = q_begin(RTM_NEWADDR, NLM_F_CREATE | NLM_F_ACK, seq, &ifa,
				       sizeof(ifa));

	put_addr(nlh, IFA_LOCAL, f, f->addr);
	put_addr(nlh, IFA_ADDRESS, f, f->addr);
	q_end(nlh);
}

/* An error with no extended ack: the kernel's bare errno. */
static void
expect_bare(const struct nlmsghdr *h, uint32_t seq, int err)
{
	expect_err(h, seq, err);
	assert_int_equal(h->nlmsg_flags, NLM_F_CAPPED);
}

/* A request that, but for what the caller changes, would add f's net
 * through f's gateway. */
static struct nlmsghdr *
rq_gw(const struct fam *f, uint32_t seq, uint8_t rtype, uint8_t plen)
{
	struct nlmsghdr *nlh = rq(f, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, seq,
				  rtype, f->net, plen);

	put_addr(nlh, RTA_GATEWAY, f, f->gw);
	return nlh;
}

static void
test_same_errors(void **state)
{
	const uint32_t NEW = NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK;
	struct nlmsghdr *nlh;
	uint8_t other[16] = { 0 };
	char why[128];

	(void)state;
	assert_int_equal(ip6_port_up(0), 0);
	for (unsigned int i = 0; i < RTE_DIM(fams); i++) {
		const struct fam *f = &fams[i];
		const uint32_t s = 100 * (i + 1);

		print_message("%s\n", f->name);
		q_addr_of(f, s);
		q_send(true);
		one_err(s, 0);

		/* An address of the other family's size. */
		nlh = rq(f, RTM_NEWROUTE, NEW, s + 1, RTN_UNICAST, NULL, f->plen);
		mnl_attr_put(nlh, RTA_DST, f->alen == 4 ? 16 : 4, other);
		q_end(nlh);
		/* u32 attributes of other sizes. */
		nlh = rq(f, RTM_NEWROUTE, NEW, s + 2, RTN_UNICAST, f->net, f->plen);
		mnl_attr_put_u16(nlh, RTA_OIF, 1);
		q_end(nlh);
		nlh = rq(f, RTM_NEWROUTE, NEW, s + 3, RTN_UNICAST, f->net, f->plen);
		mnl_attr_put_u8(nlh, RTA_PRIORITY, 1);
		q_end(nlh);
		nlh = rq(f, RTM_NEWROUTE, NEW, s + 4, RTN_UNICAST, f->net, f->plen);
		mnl_attr_put_u16(nlh, RTA_TABLE, RT_TABLE_MAIN);
		q_end(nlh);
		/* Another table, by attribute or in the header. */
		nlh = rq_gw(f, s + 5, RTN_UNICAST, f->plen);
		mnl_attr_put_u32(nlh, RTA_TABLE, 100);
		q_end(nlh);
		nlh = rq_gw(f, s + 6, RTN_UNICAST, f->plen);
		rtm_of(nlh)->rtm_table = 100;
		q_end(nlh);
		/* Header fields out of range, types not taken. */
		q_end(rq_gw(f, s + 7, RTN_UNICAST, f->alen * 8 + 1));
		nlh = rq_gw(f, s + 8, RTN_UNICAST, f->plen);
		rtm_of(nlh)->rtm_src_len = 8;
		q_end(nlh);
		q_end(rq_gw(f, s + 9, RTN_MAX + 1, f->plen));
		q_end(rq_gw(f, s + 10, RTN_LOCAL, f->plen));
		/* What the request says that cannot be. */
		nlh = rq(f, RTM_NEWROUTE, NEW, s + 11, RTN_UNICAST, f->host_bits, f->plen);
		put_addr(nlh, RTA_GATEWAY, f, f->gw);
		q_end(nlh);
		nlh = rq(f, RTM_NEWROUTE, NEW, s + 12, RTN_BLACKHOLE, f->net, f->plen);
		put_addr(nlh, RTA_GATEWAY, f, f->gw);
		q_end(nlh);
		q_end(rq(f, RTM_NEWROUTE, NEW, s + 13, RTN_UNICAST, f->net, f->plen));
		nlh = rq(f, RTM_NEWROUTE, NEW, s + 14, RTN_UNICAST, f->net, f->plen);
		mnl_attr_put_u32(nlh, RTA_OIF, 9);
		q_end(nlh);
		/* route get: a host route or none, and an address. */
		q_end(rq(f, RTM_GETROUTE, 0, s + 15, 0, f->gw, 8));
		q_end(rq(f, RTM_GETROUTE, 0, s + 16, 0, NULL, 0));
		q_send(true);
		r_collect();
		assert_int_equal(nmsgs, 16);
		assert_int_equal(f->family == AF_INET ? route_count() : route6_count(), 1);
		expect_errmsg(msgs[0], s + 1, -EINVAL, f->size_msg);
		expect_errmsg(msgs[1], s + 2, -EINVAL, "attribute 4 is malformed");
		expect_errmsg(msgs[2], s + 3, -EINVAL, "attribute 6 is malformed");
		expect_errmsg(msgs[3], s + 4, -EINVAL, "attribute 15 is malformed");
		expect_bare(msgs[4], s + 5, -EOPNOTSUPP);
		expect_bare(msgs[5], s + 6, -EOPNOTSUPP);
		expect_bare(msgs[6], s + 7, -EINVAL);
		expect_bare(msgs[7], s + 8, -EINVAL);
		expect_bare(msgs[8], s + 9, -EINVAL);
		expect_bare(msgs[9], s + 10, -EOPNOTSUPP);
		snprintf(why, sizeof(why), "invalid prefix %s/%u: host bits set", f->host_bits,
			 f->plen);
		expect_errmsg(msgs[10], s + 11, -EINVAL, why);
		expect_errmsg(msgs[11], s + 12, -EINVAL, "a blackhole route has no gateway");
		expect_errmsg(msgs[12], s + 13, -EINVAL, "a route needs a gateway or a device");
		expect_errmsg(msgs[13], s + 14, -ENODEV, "no port with index 9");
		expect_bare(msgs[14], s + 15, -EINVAL);
		expect_bare(msgs[15], s + 16, -EINVAL);

		/* Unknown attributes are skipped, as the kernel does; a delete
		 * finds the route once; unreachable routes are IPv4's. */
		nlh = rq(f, RTM_NEWROUTE, NEW, s + 20, RTN_UNICAST, f->net, f->plen);
		mnl_attr_put_u32(nlh, RTA_OIF, 1);
		mnl_attr_put_u32(nlh, RTA_MAX + 3, 1);
		q_end(nlh);
		q_end(rq(f, RTM_DELROUTE, NLM_F_ACK, s + 21, RTN_UNSPEC, f->net, f->plen));
		q_end(rq(f, RTM_DELROUTE, NLM_F_ACK, s + 22, RTN_UNSPEC, f->net, f->plen));
		nlh = rq(f, RTM_NEWROUTE, NEW, s + 23, RTN_UNREACHABLE, f->net, f->plen);
		put_addr(nlh, RTA_GATEWAY, f, f->gw);
		q_end(nlh);
		q_end(rq(f, RTM_NEWROUTE, NEW, s + 24, RTN_UNREACHABLE, f->net, f->plen));
		q_send(true);
		r_collect();
		assert_int_equal(nmsgs, 5);
		expect_err(msgs[0], s + 20, 0);
		expect_err(msgs[1], s + 21, 0);
		expect_bare(msgs[2], s + 22, -ESRCH);
		if (f->family == AF_INET) {
			expect_errmsg(msgs[3], s + 23, -EINVAL, "an unreachable route has no gateway");
			expect_err(msgs[4], s + 24, 0);
		} else {
			expect_bare(msgs[3], s + 23, -EOPNOTSUPP);
			expect_bare(msgs[4], s + 24, -EOPNOTSUPP);
		}

		/* Without a metric: 0 for IPv4, 1024 for IPv6, as the kernel's
		 * (a stray IPv6 route stays under a connected one's 256). */
		q_end(rq_gw(f, s + 30, RTN_UNICAST, f->plen + 8));
		q_send(true);
		one_err(s + 30, 0);
		{
			uint8_t a[16];

			assert_int_equal(inet_pton(f->family, f->net, a), 1);
			if (f->family == AF_INET) {
				struct route r;
				uint32_t ip;

				memcpy(&ip, a, 4);
				assert_int_equal(route_get(rte_be_to_cpu_32(ip), &r), 0);
				assert_int_equal(r.metric, 0);
			} else {
				struct route6 r;

				assert_int_equal(route6_get(a, &r), 0);
				assert_int_equal(r.metric, SLUICE_IP6_METRIC_DEFAULT);
			}
		}
		q_end(rq(f, RTM_DELROUTE, NLM_F_ACK, s + 31, RTN_UNSPEC, f->net, f->plen + 8));
		q_send(true);
		one_err(s + 31, 0);
	}
	/* A family neither is. */
	q_end(rq(&fams[0], RTM_NEWROUTE, NLM_F_CREATE | NLM_F_ACK, 900, RTN_UNICAST, NULL, 0));
	((struct rtmsg *)mnl_nlmsg_get_payload((struct nlmsghdr *)qbuf))->rtm_family = AF_BRIDGE;
	q_send(true);
	r_collect();
	assert_int_equal(nmsgs, 1);
	expect_bare(msgs[0], 900, -EAFNOSUPPORT);
}

/* An add of f's net/plen through f's gateway with these flags. */
static struct nlmsghdr *
rq_via(const struct fam *f, uint16_t flags, uint32_t seq, uint8_t plen)
{
	struct nlmsghdr *nlh = rq(f, RTM_NEWROUTE, flags, seq, RTN_UNICAST, f->net, plen);

	put_addr(nlh, RTA_GATEWAY, f, f->gw);
	return nlh;
}

/* What rtnetlink's flags ask of an add, as the kernel answers them: an
 * absent IPv4 route needs NLM_F_CREATE (IPv6 creates without, as the
 * kernel's table does), NLM_F_REPLACE alone needs the route, and a
 * message that is not a request changes nothing and is only acked. */
static void
test_create_flags(void **state)
{
	const uint16_t ACK = NLM_F_ACK;
	struct nlmsghdr *nlh;

	(void)state;
	assert_int_equal(ip6_port_up(0), 0);
	for (unsigned int i = 0; i < RTE_DIM(fams); i++) {
		const struct fam *f = &fams[i];
		const uint32_t s = 100 * (i + 1);
		const bool v4 = f->family == AF_INET;
		unsigned int before;

		print_message("%s\n", f->name);
		q_addr_of(f, s);
		q_send(true);
		one_err(s, 0);
		before = v4 ? route_count() : route6_count();

		/* `ip route change` of an absent route, then no flags. */
		q_end(rq_via(f, NLM_F_REPLACE | ACK, s + 1, f->plen));
		q_end(rq_via(f, ACK, s + 2, f->plen));
		q_send(true);
		r_collect();
		assert_int_equal(nmsgs, 2);
		expect_bare(msgs[0], s + 1, -ENOENT);
		if (v4) {
			expect_bare(msgs[1], s + 2, -ENOENT);
			assert_int_equal(route_count(), before);
		} else {
			expect_err(msgs[1], s + 2, 0);
			assert_int_equal(route6_count(), before + 1);
			q_end(rq(f, RTM_DELROUTE, ACK, s + 3, RTN_UNSPEC, f->net, f->plen));
			q_send(true);
			one_err(s + 3, 0);
		}

		/* NLM_F_CREATE alone makes it; then, without NLM_F_REPLACE, the
		 * same prefix is a duplicate, and NLM_F_REPLACE alone changes it. */
		q_end(rq_via(f, NLM_F_CREATE | ACK, s + 4, f->plen));
		q_end(rq_via(f, ACK, s + 5, f->plen));
		nlh = rq(f, RTM_NEWROUTE, NLM_F_REPLACE | ACK, s + 6, RTN_BLACKHOLE, f->net,
			 f->plen);
		q_end(nlh);
		q_send(true);
		r_collect();
		assert_int_equal(nmsgs, 3);
		expect_err(msgs[0], s + 4, 0);
		expect_bare(msgs[1], s + 5, -EEXIST);
		expect_err(msgs[2], s + 6, 0);
		assert_int_equal(v4 ? route_count() : route6_count(), before + 1);

		/* Not requests: a delete that would succeed and an add of
		 * another prefix.  The first asks for an ack and gets 0, the
		 * second gets nothing; neither changes a table. */
		nlh = rq(f, RTM_DELROUTE, ACK, s + 7, RTN_UNSPEC, f->net, f->plen);
		nlh->nlmsg_flags &= (uint16_t)~NLM_F_REQUEST;
		q_end(nlh);
		nlh = rq_via(f, NLM_F_CREATE, s + 8, f->plen + 8);
		nlh->nlmsg_flags &= (uint16_t)~NLM_F_REQUEST;
		q_end(nlh);
		q_send(true);
		r_collect();
		assert_int_equal(nmsgs, 1);
		expect_err(msgs[0], s + 7, 0);
		assert_int_equal(v4 ? route_count() : route6_count(), before + 1);
		q_end(rq(f, RTM_DELROUTE, ACK, s + 9, RTN_UNSPEC, f->net, f->plen));
		q_send(true);
		one_err(s + 9, 0);
		assert_int_equal(v4 ? route_count() : route6_count(), before);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_same_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_flags, setup, teardown),
	};

	dpt_init("rt_nl");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
