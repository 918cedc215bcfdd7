/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared by the dataplane fuzz harnesses: the unit-test EAL (dp_test.c),
 * a fixed topology rebuilt before every input so that an input's effect
 * never leaks into the next one (a crash must reproduce from its file
 * alone), and the leak check that ends every input.
 *
 * Topology: lan = slot 0 (ifindex 1), 10.0.0.1/24; wan = slot 1
 * (ifindex 2), 203.0.113.1/24; 198.51.100.0/24 via 203.0.113.254 (no
 * default route: a /0 rewrites the whole DIR-24-8 table, 128 MB, on every
 * add and delete, which would make the fuzzers crawl); 192.0.2.0/24
 * blackhole; static neighbours for a LAN host and the gateway.  IPv6: the
 * ports' link-local addresses, lan 2001:db8:1::1/64, wan 2001:db8:2::1/64,
 * 2001:db8:99::/48 via 2001:db8:2::fe, 2001:db8:dead::/48 blackhole, static
 * neighbours 2001:db8:1::2 and 2001:db8:2::fe.
 *
 * Tables, sessions and rules live in DPDK memory, which LeakSanitizer does
 * not scan by itself: it is registered as a root region so that what only
 * DPDK memory points to is not reported as leaked.
 */
#ifndef SLUICE_FUZZ_DP_H
#define SLUICE_FUZZ_DP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sanitizer/lsan_interface.h>

#include <rte_eal.h>
#include <rte_ip_frag.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_memzone.h>

#include "addr6.h"
#include "dp_test.h"
#include "frag6.h"
#include "fuzz_check.h"
#include "nat.h"
#include "nat_int.h"
#include "nd.h"
#include "neigh.h"
#include "route.h"
#include "route6.h"

#define FZ_LAN 0
#define FZ_WAN 1
#define FZ_LAN_MAC "02:00:00:00:00:01"
#define FZ_WAN_MAC "02:00:00:00:01:01"
#define FZ_HOST_MAC "02:00:00:00:00:99"
#define FZ_GW_MAC "02:00:00:00:01:fe"

static struct nat_conf fz_natconf0;
static uint64_t fz_clk, fz_clk0;

static inline void
fz_drain(struct wctx *w)
{
	struct rte_mbuf *p[64];
	unsigned int n;

	if (w != NULL)
		dpt_tx_clear(w);
	while ((n = dpt_punted(p, RTE_DIM(p))) > 0)
		rte_pktmbuf_free_bulk(p, n);
	while ((n = dpt_sent(p, RTE_DIM(p))) > 0)
		rte_pktmbuf_free_bulk(p, n);
}

static int
fz_first_rule(const struct nat_rule_spec *r, void *arg)
{
	*(uint32_t *)arg = r->id;
	return 1;
}

static struct route fz_left[256];
static struct route6 fz_left6[256];
static unsigned int fz_nleft;

static int
fz_collect_route6(const struct route6 *r, void *arg)
{
	(void)arg;
	if (fz_nleft < RTE_DIM(fz_left6))
		fz_left6[fz_nleft++] = *r;
	return 0;
}

static int
fz_collect_route(const struct route *r, void *arg)
{
	(void)arg;
	if (fz_nleft < RTE_DIM(fz_left))
		fz_left[fz_nleft++] = *r;
	return 0;
}

/* Which mbufs are out of the pool, shown when the leak check fails: take
 * every free one, and what is left over is the leak. */
static void *fz_free_objs[1 << 16];

static void
fz_show_leak(struct rte_mempool *mp, void *arg, void *obj, unsigned int idx)
{
	unsigned int *nfree = arg;
	struct rte_mbuf *m = obj;

	(void)mp;
	(void)idx;
	for (unsigned int i = 0; i < *nfree; i++)
		if (fz_free_objs[i] == obj)
			return;
	fprintf(stderr, "leaked mbuf %p: refcnt %u, pkt_len %u, nb_segs %u, kind %u, "
		"in_port %u, out_port %u, nh_ip %08x\n", obj, rte_mbuf_refcnt_read(m),
		m->pkt_len, m->nb_segs, pkt_meta(m)->kind, pkt_meta(m)->in_port,
		pkt_meta(m)->out_port, pkt_meta(m)->nh_ip);
	rte_pktmbuf_dump(stderr, m, 96);
}

