/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The CLI's objects and commands, modelled on iproute2's ip: an object
 * (link, address, route, neighbour, nat, stats), a command (show, add, del,
 * ...) and the grammar's arguments.  Objects and commands may be shortened
 * as in ip: `r a` is route add, `a` address, `n` neighbour, `l s` link set.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ops.h"
#include "select.h"

/* ip's matches(): word is a non-empty prefix of what. */
static inline bool
matches(const char *word, const char *what)
{
	size_t n = strlen(word);

	return n && !strncmp(word, what, n);
}

enum cmd { CMD_UNKNOWN, CMD_ADD, CMD_SET, CMD_CHANGE, CMD_REPLACE, CMD_DEL, CMD_SHOW, CMD_GET,
	   CMD_FLUSH };

struct cmd_word {
	const char *name;
	enum cmd cmd;
};

/* Each object's commands in the order ip tries them: a word is the first
 * one it begins, so "r a" is route add, "l s" link set, "n d" neighbour
 * delete, "a f" address flush; "chg" is change, as in ip. */
static const struct cmd_word link_cmds[] = {
	{ "set", CMD_SET }, { "change", CMD_SET }, { "show", CMD_SHOW }, { "lst", CMD_SHOW },
	{ "list", CMD_SHOW }, { NULL, CMD_UNKNOWN } };
static const struct cmd_word addr_cmds[] = {
	{ "add", CMD_ADD }, { "delete", CMD_DEL }, { "list", CMD_SHOW }, { "show", CMD_SHOW },
	{ "lst", CMD_SHOW }, { "flush", CMD_FLUSH }, { NULL, CMD_UNKNOWN } };
static const struct cmd_word route_cmds[] = {
	{ "add", CMD_ADD }, { "change", CMD_CHANGE }, { "chg", CMD_CHANGE },
	{ "replace", CMD_REPLACE }, { "delete", CMD_DEL }, { "list", CMD_SHOW }, { "show", CMD_SHOW },
	{ "lst", CMD_SHOW }, { "get", CMD_GET }, { "flush", CMD_FLUSH }, { NULL, CMD_UNKNOWN } };
static const struct cmd_word neigh_cmds[] = {
	{ "add", CMD_ADD }, { "change", CMD_CHANGE }, { "chg", CMD_CHANGE },
	{ "replace", CMD_REPLACE }, { "delete", CMD_DEL }, { "show", CMD_SHOW }, { "lst", CMD_SHOW },
	{ "list", CMD_SHOW }, { "flush", CMD_FLUSH }, { NULL, CMD_UNKNOWN } };
static const struct cmd_word natrule_cmds[] = {
	{ "add", CMD_ADD }, { "delete", CMD_DEL }, { "show", CMD_SHOW }, { "lst", CMD_SHOW },
	{ "list", CMD_SHOW }, { NULL, CMD_UNKNOWN } };
static const struct cmd_word natsess_cmds[] = {
	{ "show", CMD_SHOW }, { "lst", CMD_SHOW }, { "list", CMD_SHOW }, { "flush", CMD_FLUSH },
	{ NULL, CMD_UNKNOWN } };
static const struct cmd_word stats_cmds[] = {
	{ "show", CMD_SHOW }, { "lst", CMD_SHOW }, { "list", CMD_SHOW }, { NULL, CMD_UNKNOWN } };

