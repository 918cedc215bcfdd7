/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbour discovery (RFC 4861) on the control lcore: the ND messages
 * workers punt (PKT_ND), solicitations for resolution, advertisements.
 * What is learnt goes to the neighbour table (neigh.c), shared with ARP.
 */
#ifndef SLUICE_ND_H
#define SLUICE_ND_H

#include <stdbool.h>
#include <stdint.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#define ND_HOP_LIMIT	255	/* RFC 4861 6.1.2, 7.1.1: never from off-link */

/* Messages are read and written by offset: an ICMPv6 message sits 54
 * bytes into a frame, where glibc's structs (4-byte aligned) may not be
 * laid over it. */
#define ND_NS_LEN	24	/* type, code, cksum, reserved, target */
#define ND_NA_LEN	24	/* type, code, cksum, flags, target */
#define ND_TARGET_OFF	8

/* NA flags in the first word (RFC 4861 4.4). */
#define ND_NA_ROUTER	0x80
#define ND_NA_SOLICITED	0x40
#define ND_NA_OVERRIDE	0x20

/* One punted ND message (data at the IPv6 header, meta in_port). */
void nd_input(struct rte_mbuf *m);

/* Ask who has target on port: to its solicited-node group, or unicast to
 * a known MAC (a probe).  From our address on target's prefix (or the
 * link-local one), with our MAC in a source link-layer address option. */
void nd_solicit(uint16_t port, const uint8_t *target, const struct rte_ether_addr *unicast);

/*
 * Advertise target (ours) on port: to dst at dst_mac in answer to a
 * solicitation (solicited: S set), or, with dst NULL, unsolicited to all
 * nodes (RFC 4861 7.2.6).  R and O set: the router's own addresses.
 */
void nd_advertise(uint16_t port, const uint8_t *target, const uint8_t *dst,
		  const struct rte_ether_addr *dst_mac, bool solicited);
/* The same for one of port's subnet-router anycast addresses when
 * anycast: O clear (7.2.7), and from an address of the port, not from
 * the target. */
void nd_advertise_as(uint16_t port, const uint8_t *target, const uint8_t *dst,
		     const struct rte_ether_addr *dst_mac, bool solicited, bool anycast);

/*
 * Addresses from the outside (netlink, a new port): the table (addr6.c)
 * changes, then the link is told.  Adding one sends an unsolicited
 * advertisement (7.2.6; no duplicate address detection, as IPv4 sends no
 * ARP probe); router advertisements follow the port's prefixes (ra.c);
 * the host interface follows the port's addresses (host.h).
 * 0 or -errno.
 */
int nd_addr_add(uint16_t port, const uint8_t *ip, uint8_t plen);
int nd_addr_del(uint16_t port, const uint8_t *ip, uint8_t plen);	/* plen 255: any */
/* A port came: its link-local address (EUI-64).  Its MTU changed from
 * old: under IPv6's 1280 it has no IPv6, back over it its link-local
 * address again.  A port goes: a last router advertisement, then every
 * IPv6 address and route of it. */
int ip6_port_up(uint16_t port);
void ip6_port_mtu_changed(uint16_t port, uint16_t old);
void ip6_port_down(uint16_t port);

/* Build an ICMPv6 frame for port: Ethernet to dst_mac, IPv6 src -> dst
 * (hop limit 255), room for len bytes of ICMPv6 (returned, zeroed);
 * *out is the mbuf (NULL when none).  The checksum is nd_finish's. */
void *nd_frame(uint16_t port, const struct rte_ether_addr *dst_mac, const uint8_t *src,
	       const uint8_t *dst, uint16_t len, struct rte_mbuf **out);
/* Checksum the message built by nd_frame and send it from the control lcore. */
void nd_finish(struct rte_mbuf *m, uint16_t port);

#endif
