/* SPDX-License-Identifier: BSD-3-Clause */
/* Client messages: encode/decode round trips of every attribute, dump
 * replies printed as text and JSON, and the pipeline against a fake
 * server on a socketpair (batching, ack matching, errors by line). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <pthread.h>
#include <poll.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "client.h"
#include "print.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static char buf[NL_ROOM];

static void
test_route_roundtrip(void **state)
{
	struct ctl_route r = {
		.dst = IP(10, 20, 0, 0), .dst_len = 16, .type = RTN_UNICAST,
		.protocol = SLUICE_RTPROT_CLI, .scope = RT_SCOPE_UNIVERSE,
		.gw = IP(192, 168, 1, 254), .oif = 3, .metric = 10, .has_metric = true,
	}, back;
	struct nlmsghdr *nlh = nl_route(buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, &r);
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	unsigned seen = 0;

	(void)state;
	assert_int_equal(nlh->nlmsg_type, RTM_NEWROUTE);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL);
	assert_int_equal(rtm->rtm_family, AF_INET);
	assert_int_equal(rtm->rtm_table, RT_TABLE_MAIN);
	assert_int_equal(rtm->rtm_protocol, RTPROT_STATIC);
	/* wire form: network order addresses */
	mnl_attr_for_each(a, nlh, sizeof(*rtm)) {
		switch (mnl_attr_get_type(a)) {
		case RTA_DST: assert_int_equal(mnl_attr_get_u32(a), htonl(IP(10, 20, 0, 0))); break;
		case RTA_GATEWAY: assert_int_equal(mnl_attr_get_u32(a), htonl(IP(192, 168, 1, 254))); break;
		case RTA_OIF: assert_int_equal(mnl_attr_get_u32(a), 3); break;
		case RTA_PRIORITY: assert_int_equal(mnl_attr_get_u32(a), 10); break;
		default: fail();
		}
		seen |= 1u << mnl_attr_get_type(a);
	}
	assert_int_equal(seen, 1u << RTA_DST | 1u << RTA_GATEWAY | 1u << RTA_OIF | 1u << RTA_PRIORITY);
	assert_int_equal(nl_parse_route(nlh, &back), 0);
	assert_int_equal(back.dst, r.dst);
	assert_int_equal(back.dst_len, 16);
	assert_int_equal(back.gw, r.gw);
	assert_int_equal(back.oif, 3);
	assert_int_equal(back.metric, 10);
	assert_int_equal(back.protocol, RTPROT_STATIC);
	assert_int_equal(back.type, RTN_UNICAST);

	/* default route: no RTA_DST; no metric given: no RTA_PRIORITY */
	memset(&r, 0, sizeof(r));
	r.type = RTN_BLACKHOLE;
	nlh = nl_route(buf, RTM_NEWROUTE, 0, &r);
	assert_int_equal(nlh->nlmsg_len, mnl_nlmsg_size(sizeof(struct rtmsg)));
	assert_int_equal(nl_parse_route(nlh, &back), 0);
	assert_int_equal(back.type, RTN_BLACKHOLE);
	assert_false(back.has_metric);

	/* a truncated attribute is refused */
	nlh = nl_route(buf, RTM_NEWROUTE, 0, &(struct ctl_route){ .dst = 1, .dst_len = 32 });
	((struct nlattr *)((char *)mnl_nlmsg_get_payload(nlh) + sizeof(struct rtmsg)))->nla_len = 6;
	assert_int_equal(nl_parse_route(nlh, &back), -1);
}

static void
test_neigh_link_addr_roundtrip(void **state)
{
	struct ctl_neigh n = { .addr = IP(192, 168, 1, 50), .ifindex = 2, .state = NUD_PERMANENT,
			       .has_lladdr = true, .lladdr = { 2, 0, 0, 0, 0, 0x50 } }, nb;
	struct ctl_link l = { .ifindex = 0, .name = "lan", .device = "net_af_packet0,iface=lan0",
			      .mtu = 9000, .has_mac = true, .mac = { 2, 0, 0, 0, 0, 1 },
			      .flags = IFF_UP, .change = IFF_UP }, lb;
	struct ctl_addr ad = { .addr = IP(192, 168, 1, 1), .len = 24, .ifindex = 2 }, ab;
	struct nlmsghdr *nlh;

	(void)state;
	nlh = nl_neigh(buf, RTM_NEWNEIGH, NLM_F_CREATE, &n);
	assert_int_equal(nl_parse_neigh(nlh, &nb), 0);
	assert_int_equal(nb.addr, n.addr);
	assert_int_equal(nb.ifindex, 2);
	assert_int_equal(nb.state, NUD_PERMANENT);
	assert_true(nb.has_lladdr);
	assert_memory_equal(nb.lladdr, n.lladdr, 6);

	nlh = nl_link(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &l);
	assert_int_equal(((struct ifinfomsg *)mnl_nlmsg_get_payload(nlh))->ifi_change, IFF_UP);
	assert_int_equal(nl_parse_link(nlh, &lb), 0);
	assert_string_equal(lb.name, "lan");
	assert_string_equal(lb.device, "net_af_packet0,iface=lan0");
	assert_int_equal(lb.mtu, 9000);
	assert_true(lb.has_mac);
	assert_memory_equal(lb.mac, l.mac, 6);
	assert_int_equal(lb.flags, IFF_UP);
	assert_false(lb.has_ra);

	/* ra: a project attribute past rtnetlink's, one byte */
	memset(&l, 0, sizeof(l));
	l.has_ra = l.ra = true;
	nlh = nl_link(buf, RTM_NEWLINK, 0, &l);
	assert_int_equal(nlh->nlmsg_len, mnl_nlmsg_size(sizeof(struct ifinfomsg)) + 8);
	assert_int_equal(mnl_attr_get_type((struct nlattr *)((char *)mnl_nlmsg_get_payload(nlh) +
							    sizeof(struct ifinfomsg))), SLUICE_IFLA_RA);
	assert_int_equal(nl_parse_link(nlh, &lb), 0);
	assert_true(lb.has_ra && lb.ra);
	l.ra = false;
	assert_int_equal(nl_parse_link(nl_link(buf, RTM_NEWLINK, 0, &l), &lb), 0);
	assert_true(lb.has_ra && !lb.ra);

	nlh = nl_addr(buf, RTM_NEWADDR, 0, &ad);
	assert_int_equal(nl_parse_addr(nlh, &ab), 0);
	assert_int_equal(ab.addr, ad.addr);
	assert_int_equal(ab.len, 24);
	assert_int_equal(ab.ifindex, 2);
}

