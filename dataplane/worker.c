/* SPDX-License-Identifier: BSD-3-Clause */
/* STUB: to be written (the burst loop). */
#include "worker.h"
void wctx_init(struct wctx *w, uint16_t queue) { (void)w; (void)queue; }
void tx_enqueue(struct wctx *w, uint16_t port, struct rte_mbuf *m) { (void)w; (void)port; rte_pktmbuf_free(m); }
void tx_flush(struct wctx *w) { (void)w; }
void worker_input(struct wctx *w, uint16_t in_port, struct rte_mbuf **pkts, uint16_t n) { (void)w; (void)in_port; rte_pktmbuf_free_bulk(pkts, n); }
int worker_main(void *arg) { (void)arg; return 0; }
void wctx_flush_to_control(struct wctx *w) { (void)w; }
