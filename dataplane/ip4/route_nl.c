/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4's part of the route requests (route/rt_nl.c): 4-byte addresses,
 * struct route and its table, unreachable routes.
 */
#include <string.h>
#include <arpa/inet.h>

#include "ip4.h"
#include "port.h"
#include "route.h"
#include "rt_nl.h"

static inline uint32_t
get4(const uint8_t *a)
{
	uint32_t v;

	memcpy(&v, a, 4);
	return ntohl(v);
}

static inline void
put4(uint8_t *a, uint32_t ip)
{
	ip = htonl(ip);
	memcpy(a, &ip, 4);
}

static void
route_of(const struct rt_nl_route *q, struct route *r)
{
	*r = (struct route){
		.dst = get4(q->dst), .plen = q->plen, .type = q->type,
		.protocol = q->protocol, .scope = q->scope, .metric = q->metric,
		.gw = get4(q->gw), .port = q->port,
	};
}

static void
nl_of(const struct route *r, struct rt_nl_route *q)
{
	*q = (struct rt_nl_route){
		.plen = r->plen, .type = r->type, .protocol = r->protocol,
		.scope = r->scope, .metric = r->metric, .port = r->port,
	};
	put4(q->dst, r->dst);
	put4(q->gw, r->gw);
	put4(q->prefsrc, r->prefsrc);
}

static int
inet_change(const struct rt_nl_route *q, uint16_t nl_flags, const struct route_match *m)
{
	struct route r;

	route_of(q, &r);
	return m == NULL ? route_add(&r, nl_flags) : route_del(&r, m);
}

static int
inet_walk_cb(const struct route *r, void *arg)
{
	const struct rt_nl_walk *w = arg;
	struct rt_nl_route q;

	nl_of(r, &q);
	return w->cb(&q, w->arg);
}

static int
inet_walk_from(uint64_t *pos, rt_nl_walk_cb cb, void *arg)
{
	struct rt_nl_walk w = { cb, arg };

	RTE_BUILD_BUG_ON(sizeof(struct route_pos) > RT_NL_POS_WORDS * sizeof(uint64_t));
	return route_walk_from((struct route_pos *)pos, inet_walk_cb, &w);
}

static int
inet_get(const uint8_t *ip, const struct nlattr *const *tb, struct rt_nl_route *out)
{
	uint32_t a = get4(ip);
	struct route r;
	int ret, oif = DP_NO_PORT;

	/* What the fast path does before it looks a route up. */
	if (ip4_martian_dst(a))
		return dp_errmsg(-EINVAL, DP_IP4_FMT " is a martian destination: never routed "
				 "(martian_destination)", DP_IP4_ARGS(a));
	if (tb[RTA_OIF] != NULL && (oif = ctl_port_slot(mnl_attr_get_u32(tb[RTA_OIF]))) < 0)
		return oif;
	if (a == 0xffffffffu || ip4_multicast(a)) {
		/* Not forwarded: for the router (a host interface's stack)
		 * or dropped as broadcast; on the link the request names. */
		*out = (struct rt_nl_route){ .type = ip4_multicast(a) ? RTN_MULTICAST : RTN_BROADCAST,
					     .port = (uint16_t)oif, .scope = RT_SCOPE_LINK };
		return 0;
	}
	ret = oif == DP_NO_PORT ? route_get(a, &r) : route_get_via(a, (uint16_t)oif, &r);
	if (ret == 0)
		nl_of(&r, out);
	return ret;
}

static void
inet_source(uint16_t port, const uint8_t *ip, uint8_t *src)
{
	(void)ip;
	put4(src, addr_of_port(addrs_get(), port));
}

const struct rt_nl_family rt_nl_inet = {
	.family = AF_INET,
	.alen = 4,
	.unreachable = true,
	.alen_msg = "an IPv4 address attribute has 4 bytes",
	.change = inet_change,
	.walk_from = inet_walk_from,
	.get = inet_get,
	.source = inet_source,
};