static void
test_natrule_roundtrip(void **state)
{
	struct ctl_natrule rules[] = {
		{ .kind = SLUICE_NAT_MASQUERADE, .ifindex = 2, .has_src = true,
		  .src = IP(192, 168, 1, 0), .src_len = 24, .filter = SLUICE_NAT_FILTER_EIF },
		{ .kind = SLUICE_NAT_SNAT, .ifindex = 2, .has_src = true, .src = IP(10, 0, 0, 0),
		  .src_len = 8, .addr_min = IP(203, 0, 113, 10), .addr_max = IP(203, 0, 113, 20),
		  .port_min = 1024, .port_max = 65535 },
		{ .kind = SLUICE_NAT_DNAT, .ifindex = 2, .proto = IPPROTO_UDP, .dport_min = 5000,
		  .dport_max = 5010, .addr_min = IP(192, 168, 1, 10), .addr_max = IP(192, 168, 1, 10) },
	}, back;
	struct ctl_natconf c = { 0 }, cb;
	struct nlmsghdr *nlh;

	(void)state;
	for (unsigned i = 0; i < 3; i++) {
		nlh = nl_natrule(buf, SLUICE_NEWNATRULE, 0, &rules[i]);
		assert_int_equal(nl_parse_natrule(nlh, &back), 0);
		assert_true(natrule_equal(&rules[i], &back));
		assert_int_equal(back.src_len, rules[i].src_len);
	}
	/* delete by id carries only the id */
	nlh = nl_natrule(buf, SLUICE_DELNATRULE, 0, &(struct ctl_natrule){ .id = 7 });
	assert_int_equal(nlh->nlmsg_len, mnl_nlmsg_size(sizeof(struct sluicemsg)) + 8);
	assert_int_equal(nl_parse_natrule(nlh, &back), 0);
	assert_int_equal(back.id, 7);
	assert_int_equal(back.kind, 0);

	c.v[SLUICE_NATC_TIMEOUT_UDP] = 180;
	c.has[SLUICE_NATC_TIMEOUT_UDP] = true;
	c.v[SLUICE_NATC_MAX_SESSIONS] = 1000;
	c.has[SLUICE_NATC_MAX_SESSIONS] = true;
	nlh = nl_natconf(buf, 0, &c);
	assert_int_equal(nlh->nlmsg_type, SLUICE_SETNATCONF);
	assert_int_equal(nl_parse_natconf(nlh, &cb), 0);
	assert_memory_equal(&cb, &c, sizeof(c));

	nlh = nl_simple(buf, SLUICE_GETNATSESS, NLM_F_DUMP, 25);
	assert_int_equal(mnl_attr_get_u32((struct nlattr *)((char *)mnl_nlmsg_get_payload(nlh) +
							    sizeof(struct sluicemsg))), 25);
}

/*
 * IPv6 on the wire, byte for byte as rtnetlink lays it out (x86's host
 * order for the header integers): family AF_INET6 (10), 16-byte address
 * attributes.
 */
