/* SPDX-License-Identifier: BSD-3-Clause */
/* STUB: to be written. */
#include "icmp.h"
void icmp_input(struct wctx *w, struct rte_mbuf *m, uint16_t in_port) { (void)w; (void)in_port; rte_pktmbuf_free(m); }
void icmp_error(struct wctx *w, struct rte_mbuf *m, uint16_t in_port, uint8_t type, uint8_t code, uint16_t mtu) { (void)w; (void)m; (void)in_port; (void)type; (void)code; (void)mtu; }
