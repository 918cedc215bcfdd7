/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control channel's handlers through ctl_process: links, addresses,
 * routes, neighbours and statistics, with kernel semantics and the exact
 * attributes of each reply.
 */
#include "ctl_test.h"
#include "neigh.h"
#include "route6.h"

/* ---- links ------------------------------------------------------------ */

static void
test_link_dump_fields(void **state)
{
	const struct nlattr *tb[IFLA_MAX + 1];
	const struct rtnl_link_stats64 *st;
	const struct ifinfomsg *ifi;
	const uint8_t mac[6] = { 2, 0, 0, 0, 0, 2 };

	(void)state;
	dp.counters[0].port[1].rx_packets = 5;
	dp.counters[0].port[1].rx_bytes = 500;
	dp.counters[3].port[1].rx_packets = 2;
	dp.counters[3].port[1].tx_packets = 7;
	dp.counters[3].port[1].tx_bytes = 700;
	dp.counters[3].port[1].tx_dropped = 1;
	dp.counters[0].port[1].rx_dropped = 3;
	ports[1].mtu = 9000;
	q_simple(RTM_GETLINK, NLM_F_DUMP, 40, &(struct ifinfomsg){ 0 }, sizeof(struct ifinfomsg));
	q_send(false);
	r_collect();
	assert_int_equal(nmsgs, 3);
	ifi = mnl_nlmsg_get_payload(msgs[1]);
	assert_int_equal(ifi->ifi_index, 2);
	assert_int_equal(ifi->ifi_type, ARPHRD_ETHER);
	assert_true(ifi->ifi_flags & IFF_UP);
	assert_false(ifi->ifi_flags & IFF_RUNNING);	/* no device, no carrier */
	attrs(msgs[1], sizeof(*ifi), tb, IFLA_MAX);
	assert_string_equal(mnl_attr_get_str(tb[IFLA_IFNAME]), "wan");
	assert_string_equal(mnl_attr_get_str(tb[IFLA_PARENT_DEV_NAME]), "test_wan");
	assert_int_equal(mnl_attr_get_u32(tb[IFLA_MTU]), 9000);
	assert_int_equal(mnl_attr_get_payload_len(tb[IFLA_ADDRESS]), 6);
	assert_memory_equal(mnl_attr_get_payload(tb[IFLA_ADDRESS]), mac, 6);
	assert_memory_equal(mnl_attr_get_payload(tb[IFLA_BROADCAST]), "\xff\xff\xff\xff\xff\xff", 6);
	assert_int_equal(mnl_attr_get_u8(tb[IFLA_OPERSTATE]), IF_OPER_DOWN);
	assert_int_equal(mnl_attr_get_payload_len(tb[IFLA_STATS64]), sizeof(*st));
	st = mnl_attr_get_payload(tb[IFLA_STATS64]);
	assert_int_equal(st->rx_packets, 7);
	assert_int_equal(st->rx_bytes, 500);
	assert_int_equal(st->rx_dropped, 3);
	assert_int_equal(st->tx_packets, 7);
	assert_int_equal(st->tx_bytes, 700);
	assert_int_equal(st->tx_dropped, 1);
	assert_int_equal(st->rx_errors, 0);
	/* The other port's counters are its own. */
	attrs(msgs[0], sizeof(*ifi), tb, IFLA_MAX);
	st = mnl_attr_get_payload(tb[IFLA_STATS64]);
	assert_int_equal(st->rx_packets, 0);
}

