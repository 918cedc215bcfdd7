/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Encode the grammar's structs into proto.h's messages and decode replies
 * back.  Addresses go to network order on the wire, ports stay host order
 * (proto.h says so for the project attributes).
 */
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>

#include "nlmsg.h"

#define TB_MAX 64	/* IFLA_PARENT_DEV_NAME is 56 */

/* The project's link attributes (SLUICE_IFLA_*) have slots of their own. */
#define TB_PROJ 2

struct tb {
	const struct nlattr *a[TB_MAX + 1];
	const struct nlattr *proj[TB_PROJ];
	unsigned max;
};

static int
tb_cb(const struct nlattr *attr, void *data)
{
	struct tb *tb = data;
	unsigned t = mnl_attr_get_type(attr);

	if (t <= tb->max && t <= TB_MAX)
		tb->a[t] = attr;
	else if (t >= SLUICE_IFLA_HOST && t < SLUICE_IFLA_HOST + TB_PROJ)
		tb->proj[t - SLUICE_IFLA_HOST] = attr;
	return MNL_CB_OK;
}

/* Parse the attributes after a family header of famlen bytes. */
static int
tb_parse(const struct nlmsghdr *nlh, size_t famlen, struct tb *tb, unsigned max)
{
	memset(tb, 0, sizeof(*tb));
	tb->max = max;
	if (nlh->nlmsg_len < mnl_nlmsg_size(famlen))
		return -1;
	return mnl_attr_parse(nlh, (unsigned)famlen, tb_cb, tb) < 0 ? -1 : 0;
}

/* The attribute if present with exactly len bytes (len 0: a string). */
static inline const struct nlattr *
tb_get(const struct tb *tb, unsigned type, size_t len, bool *bad)
{
	const struct nlattr *a = tb->a[type];

	if (!a)
		return NULL;
	if (len ? mnl_attr_get_payload_len(a) < len : mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0) {
		*bad = true;
		return NULL;
	}
	return a;
}

#define GET32(tb, t, bad) tb_get(tb, t, 4, bad)

/* An address attribute of the family: 4 bytes (v4, to host order) or 16. */
static void
put_ip(struct nlmsghdr *nlh, uint16_t type, uint8_t family, uint32_t v4, const struct in6_addr *v6)
{
	if (is6(family))
		mnl_attr_put(nlh, type, 16, v6);
	else
		mnl_attr_put_u32(nlh, type, htonl(v4));
}

static const struct nlattr *
get_ip(const struct tb *tb, unsigned type, uint8_t family, uint32_t *v4, struct in6_addr *v6,
       bool *bad)
{
	const struct nlattr *a = tb_get(tb, type, is6(family) ? 16 : 4, bad);

	if (a && is6(family))
		memcpy(v6, mnl_attr_get_payload(a), 16);
	else if (a)
		*v4 = ntohl(mnl_attr_get_u32(a));
	return a;
}

static inline uint8_t
wire_family(uint8_t family)
{
	return is6(family) ? AF_INET6 : AF_INET;
}

static struct nlmsghdr *
begin(void *buf, uint16_t type, uint16_t flags, const void *fam, size_t famlen)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	memcpy(mnl_nlmsg_put_extra_header(nlh, famlen), fam, famlen);
	return nlh;
}

struct nlmsghdr *
nl_link(void *buf, uint16_t type, uint16_t flags, const struct ctl_link *l)
{
	struct ifinfomsg ifi = {
		.ifi_family = AF_UNSPEC,
		.ifi_index = (int)l->ifindex,
		.ifi_flags = l->flags,
		.ifi_change = l->change,
	};
	struct nlmsghdr *nlh = begin(buf, type, flags, &ifi, sizeof(ifi));

	if (l->name[0])
		mnl_attr_put_strz(nlh, IFLA_IFNAME, l->name);
	if (l->device[0])
		mnl_attr_put_strz(nlh, IFLA_PARENT_DEV_NAME, l->device);
	if (l->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, l->mtu);
	if (l->has_mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, l->mac);
	if (l->has_host)
		mnl_attr_put_u8(nlh, SLUICE_IFLA_HOST, l->host);
	if (l->has_ra)
		mnl_attr_put_u8(nlh, SLUICE_IFLA_RA, l->ra);
	return nlh;
}

