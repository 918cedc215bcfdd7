/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control channel's framing and server: validation of what clients
 * send (truncated, overlong, unknown, malformed, garbage), reply semantics
 * (acks, errors, dumps, packing many answers into one datagram),
 * permissions, and the socket itself (file mode, stale files, oversized
 * datagrams, SO_PEERCRED).  The handlers' own tests are test_control_nl.c.
 */
#include <malloc.h>
#include <time.h>

#include "ctl_test.h"
#include "nat.h"
#include "neigh.h"
#include "port.h"
#include "worker.h"

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
			/* What is not a request is only acked: parse the rest. */
			nlh->nlmsg_flags |= NLM_F_REQUEST;
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
	/* One error, with the extended ack's reason after it for ENODEV. */
	if (n < NLMSG_HDRLEN + (ssize_t)sizeof(*e) || n != (ssize_t)((struct nlmsghdr *)buf)->nlmsg_len ||
	    e->error != want_err)
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

/* ---- replies that wait: queues, resumable dumps, limits --------------- */

/* A table whose dump is several times what a socket buffers: /24s, nested
 * prefixes, several metrics on some, the default route, the top of the
 * address space. */
static unsigned int
big_table(void)
{
	struct route r = { .type = RTN_BLACKHOLE, .protocol = SLUICE_RTPROT_CLI,
			   .scope = RT_SCOPE_UNIVERSE, .port = DP_NO_PORT };
	static const struct { const char *dst; uint8_t plen; } extra[] = {
		{ "0.0.0.0", 0 }, { "10.0.0.0", 8 }, { "10.0.0.0", 16 }, { "10.1.0.0", 16 },
		{ "10.0.0.128", 25 }, { "10.0.1.1", 32 }, { "10.0.1.2", 32 },
		{ "192.0.2.0", 24 }, { "223.255.255.0", 24 }, { "223.255.255.255", 32 },
	};
	unsigned int n = 0;

	for (uint32_t i = 0; i < 16000; i++) {
		r.dst = (10u << 24) | (i << 8);
		r.plen = 24;
		for (r.metric = 0; r.metric <= (i % 97 == 0 ? 200u : 0u); r.metric += 100, n++)
			assert_int_equal(route_add(&r, 0), 0);
	}
	for (unsigned int i = 0; i < RTE_DIM(extra); i++) {
		r.dst = dpt_ip(extra[i].dst);
		r.plen = extra[i].plen;
		for (r.metric = 0; r.metric <= 5; r.metric += 5, n++)
			assert_int_equal(route_add(&r, 0), 0);
	}
	assert_int_equal(route_count(), n);
	return n;
}

struct rlist {
	struct route *r;
	unsigned int n, stop_every, since;
};

/* Refuse one item in every + 1 (0: none): the walk must come back to it. */
static bool
refuse(unsigned int *since, unsigned int every)
{
	if (every == 0 || (*since)++ != every)
		return false;
	*since = 0;
	return true;
}

static int
rlist_add(const struct route *r, void *arg)
{
	struct rlist *l = arg;

	if (refuse(&l->since, l->stop_every))
		return 1;
	l->r[l->n++] = *r;
	return 0;
}

static void
rlist_walk(struct rlist *l)
{
	l->r = realloc(l->r, sizeof(*l->r) * (route_count() + 1));
	l->n = 0;
	assert_int_equal(route_walk(rlist_add, l), 0);
}

static void
drop_table(void)
{
	struct rlist l = { 0 };

	rlist_walk(&l);
	for (unsigned int i = 0; i < l.n; i++)
		assert_int_equal(route_del(&l.r[i], &(struct route_match){ .metric = true,
									     .type = true }), 0);
	free(l.r);
	route_sync();
}

static bool
route_same(const struct route *a, const struct route *b)
{
	return a->dst == b->dst && a->plen == b->plen && a->metric == b->metric;
}

/* A walk stopped anywhere resumes exactly where it stopped, even when
 * routes around the stop went away meanwhile. */
