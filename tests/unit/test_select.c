/* SPDX-License-Identifier: BSD-3-Clause */
/* Selectors of show and flush: each word of ip's SELECTOR, what each one
 * keeps of a table, and the message for every bad word. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "select.h"

static char err[CTL_ERRLEN];

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* s split into argv (kept until the next call); err emptied. */
static int
words(const char *s, char **argv)
{
	static char buf[256];

	snprintf(buf, sizeof(buf), "%s", s);
	err[0] = '\0';
	return tokenize(buf, argv, CTL_MAX_TOKENS);
}

static int
rsel(const char *s, struct route_sel *sel)
{
	char *argv[CTL_MAX_TOKENS];
	int argc = words(s, argv);

	return select_route(argc, argv, sel, err);
}

/* The table the route tests select from. */
static const struct ctl_route table[] = {
	{ .dst = 0, .dst_len = 0, .type = RTN_UNICAST, .protocol = RTPROT_BOOT,
	  .gw = IP(203, 0, 113, 1), .oif = 2 },
	{ .dst = IP(10, 0, 0, 0), .dst_len = 8, .type = RTN_UNICAST, .protocol = RTPROT_STATIC,
	  .gw = IP(192, 168, 1, 254), .oif = 1 },
	{ .dst = IP(10, 20, 0, 0), .dst_len = 16, .type = RTN_UNICAST,
	  .protocol = RTPROT_STATIC, .gw = IP(203, 0, 113, 1), .oif = 2 },
	{ .dst = IP(10, 20, 1, 0), .dst_len = 24, .type = RTN_UNICAST, .protocol = 12 /* bird */,
	  .gw = IP(203, 0, 113, 1), .oif = 2 },
	{ .dst = IP(10, 20, 2, 0), .dst_len = 24, .type = RTN_BLACKHOLE,
	  .protocol = RTPROT_STATIC },
	{ .dst = IP(192, 168, 1, 0), .dst_len = 24, .type = RTN_UNICAST,
	  .protocol = RTPROT_KERNEL, .scope = RT_SCOPE_LINK, .oif = 1 },
	{ .dst = IP(10, 20, 1, 7), .dst_len = 32, .type = RTN_UNICAST,
	  .protocol = RTPROT_STATIC, .scope = RT_SCOPE_LINK, .oif = 1 },
};
#define NROUTES (sizeof(table) / sizeof(table[0]))

/* The routes of the table s selects, as a bit per row (bit i = table[i]).
 * dev lan is index 1, wan 2. */
static unsigned
picked(const char *s)
{
	struct route_sel sel;
	unsigned bits = 0;

	assert_int_equal(rsel(s, &sel), 0);
	if (!strcmp(sel.dev, "lan"))
		sel.oif = 1;
	else if (!strcmp(sel.dev, "wan"))
		sel.oif = 2;
	for (unsigned i = 0; i < NROUTES; i++)
		if (route_selected(&sel, &table[i]))
			bits |= 1u << i;
	return bits;
}

#define R(i) (1u << (i))
#define ALL ((1u << NROUTES) - 1)

