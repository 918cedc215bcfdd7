/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer: one control-channel datagram per input, handed to ctl_process
 * as the server would (privileged when the first byte is even), on one end
 * of a seqpacket socketpair.  After it: every reply datagram is whole
 * netlink messages, and once the state the input made is torn down no
 * mbuf, route, session or rule is left (fuzz_dp.h).
 *
 * New links are limited to net_null devices (rte_dev_probe is wrapped at
 * link time): a fuzzer running as root must not write pcap files or send
 * on real interfaces.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz_dp.h"
#include "control.h"

static int sp[2];
static char req[SLUICE_MSG_MAX + 64] __attribute__((aligned(8)));
static char rep[SLUICE_MSG_MAX + 64] __attribute__((aligned(8)));

int __real_rte_dev_probe(const char *devargs);
int __wrap_rte_dev_probe(const char *devargs);

int
__wrap_rte_dev_probe(const char *devargs)
{
	if (strncmp(devargs, "net_null", 8) != 0)
		return -ENODEV;
	return __real_rte_dev_probe(devargs);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int big = 1 << 22;

	(void)argc;
	(void)argv;
	fz_init("fuzzctl");
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp) != 0) {
		perror("fuzz_control: socketpair");
		exit(1);
	}
	/* A reply the peer has no room for fails the send instead of
	 * blocking the fuzzer (the server has SO_SNDTIMEO instead). */
	setsockopt(sp[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	setsockopt(sp[1], SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	fcntl(sp[0], F_SETFL, O_NONBLOCK);
	fcntl(sp[1], F_SETFL, O_NONBLOCK);
	fz_setup(NULL);
	return 0;
}

/* Every datagram the server sent: whole, aligned netlink messages that fit. */
static void
check_replies(void)
{
	for (;;) {
		ssize_t n = recv(sp[1], rep, sizeof(rep), MSG_DONTWAIT);
		const struct nlmsghdr *h = (const struct nlmsghdr *)rep;
		int rem;

		if (n < 0) {
			FZ_CHECK(errno == EAGAIN || errno == EWOULDBLOCK, "recv: %s",
				 strerror(errno));
			return;
		}
		FZ_CHECK(n > 0 && n <= SLUICE_MSG_MAX, "reply datagram of %zd bytes", n);
		for (rem = (int)n; mnl_nlmsg_ok(h, rem); h = mnl_nlmsg_next(h, &rem))
			FZ_CHECK(h->nlmsg_len >= NLMSG_HDRLEN, "reply message of %u bytes",
				 h->nlmsg_len);
		FZ_CHECK(rem == 0, "%d stray bytes after the last reply message", rem);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool privileged;

	if (size < 1 || size - 1 > SLUICE_MSG_MAX)
		return -1;
	/* Needs the retry loop of port_create (5 x 50 ms): too slow to fuzz,
	 * and refused by the wrapper anyway. */
	if (memmem(data, size, "af_xdp", 6) != NULL)
		return -1;
	privileged = (data[0] & 1) == 0;
	memcpy(req, data + 1, size - 1);
	ctl_process(sp[0], req, size - 1, privileged);
	check_replies();
	fz_teardown(NULL);
	fz_setup(NULL);
	return 0;
}
