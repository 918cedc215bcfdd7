/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NAT's tables read and written at once.  Two worker threads send
 * bursts through worker_input: UDP flows of one inside host (its ports
 * 1024 + i, one per flow, so that masquerade keeps each port and the
 * right translation of flow i is known) and the remote's replies to them.
 * The workers look sessions up lock-free and make new ones (each its own
 * half of the flows), in a table kept nearly full, so that inserts
 * displace keys (cuckoo moves) under the other worker's lookups; this
 * thread, the control lcore, meanwhile expires sessions on a fake clock
 * and flushes the table.  Every frame that leaves must be flow i's packet
 * translated as flow i's: out of the WAN from 192.0.2.1:1024+i, or in to
 * 10.0.0.2:1024+i, checksums right; or an ICMP error the router made
 * (no session for a reply, or a full table).  Never another flow's
 * translation, never a torn one.
 */
#include <pthread.h>
#include <string.h>

#include <linux/rtnetlink.h>
#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_pause.h>
#include <rte_udp.h>

#include "dp_test.h"
#include "nat.h"
#include "nat_int.h"

#define FLOWS		2600	/* per worker: two together overfill the table */
#define MAX_SESS	4096
#define BURST		32
#define REMOTE		"198.51.100.1"
#define GROW_NEW	2	/* new flows an outbound burst makes, growing */

static struct wctx cw;
static volatile bool stop;
static volatile unsigned int started;

struct worker {
	unsigned int first;		/* its flows: first .. first + FLOWS - 1 */
	/* Growing: flows are made GROW_NEW a burst, in order, and only
	 * flows already made are sent (replies too), so that every frame
	 * has its session. */
	bool growing;
	unsigned int made;
	uint64_t bursts, out, in, icmp, wrong;
};

/* m's payload: tag, so that a frame names its flow; the UDP checksum
 * made. */
static struct rte_mbuf *
tagged(struct rte_mbuf *m, uint32_t tag)
{
	struct rte_ipv4_hdr *ip = dpt_frame_ip(m);
	struct rte_udp_hdr *u = (struct rte_udp_hdr *)(ip + 1);

	memcpy(u + 1, &tag, sizeof(tag));
	u->dgram_cksum = 0;
	u->dgram_cksum = rte_ipv4_udptcp_cksum(ip, u);
	return m;
}

/* Flow i's packet, or the remote's reply. */
static struct rte_mbuf *
flow_pkt(unsigned int i, bool reply)
{
	uint32_t tag = i;
	struct rte_mbuf *m;

	if (!reply)
		m = dpt_udp(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", REMOTE, (uint16_t)(1024 + i),
			    53, sizeof(tag));
	else
		m = dpt_udp(DPT_WAN_MAC, DPT_GW_MAC, REMOTE, "192.0.2.1", 53,
			    (uint16_t)(1024 + i), sizeof(tag));
	return tagged(m, tag);
}

static const struct rte_udp_hdr *
udp_of(const struct rte_ipv4_hdr *ip)
{
	return (const struct rte_udp_hdr *)(ip + 1);
}

/* The flow a UDP frame's payload names. */
static unsigned int
flow_of(const struct rte_ipv4_hdr *ip)
{
	uint32_t tag;

	memcpy(&tag, udp_of(ip) + 1, sizeof(tag));
	return tag;
}

/* The UDP checksum over the pseudo-header holds. */
static bool
udp_sum_ok(const struct rte_ipv4_hdr *ip)
{
	uint16_t len = ntohs(udp_of(ip)->dgram_len);
	uint8_t buf[64];

	if (len > sizeof(buf) - 12)
		return false;
	memcpy(buf, &ip->src_addr, 8);
	buf[8] = 0;
	buf[9] = IPPROTO_UDP;
	buf[10] = len >> 8;
	buf[11] = len & 0xff;
	memcpy(buf + 12, udp_of(ip), len);
	return dpt_cksum(buf, 12u + len) == 0;
}

static bool
udp_ok(const struct rte_ipv4_hdr *ip, uint32_t src, uint16_t sp, uint32_t dst, uint16_t dp_)
{
	const struct rte_udp_hdr *u = udp_of(ip);

	return ip->next_proto_id == IPPROTO_UDP && dpt_cksum(ip, sizeof(*ip)) == 0 &&
	       udp_sum_ok(ip) && ntohl(ip->src_addr) == src &&
	       ntohl(ip->dst_addr) == dst && ntohs(u->src_port) == sp && ntohs(u->dst_port) == dp_;
}

