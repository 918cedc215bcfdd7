/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * INI loader.  inih splits lines into sections and key = value pairs; this
 * file's reader feeds it one line at a time, which is how every error gets
 * its line number, and checks the section headers itself (inih does not
 * tell the handler about them).  Cross references (a route's port, its
 * gateway's network) are checked once the whole file is read, since a
 * [port] may come after the [routes] that use it.
 *
 * An error is reported once, where it is: what a broken line or section
 * would make wrong elsewhere (a route whose gateway was on the network of
 * a rejected address, a rule on a rejected port) is not reported again.
 * Warnings (a bare address taken as /32, a dnat target on no port's
 * network) are printed but do not make the file bad.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <ini.h>
#include <arpa/inet.h>
#include <net/if.h>

#include "config.h"
#include "devargs.h"

enum sect { S_NONE, S_BAD, S_DATAPLANE, S_PORT, S_ROUTES, S_NEIGHS, S_NAT, S_METRICS };

struct cfg_err {
	int line;
	unsigned seq;		/* keeps same-line errors in order */
	bool warning;
	char msg[CTL_ERRLEN + 64];
};

#define REJECTED_MAX 8
#define GUESS_MAX 16

struct loader {
	struct cfg *c;
	FILE *in;
	const char *file;
	int line;
	char *buf;
	size_t bufsz;
	int read_errno;			/* a read that failed, not the end */
	enum sect sect;
	struct cfg_port *port;		/* current [port], NULL if broken */
	unsigned port_seen;		/* device/mtu/mac/host given: bits */
	int dup_natc[SLUICE_NATC_MAX + 1];
	unsigned socket_seen;		/* [dataplane] socket given */
	struct cfg_err *errs;
	unsigned nerrs, errcap, nwarnings;
	/* For knock-on errors: what rejected addresses seemed to mean, and the
	 * names of [port] sections rejected whole. */
	struct guess {
		const struct cfg_port *p;
		uint8_t family;		/* 0: any address (nothing could be read) */
		uint32_t addr;
		struct in6_addr addr6;
		uint8_t len;
	} guess[GUESS_MAX];
	unsigned nguess;
	char rejected[REJECTED_MAX][SLUICE_IFNAMSIZ];
	unsigned nrejected;
};

static void
vreport(struct loader *ld, int line, bool warning, const char *fmt, va_list ap)
{
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
	ld->errs[ld->nerrs].warning = warning;
	vsnprintf(ld->errs[ld->nerrs].msg, sizeof(ld->errs[0].msg), fmt, ap);
	ld->nerrs++;
	if (warning)
		ld->nwarnings++;
}

static void __attribute__((format(printf, 3, 4)))
err_at(struct loader *ld, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(ld, line, false, fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 3, 4)))
warn_at(struct loader *ld, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(ld, line, true, fmt, ap);
	va_end(ap);
}

/* Was [port name] rejected (its errors already said)? */
static bool
port_rejected(const struct loader *ld, const char *name)
{
	for (unsigned i = 0; i < ld->nrejected; i++)
		if (!strncmp(ld->rejected[i], name, SLUICE_IFNAMSIZ - 1))
			return true;
	return false;
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
	if (end) {
		/* Blanks and a comment may follow the header. */
		char *t = end + 1 + strspn(end + 1, " \t");

		if (*t == ';' || *t == '#' || *t == '\0')
			end[1] = '\0';
	}
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
	} else if (!strcmp(s, "metrics")) {
		ld->sect = S_METRICS;
	} else if (!strncmp(s, "port", 4) && (s[4] == ' ' || s[4] == '\t' || s[4] == '\0')) {
		for (name = s + 4; *name == ' ' || *name == '\t'; name++)
			;
		if (!*name)
			err_at(ld, ld->line, "[port] needs a name: [port NAME]");
		else if (strlen(name) >= SLUICE_IFNAMSIZ)
			err_at(ld, ld->line, "port name \"%s\" is longer than %u characters", name,
			       SLUICE_IFNAMSIZ - 1);
		else if (!parse_name(name))
			err_at(ld, ld->line, "invalid port name \"%s\" (no blanks, '/', ':' or '\"')",
			       name);
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
		if (!ld->port && *name && !cfg_port_find(c, name) && ld->nrejected < REJECTED_MAX)
			snprintf(ld->rejected[ld->nrejected++], SLUICE_IFNAMSIZ, "%s", name);
		ld->sect = S_PORT;
	} else {
		err_at(ld, ld->line, "unknown section [%s]", s);
	}
}

