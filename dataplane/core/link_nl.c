/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports and their addresses over netlink: RTM_{NEW,DEL,GET}LINK with
 * struct ifinfomsg and RTM_{NEW,DEL,GET}ADDR with struct ifaddrmsg, as
 * rtnetlink has them.  A port's ifindex is its slot + 1.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if.h>
#include <net/if_arp.h>

#include <rte_ethdev.h>

#include "addr6.h"
#include "arp.h"
#include "control.h"
#include "host.h"
#include "ip6.h"
#include "log.h"
#include "nat.h"
#include "nd.h"
#include "neigh.h"
#include "port.h"
#include "ra.h"

int
ctl_port_slot(uint32_t ifindex)
{
	if (ifindex == 0 || ifindex > DP_MAX_PORTS || !ports[ifindex - 1].used)
		return dp_errmsg(-ENODEV, "no port with index %u", ifindex);
	return (int)ifindex - 1;
}

/* A string attribute: NUL-terminated, not empty, shorter than max. */
static inline int
attr_string(const struct nlattr *a, size_t max)
{
	if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
		return MNL_CB_ERROR;
	if (mnl_attr_get_str(a)[0] == '\0' || strnlen(mnl_attr_get_str(a), max) >= max)
		return MNL_CB_ERROR;
	return MNL_CB_OK;
}

/* The project's link attribute has its slot after the kernel's. */
#define LINK_TB_HOST	(IFLA_MAX + 1)
#define LINK_TB_RA	(IFLA_MAX + 2)
#define LINK_TB_MAX	LINK_TB_RA

static int
link_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);
	int ret = MNL_CB_OK;

	if (type == SLUICE_IFLA_HOST) {
		if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
			return dp_errmsg(MNL_CB_ERROR, "host is a u8 (0 or 1)");
		tb[LINK_TB_HOST] = a;
		return MNL_CB_OK;
	} else if (type == SLUICE_IFLA_RA) {
		if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
			return dp_errmsg(MNL_CB_ERROR, "the RA flag is a u8");
		tb[LINK_TB_RA] = a;
		return MNL_CB_OK;
	}
	if (mnl_attr_type_valid(a, IFLA_MAX) < 0)
		return MNL_CB_OK;	/* unknown: skipped, as the kernel does */
	switch (type) {
	case IFLA_IFNAME:
		ret = attr_string(a, SLUICE_IFNAMSIZ);
		if (ret != MNL_CB_OK)
			dp_errmsg(ret, "a port name is a string of 1 to %u characters",
				  SLUICE_IFNAMSIZ - 1);
		break;
	case IFLA_PARENT_DEV_NAME:
		ret = attr_string(a, SLUICE_DEVARGS_MAX);
		if (ret != MNL_CB_OK)
			dp_errmsg(ret, "a device is a string of 1 to %u characters",
				  SLUICE_DEVARGS_MAX - 1);
		break;
	case IFLA_ADDRESS:
		if (mnl_attr_validate2(a, MNL_TYPE_BINARY, RTE_ETHER_ADDR_LEN) < 0)
			ret = MNL_CB_ERROR;
		break;
	case IFLA_MTU:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			ret = MNL_CB_ERROR;
		else if (mnl_attr_get_u32(a) < SLUICE_MTU_MIN || mnl_attr_get_u32(a) > SLUICE_MTU_MAX)
			ret = dp_errmsg(MNL_CB_ERROR, "MTU %u out of range (%u..%u)",
					mnl_attr_get_u32(a), SLUICE_MTU_MIN, SLUICE_MTU_MAX);
		break;
	default:
		return MNL_CB_OK;
	}
	if (ret == MNL_CB_OK)
		tb[type] = a;
	return ret;
}

/* The port a link request names: by ifi_index when set, else by name. */
static int
link_select(const struct ifinfomsg *ifi, const struct nlattr **tb)
{
	int slot;

	if (ifi->ifi_index != 0) {
		if (ifi->ifi_index < 0)
			return dp_errmsg(-ENODEV, "no port with index %d", ifi->ifi_index);
		slot = ctl_port_slot((uint32_t)ifi->ifi_index);
		if (slot >= 0 && tb[IFLA_IFNAME] != NULL &&
		    strcmp(ports[slot].name, mnl_attr_get_str(tb[IFLA_IFNAME])) != 0)
			return dp_errmsg(-EOPNOTSUPP, "a port cannot be renamed");
		return slot;
	}
	if (tb[IFLA_IFNAME] == NULL)
		return dp_errmsg(-EINVAL, "no port named: neither index nor name");
	slot = port_by_name(mnl_attr_get_str(tb[IFLA_IFNAME]));
	if (slot < 0)
		dp_errmsg(slot, "no port \"%s\"", mnl_attr_get_str(tb[IFLA_IFNAME]));
	return slot;
}

