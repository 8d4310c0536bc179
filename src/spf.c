/* SPDX-License-Identifier: MIT */
/* spf.c - RFC 7208 check_host(). Section numbers below are RFC 7208's.
 *
 * Where pyspf, the reference implementation (tests/spf.sh compares the two
 * over a corpus), reads the RFC its own way, mailset follows pyspf, so that
 * one answer is given: every empty address query of an mx or ptr name is a
 * void lookup; redirect= counts as a lookup as soon as its record is
 * evaluated; modifier names are case-sensitive and none may appear twice;
 * a macro other than %{l} and %{s} keeps its own delimiters when rejoined;
 * any character but a letter or digit is a delimiter; an unterminated "%{"
 * is plain text. Each is marked "pyspf:" below. */
#include "mailset/spf.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "mailset/util.h"

#define LOOKUP_MAX 10       /* 4.6.4 */
#define VOID_MAX 2          /* 4.6.4 */
#define NAMES_MAX 10        /* 4.6.4: MX and PTR names */
#define DOMAIN_MAX 253

const char *spf_result_name(enum spf_result r)
{
	static const char *const names[] = { "none", "neutral", "pass", "fail", "softfail",
					     "temperror", "permerror" };
	return names[r];
}

struct eval {
	struct dnsr *dns;
	const struct spf_query *q;
	int lookups, voids;
	char *reason;            /* set once: the first explanation wins */
	char *explanation;
	char *top_record;
	int depth;
};

static void because(struct eval *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void because(struct eval *e, const char *fmt, ...)
{
	if (e->reason)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	e->reason = s ? s : xstrdup("?");
}

/* ------------------------------------------------------------ syntax */

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* 4.3 / 4.8: a name check_host() may look up: labels of 1-63, at least two
 * of them, at most 253 characters, no empty label but a final dot. */
static bool valid_domain(const char *d)
{
	size_t n = strlen(d);
	if (n && d[n - 1] == '.')
		n--;
	if (!n || n > DOMAIN_MAX)
		return false;
	size_t labels = 0, len = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || d[i] == '.') {
			if (!len || len > 63)
				return false;
			labels++;
			len = 0;
		} else {
			len++;
		}
	}
	return labels >= 2;
}

/* toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum
 * / "-" ) alphanum ) */
static bool valid_toplabel(const char *s, size_t n)
{
	if (!n)
		return false;
	bool alpha = false, hyphen = false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (is_alpha(c))
			alpha = true;
		else if (c == '-')
			hyphen = true;
		else if (!is_digit(c))
			return false;
	}
	if (hyphen)
		return s[0] != '-' && s[n - 1] != '-';
	return alpha;
}

/* pyspf: any character but a letter, a digit or the closing brace
 * (RFC 7208 7.1 lists . - + , / _ =). */
static bool is_delim(char c)
{
	return c && c != '}' && !is_alpha(c) && !is_digit(c);
}

/* pyspf: "%{" without a "}" after it is plain text. */
static bool unterminated(const char *s, size_t i, size_t n)
{
	return s[i] == '{' && !memchr(s + i, '}', n - i);
}

/* 7.1: checks a macro-string [s, s+n). exp: the c, r, t letters allowed. */
static bool valid_macro_string(const char *s, size_t n, bool exp)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c != '%') {
			if (c < 0x21 || c > 0x7e)
				return false;
			continue;
		}
		if (i + 1 >= n)
			return false;
		char t = s[++i];
		if (t == '%' || t == '_' || t == '-')
			continue;
		if (unterminated(s, i, n))
			return true;    /* the rest is text */
		if (t != '{' || i + 2 >= n)
			return false;
		char l = (char)tolower((unsigned char)s[++i]);
		if (!strchr(exp ? "slodiphvcrt" : "slodiphv", l))
			return false;
		i++;
		while (i < n && is_digit(s[i]))
			i++;
		if (i < n && (s[i] == 'r' || s[i] == 'R'))
			i++;
		while (i < n && is_delim(s[i]))
			i++;
		if (i >= n || s[i] != '}')
			return false;
	}
	return true;
}

/* domain-spec = macro-string domain-end; domain-end = ( "." toplabel
 * [ "." ] ) / macro-expand */
