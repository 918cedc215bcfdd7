/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control channel's server: a seqpacket socket on the main lcore, any
 * number of clients, one datagram at a time.  Every request is checked
 * (header inside the datagram, known type, family header present,
 * permission) before its handler runs; replies to the requests of one
 * datagram are packed into as few datagrams as possible so that a batch of
 * routes does not pay a datagram per acknowledgement.
 *
 * Chosen behaviour where the kernel gives none for a stream of datagrams:
 *  - a datagram shorter than a netlink header, or a header whose nlmsg_len
 *    is below the header size or past the end of the datagram, gets one
 *    NLMSG_ERROR -EINVAL (with what could be copied of the header) and the
 *    rest of that datagram is not looked at: nothing after it can be framed;
 *  - a datagram larger than SLUICE_MSG_MAX gets NLMSG_ERROR -EMSGSIZE for
 *    its first header and is otherwise dropped; the connection stays;
 *  - an empty datagram reads as end of file on SOCK_SEQPACKET: the
 *    connection is closed;
 *  - unknown attributes are skipped, as the kernel's non-strict parsing
 *    does; a malformed known one fails the request with -EINVAL;
 *  - error replies carry only the request's header (the kernel's
 *    NETLINK_CAP_ACK behaviour) and say so with NLM_F_CAPPED;
 *  - an error whose handler said why (dp_errmsg) carries the reason as the
 *    kernel's extended ack does, whether or not the client asked with
 *    NETLINK_EXT_ACK (there is no such option here): NLM_F_ACK_TLVS, and an
 *    NLMSGERR_ATTR_MSG string after struct nlmsgerr.  Clients that do not
 *    look (mnl_cb_run) skip it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_common.h>

#include "control.h"
#include "route.h"

#define CTL_SNDTIMEO_S		2	/* a client that does not read is dropped */
#define CTL_RX_PER_POLL		64	/* datagrams per client per poll: fairness */
#define CTL_EVENTS		64

enum ctl_kind { CTL_READ, CTL_CHANGE };

struct ctl_type {
	ctl_handler fn;
	uint16_t famlen;
	uint8_t kind;
};

#define RTM(t, f, fam, k) [(t) - RTM_BASE] = { f, sizeof(fam), k }
static const struct ctl_type rtm_types[RTM_GETNEIGH - RTM_BASE + 1] = {
	RTM(RTM_NEWLINK, link_nl_new, struct ifinfomsg, CTL_CHANGE),
	RTM(RTM_DELLINK, link_nl_del, struct ifinfomsg, CTL_CHANGE),
	RTM(RTM_GETLINK, link_nl_get, struct ifinfomsg, CTL_READ),
	RTM(RTM_NEWADDR, addr_nl_new, struct ifaddrmsg, CTL_CHANGE),
	RTM(RTM_DELADDR, addr_nl_del, struct ifaddrmsg, CTL_CHANGE),
	RTM(RTM_GETADDR, addr_nl_get, struct ifaddrmsg, CTL_READ),
	RTM(RTM_NEWROUTE, route_nl_new, struct rtmsg, CTL_CHANGE),
	RTM(RTM_DELROUTE, route_nl_del, struct rtmsg, CTL_CHANGE),
	RTM(RTM_GETROUTE, route_nl_get, struct rtmsg, CTL_READ),
	RTM(RTM_NEWNEIGH, neigh_nl_new, struct ndmsg, CTL_CHANGE),
	RTM(RTM_DELNEIGH, neigh_nl_del, struct ndmsg, CTL_CHANGE),
	RTM(RTM_GETNEIGH, neigh_nl_get, struct ndmsg, CTL_READ),
};

