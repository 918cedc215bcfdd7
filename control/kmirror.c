/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel route mirror's decisions (kmirror.h): no socket here.
 *
 * The set is a chained hash on (prefix, length, metric), the key the
 * dataplane keeps routes by (route.c): at most one route per key, so a
 * kernel route and one of sluice's own with the same prefix and metric
 * cannot both be there.  Then sluice's own wins: the mirror adds with
 * NLM_F_EXCL and leaves a key it finds taken (KM_SHADOWED, tried again at
 * every resync), while sluiced's file replaces whatever holds its keys.
 * IPv6 follows IPv4's rules; what differs is said where it does.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "kmirror.h"
#include "rtprot.h"

/* ---- parsing ---- */

struct kr_tb {
	const struct nlattr *a[RTA_MAX + 1];
};

static int
kr_attr(const struct nlattr *a, void *data)
{
	struct kr_tb *tb = data;
	unsigned t = mnl_attr_get_type(a);

	if (t <= RTA_MAX)
		tb->a[t] = a;
	return MNL_CB_OK;
}

/* An IPv6 address attribute: absent (left as it is) or 16 bytes. */
static bool
kr_in6(const struct kr_tb *tb, unsigned t, struct in6_addr *v)
{
	const struct nlattr *a = tb->a[t];

	if (!a)
		return true;
	if (mnl_attr_get_payload_len(a) != sizeof(*v))
		return false;
	memcpy(v, mnl_attr_get_payload(a), sizeof(*v));
	return true;
}

static bool
kr_u32(const struct kr_tb *tb, unsigned t, uint32_t *v)
{
	const struct nlattr *a = tb->a[t];

	if (!a)
		return true;
	if (mnl_attr_get_payload_len(a) != 4)
		return false;
	*v = mnl_attr_get_u32(a);
	return true;
}

int
kroute_parse(const struct nlmsghdr *nlh, struct kroute *k)
{
	const struct rtmsg *rtm;
	struct kr_tb tb = { { 0 } };
	uint32_t dst = 0, gw = 0;

	memset(k, 0, sizeof(*k));
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*rtm)))
		return -1;
	rtm = mnl_nlmsg_get_payload(nlh);
	if (mnl_attr_parse(nlh, sizeof(*rtm), kr_attr, &tb) < 0)
		return -1;
	k->family = rtm->rtm_family;
	k->dst_len = rtm->rtm_dst_len;
	k->src_len = rtm->rtm_src_len;
	k->tos = rtm->rtm_tos;
	k->type = rtm->rtm_type;
	k->protocol = rtm->rtm_protocol;
	k->scope = rtm->rtm_scope;
	k->flags = rtm->rtm_flags;
	k->table = rtm->rtm_table;
	if (!kr_u32(&tb, RTA_TABLE, &k->table) || !kr_u32(&tb, RTA_OIF, &k->oif) ||
	    !kr_u32(&tb, RTA_PRIORITY, &k->metric))
		return -1;
	k->multipath = tb.a[RTA_MULTIPATH] != NULL;
	if (k->family == AF_INET6)
		return k->dst_len > 128 || !kr_in6(&tb, RTA_DST, &k->dst6) ||
		       !kr_in6(&tb, RTA_GATEWAY, &k->gw6) ? -1 : 0;
	if (k->family != AF_INET)
		return 0;	/* the caller looks no further */
	if (k->dst_len > 32 || !kr_u32(&tb, RTA_DST, &dst) || !kr_u32(&tb, RTA_GATEWAY, &gw))
		return -1;
	k->dst = ntohl(dst);
	k->gw = ntohl(gw);
	return 0;
}

/* ---- ports ---- */

const struct km_port *
km_port_by_kindex(const struct km_ports *p, uint32_t kindex)
{
	for (unsigned i = 0; kindex && i < p->n; i++)
		if (p->p[i].host && p->p[i].kindex == kindex)
			return &p->p[i];
	return NULL;
}

bool
km_any_host(const struct km_ports *p)
{
	for (unsigned i = 0; i < p->n; i++)
		if (p->p[i].host)
			return true;
	return false;
}

const struct km_port *
km_port_by_dp(const struct km_ports *p, uint32_t dp_index)
{
	for (unsigned i = 0; dp_index && i < p->n; i++)
		if (p->p[i].host && p->p[i].kindex && p->p[i].dp_index == dp_index)
			return &p->p[i];
	return NULL;
}

