/* SPDX-License-Identifier: BSD-3-Clause */
/* STUB: to be written. */
#include "frag.h"
int frag_ip4(struct rte_mbuf *m, uint16_t mtu, struct rte_mbuf **out, uint16_t max) { (void)m; (void)mtu; (void)out; (void)max; return -1; }