#define SLM(t, f, k) [(t) - SLUICE_MSG_BASE] = { f, sizeof(struct sluicemsg), k }
static const struct ctl_type sluice_types[SLUICE_MSG_MAX_TYPE - SLUICE_MSG_BASE] = {
	SLM(SLUICE_NEWNATRULE, nat_nl_rule_new, CTL_CHANGE),
	SLM(SLUICE_DELNATRULE, nat_nl_rule_del, CTL_CHANGE),
	SLM(SLUICE_GETNATRULE, nat_nl_rule_get, CTL_READ),
	SLM(SLUICE_GETNATSESS, nat_nl_sess_get, CTL_READ),
	SLM(SLUICE_DELNATSESS, nat_nl_sess_del, CTL_CHANGE),
	SLM(SLUICE_SETNATCONF, nat_nl_conf_set, CTL_CHANGE),
	SLM(SLUICE_GETNATCONF, nat_nl_conf_get, CTL_READ),
	SLM(SLUICE_GETSTATS, stats_nl_get, CTL_READ),
};

static inline const struct ctl_type *
ctl_type_of(uint16_t type)
{
	const struct ctl_type *t = NULL;

	if (type >= RTM_BASE && type <= RTM_GETNEIGH)
		t = &rtm_types[type - RTM_BASE];
	else if (type >= SLUICE_MSG_BASE && type < SLUICE_MSG_MAX_TYPE)
		t = &sluice_types[type - SLUICE_MSG_BASE];
	return t != NULL && t->fn != NULL ? t : NULL;
}

/* The control lcore is the only thread here: one buffer each way. */
static char rx_buf[SLUICE_MSG_MAX];
static char tx_buf[SLUICE_MSG_MAX];

/* ---- replies ---------------------------------------------------------- */

static void
ctl_flush(struct ctl_req *rq)
{
	ssize_t n;

	if (rq->len == 0)
		return;
	if (rq->err == 0) {
		do
			n = send(rq->fd, rq->buf, rq->len, MSG_NOSIGNAL);
		while (n < 0 && errno == EINTR);
		if (n != (ssize_t)rq->len)
			rq->err = n < 0 ? -errno : -EIO;
	}
	/* After a failure the buffer is reused and thrown away, so that
	 * handlers can go on putting without checking. */
	rq->len = 0;
}

struct nlmsghdr *
ctl_msg_begin(struct ctl_req *rq, uint16_t type, uint16_t flags, const void *fam, size_t famlen)
{
	struct nlmsghdr *nlh;

	if (SLUICE_MSG_MAX - rq->len < CTL_MSG_ROOM)
		ctl_flush(rq);
	nlh = mnl_nlmsg_put_header(rq->buf + rq->len);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = rq->nlh->nlmsg_seq;
	nlh->nlmsg_pid = rq->nlh->nlmsg_pid;
	if (famlen > 0) {
		void *p = mnl_nlmsg_put_extra_header(nlh, famlen);

		if (fam != NULL)
			memcpy(p, fam, famlen);
	}
	return nlh;
}

void
ctl_msg_end(struct ctl_req *rq, struct nlmsghdr *nlh)
{
	rq->len += NLMSG_ALIGN(nlh->nlmsg_len);
}

/* NLMSG_ERROR carrying err and a copy of the request header (hdr may be a
 * partial header, len bytes of it), then, for an error with a reason, the
 * kernel's extended ack: NLM_F_ACK_TLVS and NLMSGERR_ATTR_MSG. */
static void
ctl_put_error(struct ctl_req *rq, int err, const void *hdr, size_t len, const char *why)
{
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;

	nlh = ctl_msg_begin(rq, NLMSG_ERROR, NLM_F_CAPPED, NULL, sizeof(*e));
	e = mnl_nlmsg_get_payload(nlh);
	e->error = err;
	memcpy(&e->msg, hdr, RTE_MIN(len, sizeof(e->msg)));
	if (err != 0 && why != NULL && why[0] != '\0') {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, why);
	}
	ctl_msg_end(rq, nlh);
}

static void
ctl_put_done(struct ctl_req *rq)
{
	struct nlmsghdr *nlh;
	int zero = 0;

	nlh = ctl_msg_begin(rq, NLMSG_DONE, NLM_F_MULTI, &zero, sizeof(zero));
	ctl_msg_end(rq, nlh);
}

