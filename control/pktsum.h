/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A frame's headers on one line, as `tcpdump -n` prints them: the text of
 * sluice capture and the headers of sluice trace.
 */
#ifndef SLUICE_PKTSUM_H
#define SLUICE_PKTSUM_H

#include <stdint.h>
#include <stdio.h>

/* A frame's headers as `tcpdump -n` prints them (no newline): caplen bytes
 * of a frame of len bytes from its Ethernet header. */
void pkt_summary(FILE *f, const uint8_t *p, uint32_t caplen, uint32_t len);
/* "HH:MM:SS.uuuuuu" local time of ns since the epoch. */
void pkt_time(FILE *f, uint64_t ns);

#endif
