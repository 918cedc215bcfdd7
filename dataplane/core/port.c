/* SPDX-License-Identifier: BSD-3-Clause */
/* Ports by hot-plug, and the router's IPv4 addresses on them. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>

#include <linux/rtnetlink.h>

#include "devargs.h"
#include "log.h"
#include "neigh.h"
#include "port.h"
#include "route.h"
#include "route6.h"
#include "pmdsock.h"

/* Descriptors per queue when the device has no preference of its own
 * (af_xdp prefers 2048, the size of its fill ring; af_packet ignores them
 * and takes framecnt from the device string). */
#define RX_DESC 1024
#define TX_DESC 1024

struct port ports[DP_MAX_PORTS];
struct addr_table *volatile addrs;
static struct addr_table addrs_empty;

int
port_by_name(const char *name)
{
	for (int i = 0; i < DP_MAX_PORTS; i++)
		if (ports[i].used && strcmp(ports[i].name, name) == 0)
			return i;
	return -ENODEV;
}

/* The ethdev name a device string creates: a vdev's name is what comes
 * before the first comma; a PCI device's is its address. */
static void
devargs_name(const char *devargs, char *name, size_t len)
{
	size_t n = strcspn(devargs, ",");

	if (n >= len)
		n = len - 1;
	memcpy(name, devargs, n);
	name[n] = '\0';
}

/*
 * af_packet opens one socket per queue pair in a fanout group; a socket
 * that nobody polls would swallow its share of the traffic, so the number
 * of queue pairs must be the number of workers exactly.
 */
static void
devargs_complete(const char *devargs, char *out, size_t len)
{
	if (strncmp(devargs, "net_af_packet", 13) == 0 && strstr(devargs, "qpairs=") == NULL)
		snprintf(out, len, "%s,qpairs=%u", devargs, dp.nb_workers);
	else if (strncmp(devargs, "net_af_xdp", 10) == 0 && strstr(devargs, "queue_count=") == NULL)
		snprintf(out, len, "%s,queue_count=%u", devargs, dp.nb_workers);
	else
		snprintf(out, len, "%s", devargs);
}

static inline uint32_t
mtu_frame(uint16_t mtu)
{
	return mtu + RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN;
}

/*
 * The router enforces a port's MTU itself, so a device that has no say in
 * it (no mtu_set) is fine.  A device that refuses a jumbo MTU is not: it
 * would drop or truncate (af_packet: its frame size) what the router
 * believes the link carries.
 */
static int
device_mtu(uint16_t eth_port, uint16_t mtu)
{
	int ret = rte_eth_dev_set_mtu(eth_port, mtu);
	struct rte_eth_dev_info info;
	uint32_t overhead;

	if (ret == 0 || ret == -ENOTSUP || mtu <= RTE_ETHER_MTU)
		return 0;
	if (rte_eth_dev_info_get(eth_port, &info) != 0)
		return dp_errmsg(ret, "the device refused MTU %u: %s", mtu, strerror(-ret));
	/* The frame size ethdev checks against, as it counts the overhead. */
	if (info.max_mtu != UINT16_MAX && info.max_rx_pktlen > info.max_mtu)
		overhead = info.max_rx_pktlen - info.max_mtu;
	else
		overhead = RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN;
	if (mtu > info.max_mtu)
		return dp_errmsg(-EINVAL, "MTU %u is more than the device takes (at most %u)",
				 mtu, info.max_mtu);
	if (mtu + overhead > info.max_rx_pktlen)
		return dp_errmsg(-EINVAL, "MTU %u is more than the device takes: frame size %u > %u",
				 mtu, mtu + overhead, info.max_rx_pktlen);
	return dp_errmsg(ret, "the device refused MTU %u: %s", mtu, strerror(-ret));
}

/* A failed step of bringing a device up, said as such. */
static int
start_failed(const char *what, int ret)
{
	if (ret > 0)
		ret = -EIO;
	return dp_errmsg(ret, "the device's %s failed: %s", what, strerror(-ret));
}

static void kernel_dropped(int if_index, uint64_t *rx, uint64_t *tx);

/* What the ports deleted since the start lost (port_dev_stats_gone). */
static struct port_dev_stats dev_gone;

/* Start p's device, with RX interrupts asked for when rx_intr; *refused:
 * the device failed at the start itself with them asked for. */
