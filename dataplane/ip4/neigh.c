/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The neighbour table.
 *
 * One rte_hash (lock-free readers) maps (ip, port) to a key position; the
 * position indexes two arrays: neigh_fast_tbl[], what workers read and
 * write, and nent[], what only the control lcore touches (state, timers, packets held
 * for resolution).  A worker reads one 64-bit word holding the MAC and a
 * valid bit, so it sees either the old MAC or the new one, never half of
 * each; it marks an entry used with a plain byte store, so that the control
 * lcore knows whether a stale entry still carries traffic.
 *
 * A deleted key's position is handed back to the hash only after a grace
 * period (RW_CONCURRENCY_LF implies NO_FREE_ON_DEL): a worker that found the
 * position just before the delete may still read neigh_fast_tbl[pos].
 *
 * A gateway's next hop (route.h) carries its entry's position, so that
 * workers reach the MAC of a route's gateway without hashing: the position
 * is set there when the entry is made and cleared when it goes, before
 * the grace period that hands it back starts.  Only connected
 * destinations (the neighbour is the packet's own destination) are looked
 * up in the hash per packet.
 *
 * States (NUD_*): INCOMPLETE (asking, holding packets) -> REACHABLE ->
 * STALE after neigh_timers.reachable; a stale entry that carried traffic is
 * probed by unicast requests (PROBE) and either confirmed or removed; an
 * unused one is removed after neigh_timers.stale.  PERMANENT never ages.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include <linux/neighbour.h>
#include <linux/netlink.h>

#include "icmp.h"
#include "log.h"
#include "neigh.h"
#include "port.h"
#include "route.h"
#include "worker.h"

#define NEIGH_SLOTS	(NEIGH_MAX * 2)	/* hash room: live entries + deferred frees */

struct neigh_timers neigh_timers = { .reachable = 30, .stale = 60, .retrans = 1 };

struct neigh_key {
	uint32_t ip;
	uint16_t port;
	uint16_t pad;
};

/* Control lcore only. */
struct neigh_ent {
	uint32_t ip;
	uint16_t port;
	uint16_t state;		/* NUD_* */
	uint32_t live;		/* index in live[] */
	uint8_t probes;		/* requests sent in this INCOMPLETE or PROBE */
	uint8_t nheld;
	struct rte_ether_addr mac;
	uint64_t since;		/* TSC: entered this state */
	uint64_t deadline;	/* TSC: next thing to do */
	struct rte_mbuf *held[NEIGH_HOLD_MAX];
};

static struct rte_hash *neigh_hash;
struct neigh_fast *neigh_fast_tbl;	/* shared with workers */
static struct neigh_ent *nent;
static int32_t live[NEIGH_MAX];		/* positions in use, dense */
static uint32_t nlive;

/* Positions deleted, waiting for their grace period (FIFO). */
static struct { int32_t pos; uint64_t token; } pend[NEIGH_SLOTS];
static uint32_t pend_head, pend_n;

static uint64_t clock_last;	/* the latest neigh_timer now */
static uint64_t next_due;	/* no entry needs anything before this */
static struct wctx ctl_w;	/* ICMP errors sent from the control lcore */

static inline uint64_t
secs(double s)
{
	return (uint64_t)(s * (double)dp.hz);
}

/* Now, never behind what neigh_timer was told (tests drive it ahead). */
static inline uint64_t
neigh_clock(void)
{
	uint64_t t = rte_get_tsc_cycles();

	return t > clock_last ? t : clock_last;
}

static inline void
due(uint64_t t)
{
	if (t < next_due)
		next_due = t;
}

static inline uint64_t
mac_word(const struct rte_ether_addr *mac)
{
	uint64_t w = 0;

	memcpy(&w, mac->addr_bytes, RTE_ETHER_ADDR_LEN);
	return w | NEIGH_VALID;
}

static inline struct neigh_key
nkey(uint16_t port, uint32_t ip)
{
	return (struct neigh_key){ .ip = ip, .port = port };
}

static inline bool
port_ok(uint16_t port)
{
	return port < DP_MAX_PORTS && ports[port].used;
}

/* ------------------------------------------------------------------ */
/* Workers */

uint64_t
neigh_lookup_bulk(const uint16_t *port, const uint32_t *ip, unsigned int n,
		  struct rte_ether_addr *macs)
{
	struct neigh_key keys[RTE_HASH_LOOKUP_BULK_MAX];
	const void *kp[RTE_HASH_LOOKUP_BULK_MAX];
	int32_t pos[RTE_HASH_LOOKUP_BULK_MAX];
	uint64_t found = 0;

	/* found has 64 bits: a burst never holds more. */
	if (unlikely(n > RTE_HASH_LOOKUP_BULK_MAX))
		n = RTE_HASH_LOOKUP_BULK_MAX;
	if (n == 0)
		return 0;
	for (unsigned int i = 0; i < n; i++) {
		keys[i] = nkey(port[i], ip[i]);
		kp[i] = &keys[i];
	}
	rte_hash_lookup_bulk(neigh_hash, kp, n, pos);
	for (unsigned int i = 0; i < n; i++)
		if (neigh_fast_at(pos[i], &macs[i]))
			found |= 1ull << i;
	return found;
}

/* ------------------------------------------------------------------ */
/* Entries */

static void
pend_reclaim(bool wait)
{
	while (pend_n > 0) {
		uint32_t i = pend_head;

		if (wait)
			rte_rcu_qsbr_synchronize(dp.qsbr, RTE_QSBR_THRID_INVALID);
		else if (rte_rcu_qsbr_check(dp.qsbr, pend[i].token, false) != 1)
			return;
		wait = false;	/* one grace period covers every older delete */
		rte_hash_free_key_with_position(neigh_hash, pend[i].pos);
		pend_head = (pend_head + 1) % NEIGH_SLOTS;
		pend_n--;
	}
}

static inline int32_t
ent_find(uint16_t port, uint32_t ip)
{
	struct neigh_key k = nkey(port, ip);

	return rte_hash_lookup(neigh_hash, &k);
}

int32_t
neigh_position(uint16_t port, uint32_t ip)
{
	int32_t pos = neigh_hash != NULL ? ent_find(port, ip) : -1;

	return pos >= 0 ? pos : -1;
}

static int32_t
ent_create(uint16_t port, uint32_t ip)
{
	struct neigh_key k = nkey(port, ip);
	struct neigh_ent *e;
	int32_t pos;

	if (nlive >= NEIGH_MAX)
		return -ENOSPC;
	pos = rte_hash_add_key(neigh_hash, &k);
	if (pos == -ENOSPC) {
		pend_reclaim(true);
		pos = rte_hash_add_key(neigh_hash, &k);
	}
	if (pos < 0)
		return pos;
	e = &nent[pos];
	memset(e, 0, sizeof(*e));
	e->ip = ip;
	e->port = port;
	e->state = NUD_NONE;
	e->live = nlive;
	live[nlive++] = pos;
	neigh_fast_tbl[pos].used = 0;
	__atomic_store_n(&neigh_fast_tbl[pos].word, 0, __ATOMIC_RELEASE);
	route_nh_neigh(port, ip, pos);
	return pos;
}

/* Put a held packet (data at its IPv4 header) on the wire to mac. */
static void
held_send(struct rte_mbuf *m, uint16_t port, const struct rte_ether_addr *mac)
{
	struct rte_ether_hdr *eh =
		(struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eh));

	if (unlikely(eh == NULL)) {
		dp_drop(m, DROP_NO_MBUF);
		return;
	}
	eh->dst_addr = *mac;
	eh->src_addr = ports[port].mac;
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	dp_send(m, port);
}