/* The command argv[0] names (show when there are no words). */
static enum cmd
command_of(int argc, char **argv, const struct cmd_word *w)
{
	if (argc == 0)
		return CMD_SHOW;
	for (; w->name != NULL; w++)
		if (matches(argv[0], w->name))
			return w->cmd;
	return CMD_UNKNOWN;
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
cli_usage(FILE *f, const char *o)
{
	static const struct { const char *obj, *text; } u[] = {
		{ "link", "sluice link show [[dev] NAME]\n"
			  "       sluice link set NAME [up|down] [mtu N] [host on|off] [ra on|off]" },
		{ "address", "sluice addr show [[dev] NAME] [to PREFIX]\n"
			     "       sluice addr add|del A.B.C.D/N|X:X::X/N dev NAME\n"
			     "       sluice addr flush [dev] NAME [to PREFIX]" },
		{ "route", "sluice route show [SELECTOR]\n"
			   "       sluice route flush SELECTOR\n"
			   "       sluice route add|del|replace|change PREFIX|default via GW [dev NAME]\n"
			   "                                          [metric N]\n"
			   "       sluice route add|del|replace|change PREFIX dev NAME [metric N]\n"
			   "       sluice route add|del|replace|change PREFIX blackhole|unreachable\n"
			   "                                          [metric N]\n"
			   "       (add: a new route; change: an existing one; replace: either)\n"
			   "       sluice route get [to] ADDR[/N] [dev NAME]\n"
			   "SELECTOR := [[to] [root|match|exact] PREFIX] [dev NAME] [via PREFIX]\n"
			   "            [proto P] [type T] [scope S]\n"
			   "       (root: inside PREFIX; match: covering PREFIX; exact, the default:\n"
			   "        PREFIX itself; P, T, S: names of ip's rt_protos, types, rt_scopes)\n"
			   "       PREFIX and GW of either family (10.0.0.0/8, 2001:db8::/32); show and\n"
			   "       flush list IPv4 unless -6 or an IPv6 prefix says otherwise;\n"
			   "       a link-local gateway (fe80::1) needs dev NAME" },
		{ "neighbor", "sluice neigh show [dev NAME] [[to] PREFIX] [nud STATE]\n"
			      "       sluice neigh add|replace|change ADDR lladdr MAC dev NAME\n"
			      "       sluice neigh del ADDR dev NAME\n"
			      "       sluice neigh flush [all] [dev NAME]" },
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
		{ "capture", "sluice capture [dev NAME] [in|out|both] [-c COUNT] [-s SNAPLEN] "
			     "[-w FILE|-]\n"
			     "       (-w -: pcapng on stdout; without -w: one line per frame)" },
		{ "trace", "sluice [-j] trace [dev NAME] [-c N]\n"
			   "       (the next N packets in, 10 by default; 0: until Ctrl-C)" },
	};

	for (unsigned i = 0; i < sizeof(u) / sizeof(u[0]); i++)
		if (o && !strcmp(o, u[i].obj)) {
			fprintf(f, "Usage: %s\n", u[i].text);
			return;
		}
	fputs("Usage: sluice [-s SOCKET] [-j] [-4|-6] [-b FILE] [-f] OBJECT COMMAND [ARGS]\n"
	      "       sluice [-V | --version] [-h | --help]\n"
	      "       OBJECT := { link | address | route | neighbor | nat | stats | capture |\n"
	      "                  trace | help }\n"
	      "       -s, --socket SOCKET  the dataplane's socket (default " SLUICE_SOCKET_DEFAULT ")\n"
	      "       -j, --json           JSON output\n"
	      "       -4, -6               IPv4 or IPv6 only (route show lists IPv4 without -6)\n"
	      "       -b, --batch FILE     run the commands of FILE, one per line ('-': stdin)\n"
	      "       -f, --force          accepted for ip's sake: a batch always runs every line\n"
	      "       -V, --version        print the version\n"
	      "       sluice OBJECT help: the commands of OBJECT\n",
	      f);
}

static int
usage_err(struct cli *c, const char *obj, const char *msg)
{
	cli_error(c, "%s", msg);
	if (!c->line)
		cli_usage(stderr, obj);
	return CLI_USAGE;
}

int
cli_usage_err(struct cli *c, const char *obj, const char *msg)
{
	return usage_err(c, obj, msg);
}

/* `help`: the object's usage on stdout, status 0. */
static int
help(const char *obj)
{
	cli_usage(stdout, obj);
	return CLI_OK;
}

/* A word no command of obj takes. */
static int
unknown(struct cli *c, const char *obj, const char *what, const char *word)
{
	char msg[CTL_ERRLEN];

	snprintf(msg, sizeof(msg), "unknown %s \"%s\"", what, word);
	return usage_err(c, obj, msg);
}

int
cli_connect(struct cli *c)
{
	int err;

	if (c->connected)
		return 0;
	if ((err = ctl_connect(&c->conn, c->sock))) {
		cli_error(c, "cannot connect to %s: %s", c->sock, strerror(-err));
		c->unreachable = true;
		return CLI_FAIL;
	}
	c->connected = true;
	return 0;
}

/* Answers of a batch that come back with errors. */
static int
drain(struct cli *c)
{
	int err;

	if (!c->pipe)
		return 0;
	err = batch_flush(c) || ctl_pipe_wait(c->pipe);
	batch_errors(c);
	if (err) {
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

int
cli_fail(struct cli *c, uint16_t type, int err)
{
	return fail(c, type, err);
}

struct dump_ctx {
	struct cli *c;
	struct printer pr;
	int (*fn)(struct dump_ctx *d, const struct nlmsghdr *nlh);
	const char *dev;		/* filter, "" = all */
	uint32_t ifindex;
	uint32_t dst;			/* route get */
	struct in6_addr dst6;
	uint8_t family;			/* route show|flush|get: the family listed */
	struct ctl_route route;		/* route get: the answer */
	struct ctl_link link;		/* link show NAME: the port */
	bool found;			/* route get: route above is the answer */
	struct ctl_link *links;		/* addr show */
	struct ctl_addr *addrs;
	unsigned nlinks, naddrs;
	const struct route_sel *rsel;	/* route show|flush */
	const struct neigh_sel *nsel;	/* neigh show */
	struct ctl_route *routes;	/* route flush: what goes */
	unsigned nroutes;
	bool collect;			/* route flush: collect, do not print */
	void (*link_cb)(void *arg, const struct ctl_link *l);	/* cli_links */
	void *link_arg;
};

static int
dump_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct dump_ctx *d = arg;

	return d->fn(d, nlh);
}

/* Dump type into d->fn; answers 0 or CLI_FAIL after printing the error. */
static int
dump_nlh(struct cli *c, struct nlmsghdr *nlh, struct dump_ctx *d)
{
	int err;

	if ((err = ctl_dump(&c->conn, nlh, dump_cb, d)))
		return fail(c, nlh->nlmsg_type, err);
	return 0;
}

static int
dump(struct cli *c, uint16_t type, uint32_t limit, struct dump_ctx *d)
{
	if (cli_connect(c) || drain(c))
		return CLI_FAIL;
	return dump_nlh(c, nl_simple(c->buf, type, NLM_F_DUMP, limit), d);
}

/* Addresses, routes, neighbours of one family (AF_UNSPEC: both). */
static int
dump_af(struct cli *c, uint16_t type, uint8_t family, struct dump_ctx *d)
{
	if (cli_connect(c) || drain(c))
		return CLI_FAIL;
	return dump_nlh(c, nl_simple_af(c->buf, type, NLM_F_DUMP, family), d);
}

/* -4 or -6 against the family of an address the command names. */
static int
family_check(struct cli *c, const char *obj, uint8_t family)
{
	char msg[CTL_ERRLEN];

	if (!c->family || is6(c->family) == is6(family))
		return 0;
	snprintf(msg, sizeof(msg), "an %s address with -%c", is6(family) ? "IPv6" : "IPv4",
		 is6(c->family) ? '6' : '4');
	return usage_err(c, obj, msg);
}

static int
names_fn(struct dump_ctx *d, const struct nlmsghdr *nlh)
{
	struct ctl_link l;

	if (nlh->nlmsg_type == RTM_NEWLINK && nl_parse_link(nlh, &l) == 0) {
		names_add(&d->c->names, l.ifindex, l.name);
		if (d->link_cb)
			d->link_cb(d->link_arg, &l);
	}
	return 0;
}

int
cli_links(struct cli *c, void (*fn)(void *arg, const struct ctl_link *l), void *arg)
{
	struct dump_ctx d = { .c = c, .fn = names_fn, .link_cb = fn, .link_arg = arg };

	memset(&c->names, 0, sizeof(c->names));
	c->have_names = false;
	if (dump(c, RTM_GETLINK, 0, &d))
		return CLI_FAIL;
	c->have_names = true;
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

uint32_t
cli_resolve(struct cli *c, const char *name)
{
	return resolve(c, name);
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
		if (batch_pending(c)) {
			/* The run goes first; nlh lies where it is sent from. */
			uint32_t len = nlh->nlmsg_len;

			memcpy(c->buf, nlh, len);
			if (batch_flush(c) || !(nlh = ctl_pipe_room(c->pipe)))
				return fail(c, 0, c->pipe->fatal);
			memcpy(nlh, c->buf, len);
		}
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

/* -------- flush -------- */

/* The deletes of a flush go down a pipeline of their own, opened after the
 * dump that chose them (the connection is quiet then, in a batch too). */
struct flush {
	struct cli *c;
	struct ctl_pipe *p;
	unsigned errors;
};

static void
flush_error(void *arg, uint32_t tag, uint16_t type, int err, const char *msg)
{
	struct flush *f = arg;

	(void)tag;
	/* Gone already (another client, or it went with an earlier one):
	 * that is what a flush wants. */
	if (err == -ESRCH || err == -ENOENT || err == -EADDRNOTAVAIL)
		return;
	/* The first says why; a table of refusals (EPERM) is one line. */
	if (!f->errors++)
		cli_error(f->c, "%s", msg && msg[0] ? msg : ctl_strerror(type, err));
}

static int
flush_begin(struct cli *c, struct flush *f)
{
	f->c = c;
	f->errors = 0;
	if (!(f->p = malloc(sizeof(*f->p))) || ctl_pipe_init(f->p, &c->conn, flush_error, f)) {
		free(f->p);
		cli_error(c, "out of memory");
		return CLI_FAIL;
	}
	return 0;
}

/* Room for one delete, or NULL when the connection broke. */
static void *
flush_room(struct flush *f)
{
	return ctl_pipe_room(f->p);
}

static void
flush_commit(struct flush *f, struct nlmsghdr *nlh)
{
	ctl_pipe_commit(f->p, nlh, f->c->line);
}

static int
flush_end(struct flush *f)
{
	int err = ctl_pipe_wait(f->p);

	if (f->errors > 1)
		cli_error(f->c, "%u deletes failed", f->errors);
	if (err) {
		cli_error(f->c, "%s", ctl_strerror(0, err));
		f->errors++;
	}
	ctl_pipe_free(f->p);
	free(f->p);
	return f->errors ? CLI_FAIL : CLI_OK;
}

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
	enum cmd cmd = command_of(argc, argv, link_cmds);
	char err[CTL_ERRLEN];

	if (cmd == CMD_SHOW) {
		struct dump_ctx d = { .c = c, .fn = link_fn, .dev = "" };
		int i = 1, r;

		/* [[dev] NAME] */
		if (i < argc && !strcmp(argv[i], "dev") && ++i == argc)
			return usage_err(c, "link", "missing value after \"dev\"");
		if (i < argc)
			d.dev = argv[i++];
		if (i < argc)
			return unknown(c, "link", "keyword", argv[i]);
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
	if (cmd == CMD_SET) {
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
	return unknown(c, "link", "link command", argv[0]);
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

/* addr show and addr flush: the ports and addresses the selector takes. */
static int
addr_list(struct cli *c, const struct addr_sel *sel, bool flush)
{
	struct dump_ctx d = { .c = c, .fn = addr_fn, .dev = sel->dev };
	struct ctl_addr *pick = NULL;
	struct flush f;
	bool found = false;
	int r;

	if ((r = dump(c, RTM_GETLINK, 0, &d)) || (r = dump_af(c, RTM_GETADDR, c->family, &d)))
		goto out;
	for (unsigned i = 0; i < d.nlinks && !found; i++)
		found = !d.dev[0] || !strcmp(d.dev, d.links[i].name);
	if (d.dev[0] && !found) {
		cli_error(c, "no such port \"%s\"", d.dev);
		r = CLI_FAIL;
		goto out;
	}
	if (!(pick = malloc((d.naddrs + 1) * sizeof(*pick)))) {
		cli_error(c, "out of memory");
		r = CLI_FAIL;
		goto out;
	}
	if (flush && (r = flush_begin(c, &f)))
		goto out;
	d.pr = (struct printer){ .f = stdout, .json = c->json };
	if (!flush)
		pr_begin(&d.pr);
	for (unsigned i = 0; i < d.nlinks; i++) {
		unsigned n = 0;

		if (d.dev[0] && strcmp(d.dev, d.links[i].name))
			continue;
		for (unsigned j = 0; j < d.naddrs; j++)
			if (d.addrs[j].ifindex == d.links[i].ifindex &&
			    (!c->family || is6(c->family) == is6(d.addrs[j].family)) &&
			    addr_selected(sel, &d.addrs[j]) &&
			    /* A port keeps its link-local address: ND needs it. */
			    !(flush && d.addrs[j].scope == RT_SCOPE_LINK))
				pick[n++] = d.addrs[j];
		if (flush) {
			void *buf;

			for (unsigned j = 0; j < n && (buf = flush_room(&f)); j++)
				flush_commit(&f, nl_addr(buf, RTM_DELADDR, 0, &pick[j]));
		} else if (n || !sel->to.set) {
			/* With an address selector, as ip: only ports that
			 * have a chosen address. */
			pr_link_addrs(&d.pr, &d.links[i], pick, n);
		}
	}
	if (flush)
		r = flush_end(&f);
	else
		pr_end(&d.pr);
out:
	free(pick);
	free(d.links);
	free(d.addrs);
	return r;
}

static int
do_addr(struct cli *c, int argc, char **argv)
{
	enum cmd cmd = command_of(argc, argv, addr_cmds);
	char err[CTL_ERRLEN];

	if (cmd == CMD_SHOW || cmd == CMD_FLUSH) {
		bool flush = cmd == CMD_FLUSH;
		struct addr_sel sel;

		if (select_addr(argc - !!argc, argv + !!argc, &sel, err))
			return usage_err(c, "address", err);
		if (flush && !sel.dev[0])
			return usage_err(c, "address", "\"addr flush\" requires a port (dev NAME)");
		return addr_list(c, &sel, flush);
	}
	if (cmd == CMD_ADD || cmd == CMD_DEL) {
		bool add = cmd == CMD_ADD;
		struct ctl_addr a;
		void *buf;

		if (grammar_addr(argc - 1, argv + 1, &a, err))
			return usage_err(c, "address", err);
		if (family_check(c, "address", a.family))
			return CLI_USAGE;
		if (!(a.ifindex = resolve(c, a.dev)))
			return CLI_FAIL;
		ROOM_OR_FAIL(c, buf);
		return commit(c, nl_addr(buf, add ? RTM_NEWADDR : RTM_DELADDR,
					 add ? NLM_F_CREATE | NLM_F_EXCL : 0, &a));
	}
	return unknown(c, "address", "address command", argv[0]);
}

/* -------- route -------- */

static int
route_fn(struct dump_ctx *d, const struct nlmsghdr *nlh)
{
	struct ctl_route r;

	if (nlh->nlmsg_type != RTM_NEWROUTE || nl_parse_route(nlh, &r) ||
	    is6(r.family) != is6(d->family) || (d->rsel && !route_selected(d->rsel, &r)))
		return 0;
	if (!d->collect) {
		pr_route(&d->pr, &r);
		return 0;
	}
	if (!(d->nroutes & (d->nroutes - 1))) {	/* 0, 1, 2, 4...: grow */
		struct ctl_route *v = realloc(d->routes, (d->nroutes ? 2 * d->nroutes : 1) *
					      sizeof(*v));

		if (!v)
			return -1;
		d->routes = v;
	}
	d->routes[d->nroutes++] = r;
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

/* route show [SELECTOR], route flush SELECTOR */
static int
route_list(struct cli *c, int argc, char **argv, bool flush, struct dump_ctx *d)
{
	char err[CTL_ERRLEN];
	struct route_sel sel;
	struct flush f;
	int r, family;

	if (flush && argc == 0)
		return usage_err(c, "route", "\"route flush\" requires arguments");
	if (select_route(argc, argv, &sel, err))
		return usage_err(c, "route", err);
	/* One family, as ip: -4/-6, else the selector's prefixes', else IPv4. */
	if ((family = route_sel_family(&sel, err)) < 0)
		return usage_err(c, "route", err);
	if (family && family_check(c, "route", (uint8_t)family))
		return CLI_USAGE;
	d->family = c->family ? c->family : family ? (uint8_t)family : AF_INET;
	if (load_names(c) || (sel.dev[0] && !(sel.oif = resolve(c, sel.dev))))
		return CLI_FAIL;
	d->fn = route_fn;
	d->rsel = &sel;
	d->collect = flush;
	if (!flush) {
		pr_begin(&d->pr);
		r = dump_af(c, RTM_GETROUTE, d->family, d);
		pr_end(&d->pr);
		return r;
	}
	if ((r = dump_af(c, RTM_GETROUTE, d->family, d)) || (r = flush_begin(c, &f)))
		goto out;
	for (unsigned i = 0; i < d->nroutes; i++) {
		void *buf = flush_room(&f);

		if (!buf)
			break;
		/* Exactly the route shown: metric, gateway, port and owner. */
		d->routes[i].has_metric = true;
		flush_commit(&f, nl_route(buf, RTM_DELROUTE, 0, &d->routes[i]));
	}
	r = flush_end(&f);
out:
	free(d->routes);
	return r;
}

/* route get [to] ADDR[/N]: as ip, a prefix asks for its address. */
static int
route_get(struct cli *c, int argc, char **argv, struct dump_ctx *d)
{
	struct ctl_route q = { .type = RTN_UNICAST };
	struct nlmsghdr *nlh;
	uint8_t len;
	int i = 0, r;

	if (i < argc && !strcmp(argv[i], "to"))
		i++;
	if (i == argc)
		return usage_err(c, "route", "missing address");
	/* The family is the address's: no -6 needed, as in ip. */
	if (!parse_prefix_af(argv[i], &q.family, &q.dst, &q.dst6, &len)) {
		char msg[CTL_ERRLEN];

		snprintf(msg, sizeof(msg), "invalid address \"%s\"", argv[i]);
		return usage_err(c, "route", msg);
	}
	if (family_check(c, "route", q.family))
		return CLI_USAGE;
	q.dst_len = is6(q.family) ? 128 : 32;
	/* [dev|oif NAME]: the link of a link-local or multicast address,
	 * which no route names; for the rest, the longest route through
	 * that port (as the kernel answers an oif). */
	if (++i < argc && (!strcmp(argv[i], "dev") || !strcmp(argv[i], "oif"))) {
		if (++i == argc)
			return usage_err(c, "route", "missing value after \"dev\"");
		snprintf(q.dev, sizeof(q.dev), "%s", argv[i++]);
	}
	if (i < argc)
		return unknown(c, "route", "keyword", argv[i]);
	if (load_names(c) || drain(c) || (q.dev[0] && !(q.oif = resolve(c, q.dev))))
		return CLI_FAIL;
	d->fn = route_get_fn;
	d->dst = q.dst;
	d->dst6 = q.dst6;
	d->family = q.family;
	nlh = nl_route(c->buf, RTM_GETROUTE, 0, &q);
	/* Printed only once answered: an error leaves stdout empty. */
	r = ctl_dump(&c->conn, nlh, dump_cb, d);
	if (!r && !d->found)
		r = -ENETUNREACH;
	if (r)
		return fail(c, RTM_GETROUTE, r);
	pr_begin(&d->pr);
	if (is6(d->family))
		pr_route_get6(&d->pr, &d->route, &d->dst6);
	else
		pr_route_get(&d->pr, &d->route, d->dst);
	pr_end(&d->pr);
	return 0;
}

static int
do_route(struct cli *c, int argc, char **argv)
{
	char err[CTL_ERRLEN];
	struct dump_ctx d = { .c = c, .dev = "" };
	enum cmd cmd = command_of(argc, argv, route_cmds);

	d.pr = (struct printer){ .f = stdout, .json = c->json, .names = &c->names };
	if (cmd == CMD_SHOW || cmd == CMD_FLUSH)
		return route_list(c, argc - !!argc, argv + !!argc, cmd == CMD_FLUSH, &d);
	if (cmd == CMD_GET)
		return route_get(c, argc - 1, argv + 1, &d);
	if (cmd == CMD_ADD || cmd == CMD_DEL || cmd == CMD_REPLACE || cmd == CMD_CHANGE) {
		bool del = cmd == CMD_DEL;
		struct ctl_route r;
		struct nlmsghdr *nlh;
		uint16_t flags;
		void *buf;

		if (grammar_route_af(argc - 1, argv + 1, del ? GRAMMAR_DEL : GRAMMAR_ADD, c->family,
				     &r, err))
			return usage_err(c, "route", err);
		if (r.dev[0] && !(r.oif = resolve(c, r.dev)))
			return CLI_FAIL;
		if (del) {
			r.protocol = 0;			/* any owner, like ip */
			r.scope = RT_SCOPE_NOWHERE;
			flags = 0;
		} else {
			r.protocol = SLUICE_RTPROT_CLI;
			flags = cmd == CMD_ADD ? NLM_F_CREATE | NLM_F_EXCL :
				cmd == CMD_CHANGE ? NLM_F_REPLACE : NLM_F_CREATE | NLM_F_REPLACE;
		}
		ROOM_OR_FAIL(c, buf);
		nlh = nl_route(buf, del ? RTM_DELROUTE : RTM_NEWROUTE, flags, &r);
		return batch_route(c, nlh, &r) == 0 ? 0 : commit(c, nlh);
	}
	return unknown(c, "route", "route command", argv[0]);
}

/* -------- neighbour -------- */

static int
neigh_fn(struct dump_ctx *d, const struct nlmsghdr *nlh)
{
	struct ctl_neigh n;

	if (nlh->nlmsg_type == RTM_NEWNEIGH && nl_parse_neigh(nlh, &n) == 0 &&
	    (!d->c->family || is6(d->c->family) == is6(n.family)) && neigh_selected(d->nsel, &n))
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
	if (strcmp(argv[0], "dev"))
		return unknown(c, obj, "keyword", argv[0]);
	if (argc == 1)
		return usage_err(c, obj, "missing value after \"dev\"");
	if (argc > 2)
		return unknown(c, obj, "keyword", argv[2]);
	return (*ifindex = resolve(c, argv[1])) ? 0 : CLI_FAIL;
}

static int
do_neigh(struct cli *c, int argc, char **argv)
{
	char err[CTL_ERRLEN];
	struct dump_ctx d = { .c = c, .dev = "" };
	enum cmd cmd = command_of(argc, argv, neigh_cmds);
	void *buf;
	int r;

	d.pr = (struct printer){ .f = stdout, .json = c->json, .names = &c->names };
	if (cmd == CMD_SHOW) {
		struct neigh_sel sel;

		if (select_neigh(argc - !!argc, argv + !!argc, &sel, err))
			return usage_err(c, "neighbor", err);
		if ((r = load_names(c)))
			return r;
		if (sel.dev[0] && !(sel.ifindex = resolve(c, sel.dev)))
			return CLI_FAIL;
		d.fn = neigh_fn;
		d.nsel = &sel;
		pr_begin(&d.pr);
		r = dump_af(c, RTM_GETNEIGH, c->family, &d);
		pr_end(&d.pr);
		return r;
	}
	if (cmd == CMD_FLUSH) {
		struct ctl_neigh n = { .family = c->family };
		/* ip's "neigh flush all" is what no selector does here. */
		int all = argc > 1 && !strcmp(argv[1], "all");

		if ((r = dev_arg(c, "neighbor", argc - 1 - all, argv + 1 + all, &n.ifindex)))
			return r;
		ROOM_OR_FAIL(c, buf);
		return commit(c, nl_neigh(buf, RTM_DELNEIGH, 0, &n));
	}
	if (cmd == CMD_ADD || cmd == CMD_DEL || cmd == CMD_REPLACE || cmd == CMD_CHANGE) {
		bool del = cmd == CMD_DEL;
		struct ctl_neigh n;

		if (grammar_neigh(argc - 1, argv + 1, del ? GRAMMAR_DEL : GRAMMAR_ADD, &n, err))
			return usage_err(c, "neighbor", err);
		if (family_check(c, "neighbor", n.family))
			return CLI_USAGE;
		if (!(n.ifindex = resolve(c, n.dev)))
			return CLI_FAIL;
		ROOM_OR_FAIL(c, buf);
		return commit(c, nl_neigh(buf, del ? RTM_DELNEIGH : RTM_NEWNEIGH,
					  del ? 0 : cmd == CMD_ADD ? NLM_F_CREATE | NLM_F_EXCL :
					  cmd == CMD_CHANGE ? NLM_F_REPLACE :
					  NLM_F_CREATE | NLM_F_REPLACE, &n));
	}
	return unknown(c, "neighbor", "neighbor command", argv[0]);
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
nat_rule(struct cli *c, int argc, char **argv, struct dump_ctx *d)
{
	enum cmd cmd = command_of(argc, argv, natrule_cmds);
	char err[CTL_ERRLEN];
	void *buf;
	int r;

	if (cmd == CMD_SHOW) {
		if (argc > 1)
			return unknown(c, "nat", "keyword", argv[1]);
		if (load_names(c))
			return CLI_FAIL;
		d->fn = natrule_fn;
		pr_begin(&d->pr);
		r = dump(c, SLUICE_GETNATRULE, 0, d);
		pr_end(&d->pr);
		return r;
	}
	if (cmd == CMD_ADD || cmd == CMD_DEL) {
		bool del = cmd == CMD_DEL;
		struct ctl_natrule rule;

		if (del && argc >= 2 && !strcmp(argv[1], "id")) {
			memset(&rule, 0, sizeof(rule));
			if (argc == 2)
				return usage_err(c, "nat", "missing value after \"id\"");
			if (argc > 3)
				return unknown(c, "nat", "keyword", argv[3]);
			if (!parse_u32(argv[2], UINT32_MAX, &rule.id) || !rule.id)
				return usage_err(c, "nat", "invalid rule id");
		} else {
			if (grammar_natrule(argc - 1, argv + 1, &rule, err))
				return usage_err(c, "nat", err);
			if (!(rule.ifindex = resolve(c, rule.port)))
				return CLI_FAIL;
		}
		ROOM_OR_FAIL(c, buf);
		return commit(c, nl_natrule(buf, del ? SLUICE_DELNATRULE : SLUICE_NEWNATRULE,
					    del ? 0 : NLM_F_CREATE | NLM_F_EXCL, &rule));
	}
	return unknown(c, "nat", "nat rule command", argv[0]);
}

static int
nat_session(struct cli *c, int argc, char **argv, struct dump_ctx *d)
{
	enum cmd cmd = command_of(argc, argv, natsess_cmds);
	void *buf;
	int r;

	if (cmd == CMD_SHOW) {
		uint32_t limit = 0;

		for (int i = 1; i < argc; i++) {
			if (strcmp(argv[i], "limit") || limit)
				return unknown(c, "nat", "keyword", argv[i]);
			if (++i == argc)
				return usage_err(c, "nat", "missing value after \"limit\"");
			if (!parse_u32(argv[i], UINT32_MAX, &limit) || !limit)
				return usage_err(c, "nat", "invalid limit");
		}
		d->fn = natsess_fn;
		pr_begin(&d->pr);
		r = dump(c, SLUICE_GETNATSESS, limit, d);
		pr_end(&d->pr);
		return r;
	}
	if (cmd == CMD_FLUSH) {
		if (argc > 1)
			return unknown(c, "nat", "keyword", argv[1]);
		ROOM_OR_FAIL(c, buf);
		return commit(c, nl_simple(buf, SLUICE_DELNATSESS, 0, 0));
	}
	return unknown(c, "nat", "nat session command", argv[0]);
}

static int
do_nat(struct cli *c, int argc, char **argv)
{
	struct dump_ctx d = { .c = c, .dev = "" };

	d.pr = (struct printer){ .f = stdout, .json = c->json, .names = &c->names };
	if (argc == 0)
		return usage_err(c, "nat", "missing \"rule\" or \"session\"");
	if (matches(argv[0], "rule") || matches(argv[0], "rules"))
		return nat_rule(c, argc - 1, argv + 1, &d);
	if (matches(argv[0], "session") || matches(argv[0], "sessions"))
		return nat_session(c, argc - 1, argv + 1, &d);
	return unknown(c, "nat", "nat object", argv[0]);
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

	if (command_of(argc, argv, stats_cmds) != CMD_SHOW)
		return unknown(c, "stats", "stats command", argv[0]);
	if (argc > 1)
		return unknown(c, "stats", "keyword", argv[1]);
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
		{ "capture", "capture", do_capture },
		{ "trace", "trace", do_trace },
	};
	bool want_help = false;

	if (argc == 0)
		return usage_err(c, NULL, "missing object");
	/* sluice help [OBJECT] is sluice OBJECT help. */
	if (!strcmp(argv[0], "help")) {
		if (argc == 1)
			return help(NULL);
		want_help = true;
		argc--;
		argv++;
	}
	for (unsigned i = 0; i < sizeof(objs) / sizeof(objs[0]); i++)
		if (matches(argv[0], objs[i].name) ||
		    (!strcmp(objs[i].name, "neighbor") && matches(argv[0], "neigh"))) {
			/* OBJECT help, OBJECT COMMAND help (and nat's one
			 * level more), as ip takes help where a keyword goes. */
			for (int j = 1; j < argc && j <= (objs[i].fn == do_nat ? 3 : 2); j++)
				want_help |= !strcmp(argv[j], "help");
			if (want_help)
				return help(objs[i].usage);
			return objs[i].fn(c, argc - 1, argv + 1);
		}
	return unknown(c, NULL, "object", argv[0]);
}