static bool valid_domain_spec(const char *s, size_t n)
{
	if (!n || !valid_macro_string(s, n, false))
		return false;
	if (s[n - 1] == '}') {
		/* ends in a macro-expand: fine, unless it is a literal '}' */
		for (size_t i = n - 1; i-- > 0;)
			if (s[i] == '%' && s[i + 1] == '{')
				return true;
		return false;
	}
	size_t end = n;
	if (s[end - 1] == '.')
		end--;
	size_t dot = end;
	while (dot > 0 && s[dot - 1] != '.')
		dot--;
	if (dot == 0)
		return false;    /* one label: not a domain */
	/* "%-" or "%_" as the toplabel's end is a macro, not a label */
	return valid_toplabel(s + dot, end - dot) && !(end - dot >= 1 && s[dot] == '%');
}

/* "/24", "//64", "/24//64" at s: the lengths (-1 when absent). */
static bool parse_cidr(const char *s, int *v4, int *v6)
{
	*v4 = *v6 = -1;
	const char *p = s;
	for (int pass = 0; *p && pass < 2; pass++) {
		if (*p != '/')
			return false;
		p++;
		bool six = false;
		if (*p == '/') {
			six = true;
			p++;
		} else if (pass == 1) {
			return false;
		}
		if (!is_digit(*p) || (*p == '0' && is_digit(p[1])))
			return false;
		int v = 0;
		while (is_digit(*p)) {
			v = v * 10 + (*p - '0');
			if (v > 128)
				return false;
			p++;
		}
		if (six) {
			if (v > 128 || *v6 >= 0)
				return false;
			*v6 = v;
		} else {
			if (v > 32)
				return false;
			*v4 = v;
		}
		if (six && *p)
			return false;
	}
	return *p == '\0';
}

/* ------------------------------------------------------------ macros */

static void ip_dotted(const struct dnsr_addr *ip, struct strbuf *sb, bool readable)
{
	if (ip->family == AF_INET) {
		sb_addf(sb, "%u.%u.%u.%u", ip->b[0], ip->b[1], ip->b[2], ip->b[3]);
	} else if (readable) {
		char buf[64];
		sb_adds(sb, dnsr_addr_text(ip, buf, sizeof buf));
	} else {
		for (int i = 0; i < 16; i++)
			sb_addf(sb, "%s%x.%x", i ? "." : "", ip->b[i] >> 4, ip->b[i] & 0xf);
	}
}

static const char *local_part(const char *sender, char *buf, size_t n)
{
	const char *at = strrchr(sender, '@');
	if (!at || at == sender)
		return "postmaster";
	snprintf(buf, n, "%.*s", (int)(at - sender), sender);
	return buf;
}

static const char *sender_domain(const struct spf_query *q)
{
	const char *at = strrchr(q->sender, '@');
	return at ? at + 1 : q->sender;
}

static char *validated_ptr(struct eval *e);

/* The value of one macro letter (new string). */
static char *macro_value(struct eval *e, char letter, const char *domain)
{
	const struct spf_query *q = e->q;
	struct strbuf sb = { 0 };
	char lp[256];
	switch (tolower((unsigned char)letter)) {
	case 's':
		sb_adds(&sb, strchr(q->sender, '@') ? q->sender : "");
		if (!strchr(q->sender, '@'))
			sb_addf(&sb, "postmaster@%s", q->sender);
		break;
	case 'l':
		sb_adds(&sb, local_part(q->sender, lp, sizeof lp));
		break;
	case 'o':
		sb_adds(&sb, sender_domain(q));
		break;
	case 'd':
		sb_adds(&sb, domain);
		break;
	case 'i':
		ip_dotted(&q->ip, &sb, false);
		break;
	case 'c':
		ip_dotted(&q->ip, &sb, true);
		break;
	case 'p': {
		char *p = e->dns ? validated_ptr(e) : NULL;
		sb_adds(&sb, p ? p : "unknown");
		free(p);
		break;
	}
	case 'v':
		sb_adds(&sb, q->ip.family == AF_INET ? "in-addr" : "ip6");
		break;
	case 'h':
		sb_adds(&sb, q->helo ? q->helo : "");
		break;
	case 'r':
		sb_adds(&sb, q->receiver ? q->receiver : "unknown");
		break;
	case 't':
		sb_addf(&sb, "%lld", (long long)time(NULL));
		break;
	}
	return sb_steal(&sb);
}

