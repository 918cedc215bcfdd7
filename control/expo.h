/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The metrics exposition: a snapshot of the dataplane's figures written as
 * Prometheus text (format 0.0.4) or as OpenMetrics 1.0.  docs/metrics.md
 * lists the series.  Pure formatting, no I/O of its own: sluiced's metrics
 * server (metrics.c) fills the snapshot, the unit tests read the text.
 */
#ifndef SLUICE_EXPO_H
#define SLUICE_EXPO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/if_link.h>
#include "proto.h"

#define EXPO_CT_TEXT "text/plain; version=0.0.4; charset=utf-8"
#define EXPO_CT_OPENMETRICS "application/openmetrics-text; version=1.0.0; charset=utf-8"

#define MX_NAME_MAX	48	/* a counter's name in a stats reply */
#define MX_DROPS_MAX	64
#define MX_FAMILIES_MAX	4	/* "inet", "inet6" */
#define MX_WORKERS_MAX	128

struct mx_port {
	char name[SLUICE_IFNAMSIZ];
	bool running;			/* carrier (IF_OPER_UP) */
	struct rtnl_link_stats64 st;
};

struct mx_counter {
	char name[MX_NAME_MAX];
	uint64_t value;
};

struct mx_worker {
	uint32_t lcore;
	uint64_t polls, busy_polls, intr_wakes;
	double busy_ratio;		/* 0..1, see metrics.c */
};

/* What one scrape shows.  up false: only sluice_up 0 is written. */
struct mx_snap {
	bool up;
	unsigned nports;
	struct mx_port port[SLUICE_MAX_PORTS];
	unsigned ndrops;
	struct mx_counter drop[MX_DROPS_MAX];	/* stats' drops, in its order */
	unsigned nfamilies;
	struct mx_counter routes[MX_FAMILIES_MAX];
	bool has_nat, has_pool;
	uint64_t nat_sessions, nat_created;
	uint64_t mbufs_in_use, mbufs_size;
	unsigned nworkers;
	struct mx_worker worker[MX_WORKERS_MAX];
};

/* Write s to f: Prometheus text, or OpenMetrics (ending in "# EOF"). */
void expo_write(FILE *f, const struct mx_snap *s, bool openmetrics);

/* A label value as both formats quote it: \ " and newline escaped. */
void expo_label_value(FILE *f, const char *v);

#endif
