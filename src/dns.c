/* dns.c - MX, SPF, DKIM and DMARC of the sending domain, through glibc's
 * resolver, judged against the Gmail sender guidelines. */
#include "mailset/dns.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

#include "mailset/i18n.h"
#include "mailset/util.h"

#define SPF_LOOKUP_MAX 10 /* RFC 7208 4.6.4 */
#define DKIM_MIN_BITS 1024

enum qres { Q_OK, Q_NXDOMAIN, Q_NODATA, Q_FAIL, Q_DEAD };

struct resolver {
	struct __res_state rs;
	bool dead;           /* the server did not answer: ask nothing more */
	bool refused;        /* ... because nothing listens there */
	int lookups;         /* SPF's DNS lookups so far */
};

struct ipaddr {
	int family;
	unsigned char b[16];
};

/* ------------------------------------------------------------- resolver */

static int res_open(struct resolver *r, const char *server, long timeout_ms, char **err)
{
	memset(r, 0, sizeof *r);
	if (res_ninit(&r->rs) < 0) {
		*err = xstrdup(_("the system's DNS resolver cannot be set up (/etc/resolv.conf?)"));
		return -1;
	}
	long s = (timeout_ms > 0 ? timeout_ms : 2000) / 1000;
	r->rs.retrans = s > 0 ? (int)s : 1;
	r->rs.retry = 1;
	r->rs.options &= ~(unsigned long)(RES_DNSRCH | RES_DEFNAMES);
	if (!server)
		return 0;
	char host[64];
	int port = 53;
	const char *colon = strrchr(server, ':');
	if (colon && strchr(server, ':') == colon) {
		snprintf(host, sizeof host, "%.*s", (int)(colon - server), server);
		port = atoi(colon + 1);
	} else {
		snprintf(host, sizeof host, "%s", server);
	}
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	if (port <= 0 || port > 65535 || inet_pton(AF_INET, host, &sin.sin_addr) != 1) {
		*err = xasprintf(_("'%s' is not a DNS server address: give an IPv4 address and "
				   "optionally a port, e.g. 127.0.0.1:5353"), server);
		res_nclose(&r->rs);
		return -1;
	}
	r->rs.nscount = 1;
	r->rs.nsaddr_list[0] = sin;
	return 0;
}

static enum qres query(struct resolver *r, const char *name, int type, unsigned char *buf,
		       int len, int *n)
{
	if (r->dead)
		return Q_DEAD;
	errno = 0;
	*n = res_nquery(&r->rs, name, ns_c_in, type, buf, len);
	if (*n >= 0)
		return Q_OK;
	switch (r->rs.res_h_errno) {
	case HOST_NOT_FOUND:
		return Q_NXDOMAIN;
	case NO_DATA:
		return Q_NODATA;
	default:
		if (errno == ETIMEDOUT || errno == ECONNREFUSED || errno == 0) {
			r->dead = true;
			r->refused = errno == ECONNREFUSED;
			return Q_DEAD;
		}
		return Q_FAIL;
	}
}

/* The records of one type in the answer, as rdata callbacks. */
typedef void (*rr_fn)(void *ctx, ns_msg *msg, const ns_rr *rr);

static enum qres ask(struct resolver *r, const char *name, int type, rr_fn fn, void *ctx)
{
	unsigned char buf[8192];
	int n;
	enum qres q = query(r, name, type, buf, sizeof buf, &n);
	if (q != Q_OK)
		return q;
	ns_msg msg;
	if (ns_initparse(buf, n, &msg) < 0)
		return Q_FAIL;
	int count = ns_msg_count(msg, ns_s_an), found = 0;
	for (int i = 0; i < count; i++) {
		ns_rr rr;
		if (ns_parserr(&msg, ns_s_an, i, &rr) < 0 || (int)ns_rr_type(rr) != type)
			continue;
		fn(ctx, &msg, &rr);
		found++;
	}
	return found ? Q_OK : Q_NODATA;
}

struct strings {
	char **v;
	size_t n;
};

static void strings_add(struct strings *s, char *str)
{
	s->v = xrealloc(s->v, (s->n + 1) * sizeof *s->v);
	s->v[s->n++] = str;
}

