/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Netlink messages of the control channel, client side: one encoder and one
 * decoder per object, between the grammar's structs and proto.h's wire form.
 * Encoders write a whole message at buf (which has NL_ROOM bytes) and return
 * its header; nlmsg_seq is the sender's.  Decoders return 0, or -1 for a
 * message that is too short or carries a malformed attribute.
 */
#ifndef SLUICE_NLMSG_H
#define SLUICE_NLMSG_H

#include <libmnl/libmnl.h>
#include "grammar.h"

#define NL_ROOM 1024	/* the largest request we build */

struct ctl_natsess {
	uint8_t proto, state;
	uint16_t in_port, out_port, rem_port;
	uint32_t in_addr, out_addr, rem_addr;	/* host order */
	uint32_t idle;
	uint64_t packets;
};

struct ctl_natconf {
	uint32_t v[SLUICE_NATC_MAX + 1];	/* indexed by SLUICE_NATC_* */
	bool has[SLUICE_NATC_MAX + 1];
};

struct nlmsghdr *nl_link(void *buf, uint16_t type, uint16_t flags, const struct ctl_link *l);
struct nlmsghdr *nl_addr(void *buf, uint16_t type, uint16_t flags, const struct ctl_addr *a);
struct nlmsghdr *nl_route(void *buf, uint16_t type, uint16_t flags, const struct ctl_route *r);
struct nlmsghdr *nl_neigh(void *buf, uint16_t type, uint16_t flags, const struct ctl_neigh *n);
struct nlmsghdr *nl_natrule(void *buf, uint16_t type, uint16_t flags, const struct ctl_natrule *r);
struct nlmsghdr *nl_natconf(void *buf, uint16_t flags, const struct ctl_natconf *c);
/* A request with only a family header (dumps, flush, stats); limit > 0 adds
 * SLUICE_NATS_LIMIT to GETNATSESS.  Address, route and neighbour requests
 * are AF_UNSPEC (both families); nl_simple_af asks for one (AF_INET,
 * AF_INET6) or AF_UNSPEC. */
struct nlmsghdr *nl_simple(void *buf, uint16_t type, uint16_t flags, uint32_t limit);
struct nlmsghdr *nl_simple_af(void *buf, uint16_t type, uint16_t flags, uint8_t family);

int nl_parse_link(const struct nlmsghdr *nlh, struct ctl_link *l);
int nl_parse_addr(const struct nlmsghdr *nlh, struct ctl_addr *a);
int nl_parse_route(const struct nlmsghdr *nlh, struct ctl_route *r);
int nl_parse_neigh(const struct nlmsghdr *nlh, struct ctl_neigh *n);
int nl_parse_natrule(const struct nlmsghdr *nlh, struct ctl_natrule *r);
int nl_parse_natsess(const struct nlmsghdr *nlh, struct ctl_natsess *s);
int nl_parse_natconf(const struct nlmsghdr *nlh, struct ctl_natconf *c);

/* Statistics: calls fn(group, name, value) for every counter of a
 * SLUICE_GETSTATS reply, group being SLUICE_STATSA_DROP/NAT/POOL/CTL/ROUTES. */
typedef void (*nl_stat_fn)(void *arg, int group, const char *name, uint64_t value);
int nl_parse_stats(const struct nlmsghdr *nlh, nl_stat_fn fn, void *arg);
/* ... and fn(lcore, polls, busy_polls) for each of its SLUICE_STATSA_WORKER. */
typedef void (*nl_worker_fn)(void *arg, uint32_t lcore, uint64_t polls, uint64_t busy_polls,
			     uint64_t intr_wakes);
int nl_parse_workers(const struct nlmsghdr *nlh, nl_worker_fn fn, void *arg);

#endif
