/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports and their IPv4 addresses.
 *
 * A port is created at runtime from a DPDK device string by hot-plug.  Its
 * slot in ports[] (the port index minus one) never moves while it exists.
 * Workers read ports[] fields that the control lcore writes only while the
 * port is not published (port->active false) or that are single aligned
 * words (up, mtu); the address table is replaced whole under RCU.
 */
#ifndef SLUICE_PORT_H
#define SLUICE_PORT_H

#include <stdbool.h>
#include <stdint.h>
#include <rte_ether.h>

#include "dp.h"

struct port {
	bool used;			/* slot taken (control lcore only) */
	volatile bool active;		/* started and polled by workers */
	volatile bool up;		/* admin state: down = not polled, tx dropped */
	volatile uint16_t mtu;
	uint16_t eth_port;		/* DPDK port id */
	uint32_t if_index;		/* kernel interface behind the device, or 0 */
	uint64_t kernel_rx_base;	/* its rx drops when the port was made */
	uint64_t kernel_tx_base;	/* its tx drops when the port was made */
	bool oerrors_unsent;		/* the PMD's oerrors are frames it handed back */
	bool nombuf_retried;		/* its rx_nombuf: frames left for the next poll */
	struct rte_ether_addr mac;
	char name[SLUICE_IFNAMSIZ];
	char devargs[SLUICE_DEVARGS_MAX];
};
extern struct port ports[DP_MAX_PORTS];

/* One router address.  The table holds every port's addresses. */
struct addr {
	uint32_t ip;		/* host order */
	uint8_t plen;
	uint16_t port;
};
struct addr_table {
	uint16_t n;
	uint64_t ours;		/* addr_bit of every address: made when published */
	struct addr a[DP_MAX_ADDRS];
};

/*
 * The router's addresses in a 64-bit filter (the table's ours, made once a
 * change, as IPv6's addr6_table.ours): a source whose bit is clear is none
 * of them, the rest are looked up (with two addresses, 1 packet in 32 is).
 * Hashed in network order, as the header holds them: no byte swap per
 * packet.
 */
static inline unsigned int
addr_hash(rte_be32_t ip)
{
	return (ip * 0x9e3779b1u) >> 26;
}

static inline uint64_t
addr_bit(rte_be32_t ip)
{
	return UINT64_C(1) << addr_hash(ip);
}
/* Published by the control lcore, read by workers (RCU). */
extern struct addr_table *volatile addrs;

static inline const struct addr_table *
addrs_get(void)
{
	return __atomic_load_n(&addrs, __ATOMIC_ACQUIRE);
}

/* Is ip (host order) one of the router's addresses, on any port? */
static inline bool
addr_is_local(const struct addr_table *t, uint32_t ip)
{
	for (uint16_t i = 0; i < t->n; i++)
		if (t->a[i].ip == ip)
			return true;
	return false;
}

/* Is ip one of this port's addresses? */
static inline bool
addr_on_port(const struct addr_table *t, uint16_t port, uint32_t ip)
{
	for (uint16_t i = 0; i < t->n; i++)
		if (t->a[i].ip == ip && t->a[i].port == port)
			return true;
	return false;
}

/* An IPv4 prefix length's network mask, host order. */
static inline uint32_t
plen_mask(uint8_t plen)
{
	return plen == 0 ? 0 : ~UINT32_C(0) << (32 - plen);
}

/* Is ip on a network of one of port's addresses (a host the port can
 * reach without a gateway)? */
static inline bool
addr_net_on_port(const struct addr_table *t, uint16_t port, uint32_t ip)
{
	for (uint16_t i = 0; i < t->n; i++)
		if (t->a[i].port == port && ((t->a[i].ip ^ ip) & plen_mask(t->a[i].plen)) == 0)
			return true;
	return false;
}

/* Is ip the broadcast address of a network of one of port's addresses
 * (those with room for a broadcast: /30 and shorter)? */
static inline bool
addr_bcast_on_port(const struct addr_table *t, uint16_t port, uint32_t ip)
{
	for (uint16_t i = 0; i < t->n; i++)
		if (t->a[i].port == port && t->a[i].plen < 31 &&
		    (t->a[i].ip | ~plen_mask(t->a[i].plen)) == ip)
			return true;
	return false;
}

