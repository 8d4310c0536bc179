/* SPDX-License-Identifier: MIT */
/* resolver.c - parallel, cached DNS questions on c-ares.
 *
 * c-ares rather than glibc's res_nquery (one question at a time, IPv4
 * servers only in _res) or a hand-written client: it is Debian's
 * well-kept asynchronous resolver (libc-ares-dev, already in libcurl's
 * dependency tree), reads /etc/resolv.conf, takes IPv4 and IPv6 servers
 * with ports, and parses every record type the check needs. */
#include "mailset/resolver.h"

#include <arpa/inet.h>
#include <ares.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/select.h>

#include "mailset/i18n.h"
#include "mailset/util.h"

#define DEFAULT_TIMEOUT_MS 2000

struct entry {
	char *name;
	int type;
	bool sent, done;
	size_t batch;            /* the send it went out with */
	struct dnsr_answer a;
};

struct dnsr {
	ares_channel ch;
	struct entry **v;
	size_t n;
	size_t questions, rounds;
	size_t batch, waited;    /* sends so far; the latest one waited for */
};

static int lib_users;

/* "example.com." and "Example.COM" are one name. */
static bool same_name(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	if (na && a[na - 1] == '.')
		na--;
	if (nb && b[nb - 1] == '.')
		nb--;
	return na == nb && !strncasecmp(a, b, na);
}

static bool parse_server(const char *s, char *csv, size_t n)
{
	char host[64];
	const char *port = NULL;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || (size_t)(close - s - 1) >= sizeof host)
			return false;
		snprintf(host, sizeof host, "%.*s", (int)(close - s - 1), s + 1);
		if (close[1] == ':')
			port = close + 2;
		else if (close[1])
			return false;
	} else if (strchr(s, ':') && strchr(s, ':') == strrchr(s, ':')) {
		const char *colon = strchr(s, ':');
		if ((size_t)(colon - s) >= sizeof host)
			return false;
		snprintf(host, sizeof host, "%.*s", (int)(colon - s), s);
		port = colon + 1;
	} else {
		if (strlen(s) >= sizeof host)
			return false;
		snprintf(host, sizeof host, "%s", s);
	}
	unsigned char buf[16];
	bool v6 = inet_pton(AF_INET6, host, buf) == 1;
	if (!v6 && inet_pton(AF_INET, host, buf) != 1)
		return false;
	long p = 53;
	if (port) {
		char *end;
		p = strtol(port, &end, 10);
		if (!*port || *end || p <= 0 || p > 65535)
			return false;
	}
	snprintf(csv, n, v6 ? "[%s]:%ld" : "%s:%ld", host, p);
	return true;
}

struct dnsr *dnsr_open(const char *server, long timeout_ms, char **err)
{
	*err = NULL;
	char csv[96] = "";
	if (server && !parse_server(server, csv, sizeof csv)) {
		*err = xasprintf(_("'%s' is not a DNS server address: give an IPv4 or IPv6 address "
				   "and optionally a port, e.g. 127.0.0.1:5353 or [::1]:5353"), server);
		return NULL;
	}
	if (lib_users++ == 0 && ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS) {
		lib_users--;
		*err = xstrdup(_("the DNS library (c-ares) cannot start"));
		return NULL;
	}
	struct dnsr *r = xcalloc(1, sizeof *r);
	struct ares_options o = { 0 };
	/* NOCHECKRESP: a REFUSED or SERVFAIL answer is that, not "the next
	 * server, then connection refused" */
	o.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOCHECKRESP;
	o.timeout = (int)(timeout_ms > 0 ? timeout_ms : DEFAULT_TIMEOUT_MS);
	o.tries = 1;
	int rc = ares_init_options(&r->ch, &o, ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
	if (rc == ARES_SUCCESS && *csv)
		rc = ares_set_servers_ports_csv(r->ch, csv);
	if (rc != ARES_SUCCESS) {
		*err = xasprintf(_("the DNS resolver cannot be set up (%s): check /etc/resolv.conf"),
				 ares_strerror(rc));
		if (r->ch)
			ares_destroy(r->ch);
		free(r);
		if (--lib_users == 0)
			ares_library_cleanup();
		return NULL;
	}
	return r;
}

static void answer_free(struct dnsr_answer *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->rr[i].text);
	free(a->rr);
}