static void strings_free(struct strings *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

/* A TXT record's strings joined (a DKIM key is often split). */
static void on_txt(void *ctx, ns_msg *msg, const ns_rr *rr)
{
	(void)msg;
	struct strbuf sb = { 0 };
	const unsigned char *p = ns_rr_rdata(*rr), *end = p + ns_rr_rdlen(*rr);
	while (p < end) {
		size_t k = *p++;
		if (k > (size_t)(end - p))
			k = (size_t)(end - p);
		sb_add(&sb, p, k);
		p += k;
	}
	strings_add(ctx, sb_steal(&sb));
}

struct mx {
	int pref;
	char *host;
};

struct mxs {
	struct mx *v;
	size_t n;
};

static void on_mx(void *ctx, ns_msg *msg, const ns_rr *rr)
{
	struct mxs *m = ctx;
	char name[NS_MAXDNAME];
	const unsigned char *rd = ns_rr_rdata(*rr);
	if (ns_rr_rdlen(*rr) < 3 ||
	    dn_expand(ns_msg_base(*msg), ns_msg_end(*msg), rd + 2, name, sizeof name) < 0)
		return;
	m->v = xrealloc(m->v, (m->n + 1) * sizeof *m->v);
	m->v[m->n++] = (struct mx){ ns_get16(rd), xstrdup(name) };
}

static int by_pref(const void *a, const void *b)
{
	const struct mx *x = a, *y = b;
	return x->pref - y->pref;
}

struct addrs {
	struct ipaddr v[32];
	size_t n;
};

static void on_addr(void *ctx, ns_msg *msg, const ns_rr *rr)
{
	(void)msg;
	struct addrs *a = ctx;
	size_t len = ns_rr_rdlen(*rr);
	if (a->n == sizeof a->v / sizeof *a->v || (len != 4 && len != 16))
		return;
	a->v[a->n].family = len == 4 ? AF_INET : AF_INET6;
	memcpy(a->v[a->n].b, ns_rr_rdata(*rr), len);
	a->n++;
}

/* A and AAAA records of name. */
static enum qres get_addrs(struct resolver *r, const char *name, struct addrs *out)
{
	out->n = 0;
	enum qres q4 = ask(r, name, ns_t_a, on_addr, out);
	if (q4 == Q_DEAD)
		return q4;
	enum qres q6 = ask(r, name, ns_t_aaaa, on_addr, out);
	if (out->n)
		return Q_OK;
	return q4 == Q_NXDOMAIN || q6 == Q_NXDOMAIN ? Q_NXDOMAIN : q6 == Q_DEAD ? Q_DEAD
		: q4 == Q_FAIL || q6 == Q_FAIL ? Q_FAIL : Q_NODATA;
}

static void ip_text(const struct ipaddr *ip, char *buf, size_t n)
{
	inet_ntop(ip->family, ip->b, buf, (socklen_t)n);
}

/* ------------------------------------------------------------------ SPF */

enum spf { SPF_PASS, SPF_FAIL, SPF_SOFTFAIL, SPF_NEUTRAL, SPF_NONE, SPF_PERMERROR,
	   SPF_TEMPERROR, SPF_UNKNOWN };

struct spf_ctx {
	struct resolver *r;
	const struct ipaddr *ip;
	char why[512];           /* for PERMERROR, UNKNOWN, TEMPERROR */
};

static bool cidr_match(const struct ipaddr *ip, const struct ipaddr *net, int bits)
{
	if (ip->family != net->family)
		return false;
	int max = ip->family == AF_INET ? 32 : 128;
	if (bits < 0 || bits > max)
		bits = max;
	for (int i = 0; i < bits; i++) {
		int byte = i / 8, bit = 7 - i % 8;
		if (((ip->b[byte] >> bit) & 1) != ((net->b[byte] >> bit) & 1))
			return false;
	}
	return true;
}

/* "name/24//64" -> name, v4 and v6 prefix lengths */
static void split_cidr(char *spec, int *v4, int *v6)
{
	*v4 = *v6 = -1;
	char *slash = strchr(spec, '/');
	if (!slash)
		return;
	*slash = '\0';
	if (slash[1] == '/') {
		*v6 = atoi(slash + 2);
		return;
	}
	*v4 = atoi(slash + 1);
	char *s2 = strstr(slash + 1, "//");
	if (s2)
		*v6 = atoi(s2 + 2);
}

static enum spf spf_eval(struct spf_ctx *c, const char *domain, int depth);

static bool addr_in(struct spf_ctx *c, const struct addrs *a, int v4, int v6)
{
	for (size_t i = 0; i < a->n; i++)
		if (cidr_match(c->ip, &a->v[i], a->v[i].family == AF_INET ? v4 : v6))
			return true;
	return false;
}

static bool count_lookup(struct spf_ctx *c)
{
	if (++c->r->lookups > SPF_LOOKUP_MAX) {
		snprintf(c->why, sizeof c->why,
			 _("it needs more than %d DNS lookups (include, a, mx, redirect...), the "
			   "limit of RFC 7208: receivers treat it as broken"), SPF_LOOKUP_MAX);
		return false;
	}
	return true;
}

/* The one "v=spf1" record of domain, or NULL with *res set. */
static char *spf_record(struct spf_ctx *c, const char *domain, enum spf *res)
{
	struct strings txt = { 0 };
	enum qres q = ask(c->r, domain, ns_t_txt, on_txt, &txt);
	char *rec = NULL;
	size_t found = 0;
	for (size_t i = 0; i < txt.n; i++)
		if (!strncasecmp(txt.v[i], "v=spf1", 6) && (!txt.v[i][6] || txt.v[i][6] == ' ')) {
			found++;
			if (!rec)
				rec = xstrdup(txt.v[i]);
		}
	strings_free(&txt);
	if (q == Q_DEAD || q == Q_FAIL) {
		*res = SPF_TEMPERROR;
		snprintf(c->why, sizeof c->why, _("the TXT records of %s could not be read"), domain);
	} else if (found > 1) {
		*res = SPF_PERMERROR;
		snprintf(c->why, sizeof c->why,
			 _("%s has %zu SPF records; there must be exactly one: merge them"), domain,
			 found);
	} else if (!found) {
		*res = SPF_NONE;
	} else {
		return rec;
	}
	free(rec);
	return NULL;
}

static enum spf qualified(char q)
{
	return q == '-' ? SPF_FAIL : q == '~' ? SPF_SOFTFAIL : q == '?' ? SPF_NEUTRAL : SPF_PASS;
}

static enum spf spf_eval(struct spf_ctx *c, const char *domain, int depth)
{
	enum spf res;
	char *rec = spf_record(c, domain, &res);
	if (!rec)
		return res;
	if (strchr(rec, '%')) {
		snprintf(c->why, sizeof c->why,
			 _("the SPF record of %s uses macros, which only the receiving server can "
			   "expand"), domain);
		free(rec);
		return SPF_UNKNOWN;
	}
	char *redirect = NULL, *save = NULL;
	res = SPF_NEUTRAL;
	bool matched = false;
	for (char *t = strtok_r(rec + 6, " ", &save); t && !matched; t = strtok_r(NULL, " ", &save)) {
		char q = '+';
		if (strchr("+-~?", *t))
			q = *t++;
		char *arg = strpbrk(t, ":=/");
		char mech[16];
		snprintf(mech, sizeof mech, "%.*s", (int)(arg ? arg - t : (long)strlen(t)), t);
		if (!strcasecmp(mech, "redirect") && arg && *arg == '=') {
			free(redirect);
			redirect = xstrdup(arg + 1);
			continue;
		}
		if (arg && *arg == '=')
			continue; /* exp= and unknown modifiers */
		if (!strcasecmp(mech, "all")) {
			matched = true;
			res = qualified(q);
		} else if (!strcasecmp(mech, "ip4") || !strcasecmp(mech, "ip6")) {
			if (!arg || *arg != ':')
				continue;
			char spec[128];
			snprintf(spec, sizeof spec, "%s", arg + 1);
			int v4, v6;
			split_cidr(spec, &v4, &v6);
			struct ipaddr net;
			net.family = mech[2] == '4' ? AF_INET : AF_INET6;
			if (inet_pton(net.family, spec, net.b) == 1 &&
			    cidr_match(c->ip, &net, v4))
				matched = true, res = qualified(q);
		} else if (!strcasecmp(mech, "a") || !strcasecmp(mech, "mx")) {
			if (!count_lookup(c)) {
				res = SPF_PERMERROR;
				break;
			}
			char spec[NS_MAXDNAME];
			snprintf(spec, sizeof spec, "%s", arg && *arg == ':' ? arg + 1 : arg ? arg : "");
			int v4, v6;
			if (arg && *arg == '/') {
				snprintf(spec, sizeof spec, "%s%s", domain, arg);
			}
			split_cidr(spec, &v4, &v6);
			const char *target = *spec ? spec : domain;
			if (!strcasecmp(mech, "a")) {
				struct addrs a;
				if (get_addrs(c->r, target, &a) == Q_DEAD) {
					res = SPF_TEMPERROR;
					break;
				}
				if (addr_in(c, &a, v4, v6))
					matched = true, res = qualified(q);
			} else {
				struct mxs m = { 0 };
				if (ask(c->r, target, ns_t_mx, on_mx, &m) == Q_DEAD) {
					res = SPF_TEMPERROR;
					break;
				}
				for (size_t i = 0; i < m.n && !matched; i++) {
					struct addrs a;
					if (get_addrs(c->r, m.v[i].host, &a) == Q_OK && addr_in(c, &a, v4, v6))
						matched = true, res = qualified(q);
				}
				for (size_t i = 0; i < m.n; i++)
					free(m.v[i].host);
				free(m.v);
			}
		} else if (!strcasecmp(mech, "include")) {
			if (!arg || *arg != ':')
				continue;
			if (!count_lookup(c)) {
				res = SPF_PERMERROR;
				break;
			}
			if (depth > SPF_LOOKUP_MAX) {
				res = SPF_PERMERROR;
				break;
			}
			enum spf r = spf_eval(c, arg + 1, depth + 1);
			if (r == SPF_PASS) {
				matched = true, res = qualified(q);
			} else if (r == SPF_NONE) {
				snprintf(c->why, sizeof c->why,
					 _("it includes %s, which has no SPF record"), arg + 1);
				res = SPF_PERMERROR;
				break;
			} else if (r == SPF_PERMERROR || r == SPF_TEMPERROR || r == SPF_UNKNOWN) {
				res = r;
				break;
			}
		} else if (!strcasecmp(mech, "ptr") || !strcasecmp(mech, "exists")) {
			if (!count_lookup(c)) {
				res = SPF_PERMERROR;
				break;
			}
			snprintf(c->why, sizeof c->why,
				 _("it uses %s, which only the receiving server can evaluate"), mech);
			res = SPF_UNKNOWN;
			break;
		}
	}
	if (!matched && redirect && res == SPF_NEUTRAL) {
		if (!count_lookup(c))
			res = SPF_PERMERROR;
		else
			res = spf_eval(c, redirect, depth + 1);
		if (res == SPF_NONE) {
			snprintf(c->why, sizeof c->why, _("its redirect= names %s, which has no SPF record"),
				 redirect);
			res = SPF_PERMERROR;
		}
	}
	free(redirect);
	free(rec);
	return res;
}

/* --------------------------------------------------------------- report */

static struct dns_item *add_item(struct dns_report *r, const char *what, enum dns_verdict v,
				 char *detail, char *reason, char *suggest)
{
	r->items = xrealloc(r->items, (r->n + 1) * sizeof *r->items);
	r->items[r->n] = (struct dns_item){ what, v, detail ? detail : xstrdup(""),
					    reason ? reason : xstrdup(""), suggest };
	return &r->items[r->n++];
}

static const char *smtp_host_name(const struct settings *s)
{
	return settings_get(s, F_HOST);
}

static char *spf_suggestion(const struct settings *s, const struct preset *p)
{
	const char *host = smtp_host_name(s);
	struct in_addr a4;
	struct in6_addr a6;
	if (p && p->spf_include)
		return xasprintf("v=spf1 include:%s ~all", p->spf_include);
	if (inet_pton(AF_INET, host, &a4) == 1)
		return xasprintf("v=spf1 ip4:%s ~all", host);
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return xasprintf("v=spf1 ip6:%s ~all", host);
	return *host ? xasprintf("v=spf1 a:%s ~all", host) : xstrdup("v=spf1 mx ~all");
}

static void check_mx(struct resolver *res, struct dns_report *r, const char *domain,
		     struct mxs *m, bool *nxdomain)
{
	enum qres q = ask(res, domain, ns_t_mx, on_mx, m);
	if (q == Q_NXDOMAIN) {
		*nxdomain = true;
		add_item(r, "MX", DV_MISSING, NULL,
			 xasprintf(_("the domain %s does not exist in DNS: check the system mail "
				     "sender address"), domain), NULL);
		return;
	}
	if (q == Q_DEAD || q == Q_FAIL) {
		add_item(r, "MX", DV_UNKNOWN, NULL, xstrdup(_("the MX records could not be read")),
			 NULL);
		return;
	}
	if (!m->n) {
		add_item(r, "MX", DV_MISSING, NULL,
			 xasprintf(_("no MX record: mail to %s (replies, bounces) cannot arrive; the "
				     "system mail sender must be a real mailbox"), domain),
			 xstrdup(_("the MX records your mail provider gives you")));
		return;
	}
	qsort(m->v, m->n, sizeof *m->v, by_pref);
	struct strbuf sb = { 0 };
	for (size_t i = 0; i < m->n; i++)
		sb_addf(&sb, "%s%d %s", i ? ", " : "", m->v[i].pref, m->v[i].host);
	add_item(r, "MX", DV_OK, sb_steal(&sb), xstrdup(_("mail to the domain can arrive")), NULL);
}

static void check_spf(struct resolver *res, struct dns_report *r, const char *domain,
		      const struct settings *s, const struct preset *p)
{
	struct spf_ctx c = { .r = res };
	enum spf st;
	char *rec = spf_record(&c, domain, &st);
	if (!rec) {
		if (st == SPF_NONE)
			add_item(r, "SPF", DV_MISSING, NULL,
				 xasprintf(_("no SPF record (TXT \"v=spf1 ...\") at %s"), domain),
				 spf_suggestion(s, p));
		else if (st == SPF_PERMERROR)
			add_item(r, "SPF", DV_WRONG, NULL, xstrdup(c.why), spf_suggestion(s, p));
		else
			add_item(r, "SPF", DV_UNKNOWN, NULL, xstrdup(c.why), NULL);
		return;
	}
	/* Whom does it authorise? The SMTP server's addresses. */
	const char *host = smtp_host_name(s);
	struct addrs a = { .n = 0 };
	struct ipaddr lit;
	if (inet_pton(AF_INET, host, lit.b) == 1) {
		lit.family = AF_INET;
		a.v[a.n++] = lit;
	} else if (inet_pton(AF_INET6, host, lit.b) == 1) {
		lit.family = AF_INET6;
		a.v[a.n++] = lit;
	} else if (*host) {
		get_addrs(res, host, &a);
	}
	if (!a.n) {
		add_item(r, "SPF", DV_UNKNOWN, rec,
			 *host ? xasprintf(_("the SMTP server %s has no address in DNS, so whether "
					     "the record authorises it cannot be told"), host)
			       : xstrdup(_("no SMTP server is set, so whether the record authorises "
					   "it cannot be told")), NULL);
		return;
	}
	/* Every address the SMTP server may send from must pass; the first
	 * that does not decides the verdict. */
	char ipt[INET6_ADDRSTRLEN];
	enum spf v = SPF_PASS;
	for (size_t i = 0; i < a.n && i < 4 && v == SPF_PASS; i++) {
		ip_text(&a.v[i], ipt, sizeof ipt);
		c.ip = &a.v[i];
		res->lookups = 0;
		v = spf_eval(&c, domain, 0);
	}
	switch (v) {
	case SPF_PASS:
		add_item(r, "SPF", DV_OK, rec,
			 xasprintf(_("it authorises the SMTP server %s (%s)"), host, ipt), NULL);
		break;
	case SPF_FAIL:
	case SPF_SOFTFAIL:
	case SPF_NEUTRAL: {
		char *add = p && p->spf_include ? xasprintf("include:%s", p->spf_include)
			: xasprintf(strchr(host, ':') ? "ip6:%s" : inet_pton(AF_INET, host, lit.b) == 1
				    ? "ip4:%s" : "a:%s", host);
		add_item(r, "SPF", DV_WRONG, rec,
			 xasprintf(_("it does not authorise the SMTP server %s (%s): mail sent "
				     "through it fails SPF"), host, ipt),
			 xasprintf(_("add %s before the last term of the record"), add));
		free(add);
		break;
	}
	case SPF_PERMERROR:
		add_item(r, "SPF", DV_WRONG, rec, xstrdup(c.why), NULL);
		break;
	default:
		add_item(r, "SPF", DV_UNKNOWN, rec, xstrdup(c.why), NULL);
		break;
	}
}

/* "k=rsa; p=MIGf..." -> the value of tag (new string) or NULL */
static char *tag_value(const char *rec, const char *tag)
{
	size_t tl = strlen(tag);
	for (const char *p = rec; p && *p;) {
		while (*p == ' ' || *p == ';' || *p == '\t')
			p++;
		const char *semi = strchr(p, ';');
		size_t len = semi ? (size_t)(semi - p) : strlen(p);
		if (len > tl && !strncasecmp(p, tag, tl) && (p[tl] == '=' || p[tl] == ' ')) {
			const char *v = strchr(p, '=');
			if (v && v < p + len) {
				v++;
				while (*v == ' ')
					v++;
				const char *e = p + len;
				while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
					e--;
				return xstrndup(v, (size_t)(e - v));
			}
		}
		p = semi ? semi + 1 : NULL;
	}
	return NULL;
}

/* Bits of a DKIM public key: base64 of a SubjectPublicKeyInfo (RSA), or
 * of the 32 raw bytes of an Ed25519 key (RFC 8463). 0 if unreadable. */
static int key_bits(const char *b64, bool ed25519, char *type, size_t tn)
{
	struct strbuf clean = { 0 };
	for (const char *p = b64; *p; p++)
		if (*p != ' ' && *p != '\t')
			sb_addc(&clean, *p);
	int bits = 0;
	size_t n = clean.len;
	unsigned char *der = xmalloc(n + 3);
	int len = n ? EVP_DecodeBlock(der, (const unsigned char *)clean.buf, (int)n) : -1;
	if (len > 0) {
		/* EVP_DecodeBlock counts the padding as zero bytes */
		while (n && clean.buf[n - 1] == '=')
			n--, len--;
		const unsigned char *p = der;
		EVP_PKEY *k = ed25519 && len == 32
			? EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, der, 32)
			: d2i_PUBKEY(NULL, &p, len);
		if (k) {
			bits = EVP_PKEY_get_bits(k);
			snprintf(type, tn, "%s", EVP_PKEY_get_base_id(k) == EVP_PKEY_RSA ? "RSA"
				 : EVP_PKEY_get_base_id(k) == EVP_PKEY_ED25519 ? "Ed25519" : "?");
			EVP_PKEY_free(k);
		}
	}
	free(der);
	sb_free(&clean);
	return bits;
}

