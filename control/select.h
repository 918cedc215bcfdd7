/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What `show` and `flush` select, with iproute2's words and meanings
 * (ip-route(8), ip-address(8), ip-neighbour(8)).  The CLI dumps the whole
 * table and keeps what a selector accepts: the dataplane knows no filters.
 *
 * Parsers fill a selector or return -1 with a message naming the bad word
 * in err, as the grammar's do.  Port names are kept as words: the caller
 * resolves dev into the index the match functions compare.
 */
#ifndef SLUICE_SELECT_H
#define SLUICE_SELECT_H

#include "grammar.h"
#include "rtprot.h"

/* A prefix to compare with; host bits are cleared.  family 0 (default,
 * all) matches both families. */
struct sel_prefix {
	bool set;
	uint8_t family;		/* AF_INET, AF_INET6, or 0 */
	uint8_t len;
	uint32_t addr;		/* host order */
	struct in6_addr addr6;
};

/*
 * route show|flush [[to] [root|match|exact] PREFIX] [dev NAME] [via PREFIX]
 *                  [proto P] [type T] [scope S]
 * root P: routes inside P (as long as P or longer); match P: routes that
 * cover P (as long as P or shorter); exact P, or a bare P: P itself.
 */
struct route_sel {
	struct sel_prefix root, match;	/* exact sets both */
	struct sel_prefix via;
	char dev[SLUICE_IFNAMSIZ];	/* "" = any */
	uint32_t oif;			/* dev's index, the caller's to fill */
	bool has_proto, has_type, has_scope;
	uint8_t proto, type, scope;
	unsigned given;			/* selectors given (flush needs one) */
};

/* neigh show [dev NAME] [[to] PREFIX] [nud STATE] */
struct neigh_sel {
	struct sel_prefix to;
	char dev[SLUICE_IFNAMSIZ];
	uint32_t ifindex;		/* dev's index, the caller's to fill */
	uint16_t nud;			/* NUD_* bits, 0 = any */
	unsigned given;
};

/* addr show|flush [dev] NAME [to PREFIX] */
struct addr_sel {
	struct sel_prefix to;
	char dev[SLUICE_IFNAMSIZ];
	unsigned given;
};

int select_route(int argc, char **argv, struct route_sel *s, char *err);
int select_neigh(int argc, char **argv, struct neigh_sel *s, char *err);
int select_addr(int argc, char **argv, struct addr_sel *s, char *err);

bool route_selected(const struct route_sel *s, const struct ctl_route *r);
bool neigh_selected(const struct neigh_sel *s, const struct ctl_neigh *n);
/* The address part only: the port is the caller's to compare. */
bool addr_selected(const struct addr_sel *s, const struct ctl_addr *a);

/* The family the selector's prefixes name (AF_INET, AF_INET6), 0 when they
 * name none, -1 when they name both (err says which word). */
int route_sel_family(const struct route_sel *s, char *err);

/* iproute2's names for route types and scopes (rt_scopes): the name, or
 * NULL for a number that has none.  Protocols: rtprot.h. */
const char *rtype_n2a(uint8_t type);
const char *rtscope_n2a(uint8_t scope);

#endif
