/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer: an input is what an HTTP client sent to sluiced's metrics
 * server, fed to http_parse whole and as it would arrive, in pieces.
 * Nothing may crash or read past the input; a head is judged on the bytes
 * up to its end only (more input never changes a decision once made, nor
 * where a well-formed head ends); the
 * answer is one of the statuses the server knows; and a head accepted
 * (200) really ends with an empty line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "http.h"


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes: ASan sees any read past it. */
	char *buf = malloc(size ? size : 1);
	struct http_req whole, part;
	size_t n, m = 0, cut;

	memcpy(buf, data, size);
	n = http_parse(buf, size, "/metrics", &whole);
	FZ_CHECK(n <= size, "consumed %zu of %zu", n, size);
	if (n == 0) {
		FZ_CHECK(size < HTTP_HEAD_MAX, "an undecided head of %zu bytes", size);
	} else {
		FZ_CHECK(whole.status == 200 || whole.status == 400 || whole.status == 404 ||
		      whole.status == 405 || whole.status == 431 || whole.status == 505,
		      "status %d", whole.status);
		if (whole.status == 200)
			FZ_CHECK(n >= 2 && buf[n - 1] == '\n' &&
			      (buf[n - 2] == '\n' || (n >= 3 && buf[n - 2] == '\r' && buf[n - 3] == '\n')),
			      "a head accepted without its empty line");
		FZ_CHECK(whole.status == 200 || whole.why != NULL, "status %d without a reason",
		      whole.status);
	}
	/* As it arrives: the first prefix that decides must decide the same. */
	for (cut = 1; cut <= size; cut += 1 + cut / 8) {
		m = http_parse(buf, cut, "/metrics", &part);
		if (m)
			break;
	}
	if (m) {
		/* A malformed head is refused where that shows, maybe mid-line. */
		FZ_CHECK(part.status == whole.status && part.head == whole.head &&
		      part.openmetrics == whole.openmetrics &&
		      (m == n || whole.status == 400 || whole.status == 431),
		      "a prefix of %zu bytes decided %d after %zu, the whole %d after %zu",
		      cut, part.status, m, whole.status, n);
	}
	(void)http_accept_openmetrics(buf, size);
	free(buf);
	return 0;
}