/* 7.3: split on delimiters, reverse, keep the rightmost n parts, join
 * with '.' - pyspf: for letters other than l and s, with the delimiters
 * the value had (reversed with the parts). */
static void transform(struct strbuf *out, const char *v, int keep, bool rev, const char *delims,
		      bool dots)
{
	char *copy = xstrdup(v);
	char **parts = NULL, *seps = NULL;  /* seps[i]: the delimiter after parts[i] */
	size_t np = 0;
	char *p = copy;
	for (;;) {
		size_t k = strcspn(p, *delims ? delims : ".");
		parts = xgrow(parts, np, sizeof *parts);
		seps = xgrow(seps, np, 1);
		parts[np] = p;
		seps[np++] = p[k];
		if (!p[k])
			break;
		p[k] = '\0';
		p += k + 1;
	}
	if (rev) {
		for (size_t i = 0; i < np / 2; i++) {
			char *t = parts[i];
			parts[i] = parts[np - 1 - i];
			parts[np - 1 - i] = t;
		}
		/* the delimiters between the parts, in reverse order too */
		for (size_t i = 0; i + 1 < np - 1 - i; i++) {
			char t = seps[i];
			seps[i] = seps[np - 2 - i];
			seps[np - 2 - i] = t;
		}
	}
	size_t from = keep > 0 && (size_t)keep < np ? np - (size_t)keep : 0;
	for (size_t i = from; i < np; i++) {
		if (i > from)
			sb_addc(out, dots ? '.' : seps[i - 1]);
		sb_adds(out, parts[i]);
	}
	free(seps);
	free(parts);
	free(copy);
}

static void url_escape(struct strbuf *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || strchr("-._~", c))
			sb_addc(out, (char)c);
		else
			sb_addf(out, "%%%02X", c);
	}
}

/* Expands a valid macro-string (new string). */
static char *expand(struct eval *e, const char *s, size_t n, const char *domain)
{
	struct strbuf sb = { 0 };
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '%') {
			sb_addc(&sb, s[i]);
			continue;
		}
		char t = s[++i];
		if (t == '%' || t == '_' || t == '-') {
			sb_adds(&sb, t == '%' ? "%" : t == '_' ? " " : "%20");
			continue;
		}
		if (unterminated(s, i, n)) {
			sb_add(&sb, s + i - 1, n - i + 1);
			break;
		}
		char letter = s[i + 1];
		i += 2;
		int keep = 0;
		/* more parts than any name has: all of them (no overflow) */
		for (; is_digit(s[i]); i++)
			if (keep < 10000)
				keep = keep * 10 + (s[i] - '0');
		bool rev = s[i] == 'r' || s[i] == 'R';
		if (rev)
			i++;
		char delims[32] = "";
		size_t nd = 0;
		while (is_delim(s[i])) {
			if (nd < sizeof delims - 1 && !strchr(delims, s[i]))
				delims[nd++] = s[i];
			i++;
		}
		delims[nd] = '\0';
		char *v = macro_value(e, letter, domain);
		struct strbuf tv = { 0 };
		transform(&tv, v, keep, rev, delims, strchr("lLsS", letter) != NULL);
		char *tvs = sb_steal(&tv);
		if (isupper((unsigned char)letter))
			url_escape(&sb, tvs);
		else
			sb_adds(&sb, tvs);
		free(tvs);
		free(v);
	}
	return sb_steal(&sb);
}

/* A domain-spec, expanded; over 253 characters the left labels go (7.3). */
static char *target(struct eval *e, const char *spec, size_t n, const char *domain)
{
	if (!n)
		return xstrdup(domain);
	char *t = expand(e, spec, n, domain);
	size_t len = strlen(t);
	if (len && t[len - 1] == '.')
		t[--len] = '\0';
	const char *p = t;
	while (strlen(p) > DOMAIN_MAX) {
		const char *dot = strchr(p, '.');
		if (!dot)
			break;
		p = dot + 1;
	}
	char *r = xstrdup(p);
	free(t);
	return r;
}

