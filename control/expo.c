/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Prometheus text format 0.0.4 and OpenMetrics 1.0, for the series of
 * docs/metrics.md.  The two differ here in three ways only: an OpenMetrics
 * counter family is named without its "_total" (its samples keep it), HELP
 * text escapes '"' as well, and the exposition ends with "# EOF".
 */
#include <stddef.h>
#include <string.h>

#include "expo.h"

enum { COUNTER, GAUGE };

static void
escape(FILE *f, const char *s, bool quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '"' && quote)
			fputs("\\\"", f);
		else
			fputc(*s, f);
	}
}

void
expo_label_value(FILE *f, const char *v)
{
	escape(f, v, true);
}

/* # HELP and # TYPE of a family; name is the sample name (with "_total"
 * for a counter). */
static void
family(FILE *f, bool om, const char *name, int type, const char *help)
{
	size_t n = strlen(name);

	if (om && type == COUNTER && n > 6 && !strcmp(name + n - 6, "_total"))
		n -= 6;
	fprintf(f, "# HELP %.*s ", (int)n, name);
	escape(f, help, om);
	fprintf(f, "\n# TYPE %.*s %s\n", (int)n, name, type == COUNTER ? "counter" : "gauge");
}

static void
sample(FILE *f, const char *name, const char *label, const char *lv, uint64_t v)
{
	fputs(name, f);
	if (label) {
		fprintf(f, "{%s=\"", label);
		expo_label_value(f, lv);
		fputs("\"}", f);
	}
	fprintf(f, " %llu\n", (unsigned long long)v);
}

/* The per-port series: a field of rtnl_link_stats64 each. */
static const struct {
	const char *name, *help;
	size_t off;
} port_series[] = {
#define PS(n, field, h) { "sluice_port_" n "_total", h, offsetof(struct rtnl_link_stats64, field) }
	PS("rx_packets", rx_packets, "Frames received on the port."),
	PS("tx_packets", tx_packets, "Frames sent on the port."),
	PS("rx_bytes", rx_bytes, "Bytes received on the port (Ethernet frames without FCS)."),
	PS("tx_bytes", tx_bytes, "Bytes sent on the port (Ethernet frames without FCS)."),
	PS("rx_dropped", rx_dropped,
	   "Frames received that the port's Ethernet layer refused (not for its MAC, "
	   "unsupported ethertype, runt) or the interface under the device refused "
	   "(over its MTU)."),
	PS("rx_missed", rx_missed_errors,
	   "Frames the device or the interface under it lost before the router saw them "
	   "(ring full, no buffer)."),
	PS("rx_errors", rx_errors, "Frames the device received in error."),
	PS("tx_dropped", tx_dropped,
	   "Frames the port could not send: device queue full, port down, or lost by the "
	   "interface under the device."),
	PS("tx_errors", tx_errors, "Frames the device failed to send."),
#undef PS
};

/* The u64 field off bytes into a series' struct (port_series,
 * worker_series). */
static uint64_t
field_at(const void *base, size_t off)
{
	uint64_t v;

	memcpy(&v, (const char *)base + off, sizeof(v));
	return v;
}

/* The workers' counters, one family each, a sample per worker lcore. */
static const struct {
	const char *name, *help;
	size_t off;
} worker_series[] = {
	{ "sluice_worker_polls_total",
	  "Passes of the worker's loop over every port's receive queue.",
	  offsetof(struct mx_worker, polls) },
	{ "sluice_worker_busy_polls_total", "Passes of the worker's loop that received packets.",
	  offsetof(struct mx_worker, busy_polls) },
	{ "sluice_worker_rx_intr_wakes_total",
	  "Idle waits of the worker that an RX interrupt ended before their timeout.",
	  offsetof(struct mx_worker, intr_wakes) },
};

static void
worker_ratio(FILE *f, const struct mx_worker *w)
{
	fprintf(f, "sluice_worker_busy_ratio{lcore=\"%u\"} %.6g\n", w->lcore, w->busy_ratio);
}

void
expo_write(FILE *f, const struct mx_snap *s, bool om)
{
	char lcore[16];

	family(f, om, "sluice_up", GAUGE,
	       "1 when the dataplane answered this scrape, 0 when it did not (then no other "
	       "series is given).");
	fprintf(f, "sluice_up %d\n", s->up ? 1 : 0);
	if (!s->up)
		goto end;

	for (size_t i = 0; i < sizeof(port_series) / sizeof(port_series[0]); i++) {
		family(f, om, port_series[i].name, COUNTER, port_series[i].help);
		for (unsigned p = 0; p < s->nports; p++)
			sample(f, port_series[i].name, "port", s->port[p].name,
			       field_at(&s->port[p].st, port_series[i].off));
	}
	family(f, om, "sluice_port_running", GAUGE,
	       "1 when the port has carrier and is administratively up, else 0.");
	for (unsigned p = 0; p < s->nports; p++)
		sample(f, "sluice_port_running", "port", s->port[p].name, s->port[p].running);

	family(f, om, "sluice_drops_total", COUNTER,
	       "Packets dropped, by reason (the names of `sluice stats`).");
	for (unsigned i = 0; i < s->ndrops; i++)
		sample(f, "sluice_drops_total", "reason", s->drop[i].name, s->drop[i].value);

	if (s->has_nat) {
		family(f, om, "sluice_nat_sessions", GAUGE, "NAT sessions in the table.");
		sample(f, "sluice_nat_sessions", NULL, NULL, s->nat_sessions);
		family(f, om, "sluice_nat_sessions_created_total", COUNTER, "NAT sessions created.");
		sample(f, "sluice_nat_sessions_created_total", NULL, NULL, s->nat_created);
	}

	family(f, om, "sluice_routes", GAUGE, "Routes in the table, by address family.");
	for (unsigned i = 0; i < s->nfamilies; i++)
		sample(f, "sluice_routes", "family", s->routes[i].name, s->routes[i].value);

	if (s->has_pool) {
		family(f, om, "sluice_mbufs_in_use", GAUGE,
		       "Packet buffers in use (rings, held packets, in flight).");
		sample(f, "sluice_mbufs_in_use", NULL, NULL, s->mbufs_in_use);
		family(f, om, "sluice_mbufs_pool_size", GAUGE, "Packet buffers in the pool.");
		sample(f, "sluice_mbufs_pool_size", NULL, NULL, s->mbufs_size);
	}

	for (size_t k = 0; k < sizeof(worker_series) / sizeof(worker_series[0]); k++) {
		family(f, om, worker_series[k].name, COUNTER, worker_series[k].help);
		for (unsigned i = 0; i < s->nworkers; i++) {
			snprintf(lcore, sizeof(lcore), "%u", s->worker[i].lcore);
			sample(f, worker_series[k].name, "lcore", lcore,
			       field_at(&s->worker[i], worker_series[k].off));
		}
	}
	family(f, om, "sluice_worker_busy_ratio", GAUGE,
	       "Share of the worker's loop passes that received packets, since the previous "
	       "scrape.");
	for (unsigned i = 0; i < s->nworkers; i++)
		worker_ratio(f, &s->worker[i]);
end:
	if (om)
		fputs("# EOF\n", f);
}