static void
test_ip6_bytes(void **state)
{
	static const uint8_t route[] = {
		84, 0, 0, 0, 24, 0, 0x01, 0x06, 0, 0, 0, 0, 0, 0, 0, 0,	/* NEWROUTE, REQ|EXCL|CREATE */
		10, 48, 0, 0, 254, 4, 0, 1, 0, 0, 0, 0,			/* inet6 /48 main static universe unicast */
		20, 0, 1, 0, 0x20, 0x01, 0x0d, 0xb8, 0, 0x99, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* RTA_DST */
		20, 0, 5, 0, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,		/* RTA_GATEWAY */
		8, 0, 4, 0, 2, 0, 0, 0,					/* RTA_OIF 2 */
		8, 0, 6, 0, 5, 0, 0, 0,					/* RTA_PRIORITY 5 */
	};
	static const uint8_t addr[] = {
		64, 0, 0, 0, 20, 0, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0,	/* NEWADDR, REQ|ACK|EXCL|CREATE */
		10, 64, 0, 0, 1, 0, 0, 0,				/* inet6 /64 index 1 */
		20, 0, 2, 0, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,	/* IFA_LOCAL */
		20, 0, 1, 0, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,	/* IFA_ADDRESS */
	};
	static const uint8_t neigh[] = {
		60, 0, 0, 0, 28, 0, 0x01, 0x05, 0, 0, 0, 0, 0, 0, 0, 0,	/* NEWNEIGH, REQ|REPLACE|CREATE */
		10, 0, 0, 0, 1, 0, 0, 0, 0x80, 0, 0, 0,			/* inet6 index 1 PERMANENT */
		20, 0, 1, 0, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,	/* NDA_DST */
		10, 0, 2, 0, 2, 0, 0, 0, 0, 0x10, 0, 0,			/* NDA_LLADDR, padded */
	};
	struct ctl_route r = { .family = AF_INET6, .dst_len = 48, .type = RTN_UNICAST,
			       .protocol = RTPROT_STATIC, .oif = 2, .metric = 5 }, rb;
	struct ctl_addr a = { .family = AF_INET6, .len = 64, .ifindex = 1 }, ab;
	struct ctl_neigh n = { .family = AF_INET6, .ifindex = 1, .state = NUD_PERMANENT,
			       .has_lladdr = true, .lladdr = { 2, 0, 0, 0, 0, 0x10 } }, nb;
	struct nlmsghdr *nlh;

	(void)state;
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
	skip();
#endif
	parse_ip6("2001:db8:99::", &r.dst6);
	parse_ip6("fe80::1", &r.gw6);
	parse_ip6("2001:db8:1::1", &a.addr6);
	parse_ip6("2001:db8:1::10", &n.addr6);

	nlh = nl_route(buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, &r);
	assert_int_equal(nlh->nlmsg_len, sizeof(route));
	assert_memory_equal(nlh, route, sizeof(route));
	assert_int_equal(nl_parse_route(nlh, &rb), 0);
	assert_int_equal(rb.family, AF_INET6);
	assert_memory_equal(&rb.dst6, &r.dst6, 16);
	assert_memory_equal(&rb.gw6, &r.gw6, 16);
	assert_int_equal(rb.gw, 0);
	assert_int_equal(rb.dst_len, 48);
	assert_int_equal(rb.metric, 5);

	nlh = nl_addr(buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, &a);
	assert_int_equal(nlh->nlmsg_len, sizeof(addr));
	assert_memory_equal(nlh, addr, sizeof(addr));
	assert_int_equal(nl_parse_addr(nlh, &ab), 0);
	assert_true(addr_equal(&ab, &a));

	nlh = nl_neigh(buf, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, &n);
	assert_int_equal(nlh->nlmsg_len, sizeof(neigh));
	assert_memory_equal(nlh, neigh, sizeof(neigh));
	assert_int_equal(nl_parse_neigh(nlh, &nb), 0);
	assert_true(neigh_addr_equal(&nb, &n));
	assert_memory_equal(nb.lladdr, n.lladdr, 6);

	/* A 4-byte address in an inet6 message is malformed, and so is /129. */
	nlh = nl_route(buf, RTM_NEWROUTE, 0, &(struct ctl_route){ .dst = 1, .dst_len = 32 });
	((struct rtmsg *)mnl_nlmsg_get_payload(nlh))->rtm_family = AF_INET6;
	assert_int_equal(nl_parse_route(nlh, &rb), -1);
	nlh = nl_route(buf, RTM_NEWROUTE, 0, &r);
	((struct rtmsg *)mnl_nlmsg_get_payload(nlh))->rtm_dst_len = 129;
	assert_int_equal(nl_parse_route(nlh, &rb), -1);

	/* Dumps: AF_UNSPEC is both families, AF_INET6 one; a flush without
	 * an address is AF_UNSPEC unless a family is asked for. */
	nlh = nl_simple(buf, RTM_GETROUTE, NLM_F_DUMP, 0);
	assert_int_equal(nlh->nlmsg_len, mnl_nlmsg_size(sizeof(struct rtmsg)));
	assert_int_equal(((struct rtmsg *)mnl_nlmsg_get_payload(nlh))->rtm_family, AF_UNSPEC);
	nlh = nl_simple_af(buf, RTM_GETROUTE, NLM_F_DUMP, AF_INET6);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	assert_int_equal(((struct rtmsg *)mnl_nlmsg_get_payload(nlh))->rtm_family, AF_INET6);
	nlh = nl_simple_af(buf, RTM_GETNEIGH, NLM_F_DUMP, AF_INET6);
	assert_int_equal(nlh->nlmsg_len, mnl_nlmsg_size(sizeof(struct ndmsg)));
	assert_int_equal(((struct ndmsg *)mnl_nlmsg_get_payload(nlh))->ndm_family, AF_INET6);
	nlh = nl_simple_af(buf, RTM_GETADDR, NLM_F_DUMP, AF_INET);
	assert_int_equal(((struct ifaddrmsg *)mnl_nlmsg_get_payload(nlh))->ifa_family, AF_INET);
	nlh = nl_neigh(buf, RTM_DELNEIGH, 0, &(struct ctl_neigh){ .ifindex = 2 });
	assert_int_equal(nlh->nlmsg_len, mnl_nlmsg_size(sizeof(struct ndmsg)));
	assert_int_equal(((struct ndmsg *)mnl_nlmsg_get_payload(nlh))->ndm_family, AF_UNSPEC);
	nlh = nl_neigh(buf, RTM_DELNEIGH, 0, &(struct ctl_neigh){ .family = AF_INET6, .ifindex = 2 });
	assert_int_equal(nlh->nlmsg_len, mnl_nlmsg_size(sizeof(struct ndmsg)));
	assert_int_equal(((struct ndmsg *)mnl_nlmsg_get_payload(nlh))->ndm_family, AF_INET6);
}

/* Print into memory. */
static char out[4096];
static FILE *outf;
static struct ctl_names names;

static struct printer
mem_printer(bool json)
{
	memset(out, 0, sizeof(out));
	outf = fmemopen(out, sizeof(out), "w");
	return (struct printer){ .f = outf, .json = json, .names = &names };
}

static void
done(struct printer *p)
{
	(void)p;
	fclose(outf);
}

/* Print one object as a command does, into out: pr_fn(&p, ...) between
 * pr_begin and pr_end, which make JSON output an array.  A macro, as each
 * pr_* takes its own type. */
#define print_one(json, pr_fn, ...)			\
	do {						\
		struct printer p_ = mem_printer(json);	\
							\
		pr_begin(&p_);				\
		pr_fn(&p_, __VA_ARGS__);		\
		pr_end(&p_);				\
		done(&p_);				\
	} while (0)

/* obj printed by pr_fn is text, and json with -j.  A macro too, so that a
 * failure names the line of the check. */
#define expect_printed(pr_fn, obj, text, json)	\
	do {					\
		print_one(false, pr_fn, obj);	\
		assert_string_equal(out, text);	\
		print_one(true, pr_fn, obj);	\
		assert_string_equal(out, json);	\
	} while (0)

/* `route show` of n routes, text or JSON, into out. */
static void
print_routes(const struct ctl_route *r, unsigned n, bool json)
{
	struct printer p = mem_printer(json);

	pr_begin(&p);
	for (unsigned i = 0; i < n; i++)
		pr_route(&p, &r[i]);
	pr_end(&p);
	done(&p);
}

/* A route message as the dataplane dumps it. */
static struct nlmsghdr *
dp_route(uint32_t dst, uint8_t len, uint32_t gw, uint32_t oif, uint8_t proto, uint8_t scope,
	 uint8_t type, uint32_t metric, uint32_t prefsrc)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = len;
	rtm->rtm_protocol = proto;
	rtm->rtm_scope = scope;
	rtm->rtm_type = type;
	rtm->rtm_table = RT_TABLE_MAIN;
	if (len)
		mnl_attr_put_u32(nlh, RTA_DST, htonl(dst));
	if (gw)
		mnl_attr_put_u32(nlh, RTA_GATEWAY, htonl(gw));
	if (oif)
		mnl_attr_put_u32(nlh, RTA_OIF, oif);
	if (metric)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, metric);
	if (prefsrc)
		mnl_attr_put_u32(nlh, RTA_PREFSRC, htonl(prefsrc));
	return nlh;
}

