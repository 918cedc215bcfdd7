/* SPDX-License-Identifier: BSD-3-Clause */
/* The shared grammar: every route, neighbour and NAT rule form, and the
 * message for every kind of bad token. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <net/if.h>
#include <cmocka.h>

#include "grammar.h"

static char err[CTL_ERRLEN];

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static int
route(const char *s, int mode, struct ctl_route *r)
{
	char buf[256], *argv[CTL_MAX_TOKENS];
	int argc;

	strcpy(buf, s);
	argc = tokenize(buf, argv, CTL_MAX_TOKENS);
	err[0] = '\0';
	return grammar_route(argc, argv, mode, r, err);
}

static int
neigh(const char *s, int mode, struct ctl_neigh *n)
{
	char buf[256], *argv[CTL_MAX_TOKENS];
	int argc;

	strcpy(buf, s);
	argc = tokenize(buf, argv, CTL_MAX_TOKENS);
	err[0] = '\0';
	return grammar_neigh(argc, argv, mode, n, err);
}

static int
nat(const char *s, struct ctl_natrule *r)
{
	char buf[256], *argv[CTL_MAX_TOKENS];
	int argc;

	strcpy(buf, s);
	argc = tokenize(buf, argv, CTL_MAX_TOKENS);
	err[0] = '\0';
	return grammar_natrule(argc, argv, r, err);
}

static void
test_tokens(void **state)
{
	uint32_t a;
	uint8_t len, mac[6];
	char buf[64] = "  route\tadd  10.0.0.0/8 # comment", *argv[4];

	(void)state;
	assert_true(parse_ip4("192.168.1.1", &a));
	assert_int_equal(a, IP(192, 168, 1, 1));
	assert_true(parse_ip4("0.0.0.0", &a));
	assert_false(parse_ip4("256.1.1.1", &a));
	assert_false(parse_ip4("1.2.3", &a));
	assert_false(parse_ip4("1.2.3.4.5", &a));
	assert_false(parse_ip4("1.2.3.4 ", &a));
	assert_false(parse_ip4("1..3.4", &a));
	assert_false(parse_ip4("0001.2.3.4", &a));
	assert_true(parse_prefix("10.1.0.0/16", &a, &len));
	assert_int_equal(len, 16);
	assert_true(parse_prefix("10.1.2.3", &a, &len));
	assert_int_equal(len, 32);
	assert_false(parse_prefix("10.1.2.3/", &a, &len));
	assert_false(parse_prefix("10.1.2.3/33", &a, &len));
	assert_true(parse_mac("02:aB:0c:00:00:ff", mac));
	assert_memory_equal(mac, "\x02\xab\x0c\x00\x00\xff", 6);
	assert_false(parse_mac("02:ab:0c:00:00", mac));
	assert_false(parse_mac("02:ab:0c:00:00:ff:", mac));
	assert_false(parse_mac("02-ab-0c-00-00-ff", mac));
	/* One digit a byte, as ip takes it. */
	assert_true(parse_mac("2:0:0:0:a:5", mac));
	assert_memory_equal(mac, "\x02\x00\x00\x00\x0a\x05", 6);
	assert_false(parse_mac("2:0:0:0:0:", mac));
	assert_false(parse_mac("2:0:0:0:0:123", mac));
	assert_false(parse_mac(":2:0:0:0:0", mac));
	assert_int_equal(tokenize(buf, argv, 4), 3);
	assert_string_equal(argv[0], "route");
	assert_string_equal(argv[2], "10.0.0.0/8");
	strcpy(buf, "a b c d e");
	assert_int_equal(tokenize(buf, argv, 4), -1);
}