/* ------------------------------------------------------------- terms */

enum kind { M_ALL, M_INCLUDE, M_A, M_MX, M_PTR, M_IP4, M_IP6, M_EXISTS, T_REDIRECT, T_EXP,
	    T_UNKNOWN_MOD };

struct term {
	enum kind kind;
	char qual;               /* + - ~ ? */
	const char *arg;         /* domain-spec or network, into the record */
	size_t arg_len;
	int cidr4, cidr6;
	struct dnsr_addr net;
	const char *text;        /* the whole term */
	size_t text_len;
};

struct record {
	char *copy;
	struct term *t;
	size_t n;
	const struct term *redirect, *exp;
};

static const struct {
	const char *name;
	enum kind kind;
} mechs[] = {
	{ "all", M_ALL }, { "include", M_INCLUDE }, { "a", M_A }, { "mx", M_MX },
	{ "ptr", M_PTR }, { "ip4", M_IP4 }, { "ip6", M_IP6 }, { "exists", M_EXISTS },
};

static bool parse_ip(struct term *t, const char *s, size_t n, int family)
{
	char buf[64];
	size_t k = 0;
	while (k < n && s[k] != '/')
		k++;
	if (!k || k >= sizeof buf)
		return false;
	memcpy(buf, s, k);
	buf[k] = '\0';
	t->net.family = family;
	if (inet_pton(family, buf, t->net.b) != 1)
		return false;
	if (k == n)
		return true;
	char cidr[16];
	if (n - k >= sizeof cidr)
		return false;
	memcpy(cidr, s + k, n - k);
	cidr[n - k] = '\0';
	if (family == AF_INET) {
		int v6;
		return parse_cidr(cidr, &t->cidr4, &v6) && v6 < 0;
	}
	/* ip6-cidr-length is a single "/" */
	char *end;
	if (cidr[1] == '0' && cidr[2])
		return false;
	long v = strtol(cidr + 1, &end, 10);
	if (!is_digit(cidr[1]) || *end || v > 128)
		return false;
	t->cidr6 = (int)v;
	return true;
}

/* One term; false on a syntax error. */
static bool parse_term(struct term *t, const char *s, size_t n)
{
	memset(t, 0, sizeof *t);
	t->text = s;
	t->text_len = n;
	t->cidr4 = t->cidr6 = -1;
	/* a modifier: name "=" macro-string, name = ALPHA *( ALPHA / DIGIT /
	 * "-" / "_" / "." ) */
	size_t k = 0;
	if (is_alpha(s[0])) {
		k = 1;
		while (k < n && (is_alpha(s[k]) || is_digit(s[k]) || strchr("-_.", s[k])))
			k++;
		if (k < n && s[k] == '=') {
			t->arg = s + k + 1;
			t->arg_len = n - k - 1;
			/* pyspf: modifier names are case-sensitive */
			if (k == 8 && !strncmp(s, "redirect", 8)) {
				t->kind = T_REDIRECT;
				return valid_domain_spec(t->arg, t->arg_len);
			}
			if (k == 3 && !strncmp(s, "exp", 3)) {
				t->kind = T_EXP;
				return valid_domain_spec(t->arg, t->arg_len);
			}
			t->kind = T_UNKNOWN_MOD;
			return valid_macro_string(t->arg, t->arg_len, false);
		}
	}
	t->qual = '+';
	if (strchr("+-~?", s[0])) {
		t->qual = s[0];
		s++;
		n--;
	}
	size_t name_len = 0;
	while (name_len < n && s[name_len] != ':' && s[name_len] != '/')
		name_len++;
	size_t m;
	for (m = 0; m < sizeof mechs / sizeof *mechs; m++)
		if (strlen(mechs[m].name) == name_len && !strncasecmp(s, mechs[m].name, name_len))
			break;
	if (m == sizeof mechs / sizeof *mechs)
		return false;
	t->kind = mechs[m].kind;
	const char *rest = s + name_len;
	size_t rn = n - name_len;
	bool colon = rn && rest[0] == ':';
	if (colon) {
		rest++;
		rn--;
	}
	switch (t->kind) {
	case M_ALL:
		return rn == 0 && !colon;
	case M_INCLUDE:
	case M_EXISTS:
		t->arg = rest;
		t->arg_len = rn;
		return colon && valid_domain_spec(rest, rn);
	case M_PTR:
		t->arg = rest;
		t->arg_len = rn;
		return colon ? valid_domain_spec(rest, rn) : rn == 0;
	case M_A:
	case M_MX: {
		/* [ ":" domain-spec ] [ dual-cidr-length ]: the CIDR starts at the
		 * first '/' that is not inside a macro */
		size_t d = 0;
		int brace = 0;
		while (d < rn && (rest[d] != '/' || brace)) {
			if (rest[d] == '{')
				brace++;
			else if (rest[d] == '}')
				brace--;
			d++;
		}
		if (colon && !valid_domain_spec(rest, d))
			return false;
		if (!colon && d)
			return false;
		t->arg = rest;
		t->arg_len = d;
		if (d < rn) {
			char cidr[16];
			if (rn - d >= sizeof cidr)
				return false;
			memcpy(cidr, rest + d, rn - d);
			cidr[rn - d] = '\0';
			return parse_cidr(cidr, &t->cidr4, &t->cidr6);
		}
		return true;
	}
	case M_IP4:
		return colon && parse_ip(t, rest, rn, AF_INET);
	case M_IP6:
		return colon && parse_ip(t, rest, rn, AF_INET6);
	default:
		return false;
	}
}

