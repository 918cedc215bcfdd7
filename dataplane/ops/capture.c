/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet capture.  One session at a time, owned by a control client:
 *
 *  - workers, when the burst's port and direction are in the session's
 *    mask, copy each frame with rte_pcapng_copy into the capture pool (an
 *    enhanced packet block around the first snaplen bytes) and put the
 *    copies on a multi-producer ring.  A copy the pool or the ring cannot
 *    take is counted in capture_drops; a worker never waits.  With no
 *    session the masks are 0 and the cost is one load and branch per burst;
 *  - the control lcore (capture_poll, every loop) writes the copies with
 *    rte_pcapng_write_packets to the socket the client passed (one end of
 *    a SOCK_SEQPACKET pair, non-blocking).  A datagram is queued whole or
 *    not at all (EAGAIN), so a slow reader leaves the batch for the next
 *    poll and the stream of blocks stays valid; meanwhile the ring fills
 *    and the workers count what they cannot copy;
 *  - the session ends on its count, on SLUICE_DELCAPTURE, when the
 *    client's control connection closes or its socket fails (EPIPE: the
 *    reader went away).  The masks are cleared first, an RCU grace period
 *    lets the workers finish their burst, then what they copied is written
 *    (as far as the socket takes it), an interface statistics block per
 *    port says how many frames were written and lost, and the socket is
 *    closed: the reader sees the end of the file.
 */
#define ALLOW_EXPERIMENTAL_API 1
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_pcapng.h>
#include <rte_ring.h>
#include <rte_version.h>

#include "capture.h"
#include "dp.h"
#include "port.h"

#define CAPTURE_POOL	4095	/* copies in flight, at most */
#define CAPTURE_RING	4096
#define CAPTURE_BATCH	16	/* blocks per datagram: well under SO_SNDBUF */
#define CAPTURE_ROUNDS	16	/* batches per poll: the lcore has other work */
#define CAPTURE_SNDBUF	(4 * 1024 * 1024)

uint32_t capture_rx_ports, capture_tx_ports;

static struct {
	struct rte_mempool *pool;
	struct rte_ring *ring;
	uint32_t snaplen;		/* read by workers while a session runs */
	uint64_t tsc0, ns0;		/* TSC to wall clock, for the blocks' time */
	/* Each slot's DPDK port when the session started: the interface
	 * blocks list those, so a port made later in a slot is written as
	 * one of them rather than as an interface the file lacks. */
	uint16_t eth_of[DP_MAX_PORTS];
	/* The session (control lcore). */
	bool on;
	struct ctl_client *owner;
	rte_pcapng_t *pc;
	uint32_t ports;			/* captured slots, either direction */
	uint32_t count, written;
	uint64_t start_ns;
	uint64_t drops0[DP_MAX_PORTS];	/* capture drops when it started */
	uint64_t frames[DP_MAX_PORTS];	/* written, by port slot */
	struct rte_mbuf *pend[CAPTURE_BATCH];
	unsigned int npend;
} cap;

/* Per lcore, per port: copies not made.  Each lcore writes its own. */
static struct {
	uint64_t n[DP_MAX_PORTS];
} __rte_cache_aligned cap_drops[RTE_MAX_LCORE];

uint32_t
capture_snaplen_max(void)
{
	/* A copy is one buffer: the data padded to 4 bytes, then the flags
	 * and queue options and the trailing length (rte_pcapng_mbuf_size
	 * counts them); the block header goes in the headroom. */
	uint32_t extra = rte_pcapng_mbuf_size(0) - sizeof(struct rte_mbuf);

	return (RTE_MBUF_DEFAULT_DATAROOM - extra) & ~3u;
}

/*
 * DPDK 22.11's rte_pcapng_copy turns TSC cycles into nanoseconds with a
 * product that overflows some seconds after the process started, so the
 * blocks' time is set here from the session's own reference.
 */
static inline uint64_t
tsc_ns(uint64_t tsc)
{
	uint64_t d = tsc - cap.tsc0;

	return cap.ns0 + d / dp.hz * 1000000000 + d % dp.hz * 1000000000 / dp.hz;
}

/* The enhanced packet block's timestamp (high word, then low word). */
static inline void
epb_time(struct rte_mbuf *c, uint64_t ns)
{
	uint32_t *w = rte_pktmbuf_mtod_offset(c, uint32_t *, 12);

	w[0] = (uint32_t)(ns >> 32);
	w[1] = (uint32_t)ns;
}

