/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The grammar of routes, neighbours, NAT rules, addresses and link changes.
 * The same functions parse `sluice ... add` arguments, `sluice -b` lines and
 * the values of the INI file, so all three accept exactly the same thing.
 * No allocation and no regex: a batch of a million routes goes through here.
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <net/if.h>

#include "grammar.h"

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

#define fail(...) do { snprintf(err, CTL_ERRLEN, __VA_ARGS__); return -1; } while (0)

bool
parse_ip4(const char *s, uint32_t *out)
{
	uint32_t a = 0;

	for (int i = 0; i < 4; i++) {
		unsigned v = 0, n = 0;

		while (*s >= '0' && *s <= '9') {
			v = v * 10 + (unsigned)(*s++ - '0');
			if (unlikely(++n > 3 || v > 255))
				return false;
		}
		if (unlikely(n == 0))
			return false;
		a = a << 8 | v;
		if (i < 3 && *s++ != '.')
			return false;
	}
	if (*s != '\0')
		return false;
	*out = a;
	return true;
}

/* ADDR[/N]: the address into buf, N (max when absent) into *len. */
static bool
split_prefix(const char *s, char *buf, size_t size, uint32_t max, uint8_t *len)
{
	const char *slash = strchr(s, '/');
	uint32_t l = max;
	size_t n = slash ? (size_t)(slash - s) : strlen(s);

	if (n >= size)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (slash && !parse_u32(slash + 1, max, &l))
		return false;
	*len = (uint8_t)l;
	return true;
}

/* A.B.C.D[/N]; host bits are allowed here (addresses), callers that need a
 * network check them. */
bool
parse_prefix(const char *s, uint32_t *addr, uint8_t *len)
{
	char buf[20];

	return split_prefix(s, buf, sizeof(buf), 32, len) && parse_ip4(buf, addr);
}

/* inet_pton's syntax: no zone ("%eth0"), no brackets. */
bool
parse_ip6(const char *s, struct in6_addr *out)
{
	return inet_pton(AF_INET6, s, out) == 1;
}

bool
parse_prefix_af(const char *s, uint8_t *family, uint32_t *a4, struct in6_addr *a6, uint8_t *len)
{
	char buf[CTL_ADDRSTRLEN];

	*family = strchr(s, ':') ? AF_INET6 : AF_INET;
	if (!is6(*family))
		return parse_prefix(s, a4, len);
	return split_prefix(s, buf, sizeof(buf), 128, len) && parse_ip6(buf, a6);
}

bool
prefix6_has(const struct in6_addr *net, uint8_t len, const struct in6_addr *a)
{
	unsigned full = len / 8, bits = len % 8;

	if (memcmp(net->s6_addr, a->s6_addr, full))
		return false;
	return !bits || ((net->s6_addr[full] ^ a->s6_addr[full]) & (0xff00 >> bits) & 0xff) == 0;
}

void
prefix6_clear(struct in6_addr *a, uint8_t len)
{
	for (unsigned i = 0; i < 16; i++) {
		if (len >= 8 * (i + 1))
			continue;
		a->s6_addr[i] &= len > 8 * i ? (uint8_t)(0xff00 >> (len - 8 * i)) : 0;
	}
}

bool
prefix6_host_bits(const struct in6_addr *a, uint8_t len)
{
	struct in6_addr m = *a;

	prefix6_clear(&m, len);
	return memcmp(&m, a, sizeof(m)) != 0;
}

bool
parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > max)
			return false;
	}
	*out = (uint32_t)v;
	return true;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool
parse_mac(const char *s, uint8_t mac[6])
{
	/* One or two hex digits a byte, as ip takes them (2:0:0:0:0:5). */
	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[0]), lo = hexval(s[1]);

		if (hi < 0)
			return false;
		if (lo < 0) {
			mac[i] = (uint8_t)hi;
			s += 1;
		} else {
			mac[i] = (uint8_t)(hi << 4 | lo);
			s += 2;
		}
		if (i < 5 && *s++ != ':')
			return false;
	}
	return *s == '\0';
}