static void check_dkim(struct resolver *res, struct dns_report *r, const char *domain,
		       const struct dns_opts *o, const struct preset *p)
{
	struct strings sel = { 0 };
	bool given = o->nselectors > 0;
	for (size_t i = 0; i < o->nselectors; i++)
		strings_add(&sel, xstrdup(o->selectors[i]));
	if (!given && p && p->dkim_selectors) {
		char *copy = xstrdup(p->dkim_selectors), *save = NULL;
		for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
			strings_add(&sel, xstrdup(t));
		free(copy);
	}
	if (!sel.n) {
		add_item(r, "DKIM", DV_UNKNOWN, NULL,
			 xstrdup(_("no selector to look at: give the one your provider uses with "
				   "--selector (the record is at SELECTOR._domainkey)")), NULL);
		return;
	}
	for (size_t i = 0; i < sel.n; i++) {
		char *name = xasprintf("%s._domainkey.%s", sel.v[i], domain);
		struct strings txt = { 0 };
		enum qres q = ask(res, name, ns_t_txt, on_txt, &txt);
		const char *rec = NULL;
		for (size_t j = 0; j < txt.n && !rec; j++)
			if (strcasestr(txt.v[j], "v=DKIM1") || strstr(txt.v[j], "p="))
				rec = txt.v[j];
		/* the item's name lives as long as the report */
		char *what = xasprintf("DKIM %s", sel.v[i]);
		r->labels = xrealloc(r->labels, (r->nlabels + 1) * sizeof *r->labels);
		r->labels[r->nlabels++] = what;
		if (q == Q_DEAD || q == Q_FAIL) {
			add_item(r, what, DV_UNKNOWN, NULL, xasprintf(_("%s could not be read"), name),
				 NULL);
		} else if (!rec) {
			add_item(r, what, given ? DV_MISSING : DV_UNKNOWN, NULL,
				 given ? xasprintf(_("no DKIM key at %s: turn DKIM signing on in the "
						     "provider's control panel and publish the TXT "
						     "record it shows"), name)
				       : xasprintf(_("no DKIM key at %s, the selector the provider "
						     "usually uses; give yours with --selector"), name),
				 given ? xasprintf(_("%s TXT \"v=DKIM1; k=rsa; p=...\" (from your "
						     "provider)"), name) : NULL);
		} else {
			char *pk = tag_value(rec, "p"), *kt = tag_value(rec, "k");
			char type[16] = "?";
			int bits = pk && *pk ? key_bits(pk, kt && !strcasecmp(kt, "ed25519"), type,
							sizeof type) : 0;
			free(kt);
			char *shown = xstrdup(rec);
			if (!pk || !*pk)
				add_item(r, what, DV_WRONG, shown,
					 xstrdup(_("the key is empty (p=): it was revoked")), NULL);
			else if (!bits)
				add_item(r, what, DV_WRONG, shown,
					 xstrdup(_("the key (p=) cannot be read: check it was copied "
						   "whole")), NULL);
			else if (bits < DKIM_MIN_BITS && !strcmp(type, "RSA"))
				add_item(r, what, DV_WRONG, shown,
					 xasprintf(_("%s %d-bit key: too short; Gmail asks for at least "
						     "1024 bits (2048 recommended): make a new key"),
						   type, bits), NULL);
			else
				add_item(r, what, DV_OK, shown,
					 xasprintf(_("%s %d-bit key"), type, bits), NULL);
			free(pk);
		}
		strings_free(&txt);
		free(name);
	}
	strings_free(&sel);
}

