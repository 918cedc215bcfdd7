/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Routes over netlink: RTM_{NEW,DEL,GET}ROUTE with struct rtmsg, the main
 * table only, with rtnetlink's field meanings.  AF_INET6 requests go to
 * route6_nl.c; an AF_UNSPEC dump gives IPv4's routes, then IPv6's.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "control.h"
#include "port.h"
#include "route.h"

static int
route_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, RTA_MAX) < 0)
		return MNL_CB_OK;	/* unknown: skipped, as the kernel does */
	switch (type) {
	case RTA_DST:
	case RTA_GATEWAY:
	case RTA_OIF:
	case RTA_PRIORITY:
	case RTA_PREFSRC:
	case RTA_TABLE:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		break;
	default:
		return MNL_CB_OK;
	}
	tb[type] = a;
	return MNL_CB_OK;
}

static inline uint32_t
plen_mask(uint8_t plen)
{
	return plen == 0 ? 0 : ~0u << (32 - plen);
}

/* A NEWROUTE or DELROUTE request as a struct route and what it names. */
static int
route_parse(struct ctl_req *rq, struct route *r, struct route_match *m)
{
	const struct rtmsg *rtm = ctl_payload(rq);
	const struct nlattr *tb[RTA_MAX + 1] = { 0 };
	int slot;

	if (ctl_attr_parse(rq, sizeof(*rtm), route_attr_cb, tb) < 0)
		return -EINVAL;
	if (rtm->rtm_family != AF_INET)
		return -EAFNOSUPPORT;
	if (rtm->rtm_dst_len > 32 || rtm->rtm_src_len != 0 || rtm->rtm_type > RTN_MAX)
		return -EINVAL;
	if (!ctl_table_main(rtm, tb))
		return -EOPNOTSUPP;
	if (rtm->rtm_type != RTN_UNSPEC && rtm->rtm_type != RTN_UNICAST &&
	    rtm->rtm_type != RTN_BLACKHOLE && rtm->rtm_type != RTN_UNREACHABLE)
		return -EOPNOTSUPP;

	memset(r, 0, sizeof(*r));
	memset(m, 0, sizeof(*m));
	r->plen = rtm->rtm_dst_len;
	r->type = rtm->rtm_type;
	r->protocol = rtm->rtm_protocol;
	r->scope = RT_SCOPE_UNIVERSE;
	r->port = DP_NO_PORT;
	if (tb[RTA_DST] != NULL)
		r->dst = ntohl(mnl_attr_get_u32(tb[RTA_DST]));
	if (r->dst & ~plen_mask(r->plen))
		return dp_errmsg(-EINVAL, "invalid prefix " DP_IP4_FMT "/%u: host bits set",
				 DP_IP4_ARGS(r->dst), r->plen);
	if (tb[RTA_GATEWAY] != NULL)
		r->gw = ntohl(mnl_attr_get_u32(tb[RTA_GATEWAY]));
	if (tb[RTA_OIF] != NULL && mnl_attr_get_u32(tb[RTA_OIF]) != 0) {
		slot = ctl_port_slot(mnl_attr_get_u32(tb[RTA_OIF]));
		if (slot < 0)
			return slot;
		r->port = (uint16_t)slot;
	}
	if (tb[RTA_PRIORITY] != NULL)
		r->metric = mnl_attr_get_u32(tb[RTA_PRIORITY]);

	m->metric = tb[RTA_PRIORITY] != NULL;
	m->gw = tb[RTA_GATEWAY] != NULL;
	m->port = tb[RTA_OIF] != NULL;
	m->protocol = rtm->rtm_protocol != RTPROT_UNSPEC;
	m->type = rtm->rtm_type != RTN_UNSPEC;
	return 0;
}

static inline bool
family6(const struct ctl_req *rq)
{
	return ((const struct rtmsg *)ctl_payload(rq))->rtm_family == AF_INET6;
}

int
route_nl_new(struct ctl_req *rq)
{
	struct route_match m;
	struct route r;
	int ret;

	if (family6(rq))
		return route6_nl_new(rq);
	ret = route_parse(rq, &r, &m);
	if (ret != 0)
		return ret;
	if (r.type == RTN_UNSPEC)
		r.type = RTN_UNICAST;
	if (r.type == RTN_BLACKHOLE || r.type == RTN_UNREACHABLE) {
		if (r.gw != 0)
			return dp_errmsg(-EINVAL, "a %s route has no gateway",
					 r.type == RTN_BLACKHOLE ? "blackhole" : "unreachable");
		r.port = DP_NO_PORT;
	} else if (r.gw == 0) {
		if (r.port == DP_NO_PORT)
			return dp_errmsg(-EINVAL, "a route needs a gateway or a device");
		r.scope = RT_SCOPE_LINK;
	}
	return route_add(&r, rq->nlh->nlmsg_flags & (NLM_F_EXCL | NLM_F_REPLACE));
}

int
route_nl_del(struct ctl_req *rq)
{
	struct route_match m;
	struct route r;
	int ret;

	if (family6(rq))
		return route6_nl_del(rq);
	ret = route_parse(rq, &r, &m);
	if (ret != 0)
		return ret;
	return route_del(&r, &m);
}

