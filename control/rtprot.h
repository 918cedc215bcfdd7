/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Route protocol names as iproute2 prints them: its built-in table, then
 * /usr/share/iproute2/rt_protos, /etc/iproute2/rt_protos and every
 * rt_protos.d/NAME.conf beside them (a later line wins, as in iproute2), read
 * once on first use.  sluice's own protocol, under which sluiced installs
 * its routes in the kernel, is always known by name.
 */
#ifndef SLUICE_RTPROT_H
#define SLUICE_RTPROT_H

#include <stdbool.h>
#include <stdint.h>

/* The protocol of the routes sluiced installs in the kernel (the host's own
 * traffic follows sluice's routes).  conf/iproute2/sluice.conf registers
 * the name for `ip route`; sluiced never mirrors these back. */
#define SLUICE_RTPROT_KERNEL_OWN	245
#define SLUICE_RTPROT_KERNEL_NAME	"sluice"

/* The name, or NULL for a number nobody named. */
const char *rtprot_n2a(uint8_t proto);
/* A name or a number 0..255 (decimal or 0x hex) into *v. */
bool rtprot_a2n(const char *s, uint8_t *v);
/* Read the files under dir (rt_protos, rt_protos.d/NAME.conf) on top of what
 * is known; for tests and for other prefixes. */
void rtprot_load_dir(const char *dir);

#endif
