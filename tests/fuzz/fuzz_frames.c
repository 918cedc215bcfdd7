/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer: frames through the whole worker pipeline (worker_input) and
 * the control lcore's slow path (arp_input, nd_input, neigh_resolve), with
 * IPv6 on and NAT on:
 * masquerade of the LAN out of wan, snat of 10.0.1.0/24 to the pool
 * 203.0.113.10-11 (proxy ARP), dnat of wan TCP 8080 and UDP 5353 to the
 * LAN host; a session table of 64.  Topology in fuzz_dp.h.
 *
 * An input is a list of records, so that one input can make a session and
 * then answer it, or fragment a datagram:
 *   0xf0..0xff S       the clocks advance S << (op & 7) seconds (NAT
 *                      expiry, neighbour ageing and retries)
 *   op LH LL frame     a frame of (LH << 8 | LL) bytes (at most what is
 *                      left) received on lan (op even) or wan (op odd),
 *                      with NAT off for it when op & 2 (the worker's
 *                      one pass then routes what it passes without NAT,
 *                      ip4_forward_plain; with NAT on, ip4_forward_nat)
 *
 * Every frame that leaves (worker tx buffers, control lcore sends) must be
 * a sane mbuf going to a live port and, when IPv4, carry a header that
 * verifies; after the input, once its state is torn down, every mbuf is
 * back in the pool.
 */
#include <string.h>

#include <rte_cycles.h>

#include "arp.h"
#include "fuzz_dp.h"
#include "nd.h"
#include "resolve.h"

static struct wctx w;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
rules(void)
{
	struct nat_rule_spec masq = { .kind = SLUICE_NAT_MASQUERADE, .port = FZ_WAN,
				      .has_src = true, .src = dpt_ip("10.0.0.0"), .src_len = 24 };
	struct nat_rule_spec pool = { .kind = SLUICE_NAT_SNAT, .port = FZ_WAN,
				      .has_src = true, .src = dpt_ip("10.0.1.0"), .src_len = 24,
				      .addr_min = dpt_ip("203.0.113.10"),
				      .addr_max = dpt_ip("203.0.113.11") };
	struct nat_rule_spec tcp = { .kind = SLUICE_NAT_DNAT, .port = FZ_WAN,
				     .proto = IPPROTO_TCP, .dport_min = 8080, .dport_max = 8080,
				     .addr_min = dpt_ip("10.0.0.2"), .port_min = 80,
				     .port_max = 80 };
	struct nat_rule_spec udp = { .kind = SLUICE_NAT_DNAT, .port = FZ_WAN,
				     .proto = IPPROTO_UDP, .dport_min = 5353, .dport_max = 5360,
				     .addr_min = dpt_ip("10.0.0.2") };

	FZ_CHECK(nat_rule_add(&masq) == 0, "masquerade rule");
	FZ_CHECK(nat_rule_add(&pool) == 0, "snat pool rule");
	FZ_CHECK(nat_rule_add(&tcp) == 0, "dnat tcp rule");
	FZ_CHECK(nat_rule_add(&udp) == 0, "dnat udp rule");
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* A small session table: table-full is reachable, flushing is cheap. */
	struct nat_conf small = { .max_sessions = 64 };

	fz_init("fuzzframes");
	FZ_CHECK(nat_conf_set(&small) == 0, "max_sessions 64");
	wctx_init(&w, 0);
	fz_setup(&w);
	rules();
	return 0;
}

/* A frame on its way out to port. */
static void
check_out(struct rte_mbuf *m, uint16_t port, const char *who)
{
	const char *why = NULL;
	const struct rte_ether_hdr *eth;

	FZ_CHECK(rte_mbuf_check(m, 1, &why) == 0, "%s: bad mbuf: %s", who, why);
	FZ_CHECK(port < DP_MAX_PORTS && ports[port].used, "%s: frame for port %u", who, port);
	FZ_CHECK(m->pkt_len >= sizeof(*eth), "%s: runt frame of %u bytes", who, m->pkt_len);
	FZ_CHECK(m->pkt_len <= (uint32_t)ports[port].mtu + 14u + 4u,
		 "%s: frame of %u bytes on a port of MTU %u", who, m->pkt_len, ports[port].mtu);
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4)) {
		const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(eth + 1);
		uint16_t hl;

		FZ_CHECK(m->data_len >= sizeof(*eth) + sizeof(*ip), "%s: IPv4 header not in "
			 "the first segment", who);
		hl = rte_ipv4_hdr_len(ip);
		FZ_CHECK((ip->version_ihl >> 4) == 4 && hl >= 20 &&
			 m->data_len >= sizeof(*eth) + hl, "%s: bad IPv4 header", who);
		FZ_CHECK(dpt_cksum(ip, hl) == 0, "%s: IPv4 header checksum", who);
		FZ_CHECK(rte_be_to_cpu_16(ip->total_length) + sizeof(*eth) <= m->pkt_len,
			 "%s: total length %u in a frame of %u", who,
			 rte_be_to_cpu_16(ip->total_length), m->pkt_len);
		FZ_CHECK(ip->time_to_live != 0, "%s: TTL 0 sent", who);
	} else if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6)) {
		const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)(eth + 1);

		FZ_CHECK(m->data_len >= sizeof(*eth) + sizeof(*ip), "%s: IPv6 header not in "
			 "the first segment", who);
		FZ_CHECK((rte_be_to_cpu_32(ip->vtc_flow) >> 28) == 6, "%s: IPv6 version", who);
		FZ_CHECK(rte_be_to_cpu_16(ip->payload_len) + sizeof(*ip) + sizeof(*eth) ==
			 m->pkt_len, "%s: payload length %u in a frame of %u", who,
			 rte_be_to_cpu_16(ip->payload_len), m->pkt_len);
		FZ_CHECK(ip->hop_limits != 0, "%s: hop limit 0 sent", who);
		FZ_CHECK(!ip6_martian(ip->src_addr) && !ip6_multicast(ip->src_addr),
			 "%s: IPv6 source a martian", who);
	}
}

