/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host interfaces: one TAP per host-enabled port, served by the control
 * lcore.  Punted frames come from the workers on host_ring and are written
 * to the TAP; what the host writes is read into mbufs and sent on the port
 * through worker 0's tx ring (dp_send), as the control lcore sends its own
 * frames.  The TAP is non-blocking: a frame the kernel does not take is a
 * counted drop, never a wait.
 *
 * A plain TAP file descriptor rather than DPDK's net_tap PMD: the PMD would
 * make the TAP an ethdev with queues that some lcore must own and poll, and
 * brings its own netlink, flow and MAC handling; the control lcore already
 * polls sockets, and a read or write per frame is all the host path needs.
 * grout serves its TAPs the same way; VPP's linux-cp uses a virtio TAP.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <netinet/icmp6.h>

#include <rte_cycles.h>

#include "control.h"
#include "host_int.h"
#include "log.h"
#include "ip6.h"
#include "port.h"
#include "ra.h"

struct host_if host_ifs[DP_MAX_PORTS];
struct rte_ring *host_ring;
struct rte_mempool *host_pool;

#define HOST_POLL_FRAMES	64	/* per TAP and per ring drain, each poll */
#define HOST_SEGS_MAX		8	/* a 9014-byte frame in 2 KB mbufs */

static unsigned int nb_on;		/* host interfaces that exist */
static uint64_t last_sec;
static uint64_t kernel_drops_gone;	/* of interfaces removed since */

static uint64_t tap_kernel_drops(uint16_t port);

int
host_ioctl_fd(void)
{
	static int fd = -1;

	if (fd < 0)
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	return fd;
}

/* No interface until one is made, whether or not host_init ran (the unit
 * tests of other objects do not run it). */
RTE_INIT(host_ifs_init)
{
	for (uint16_t p = 0; p < DP_MAX_PORTS; p++)
		host_ifs[p].fd = -1;
}

int
host_init(void)
{
	host_ring = rte_ring_create("sluice_host", HOST_RING_SIZE, rte_socket_id(),
				    RING_F_SC_DEQ);
	host_pool = dp_pool_create("sluice_host_pkts", HOST_POOL_SIZE);
	if (host_ring == NULL || host_pool == NULL)
		return -ENOMEM;
	for (unsigned int l = 0; l < RTE_MAX_LCORE; l++)
		host_lc[l].tokens = host_punt_burst;
	return 0;
}

static int
if_ioctl(const char *name, unsigned long req, struct ifreq *ifr)
{
	int fd = host_ioctl_fd();

	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", name);
	if (fd < 0 || ioctl(fd, req, ifr) < 0)
		return -errno;
	return 0;
}