static void
test_route_walk_resumes(void **state)
{
	static const unsigned int every[] = { 1, 7, 999 };
	struct rlist all = { 0 }, part = { 0 };
	struct route_pos pos;
	unsigned int n = big_table(), cut = 0;

	(void)state;
	rlist_walk(&all);
	assert_int_equal(all.n, n);
	part.r = malloc(sizeof(*part.r) * (n + 1));
	for (unsigned int k = 0; k < RTE_DIM(every); k++) {
		memset(&pos, 0, sizeof(pos));
		part.n = part.since = 0;
		part.stop_every = every[k];
		while (route_walk_from(&pos, rlist_add, &part) != 0)
			assert_true(pos.valid);
		assert_int_equal(part.n, n);
		for (unsigned int i = 0; i < n; i++)
			assert_true(route_same(&part.r[i], &all.r[i]));
	}

	/* Stop at the 10.0.0.0/24 with metric 100, remove it and the /25
	 * after it: the walk goes on with what follows them. */
	memset(&pos, 0, sizeof(pos));
	part.n = part.since = 0;
	part.stop_every = 0;
	while (!(all.r[cut].dst == dpt_ip("10.0.0.0") && all.r[cut].plen == 24 &&
		 all.r[cut].metric == 100))
		cut++;
	assert_true(route_same(&all.r[cut + 1], &(struct route){ .dst = dpt_ip("10.0.0.0"),
			.plen = 24, .metric = 200 }));
	pos = (struct route_pos){ .dst = all.r[cut].dst, .plen = 24, .metric = 100,
				  .valid = true };
	for (unsigned int i = cut; i < cut + 3; i++)
		assert_int_equal(route_del(&all.r[i], &(struct route_match){ .metric = true }), 0);
	assert_int_equal(all.r[cut + 2].plen, 25);
	assert_int_equal(route_walk_from(&pos, rlist_add, &part), 0);
	assert_int_equal(part.n, n - cut - 3);
	for (unsigned int i = 0; i < part.n; i++)
		assert_true(route_same(&part.r[i], &all.r[cut + 3 + i]));
	free(part.r);
	free(all.r);
	drop_table();
}

static void
server_reopen(unsigned int max_clients, unsigned int stall_ms)
{
	ctl_server_close();
	assert_int_equal(ctl_server_open(&(struct ctl_server_conf){ .path = sock_path,
		.max_clients = max_clients, .stall_ms = stall_ms }), 0);
}

static uint64_t
ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Send the request datagram built in qbuf on fd. */
static void
q_send_to(int fd)
{
	assert_int_equal(send(fd, qbuf, qlen, 0), (ssize_t)qlen);
	qlen = 0;
}

/* One datagram: a route dump (seq), a second one (seq + 1), a NOOP with an
 * ack (seq + 2). */
static void
send_dumps(int fd, uint32_t seq)
{
	struct rtmsg rtm = { .rtm_family = AF_INET };

	qlen = 0;
	q_simple(RTM_GETROUTE, NLM_F_DUMP, seq, &rtm, sizeof(rtm));
	q_simple(RTM_GETROUTE, NLM_F_DUMP, seq + 1, &rtm, sizeof(rtm));
	q_simple(NLMSG_NOOP, NLM_F_ACK, seq + 2, NULL, 0);
	q_send_to(fd);
}

struct stream {
	char *buf;
	size_t len, cap;
	bool acked;		/* the NOOP's ack came: the last reply */
};