/* A frame the bursts left in the tx buffers, checked (dpt_tx_take frees
 * it). */
static void
check_sent(uint16_t p, struct rte_mbuf *m, void *arg)
{
	struct worker *k = arg;
	const uint32_t host = dpt_ip("10.0.0.2"), wan = dpt_ip("192.0.2.1"),
		       remote = dpt_ip(REMOTE);
	const struct rte_ipv4_hdr *ip = dpt_frame_ip(m);
	unsigned int f = flow_of(ip);

	if (ip->next_proto_id == IPPROTO_ICMP)
		k->icmp++;
	else if (f < k->first || f >= k->first + FLOWS)
		k->wrong++;
	else if (p == 1 && udp_ok(ip, wan, (uint16_t)(1024 + f), remote, 53))
		k->out++;
	else if (p == 0 && udp_ok(ip, remote, 53, host, (uint16_t)(1024 + f)))
		k->in++;
	else
		k->wrong++;
}

/* The table asked to grow and not yet growing, or the next table as
 * full as it is sized for while it fills: new flows wait, as they never
 * have to in a router whose first table (nat_flows_first) is far bigger
 * than what is made while the control lcore answers (this one is tiny,
 * and the control thread may wait for a CPU for milliseconds). */
static bool
grow_asked(void)
{
	const struct nat_tables *t = nat_tables();
	const struct nat_ht *g = __atomic_load_n(&t->grow, __ATOMIC_ACQUIRE);

	if (g == NULL)
		return __atomic_load_n(&t->grow_wanted, __ATOMIC_ACQUIRE);
	return nat_sess_count() >= __atomic_load_n(&t->grow_cap, __ATOMIC_RELAXED);
}

static void *
worker(void *arg)
{
	struct worker *k = arg;
	struct rte_mbuf *pkts[BURST];
	struct wctx w;
	uint64_t r = (uint64_t)k->first * 2654435761u + 1;
	int lcore;

	if ((lcore = dpt_worker_thread_begin()) < 0)
		return NULL;
	wctx_init(&w, 0);
	__atomic_fetch_add(&started, 1, __ATOMIC_RELEASE);
	while (!stop) {
		/* Outbound every other burst, replies between. */
		bool reply = k->bursts & 1;

		for (unsigned int n = 0; n < BURST; n++) {
			unsigned int f;

			r = r * 6364136223846793005u + 1442695040888963407u;
			if (!k->growing)
				f = (unsigned int)(r >> 33) % FLOWS;
			else if (!reply && n < GROW_NEW && k->made < FLOWS && !grow_asked())
				f = k->made++;
			else
				f = (unsigned int)(r >> 33) % RTE_MAX(k->made, 1u);
			pkts[n] = flow_pkt(k->first + f, reply);
		}
		worker_input(&w, reply ? 1 : 0, pkts, BURST);
		dpt_tx_take(&w, check_sent, k);
		k->bursts++;
		rte_rcu_qsbr_quiescent(dp.qsbr, lcore);
	}
	dpt_worker_thread_end((unsigned int)lcore);
	return NULL;
}

/* The two workers on k, once both run. */
static void
workers_start(pthread_t th[2], struct worker k[2])
{
	stop = false;
	started = 0;
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, worker, &k[i]), 0);
	while (started < 2)
		rte_pause();
}

/* Both stopped, what they left drained, their counts printed. */
static void
workers_stop(pthread_t th[2], const struct worker k[2])
{
	stop = true;
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	dpt_drain();
	for (int i = 0; i < 2; i++)
		print_message("worker %d: %lu bursts, %u flows made, %lu out, %lu in, %lu icmp, "
			      "%lu wrong\n", i, (unsigned long)k[i].bursts, k[i].made,
			      (unsigned long)k[i].out, (unsigned long)k[i].in,
			      (unsigned long)k[i].icmp, (unsigned long)k[i].wrong);
}