/* The admin state a request asks for, as the kernel combines ifi_flags
 * and ifi_change: -1 when it leaves it alone. */
static inline int
link_want_up(const struct ifinfomsg *ifi)
{
	if (ifi->ifi_change & IFF_UP)
		return (ifi->ifi_flags & IFF_UP) != 0;
	if (ifi->ifi_change == 0 && ifi->ifi_flags != 0)
		return (ifi->ifi_flags & IFF_UP) != 0;
	return -1;
}

/*
 * The table of ports (port.c) tells nobody; a port's coming and going
 * reaches the rest here.  A new port gets its IPv6 link-local address
 * (without it, no neighbour discovery); a port going takes its host
 * interface and IPv6 addresses (a last RA) with it first, then the table
 * drops its IPv4 addresses, routes and neighbours, then its NAT rules go.
 */
static void
link_port_made(uint16_t slot)
{
	if (ports[slot].mtu < IP6_MIN_MTU)
		fprintf(stderr, SD_NOTICE "sluice-dataplane: port %s: MTU %u, under IPv6's "
			"1280: no IPv6 on it\n", ports[slot].name, ports[slot].mtu);
	else if (ip6_port_up(slot) != 0)
		fprintf(stderr, SD_WARNING "sluice-dataplane: port %s: no IPv6 link-local "
			"address: %s\n", ports[slot].name, dp_errmsg_get());
}

static int
link_port_gone(uint16_t slot)
{
	int ret;

	if (!port_used(slot))
		return -ENODEV;
	host_set(slot, false);
	ip6_port_down(slot);
	ret = port_destroy(slot);
	/* Its NAT rules last until no worker forwards through the port:
	 * none of its traffic leaves untranslated. */
	nat_flush_port(slot);
	return ret;
}

static int
link_change(uint16_t slot, const struct ifinfomsg *ifi, const struct nlattr **tb)
{
	struct port *p = &ports[slot];
	int up = link_want_up(ifi), ret;

	/* What a port cannot change once made is accepted only unchanged. */
	if (tb[IFLA_PARENT_DEV_NAME] != NULL &&
	    strcmp(p->devargs, mnl_attr_get_str(tb[IFLA_PARENT_DEV_NAME])) != 0)
		return dp_errmsg(-EOPNOTSUPP, "port %s's device cannot change (remove the port "
				 "and create it again)", p->name);
	if (tb[IFLA_ADDRESS] != NULL &&
	    memcmp(&p->mac, mnl_attr_get_payload(tb[IFLA_ADDRESS]), RTE_ETHER_ADDR_LEN) != 0)
		return dp_errmsg(-EOPNOTSUPP, "port %s's MAC address cannot change (remove the "
				 "port and create it again)", p->name);
	if (tb[IFLA_MTU] != NULL) {
		uint16_t old = p->mtu;

		ret = port_set_mtu(slot, (uint16_t)mnl_attr_get_u32(tb[IFLA_MTU]));
		if (ret != 0)
			return ret;
		ip6_port_mtu_changed(slot, old);
		host_port_changed(slot);
	}
	if (tb[LINK_TB_RA] != NULL)
		ra_set(slot, mnl_attr_get_u8(tb[LINK_TB_RA]) != 0);
	if (up >= 0) {
		bool was_up = p->up;

		if ((ret = port_set_up(slot, up != 0)) != 0)
			return ret;
		/* As the kernel's interface going down: its masquerade's
		 * flows and its learned neighbours are forgotten. */
		if (was_up && !up) {
			nat_port_down(slot);
			neigh_flush(slot);
		} else if (!was_up && up) {
			nat_port_up();
		}
		host_port_changed(slot);
	}
	if (tb[LINK_TB_HOST] != NULL)
		return host_set(slot, mnl_attr_get_u8(tb[LINK_TB_HOST]) != 0);
	return 0;
}

