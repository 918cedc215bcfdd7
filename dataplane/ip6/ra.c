/* SPDX-License-Identifier: BSD-3-Clause */
/* Router advertisements (RFC 4861 6.2); see ra.h. */
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/icmp6.h>

#include <rte_cycles.h>
#include <rte_random.h>

#include "addr6.h"
#include "ip6.h"
#include "log.h"
#include "nd.h"
#include "neigh.h"
#include "port.h"
#include "ra.h"

struct ra_conf ra_conf = {
	.min_interval = 200, .max_interval = 600, .router_lifetime = 1800,
	.valid_lifetime = 2592000, .preferred_lifetime = 604800,
};

static struct {
	bool on;
	uint8_t initial;	/* advertisements sent since it was turned on */
	uint64_t last;		/* TSC of the last one */
	uint64_t next;		/* TSC of the next one */
} ra[DP_MAX_PORTS];

/* Off because the host advertises there: what a reload of sluiced must
 * not turn on again (it reads it from the link's dump). */
static bool yielded[DP_MAX_PORTS];

static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };

static inline void
put_be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline void
put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, v >> 16);
	put_be16(p + 2, v & 0xffff);
}

static inline uint64_t
secs(double s)
{
	return (uint64_t)(s * (double)dp.hz);
}

bool
ra_enabled(uint16_t port)
{
	return port < DP_MAX_PORTS && ra[port].on;
}

void
ra_yield(uint16_t port)
{
	if (!ra_enabled(port))
		return;
	memset(&ra[port], 0, sizeof(ra[port]));
	yielded[port] = true;
	fprintf(stderr, SD_WARNING "port %s: the host sends router advertisements on its host "
		"interface; sluice's own there are off\n", ports[port].name);
}

bool
ra_yielded(uint16_t port)
{
	return port < DP_MAX_PORTS && yielded[port];
}

void
ra_host_gone(uint16_t port)
{
	if (port < DP_MAX_PORTS)
		yielded[port] = false;
}

/* The port's distinct global /64 prefixes, at most max. */
static unsigned int
ra_prefixes(uint16_t port, uint8_t (*out)[16], unsigned int max)
{
	const struct addr6_table *t = addrs6_get();
	unsigned int n = 0;

	for (uint16_t i = 0; i < t->n && n < max; i++) {
		uint8_t p[16];
		bool dup = false;

		if (t->a[i].port != port || t->a[i].plen != 64 || ip6_link_local(t->a[i].ip))
			continue;
		ip6_prefix(t->a[i].ip, 64, p);
		for (unsigned int j = 0; j < n; j++)
			dup = dup || memcmp(out[j], p, 16) == 0;
		if (!dup)
			memcpy(out[n++], p, 16);
	}
	return n;
}

