/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sluiced's sockets to the kernel of its namespace (ksync.h).  Host
 * interfaces are the ports whose link dump says SLUICE_IFLA_HOST.
 *
 * Two rtnetlink sockets: one subscribed to route, link and address events,
 * with a large receive buffer (a BGP table arrives as a burst), and one for
 * dumps and changes, so that a dump's answers never mix with events.  An
 * event socket that overflowed (ENOBUFS) lost messages nobody can name:
 * the answer is a resync, a full dump diffed against the mirror set, which
 * changes only what differs.  Link and address events trigger one too:
 * the kernel drops the routes of an interface that goes down, or of an
 * address that goes, without a RTM_DELROUTE for each.  So do nexthop
 * events (RTNLGRP_NEXTHOP, as FRR's zebra installs its routes through
 * nexthop objects): deleting an object drops every route that uses it, and
 * changing a group changes their paths, with no route message either way.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>

#include "ksync.h"
#include "log.h"
#include "rtprot.h"

#define log_line(...) do { fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } while (0)

#define KS_BUF		(256 * 1024)
#define KS_RCVBUF	(64 * 1024 * 1024)	/* ~500k route events */
#define KS_LOG_ROUTES	8	/* routes logged one by one per batch; then a count */

static struct ksync *the_ks;	/* for ks_holds(), reconcile's question */

static int
nl_open(int groups, bool nonblock)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = (uint32_t)groups };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0),
			NETLINK_ROUTE);
	int one = 1, size = KS_RCVBUF;

	if (fd < 0)
		return -errno;
	if (groups && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int
ks_open(struct ksync *ks)
{
	int nh_group = RTNLGRP_NEXTHOP;

	memset(ks, 0, sizeof(*ks));
	ks->ev_fd = ks->req_fd = -1;
	if (!(ks->buf = malloc(KS_BUF)))
		return -ENOMEM;
	if ((ks->ev_fd = nl_open(RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE | RTMGRP_LINK |
				 RTMGRP_IPV4_IFADDR, true)) < 0 ||
	    (ks->req_fd = nl_open(0, false)) < 0) {
		int err = ks->ev_fd < 0 ? ks->ev_fd : ks->req_fd;

		ks_close(ks);
		return err;
	}
	/* Group 32 has no bit in nl_groups: joined by number.  A kernel
	 * older than nexthop objects (5.3) says EINVAL, and has none to miss. */
	if (setsockopt(ks->ev_fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &nh_group,
		       sizeof(nh_group)) < 0 && errno != EINVAL) {
		int err = -errno;

		ks_close(ks);
		return err;
	}
	ks->seq = (uint32_t)time(NULL);
	ks->need_resync = true;
	the_ks = ks;
	return 0;
}

void
ks_close(struct ksync *ks)
{
	if (ks->ev_fd >= 0)
		close(ks->ev_fd);
	if (ks->req_fd >= 0)
		close(ks->req_fd);
	ks->ev_fd = ks->req_fd = -1;
	km_clear(&ks->mirror);
	km_clear(&ks->host);
	km_ops_free(&ks->ops);
	free(ks->buf);
	ks->buf = NULL;
	if (the_ks == ks)
		the_ks = NULL;
}

bool
ks_holds(const struct ctl_route *have)
{
	const struct km_ent *e;

	if (!the_ks || !(e = km_find(&the_ks->mirror, have)))
		return false;
	return e->state == KM_INSTALLED && km_same(&e->r, have);
}

/* ---- the kernel: dumps and changes ---- */

typedef void (*kdump_fn)(const struct kroute *k, void *arg);

struct kdump_ctx {
	kdump_fn fn;
	void *arg;
};

static int
kdump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct kdump_ctx *c = data;
	struct kroute k;

	if (nlh->nlmsg_type == RTM_NEWROUTE && kroute_parse(nlh, &k) == 0)
		c->fn(&k, c->arg);
	return MNL_CB_OK;
}

