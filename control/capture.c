/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sluice capture [dev NAME] [in|out|both] [-c COUNT] [-s SNAPLEN] [-w FILE|-]
 *
 * The dataplane writes pcapng (DPDK's rte_pcapng) to one end of a
 * SOCK_SEQPACKET pair whose other end this command reads, whole blocks per
 * datagram: with -w they are copied to FILE or stdout, each interface block
 * named for its port (idb_rename), else each packet block becomes one line
 * as `tcpdump -n` prints its headers (pktsum.c).  Also here: the session
 * loop shared with trace.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>

#include "grammar.h"
#include "ops.h"

#define OPS_DG_MAX	(256 * 1024)	/* larger than any datagram the dataplane sends */

/* ---- the session ------------------------------------------------------ */

static volatile sig_atomic_t ops_stop;

static void
on_stop(int sig)
{
	(void)sig;
	ops_stop = 1;
}

struct nlmsghdr *
ops_request(struct cli *c, uint16_t type, uint32_t ifindex)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(c->buf);
	struct sluicemsg *sm;

	nlh->nlmsg_type = type;
	sm = mnl_nlmsg_put_extra_header(nlh, sizeof(*sm));
	sm->sm_family = AF_INET;
	if (ifindex)
		mnl_attr_put_u32(nlh, SLUICE_OPSA_IFINDEX, ifindex);
	return nlh;
}

int
ops_session(struct cli *c, struct nlmsghdr *nlh, uint16_t del_type, ops_dg_fn fn, void *arg)
{
	struct sigaction sa = { .sa_handler = on_stop }, old_int, old_term, old_pipe;
	struct sigaction ign = { .sa_handler = SIG_IGN };
	uint16_t type = nlh->nlmsg_type;
	bool asked = false;
	uint8_t *buf;
	int sv[2], err, r = CLI_OK;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
		cli_error(c, "socketpair: %s", strerror(errno));
		return CLI_FAIL;
	}
	if (!(buf = malloc(OPS_DG_MAX))) {
		cli_error(c, "out of memory");
		close(sv[0]);
		close(sv[1]);
		return CLI_FAIL;
	}
	/* No SA_RESTART: Ctrl-C interrupts the wait. */
	ops_stop = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGPIPE, &ign, &old_pipe);	/* a closed reader is EPIPE */
	err = ctl_request_fd(&c->conn, nlh, sv[1]);
	close(sv[1]);
	if (err) {
		r = cli_fail(c, type, err);
		goto out;
	}
	for (;;) {
		struct pollfd p = { .fd = sv[0], .events = POLLIN };
		ssize_t n;

		if (ops_stop && !asked) {
			/* Ask for the end; what was copied still comes, then
			 * the end of the stream.  Gone already (its count was
			 * reached) is as good. */
			struct nlmsghdr *del = nl_simple(c->buf, del_type, 0, 0);

			asked = true;
			err = ctl_request(&c->conn, del);
			if (err && err != -ENOENT)
				break;
		}
		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		n = recv(sv[0], buf, OPS_DG_MAX, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			break;
		}
		if (n == 0)
			break;		/* the dataplane ended the session */
		if (fn(arg, buf, (size_t)n) < 0)
			break;		/* the reader went away: closing ends it */
	}
out:
	close(sv[0]);
	free(buf);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	return r;
}

/* ---- pcapng, for the text lines --------------------------------------- */

#define PCAPNG_IDB	1
#define PCAPNG_EPB	6
#define IF_MAX		64
/* An interface block: type, length, link type, reserved, snap length, then
 * its options. */
#define IDB_OPTIONS	16
#define IDB_NAME	2
#define IDB_HARDWARE	15
#define IDB_MAX		1024	/* rte_pcapng's are about 100 bytes */
#define IDB_GROWTH	(4 + SLUICE_IFNAMSIZ + 4)	/* a name, at worst an end */

