/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DPDK's own log lines (EAL, PMDs, rte_log) on stderr with the level DPDK
 * gave them, as "<N>" for journald (control/log.h).  DPDK's default stream
 * on Linux writes every line twice, to stdout and to syslog: under systemd
 * both land in the journal.  This one writes once.
 */
#include <rte_log.h>

#include "dplog.h"
#include "log.h"

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

int
dp_log_init(void)
{
	log_init();
	return rte_openlog_stream(log_stream(dpdk_prio));
}