void
capture_burst(uint16_t port, uint16_t queue, struct rte_mbuf *const *pkts, uint16_t n, int dir)
{
	enum rte_pcapng_direction d = dir == SLUICE_CAPTURE_IN ? RTE_PCAPNG_DIRECTION_IN :
				      RTE_PCAPNG_DIRECTION_OUT;
	uint16_t eth = cap.eth_of[port];
	uint64_t now = rte_get_tsc_cycles();
	uint32_t snap = cap.snaplen;
	struct rte_mbuf *c[DP_BURST];
	unsigned int lost = 0;
	uint64_t ns = tsc_ns(now);

	while (n > 0) {
		uint16_t k = 0, q, chunk = RTE_MIN(n, (uint16_t)DP_BURST);

		for (uint16_t i = 0; i < chunk; i++) {
			c[k] = rte_pcapng_copy(eth, queue, pkts[i], cap.pool, snap, now, d);
			if (likely(c[k] != NULL))
				epb_time(c[k++], ns);
		}
		q = (uint16_t)rte_ring_mp_enqueue_burst(cap.ring, (void **)c, k, NULL);
		if (unlikely(q < k))
			rte_pktmbuf_free_bulk(&c[q], k - q);
		lost += chunk - q;
		pkts += chunk;
		n -= chunk;
	}
	if (unlikely(lost != 0))
		cap_drops[rte_lcore_id()].n[port] += lost;
}

static uint64_t
drops_port(uint16_t port)
{
	uint64_t sum = 0;

	for (unsigned int l = 0; l < RTE_MAX_LCORE; l++)
		sum += cap_drops[l].n[port];
	return sum;
}

uint64_t
capture_drops_total(void)
{
	uint64_t sum = 0;

	for (uint16_t p = 0; p < DP_MAX_PORTS; p++)
		sum += drops_port(p);
	return sum;
}

unsigned int
capture_sessions(void)
{
	return cap.on;
}

static int
capture_setup(void)
{
	if (cap.pool == NULL)
		cap.pool = rte_pktmbuf_pool_create("sluice_capture", CAPTURE_POOL, 64, 0,
						   RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (cap.ring == NULL)
		cap.ring = rte_ring_create("sluice_capture", CAPTURE_RING, rte_socket_id(),
					   RING_F_SC_DEQ);
	if (cap.pool == NULL || cap.ring == NULL)
		return dp_errmsg(-ENOMEM, "no memory for the capture pool (%u buffers)",
				 CAPTURE_POOL);
	return 0;
}

/* The socket must be ours to write whole datagrams to without waiting. */
static int
capture_socket(int fd)
{
	int type = 0, sz = CAPTURE_SNDBUF, fl;
	socklen_t len = sizeof(type);

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_SEQPACKET)
		return dp_errmsg(-EINVAL, "the output must be a SOCK_SEQPACKET socket");
	/* Room for bursts while the reader catches up; beyond wmem_max
	 * only with CAP_NET_ADMIN, else as much as allowed. */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) != 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0)
		return dp_errmsg(-errno, "cannot make the output non-blocking");
	return 0;
}

