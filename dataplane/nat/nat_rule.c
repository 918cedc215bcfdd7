/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT rules and configuration.  The rule set is copied, changed and
 * published whole by the control lcore; workers read it under RCU.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include <netinet/in.h>
#include <rte_malloc.h>

#include "arp.h"
#include "nat_int.h"
#include "proxy_arp.h"
#include "route.h"

static_assert(NAT_RULES_MAX <= PROXY_ARP_MAX, "a proxy ARP range per rule");

struct nat_conf nat_cfg = {
	.timeout_udp = SLUICE_NAT_TIMEOUT_UDP_DEFAULT,
	.timeout_tcp_est = SLUICE_NAT_TIMEOUT_TCP_EST_DEFAULT,
	.timeout_tcp_trans = SLUICE_NAT_TIMEOUT_TCP_TRANS_DEFAULT,
	.timeout_icmp = SLUICE_NAT_TIMEOUT_ICMP_DEFAULT,
	.max_sessions = SLUICE_NAT_MAX_SESSIONS_DEFAULT,
};

static struct nat_ruleset rules_empty;
struct nat_ruleset *volatile nat_rules = &rules_empty;

#define NAT_MAX_SESSIONS_MIN	16
#define NAT_MAX_SESSIONS_MAX	(1u << 24)
#define NAT_TIMEOUT_MAX		(7u * 86400)

static inline uint32_t
mask_of(uint8_t len)
{
	return len == 0 ? 0 : ~0u << (32 - len);
}

/* The first masquerade/snat rule for src on port (other: on any port
 * but that one). */
static inline const struct nat_rule *
snat_first(const struct nat_ruleset *rs, uint16_t port, bool other, uint32_t src)
{
	for (uint16_t i = 0; i < rs->n; i++) {
		const struct nat_rule *r = &rs->r[i];

		if (r->s.kind != SLUICE_NAT_DNAT && (r->s.port == port) != other &&
		    (src & r->src_mask) == r->s.src)
			return r;
	}
	return NULL;
}

const struct nat_rule *
nat_rule_snat(const struct nat_ruleset *rs, uint16_t out_port, uint32_t src)
{
	return snat_first(rs, out_port, false, src);
}

const struct nat_rule *
nat_rule_snat_guess(const struct nat_ruleset *rs, uint16_t in_port, uint32_t src)
{
	return snat_first(rs, in_port, true, src);
}

const struct nat_rule *
nat_rule_dnat(const struct nat_ruleset *rs, const struct addr_table *at, uint8_t proto,
	      uint32_t dst, uint16_t dport)
{
	for (uint16_t i = 0; i < rs->n; i++) {
		const struct nat_rule *r = &rs->r[i];

		if (r->s.kind == SLUICE_NAT_DNAT && r->s.proto == proto &&
		    dport >= r->s.dport_min && dport <= r->s.dport_max &&
		    addr_on_port(at, r->s.port, dst))
			return r;
	}
	return NULL;
}

const struct nat_rule *
nat_rule_by_id(const struct nat_ruleset *rs, uint32_t id)
{
	for (uint16_t i = 0; i < rs->n; i++)
		if (rs->r[i].s.id == id)
			return &rs->r[i];
	return NULL;
}

bool
nat_rule_dst_ours(const struct nat_ruleset *rs, const struct addr_table *at, uint32_t dst)
{
	if (addr_is_local(at, dst))
		return true;
	for (uint16_t i = 0; i < rs->n; i++)
		if (rs->r[i].s.kind == SLUICE_NAT_SNAT && dst >= rs->r[i].s.addr_min &&
		    dst <= rs->r[i].s.addr_max)
			return true;
	return false;
}

bool
nat_rule_addr_claimed(const struct nat_ruleset *rs, const struct addr_table *at, uint32_t dst)
{
	for (uint16_t i = 0; i < rs->n; i++) {
		const struct nat_rule_spec *r = &rs->r[i].s;

		if (r->kind == SLUICE_NAT_SNAT ? dst >= r->addr_min && dst <= r->addr_max :
						 addr_on_port(at, r->port, dst))
			return true;
	}
	return false;
}

bool
nat_rule_on_port(const struct nat_ruleset *rs, uint16_t port)
{
	for (uint16_t i = 0; i < rs->n; i++)
		if (rs->r[i].s.port == port)
			return true;
	return false;
}

