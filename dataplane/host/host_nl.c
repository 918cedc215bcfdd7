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
 * - Events come on a non-blocking socket joined to RTNLGRP_IPV4_IFADDR; a
 *   lost event (ENOBUFS) makes the next poll compare a full dump instead.
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

#include "control.h"
#include "host_int.h"
#include "log.h"
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

static struct made {
	bool used;
	uint16_t port;
	uint32_t ip;
	uint8_t plen;
} made[DP_MAX_ADDRS];

/* The kernel's ephemeral range as last read (lo > hi: none yet). */
static volatile uint16_t range_lo = 1, range_hi;

static struct made *
made_find(uint16_t port, uint32_t ip)
{
	for (unsigned int i = 0; i < DP_MAX_ADDRS; i++)
		if (made[i].used && made[i].port == port && made[i].ip == ip)
			return &made[i];
	return NULL;
}

bool
host_addr_made(uint16_t port, uint32_t ip)
{
	return made_find(port, ip) != NULL;
}

int
host_nl_init(void)
{
	struct timeval tv = { .tv_sec = 1 };
	int fd;

	ev_nl = mnl_socket_open(NETLINK_ROUTE);
	rq_nl = mnl_socket_open(NETLINK_ROUTE);
	if (ev_nl == NULL || rq_nl == NULL ||
	    mnl_socket_bind(ev_nl, RTMGRP_IPV4_IFADDR, MNL_SOCKET_AUTOPID) < 0 ||
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

/* ip/plen on port's host interface (add) or off it. */
static int
kernel_addr(uint16_t port, uint32_t ip, uint8_t plen, bool add)
{
	char buf[512];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;
	int ret;

	if (rq_nl == NULL || host_ifs[port].ifindex == 0)
		return 0;
	nlh->nlmsg_type = add ? RTM_NEWADDR : RTM_DELADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | (add ? NLM_F_CREATE | NLM_F_REPLACE : 0);
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = plen;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t)host_ifs[port].ifindex;
	mnl_attr_put_u32(nlh, IFA_LOCAL, htonl(ip));
	mnl_attr_put_u32(nlh, IFA_ADDRESS, htonl(ip));
	if (plen < 31)
		mnl_attr_put_u32(nlh, IFA_BROADCAST, htonl(ip | ~prefix_mask32(plen)));
	if (add)
		mnl_attr_put_u8(nlh, IFA_PROTO, SLUICE_IFAPROT_DP);
	ret = nl_call(nlh);
	if (ret == -EEXIST || (!add && ret == -EADDRNOTAVAIL))
		ret = 0;
	if (ret != 0)
		fprintf(stderr, SD_WARNING "host %s: address " DP_IP4_FMT "/%u not %s the "
			"interface: %s\n", ports[port].name, DP_IP4_ARGS(ip), plen,
			add ? "put on" : "removed from", strerror(-ret));
	return ret;
}

void
host_addr_changed(uint16_t port, uint32_t ip, uint8_t plen, bool add)
{
	struct made *m;

	if (from_kernel || port >= DP_MAX_PORTS)
		return;
	if (!add && (m = made_find(port, ip)) != NULL)
		m->used = false;	/* the host's address, removed by a client */
	if (host_ifs[port].fd >= 0)
		kernel_addr(port, ip, plen, add);
}

void
host_nl_if_up(uint16_t port)
{
	const struct addr_table *t = addrs_get();

	for (uint16_t i = 0; i < t->n; i++)
		if (t->a[i].port == port)
			kernel_addr(port, t->a[i].ip, t->a[i].plen, true);
}

static void
made_drop(struct made *m)
{
	uint16_t port = m->port;

	from_kernel = true;
	addr_del(port, m->ip, m->plen);
	from_kernel = false;
	m->used = false;
}

void
host_nl_if_gone(uint16_t port)
{
	for (unsigned int i = 0; i < DP_MAX_ADDRS; i++)
		if (made[i].used && made[i].port == port)
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

/* The host added ip/plen on port's interface. */
static void
host_added(uint16_t port, uint32_t ip, uint8_t plen)
{
	const struct addr_table *t = addrs_get();
	unsigned int i;
	int ret;

	for (uint16_t k = 0; k < t->n; k++)
		if (t->a[k].ip == ip)
			return;		/* the port's own, or another port's */
	for (i = 0; i < DP_MAX_ADDRS && made[i].used; i++)
		;
	if (i == DP_MAX_ADDRS)
		return;
	from_kernel = true;
	ret = addr_add(port, ip, plen);
	from_kernel = false;
	if (ret != 0) {
		fprintf(stderr, SD_WARNING "host %s: address " DP_IP4_FMT "/%u not taken by the "
			"port: %s\n", ports[port].name, DP_IP4_ARGS(ip), plen, strerror(-ret));
		return;
	}
	made[i] = (struct made){ .used = true, .port = port, .ip = ip, .plen = plen };
	fprintf(stderr, SD_INFO "host %s: address " DP_IP4_FMT "/%u from the host\n",
		ports[port].name, DP_IP4_ARGS(ip), plen);
}

struct addr_msg {
	int port;
	uint32_t ip;
	uint8_t plen;
	bool ours;
};

/* The kernel's attributes, kept by type; sizes are checked where used. */
static int
kernel_attr_cb(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) <= IFA_MAX)
		((const struct nlattr **)data)[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

/* An IPv4 address message about one of our interfaces, or false. */
static bool
addr_msg_parse(const struct nlmsghdr *nlh, struct addr_msg *am)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFA_MAX + 1] = { 0 };
	const struct nlattr *a;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifa)) || ifa->ifa_family != AF_INET)
		return false;
	am->port = port_of_ifindex(ifa->ifa_index);
	if (am->port < 0 || ifa->ifa_prefixlen > 32)
		return false;
	if (mnl_attr_parse(nlh, sizeof(*ifa), kernel_attr_cb, tb) < 0)
		return false;
	a = tb[IFA_LOCAL] != NULL ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (a == NULL || mnl_attr_get_payload_len(a) < sizeof(uint32_t))
		return false;
	am->ip = ntohl(mnl_attr_get_u32(a));
	am->plen = ifa->ifa_prefixlen;
	am->ours = tb[IFA_PROTO] != NULL && mnl_attr_get_payload_len(tb[IFA_PROTO]) >= 1 &&
		   mnl_attr_get_u8(tb[IFA_PROTO]) == SLUICE_IFAPROT_DP;
	return am->ip != 0;
}