bool
parse_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= SLUICE_IFNAMSIZ)
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || *s <= ' ' || *s == '"')
			return false;
	return true;
}

int
tokenize(char *p, char **argv, int max)
{
	int n = 0;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p == '\0' || *p == '#')
			return n;
		if (n == max)
			return -1;
		argv[n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			p++;
		if (*p == '\0')
			return n;
		*p++ = '\0';
	}
}

char *
fmt_ip4(uint32_t a, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
	return buf;
}

char *
fmt_ip6(const struct in6_addr *a, char *buf)
{
	return (char *)inet_ntop(AF_INET6, a, buf, CTL_ADDRSTRLEN);
}

char *
fmt_ip(uint8_t family, uint32_t v4, const struct in6_addr *v6, char *buf)
{
	return is6(family) ? fmt_ip6(v6, buf) : fmt_ip4(v4, buf);
}

char *
fmt_mac(const uint8_t m[6], char *buf)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf;
}

const char *
arg_of(int argc, char **argv, int *i, char *err)
{
	if (*i + 1 >= argc) {
		snprintf(err, CTL_ERRLEN, "missing value after \"%s\"", argv[*i]);
		return NULL;
	}
	return argv[++*i];
}

int
take_dev(const char *v, char *dev, char *err)
{
	if (!parse_name(v))
		fail("invalid port name \"%s\"", v);
	if (dev[0])
		fail("duplicate \"dev\"");
	strcpy(dev, v);
	return 0;
}

int
take_table(const char *v, bool show, char *err)
{
	/* ip's words for the main table (rt_tables), and for a show "all". */
	if (!strcmp(v, "main") || !strcmp(v, "254") || (show && !strcmp(v, "all")))
		return 0;
	fail("table \"%s\": sluice has one routing table, main", v);
}

static int
take_network(const char *v, uint32_t *addr, uint8_t *len, char *err)
{
	if (!parse_prefix(v, addr, len))
		fail("invalid prefix \"%s\"", v);
	if (*addr & ~prefix_mask(*len))
		fail("invalid prefix \"%s\": host bits set", v);
	return 0;
}

/* A route's destination, of either family. */
static int
take_network_af(const char *v, struct ctl_route *r, char *err)
{
	if (!strchr(v, ':')) {
		r->family = AF_INET;
		return take_network(v, &r->dst, &r->dst_len, err);
	}
	if (!parse_prefix_af(v, &r->family, &r->dst, &r->dst6, &r->dst_len))
		fail("invalid prefix \"%s\"", v);
	if (prefix6_host_bits(&r->dst6, r->dst_len))
		fail("invalid prefix \"%s\": host bits set", v);
	return 0;
}

/* A unicast address of either family (not 0.0.0.0, ::, or multicast). */
static bool
take_ip(const char *v, uint8_t *family, uint32_t *a4, struct in6_addr *a6)
{
	if (!strchr(v, ':')) {
		*family = AF_INET;
		return parse_ip4(v, a4) && *a4 != 0;
	}
	*family = AF_INET6;
	return parse_ip6(v, a6) && !ip6_unspec(a6) && !IN6_IS_ADDR_MULTICAST(a6);
}

int
grammar_route(int argc, char **argv, int mode, struct ctl_route *r, char *err)
{
	return grammar_route_af(argc, argv, mode, AF_UNSPEC, r, err);
}

