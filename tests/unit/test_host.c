/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The host path's decisions over the real packet functions: what a port
 * with a host interface hands to the host (the frame as it arrived, on
 * host_ring, then written to the interface by host_poll), what stays in
 * the fast path, and what the NAT takes first.
 *
 * lan = slot 0, 10.0.0.1/24, host 10.0.0.2; wan = slot 1, 192.0.2.1/24,
 * gateway 192.0.2.254 (dp_test.h's fixture).  The "interfaces" are one end
 * of a datagram socketpair each: the test reads the other end, byte for
 * byte what the kernel would get.
 */
#include <arpa/inet.h>
#include <netinet/ip_icmp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <linux/rtnetlink.h>
#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_icmp.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "arp.h"
#include "dp_test.h"
#include "host_int.h"
#include "nat.h"
#include "neigh.h"

#define REMOTE		"198.51.100.7"
#define BCAST_MAC	"ff:ff:ff:ff:ff:ff"
#define OSPF_MAC	"01:00:5e:00:00:05"
#define OTHER_MAC	"02:00:00:00:00:99"

static struct wctx w;
static int peer[2];	/* the test's ends of lan's and wan's "interfaces" */

static void
host_enable(uint16_t port, bool on)
{
	int sv[2];

	if (on) {
		assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv), 0);
		host_ifs[port].fd = sv[0];
		peer[port] = sv[1];
	} else {
		close(host_ifs[port].fd);
		close(peer[port]);
		host_ifs[port].fd = -1;
	}
	host_ifs[port].on = on;
}

static struct host_stats
hstats(void)
{
	struct host_stats s;

	host_stats(&s);
	return s;
}

static void
in_on(uint16_t port, struct rte_mbuf *m)
{
	pkt_meta(m)->in_port = port;
	worker_input(&w, port, &m, 1);
}

/* m as it is now (before the pipeline touches it). */
static uint16_t
snap(const struct rte_mbuf *m, uint8_t *buf)
{
	memcpy(buf, rte_pktmbuf_mtod(m, const void *), rte_pktmbuf_data_len(m));
	return rte_pktmbuf_data_len(m);
}

/* Frames m[0..n) go in on port, in order, and must reach port's host
 * interface exactly as they were, all of them only once the last is in,
 * with nothing sent anywhere. */
static void
expect_all_punted(uint16_t port, struct rte_mbuf **m, unsigned int n)
{
	uint8_t sent[2][2048], got[2048];
	uint16_t len[2];
	uint64_t before = hstats().punted;

	assert_true(n <= RTE_DIM(sent));
	for (unsigned int i = 0; i < n; i++)
		len[i] = snap(m[i], sent[i]);
	for (unsigned int i = 0; i < n; i++)
		in_on(port, m[i]);
	assert_int_equal(dpt_queued(&w), 0);
	assert_int_equal(rte_ring_count(host_ring), n);
	host_poll();
	assert_int_equal(hstats().punted, before + n);
	for (unsigned int i = 0; i < n; i++) {
		assert_int_equal(recv(peer[port], got, sizeof(got), 0), len[i]);
		assert_memory_equal(got, sent[i], len[i]);
	}
	assert_int_equal(recv(peer[port], got, sizeof(got), 0), -1);
	dpt_done(&w);
}

static void
expect_punted(uint16_t port, struct rte_mbuf *m)
{
	expect_all_punted(port, &m, 1);
}

static void
expect_not_punted(void)
{
	assert_int_equal(rte_ring_count(host_ring), 0);
}

/* Frame m goes in on port and stays in the fast path: nothing for the
 * host, one frame out of out_port. */
static void
expect_fast_path(uint16_t port, struct rte_mbuf *m, uint16_t out_port)
{
	in_on(port, m);
	expect_not_punted();
	assert_int_equal(w.tx[out_port].n, 1);
}

/* Frame m goes in on port and nowhere else: not to the host, not out. */
static void
expect_dropped(uint16_t port, struct rte_mbuf *m)
{
	in_on(port, m);
	expect_not_punted();
	assert_int_equal(dpt_queued(&w), 0);
}

