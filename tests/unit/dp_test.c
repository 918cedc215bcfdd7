/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_pause.h>
#include <rte_ring.h>
#include <rte_udp.h>
#include <rte_icmp.h>

#include "dp_test.h"
#include "frag6.h"
#include "nat.h"
#include "addr6.h"
#include "nd.h"
#include "neigh.h"
#include "route.h"
#include "route6.h"

void
dpt_init(const char *name)
{
	char prefix[64];
	char *argv[] = { "unit", "-l", "0", "--no-huge", "-m", "512", "--no-shconf",
			 "--no-pci", "--no-telemetry", "--log-level", "lib.*:error",
			 prefix, NULL };

	snprintf(prefix, sizeof(prefix), "--file-prefix=sluice-%s-%d", name, getpid());
	if (rte_eal_init(RTE_DIM(argv) - 1, argv) < 0) {
		fprintf(stderr, "%s: EAL init failed\n", name);
		exit(1);
	}
	atexit(dp_runtime_dir_remove);
	if (dp_init(8192, 1) < 0 || route_init(1 << 16) < 0 || route6_init(1 << 14) < 0 ||
	    neigh_init() < 0 ||
	    nat_init() < 0 || frag6_init() < 0) {
		fprintf(stderr, "%s: dp init failed\n", name);
		exit(1);
	}
}

void
dpt_port(uint16_t slot, const char *name, const char *mac, uint16_t mtu)
{
	struct port *p = &ports[slot];

	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->devargs, sizeof(p->devargs), "test_%s", name);
	p->mac = dpt_mac(mac);
	p->mtu = mtu;
	p->eth_port = UINT16_MAX;
	p->used = true;
	p->up = true;
	p->active = true;
}

void
dpt_port_remove(uint16_t slot)
{
	const struct addr_table *t = addrs_get();

	for (int i = t->n - 1; i >= 0; i--) {
		t = addrs_get();
		if (i < t->n && t->a[i].port == slot)
			addr_del(slot, t->a[i].ip, t->a[i].plen);
	}
	ip6_port_down(slot);
	route_flush_port(slot);
	neigh_flush_port_all(slot);
	nat_flush_port(slot);
	memset(&ports[slot], 0, sizeof(ports[slot]));
}

static void
drain_sent(void)
{
	struct rte_mbuf *p[8];
	unsigned int n;

	while ((n = dpt_sent(p, 8)) > 0)	/* gratuitous ARP */
		rte_pktmbuf_free_bulk(p, n);
}

static int
fixture_port(uint16_t slot, const char *name, const char *mac, const char *ip,
	     const char *nb_ip, const char *nb_mac)
{
	struct rte_ether_addr nb = dpt_mac(nb_mac);

	dpt_port(slot, name, mac, 1500);
	if (addr_add(slot, dpt_ip(ip), 24) != 0 ||
	    neigh_add(slot, dpt_ip(nb_ip), &nb, true, 0) != 0)
		return -1;
	return 0;
}

int
dpt_one_port(struct wctx *w)
{
	wctx_init(w, 0);
	if (fixture_port(0, "lan", DPT_LAN_MAC, "10.0.0.1", "10.0.0.2", DPT_HOST_MAC) != 0)
		return -1;
	drain_sent();
	return 0;
}

int
dpt_two_ports(struct wctx *w)
{
	if (dpt_one_port(w) != 0 ||
	    fixture_port(1, "wan", DPT_WAN_MAC, "192.0.2.1", "192.0.2.254", DPT_GW_MAC) != 0)
		return -1;
	drain_sent();
	return 0;
}

uint32_t
dpt_ip(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1) {
		fprintf(stderr, "bad address in test: %s\n", s);
		abort();
	}
	return ntohl(a.s_addr);
}

struct rte_ether_addr
dpt_mac(const char *s)
{
	struct rte_ether_addr m;

	if (rte_ether_unformat_addr(s, &m) != 0) {
		fprintf(stderr, "bad MAC in test: %s\n", s);
		abort();
	}
	return m;
}

uint16_t
dpt_cksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