/* Every route of the kernel of one family, to fn. */
static int
kernel_dump(struct ksync *ks, uint8_t family, kdump_fn fn, void *arg)
{
	struct kdump_ctx c = { fn, arg };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(ks->buf);
	struct rtmsg *rtm;
	uint32_t seq = ++ks->seq;
	int ret;

	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = family;
	if (send(ks->req_fd, nlh, nlh->nlmsg_len, 0) < 0)
		return -errno;
	do {
		ssize_t n = recv(ks->req_fd, ks->buf, KS_BUF, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		ret = mnl_cb_run(ks->buf, (size_t)n, seq, 0, kdump_cb, &c);
	} while (ret > MNL_CB_STOP);
	return ret < 0 ? -errno : 0;
}

static struct nlmsghdr *
kernel_route_msg(void *buf, const struct km_op *op, uint32_t seq)
{
	static const uint16_t flags[] = {
		[KM_ADD] = NLM_F_CREATE | NLM_F_EXCL,
		[KM_REPLACE] = NLM_F_CREATE | NLM_F_REPLACE,
		[KM_DEL] = 0,
	};
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	bool v6 = is6(op->r.family);
	bool gw = v6 ? !ip6_unspec(&op->r.gw6) : op->r.gw != 0;
	struct rtmsg *rtm;

	nlh->nlmsg_type = op->kind == KM_DEL ? RTM_DELROUTE : RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags[op->kind];
	nlh->nlmsg_seq = seq;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = v6 ? AF_INET6 : AF_INET;
	rtm->rtm_dst_len = op->r.dst_len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = SLUICE_RTPROT_KERNEL_OWN;
	rtm->rtm_scope = op->kind == KM_DEL ? RT_SCOPE_NOWHERE :
			 gw || v6 ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	if (op->r.dst_len && v6)
		mnl_attr_put(nlh, RTA_DST, sizeof(op->r.dst6), &op->r.dst6);
	else if (op->r.dst_len)
		mnl_attr_put_u32(nlh, RTA_DST, htonl(op->r.dst));
	if (gw && v6)
		mnl_attr_put(nlh, RTA_GATEWAY, sizeof(op->r.gw6), &op->r.gw6);
	else if (gw)
		mnl_attr_put_u32(nlh, RTA_GATEWAY, htonl(op->r.gw));
	mnl_attr_put_u32(nlh, RTA_OIF, op->r.oif);
	mnl_attr_put_u32(nlh, RTA_PRIORITY, op->r.metric);
	return nlh;
}

static const char *
op_verb(uint8_t kind)
{
	return kind == KM_DEL ? "removed" : kind == KM_REPLACE ? "changed" : "added";
}

static void
log_route(const char *side, const struct ctl_route *r, const char *dev, const char *verb,
	  int err)
{
	char text[128], pb[12];
	const char *pn = rtprot_n2a(r->protocol);

	if (!pn) {
		snprintf(pb, sizeof(pb), "%u", r->protocol);
		pn = pb;
	}
	fmt_route(r, dev, text, sizeof(text));
	if (err)
		log_line(SD_WARNING "%s: route %s proto %s not %s: %s", side, text, pn, verb,
			 strerror(-err));
	else
		log_line(SD_INFO "%s: route %s proto %s %s", side, text, pn, verb);
}

static const char *
kname(const struct ksync *ks, uint32_t kindex)
{
	const struct km_port *p = km_port_by_kindex(&ks->ports, kindex);

	return p ? p->name : NULL;
}

static const char *
dpname(const struct ksync *ks, uint32_t dp_index)
{
	for (unsigned i = 0; i < ks->ports.n; i++)
		if (ks->ports.p[i].dp_index == dp_index)
			return ks->ports.p[i].name;
	return NULL;
}

/* The acks of [from, to) of ks->ops, sent with seqs base + i. */
static int
kernel_acks(struct ksync *ks, size_t from, size_t to, uint32_t base)
{
	size_t left = 0, logged = 0;

	for (size_t i = from; i < to; i++)
		left += ks->ops.v[i].kind != KM_NOP;	/* NOPs were not sent */

	while (left) {
		ssize_t n = recv(ks->req_fd, ks->buf, KS_BUF, 0);
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)ks->buf;
		int len = (int)n;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
			size_t i = nlh->nlmsg_seq - base;
			const struct km_op *op;

			if (nlh->nlmsg_type != NLMSG_ERROR || i < from || i >= to)
				continue;
			op = &ks->ops.v[i];
			if ((km_done(&ks->host, op, e->error) || !e->error) && logged++ < KS_LOG_ROUTES)
				log_route("kernel", &op->r, kname(ks, op->r.oif), op_verb(op->kind),
					  e->error);
			left--;
		}
	}
	return 0;
}

