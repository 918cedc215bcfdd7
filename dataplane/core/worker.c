/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker lcore: poll every live port's queue, classify by ethertype,
 * hand IPv4 to ip4_input and IPv6 to ip6_input a burst at a time, punt
 * ARP, transmit what the
 * packet functions left in the tx buffers.
 */
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_prefetch.h>

#include "capture.h"
#include "frag6.h"
#include "host.h"
#include "ip4.h"
#include "ip6.h"
#include "nat.h"
#include "nat_look.h"
#include "port.h"
#include "trace.h"
#include "worker.h"

/* How far ahead of the packet being parsed its successor's header is
 * prefetched (l3fwd uses 3: far enough to hide a miss, near enough not to
 * evict the packet at hand). */
#define PREFETCH_AHEAD	3

void
wctx_init(struct wctx *w, uint16_t queue)
{
	RTE_BUILD_BUG_ON(DP_MAX_PORTS > 32);	/* tx_dirty */
	memset(w, 0, sizeof(*w));
	w->queue = queue;
	w->icmp_tokens = ICMP_RATE_BURST;
	w->icmp_last = rte_get_tsc_cycles();
}

/* The slots of every started port (bit p: ports[p]), for the poll loop. */
#define POLL_RESCAN	64
static uint32_t
ports_active(void)
{
	uint32_t mask = 0;

	for (uint16_t p = 0; p < DP_MAX_PORTS; p++)
		if (__atomic_load_n(&ports[p].active, __ATOMIC_RELAXED))
			mask |= UINT32_C(1) << p;
	return mask;
}

/* Send one port's buffer.  Counted here, once, for what the device took:
 * the bytes were added up as frames were queued (a PMD may free what it
 * accepts: af_packet copies and frees at once), those of what it refused
 * taken off before they are freed. */
static void
tx_flush_port(struct wctx *w, uint16_t port)
{
	struct txbuf *b = &w->tx[port];
	struct port_counters *pc = &dp_counters()->port[port];
	uint16_t eth_port = ports[port].eth_port;
	uint64_t bytes = b->bytes;
	uint16_t sent = 0;

	if (b->n == 0)
		return;
	CAPTURE_BURST(capture_tx_ports, SLUICE_CAPTURE_OUT, port, w->queue, b->m, b->n);
	/* A port without a device behind it (unit tests) cannot transmit. */
	if (likely(eth_port < RTE_MAX_ETHPORTS))
		sent = rte_eth_tx_burst(eth_port, w->queue, b->m, b->n);
	if (unlikely(sent < b->n)) {
		uint16_t lost = b->n - sent;

		for (uint16_t i = sent; i < b->n; i++)
			bytes -= rte_pktmbuf_pkt_len(b->m[i]);
		rte_pktmbuf_free_bulk(&b->m[sent], lost);
		pc->tx_dropped += lost;
		dp_counters()->drop[DROP_QUEUE_FULL] += lost;
	}
	pc->tx_packets += sent;
	pc->tx_bytes += bytes;
	tx_buf_reset(b);
}

void
tx_full(struct wctx *w, uint16_t port)
{
	/* The control lcore's wctx must never touch a device queue: every
	 * queue belongs to one worker. */
	if (rte_lcore_id() == rte_get_main_lcore())
		wctx_flush_to_control(w);
	else
		tx_flush_port(w, port);
}

void
tx_enqueue(struct wctx *w, uint16_t port, struct rte_mbuf *m)
{
	if (unlikely(port >= DP_MAX_PORTS || !port_live(port))) {
		if (port < DP_MAX_PORTS)
			dp_counters()->port[port].tx_dropped++;
		dp_drop(m, DROP_PORT_DOWN);
		return;
	}
	tx_buf_add(w, port, tx_buf_get(w, port), m);
}

void
eth_tx(struct wctx *w, struct rte_mbuf *m, uint16_t port, const struct rte_ether_addr *dst_mac,
       rte_be16_t ether_type)
{
	struct rte_ether_hdr *eth;

	eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eth));
	if (unlikely(eth == NULL)) {
		dp_drop(m, DROP_NO_MBUF);
		return;
	}
	rte_ether_addr_copy(dst_mac, &eth->dst_addr);
	rte_ether_addr_copy(&ports[port].mac, &eth->src_addr);
	eth->ether_type = ether_type;
	tx_enqueue(w, port, m);
}

