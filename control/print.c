/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Output in the manner of iproute2: text lines like `ip`, JSON with `ip -j`
 * field names where ip has them (docs/cli.md lists every field).
 */
#include <string.h>
#include <netinet/in.h>
#include <linux/if.h>

#include "print.h"
#include "select.h"

void
names_add(struct ctl_names *t, uint32_t ifindex, const char *name)
{
	for (uint32_t i = 0; i < t->n; i++)
		if (t->e[i].ifindex == ifindex) {
			snprintf(t->e[i].name, SLUICE_IFNAMSIZ, "%s", name);
			return;
		}
	if (t->n == sizeof(t->e) / sizeof(t->e[0]))
		return;
	t->e[t->n].ifindex = ifindex;
	snprintf(t->e[t->n].name, SLUICE_IFNAMSIZ, "%s", name);
	t->n++;
}

const char *
names_get(const struct ctl_names *t, uint32_t ifindex, char *buf)
{
	for (uint32_t i = 0; t && i < t->n; i++)
		if (t->e[i].ifindex == ifindex)
			return t->e[i].name;
	snprintf(buf, 16, "if%u", ifindex);
	return buf;
}

uint32_t
names_find(const struct ctl_names *t, const char *name)
{
	for (uint32_t i = 0; i < t->n; i++)
		if (!strcmp(t->e[i].name, name))
			return t->e[i].ifindex;
	return 0;
}