/* Masquerade out of wan, reached by a default route: the NAT the host
 * path has to share wan with. */
static struct nat_rule_spec
masquerade_on(void)
{
	struct nat_rule_spec mq = { .kind = SLUICE_NAT_MASQUERADE, .port = 1 };

	dpt_route(true, "0.0.0.0", 0, "192.0.2.254", RTN_UNICAST);
	assert_int_equal(nat_rule_add(&mq), 0);
	return mq;
}

static void
masquerade_off(struct nat_rule_spec *mq)
{
	assert_int_equal(nat_rule_del(mq, true), 0);
	nat_sess_flush();
	dpt_route(false, "0.0.0.0", 0, "192.0.2.254", RTN_UNICAST);
}

/* m goes in on lan and alone out of wan: the source port the NAT gave it
 * (TCP's and UDP's headers both begin with it). */
static uint16_t
nat_source_port(struct rte_mbuf *m)
{
	uint16_t sport;

	dpt_input1(&w, m);
	assert_int_equal(w.tx[1].n, 1);
	sport = ntohs(((struct rte_udp_hdr *)(dpt_frame_ip(w.tx[1].m[0]) + 1))->src_port);
	dpt_done(&w);
	return sport;
}

static struct rte_mbuf *
tcp_seg(const char *dst_mac, const char *src, const char *dst, uint16_t sp, uint16_t dp_,
	uint8_t flags)
{
	struct rte_tcp_hdr t = { 0 };
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m;

	t.src_port = htons(sp);
	t.dst_port = htons(dp_);
	t.sent_seq = htonl(1000);
	t.recv_ack = htonl(flags & RTE_TCP_ACK_FLAG ? 2000 : 0);
	t.data_off = 5 << 4;
	t.tcp_flags = flags;
	t.rx_win = htons(64240);
	m = dpt_ipv4(dst_mac, DPT_HOST_MAC, src, dst, IPPROTO_TCP, 64, &t, sizeof(t));
	ip = dpt_frame_ip(m);
	th = (struct rte_tcp_hdr *)(ip + 1);
	th->cksum = rte_ipv4_udptcp_cksum(ip, th);
	return m;
}

/* A BOOTP/DHCP message from a server (67 -> 68) for chaddr. */
static struct rte_mbuf *
dhcp_reply(const char *dst_mac, const char *dst, const char *chaddr)
{
	struct rte_mbuf *m = dpt_udp(dst_mac, DPT_GW_MAC, "192.0.2.254", dst, 67, 68, 300);
	struct rte_ipv4_hdr *ip = dpt_frame_ip(m);
	struct rte_udp_hdr *u = (struct rte_udp_hdr *)(ip + 1);
	uint8_t *b = (uint8_t *)(u + 1);
	struct rte_ether_addr c = dpt_mac(chaddr);

	memset(b, 0, 300);
	b[0] = 2;	/* BOOTREPLY */
	b[1] = 1;
	b[2] = 6;
	memcpy(b + 28, &c, 6);
	u->dgram_cksum = 0;
	u->dgram_cksum = rte_ipv4_udptcp_cksum(ip, u);
	return m;
}


/* An ICMP error from src to dst (a frame from src_mac to dst_mac) quoting
 * the IP header and 8 bytes of the frame q, which is freed. */
static struct rte_mbuf *
icmp_error_of(const char *dst_mac, const char *src_mac, const char *src, const char *dst,
	      uint8_t type, uint8_t code, struct rte_mbuf *q)
{
	uint8_t b[8 + 28] = { type, code };
	struct rte_ipv4_hdr *ip;
	struct rte_mbuf *m;

	memcpy(b + 8, dpt_frame_ip(q), 28);
	rte_pktmbuf_free(q);
	m = dpt_ipv4(dst_mac, src_mac, src, dst, IPPROTO_ICMP, 64, b, sizeof(b));
	ip = dpt_frame_ip(m);
	((struct rte_icmp_hdr *)(ip + 1))->icmp_cksum = dpt_cksum(ip + 1, sizeof(b));
	return m;
}

