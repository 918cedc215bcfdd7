/* SPDX-License-Identifier: BSD-3-Clause */
/* The kernel route mirror's decisions (control/kmirror.c): which kernel
 * routes are taken, protocol names both ways, and the diff that a resync
 * after a lost message makes (adds, deletes, nothing for what is
 * unchanged: no flap). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "kmirror.h"
#include "rtprot.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* Port "wan" (dataplane 2) is a host interface, kernel index 7; "lan"
 * (1) has no kernel interface; "eth1" (3, kernel 9) is not a host one. */
static const struct km_ports ports = {
	.n = 3,
	.p = {
		{ .name = "lan", .dp_index = 1, .kindex = 0, .host = false },
		{ .name = "wan", .dp_index = 2, .kindex = 7, .host = true },
		{ .name = "eth1", .dp_index = 3, .kindex = 9, .host = false },
	},
};

/* A bird route in the main table via 203.0.113.1 on wan. */
static struct kroute
bird(uint32_t dst, uint8_t len)
{
	return (struct kroute){ .family = AF_INET, .dst = dst, .dst_len = len, .type = RTN_UNICAST,
				.protocol = RTPROT_BIRD, .table = RT_TABLE_MAIN,
				.gw = IP(203, 0, 113, 1), .oif = 7, .metric = 32 };
}

static void
kroute_parse_message(void **state)
{
	char buf[1024];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;
	struct kroute k;

	(void)state;
	nlh->nlmsg_type = RTM_NEWROUTE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 24;
	rtm->rtm_table = RT_TABLE_COMPAT;	/* RTA_TABLE says what it is */
	rtm->rtm_protocol = RTPROT_BGP;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_TABLE, RT_TABLE_MAIN);
	mnl_attr_put_u32(nlh, RTA_DST, htonl(IP(10, 1, 2, 0)));
	mnl_attr_put_u32(nlh, RTA_GATEWAY, htonl(IP(203, 0, 113, 1)));
	mnl_attr_put_u32(nlh, RTA_OIF, 7);
	mnl_attr_put_u32(nlh, RTA_PRIORITY, 20);
	assert_int_equal(kroute_parse(nlh, &k), 0);
	assert_int_equal(k.table, RT_TABLE_MAIN);
	assert_int_equal(k.dst, IP(10, 1, 2, 0));
	assert_int_equal(k.dst_len, 24);
	assert_int_equal(k.gw, IP(203, 0, 113, 1));
	assert_int_equal(k.oif, 7);
	assert_int_equal(k.metric, 20);
	assert_int_equal(k.protocol, RTPROT_BGP);
	assert_false(k.multipath);

	/* A gateway of 3 bytes is malformed. */
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWROUTE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	mnl_attr_put(nlh, RTA_GATEWAY, 3, "abc");
	assert_int_equal(kroute_parse(nlh, &k), -1);
	/* Too short for an rtmsg. */
	nlh->nlmsg_len = sizeof(*nlh) + 2;
	assert_int_equal(kroute_parse(nlh, &k), -1);
}

static void
take_what(void **state)
{
	struct ctl_route r;
	struct kroute k;

	(void)state;
	k = bird(IP(10, 1, 0, 0), 16);
	assert_int_equal(km_take(&k, &ports, &r), KM_TAKE);
	assert_int_equal(r.dst, IP(10, 1, 0, 0));
	assert_int_equal(r.dst_len, 16);
	assert_int_equal(r.oif, 2);		/* the dataplane's index of wan */
	assert_int_equal(r.gw, IP(203, 0, 113, 1));
	assert_int_equal(r.protocol, RTPROT_BIRD);	/* the kernel's protocol, kept */
	assert_int_equal(r.metric, 32);
	assert_int_equal(r.type, RTN_UNICAST);
	assert_int_equal(r.scope, RT_SCOPE_UNIVERSE);

	/* A device route on wan (scope link). */
	k = bird(IP(10, 2, 0, 0), 16);
	k.gw = 0;
	assert_int_equal(km_take(&k, &ports, &r), KM_TAKE);
	assert_int_equal(r.scope, RT_SCOPE_LINK);
	assert_int_equal(r.oif, 2);

	/* Blackhole and unreachable have no next hop to check. */
	k = bird(IP(10, 3, 0, 0), 16);
	k.type = RTN_BLACKHOLE;
	k.gw = 0;
	k.oif = 0;
	assert_int_equal(km_take(&k, &ports, &r), KM_TAKE);
	assert_int_equal(r.type, RTN_BLACKHOLE);
	assert_int_equal(r.oif, 0);
	k.type = RTN_UNREACHABLE;
	assert_int_equal(km_take(&k, &ports, &r), KM_TAKE);
	assert_int_equal(r.type, RTN_UNREACHABLE);
	/* ...but only from a router with a host interface. */
	{
		struct km_ports none = ports;

		for (unsigned i = 0; i < none.n; i++)
			none.p[i].host = false;
		assert_int_equal(km_take(&k, &none, &r), KM_NOT_HOST);
		k.type = RTN_BLACKHOLE;
		assert_int_equal(km_take(&k, &none, &r), KM_NOT_HOST);
	}

	/* dhclient's default route (proto boot) and a DHCP daemon's. */
	k = bird(0, 0);
	k.protocol = RTPROT_BOOT;
	assert_int_equal(km_take(&k, &ports, &r), KM_TAKE);
	assert_int_equal(r.protocol, RTPROT_BOOT);
	k.protocol = RTPROT_DHCP;
	assert_int_equal(km_take(&k, &ports, &r), KM_TAKE);
}