static void
test_lookups_while_writing(void **state)
{
	struct worker k[2] = { { .first = 0 }, { .first = FLOWS } };
	struct nat_conf c = { .max_sessions = MAX_SESS };
	struct nat_rule_spec masq = { .kind = SLUICE_NAT_MASQUERADE, .port = 1 };
	uint64_t clk = rte_get_tsc_cycles(), end, chg0;
	unsigned int steps = 0, flushes = 0;
	pthread_t th[2];

	(void)state;
	assert_int_equal(nat_conf_set(&c), 0);
	assert_int_equal(nat_rule_add(&masq), 0);
	chg0 = nat_flows(nat_tables())->chg;
	workers_start(th, k);
	end = rte_get_tsc_cycles() + 2 * rte_get_tsc_hz();
	while (rte_get_tsc_cycles() < end) {
		/* A minute of fake time a step: what no packet refreshed for
		 * the UDP timeout goes (default 300 s). */
		clk += 60 * dp.hz;
		for (unsigned int i = 0; i < MAX_SESS / 4096 + 1; i++)
			nat_timer(clk);
		if (++steps % 8 == 0) {
			nat_sess_flush();
			flushes++;
		}
		rte_delay_us_block(2000);
		dpt_drain();
	}
	workers_stop(th, k);
	print_message("%u steps, %u flushes, %u cuckoo moves\n", steps, flushes,
		      (nat_flows(nat_tables())->chg - (uint32_t)chg0) / 2);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(k[i].wrong, 0);
		/* Both directions were translated, and some replies found no
		 * session (expired or flushed). */
		assert_true(k[i].out > 1000 && k[i].in > 1000);
	}
	assert_true(k[0].icmp + k[1].icmp > 0);
	assert_true(flushes > 0);
	/* Keys were displaced while the other worker looked up. */
	assert_true(nat_flows(nat_tables())->chg != (uint32_t)chg0);
	assert_int_equal(nat_rule_del(&masq, true), 0);
	nat_sess_flush();
	dpt_drain();
	assert_int_equal(dpt_mbufs_in_use(), 0);
}

/* Decoys: flows of another inside host that this thread makes and
 * deletes while the table grows, so that the workers' next sessions take
 * the slots they free, below where the growth's copy stands. */
#define DECOY		"10.0.0.9"
#define DECOYS		BURST
/* Their ports, above the workers' (1024 + flow): a decoy's mapping
 * keeps its port, which a worker's flow must not find taken. */
#define DECOY_PORT	(1024 + 2 * FLOWS)

static bool
is_decoy(const struct nat_sess *s, void *arg)
{
	(void)arg;
	return s->o.src == rte_cpu_to_be_32(dpt_ip(DECOY));
}

static void
decoy_sent(uint16_t p, struct rte_mbuf *m, void *arg)
{
	(void)p;
	(void)m;
	++*(unsigned int *)arg;
}

/* DECOYS new decoy flows made through wctx w, then every decoy deleted:
 * how many sessions went. */
static uint32_t
decoys(struct wctx *w, unsigned int *seq, unsigned int *sent)
{
	struct rte_mbuf *pkts[DECOYS];

	for (unsigned int n = 0; n < DECOYS; n++)
		pkts[n] = dpt_udp(DPT_LAN_MAC, DPT_HOST_MAC, DECOY, REMOTE,
				  (uint16_t)(DECOY_PORT + (*seq)++ % 20000), 53, 4);
	worker_input(w, 0, pkts, DECOYS);
	dpt_tx_take(w, decoy_sent, sent);
	return nat_sess_delete_if(is_decoy, NULL);
}

/*
 * The flows table grown while it is read and written: made for 16
 * sessions, it grows to hold both workers' flows (twice FLOWS) while
 * they make them, GROW_NEW a burst each, and send the flows made so far
 * and their replies; this thread, the control lcore, grows it as soon as
 * it is asked, one chunk of sessions at a time with pauses between, so
 * that sessions are made while it copies (nat_flows_resize), some in slots
 * it copied already (the decoys').  Every session the workers made stays
 * found at every step: no frame may meet no session (an ICMP error), nor
 * another flow's; and at the end every session's keys are in the table.
 */