/* A line refused whole that was a section header (it begins with '['):
 * its keys are no other section's, and raise no errors of their own. */
static void
bad_header(struct loader *ld, const char *s)
{
	if (*s == '[') {
		ld->sect = S_BAD;
		ld->port = NULL;
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

	if (n < 0) {
		/* An end the file did not have (a directory opens and
		 * reads as EISDIR): cfg_load says so, not "empty". */
		if (ferror(ld->in))
			ld->read_errno = errno;
		return NULL;
	}
	ld->line++;
	for (s = ld->buf; *s == ' ' || *s == '\t'; s++)
		;
	if (memchr(ld->buf, '\0', (size_t)n) != NULL) {
		/* What follows it would vanish unseen. */
		err_at(ld, ld->line, "a NUL byte in the line");
		bad_header(ld, s);
		str[0] = '\0';
		return str;
	}
	while (n > 0 && (ld->buf[n - 1] == '\n' || ld->buf[n - 1] == '\r'))
		ld->buf[--n] = '\0';
	if ((int)strlen(s) >= num) {
		err_at(ld, ld->line, "line too long (at most %d characters)", num - 1);
		bad_header(ld, s);
		str[0] = '\0';
		return str;
	}
	strcpy(str, s);
	/* inih ends a value at " ;" (Debian builds it with ";" alone as the
	 * inline comment prefix, a compile-time choice): " #" does too here. */
	for (char *h = str + 1; (h = strchr(h, '#')) != NULL; h++)
		if (h[-1] == ' ' || h[-1] == '\t')
			*h = ';';
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

/* DPDK 22.11's virtual network drivers (drivers/net, net_<name>). */
static const char *const vdev_drivers[] = {
	"af_packet", "af_xdp", "bonding", "crypto_scheduler", "failsafe", "kni", "memif",
	"null", "pcap", "ring", "softnic", "tap", "tun", "vdev_netvsc", "vhost", "virtio_user",
};

/*
 * What can be told of a device string without DPDK: a PCI address
 * (DDDD:BB:DD.F) or a virtual device net_<driver><N>, then ,key=value
 * arguments.  Returns NULL when it looks right, else why not.  *unknown is
 * set for a vdev driver that DPDK 22.11 does not ship (a warning: it may
 * be a driver built separately).
 */
static const char *
device_check(const char *v, bool *unknown)
{
	static char why[CTL_ERRLEN];
	size_t n = strcspn(v, ","), dn;
	const char *a;
	unsigned d, b, s, f;
	int used = 0;

	*unknown = false;
	if (n == 0)
		return "empty device name before the first ','";
	if (v[0] >= '0' && v[0] <= '9' && strchr(v, ':') && strchr(v, ':') < v + n) {
		/* PCI, with its domain: the ethdev's name, which the port is
		 * found by once probed, is the full address. */
		if (n != 12 || sscanf(v, "%4x:%2x:%2x.%1u%n", &d, &b, &s, &f, &used) != 4 ||
		    (size_t)used != n || v[4] != ':' || v[7] != ':' || v[10] != '.' ||
		    s > 31 || f > 7)
			return "a PCI address is DDDD:BB:DD.F (e.g. 0000:01:00.0)";
	} else if (!strncmp(v, "net_", 4)) {
		for (dn = n; dn > 4 && v[dn - 1] >= '0' && v[dn - 1] <= '9'; dn--)
			;
		if (dn == n || dn == 4)
			return "a virtual device is net_<driver><N> (e.g. net_af_packet0)";
		for (size_t i = 4; i < dn; i++)
			if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') ||
			      v[i] == '_'))
				return "a virtual device is net_<driver><N> (e.g. net_af_packet0)";
		*unknown = true;
		for (unsigned i = 0; i < sizeof(vdev_drivers) / sizeof(vdev_drivers[0]); i++)
			if (strlen(vdev_drivers[i]) == dn - 4 && !strncmp(v + 4, vdev_drivers[i], dn - 4))
				*unknown = false;
	} else {
		return "neither a PCI address (0000:01:00.0) nor a virtual device "
		       "(net_<driver><N>[,key=value...])";
	}
	for (a = v + n; *a == ','; a += n) {
		a++;
		n = strcspn(a, ",");
		if (n == 0 || a[0] == '=' || !memchr(a, '=', n)) {
			snprintf(why, sizeof(why), "argument \"%.*s\" is not key=value", (int)n, a);
			return why;
		}
		/* An interface name, whichever driver takes it (net_tap
		 * makes one, the others attach to one): the kernel's limit. */
		if (!strncmp(a, "iface=", 6) && (n == 6 || n - 6 >= IF_NAMESIZE)) {
			snprintf(why, sizeof(why), "iface= needs an interface name of 1 to %u "
				 "characters", IF_NAMESIZE - 1);
			return why;
		}
	}
	return NULL;
}

