/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sluiced -c FILE [-s SOCKET] [--check | --oneshot] [--no-mirror]
 *
 * Loads the INI file and keeps the dataplane equal to it: reconciles on
 * start, again whenever the dataplane comes back (its socket answers after
 * EOF, ECONNREFUSED or ENOENT; tried every 200 ms), and on SIGHUP after
 * re-reading the file (a broken file keeps the old configuration).
 * Foreground, one line per change or event on stderr (with journald
 * priorities, control/log.h), SIGINT/SIGTERM exit 0, sd_notify READY=1 once
 * the configuration is applied: a systemd Type=notify service.  With
 * [metrics] listen, it also serves GET /metrics from the same poll loop
 * (metrics.c).
 * Beside it, the kernel of its namespace and the dataplane exchange routes
 * through host interfaces (ksync.c); --no-mirror leaves the kernel alone.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/signalfd.h>

#include "ksync.h"
#include "log.h"
#include "metrics.h"
#include "reconcile.h"

#define RETRY_MS 200

/* cfg_load()'s FILE:LINE: lines, ranked for the journal. */
static FILE *cfg_errf;

static void
usage(FILE *f)
{
	fputs("Usage: sluiced -c FILE [-s SOCKET] [--check | --oneshot] [--no-mirror]\n"
	      "       sluiced -V | --version | -h | --help\n"
	      "  -c, --config FILE   the INI configuration\n"
	      "  -s, --socket PATH   the dataplane's socket (overrides [dataplane] socket)\n"
	      "      --check         validate FILE and exit (0 good: \"FILE: OK\", 1 with every error)\n"
	      "      --oneshot       apply FILE once and exit (0 applied, 1 any failure)\n"
	      "      --no-mirror     leave the kernel's routes alone (no host route mirror)\n"
	      "  -V, --version       print the version and exit\n"
	      "  -h, --help          print this and exit\n", f);
}

static const char *
socket_of(const struct cfg *cfg, const char *opt)
{
	return opt ? opt : cfg->socket[0] ? cfg->socket : SLUICE_SOCKET_DEFAULT;
}

static int
oneshot(const struct cfg *cfg, const char *path)
{
	struct ctl_conn conn = { .fd = -1 };
	struct rec_result res;
	int err;

	if ((err = ctl_connect(&conn, path))) {
		fprintf(stderr, SD_ERR "Error: cannot connect to %s: %s.\n", path, strerror(-err));
		return 1;
	}
	err = reconcile(&conn, cfg, &res);
	ctl_close(&conn);
	if (err) {
		fprintf(stderr, SD_ERR "Error: lost the dataplane: %s.\n", strerror(-err));
		return 1;
	}
	return res.failures ? 1 : 0;
}

/* SIGHUP: the new file, or the old one if the new one is broken. */
static bool
reload(const char *file, struct cfg *cfg)
{
	struct cfg next;

	fprintf(stderr, SD_NOTICE "SIGHUP: reloading %s\n", file);
	if (cfg_load(file, &next, cfg_errf) != 0) {
		fprintf(stderr, SD_ERR "Error: %s has errors; keeping the running configuration.\n", file);
		cfg_free(&next);
		return false;
	}
	cfg_free(cfg);
	*cfg = next;
	return true;
}

/* [metrics] listen: (re)open the endpoint when it changed.  A socket that
 * cannot be bound is an error in the log; the router runs on without it. */