/* ks->ops into the kernel, batched. */
static void
kernel_apply(struct ksync *ks)
{
	char *out = malloc(KS_BUF);
	uint32_t base = ks->seq + 1;
	size_t i = 0;

	if (!out)
		return;
	ks->seq += (uint32_t)ks->ops.n;
	while (i < ks->ops.n) {
		size_t from = i, len = 0;

		for (; i < ks->ops.n && len < KS_BUF - 512; i++) {
			if (ks->ops.v[i].kind == KM_NOP)
				continue;
			len += kernel_route_msg(out + len, &ks->ops.v[i], base + (uint32_t)i)->nlmsg_len;
		}
		if (!len)
			continue;
		if (send(ks->req_fd, out, len, 0) < 0 || kernel_acks(ks, from, i, base) < 0) {
			log_line(SD_ERR "Error: kernel routes: %s.", strerror(errno));
			break;
		}
	}
	if (ks->ops.n > KS_LOG_ROUTES)
		log_line(SD_INFO "kernel: %zu route changes", ks->ops.n);
	free(out);
	ks->ops.n = 0;
}

/* ---- the dataplane ---- */

struct dp_apply {
	struct ksync *ks;
	int *err;		/* by op */
};

static void
dp_error(void *arg, uint32_t tag, uint16_t type, int err, const char *msg)
{
	struct dp_apply *a = arg;

	(void)type;
	(void)msg;
	a->err[tag] = err;
}

/* ks->ops into the dataplane through the pipeline: a BGP table is many
 * thousand routes a second.  -errno when the connection broke. */
static int
dp_apply(struct ksync *ks, struct ctl_conn *c)
{
	struct dp_apply a = { ks, calloc(ks->ops.n + 1, sizeof(int)) };
	struct ctl_pipe *p = malloc(sizeof(*p));
	unsigned counts[3] = { 0 }, failed = 0, logged = 0;
	int err = 0;

	if (!a.err || !p || ctl_pipe_init(p, c, dp_error, &a)) {
		free(a.err);
		free(p);
		ks->ops.n = 0;
		return -ENOMEM;
	}
	for (size_t i = 0; i < ks->ops.n; i++) {
		struct km_op *op = &ks->ops.v[i];
		struct ctl_route r = op->r;
		void *room;
		uint16_t flags = op->kind == KM_ADD ? NLM_F_CREATE | NLM_F_EXCL :
				 op->kind == KM_REPLACE ? NLM_F_CREATE | NLM_F_REPLACE : 0;

		if (op->kind == KM_NOP)
			continue;
		if (!(room = ctl_pipe_room(p))) {
			err = p->fatal;
			break;
		}
		if (op->kind == KM_DEL)
			r.scope = RT_SCOPE_NOWHERE;
		r.has_metric = true;
		ctl_pipe_commit(p, nl_route(room, op->kind == KM_DEL ? RTM_DELROUTE : RTM_NEWROUTE,
					    flags, &r), (uint32_t)i);
	}
	if (!err)
		err = ctl_pipe_wait(p);
	ctl_pipe_free(p);
	free(p);
	for (size_t i = 0; !err && i < ks->ops.n; i++) {
		struct km_op *op = &ks->ops.v[i];
		bool bad;

		if (op->kind == KM_NOP)
			continue;
		bad = km_done(&ks->mirror, op, a.err[i]);
		counts[op->kind]++;
		failed += a.err[i] != 0;
		/* A few lines per batch, failures first: a table the dataplane
		 * refuses whole (full) is one summary, not 100k lines. */
		if ((bad || !a.err[i]) && logged < KS_LOG_ROUTES) {
			log_route("mirror", &op->r, dpname(ks, op->r.oif), op_verb(op->kind), a.err[i]);
			logged++;
		}
	}
	if (!err && ks->ops.n > KS_LOG_ROUTES)
		log_line(SD_INFO "mirror: %u routes added, %u changed, %u removed, %u refused",
			 counts[KM_ADD], counts[KM_REPLACE], counts[KM_DEL], failed);
	free(a.err);
	ks->ops.n = 0;
	return err;
}