static void
test_link_change(void **state)
{
	struct ifinfomsg down = { .ifi_change = IFF_UP, .ifi_flags = 0 };
	struct nlmsghdr *nlh;

	(void)state;
	/* By name: admin down and a new MTU. */
	nlh = q_begin(RTM_NEWLINK, NLM_F_ACK, 50, &down, sizeof(down));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "lan");
	mnl_attr_put_u32(nlh, IFLA_MTU, 1400);
	q_end(nlh);
	/* By index: a change without IFF_UP in ifi_change leaves it alone. */
	nlh = q_begin(RTM_NEWLINK, NLM_F_ACK, 51,
		      &(struct ifinfomsg){ .ifi_index = 2, .ifi_change = IFF_PROMISC },
		      sizeof(struct ifinfomsg));
	q_end(nlh);
	/* Existing with EXCL, absent without CREATE, create without device. */
	nlh = q_begin(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, 52,
		      &(struct ifinfomsg){ 0 }, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "wan");
	mnl_attr_put_strz(nlh, IFLA_PARENT_DEV_NAME, "test_wan");
	q_end(nlh);
	nlh = q_begin(RTM_NEWLINK, NLM_F_ACK, 53, &(struct ifinfomsg){ 0 },
		      sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "dmz");
	q_end(nlh);
	nlh = q_begin(RTM_NEWLINK, NLM_F_CREATE | NLM_F_ACK, 54, &(struct ifinfomsg){ 0 },
		      sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "dmz");
	q_end(nlh);
	nlh = q_begin(RTM_DELLINK, NLM_F_ACK, 55, &(struct ifinfomsg){ 0 },
		      sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "dmz");
	q_end(nlh);
	q_send(true);
	r_collect();
	assert_int_equal(nmsgs, 6);
	expect_err(msgs[0], 50, 0);
	expect_err(msgs[1], 51, 0);
	expect_errmsg(msgs[2], 52, -EEXIST, "port \"wan\" exists");
	expect_errmsg(msgs[3], 53, -ENODEV, "no port \"dmz\"");
	expect_errmsg(msgs[4], 54, -EINVAL, "a new port needs a device (IFLA_PARENT_DEV_NAME)");
	expect_errmsg(msgs[5], 55, -ENODEV, "no port \"dmz\"");
	assert_false(ports[0].up);
	assert_int_equal(ports[0].mtu, 1400);
	assert_true(ports[1].up);

	q_simple(RTM_NEWLINK, NLM_F_ACK, 56,
		 &(struct ifinfomsg){ .ifi_index = 1, .ifi_change = IFF_UP, .ifi_flags = IFF_UP },
		 sizeof(struct ifinfomsg));
	q_send(true);
	one_err(56, 0);
	assert_true(ports[0].up);
}

/* A port that cannot be made says why, in the extended ack, with the errno
 * a missing or malformed device deserves (never EPERM or EFAULT). */
static void
test_link_create_errors(void **state)
{
	static const struct { const char *dev; int err; const char *why; } bad[] = {
		{ "x", -EINVAL, "no bus takes device \"x\" (a PCI address such as "
		  "0000:01:00.0, or a virtual device net_<driver><N>[,key=value...])" },
		{ "net_af_packet9,iface=nope", -ENODEV,
		  "no interface \"nope\" in the dataplane's network namespace" },
		{ "0000:99:00.0", -ENODEV, "no device 0000:99:00.0 (a PCI device must exist and "
		  "be bound to a DPDK driver such as vfio-pci)" },
		{ "test_wan", -EEXIST, "device \"test_wan\" is already port \"wan\"" },
	};
	struct nlmsghdr *nlh;

	(void)state;
	for (unsigned int i = 0; i < RTE_DIM(bad); i++) {
		nlh = q_begin(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, 60 + i,
			      &(struct ifinfomsg){ 0 }, sizeof(struct ifinfomsg));
		mnl_attr_put_strz(nlh, IFLA_IFNAME, "dmz");
		mnl_attr_put_strz(nlh, IFLA_PARENT_DEV_NAME, bad[i].dev);
		q_end(nlh);
	}
	/* An MTU out of range, and a multicast MAC. */
	nlh = q_begin(RTM_NEWLINK, NLM_F_ACK, 70, &(struct ifinfomsg){ .ifi_index = 1 },
		      sizeof(struct ifinfomsg));
	mnl_attr_put_u32(nlh, IFLA_MTU, 9001);
	q_end(nlh);
	nlh = q_begin(RTM_NEWLINK, NLM_F_CREATE | NLM_F_ACK, 71, &(struct ifinfomsg){ 0 },
		      sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "dmz");
	mnl_attr_put_strz(nlh, IFLA_PARENT_DEV_NAME, "net_null7");
	mnl_attr_put(nlh, IFLA_ADDRESS, 6, "\x01\x00\x5e\x00\x00\x01");
	q_end(nlh);
	q_send(true);
	r_collect();
	assert_int_equal(nmsgs, RTE_DIM(bad) + 2);
	for (unsigned int i = 0; i < RTE_DIM(bad); i++)
		expect_errmsg(msgs[i], 60 + i, bad[i].err, bad[i].why);
	expect_errmsg(msgs[RTE_DIM(bad)], 70, -EINVAL, "MTU 9001 out of range (68..9000)");
	expect_errmsg(msgs[RTE_DIM(bad) + 1], 71, -EADDRNOTAVAIL,
		      "a port's MAC address may be neither multicast nor zero");
	assert_int_equal(port_by_name("dmz"), -ENODEV);
}