static void
test_print_routes(void **state)
{
	struct ctl_route r[4];

	(void)state;
	assert_int_equal(nl_parse_route(dp_route(0, 0, IP(203, 0, 113, 1), 2, RTPROT_BOOT, 0,
						 RTN_UNICAST, 10, 0), &r[0]), 0);
	assert_int_equal(nl_parse_route(dp_route(IP(192, 168, 1, 0), 24, 0, 1, RTPROT_KERNEL,
						 RT_SCOPE_LINK, RTN_UNICAST, 0, IP(192, 168, 1, 1)),
					&r[1]), 0);
	assert_int_equal(nl_parse_route(dp_route(IP(10, 9, 0, 0), 16, 0, 0, RTPROT_STATIC, 0,
						 RTN_BLACKHOLE, 0, 0), &r[2]), 0);
	assert_int_equal(nl_parse_route(dp_route(IP(198, 51, 100, 7), 32, IP(192, 168, 1, 254), 1,
						 RTPROT_STATIC, 0, RTN_UNICAST, 0, 0), &r[3]), 0);
	print_routes(r, 4, false);
	assert_string_equal(out,
		"default via 203.0.113.1 dev wan proto boot metric 10\n"
		"192.168.1.0/24 dev lan proto kernel scope link src 192.168.1.1\n"
		"blackhole 10.9.0.0/16 proto static\n"
		"198.51.100.7 via 192.168.1.254 dev lan proto static\n");
	print_routes(r, 4, true);
	assert_string_equal(out,
		"[{\"type\":\"unicast\",\"dst\":\"default\",\"gateway\":\"203.0.113.1\",\"dev\":\"wan\","
		"\"protocol\":\"boot\",\"metric\":10,\"flags\":[]},"
		"{\"type\":\"unicast\",\"dst\":\"192.168.1.0/24\",\"dev\":\"lan\",\"protocol\":\"kernel\","
		"\"scope\":\"link\",\"prefsrc\":\"192.168.1.1\",\"metric\":0,\"flags\":[]},"
		"{\"type\":\"blackhole\",\"dst\":\"10.9.0.0/16\",\"protocol\":\"static\",\"metric\":0,\"flags\":[]},"
		"{\"type\":\"unicast\",\"dst\":\"198.51.100.7\",\"gateway\":\"192.168.1.254\","
		"\"dev\":\"lan\",\"protocol\":\"static\",\"metric\":0,\"flags\":[]}]\n");

	/* route get */
	assert_int_equal(nl_parse_route(dp_route(IP(203, 0, 113, 7), 32, IP(203, 0, 113, 1), 2,
						 RTPROT_BOOT, 0, RTN_UNICAST, 0, IP(203, 0, 113, 2)),
					&r[0]), 0);
	print_one(false, pr_route_get, &r[0], IP(203, 0, 113, 7));
	assert_string_equal(out, "203.0.113.7 via 203.0.113.1 dev wan src 203.0.113.2\n");
}

static void
test_print_link_neigh(void **state)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct rtnl_link_stats64 st = { .rx_packets = 5, .rx_bytes = 500, .tx_packets = 6,
					.tx_bytes = 600, .rx_dropped = 1, .tx_errors = 2,
					.rx_missed_errors = 4 };
	struct ctl_link l;
	struct ctl_neigh n;
	struct ctl_addr a = { .addr = IP(192, 168, 1, 1), .len = 24, .ifindex = 1 };

	(void)state;
	nlh->nlmsg_type = RTM_NEWLINK;
	ifi->ifi_index = 1;
	ifi->ifi_flags = IFF_UP | IFF_LOWER_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "lan");
	mnl_attr_put_u32(nlh, IFLA_MTU, 1500);
	mnl_attr_put(nlh, IFLA_ADDRESS, 6, "\x02\0\0\0\0\x01");
	mnl_attr_put_u8(nlh, IFLA_OPERSTATE, IF_OPER_UP);
	mnl_attr_put(nlh, IFLA_STATS64, sizeof(st), &st);
	mnl_attr_put_strz(nlh, IFLA_PARENT_DEV_NAME, "net_null0");
	assert_int_equal(nl_parse_link(nlh, &l), 0);
	print_one(false, pr_link, &l);
	assert_string_equal(out,
		"1: lan: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP\n"
		"    link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff parentdev net_null0\n"
		"    RX:  bytes packets errors dropped  missed   mcast           \n"
		"           500       5      0       1       4       0 \n"
		"    TX:  bytes packets errors dropped carrier collsns           \n"
		"           600       6      2       0       0       0 \n");
	print_one(true, pr_link, &l);
	assert_string_equal(out,
		"[{\"ifindex\":1,\"ifname\":\"lan\",\"flags\":[\"BROADCAST\",\"MULTICAST\",\"UP\","
		"\"LOWER_UP\"],\"mtu\":1500,\"operstate\":\"UP\",\"link_type\":\"ether\","
		"\"address\":\"02:00:00:00:00:01\",\"broadcast\":\"ff:ff:ff:ff:ff:ff\","
		"\"parentdev\":\"net_null0\",\"stats64\":{\"rx\":{\"bytes\":500,\"packets\":5,"
		"\"errors\":0,\"dropped\":1,\"over_errors\":0,\"multicast\":0,\"missed_errors\":4},"
		"\"tx\":{\"bytes\":600,\"packets\":6,\"errors\":2,\"dropped\":0,"
		"\"carrier_errors\":0,\"collisions\":0}}}]\n");
	print_one(true, pr_link_addrs, &l, &a, 1);
	assert_non_null(strstr(out, ",\"addr_info\":[{\"family\":\"inet\",\"local\":\"192.168.1.1\","
				    "\"prefixlen\":24,\"scope\":\"global\",\"label\":\"lan\",\"valid_life_time\":4294967295,\"preferred_life_time\":4294967295}]}]\n"));

	/* Up without a carrier (a veth whose peer is down), as ip prints it;
	 * wide counters widen their column. */
	l.flags = IFF_UP;
	l.operstate = IF_OPER_DOWN;
	l.stats.rx_missed_errors = 12345678901ull;
	print_one(false, pr_link, &l);
	assert_string_equal(out,
		"1: lan: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 state DOWN\n"
		"    link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff parentdev net_null0\n"
		"    RX:  bytes packets errors dropped      missed   mcast           \n"
		"           500       5      0       1 12345678901       0 \n"
		"    TX:  bytes packets errors dropped     carrier collsns           \n"
		"           600       6      2       0           0       0 \n");
	print_one(true, pr_link, &l);
	assert_non_null(strstr(out, "\"flags\":[\"NO-CARRIER\",\"BROADCAST\",\"MULTICAST\",\"UP\"],"
				    "\"mtu\":1500,\"operstate\":\"DOWN\""));

	nlh = nl_neigh(buf, RTM_NEWNEIGH, 0, &(struct ctl_neigh){
		.addr = IP(192, 168, 1, 50), .ifindex = 1, .state = NUD_REACHABLE,
		.has_lladdr = true, .lladdr = { 2, 0, 0, 0, 0, 0x50 } });
	assert_int_equal(nl_parse_neigh(nlh, &n), 0);
	expect_printed(pr_neigh, &n, "192.168.1.50 dev lan lladdr 02:00:00:00:00:50 REACHABLE\n",
		       "[{\"dst\":\"192.168.1.50\",\"dev\":\"lan\","
		       "\"lladdr\":\"02:00:00:00:00:50\",\"state\":[\"REACHABLE\"]}]\n");
}

