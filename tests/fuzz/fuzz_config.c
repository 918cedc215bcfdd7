/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer: an input is an INI file loaded by cfg_load (through a memfd,
 * as sluiced would read a file) and, line by line, a command line for
 * every grammar parser.  Nothing may crash or leak (ASan's leak check),
 * errors must say where, and what the parsers accept must survive being
 * printed and parsed again (fmt_route, fmt_natrule are what `sluice`
 * shows and what `sluice ... add` takes back).
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/rtnetlink.h>

#include "config.h"
#include "fuzz_check.h"
#include "grammar.h"
#include "select.h"


static void
load(const uint8_t *data, size_t size)
{
	char path[64], *msg = NULL;
	size_t msglen = 0;
	struct cfg c;
	FILE *errf;
	int fd, ret;

	fd = memfd_create("fuzz.ini", MFD_CLOEXEC);
	FZ_CHECK(fd >= 0, "memfd_create");
	FZ_CHECK(write(fd, data, size) == (ssize_t)size, "write");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	errf = open_memstream(&msg, &msglen);
	FZ_CHECK(errf != NULL, "open_memstream");
	ret = cfg_load(path, &c, errf);
	fclose(errf);
	FZ_CHECK(ret >= 0, "cfg_load could not read its file: %s", msg);
	/* One "FILE:LINE: what" line per error; a file without errors may
	 * still say "FILE:LINE: warning: what" (an off-network dnat target,
	 * a device no driver of DPDK's names). */
	if (ret == 0) {
		for (const char *l = msg; l != NULL && *l != '\0'; l = strchr(l, '\n') + 1) {
			FZ_CHECK(strncmp(l, path, strlen(path)) == 0 && strchr(l, '\n') != NULL &&
				 strstr(l, ": warning: ") != NULL &&
				 strstr(l, ": warning: ") < strchr(l, '\n'),
				 "no error counted but said: %s", msg);
		}
		FZ_CHECK(c.nports <= SLUICE_MAX_PORTS, "%u ports", c.nports);
		for (unsigned int i = 0; i < c.nports; i++) {
			FZ_CHECK(c.port[i].naddr <= CFG_MAX_ADDRS, "%u addresses",
			      c.port[i].naddr);
			FZ_CHECK(memchr(c.port[i].name, '\0', sizeof(c.port[i].name)) != NULL,
			      "port name without NUL");
			FZ_CHECK(cfg_port_find(&c, c.port[i].name) != NULL, "port %s not found",
			      c.port[i].name);
		}
	} else {
		FZ_CHECK(msglen > 0 && strncmp(msg, path, strlen(path)) == 0,
		      "%d errors, message: %s", ret, msg ? msg : "(none)");
	}
	cfg_free(&c);
	free(msg);
	close(fd);
}

static void
route_round_trip(const struct ctl_route *r, const char *line)
{
	char buf[256], err[CTL_ERRLEN], *argv[CTL_MAX_TOKENS];
	struct ctl_route b;
	int n;

	fmt_route(r, r->dev, buf, sizeof(buf));
	n = tokenize(buf, argv, CTL_MAX_TOKENS);
	FZ_CHECK(n > 0, "route printed as nothing (from \"%s\")", line);
	FZ_CHECK(grammar_route(n, argv, GRAMMAR_ADD, &b, err) == 0,
	      "route \"%s\" printed from \"%s\" does not parse: %s", buf, line, err);
	FZ_CHECK(b.dst == r->dst && b.dst_len == r->dst_len && b.type == r->type &&
	      b.gw == r->gw && b.metric == r->metric && strcmp(b.dev, r->dev) == 0 &&
	      is6(b.family) == is6(r->family) && !memcmp(&b.dst6, &r->dst6, 16) &&
	      !memcmp(&b.gw6, &r->gw6, 16),
	      "route \"%s\" changed printed as \"%s\"", line, buf);
}

static void
natrule_round_trip(const struct ctl_natrule *r, const char *line)
{
	char buf[256], err[CTL_ERRLEN], *argv[CTL_MAX_TOKENS];
	struct ctl_natrule b;
	int n;

	fmt_natrule(r, r->port, buf, sizeof(buf));
	n = tokenize(buf, argv, CTL_MAX_TOKENS);
	FZ_CHECK(n > 0, "rule printed as nothing (from \"%s\")", line);
	FZ_CHECK(grammar_natrule(n, argv, &b, err) == 0,
	      "rule \"%s\" printed from \"%s\" does not parse: %s", buf, line, err);
	FZ_CHECK(natrule_equal(r, &b) && strcmp(r->port, b.port) == 0,
	      "rule \"%s\" changed printed as \"%s\"", line, buf);
}

/* Each parser on a fresh copy (tokenize writes into its line). */
static void
grammar_line(const char *line, size_t len)
{
	char copy[1024], work[1024], err[CTL_ERRLEN], *argv[CTL_MAX_TOKENS];
	union {
		struct ctl_route r;
		struct ctl_neigh n;
		struct ctl_natrule nr;
		struct ctl_addr a;
		struct ctl_link l;
		struct route_sel rs;
		struct neigh_sel ns;
		struct addr_sel as;
	} u;
	uint32_t ip, v;
	uint8_t plen, mac[6], family;
	struct in6_addr ip6;
	int n;

	if (len >= sizeof(copy))
		len = sizeof(copy) - 1;
	memcpy(copy, line, len);
	copy[len] = '\0';

#define TOKENS() (memcpy(work, copy, len + 1), n = tokenize(work, argv, CTL_MAX_TOKENS))
	if (TOKENS() < 0)
		return;
	if (n > 0) {
		parse_ip4(argv[0], &ip);
		parse_prefix(argv[0], &ip, &plen);
		parse_ip6(argv[0], &ip6);
		parse_prefix_af(argv[0], &family, &ip, &ip6, &plen);
		parse_mac(argv[0], mac);
		parse_u32(argv[0], UINT32_MAX, &v);
		parse_u32(argv[0], 65535, &v);
		parse_name(argv[0]);
	}
	err[0] = '\0';
	TOKENS();
	if (grammar_route(n, argv, GRAMMAR_ADD, &u.r, err) == 0)
		route_round_trip(&u.r, copy);
	else
		FZ_CHECK(err[0] != '\0', "route \"%s\" refused without a reason", copy);
	TOKENS();
	grammar_route(n, argv, GRAMMAR_DEL, &u.r, err);
	TOKENS();
	grammar_neigh(n, argv, GRAMMAR_ADD, &u.n, err);
	TOKENS();
	grammar_neigh(n, argv, GRAMMAR_DEL, &u.n, err);
	err[0] = '\0';
	TOKENS();
	if (grammar_natrule(n, argv, &u.nr, err) == 0)
		natrule_round_trip(&u.nr, copy);
	else
		FZ_CHECK(err[0] != '\0', "rule \"%s\" refused without a reason", copy);
	TOKENS();
	grammar_addr(n, argv, &u.a, err);
	TOKENS();
	grammar_link_set(n, argv, &u.l, err);
	/* The selectors of show and flush, and their matching. */
	TOKENS();
	if (select_route(n, argv, &u.rs, err) == 0) {
		struct ctl_route r = { .dst = 0x0a140100, .dst_len = 24, .type = RTN_UNICAST };
		struct ctl_route r6 = { .family = AF_INET6, .dst_len = 48, .type = RTN_UNICAST,
					.dst6 = { .s6_addr = { 0x20, 0x01, 0x0d, 0xb8 } } };

		route_selected(&u.rs, &r);
		route_selected(&u.rs, &r6);
		route_sel_family(&u.rs, err);
	}
	TOKENS();
	select_neigh(n, argv, &u.ns, err);
	TOKENS();
	select_addr(n, argv, &u.as, err);
#undef TOKENS
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;

	load(data, size);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (nl ? nl : end) - p;

		/* A line as the INI parser would see it: after "key =". */
		const char *eq = memchr(p, '=', len);

		grammar_line(p, len);
		if (eq != NULL)
			grammar_line(eq + 1, len - (size_t)(eq + 1 - p));
		p += len + 1;
	}
	return 0;
}
