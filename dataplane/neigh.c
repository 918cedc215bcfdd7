/* SPDX-License-Identifier: BSD-3-Clause */
/* STUB: to be written. */
#include <errno.h>
#include "neigh.h"
struct neigh_timers neigh_timers = { 30, 60, 1 };
int neigh_init(void) { return 0; }
uint64_t neigh_lookup_bulk(const uint16_t *port, const uint32_t *ip, unsigned int n, struct rte_ether_addr *macs) { (void)port; (void)ip; (void)n; (void)macs; return 0; }
void arp_input(struct rte_mbuf *m) { rte_pktmbuf_free(m); }
void neigh_resolve(struct rte_mbuf *m) { rte_pktmbuf_free(m); }
void arp_announce(uint16_t port, uint32_t ip) { (void)port; (void)ip; }
void neigh_timer(uint64_t now) { (void)now; }
int neigh_add(uint16_t port, uint32_t ip, const struct rte_ether_addr *mac, bool permanent, uint16_t nl_flags) { (void)port; (void)ip; (void)mac; (void)permanent; (void)nl_flags; return -ENOSYS; }
int neigh_del(uint16_t port, uint32_t ip) { (void)port; (void)ip; return -ENOSYS; }
void neigh_flush(uint16_t port) { (void)port; }
void neigh_flush_port_all(uint16_t port) { (void)port; }
int neigh_walk(int (*cb)(const struct neigh_info *n, void *arg), void *arg) { (void)cb; (void)arg; return 0; }
