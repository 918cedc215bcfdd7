/* SPDX-License-Identifier: BSD-3-Clause */
/* The INI loader: a good file's model, and every error as FILE:LINE. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "config.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static char path[64];
static char errbuf[8192];

/* Write text to a temporary file, load it; errors go to errbuf. */
/* Load len bytes of text (which may hold NULs) as a file. */
static int
load_bytes(const char *text, size_t len, struct cfg *c)
{
	FILE *ef = fmemopen(errbuf, sizeof(errbuf), "w");
	int fd, n;

	strcpy(path, "/tmp/sluice-test-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	memset(errbuf, 0, sizeof(errbuf));
	n = cfg_load(path, c, ef);
	fclose(ef);
	unlink(path);
	return n;
}

static int
load(const char *text, struct cfg *c)
{
	return load_bytes(text, strlen(text), c);
}

/* The error output must be exactly these lines (FILE: prefix added). */
static void
expect_errors(const char *const *lines, unsigned n)
{
	char want[8192] = "";

	for (unsigned i = 0; i < n; i++) {
		strcat(want, path);
		strcat(want, ":");
		strcat(want, lines[i]);
		strcat(want, "\n");
	}
	assert_string_equal(errbuf, want);
}

/* Loading len bytes of text counts nerrs errors and prints exactly the
 * nwant lines of want (warnings print but do not count). */
static void
load_bytes_expecting(const char *text, size_t len, int nerrs, const char *const *want, unsigned nwant)
{
	struct cfg c;

	assert_int_equal(load_bytes(text, len, &c), nerrs);
	expect_errors(want, nwant);
	cfg_free(&c);
}

static void
load_expecting(const char *text, int nerrs, const char *const *want, unsigned nwant)
{
	load_bytes_expecting(text, strlen(text), nerrs, want, nwant);
}

/* The common case: one line in error, and nothing else printed. */
static void
load_expecting_one(const char *text, const char *want)
{
	load_expecting(text, 1, &want, 1);
}

static const char good[] =
	"; the issue's example\n"
	"[dataplane]\n"
	"socket = /run/sluice/test.sock\n"
	"\n"
	"[port lan]\n"
	"device = net_af_packet0,iface=lan0\n"
	"address = 192.168.1.1/24          ; repeatable\n"
	"address = 10.1.0.1/16\n"
	"mtu = 1500                        ; optional\n"
	"mac = 02:00:00:00:00:01           ; optional override\n"
	"\n"
	"[port wan]\n"
	"  device = 0000:03:00.0\n"
	"  address = 203.0.113.2/24\n"
	"  host = yes\n"
	"\n"
	"[routes]\n"
	"route = default via 203.0.113.1\n"
	"route = 10.20.0.0/16 via 192.168.1.254 metric 10\n"
	"route = 10.9.0.0/16 blackhole\n"
	"route = 172.16.0.0/12 dev lan\n"
	"\n"
	"[neighbors]\n"
	"neigh = 192.168.1.50 lladdr 02:00:00:00:00:50 dev lan\n"
	"\n"
	"[nat]\n"
	"rule = masquerade out wan\n"
	"rule = dnat in wan proto tcp dport 8080 to 192.168.1.10:80\n"
	"timeout-udp = 180\n"
	"max-sessions = 1000000\n"
	"timeout-tcp-transitory = 1\n";

static void
test_good(void **state)
{
	struct cfg c;

	(void)state;
	assert_int_equal(load(good, &c), 0);
	assert_string_equal(errbuf, "");
	assert_string_equal(c.socket, "/run/sluice/test.sock");
	assert_int_equal(c.nports, 2);
	assert_string_equal(c.port[0].name, "lan");
	assert_string_equal(c.port[0].device, "net_af_packet0,iface=lan0");
	assert_int_equal(c.port[0].naddr, 2);
	assert_int_equal(c.port[0].addr[0].addr, IP(192, 168, 1, 1));
	assert_int_equal(c.port[0].addr[0].len, 24);
	assert_int_equal(c.port[0].addr[1].addr, IP(10, 1, 0, 1));
	assert_int_equal(c.port[0].mtu, 1500);
	assert_true(c.port[0].has_mac);
	assert_memory_equal(c.port[0].mac, "\x02\0\0\0\0\x01", 6);
	assert_int_equal(c.port[0].line, 5);
	assert_string_equal(c.port[1].name, "wan");
	assert_string_equal(c.port[1].device, "0000:03:00.0");
	assert_int_equal(c.port[1].mtu, 0);
	assert_false(c.port[1].has_mac);
	assert_false(c.port[0].host);
	assert_true(c.port[1].host);
	assert_int_equal(c.port[1].host_line, 15);

	assert_int_equal(c.nroutes, 4);
	assert_int_equal(c.routes[0].dst_len, 0);
	assert_int_equal(c.routes[0].gw, IP(203, 0, 113, 1));
	assert_int_equal(c.routes[0].protocol, SLUICE_RTPROT_CONFIG);
	assert_int_equal(c.route_line[0], 18);
	assert_int_equal(c.routes[1].metric, 10);
	assert_int_equal(c.routes[2].type, RTN_BLACKHOLE);
	assert_string_equal(c.routes[3].dev, "lan");

	assert_int_equal(c.nneighs, 1);
	assert_int_equal(c.neighs[0].addr, IP(192, 168, 1, 50));
	assert_string_equal(c.neighs[0].dev, "lan");

	assert_int_equal(c.nrules, 2);
	assert_int_equal(c.rules[0].kind, SLUICE_NAT_MASQUERADE);
	assert_int_equal(c.rules[1].kind, SLUICE_NAT_DNAT);
	assert_int_equal(c.rules[1].port_min, 80);
	assert_int_equal(c.natconf.v[SLUICE_NATC_TIMEOUT_UDP], 180);
	assert_int_equal(c.natconf.v[SLUICE_NATC_MAX_SESSIONS], 1000000);
	assert_int_equal(c.natconf.v[SLUICE_NATC_TIMEOUT_TCP_EST], SLUICE_NAT_TIMEOUT_TCP_EST_DEFAULT);
	assert_int_equal(c.natconf.v[SLUICE_NATC_TIMEOUT_ICMP], SLUICE_NAT_TIMEOUT_ICMP_DEFAULT);
	assert_int_equal(c.natconf.v[SLUICE_NATC_TIMEOUT_TCP_TRANS], 1);	/* RFC 7857: below 4 min */
	cfg_free(&c);
}

/* One bad line in an otherwise good file: exactly one error, at line 5
 * where the bad line lands under its section header. */
static void
one_error(const char *section, const char *line, const char *msg)
{
	char text[1024], want[512];

	snprintf(text, sizeof(text),
		 "[port lan]\n"
		 "device = net_null0\n"
		 "address = 192.168.1.1/24\n"
		 "%s\n"
		 "%s\n"
		 "%s\n", section, line,
		 strncmp(section, "[port", 5) || !strncmp(line, "device", 6) ? "" : "device = net_null9");
	snprintf(want, sizeof(want), "5: %s", msg);
	load_expecting_one(text, want);
}

static void
test_each_error(void **state)
{
	static const struct { const char *section, *line, *msg; } bad[] = {
		{ "[port wan]", "address = 203.0.113.300/24", "invalid address \"203.0.113.300/24\" (A.B.C.D/N)" },
		{ "[port wan]", "mtu = 67", "MTU \"67\" out of range (68..9000)" },
		{ "[port wan]", "mtu = 9001", "MTU \"9001\" out of range (68..9000)" },
		{ "[port wan]", "mac = 02:00:00:00:00", "invalid MAC address \"02:00:00:00:00\"" },
		{ "[port wan]", "mac = 01:00:5e:00:00:01", "invalid MAC address \"01:00:5e:00:00:01\"" },
		{ "[port wan]", "speed = 10", "unknown key \"speed\" in [port wan]" },
		{ "[port wan]", "host = maybe", "invalid host \"maybe\" (yes or no)" },
		{ "[port lan2]", "device = net_null0", "device \"net_null0\" is already port \"lan\"" },
		{ "[dataplane]", "sockets = /x", "unknown key \"sockets\" in [dataplane]" },
		{ "[routes]", "route = 10.0.0.0/8 via 10.1.1.1", "gateway 10.1.1.1 is on no port's network" },
		{ "[routes]", "route = 10.0.0.0/8 via 192.168.1.255",
		  "gateway 192.168.1.255 is the broadcast address of a network of port \"lan\"" },
		{ "[routes]", "route = 10.0.0.0/8 via 192.168.1.9 dev wan", "unknown port \"wan\"" },
		{ "[routes]", "route = 10.0.0.300/8 via 192.168.1.9", "invalid prefix \"10.0.0.300/8\"" },
		{ "[routes]", "route = 10.0.0.0/8 via 192.168.1.9 metric many", "invalid metric \"many\"" },
		{ "[routes]", "routes = 10.0.0.0/8 via 192.168.1.9", "unknown key \"routes\" in [routes] (route = ...)" },
		{ "[neighbors]", "neigh = 192.168.1.5 lladdr 02:00:00:00:00:5g dev lan", "invalid MAC address \"02:00:00:00:00:5g\"" },
		{ "[neighbors]", "neigh = 192.168.1.5 lladdr 02:00:00:00:00:05 dev wan", "unknown port \"wan\"" },
		{ "[neighbors]", "neigh = 192.168.1.5 lladdr 01:00:00:00:00:50 dev lan",
		  "lladdr 01:00:00:00:00:50 is multicast: no neighbour has it" },
		{ "[neighbors]", "neigh = 192.168.1.5 lladdr 00:00:00:00:00:00 dev lan",
		  "lladdr 00:00:00:00:00:00 is zero: no neighbour has it" },
		{ "[neighbors]", "neigh = 192.168.1.256 lladdr 02:00:00:00:00:05 dev lan", "invalid address \"192.168.1.256\"" },
		{ "[nat]", "rule = masquerade out wan", "unknown port \"wan\"" },
		{ "[nat]", "rule = dnat in lan proto tcp dport 80 to 1.2.3.4:70000", "invalid port in \"1.2.3.4:70000\"" },
		{ "[nat]", "timeout-udp = 119", "timeout-udp 119 is below the minimum of 120" },
		{ "[nat]", "timeout-icmp = 59", "timeout-icmp 59 is below the minimum of 60" },
		{ "[nat]", "timeout-tcp-established = 7439",
		  "timeout-tcp-established 7439 is below the minimum of 7440" },
		{ "[nat]", "timeout-tcp-established = x", "invalid timeout-tcp-established \"x\"" },
		{ "[nat]", "max-sessions = 0", "max-sessions 0 is below the minimum of 1" },
		{ "[nat]", "timeout-tcp-transitory = 0",
		  "timeout-tcp-transitory 0 is below the minimum of 1" },
		{ "[nat]", "timeout = 5", "unknown key \"timeout\" in [nat]" },
		{ "[nat]", "rule = masquerade out lan from 10.0.0.1/8", "invalid prefix \"10.0.0.1/8\": host bits set" },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(bad); i++)
		one_error(bad[i].section, bad[i].line, bad[i].msg);
}

static void
test_duplicate_port_and_sections(void **state)
{
	static const char text[] =
		"[port lan]\n"			/* 1 */
		"device = net_null0\n"
		"address = 192.168.1.1/24\n"
		"[port lan]\n"			/* 4 */
		"device = net_null1\n"
		"[port]\n"			/* 6 */
		"[interfaces]\n"		/* 7 */
		"foo = bar\n"			/* 8: no second error */
		"[port wan]\n"			/* 9: no device */
		"address = 10.0.0.1/8\n"
		"this is not a key value\n"	/* 11 */
		"[routes\n";			/* 12 */
	static const char *const want[] = {
		"4: duplicate port \"lan\"",
		"6: [port] needs a name: [port NAME]",
		"7: unknown section [interfaces]",
		"9: port \"wan\" has no device",
		"11: syntax error: expected key = value",
		"12: syntax error: a section header is [name]",
	};

	(void)state;
	load_expecting(text, 6, want, N_ELEMS(want));
}

/* Several errors, all reported, in line order even when found in
 * different passes (the gateway check runs after the whole file). */
static void
test_several_errors(void **state)
{
	static const char text[] =
		"[routes]\n"
		"route = default via 203.0.113.1\n"		/* 2: gw on no network */
		"route = 10.0.0.0/8 via 192.168.1.254 metric x\n"	/* 3 */
		"[port lan]\n"
		"device = net_null0\n"
		"address = 192.168.1.1/24\n"
		"mtu = 100000\n"				/* 7 */
		"mtu = 1500\n"					/* 8: duplicate */
		"[nat]\n"
		"timeout-udp = 60\n"				/* 10 */
		"rule = snat from 10.0.0.0/8 out lan\n";	/* 11 */
	static const char *const want[] = {
		"2: gateway 203.0.113.1 is on no port's network",
		"3: invalid metric \"x\"",
		"7: MTU \"100000\" out of range (68..9000)",
		"8: duplicate key \"mtu\" in [port lan]",
		"10: timeout-udp 60 is below the minimum of 120",
		"11: snat rule needs \"to\"",
	};

	(void)state;
	load_expecting(text, 6, want, N_ELEMS(want));
}

/* What --check misses no more (issue 9): warnings that leave the file
 * good, errors where two ports share a network, '#' comments after a
 * value, no knock-on errors, device strings that cannot be right. */
static void
test_check_gaps(void **state)
{
	static const char warns[] =
		"[port lan] ; the inside\n"			/* 1 */
		"device = net_af_packet0,iface=veth0 # lan\n"
		"address = 192.168.10.1\n"			/* 3: bare, /32 */
		"[port wan]\n"
		"device = net_mything0\n"			/* 5: unknown driver */
		"address = 203.0.113.2/24 # uplink\n"
		"[routes]\n"
		"route = default via 203.0.113.1 # the ISP\n"
		"[nat]\n"
		"rule = dnat in wan proto tcp dport 80 to 10.9.9.9\n"	/* 10 */
		"rule = masquerade out wan\n"
		"rule = masquerade out wan\n";			/* 12: the same */
	static const char *const want_warns[] = {
		"3: warning: address 192.168.10.1 has no prefix length: taken as "
		"192.168.10.1/32, a network of one address (write A.B.C.D/N)",
		"5: warning: device \"net_mything0\": \"net_mything0\" is not one of DPDK "
		"22.11's virtual network drivers",
		"10: warning: dnat target 10.9.9.9 is on no port's network",
		"12: warning: duplicate NAT rule (line 11): applied once",
	};
	static const char errs[] =
		"[port lan]\n"
		"device = net_null0\n"
		"address = 192.168.1.1/24\n"
		"[port dmz]\n"
		"device = x\n"					/* 5 */
		"address = 192.168.1.200/25\n"			/* 6: lan's network */
		"[port wan]\n"
		"device = 0000:99:00\n"				/* 8 */
		"address = 203.0.113.2/24 uplink\n"		/* 9: and no knock-on */
		"[port a-very-long-name]\n"			/* 10 */
		"device = net_null0,rxq\n"			/* 11 */
		"[routes]\n"
		"route = default via 203.0.113.1 dev wan\n"	/* 13: knock-on of 9 */
		"route = 10.0.0.0/8 via 192.168.2.1 dev lan\n"	/* 14 */
		"[nat]\n"
		"rule = masquerade out a-very-long-name\n";	/* 16: knock-on of 10 */
	static const char *const want_errs[] = {
		"5: invalid device \"x\": neither a PCI address (0000:01:00.0) nor a virtual "
		"device (net_<driver><N>[,key=value...])",
		"6: address 192.168.1.200/25 of port \"dmz\" overlaps 192.168.1.1/24 of port "
		"\"lan\" (line 3): two ports on one network",
		"8: invalid device \"0000:99:00\": a PCI address is DDDD:BB:DD.F (e.g. 0000:01:00.0)",
		"9: invalid address \"203.0.113.2/24 uplink\" (A.B.C.D/N)",
		"10: port name \"a-very-long-name\" is longer than 15 characters",
		"14: gateway 192.168.2.1 is on no network of port \"lan\"",
	};
	struct cfg c;

	(void)state;
	assert_int_equal(load(warns, &c), 0);
	expect_errors(want_warns, 4);
	assert_int_equal(c.nports, 2);
	assert_int_equal(c.port[0].addr[0].len, 32);
	assert_int_equal(c.port[1].addr[0].addr, IP(203, 0, 113, 2));
	assert_string_equal(c.port[0].device, "net_af_packet0,iface=veth0");
	assert_int_equal(c.routes[0].gw, IP(203, 0, 113, 1));
	/* reconcile's log names these lines */
	assert_int_equal(c.port[0].device_line, 2);
	assert_int_equal(c.port[0].addr_line[0], 3);
	cfg_free(&c);

	load_expecting(errs, 6, want_errs, N_ELEMS(want_errs));
}

/* Both families in one file: several address lines of either, IPv6
 * routes and neighbours, ra; each family checked apart. */
static void
test_ip6(void **state)
{
	static const char text[] =
		"[port lan]\n"
		"device = net_null0\n"
		"address = 192.168.1.1/24\n"
		"address = 2001:db8:1::1/64\n"
		"address = 2001:db8:1:1::1/64\n"
		"ra = yes\n"					/* 6 */
		"[port wan]\n"
		"device = net_null1\n"
		"address = 203.0.113.2/24\n"
		"address = 2001:db8:2::2/64\n"
		"ra = no\n"
		"[routes]\n"
		"route = default via 2001:db8:2::1\n"		/* 13 */
		"route = default via 203.0.113.1\n"		/* 14: not a duplicate */
		"route = 2001:db8:99::/48 via fe80::1 dev wan metric 5\n"
		"route = blackhole 2001:db8:aa::/48\n"
		"[neighbors]\n"
		"neigh = 2001:db8:1::10 lladdr 02:00:00:00:00:10 dev lan\n"
		"neigh = 192.168.1.10 lladdr 02:00:00:00:00:10 dev lan\n";
	static const char errs[] =
		"[port lan]\n"
		"device = net_null0\n"
		"address = 2001:db8:1::1/64\n"
		"address = 2001:db8:1::1/64\n"			/* 4: duplicate */
		"address = 2001:db8:1::1/129\n"		/* 5 */
		"address = ff02::1/64\n"			/* 6 */
		"address = 2001:db8:5::1\n"			/* 7: warning, /128 */
		"ra = maybe\n"					/* 8 */
		"ra = no\n"					/* 9: duplicate */
		"[port wan]\n"
		"device = net_null1\n"
		"address = 2001:db8:1:0:8000::1/65\n"		/* 12: inside lan's /64 */
		"address = 10.0.0.1/8\n"			/* IPv4: no overlap with IPv6 */
		"address = 2001:db8:7::1/64 uplink\n"		/* 14 */
		"address = fe80::1/64\n"			/* 15: on every link, no overlap */
		"ra = yes\n"					/* 16: warning, no /64 */
		"[routes]\n"
		"route = default via fe80::1\n"		/* 18 */
		"route = 2001:db8:99::/48 via 2001:db8:9::1\n"	/* 19 */
		"route = 2001:db8:99::/48 via 2001:db8:1::9 dev wan metric 9\n"	/* 20 */
		"route = 2001:db8:aa::/48 via 2001:db8:7::9 dev wan\n"	/* knock-on of 14 */
		"route = 2001:db8:99::/48 via 2001:db8:1::9\n"	/* 22: duplicate of 19 */
		"[neighbors]\n"
		"neigh = 2001:db8:1::10 lladdr 02:00:00:00:00:10 dev lan\n"
		"neigh = 2001:db8:1::10 lladdr 02:00:00:00:00:11 dev lan\n";	/* 25 */
	static const char *const want[] = {
		"4: duplicate address \"2001:db8:1::1/64\"",
		"5: invalid address \"2001:db8:1::1/129\" (X:X::X/N)",
		"6: invalid address \"ff02::1/64\" (X:X::X/N)",
		"7: warning: address 2001:db8:5::1 has no prefix length: taken as "
		"2001:db8:5::1/128, a network of one address (write X:X::X/N)",
		"8: invalid ra \"maybe\" (yes or no)",
		"9: duplicate key \"ra\" in [port lan]",
		"12: address 2001:db8:1:0:8000::1/65 of port \"wan\" overlaps 2001:db8:1::1/64 of "
		"port \"lan\" (line 3): two ports on one network",
		"14: invalid address \"2001:db8:7::1/64 uplink\" (X:X::X/N)",
		"16: warning: port \"wan\" advertises no prefix (it has no global IPv6 /64): "
		"hosts get a default route but no address",
		"18: link-local gateway fe80::1 needs \"dev NAME\"",
		"19: gateway 2001:db8:9::1 is on no port's network",
		"20: gateway 2001:db8:1::9 is on no network of port \"wan\"",
		"22: duplicate route (same prefix and metric as line 19)",
		"25: duplicate neighbour (line 24)",
	};
	struct in6_addr a;
	struct cfg c;

	(void)state;
	assert_int_equal(load(text, &c), 0);
	assert_string_equal(errbuf, "");
	assert_int_equal(c.port[0].naddr, 3);
	assert_int_equal(c.port[0].addr[1].family, AF_INET6);
	assert_int_equal(c.port[0].addr[1].len, 64);
	parse_ip6("2001:db8:1::1", &a);
	assert_memory_equal(&c.port[0].addr[1].addr6, &a, 16);
	assert_int_equal(c.port[0].addr[0].family, AF_INET);
	assert_true(c.port[0].ra);
	assert_int_equal(c.port[0].ra_line, 6);
	assert_false(c.port[1].ra);
	assert_int_equal(c.nroutes, 4);
	assert_int_equal(c.routes[0].family, AF_INET6);
	assert_int_equal(c.routes[1].family, AF_INET);
	assert_int_equal(c.routes[2].metric, 5);
	assert_string_equal(c.routes[2].dev, "wan");
	assert_int_equal(c.routes[3].type, RTN_BLACKHOLE);
	assert_int_equal(c.routes[3].family, AF_INET6);
	assert_int_equal(c.nneighs, 2);
	assert_int_equal(c.neighs[0].family, AF_INET6);
	cfg_free(&c);

	load_expecting(errs, 12, want, N_ELEMS(want));
}

/* host and ra take one set of switch words (parse_onoff): a word either
 * accepts, the other does too, and one neither does is an error naming
 * the key. */
static void
test_switches(void **state)
{
	static const char *const on_off[][2] = {
		{ "yes", "no" }, { "on", "off" }, { "true", "false" }, { "1", "0" },
	};
	static const char *const bad_words[] = {
		"6: invalid host \"maybe\" (yes or no)",
		"7: invalid ra \"enabled\" (yes or no)",
	};
	char text[512];
	struct cfg c;

	(void)state;
	for (unsigned i = 0; i < N_ELEMS(on_off); i++)
		for (unsigned v = 0; v < 2; v++) {
			snprintf(text, sizeof(text),
				 "[port lan]\ndevice = net_null0\naddress = 192.168.1.1/24\n"
				 "address = 2001:db8:1::1/64\nmtu = 1500\nhost = %s\nra = %s\n",
				 on_off[i][v], on_off[i][v]);
			assert_int_equal(load(text, &c), 0);
			assert_string_equal(errbuf, "");
			assert_int_equal(c.port[0].host, v == 0);
			assert_int_equal(c.port[0].ra, v == 0);
			cfg_free(&c);
		}
	load_expecting("[port lan]\ndevice = net_null0\naddress = 192.168.1.1/24\n"
		       "address = 2001:db8:1::1/64\nmtu = 1500\nhost = maybe\nra = enabled\n",
		       2, bad_words, N_ELEMS(bad_words));
}

/* cfg_load(path) fails whole, with want on its error stream and no
 * configuration (an empty one would have sluiced remove every port). */
static void
load_fails(const char *path, const char *want)
{
	char buf[256];
	FILE *ef = fmemopen(buf, sizeof(buf), "w");
	struct cfg c;

	memset(buf, 0, sizeof(buf));
	assert_int_equal(cfg_load(path, &c, ef), -1);
	fclose(ef);
	assert_string_equal(buf, want);
	assert_int_equal(c.nports, 0);
	cfg_free(&c);
}

static void
test_missing_file(void **state)
{
	(void)state;
	load_fails("/nonexistent/sluice.ini", "/nonexistent/sluice.ini: No such file or directory\n");
}

/* A directory opens but does not read. */
static void
test_directory(void **state)
{
	(void)state;
	load_fails("/tmp", "/tmp: Is a directory\n");
}

/* The example shipped in conf/ is good.  __FILE__ is this file's path as
 * the compiler saw it: absolute, or relative to the build root that meson
 * runs tests from. */
static void
shipped_path(char *buf, size_t len)
{
	const char *tail = strstr(__FILE__, "tests/unit/test_config.c");

	assert_non_null(tail);
	snprintf(buf, len, "%.*sconf/sluice.ini", (int)(tail - __FILE__), __FILE__);
}

static void
test_shipped_example(void **state)
{
	char buf[256] = "", file[512];
	FILE *ef = fmemopen(buf, sizeof(buf), "w");
	struct cfg c;
	int n;

	(void)state;
	shipped_path(file, sizeof(file));
	n = cfg_load(file, &c, ef);
	fclose(ef);
	assert_string_equal(buf, "");
	assert_int_equal(n, 0);
	assert_int_equal(c.nports, 2);
	assert_int_equal(c.nroutes, 2);
	assert_int_equal(c.nneighs, 1);
	assert_int_equal(c.nrules, 2);
	cfg_free(&c);
}

/* [metrics] listen = ADDR:PORT: IPv4, or IPv6 in brackets; absent is off. */
static void
test_config_listen(void **state)
{
	const struct sockaddr_in *s4;
	const struct sockaddr_in6 *s6;
	struct in6_addr lo6 = IN6ADDR_LOOPBACK_INIT;
	struct cfg c;

	(void)state;
	assert_int_equal(load("[dataplane]\n", &c), 0);
	assert_int_equal(c.metrics_addrlen, 0);		/* absent: off */
	cfg_free(&c);

	assert_int_equal(load("[metrics]\nlisten = 127.0.0.1:9111\n", &c), 0);
	s4 = (const struct sockaddr_in *)&c.metrics_addr;
	assert_int_equal(c.metrics_addrlen, sizeof(*s4));
	assert_int_equal(s4->sin_family, AF_INET);
	assert_int_equal(ntohs(s4->sin_port), 9111);
	assert_int_equal(ntohl(s4->sin_addr.s_addr), 0x7f000001);
	assert_string_equal(c.metrics_listen, "127.0.0.1:9111");
	cfg_free(&c);

	assert_int_equal(load("[metrics]\nlisten = [::1]:65535 ; comment\n", &c), 0);
	s6 = (const struct sockaddr_in6 *)&c.metrics_addr;
	assert_int_equal(c.metrics_addrlen, sizeof(*s6));
	assert_int_equal(s6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(s6->sin6_port), 65535);
	assert_memory_equal(&s6->sin6_addr, &lo6, sizeof(lo6));
	cfg_free(&c);

	assert_int_equal(load("[metrics]\nlisten = [::]:1\n", &c), 0);
	cfg_free(&c);
}

static void
test_config_listen_errors(void **state)
{
	static const struct { const char *v, *err; } bad[] = {
		{ "localhost:9111", "2: invalid listen \"localhost:9111\": \"localhost\" is not an "
		  "IPv4 address (an IPv6 one goes in brackets: [::1]:9111)" },
		{ "::1:9111", "2: invalid listen \"::1:9111\": \"::1\" is not an IPv4 address (an "
		  "IPv6 one goes in brackets: [::1]:9111)" },
		{ "[fe80::1%eth0]:9111", "2: invalid listen \"[fe80::1%eth0]:9111\": "
		  "\"fe80::1%eth0\" is not an IPv6 address" },
		{ "10.0.0.256:80", "2: invalid listen \"10.0.0.256:80\": \"10.0.0.256\" is not an "
		  "IPv4 address (an IPv6 one goes in brackets: [::1]:9111)" },
		{ "127.0.0.1", NULL },
		{ "127.0.0.1:", NULL },
		{ "127.0.0.1:0", NULL },
		{ "127.0.0.1:65536", NULL },
		{ "127.0.0.1:http", NULL },
		{ ":9111", NULL },
		{ "[::1]", NULL },
	};
	char text[128], want[256];
	struct cfg c;

	(void)state;
	for (size_t i = 0; i < N_ELEMS(bad); i++) {
		snprintf(text, sizeof(text), "[metrics]\nlisten = %s\n", bad[i].v);
		assert_int_equal(load(text, &c), 1);
		assert_int_equal(c.metrics_addrlen, 0);
		if (bad[i].err)
			snprintf(want, sizeof(want), "%s", bad[i].err);
		else
			snprintf(want, sizeof(want), "2: invalid listen \"%s\": ADDR:PORT, an IPv4 "
				 "address or an [IPv6] one and a port 1..65535 (e.g. 127.0.0.1:9111, "
				 "[::1]:9111)", bad[i].v);
		expect_errors((const char *const[]){ want }, 1);
		cfg_free(&c);
	}
	load_expecting("[metrics]\nlisten = 127.0.0.1:1\nlisten = 127.0.0.1:2\nport = 3\n", 2,
		       (const char *const[]){ "3: duplicate key \"listen\" in [metrics]",
			"4: unknown key \"port\" in [metrics] (listen = ADDR:PORT)" }, 2);
	/* [dataplane]'s socket once too; a header too long to read is a
	 * section of its own, whose keys raise no more errors. */
	load_expecting_one("[dataplane]\nsocket = /run/a.sock\nsocket = /run/b.sock\n",
			   "3: duplicate key \"socket\" in [dataplane]");
	/* A NUL byte would hide the rest of its line. */
	{
		static const char text[] = "[routes]\nroute = 10.8.0.0/16 via 192.0.2.1\0 garbage\n";

		load_bytes_expecting(text, sizeof(text) - 1, 1,
				     (const char *const[]){ "2: a NUL byte in the line" }, 1);
	}
	/* Two devices on one interface: the dataplane would take the first
	 * port's XDP program off it trying the second. */
	load_expecting("[port lan]\ndevice = net_af_xdp0,iface=veth0\n"
		       "[port dup]\ndevice = net_af_packet1,iface=veth0,qpairs=1\n"
		       "[port dup2]\ndevice = net_af_xdp2,iface=veth0\n", 2,
		       (const char *const[]){
			"4: interface veth0 is already port \"lan\"'s (line 2)",
			"6: interface veth0 is already port \"lan\"'s (line 2)" }, 2);
	/* A NUL byte in a section header: its keys raise nothing more. */
	{
		static const char text[] = "[port lan]\ndevice = net_null0\n"
					   "[port w\0an]\ndevice = net_null1\naddress = 10.1.1.1/24\n";

		load_bytes_expecting(text, sizeof(text) - 1, 1,
				     (const char *const[]){ "3: a NUL byte in the line" }, 1);
	}
	{
		char text[512];

		snprintf(text, sizeof(text), "[port %0250d]\ndevice = net_null0\nmtu = 1500\n", 7);
		load_expecting_one(text, "1: line too long (at most 199 characters)");
	}
}

/* iface= names an interface: empty, or past the kernel's 15 characters,
 * is an error naming the line, as the driver would refuse it only in its
 * log; 15 characters pass. */
static void
test_device_iface(void **state)
{
	static const char *const devs[] = { "net_af_packet0,iface=", "net_tap0,iface=a23456789012345x",
					    "net_af_xdp0,iface=,start_queue=0" };
	char text[256], want[256];
	struct cfg c;

	(void)state;
	for (unsigned i = 0; i < N_ELEMS(devs); i++) {
		snprintf(text, sizeof(text), "[port lan]\ndevice = %s\n", devs[i]);
		snprintf(want, sizeof(want), "2: invalid device \"%s\": iface= needs an interface "
			 "name of 1 to 15 characters", devs[i]);
		load_expecting_one(text, want);
	}
	assert_int_equal(load("[port lan]\ndevice = net_tap0,iface=a23456789012345\n", &c), 0);
	cfg_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_each_error),
		cmocka_unit_test(test_device_iface),
		cmocka_unit_test(test_duplicate_port_and_sections),
		cmocka_unit_test(test_several_errors),
		cmocka_unit_test(test_check_gaps),
		cmocka_unit_test(test_ip6),
		cmocka_unit_test(test_switches),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_directory),
		cmocka_unit_test(test_shipped_example),
		cmocka_unit_test(test_config_listen),
		cmocka_unit_test(test_config_listen_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