struct nlmsghdr *
nl_addr(void *buf, uint16_t type, uint16_t flags, const struct ctl_addr *a)
{
	struct ifaddrmsg ifa = {
		.ifa_family = wire_family(a->family),
		.ifa_prefixlen = a->len,
		.ifa_scope = a->scope,
		.ifa_index = a->ifindex,
	};
	struct nlmsghdr *nlh = begin(buf, type, flags, &ifa, sizeof(ifa));

	put_ip(nlh, IFA_LOCAL, a->family, a->addr, &a->addr6);
	put_ip(nlh, IFA_ADDRESS, a->family, a->addr, &a->addr6);
	return nlh;
}

struct nlmsghdr *
nl_route(void *buf, uint16_t type, uint16_t flags, const struct ctl_route *r)
{
	struct rtmsg rtm = {
		.rtm_family = wire_family(r->family),
		.rtm_dst_len = r->dst_len,
		.rtm_table = RT_TABLE_MAIN,
		.rtm_protocol = r->protocol,
		.rtm_scope = r->scope,
		.rtm_type = r->type,
	};
	struct nlmsghdr *nlh = begin(buf, type, flags, &rtm, sizeof(rtm));

	if (r->dst_len)
		put_ip(nlh, RTA_DST, r->family, r->dst, &r->dst6);
	if (is6(r->family) ? !ip6_unspec(&r->gw6) : r->gw != 0)
		put_ip(nlh, RTA_GATEWAY, r->family, r->gw, &r->gw6);
	if (r->oif)
		mnl_attr_put_u32(nlh, RTA_OIF, r->oif);
	if (r->metric || r->has_metric)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, r->metric);
	return nlh;
}

struct nlmsghdr *
nl_neigh(void *buf, uint16_t type, uint16_t flags, const struct ctl_neigh *n)
{
	struct ndmsg ndm = {
		.ndm_family = n->family == AF_UNSPEC && !n->addr ? AF_UNSPEC : wire_family(n->family),
		.ndm_ifindex = (int)n->ifindex,
		.ndm_state = n->state,
	};
	struct nlmsghdr *nlh = begin(buf, type, flags, &ndm, sizeof(ndm));

	if (is6(n->family) ? !ip6_unspec(&n->addr6) : n->addr != 0)
		put_ip(nlh, NDA_DST, n->family, n->addr, &n->addr6);
	if (n->has_lladdr)
		mnl_attr_put(nlh, NDA_LLADDR, 6, n->lladdr);
	return nlh;
}

struct nlmsghdr *
nl_natrule(void *buf, uint16_t type, uint16_t flags, const struct ctl_natrule *r)
{
	struct sluicemsg sm = { .sm_family = AF_INET };
	struct nlmsghdr *nlh = begin(buf, type, flags, &sm, sizeof(sm));

	if (r->id)
		mnl_attr_put_u32(nlh, SLUICE_NATA_ID, r->id);
	if (!r->kind)
		return nlh;	/* delete by id */
	mnl_attr_put_u8(nlh, SLUICE_NATA_KIND, r->kind);
	mnl_attr_put_u32(nlh, SLUICE_NATA_IFINDEX, r->ifindex);
	if (r->has_src) {
		mnl_attr_put_u32(nlh, SLUICE_NATA_SRC, htonl(r->src));
		mnl_attr_put_u8(nlh, SLUICE_NATA_SRC_LEN, r->src_len);
	}
	if (r->kind != SLUICE_NAT_MASQUERADE) {
		mnl_attr_put_u32(nlh, SLUICE_NATA_ADDR_MIN, htonl(r->addr_min));
		mnl_attr_put_u32(nlh, SLUICE_NATA_ADDR_MAX, htonl(r->addr_max));
	}
	if (r->port_min) {
		mnl_attr_put_u16(nlh, SLUICE_NATA_PORT_MIN, r->port_min);
		mnl_attr_put_u16(nlh, SLUICE_NATA_PORT_MAX, r->port_max);
	}
	if (r->kind == SLUICE_NAT_DNAT) {
		mnl_attr_put_u8(nlh, SLUICE_NATA_PROTO, r->proto);
		mnl_attr_put_u16(nlh, SLUICE_NATA_DPORT_MIN, r->dport_min);
		mnl_attr_put_u16(nlh, SLUICE_NATA_DPORT_MAX, r->dport_max);
	}
	mnl_attr_put_u8(nlh, SLUICE_NATA_FILTER, r->filter);
	return nlh;
}