/* TCP and UDP for a router address go to the host: no reset, no port
 * unreachable.  Without the host interface the same segment is reset. */
static void
test_tcp_udp_to_router(void **state)
{
	uint64_t lu = dpt_drops(DROP_LOCAL_UNREACH);

	(void)state;
	expect_punted(0, tcp_seg(DPT_LAN_MAC, "10.0.0.2", "10.0.0.1", 40000, 22,
				 RTE_TCP_SYN_FLAG));
	expect_punted(0, dpt_udp(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", "10.0.0.1", 5353, 53,
				 40));
	/* To the other port's address, arriving on lan: lan's host gets it. */
	expect_punted(0, tcp_seg(DPT_LAN_MAC, "10.0.0.2", "192.0.2.1", 40001, 80,
				 RTE_TCP_SYN_FLAG));
	assert_int_equal(dpt_drops(DROP_LOCAL_UNREACH), lu);

	host_enable(0, false);
	/* The reset goes back out of lan. */
	expect_fast_path(0, tcp_seg(DPT_LAN_MAC, "10.0.0.2", "10.0.0.1", 40000, 22,
				    RTE_TCP_SYN_FLAG), 0);
	assert_int_equal(dpt_drops(DROP_LOCAL_UNREACH), lu + 1);
	dpt_done(&w);
	host_enable(0, true);
}

/* OSPF (protocol 89) unicast and to 224.0.0.5, other link-local
 * multicast; not 239/8, and not on a port without a host interface. */
static void
test_ospf_multicast(void **state)
{
	uint8_t hello[40] = { 2, 1 };
	uint64_t bc = dpt_drops(DROP_BROADCAST), nfu = dpt_drops(DROP_NOT_FOR_US);

	(void)state;
	expect_punted(0, dpt_ipv4(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", "10.0.0.1", 89, 1,
				  hello, sizeof(hello)));
	expect_punted(0, dpt_ipv4(OSPF_MAC, DPT_HOST_MAC, "10.0.0.2", "224.0.0.5", 89, 1,
				  hello, sizeof(hello)));
	expect_punted(0, dpt_udp("01:00:5e:00:00:09", DPT_HOST_MAC, "10.0.0.2", "224.0.0.9",
				 520, 520, 24));
	in_on(0, dpt_udp("01:00:5e:01:01:01", DPT_HOST_MAC, "10.0.0.2", "239.1.1.1", 5000, 5000,
			 24));
	expect_not_punted();
	assert_int_equal(dpt_drops(DROP_BROADCAST), bc + 1);
	dpt_done(&w);

	/* wan has no host interface: a hello is not even for its MAC. */
	in_on(1, dpt_ipv4(OSPF_MAC, DPT_GW_MAC, "192.0.2.254", "224.0.0.5", 89, 1, hello,
			  sizeof(hello)));
	expect_not_punted();
	assert_int_equal(dpt_drops(DROP_NOT_FOR_US), nfu + 1);
	/* To its address: protocol unreachable. */
	expect_fast_path(1, dpt_ipv4(DPT_WAN_MAC, DPT_GW_MAC, "192.0.2.254", "192.0.2.1", 89, 1,
				     hello, sizeof(hello)), 1);
	dpt_done(&w);
}

/* DHCP: a client's discover from 0.0.0.0 to the host's server, a server's
 * broadcast reply, and a unicast reply to an address the port has not
 * taken yet whose client hardware address is the port's; another
 * client's reply is forwarded as before. */
static void
test_dhcp(void **state)
{
	uint64_t ms = dpt_drops(DROP_MARTIAN_SRC);

	(void)state;
	expect_punted(0, dpt_udp(BCAST_MAC, DPT_HOST_MAC, "0.0.0.0", "255.255.255.255", 68, 67,
				 300));
	host_enable(1, true);
	expect_punted(1, dhcp_reply(BCAST_MAC, "255.255.255.255", DPT_WAN_MAC));
	expect_punted(1, dhcp_reply(DPT_WAN_MAC, "192.0.2.77", DPT_WAN_MAC));
	/* For a host behind lan (a relay's reply): routed, not punted. */
	expect_fast_path(1, dhcp_reply(DPT_WAN_MAC, "10.0.0.2", OTHER_MAC), 0);
	dpt_done(&w);
	host_enable(1, false);

	/* Without a host interface 0.0.0.0 is a martian source. */
	in_on(1, dpt_udp(BCAST_MAC, DPT_GW_MAC, "0.0.0.0", "255.255.255.255", 68, 67, 300));
	expect_not_punted();
	assert_int_equal(dpt_drops(DROP_MARTIAN_SRC), ms + 1);
	dpt_done(&w);
}