/* The ports whose buffers were filled since the last flush, only. */
void
tx_flush(struct wctx *w)
{
	uint32_t dirty = w->tx_dirty;

	w->tx_dirty = 0;
	while (dirty != 0) {
		uint16_t p = (uint16_t)rte_bsf32(dirty);

		dirty &= dirty - 1;
		if (w->tx[p].n != 0)
			tx_flush_port(w, p);
	}
}

void
wctx_flush_to_control(struct wctx *w)
{
	for (uint16_t p = 0; p < DP_MAX_PORTS; p++) {
		struct txbuf *b = &w->tx[p];

		for (uint16_t i = 0; i < b->n; i++)
			dp_send(b->m[i], p);
		tx_buf_reset(b);
	}
}

/* Frames the Ethernet layer accepts: to the port's MAC, broadcast, or an
 * IPv6 multicast group (33:33:..., RFC 2464 7: ip6_input keeps only the
 * groups the router is in). */
static inline bool
eth_for_us(const struct rte_ether_hdr *eth, const struct rte_ether_addr *mac)
{
	return rte_is_same_ether_addr(&eth->dst_addr, mac) ||
	       rte_is_broadcast_ether_addr(&eth->dst_addr) ||
	       (eth->dst_addr.addr_bytes[0] == 0x33 && eth->dst_addr.addr_bytes[1] == 0x33 &&
		eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV6));
}

/* The 6 bytes of a MAC at p and the 2 after it, as one word: compared
 * under MAC48 (in memory order, whatever the byte order) one frame's
 * destination costs one load and one compare. */
static inline uint64_t
word8(const void *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}
static const uint8_t mac48[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0 };

#ifdef X4
/* Where x4_run stopped: returned in two registers, so that the caller's
 * counts need no address (and stay in registers). */
struct x4_at {
	unsigned int i, nfast;		/* i: how many frames it took */
	uint64_t bytes;
};

/*
 * worker_classify's plain IPv4 frames X4 at a time from pkts[0] on, up
 * to end, one test for the four (ip4_plain_x4), onto fast[at.nfast...]
 * and fast_dst as the frames one by one would go, their bytes added to
 * at.bytes.  No prefetch of the next group, as l3fwd's SSE path has
 * none: a group's four frames are loaded at once and the out-of-order
 * window already reaches the next group, so its 4 instructions a frame
 * bought nothing (0.8 cycles a packet dearer at 256 flows,
 * docs/performance-log.md, "Thirtieth session").  Returns at with i the
 * frames taken (a group that failed, or what is left after the last whole
 * one, is the caller's to take one by one) and nfast past them.  Out of
 * line: called once a burst as a rule, it leaves the one by one loop its
 * registers; given and giving back where it is as pointer and count, not
 * as an index into the burst, so that loop needs none.
 */
static __rte_noinline struct x4_at
x4_run(struct rte_mbuf **const pkts, struct rte_mbuf **const end, struct x4_at at, head16_t head,
       const struct addr_table *addrs, uint64_t filter, struct rte_mbuf **fast,
       uint32_t *fast_dst)
{
	__m128i lens = _mm_setzero_si128();
	/* Pointers, not 32-bit indexes: pkts[i + k] then needs no add of
	 * its own (an index could wrap). */
	struct rte_mbuf **p = pkts;
	struct rte_mbuf **to = fast + at.nfast;
	uint32_t *to_dst = fast_dst + at.nfast;

	for (; end - p >= X4; p += X4, to += X4, to_dst += X4) {
		if (unlikely(!ip4_plain_x4(p, head, addrs, filter, to_dst, &lens)))
			break;
		memcpy(to, p, X4 * sizeof(*p));
	}
	at.i = (unsigned int)(p - pkts);
	at.nfast = (unsigned int)(to - fast);
	/* At most DP_BURST / X4 frames a lane: far from 32 bits. */
	at.bytes += x4_lens_sum(lens);
	return at;
}

/* With NAT on, prerouting's first look at the frames x4_run took,
 * fast[from] to fast[to - 1], as the one by one loop makes it. */
