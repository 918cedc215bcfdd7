/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet trace.  One session at a time, owned by a control client.
 *
 * Records are a fixed array (TRACE_ITEMS) handed out through a free ring:
 * a worker marking a packet takes one, points the packet's dynamic field
 * at it and sets the packet's flag; every step checks that the record
 * still belongs to that very mbuf (rec->m), so a copy of the packet (a
 * fragment, a buffer that stayed marked) can never write into a record
 * that was finished or given to another packet.  The verdict finishes the
 * record, clears the flag and puts the record on the done ring, which the
 * control lcore (trace_poll) sends to the client's socket, one datagram
 * per record, without waiting: a record the socket does not take now is
 * kept for the next poll.
 *
 * The session ends on its count, on SLUICE_DELTRACE, when the client's
 * control connection closes or the socket fails: marking stops, an RCU
 * grace period lets the workers finish their bursts, and records that
 * were never finished (a packet held in the NAT's reassembly table) are
 * taken back.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <netinet/in.h>
#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf_dyn.h>
#include <rte_ring.h>
#include <rte_tcp.h>
#include <rte_udp.h>
#include <rte_icmp.h>

#include "dp.h"
#include "port.h"
#include "route.h"
#include "trace.h"

/* trace_route passes route.h's types as they are. */
static_assert((int)NH_CONNECTED == SLUICE_NH_CONNECTED &&
	      (int)NH_GATEWAY == SLUICE_NH_GATEWAY && (int)NH_LOCAL == SLUICE_NH_LOCAL &&
	      (int)NH_BROADCAST == SLUICE_NH_BROADCAST &&
	      (int)NH_BLACKHOLE == SLUICE_NH_BLACKHOLE && (int)NH_NONE == SLUICE_NH_NONE &&
	      (int)NH_UNREACHABLE == SLUICE_NH_UNREACHABLE,
	      "next hop types");

#define TRACE_ITEMS	256	/* records in flight, at most */
#define TRACE_SEND_MAX	64	/* records sent per poll */

uint32_t trace_ports, trace_live;
uint64_t trace_flag;

struct trace_item {
	struct rte_mbuf *m;		/* the packet it belongs to; NULL: finished */
	uint64_t tsc;
	uint32_t cur[2];		/* addresses as last noted (NAT steps) */
	uint16_t cur_port[2];
	struct sluice_trace_rec r;
};

static struct {
	int dynfield;			/* offset of the record pointer */
	struct trace_item *items;
	struct rte_ring *free, *done;
	int64_t left;			/* packets still to mark */
	/* The session (control lcore). */
	bool on;
	struct ctl_client *owner;
	int fd;
	uint32_t count, sent;
	uint64_t tsc0, ns0;		/* TSC to wall clock */
	struct trace_item *held;	/* the socket refused it: sent next poll */
} tr = { .dynfield = -1, .fd = -1 };

static inline struct trace_item **
item_ref(struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, tr.dynfield, struct trace_item **);
}

/* m's record when m is marked and still owns it; else m is unmarked. */
static inline struct trace_item *
item_of(struct rte_mbuf *m)
{
	struct trace_item *t = *item_ref(m);

	if (t != NULL && t->m == m)
		return t;
	m->ol_flags &= ~trace_flag;
	return NULL;
}

static struct sluice_trace_step *
step_new(struct trace_item *t, uint8_t kind)
{
	struct sluice_trace_step *s;

	if (t->r.nsteps == SLUICE_TRACE_STEPS)
		return NULL;
	s = &t->r.steps[t->r.nsteps++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	return s;
}

void
trace_mark(uint16_t port, struct rte_mbuf *const *pkts, uint16_t n)
{
	uint64_t now = rte_get_tsc_cycles();

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct trace_item *t;
		const void *p;
		uint32_t len;

		if (__atomic_sub_fetch(&tr.left, 1, __ATOMIC_RELAXED) < 0) {
			/* Done marking: workers stop looking. */
			__atomic_store_n(&trace_ports, 0, __ATOMIC_RELAXED);
			return;
		}
		if (rte_ring_mc_dequeue(tr.free, (void **)&t) != 0) {
			__atomic_add_fetch(&tr.left, 1, __ATOMIC_RELAXED);
			return;		/* all records in flight: trace later ones */
		}
		memset(&t->r, 0, offsetof(struct sluice_trace_rec, hdr));
		t->tsc = now;
		t->r.in_ifindex = port + 1u;
		t->r.pkt_len = rte_pktmbuf_pkt_len(m);
		len = RTE_MIN(t->r.pkt_len, (uint32_t)SLUICE_TRACE_HDR);
		p = rte_pktmbuf_read(m, 0, len, t->r.hdr);
		if (p == NULL)
			len = 0;
		else if (p != t->r.hdr)
			memcpy(t->r.hdr, p, len);
		t->r.hdr_len = (uint8_t)len;
		t->m = m;
		*item_ref(m) = t;
		m->ol_flags |= trace_flag;
	}
}