/* ---- addresses and routes --------------------------------------------- */

static void
test_addr_add_dump_del(void **state)
{
	const struct nlattr *tb[IFA_MAX + 1];
	const struct ifaddrmsg *ifa;

	(void)state;
	q_addr(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, 60, 1, "192.168.1.1", 24);
	q_addr(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, 61, 1, "192.168.1.1", 24);
	q_addr(RTM_NEWADDR, NLM_F_CREATE | NLM_F_ACK, 62, 7, "192.168.7.1", 24);
	q_addr(RTM_DELADDR, NLM_F_ACK, 63, 2, "192.168.9.1", 24);
	q_addr(RTM_NEWADDR, NLM_F_CREATE | NLM_F_ACK, 64, 1, "192.168.1.1", 33);
	q_simple(RTM_GETADDR, NLM_F_DUMP, 65, &(struct ifaddrmsg){ .ifa_family = AF_INET },
		 sizeof(struct ifaddrmsg));
	q_send(true);
	r_collect();
	assert_int_equal(nmsgs, 7);
	expect_err(msgs[0], 60, 0);
	expect_err(msgs[1], 61, -EEXIST);
	expect_err(msgs[2], 62, -ENODEV);
	expect_err(msgs[3], 63, -ENOENT);
	expect_err(msgs[4], 64, -EINVAL);
	assert_int_equal(msgs[5]->nlmsg_type, RTM_NEWADDR);
	ifa = mnl_nlmsg_get_payload(msgs[5]);
	assert_int_equal(ifa->ifa_prefixlen, 24);
	assert_int_equal(ifa->ifa_index, 1);
	attrs(msgs[5], sizeof(*ifa), tb, IFA_MAX);
	assert_int_equal(mnl_attr_get_u32(tb[IFA_LOCAL]), be("192.168.1.1"));
	assert_int_equal(mnl_attr_get_u32(tb[IFA_ADDRESS]), be("192.168.1.1"));
	assert_string_equal(mnl_attr_get_str(tb[IFA_LABEL]), "lan");
	assert_int_equal(msgs[6]->nlmsg_type, NLMSG_DONE);
	assert_true(addr_on_port(addrs_get(), 0, dpt_ip("192.168.1.1")));

	q_addr(RTM_DELADDR, NLM_F_ACK, 66, 1, "192.168.1.1", 24);
	q_send(true);
	one_err(66, 0);
	assert_int_equal(addrs_get()->n, 0);
}

