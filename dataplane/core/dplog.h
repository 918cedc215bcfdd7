/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SLUICE_DPLOG_H
#define SLUICE_DPLOG_H

/* Before rte_eal_init(): stderr and DPDK's log stream carry journald
 * priorities (control/log.h). */
int dp_log_init(void);

#endif
