/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The sluice CLI's commands (cli.c), run once from argv or line by line
 * from a batch (sluice.c).  In a batch, changes go down the pipeline and
 * their errors come back tagged with the line; shows wait for the pipeline
 * to drain first, so they see every earlier line applied.
 */
#ifndef SLUICE_CLI_H
#define SLUICE_CLI_H

#include "client.h"
#include "print.h"

enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

struct cli {
	const char *sock;
	bool json;
	uint8_t family;			/* -4: AF_INET, -6: AF_INET6, else AF_UNSPEC */
	bool connected;
	bool unreachable;		/* a connect failed: no later line can work */
	struct ctl_conn conn;
	bool have_names;
	struct ctl_names names;
	struct ctl_pipe *pipe;		/* batch mode */
	struct cli_batch *batch;	/* batch mode: its sorted run, its errors */
	uint32_t line;			/* batch line, 0 outside a batch */
	unsigned failures;
	char buf[NL_ROOM];		/* one request outside a batch */
};

/* Run one command (argv after the options); returns CLI_*. */
int cli_run(struct cli *c, int argc, char **argv);
/* Connect if not yet: 0, or CLI_FAIL after printing why. */
int cli_connect(struct cli *c);
/* A port name to its index, or 0 after printing the error. */
uint32_t cli_resolve(struct cli *c, const char *name);
/* The ports (c->names) and their devices: 0 or CLI_FAIL. */
int cli_links(struct cli *c, void (*fn)(void *arg, const struct ctl_link *l), void *arg);
/* Print "Error: msg." (with the batch line) on stderr. */
void cli_error(struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The usage of object (NULL: of sluice) on f. */
void cli_usage(FILE *f, const char *object);
/* Usage error: prints msg and the object's usage; CLI_USAGE. */
int cli_usage_err(struct cli *c, const char *obj, const char *msg);
/* An error answer to a request of type: prints it; CLI_FAIL. */
int cli_fail(struct cli *c, uint16_t type, int err);

/* A batch's runs of route changes, sent sorted by prefix, and its errors,
 * printed in line order (batch.c). */
struct cli_batch;
int batch_init(struct cli *c);
void batch_free(struct cli *c);
/* Stage a route change made in the pipe's room: 0 staged, 1 not one
 * that may be sorted (commit it), -1 out of memory (commit it). */
int batch_route(struct cli *c, const struct nlmsghdr *nlh, const struct ctl_route *r);
bool batch_pending(const struct cli *c);
/* Send the run, sorted: 0 or CLI_FAIL (the connection broke). */
int batch_flush(struct cli *c);
/* An error of line, kept until batch_errors prints them in line order. */
void batch_error(struct cli *c, uint32_t line, const char *msg);
void batch_errors(struct cli *c);

#endif
