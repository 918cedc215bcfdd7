/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DPDK's own log lines (EAL, PMDs, rte_log) on stderr with the level DPDK
 * gave them, as "<N>" for journald (control/log.h).  DPDK's default stream
 * on Linux writes every line twice, to stdout and to syslog: under systemd
 * both land in the journal.  This one writes once.
 *
 * Its error lines go to dp_log_error_note as well: a driver that refuses
 * a device says why only in its log (dp.h).
 */
#include <stdio.h>
#include <string.h>
#include <rte_log.h>

#include "dp.h"
#include "dplog.h"
#include "log.h"

static FILE *dp_out;

/* RTE_LOG_EMERG is 1, syslog's LOG_EMERG 0. */
static int
dpdk_prio(const char *line, size_t len)
{
	int level = rte_log_cur_msg_loglevel();

	(void)line;
	(void)len;
	if (level < (int)RTE_LOG_EMERG || level > (int)RTE_LOG_DEBUG)
		level = (int)RTE_LOG_INFO;
	return level - 1;
}

/* DPDK writes a message at a time, its level set while it does (the
 * stream is line buffered, and every message of its drivers ends a
 * line). */
static ssize_t
dpdk_write(void *cookie, const char *buf, size_t size)
{
	int level = rte_log_cur_msg_loglevel();

	(void)cookie;
	if (level >= (int)RTE_LOG_EMERG && level <= (int)RTE_LOG_ERR)
		dp_log_error_note(buf, size);
	if (fwrite(buf, 1, size, dp_out) != size)
		return -1;
	fflush(dp_out);
	return (ssize_t)size;
}

int
dp_log_init(void)
{
	cookie_io_functions_t io = { .write = dpdk_write };
	FILE *f;

	log_init();
	dp_out = log_stream(dpdk_prio);
	f = fopencookie(NULL, "w", io);
	if (f == NULL)
		return rte_openlog_stream(dp_out);
	setvbuf(f, NULL, _IOLBF, 0);
	return rte_openlog_stream(f);
}
