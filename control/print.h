/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Text (iproute2-like) and JSON (iproute2 field names) output of every
 * object.  A printer writes to any FILE, so the unit tests print into
 * memory.  Lists are JSON arrays: pr_begin, one pr_* per object, pr_end.
 * The JSON names are documented in docs/cli.md.
 */
#ifndef SLUICE_PRINT_H
#define SLUICE_PRINT_H

#include <stdio.h>
#include "nlmsg.h"

/* Port index <-> name, from a link dump. */
struct ctl_names {
	uint32_t n;
	struct {
		uint32_t ifindex;
		char name[SLUICE_IFNAMSIZ];
	} e[SLUICE_MAX_PORTS * 2];
};

void names_add(struct ctl_names *t, uint32_t ifindex, const char *name);
/* The name, or "if<N>" (buf) for an unknown index. */
const char *names_get(const struct ctl_names *t, uint32_t ifindex, char *buf);
uint32_t names_find(const struct ctl_names *t, const char *name);	/* 0: none */

struct printer {
	FILE *f;
	bool json;
	unsigned count;			/* objects printed */
	const struct ctl_names *names;
};

void pr_begin(struct printer *p);
void pr_end(struct printer *p);

void pr_link(struct printer *p, const struct ctl_link *l);
/* `addr show`: a port with its addresses (like ip addr). */
void pr_link_addrs(struct printer *p, const struct ctl_link *l, const struct ctl_addr *a,
		   unsigned n);
void pr_route(struct printer *p, const struct ctl_route *r);
/* `route get ADDR`: the answer for dst. */
void pr_route_get(struct printer *p, const struct ctl_route *r, uint32_t dst);
void pr_route_get6(struct printer *p, const struct ctl_route *r, const struct in6_addr *dst);
void pr_neigh(struct printer *p, const struct ctl_neigh *n);
void pr_natrule(struct printer *p, const struct ctl_natrule *r);
void pr_natsess(struct printer *p, const struct ctl_natsess *s);

/* `stats`: one object; counters come in group order from the reply. */
void pr_stats_begin(struct printer *p);
void pr_stat(struct printer *p, int group, const char *name, uint64_t value);
void pr_stats_end(struct printer *p);

const char *rtprot_name(uint8_t proto, char *buf);	/* buf >= 12 */

#endif