/* ARP: the control lcore answers and the host gets a copy of the frame. */
static void
test_arp_copy(void **state)
{
	uint8_t buf[128], got[128];
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp.pool), *p;
	struct rte_ether_hdr *eh;
	struct rte_arp_hdr *ah;
	uint64_t before = hstats().punted;
	uint16_t len;

	(void)state;
	eh = (struct rte_ether_hdr *)rte_pktmbuf_append(m, sizeof(*eh) + sizeof(*ah));
	eh->dst_addr = dpt_mac(BCAST_MAC);
	eh->src_addr = dpt_mac(DPT_HOST_MAC);
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	ah = (struct rte_arp_hdr *)(eh + 1);
	ah->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	ah->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ah->arp_hlen = 6;
	ah->arp_plen = 4;
	ah->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
	ah->arp_data.arp_sha = dpt_mac(DPT_HOST_MAC);
	ah->arp_data.arp_sip = htonl(dpt_ip("10.0.0.2"));
	ah->arp_data.arp_tip = htonl(dpt_ip("10.0.0.1"));
	len = snap(m, buf);
	in_on(0, m);
	expect_not_punted();		/* ARP goes to the control lcore */
	assert_int_equal(dpt_punted(&p, 1), 1);
	assert_int_equal(pkt_meta(p)->kind, PKT_ARP);
	host_arp_copy(p);
	arp_input(p);
	assert_int_equal(hstats().punted, before + 1);
	assert_int_equal(recv(peer[0], got, sizeof(got), 0), len);
	assert_memory_equal(got, buf, len);
	assert_int_equal(dpt_sent(&p, 1), 1);	/* the router's own reply */
	rte_pktmbuf_free(p);
	dpt_done(&w);
}

/* Behind the NAT the NAT wins: a dnat port and a session's reply are
 * translated and forwarded; what no session takes reaches the host. */
static void
test_nat_first(void **state)
{
	struct nat_rule_spec mq;
	struct nat_rule_spec dn = { .kind = SLUICE_NAT_DNAT, .port = 1, .proto = IPPROTO_TCP,
				    .dport_min = 2222, .dport_max = 2222, .port_min = 22,
				    .port_max = 22 };
	uint16_t mapped;

	(void)state;
	dn.addr_min = dpt_ip("10.0.0.2");
	host_enable(1, true);
	mq = masquerade_on();
	assert_int_equal(nat_rule_add(&dn), 0);

	/* The dnat port goes to 10.0.0.2:22. */
	expect_fast_path(1, tcp_seg(DPT_WAN_MAC, REMOTE, "192.0.2.1", 5555, 2222,
				    RTE_TCP_SYN_FLAG), 0);
	dpt_done(&w);

	mapped = nat_source_port(dpt_udp(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", REMOTE, 40000,
					 53, 20));
	/* The session's reply goes to 10.0.0.2:40000. */
	expect_fast_path(1, dpt_udp(DPT_WAN_MAC, DPT_GW_MAC, REMOTE, "192.0.2.1", 53, mapped, 20),
			 0);
	dpt_done(&w);

	/* The host's own connection: its SYN-ACK and a UDP answer. */
	expect_punted(1, tcp_seg(DPT_WAN_MAC, REMOTE, "192.0.2.1", 443, 61500,
				 RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG));
	expect_punted(1, dpt_udp(DPT_WAN_MAC, DPT_GW_MAC, REMOTE, "192.0.2.1", 53, 61501, 20));

	assert_int_equal(nat_rule_del(&dn, true), 0);
	masquerade_off(&mq);
	host_enable(1, false);
	dpt_done(&w);
}