static void
test_lookups_while_growing(void **state)
{
	struct worker k[2] = { { .first = 0, .growing = true },
			       { .first = FLOWS, .growing = true } };
	struct nat_conf c = { .max_sessions = 4 * FLOWS };
	struct nat_rule_spec masq = { .kind = SLUICE_NAT_MASQUERADE, .port = 1 };
	const uint32_t first = nat_flows_first;
	uint64_t end;
	unsigned int grown = 0, copying = 0, seq = 0, sent = 0, gone = 0;
	uint32_t cap;
	pthread_t th[2];
	struct nat_tables *t;

	(void)state;
	nat_flows_first = 16;
	assert_int_equal(nat_conf_set(&c), 0);
	assert_int_equal(nat_rule_add(&masq), 0);
	cap = nat_tables()->flows_cap;
	workers_start(th, k);
	end = rte_get_tsc_cycles() + rte_get_tsc_hz();
	while (rte_get_tsc_cycles() < end) {
		if (nat_flows_resize(1)) {
			copying++;
			if (copying % 4 == 0)
				gone += decoys(&cw, &seq, &sent);
		}
		if (nat_tables()->flows_cap != cap) {
			cap = nat_tables()->flows_cap;
			grown++;
		}
		rte_delay_us_block(20);
		dpt_drain();
	}
	workers_stop(th, k);
	print_message("grown %u times, to a table for %u sessions; %u chunks copied, %u decoys "
		      "sent, %u deleted\n", grown, cap, copying, sent, gone);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(k[i].made, FLOWS);
		assert_int_equal(k[i].wrong, 0);
		assert_int_equal(k[i].icmp, 0);
		assert_true(k[i].out > 1000 && k[i].in > 1000);
	}
	/* 16 -> max-sessions, in up to five steps (a step grows it as
	 * often as the flows made by its start ask), while the workers went
	 * on. */
	assert_int_equal(cap, c.max_sessions);
	assert_true(grown >= 3);
	assert_true(gone > 0 && gone == sent);
	assert_int_equal(dpt_nat_counter("sessions_active"), 2 * FLOWS);
	t = nat_tables();
	for (uint32_t i = 0; i < t->hwm; i++) {
		const struct nat_sess *se = &t->sess[i];

		if ((se->flags & NS_USED) == 0)
			continue;
		for (unsigned int d = 0; d < 2; d++)
			assert_true(nt_flow_bucket(nat_flows(t), sess_flow_hash(se, d),
						   sess_val(i, d)) >= 0);
	}
	assert_int_equal(nat_rule_del(&masq, true), 0);
	nat_sess_flush();
	dpt_drain();
	assert_int_equal(dpt_mbufs_in_use(), 0);
	nat_flows_first = first;
}

/*
 * An snat pool's ports drawn in bursts (nat_sess_prefetch draws the
 * first random port ahead, for map_new to use): DRAW_FLOWS inside
 * endpoints, odd ports outside DRAW_LO..DRAW_HI, onto one address's
 * DRAW_LO..DRAW_HI (more than PORT_TRIES ports: the hashed first port,
 * then random draws), so that no port is kept and the first drawn one is
 * taken ever more often as the odd ports fill up.  Every flow must leave
 * from its own port of the range, odd (parity kept while an odd one is
 * free), and its reply must come back to its own inside endpoint.  Every
 * fourth packet of an outbound burst is a decoy, from another inside host
 * to the host on the LAN: prerouting plans a session for it (it guesses
 * the snat rule) that postrouting never makes, so that the flows after
 * it in the burst meet plans that are not theirs and must make their own.
 */
#define DRAW_FLOWS	450
#define DRAW_LO		2000
#define DRAW_HI		2999
#define DRAW_ADDR	"192.0.2.50"

#define DECOY_HOST	"10.0.0.3"
#define DECOY_EVERY	4

struct draws {
	uint16_t port[DRAW_FLOWS];	/* flow i's outside port */
	unsigned int out, in, wrong, decoys;
};

/* Flow i of the draws test: from 10.0.0.2:5001 + 2i, or the remote's
 * reply to its outside port p. */
static struct rte_mbuf *
draw_pkt(unsigned int i, bool reply, uint16_t p)
{
	uint32_t tag = i;
	struct rte_mbuf *m;

	if (!reply)
		m = dpt_udp(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", REMOTE, (uint16_t)(5001 + 2 * i),
			    53, sizeof(tag));
	else
		m = dpt_udp(DPT_WAN_MAC, DPT_GW_MAC, REMOTE, DRAW_ADDR, 53, p, sizeof(tag));
	return tagged(m, tag);
}

static void
draws_sent(uint16_t p, struct rte_mbuf *m, void *arg)
{
	struct draws *d = arg;
	const uint32_t remote = dpt_ip(REMOTE), addr = dpt_ip(DRAW_ADDR),
		       host = dpt_ip("10.0.0.2");
	const struct rte_ipv4_hdr *ip = dpt_frame_ip(m);
	unsigned int f = flow_of(ip);
	uint16_t sp;

	if (f >= DRAW_FLOWS || ip->next_proto_id != IPPROTO_UDP) {
		d->wrong++;
	} else if (p == 0 && ip->src_addr == htonl(dpt_ip(DECOY_HOST))) {
		/* Forwarded as it came, not translated. */
		if (udp_ok(ip, dpt_ip(DECOY_HOST), (uint16_t)(7000 + f), host, 53))
			d->decoys++;
		else
			d->wrong++;
	} else if (p == 1) {
		sp = ntohs(udp_of(ip)->src_port);
		if (udp_ok(ip, addr, sp, remote, 53) && sp >= DRAW_LO && sp <= DRAW_HI &&
		    (sp & 1) && d->port[f] == 0) {
			d->port[f] = sp;
			d->out++;
		} else {
			d->wrong++;
		}
	} else if (p == 0 && udp_ok(ip, remote, 53, host, (uint16_t)(5001 + 2 * f))) {
		d->in++;
	} else {
		d->wrong++;
	}
}