struct nlmsghdr *
nl_natconf(void *buf, uint16_t flags, const struct ctl_natconf *c)
{
	struct sluicemsg sm = { .sm_family = AF_INET };
	struct nlmsghdr *nlh = begin(buf, SLUICE_SETNATCONF, flags, &sm, sizeof(sm));

	for (unsigned i = 1; i <= SLUICE_NATC_MAX; i++)
		if (c->has[i])
			mnl_attr_put_u32(nlh, (uint16_t)i, c->v[i]);
	return nlh;
}

struct nlmsghdr *
nl_simple(void *buf, uint16_t type, uint16_t flags, uint32_t limit)
{
	struct nlmsghdr *nlh = nl_simple_af(buf, type, flags, AF_UNSPEC);

	if (type == SLUICE_GETNATSESS && limit)
		mnl_attr_put_u32(nlh, SLUICE_NATS_LIMIT, limit);
	return nlh;
}

struct nlmsghdr *
nl_simple_af(void *buf, uint16_t type, uint16_t flags, uint8_t family)
{
	union {
		struct ifinfomsg ifi;
		struct ifaddrmsg ifa;
		struct rtmsg rtm;
		struct ndmsg ndm;
		struct sluicemsg sm;
	} fam;
	size_t len;
	struct nlmsghdr *nlh;

	memset(&fam, 0, sizeof(fam));
	switch (type) {
	case RTM_GETLINK:  len = sizeof(fam.ifi); fam.ifi.ifi_family = AF_UNSPEC; break;
	case RTM_GETADDR:  len = sizeof(fam.ifa); fam.ifa.ifa_family = family; break;
	case RTM_GETROUTE: len = sizeof(fam.rtm); fam.rtm.rtm_family = family; break;
	case RTM_GETNEIGH:
	case RTM_DELNEIGH: len = sizeof(fam.ndm); fam.ndm.ndm_family = family; break;
	default:           len = sizeof(fam.sm); fam.sm.sm_family = AF_INET; break;
	}
	nlh = begin(buf, type, flags, &fam, len);
	return nlh;
}

int
nl_parse_link(const struct nlmsghdr *nlh, struct ctl_link *l)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	struct tb tb;
	bool bad = false;

	memset(l, 0, sizeof(*l));
	if (tb_parse(nlh, sizeof(*ifi), &tb, IFLA_PARENT_DEV_NAME) < 0)
		return -1;
	l->ifindex = (uint32_t)ifi->ifi_index;
	l->flags = ifi->ifi_flags;
	if ((a = tb_get(&tb, IFLA_IFNAME, 0, &bad)))
		snprintf(l->name, sizeof(l->name), "%s", mnl_attr_get_str(a));
	if ((a = tb_get(&tb, IFLA_PARENT_DEV_NAME, 0, &bad)))
		snprintf(l->device, sizeof(l->device), "%s", mnl_attr_get_str(a));
	if ((a = GET32(&tb, IFLA_MTU, &bad)))
		l->mtu = mnl_attr_get_u32(a);
	if ((a = tb_get(&tb, IFLA_ADDRESS, 6, &bad))) {
		memcpy(l->mac, mnl_attr_get_payload(a), 6);
		l->has_mac = true;
	}
	if ((a = tb_get(&tb, IFLA_OPERSTATE, 1, &bad)))
		l->operstate = mnl_attr_get_u8(a);
	if ((a = tb_get(&tb, IFLA_STATS64, 64, &bad))) {
		size_t n = mnl_attr_get_payload_len(a);

		memcpy(&l->stats, mnl_attr_get_payload(a), n < sizeof(l->stats) ? n : sizeof(l->stats));
		l->has_stats = true;
	}
	if ((a = tb.proj[0]) && mnl_attr_get_payload_len(a) >= 1) {
		l->has_host = true;
		l->host = mnl_attr_get_u8(a) != 0;
	}
	if ((a = tb.proj[SLUICE_IFLA_HOST_IFINDEX - SLUICE_IFLA_HOST]) &&
	    mnl_attr_get_payload_len(a) >= 4)
		l->host_ifindex = mnl_attr_get_u32(a);
	/* Project attributes lie past the table's reach. */
	mnl_attr_for_each(a, nlh, sizeof(*ifi)) {
		uint16_t t = mnl_attr_get_type(a);

		if (t != SLUICE_IFLA_RA && t != SLUICE_IFLA_RA_YIELDED)
			continue;
		if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
			return -1;
		if (t == SLUICE_IFLA_RA_YIELDED) {
			l->ra_yielded = mnl_attr_get_u8(a) != 0;
			continue;
		}
		l->has_ra = true;
		l->ra = mnl_attr_get_u8(a) != 0;
	}
	return bad ? -1 : 0;
}