static inline void
worker_nat_look(struct nat_look *look, struct rte_mbuf **fast, unsigned int from,
		unsigned int to)
{
	for (unsigned int k = from; k < to; k++)
		nat_look_at(look, fast[k],
			    rte_pktmbuf_mtod_offset(fast[k], const struct rte_ipv4_hdr *,
						    RTE_ETHER_HDR_LEN),
			    k, RTE_ETHER_HDR_LEN, true);
}

/* x4_run from `from` with the pass's counts, and NAT's first look at the
 * frames it took: returns how many. */
static __rte_always_inline unsigned int
worker_x4(struct rte_mbuf **from, struct rte_mbuf **end, unsigned int *nfast, uint64_t *bytes,
	  head16_t head, const struct addr_table *at, uint64_t filter, struct rte_mbuf **fast,
	  uint32_t *fast_dst, struct nat_look *look, const bool nat)
{
	const struct x4_at to = x4_run(from, end, (struct x4_at){ .nfast = *nfast, .bytes = *bytes },
				       head, at, filter, fast, fast_dst);

	if (nat)
		worker_nat_look(look, fast, *nfast, to.nfast);
	*nfast = to.nfast;
	*bytes = to.bytes;
	return to.i;
}
#endif

/*
 * One burst, by ethertype.  plain: no trace, no host interface on
 * in_port, the common case: an IPv4 or IPv6 frame to our MAC is validated
 * in this pass (IPv4: one head16_eq, then ip4_plain, or X4 frames at once
 * by x4_run from the first frame and once one closed a group; ip6_plain)
 * and, when plain, routed without a second look (ip4_forward_plain, or
 * ip4_forward_nat when nat: NAT is on, with prerouting's first look made
 * here as each frame passes; ip6_forward_plain); the rest go the way they
 * always went, after them.  Inlined three times, so that no case tests
 * plain or nat per packet.
 */
static __rte_always_inline void
worker_classify(struct wctx *w, uint16_t in_port, struct rte_mbuf **pkts, uint16_t n,
		const bool plain, const bool nat)
{
	const struct rte_ether_addr *mac = &ports[in_port].mac;
	const uint64_t mask = word8(mac48);
	uint64_t ours = 0;
	struct port_counters *pc = &dp_counters()->port[in_port];
	struct rte_mbuf *ip4[DP_BURST], *ip6[DP_BURST], *fast[DP_BURST], *fast6[DP_BURST];
	uint32_t fast_dst[DP_BURST];
	uint8_t fast6_dst[DP_BURST][16];
	uint64_t bytes = 0;
	/* Counts as unsigned int: no 16-bit register to widen per frame. */
	unsigned int nip4 = 0, nip6 = 0, nfast = 0, dropped = 0, nfast6 = 0;
	const struct addr_table *at = plain ? addrs_get() : NULL;
	const uint64_t filter = plain ? at->ours : 0;
	const struct addr6_table *at6 = plain ? addrs6_get() : NULL;
	const uint64_t ours6 = plain ? at6->ours : 0;
	/* Bytes 0-5 our MAC, 12-13 IPv4's ethertype, 14 version 4 without
	 * options: the frame ip4_plain goes on to check. */
	uint8_t t[16] = { [12] = 0x08, [13] = 0x00, [14] = RTE_IPV4_VHL_DEF };
	head16_t head;
	struct nat_look look;

	memcpy(t, mac, RTE_ETHER_ADDR_LEN);
	head = head16_make(t);
	memcpy(&ours, mac, RTE_ETHER_ADDR_LEN);
	if (nat)
		nat_look_begin(&look);
	/* A full burst's first frames without a loop: its counter and two
	 * tests a frame were a tenth of a burst's fixed cost. */
	if (likely(n >= PREFETCH_AHEAD)) {
		RTE_BUILD_BUG_ON(PREFETCH_AHEAD != 3);
		rte_prefetch0(rte_pktmbuf_mtod(pkts[0], void *));
		rte_prefetch0(rte_pktmbuf_mtod(pkts[1], void *));
		rte_prefetch0(rte_pktmbuf_mtod(pkts[2], void *));
	} else {
		for (uint16_t i = 0; i < n; i++)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	}

	struct rte_mbuf **p = pkts, **const end = pkts + n;
#ifdef X4
	/* A burst that starts with a plain IPv4 frame goes X4 at a time
	 * from it, before the loop, so that a burst of them takes none one
	 * by one and the loop makes no test for its first frame. */
	if (plain && likely(rte_pktmbuf_data_len(*p) >=
			    sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv4_hdr)) &&
	    likely((~head16_eq(rte_pktmbuf_mtod(*p, const void *), head) & HEAD16_IP4) == 0))
		p += worker_x4(p, end, &nfast, &bytes, head, at, filter, fast, fast_dst, &look, nat);