/* One datagram from fd onto s; false when none waits. */
static bool
stream_read(int fd, struct stream *s, uint32_t ack_seq)
{
	const struct nlmsghdr *h;
	ssize_t n;
	int rem;

	if (s->cap - s->len < SLUICE_MSG_MAX) {
		s->cap = 2 * s->cap + SLUICE_MSG_MAX;
		s->buf = realloc(s->buf, s->cap);
	}
	n = recv(fd, s->buf + s->len, SLUICE_MSG_MAX, MSG_DONTWAIT);
	if (n < 0) {
		assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
		return false;
	}
	assert_true(n > 0);
	h = (const struct nlmsghdr *)(s->buf + s->len);
	for (rem = (int)n; mnl_nlmsg_ok(h, rem); h = mnl_nlmsg_next(h, &rem))
		if (h->nlmsg_type == NLMSG_ERROR && h->nlmsg_seq == ack_seq)
			s->acked = true;
	assert_int_equal(rem, 0);
	s->len += (size_t)n;
	return true;
}

/* Serve, reading one datagram from fd every eighth poll, until the ack of
 * ack_seq is in s; returns the longest poll in ms. */
static uint64_t
serve_slow_reader(int fd, struct stream *s, uint32_t ack_seq)
{
	uint64_t t, worst = 0;

	for (int i = 0; i < 200000 && !s->acked; i++) {
		t = ms_now();
		ctl_server_poll(0);
		worst = RTE_MAX(worst, ms_now() - t);
		if (i % 8 == 0)
			stream_read(fd, s, ack_seq);
	}
	assert_true(s->acked);
	return worst;
}

/* The stream holds both dumps, in walk order, each ended by DONE, then the
 * ack. */
static void
stream_check(const struct stream *s, const struct rlist *all, uint32_t seq)
{
	const struct nlmsghdr *h = (const struct nlmsghdr *)s->buf;
	int rem = (int)s->len;

	for (uint32_t d = 0; d < 2; d++) {
		for (unsigned int i = 0; i < all->n; i++, h = mnl_nlmsg_next(h, &rem)) {
			const struct rtmsg *rtm = mnl_nlmsg_get_payload(h);
			const struct nlattr *tb[RTA_MAX + 1];

			assert_true(mnl_nlmsg_ok(h, rem));
			assert_int_equal(h->nlmsg_type, RTM_NEWROUTE);
			assert_int_equal(h->nlmsg_flags, NLM_F_MULTI);
			assert_int_equal(h->nlmsg_seq, seq + d);
			attrs(h, sizeof(*rtm), tb, RTA_MAX);
			assert_int_equal(rtm->rtm_dst_len, all->r[i].plen);
			assert_int_equal(mnl_attr_get_u32(tb[RTA_PRIORITY]), all->r[i].metric);
			if (all->r[i].plen > 0)
				assert_int_equal(ntohl(mnl_attr_get_u32(tb[RTA_DST])), all->r[i].dst);
		}
		assert_true(mnl_nlmsg_ok(h, rem));
		assert_int_equal(h->nlmsg_type, NLMSG_DONE);
		assert_int_equal(h->nlmsg_seq, seq + d);
		h = mnl_nlmsg_next(h, &rem);
	}
	assert_true(mnl_nlmsg_ok(h, rem));
	expect_err(h, seq + 2, 0);
	h = mnl_nlmsg_next(h, &rem);
	assert_int_equal(rem, 0);
}

/*
 * A reader that takes its replies one datagram now and then gets every
 * dump whole, byte for byte what a fast reader gets, though the server
 * paused them many times; and no poll waits for it.
 */
static void
test_server_slow_reader(void **state)
{
	struct stream fast = { 0 }, slow = { 0 };
	struct rlist all = { 0 };
	uint64_t worst;
	int fd;

	(void)state;
	big_table();
	rlist_walk(&all);

	fd = client_connect();
	assert_true(fd >= 0);
	send_dumps(fd, 100);
	for (int i = 0; i < 100000 && !fast.acked; i++) {
		ctl_server_poll(0);
		while (stream_read(fd, &fast, 102))
			;
	}
	assert_true(fast.acked);
	close(fd);
	stream_check(&fast, &all, 100);
	/* Several times what the socket holds: the dumps had to wait. */
	assert_true(fast.len > 1500 * 1024);

	fd = client_connect();
	assert_true(fd >= 0);
	send_dumps(fd, 100);
	worst = serve_slow_reader(fd, &slow, 102);
	assert_int_equal(slow.len, fast.len);
	assert_memory_equal(slow.buf, fast.buf, fast.len);
	assert_true(worst < 250);
	close(fd);
	free(fast.buf);
	free(slow.buf);
	free(all.r);
	drop_table();
}

