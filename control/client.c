/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Client side of the control channel: AF_UNIX SOCK_SEQPACKET, netlink
 * messages built with libmnl, answers walked with mnl_cb_run2.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "client.h"
#include "nlmsg.h"

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

/* An answer that never comes is a dead dataplane, not a reason to hang. */
#define CTL_TIMEOUT_MS 15000

int
ctl_connect(struct ctl_conn *c, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, err;

	c->fd = -1;
	c->seq = (uint32_t)getpid() << 8;	/* stale answers never match */
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	if (!c->rbuf && !(c->rbuf = malloc(SLUICE_MSG_MAX))) {
		close(fd);
		return -ENOMEM;
	}
	c->fd = fd;
	return 0;
}

void
ctl_close(struct ctl_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->rbuf);
	c->rbuf = NULL;
}

bool
ctl_lost(int err)
{
	return err == -ECONNRESET || err == -EPIPE || err == -ENOTCONN || err == -ETIMEDOUT ||
	       err == -ECONNREFUSED || err == -ENOENT || err == -EBADF || err == -EUSERS;
}

static ssize_t recv_dg(struct ctl_conn *c, int timeout_ms);

/* One datagram; with fd >= 0, fd rides along in SCM_RIGHTS. */
static int
send_all(struct ctl_conn *c, const void *buf, size_t len, int fd)
{
	struct iovec iov = { .iov_base = (void *)(uintptr_t)buf, .iov_len = len };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} cm;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (fd >= 0) {
		msg.msg_control = cm.buf;
		msg.msg_controllen = sizeof(cm.buf);
		cm.h.cmsg_level = SOL_SOCKET;
		cm.h.cmsg_type = SCM_RIGHTS;
		cm.h.cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(&cm.h), &fd, sizeof(int));
	}
	do
		n = sendmsg(c->fd, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		int err = -errno;

		/* Closed on us: a refusal may wait to be read. */
		if ((err == -EPIPE || err == -ECONNRESET) && recv_dg(c, 0) == -EUSERS)
			return -EUSERS;
		return err;
	}
	return (size_t)n == len ? 0 : -EMSGSIZE;
}

/*
 * The dataplane refuses a connection beyond its limit of clients with one
 * error before it closes, about no request: sequence 0 and an empty
 * request header, where an answer quotes its request, whose type is never
 * 0.  -EUSERS and its reason in c->errmsg, or 0 when the n bytes are
 * something else.
 */
static int
refusal(struct ctl_conn *c, size_t n)
{
	const struct nlmsghdr *nlh = (const void *)c->rbuf;
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

	if (!mnl_nlmsg_ok(nlh, (int)n) || nlh->nlmsg_type != NLMSG_ERROR ||
	    nlh->nlmsg_seq != 0 || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)) ||
	    e->error == 0 || e->msg.nlmsg_type != 0)
		return 0;
	ctl_ext_ack_msg(nlh, c->errmsg, sizeof(c->errmsg));
	return -EUSERS;
}