static void record_free(struct record *r)
{
	free(r->t);
	free(r->copy);
}

/* 4.6: the whole record's syntax first; any error is a permerror. */
static bool parse_record(const char *text, struct record *r, char **bad)
{
	memset(r, 0, sizeof *r);
	r->copy = xstrdup(text);
	const char *p = r->copy + 6;   /* after "v=spf1" */
	*bad = NULL;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		size_t n = strcspn(p, " ");
		r->t = xgrow(r->t, r->n, sizeof *r->t);
		struct term *t = &r->t[r->n];
		if (!parse_term(t, p, n)) {
			*bad = xstrndup(p, n);
			return false;
		}
		r->n++;
		/* 6: redirect and exp at most once; pyspf: any modifier */
		if (t->kind >= T_REDIRECT) {
			size_t k = strcspn(t->text, "=");
			for (size_t i = 0; i + 1 < r->n; i++)
				if (r->t[i].kind >= T_REDIRECT && strcspn(r->t[i].text, "=") == k &&
				    !strncmp(r->t[i].text, t->text, k)) {
					*bad = xstrndup(p, n);
					return false;
				}
		}
		p += n;
	}
	/* the pointers into r->t are only stable now */
	r->redirect = r->exp = NULL;
	for (size_t i = 0; i < r->n; i++) {
		if (r->t[i].kind == T_REDIRECT)
			r->redirect = &r->t[i];
		if (r->t[i].kind == T_EXP)
			r->exp = &r->t[i];
	}
	return true;
}

/* ------------------------------------------------------------ lookups */

static bool is_spf(const char *txt)
{
	return !strncasecmp(txt, "v=spf1", 6) && (txt[6] == ' ' || txt[6] == '\0');
}

static bool count_lookup(struct eval *e, const struct term *t)
{
	if (++e->lookups > LOOKUP_MAX) {
		because(e, "more than %d DNS lookups (at '%.*s'): RFC 7208 4.6.4", LOOKUP_MAX,
			(int)t->text_len, t->text);
		return false;
	}
	return true;
}

/* A query that found nothing counts as void; past two, permerror. */
static bool count_void(struct eval *e, const struct dnsr_answer *a, const char *name)
{
	if (a->status == DR_NXDOMAIN || a->status == DR_NODATA) {
		if (++e->voids > VOID_MAX) {
			because(e, "more than %d lookups found nothing (the last: %s): RFC 7208 "
				"4.6.4", VOID_MAX, name);
			return false;
		}
	}
	return true;
}

static bool in_net(const struct dnsr_addr *ip, const struct dnsr_addr *net, int bits)
{
	if (ip->family != net->family)
		return false;
	int max = ip->family == AF_INET ? 32 : 128;
	if (bits < 0 || bits > max)
		bits = max;
	int bytes = bits / 8, rest = bits % 8;
	if (memcmp(ip->b, net->b, (size_t)bytes))
		return false;
	if (!rest)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (ip->b[bytes] & mask) == (net->b[bytes] & mask);
}

