/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control channel: framing and validation of what clients send, reply
 * semantics (acks, errors, dumps, packing), the server socket (oversized
 * datagrams, permissions, SO_PEERCRED), and the link/addr/route/stats
 * handlers end to end through ctl_process.
 *
 * Requests are built with libmnl into one datagram and handed to
 * ctl_process on one end of a seqpacket socketpair; the replies are read
 * from the other end and checked message by message.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/if.h>
#include <net/if_arp.h>

#include "dp_test.h"
#include "control.h"
#include "route.h"

static int sp[2];

/* ---- requests --------------------------------------------------------- */

static char qbuf[2 * SLUICE_MSG_MAX];
static size_t qlen;

static struct nlmsghdr *
q_begin(uint16_t type, uint16_t flags, uint32_t seq, const void *fam, size_t famlen)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(qbuf + qlen);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = 4242;
	if (famlen > 0)
		memcpy(mnl_nlmsg_put_extra_header(nlh, famlen), fam, famlen);
	return nlh;
}

static void
q_end(struct nlmsghdr *nlh)
{
	qlen += NLMSG_ALIGN(nlh->nlmsg_len);
}

static void
q_send(bool privileged)
{
	ctl_process(sp[0], qbuf, qlen, privileged);
	qlen = 0;
}

static void
q_simple(uint16_t type, uint16_t flags, uint32_t seq, const void *fam, size_t famlen)
{
	q_end(q_begin(type, flags, seq, fam, famlen));
}

static uint32_t
be(const char *ip)
{
	return htonl(dpt_ip(ip));
}

static void
q_route(uint16_t type, uint16_t flags, uint32_t seq, const char *dst, uint8_t plen,
	const char *gw, uint32_t oif, uint8_t rtype, uint8_t proto)
{
	struct rtmsg rtm = {
		.rtm_family = AF_INET, .rtm_dst_len = plen, .rtm_table = RT_TABLE_MAIN,
		.rtm_protocol = proto, .rtm_type = rtype,
	};
	struct nlmsghdr *nlh = q_begin(type, flags, seq, &rtm, sizeof(rtm));

	if (dst != NULL)
		mnl_attr_put_u32(nlh, RTA_DST, be(dst));
	if (gw != NULL)
		mnl_attr_put_u32(nlh, RTA_GATEWAY, be(gw));
	if (oif != 0)
		mnl_attr_put_u32(nlh, RTA_OIF, oif);
	q_end(nlh);
}

static void
q_addr(uint16_t type, uint16_t flags, uint32_t seq, uint32_t ifindex, const char *ip,
       uint8_t plen)
{
	struct ifaddrmsg ifa = {
		.ifa_family = AF_INET, .ifa_prefixlen = plen, .ifa_index = ifindex,
	};
	struct nlmsghdr *nlh = q_begin(type, flags, seq, &ifa, sizeof(ifa));

	mnl_attr_put_u32(nlh, IFA_LOCAL, be(ip));
	mnl_attr_put_u32(nlh, IFA_ADDRESS, be(ip));
	q_end(nlh);
}

/* ---- replies ---------------------------------------------------------- */

static char rx[1 << 20];
static const struct nlmsghdr *msgs[16384];
static int nmsgs, ndgrams;

/* Read every datagram waiting; each must be whole netlink messages. */
static void
r_collect(void)
{
	size_t off = 0;

	nmsgs = ndgrams = 0;
	for (;;) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)(rx + off);
		ssize_t n = recv(sp[1], rx + off, SLUICE_MSG_MAX, MSG_DONTWAIT);
		int rem;

		if (n < 0) {
			assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
			return;
		}
		assert_true(n > 0 && n <= SLUICE_MSG_MAX);
		ndgrams++;
		for (rem = (int)n; mnl_nlmsg_ok(h, rem); h = mnl_nlmsg_next(h, &rem)) {
			assert_true(nmsgs < (int)RTE_DIM(msgs));
			msgs[nmsgs++] = h;
		}
		assert_int_equal(rem, 0);
		off += n;
		assert_true(off + SLUICE_MSG_MAX <= sizeof(rx));
	}
}