/* IPv6 in every printer, with ip -6 -j's field names and values. */
static void
test_print_ip6(void **state)
{
	struct ctl_link l = { .ifindex = 1, .name = "lan", .mtu = 1500, .flags = IFF_UP | IFF_LOWER_UP,
			      .operstate = IF_OPER_UP, .mac = { 2, 0, 0, 0, 0, 1 } };
	/* in the dump's order, which the printer does not keep */
	struct ctl_addr a[3] = {
		{ .family = AF_INET6, .len = 64, .ifindex = 1, .scope = RT_SCOPE_LINK },
		{ .family = AF_INET6, .len = 64, .ifindex = 1 },
		{ .family = AF_INET, .addr = IP(192, 168, 1, 1), .len = 24, .ifindex = 1 },
	};
	struct ctl_route r[3] = {
		{ .family = AF_INET6, .dst_len = 48, .type = RTN_UNICAST, .protocol = RTPROT_STATIC,
		  .oif = 2, .metric = 5 },
		{ .family = AF_INET6, .dst_len = 0, .type = RTN_UNICAST, .protocol = RTPROT_BOOT,
		  .oif = 2 },
		{ .family = AF_INET6, .dst_len = 64, .type = RTN_UNICAST, .protocol = RTPROT_KERNEL,
		  .oif = 1, .scope = RT_SCOPE_LINK },
	}, got[3];
	struct ctl_neigh n = { .family = AF_INET6, .ifindex = 1, .state = NUD_STALE, .has_lladdr = true,
			       .lladdr = { 2, 0, 0, 0, 0, 0x10 } };
	struct in6_addr q;

	(void)state;
	parse_ip6("fe80::ff:fe00:1", &a[0].addr6);
	parse_ip6("2001:db8:1::1", &a[1].addr6);
	parse_ip6("2001:db8:99::", &r[0].dst6);
	parse_ip6("2001:db8:2::1", &r[0].gw6);
	parse_ip6("fe80::1", &r[1].gw6);
	parse_ip6("2001:db8:1::", &r[2].dst6);
	parse_ip6("2001:db8:1::1", &r[2].prefsrc6);
	parse_ip6("2001:db8:1::10", &n.addr6);

	/* addr show: IPv4, IPv6 global, IPv6 link, as ip; IPv6 without a label */
	print_one(false, pr_link_addrs, &l, a, 3);
	assert_non_null(strstr(out,
		"    inet 192.168.1.1/24 scope global lan\n"
		"    inet6 2001:db8:1::1/64 scope global\n"
		"    inet6 fe80::ff:fe00:1/64 scope link\n"));
	print_one(true, pr_link_addrs, &l, a, 3);
	assert_non_null(strstr(out, ",\"addr_info\":["
		"{\"family\":\"inet\",\"local\":\"192.168.1.1\",\"prefixlen\":24,\"scope\":\"global\","
		"\"label\":\"lan\",\"valid_life_time\":4294967295,\"preferred_life_time\":4294967295},"
		"{\"family\":\"inet6\",\"local\":\"2001:db8:1::1\",\"prefixlen\":64,\"scope\":\"global\""
		",\"valid_life_time\":4294967295,\"preferred_life_time\":4294967295},"
		"{\"family\":\"inet6\",\"local\":\"fe80::ff:fe00:1\",\"prefixlen\":64,\"scope\":\"link\""
		",\"valid_life_time\":4294967295,\"preferred_life_time\":4294967295}]}]\n"));

	/* routes, through the wire and back */
	for (int i = 0; i < 3; i++)
		assert_int_equal(nl_parse_route(nl_route(buf, RTM_NEWROUTE, 0, &r[i]), &got[i]), 0);
	got[2].prefsrc6 = r[2].prefsrc6;	/* dumps only: nl_route sends none */
	print_routes(got, 3, false);
	assert_string_equal(out,
		"2001:db8:99::/48 via 2001:db8:2::1 dev wan proto static metric 5\n"
		"default via fe80::1 dev wan proto boot\n"
		"2001:db8:1::/64 dev lan proto kernel scope link src 2001:db8:1::1\n");
	print_routes(r, 3, true);
	assert_string_equal(out,
		"[{\"type\":\"unicast\",\"dst\":\"2001:db8:99::/48\",\"gateway\":\"2001:db8:2::1\","
		"\"dev\":\"wan\",\"protocol\":\"static\",\"metric\":5,\"flags\":[],\"pref\":\"medium\"},"
		"{\"type\":\"unicast\",\"dst\":\"default\",\"gateway\":\"fe80::1\",\"dev\":\"wan\","
		"\"protocol\":\"boot\",\"metric\":0,\"flags\":[],\"pref\":\"medium\"},"
		"{\"type\":\"unicast\",\"dst\":\"2001:db8:1::/64\",\"dev\":\"lan\",\"protocol\":\"kernel\","
		"\"scope\":\"link\",\"prefsrc\":\"2001:db8:1::1\",\"metric\":0,\"flags\":[],"
		"\"pref\":\"medium\"}]\n");

	/* a /128 is the bare address */
	r[0].dst_len = 128;
	parse_ip6("2001:db8:99::7", &r[0].dst6);
	print_one(false, pr_route, &r[0]);
	assert_string_equal(out, "2001:db8:99::7 via 2001:db8:2::1 dev wan proto static metric 5\n");

	/* route get */
	parse_ip6("2001:db8:99::1", &q);
	r[0].prefsrc6 = a[1].addr6;
	print_one(false, pr_route_get6, &r[0], &q);
	assert_string_equal(out, "2001:db8:99::1 via 2001:db8:2::1 dev wan src 2001:db8:1::1\n");
	print_one(true, pr_route_get6, &r[0], &q);
	assert_string_equal(out, "[{\"type\":\"unicast\",\"dst\":\"2001:db8:99::1\","
			    "\"gateway\":\"2001:db8:2::1\",\"dev\":\"wan\",\"prefsrc\":\"2001:db8:1::1\","
			    "\"metric\":5,\"flags\":[],\"pref\":\"medium\"}]\n");

	/* neighbours */
	expect_printed(pr_neigh, &n, "2001:db8:1::10 dev lan lladdr 02:00:00:00:00:10 STALE\n",
		       "[{\"dst\":\"2001:db8:1::10\",\"dev\":\"lan\","
		       "\"lladdr\":\"02:00:00:00:00:10\",\"state\":[\"STALE\"]}]\n");
}

