/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Routes over netlink, for both families: RTM_{NEW,DEL,GET}ROUTE with
 * struct rtmsg, the main table only, with rtnetlink's field meanings.
 * rt_nl.c reads the requests and writes the replies (route_nl_new, _del,
 * _get in control.h); what differs by family is a struct rt_nl_family:
 * an address's size, the table the route goes to, how `route get` finds
 * its route and source address (ip4/route_nl.c, ip6/route6_nl.c).
 */
#ifndef SLUICE_RT_NL_H
#define SLUICE_RT_NL_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include <linux/netlink.h>

#include "control.h"
#include "route.h"	/* struct route_match */

/*
 * A route of either family as rtnetlink carries it: addresses in network
 * order in the first alen bytes, the rest zero, so that 16 bytes hold
 * either family's and ip6_is_zero says "none" for both.
 */
struct rt_nl_route {
	uint8_t dst[16];
	uint8_t gw[16];
	uint8_t prefsrc[16];
	uint32_t metric;
	uint16_t port;		/* DP_NO_PORT: none */
	uint8_t plen;
	uint8_t type;		/* RTN_* */
	uint8_t protocol;	/* SLUICE_RTPROT_* */
	uint8_t scope;		/* RT_SCOPE_* */
};

typedef int (*rt_nl_walk_cb)(const struct rt_nl_route *r, void *arg);

/*
 * Not a netlink flag: set by route_nl_new on an IPv4 request, whose
 * absent route is made only with NLM_F_CREATE, as the kernel's IPv4
 * table answers (its IPv6 one creates without, and so does sluice).
 */
#define RT_NL_NEED_CREATE	0x8000

/*
 * May an add with rtnetlink's flags go on, given whether the route (its
 * prefix, metric and table) exists: an existing one only with
 * NLM_F_REPLACE (-EEXIST); an absent one not with NLM_F_REPLACE alone,
 * which is `ip route change`, nor without NLM_F_CREATE where
 * RT_NL_NEED_CREATE says so (-ENOENT, as the kernel answers).  No flags
 * at all, as the tables' own callers add, creates.
 */
static inline int
rt_nl_add_allowed(bool exists, uint16_t nl_flags)
{
	if (exists)
		return nl_flags & NLM_F_REPLACE ? 0 : -EEXIST;
	if (nl_flags & NLM_F_CREATE)
		return 0;
	return nl_flags & (NLM_F_REPLACE | RT_NL_NEED_CREATE) ? -ENOENT : 0;
}

/* What a family's walk hands its own callback, which converts each of
 * its routes and calls cb with arg. */
struct rt_nl_walk {
	rt_nl_walk_cb cb;
	void *arg;
};

/* What a dump's walk may keep of its place in rq->args: the last word says
 * which family an AF_UNSPEC dump is at. */
#define RT_NL_POS_WORDS	(CTL_DUMP_ARGS - 1)

struct rt_nl_family {
	uint8_t family;		/* AF_INET, AF_INET6 */
	uint8_t alen;		/* an address's bytes: 4, 16 */
	bool unreachable;	/* takes RTN_UNREACHABLE routes */
	bool get_metric;	/* a `route get` answer has RTA_PRIORITY, as the kernel's IPv6 one */
	/* The extended ack for an address attribute of another size. */
	const char *alen_msg;

	/* The table: add r (m NULL; nl_flags: rt_nl_add_allowed's) or
	 * delete what m names of it (route_add, route_del); 0 or -errno. */
	int (*change)(const struct rt_nl_route *r, uint16_t nl_flags,
		      const struct route_match *m);
	/* The table's resumable walk (route_walk_from), its place in
	 * RT_NL_POS_WORDS words at pos. */
	int (*walk_from)(uint64_t *pos, rt_nl_walk_cb cb, void *arg);
	/* `route get` for ip (16 bytes, zero past alen): the route the fast
	 * path would take, 0 or -errno; tb holds the request's attributes. */
	int (*get)(const uint8_t *ip, const struct nlattr *const *tb, struct rt_nl_route *out);
	/* The source address for ip through port into src (all zero: none). */
	void (*source)(uint16_t port, const uint8_t *ip, uint8_t *src);
};

extern const struct rt_nl_family rt_nl_inet;	/* ip4/route_nl.c */
extern const struct rt_nl_family rt_nl_inet6;	/* ip6/route6_nl.c */

#endif