static int
port_start_conf(struct port *p, const struct rte_ether_addr *mac, bool rx_intr, bool *refused)
{
	struct rte_eth_conf conf = { .intr_conf.rxq = rx_intr };
	struct rte_eth_dev_info info;
	uint16_t nq = dp.nb_workers, rxd = RX_DESC, txd = TX_DESC;
	int ret;

	ret = rte_eth_dev_info_get(p->eth_port, &info);
	if (ret != 0)
		return start_failed("info", ret);
	if (info.default_rxportconf.ring_size != 0)
		rxd = RTE_MAX(rxd, info.default_rxportconf.ring_size);
	if (info.default_txportconf.ring_size != 0)
		txd = RTE_MAX(txd, info.default_txportconf.ring_size);
	p->if_index = info.if_index;
	/* The interface may have dropped frames before it was the port's. */
	kernel_dropped((int)p->if_index, &p->kernel_rx_base, &p->kernel_tx_base);
	if (nq > info.max_rx_queues || nq > info.max_tx_queues)
		return dp_errmsg(-ENOTSUP, "the device has %u rx and %u tx queues; the %u workers "
				 "need one of each", info.max_rx_queues, info.max_tx_queues, nq);
	if (nq > 1 && info.flow_type_rss_offloads != 0) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		/* Ports in the hash spread flows; both directions of a flow
		 * still land on one queue each, which the NAT relies on.
		 * PCTYPE-based NICs (i40e...) hash nothing of TCP/UDP when
		 * asked for IP alone. */
		conf.rx_adv_conf.rss_conf.rss_hf = (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP |
						    RTE_ETH_RSS_UDP) & info.flow_type_rss_offloads;
	}
	/* A device that verifies IPv4 header checksums spares the workers
	 * the sum (ip4.c reads RTE_MBUF_F_RX_IP_CKSUM_*). */
	if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM)
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_IPV4_CKSUM;
	/* A frame larger than one mbuf needs scattered receive, and then
	 * multi-segment transmit for what the router forwards. */
	if (mtu_frame(p->mtu) > (uint32_t)rte_pktmbuf_data_room_size(dp.pool) - RTE_PKTMBUF_HEADROOM) {
		if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER)
			conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_SCATTER;
		if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS)
			conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	}
	ret = rte_eth_dev_configure(p->eth_port, nq, nq, &conf);
	if (ret != 0)
		return start_failed("configure", ret);
	ret = rte_eth_dev_adjust_nb_rx_tx_desc(p->eth_port, &rxd, &txd);
	if (ret != 0)
		return start_failed("descriptor setup", ret);
	for (uint16_t q = 0; q < nq; q++) {
		ret = rte_eth_rx_queue_setup(p->eth_port, q, rxd,
					     rte_eth_dev_socket_id(p->eth_port), NULL, dp.pool);
		if (ret != 0)
			return start_failed("rx queue setup", ret);
		ret = rte_eth_tx_queue_setup(p->eth_port, q, txd,
					     rte_eth_dev_socket_id(p->eth_port), NULL);
		if (ret != 0)
			return start_failed("tx queue setup", ret);
	}
	ret = device_mtu(p->eth_port, p->mtu);
	if (ret != 0)
		return ret;
	if (mac != NULL && rte_eth_dev_default_mac_addr_set(p->eth_port,
			(struct rte_ether_addr *)(uintptr_t)mac) != 0) {
		/* The device keeps its own address: take frames to ours anyway. */
		rte_eth_promiscuous_enable(p->eth_port);
	}
	/* IPv6's solicited-node and all-routers groups (neighbour discovery,
	 * router solicitations); devices without the filter see them all. */
	(void)rte_eth_allmulticast_enable(p->eth_port);
	ret = rte_eth_dev_start(p->eth_port);
	if (ret != 0) {
		*refused = rx_intr;
		return start_failed("start", ret);
	}
	if (mac != NULL)
		p->mac = *mac;
	else
		rte_eth_macaddr_get(p->eth_port, &p->mac);
	return 0;
}

/* Each worker's RX interrupt fd on port p (slot), -1 where the device
 * has none.  ethdev logs an error for a queue without one, which most
 * vdevs are (af_xdp, af_packet, pcap, null): muted while asking. */
static void
port_rx_intr_fds(const struct port *p, uint16_t slot)
{
	int type = rte_log_register("lib.ethdev");
	int level = type >= 0 ? rte_log_get_level(type) : -1;

	if (level >= 0)
		rte_log_set_level((uint32_t)type, RTE_LOG_EMERG);
	for (uint16_t q = 0; q < dp.nb_workers; q++) {
		int fd = rte_eth_dev_rx_intr_ctl_q_get_fd(p->eth_port, q);

		dp.workers[q].rx_intr_fd[slot] = fd >= 0 ? fd : -1;
	}
	if (level >= 0)
		rte_log_set_level((uint32_t)type, (uint32_t)level);
}