static void
test_route_errors(void **state)
{
	(void)state;
	q_addr(RTM_NEWADDR, NLM_F_CREATE | NLM_F_ACK, 70, 1, "192.168.1.1", 24);
	q_route(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, 71, "10.20.0.0", 16,
		"192.168.1.254", 0, RTN_UNICAST, SLUICE_RTPROT_CLI);
	q_route(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, 72, "10.20.0.0", 16,
		"192.168.1.254", 0, RTN_UNICAST, SLUICE_RTPROT_CLI);
	q_route(RTM_DELROUTE, NLM_F_ACK, 73, "10.30.0.0", 16, NULL, 0, RTN_UNSPEC, 0);
	q_route(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_ACK, 74, "10.40.0.0", 16,
		"172.16.0.1", 0, RTN_UNICAST, SLUICE_RTPROT_CLI);
	q_route(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_ACK, 75, "10.20.1.0", 16,
		"192.168.1.254", 0, RTN_UNICAST, SLUICE_RTPROT_CLI);	/* host bits */
	q_route(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_ACK, 76, "10.50.0.0", 16,
		NULL, 9, RTN_UNICAST, SLUICE_RTPROT_CLI);		/* no such port */
	q_route(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_ACK, 77, "10.60.0.0", 16,
		"192.168.1.254", 0, RTN_LOCAL, SLUICE_RTPROT_CLI);
	q_route(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_ACK, 78, NULL, 0,
		NULL, 0, RTN_BLACKHOLE, SLUICE_RTPROT_CLI);
	q_send(true);
	r_collect();
	assert_int_equal(nmsgs, 9);
	expect_err(msgs[0], 70, 0);
	expect_err(msgs[1], 71, 0);
	expect_err(msgs[2], 72, -EEXIST);
	expect_err(msgs[3], 73, -ESRCH);
	expect_err(msgs[4], 74, -ENETUNREACH);
	expect_err(msgs[5], 75, -EINVAL);
	expect_err(msgs[6], 76, -ENODEV);
	expect_err(msgs[7], 77, -EOPNOTSUPP);
	expect_err(msgs[8], 78, 0);
	assert_int_equal(route_count(), 3);	/* connected, 10.20/16, default */

	/* Delete matches on what it names: the wrong protocol spares it. */
	q_route(RTM_DELROUTE, NLM_F_ACK, 79, "10.20.0.0", 16, NULL, 0, RTN_UNSPEC,
		SLUICE_RTPROT_CONFIG);
	q_route(RTM_DELROUTE, NLM_F_ACK, 80, "10.20.0.0", 16, "192.168.1.254", 0, RTN_UNICAST,
		SLUICE_RTPROT_CLI);
	q_send(true);
	r_collect();
	assert_int_equal(nmsgs, 2);
	expect_err(msgs[0], 79, -ESRCH);
	expect_err(msgs[1], 80, 0);
	assert_int_equal(route_count(), 2);
}

static void
test_route_add_then_get(void **state)
{
	const struct nlattr *tb[RTA_MAX + 1];
	const struct rtmsg *rtm;
	bool seen = false;

	(void)state;
	q_addr(RTM_NEWADDR, NLM_F_CREATE | NLM_F_ACK, 90, 1, "192.168.1.1", 24);
	q_route(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_ACK, 91, "10.20.0.0", 16,
		"192.168.1.254", 0, RTN_UNICAST, SLUICE_RTPROT_CLI);
	q_route(RTM_GETROUTE, 0, 92, "10.20.3.4", 32, NULL, 0, 0, 0);
	q_route(RTM_GETROUTE, 0, 93, "192.168.1.1", 32, NULL, 0, 0, 0);
	q_route(RTM_GETROUTE, 0, 94, "8.8.8.8", 32, NULL, 0, 0, 0);
	q_simple(RTM_GETROUTE, NLM_F_DUMP, 95, &(struct rtmsg){ .rtm_family = AF_INET },
		 sizeof(struct rtmsg));
	q_send(true);
	r_collect();
	expect_err(msgs[0], 90, 0);
	expect_err(msgs[1], 91, 0);

	assert_int_equal(msgs[2]->nlmsg_type, RTM_NEWROUTE);
	assert_int_equal(msgs[2]->nlmsg_seq, 92);
	rtm = mnl_nlmsg_get_payload(msgs[2]);
	assert_int_equal(rtm->rtm_dst_len, 32);
	assert_int_equal(rtm->rtm_type, RTN_UNICAST);
	assert_int_equal(rtm->rtm_protocol, SLUICE_RTPROT_CLI);
	attrs(msgs[2], sizeof(*rtm), tb, RTA_MAX);
	assert_int_equal(mnl_attr_get_u32(tb[RTA_DST]), be("10.20.3.4"));
	assert_int_equal(mnl_attr_get_u32(tb[RTA_GATEWAY]), be("192.168.1.254"));
	assert_int_equal(mnl_attr_get_u32(tb[RTA_OIF]), 1);
	assert_int_equal(mnl_attr_get_u32(tb[RTA_PREFSRC]), be("192.168.1.1"));

	rtm = mnl_nlmsg_get_payload(msgs[3]);
	assert_int_equal(msgs[3]->nlmsg_seq, 93);
	assert_int_equal(rtm->rtm_type, RTN_LOCAL);
	expect_err(msgs[4], 94, -ENETUNREACH);

	/* The dump: the connected route and ours, then DONE. */
	assert_int_equal(nmsgs, 5 + 2 + 1);
	for (int i = 5; i < 7; i++) {
		assert_int_equal(msgs[i]->nlmsg_type, RTM_NEWROUTE);
		assert_int_equal(msgs[i]->nlmsg_flags, NLM_F_MULTI);
		rtm = mnl_nlmsg_get_payload(msgs[i]);
		attrs(msgs[i], sizeof(*rtm), tb, RTA_MAX);
		assert_int_equal(mnl_attr_get_u32(tb[RTA_TABLE]), RT_TABLE_MAIN);
		if (rtm->rtm_dst_len == 16) {
			assert_int_equal(mnl_attr_get_u32(tb[RTA_DST]), be("10.20.0.0"));
			assert_int_equal(mnl_attr_get_u32(tb[RTA_GATEWAY]), be("192.168.1.254"));
			assert_int_equal(mnl_attr_get_u32(tb[RTA_PRIORITY]), 0);
			assert_int_equal(rtm->rtm_protocol, SLUICE_RTPROT_CLI);
			assert_int_equal(rtm->rtm_scope, RT_SCOPE_UNIVERSE);
			seen = true;
		} else {
			assert_int_equal(rtm->rtm_dst_len, 24);
			assert_int_equal(rtm->rtm_protocol, SLUICE_RTPROT_CONNECTED);
			assert_int_equal(rtm->rtm_scope, RT_SCOPE_LINK);
			assert_int_equal(mnl_attr_get_u32(tb[RTA_PREFSRC]), be("192.168.1.1"));
			assert_null(tb[RTA_GATEWAY]);
		}
	}
	assert_true(seen);
	assert_int_equal(msgs[7]->nlmsg_type, NLMSG_DONE);
}

