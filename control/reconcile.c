/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The difference between the file and the dataplane, applied in an order
 * that never needs what is not there yet: stale ports go first (a device
 * may move to another name), then ports are created or changed, then
 * stale routes, neighbours, rules and addresses are removed, and new
 * addresses, routes, neighbours and rules are added.  Routes go through the
 * pipeline: a file of a million routes replays in seconds.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>

#include "ksync.h"
#include "log.h"
#include "reconcile.h"
#include "print.h"

struct rec {
	struct ctl_conn *conn;
	const struct cfg *cfg;
	struct rec_result *res;
	struct ctl_names names;
	char buf[NL_ROOM];
	/* dumps */
	struct ctl_link *links;
	struct ctl_addr *addrs;
	struct ctl_route *routes;
	struct ctl_neigh *neighs;
	struct ctl_natrule *rules;
	unsigned nlinks, naddrs, nroutes, nneighs, nrules;
	unsigned cap;
	/* desired routes, sorted by key, with oif resolved */
	struct ctl_route *want;
	/* descriptions of pipelined changes, for their errors */
	struct ctl_route *pipe_routes;
};

#define log_line(...) do { fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } while (0)

/* A refused change: "FILE:LINE: WHAT: why." for what the file's line asked
 * for, "Error: WHAT: why." for the rest (what the file no longer has).  why
 * is the dataplane's reason (msg) when it gave one. */
static void
failed(struct rec *r, int line, const char *what, uint16_t type, int err, const char *msg)
{
	const char *why = msg && msg[0] ? msg : ctl_strerror(type, err);

	r->res->failures++;
	if (line > 0 && r->cfg->file)
		log_line(SD_ERR "%s:%d: %s: %s.", r->cfg->file, line, what, why);
	else
		log_line(SD_ERR "Error: %s: %s.", what, why);
}

/* A line of the file that names a port the dataplane does not have (its
 * device could not be made: that failure was logged first). */
static void
no_port(struct rec *r, int line, const char *what, const char *port)
{
	char msg[320], why[64];

	snprintf(msg, sizeof(msg), "%s not added", what);
	snprintf(why, sizeof(why), "no port %s", port);
	failed(r, line, msg, 0, -ENODEV, why);
}

/* A synchronous change, logged as "WHAT VERB" or as failed() says (line:
 * the file's, 0 for none); -errno only when the connection is gone. */
static int
change(struct rec *r, struct nlmsghdr *nlh, int line, const char *what, const char *verb)
{
	char msg[512];
	int err = ctl_request(r->conn, nlh);

	r->res->changes++;
	if (err && ctl_lost(err))
		return err;
	if (err) {
		snprintf(msg, sizeof(msg), "%s not %s", what, verb);
		failed(r, line, msg, nlh->nlmsg_type, err, r->conn->errmsg);
	} else {
		log_line(SD_INFO "%s %s", what, verb);
	}
	return 0;
}

struct collect {
	struct rec *r;
	uint16_t type;
	void **arr;
	unsigned *n, cap;
	size_t size;
	int (*parse)(const struct nlmsghdr *, void *);
};

static int
collect_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct collect *c = arg;

	if (nlh->nlmsg_type != c->type && !(c->type == SLUICE_NEWNATRULE &&
					     nlh->nlmsg_type == SLUICE_GETNATRULE))
		return 0;
	if (*c->n == c->cap) {
		unsigned nc = c->cap ? c->cap * 2 : 64;
		void *a = realloc(*c->arr, nc * c->size);

		if (!a)
			return -1;
		*c->arr = a;
		c->cap = nc;
	}
	if (c->parse(nlh, (char *)*c->arr + *c->n * c->size) == 0)
		(*c->n)++;
	return 0;
}

static int
collect(struct rec *r, uint16_t get, uint16_t type, void **arr, unsigned *n, size_t size,
	int (*parse)(const struct nlmsghdr *, void *))
{
	struct collect c = { r, type, arr, n, 0, size, parse };

	free(*arr);
	*arr = NULL;
	*n = 0;
	return ctl_dump(r->conn, nl_simple(r->buf, get, NLM_F_DUMP, 0), collect_cb, &c);
}

#define COLLECT(r, get, type, arr, n, fn) \
	collect(r, get, type, (void **)&(arr), &(n), sizeof(*(arr)), \
		(int (*)(const struct nlmsghdr *, void *))(fn))