static void
test_route_forms(void **state)
{
	struct ctl_route r;
	char buf[128];

	(void)state;
	assert_int_equal(route("default via 203.0.113.1", GRAMMAR_ADD, &r), 0);
	assert_int_equal(r.dst_len, 0);
	assert_int_equal(r.gw, IP(203, 0, 113, 1));
	assert_int_equal(r.type, RTN_UNICAST);
	assert_int_equal(r.scope, RT_SCOPE_UNIVERSE);
	assert_false(r.has_metric);

	assert_int_equal(route("10.20.0.0/16 via 192.168.1.254 dev lan metric 10", GRAMMAR_ADD, &r), 0);
	assert_int_equal(r.dst, IP(10, 20, 0, 0));
	assert_int_equal(r.dst_len, 16);
	assert_string_equal(r.dev, "lan");
	assert_int_equal(r.metric, 10);
	assert_true(r.has_metric);

	assert_int_equal(route("192.168.5.0/24 dev lan", GRAMMAR_ADD, &r), 0);
	assert_int_equal(r.gw, 0);
	assert_int_equal(r.scope, RT_SCOPE_LINK);

	assert_int_equal(route("10.9.0.0/16 blackhole metric 5", GRAMMAR_ADD, &r), 0);
	assert_int_equal(r.type, RTN_BLACKHOLE);
	assert_int_equal(r.metric, 5);
	assert_int_equal(route("blackhole 10.9.0.0/16", GRAMMAR_ADD, &r), 0);
	assert_int_equal(r.type, RTN_BLACKHOLE);
	assert_int_equal(r.dst, IP(10, 9, 0, 0));
	/* ip's other type words: unreachable (ICMP net unreachable), unicast. */
	assert_int_equal(route("unreachable 10.9.0.0/16", GRAMMAR_ADD, &r), 0);
	assert_int_equal(r.type, RTN_UNREACHABLE);
	assert_string_equal(fmt_route(&r, NULL, buf, sizeof(buf)), "unreachable 10.9.0.0/16");
	assert_int_equal(route("10.9.0.0/16 unreachable metric 3", GRAMMAR_ADD, &r), 0);
	assert_int_equal(r.type, RTN_UNREACHABLE);
	assert_int_equal(r.metric, 3);
	assert_int_equal(route("unicast 10.9.0.0/16 via 1.1.1.1", GRAMMAR_ADD, &r), 0);
	assert_int_equal(r.type, RTN_UNICAST);
	assert_int_equal(route("unreachable 10.9.0.0/16", GRAMMAR_DEL, &r), 0);
	assert_int_equal(r.type, RTN_UNREACHABLE);

	/* a bare address is a /32 */
	assert_int_equal(route("198.51.100.7 via 203.0.113.1", GRAMMAR_ADD, &r), 0);
	assert_int_equal(r.dst_len, 32);
	assert_int_equal(route("to 10.0.0.0/8 via 1.1.1.1", GRAMMAR_ADD, &r), 0);
	assert_int_equal(r.dst_len, 8);

	/* del takes a bare prefix */
	assert_int_equal(route("10.20.0.0/16", GRAMMAR_DEL, &r), 0);
	/* ip's main table, by name or number: the one there is. */
	assert_int_equal(route("10.20.0.0/16 via 192.168.1.254 table main", GRAMMAR_ADD, &r), 0);
	assert_int_equal(route("10.20.0.0/16 table 254", GRAMMAR_DEL, &r), 0);
	assert_int_equal(route("default", GRAMMAR_DEL, &r), 0);
}

static void
test_route_errors(void **state)
{
	static const struct { const char *in, *msg; } cases[] = {
		{ "", "missing destination prefix" },
		{ "10.0.0.0/8", "missing \"via GW\", \"dev NAME\" or \"blackhole\"" },
		{ "10.0.0.300/8 via 1.1.1.1", "invalid prefix \"10.0.0.300/8\"" },
		{ "10.0.0.1/8 via 1.1.1.1", "invalid prefix \"10.0.0.1/8\": host bits set" },
		{ "foo via 1.1.1.1", "invalid prefix \"foo\"" },
		{ "default via 1.1.1", "invalid gateway \"1.1.1\"" },
		{ "default via", "missing value after \"via\"" },
		{ "default via 1.1.1.1 metric -1", "invalid metric \"-1\"" },
		{ "default via 1.1.1.1 metric 4294967296", "invalid metric \"4294967296\"" },
		{ "default via 1.1.1.1 dev averyveryverylongname", "invalid port name \"averyveryverylongname\"" },
		{ "default via 1.1.1.1 via 1.1.1.2", "duplicate \"via\"" },
		{ "default via 1.1.1.1 dev a dev b", "duplicate \"dev\"" },
		{ "default via 1.1.1.1 metric 5 metric 6", "duplicate \"metric\"" },
		{ "default via 1.1.1.1 metric 5 priority 6", "duplicate \"metric\"" },
		{ "default via 1.1.1.1 table 5", "table \"5\": sluice has one routing table, main" },
		{ "default via 1.1.1.1 table all", "table \"all\": sluice has one routing table, main" },
		{ "10.0.0.0/8 blackhole via 1.1.1.1", "a blackhole route takes no \"via\"" },
		{ "10.0.0.0/8 blackhole dev lan", "a blackhole route takes no \"dev\"" },
		{ "unreachable 10.0.0.0/8 via 1.1.1.1", "an unreachable route takes no \"via\"" },
		{ "blackhole unreachable 10.0.0.0/8", "duplicate route type \"unreachable\"" },
		{ "prohibit 10.0.0.0/8",
		  "route type \"prohibit\" is not supported (unicast, blackhole, unreachable)" },
		{ "throw 10.0.0.0/8",
		  "route type \"throw\" is not supported (unicast, blackhole, unreachable)" },
	};
	struct ctl_route r;

	(void)state;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(route(cases[i].in, GRAMMAR_ADD, &r), -1);
		assert_string_equal(err, cases[i].msg);
	}
}

