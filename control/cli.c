/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The CLI's objects and commands, modelled on iproute2's ip: an object
 * (link, address, route, neighbour, nat, stats), a command (show, add, del,
 * ...) and the grammar's arguments.  Words may be shortened as in ip:
 * `r` is route, `a` address, `n` neighbour, `ls`/`list`/`lst` show.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* ip's matches(): word is a non-empty prefix of what. */
static inline bool
matches(const char *word, const char *what)
{
	size_t n = strlen(word);

	return n && !strncmp(word, what, n);
}

static bool
is_show(const char *w)
{
	return matches(w, "show") || matches(w, "list") || !strcmp(w, "ls") || !strcmp(w, "lst");
}

static bool
is_del(const char *w)
{
	return !strcmp(w, "del") || matches(w, "delete");
}

void
cli_error(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("Error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (c->line)
		fprintf(stderr, ". (line %u)\n", c->line);
	else
		fputs(".\n", stderr);
}

void
cli_usage(const char *o)
{
	static const struct { const char *obj, *text; } u[] = {
		{ "link", "sluice link show [NAME]\n"
			  "       sluice link set NAME [up|down] [mtu N]" },
		{ "address", "sluice addr show [dev NAME]\n"
			     "       sluice addr add|del A.B.C.D/N dev NAME" },
		{ "route", "sluice route show\n"
			   "       sluice route add|del|replace PREFIX|default via GW [dev NAME] [metric N]\n"
			   "       sluice route add|del|replace PREFIX dev NAME [metric N]\n"
			   "       sluice route add|del|replace PREFIX blackhole [metric N]\n"
			   "       sluice route get ADDR" },
		{ "neighbor", "sluice neigh show [dev NAME]\n"
			      "       sluice neigh add|replace ADDR lladdr MAC dev NAME\n"
			      "       sluice neigh del ADDR dev NAME\n"
			      "       sluice neigh flush [dev NAME]" },
		{ "nat", "sluice nat rule show\n"
			 "       sluice nat rule add|del masquerade out PORT [from PREFIX] [filter F]\n"
			 "       sluice nat rule add|del snat from PREFIX out PORT to ADDR[-ADDR] "
			 "[ports LO-HI] [filter F]\n"
			 "       sluice nat rule add|del dnat in PORT proto tcp|udp dport N[-M] "
			 "to ADDR[:P] [filter F]\n"
			 "       sluice nat rule del id N\n"
			 "       sluice nat session show [limit N]\n"
			 "       sluice nat session flush\n"
			 "       (F: endpoint-independent | address-port-dependent)" },
		{ "stats", "sluice stats" },
	};

	for (unsigned i = 0; i < sizeof(u) / sizeof(u[0]); i++)
		if (o && !strcmp(o, u[i].obj)) {
			fprintf(stderr, "Usage: %s\n", u[i].text);
			return;
		}
	fputs("Usage: sluice [-s SOCKET] [-j] [-b FILE] OBJECT COMMAND [ARGS]\n"
	      "       OBJECT := { link | address | route | neighbor | nat | stats }\n"
	      "       -s SOCKET  the dataplane's socket (default " SLUICE_SOCKET_DEFAULT ")\n"
	      "       -j         JSON output\n"
	      "       -b FILE    run the commands of FILE, one per line ('-': stdin)\n",
	      stderr);
}

static int
usage_err(struct cli *c, const char *obj, const char *msg)
{
	cli_error(c, "%s", msg);
	if (!c->line)
		cli_usage(obj);
	return CLI_USAGE;
}

int
cli_connect(struct cli *c)
{
	int err;

	if (c->connected)
		return 0;
	if ((err = ctl_connect(&c->conn, c->sock))) {
		cli_error(c, "cannot connect to %s: %s", c->sock, strerror(-err));
		return CLI_FAIL;
	}
	c->connected = true;
	return 0;
}

/* Answers of a batch that come back with errors. */
static int
drain(struct cli *c)
{
	if (c->pipe && ctl_pipe_wait(c->pipe)) {
		cli_error(c, "%s", ctl_strerror(0, c->pipe->fatal));
		return CLI_FAIL;
	}
	return 0;
}

static int
fail(struct cli *c, uint16_t type, int err)
{
	cli_error(c, "%s", ctl_error(&c->conn, type, err));
	return CLI_FAIL;
}

struct dump_ctx {
	struct cli *c;
	struct printer pr;
	int (*fn)(struct dump_ctx *d, const struct nlmsghdr *nlh);
	const char *dev;		/* filter, "" = all */
	uint32_t ifindex;
	uint32_t dst;			/* route get */
	struct ctl_route route;		/* route get: the answer */
	struct ctl_link link;		/* link show NAME: the port */
	bool found;			/* route get: route above is the answer */
	struct ctl_link *links;		/* addr show */
	struct ctl_addr *addrs;
	unsigned nlinks, naddrs;
};

static int
dump_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct dump_ctx *d = arg;

	return d->fn(d, nlh);
}