/* The address a packet leaving or arriving on port is sourced from: the
 * port's first address, or 0 when it has none. */
static inline uint32_t
addr_of_port(const struct addr_table *t, uint16_t port)
{
	for (uint16_t i = 0; i < t->n; i++)
		if (t->a[i].port == port)
			return t->a[i].ip;
	return 0;
}

/* Control lcore.  All return 0 or -errno.  The table of ports tells
 * nobody: what a port brings or takes with it elsewhere (its link-local
 * address, host interface, NAT rules) is link_nl.c's to do. */
int port_create(const char *name, const char *devargs,
		const struct rte_ether_addr *mac, uint16_t mtu, uint16_t *index);
int port_destroy(uint16_t port);
/* Packet buffers the af_xdp devices closed since the start kept (port.c). */
uint32_t port_xdp_kept(void);
/* Admin state; the routes through a port that is down stay but yield
 * to their prefix's routes through ports that are up (route_port_state). */
int port_set_up(uint16_t port, bool up);
int port_set_mtu(uint16_t port, uint16_t mtu);
int port_by_name(const char *name);	/* slot or -ENODEV */
/* At exit, workers stopped: close every device, leave the tables. */
void port_close_all(void);
bool port_link_up(uint16_t port);	/* carrier from the device */
/* Its device reports no carrier (routes through it are shown linkdown). */
bool port_carrier_lost(uint16_t port);

/* Does slot port hold a port?  Any value may be asked (DP_NO_PORT, one
 * past the table: no). */
static inline bool
port_used(uint16_t port)
{
	return port < DP_MAX_PORTS && ports[port].used;
}

/* Polled and sent on: started (active) and administratively up. */
static inline bool
port_live(uint16_t port)
{
	return port < DP_MAX_PORTS &&
	       __atomic_load_n(&ports[port].active, __ATOMIC_ACQUIRE) &&
	       __atomic_load_n(&ports[port].up, __ATOMIC_RELAXED);
}

/*
 * May the FIB use a route through port (DP_NO_PORT: none, a blackhole):
 * a route through a port that is administratively down is kept but yields
 * to its prefix's routes through ports that are up (rt_table.h's rt_fib_ent).
 * flipped: a port whose state to read as the opposite of its own
 * (DP_NO_PORT: none), to know what the FIB held before that port changed.
 */
static inline bool
port_routes_live(uint16_t port, uint16_t flipped)
{
	return port >= DP_MAX_PORTS || ports[port].up != (port == flipped);
}

/* What the device lost or refused before the router saw a frame, or after
 * the router gave it one: rtnl_link_stats64's rx_missed_errors (ring
 * overflow, imissed, no mbuf, the socket PMDs' kernel drops), rx_errors
 * (ierrors), tx_errors (oerrors) and, for a device over a kernel
 * interface, that interface's rx_dropped (such as frames over its MTU)
 * and tx_dropped.  Control lcore. */
struct port_dev_stats {
	uint64_t rx_missed, rx_errors, rx_dropped, tx_errors, tx_dropped;
};
void port_dev_stats(uint16_t port, struct port_dev_stats *d);

static inline void
port_dev_stats_add(struct port_dev_stats *sum, const struct port_dev_stats *d)
{
	sum->rx_missed += d->rx_missed;
	sum->rx_errors += d->rx_errors;
	sum->rx_dropped += d->rx_dropped;
	sum->tx_errors += d->tx_errors;
	sum->tx_dropped += d->tx_dropped;
}
/* The same, summed over the ports deleted since the start: the totals over
 * all ports never go down when one goes (they are counters). */
void port_dev_stats_gone(struct port_dev_stats *d);

/* The IPv4 address table.  Adding an address also adds its connected,
 * local and broadcast routes; the table tells nobody else: the gratuitous
 * ARP, NAT and the host interface are arp_addr_add/del's (arp.h). */
int addr_add(uint16_t port, uint32_t ip, uint8_t plen);
int addr_del(uint16_t port, uint32_t ip, uint8_t plen);

#endif