/* The addresses and ports of m (data at its IPv4 header). */
static void
tuple(const struct rte_mbuf *m, uint32_t a[2], uint16_t p[2])
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	uint32_t hl = rte_ipv4_hdr_len(ip);
	const uint8_t *l4 = (const uint8_t *)ip + hl;

	a[0] = rte_be_to_cpu_32(ip->src_addr);
	a[1] = rte_be_to_cpu_32(ip->dst_addr);
	p[0] = p[1] = 0;
	if (rte_pktmbuf_data_len(m) < hl + 8)
		return;
	if (ip->next_proto_id == IPPROTO_TCP || ip->next_proto_id == IPPROTO_UDP) {
		p[0] = (uint16_t)(l4[0] << 8 | l4[1]);
		p[1] = (uint16_t)(l4[2] << 8 | l4[3]);
	} else if (ip->next_proto_id == IPPROTO_ICMP) {
		p[0] = p[1] = (uint16_t)(l4[4] << 8 | l4[5]);	/* echo identifier */
	}
}

void
trace_valid(struct rte_mbuf *m)
{
	struct trace_item *t = item_of(m);
	struct sluice_trace_step *s;

	if (t == NULL || (s = step_new(t, SLUICE_STEP_VALID)) == NULL)
		return;
	tuple(m, t->cur, t->cur_port);
	s->a = t->cur[0];
	s->b = t->cur[1];
	s->pa = t->cur_port[0];
	s->pb = t->cur_port[1];
}

/* An IPv6 header's ports as tuple() reads them: a transport header
 * right after it (no extension header), or an echo's identifier. */
static void
tuple6(const struct rte_mbuf *m, const uint8_t *ip, uint16_t *src, uint16_t *dst)
{
	const uint8_t *l4 = ip + 40;
	const uint8_t *end = rte_pktmbuf_mtod(m, const uint8_t *) + rte_pktmbuf_data_len(m);

	*src = *dst = 0;
	if (end < l4 + 8)
		return;
	if (ip[6] == IPPROTO_TCP || ip[6] == IPPROTO_UDP) {
		*src = (uint16_t)(l4[0] << 8 | l4[1]);
		*dst = (uint16_t)(l4[2] << 8 | l4[3]);
	} else if (ip[6] == IPPROTO_ICMPV6 && (l4[0] == 128 || l4[0] == 129)) {
		*src = *dst = (uint16_t)(l4[4] << 8 | l4[5]);
	}
}

void
trace_valid6(struct rte_mbuf *m, const void *ip6)
{
	const uint8_t *ip = ip6;
	struct trace_item *t = item_of(m);
	struct sluice_trace_step *s;

	if (t == NULL || (s = step_new(t, SLUICE_STEP_VALID)) == NULL)
		return;
	s->ip6 = 1;
	memcpy(s->a6, ip + 8, 16);
	memcpy(s->b6, ip + 24, 16);
	tuple6(m, ip, &s->pa, &s->pb);
}

void
trace_nat(struct rte_mbuf *m, uint8_t stage)
{
	struct trace_item *t = item_of(m);
	struct sluice_trace_step *s;
	uint32_t a[2];
	uint16_t p[2];

	if (t == NULL)
		return;
	tuple(m, a, p);
	if (!memcmp(a, t->cur, sizeof(a)) && !memcmp(p, t->cur_port, sizeof(p)))
		return;		/* the NAT left it as it was */
	memcpy(t->cur, a, sizeof(a));
	memcpy(t->cur_port, p, sizeof(p));
	if ((s = step_new(t, SLUICE_STEP_NAT)) == NULL)
		return;
	s->type = stage;
	s->a = a[0];
	s->b = a[1];
	s->pa = p[0];
	s->pb = p[1];
}

/* A route step of either family, its addresses for the caller to fill. */
static struct sluice_trace_step *
route_step(struct rte_mbuf *m, uint8_t nh_type, uint16_t port)
{
	struct trace_item *t = item_of(m);
	struct sluice_trace_step *s;

	if (t == NULL || (s = step_new(t, SLUICE_STEP_ROUTE)) == NULL)
		return NULL;
	/* The route.h types have the wire's numbers (SLUICE_NH_*). */
	s->type = nh_type;
	s->port = nh_type == SLUICE_NH_CONNECTED || nh_type == SLUICE_NH_GATEWAY ? port + 1u : 0;
	return s;
}