#endif
	for (; p < end; p++) {
		struct rte_mbuf *m = *p;
		const struct rte_ether_hdr *eth;
		uint16_t type;

		if (likely(p + PREFETCH_AHEAD < end))
			rte_prefetch0(rte_pktmbuf_mtod(p[PREFETCH_AHEAD], void *));
		bytes += rte_pktmbuf_pkt_len(m);

		eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
		/* The common frame first: to our MAC, IPv4 or IPv6, long
		 * enough for either's checks to read its header. */
		if (likely(rte_pktmbuf_data_len(m) >=
			   sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv4_hdr))) {
			if (plain) {
				/* Bit i: byte i differs from head's. */
				const uint32_t ne = ~head16_eq(eth, head);

				if (likely((ne & HEAD16_IP4) == 0)) {
					if (likely(ip4_plain(m, at, filter, &fast_dst[nfast]))) {
						if (nat)
							nat_look_at(&look, m,
								    (const struct rte_ipv4_hdr *)(eth + 1),
								    nfast, RTE_ETHER_HDR_LEN, true);
						fast[nfast++] = m;
#ifdef X4
						/* Every X4-th plain frame
						 * (their count, not the
						 * position: this loop keeps
						 * no index), the next ones
						 * X4 at a time (a burst of
						 * IPv6 never tries). */
						if (nfast % X4 == 0)
							p += worker_x4(p + 1, end, &nfast, &bytes,
								       head, at, filter, fast,
								       fast_dst, &look, nat);
#endif
					} else {
						ip4[nip4++] = m;
					}
					continue;
				}
				/* To our MAC: IPv6, or IPv4 with options. */
				if (likely((ne & HEAD16_MAC) == 0)) {
					type = eth->ether_type;
					if (type == RTE_BE16(RTE_ETHER_TYPE_IPV6)) {
						if (likely(ip6_plain(m, at6, ours6))) {
							fast6[nfast6] = m;
							memcpy(fast6_dst[nfast6++],
							       ((const struct rte_ipv6_hdr *)(eth + 1))
								       ->dst_addr,
							       16);
						} else {
							ip6[nip6++] = m;
						}
						continue;
					}
					if (type == RTE_BE16(RTE_ETHER_TYPE_IPV4)) {
						ip4[nip4++] = m;
						continue;
					}
				}
			} else if (likely(((word8(eth) ^ ours) & mask) == 0)) {
				type = eth->ether_type;
				if (likely(type == RTE_BE16(RTE_ETHER_TYPE_IPV4))) {
					ip4[nip4++] = m;
					continue;
				}
				if (type == RTE_BE16(RTE_ETHER_TYPE_IPV6)) {
					ip6[nip6++] = m;
					continue;
				}
			}
		}
		if (unlikely(rte_pktmbuf_data_len(m) < sizeof(struct rte_ether_hdr))) {
			dropped++;
			dp_drop(m, DROP_BAD_HEADER);
			continue;
		}
		/* A host interface also takes multicast (OSPF hellos): ip4
		 * punts what is link-local, drops the rest. */
		if (unlikely(((word8(eth) ^ ours) & mask) != 0) && !eth_for_us(eth, mac) &&
		    !(rte_is_multicast_ether_addr(&eth->dst_addr) && host_on(in_port))) {
			dropped++;
			dp_drop(m, DROP_NOT_FOR_US);
			continue;
		}
		type = eth->ether_type;
		/* IPv4 and IPv6 keep in_port in their arguments and write it
		 * to the packet's metadata (its own cache line after the mbuf)
		 * only where a packet leaves for the control lcore; the rest
		 * is punted or held with it. */
		if (likely(type == RTE_BE16(RTE_ETHER_TYPE_IPV4))) {
			ip4[nip4++] = m;
		} else if (type == RTE_BE16(RTE_ETHER_TYPE_IPV6)) {
			ip6[nip6++] = m;
		} else if (type == RTE_BE16(RTE_ETHER_TYPE_ARP)) {
			pkt_meta(m)->in_port = in_port;
			pkt_meta(m)->kind = PKT_ARP;
			dp_punt(m);
		} else {
			dropped++;
			dp_drop(m, DROP_UNSUPPORTED);
		}
	}
	pc->rx_packets += n;
	pc->rx_bytes += bytes;
	pc->rx_dropped += dropped;
	if (plain && nfast != 0) {
		if (nat)
			ip4_forward_nat(w, in_port, fast, fast_dst, nfast, &look);
		else
			ip4_forward_plain(w, in_port, fast, fast_dst, nfast);
	}
	if (nip4 != 0)
		ip4_input(w, in_port, ip4, nip4);
	/* A port under IPv6's minimum MTU has no IPv6 (RFC 8200 5; nd.c
	 * took its addresses): what comes is dropped, as the kernel drops
	 * it.  Read once a burst, and only for a burst with IPv6 in it. */
	if (unlikely((nfast6 | nip6) != 0) && unlikely(ports[in_port].mtu < IP6_MIN_MTU)) {
		for (unsigned int i = 0; i < nfast6; i++)
			dp_drop(fast6[i], DROP6_DISABLED);
		for (unsigned int i = 0; i < nip6; i++)
			dp_drop(ip6[i], DROP6_DISABLED);
		return;
	}
	if (plain && nfast6 != 0)
		ip6_forward_plain(w, in_port, fast6, (const uint8_t (*)[16])fast6_dst,
				  (uint16_t)nfast6);
	if (nip6 != 0)
		ip6_input(w, in_port, ip6, nip6);
}