/* ---- requests --------------------------------------------------------- */

int
ctl_attr_parse(const struct ctl_req *rq, size_t famlen, mnl_attr_cb_t cb, void *data)
{
	const struct nlmsghdr *nlh = rq->nlh;
	size_t off = MNL_NLMSG_HDRLEN + MNL_ALIGN(famlen);

	if (mnl_nlmsg_get_payload_len(nlh) < famlen)
		return -EINVAL;
	while (off + MNL_ATTR_HDRLEN <= nlh->nlmsg_len) {
		const struct nlattr *a = (const struct nlattr *)((const char *)nlh + off);

		if (a->nla_len < MNL_ATTR_HDRLEN || a->nla_len > nlh->nlmsg_len - off)
			return dp_errmsg(-EINVAL, "attribute %u runs past the message",
					 mnl_attr_get_type(a));
		if (cb(a, data) < MNL_CB_OK) {
			/* The callback may have said why. */
			if (dp_errmsg_get()[0] == '\0')
				dp_errmsg(-EINVAL, "attribute %u is malformed", mnl_attr_get_type(a));
			return -EINVAL;
		}
		off += MNL_ALIGN(a->nla_len);
		if (off > nlh->nlmsg_len)	/* last attribute without its padding */
			off = nlh->nlmsg_len;
	}
	return off >= nlh->nlmsg_len ? 0 :
	       dp_errmsg(-EINVAL, "%u stray bytes after the attributes", nlh->nlmsg_len - (uint32_t)off);
}

/* One request; the header is known to lie within the datagram. */
static void
ctl_request(struct ctl_req *rq, bool privileged)
{
	const struct nlmsghdr *nlh = rq->nlh;
	const struct ctl_type *t;
	bool dump = false;
	int err;

	dp_errmsg_clear();
	/* Control messages from a client (NOOP, DONE...) carry nothing to do. */
	if (nlh->nlmsg_type < NLMSG_MIN_TYPE) {
		err = 0;
		goto reply;
	}
	t = ctl_type_of(nlh->nlmsg_type);
	if (t == NULL)
		err = -EOPNOTSUPP;
	else if (mnl_nlmsg_get_payload_len(nlh) < t->famlen)
		err = -EINVAL;
	else if (t->kind == CTL_CHANGE && !privileged)
		err = -EPERM;
	else {
		dump = t->kind == CTL_READ && ctl_is_dump(rq);
		err = t->fn(rq);
	}
reply:
	if (rq->err != 0)
		return;
	if (dump && err == 0)
		ctl_put_done(rq);
	else if (err != 0 || (nlh->nlmsg_flags & NLM_F_ACK))
		ctl_put_error(rq, err, nlh, sizeof(*nlh), dp_errmsg_get());
}

/* Returns 0, or -errno when the client could not be answered. */
static int
ctl_process_datagram(int fd, const char *data, size_t len, bool privileged)
{
	struct ctl_req rq = { .fd = fd, .buf = tx_buf };
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)data;
	int rem = (int)RTE_MIN(len, (size_t)SLUICE_MSG_MAX);
	struct nlmsghdr zero = { 0 };

	if (len < sizeof(struct nlmsghdr)) {
		/* Not even a header: answer what we can so the client is not
		 * left waiting. */
		if (len > 0)
			memcpy(&zero, data, len);
		rq.nlh = &zero;
		ctl_put_error(&rq, -EINVAL, &zero, sizeof(zero), NULL);
	}
	for (; rem >= (int)sizeof(*nlh); nlh = mnl_nlmsg_next(nlh, &rem)) {
		rq.nlh = nlh;
		/* mnl_nlmsg_ok compares nlmsg_len as an int: a length above
		 * 2^31 would pass it, so compare unsigned here. */
		if (nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > (uint32_t)rem) {
			ctl_put_error(&rq, -EINVAL, nlh, sizeof(*nlh), NULL);
			break;
		}
		ctl_request(&rq, privileged);
		if (rq.err != 0)
			break;
	}
	ctl_flush(&rq);
	route_sync();
	return rq.err;
}

