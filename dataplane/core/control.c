/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control channel's server: a seqpacket socket on the main lcore, up to
 * CTL_CLIENTS_MAX clients, one datagram at a time.  Every request is
 * checked (header inside the datagram, known type, family header present,
 * permission) before its handler runs; replies to the requests of one
 * datagram are packed into as few datagrams as possible so that a batch of
 * routes does not pay a datagram per acknowledgement.
 *
 * The main lcore also answers ARP and runs the timers, so nothing here
 * waits for a client.  Sockets are non-blocking; a reply datagram the
 * socket refuses waits in the client's queue, and while anything waits the
 * client's next request is not started (nor its next datagram read: the
 * kernel's socket buffer pushes back on the client) and its dump pauses,
 * to resume from where it stopped when the socket takes the queue
 * (EPOLLOUT).  So a client costs at most its queue (CTL_OUTQ_MAX, in
 * practice a datagram or two) and the rest of one request datagram,
 * whatever it asks for.  A client whose replies have waited CTL_STALL_MS
 * unread is disconnected.  Each poll does a bounded amount of work per
 * client and in all (CTL_STEP_BYTES, CTL_POLL_BYTES of requests and
 * replies), so a client reading as fast as we write does not hold the
 * lcore either.
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
#include <time.h>
#include <unistd.h>

#include <rte_common.h>

#include "capture.h"
#include "control.h"
#include "log.h"
#include "route.h"
#include "trace.h"
#include "route6.h"

#define CTL_RX_PER_POLL		64	/* datagrams per client per poll: fairness */
#define CTL_EVENTS		64
#define CTL_STEP_BYTES		(256 * 1024)	/* work per client per poll */
#define CTL_POLL_BYTES		(1024 * 1024)	/* work per poll */
#define CTL_STALL_CHECK_MS	100

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
	/* Changes: seeing the traffic takes the rights to change the router. */
	SLM(SLUICE_NEWCAPTURE, capture_nl_new, CTL_CHANGE),
	SLM(SLUICE_DELCAPTURE, capture_nl_del, CTL_CHANGE),
	SLM(SLUICE_NEWTRACE, trace_nl_new, CTL_CHANGE),
	SLM(SLUICE_DELTRACE, trace_nl_del, CTL_CHANGE),
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

/* One reply datagram the client's socket has not taken yet. */
struct ctl_out {
	struct ctl_out *next;
	size_t len;
	char data[];
};

struct ctl_client {
	int fd;
	bool privileged;
	bool gone;		/* its socket failed: replies are thrown away */
	bool dropped;		/* went past a limit: to be closed */
	pid_t pid;
	int rx_fd;		/* a descriptor its last datagram carried, or -1 */
	uint32_t events;	/* what epoll watches for it */
	size_t made;		/* request and reply bytes in this poll */
	/* The request datagram being worked through: rx_buf or the caller's
	 * buffer during the call that read it, a copy of its rest (held)
	 * while its replies wait. */
	const char *in;
	size_t in_len, in_off;
	bool in_held;
	bool in_dump;		/* the request at in_off is a paused dump */
	uint64_t args[CTL_DUMP_ARGS];
	/* Replies waiting for the socket, oldest first. */
	struct ctl_out *oq, **oq_tail;
	size_t oq_bytes;
	uint64_t moved;		/* reply datagrams the socket took */
	uint64_t stall_since;	/* ms: since when work waits without progress */
	struct ctl_client *prev, *next;
};

static struct {
	int lfd, epfd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	gid_t group;
	bool group_set;
	unsigned int max_clients, stall_ms;
	size_t outq_max;
	unsigned int nb_clients;
	struct ctl_client *clients;
	size_t made;		/* work in this poll, over all clients */
	uint64_t next_stall_check;
	uint64_t dropped, refused;
} srv = {
	.lfd = -1, .epfd = -1,
	.max_clients = CTL_CLIENTS_MAX, .stall_ms = CTL_STALL_MS, .outq_max = CTL_OUTQ_MAX,
};

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- replies ---------------------------------------------------------- */

