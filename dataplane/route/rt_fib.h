/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SLUICE_RT_FIB_H
#define SLUICE_RT_FIB_H

/*
 * A FIB's AVX-512 lookup (both families: pick selects it on fib, e.g.
 * rte_fib_select_lookup(fib, RTE_FIB_LOOKUP_DIR24_8_VECTOR_AVX512)), where
 * the CPU and DPDK's build have it, under the EAL SIMD limit raised for
 * the choice alone: see rt_fib.c.
 */
void rt_fib_pick_avx512(int (*pick)(void *fib), void *fib);

#endif
