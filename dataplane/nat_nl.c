/* SPDX-License-Identifier: BSD-3-Clause */
/* STUB: to be written. */
#include <errno.h>
#include "control.h"
int nat_nl_rule_new(struct ctl_req *rq) { (void)rq; return -EOPNOTSUPP; }
int nat_nl_rule_del(struct ctl_req *rq) { (void)rq; return -EOPNOTSUPP; }
int nat_nl_rule_get(struct ctl_req *rq) { (void)rq; return -EOPNOTSUPP; }
int nat_nl_sess_get(struct ctl_req *rq) { (void)rq; return -EOPNOTSUPP; }
int nat_nl_sess_del(struct ctl_req *rq) { (void)rq; return -EOPNOTSUPP; }
int nat_nl_conf_set(struct ctl_req *rq) { (void)rq; return -EOPNOTSUPP; }
int nat_nl_conf_get(struct ctl_req *rq) { (void)rq; return -EOPNOTSUPP; }
