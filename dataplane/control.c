/* SPDX-License-Identifier: BSD-3-Clause */
/* STUB: to be written. */
#include "control.h"
struct nlmsghdr *ctl_msg_begin(struct ctl_req *rq, uint16_t type, uint16_t flags, const void *fam, size_t famlen) { (void)rq; (void)type; (void)flags; (void)fam; (void)famlen; return NULL; }
void ctl_msg_end(struct ctl_req *rq, struct nlmsghdr *nlh) { (void)rq; (void)nlh; }
int ctl_server_open(const struct ctl_server_conf *conf) { (void)conf; return 0; }
void ctl_server_poll(int timeout_ms) { (void)timeout_ms; }
void ctl_server_close(void) { }
void ctl_process(int fd, const char *data, size_t len, bool privileged) { (void)fd; (void)data; (void)len; (void)privileged; }