void
ctl_process(int fd, const char *data, size_t len, bool privileged)
{
	(void)ctl_process_datagram(fd, data, len, privileged);
}

/* ---- server ----------------------------------------------------------- */

struct ctl_client {
	int fd;
	bool privileged;
	pid_t pid;
	struct ctl_client *prev, *next;
};

static struct {
	int lfd, epfd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	gid_t group;
	bool group_set;
	unsigned int nb_clients;
	struct ctl_client *clients;
} srv = { .lfd = -1, .epfd = -1 };

/* Is gid among the supplementary groups of pid? */
static bool
pid_in_group(pid_t pid, gid_t gid)
{
	char path[64], line[4096];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (f == NULL)
		return false;
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		char *p, *end;

		if (strncmp(line, "Groups:", 7) != 0)
			continue;
		for (p = line + 7;; p = end) {
			unsigned long g = strtoul(p, &end, 10);

			if (end == p)
				break;
			if ((gid_t)g == gid) {
				found = true;
				break;
			}
		}
		break;
	}
	fclose(f);
	return found;
}

static bool
peer_privileged(int fd, pid_t *pid)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
		return false;
	*pid = cred.pid;
	/* Root, and whoever runs the dataplane itself, may change state. */
	if (cred.uid == 0 || cred.uid == geteuid())
		return true;
	if (!srv.group_set)
		return false;
	return cred.gid == srv.group || pid_in_group(cred.pid, srv.group);
}