/* Is the dataplane's port l the file's port p?  A port keeps its device
 * and MAC for life (the dataplane cannot change either), so a different
 * one in the file means the port is made again. */
static bool
link_is(const struct ctl_link *l, const struct cfg_port *p)
{
	if (l->device[0] && strcmp(l->device, p->device) != 0)
		return false;
	return !p->has_mac || memcmp(l->mac, p->mac, 6) == 0;
}

static int
ports(struct rec *r, bool add)
{
	const struct cfg *cfg = r->cfg;
	char what[SLUICE_DEVARGS_MAX + 64];
	int err;

	(void)add;
	if ((err = COLLECT(r, RTM_GETLINK, RTM_NEWLINK, r->links, r->nlinks, nl_parse_link)))
		return err;
	for (unsigned i = 0; i < r->nlinks; i++) {
		const struct ctl_link *l = &r->links[i];
		const struct cfg_port *p = cfg_port_find(cfg, l->name);
		struct ctl_link del = { .ifindex = l->ifindex };

		if (p && link_is(l, p))
			continue;
		snprintf(what, sizeof(what), p ? "port %s (device or mac changed)" : "port %s",
			 l->name);
		if ((err = change(r, nl_link(r->buf, RTM_DELLINK, 0, &del), 0, what, "removed")))
			return err;
	}
	for (unsigned i = 0; i < cfg->nports; i++) {
		const struct cfg_port *p = &cfg->port[i];
		const struct ctl_link *cur = NULL;
		struct ctl_link l = { 0 };
		uint32_t mtu = p->mtu ? p->mtu : 1500;

		err = 0;

		for (unsigned j = 0; j < r->nlinks; j++)
			if (!strcmp(r->links[j].name, p->name) && link_is(&r->links[j], p))
				cur = &r->links[j];
		strcpy(l.name, p->name);
		if (!cur) {
			strcpy(l.device, p->device);
			l.mtu = p->mtu;
			l.has_mac = p->has_mac;
			memcpy(l.mac, p->mac, 6);
			l.has_host = p->host;
			l.host = p->host;
			l.has_ra = p->ra;	/* off is the default: said only when on */
			l.ra = p->ra;
			l.flags = l.change = IFF_UP;
			snprintf(what, sizeof(what), "port %s (device %s)", p->name, p->device);
			err = change(r, nl_link(r->buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &l),
				     p->device_line ? p->device_line : p->line, what, "created");
		} else if (cur->mtu != mtu) {
			l.ifindex = cur->ifindex;
			l.mtu = mtu;
			snprintf(what, sizeof(what), "port %s (mtu %u)", p->name, mtu);
			err = change(r, nl_link(r->buf, RTM_NEWLINK, 0, &l),
				     p->mtu_line ? p->mtu_line : p->line, what, "changed");
		}
		if (!err && cur && cur->host != p->host) {
			memset(&l, 0, sizeof(l));
			strcpy(l.name, p->name);
			l.ifindex = cur->ifindex;
			l.has_host = true;
			l.host = p->host;
			snprintf(what, sizeof(what), "port %s (host %s)", p->name,
				 p->host ? "on" : "off");
			err = change(r, nl_link(r->buf, RTM_NEWLINK, 0, &l),
				     p->host_line ? p->host_line : p->line, what, "changed");
		}
		/* Off for the host's radvd is what ra = yes asks for while the
		 * host interface stays (turning it on would make the router
		 * speak with two voices); ra = no ends the yield. */
		if (!err && cur && (cur->ra != p->ra || (!p->ra && cur->ra_yielded)) &&
		    !(p->ra && cur->ra_yielded && p->host)) {
			memset(&l, 0, sizeof(l));
			strcpy(l.name, p->name);
			l.ifindex = cur->ifindex;
			l.has_ra = true;
			l.ra = p->ra;
			snprintf(what, sizeof(what), "port %s (ra %s)", p->name, p->ra ? "on" : "off");
			err = change(r, nl_link(r->buf, RTM_NEWLINK, 0, &l),
				     p->ra_line ? p->ra_line : p->line, what, "changed");
		}
		if (err)
			return err;
	}
	if ((err = COLLECT(r, RTM_GETLINK, RTM_NEWLINK, r->links, r->nlinks, nl_parse_link)))
		return err;
	memset(&r->names, 0, sizeof(r->names));
	for (unsigned i = 0; i < r->nlinks; i++)
		names_add(&r->names, r->links[i].ifindex, r->links[i].name);
	return 0;
}

