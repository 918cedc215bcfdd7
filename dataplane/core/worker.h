/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A worker lcore: its queue on every port, its tx buffers, its ICMP token
 * bucket.  The packet functions (eth, ip4, icmp, frag, nat) take a wctx and
 * leave what they send in wctx tx buffers, which the loop flushes once per
 * burst: tests call the same functions and read the buffers.
 */
#ifndef SLUICE_WORKER_H
#define SLUICE_WORKER_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "dp.h"
#include "port.h"

#define WCTX_TXBUF	(DP_BURST * 4)	/* fragments can multiply a burst */

/* Frames queued for one port, and their bytes: each writer (tx_buf_add,
 * ip4_fwd_run, ip6_fwd_run) adds what it queues, so that the flush need
 * not read every frame's length again. */
struct txbuf {
	uint16_t n;
	uint32_t bytes;			/* of m[0..n) */
	struct rte_mbuf *m[WCTX_TXBUF];
};

/* Empty b (its frames sent or freed by the caller). */
static inline void
tx_buf_reset(struct txbuf *b)
{
	b->n = 0;
	b->bytes = 0;
}

struct wctx {
	uint16_t queue;			/* this worker's queue id on every port */
	uint32_t tx_dirty;		/* bit p: tx[p] may hold frames */
	struct txbuf tx[DP_MAX_PORTS];
	/* ICMP error token bucket (RFC 1812 4.3.2.8): per worker, no sharing */
	uint64_t icmp_tokens;
	uint64_t icmp_last;		/* TSC of the last refill */
};

/* ICMP errors: bucket size and refill rate (per worker, per second). */
#define ICMP_RATE_BURST	100
#define ICMP_RATE_PER_S	1000

void wctx_init(struct wctx *w, uint16_t queue);

/*
 * A frame's first 16 bytes against a template t, for the worker's one
 * pass: bit i of the result is set when byte i equals t's.  With SSE2 one
 * load, one compare and one mask for the destination MAC, the ethertype
 * and IPv4's version/IHL together; the scalar twin is the fallback of a
 * build without it, and the unit tests hold the two to one answer.
 */
static inline uint32_t
head16_eq_scalar(const void *p, const uint8_t t[16])
{
	const uint8_t *b = p;
	uint32_t eq = 0;

	for (unsigned int i = 0; i < 16; i++)
		eq |= (uint32_t)(b[i] == t[i]) << i;
	return eq;
}

#ifdef __SSE2__
typedef __m128i head16_t;

static inline head16_t
head16_make(const uint8_t t[16])
{
	return _mm_loadu_si128((const __m128i *)(const void *)t);
}

/* head16_eq before the mask: byte i 0xff where it equals t's. */
static inline __m128i
head16_eq_v(const void *p, head16_t t)
{
	return _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)p), t);
}

static inline uint32_t
head16_eq(const void *p, head16_t t)
{
	return (uint32_t)_mm_movemask_epi8(head16_eq_v(p, t));
}
#else
typedef struct { uint8_t b[16]; } head16_t;

static inline head16_t
head16_make(const uint8_t t[16])
{
	head16_t h;

	memcpy(h.b, t, sizeof(h.b));
	return h;
}

static inline uint32_t
head16_eq(const void *p, head16_t t)
{
	return head16_eq_scalar(p, t.b);
}
#endif

/* head16_eq's bits for the destination MAC, and for it with the IPv4
 * ethertype and version/IHL 0x45 (worker_classify's template). */
#define HEAD16_MAC	0x003fu
#define HEAD16_IP4	0x703fu

/* Queue a finished frame for port (counts tx, or a drop when full/down). */
void tx_enqueue(struct wctx *w, uint16_t port, struct rte_mbuf *m);
/* An Ethernet header from port to dst_mac, of ether_type (network order),
 * in front of m (data at its network header), then tx_enqueue.  Consumes m. */
void eth_tx(struct wctx *w, struct rte_mbuf *m, uint16_t port,
	    const struct rte_ether_addr *dst_mac, rte_be16_t ether_type);

/* tx_enqueue's buffer full: send it (a worker) or hand it to the control
 * lcore (the control lcore's wctx). */
void tx_full(struct wctx *w, uint16_t port);

/*
 * tx_enqueue for a port (< DP_MAX_PORTS) the caller saw live in this pass
 * of the worker loop, in two steps so that a loop of packets to one port
 * marks it once: tx_buf_get marks port's buffer for the next tx_flush,
 * tx_buf_add appends to it.
 */
static inline struct txbuf *
tx_buf_get(struct wctx *w, uint16_t port)
{
	w->tx_dirty |= UINT32_C(1) << port;
	return &w->tx[port];
}

static inline void
tx_buf_add(struct wctx *w, uint16_t port, struct txbuf *b, struct rte_mbuf *m)
{
	if (unlikely(b->n == WCTX_TXBUF))
		tx_full(w, port);
	b->m[b->n++] = m;
	b->bytes += rte_pktmbuf_pkt_len(m);
}