int
grammar_route_af(int argc, char **argv, int mode, uint8_t family, struct ctl_route *r, char *err)
{
	bool has_dst = false, has_gw = false, dst_default = false;
	const char *dst_word = NULL, *gw_word = NULL, *type_word = NULL;
	uint8_t gw_family = 0;

	memset(r, 0, sizeof(*r));
	/* A delete of a prefix matches a route of any type (a blackhole
	 * too) unless the line names one, as ip's leaves rtm_type 0. */
	r->type = mode == GRAMMAR_DEL ? RTN_UNSPEC : RTN_UNICAST;
	for (int i = 0; i < argc; i++) {
		const char *t = argv[i], *v;

		if (!strcmp(t, "via")) {
			if (!(v = arg_of(argc, argv, &i, err)))
				return -1;
			if (has_gw)
				fail("duplicate \"via\"");
			if (!take_ip(v, &gw_family, &r->gw, &r->gw6))
				fail("invalid gateway \"%s\"", v);
			gw_word = v;
			has_gw = true;
		} else if (!strcmp(t, "dev") || !strcmp(t, "oif")) {
			if (!(v = arg_of(argc, argv, &i, err)) || take_dev(v, r->dev, err))
				return -1;
		} else if (!strcmp(t, "table")) {
			if (!(v = arg_of(argc, argv, &i, err)) || take_table(v, false, err))
				return -1;
		} else if (!strcmp(t, "metric") || !strcmp(t, "priority") || !strcmp(t, "preference")) {
			if (!(v = arg_of(argc, argv, &i, err)))
				return -1;
			if (r->has_metric)
				fail("duplicate \"metric\"");
			if (!parse_u32(v, UINT32_MAX, &r->metric))
				fail("invalid metric \"%s\"", v);
			r->has_metric = true;
		} else if (!strcmp(t, "blackhole") || !strcmp(t, "unreachable") ||
			   !strcmp(t, "unicast")) {
			if (type_word)
				fail("duplicate route type \"%s\"", t);
			type_word = t;
			r->type = !strcmp(t, "blackhole") ? RTN_BLACKHOLE :
				  !strcmp(t, "unreachable") ? RTN_UNREACHABLE : RTN_UNICAST;
		} else if (!strcmp(t, "prohibit") || !strcmp(t, "throw") || !strcmp(t, "local") ||
			   !strcmp(t, "broadcast") || !strcmp(t, "multicast") ||
			   !strcmp(t, "anycast") || !strcmp(t, "nat")) {
			fail("route type \"%s\" is not supported (unicast, blackhole, unreachable)", t);
		} else if (!strcmp(t, "to") && !has_dst) {
			if (!(v = arg_of(argc, argv, &i, err)))
				return -1;
			goto dst;
		} else if (!has_dst) {
			v = t;
dst:
			if (!strcmp(v, "default") || !strcmp(v, "0/0")) {
				r->dst = 0;
				r->dst_len = 0;
				dst_default = true;
			} else if (take_network_af(v, r, err)) {
				return -1;
			}
			dst_word = v;
			has_dst = true;
		} else {
			fail("unknown keyword \"%s\"", t);
		}
	}
	if (!has_dst)
		fail("missing destination prefix");
	/* "default" takes the gateway's family, else the one asked for;
	 * a prefix and its gateway must agree (no IPv4 via IPv6 here). */
	if (dst_default)
		r->family = has_gw ? gw_family : is6(family) ? AF_INET6 : AF_INET;
	if (family && family != r->family && !dst_default)
		fail("\"%s\" is not an %s prefix", dst_word, is6(family) ? "IPv6" : "IPv4");
	if (family && family != r->family)
		fail("gateway \"%s\" is not an %s address", gw_word, is6(family) ? "IPv6" : "IPv4");
	if (has_gw && gw_family != r->family)
		fail("gateway \"%s\" is not an %s address", gw_word, is6(r->family) ? "IPv6" : "IPv4");
	/* The dataplane's IPv6 table holds no such type (route6.c). */
	if (r->type == RTN_UNREACHABLE && is6(r->family))
		fail("an IPv6 route cannot be unreachable (a blackhole drops without an error)");
	if (r->type == RTN_BLACKHOLE || r->type == RTN_UNREACHABLE) {
		if (has_gw || r->dev[0])
			fail("a%s %s route takes no \"%s\"", r->type == RTN_UNREACHABLE ? "n" : "",
			     type_word, has_gw ? "via" : "dev");
	} else if (mode == GRAMMAR_ADD && !has_gw && !r->dev[0]) {
		fail("missing \"via GW\", \"dev NAME\" or \"blackhole\"");
	}
	/* A link-local address is only unique on its link (RFC 4291 2.5.6). */
	if (mode == GRAMMAR_ADD && has_gw && is6(r->family) && ip6_linklocal(&r->gw6) && !r->dev[0])
		fail("link-local gateway %s needs \"dev NAME\"", gw_word);
	if (!has_gw && r->dev[0])
		r->scope = RT_SCOPE_LINK;
	/* IPv6's metric 0 is the kernel's default, 1024: ip -6 adds at 1024
	 * and deletes any metric. */
	if (is6(r->family) && r->metric == 0) {
		r->has_metric = false;
		if (mode == GRAMMAR_ADD)
			r->metric = SLUICE_IP6_METRIC_DEFAULT;
	}
	return 0;
}

