/* SPDX-License-Identifier: BSD-3-Clause */
/* STUB: to be written. */
#include <errno.h>
#include "control.h"
int link_nl_new(struct ctl_req *rq) { (void)rq; return -EOPNOTSUPP; }
int link_nl_del(struct ctl_req *rq) { (void)rq; return -EOPNOTSUPP; }
int link_nl_get(struct ctl_req *rq) { (void)rq; return -EOPNOTSUPP; }
int addr_nl_new(struct ctl_req *rq) { (void)rq; return -EOPNOTSUPP; }
int addr_nl_del(struct ctl_req *rq) { (void)rq; return -EOPNOTSUPP; }
int addr_nl_get(struct ctl_req *rq) { (void)rq; return -EOPNOTSUPP; }