int
link_nl_new(struct ctl_req *rq)
{
	const struct ifinfomsg *ifi = ctl_payload(rq);
	const struct nlattr *tb[LINK_TB_MAX + 1] = { 0 };
	struct rte_ether_addr mac;
	uint16_t slot, mtu = 1500;
	int ret, up;

	if (ctl_attr_parse(rq, sizeof(*ifi), link_attr_cb, tb) < 0)
		return -EINVAL;
	ret = link_select(ifi, tb);
	if (ret >= 0) {
		if (rq->nlh->nlmsg_flags & NLM_F_EXCL)
			return dp_errmsg(-EEXIST, "port \"%s\" exists", ports[ret].name);
		return link_change((uint16_t)ret, ifi, tb);
	}
	if (ret != -ENODEV || ifi->ifi_index != 0)
		return ret;
	if (!(rq->nlh->nlmsg_flags & NLM_F_CREATE))
		return -ENODEV;
	if (tb[IFLA_PARENT_DEV_NAME] == NULL)
		return dp_errmsg(-EINVAL, "a new port needs a device (IFLA_PARENT_DEV_NAME)");
	if (tb[IFLA_ADDRESS] != NULL) {
		memcpy(&mac, mnl_attr_get_payload(tb[IFLA_ADDRESS]), sizeof(mac));
		if (!rte_is_valid_assigned_ether_addr(&mac))	/* as the kernel's errno */
			return dp_errmsg(-EADDRNOTAVAIL, "a port's MAC address may be neither "
					 "multicast nor zero");
	}
	if (tb[IFLA_MTU] != NULL)
		mtu = (uint16_t)mnl_attr_get_u32(tb[IFLA_MTU]);
	ret = port_create(mnl_attr_get_str(tb[IFLA_IFNAME]),
			  mnl_attr_get_str(tb[IFLA_PARENT_DEV_NAME]),
			  tb[IFLA_ADDRESS] != NULL ? &mac : NULL, mtu, &slot);
	if (ret != 0)
		return ret;
	link_port_made(slot);
	up = link_want_up(ifi);
	if (up == 0)
		port_set_up(slot, false);
	if (tb[LINK_TB_RA] != NULL)
		ra_set(slot, mnl_attr_get_u8(tb[LINK_TB_RA]) != 0);
	if (tb[LINK_TB_HOST] != NULL && mnl_attr_get_u8(tb[LINK_TB_HOST]) != 0) {
		/* A port asked for with a host interface is not left without. */
		ret = host_set(slot, true);
		if (ret != 0) {
			char why[DP_ERRMSG_MAX];

			snprintf(why, sizeof(why), "%s", dp_errmsg_get());
			link_port_gone(slot);
			return dp_errmsg(ret, "%s", why);
		}
	}
	return 0;
}

int
link_nl_del(struct ctl_req *rq)
{
	const struct ifinfomsg *ifi = ctl_payload(rq);
	const struct nlattr *tb[LINK_TB_MAX + 1] = { 0 };
	int slot;

	if (ctl_attr_parse(rq, sizeof(*ifi), link_attr_cb, tb) < 0)
		return -EINVAL;
	slot = link_select(ifi, tb);
	if (slot < 0)
		return slot;
	return link_port_gone((uint16_t)slot);
}

/*
 * rtnl_link_stats64 as the kernel fills it: packets and bytes the router
 * took and sent; rx_dropped, frames it refused at the Ethernet layer (not
 * for us, runts, unsupported ethertypes) and those the kernel interface
 * under the device refused (over its MTU); tx_dropped, frames the device
 * queue did not take or the port was down for, and those the kernel
 * interface under the device lost; rx_missed_errors, rx_errors and
 * tx_errors, what the device lost or refused (see port_dev_stats).
 */
static void
link_stats(uint16_t slot, struct rtnl_link_stats64 *s)
{
	struct port_dev_stats d;

	memset(s, 0, sizeof(*s));
	for (unsigned int l = 0; l < RTE_MAX_LCORE; l++) {
		const struct port_counters *c = &dp.counters[l].port[slot];

		s->rx_packets += c->rx_packets;
		s->rx_bytes += c->rx_bytes;
		s->rx_dropped += c->rx_dropped;
		s->tx_packets += c->tx_packets;
		s->tx_bytes += c->tx_bytes;
		s->tx_dropped += c->tx_dropped;
	}
	port_dev_stats(slot, &d);
	s->rx_missed_errors = d.rx_missed;
	s->rx_errors = d.rx_errors;
	s->tx_errors = d.tx_errors;
	s->rx_dropped += d.rx_dropped;
	s->tx_dropped += d.tx_dropped;
}