static void
expect_err(const struct nlmsghdr *h, uint32_t seq, int err)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(h);

	assert_int_equal(h->nlmsg_type, NLMSG_ERROR);
	assert_int_equal(h->nlmsg_len, NLMSG_HDRLEN + sizeof(struct nlmsgerr));
	assert_int_equal(h->nlmsg_seq, seq);
	assert_int_equal(e->error, err);
	assert_int_equal(e->msg.nlmsg_seq, seq);
}

/* Exactly one reply: an NLMSG_ERROR with err. */
static void
one_err(uint32_t seq, int err)
{
	r_collect();
	assert_int_equal(ndgrams, 1);
	assert_int_equal(nmsgs, 1);
	expect_err(msgs[0], seq, err);
}

static void
no_reply(void)
{
	r_collect();
	assert_int_equal(ndgrams, 0);
}

struct tb {
	const struct nlattr **tb;
	int max;
};

static int
tb_cb(const struct nlattr *a, void *data)
{
	struct tb *t = data;

	if (mnl_attr_get_type(a) <= t->max)
		t->tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static void
attrs(const struct nlmsghdr *h, size_t famlen, const struct nlattr **tb, int max)
{
	struct tb t = { tb, max };

	memset(tb, 0, sizeof(*tb) * (max + 1));
	assert_int_equal(mnl_attr_parse(h, famlen, tb_cb, &t), MNL_CB_OK);
}

/* ---- fixtures --------------------------------------------------------- */

static int
setup(void **state)
{
	(void)state;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp) != 0)
		return -1;
	qlen = 0;
	dpt_port(0, "lan", "02:00:00:00:00:01", 1500);
	dpt_port(1, "wan", "02:00:00:00:00:02", 1500);
	return 0;
}

static struct route leftover[64];
static unsigned int nleftover;

static int
collect_route(const struct route *r, void *arg)
{
	(void)arg;
	if (nleftover < RTE_DIM(leftover))
		leftover[nleftover++] = *r;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	/* Routes without a port (blackholes) outlive the ports. */
	nleftover = 0;
	route_walk(collect_route, NULL);
	for (unsigned int i = 0; i < nleftover; i++)
		route_del(&leftover[i], &(struct route_match){ .type = true });
	close(sp[0]);
	close(sp[1]);
	for (uint16_t i = 0; i < DP_MAX_PORTS; i++)
		if (ports[i].used)
			dpt_port_remove(i);
	memset(dp.counters, 0, sizeof(*dp.counters) * RTE_MAX_LCORE);
	route_sync();
	/* Gratuitous ARPs that address changes sent. */
	{
		struct rte_mbuf *m[64];
		unsigned int n;

		while ((n = dpt_sent(m, RTE_DIM(m))) > 0)
			rte_pktmbuf_free_bulk(m, n);
	}
	return 0;
}

/* ---- framing ---------------------------------------------------------- */

static void
test_truncated_header(void **state)
{
	struct nlmsghdr h = { .nlmsg_len = 16, .nlmsg_type = RTM_GETLINK, .nlmsg_seq = 9 };

	(void)state;
	/* 8 bytes: len, type, flags but no seq: the copy has what there was. */
	ctl_process(sp[0], (const char *)&h, 8, true);
	r_collect();
	assert_int_equal(nmsgs, 1);
	expect_err(msgs[0], 0, -EINVAL);
	assert_int_equal(((const struct nlmsgerr *)mnl_nlmsg_get_payload(msgs[0]))->msg.nlmsg_type,
			 RTM_GETLINK);
	ctl_process(sp[0], (const char *)&h, 0, true);
	one_err(0, -EINVAL);
}

