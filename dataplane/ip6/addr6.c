/* SPDX-License-Identifier: BSD-3-Clause */
/* The router's IPv6 addresses (see addr6.h). */
#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include <linux/rtnetlink.h>

#include "addr6.h"
#include "port.h"
#include "route6.h"

struct addr6_table *volatile addrs6;
static struct addr6_table addrs6_empty;

void
ip6_eui64_link_local(const struct rte_ether_addr *mac, uint8_t *out)
{
	const uint8_t *m = mac->addr_bytes;

	memset(out, 0, 16);
	out[0] = 0xfe;
	out[1] = 0x80;
	out[8] = m[0] ^ 0x02;	/* the universal/local bit, inverted */
	out[9] = m[1];
	out[10] = m[2];
	out[11] = 0xff;
	out[12] = 0xfe;
	out[13] = m[3];
	out[14] = m[4];
	out[15] = m[5];
}

bool
addr6_link_local(const struct addr6_table *t, uint16_t port, uint8_t *out)
{
	for (uint16_t i = 0; i < t->n; i++)
		if (t->a[i].port == port && ip6_link_local(t->a[i].ip)) {
			memcpy(out, t->a[i].ip, 16);
			return true;
		}
	return false;
}

bool
addr6_source(const struct addr6_table *t, uint16_t port, const uint8_t *dst, uint8_t *out)
{
	int first = -1;

	if (ip6_link_local(dst) || ip6_multicast(dst))
		return addr6_link_local(t, port, out);
	for (uint16_t i = 0; i < t->n; i++) {
		const struct addr6 *a = &t->a[i];

		if (a->port != port || ip6_link_local(a->ip))
			continue;
		if (ip6_in_prefix(dst, a->ip, a->plen)) {
			memcpy(out, a->ip, 16);
			return true;
		}
		if (first < 0)
			first = i;
	}
	if (first >= 0) {
		memcpy(out, t->a[first].ip, 16);
		return true;
	}
	return addr6_link_local(t, port, out);
}

const uint8_t addr6_byte_odd[256] = { [0] = 1, [0xfe] = 1, [0xff] = 1 };

static void
addrs6_publish(struct addr6_table *t)
{
	struct addr6_table *old = addrs6_get() == &addrs6_empty ? NULL :
		(struct addr6_table *)(uintptr_t)addrs6_get();

	t->ours = 0;
	for (uint16_t i = 0; i < t->n; i++)
		if (!addr6_byte_odd[t->a[i].ip[0]])
			t->ours |= addr6_bit(t->a[i].ip);
	__atomic_store_n(&addrs6, t, __ATOMIC_RELEASE);
	rte_rcu_qsbr_synchronize(dp.qsbr, RTE_QSBR_THRID_INVALID);
	rte_free(old);
}

/* Another address of this port on ip/plen's network, NULL when none. */
static const uint8_t *
network_other(uint16_t port, const uint8_t *ip, uint8_t plen)
{
	const struct addr6_table *t = addrs6_get();

	for (uint16_t i = 0; i < t->n; i++)
		if (t->a[i].port == port && memcmp(t->a[i].ip, ip, 16) != 0 &&
		    t->a[i].plen == plen && ip6_in_prefix(t->a[i].ip, ip, plen))
			return t->a[i].ip;
	return NULL;
}

/* The routes a global address brings: itself (local) and its network. */
static int
addr6_routes(uint16_t port, const uint8_t *ip, uint8_t plen, bool add)
{
	struct route6 r = { .protocol = SLUICE_RTPROT_CONNECTED, .port = port };
	struct route_match m = { .port = true, .type = true, .protocol = true };
	const uint8_t *other;
	int ret;

	if (ip6_link_local(ip))
		return 0;
	memcpy(r.prefsrc, ip, 16);
	r.type = RTN_LOCAL;
	r.scope = RT_SCOPE_HOST;
	memcpy(r.dst, ip, 16);
	r.plen = 128;
	ret = add ? route6_add(&r, 0) : route6_del(&r, &m);
	if (ret != 0 && add)
		return ret;
	if (plen == 128)
		return 0;
	other = add ? NULL : network_other(port, ip, plen);
	r.type = RTN_UNICAST;
	r.scope = RT_SCOPE_LINK;
	/* The kernel's metric for connected IPv6 prefixes. */
	r.metric = 256;
	ip6_prefix(ip, plen, r.dst);
	r.plen = plen;
	if (other != NULL) {
		/* The network stays, named after the address left. */
		memcpy(r.prefsrc, other, 16);
		(void)route6_add(&r, NLM_F_REPLACE);
		return 0;
	}
	if (add) {
		(void)route6_add(&r, NLM_F_EXCL);
	} else {
		(void)route6_del(&r, &m);
		route6_flush_gateways(port, ip, plen);
	}
	return 0;
}

/* The subnet-router anycast addresses whose local route this file added
 * (control lcore only). */
static struct {
	uint8_t ip[16];
	uint16_t port;
	bool used;
} anycasts[DP_MAX_ADDRS6];

static int
anycast_route(uint16_t port, const uint8_t *ip, bool add)
{
	struct route6 r = { .protocol = SLUICE_RTPROT_CONNECTED, .port = port,
			    .type = RTN_LOCAL, .scope = RT_SCOPE_HOST, .plen = 128 };
	struct route_match m = { .port = true, .type = true, .protocol = true };

	memcpy(r.dst, ip, 16);
	return add ? route6_add(&r, 0) : route6_del(&r, &m);
}