/* Drop what e holds; icmp: tell each sender the host is unreachable. */
static void
held_drop(struct neigh_ent *e, bool icmp)
{
	for (uint8_t i = 0; i < e->nheld; i++) {
		struct rte_mbuf *m = e->held[i];

		if (icmp)
			icmp_error(&ctl_w, m, pkt_meta(m)->in_port, 3, 1, 0);
		dp_drop(m, DROP_ARP_TIMEOUT);
	}
	if (icmp && e->nheld > 0)
		wctx_flush_to_control(&ctl_w);
	e->nheld = 0;
}

static void
ent_remove(int32_t pos, bool icmp)
{
	struct neigh_ent *e = &nent[pos];
	struct neigh_key k = nkey(e->port, e->ip);
	uint32_t slot;

	__atomic_store_n(&neigh_fast_tbl[pos].word, 0, __ATOMIC_RELEASE);
	/* Before the grace period starts: no worker may take pos from the
	 * gateway's next hop once it is handed back. */
	route_nh_neigh(e->port, e->ip, -1);
	held_drop(e, icmp);
	rte_hash_del_key(neigh_hash, &k);
	slot = (pend_head + pend_n) % NEIGH_SLOTS;
	pend[slot].pos = pos;
	pend[slot].token = rte_rcu_qsbr_start(dp.qsbr);
	pend_n++;
	live[e->live] = live[--nlive];
	nent[live[e->live]].live = e->live;
	e->state = NUD_NONE;
}