/* ---- decisions ---- */

const char *
km_verdict_str(enum km_verdict v)
{
	static const char *const s[] = {
		[KM_TAKE] = "taken",
		[KM_FAMILY] = "neither IPv4 nor IPv6",
		[KM_NOT_MAIN] = "not in the main table",
		[KM_TYPE] = "not unicast, blackhole or (IPv4) unreachable",
		[KM_CONNECTED] = "connected (proto kernel)",
		[KM_LINK] = "link-local or multicast",
		[KM_OURS] = "sluice's own",
		[KM_POLICY] = "source, TOS or cached",
		[KM_MULTIPATH] = "multipath",
		[KM_NOT_HOST] = "next hop on no host interface",
	};

	return (unsigned)v < sizeof(s) / sizeof(s[0]) ? s[v] : "?";
}

/* Is the IPv6 prefix a/len inside fe80::/10 or ff00::/8?  The kernel makes
 * such routes for every interface (proto kernel) and the dataplane never
 * routes either, so one added by hand or by a daemon is not taken either. */
static bool
prefix6_link(const struct in6_addr *a, uint8_t len)
{
	return (len >= 10 && IN6_IS_ADDR_LINKLOCAL(a)) || (len >= 8 && IN6_IS_ADDR_MULTICAST(a));
}

enum km_verdict
km_take(const struct kroute *k, const struct km_ports *p, struct ctl_route *out)
{
	const struct km_port *port = NULL;
	bool v6 = k->family == AF_INET6;

	if (k->family != AF_INET && !v6)
		return KM_FAMILY;
	if (k->table != RT_TABLE_MAIN)
		return KM_NOT_MAIN;
	if (k->protocol == RTPROT_KERNEL)
		return KM_CONNECTED;
	/* The dataplane's IPv6 table holds no unreachable routes (route6_nl.c
	 * refuses them): taking one would only fail at every retry. */
	if (k->type != RTN_UNICAST && k->type != RTN_BLACKHOLE &&
	    (k->type != RTN_UNREACHABLE || v6))
		return KM_TYPE;
	if (k->protocol == SLUICE_RTPROT_KERNEL_OWN)
		return KM_OURS;
	if (k->src_len || k->tos || (k->flags & RTM_F_CLONED))
		return KM_POLICY;
	if (v6 && prefix6_link(&k->dst6, k->dst_len))
		return KM_LINK;
	if (k->multipath)
		return KM_MULTIPATH;
	/* A blackhole or unreachable route has no next hop to check (an IPv6
	 * one names the loopback): it is taken while the router has a host
	 * interface, the mirror's reason to be, never from a host without
	 * one (its own RFC 1918 guards would turn into forwarding drops). */
	if (k->type == RTN_UNICAST ? !(port = km_port_by_kindex(p, k->oif)) : !km_any_host(p))
		return KM_NOT_HOST;
	memset(out, 0, sizeof(*out));
	out->family = k->family;
	out->dst = k->dst;
	out->dst6 = k->dst6;
	out->dst_len = k->dst_len;
	out->type = k->type;
	out->protocol = k->protocol;
	out->scope = port && !(v6 ? !IN6_IS_ADDR_UNSPECIFIED(&k->gw6) : k->gw != 0) ?
		     RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
	out->gw = port ? k->gw : 0;
	if (port)
		out->gw6 = k->gw6;	/* a link-local one keeps its port in oif */
	out->oif = port ? port->dp_index : 0;
	out->metric = k->metric;
	out->has_metric = true;
	return KM_TAKE;
}

static bool
gw_eq(const struct ctl_route *a, const struct ctl_route *b)
{
	return a->gw == b->gw && !memcmp(&a->gw6, &b->gw6, sizeof(a->gw6));
}

bool
km_same(const struct ctl_route *a, const struct ctl_route *b)
{
	return km_key_eq(a, b) && a->type == b->type && gw_eq(a, b) && a->oif == b->oif &&
	       a->protocol == b->protocol;
}