/* JSON string with the escapes JSON requires. */
static void
jstr(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* "key":"value" with a leading comma unless first. */
static void
jkv(FILE *f, bool *first, const char *k, const char *v)
{
	fprintf(f, "%s\"%s\":", *first ? "" : ",", k);
	jstr(f, v);
	*first = false;
}

static void
jku(FILE *f, bool *first, const char *k, uint64_t v)
{
	fprintf(f, "%s\"%s\":%llu", *first ? "" : ",", k, (unsigned long long)v);
	*first = false;
}

void
pr_begin(struct printer *p)
{
	p->count = 0;
	if (p->json)
		fputc('[', p->f);
}

void
pr_end(struct printer *p)
{
	if (p->json)
		fputs("]\n", p->f);
}

static inline void
obj_begin(struct printer *p)
{
	if (p->json)
		fputs(p->count ? ",{" : "{", p->f);
	p->count++;
}

const char *
rtprot_name(uint8_t proto, char *buf)
{
	const char *s = rtprot_n2a(proto);

	if (s)
		return s;
	snprintf(buf, 12, "%u", proto);
	return buf;
}

static const char *
operstate_name(uint8_t s)
{
	return s == IF_OPER_UP ? "UP" : s == IF_OPER_DOWN ? "DOWN" : "UNKNOWN";
}

/* The flag words ip shows for an Ethernet port: NO-CARRIER first when
 * the port is up without a carrier, as print_link_flags does. */
static unsigned
link_flags(const struct ctl_link *l, const char *out[5])
{
	unsigned n = 0;

	if ((l->flags & IFF_UP) && !(l->flags & IFF_RUNNING) && l->operstate != IF_OPER_UP)
		out[n++] = "NO-CARRIER";
	out[n++] = "BROADCAST";
	out[n++] = "MULTICAST";
	if (l->flags & IFF_UP)
		out[n++] = "UP";
	if ((l->flags & IFF_UP) && ((l->flags & IFF_LOWER_UP) || l->operstate == IF_OPER_UP))
		out[n++] = "LOWER_UP";
	return n;
}

/* The fields links and `addr show` share. */
static void
link_head(struct printer *p, const struct ctl_link *l, bool *first)
{
	const char *fl[5];
	unsigned nf = link_flags(l, fl);
	char mac[18];
	FILE *f = p->f;

	fmt_mac(l->mac, mac);
	if (!p->json) {
		fprintf(f, "%u: %s: <", l->ifindex, l->name);
		for (unsigned i = 0; i < nf; i++)
			fprintf(f, "%s%s", i ? "," : "", fl[i]);
		fprintf(f, "> mtu %u state %s%s\n", l->mtu, operstate_name(l->operstate),
			l->ra ? " ra on" : l->ra_yielded ? " ra yielded" : "");
		fprintf(f, "    link/ether %s brd ff:ff:ff:ff:ff:ff", mac);
		if (l->device[0])
			fprintf(f, " parentdev %s", l->device);
		if (l->host)
			fprintf(f, " host %s", l->name);
		fputc('\n', f);
		return;
	}
	jku(f, first, "ifindex", l->ifindex);
	jkv(f, first, "ifname", l->name);
	fputs(",\"flags\":[", f);
	for (unsigned i = 0; i < nf; i++)
		fprintf(f, "%s\"%s\"", i ? "," : "", fl[i]);
	fputc(']', f);
	jku(f, first, "mtu", l->mtu);
	jkv(f, first, "operstate", operstate_name(l->operstate));
	jkv(f, first, "link_type", "ether");
	jkv(f, first, "address", mac);
	jkv(f, first, "broadcast", "ff:ff:ff:ff:ff:ff");
	if (l->device[0])
		jkv(f, first, "parentdev", l->device);
	if (l->host)
		jkv(f, first, "host", l->name);
	if (l->has_ra)
		fprintf(f, ",\"ra\":%s", l->ra ? "true" : "false");
	if (l->ra_yielded)
		fputs(",\"ra_yielded\":true", f);
}

/* Widen cols[] to fit each of the n values, as iproute2's size_columns. */
static void
stat_cols(unsigned cols[], unsigned n, const uint64_t v[])
{
	for (unsigned i = 0; i < n; i++) {
		unsigned len = 1;

		for (uint64_t x = v[i]; x > 9; x /= 10)
			len++;
		if (len > cols[i])
			cols[i] = len;
	}
}

static void
stat_row(FILE *f, const unsigned cols[], unsigned n, const uint64_t v[])
{
	fputs("    ", f);
	for (unsigned i = 0; i < n; i++)
		fprintf(f, "%*llu ", (int)cols[i], (unsigned long long)v[i]);
	fputc('\n', f);
}

/*
 * `ip -s link`'s counters: text in its table (missed is rx_missed_errors),
 * JSON with its -s field names plus -s -s's missed_errors, which the
 * device losses are.
 */
void
pr_link(struct printer *p, const struct ctl_link *l)
{
	const struct rtnl_link_stats64 *s = &l->stats;
	const uint64_t rx[6] = { s->rx_bytes, s->rx_packets, s->rx_errors, s->rx_dropped,
				 s->rx_missed_errors, s->multicast };
	const uint64_t tx[6] = { s->tx_bytes, s->tx_packets, s->tx_errors, s->tx_dropped,
				 s->tx_carrier_errors, s->collisions };
	/* iproute2's minimum widths: "*X errors:", "packets", "errors",
	 * "dropped", "heartbt", "overrun". */
	unsigned cols[6] = { 10, 7, 6, 7, 7, 7 };
	bool first = true;

	obj_begin(p);
	link_head(p, l, &first);
	if (!p->json) {
		stat_cols(cols, 6, rx);
		stat_cols(cols, 6, tx);
		fprintf(p->f, "    RX: %*s %*s %*s %*s %*s %*s %*s\n", (int)cols[0] - 4, "bytes",
			(int)cols[1], "packets", (int)cols[2], "errors", (int)cols[3], "dropped",
			(int)cols[4], "missed", (int)cols[5], "mcast", 10, "");
		stat_row(p->f, cols, 6, rx);
		fprintf(p->f, "    TX: %*s %*s %*s %*s %*s %*s %*s\n", (int)cols[0] - 4, "bytes",
			(int)cols[1], "packets", (int)cols[2], "errors", (int)cols[3], "dropped",
			(int)cols[4], "carrier", (int)cols[5], "collsns", 10, "");
		stat_row(p->f, cols, 6, tx);
		return;
	}
	fprintf(p->f, ",\"stats64\":{\"rx\":{\"bytes\":%llu,\"packets\":%llu,\"errors\":%llu,"
		"\"dropped\":%llu,\"over_errors\":%llu,\"multicast\":%llu,\"missed_errors\":%llu},"
		"\"tx\":{\"bytes\":%llu,\"packets\":%llu,\"errors\":%llu,\"dropped\":%llu,"
		"\"carrier_errors\":%llu,\"collisions\":%llu}}}",
		(unsigned long long)s->rx_bytes, (unsigned long long)s->rx_packets,
		(unsigned long long)s->rx_errors, (unsigned long long)s->rx_dropped,
		(unsigned long long)s->rx_over_errors, (unsigned long long)s->multicast,
		(unsigned long long)s->rx_missed_errors,
		(unsigned long long)s->tx_bytes, (unsigned long long)s->tx_packets,
		(unsigned long long)s->tx_errors, (unsigned long long)s->tx_dropped,
		(unsigned long long)s->tx_carrier_errors, (unsigned long long)s->collisions);
}

/* ip lists an interface's IPv4 addresses, then its global IPv6 ones, then
 * the link-local one (the kernel keeps them by scope). */
void
pr_link_addrs(struct printer *p, const struct ctl_link *l, const struct ctl_addr *a, unsigned n)
{
	char ip[CTL_ADDRSTRLEN];
	bool first = true, any = false;

	obj_begin(p);
	link_head(p, l, &first);
	if (p->json)
		fputs(",\"addr_info\":[", p->f);
	for (int pass = 0; pass < 3; pass++)
		for (unsigned i = 0; i < n; i++) {
			bool link = a[i].scope == RT_SCOPE_LINK, six = is6(a[i].family);
			const char *scope = link ? "link" : "global";
			bool f1 = true;

			if (pass != (!six ? 0 : link ? 2 : 1))
				continue;
			fmt_ip(a[i].family, a[i].addr, &a[i].addr6, ip);
			if (!p->json) {
				/* ip labels IPv4 addresses only. */
				if (six)
					fprintf(p->f, "    inet6 %s/%u scope %s%s\n", ip, a[i].len, scope,
						a[i].proto == SLUICE_IFAPROT_HOST ? " proto host" : "");
				else
					fprintf(p->f, "    inet %s/%u scope %s %s%s\n", ip, a[i].len, scope,
						a[i].proto == SLUICE_IFAPROT_HOST ? "proto host " : "",
						l->name);
				continue;
			}
			fputs(any ? ",{" : "{", p->f);
			any = true;
			jkv(p->f, &f1, "family", six ? "inet6" : "inet");
			jkv(p->f, &f1, "local", ip);
			jku(p->f, &f1, "prefixlen", a[i].len);
			jkv(p->f, &f1, "scope", scope);
			if (a[i].proto == SLUICE_IFAPROT_HOST)
				jkv(p->f, &f1, "protocol", "host");
			if (!six)
				jkv(p->f, &f1, "label", l->name);
			/* ip's: every address of sluice's lives forever. */
			jku(p->f, &f1, "valid_life_time", UINT32_MAX);
			jku(p->f, &f1, "preferred_life_time", UINT32_MAX);
			fputc('}', p->f);
		}
	if (p->json)
		fputs("]}", p->f);
}

static const char *
rtype_name(uint8_t t)
{
	const char *s = rtype_n2a(t);

	return s ? s : "unknown";
}

/* The gateway and preferred source of r as text, "" when it has none. */
static void
route_addrs(const struct ctl_route *r, char gw[CTL_ADDRSTRLEN], char src[CTL_ADDRSTRLEN])
{
	gw[0] = src[0] = '\0';
	if (is6(r->family) ? !ip6_unspec(&r->gw6) : r->gw != 0)
		fmt_ip(r->family, r->gw, &r->gw6, gw);
	if (is6(r->family) ? !ip6_unspec(&r->prefsrc6) : r->prefsrc != 0)
		fmt_ip(r->family, r->prefsrc, &r->prefsrc6, src);
}

/* The route's flags, last on its line or as its JSON object's last member
 * (closing it), as ip prints RTNH_F_LINKDOWN. */
static void
route_flags(FILE *f, const struct ctl_route *r, bool json)
{
	bool down = r->flags & RTNH_F_LINKDOWN;

	if (!json) {
		fputs(down ? " linkdown\n" : "\n", f);
		return;
	}
	fputs(down ? ",\"flags\":[\"linkdown\"]" : ",\"flags\":[]", f);
	/* ip -6 -j gives every IPv6 route its RFC 4191 preference; sluice's
	 * are all the default one. */
	fputs(is6(r->family) ? ",\"pref\":\"medium\"}" : "}", f);
}

void
pr_route(struct printer *p, const struct ctl_route *r)
{
	char dst[CTL_ADDRSTRLEN + 4], ip[CTL_ADDRSTRLEN], gw[CTL_ADDRSTRLEN], src[CTL_ADDRSTRLEN];
	char pb[12], ib[16];
	const char *dev = r->oif ? names_get(p->names, r->oif, ib) : NULL;
	FILE *f = p->f;
	bool first = true;

	route_addrs(r, gw, src);
	if (r->dst_len == 0)
		strcpy(dst, "default");
	else if (r->dst_len == (is6(r->family) ? 128 : 32))
		fmt_ip(r->family, r->dst, &r->dst6, dst);
	else
		snprintf(dst, sizeof(dst), "%s/%u", fmt_ip(r->family, r->dst, &r->dst6, ip),
			 r->dst_len);
	obj_begin(p);
	if (!p->json) {
		if (r->type != RTN_UNICAST)
			fprintf(f, "%s ", rtype_name(r->type));
		fputs(dst, f);
		if (gw[0])
			fprintf(f, " via %s", gw);
		if (dev)
			fprintf(f, " dev %s", dev);
		fprintf(f, " proto %s", rtprot_name(r->protocol, pb));
		if (r->scope == RT_SCOPE_LINK)
			fputs(" scope link", f);
		if (src[0])
			fprintf(f, " src %s", src);
		if (r->metric)
			fprintf(f, " metric %u", r->metric);
		route_flags(f, r, false);
		return;
	}
	jkv(f, &first, "type", rtype_name(r->type));
	jkv(f, &first, "dst", dst);
	if (gw[0])
		jkv(f, &first, "gateway", gw);
	if (dev)
		jkv(f, &first, "dev", dev);
	jkv(f, &first, "protocol", rtprot_name(r->protocol, pb));
	if (r->scope == RT_SCOPE_LINK)
		jkv(f, &first, "scope", "link");
	if (src[0])
		jkv(f, &first, "prefsrc", src);
	/* Always there (ip omits 0): scripts read r["metric"] without a guard. */
	jku(f, &first, "metric", r->metric);
	route_flags(f, r, true);
}

/* `route get`: the answer r for the address asked, d. */
static void
route_get(struct printer *p, const struct ctl_route *r, const char *d)
{
	char gw[CTL_ADDRSTRLEN], src[CTL_ADDRSTRLEN], ib[16];
	const char *dev = r->oif ? names_get(p->names, r->oif, ib) : NULL;
	FILE *f = p->f;
	bool first = true;

	route_addrs(r, gw, src);
	obj_begin(p);
	if (!p->json) {
		if (r->type != RTN_UNICAST)
			fprintf(f, "%s ", rtype_name(r->type));
		fputs(d, f);
		if (gw[0])
			fprintf(f, " via %s", gw);
		if (dev)
			fprintf(f, " dev %s", dev);
		if (src[0])
			fprintf(f, " src %s", src);
		route_flags(f, r, false);
		return;
	}
	jkv(f, &first, "type", rtype_name(r->type));
	jkv(f, &first, "dst", d);
	if (gw[0])
		jkv(f, &first, "gateway", gw);
	if (dev)
		jkv(f, &first, "dev", dev);
	if (src[0])
		jkv(f, &first, "prefsrc", src);
	/* ip -6 route get names the route's metric; ip -4's does not. */
	if (is6(r->family))
		jku(f, &first, "metric", r->metric);
	route_flags(f, r, true);
}

void
pr_route_get(struct printer *p, const struct ctl_route *r, uint32_t dst)
{
	char d[16];

	route_get(p, r, fmt_ip4(dst, d));
}

void
pr_route_get6(struct printer *p, const struct ctl_route *r, const struct in6_addr *dst)
{
	char d[CTL_ADDRSTRLEN];

	route_get(p, r, fmt_ip6(dst, d));
}

static const struct { uint16_t bit; const char *name; } nud_names[] = {
	{ NUD_INCOMPLETE, "INCOMPLETE" }, { NUD_REACHABLE, "REACHABLE" },
	{ NUD_STALE, "STALE" }, { NUD_DELAY, "DELAY" }, { NUD_PROBE, "PROBE" },
	{ NUD_FAILED, "FAILED" }, { NUD_NOARP, "NOARP" }, { NUD_PERMANENT, "PERMANENT" },
};

void
pr_neigh(struct printer *p, const struct ctl_neigh *n)
{
	char ip[CTL_ADDRSTRLEN], mac[18], ib[16];
	const char *dev = names_get(p->names, n->ifindex, ib);
	FILE *f = p->f;
	bool first = true, any = false;

	obj_begin(p);
	fmt_ip(n->family, n->addr, &n->addr6, ip);
	fmt_mac(n->lladdr, mac);
	if (!p->json) {
		fprintf(f, "%s dev %s", ip, dev);
		if (n->has_lladdr)
			fprintf(f, " lladdr %s", mac);
		for (unsigned i = 0; i < sizeof(nud_names) / sizeof(nud_names[0]); i++)
			if (n->state & nud_names[i].bit)
				fprintf(f, " %s", nud_names[i].name);
		fputc('\n', f);
		return;
	}
	jkv(f, &first, "dst", ip);
	jkv(f, &first, "dev", dev);
	if (n->has_lladdr)
		jkv(f, &first, "lladdr", mac);
	fputs(",\"state\":[", f);
	for (unsigned i = 0; i < sizeof(nud_names) / sizeof(nud_names[0]); i++)
		if (n->state & nud_names[i].bit) {
			fprintf(f, "%s\"%s\"", any ? "," : "", nud_names[i].name);
			any = true;
		}
	fputs("]}", f);
}

static const char *
natkind_name(uint8_t k)
{
	return k == SLUICE_NAT_MASQUERADE ? "masquerade" : k == SLUICE_NAT_SNAT ? "snat" :
	       k == SLUICE_NAT_DNAT ? "dnat" : "unknown";
}

void
pr_natrule(struct printer *p, const struct ctl_natrule *r)
{
	char ib[16], ip[16], text[192], pfx[24];
	const char *port = names_get(p->names, r->ifindex, ib);
	FILE *f = p->f;
	bool first = true;

	fmt_natrule(r, port, text, sizeof(text));
	obj_begin(p);
	if (!p->json) {
		fprintf(f, "%u: %s\n", r->id, text);
		return;
	}
	jku(f, &first, "id", r->id);
	jkv(f, &first, "kind", natkind_name(r->kind));
	jkv(f, &first, r->kind == SLUICE_NAT_DNAT ? "in" : "out", port);
	if (r->has_src) {
		snprintf(pfx, sizeof(pfx), "%s/%u", fmt_ip4(r->src, ip), r->src_len);
		jkv(f, &first, "from", pfx);
	}
	if (r->kind == SLUICE_NAT_SNAT) {
		jkv(f, &first, "to_addr_min", fmt_ip4(r->addr_min, ip));
		jkv(f, &first, "to_addr_max", fmt_ip4(r->addr_max, ip));
		if (r->port_min) {
			jku(f, &first, "to_port_min", r->port_min);
			jku(f, &first, "to_port_max", r->port_max);
		}
	} else if (r->kind == SLUICE_NAT_DNAT) {
		jkv(f, &first, "proto", r->proto == IPPROTO_UDP ? "udp" : "tcp");
		jku(f, &first, "dport_min", r->dport_min);
		jku(f, &first, "dport_max", r->dport_max);
		jkv(f, &first, "to_addr", fmt_ip4(r->addr_min, ip));
		if (r->port_min)
			jku(f, &first, "to_port", r->port_min);
	}
	jkv(f, &first, "filter", r->filter == SLUICE_NAT_FILTER_EIF ? "endpoint-independent" :
	    "address-port-dependent");
	jkv(f, &first, "rule", text);
	fputc('}', f);
}

static const char *
proto_name(uint8_t p, char *buf)
{
	switch (p) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case IPPROTO_ICMP: return "icmp";
	}
	snprintf(buf, 8, "%u", p);
	return buf;
}

