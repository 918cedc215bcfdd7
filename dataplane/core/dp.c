/* SPDX-License-Identifier: BSD-3-Clause */
/* The dataplane's shared state: pools, rings, RCU, counters. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <ftw.h>
#include <sys/eventfd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_mbuf_pool_ops.h>

#include "dp.h"
#include "log.h"

struct dp_global dp;
struct dp_wake dp_wake = { .fd = -1 };

const char *const drop_names[DROP__MAX] = {
	[DROP_NOT_FOR_US] = "not_for_us",
	[DROP_UNSUPPORTED] = "unsupported_protocol",
	[DROP_BAD_HEADER] = "bad_header",
	[DROP_MARTIAN_SRC] = "martian_source",
	[DROP_MARTIAN_DST] = "martian_destination",
	[DROP_BROADCAST] = "broadcast",
	[DROP_NO_ROUTE] = "no_route",
	[DROP_BLACKHOLE] = "blackhole",
	[DROP_TTL] = "ttl_exceeded",
	[DROP_FRAG_NEEDED] = "fragmentation_needed",
	[DROP_FRAG_FAILED] = "fragmentation_failed",
	[DROP_ARP_TIMEOUT] = "arp_timeout",
	[DROP_ARP_HOLD_FULL] = "arp_hold_full",
	[DROP_ARP_INVALID] = "arp_invalid",
	[DROP_LOCAL_UNREACH] = "local_unreachable",
	[DROP_ICMP_RATELIMIT] = "icmp_ratelimit",
	[DROP_QUEUE_FULL] = "queue_full",
	[DROP_PORT_DOWN] = "port_down",
	[DROP_NO_MBUF] = "no_mbuf",
	[DROP_NAT] = "nat",
	[DROP6_BAD_HEADER] = "ip6_bad_header",
	[DROP6_MARTIAN_SRC] = "ip6_martian_source",
	[DROP6_MARTIAN_DST] = "ip6_martian_destination",
	[DROP6_SCOPE] = "ip6_beyond_scope",
	[DROP6_MULTICAST] = "ip6_multicast",
	[DROP6_HOP_BY_HOP] = "ip6_hop_by_hop",
	[DROP6_NO_ROUTE] = "ip6_no_route",
	[DROP6_BLACKHOLE] = "ip6_blackhole",
	[DROP6_HOP_LIMIT] = "ip6_hop_limit_exceeded",
	[DROP6_TOO_BIG] = "ip6_packet_too_big",
	[DROP6_LOCAL_UNREACH] = "ip6_local_unreachable",
	[DROP_ND_TIMEOUT] = "nd_timeout",
	[DROP_ND_HOLD_FULL] = "nd_hold_full",
	[DROP_ND_INVALID] = "nd_invalid",
	[DROP_ND_IGNORED] = "nd_ignored",
	[DROP_NEIGH_FULL] = "neigh_table_full",
	[DROP_SOURCE_ROUTE] = "source_route",
	[DROP_ARP_IGNORED] = "arp_ignored",
	[DROP6_DISABLED] = "ip6_disabled",
	[DROP6_REASSEMBLY] = "ip6_reassembly_failed",
	[DROP6_FRAG_DUPLICATE] = "ip6_fragment_duplicate",
};

uint64_t
dp_drop_total(enum drop_reason why)
{
	uint64_t sum = 0;

	for (unsigned int l = 0; l < RTE_MAX_LCORE; l++)
		sum += dp.counters[l].drop[why];
	return sum;
}

struct rte_mempool *
dp_pool_create(const char *name, unsigned int n)
{
	/* A whole cache line: a frame then starts on a line (mbuf 128 +
	 * private area + headroom 128), so that Ethernet and the IPv6 header
	 * (54 bytes) or IPv4's (34) share one line, which the device, the
	 * parse and the rewrite each touch once.  24 bytes would put a
	 * 64-byte frame across two lines.  A pool element is rounded to a
	 * line anyway: it costs no memory. */
	unsigned int priv = RTE_ALIGN(sizeof(struct pkt_meta), RTE_CACHE_LINE_SIZE);
	struct rte_pktmbuf_pool_private pp = {
		.mbuf_data_room_size = RTE_MBUF_DEFAULT_BUF_SIZE,
		.mbuf_priv_size = (uint16_t)priv,
	};
	/*
	 * DPDK 22.11's af_xdp PMD registers as its umem the pool's first
	 * chunk for populated_size objects packed end to end.  The default
	 * layout keeps each object inside a page (4 KB ones without
	 * hugepages: one object a page), so the objects past that length
	 * are outside the umem; every one of them the PMD gives its fill
	 * ring is lost there, until none is left and the port receives
	 * nothing more (fixed upstream in 2024, "net/af_xdp: parse UMEM map
	 * info from mempool").  Where IOVAs are virtual addresses an object
	 * need not stay in a page for any device, so it is packed.
	 */
	unsigned int flags = rte_eal_iova_mode() == RTE_IOVA_VA ? RTE_MEMPOOL_F_NO_IOVA_CONTIG : 0;
	struct rte_mempool *mp = rte_mempool_create_empty(name, n,
		sizeof(struct rte_mbuf) + priv + RTE_MBUF_DEFAULT_BUF_SIZE, 256, sizeof(pp),
		(int)rte_socket_id(), flags);
	int ret;

	if (mp == NULL)
		return NULL;
	ret = rte_mempool_set_ops_byname(mp, rte_mbuf_best_mempool_ops(), NULL);
	if (ret == 0) {
		rte_pktmbuf_pool_init(mp, &pp);
		ret = rte_mempool_populate_default(mp);
	}
	if (ret < 0) {
		rte_mempool_free(mp);
		rte_errno = -ret;
		return NULL;
	}
	rte_mempool_obj_iter(mp, rte_pktmbuf_init, NULL);
	return mp;
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void
dp_runtime_dir_remove(void)
{
	(void)nftw(rte_eal_get_runtime_dir(), rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

int
dp_init(unsigned int nb_mbufs, uint16_t nb_workers)
{
	size_t sz;
	char name[RTE_RING_NAMESIZE];

	dp.hz = rte_get_tsc_hz();
	dp.nb_workers = nb_workers;
	for (unsigned int i = 0; i < DP_MAX_WORKERS; i++)
		for (unsigned int p = 0; p < DP_MAX_PORTS; p++)
			dp.workers[i].rx_intr_fd[p] = -1;
	dp.pool = dp_pool_create("sluice_pkts", nb_mbufs);
	if (dp.pool == NULL) {
		fprintf(stderr, SD_ERR "sluice-dataplane: cannot create a pool of %u mbufs: %s\n",
			nb_mbufs, rte_strerror(rte_errno));
		return -ENOMEM;
	}
	dp.indirect = rte_pktmbuf_pool_create("sluice_indirect", 8191, 256, 0, 0,
					      rte_socket_id());
	dp.punt = rte_ring_create("sluice_punt", DP_PUNT_RING_SIZE, rte_socket_id(),
				  RING_F_SC_DEQ);
	dp.counters = rte_zmalloc("sluice_counters",
				  sizeof(struct lcore_counters) * RTE_MAX_LCORE,
				  RTE_CACHE_LINE_SIZE);
	sz = rte_rcu_qsbr_get_memsize(RTE_MAX_LCORE);
	dp.qsbr = rte_zmalloc("sluice_qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (dp.indirect == NULL || dp.punt == NULL || dp.counters == NULL ||
	    dp.qsbr == NULL || rte_rcu_qsbr_init(dp.qsbr, RTE_MAX_LCORE) != 0) {
		fprintf(stderr, SD_ERR "sluice-dataplane: out of memory at start\n");
		return -ENOMEM;
	}
	if (dp_wake.fd < 0)
		dp_wake.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (dp_wake.fd < 0) {
		fprintf(stderr, SD_ERR "sluice-dataplane: eventfd: %s\n", strerror(errno));
		return -errno;
	}
	for (uint16_t i = 0; i < nb_workers; i++) {
		snprintf(name, sizeof(name), "sluice_tx%u", i);
		dp.workers[i].index = i;
		dp.workers[i].tx_ring = rte_ring_create(name, DP_TX_RING_SIZE,
							rte_socket_id(),
							RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (dp.workers[i].tx_ring == NULL)
			return -ENOMEM;
	}
	return 0;
}

/* Async-signal-safe: main.c's signal handler calls it too. */
void
dp_wake_write(void)
{
	uint64_t one = 1;

	__atomic_fetch_add(&dp_wake.wakes, 1, __ATOMIC_RELAXED);
	if (dp_wake.fd >= 0 && write(dp_wake.fd, &one, sizeof(one)) < 0) {
		/* EAGAIN: the counter is full, so the sleeper is woken anyway. */
	}
}

void
dp_send(struct rte_mbuf *m, uint16_t port)
{
	struct pkt_meta *meta = pkt_meta(m);

	meta->kind = PKT_TX;
	meta->out_port = port;
	if (rte_ring_sp_enqueue(dp.workers[0].tx_ring, m) != 0)
		dp_drop(m, DROP_QUEUE_FULL);
}

static char errmsg[DP_ERRMSG_MAX];

int
dp_errmsg(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errmsg, sizeof(errmsg), fmt, ap);
	va_end(ap);
	return err;
}

const char *
dp_errmsg_get(void)
{
	return errmsg;
}

void
dp_errmsg_clear(void)
{
	errmsg[0] = '\0';
}

static char log_error[256];

void
dp_log_error_clear(void)
{
	log_error[0] = '\0';
}

const char *
dp_log_error(void)
{
	return log_error[0] != '\0' ? log_error : NULL;
}

/* The first only: a driver's reason comes before EAL's "cannot attach"
 * lines. */
void
dp_log_error_note(const char *line, size_t len)
{
	if (log_error[0] != '\0')
		return;
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == ' '))
		len--;
	len = RTE_MIN(len, sizeof(log_error) - 1);
	memcpy(log_error, line, len);
	log_error[len] = '\0';
}