static int addr_type(const struct spf_query *q)
{
	return q->ip.family == AF_INET ? DNSR_A : DNSR_AAAA;
}

/* 5.5: the names of the client's PTR records that resolve back to it; the
 * first that equals or ends in dom (or any, dom NULL) - new, or NULL.
 * voids: count empty address queries as void lookups (the ptr mechanism;
 * pyspf); *too_many set when they pass the limit. */
static char *ptr_match(struct eval *e, const char *dom, bool voids, bool *too_many)
{
	char *rev = dnsr_reverse_name(&e->q->ip);
	const struct dnsr_answer *a = dnsr_get(e->dns, rev, DNSR_PTR);
	free(rev);
	if (a->status != DR_OK)
		return NULL;
	size_t n = a->n < NAMES_MAX ? a->n : NAMES_MAX;
	for (size_t i = 0; i < n; i++)
		dnsr_want(e->dns, a->rr[i].text, addr_type(e->q));
	char *found = NULL;
	for (size_t i = 0; i < n && !found; i++) {
		const char *name = a->rr[i].text;
		const struct dnsr_answer *fa = dnsr_get(e->dns, name, addr_type(e->q));
		if (voids && !count_void(e, fa, name)) {
			*too_many = true;
			break;
		}
		bool back = false;
		for (size_t j = 0; fa->status == DR_OK && j < fa->n; j++)
			back |= in_net(&e->q->ip, &fa->rr[j].addr, -1);
		if (!back)
			continue;
		size_t ln = strlen(name), dn = dom ? strlen(dom) : 0;
		if (ln && name[ln - 1] == '.')
			ln--;
		if (!dom || (ln == dn && !strncasecmp(name, dom, dn)) ||
		    (ln > dn && name[ln - dn - 1] == '.' && !strncasecmp(name + ln - dn, dom, dn)))
			found = xstrndup(name, ln);
	}
	return found;
}

static char *validated_ptr(struct eval *e)
{
	bool unused = false;
	return ptr_match(e, NULL, false, &unused);
}

/* The domain's SPF record: NULL with *res set when there is none or it
 * cannot be had. */
static char *find_record(struct eval *e, const char *domain, enum spf_result *res)
{
	const struct dnsr_answer *a = dnsr_get(e->dns, domain, DNSR_TXT);
	if (dnsr_failed(a->status)) {
		because(e, "the TXT lookup of %s failed (DNS error)", domain);
		*res = SPF_TEMPERROR;
		return NULL;
	}
	const char *found = NULL;
	size_t n = 0;
	for (size_t i = 0; a->status == DR_OK && i < a->n; i++)
		if (is_spf(a->rr[i].text)) {
			found = a->rr[i].text;
			n++;
		}
	if (n > 1) {
		because(e, "%s has %zu SPF records; there must be one (RFC 7208 4.5)", domain, n);
		*res = SPF_PERMERROR;
		return NULL;
	}
	if (!n) {
		*res = SPF_NONE;
		return NULL;
	}
	return xstrdup(found);
}

/* Queue the questions the terms of a record will ask, so that they go out
 * together (no effect on the result). */
static void prefetch(struct eval *e, const struct record *r, const char *domain)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct term *t = &r->t[i];
		if (t->arg && memchr(t->arg, '%', t->arg_len) &&
		    strcasestr(t->arg, "%{p"))
			continue;  /* would need the PTR check to name it */
		char *d;
		switch (t->kind) {
		case M_INCLUDE:
		case T_REDIRECT:
			d = target(e, t->arg, t->arg_len, domain);
			dnsr_want(e->dns, d, DNSR_TXT);
			free(d);
			break;
		case M_A:
		case M_MX:
		case M_EXISTS:
			d = target(e, t->arg, t->arg_len, domain);
			dnsr_want(e->dns, d, t->kind == M_MX ? DNSR_MX
				  : t->kind == M_EXISTS ? DNSR_A : addr_type(e->q));
			free(d);
			break;
		default:
			break;
		}
	}
}

