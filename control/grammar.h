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
#include <netinet/in.h>
#include "proto.h"

#define CTL_ERRLEN 256
#define CTL_MAX_TOKENS 32
#define CTL_ADDRSTRLEN 46	/* INET6_ADDRSTRLEN: either family's text */

/*
 * Both families: every struct with an address has a family (AF_INET6, or
 * AF_INET / 0 for IPv4).  IPv4 addresses stay in their uint32_t fields
 * (host order); IPv6 ones are in the *6 fields (network order, as struct
 * in6_addr always is).
 */
static inline bool
is6(uint8_t family)
{
	return family == AF_INET6;
}

struct ctl_route {
	uint8_t family;		/* AF_INET6, else IPv4 */
	struct in6_addr dst6, gw6, prefsrc6;	/* IPv6: dst, gw (:: = none), prefsrc */
	uint32_t dst;		/* host order */
	uint8_t dst_len;
	uint8_t type;		/* RTN_UNICAST, RTN_BLACKHOLE (RTN_LOCAL in get replies) */
	uint8_t protocol;	/* SLUICE_RTPROT_* */
	uint8_t scope;		/* RT_SCOPE_* */
	uint32_t gw;		/* host order, 0 = none */
	uint32_t metric;
	uint32_t prefsrc;	/* dumps only */
	uint32_t oif;		/* port index, 0 = none */
	uint32_t flags;		/* rtm_flags: RTNH_F_LINKDOWN, dumps only */
	bool has_metric;
	char dev[SLUICE_IFNAMSIZ];	/* "" = none */
};

/* The order of places in a route table (qsort, bsearch): family (IPv4
 * first), prefix, length and metric.  0 when a and b are the same place. */
int ctl_route_key_cmp(const void *a, const void *b);

struct ctl_neigh {
	uint8_t family;		/* AF_INET6, else IPv4 */
	struct in6_addr addr6;
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
	uint8_t family;		/* AF_INET6, else IPv4 */
	uint8_t scope;		/* RT_SCOPE_LINK for IPv6 link-local (dumps) */
	struct in6_addr addr6;
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
	bool has_ra, ra;	/* IPv6 router advertisements: given (set, dumps), on */
	bool ra_yielded;	/* dumps: off for the host's own (radvd) */
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
/* The same with the family a "default" or "dev"-only route has when
 * nothing in it tells (sluice -6: AF_INET6; AF_UNSPEC: IPv4, as ip). */
int grammar_route_af(int argc, char **argv, int mode, uint8_t family, struct ctl_route *r,
		     char *err);
int grammar_neigh(int argc, char **argv, int mode, struct ctl_neigh *n, char *err);
int grammar_natrule(int argc, char **argv, struct ctl_natrule *r, char *err);
int grammar_addr(int argc, char **argv, struct ctl_addr *a, char *err);
int grammar_link_set(int argc, char **argv, struct ctl_link *l, char *err);

/* Tokens. */
bool parse_ip4(const char *s, uint32_t *out);			/* host order */
bool parse_prefix(const char *s, uint32_t *addr, uint8_t *len);	/* bare address = /32 */
bool parse_ip6(const char *s, struct in6_addr *out);
/* Either family, A.B.C.D[/N] or X:X::X[/N] (a bare address is a host):
 * sets *family to AF_INET or AF_INET6 and the field of that family. */
bool parse_prefix_af(const char *s, uint8_t *family, uint32_t *a4, struct in6_addr *a6,
		     uint8_t *len);
bool parse_mac(const char *s, uint8_t mac[6]);
bool parse_u32(const char *s, uint32_t max, uint32_t *out);
bool parse_name(const char *s);					/* a port name */
bool parse_onoff(const char *s, bool *on);	/* on|off, yes|no, true|false, 1|0 */

static inline uint32_t
prefix_mask(uint8_t len)
{
	return len == 0 ? 0 : ~0u << (32 - len);
}

/* IPv6 prefixes: a in net/len; clear the host bits of a; any set? */
bool prefix6_has(const struct in6_addr *net, uint8_t len, const struct in6_addr *a);
void prefix6_clear(struct in6_addr *a, uint8_t len);
bool prefix6_host_bits(const struct in6_addr *a, uint8_t len);

static inline bool
ip6_unspec(const struct in6_addr *a)
{
	return IN6_IS_ADDR_UNSPECIFIED(a);
}

static inline bool
ip6_linklocal(const struct in6_addr *a)
{
	return IN6_IS_ADDR_LINKLOCAL(a);
}

/* The value after keyword argv[*i] (*i moves to it), or NULL with err set. */
const char *arg_of(int argc, char **argv, int *i, char *err);
/* A port name into dev, which must still be empty: 0, or -1 with err set. */
int take_dev(const char *v, char *dev, char *err);
/* ip's "table NAME": main (254), or for a show all; else -1 with err set. */
int take_table(const char *v, bool show, char *err);

/* Split a line in place at blanks; a '#' starts a comment.  Returns the
 * token count, or -1 when there are more than max. */
int tokenize(char *line, char **argv, int max);

/* Formatting helpers (host order in). */
char *fmt_ip4(uint32_t a, char *buf);			/* buf >= 16 */
char *fmt_ip6(const struct in6_addr *a, char *buf);	/* buf >= CTL_ADDRSTRLEN */
/* The address of either family (v4 or v6 by family). */
char *fmt_ip(uint8_t family, uint32_t v4, const struct in6_addr *v6, char *buf);
char *fmt_mac(const uint8_t mac[6], char *buf);		/* buf >= 18 */
/* The rule in grammar form, without the id (buf >= 160). */
char *fmt_natrule(const struct ctl_natrule *r, const char *port, char *buf, size_t len);
/* The route in `route add` form (buf >= 160). */
char *fmt_route(const struct ctl_route *r, const char *dev, char *buf, size_t len);

/* Equality for reconciliation (ids, indexes and names ignored where said). */
bool natrule_equal(const struct ctl_natrule *a, const struct ctl_natrule *b);
/* Same family and address (addresses: and prefix length). */
bool addr_equal(const struct ctl_addr *a, const struct ctl_addr *b);
bool neigh_addr_equal(const struct ctl_neigh *a, const struct ctl_neigh *b);

#endif