static void
test_neigh(void **state)
{
	struct ctl_neigh n;

	(void)state;
	assert_int_equal(neigh("192.168.1.50 lladdr 02:00:00:00:00:50 dev lan", GRAMMAR_ADD, &n), 0);
	assert_int_equal(n.addr, IP(192, 168, 1, 50));
	assert_memory_equal(n.lladdr, "\x02\x00\x00\x00\x00\x50", 6);
	assert_true(n.has_lladdr);
	assert_string_equal(n.dev, "lan");
	assert_int_equal(n.state, NUD_PERMANENT);
	assert_int_equal(neigh("192.168.1.50 dev lan", GRAMMAR_DEL, &n), 0);
	assert_false(n.has_lladdr);

	assert_int_equal(neigh("192.168.1.50 dev lan", GRAMMAR_ADD, &n), -1);
	assert_string_equal(err, "missing \"lladdr MAC\"");
	assert_int_equal(neigh("192.168.1.50 lladdr 02:00:00:00:00:50", GRAMMAR_ADD, &n), -1);
	assert_string_equal(err, "missing \"dev NAME\"");
	assert_int_equal(neigh("lladdr 02:00:00:00:00:50 dev lan", GRAMMAR_ADD, &n), -1);
	assert_string_equal(err, "missing address");
	assert_int_equal(neigh("192.168.1.500 lladdr 02:00:00:00:00:50 dev lan", GRAMMAR_ADD, &n), -1);
	assert_string_equal(err, "invalid address \"192.168.1.500\"");
	assert_int_equal(neigh("192.168.1.5 lladdr 02:00:00:00:00:5g dev lan", GRAMMAR_ADD, &n), -1);
	assert_string_equal(err, "invalid MAC address \"02:00:00:00:00:5g\"");
	assert_int_equal(neigh("192.168.1.5 lladdr 02:00:00:00:00:50 dev lan extra", GRAMMAR_ADD, &n), -1);
	assert_string_equal(err, "unknown keyword \"extra\"");
	assert_int_equal(neigh("192.168.1.5 dev", GRAMMAR_DEL, &n), -1);
	assert_string_equal(err, "missing value after \"dev\"");
}

static void
test_nat_forms(void **state)
{
	struct ctl_natrule r;
	char text[192];

	(void)state;
	assert_int_equal(nat("masquerade out wan", &r), 0);
	assert_int_equal(r.kind, SLUICE_NAT_MASQUERADE);
	assert_string_equal(r.port, "wan");
	assert_false(r.has_src);
	assert_int_equal(r.filter, SLUICE_NAT_FILTER_APDF);
	assert_string_equal(fmt_natrule(&r, "wan", text, sizeof(text)), "masquerade out wan");

	assert_int_equal(nat("masquerade out wan from 192.168.1.0/24 filter endpoint-independent", &r), 0);
	assert_true(r.has_src);
	assert_int_equal(r.src, IP(192, 168, 1, 0));
	assert_int_equal(r.src_len, 24);
	assert_int_equal(r.filter, SLUICE_NAT_FILTER_EIF);
	assert_string_equal(fmt_natrule(&r, "wan", text, sizeof(text)),
			    "masquerade out wan from 192.168.1.0/24 filter endpoint-independent");

	assert_int_equal(nat("snat from 10.0.0.0/8 out wan to 203.0.113.10-203.0.113.20 ports 1024-65535", &r), 0);
	assert_int_equal(r.kind, SLUICE_NAT_SNAT);
	assert_int_equal(r.addr_min, IP(203, 0, 113, 10));
	assert_int_equal(r.addr_max, IP(203, 0, 113, 20));
	assert_int_equal(r.port_min, 1024);
	assert_int_equal(r.port_max, 65535);
	assert_string_equal(fmt_natrule(&r, "wan", text, sizeof(text)),
			    "snat from 10.0.0.0/8 out wan to 203.0.113.10-203.0.113.20 ports 1024-65535");
	assert_int_equal(nat("snat from 10.0.0.0/8 out wan to 203.0.113.10", &r), 0);
	assert_int_equal(r.addr_max, r.addr_min);
	assert_int_equal(r.port_min, 0);

	assert_int_equal(nat("dnat in wan proto tcp dport 8080 to 192.168.1.10:80", &r), 0);
	assert_int_equal(r.kind, SLUICE_NAT_DNAT);
	assert_int_equal(r.proto, IPPROTO_TCP);
	assert_int_equal(r.dport_min, 8080);
	assert_int_equal(r.dport_max, 8080);
	assert_int_equal(r.addr_min, IP(192, 168, 1, 10));
	assert_int_equal(r.port_min, 80);
	assert_string_equal(fmt_natrule(&r, "wan", text, sizeof(text)),
			    "dnat in wan proto tcp dport 8080 to 192.168.1.10:80");
	assert_int_equal(nat("dnat in wan proto udp dport 5000-5010 to 192.168.1.10", &r), 0);
	assert_int_equal(r.proto, IPPROTO_UDP);
	assert_int_equal(r.dport_max, 5010);
	assert_int_equal(r.port_min, 0);
	/* Issue 5's grammar: a range to one port, every port of it to P. */
	assert_int_equal(nat("dnat in wan proto udp dport 9000-9002 to 192.168.1.10:7000", &r), 0);
	assert_int_equal(r.dport_min, 9000);
	assert_int_equal(r.dport_max, 9002);
	assert_int_equal(r.port_min, 7000);
	assert_int_equal(r.port_max, 7000);
	assert_string_equal(fmt_natrule(&r, "wan", text, sizeof(text)),
			    "dnat in wan proto udp dport 9000-9002 to 192.168.1.10:7000");
	assert_int_equal(nat("dnat in wan proto tcp dport 80 to 192.168.1.10 filter address-port-dependent", &r), 0);
}

