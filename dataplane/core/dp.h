/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What every part of the dataplane shares: the global state, the per-packet
 * metadata, the drop reasons and per-lcore counters.
 *
 * Threads: the main lcore ("control lcore") owns every table and is the only
 * writer; worker lcores read the tables under RCU (dp.qsbr) and never block.
 * Workers hand the slow path (ARP, packets waiting for a neighbour) to the
 * control lcore on dp.punt; the control lcore sends its own packets through
 * the workers' tx rings, so no queue is ever shared between threads.
 *
 * Byte order: IPv4 addresses in tables and APIs are host order (as rte_fib
 * wants them) unless a name ends in _be.
 */
#ifndef SLUICE_DP_H
#define SLUICE_DP_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>
#include <rte_udp.h>

#include "proto.h"
#include "trace.h"

/*
 * Frames a worker takes from a queue at once, and the most any per-burst
 * array or mask holds.  More than l3fwd's 32: every cost paid once a
 * burst (the poll loop, the PMDs' own per-call work, the RCU report, the
 * one pass's set-up, the FIB call, the flush) is paid less often a packet
 * (32 to 64: 127.6 -> 119.6 instructions a packet of sluice's own code).
 * 48 rather than 64: measured faster at 65 536 flows (forwarding +2 %,
 * NAT +3 to 6 %) and level at 256, a mix of the PMDs' per-packet misses
 * and the per-burst costs that was not taken apart (docs/performance.md).
 * A multiple of the four-frame lanes; the masks are 64 bits (NAT's and
 * the neighbour hash's bulk lookups take 64 at most); a frame may wait
 * behind 47 others, 4.8 us at 10 Mpps.
 */
#define DP_BURST		48
#define DP_MAX_PORTS		SLUICE_MAX_PORTS
#define DP_MAX_ADDRS		64	/* IPv4 addresses over all ports */
#define DP_MAX_ADDRS6		(64 + DP_MAX_PORTS)	/* IPv6, link-locals included */
#define DP_MAX_WORKERS		RTE_MAX_LCORE
#define DP_PUNT_RING_SIZE	4096
#define DP_TX_RING_SIZE		4096
#define DP_NO_PORT		UINT16_MAX

