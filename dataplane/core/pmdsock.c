/* SPDX-License-Identifier: BSD-3-Clause */
/* The kernel sockets behind af_xdp and af_packet ports (see pmdsock.h). */
#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/if_packet.h>
#include <linux/if_xdp.h>

#include "pmdsock.h"

#ifndef AF_XDP
#define AF_XDP 44
#endif
#ifndef SOL_XDP
#define SOL_XDP 283
#endif

/* Call fn for every socket of domain among our file descriptors. */
static void
pmdsock_each(int domain, void (*fn)(int fd, ino_t ino, void *arg), void *arg)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		int fd = atoi(e->d_name), dom = 0;
		socklen_t len = sizeof(dom);
		struct stat st;

		if (fd <= 2 || fd == dirfd(d))
			continue;
		if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &len) == 0 &&
		    dom == domain && fstat(fd, &st) == 0)
			fn(fd, st.st_ino, arg);
	}
	closedir(d);
}

static void
add_one(int fd, ino_t ino, void *arg)
{
	struct pmdsock_set *s = arg;

	if (s->n < PMDSOCK_PER_PORT) {
		s->fd[s->n] = fd;
		s->ino[s->n++] = ino;
	}
}

void
pmdsock_snapshot(int domain, struct pmdsock_set *s)
{
	s->domain = domain;
	s->n = 0;
	s->drops = 0;
	pmdsock_each(domain, add_one, s);
}

static bool
pmdsock_has(const struct pmdsock_set *s, ino_t ino)
{
	for (int i = 0; i < s->n; i++)
		if (s->ino[i] == ino)
			return true;
	return false;
}

void
pmdsock_new(const struct pmdsock_set *before, const struct pmdsock_set *after,
	    struct pmdsock_set *out)
{
	out->domain = after->domain;
	out->n = 0;
	out->drops = 0;
	for (int i = 0; i < after->n; i++)
		if (!pmdsock_has(before, after->ino[i])) {
			out->fd[out->n] = after->fd[i];
			out->ino[out->n++] = after->ino[i];
		}
}

struct close_arg {
	const struct pmdsock_set *s;
	bool closed;
};

static void
close_one(int fd, ino_t ino, void *arg)
{
	struct close_arg *c = arg;

	if (pmdsock_has(c->s, ino)) {
		close(fd);
		c->closed = true;
	}
}

bool
pmdsock_close(const struct pmdsock_set *s)
{
	struct close_arg c = { .s = s, .closed = false };

	if (s->n > 0)
		pmdsock_each(s->domain, close_one, &c);
	return c.closed;
}

/* Is fd still the socket we recorded (the PMD may have closed it)? */
static bool
pmdsock_same(int fd, ino_t ino)
{
	struct stat st;

	return fstat(fd, &st) == 0 && st.st_ino == ino;
}

uint64_t
pmdsock_drops(struct pmdsock_set *s)
{
	uint64_t xdp = 0;

	for (int i = 0; i < s->n; i++) {
		if (!pmdsock_same(s->fd[i], s->ino[i]))
			continue;
		if (s->domain == AF_PACKET) {
			struct tpacket_stats st;
			socklen_t len = sizeof(st);

			if (getsockopt(s->fd[i], SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
				s->drops += st.tp_drops;
		} else if (s->domain == AF_XDP) {
			struct xdp_statistics st;
			socklen_t len = sizeof(st);

			/* rx_dropped (fill ring empty, frame too big) is the
			 * PMD's imissed already; the full struct makes the
			 * kernel count ring overflows apart, in rx_ring_full. */
			if (getsockopt(s->fd[i], SOL_XDP, XDP_STATISTICS, &st, &len) == 0 &&
			    len >= sizeof(st))
				xdp += st.rx_ring_full;
		}
	}
	return s->domain == AF_XDP ? xdp : s->drops;
}