static void
test_nat_errors(void **state)
{
	static const struct { const char *in, *msg; } cases[] = {
		{ "", "missing rule type (masquerade, snat or dnat)" },
		{ "redirect out wan", "unknown rule type \"redirect\" (masquerade, snat or dnat)" },
		{ "masquerade", "masquerade rule needs \"out\"" },
		{ "masquerade out", "missing value after \"out\"" },
		{ "masquerade out wan to 1.2.3.4", "unknown keyword \"to\" for masquerade" },
		{ "masquerade out wan out lan", "duplicate \"out\"" },
		{ "masquerade out wan from 10.0.0.1/8", "invalid prefix \"10.0.0.1/8\": host bits set" },
		{ "masquerade out wan filter full-cone", "invalid filter \"full-cone\" "
		  "(endpoint-independent or address-port-dependent)" },
		{ "snat out wan to 1.2.3.4", "snat rule needs \"from\"" },
		{ "snat from 10.0.0.0/8 out wan", "snat rule needs \"to\"" },
		{ "snat from 10.0.0.0/8 out wan to 1.2.3.9-1.2.3.4", "invalid address range \"1.2.3.9-1.2.3.4\"" },
		{ "snat from 10.0.0.0/8 out wan to 1.2.3", "invalid address \"1.2.3\"" },
		{ "snat from 10.0.0.0/8 out wan to 1.2.3.4 ports 2000-1000", "invalid port range \"2000-1000\"" },
		{ "snat from 10.0.0.0/8 out wan to 1.2.3.4 ports 0-100", "invalid port range \"0-100\"" },
		{ "snat from 10.0.0.0/8 out wan to 1.2.3.4 ports 1-65536", "invalid port range \"1-65536\"" },
		{ "dnat in wan proto tcp to 1.2.3.4", "dnat rule needs \"dport\"" },
		{ "dnat in wan dport 80 to 1.2.3.4", "dnat rule needs \"proto\"" },
		{ "dnat in wan proto sctp dport 80 to 1.2.3.4", "invalid protocol \"sctp\" (tcp or udp)" },
		{ "dnat in wan proto tcp dport x to 1.2.3.4", "invalid port \"x\"" },
		{ "dnat in wan proto tcp dport 80 to 1.2.3.4:0", "invalid port in \"1.2.3.4:0\"" },
		{ "dnat in wan proto tcp dport 80 to 1.2.3.4:99999", "invalid port in \"1.2.3.4:99999\"" },
		{ "dnat out wan proto tcp dport 80 to 1.2.3.4", "unknown keyword \"out\" for dnat" },
	};
	struct ctl_natrule r;

	(void)state;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(nat(cases[i].in, &r), -1);
		assert_string_equal(err, cases[i].msg);
	}
}

/* link set lines the grammar refuses, with its reason for each. */
static void
test_link_set_errors(void **state)
{
	static const char *const bad[][2] = {
		{ "lan mtu 1500 mtu 1400", "duplicate \"mtu\"" },
		{ "lan ra on ra off", "duplicate \"ra\"" },
		{ "lan host on host off", "duplicate \"host\"" },
		{ "lan mtu 67", "invalid mtu \"67\" (68..9000)" },
		{ "lan", "nothing to change (up, down, mtu N, host on|off or ra on|off)" },
		{ "lan host maybe", "invalid host \"maybe\" (on or off)" },
		{ "lan ra maybe", "invalid ra \"maybe\" (on or off)" },
	};
	char buf[128], *argv[CTL_MAX_TOKENS];
	struct ctl_link l;

	(void)state;
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int argc;

		strcpy(buf, bad[i][0]);
		argc = tokenize(buf, argv, CTL_MAX_TOKENS);
		assert_int_equal(grammar_link_set(argc, argv, &l, err), -1);
		assert_string_equal(err, bad[i][1]);
	}
}

