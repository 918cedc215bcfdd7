/* SPDX-License-Identifier: BSD-3-Clause */
/* STUB: to be written. */
#include <errno.h>
#include "control.h"
int route_nl_new(struct ctl_req *rq) { (void)rq; return -EOPNOTSUPP; }
int route_nl_del(struct ctl_req *rq) { (void)rq; return -EOPNOTSUPP; }
int route_nl_get(struct ctl_req *rq) { (void)rq; return -EOPNOTSUPP; }