/* route get answers what the fast path does before any route: 0/8 and
 * 127/8 are martians, never routed; the limited broadcast and multicast
 * are not forwarded (broadcast, multicast, no port), the default route
 * notwithstanding. */
static void
test_route_get_unrouted(void **state)
{
	const struct nlattr *tb[RTA_MAX + 1];
	const char *ask[] = { "127.0.0.5", "0.0.0.7", "255.255.255.255", "224.0.0.5" };
	const struct rtmsg *rtm;

	(void)state;
	q_addr(RTM_NEWADDR, NLM_F_CREATE | NLM_F_ACK, 100, 1, "192.168.1.1", 24);
	q_route(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_ACK, 101, "0.0.0.0", 0, "192.168.1.254", 0,
		RTN_UNICAST, SLUICE_RTPROT_CLI);
	for (int i = 0; i < 4; i++)
		q_route(RTM_GETROUTE, 0, 102 + i, ask[i], 32, NULL, 0, 0, 0);
	q_send(true);
	r_collect();
	assert_int_equal(nmsgs, 6);
	expect_err(msgs[1], 101, 0);
	expect_errmsg(msgs[2], 102, -EINVAL,
		      "127.0.0.5 is a martian destination: never routed (martian_destination)");
	expect_err(msgs[3], 103, -EINVAL);
	for (int i = 4; i < 6; i++) {
		assert_int_equal(msgs[i]->nlmsg_type, RTM_NEWROUTE);
		rtm = mnl_nlmsg_get_payload(msgs[i]);
		assert_int_equal(rtm->rtm_type, i == 4 ? RTN_BROADCAST : RTN_MULTICAST);
		attrs(msgs[i], sizeof(*rtm), tb, RTA_MAX);
		assert_null(tb[RTA_OIF]);
		assert_null(tb[RTA_GATEWAY]);
		assert_int_equal(mnl_attr_get_u32(tb[RTA_DST]), be(ask[i - 2]));
	}
}

/* ---- stats ------------------------------------------------------------ */

static int
stats_nest_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **kv = data;

	if (mnl_attr_get_type(a) == SLUICE_STATSA_NAME)
		kv[0] = a;
	else if (mnl_attr_get_type(a) == SLUICE_STATSA_VALUE)
		kv[1] = a;
	return MNL_CB_OK;
}

static int
stats_worker_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	uint16_t t = mnl_attr_get_type(a);

	if (t == SLUICE_STATSA_LCORE)
		assert_int_equal(mnl_attr_validate(a, MNL_TYPE_U32), 0);
	else
		assert_int_equal(mnl_attr_validate(a, MNL_TYPE_U64), 0);
	assert_true(t <= SLUICE_STATSA_MAX);
	tb[t] = a;
	return MNL_CB_OK;
}