static void
test_addr_link(void **state)
{
	char buf[128], *argv[CTL_MAX_TOKENS];
	struct ctl_addr a;
	struct ctl_link l;
	int argc;

	(void)state;
	strcpy(buf, "192.168.1.1/24 dev lan");
	argc = tokenize(buf, argv, CTL_MAX_TOKENS);
	assert_int_equal(grammar_addr(argc, argv, &a, err), 0);
	assert_int_equal(a.addr, IP(192, 168, 1, 1));
	assert_int_equal(a.len, 24);
	assert_string_equal(a.dev, "lan");
	strcpy(buf, "192.168.1.1/24");
	argc = tokenize(buf, argv, CTL_MAX_TOKENS);
	assert_int_equal(grammar_addr(argc, argv, &a, err), -1);
	assert_string_equal(err, "missing \"dev NAME\"");
	strcpy(buf, "192.168.1.1/40 dev lan");
	argc = tokenize(buf, argv, CTL_MAX_TOKENS);
	assert_int_equal(grammar_addr(argc, argv, &a, err), -1);
	assert_string_equal(err, "invalid address \"192.168.1.1/40\"");

	strcpy(buf, "lan up mtu 9000");
	argc = tokenize(buf, argv, CTL_MAX_TOKENS);
	assert_int_equal(grammar_link_set(argc, argv, &l, err), 0);
	assert_string_equal(l.name, "lan");
	assert_int_equal(l.change, IFF_UP);
	assert_int_equal(l.flags, IFF_UP);
	assert_int_equal(l.mtu, 9000);
	strcpy(buf, "dev lan down");
	argc = tokenize(buf, argv, CTL_MAX_TOKENS);
	assert_int_equal(grammar_link_set(argc, argv, &l, err), 0);
	assert_int_equal(l.flags, 0);
	assert_int_equal(l.change, IFF_UP);
	strcpy(buf, "lan host on");
	argc = tokenize(buf, argv, CTL_MAX_TOKENS);
	assert_int_equal(grammar_link_set(argc, argv, &l, err), 0);
	assert_true(l.has_host && l.host);
	assert_int_equal(l.change, 0);
	strcpy(buf, "lan host no");
	argc = tokenize(buf, argv, CTL_MAX_TOKENS);
	assert_int_equal(grammar_link_set(argc, argv, &l, err), 0);
	assert_true(l.has_host && !l.host);
	strcpy(buf, "lan ra on");
	argc = tokenize(buf, argv, CTL_MAX_TOKENS);
	assert_int_equal(grammar_link_set(argc, argv, &l, err), 0);
	assert_true(l.has_ra && l.ra);
	assert_int_equal(l.change, 0);
	strcpy(buf, "lan ra off mtu 1400");
	argc = tokenize(buf, argv, CTL_MAX_TOKENS);
	assert_int_equal(grammar_link_set(argc, argv, &l, err), 0);
	assert_true(l.has_ra && !l.ra);
	assert_int_equal(l.mtu, 1400);
	strcpy(buf, "lan ra yes");	/* parse_onoff's words, as host's */
	argc = tokenize(buf, argv, CTL_MAX_TOKENS);
	assert_int_equal(grammar_link_set(argc, argv, &l, err), 0);
	assert_true(l.has_ra && l.ra);
}

static void
test_fmt_route(void **state)
{
	struct ctl_route r;
	char buf[128];

	(void)state;
	assert_int_equal(route("10.20.0.0/16 via 192.168.1.254 metric 10", GRAMMAR_ADD, &r), 0);
	assert_string_equal(fmt_route(&r, NULL, buf, sizeof(buf)),
			    "10.20.0.0/16 via 192.168.1.254 metric 10");
	assert_int_equal(route("blackhole 10.9.0.0/16", GRAMMAR_ADD, &r), 0);
	assert_string_equal(fmt_route(&r, NULL, buf, sizeof(buf)), "blackhole 10.9.0.0/16");
	assert_int_equal(route("default via 1.2.3.4 dev wan", GRAMMAR_ADD, &r), 0);
	assert_string_equal(fmt_route(&r, "wan", buf, sizeof(buf)), "default via 1.2.3.4 dev wan");
}

/* One order of route table places for sluiced's reconciler and the kernel
 * mirror: IPv4 first, then by prefix, length and metric; the next hop, type
 * and device are no part of the place. */
