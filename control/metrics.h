/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sluiced's metrics endpoint ([metrics] listen = ADDR:PORT): GET /metrics
 * over HTTP/1.x, Prometheus text or OpenMetrics (expo.c), fresh from the
 * dataplane on every scrape.  It lives in sluiced's poll loop and never
 * blocks it: its sockets are non-blocking, a request head is bounded
 * (HTTP_HEAD_MAX) and so is its time (read, write, and the dataplane's
 * answer), and a client that is slow or sends garbage costs only its slot.
 *
 * The loop asks metrics_pollfds() for what to watch, bounds its poll
 * timeout with metrics_timeout(), and hands the results to metrics_run().
 */
#ifndef SLUICE_METRICS_H
#define SLUICE_METRICS_H

#include <poll.h>
#include <sys/socket.h>

#define METRICS_CLIENTS	16		/* HTTP clients at once */
#define METRICS_NFDS	(METRICS_CLIENTS + 2)	/* with the listener and the dataplane */

struct metrics;

/* Listen on sa (text, "127.0.0.1:9111", for messages) and fetch from the
 * dataplane at dp_path.  NULL with errno set when the socket cannot be
 * bound. */
struct metrics *metrics_open(const struct sockaddr *sa, socklen_t salen, const char *text,
			     const char *dp_path);
void metrics_close(struct metrics *m);
/* The dataplane moved (a new [dataplane] socket on SIGHUP). */
void metrics_set_socket(struct metrics *m, const char *dp_path);

/* What to poll: fills up to METRICS_NFDS entries of pfd, returns how many. */
unsigned int metrics_pollfds(struct metrics *m, struct pollfd *pfd);
/* The poll timeout in ms for a loop that would wait tmo (-1: forever). */
int metrics_timeout(const struct metrics *m, int tmo);
/* After poll: serve what the n entries of pfd report, and the deadlines. */
void metrics_run(struct metrics *m, const struct pollfd *pfd, unsigned int n);

#endif