/*
 * What a rejected address seems to mean ("203.0.113.2/24 uplink" is
 * 203.0.113.0/24; "203.0.113.2/33" is 203.0.113.2 alone; "uplink" could be
 * anything: len 0), so that a gateway on it is not reported as well.
 */
static void
guess_address(struct loader *ld, const struct cfg_port *p, const char *v)
{
	bool six = strchr(v, ':') != NULL;
	size_t n = strspn(v, six ? "0123456789abcdefABCDEF:." : "0123456789.");
	struct guess g = { .p = p, .len = 0 };
	char buf[CTL_ADDRSTRLEN];

	if (ld->nguess == GUESS_MAX) {
		/* Too many to keep: the last one matches every address. */
		ld->guess[GUESS_MAX - 1] = (struct guess){ .p = NULL, .len = 0 };
		return;
	}
	if (n < sizeof(buf)) {
		unsigned max = six ? 128 : 32;

		memcpy(buf, v, n);
		buf[n] = '\0';
		if (six ? parse_ip6(buf, &g.addr6) : parse_ip4(buf, &g.addr)) {
			unsigned long l = v[n] == '/' ? strtoul(v + n + 1, NULL, 10) : max;

			g.family = six ? AF_INET6 : AF_INET;
			g.len = l >= 1 && l <= max ? (uint8_t)l : (uint8_t)max;
		}
	}
	ld->guess[ld->nguess++] = g;
}