static void
test_stats(void **state)
{
	const struct nlattr *a;
	unsigned int drops = 0, pool = 0, ctl = 0, routes = 0, workers = 0, host = 0;

	(void)state;
	dp.counters[0].drop[DROP_NO_ROUTE] = 4;
	dp.counters[2].drop[DROP_NO_ROUTE] = 3;
	dp.counters[dp.workers[0].lcore].polls = 9;
	dp.counters[dp.workers[0].lcore].busy_polls = 4;
	q_simple(SLUICE_GETSTATS, 0, 110, &(struct sluicemsg){ .sm_family = AF_INET },
		 sizeof(struct sluicemsg));
	q_send(false);
	r_collect();
	assert_int_equal(nmsgs, 1);
	assert_int_equal(msgs[0]->nlmsg_type, SLUICE_GETSTATS);
	assert_int_equal(msgs[0]->nlmsg_seq, 110);
	mnl_attr_for_each(a, msgs[0], sizeof(struct sluicemsg)) {
		const struct nlattr *kv[2] = { NULL, NULL };
		const char *name;
		uint64_t v;

		if (mnl_attr_get_type(a) == SLUICE_STATSA_WORKER) {
			/* The one worker: its lcore, polls and busy polls. */
			struct nlattr *tb[SLUICE_STATSA_MAX + 1] = { NULL };

			assert_int_equal(mnl_attr_parse_nested(a, stats_worker_cb, tb), MNL_CB_OK);
			assert_int_equal(mnl_attr_get_u32(tb[SLUICE_STATSA_LCORE]), dp.workers[0].lcore);
			assert_int_equal(mnl_attr_get_u64(tb[SLUICE_STATSA_POLLS]), 9);
			assert_int_equal(mnl_attr_get_u64(tb[SLUICE_STATSA_BUSY_POLLS]), 4);
			workers++;
			continue;
		}
		assert_int_equal(mnl_attr_parse_nested(a, stats_nest_cb, kv), MNL_CB_OK);
		assert_non_null(kv[0]);
		assert_non_null(kv[1]);
		assert_int_equal(mnl_attr_get_payload_len(kv[1]), 8);
		name = mnl_attr_get_str(kv[0]);
		v = mnl_attr_get_u64(kv[1]);
		if (mnl_attr_get_type(a) == SLUICE_STATSA_DROP) {
			/* The reasons, then what the devices lost (none here:
			 * the test ports have no device), then the copies
			 * capture could not make. */
			static const char *const dev[] = { "device_rx_missed", "device_rx_errors",
							   "device_rx_dropped", "device_tx_errors",
							   "device_tx_dropped",
							   "capture_drops" };

			assert_string_equal(name, drops < DROP__MAX ? drop_names[drops] :
					    dev[drops - DROP__MAX]);
			assert_int_equal(v, drops == DROP_NO_ROUTE ? 7 : 0);
			drops++;
		} else if (mnl_attr_get_type(a) == SLUICE_STATSA_POOL) {
			if (strcmp(name, "size") == 0)
				assert_int_equal(v, dp.pool->size);
			else if (strcmp(name, "in_use") == 0)
				assert_int_equal(v, dpt_mbufs_in_use());
			else if (strcmp(name, "kept_by_closed_ports") == 0)
				assert_int_equal(v, 0);	/* no af_xdp port here */
			else
				assert_string_equal(name, "available");
			pool++;
		} else if (mnl_attr_get_type(a) == SLUICE_STATSA_CTL) {
			/* No server here: no clients, none dropped or refused. */
			assert_true(strcmp(name, "clients") == 0 ||
				    strcmp(name, "clients_dropped") == 0 ||
				    strcmp(name, "clients_refused") == 0 ||
				    strcmp(name, "captures") == 0 || strcmp(name, "traces") == 0);
			assert_int_equal(v, 0);
			ctl++;
		} else if (mnl_attr_get_type(a) == SLUICE_STATSA_ROUTES) {
			/* One count a family, in this order. */
			assert_string_equal(name, routes == 0 ? "inet" : "inet6");
			assert_int_equal(v, routes == 0 ? route_count() : route6_count());
			routes++;
		} else if (mnl_attr_get_type(a) == SLUICE_STATSA_HOST) {
			/* No host interface: nothing punted or sent. */
			assert_int_equal(v, 0);
			host++;
		} else {
			assert_int_equal(mnl_attr_get_type(a), SLUICE_STATSA_NAT);
		}
	}
	assert_int_equal(drops, DROP__MAX + 6);
	assert_int_equal(pool, 4);
	assert_int_equal(ctl, 5);
	assert_int_equal(routes, 2);
	assert_int_equal(workers, 1);
	assert_int_equal(host, 7);
}

