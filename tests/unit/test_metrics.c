/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The metrics endpoint's pieces: the exposition writer (exact text in both
 * formats, label escaping), the HTTP request parser (Accept negotiation,
 * malformed and incomplete heads).  The [metrics] listen key is in
 * test_config.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "expo.h"
#include "http.h"

/* ---- the exposition ---------------------------------------------------- */

static char *
render(const struct mx_snap *s, bool om)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	expo_write(f, s, om);
	assert_int_equal(fclose(f), 0);
	return out;
}

static void
small_snap(struct mx_snap *s)
{
	memset(s, 0, sizeof(*s));
	s->up = true;
	s->nports = 1;
	strcpy(s->port[0].name, "lan");
	s->port[0].running = true;
	s->port[0].st = (struct rtnl_link_stats64){
		.rx_packets = 1, .tx_packets = 2, .rx_bytes = 3, .tx_bytes = 4, .rx_dropped = 5,
		.rx_missed_errors = 6, .rx_errors = 7, .tx_dropped = 8, .tx_errors = 9,
	};
	s->ndrops = 2;
	s->drop[0] = (struct mx_counter){ "no_route", 10 };
	s->drop[1] = (struct mx_counter){ "ttl_exceeded", 11 };
	s->nfamilies = 1;
	s->routes[0] = (struct mx_counter){ "inet", 12 };
	s->has_nat = true;
	s->nat_sessions = 13;
	s->nat_created = 14;
	s->has_pool = true;
	s->mbufs_in_use = 15;
	s->mbufs_size = 16;
	s->nworkers = 1;
	s->worker[0] = (struct mx_worker){ .lcore = 1, .polls = 17, .busy_polls = 18,
					   .intr_wakes = 19, .busy_ratio = 0.25 };
}