/* ---- ports ---- */

struct dump_arr {
	void *v;
	size_t n, cap, size;
	int (*parse)(const struct nlmsghdr *, void *);
};

static int
dump_arr_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct dump_arr *d = arg;

	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		void *v = realloc(d->v, cap * d->size);

		if (!v)
			return -1;
		d->v = v;
		d->cap = cap;
	}
	if (d->parse(nlh, (char *)d->v + d->n * d->size) == 0)
		d->n++;
	return 0;
}

static int
dp_dump(struct ctl_conn *c, uint16_t type, struct dump_arr *d)
{
	char req[NL_ROOM];

	d->n = 0;
	/* AF_UNSPEC: links once, routes of both families. */
	return ctl_dump(c, nl_simple_af(req, type, NLM_F_DUMP, AF_UNSPEC), dump_arr_cb, d);
}

/* Is the dataplane port l a host interface (SLUICE_IFLA_HOST), and which
 * kernel interface is it (the dump's index, else the port's name)? */
static bool
port_is_host(const struct ctl_link *l, uint32_t *kindex)
{
	*kindex = 0;
	if (!l->has_host || !l->host)
		return false;
	*kindex = l->host_ifindex ? l->host_ifindex : if_nametoindex(l->name);
	return *kindex != 0;
}

static int
ports_refresh(struct ksync *ks, struct ctl_conn *c)
{
	struct dump_arr d = { .size = sizeof(struct ctl_link),
			      .parse = (int (*)(const struct nlmsghdr *, void *))nl_parse_link };
	int err = dp_dump(c, RTM_GETLINK, &d);

	if (!err) {
		memset(&ks->ports, 0, sizeof(ks->ports));
		for (size_t i = 0; i < d.n && ks->ports.n < SLUICE_MAX_PORTS; i++) {
			const struct ctl_link *l = (const struct ctl_link *)d.v + i;
			struct km_port *p = &ks->ports.p[ks->ports.n++];

			snprintf(p->name, sizeof(p->name), "%s", l->name);
			p->dp_index = l->ifindex;
			p->host = port_is_host(l, &p->kindex);
		}
	}
	free(d.v);
	return err;
}

/* ---- resync ---- */

struct kwant {
	struct ksync *ks;
	struct ctl_route *v;
	size_t n, cap;
	bool nomem;
};

/* One of ours in the kernel (proto sluice, main table) as the host's copy
 * keeps it: the kernel's fields, its interface index. */
static bool
kernel_own(const struct kroute *k, struct ctl_route *h)
{
	if ((k->family != AF_INET && k->family != AF_INET6) || k->table != RT_TABLE_MAIN ||
	    k->protocol != SLUICE_RTPROT_KERNEL_OWN)
		return false;
	*h = (struct ctl_route){ .family = k->family, .dst = k->dst, .dst6 = k->dst6,
				 .dst_len = k->dst_len, .type = k->type, .protocol = k->protocol,
				 .gw = k->gw, .gw6 = k->gw6, .oif = k->oif, .metric = k->metric,
				 .has_metric = true };
	return true;
}

static void
kwant_cb(const struct kroute *k, void *arg)
{
	struct kwant *w = arg;
	struct ctl_route r, h;

	if (kernel_own(k, &h)) {
		/* Ours in the kernel: what the host's copy holds. */
		struct km_ent *e = km_put(&w->ks->host, &h);

		if (e) {
			e->r = h;
			e->state = KM_INSTALLED;
		}
		return;
	}
	if (km_take(k, &w->ks->ports, &r) != KM_TAKE)
		return;
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 1024;
		struct ctl_route *v = realloc(w->v, cap * sizeof(*v));

		if (!v) {
			w->nomem = true;
			return;
		}
		w->v = v;
		w->cap = cap;
	}
	w->v[w->n++] = r;
}