/* ---- neighbours ------------------------------------------------------- */

static void
q_neigh(uint16_t type, uint16_t flags, uint32_t seq, int ifindex, const char *ip,
	const void *mac, size_t maclen, uint16_t state)
{
	struct ndmsg ndm = { .ndm_family = AF_INET, .ndm_ifindex = ifindex, .ndm_state = state };
	struct nlmsghdr *nlh = q_begin(type, flags, seq, &ndm, sizeof(ndm));

	if (ip != NULL)
		mnl_attr_put_u32(nlh, NDA_DST, be(ip));
	if (mac != NULL)
		mnl_attr_put(nlh, NDA_LLADDR, maclen, mac);
	q_end(nlh);
}

static const uint8_t mac50[6] = { 2, 0, 0, 0, 0, 0x50 };
static const uint8_t mac51[6] = { 2, 0, 0, 0, 0, 0x51 };
static const uint8_t mac_gw[6] = { 2, 0, 0, 0, 0, 0xfe };

/* One neighbour message: its port, state, address and MAC. */
static void
expect_neigh(const struct nlmsghdr *h, uint32_t seq, int ifindex, uint16_t state,
	     const char *ip, const uint8_t *mac)
{
	const struct ndmsg *ndm = mnl_nlmsg_get_payload(h);
	const struct nlattr *tb[NDA_MAX + 1];

	assert_int_equal(h->nlmsg_type, RTM_NEWNEIGH);
	assert_int_equal(h->nlmsg_seq, seq);
	assert_int_equal(ndm->ndm_family, AF_INET);
	assert_int_equal(ndm->ndm_ifindex, ifindex);
	assert_int_equal(ndm->ndm_state, state);
	attrs(h, sizeof(*ndm), tb, NDA_MAX);
	assert_int_equal(mnl_attr_get_u32(tb[NDA_DST]), be(ip));
	assert_int_equal(mnl_attr_get_payload_len(tb[NDA_LLADDR]), 6);
	assert_memory_equal(mnl_attr_get_payload(tb[NDA_LLADDR]), mac, 6);
}

static void
test_neigh_add_dump(void **state)
{
	const uint16_t create = NLM_F_CREATE | NLM_F_ACK;

	(void)state;
	q_neigh(RTM_NEWNEIGH, create | NLM_F_EXCL, 120, 1, "192.168.1.50", mac50, 6, NUD_PERMANENT);
	q_neigh(RTM_NEWNEIGH, create | NLM_F_EXCL, 121, 1, "192.168.1.50", mac51, 6, NUD_PERMANENT);
	q_neigh(RTM_NEWNEIGH, create | NLM_F_REPLACE, 122, 1, "192.168.1.50", mac51, 6,
		NUD_PERMANENT);
	q_neigh(RTM_NEWNEIGH, create, 123, 2, "203.0.113.1", mac_gw, 6, NUD_REACHABLE);
	q_neigh(RTM_NEWNEIGH, create, 124, 1, "192.168.1.60", NULL, 0, NUD_PERMANENT);
	q_neigh(RTM_NEWNEIGH, create, 125, 1, "192.168.1.60", mac50, 4, NUD_PERMANENT);
	q_neigh(RTM_NEWNEIGH, create, 126, 9, "192.168.1.60", mac50, 6, NUD_PERMANENT);
	q_neigh(RTM_NEWNEIGH, create, 127, 1, "192.168.1.60", "\x01\x00\x5e\x00\x00\x01", 6,
		NUD_PERMANENT);
	q_simple(RTM_GETNEIGH, NLM_F_DUMP, 128, &(struct ndmsg){ .ndm_family = AF_INET },
		 sizeof(struct ndmsg));
	q_simple(RTM_GETNEIGH, NLM_F_DUMP, 129, &(struct ndmsg){ .ndm_ifindex = 2 },
		 sizeof(struct ndmsg));
	q_send(true);
	r_collect();
	assert_int_equal(ndgrams, 1);
	assert_int_equal(nmsgs, 8 + 3 + 2);
	expect_err(msgs[0], 120, 0);
	expect_err(msgs[1], 121, -EEXIST);
	expect_err(msgs[2], 122, 0);
	expect_err(msgs[3], 123, 0);
	expect_errmsg(msgs[4], 124, -EINVAL, "a neighbour needs an address, a lladdr and a port");
	expect_errmsg(msgs[5], 125, -EINVAL, "lladdr has 4 bytes: an Ethernet MAC has 6");
	expect_errmsg(msgs[6], 126, -ENODEV, "no port with index 9");
	expect_errmsg(msgs[7], 127, -EINVAL,
		      "lladdr 01:00:5e:00:00:01 is multicast: no neighbour has it");
	expect_neigh(msgs[8], 128, 1, NUD_PERMANENT, "192.168.1.50", mac51);
	assert_int_equal(msgs[8]->nlmsg_flags, NLM_F_MULTI);
	expect_neigh(msgs[9], 128, 2, NUD_REACHABLE, "203.0.113.1", mac_gw);
	assert_int_equal(msgs[10]->nlmsg_type, NLMSG_DONE);
	expect_neigh(msgs[11], 129, 2, NUD_REACHABLE, "203.0.113.1", mac_gw);
	assert_int_equal(msgs[12]->nlmsg_type, NLMSG_DONE);
	assert_int_equal(msgs[12]->nlmsg_seq, 129);
}