static const struct cfg_port *
port_of(const struct rec *r, uint32_t ifindex)
{
	char b[16];

	return cfg_port_find(r->cfg, names_get(&r->names, ifindex, b));
}

/* The link-local address the dataplane gives every port (fe80::/64 with
 * the MAC's EUI-64, RFC 4291 2.5.1): the port's own, not the file's. */
static bool
auto_linklocal(const struct rec *r, const struct ctl_addr *a)
{
	struct in6_addr ll = { .s6_addr = { 0xfe, 0x80 } };

	if (!is6(a->family) || a->len != 64)
		return false;
	for (unsigned i = 0; i < r->nlinks; i++) {
		const uint8_t *m = r->links[i].mac;

		if (r->links[i].ifindex != a->ifindex)
			continue;
		memcpy(&ll.s6_addr[8], (uint8_t[8]){ m[0] ^ 2, m[1], m[2], 0xff, 0xfe, m[3], m[4],
						     m[5] }, 8);
		return !memcmp(&ll, &a->addr6, 16);
	}
	return false;
}

static int
addresses(struct rec *r, bool add)
{
	const struct cfg *cfg = r->cfg;
	char what[96], ip[CTL_ADDRSTRLEN];
	int err;

	if (!add && (err = COLLECT(r, RTM_GETADDR, RTM_NEWADDR, r->addrs, r->naddrs, nl_parse_addr)))
		return err;
	if (!add) {
		for (unsigned i = 0; i < r->naddrs; i++) {
			const struct ctl_addr *a = &r->addrs[i];
			const struct cfg_port *p = port_of(r, a->ifindex);
			/* The host made it on the port's host interface: the
			 * host's to remove. */
			bool keep = a->proto == SLUICE_IFAPROT_HOST;

			for (unsigned j = 0; p && j < p->naddr && !keep; j++)
				keep = addr_equal(&p->addr[j], a);
			if (keep || !p || auto_linklocal(r, a))
				continue;
			snprintf(what, sizeof(what), "address %s/%u dev %s",
				 fmt_ip(a->family, a->addr, &a->addr6, ip), a->len, p->name);
			if ((err = change(r, nl_addr(r->buf, RTM_DELADDR, 0, a), 0, what, "removed")))
				return err;
		}
		return 0;
	}
	for (unsigned i = 0; i < cfg->nports; i++) {
		const struct cfg_port *p = &cfg->port[i];
		uint32_t idx = names_find(&r->names, p->name);

		for (unsigned j = 0; j < p->naddr; j++) {
			struct ctl_addr a = p->addr[j];
			bool have = false;

			if (!idx) {
				snprintf(what, sizeof(what), "address %s/%u dev %s",
					 fmt_ip(a.family, a.addr, &a.addr6, ip), a.len, p->name);
				no_port(r, p->addr_line[j], what, p->name);
				continue;
			}

			for (unsigned k = 0; k < r->naddrs && !have; k++)
				have = r->addrs[k].ifindex == idx && addr_equal(&r->addrs[k], &a);
			if (have)
				continue;
			a.ifindex = idx;
			snprintf(what, sizeof(what), "address %s/%u dev %s",
				 fmt_ip(a.family, a.addr, &a.addr6, ip), a.len, p->name);
			if ((err = change(r, nl_addr(r->buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &a),
					  p->addr_line[j], what, "added")))
				return err;
		}
	}
	return 0;
}

static bool
route_same(const struct ctl_route *want, const struct ctl_route *have)
{
	return want->type == have->type && want->gw == have->gw &&
	       !memcmp(&want->gw6, &have->gw6, 16) && (!want->oif || want->oif == have->oif);
}

struct pipe_ctx {
	struct rec *r;
	const struct ctl_route *routes;
	bool *refused;		/* by index in routes: logged as failed */
};

/* The file's line of a route the dataplane should have (0: none). */
static int
route_line(const struct cfg *cfg, const struct ctl_route *rt)
{
	for (unsigned i = 0; i < cfg->nroutes; i++)
		if (ctl_route_key_cmp(&cfg->routes[i], rt) == 0)
			return cfg->route_line[i];
	return 0;
}