static void check_dmarc(struct resolver *res, struct dns_report *r, const char *domain,
			const struct settings *s)
{
	char *name = xasprintf("_dmarc.%s", domain);
	struct strings txt = { 0 };
	enum qres q = ask(res, name, ns_t_txt, on_txt, &txt);
	const char *rec = NULL;
	size_t found = 0;
	for (size_t i = 0; i < txt.n; i++)
		if (!strncasecmp(txt.v[i], "v=DMARC1", 8)) {
			found++;
			if (!rec)
				rec = txt.v[i];
		}
	/* reports go to the contact address, else the sender's */
	const char *to = *settings_get(s, F_CONTACT_EMAIL) ? settings_get(s, F_CONTACT_EMAIL)
		: settings_get(s, F_SYSTEM_EMAIL);
	char *suggest = xasprintf("%s TXT \"v=DMARC1; p=none; rua=mailto:%s\"", name, to);
	if (q == Q_DEAD || q == Q_FAIL) {
		add_item(r, "DMARC", DV_UNKNOWN, NULL, xasprintf(_("%s could not be read"), name), NULL);
		free(suggest);
	} else if (!found) {
		add_item(r, "DMARC", DV_MISSING, NULL,
			 xasprintf(_("no DMARC record at %s: Gmail requires one of bulk senders"), name),
			 suggest);
	} else if (found > 1) {
		add_item(r, "DMARC", DV_WRONG, xstrdup(rec),
			 xasprintf(_("%zu DMARC records at %s; there must be exactly one"), found, name),
			 suggest);
	} else {
		char *pol = tag_value(rec, "p"), *rua = tag_value(rec, "rua");
		if (!pol || (strcasecmp(pol, "none") && strcasecmp(pol, "quarantine") &&
			     strcasecmp(pol, "reject")))
			add_item(r, "DMARC", DV_WRONG, xstrdup(rec),
				 xstrdup(_("the policy (p=none, quarantine or reject) is missing or "
					   "unknown")), suggest);
		else {
			add_item(r, "DMARC", DV_OK, xstrdup(rec),
				 !strcasecmp(pol, "none")
				 ? xasprintf(_("policy none: reports only%s (enough for Gmail's bulk "
					       "sender rule)"), rua ? "" : _(", and no rua= address gets them"))
				 : xasprintf(_("policy %s%s"), pol, rua ? "" : _(", no rua= for reports")),
				 NULL);
			free(suggest);
		}
		free(pol);
		free(rua);
	}
	strings_free(&txt);
	free(name);
}