static const char *
natstate_name(uint8_t s)
{
	static const char *const n[] = {
		[SLUICE_NAT_STATE_NONE] = "none",
		[SLUICE_NAT_STATE_SYN_SENT] = "syn_sent",
		[SLUICE_NAT_STATE_ESTABLISHED] = "established",
		[SLUICE_NAT_STATE_FIN_WAIT] = "fin_wait",
		[SLUICE_NAT_STATE_CLOSED] = "closed",
	};
	return s < sizeof(n) / sizeof(n[0]) ? n[s] : "unknown";
}

void
pr_natsess(struct printer *p, const struct ctl_natsess *s)
{
	char pb[8], a[16], b[16], c[16];
	FILE *f = p->f;
	bool first = true;

	obj_begin(p);
	fmt_ip4(s->in_addr, a);
	fmt_ip4(s->out_addr, b);
	fmt_ip4(s->rem_addr, c);
	if (!p->json && s->proto == IPPROTO_ICMP) {
		/* An echo has no ports: its identifier is translated as the
		 * source port would be (RFC 5508), written as conntrack does. */
		fprintf(f, "icmp inside %s id %u outside %s id %u remote %s state %s idle %u "
			"packets %llu\n", a, s->in_port, b, s->out_port, c,
			natstate_name(s->state), s->idle, (unsigned long long)s->packets);
		return;
	}
	if (!p->json) {
		fprintf(f, "%s inside %s:%u outside %s:%u remote %s:%u state %s idle %u packets %llu\n",
			proto_name(s->proto, pb), a, s->in_port, b, s->out_port, c, s->rem_port,
			natstate_name(s->state), s->idle, (unsigned long long)s->packets);
		return;
	}
	jkv(f, &first, "protocol", proto_name(s->proto, pb));
	jkv(f, &first, "inside_addr", a);
	jku(f, &first, "inside_port", s->in_port);
	jkv(f, &first, "outside_addr", b);
	jku(f, &first, "outside_port", s->out_port);
	jkv(f, &first, "remote_addr", c);
	jku(f, &first, "remote_port", s->rem_port);
	jkv(f, &first, "state", natstate_name(s->state));
	jku(f, &first, "idle", s->idle);
	jku(f, &first, "packets", s->packets);
	fputc('}', f);
}

