/* SPDX-License-Identifier: BSD-3-Clause */
/* STUB: to be written. */
#include <errno.h>
#include "control.h"
int stats_nl_get(struct ctl_req *rq) { (void)rq; return -EOPNOTSUPP; }