void dnsr_close(struct dnsr *r)
{
	if (!r)
		return;
	ares_destroy(r->ch);   /* calls back every open question (ARES_EDESTRUCTION) */
	for (size_t i = 0; i < r->n; i++) {
		answer_free(&r->v[i]->a);
		free(r->v[i]->name);
		free(r->v[i]);
	}
	free(r->v);
	free(r);
	if (--lib_users == 0)
		ares_library_cleanup();
}

static struct entry *find(struct dnsr *r, const char *name, int type)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i]->type == type && same_name(r->v[i]->name, name))
			return r->v[i];
	return NULL;
}

static struct dnsr_rr *add_rr(struct dnsr_answer *a)
{
	a->rr = xgrow(a->rr, a->n, sizeof *a->rr);
	struct dnsr_rr *rr = &a->rr[a->n++];
	memset(rr, 0, sizeof *rr);
	return rr;
}

static void parse(struct entry *e, const unsigned char *abuf, int alen)
{
	struct dnsr_answer *a = &e->a;
	int rc = ARES_SUCCESS;
	switch (e->type) {
	case DNSR_TXT: {
		struct ares_txt_ext *txt = NULL;
		rc = ares_parse_txt_reply_ext(abuf, alen, &txt);
		struct strbuf sb = { 0 };
		bool open = false;
		for (struct ares_txt_ext *t = txt; rc == ARES_SUCCESS && t; t = t->next) {
			/* the strings of one record are joined (RFC 7208 3.3) */
			if (t->record_start && open)
				add_rr(a)->text = sb_steal(&sb);
			sb_add(&sb, t->txt, t->length);
			open = true;
		}
		if (rc == ARES_SUCCESS && open)
			add_rr(a)->text = sb_steal(&sb);
		else
			sb_free(&sb);
		ares_free_data(txt);
		break;
	}
	case DNSR_MX: {
		struct ares_mx_reply *mx = NULL;
		rc = ares_parse_mx_reply(abuf, alen, &mx);
		for (struct ares_mx_reply *m = mx; rc == ARES_SUCCESS && m; m = m->next) {
			struct dnsr_rr *rr = add_rr(a);
			rr->text = xstrdup(m->host);
			rr->pref = m->priority;
		}
		ares_free_data(mx);
		break;
	}
	case DNSR_A: {
		struct ares_addrttl v[64];
		int n = 64;
		rc = ares_parse_a_reply(abuf, alen, NULL, v, &n);
		for (int i = 0; rc == ARES_SUCCESS && i < n; i++) {
			struct dnsr_rr *rr = add_rr(a);
			rr->addr.family = AF_INET;
			memcpy(rr->addr.b, &v[i].ipaddr, 4);
		}
		break;
	}
	case DNSR_AAAA: {
		struct ares_addr6ttl v[64];
		int n = 64;
		rc = ares_parse_aaaa_reply(abuf, alen, NULL, v, &n);
		for (int i = 0; rc == ARES_SUCCESS && i < n; i++) {
			struct dnsr_rr *rr = add_rr(a);
			rr->addr.family = AF_INET6;
			memcpy(rr->addr.b, &v[i].ip6addr, 16);
		}
		break;
	}
	case DNSR_PTR: {
		struct hostent *h = NULL;
		unsigned char any[4] = { 0 };   /* c-ares copies it into h; unused */
		rc = ares_parse_ptr_reply(abuf, alen, any, sizeof any, AF_INET, &h);
		if (rc == ARES_SUCCESS && h) {
			if (h->h_name)
				add_rr(a)->text = xstrdup(h->h_name);
			for (char **al = h->h_aliases; al && *al; al++)
				add_rr(a)->text = xstrdup(*al);
		}
		if (h)
			ares_free_hostent(h);
		break;
	}
	default:
		rc = ARES_ENOTIMP;
	}
	if (rc == ARES_ENODATA || (rc == ARES_SUCCESS && !a->n))
		a->status = DR_NODATA;
	else
		a->status = rc == ARES_SUCCESS ? DR_OK : DR_ERROR;
}