void
ra_send(uint16_t port, uint16_t lifetime)
{
	uint8_t pfx[RA_MAX_PREFIXES][16], src[16], *ra_h, *p;
	struct rte_ether_addr mac;
	struct rte_mbuf *m;
	unsigned int np;

	if (!port_used(port) ||
	    !addr6_link_local(addrs6_get(), port, src))
		return;
	np = ra_prefixes(port, pfx, RA_MAX_PREFIXES);
	ip6_mcast_mac(all_nodes, &mac);
	/* RFC 4861 4.2, 4.6: the message (16 bytes), the source link-layer
	 * address (8), the MTU (8), a prefix information option (32) each;
	 * written by offset (see nd.h). */
	ra_h = nd_frame(port, &mac, src, all_nodes, 16 + 8 + 8 + np * 32, &m);
	if (ra_h == NULL)
		return;
	ra_h[0] = ND_ROUTER_ADVERT;
	ra_h[4] = 64;				/* cur hop limit */
	ra_h[5] = 0;				/* no DHCPv6: M and O clear */
	put_be16(ra_h + 6, lifetime);
	/* reachable time and retrans timer 0: unspecified, the host's own */
	p = ra_h + 16;
	p[0] = ND_OPT_SOURCE_LINKADDR;
	p[1] = 1;
	memcpy(p + 2, ports[port].mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	p += 8;
	p[0] = ND_OPT_MTU;
	p[1] = 1;
	put_be32(p + 4, ports[port].mtu);
	p += 8;
	for (unsigned int i = 0; i < np; i++, p += 32) {
		p[0] = ND_OPT_PREFIX_INFORMATION;
		p[1] = 4;
		p[2] = 64;
		p[3] = ND_OPT_PI_FLAG_ONLINK | ND_OPT_PI_FLAG_AUTO;
		put_be32(p + 4, ra_conf.valid_lifetime);
		put_be32(p + 8, ra_conf.preferred_lifetime);
		memcpy(p + 16, pfx[i], 16);
	}
	nd_finish(m, port);
}

/* When the next unsolicited one is due (6.2.4): a random time between
 * the intervals, at most 16 s apart for the first three. */
static uint64_t
ra_next_interval(uint16_t port)
{
	double lo = ra_conf.min_interval, hi = ra_conf.max_interval;
	double s = lo + (hi - lo) * (double)(rte_rand() % 1000) / 1000.0;

	if (ra[port].initial < RA_INITIAL && s > RA_INITIAL_INTERVAL)
		s = RA_INITIAL_INTERVAL;
	return secs(s);
}

static void
ra_send_now(uint16_t port, uint64_t now)
{
	ra_send(port, ra_conf.router_lifetime);
	ra[port].last = now;
	if (ra[port].initial < RA_INITIAL)
		ra[port].initial++;
	ra[port].next = now + ra_next_interval(port);
}

void
ra_set(uint16_t port, bool on)
{
	uint64_t now = rte_get_tsc_cycles();

	if (port >= DP_MAX_PORTS)
		return;
	yielded[port] = false;		/* asked for: the user's word now */
	if (ra[port].on == on)
		return;
	if (!on && ports[port].used && ports[port].active)
		ra_send(port, 0);	/* hosts drop the default route now */
	memset(&ra[port], 0, sizeof(ra[port]));
	ra[port].on = on;
	if (on)
		ra_send_now(port, now);
}

/* Soon, but never closer than RA_MIN_DELAY to the last one (6.2.6). */
static void
ra_soon(uint16_t port)
{
	uint64_t now = rte_get_tsc_cycles(), at = ra[port].last + secs(RA_MIN_DELAY);

	if (at < now)
		at = now;
	if (at < ra[port].next)
		ra[port].next = at;
}

void
ra_addr_changed(uint16_t port)
{
	if (ra_enabled(port))
		ra_soon(port);
}

void
ra_solicited(uint16_t port, const uint8_t *src, const uint8_t *msg, uint32_t len)
{
	const uint8_t *o = msg + 8;
	uint32_t left;
	bool has_sll = false;

	/* 6.1.1: at least 8 bytes, options of non-zero length; no source
	 * link-layer address option from ::. */
	if (len < 8)
		goto invalid;
	for (left = len - 8; left > 0;) {
		if (left < 2 || o[1] == 0 || 8u * o[1] > left)
			goto invalid;
		if (o[0] == ND_OPT_SOURCE_LINKADDR && o[1] == 1) {
			struct rte_ether_addr mac;
			struct neigh_act act;	/* a new entry: nothing held */

			memcpy(mac.addr_bytes, o + 2, RTE_ETHER_ADDR_LEN);
			if (!rte_is_valid_assigned_ether_addr(&mac))
				goto invalid;
			has_sll = true;
			if (!ip6_is_zero(src) && neigh6_state(port, src, NULL) == 0 &&
			    neigh6_learn(port, src, &mac, true, &act) == 0)
				neigh6_stale(port, src, &mac, &act);	/* 6.2.6 */
		}
		left -= 8u * o[1];
		o += 8u * o[1];
	}
	if (ip6_is_zero(src) && has_sll)
		goto invalid;
	if (ra_enabled(port))
		ra_soon(port);
	else	/* not advertising here: nothing to answer, and said so */
		dp_counters()->drop[DROP_ND_IGNORED]++;
	return;
invalid:
	dp_counters()->drop[DROP_ND_INVALID]++;
}

void
ra_timer(uint64_t now)
{
	for (uint16_t p = 0; p < DP_MAX_PORTS; p++)
		if (ra[p].on && now >= ra[p].next)
			ra_send_now(p, now);
}