static void
test_route_key_order(void **state)
{
	static const char *const sorted[] = {
		"default via 10.0.0.1",
		"10.0.0.0/8 via 10.0.0.1",
		"10.0.0.0/16 via 10.0.0.1",
		"10.0.0.0/16 via 10.0.0.1 metric 5",
		"10.1.0.0/16 via 10.0.0.1",
		"::/0 via 2001:db8::1",
		"2001:db8::/32 via 2001:db8::1 metric 1",
		"2001:db8::/32 via 2001:db8::1 metric 2",
		"2001:db8::/48 via 2001:db8::1",
		"2001:db9::/32 via 2001:db8::1",
	};
	enum { N = sizeof(sorted) / sizeof(sorted[0]) };
	struct ctl_route r[N], a, b;

	(void)state;
	for (int i = 0; i < N; i++)
		assert_int_equal(route(sorted[N - 1 - i], GRAMMAR_ADD, &r[i]), 0);
	qsort(r, N, sizeof(r[0]), ctl_route_key_cmp);
	for (int i = 0; i < N; i++) {
		assert_int_equal(route(sorted[i], GRAMMAR_ADD, &a), 0);
		assert_int_equal(ctl_route_key_cmp(&r[i], &a), 0);
		if (i > 0) {
			assert_true(ctl_route_key_cmp(&r[i - 1], &r[i]) < 0);
			assert_true(ctl_route_key_cmp(&r[i], &r[i - 1]) > 0);
		}
	}
	assert_int_equal(route("10.0.0.0/16 via 10.0.0.1 metric 5", GRAMMAR_ADD, &a), 0);
	assert_int_equal(route("blackhole 10.0.0.0/16 metric 5", GRAMMAR_ADD, &b), 0);
	assert_int_equal(ctl_route_key_cmp(&a, &b), 0);
	assert_int_equal(route("2001:db8::/32 via fe80::1 dev wan metric 2", GRAMMAR_ADD, &b), 0);
	assert_int_equal(ctl_route_key_cmp(&r[7], &b), 0);
}