int
grammar_neigh(int argc, char **argv, int mode, struct ctl_neigh *n, char *err)
{
	bool has_addr = false;

	memset(n, 0, sizeof(*n));
	n->state = NUD_PERMANENT;
	for (int i = 0; i < argc; i++) {
		const char *t = argv[i], *v;

		if (!strcmp(t, "lladdr")) {
			if (!(v = arg_of(argc, argv, &i, err)))
				return -1;
			if (!parse_mac(v, n->lladdr))
				fail("invalid MAC address \"%s\"", v);
			n->has_lladdr = true;
		} else if (!strcmp(t, "dev")) {
			if (!(v = arg_of(argc, argv, &i, err)) || take_dev(v, n->dev, err))
				return -1;
		} else if (!strcmp(t, "nud")) {
			if (!(v = arg_of(argc, argv, &i, err)))
				return -1;
			if (strcmp(v, "permanent"))
				fail("unsupported state \"%s\" (only permanent)", v);
		} else if (!has_addr) {
			v = t;
			if (!strcmp(t, "to") && !(v = arg_of(argc, argv, &i, err)))
				return -1;
			if (!take_ip(v, &n->family, &n->addr, &n->addr6))
				fail("invalid address \"%s\"", v);
			has_addr = true;
		} else {
			fail("unknown keyword \"%s\"", t);
		}
	}
	if (!has_addr)
		fail("missing address");
	if (!n->dev[0])
		fail("missing \"dev NAME\"");
	if (mode == GRAMMAR_ADD && !n->has_lladdr)
		fail("missing \"lladdr MAC\"");
	return 0;
}

