/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The neighbour table, both families: ARP's (RFC 826) and neighbour
 * discovery's (RFC 4861).  An entry's key is a 16-byte address, an IPv4
 * one as its IPv4-mapped form ::ffff:a.b.c.d (never an IPv6 neighbour: it
 * is a martian there), so that one table, one state machine and one set of
 * bounds serve both.
 *
 * The table sends nothing and calls no packet stage.  What is due, a
 * request (ASK, PROBE), held packets resolved (SEND) or failed (FAIL), it
 * hands back in a struct neigh_act from the call that made it due
 * (neigh_hold, neigh_age, the learn functions), and the caller acts:
 * resolve.c asks with ARP (arp.c) or neighbour discovery (nd.c), puts
 * held packets on the wire, answers failed ones with ICMP or ICMPv6.
 * Packets an add from netlink resolves wait for the next neigh_age.
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
 * A gateway's next hop (route.h, route6.h) carries its entry's position, so that
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

#include <sys/socket.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>

#include "ip6_addr.h"
#include "log.h"
#include "neigh.h"
#include "port.h"
#include "route.h"
#include "route6.h"

#define NEIGH_SLOTS	(NEIGH_MAX * 2)	/* hash room: live entries + deferred frees */

struct neigh_timers neigh_timers = { .reachable = 30, .stale = 60, .retrans = 1 };

struct neigh_key {
	uint8_t a[16];		/* IPv6, or IPv4-mapped */
	uint16_t port;
	uint16_t pad;
};

/* Control lcore only. */
struct neigh_ent {
	uint8_t a[16];
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
static uint32_t age_left;	/* a neigh_age pass: live[0..age_left) to do */
static bool age_on;		/* a pass is under way */

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
nkey(uint16_t port, const uint8_t *a)
{
	struct neigh_key k = { .port = port };

	memcpy(k.a, a, sizeof(k.a));
	return k;
}

/* ------------------------------------------------------------------ */
/* Workers */

static uint64_t
lookup_keys(const void **kp, unsigned int n, struct rte_ether_addr *macs)
{
	int32_t pos[RTE_HASH_LOOKUP_BULK_MAX];
	uint64_t found = 0;

	rte_hash_lookup_bulk(neigh_hash, kp, n, pos);
	for (unsigned int i = 0; i < n; i++)
		if (neigh_fast_at(pos[i], &macs[i]))
			found |= 1ull << i;
	return found;
}

uint64_t
neigh_lookup_bulk(const uint16_t *port, const uint32_t *ip, unsigned int n,
		  struct rte_ether_addr *macs)
{
	struct neigh_key keys[RTE_HASH_LOOKUP_BULK_MAX];
	const void *kp[RTE_HASH_LOOKUP_BULK_MAX];

	/* found has 64 bits: a burst never holds more. */
	if (unlikely(n > RTE_HASH_LOOKUP_BULK_MAX))
		n = RTE_HASH_LOOKUP_BULK_MAX;
	if (n == 0)
		return 0;
	for (unsigned int i = 0; i < n; i++) {
		keys[i] = (struct neigh_key){ .port = port[i] };
		neigh_v4_mapped(ip[i], keys[i].a);
		kp[i] = &keys[i];
	}
	return lookup_keys(kp, n, macs);
}

uint64_t
neigh6_lookup_bulk(const uint16_t *port, const uint8_t (*ip)[16], unsigned int n,
		   struct rte_ether_addr *macs)
{
	struct neigh_key keys[RTE_HASH_LOOKUP_BULK_MAX];
	const void *kp[RTE_HASH_LOOKUP_BULK_MAX];