/* IPv6 in the same grammar: the family comes from the words. */
static void
test_ip6_forms(void **state)
{
	struct ctl_route r;
	struct ctl_neigh n;
	struct in6_addr a6, want;
	uint32_t a4;
	uint8_t family, len;
	char buf[160], *argv[CTL_MAX_TOKENS];
	struct ctl_addr ad;
	int argc;

	(void)state;
	assert_true(parse_ip6("2001:db8:1::1", &a6));
	assert_memory_equal(a6.s6_addr, "\x20\x01\x0d\xb8\0\x01\0\0\0\0\0\0\0\0\0\x01", 16);
	assert_false(parse_ip6("2001:db8::1::2", &a6));
	assert_false(parse_ip6("fe80::1%eth0", &a6));
	assert_false(parse_ip6("2001:db8:1::g", &a6));
	assert_true(parse_prefix_af("2001:db8::/32", &family, &a4, &a6, &len));
	assert_int_equal(family, AF_INET6);
	assert_int_equal(len, 32);
	assert_true(parse_prefix_af("::1", &family, &a4, &a6, &len));
	assert_int_equal(len, 128);
	assert_false(parse_prefix_af("2001:db8::/129", &family, &a4, &a6, &len));
	assert_false(parse_prefix_af("2001:db8::/", &family, &a4, &a6, &len));
	assert_true(parse_prefix_af("10.0.0.0/8", &family, &a4, &a6, &len));
	assert_int_equal(family, AF_INET);
	assert_int_equal(a4, IP(10, 0, 0, 0));

	/* prefix arithmetic, at and around byte boundaries */
	parse_ip6("2001:db8:ff::", &want);
	parse_ip6("2001:db8:ff:abcd::1", &a6);
	assert_true(prefix6_has(&want, 48, &a6));
	assert_false(prefix6_has(&want, 49, &a6));	/* abcd: its first bit is 1 */
	parse_ip6("2001:db8:ff:8000::", &want);
	assert_true(prefix6_has(&want, 49, &a6));
	assert_true(prefix6_has(&want, 50, &a6));	/* 0xab = 10101011, 0x80 = 10000000 */
	assert_false(prefix6_has(&want, 51, &a6));
	prefix6_clear(&a6, 52);
	parse_ip6("2001:db8:ff:a000::", &want);
	assert_memory_equal(&a6, &want, 16);
	assert_false(prefix6_host_bits(&a6, 52));
	assert_false(prefix6_host_bits(&a6, 51));	/* a = 1010: the 51st bit is 1, the 52nd 0 */
	assert_true(prefix6_host_bits(&a6, 50));
	prefix6_clear(&a6, 0);
	assert_true(ip6_unspec(&a6));

	assert_int_equal(route("2001:db8:99::/48 via 2001:db8:2::1", GRAMMAR_ADD, &r), 0);
	assert_int_equal(r.family, AF_INET6);
	assert_int_equal(r.dst_len, 48);
	parse_ip6("2001:db8:99::", &want);
	assert_memory_equal(&r.dst6, &want, 16);
	parse_ip6("2001:db8:2::1", &want);
	assert_memory_equal(&r.gw6, &want, 16);
	assert_int_equal(r.gw, 0);
	assert_int_equal(r.scope, RT_SCOPE_UNIVERSE);
	/* Without a metric, 1024 as ip -6's: above a connected route's 256. */
	assert_int_equal(r.metric, SLUICE_IP6_METRIC_DEFAULT);
	assert_string_equal(fmt_route(&r, NULL, buf, sizeof(buf)),
			    "2001:db8:99::/48 via 2001:db8:2::1 metric 1024");
	/* A delete without one matches any metric. */
	assert_int_equal(route("2001:db8:99::/48 via 2001:db8:2::1", GRAMMAR_DEL, &r), 0);
	assert_int_equal(r.metric, 0);
	assert_false(r.has_metric);
	/* metric 0 is the kernel's 1024 for IPv6: the same add, and a
	 * delete of any metric. */
	assert_int_equal(route("2001:db8:99::/48 via 2001:db8:2::1 metric 0", GRAMMAR_ADD, &r), 0);
	assert_int_equal(r.metric, SLUICE_IP6_METRIC_DEFAULT);
	assert_int_equal(route("2001:db8:99::/48 metric 0", GRAMMAR_DEL, &r), 0);
	assert_int_equal(r.metric, 0);
	assert_false(r.has_metric);
	assert_int_equal(route("10.0.0.0/8 via 203.0.113.1 metric 0", GRAMMAR_DEL, &r), 0);
	assert_true(r.has_metric);

	/* ::/0 and "default" with an IPv6 gateway are the IPv6 default */
	assert_int_equal(route("::/0 via fe80::1 dev wan", GRAMMAR_ADD, &r), 0);
	assert_int_equal(r.family, AF_INET6);
	assert_int_equal(r.dst_len, 0);
	assert_string_equal(r.dev, "wan");
	assert_string_equal(fmt_route(&r, "wan", buf, sizeof(buf)), "default via fe80::1 dev wan metric 1024");
	assert_int_equal(route("default via 2001:db8:2::1 metric 5", GRAMMAR_ADD, &r), 0);
	assert_int_equal(r.family, AF_INET6);
	assert_int_equal(r.metric, 5);
	assert_int_equal(route("default via 203.0.113.1", GRAMMAR_ADD, &r), 0);
	assert_int_equal(r.family, AF_INET);

	/* without a gateway the IPv6 default prints as ::/0: "default" would read back as IPv4 */
	assert_int_equal(route("::/0 dev wan", GRAMMAR_ADD, &r), 0);
	assert_string_equal(fmt_route(&r, "wan", buf, sizeof(buf)), "::/0 dev wan metric 1024");
	assert_int_equal(route("blackhole 2001:db8:aa::/48 metric 7", GRAMMAR_ADD, &r), 0);
	assert_int_equal(r.type, RTN_BLACKHOLE);
	assert_int_equal(r.family, AF_INET6);
	assert_string_equal(fmt_route(&r, NULL, buf, sizeof(buf)), "blackhole 2001:db8:aa::/48 metric 7");
	assert_int_equal(route("2001:db8:5::/64 dev lan", GRAMMAR_ADD, &r), 0);
	assert_int_equal(r.scope, RT_SCOPE_LINK);
	assert_int_equal(route("2001:db8:5::7 via 2001:db8:1::9", GRAMMAR_ADD, &r), 0);
	assert_int_equal(r.dst_len, 128);
	assert_string_equal(fmt_route(&r, NULL, buf, sizeof(buf)),
			    "2001:db8:5::7 via 2001:db8:1::9 metric 1024");
	/* del: the link-local gateway narrows, no dev needed */
	assert_int_equal(route("::/0 via fe80::1", GRAMMAR_DEL, &r), 0);

	/* the family asked for (sluice -6) when the words name none */
	strcpy(buf, "default dev wan");
	argc = tokenize(buf, argv, CTL_MAX_TOKENS);
	assert_int_equal(grammar_route_af(argc, argv, GRAMMAR_ADD, AF_INET6, &r, err), 0);
	assert_int_equal(r.family, AF_INET6);
	assert_int_equal(grammar_route_af(argc, argv, GRAMMAR_ADD, AF_UNSPEC, &r, err), 0);
	assert_int_equal(r.family, AF_INET);
	strcpy(buf, "10.0.0.0/8 via 1.1.1.1");
	argc = tokenize(buf, argv, CTL_MAX_TOKENS);
	assert_int_equal(grammar_route_af(argc, argv, GRAMMAR_ADD, AF_INET6, &r, err), -1);
	assert_string_equal(err, "\"10.0.0.0/8\" is not an IPv6 prefix");
	strcpy(buf, "default via 2001:db8::1");
	argc = tokenize(buf, argv, CTL_MAX_TOKENS);
	assert_int_equal(grammar_route_af(argc, argv, GRAMMAR_ADD, AF_INET, &r, err), -1);
	assert_string_equal(err, "gateway \"2001:db8::1\" is not an IPv4 address");

	assert_int_equal(neigh("2001:db8:1::10 lladdr 02:00:00:00:00:10 dev lan", GRAMMAR_ADD, &n), 0);
	assert_int_equal(n.family, AF_INET6);
	parse_ip6("2001:db8:1::10", &want);
	assert_memory_equal(&n.addr6, &want, 16);
	assert_int_equal(n.addr, 0);
	assert_int_equal(neigh("fe80::10 dev lan", GRAMMAR_DEL, &n), 0);
	assert_int_equal(neigh("ff02::1 lladdr 02:00:00:00:00:10 dev lan", GRAMMAR_ADD, &n), -1);
	assert_string_equal(err, "invalid address \"ff02::1\"");
	assert_int_equal(neigh(":: lladdr 02:00:00:00:00:10 dev lan", GRAMMAR_ADD, &n), -1);
	assert_string_equal(err, "invalid address \"::\"");

	strcpy(buf, "2001:db8:1::1/64 dev lan");
	argc = tokenize(buf, argv, CTL_MAX_TOKENS);
	assert_int_equal(grammar_addr(argc, argv, &ad, err), 0);
	assert_int_equal(ad.family, AF_INET6);
	assert_int_equal(ad.len, 64);
	parse_ip6("2001:db8:1::1", &want);
	assert_memory_equal(&ad.addr6, &want, 16);
	strcpy(buf, "2001:db8:1::1 dev lan");
	argc = tokenize(buf, argv, CTL_MAX_TOKENS);
	assert_int_equal(grammar_addr(argc, argv, &ad, err), 0);
	assert_int_equal(ad.len, 128);
	strcpy(buf, "ff02::1/64 dev lan");
	argc = tokenize(buf, argv, CTL_MAX_TOKENS);
	assert_int_equal(grammar_addr(argc, argv, &ad, err), -1);
	assert_string_equal(err, "invalid address \"ff02::1/64\"");
	assert_true(addr_equal(&(struct ctl_addr){ .family = AF_INET6, .addr6 = want, .len = 64 },
			       &(struct ctl_addr){ .family = AF_INET6, .addr6 = want, .len = 64 }));
	assert_false(addr_equal(&(struct ctl_addr){ .family = AF_INET6, .len = 0 },
				&(struct ctl_addr){ .family = AF_INET, .len = 0 }));
}