int dns_check(const struct settings *s, const struct preset_list *pl,
	      const struct dns_opts *o, struct dns_report *r)
{
	memset(r, 0, sizeof *r);
	const char *from = settings_get(s, F_SYSTEM_EMAIL);
	const char *at = strrchr(from, '@');
	r->server = xstrdup(o->server ? o->server : _("the system's resolver"));
	if (!at || !at[1]) {
		r->domain = xstrdup("");
		r->status = EX_DATAERR;
		r->verdict = xstrdup(_("Set the system mail sender first: its domain is what is "
				       "checked."));
		return r->status;
	}
	r->domain = xstrdup(at + 1);
	struct resolver res;
	char *err = NULL;
	if (res_open(&res, o->server, o->timeout_ms, &err) < 0) {
		r->status = o->server ? EX_DATAERR : EX_UNAVAILABLE;
		r->verdict = err;
		return r->status;
	}

	/* provider: from the SMTP host, else from the MX hosts */
	const struct preset *p = presets_match_host(pl, settings_get(s, F_HOST));
	if (p)
		r->provider_why = xasprintf(_("the SMTP server %s"), settings_get(s, F_HOST));
	struct mxs m = { 0 };
	bool nxdomain = false;
	check_mx(&res, r, r->domain, &m, &nxdomain);
	for (size_t i = 0; i < m.n && !p; i++)
		if ((p = presets_match_mx(pl, m.v[i].host)) != NULL)
			r->provider_why = xasprintf(_("its mail server (MX) %s"), m.v[i].host);
	r->provider = p;
	r->offer_preset = p && !*settings_get(s, F_HOST);

	if (!nxdomain && !res.dead) {
		check_spf(&res, r, r->domain, s, p);
		check_dkim(&res, r, r->domain, o, p);
		check_dmarc(&res, r, r->domain, s);
	}
	for (size_t i = 0; i < m.n; i++)
		free(m.v[i].host);
	free(m.v);

	bool spf = false, dkim = false, dmarc = false, mx = false;
	for (size_t i = 0; i < r->n; i++) {
		const struct dns_item *it = &r->items[i];
		if (it->v != DV_OK)
			continue;
		spf |= !strcmp(it->what, "SPF");
		dkim |= !strncmp(it->what, "DKIM", 4);
		dmarc |= !strcmp(it->what, "DMARC");
		mx |= !strcmp(it->what, "MX");
	}
	r->required_met = spf || dkim;
	r->bulk_met = spf && dkim && dmarc;
	if (res.dead) {
		r->status = res.refused ? EX_UNAVAILABLE : EX_TEMPFAIL;
		r->verdict = xasprintf(_("The DNS server (%s) did not answer: nothing could be "
					 "checked. Try again, or name another server with --server."),
				       r->server);
	} else if (nxdomain) {
		r->status = EX_DATAERR;
		r->verdict = xasprintf(_("%s does not exist in DNS: mail from it will be refused."),
				       r->domain);
	} else if (!r->required_met || !mx) {
		r->status = EX_DATAERR;
		r->verdict = !r->required_met
			? xstrdup(_("Not ready: Gmail requires SPF or DKIM of every sender, and "
				    "neither is in order. Add the records shown above."))
			: xstrdup(_("Not ready: the domain has no MX record, so the system mail "
				    "sender cannot receive replies or bounces."));
	} else if (!r->bulk_met) {
		r->status = EX_OK;
		r->verdict = xstrdup(_("Ready for ordinary volumes (SPF or DKIM is in order). A shop "
				       "that sends 5,000 or more mails a day to Gmail also needs SPF, "
				       "DKIM and DMARC all in order."));
	} else {
		r->status = EX_OK;
		r->verdict = xstrdup(_("Ready: SPF, DKIM and DMARC are in order, as Gmail asks of "
				       "every sender, bulk senders included."));
	}
	res_nclose(&res.rs);
	return r->status;
}