static inline void
fz_leak_report(void)
{
	unsigned int n = 0;

	while (n < RTE_DIM(fz_free_objs) && rte_mempool_get(dp.pool, &fz_free_objs[n]) == 0)
		n++;
	rte_mempool_obj_iter(dp.pool, fz_show_leak, &n);
	rte_mempool_put_bulk(dp.pool, fz_free_objs, n);
	rte_ip_frag_table_statistics_dump(stderr, nat_lc[rte_lcore_id()].frag);
	fprintf(stderr, "nat_now %lu\n", (unsigned long)nat_now);
}

/* Reassembly entries in use (the table is opaque in DPDK 22.11: read it
 * from its statistics dump). */
static inline unsigned int
fz_frag_entries(void)
{
	char *buf = NULL, *p;
	size_t len = 0;
	unsigned int n = ~0u;
	FILE *f = open_memstream(&buf, &len);

	FZ_CHECK(f != NULL, "open_memstream");
	rte_ip_frag_table_statistics_dump(f, nat_lc[rte_lcore_id()].frag);
	fclose(f);
	p = strstr(buf, "entries in use:");
	if (p != NULL)
		sscanf(p, "entries in use: %u", &n);
	free(buf);
	return n;
}

static uint64_t fz_frag6_clk;

/* What traffic made goes: sessions, learned neighbours (with the packets
 * they held), reassembly in progress; then no mbuf may be out of the pool. */
static inline void
fz_flows_reset(struct wctx *w)
{
	if (nat_sess_count() > 0)
		nat_sess_flush();
	neigh_flush(DP_NO_PORT);
	/* Reassembly in progress times out (the NAT clock is fake). */
	fz_clk += 10 * dp.hz;	/* > FRAG_TIMEOUT_S */
	nat_timer(fz_clk);
	/* The clock starts again with every input: the sweep is due now. */
	nat_lc[rte_lcore_id()].frag_gc = 0;
	nat_frag_sweep(w);
	/* IPv6's table stamps pieces with the TSC: a sweep 10 s past the
	 * last one (and past now) takes every piece still held. */
	fz_frag6_clk = RTE_MAX(fz_frag6_clk, rte_get_tsc_cycles()) + 10 * dp.hz;
	frag6_gc(w, fz_frag6_clk);
	fz_drain(w);
	FZ_CHECK(fz_frag_entries() == 0, "%u reassembly entries left after they all timed "
		 "out", fz_frag_entries());
	if (dpt_mbufs_in_use() != 0)
		fz_leak_report();
	FZ_CHECK(dpt_mbufs_in_use() == 0, "%u mbufs still in use after the input's "
		 "state went", dpt_mbufs_in_use());
	FZ_CHECK(nat_sess_count() == 0, "%u sessions left", nat_sess_count());
	/* Every input starts at the same fake time: with sessions and
	 * reassembly empty nothing can tell, and inputs full of clock ticks
	 * would otherwise wrap the 64-bit clock within hours of fuzzing (an
	 * entry stamped before the wrap then never expires). */
	fz_clk = fz_clk0;
	nat_timer(fz_clk);
	nat_lc[rte_lcore_id()].frag_gc = fz_clk;
}

/* Everything an input may have made goes: ports (fake or with a device),
 * routes, neighbours, rules, sessions, reassembly, NAT settings. */
