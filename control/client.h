/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The client end of the control channel, shared by sluiced and sluice:
 * connection, one request and its ack, dumps, and the pipeline that packs
 * many requests into each datagram and keeps many datagrams in flight.
 *
 * Functions return 0 or -errno: the dataplane's answer, or the socket's
 * error.  ctl_lost() tells the second kind (the dataplane went away).
 */
#ifndef SLUICE_CLIENT_H
#define SLUICE_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>
#include "proto.h"

struct ctl_conn {
	int fd;
	uint32_t seq;
	char *rbuf;		/* SLUICE_MSG_MAX */
	/* The reason the dataplane gave with the last request's error (its
	 * extended ack), without a final period; "" when it gave none. */
	char errmsg[SLUICE_ERRMSG_MAX];
};

int ctl_connect(struct ctl_conn *c, const char *path);
void ctl_close(struct ctl_conn *c);
/* The error says the connection is gone (EOF, reset, timeout). */
bool ctl_lost(int err);

/* Send nlh (its seq is assigned, NLM_F_ACK added) and wait for the ack. */
int ctl_request(struct ctl_conn *c, struct nlmsghdr *nlh);
/* The same, with descriptor fd passed to the dataplane (SCM_RIGHTS). */
int ctl_request_fd(struct ctl_conn *c, struct nlmsghdr *nlh, int fd);

/* Send a dump (NLM_F_DUMP in nlh) or a get, and call cb for every answer
 * message; for a get, the first answer ends it.  cb returns 0 to go on. */
typedef int (*ctl_msg_cb)(const struct nlmsghdr *nlh, void *arg);
int ctl_dump(struct ctl_conn *c, struct nlmsghdr *nlh, ctl_msg_cb cb, void *arg);

/*
 * Pipelining.  Only the last message of each datagram asks for an ack: the
 * server answers in order, so that ack retires the whole datagram, and a
 * failed message is answered with an error whatever its flags.  Errors
 * reach on_error with the tag given at commit (a batch line, a change)
 * and the request's type.
 */
#define CTL_PIPE_RING	16384		/* messages in flight, at most */
#define CTL_PIPE_WINDOW	(384 * 1024)	/* bytes in flight, at most */

typedef void (*ctl_pipe_err_fn)(void *arg, uint32_t tag, uint16_t type, int err,
				const char *msg);

struct ctl_pipe_dg {
	uint32_t last_seq;
	uint32_t bytes;
	uint32_t msgs;
};

struct ctl_pipe {
	struct ctl_conn *c;
	char *buf;			/* the datagram being filled */
	size_t len, last_off;
	uint32_t nmsgs;			/* in buf */
	struct ctl_pipe_dg dg[CTL_PIPE_RING];
	uint32_t dg_head, dg_tail;	/* in flight: [tail, head) */
	size_t inflight_bytes;
	uint32_t inflight_msgs;
	uint32_t tag[CTL_PIPE_RING];	/* by seq */
	uint16_t type[CTL_PIPE_RING];	/* by seq: the request's type */
	ctl_pipe_err_fn on_error;
	void *arg;
	uint32_t errors;		/* failed requests */
	int fatal;			/* the connection broke: -errno */
};

int ctl_pipe_init(struct ctl_pipe *p, struct ctl_conn *c, ctl_pipe_err_fn fn, void *arg);
void ctl_pipe_free(struct ctl_pipe *p);
/* Room for one message of up to NL_ROOM bytes, or NULL when the connection
 * broke (p->fatal). */
void *ctl_pipe_room(struct ctl_pipe *p);
/* The message built in the room is complete. */
void ctl_pipe_commit(struct ctl_pipe *p, struct nlmsghdr *nlh, uint32_t tag);
/* Send what is buffered and wait for every answer: 0, or p->fatal. */
int ctl_pipe_wait(struct ctl_pipe *p);

/* One short line for an error of a request of type (RTM_*, SLUICE_*),
 * iproute2 style without "Error: " ("route exists"). */
const char *ctl_strerror(uint16_t type, int err);

/* What to print for the error of c's last request: the dataplane's reason
 * when it gave one, as iproute2 prints the kernel's, else ctl_strerror's. */
const char *ctl_error(const struct ctl_conn *c, uint16_t type, int err);

/*
 * The reason an NLMSG_ERROR carries in its extended ack (NLM_F_ACK_TLVS,
 * NLMSGERR_ATTR_MSG, after the request's header or all of the request when
 * not NLM_F_CAPPED), copied into msg without its final period; "" when it
 * carries none.  Returns msg.
 */
char *ctl_ext_ack_msg(const struct nlmsghdr *nlh, char *msg, size_t len);

#endif