static void
route_error(void *arg, uint32_t tag, uint16_t type, int err, const char *msg)
{
	struct pipe_ctx *pc = arg;
	char text[192], what[224], ib[16];
	const struct ctl_route *rt = &pc->routes[tag];

	pc->refused[tag] = true;
	fmt_route(rt, rt->oif ? names_get(&pc->r->names, rt->oif, ib) : NULL, text, sizeof(text));
	snprintf(what, sizeof(what), "route %s not %s", text,
		 type == RTM_DELROUTE ? "removed" : "added");
	failed(pc->r, type == RTM_DELROUTE ? 0 : route_line(pc->r->cfg, rt), what, type, err, msg);
}

/* Pipelined route changes: list[i] for i where pick(i); returns -errno
 * only for a broken connection. */
static int
send_routes(struct rec *r, const struct ctl_route *list, const bool *pick, unsigned n,
	    uint16_t type, uint16_t flags, const char *verb)
{
	struct pipe_ctx pc = { r, list, calloc(n + 1, sizeof(bool)) };
	struct ctl_pipe *p = malloc(sizeof(*p));
	char text[192], ib[16];
	int err = 0;

	if (!p || !pc.refused || ctl_pipe_init(p, r->conn, route_error, &pc)) {
		free(p);
		free(pc.refused);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < n && !err; i++) {
		struct ctl_route rt = list[i];
		void *room;

		if (!pick[i])
			continue;
		if (!(room = ctl_pipe_room(p))) {
			err = p->fatal;
			break;
		}
		if (type == RTM_DELROUTE)
			rt.scope = RT_SCOPE_NOWHERE;
		ctl_pipe_commit(p, nl_route(room, type, flags, &rt), i);
		r->res->changes++;
	}
	if (!err)
		err = ctl_pipe_wait(p);
	/* Once answered: what was refused is logged as such (route_error). */
	for (unsigned i = 0; i < n && !err; i++)
		if (pick[i] && !pc.refused[i])
			log_line(SD_INFO "route %s %s",
				 fmt_route(&list[i], list[i].oif ? names_get(&r->names, list[i].oif, ib) :
					   NULL, text, sizeof(text)), verb);
	ctl_pipe_free(p);
	free(p);
	free(pc.refused);
	return err;
}

static int
routes(struct rec *r, bool add)
{
	const struct cfg *cfg = r->cfg;
	unsigned n = cfg->nroutes;
	bool *stale = NULL, *missing = NULL;
	int err;

	if ((err = COLLECT(r, RTM_GETROUTE, RTM_NEWROUTE, r->routes, r->nroutes, nl_parse_route)))
		return err;
	free(r->want);
	if (!(r->want = malloc((n + 1) * sizeof(*r->want))) ||
	    !(stale = calloc(r->nroutes + 1, 1)) || !(missing = malloc(n + 1)))
		goto nomem;
	for (unsigned i = 0; i < n; i++) {
		r->want[i] = cfg->routes[i];
		r->want[i].oif = r->want[i].dev[0] ? names_find(&r->names, r->want[i].dev) : 0;
		missing[i] = true;
	}
	qsort(r->want, n, sizeof(*r->want), ctl_route_key_cmp);
	for (unsigned i = 0; i < r->nroutes; i++) {
		const struct ctl_route *have = &r->routes[i];
		struct ctl_route *w = bsearch(have, r->want, n, sizeof(*r->want), ctl_route_key_cmp);

		if (w && route_same(w, have))
			missing[w - r->want] = false;
		else if (!w && have->protocol == SLUICE_RTPROT_CONFIG && !ks_holds(have))
			stale[i] = true;	/* (a kernel route may be proto boot too) */
	}
	/* A changed route is replaced in place (same key), never removed first. */
	if (!add)
		err = send_routes(r, r->routes, stale, r->nroutes, RTM_DELROUTE, 0, "removed");
	else
		err = send_routes(r, r->want, missing, n, RTM_NEWROUTE,
				  NLM_F_CREATE | NLM_F_REPLACE, "added");
	free(stale);
	free(missing);
	return err;
nomem:
	free(stale);
	free(missing);
	return -ENOMEM;
}