static inline void
fz_teardown(struct wctx *w)
{
	struct nat_rule_spec r;
	struct nat_conf c;
	uint32_t id;
	int ret;

	while ((id = 0, nat_rule_walk(fz_first_rule, &id), id != 0)) {
		r.id = id;
		FZ_CHECK(nat_rule_del(&r, true) == 0, "rule %u listed but not deleted", id);
	}
	for (uint16_t i = 0; i < DP_MAX_PORTS; i++) {
		if (!ports[i].used)
			continue;
		if (ports[i].eth_port == UINT16_MAX) {
			dpt_port_remove(i);
		} else {
			/* As link_port_gone: its IPv6 addresses go first. */
			ip6_port_down(i);
			FZ_CHECK(port_destroy(i) == 0, "port %u not destroyed", i);
		}
	}
	do {
		fz_nleft = 0;
		route_walk(fz_collect_route, NULL);
		for (unsigned int i = 0; i < fz_nleft; i++)
			route_del(&fz_left[i], &(struct route_match){ .type = true });
		route_sync();
	} while (fz_nleft == RTE_DIM(fz_left));
	do {
		struct route6_pos pos = { 0 };

		fz_nleft = 0;
		route6_walk_from(&pos, fz_collect_route6, NULL);
		for (unsigned int i = 0; i < fz_nleft; i++)
			route6_del(&fz_left6[i], &(struct route_match){ .type = true });
		route6_sync();
	} while (fz_nleft == RTE_DIM(fz_left6));
	neigh_flush(DP_NO_PORT);
	nat_conf_get(&c);
	if (memcmp(&c, &fz_natconf0, sizeof(c)) != 0)
		FZ_CHECK((ret = nat_conf_set(&fz_natconf0)) == 0, "NAT settings not restored: %s",
			 strerror(-ret));
	fz_flows_reset(w);
	if (getenv("FZ_HEAP") != NULL) {
		struct rte_malloc_socket_stats st;
		static size_t last;

		rte_malloc_get_socket_stats(0, &st);
		if (st.heap_allocsz_bytes != last) {
			fprintf(stderr, "heap in use %zu (%+ld), %u allocations\n",
				st.heap_allocsz_bytes, (long)(st.heap_allocsz_bytes - last),
				st.alloc_count);
			if (getenv("FZ_HEAP_DUMP") != NULL)
				rte_memzone_dump(stderr);
		}
		last = st.heap_allocsz_bytes;
	}
	FZ_CHECK(route_count() == 0, "%u routes left", route_count());
	FZ_CHECK(route6_count() == 0, "%u IPv6 routes left", route6_count());
	FZ_CHECK(addrs6_get()->n == 0, "%u IPv6 addresses left", addrs6_get()->n);
	FZ_CHECK(!nat_enabled, "NAT enabled without rules");
}

static inline void
fz_neigh(uint16_t port, const char *ip, const char *mac)
{
	struct rte_ether_addr m = dpt_mac(mac);

	FZ_CHECK(neigh_add(port, dpt_ip(ip), &m, true, NLM_F_CREATE) == 0, "neigh %s", ip);
}

static inline void
fz_in6(const char *s, uint8_t *a)
{
	FZ_CHECK(inet_pton(AF_INET6, s, a) == 1, "IPv6 address %s", s);
}

static inline void
fz_setup6(void)
{
	struct route6 via = { .plen = 48, .type = RTN_UNICAST, .protocol = SLUICE_RTPROT_CLI,
			      .port = DP_NO_PORT };
	struct route6 bh = { .plen = 48, .type = RTN_BLACKHOLE, .protocol = SLUICE_RTPROT_CLI,
			     .port = DP_NO_PORT };
	struct rte_ether_addr h = dpt_mac(FZ_HOST_MAC), g = dpt_mac(FZ_GW_MAC);
	uint8_t a[16];

	FZ_CHECK(ip6_port_up(FZ_LAN) == 0 && ip6_port_up(FZ_WAN) == 0, "link-local addresses");
	fz_in6("2001:db8:1::1", a);
	FZ_CHECK(addr6_add(FZ_LAN, a, 64) == 0, "lan IPv6 address");
	fz_in6("2001:db8:2::1", a);
	FZ_CHECK(addr6_add(FZ_WAN, a, 64) == 0, "wan IPv6 address");
	fz_in6("2001:db8:99::", via.dst);
	fz_in6("2001:db8:2::fe", via.gw);
	FZ_CHECK(route6_add(&via, 0) == 0, "IPv6 gateway route");
	fz_in6("2001:db8:dead::", bh.dst);
	FZ_CHECK(route6_add(&bh, 0) == 0, "IPv6 blackhole route");
	fz_in6("2001:db8:1::2", a);
	FZ_CHECK(neigh6_add(FZ_LAN, a, &h, true, NLM_F_CREATE) == 0, "IPv6 host");
	fz_in6("2001:db8:2::fe", a);
	FZ_CHECK(neigh6_add(FZ_WAN, a, &g, true, NLM_F_CREATE) == 0, "IPv6 gateway");
	route6_sync();
}

