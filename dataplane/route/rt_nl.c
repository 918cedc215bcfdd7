/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Routes over netlink, both families (rt_nl.h): the requests' attributes
 * and checks, the kernel's add and delete semantics, `route get` and the
 * resumable dump.  An AF_UNSPEC dump gives IPv4's routes, then IPv6's.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "ip6_addr.h"	/* ip6_is_zero, ip6_prefix: 16 bytes hold either family */
#include "port.h"
#include "rt_nl.h"

struct rt_nl_attrs {
	const struct rt_nl_family *f;
	const struct nlattr *tb[RTA_MAX + 1];
};

static int
rt_nl_attr_cb(const struct nlattr *a, void *data)
{
	struct rt_nl_attrs *at = data;
	int type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, RTA_MAX) < 0)
		return MNL_CB_OK;	/* unknown: skipped, as the kernel does */
	switch (type) {
	case RTA_DST:
	case RTA_GATEWAY:
	case RTA_PREFSRC:
		if (mnl_attr_validate2(a, MNL_TYPE_BINARY, at->f->alen) < 0)
			return dp_errmsg(MNL_CB_ERROR, "%s", at->f->alen_msg);
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
	at->tb[type] = a;
	return MNL_CB_OK;
}

static const struct rt_nl_family *
family_of(const struct ctl_req *rq)
{
	const struct rtmsg *rtm = ctl_payload(rq);

	return rtm->rtm_family == AF_INET6 ? &rt_nl_inet6 : &rt_nl_inet;
}

/* A NEWROUTE or DELROUTE request as a route and what it names. */
static int
rt_nl_parse(struct ctl_req *rq, const struct rt_nl_family *f, struct rt_nl_route *r,
	    struct route_match *m)
{
	const struct rtmsg *rtm = ctl_payload(rq);
	struct rt_nl_attrs at = { .f = f };
	const struct nlattr **tb = at.tb;
	char s[INET6_ADDRSTRLEN];
	uint8_t net[16];
	int slot;

	if (ctl_attr_parse(rq, sizeof(*rtm), rt_nl_attr_cb, &at) < 0)
		return -EINVAL;
	if (rtm->rtm_family != f->family)
		return -EAFNOSUPPORT;
	if (rtm->rtm_dst_len > f->alen * 8 || rtm->rtm_src_len != 0 || rtm->rtm_type > RTN_MAX)
		return -EINVAL;
	if (!ctl_table_main(rtm, tb))
		return -EOPNOTSUPP;
	if (rtm->rtm_type != RTN_UNSPEC && rtm->rtm_type != RTN_UNICAST &&
	    rtm->rtm_type != RTN_BLACKHOLE &&
	    !(rtm->rtm_type == RTN_UNREACHABLE && f->unreachable))
		return -EOPNOTSUPP;

	memset(r, 0, sizeof(*r));
	memset(m, 0, sizeof(*m));
	r->plen = rtm->rtm_dst_len;
	r->type = rtm->rtm_type;
	r->protocol = rtm->rtm_protocol;
	r->scope = RT_SCOPE_UNIVERSE;
	r->port = DP_NO_PORT;
	if (tb[RTA_DST] != NULL)
		memcpy(r->dst, mnl_attr_get_payload(tb[RTA_DST]), f->alen);
	ip6_prefix(r->dst, r->plen, net);
	if (memcmp(net, r->dst, sizeof(net)) != 0)
		return dp_errmsg(-EINVAL, "invalid prefix %s/%u: host bits set",
				 inet_ntop(f->family, r->dst, s, sizeof(s)), r->plen);
	if (tb[RTA_GATEWAY] != NULL)
		memcpy(r->gw, mnl_attr_get_payload(tb[RTA_GATEWAY]), f->alen);
	if (tb[RTA_OIF] != NULL && mnl_attr_get_u32(tb[RTA_OIF]) != 0) {
		slot = ctl_port_slot(mnl_attr_get_u32(tb[RTA_OIF]));
		if (slot < 0)
			return slot;
		r->port = (uint16_t)slot;
	}
	if (tb[RTA_PRIORITY] != NULL)
		r->metric = mnl_attr_get_u32(tb[RTA_PRIORITY]);

	/* IPv6's metric 0 is 1024, as the kernel stores it: matching any
	 * metric on a delete, 1024 on an add. */
	m->metric = tb[RTA_PRIORITY] != NULL && (f->family == AF_INET || r->metric != 0);
	m->gw = tb[RTA_GATEWAY] != NULL;
	m->port = tb[RTA_OIF] != NULL;
	m->protocol = rtm->rtm_protocol != RTPROT_UNSPEC;
	m->type = rtm->rtm_type != RTN_UNSPEC;
	return 0;
}