static void
test_nlmsg_len_past_datagram(void **state)
{
	struct ifinfomsg ifi = { 0 };
	struct nlmsghdr *nlh;

	(void)state;
	q_simple(NLMSG_NOOP, NLM_F_ACK, 1, NULL, 0);
	nlh = q_begin(RTM_GETLINK, 0, 2, &ifi, sizeof(ifi));
	q_end(nlh);
	nlh->nlmsg_len += 64;		/* claims more than was sent */
	q_simple(NLMSG_NOOP, NLM_F_ACK, 3, NULL, 0);
	q_send(true);
	/* The first is answered, the bad one refused, and nothing after it
	 * can be framed. */
	r_collect();
	assert_int_equal(ndgrams, 1);
	assert_int_equal(nmsgs, 2);
	expect_err(msgs[0], 1, 0);
	expect_err(msgs[1], 2, -EINVAL);

	nlh = q_begin(RTM_GETLINK, 0, 4, &ifi, sizeof(ifi));
	q_end(nlh);
	nlh->nlmsg_len = 8;		/* shorter than its own header */
	q_send(true);
	one_err(4, -EINVAL);
}

static void
test_attr_past_end(void **state)
{
	struct rtmsg rtm = { .rtm_family = AF_INET, .rtm_dst_len = 8, .rtm_type = RTN_UNICAST };
	struct nlmsghdr *nlh;
	struct nlattr *a;

	(void)state;
	nlh = q_begin(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_ACK, 5, &rtm, sizeof(rtm));
	mnl_attr_put_u32(nlh, RTA_DST, be("10.0.0.0"));
	a = (struct nlattr *)mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put_u32(nlh, RTA_OIF, 1);
	a->nla_len = 64;		/* runs past the message */
	q_end(nlh);
	q_send(true);
	one_err(5, -EINVAL);

	nlh = q_begin(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_ACK, 6, &rtm, sizeof(rtm));
	a = (struct nlattr *)mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put_u32(nlh, RTA_OIF, 1);
	a->nla_len = 2;			/* shorter than an attribute header */
	q_end(nlh);
	q_send(true);
	one_err(6, -EINVAL);

	/* Two stray bytes after the last attribute. */
	nlh = q_begin(RTM_GETLINK, 0, 7, &(struct ifinfomsg){ .ifi_index = 1 },
		      sizeof(struct ifinfomsg));
	nlh->nlmsg_len += 2;
	q_end(nlh);
	q_send(true);
	one_err(7, -EINVAL);
	assert_int_equal(route_count(), 0);
}

static void
test_attr_wrong_size(void **state)
{
	struct rtmsg rtm = { .rtm_family = AF_INET, .rtm_dst_len = 8, .rtm_type = RTN_UNICAST };
	uint16_t two = 0x0a00;
	struct nlmsghdr *nlh;

	(void)state;
	nlh = q_begin(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_ACK, 8, &rtm, sizeof(rtm));
	mnl_attr_put_u32(nlh, RTA_DST, be("10.0.0.0"));
	mnl_attr_put(nlh, RTA_GATEWAY, sizeof(two), &two);
	q_end(nlh);
	/* A MAC of 5 bytes on a new link. */
	nlh = q_begin(RTM_NEWLINK, NLM_F_CREATE | NLM_F_ACK, 9, &(struct ifinfomsg){ 0 },
		      sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "dmz");
	mnl_attr_put_strz(nlh, IFLA_PARENT_DEV_NAME, "net_null9");
	mnl_attr_put(nlh, IFLA_ADDRESS, 5, "\x02\x00\x00\x00\x00");
	q_end(nlh);
	/* A name without its NUL, and an MTU out of range. */
	nlh = q_begin(RTM_GETLINK, 0, 10, &(struct ifinfomsg){ 0 }, sizeof(struct ifinfomsg));
	mnl_attr_put(nlh, IFLA_IFNAME, 3, "lan");
	q_end(nlh);
	nlh = q_begin(RTM_NEWLINK, NLM_F_ACK, 11, &(struct ifinfomsg){ .ifi_index = 1 },
		      sizeof(struct ifinfomsg));
	mnl_attr_put_u32(nlh, IFLA_MTU, 67);
	q_end(nlh);
	q_send(true);
	r_collect();
	assert_int_equal(nmsgs, 4);
	expect_err(msgs[0], 8, -EINVAL);
	expect_err(msgs[1], 9, -EINVAL);
	expect_err(msgs[2], 10, -EINVAL);
	expect_err(msgs[3], 11, -EINVAL);
	assert_int_equal(route_count(), 0);
	assert_int_equal(port_by_name("dmz"), -ENODEV);
	assert_int_equal(ports[0].mtu, 1500);
}

