/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP frames on the control lcore (RFC 826): checking what workers punt,
 * answering for our addresses and for the NAT pools' (proxy_arp.c), and
 * building requests and announcements, and what an address added or
 * removed tells the link and the host.  What is learnt goes to the
 * neighbour table (neigh.c); packets it then releases go out through
 * resolve.c.
 */
#include <string.h>

#include <rte_arp.h>
#include <rte_byteorder.h>

#include "arp.h"
#include "host.h"
#include "nat.h"
#include "neigh.h"
#include "port.h"
#include "proxy_arp.h"
#include "resolve.h"

#define ARP_FRAME_LEN	(sizeof(struct rte_ether_hdr) + sizeof(struct rte_arp_hdr))

static const struct rte_ether_addr zero_mac;
static const struct rte_ether_addr bcast_mac = {
	.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
};

/* Build an ARP frame from port (its MAC as sender) and send it. */
static void
arp_send(uint16_t port, uint16_t op, const struct rte_ether_addr *eth_dst,
	 uint32_t sip, const struct rte_ether_addr *tha, uint32_t tip)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp.pool);
	struct rte_ether_hdr *eh;
	struct rte_arp_hdr *ah;

	if (unlikely(m == NULL)) {
		dp_counters()->drop[DROP_NO_MBUF]++;
		return;
	}
	eh = (struct rte_ether_hdr *)rte_pktmbuf_append(m, ARP_FRAME_LEN);
	if (unlikely(eh == NULL)) {
		dp_drop(m, DROP_NO_MBUF);
		return;
	}
	eh->dst_addr = *eth_dst;
	eh->src_addr = ports[port].mac;
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	ah = (struct rte_arp_hdr *)(eh + 1);
	ah->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	ah->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ah->arp_hlen = RTE_ETHER_ADDR_LEN;
	ah->arp_plen = 4;
	ah->arp_opcode = rte_cpu_to_be_16(op);
	ah->arp_data.arp_sha = ports[port].mac;
	ah->arp_data.arp_sip = rte_cpu_to_be_32(sip);
	ah->arp_data.arp_tha = *tha;
	ah->arp_data.arp_tip = rte_cpu_to_be_32(tip);
	dp_send(m, port);
}

/* Our address to ask from: the one on port in the same network as tip,
 * else the port's first, else 0 (an RFC 5227 probe). */
static uint32_t
arp_source(uint16_t port, uint32_t tip)
{
	const struct addr_table *t = addrs_get();

	for (uint16_t i = 0; i < t->n; i++) {
		uint32_t mask = t->a[i].plen == 0 ? 0 : ~0u << (32 - t->a[i].plen);

		if (t->a[i].port == port && ((t->a[i].ip ^ tip) & mask) == 0)
			return t->a[i].ip;
	}
	return addr_of_port(t, port);
}

void
arp_request(uint16_t port, uint32_t tip, const struct rte_ether_addr *unicast)
{
	/* Like Linux, a unicast probe leaves the target hardware address
	 * empty and only addresses the frame to the known MAC. */
	arp_send(port, RTE_ARP_OP_REQUEST, unicast != NULL ? unicast : &bcast_mac,
		 arp_source(port, tip), &zero_mac, tip);
}

void
arp_announce(uint16_t port, uint32_t ip)
{
	if (!port_used(port))
		return;
	arp_send(port, RTE_ARP_OP_REQUEST, &bcast_mac, ip, &zero_mac, ip);
}

int
arp_addr_add(uint16_t port, uint32_t ip, uint8_t plen)
{
	int ret = addr_add(port, ip, plen);

	if (ret != 0)
		return ret;
	arp_announce(port, ip);
	host_addr_changed(port, ip, plen, true);
	return 0;
}

int
arp_addr_del(uint16_t port, uint32_t ip, uint8_t plen)
{
	const struct addr_table *t = addrs_get();
	int ret;

	/* The host is told the prefix length the address had. */
	for (uint16_t i = 0; i < t->n && plen > 32; i++)
		if (t->a[i].ip == ip && t->a[i].port == port)
			plen = t->a[i].plen;
	ret = addr_del(port, ip, plen);
	if (ret != 0)
		return ret;
	/* Flows masqueraded to the address would go on leaving from an
	 * address the router no longer has. */
	nat_addr_gone(port, ip);
	host_addr_changed(port, ip, plen, false);
	return 0;
}