void
trace_route(struct rte_mbuf *m, uint8_t nh_type, uint16_t port, uint32_t nh_ip, uint32_t dst)
{
	struct sluice_trace_step *s = route_step(m, nh_type, port);

	if (s == NULL)
		return;
	s->a = nh_ip;
	s->b = dst;
}

void
trace_route6(struct rte_mbuf *m, uint8_t nh_type, uint16_t port, const uint8_t *nh,
	     const uint8_t *dst)
{
	struct sluice_trace_step *s = route_step(m, nh_type, port);

	if (s == NULL)
		return;
	s->ip6 = 1;
	memcpy(s->a6, nh, 16);
	memcpy(s->b6, dst, 16);
}

/* The neighbour step of either family (nh6 NULL: IPv4's nh_ip); resolved
 * (mac), the packet is forwarded. */
static void
neigh_step(struct rte_mbuf *m, uint16_t port, uint32_t nh_ip, const uint8_t *nh6,
	   const struct rte_ether_addr *mac)
{
	struct trace_item *t = item_of(m);
	struct sluice_trace_step *s;

	if (t == NULL)
		return;
	if ((s = step_new(t, SLUICE_STEP_NEIGH)) != NULL) {
		s->port = port + 1u;
		s->a = nh_ip;
		if (nh6 != NULL) {
			s->ip6 = 1;
			memcpy(s->a6, nh6, 16);
		}
		if (mac != NULL) {
			s->type = 1;
			memcpy(s->mac, mac, sizeof(s->mac));
		}
	}
	if (mac != NULL)
		trace_end(m, SLUICE_TRACE_FORWARD, 0, port);
}

void
trace_neigh(struct rte_mbuf *m, uint16_t port, uint32_t nh_ip, const struct rte_ether_addr *mac)
{
	neigh_step(m, port, nh_ip, NULL, mac);
}

void
trace_neigh6(struct rte_mbuf *m, uint16_t port, const uint8_t *nh, const struct rte_ether_addr *mac)
{
	neigh_step(m, port, 0, nh, mac);
}

/* The local step, proto the IPv4 protocol or IPv6 next header. */
static void
local_step(struct rte_mbuf *m, uint8_t proto, bool ip6)
{
	struct trace_item *t = item_of(m);
	struct sluice_trace_step *s;

	if (t == NULL || (s = step_new(t, SLUICE_STEP_LOCAL)) == NULL)
		return;
	s->type = proto;
	s->ip6 = ip6;
}

void
trace_local(struct rte_mbuf *m)
{
	local_step(m, rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *)->next_proto_id, false);
}

void
trace_local6(struct rte_mbuf *m, uint8_t next_header)
{
	local_step(m, next_header, true);
}

void *
trace_frag_begin(struct rte_mbuf *m)
{
	if (!trace_on() || !trace_marked(m))
		return NULL;
	return item_of(m);
}

void
trace_frag_end(void *rec, struct rte_mbuf **frags, int n, uint16_t port, uint16_t mtu)
{
	struct trace_item *t = rec;
	struct sluice_trace_step *s;

	/* On failure m is still whole and its drop ends the record. */
	if (t == NULL || n <= 0)
		return;
	if ((s = step_new(t, SLUICE_STEP_FRAG)) != NULL) {
		s->port = port + 1u;
		s->a = (uint32_t)n;
		s->b = mtu;
	}
	/* The first fragment carries the record on; the others are not
	 * traced (they may have copied the field and flag). */
	for (int i = 0; i < n; i++)
		frags[i]->ol_flags &= ~trace_flag;
	t->m = frags[0];
	*item_ref(frags[0]) = t;
	frags[0]->ol_flags |= trace_flag;
}

void
trace_end(struct rte_mbuf *m, uint8_t verdict, int reason, uint16_t out)
{
	struct trace_item *t = item_of(m);

	if (t == NULL)
		return;
	m->ol_flags &= ~trace_flag;
	t->r.verdict = verdict;
	if (verdict == SLUICE_TRACE_DROP && reason >= 0 && reason < DROP__MAX)
		snprintf(t->r.reason, sizeof(t->r.reason), "%s", drop_names[reason]);
	t->r.out_ifindex = out < DP_MAX_PORTS ? out + 1u : 0;
	t->m = NULL;
	if (rte_ring_mp_enqueue(tr.done, t) != 0)
		rte_ring_mp_enqueue(tr.free, t);	/* cannot be: both hold all */
}

/* ---- control lcore ---------------------------------------------------- */

unsigned int
trace_sessions(void)
{
	return tr.on;
}