static void
link_put(struct ctl_req *rq, uint16_t slot, uint16_t flags)
{
	static const uint8_t bcast[RTE_ETHER_ADDR_LEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	const struct port *p = &ports[slot];
	struct ifinfomsg ifi = {
		.ifi_family = AF_UNSPEC,
		.ifi_type = ARPHRD_ETHER,
		.ifi_index = slot + 1,
	};
	bool carrier = p->up && rte_eth_dev_is_valid_port(p->eth_port) && port_link_up(slot);
	struct rtnl_link_stats64 st;
	struct nlmsghdr *nlh;

	ifi.ifi_flags = IFF_BROADCAST | IFF_MULTICAST;
	if (p->up)
		ifi.ifi_flags |= IFF_UP;
	if (carrier)
		ifi.ifi_flags |= IFF_RUNNING | IFF_LOWER_UP;
	link_stats(slot, &st);

	nlh = ctl_msg_begin(rq, RTM_NEWLINK, flags, &ifi, sizeof(ifi));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, p->name);
	mnl_attr_put_strz(nlh, IFLA_PARENT_DEV_NAME, p->devargs);
	mnl_attr_put(nlh, IFLA_ADDRESS, RTE_ETHER_ADDR_LEN, &p->mac);
	mnl_attr_put(nlh, IFLA_BROADCAST, RTE_ETHER_ADDR_LEN, bcast);
	mnl_attr_put_u32(nlh, IFLA_MTU, p->mtu);
	mnl_attr_put_u8(nlh, IFLA_OPERSTATE, carrier ? IF_OPER_UP : IF_OPER_DOWN);
	mnl_attr_put(nlh, IFLA_STATS64, sizeof(st), &st);
	mnl_attr_put_u8(nlh, SLUICE_IFLA_HOST, host_ifs[slot].fd >= 0);
	if (host_ifs[slot].fd >= 0)
		mnl_attr_put_u32(nlh, SLUICE_IFLA_HOST_IFINDEX, (uint32_t)host_ifs[slot].ifindex);
	mnl_attr_put_u8(nlh, SLUICE_IFLA_RA, ra_enabled(slot));
	if (ra_yielded(slot))
		mnl_attr_put_u8(nlh, SLUICE_IFLA_RA_YIELDED, 1);
	ctl_msg_end(rq, nlh);
}

int
link_nl_get(struct ctl_req *rq)
{
	const struct ifinfomsg *ifi = ctl_payload(rq);
	const struct nlattr *tb[LINK_TB_MAX + 1] = { 0 };
	int slot;

	if (ctl_attr_parse(rq, sizeof(*ifi), link_attr_cb, tb) < 0)
		return -EINVAL;
	if (ctl_is_dump(rq)) {
		for (uint16_t i = 0; i < DP_MAX_PORTS && rq->err == 0; i++)
			if (ports[i].used)
				link_put(rq, i, NLM_F_MULTI);
		return 0;
	}
	slot = link_select(ifi, tb);
	if (slot < 0)
		return slot;
	link_put(rq, (uint16_t)slot, 0);
	return 0;
}

/* ---- addresses -------------------------------------------------------- */

static int
addr_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, IFA_MAX) < 0)
		return MNL_CB_OK;
	switch (type) {
	case IFA_ADDRESS:
	case IFA_LOCAL:
		/* 4 bytes (AF_INET) or 16 (AF_INET6): addr_parse matches it
		 * to the family. */
		if (mnl_attr_get_payload_len(a) != 4 && mnl_attr_get_payload_len(a) != 16)
			return dp_errmsg(MNL_CB_ERROR, "%s has %u bytes: 4 (IPv4) or 16 (IPv6)",
					 type == IFA_LOCAL ? "IFA_LOCAL" : "IFA_ADDRESS",
					 mnl_attr_get_payload_len(a));
		break;
	case IFA_LABEL:
		if (attr_string(a, SLUICE_IFNAMSIZ) != MNL_CB_OK)
			return MNL_CB_ERROR;
		break;
	default:
		return MNL_CB_OK;
	}
	tb[type] = a;
	return MNL_CB_OK;
}

/* Port and address of an address request: host order in *ip (AF_INET),
 * 16 bytes in ip6 (AF_INET6). */
static int
addr_parse(struct ctl_req *rq, uint16_t *slot, uint32_t *ip, uint8_t *ip6)
{
	const struct ifaddrmsg *ifa = ctl_payload(rq);
	const struct nlattr *tb[IFA_MAX + 1] = { 0 };
	const struct nlattr *a;
	unsigned int alen = ifa->ifa_family == AF_INET6 ? 16 : 4, max = alen * 8;
	int ret;

	if (ctl_attr_parse(rq, sizeof(*ifa), addr_attr_cb, tb) < 0)
		return -EINVAL;
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return dp_errmsg(-EAFNOSUPPORT, "only IPv4 and IPv6 addresses");
	if (ifa->ifa_prefixlen > max)
		return dp_errmsg(-EINVAL, "prefix length %u out of range (0..%u)",
				 ifa->ifa_prefixlen, max);
	a = tb[IFA_LOCAL] != NULL ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (a == NULL)
		return dp_errmsg(-EINVAL, "no address (IFA_LOCAL or IFA_ADDRESS)");
	if (mnl_attr_get_payload_len(a) != alen)
		return dp_errmsg(-EINVAL, "an %s address has %u bytes",
				 alen == 4 ? "IPv4" : "IPv6", alen);
	ret = ctl_port_slot(ifa->ifa_index);
	if (ret < 0)
		return ret;
	*slot = (uint16_t)ret;
	if (alen == 4)
		*ip = ntohl(mnl_attr_get_u32(a));
	else
		memcpy(ip6, mnl_attr_get_payload(a), 16);
	return 0;
}

