/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The little HTTP/1.x that a metrics endpoint needs (RFC 9112): a request
 * head checked strictly and taken apart, the Accept header weighed
 * (RFC 9110 12.5.1), and the status lines of the answers.  No I/O: the
 * server in metrics.c feeds it what a client has sent so far.
 */
#ifndef SLUICE_HTTP_H
#define SLUICE_HTTP_H

#include <stdbool.h>
#include <stddef.h>

/* The largest request head taken (request line and headers); beyond it a
 * request is answered 431. */
#define HTTP_HEAD_MAX 8192

/* What a parsed head asks for: status 200 for GET or HEAD of path, else
 * the error to answer with. */
struct http_req {
	int status;		/* 200, 400, 404, 405, 431, 505 */
	bool head;		/* HEAD: the answer has no body */
	bool openmetrics;	/* Accept prefers OpenMetrics to text */
	const char *why;	/* for an error: a few words, for its body */
};

/*
 * Parse the request head in buf[0..len): 0 while the head is incomplete
 * (the empty line that ends it not yet received), else the head's length
 * with req filled.  path is the one resource served; anything else is 404.
 * A head that cannot be a valid one is refused as soon as that is clear,
 * without waiting for its end.
 */
size_t http_parse(const char *buf, size_t len, const char *path, struct http_req *req);

/* Does an Accept value (RFC 9110 12.5.1) rank application/openmetrics-text
 * at least as high as text/plain, and above zero? */
bool http_accept_openmetrics(const char *v, size_t len);

/* "Not Found" for 404, and so on. */
const char *http_reason(int status);

#endif
