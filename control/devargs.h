/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the dataplane and sluiced's check both read in a DPDK device
 * string: the interface that af_packet, af_xdp and pcap devices attach to.
 */
#ifndef SLUICE_DEVARGS_H
#define SLUICE_DEVARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* The value of the "iface=" argument of devargs into iface (len bytes),
 * for the drivers whose iface= names an interface that must exist
 * (af_packet, af_xdp, pcap; net_tap's is one it makes); false for others. */
static inline bool
devargs_iface(const char *devargs, char *iface, size_t len)
{
	static const char *const attach[] = { "net_af_packet", "eth_af_packet", "net_af_xdp",
					      "net_pcap" };
	const char *a = devargs;
	bool known = false;

	for (size_t i = 0; i < sizeof(attach) / sizeof(attach[0]); i++)
		known |= strncmp(devargs, attach[i], strlen(attach[i])) == 0;
	if (!known || len == 0)
		return false;
	while ((a = strchr(a, ',')) != NULL) {
		a++;
		if (strncmp(a, "iface=", 6) == 0) {
			size_t n = strcspn(a + 6, ",");

			if (n >= len)
				n = len - 1;
			memcpy(iface, a + 6, n);
			iface[n] = '\0';
			return true;
		}
	}
	return false;
}

#endif