static struct metrics *
metrics_update(struct metrics *mx, const struct cfg *cfg, const char *path)
{
	static char cur[sizeof(cfg->metrics_listen)];

	if (mx && !strcmp(cur, cfg->metrics_listen)) {
		metrics_set_socket(mx, path);
		return mx;
	}
	metrics_close(mx);
	mx = NULL;
	snprintf(cur, sizeof(cur), "%s", cfg->metrics_listen);
	if (!cfg->metrics_addrlen)
		return NULL;
	mx = metrics_open((const struct sockaddr *)&cfg->metrics_addr, cfg->metrics_addrlen,
			  cfg->metrics_listen, path);
	if (!mx)
		fprintf(stderr, SD_ERR "metrics: cannot listen on %s: %s\n", cfg->metrics_listen,
			strerror(errno));
	else
		fprintf(stderr, SD_INFO "metrics: serving http://%s/metrics\n", cfg->metrics_listen);
	return mx;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int
daemon_loop(const char *file, struct cfg *cfg, const char *opt_sock, bool mirror)
{
	struct metrics *mx = NULL;
	struct ksync ks = { .ev_fd = -1, .req_fd = -1 };
	bool kon = false;
	uint64_t next_poll = 0;
	struct ctl_conn conn = { .fd = -1 };
	bool connected = false, dirty = true;
	int last_err = 0, last_lost = 0, sfd, err = 0;
	char path[CFG_PATH_MAX];
	sigset_t set;

	/* A shell starts background jobs with SIGINT ignored, and an ignored
	 * signal never reaches a signalfd: take the default back first. */
	signal(SIGHUP, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((sfd = signalfd(-1, &set, SFD_CLOEXEC)) < 0) {
		fprintf(stderr, SD_ERR "Error: signalfd: %s.\n", strerror(errno));
		return 1;
	}
	snprintf(path, sizeof(path), "%s", socket_of(cfg, opt_sock));
	if (mirror && (err = ks_open(&ks)))
		fprintf(stderr, SD_WARNING "sluiced: cannot watch the kernel's routes (%s): no route mirror\n",
			strerror(-err));
	kon = mirror && !err;
	fprintf(stderr, SD_INFO "sluiced: %s loaded (%u ports, %u routes, %u neighbours, %u nat rules)\n",
		file, cfg->nports, cfg->nroutes, cfg->nneighs, cfg->nrules);
	mx = metrics_update(mx, cfg, path);
	for (;;) {
		struct pollfd pfd[3 + METRICS_NFDS] = {
			{ .fd = sfd, .events = POLLIN },
			{ .fd = connected ? conn.fd : -1, .events = POLLIN },
			{ .fd = kon ? ks.ev_fd : -1, .events = POLLIN },
		};
		struct signalfd_siginfo si;
		unsigned int nmx;
		int timeout;

		if (!connected) {
			if ((err = ctl_connect(&conn, path)) == 0) {
				connected = true;
				dirty = true;
				last_err = 0;
				if (last_lost != -EUSERS)	/* said once, not every retry */
					fprintf(stderr, SD_NOTICE "connected to the dataplane at %s\n",
						path);
			} else if (err != last_err) {
				fprintf(stderr, SD_WARNING "waiting for the dataplane at %s: %s\n", path,
					strerror(-err));
				last_err = err;
			}
		}
		if (connected && dirty) {
			struct rec_result res;

			/* The mirror's routes first, so that reconcile leaves them;
			 * then both ways once the file's ports and routes are in. */
			if ((!kon || !(err = ks_resync(&ks, &conn, cfg, false))) &&
			    !(err = reconcile(&conn, cfg, &res)) && kon)
				err = ks_resync(&ks, &conn, cfg, true);
			if (err) {
				/* Tried again after RETRY_MS, as a connect: a
				 * dataplane that refuses us (its clients all taken)
				 * is not asked in a tight loop, nor logged each time. */
				if (err != last_lost)
					fprintf(stderr, SD_WARNING "lost the dataplane: %s\n",
						err == -EUSERS ? ctl_error(&conn, 0, err) : strerror(-err));
				last_lost = err;
				ctl_close(&conn);
				connected = false;
			} else {
				dirty = false;
				last_lost = 0;
				fprintf(stderr, SD_NOTICE "configuration applied: %u changes, %u failed\n",
					res.changes, res.failures);
				/* Type=notify: ready once applied (also ends a reload). */
				sd_notify(0, "READY=1");
			}
		}
		pfd[1].fd = connected ? conn.fd : -1;
		nmx = mx ? metrics_pollfds(mx, pfd + 3) : 0;
		fflush(stderr);
		timeout = !connected ? RETRY_MS : !kon ? -1 : KS_POLL_MS;
		if (mx)
			timeout = metrics_timeout(mx, timeout);
		if (poll(pfd, 3 + nmx, timeout) < 0 && errno != EINTR) {
			fprintf(stderr, SD_ERR "Error: poll: %s.\n", strerror(errno));
			return 1;
		}
		if (mx)
			metrics_run(mx, pfd + 3, nmx);
		if (pfd[1].revents) {
			/* Nothing is expected unasked: this is EOF or a stray answer. */
			ssize_t n = recv(conn.fd, conn.rbuf, SLUICE_MSG_MAX, MSG_DONTWAIT);

			if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
				fprintf(stderr, SD_WARNING "lost the dataplane: %s\n",
					n == 0 ? "connection closed" : strerror(errno));
				ctl_close(&conn);
				connected = false;
				last_err = 0;
			}
		}
		if (kon && (pfd[2].revents || (connected && now_ms() >= next_poll))) {
			if (pfd[2].revents)
				err = ks_events(&ks, connected ? &conn : NULL, cfg);
			else {
				err = ks_poll(&ks, &conn, cfg);
				next_poll = now_ms() + KS_POLL_MS;
			}
			if (err && connected && ctl_lost(err)) {
				fprintf(stderr, SD_WARNING "lost the dataplane: %s\n", strerror(-err));
				ctl_close(&conn);
				connected = false;
				last_err = 0;
			}
		}
		if (pfd[0].revents && read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			if (si.ssi_signo != SIGHUP) {
				fprintf(stderr, SD_NOTICE "sluiced: %s, exiting\n", strsignal((int)si.ssi_signo));
				sd_notify(0, "STOPPING=1");
				break;
			}
			sd_notify(0, "RELOADING=1");
			if (reload(file, cfg)) {
				dirty = true;
				if (strcmp(path, socket_of(cfg, opt_sock))) {
					snprintf(path, sizeof(path), "%s", socket_of(cfg, opt_sock));
					if (connected)
						ctl_close(&conn);
					connected = false;
				}
				mx = metrics_update(mx, cfg, path);
			}
			if (!dirty || !connected)
				sd_notify(0, "READY=1");	/* nothing to apply now */
		}
	}
	if (connected)
		ctl_close(&conn);
	metrics_close(mx);
	if (kon)
		ks_close(&ks);
	close(sfd);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "socket", required_argument, NULL, 's' },
		{ "check", no_argument, NULL, 'C' },
		{ "oneshot", no_argument, NULL, 'o' },
		{ "no-mirror", no_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = NULL, *sock = NULL;
	bool check = false, once = false, mirror = true;
	struct cfg cfg;
	int o, r;

	while ((o = getopt_long(argc, argv, "c:s:hV", opts, NULL)) != -1) {
		switch (o) {
		case 'c': file = optarg; break;
		case 's': sock = optarg; break;
		case 'C': check = true; break;
		case 'o': once = true; break;
		case 'M': mirror = false; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("sluiced %s\n", SLUICE_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!file || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (check && once) {
		/* One validates, the other applies: not both at once. */
		fputs("sluiced: --check and --oneshot exclude each other\n", stderr);
		usage(stderr);
		return 2;
	}
	log_init();
	cfg_errf = log_stream(log_prio_config);
	r = cfg_load(file, &cfg, cfg_errf);
	if (r != 0 || check) {
		/* As nginx -t: a word for a good file (warnings allowed). */
		if (r == 0)
			printf("%s: OK\n", file);
		cfg_free(&cfg);
		return r != 0;
	}
	if (once)
		r = oneshot(&cfg, socket_of(&cfg, sock));
	else
		r = daemon_loop(file, &cfg, sock, mirror);
	cfg_free(&cfg);
	return r;
}