static void
port_rx_intr_clear(uint16_t slot)
{
	for (unsigned int q = 0; q < DP_MAX_WORKERS; q++)
		dp.workers[q].rx_intr_fd[slot] = -1;
}

/*
 * With RX interrupts where the device has them (tap, virtio, most NICs on
 * vfio-pci): an idle worker then waits on them and the first frame wakes
 * it (worker.c).  A device that cannot give them (a NIC on uio, without
 * MSI-X vectors) may refuse to start so: it starts again without, and its
 * idle worker sleeps blind as on every other device.
 */
static int
port_start(struct port *p, const struct rte_ether_addr *mac)
{
	bool refused = false;
	int ret = port_start_conf(p, mac, true, &refused);

	if (ret != 0 && refused) {
		fprintf(stderr, SD_WARNING "sluice-dataplane: port %s: the device did not start "
			"with RX interrupts asked for; trying without them\n", p->name);
		ret = port_start_conf(p, mac, false, &refused);
	}
	if (ret == 0)
		port_rx_intr_fds(p, (uint16_t)(p - ports));
	return ret;
}

/*
 * DPDK 22.11's af_xdp driver lends each queue's fill ring 2048 buffers of
 * the pool (ETH_AF_XDP_DFLT_NUM_DESCS) and never gives them back: not when
 * the device closes, nor when a socket it made for them fails.  A port of
 * that kind made again and again would drain the pool, so each one made
 * first checks there is room, and what was lost is counted.
 */
#define XDP_FILL_BUFS	2048u

static uint32_t xdp_kept;	/* buffers the closed af_xdp devices kept */

uint32_t
port_xdp_kept(void)
{
	return xdp_kept;
}

/* Room for an af_xdp device's fill rings, and a ring's worth left for
 * traffic (the default pool, 8 ports' fill rings and 8192, has it for the
 * eighth port). */
static int
xdp_room(void)
{
	uint32_t need = XDP_FILL_BUFS * (dp.nb_workers + 1u);
	unsigned int avail = rte_mempool_avail_count(dp.pool);

	if (avail >= need)
		return 0;
	/* The user's way out is a larger pool: say which option sets it. */
	if (xdp_kept == 0)
		return dp_errmsg(-ENOBUFS, "the packet pool has %u free buffers, an af_xdp port "
				 "needs %u (its fill queues, and %u for traffic): start the dataplane "
				 "with a larger --mbufs (the pool holds %u)", avail, need,
				 XDP_FILL_BUFS, dp.pool->size);
	return dp_errmsg(-ENOBUFS, "the packet pool has %u free buffers, an af_xdp port needs %u "
			 "(its fill queues, and %u for traffic); %u are kept by af_xdp devices closed since "
			 "the start, which DPDK 22.11's driver never gives back: a restart of the "
			 "dataplane frees them, and a larger --mbufs (the pool holds %u) makes room",
			 avail, need, XDP_FILL_BUFS, xdp_kept, dp.pool->size);
}

/* Undo a probe whose start failed. */
static void
port_close_dev(uint16_t eth_port)
{
	struct rte_eth_dev_info info;

	if (rte_eth_dev_info_get(eth_port, &info) == 0 && info.device != NULL) {
		rte_eth_dev_close(eth_port);
		rte_dev_remove(info.device);
	} else {
		rte_eth_dev_close(eth_port);
	}
}

/*
 * Say why a device could not be probed.  rte_dev_probe answers -EFAULT when
 * no bus recognises the string, -ENODEV when the bus has no such device,
 * and whatever the driver returned (often -1) when it refused: turned into
 * ENODEV or EINVAL, which is what the user must hear, with the reason.
 */
static int
probe_failed(const char *devargs, const char *devname, int ret)
{
	if (ret == -EFAULT)
		return dp_errmsg(-EINVAL, "no bus takes device \"%s\" (a PCI address such as "
				 "0000:01:00.0, or a virtual device net_<driver><N>[,key=value...])",
				 devargs);
	if (ret == -ENODEV)
		return dp_errmsg(-ENODEV, "no device %s (a PCI device must exist and be bound to "
				 "a DPDK driver such as vfio-pci)", devname);
	if (ret == -ENOMEM || ret == -EBUSY || ret == -EEXIST)
		return dp_errmsg(ret, "device \"%s\" cannot be attached: %s", devargs,
				 strerror(-ret));
	if (dp_log_error() != NULL)
		return dp_errmsg(-EINVAL, "the driver refused device \"%s\": %s", devargs,
				 dp_log_error());
	return dp_errmsg(-EINVAL, "the driver refused device \"%s\" (its reason is in the "
			 "dataplane's log)", devargs);
}