static const char small_text[] =
	"# HELP sluice_up 1 when the dataplane answered this scrape, 0 when it did not (then no "
	"other series is given).\n"
	"# TYPE sluice_up gauge\n"
	"sluice_up 1\n"
	"# HELP sluice_port_rx_packets_total Frames received on the port.\n"
	"# TYPE sluice_port_rx_packets_total counter\n"
	"sluice_port_rx_packets_total{port=\"lan\"} 1\n"
	"# HELP sluice_port_tx_packets_total Frames sent on the port.\n"
	"# TYPE sluice_port_tx_packets_total counter\n"
	"sluice_port_tx_packets_total{port=\"lan\"} 2\n"
	"# HELP sluice_port_rx_bytes_total Bytes received on the port (Ethernet frames without FCS).\n"
	"# TYPE sluice_port_rx_bytes_total counter\n"
	"sluice_port_rx_bytes_total{port=\"lan\"} 3\n"
	"# HELP sluice_port_tx_bytes_total Bytes sent on the port (Ethernet frames without FCS).\n"
	"# TYPE sluice_port_tx_bytes_total counter\n"
	"sluice_port_tx_bytes_total{port=\"lan\"} 4\n"
	"# HELP sluice_port_rx_dropped_total Frames received that the port's Ethernet layer "
	"refused (not for its MAC, unsupported ethertype, runt) or the interface under the "
	"device refused (over its MTU).\n"
	"# TYPE sluice_port_rx_dropped_total counter\n"
	"sluice_port_rx_dropped_total{port=\"lan\"} 5\n"
	"# HELP sluice_port_rx_missed_total Frames the device or the interface under it lost "
	"before the router saw them (ring full, no buffer).\n"
	"# TYPE sluice_port_rx_missed_total counter\n"
	"sluice_port_rx_missed_total{port=\"lan\"} 6\n"
	"# HELP sluice_port_rx_errors_total Frames the device received in error.\n"
	"# TYPE sluice_port_rx_errors_total counter\n"
	"sluice_port_rx_errors_total{port=\"lan\"} 7\n"
	"# HELP sluice_port_tx_dropped_total Frames the port could not send: device queue full, "
	"port down, or lost by the interface under the device.\n"
	"# TYPE sluice_port_tx_dropped_total counter\n"
	"sluice_port_tx_dropped_total{port=\"lan\"} 8\n"
	"# HELP sluice_port_tx_errors_total Frames the device failed to send.\n"
	"# TYPE sluice_port_tx_errors_total counter\n"
	"sluice_port_tx_errors_total{port=\"lan\"} 9\n"
	"# HELP sluice_port_running 1 when the port has carrier and is administratively up, else 0.\n"
	"# TYPE sluice_port_running gauge\n"
	"sluice_port_running{port=\"lan\"} 1\n"
	"# HELP sluice_drops_total Packets dropped, by reason (the names of `sluice stats`).\n"
	"# TYPE sluice_drops_total counter\n"
	"sluice_drops_total{reason=\"no_route\"} 10\n"
	"sluice_drops_total{reason=\"ttl_exceeded\"} 11\n"
	"# HELP sluice_nat_sessions NAT sessions in the table.\n"
	"# TYPE sluice_nat_sessions gauge\n"
	"sluice_nat_sessions 13\n"
	"# HELP sluice_nat_sessions_created_total NAT sessions created.\n"
	"# TYPE sluice_nat_sessions_created_total counter\n"
	"sluice_nat_sessions_created_total 14\n"
	"# HELP sluice_routes Routes in the table, by address family.\n"
	"# TYPE sluice_routes gauge\n"
	"sluice_routes{family=\"inet\"} 12\n"
	"# HELP sluice_mbufs_in_use Packet buffers in use (rings, held packets, in flight).\n"
	"# TYPE sluice_mbufs_in_use gauge\n"
	"sluice_mbufs_in_use 15\n"
	"# HELP sluice_mbufs_pool_size Packet buffers in the pool.\n"
	"# TYPE sluice_mbufs_pool_size gauge\n"
	"sluice_mbufs_pool_size 16\n"
	"# HELP sluice_worker_polls_total Passes of the worker's loop over every port's receive "
	"queue.\n"
	"# TYPE sluice_worker_polls_total counter\n"
	"sluice_worker_polls_total{lcore=\"1\"} 17\n"
	"# HELP sluice_worker_busy_polls_total Passes of the worker's loop that received packets.\n"
	"# TYPE sluice_worker_busy_polls_total counter\n"
	"sluice_worker_busy_polls_total{lcore=\"1\"} 18\n"
	"# HELP sluice_worker_rx_intr_wakes_total Idle waits of the worker that an RX interrupt "
	"ended before their timeout.\n"
	"# TYPE sluice_worker_rx_intr_wakes_total counter\n"
	"sluice_worker_rx_intr_wakes_total{lcore=\"1\"} 19\n"
	"# HELP sluice_worker_busy_ratio Share of the worker's loop passes that received packets, "
	"since the previous scrape.\n"
	"# TYPE sluice_worker_busy_ratio gauge\n"
	"sluice_worker_busy_ratio{lcore=\"1\"} 0.25\n";

static void
test_expo_text(void **state)
{
	struct mx_snap s;
	char *t;

	(void)state;
	small_snap(&s);
	t = render(&s, false);
	assert_string_equal(t, small_text);
	free(t);
}

/* OpenMetrics: the same samples; counter families named without _total;
 * "# EOF" last. */
static void
test_expo_openmetrics(void **state)
{
	struct mx_snap s;
	char *t, *want = malloc(sizeof(small_text) + 64), *w;
	const char *r;

	(void)state;
	small_snap(&s);
	t = render(&s, true);
	/* Build the expected text from the Prometheus one: "_total" goes from
	 * the # HELP and # TYPE lines of counters, nothing else changes. */
	w = want;
	for (r = small_text; *r;) {
		const char *nl = strchr(r, '\n') + 1, *tot = strstr(r, "_total ");

		if (r[0] == '#' && tot && tot < nl && (!strncmp(r, "# HELP", 6) || !strncmp(r, "# TYPE", 6))) {
			memcpy(w, r, (size_t)(tot - r));
			w += tot - r;
			r = tot + 6;
		}
		memcpy(w, r, (size_t)(nl - r));
		w += nl - r;
		r = nl;
	}
	strcpy(w, "# EOF\n");
	assert_string_equal(t, want);
	assert_non_null(strstr(t, "\n# TYPE sluice_drops counter\nsluice_drops_total{reason=\"no_route\"} 10\n"));
	assert_non_null(strstr(t, "\n# TYPE sluice_nat_sessions_created counter\n"));
	free(t);
	free(want);
}