/*
 * Clients that ask for dumps and never read: no poll waits for them, what
 * the server keeps for them stays small (the dumps are not made ahead),
 * and after the stall limit they are disconnected and counted.  What they
 * were sent is a prefix of the dump, then end of file.
 */
static void
test_server_stuck_clients(void **state)
{
	enum { NSTUCK = 8 };
	struct ctl_server_stats st;
	struct rlist all = { 0 };
	size_t heap0, heap_worst = 0;
	uint64_t t0, t, worst = 0;
	int fd[NSTUCK];

	(void)state;
	big_table();
	rlist_walk(&all);
	server_reopen(0, 400);
	heap0 = mallinfo2().uordblks;
	for (int i = 0; i < NSTUCK; i++) {
		fd[i] = client_connect();
		assert_true(fd[i] >= 0);
		send_dumps(fd[i], 100);
	}
	t0 = ms_now();
	while (ms_now() - t0 < 300) {
		t = ms_now();
		ctl_server_poll(0);
		worst = RTE_MAX(worst, ms_now() - t);
		heap_worst = RTE_MAX(heap_worst, mallinfo2().uordblks);
	}
	ctl_server_stats(&st);
	assert_int_equal(st.clients, NSTUCK);
	assert_int_equal(st.clients_dropped, 0);
	/* A datagram or two each, and the rest of the request datagram:
	 * nothing like the 2 x 850 KB each asked for. */
	assert_true(heap_worst - heap0 < NSTUCK * 256 * 1024);
	while (ms_now() - t0 < 1500 && st.clients > 0) {
		t = ms_now();
		ctl_server_poll(1);
		worst = RTE_MAX(worst, ms_now() - t);
		ctl_server_stats(&st);
	}
	assert_int_equal(st.clients, 0);
	assert_int_equal(st.clients_dropped, NSTUCK);
	assert_true(worst < 250);

	for (int i = 0; i < NSTUCK; i++) {
		struct stream s = { 0 };
		const struct nlmsghdr *h;
		unsigned int k = 0;
		int rem;

		while (stream_read(fd[i], &s, 102) && s.len > 0 &&
		       recv(fd[i], rx, 1, MSG_PEEK | MSG_DONTWAIT) != 0)
			;
		assert_int_equal(recv(fd[i], rx, sizeof(rx), MSG_DONTWAIT), 0);	/* EOF */
		assert_true(s.len > 0 && s.len < 1024 * 1024);
		h = (const struct nlmsghdr *)s.buf;
		for (rem = (int)s.len; mnl_nlmsg_ok(h, rem); h = mnl_nlmsg_next(h, &rem), k++) {
			const struct rtmsg *rtm = mnl_nlmsg_get_payload(h);

			assert_int_equal(h->nlmsg_type, RTM_NEWROUTE);
			assert_int_equal(rtm->rtm_dst_len, all.r[k].plen);
		}
		assert_int_equal(rem, 0);
		assert_false(s.acked);
		free(s.buf);
		close(fd[i]);
	}
	free(all.r);
	drop_table();
}

struct nlist {
	struct neigh_info *v;
	unsigned int n, stop_every, since;
};

static int
nlist_add(const struct neigh_info *n, void *arg)
{
	struct nlist *l = arg;

	if (refuse(&l->since, l->stop_every))
		return 1;
	l->v[l->n++] = *n;
	return 0;
}

/*
 * Neighbours: a walk resumes where it stopped; a dump several times what
 * the socket holds, read slowly, comes whole and in order.
 */