static void *
draws_worker(void *arg)
{
	struct draws *d = arg;
	struct rte_mbuf *pkts[BURST];
	struct wctx w;
	int lcore;

	if ((lcore = dpt_worker_thread_begin()) < 0)
		return NULL;
	wctx_init(&w, 0);
	for (int reply = 0; reply < 2; reply++) {
		/* Outbound, DECOY_EVERY - 1 flows a step and a decoy. */
		const unsigned int step = reply ? BURST : BURST / DECOY_EVERY * (DECOY_EVERY - 1);

		for (unsigned int i = 0; i < DRAW_FLOWS; i += step) {
			unsigned int n = RTE_MIN(step, DRAW_FLOWS - i), k = 0;

			for (unsigned int j = 0; j < n; j++) {
				if (!reply && j % (DECOY_EVERY - 1) == 0)
					pkts[k++] = tagged(dpt_udp(DPT_LAN_MAC, DPT_HOST_MAC,
								   DECOY_HOST, "10.0.0.2",
								   (uint16_t)(7000 + i + j), 53,
								   sizeof(uint32_t)), i + j);
				pkts[k++] = draw_pkt(i + j, reply, d->port[i + j]);
			}
			worker_input(&w, (uint16_t)reply, pkts, (uint16_t)k);
			dpt_tx_take(&w, draws_sent, d);
			rte_rcu_qsbr_quiescent(dp.qsbr, lcore);
		}
	}
	dpt_worker_thread_end((unsigned int)lcore);
	return NULL;
}

static void
test_snat_draws(void **state)
{
	struct nat_conf c = { .max_sessions = MAX_SESS };
	struct nat_rule_spec r = { .kind = SLUICE_NAT_SNAT, .port = 1, .has_src = true,
				   .src = dpt_ip("10.0.0.0"), .src_len = 24,
				   .addr_min = dpt_ip(DRAW_ADDR), .addr_max = dpt_ip(DRAW_ADDR),
				   .port_min = DRAW_LO, .port_max = DRAW_HI };
	static struct draws d;
	uint8_t seen[(DRAW_HI - DRAW_LO) / 8 + 1] = { 0 };
	pthread_t th;

	(void)state;
	assert_int_equal(nat_conf_set(&c), 0);
	assert_int_equal(nat_rule_add(&r), 0);
	assert_int_equal(pthread_create(&th, NULL, draws_worker, &d), 0);
	pthread_join(th, NULL);
	dpt_drain();
	print_message("%u out, %u in, %u decoys, %u wrong\n", d.out, d.in, d.decoys, d.wrong);
	assert_int_equal(d.wrong, 0);
	assert_int_equal(d.decoys, (DRAW_FLOWS + DECOY_EVERY - 2) / (DECOY_EVERY - 1));
	assert_int_equal(d.out, DRAW_FLOWS);
	assert_int_equal(d.in, DRAW_FLOWS);
	/* One outside port per inside endpoint. */
	for (unsigned int i = 0; i < DRAW_FLOWS; i++) {
		unsigned int b = d.port[i] - DRAW_LO;

		assert_false(seen[b / 8] & (1u << (b % 8)));
		seen[b / 8] |= (uint8_t)(1u << (b % 8));
	}
	assert_int_equal(nat_rule_del(&r, true), 0);
	nat_sess_flush();
	dpt_drain();
	assert_int_equal(dpt_mbufs_in_use(), 0);
}

static int
group_setup(void **state)
{
	(void)state;
	if (dpt_two_ports(&cw) != 0)
		return -1;
	dpt_route(true, "0.0.0.0", 0, "192.0.2.254", RTN_UNICAST);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookups_while_writing),
		cmocka_unit_test(test_snat_draws),
		cmocka_unit_test(test_lookups_while_growing),
	};

	dpt_init("nat_rw");
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
