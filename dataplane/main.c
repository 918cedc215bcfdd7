/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sluice-dataplane [EAL options] -- [--socket PATH] [--mbufs N] [--group G]
 *                                   [--max-routes N] [--max-routes6 N] [--neigh-reachable S]
 *                                   [--punt-rate N]
 *                                   [--no-idle-sleep]
 * sluice-dataplane -V | --version | -h | --help
 *
 * The main lcore serves the control channel and runs the slow path (ARP,
 * timers); every other lcore is a worker.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_version.h>

#include <systemd/sd-daemon.h>

#include "arp.h"
#include "frag6.h"
#include "capture.h"
#include "control.h"
#include "dplog.h"
#include "dp.h"
#include "host.h"
#include "nat.h"
#include "nd.h"
#include "neigh.h"
#include "port.h"
#include "ra.h"
#include "resolve.h"
#include "route.h"
#include "trace.h"
#include "route6.h"
#include "worker.h"

/* Without --max-routes the FIB takes the largest of these that memory
 * allows: a full Internet table with hugepages, less with -m 512. */
#define AUTO_MAX_ROUTES		(1u << 20)
#define AUTO_MIN_ROUTES		(1u << 16)

static void
on_signal(int sig)
{
	(void)sig;
	dp.quit = true;
	dp_wake_write();	/* the control lcore may be asleep in epoll */
}

static void
usage(FILE *f, const char *prog)
{
	fprintf(f,
		"Usage: %s [EAL options] -- [--socket PATH] [--mbufs N] [--group GROUP]\n"
		"       [--max-routes N] [--max-routes6 N] [--neigh-reachable SECONDS]\n"
		"       [--neigh-stale SECONDS]\n"
		"       [--punt-rate N]\n"
		"       [--no-idle-sleep] [--prefault]\n"
		"       %s -V | --version | -h | --help\n"
		"EAL options (DPDK's) come before \"--\", sluice's after it. The first lcore\n"
		"serves the control socket, every other one is a worker (-l 0,1 at least);\n"
		"without hugepages: --no-huge -m 512 --no-pci --file-prefix NAME.\n"
		"  --socket PATH        the control socket (default " SLUICE_SOCKET_DEFAULT ")\n"
		"  --mbufs N            packet pool size (default: enough for every worker's rings)\n"
		"  --group GROUP        members of GROUP may change state too (default root only)\n"
		"  --max-routes N       FIB size (default: the largest that fits, 64k to 1M)\n"
		"  --max-routes6 N      IPv6 FIB size (default: --max-routes's N, else 5120)\n"
		"  --neigh-reachable S  seconds a resolved neighbour stays REACHABLE (default 30)\n"
		"  --neigh-stale S      seconds an unused STALE neighbour is kept (default 60)\n"
		"  --punt-rate N        frames per second per lcore to host interfaces (default 50000)\n"
		"  --no-idle-sleep      workers poll without pause even with no traffic (default:\n"
		"                       after 1 ms of nothing they sleep, waking within ~2 ms,\n"
		"                       at once on ports whose device has RX interrupts)\n"
		"  --prefault           with --no-huge: back all of -m's memory at start, so that\n"
		"                       tables grow without page faults, as on hugepages\n"
		"  -V, --version        print sluice's and DPDK's versions and exit\n"
		"  -h, --help           print DPDK's EAL options, then these, and exit\n",
		prog, prog);
}

static void
usage_hook(const char *prog)
{
	usage(stdout, prog);
}

/* -V and -h anywhere, answered before the EAL starts: they need neither
 * hugepages nor root. */
static bool
has_arg(int argc, char **argv, const char *a, const char *b)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], a) == 0 || strcmp(argv[i], b) == 0)
			return true;
	return false;
}