static void
test_route_prefix(void **state)
{
	(void)state;
	assert_int_equal(picked(""), ALL);
	/* A bare prefix, "to", "exact": that prefix only. */
	assert_int_equal(picked("10.20.0.0/16"), R(2));
	assert_int_equal(picked("to 10.20.0.0/16"), R(2));
	assert_int_equal(picked("exact 10.20.0.0/16"), R(2));
	assert_int_equal(picked("to exact 10.20.0.0/16"), R(2));
	assert_int_equal(picked("10.20.1.5/16"), R(2));	/* host bits do not matter */
	assert_int_equal(picked("10.20.1.7"), R(6));		/* a bare address is a /32 */
	assert_int_equal(picked("10.20.3.0/24"), 0);
	assert_int_equal(picked("default"), R(0));
	assert_int_equal(picked("0/0"), R(0));			/* as the route grammar */
	assert_int_equal(picked("root 0/0"), ALL);
	assert_int_equal(picked("table main"), ALL);		/* ip's words for the one table */
	assert_int_equal(picked("table all default"), R(0));
	/* root: inside the prefix, itself included. */
	assert_int_equal(picked("root 10.20.0.0/16"), R(2) | R(3) | R(4) | R(6));
	assert_int_equal(picked("to root 10.20.1.0/24"), R(3) | R(6));
	assert_int_equal(picked("root 10.0.0.0/8"), R(1) | R(2) | R(3) | R(4) | R(6));
	assert_int_equal(picked("root default"), ALL);
	assert_int_equal(picked("all"), ALL);
	/* match: covering the prefix, itself included. */
	assert_int_equal(picked("match 10.20.1.0/24"), R(0) | R(1) | R(2) | R(3));
	assert_int_equal(picked("to match 10.20.1.7"), R(0) | R(1) | R(2) | R(3) | R(6));
	assert_int_equal(picked("match 10.20.0.0/16"), R(0) | R(1) | R(2));
	assert_int_equal(picked("match 192.168.1.9"), R(0) | R(5));
	assert_int_equal(picked("match default"), R(0));
	/* root and match together: between the two. */
	assert_int_equal(picked("root 10.0.0.0/8 match 10.20.1.0/24"), R(1) | R(2) | R(3));
}

static void
test_route_other(void **state)
{
	(void)state;
	assert_int_equal(picked("dev lan"), R(1) | R(5) | R(6));
	assert_int_equal(picked("oif wan"), R(0) | R(2) | R(3));
	assert_int_equal(picked("proto static"), R(1) | R(2) | R(4) | R(6));
	assert_int_equal(picked("protocol kernel"), R(5));
	assert_int_equal(picked("proto boot"), R(0));
	assert_int_equal(picked("proto bird"), R(3));
	assert_int_equal(picked("proto 12"), R(3));
	assert_int_equal(picked("proto zebra"), 0);
	assert_int_equal(picked("proto all"), ALL);
	assert_int_equal(picked("type blackhole"), R(4));
	assert_int_equal(picked("type unicast"), ALL & ~R(4));
	assert_int_equal(picked("type local"), 0);
	assert_int_equal(picked("scope link"), R(5) | R(6));
	assert_int_equal(picked("scope global"), ALL & ~(R(5) | R(6)));
	assert_int_equal(picked("via 203.0.113.1"), R(0) | R(2) | R(3));
	assert_int_equal(picked("via 192.168.1.0/24"), R(1));
	/* Selectors add up. */
	assert_int_equal(picked("root 10.20.0.0/16 proto static"), R(2) | R(4) | R(6));
	assert_int_equal(picked("root 10.20.0.0/16 dev wan"), R(2) | R(3));
	assert_int_equal(picked("root 10.20.0.0/16 type blackhole"), R(4));
	assert_int_equal(picked("10.20.1.0/24 proto static"), 0);
}

