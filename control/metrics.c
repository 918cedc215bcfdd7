/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The metrics endpoint in sluiced's poll loop.
 *
 * A client's life: READ (its request head, at most HTTP_HEAD_MAX bytes
 * within MX_READ_MS), WAIT (for the dataplane's figures), WRITE (the whole
 * answer within MX_WRITE_MS), LINGER (our side shut, what it still sends
 * read and thrown away for at most MX_LINGER_MS so that closing does not
 * reset the connection under an answer it has not read), then closed.
 * Every answer closes the connection.  With METRICS_CLIENTS busy, a new
 * connection takes the slot of the oldest one still reading or lingering,
 * and is refused when there is none: a client that trickles its request
 * loses its slot before a scrape does.
 *
 * The figures come over a connection of our own to the dataplane (not
 * sluiced's, whose requests wait for their answers): one datagram holds a
 * link dump and a stats dump, answered within MX_FETCH_MS or the scrape
 * says sluice_up 0.  A fetch serves every client whose request came before
 * it was sent; one that came later waits for the next, so what it gets is
 * never older than its request.  The connection stays open between
 * scrapes; when the dataplane goes away it is closed and made again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "expo.h"
#include "http.h"
#include "metrics.h"
#include "nlmsg.h"

#define MX_READ_MS	5000
#define MX_WRITE_MS	10000
#define MX_LINGER_MS	2000
#define MX_FETCH_MS	3000
#define MX_PATH		"/metrics"

enum mx_state { C_FREE, C_READ, C_WAIT, C_WRITE, C_LINGER };

struct mx_client {
	int fd;
	enum mx_state state;
	bool in_fetch;		/* WAIT: the fetch under way was sent after its request */
	bool head, om;
	uint64_t since, deadline;	/* ms, CLOCK_MONOTONIC */
	size_t in_len;
	char in[HTTP_HEAD_MAX];
	char *out;
	size_t out_len, out_off;
};

struct mx_prev {
	uint32_t lcore;
	uint64_t polls, busy_polls;
};

struct metrics {
	int lfd;
	char text[64];
	char dp_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct mx_client c[METRICS_CLIENTS];
	int slot[METRICS_NFDS];		/* pollfd index -> client, -1 listener, -2 dataplane */
	/* The dataplane side. */
	int dfd;
	bool fetching, link_done, stats_done;
	uint32_t seq, seq_link, seq_stats;
	uint64_t fetch_deadline;
	struct mx_snap snap;
	unsigned int nprev;
	struct mx_prev prev[MX_WORKERS_MAX];
	char rbuf[SLUICE_MSG_MAX];
};

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct metrics *
metrics_open(const struct sockaddr *sa, socklen_t salen, const char *text, const char *dp_path)
{
	struct metrics *m = calloc(1, sizeof(*m));
	int one = 1, err;

	if (!m)
		return NULL;
	m->dfd = -1;
	snprintf(m->text, sizeof(m->text), "%s", text);
	snprintf(m->dp_path, sizeof(m->dp_path), "%s", dp_path);
	m->seq = (uint32_t)getpid() << 16;
	for (unsigned int i = 0; i < METRICS_CLIENTS; i++)
		m->c[i].fd = -1;
	m->lfd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (m->lfd < 0 ||
	    setsockopt(m->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(m->lfd, sa, salen) < 0 || listen(m->lfd, 64) < 0) {
		err = errno;
		if (m->lfd >= 0)
			close(m->lfd);
		free(m);
		errno = err;
		return NULL;
	}
	return m;
}

static void
dp_disconnect(struct metrics *m)
{
	if (m->dfd >= 0)
		close(m->dfd);
	m->dfd = -1;
}

static void
client_close(struct mx_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->out);
	c->out = NULL;
	c->fd = -1;
	c->state = C_FREE;
}

void
metrics_close(struct metrics *m)
{
	if (!m)
		return;
	for (unsigned int i = 0; i < METRICS_CLIENTS; i++)
		client_close(&m->c[i]);
	dp_disconnect(m);
	close(m->lfd);
	free(m);
}

void
metrics_set_socket(struct metrics *m, const char *dp_path)
{
	if (!strcmp(m->dp_path, dp_path))
		return;
	snprintf(m->dp_path, sizeof(m->dp_path), "%s", dp_path);
	dp_disconnect(m);
}

/* ---- answers ---- */

static void
client_send(struct mx_client *c, uint64_t now)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;		/* POLLOUT brings us back */
		if (n <= 0) {
			client_close(c);
			return;
		}
		c->out_off += (size_t)n;
	}
	/* All sent: half-close, and read what it still sends until it closes. */
	free(c->out);
	c->out = NULL;
	shutdown(c->fd, SHUT_WR);
	c->state = C_LINGER;
	c->deadline = now + MX_LINGER_MS;
}