/* One datagram into c->rbuf: its length, or -errno. */
static ssize_t
recv_dg(struct ctl_conn *c, int timeout_ms)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	ssize_t n;
	int r;

	do
		r = poll(&pfd, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (r == 0)
		return -ETIMEDOUT;
	do
		n = recv(c->fd, c->rbuf, SLUICE_MSG_MAX, MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	/* A peer that closed with our request unread leaves a reset, which
	 * the kernel reports before what it sent: a refusal may follow. */
	if (n < 0 && errno == ECONNRESET) {
		n = recv(c->fd, c->rbuf, SLUICE_MSG_MAX, MSG_DONTWAIT);
		if (n <= 0)
			return -ECONNRESET;
	}
	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	if (n == 0)
		return -ECONNRESET;
	return refusal(c, (size_t)n) ?: n;
}

struct wait_ctx {
	uint32_t seq;
	int err;
	bool done, get;
	ctl_msg_cb cb;
	void *arg;
	char *msg;		/* the error's reason goes here */
};

static int
on_data(const struct nlmsghdr *nlh, void *data)
{
	struct wait_ctx *w = data;

	if (nlh->nlmsg_seq != w->seq)
		return MNL_CB_OK;	/* a late answer to an earlier request */
	if (w->cb && w->cb(nlh, w->arg))
		w->err = w->err ? w->err : -EPROTO;
	if (w->get) {
		w->done = true;
		return MNL_CB_STOP;
	}
	return MNL_CB_OK;
}

char *
ctl_ext_ack_msg(const struct nlmsghdr *nlh, char *msg, size_t len)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*e), n;
	const struct nlattr *a;

	msg[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
		return msg;
	/* Without NLM_F_CAPPED the whole request comes back before the TLVs. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < sizeof(struct nlmsghdr) ||
		    e->msg.nlmsg_len - sizeof(struct nlmsghdr) > nlh->nlmsg_len)
			return msg;
		off += MNL_ALIGN(e->msg.nlmsg_len - sizeof(struct nlmsghdr));
	}
	if (MNL_NLMSG_HDRLEN + off > nlh->nlmsg_len)
		return msg;
	mnl_attr_for_each(a, nlh, off) {
		if (mnl_attr_get_type(a) != NLMSGERR_ATTR_MSG ||
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
			continue;
		snprintf(msg, len, "%s", mnl_attr_get_str(a));
		/* The printers add the period, as iproute2 does when it is missing. */
		n = strlen(msg);
		if (n > 0 && msg[n - 1] == '.')
			msg[n - 1] = '\0';
		break;
	}
	return msg;
}

static int
on_error(const struct nlmsghdr *nlh, void *data)
{
	struct wait_ctx *w = data;
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_seq != w->seq)
		return MNL_CB_OK;
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
		w->err = -EPROTO;
	else if (e->error)
		w->err = e->error < 0 ? e->error : -e->error;
	if (w->err && w->msg)
		ctl_ext_ack_msg(nlh, w->msg, SLUICE_ERRMSG_MAX);
	w->done = true;
	return MNL_CB_STOP;
}

static int
on_done(const struct nlmsghdr *nlh, void *data)
{
	struct wait_ctx *w = data;

	if (nlh->nlmsg_seq != w->seq)
		return MNL_CB_OK;
	w->done = true;
	return MNL_CB_STOP;
}

static int
on_noop(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

static int
wait_answer(struct ctl_conn *c, struct wait_ctx *w)
{
	static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
		[NLMSG_NOOP] = on_noop,
		[NLMSG_ERROR] = on_error,
		[NLMSG_DONE] = on_done,
		[NLMSG_OVERRUN] = on_noop,
	};

	while (!w->done) {
		ssize_t n = recv_dg(c, CTL_TIMEOUT_MS);

		if (n < 0)
			return (int)n;
		if (mnl_cb_run2(c->rbuf, (size_t)n, 0, 0, on_data, w, ctl_cbs, NLMSG_MIN_TYPE) < 0)
			return -EPROTO;
	}
	return w->err;
}

/* Send nlh with the next sequence number and wait for w's answer. */
static int
transact(struct ctl_conn *c, struct nlmsghdr *nlh, struct wait_ctx *w, int fd)
{
	int err;

	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = w->seq = ++c->seq;
	c->errmsg[0] = '\0';
	w->msg = c->errmsg;
	if ((err = send_all(c, nlh, nlh->nlmsg_len, fd)))
		return err;
	return wait_answer(c, w);
}

int
ctl_request(struct ctl_conn *c, struct nlmsghdr *nlh)
{
	struct wait_ctx w = { 0 };

	return transact(c, nlh, &w, -1);
}

int
ctl_request_fd(struct ctl_conn *c, struct nlmsghdr *nlh, int fd)
{
	struct wait_ctx w = { 0 };

	return transact(c, nlh, &w, fd);
}