/*
 * Port's anycast routes as its addresses now make them: one for each
 * subnet-router anycast address of its global prefixes that is no
 * address of ours itself, none for the rest.  Called after each change of
 * the table; an address that becomes one of ours takes the route over
 * (addr6_add calls this before adding the address's own routes).
 */
static void
anycast_sync(uint16_t port)
{
	const struct addr6_table *t = addrs6_get();
	uint8_t ac[16];

	for (unsigned int k = 0; k < RTE_DIM(anycasts); k++)
		if (anycasts[k].used && anycasts[k].port == port &&
		    !addr6_anycast_on_port(t, port, anycasts[k].ip)) {
			(void)anycast_route(port, anycasts[k].ip, false);
			anycasts[k].used = false;
		}
	for (uint16_t i = 0; i < t->n; i++) {
		unsigned int k, free = RTE_DIM(anycasts);

		if (t->a[i].port != port || !addr6_anycast_of(&t->a[i], ac) ||
		    !addr6_anycast_on_port(t, port, ac))
			continue;
		for (k = 0; k < RTE_DIM(anycasts); k++) {
			if (anycasts[k].used && anycasts[k].port == port &&
			    memcmp(anycasts[k].ip, ac, 16) == 0)
				break;
			if (!anycasts[k].used && free == RTE_DIM(anycasts))
				free = k;
		}
		/* Made already, or no slot (there is one per address), or
		 * the route refused: nothing to keep. */
		if (k < RTE_DIM(anycasts) || free == RTE_DIM(anycasts) ||
		    anycast_route(port, ac, true) != 0)
			continue;
		memcpy(anycasts[free].ip, ac, 16);
		anycasts[free].port = port;
		anycasts[free].used = true;
	}
}

int
addr6_add(uint16_t port, const uint8_t *ip, uint8_t plen)
{
	const struct addr6_table *cur = addrs6_get();
	struct addr6_table *t;
	char s[INET6_ADDRSTRLEN];
	int ret;

	if (!port_used(port))
		return -ENODEV;
	ip6_fmt(ip, s);
	if (plen > 128)
		return dp_errmsg(-EINVAL, "prefix length %u out of range (0..128)", plen);
	if (ip6_martian(ip) || ip6_multicast(ip))
		return dp_errmsg(-EINVAL, "%s is not a unicast address", s);
	for (uint16_t i = 0; i < cur->n; i++)
		if (memcmp(cur->a[i].ip, ip, 16) == 0 &&
		    (!ip6_link_local(ip) || cur->a[i].port == port))
			return dp_errmsg(-EEXIST, "address %s is already on port %s", s,
					 ports[cur->a[i].port].name);
	/* Two ports on one network, as for IPv4 (fe80::/64 is on every link). */
	for (uint16_t i = 0; i < cur->n; i++)
		if (cur->a[i].port != port && !ip6_link_local(ip) &&
		    !ip6_link_local(cur->a[i].ip) &&
		    ip6_in_prefix(ip, cur->a[i].ip, RTE_MIN(plen, cur->a[i].plen))) {
			char o[INET6_ADDRSTRLEN];

			ip6_fmt(cur->a[i].ip, o);
			return dp_errmsg(-EINVAL, "%s/%u overlaps %s/%u of port %s: two ports on "
					 "one network", s, plen, o, cur->a[i].plen,
					 ports[cur->a[i].port].name);
		}
	if (cur->n >= DP_MAX_ADDRS6)
		return dp_errmsg(-ENOSPC, "no room for another IPv6 address (at most %u on all "
				 "ports)", DP_MAX_ADDRS6);
	t = rte_malloc("sluice_addrs6", sizeof(*t), 0);
	if (t == NULL)
		return -ENOMEM;
	*t = *cur;
	memcpy(t->a[t->n].ip, ip, 16);
	t->a[t->n].plen = plen;
	t->a[t->n].port = port;
	t->n++;
	addrs6_publish(t);
	anycast_sync(port);
	ret = addr6_routes(port, ip, plen, true);
	if (ret != 0) {
		addr6_del(port, ip, plen);
		return ret;
	}
	return 0;
}

int
addr6_del(uint16_t port, const uint8_t *ip, uint8_t plen)
{
	const struct addr6_table *cur = addrs6_get();
	struct addr6_table *t;
	uint16_t j = 0;
	bool found = false;

	for (uint16_t i = 0; i < cur->n; i++)
		if (memcmp(cur->a[i].ip, ip, 16) == 0 && cur->a[i].port == port &&
		    (plen > 128 || cur->a[i].plen == plen)) {
			found = true;
			plen = cur->a[i].plen;
		}
	if (!found)
		return -ENOENT;
	addr6_routes(port, ip, plen, false);
	t = rte_malloc("sluice_addrs6", sizeof(*t), 0);
	if (t == NULL)
		return -ENOMEM;
	for (uint16_t i = 0; i < cur->n; i++)
		if (!(memcmp(cur->a[i].ip, ip, 16) == 0 && cur->a[i].port == port))
			t->a[j++] = cur->a[i];
	t->n = j;
	addrs6_publish(t);
	anycast_sync(port);
	return 0;
}

void
addr6_flush_port(uint16_t port)
{
	const struct addr6_table *t = addrs6_get();

	for (int i = t->n - 1; i >= 0; i--) {
		t = addrs6_get();
		if (i < t->n && t->a[i].port == port)
			addr6_del(port, t->a[i].ip, t->a[i].plen);
	}
	route6_flush_port(port);
}

RTE_INIT(addrs6_init)
{
	addrs6 = &addrs6_empty;
}