/* A device that failed to start: what its driver logged, after what
 * failed, when it said anything. */
static int
start_failed_why(int ret)
{
	char what[sizeof("the device's ") + 256];

	if (dp_log_error() == NULL)
		return ret;
	snprintf(what, sizeof(what), "%s", dp_errmsg_get());
	return dp_errmsg(ret, "%s (the driver: %s)", what, dp_log_error());
}

static int
port_open(struct port *p, const char *devargs, const struct rte_ether_addr *mac)
{
	char full[SLUICE_DEVARGS_MAX + 32], devname[RTE_ETH_NAME_MAX_LEN], iface[IF_NAMESIZE];
	int ret;

	devargs_complete(devargs, full, sizeof(full));
	devargs_name(devargs, devname, sizeof(devname));
	/* The commonest mistake, which the drivers report only in their log. */
	if (devargs_iface(devargs, iface, sizeof(iface)) && if_nametoindex(iface) == 0)
		return dp_errmsg(-ENODEV, "no interface \"%s\" in the dataplane's network "
				 "namespace", iface);
	dp_log_error_clear();
	ret = rte_dev_probe(full);
	if (ret != 0)
		return probe_failed(devargs, devname, ret);
	if (rte_eth_dev_get_port_by_name(devname, &p->eth_port) != 0) {
		rte_eal_hotplug_remove("vdev", devname);
		return dp_errmsg(-ENODEV, "device \"%s\" is not an ethernet port", devargs);
	}
	ret = port_start(p, mac);
	if (ret != 0) {
		ret = start_failed_why(ret < 0 ? ret : -EIO);
		port_close_dev(p->eth_port);
		return ret;
	}
	return 0;
}

/* The sockets each port's PMD opened (see pmdsock.h): control lcore. */
static struct pmdsock_set port_socks[DP_MAX_PORTS];