static void
take_not(void **state)
{
	struct ctl_route r;
	struct kroute k;

	(void)state;
	k = bird(IP(10, 1, 0, 0), 16);
	k.table = RT_TABLE_LOCAL;
	assert_int_equal(km_take(&k, &ports, &r), KM_NOT_MAIN);
	k.table = 100;
	assert_int_equal(km_take(&k, &ports, &r), KM_NOT_MAIN);

	k = bird(IP(203, 0, 113, 0), 24);
	k.protocol = RTPROT_KERNEL;	/* connected: sluice has its own */
	k.gw = 0;
	assert_int_equal(km_take(&k, &ports, &r), KM_CONNECTED);

	k = bird(IP(10, 1, 0, 0), 16);
	k.protocol = SLUICE_RTPROT_KERNEL_OWN;	/* ours: never back */
	assert_int_equal(km_take(&k, &ports, &r), KM_OURS);

	k = bird(IP(10, 1, 0, 0), 16);
	k.oif = 9;			/* eth1: not a host interface */
	assert_int_equal(km_take(&k, &ports, &r), KM_NOT_HOST);
	k.oif = 42;			/* an interface sluice has no port for */
	assert_int_equal(km_take(&k, &ports, &r), KM_NOT_HOST);
	k.oif = 0;
	assert_int_equal(km_take(&k, &ports, &r), KM_NOT_HOST);

	k = bird(IP(10, 1, 0, 0), 16);
	k.type = RTN_PROHIBIT;
	assert_int_equal(km_take(&k, &ports, &r), KM_TYPE);
	k.type = RTN_MULTICAST;
	assert_int_equal(km_take(&k, &ports, &r), KM_TYPE);

	k = bird(IP(10, 1, 0, 0), 16);
	k.multipath = true;
	assert_int_equal(km_take(&k, &ports, &r), KM_MULTIPATH);
	k = bird(IP(10, 1, 0, 0), 16);
	k.tos = 0x10;
	assert_int_equal(km_take(&k, &ports, &r), KM_POLICY);
	k = bird(IP(10, 1, 0, 0), 16);
	k.src_len = 8;
	assert_int_equal(km_take(&k, &ports, &r), KM_POLICY);
	k = bird(IP(10, 1, 0, 0), 16);
	k.flags = RTM_F_CLONED;
	assert_int_equal(km_take(&k, &ports, &r), KM_POLICY);

	k = bird(0, 0);
	k.family = AF_BRIDGE;
	assert_int_equal(km_take(&k, &ports, &r), KM_FAMILY);
	assert_string_equal(km_verdict_str(KM_CONNECTED), "connected (proto kernel)");
}

static void
owners(void **state)
{
	struct ctl_route r = { .type = RTN_UNICAST, .protocol = RTPROT_KERNEL };

	(void)state;
	assert_int_equal(km_owner(&r, false, false), KM_OWN_CONNECTED);
	r.protocol = RTPROT_BOOT;
	assert_int_equal(km_owner(&r, true, true), KM_OWN_CONFIG);	/* the file's key */
	assert_int_equal(km_owner(&r, false, true), KM_OWN_MIRROR);	/* dhclient's */
	assert_int_equal(km_owner(&r, false, false), KM_OWN_CONFIG);	/* stale: reconcile's */
	r.protocol = RTPROT_STATIC;
	assert_int_equal(km_owner(&r, false, false), KM_OWN_CLI);
	assert_int_equal(km_owner(&r, false, true), KM_OWN_MIRROR);
	r.protocol = RTPROT_BIRD;
	assert_int_equal(km_owner(&r, false, false), KM_OWN_MIRROR);	/* stale mirror */
	r.type = RTN_LOCAL;
	assert_int_equal(km_owner(&r, false, false), KM_OWN_CONNECTED);
}