struct rte_mbuf *
dpt_ipv4(const char *dst_mac, const char *src_mac, const char *src, const char *dst,
	 uint8_t proto, uint8_t ttl, const void *payload, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp.pool);
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip;
	uint16_t total = sizeof(*eth) + sizeof(*ip) + len;

	if (m == NULL)
		abort();
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, total);
	if (eth == NULL)
		abort();
	eth->dst_addr = dpt_mac(dst_mac);
	eth->src_addr = dpt_mac(src_mac);
	eth->ether_type = htons(RTE_ETHER_TYPE_IPV4);
	ip = (struct rte_ipv4_hdr *)(eth + 1);
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = htons(sizeof(*ip) + len);
	ip->packet_id = htons(0x1234);
	ip->time_to_live = ttl;
	ip->next_proto_id = proto;
	ip->src_addr = htonl(dpt_ip(src));
	ip->dst_addr = htonl(dpt_ip(dst));
	ip->hdr_checksum = dpt_cksum(ip, sizeof(*ip));
	if (len)
		memcpy(ip + 1, payload, len);
	return m;
}

struct rte_mbuf *
dpt_udp(const char *dst_mac, const char *src_mac, const char *src, const char *dst,
	uint16_t sport, uint16_t dport, uint16_t len)
{
	uint8_t buf[2048];
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)buf;
	struct rte_mbuf *m;
	struct rte_ipv4_hdr *ip;

	udp->src_port = htons(sport);
	udp->dst_port = htons(dport);
	udp->dgram_len = htons(sizeof(*udp) + len);
	udp->dgram_cksum = 0;
	for (uint16_t i = 0; i < len; i++)
		buf[sizeof(*udp) + i] = (uint8_t)i;
	m = dpt_ipv4(dst_mac, src_mac, src, dst, IPPROTO_UDP, 64, buf, sizeof(*udp) + len);
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, sizeof(struct rte_ether_hdr));
	udp = (struct rte_udp_hdr *)(ip + 1);
	udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
	return m;
}

struct rte_mbuf *
dpt_echo(const char *dst_mac, const char *src_mac, const char *src, const char *dst,
	 uint16_t id, uint16_t seq, uint16_t len)
{
	uint8_t buf[2048];
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)buf;

	icmp->icmp_type = RTE_IP_ICMP_ECHO_REQUEST;
	icmp->icmp_code = 0;
	icmp->icmp_cksum = 0;
	icmp->icmp_ident = htons(id);
	icmp->icmp_seq_nb = htons(seq);
	for (uint16_t i = 0; i < len; i++)
		buf[sizeof(*icmp) + i] = (uint8_t)(0xa0 + i);
	icmp->icmp_cksum = dpt_cksum(buf, sizeof(*icmp) + len);
	return dpt_ipv4(dst_mac, src_mac, src, dst, IPPROTO_ICMP, 64, buf, sizeof(*icmp) + len);
}

struct rte_ipv4_hdr *
dpt_frame_ip(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, sizeof(struct rte_ether_hdr));
}

void
dpt_fix_cksum(struct rte_ipv4_hdr *ip)
{
	ip->hdr_checksum = 0;
	ip->hdr_checksum = dpt_cksum(ip, rte_ipv4_hdr_len(ip));
}

struct rte_mbuf *
dpt_ip_options_bytes(struct rte_mbuf *f, const uint8_t *opt, uint8_t n)
{
	uint16_t flen = rte_pktmbuf_pkt_len(f);
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(f, n);
	struct rte_ipv4_hdr *ip;

	if (p == NULL || n % 4 != 0 || n > 40)
		return NULL;
	p = rte_pktmbuf_mtod(f, uint8_t *);
	memmove(p + 14 + 20 + n, p + 14 + 20, flen - 14 - 20);
	memcpy(p + 14 + 20, opt, n);
	ip = dpt_frame_ip(f);
	ip->version_ihl = (uint8_t)(0x45 + n / 4);
	ip->total_length = htons(ntohs(ip->total_length) + n);
	dpt_fix_cksum(ip);
	return f;
}

struct rte_mbuf *
dpt_ip_options(struct rte_mbuf *f)
{
	static const uint8_t nops[4] = { 1, 1, 1, 1 };

	return dpt_ip_options_bytes(f, nops, sizeof(nops));
}

void
dpt_input1(struct wctx *w, struct rte_mbuf *m)
{
	worker_input(w, 0, &m, 1);
}

unsigned int
dpt_queued(const struct wctx *w)
{
	unsigned int n = 0;

	for (int i = 0; i < DP_MAX_PORTS; i++)
		n += w->tx[i].n;
	return n;
}