int
ctl_dump(struct ctl_conn *c, struct nlmsghdr *nlh, ctl_msg_cb cb, void *arg)
{
	struct wait_ctx w = { .cb = cb, .arg = arg };

	w.get = !(nlh->nlmsg_flags & NLM_F_DUMP);
	return transact(c, nlh, &w, -1);
}

int
ctl_pipe_init(struct ctl_pipe *p, struct ctl_conn *c, ctl_pipe_err_fn fn, void *arg)
{
	memset(p, 0, sizeof(*p));
	p->c = c;
	p->on_error = fn;
	p->arg = arg;
	p->buf = malloc(SLUICE_MSG_MAX);
	return p->buf ? 0 : -ENOMEM;
}

void
ctl_pipe_free(struct ctl_pipe *p)
{
	free(p->buf);
	p->buf = NULL;
}

/* Retire what an answer with this seq proves done; report failures. */
static void
pipe_answer(struct ctl_pipe *p, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	uint32_t seq = nlh->nlmsg_seq;

	if (p->dg_tail == p->dg_head)
		return;
	/* Only seqs in flight: after what is retired, up to the last sent. */
	if ((int32_t)(seq - (p->dg[p->dg_tail % CTL_PIPE_RING].last_seq -
			     p->dg[p->dg_tail % CTL_PIPE_RING].msgs)) <= 0 ||
	    (int32_t)(seq - p->dg[(p->dg_head - 1) % CTL_PIPE_RING].last_seq) > 0)
		return;
	if (nlh->nlmsg_len >= mnl_nlmsg_size(sizeof(*e)) && e->error) {
		char msg[SLUICE_ERRMSG_MAX];

		p->errors++;
		if (p->on_error)
			p->on_error(p->arg, p->tag[seq % CTL_PIPE_RING],
				    p->type[seq % CTL_PIPE_RING], e->error < 0 ? e->error : -e->error,
				    ctl_ext_ack_msg(nlh, msg, sizeof(msg)));
	}
	while (p->dg_tail != p->dg_head) {
		struct ctl_pipe_dg *d = &p->dg[p->dg_tail % CTL_PIPE_RING];

		if ((int32_t)(d->last_seq - seq) > 0)
			break;
		p->inflight_bytes -= d->bytes;
		p->inflight_msgs -= d->msgs;
		p->dg_tail++;
	}
}

/* Read answers: wait up to timeout_ms for the first datagram. */
static int
pipe_read(struct ctl_pipe *p, int timeout_ms)
{
	for (;;) {
		ssize_t n = recv_dg(p->c, timeout_ms);
		const struct nlmsghdr *nlh;
		int len;

		if (n == -ETIMEDOUT && timeout_ms == 0)
			return 0;
		if (n < 0)
			return p->fatal = (int)n;
		if (n == 0)
			return 0;
		len = (int)n;
		for (nlh = (const void *)p->c->rbuf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len))
			if (nlh->nlmsg_type == NLMSG_ERROR)
				pipe_answer(p, nlh);
		timeout_ms = 0;
	}
}

static int
pipe_send(struct ctl_pipe *p)
{
	struct nlmsghdr *last;
	struct ctl_pipe_dg *d;
	int err;

	if (p->nmsgs == 0)
		return 0;
	while (p->inflight_bytes && (p->inflight_bytes + p->len > CTL_PIPE_WINDOW ||
				     p->inflight_msgs + p->nmsgs > CTL_PIPE_RING))
		if (pipe_read(p, CTL_TIMEOUT_MS) < 0)
			return p->fatal;
	last = (struct nlmsghdr *)(p->buf + p->last_off);
	last->nlmsg_flags |= NLM_F_ACK;
	/* Drain answers first so that the server never blocks on us. */
	if (pipe_read(p, 0) < 0)
		return p->fatal;
	if ((err = send_all(p->c, p->buf, p->len, -1)))
		return p->fatal = err;
	d = &p->dg[p->dg_head++ % CTL_PIPE_RING];
	d->last_seq = last->nlmsg_seq;
	d->bytes = (uint32_t)p->len;
	d->msgs = p->nmsgs;
	p->inflight_bytes += p->len;
	p->inflight_msgs += p->nmsgs;
	p->len = 0;
	p->nmsgs = 0;
	return 0;
}

