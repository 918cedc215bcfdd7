/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The proxy ARP set (see proxy_arp.h).  Two buffers take turns: the
 * writer fills the one no reader can hold (the previous write waited for
 * a grace period after publishing the other), so a change never
 * allocates and cannot fail half way.
 */
#include <errno.h>
#include <string.h>

#include <rte_rcu_qsbr.h>

#include "dp.h"
#include "proxy_arp.h"

struct proxy_arp_set {
	unsigned int n;
	struct proxy_arp_range r[PROXY_ARP_MAX];
};

static struct proxy_arp_set sets[2];
static struct proxy_arp_set *volatile proxy_cur = &sets[0];

int
proxy_arp_set(const struct proxy_arp_range *r, unsigned int n)
{
	struct proxy_arp_set *next = proxy_cur == &sets[0] ? &sets[1] : &sets[0];

	if (n > PROXY_ARP_MAX)
		return -ENOSPC;
	memcpy(next->r, r, n * sizeof(*r));
	next->n = n;
	__atomic_store_n(&proxy_cur, next, __ATOMIC_RELEASE);
	/* The next change rewrites the buffer just left. */
	rte_rcu_qsbr_synchronize(dp.qsbr, RTE_QSBR_THRID_INVALID);
	return 0;
}

bool
proxy_arp_has(uint16_t port, uint32_t ip)
{
	const struct proxy_arp_set *s = __atomic_load_n(&proxy_cur, __ATOMIC_ACQUIRE);

	for (unsigned int i = 0; i < s->n; i++)
		if (s->r[i].port == port && ip >= s->r[i].lo && ip <= s->r[i].hi)
			return true;
	return false;
}
