/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HTTP/1.x request heads (RFC 9112 section 2 to 5), strictly: a request
 * line of three parts split by single spaces, header fields "name: value"
 * with no blank before the colon and no line folding, no control
 * characters but HTAB in values, lines ended by CRLF or a bare LF
 * (RFC 9112 2.2 allows a recipient to take one), a Host field in an
 * HTTP/1.1 request (3.2).  Empty lines before the request line are
 * skipped (2.2).  A request body is never read: every answer closes the
 * connection.
 */
#include <string.h>
#include <strings.h>

#include "http.h"

/* RFC 9110 5.6.2: token characters. */
static bool
tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static bool
vchar(unsigned char c)
{
	return c > 0x20 && c < 0x7f;
}

/* A field value's characters (RFC 9110 5.5, obs-text included). */
static bool
fchar(unsigned char c)
{
	return vchar(c) || c == ' ' || c == '\t' || c >= 0x80;
}

static bool
ows(char c)
{
	return c == ' ' || c == '\t';
}

/* RFC 9110 12.4.2: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ),
 * in thousandths; -1 when malformed. */
static int
qvalue(const char *s, size_t n)
{
	int q, scale = 100;

	if (n == 0 || (s[0] != '0' && s[0] != '1') || (n > 1 && s[1] != '.') || n > 5)
		return -1;
	q = (s[0] - '0') * 1000;
	for (size_t i = 2; i < n; i++, scale /= 10) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		q += (s[i] - '0') * scale;
	}
	return q > 1000 ? -1 : q;
}

static bool
eq(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && !strncasecmp(s, lit, n);
}

/* Weigh one Accept value: the best q of an OpenMetrics range and of a
 * range that text/plain matches, each kept if above what *om / *text hold
 * (-1: not named). */
static void
accept_weigh(const char *v, size_t len, int *om, int *text)
{
	const char *end = v + len;

	while (v < end) {
		const char *el = v, *el_end = memchr(v, ',', (size_t)(end - v)), *p, *mt_end;
		bool is_om, is_text, version_ok = true;
		int q = 1000;

		if (!el_end)
			el_end = end;
		v = el_end + 1;
		while (el < el_end && ows(*el))
			el++;
		for (mt_end = el; mt_end < el_end && *mt_end != ';' && !ows(*mt_end); mt_end++)
			;
		is_om = eq(el, (size_t)(mt_end - el), "application/openmetrics-text");
		is_text = eq(el, (size_t)(mt_end - el), "text/plain") ||
			  eq(el, (size_t)(mt_end - el), "text/*") || eq(el, (size_t)(mt_end - el), "*/*");
		/* ; name=value parameters: q, and OpenMetrics' version. */
		for (p = mt_end; p < el_end;) {
			const char *name, *val, *val_end;
			size_t nlen;

			while (p < el_end && (ows(*p) || *p == ';'))
				p++;
			name = p;
			while (p < el_end && *p != '=' && *p != ';')
				p++;
			nlen = (size_t)(p - name);
			while (nlen > 0 && ows(name[nlen - 1]))
				nlen--;
			if (p >= el_end || *p != '=')
				continue;
			val = ++p;
			if (p < el_end && *p == '"') {
				val = ++p;
				while (p < el_end && *p != '"')
					p++;
				val_end = p;
				if (p < el_end)
					p++;
			} else {
				while (p < el_end && *p != ';')
					p++;
				val_end = p;
				while (val_end > val && ows(val_end[-1]))
					val_end--;
			}
			if (eq(name, nlen, "q"))
				q = qvalue(val, (size_t)(val_end - val));
			else if (eq(name, nlen, "version"))
				version_ok = eq(val, (size_t)(val_end - val), "1.0.0") ||
					     eq(val, (size_t)(val_end - val), "0.0.1");
		}
		if (q < 0)
			continue;	/* a malformed weight: the range is ignored */
		if (is_om && version_ok && q > *om)
			*om = q;
		if (is_text && q > *text)
			*text = q;
	}
}

bool
http_accept_openmetrics(const char *v, size_t len)
{
	int om = -1, text = -1;

	accept_weigh(v, len, &om, &text);
	return om > 0 && om >= text;
}

const char *
http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 431: return "Request Header Fields Too Large";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	}
	return "Error";
}

static size_t
refuse(struct http_req *req, int status, const char *why, size_t len)
{
	req->status = status;
	req->why = why;
	return len;
}