/* The file's route keys, sorted, to tell the file's routes from the
 * mirror's (both may be proto boot). */
struct cfg_keys {
	struct ctl_route *v;
	size_t n;
};

static void
cfg_keys_make(const struct cfg *cfg, struct cfg_keys *k)
{
	k->n = 0;
	if (!cfg->nroutes || !(k->v = malloc(cfg->nroutes * sizeof(*k->v))))
		return;
	memcpy(k->v, cfg->routes, cfg->nroutes * sizeof(*k->v));
	k->n = cfg->nroutes;
	qsort(k->v, k->n, sizeof(*k->v), ctl_route_key_cmp);
}

static bool
in_cfg(const struct cfg_keys *k, const struct ctl_route *r)
{
	return k->n && bsearch(r, k->v, k->n, sizeof(*k->v), ctl_route_key_cmp);
}

/* Is r (a route of the dataplane) in set, the same route? */
static bool
km_holds(const struct km_set *set, const struct ctl_route *r)
{
	const struct km_ent *e = set ? km_find(set, r) : NULL;

	return e && km_same(&e->r, r);
}

/*
 * A poll found r, a route of sluice's own (the CLI's `route replace`, the
 * file's), at a key the mirror had installed: the key is sluice's now, as
 * at a resync.  The mirror's route is shadowed, so that the kernel's next
 * change of it is an add the dataplane refuses and its deletion removes
 * nothing of sluice's.
 */
static void
mirror_yield(struct ksync *ks, const struct ctl_route *r)
{
	struct km_ent *e = km_find(&ks->mirror, r);
	char text[128];

	if (!e || e->state != KM_INSTALLED)
		return;
	e->state = KM_SHADOWED;
	fmt_route(&e->r, dpname(ks, e->r.oif), text, sizeof(text));
	log_line(SD_NOTICE "mirror: route %s now gives way to sluice's own route at its key", text);
}

/*
 * The dataplane's routes: who owns each.  The mirror's are loaded into
 * the mirror set (as installed); the file's and the CLI's through host
 * interfaces are what the kernel should have (into hw).  want_set holds
 * the kernel's routes as taken now, to tell the mirror's proto boot or
 * static routes from the file's and the CLI's; prev (or NULL), what this
 * sluiced had mirrored before, to know its routes that the kernel dropped
 * since (an interface gone down, a host interface removed): those are
 * the mirror's to remove, not routes of the file or the CLI to give back
 * to the kernel.
 */
static int
dp_routes(struct ksync *ks, struct ctl_conn *c, const struct cfg *cfg, const struct km_set *want_set,
	  const struct km_set *prev, bool load_mirror, struct kwant *hw)
{
	struct dump_arr d = { .size = sizeof(struct ctl_route),
			      .parse = (int (*)(const struct nlmsghdr *, void *))nl_parse_route };
	struct cfg_keys keys = { 0 };
	int err = dp_dump(c, RTM_GETROUTE, &d);

	if (err)
		goto out;
	cfg_keys_make(cfg, &keys);
	for (size_t i = 0; i < d.n; i++) {
		struct ctl_route r = ((struct ctl_route *)d.v)[i];
		const struct km_port *p;
		enum km_owner o;

		r.has_metric = true;
		o = km_owner(&r, r.protocol == RTPROT_BOOT && in_cfg(&keys, &r),
			     km_holds(want_set, &r) || km_holds(prev, &r));
		if (!load_mirror) {
			struct km_ent *m = km_find(&ks->mirror, &r);

			if (m)
				m->seen = ks->polls;
			if (o != KM_OWN_MIRROR)
				mirror_yield(ks, &r);
		}
		if (o == KM_OWN_MIRROR && load_mirror) {
			struct km_ent *m = km_put(&ks->mirror, &r);

			if (m) {
				m->r = r;
				m->state = KM_INSTALLED;
			}
		} else if ((o == KM_OWN_CONFIG || o == KM_OWN_CLI) && r.type == RTN_UNICAST &&
			   (p = km_port_by_dp(&ks->ports, r.oif)) && hw) {
			if (hw->n == hw->cap) {
				size_t cap = hw->cap ? hw->cap * 2 : 64;
				struct ctl_route *v = realloc(hw->v, cap * sizeof(*v));

				if (!v)
					continue;
				hw->v = v;
				hw->cap = cap;
			}
			r.oif = p->kindex;
			r.protocol = SLUICE_RTPROT_KERNEL_OWN;
			/* The kernel stores an IPv6 metric of 0 as 1024: keyed
			 * as it will answer, or every poll would see another. */
			if (is6(r.family) && !r.metric)
				r.metric = SLUICE_IP6_METRIC_DEFAULT;
			hw->v[hw->n++] = r;
		}
	}
out:
	free(keys.v);
	free(d.v);
	return err;
}