int
route_nl_new(struct ctl_req *rq)
{
	const struct rt_nl_family *f = family_of(rq);
	struct route_match m;
	struct rt_nl_route r;
	uint16_t flags;
	int ret;

	ret = rt_nl_parse(rq, f, &r, &m);
	if (ret != 0)
		return ret;
	if (f->family == AF_INET6 && !m.metric)
		r.metric = SLUICE_IP6_METRIC_DEFAULT;
	if (r.type == RTN_UNSPEC)
		r.type = RTN_UNICAST;
	if (r.type == RTN_BLACKHOLE || r.type == RTN_UNREACHABLE) {
		if (!ip6_is_zero(r.gw))
			return dp_errmsg(-EINVAL, "%s route has no gateway",
					 r.type == RTN_BLACKHOLE ? "a blackhole" : "an unreachable");
		r.port = DP_NO_PORT;
	} else if (ip6_is_zero(r.gw)) {
		if (r.port == DP_NO_PORT)
			return dp_errmsg(-EINVAL, "a route needs a gateway or a device");
		r.scope = RT_SCOPE_LINK;
	}
	flags = rq->nlh->nlmsg_flags & (NLM_F_EXCL | NLM_F_REPLACE | NLM_F_CREATE);
	if (f->family == AF_INET)
		flags |= RT_NL_NEED_CREATE;
	return f->change(&r, flags, NULL);
}

int
route_nl_del(struct ctl_req *rq)
{
	const struct rt_nl_family *f = family_of(rq);
	struct route_match m;
	struct rt_nl_route r;
	int ret = rt_nl_parse(rq, f, &r, &m);

	return ret != 0 ? ret : f->change(&r, 0, &m);
}

struct rt_nl_dump {
	struct ctl_req *rq;
	const struct rt_nl_family *f;
};

static int
rt_nl_dump_cb(const struct rt_nl_route *r, void *arg)
{
	const struct rt_nl_dump *d = arg;
	const struct rt_nl_family *f = d->f;
	struct ctl_req *rq = d->rq;
	struct rtmsg rtm = {
		.rtm_family = f->family,
		.rtm_dst_len = r->plen,
		.rtm_table = RT_TABLE_MAIN,
		.rtm_protocol = r->protocol,
		.rtm_scope = r->scope,
		.rtm_type = r->type,
	};
	struct nlmsghdr *nlh;

	if (ctl_dump_full(rq))
		return CTL_DUMP_MORE;	/* r comes first next time */
	/* Through a port that is down: kept, but yielding to a route through a
	 * port that is up.  Without carrier: used still, and marked, as the
	 * kernel marks it. */
	if (r->port < DP_MAX_PORTS && (!ports[r->port].up || port_carrier_lost(r->port)))
		rtm.rtm_flags |= RTNH_F_LINKDOWN;
	nlh = ctl_msg_begin(rq, RTM_NEWROUTE, NLM_F_MULTI, &rtm, sizeof(rtm));
	mnl_attr_put_u32(nlh, RTA_TABLE, RT_TABLE_MAIN);
	if (r->plen > 0)
		mnl_attr_put(nlh, RTA_DST, f->alen, r->dst);
	mnl_attr_put_u32(nlh, RTA_PRIORITY, r->metric);
	if (!ip6_is_zero(r->gw))
		mnl_attr_put(nlh, RTA_GATEWAY, f->alen, r->gw);
	if (r->port < DP_MAX_PORTS)
		mnl_attr_put_u32(nlh, RTA_OIF, r->port + 1u);
	if (!ip6_is_zero(r->prefsrc))
		mnl_attr_put(nlh, RTA_PREFSRC, f->alen, r->prefsrc);
	ctl_msg_end(rq, nlh);
	return rq->err != 0 ? -1 : 0;	/* the client is gone: stop walking */
}

/* RTM_GETROUTE for one address: what the fast path would do, described as
 * `ip route get` does (the address itself as a host route, cloned). */
