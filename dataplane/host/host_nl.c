/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Addresses between the ports and their host interfaces, over rtnetlink to
 * the kernel of the dataplane's own network namespace, and the namespace's
 * ephemeral port range.
 *
 * - The port's addresses (the config's, the CLI's) are put on its host
 *   interface with IFA_PROTO SLUICE_IFAPROT_DP, which marks them as ours in
 *   the kernel's notifications.  If the host removes one, it is put back:
 *   the port's own addresses are sluice's to change.
 * - An address the host adds (ip addr, a DHCP client), without that mark,
 *   is added to the port and remembered as host-made; when the host removes
 *   it, it goes from the port.  Host-made addresses are dumped with IFA_PROTO
 *   SLUICE_IFAPROT_HOST, which sluiced's reload leaves alone.
 * - The dataplane rather than sluiced does this because it owns the
 *   interface and knows its index at once, the sync works without sluiced,
 *   and a restarted dataplane's new interfaces get the addresses that
 *   sluiced replays through the ordinary path.
 * - Both families.  The interface makes no IPv6 link-local address of its
 *   own (host.c): the port's, the same EUI-64, is put on like the others.
 * - Events come on a non-blocking socket joined to RTNLGRP_IPV4_IFADDR and
 *   RTNLGRP_IPV6_IFADDR; a lost event (ENOBUFS) makes the next poll
 *   compare a full dump instead.
 *   Requests go on a second socket and wait for their ack (the kernel
 *   answers at once; SO_RCVTIMEO bounds it).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>

#include "addr6.h"
#include "arp.h"
#include "control.h"
#include "host_int.h"
#include "log.h"
#include "nd.h"
#include "port.h"

#define PORT_RANGE_PATH	"/proc/sys/net/ipv4/ip_local_port_range"

static struct mnl_socket *ev_nl, *rq_nl;

static inline uint32_t
prefix_mask32(uint8_t plen)
{
	return plen == 0 ? 0 : ~0u << (32 - plen);
}
static uint32_t rq_seq;
static bool resync;
/* Set while an address the host made is applied to the port, so that
 * host_addr_changed does not send it back to the kernel. */
static bool from_kernel;

/* An address of either family on a port. */
struct haddr {
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t plen;
	uint16_t port;
	uint32_t ip4;		/* host order */
	uint8_t ip6[16];
};

static struct made {
	bool used;
	struct haddr a;
} made[DP_MAX_ADDRS + DP_MAX_ADDRS6];

/* The kernel's ephemeral range as last read (lo > hi: none yet). */
static volatile uint16_t range_lo = 1, range_hi;

static struct haddr
haddr4(uint16_t port, uint32_t ip, uint8_t plen)
{
	return (struct haddr){ .family = AF_INET, .plen = plen, .port = port, .ip4 = ip };
}

static struct haddr
haddr6(uint16_t port, const uint8_t *ip, uint8_t plen)
{
	struct haddr a = { .family = AF_INET6, .plen = plen, .port = port };

	memcpy(a.ip6, ip, 16);
	return a;
}

/* "192.0.2.1/24" or "2001:db8::1/64" for messages. */
static const char *
haddr_fmt(const struct haddr *a, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	if (a->family == AF_INET)
		snprintf(ip, sizeof(ip), DP_IP4_FMT, DP_IP4_ARGS(a->ip4));
	else
		ip6_fmt(a->ip6, ip);
	snprintf(buf, len, "%s/%u", ip, a->plen);
	return buf;
}

static bool
same_ip(const struct haddr *a, const struct haddr *b)
{
	return a->family == b->family && a->port == b->port &&
	       (a->family == AF_INET ? a->ip4 == b->ip4 : memcmp(a->ip6, b->ip6, 16) == 0);
}

static struct made *
made_find(const struct haddr *a)
{
	for (unsigned int i = 0; i < RTE_DIM(made); i++)
		if (made[i].used && same_ip(&made[i].a, a))
			return &made[i];
	return NULL;
}

bool
host_addr_made(uint16_t port, uint32_t ip)
{
	struct haddr a = haddr4(port, ip, 0);

	return made_find(&a) != NULL;
}

bool
host_addr6_made(uint16_t port, const uint8_t *ip)
{
	struct haddr a = haddr6(port, ip, 0);

	return made_find(&a) != NULL;
}

/* Is a the port's (on_port) or, with on_port false, the router's on any
 * port?  A link-local address is only ever a port's own. */
static bool
router_has(const struct haddr *a, bool on_port)
{
	if (a->family == AF_INET) {
		const struct addr_table *t = addrs_get();

		for (uint16_t i = 0; i < t->n; i++)
			if (t->a[i].ip == a->ip4 && (!on_port || t->a[i].port == a->port))
				return true;
		return false;
	}
	if (on_port || ip6_link_local(a->ip6))
		return addr6_on_port(addrs6_get(), a->port, a->ip6);
	return addr6_is_local(addrs6_get(), a->ip6);
}

