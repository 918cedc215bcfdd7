/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Log lines that journald can rank.  Both daemons start each line they log
 * with sd-daemon.h's SD_ERR, SD_WARNING, SD_NOTICE or SD_INFO ("<3>" ...),
 * then the object, then the cause.  When stderr is the journal
 * (JOURNAL_STREAM names it) the prefix stays and journald takes it as the
 * line's priority; otherwise log_init() makes stderr drop it, so that a
 * terminal or a log file reads as plain text.
 */
#ifndef SLUICE_LOG_H
#define SLUICE_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <systemd/sd-daemon.h>

/* True when stderr is connected to the journal. */
extern bool log_journal;

/* Call once, first thing in main(). */
void log_init(void);

/* The syslog priority (0..7) of a line that has no "<N>", or -1. */
typedef int log_prio_fn(const char *line, size_t len);

/* A stream onto stderr that gives each line without a "<N>" the priority
 * PRIO says (in the journal), for code that writes to a FILE it is handed. */
FILE *log_stream(log_prio_fn *prio);

/* For cfg_load()'s "FILE:LINE: ..." lines: warnings, or else errors. */
log_prio_fn log_prio_config;

#endif