/* One counter of a stats dump, in its group's nest. */
static void
put_stat(struct nlmsghdr *nlh, uint16_t group, const char *name, uint64_t value)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, group);

	mnl_attr_put_strz(nlh, SLUICE_STATSA_NAME, name);
	mnl_attr_put_u64(nlh, SLUICE_STATSA_VALUE, value);
	mnl_attr_nest_end(nlh, nest);
}

static void
test_print_nat_stats(void **state)
{
	struct ctl_natrule r = { .id = 3, .kind = SLUICE_NAT_DNAT, .ifindex = 2,
				 .proto = IPPROTO_TCP, .dport_min = 8080, .dport_max = 8080,
				 .addr_min = IP(192, 168, 1, 10), .addr_max = IP(192, 168, 1, 10),
				 .port_min = 80, .port_max = 80 };
	struct nlmsghdr *nlh;
	struct ctl_natsess s;
	struct printer p;

	(void)state;
	expect_printed(pr_natrule, &r, "3: dnat in wan proto tcp dport 8080 to 192.168.1.10:80\n",
		       "[{\"id\":3,\"kind\":\"dnat\",\"in\":\"wan\",\"proto\":\"tcp\","
		       "\"dport_min\":8080,\"dport_max\":8080,\"to_addr\":\"192.168.1.10\","
		       "\"to_port\":80,\"filter\":\"address-port-dependent\","
		       "\"rule\":\"dnat in wan proto tcp dport 8080 to 192.168.1.10:80\"}]\n");

	nlh = nl_simple(buf, SLUICE_GETNATSESS, 0, 0);
	mnl_attr_put_u8(nlh, SLUICE_NATS_PROTO, IPPROTO_TCP);
	mnl_attr_put_u32(nlh, SLUICE_NATS_IN_ADDR, htonl(IP(192, 168, 1, 10)));
	mnl_attr_put_u16(nlh, SLUICE_NATS_IN_PORT, 40000);
	mnl_attr_put_u32(nlh, SLUICE_NATS_OUT_ADDR, htonl(IP(203, 0, 113, 2)));
	mnl_attr_put_u16(nlh, SLUICE_NATS_OUT_PORT, 40001);
	mnl_attr_put_u32(nlh, SLUICE_NATS_REM_ADDR, htonl(IP(198, 51, 100, 7)));
	mnl_attr_put_u16(nlh, SLUICE_NATS_REM_PORT, 80);
	mnl_attr_put_u8(nlh, SLUICE_NATS_STATE, SLUICE_NAT_STATE_ESTABLISHED);
	mnl_attr_put_u32(nlh, SLUICE_NATS_IDLE, 3);
	mnl_attr_put_u64(nlh, SLUICE_NATS_PACKETS, 12);
	assert_int_equal(nl_parse_natsess(nlh, &s), 0);
	expect_printed(pr_natsess, &s, "tcp inside 192.168.1.10:40000 outside 203.0.113.2:40001 "
		       "remote 198.51.100.7:80 state established idle 3 packets 12\n",
		       "[{\"protocol\":\"tcp\",\"inside_addr\":\"192.168.1.10\","
		       "\"inside_port\":40000,\"outside_addr\":\"203.0.113.2\",\"outside_port\":40001,"
		       "\"remote_addr\":\"198.51.100.7\",\"remote_port\":80,\"state\":\"established\","
		       "\"idle\":3,\"packets\":12}]\n");

	/* ICMP echo: the identifier is where the ports are, before and after
	 * translation; no remote port. */
	s.proto = IPPROTO_ICMP;
	s.in_port = 4660;
	s.out_port = 1024;
	s.rem_port = 0;
	s.state = SLUICE_NAT_STATE_NONE;
	expect_printed(pr_natsess, &s, "icmp inside 192.168.1.10 id 4660 outside 203.0.113.2 id 1024 "
		       "remote 198.51.100.7 state none idle 3 packets 12\n",
		       "[{\"protocol\":\"icmp\",\"inside_addr\":\"192.168.1.10\","
		       "\"inside_port\":4660,\"outside_addr\":\"203.0.113.2\",\"outside_port\":1024,"
		       "\"remote_addr\":\"198.51.100.7\",\"remote_port\":0,\"state\":\"none\","
		       "\"idle\":3,\"packets\":12}]\n");

	nlh = nl_simple(buf, SLUICE_GETSTATS, 0, 0);
	put_stat(nlh, SLUICE_STATSA_DROP, "no_route", 12);
	put_stat(nlh, SLUICE_STATSA_POOL, "mbufs_in_use", 512);
	put_stat(nlh, SLUICE_STATSA_NAT, "sessions_created", 5);
	put_stat(nlh, SLUICE_STATSA_CTL, "clients_dropped", 3);
	p = mem_printer(true);
	pr_stats_begin(&p);
	assert_int_equal(nl_parse_stats(nlh, (nl_stat_fn)pr_stat, &p), 0);
	pr_stats_end(&p);
	done(&p);
	assert_string_equal(out, "{\"drops\":{\"no_route\":12},\"nat\":{\"sessions_created\":5},"
			    "\"pool\":{\"mbufs_in_use\":512},\"control\":{\"clients_dropped\":3},"
			    "\"host\":{}}\n");
}

/* An NLMSG_ERROR's start in b: the header and a struct nlmsgerr whose echo
 * of the request takes echo_len bytes (the request's header when capped,
 * all of it when not), zero until the caller copies the request in. */
static struct nlmsgerr *
put_error(void *b, uint16_t flags, int err, size_t echo_len)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(b);
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e) - sizeof(e->msg) + echo_len);

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = flags;
	e->error = err;
	return e;
}