	if (unlikely(n > RTE_HASH_LOOKUP_BULK_MAX))
		n = RTE_HASH_LOOKUP_BULK_MAX;
	if (n == 0)
		return 0;
	for (unsigned int i = 0; i < n; i++) {
		keys[i] = nkey(port[i], ip[i]);
		kp[i] = &keys[i];
	}
	return lookup_keys(kp, n, macs);
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
ent_find(uint16_t port, const uint8_t *a)
{
	struct neigh_key k = nkey(port, a);

	return rte_hash_lookup(neigh_hash, &k);
}

int32_t
neigh_position(uint16_t port, uint32_t ip)
{
	uint8_t a[16];
	int32_t pos;

	if (neigh_hash == NULL)
		return -1;
	neigh_v4_mapped(ip, a);
	pos = ent_find(port, a);
	return pos >= 0 ? pos : -1;
}

int32_t
neigh6_position(uint16_t port, const uint8_t *ip)
{
	int32_t pos;

	if (neigh_hash == NULL)
		return -1;
	pos = ent_find(port, ip);
	return pos >= 0 ? pos : -1;
}

static void ent_remove(int32_t pos, struct neigh_act *fail);

/*
 * The table is full: remove one entry that nothing waits on and no
 * traffic has used, as the kernel's forced collection does, so that a
 * host on a large network (an IPv6 /64) that makes the router learn
 * senders keeps new neighbours out for EVICT_AGE at most.  A STALE
 * entry may go, a REACHABLE one once confirmed EVICT_AGE ago; never a
 * PERMANENT one, one being asked for (INCOMPLETE, PROBE) or one a worker
 * has used since it was confirmed.  The hand moves on from call to call,
 * EVICT_SCAN entries at most each, so every entry is looked at in turn.
 */
#define EVICT_SCAN	64
#define EVICT_AGE	5.0	/* seconds */
static uint32_t evict_hand;

static bool
ent_evict(void)
{
	uint64_t now = neigh_clock();

	for (uint32_t k = 0; k < EVICT_SCAN && nlive > 0; k++) {
		int32_t pos = live[evict_hand++ % nlive];
		const struct neigh_ent *e = &nent[pos];

		if (__atomic_load_n(&neigh_fast_tbl[pos].used, __ATOMIC_RELAXED))
			continue;
		if (e->state == NUD_STALE ||
		    (e->state == NUD_REACHABLE && now - e->since >= secs(EVICT_AGE))) {
			ent_remove(pos, NULL);
			return true;
		}
	}
	return false;
}

static int32_t
ent_create(uint16_t port, const uint8_t *a)
{
	struct neigh_key k = nkey(port, a);
	struct neigh_ent *e;
	int32_t pos;

	if (nlive >= NEIGH_MAX && !ent_evict())
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
	memcpy(e->a, a, sizeof(e->a));
	e->port = port;
	e->state = NUD_NONE;
	e->live = nlive;
	live[nlive++] = pos;
	neigh_fast_tbl[pos].used = 0;
	__atomic_store_n(&neigh_fast_tbl[pos].word, 0, __ATOMIC_RELEASE);
	if (neigh_is_v4(a))
		route_nh_neigh(port, neigh_v4_of(a), pos);
	else
		route6_nh_neigh(port, a, pos);
	return pos;
}

/* What e's act is about: e itself. */
static void
act_of(struct neigh_act *act, const struct neigh_ent *e, uint8_t what)
{
	act->what = what;
	act->n = 0;
	act->port = e->port;
	memcpy(act->a, e->a, sizeof(act->a));
	act->mac = e->mac;
}

/*
 * Packets held for resolution over all entries, and their bound: an eighth
 * of the packet pool.  Without it a scan of a connected /16 (16 384
 * entries, 8 packets each) would hold the whole pool for the three seconds
 * resolution takes, and every port would stop receiving.
 */
static uint32_t held_total, held_max;

/* What e holds goes into act (the caller sends or fails it), or, without
 * act, is dropped. */
static void
held_give(struct neigh_ent *e, struct neigh_act *act)
{
	held_total -= e->nheld;
	for (uint8_t i = 0; i < e->nheld; i++) {
		if (act != NULL)
			act->pkts[act->n++] = e->held[i];
		else
			dp_drop(e->held[i], neigh_is_v4(e->a) ? DROP_ARP_TIMEOUT : DROP_ND_TIMEOUT);
	}
	e->nheld = 0;
}

/* fail: what e holds is handed back to fail (FAIL), else dropped. */
static void
ent_remove(int32_t pos, struct neigh_act *fail)
{
	struct neigh_ent *e = &nent[pos];
	struct neigh_key k = nkey(e->port, e->a);
	uint32_t slot;

	__atomic_store_n(&neigh_fast_tbl[pos].word, 0, __ATOMIC_RELEASE);
	/* Before the grace period starts: no worker may take pos from the
	 * gateway's next hop once it is handed back. */
	if (neigh_is_v4(e->a))
		route_nh_neigh(e->port, neigh_v4_of(e->a), -1);
	else
		route6_nh_neigh(e->port, e->a, -1);
	if (fail != NULL)
		act_of(fail, e, NEIGH_ACT_FAIL);
	held_give(e, fail);
	rte_hash_del_key(neigh_hash, &k);
	slot = (pend_head + pend_n) % NEIGH_SLOTS;
	pend[slot].pos = pos;
	pend[slot].token = rte_rcu_qsbr_start(dp.qsbr);
	pend_n++;
	live[e->live] = live[--nlive];
	nent[live[e->live]].live = e->live;
	e->state = NUD_NONE;
}

/* A confirmed MAC: REACHABLE (or PERMANENT), and whatever waited goes:
 * into act (SEND), or without act with the next neigh_age. */
static void
ent_confirm(int32_t pos, const struct rte_ether_addr *mac, bool permanent,
	    struct neigh_act *act)
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
	if (act != NULL) {
		act_of(act, e, e->nheld > 0 ? NEIGH_ACT_SEND : 0);
		held_give(e, act);
	} else if (e->nheld > 0) {
		due(now);
	}
}

/* What an ARP reply or request, or a solicited NA, showed: a on port is at
 * mac, REACHABLE (made when create). */
static int
learn(uint16_t port, const uint8_t *a, const struct rte_ether_addr *mac, bool create,
      struct neigh_act *act)
{
	int32_t pos = ent_find(port, a);