/* What the worker queued and what the control lcore sent: checked, freed. */
static void
drain_out(void)
{
	struct rte_mbuf *p[64];
	unsigned int n;

	for (uint16_t port = 0; port < DP_MAX_PORTS; port++)
		for (uint16_t i = 0; i < w.tx[port].n; i++)
			check_out(w.tx[port].m[i], port, "worker");
	dpt_tx_clear(&w);
	while ((n = dpt_sent(p, RTE_DIM(p))) > 0) {
		for (unsigned int i = 0; i < n; i++) {
			FZ_CHECK(pkt_meta(p[i])->kind == PKT_TX, "sent kind %u",
				 pkt_meta(p[i])->kind);
			check_out(p[i], pkt_meta(p[i])->out_port, "control");
		}
		rte_pktmbuf_free_bulk(p, n);
	}
}

/* The control lcore's share: what the worker punted. */
static void
slow_path(void)
{
	struct rte_mbuf *p[64];
	unsigned int n;

	while ((n = dpt_punted(p, RTE_DIM(p))) > 0) {
		for (unsigned int i = 0; i < n; i++) {
			switch (pkt_meta(p[i])->kind) {
			case PKT_ARP:
				arp_input(p[i]);
				break;
			case PKT_RESOLVE:
			case PKT_RESOLVE6:
				neigh_resolve(p[i]);
				break;
			case PKT_ND:
				nd_input(p[i]);
				break;
			default:
				FZ_CHECK(false, "punted kind %u", pkt_meta(p[i])->kind);
			}
		}
	}
}

static void
tick(uint64_t seconds)
{
	struct nat_conf c;

	nat_conf_get(&c);
	fz_clk += seconds * dp.hz;
	for (uint32_t i = 0; i < c.max_sessions / 1024 + 2; i++)
		nat_timer(fz_clk);
	neigh_timer(rte_get_tsc_cycles() + seconds * dp.hz);
	/* ICMP errors about held packets that timed out. */
	drain_out();
}

static void
frame(uint16_t port, const uint8_t *data, size_t len, bool nat)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp.pool);
	char *p;

	FZ_CHECK(m != NULL, "pool empty");
	if (len > rte_pktmbuf_tailroom(m))
		len = rte_pktmbuf_tailroom(m);
	p = rte_pktmbuf_append(m, (uint16_t)len);
	FZ_CHECK(p != NULL, "append %zu", len);
	memcpy(p, data, len);
	m->port = port;
	nat_enabled = nat;
	worker_input(&w, port, &m, 1);
	nat_enabled = true;
	drain_out();
	slow_path();
	drain_out();
}

/* FZ_HISTORY=DIR keeps the last 4096 inputs as DIR/NNNN (by run number
 * modulo 4096), to replay a failure that depends on what came before. */
static void
history(const uint8_t *data, size_t size)
{
	static const char *dir;
	static unsigned long run;
	char path[4096];
	FILE *f;

	if (run == 0)
		dir = getenv("FZ_HISTORY");
	if (dir == NULL)
		return;
	snprintf(path, sizeof(path), "%s/%04lu", dir, run++ % 4096);
	f = fopen(path, "w");
	if (f != NULL) {
		fwrite(data, 1, size, f);
		fclose(f);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0;

	history(data, size);
	while (off < size) {
		uint8_t op = data[off++];

		if (op >= 0xf0) {
			if (off < size)
				tick((uint64_t)data[off++] << (op & 7));
			continue;
		}
		if (size - off < 2)
			break;
		size_t len = (size_t)data[off] << 8 | data[off + 1];

		off += 2;
		if (len > size - off)
			len = size - off;
		frame(op & 1, data + off, len, !(op & 2));
		off += len;
	}
	/* Routes, rules and ports are the same for every input: only what
	 * traffic made goes. */
	fz_flows_reset(&w);
	return 0;
}