static int
event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct addr_msg am;
	struct made *m;

	(void)data;
	if ((nlh->nlmsg_type != RTM_NEWADDR && nlh->nlmsg_type != RTM_DELADDR) ||
	    !addr_msg_parse(nlh, &am))
		return MNL_CB_OK;
	if (nlh->nlmsg_type == RTM_NEWADDR) {
		if (!am.ours)
			host_added((uint16_t)am.port, am.ip, am.plen);
	} else if (am.ours) {
		/* The host removed one of the port's own: it goes back. */
		if (addr_on_port(addrs_get(), (uint16_t)am.port, am.ip))
			kernel_addr((uint16_t)am.port, am.ip, am.plen, true);
	} else if ((m = made_find((uint16_t)am.port, am.ip)) != NULL) {
		fprintf(stderr, SD_INFO "host %s: address " DP_IP4_FMT "/%u removed by the host\n",
			ports[am.port].name, DP_IP4_ARGS(am.ip), am.plen);
		made_drop(m);
	}
	return MNL_CB_OK;
}

/* After lost events: what the kernel has now, compared whole. */
struct dump_seen {
	bool seen[DP_MAX_ADDRS];
};

static int
dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_seen *ds = data;
	struct addr_msg am;
	struct made *m;

	if (nlh->nlmsg_type != RTM_NEWADDR || !addr_msg_parse(nlh, &am) || am.ours)
		return MNL_CB_OK;
	if ((m = made_find((uint16_t)am.port, am.ip)) != NULL)
		ds->seen[m - made] = true;
	else
		host_added((uint16_t)am.port, am.ip, am.plen);
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
	ifa->ifa_family = AF_INET;
	if (mnl_socket_sendto(rq_nl, nlh, nlh->nlmsg_len) < 0) {
		resync = true;
		return;
	}
	/* Addresses made while the dump runs are in it or in an event. */
	for (unsigned int i = 0; i < DP_MAX_ADDRS; i++)
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
	for (unsigned int i = 0; i < DP_MAX_ADDRS; i++)
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