static void
test_route_errors(void **state)
{
	static const struct { const char *in, *err; } bad[] = {
		{ "garbage", "unknown keyword \"garbage\"" },
		{ "10.20.0.0/16 garbage words", "unknown keyword \"garbage\"" },
		{ "dev lan extra", "unknown keyword \"extra\"" },
		{ "10.20.0.300/16", "invalid prefix \"10.20.0.300/16\"" },
		{ "to garbage", "invalid prefix \"garbage\"" },
		{ "root", "missing value after \"root\"" },
		{ "to", "missing value after \"to\"" },
		{ "dev", "missing value after \"dev\"" },
		{ "proto nope", "invalid protocol \"nope\"" },
		{ "proto 256", "invalid protocol \"256\"" },
		{ "type nope", "invalid route type \"nope\"" },
		{ "scope nope", "invalid scope \"nope\"" },
		{ "dev lan dev wan", "duplicate \"dev\"" },
		{ "proto static proto boot", "duplicate \"proto\"" },
		{ "10.0.0.0/8 10.20.0.0/16", "duplicate prefix \"10.20.0.0/16\"" },
		{ "root 10.0.0.0/8 root 10.20.0.0/16", "duplicate prefix \"10.20.0.0/16\"" },
		{ "match 10.0.0.0/8 10.20.0.0/16", "duplicate prefix \"10.20.0.0/16\"" },
		{ "dev a/b", "invalid port name \"a/b\"" },
		{ "table local", "table \"local\": sluice has one routing table, main" },
	};
	struct route_sel sel;

	(void)state;
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(rsel(bad[i].in, &sel), -1);
		assert_string_equal(err, bad[i].err);
	}
	assert_int_equal(rsel("root 10.0.0.0/8 match 10.20.1.0/24 dev lan", &sel), 0);
	assert_int_equal(sel.given, 3);
	assert_int_equal(rsel("", &sel), 0);
	assert_int_equal(sel.given, 0);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(rtprot_n2a(RTPROT_KERNEL), "kernel");
	assert_string_equal(rtprot_n2a(RTPROT_BOOT), "boot");
	assert_string_equal(rtprot_n2a(RTPROT_STATIC), "static");
	assert_string_equal(rtprot_n2a(186), "bgp");
	assert_null(rtprot_n2a(77));
	assert_string_equal(rtype_n2a(RTN_BLACKHOLE), "blackhole");
	assert_string_equal(rtype_n2a(RTN_UNICAST), "unicast");
	assert_string_equal(rtscope_n2a(RT_SCOPE_LINK), "link");
}

static int
nsel(const char *s, struct neigh_sel *sel)
{
	char *argv[CTL_MAX_TOKENS];
	int argc = words(s, argv);

	return select_neigh(argc, argv, sel, err);
}

static void
test_neigh(void **state)
{
	const struct ctl_neigh a = { .addr = IP(192, 168, 1, 10), .ifindex = 1,
				     .state = NUD_REACHABLE };
	const struct ctl_neigh b = { .addr = IP(203, 0, 113, 1), .ifindex = 2,
				     .state = NUD_PERMANENT };
	struct neigh_sel sel;

	(void)state;
	assert_int_equal(nsel("", &sel), 0);
	assert_true(neigh_selected(&sel, &a) && neigh_selected(&sel, &b));
	assert_int_equal(nsel("dev lan", &sel), 0);
	assert_string_equal(sel.dev, "lan");
	sel.ifindex = 1;
	assert_true(neigh_selected(&sel, &a));
	assert_false(neigh_selected(&sel, &b));
	assert_int_equal(nsel("203.0.113.1", &sel), 0);
	assert_false(neigh_selected(&sel, &a));
	assert_true(neigh_selected(&sel, &b));
	assert_int_equal(nsel("to 192.168.0.0/16", &sel), 0);
	assert_true(neigh_selected(&sel, &a));
	assert_false(neigh_selected(&sel, &b));
	assert_int_equal(nsel("nud permanent", &sel), 0);
	assert_false(neigh_selected(&sel, &a));
	assert_true(neigh_selected(&sel, &b));
	assert_int_equal(nsel("nud reachable nud permanent", &sel), 0);
	assert_true(neigh_selected(&sel, &a) && neigh_selected(&sel, &b));
	assert_int_equal(nsel("dev lan garbage", &sel), -1);
	assert_string_equal(err, "unknown keyword \"garbage\"");
	assert_int_equal(nsel("1.2.3.4 5.6.7.8", &sel), -1);
	assert_string_equal(err, "duplicate \"to\"");
	assert_int_equal(nsel("nud sleepy", &sel), -1);
	assert_string_equal(err, "invalid state \"sleepy\"");
}

static int
asel(const char *s, struct addr_sel *sel)
{
	char *argv[CTL_MAX_TOKENS];
	int argc = words(s, argv);

	return select_addr(argc, argv, sel, err);
}