/* The topology every input starts from. */
static inline void
fz_setup(struct wctx *w)
{
	struct route via = { .dst = dpt_ip("198.51.100.0"), .plen = 24, .type = RTN_UNICAST,
			     .protocol = SLUICE_RTPROT_CLI, .scope = RT_SCOPE_UNIVERSE,
			     .gw = dpt_ip("203.0.113.254"), .port = DP_NO_PORT };
	struct route bh = { .dst = dpt_ip("192.0.2.0"), .plen = 24, .type = RTN_BLACKHOLE,
			    .protocol = SLUICE_RTPROT_CLI, .scope = RT_SCOPE_UNIVERSE,
			    .port = DP_NO_PORT };

	dpt_port(FZ_LAN, "lan", FZ_LAN_MAC, 1500);
	dpt_port(FZ_WAN, "wan", FZ_WAN_MAC, 1500);
	FZ_CHECK(addr_add(FZ_LAN, dpt_ip("10.0.0.1"), 24) == 0, "lan address");
	FZ_CHECK(addr_add(FZ_WAN, dpt_ip("203.0.113.1"), 24) == 0, "wan address");
	FZ_CHECK(route_add(&via, 0) == 0, "gateway route");
	FZ_CHECK(route_add(&bh, 0) == 0, "blackhole route");
	fz_neigh(FZ_LAN, "10.0.0.2", FZ_HOST_MAC);
	fz_neigh(FZ_WAN, "203.0.113.254", FZ_GW_MAC);
	route_sync();
	fz_setup6();
	fz_drain(w);		/* gratuitous ARPs, unsolicited NAs */
}

static int
fz_lsan_root(const struct rte_memseg_list *msl, void *arg)
{
	(void)arg;
	if (msl->base_va != NULL && msl->len > 0)
		__lsan_register_root_region(msl->base_va, msl->len);
	return 0;
}

/* dpt_init with 1 GB: NAT table resizes hold the old and the new table at
 * once, and the control fuzzer asks for large ones; with the unit tests'
 * 256 MB a resize, or putting the default back, fails with ENOMEM. */
static inline void
fz_eal(const char *name)
{
	char prefix[64];
	char *argv[] = { "fuzz", "-l", "0", "--no-huge", "-m", "1024", "--no-shconf",
			 "--no-pci", "--no-telemetry", "--log-level", "lib.*:error",
			 prefix, NULL };

	snprintf(prefix, sizeof(prefix), "--file-prefix=sluice-%s-%d", name, getpid());
	FZ_CHECK(rte_eal_init(RTE_DIM(argv) - 1, argv) >= 0, "%s: EAL init", name);
	atexit(dp_runtime_dir_remove);
	FZ_CHECK(dp_init(8192, 1) == 0 && route_init(1 << 16) == 0 && route6_init(1 << 12) == 0 &&
		 neigh_init() == 0 && nat_init() == 0 && frag6_init() == 0, "%s: dp init", name);
}

static inline void
fz_init(const char *name)
{
	fz_eal(name);
	rte_memseg_list_walk(fz_lsan_root, NULL);
	nat_conf_get(&fz_natconf0);
	fz_clk = fz_clk0 = nat_now;
	nat_timer(fz_clk);
}

#endif