void
arp_announce_range(uint16_t port, uint32_t lo, uint32_t hi)
{
	const struct addr_table *t = addrs_get();
	unsigned int sent = 0;
	uint32_t ip = lo;

	for (;;) {
		if (!addr_on_port(t, port, ip)) {
			arp_announce(port, ip);
			if (++sent == PROXY_ARP_ANNOUNCE_MAX)
				return;
		}
		if (ip == hi)
			return;
		ip++;
	}
}

/* Addresses nobody may claim: this network (other than 0 itself, which
 * ARP probes use), loopback, multicast, reserved and broadcast. */
static inline bool
arp_martian(uint32_t ip)
{
	return (ip >> 24) == 0 || (ip >> 24) == 127 || ip >= 0xe0000000u;
}

void
arp_input(struct rte_mbuf *m)
{
	uint8_t buf[ARP_FRAME_LEN];
	const struct rte_ether_hdr *eh;
	const struct rte_arp_hdr *ah;
	const struct addr_table *t;
	struct rte_ether_addr sha;
	uint16_t port = pkt_meta(m)->in_port, op;
	struct neigh_act act;
	uint32_t sip, tip;
	bool for_us;

	if (!port_used(port) || m->pkt_len < ARP_FRAME_LEN)
		goto invalid;
	eh = rte_pktmbuf_read(m, 0, ARP_FRAME_LEN, buf);
	if (eh == NULL || eh->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP))
		goto invalid;
	ah = (const struct rte_arp_hdr *)(eh + 1);
	op = rte_be_to_cpu_16(ah->arp_opcode);
	if (ah->arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
	    ah->arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
	    ah->arp_hlen != RTE_ETHER_ADDR_LEN || ah->arp_plen != 4 ||
	    (op != RTE_ARP_OP_REQUEST && op != RTE_ARP_OP_REPLY))
		goto invalid;
	sha = ah->arp_data.arp_sha;
	sip = rte_be_to_cpu_32(ah->arp_data.arp_sip);
	tip = rte_be_to_cpu_32(ah->arp_data.arp_tip);
	if (!rte_is_valid_assigned_ether_addr(&sha))
		goto invalid;

	t = addrs_get();
	/* Someone claiming one of our addresses: a forgery or a conflict,
	 * never a reason to send our traffic elsewhere. */
	if (addr_is_local(t, sip) || proxy_arp_has(port, sip))
		goto invalid;
	for_us = addr_on_port(t, port, tip) || proxy_arp_has(port, tip);
	if (sip == 0) {
		/* Duplicate address detection (RFC 5227): defend, learn nothing. */
		if (op == RTE_ARP_OP_REQUEST && for_us)
			arp_send(port, RTE_ARP_OP_REPLY, &sha, tip, &sha, 0);
		if (for_us)
			rte_pktmbuf_free(m);
		else
			dp_drop(m, DROP_ARP_IGNORED);	/* another host's probe */
		return;
	}
	if (arp_martian(sip))
		goto invalid;

	/* RFC 826: update the sender if known; add it if the frame was for
	 * us and the sender is on one of the port's networks (no route
	 * would use an entry for another host, and a host on the link
	 * could fill the table with them); then answer a request for us. */
	if (neigh_learn(port, sip, &sha, for_us && addr_net_on_port(t, port, sip), &act) < 0)
		dp_counters()->drop[DROP_ARP_INVALID]++;	/* table full */
	if (op == RTE_ARP_OP_REQUEST && for_us)
		arp_send(port, RTE_ARP_OP_REPLY, &sha, tip, &sha, sip);
	resolve_act(&act);	/* what waited for sip */
	/* Answered, or the answer to our request: used.  Another host's
	 * request or reply taught at most a known sender's MAC. */
	if (for_us)
		rte_pktmbuf_free(m);
	else
		dp_drop(m, DROP_ARP_IGNORED);
	return;

invalid:
	dp_drop(m, DROP_ARP_INVALID);
}
