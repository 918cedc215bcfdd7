/* SPDX-License-Identifier: BSD-3-Clause */
/* STUB: to be written. */
#include <errno.h>
#include "route.h"
struct nexthop nexthops[NH_MAX];
struct rte_fib *fib;
void route_lookup_bulk(const uint32_t *ips, uint64_t *nh, unsigned int n) { (void)ips; for (unsigned i = 0; i < n; i++) nh[i] = 0; }
int route_init(uint32_t max_routes) { (void)max_routes; return 0; }
int route_add(const struct route *r, uint16_t nl_flags) { (void)r; (void)nl_flags; return -ENOSYS; }
int route_del(const struct route *r, const struct route_match *match) { (void)r; (void)match; return -ENOSYS; }
void route_flush_port(uint16_t port) { (void)port; }
int route_get(uint32_t ip, struct route *out) { (void)ip; (void)out; return -ENETUNREACH; }
int route_walk(int (*cb)(const struct route *r, void *arg), void *arg) { (void)cb; (void)arg; return 0; }
unsigned int route_count(void) { return 0; }
void route_sync(void) { }