	act->what = 0;
	act->n = 0;
	if (pos >= 0) {
		if (nent[pos].state != NUD_PERMANENT)
			ent_confirm(pos, mac, false, act);
		return 0;
	}
	if (!create)
		return 0;
	pos = ent_create(port, a);
	if (pos < 0)
		return pos;
	ent_confirm(pos, mac, false, act);
	return 0;
}

int
neigh_learn(uint16_t port, uint32_t ip, const struct rte_ether_addr *mac, bool create,
	    struct neigh_act *act)
{
	uint8_t a[16];

	neigh_v4_mapped(ip, a);
	return learn(port, a, mac, create, act);
}

int
neigh6_learn(uint16_t port, const uint8_t *ip, const struct rte_ether_addr *mac, bool create,
	     struct neigh_act *act)
{
	return learn(port, ip, mac, create, act);
}

/* What ND's "is the sender known" needs (RFC 4861 7.2.5): the state, or
 * NUD_NONE when there is no entry; the MAC in *mac. */
uint16_t
neigh6_state(uint16_t port, const uint8_t *ip, struct rte_ether_addr *mac)
{
	int32_t pos = ent_find(port, ip);

	if (pos < 0)
		return NUD_NONE;
	if (mac != NULL)
		*mac = nent[pos].mac;
	return nent[pos].state;
}

/* An unsolicited or unconfirmed advertisement with a different MAC: the
 * new MAC, STALE until traffic proves it (RFC 4861 7.2.5, 7.2.6). */
void
neigh6_stale(uint16_t port, const uint8_t *ip, const struct rte_ether_addr *mac,
	     struct neigh_act *act)
{
	int32_t pos = ent_find(port, ip);
	struct neigh_ent *e;
	uint64_t now = neigh_clock();