static void
route_put(struct ctl_req *rq, const struct route *r, uint16_t flags)
{
	struct rtmsg rtm = {
		.rtm_family = AF_INET,
		.rtm_dst_len = r->plen,
		.rtm_table = RT_TABLE_MAIN,
		.rtm_protocol = r->protocol,
		.rtm_scope = r->scope,
		.rtm_type = r->type,
	};
	struct nlmsghdr *nlh;

	nlh = ctl_msg_begin(rq, RTM_NEWROUTE, flags, &rtm, sizeof(rtm));
	mnl_attr_put_u32(nlh, RTA_TABLE, RT_TABLE_MAIN);
	if (r->plen > 0)
		mnl_attr_put_u32(nlh, RTA_DST, htonl(r->dst));
	mnl_attr_put_u32(nlh, RTA_PRIORITY, r->metric);
	if (r->gw != 0)
		mnl_attr_put_u32(nlh, RTA_GATEWAY, htonl(r->gw));
	if (r->port < DP_MAX_PORTS)
		mnl_attr_put_u32(nlh, RTA_OIF, r->port + 1u);
	if (r->prefsrc != 0)
		mnl_attr_put_u32(nlh, RTA_PREFSRC, htonl(r->prefsrc));
	ctl_msg_end(rq, nlh);
}

static int
route_dump_cb(const struct route *r, void *arg)
{
	struct ctl_req *rq = arg;

	if (ctl_dump_full(rq))
		return CTL_DUMP_MORE;	/* r comes first next time */
	route_put(rq, r, NLM_F_MULTI);
	return rq->err != 0 ? -1 : 0;	/* the client is gone: stop walking */
}

/* RTM_GETROUTE for one address: what the fast path would do, described as
 * `ip route get` does (the address itself as a /32, cloned). */
static int
route_get_one(struct ctl_req *rq, const struct rtmsg *req, const struct nlattr **tb)
{
	struct nlmsghdr *nlh;
	struct rtmsg rtm;
	struct route r;
	uint32_t ip, src;
	int ret;

	if (tb[RTA_DST] == NULL || (req->rtm_dst_len != 0 && req->rtm_dst_len != 32))
		return -EINVAL;
	ip = ntohl(mnl_attr_get_u32(tb[RTA_DST]));
	ret = route_get(ip, &r);
	if (ret != 0)
		return ret;
	src = r.prefsrc;
	if (r.type == RTN_LOCAL)
		src = ip;
	else if (src == 0 && r.port < DP_MAX_PORTS)
		src = addr_of_port(addrs_get(), r.port);

	memset(&rtm, 0, sizeof(rtm));
	rtm.rtm_family = AF_INET;
	rtm.rtm_dst_len = 32;
	rtm.rtm_table = RT_TABLE_MAIN;
	rtm.rtm_protocol = r.protocol;
	rtm.rtm_scope = r.scope;
	rtm.rtm_type = r.type;
	rtm.rtm_flags = RTM_F_CLONED;
	nlh = ctl_msg_begin(rq, RTM_NEWROUTE, 0, &rtm, sizeof(rtm));
	mnl_attr_put_u32(nlh, RTA_TABLE, RT_TABLE_MAIN);
	mnl_attr_put_u32(nlh, RTA_DST, htonl(ip));
	if (r.port < DP_MAX_PORTS)
		mnl_attr_put_u32(nlh, RTA_OIF, r.port + 1u);
	if (r.gw != 0)
		mnl_attr_put_u32(nlh, RTA_GATEWAY, htonl(r.gw));
	if (src != 0)
		mnl_attr_put_u32(nlh, RTA_PREFSRC, htonl(src));
	ctl_msg_end(rq, nlh);
	return 0;
}

/* An AF_UNSPEC `route get` for a 16-byte address is IPv6's. */
static bool
get_dst_is_v6(const struct ctl_req *rq)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, rq->nlh, sizeof(struct rtmsg))
		if (mnl_attr_get_type(a) == RTA_DST && mnl_attr_get_payload_len(a) == 16)
			return true;
	return false;
}

/* Where an AF_UNSPEC dump is: the last word of the dump's place. */
#define DUMP_PHASE	(CTL_DUMP_ARGS - 1)
#define PHASE_IP6	1

int
route_nl_get(struct ctl_req *rq)
{
	const struct rtmsg *req = ctl_payload(rq);
	const struct nlattr *tb[RTA_MAX + 1] = { 0 };
	int ret;

	if (req->rtm_family == AF_INET6 ||
	    (req->rtm_family == AF_UNSPEC && ctl_is_dump(rq) && rq->args[DUMP_PHASE] == PHASE_IP6) ||
	    (req->rtm_family == AF_UNSPEC && !ctl_is_dump(rq) && get_dst_is_v6(rq)))
		return route6_nl_get(rq);
	if (ctl_attr_parse(rq, sizeof(*req), route_attr_cb, tb) < 0)
		return -EINVAL;
	if (req->rtm_family != AF_UNSPEC && req->rtm_family != AF_INET)
		return ctl_is_dump(rq) ? 0 : -EAFNOSUPPORT;
	if (!ctl_is_dump(rq))
		return route_get_one(rq, req, tb);
	if (!ctl_table_main(req, tb))
		return 0;	/* the other tables are empty */
	RTE_BUILD_BUG_ON(sizeof(struct route_pos) > DUMP_PHASE * sizeof(uint64_t));
	ret = route_walk_from((struct route_pos *)rq->args, route_dump_cb, rq);
	if (ret == CTL_DUMP_MORE)
		return CTL_DUMP_MORE;
	if (req->rtm_family != AF_UNSPEC || rq->err != 0)
		return 0;
	/* IPv4 is done: IPv6 from its beginning. */
	memset(rq->args, 0, sizeof(uint64_t) * DUMP_PHASE);
	rq->args[DUMP_PHASE] = PHASE_IP6;
	return route6_nl_get(rq);
}