void *
ctl_pipe_room(struct ctl_pipe *p)
{
	if (unlikely(p->fatal))
		return NULL;
	if (unlikely(p->len + NL_ROOM > SLUICE_MSG_MAX || p->nmsgs >= CTL_PIPE_RING / 4) &&
	    pipe_send(p))
		return NULL;
	return p->buf + p->len;
}

void
ctl_pipe_commit(struct ctl_pipe *p, struct nlmsghdr *nlh, uint32_t tag)
{
	uint32_t seq = ++p->c->seq;

	nlh->nlmsg_flags |= NLM_F_REQUEST;
	nlh->nlmsg_seq = seq;
	p->tag[seq % CTL_PIPE_RING] = tag;
	p->type[seq % CTL_PIPE_RING] = nlh->nlmsg_type;
	p->last_off = p->len;
	p->len += MNL_ALIGN(nlh->nlmsg_len);
	p->nmsgs++;
}

int
ctl_pipe_wait(struct ctl_pipe *p)
{
	if (p->fatal || pipe_send(p))
		return p->fatal;
	while (p->dg_tail != p->dg_head)
		if (pipe_read(p, CTL_TIMEOUT_MS) < 0)
			return p->fatal;
	return 0;
}

const char *
ctl_error(const struct ctl_conn *c, uint16_t type, int err)
{
	/* A reason for a lost connection would be a stale one, but for a
	 * refusal's own. */
	return c->errmsg[0] && (!ctl_lost(err) || err == -EUSERS) ? c->errmsg :
	       ctl_strerror(type, err);
}

const char *
ctl_strerror(uint16_t type, int err)
{
	static char buf[128];
	const char *what;

	switch (type) {
	case RTM_NEWLINK: case RTM_DELLINK: case RTM_GETLINK: what = "port"; break;
	case RTM_NEWADDR: case RTM_DELADDR: case RTM_GETADDR: what = "address"; break;
	case RTM_NEWROUTE: case RTM_DELROUTE: case RTM_GETROUTE: what = "route"; break;
	case RTM_NEWNEIGH: case RTM_DELNEIGH: case RTM_GETNEIGH: what = "neighbour"; break;
	case SLUICE_NEWNATRULE: case SLUICE_DELNATRULE: what = "NAT rule"; break;
	default: what = NULL;
	}
	switch (-err) {
	case EEXIST:
		if (what) {
			snprintf(buf, sizeof(buf), "%s exists", what);
			return buf;
		}
		break;
	case ESRCH:
	case ENOENT:
		if (type == RTM_GETROUTE)
			return "no route to host";
		if (what) {
			snprintf(buf, sizeof(buf), "no such %s", what);
			return buf;
		}
		break;
	case ENETUNREACH:
		return type == RTM_GETROUTE ? "network is unreachable" :
		       "gateway is not on a connected network";
	case ENODEV:
		return "no such port";
	case ENOSPC:
		if (what) {
			snprintf(buf, sizeof(buf), "%s table is full", what);
			return buf;
		}
		break;
	case EPERM:
	case EACCES:
		return "permission denied (root or the dataplane's group may change state)";
	case EOPNOTSUPP:
		return "not supported by the dataplane";
	case ETIMEDOUT:
		return "no answer from the dataplane";
	case ECONNRESET:
	case EPIPE:
		return "the dataplane closed the connection";
	case EUSERS:
		return "the dataplane serves as many control clients as it takes";
	}
	snprintf(buf, sizeof(buf), "%s", strerror(-err));
	return buf;
}