static void
test_unknown_type_and_short_family(void **state)
{
	(void)state;
	q_simple(0x300, NLM_F_ACK, 12, NULL, 0);
	q_simple(RTM_NEWRULE, 0, 13, &(struct rtmsg){ 0 }, sizeof(struct rtmsg));
	q_simple(SLUICE_MSG_MAX_TYPE, 0, 14, &(struct sluicemsg){ 0 }, sizeof(struct sluicemsg));
	/* A route request with 4 bytes where struct rtmsg (12) belongs. */
	q_simple(RTM_NEWROUTE, NLM_F_CREATE, 15, "\x02\x08\x00\x00", 4);
	q_simple(RTM_GETLINK, NLM_F_DUMP, 16, NULL, 0);
	q_send(true);
	r_collect();
	assert_int_equal(ndgrams, 1);
	assert_int_equal(nmsgs, 5);
	expect_err(msgs[0], 12, -EOPNOTSUPP);
	expect_err(msgs[1], 13, -EOPNOTSUPP);
	expect_err(msgs[2], 14, -EOPNOTSUPP);
	expect_err(msgs[3], 15, -EINVAL);
	expect_err(msgs[4], 16, -EINVAL);
}

/* Unknown attributes are skipped, as the kernel's non-strict parsing does:
 * a client may send more than this dataplane understands. */
static void
test_unknown_attr_ignored(void **state)
{
	const struct nlattr *tb[IFLA_MAX + 1];
	struct nlmsghdr *nlh;

	(void)state;
	nlh = q_begin(RTM_GETLINK, 0, 17, &(struct ifinfomsg){ 0 }, sizeof(struct ifinfomsg));
	mnl_attr_put_u32(nlh, IFLA_MAX + 7, 0xdeadbeef);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "wan");
	mnl_attr_put_u32(nlh, IFLA_TXQLEN, 5);
	q_end(nlh);
	q_send(false);
	r_collect();
	assert_int_equal(nmsgs, 1);
	assert_int_equal(msgs[0]->nlmsg_type, RTM_NEWLINK);
	assert_int_equal(msgs[0]->nlmsg_seq, 17);
	assert_int_equal(msgs[0]->nlmsg_pid, 4242);
	assert_int_equal(msgs[0]->nlmsg_flags & NLM_F_MULTI, 0);
	attrs(msgs[0], sizeof(struct ifinfomsg), tb, IFLA_MAX);
	assert_string_equal(mnl_attr_get_str(tb[IFLA_IFNAME]), "wan");
}

static void
test_noop_and_done_ignored(void **state)
{
	(void)state;
	q_simple(NLMSG_NOOP, 0, 18, NULL, 0);
	q_simple(NLMSG_DONE, 0, 19, NULL, 0);
	q_send(true);
	no_reply();
}

/* ---- replies ---------------------------------------------------------- */

static void
test_several_requests_one_datagram(void **state)
{
	const struct nlattr *tb[IFLA_MAX + 1];
	struct nlmsghdr *nlh;

	(void)state;
	nlh = q_begin(RTM_GETLINK, 0, 100, &(struct ifinfomsg){ .ifi_index = 2 },
		      sizeof(struct ifinfomsg));
	q_end(nlh);
	q_simple(0x3ff, 0, 101, NULL, 0);
	q_simple(NLMSG_NOOP, NLM_F_ACK, 102, NULL, 0);
	q_simple(RTM_GETLINK, NLM_F_DUMP, 103, &(struct ifinfomsg){ 0 }, sizeof(struct ifinfomsg));
	q_simple(RTM_GETLINK, 0, 104, &(struct ifinfomsg){ .ifi_index = 9 },
		 sizeof(struct ifinfomsg));
	q_send(true);
	r_collect();
	/* All answers share one datagram, in order, each with its seq. */
	assert_int_equal(ndgrams, 1);
	assert_int_equal(nmsgs, 7);
	assert_int_equal(msgs[0]->nlmsg_type, RTM_NEWLINK);
	assert_int_equal(msgs[0]->nlmsg_seq, 100);
	attrs(msgs[0], sizeof(struct ifinfomsg), tb, IFLA_MAX);
	assert_string_equal(mnl_attr_get_str(tb[IFLA_IFNAME]), "wan");
	expect_err(msgs[1], 101, -EOPNOTSUPP);
	expect_err(msgs[2], 102, 0);
	for (int i = 3; i < 5; i++) {
		assert_int_equal(msgs[i]->nlmsg_type, RTM_NEWLINK);
		assert_int_equal(msgs[i]->nlmsg_flags, NLM_F_MULTI);
		assert_int_equal(msgs[i]->nlmsg_seq, 103);
	}
	assert_int_equal(msgs[5]->nlmsg_type, NLMSG_DONE);
	assert_int_equal(msgs[5]->nlmsg_seq, 103);
	expect_err(msgs[6], 104, -ENODEV);
}