static int
rt_nl_get_one(struct ctl_req *rq, const struct rt_nl_family *f, const struct rtmsg *req,
	      const struct nlattr *const *tb)
{
	struct nlmsghdr *nlh;
	struct rt_nl_route r;
	struct rtmsg rtm;
	uint8_t ip[16] = { 0 };
	int ret;

	if (tb[RTA_DST] == NULL || (req->rtm_dst_len != 0 && req->rtm_dst_len != f->alen * 8))
		return -EINVAL;
	memcpy(ip, mnl_attr_get_payload(tb[RTA_DST]), f->alen);
	ret = f->get(ip, tb, &r);
	if (ret != 0)
		return ret;
	if (r.type == RTN_LOCAL)
		memcpy(r.prefsrc, ip, sizeof(ip));
	else if (ip6_is_zero(r.prefsrc) && r.port < DP_MAX_PORTS)
		f->source(r.port, ip, r.prefsrc);

	memset(&rtm, 0, sizeof(rtm));
	rtm.rtm_family = f->family;
	rtm.rtm_dst_len = f->alen * 8;
	rtm.rtm_table = RT_TABLE_MAIN;
	rtm.rtm_protocol = r.protocol;
	rtm.rtm_scope = r.scope;
	rtm.rtm_type = r.type;
	rtm.rtm_flags = RTM_F_CLONED;
	/* A port that is down: its packets are port_down drops. */
	if (r.port < DP_MAX_PORTS && (!ports[r.port].up || port_carrier_lost(r.port)))
		rtm.rtm_flags |= RTNH_F_LINKDOWN;
	nlh = ctl_msg_begin(rq, RTM_NEWROUTE, 0, &rtm, sizeof(rtm));
	mnl_attr_put_u32(nlh, RTA_TABLE, RT_TABLE_MAIN);
	mnl_attr_put(nlh, RTA_DST, f->alen, ip);
	if (r.port < DP_MAX_PORTS)
		mnl_attr_put_u32(nlh, RTA_OIF, r.port + 1u);
	if (f->get_metric)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, r.metric);
	if (!ip6_is_zero(r.gw))
		mnl_attr_put(nlh, RTA_GATEWAY, f->alen, r.gw);
	if (!ip6_is_zero(r.prefsrc))
		mnl_attr_put(nlh, RTA_PREFSRC, f->alen, r.prefsrc);
	ctl_msg_end(rq, nlh);
	return 0;
}

/* Where an AF_UNSPEC dump is: the last word of the dump's place. */
#define DUMP_PHASE	RT_NL_POS_WORDS
#define PHASE_IP6	1

/*
 * Whose a GETROUTE is: AF_INET6's, or for AF_UNSPEC a dump past IPv4's
 * routes or a `route get` for a 16-byte address, is IPv6's; the rest
 * IPv4's (which refuses other families).
 */
static const struct rt_nl_family *
get_family(const struct ctl_req *rq)
{
	const struct rtmsg *req = ctl_payload(rq);
	const struct nlattr *a;

	if (req->rtm_family == AF_INET6)
		return &rt_nl_inet6;
	if (req->rtm_family != AF_UNSPEC)
		return &rt_nl_inet;
	if (ctl_is_dump(rq))
		return rq->args[DUMP_PHASE] == PHASE_IP6 ? &rt_nl_inet6 : &rt_nl_inet;
	mnl_attr_for_each(a, rq->nlh, sizeof(*req))
		if (mnl_attr_get_type(a) == RTA_DST && mnl_attr_get_payload_len(a) == 16)
			return &rt_nl_inet6;
	return &rt_nl_inet;
}

int
route_nl_get(struct ctl_req *rq)
{
	const struct rtmsg *req = ctl_payload(rq);
	struct rt_nl_attrs at = { .f = get_family(rq) };
	struct rt_nl_dump d = { .rq = rq, .f = at.f };
	int ret;

	if (ctl_attr_parse(rq, sizeof(*req), rt_nl_attr_cb, &at) < 0)
		return -EINVAL;
	if (req->rtm_family != AF_UNSPEC && req->rtm_family != at.f->family)
		return ctl_is_dump(rq) ? 0 : -EAFNOSUPPORT;
	if (!ctl_is_dump(rq))
		return rt_nl_get_one(rq, at.f, req, at.tb);
	if (!ctl_table_main(req, at.tb))
		return 0;	/* the other tables are empty */
	ret = at.f->walk_from(rq->args, rt_nl_dump_cb, &d);
	if (ret == CTL_DUMP_MORE)
		return CTL_DUMP_MORE;
	if (at.f != &rt_nl_inet || req->rtm_family != AF_UNSPEC || rq->err != 0)
		return 0;
	/* IPv4 is done: IPv6 from its beginning. */
	memset(rq->args, 0, sizeof(uint64_t) * DUMP_PHASE);
	rq->args[DUMP_PHASE] = PHASE_IP6;
	return route_nl_get(rq);
}