/* Replies wait, or this client had its share of the poll: start nothing. */
static inline bool
client_held(const struct ctl_client *c, size_t pending)
{
	return c->oq != NULL || c->made + pending >= CTL_STEP_BYTES;
}

bool
ctl_dump_full(const struct ctl_req *rq)
{
	/* Only dumps pause: any other reply is a message or a few. */
	return ctl_is_dump(rq) && client_held(rq->c, rq->len);
}

static void
client_oq_free(struct ctl_client *c)
{
	while (c->oq != NULL) {
		struct ctl_out *o = c->oq;

		c->oq = o->next;
		free(o);
	}
	c->oq_tail = &c->oq;
	c->oq_bytes = 0;
}

/* Its socket failed (hung up, reset): nobody reads what we would send. */
static int
client_gone(struct ctl_client *c)
{
	c->gone = true;
	client_oq_free(c);
	return -EPIPE;
}

/* One reply datagram for the client: to its socket when nothing waits
 * before it, else to the end of its queue.  0, or -errno when the client
 * is gone or dropped. */
static int
client_send(struct ctl_client *c, const char *buf, size_t len)
{
	struct ctl_out *o;
	ssize_t n;

	c->made += len;
	if (c->gone)
		return 0;
	if (c->oq == NULL) {
		do
			n = send(c->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		while (n < 0 && errno == EINTR);
		if (n == (ssize_t)len) {
			c->moved++;
			return 0;
		}
		if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			return client_gone(c);
	}
	if (c->oq_bytes + len > srv.outq_max || (o = malloc(sizeof(*o) + len)) == NULL) {
		c->dropped = true;
		return -ENOBUFS;
	}
	o->next = NULL;
	o->len = len;
	memcpy(o->data, buf, len);
	*c->oq_tail = o;
	c->oq_tail = &o->next;
	c->oq_bytes += len;
	return 0;
}

/* Send what waits, as far as the socket takes it. */
static void
client_drain(struct ctl_client *c)
{
	while (c->oq != NULL) {
		struct ctl_out *o = c->oq;
		ssize_t n;

		do
			n = send(c->fd, o->data, o->len, MSG_DONTWAIT | MSG_NOSIGNAL);
		while (n < 0 && errno == EINTR);
		if (n != (ssize_t)o->len) {
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				return;
			client_gone(c);
			return;
		}
		c->oq = o->next;
		if (c->oq == NULL)
			c->oq_tail = &c->oq;
		c->oq_bytes -= o->len;
		free(o);
		c->moved++;
	}
}

static void
ctl_flush(struct ctl_req *rq)
{
	if (rq->len == 0)
		return;
	if (rq->err == 0)
		rq->err = client_send(rq->c, rq->buf, rq->len);
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

/* One request; the header is known to lie within the datagram.  Returns
 * CTL_DUMP_MORE when it is a dump that paused, else 0 (answered). */
static int
ctl_request(struct ctl_req *rq, bool privileged)
{
	const struct nlmsghdr *nlh = rq->nlh;
	const struct ctl_type *t;
	bool dump = false;
	int err;

	dp_errmsg_clear();
	/* Control messages from a client (NOOP, DONE...) carry nothing to do,
	 * nor does what is not a request (a reply, a notification sent back):
	 * as the kernel, only NLM_F_ACK gets it an answer. */
	if (nlh->nlmsg_type < NLMSG_MIN_TYPE || !(nlh->nlmsg_flags & NLM_F_REQUEST)) {
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
	else if (t->kind == CTL_READ && rq->c->gone)
		return 0;	/* it hung up: changes still apply, reads are moot */
	else {
		dump = t->kind == CTL_READ && ctl_is_dump(rq);
		err = t->fn(rq);
		if (dump && err == CTL_DUMP_MORE && rq->err == 0)
			return CTL_DUMP_MORE;
	}
reply:
	if (rq->err != 0)
		return 0;
	if (dump && err == 0)
		ctl_put_done(rq);
	else if (err != 0 || (nlh->nlmsg_flags & NLM_F_ACK))
		ctl_put_error(rq, err, nlh, sizeof(*nlh), dp_errmsg_get());
	return 0;
}

/*
 * Work through the requests of c->in from c->in_off on, until the datagram
 * ends or the client's replies back up; then keep a copy of what is left
 * (the paused dump's request first) for later.
 */
static void
client_requests(struct ctl_client *c)
{
	struct ctl_req rq = { .c = c, .buf = tx_buf, .args = c->args };
	size_t rem;

	while (!c->dropped && (rem = c->in_len - c->in_off) >= sizeof(struct nlmsghdr)) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)(c->in + c->in_off);

		if (!c->in_dump && client_held(c, rq.len))
			break;
		rq.nlh = nlh;
		rq.err = 0;
		/* mnl_nlmsg_ok compares nlmsg_len as an int: a length above
		 * 2^31 would pass it, so compare unsigned here. */
		if (nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > rem) {
			/* Nothing after it can be framed. */
			ctl_put_error(&rq, -EINVAL, nlh, sizeof(*nlh), NULL);
			c->in_off = c->in_len;
			break;
		}
		c->in_dump = ctl_request(&rq, c->privileged) == CTL_DUMP_MORE;
		if (c->in_dump)
			break;
		memset(c->args, 0, sizeof(c->args));
		c->in_off += RTE_MIN((size_t)NLMSG_ALIGN(nlh->nlmsg_len), rem);
	}
	ctl_flush(&rq);
	route_sync();
	route6_sync();

	rem = c->in_len - c->in_off;
	if (c->dropped || rem < sizeof(struct nlmsghdr)) {
		if (c->in_held)
			free((void *)(uintptr_t)c->in);
		c->in = NULL;
		c->in_held = c->in_dump = false;
		memset(c->args, 0, sizeof(c->args));
	} else if (!c->in_held) {
		char *copy = malloc(rem);

		if (copy == NULL) {
			c->dropped = true;
			c->in = NULL;
			return;
		}
		memcpy(copy, c->in + c->in_off, rem);
		c->in = copy;
		c->in_len = rem;
		c->in_off = 0;
		c->in_held = true;
	}
}

/* A datagram from the client; data need live only during the call. */
static void
client_datagram(struct ctl_client *c, const char *data, size_t len)
{
	c->made += len;
	if (len < sizeof(struct nlmsghdr)) {
		/* Not even a header: answer what we can so the client is not
		 * left waiting. */
		struct nlmsghdr zero = { 0 };
		struct ctl_req rq = { .c = c, .buf = tx_buf, .nlh = &zero, .args = c->args };

		if (len > 0)
			memcpy(&zero, data, len);
		ctl_put_error(&rq, -EINVAL, &zero, sizeof(zero), NULL);
		ctl_flush(&rq);
		return;
	}
	c->in = data;
	c->in_len = RTE_MIN(len, (size_t)SLUICE_MSG_MAX);
	c->in_off = 0;
	c->in_held = false;
	client_requests(c);
}

int
ctl_take_fd(struct ctl_req *rq)
{
	int fd = rq->c->rx_fd;

	rq->c->rx_fd = -1;
	return fd;
}

static void
client_release(struct ctl_client *c)
{
	/* Its capture or trace ends with it. */
	capture_stop(c);
	trace_stop(c);
	if (c->rx_fd >= 0)
		close(c->rx_fd);
	c->rx_fd = -1;
	if (c->in_held)
		free((void *)(uintptr_t)c->in);
	c->in = NULL;
	c->in_held = false;
	client_oq_free(c);
}

void
ctl_process(int fd, const char *data, size_t len, bool privileged)
{
	struct ctl_client c = { .fd = fd, .privileged = privileged, .rx_fd = -1 };

	c.oq_tail = &c.oq;
	client_datagram(&c, data, len);
	/* Finish what the datagram started, as far as fd takes it now. */
	while (c.in != NULL && !c.dropped) {
		c.made = 0;
		client_drain(&c);
		if (c.oq != NULL)
			break;		/* the peer does not read */
		client_requests(&c);
	}
	client_release(&c);
}

/* ---- server ----------------------------------------------------------- */

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
	client_release(c);
	free(c);
}

