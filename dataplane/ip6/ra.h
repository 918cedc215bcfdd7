/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Router advertisements (RFC 4861 6.2) on the ports that have them on
 * (`ra = yes`, SLUICE_IFLA_RA): periodic, and in answer to router
 * solicitations, from the port's link-local address, with the port's MTU
 * and a prefix option (on-link, autonomous) for each of its global /64s,
 * so that hosts configure an address (RFC 4862) and a default route.
 * Control lcore only.
 */
#ifndef SLUICE_RA_H
#define SLUICE_RA_H

#include <stdbool.h>
#include <stdint.h>

/* Seconds (RFC 4861 6.2.1 defaults); tests shorten them. */
struct ra_conf {
	double min_interval;		/* MinRtrAdvInterval */
	double max_interval;		/* MaxRtrAdvInterval */
	uint16_t router_lifetime;	/* AdvDefaultLifetime */
	uint32_t valid_lifetime;	/* AdvValidLifetime of each prefix */
	uint32_t preferred_lifetime;	/* AdvPreferredLifetime */
};
extern struct ra_conf ra_conf;

#define RA_MAX_PREFIXES	32	/* prefix options in one advertisement */
#define RA_INITIAL	3	/* MAX_INITIAL_RTR_ADVERTISEMENTS */
#define RA_INITIAL_INTERVAL 16	/* MAX_INITIAL_RTR_ADVERT_INTERVAL, s */
#define RA_MIN_DELAY	3	/* MIN_DELAY_BETWEEN_RAS, s */

/* Turn a port's advertisements on (one goes at once) or off (a last one
 * with router lifetime 0 goes, 6.2.5). */
void ra_set(uint16_t port, bool on);
bool ra_enabled(uint16_t port);
/* The host advertises on the port's host interface (radvd): off, without
 * the last advertisement of lifetime 0 that ra_set sends, which would take
 * the host daemon's default route from the link's hosts. */
void ra_yield(uint16_t port);
/* Whether the port's advertisements are off by ra_yield, until ra_set or
 * the host interface's removal (ra_host_gone). */
bool ra_yielded(uint16_t port);
void ra_host_gone(uint16_t port);
/* The port's prefixes changed: advertise soon (6.2.4). */
void ra_addr_changed(uint16_t port);
/* A router solicitation (msg, len bytes of ICMPv6) from src on port. */
void ra_solicited(uint16_t port, const uint8_t *src, const uint8_t *msg, uint32_t len);
/* Send what is due; now in TSC cycles. */
void ra_timer(uint64_t now);
/* Send one advertisement on port now (lifetime as given), to all nodes. */
void ra_send(uint16_t port, uint16_t lifetime);

#endif