/* Dump type into d->fn; answers 0 or CLI_FAIL after printing the error. */
static int
dump(struct cli *c, uint16_t type, uint32_t limit, struct dump_ctx *d)
{
	struct nlmsghdr *nlh;
	int err;

	if (cli_connect(c) || drain(c))
		return CLI_FAIL;
	nlh = nl_simple(c->buf, type, NLM_F_DUMP, limit);
	if ((err = ctl_dump(&c->conn, nlh, dump_cb, d)))
		return fail(c, type, err);
	return 0;
}

static int
names_fn(struct dump_ctx *d, const struct nlmsghdr *nlh)
{
	struct ctl_link l;

	if (nlh->nlmsg_type == RTM_NEWLINK && nl_parse_link(nlh, &l) == 0)
		names_add(&d->c->names, l.ifindex, l.name);
	return 0;
}

static int
load_names(struct cli *c)
{
	struct dump_ctx d = { .c = c, .fn = names_fn };

	if (c->have_names)
		return 0;
	memset(&c->names, 0, sizeof(c->names));
	if (dump(c, RTM_GETLINK, 0, &d))
		return CLI_FAIL;
	c->have_names = true;
	return 0;
}

/* A port name to its index, or 0 after printing the error. */
static uint32_t
resolve(struct cli *c, const char *name)
{
	uint32_t i;

	if (load_names(c))
		return 0;
	if ((i = names_find(&c->names, name)))
		return i;
	c->have_names = false;	/* maybe it is new: look once more */
	if (load_names(c))
		return 0;
	if (!(i = names_find(&c->names, name)))
		cli_error(c, "no such port \"%s\"", name);
	return i;
}

static void *
room(struct cli *c)
{
	if (c->pipe)
		return ctl_pipe_room(c->pipe);
	return c->buf;
}

/* Send a change: down the pipeline in a batch, else wait for its ack. */
static int
commit(struct cli *c, struct nlmsghdr *nlh)
{
	int err;

	if (c->pipe) {
		ctl_pipe_commit(c->pipe, nlh, c->line);
		return 0;
	}
	if (cli_connect(c))
		return CLI_FAIL;
	if ((err = ctl_request(&c->conn, nlh)))
		return fail(c, nlh->nlmsg_type, err);
	return 0;
}

#define ROOM_OR_FAIL(c, buf)						\
	do {								\
		if (cli_connect(c) || !((buf) = room(c)))		\
			return (c)->pipe && (c)->pipe->fatal ?		\
			       fail(c, 0, (c)->pipe->fatal) : CLI_FAIL;	\
	} while (0)

/* -------- link -------- */

static int
link_fn(struct dump_ctx *d, const struct nlmsghdr *nlh)
{
	struct ctl_link l;

	if (nlh->nlmsg_type != RTM_NEWLINK || nl_parse_link(nlh, &l))
		return 0;
	if (!d->dev[0]) {
		pr_link(&d->pr, &l);
	} else if (!strcmp(d->dev, l.name)) {
		d->link = l;
		d->ifindex = l.ifindex;
	}
	return 0;
}