/* A batch is answered in as few datagrams as fit, not one per ack. */
static void
test_acks_packed(void **state)
{
	const unsigned int n = 3000;	/* 48000 bytes of requests, 108000 of acks */
	int per;

	(void)state;
	for (unsigned int i = 0; i < n; i++)
		q_simple(NLMSG_NOOP, NLM_F_ACK, 1000 + i, NULL, 0);
	assert_true(qlen <= SLUICE_MSG_MAX);
	q_send(true);
	r_collect();
	per = (SLUICE_MSG_MAX - CTL_MSG_ROOM) / 36 + 1;
	assert_int_equal(nmsgs, n);
	assert_int_equal(ndgrams, (n + per - 1) / per);
	for (unsigned int i = 0; i < n; i++)
		expect_err(msgs[i], 1000 + i, 0);
}

static void
test_dump_ends_done(void **state)
{
	const struct nlattr *tb[IFLA_MAX + 1];

	(void)state;
	q_simple(RTM_GETLINK, NLM_F_DUMP | NLM_F_ACK, 20, &(struct ifinfomsg){ 0 },
		 sizeof(struct ifinfomsg));
	q_send(false);
	r_collect();
	assert_int_equal(nmsgs, 3);	/* two ports, DONE, and no ack */
	attrs(msgs[0], sizeof(struct ifinfomsg), tb, IFLA_MAX);
	assert_string_equal(mnl_attr_get_str(tb[IFLA_IFNAME]), "lan");
	attrs(msgs[1], sizeof(struct ifinfomsg), tb, IFLA_MAX);
	assert_string_equal(mnl_attr_get_str(tb[IFLA_IFNAME]), "wan");
	assert_int_equal(msgs[2]->nlmsg_type, NLMSG_DONE);
	assert_int_equal(msgs[2]->nlmsg_flags, NLM_F_MULTI);
	assert_int_equal(msgs[2]->nlmsg_len, NLMSG_HDRLEN + sizeof(int));
	assert_int_equal(*(const int *)mnl_nlmsg_get_payload(msgs[2]), 0);

	/* Nothing to dump is still a dump. */
	dpt_port_remove(0);
	dpt_port_remove(1);
	q_simple(RTM_GETLINK, NLM_F_DUMP, 21, &(struct ifinfomsg){ 0 }, sizeof(struct ifinfomsg));
	q_send(false);
	r_collect();
	assert_int_equal(nmsgs, 1);
	assert_int_equal(msgs[0]->nlmsg_type, NLMSG_DONE);
	assert_int_equal(msgs[0]->nlmsg_seq, 21);
}

/* ---- permission ------------------------------------------------------- */

static void
test_eperm_unprivileged(void **state)
{
	(void)state;
	q_route(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_ACK, 30, "10.0.0.0", 8, NULL, 1,
		RTN_UNICAST, SLUICE_RTPROT_CLI);
	q_simple(RTM_DELLINK, NLM_F_ACK, 31, &(struct ifinfomsg){ .ifi_index = 1 },
		 sizeof(struct ifinfomsg));
	q_simple(SLUICE_DELNATSESS, 0, 32, &(struct sluicemsg){ 0 }, sizeof(struct sluicemsg));
	q_simple(RTM_GETLINK, NLM_F_DUMP, 33, &(struct ifinfomsg){ 0 }, sizeof(struct ifinfomsg));
	q_send(false);
	r_collect();
	assert_int_equal(nmsgs, 6);
	expect_err(msgs[0], 30, -EPERM);
	expect_err(msgs[1], 31, -EPERM);
	expect_err(msgs[2], 32, -EPERM);
	assert_int_equal(msgs[3]->nlmsg_type, RTM_NEWLINK);
	assert_int_equal(msgs[5]->nlmsg_type, NLMSG_DONE);
	assert_true(ports[0].used);
	assert_int_equal(route_count(), 0);
}

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
	expect_err(msgs[2], 52, -EEXIST);
	expect_err(msgs[3], 53, -ENODEV);
	expect_err(msgs[4], 54, -EINVAL);
	expect_err(msgs[5], 55, -ENODEV);
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
	expect_err(msgs[3], 63, -EADDRNOTAVAIL);
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