static void
port_key(struct loader *ld, const char *k, const char *v)
{
	struct cfg_port *p = ld->port;
	static const char *const once[] = { "device", "mtu", "mac", "host", "ra" };
	uint32_t mtu;

	for (unsigned i = 0; i < sizeof(once) / sizeof(once[0]); i++)
		if (!strcmp(k, once[i])) {
			if (ld->port_seen & (1u << i)) {
				err_at(ld, ld->line, "duplicate key \"%s\" in [port %s]", k, p->name);
				return;
			}
			ld->port_seen |= 1u << i;
		}
	if (!strcmp(k, "device")) {
		const char *why;
		bool unknown;

		p->device_line = ld->line;
		if (strlen(v) >= sizeof(p->device)) {
			err_at(ld, ld->line, "device string too long (at most %u characters)",
			       SLUICE_DEVARGS_MAX - 1);
			return;
		}
		if ((why = device_check(v, &unknown))) {
			err_at(ld, ld->line, "invalid device \"%s\": %s", v, why);
			return;
		}
		if (unknown)
			warn_at(ld, ld->line, "device \"%s\": \"%.*s\" is not one of DPDK 22.11's "
				"virtual network drivers", v, (int)strcspn(v, ","), v);
		strcpy(p->device, v);
	} else if (!strcmp(k, "address")) {
		struct ctl_addr a = { 0 };

		if (!parse_prefix_af(v, &a.family, &a.addr, &a.addr6, &a.len) || a.len == 0 ||
		    (is6(a.family) ? ip6_unspec(&a.addr6) || IN6_IS_ADDR_MULTICAST(&a.addr6) :
		     a.addr == 0)) {
			err_at(ld, ld->line, "invalid address \"%s\" (%s)", v,
			       strchr(v, ':') ? "X:X::X/N" : "A.B.C.D/N");
			guess_address(ld, p, v);
			return;
		}
		if (!strchr(v, '/'))
			warn_at(ld, ld->line, "address %s has no prefix length: taken as %s/%s, "
				"a network of one address (write %s/N)", v, v,
				is6(a.family) ? "128" : "32", is6(a.family) ? "X:X::X" : "A.B.C.D");
		for (unsigned i = 0; i < p->naddr; i++)
			if (addr_equal(&p->addr[i], &(struct ctl_addr){ .family = a.family,
					.addr = a.addr, .addr6 = a.addr6, .len = p->addr[i].len })) {
				err_at(ld, ld->line, "duplicate address \"%s\"", v);
				return;
			}
		if (p->naddr == CFG_MAX_ADDRS) {
			err_at(ld, ld->line, "too many addresses (at most %u)", CFG_MAX_ADDRS);
			return;
		}
		strcpy(a.dev, p->name);
		p->addr_line[p->naddr] = ld->line;
		p->addr[p->naddr++] = a;
	} else if (!strcmp(k, "mtu")) {
		if (!parse_u32(v, SLUICE_MTU_MAX, &mtu) || mtu < SLUICE_MTU_MIN)
			err_at(ld, ld->line, "MTU \"%s\" out of range (%u..%u)", v, SLUICE_MTU_MIN,
			       SLUICE_MTU_MAX);
		else
			p->mtu = mtu;
		p->mtu_line = ld->line;
	} else if (!strcmp(k, "host")) {
		if (!parse_onoff(v, &p->host))
			err_at(ld, ld->line, "invalid host \"%s\" (yes or no)", v);
		p->host_line = ld->line;
	} else if (!strcmp(k, "mac")) {
		if (!parse_mac(v, p->mac) || (p->mac[0] & 1) ||
		    !(p->mac[0] | p->mac[1] | p->mac[2] | p->mac[3] | p->mac[4] | p->mac[5]))
			err_at(ld, ld->line, "invalid MAC address \"%s\"", v);
		else
			p->has_mac = true;
	} else if (!strcmp(k, "ra")) {
		if (!parse_onoff(v, &p->ra))
			err_at(ld, ld->line, "invalid ra \"%s\" (yes or no)", v);
		p->ra_line = ld->line;
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

/* [metrics] listen = A.B.C.D:PORT or [IPv6]:PORT: numeric, since the
 * file says where to bind, not what to look up. */
static void
metrics_key(struct loader *ld, const char *k, const char *v)
{
	struct cfg *c = ld->c;
	char addr[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(v, ':');
	uint32_t port;
	size_t n;

	if (strcmp(k, "listen")) {
		err_at(ld, ld->line, "unknown key \"%s\" in [metrics] (listen = ADDR:PORT)", k);
		return;
	}
	if (c->metrics_listen[0]) {
		err_at(ld, ld->line, "duplicate key \"listen\" in [metrics]");
		return;
	}
	n = colon ? (size_t)(colon - v) : 0;
	if (!colon || !parse_u32(colon + 1, 65535, &port) || port == 0 || n == 0 ||
	    n >= sizeof(addr) || strlen(v) >= sizeof(c->metrics_listen)) {
		err_at(ld, ld->line, "invalid listen \"%s\": ADDR:PORT, an IPv4 address or an "
		       "[IPv6] one and a port 1..65535 (e.g. 127.0.0.1:9111, [::1]:9111)", v);
		return;
	}
	memcpy(addr, v, n);
	addr[n] = '\0';
	memset(&c->metrics_addr, 0, sizeof(c->metrics_addr));
	if (addr[0] == '[' && addr[n - 1] == ']') {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&c->metrics_addr;

		addr[n - 1] = '\0';
		if (inet_pton(AF_INET6, addr + 1, &s6->sin6_addr) != 1) {
			err_at(ld, ld->line, "invalid listen \"%s\": \"%s\" is not an IPv6 address",
			       v, addr + 1);
			return;
		}
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		c->metrics_addrlen = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&c->metrics_addr;

		if (inet_pton(AF_INET, addr, &s4->sin_addr) != 1) {
			err_at(ld, ld->line, "invalid listen \"%s\": \"%s\" is not an IPv4 address "
			       "(an IPv6 one goes in brackets: [::1]:9111)", v, addr);
			return;
		}
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		c->metrics_addrlen = sizeof(*s4);
	}
	strcpy(c->metrics_listen, v);
}

struct caps { unsigned routes, neighs, rules; };

/* A [routes]/[neighbors]/[nat] value the grammar refused; not reported when
 * it names a [port] that was rejected, whose error says it all. */
static void
list_error(struct loader *ld, int argc, char **argv, const char *err)
{
	for (int i = 0; i < argc; i++)
		if (port_rejected(ld, argv[i]))
			return;
	err_at(ld, ld->line, "%s", err);
}

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
			list_error(ld, argc, argv, err);
			return;
		}
		c->routes[c->nroutes].protocol = SLUICE_RTPROT_CONFIG;
		c->route_line[c->nroutes++] = ld->line;
	} else if (ld->sect == S_NEIGHS) {
		if (!grow((void **)&c->neighs, &c->neigh_line, c->nneighs, &cap->neighs,
			  sizeof(*c->neighs)))
			return;
		const uint8_t *mac = c->neighs[c->nneighs].lladdr;

		if (grammar_neigh(argc, argv, GRAMMAR_ADD, &c->neighs[c->nneighs], err) < 0) {
			list_error(ld, argc, argv, err);
			return;
		}
		/* The dataplane refuses them (neigh_nl.c): --check says so. */
		if ((mac[0] & 1) || !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5])) {
			err_at(ld, ld->line, "lladdr %02x:%02x:%02x:%02x:%02x:%02x is %s: no "
			       "neighbour has it", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5],
			       mac[0] & 1 ? "multicast" : "zero");
			return;
		}
		c->neigh_line[c->nneighs++] = ld->line;
	} else {
		if (!grow((void **)&c->rules, &c->rule_line, c->nrules, &cap->rules,
			  sizeof(*c->rules)))
			return;
		if (grammar_natrule(argc, argv, &c->rules[c->nrules], err) < 0) {
			list_error(ld, argc, argv, err);
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
		else if (ld->socket_seen++)
			err_at(ld, ld->line, "duplicate key \"socket\" in [dataplane]");
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
	case S_METRICS:
		metrics_key(ld, k, v);
		break;
	}
	return 1;
}