int
port_create(const char *name, const char *devargs, const struct rte_ether_addr *mac,
	    uint16_t mtu, uint16_t *index)
{
	bool xdp = strncmp(devargs, "net_af_xdp", 10) == 0;
	bool packet = strncmp(devargs, "net_af_packet", 13) == 0 ||
		      strncmp(devargs, "eth_af_packet", 13) == 0;
	char iface[IF_NAMESIZE], other[IF_NAMESIZE];
	struct pmdsock_set before, after;
	struct port *p = NULL;
	int slot = -1, ret;

	if (name[0] == '\0' || strlen(name) >= SLUICE_IFNAMSIZ)
		return dp_errmsg(-EINVAL, "a port name has 1 to %u characters",
				 SLUICE_IFNAMSIZ - 1);
	if (devargs[0] == '\0' || strlen(devargs) >= SLUICE_DEVARGS_MAX)
		return dp_errmsg(-EINVAL, "a device string has 1 to %u characters",
				 SLUICE_DEVARGS_MAX - 1);
	if (mtu < SLUICE_MTU_MIN || mtu > SLUICE_MTU_MAX)
		return dp_errmsg(-EINVAL, "MTU %u out of range (%u..%u)", mtu, SLUICE_MTU_MIN,
				 SLUICE_MTU_MAX);
	if (mac != NULL && !rte_is_valid_assigned_ether_addr(mac))
		return dp_errmsg(-EINVAL, "a port's MAC address may be neither multicast nor zero");
	for (int i = 0; i < DP_MAX_PORTS; i++) {
		if (ports[i].used && strcmp(ports[i].name, name) == 0)
			return dp_errmsg(-EEXIST, "port \"%s\" exists", name);
		if (ports[i].used && strcmp(ports[i].devargs, devargs) == 0)
			return dp_errmsg(-EEXIST, "device \"%s\" is already port \"%s\"", devargs,
					 ports[i].name);
		/* Before the driver: a second af_xdp socket's failure would
		 * take the first's XDP program off the interface. */
		if (ports[i].used && devargs_iface(devargs, iface, sizeof(iface)) &&
		    devargs_iface(ports[i].devargs, other, sizeof(other)) && !strcmp(iface, other))
			return dp_errmsg(-EBUSY, "interface %s is already port \"%s\"'s (%s)",
					 iface, ports[i].name, ports[i].devargs);
		if (!ports[i].used && slot < 0)
			slot = i;
	}
	if (slot < 0)
		return dp_errmsg(-ENOSPC, "no room for another port (at most %u)", DP_MAX_PORTS);

	p = &ports[slot];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->devargs, sizeof(p->devargs), "%s", devargs);
	p->mtu = mtu;
	if (xdp) {
		/* libxdp's dispatcher probe fails on some kernels and only adds
		 * noise: the PMD's own program attached alone is what we want. */
		setenv("LIBXDP_SKIP_DISPATCHER", "1", 0);
	}
	if (xdp && (ret = xdp_room()) != 0) {
		memset(p, 0, sizeof(*p));
		return ret;
	}
	if (xdp || packet)
		pmdsock_snapshot(xdp ? AF_XDP : AF_PACKET, &before);
	/* The kernel releases an AF_XDP queue asynchronously after close: a
	 * port re-created at once may find it busy for some milliseconds. */
	for (int attempt = 0;; attempt++) {
		unsigned int in_use = rte_mempool_in_use_count(dp.pool);

		ret = port_open(p, devargs, mac);
		if (ret != 0 && xdp) {
			/* The failed socket's fill rings: lost (above).  Seen as
			 * whole rings in the pool's use, so that traffic
			 * elsewhere meanwhile is not taken for them. */
			unsigned int now = rte_mempool_in_use_count(dp.pool);
			unsigned int rings = now > in_use ?
				(now - in_use + XDP_FILL_BUFS / 2) / XDP_FILL_BUFS : 0;

			xdp_kept += RTE_MIN(rings, dp.nb_workers) * XDP_FILL_BUFS;
		}
		if (ret == 0 || !xdp || attempt >= 5)
			break;
		usleep(50 * 1000);
	}
	memset(&port_socks[slot], 0, sizeof(port_socks[slot]));
	if (xdp || packet) {
		pmdsock_snapshot(before.domain, &after);
		pmdsock_new(&before, &after, &port_socks[slot]);
	}
	if (ret != 0) {
		if (xdp)
			pmdsock_close(&port_socks[slot]);
		memset(&port_socks[slot], 0, sizeof(port_socks[slot]));
		memset(p, 0, sizeof(*p));
		return ret;
	}
	/* af_xdp counts in oerrors the frames it hands back unsent, which the
	 * worker counts as tx_dropped already. */
	p->oerrors_unsent = xdp;
	/* af_xdp adds a burst to rx_nombuf each poll that finds no buffers,
	 * and leaves the frames in its ring for the next: not losses (what
	 * the kernel then drops it counts in imissed). */
	p->nombuf_retried = xdp;
	p->used = true;
	p->up = true;
	/* Workers start polling the port only once it is whole. */
	__atomic_store_n(&p->active, true, __ATOMIC_RELEASE);
	*index = slot;
	return 0;
}

int
port_destroy(uint16_t port)
{
	struct port *p = &ports[port];
	const struct addr_table *t;

	if (port >= DP_MAX_PORTS || !p->used)
		return -ENODEV;
	__atomic_store_n(&p->active, false, __ATOMIC_RELEASE);

	t = addrs_get();
	for (int i = t->n - 1; i >= 0; i--) {
		t = addrs_get();
		if (i < t->n && t->a[i].port == port)
			addr_del(port, t->a[i].ip, t->a[i].plen);
	}
	route_flush_port(port);
	neigh_flush_port_all(port);
	/* No worker may still be inside rx/tx on this device. */
	rte_rcu_qsbr_synchronize(dp.qsbr, RTE_QSBR_THRID_INVALID);
	{
		struct port_dev_stats d;

		port_dev_stats(port, &d);
		port_dev_stats_add(&dev_gone, &d);
	}
	rte_eth_dev_stop(p->eth_port);
	port_close_dev(p->eth_port);
	if (strncmp(p->devargs, "net_af_xdp", 10) == 0) {
		xdp_kept += XDP_FILL_BUFS * dp.nb_workers;
		fprintf(stderr, SD_WARNING "port %s: DPDK's af_xdp driver keeps the %u packet "
			"buffers of its fill queues (%u so far; a restart gives them back)\n",
			p->name, XDP_FILL_BUFS * dp.nb_workers, xdp_kept);
	}
	port_rx_intr_clear(port);
	if (port_socks[port].domain == AF_XDP && pmdsock_close(&port_socks[port]))
		usleep(100 * 1000);	/* let the kernel free the queue (see above) */
	memset(&port_socks[port], 0, sizeof(port_socks[port]));
	/* A port made later in this slot starts its counters from zero. */
	for (unsigned int l = 0; l < RTE_MAX_LCORE; l++)
		memset(&dp.counters[l].port[port], 0, sizeof(dp.counters[l].port[port]));
	memset(p, 0, sizeof(*p));
	return 0;
}

