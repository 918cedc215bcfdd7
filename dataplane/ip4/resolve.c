/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbour resolution, the packet side, both families (control lcore).
 * The neighbour table (neigh.c) keeps entries, states, held packets and
 * timers and sends nothing; what it hands back in a struct neigh_act is
 * done here:
 *   ASK, PROBE  a request: ARP (arp.c) for IPv4, a Neighbor Solicitation
 *               (nd.c) for IPv6; PROBE unicast to the known MAC;
 *   SEND        held packets resolved: an Ethernet header, out of the port;
 *   FAIL        held packets that never resolved: ICMP host unreachable
 *               (RFC 1812 5.2.7.1) or ICMPv6 address unreachable (RFC 4443
 *               3.1) to their senders, then dropped (arp_timeout,
 *               nd_timeout).
 * Packets leave through dp_send, worker 0's tx ring, as every frame the
 * control lcore makes.
 */
#include <string.h>

#include <rte_ether.h>

#include "arp.h"
#include "icmp.h"
#include "icmp6.h"
#include "nd.h"
#include "port.h"
#include "resolve.h"
#include "worker.h"

#define RESOLVE_BATCH	32	/* acts per neigh_age call */

static struct wctx ctl_w;	/* ICMP errors sent from the control lcore */
static bool ctl_w_ready;

/* Put a held packet (data at its IP header) on the wire to mac. */
static void
held_send(struct rte_mbuf *m, uint16_t port, const struct rte_ether_addr *mac, bool v4)
{
	struct rte_ether_hdr *eh =
		(struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eh));

	if (unlikely(eh == NULL)) {
		dp_drop(m, DROP_NO_MBUF);
		return;
	}
	eh->dst_addr = *mac;
	eh->src_addr = ports[port].mac;
	eh->ether_type = rte_cpu_to_be_16(v4 ? RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6);
	dp_send(m, port);
}

/* Tell each sender its packet's next hop is unreachable, and drop it. */
static void
held_fail(struct neigh_act *act, bool v4)
{
	if (!ctl_w_ready) {
		wctx_init(&ctl_w, 0);
		ctl_w_ready = true;
	}
	for (uint8_t i = 0; i < act->n; i++) {
		struct rte_mbuf *m = act->pkts[i];

		if (v4)
			icmp_error(&ctl_w, m, pkt_meta(m)->in_port, 3, 1, 0);
		else
			icmp6_error(&ctl_w, m, pkt_meta(m)->in_port, ICMP6_DST_UNREACH,
				    ICMP6_DST_UNREACH_ADDR, 0);
		dp_drop(m, v4 ? DROP_ARP_TIMEOUT : DROP_ND_TIMEOUT);
	}
	if (act->n > 0)
		wctx_flush_to_control(&ctl_w);
}

void
resolve_act(struct neigh_act *act)
{
	bool v4 = neigh_is_v4(act->a);

	if (act->what & NEIGH_ACT_SEND)
		for (uint8_t i = 0; i < act->n; i++)
			held_send(act->pkts[i], act->port, &act->mac, v4);
	else if (act->what & NEIGH_ACT_FAIL)
		held_fail(act, v4);
	if (act->what & (NEIGH_ACT_ASK | NEIGH_ACT_PROBE)) {
		const struct rte_ether_addr *unicast =
			(act->what & NEIGH_ACT_PROBE) ? &act->mac : NULL;

		if (v4)
			arp_request(act->port, neigh_v4_of(act->a), unicast);
		else
			nd_solicit(act->port, act->a, unicast);
	}
	act->what = 0;
	act->n = 0;
}

void
neigh_resolve(struct rte_mbuf *m)
{
	struct pkt_meta *meta = pkt_meta(m);
	uint16_t port = meta->out_port;
	bool v4 = meta->kind != PKT_RESOLVE6;
	struct neigh_act act;
	uint8_t a[16];
	int ret;

	/* No request out of a port that is down (nor one gone). */
	if (unlikely(!port_live(port))) {
		dp_drop(m, DROP_PORT_DOWN);
		return;
	}
	if (v4)
		neigh_v4_mapped(meta->nh_ip, a);
	else
		memcpy(a, meta->nh_ip6, sizeof(a));
	ret = neigh_hold(port, a, m, &act);
	if (ret < 0) {
		dp_drop(m, ret == -ENOSPC ? DROP_NEIGH_FULL :
			   v4 ? DROP_ARP_HOLD_FULL : DROP_ND_HOLD_FULL);
		return;
	}
	resolve_act(&act);
}

void
neigh_timer(uint64_t now)
{
	struct neigh_act acts[RESOLVE_BATCH];
	unsigned int n;

	do {
		n = neigh_age(now, acts, RESOLVE_BATCH);
		for (unsigned int i = 0; i < n; i++)
			resolve_act(&acts[i]);
	} while (n == RESOLVE_BATCH);
}