int
nl_parse_addr(const struct nlmsghdr *nlh, struct ctl_addr *ad)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	struct tb tb;
	bool bad = false;

	memset(ad, 0, sizeof(*ad));
	if (tb_parse(nlh, sizeof(*ifa), &tb, IFA_PROTO) < 0)
		return -1;
	ad->family = wire_family(ifa->ifa_family);
	ad->len = ifa->ifa_prefixlen;
	ad->scope = ifa->ifa_scope;
	ad->ifindex = ifa->ifa_index;
	if (!get_ip(&tb, IFA_LOCAL, ad->family, &ad->addr, &ad->addr6, &bad))
		get_ip(&tb, IFA_ADDRESS, ad->family, &ad->addr, &ad->addr6, &bad);
	if ((a = tb_get(&tb, IFA_LABEL, 0, &bad)))
		snprintf(ad->dev, sizeof(ad->dev), "%s", mnl_attr_get_str(a));
	if ((a = tb_get(&tb, IFA_PROTO, 1, &bad)))
		ad->proto = mnl_attr_get_u8(a);
	return bad || ad->len > (is6(ad->family) ? 128 : 32) ? -1 : 0;

}

int
nl_parse_route(const struct nlmsghdr *nlh, struct ctl_route *r)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	struct tb tb;
	bool bad = false;

	memset(r, 0, sizeof(*r));
	if (tb_parse(nlh, sizeof(*rtm), &tb, RTA_PREFSRC > RTA_PRIORITY ? RTA_PREFSRC : RTA_PRIORITY) < 0)
		return -1;
	r->family = wire_family(rtm->rtm_family);
	r->dst_len = rtm->rtm_dst_len;
	r->type = rtm->rtm_type;
	r->protocol = rtm->rtm_protocol;
	r->scope = rtm->rtm_scope;
	r->flags = rtm->rtm_flags;
	get_ip(&tb, RTA_DST, r->family, &r->dst, &r->dst6, &bad);
	get_ip(&tb, RTA_GATEWAY, r->family, &r->gw, &r->gw6, &bad);
	if ((a = GET32(&tb, RTA_OIF, &bad)))
		r->oif = mnl_attr_get_u32(a);
	if ((a = GET32(&tb, RTA_PRIORITY, &bad))) {
		r->metric = mnl_attr_get_u32(a);
		r->has_metric = true;
	}
	get_ip(&tb, RTA_PREFSRC, r->family, &r->prefsrc, &r->prefsrc6, &bad);
	return bad || r->dst_len > (is6(r->family) ? 128 : 32) ? -1 : 0;
}

int
nl_parse_neigh(const struct nlmsghdr *nlh, struct ctl_neigh *n)
{
	const struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	struct tb tb;
	bool bad = false;

	memset(n, 0, sizeof(*n));
	if (tb_parse(nlh, sizeof(*ndm), &tb, NDA_LLADDR) < 0)
		return -1;
	n->family = wire_family(ndm->ndm_family);
	n->ifindex = (uint32_t)ndm->ndm_ifindex;
	n->state = ndm->ndm_state;
	get_ip(&tb, NDA_DST, n->family, &n->addr, &n->addr6, &bad);
	if ((a = tb_get(&tb, NDA_LLADDR, 6, &bad))) {
		memcpy(n->lladdr, mnl_attr_get_payload(a), 6);
		n->has_lladdr = true;
	}
	return bad ? -1 : 0;
}