/* Beyond the limit: one error about no request (sequence 0, an empty
 * request header) before the close, so that the client can say why
 * (client.c's refusal). */
static void
server_refuse(int fd)
{
	char buf[MNL_NLMSG_HDRLEN + sizeof(struct nlmsgerr) + 128], why[96];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlmsgerr *e;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED | NLM_F_ACK_TLVS;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = -EUSERS;
	snprintf(why, sizeof(why), "the dataplane serves %u control clients, its most",
		 srv.max_clients);
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, why);
	(void)send(fd, buf, nlh->nlmsg_len, MSG_DONTWAIT | MSG_NOSIGNAL);
}

static void
server_accept(void)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct ctl_client *c;
	int fd;

	for (;;) {
		fd = accept4(srv.lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				fprintf(stderr, SD_ERR "sluice-dataplane: control socket: accept: %s\n",
					strerror(errno));
			return;
		}
		if (srv.nb_clients >= srv.max_clients) {
			srv.refused++;
			server_refuse(fd);
			close(fd);
			continue;
		}
		c = calloc(1, sizeof(*c));
		if (c == NULL) {
			close(fd);
			continue;
		}
		c->fd = fd;
		c->rx_fd = -1;
		c->privileged = peer_privileged(fd, &c->pid);
		c->oq_tail = &c->oq;
		c->events = ev.events;
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

/* A capture or trace request brings the socket its output goes to
 * (SCM_RIGHTS): the last descriptor is kept for the handler
 * (ctl_take_fd) until the next datagram; the others are closed. */
static void
client_fds(struct ctl_client *c, struct msghdr *msg)
{
	for (struct cmsghdr *h = CMSG_FIRSTHDR(msg); h != NULL; h = CMSG_NXTHDR(msg, h)) {
		size_t nfd;
		int fd;

		if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS)
			continue;
		nfd = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < nfd; i++) {
			memcpy(&fd, CMSG_DATA(h) + i * sizeof(int), sizeof(int));
			if (c->rx_fd >= 0)
				close(c->rx_fd);
			c->rx_fd = fd;
		}
	}
}

