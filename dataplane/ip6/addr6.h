/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The router's IPv6 addresses: every port's link-local fe80::/64 address
 * (EUI-64 from its MAC, RFC 4291 2.5.1 and appendix A) and the global ones
 * added by hand.  One table for all ports, replaced whole under RCU as
 * IPv4's (port.h).  A global address brings a local /128 route and a
 * connected route for its prefix; link-local addresses bring none (fe80::/64
 * is on every link: link-local destinations are handled by port, never
 * routed).
 */
#ifndef SLUICE_ADDR6_H
#define SLUICE_ADDR6_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "dp.h"
#include "ip6_addr.h"

struct addr6 {
	uint8_t ip[16];
	uint8_t plen;
	uint16_t port;
};
struct addr6_table {
	uint16_t n;
	struct addr6 a[DP_MAX_ADDRS6];
};
extern struct addr6_table *volatile addrs6;

static inline const struct addr6_table *
addrs6_get(void)
{
	return __atomic_load_n(&addrs6, __ATOMIC_ACQUIRE);
}

static inline bool
addr6_is_local(const struct addr6_table *t, const uint8_t *ip)
{
	for (uint16_t i = 0; i < t->n; i++)
		if (memcmp(t->a[i].ip, ip, 16) == 0)
			return true;
	return false;
}

static inline bool
addr6_on_port(const struct addr6_table *t, uint16_t port, const uint8_t *ip)
{
	for (uint16_t i = 0; i < t->n; i++)
		if (t->a[i].port == port && memcmp(t->a[i].ip, ip, 16) == 0)
			return true;
	return false;
}

/* Is group the solicited-node multicast address of one of port's
 * addresses?  Only the low 24 bits vary. */
static inline bool
addr6_solicited_on_port(const struct addr6_table *t, uint16_t port, const uint8_t *group)
{
	uint8_t sn[16];

	for (uint16_t i = 0; i < t->n; i++) {
		if (t->a[i].port != port)
			continue;
		ip6_solicited_node(t->a[i].ip, sn);
		if (memcmp(sn, group, 16) == 0)
			return true;
	}
	return false;
}

/* Our address on port to send to dst from (RFC 6724 in short): the
 * link-local one for a link-local or multicast destination, else a
 * global one on dst's prefix, else the port's first global one, else the
 * link-local one.  false when the port has none. */
bool addr6_source(const struct addr6_table *t, uint16_t port, const uint8_t *dst, uint8_t *out);
/* The port's link-local address; false when it has none. */
bool addr6_link_local(const struct addr6_table *t, uint16_t port, uint8_t *out);

/* Control lcore.  0 or -errno.  The table alone, with the routes an
 * address brings: telling the link and the host interface is
 * nd_addr_add's (nd.h). */
int addr6_add(uint16_t port, const uint8_t *ip, uint8_t plen);
int addr6_del(uint16_t port, const uint8_t *ip, uint8_t plen);	/* plen 255: any */
/* A port goes: every IPv6 address and route of it. */
void addr6_flush_port(uint16_t port);

/* fe80::/64 with the modified EUI-64 of mac. */
void ip6_eui64_link_local(const struct rte_ether_addr *mac, uint8_t *out);

#endif