int
addr_nl_new(struct ctl_req *rq)
{
	const struct ifaddrmsg *ifa = ctl_payload(rq);
	const struct addr_table *t;
	uint8_t ip6[16];
	uint16_t slot = 0;
	uint32_t ip = 0;
	int ret;

	ret = addr_parse(rq, &slot, &ip, ip6);
	if (ret != 0)
		return ret;
	if (ifa->ifa_family == AF_INET6)
		return addr6_nl_new(rq, slot, ip6);
	ret = arp_addr_add(slot, ip, ifa->ifa_prefixlen);
	if (ret != -EEXIST || !(rq->nlh->nlmsg_flags & NLM_F_REPLACE) ||
	    (rq->nlh->nlmsg_flags & NLM_F_EXCL))
		return ret;
	/* Replacing an address by itself changes nothing. */
	t = addrs_get();
	for (uint16_t i = 0; i < t->n; i++)
		if (t->a[i].ip == ip && t->a[i].port == slot && t->a[i].plen == ifa->ifa_prefixlen)
			return 0;
	return ret;
}

int
addr_nl_del(struct ctl_req *rq)
{
	const struct ifaddrmsg *ifa = ctl_payload(rq);
	uint8_t ip6[16];
	uint16_t slot = 0;
	uint32_t ip = 0;
	int ret;

	ret = addr_parse(rq, &slot, &ip, ip6);
	if (ret != 0)
		return ret;
	if (ifa->ifa_family == AF_INET6)
		return nd_addr_del(slot, ip6, ifa->ifa_prefixlen);
	return arp_addr_del(slot, ip, ifa->ifa_prefixlen);
}

int
addr_nl_get(struct ctl_req *rq)
{
	const struct ifaddrmsg *req = ctl_payload(rq);
	const struct nlattr *tb[IFA_MAX + 1] = { 0 };
	const struct addr_table *t = addrs_get();

	if (ctl_attr_parse(rq, sizeof(*req), addr_attr_cb, tb) < 0)
		return -EINVAL;
	if (!ctl_is_dump(rq))
		return -EOPNOTSUPP;	/* as the kernel: addresses are dumped */
	if (req->ifa_family == AF_INET6)
		return addr6_nl_dump(rq, req->ifa_index);
	if (req->ifa_family != AF_UNSPEC && req->ifa_family != AF_INET)
		return 0;
	for (uint16_t i = 0; i < t->n && rq->err == 0; i++) {
		const struct addr *a = &t->a[i];
		struct ifaddrmsg ifa = {
			.ifa_family = AF_INET,
			.ifa_prefixlen = a->plen,
			.ifa_flags = IFA_F_PERMANENT,
			.ifa_scope = RT_SCOPE_UNIVERSE,
			.ifa_index = a->port + 1u,
		};
		struct nlmsghdr *nlh;

		if (req->ifa_index != 0 && req->ifa_index != ifa.ifa_index)
			continue;
		nlh = ctl_msg_begin(rq, RTM_NEWADDR, NLM_F_MULTI, &ifa, sizeof(ifa));
		mnl_attr_put_u32(nlh, IFA_ADDRESS, htonl(a->ip));
		mnl_attr_put_u32(nlh, IFA_LOCAL, htonl(a->ip));
		if (a->plen < 31)
			mnl_attr_put_u32(nlh, IFA_BROADCAST,
					 htonl(a->ip | (a->plen == 0 ? ~0u : ~(~0u << (32 - a->plen)))));
		mnl_attr_put_strz(nlh, IFA_LABEL, ports[a->port].name);
		if (host_addr_made(a->port, a->ip))
			mnl_attr_put_u8(nlh, IFA_PROTO, SLUICE_IFAPROT_HOST);
		ctl_msg_end(rq, nlh);
	}
	if (req->ifa_family == AF_UNSPEC)
		return addr6_nl_dump(rq, req->ifa_index);
	return 0;
}
