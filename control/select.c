/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Selectors of `route|addr|neigh show` and `route|addr flush`, parsed and
 * matched as iproute2 does (iproute_list_flush_or_save, ipaddr_list,
 * ipneigh_list), and iproute2's names for route protocols, types and scopes.
 */
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>

#include "select.h"

#define fail(...) do { snprintf(err, CTL_ERRLEN, __VA_ARGS__); return -1; } while (0)

struct name_val {
	uint8_t v;
	const char *name;
};

#define N(t) (sizeof(t) / sizeof((t)[0]))

static const struct name_val rtypes[] = {
	{ RTN_UNSPEC, "none" }, { RTN_UNICAST, "unicast" }, { RTN_LOCAL, "local" },
	{ RTN_BROADCAST, "broadcast" }, { RTN_ANYCAST, "anycast" },
	{ RTN_MULTICAST, "multicast" }, { RTN_BLACKHOLE, "blackhole" },
	{ RTN_UNREACHABLE, "unreachable" }, { RTN_PROHIBIT, "prohibit" },
	{ RTN_THROW, "throw" }, { RTN_NAT, "nat" }, { RTN_XRESOLVE, "xresolve" },
};

/* /etc/iproute2/rt_scopes. */
static const struct name_val rtscopes[] = {
	{ RT_SCOPE_UNIVERSE, "global" }, { RT_SCOPE_SITE, "site" }, { RT_SCOPE_LINK, "link" },
	{ RT_SCOPE_HOST, "host" }, { RT_SCOPE_NOWHERE, "nowhere" },
};

static const struct { uint16_t bit; const char *name; } nuds[] = {
	{ NUD_PERMANENT, "permanent" }, { NUD_REACHABLE, "reachable" }, { NUD_STALE, "stale" },
	{ NUD_DELAY, "delay" }, { NUD_PROBE, "probe" }, { NUD_FAILED, "failed" },
	{ NUD_INCOMPLETE, "incomplete" }, { NUD_NOARP, "noarp" },
};

static const char *
n2a(const struct name_val *t, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].v == v)
			return t[i].name;
	return NULL;
}

/* A name of the table or a number 0..255. */
static bool
a2n(const struct name_val *t, size_t n, const char *s, uint8_t *v)
{
	uint32_t x;

	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i].name, s)) {
			*v = t[i].v;
			return true;
		}
	if (!parse_u32(s, 255, &x))
		return false;
	*v = (uint8_t)x;
	return true;
}

const char *
rtype_n2a(uint8_t type)
{
	return n2a(rtypes, N(rtypes), type);
}

const char *
rtscope_n2a(uint8_t scope)
{
	return n2a(rtscopes, N(rtscopes), scope);
}

/* PREFIX or "default" (0/0, either family): 0; ip's "all" and "any" (everything): 1. */
static int
take_prefix(const char *v, const char *what, struct sel_prefix *p, char *err)
{
	bool all = !strcmp(v, "all") || !strcmp(v, "any");

	if (p->set)
		fail("duplicate \"%s\"", what);
	/* "0/0" is "default", as the route grammar takes it. */
	if (all || !strcmp(v, "default") || !strcmp(v, "0/0")) {
		p->family = 0;
		p->addr = 0;
		p->len = 0;
	} else if (!parse_prefix_af(v, &p->family, &p->addr, &p->addr6, &p->len)) {
		fail("invalid prefix \"%s\"", v);
	}
	if (is6(p->family))
		prefix6_clear(&p->addr6, p->len);
	else
		p->addr &= prefix_mask(p->len);
	p->set = true;
	return all;
}

/* The address (a4 or a6, by family) lies in p's first len bits; another
 * family never does, unless p is "default"/"all". */
static inline bool
prefix_has_af(const struct sel_prefix *p, uint8_t family, uint32_t a4, const struct in6_addr *a6,
	      uint8_t len)
{
	if (!p->family)
		return len == 0 || p->len == 0;
	if (is6(p->family) != is6(family))
		return false;
	if (is6(family))
		return prefix6_has(&p->addr6, len, a6);
	return ((a4 ^ p->addr) & prefix_mask(len)) == 0;
}

int
route_sel_family(const struct route_sel *s, char *err)
{
	const struct sel_prefix *p[] = { &s->root, &s->match, &s->via };
	int family = 0;

	for (unsigned i = 0; i < 3; i++) {
		if (!p[i]->set || !p[i]->family)
			continue;
		if (family && family != p[i]->family)
			fail("prefixes of both families in one selector");
		family = p[i]->family;
	}
	return family;
}

/* A word that is no keyword may be a prefix, if it looks like one. */
static bool
prefixish(const char *t)
{
	return (t[0] >= '0' && t[0] <= '9') || strchr(t, ':') || !strcmp(t, "default") ||
	       !strcmp(t, "all") || !strcmp(t, "any");
}

