/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel route mirror's decisions, apart from any socket so that they
 * can be tested: which kernel routes sluice takes, who owns a route the
 * dataplane holds, and the diff that brings a set of routes to what is
 * wanted without touching what is unchanged.  Both families, one set:
 * an IPv6 route's key is its family and 16-byte prefix.
 *
 * Two sets use it (ksync.c drives them):
 *  - the mirror: kernel routes through host interfaces, in the dataplane,
 *    keyed as the dataplane keys routes, (prefix, length, metric);
 *  - the host's copy: sluice's own routes through host interfaces, in the
 *    kernel under SLUICE_RTPROT_KERNEL_OWN.
 */
#ifndef SLUICE_KMIRROR_H
#define SLUICE_KMIRROR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

#include "grammar.h"

/* A route as the kernel's rtnetlink describes it: IPv4 addresses in dst
 * and gw (host order), IPv6 ones in dst6 and gw6 (:: = no gateway). */
struct kroute {
	uint8_t family, dst_len, src_len, tos, type, protocol, scope;
	uint32_t table;		/* RTA_TABLE, else rtm_table */
	uint32_t flags;		/* rtm_flags */
	uint32_t dst, gw;
	struct in6_addr dst6, gw6;
	uint32_t oif;		/* kernel ifindex, 0 = none */
	uint32_t metric;	/* RTA_PRIORITY */
	bool multipath;		/* RTA_MULTIPATH: several next hops */
};

/* RTM_NEWROUTE / RTM_DELROUTE from the kernel: 0, or -1 when malformed. */
int kroute_parse(const struct nlmsghdr *nlh, struct kroute *k);

/* The dataplane's ports and their kernel interfaces (same name). */
struct km_port {
	char name[SLUICE_IFNAMSIZ];
	uint32_t dp_index;	/* the port's index in the dataplane */
	uint32_t kindex;	/* the kernel interface's index, 0 = none */
	bool host;		/* a host interface: routes go both ways */
};

struct km_ports {
	unsigned n;
	struct km_port p[SLUICE_MAX_PORTS];
};

/* Has the router a host interface (the kernel's blackholes are taken then)? */
bool km_any_host(const struct km_ports *p);
/* The host port of a kernel interface, or of a dataplane port; NULL when
 * it is none. */
const struct km_port *km_port_by_kindex(const struct km_ports *p, uint32_t kindex);
const struct km_port *km_port_by_dp(const struct km_ports *p, uint32_t dp_index);

/* Why a kernel route is taken or not. */
enum km_verdict {
	KM_TAKE,
	KM_FAMILY,		/* neither IPv4 nor IPv6 */
	KM_NOT_MAIN,		/* another table */
	KM_TYPE,		/* not unicast, blackhole or (IPv4) unreachable */
	KM_CONNECTED,		/* proto kernel: sluice makes its own from addresses */
	KM_LINK,		/* IPv6 link-local or multicast prefix: never routed */
	KM_OURS,		/* sluice's own, installed by sluiced */
	KM_POLICY,		/* source prefix, TOS or a cached clone */
	KM_MULTIPATH,		/* several next hops: not mirrored */
	KM_NOT_HOST,		/* the next hop is on no host interface */
};

const char *km_verdict_str(enum km_verdict v);

/* Decide on k; when taken, out is the route to put in the dataplane (its
 * port index, the kernel's protocol and metric). */
enum km_verdict km_take(const struct kroute *k, const struct km_ports *p, struct ctl_route *out);

/* The same place in a table (ctl_route_key_cmp). */
static inline bool
km_key_eq(const struct ctl_route *a, const struct ctl_route *b)
{
	return ctl_route_key_cmp(a, b) == 0;
}

/* Same route: the key, and type, next hop, port and protocol. */
bool km_same(const struct ctl_route *a, const struct ctl_route *b);

/* Who owns a route of the dataplane (in_cfg: sluiced's file has its key;
 * mirrored: the mirror has that very route). */
