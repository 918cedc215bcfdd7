/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nat-micro: the NAT's cost per packet without devices.  A tiny EAL (no
 * hugepages unless NAT_MICRO_HUGE=1), two ports without devices (lan 10.0.0.1/8, wan
 * 192.0.2.1/24, default route via 192.0.2.254, static neighbour), and
 * 64-byte UDP frames from FLOWS inside endpoints built in memory, fed to
 * worker_input() a burst of 32 at a time, as a worker would after its rx
 * burst; what it leaves in the tx buffers is freed untimed.
 *
 *   nat-micro MODE FLOWS [ROUNDS [PACKETS]]
 *     fwd     no NAT rule: plain forwarding of the same frames
 *     masq    masquerade on wan
 *     snat32  snat to a pool of 32 addresses (203.0.113.32/27)
 *     fwd6    IPv6 forwarding of bench/forward6's frames (64 bytes, UDP
 *             2001:db8:100::/64 -> 2001:200:0:1::i, via a static
 *             neighbour on wan's 2001:db8:2::/64)
 *
 * Prints the time per new flow (a pass that makes every session, after a
 * flush; the median of several), then the time per packet over the
 * established flows in a shuffled order, forwarding alone (the hooks
 * switched off) and with the NAT, alternately for ROUNDS rounds (default
 * 9) of about PACKETS (1M) packets each: medians, and the median of the
 * rounds' ratios.  Times are the thread's CPU time around the bursts (the
 * freeing of what they sent included), so that other processes of a
 * shared machine taking the core do not count; their cache misses still
 * do.  Then the NAT table's memory per session (rte_malloc heap with the
 * table, less with the smallest table).  After the setup it prints the
 * flows keys and the share of them in their first bucket (a lookup's
 * one line; the others wait for a second).
 *
 * NAT_MICRO_ORDER=made: the established flows in the order their
 * sessions were made (bench/nat-established's pcap replays them so)
 * instead of shuffled.
 *
 * NAT_MICRO_MAX=N sets max-sessions (default: FLOWS, a table as full as
 * it is sized for), e.g. 262144 as bench/nat-established has for 1 000 and 60 000
 * flows.
 *
 * Flow i: UDP 10.1.h/8 (h = i % hosts) port 1024 + i / hosts -> 198.51.100.
 * (i % 200 + 1) port 53, hosts = 1 for masq up to 60000 flows (ports stay
 * what they are), 4096 otherwise (a pool address per inside host).
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_random.h>
#include <rte_udp.h>

#include "addr6.h"
#include "dp.h"
#include "nat.h"
#include "nd.h"
#include "neigh.h"
#include "port.h"
#include "route.h"
#include "route6.h"
#include "worker.h"

#define FRAME	60
#define FRAME6	64	/* the smallest IPv6 UDP frame is 62 bytes */
#define LAN_MAC	{ { 0x02, 0, 0, 0, 0, 0x01 } }
#define WAN_MAC	{ { 0x02, 0, 0, 0, 1, 0x01 } }
#define GW_MAC	{ { 0x02, 0, 0, 0, 1, 0xfe } }
#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

#define ROUNDS_MAX 64

static struct wctx w;
static uint32_t frame_len = FRAME;
static uint64_t sent;

static void
die(const char *what)
{
	fprintf(stderr, "nat-micro: %s\n", what);
	exit(1);
}

static void
port_setup(uint16_t slot, const char *name, struct rte_ether_addr mac)
{
	struct port *p = &ports[slot];

	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->devargs, sizeof(p->devargs), "bench_%s", name);
	p->mac = mac;
	p->mtu = 1500;
	p->eth_port = UINT16_MAX;
	p->used = true;
	p->up = true;
	p->active = true;
}

static uint16_t
sum16(const void *data, size_t len)
{
	const uint8_t *b = data;
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)b[i] << 8 | b[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return htons((uint16_t)~s);
}

/* Frame of flow i into buf (FRAME bytes). */
static void
frame(uint8_t *buf, uint32_t i, uint32_t hosts)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)buf;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
	uint32_t h = i % hosts;

	memset(buf, 0, FRAME);
	eth->dst_addr = (struct rte_ether_addr)LAN_MAC;
	eth->src_addr = (struct rte_ether_addr){ { 0x02, 0, 0, 0, 0, 0x77 } };
	eth->ether_type = htons(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = htons(FRAME - sizeof(*eth));
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = htonl(IP(10, 1, 0, 0) + h + 1);
	ip->dst_addr = htonl(IP(198, 51, 100, 1 + i % 200));
	ip->hdr_checksum = sum16(ip, sizeof(*ip));
	udp->src_port = htons((uint16_t)(1024 + i / hosts));
	udp->dst_port = htons(53);
	udp->dgram_len = htons(FRAME - sizeof(*eth) - sizeof(*ip));
	udp->dgram_cksum = 0;
}