static inline uint8_t
get8(const struct tb *tb, unsigned t, bool *bad)
{
	const struct nlattr *a = tb_get(tb, t, 1, bad);

	return a ? mnl_attr_get_u8(a) : 0;
}

static inline uint16_t
get16(const struct tb *tb, unsigned t, bool *bad)
{
	const struct nlattr *a = tb_get(tb, t, 2, bad);

	return a ? mnl_attr_get_u16(a) : 0;
}

static inline uint32_t
get32(const struct tb *tb, unsigned t, bool *bad)
{
	const struct nlattr *a = tb_get(tb, t, 4, bad);

	return a ? mnl_attr_get_u32(a) : 0;
}

int
nl_parse_natrule(const struct nlmsghdr *nlh, struct ctl_natrule *r)
{
	struct tb tb;
	bool bad = false;

	memset(r, 0, sizeof(*r));
	if (tb_parse(nlh, sizeof(struct sluicemsg), &tb, SLUICE_NATA_MAX) < 0)
		return -1;
	r->id = get32(&tb, SLUICE_NATA_ID, &bad);
	r->kind = get8(&tb, SLUICE_NATA_KIND, &bad);
	r->ifindex = get32(&tb, SLUICE_NATA_IFINDEX, &bad);
	if (tb.a[SLUICE_NATA_SRC_LEN]) {
		r->has_src = true;
		r->src = ntohl(get32(&tb, SLUICE_NATA_SRC, &bad));
		r->src_len = get8(&tb, SLUICE_NATA_SRC_LEN, &bad);
	}
	r->addr_min = ntohl(get32(&tb, SLUICE_NATA_ADDR_MIN, &bad));
	r->addr_max = ntohl(get32(&tb, SLUICE_NATA_ADDR_MAX, &bad));
	r->port_min = get16(&tb, SLUICE_NATA_PORT_MIN, &bad);
	r->port_max = get16(&tb, SLUICE_NATA_PORT_MAX, &bad);
	r->proto = get8(&tb, SLUICE_NATA_PROTO, &bad);
	r->dport_min = get16(&tb, SLUICE_NATA_DPORT_MIN, &bad);
	r->dport_max = get16(&tb, SLUICE_NATA_DPORT_MAX, &bad);
	r->filter = get8(&tb, SLUICE_NATA_FILTER, &bad);
	return bad ? -1 : 0;
}

int
nl_parse_natsess(const struct nlmsghdr *nlh, struct ctl_natsess *s)
{
	const struct nlattr *a;
	struct tb tb;
	bool bad = false;

	memset(s, 0, sizeof(*s));
	if (tb_parse(nlh, sizeof(struct sluicemsg), &tb, SLUICE_NATS_MAX) < 0)
		return -1;
	s->proto = get8(&tb, SLUICE_NATS_PROTO, &bad);
	s->state = get8(&tb, SLUICE_NATS_STATE, &bad);
	s->in_addr = ntohl(get32(&tb, SLUICE_NATS_IN_ADDR, &bad));
	s->out_addr = ntohl(get32(&tb, SLUICE_NATS_OUT_ADDR, &bad));
	s->rem_addr = ntohl(get32(&tb, SLUICE_NATS_REM_ADDR, &bad));
	s->in_port = get16(&tb, SLUICE_NATS_IN_PORT, &bad);
	s->out_port = get16(&tb, SLUICE_NATS_OUT_PORT, &bad);
	s->rem_port = get16(&tb, SLUICE_NATS_REM_PORT, &bad);
	s->idle = get32(&tb, SLUICE_NATS_IDLE, &bad);
	if ((a = tb_get(&tb, SLUICE_NATS_PACKETS, 8, &bad)))
		s->packets = mnl_attr_get_u64(a);
	return bad ? -1 : 0;
}

int
nl_parse_natconf(const struct nlmsghdr *nlh, struct ctl_natconf *c)
{
	struct tb tb;
	bool bad = false;

	memset(c, 0, sizeof(*c));
	if (tb_parse(nlh, sizeof(struct sluicemsg), &tb, SLUICE_NATC_MAX) < 0)
		return -1;
	for (unsigned i = 1; i <= SLUICE_NATC_MAX; i++) {
		if (!tb.a[i])
			continue;
		c->v[i] = get32(&tb, i, &bad);
		c->has[i] = true;
	}
	return bad ? -1 : 0;
}