static void
test_ip6_errors(void **state)
{
	static const struct { const char *in, *msg; } cases[] = {
		{ "2001:db8:99::/48 via fe80::1", "link-local gateway fe80::1 needs \"dev NAME\"" },
		{ "default via fe80::1", "link-local gateway fe80::1 needs \"dev NAME\"" },
		{ "2001:db8:99::1/48 via 2001:db8:2::1", "invalid prefix \"2001:db8:99::1/48\": host bits set" },
		{ "2001:db8:99::/129 via 2001:db8:2::1", "invalid prefix \"2001:db8:99::/129\"" },
		{ "2001:db8:99:::/48 via 2001:db8:2::1", "invalid prefix \"2001:db8:99:::/48\"" },
		{ "2001:db8:99::/48 via 203.0.113.1", "gateway \"203.0.113.1\" is not an IPv6 address" },
		{ "10.0.0.0/8 via 2001:db8:2::1", "gateway \"2001:db8:2::1\" is not an IPv4 address" },
		{ "2001:db8:99::/48 via ::", "invalid gateway \"::\"" },
		{ "2001:db8:99::/48 via ff02::2", "invalid gateway \"ff02::2\"" },
		{ "2001:db8:99::/48 via fe80::1%wan", "invalid gateway \"fe80::1%wan\"" },
		{ "2001:db8:99::/48 blackhole via 2001:db8:2::1", "a blackhole route takes no \"via\"" },
		{ "unreachable 2001:db8:99::/48",
		  "an IPv6 route cannot be unreachable (a blackhole drops without an error)" },
		{ "2001:db8:99::/48", "missing \"via GW\", \"dev NAME\" or \"blackhole\"" },
	};
	struct ctl_route r;

	(void)state;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(route(cases[i].in, GRAMMAR_ADD, &r), -1);
		assert_string_equal(err, cases[i].msg);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_route_forms),
		cmocka_unit_test(test_route_errors),
		cmocka_unit_test(test_neigh),
		cmocka_unit_test(test_nat_forms),
		cmocka_unit_test(test_nat_errors),
		cmocka_unit_test(test_addr_link),
		cmocka_unit_test(test_link_set_errors),
		cmocka_unit_test(test_fmt_route),
		cmocka_unit_test(test_route_key_order),
		cmocka_unit_test(test_ip6_forms),
		cmocka_unit_test(test_ip6_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