static void
names_both_ways(void **state)
{
	char dir[] = "/tmp/test_kmirror.XXXXXX", path[128];
	uint8_t v;
	FILE *f;

	(void)state;
	assert_string_equal(rtprot_n2a(RTPROT_BIRD), "bird");
	assert_string_equal(rtprot_n2a(RTPROT_ZEBRA), "zebra");
	assert_string_equal(rtprot_n2a(RTPROT_DHCP), "dhcp");
	assert_string_equal(rtprot_n2a(186), "bgp");
	assert_string_equal(rtprot_n2a(188), "ospf");
	assert_string_equal(rtprot_n2a(SLUICE_RTPROT_KERNEL_OWN), "sluice");
	assert_null(rtprot_n2a(201));		/* printed as the number */
	assert_true(rtprot_a2n("bird", &v));
	assert_int_equal(v, RTPROT_BIRD);
	assert_true(rtprot_a2n("ospf", &v));
	assert_int_equal(v, 188);
	assert_true(rtprot_a2n("sluice", &v));
	assert_int_equal(v, SLUICE_RTPROT_KERNEL_OWN);
	assert_true(rtprot_a2n("77", &v));
	assert_int_equal(v, 77);
	assert_true(rtprot_a2n("0x10", &v));
	assert_int_equal(v, 16);
	assert_false(rtprot_a2n("256", &v));
	assert_false(rtprot_a2n("nonesuch", &v));

	/* rt_protos.d/NAME.conf, as iproute2 reads it. */
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/rt_protos.d", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/rt_protos.d/mine.conf", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("# comment\n201\tmine   # trailing\n0xca theirs\nbad line\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/rt_protos.d/ignored.txt", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("203 ignored\n", f);
	fclose(f);
	rtprot_load_dir(dir);
	assert_string_equal(rtprot_n2a(201), "mine");
	assert_string_equal(rtprot_n2a(202), "theirs");
	assert_null(rtprot_n2a(203));
	assert_true(rtprot_a2n("mine", &v));
	assert_int_equal(v, 201);
	assert_string_equal(rtprot_n2a(RTPROT_BIRD), "bird");	/* builtins stay */
	unlink(path);
	snprintf(path, sizeof(path), "%s/rt_protos.d/mine.conf", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/rt_protos.d", dir);
	rmdir(path);
	rmdir(dir);
}

static struct ctl_route
rt(uint32_t dst, uint8_t len, uint32_t gw)
{
	return (struct ctl_route){ .dst = dst, .dst_len = len, .type = RTN_UNICAST,
				   .protocol = RTPROT_BIRD, .gw = gw, .oif = 2, .metric = 32,
				   .has_metric = true };
}

/* Every op answered with err. */
static void
answer(struct km_set *s, struct km_ops *ops, int err)
{
	for (size_t i = 0; i < ops->n; i++)
		km_done(s, &ops->v[i], err);
	ops->n = 0;
}

static size_t
count(const struct km_ops *ops, uint8_t kind)
{
	size_t n = 0;

	for (size_t i = 0; i < ops->n; i++)
		n += ops->v[i].kind == kind;
	return n;
}

static const struct km_op *
op_for(const struct km_ops *ops, uint32_t dst)
{
	for (size_t i = 0; i < ops->n; i++)
		if (ops->v[i].r.dst == dst)
			return &ops->v[i];
	return NULL;
}

static void
diff_no_flap(void **state)
{
	const uint32_t gw = IP(203, 0, 113, 1), gw2 = IP(203, 0, 113, 3);
	struct ctl_route a = rt(IP(10, 1, 0, 0), 16, gw), b = rt(IP(10, 2, 0, 0), 16, gw),
			 c = rt(IP(10, 3, 0, 0), 16, gw), d = rt(IP(10, 4, 0, 0), 16, gw);
	struct km_set s = { 0 };
	struct km_ops ops = { 0 };

	(void)state;
	struct ctl_route w1[] = { a, b, c };
	assert_int_equal(km_diff(&s, w1, 3, &ops), 0);
	assert_int_equal(ops.n, 3);
	assert_int_equal(count(&ops, KM_ADD), 3);
	answer(&s, &ops, 0);
	assert_int_equal(s.n, 3);

	/* The same dump again: nothing at all. */
	assert_int_equal(km_diff(&s, w1, 3, &ops), 0);
	assert_int_equal(ops.n, 0);

	/* b's next hop moved, c went, d came: b replaced in place (never
	 * removed first), c removed, d added; a untouched. */
	struct ctl_route b2 = b;
	b2.gw = gw2;
	struct ctl_route w2[] = { d, b2, a };
	assert_int_equal(km_diff(&s, w2, 3, &ops), 0);
	assert_int_equal(ops.n, 3);
	assert_null(op_for(&ops, a.dst));
	assert_int_equal(op_for(&ops, b.dst)->kind, KM_REPLACE);
	assert_int_equal(op_for(&ops, b.dst)->r.gw, gw2);
	assert_int_equal(op_for(&ops, c.dst)->kind, KM_DEL);
	assert_int_equal(op_for(&ops, c.dst)->r.gw, gw);	/* deletes what was there */
	assert_int_equal(op_for(&ops, d.dst)->kind, KM_ADD);
	answer(&s, &ops, 0);
	assert_int_equal(s.n, 3);
	assert_null(km_find(&s, &c));
	assert_int_equal(km_find(&s, &b)->r.gw, gw2);

	/* A different metric is another key: added, and the old one removed. */
	struct ctl_route a5 = a;
	a5.metric = 5;
	struct ctl_route w3[] = { a5, b2, d };
	assert_int_equal(km_diff(&s, w3, 3, &ops), 0);
	assert_int_equal(ops.n, 2);
	assert_int_equal(count(&ops, KM_ADD), 1);
	assert_int_equal(count(&ops, KM_DEL), 1);
	answer(&s, &ops, 0);

	/* Nothing wanted: every route removed. */
	assert_int_equal(km_diff(&s, NULL, 0, &ops), 0);
	assert_int_equal(count(&ops, KM_DEL), 3);
	answer(&s, &ops, 0);
	assert_int_equal(s.n, 0);
	km_clear(&s);
	km_ops_free(&ops);
}

/* Events one by one, then some lost (ENOBUFS): the resync's dump against
 * the set changes exactly what the lost messages would have. */
static void
resync_after_lost(void **state)
{
	struct km_set s = { 0 };
	struct km_ops ops = { 0 };
	struct kroute k[5];

	(void)state;
	for (int i = 0; i < 5; i++) {
		k[i] = bird(IP(10, 10 + i, 0, 0), 16);
		assert_int_equal(km_event(&s, &ports, &k[i], true, &ops), 0);
	}
	assert_int_equal(count(&ops, KM_ADD), 5);
	answer(&s, &ops, 0);

	/* The same route announced again: nothing. */
	assert_int_equal(km_event(&s, &ports, &k[0], true, &ops), 0);
	assert_int_equal(ops.n, 0);

	/* Lost: k[1] deleted, k[2] moved to another next hop, a new k5 added.
	 * The dump holds k0, k2', k3, k4, k5. */
	struct kroute k2 = k[2], k5 = bird(IP(10, 99, 0, 0), 16);
	k2.gw = IP(203, 0, 113, 4);
	struct kroute dump[] = { k[0], k2, k[3], k[4], k5 };
	struct ctl_route all[5];
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(km_take(&dump[i], &ports, &all[i]), KM_TAKE);
	assert_int_equal(km_diff(&s, all, 5, &ops), 0);
	assert_int_equal(ops.n, 3);
	assert_int_equal(op_for(&ops, IP(10, 11, 0, 0))->kind, KM_DEL);
	assert_int_equal(op_for(&ops, IP(10, 12, 0, 0))->kind, KM_REPLACE);
	assert_int_equal(op_for(&ops, IP(10, 99, 0, 0))->kind, KM_ADD);
	assert_null(op_for(&ops, IP(10, 10, 0, 0)));
	assert_null(op_for(&ops, IP(10, 13, 0, 0)));
	assert_null(op_for(&ops, IP(10, 14, 0, 0)));
	answer(&s, &ops, 0);
	assert_int_equal(s.n, 5);
	km_clear(&s);
	km_ops_free(&ops);
}

static void
events(void **state)
{
	struct km_set s = { 0 };
	struct km_ops ops = { 0 };
	struct kroute k = bird(IP(10, 1, 0, 0), 16), other;

	(void)state;
	/* Added then changed in one batch: one ADD, of the last version. */
	assert_int_equal(km_event(&s, &ports, &k, true, &ops), 0);
	k.gw = IP(203, 0, 113, 5);
	assert_int_equal(km_event(&s, &ports, &k, true, &ops), 0);
	assert_int_equal(ops.n, 1);
	assert_int_equal(ops.v[0].kind, KM_ADD);
	assert_int_equal(ops.v[0].r.gw, IP(203, 0, 113, 5));
	answer(&s, &ops, 0);

	/* A deletion of another route of that key (another gateway): kept. */
	other = k;
	other.gw = IP(203, 0, 113, 9);
	assert_int_equal(km_event(&s, &ports, &other, false, &ops), 0);
	assert_int_equal(ops.n, 0);
	/* A deletion of another protocol's route: kept. */
	other = k;
	other.protocol = RTPROT_ZEBRA;
	assert_int_equal(km_event(&s, &ports, &other, false, &ops), 0);
	assert_int_equal(ops.n, 0);
	/* A deletion in another table: kept. */
	other = k;
	other.table = 100;
	assert_int_equal(km_event(&s, &ports, &other, false, &ops), 0);
	assert_int_equal(ops.n, 0);

	/* The owner moved it to an interface that is no host one: removed. */
	other = k;
	other.oif = 9;
	assert_int_equal(km_event(&s, &ports, &other, true, &ops), 0);
	assert_int_equal(ops.n, 1);
	assert_int_equal(ops.v[0].kind, KM_DEL);
	assert_int_equal(ops.v[0].r.gw, IP(203, 0, 113, 5));
	answer(&s, &ops, 0);
	assert_int_equal(s.n, 0);

	/* Added and withdrawn in one batch: nothing reaches the dataplane. */
	assert_int_equal(km_event(&s, &ports, &k, true, &ops), 0);
	assert_int_equal(km_event(&s, &ports, &k, false, &ops), 0);
	assert_int_equal(ops.n, 1);
	assert_int_equal(ops.v[0].kind, KM_NOP);
	answer(&s, &ops, 0);
	assert_int_equal(s.n, 0);

	/* Withdrawn: removed. */
	assert_int_equal(km_event(&s, &ports, &k, true, &ops), 0);
	answer(&s, &ops, 0);
	assert_int_equal(km_event(&s, &ports, &k, false, &ops), 0);
	assert_int_equal(ops.n, 1);
	assert_int_equal(ops.v[0].kind, KM_DEL);
	answer(&s, &ops, 0);
	assert_int_equal(s.n, 0);
	km_clear(&s);
	km_ops_free(&ops);
}

/* sluice's own route holds the key: the mirror's ADD meets EEXIST, stays
 * shadowed, is tried again without a new log line, and is never deleted
 * (the route there is not the mirror's). */
static void
tie_sluice_wins(void **state)
{
	struct ctl_route a = rt(IP(10, 1, 0, 0), 16, IP(203, 0, 113, 1));
	struct km_set s = { 0 };
	struct km_ops ops = { 0 };

	(void)state;
	assert_int_equal(km_diff(&s, &a, 1, &ops), 0);
	assert_true(km_done(&s, &ops.v[0], -EEXIST));	/* a log line, once */
	ops.n = 0;
	assert_int_equal(km_find(&s, &a)->state, KM_SHADOWED);
	assert_int_equal(km_diff(&s, &a, 1, &ops), 0);
	assert_int_equal(ops.n, 1);
	assert_int_equal(ops.v[0].kind, KM_ADD);	/* never REPLACE: the key is not ours */
	assert_false(km_done(&s, &ops.v[0], -EEXIST));
	ops.n = 0;
	/* The kernel withdraws it: no DEL for a route that is not ours. */
	assert_int_equal(km_diff(&s, NULL, 0, &ops), 0);
	assert_int_equal(ops.n, 0);
	assert_int_equal(s.n, 0);

	/* Refused for another reason (gateway on no network yet): tried again. */
	assert_int_equal(km_diff(&s, &a, 1, &ops), 0);
	assert_true(km_done(&s, &ops.v[0], -ENETUNREACH));
	ops.n = 0;
	assert_int_equal(km_find(&s, &a)->state, KM_FAILED);
	assert_int_equal(km_diff(&s, &a, 1, &ops), 0);
	assert_int_equal(ops.v[0].kind, KM_ADD);
	assert_false(km_done(&s, &ops.v[0], 0));
	assert_int_equal(km_find(&s, &a)->state, KM_INSTALLED);
	km_clear(&s);
	km_ops_free(&ops);
}

/* A resync makes the set again: a route still shadowed by the same owner
 * is no news (no second log line); one that the key now takes is logged
 * as added, and another route at a shadowed key is news again. */
static void
tie_across_resyncs(void **state)
{
	struct ctl_route a = rt(IP(10, 1, 0, 0), 16, IP(203, 0, 113, 1));
	struct ctl_route b = rt(IP(10, 2, 0, 0), 16, IP(203, 0, 113, 1));
	struct ctl_route w[2] = { a, b };
	struct km_set before = { 0 }, s = { 0 };
	struct km_ops ops = { 0 };

	(void)state;
	assert_int_equal(km_diff(&before, w, 2, &ops), 0);
	assert_true(km_done(&before, &ops.v[0], -EEXIST));
	assert_true(km_done(&before, &ops.v[1], -EEXIST));
	ops.n = 0;

	/* The resync: the same routes, a's key still taken, b's free now. */
	assert_int_equal(km_diff(&s, w, 2, &ops), 0);
	km_carry_shadows(&s, &before, &ops);
	assert_int_equal(ops.n, 2);
	assert_int_equal(ops.v[0].kind, KM_ADD);
	assert_false(km_done(&s, &ops.v[0], -EEXIST));	/* no news */
	assert_int_equal(km_find(&s, &a)->state, KM_SHADOWED);
	assert_false(km_done(&s, &ops.v[1], 0));
	assert_int_equal(km_find(&s, &b)->state, KM_INSTALLED);
	ops.n = 0;
	km_clear(&s);

	/* Another gateway for a, still refused: news. */
	w[0].gw = IP(203, 0, 113, 9);
	assert_int_equal(km_diff(&s, w, 1, &ops), 0);
	km_carry_shadows(&s, &before, &ops);
	assert_true(km_done(&s, &ops.v[0], -EEXIST));
	km_clear(&s);
	km_clear(&before);
	km_ops_free(&ops);
}

/* 100k routes: the set grows, finds each, and a second diff is empty. */
static void
big_table(void **state)
{
	const size_t n = 100000;
	struct ctl_route *w = malloc(n * sizeof(*w));
	struct km_set s = { 0 };
	struct km_ops ops = { 0 };

	(void)state;
	assert_non_null(w);
	for (size_t i = 0; i < n; i++)
		w[i] = rt(IP(20, 0, 0, 0) + (uint32_t)(i << 8), 24, IP(203, 0, 113, 1));
	assert_int_equal(km_diff(&s, w, n, &ops), 0);
	assert_int_equal(ops.n, n);
	answer(&s, &ops, 0);
	assert_int_equal(s.n, n);
	assert_int_equal(km_diff(&s, w, n, &ops), 0);
	assert_int_equal(ops.n, 0);
	assert_int_equal(km_diff(&s, w, n / 2, &ops), 0);
	assert_int_equal(count(&ops, KM_DEL), n / 2);
	answer(&s, &ops, 0);
	assert_int_equal(s.n, n / 2);
	km_clear(&s);
	km_ops_free(&ops);
	free(w);
}

/* ---- IPv6 ---- */

static struct in6_addr
in6(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

/* A route as `ip -6 route add 2001:db8:77::/48 via GW dev wan` makes it
 * (proto boot, metric 1024). */
static struct kroute
static6(const char *dst, uint8_t len, const char *gw)
{
	return (struct kroute){ .family = AF_INET6, .dst6 = in6(dst), .dst_len = len,
				.type = RTN_UNICAST, .protocol = RTPROT_BOOT,
				.table = RT_TABLE_MAIN, .gw6 = in6(gw), .oif = 7, .metric = 1024 };
}

static void
kroute_parse_message6(void **state)
{
	char buf[1024];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct in6_addr dst = in6("2001:db8:77::"), gw = in6("fe80::1");
	struct rtmsg *rtm;
	struct kroute k;

	(void)state;
	nlh->nlmsg_type = RTM_NEWROUTE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET6;
	rtm->rtm_dst_len = 48;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BIRD;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_TABLE, RT_TABLE_MAIN);
	mnl_attr_put(nlh, RTA_DST, 16, &dst);
	mnl_attr_put(nlh, RTA_GATEWAY, 16, &gw);
	mnl_attr_put_u32(nlh, RTA_OIF, 7);
	mnl_attr_put_u32(nlh, RTA_PRIORITY, 32);
	assert_int_equal(kroute_parse(nlh, &k), 0);
	assert_int_equal(k.family, AF_INET6);
	assert_memory_equal(&k.dst6, &dst, 16);
	assert_memory_equal(&k.gw6, &gw, 16);
	assert_int_equal(k.dst_len, 48);
	assert_int_equal(k.oif, 7);
	assert_int_equal(k.metric, 32);
	assert_int_equal(k.dst, 0);
	assert_int_equal(k.gw, 0);

	/* An IPv4-sized gateway in an IPv6 route, and a /129, are malformed. */
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWROUTE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET6;
	mnl_attr_put_u32(nlh, RTA_GATEWAY, 1);
	assert_int_equal(kroute_parse(nlh, &k), -1);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWROUTE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET6;
	rtm->rtm_dst_len = 129;
	assert_int_equal(kroute_parse(nlh, &k), -1);
}

static void
take6(void **state)
{
	struct in6_addr ll = in6("fe80::1"), g = in6("2001:db8:2::1");
	struct ctl_route r;
	struct kroute k;

	(void)state;
	/* Through wan, a global gateway: the dataplane's IPv6 route. */
	k = static6("2001:db8:77::", 48, "2001:db8:2::1");
	assert_int_equal(km_take(&k, &ports, &r), KM_TAKE);
	assert_int_equal(r.family, AF_INET6);
	assert_memory_equal(&r.dst6, &k.dst6, 16);
	assert_int_equal(r.dst_len, 48);
	assert_memory_equal(&r.gw6, &g, 16);
	assert_int_equal(r.gw, 0);
	assert_int_equal(r.oif, 2);
	assert_int_equal(r.protocol, RTPROT_BOOT);
	assert_int_equal(r.metric, 1024);
	assert_int_equal(r.scope, RT_SCOPE_UNIVERSE);

	/* A link-local gateway keeps its port. */
	k = static6("::", 0, "fe80::1");
	k.protocol = RTPROT_RA;
	assert_int_equal(km_take(&k, &ports, &r), KM_TAKE);
	assert_memory_equal(&r.gw6, &ll, 16);
	assert_int_equal(r.oif, 2);
	assert_int_equal(r.protocol, RTPROT_RA);

	/* A device route: scope link, no gateway. */
	k = static6("2001:db8:78::", 48, "::");
	assert_int_equal(km_take(&k, &ports, &r), KM_TAKE);
	assert_int_equal(r.scope, RT_SCOPE_LINK);
	assert_true(IN6_IS_ADDR_UNSPECIFIED(&r.gw6));

	/* A blackhole names the loopback: no port. */
	k = static6("2001:db8:79::", 48, "::");
	k.type = RTN_BLACKHOLE;
	k.oif = 1;
	assert_int_equal(km_take(&k, &ports, &r), KM_TAKE);
	assert_int_equal(r.type, RTN_BLACKHOLE);
	assert_int_equal(r.oif, 0);
	/* Unreachable: the dataplane's IPv6 table has no such type. */
	k.type = RTN_UNREACHABLE;
	assert_int_equal(km_take(&k, &ports, &r), KM_TYPE);

	/* What the kernel makes for every IPv6 interface, and the rest. */
	k = static6("2001:db8:2::", 64, "::");
	k.protocol = RTPROT_KERNEL;
	assert_int_equal(km_take(&k, &ports, &r), KM_CONNECTED);
	k = static6("fe80::", 64, "::");
	k.protocol = RTPROT_KERNEL;
	assert_int_equal(km_take(&k, &ports, &r), KM_CONNECTED);
	k = static6("ff00::", 8, "::");
	k.protocol = RTPROT_KERNEL;
	k.type = RTN_MULTICAST;
	k.table = RT_TABLE_LOCAL;
	assert_int_equal(km_take(&k, &ports, &r), KM_NOT_MAIN);
	k.table = RT_TABLE_MAIN;
	assert_int_equal(km_take(&k, &ports, &r), KM_CONNECTED);
	/* Made by hand, still never routed. */
	k = static6("fe80::", 64, "::");
	assert_int_equal(km_take(&k, &ports, &r), KM_LINK);
	k = static6("ff02::", 16, "::");
	assert_int_equal(km_take(&k, &ports, &r), KM_LINK);
	k = static6("fe80::", 8, "::");		/* wider than fe80::/10: routed */
	assert_int_equal(km_take(&k, &ports, &r), KM_TAKE);

	k = static6("2001:db8:77::", 48, "2001:db8:2::1");
	k.protocol = SLUICE_RTPROT_KERNEL_OWN;
	assert_int_equal(km_take(&k, &ports, &r), KM_OURS);
	k = static6("2001:db8:77::", 48, "2001:db8:2::1");
	k.oif = 9;
	assert_int_equal(km_take(&k, &ports, &r), KM_NOT_HOST);
	k = static6("2001:db8:77::", 48, "2001:db8:2::1");
	k.table = 100;
	assert_int_equal(km_take(&k, &ports, &r), KM_NOT_MAIN);
	k = static6("2001:db8:77::", 48, "2001:db8:2::1");
	k.src_len = 64;
	assert_int_equal(km_take(&k, &ports, &r), KM_POLICY);
	k = static6("2001:db8:77::", 48, "2001:db8:2::1");
	k.flags = RTM_F_CLONED;
	assert_int_equal(km_take(&k, &ports, &r), KM_POLICY);
	k = static6("2001:db8:77::", 48, "::");
	k.multipath = true;
	k.oif = 0;
	assert_int_equal(km_take(&k, &ports, &r), KM_MULTIPATH);
}

/* IPv4 and IPv6 in one set: 10.0.0.0/16 and a00::/16 (the same first
 * two bytes) are two keys; events, replace and delete by gateway as IPv4's;
 * a multipath route leaves the dataplane, and when one next hop of it is
 * deleted, only a resync tells what remains. */
static void
events6(void **state)
{
	struct km_set s = { 0 };
	struct km_ops ops = { 0 };
	struct kroute v4 = bird(IP(10, 0, 0, 0), 16), v6 = static6("a00::", 16, "fe80::1");
	struct kroute k = static6("2001:db8:77::", 48, "2001:db8:2::1"), other, mp;
	struct in6_addr g3 = in6("2001:db8:2::3");
	struct ctl_route r;

	(void)state;
	v6.metric = v4.metric;
	v6.dst = 0;
	assert_int_equal(km_event(&s, &ports, &v4, true, &ops), 0);
	assert_int_equal(km_event(&s, &ports, &v6, true, &ops), 0);
	assert_int_equal(km_event(&s, &ports, &k, true, &ops), 0);
	assert_int_equal(count(&ops, KM_ADD), 3);
	answer(&s, &ops, 0);
	assert_int_equal(s.n, 3);
	assert_true(km_take(&v6, &ports, &r) == KM_TAKE && km_find(&s, &r)->r.family == AF_INET6);
	assert_true(km_take(&v4, &ports, &r) == KM_TAKE && !is6(km_find(&s, &r)->r.family));

	/* ip -6 route replace: changed in place. */
	k.gw6 = g3;
	assert_int_equal(km_event(&s, &ports, &k, true, &ops), 0);
	assert_int_equal(ops.n, 1);
	assert_int_equal(ops.v[0].kind, KM_REPLACE);
	assert_memory_equal(&ops.v[0].r.gw6, &g3, 16);
	answer(&s, &ops, 0);

	/* A deletion naming another gateway: kept; naming ours: removed. */
	other = k;
	other.gw6 = in6("2001:db8:2::9");
	assert_int_equal(km_event(&s, &ports, &other, false, &ops), 0);
	assert_int_equal(ops.n, 0);
	assert_int_equal(km_event(&s, &ports, &k, false, &ops), 0);
	assert_int_equal(ops.n, 1);
	assert_int_equal(ops.v[0].kind, KM_DEL);
	assert_int_equal(ops.v[0].r.family, AF_INET6);
	answer(&s, &ops, 0);
	assert_int_equal(s.n, 2);

	/* ip -6 route append makes it multipath: the kernel's NEWROUTE holds
	 * both next hops; the single route we held leaves the dataplane. */
	k.gw6 = in6("2001:db8:2::1");
	assert_int_equal(km_event(&s, &ports, &k, true, &ops), 0);
	answer(&s, &ops, 0);
	mp = k;
	mp.multipath = true;
	mp.oif = 0;
	memset(&mp.gw6, 0, 16);
	assert_int_equal(km_event(&s, &ports, &mp, true, &ops), 0);
	assert_int_equal(ops.n, 1);
	assert_int_equal(ops.v[0].kind, KM_DEL);
	answer(&s, &ops, 0);
	/* One next hop deleted: a single route, a key the set lacks: resync. */
	assert_int_equal(km_event(&s, &ports, &k, false, &ops), 1);
	assert_int_equal(ops.n, 0);
	/* A deletion of a route that would not be taken asks for nothing. */
	other = k;
	other.oif = 9;
	assert_int_equal(km_event(&s, &ports, &other, false, &ops), 0);

	/* The IPv4 route of the same bytes is untouched by all that. */
	assert_int_equal(km_event(&s, &ports, &v4, false, &ops), 0);
	assert_int_equal(ops.n, 1);
	assert_false(is6(ops.v[0].r.family));
	assert_int_equal(ops.v[0].r.dst, IP(10, 0, 0, 0));
	answer(&s, &ops, 0);
	assert_int_equal(s.n, 1);
	km_clear(&s);
	km_ops_free(&ops);
}

/* A resync of both families: a dump the same as the set changes nothing. */
static void
diff6_no_flap(void **state)
{
	struct km_set s = { 0 };
	struct km_ops ops = { 0 };
	struct ctl_route w[300];
	char a[64];

	(void)state;
	for (int i = 0; i < 300; i++) {
		struct kroute k;

		if (i % 2) {
			k = bird(IP(10, 0, 0, 0) + ((uint32_t)i << 8), 24);
		} else {
			snprintf(a, sizeof(a), "2001:db8:%x::", i);
			k = static6(a, 48, "fe80::1");
		}
		assert_int_equal(km_take(&k, &ports, &w[i]), KM_TAKE);
	}
	assert_int_equal(km_diff(&s, w, 300, &ops), 0);
	assert_int_equal(count(&ops, KM_ADD), 300);
	answer(&s, &ops, 0);
	assert_int_equal(km_diff(&s, w, 300, &ops), 0);
	assert_int_equal(ops.n, 0);
	/* The IPv6 half gone: 150 deletes, all IPv6. */
	struct ctl_route w4[150];
	for (int i = 0; i < 150; i++)
		w4[i] = w[2 * i + 1];
	assert_int_equal(km_diff(&s, w4, 150, &ops), 0);
	assert_int_equal(count(&ops, KM_DEL), 150);
	for (size_t i = 0; i < ops.n; i++)
		assert_int_equal(ops.v[i].r.family, AF_INET6);
	answer(&s, &ops, 0);
	assert_int_equal(s.n, 150);
	km_clear(&s);
	km_ops_free(&ops);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kroute_parse_message),
		cmocka_unit_test(take_what),
		cmocka_unit_test(take_not),
		cmocka_unit_test(owners),
		cmocka_unit_test(names_both_ways),
		cmocka_unit_test(diff_no_flap),
		cmocka_unit_test(resync_after_lost),
		cmocka_unit_test(events),
		cmocka_unit_test(tie_sluice_wins),
		cmocka_unit_test(tie_across_resyncs),
		cmocka_unit_test(big_table),
		cmocka_unit_test(kroute_parse_message6),
		cmocka_unit_test(take6),
		cmocka_unit_test(events6),
		cmocka_unit_test(diff6_no_flap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