/* The request line: method SP request-target SP HTTP-version. */
static bool
request_line(const char *l, size_t n, const char *path, struct http_req *req, bool *v11)
{
	const char *sp1 = memchr(l, ' ', n), *sp2, *t, *q;
	size_t tlen;

	if (!sp1 || sp1 == l || !(sp2 = memchr(sp1 + 1, ' ', n - (size_t)(sp1 + 1 - l))) ||
	    sp2 == sp1 + 1) {
		req->why = "malformed request line";
		return false;
	}
	for (t = l; t < sp1; t++)
		if (!tchar((unsigned char)*t)) {
			req->why = "malformed method";
			return false;
		}
	for (t = sp1 + 1; t < sp2; t++)
		if (!vchar((unsigned char)*t)) {
			req->why = "malformed request target";
			return false;
		}
	/* HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive. */
	if ((size_t)(l + n - (sp2 + 1)) != 8 || memcmp(sp2 + 1, "HTTP/", 5) ||
	    sp2[6] < '0' || sp2[6] > '9' || sp2[7] != '.' || sp2[8] < '0' || sp2[8] > '9') {
		req->why = "malformed HTTP version";
		return false;
	}
	req->status = 200;
	*v11 = sp2[6] == '1' && sp2[8] >= '1';
	if (sp2[6] != '1') {
		req->status = 505;
		req->why = "only HTTP/1.x is spoken here";
		return true;
	}
	if ((size_t)(sp1 - l) == 4 && !memcmp(l, "HEAD", 4))
		req->head = true;
	else if ((size_t)(sp1 - l) != 3 || memcmp(l, "GET", 3)) {
		req->status = 405;
		req->why = "only GET and HEAD are served";
	}
	/* origin-form, or absolute-form (RFC 9112 3.2.2) reduced to it. */
	t = sp1 + 1;
	tlen = (size_t)(sp2 - t);
	if (tlen > 7 && !strncasecmp(t, "http://", 7)) {
		const char *s = memchr(t + 7, '/', tlen - 7);

		tlen = s ? tlen - (size_t)(s - t) : 0;
		t = s;
	} else if (t[0] != '/') {
		if (req->status == 200) {
			req->status = 400;
			req->why = "malformed request target";
		}
		return req->status != 400;
	}
	if (req->status == 200) {
		q = t ? memchr(t, '?', tlen) : NULL;
		if (q)
			tlen = (size_t)(q - t);
		if (!t || tlen != strlen(path) || memcmp(t, path, tlen)) {
			req->status = 404;
			req->why = "no such resource (try /metrics)";
		}
	}
	return true;
}

size_t
http_parse(const char *buf, size_t len, const char *path, struct http_req *req)
{
	/* Only the first HTTP_HEAD_MAX bytes are looked at, so that whatever
	 * arrives after them cannot change a decision. */
	size_t lim = len < HTTP_HEAD_MAX ? len : HTTP_HEAD_MAX, off = 0;
	int om = -1, text = -1, hosts = 0;
	bool v11 = false, first = true;

	memset(req, 0, sizeof(*req));
	for (;;) {
		const char *l = buf + off, *nl = memchr(l, '\n', lim - off), *c;
		size_t n;

		if (!nl) {
			/* An incomplete line: refuse what no valid one holds. */
			for (c = l; c < buf + lim; c++)
				if (!fchar((unsigned char)*c) && *c != '\r')
					return refuse(req, 400, "control character in request", lim);
			if (len >= HTTP_HEAD_MAX)
				return refuse(req, 431, "request head too large", lim);
			return 0;
		}
		n = (size_t)(nl - l);
		off += n + 1;
		if (n > 0 && l[n - 1] == '\r')
			n--;
		for (c = l; c < l + n; c++)
			if (!fchar((unsigned char)*c))
				return refuse(req, 400, "control character in request", off);
		if (first) {
			if (n == 0)
				continue;	/* RFC 9112 2.2: empty lines first */
			if (!request_line(l, n, path, req, &v11))
				return refuse(req, 400, req->why, off);
			first = false;
			continue;
		}
		if (n == 0)
			break;		/* the end of the head */
		/* field-line = field-name ":" OWS field-value OWS */
		for (c = l; c < l + n && tchar((unsigned char)*c); c++)
			;
		if (c == l || c == l + n || *c != ':')
			return refuse(req, 400, ows(*l) ? "obsolete line folding" :
					  "malformed header field", off);
		if (eq(l, (size_t)(c - l), "host"))
			hosts++;
		else if (eq(l, (size_t)(c - l), "accept"))
			accept_weigh(c + 1, (size_t)(l + n - (c + 1)), &om, &text);
	}
	if (v11 && hosts != 1)
		return refuse(req, 400, hosts ? "more than one Host" : "no Host in an HTTP/1.1 request",
			      off);
	if (hosts > 1)
		return refuse(req, 400, "more than one Host", off);
	req->openmetrics = om > 0 && om >= text;
	return off;
}