static void
test_neigh_del_flush(void **state)
{
	(void)state;
	q_neigh(RTM_NEWNEIGH, NLM_F_CREATE, 130, 1, "192.168.1.50", mac50, 6, NUD_PERMANENT);
	q_neigh(RTM_NEWNEIGH, NLM_F_CREATE, 131, 1, "192.168.1.51", mac51, 6, NUD_REACHABLE);
	q_neigh(RTM_NEWNEIGH, NLM_F_CREATE, 132, 2, "203.0.113.1", mac_gw, 6, NUD_REACHABLE);
	/* Flush of one port: its learned entries only. */
	q_neigh(RTM_DELNEIGH, NLM_F_ACK, 133, 1, NULL, NULL, 0, 0);
	q_simple(RTM_GETNEIGH, NLM_F_DUMP, 134, &(struct ndmsg){ 0 }, sizeof(struct ndmsg));
	q_send(true);
	r_collect();
	assert_int_equal(nmsgs, 1 + 2 + 1);
	expect_err(msgs[0], 133, 0);
	expect_neigh(msgs[1], 134, 1, NUD_PERMANENT, "192.168.1.50", mac50);
	expect_neigh(msgs[2], 134, 2, NUD_REACHABLE, "203.0.113.1", mac_gw);

	/* Flush of every port, then deletes by address. */
	q_neigh(RTM_DELNEIGH, NLM_F_ACK, 135, 0, NULL, NULL, 0, 0);
	q_neigh(RTM_DELNEIGH, NLM_F_ACK, 136, 1, "192.168.1.50", NULL, 0, 0);
	q_neigh(RTM_DELNEIGH, NLM_F_ACK, 137, 1, "192.168.1.50", NULL, 0, 0);
	q_neigh(RTM_DELNEIGH, NLM_F_ACK, 138, 7, NULL, NULL, 0, 0);
	q_simple(RTM_GETNEIGH, NLM_F_DUMP, 139, &(struct ndmsg){ 0 }, sizeof(struct ndmsg));
	q_send(true);
	r_collect();
	assert_int_equal(nmsgs, 5);
	expect_err(msgs[0], 135, 0);
	expect_err(msgs[1], 136, 0);
	expect_err(msgs[2], 137, -ENOENT);
	expect_err(msgs[3], 138, -ENODEV);
	assert_int_equal(msgs[4]->nlmsg_type, NLMSG_DONE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_link_dump_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_create_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_addr_add_dump_del, setup, teardown),
		cmocka_unit_test_setup_teardown(test_route_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_route_add_then_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_route_get_unrouted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stats, setup, teardown),
		cmocka_unit_test_setup_teardown(test_neigh_add_dump, setup, teardown),
		cmocka_unit_test_setup_teardown(test_neigh_del_flush, setup, teardown),
	};

	dpt_init("control_nl");
	return cmocka_run_group_tests(tests, NULL, NULL);
}