/* bench/forward6's frame of flow i into buf (FRAME6 bytes); UDP checksum
 * left 0: nothing on the forwarding path reads it. */
static void
frame6(uint8_t *buf, uint32_t i)
{
	static const uint8_t dpfx[8] = { 0x20, 0x01, 0x02, 0x00, 0, 0, 0, 0x01 };
	static const uint8_t spfx[8] = { 0x20, 0x01, 0x0d, 0xb8, 0x01, 0, 0, 0 };
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)buf;
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eth + 1);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
	uint64_t id = rte_cpu_to_be_64(i + 1), sid = rte_cpu_to_be_64((i >> 8) + 1);

	memset(buf, 0, FRAME6);
	eth->dst_addr = (struct rte_ether_addr)LAN_MAC;
	eth->src_addr = (struct rte_ether_addr){ { 0x02, 0, 0, 0, 0, 0x77 } };
	eth->ether_type = htons(RTE_ETHER_TYPE_IPV6);
	ip->vtc_flow = htonl(6u << 28);
	ip->payload_len = htons(FRAME6 - sizeof(*eth) - sizeof(*ip));
	ip->proto = IPPROTO_UDP;
	ip->hop_limits = 64;
	memcpy(ip->src_addr, spfx, 8);
	memcpy(ip->src_addr + 8, &sid, 8);
	memcpy(ip->dst_addr, dpfx, 8);
	memcpy(ip->dst_addr + 8, &id, 8);
	udp->src_port = htons((uint16_t)(1024 + (i * 7919) % 64000));
	udp->dst_port = htons(9);
	udp->dgram_len = ip->payload_len;
}