/* Fields that make two rules the same rule. */
static bool
spec_equal(const struct nat_rule_spec *a, const struct nat_rule_spec *b)
{
	return a->kind == b->kind && a->port == b->port && a->has_src == b->has_src &&
	       (!a->has_src || (a->src == b->src && a->src_len == b->src_len)) &&
	       a->addr_min == b->addr_min && a->addr_max == b->addr_max &&
	       a->port_min == b->port_min && a->port_max == b->port_max &&
	       a->proto == b->proto && a->dport_min == b->dport_min &&
	       a->dport_max == b->dport_max && a->filter == b->filter;
}

/* Check r and put it in the form rules are compared and dumped in. */
static int
spec_check(struct nat_rule_spec *r)
{
	if (!port_used(r->port))
		return dp_errmsg(-ENODEV, "no port with index %u", r->port + 1u);
	if (r->filter > SLUICE_NAT_FILTER_EIF)
		return dp_errmsg(-EINVAL, "unknown filter %u", r->filter);
	if (!r->has_src)
		r->src = r->src_len = 0;
	if (r->src_len > 32 || (r->src & ~mask_of(r->src_len)))
		return dp_errmsg(-EINVAL, "invalid source prefix " DP_IP4_FMT "/%u",
				 DP_IP4_ARGS(r->src), r->src_len);
	if ((r->port_min == 0) != (r->port_max == 0) || r->port_min > r->port_max)
		return dp_errmsg(-EINVAL, "invalid port range %u-%u", r->port_min, r->port_max);
	switch (r->kind) {
	case SLUICE_NAT_MASQUERADE:
		if (r->addr_min || r->addr_max || r->port_min || r->proto || r->dport_min ||
		    r->dport_max)
			return dp_errmsg(-EINVAL, "masquerade takes no addresses, ports or protocol");
		break;
	case SLUICE_NAT_SNAT:
		if (!r->has_src || r->addr_min == 0 || r->addr_max < r->addr_min ||
		    r->proto || r->dport_min || r->dport_max)
			return dp_errmsg(-EINVAL, "snat needs a source prefix and an address range "
					 "(low to high), and no protocol or dport");
		break;
	case SLUICE_NAT_DNAT:
		if (r->has_src || r->addr_min == 0 ||
		    (r->addr_max != 0 && r->addr_max != r->addr_min))
			return dp_errmsg(-EINVAL, "dnat needs one target address and no source");
		r->addr_max = r->addr_min;
		if (r->proto != IPPROTO_TCP && r->proto != IPPROTO_UDP)
			return dp_errmsg(-EINVAL, "dnat needs proto tcp or udp");
		if (r->dport_min == 0 || r->dport_max < r->dport_min)
			return dp_errmsg(-EINVAL, "invalid dport range %u-%u", r->dport_min,
					 r->dport_max);
		/* "to ADDR:P" is one port for the whole dport range (as
		 * iptables' DNAT); a target range, from netlink only, must be
		 * as long as the dport range, port for port. */
		if (r->port_min != 0 &&
		    (r->port_max != r->port_min && r->port_max - r->port_min !=
		     r->dport_max - r->dport_min))
			return dp_errmsg(-EINVAL, "the target ports are one port or as many as the "
					 "dport range");
		break;
	default:
		return dp_errmsg(-EINVAL, "unknown rule kind %u", r->kind);
	}
	return 0;
}

/* The snat pools' outside addresses, to be answered for on their port. */
static void
proxy_arp_sync(const struct nat_ruleset *rs)
{
	struct proxy_arp_range pa[NAT_RULES_MAX];
	unsigned int n = 0;

	for (uint16_t i = 0; i < rs->n; i++)
		if (rs->r[i].s.kind == SLUICE_NAT_SNAT)
			pa[n++] = (struct proxy_arp_range){ .lo = rs->r[i].s.addr_min,
							    .hi = rs->r[i].s.addr_max,
							    .port = rs->r[i].s.port };
	(void)proxy_arp_set(pa, n);	/* n fits: one range per rule */
}

/* Publish a new rule set with the pool addresses it answers ARP for, and
 * free the old one once no worker can see it. */
static void
rules_publish(struct nat_ruleset *rs)
{
	struct nat_ruleset *old = nat_rules;

	proxy_arp_sync(rs);
	__atomic_store_n(&nat_rules, rs, __ATOMIC_RELEASE);
	nat_enabled = rs->n > 0;
	rte_rcu_qsbr_synchronize(dp.qsbr, RTE_QSBR_THRID_INVALID);
	if (old != &rules_empty)
		rte_free(old);
}