enum km_owner {
	KM_OWN_CONNECTED,	/* from a port address (proto kernel), local */
	KM_OWN_CONFIG,		/* the file's (proto boot) */
	KM_OWN_CLI,		/* sluice route add (proto static) */
	KM_OWN_MIRROR,		/* the kernel's, or one of another protocol */
};
enum km_owner km_owner(const struct ctl_route *r, bool in_cfg, bool mirrored);

/* ---- a set of routes keyed by (prefix, length, metric) ---- */
enum km_state {
	KM_PENDING,		/* asked for, no answer yet */
	KM_INSTALLED,
	KM_SHADOWED,		/* the key is someone else's (EEXIST) */
	KM_FAILED,		/* refused for another reason; tried again on resync */
};

struct km_ent {
	struct km_ent *next;
	struct ctl_route r;
	uint8_t state;		/* enum km_state */
	uint32_t mark;		/* diff generation */
	uint32_t seen;		/* the last poll whose dump of the dataplane had its key */
	size_t op;		/* KM_PENDING: 1 + its op's index in the batch */
};

struct km_set {
	struct km_ent **b;
	size_t nb, n;
	uint32_t gen;
};

struct km_ent *km_find(const struct km_set *s, const struct ctl_route *key);
/* r's entry, made when absent (state KM_PENDING); NULL without memory. */
struct km_ent *km_put(struct km_set *s, const struct ctl_route *r);
void km_remove(struct km_set *s, struct km_ent *e);
void km_clear(struct km_set *s);
/* Call fn for every entry (fn may not change the set). */
void km_walk(const struct km_set *s, void (*fn)(struct km_ent *e, void *arg), void *arg);

/* ---- changes ---- */
enum km_op_kind {
	KM_ADD,			/* NLM_F_CREATE | NLM_F_EXCL */
	KM_REPLACE,		/* NLM_F_CREATE | NLM_F_REPLACE: in place, never a flap */
	KM_DEL,
	KM_NOP,			/* an ADD taken back in the same batch: skip it */
};

struct km_op {
	uint8_t kind;		/* enum km_op_kind */
	struct ctl_route r;
};

struct km_ops {
	struct km_op *v;
	size_t n, cap;
};

void km_ops_free(struct km_ops *o);

/*
 * Bring s to want (n routes, at most one per key): an ADD for a new key or
 * one that was shadowed or refused, a REPLACE for a changed installed route,
 * a DEL for an installed route that is no longer wanted, nothing for an
 * installed route that is unchanged.  s changes at once (a new entry is
 * KM_PENDING, a gone one is removed); km_done records the answers.
 * Returns 0, or -ENOMEM.
 */
int km_diff(struct km_set *s, const struct ctl_route *want, size_t n, struct km_ops *ops);

/* One route wanted (taken from an event): as km_diff for that key only. */
int km_want(struct km_set *s, const struct ctl_route *r, struct km_ops *ops);
/* The route at r's key is no longer wanted: a DEL if it was installed. */
int km_unwant(struct km_set *s, const struct ctl_route *r, struct km_ops *ops);

/* The answer to op (0 or -errno) into s.  Returns true when the entry's
 * state changed to a failure (worth a log line once, not at every try). */
bool km_done(struct km_set *s, const struct km_op *op, int err);

/*
 * A set made again (a resync) from before, the one it replaces: each ADD
 * of ops for a route that before held as shadowed, the same route, starts
 * as shadowed, so that the same EEXIST is not news (km_done logs a refusal
 * once, not at every resync).  Call between the diff and the answers.
 */
void km_carry_shadows(struct km_set *s, const struct km_set *before, const struct km_ops *ops);

/*
 * A kernel route event into the mirror: taken routes are wanted, a route
 * that leaves (DELROUTE, or NEWROUTE of the same owner that is no longer
 * taken) is unwanted.  Returns -ENOMEM, 0, or 1 when only a resync can
 * tell what the kernel now has: a route that would be taken left a key
 * the set does not hold, as one next hop of a multipath route does (IPv6
 * deletes them one by one; what remains may be a single route to take).
 */
int km_event(struct km_set *s, const struct km_ports *p, const struct kroute *k, bool is_new,
	     struct km_ops *ops);

#endif