/* Why a packet was dropped. Names (drop_names[]) are the stats contract. */
enum drop_reason {
	DROP_NOT_FOR_US,	/* L2 destination is neither our MAC nor broadcast */
	DROP_UNSUPPORTED,	/* VLAN, LLDP, other ethertypes */
	DROP_BAD_HEADER,	/* runt frame, bad IPv4 version/IHL/length/checksum */
	DROP_MARTIAN_SRC,
	DROP_MARTIAN_DST,
	DROP_BROADCAST,		/* limited or directed broadcast: not forwarded */
	DROP_NO_ROUTE,
	DROP_BLACKHOLE,
	DROP_TTL,		/* TTL expired in transit */
	DROP_FRAG_NEEDED,	/* DF set and larger than the egress MTU */
	DROP_FRAG_FAILED,	/* fragmentation ran out of buffers */
	DROP_ARP_TIMEOUT,	/* next hop never answered ARP */
	DROP_ARP_HOLD_FULL,	/* too many packets waiting for one next hop */
	DROP_ARP_INVALID,	/* malformed or unusable ARP frame */
	DROP_LOCAL_UNREACH,	/* for us, no listener (port/proto unreachable, TCP reset sent) */
	DROP_ICMP_RATELIMIT,	/* an ICMP error suppressed by the token bucket */
	DROP_QUEUE_FULL,	/* tx queue or internal ring full */
	DROP_PORT_DOWN,		/* egress port administratively down */
	DROP_NO_MBUF,		/* packet pool empty when a packet had to be built */
	DROP_NAT,		/* NAT refused it (counted in detail by nat stats) */
	/* IPv6 (ip6/): the same reasons for the other family, and its own */
	DROP6_BAD_HEADER,	/* runt, version, payload length, bad ICMPv6/ND */
	DROP6_MARTIAN_SRC,	/* ::, ::1, multicast, IPv4-mapped, our own */
	DROP6_MARTIAN_DST,	/* ::, ::1, IPv4-mapped */
	DROP6_SCOPE,		/* link-local source or destination: not forwarded */
	DROP6_MULTICAST,	/* multicast: never forwarded; groups we are not in */
	DROP6_HOP_BY_HOP,	/* hop-by-hop options to a group (MLD) no host interface took */
	DROP6_NO_ROUTE,
	DROP6_BLACKHOLE,
	DROP6_HOP_LIMIT,	/* hop limit expired in transit */
	DROP6_TOO_BIG,		/* larger than the egress MTU (never fragmented) */
	DROP6_LOCAL_UNREACH,	/* for us, nothing listens */
	DROP_ND_TIMEOUT,	/* next hop never answered neighbour solicitations */
	DROP_ND_HOLD_FULL,	/* too many packets waiting for one IPv6 next hop */
	DROP_ND_INVALID,	/* malformed or unusable neighbour discovery message */
	DROP_ND_IGNORED,	/* another router's advertisement, or a redirect */
	DROP_NEIGH_FULL,	/* neighbour table full, nothing in it could go: no room to resolve */
	DROP_SOURCE_ROUTE,	/* IPv4 loose or strict source route option: refused */
	DROP_ARP_IGNORED,	/* ARP not for the router (learnt from, not answered) */
	DROP6_DISABLED,		/* IPv6 on a port whose MTU is under 1280: it has none */
	DROP6_REASSEMBLY,	/* pieces of a datagram for the router that never made one */
	DROP6_FRAG_DUPLICATE,	/* a second copy of a piece held for reassembly */
	DROP__MAX
};
extern const char *const drop_names[DROP__MAX];

/* Per-port counters, per lcore. */
struct port_counters {
	uint64_t rx_packets, rx_bytes, rx_dropped;
	uint64_t tx_packets, tx_bytes, tx_dropped;
};

/* Everything one lcore counts; summed on read by the control lcore.  Each
 * lcore writes only its own slot, so there is no atomic on the fast path. */
struct lcore_counters {
	uint64_t drop[DROP__MAX];
	struct port_counters port[DP_MAX_PORTS];
	/* Worker loop passes, and those whose rx found packets: how busy the
	 * worker is (stats' SLUICE_STATSA_WORKER, the metrics' busy ratio);
	 * and its idle waits an RX interrupt ended early (worker.c). */
	uint64_t polls, busy_polls, intr_wakes;
} __rte_cache_aligned;

/* Stored in every mbuf's private area (pool priv_size). */
enum pkt_kind {
	PKT_ARP,		/* punted: an ARP frame from in_port */
	PKT_RESOLVE,		/* punted: IPv4 packet for out_port waiting for nh_ip */
	PKT_TX,			/* to a worker's tx ring: send on out_port as is */
	PKT_RESOLVE6,		/* punted: IPv6 packet for out_port waiting for nh_ip6 */
	PKT_ND,			/* punted: ICMPv6 ND message (data at IPv6) from in_port */
};
struct pkt_meta {
	union {
		uint32_t nh_ip;		/* next hop, host order (PKT_RESOLVE) */
		uint8_t nh_ip6[16];	/* next hop (PKT_RESOLVE6) */
	};
	uint16_t in_port;
	uint16_t out_port;
	uint8_t kind;		/* enum pkt_kind */
};

static inline struct pkt_meta *
pkt_meta(struct rte_mbuf *m)
{
	return (struct pkt_meta *)rte_mbuf_to_priv(m);
}

struct dp_worker {
	unsigned int lcore;
	uint16_t index;			/* 0..nb_workers-1: its queue on every port */
	struct rte_ring *tx_ring;	/* control lcore -> this worker (PKT_TX) */
	/* Its queue's RX interrupt on each port slot, as an fd its idle
	 * wait can watch (worker.c), or -1 where the device has none: set
	 * by the control lcore while the port is not active. */
	int rx_intr_fd[DP_MAX_PORTS];
};

