/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control channel's server (main lcore): the seqpacket socket, clients,
 * framing, validation and permission checks in control.c; one handler file
 * per object (link_nl.c, rt_nl.c, neigh_nl.c, nat_nl.c, stats_nl.c).
 *
 * A handler gets one request whose header and family header were checked to
 * be inside the message, parses its attributes (mnl_attr_parse with a
 * validating callback), acts, and returns 0 or -errno; control.c then
 * answers NLMSG_ERROR (always for an error, for success when NLM_F_ACK) or,
 * for a dump, NLMSG_DONE after what the handler put.  An error a user can
 * cause says why with dp_errmsg (dp.h), which control.c sends as the
 * kernel's extended ack (NLMSGERR_ATTR_MSG).
 */
#ifndef SLUICE_CONTROL_H
#define SLUICE_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

#include "proto.h"

struct ctl_client;

struct ctl_req {
	const struct nlmsghdr *nlh;
	struct ctl_client *c;	/* the client */
	char *buf;		/* reply datagram being filled (SLUICE_MSG_MAX) */
	size_t len;
	int err;		/* the client is gone or dropped: stop putting */
	uint64_t *args;		/* a dump's place (CTL_DUMP_ARGS words), see below */
};

/*
 * Dumps are resumable, as the kernel's netlink dumps are (cb->args): a dump
 * handler puts items while ctl_dump_full(rq) is false; when it turns true
 * the handler keeps its place in rq->args (all zero on the first call) and
 * returns CTL_DUMP_MORE without putting more.  control.c calls it again,
 * with the same request and args, once the client has read what waits.
 * Memory per client stays bounded whatever the table's size.
 */
#define CTL_DUMP_ARGS	4
#define CTL_DUMP_MORE	1
bool ctl_dump_full(const struct ctl_req *rq);

/* A GET with NLM_F_DUMP: control.c ends it with NLMSG_DONE (no ack); the
 * handler puts each message with ctl_multi(rq) in its flags. */
static inline bool
ctl_is_dump(const struct ctl_req *rq)
{
	return (rq->nlh->nlmsg_flags & NLM_F_DUMP) != 0;
}

static inline uint16_t
ctl_multi(const struct ctl_req *rq)
{
	return ctl_is_dump(rq) ? NLM_F_MULTI : 0;
}

/*
 * Walk the attributes after famlen bytes of family header, calling cb for
 * each (cb validates with mnl_attr_type_valid/mnl_attr_validate and keeps
 * what it wants in data).  Unlike mnl_attr_parse, an attribute whose length
 * is below its header or runs past the message is an error, not the silent
 * end of the list.  Returns 0 or -EINVAL.
 */
int ctl_attr_parse(const struct ctl_req *rq, size_t famlen, mnl_attr_cb_t cb, void *data);

/* The descriptor the request's datagram carried (SCM_RIGHTS), now the
 * caller's to close; -1 when none. */
int ctl_take_fd(struct ctl_req *rq);
/* Does a route request (its rtm_table, or RTA_TABLE in tb) name the main
 * table, the only one there is? */
static inline bool
ctl_table_main(const struct rtmsg *rtm, const struct nlattr *const *tb)
{
	uint32_t table = tb[RTA_TABLE] != NULL ? mnl_attr_get_u32(tb[RTA_TABLE]) : rtm->rtm_table;

	return table == RT_TABLE_UNSPEC || table == RT_TABLE_MAIN;
}

/* Port slot for a netlink ifindex (slot + 1), or -ENODEV (link_nl.c). */
int ctl_port_slot(uint32_t ifindex);

/* The family header of the request (size checked by control.c). */
static inline void *
ctl_payload(const struct ctl_req *rq)
{
	return mnl_nlmsg_get_payload(rq->nlh);
}

/*
 * Start a reply message (NLM_F_MULTI is set for dumps by the caller in
 * flags) with room for famlen bytes of family header, which it copies from
 * fam.  The returned header takes mnl_attr_put*() up to
 * CTL_MSG_ROOM bytes in all.  Never NULL: when the datagram is full, it is
 * sent first.
 */
