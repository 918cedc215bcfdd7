/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sluice [-j] trace [dev NAME] [-c N]
 *
 * The dataplane sends one struct sluice_trace_rec per traced packet on the
 * socketpair the request carried (ops_session).  Each is printed as the
 * packet's ingress port, time and headers, one line per step and its
 * verdict; with -j one JSON object per line (docs/cli.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "grammar.h"
#include "ops.h"

#define TRACE_COUNT_DEFAULT	10

struct trace {
	struct cli *c;
	bool json;
};

static const char *
port_name(struct trace *t, uint32_t ifindex, char *buf)
{
	return names_get(&t->c->names, ifindex, buf);
}

/* A step's address a or b (which: 0 or 1) in its family's notation. */
static void
step_addr(const struct sluice_trace_step *st, int which, char *s)
{
	uint32_t a = which ? st->b : st->a;

	if (st->ip6) {
		inet_ntop(AF_INET6, which ? st->b6 : st->a6, s, INET6_ADDRSTRLEN);
		return;
	}
	snprintf(s, INET6_ADDRSTRLEN, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255,
		 a & 255);
}

/* One step in words (no newline). */
static void
step_str(struct trace *t, const struct sluice_trace_step *s, char *out, size_t len)
{
	static const char *const nh[] = {
		[SLUICE_NH_NONE] = "none", [SLUICE_NH_CONNECTED] = "connected",
		[SLUICE_NH_GATEWAY] = "gateway", [SLUICE_NH_LOCAL] = "local",
		[SLUICE_NH_BROADCAST] = "broadcast", [SLUICE_NH_BLACKHOLE] = "blackhole",
		[SLUICE_NH_UNREACHABLE] = "unreachable",
	};
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], pn[16];

	step_addr(s, 0, a);
	step_addr(s, 1, b);
	switch (s->kind) {
	case SLUICE_STEP_VALID:
		snprintf(out, len, "valid %s > %s", a, b);
		break;
	case SLUICE_STEP_NAT:
		snprintf(out, len, "nat %s %s:%u > %s:%u", s->type ? "postrouting" : "prerouting",
			 a, s->pa, b, s->pb);
		break;
	case SLUICE_STEP_ROUTE:
		if (s->type == SLUICE_NH_GATEWAY)
			snprintf(out, len, "route %s via %s dev %s", b, a, port_name(t, s->port, pn));
		else if (s->type == SLUICE_NH_CONNECTED)
			snprintf(out, len, "route %s connected dev %s", b, port_name(t, s->port, pn));
		else
			snprintf(out, len, "route %s %s", b,
				 s->type < sizeof(nh) / sizeof(nh[0]) ? nh[s->type] : "?");
		break;
	case SLUICE_STEP_NEIGH:
		if (s->type)
			snprintf(out, len, "neigh %s dev %s lladdr %02x:%02x:%02x:%02x:%02x:%02x", a,
				 port_name(t, s->port, pn), s->mac[0], s->mac[1], s->mac[2],
				 s->mac[3], s->mac[4], s->mac[5]);
		else
			snprintf(out, len, "neigh %s dev %s unresolved", a, port_name(t, s->port, pn));
		break;
	case SLUICE_STEP_FRAG:
		snprintf(out, len, "fragment %u pieces for mtu %u dev %s", s->a, s->b,
			 port_name(t, s->port, pn));
		break;
	case SLUICE_STEP_LOCAL:
		snprintf(out, len, "local protocol %u", s->type);
		break;
	default:
		snprintf(out, len, "step %u", s->kind);
	}
}

static const char *const verdicts[] = {
	[SLUICE_TRACE_FORWARD] = "forward", [SLUICE_TRACE_LOCAL] = "local",
	[SLUICE_TRACE_PUNT] = "punt", [SLUICE_TRACE_DROP] = "drop",
};