static void
test_stats(void **state)
{
	const struct nlattr *a;
	unsigned int drops = 0, pool = 0;

	(void)state;
	dp.counters[0].drop[DROP_NO_ROUTE] = 4;
	dp.counters[2].drop[DROP_NO_ROUTE] = 3;
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

		assert_int_equal(mnl_attr_parse_nested(a, stats_nest_cb, kv), MNL_CB_OK);
		assert_non_null(kv[0]);
		assert_non_null(kv[1]);
		assert_int_equal(mnl_attr_get_payload_len(kv[1]), 8);
		name = mnl_attr_get_str(kv[0]);
		v = mnl_attr_get_u64(kv[1]);
		if (mnl_attr_get_type(a) == SLUICE_STATSA_DROP) {
			assert_string_equal(name, drop_names[drops]);
			assert_int_equal(v, drops == DROP_NO_ROUTE ? 7 : 0);
			drops++;
		} else if (mnl_attr_get_type(a) == SLUICE_STATSA_POOL) {
			if (strcmp(name, "size") == 0)
				assert_int_equal(v, dp.pool->size);
			else if (strcmp(name, "in_use") == 0)
				assert_int_equal(v, dpt_mbufs_in_use());
			else
				assert_string_equal(name, "available");
			pool++;
		} else {
			assert_int_equal(mnl_attr_get_type(a), SLUICE_STATSA_NAT);
		}
	}
	assert_int_equal(drops, DROP__MAX);
	assert_int_equal(pool, 3);
}

/* ---- garbage ---------------------------------------------------------- */

/* Random datagrams and random corruptions of good requests: each gets
 * well-formed replies or none, and nothing changes unprivileged. */
static void
test_garbage(void **state)
{
	static const uint16_t types[] = {
		RTM_NEWLINK, RTM_GETLINK, RTM_GETADDR, RTM_NEWROUTE, RTM_GETROUTE,
		RTM_GETNEIGH, RTM_DELNEIGH, SLUICE_GETSTATS, NLMSG_NOOP, 0x1234,
	};
	char buf[512];

	(void)state;
	srand(7);
	for (int iter = 0; iter < 20000; iter++) {
		size_t len = (size_t)(rand() % (int)sizeof(buf));
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;

		for (size_t i = 0; i < len; i++)
			buf[i] = (char)rand();
		if (iter & 1 && len >= 16) {
			/* Mostly plausible: a real type, a length near the truth. */
			nlh->nlmsg_type = types[rand() % RTE_DIM(types)];
			nlh->nlmsg_len = (uint32_t)len - (uint32_t)(rand() % 8);
			nlh->nlmsg_flags &= ~NLM_F_DUMP;
			if (rand() % 4 == 0)
				nlh->nlmsg_flags |= NLM_F_DUMP;
		}
		ctl_process(sp[0], buf, len, false);
		r_collect();
		for (int i = 0; i < nmsgs; i++) {
			assert_true(msgs[i]->nlmsg_len >= NLMSG_HDRLEN);
			if (msgs[i]->nlmsg_type == NLMSG_ERROR)
				assert_true(((const struct nlmsgerr *)
					     mnl_nlmsg_get_payload(msgs[i]))->error <= 0);
		}
	}
	assert_true(ports[0].used && ports[1].used && ports[0].up);
	assert_int_equal(route_count(), 0);
	assert_int_equal(dpt_mbufs_in_use(), 0);
}

