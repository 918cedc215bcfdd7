/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One line of headers per frame, worded as tcpdump 4.99 prints them with
 * -n and without -v, from the "IP"/"IP6"/"ARP" on, so that a user who
 * knows tcpdump reads sluice capture and sluice trace without learning a
 * second dialect.  tests/unit/test_pktsum.c holds tcpdump's own lines.
 *
 * What tcpdump says with more decoders than these is left out: payloads
 * of known ports (DNS, HTTP, ...), protocols other than ICMP, ICMPv6, TCP
 * and UDP (they print as tcpdump prints an unknown one, "ip-proto-N LEN"),
 * and the hex dumps tcpdump adds on lines of their own.  Sequence numbers
 * are absolute (tcpdump -S), since this sees no connection from its start.
 *
 * Bounds: "cap" is what was captured, "len" what the headers say the
 * packet holds; nothing past cap is read.  Where tcpdump runs out of
 * captured bytes it prints " [|proto]" and stops; so does this.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "pktsum.h"

void
pkt_time(FILE *f, uint64_t ns)
{
	time_t s = (time_t)(ns / 1000000000);
	struct tm tm;

	localtime_r(&s, &tm);
	fprintf(f, "%02d:%02d:%02d.%06u", tm.tm_hour, tm.tm_min, tm.tm_sec,
		(unsigned)(ns % 1000000000 / 1000));
}

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static const char *
ip4_str(const uint8_t *p, char *s)
{
	snprintf(s, INET_ADDRSTRLEN, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
	return s;
}

/* RFC 5952 text, as tcpdump prints it. */
static const char *
ip6_str(const uint8_t *p, char *s)
{
	inet_ntop(AF_INET6, p, s, INET6_ADDRSTRLEN);
	return s;
}

static void
print_trunc(FILE *f, const char *proto)
{
	fprintf(f, " [|%s]", proto);
}

#define PROTO_HOPOPTS	0
#define PROTO_ICMP	1
#define PROTO_IPIP	4
#define PROTO_TCP	6
#define PROTO_UDP	17
#define PROTO_IPV6	41
#define PROTO_ROUTING	43
#define PROTO_FRAGMENT	44
#define PROTO_AH	51
#define PROTO_ICMPV6	58
#define PROTO_NONE	59
#define PROTO_DSTOPTS	60

/* The network header a transport header is in: its addresses as text, and
 * whether the transport header follows it directly (then tcpdump names
 * the ports with the addresses, "a.1 > b.2: ", else alone, "1 > 2: "). */
struct l3 {
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	bool direct;
};

static void ip4_summary(FILE *f, const uint8_t *ip, uint32_t cap, uint32_t len);
static void ip6_summary(FILE *f, const uint8_t *ip, uint32_t cap, uint32_t len);

/* ---- TCP and UDP ------------------------------------------------------ */

static void
tcp_flags(FILE *f, uint8_t fl)
{
	static const struct { uint8_t bit; char c; } b[] = {
		{ 0x01, 'F' }, { 0x02, 'S' }, { 0x04, 'R' }, { 0x08, 'P' }, { 0x10, '.' },
		{ 0x20, 'U' }, { 0x40, 'E' }, { 0x80, 'W' },
	};

	fputs("Flags [", f);
	if (!fl)
		fputs("none", f);
	for (unsigned i = 0; i < sizeof(b) / sizeof(b[0]); i++)
		if (fl & b[i].bit)
			fputc(b[i].c, f);
	fputc(']', f);
}

/* The options tcpdump names in a usual SYN and ACK; the others print as
 * "unknown-N" where tcpdump has names for some.  false: not captured. */
static bool
tcp_options(FILE *f, const uint8_t *o, uint32_t olen, uint32_t avail)
{
	uint32_t i = 0;

	fputs(", options [", f);
	while (i < olen) {
		uint8_t kind, n;

		if (i)
			fputc(',', f);
		if (i >= avail)
			return false;
		kind = o[i];
		if (kind == 0 || kind == 1) {
			fputs(kind ? "nop" : "eol", f);
			i++;
			continue;
		}
		if (i + 1 >= avail)
			return false;
		n = o[i + 1];
		if (n < 2 || n > olen - i) {
			fputs(" [bad opt]", f);
			return true;
		}
		if (i + n > avail)
			return false;
		switch (kind) {
		case 2:
			fputs("mss", f);
			if (n == 4)
				fprintf(f, " %u", be16(o + i + 2));
			break;
		case 3:
			fputs("wscale", f);
			if (n == 3)
				fprintf(f, " %u", o[i + 2]);
			break;
		case 4:
			fputs("sackOK", f);
			break;
		case 5:
			fputs("sack", f);
			if ((n - 2) % 8) {
				fputs(" invalid sack", f);
				break;
			}
			fprintf(f, " %u ", (n - 2) / 8u);
			for (uint32_t s = i + 2; s < i + n; s += 8)
				fprintf(f, "{%u:%u}", be32(o + s), be32(o + s + 4));
			break;
		case 8:
			fputs("TS", f);
			if (n == 10)
				fprintf(f, " val %u ecr %u", be32(o + i + 2), be32(o + i + 6));
			break;
		default:
			fprintf(f, "unknown-%u", kind);
		}
		i += n;
	}
	fputc(']', f);
	return true;
}

/* len: the TCP segment's length by the network header. */
static void
tcp_summary(FILE *f, const struct l3 *n, const uint8_t *t, uint32_t avail, uint32_t len)
{
	uint32_t hlen, seq;
	uint8_t fl;

	if (avail < 4) {
		fprintf(f, "%s > %s:", n->src, n->dst);
		print_trunc(f, "tcp");
		return;
	}
	if (n->direct)
		fprintf(f, "%s.%u > %s.%u: ", n->src, be16(t), n->dst, be16(t + 2));
	else
		fprintf(f, "%u > %u: ", be16(t), be16(t + 2));
	if (avail < 20) {
		print_trunc(f, "tcp");
		return;
	}
	hlen = (t[12] >> 4) * 4u;
	if (hlen < 20) {
		fprintf(f, " tcp %u [bad hdr length %u - too short, < 20]", len - hlen, hlen);
		return;
	}
	fl = t[13];
	tcp_flags(f, fl);
	if (hlen > len) {
		fprintf(f, " [bad hdr length %u - too long, > %u]", hlen, len);
		return;
	}
	len -= hlen;
	seq = be32(t + 4);
	if (len > 0 || (fl & 0x07))
		fprintf(f, ", seq %u", seq);
	if (len > 0)
		fprintf(f, ":%u", seq + len);
	if (fl & 0x10)
		fprintf(f, ", ack %u", be32(t + 8));
	fprintf(f, ", win %u", be16(t + 14));
	if (fl & 0x20)
		fprintf(f, ", urg %u", be16(t + 18));
	if (hlen > 20 && !tcp_options(f, t + 20, hlen - 20, avail - 20)) {
		print_trunc(f, "tcp");
		return;
	}
	fprintf(f, ", length %u", len);
}

static void
udp_ports(FILE *f, const struct l3 *n, const uint8_t *u)
{
	if (n->direct)
		fprintf(f, "%s.%u > %s.%u: ", n->src, be16(u), n->dst, be16(u + 2));
	else
		fprintf(f, "%u > %u: ", be16(u), be16(u + 2));
}

static void
udp_summary(FILE *f, const struct l3 *n, const uint8_t *u, uint32_t avail, uint32_t len,
	    bool fragmented)
{
	uint32_t ulen;

	if (avail < 4) {
		if (n->direct)
			fprintf(f, "%s > %s: ", n->src, n->dst);
		print_trunc(f, "udp");
		return;
	}
	udp_ports(f, n, u);
	if (len < 8) {
		fprintf(f, "truncated-udp %u", len);
		return;
	}
	if (avail < 6) {
		print_trunc(f, "udp");
		return;
	}
	ulen = be16(u + 4);
	if (ulen < 8) {
		fprintf(f, "truncated-udplength %u", ulen);
		return;
	}
	ulen -= 8;
	len -= 8;
	if (ulen < len)
		len = ulen;
	if (avail < 8) {
		print_trunc(f, "udp");
		return;
	}
	if (ulen > len && !fragmented)
		fprintf(f, "UDP, bad length %u > %u", ulen, len);
	else
		fprintf(f, "UDP, length %u", ulen);
}

/* ---- ICMP ------------------------------------------------------------- */

/* The text tcpdump puts between "ICMP " and ", length N"; false when the
 * bytes it needs were not captured (then tcpdump prints " [|icmp]" only). */
static bool
icmp_text(char *s, size_t sz, const uint8_t *ic, uint32_t avail)
{
	/* Unreachable codes 0-15 (RFC 792, 1122, 1812) as tcpdump words them:
	 * "net " or "host " before the address, then "unreachable" and this. */
	static const struct { const char *pre, *post; } unreach[] = {
		{ "net ", "" }, { "host ", "" }, { NULL, NULL }, { NULL, NULL },
		{ NULL, NULL }, { "", " - source route failed" }, { "net ", " - unknown" },
		{ "host ", " - unknown" }, { "", " - source host isolated" },
		{ "net ", " - admin prohibited" }, { "host ", " - admin prohibited" },
		{ "net ", " - tos prohibited" }, { "host ", " - tos prohibited" },
		{ "host ", " - admin prohibited filter" },
		{ "host ", " - host precedence violation" }, { "host ", " - precedence cutoff" },
	};
	static const char *const redirect[] = {
		"redirect %s to net %s", "redirect %s to host %s",
		"redirect-tos %s to net %s", "redirect-tos %s to host %s",
	};
	static const char *const names[] = {
		[4] = "source quench", [10] = "router solicitation", [15] = "information request",
		[16] = "information reply", [17] = "address mask request",
	};
	const uint8_t *in = ic + 8;	/* the quoted IPv4 header */
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	uint8_t type, code;
	uint32_t hl;

	if (avail < 2)
		return false;
	type = ic[0];
	code = ic[1];
	switch (type) {
	case 0:
	case 8:
		if (avail < 8)
			return false;
		snprintf(s, sz, "echo %s, id %u, seq %u", type ? "request" : "reply",
			 be16(ic + 4), be16(ic + 6));
		return true;
	case 3:
		if (avail < 28)
			return false;
		ip4_str(in + 16, a);
		switch (code) {
		case 2:
			snprintf(s, sz, "%s protocol %u unreachable", a, in[9]);
			return true;
		case 3:
			hl = (in[0] & 15u) * 4;
			if (avail < 8 + hl + 4)
				return false;
			if (in[9] == PROTO_TCP || in[9] == PROTO_UDP)
				snprintf(s, sz, "%s %s port %u unreachable", a,
					 in[9] == PROTO_TCP ? "tcp" : "udp", be16(in + hl + 2));
			else
				snprintf(s, sz, "%s protocol %u port %u unreachable", a, in[9],
					 be16(in + hl + 2));
			return true;
		case 4:
			if (be16(ic + 6))
				snprintf(s, sz, "%s unreachable - need to frag (mtu %u)", a,
					 be16(ic + 6));
			else
				snprintf(s, sz, "%s unreachable - need to frag", a);
			return true;
		}
		if (code < sizeof(unreach) / sizeof(unreach[0]))
			snprintf(s, sz, "%s%s unreachable%s", unreach[code].pre, a,
				 unreach[code].post);
		else
			snprintf(s, sz, "%s unreachable - #%u", a, code);
		return true;
	case 5:
		if (avail < 28)
			return false;
		ip4_str(in + 16, a);
		ip4_str(ic + 4, b);
		if (code < 4)
			snprintf(s, sz, redirect[code], a, b);
		else
			snprintf(s, sz, "redirect-#%u %s to %s", code, a, b);
		return true;
	case 11:
		if (avail < 28)
			return false;
		if (code < 2)
			snprintf(s, sz, "%s", code ? "ip reassembly time exceeded" :
				 "time exceeded in-transit");
		else
			snprintf(s, sz, "time exceeded-#%u", code);
		return true;
	case 12:
		if (code) {
			snprintf(s, sz, "parameter problem - code %u", code);
			return true;
		}
		if (avail < 5)
			return false;
		snprintf(s, sz, "parameter problem - octet %u", ic[4]);
		return true;
	case 13:
		if (avail < 8)
			return false;
		snprintf(s, sz, "time stamp query id %u seq %u", be16(ic + 4), be16(ic + 6));
		return true;
	case 18:
		if (avail < 12)
			return false;
		snprintf(s, sz, "address mask is 0x%08x", be32(ic + 8));
		return true;
	}
	/* Router advertisements (9) and time stamp replies (14) print more
	 * in tcpdump: their names here are all it gets. */
	if (type < sizeof(names) / sizeof(names[0]) && names[type])
		snprintf(s, sz, "%s", names[type]);
	else if (type == 9 || type == 14)
		snprintf(s, sz, "%s", type == 9 ? "router advertisement" : "time stamp reply");
	else
		snprintf(s, sz, "type-#%u", type);
	return true;
}

static void
icmp_summary(FILE *f, const uint8_t *ic, uint32_t avail, uint32_t len)
{
	char s[160];

	if (icmp_text(s, sizeof(s), ic, avail))
		fprintf(f, "ICMP %s, length %u", s, len);
	else
		print_trunc(f, "icmp");
}

/* The transport header inside an ICMPv6 error's quoted packet, past its
 * extension headers, as tcpdump looks for one: TCP or UDP with its
 * destination port captured, else NULL. */
static const uint8_t *
quoted_l4(const uint8_t *ip, uint32_t avail, uint8_t *proto)
{
	uint32_t off = 40, hlen;
	uint8_t nh;

	if (avail < 7)
		return NULL;
	nh = ip[6];
	for (;;) {
		switch (nh) {
		case PROTO_TCP:
		case PROTO_UDP:
			if (avail < off + 4)
				return NULL;
			*proto = nh;
			return ip + off;
		case PROTO_HOPOPTS:
		case PROTO_DSTOPTS:
		case PROTO_ROUTING:
			if (avail < off + 2)
				return NULL;
			hlen = (ip[off + 1] + 1u) * 8;
			break;
		case PROTO_FRAGMENT:
			if (avail < off + 4 || (be16(ip + off + 2) & 0xfff8))
				return NULL;
			hlen = 8;
			break;
		case PROTO_AH:
			if (avail < off + 2)
				return NULL;
			hlen = (ip[off + 1] + 2u) * 4;
			break;
		default:
			return NULL;
		}
		nh = ip[off];
		off += hlen;
	}
}

static const char *const icmp6_types[] = {
	[1] = "destination unreachable", [2] = "packet too big",
	[3] = "time exceeded in-transit", [4] = "parameter problem",
	[128] = "echo request", [129] = "echo reply",
	[130] = "multicast listener query", [131] = "multicast listener report",
	[132] = "multicast listener done", [133] = "router solicitation",
	[134] = "router advertisement", [135] = "neighbor solicitation",
	[136] = "neighbor advertisement", [137] = "redirect",
	[138] = "router renumbering", [139] = "node information query",
	[140] = "node information reply", [141] = "inverse neighbor solicitation",
	[142] = "inverse neighbor advertisement", [143] = "multicast listener report v2",
	[144] = "ha discovery request", [145] = "ha discovery reply",
	[146] = "mobile router solicitation", [147] = "mobile router advertisement",
	[151] = "who-are-you request", [152] = "who-are-you reply",
	[200] = "mtrace response", [201] = "mtrace message", [155] = "RPL",
};

/* The codes of destination unreachable (RFC 4443) tcpdump has words for;
 * the leading space of code 1 is tcpdump's. */
static const char *const icmp6_unreach[] = {
	"unreachable route", " unreachable prohibited", "beyond scope",
	"unreachable address", "unreachable port",
};

/* A multicast listener message of RFC 2710 (24 bytes). */
static void
mld1(FILE *f, const uint8_t *ic, uint32_t avail)
{
	char a[INET6_ADDRSTRLEN];

	if (avail >= 24)
		fprintf(f, "max resp delay: %u addr: %s", be16(ic + 4), ip6_str(ic + 8, a));
}

/* Returns false where tcpdump stops at " [|icmp6]". */
static bool
icmp6_body(FILE *f, const uint8_t *ic, uint32_t avail, uint32_t len)
{
	const uint8_t *in = ic + 8, *l4;	/* an error's quoted packet */
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	uint8_t type = ic[0], code, proto;

	if (avail < 2)
		return false;
	code = ic[1];
	switch (type) {
	case 1:
		if (code < sizeof(icmp6_unreach) / sizeof(icmp6_unreach[0]))
			fprintf(f, ", %s", icmp6_unreach[code]);
		else
			fprintf(f, ", unknown unreach code (%u)", code);
		switch (code) {
		case 0:
		case 1:
		case 3:
			if (avail < 8 + 40)
				return false;
			fprintf(f, " %s", ip6_str(in + 24, a));
			break;
		case 2:
			if (avail < 8 + 40)
				return false;
			fprintf(f, " %s, source address %s", ip6_str(in + 24, a), ip6_str(in + 8, b));
			break;
		case 4:
			l4 = quoted_l4(in, avail - 8, &proto);
			if (!l4 || avail < 8 + 40)
				return false;
			fprintf(f, ", %s %s port %u", ip6_str(in + 24, a),
				proto == PROTO_TCP ? "tcp" : "udp", be16(l4 + 2));
			break;
		default:
			/* tcpdump's line ends here; a hex dump follows it. */
			return true;
		}
		break;
	case 2:
		if (avail < 8)
			return false;
		fprintf(f, ", mtu %u", be32(ic + 4));
		break;
	case 3:
		if (code == 0) {
			if (avail < 8 + 40)
				return false;
			fprintf(f, " for %s", ip6_str(in + 24, a));
		} else if (code == 1) {
			fputs(" (reassembly)", f);
		} else {
			fprintf(f, ", unknown code (%u)", code);
		}
		break;
	case 4:
		if (avail < 8 + 40)
			return false;
		if (code < 4)
			fprintf(f, ", %s - octet %u",
				(const char *const[]){ "erroneous", "next header", "option",
						       "incomplete header chain" }[code],
				be32(ic + 4));
		else
			fprintf(f, ", code-#%u", code);
		break;
	case 128:
	case 129:
		if (avail < 8)
			return false;
		fprintf(f, ", id %u, seq %u", be16(ic + 4), be16(ic + 6));
		break;
	case 130:
		if (len == 24) {
			mld1(f, ic, avail);
		} else if (len >= 28) {
			if (avail < 28)
				return false;
			fprintf(f, " v2 [gaddr %s", ip6_str(ic + 8, a));
			if (be16(ic + 26)) {
				if (len < 28 + be16(ic + 26) * 16u)
					fputs(" [invalid number of sources]", f);
				else
					fprintf(f, ", %u source(s)", be16(ic + 26));
			}
			fputc(']', f);
		} else {
			fprintf(f, " unknown-version (len %u) ", len);
		}
		break;
	case 131:
	case 132:
		mld1(f, ic, avail);
		break;
	case 135:
	case 136:
		if (avail < 24)
			return false;
		fprintf(f, type == 135 ? ", who has %s" : ", tgt is %s", ip6_str(ic + 8, a));
		break;
	case 137:
		if (avail < 40)
			return false;
		fprintf(f, ", %s to %s", ip6_str(ic + 24, a), ip6_str(ic + 8, b));
		break;
	case 143:
		if (len < 8) {
			fprintf(f, " [invalid len %u]", len);
			break;
		}
		if (avail < 8)
			return false;
		fprintf(f, ", %u group record(s)", be16(ic + 6));
		break;
	case 144:
	case 146:
		if (avail < 6)
			return false;
		fprintf(f, ", id 0x%04x", be16(ic + 4));
		break;
	default:
		/* Router renumbering, node information and RPL (138-140, 155)
		 * print their bodies in tcpdump; here, as the others without
		 * words: a length (and for unknown types, tcpdump's hex dump
		 * is left out). */
		break;
	}
	fprintf(f, ", length %u", len);
	return true;
}

static void
icmp6_summary(FILE *f, const uint8_t *ic, uint32_t avail, uint32_t len)
{
	const char *name;

	if (len == 0) {
		fputs("ICMP6, length 0 (invalid)", f);
		return;
	}
	if (avail < 1) {
		print_trunc(f, "icmp6");
		return;
	}
	name = ic[0] < sizeof(icmp6_types) / sizeof(icmp6_types[0]) ? icmp6_types[ic[0]] : NULL;
	if (name)
		fprintf(f, "ICMP6, %s", name);
	else
		fprintf(f, "ICMP6, unknown icmp6 type (%u)", ic[0]);
	if (!icmp6_body(f, ic, avail, len))
		print_trunc(f, "icmp6");
}

/* ---- IP --------------------------------------------------------------- */

/* What follows a network header (and its extension headers): avail bytes
 * of it captured, len by the headers. */
static void
l4_summary(FILE *f, uint8_t proto, const struct l3 *n, const uint8_t *p, uint32_t avail,
	   uint32_t len, bool fragmented)
{
	switch (proto) {
	case PROTO_ICMP:
		icmp_summary(f, p, avail, len);
		break;
	case PROTO_ICMPV6:
		icmp6_summary(f, p, avail, len);
		break;
	case PROTO_TCP:
		tcp_summary(f, n, p, avail, len);
		break;
	case PROTO_UDP:
		udp_summary(f, n, p, avail, len, fragmented);
		break;
	case PROTO_IPIP:
		ip4_summary(f, p, avail, len);
		break;
	case PROTO_IPV6:
		ip6_summary(f, p, avail, len);
		break;
	case PROTO_NONE:
		fputs("no next header", f);
		break;
	default:
		fprintf(f, " ip-proto-%u %u", proto, len);
	}
}

/* cap: captured from ip on; len: the bytes from ip on the wire. */
static void
ip4_summary(FILE *f, const uint8_t *ip, uint32_t cap, uint32_t len)
{
	struct l3 n = { .direct = true };
	uint32_t hl, tot, plen;
	uint16_t frag;

	(void)len;
	fputs("IP ", f);
	if (cap < 20 || (ip[0] >> 4) != 4 || (hl = (ip[0] & 15u) * 4) < 20) {
		print_trunc(f, "ip");
		return;
	}
	ip4_str(ip + 12, n.src);
	ip4_str(ip + 16, n.dst);
	tot = be16(ip + 2);
	plen = tot > hl ? tot - hl : 0;
	/* Past the packet's own length is Ethernet padding. */
	if (cap > tot)
		cap = tot;
	cap = cap > hl ? cap - hl : 0;
	frag = be16(ip + 6);
	/* Later fragments carry no transport header. */
	if (frag & 0x1fff) {
		fprintf(f, "%s > %s: ip-proto-%u", n.src, n.dst, ip[9]);
		return;
	}
	if (ip[9] != PROTO_TCP && ip[9] != PROTO_UDP)
		fprintf(f, "%s > %s: ", n.src, n.dst);
	l4_summary(f, ip[9], &n, ip + hl, cap, plen, frag & 0x2000);
}

/* A routing header (RFC 8200 4.4): type 0 (deprecated) and 2 list
 * addresses, 4 (RFC 8754, segment routing) its segments.  false: tcpdump
 * stops here. */
static bool
rt6_summary(FILE *f, const uint8_t *h, uint32_t avail)
{
	char a[INET6_ADDRSTRLEN];
	uint32_t len, type, i, last;

	fputs("RT6", f);
	if (avail < 2)
		goto cut;
	len = h[1];
	fprintf(f, " (len=%u", len);
	if (avail < 3)
		goto cut;
	type = h[2];
	fprintf(f, ", type=%u%s", type, type == 0 ? " [Deprecated]" : "");
	if (avail < 4)
		goto cut;
	fprintf(f, ", segleft=%u", h[3]);
	switch (type) {
	case 0:
	case 2:
		if (avail < 8)
			goto cut;
		if (be32(h + 4))
			fprintf(f, ", rsv=0x%x", be32(h + 4));
		if (len % 2) {
			fprintf(f, " [length %u] (invalid)", len);
			return false;
		}
		for (i = 0; i < len / 2; i++) {
			if (avail < 8 + 16 * (i + 1))
				goto cut;
			fprintf(f, ", [%u]%s", i, ip6_str(h + 8 + 16 * i, a));
		}
		break;
	case 4:
		if (avail < 5)
			goto cut;
		last = h[4];
		fprintf(f, ", last-entry=%u", last);
		if (avail < 6)
			goto cut;
		if (h[5])
			fprintf(f, ", flags=0x%x", h[5]);
		if (avail < 8)
			goto cut;
		fprintf(f, ", tag=%x", be16(h + 6));
		for (i = 0; i <= last; i++) {
			if (avail < 8 + 16 * (i + 1))
				goto cut;
			fprintf(f, ", [%u]%s", i, ip6_str(h + 8 + 16 * i, a));
		}
		/* TLVs after the segments print in tcpdump; not here. */
		break;
	default:
		fputs(" (unknown type) (invalid)", f);
		return false;
	}
	fputs(") ", f);
	return true;
cut:
	print_trunc(f, "rt6");
	return false;
}

/*
 * RFC 8200: the fixed header, then extension headers chained by their
 * first byte, named as tcpdump names them ("HBH ", "DSTOPT ", "RT6 (...) ",
 * "frag (offset|length) "), then the upper layer.  A later fragment ends
 * the line, as in tcpdump: its upper-layer header is in the first.
 */
static void
ip6_summary(FILE *f, const uint8_t *ip, uint32_t cap, uint32_t len)
{
	struct l3 n = { .direct = true };
	uint32_t plen, total, off = 40, hlen;
	uint8_t nh, prev = 255;
	bool fragmented = false, ext = false;

	if (cap < 40) {
		/* tcpdump's " [|ip6]" without its space: the line's prefix
		 * has one. */
		fputs("[|ip6]", f);
		return;
	}
	fputs("IP6 ", f);
	if ((ip[0] >> 4) != 6) {
		fprintf(f, "version error: %u != 6", ip[0] >> 4);
		return;
	}
	plen = be16(ip + 4);
	if (plen) {
		total = plen + 40;
		if (len < total)
			fprintf(f, "truncated-ip6 - %u bytes missing!", total - len);
	} else {
		/* Zero is a jumbogram's (RFC 2675), which no Ethernet carries:
		 * tcpdump then takes the rest of the frame for the headers and
		 * an upper layer of no bytes. */
		total = len + 40;
	}
	if (cap > total)
		cap = total;	/* past it is Ethernet padding */
	ip6_str(ip + 8, n.src);
	ip6_str(ip + 24, n.dst);
	nh = ip[6];
	if (nh != PROTO_TCP && nh != PROTO_UDP)
		fprintf(f, "%s > %s: ", n.src, n.dst);
	for (;;) {
		const uint8_t *h = ip + off;
		uint32_t avail = off < cap ? cap - off : 0;

		switch (nh) {
		case PROTO_HOPOPTS:
			if (prev != 255) {
				fputs("[The Hop-by-Hop Options header don't follow the IPv6 header]"
				      " (invalid)", f);
				return;
			}
			if (plen == 0) {
				fputs("[No valid Jumbo Payload Hop-by-Hop option found] (invalid)", f);
				return;
			}
			/* fall through */
		case PROTO_DSTOPTS:
			if (avail < 2 || avail < (hlen = (h[1] + 1u) * 8)) {
				print_trunc(f, nh == PROTO_HOPOPTS ? "hbhopt" : "dstopt");
				return;
			}
			fputs(nh == PROTO_HOPOPTS ? "HBH " : "DSTOPT ", f);
			break;
		case PROTO_FRAGMENT:
			if (avail < 4) {
				print_trunc(f, "frag6");
				return;
			}
			hlen = 8;
			fprintf(f, "frag (%u|%u)", be16(h + 2) & 0xfff8, total - off - 8);
			if (be16(h + 2) & 0xfff8)
				return;
			fputc(' ', f);
			if (avail <= hlen)
				return;
			fragmented = true;
			break;
		case PROTO_ROUTING:
			if (avail < 1) {
				print_trunc(f, "rt6");
				return;
			}
			if (!rt6_summary(f, h, avail))
				return;
			hlen = (h[1] + 1u) * 8;
			break;
		default:
			if (plen == 0) {
				if (ext) {
					print_trunc(f, "ip6");
					return;
				}
				total = 40;
				avail = 0;
			}
			n.direct = off == 40;
			l4_summary(f, nh, &n, h, avail, total - off, fragmented);
			return;
		}
		ext = true;
		prev = nh;
		nh = h[0];
		if (total - off < hlen) {
			print_trunc(f, "ip6");
			return;
		}
		off += hlen;
	}
}

void
pkt_summary(FILE *f, const uint8_t *p, uint32_t caplen, uint32_t len)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	uint16_t type;

	if (caplen < 14) {
		fprintf(f, "truncated frame, length %u", len);
		return;
	}
	type = be16(p + 12);
	p += 14;
	caplen -= 14;
	len = len > 14 ? len - 14 : 0;
	if (type == 0x0800) {
		ip4_summary(f, p, caplen, len);
	} else if (type == 0x86dd) {
		ip6_summary(f, p, caplen, len);
	} else if (type == 0x0806 && caplen >= 28) {
		ip4_str(p + 14, a);
		ip4_str(p + 24, b);
		if (be16(p + 6) == 1)
			fprintf(f, "ARP, Request who-has %s tell %s, length %u", b, a, len);
		else if (be16(p + 6) == 2)
			fprintf(f, "ARP, Reply %s is-at %02x:%02x:%02x:%02x:%02x:%02x, length %u",
				a, p[8], p[9], p[10], p[11], p[12], p[13], len);
		else
			fprintf(f, "ARP, op %u, length %u", be16(p + 6), len);
	} else {
		fprintf(f, "ethertype 0x%04x, length %u", type, len + 14);
	}
}