/* The host's copy: the kernel gets what hw says.  before (or NULL): the
 * copy a resync made again, which tells what was shadowed already. */
static void
to_host(struct ksync *ks, struct kwant *hw, const struct km_set *before)
{
	if (km_diff(&ks->host, hw->v, hw->n, &ks->ops) == 0 && ks->ops.n) {
		if (before)
			km_carry_shadows(&ks->host, before, &ks->ops);
		kernel_apply(ks);
	}
	ks->ops.n = 0;
}

static void
count_retries(struct km_ent *e, void *arg)
{
	unsigned *n = arg;

	*n += e->state == KM_FAILED;
}

int
ks_resync(struct ksync *ks, struct ctl_conn *c, const struct cfg *cfg, bool apply)
{
	struct kwant w = { .ks = ks }, hw = { .ks = ks };
	struct km_set want_set = { 0 }, prev, host_before;
	int err;

	if ((err = ports_refresh(ks, c)))
		return err;
	/* Both sets are made again; the old ones still say what each had
	 * shadowed, which is no news when it still is. */
	host_before = ks->host;
	memset(&ks->host, 0, sizeof(ks->host));
	/* A kernel without IPv6 has no IPv6 routes to take. */
	if (!(err = kernel_dump(ks, AF_INET, kwant_cb, &w)) && !w.nomem &&
	    (err = kernel_dump(ks, AF_INET6, kwant_cb, &w)) == -EAFNOSUPPORT)
		err = 0;
	if (err || w.nomem) {
		log_line(SD_ERR "Error: kernel route dump: %s.", strerror(err ? -err : ENOMEM));
		ks->need_resync = true;
		free(w.v);
		km_clear(&host_before);
		return 0;
	}
	/* Made again from the dataplane's routes; the old one still tells
	 * which of them this sluiced mirrored. */
	prev = ks->mirror;
	memset(&ks->mirror, 0, sizeof(ks->mirror));
	for (size_t i = 0; i < w.n; i++) {
		struct km_ent *e = km_put(&want_set, &w.v[i]);

		if (e)
			e->r = w.v[i];
	}
	err = dp_routes(ks, c, cfg, &want_set, &prev, true, apply ? &hw : NULL);
	km_clear(&want_set);
	if (err) {
		/* Not read whole: the old set still says what was mirrored. */
		km_clear(&ks->mirror);
		ks->mirror = prev;
		memset(&prev, 0, sizeof(prev));
	}
	if (!err && apply) {
		if (km_diff(&ks->mirror, w.v, w.n, &ks->ops) == 0) {
			km_carry_shadows(&ks->mirror, &prev, &ks->ops);
			err = dp_apply(ks, c);
		}
		ks->ops.n = 0;
		if (!err)
			to_host(ks, &hw, &host_before);
		ks->need_resync = false;
		ks->last_resync = time(NULL);
		ks->retries = 0;
		km_walk(&ks->mirror, count_retries, &ks->retries);
		log_line(SD_NOTICE "mirror: resynced, %zu kernel routes mirrored, %zu routes in the kernel",
			 ks->mirror.n, ks->host.n);
	}
	km_clear(&prev);
	km_clear(&host_before);
	free(w.v);
	free(hw.v);
	return err;
}

