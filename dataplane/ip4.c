/* SPDX-License-Identifier: BSD-3-Clause */
/* STUB: to be written. */
#include "ip4.h"
int ip4_check(const struct rte_ipv4_hdr *ip, uint32_t l3_len) { (void)ip; (void)l3_len; return 0; }
bool ip4_martian_src(uint32_t src) { (void)src; return false; }
bool ip4_martian_dst(uint32_t dst) { (void)dst; return false; }
void ip4_input(struct wctx *w, uint16_t in_port, struct rte_mbuf **pkts, uint16_t n) { (void)w; (void)in_port; rte_pktmbuf_free_bulk(pkts, n); }
void ip4_output(struct wctx *w, struct rte_mbuf *m) { (void)w; rte_pktmbuf_free(m); }
void ip4_xmit(struct wctx *w, struct rte_mbuf *m, uint16_t port, const struct rte_ether_addr *dst_mac) { (void)w; (void)port; (void)dst_mac; rte_pktmbuf_free(m); }