/* The interface's MTU and admin state as the port's. */
static void
host_if_sync(uint16_t port)
{
	const struct port *p = &ports[port];
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_mtu = p->mtu;
	if (if_ioctl(p->name, SIOCSIFMTU, &ifr) < 0)
		fprintf(stderr, SD_WARNING "host %s: MTU %u not set: %s\n", p->name, p->mtu,
			strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	if (if_ioctl(p->name, SIOCGIFFLAGS, &ifr) < 0)
		return;
	if (p->up == ((ifr.ifr_flags & IFF_UP) != 0))
		return;
	ifr.ifr_flags = p->up ? ifr.ifr_flags | IFF_UP : ifr.ifr_flags & ~IFF_UP;
	if (if_ioctl(p->name, SIOCSIFFLAGS, &ifr) < 0)
		fprintf(stderr, SD_WARNING "host %s: not set %s: %s\n", p->name,
			p->up ? "up" : "down", strerror(errno));
}

/* The interface's MTU and admin state are the port's: one the host changed
 * (ip link set) is set back, and said. */
static void
host_if_check(uint16_t port)
{
	const struct port *p = &ports[port];
	struct ifreq m, f;

	memset(&m, 0, sizeof(m));
	memset(&f, 0, sizeof(f));
	if (if_ioctl(p->name, SIOCGIFMTU, &m) < 0 || if_ioctl(p->name, SIOCGIFFLAGS, &f) < 0)
		return;
	if (m.ifr_mtu == p->mtu && p->up == ((f.ifr_flags & IFF_UP) != 0))
		return;
	fprintf(stderr, SD_NOTICE "host %s: the host set MTU %d, %s; set back to the port's, "
		"MTU %u, %s\n", p->name, m.ifr_mtu, f.ifr_flags & IFF_UP ? "up" : "down", p->mtu,
		p->up ? "up" : "down");
	host_if_sync(port);
}

static int
tap_open(uint16_t port)
{
	const struct port *p = &ports[port];
	struct ifreq ifr;
	int fd, err;

	if (if_nametoindex(p->name) != 0)
		return dp_errmsg(-EEXIST, "an interface named %s exists in the dataplane's "
				 "network namespace already", p->name);
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return dp_errmsg(-errno, "cannot open /dev/net/tun for host interface %s: %s",
				 p->name, strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	/* No packet information header, no offload header: the kernel hands
	 * over whole frames with their checksums, as a NIC would send them. */
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", p->name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		err = -errno;
		close(fd);
		return dp_errmsg(err, "cannot create host interface %s: %s", p->name,
				 strerror(-err));
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memcpy(ifr.ifr_hwaddr.sa_data, &p->mac, RTE_ETHER_ADDR_LEN);
	if ((err = if_ioctl(p->name, SIOCSIFHWADDR, &ifr)) < 0) {
		close(fd);
		return dp_errmsg(err, "cannot give host interface %s the port's MAC: %s",
				 p->name, strerror(-err));
	}
	return fd;
}

/* net.ipv6.conf.NAME.KEY = val, before the interface is up. */
static void
tap_sysctl6(uint16_t port, const char *key, const char *val)
{
	char path[64 + IF_NAMESIZE];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", ports[port].name, key);
	f = fopen(path, "we");
	if (f == NULL || fprintf(f, "%s\n", val) < 0 || fclose(f) != 0)
		fprintf(stderr, SD_WARNING "host %s: cannot set %s to %s: %s\n",
			ports[port].name, path, val, strerror(errno));
}

/*
 * IPv6 on the interface.  No link-local address of the kernel's own
 * (addr_gen_mode 1): the port's, the same EUI-64 of the same MAC, is put
 * on by host_nl_if_up, marked as the dataplane's, so there is one of it and
 * it is never the host's to remove.  A router interface (forwarding 1):
 * the kernel sends no router solicitations there and takes no
 * advertisements unless accept_ra is 2; radvd finds what it expects.
 * Forwarding between interfaces stays net.ipv6.conf.all.forwarding's, 0.
 */
static void
tap_ip6(uint16_t port)
{
	if (access("/proc/sys/net/ipv6", F_OK) != 0)
		return;		/* a kernel without IPv6 */
	tap_sysctl6(port, "addr_gen_mode", "1");
	tap_sysctl6(port, "forwarding", "1");
	/* The port's addresses stay while it is down, as IPv4's do. */
	tap_sysctl6(port, "keep_addr_on_down", "1");
	/* The port always has IPv6 (its link-local address at least): so
	 * does its interface, whatever the namespace's default. */
	tap_sysctl6(port, "disable_ipv6", "0");
}

int
host_set(uint16_t port, bool on)
{
	struct host_if *h = &host_ifs[port];
	int fd;

	if (!port_used(port))
		return -ENODEV;
	if (on == (h->fd >= 0))
		return 0;
	if (!on) {
		__atomic_store_n(&h->on, false, __ATOMIC_RELEASE);
		ctl_server_watch(h->fd, false);
		/* Its host-made addresses go with it; then the TAP and what
		 * the kernel had on it. */
		host_nl_if_gone(port);
		ra_host_gone(port);
		kernel_drops_gone += tap_kernel_drops(port);
		close(h->fd);
		h->fd = -1;
		h->ifindex = 0;
		nb_on--;
		fprintf(stderr, SD_INFO "host %s: removed\n", ports[port].name);
		return 0;
	}
	fd = tap_open(port);
	if (fd < 0)
		return fd;
	h->fd = fd;
	h->ifindex = (int)if_nametoindex(ports[port].name);
	h->carrier = true;
	tap_ip6(port);
	host_if_sync(port);
	if (nb_on++ == 0)
		host_nl_port_range(true);
	ctl_server_watch(fd, true);
	__atomic_store_n(&h->on, true, __ATOMIC_RELEASE);
	/* The port's addresses, so that host sockets can bind them. */
	host_nl_if_up(port);
	fprintf(stderr, SD_INFO "host %s: interface %d\n", ports[port].name, h->ifindex);
	return 0;
}

void
host_port_changed(uint16_t port)
{
	if (port < DP_MAX_PORTS && host_ifs[port].fd >= 0)
		host_if_sync(port);
}

/* One frame to the TAP, segment by segment. */
static bool
tap_write(int fd, struct rte_mbuf *m)
{
	struct iovec iov[HOST_SEGS_MAX];
	unsigned int n = 0;

	for (struct rte_mbuf *s = m; s != NULL && n < HOST_SEGS_MAX; s = s->next, n++) {
		iov[n].iov_base = rte_pktmbuf_mtod(s, void *);
		iov[n].iov_len = rte_pktmbuf_data_len(s);
	}
	if (m->nb_segs > HOST_SEGS_MAX)
		return false;
	return writev(fd, iov, (int)n) == (ssize_t)rte_pktmbuf_pkt_len(m);
}

static void
to_host(struct host_lcore *l, uint16_t port, struct rte_mbuf *m)
{
	int fd = port < DP_MAX_PORTS ? host_ifs[port].fd : -1;

	if (fd >= 0 && tap_write(fd, m))
		l->punted++;
	else
		l->punt_queue_full++;
}

void
host_arp_copy(struct rte_mbuf *m)
{
	uint16_t port = pkt_meta(m)->in_port;
	struct host_lcore *l = &host_lc[rte_lcore_id()];

	if (!host_on(port) || !host_take_token(l))
		return;
	to_host(l, port, m);
}

void
host_nd_copy(struct rte_mbuf *m)
{
	uint16_t port = pkt_meta(m)->in_port;
	struct host_lcore *l = &host_lc[rte_lcore_id()];
	const uint8_t *type;
	uint8_t tb;

	if (!host_on(port))
		return;
	/* The dataplane answers solicitations for all the interface's
	 * addresses (they are the port's, both ways): the kernel would only
	 * answer a second time.  Advertisements are what the kernel resolves
	 * its own neighbours with; solicitations from routers' hosts are what
	 * radvd answers. */
	type = rte_pktmbuf_read(m, IP6_HDR_LEN, 1, &tb);
	if (type == NULL || *type == ND_NEIGHBOR_SOLICIT ||
	    rte_pktmbuf_headroom(m) < sizeof(struct rte_ether_hdr) || !host_take_token(l))
		return;
	/* The frame as it came: its Ethernet header is in front. */
	rte_pktmbuf_prepend(m, sizeof(struct rte_ether_hdr));
	to_host(l, port, m);
	rte_pktmbuf_adj(m, sizeof(struct rte_ether_hdr));
}

/* Is this frame from the host a router advertisement?  Then a daemon
 * (radvd) advertises on the port, and sluice's own advertisements there
 * stop (ra_yield): two sources of one router's advertisements with
 * different contents would make hosts' prefixes and lifetimes flap. */
static bool
host_frame_is_ra(const struct rte_mbuf *m)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);

	return rte_pktmbuf_data_len(m) > RTE_ETHER_HDR_LEN + IP6_HDR_LEN &&
	       f[12] == 0x86 && f[13] == 0xdd &&
	       f[RTE_ETHER_HDR_LEN + offsetof(struct rte_ipv6_hdr, proto)] == IPPROTO_ICMPV6 &&
	       f[RTE_ETHER_HDR_LEN + IP6_HDR_LEN] == ND_ROUTER_ADVERT;
}

