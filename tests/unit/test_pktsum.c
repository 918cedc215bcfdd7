/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The header lines of sluice capture and sluice trace (control/pktsum.c)
 * against tcpdump's own: each case in pktsum_cases.h is a frame scapy made
 * and the line `tcpdump -n -r` printed for it (the comments keep both;
 * pktsum_cases.py makes them again).  IPv6 with its ICMPv6 messages,
 * extension headers and truncations; IPv4's ICMP errors; TCP and UDP.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pktsum.h"

struct pktsum_case {
	uint32_t len;		/* the frame's length on the wire */
	const char *hex;	/* what was captured of it */
	const char *line;
};

#include "pktsum_cases.h"

static char *
summary(const struct pktsum_case *c)
{
	size_t cap = strlen(c->hex) / 2, n = 0;
	uint8_t *frame = malloc(cap + 1);
	char *out = NULL;
	FILE *f;

	assert_non_null(frame);
	for (size_t i = 0; i < cap; i++)
		assert_int_equal(sscanf(c->hex + 2 * i, "%2hhx", &frame[i]), 1);
	f = open_memstream(&out, &n);
	assert_non_null(f);
	pkt_summary(f, frame, (uint32_t)cap, c->len);
	fclose(f);
	free(frame);
	return out;
}

static void
check(const struct pktsum_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *got = summary(&cases[i]);

		if (strcmp(got, cases[i].line))
			print_error("case %zu:\n want \"%s\"\n got  \"%s\"\n", i, cases[i].line, got);
		assert_string_equal(got, cases[i].line);
		free(got);
	}
}

#define CHECK(t) check(t, sizeof(t) / sizeof(t[0]))

static void test_icmp6(void **s) { (void)s; CHECK(icmp6_cases); }
static void test_ip6(void **s) { (void)s; CHECK(ip6_cases); }
static void test_ip6_ext(void **s) { (void)s; CHECK(ext_cases); }
static void test_ip6_short(void **s) { (void)s; CHECK(short6_cases); }
static void test_icmp4(void **s) { (void)s; CHECK(icmp4_cases); }
static void test_ip4(void **s) { (void)s; CHECK(ip4_cases); }

/* What is neither IP nor ARP, and a frame shorter than Ethernet's header. */
static void
test_other(void **s)
{
	static const struct pktsum_case cases[] = {
		{ 60, "0200000000020200000000018847" "00000140", "ethertype 0x8847, length 60" },
		{ 12, "020000000002020000000001", "truncated frame, length 12" },
		/* ARP as before: tcpdump -n's "ARP, Request who-has 192.0.2.1
		 * tell 192.0.2.2, length 28". */
		{ 42, "ffffffffffff0200000000010806" "0001080006040001020000000001c0000202"
		      "000000000000c0000201", "ARP, Request who-has 192.0.2.1 tell 192.0.2.2, length 28" },
	};

	(void)s;
	CHECK(cases);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_icmp6),
		cmocka_unit_test(test_ip6),
		cmocka_unit_test(test_ip6_ext),
		cmocka_unit_test(test_ip6_short),
		cmocka_unit_test(test_icmp4),
		cmocka_unit_test(test_ip4),
		cmocka_unit_test(test_other),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
