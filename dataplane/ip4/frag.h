/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv4 fragmentation toward a smaller egress MTU (rte_ip_frag). */
#ifndef SLUICE_FRAG_H
#define SLUICE_FRAG_H

#include <stdint.h>
#include <rte_mbuf.h>

/* Split m (data at the IPv4 header, DF clear) into fragments of at most mtu
 * bytes of IP each.  Returns how many were written to out (m is consumed),
 * or a negative value (m not consumed). */
int frag_ip4(struct rte_mbuf *m, uint16_t mtu, struct rte_mbuf **out, uint16_t max);

#endif