static void
json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static int
trace_dg(void *arg, const uint8_t *buf, size_t len)
{
	struct trace *t = arg;
	struct sluice_trace_rec r;
	const char *verdict, *in, *out = NULL;
	char inb[16], outb[16], step[192], hdr[512];
	FILE *h;

	if (len != sizeof(r))
		return 0;	/* not a record of this version */
	memcpy(&r, buf, sizeof(r));
	r.reason[sizeof(r.reason) - 1] = '\0';
	r.hdr_len = r.hdr_len > SLUICE_TRACE_HDR ? SLUICE_TRACE_HDR : r.hdr_len;
	r.nsteps = r.nsteps > SLUICE_TRACE_STEPS ? SLUICE_TRACE_STEPS : r.nsteps;
	verdict = r.verdict < sizeof(verdicts) / sizeof(verdicts[0]) && verdicts[r.verdict] ?
		  verdicts[r.verdict] : "unknown";
	in = port_name(t, r.in_ifindex, inb);
	if (r.out_ifindex)
		out = port_name(t, r.out_ifindex, outb);
	if ((h = fmemopen(hdr, sizeof(hdr), "w"))) {
		pkt_summary(h, r.hdr, r.hdr_len, r.pkt_len);
		fclose(h);
	} else {
		hdr[0] = '\0';
	}
	if (t->json) {
		printf("{\"time\":");
		putchar('"');
		pkt_time(stdout, r.ts_ns);
		printf("\",\"in\":");
		json_str(stdout, in);
		printf(",\"length\":%u,\"headers\":", r.pkt_len);
		json_str(stdout, hdr);
		printf(",\"steps\":[");
		for (unsigned i = 0; i < r.nsteps; i++) {
			step_str(t, &r.steps[i], step, sizeof(step));
			if (i)
				putchar(',');
			json_str(stdout, step);
		}
		printf("],\"verdict\":\"%s\",\"reason\":", verdict);
		if (r.verdict == SLUICE_TRACE_DROP)
			json_str(stdout, r.reason);
		else
			printf("null");
		printf(",\"out\":");
		if (r.out_ifindex)
			json_str(stdout, out);
		else
			printf("null");
		printf("}\n");
	} else {
		pkt_time(stdout, r.ts_ns);
		printf(" in %s %s\n", in, hdr);
		for (unsigned i = 0; i < r.nsteps; i++) {
			step_str(t, &r.steps[i], step, sizeof(step));
			printf("    %s\n", step);
		}
		printf("    %s", verdict);
		if (r.verdict == SLUICE_TRACE_DROP)
			printf(" %s", r.reason);
		if (r.out_ifindex)
			printf(" dev %s", out);
		putchar('\n');
	}
	return fflush(stdout) == 0 ? 0 : -1;
}

int
do_trace(struct cli *c, int argc, char **argv)
{
	struct trace t = { .c = c, .json = c->json };
	uint32_t ifindex = 0, count = TRACE_COUNT_DEFAULT;
	struct nlmsghdr *nlh;
	char msg[CTL_ERRLEN];

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "dev") && strcmp(argv[i], "-c")) {
			snprintf(msg, sizeof(msg), "unknown keyword \"%s\"", argv[i]);
			return cli_usage_err(c, "trace", msg);
		}
		if (i + 1 == argc) {
			snprintf(msg, sizeof(msg), "missing value after \"%s\"", argv[i]);
			return cli_usage_err(c, "trace", msg);
		}
		if (!strcmp(argv[i++], "dev")) {
			if (!(ifindex = cli_resolve(c, argv[i])))
				return CLI_FAIL;
		} else if (!parse_u32(argv[i], UINT32_MAX, &count)) {
			return cli_usage_err(c, "trace", "invalid count");
		}
	}
	if (c->line)
		return cli_usage_err(c, "trace", "trace does not run in a batch");
	/* The names of the ports in and out. */
	if (cli_connect(c) || cli_links(c, NULL, NULL))
		return CLI_FAIL;
	nlh = ops_request(c, SLUICE_NEWTRACE, ifindex);
	if (count)
		mnl_attr_put_u32(nlh, SLUICE_OPSA_COUNT, count);
	fflush(stdout);
	return ops_session(c, nlh, SLUICE_DELTRACE, trace_dg, &t);
}
