/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SLUICE_GETSTATS: one reply with the drop counters by reason, the NAT
 * counters, the packet pool's use, the control socket's clients and the
 * route count, each a nest of NAME and VALUE; then the workers' poll
 * counters, a nest each (proto.h).
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "capture.h"
#include "control.h"
#include "dp.h"
#include "host.h"
#include "nat.h"
#include "port.h"
#include "route.h"
#include "route6.h"

/* Keeps the reply well inside CTL_MSG_ROOM next to the drop reasons. */
#define STATS_NAT_MAX 32
/* One SLUICE_STATSA_WORKER nest: its header, a u32 and two u64s. */
#define STATS_WORKER_LEN (MNL_ATTR_HDRLEN + MNL_ATTR_HDRLEN + 4 + 3 * (MNL_ATTR_HDRLEN + 8))

static void
stats_put(struct nlmsghdr *nlh, uint16_t group, const char *name, uint64_t value)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, group);

	mnl_attr_put_strz(nlh, SLUICE_STATSA_NAME, name);
	mnl_attr_put_u64(nlh, SLUICE_STATSA_VALUE, value);
	mnl_attr_nest_end(nlh, nest);
}

int
stats_nl_get(struct ctl_req *rq)
{
	struct sluicemsg sm = { .sm_family = AF_INET };
	struct port_dev_stats dev;
	const char *names[STATS_NAT_MAX];
	uint64_t values[STATS_NAT_MAX];
	struct nlmsghdr *nlh;
	struct ctl_server_stats cs;
	struct host_stats hs;
	unsigned int n, in_use, avail;

	nlh = ctl_msg_begin(rq, SLUICE_GETSTATS, ctl_multi(rq), &sm, sizeof(sm));
	for (unsigned int i = 0; i < DROP__MAX; i++)
		stats_put(nlh, SLUICE_STATSA_DROP, drop_names[i], dp_drop_total(i));
	/* What the devices lost or refused, over every port: the same
	 * figures as link show's missed and errors. */
	port_dev_stats_gone(&dev);
	for (uint16_t p = 0; p < DP_MAX_PORTS; p++) {
		struct port_dev_stats d;

		if (!ports[p].used)
			continue;
		port_dev_stats(p, &d);
		port_dev_stats_add(&dev, &d);
	}
	stats_put(nlh, SLUICE_STATSA_DROP, "device_rx_missed", dev.rx_missed);
	stats_put(nlh, SLUICE_STATSA_DROP, "device_rx_errors", dev.rx_errors);
	stats_put(nlh, SLUICE_STATSA_DROP, "device_rx_dropped", dev.rx_dropped);
	stats_put(nlh, SLUICE_STATSA_DROP, "device_tx_errors", dev.tx_errors);
	stats_put(nlh, SLUICE_STATSA_DROP, "device_tx_dropped", dev.tx_dropped);
	/* Not packets lost: copies for `sluice capture` that were not made. */
	stats_put(nlh, SLUICE_STATSA_DROP, "capture_drops", capture_drops_total());
	n = nat_counters(names, values, STATS_NAT_MAX);
	for (unsigned int i = 0; i < n && i < STATS_NAT_MAX; i++)
		if (names[i] != NULL)
			stats_put(nlh, SLUICE_STATSA_NAT, names[i], values[i]);
	in_use = rte_mempool_in_use_count(dp.pool);
	avail = rte_mempool_avail_count(dp.pool);
	stats_put(nlh, SLUICE_STATSA_POOL, "in_use", in_use);
	stats_put(nlh, SLUICE_STATSA_POOL, "size", dp.pool->size);
	stats_put(nlh, SLUICE_STATSA_POOL, "available", avail);
	stats_put(nlh, SLUICE_STATSA_POOL, "kept_by_closed_ports", port_xdp_kept());
	ctl_server_stats(&cs);
	stats_put(nlh, SLUICE_STATSA_CTL, "clients", cs.clients);
	stats_put(nlh, SLUICE_STATSA_CTL, "clients_dropped", cs.clients_dropped);
	stats_put(nlh, SLUICE_STATSA_CTL, "clients_refused", cs.clients_refused);
	stats_put(nlh, SLUICE_STATSA_CTL, "captures", capture_sessions());
	stats_put(nlh, SLUICE_STATSA_CTL, "traces", trace_sessions());
	host_stats(&hs);
	stats_put(nlh, SLUICE_STATSA_HOST, "punted", hs.punted);
	stats_put(nlh, SLUICE_STATSA_HOST, "punt_drops", hs.punt_drops);
	stats_put(nlh, SLUICE_STATSA_HOST, "punt_ratelimit", hs.punt_ratelimit);
	stats_put(nlh, SLUICE_STATSA_HOST, "punt_queue_full", hs.punt_queue_full);
	stats_put(nlh, SLUICE_STATSA_HOST, "punt_kernel_drops", hs.punt_kernel_drops);
	stats_put(nlh, SLUICE_STATSA_HOST, "host_tx", hs.host_tx);
	stats_put(nlh, SLUICE_STATSA_HOST, "host_tx_drops", hs.host_tx_drops);
	stats_put(nlh, SLUICE_STATSA_ROUTES, "inet", route_count());
	stats_put(nlh, SLUICE_STATSA_ROUTES, "inet6", route6_count());
	for (uint16_t i = 0; i < dp.nb_workers; i++) {
		const struct lcore_counters *lc = &dp.counters[dp.workers[i].lcore];
		struct nlattr *nest;

		/* A get answers with one message; a dump goes on in another. */
		if (nlh->nlmsg_len + STATS_WORKER_LEN > CTL_MSG_ROOM) {
			ctl_msg_end(rq, nlh);
			if (!ctl_is_dump(rq))
				return 0;
			nlh = ctl_msg_begin(rq, SLUICE_GETSTATS, NLM_F_MULTI, &sm, sizeof(sm));
		}
		nest = mnl_attr_nest_start(nlh, SLUICE_STATSA_WORKER);
		mnl_attr_put_u32(nlh, SLUICE_STATSA_LCORE, dp.workers[i].lcore);
		mnl_attr_put_u64(nlh, SLUICE_STATSA_POLLS, lc->polls);
		mnl_attr_put_u64(nlh, SLUICE_STATSA_BUSY_POLLS, lc->busy_polls);
		mnl_attr_put_u64(nlh, SLUICE_STATSA_INTR_WAKES, lc->intr_wakes);
		mnl_attr_nest_end(nlh, nest);
	}
	ctl_msg_end(rq, nlh);
	return 0;
}