static void
test_addr(void **state)
{
	const struct ctl_addr a = { .addr = IP(192, 168, 1, 1), .len = 24 };
	const struct ctl_addr b = { .addr = IP(10, 9, 0, 1), .len = 16 };
	struct addr_sel sel;

	(void)state;
	assert_int_equal(asel("", &sel), 0);
	assert_int_equal(sel.given, 0);
	assert_true(addr_selected(&sel, &a) && addr_selected(&sel, &b));
	assert_int_equal(asel("lan", &sel), 0);
	assert_string_equal(sel.dev, "lan");
	assert_int_equal(asel("dev lan", &sel), 0);
	assert_string_equal(sel.dev, "lan");
	assert_int_equal(asel("dev lan to 10.0.0.0/8", &sel), 0);
	assert_false(addr_selected(&sel, &a));
	assert_true(addr_selected(&sel, &b));
	assert_int_equal(asel("to 192.168.1.1", &sel), 0);
	assert_true(addr_selected(&sel, &a));
	assert_false(addr_selected(&sel, &b));
	assert_int_equal(asel("lan extra", &sel), -1);
	assert_string_equal(err, "unknown keyword \"extra\"");
	assert_int_equal(asel("dev lan wan", &sel), -1);
	assert_string_equal(err, "unknown keyword \"wan\"");
	assert_int_equal(asel("lan dev wan", &sel), -1);
	assert_string_equal(err, "duplicate \"dev\"");
	assert_int_equal(asel("to", &sel), -1);
	assert_string_equal(err, "missing value after \"to\"");
}

/* IPv6 routes: the same words, prefixes of 128 bits. */
static struct ctl_route
r6(const char *dst, uint8_t len, const char *gw, uint32_t oif, uint8_t proto)
{
	struct ctl_route r = { .family = AF_INET6, .dst_len = len, .type = RTN_UNICAST,
			       .protocol = proto, .oif = oif };

	assert_true(parse_ip6(dst, &r.dst6));
	if (gw)
		assert_true(parse_ip6(gw, &r.gw6));
	return r;
}

static void
test_route_ip6(void **state)
{
	struct ctl_route t[] = {
		r6("::", 0, "fe80::1", 2, RTPROT_BOOT),
		r6("2001:db8:99::", 48, "2001:db8:2::1", 2, RTPROT_STATIC),
		r6("2001:db8:99:1::", 64, "2001:db8:2::1", 2, RTPROT_STATIC),
		r6("2001:db8:1::", 64, NULL, 1, RTPROT_KERNEL),
		r6("2001:db8:99:1::7", 128, "2001:db8:1::9", 1, RTPROT_STATIC),
	};
	struct ctl_route v4 = table[0];	/* IPv4 default */
	struct route_sel sel;
	unsigned bits;

	(void)state;
#define PICK6(s) ({ assert_int_equal(rsel(s, &sel), 0); bits = 0; \
		    for (unsigned i = 0; i < 5; i++) bits |= route_selected(&sel, &t[i]) ? 1u << i : 0; \
		    bits; })
	assert_int_equal(PICK6(""), 0x1f);
	assert_int_equal(PICK6("2001:db8:99::/48"), R(1));
	assert_int_equal(PICK6("2001:db8:99:0:ffff::/48"), R(1));	/* host bits ignored */
	assert_int_equal(PICK6("2001:db8:99:1::7"), R(4));		/* a bare address: /128 */
	assert_int_equal(PICK6("root 2001:db8:99::/48"), R(1) | R(2) | R(4));
	assert_int_equal(PICK6("match 2001:db8:99:1::7"), R(0) | R(1) | R(2) | R(4));
	assert_int_equal(PICK6("match 2001:db8:99:2::/64"), R(0) | R(1));
	assert_int_equal(PICK6("default"), R(0));
	assert_int_equal(PICK6("::/0"), R(0));
	assert_int_equal(PICK6("all"), 0x1f);
	assert_int_equal(PICK6("via fe80::/10"), R(0));
	assert_int_equal(PICK6("via 2001:db8:2::1"), R(1) | R(2));
	assert_int_equal(PICK6("via 2001:db8:1::/64"), R(4));
	assert_int_equal(PICK6("proto kernel"), R(3));
	/* a prefix of one family never selects the other's routes */
	assert_int_equal(rsel("root 2001:db8::/32", &sel), 0);
	assert_false(route_selected(&sel, &v4));
	assert_int_equal(rsel("root 0.0.0.0/0", &sel), 0);
	assert_false(route_selected(&sel, &t[0]));
	assert_int_equal(rsel("via 203.0.113.0/24", &sel), 0);
	assert_false(route_selected(&sel, &t[1]));
	/* "default" and "all" fit both; the family of the listing decides */
	assert_int_equal(rsel("default", &sel), 0);
	assert_true(route_selected(&sel, &v4));
	assert_int_equal(route_sel_family(&sel, err), 0);
	assert_int_equal(rsel("root 2001:db8::/32 proto static", &sel), 0);
	assert_int_equal(route_sel_family(&sel, err), AF_INET6);
	assert_int_equal(rsel("via 10.0.0.1", &sel), 0);
	assert_int_equal(route_sel_family(&sel, err), AF_INET);
	assert_int_equal(rsel("root 2001:db8::/32 via 10.0.0.1", &sel), 0);
	assert_int_equal(route_sel_family(&sel, err), -1);
	assert_string_equal(err, "prefixes of both families in one selector");
	assert_int_equal(rsel("2001:db8::/129", &sel), -1);
	assert_string_equal(err, "invalid prefix \"2001:db8::/129\"");
