/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control channel's framing and server: validation of what clients
 * send (truncated, overlong, unknown, malformed, garbage), reply semantics
 * (acks, errors, dumps, packing many answers into one datagram),
 * permissions, and the socket itself (file mode, stale files, oversized
 * datagrams, SO_PEERCRED).  The handlers' own tests are test_control_nl.c.
 */
#include "ctl_test.h"

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
	};

	dpt_init("control");
	return cmocka_run_group_tests(tests, NULL, NULL);
}