static void
worker_input_burst(struct wctx *w, uint16_t in_port, struct rte_mbuf **pkts, uint16_t n)
{
	CAPTURE_BURST(capture_rx_ports, SLUICE_CAPTURE_IN, in_port, w->queue, pkts, n);
	TRACE_MARK(in_port, pkts, n);
	if (likely(!trace_on() && !host_on(in_port))) {
		if (nat_enabled)
			worker_classify(w, in_port, pkts, n, true, true);
		else
			worker_classify(w, in_port, pkts, n, true, false);
	} else
		worker_classify(w, in_port, pkts, n, false, false);
}

void
worker_input(struct wctx *w, uint16_t in_port, struct rte_mbuf **pkts, uint16_t n)
{
	/* What a poll brings (never more than a burst): no loop. */
	if (likely(n <= DP_BURST)) {
		if (likely(n != 0))
			worker_input_burst(w, in_port, pkts, n);
		nat_plans_drop();
		return;
	}
	while (n > 0) {
		uint16_t k = RTE_MIN(n, (uint16_t)DP_BURST);

		worker_input_burst(w, in_port, pkts, k);
		pkts += k;
		n -= k;
	}
	nat_plans_drop();
}

/* Frames the control lcore sent (dp_send): already whole, just transmit. */
static unsigned int
drain_tx_ring(struct wctx *w, struct rte_ring *r)
{
	struct rte_mbuf *pkts[DP_BURST];
	unsigned int n;

	n = rte_ring_sc_dequeue_burst(r, (void **)pkts, DP_BURST, NULL);
	for (unsigned int i = 0; i < n; i++)
		tx_enqueue(w, pkt_meta(pkts[i])->out_port, pkts[i]);
	return n;
}

/*
 * Idle back-off.  A worker that found nothing for IDLE_AFTER_US sleeps
 * instead, IDLE_SLEEP_MIN_US at first and twice as long each empty pass
 * up to IDLE_SLEEP_MAX_US: the first packet after a quiet spell waits at
 * most about that long (plus the kernel's timer slack), and a burst of
 * traffic returns the worker to busy polling at once.  Where a port's
 * device gives RX interrupts (tap, virtio, most NICs on vfio-pci; none of
 * af_xdp, af_packet, pcap, null), the sleep is a wait on them as well
 * (idle_watch): a frame on such a port ends it at once, and the timeout
 * still bounds the wait of every other port's frames and of the control
 * lcore's (its tx ring), as before.  The longest sleep sets the idle
 * cost: a wake-up (a context switch and a poll of each port) took
 * 40-70 us of CPU under the hypervisor sluice is measured on, so 2 ms
 * keeps an idle worker at 2-3 % of a core where 1 ms took 3.5-4.5 %
 * (docs/performance.md, section 6).
 * Asleep, the worker is offline for RCU, so that the control lcore never
 * waits on it; back to traffic, it wakes a control lcore that slows its
 * own tick while every worker is idle (main.c).  --no-idle-sleep keeps it
 * polling.
 */
