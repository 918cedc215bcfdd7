/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbours over netlink: RTM_{NEW,DEL,GET}NEIGH with struct ndmsg.
 * RTM_DELNEIGH without NDA_DST is "neigh flush": the learned entries of
 * ndm_ifindex, or of every port when it is 0.  IPv4 (NDA_DST of 4 bytes)
 * and IPv6 (16 bytes, ndm_family AF_INET6) share the table and these
 * handlers; dumps give both families for AF_UNSPEC.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "control.h"
#include "neigh.h"
#include "port.h"

static int
neigh_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, NDA_MAX) < 0)
		return MNL_CB_OK;	/* unknown: skipped, as the kernel does */
	switch (type) {
	case NDA_DST:
		/* 4 bytes (AF_INET) or 16 (AF_INET6): the family's parser
		 * matches it to the family. */
		if (mnl_attr_get_payload_len(a) != 4 && mnl_attr_get_payload_len(a) != 16)
			return dp_errmsg(MNL_CB_ERROR, "NDA_DST has %u bytes: 4 (IPv4) or 16 (IPv6)",
					 mnl_attr_get_payload_len(a));
		break;
	case NDA_LLADDR:
		if (mnl_attr_validate2(a, MNL_TYPE_BINARY, RTE_ETHER_ADDR_LEN) < 0)
			return dp_errmsg(MNL_CB_ERROR, "lladdr has %u bytes: an Ethernet MAC has 6",
					 mnl_attr_get_payload_len(a));
		break;
	default:
		return MNL_CB_OK;
	}
	tb[type] = a;
	return MNL_CB_OK;
}

static int
neigh_parse(struct ctl_req *rq, const struct nlattr **tb)
{
	const struct ndmsg *ndm = ctl_payload(rq);

	if (ctl_attr_parse(rq, sizeof(*ndm), neigh_attr_cb, tb) < 0)
		return -EINVAL;
	if (ndm->ndm_family != AF_INET && ndm->ndm_family != AF_INET6 &&
	    ndm->ndm_family != AF_UNSPEC)
		return dp_errmsg(-EAFNOSUPPORT, "only IPv4 and IPv6 neighbours");
	if (ndm->ndm_ifindex < 0)
		return dp_errmsg(-ENODEV, "no port with index %d", ndm->ndm_ifindex);
	if (tb[NDA_DST] != NULL &&
	    mnl_attr_get_payload_len(tb[NDA_DST]) != (ndm->ndm_family == AF_INET6 ? 16u : 4u))
		return dp_errmsg(-EINVAL, "NDA_DST has %u bytes for %s",
				 ndm->ndm_family == AF_INET6 ? 16u : 4u,
				 ndm->ndm_family == AF_INET6 ? "AF_INET6" : "AF_INET");
	return 0;
}

static inline bool
v6(const struct ctl_req *rq)
{
	return ((const struct ndmsg *)ctl_payload(rq))->ndm_family == AF_INET6;
}

int
neigh_nl_new(struct ctl_req *rq)
{
	const struct ndmsg *ndm = ctl_payload(rq);
	const struct nlattr *tb[NDA_MAX + 1] = { 0 };
	struct rte_ether_addr mac;
	int ret, slot;

	ret = neigh_parse(rq, tb);
	if (ret != 0)
		return ret;
	if (ndm->ndm_ifindex == 0 || tb[NDA_DST] == NULL || tb[NDA_LLADDR] == NULL)
		return dp_errmsg(-EINVAL, "a neighbour needs an address, a lladdr and a port");
	slot = ctl_port_slot((uint32_t)ndm->ndm_ifindex);
	if (slot < 0)
		return slot;
	memcpy(&mac, mnl_attr_get_payload(tb[NDA_LLADDR]), sizeof(mac));
	if (!rte_is_valid_assigned_ether_addr(&mac))
		return dp_errmsg(-EINVAL, "lladdr %02x:%02x:%02x:%02x:%02x:%02x is %s: no "
				 "neighbour has it", RTE_ETHER_ADDR_BYTES(&mac),
				 rte_is_zero_ether_addr(&mac) ? "zero" : "multicast");
	if (v6(rq))
		return neigh6_add((uint16_t)slot, mnl_attr_get_payload(tb[NDA_DST]), &mac,
				  (ndm->ndm_state & NUD_PERMANENT) != 0,
				  rq->nlh->nlmsg_flags & (NLM_F_EXCL | NLM_F_REPLACE | NLM_F_CREATE));
	return neigh_add((uint16_t)slot, ntohl(mnl_attr_get_u32(tb[NDA_DST])), &mac,
			 (ndm->ndm_state & NUD_PERMANENT) != 0,
			 rq->nlh->nlmsg_flags & (NLM_F_EXCL | NLM_F_REPLACE | NLM_F_CREATE));
}

