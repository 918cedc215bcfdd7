/* SPDX-License-Identifier: BSD-3-Clause */
/* STUB: to be written. */
#include "nat.h"
volatile bool nat_enabled;
int nat_init(void) { return 0; }
enum nat_verdict nat_prerouting(struct wctx *w, struct rte_mbuf *m, uint16_t in_port) { (void)w; (void)m; (void)in_port; return NAT_PASS; }
enum nat_verdict nat_postrouting(struct wctx *w, struct rte_mbuf *m, uint16_t in_port, uint16_t out_port) { (void)w; (void)m; (void)in_port; (void)out_port; return NAT_PASS; }
void nat_timer(uint64_t now) { (void)now; }
void nat_flush_port(uint16_t port) { (void)port; }
unsigned int nat_counters(const char **names, uint64_t *values, unsigned int max) { (void)names; (void)values; (void)max; return 0; }