static int
neighbours(struct rec *r, bool add)
{
	const struct cfg *cfg = r->cfg;
	char what[128], ip[CTL_ADDRSTRLEN], mac[18], ib[16];
	int err;

	if (!add) {
		if ((err = COLLECT(r, RTM_GETNEIGH, RTM_NEWNEIGH, r->neighs, r->nneighs,
				   nl_parse_neigh)))
			return err;
		for (unsigned i = 0; i < r->nneighs; i++) {
			const struct ctl_neigh *h = &r->neighs[i];
			bool keep = false;

			if (!(h->state & NUD_PERMANENT))
				continue;
			for (unsigned j = 0; j < cfg->nneighs && !keep; j++)
				keep = neigh_addr_equal(&cfg->neighs[j], h) &&
				       names_find(&r->names, cfg->neighs[j].dev) == h->ifindex;
			if (keep)
				continue;
			snprintf(what, sizeof(what), "neighbour %s dev %s",
				 fmt_ip(h->family, h->addr, &h->addr6, ip),
				 names_get(&r->names, h->ifindex, ib));
			if ((err = change(r, nl_neigh(r->buf, RTM_DELNEIGH, 0, h), 0, what, "removed")))
				return err;
		}
		return 0;
	}
	for (unsigned i = 0; i < cfg->nneighs; i++) {
		struct ctl_neigh n = cfg->neighs[i];
		bool have = false;

		n.ifindex = names_find(&r->names, n.dev);
		for (unsigned j = 0; j < r->nneighs && !have; j++)
			have = neigh_addr_equal(&r->neighs[j], &n) && r->neighs[j].ifindex == n.ifindex &&
			       (r->neighs[j].state & NUD_PERMANENT) && r->neighs[j].has_lladdr &&
			       !memcmp(r->neighs[j].lladdr, n.lladdr, 6);
		if (have)
			continue;
		snprintf(what, sizeof(what), "neighbour %s lladdr %s dev %s",
			 fmt_ip(n.family, n.addr, &n.addr6, ip), fmt_mac(n.lladdr, mac), n.dev);
		if (!n.ifindex) {
			no_port(r, cfg->neigh_line[i], what, n.dev);
			continue;
		}
		if ((err = change(r, nl_neigh(r->buf, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, &n),
				  cfg->neigh_line[i], what, "added")))
			return err;
	}
	return 0;
}

/* The file's rules that can go on the dataplane, in the file's order: a
 * rule on a port that does not exist (said when report), or a repeat, is
 * left out.  line[] gets each one's line in the file. */
static unsigned
rules_wanted(struct rec *r, struct ctl_natrule *want, int *line, bool report)
{
	const struct cfg *cfg = r->cfg;
	unsigned n = 0;

	for (unsigned i = 0; i < cfg->nrules; i++) {
		struct ctl_natrule w = cfg->rules[i];
		bool dup = false;

		w.ifindex = names_find(&r->names, w.port);
		if (!w.ifindex) {
			char text[160], what[176];

			snprintf(what, sizeof(what), "nat rule %s",
				 fmt_natrule(&w, w.port, text, sizeof(text)));
			if (report)
				no_port(r, cfg->rule_line[i], what, w.port);
			continue;
		}
		for (unsigned j = 0; j < n && !dup; j++)
			dup = natrule_equal(&want[j], &w);
		if (!dup) {
			line[n] = cfg->rule_line[i];
			want[n++] = w;
		}
	}
	return n;
}

/* The dataplane matches rules first to last, so the file's order is kept:
 * the rules the dataplane and the file share as a common prefix stay, the
 * dataplane's rules after it go, and the file's rules after it are added
 * at the end in order.  An unchanged file changes nothing. */
