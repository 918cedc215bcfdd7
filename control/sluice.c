/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sluice [-s SOCKET] [-j] [-4|-6] [-b FILE] OBJECT COMMAND [ARGS]
 * sluice -V | -h
 *
 * The command-line tool.  One command from argv, or a batch (-b) of one
 * command per line, pipelined: many requests per datagram, many datagrams
 * in flight, errors matched back to their line by sequence number.  A batch
 * runs every line (like ip -force -batch); its status is 1 if any failed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static void
pipe_error(void *arg, uint32_t line, uint16_t type, int err, const char *msg)
{
	batch_error(arg, line, msg[0] ? msg : ctl_strerror(type, err));
}

static int
run_batch(struct cli *c, const char *file)
{
	FILE *in = strcmp(file, "-") ? fopen(file, "r") : stdin;
	char *line = NULL, *argv[CTL_MAX_TOKENS];
	struct stat st;
	size_t cap = 0;
	unsigned failed = 0;
	uint32_t n = 0;
	ssize_t len;
	int argc, read_errno;

	if (!in) {
		fprintf(stderr, "Error: cannot open %s: %s.\n", file, strerror(errno));
		return CLI_FAIL;
	}
	setvbuf(in, NULL, _IOFBF, 1 << 20);
	if (!(c->pipe = malloc(sizeof(*c->pipe))) ||
	    ctl_pipe_init(c->pipe, &c->conn, pipe_error, c)) {
		fprintf(stderr, "Error: out of memory.\n");
		return CLI_FAIL;
	}
	/* A file's runs of route changes go sorted (batch.c); a stream's
	 * lines go as they come, and its errors print as they come. */
	if (fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode) && batch_init(c))
		batch_free(c);
	while ((len = getline(&line, &cap, in)) >= 0) {
		c->line = ++n;
		/* What follows it would vanish unseen. */
		if (memchr(line, '\0', (size_t)len) != NULL) {
			cli_error(c, "a NUL byte in the line");
			failed++;
			continue;
		}
		argc = tokenize(line, argv, CTL_MAX_TOKENS);
		if (argc == 0)
			continue;
		if (argc < 0) {
			cli_error(c, "too many words");
			failed++;
			continue;
		}
		if (cli_run(c, argc, argv) != CLI_OK) {
			failed++;
			/* No dataplane or a broken connection: nothing more
			 * can work.  A line refused before any connection
			 * (a parse error on the first) is not that. */
			if (c->unreachable || c->pipe->fatal)
				break;
		}
	}
	/* A directory, or a read that failed on the way: not the file's end. */
	read_errno = ferror(in) ? errno : 0;
	c->line = 0;
	if (read_errno != 0) {
		cli_error(c, "cannot read %s: %s", file, strerror(read_errno));
		failed++;
	}
	if (c->connected && !c->pipe->fatal && (batch_flush(c) || ctl_pipe_wait(c->pipe)))
		cli_error(c, "%s", ctl_strerror(0, c->pipe->fatal));
	batch_errors(c);
	batch_free(c);
	if (c->pipe->fatal)
		failed++;
	failed += c->pipe->errors;
	free(line);
	if (in != stdin)
		fclose(in);
	ctl_pipe_free(c->pipe);
	free(c->pipe);
	c->pipe = NULL;
	return failed ? CLI_FAIL : CLI_OK;
}

int
main(int argc, char **argv)
{
	static struct cli c;
	const char *batch = NULL;
	int i, r;

	c.sock = SLUICE_SOCKET_DEFAULT;
	c.conn.fd = -1;
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *o = argv[i] + (argv[i][1] == '-');	/* --json = -json */

		if (!strcmp(o, "-j") || !strcmp(o, "-json")) {
			c.json = true;
		} else if (!strcmp(o, "-4") || !strcmp(o, "-6")) {
			c.family = o[1] == '6' ? AF_INET6 : AF_INET;
		} else if (!strcmp(o, "-f") || !strcmp(o, "-force")) {
			;	/* a batch always runs every line */
		} else if (!strcmp(o, "-s") || !strcmp(o, "-socket") || !strcmp(o, "-b") ||
			   !strcmp(o, "-batch")) {
			if (i + 1 == argc) {
				fprintf(stderr, "Error: option %s needs an argument.\n", argv[i]);
				cli_usage(stderr, NULL);
				return CLI_USAGE;
			}
			if (o[1] == 's')
				c.sock = argv[++i];
			else
				batch = argv[++i];
		} else if (!strcmp(o, "-h") || !strcmp(o, "-help")) {
			cli_usage(stdout, NULL);
			return CLI_OK;
		} else if (!strcmp(o, "-V") || !strcmp(o, "-version")) {
			printf("sluice %s\n", SLUICE_VERSION);
			return CLI_OK;
		} else {
			fprintf(stderr, "Error: unknown option \"%s\".\n", argv[i]);
			cli_usage(stderr, NULL);
			return CLI_USAGE;
		}
	}
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (batch) {
		if (i != argc) {
			fprintf(stderr, "Error: -b takes no command on the command line.\n");
			return CLI_USAGE;
		}
		r = run_batch(&c, batch);
	} else {
		r = cli_run(&c, argc - i, argv + i);
	}
	fflush(stdout);
	if (c.connected)
		ctl_close(&c.conn);
	return r;
}