struct dp_global {
	struct rte_mempool *pool;	/* packets */
	struct rte_mempool *indirect;	/* fragment headers (rte_ip_frag) */
	struct rte_rcu_qsbr *qsbr;	/* workers report quiescent every loop */
	struct rte_ring *punt;		/* workers -> control lcore (MP/SC) */
	uint16_t nb_workers;
	struct dp_worker workers[DP_MAX_WORKERS];
	struct lcore_counters *counters;	/* [RTE_MAX_LCORE] */
	volatile bool quit;
	uint64_t hz;			/* rte_get_tsc_hz() */
};
extern struct dp_global dp;

static inline struct lcore_counters *
dp_counters(void)
{
	return &dp.counters[rte_lcore_id()];
}

static inline void
dp_drop(struct rte_mbuf *m, enum drop_reason why)
{
	TRACE(trace_on(), m, trace_end(m, SLUICE_TRACE_DROP, why, DP_NO_PORT));
	dp_counters()->drop[why]++;
	rte_pktmbuf_free(m);
}

/* A UDP datagram for the router, both families (RFC 768): m holds a UDP
 * header at off whose length is 8 at least and room at most (what the IP
 * header says follows), and whose checksum is right: pseudo is the
 * pseudo-header's raw sum but for the length (the addresses, and the
 * protocol's word), and zero_ok says whether a zero checksum means none
 * (IPv4) or is refused (IPv6: RFC 8200 8.1).  One cut short, lying or
 * damaged is no datagram to a port: the caller drops it as a bad header
 * rather than answer it, as Linux does. */
static inline bool
dp_udp_hdr_ok(const struct rte_mbuf *m, uint32_t off, uint32_t room, uint32_t pseudo,
	      bool zero_ok)
{
	struct rte_udp_hdr buf;
	const struct rte_udp_hdr *u = rte_pktmbuf_read(m, off, sizeof(buf), &buf);
	uint16_t len, raw;

	if (u == NULL)
		return false;
	len = rte_be_to_cpu_16(u->dgram_len);
	if (len < sizeof(buf) || len > room)
		return false;
	if (u->dgram_cksum == 0)
		return zero_ok;
	if (rte_raw_cksum_mbuf(m, off, len, &raw) != 0)
		return false;
	return __rte_raw_cksum_reduce(pseudo + rte_cpu_to_be_16(len) + raw) == 0xffff;
}

/* Sum of one drop reason over every lcore (control lcore, for stats). */
uint64_t dp_drop_total(enum drop_reason why);

/*
 * Packet pool.  Every pool the dataplane or a test makes comes from here so
 * that pkt_meta fits in each mbuf.
 */
struct rte_mempool *dp_pool_create(const char *name, unsigned int n);

/*
 * Set up dp (pools, rings, RCU, counters) after rte_eal_init.  Tests call it
 * with nb_workers = 1 and use their own lcore as the worker.
 */
int dp_init(unsigned int nb_mbufs, uint16_t nb_workers);
/* EAL makes a runtime folder (/run/dpdk/PREFIX, its multi-process
 * socket) even under --no-shconf and leaves it behind: the unit tests,
 * the fuzzers and nat-micro remove theirs at exit with this (atexit),
 * or each run leaves one more. */
void dp_runtime_dir_remove(void);