/* ---- the server socket ------------------------------------------------ */

static char tmpdir[32], sock_path[96];

static int
client_connect(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Serve until fd has a reply, then read it. */
static ssize_t
serve_recv(int fd, char *buf, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	for (int i = 0; i < 200; i++) {
		ctl_server_poll(5);
		if (poll(&p, 1, 0) == 1)
			return recv(fd, buf, len, MSG_DONTWAIT);
	}
	return -1;
}

static int
server_setup(void **state)
{
	struct ctl_server_conf conf = { .path = sock_path };

	setup(state);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/sluice-ctl-XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	/* The parent directories do not exist yet: the server makes them. */
	snprintf(sock_path, sizeof(sock_path), "%s/run/sluice/ctl.sock", tmpdir);
	return ctl_server_open(&conf) == 0 ? 0 : -1;
}

static int
server_teardown(void **state)
{
	char cmd[128];

	ctl_server_close();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		return -1;
	return teardown(state);
}

static int
bind_by_hand(bool do_listen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	if (do_listen)
		assert_int_equal(listen(fd, 1), 0);
	return fd;
}

static void
test_server_socket_file(void **state)
{
	struct ctl_server_conf conf = { .path = sock_path };
	struct stat st;
	int fd, fd2;

	(void)state;
	assert_int_equal(stat(sock_path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0660);
	assert_int_equal(ctl_server_open(&conf), -EBUSY);
	/* Any number of clients. */
	fd = client_connect();
	assert_true(fd >= 0);
	fd2 = client_connect();
	assert_true(fd2 >= 0);
	ctl_server_poll(0);
	ctl_server_close();
	assert_int_equal(stat(sock_path, &st), -1);
	assert_int_equal(errno, ENOENT);
	close(fd);
	close(fd2);

	/* Another live server's socket is not stolen... */
	fd = bind_by_hand(true);
	assert_int_equal(ctl_server_open(&conf), -EADDRINUSE);
	assert_int_equal(stat(sock_path, &st), 0);
	close(fd);
	/* ...but the file a dead one left is replaced. */
	assert_int_equal(ctl_server_open(&conf), 0);
	fd = client_connect();
	assert_true(fd >= 0);
	close(fd);
	ctl_server_close();
	close(bind_by_hand(false));
	assert_int_equal(ctl_server_open(&conf), 0);
	fd = client_connect();
	assert_true(fd >= 0);
	close(fd);
}

static void
test_server_oversized(void **state)
{
	static char big[SLUICE_MSG_MAX + 4096];
	struct nlmsghdr *nlh = (struct nlmsghdr *)big;
	char reply[SLUICE_MSG_MAX];
	int fd, sndbuf = 4 * SLUICE_MSG_MAX;
	ssize_t n;

	(void)state;
	fd = client_connect();
	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));

	memset(big, 0, sizeof(big));
	nlh->nlmsg_len = sizeof(big);
	nlh->nlmsg_type = NLMSG_NOOP;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = 77;
	assert_int_equal(send(fd, big, sizeof(big), 0), (ssize_t)sizeof(big));
	n = serve_recv(fd, reply, sizeof(reply));
	assert_int_equal(n, NLMSG_HDRLEN + sizeof(struct nlmsgerr));
	expect_err((struct nlmsghdr *)reply, 77, -EMSGSIZE);

	/* The connection stays, and SLUICE_MSG_MAX itself is accepted. */
	nlh->nlmsg_len = SLUICE_MSG_MAX;
	nlh->nlmsg_seq = 78;
	assert_int_equal(send(fd, big, SLUICE_MSG_MAX, 0), SLUICE_MSG_MAX);
	n = serve_recv(fd, reply, sizeof(reply));
	assert_int_equal(n, NLMSG_HDRLEN + sizeof(struct nlmsgerr));
	expect_err((struct nlmsghdr *)reply, 78, 0);

	/* An empty datagram reads as end of file: the server hangs up. */
	assert_int_equal(send(fd, big, 0, 0), 0);
	n = serve_recv(fd, reply, sizeof(reply));
	assert_int_equal(n, 0);
	close(fd);
}