#define IDLE_AFTER_US		1000
#define IDLE_SLEEP_MIN_US	16
#define IDLE_SLEEP_MAX_US	2000

bool worker_idle_sleep = true;

struct idle {
	uint64_t since;		/* TSC of the first empty pass, 0: busy */
	uint64_t after;		/* IDLE_AFTER_US in TSC cycles */
	unsigned int sleep_us;
	uint16_t queue;		/* the worker's queue on every port */
	/* RX interrupts: the worker's epoll (-1: none, the sleep is blind),
	 * the ports whose interrupt fd it watches in this quiet spell, and
	 * that fd.  A port made anew in a slot during the spell is watched
	 * afresh when its fd differs; one that got the same fd number is
	 * woken by the timeout alone until the next busy pass. */
	int epfd;
	uint32_t watched;
	int fd[DP_MAX_PORTS];
};

static void
idle_init(struct idle *st, uint16_t queue)
{
	struct timespec zero = { 0, 0 };
	struct epoll_event ev;

	*st = (struct idle){ .after = rte_get_tsc_hz() / 1000000 * IDLE_AFTER_US,
			     .sleep_us = IDLE_SLEEP_MIN_US, .queue = queue };
	for (unsigned int p = 0; p < DP_MAX_PORTS; p++)
		st->fd[p] = -1;
	st->epfd = epoll_create1(EPOLL_CLOEXEC);
	/* epoll_pwait2 (Linux 5.11) takes the sleep's microseconds. */
	if (st->epfd >= 0 && epoll_pwait2(st->epfd, &ev, 1, &zero, NULL) < 0) {
		close(st->epfd);
		st->epfd = -1;
	}
}

/* Watch the interrupts of the polled ports that have them, armed; stop
 * watching a port gone or made anew (its fd left the epoll when the
 * device closed it).  Online: it touches the devices. */
static void
idle_watch(struct idle *st, uint32_t polled)
{
	const int *rx_intr_fd = dp.workers[st->queue].rx_intr_fd;

	for (uint32_t todo = polled | st->watched; todo != 0; todo &= todo - 1) {
		uint16_t p = (uint16_t)rte_bsf32(todo);
		uint32_t bit = UINT32_C(1) << p;
		int fd = (polled & bit) && port_live(p) ? rx_intr_fd[p] : -1;
		struct epoll_event ev = { .events = EPOLLIN | EPOLLET, .data.u32 = p };

		if (fd == st->fd[p])
			continue;
		if (st->watched & bit) {
			(void)epoll_ctl(st->epfd, EPOLL_CTL_DEL, st->fd[p], NULL);
			st->watched &= ~bit;
			st->fd[p] = -1;
		}
		if (fd < 0)
			continue;
		/* Edge-triggered: a frame or an interrupt after this wakes
		 * the wait, and nothing need be read from the fd (a tap's is
		 * its queue); one already there is reported at once. */
		(void)rte_eth_dev_rx_intr_enable(ports[p].eth_port, st->queue);
		if (epoll_ctl(st->epfd, EPOLL_CTL_ADD, fd, &ev) == 0) {
			st->watched |= bit;
			st->fd[p] = fd;
		}
	}
}

/* Back to polling: the interrupts of the ports still there disarmed. */
static void
idle_unwatch(struct idle *st)
{
	for (uint32_t todo = st->watched; todo != 0; todo &= todo - 1) {
		uint16_t p = (uint16_t)rte_bsf32(todo);

		if (port_live(p))
			(void)rte_eth_dev_rx_intr_disable(ports[p].eth_port, st->queue);
		(void)epoll_ctl(st->epfd, EPOLL_CTL_DEL, st->fd[p], NULL);
		st->fd[p] = -1;
	}
	st->watched = 0;
}