/* A dataplane that did not answer: sluice_up 0 and nothing else. */
static void
test_expo_down(void **state)
{
	static const char head[] =
		"# HELP sluice_up 1 when the dataplane answered this scrape, 0 when it did not "
		"(then no other series is given).\n"
		"# TYPE sluice_up gauge\n"
		"sluice_up 0\n";
	struct mx_snap s;
	char *t;

	(void)state;
	small_snap(&s);
	s.up = false;
	t = render(&s, false);
	assert_string_equal(t, head);
	free(t);
	t = render(&s, true);
	assert_int_equal(strncmp(t, head, sizeof(head) - 1), 0);
	assert_string_equal(t + sizeof(head) - 1, "# EOF\n");
	free(t);
}

/* Label values escape backslash, double quote and newline; nothing else. */
static void
test_expo_escaping(void **state)
{
	struct mx_snap s;
	char *t;

	(void)state;
	small_snap(&s);
	strcpy(s.port[0].name, "a\"b\\c\nd'e");
	strcpy(s.drop[0].name, "x{y}=z");
	t = render(&s, false);
	assert_non_null(strstr(t, "\nsluice_port_rx_packets_total{port=\"a\\\"b\\\\c\\nd'e\"} 1\n"));
	assert_non_null(strstr(t, "\nsluice_drops_total{reason=\"x{y}=z\"} 10\n"));
	free(t);
}

/* Several ports in order, no NAT or pool figures when the dataplane gave
 * none, and ratios written short. */
static void
test_expo_shapes(void **state)
{
	struct mx_snap s;
	char *t;

	(void)state;
	small_snap(&s);
	s.nports = 2;
	strcpy(s.port[1].name, "wan");
	s.port[1].running = false;
	s.port[1].st.rx_packets = UINT64_MAX;
	s.has_nat = s.has_pool = false;
	s.nfamilies = 2;
	s.routes[1] = (struct mx_counter){ "inet6", 3 };
	s.worker[0].busy_ratio = 1.0 / 3;
	t = render(&s, false);
	assert_non_null(strstr(t, "sluice_port_rx_packets_total{port=\"lan\"} 1\n"
				  "sluice_port_rx_packets_total{port=\"wan\"} 18446744073709551615\n"));
	assert_non_null(strstr(t, "sluice_port_running{port=\"lan\"} 1\n"
				  "sluice_port_running{port=\"wan\"} 0\n"));
	assert_null(strstr(t, "sluice_nat_sessions"));
	assert_null(strstr(t, "sluice_mbufs"));
	assert_non_null(strstr(t, "sluice_routes{family=\"inet\"} 12\n"
				  "sluice_routes{family=\"inet6\"} 3\n"));
	assert_non_null(strstr(t, "sluice_worker_busy_ratio{lcore=\"1\"} 0.333333\n"));
	free(t);
}

/* ---- HTTP requests ----------------------------------------------------- */

/* Parse a whole head: its status. */
static int
st(const char *head)
{
	struct http_req r;
	size_t n = http_parse(head, strlen(head), "/metrics", &r);

	assert_true(n > 0);
	assert_true(n <= strlen(head));
	return r.status;
}