/* Counters arrive group by group but possibly interleaved: collect, then
 * print each group once. */
#define STATS_MAX 128
static struct stat_ent {
	int group;
	char name[48];
	uint64_t value;
} stats[STATS_MAX];
static unsigned nstats;

void
pr_stats_begin(struct printer *p)
{
	(void)p;
	nstats = 0;
}

void
pr_stat(struct printer *p, int group, const char *name, uint64_t value)
{
	(void)p;
	if (nstats == STATS_MAX)
		return;
	stats[nstats].group = group;
	snprintf(stats[nstats].name, sizeof(stats[0].name), "%s", name);
	stats[nstats].value = value;
	nstats++;
}

void
pr_stats_end(struct printer *p)
{
	static const struct { int group; const char *name; } groups[] = {
		{ SLUICE_STATSA_DROP, "drops" },
		{ SLUICE_STATSA_NAT, "nat" },
		{ SLUICE_STATSA_POOL, "pool" },
		{ SLUICE_STATSA_CTL, "control" },
		{ SLUICE_STATSA_HOST, "host" },
	};
	FILE *f = p->f;

	if (p->json)
		fputc('{', f);
	for (unsigned g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		bool first = true;

		if (p->json)
			fprintf(f, "%s\"%s\":{", g ? "," : "", groups[g].name);
		else
			fprintf(f, "%s:\n", groups[g].name);
		for (unsigned i = 0; i < nstats; i++) {
			if (stats[i].group != groups[g].group)
				continue;
			if (p->json)
				jku(f, &first, stats[i].name, stats[i].value);
			else
				fprintf(f, "    %-24s %llu\n", stats[i].name,
					(unsigned long long)stats[i].value);
		}
		if (p->json)
			fputc('}', f);
	}
	if (p->json)
		fputs("}\n", f);
}