/* ICMP errors about the host's own connections reach it with NAT rules
 * about: no session matches them, and on a port without a host stack RFC
 * 5508 REQ-3 drops them, as it still does. */
static void
test_nat_host_icmp_errors(void **state)
{
	struct nat_rule_spec mq;
	uint64_t untr;

	(void)state;
	host_enable(1, true);
	mq = masquerade_on();
	untr = dpt_nat_counter("icmp_untranslatable");

	/* The router's UDP to a LAN host's closed port; to a remote, a
	 * frag-needed and a time exceeded on the way (PMTU, traceroute). */
	expect_punted(0, icmp_error_of(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", "10.0.0.1",
				       ICMP_DEST_UNREACH, ICMP_PORT_UNREACH,
				       dpt_udp(DPT_HOST_MAC, DPT_LAN_MAC, "10.0.0.1", "10.0.0.2",
					       61000, 7, 1)));
	expect_punted(1, icmp_error_of(DPT_WAN_MAC, DPT_GW_MAC, "192.0.2.254", "192.0.2.1",
				       ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
				       dpt_udp(DPT_GW_MAC, DPT_WAN_MAC, "192.0.2.1", REMOTE,
					       61001, 4500, 1400)));
	expect_punted(1, icmp_error_of(DPT_WAN_MAC, DPT_GW_MAC, "192.0.2.254", "192.0.2.1",
				       ICMP_TIME_EXCEEDED, ICMP_EXC_TTL,
				       dpt_udp(DPT_GW_MAC, DPT_WAN_MAC, "192.0.2.1", REMOTE,
					       61002, 33434, 32)));
	assert_int_equal(dpt_nat_counter("icmp_untranslatable"), untr);

	host_enable(0, false);
	expect_dropped(0, icmp_error_of(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", "10.0.0.1",
					ICMP_DEST_UNREACH, ICMP_PORT_UNREACH,
					dpt_udp(DPT_HOST_MAC, DPT_LAN_MAC, "10.0.0.1", "10.0.0.2",
						61000, 7, 1)));
	assert_int_equal(dpt_nat_counter("icmp_untranslatable"), untr + 1);
	host_enable(0, true);

	masquerade_off(&mq);
	host_enable(1, false);
	dpt_done(&w);
}

/* A SYN from outside to a port of 1024 and up on the masquerade address:
 * the host gets it (a listener there, or its kernel's reset), unless a
 * mapping holds the port (RFC 5382 REQ-4), which it still does; without a
 * host stack every such SYN is held. */
static void
test_nat_host_syn(void **state)
{
	struct nat_rule_spec mq;
	uint64_t unm;
	uint16_t mapped;

	(void)state;
	host_enable(1, true);
	mq = masquerade_on();
	unm = dpt_nat_counter("inbound_unmatched_drops");

	expect_punted(1, tcp_seg(DPT_WAN_MAC, REMOTE, "192.0.2.1", 5555, 8004,
				 RTE_TCP_SYN_FLAG));
	assert_int_equal(dpt_nat_counter("inbound_unmatched_drops"), unm);

	mapped = nat_source_port(tcp_seg(DPT_LAN_MAC, "10.0.0.2", REMOTE, 40000, 443,
					 RTE_TCP_SYN_FLAG));
	expect_dropped(1, tcp_seg(DPT_WAN_MAC, "198.51.100.8", "192.0.2.1", 5556, mapped,
				  RTE_TCP_SYN_FLAG));
	assert_int_equal(dpt_nat_counter("inbound_unmatched_drops"), unm + 1);

	host_enable(1, false);
	expect_dropped(1, tcp_seg(DPT_WAN_MAC, REMOTE, "192.0.2.1", 5555, 8004, RTE_TCP_SYN_FLAG));
	assert_int_equal(dpt_nat_counter("inbound_unmatched_drops"), unm + 2);

	masquerade_off(&mq);
	dpt_done(&w);
}

/* The two pieces (1480 bytes, then the rest) of datagram d (a 1600-byte
 * UDP payload), which is freed. */