/* Answer with head and body (body may be NULL), then close. */
static void
client_answer(struct mx_client *c, int status, const char *ctype, const char *extra,
	      const char *body, size_t blen, uint64_t now)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f) {
		client_close(c);
		return;
	}
	fprintf(f, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		"Cache-Control: no-store\r\n%sConnection: close\r\n\r\n",
		status, http_reason(status), ctype, blen, extra);
	if (body && !c->head)
		fwrite(body, 1, blen, f);
	if (fclose(f) != 0) {
		free(out);
		client_close(c);
		return;
	}
	free(c->out);
	c->out = out;
	c->out_len = len;
	c->out_off = 0;
	c->state = C_WRITE;
	c->deadline = now + MX_WRITE_MS;
	client_send(c, now);
}

static void
client_error(struct mx_client *c, int status, const char *why, uint64_t now)
{
	char body[160];
	int n = snprintf(body, sizeof(body), "%d %s: %s\n", status, http_reason(status),
			 why ? why : "");

	c->head = false;
	client_answer(c, status, "text/plain; charset=utf-8",
		      status == 405 ? "Allow: GET, HEAD\r\n" : "", body,
		      n < 0 ? 0 : (size_t)n >= sizeof(body) ? sizeof(body) - 1 : (size_t)n, now);
}

/* ---- the dataplane's figures ---- */

static void
on_stat(void *arg, int group, const char *name, uint64_t value)
{
	struct mx_snap *s = arg;
	struct mx_counter *slot = NULL;

	if (group == SLUICE_STATSA_DROP && s->ndrops < MX_DROPS_MAX)
		slot = &s->drop[s->ndrops++];
	else if (group == SLUICE_STATSA_ROUTES && s->nfamilies < MX_FAMILIES_MAX)
		slot = &s->routes[s->nfamilies++];
	else if (group == SLUICE_STATSA_NAT && !strcmp(name, "sessions_active")) {
		s->nat_sessions = value;
		s->has_nat = true;
	} else if (group == SLUICE_STATSA_NAT && !strcmp(name, "sessions_created")) {
		s->nat_created = value;
	} else if (group == SLUICE_STATSA_POOL && !strcmp(name, "in_use")) {
		s->mbufs_in_use = value;
		s->has_pool = true;
	} else if (group == SLUICE_STATSA_POOL && !strcmp(name, "size")) {
		s->mbufs_size = value;
	}
	if (slot) {
		snprintf(slot->name, sizeof(slot->name), "%s", name);
		slot->value = value;
	}
}

static void
on_worker(void *arg, uint32_t lcore, uint64_t polls, uint64_t busy_polls, uint64_t intr_wakes)
{
	struct mx_snap *s = arg;

	if (s->nworkers < MX_WORKERS_MAX)
		s->worker[s->nworkers++] = (struct mx_worker){
			.lcore = lcore, .polls = polls, .busy_polls = busy_polls,
			.intr_wakes = intr_wakes,
		};
}

/* The busy ratio over the time since the previous scrape (since the
 * dataplane started, for the first one or after a restart). */
static void
busy_ratios(struct metrics *m)
{
	struct mx_snap *s = &m->snap;

	for (unsigned int i = 0; i < s->nworkers; i++) {
		struct mx_worker *w = &s->worker[i];
		uint64_t polls = w->polls, busy = w->busy_polls;

		for (unsigned int j = 0; j < m->nprev; j++)
			if (m->prev[j].lcore == w->lcore && m->prev[j].polls <= polls &&
			    m->prev[j].busy_polls <= busy) {
				polls -= m->prev[j].polls;
				busy -= m->prev[j].busy_polls;
				break;
			}
		w->busy_ratio = polls ? (double)busy / (double)polls : 0.0;
		if (w->busy_ratio > 1.0)
			w->busy_ratio = 1.0;
		m->prev[i] = (struct mx_prev){ w->lcore, w->polls, w->busy_polls };
	}
	m->nprev = s->nworkers;
}