void
dpt_route(bool add, const char *dst, uint8_t plen, const char *gw, uint8_t type)
{
	struct route r = { .dst = dpt_ip(dst), .plen = plen, .type = type,
			   .protocol = SLUICE_RTPROT_CLI, .scope = RT_SCOPE_UNIVERSE,
			   .gw = gw && gw[0] ? dpt_ip(gw) : 0, .port = DP_NO_PORT };
	struct route_match any = { 0 };

	if (add)
		assert_int_equal(route_add(&r, 0), 0);
	else
		assert_int_equal(route_del(&r, &any), 0);
}

uint64_t
dpt_drops(enum drop_reason why)
{
	return dp_drop_total(why);
}

struct rte_mbuf *
dpt_fragment(const struct rte_ipv4_hdr *ip, const char *dst_mac, const char *src_mac,
	     uint16_t off, uint16_t len, bool more)
{
	struct rte_mbuf *m = dpt_ipv4(dst_mac, src_mac, "0.0.0.0", "0.0.0.0", ip->next_proto_id,
				      64, (const uint8_t *)(ip + 1) + off, len);
	struct rte_ipv4_hdr *f = dpt_frame_ip(m);

	f->src_addr = ip->src_addr;
	f->dst_addr = ip->dst_addr;
	f->packet_id = ip->packet_id;
	f->fragment_offset = htons((uint16_t)(off / 8) | (more ? RTE_IPV4_HDR_MF_FLAG : 0));
	f->hdr_checksum = 0;
	f->hdr_checksum = dpt_cksum(f, 20);
	return m;
}

uint64_t
dpt_nat_counter(const char *name)
{
	const char *names[32];
	uint64_t values[32];
	unsigned int n = nat_counters(names, values, 32);

	for (unsigned int i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return values[i];
	fail_msg("no NAT counter %s", name);
	return 0;
}

void
dpt_tx_take(struct wctx *w, void (*seen)(uint16_t port, struct rte_mbuf *m, void *arg),
	    void *arg)
{
	for (uint16_t p = 0; p < DP_MAX_PORTS; p++) {
		struct txbuf *t = &w->tx[p];

		for (uint16_t i = 0; seen != NULL && i < t->n; i++)
			seen(p, t->m[i], arg);
		rte_pktmbuf_free_bulk(t->m, t->n);
		tx_buf_reset(t);
	}
}

void
dpt_tx_clear(struct wctx *w)
{
	dpt_tx_take(w, NULL, NULL);
}

void
dpt_tx_bytes_check(const struct wctx *w)
{
	for (int p = 0; p < DP_MAX_PORTS; p++) {
		uint64_t bytes = 0;

		for (unsigned int i = 0; i < w->tx[p].n; i++)
			bytes += rte_pktmbuf_pkt_len(w->tx[p].m[i]);
		assert_int_equal(w->tx[p].bytes, bytes);
	}
}

unsigned int
dpt_sent(struct rte_mbuf **out, unsigned int max)
{
	return rte_ring_dequeue_burst(dp.workers[0].tx_ring, (void **)out, max, NULL);
}

unsigned int
dpt_punted(struct rte_mbuf **out, unsigned int max)
{
	return rte_ring_dequeue_burst(dp.punt, (void **)out, max, NULL);
}

unsigned int
dpt_mbufs_in_use(void)
{
	return rte_mempool_in_use_count(dp.pool);
}

void
dpt_done(struct wctx *w)
{
	struct rte_mbuf *p[8];
	unsigned int n;

	dpt_tx_clear(w);
	while ((n = dpt_punted(p, 8)) > 0)
		rte_pktmbuf_free_bulk(p, n);
	while ((n = dpt_sent(p, 8)) > 0)
		rte_pktmbuf_free_bulk(p, n);
	assert_int_equal(dpt_mbufs_in_use(), 0);
}

void
dpt_drain(void)
{
	struct rte_mbuf *p[64];
	unsigned int n;

	while ((n = dpt_punted(p, 64)) > 0)
		rte_pktmbuf_free_bulk(p, n);
	while ((n = dpt_sent(p, 64)) > 0)
		rte_pktmbuf_free_bulk(p, n);
}

int
dpt_worker_thread_begin(void)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned int lcore;
	cpu_set_t cpus;

	CPU_ZERO(&cpus);
	for (long c = 0; c < CPU_SETSIZE && c < ncpu; c++)
		CPU_SET(c, &cpus);
	if (CPU_COUNT(&cpus) > 1)
		CPU_CLR(sched_getcpu(), &cpus);
	pthread_setaffinity_np(pthread_self(), sizeof(cpus), &cpus);
	if (rte_thread_register() != 0)
		return -1;
	lcore = rte_lcore_id();
	rte_rcu_qsbr_thread_register(dp.qsbr, lcore);
	rte_rcu_qsbr_thread_online(dp.qsbr, lcore);
	return (int)lcore;
}

