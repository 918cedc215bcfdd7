/* SPDX-License-Identifier: BSD-3-Clause */
/* The FIBs' lookup choice, shared by both families (rt_fib.h). */
#define ALLOW_EXPERIMENTAL_API	/* rte_vect_{get,set}_max_simd_bitwidth */
#include <rte_vect.h>

#include "rt_fib.h"

/*
 * Both FIBs' AVX-512 lookups do a step for many addresses at once, each
 * level one gather for 16 of them, where the scalar walk makes one
 * dependent load an address and level (IPv6's trie: a fifth fewer of the
 * worker's cycles in the lookup; IPv4's DIR-24-8: docs/performance.md).
 * DPDK picks one only under an EAL SIMD limit of 512, whose default is 256
 * (for CPUs that slow down under wide vectors), and the limit is
 * process-wide: it is raised for the choice alone and put back, so that
 * no driver or other library changes its path.  A limit the user forced
 * (--force-max-simd-bitwidth) is theirs: 512 or more has picked it at the
 * FIB's creation anyway, less keeps the scalar walk, as does a CPU or a
 * DPDK build without it (pick fails and changes nothing).
 */
void
rt_fib_pick_avx512(int (*pick)(void *fib), void *fib)
{
	const uint16_t was = rte_vect_get_max_simd_bitwidth();

	if (was >= RTE_VECT_SIMD_512 || rte_vect_set_max_simd_bitwidth(RTE_VECT_SIMD_512) != 0)
		return;
	(void)pick(fib);
	(void)rte_vect_set_max_simd_bitwidth(was);
}