/* N or N-M, 1..65535. */
static int
take_range(const char *v, const char *what, uint16_t *lo, uint16_t *hi, char *err)
{
	char buf[16];
	const char *dash = strchr(v, '-');
	uint32_t a, b;
	size_t n = dash ? (size_t)(dash - v) : strlen(v);

	if (n >= sizeof(buf))
		fail("invalid %s \"%s\"", what, v);
	memcpy(buf, v, n);
	buf[n] = '\0';
	if (!parse_u32(buf, 65535, &a) || a == 0)
		fail("invalid %s \"%s\"", what, v);
	b = a;
	if (dash && (!parse_u32(dash + 1, 65535, &b) || b < a))
		fail("invalid %s \"%s\"", what, v);
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

/* snat "to ADDR[-ADDR]", dnat "to ADDR[:P]". */
static int
take_to(const char *v, struct ctl_natrule *r, char *err)
{
	char buf[40];
	char *sep;

	if (strlen(v) >= sizeof(buf))
		fail("invalid address \"%s\"", v);
	strcpy(buf, v);
	if (r->kind == SLUICE_NAT_DNAT) {
		if ((sep = strchr(buf, ':'))) {
			uint32_t p;

			*sep++ = '\0';
			if (!parse_u32(sep, 65535, &p) || p == 0)
				fail("invalid port in \"%s\"", v);
			r->port_min = r->port_max = (uint16_t)p;
		}
		if (!parse_ip4(buf, &r->addr_min) || r->addr_min == 0)
			fail("invalid address \"%s\"", v);
		r->addr_max = r->addr_min;
		return 0;
	}
	if ((sep = strchr(buf, '-')))
		*sep++ = '\0';
	if (!parse_ip4(buf, &r->addr_min) || r->addr_min == 0)
		fail("invalid address \"%s\"", v);
	r->addr_max = r->addr_min;
	if (sep && (!parse_ip4(sep, &r->addr_max) || r->addr_max < r->addr_min))
		fail("invalid address range \"%s\"", v);
	return 0;
}

int
grammar_natrule(int argc, char **argv, struct ctl_natrule *r, char *err)
{
	enum { K_OUT = 1, K_IN = 2, K_FROM = 4, K_TO = 8, K_PORTS = 16, K_PROTO = 32,
	       K_DPORT = 64, K_FILTER = 128 };
	static const char *const kw[] = { "out", "in", "from", "to", "ports", "proto",
					  "dport", "filter" };
	unsigned seen = 0, need, allowed;

	memset(r, 0, sizeof(*r));
	if (argc < 1)
		fail("missing rule type (masquerade, snat or dnat)");
	if (!strcmp(argv[0], "masquerade")) {
		r->kind = SLUICE_NAT_MASQUERADE;
		need = K_OUT;
		allowed = K_OUT | K_FROM | K_FILTER;
	} else if (!strcmp(argv[0], "snat")) {
		r->kind = SLUICE_NAT_SNAT;
		need = K_FROM | K_OUT | K_TO;
		allowed = need | K_PORTS | K_FILTER;
	} else if (!strcmp(argv[0], "dnat")) {
		r->kind = SLUICE_NAT_DNAT;
		need = K_IN | K_PROTO | K_DPORT | K_TO;
		allowed = need | K_FILTER;
	} else {
		fail("unknown rule type \"%s\" (masquerade, snat or dnat)", argv[0]);
	}
	for (int i = 1; i < argc; i++) {
		const char *t = argv[i], *v;
		unsigned k = 0;

		for (unsigned j = 0; j < sizeof(kw) / sizeof(kw[0]); j++)
			if (!strcmp(t, kw[j]))
				k = 1u << j;
		if (!(k & allowed))
			fail("unknown keyword \"%s\" for %s", t, argv[0]);
		if (seen & k)
			fail("duplicate \"%s\"", t);
		seen |= k;
		if (!(v = arg_of(argc, argv, &i, err)))
			return -1;
		switch (k) {
		case K_OUT:
		case K_IN:
			if (!parse_name(v))
				fail("invalid port name \"%s\"", v);
			strcpy(r->port, v);
			break;
		case K_FROM:
			if (take_network(v, &r->src, &r->src_len, err))
				return -1;
			r->has_src = true;
			break;
		case K_TO:
			if (take_to(v, r, err))
				return -1;
			break;
		case K_PORTS:
			if (take_range(v, "port range", &r->port_min, &r->port_max, err))
				return -1;
			break;
		case K_PROTO:
			if (!strcmp(v, "tcp"))
				r->proto = IPPROTO_TCP;
			else if (!strcmp(v, "udp"))
				r->proto = IPPROTO_UDP;
			else
				fail("invalid protocol \"%s\" (tcp or udp)", v);
			break;
		case K_DPORT:
			if (take_range(v, "port", &r->dport_min, &r->dport_max, err))
				return -1;
			break;
		case K_FILTER:
			if (!strcmp(v, "endpoint-independent"))
				r->filter = SLUICE_NAT_FILTER_EIF;
			else if (!strcmp(v, "address-port-dependent") ||
				 !strcmp(v, "address-and-port-dependent"))
				r->filter = SLUICE_NAT_FILTER_APDF;
			else
				fail("invalid filter \"%s\" (endpoint-independent or "
				     "address-port-dependent)", v);
			break;
		}
	}
	for (unsigned j = 0; j < sizeof(kw) / sizeof(kw[0]); j++)
		if ((need & ~seen) & (1u << j))
			fail("%s rule needs \"%s\"", argv[0], kw[j]);
	return 0;
}

int
grammar_addr(int argc, char **argv, struct ctl_addr *a, char *err)
{
	bool has = false;

	memset(a, 0, sizeof(*a));
	for (int i = 0; i < argc; i++) {
		const char *t = argv[i], *v;

		if (!strcmp(t, "dev")) {
			if (!(v = arg_of(argc, argv, &i, err)) || take_dev(v, a->dev, err))
				return -1;
		} else if (!has) {
			v = t;
			if (!strcmp(t, "local") && !(v = arg_of(argc, argv, &i, err)))
				return -1;
			if (!parse_prefix_af(v, &a->family, &a->addr, &a->addr6, &a->len) ||
			    (is6(a->family) ? ip6_unspec(&a->addr6) || IN6_IS_ADDR_MULTICAST(&a->addr6) :
			     a->addr == 0))
				fail("invalid address \"%s\"", v);
			has = true;
		} else {
			fail("unknown keyword \"%s\"", t);
		}
	}
	if (!has)
		fail("missing address");
	if (!a->dev[0])
		fail("missing \"dev NAME\"");
	return 0;
}

/* A switch: "on" or "off", and the INI file's "yes" or "no". */
bool
parse_onoff(const char *s, bool *on)
{
	if (!strcmp(s, "on") || !strcmp(s, "yes") || !strcmp(s, "true") || !strcmp(s, "1"))
		*on = true;
	else if (!strcmp(s, "off") || !strcmp(s, "no") || !strcmp(s, "false") || !strcmp(s, "0"))
		*on = false;
	else
		return false;
	return true;
}

int
grammar_link_set(int argc, char **argv, struct ctl_link *l, char *err)
{
	memset(l, 0, sizeof(*l));
	for (int i = 0; i < argc; i++) {
		const char *t = argv[i], *v;

		if (!strcmp(t, "up") || !strcmp(t, "down")) {
			l->change |= IFF_UP;
			l->flags = t[0] == 'u' ? IFF_UP : 0;
		} else if (!strcmp(t, "mtu")) {
			if (!(v = arg_of(argc, argv, &i, err)))
				return -1;
			if (l->mtu)
				fail("duplicate \"mtu\"");
			if (!parse_u32(v, SLUICE_MTU_MAX, &l->mtu) || l->mtu < SLUICE_MTU_MIN)
				fail("invalid mtu \"%s\" (%u..%u)", v, SLUICE_MTU_MIN, SLUICE_MTU_MAX);
		} else if (!strcmp(t, "host")) {
			if (!(v = arg_of(argc, argv, &i, err)))
				return -1;
			if (l->has_host)
				fail("duplicate \"host\"");
			if (!parse_onoff(v, &l->host))
				fail("invalid host \"%s\" (on or off)", v);
			l->has_host = true;
		} else if (!strcmp(t, "ra")) {
			if (!(v = arg_of(argc, argv, &i, err)))
				return -1;
			if (l->has_ra)
				fail("duplicate \"ra\"");
			if (!parse_onoff(v, &l->ra))
				fail("invalid ra \"%s\" (on or off)", v);
			l->has_ra = true;
		} else if (!strcmp(t, "dev") && !l->name[0]) {
			if (!(v = arg_of(argc, argv, &i, err)))
				return -1;
			goto name;
		} else if (!l->name[0]) {
			v = t;
name:
			if (!parse_name(v))
				fail("invalid port name \"%s\"", v);
			strcpy(l->name, v);
		} else {
			fail("unknown keyword \"%s\"", t);
		}
	}
	if (!l->name[0])
		fail("missing port name");
	if (!l->change && !l->mtu && !l->has_host && !l->has_ra)
		fail("nothing to change (up, down, mtu N, host on|off or ra on|off)");
	return 0;
}

int
ctl_route_key_cmp(const void *x, const void *y)
{
	const struct ctl_route *a = x, *b = y;
	int c;

	if (is6(a->family) != is6(b->family))
		return is6(a->family) ? 1 : -1;
	if (is6(a->family) && (c = memcmp(&a->dst6, &b->dst6, sizeof(a->dst6))))
		return c;
	if (a->dst != b->dst)
		return a->dst < b->dst ? -1 : 1;
	if (a->dst_len != b->dst_len)
		return a->dst_len < b->dst_len ? -1 : 1;
	return a->metric < b->metric ? -1 : a->metric > b->metric;
}

char *
fmt_route(const struct ctl_route *r, const char *dev, char *buf, size_t len)
{
	char d[CTL_ADDRSTRLEN], g[CTL_ADDRSTRLEN];
	int n;

	bool gw = is6(r->family) ? !ip6_unspec(&r->gw6) : r->gw != 0;

	/* "default" without a gateway would read back as IPv4. */
	if (r->dst_len == 0)
		strcpy(d, is6(r->family) && !gw ? "::/0" : "default");
	else
		fmt_ip(r->family, r->dst, &r->dst6, d);
	if (r->type == RTN_BLACKHOLE || r->type == RTN_UNREACHABLE)
		n = snprintf(buf, len, "%s %s", r->type == RTN_BLACKHOLE ? "blackhole" : "unreachable", d);
	else
		n = snprintf(buf, len, "%s", d);
	if (r->dst_len && r->dst_len != (is6(r->family) ? 128 : 32) && n > 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, "/%u", r->dst_len);
	if (gw && n > 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, " via %s", fmt_ip(r->family, r->gw, &r->gw6, g));
	if (dev && *dev && n > 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, " dev %s", dev);
	if (r->metric && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " metric %u", r->metric);
	return buf;
}

char *
fmt_natrule(const struct ctl_natrule *r, const char *port, char *buf, size_t len)
{
	char a[16], b[16];
	size_t n = 0;

#define put(...) do { if (n < len) n += (size_t)snprintf(buf + n, len - n, __VA_ARGS__); } while (0)
	switch (r->kind) {
	case SLUICE_NAT_MASQUERADE:
		put("masquerade out %s", port);
		if (r->has_src)
			put(" from %s/%u", fmt_ip4(r->src, a), r->src_len);
		break;
	case SLUICE_NAT_SNAT:
		put("snat from %s/%u out %s to %s", fmt_ip4(r->src, a), r->src_len, port,
		    fmt_ip4(r->addr_min, b));
		if (r->addr_max != r->addr_min)
			put("-%s", fmt_ip4(r->addr_max, a));
		if (r->port_min)
			put(" ports %u-%u", r->port_min, r->port_max);
		break;
	case SLUICE_NAT_DNAT:
		put("dnat in %s proto %s dport %u", port,
		    r->proto == IPPROTO_UDP ? "udp" : "tcp", r->dport_min);
		if (r->dport_max != r->dport_min)
			put("-%u", r->dport_max);
		put(" to %s", fmt_ip4(r->addr_min, a));
		if (r->port_min)
			put(":%u", r->port_min);
		break;
	default:
		put("unknown kind %u", r->kind);
	}
	if (r->filter == SLUICE_NAT_FILTER_EIF)
		put(" filter endpoint-independent");
#undef put
	return buf;
}

bool
natrule_equal(const struct ctl_natrule *a, const struct ctl_natrule *b)
{
	return a->kind == b->kind && a->ifindex == b->ifindex && a->has_src == b->has_src &&
	       (!a->has_src || (a->src == b->src && a->src_len == b->src_len)) &&
	       a->addr_min == b->addr_min && a->addr_max == b->addr_max &&
	       a->port_min == b->port_min && a->port_max == b->port_max &&
	       a->proto == b->proto && a->dport_min == b->dport_min &&
	       a->dport_max == b->dport_max && a->filter == b->filter;
}

bool
addr_equal(const struct ctl_addr *a, const struct ctl_addr *b)
{
	if (is6(a->family) != is6(b->family) || a->len != b->len)
		return false;
	return is6(a->family) ? !memcmp(&a->addr6, &b->addr6, 16) : a->addr == b->addr;
}

bool
neigh_addr_equal(const struct ctl_neigh *a, const struct ctl_neigh *b)
{
	if (is6(a->family) != is6(b->family))
		return false;
	return is6(a->family) ? !memcmp(&a->addr6, &b->addr6, 16) : a->addr == b->addr;
}
