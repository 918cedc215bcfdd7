/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 addresses (RFC 4291): what an address is (unspecified, link-local,
 * multicast, martian), the groups and MACs derived from one, prefixes.
 * Plain helpers over 16 bytes in network order, for the packet stages and
 * the tables (addresses, routes, neighbours) alike: no packet code here.
 */
#ifndef SLUICE_IP6_ADDR_H
#define SLUICE_IP6_ADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <rte_ether.h>

static inline bool
ip6_is_zero(const uint8_t *a)
{
	static const uint8_t z[16];

	return memcmp(a, z, 16) == 0;
}

/* fe80::/10 */
static inline bool
ip6_link_local(const uint8_t *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

static inline bool
ip6_multicast(const uint8_t *a)
{
	return a[0] == 0xff;
}

/*
 * ::, ::1 and ::ffff:0:0/96 (IPv4-mapped): no packet on a wire may carry
 * them (RFC 4291 2.5.2, 2.5.3, RFC 4038 4.2).  :: is a valid source only
 * for duplicate address detection, which nd.c handles before this check.
 */
static inline bool
ip6_martian(const uint8_t *a)
{
	static const uint8_t zero10[10];

	if (memcmp(a, zero10, 10) != 0)
		return false;
	if (a[10] == 0xff && a[11] == 0xff)
		return true;	/* IPv4-mapped */
	if (a[10] != 0 || a[11] != 0 || a[12] != 0 || a[13] != 0 || a[14] != 0)
		return false;
	return a[15] <= 1;	/* :: or ::1 */
}

/* The solicited-node multicast address of a (RFC 4291 2.7.1):
 * ff02::1:ff00:0/104 with a's low 24 bits. */
static inline void
ip6_solicited_node(const uint8_t *a, uint8_t *out)
{
	static const uint8_t pfx[13] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };

	memcpy(out, pfx, sizeof(pfx));
	memcpy(out + 13, a + 13, 3);
}

/* The Ethernet address of an IPv6 multicast group (RFC 2464 7). */
static inline void
ip6_mcast_mac(const uint8_t *group, struct rte_ether_addr *mac)
{
	mac->addr_bytes[0] = 0x33;
	mac->addr_bytes[1] = 0x33;
	memcpy(&mac->addr_bytes[2], group + 12, 4);
}

/* "2001:db8::1" into buf (INET6_ADDRSTRLEN) for messages. */
static inline const char *
ip6_fmt(const uint8_t *a, char *buf)
{
	return inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

/* a masked to plen bits; is a within net/plen? (route6.c) */
void ip6_prefix(const uint8_t *a, uint8_t plen, uint8_t *out);
bool ip6_in_prefix(const uint8_t *a, const uint8_t *net, uint8_t plen);

#endif
