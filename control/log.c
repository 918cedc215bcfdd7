/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "log.h"

bool log_journal;

/* systemd sets JOURNAL_STREAM to "DEV:INODE" of the stream it connected;
 * it is inherited, so compare it with what fd 2 really is. */
static bool
stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (e == NULL || sscanf(e, "%llu:%llu", &dev, &ino) != 2 ||
	    fstat(STDERR_FILENO, &st) != 0)
		return false;
	return st.st_dev == (dev_t)dev && st.st_ino == (ino_t)ino;
}

struct log_cookie {
	log_prio_fn *prio;
	bool bol;		/* the next byte starts a line */
};

static bool
has_prefix(const char *s, size_t n)
{
	return n >= 3 && s[0] == '<' && s[1] >= '0' && s[1] <= '7' && s[2] == '>';
}

/* Line by line to fd 2: in the journal, a line without a "<N>" gets its
 * priority's; elsewhere every "<N>" is dropped.  Streams are line
 * buffered, so a line (and its prefix) arrives whole. */
static ssize_t
log_write(void *cookie, const char *buf, size_t size)
{
	struct log_cookie *c = cookie;
	size_t i = 0, start;
	char pfx[4];
	int p;

	while (i < size) {
		start = i;
		while (i < size && buf[i++] != '\n')
			;
		if (c->bol && has_prefix(buf + start, i - start)) {
			if (!log_journal)
				start += 3;
		} else if (c->bol && log_journal && c->prio &&
			   (p = c->prio(buf + start, i - start)) >= 0) {
			pfx[0] = '<', pfx[1] = (char)('0' + (p & 7)), pfx[2] = '>';
			if (write(STDERR_FILENO, pfx, 3) < 0)
				return -1;
		}
		c->bol = buf[i - 1] == '\n';
		if (i > start && write(STDERR_FILENO, buf + start, i - start) < 0)
			return -1;
	}
	return (ssize_t)size;
}

FILE *
log_stream(log_prio_fn *prio)
{
	cookie_io_functions_t io = { .write = log_write };
	struct log_cookie *c = calloc(1, sizeof(*c));
	FILE *f;

	if (c == NULL)
		return stderr;
	c->prio = prio;
	c->bol = true;
	if ((f = fopencookie(c, "w", io)) == NULL) {
		free(c);
		return stderr;
	}
	setvbuf(f, NULL, _IOLBF, 0);
	return f;
}

int
log_prio_config(const char *line, size_t len)
{
	return memmem(line, len, "warning", 7) ? 4 : 3;
}

void
log_init(void)
{
	log_journal = stderr_is_journal();
	/* In the journal stderr stays as it is: its "<N>" are wanted. */
	if (!log_journal)
		stderr = log_stream(NULL);
}