static int
do_link(struct cli *c, int argc, char **argv)
{
	char err[CTL_ERRLEN];

	if (argc == 0 || is_show(argv[0])) {
		struct dump_ctx d = { .c = c, .fn = link_fn, .dev = "" };
		int r;

		if (argc > 1)
			d.dev = strcmp(argv[1], "dev") ? argv[1] : argc > 2 ? argv[2] : "";
		d.pr = (struct printer){ .f = stdout, .json = c->json };
		/* One port asked for is printed once found: an error leaves
		 * stdout empty, even of JSON's "[]". */
		if (!d.dev[0])
			pr_begin(&d.pr);
		r = dump(c, RTM_GETLINK, 0, &d);
		if (!d.dev[0]) {
			pr_end(&d.pr);
			return r;
		}
		if (!r && !d.ifindex) {
			cli_error(c, "no such port \"%s\"", d.dev);
			return CLI_FAIL;
		}
		if (!r) {
			pr_begin(&d.pr);
			pr_link(&d.pr, &d.link);
			pr_end(&d.pr);
		}
		return r;
	}
	if (!strcmp(argv[0], "set")) {
		struct ctl_link l;
		struct nlmsghdr *nlh;
		void *buf;

		if (grammar_link_set(argc - 1, argv + 1, &l, err))
			return usage_err(c, "link", err);
		/* The dataplane's ENODEV cannot say which port. */
		if (!resolve(c, l.name))
			return CLI_FAIL;
		ROOM_OR_FAIL(c, buf);
		nlh = nl_link(buf, RTM_NEWLINK, 0, &l);
		return commit(c, nlh);
	}
	return usage_err(c, "link", "unknown link command");
}

/* -------- address -------- */

static int
addr_fn(struct dump_ctx *d, const struct nlmsghdr *nlh)
{
	if (nlh->nlmsg_type == RTM_NEWLINK) {
		struct ctl_link *l = realloc(d->links, (d->nlinks + 1) * sizeof(*l));

		if (!l)
			return -1;
		d->links = l;
		if (nl_parse_link(nlh, &l[d->nlinks]) == 0)
			d->nlinks++;
	} else if (nlh->nlmsg_type == RTM_NEWADDR) {
		struct ctl_addr *a = realloc(d->addrs, (d->naddrs + 1) * sizeof(*a));

		if (!a)
			return -1;
		d->addrs = a;
		if (nl_parse_addr(nlh, &a[d->naddrs]) == 0)
			d->naddrs++;
	}
	return 0;
}

static int
do_addr(struct cli *c, int argc, char **argv)
{
	char err[CTL_ERRLEN];

	if (argc == 0 || is_show(argv[0])) {
		struct dump_ctx d = { .c = c, .fn = addr_fn, .dev = "" };
		struct ctl_addr *sel;
		bool found = false;
		int r;

		if (argc > 1)
			d.dev = strcmp(argv[1], "dev") ? argv[1] : argc > 2 ? argv[2] : "";
		if ((r = dump(c, RTM_GETLINK, 0, &d)) || (r = dump(c, RTM_GETADDR, 0, &d)))
			goto out;
		for (unsigned i = 0; i < d.nlinks && !found; i++)
			found = !d.dev[0] || !strcmp(d.dev, d.links[i].name);
		if (d.dev[0] && !found) {
			cli_error(c, "no such port \"%s\"", d.dev);
			r = CLI_FAIL;
			goto out;
		}
		sel = malloc((d.naddrs + 1) * sizeof(*sel));
		d.pr = (struct printer){ .f = stdout, .json = c->json };
		pr_begin(&d.pr);
		for (unsigned i = 0; sel && i < d.nlinks; i++) {
			unsigned n = 0;

			if (d.dev[0] && strcmp(d.dev, d.links[i].name))
				continue;
			for (unsigned j = 0; j < d.naddrs; j++)
				if (d.addrs[j].ifindex == d.links[i].ifindex)
					sel[n++] = d.addrs[j];
			pr_link_addrs(&d.pr, &d.links[i], sel, n);
		}
		pr_end(&d.pr);
		free(sel);
out:
		free(d.links);
		free(d.addrs);
		return r;
	}
	if (!strcmp(argv[0], "add") || is_del(argv[0])) {
		bool add = argv[0][0] == 'a';
		struct ctl_addr a;
		void *buf;

		if (grammar_addr(argc - 1, argv + 1, &a, err))
			return usage_err(c, "address", err);
		if (!(a.ifindex = resolve(c, a.dev)))
			return CLI_FAIL;
		ROOM_OR_FAIL(c, buf);
		return commit(c, nl_addr(buf, add ? RTM_NEWADDR : RTM_DELADDR,
					 add ? NLM_F_CREATE | NLM_F_EXCL : 0, &a));
	}
	return usage_err(c, "address", "unknown address command");
}