static struct nat_ruleset *
rules_copy(void)
{
	struct nat_ruleset *rs = rte_malloc("nat_rules", sizeof(*rs), 0);

	if (rs != NULL)
		memcpy(rs, nat_rules, sizeof(*rs));
	return rs;
}

int
nat_rule_add(struct nat_rule_spec *r)
{
	static uint32_t next_id;
	const struct nat_ruleset *cur = nat_rules;
	struct nat_ruleset *rs;
	int ret = spec_check(r);

	if (ret != 0)
		return ret;
	for (uint16_t i = 0; i < cur->n; i++)
		if (spec_equal(&cur->r[i].s, r))
			return -EEXIST;
	if (cur->n >= NAT_RULES_MAX)
		return -ENOSPC;
	/* Ids fit in 16 bits: a mapping's data word carries its rule's. */
	do
		next_id = next_id % 0xffff + 1;
	while (nat_rule_by_id(cur, next_id) != NULL);
	rs = rules_copy();
	if (rs == NULL)
		return -ENOMEM;
	r->id = next_id;
	rs->r[rs->n].s = *r;
	rs->r[rs->n].src_mask = mask_of(r->src_len);
	rs->n++;
	rules_publish(rs);
	if (r->kind == SLUICE_NAT_SNAT)
		arp_announce_range(r->port, r->addr_min, r->addr_max);
	return 0;
}

static bool
match_rule(const struct nat_sess *s, void *arg)
{
	return s->rule_id == *(const uint32_t *)arg;
}

/* Remove rule i from the published set, then its sessions. */
static int
rule_remove(uint16_t i)
{
	struct nat_ruleset *rs = rules_copy();
	uint32_t id;

	if (rs == NULL)
		return -ENOMEM;
	id = rs->r[i].s.id;
	memmove(&rs->r[i], &rs->r[i + 1], sizeof(rs->r[0]) * (rs->n - i - 1u));
	rs->n--;
	rules_publish(rs);
	(void)nat_sess_delete_if(match_rule, &id);
	return 0;
}

int
nat_rule_del(const struct nat_rule_spec *r, bool by_id)
{
	const struct nat_ruleset *cur = nat_rules;
	struct nat_rule_spec want = *r;

	if (!by_id && spec_check(&want) != 0)
		return -ENOENT;
	for (uint16_t i = 0; i < cur->n; i++)
		if (by_id ? cur->r[i].s.id == r->id : spec_equal(&cur->r[i].s, &want))
			return rule_remove(i);
	return -ENOENT;
}

int
nat_rule_walk(int (*cb)(const struct nat_rule_spec *r, void *arg), void *arg)
{
	const struct nat_ruleset *rs = nat_rules;
	int ret;

	for (uint16_t i = 0; i < rs->n; i++) {
		ret = cb(&rs->r[i].s, arg);
		if (ret != 0)
			return ret;
	}
	return 0;
}

void
nat_flush_port(uint16_t port)
{
	const struct nat_ruleset *cur;

	for (;;) {
		uint16_t i;

		cur = nat_rules;
		for (i = 0; i < cur->n && cur->r[i].s.port != port; i++)
			;
		if (i == cur->n || rule_remove(i) != 0)
			return;
	}
}

struct addr_gone {
	uint16_t port;
	uint32_t ip;		/* network order */
};

/* The outside address as dumps show it, or that of the session's own
 * mapping (hairpin).  Any kind of rule: an snat pool may name ip too, and
 * its sessions share mappings with the others'. */
static bool
match_addr(const struct nat_sess *s, void *arg)
{
	const struct addr_gone *g = arg;
	const struct nat_rule *r = nat_rule_by_id(nat_rules_get(), s->rule_id);

	if (r == NULL || r->s.port != g->port)
		return false;
	return ((s->flags & NS_OUTBOUND) ? s->x.src : s->o.dst) == g->ip ||
	       ((s->flags & NS_MAP_SRC) && s->x.src == g->ip);
}

void
nat_addr_gone(uint16_t port, uint32_t ip)
{
	struct addr_gone g = { .port = port, .ip = rte_cpu_to_be_32(ip) };

	/* A worker still reading the old address table could make a new
	 * mapping on ip behind the sweep. */
	rte_rcu_qsbr_synchronize(dp.qsbr, RTE_QSBR_THRID_INVALID);
	(void)nat_sess_delete_if(match_addr, &g);
}