	act->what = 0;
	act->n = 0;
	if (pos < 0 || nent[pos].state == NUD_PERMANENT)
		return;
	e = &nent[pos];
	if (e->state == NUD_INCOMPLETE) {
		/* What waited may go now: the address has a MAC. */
		ent_confirm(pos, mac, false, act);
	} else {
		e->mac = *mac;
		__atomic_store_n(&neigh_fast_tbl[pos].word, mac_word(mac), __ATOMIC_RELEASE);
	}
	e->state = NUD_STALE;
	e->since = now;
	__atomic_store_n(&neigh_fast_tbl[pos].used, 0, __ATOMIC_RELAXED);
	e->deadline = now;
	due(now);
}

/* ------------------------------------------------------------------ */
/* Resolution */

int
neigh_hold(uint16_t port, const uint8_t *a, struct rte_mbuf *m, struct neigh_act *act)
{
	struct neigh_ent *e;
	uint64_t now;
	int32_t pos;

	act->what = 0;
	act->n = 0;
	pos = ent_find(port, a);
	if (pos >= 0) {
		e = &nent[pos];
		if (e->state != NUD_INCOMPLETE) {
			/* Resolved since the worker looked; after anything an
			 * add left waiting. */
			act_of(act, e, NEIGH_ACT_SEND);
			held_give(e, act);
			act->pkts[act->n++] = m;
		} else if (e->nheld < NEIGH_HOLD_MAX && held_total < held_max) {
			e->held[e->nheld++] = m;
			held_total++;
		} else {
			return -ENOBUFS;
		}
		return 0;
	}
	if (held_total >= held_max)
		return -ENOBUFS;
	pos = ent_create(port, a);
	if (pos < 0)
		return -ENOSPC;
	now = neigh_clock();
	e = &nent[pos];
	e->state = NUD_INCOMPLETE;
	e->since = now;
	e->held[e->nheld++] = m;
	held_total++;
	e->probes = 1;
	e->deadline = now + secs(neigh_timers.retrans);
	due(e->deadline);
	act_of(act, e, NEIGH_ACT_ASK);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Ageing */

/* e's state at now; true when act holds something to do. */
static bool
ent_age(int32_t pos, uint64_t now, struct neigh_act *act)
{
	struct neigh_ent *e = &nent[pos];
	uint64_t retrans = secs(neigh_timers.retrans);

	/* Packets an add resolved go first, with whatever else is due. */
	act_of(act, e, 0);
	if (e->nheld > 0 && e->state != NUD_INCOMPLETE) {
		act->what = NEIGH_ACT_SEND;
		held_give(e, act);
	}
	switch (e->state) {
	case NUD_INCOMPLETE:
		if (now < e->deadline)
			break;
		if (e->probes < NEIGH_RETRIES) {
			e->probes++;
			e->deadline = now + retrans;
			act->what |= NEIGH_ACT_ASK;
			break;
		}
		e->state = NUD_FAILED;
		ent_remove(pos, act);
		return true;
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
			act->what |= NEIGH_ACT_PROBE;
			break;
		}
		if (now >= e->since + secs(neigh_timers.stale)) {
			ent_remove(pos, NULL);
			return act->what != 0;
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
			act->what |= NEIGH_ACT_PROBE;
			break;
		}
		ent_remove(pos, NULL);
		return act->what != 0;
	default:
		return act->what != 0;
	}
	due(e->deadline);
	return act->what != 0;
}

unsigned int
neigh_age(uint64_t now, struct neigh_act *acts, unsigned int max)
{
	unsigned int n = 0;

	if (!age_on) {
		if (now > clock_last)
			clock_last = now;
		pend_reclaim(false);
		if (now < next_due)
			return 0;
		next_due = UINT64_MAX;
		age_left = nlive;
		age_on = true;
	}
	/* Backwards: a removal moves the last entry into the hole, one
	 * already seen.  The caller acts between calls and changes nothing. */
	while (age_left > 0 && n < max) {
		age_left--;
		if (ent_age(live[age_left], now, &acts[n]))
			n++;
	}
	if (age_left == 0)
		age_on = false;
	return n;
}

/* ------------------------------------------------------------------ */
/* Management */

static int
add(uint16_t port, const uint8_t *a, const struct rte_ether_addr *mac,
    bool permanent, uint16_t nl_flags)
{
	int32_t pos;

	if (mac == NULL || !rte_is_valid_assigned_ether_addr(mac))
		return dp_errmsg(-EINVAL, "a neighbour's lladdr may be neither multicast nor zero");
	pos = ent_find(port, a);
	if (pos >= 0 && (nl_flags & NLM_F_EXCL))
		return -EEXIST;
	/* `neigh change`: the kernel's replace without create. */
	if (pos < 0 && (nl_flags & (NLM_F_REPLACE | NLM_F_CREATE)) == NLM_F_REPLACE)
		return -ENOENT;
	if (pos < 0) {
		pos = ent_create(port, a);
		if (pos < 0)
			return pos;
	}
	ent_confirm(pos, mac, permanent, NULL);
	return 0;
}

int
neigh_add(uint16_t port, uint32_t ip, const struct rte_ether_addr *mac,
	  bool permanent, uint16_t nl_flags)
{
	uint8_t a[16];

	if (!port_used(port))
		return -ENODEV;
	if (ip == 0 || ip >= 0xe0000000u)
		return dp_errmsg(-EINVAL, "neighbour address " DP_IP4_FMT " is not a unicast "
				 "address", DP_IP4_ARGS(ip));
	neigh_v4_mapped(ip, a);
	return add(port, a, mac, permanent, nl_flags);
}

int
neigh6_add(uint16_t port, const uint8_t *ip, const struct rte_ether_addr *mac,
	   bool permanent, uint16_t nl_flags)
{
	if (!port_used(port))
		return -ENODEV;
	/* Unspecified, multicast, loopback, IPv4-mapped: nobody's address. */
	if (ip6_martian(ip) || ip[0] == 0xff)
		return dp_errmsg(-EINVAL, "neighbour address is not a unicast IPv6 address");
	return add(port, ip, mac, permanent, nl_flags);
}

static int
del(uint16_t port, const uint8_t *a)
{
	int32_t pos = ent_find(port, a);

	if (pos < 0)
		return -ENOENT;
	ent_remove(pos, NULL);
	return 0;
}

int
neigh_del(uint16_t port, uint32_t ip)
{
	uint8_t a[16];

	neigh_v4_mapped(ip, a);
	return del(port, a);
}

int
neigh6_del(uint16_t port, const uint8_t *ip)
{
	return del(port, ip);
}

static void
flush(uint16_t port, bool permanent_too, uint8_t family)
{
	for (uint32_t i = nlive; i-- > 0;) {
		struct neigh_ent *e = &nent[live[i]];

		if ((port == DP_NO_PORT || e->port == port) &&
		    (permanent_too || e->state != NUD_PERMANENT) &&
		    (family == AF_UNSPEC || (family == AF_INET) == neigh_is_v4(e->a)))
			ent_remove(live[i], NULL);
	}
}

void
neigh_flush(uint16_t port)
{
	flush(port, false, AF_UNSPEC);
}

void
neigh_flush_family(uint16_t port, uint8_t family)
{
	flush(port, false, family);
}

void
neigh_flush_port_all(uint16_t port)
{
	flush(port, true, AF_UNSPEC);
}

static int
info_cmp(const void *a, const void *b)
{
	const struct neigh_info *x = a, *y = b;

	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return memcmp(x->a, y->a, sizeof(x->a));
}

int
neigh_walk_from(struct neigh_pos *pos, int (*cb)(const struct neigh_info *n, void *arg), void *arg)
{
	struct neigh_info from = { .port = pos->port };
	struct neigh_info *v;
	uint32_t n = 0;
	int ret = 0;

	if (nlive == 0)
		return 0;
	memcpy(from.a, pos->a, sizeof(from.a));
	v = malloc(nlive * sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < nlive; i++) {
		const struct neigh_ent *e = &nent[live[i]];

		v[n] = (struct neigh_info){ .port = e->port, .mac = e->mac,
					    .state = e->state };
		memcpy(v[n].a, e->a, sizeof(v[n].a));
		v[n].family = neigh_is_v4(e->a) ? AF_INET : AF_INET6;
		v[n].ip = v[n].family == AF_INET ? neigh_v4_of(e->a) : 0;
		if (info_cmp(&v[n], &from) >= 0)
			n++;
	}
	qsort(v, n, sizeof(*v), info_cmp);
	for (uint32_t i = 0; i < n && ret == 0; i++) {
		ret = cb(&v[i], arg);
		if (ret != 0) {
			pos->port = v[i].port;
			memcpy(pos->a, v[i].a, sizeof(pos->a));
		}
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
	next_due = UINT64_MAX;
	held_total = 0;
	held_max = dp.pool != NULL ? RTE_MAX(dp.pool->size / 8, (unsigned int)NEIGH_HOLD_MAX) :
				     NEIGH_SLOTS * NEIGH_HOLD_MAX;
	return 0;
}

uint32_t
neigh_held_max(void)
{
	return held_max;
}

uint32_t
neigh_held_total(void)
{
	return held_total;
}