struct capture {
	struct cli *c;
	int out;			/* -w: where blocks go; -1: text */
	bool out_stdout;
	uint64_t frames;
	/* Text: interface block i is port name[i] (matched by device). */
	unsigned nif;
	char ifname[IF_MAX][SLUICE_IFNAMSIZ];
	/* The ports and their devices, from a link dump. */
	unsigned nlinks;
	struct { char name[SLUICE_IFNAMSIZ]; char dev[SLUICE_DEVARGS_MAX]; } links[SLUICE_MAX_PORTS];
};

static void
link_cb(void *arg, const struct ctl_link *l)
{
	struct capture *cp = arg;

	if (cp->nlinks == SLUICE_MAX_PORTS)
		return;
	snprintf(cp->links[cp->nlinks].name, SLUICE_IFNAMSIZ, "%s", l->name);
	snprintf(cp->links[cp->nlinks].dev, SLUICE_DEVARGS_MAX, "%s", l->device);
	cp->nlinks++;
}

/* The bytes an option of len bytes of value takes: its 4-byte header and
 * the value padded to 32 bits. */
static inline uint32_t
pcapng_opt_size(uint16_t len)
{
	return 4 + ((len + 3u) & ~3u);
}

/* A block's option: its code, value and length, and the bytes it takes
 * with its header and padding. */
struct pcapng_opt {
	uint16_t code, len;
	const uint8_t *val;
	uint32_t size;
};

/* The option of block b at *off (moved past it), options ending at end
 * (the trailing length): false at the end marker or where the area
 * ends. */
static bool
pcapng_opt_next(const uint8_t *b, uint32_t end, uint32_t *off, struct pcapng_opt *o)
{
	if (*off + 4 > end)
		return false;
	memcpy(&o->code, b + *off, 2);
	memcpy(&o->len, b + *off + 2, 2);
	if (o->code == 0 || *off + 4 + o->len > end)
		return false;
	o->val = b + *off + 4;
	o->size = pcapng_opt_size(o->len);
	*off += o->size;
	return true;
}

/* The port an interface block stands for: rte_pcapng names the device
 * "bus-name" in its if_hardware option (15); the port whose device string
 * starts with that name is the one.  NULL when none is (a port made after
 * the link dump). */
static const char *
idb_port(const struct capture *cp, const uint8_t *b, uint32_t len)
{
	struct pcapng_opt o;
	char hw[SLUICE_DEVARGS_MAX];
	const char *dash;

	for (uint32_t off = IDB_OPTIONS; pcapng_opt_next(b, len - 4, &off, &o);) {
		if (o.code != IDB_HARDWARE || o.len >= sizeof(hw))
			continue;
		memcpy(hw, o.val, o.len);
		hw[o.len] = '\0';
		dash = strchr(hw, '-');
		for (unsigned i = 0; dash && i < cp->nlinks; i++) {
			size_t n = strlen(dash + 1);

			if (!strncmp(cp->links[i].dev, dash + 1, n) &&
			    (cp->links[i].dev[n] == '\0' || cp->links[i].dev[n] == ','))
				return cp->links[i].name;
		}
	}
	return NULL;
}

/* Text: interface block i is port ifname[i] ("ifI" when no port is). */
static void
idb(struct capture *cp, const uint8_t *b, uint32_t len)
{
	const char *port = idb_port(cp, b, len);
	char *name;

	if (cp->nif == IF_MAX)
		return;
	name = cp->ifname[cp->nif++];
	if (port)
		memcpy(name, port, SLUICE_IFNAMSIZ);
	else
		snprintf(name, SLUICE_IFNAMSIZ, "if%u", cp->nif - 1);
}

static uint8_t *
put_option(uint8_t *o, uint16_t code, const void *v, uint16_t len)
{
	memcpy(o, &code, 2);
	memcpy(o + 2, &len, 2);
	if (len != 0)
		memcpy(o + 4, v, len);
	memset(o + 4 + len, 0, pcapng_opt_size(len) - 4 - len);
	return o + pcapng_opt_size(len);
}