static enum spf_result check_host(struct eval *e, const char *domain);

/* One mechanism: 1 match, 0 no match, -1 error (*err set). */
static int mechanism(struct eval *e, const struct term *t, const char *domain,
		     enum spf_result *err)
{
	const struct spf_query *q = e->q;
	if (t->kind == M_ALL)
		return 1;
	if (t->kind == M_IP4 || t->kind == M_IP6)
		return in_net(&q->ip, &t->net, t->kind == M_IP4 ? t->cidr4 : t->cidr6);
	if (!count_lookup(e, t)) {
		*err = SPF_PERMERROR;
		return -1;
	}
	char *d = target(e, t->arg, t->arg_len, domain);
	int match = 0;
	if (t->kind != M_PTR && !valid_domain(d)) {
		/* 4.8: a target that is no domain name: the lookup finds nothing */
		free(d);
		return 0;
	}
	switch (t->kind) {
	case M_INCLUDE: {
		e->depth++;
		enum spf_result r = check_host(e, d);
		e->depth--;
		if (r == SPF_PASS)
			match = 1;
		else if (r == SPF_TEMPERROR || r == SPF_PERMERROR || r == SPF_NONE) {
			if (r == SPF_NONE)
				because(e, "include:%s has no SPF record", d);
			*err = r == SPF_NONE ? SPF_PERMERROR : r;
			match = -1;
		}
		break;
	}
	case M_A:
	case M_EXISTS: {
		int type = t->kind == M_EXISTS ? DNSR_A : addr_type(q);
		const struct dnsr_answer *a = dnsr_get(e->dns, d, type);
		if (dnsr_failed(a->status)) {
			because(e, "the lookup of %s failed (DNS error)", d);
			*err = SPF_TEMPERROR;
			match = -1;
		} else if (!count_void(e, a, d)) {
			*err = SPF_PERMERROR;
			match = -1;
		} else if (t->kind == M_EXISTS) {
			match = a->status == DR_OK && a->n > 0;
		} else {
			for (size_t i = 0; a->status == DR_OK && i < a->n && !match; i++)
				match = in_net(&q->ip, &a->rr[i].addr,
					       q->ip.family == AF_INET ? t->cidr4 : t->cidr6);
		}
		break;
	}
	case M_MX: {
		const struct dnsr_answer *a = dnsr_get(e->dns, d, DNSR_MX);
		if (dnsr_failed(a->status)) {
			because(e, "the MX lookup of %s failed (DNS error)", d);
			*err = SPF_TEMPERROR;
			match = -1;
			break;
		}
		if (!count_void(e, a, d)) {
			*err = SPF_PERMERROR;
			match = -1;
			break;
		}
		if (a->status == DR_OK && a->n > NAMES_MAX) {
			because(e, "mx:%s has %zu MX names; at most %d may be looked up (RFC 7208 "
				"4.6.4)", d, a->n, NAMES_MAX);
			*err = SPF_PERMERROR;
			match = -1;
			break;
		}
		for (size_t i = 0; a->status == DR_OK && i < a->n; i++)
			dnsr_want(e->dns, a->rr[i].text, addr_type(q));
		for (size_t i = 0; a->status == DR_OK && i < a->n && !match; i++) {
			const struct dnsr_answer *h = dnsr_get(e->dns, a->rr[i].text, addr_type(q));
			if (dnsr_failed(h->status)) {
				because(e, "the lookup of %s failed (DNS error)", a->rr[i].text);
				*err = SPF_TEMPERROR;
				match = -1;
				break;
			}
			/* pyspf: each empty address query is a void lookup */
			if (!count_void(e, h, a->rr[i].text)) {
				*err = SPF_PERMERROR;
				match = -1;
				break;
			}
			for (size_t j = 0; h->status == DR_OK && j < h->n && !match; j++)
				match = in_net(&q->ip, &h->rr[j].addr,
					       q->ip.family == AF_INET ? t->cidr4 : t->cidr6);
		}
		break;
	}
	case M_PTR: {
		bool too_many = false;
		char *p = ptr_match(e, d, true, &too_many);
		match = p != NULL;
		if (too_many) {
			*err = SPF_PERMERROR;
			match = -1;
		}
		free(p);
		break;
	}
	default:
		break;
	}
	free(d);
	return match;
}