/* The figures are in (or failed): answer every client the fetch was for. */
static void
fetch_done(struct metrics *m, bool ok, uint64_t now)
{
	char *body[2] = { NULL, NULL };
	size_t blen[2] = { 0, 0 };

	m->fetching = false;
	m->snap.up = ok;
	if (ok)
		busy_ratios(m);
	else
		dp_disconnect(m);	/* late answers never reach the next fetch */
	for (unsigned int i = 0; i < METRICS_CLIENTS; i++) {
		struct mx_client *c = &m->c[i];
		int k = c->om ? 1 : 0;

		if (c->state != C_WAIT || !c->in_fetch)
			continue;
		if (!body[k]) {
			FILE *f = open_memstream(&body[k], &blen[k]);

			if (f) {
				expo_write(f, &m->snap, c->om);
				if (fclose(f) != 0) {
					free(body[k]);
					body[k] = NULL;
				}
			}
		}
		if (!body[k])
			client_close(c);
		else
			client_answer(c, 200, c->om ? EXPO_CT_OPENMETRICS : EXPO_CT_TEXT, "",
				      body[k], blen[k], now);
	}
	free(body[0]);
	free(body[1]);
}

static bool
dp_connect(struct metrics *m)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", m->dp_path);
	m->dfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (m->dfd < 0)
		return false;
	if (connect(m->dfd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		dp_disconnect(m);
		return false;
	}
	return true;
}

static void
fetch_start(struct metrics *m, uint64_t now)
{
	char buf[2 * NL_ROOM];
	struct nlmsghdr *nlh;
	size_t len;
	bool fresh = m->dfd < 0;

	for (unsigned int i = 0; i < METRICS_CLIENTS; i++)
		if (m->c[i].state == C_WAIT)
			m->c[i].in_fetch = true;
	memset(&m->snap, 0, sizeof(m->snap));
	m->fetching = true;
	m->link_done = m->stats_done = false;
	m->fetch_deadline = now + MX_FETCH_MS;
	nlh = nl_simple(buf, RTM_GETLINK, NLM_F_DUMP, 0);
	nlh->nlmsg_seq = m->seq_link = ++m->seq;
	len = MNL_ALIGN(nlh->nlmsg_len);
	nlh = nl_simple(buf + len, SLUICE_GETSTATS, NLM_F_DUMP, 0);
	nlh->nlmsg_seq = m->seq_stats = ++m->seq;
	len += nlh->nlmsg_len;
	for (;;) {
		if (m->dfd < 0 && !dp_connect(m))
			break;
		if (send(m->dfd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)len)
			return;
		dp_disconnect(m);
		/* A connection the dataplane closed before we saw it: once more. */
		if (fresh)
			break;
		fresh = true;
	}
	fetch_done(m, false, now);
}

/* One datagram of answers.  Returns false when the fetch failed. */
static bool
fetch_input(struct metrics *m, size_t n)
{
	const struct nlmsghdr *nlh = (const void *)m->rbuf;
	int len = (int)n;

	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		bool link = nlh->nlmsg_seq == m->seq_link, stats = nlh->nlmsg_seq == m->seq_stats;

		if (!link && !stats)
			continue;
		if (nlh->nlmsg_type == NLMSG_DONE) {
			m->link_done |= link;
			m->stats_done |= stats;
		} else if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)) || e->error != 0)
				return false;
		} else if (link && nlh->nlmsg_type == RTM_NEWLINK) {
			struct ctl_link l;
			struct mx_port *p;

			if (nl_parse_link(nlh, &l) < 0)
				return false;
			if (m->snap.nports == SLUICE_MAX_PORTS)
				continue;
			p = &m->snap.port[m->snap.nports++];
			snprintf(p->name, sizeof(p->name), "%s", l.name);
			p->running = l.operstate == IF_OPER_UP;
			p->st = l.stats;
		} else if (stats && nlh->nlmsg_type == SLUICE_GETSTATS) {
			if (nl_parse_stats(nlh, on_stat, &m->snap) < 0 ||
			    nl_parse_workers(nlh, on_worker, &m->snap) < 0)
				return false;
		}
	}
	return true;
}

static void
dp_input(struct metrics *m, uint64_t now)
{
	for (;;) {
		ssize_t n = recv(m->dfd, m->rbuf, sizeof(m->rbuf), MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			/* The dataplane went away. */
			if (m->fetching)
				fetch_done(m, false, now);
			dp_disconnect(m);
			return;
		}
		if (!m->fetching)
			continue;	/* nothing is asked: a stray answer */
		if (!fetch_input(m, (size_t)n)) {
			fetch_done(m, false, now);
			return;
		}
		if (m->link_done && m->stats_done) {
			fetch_done(m, true, now);
			return;
		}
	}
}

/* ---- clients ---- */