/* A client on one end of a fresh socketpair; the other end, *server, is
 * for the test or its fake server to answer on. */
static void
connect_pair(struct ctl_conn *c, int *server)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	c->fd = sv[0];
	c->rbuf = malloc(SLUICE_MSG_MAX);
	assert_non_null(c->rbuf);
	*server = sv[1];
}

struct refuser {
	int fd;
	const char *dg;
	size_t len;
};

/* The server's side once the request is in: the refusal, then a close
 * with the request unread. */
static void *
refuse_after_request(void *arg)
{
	struct refuser *rf = arg;
	struct pollfd pfd = { .fd = rf->fd, .events = POLLIN };

	if (poll(&pfd, 1, 5000) == 1)
		(void)!send(rf->fd, rf->dg, rf->len, 0);
	close(rf->fd);
	return NULL;
}

/* A dataplane at its limit of clients tells a new one why and closes: the
 * request fails with -EUSERS and the reason, not "closed the connection",
 * whether the close came before the request (EPIPE) or after it, the
 * request unread (e2e ctl_errors meets the reset that may then come first). */
static void
test_refused_connection(void **state)
{
	const char *why = "the dataplane serves 128 control clients, its most";
	char dg[256], req[NLMSG_HDRLEN];
	struct nlmsghdr *nlh = (struct nlmsghdr *)dg, *r = (struct nlmsghdr *)req;

	(void)state;
	/* about no request: sequence 0, the echoed header empty; zeroed
	 * first, as libmnl leaves the attribute's padding as it was */
	memset(dg, 0, sizeof(dg));
	put_error(dg, NLM_F_CAPPED | NLM_F_ACK_TLVS, -EUSERS, sizeof(struct nlmsghdr));
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, why);
	memset(req, 0, sizeof(req));
	r->nlmsg_len = NLMSG_HDRLEN;
	r->nlmsg_type = NLMSG_NOOP;

	for (int unread = 0; unread < 2; unread++) {
		struct ctl_conn c = { .seq = 41 };
		int server;

		connect_pair(&c, &server);
		if (unread) {
			struct refuser rf = { .fd = server, .dg = dg, .len = nlh->nlmsg_len };
			pthread_t th;

			assert_int_equal(pthread_create(&th, NULL, refuse_after_request, &rf), 0);
			assert_int_equal(ctl_request(&c, r), -EUSERS);
			pthread_join(th, NULL);
		} else {
			assert_int_equal(send(server, dg, nlh->nlmsg_len, 0), (ssize_t)nlh->nlmsg_len);
			close(server);
			assert_int_equal(ctl_request(&c, r), -EUSERS);
		}
		assert_string_equal(ctl_error(&c, RTM_GETROUTE, -EUSERS), why);
		close(c.fd);
		free(c.rbuf);
	}
	assert_true(ctl_lost(-EUSERS));
}

/* ---- the pipeline against a fake server ---- */

struct fake {
	int fd;
	unsigned dgrams, msgs, acks;
	uint32_t fail_dst;	/* NEWROUTE for this dst answers EEXIST */
};

/* An ack or error as the dataplane sends it: capped, with the reason in
 * the extended ack when there is one. */
static void
answer(int fd, const struct nlmsghdr *req, int err, const char *why)
{
	char b[256];
	struct nlmsghdr *nlh = (struct nlmsghdr *)b;
	struct nlmsgerr *e = put_error(b, why ? NLM_F_CAPPED | NLM_F_ACK_TLVS : NLM_F_CAPPED, err,
				       sizeof(*req));

	nlh->nlmsg_seq = req->nlmsg_seq;
	e->msg = *req;
	if (why)
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, why);
	assert_int_equal(send(fd, b, nlh->nlmsg_len, 0), (ssize_t)nlh->nlmsg_len);
}

static void *
fake_server(void *arg)
{
	struct fake *f = arg;
	char *b = malloc(SLUICE_MSG_MAX);
	ssize_t n;

	while ((n = recv(f->fd, b, SLUICE_MSG_MAX, 0)) > 0) {
		int len = (int)n;
		const struct nlmsghdr *nlh;

		f->dgrams++;
		for (nlh = (void *)b; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			struct ctl_route r;

			f->msgs++;
			if (nl_parse_route(nlh, &r) == 0 && r.dst == f->fail_dst)
				answer(f->fd, nlh, -EEXIST, (r.dst & 0xff00) == 0x500 ? NULL :
				       "that route is there already.");
			else if (nlh->nlmsg_flags & NLM_F_ACK) {
				f->acks++;
				answer(f->fd, nlh, 0, NULL);
			}
		}
	}
	free(b);
	close(f->fd);
	return NULL;
}

static uint32_t failed_tags[8];
static uint16_t failed_types[8];
static char failed_msg[8][64];
static unsigned nfailed;

static void
on_err(void *arg, uint32_t tag, uint16_t type, int err, const char *msg)
{
	(void)arg;
	assert_int_equal(err, -EEXIST);
	if (nfailed < 8)
		snprintf(failed_msg[nfailed], sizeof(failed_msg[0]), "%s", msg);
	if (nfailed < 8) {
		failed_types[nfailed] = type;
		failed_tags[nfailed] = tag;
	}
	nfailed++;
}

/* The pipeline under test, its client's requests answered by f in
 * thread th, its failures recorded by on_err. */
static struct ctl_pipe *
pipe_to_fake(struct ctl_conn *c, struct fake *f, pthread_t *th)
{
	struct ctl_pipe *p = malloc(sizeof(*p));

	nfailed = 0;
	connect_pair(c, &f->fd);
	assert_int_equal(pthread_create(th, NULL, fake_server, f), 0);
	assert_int_equal(ctl_pipe_init(p, c, on_err, NULL), 0);
	return p;
}