/*
 * At exit, with the workers stopped: close every device and nothing more.
 * Unwinding the tables port by port (a million routes through a port) would
 * only delay an exit that frees them all anyway.
 */
void
port_close_all(void)
{
	for (uint16_t i = 0; i < DP_MAX_PORTS; i++) {
		struct port *p = &ports[i];

		if (!p->used)
			continue;
		p->active = false;
		rte_eth_dev_stop(p->eth_port);
		port_close_dev(p->eth_port);
		port_rx_intr_clear(i);
		if (port_socks[i].domain == AF_XDP)
			pmdsock_close(&port_socks[i]);
		p->used = false;
	}
}

int
port_set_up(uint16_t port, bool up)
{
	if (!port_used(port))
		return -ENODEV;
	if (ports[port].up == up)
		return 0;
	ports[port].up = up;
	route_port_state(port);
	route6_port_state(port);
	return 0;
}

int
port_set_mtu(uint16_t port, uint16_t mtu)
{
	if (!port_used(port))
		return -ENODEV;
	if (mtu < SLUICE_MTU_MIN || mtu > SLUICE_MTU_MAX)
		return dp_errmsg(-EINVAL, "MTU %u out of range (%u..%u)", mtu, SLUICE_MTU_MIN,
				 SLUICE_MTU_MAX);
	if (rte_eth_dev_is_valid_port(ports[port].eth_port)) {
		int ret = device_mtu(ports[port].eth_port, mtu);

		if (ret != 0)
			return ret;
	}
	ports[port].mtu = mtu;
	return 0;
}

/* A socket for interface ioctls (control lcore). */
static int
ifreq_fd(void)
{
	static int fd = -1;

	if (fd < 0)
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	return fd;
}

/* IFF_RUNNING of a kernel interface: up, and its carrier on (a veth
 * whose peer is down has none). */