/*
 * What a forwarding loop (ip4, ip6) needs of its out port, read when the
 * port changes (once a burst, as a rule) rather than for every packet.
 */
struct fwd_out {
	uint16_t port;		/* DP_NO_PORT: none read yet */
	uint16_t mtu;
	bool live;
	uint8_t src[8];		/* bytes 6-13 of the frame: our MAC, the ethertype */
	struct txbuf *tx;	/* the worker's buffer for port (tx_buf_get) */
};


/* o becomes port's, for frames of type (host order).  A copy in each
 * forwarding loop's file, out of its loop: called once a burst, as a rule,
 * and the compiler sees what it clobbers. */
static __rte_noinline __rte_unused void
fwd_out_read(struct wctx *w, struct fwd_out *o, uint16_t port, uint16_t type)
{
	const uint16_t be = rte_cpu_to_be_16(type);

	o->port = port;
	o->live = port < DP_MAX_PORTS && __atomic_load_n(&ports[port].active, __ATOMIC_ACQUIRE) &&
		  __atomic_load_n(&ports[port].up, __ATOMIC_RELAXED);
	if (!o->live)
		return;
	o->tx = tx_buf_get(w, port);
	o->mtu = ports[port].mtu;
	memcpy(o->src, &ports[port].mac, RTE_ETHER_ADDR_LEN);
	memcpy(o->src + RTE_ETHER_ADDR_LEN, &be, sizeof(be));
}

/* Ethernet to dst_mac in front of m (data at the IP header, one segment)
 * and into o's tx buffer; o->live must be true. */
static inline void
fwd_out_put(struct wctx *w, const struct fwd_out *o, struct rte_mbuf *m,
	    const struct rte_ether_addr *dst_mac)
{
	uint8_t *eth = (uint8_t *)rte_pktmbuf_prepend(m, sizeof(struct rte_ether_hdr));

	if (unlikely(eth == NULL)) {
		dp_drop(m, DROP_NO_MBUF);
		return;
	}
	memcpy(eth, dst_mac, RTE_ETHER_ADDR_LEN);
	memcpy(eth + RTE_ETHER_ADDR_LEN, o->src, sizeof(o->src));
	tx_buf_add(w, o->port, o->tx, m);
}

/* The Ethernet header from o to dst_mac as two overlapping words, bytes
 * 0-7 and 6-13, for fwd_out_rewrite: made once for a run of frames. */
static inline void
fwd_out_hdr(const struct fwd_out *o, const struct rte_ether_addr *dst_mac, uint64_t hdr[2])
{
	uint8_t h[RTE_ETHER_HDR_LEN];

	memcpy(h, dst_mac, RTE_ETHER_ADDR_LEN);
	memcpy(h + RTE_ETHER_ADDR_LEN, o->src, sizeof(o->src));
	memcpy(&hdr[0], h, sizeof(hdr[0]));
	memcpy(&hdr[1], h + RTE_ETHER_HDR_LEN - sizeof(hdr[1]), sizeof(hdr[1]));
}

/* The header fwd_out_hdr made, written over the Ethernet header at eth:
 * two stores. */
static inline void
fwd_hdr_write(uint8_t *eth, const uint64_t hdr[2])
{
	memcpy(eth, &hdr[0], sizeof(hdr[0]));
	memcpy(eth + RTE_ETHER_HDR_LEN - sizeof(hdr[1]), &hdr[1], sizeof(hdr[1]));
}

/* fwd_out_put for a frame whose Ethernet header of o's type is still in
 * front (one segment): the header fwd_out_hdr made is written over it,
 * which spares the strip and the prepend. */
static inline void
fwd_out_rewrite(struct wctx *w, const struct fwd_out *o, struct rte_mbuf *m,
		const uint64_t hdr[2])
{
	fwd_hdr_write(rte_pktmbuf_mtod(m, uint8_t *), hdr);
	tx_buf_add(w, o->port, o->tx, m);
}

/* rte_pktmbuf_adj of a kept Ethernet header, for a frame that leaves the
 * forwarding path (errors, local delivery, punts take an IP packet); the
 * caller checked that the first segment holds it. */
static inline struct rte_mbuf *
fwd_eth_strip(struct rte_mbuf *m)
{
	m->data_off += RTE_ETHER_HDR_LEN;
	m->data_len -= RTE_ETHER_HDR_LEN;
	m->pkt_len -= RTE_ETHER_HDR_LEN;
	return m;
}

/* Send what tx buffers hold (rte_eth_tx_burst); unsent ones are dropped. */
void tx_flush(struct wctx *w);

/* For a wctx used on the control lcore (ICMP errors about packets that
 * failed ARP): hand what its tx buffers hold to dp_send(). */
void wctx_flush_to_control(struct wctx *w);

/* One burst received on in_port: the whole pipeline. Consumes pkts. */
void worker_input(struct wctx *w, uint16_t in_port, struct rte_mbuf **pkts, uint16_t n);

/* The lcore loop. */
int worker_main(void *arg);
/* Sleep when idle (default); --no-idle-sleep clears it before workers start. */
extern bool worker_idle_sleep;

#endif