static void
test_pipeline(void **state)
{
	enum { N = 200000 };
	pthread_t th;
	struct fake f = { .fail_dst = IP(10, 1, 0, 0) };	/* line 257 */
	struct ctl_conn c = { .seq = 1000 };
	struct ctl_pipe *p = pipe_to_fake(&c, &f, &th);

	(void)state;
	for (uint32_t i = 0; i < N; i++) {
		struct ctl_route r = { .dst = IP(10, 0, 0, 0) + (i << 8), .dst_len = 24,
				       .type = RTN_UNICAST, .gw = IP(192, 168, 1, 254) };
		void *room = ctl_pipe_room(p);

		assert_non_null(room);
		ctl_pipe_commit(p, nl_route(room, RTM_NEWROUTE, NLM_F_CREATE, &r), i + 1);
	}
	assert_int_equal(ctl_pipe_wait(p), 0);
	assert_int_equal(p->inflight_msgs, 0);
	assert_int_equal(p->errors, 1);
	assert_int_equal(nfailed, 1);
	assert_int_equal(failed_tags[0], 257);
	/* the reason, without the period the printers add */
	assert_string_equal(failed_msg[0], "that route is there already");
	ctl_pipe_free(p);
	free(p);
	close(c.fd);
	pthread_join(th, NULL);
	assert_int_equal(f.msgs, N);
	/* packed: one ack per datagram, far fewer datagrams than messages */
	assert_int_equal(f.acks, f.dgrams);
	assert_true(f.dgrams < N / 500);
	free(c.rbuf);
}

static void
test_pipeline_errors_by_tag(void **state)
{
	pthread_t th;
	struct fake f = { .fail_dst = IP(10, 0, 5, 0) };
	struct ctl_conn c = { .seq = 0xfffffff0u };	/* seq wraps during the run */
	struct ctl_pipe *p = pipe_to_fake(&c, &f, &th);

	(void)state;
	for (uint32_t i = 0; i < 100; i++) {
		struct ctl_route r = { .dst = IP(10, 0, 0, 0) + ((i % 10) << 8), .dst_len = 24,
				       .type = RTN_UNICAST, .gw = IP(192, 168, 1, 254) };

		ctl_pipe_commit(p, nl_route(ctl_pipe_room(p), RTM_NEWROUTE, 0, &r), 1000 + i);
	}
	assert_int_equal(ctl_pipe_wait(p), 0);
	/* lines 1005, 1015, ... 1095 carried 10.0.5.0/24 */
	assert_int_equal(nfailed, 10);
	for (unsigned i = 0; i < 8; i++) {
		assert_int_equal(failed_tags[i], 1005 + 10 * i);
		assert_int_equal(failed_types[i], RTM_NEWROUTE);
		assert_string_equal(failed_msg[i], "");	/* no extended ack */
	}
	/* the server going away is reported, not waited for */
	shutdown(c.fd, SHUT_WR);
	pthread_join(th, NULL);
	ctl_pipe_commit(p, nl_route(ctl_pipe_room(p), RTM_NEWROUTE, 0,
				    &(struct ctl_route){ .type = RTN_BLACKHOLE }), 1);
	assert_true(ctl_pipe_wait(p) < 0);
	assert_true(ctl_lost(p->fatal));
	ctl_pipe_free(p);
	free(p);
	close(c.fd);
	free(c.rbuf);
}

/* The extended ack as the kernel lays it out: capped (the request's header
 * only) or not (the whole request echoed), then the TLVs. */
static void
test_ext_ack_msg(void **state)
{
	char b[512], msg[SLUICE_ERRMSG_MAX];
	struct ctl_route r = { .dst = IP(10, 0, 0, 0), .dst_len = 8, .type = RTN_UNICAST,
			       .gw = IP(192, 168, 1, 254) };
	struct nlmsghdr *req = nl_route(buf, RTM_NEWROUTE, NLM_F_CREATE, &r);
	struct nlmsghdr *nlh = (struct nlmsghdr *)b;
	struct nlmsgerr *e;
	struct ctl_conn c = { .fd = -1 };

	(void)state;
	/* capped */
	e = put_error(b, NLM_F_CAPPED | NLM_F_ACK_TLVS, -EINVAL, sizeof(*req));
	e->msg = *req;
	mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 20);		/* skipped */
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "frame size 9018 > 1518");
	assert_string_equal(ctl_ext_ack_msg(nlh, msg, sizeof(msg)), "frame size 9018 > 1518");
	/* the flag is what says TLVs follow */
	nlh->nlmsg_flags = NLM_F_CAPPED;
	assert_string_equal(ctl_ext_ack_msg(nlh, msg, sizeof(msg)), "");

	/* not capped: the request's payload comes before the TLVs; the final
	 * period goes (iproute2 adds one only when it is missing) */
	e = put_error(b, NLM_F_ACK_TLVS, -EINVAL, req->nlmsg_len);
	memcpy(&e->msg, req, req->nlmsg_len);
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "Nexthop has invalid gateway.");
	assert_string_equal(ctl_ext_ack_msg(nlh, msg, sizeof(msg)), "Nexthop has invalid gateway");
	/* an echoed length past the message: nothing is trusted */
	e->msg.nlmsg_len = 4000;
	assert_string_equal(ctl_ext_ack_msg(nlh, msg, sizeof(msg)), "");
	/* a string without its NUL is no message */
	put_error(b, NLM_F_CAPPED | NLM_F_ACK_TLVS, -EINVAL, sizeof(*req));
	mnl_attr_put(nlh, NLMSGERR_ATTR_MSG, 3, "abc");
	assert_string_equal(ctl_ext_ack_msg(nlh, msg, sizeof(msg)), "");

	/* what the printers use: the reason, else the errno's words */
	snprintf(c.errmsg, sizeof(c.errmsg), "MTU 9000 is more than the device takes");
	assert_string_equal(ctl_error(&c, RTM_NEWLINK, -EINVAL),
			    "MTU 9000 is more than the device takes");
	assert_string_equal(ctl_error(&c, RTM_NEWLINK, -ECONNRESET),
			    "the dataplane closed the connection");
	c.errmsg[0] = '\0';
	assert_string_equal(ctl_error(&c, RTM_NEWLINK, -ENODEV), "no such port");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_roundtrip),
		cmocka_unit_test(test_neigh_link_addr_roundtrip),
		cmocka_unit_test(test_natrule_roundtrip),
		cmocka_unit_test(test_ip6_bytes),
		cmocka_unit_test(test_print_routes),
		cmocka_unit_test(test_print_link_neigh),
		cmocka_unit_test(test_print_ip6),
		cmocka_unit_test(test_print_nat_stats),
		cmocka_unit_test(test_refused_connection),
		cmocka_unit_test(test_pipeline),
		cmocka_unit_test(test_pipeline_errors_by_tag),
		cmocka_unit_test(test_ext_ack_msg),
	};

	names_add(&names, 1, "lan");
	names_add(&names, 2, "wan");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
