/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6's part of the route requests (route/rt_nl.c): 16-byte addresses,
 * struct route6 and its table, and `route get` for a link-local or
 * multicast address, which is not routed but on the link RTA_OIF names.
 */
#include <errno.h>
#include <string.h>

#include "addr6.h"
#include "route6.h"
#include "rt_nl.h"

static void
route6_of(const struct rt_nl_route *q, struct route6 *r)
{
	*r = (struct route6){
		.plen = q->plen, .type = q->type, .protocol = q->protocol,
		.scope = q->scope, .metric = q->metric, .port = q->port,
	};
	memcpy(r->dst, q->dst, 16);
	memcpy(r->gw, q->gw, 16);
}

static void
nl_of(const struct route6 *r, struct rt_nl_route *q)
{
	*q = (struct rt_nl_route){
		.plen = r->plen, .type = r->type, .protocol = r->protocol,
		.scope = r->scope, .metric = r->metric, .port = r->port,
	};
	memcpy(q->dst, r->dst, 16);
	memcpy(q->gw, r->gw, 16);
	memcpy(q->prefsrc, r->prefsrc, 16);
}

static int
inet6_change(const struct rt_nl_route *q, uint16_t nl_flags, const struct route_match *m)
{
	struct route6 r;

	route6_of(q, &r);
	return m == NULL ? route6_add(&r, nl_flags) : route6_del(&r, m);
}

static int
inet6_walk_cb(const struct route6 *r, void *arg)
{
	const struct rt_nl_walk *w = arg;
	struct rt_nl_route q;

	nl_of(r, &q);
	return w->cb(&q, w->arg);
}

static int
inet6_walk_from(uint64_t *pos, rt_nl_walk_cb cb, void *arg)
{
	struct rt_nl_walk w = { cb, arg };

	RTE_BUILD_BUG_ON(sizeof(struct route6_pos) > RT_NL_POS_WORDS * sizeof(uint64_t));
	return route6_walk_from((struct route6_pos *)pos, inet6_walk_cb, &w);
}

static int
inet6_get(const uint8_t *ip, const struct nlattr *const *tb, struct rt_nl_route *out)
{
	struct route6 r;
	int ret;

	if (ip6_link_local(ip) || ip6_multicast(ip)) {
		/* Not routed: on the link the request names. */
		if (tb[RTA_OIF] == NULL)
			return dp_errmsg(-EINVAL, "a link-local or multicast address needs a device");
		ret = ctl_port_slot(mnl_attr_get_u32(tb[RTA_OIF]));
		if (ret < 0)
			return ret;
		memset(&r, 0, sizeof(r));
		r.port = (uint16_t)ret;
		r.type = addr6_on_port(addrs6_get(), r.port, ip) ? RTN_LOCAL :
			 ip6_multicast(ip) ? RTN_MULTICAST : RTN_UNICAST;
		r.scope = RT_SCOPE_LINK;
		r.protocol = SLUICE_RTPROT_CONNECTED;
	} else if (ip6_martian(ip)) {
		/* ::, ::1, IPv4-mapped: what the fast path drops unrouted. */
		return dp_errmsg(-EINVAL, "a martian destination: never routed "
				 "(ip6_martian_destination)");
	} else {
		if (tb[RTA_OIF] == NULL)
			ret = route6_get(ip, &r);
		else if ((ret = ctl_port_slot(mnl_attr_get_u32(tb[RTA_OIF]))) >= 0)
			ret = route6_get_via(ip, (uint16_t)ret, &r);
		if (ret != 0)
			return ret;
		/* A subnet-router anycast address's local route: said as the
		 * kernel says it, its source an address of the port. */
		if (r.type == RTN_LOCAL && addr6_anycast_on_port(addrs6_get(), DP_NO_PORT, ip))
			r.type = RTN_ANYCAST;
	}
	nl_of(&r, out);
	return 0;
}

static void
inet6_source(uint16_t port, const uint8_t *ip, uint8_t *src)
{
	if (!addr6_source(addrs6_get(), port, ip, src))
		memset(src, 0, 16);
}

const struct rt_nl_family rt_nl_inet6 = {
	.family = AF_INET6,
	.alen = 16,
	.get_metric = true,
	.alen_msg = "an IPv6 address attribute has 16 bytes",
	.change = inet6_change,
	.walk_from = inet6_walk_from,
	.get = inet6_get,
	.source = inet6_source,
};