static void
test_server_neigh_dump_resumes(void **state)
{
	enum { PER_PORT = 6000 };
	struct ndmsg ndm = { .ndm_family = AF_INET };
	struct nlist all = { 0 }, part = { 0 };
	struct neigh_pos pos = { 0 };
	struct stream s = { 0 };
	const struct nlmsghdr *h;
	int fd, rem;
	unsigned int k = 0;

	(void)state;
	for (uint16_t p = 0; p < 2; p++)
		for (uint32_t i = 0; i < PER_PORT; i++) {
			struct rte_ether_addr mac = { .addr_bytes = { 2, 0, (uint8_t)p,
				(uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i } };

			/* Added out of order: the walk sorts. */
			assert_int_equal(neigh_add(p, dpt_ip("100.64.0.0") + (i * 7919) % 65536,
						   &mac, true, 0), 0);
		}
	all.v = malloc(sizeof(*all.v) * 2 * PER_PORT);
	part.v = malloc(sizeof(*part.v) * 2 * PER_PORT);
	assert_int_equal(neigh_walk(nlist_add, &all), 0);
	assert_int_equal(all.n, 2 * PER_PORT);
	part.stop_every = 333;
	while (neigh_walk_from(&pos, nlist_add, &part) != 0)
		;
	assert_int_equal(part.n, all.n);
	assert_memory_equal(part.v, all.v, sizeof(*all.v) * all.n);

	fd = client_connect();
	assert_true(fd >= 0);
	qlen = 0;
	q_simple(RTM_GETNEIGH, NLM_F_DUMP, 60, &ndm, sizeof(ndm));
	q_simple(NLMSG_NOOP, NLM_F_ACK, 61, NULL, 0);
	q_send_to(fd);
	serve_slow_reader(fd, &s, 61);
	assert_true(s.len > 512 * 1024);
	h = (const struct nlmsghdr *)s.buf;
	for (rem = (int)s.len; k < all.n; h = mnl_nlmsg_next(h, &rem), k++) {
		const struct ndmsg *nd = mnl_nlmsg_get_payload(h);
		const struct nlattr *tb[NDA_MAX + 1];

		assert_true(mnl_nlmsg_ok(h, rem));
		assert_int_equal(h->nlmsg_type, RTM_NEWNEIGH);
		attrs(h, sizeof(*nd), tb, NDA_MAX);
		assert_int_equal(nd->ndm_ifindex, all.v[k].port + 1);
		assert_int_equal(ntohl(mnl_attr_get_u32(tb[NDA_DST])), all.v[k].ip);
		assert_memory_equal(mnl_attr_get_payload(tb[NDA_LLADDR]), &all.v[k].mac, 6);
	}
	assert_int_equal(h->nlmsg_type, NLMSG_DONE);
	h = mnl_nlmsg_next(h, &rem);
	expect_err(h, 61, 0);
	close(fd);
	free(s.buf);
	free(all.v);
	free(part.v);
	neigh_flush_port_all(0);
	neigh_flush_port_all(1);
}

struct slist {
	struct nat_sess_info v[8192];
	unsigned int n;
};

static int
slist_add(const struct nat_sess_info *i, void *arg)
{
	struct slist *l = arg;

	l->v[l->n++] = *i;
	return 0;
}

/* The messages of one NAT session dump (seq) from msg on match l's first
 * n sessions; returns the message after its DONE. */
static const struct nlmsghdr *
sess_match(const struct nlmsghdr *h, int *rem, const struct slist *l, unsigned int n,
	   uint32_t seq)
{
	for (unsigned int k = 0; k < n; k++, h = mnl_nlmsg_next(h, rem)) {
		const struct nlattr *tb[SLUICE_NATS_MAX + 1];

		assert_true(mnl_nlmsg_ok(h, *rem));
		assert_int_equal(h->nlmsg_type, SLUICE_GETNATSESS);
		assert_int_equal(h->nlmsg_seq, seq);
		attrs(h, sizeof(struct sluicemsg), tb, SLUICE_NATS_MAX);
		assert_int_equal(ntohl(mnl_attr_get_u32(tb[SLUICE_NATS_IN_ADDR])), l->v[k].in_addr);
		assert_int_equal(mnl_attr_get_u16(tb[SLUICE_NATS_IN_PORT]), l->v[k].in_port);
		assert_int_equal(mnl_attr_get_u16(tb[SLUICE_NATS_OUT_PORT]), l->v[k].out_port);
	}
	assert_true(mnl_nlmsg_ok(h, *rem));
	assert_int_equal(h->nlmsg_type, NLMSG_DONE);
	assert_int_equal(h->nlmsg_seq, seq);
	return mnl_nlmsg_next(h, rem);
}

/*
 * NAT sessions: a dump several times what the socket holds, read slowly,
 * comes whole and in table order; one with a limit stops at the limit
 * although it paused on the way.
 */
static void
test_server_nat_dump_resumes(void **state)
{
	enum { NSESS = 4000, LIMIT = 3001 };
	struct sluicemsg sm = { .sm_family = AF_INET };
	struct nat_rule_spec rule = { .kind = SLUICE_NAT_MASQUERADE, .port = 1 };
	static struct slist all;
	struct stream s = { 0 };
	const struct nlmsghdr *h;
	struct nlmsghdr *nlh;
	struct wctx w;
	int fd, rem;

	(void)state;
	wctx_init(&w, 0);
	assert_int_equal(addr_add(0, dpt_ip("10.0.0.1"), 24), 0);
	assert_int_equal(addr_add(1, dpt_ip("203.0.113.1"), 24), 0);
	assert_int_equal(nat_rule_add(&rule), 0);
	for (uint32_t i = 0; i < NSESS; i++) {
		struct rte_mbuf *m = dpt_udp("02:00:00:00:00:01", "02:00:00:00:00:77", "10.0.0.2",
					     "198.51.100.7", (uint16_t)(10000 + i), 53, 8);

		rte_pktmbuf_adj(m, sizeof(struct rte_ether_hdr));
		assert_int_equal(nat_prerouting(&w, m, 0), NAT_PASS);
		assert_int_equal(nat_postrouting(&w, m, 0, 1), NAT_PASS);
		rte_pktmbuf_free(m);
	}
	all.n = 0;
	nat_sess_walk(slist_add, &all);
	assert_int_equal(all.n, NSESS);

	fd = client_connect();
	assert_true(fd >= 0);
	qlen = 0;
	q_simple(SLUICE_GETNATSESS, NLM_F_DUMP, 70, &sm, sizeof(sm));
	nlh = q_begin(SLUICE_GETNATSESS, NLM_F_DUMP, 71, &sm, sizeof(sm));
	mnl_attr_put_u32(nlh, SLUICE_NATS_LIMIT, LIMIT);
	q_end(nlh);
	q_simple(NLMSG_NOOP, NLM_F_ACK, 72, NULL, 0);
	q_send_to(fd);
	serve_slow_reader(fd, &s, 72);
	assert_true(s.len > 512 * 1024);
	rem = (int)s.len;
	h = sess_match((const struct nlmsghdr *)s.buf, &rem, &all, NSESS, 70);
	h = sess_match(h, &rem, &all, LIMIT, 71);
	expect_err(h, 72, 0);
	close(fd);
	free(s.buf);
	nat_sess_flush();
	assert_int_equal(nat_rule_del(&rule, true), 0);
	assert_int_equal(addr_del(1, dpt_ip("203.0.113.1"), 24), 0);
	assert_int_equal(addr_del(0, dpt_ip("10.0.0.1"), 24), 0);
	dpt_tx_clear(&w);
}

/* More clients than the limit: the extra ones are told why, closed at
 * once and counted; the others are served. */
static void
test_server_client_limit(void **state)
{
	struct ctl_server_stats st;
	char reply[SLUICE_MSG_MAX];
	int fd[5];

	(void)state;
	server_reopen(3, 0);
	for (int i = 0; i < 5; i++) {
		fd[i] = client_connect();
		assert_true(fd[i] >= 0);
	}
	for (int i = 0; i < 10; i++)
		ctl_server_poll(1);
	ctl_server_stats(&st);
	assert_int_equal(st.clients, 3);
	assert_int_equal(st.clients_refused, 2);
	/* Told why, then closed. */
	for (int i = 3; i < 5; i++) {
		assert_true(recv(fd[i], reply, sizeof(reply), MSG_DONTWAIT) > 0);
		expect_errmsg((const struct nlmsghdr *)reply, 0, -EUSERS,
			      "the dataplane serves 3 control clients, its most");
		assert_int_equal(recv(fd[i], reply, sizeof(reply), MSG_DONTWAIT), 0);
	}
	for (int i = 0; i < 3; i++) {
		qlen = 0;
		q_simple(NLMSG_NOOP, NLM_F_ACK, 50 + i, NULL, 0);
		q_send_to(fd[i]);
		assert_int_equal(serve_recv(fd[i], reply, sizeof(reply)),
				 NLMSG_HDRLEN + sizeof(struct nlmsgerr));
		expect_err((struct nlmsghdr *)reply, 50 + i, 0);
	}
	for (int i = 0; i < 5; i++)
		close(fd[i]);
	/* The slots come back as clients leave. */
	for (int i = 0; i < 10; i++)
		ctl_server_poll(1);
	ctl_server_stats(&st);
	assert_int_equal(st.clients, 0);
}

/* A client that hangs up while its dump waits still has the changes it
 * sent after the dump applied, in order. */
static void
test_server_hangup_changes_apply(void **state)
{
	struct rtmsg rtm = { .rtm_family = AF_INET };
	struct ctl_server_stats st;
	struct route r;
	int fd;

	(void)state;
	big_table();
	fd = client_connect();
	assert_true(fd >= 0);
	qlen = 0;
	q_simple(RTM_GETROUTE, NLM_F_DUMP, 1, &rtm, sizeof(rtm));
	q_route(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, 2, "198.51.100.0", 24,
		NULL, 0, RTN_BLACKHOLE, SLUICE_RTPROT_CLI);
	q_send_to(fd);
	for (int i = 0; i < 20; i++)
		ctl_server_poll(1);
	/* The dump waits for the client: the route is not there yet (the
	 * default route of the table covers the address). */
	assert_int_equal(route_get(dpt_ip("198.51.100.1"), &r), 0);
	assert_int_equal(r.plen, 0);
	close(fd);
	for (int i = 0; i < 20; i++)
		ctl_server_poll(1);
	assert_int_equal(route_get(dpt_ip("198.51.100.1"), &r), 0);
	assert_int_equal(r.plen, 24);
	assert_int_equal(r.type, RTN_BLACKHOLE);
	ctl_server_stats(&st);
	assert_int_equal(st.clients, 0);
	assert_int_equal(st.clients_dropped, 0);	/* it left; nobody dropped it */
	drop_table();
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
		cmocka_unit_test_setup_teardown(test_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_server_socket_file, server_setup, server_teardown),
		cmocka_unit_test_setup_teardown(test_server_oversized, server_setup, server_teardown),
		cmocka_unit_test_setup_teardown(test_server_peercred, server_setup, server_teardown),
		cmocka_unit_test_setup_teardown(test_route_walk_resumes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_server_slow_reader, server_setup, server_teardown),
		cmocka_unit_test_setup_teardown(test_server_stuck_clients, server_setup,
						server_teardown),
		cmocka_unit_test_setup_teardown(test_server_neigh_dump_resumes, server_setup,
						server_teardown),
		cmocka_unit_test_setup_teardown(test_server_nat_dump_resumes, server_setup,
						server_teardown),
		cmocka_unit_test_setup_teardown(test_server_client_limit, server_setup, server_teardown),
		cmocka_unit_test_setup_teardown(test_server_hangup_changes_apply, server_setup,
						server_teardown),
	};

	dpt_init("control");
	return cmocka_run_group_tests(tests, NULL, NULL);
}