/* -------- route -------- */

static int
route_fn(struct dump_ctx *d, const struct nlmsghdr *nlh)
{
	struct ctl_route r;

	if (nlh->nlmsg_type == RTM_NEWROUTE && nl_parse_route(nlh, &r) == 0)
		pr_route(&d->pr, &r);
	return 0;
}

static int
route_get_fn(struct dump_ctx *d, const struct nlmsghdr *nlh)
{
	struct ctl_route r;

	if (nlh->nlmsg_type == RTM_NEWROUTE && nl_parse_route(nlh, &r) == 0 && !d->found) {
		d->route = r;
		d->found = true;
	}
	return 0;
}

static int
do_route(struct cli *c, int argc, char **argv)
{
	char err[CTL_ERRLEN];
	struct dump_ctx d = { .c = c, .dev = "" };

	d.pr = (struct printer){ .f = stdout, .json = c->json, .names = &c->names };
	if (argc == 0 || is_show(argv[0])) {
		int r;

		if (load_names(c))
			return CLI_FAIL;
		d.fn = route_fn;
		pr_begin(&d.pr);
		r = dump(c, RTM_GETROUTE, 0, &d);
		pr_end(&d.pr);
		return r;
	}
	if (!strcmp(argv[0], "get")) {
		struct ctl_route q = { .type = RTN_UNICAST, .dst_len = 32 };
		struct nlmsghdr *nlh;
		int i = 1, r;

		if (i < argc && !strcmp(argv[i], "to"))
			i++;
		if (i + 1 != argc || !parse_ip4(argv[i], &q.dst))
			return usage_err(c, "route", i < argc ? "invalid address" : "missing address");
		if (load_names(c) || drain(c))
			return CLI_FAIL;
		d.fn = route_get_fn;
		d.dst = q.dst;
		nlh = nl_route(c->buf, RTM_GETROUTE, 0, &q);
		/* Printed only once answered: an error leaves stdout empty. */
		r = ctl_dump(&c->conn, nlh, dump_cb, &d);
		if (!r && !d.found)
			r = -ENETUNREACH;
		if (r)
			return fail(c, RTM_GETROUTE, r);
		pr_begin(&d.pr);
		pr_route_get(&d.pr, &d.route, d.dst);
		pr_end(&d.pr);
		return 0;
	}
	if (!strcmp(argv[0], "add") || is_del(argv[0]) || !strcmp(argv[0], "replace") ||
	    !strcmp(argv[0], "change")) {
		bool del = is_del(argv[0]);
		struct ctl_route r;
		uint16_t flags;
		void *buf;

		if (grammar_route(argc - 1, argv + 1, del ? GRAMMAR_DEL : GRAMMAR_ADD, &r, err))
			return usage_err(c, "route", err);
		if (r.dev[0] && !(r.oif = resolve(c, r.dev)))
			return CLI_FAIL;
		if (del) {
			r.protocol = 0;			/* any owner, like ip */
			r.scope = RT_SCOPE_NOWHERE;
			flags = 0;
		} else {
			r.protocol = SLUICE_RTPROT_CLI;
			flags = argv[0][0] == 'a' ? NLM_F_CREATE | NLM_F_EXCL :
				argv[0][0] == 'c' ? NLM_F_REPLACE : NLM_F_CREATE | NLM_F_REPLACE;
		}
		ROOM_OR_FAIL(c, buf);
		return commit(c, nl_route(buf, del ? RTM_DELROUTE : RTM_NEWROUTE, flags, &r));
	}
	return usage_err(c, "route", "unknown route command");
}

/* -------- neighbour -------- */

static int
neigh_fn(struct dump_ctx *d, const struct nlmsghdr *nlh)
{
	struct ctl_neigh n;

	if (nlh->nlmsg_type == RTM_NEWNEIGH && nl_parse_neigh(nlh, &n) == 0 &&
	    (!d->ifindex || n.ifindex == d->ifindex))
		pr_neigh(&d->pr, &n);
	return 0;
}