static void
test_http_good(void **state)
{
	static const char get[] = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:9111\r\n"
				  "User-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n";
	struct http_req r;

	(void)state;
	assert_int_equal(http_parse(get, strlen(get), "/metrics", &r), strlen(get));
	assert_int_equal(r.status, 200);
	assert_false(r.head);
	assert_false(r.openmetrics);
	/* What follows the head (a body, a pipelined request) is not the head's. */
	assert_int_equal(http_parse("GET /metrics HTTP/1.0\r\n\r\nXYZ", 28, "/metrics", &r), 25);
	assert_int_equal(r.status, 200);
	assert_int_equal(http_parse("HEAD /metrics HTTP/1.1\nHost: x\n\n", 32, "/metrics", &r), 32);
	assert_int_equal(r.status, 200);
	assert_true(r.head);
	/* Empty lines before the request line, a query, absolute-form. */
	assert_int_equal(st("\r\n\r\nGET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"), 200);
	assert_int_equal(st("GET /metrics?name[]=up HTTP/1.1\r\nHost: x\r\n\r\n"), 200);
	assert_int_equal(st("GET http://router:9111/metrics HTTP/1.1\r\nHost: router\r\n\r\n"), 200);
	assert_int_equal(st("GET /metrics HTTP/1.1\r\nHost:x\r\nX-Empty:\r\nX-Tab:\ta\tb \r\n\r\n"), 200);
	/* HTTP/1.0 needs no Host. */
	assert_int_equal(st("GET /metrics HTTP/1.0\r\n\r\n"), 200);
}