static const char *verdict_word(enum dns_verdict v)
{
	switch (v) {
	case DV_OK:
		return _("OK");
	case DV_MISSING:
		return _("MISSING");
	case DV_WRONG:
		return _("WRONG");
	case DV_UNKNOWN:
		return _("CANNOT TELL");
	default:
		return "-";
	}
}

/* s, then blanks to fill cols display columns (Japanese takes two). */
static void pad(struct strbuf *sb, const char *s, int cols)
{
	sb_adds(sb, s);
	for (int w = utf8_width(s); w < cols; w++)
		sb_addc(sb, ' ');
}

char *dns_report_text(const struct dns_report *r)
{
	struct strbuf sb = { 0 };
	sb_addf(&sb, _("DNS check of %s (asked: %s)\n\n"), r->domain, r->server);
	for (size_t i = 0; i < r->n; i++) {
		const struct dns_item *it = &r->items[i];
		/* a DKIM key is hundreds of characters: its start says enough */
		char *shown = strlen(it->detail) > 90 ? xasprintf("%.80s\xE2\x80\xA6", it->detail)
			: xstrdup(it->detail);
		pad(&sb, it->what, 15);
		pad(&sb, verdict_word(it->v), 13);
		sb_addf(&sb, "%s\n", *shown ? shown : it->reason);
		free(shown);
		if (*it->detail && *it->reason)
			sb_addf(&sb, "%28s%s\n", "", it->reason);
		if (it->suggest)
			sb_addf(&sb, "%28s%s %s\n", "", _("add:"), it->suggest);
	}
	if (r->provider)
		sb_addf(&sb, _("\nProvider: this looks like %s (from %s).\n"),
			preset_name(r->provider), r->provider_why);
	if (r->provider && r->offer_preset)
		sb_addf(&sb, _("The SMTP settings are empty: the preset %s fills them in ('mailset "
			       "preset %s', or F3 in the editor).\n"),
			preset_name(r->provider), r->provider->id);
	sb_addf(&sb, "\n%s\n", r->verdict ? r->verdict : "");
	return sb_steal(&sb);
}

void dns_report_free(struct dns_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->items[i].detail);
		free(r->items[i].reason);
		free(r->items[i].suggest);
	}
	for (size_t i = 0; i < r->nlabels; i++)
		free(r->labels[i]);
	free(r->labels);
	free(r->items);
	free(r->domain);
	free(r->server);
	free(r->provider_why);
	free(r->verdict);
	memset(r, 0, sizeof *r);
}
