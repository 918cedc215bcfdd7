/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers for the control-channel tests: requests are built with libmnl
 * into one datagram and handed to ctl_process on one end of a seqpacket
 * socketpair; the replies are read from the other end and checked message
 * by message.  Each test gets the fake ports "lan" (index 1) and "wan" (2).
 */
#ifndef SLUICE_CTL_TEST_H
#define SLUICE_CTL_TEST_H

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

static inline struct nlmsghdr *
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

static inline void
q_end(struct nlmsghdr *nlh)
{
	qlen += NLMSG_ALIGN(nlh->nlmsg_len);
}

static inline void
q_send(bool privileged)
{
	ctl_process(sp[0], qbuf, qlen, privileged);
	qlen = 0;
}

static inline void
q_simple(uint16_t type, uint16_t flags, uint32_t seq, const void *fam, size_t famlen)
{
	q_end(q_begin(type, flags, seq, fam, famlen));
}

static inline uint32_t
be(const char *ip)
{
	return htonl(dpt_ip(ip));
}

static inline void
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

static inline void
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
static inline void
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

/* An NLMSG_ERROR with err: capped (the request's header only), and either
 * nothing after it or, with NLM_F_ACK_TLVS, the extended ack's attributes. */
static inline void
expect_err(const struct nlmsghdr *h, uint32_t seq, int err)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(h);

	assert_int_equal(h->nlmsg_type, NLMSG_ERROR);
	assert_true(h->nlmsg_flags & NLM_F_CAPPED);
	if (err == 0)			/* an ack says nothing more */
		assert_int_equal(h->nlmsg_flags, NLM_F_CAPPED);
	if (h->nlmsg_flags & NLM_F_ACK_TLVS)
		assert_true(h->nlmsg_len > NLMSG_HDRLEN + sizeof(struct nlmsgerr));
	else
		assert_int_equal(h->nlmsg_len, NLMSG_HDRLEN + sizeof(struct nlmsgerr));
	assert_int_equal(h->nlmsg_seq, seq);
	assert_int_equal(e->error, err);
	assert_int_equal(e->msg.nlmsg_seq, seq);
}

/* An NLMSG_ERROR with err whose extended ack says why: the bytes as the
 * kernel lays them out (NLM_F_CAPPED | NLM_F_ACK_TLVS, struct nlmsgerr,
 * then one NLMSGERR_ATTR_MSG string and nothing else). */
static inline void
expect_errmsg(const struct nlmsghdr *h, uint32_t seq, int err, const char *why)
{
	const struct nlattr *a;

	expect_err(h, seq, err);
	assert_int_equal(h->nlmsg_flags, NLM_F_CAPPED | NLM_F_ACK_TLVS);
	a = (const struct nlattr *)((const char *)h + NLMSG_HDRLEN + sizeof(struct nlmsgerr));
	assert_int_equal(a->nla_type, NLMSGERR_ATTR_MSG);
	assert_int_equal(a->nla_len, MNL_ATTR_HDRLEN + strlen(why) + 1);
	assert_string_equal((const char *)(a + 1), why);
	assert_int_equal(h->nlmsg_len, NLMSG_HDRLEN + sizeof(struct nlmsgerr) +
			 MNL_ALIGN(a->nla_len));
}

/* Exactly one reply: an NLMSG_ERROR with err. */
static inline void
one_err(uint32_t seq, int err)
{
	r_collect();
	assert_int_equal(ndgrams, 1);
	assert_int_equal(nmsgs, 1);
	expect_err(msgs[0], seq, err);
}

static inline void
no_reply(void)
{
	r_collect();
	assert_int_equal(ndgrams, 0);
}

struct tb {
	const struct nlattr **tb;
	int max;
};

static inline int
tb_cb(const struct nlattr *a, void *data)
{
	struct tb *t = data;

	if (mnl_attr_get_type(a) <= t->max)
		t->tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static inline void
attrs(const struct nlmsghdr *h, size_t famlen, const struct nlattr **tb, int max)
{
	struct tb t = { tb, max };

	memset(tb, 0, sizeof(*tb) * (max + 1));
	assert_int_equal(mnl_attr_parse(h, famlen, tb_cb, &t), MNL_CB_OK);
}

/* ---- fixtures --------------------------------------------------------- */

static inline int
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

static inline int
collect_route(const struct route *r, void *arg)
{
	(void)arg;
	if (nleftover < RTE_DIM(leftover))
		leftover[nleftover++] = *r;
	return 0;
}

static inline int
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

#endif