static uint32_t
mask_of(uint8_t len)
{
	return len ? ~0u << (32 - len) : 0;
}

/* Is the address (family, a4 or a6) in net/len of that family? */
static bool
in_net(uint8_t nfamily, uint32_t net, const struct in6_addr *net6, uint8_t len, uint8_t family,
       uint32_t a4, const struct in6_addr *a6)
{
	if (is6(nfamily) != is6(family))
		return false;
	if (is6(family))
		return prefix6_has(net6, len, a6);
	return ((a4 ^ net) & mask_of(len)) == 0;
}

static bool
on_port_net(const struct cfg_port *p, uint8_t family, uint32_t a, const struct in6_addr *a6)
{
	for (unsigned i = 0; i < p->naddr; i++) {
		const struct ctl_addr *x = &p->addr[i];

		if (in_net(x->family, x->addr, &x->addr6, x->len, family, a, a6))
			return true;
	}
	return false;
}

/* Two ports on one network: the router could not tell which one a host of
 * it is on.  Reported at the later address; each family apart. */
static void
overlaps(struct loader *ld)
{
	const struct cfg *c = ld->c;
	char ip[CTL_ADDRSTRLEN], ip2[CTL_ADDRSTRLEN];

	for (unsigned i = 0; i < c->nports; i++)
		for (unsigned a = 0; a < c->port[i].naddr; a++) {
			const struct ctl_addr *x = &c->port[i].addr[a];

			/* fe80::/64 is on every link by design. */
			if (is6(x->family) && ip6_linklocal(&x->addr6))
				continue;
			for (unsigned j = 0; j < i; j++)
				for (unsigned b = 0; b < c->port[j].naddr; b++) {
					const struct ctl_addr *y = &c->port[j].addr[b];
					uint8_t m = x->len < y->len ? x->len : y->len;

					if (!in_net(y->family, y->addr, &y->addr6, m, x->family,
						    x->addr, &x->addr6))
						continue;
					err_at(ld, c->port[i].addr_line[a], "address %s/%u of port "
					       "\"%s\" overlaps %s/%u of port \"%s\" (line %d): two "
					       "ports on one network",
					       fmt_ip(x->family, x->addr, &x->addr6, ip), x->len,
					       c->port[i].name, fmt_ip(y->family, y->addr, &y->addr6, ip2),
					       y->len, c->port[j].name, c->port[j].addr_line[b]);
				}
		}
}