#undef PICK6
}

static void
test_neigh_addr_ip6(void **state)
{
	struct ctl_neigh n6 = { .family = AF_INET6, .ifindex = 1, .state = NUD_STALE };
	const struct ctl_neigh n4 = { .addr = IP(192, 168, 1, 10), .ifindex = 1,
				      .state = NUD_REACHABLE };
	struct ctl_addr a6 = { .family = AF_INET6, .len = 64 }, ll = { .family = AF_INET6, .len = 64,
								      .scope = RT_SCOPE_LINK };
	const struct ctl_addr a4 = { .addr = IP(192, 168, 1, 1), .len = 24 };
	struct neigh_sel ns;
	struct addr_sel as;

	(void)state;
	parse_ip6("2001:db8:1::10", &n6.addr6);
	parse_ip6("2001:db8:1::1", &a6.addr6);
	parse_ip6("fe80::1", &ll.addr6);
	assert_int_equal(nsel("", &ns), 0);
	assert_true(neigh_selected(&ns, &n6) && neigh_selected(&ns, &n4));
	assert_int_equal(nsel("2001:db8:1::/64", &ns), 0);
	assert_true(neigh_selected(&ns, &n6));
	assert_false(neigh_selected(&ns, &n4));
	assert_int_equal(nsel("to 192.168.0.0/16 nud reachable", &ns), 0);
	assert_false(neigh_selected(&ns, &n6));
	assert_true(neigh_selected(&ns, &n4));
	assert_int_equal(nsel("2001:db8:1::10 nud stale", &ns), 0);
	assert_true(neigh_selected(&ns, &n6));

	assert_int_equal(asel("dev lan to 2001:db8::/32", &as), 0);
	assert_true(addr_selected(&as, &a6));
	assert_false(addr_selected(&as, &ll));
	assert_false(addr_selected(&as, &a4));
	assert_int_equal(asel("lan to fe80::/10", &as), 0);
	assert_true(addr_selected(&as, &ll));
	assert_false(addr_selected(&as, &a6));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_prefix),
		cmocka_unit_test(test_route_other),
		cmocka_unit_test(test_route_errors),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_neigh),
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_route_ip6),
		cmocka_unit_test(test_neigh_addr_ip6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