static void on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	(void)timeouts;
	struct entry *e = arg;
	if (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED)
		return;
	e->done = true;
	switch (status) {
	case ARES_SUCCESS:
		parse(e, abuf, alen);
		return;
	case ARES_ENODATA:
		e->a.status = DR_NODATA;
		return;
	case ARES_ENOTFOUND:
		e->a.status = DR_NXDOMAIN;
		return;
	case ARES_ESERVFAIL:
		e->a.status = DR_SERVFAIL;
		return;
	case ARES_EREFUSED:
		e->a.status = DR_REFUSED;
		return;
	case ARES_ETIMEOUT:
		e->a.status = DR_TIMEOUT;
		return;
	case ARES_ECONNREFUSED:
		e->a.status = DR_UNREACHABLE;
		return;
	default:
		e->a.status = DR_ERROR;
	}
}

void dnsr_want(struct dnsr *r, const char *name, int type)
{
	if (find(r, name, type))
		return;
	struct entry *e = xcalloc(1, sizeof *e);
	e->name = xstrdup(name);
	e->type = type;
	r->v = xgrow(r->v, r->n, sizeof *r->v);
	r->v[r->n++] = e;
}

static void send_queued(struct dnsr *r)
{
	bool any = false;
	for (size_t i = 0; i < r->n; i++) {
		struct entry *e = r->v[i];
		if (e->sent)
			continue;
		if (!any)
			r->batch++;
		any = true;
		e->sent = true;
		e->batch = r->batch;
		r->questions++;
		ares_query(r->ch, e->name, 1 /* IN */, e->type, on_answer, e);
	}
}

/* Waits until e is answered (c-ares bounds every question). A round trip
 * is a wait for a send later than the last one waited for: questions that
 * went out together count once, however their answers trickle in. */
static void wait_for(struct dnsr *r, struct entry *e)
{
	if (!e->done && e->batch > r->waited) {
		r->rounds++;
		r->waited = e->batch;
	}
	while (!e->done) {
		fd_set rd, wr;
		FD_ZERO(&rd);
		FD_ZERO(&wr);
		int nfds = ares_fds(r->ch, &rd, &wr);
		if (nfds == 0) {
			/* nothing in flight and no answer: c-ares gave up */
			if (!e->done) {
				e->done = true;
				e->a.status = DR_ERROR;
			}
			break;
		}
		struct timeval tv, *tvp = ares_timeout(r->ch, NULL, &tv);
		select(nfds, &rd, &wr, NULL, tvp);
		ares_process(r->ch, &rd, &wr);
	}
}

const struct dnsr_answer *dnsr_get(struct dnsr *r, const char *name, int type)
{
	dnsr_want(r, name, type);
	struct entry *e = find(r, name, type);
	send_queued(r);
	wait_for(r, e);
	return &e->a;
}

size_t dnsr_questions(const struct dnsr *r)
{
	return r->questions;
}

size_t dnsr_round_trips(const struct dnsr *r)
{
	return r->rounds;
}

const char *dnsr_addr_text(const struct dnsr_addr *a, char *buf, size_t n)
{
	if (!inet_ntop(a->family, a->b, buf, (socklen_t)n))
		snprintf(buf, n, "?");
	return buf;
}

char *dnsr_reverse_name(const struct dnsr_addr *a)
{
	struct strbuf sb = { 0 };
	if (a->family == AF_INET) {
		sb_addf(&sb, "%u.%u.%u.%u.in-addr.arpa", a->b[3], a->b[2], a->b[1], a->b[0]);
	} else {
		for (int i = 15; i >= 0; i--)
			sb_addf(&sb, "%x.%x.", a->b[i] & 0xf, a->b[i] >> 4);
		sb_adds(&sb, "ip6.arpa");
	}
	return sb_steal(&sb);
}