#define CTL_MSG_ROOM 4096
struct nlmsghdr *ctl_msg_begin(struct ctl_req *rq, uint16_t type, uint16_t flags,
			       const void *fam, size_t famlen);
/* The message put since ctl_msg_begin is complete. */
void ctl_msg_end(struct ctl_req *rq, struct nlmsghdr *nlh);

typedef int (*ctl_handler)(struct ctl_req *rq);

/* Handlers, by object. */
int link_nl_new(struct ctl_req *rq);
int link_nl_del(struct ctl_req *rq);
int link_nl_get(struct ctl_req *rq);
int addr_nl_new(struct ctl_req *rq);
int addr_nl_del(struct ctl_req *rq);
int addr_nl_get(struct ctl_req *rq);
int route_nl_new(struct ctl_req *rq);
int route_nl_del(struct ctl_req *rq);
int route_nl_get(struct ctl_req *rq);
int neigh_nl_new(struct ctl_req *rq);
int neigh_nl_del(struct ctl_req *rq);
int neigh_nl_get(struct ctl_req *rq);
int nat_nl_rule_new(struct ctl_req *rq);
int nat_nl_rule_del(struct ctl_req *rq);
int nat_nl_rule_get(struct ctl_req *rq);
int nat_nl_sess_get(struct ctl_req *rq);
int nat_nl_sess_del(struct ctl_req *rq);
int nat_nl_conf_set(struct ctl_req *rq);
int nat_nl_conf_get(struct ctl_req *rq);
int stats_nl_get(struct ctl_req *rq);
int capture_nl_new(struct ctl_req *rq);
int capture_nl_del(struct ctl_req *rq);
int trace_nl_new(struct ctl_req *rq);
int trace_nl_del(struct ctl_req *rq);
/* IPv6 halves of the handlers above (ip6/): the request is AF_INET6, or
 * AF_UNSPEC for dumps of both families. */
int addr6_nl_new(struct ctl_req *rq, uint16_t slot, const uint8_t *ip);
int addr6_nl_dump(struct ctl_req *rq, uint32_t ifindex);

/*
 * Server.  It never blocks on a client: replies the socket does not take
 * wait in the client's own queue, and while they wait the client's next
 * requests are not read (its dump pauses).  Limits (0 in the conf: the
 * default):
 *  - CTL_CLIENTS_MAX connections; one more is accepted and closed at once
 *    (counted as refused);
 *  - CTL_OUTQ_MAX bytes of replies waiting per client, and replies that
 *    have waited CTL_STALL_MS without the client reading any: the client is
 *    disconnected (counted as dropped).
 */
#define CTL_CLIENTS_MAX	128
#define CTL_OUTQ_MAX	(1024 * 1024)
#define CTL_STALL_MS	10000

struct ctl_server_conf {
	const char *path;
	gid_t group;		/* may change state besides root; (gid_t)-1 = none */
	bool group_set;
	unsigned int max_clients;
	unsigned int stall_ms;
	size_t outq_max;
};
int ctl_server_open(const struct ctl_server_conf *conf);
/* Serve whatever is ready, waiting at most timeout_ms; then return.  The
 * work done per call is bounded (about a megabyte of requests and replies). */
void ctl_server_poll(int timeout_ms);
/* fd's input wakes ctl_server_poll too (on) or no longer (off); its owner
 * reads it after the poll returns.  0 or -errno. */
int ctl_server_watch(int fd, bool on);
/* An eventfd that wakes ctl_server_poll and that the poll reads (clears)
 * itself: how the workers wake a sleeping control lcore (dp.h).  0 or -errno. */
int ctl_server_eventfd(int fd);
void ctl_server_close(void);

struct ctl_server_stats {
	uint64_t clients;		/* connected now */
	uint64_t clients_dropped;	/* disconnected: replies past a limit */
	uint64_t clients_refused;	/* connections beyond max_clients */
};
void ctl_server_stats(struct ctl_server_stats *st);

/*
 * Process one datagram from a client as the server does (exposed for the
 * unit tests of message validation): every request in it is handled and
 * answered on fd, as far as fd takes the replies without blocking; what it
 * does not take is thrown away.  privileged decides whether changes are
 * allowed.
 */
void ctl_process(int fd, const char *data, size_t len, bool privileged);

#endif