static void
client_close(struct ctl_client *c)
{
	epoll_ctl(srv.epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		srv.clients = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	srv.nb_clients--;
	free(c);
}

static void
server_accept(void)
{
	struct timeval tv = { .tv_sec = CTL_SNDTIMEO_S };
	struct epoll_event ev = { .events = EPOLLIN };
	struct ctl_client *c;
	int fd;

	for (;;) {
		fd = accept4(srv.lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				fprintf(stderr, "sluice-dataplane: control socket: accept: %s\n",
					strerror(errno));
			return;
		}
		c = calloc(1, sizeof(*c));
		/* Replies are sent blocking, but never for longer than this. */
		if (c == NULL || setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0) {
			free(c);
			close(fd);
			continue;
		}
		c->fd = fd;
		c->privileged = peer_privileged(fd, &c->pid);
		ev.data.ptr = c;
		if (epoll_ctl(srv.epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
			free(c);
			close(fd);
			continue;
		}
		c->next = srv.clients;
		if (srv.clients != NULL)
			srv.clients->prev = c;
		srv.clients = c;
		srv.nb_clients++;
	}
}

/* Read what the client sent; false when it is gone. */
static bool
client_read(struct ctl_client *c)
{
	for (int i = 0; i < CTL_RX_PER_POLL; i++) {
		struct iovec iov = { .iov_base = rx_buf, .iov_len = sizeof(rx_buf) };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n;

		n = recvmsg(c->fd, &msg, MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN || errno == EWOULDBLOCK;
		}
		if (n == 0)
			return false;
		if ((size_t)n > sizeof(rx_buf) || (msg.msg_flags & MSG_TRUNC)) {
			struct ctl_req rq = { .fd = c->fd, .buf = tx_buf,
					      .nlh = (const struct nlmsghdr *)rx_buf };

			ctl_put_error(&rq, -EMSGSIZE, rx_buf, sizeof(struct nlmsghdr), NULL);
			ctl_flush(&rq);
			if (rq.err != 0)
				return false;
			continue;
		}
		if (ctl_process_datagram(c->fd, rx_buf, n, c->privileged) != 0)
			return false;
	}
	return true;
}

/* mkdir -p for the directory holding path. */
static int
mkdir_parent(const char *path)
{
	char dir[sizeof(srv.path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return 0;
	*slash = '\0';
	for (char *p = dir + 1;; p++) {
		bool last = *p == '\0';

		if (*p != '/' && !last)
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) != 0 && errno != EEXIST)
			return -errno;
		if (last)
			return 0;
		*p = '/';
	}
}

/* Remove a socket file left by a dataplane that died; refuse to steal the
 * socket of one that still answers. */
static int
remove_stale(const struct sockaddr_un *sa)
{
	struct stat st;
	int fd, ret;

	if (lstat(sa->sun_path, &st) != 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	ret = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	close(fd);
	if (ret == 0)
		return -EADDRINUSE;
	return unlink(sa->sun_path) == 0 || errno == ENOENT ? 0 : -errno;
}

static int
server_fail(const char *path, const char *what, int err, int lfd, int epfd)
{
	fprintf(stderr, "sluice-dataplane: control socket %s: %s: %s\n",
		path, what, strerror(-err));
	if (lfd >= 0)
		close(lfd);
	if (epfd >= 0)
		close(epfd);
	return err;
}

int
ctl_server_open(const struct ctl_server_conf *conf)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &srv };
	const char *path = conf->path;
	int lfd = -1, epfd = -1, ret;
	mode_t old_mask;

	if (srv.lfd >= 0)
		return -EBUSY;
	if (path[0] == '\0' || strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "sluice-dataplane: control socket path '%s' is empty or "
			"longer than %zu bytes\n", path, sizeof(sa.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);

	ret = mkdir_parent(path);
	if (ret != 0)
		return server_fail(path, "creating its directory", ret, lfd, epfd);
	ret = remove_stale(&sa);
	if (ret != 0)
		return server_fail(path, ret == -EADDRINUSE ? "another dataplane listens there" :
				   "removing the old file", ret, lfd, epfd);
	lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		return server_fail(path, "socket", -errno, lfd, epfd);
	/* Never exist with wider permissions than 0660, not even briefly. */
	old_mask = umask(0117);
	ret = bind(lfd, (const struct sockaddr *)&sa, sizeof(sa)) == 0 ? 0 : -errno;
	umask(old_mask);
	if (ret != 0)
		return server_fail(path, "bind", ret, lfd, epfd);
	/* From here on the file is ours: a failure removes it. */
	if (chmod(path, 0660) != 0)
		ret = server_fail(path, "chmod", -errno, lfd, epfd);
	else if (conf->group_set && chown(path, (uid_t)-1, conf->group) != 0)
		ret = server_fail(path, "chown to --group", -errno, lfd, epfd);
	else if (listen(lfd, 128) != 0)
		ret = server_fail(path, "listen", -errno, lfd, epfd);
	else if ((epfd = epoll_create1(EPOLL_CLOEXEC)) < 0)
		ret = server_fail(path, "epoll", -errno, lfd, epfd);
	else if (epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &ev) != 0)
		ret = server_fail(path, "epoll", -errno, lfd, epfd);
	if (ret != 0) {
		unlink(path);
		return ret;
	}
	snprintf(srv.path, sizeof(srv.path), "%s", path);
	srv.group = conf->group;
	srv.group_set = conf->group_set;
	srv.lfd = lfd;
	srv.epfd = epfd;
	return 0;
}

void
ctl_server_poll(int timeout_ms)
{
	struct epoll_event ev[CTL_EVENTS];
	int n;

	if (srv.epfd < 0)
		return;
	n = epoll_wait(srv.epfd, ev, CTL_EVENTS, timeout_ms);
	for (int i = 0; i < n; i++) {
		struct ctl_client *c = ev[i].data.ptr;

		if (ev[i].data.ptr == &srv)
			server_accept();
		else if (!client_read(c))
			client_close(c);
	}
}

void
ctl_server_close(void)
{
	while (srv.clients != NULL)
		client_close(srv.clients);
	if (srv.lfd >= 0) {
		close(srv.lfd);
		unlink(srv.path);
	}
	if (srv.epfd >= 0)
		close(srv.epfd);
	srv.lfd = srv.epfd = -1;
}