static void
pieces_of(struct rte_mbuf *d, const char *dst_mac, const char *src_mac, struct rte_mbuf **p)
{
	p[0] = dpt_fragment(dpt_frame_ip(d), dst_mac, src_mac, 0, 1480, true);
	p[1] = dpt_fragment(dpt_frame_ip(d), dst_mac, src_mac, 1480, 1608 - 1480, false);
	rte_pktmbuf_free(d);
}

/* Both pieces of datagram d go in on port and reach its host interface
 * exactly as they came, after the last. */
static void
expect_pieces_punted(uint16_t port, struct rte_mbuf *d, const char *dst_mac,
		     const char *src_mac)
{
	struct rte_mbuf *p[2];

	pieces_of(d, dst_mac, src_mac, p);
	expect_all_punted(port, p, 2);
}

/* Fragments for a router address reach the host with NAT rules about, as
 * without: to an address no rule claims, as they came; to the masquerade
 * address, reassembled for the NAT and, nothing taking the datagram, in
 * the same pieces again.  Without a host stack the router takes the
 * datagram whole: UDP to a closed port, a port unreachable. */
static void
test_nat_host_fragments(void **state)
{
	struct nat_rule_spec mq;
	uint64_t lu = dpt_drops(DROP_LOCAL_UNREACH), re;
	struct rte_mbuf *p[2];

	(void)state;
	host_enable(1, true);
	mq = masquerade_on();
	re = dpt_nat_counter("fragments_reassembled");

	expect_pieces_punted(0, dpt_udp(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", "10.0.0.1",
					40000, 51820, 1600), DPT_LAN_MAC, DPT_HOST_MAC);
	assert_int_equal(dpt_nat_counter("fragments_reassembled"), re);

	expect_pieces_punted(1, dpt_udp(DPT_WAN_MAC, DPT_GW_MAC, REMOTE, "192.0.2.1", 40000,
					51820, 1600), DPT_WAN_MAC, DPT_GW_MAC);
	assert_int_equal(dpt_nat_counter("fragments_reassembled"), re + 1);
	assert_int_equal(dpt_drops(DROP_LOCAL_UNREACH), lu);

	host_enable(1, false);
	pieces_of(dpt_udp(DPT_WAN_MAC, DPT_GW_MAC, REMOTE, "192.0.2.1", 40000, 51820, 1600),
		  DPT_WAN_MAC, DPT_GW_MAC, p);
	in_on(1, p[0]);
	in_on(1, p[1]);
	expect_not_punted();
	assert_int_equal(dpt_queued(&w), 1);
	assert_int_equal(w.tx[1].n, 1);
	{
		const struct rte_ipv4_hdr *ip = dpt_frame_ip(w.tx[1].m[0]);
		const uint8_t *icmp = (const uint8_t *)(ip + 1);

		assert_int_equal(ip->next_proto_id, IPPROTO_ICMP);
		assert_int_equal(ip->dst_addr, htonl(dpt_ip(REMOTE)));
		assert_int_equal(icmp[0], 3);
		assert_int_equal(icmp[1], 3);
	}
	assert_int_equal(dpt_drops(DROP_LOCAL_UNREACH), lu + 1);

	masquerade_off(&mq);
	dpt_done(&w);
}

/* Forwarded traffic never reaches the host, whatever its protocol; echo
 * requests to the router stay in the fast path, echo replies (the host's
 * own pings) go up. */