/* A confirmed MAC: REACHABLE (or PERMANENT), and whatever waited goes. */
static void
ent_confirm(int32_t pos, const struct rte_ether_addr *mac, bool permanent)
{
	struct neigh_ent *e = &nent[pos];
	uint64_t now = neigh_clock();

	e->mac = *mac;
	__atomic_store_n(&neigh_fast_tbl[pos].word, mac_word(mac), __ATOMIC_RELEASE);
	e->state = permanent ? NUD_PERMANENT : NUD_REACHABLE;
	e->since = now;
	e->probes = 0;
	e->deadline = permanent ? UINT64_MAX : now + secs(neigh_timers.reachable);
	due(e->deadline);
	for (uint8_t i = 0; i < e->nheld; i++)
		held_send(e->held[i], e->port, mac);
	e->nheld = 0;
}

int
neigh_learn(uint16_t port, uint32_t ip, const struct rte_ether_addr *mac, bool create)
{
	int32_t pos = ent_find(port, ip);

	if (pos >= 0) {
		if (nent[pos].state != NUD_PERMANENT)
			ent_confirm(pos, mac, false);
		return 0;
	}
	if (!create)
		return 0;
	pos = ent_create(port, ip);
	if (pos < 0)
		return pos;
	ent_confirm(pos, mac, false);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Resolution */

void
neigh_resolve(struct rte_mbuf *m)
{
	struct pkt_meta *meta = pkt_meta(m);
	uint16_t port = meta->out_port;
	uint32_t ip = meta->nh_ip;
	struct neigh_ent *e;
	uint64_t now;
	int32_t pos;

	if (unlikely(!port_ok(port))) {
		dp_drop(m, DROP_PORT_DOWN);
		return;
	}
	pos = ent_find(port, ip);
	if (pos >= 0) {
		e = &nent[pos];
		if (e->state != NUD_INCOMPLETE) {
			/* Resolved since the worker looked. */
			held_send(m, port, &e->mac);
		} else if (e->nheld < NEIGH_HOLD_MAX) {
			e->held[e->nheld++] = m;
		} else {
			dp_drop(m, DROP_ARP_HOLD_FULL);
		}
		return;
	}
	pos = ent_create(port, ip);
	if (pos < 0) {
		dp_drop(m, DROP_ARP_HOLD_FULL);
		return;
	}
	now = neigh_clock();
	e = &nent[pos];
	e->state = NUD_INCOMPLETE;
	e->since = now;
	e->held[e->nheld++] = m;
	e->probes = 1;
	e->deadline = now + secs(neigh_timers.retrans);
	due(e->deadline);
	arp_request(port, ip, NULL);
}

/* ------------------------------------------------------------------ */
/* Ageing */

static void
ent_age(int32_t pos, uint64_t now)
{
	struct neigh_ent *e = &nent[pos];
	uint64_t retrans = secs(neigh_timers.retrans);

	switch (e->state) {
	case NUD_INCOMPLETE:
		if (now < e->deadline)
			break;
		if (e->probes < NEIGH_RETRIES) {
			e->probes++;
			e->deadline = now + retrans;
			arp_request(e->port, e->ip, NULL);
			break;
		}
		e->state = NUD_FAILED;
		ent_remove(pos, true);
		return;
	case NUD_REACHABLE:
		if (now < e->deadline)
			break;
		e->state = NUD_STALE;
		e->since = now;
		__atomic_store_n(&neigh_fast_tbl[pos].used, 0, __ATOMIC_RELAXED);
		e->deadline = now + secs(neigh_timers.stale);
		/* fall through: look at it again soon for use */
		/* FALLTHROUGH */
	case NUD_STALE:
		if (__atomic_load_n(&neigh_fast_tbl[pos].used, __ATOMIC_RELAXED)) {
			e->state = NUD_PROBE;
			e->probes = 1;
			e->deadline = now + retrans;
			arp_request(e->port, e->ip, &e->mac);
			break;
		}
		if (now >= e->since + secs(neigh_timers.stale)) {
			ent_remove(pos, false);
			return;
		}
		/* Use is seen only by looking: look every tenth of a second. */
		e->deadline = RTE_MIN(e->since + secs(neigh_timers.stale), now + dp.hz / 10);
		break;
	case NUD_PROBE:
		if (now < e->deadline)
			break;
		if (e->probes < NEIGH_RETRIES) {
			e->probes++;
			e->deadline = now + retrans;
			arp_request(e->port, e->ip, &e->mac);
			break;
		}
		ent_remove(pos, false);
		return;
	default:
		return;
	}
	due(e->deadline);
}

void
neigh_timer(uint64_t now)
{
	if (now > clock_last)
		clock_last = now;
	pend_reclaim(false);
	if (now < next_due)
		return;
	next_due = UINT64_MAX;
	/* Backwards: a removal moves the last entry into the hole. */
	for (uint32_t i = nlive; i-- > 0;)
		ent_age(live[i], now);
}

/* ------------------------------------------------------------------ */
/* Management */

int
neigh_add(uint16_t port, uint32_t ip, const struct rte_ether_addr *mac,
	  bool permanent, uint16_t nl_flags)
{
	int32_t pos;

	if (!port_ok(port))
		return -ENODEV;
	if (ip == 0 || ip >= 0xe0000000u)
		return dp_errmsg(-EINVAL, "neighbour address " DP_IP4_FMT " is not a unicast "
				 "address", DP_IP4_ARGS(ip));
	if (mac == NULL || !rte_is_valid_assigned_ether_addr(mac))
		return dp_errmsg(-EINVAL, "a neighbour's lladdr may be neither multicast nor zero");
	pos = ent_find(port, ip);
	if (pos >= 0 && (nl_flags & NLM_F_EXCL))
		return -EEXIST;
	if (pos < 0) {
		pos = ent_create(port, ip);
		if (pos < 0)
			return pos;
	}
	ent_confirm(pos, mac, permanent);
	return 0;
}

int
neigh_del(uint16_t port, uint32_t ip)
{
	int32_t pos = ent_find(port, ip);

	if (pos < 0)
		return -ENOENT;
	ent_remove(pos, false);
	return 0;
}

static void
flush(uint16_t port, bool permanent_too)
{
	for (uint32_t i = nlive; i-- > 0;) {
		struct neigh_ent *e = &nent[live[i]];

		if ((port == DP_NO_PORT || e->port == port) &&
		    (permanent_too || e->state != NUD_PERMANENT))
			ent_remove(live[i], false);
	}
}

void
neigh_flush(uint16_t port)
{
	flush(port, false);
}

void
neigh_flush_port_all(uint16_t port)
{
	flush(port, true);
}

static int
info_cmp(const void *a, const void *b)
{
	const struct neigh_info *x = a, *y = b;

	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return x->ip < y->ip ? -1 : x->ip > y->ip;
}

int
neigh_walk_from(struct neigh_pos *pos, int (*cb)(const struct neigh_info *n, void *arg), void *arg)
{
	const struct neigh_info from = { .port = pos->port, .ip = pos->ip };
	struct neigh_info *v;
	uint32_t n = 0;
	int ret = 0;

	if (nlive == 0)
		return 0;
	v = malloc(nlive * sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < nlive; i++) {
		const struct neigh_ent *e = &nent[live[i]];

		v[n] = (struct neigh_info){ .port = e->port, .ip = e->ip,
					    .mac = e->mac, .state = e->state };
		if (info_cmp(&v[n], &from) >= 0)
			n++;
	}
	qsort(v, n, sizeof(*v), info_cmp);
	for (uint32_t i = 0; i < n && ret == 0; i++) {
		ret = cb(&v[i], arg);
		if (ret != 0)
			*pos = (struct neigh_pos){ .port = v[i].port, .ip = v[i].ip };
	}
	free(v);
	return ret;
}

int
neigh_walk(int (*cb)(const struct neigh_info *n, void *arg), void *arg)
{
	struct neigh_pos pos = { 0 };

	return neigh_walk_from(&pos, cb, arg);
}

int
neigh_init(void)
{
	struct rte_hash_parameters hp = {
		.name = "sluice_neigh",
		.entries = NEIGH_SLOTS,
		.key_len = sizeof(struct neigh_key),
		.hash_func = rte_hash_crc,
		.socket_id = (int)rte_socket_id(),
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
	};

	neigh_hash = rte_hash_create(&hp);
	neigh_fast_tbl = rte_zmalloc("sluice_neigh_fast", sizeof(*neigh_fast_tbl) * NEIGH_SLOTS,
			    RTE_CACHE_LINE_SIZE);
	nent = rte_zmalloc("sluice_neigh_ent", sizeof(*nent) * NEIGH_SLOTS,
			   RTE_CACHE_LINE_SIZE);
	if (neigh_hash == NULL || neigh_fast_tbl == NULL || nent == NULL) {
		fprintf(stderr, SD_ERR "neigh_init: table of %u entries: %s\n", NEIGH_SLOTS,
			rte_strerror(rte_errno));
		return -ENOMEM;
	}
	wctx_init(&ctl_w, 0);
	next_due = UINT64_MAX;
	return 0;
}