static void
client_accept(struct metrics *m, uint64_t now)
{
	for (unsigned int k = 0; k < METRICS_CLIENTS; k++) {
		int fd = accept4(m->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct mx_client *c = NULL, *old = NULL;

		if (fd < 0)
			return;		/* EAGAIN, or a connection that went away */
		for (unsigned int i = 0; i < METRICS_CLIENTS && !c; i++) {
			if (m->c[i].state == C_FREE)
				c = &m->c[i];
			else if ((m->c[i].state == C_READ || m->c[i].state == C_LINGER) &&
				 (!old || m->c[i].since < old->since))
				old = &m->c[i];
		}
		if (!c && old) {
			client_close(old);
			c = old;
		}
		if (!c) {
			close(fd);	/* every slot waits for an answer */
			continue;
		}
		c->fd = fd;
		c->state = C_READ;
		c->in_len = 0;
		c->since = now;
		c->deadline = now + MX_READ_MS;
	}
}

static void
client_read(struct mx_client *c, uint64_t now)
{
	struct http_req req;
	ssize_t n;

	n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0) {
		client_close(c);
		return;
	}
	c->in_len += (size_t)n;
	if (http_parse(c->in, c->in_len, MX_PATH, &req) == 0)
		return;
	if (req.status != 200) {
		client_error(c, req.status, req.why, now);
		return;
	}
	c->head = req.head;
	c->om = req.openmetrics;
	c->in_fetch = false;
	c->state = C_WAIT;
}

static void
client_linger(struct mx_client *c)
{
	char sink[4096];
	ssize_t n;

	while ((n = recv(c->fd, sink, sizeof(sink), MSG_DONTWAIT)) > 0)
		;
	if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
		client_close(c);
}

unsigned int
metrics_pollfds(struct metrics *m, struct pollfd *pfd)
{
	unsigned int n = 0;

	pfd[n] = (struct pollfd){ .fd = m->lfd, .events = POLLIN };
	m->slot[n++] = -1;
	if (m->dfd >= 0) {
		pfd[n] = (struct pollfd){ .fd = m->dfd, .events = POLLIN };
		m->slot[n++] = -2;
	}
	for (unsigned int i = 0; i < METRICS_CLIENTS; i++) {
		const struct mx_client *c = &m->c[i];
		short ev = c->state == C_READ || c->state == C_LINGER ? POLLIN :
			   c->state == C_WRITE ? POLLOUT : 0;

		if (c->state == C_FREE)
			continue;
		pfd[n] = (struct pollfd){ .fd = c->fd, .events = ev };
		m->slot[n++] = (int)i;
	}
	return n;
}

int
metrics_timeout(const struct metrics *m, int tmo)
{
	uint64_t now = now_ms(), next = UINT64_MAX;

	for (unsigned int i = 0; i < METRICS_CLIENTS; i++)
		if (m->c[i].state != C_FREE && m->c[i].state != C_WAIT && m->c[i].deadline < next)
			next = m->c[i].deadline;
	if (m->fetching && m->fetch_deadline < next)
		next = m->fetch_deadline;
	if (next == UINT64_MAX)
		return tmo;
	next = next > now ? next - now + 1 : 0;
	return tmo < 0 || (uint64_t)tmo > next ? (int)next : tmo;
}

void
metrics_run(struct metrics *m, const struct pollfd *pfd, unsigned int n)
{
	uint64_t now = now_ms();
	bool waiting = false;

	for (unsigned int i = 0; i < n; i++) {
		struct mx_client *c;

		if (!pfd[i].revents)
			continue;
		if (m->slot[i] == -1) {
			client_accept(m, now);
			continue;
		}
		if (m->slot[i] == -2) {
			if (m->dfd == pfd[i].fd)
				dp_input(m, now);
			continue;
		}
		c = &m->c[m->slot[i]];
		if (c->fd != pfd[i].fd)
			continue;	/* the slot changed hands during this run */
		if (c->state == C_READ)
			client_read(c, now);
		else if (c->state == C_WRITE)
			client_send(c, now);
		else if (c->state == C_LINGER)
			client_linger(c);
		else if (pfd[i].revents & (POLLERR | POLLHUP))
			client_close(c);	/* gone while it waited */
	}
	if (m->fetching && now >= m->fetch_deadline)
		fetch_done(m, false, now);
	for (unsigned int i = 0; i < METRICS_CLIENTS; i++) {
		struct mx_client *c = &m->c[i];

		if (c->state == C_READ && now >= c->deadline)
			client_error(c, 408, "the request took too long", now);
		else if ((c->state == C_WRITE || c->state == C_LINGER) && now >= c->deadline)
			client_close(c);
		waiting |= c->state == C_WAIT;
	}
	if (waiting && !m->fetching)
		fetch_start(m, now);
}