static int
parse_uint(const char *opt, const char *s, unsigned long min, unsigned long max,
	   unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || v < min || v > max) {
		fprintf(stderr, SD_ERR "sluice-dataplane: --%s: '%s' is not a number in %lu..%lu\n",
			opt, s, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

struct args {
	struct ctl_server_conf ctl;
	unsigned long mbufs;
	unsigned long max_routes;
	unsigned long max_routes6;
	bool prefault;
};

static int
parse_args(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "mbufs", required_argument, NULL, 'm' },
		{ "group", required_argument, NULL, 'g' },
		{ "max-routes", required_argument, NULL, 'r' },
		{ "max-routes6", required_argument, NULL, '6' },
		{ "neigh-reachable", required_argument, NULL, 'R' },
		{ "neigh-stale", required_argument, NULL, 'S' },
		{ "punt-rate", required_argument, NULL, 'P' },
		{ "no-idle-sleep", no_argument, NULL, 'I' },
		{ "prefault", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	struct group *gr;
	int c;

	a->ctl.path = SLUICE_SOCKET_DEFAULT;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			a->ctl.path = optarg;
			break;
		case 'm':
			if (parse_uint("mbufs", optarg, 1024, 1ul << 26, &a->mbufs) < 0)
				return -1;
			break;
		case 'g':
			gr = getgrnam(optarg);
			if (gr == NULL) {
				fprintf(stderr, SD_ERR "sluice-dataplane: --group: no group '%s'\n", optarg);
				return -1;
			}
			a->ctl.group = gr->gr_gid;
			a->ctl.group_set = true;
			break;
		case 'r':
			if (parse_uint("max-routes", optarg, 1024, 1ul << 24, &a->max_routes) < 0)
				return -1;
			break;
		case 'F':
			a->prefault = true;
			break;
		case '6':
			if (parse_uint("max-routes6", optarg, 1024, 1ul << 24, &a->max_routes6) < 0)
				return -1;
			break;
		case 'R':
			if (parse_uint("neigh-reachable", optarg, 1, 86400, &v) < 0)
				return -1;
			neigh_timers.reachable = v;
			break;
		case 'S':
			if (parse_uint("neigh-stale", optarg, 1, 86400, &v) < 0)
				return -1;
			neigh_timers.stale = v;
			break;
		case 'P':
			if (parse_uint("punt-rate", optarg, 100, 100000000, &v) < 0)
				return -1;
			host_set_punt_rate(v);
			break;
		case 'I':
			worker_idle_sleep = false;
			break;
		default:
			usage(stderr, argv[0]);
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, SD_ERR "sluice-dataplane: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	return 0;
}

/* IPv6's FIB: a trie with a fixed 64 MB first level and three groups (1 KB
 * each) per route; its size follows --max-routes6, else --max-routes, else
 * the largest of these that fits, small enough to leave IPv4 128k routes
 * in -m 512 beside the room for a second IPv6 FIB (fib_init). */
#define AUTO_MAX_ROUTES6	5120u
#define AUTO_MIN_ROUTES6	2560u

static int
fib6_init(unsigned long max_routes)
{
	uint32_t level = rte_log_get_global_level();
	uint32_t n;
	int ret = -1;

	if (max_routes != 0) {
		if (route6_init(max_routes) == 0)
			return 0;
		fprintf(stderr, SD_ERR "sluice-dataplane: not enough memory for %lu IPv6 routes "
			"(give EAL more with -m, or hugepages)\n", max_routes);
		return -1;
	}
	rte_log_set_global_level(RTE_LOG_EMERG);
	for (n = AUTO_MAX_ROUTES6; n >= AUTO_MIN_ROUTES6 && ret != 0; n /= 2)
		ret = route6_init(n);
	rte_log_set_global_level(level);
	if (ret != 0) {
		fprintf(stderr, SD_ERR "sluice-dataplane: not enough memory for %u IPv6 routes "
			"(give EAL more with -m, or hugepages)\n", AUTO_MIN_ROUTES6);
		return -1;
	}
	fprintf(stderr, SD_INFO "sluice-dataplane: room for %u IPv6 routes\n", n * 2);
	return 0;
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23	/* Linux 5.14 */
#endif

static int
prefault_msl(const struct rte_memseg_list *msl, void *arg)
{
	unsigned int *failed = arg;

	if (msl->base_va == NULL || msl->len == 0)
		return 0;
	if (madvise(msl->base_va, msl->len, MADV_POPULATE_WRITE) != 0) {
		(*failed)++;
		return 0;
	}
	/* A hypervisor may back the guest's pages only when they are first
	 * written (this lab's does: the populate above maps them in the guest
	 * in 0.1 s a GB, then each page's first store costs ~16 us in the
	 * host, unseen by the guest's perf).  A store of nothing to every page
	 * backs them for real; atomic, so that it changes no table made. */
	for (size_t off = 0; off < msl->len; off += msl->page_sz)
		__atomic_fetch_add((volatile uint8_t *)msl->base_va + off, 0, __ATOMIC_RELAXED);
	return 0;
}

/*
 * --prefault: without hugepages EAL's memory is backed page by page as it
 * is first written, and in a VM each of those faults costs microseconds: a
 * bulk load of IPv6 routes, whose trie writes a fresh 1 KB group for most
 * prefixes, spent half its time in them.  Backing it all at start (as
 * hugepages are) moves that cost out of the load; it leaves the contents
 * alone, so it may run after the tables are made.
 */
static void
prefault(void)
{
	unsigned int failed = 0;

	if (rte_eal_has_hugepages())
		return;
	rte_memseg_list_walk(prefault_msl, &failed);
	if (failed != 0)
		fprintf(stderr, SD_WARNING "sluice-dataplane: --prefault: %s\n", strerror(errno));
}

/* The IPv4 FIB comes last so that it sizes itself to the memory the other
 * tables left, less RUNTIME_RESERVE and the size of one more IPv6 FIB
 * (route6_rebuild makes its fresh FIB beside the old one). */
#define RUNTIME_RESERVE		(16u << 20)

/* The largest table from AUTO_MAX_ROUTES down that fits: its size, or 0. */
static uint32_t
fib_auto_size(void)
{
	uint32_t level = rte_log_get_global_level();
	uint32_t n;
	int ret = -1;

	/* Failed attempts are expected here: keep DPDK's complaints quiet. */
	rte_log_set_global_level(RTE_LOG_EMERG);
	for (n = AUTO_MAX_ROUTES; n >= AUTO_MIN_ROUTES && ret != 0; n /= 2)
		ret = route_init(n);
	rte_log_set_global_level(level);
	return ret == 0 ? n * 2 : 0;
}

static int
fib_init(unsigned long max_routes)
{
	void *reserve, *reserve6;
	uint32_t n;

	if (max_routes != 0) {
		if (route_init(max_routes) == 0)
			return 0;
		fprintf(stderr, SD_ERR "sluice-dataplane: not enough memory for %lu routes "
			"(give EAL more with -m, or hugepages)\n", max_routes);
		return -1;
	}
	/* What is made at run time (a capture's pool) must still fit: hold
	 * its room while the FIB sizes itself.  And room for a rebuild of the
	 * IPv6 FIB, in one piece as its first level is, unless the smallest
	 * IPv4 FIB would not fit beside it (more workers, less -m): then
	 * IPv4 comes first and a rebuild will find no memory. */
	reserve = rte_malloc("sluice_runtime_reserve", RUNTIME_RESERVE, 0);
	reserve6 = rte_malloc("sluice_fib6_reserve", route6_fib_bytes(), 0);
	n = fib_auto_size();
	if (n == 0 && reserve6 != NULL) {
		rte_free(reserve6);
		reserve6 = NULL;
		n = fib_auto_size();
		if (n != 0)
			fprintf(stderr, SD_WARNING "sluice-dataplane: no room kept for a rebuild of "
				"the IPv6 FIB (give EAL more with -m, or hugepages)\n");
	}
	rte_free(reserve6);
	rte_free(reserve);
	if (n == 0) {
		fprintf(stderr, SD_ERR "sluice-dataplane: not enough memory for %u routes "
			"(give EAL more with -m, or hugepages)\n", AUTO_MIN_ROUTES);
		return -1;
	}
	fprintf(stderr, SD_INFO "sluice-dataplane: room for %u routes\n", n);
	return 0;
}

/* The control lcore's slow path: punted packets, then timers. */
static unsigned int
slow_path(void)
{
	struct rte_mbuf *pkts[DP_BURST];
	unsigned int n, total = 0;

	while ((n = rte_ring_sc_dequeue_burst(dp.punt, (void **)pkts, DP_BURST, NULL)) > 0) {
		for (unsigned int i = 0; i < n; i++) {
			if (pkt_meta(pkts[i])->kind == PKT_ARP) {
				host_arp_copy(pkts[i]);
				arp_input(pkts[i]);
			} else if (pkt_meta(pkts[i])->kind == PKT_ND) {
				host_nd_copy(pkts[i]);
				nd_input(pkts[i]);
			}
			else
				neigh_resolve(pkts[i]);
		}
		total += n;
		if (total >= 4 * DP_BURST)
			break;
	}
	return total;
}

/*
 * How long the control lcore may sleep when it has nothing to do: until its
 * next timer tick, since punted frames (dp_wake_control), requests, the
 * TAPs and signals wake it at once.  The tick is CTL_TICK_MS while a worker
 * has had traffic in the last CTL_QUIET_MS, CTL_IDLE_TICK_MS after: on an
 * idle router the timers (neighbour retries and ageing, NAT expiry, RAs,
 * the host path's carrier) may run up to 100 ms late, and the thread wakes
 * 10 times a second instead of 100 (each wake-up is a context switch,
 * 35-70 us of CPU under the hypervisor sluice is measured on).  A worker
 * back to traffic wakes it at once (dp_wake_control_resume).  While a
 * capture or a trace runs it looks every millisecond: the workers fill
 * those rings without waking it.
 */
#define CTL_TICK_MS		10
#define CTL_IDLE_TICK_MS	100
#define CTL_QUIET_MS		1000

static uint64_t busy_seen;	/* the workers' busy passes, summed */
static uint64_t busy_changed;	/* TSC when busy_seen last changed */

static uint64_t
workers_busy_polls(void)
{
	uint64_t n = 0;

	for (uint16_t i = 0; i < dp.nb_workers; i++)
		n += __atomic_load_n(&dp.counters[dp.workers[i].lcore].busy_polls,
				     __ATOMIC_RELAXED);
	return n;
}

/* Has no worker found a packet for CTL_QUIET_MS? */
static bool
workers_quiet(uint64_t now)
{
	uint64_t n = workers_busy_polls();

	if (n != busy_seen) {
		busy_seen = n;
		busy_changed = now;
		return false;
	}
	return now - busy_changed >= dp.hz / 1000 * CTL_QUIET_MS;
}

static int
ctl_sleep_ms(uint64_t now, uint64_t last_timer)
{
	uint64_t tick = workers_quiet(now) ? CTL_IDLE_TICK_MS : CTL_TICK_MS;
	uint64_t due = last_timer + dp.hz / 1000 * tick, ms;

	if (capture_sessions() != 0 || trace_sessions() != 0)
		return 1;
	if (now >= due)
		return 0;
	ms = (due - now) * 1000 / dp.hz + 1;
	return (int)RTE_MIN(ms, tick);
}

/* Sleep in the control socket's epoll for at most ms, unless work came
 * meanwhile: dp.h's dp_wake says why the order of these steps matters.  A
 * sleep longer than the busy tick is the idle tick's, which a worker's
 * pass with traffic cuts short (seen here, or by the worker). */
static void
ctl_sleep(int ms)
{
	if (ms > 0) {
		__atomic_store_n(&dp_wake.asleep, ms > CTL_TICK_MS ? DP_ASLEEP_IDLE : DP_ASLEEP,
				 __ATOMIC_RELAXED);
		rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (!rte_ring_empty(dp.punt) || host_pending() || dp.quit ||
		    (ms > CTL_TICK_MS && workers_busy_polls() != busy_seen))
			ms = 0;
	}
	ctl_server_poll(ms);
	__atomic_store_n(&dp_wake.asleep, 0, __ATOMIC_RELAXED);
}

/*
 * DPDK 22.11 takes --no-huge as legacy memory and refuses it beside
 * --in-memory.  Without hugepages nothing lands on hugetlbfs anyway, so
 * --in-memory there means only "no shared runtime files": --no-shconf.
 */
static void
eal_args_fixup(int argc, char **argv)
{
	bool no_huge = false;

	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--no-huge") == 0)
			no_huge = true;
	if (!no_huge)
		return;
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--in-memory") == 0)
			argv[i] = "--no-shconf";
}

int
main(int argc, char **argv)
{
	struct args a = { 0 };
	unsigned int lcore, nb_workers = 0;
	uint64_t now, last_timer = 0;
	int ret;

	if (has_arg(argc, argv, "-V", "--version")) {
		printf("sluice-dataplane %s (%s)\n", SLUICE_VERSION, rte_version());
		return 0;
	}
	if (has_arg(argc, argv, "-h", "--help")) {
		/* EAL's --help prints its own options, then the hook's text,
		 * and exits; the log level keeps its start-up lines quiet. */
		char *help[] = { argv[0], "--log-level=lib.eal:error", "--help", NULL };

		rte_set_application_usage_hook(usage_hook);
		rte_eal_init(3, help);
		usage(stdout, argv[0]);
		return 0;
	}
	dp_log_init();
	eal_args_fixup(argc, argv);
	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, SD_ERR "sluice-dataplane: EAL initialisation failed\n");
		return 1;
	}
	argc -= ret;
	argv += ret;
	argv[0] = "sluice-dataplane";
	if (parse_args(argc, argv, &a) < 0)
		goto fail_eal;

	RTE_LCORE_FOREACH_WORKER(lcore)
		nb_workers++;
	if (nb_workers == 0) {
		fprintf(stderr, SD_ERR "sluice-dataplane: needs at least 2 lcores (-l 0,1): "
			"the main lcore for control and one worker\n");
		goto fail_eal;
	}
	if (a.mbufs == 0) {
		/* Enough for eight ports' rx and tx rings on every worker, plus
		 * what the control lcore holds and what bursts have in flight. */
		a.mbufs = 8ul * nb_workers * 2048 + 8192;
	}
	if (dp_init(a.mbufs, nb_workers) < 0 || neigh_init() < 0 || nat_init() < 0 ||
	    frag6_init() < 0 ||
	    host_init() < 0 || fib6_init(a.max_routes6 != 0 ? a.max_routes6 : a.max_routes) < 0 || fib_init(a.max_routes) < 0)
		goto fail_eal;
	if (a.prefault)
		prefault();
	if (ctl_server_open(&a.ctl) < 0)
		goto fail_eal;
	if (ctl_server_eventfd(dp_wake.fd) < 0) {
		fprintf(stderr, SD_ERR "sluice-dataplane: cannot watch the wake-up eventfd\n");
		ctl_server_close();
		goto fail_eal;
	}
	if (host_nl_init() < 0)
		fprintf(stderr, SD_WARNING "sluice-dataplane: no rtnetlink: host interfaces "
			"will not share addresses with their ports\n");

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);

	nb_workers = 0;
	RTE_LCORE_FOREACH_WORKER(lcore) {
		dp.workers[nb_workers].lcore = lcore;
		rte_rcu_qsbr_thread_register(dp.qsbr, lcore);
		rte_eal_remote_launch(worker_main, &dp.workers[nb_workers], lcore);
		nb_workers++;
	}
	fprintf(stderr, SD_NOTICE "sluice-dataplane: %u worker(s), %lu mbufs, control on %s\n",
		nb_workers, a.mbufs, a.ctl.path);
	/* Type=notify: the socket listens, sluiced can create ports. */
	sd_notify(0, "READY=1");

	while (!dp.quit) {
		/* The NAT's flows table grown at once, not at the next timer:
		 * it fills past its size meanwhile (nat_sess_create wakes this
		 * lcore); shrunk once its sessions are gone; a slice a pass,
		 * so that the socket is served too. */
		unsigned int busy = slow_path() + host_poll() + nat_flows_resize(NAT_GROW_SLICE);

		/* Sleep only when the punt rings are quiet. */
		ctl_sleep(busy ? 0 : ctl_sleep_ms(rte_get_tsc_cycles(), last_timer));
		capture_poll();
		trace_poll();
		now = rte_get_tsc_cycles();
		if (now - last_timer > dp.hz / 100) {
			neigh_timer(now);
			nat_timer(now);
			ra_timer(now);
			route_sync();
			host_timer(now);
			route6_sync();
			last_timer = now;
		}
	}

	/* How often a worker had to wake the control lcore (bench/idle). */
	fprintf(stderr, SD_NOTICE "sluice-dataplane: stopping (the control lcore was woken "
		"%" PRIu64 " times)\n", dp_wake.wakes);
	sd_notify(0, "STOPPING=1");
	rte_eal_mp_wait_lcore();
	ctl_server_close();
	port_close_all();
	rte_eal_cleanup();
	return 0;

fail_eal:
	rte_eal_cleanup();
	return 1;
}