enum km_owner
km_owner(const struct ctl_route *r, bool in_cfg, bool mirrored)
{
	if (r->protocol == RTPROT_KERNEL || r->type == RTN_LOCAL || r->type == RTN_BROADCAST)
		return KM_OWN_CONNECTED;
	if (in_cfg && r->protocol == RTPROT_BOOT)
		return KM_OWN_CONFIG;
	if (mirrored)
		return KM_OWN_MIRROR;
	if (r->protocol == RTPROT_BOOT)
		return KM_OWN_CONFIG;
	if (r->protocol == RTPROT_STATIC)
		return KM_OWN_CLI;
	return KM_OWN_MIRROR;
}

/* ---- the set ---- */

static size_t
km_hash(const struct km_set *s, const struct ctl_route *r)
{
	uint64_t h = ((uint64_t)r->dst << 32 | (uint64_t)r->dst_len << 24) ^ r->metric;

	if (is6(r->family)) {
		uint64_t w[2];

		memcpy(w, &r->dst6, sizeof(w));
		h ^= w[0] ^ (w[1] * 0x9e3779b97f4a7c15ull) ^ 1;
	}

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return (size_t)h & (s->nb - 1);
}

struct km_ent *
km_find(const struct km_set *s, const struct ctl_route *key)
{
	if (!s->nb)
		return NULL;
	for (struct km_ent *e = s->b[km_hash(s, key)]; e; e = e->next)
		if (km_key_eq(&e->r, key))
			return e;
	return NULL;
}

static int
km_grow(struct km_set *s)
{
	size_t nb = s->nb ? s->nb * 2 : 1024;
	struct km_ent **b = calloc(nb, sizeof(*b));
	struct km_set t = { .b = b, .nb = nb };

	if (!b)
		return -ENOMEM;
	for (size_t i = 0; i < s->nb; i++)
		for (struct km_ent *e = s->b[i], *n; e; e = n) {
			size_t h = km_hash(&t, &e->r);

			n = e->next;
			e->next = b[h];
			b[h] = e;
		}
	free(s->b);
	s->b = b;
	s->nb = nb;
	return 0;
}

struct km_ent *
km_put(struct km_set *s, const struct ctl_route *r)
{
	struct km_ent *e = km_find(s, r);
	size_t h;

	if (e)
		return e;
	if (s->n >= s->nb && km_grow(s))
		return NULL;
	if (!(e = calloc(1, sizeof(*e))))
		return NULL;
	e->r = *r;
	e->state = KM_PENDING;
	h = km_hash(s, r);
	e->next = s->b[h];
	s->b[h] = e;
	s->n++;
	return e;
}

void
km_remove(struct km_set *s, struct km_ent *e)
{
	for (struct km_ent **pp = &s->b[km_hash(s, &e->r)]; *pp; pp = &(*pp)->next)
		if (*pp == e) {
			*pp = e->next;
			free(e);
			s->n--;
			return;
		}
}

void
km_clear(struct km_set *s)
{
	for (size_t i = 0; i < s->nb; i++)
		for (struct km_ent *e = s->b[i], *n; e; e = n) {
			n = e->next;
			free(e);
		}
	free(s->b);
	memset(s, 0, sizeof(*s));
}

void
km_walk(const struct km_set *s, void (*fn)(struct km_ent *e, void *arg), void *arg)
{
	for (size_t i = 0; i < s->nb; i++)
		for (struct km_ent *e = s->b[i]; e; e = e->next)
			fn(e, arg);
}

/* ---- changes ---- */

void
km_ops_free(struct km_ops *o)
{
	free(o->v);
	memset(o, 0, sizeof(*o));
}

static struct km_op *
op_push(struct km_ops *o, uint8_t kind, const struct ctl_route *r)
{
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 256;
		struct km_op *v = realloc(o->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		o->v = v;
		o->cap = cap;
	}
	o->v[o->n].kind = kind;
	o->v[o->n].r = *r;
	return &o->v[o->n++];
}

/* The ADD still waiting in this batch for e, if any. */
static struct km_op *
pending_add(struct km_ent *e, struct km_ops *ops)
{
	if (e->state != KM_PENDING || !e->op || e->op > ops->n)
		return NULL;
	return &ops->v[e->op - 1];
}