static inline void
idle_pass(struct idle *st, unsigned int lcore, bool busy, uint32_t polled)
{
	uint64_t now;

	if (busy) {
		/* sleep_us grows with every sleep: back from one. */
		if (unlikely(st->sleep_us != IDLE_SLEEP_MIN_US)) {
			dp_wake_control_resume();
			if (st->watched != 0)
				idle_unwatch(st);
		}
		st->since = 0;
		st->sleep_us = IDLE_SLEEP_MIN_US;
		return;
	}
	now = rte_get_tsc_cycles();
	if (st->since == 0) {
		st->since = now;
		return;
	}
	if (now - st->since < st->after)
		return;
	if (st->epfd >= 0)
		idle_watch(st, polled);
	rte_rcu_qsbr_thread_offline(dp.qsbr, lcore);
	if (st->watched != 0) {
		struct timespec ts = { 0, (long)st->sleep_us * 1000 };
		struct epoll_event ev[4];
		int n;

		/* Woken before the timeout (a frame, or a signal): poll for
		 * IDLE_AFTER_US again before the next wait.  The first poll
		 * may find nothing yet: the tap PMD reads its queue only once
		 * its SIGIO handler has run, which can be a little after the
		 * wake, and the wake's edge is spent. */
		n = epoll_pwait2(st->epfd, ev, RTE_DIM(ev), &ts, NULL);
		if (n != 0)
			st->since = 0;
		if (n > 0)
			dp_counters()->intr_wakes++;
	} else {
		rte_delay_us_sleep(st->sleep_us);
	}
	rte_rcu_qsbr_thread_online(dp.qsbr, lcore);
	st->sleep_us = RTE_MIN(st->sleep_us * 2, (unsigned int)IDLE_SLEEP_MAX_US);
}

int
worker_main(void *arg)
{
	struct dp_worker *dw = arg;
	struct wctx w;
	struct rte_mbuf *pkts[DP_BURST];
	unsigned int lcore = rte_lcore_id();
	struct lcore_counters *lc = dp_counters();

	struct idle idle;
	const bool sleep = worker_idle_sleep;

	uint32_t polled = 0;
	unsigned int rescan = 0;

	wctx_init(&w, dw->index);
	idle_init(&idle, dw->index);
	rte_rcu_qsbr_thread_online(dp.qsbr, lcore);

	while (likely(!dp.quit)) {
		unsigned int got = 0;

		/* The slots worth a look: one cache line per slot is read to
		 * know, so the whole table is read again only every
		 * POLL_RESCAN busy passes, or in an idle one.  Reassembly's
		 * timeouts are swept as often, whatever the traffic: what
		 * a sweep answers leaves with this pass's tx. */
		if (rescan-- == 0) {
			polled = ports_active();
			rescan = POLL_RESCAN;
			nat_frag_sweep(&w);
			frag6_gc(&w, rte_get_tsc_cycles());
		}
		for (uint32_t todo = polled; todo != 0; todo &= todo - 1) {
			uint16_t p = (uint16_t)rte_bsf32(todo);
			uint16_t n;

			if (!port_live(p))
				continue;
			n = rte_eth_rx_burst(ports[p].eth_port, w.queue, pkts, DP_BURST);
			if (n != 0)
				worker_input(&w, p, pkts, n);
			got += n;
		}
		if (got == 0)
			rescan = 0;
		/* This lcore's own slot: plain adds, read by the control lcore. */
		lc->polls++;
		lc->busy_polls += got != 0;
		got += drain_tx_ring(&w, dw->tx_ring);
		tx_flush(&w);
		/* Everything read from the tables in this pass is done with. */
		rte_rcu_qsbr_quiescent(dp.qsbr, lcore);
		if (sleep)
			idle_pass(&idle, lcore, got != 0, polled);
	}

	tx_flush(&w);
	if (idle.watched != 0)
		idle_unwatch(&idle);
	if (idle.epfd >= 0)
		close(idle.epfd);
	/* main() destroys ports with RCU waits after this lcore returns: a
	 * worker left online would block it forever. */
	rte_rcu_qsbr_thread_offline(dp.qsbr, lcore);
	rte_rcu_qsbr_thread_unregister(dp.qsbr, lcore);
	return 0;
}