static int
trace_setup(void)
{
	static const struct rte_mbuf_dynfield field = {
		.name = "sluice_trace_rec",
		.size = sizeof(struct trace_item *),
		.align = __alignof__(struct trace_item *),
	};
	static const struct rte_mbuf_dynflag flag = { .name = "sluice_trace" };
	int bit;

	if (tr.items != NULL)
		return 0;
	tr.dynfield = rte_mbuf_dynfield_register(&field);
	bit = rte_mbuf_dynflag_register(&flag);
	tr.items = rte_zmalloc("sluice_trace", sizeof(*tr.items) * TRACE_ITEMS,
			       RTE_CACHE_LINE_SIZE);
	/* One more slot than items: rte_ring holds size - 1. */
	tr.free = rte_ring_create("sluice_trace_free", TRACE_ITEMS * 2, rte_socket_id(), 0);
	tr.done = rte_ring_create("sluice_trace_done", TRACE_ITEMS * 2, rte_socket_id(),
				  RING_F_SC_DEQ);
	if (tr.dynfield < 0 || bit < 0 || tr.items == NULL || tr.free == NULL ||
	    tr.done == NULL) {
		rte_free(tr.items);
		tr.items = NULL;
		return dp_errmsg(-ENOMEM, "no memory for the trace records");
	}
	for (unsigned int i = 0; i < TRACE_ITEMS; i++)
		rte_ring_enqueue(tr.free, &tr.items[i]);
	trace_flag = UINT64_C(1) << bit;
	return 0;
}

int
trace_start(struct ctl_client *c, int fd, uint32_t ports_mask, uint32_t count)
{
	int type = 0, fl, err;
	socklen_t len = sizeof(type);
	struct timespec ts;

	if (tr.on) {
		close(fd);
		return dp_errmsg(-EBUSY, "a trace is already running");
	}
	if ((err = trace_setup()) != 0) {
		close(fd);
		return err;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_SEQPACKET ||
	    (fl = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0) {
		close(fd);
		return dp_errmsg(-EINVAL, "the output must be a SOCK_SEQPACKET socket");
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	tr.tsc0 = rte_get_tsc_cycles();
	tr.ns0 = (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
	tr.owner = c;
	tr.fd = fd;
	tr.count = count;
	tr.sent = 0;
	tr.held = NULL;
	tr.on = true;
	__atomic_store_n(&tr.left, count != 0 ? (int64_t)count : INT64_MAX, __ATOMIC_RELAXED);
	__atomic_store_n(&trace_live, 1, __ATOMIC_RELEASE);
	__atomic_store_n(&trace_ports, ports_mask, __ATOMIC_RELEASE);
	return 0;
}

/* Send finished records: 0 when done for now, -1 when the socket failed. */
static int
trace_send(void)
{
	for (unsigned int i = 0; i < TRACE_SEND_MAX; i++) {
		struct trace_item *t = tr.held;
		ssize_t n;

		if (tr.count != 0 && tr.sent >= tr.count)
			return 0;
		if (t == NULL && rte_ring_sc_dequeue(tr.done, (void **)&t) != 0)
			return 0;
		t->r.ts_ns = tr.ns0 + (t->tsc - tr.tsc0) * 1000000000 / dp.hz;
		n = send(tr.fd, &t->r, sizeof(t->r), MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			tr.held = t;
			return 0;
		}
		tr.held = NULL;
		rte_ring_enqueue(tr.free, t);
		if (n < 0)
			return -1;
		tr.sent++;
	}
	return 0;
}

static void
trace_end_session(void)
{
	struct trace_item *t;

	__atomic_store_n(&trace_ports, 0, __ATOMIC_RELEASE);
	rte_rcu_qsbr_synchronize(dp.qsbr, RTE_QSBR_THRID_INVALID);
	__atomic_store_n(&trace_live, 0, __ATOMIC_RELEASE);
	rte_rcu_qsbr_synchronize(dp.qsbr, RTE_QSBR_THRID_INVALID);
	/* No worker touches a record now: take them all back. */
	if (tr.held != NULL)
		rte_ring_enqueue(tr.free, tr.held);
	tr.held = NULL;
	while (rte_ring_sc_dequeue(tr.done, (void **)&t) == 0)
		rte_ring_enqueue(tr.free, t);
	for (unsigned int i = 0; i < TRACE_ITEMS; i++)
		if (tr.items[i].m != NULL) {
			tr.items[i].m = NULL;
			rte_ring_enqueue(tr.free, &tr.items[i]);
		}
	close(tr.fd);
	tr.fd = -1;
	tr.owner = NULL;
	tr.on = false;
}

int
trace_stop(struct ctl_client *c)
{
	if (!tr.on || tr.owner != c)
		return -ENOENT;
	(void)trace_send();
	trace_end_session();
	return 0;
}

void
trace_poll(void)
{
	if (!tr.on)
		return;
	if (trace_send() < 0 || (tr.count != 0 && tr.sent >= tr.count))
		trace_end_session();
}