static int
natrules(struct rec *r, bool add)
{
	struct ctl_natrule *want = malloc((r->cfg->nrules + 1) * sizeof(*want));
	int *line = malloc((r->cfg->nrules + 1) * sizeof(*line));
	char what[256], text[192], ib[16];
	unsigned nwant, keep = 0;
	int err;

	if (!want || !line) {
		free(want);
		free(line);
		return -ENOMEM;
	}
	if ((err = COLLECT(r, SLUICE_GETNATRULE, SLUICE_NEWNATRULE, r->rules, r->nrules,
			   nl_parse_natrule)))
		goto out;
	nwant = rules_wanted(r, want, line, add);
	while (keep < nwant && keep < r->nrules && natrule_equal(&want[keep], &r->rules[keep]))
		keep++;
	if (!add) {
		for (unsigned i = keep; i < r->nrules; i++) {
			struct ctl_natrule del = { .id = r->rules[i].id };

			fmt_natrule(&r->rules[i], names_get(&r->names, r->rules[i].ifindex, ib),
				    text, sizeof(text));
			snprintf(what, sizeof(what), "nat rule %s", text);
			if ((err = change(r, nl_natrule(r->buf, SLUICE_DELNATRULE, 0, &del), 0, what,
					  "removed")))
				goto out;
		}
		goto out;
	}
	for (unsigned i = keep; i < nwant; i++) {
		snprintf(what, sizeof(what), "nat rule %s",
			 fmt_natrule(&want[i], want[i].port, text, sizeof(text)));
		if ((err = change(r, nl_natrule(r->buf, SLUICE_NEWNATRULE,
						NLM_F_CREATE | NLM_F_EXCL, &want[i]), line[i], what,
				  "added")))
			goto out;
	}
out:
	free(want);
	free(line);
	return err;
}

static int
natconf_cb(const struct nlmsghdr *nlh, void *arg)
{
	return nl_parse_natconf(nlh, arg) ? -1 : 0;
}

static int
natconf(struct rec *r, bool add)
{
	struct ctl_natconf cur;
	char what[160];
	bool same = true;
	int err;

	(void)add;
	memset(&cur, 0, sizeof(cur));
	err = ctl_dump(r->conn, nl_simple(r->buf, SLUICE_GETNATCONF, 0, 0), natconf_cb, &cur);
	if (err && ctl_lost(err))
		return err;
	for (unsigned i = 1; i <= SLUICE_NATC_MAX; i++)
		same = same && cur.has[i] && cur.v[i] == r->cfg->natconf.v[i];
	if (!err && same)
		return 0;
	snprintf(what, sizeof(what), "nat settings (timeouts udp %u tcp-established %u "
		 "tcp-transitory %u icmp %u, max-sessions %u)", r->cfg->natconf.v[SLUICE_NATC_TIMEOUT_UDP],
		 r->cfg->natconf.v[SLUICE_NATC_TIMEOUT_TCP_EST],
		 r->cfg->natconf.v[SLUICE_NATC_TIMEOUT_TCP_TRANS],
		 r->cfg->natconf.v[SLUICE_NATC_TIMEOUT_ICMP],
		 r->cfg->natconf.v[SLUICE_NATC_MAX_SESSIONS]);
	return change(r, nl_natconf(r->buf, 0, &r->cfg->natconf), 0, what, "set");
}

int
reconcile(struct ctl_conn *conn, const struct cfg *cfg, struct rec_result *res)
{
	struct rec *r = calloc(1, sizeof(*r));
	int err;

	memset(res, 0, sizeof(*res));
	if (!r)
		return -ENOMEM;
	r->conn = conn;
	r->cfg = cfg;
	r->res = res;
	/* Each step stands alone: a dump the dataplane refuses is reported and
	 * the others still run; only a lost connection stops it all. */
	static const struct {
		const char *what;
		int (*fn)(struct rec *r, bool add);
		bool add;
	} steps[] = {
		{ "ports", ports, false },
		{ "routes", routes, false },
		{ "neighbours", neighbours, false },
		{ "nat rules", natrules, false },
		{ "addresses", addresses, false },
		/* Before any rule is added: a new max-sessions rebuilds the
		 * NAT table, which would end the sessions traffic made in
		 * between. */
		{ "nat settings", natconf, false },
		{ "addresses", addresses, true },
		{ "routes", routes, true },
		{ "neighbours", neighbours, true },
		{ "nat rules", natrules, true },
	};
	err = 0;
	for (unsigned i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (!(err = steps[i].fn(r, steps[i].add)))
			continue;
		if (ctl_lost(err))
			break;
		log_line(SD_ERR "Error: %s: %s.", steps[i].what, ctl_strerror(0, err));
		res->failures++;
		err = 0;
	}
	fflush(stderr);
	free(r->links);
	free(r->addrs);
	free(r->routes);
	free(r->neighs);
	free(r->rules);
	free(r->want);
	free(r);
	return err;
}