/* What the host sent on port's interface, up to HOST_POLL_FRAMES frames. */
static unsigned int
from_host(struct host_lcore *l, uint16_t port)
{
	uint32_t frame = ports[port].mtu + RTE_ETHER_HDR_LEN;
	uint16_t room = rte_pktmbuf_data_room_size(host_pool) - RTE_PKTMBUF_HEADROOM;
	unsigned int nseg = RTE_MIN((frame + room - 1) / room, (uint32_t)HOST_SEGS_MAX);
	unsigned int done = 0;

	while (done < HOST_POLL_FRAMES) {
		struct rte_mbuf *segs[HOST_SEGS_MAX];
		struct iovec iov[HOST_SEGS_MAX];
		ssize_t len;
		unsigned int used;

		if (rte_pktmbuf_alloc_bulk(host_pool, segs, nseg) != 0)
			break;	/* the frame waits in the TAP's queue */
		for (unsigned int i = 0; i < nseg; i++) {
			iov[i].iov_base = rte_pktmbuf_mtod(segs[i], void *);
			iov[i].iov_len = room;
		}
		len = readv(host_ifs[port].fd, iov, (int)nseg);
		if (len <= 0) {
			rte_pktmbuf_free_bulk(segs, nseg);
			break;
		}
		done++;
		/* Runts, and frames past the port's MTU (the host's interface
		 * had a larger one for a moment; cut short if past the
		 * buffers): counted, never sent. */
		if ((size_t)len < sizeof(struct rte_ether_hdr) || (size_t)len > frame) {
			l->host_tx_drops++;
			rte_pktmbuf_free_bulk(segs, nseg);
			continue;
		}
		used = (unsigned int)((len + room - 1) / room);
		for (unsigned int i = 0; i < used; i++) {
			segs[i]->data_len = (uint16_t)RTE_MIN((size_t)room, (size_t)len - i * room);
			if (i > 0)
				segs[i - 1]->next = segs[i];
		}
		segs[0]->nb_segs = (uint16_t)used;
		segs[0]->pkt_len = (uint32_t)len;
		if (used < nseg)
			rte_pktmbuf_free_bulk(&segs[used], nseg - used);
		if (unlikely(host_frame_is_ra(segs[0])) && ra_enabled(port))
			ra_yield(port);
		l->host_tx++;
		dp_send(segs[0], port);
	}
	return done;
}