int
capture_start(struct ctl_client *c, int fd, uint32_t ports_mask, int dir,
	      uint32_t snaplen, uint32_t count)
{
	struct timespec ts;
	char app[64];
	int err;

	if (cap.on) {
		close(fd);
		return dp_errmsg(-EBUSY, "a capture is already running");
	}
	if ((err = capture_setup()) != 0 || (err = capture_socket(fd)) != 0) {
		close(fd);
		return err;
	}
	snprintf(app, sizeof(app), "sluice-dataplane %s (%s)", SLUICE_VERSION, rte_version());
	/* The section and one interface block per DPDK port: the socket is
	 * empty, so they fit. */
	cap.pc = rte_pcapng_fdopen(fd, NULL, NULL, app, NULL);
	if (cap.pc == NULL) {
		close(fd);
		return dp_errmsg(-EIO, "cannot write the pcapng header: %s",
				 rte_strerror(rte_errno));
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	cap.tsc0 = rte_get_tsc_cycles();
	cap.start_ns = cap.ns0 = (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
	cap.owner = c;
	cap.ports = ports_mask;
	cap.count = count;
	cap.written = 0;
	cap.npend = 0;
	cap.snaplen = RTE_MIN(snaplen, capture_snaplen_max());
	for (uint16_t p = 0; p < DP_MAX_PORTS; p++) {
		cap.drops0[p] = drops_port(p);
		cap.frames[p] = 0;
		/* A port without a device (unit tests): interface 0. */
		cap.eth_of[p] = ports[p].used && ports[p].eth_port < RTE_MAX_ETHPORTS ?
				ports[p].eth_port : 0;
	}
	cap.on = true;
	/* snaplen and the ring are set before a worker can see a mask. */
	__atomic_store_n(&capture_rx_ports, dir & SLUICE_CAPTURE_IN ? ports_mask : 0,
			 __ATOMIC_RELEASE);
	__atomic_store_n(&capture_tx_ports, dir & SLUICE_CAPTURE_OUT ? ports_mask : 0,
			 __ATOMIC_RELEASE);
	return 0;
}

/* Count what a batch holds by port, then give the buffers back. */
static void
batch_done(void)
{
	for (unsigned int i = 0; i < cap.npend; i++) {
		struct rte_mbuf *m = cap.pend[i];

		for (uint16_t p = 0; p < DP_MAX_PORTS; p++)
			if ((cap.ports & (UINT32_C(1) << p)) && cap.eth_of[p] == m->port) {
				cap.frames[p]++;
				break;
			}
	}
	cap.written += cap.npend;
	rte_pktmbuf_free_bulk(cap.pend, cap.npend);
	cap.npend = 0;
}

/* Write batches while the socket takes them: 1 when it is full, 0 when the
 * ring is empty or the count reached, -1 when the socket failed. */
static int
capture_flush(unsigned int rounds)
{
	for (unsigned int r = 0; r < rounds; r++) {
		if (cap.npend == 0) {
			unsigned int max = CAPTURE_BATCH;

			if (cap.count != 0)
				max = RTE_MIN(max, cap.count - cap.written);
			if (max == 0)
				return 0;
			cap.npend = rte_ring_sc_dequeue_burst(cap.ring, (void **)cap.pend, max, NULL);
			if (cap.npend == 0)
				return 0;
		}
		if (rte_pcapng_write_packets(cap.pc, cap.pend, (uint16_t)cap.npend) < 0)
			return rte_errno == EAGAIN || rte_errno == EWOULDBLOCK ? 1 : -1;
		batch_done();
	}
	return 1;
}

static void
capture_end(bool flush)
{
	struct rte_mbuf *m[DP_BURST];
	struct timespec ts;
	uint64_t end_ns;
	unsigned int n;

	__atomic_store_n(&capture_rx_ports, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&capture_tx_ports, 0, __ATOMIC_RELEASE);
	/* No worker is inside capture_burst after this. */
	rte_rcu_qsbr_synchronize(dp.qsbr, RTE_QSBR_THRID_INVALID);
	if (flush && capture_flush(UINT_MAX) >= 0) {
		clock_gettime(CLOCK_REALTIME, &ts);
		end_ns = (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
		for (uint16_t p = 0; p < DP_MAX_PORTS; p++)
			if (cap.ports & (UINT32_C(1) << p))
				(void)rte_pcapng_write_stats(cap.pc, cap.eth_of[p], NULL,
							     cap.start_ns, end_ns, cap.frames[p],
							     drops_port(p) - cap.drops0[p]);
	}
	if (cap.npend != 0)
		rte_pktmbuf_free_bulk(cap.pend, cap.npend);
	cap.npend = 0;
	while ((n = rte_ring_sc_dequeue_burst(cap.ring, (void **)m, DP_BURST, NULL)) > 0)
		rte_pktmbuf_free_bulk(m, n);
	rte_pcapng_close(cap.pc);	/* closes the socket: the reader's EOF */
	cap.pc = NULL;
	cap.owner = NULL;
	cap.on = false;
}

int
capture_stop(struct ctl_client *c)
{
	if (!cap.on || cap.owner != c)
		return -ENOENT;
	capture_end(true);
	return 0;
}

void
capture_poll(void)
{
	int r;

	if (!cap.on)
		return;
	r = capture_flush(CAPTURE_ROUNDS);
	if (r < 0)
		capture_end(false);	/* the reader went away */
	else if (cap.count != 0 && cap.written >= cap.count)
		capture_end(true);
}