/* Add a to its port or remove it, as the host's (no echo to the kernel). */
static int
port_addr(const struct haddr *a, bool add)
{
	int ret;

	from_kernel = true;
	if (a->family == AF_INET)
		ret = add ? arp_addr_add(a->port, a->ip4, a->plen) :
			    arp_addr_del(a->port, a->ip4, a->plen);
	else
		ret = add ? nd_addr_add(a->port, a->ip6, a->plen) :
			    nd_addr_del(a->port, a->ip6, a->plen);
	from_kernel = false;
	return ret;
}

int
host_nl_init(void)
{
	struct timeval tv = { .tv_sec = 1 };
	int fd;

	ev_nl = mnl_socket_open(NETLINK_ROUTE);
	rq_nl = mnl_socket_open(NETLINK_ROUTE);
	if (ev_nl == NULL || rq_nl == NULL ||
	    mnl_socket_bind(ev_nl, RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR,
			    MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_bind(rq_nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return -errno;
	fd = mnl_socket_get_fd(ev_nl);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	setsockopt(mnl_socket_get_fd(rq_nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	ctl_server_watch(fd, true);
	return 0;
}

/* Send a request and wait for its ack: 0 or -errno. */
static int
nl_call(struct nlmsghdr *nlh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint32_t portid = mnl_socket_get_portid(rq_nl);
	ssize_t n;
	int ret;

	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = ++rq_seq;
	if (mnl_socket_sendto(rq_nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(rq_nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		ret = mnl_cb_run(buf, (size_t)n, rq_seq, portid, NULL, NULL);
	} while (ret == MNL_CB_OK);
	return ret < 0 ? -errno : 0;
}

/* a on its port's host interface (add) or off it. */
static int
kernel_addr(const struct haddr *a, bool add)
{
	char buf[512], s[INET6_ADDRSTRLEN + 8];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;
	uint16_t port = a->port;
	int ret;

	if (rq_nl == NULL || host_ifs[port].ifindex == 0)
		return 0;
	nlh->nlmsg_type = add ? RTM_NEWADDR : RTM_DELADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | (add ? NLM_F_CREATE | NLM_F_REPLACE : 0);
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = a->family;
	ifa->ifa_prefixlen = a->plen;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t)host_ifs[port].ifindex;
	if (a->family == AF_INET) {
		mnl_attr_put_u32(nlh, IFA_LOCAL, htonl(a->ip4));
		mnl_attr_put_u32(nlh, IFA_ADDRESS, htonl(a->ip4));
		if (a->plen < 31)
			mnl_attr_put_u32(nlh, IFA_BROADCAST,
					 htonl(a->ip4 | ~prefix_mask32(a->plen)));
	} else {
		if (ip6_link_local(a->ip6))
			ifa->ifa_scope = RT_SCOPE_LINK;
		/* The port's address already: no duplicate address
		 * detection, which would keep it tentative (unbindable) for
		 * a second. */
		ifa->ifa_flags = IFA_F_NODAD;
		mnl_attr_put(nlh, IFA_LOCAL, 16, a->ip6);
		mnl_attr_put(nlh, IFA_ADDRESS, 16, a->ip6);
	}
	if (add)
		mnl_attr_put_u8(nlh, IFA_PROTO, SLUICE_IFAPROT_DP);
	ret = nl_call(nlh);
	if (ret == -EEXIST || (!add && ret == -EADDRNOTAVAIL))
		ret = 0;
	if (ret != 0)
		fprintf(stderr, SD_WARNING "host %s: address %s not %s the interface: %s\n",
			ports[port].name, haddr_fmt(a, s, sizeof(s)),
			add ? "put on" : "removed from", strerror(-ret));
	return ret;
}

static void
addr_changed(const struct haddr *a, bool add)
{
	struct made *m;

	if (from_kernel || a->port >= DP_MAX_PORTS)
		return;
	if (!add && (m = made_find(a)) != NULL)
		m->used = false;	/* the host's address, removed by a client */
	if (host_ifs[a->port].fd >= 0)
		kernel_addr(a, add);
}

void
host_addr_changed(uint16_t port, uint32_t ip, uint8_t plen, bool add)
{
	struct haddr a = haddr4(port, ip, plen);

	addr_changed(&a, add);
}

void
host_addr6_changed(uint16_t port, const uint8_t *ip, uint8_t plen, bool add)
{
	struct haddr a = haddr6(port, ip, plen);

	addr_changed(&a, add);
}

void
host_nl_if_up(uint16_t port)
{
	const struct addr_table *t = addrs_get();
	const struct addr6_table *t6 = addrs6_get();
	struct haddr a;

	for (uint16_t i = 0; i < t->n; i++)
		if (t->a[i].port == port) {
			a = haddr4(port, t->a[i].ip, t->a[i].plen);
			kernel_addr(&a, true);
		}
	for (uint16_t i = 0; i < t6->n; i++)
		if (t6->a[i].port == port) {
			a = haddr6(port, t6->a[i].ip, t6->a[i].plen);
			kernel_addr(&a, true);
		}
}

static void
made_drop(struct made *m)
{
	port_addr(&m->a, false);
	m->used = false;
}

void
host_nl_if_gone(uint16_t port)
{
	for (unsigned int i = 0; i < RTE_DIM(made); i++)
		if (made[i].used && made[i].a.port == port)
			made_drop(&made[i]);
}

static int
port_of_ifindex(uint32_t ifindex)
{
	for (uint16_t p = 0; p < DP_MAX_PORTS; p++)
		if (host_ifs[p].fd >= 0 && (uint32_t)host_ifs[p].ifindex == ifindex)
			return p;
	return -1;
}

/* The host added a on its port's interface. */
static void
host_added(const struct haddr *a)
{
	char s[INET6_ADDRSTRLEN + 8];
	unsigned int i;
	int ret;

	if (router_has(a, false))
		return;		/* the port's own, or another port's */
	for (i = 0; i < RTE_DIM(made) && made[i].used; i++)
		;
	if (i == RTE_DIM(made))
		return;
	dp_errmsg_clear();
	ret = port_addr(a, true);
	if (ret != 0) {
		/* The table's own reason ("two ports on one network"), else
		 * the errno's. */
		const char *why = dp_errmsg_get();

		fprintf(stderr, SD_WARNING "host %s: address %s not taken by the port, taken off "
			"the interface: %s\n", ports[a->port].name, haddr_fmt(a, s, sizeof(s)),
			why[0] ? why : strerror(-ret));
		/* The interface holds what the port holds: left there, the
		 * host would route by an address the router does not have. */
		kernel_addr(a, false);
		return;
	}
	made[i] = (struct made){ .used = true, .a = *a };
	fprintf(stderr, SD_INFO "host %s: address %s from the host\n", ports[a->port].name,
		haddr_fmt(a, s, sizeof(s)));
}

struct addr_msg {
	struct haddr a;
	bool ours;
	bool gone;	/* IPv6 duplicate address detection failed: not the host's */
};

/* The kernel's attributes, kept by type; sizes are checked where used. */
static int
kernel_attr_cb(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) <= IFA_MAX)
		((const struct nlattr **)data)[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

/* An address message about one of our interfaces, or false. */
static bool
addr_msg_parse(const struct nlmsghdr *nlh, struct addr_msg *am)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFA_MAX + 1] = { 0 };
	const struct nlattr *a;
	uint32_t flags;
	int port;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifa)) ||
	    (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
		return false;
	port = port_of_ifindex(ifa->ifa_index);
	if (port < 0 || ifa->ifa_prefixlen > (ifa->ifa_family == AF_INET ? 32 : 128))
		return false;
	if (mnl_attr_parse(nlh, sizeof(*ifa), kernel_attr_cb, tb) < 0)
		return false;
	a = tb[IFA_LOCAL] != NULL ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (a == NULL)
		return false;
	if (ifa->ifa_family == AF_INET) {
		if (mnl_attr_get_payload_len(a) < sizeof(uint32_t))
			return false;
		am->a = haddr4((uint16_t)port, ntohl(mnl_attr_get_u32(a)), ifa->ifa_prefixlen);
		if (am->a.ip4 == 0)
			return false;
	} else {
		if (mnl_attr_get_payload_len(a) < 16)
			return false;
		am->a = haddr6((uint16_t)port, mnl_attr_get_payload(a), ifa->ifa_prefixlen);
		if (ip6_is_zero(am->a.ip6) || ip6_multicast(am->a.ip6))
			return false;
	}
	flags = tb[IFA_FLAGS] != NULL && mnl_attr_get_payload_len(tb[IFA_FLAGS]) >= 4 ?
		mnl_attr_get_u32(tb[IFA_FLAGS]) : ifa->ifa_flags;
	am->gone = (flags & IFA_F_DADFAILED) != 0;
	am->ours = tb[IFA_PROTO] != NULL && mnl_attr_get_payload_len(tb[IFA_PROTO]) >= 1 &&
		   mnl_attr_get_u8(tb[IFA_PROTO]) == SLUICE_IFAPROT_DP;
	return true;
}

static int
event_cb(const struct nlmsghdr *nlh, void *data)
{
	char s[INET6_ADDRSTRLEN + 8];
	struct addr_msg am;
	struct made *m;

	(void)data;
	if ((nlh->nlmsg_type != RTM_NEWADDR && nlh->nlmsg_type != RTM_DELADDR) ||
	    !addr_msg_parse(nlh, &am))
		return MNL_CB_OK;
	if (nlh->nlmsg_type == RTM_NEWADDR && !am.gone) {
		if (!am.ours)
			host_added(&am.a);
	} else if (am.ours) {
		/* The host removed one of the port's own: it goes back. */
		if (router_has(&am.a, true))
			kernel_addr(&am.a, true);
	} else if ((m = made_find(&am.a)) != NULL) {
		fprintf(stderr, SD_INFO "host %s: address %s removed by the host\n",
			ports[am.a.port].name, haddr_fmt(&am.a, s, sizeof(s)));
		made_drop(m);
	}
	return MNL_CB_OK;
}

/* After lost events: what the kernel has now, compared whole. */
struct dump_seen {
	bool seen[RTE_DIM(made)];
};

static int
dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_seen *ds = data;
	struct addr_msg am;
	struct made *m;

	if (nlh->nlmsg_type != RTM_NEWADDR || !addr_msg_parse(nlh, &am) || am.ours || am.gone)
		return MNL_CB_OK;
	if ((m = made_find(&am.a)) != NULL)
		ds->seen[m - made] = true;
	else
		host_added(&am.a);
	return MNL_CB_OK;
}

static void
host_nl_resync(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;
	struct dump_seen ds = { { false } };
	uint32_t portid = mnl_socket_get_portid(rq_nl);
	ssize_t n;
	int ret;

	resync = false;
	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++rq_seq;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_UNSPEC;	/* both families */
	if (mnl_socket_sendto(rq_nl, nlh, nlh->nlmsg_len) < 0) {
		resync = true;
		return;
	}
	/* Addresses made while the dump runs are in it or in an event. */
	for (unsigned int i = 0; i < RTE_DIM(made); i++)
		ds.seen[i] = !made[i].used;
	do {
		n = mnl_socket_recvfrom(rq_nl, buf, sizeof(buf));
		if (n < 0) {
			resync = true;
			return;
		}
		ret = mnl_cb_run(buf, (size_t)n, rq_seq, portid, dump_cb, &ds);
	} while (ret > MNL_CB_STOP);
	if (ret < 0) {
		resync = true;
		return;
	}
	for (unsigned int i = 0; i < RTE_DIM(made); i++)
		if (made[i].used && !ds.seen[i])
			made_drop(&made[i]);
}

unsigned int
host_nl_poll(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned int work = 0;
	ssize_t n;

	if (ev_nl == NULL)
		return 0;
	while (work < 16) {
		n = mnl_socket_recvfrom(ev_nl, buf, sizeof(buf));
		if (n < 0) {
			if (errno == ENOBUFS)
				resync = true;
			break;
		}
		mnl_cb_run(buf, (size_t)n, 0, 0, event_cb, NULL);
		work++;
	}
	if (resync) {
		fprintf(stderr, SD_NOTICE "host: address events lost; comparing the kernel's "
			"addresses\n");
		host_nl_resync();
		work++;
	}
	return work;
}

void
host_nl_port_range(bool set)
{
	unsigned int lo = 0, hi = 0;
	FILE *f;

	if (set) {
		f = fopen(PORT_RANGE_PATH, "we");
		if (f == NULL || fprintf(f, "%u %u\n", HOST_PORT_LO, HOST_PORT_HI) < 0 ||
		    fclose(f) != 0)
			fprintf(stderr, SD_WARNING "host: cannot set " PORT_RANGE_PATH " to %u %u: "
				"%s\n", HOST_PORT_LO, HOST_PORT_HI, strerror(errno));
	}
	f = fopen(PORT_RANGE_PATH, "re");
	if (f == NULL)
		return;
	if (fscanf(f, "%u %u", &lo, &hi) == 2 && lo <= hi && hi <= 65535 &&
	    (lo != range_lo || hi != range_hi)) {
		if (!set && range_lo <= range_hi)
			fprintf(stderr, SD_WARNING "host: the kernel's ephemeral ports are now %u-%u; "
				"the NAT no longer hands those out on host ports' addresses\n",
				lo, hi);
		range_lo = (uint16_t)lo;
		range_hi = (uint16_t)hi;
	}
	fclose(f);
}

bool
host_port_reserved(uint32_t addr_be, uint16_t port)
{
	const struct addr_table *t;
	uint32_t ip;

	if (port < range_lo || port > range_hi)
		return false;
	t = addrs_get();
	ip = rte_be_to_cpu_32(addr_be);
	for (uint16_t i = 0; i < t->n; i++)
		if (t->a[i].ip == ip)
			return host_on(t->a[i].port);
	return false;
}