static void
test_http_errors(void **state)
{
	(void)state;
	assert_int_equal(st("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), 404);
	assert_int_equal(st("GET /metricsx HTTP/1.1\r\nHost: x\r\n\r\n"), 404);
	assert_int_equal(st("GET /Metrics HTTP/1.1\r\nHost: x\r\n\r\n"), 404);
	assert_int_equal(st("GET http://router:9111 HTTP/1.1\r\nHost: x\r\n\r\n"), 404);
	assert_int_equal(st("POST /metrics HTTP/1.1\r\nHost: x\r\n\r\n"), 405);
	assert_int_equal(st("get /metrics HTTP/1.1\r\nHost: x\r\n\r\n"), 405);
	assert_int_equal(st("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"), 405);
	assert_int_equal(st("GET /metrics HTTP/2.0\r\nHost: x\r\n\r\n"), 505);
	assert_int_equal(st("GET /metrics HTTP/0.9\r\n\r\n"), 505);
	/* Malformed: 400, whatever the method or path would have said. */
	assert_int_equal(st("GARBAGE\r\n\r\n"), 400);
	assert_int_equal(st("GET /metrics\r\n\r\n"), 400);
	assert_int_equal(st("GET  /metrics HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
	assert_int_equal(st("GET /metrics  HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
	assert_int_equal(st("GET /metrics HTTP/1.1 \r\nHost: x\r\n\r\n"), 400);
	assert_int_equal(st("GET /metrics http/1.1\r\nHost: x\r\n\r\n"), 400);
	assert_int_equal(st("GET /metrics HTTP/1.10\r\nHost: x\r\n\r\n"), 400);
	assert_int_equal(st("GET metrics HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
	assert_int_equal(st("G(T /metrics HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
	assert_int_equal(st("GET /metrics HTTP/1.1\r\n\r\n"), 400);		/* no Host */
	assert_int_equal(st("GET /metrics HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400);
	assert_int_equal(st("GET /metrics HTTP/1.1\r\nHost : x\r\n\r\n"), 400);
	assert_int_equal(st("GET /metrics HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n"), 400);
	assert_int_equal(st("GET /metrics HTTP/1.1\r\nHost: x\r\nno colon\r\n\r\n"), 400);
	assert_int_equal(st("GET /metrics HTTP/1.1\r\nHost: x\r\n: empty name\r\n\r\n"), 400);
	assert_int_equal(st("GET /metrics HTTP/1.1\r\nHost: x\r\nX: a\x01" "b\r\n\r\n"), 400);
	assert_int_equal(st("GET /metrics HTTP/1.1\r\nHost: x\r\nX: a\rb\r\n\r\n"), 400);
	assert_int_equal(st("POST /metrics HTTP/1.1\r\nBad Header\r\n\r\n"), 400);
}

/* Incomplete heads wait; heads that cannot become valid do not. */
static void
test_http_incomplete(void **state)
{
	static const char full[] = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
	struct http_req r;
	char *big;

	(void)state;
	for (size_t n = 0; n < sizeof(full) - 1; n++)
		assert_int_equal(http_parse(full, n, "/metrics", &r), 0);
	assert_int_equal(http_parse(full, sizeof(full) - 1, "/metrics", &r), sizeof(full) - 1);
	/* A NUL or a control character is refused before the line ends. */
	assert_int_equal(http_parse("GET /\0", 6, "/metrics", &r), 6);
	assert_int_equal(r.status, 400);
	assert_int_equal(http_parse("\x16\x03\x01\x02\x00", 5, "/metrics", &r), 5);	/* TLS */
	assert_int_equal(r.status, 400);
	/* A head that never ends within HTTP_HEAD_MAX. */
	big = malloc(HTTP_HEAD_MAX + 64);
	strcpy(big, "GET /metrics HTTP/1.1\r\nHost: x\r\nX: ");
	memset(big + strlen(big), 'a', HTTP_HEAD_MAX + 64 - strlen(big));
	assert_int_equal(http_parse(big, HTTP_HEAD_MAX - 1, "/metrics", &r), 0);
	assert_true(http_parse(big, HTTP_HEAD_MAX, "/metrics", &r) > 0);
	assert_int_equal(r.status, 431);
	/* Many short lines past the bound. */
	strcpy(big, "GET /metrics HTTP/1.1\r\nHost: x\r\n");
	for (size_t n = strlen(big); n + 6 < HTTP_HEAD_MAX + 64; n += 6)
		memcpy(big + n, "X: y\r\n", 6);
	assert_true(http_parse(big, HTTP_HEAD_MAX + 60, "/metrics", &r) > 0);
	assert_int_equal(r.status, 431);
	free(big);
}

static bool
om(const char *accept)
{
	return http_accept_openmetrics(accept, strlen(accept));
}

static void
test_http_accept(void **state)
{
	char head[512];
	struct http_req r;

	(void)state;
	/* Prometheus 2.x's own header. */
	assert_true(om("application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
		       "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"));
	assert_true(om("application/openmetrics-text"));
	assert_true(om("Application/OpenMetrics-Text; Version=1.0.0"));
	assert_true(om("application/openmetrics-text; version=\"1.0.0\"; charset=utf-8"));
	assert_true(om("text/plain;q=0.5, application/openmetrics-text;q=0.6"));
	assert_true(om("text/plain , application/openmetrics-text"));	/* a tie: asked for */
	assert_false(om(""));
	assert_false(om("*/*"));
	assert_false(om("text/plain"));
	assert_false(om("text/plain;version=0.0.4;q=0.5,*/*;q=0.1"));
	assert_false(om("application/openmetrics-text;q=0"));
	assert_false(om("application/openmetrics-text;q=0.000"));
	assert_false(om("application/openmetrics-text;q=0.5, text/plain"));
	assert_false(om("application/openmetrics-text;q=0.5, text/*;q=0.6"));
	assert_false(om("application/openmetrics-text;version=2.0.0"));
	assert_false(om("application/openmetrics-text;q=1.5"));		/* malformed weight */
	assert_false(om("application/openmetrics-text;q=x"));
	assert_false(om("application/*"));
	assert_false(om("application/openmetrics-textual"));
	assert_false(om(",;=\";,"));
	/* In a request, over several Accept fields. */
	snprintf(head, sizeof(head), "GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: text/plain;q=0.4\r\n"
		 "accept: application/openmetrics-text;q=0.5\r\n\r\n");
	assert_true(http_parse(head, strlen(head), "/metrics", &r) > 0);
	assert_true(r.openmetrics);
	snprintf(head, sizeof(head), "GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: text/plain\r\n"
		 "Accept: application/openmetrics-text;q=0.5\r\n\r\n");
	assert_true(http_parse(head, strlen(head), "/metrics", &r) > 0);
	assert_false(r.openmetrics);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expo_text),
		cmocka_unit_test(test_expo_openmetrics),
		cmocka_unit_test(test_expo_down),
		cmocka_unit_test(test_expo_escaping),
		cmocka_unit_test(test_expo_shapes),
		cmocka_unit_test(test_http_good),
		cmocka_unit_test(test_http_errors),
		cmocka_unit_test(test_http_incomplete),
		cmocka_unit_test(test_http_accept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