void
dpt_worker_thread_end(unsigned int lcore)
{
	rte_rcu_qsbr_thread_offline(dp.qsbr, lcore);
	rte_rcu_qsbr_thread_unregister(dp.qsbr, lcore);
	rte_thread_unregister();
}

static void
fwd_keep(struct dpt_fwd_bad *b, const struct dpt_fwd *f, uint16_t port,
	 const struct rte_mbuf *m)
{
	b->loop = f->loops;
	b->step = f->step;
	b->port = port;
	b->len = (uint16_t)rte_pktmbuf_pkt_len(m);
	memcpy(b->bytes, rte_pktmbuf_mtod(m, const uint8_t *),
	       RTE_MIN(sizeof(b->bytes), (size_t)rte_pktmbuf_data_len(m)));
}

/* One frame a worker of the forwarding test sent, sorted by the next hop
 * it went to (port 1, from the WAN MAC, passing the test's check). */
static void
fwd_sort(uint16_t p, struct rte_mbuf *m, void *arg)
{
	struct dpt_fwd *f = arg;
	const struct rte_ether_addr wan = dpt_mac(DPT_WAN_MAC);
	const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	int k = 0;

	if (p == 1 && rte_is_same_ether_addr(&eh->src_addr, &wan) &&
	    (f->check == NULL || f->check(m)))
		while (k < DPT_FWD_MACS && !rte_is_same_ether_addr(&eh->dst_addr, &f->macs[k]))
			k++;
	else
		k = DPT_FWD_MACS;
	if (k < DPT_FWD_MACS) {
		f->sent[k]++;
	} else {
		if (f->wrong < DPT_FWD_BAD)
			fwd_keep(&f->bad[f->wrong], f, p, m);
		f->wrong++;
	}
}

static void *
fwd_thread(void *arg)
{
	struct dpt_fwd *f = arg;
	struct rte_mbuf *pkts[DPT_FWD_BURST];
	struct wctx w;
	int lcore;

	if ((lcore = dpt_worker_thread_begin()) < 0)
		return NULL;
	wctx_init(&w, 0);
	f->registered = true;
	while (!f->stop) {
		for (unsigned int n = 0; n < DPT_FWD_BURST; n++)
			pkts[n] = f->frame(n, f->loops);
		worker_input(&w, 0, pkts, DPT_FWD_BURST);
		dpt_tx_take(&w, fwd_sort, f);
		f->loops++;
		rte_rcu_qsbr_quiescent(dp.qsbr, lcore);
	}
	dpt_worker_thread_end((unsigned int)lcore);
	return NULL;
}

int
dpt_fwd_start(struct dpt_fwd *f)
{
	if (pthread_create(&f->th, NULL, fwd_thread, f) != 0)
		return -1;
	while (!f->registered)
		rte_pause();
	return 0;
}

void
dpt_fwd_wait(struct dpt_fwd *f, unsigned int n)
{
	uint64_t until = f->loops + n, end = rte_get_tsc_cycles() + rte_get_tsc_hz() / 10;

	while (f->loops < until && rte_get_tsc_cycles() < end)
		rte_pause();
}

void
dpt_fwd_stop(struct dpt_fwd *f)
{
	f->stop = true;
	pthread_join(f->th, NULL);
	print_message("%lu bursts: %lu frames to MAC 0, %lu to 1, %lu to 2, %lu wrong\n",
		      (unsigned long)f->loops, (unsigned long)f->sent[0],
		      (unsigned long)f->sent[1], (unsigned long)f->sent[2],
		      (unsigned long)f->wrong);
	for (uint64_t i = 0; i < f->wrong && i < DPT_FWD_BAD; i++) {
		const struct dpt_fwd_bad *b = &f->bad[i];
		char hex[3 * sizeof(b->bytes) + 1] = "";

		for (size_t j = 0; j < sizeof(b->bytes) && j < b->len; j++)
			snprintf(hex + 3 * j, 4, "%02x ", b->bytes[j]);
		print_message("wrong: burst %lu, step %u, port %u, %u bytes: %s\n",
			      (unsigned long)b->loop, b->step, b->port, b->len, hex);
	}
}