/* [dev NAME] */
static int
dev_arg(struct cli *c, const char *obj, int argc, char **argv, uint32_t *ifindex)
{
	*ifindex = 0;
	if (argc == 0)
		return 0;
	if (argc != 2 || strcmp(argv[0], "dev"))
		return usage_err(c, obj, "expected \"dev NAME\"");
	return (*ifindex = resolve(c, argv[1])) ? 0 : CLI_FAIL;
}

static int
do_neigh(struct cli *c, int argc, char **argv)
{
	char err[CTL_ERRLEN];
	struct dump_ctx d = { .c = c, .dev = "" };
	void *buf;
	int r;

	d.pr = (struct printer){ .f = stdout, .json = c->json, .names = &c->names };
	if (argc == 0 || is_show(argv[0])) {
		if ((r = dev_arg(c, "neighbor", argc - !!argc, argv + !!argc, &d.ifindex)) ||
		    (r = load_names(c)))
			return r;
		d.fn = neigh_fn;
		pr_begin(&d.pr);
		r = dump(c, RTM_GETNEIGH, 0, &d);
		pr_end(&d.pr);
		return r;
	}
	if (!strcmp(argv[0], "flush")) {
		struct ctl_neigh n = { 0 };

		if ((r = dev_arg(c, "neighbor", argc - 1, argv + 1, &n.ifindex)))
			return r;
		ROOM_OR_FAIL(c, buf);
		return commit(c, nl_neigh(buf, RTM_DELNEIGH, 0, &n));
	}
	if (!strcmp(argv[0], "add") || is_del(argv[0]) || !strcmp(argv[0], "replace")) {
		bool del = is_del(argv[0]);
		struct ctl_neigh n;

		if (grammar_neigh(argc - 1, argv + 1, del ? GRAMMAR_DEL : GRAMMAR_ADD, &n, err))
			return usage_err(c, "neighbor", err);
		if (!(n.ifindex = resolve(c, n.dev)))
			return CLI_FAIL;
		ROOM_OR_FAIL(c, buf);
		return commit(c, nl_neigh(buf, del ? RTM_DELNEIGH : RTM_NEWNEIGH,
					  del ? 0 : argv[0][0] == 'a' ? NLM_F_CREATE | NLM_F_EXCL :
					  NLM_F_CREATE | NLM_F_REPLACE, &n));
	}
	return usage_err(c, "neighbor", "unknown neighbor command");
}

/* -------- nat -------- */

static int
natrule_fn(struct dump_ctx *d, const struct nlmsghdr *nlh)
{
	struct ctl_natrule r;

	if ((nlh->nlmsg_type == SLUICE_NEWNATRULE || nlh->nlmsg_type == SLUICE_GETNATRULE) &&
	    nl_parse_natrule(nlh, &r) == 0)
		pr_natrule(&d->pr, &r);
	return 0;
}

static int
natsess_fn(struct dump_ctx *d, const struct nlmsghdr *nlh)
{
	struct ctl_natsess s;

	if (nl_parse_natsess(nlh, &s) == 0)
		pr_natsess(&d->pr, &s);
	return 0;
}