int
neigh_nl_del(struct ctl_req *rq)
{
	const struct ndmsg *ndm = ctl_payload(rq);
	const struct nlattr *tb[NDA_MAX + 1] = { 0 };
	uint32_t ip;
	int ret, slot = -1;

	ret = neigh_parse(rq, tb);
	if (ret != 0)
		return ret;
	if (ndm->ndm_ifindex != 0) {
		slot = ctl_port_slot((uint32_t)ndm->ndm_ifindex);
		if (slot < 0)
			return slot;
	}
	if (tb[NDA_DST] == NULL) {
		neigh_flush_family(slot < 0 ? DP_NO_PORT : (uint16_t)slot, ndm->ndm_family);
		return 0;
	}
	if (v6(rq)) {
		const uint8_t *ip6 = mnl_attr_get_payload(tb[NDA_DST]);

		if (slot >= 0)
			return neigh6_del((uint16_t)slot, ip6);
		ret = -ENOENT;
		for (uint16_t i = 0; i < DP_MAX_PORTS; i++)
			if (ports[i].used && neigh6_del(i, ip6) == 0)
				ret = 0;
		return ret;
	}
	ip = ntohl(mnl_attr_get_u32(tb[NDA_DST]));
	if (slot >= 0)
		return neigh_del((uint16_t)slot, ip);
	/* No port named: the address on whichever port has it. */
	ret = -ENOENT;
	for (uint16_t i = 0; i < DP_MAX_PORTS; i++)
		if (ports[i].used && neigh_del(i, ip) == 0)
			ret = 0;
	return ret;
}

struct neigh_dump {
	struct ctl_req *rq;
	uint16_t flags;
	int slot;		/* -1: every port */
	uint8_t family;		/* AF_UNSPEC: both */
	uint8_t ip[16];		/* single get: this address only (IPv4-mapped) */
	bool one;
	bool found;
};

static int
neigh_put_cb(const struct neigh_info *n, void *arg)
{
	struct neigh_dump *d = arg;
	struct ndmsg ndm = {
		.ndm_family = n->family,
		.ndm_ifindex = n->port + 1,
		.ndm_state = n->state,
		.ndm_type = RTN_UNICAST,
	};
	struct nlmsghdr *nlh;

	if (d->slot >= 0 && n->port != d->slot)
		return 0;
	if (d->family != AF_UNSPEC && n->family != d->family)
		return 0;
	if (d->one && memcmp(n->a, d->ip, 16) != 0)
		return 0;
	if (!d->one && ctl_dump_full(d->rq))
		return CTL_DUMP_MORE;	/* n comes first next time */
	nlh = ctl_msg_begin(d->rq, RTM_NEWNEIGH, d->flags, &ndm, sizeof(ndm));
	if (n->family == AF_INET)
		mnl_attr_put_u32(nlh, NDA_DST, htonl(n->ip));
	else
		mnl_attr_put(nlh, NDA_DST, 16, n->a);
	if (!(n->state & (NUD_INCOMPLETE | NUD_FAILED | NUD_NONE)))
		mnl_attr_put(nlh, NDA_LLADDR, RTE_ETHER_ADDR_LEN, &n->mac);
	ctl_msg_end(d->rq, nlh);
	d->found = true;
	return d->one || d->rq->err != 0;
}

int
neigh_nl_get(struct ctl_req *rq)
{
	const struct ndmsg *ndm = ctl_payload(rq);
	const struct nlattr *tb[NDA_MAX + 1] = { 0 };
	struct neigh_dump d = { .rq = rq, .flags = ctl_multi(rq), .slot = -1,
				.family = ndm->ndm_family };
	int ret;

	ret = neigh_parse(rq, tb);
	if (ret != 0)
		return ret;
	if (ndm->ndm_ifindex != 0) {
		d.slot = ctl_port_slot((uint32_t)ndm->ndm_ifindex);
		if (d.slot < 0)
			return ctl_is_dump(rq) ? 0 : d.slot;
	}
	if (!ctl_is_dump(rq)) {
		if (tb[NDA_DST] == NULL || d.slot < 0)
			return dp_errmsg(-EINVAL, "a neighbour get needs an address and a port");
		d.one = true;
		if (v6(rq)) {
			memcpy(d.ip, mnl_attr_get_payload(tb[NDA_DST]), 16);
		} else {
			uint32_t be = mnl_attr_get_u32(tb[NDA_DST]);

			d.family = AF_INET;
			d.ip[10] = d.ip[11] = 0xff;
			memcpy(d.ip + 12, &be, 4);
		}
	}
	if (d.one) {
		neigh_walk(neigh_put_cb, &d);
		return d.found ? 0 : -ENOENT;
	}
	RTE_BUILD_BUG_ON(sizeof(struct neigh_pos) > CTL_DUMP_ARGS * sizeof(uint64_t));
	return neigh_walk_from((struct neigh_pos *)rq->args, neigh_put_cb, &d) == CTL_DUMP_MORE ?
	       CTL_DUMP_MORE : 0;
}