/*
 * -w: interface block b (len bytes) as the file gets it, in out (at most
 * len + IDB_GROWTH bytes): its if_name (2) the port's name, as a kernel
 * capture names the interface, where rte_pcapng wrote the name of the
 * kernel interface under the device (af_xdp's veth end) or else the DPDK
 * port's ("net_pcap0"); its if_hardware, kept, still names the device.
 * Returns the new length, 0 to keep the block as it is (no port matches,
 * or too long a block).
 */
static uint32_t
idb_rename(const struct capture *cp, const uint8_t *b, uint32_t len, uint8_t *out)
{
	const char *port = idb_port(cp, b, len);
	uint8_t *o = out + IDB_OPTIONS;
	struct pcapng_opt opt;
	uint32_t off, n;

	if (!port || len < IDB_OPTIONS + 4 || len > IDB_MAX)
		return 0;
	memcpy(out, b, IDB_OPTIONS);
	o = put_option(o, IDB_NAME, port, (uint16_t)strlen(port));
	for (off = IDB_OPTIONS; pcapng_opt_next(b, len - 4, &off, &opt);) {
		if (opt.code != IDB_NAME) {
			memcpy(o, opt.val - 4, opt.size);
			o += opt.size;
		}
	}
	o = put_option(o, 0, NULL, 0);
	n = (uint32_t)(o - out) + 4;
	memcpy(out + 4, &n, 4);
	memcpy(o, &n, 4);
	return n;
}

static void
epb(struct capture *cp, const uint8_t *b, uint32_t len)
{
	uint32_t ifid, caplen, origlen, off, flags = 0;
	struct pcapng_opt o;
	uint64_t ns;

	if (len < 32)
		return;
	memcpy(&ifid, b + 8, 4);
	ns = (uint64_t)(b[12] | b[13] << 8 | b[14] << 16 | (uint32_t)b[15] << 24) << 32;
	ns |= (uint32_t)(b[16] | b[17] << 8 | b[18] << 16 | (uint32_t)b[19] << 24);
	memcpy(&caplen, b + 20, 4);
	memcpy(&origlen, b + 24, 4);
	if (caplen > len - 32)
		return;
	/* Options: the direction is in epb_flags (2). */
	for (off = 28 + ((caplen + 3) & ~3u); pcapng_opt_next(b, len - 4, &off, &o);)
		if (o.code == 2 && o.len == 4)
			memcpy(&flags, o.val, 4);
	pkt_time(stdout, ns);
	printf(" %s %s ", ifid < cp->nif ? cp->ifname[ifid] : "?",
	       (flags & 3) == 1 ? "in " : (flags & 3) == 2 ? "out" : "?  ");
	pkt_summary(stdout, b + 28, caplen, origlen);
	putchar('\n');
}

static int
write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
capture_dg(void *arg, const uint8_t *buf, size_t len)
{
	struct capture *cp = arg;
	uint8_t renamed[IDB_MAX + IDB_GROWTH];
	size_t off = 0, from = 0;	/* -w: buf[from, off) not written yet */

	/* Whole blocks: count the packet blocks. */
	while (off + 12 <= len) {
		uint32_t type, blen, n;

		memcpy(&type, buf + off, 4);
		memcpy(&blen, buf + off + 4, 4);
		if (blen < 12 || blen > len - off)
			break;
		if (type == PCAPNG_EPB)
			cp->frames++;
		if (cp->out < 0 && type == PCAPNG_IDB) {
			idb(cp, buf + off, blen);
		} else if (cp->out < 0 && type == PCAPNG_EPB) {
			epb(cp, buf + off, blen);
		} else if (type == PCAPNG_IDB && (n = idb_rename(cp, buf + off, blen, renamed))) {
			if (write_all(cp->out, buf + from, off - from) < 0 ||
			    write_all(cp->out, renamed, n) < 0)
				return -1;
			from = off + blen;
		}
		off += blen;
	}
	if (cp->out >= 0)
		return write_all(cp->out, buf + from, len - from);
	/* Lines as they come, as tcpdump -l; a closed reader ends it. */
	return fflush(stdout) == 0 ? 0 : -1;
}