/* Could a be on a network of p (of any port when NULL) that a rejected
 * address of it meant?  Then an error about a would be a knock-on one. */
static bool
on_guess(const struct loader *ld, const struct cfg_port *p, uint8_t family, uint32_t a,
	 const struct in6_addr *a6)
{
	for (unsigned i = 0; i < ld->nguess; i++) {
		const struct guess *g = &ld->guess[i];

		if ((!p || !g->p || g->p == p) &&
		    (!g->family || in_net(g->family, g->addr, &g->addr6, g->len, family, a, a6)))
			return true;
	}
	return false;
}

/* What only the whole file can tell. */
static void
cross_check(struct loader *ld)
{
	struct cfg *c = ld->c;
	char ip[CTL_ADDRSTRLEN];

	for (unsigned i = 0; i < c->nports; i++) {
		if (!c->port[i].device[0] && !c->port[i].device_line)
			err_at(ld, c->port[i].line, "port \"%s\" has no device", c->port[i].name);
		/* Once, naming the first port that has it. */
		for (unsigned j = 0; j < i; j++) {
			char a[IF_NAMESIZE], b[IF_NAMESIZE];

			if (c->port[i].device[0] && !strcmp(c->port[i].device, c->port[j].device)) {
				err_at(ld, c->port[i].device_line, "device \"%s\" is already port "
				       "\"%s\"", c->port[i].device, c->port[j].name);
				break;
			}
			if (devargs_iface(c->port[i].device, a, sizeof(a)) &&
			    devargs_iface(c->port[j].device, b, sizeof(b)) && !strcmp(a, b)) {
				err_at(ld, c->port[i].device_line, "interface %s is already port "
				       "\"%s\"'s (line %d)", a, c->port[j].name,
				       c->port[j].device_line);
				break;
			}
		}
	}
	overlaps(ld);
	for (unsigned i = 0; i < c->nports; i++) {
		const struct cfg_port *p = &c->port[i];
		bool prefix = false;

		for (unsigned a = 0; a < p->naddr; a++)
			prefix |= is6(p->addr[a].family) && p->addr[a].len == 64 &&
				  !ip6_linklocal(&p->addr[a].addr6);
		if (p->ra && !prefix)
			warn_at(ld, p->ra_line, "port \"%s\" advertises no prefix (it has no global "
				"IPv6 /64): hosts get a default route but no address", p->name);
	}
	for (unsigned i = 0; i < c->nroutes; i++) {
		const struct ctl_route *r = &c->routes[i];
		const struct cfg_port *p = r->dev[0] ? cfg_port_find(c, r->dev) : NULL;
		bool on = false;

		if (r->dev[0] && !p) {
			if (!port_rejected(ld, r->dev))
				err_at(ld, c->route_line[i], "unknown port \"%s\"", r->dev);
			continue;
		}
		/* A link-local gateway is on its port's link (the grammar made
		 * sure there is one): no network to check. */
		if (is6(r->family) ? !ip6_unspec(&r->gw6) && !ip6_linklocal(&r->gw6) : r->gw != 0) {
			for (unsigned j = 0; j < c->nports && !on; j++)
				on = (!p || p == &c->port[j]) &&
				     on_port_net(&c->port[j], r->family, r->gw, &r->gw6);
			fmt_ip(r->family, r->gw, &r->gw6, ip);
			if (!on && p && !on_guess(ld, p, r->family, r->gw, &r->gw6))
				err_at(ld, c->route_line[i], "gateway %s is on no network of port "
				       "\"%s\"", ip, p->name);
			else if (!on && !p && !on_guess(ld, NULL, r->family, r->gw, &r->gw6))
				err_at(ld, c->route_line[i], "gateway %s is on no port's network", ip);
			/* As the dataplane refuses it: no host answers for it. */
			for (unsigned j = 0; j < c->nports && !is6(r->family); j++)
				for (unsigned a = 0; a < c->port[j].naddr; a++) {
					const struct ctl_addr *x = &c->port[j].addr[a];

					if (!is6(x->family) && x->len < 31 &&
					    (x->addr | ~mask_of(x->len)) == r->gw)
						err_at(ld, c->route_line[i], "gateway %s is the broadcast "
						       "address of a network of port \"%s\"", ip,
						       c->port[j].name);
				}
		}
		for (unsigned j = 0; j < i; j++)
			if (is6(c->routes[j].family) == is6(r->family) &&
			    (is6(r->family) ? !memcmp(&c->routes[j].dst6, &r->dst6, 16) :
			     c->routes[j].dst == r->dst) && c->routes[j].dst_len == r->dst_len &&
			    c->routes[j].metric == r->metric) {
				err_at(ld, c->route_line[i], "duplicate route (same prefix and metric "
				       "as line %d)", c->route_line[j]);
				break;
			}
	}
	for (unsigned i = 0; i < c->nneighs; i++) {
		if (!cfg_port_find(c, c->neighs[i].dev) && !port_rejected(ld, c->neighs[i].dev))
			err_at(ld, c->neigh_line[i], "unknown port \"%s\"", c->neighs[i].dev);
		for (unsigned j = 0; j < i; j++)
			if (neigh_addr_equal(&c->neighs[j], &c->neighs[i]) &&
			    !strcmp(c->neighs[j].dev, c->neighs[i].dev)) {
				err_at(ld, c->neigh_line[i], "duplicate neighbour (line %d)",
				       c->neigh_line[j]);
				break;
			}
	}
	for (unsigned i = 0; i < c->nrules; i++) {
		const struct ctl_natrule *r = &c->rules[i];
		bool on = false;

		/* The CLI refuses it ("NAT rule exists"); the file's copy is
		 * applied once, so a warning. */
		for (unsigned j = 0; j < i; j++)
			if (natrule_equal(&c->rules[j], r) && !strcmp(c->rules[j].port, r->port)) {
				warn_at(ld, c->rule_line[i], "duplicate NAT rule (line %d): applied once",
					c->rule_line[j]);
				break;
			}
		if (!cfg_port_find(c, r->port)) {
			if (!port_rejected(ld, r->port))
				err_at(ld, c->rule_line[i], "unknown port \"%s\"", r->port);
			continue;
		}
		/* A dnat target the router has no route to may be reached by a
		 * route added later (by the CLI): a warning, not an error. */
		if (r->kind != SLUICE_NAT_DNAT || on_guess(ld, NULL, AF_INET, r->addr_min, NULL))
			continue;
		for (unsigned j = 0; j < c->nports && !on; j++)
			on = on_port_net(&c->port[j], AF_INET, r->addr_min, NULL);
		if (!on)
			warn_at(ld, c->rule_line[i], "dnat target %s is on no port's network",
				fmt_ip4(r->addr_min, ip));
	}
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
	c->file = file;
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
	if (ld.read_errno) {
		fprintf(errf, "%s: %s\n", file, strerror(ld.read_errno));
		free(ld.errs);
		return -1;
	}
	if (r == -2)
		err_at(&ld, ld.line, "out of memory");
	cross_check(&ld);
	if (ld.nerrs > 1)
		qsort(ld.errs, ld.nerrs, sizeof(*ld.errs), cmp_err);
	for (unsigned i = 0; i < ld.nerrs; i++)
		fprintf(errf, "%s:%d: %s%s\n", file, ld.errs[i].line,
			ld.errs[i].warning ? "warning: " : "", ld.errs[i].msg);
	free(ld.errs);
	return (int)(ld.nerrs - ld.nwarnings);
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