int
select_route(int argc, char **argv, struct route_sel *s, char *err)
{
	memset(s, 0, sizeof(*s));
	for (int i = 0; i < argc; i++) {
		const char *t = argv[i], *v;

		if (!strcmp(t, "dev") || !strcmp(t, "oif")) {
			if (!(v = arg_of(argc, argv, &i, err)) || take_dev(v, s->dev, err))
				return -1;
		} else if (!strcmp(t, "via")) {
			if (!(v = arg_of(argc, argv, &i, err)) || take_prefix(v, t, &s->via, err) < 0)
				return -1;
		} else if (!strcmp(t, "table")) {
			if (!(v = arg_of(argc, argv, &i, err)) || take_table(v, true, err))
				return -1;
		} else if (!strcmp(t, "proto") || !strcmp(t, "protocol")) {
			if (!(v = arg_of(argc, argv, &i, err)))
				return -1;
			if (s->has_proto)
				fail("duplicate \"%s\"", t);
			/* "all" is every protocol, as in ip. */
			if (strcmp(v, "all") && !(s->has_proto = rtprot_a2n(v, &s->proto)))
				fail("invalid protocol \"%s\"", v);
		} else if (!strcmp(t, "type")) {
			if (!(v = arg_of(argc, argv, &i, err)))
				return -1;
			if (s->has_type)
				fail("duplicate \"%s\"", t);
			if (!(s->has_type = a2n(rtypes, N(rtypes), v, &s->type)))
				fail("invalid route type \"%s\"", v);
		} else if (!strcmp(t, "scope")) {
			if (!(v = arg_of(argc, argv, &i, err)))
				return -1;
			if (s->has_scope)
				fail("duplicate \"%s\"", t);
			if (strcmp(v, "all") && !(s->has_scope = a2n(rtscopes, N(rtscopes), v, &s->scope)))
				fail("invalid scope \"%s\"", v);
		} else {
			/* [to] [root|match|exact] PREFIX: exact is root and
			 * match at once; "all" is root 0/0. */
			bool to = !strcmp(t, "to");
			const char *kw = "to";
			int r;

			if (to && !(t = arg_of(argc, argv, &i, err)))
				return -1;
			if (!strcmp(t, "root") || !strcmp(t, "match") || !strcmp(t, "exact")) {
				kw = t;
				if (!(t = arg_of(argc, argv, &i, err)))
					return -1;
			} else if (!to && !prefixish(t)) {
				fail("unknown keyword \"%s\"", t);
			}
			if ((kw[0] != 'm' && s->root.set) || (kw[0] != 'r' && s->match.set))
				fail("duplicate prefix \"%s\"", t);
			r = take_prefix(t, kw, kw[0] == 'm' ? &s->match : &s->root, err);
			if (r < 0)
				return -1;
			if (r == 0 && kw[0] != 'r' && kw[0] != 'm')
				s->match = s->root;
		}
		s->given++;
	}
	return 0;
}

bool
route_selected(const struct route_sel *s, const struct ctl_route *r)
{
	bool gw = is6(r->family) ? !ip6_unspec(&r->gw6) : r->gw != 0;

	/* "exact default" is the default route of the family listed. */
	if (s->root.set && (r->dst_len < s->root.len ||
			    !prefix_has_af(&s->root, r->family, r->dst, &r->dst6, s->root.len)))
		return false;
	if (s->match.set && (r->dst_len > s->match.len ||
			     !prefix_has_af(&s->match, r->family, r->dst, &r->dst6, r->dst_len)))
		return false;
	if (s->dev[0] && r->oif != s->oif)
		return false;
	if (s->via.set && (!gw || !prefix_has_af(&s->via, r->family, r->gw, &r->gw6, s->via.len)))
		return false;
	if (s->has_proto && r->protocol != s->proto)
		return false;
	if (s->has_type && r->type != s->type)
		return false;
	return !s->has_scope || r->scope == s->scope;
}

/* "dev NAME" and "to PREFIX", which neighbour and address selectors share:
 * 1 taken, 0 neither, -1 error. */
static int
take_dev_to(int argc, char **argv, int *i, char *dev, struct sel_prefix *to, char *err)
{
	const char *t = argv[*i], *v;

	if (strcmp(t, "dev") && strcmp(t, "to"))
		return 0;
	if (!(v = arg_of(argc, argv, i, err)))
		return -1;
	if (t[0] == 'd')
		return take_dev(v, dev, err) ? -1 : 1;
	return take_prefix(v, t, to, err) < 0 ? -1 : 1;
}

int
select_neigh(int argc, char **argv, struct neigh_sel *s, char *err)
{
	memset(s, 0, sizeof(*s));
	for (int i = 0; i < argc; i++) {
		const char *t = argv[i], *v;
		int r = take_dev_to(argc, argv, &i, s->dev, &s->to, err);

		if (r < 0) {
			return -1;
		} else if (r > 0) {
			;
		} else if (!strcmp(t, "nud")) {
			unsigned j;

			if (!(v = arg_of(argc, argv, &i, err)))
				return -1;
			for (j = 0; j < N(nuds) && strcmp(v, nuds[j].name); j++)
				;
			if (j < N(nuds))
				s->nud |= nuds[j].bit;
			else if (strcmp(v, "all"))
				fail("invalid state \"%s\"", v);
		} else if (!prefixish(t)) {
			fail("unknown keyword \"%s\"", t);
		} else if (take_prefix(t, "to", &s->to, err) < 0) {
			return -1;
		}
		s->given++;
	}
	return 0;
}

bool
neigh_selected(const struct neigh_sel *s, const struct ctl_neigh *n)
{
	if (s->dev[0] && n->ifindex != s->ifindex)
		return false;
	if (s->to.set && !prefix_has_af(&s->to, n->family, n->addr, &n->addr6, s->to.len))
		return false;
	return !s->nud || (n->state & s->nud);
}

int
select_addr(int argc, char **argv, struct addr_sel *s, char *err)
{
	memset(s, 0, sizeof(*s));
	for (int i = 0; i < argc; i++) {
		const char *t = argv[i];
		int r = take_dev_to(argc, argv, &i, s->dev, &s->to, err);

		if (r < 0) {
			return -1;
		} else if (r > 0) {
			;
		} else if (!s->dev[0] && parse_name(t)) {
			strcpy(s->dev, t);	/* ip addr show NAME */
		} else {
			fail("unknown keyword \"%s\"", t);
		}
		s->given++;
	}
	return 0;
}

bool
addr_selected(const struct addr_sel *s, const struct ctl_addr *a)
{
	return !s->to.set || prefix_has_af(&s->to, a->family, a->addr, &a->addr6, s->to.len);
}