/* Read and work through what the client sent while nothing holds it;
 * false when it hung up. */
static bool
client_read(struct ctl_client *c)
{
	for (int i = 0; i < CTL_RX_PER_POLL; i++) {
		struct iovec iov = { .iov_base = rx_buf, .iov_len = sizeof(rx_buf) };
		union {
			struct cmsghdr h;
			char buf[CMSG_SPACE(sizeof(int) * 4)];
		} cm;
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
				      .msg_control = cm.buf, .msg_controllen = sizeof(cm.buf) };
		ssize_t n;

		/* What is not read waits in the socket: the client's sends
		 * block, or fail with EAGAIN, until we catch up. */
		if (c->dropped || c->in != NULL || client_held(c, 0) ||
		    srv.made + c->made >= CTL_POLL_BYTES)
			return true;
		n = recvmsg(c->fd, &msg, MSG_DONTWAIT | MSG_TRUNC | MSG_CMSG_CLOEXEC);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN || errno == EWOULDBLOCK;
		}
		client_fds(c, &msg);
		if (n == 0)
			return false;
		if ((size_t)n > sizeof(rx_buf) || (msg.msg_flags & MSG_TRUNC)) {
			struct ctl_req rq = { .c = c, .buf = tx_buf, .args = c->args,
					      .nlh = (const struct nlmsghdr *)rx_buf };

			c->made += sizeof(rx_buf);
			ctl_put_error(&rq, -EMSGSIZE, rx_buf, sizeof(struct nlmsghdr), NULL);
			ctl_flush(&rq);
			continue;
		}
		client_datagram(c, rx_buf, (size_t)n);
	}
	return true;
}

/* Input while it can take requests, output while replies wait or its work
 * paused for the poll's budget (a writable socket wakes it at once). */
static void
client_watch(struct ctl_client *c)
{
	struct epoll_event ev = { .data.ptr = c };

	ev.events = c->oq != NULL || c->in != NULL ? EPOLLOUT : EPOLLIN;
	if (ev.events != c->events && epoll_ctl(srv.epfd, EPOLL_CTL_MOD, c->fd, &ev) == 0)
		c->events = ev.events;
}

