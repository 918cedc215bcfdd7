/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one grammar of sluice objects, shared by the INI file and the CLI:
 * `[routes] route = X` is `sluice route add X`, `[neighbors] neigh = X` is
 * `sluice neigh add X`, `[nat] rule = X` is `sluice nat rule add X`.
 *
 * Each parser takes an argv-like token list and fills a struct, or returns
 * -1 with a message naming the bad token in err (no trailing period).
 * Addresses are host order here, as in the dataplane's tables; ports are
 * named (dev/ifindex resolution is the caller's).
 */
#ifndef SLUICE_GRAMMAR_H
#define SLUICE_GRAMMAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proto.h"

#define CTL_ERRLEN 256
#define CTL_MAX_TOKENS 32

struct ctl_route {
	uint32_t dst;		/* host order */
	uint8_t dst_len;
	uint8_t type;		/* RTN_UNICAST, RTN_BLACKHOLE (RTN_LOCAL in get replies) */
	uint8_t protocol;	/* SLUICE_RTPROT_* */
	uint8_t scope;		/* RT_SCOPE_* */
	uint32_t gw;		/* host order, 0 = none */
	uint32_t metric;
	uint32_t prefsrc;	/* dumps only */
	uint32_t oif;		/* port index, 0 = none */
	bool has_metric;
	char dev[SLUICE_IFNAMSIZ];	/* "" = none */
};

struct ctl_neigh {
	uint32_t addr;		/* host order */
	uint32_t ifindex;
	uint16_t state;		/* NUD_* */
	bool has_lladdr;
	uint8_t lladdr[6];
	char dev[SLUICE_IFNAMSIZ];
};

struct ctl_natrule {
	uint32_t id;		/* from dumps; "del id N" */
	uint8_t kind;		/* SLUICE_NAT_* */
	uint8_t src_len;
	bool has_src;
	uint8_t proto;		/* dnat: IPPROTO_TCP / IPPROTO_UDP */
	uint8_t filter;		/* SLUICE_NAT_FILTER_* */
	uint32_t ifindex;
	uint32_t src;		/* host order */
	uint32_t addr_min, addr_max;	/* host order */
	uint16_t port_min, port_max;	/* 0 = not given */
	uint16_t dport_min, dport_max;
	char port[SLUICE_IFNAMSIZ];
};

struct ctl_addr {
	uint32_t addr;		/* host order */
	uint8_t len;
	uint8_t proto;		/* dumps: IFA_PROTO (SLUICE_IFAPROT_HOST: host-made) */
	uint32_t ifindex;
	char dev[SLUICE_IFNAMSIZ];
};

/* `link set` changes and link dumps. */
struct ctl_link {
	uint32_t ifindex;
	char name[SLUICE_IFNAMSIZ];
	char device[SLUICE_DEVARGS_MAX];
	uint32_t flags;		/* IFF_* */
	uint32_t change;	/* IFF_* bits to change (link set) */
	uint32_t mtu;		/* 0 = unchanged / unknown */
	uint8_t operstate;
	bool has_mac, has_stats;
	bool has_host, host;	/* link set: "host on|off"; dumps: a host interface */
	uint32_t host_ifindex;	/* dumps: its kernel index */
	uint8_t mac[6];
	struct rtnl_link_stats64 stats;
};

/* Modes for the route parser: add needs a destination kind (via, dev or
 * blackhole); del and the dump filter take a bare prefix. */
enum { GRAMMAR_ADD, GRAMMAR_DEL };

int grammar_route(int argc, char **argv, int mode, struct ctl_route *r, char *err);
int grammar_neigh(int argc, char **argv, int mode, struct ctl_neigh *n, char *err);
int grammar_natrule(int argc, char **argv, struct ctl_natrule *r, char *err);
int grammar_addr(int argc, char **argv, struct ctl_addr *a, char *err);
int grammar_link_set(int argc, char **argv, struct ctl_link *l, char *err);

/* Tokens. */
bool parse_ip4(const char *s, uint32_t *out);			/* host order */
bool parse_prefix(const char *s, uint32_t *addr, uint8_t *len);	/* bare address = /32 */
bool parse_mac(const char *s, uint8_t mac[6]);
bool parse_u32(const char *s, uint32_t max, uint32_t *out);
bool parse_name(const char *s);					/* a port name */
bool parse_onoff(const char *s, bool *on);			/* on|off, yes|no */

static inline uint32_t
prefix_mask(uint8_t len)
{
	return len == 0 ? 0 : ~0u << (32 - len);
}

/* The value after keyword argv[*i] (*i moves to it), or NULL with err set. */
const char *arg_of(int argc, char **argv, int *i, char *err);
/* A port name into dev, which must still be empty: 0, or -1 with err set. */
int take_dev(const char *v, char *dev, char *err);

/* Split a line in place at blanks; a '#' starts a comment.  Returns the
 * token count, or -1 when there are more than max. */
int tokenize(char *line, char **argv, int max);

/* Formatting helpers (host order in). */
char *fmt_ip4(uint32_t a, char *buf);			/* buf >= 16 */
char *fmt_mac(const uint8_t mac[6], char *buf);		/* buf >= 18 */
/* The rule in grammar form, without the id (buf >= 160). */
char *fmt_natrule(const struct ctl_natrule *r, const char *port, char *buf, size_t len);
/* The route in `route add` form (buf >= 96). */
char *fmt_route(const struct ctl_route *r, const char *dev, char *buf, size_t len);

/* Equality for reconciliation (ids, indexes and names ignored where said). */
bool natrule_equal(const struct ctl_natrule *a, const struct ctl_natrule *b);

#endif