/*
 * SO_PEERCRED: a child that drops to another uid (and gid/groups) asks for
 * a change and a dump.  Exit status: 0 when the change got want_err and the
 * dump ended in DONE.
 */
static int
child_request(uid_t uid, gid_t gid, gid_t supp, int want_err)
{
	char buf[SLUICE_MSG_MAX];
	struct nlmsghdr *nlh;
	const struct nlmsgerr *e;
	struct ifinfomsg ifi = { 0 };
	int fd;
	ssize_t n;

	if (setgroups(supp != (gid_t)-1 ? 1 : 0, &supp) != 0 || setgid(gid) != 0 ||
	    setuid(uid) != 0)
		return 10;
	fd = client_connect();
	if (fd < 0)
		return 11;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = 1;
	mnl_nlmsg_put_extra_header(nlh, sizeof(ifi));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "nosuch");
	if (send(fd, buf, nlh->nlmsg_len, 0) < 0)
		return 12;
	n = recv(fd, buf, sizeof(buf), 0);
	e = mnl_nlmsg_get_payload((struct nlmsghdr *)buf);
	if (n != NLMSG_HDRLEN + (ssize_t)sizeof(*e) || e->error != want_err)
		return 13;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = 2;
	mnl_nlmsg_put_extra_header(nlh, sizeof(ifi));
	if (send(fd, buf, nlh->nlmsg_len, 0) < 0)
		return 14;
	n = recv(fd, buf, sizeof(buf), 0);
	if (n <= 0)
		return 15;
	for (nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, (int)n);
	     nlh = mnl_nlmsg_next(nlh, (int *)&n))
		if (nlh->nlmsg_type == NLMSG_DONE)
			return 0;
	return 16;
}

static int
run_child(uid_t uid, gid_t gid, gid_t supp, int want_err)
{
	pid_t pid = fork();
	int status;

	if (pid == 0)
		_exit(child_request(uid, gid, supp, want_err));
	assert_true(pid > 0);
	for (int i = 0; i < 1000; i++) {
		ctl_server_poll(5);
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return 101;
}

static void
test_server_peercred(void **state)
{
	const uid_t nobody = 65534;
	const gid_t grp = 4242;
	struct stat st;

	(void)state;
	if (geteuid() != 0)
		skip();
	/* Anyone who can open the socket may read; the file mode decides who
	 * can open it, so open it up for the unprivileged child. */
	assert_int_equal(chmod(tmpdir, 0755), 0);
	assert_int_equal(chmod(sock_path, 0666), 0);
	assert_int_equal(run_child(nobody, nobody, (gid_t)-1, -EPERM), 0);
	/* Root may change. */
	assert_int_equal(run_child(0, 0, (gid_t)-1, -ENODEV), 0);

	/* With --group: the group, primary or supplementary, may change. */
	ctl_server_close();
	assert_int_equal(ctl_server_open(&(struct ctl_server_conf){
		.path = sock_path, .group = grp, .group_set = true }), 0);
	assert_int_equal(stat(sock_path, &st), 0);
	assert_int_equal(st.st_gid, grp);
	assert_int_equal(st.st_mode & 07777, 0660);
	assert_int_equal(run_child(nobody, grp, (gid_t)-1, -ENODEV), 0);
	assert_int_equal(run_child(nobody, nobody, grp, -ENODEV), 0);
	assert_int_equal(chmod(sock_path, 0666), 0);
	assert_int_equal(run_child(nobody, nobody, (gid_t)-1, -EPERM), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_truncated_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nlmsg_len_past_datagram, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attr_past_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attr_wrong_size, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_type_and_short_family, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_attr_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_noop_and_done_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_several_requests_one_datagram, setup, teardown),
		cmocka_unit_test_setup_teardown(test_acks_packed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump_ends_done, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eperm_unprivileged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_dump_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_addr_add_dump_del, setup, teardown),
		cmocka_unit_test_setup_teardown(test_route_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_route_add_then_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stats, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_server_socket_file, server_setup, server_teardown),
		cmocka_unit_test_setup_teardown(test_server_oversized, server_setup, server_teardown),
		cmocka_unit_test_setup_teardown(test_server_peercred, server_setup, server_teardown),
	};

	dpt_init("control");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
