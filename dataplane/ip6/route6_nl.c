/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 routes over netlink: the AF_INET6 half of route_nl.c's
 * RTM_{NEW,DEL,GET}ROUTE (struct rtmsg, 16-byte RTA_DST and RTA_GATEWAY),
 * main table only.  A link-local gateway needs RTA_OIF.
 */
#include <errno.h>
#include <string.h>

#include "addr6.h"
#include "control.h"
#include "port.h"
#include "route6.h"

static int
route6_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, RTA_MAX) < 0)
		return MNL_CB_OK;
	switch (type) {
	case RTA_DST:
	case RTA_GATEWAY:
	case RTA_PREFSRC:
		if (mnl_attr_validate2(a, MNL_TYPE_BINARY, 16) < 0)
			return dp_errmsg(MNL_CB_ERROR, "an IPv6 address attribute has 16 bytes");
		break;
	case RTA_OIF:
	case RTA_PRIORITY:
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

static int
route6_parse(struct ctl_req *rq, struct route6 *r, struct route_match *m)
{
	const struct rtmsg *rtm = ctl_payload(rq);
	const struct nlattr *tb[RTA_MAX + 1] = { 0 };
	uint8_t net[16];
	char s[INET6_ADDRSTRLEN];
	int slot;

	if (ctl_attr_parse(rq, sizeof(*rtm), route6_attr_cb, tb) < 0)
		return -EINVAL;
	if (rtm->rtm_dst_len > 128 || rtm->rtm_src_len != 0 || rtm->rtm_type > RTN_MAX)
		return -EINVAL;
	if (!ctl_table_main(rtm, tb))
		return -EOPNOTSUPP;
	if (rtm->rtm_type != RTN_UNSPEC && rtm->rtm_type != RTN_UNICAST &&
	    rtm->rtm_type != RTN_BLACKHOLE)
		return -EOPNOTSUPP;
	memset(r, 0, sizeof(*r));
	memset(m, 0, sizeof(*m));
	r->plen = rtm->rtm_dst_len;
	r->type = rtm->rtm_type;
	r->protocol = rtm->rtm_protocol;
	r->scope = RT_SCOPE_UNIVERSE;
	r->port = DP_NO_PORT;
	if (tb[RTA_DST] != NULL)
		memcpy(r->dst, mnl_attr_get_payload(tb[RTA_DST]), 16);
	ip6_prefix(r->dst, r->plen, net);
	if (memcmp(net, r->dst, 16) != 0)
		return dp_errmsg(-EINVAL, "invalid prefix %s/%u: host bits set",
				 ip6_fmt(r->dst, s), r->plen);
	if (tb[RTA_GATEWAY] != NULL)
		memcpy(r->gw, mnl_attr_get_payload(tb[RTA_GATEWAY]), 16);
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

int
route6_nl_new(struct ctl_req *rq)
{
	struct route_match m;
	struct route6 r;
	int ret;

	ret = route6_parse(rq, &r, &m);
	if (ret != 0)
		return ret;
	if (r.type == RTN_UNSPEC)
		r.type = RTN_UNICAST;
	if (r.type == RTN_BLACKHOLE) {
		if (!ip6_is_zero(r.gw))
			return dp_errmsg(-EINVAL, "a blackhole route has no gateway");
		r.port = DP_NO_PORT;
	} else if (ip6_is_zero(r.gw)) {
		if (r.port == DP_NO_PORT)
			return dp_errmsg(-EINVAL, "a route needs a gateway or a device");
		r.scope = RT_SCOPE_LINK;
	}
	return route6_add(&r, rq->nlh->nlmsg_flags & (NLM_F_EXCL | NLM_F_REPLACE));
}

int
route6_nl_del(struct ctl_req *rq)
{
	struct route_match m;
	struct route6 r;
	int ret;

	ret = route6_parse(rq, &r, &m);
	if (ret != 0)
		return ret;
	return route6_del(&r, &m);
}

static void
route6_put(struct ctl_req *rq, const struct route6 *r, uint16_t flags)
{
	struct rtmsg rtm = {
		.rtm_family = AF_INET6,
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
		mnl_attr_put(nlh, RTA_DST, 16, r->dst);
	mnl_attr_put_u32(nlh, RTA_PRIORITY, r->metric);
	if (!ip6_is_zero(r->gw))
		mnl_attr_put(nlh, RTA_GATEWAY, 16, r->gw);
	if (r->port < DP_MAX_PORTS)
		mnl_attr_put_u32(nlh, RTA_OIF, r->port + 1u);
	if (!ip6_is_zero(r->prefsrc))
		mnl_attr_put(nlh, RTA_PREFSRC, 16, r->prefsrc);
	ctl_msg_end(rq, nlh);
}

static int
route6_dump_cb(const struct route6 *r, void *arg)
{
	struct ctl_req *rq = arg;

	if (ctl_dump_full(rq))
		return CTL_DUMP_MORE;
	route6_put(rq, r, NLM_F_MULTI);
	return rq->err != 0 ? -1 : 0;
}

/* `ip -6 route get`: what the fast path would do for one address. */
static int
route6_get_one(struct ctl_req *rq, const struct rtmsg *req, const struct nlattr **tb)
{
	struct nlmsghdr *nlh;
	struct rtmsg rtm;
	struct route6 r;
	uint8_t ip[16], src[16];
	bool has_src;
	int ret;

	if (tb[RTA_DST] == NULL || (req->rtm_dst_len != 0 && req->rtm_dst_len != 128))
		return -EINVAL;
	memcpy(ip, mnl_attr_get_payload(tb[RTA_DST]), 16);
	if (ip6_link_local(ip) || ip6_multicast(ip)) {
		/* Not routed: on the link the request names. */
		if (tb[RTA_OIF] == NULL)
			return dp_errmsg(-EINVAL, "a link-local or multicast address needs a device");
		ret = ctl_port_slot(mnl_attr_get_u32(tb[RTA_OIF]));
		if (ret < 0)
			return ret;
		memset(&r, 0, sizeof(r));
		r.port = (uint16_t)ret;
		r.type = addr6_on_port(addrs6_get(), r.port, ip) ? RTN_LOCAL : RTN_UNICAST;
		r.scope = RT_SCOPE_LINK;
		r.protocol = SLUICE_RTPROT_CONNECTED;
	} else {
		ret = route6_get(ip, &r);
		if (ret != 0)
			return ret;
	}
	has_src = r.type == RTN_LOCAL ? (memcpy(src, ip, 16), true) :
		  !ip6_is_zero(r.prefsrc) ? (memcpy(src, r.prefsrc, 16), true) :
		  r.port < DP_MAX_PORTS && addr6_source(addrs6_get(), r.port, ip, src);

	memset(&rtm, 0, sizeof(rtm));
	rtm.rtm_family = AF_INET6;
	rtm.rtm_dst_len = 128;
	rtm.rtm_table = RT_TABLE_MAIN;
	rtm.rtm_protocol = r.protocol;
	rtm.rtm_scope = r.scope;
	rtm.rtm_type = r.type;
	rtm.rtm_flags = RTM_F_CLONED;
	nlh = ctl_msg_begin(rq, RTM_NEWROUTE, 0, &rtm, sizeof(rtm));
	mnl_attr_put_u32(nlh, RTA_TABLE, RT_TABLE_MAIN);
	mnl_attr_put(nlh, RTA_DST, 16, ip);
	if (r.port < DP_MAX_PORTS)
		mnl_attr_put_u32(nlh, RTA_OIF, r.port + 1u);
	mnl_attr_put_u32(nlh, RTA_PRIORITY, r.metric);
	if (!ip6_is_zero(r.gw))
		mnl_attr_put(nlh, RTA_GATEWAY, 16, r.gw);
	if (has_src)
		mnl_attr_put(nlh, RTA_PREFSRC, 16, src);
	ctl_msg_end(rq, nlh);
	return 0;
}

/*
 * A dump's place: for AF_UNSPEC, route_nl.c walks IPv4 first, then calls
 * this with the IPv6 walk's place in rq->args (the IPv4 walk's is over).
 */
int
route6_nl_get(struct ctl_req *rq)
{
	const struct rtmsg *req = ctl_payload(rq);
	const struct nlattr *tb[RTA_MAX + 1] = { 0 };

	if (ctl_attr_parse(rq, sizeof(*req), route6_attr_cb, tb) < 0)
		return -EINVAL;
	if (!ctl_is_dump(rq))
		return route6_get_one(rq, req, tb);
	if (!ctl_table_main(req, tb))
		return 0;
	RTE_BUILD_BUG_ON(sizeof(struct route6_pos) > (CTL_DUMP_ARGS - 1) * sizeof(uint64_t));
	return route6_walk_from((struct route6_pos *)rq->args, route6_dump_cb, rq) ==
	       CTL_DUMP_MORE ? CTL_DUMP_MORE : 0;
}