unsigned int
host_poll_taps(struct host_lcore *l)
{
	unsigned int work = 0;

	for (uint16_t p = 0; p < DP_MAX_PORTS; p++)
		if (host_ifs[p].fd >= 0)
			work += from_host(l, p);
	return work;
}

unsigned int
host_poll(void)
{
	struct host_lcore *l = &host_lc[rte_lcore_id()];
	struct rte_mbuf *pkts[HOST_POLL_FRAMES];
	unsigned int n, work = 0;

	n = rte_ring_sc_dequeue_burst(host_ring, (void **)pkts, HOST_POLL_FRAMES, NULL);
	for (unsigned int i = 0; i < n; i++) {
		to_host(l, pkt_meta(pkts[i])->in_port, pkts[i]);
		rte_pktmbuf_free(pkts[i]);
	}
	work += n;
	if (nb_on == 0)
		return work;
	return work + host_poll_taps(l) + host_nl_poll();
}

bool
host_pending(void)
{
	return host_ring != NULL && !rte_ring_empty(host_ring);
}

void
host_timer(uint64_t now)
{
	if (nb_on == 0 || now - last_sec < dp.hz)
		return;
	last_sec = now;
	/* The interface's carrier is the port's: routing daemons see a link
	 * go down. */
	for (uint16_t p = 0; p < DP_MAX_PORTS; p++) {
		struct host_if *h = &host_ifs[p];
		int carrier;

		if (h->fd < 0)
			continue;
		carrier = port_link_up(p);
		if (carrier != h->carrier && ioctl(h->fd, TUNSETCARRIER, &carrier) == 0)
			h->carrier = carrier;
		host_if_check(p);
	}
	host_nl_port_range(false);
}

/* The TAP's own rx_dropped: frames it took from us that the kernel then
 * lost (its backlog was full). */
static uint64_t
tap_kernel_drops(uint16_t port)
{
	char path[64 + IF_NAMESIZE];
	unsigned long long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/rx_dropped", ports[port].name);
	f = fopen(path, "re");
	if (f == NULL)
		return 0;
	if (fscanf(f, "%llu", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

void
host_stats(struct host_stats *s)
{
	memset(s, 0, sizeof(*s));
	for (unsigned int i = 0; i < RTE_MAX_LCORE; i++) {
		const struct host_lcore *l = &host_lc[i];

		s->punted += l->punted;
		s->punt_ratelimit += l->punt_ratelimit;
		s->punt_queue_full += l->punt_queue_full;
		s->host_tx += l->host_tx;
		s->host_tx_drops += l->host_tx_drops;
	}
	s->punt_kernel_drops = kernel_drops_gone;
	for (uint16_t p = 0; p < DP_MAX_PORTS; p++)
		if (host_ifs[p].fd >= 0)
			s->punt_kernel_drops += tap_kernel_drops(p);
	s->punt_drops = s->punt_ratelimit + s->punt_queue_full + s->punt_kernel_drops;
}