static enum spf_result qualified(char q)
{
	switch (q) {
	case '-':
		return SPF_FAIL;
	case '~':
		return SPF_SOFTFAIL;
	case '?':
		return SPF_NEUTRAL;
	default:
		return SPF_PASS;
	}
}

/* 6.2: the explanation of a fail, when exp= names one. Errors: none. */
static void explain(struct eval *e, const struct term *exp, const char *domain)
{
	char *d = target(e, exp->arg, exp->arg_len, domain);
	const struct dnsr_answer *a = valid_domain(d) ? dnsr_get(e->dns, d, DNSR_TXT) : NULL;
	if (a && a->status == DR_OK && a->n == 1 &&
	    valid_macro_string(a->rr[0].text, strlen(a->rr[0].text), true)) {
		free(e->explanation);
		e->explanation = expand(e, a->rr[0].text, strlen(a->rr[0].text), domain);
	}
	free(d);
}

static enum spf_result check_host(struct eval *e, const char *domain)
{
	if (!valid_domain(domain)) {
		because(e, "'%s' is not a domain name", domain);
		return SPF_NONE;
	}
	enum spf_result res = SPF_NEUTRAL;
	char *text = find_record(e, domain, &res);
	if (!text) {
		const struct dnsr_answer *a = dnsr_get(e->dns, domain, DNSR_TXT);
		if (res == SPF_NONE)
			because(e, a->status == DR_NXDOMAIN ? "%s does not exist"
				: "%s has no SPF record", domain);
		return res;
	}
	if (!e->top_record)
		e->top_record = xstrdup(text);
	struct record r;
	char *bad = NULL;
	if (!parse_record(text, &r, &bad)) {
		because(e, "the SPF record of %s has a syntax error at '%s': \"%s\"", domain, bad,
			text);
		free(bad);
		record_free(&r);
		free(text);
		return SPF_PERMERROR;
	}
	prefetch(e, &r, domain);
	res = SPF_NEUTRAL;
	bool matched = false;
	/* pyspf: redirect= counts as soon as its record is evaluated */
	if (r.redirect && !count_lookup(e, r.redirect)) {
		record_free(&r);
		free(text);
		return SPF_PERMERROR;
	}
	for (size_t i = 0; i < r.n && !matched; i++) {
		const struct term *t = &r.t[i];
		if (t->kind >= T_REDIRECT)
			continue;
		enum spf_result err = SPF_NEUTRAL;
		int m = mechanism(e, t, domain, &err);
		if (m < 0) {
			res = err;
			matched = true;
		} else if (m) {
			res = qualified(t->qual);
			matched = true;
			if (e->depth == 0)
				because(e, "'%.*s' in the SPF record of %s matched", (int)t->text_len,
					t->text, domain);
		}
	}
	if (!matched && r.redirect) {
		char *d = target(e, r.redirect->arg, r.redirect->arg_len, domain);
		/* the redirected record's own exp= applies, not this one's */
		res = check_host(e, d);
		if (res == SPF_NONE) {
			because(e, "redirect=%s has no SPF record", d);
			res = SPF_PERMERROR;
		}
		free(d);
	} else if (!matched) {
		if (e->depth == 0)
			because(e, "nothing in the SPF record of %s matched: neutral", domain);
	} else if (res == SPF_FAIL && r.exp) {
		explain(e, r.exp, domain);
	}
	record_free(&r);
	free(text);
	return res;
}

enum spf_result spf_check_host(struct dnsr *dns, const struct spf_query *q,
			       struct spf_outcome *out)
{
	memset(out, 0, sizeof *out);
	struct eval e = { .dns = dns, .q = q };
	enum spf_result r = check_host(&e, q->domain);
	out->result = r;
	out->reason = e.reason ? e.reason : xstrdup(spf_result_name(r));
	out->record = e.top_record;
	out->explanation = e.explanation;
	out->lookups = e.lookups;
	out->void_lookups = e.voids;
	return r;
}

void spf_outcome_free(struct spf_outcome *o)
{
	free(o->reason);
	free(o->record);
	free(o->explanation);
	memset(o, 0, sizeof *o);
}