static int
do_nat(struct cli *c, int argc, char **argv)
{
	char err[CTL_ERRLEN];
	struct dump_ctx d = { .c = c, .dev = "" };
	void *buf;
	int r;

	d.pr = (struct printer){ .f = stdout, .json = c->json, .names = &c->names };
	if (argc == 0)
		return usage_err(c, "nat", "missing \"rule\" or \"session\"");
	if (matches(argv[0], "rule") || matches(argv[0], "rules")) {
		if (argc == 1 || is_show(argv[1])) {
			if (argc > 2)
				return usage_err(c, "nat", "nat rule show takes no arguments");
			if (load_names(c))
				return CLI_FAIL;
			d.fn = natrule_fn;
			pr_begin(&d.pr);
			r = dump(c, SLUICE_GETNATRULE, 0, &d);
			pr_end(&d.pr);
			return r;
		}
		if (!strcmp(argv[1], "add") || is_del(argv[1])) {
			bool del = is_del(argv[1]);
			struct ctl_natrule rule;

			if (del && argc == 4 && !strcmp(argv[2], "id")) {
				memset(&rule, 0, sizeof(rule));
				if (!parse_u32(argv[3], UINT32_MAX, &rule.id) || !rule.id)
					return usage_err(c, "nat", "invalid rule id");
			} else {
				if (grammar_natrule(argc - 2, argv + 2, &rule, err))
					return usage_err(c, "nat", err);
				if (!(rule.ifindex = resolve(c, rule.port)))
					return CLI_FAIL;
			}
			ROOM_OR_FAIL(c, buf);
			return commit(c, nl_natrule(buf, del ? SLUICE_DELNATRULE : SLUICE_NEWNATRULE,
						    del ? 0 : NLM_F_CREATE | NLM_F_EXCL, &rule));
		}
		return usage_err(c, "nat", "unknown nat rule command");
	}
	if (matches(argv[0], "session") || matches(argv[0], "sessions")) {
		if (argc == 1 || is_show(argv[1])) {
			uint32_t limit = 0;

			if (argc == 4 && !strcmp(argv[2], "limit")) {
				if (!parse_u32(argv[3], UINT32_MAX, &limit) || !limit)
					return usage_err(c, "nat", "invalid limit");
			} else if (argc > 2) {
				return usage_err(c, "nat", "expected \"limit N\"");
			}
			d.fn = natsess_fn;
			pr_begin(&d.pr);
			r = dump(c, SLUICE_GETNATSESS, limit, &d);
			pr_end(&d.pr);
			return r;
		}
		if (!strcmp(argv[1], "flush") && argc == 2) {
			ROOM_OR_FAIL(c, buf);
			return commit(c, nl_simple(buf, SLUICE_DELNATSESS, 0, 0));
		}
		return usage_err(c, "nat", "unknown nat session command");
	}
	return usage_err(c, "nat", "expected \"rule\" or \"session\"");
}

/* -------- stats -------- */

static void
stat_cb(void *arg, int group, const char *name, uint64_t value)
{
	pr_stat(arg, group, name, value);
}

static int
stats_fn(struct dump_ctx *d, const struct nlmsghdr *nlh)
{
	if (nlh->nlmsg_type >= SLUICE_MSG_BASE)
		nl_parse_stats(nlh, stat_cb, &d->pr);
	return 0;
}

static int
do_stats(struct cli *c, int argc, char **argv)
{
	struct dump_ctx d = { .c = c, .dev = "", .fn = stats_fn };
	int r;

	if (argc > 1 || (argc == 1 && !is_show(argv[0])))
		return usage_err(c, "stats", "stats takes no arguments");
	d.pr = (struct printer){ .f = stdout, .json = c->json };
	pr_stats_begin(&d.pr);
	if ((r = dump(c, SLUICE_GETSTATS, 0, &d)))
		return r;
	pr_stats_end(&d.pr);
	return 0;
}

int
cli_run(struct cli *c, int argc, char **argv)
{
	static const struct {
		const char *name;
		const char *usage;
		int (*fn)(struct cli *c, int argc, char **argv);
	} objs[] = {
		{ "link", "link", do_link },
		{ "address", "address", do_addr },
		{ "route", "route", do_route },
		{ "neighbor", "neighbor", do_neigh },
		{ "neighbour", "neighbor", do_neigh },
		{ "nat", "nat", do_nat },
		{ "stats", "stats", do_stats },
	};

	if (argc == 0)
		return usage_err(c, NULL, "missing object");
	if (!strcmp(argv[0], "help")) {
		cli_usage(NULL);
		return CLI_USAGE;
	}
	for (unsigned i = 0; i < sizeof(objs) / sizeof(objs[0]); i++)
		if (matches(argv[0], objs[i].name) ||
		    (!strcmp(objs[i].name, "neighbor") && matches(argv[0], "neigh"))) {
			if (argc > 1 && !strcmp(argv[1], "help")) {
				cli_usage(objs[i].usage);
				return CLI_USAGE;
			}
			return objs[i].fn(c, argc - 1, argv + 1);
		}
	cli_error(c, "unknown object \"%s\"", argv[0]);
	if (!c->line)
		cli_usage(NULL);
	return CLI_USAGE;
}