static bool
match_port(const struct nat_sess *s, void *arg)
{
	const struct nat_rule *r = nat_rule_by_id(nat_rules_get(), s->rule_id);

	return r != NULL && r->s.port == *(const uint16_t *)arg;
}

void
nat_port_down(uint16_t port)
{
	/* No worker still routes by the FIB of before, out of port. */
	rte_rcu_qsbr_synchronize(dp.qsbr, RTE_QSBR_THRID_INVALID);
	(void)nat_sess_delete_if(match_port, &port);
}

/* An inside host's flow (masquerade, snat) whose remote no longer routes
 * out of its rule's port (a hairpin's remote is ours: it stays). */
static bool
match_moved(const struct nat_sess *s, void *arg)
{
	const struct nat_rule *r = nat_rule_by_id(nat_rules_get(), s->rule_id);
	const struct nexthop *h;
	uint32_t dst;
	uint64_t nh;

	(void)arg;
	if (r == NULL || !(s->flags & NS_OUTBOUND) || r->s.kind == SLUICE_NAT_DNAT)
		return false;
	dst = rte_be_to_cpu_32(s->o.dst);
	route_lookup_bulk(&dst, &nh, 1);
	h = &nexthops[nh];
	if (h->type == NH_LOCAL || h->type == NH_BROADCAST)
		return false;
	return (h->type != NH_CONNECTED && h->type != NH_GATEWAY) || h->port != r->s.port;
}

void
nat_port_up(void)
{
	rte_rcu_qsbr_synchronize(dp.qsbr, RTE_QSBR_THRID_INVALID);
	(void)nat_sess_delete_if(match_moved, NULL);
}

int
nat_conf_set(const struct nat_conf *c)
{
	struct nat_conf n = nat_cfg;
	int ret;

	/* RFC 4787 REQ-5, RFC 5382 REQ-5, RFC 5508 REQ-2 (RFC 7857
	 * lets the transitory timeout go below 4 minutes). */
	if (c->timeout_udp && c->timeout_udp < SLUICE_NAT_TIMEOUT_UDP_MIN)
		return dp_errmsg(-EINVAL, "the UDP timeout is at least %u s (RFC 4787)",
				 SLUICE_NAT_TIMEOUT_UDP_MIN);
	if (c->timeout_tcp_est && c->timeout_tcp_est < SLUICE_NAT_TIMEOUT_TCP_EST_MIN)
		return dp_errmsg(-EINVAL, "the TCP established timeout is at least %u s (RFC 5382)",
				 SLUICE_NAT_TIMEOUT_TCP_EST_MIN);
	if (c->timeout_icmp && c->timeout_icmp < SLUICE_NAT_TIMEOUT_ICMP_MIN)
		return dp_errmsg(-EINVAL, "the ICMP timeout is at least %u s (RFC 5508)",
				 SLUICE_NAT_TIMEOUT_ICMP_MIN);
	if (c->timeout_udp > NAT_TIMEOUT_MAX || c->timeout_tcp_est > NAT_TIMEOUT_MAX ||
	    c->timeout_tcp_trans > NAT_TIMEOUT_MAX || c->timeout_icmp > NAT_TIMEOUT_MAX)
		return dp_errmsg(-EINVAL, "a NAT timeout is at most %u s", NAT_TIMEOUT_MAX);
	if (c->max_sessions &&
	    (c->max_sessions < NAT_MAX_SESSIONS_MIN || c->max_sessions > NAT_MAX_SESSIONS_MAX))
		return dp_errmsg(-EINVAL, "max-sessions is %u..%u", NAT_MAX_SESSIONS_MIN,
				 NAT_MAX_SESSIONS_MAX);
	if (c->timeout_udp)
		n.timeout_udp = c->timeout_udp;
	if (c->timeout_tcp_est)
		n.timeout_tcp_est = c->timeout_tcp_est;
	if (c->timeout_tcp_trans)
		n.timeout_tcp_trans = c->timeout_tcp_trans;
	if (c->timeout_icmp)
		n.timeout_icmp = c->timeout_icmp;
	if (c->max_sessions && c->max_sessions != nat_cfg.max_sessions) {
		ret = nat_tables_init(c->max_sessions);
		if (ret != 0)
			return ret;
		n.max_sessions = c->max_sessions;
	}
	nat_cfg = n;
	return 0;
}

void
nat_conf_get(struct nat_conf *c)
{
	*c = nat_cfg;
}