static bool
kernel_carrier(int if_index)
{
	struct ifreq ifr;
	int fd = ifreq_fd();

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_ifindex = if_index;
	if (fd < 0 || ioctl(fd, SIOCGIFNAME, &ifr) < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return false;
	return (ifr.ifr_flags & IFF_RUNNING) != 0;
}

/*
 * The kernel interface's own drops (/proc/net/dev), which the PMD never
 * hears of: rx, frames the interface refused before any socket or XDP
 * program saw them, such as a veth's over its MTU (the peer's frame is
 * counted here, not sent); tx, frames the PMD handed over that the
 * interface lost, such as a veth whose peer's backlog was full.  Both 0
 * for a device over no kernel interface.
 */
static void
kernel_dropped(int if_index, uint64_t *rx, uint64_t *tx)
{
	struct ifreq ifr;
	char line[512];
	size_t nlen;
	uint64_t v[12];
	int fd = ifreq_fd();
	FILE *f;

	*rx = *tx = 0;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_ifindex = if_index;
	if (if_index == 0 || fd < 0 || ioctl(fd, SIOCGIFNAME, &ifr) < 0)
		return;
	f = fopen("/proc/self/net/dev", "r");
	if (f == NULL)
		return;
	nlen = strlen(ifr.ifr_name);
	while (fgets(line, sizeof(line), f) != NULL) {
		const char *l = line + strspn(line, " ");

		/* name: rx bytes packets errs drop fifo frame compressed
		 * multicast, tx bytes packets errs drop ... */
		if (strncmp(l, ifr.ifr_name, nlen) != 0 || l[nlen] != ':')
			continue;
		if (sscanf(l + nlen + 1, "%lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8],
			   &v[9], &v[10], &v[11]) == 12) {
			*rx = v[3];
			*tx = v[11];
		}
		break;
	}
	fclose(f);
}

/*
 * The carrier.  A device over a kernel interface (af_packet, af_xdp, tap:
 * those that give an if_index) takes the interface's: DPDK 22.11's
 * af_packet and af_xdp report link up from start to stop whatever the
 * interface does.  Other devices report their own.
 */
bool
port_link_up(uint16_t port)
{
	struct rte_eth_link link;

	if (!rte_eth_dev_is_valid_port(ports[port].eth_port))
		return false;
	if (ports[port].if_index != 0)
		return kernel_carrier((int)ports[port].if_index);
	if (rte_eth_link_get_nowait(ports[port].eth_port, &link) != 0)
		return false;
	return link.link_status == RTE_ETH_LINK_UP;
}

/* Control lcore only: a route dump asks once a route, so the answer is
 * kept for a millisecond.  A port without a device (none yet) has lost
 * nothing. */
bool
port_carrier_lost(uint16_t port)
{
	static uint64_t asked[DP_MAX_PORTS];
	static bool lost[DP_MAX_PORTS];
	uint64_t now = rte_get_tsc_cycles();

	if (asked[port] == 0 || now - asked[port] > dp.hz / 1000) {
		lost[port] = rte_eth_dev_is_valid_port(ports[port].eth_port) && !port_link_up(port);
		asked[port] = now;
	}
	return lost[port];
}

void
port_dev_stats(uint16_t port, struct port_dev_stats *d)
{
	struct port *p = &ports[port];
	struct rte_eth_stats es;

	memset(d, 0, sizeof(*d));
	if (port >= DP_MAX_PORTS || !p->used || !rte_eth_dev_is_valid_port(p->eth_port))
		return;
	if (rte_eth_stats_get(p->eth_port, &es) == 0) {
		/* No mbuf for a frame is a frame the device lost, but for a
		 * device that tries the frame again. */
		d->rx_missed = es.imissed + (p->nombuf_retried ? 0 : es.rx_nombuf);
		d->rx_errors = es.ierrors;
		d->tx_errors = p->oerrors_unsent ? 0 : es.oerrors;
	}
	d->rx_missed += pmdsock_drops(&port_socks[port]);
	if (p->if_index != 0) {
		uint64_t krx, ktx;

		kernel_dropped((int)p->if_index, &krx, &ktx);
		krx = krx > p->kernel_rx_base ? krx - p->kernel_rx_base : 0;
		/* An interface whose XDP program redirects to the port's
		 * sockets (the driver's own XDP, as veth's and most NICs')
		 * counts what a socket could not take in its rx_dropped too:
		 * those are rx_missed already.  Under the kernel's generic
		 * XDP it does not, and this undercounts by them, never
		 * below 0. */
		if (port_socks[port].domain == AF_XDP)
			krx = krx > d->rx_missed ? krx - d->rx_missed : 0;
		d->rx_dropped = krx;
		d->tx_dropped = ktx > p->kernel_tx_base ? ktx - p->kernel_tx_base : 0;
	}
}

void
port_dev_stats_gone(struct port_dev_stats *d)
{
	*d = dev_gone;
}

/* Publish a new address table, its filter made; the old one is freed
 * once no worker can still be reading it. */
static void
addrs_publish(struct addr_table *t)
{
	struct addr_table *old = addrs_get() == &addrs_empty ? NULL :
		(struct addr_table *)(uintptr_t)addrs_get();

	t->ours = 0;
	for (uint16_t i = 0; i < t->n; i++)
		t->ours |= addr_bit(rte_cpu_to_be_32(t->a[i].ip));

	__atomic_store_n(&addrs, t, __ATOMIC_RELEASE);
	rte_rcu_qsbr_synchronize(dp.qsbr, RTE_QSBR_THRID_INVALID);
	rte_free(old);
}

/* The routes an address brings: its network (connected), itself (local)
 * and, for networks with room for one, the directed broadcast. */
/* Another address of this port on ip/plen's network, 0 when none: the
 * network's routes belong to it too and outlive ip. */
static uint32_t
addr_network_other(uint16_t port, uint32_t ip, uint8_t plen)
{
	const struct addr_table *t = addrs_get();
	uint32_t mask = plen == 0 ? 0 : ~0u << (32 - plen);

	for (uint16_t i = 0; i < t->n; i++)
		if (t->a[i].port == port && t->a[i].ip != ip && t->a[i].plen == plen &&
		    (t->a[i].ip & mask) == (ip & mask))
			return t->a[i].ip;
	return 0;
}

static int
addr_routes(uint16_t port, uint32_t ip, uint8_t plen, bool add)
{
	struct route r = { .protocol = SLUICE_RTPROT_CONNECTED, .port = port,
			   .prefsrc = ip };
	struct route_match m = { .port = true, .type = true, .protocol = true };
	uint32_t other;
	int ret = 0;

	r.type = RTN_LOCAL;
	r.scope = RT_SCOPE_HOST;
	r.dst = ip;
	r.plen = 32;
	ret = add ? route_add(&r, 0) : route_del(&r, &m);
	if (ret != 0 && add)
		return ret;
	if (!add && (other = addr_network_other(port, ip, plen)) != 0) {
		/* The network stays, named after the address left, as the
		 * kernel's promoted secondary. */
		if (plen < 32) {
			r.type = RTN_UNICAST;
			r.scope = RT_SCOPE_LINK;
			r.dst = ip & plen_mask(plen);
			r.plen = plen;
			r.prefsrc = other;
			(void)route_add(&r, NLM_F_REPLACE);
		}
		return 0;
	}
	if (plen < 31) {
		r.type = RTN_BROADCAST;
		r.scope = RT_SCOPE_LINK;
		r.dst = ip | ~plen_mask(plen);
		if (add)
			(void)route_add(&r, 0);	/* a second address on the network shares it */
		else
			(void)route_del(&r, &m);
	}
	if (plen < 32) {
		r.type = RTN_UNICAST;
		r.scope = RT_SCOPE_LINK;
		r.dst = ip & plen_mask(plen);
		r.plen = plen;
		if (add) {
			(void)route_add(&r, NLM_F_EXCL);
		} else {
			(void)route_del(&r, &m);
			/* Gateways on a network we left are unreachable. */
			route_flush_gateways(port, ip, plen);
		}
	}
	return 0;
}

int
addr_add(uint16_t port, uint32_t ip, uint8_t plen)
{
	const struct addr_table *cur = addrs_get();
	struct addr_table *t;
	int ret;

	if (!port_used(port))
		return -ENODEV;
	if (plen > 32 || ip == 0)
		return dp_errmsg(-EINVAL, "an address is not 0.0.0.0 and has a prefix of 0..32");
	for (uint16_t i = 0; i < cur->n; i++)
		if (cur->a[i].ip == ip)
			return dp_errmsg(-EEXIST, "address " DP_IP4_FMT " is already on port %s",
					 DP_IP4_ARGS(ip), ports[cur->a[i].port].name);
	/* Two ports on one network: which one a host of it is on could not
	 * be told, and one connected route would stand for both (sluiced's
	 * check refuses the same in a file). */
	for (uint16_t i = 0; i < cur->n; i++)
		if (cur->a[i].port != port &&
		    ((cur->a[i].ip ^ ip) & plen_mask(RTE_MIN(plen, cur->a[i].plen))) == 0)
			return dp_errmsg(-EINVAL, DP_IP4_FMT "/%u overlaps " DP_IP4_FMT "/%u of "
					 "port %s: two ports on one network", DP_IP4_ARGS(ip), plen,
					 DP_IP4_ARGS(cur->a[i].ip), cur->a[i].plen,
					 ports[cur->a[i].port].name);
	if (cur->n >= DP_MAX_ADDRS)
		return dp_errmsg(-ENOSPC, "no room for another address (at most %u on all ports)",
				 DP_MAX_ADDRS);
	t = rte_malloc("sluice_addrs", sizeof(*t), 0);
	if (t == NULL)
		return -ENOMEM;
	*t = *cur;
	t->a[t->n++] = (struct addr){ .ip = ip, .plen = plen, .port = port };
	/* The address must be in the table before its local route exists, or a
	 * worker could take our own address as someone else's. */
	addrs_publish(t);
	ret = addr_routes(port, ip, plen, true);
	if (ret != 0) {
		addr_del(port, ip, plen);
		return ret;
	}
	return 0;
}

int
addr_del(uint16_t port, uint32_t ip, uint8_t plen)
{
	const struct addr_table *cur = addrs_get();
	struct addr_table *t;
	uint16_t j = 0;
	bool found = false;

	for (uint16_t i = 0; i < cur->n; i++)
		if (cur->a[i].ip == ip && cur->a[i].port == port &&
		    (plen > 32 || cur->a[i].plen == plen)) {
			found = true;
			plen = cur->a[i].plen;
		}
	if (!found)
		return -ENOENT;
	addr_routes(port, ip, plen, false);
	t = rte_malloc("sluice_addrs", sizeof(*t), 0);
	if (t == NULL)
		return -ENOMEM;
	for (uint16_t i = 0; i < cur->n; i++)
		if (!(cur->a[i].ip == ip && cur->a[i].port == port))
			t->a[j++] = cur->a[i];
	t->n = j;
	addrs_publish(t);
	return 0;
}

RTE_INIT(addrs_init)
{
	addrs = &addrs_empty;
}
