/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The router's IPv6 addresses: every port's link-local fe80::/64 address
 * (EUI-64 from its MAC, RFC 4291 2.5.1 and appendix A) and the global ones
 * added by hand.  One table for all ports, replaced whole under RCU as
 * IPv4's (port.h).  A global address brings a local /128 route and a
 * connected route for its prefix; link-local addresses bring none (fe80::/64
 * is on every link: link-local destinations are handled by port, never
 * routed).  Each port also answers on the subnet-router anycast address
 * of each of its global prefixes (addr6_anycast_of), which brings a local
 * /128 route of its own while an address on that prefix stays.
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
	uint64_t ours;		/* the filter of a[] (addr6_bit), made at publish */
	struct addr6 a[DP_MAX_ADDRS6];
};
extern struct addr6_table *volatile addrs6;

static inline const struct addr6_table *
addrs6_get(void)
{
	return __atomic_load_n(&addrs6, __ATOMIC_ACQUIRE);
}

/*
 * By first byte: an address that may be a martian (::, ::1, ::ffff:0:0/96
 * begin with 0), link-local (fe80::/10) or multicast (ff00::/8).  One load
 * per address for the forwarding path's common-packet test (ip6_plain);
 * the exact checks sort out the rest.
 */
extern const uint8_t addr6_byte_odd[256];

/*
 * The router's addresses as a 64-bit filter (the table's ours, as IPv4's
 * addr_table.ours, made once a change, not once a burst): a source
 * whose bit is clear is none of them, the rest go to the exact compare.
 * Addresses odd by their first byte (link-local ones) are left out: a
 * source that begins so takes the exact checks anyway, and each bit fewer
 * is a 64th fewer of the sources sent there in vain.
 */
static inline uint64_t
addr6_bit(const uint8_t *a)
{
	uint64_t hi, lo;

	memcpy(&hi, a, 8);
	memcpy(&lo, a + 8, 8);
	return UINT64_C(1) << (((hi ^ lo) * UINT64_C(0x9e3779b97f4a7c15)) >> 58);
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

/*
 * The subnet-router anycast address of a[i] (RFC 4291 2.6.1: its prefix,
 * the interface identifier zero), which a router takes on every subnet
 * it has an interface on, as the kernel does on a forwarding interface:
 * none for a link-local address, nor for a /127 or /128 (RFC 6164).
 * false when there is none.
 */
static inline bool
addr6_anycast_of(const struct addr6 *a, uint8_t *out)
{
	if (ip6_link_local(a->ip) || a->plen == 0 || a->plen >= 127)
		return false;
	ip6_prefix(a->ip, a->plen, out);
	return true;
}

/* Is ip a subnet-router anycast address of port (DP_NO_PORT: of any
 * port), and no address of ours itself, which then answers as unicast? */
static inline bool
addr6_anycast_on_port(const struct addr6_table *t, uint16_t port, const uint8_t *ip)
{
	uint8_t ac[16];
	bool found = false;

	for (uint16_t i = 0; i < t->n; i++) {
		if (memcmp(t->a[i].ip, ip, 16) == 0)
			return false;
		if ((port == DP_NO_PORT || t->a[i].port == port) &&
		    addr6_anycast_of(&t->a[i], ac) && memcmp(ac, ip, 16) == 0)
			found = true;
	}
	return found;
}

/* Is group the solicited-node multicast address of one of port's
 * addresses, or of one of its subnet-router anycast addresses?  Only the
 * low 24 bits vary. */
static inline bool
addr6_solicited_on_port(const struct addr6_table *t, uint16_t port, const uint8_t *group)
{
	uint8_t sn[16], ac[16];

	for (uint16_t i = 0; i < t->n; i++) {
		if (t->a[i].port != port)
			continue;
		ip6_solicited_node(t->a[i].ip, sn);
		if (memcmp(sn, group, 16) == 0)
			return true;
		if (addr6_anycast_of(&t->a[i], ac)) {
			ip6_solicited_node(ac, sn);
			if (memcmp(sn, group, 16) == 0)
				return true;
		}
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
