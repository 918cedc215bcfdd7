/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Capture and trace over the real pipeline: a burst forwarded with a
 * capture running gives exactly its frames in and out as pcapng blocks on
 * the session's socket; copies beyond the pool are counted, never waited
 * for; with no session nothing is copied or marked.  Trace records carry
 * the steps and verdict of a TTL-1 packet, a forwarded one and one with no
 * route.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/rtnetlink.h>

#include "capture.h"
#include "dp_test.h"
#include "trace.h"

static struct wctx w;

static void
done(void)
{
	dpt_done(&w);
}

/* A SOCK_SEQPACKET pair: [0] the reader's end, [1] the session's. */
static void
pair(int sv[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
}

struct epb {
	uint32_t flags, caplen, origlen;
	uint8_t data[2048];
};

/*
 * Read the pcapng blocks waiting on fd: the section header must come
 * first when first is set; enhanced packet blocks go to out (at most max);
 * returns their number, or -1 at the end of the stream.
 */
static int
read_blocks(int fd, bool first, struct epb *out, int max)
{
	static uint8_t buf[256 * 1024];
	int n = 0;
	bool seen_shb = false;

	for (;;) {
		ssize_t len = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		size_t off = 0;

		if (len == 0)
			return n ? n : -1;
		if (len < 0) {
			assert_true(errno == EAGAIN);
			break;
		}
		while (off + 12 <= (size_t)len) {
			uint32_t type, blen;

			memcpy(&type, buf + off, 4);
			memcpy(&blen, buf + off + 4, 4);
			assert_true(blen >= 12 && blen <= (size_t)len - off);
			if (type == 0x0a0d0d0a)
				seen_shb = true;
			if (type == 6) {
				uint32_t o;

				assert_true(n < max);
				memcpy(&out[n].caplen, buf + off + 20, 4);
				memcpy(&out[n].origlen, buf + off + 24, 4);
				assert_true(out[n].caplen <= sizeof(out[n].data));
				memcpy(out[n].data, buf + off + 28, out[n].caplen);
				out[n].flags = 0;
				for (o = off + 28 + ((out[n].caplen + 3) & ~3u); o + 8 <= off + blen - 4;) {
					uint16_t code, olen;

					memcpy(&code, buf + o, 2);
					memcpy(&olen, buf + o + 2, 2);
					if (code == 2)
						memcpy(&out[n].flags, buf + o + 4, 4);
					o += 4 + ((olen + 3u) & ~3u);
				}
				n++;
			}
			/* Whole blocks per datagram. */
			assert_int_equal((blen & 3), 0);
			off += blen;
		}
		assert_int_equal(off, (size_t)len);
	}
	if (first)
		assert_true(seen_shb);
	return n;
}

static struct rte_mbuf *
udp_to(const char *dst, uint16_t len)
{
	return dpt_udp(DPT_LAN_MAC, DPT_HOST_MAC, "10.0.0.2", dst, 5000, 53, len);
}

/* A burst forwarded lan -> wan: every frame once in on lan as it came,
 * once out on wan as it left, and nothing else. */
static void
test_capture_burst(void **state)
{
	struct rte_mbuf *in[8];
	uint8_t sent[8][128], left[8][128];
	struct epb got[32];
	int sv[2], n, nin = 0, nout = 0;

	(void)state;
	dpt_route(true, "198.51.100.0", 24, "192.0.2.254", RTN_UNICAST);
	pair(sv);
	assert_int_equal(capture_start(NULL, sv[1], 3, SLUICE_CAPTURE_IN | SLUICE_CAPTURE_OUT,
				       capture_snaplen_max(), 0), 0);
	assert_int_equal(capture_sessions(), 1);
	assert_int_equal(read_blocks(sv[0], true, got, 32), 0);	/* the header only */
	for (int i = 0; i < 8; i++) {
		in[i] = udp_to("198.51.100.9", 40 + i);
		memcpy(sent[i], rte_pktmbuf_mtod(in[i], void *), rte_pktmbuf_pkt_len(in[i]));
	}
	worker_input(&w, 0, in, 8);
	assert_int_equal(w.tx[1].n, 8);
	for (int i = 0; i < 8; i++)
		memcpy(left[i], rte_pktmbuf_mtod(w.tx[1].m[i], void *),
		       rte_pktmbuf_pkt_len(w.tx[1].m[i]));
	tx_flush(&w);	/* no device: counted as tx drops, but captured before */
	capture_poll();
	n = read_blocks(sv[0], false, got, 32);
	assert_int_equal(n, 16);
	for (int i = 0; i < n; i++) {
		uint32_t len = 14 + 20 + 8 + 40;

		if (got[i].flags == 1) {
			len += (uint32_t)nin;
			assert_int_equal(got[i].caplen, len);
			assert_memory_equal(got[i].data, sent[nin], len);
			nin++;
		} else {
			assert_int_equal(got[i].flags, 2);
			len += (uint32_t)nout;
			assert_int_equal(got[i].caplen, len);
			assert_int_equal(got[i].origlen, len);
			assert_memory_equal(got[i].data, left[nout], len);
			nout++;
		}
	}
	assert_int_equal(nin, 8);
	assert_int_equal(nout, 8);
	assert_int_equal(capture_stop(NULL), 0);
	assert_int_equal(read_blocks(sv[0], false, got, 32), -1);	/* closed */
	assert_int_equal(capture_sessions(), 0);
	assert_int_equal(capture_rx_ports | capture_tx_ports, 0);
	close(sv[0]);
	dpt_route(false, "198.51.100.0", 24, NULL, RTN_UNICAST);
	done();
}

/* Snaplen keeps the first bytes and the original length; a count ends the
 * session with exactly that many frames. */
static void
test_capture_snaplen_count(void **state)
{
	struct epb got[8];
	int sv[2];

	(void)state;
	pair(sv);
	assert_int_equal(capture_start(NULL, sv[1], 1, SLUICE_CAPTURE_IN, 34, 3), 0);
	for (int i = 0; i < 5; i++)
		dpt_input1(&w, udp_to("10.0.0.1", 100));	/* port unreachable: local */
	capture_poll();
	assert_int_equal(capture_sessions(), 0);	/* the count ended it */
	assert_int_equal(read_blocks(sv[0], true, got, 8), 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(got[i].caplen, 34);
		assert_int_equal(got[i].origlen, 14 + 20 + 8 + 100);
		assert_int_equal(got[i].flags, 1);
	}
	close(sv[0]);
	dpt_tx_clear(&w);
	done();
}

/* More frames than the capture pool holds while nobody reads: the worker
 * copies what it can, counts the rest, and forwards every frame. */
static void
test_capture_overflow(void **state)
{
	uint64_t drops0 = capture_drops_total(), nf0 = dpt_drops(DROP_NOT_FOR_US);
	struct rte_mbuf *m[DP_BURST];
	const unsigned int total = 4200;
	int sv[2];

	(void)state;
	pair(sv);
	assert_int_equal(capture_start(NULL, sv[1], 1, SLUICE_CAPTURE_IN, 64, 0), 0);
	for (unsigned int i = 0; i < total; i += DP_BURST) {
		unsigned int k = RTE_MIN(total - i, (unsigned int)DP_BURST);

		/* To another MAC: dropped at once, captured before. */
		for (unsigned int j = 0; j < k; j++)
			m[j] = dpt_udp("02:00:00:00:00:99", DPT_HOST_MAC, "10.0.0.2", "10.0.0.3",
				       1, 2, 10);
		worker_input(&w, 0, m, (uint16_t)k);
	}
	assert_int_equal(dpt_drops(DROP_NOT_FOR_US) - nf0, total);
	/* 4095 buffers: every one of them became a copy, the rest counted. */
	assert_int_equal(capture_drops_total() - drops0, total - 4095);
	assert_int_equal(capture_stop(NULL), 0);
	close(sv[0]);
	done();
}

/* With no session, nothing is copied: the masks are zero. */
static void
test_capture_off(void **state)
{
	uint64_t drops0 = capture_drops_total();

	(void)state;
	assert_int_equal(capture_rx_ports | capture_tx_ports, 0);
	assert_int_equal(capture_stop(NULL), -ENOENT);
	dpt_input1(&w, udp_to("10.0.0.1", 10));
	assert_int_equal(capture_drops_total(), drops0);
	dpt_tx_clear(&w);
	done();
}

/* The next trace record on fd. */
static void
read_rec(int fd, struct sluice_trace_rec *r)
{
	assert_int_equal(recv(fd, r, sizeof(*r), MSG_DONTWAIT), sizeof(*r));
}

static void
test_trace_verdicts(void **state)
{
	struct sluice_trace_rec r;
	struct rte_ether_addr gw = dpt_mac(DPT_GW_MAC);
	struct rte_mbuf *m;
	int sv[2];

	(void)state;
	assert_false(trace_on());
	dpt_route(true, "198.51.100.0", 24, "192.0.2.254", RTN_UNICAST);
	pair(sv);
	assert_int_equal(trace_start(NULL, sv[1], 1, 4), 0);
	assert_true(trace_on());

	/* An IPv6 frame first (version 0): traced like the rest, dropped. */
	m = rte_pktmbuf_alloc(dp.pool);
	assert_non_null(m);
	{
		struct rte_ether_hdr *eh = (struct rte_ether_hdr *)rte_pktmbuf_append(m, 14 + 40);

		assert_non_null(eh);
		memset(eh, 0, 14 + 40);
		eh->dst_addr = dpt_mac(DPT_LAN_MAC);
		eh->src_addr = dpt_mac(DPT_HOST_MAC);
		eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
	}
	dpt_input1(&w, m);

	/* TTL 1: dropped at the router, after its route. */
	m = udp_to("198.51.100.9", 20);
	dpt_frame_ip(m)->time_to_live = 1;
	dpt_fix_cksum(dpt_frame_ip(m));
	dpt_input1(&w, m);
	dpt_tx_clear(&w);	/* the Time Exceeded */
	/* Forwarded through the gateway. */
	dpt_input1(&w, udp_to("198.51.100.9", 20));
	assert_int_equal(w.tx[1].n, 1);
	/* No route. */
	dpt_input1(&w, udp_to("203.0.113.9", 20));
	trace_poll();

	read_rec(sv[0], &r);
	assert_int_equal(r.verdict, SLUICE_TRACE_DROP);
	assert_string_equal(r.reason, "ip6_bad_header");
	assert_int_equal(r.nsteps, 0);
	assert_int_equal(r.pkt_len, 14 + 40);

	read_rec(sv[0], &r);
	assert_int_equal(r.in_ifindex, 1);
	assert_int_equal(r.verdict, SLUICE_TRACE_DROP);
	assert_string_equal(r.reason, "ttl_exceeded");
	assert_int_equal(r.pkt_len, 14 + 20 + 8 + 20);
	assert_int_equal(r.hdr[23], 17);	/* the frame as it came: UDP */
	assert_int_equal(r.nsteps, 2);
	assert_int_equal(r.steps[0].kind, SLUICE_STEP_VALID);
	assert_int_equal(r.steps[0].a, dpt_ip("10.0.0.2"));
	assert_int_equal(r.steps[0].b, dpt_ip("198.51.100.9"));
	assert_int_equal(r.steps[1].kind, SLUICE_STEP_ROUTE);
	assert_int_equal(r.steps[1].type, SLUICE_NH_GATEWAY);
	assert_int_equal(r.steps[1].a, dpt_ip("192.0.2.254"));
	assert_int_equal(r.steps[1].port, 2);

	read_rec(sv[0], &r);
	assert_int_equal(r.verdict, SLUICE_TRACE_FORWARD);
	assert_int_equal(r.out_ifindex, 2);
	assert_int_equal(r.nsteps, 3);
	assert_int_equal(r.steps[1].kind, SLUICE_STEP_ROUTE);
	assert_int_equal(r.steps[2].kind, SLUICE_STEP_NEIGH);
	assert_int_equal(r.steps[2].type, 1);
	assert_int_equal(r.steps[2].a, dpt_ip("192.0.2.254"));
	assert_memory_equal(r.steps[2].mac, &gw, 6);

	read_rec(sv[0], &r);
	assert_int_equal(r.verdict, SLUICE_TRACE_DROP);
	assert_string_equal(r.reason, "no_route");
	assert_int_equal(r.nsteps, 2);
	assert_int_equal(r.steps[1].type, SLUICE_NH_NONE);
	assert_int_equal(r.steps[1].b, dpt_ip("203.0.113.9"));

	/* Four: the session ended, marking stopped, the socket closed. */
	assert_int_equal(trace_sessions(), 0);
	assert_false(trace_on());
	assert_int_equal(trace_ports, 0);
	assert_int_equal(recv(sv[0], &r, sizeof(r), MSG_DONTWAIT), 0);
	/* A fourth packet is not marked. */
	m = udp_to("198.51.100.9", 20);
	dpt_input1(&w, m);
	assert_false(trace_marked(w.tx[1].m[1]));
	close(sv[0]);
	dpt_route(false, "198.51.100.0", 24, NULL, RTN_UNICAST);
	done();
}

/* A trace on another port marks nothing here; stopping by hand works. */
static void
test_trace_port_filter(void **state)
{
	struct sluice_trace_rec r;
	int sv[2];

	(void)state;
	pair(sv);
	assert_int_equal(trace_start(NULL, sv[1], 2, 0), 0);
	dpt_input1(&w, udp_to("10.0.0.1", 20));
	trace_poll();
	assert_int_equal(recv(sv[0], &r, sizeof(r), MSG_DONTWAIT), -1);
	assert_int_equal(trace_stop(NULL), 0);
	assert_int_equal(trace_stop(NULL), -ENOENT);
	assert_int_equal(recv(sv[0], &r, sizeof(r), MSG_DONTWAIT), 0);
	close(sv[0]);
	dpt_tx_clear(&w);
	done();
}

static int
group_setup(void **state)
{
	(void)state;
	return dpt_two_ports(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture_off),
		cmocka_unit_test(test_capture_burst),
		cmocka_unit_test(test_capture_snaplen_count),
		cmocka_unit_test(test_capture_overflow),
		cmocka_unit_test(test_trace_verdicts),
		cmocka_unit_test(test_trace_port_filter),
	};

	dpt_init("ops");
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
