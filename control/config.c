/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * INI loader.  inih splits lines into sections and key = value pairs; this
 * file's reader feeds it one line at a time, which is how every error gets
 * its line number, and checks the section headers itself (inih does not
 * tell the handler about them).  Cross references (a route's port, its
 * gateway's network) are checked once the whole file is read, since a
 * [port] may come after the [routes] that use it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <ini.h>

#include "config.h"

enum sect { S_NONE, S_BAD, S_DATAPLANE, S_PORT, S_ROUTES, S_NEIGHS, S_NAT };

struct cfg_err {
	int line;
	unsigned seq;		/* keeps same-line errors in order */
	char msg[CTL_ERRLEN + 64];
};

struct loader {
	struct cfg *c;
	FILE *in;
	const char *file;
	int line;
	char *buf;
	size_t bufsz;
	enum sect sect;
	struct cfg_port *port;		/* current [port], NULL if broken */
	unsigned port_seen;		/* device/mtu/mac given: bits */
	int dup_natc[SLUICE_NATC_MAX + 1];
	struct cfg_err *errs;
	unsigned nerrs, errcap;
};

static void __attribute__((format(printf, 3, 4)))
err_at(struct loader *ld, int line, const char *fmt, ...)
{
	va_list ap;

	if (ld->nerrs == ld->errcap) {
		unsigned cap = ld->errcap ? ld->errcap * 2 : 16;
		struct cfg_err *e = realloc(ld->errs, cap * sizeof(*e));

		if (!e)
			return;
		ld->errs = e;
		ld->errcap = cap;
	}
	ld->errs[ld->nerrs].line = line;
	ld->errs[ld->nerrs].seq = ld->nerrs;
	va_start(ap, fmt);
	vsnprintf(ld->errs[ld->nerrs].msg, sizeof(ld->errs[0].msg), fmt, ap);
	va_end(ap);
	ld->nerrs++;
}

const struct cfg_port *
cfg_port_find(const struct cfg *c, const char *name)
{
	for (unsigned i = 0; i < c->nports; i++)
		if (!strcmp(c->port[i].name, name))
			return &c->port[i];
	return NULL;
}

static void
section(struct loader *ld, char *s)
{
	char *end = strchr(s, ']'), *name;
	struct cfg *c = ld->c;

	ld->sect = S_BAD;
	ld->port = NULL;
	if (!end || end[1] != '\0') {
		err_at(ld, ld->line, "syntax error: a section header is [name]");
		return;
	}
	*end = '\0';
	s++;
	while (*s == ' ' || *s == '\t')
		s++;
	for (char *e = end - 1; e >= s && (*e == ' ' || *e == '\t'); e--)
		*e = '\0';
	if (!strcmp(s, "dataplane")) {
		ld->sect = S_DATAPLANE;
	} else if (!strcmp(s, "routes")) {
		ld->sect = S_ROUTES;
	} else if (!strcmp(s, "neighbors") || !strcmp(s, "neighbours")) {
		ld->sect = S_NEIGHS;
	} else if (!strcmp(s, "nat")) {
		ld->sect = S_NAT;
	} else if (!strncmp(s, "port", 4) && (s[4] == ' ' || s[4] == '\t' || s[4] == '\0')) {
		for (name = s + 4; *name == ' ' || *name == '\t'; name++)
			;
		if (!*name)
			err_at(ld, ld->line, "[port] needs a name: [port NAME]");
		else if (!parse_name(name))
			err_at(ld, ld->line, "invalid port name \"%s\"", name);
		else if (cfg_port_find(c, name))
			err_at(ld, ld->line, "duplicate port \"%s\"", name);
		else if (c->nports == SLUICE_MAX_PORTS)
			err_at(ld, ld->line, "too many ports (at most %u)", SLUICE_MAX_PORTS);
		else {
			ld->port = &c->port[c->nports++];
			strcpy(ld->port->name, name);
			ld->port->line = ld->line;
			ld->port_seen = 0;
		}
		ld->sect = S_PORT;
	} else {
		err_at(ld, ld->line, "unknown section [%s]", s);
	}
}

/* inih's reader: one line, blanks stripped on the left (so that indented
 * lines are never taken for multi-line continuations), headers checked. */
static char *
reader(char *str, int num, void *stream)
{
	struct loader *ld = stream;
	ssize_t n = getline(&ld->buf, &ld->bufsz, ld->in);
	char *s;

	if (n < 0)
		return NULL;
	ld->line++;
	for (s = ld->buf; *s == ' ' || *s == '\t'; s++)
		;
	while (n > 0 && (ld->buf[n - 1] == '\n' || ld->buf[n - 1] == '\r'))
		ld->buf[--n] = '\0';
	if ((int)strlen(s) >= num) {
		err_at(ld, ld->line, "line too long (at most %d characters)", num - 1);
		str[0] = '\0';
		return str;
	}
	strcpy(str, s);
	if (*s == '[') {
		section(ld, s);
		str[0] = '\0';	/* handled here */
	} else if (*s && *s != ';' && *s != '#' && !strchr(s, '=') && !strchr(s, ':')) {
		err_at(ld, ld->line, "syntax error: expected key = value");
		str[0] = '\0';
	}
	return str;
}


/* Grow one of the model's lists (and its line numbers) for one more. */
static bool
grow(void **arr, int **lines, unsigned n, unsigned *cap, size_t size)
{
	if (n < *cap)
		return true;
	unsigned nc = *cap ? *cap * 2 : 64;
	void *a = realloc(*arr, nc * size);

	if (!a)
		return false;
	*arr = a;
	int *l = realloc(*lines, nc * sizeof(int));

	if (!l)
		return false;
	*lines = l;
	*cap = nc;
	return true;
}

static void
port_key(struct loader *ld, const char *k, const char *v)
{
	struct cfg_port *p = ld->port;
	static const char *const once[] = { "device", "mtu", "mac" };
	uint32_t mtu;

	for (unsigned i = 0; i < 3; i++)
		if (!strcmp(k, once[i])) {
			if (ld->port_seen & (1u << i)) {
				err_at(ld, ld->line, "duplicate key \"%s\" in [port %s]", k, p->name);
				return;
			}
			ld->port_seen |= 1u << i;
		}
	if (!strcmp(k, "device")) {
		if (strlen(v) >= sizeof(p->device))
			err_at(ld, ld->line, "device string too long");
		else
			strcpy(p->device, v);
	} else if (!strcmp(k, "address")) {
		struct ctl_addr a = { 0 };

		if (!parse_prefix(v, &a.addr, &a.len) || a.addr == 0 || a.len == 0) {
			err_at(ld, ld->line, "invalid address \"%s\" (A.B.C.D/N)", v);
			return;
		}
		for (unsigned i = 0; i < p->naddr; i++)
			if (p->addr[i].addr == a.addr) {
				err_at(ld, ld->line, "duplicate address \"%s\"", v);
				return;
			}
		if (p->naddr == CFG_MAX_ADDRS) {
			err_at(ld, ld->line, "too many addresses (at most %u)", CFG_MAX_ADDRS);
			return;
		}
		strcpy(a.dev, p->name);
		p->addr[p->naddr++] = a;
	} else if (!strcmp(k, "mtu")) {
		if (!parse_u32(v, SLUICE_MTU_MAX, &mtu) || mtu < SLUICE_MTU_MIN)
			err_at(ld, ld->line, "MTU \"%s\" out of range (%u..%u)", v, SLUICE_MTU_MIN,
			       SLUICE_MTU_MAX);
		else
			p->mtu = mtu;
	} else if (!strcmp(k, "mac")) {
		if (!parse_mac(v, p->mac) || (p->mac[0] & 1) ||
		    !(p->mac[0] | p->mac[1] | p->mac[2] | p->mac[3] | p->mac[4] | p->mac[5]))
			err_at(ld, ld->line, "invalid MAC address \"%s\"", v);
		else
			p->has_mac = true;
	} else {
		err_at(ld, ld->line, "unknown key \"%s\" in [port %s]", k, p->name);
	}
}

static void
nat_key(struct loader *ld, const char *k, const char *v)
{
	static const struct { const char *key; int attr; uint32_t min, max; } keys[] = {
		{ "timeout-udp", SLUICE_NATC_TIMEOUT_UDP, SLUICE_NAT_TIMEOUT_UDP_MIN, 86400 * 7 },
		{ "timeout-tcp-established", SLUICE_NATC_TIMEOUT_TCP_EST,
		  SLUICE_NAT_TIMEOUT_TCP_EST_MIN, 86400 * 7 },
		{ "timeout-tcp-transitory", SLUICE_NATC_TIMEOUT_TCP_TRANS, 1, 86400 * 7 },
		{ "timeout-icmp", SLUICE_NATC_TIMEOUT_ICMP, SLUICE_NAT_TIMEOUT_ICMP_MIN, 86400 * 7 },
		{ "max-sessions", SLUICE_NATC_MAX_SESSIONS, 1, 1u << 28 },
	};

	for (unsigned i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		uint32_t x;

		if (strcmp(k, keys[i].key))
			continue;
		if (ld->dup_natc[keys[i].attr]++)
			err_at(ld, ld->line, "duplicate key \"%s\"", k);
		else if (!parse_u32(v, UINT32_MAX, &x))
			err_at(ld, ld->line, "invalid %s \"%s\"", k, v);
		else if (x < keys[i].min)
			err_at(ld, ld->line, "%s %u is below the minimum of %u", k, x, keys[i].min);
		else if (x > keys[i].max)
			err_at(ld, ld->line, "%s %u is above the maximum of %u", k, x, keys[i].max);
		else
			ld->c->natconf.v[keys[i].attr] = x;
		return;
	}
	err_at(ld, ld->line, "unknown key \"%s\" in [nat]", k);
}

struct caps { unsigned routes, neighs, rules; };

/* route = / neigh = / rule = : the CLI's grammar on the value's words. */
static void
list_key(struct loader *ld, struct caps *cap, const char *v)
{
	struct cfg *c = ld->c;
	char copy[INI_MAX_LINE], err[CTL_ERRLEN], *argv[CTL_MAX_TOKENS];
	int argc;

	snprintf(copy, sizeof(copy), "%s", v);
	if ((argc = tokenize(copy, argv, CTL_MAX_TOKENS)) < 0) {
		err_at(ld, ld->line, "too many words");
		return;
	}
	if (ld->sect == S_ROUTES) {
		if (!grow((void **)&c->routes, &c->route_line, c->nroutes, &cap->routes,
			  sizeof(*c->routes)))
			return;
		if (grammar_route(argc, argv, GRAMMAR_ADD, &c->routes[c->nroutes], err) < 0) {
			err_at(ld, ld->line, "%s", err);
			return;
		}
		c->routes[c->nroutes].protocol = SLUICE_RTPROT_CONFIG;
		c->route_line[c->nroutes++] = ld->line;
	} else if (ld->sect == S_NEIGHS) {
		if (!grow((void **)&c->neighs, &c->neigh_line, c->nneighs, &cap->neighs,
			  sizeof(*c->neighs)))
			return;
		if (grammar_neigh(argc, argv, GRAMMAR_ADD, &c->neighs[c->nneighs], err) < 0) {
			err_at(ld, ld->line, "%s", err);
			return;
		}
		c->neigh_line[c->nneighs++] = ld->line;
	} else {
		if (!grow((void **)&c->rules, &c->rule_line, c->nrules, &cap->rules,
			  sizeof(*c->rules)))
			return;
		if (grammar_natrule(argc, argv, &c->rules[c->nrules], err) < 0) {
			err_at(ld, ld->line, "%s", err);
			return;
		}
		c->rule_line[c->nrules++] = ld->line;
	}
}

struct handler_ctx {
	struct loader *ld;
	struct caps cap;
};

static int
handler(void *user, const char *sect, const char *k, const char *v)
{
	struct handler_ctx *h = user;
	struct loader *ld = h->ld;
	struct cfg *c = ld->c;

	(void)sect;	/* the reader tracked it, with its line */
	if (!*v) {
		err_at(ld, ld->line, "empty value for \"%s\"", k);
		return 1;
	}
	switch (ld->sect) {
	case S_NONE:
		err_at(ld, ld->line, "key \"%s\" outside any section", k);
		break;
	case S_BAD:
		break;		/* the section's error says it all */
	case S_DATAPLANE:
		if (strcmp(k, "socket"))
			err_at(ld, ld->line, "unknown key \"%s\" in [dataplane]", k);
		else if (strlen(v) >= sizeof(c->socket))
			err_at(ld, ld->line, "socket path too long");
		else
			strcpy(c->socket, v);
		break;
	case S_PORT:
		if (ld->port)
			port_key(ld, k, v);
		break;
	case S_ROUTES:
		if (strcmp(k, "route"))
			err_at(ld, ld->line, "unknown key \"%s\" in [routes] (route = ...)", k);
		else
			list_key(ld, &h->cap, v);
		break;
	case S_NEIGHS:
		if (strcmp(k, "neigh"))
			err_at(ld, ld->line, "unknown key \"%s\" in [neighbors] (neigh = ...)", k);
		else
			list_key(ld, &h->cap, v);
		break;
	case S_NAT:
		if (!strcmp(k, "rule"))
			list_key(ld, &h->cap, v);
		else
			nat_key(ld, k, v);
		break;
	}
	return 1;
}

static bool
on_port_net(const struct cfg_port *p, uint32_t a)
{
	for (unsigned i = 0; i < p->naddr; i++) {
		uint32_t m = p->addr[i].len ? ~0u << (32 - p->addr[i].len) : 0;

		if (((a ^ p->addr[i].addr) & m) == 0)
			return true;
	}
	return false;
}

/* What only the whole file can tell. */
static void
cross_check(struct loader *ld)
{
	struct cfg *c = ld->c;
	char ip[16];

	for (unsigned i = 0; i < c->nports; i++) {
		if (!c->port[i].device[0])
			err_at(ld, c->port[i].line, "port \"%s\" has no device", c->port[i].name);
		for (unsigned j = 0; j < i; j++)
			if (c->port[i].device[0] && !strcmp(c->port[i].device, c->port[j].device))
				err_at(ld, c->port[i].line, "device \"%s\" is already port \"%s\"",
				       c->port[i].device, c->port[j].name);
	}
	for (unsigned i = 0; i < c->nroutes; i++) {
		const struct ctl_route *r = &c->routes[i];
		const struct cfg_port *p = r->dev[0] ? cfg_port_find(c, r->dev) : NULL;
		bool on = false;

		if (r->dev[0] && !p) {
			err_at(ld, c->route_line[i], "unknown port \"%s\"", r->dev);
			continue;
		}
		if (r->gw) {
			for (unsigned j = 0; j < c->nports && !on; j++)
				on = (!p || p == &c->port[j]) && on_port_net(&c->port[j], r->gw);
			if (!on)
				err_at(ld, c->route_line[i], "gateway %s is on no %s network",
				       fmt_ip4(r->gw, ip), p ? "of the port's" : "port's");
		}
		for (unsigned j = 0; j < i; j++)
			if (c->routes[j].dst == r->dst && c->routes[j].dst_len == r->dst_len &&
			    c->routes[j].metric == r->metric) {
				err_at(ld, c->route_line[i], "duplicate route (same prefix and metric "
				       "as line %d)", c->route_line[j]);
				break;
			}
	}
	for (unsigned i = 0; i < c->nneighs; i++) {
		if (!cfg_port_find(c, c->neighs[i].dev))
			err_at(ld, c->neigh_line[i], "unknown port \"%s\"", c->neighs[i].dev);
		for (unsigned j = 0; j < i; j++)
			if (c->neighs[j].addr == c->neighs[i].addr &&
			    !strcmp(c->neighs[j].dev, c->neighs[i].dev)) {
				err_at(ld, c->neigh_line[i], "duplicate neighbour (line %d)",
				       c->neigh_line[j]);
				break;
			}
	}
	for (unsigned i = 0; i < c->nrules; i++)
		if (!cfg_port_find(c, c->rules[i].port))
			err_at(ld, c->rule_line[i], "unknown port \"%s\"", c->rules[i].port);
}

static int
cmp_err(const void *a, const void *b)
{
	const struct cfg_err *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int
cfg_load(const char *file, struct cfg *c, FILE *errf)
{
	struct loader ld = { .c = c, .file = file };
	struct handler_ctx h = { .ld = &ld };
	int r;

	memset(c, 0, sizeof(*c));
	c->natconf.v[SLUICE_NATC_TIMEOUT_UDP] = SLUICE_NAT_TIMEOUT_UDP_DEFAULT;
	c->natconf.v[SLUICE_NATC_TIMEOUT_TCP_EST] = SLUICE_NAT_TIMEOUT_TCP_EST_DEFAULT;
	c->natconf.v[SLUICE_NATC_TIMEOUT_TCP_TRANS] = SLUICE_NAT_TIMEOUT_TCP_TRANS_DEFAULT;
	c->natconf.v[SLUICE_NATC_TIMEOUT_ICMP] = SLUICE_NAT_TIMEOUT_ICMP_DEFAULT;
	c->natconf.v[SLUICE_NATC_MAX_SESSIONS] = SLUICE_NAT_MAX_SESSIONS_DEFAULT;
	for (unsigned i = 1; i <= SLUICE_NATC_MAX; i++)
		c->natconf.has[i] = true;
	if (!(ld.in = fopen(file, "r"))) {
		fprintf(errf, "%s: %s\n", file, strerror(errno));
		return -1;
	}
	r = ini_parse_stream(reader, &ld, handler, &h);
	fclose(ld.in);
	free(ld.buf);
	if (r == -2)
		err_at(&ld, ld.line, "out of memory");
	cross_check(&ld);
	if (ld.nerrs > 1)
		qsort(ld.errs, ld.nerrs, sizeof(*ld.errs), cmp_err);
	for (unsigned i = 0; i < ld.nerrs; i++)
		fprintf(errf, "%s:%d: %s\n", file, ld.errs[i].line, ld.errs[i].msg);
	free(ld.errs);
	return (int)ld.nerrs;
}

void
cfg_free(struct cfg *c)
{
	free(c->routes);
	free(c->neighs);
	free(c->rules);
	free(c->route_line);
	free(c->neigh_line);
	free(c->rule_line);
	memset(c, 0, sizeof(*c));
}