/*
 * Waking the control lcore.  With nothing to do it sleeps in epoll (main.c)
 * on its socket, the TAPs and dp_wake.fd, an eventfd.  It sets asleep,
 * then looks at its rings once more, then sleeps; a thread that puts work
 * on one of them (dp.punt, the host path's ring) then calls dp_wake_control,
 * which writes the eventfd only if it is the one that clears asleep: one
 * syscall per sleep at most, none while the control lcore is awake.  The
 * two full fences (here and in main.c) make sure that either the sleeper
 * sees the work or the worker sees it asleep.
 *
 * asleep is DP_ASLEEP_IDLE when the control lcore sleeps its idle tick
 * (every worker without traffic for a while, main.c): a worker that finds
 * traffic again after its own idle sleep wakes it then
 * (dp_wake_control_resume), the same way, so that its 10 ms timers, the
 * NAT's clock among them, resume at once.
 */
#define DP_ASLEEP	1
#define DP_ASLEEP_IDLE	2

struct dp_wake {
	uint32_t asleep;	/* 0, DP_ASLEEP or DP_ASLEEP_IDLE */
	int fd;
	uint64_t wakes;		/* eventfd writes (workers; statistics only) */
} __rte_cache_aligned;
extern struct dp_wake dp_wake;

void dp_wake_write(void);

static inline void
dp_wake_control(void)
{
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (unlikely(__atomic_load_n(&dp_wake.asleep, __ATOMIC_RELAXED) != 0) &&
	    __atomic_exchange_n(&dp_wake.asleep, 0, __ATOMIC_ACQ_REL) != 0)
		dp_wake_write();
}

/* A worker's first busy pass after it slept: only a control lcore on its
 * idle tick is woken. */
static inline void
dp_wake_control_resume(void)
{
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (unlikely(__atomic_load_n(&dp_wake.asleep, __ATOMIC_RELAXED) == DP_ASLEEP_IDLE) &&
	    __atomic_exchange_n(&dp_wake.asleep, 0, __ATOMIC_ACQ_REL) != 0)
		dp_wake_write();
}

/* Hand a packet to the control lcore (worker side); counts a drop when full. */
static inline void
dp_punt(struct rte_mbuf *m)
{
	TRACE(trace_on(), m, trace_end(m, SLUICE_TRACE_PUNT, 0, DP_NO_PORT));
	if (unlikely(rte_ring_mp_enqueue(dp.punt, m) != 0))
		dp_drop(m, DROP_QUEUE_FULL);
	else
		dp_wake_control();
}

/* Control lcore: send a finished frame on a port through worker 0's ring. */
void dp_send(struct rte_mbuf *m, uint16_t port);

/*
 * Why the control lcore's current request failed, in words for the user:
 * the message of the netlink extended ack (NLMSGERR_ATTR_MSG), as the
 * kernel's NL_SET_ERR_MSG.  It is one buffer rather than a field of the
 * request because the reasons are known deep below the handlers (port.c,
 * route.c, neigh.c, nat_rule.c), which take no request.  Whatever refuses
 * sets it where the cause is known, `return dp_errmsg(-EINVAL, "...")`
 * (it returns err); the last one set wins.  control.c clears it before each
 * request and sends it with the request's error.  Control lcore only; no
 * trailing period (the client adds it, as iproute2 does).
 */
#define DP_ERRMSG_MAX SLUICE_ERRMSG_MAX
int dp_errmsg(int err, const char *fmt, ...) __rte_format_printf(2, 3);
const char *dp_errmsg_get(void);	/* "" when none was set */
void dp_errmsg_clear(void);

/* The first line DPDK logged at the error level or worse since
 * dp_log_error_clear(), or NULL: what a driver said when it refused a
 * device, which it says only in its log (dplog.c notes the lines). */
void dp_log_error_clear(void);
const char *dp_log_error(void);
void dp_log_error_note(const char *line, size_t len);
/* A host-order IPv4 address in a message: DP_IP4_FMT with DP_IP4_ARGS(ip). */
#define DP_IP4_FMT "%u.%u.%u.%u"
#define DP_IP4_ARGS(ip) (unsigned int)((ip) >> 24), (unsigned int)(((ip) >> 16) & 0xff), \
	(unsigned int)(((ip) >> 8) & 0xff), (unsigned int)((ip) & 0xff)

#endif