int
do_capture(struct cli *c, int argc, char **argv)
{
	struct capture *cp;
	uint32_t ifindex = 0, count = 0, snaplen = 0;
	const char *file = NULL;
	uint8_t dir = SLUICE_CAPTURE_IN | SLUICE_CAPTURE_OUT;
	struct nlmsghdr *nlh;
	int r;

	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];

		if (!strcmp(w, "in") || !strcmp(w, "out") || !strcmp(w, "both")) {
			dir = w[0] == 'i' ? SLUICE_CAPTURE_IN : w[0] == 'o' ? SLUICE_CAPTURE_OUT :
			      SLUICE_CAPTURE_IN | SLUICE_CAPTURE_OUT;
			continue;
		}
		if (strcmp(w, "dev") && strcmp(w, "-c") && strcmp(w, "-s") && strcmp(w, "-w")) {
			char msg[CTL_ERRLEN];

			snprintf(msg, sizeof(msg), "unknown keyword \"%s\"", w);
			return cli_usage_err(c, "capture", msg);
		}
		if (++i == argc) {
			char msg[CTL_ERRLEN];

			snprintf(msg, sizeof(msg), "missing value after \"%s\"", w);
			return cli_usage_err(c, "capture", msg);
		}
		if (!strcmp(w, "dev")) {
			if (!(ifindex = cli_resolve(c, argv[i])))
				return CLI_FAIL;
		} else if (!strcmp(w, "-c")) {
			if (!parse_u32(argv[i], UINT32_MAX, &count) || !count)
				return cli_usage_err(c, "capture", "invalid count");
		} else if (!strcmp(w, "-s")) {
			/* 0 is tcpdump's "the default": sent as no snaplen. */
			if (!parse_u32(argv[i], 262144, &snaplen) || (snaplen && snaplen < 14))
				return cli_usage_err(c, "capture",
						     "invalid snaplen (0, or 14 to 262144)");
		} else {
			file = argv[i];
		}
	}
	if (c->line)
		return cli_usage_err(c, "capture", "capture does not run in a batch");
	if (!(cp = calloc(1, sizeof(*cp)))) {
		cli_error(c, "out of memory");
		return CLI_FAIL;
	}
	cp->c = c;
	cp->out = -1;
	if (cli_connect(c) || cli_links(c, link_cb, cp)) {
		free(cp);
		return CLI_FAIL;
	}
	if (file && !strcmp(file, "-")) {
		cp->out = STDOUT_FILENO;
		cp->out_stdout = true;
	} else if (file && (cp->out = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
					   0644)) < 0) {
		cli_error(c, "cannot open %s: %s", file, strerror(errno));
		free(cp);
		return CLI_FAIL;
	}
	nlh = ops_request(c, SLUICE_NEWCAPTURE, ifindex);
	mnl_attr_put_u8(nlh, SLUICE_OPSA_DIR, dir);
	if (snaplen)
		mnl_attr_put_u32(nlh, SLUICE_OPSA_SNAPLEN, snaplen);
	if (count)
		mnl_attr_put_u32(nlh, SLUICE_OPSA_COUNT, count);
	fflush(stdout);
	r = ops_session(c, nlh, SLUICE_DELCAPTURE, capture_dg, cp);
	if (r == CLI_OK)
		fprintf(stderr, "%llu packets captured\n", (unsigned long long)cp->frames);
	if (cp->out >= 0 && !cp->out_stdout && close(cp->out) != 0 && r == CLI_OK) {
		cli_error(c, "%s: %s", file, strerror(errno));
		r = CLI_FAIL;
	}
	free(cp);
	return r;
}
