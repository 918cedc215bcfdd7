/* SPDX-License-Identifier: BSD-3-Clause */
/* AF_XDP sockets left behind by the af_xdp PMD (see xsk.h). */
#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "xsk.h"

#ifndef AF_XDP
#define AF_XDP 44
#endif

/* Call fn for every AF_XDP socket among our file descriptors. */
static void
xsk_each(void (*fn)(int fd, ino_t ino, void *arg), void *arg)
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
		    dom == AF_XDP && fstat(fd, &st) == 0)
			fn(fd, st.st_ino, arg);
	}
	closedir(d);
}

static void
add_one(int fd, ino_t ino, void *arg)
{
	struct xsk_set *s = arg;

	(void)fd;
	if (s->n < XSK_PER_PORT)
		s->ino[s->n++] = ino;
}

void
xsk_snapshot(struct xsk_set *s)
{
	s->n = 0;
	xsk_each(add_one, s);
}

static bool
xsk_has(const struct xsk_set *s, ino_t ino)
{
	for (int i = 0; i < s->n; i++)
		if (s->ino[i] == ino)
			return true;
	return false;
}

void
xsk_new(const struct xsk_set *before, const struct xsk_set *after, struct xsk_set *out)
{
	out->n = 0;
	for (int i = 0; i < after->n; i++)
		if (!xsk_has(before, after->ino[i]))
			out->ino[out->n++] = after->ino[i];
}

struct close_arg {
	const struct xsk_set *s;
	bool closed;
};

static void
close_one(int fd, ino_t ino, void *arg)
{
	struct close_arg *c = arg;

	if (xsk_has(c->s, ino)) {
		close(fd);
		c->closed = true;
	}
}

bool
xsk_close(const struct xsk_set *s)
{
	struct close_arg c = { .s = s, .closed = false };

	if (s->n > 0)
		xsk_each(close_one, &c);
	return c.closed;
}