static void
test_forwarded_not_punted(void **state)
{
	uint8_t hello[40] = { 2, 1 };
	struct rte_mbuf *m;

	(void)state;
	dpt_route(true, "0.0.0.0", 0, "192.0.2.254", RTN_UNICAST);
	dpt_input1(&w, tcp_seg(DPT_LAN_MAC, "10.0.0.2", REMOTE, 40000, 22, RTE_TCP_SYN_FLAG));
	dpt_input1(&w, dpt_udp(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", REMOTE, 68, 67, 300));
	dpt_input1(&w, dpt_ipv4(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", REMOTE, 89, 64, hello,
				sizeof(hello)));
	expect_not_punted();
	assert_int_equal(w.tx[1].n, 3);
	dpt_done(&w);

	dpt_input1(&w, dpt_echo(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", "10.0.0.1", 7, 1, 56));
	expect_not_punted();
	assert_int_equal(w.tx[0].n, 1);		/* the echo reply */
	dpt_done(&w);

	m = dpt_echo(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", "10.0.0.1", 7, 1, 56);
	((struct rte_icmp_hdr *)(dpt_frame_ip(m) + 1))->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	((struct rte_icmp_hdr *)(dpt_frame_ip(m) + 1))->icmp_cksum = 0;
	expect_punted(0, m);
	dpt_route(false, "0.0.0.0", 0, "192.0.2.254", RTN_UNICAST);
}

/* The token bucket: once it is empty, punts are counted drops. */
static void
test_rate_limit(void **state)
{
	struct host_lcore *l = &host_lc[rte_lcore_id()];
	struct host_stats s0 = hstats(), s1;
	uint64_t saved_last = l->last;

	(void)state;
	/* Two tokens, and no refill for a while. */
	l->tokens = 2;
	l->last = rte_get_tsc_cycles() + 60 * dp.hz;
	for (int i = 0; i < 5; i++)
		in_on(0, dpt_udp(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", "10.0.0.1", 5000 + i, 53,
				 20));
	assert_int_equal(rte_ring_count(host_ring), 2);
	host_poll();
	s1 = hstats();
	assert_int_equal(s1.punted, s0.punted + 2);
	assert_int_equal(s1.punt_ratelimit, s0.punt_ratelimit + 3);
	assert_int_equal(s1.punt_drops, s0.punt_drops + 3);
	for (int i = 0; i < 2; i++)
		assert_true(recv(peer[0], (char[2048]){ 0 }, 2048, 0) > 0);
	l->last = saved_last;
	l->tokens = HOST_PUNT_BURST;
	dpt_done(&w);
}

/* The NAT never hands out a port of the kernel's ephemeral range on a host
 * port's address, not even the inside port it would otherwise keep. */
static void
test_port_reserved(void **state)
{
	struct nat_rule_spec mq;
	unsigned int lo, hi;
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
	uint16_t out;

	(void)state;
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%u %u", &lo, &hi), 2);
	fclose(f);
	host_nl_port_range(false);
	assert_true(host_port_reserved(htonl(dpt_ip("192.0.2.1")), (uint16_t)lo) == false);
	host_enable(1, true);
	assert_true(host_port_reserved(htonl(dpt_ip("192.0.2.1")), (uint16_t)lo));
	assert_true(host_port_reserved(htonl(dpt_ip("192.0.2.1")), (uint16_t)hi));
	assert_false(host_port_reserved(htonl(dpt_ip("192.0.2.1")), (uint16_t)(lo - 1)));
	/* An address the router does not have (a pool's) is not the host's. */
	assert_false(host_port_reserved(htonl(dpt_ip("192.0.2.99")), (uint16_t)lo));
	mq = masquerade_on();
	for (unsigned int i = 0; i < 20; i++) {
		uint16_t sp = (uint16_t)(lo + i * ((hi - lo) / 20));

		out = nat_source_port(dpt_udp(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", REMOTE, sp,
					      53, 20));
		assert_true(out < lo || out > hi);
	}
	masquerade_off(&mq);
	host_enable(1, false);
	dpt_done(&w);
}

static int
group_setup(void **state)
{
	(void)state;
	if (host_init() != 0 || dpt_two_ports(&w) != 0)
		return -1;
	host_enable(0, true);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_udp_to_router),
		cmocka_unit_test(test_ospf_multicast),
		cmocka_unit_test(test_dhcp),
		cmocka_unit_test(test_arp_copy),
		cmocka_unit_test(test_nat_first),
		cmocka_unit_test(test_nat_host_icmp_errors),
		cmocka_unit_test(test_nat_host_syn),
		cmocka_unit_test(test_nat_host_fragments),
		cmocka_unit_test(test_forwarded_not_punted),
		cmocka_unit_test(test_rate_limit),
		cmocka_unit_test(test_port_reserved),
	};

	dpt_init("host");
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