/* Whatever the client can have now: its waiting replies sent, its paused
 * work resumed, its next requests read.  false when it must be closed. */
static bool
client_service(struct ctl_client *c)
{
	uint64_t moved = c->moved;
	bool waited = c->oq != NULL || c->in != NULL;
	bool open;

	c->made = 0;
	client_drain(c);
	if (c->in != NULL && c->oq == NULL)
		client_requests(c);
	open = client_read(c);
	srv.made += c->made;
	if (c->dropped) {
		srv.dropped++;
		return false;
	}
	if (!open)
		return false;
	/* Its wait starts now, or it moved on. */
	if (!waited || c->moved != moved)
		c->stall_since = now_ms();
	client_watch(c);
	return true;
}

/* Drop the clients whose replies have waited unread for too long. */
static void
server_stalls(void)
{
	uint64_t now = now_ms();
	struct ctl_client *c, *next;

	if (now < srv.next_stall_check)
		return;
	srv.next_stall_check = now + CTL_STALL_CHECK_MS;
	for (c = srv.clients; c != NULL; c = next) {
		next = c->next;
		if ((c->oq != NULL || c->in != NULL) && now - c->stall_since >= srv.stall_ms) {
			srv.dropped++;
			client_close(c);
		}
	}
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
	fprintf(stderr, SD_ERR "sluice-dataplane: control socket %s: %s: %s\n",
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
		fprintf(stderr, SD_ERR "sluice-dataplane: control socket path '%s' is empty or "
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
	srv.max_clients = conf->max_clients != 0 ? conf->max_clients : CTL_CLIENTS_MAX;
	srv.stall_ms = conf->stall_ms != 0 ? conf->stall_ms : CTL_STALL_MS;
	srv.outq_max = conf->outq_max != 0 ? conf->outq_max : CTL_OUTQ_MAX;
	srv.dropped = srv.refused = 0;
	srv.group = conf->group;
	srv.group_set = conf->group_set;
	srv.lfd = lfd;
	srv.epfd = epfd;
	return 0;
}

/* Another descriptor whose readiness wakes the poll (the host path's
 * TAPs and netlink socket): ctl_server_poll only returns for it, and the
 * owner reads it after.  Events for it carry &srv_wake. */
static char srv_wake;

int
ctl_server_watch(int fd, bool on)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &srv_wake };

	if (srv.epfd < 0)
		return -EBADF;
	if (epoll_ctl(srv.epfd, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, fd, &ev) != 0)
		return -errno;
	return 0;
}

static int srv_eventfd = -1;

int
ctl_server_eventfd(int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &srv_eventfd };

	if (srv.epfd < 0)
		return -EBADF;
	if (epoll_ctl(srv.epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
		return -errno;
	srv_eventfd = fd;
	return 0;
}

void
ctl_server_poll(int timeout_ms)
{
	struct epoll_event ev[CTL_EVENTS];
	int n;

	if (srv.epfd < 0)
		return;
	srv.made = 0;
	n = epoll_wait(srv.epfd, ev, CTL_EVENTS, timeout_ms);
	/* Events left over when the poll's budget is spent are reported
	 * again next time (level-triggered). */
	for (int i = 0; i < n && srv.made < CTL_POLL_BYTES; i++) {
		struct ctl_client *c = ev[i].data.ptr;

		if (ev[i].data.ptr == &srv)
			server_accept();
		else if (ev[i].data.ptr == &srv_wake)
			continue;
		else if (ev[i].data.ptr == &srv_eventfd) {
			uint64_t v;

			if (read(srv_eventfd, &v, sizeof(v)) < 0) {
				/* EAGAIN: another read took it */
			}
		}
		else if (!client_service(c))
			client_close(c);
	}
	server_stalls();
}

void
ctl_server_stats(struct ctl_server_stats *st)
{
	st->clients = srv.nb_clients;
	st->clients_dropped = srv.dropped;
	st->clients_refused = srv.refused;
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
	srv.lfd = srv.epfd = srv_eventfd = -1;
}