/* IPv6 on both ports as bench/forward6 sets it up. */
static void
setup6(void)
{
	struct rte_ether_addr gw = GW_MAC;
	struct route6 r = { .plen = 64, .type = RTN_UNICAST, .protocol = SLUICE_RTPROT_CLI,
			    .scope = RT_SCOPE_UNIVERSE, .port = DP_NO_PORT };
	uint8_t a[16];

	if (route6_init(1 << 14) < 0 || ip6_port_up(0) != 0 || ip6_port_up(1) != 0)
		die("IPv6 init failed");
	inet_pton(AF_INET6, "2001:db8:1::1", a);
	if (addr6_add(0, a, 64) != 0)
		die("IPv6 address");
	inet_pton(AF_INET6, "2001:db8:2::1", a);
	if (addr6_add(1, a, 64) != 0)
		die("IPv6 address");
	inet_pton(AF_INET6, "2001:db8:2::2", r.gw);
	inet_pton(AF_INET6, "2001:200:0:1::", r.dst);
	if (neigh6_add(1, r.gw, &gw, true, 0) != 0 || route6_add(&r, 0) != 0)
		die("IPv6 route");
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(const double *v, uint32_t n)
{
	double s[ROUNDS_MAX];

	memcpy(s, v, sizeof(*v) * n);
	qsort(s, n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/* worker_input under three names, so that a profile (valgrind
 * --tool=callgrind) tells the phases apart. */
static __rte_noinline void
in_setup(struct rte_mbuf **m, uint16_t k)
{
	worker_input(&w, 0, m, k);
}

static __rte_noinline void
in_fwd(struct rte_mbuf **m, uint16_t k)
{
	worker_input(&w, 0, m, k);
}

static __rte_noinline void
in_nat(struct rte_mbuf **m, uint16_t k)
{
	worker_input(&w, 0, m, k);
}

static void (*phase)(struct rte_mbuf **m, uint16_t k) = in_setup;

/* The thread's CPU time in ns: a shared machine's other processes, which
 * take the core away now and then, do not count. */
static uint64_t
cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Frames of order[0..n) through worker_input, CHUNK at a time made into
 * mbufs beforehand; the CPU time (ns) the bursts took, the freeing of
 * what they sent included (as a transmit would). */
#define CHUNK	1024
static uint64_t
pass(const uint8_t *frames, const uint32_t *order, uint32_t n)
{
	static struct rte_mbuf *m[CHUNK];
	uint64_t ns = 0;

	for (uint32_t i = 0; i < n; i += CHUNK) {
		uint32_t c = RTE_MIN((uint32_t)CHUNK, n - i);
		uint64_t t0;

		if (rte_pktmbuf_alloc_bulk(dp.pool, m, c) != 0)
			die("mbuf pool empty");
		for (uint32_t j = 0; j < c; j++)
			memcpy(rte_pktmbuf_append(m[j], frame_len),
			       frames + (size_t)order[i + j] * frame_len, frame_len);
		t0 = cpu_ns();
		for (uint32_t j = 0; j < c; j += DP_BURST) {
			phase(m + j, (uint16_t)RTE_MIN((uint32_t)DP_BURST, c - j));
			for (uint16_t p = 0; p < 2; p++) {
				sent += w.tx[p].n;
				rte_pktmbuf_free_bulk(w.tx[p].m, w.tx[p].n);
				tx_buf_reset(&w.tx[p]);
			}
		}
		ns += cpu_ns() - t0;
		/* The control lcore's part, untimed: the flows table grown
		 * once the sessions made outgrow it. */
		while (nat_flows_resize(UINT32_MAX))
			;
	}
	return ns;
}

int
main(int argc, char **argv)
{
	char prefix[64];
	char *eal[] = { "nat-micro", "-l", "0", "--no-huge", "-m", "3072", "--no-shconf",
			"--no-pci", "--no-telemetry", "--log-level", "lib.*:error", prefix, NULL };
	const char *mode;
	uint32_t flows, rounds, reps, setups, hosts, *order;
	double setup[9], per[2][ROUNDS_MAX], ratio[ROUNDS_MAX];
	bool mode_fwd, in_order;
	uint8_t *frames;
	struct rte_malloc_socket_stats ms;
	size_t heap_full;
	struct rte_ether_addr gw = GW_MAC;
	struct route r = { .plen = 0, .type = RTN_UNICAST, .protocol = SLUICE_RTPROT_CLI,
			   .scope = RT_SCOPE_UNIVERSE, .gw = IP(192, 0, 2, 254),
			   .port = DP_NO_PORT };

	if (argc < 3)
		die("usage: nat-micro fwd|fwd6|masq|snat32 FLOWS [ROUNDS [PACKETS]]");
	mode = argv[1];
	flows = (uint32_t)strtoul(argv[2], NULL, 0);
	rounds = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 0) : 0;
	if (rounds == 0 || rounds > ROUNDS_MAX)
		rounds = 9;
	reps = RTE_MAX(1u, (argc > 4 ? (uint32_t)strtoul(argv[4], NULL, 0) : 1u << 20) / flows);
	setups = flows >= 500000 ? 3 : 9;
	mode_fwd = strcmp(mode, "fwd") == 0 || strcmp(mode, "fwd6") == 0;
	if (strcmp(mode, "fwd6") == 0)
		frame_len = FRAME6;
	hosts = strcmp(mode, "masq") == 0 && flows <= 60000 ? 1 : 4096;
	in_order = getenv("NAT_MICRO_ORDER") != NULL && strcmp(getenv("NAT_MICRO_ORDER"), "made") == 0;
	snprintf(prefix, sizeof(prefix), "--file-prefix=natmicro-%d", getpid());
	/* NAT_MICRO_HUGE=1: hugepages (reserved beforehand) instead of
	 * 4 KB pages, to tell the TLB's share of the misses. */
	if (getenv("NAT_MICRO_HUGE") != NULL && strcmp(getenv("NAT_MICRO_HUGE"), "1") == 0)
		eal[3] = "--huge-unlink";
	if (rte_eal_init(RTE_DIM(eal) - 1, eal) < 0)
		die("EAL init failed");
	atexit(dp_runtime_dir_remove);
	if (dp_init(16384, 1) < 0 || route_init(1 << 16) < 0 || neigh_init() < 0 ||
	    nat_init() < 0)
		die("dataplane init failed");
	wctx_init(&w, 0);
	port_setup(0, "lan", (struct rte_ether_addr)LAN_MAC);
	port_setup(1, "wan", (struct rte_ether_addr)WAN_MAC);
	if (addr_add(0, IP(10, 0, 0, 1), 8) != 0 || addr_add(1, IP(192, 0, 2, 1), 24) != 0 ||
	    neigh_add(1, IP(192, 0, 2, 254), &gw, true, 0) != 0 || route_add(&r, 0) != 0)
		die("ports");
	if (frame_len == FRAME6)
		setup6();
	if (!mode_fwd) {
		/* NAT_MICRO_MAX: max-sessions (default: the flows), e.g.
		 * bench/nat-established's 262 144 for fewer flows, whose
		 * table is then far below full. */
		const char *mx = getenv("NAT_MICRO_MAX");
		struct nat_conf c = {
			.max_sessions = mx != NULL ? (uint32_t)strtoul(mx, NULL, 0) :
						     RTE_MAX(flows, 16u),
		};
		struct nat_rule_spec s = { .kind = SLUICE_NAT_MASQUERADE, .port = 1 };

		if (strcmp(mode, "snat32") == 0) {
			s.kind = SLUICE_NAT_SNAT;
			s.addr_min = IP(203, 0, 113, 32);
			s.addr_max = IP(203, 0, 113, 63);
			s.has_src = true;
			s.src = IP(10, 0, 0, 0);
			s.src_len = 8;
		} else if (strcmp(mode, "masq") != 0) {
			die("mode is fwd, fwd6, masq or snat32");
		}
		if (nat_conf_set(&c) != 0)
			die(dp_errmsg_get());
		if (nat_rule_add(&s) != 0)
			die(dp_errmsg_get());
	}
	/* The gratuitous ARPs the addresses sent. */
	for (void *p = NULL; rte_ring_dequeue(dp.workers[0].tx_ring, &p) == 0;)
		rte_pktmbuf_free(p);

	frames = malloc((size_t)flows * frame_len);
	order = malloc(sizeof(*order) * flows);
	if (frames == NULL || order == NULL)
		die("memory");
	for (uint32_t i = 0; i < flows; i++) {
		if (frame_len == FRAME6)
			frame6(frames + (size_t)i * FRAME6, i);
		else
			frame(frames + (size_t)i * FRAME, i, hosts);
		order[i] = i;
	}
	/* Session setup: the first pass makes every session; the table is
	 * flushed and it is done again, setups times. */
	for (uint32_t i = 0; i < setups; i++) {
		if (i > 0)
			nat_sess_flush();
		setup[i] = (double)pass(frames, order, flows) / flows;
	}
	printf("mode %s flows %u sessions %u\n", mode, flows, nat_sess_count());
	printf("setup_ns_per_flow %.1f (median of %u)\n", median(setup, setups), setups);
	printf("setup_flows_per_s %.0f\n", 1e9 / median(setup, setups));
	if (!mode_fwd) {
		uint64_t keys, first;

		nat_flows_placement(&keys, &first);
		printf("flows_keys %" PRIu64 " in_first_bucket %.1f %%\n", keys,
		       100.0 * (double)first / (double)RTE_MAX(keys, 1u));
	}
	/* Shuffled, unless NAT_MICRO_ORDER=made: then session lines are
	 * read in address order, as the bench's pcap reads them. */
	for (uint32_t i = in_order ? 0 : flows - 1; i > 0; i--) {
		uint32_t j = (uint32_t)(rte_rand() % (i + 1)), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	/* Established flows, in a shuffled order: forwarding alone (the
	 * hooks off) and with the NAT, alternately. */
	for (uint32_t r2 = 0; r2 < rounds; r2++) {
		for (int nat = 0; nat < 2; nat++) {
			uint64_t c = 0;

			if (mode_fwd && nat)
				continue;
			nat_enabled = nat && !mode_fwd;
			phase = nat_enabled ? in_nat : in_fwd;
			for (uint32_t k = 0; k < reps; k++)
				c += pass(frames, order, flows);
			per[nat][r2] = (double)c / ((double)flows * reps);
		}
		ratio[r2] = per[1][r2] / per[0][r2];
	}
	nat_enabled = !mode_fwd;
	printf("fwd_ns_per_packet %.2f (%.2f Mpps)\n", median(per[0], rounds),
	       1e3 / median(per[0], rounds));
	if (!mode_fwd)
		printf("nat_ns_per_packet %.2f (%.2f Mpps)\nnat_rate_over_fwd %.2f (median of %u rounds)\n",
		       median(per[1], rounds), 1e3 / median(per[1], rounds), 1 / median(ratio, rounds),
		       rounds);
	printf("sent %" PRIu64 " of %" PRIu64 " drops_nat %" PRIu64 "\n", sent,
	       (uint64_t)flows * (setups + (2 - mode_fwd) * rounds * reps), dp_drop_total(DROP_NAT));
	if (!mode_fwd) {
		/* The table's memory: the heap with it, and with the
		 * smallest table instead. */
		struct nat_conf c = { .max_sessions = 16 };

		rte_malloc_get_socket_stats(0, &ms);
		heap_full = ms.heap_allocsz_bytes;
		if (nat_conf_set(&c) != 0)
			die("nat conf");
		rte_malloc_get_socket_stats(0, &ms);
		printf("table_bytes %zu bytes_per_session %.1f\n", heap_full - ms.heap_allocsz_bytes,
		       (double)(heap_full - ms.heap_allocsz_bytes) / RTE_MAX(flows, 16u));
	}
	return 0;
}