static int
want(struct km_set *s, const struct ctl_route *r, struct km_ops *ops, uint32_t mark)
{
	struct km_ent *e = km_find(s, r);
	struct km_op *op;
	uint8_t kind;

	if (!e) {
		if (!(e = km_put(s, r)) || !op_push(ops, KM_ADD, r))
			return -ENOMEM;
		e->op = ops->n;
		e->mark = mark;
		return 0;
	}
	e->mark = mark;
	if ((op = pending_add(e, ops))) {
		/* Asked for in this batch and not answered: ask for r instead. */
		op->r = *r;
		op->kind = KM_ADD;
		e->r = *r;
		return 0;
	}
	if (e->state == KM_INSTALLED && km_same(&e->r, r))
		return 0;
	/* Shadowed or refused before: try again, without taking the key
	 * from its owner; an installed one is changed in place. */
	kind = e->state == KM_INSTALLED ? KM_REPLACE : KM_ADD;
	e->r = *r;
	return op_push(ops, kind, r) ? 0 : -ENOMEM;
}

int
km_want(struct km_set *s, const struct ctl_route *r, struct km_ops *ops)
{
	return want(s, r, ops, s->gen);
}

static int
unwant(struct km_set *s, struct km_ent *e, struct km_ops *ops)
{
	struct km_op *op = pending_add(e, ops);
	int err = 0;

	if (op)
		op->kind = KM_NOP;
	else if (e->state == KM_INSTALLED && !op_push(ops, KM_DEL, &e->r))
		err = -ENOMEM;
	km_remove(s, e);
	return err;
}

int
km_unwant(struct km_set *s, const struct ctl_route *r, struct km_ops *ops)
{
	struct km_ent *e = km_find(s, r);

	return e ? unwant(s, e, ops) : 0;
}

int
km_diff(struct km_set *s, const struct ctl_route *w, size_t n, struct km_ops *ops)
{
	uint32_t mark = ++s->gen;
	int err;

	for (size_t i = 0; i < n; i++)
		if ((err = want(s, &w[i], ops, mark)))
			return err;
	for (size_t i = 0; i < s->nb; i++)
		for (struct km_ent *e = s->b[i], *next; e; e = next) {
			next = e->next;
			if (e->mark != mark && (err = unwant(s, e, ops)))
				return err;
		}
	return 0;
}

bool
km_done(struct km_set *s, const struct km_op *op, int err)
{
	struct km_ent *e;
	uint8_t was;

	if (op->kind == KM_DEL)
		return err && err != -ESRCH && err != -ENOENT;
	if (op->kind == KM_NOP || !(e = km_find(s, &op->r)))
		return false;
	was = e->state;
	e->op = 0;
	if (!err)
		e->state = KM_INSTALLED;
	else if (err == -EEXIST)
		e->state = KM_SHADOWED;
	else
		e->state = KM_FAILED;
	return err && e->state != was;
}

void
km_carry_shadows(struct km_set *s, const struct km_set *before, const struct km_ops *ops)
{
	for (size_t i = 0; i < ops->n; i++) {
		const struct km_op *op = &ops->v[i];
		const struct km_ent *b;
		struct km_ent *e;

		if (op->kind != KM_ADD || !(b = km_find(before, &op->r)) || b->state != KM_SHADOWED ||
		    !km_same(&b->r, &op->r) || !(e = km_find(s, &op->r)) || e->state != KM_PENDING)
			continue;
		e->state = KM_SHADOWED;
	}
}

int
km_event(struct km_set *s, const struct km_ports *p, const struct kroute *k, bool is_new,
	 struct km_ops *ops)
{
	struct ctl_route r, gone;
	bool taken = km_take(k, p, &r) == KM_TAKE;
	struct km_ent *e;

	if (is_new && taken)
		return km_want(s, &r, ops);
	if ((k->family != AF_INET && k->family != AF_INET6) || k->table != RT_TABLE_MAIN ||
	    k->tos || k->src_len)
		return 0;
	memset(&gone, 0, sizeof(gone));
	gone.family = k->family;
	gone.dst = k->dst;
	gone.dst6 = k->dst6;
	gone.dst_len = k->dst_len;
	gone.metric = k->metric;
	gone.gw = k->gw;
	gone.gw6 = k->gw6;
	if (!(e = km_find(s, &gone)))
		return !is_new && taken ? 1 : 0;
	if (e->r.protocol != k->protocol)
		return 0;
	/* A deletion names the route it removes; a new route of the same
	 * owner that is no longer taken replaced the one we hold. */
	if (!is_new && e->r.type == RTN_UNICAST && !gw_eq(&e->r, &gone))
		return 0;
	return unwant(s, e, ops);
}
