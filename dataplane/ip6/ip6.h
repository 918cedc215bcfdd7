/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 (RFC 8200) for a router: validation, the addresses never forwarded,
 * local delivery, forwarding (hop limit, MTU: never fragmented), output
 * toward a next hop.  Addresses are 16 bytes in network order everywhere.
 */
#ifndef SLUICE_IP6_H
#define SLUICE_IP6_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <rte_ip.h>

#include "worker.h"

#define IP6_MIN_MTU	1280	/* RFC 8200 5 */
#define IP6_HDR_LEN	40

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

/* IPv6 frames of one burst, Ethernet header still in front (worker). */
void ip6_input(struct wctx *w, uint16_t in_port, struct rte_mbuf **pkts, uint16_t n);

/*
 * Route and send a packet the router made (ICMPv6): data at the IPv6
 * header, room in front for Ethernet.  A link-local or multicast
 * destination needs out_port (DP_NO_PORT otherwise).  Consumes m.
 */
void ip6_output(struct wctx *w, struct rte_mbuf *m, uint16_t out_port);

/* Ethernet header for port and queue it (data at IPv6). Consumes m. */
void ip6_eth_tx(struct wctx *w, struct rte_mbuf *m, uint16_t port,
		const struct rte_ether_addr *dst_mac);

#endif