/* A shadowed route whose key the poll found empty (the CLI's route that
 * held it was deleted): the kernel's route is wanted again, as the next
 * best route takes over in the kernel. */
static void
want_if_freed(struct km_ent *e, void *arg)
{
	struct ksync *ks = arg;
	struct ctl_route r = e->r;

	if (e->state == KM_SHADOWED && e->seen != ks->polls)
		(void)km_want(&ks->mirror, &r, &ks->ops);
}

int
ks_poll(struct ksync *ks, struct ctl_conn *c, const struct cfg *cfg)
{
	struct kwant hw = { .ks = ks };
	int err;

	if (ks->need_resync || (ks->retries && time(NULL) - ks->last_resync >= KS_RETRY_S))
		return ks_resync(ks, c, cfg, true);
	if (!km_any_host(&ks->ports) && !ks->host.n)
		return 0;
	ks->polls++;
	/* The mirror's routes are known: the set itself tells them. */
	if (!(err = dp_routes(ks, c, cfg, &ks->mirror, NULL, false, &hw))) {
		to_host(ks, &hw, NULL);
		km_walk(&ks->mirror, want_if_freed, ks);
		if (ks->ops.n)
			err = dp_apply(ks, c);
		ks->ops.n = 0;
	}
	free(hw.v);
	return err;
}

/* ---- events ---- */

static void
host_event(struct ksync *ks, const struct kroute *k, bool is_new)
{
	struct ctl_route h;
	struct km_ent *e;

	if (!kernel_own(k, &h))
		return;
	if (is_new) {
		if ((e = km_put(&ks->host, &h)) && e->state != KM_PENDING) {
			e->r = h;
			e->state = KM_INSTALLED;
		}
	} else if ((e = km_find(&ks->host, &h)) && e->state == KM_INSTALLED) {
		/* Someone removed it (or its interface went): the next poll
		 * puts it back if sluice still has the route. */
		km_remove(&ks->host, e);
	}
}

int
ks_events(struct ksync *ks, struct ctl_conn *c, const struct cfg *cfg)
{
	bool live = c && c->fd >= 0;
	unsigned reads = 0;

	(void)cfg;
	/* Bounded: a flood of events still lets sluiced apply what it read. */
	while (reads++ < 1024) {
		ssize_t n = recv(ks->ev_fd, ks->buf, KS_BUF, MSG_DONTWAIT);
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)ks->buf;
		int len = (int)n;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				log_line(SD_WARNING "mirror: kernel events lost (ENOBUFS): resync");
				ks->need_resync = true;
				continue;
			}
			break;	/* EAGAIN */
		}
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			struct kroute k;

			switch (nlh->nlmsg_type) {
			case RTM_NEWROUTE:
			case RTM_DELROUTE:
				if (kroute_parse(nlh, &k) < 0 ||
				    (k.family != AF_INET && k.family != AF_INET6))
					break;
				if (k.protocol == SLUICE_RTPROT_KERNEL_OWN && k.table == RT_TABLE_MAIN)
					host_event(ks, &k, nlh->nlmsg_type == RTM_NEWROUTE);
				else if (live && !ks->need_resync &&
					 km_event(&ks->mirror, &ks->ports, &k,
						  nlh->nlmsg_type == RTM_NEWROUTE, &ks->ops) != 0)
					ks->need_resync = true;	/* no memory, or a multipath's part */
				break;
			case RTM_NEWLINK:
			case RTM_DELLINK:
			case RTM_NEWADDR:
			case RTM_DELADDR:
			case RTM_NEWNEXTHOP:
			case RTM_DELNEXTHOP:
				ks->need_resync = true;
				break;
			default:
				break;
			}
		}
	}
	if (!live) {
		ks->ops.n = 0;
		return 0;
	}
	if (ks->need_resync) {
		ks->ops.n = 0;
		return ks_resync(ks, c, cfg, true);
	}
	return ks->ops.n ? dp_apply(ks, c) : 0;
}