struct stats_walk {
	nl_stat_fn fn;
	nl_worker_fn wfn;
	void *arg;
	int bad;
};

/* Every attribute of a SLUICE_GETSTATS message through cb. */
static int
stats_walk(const struct nlmsghdr *nlh, mnl_attr_cb_t cb, struct stats_walk *w)
{
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct sluicemsg)))
		return -1;
	if (mnl_attr_parse(nlh, sizeof(struct sluicemsg), cb, w) < 0)
		return -1;
	return w->bad ? -1 : 0;
}

static int
stats_cb(const struct nlattr *attr, void *data)
{
	struct stats_walk *w = data;
	int group = mnl_attr_get_type(attr);
	const char *name = NULL;
	uint64_t value = 0;
	bool has_value = false;
	const struct nlattr *in;

	if (group != SLUICE_STATSA_DROP && group != SLUICE_STATSA_NAT && group != SLUICE_STATSA_POOL &&
	    group != SLUICE_STATSA_CTL && group != SLUICE_STATSA_ROUTES &&
	    group != SLUICE_STATSA_HOST)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0) {
		w->bad = 1;
		return MNL_CB_OK;
	}
	mnl_attr_for_each_nested(in, attr) {
		if (mnl_attr_get_type(in) == SLUICE_STATSA_NAME &&
		    mnl_attr_validate(in, MNL_TYPE_NUL_STRING) == 0)
			name = mnl_attr_get_str(in);
		else if (mnl_attr_get_type(in) == SLUICE_STATSA_VALUE &&
			 mnl_attr_validate(in, MNL_TYPE_U64) == 0) {
			value = mnl_attr_get_u64(in);
			has_value = true;
		}
	}
	if (name && has_value)
		w->fn(w->arg, group, name, value);
	else
		w->bad = 1;
	return MNL_CB_OK;
}

int
nl_parse_stats(const struct nlmsghdr *nlh, nl_stat_fn fn, void *arg)
{
	struct stats_walk w = { .fn = fn, .arg = arg };

	return stats_walk(nlh, stats_cb, &w);
}

static int
worker_cb(const struct nlattr *attr, void *data)
{
	struct stats_walk *w = data;
	uint64_t v[SLUICE_STATSA_MAX + 1] = { 0 };
	unsigned int seen = 0;
	const struct nlattr *in;

	if (mnl_attr_get_type(attr) != SLUICE_STATSA_WORKER)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0) {
		w->bad = 1;
		return MNL_CB_OK;
	}
	mnl_attr_for_each_nested(in, attr) {
		uint16_t t = mnl_attr_get_type(in);

		if (t == SLUICE_STATSA_LCORE && mnl_attr_validate(in, MNL_TYPE_U32) == 0)
			v[t] = mnl_attr_get_u32(in);
		else if ((t == SLUICE_STATSA_POLLS || t == SLUICE_STATSA_BUSY_POLLS ||
			  t == SLUICE_STATSA_INTR_WAKES) &&
			 mnl_attr_validate(in, MNL_TYPE_U64) == 0)
			v[t] = mnl_attr_get_u64(in);
		else
			continue;
		seen |= 1u << t;
	}
	if (seen != (1u << SLUICE_STATSA_LCORE | 1u << SLUICE_STATSA_POLLS |
		     1u << SLUICE_STATSA_BUSY_POLLS | 1u << SLUICE_STATSA_INTR_WAKES))
		w->bad = 1;
	else
		w->wfn(w->arg, (uint32_t)v[SLUICE_STATSA_LCORE], v[SLUICE_STATSA_POLLS],
		      v[SLUICE_STATSA_BUSY_POLLS], v[SLUICE_STATSA_INTR_WAKES]);
	return MNL_CB_OK;
}

int
nl_parse_workers(const struct nlmsghdr *nlh, nl_worker_fn fn, void *arg)
{
	struct stats_walk w = { .wfn = fn, .arg = arg };

	return stats_walk(nlh, worker_cb, &w);
}
