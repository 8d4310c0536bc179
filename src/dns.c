/* SPDX-License-Identifier: MIT */
/* dns.c - MX, SPF, reverse DNS, DKIM and DMARC of the sending domain,
 * judged against the Gmail sender guidelines. Questions go through the
 * resolver (resolver.h): the independent ones are queued first, so that a
 * check costs a few round trips; a question that fails spoils only what
 * depends on it. */
#include "mailset/dns.h"

#include <arpa/inet.h>
#include <libpsl.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

#include "mailset/i18n.h"
#include "mailset/resolver.h"
#include "mailset/spf.h"
#include "mailset/transcript.h"
#include "mailset/util.h"

#define DKIM_MIN_BITS 1024
#define ADDRS_MAX 4         /* SMTP server addresses evaluated */

/* The SMTP server's addresses: the literal, or its A and AAAA records. */
struct smtp_addrs {
	struct dnsr_addr v[ADDRS_MAX];
	size_t n;
	enum dnsr_status st;     /* of the lookup (DR_OK for a literal) */
};

static const char *dns_error(enum dnsr_status st)
{
	switch (st) {
	case DR_REFUSED:
		return _("the DNS server refused the question");
	case DR_SERVFAIL:
		return _("the DNS server could not answer (SERVFAIL)");
	case DR_TIMEOUT:
		return _("no answer in time");
	case DR_UNREACHABLE:
		return _("nothing listens at the DNS server");
	default:
		return _("the answer could not be read");
	}
}

/* s (NULL: "") made safe to show, as a new string */
#define DNS_TEXT_MAX 8192 /* characters of one text shown */

static char *show(const char *s)
{
	return s ? transcript_safe(s, strlen(s), DNS_TEXT_MAX) : xstrdup("");
}

/* the same, s given over */
static char *safe_text(char *s)
{
	char *t = show(s);
	free(s);
	return t;
}

static struct dns_item *add_item(struct dns_report *r, const char *what, enum dns_verdict v,
				 char *detail, char *reason, char *suggest)
{
	/* Record texts are anyone's bytes: no control character, line
	 * separator or bidi override reaches a terminal or a report raw. */
	detail = safe_text(detail);
	reason = safe_text(reason);
	suggest = suggest ? safe_text(suggest) : NULL;
	r->items = xrealloc(r->items, (r->n + 1) * sizeof *r->items);
	r->items[r->n] = (struct dns_item){ what, v, detail, reason, suggest };
	return &r->items[r->n++];
}


static const char *smtp_host_name(const struct settings *s)
{
	return settings_get(s, F_HOST);
}

static bool literal(const char *host, struct dnsr_addr *a)
{
	if (inet_pton(AF_INET, host, a->b) == 1) {
		a->family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, host, a->b) == 1) {
		a->family = AF_INET6;
		return true;
	}
	return false;
}

static void want_smtp_addrs(struct dnsr *res, const char *host)
{
	struct dnsr_addr a;
	if (*host && !literal(host, &a)) {
		dnsr_want(res, host, DNSR_A);
		dnsr_want(res, host, DNSR_AAAA);
	}
}

static void get_smtp_addrs(struct dnsr *res, const char *host, struct smtp_addrs *out)
{
	memset(out, 0, sizeof *out);
	out->st = DR_OK;
	if (!*host)
		return;
	if (literal(host, &out->v[0])) {
		out->n = 1;
		return;
	}
	const struct dnsr_answer *a4 = dnsr_get(res, host, DNSR_A);
	const struct dnsr_answer *a6 = dnsr_get(res, host, DNSR_AAAA);
	const struct dnsr_answer *both[] = { a4, a6 };
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; both[k]->status == DR_OK && i < both[k]->n && out->n < ADDRS_MAX; i++)
			out->v[out->n++] = both[k]->rr[i].addr;
	out->st = out->n ? DR_OK : dnsr_failed(a4->status) ? a4->status : dnsr_failed(a6->status)
		? a6->status : a4->status;
}

/* ------------------------------------------------------------------- MX */

static int by_pref(const void *a, const void *b)
{
	const struct dnsr_rr *x = a, *y = b;
	return x->pref - y->pref;
}

/* Returns the answer (sorted copy in *sorted, caller frees the array). */
static void check_mx(struct dnsr *res, struct dns_report *r, const char *domain,
		     struct dnsr_rr **sorted, size_t *nmx, bool *nxdomain)
{
	const struct dnsr_answer *a = dnsr_get(res, domain, DNSR_MX);
	*sorted = NULL;
	*nmx = 0;
	if (a->status == DR_NXDOMAIN) {
		*nxdomain = true;
		add_item(r, "MX", DV_MISSING, NULL,
			 xasprintf(_("the domain %s does not exist in DNS: check the system mail "
				     "sender address"), domain), NULL);
		return;
	}
	if (dnsr_failed(a->status)) {
		add_item(r, "MX", DV_UNKNOWN, NULL,
			 xasprintf(_("the MX records could not be read: %s"), dns_error(a->status)),
			 NULL);
		return;
	}
	if (a->status != DR_OK) {
		add_item(r, "MX", DV_MISSING, NULL,
			 xasprintf(_("no MX record: mail to %s (replies, bounces) cannot arrive; the "
				     "system mail sender must be a real mailbox"), domain),
			 xstrdup(_("the MX records your mail provider gives you")));
		return;
	}
	*sorted = xcalloc(a->n, sizeof **sorted);
	memcpy(*sorted, a->rr, a->n * sizeof **sorted);
	*nmx = a->n;
	qsort(*sorted, a->n, sizeof **sorted, by_pref);
	struct strbuf sb = { 0 };
	for (size_t i = 0; i < a->n; i++)
		sb_addf(&sb, "%s%d %s", i ? ", " : "", (*sorted)[i].pref, (*sorted)[i].text);
	add_item(r, "MX", DV_OK, sb_steal(&sb), xstrdup(_("mail to the domain can arrive")), NULL);
}

/* ------------------------------------------------------------------ SPF */

/* The term that authorises the SMTP server: the provider's include, else
 * the address or the name. */
static char *spf_term(const struct settings *s, const struct preset *p)
{
	const char *host = smtp_host_name(s);
	struct dnsr_addr a;
	if (p && p->spf_include)
		return xasprintf("include:%s", p->spf_include);
	if (literal(host, &a))
		return xasprintf(a.family == AF_INET ? "ip4:%s" : "ip6:%s", host);
	return *host ? xasprintf("a:%s", host) : xstrdup("mx");
}

static bool is_spf(const char *t)
{
	return !strncasecmp(t, "v=spf1", 6) && (t[6] == ' ' || !t[6]);
}

static bool is_all(const char *term, size_t n)
{
	if (n && strchr("+-~?", term[0]))
		term++, n--;
	return n == 3 && !strncasecmp(term, "all", 3);
}

/* One record made of recs[0..n): their terms in order, each once, add
 * among them unless it is there, then the first record's "all" (else its
 * redirect=, else "~all") and exp=. Nothing of any record is lost. */
static char *spf_merge(const char *const *recs, size_t n, const char *add)
{
	struct strbuf out = { 0 };
	char *all = NULL, *redirect = NULL, *exp = NULL;
	char *seen = xstrdup(" ");
	bool have_add = false;
	sb_adds(&out, "v=spf1");
	for (size_t i = 0; i < n; i++) {
		for (const char *p = recs[i] + 6; *p;) {
			p += strspn(p, " ");
			size_t k = strcspn(p, " ");
			if (!k)
				break;
			char *t = xstrndup(p, k);
			char *key = xasprintf(" %s ", t);
			p += k;
			if (is_all(t, k) || !strncasecmp(t, "redirect=", 9) || !strncasecmp(t, "exp=", 4)) {
				char **slot = is_all(t, k) ? &all : t[0] == 'r' || t[0] == 'R' ? &redirect
					: &exp;
				if (!*slot) {
					*slot = t;
					t = NULL;
				}
			} else if (!strcasestr(seen, key)) {
				char *more = xasprintf("%s%s ", seen, t);
				free(seen);
				seen = more;
				sb_addf(&out, " %s", t);
				have_add |= add && !strcasecmp(t, add);
			}
			free(key);
			free(t);
		}
	}
	if (add && !have_add)
		sb_addf(&out, " %s", add);
	sb_addf(&out, " %s", all ? all : redirect ? redirect : "~all");
	if (exp)
		sb_addf(&out, " %s", exp);
	free(all);
	free(redirect);
	free(exp);
	free(seen);
	return sb_steal(&out);
}

static void check_spf(struct dnsr *res, struct dns_report *r, const char *domain,
		      const struct settings *s, const struct preset *p,
		      const struct smtp_addrs *sa)
{
	const char *host = smtp_host_name(s);
	const struct dnsr_answer *txt = dnsr_get(res, domain, DNSR_TXT);
	if (dnsr_failed(txt->status)) {
		add_item(r, "SPF", DV_UNKNOWN, NULL,
			 xasprintf(_("the TXT records of %s could not be read: %s"), domain,
				   dns_error(txt->status)), NULL);
		return;
	}
	const char *recs[8];
	size_t nrec = 0;
	for (size_t i = 0; txt->status == DR_OK && i < txt->n && nrec < 8; i++)
		if (is_spf(txt->rr[i].text))
			recs[nrec++] = txt->rr[i].text;
	char *term = spf_term(s, p);
	if (!nrec) {
		char *one = spf_merge(NULL, 0, term);
		add_item(r, "SPF", DV_MISSING, NULL,
			 xasprintf(_("no SPF record (TXT \"v=spf1 ...\") at %s"), domain),
			 xasprintf("%s TXT \"%s\"", domain, one));
		free(one);
		free(term);
		return;
	}
	if (nrec > 1) {
		/* one record holding both records' terms: nothing of either lost */
		char *one = spf_merge(recs, nrec, term);
		struct strbuf sb = { 0 };
		for (size_t i = 0; i < nrec; i++)
			sb_addf(&sb, "%s\"%s\"", i ? " + " : "", recs[i]);
		add_item(r, "SPF", DV_WRONG, sb_steal(&sb),
			 xasprintf(_("%zu SPF records at %s: receivers treat that as an error "
				     "(permerror). Replace them with one record"), nrec, domain),
			 xasprintf("%s TXT \"%s\"", domain, one));
		free(one);
		free(term);
		return;
	}
	char *rec = xstrdup(recs[0]);
	if (!sa->n) {
		add_item(r, "SPF", DV_UNKNOWN, rec,
			 !*host ? xstrdup(_("no SMTP server is set, so whether the record authorises "
					    "it cannot be told"))
			 : dnsr_failed(sa->st)
			 ? xasprintf(_("the addresses of the SMTP server %s could not be read (%s), so "
				       "whether the record authorises it cannot be told"), host,
				     dns_error(sa->st))
			 : xasprintf(_("the SMTP server %s has no address in DNS, so whether the "
				       "record authorises it cannot be told"), host), NULL);
		free(term);
		return;
	}
	/* Every address the SMTP server may send from: the first that does
	 * not pass decides. */
	char ipt[64];
	struct spf_outcome o = { 0 };
	enum spf_result v = SPF_PASS;
	for (size_t i = 0; i < sa->n && v == SPF_PASS; i++) {
		spf_outcome_free(&o);
		struct spf_query q = { .ip = sa->v[i], .sender = settings_get(s, F_SYSTEM_EMAIL),
				       .helo = *host ? host : domain, .domain = domain };
		v = spf_check_host(res, &q, &o);
		dnsr_addr_text(&sa->v[i], ipt, sizeof ipt);
	}
	switch (v) {
	case SPF_PASS:
		add_item(r, "SPF", DV_OK, rec,
			 xasprintf(_("it authorises the SMTP server %s (%s): pass"), host, ipt), NULL);
		break;
	case SPF_FAIL:
	case SPF_SOFTFAIL:
	case SPF_NEUTRAL: {
		char *one = spf_merge(recs, 1, term);
		bool changed = strcasecmp(one, rec) != 0;
		add_item(r, "SPF", DV_WRONG, rec,
			 xasprintf(_("it does not authorise the SMTP server %s (%s): the result is "
				     "%s (%s); mail sent through it fails SPF"), host, ipt,
				   spf_result_name(v), o.reason),
			 changed ? xasprintf("%s TXT \"%s\"", domain, one) : NULL);
		free(one);
		break;
	}
	case SPF_PERMERROR:
		add_item(r, "SPF", DV_WRONG, rec,
			 xasprintf(_("the record is broken (permerror), so receivers ignore it: %s"),
				   o.reason), NULL);
		break;
	case SPF_TEMPERROR:
		add_item(r, "SPF", DV_UNKNOWN, rec,
			 xasprintf(_("a DNS question failed while it was evaluated (temperror): %s"),
				   o.reason), NULL);
		break;
	default:
		add_item(r, "SPF", DV_WRONG, rec, xstrdup(o.reason), NULL);
		break;
	}
	spf_outcome_free(&o);
	free(term);
}

/* ---------------------------------------------------------- reverse DNS */

/* Gmail: the sending IP needs a PTR record whose name resolves back to it. */
static void check_ptr(struct dnsr *res, struct dns_report *r, const struct smtp_addrs *sa)
{
	if (!sa->n)
		return;
	for (size_t i = 0; i < sa->n; i++) {
		char *rev = dnsr_reverse_name(&sa->v[i]);
		dnsr_want(res, rev, DNSR_PTR);
		free(rev);
	}
	for (size_t i = 0; i < sa->n; i++) {
		char ipt[64];
		dnsr_addr_text(&sa->v[i], ipt, sizeof ipt);
		char *rev = dnsr_reverse_name(&sa->v[i]);
		const struct dnsr_answer *a = dnsr_get(res, rev, DNSR_PTR);
		free(rev);
		if (dnsr_failed(a->status)) {
			add_item(r, "PTR", DV_UNKNOWN, xstrdup(ipt),
				 xasprintf(_("the reverse DNS of %s could not be read: %s"), ipt,
					   dns_error(a->status)), NULL);
			continue;
		}
		if (a->status != DR_OK) {
			add_item(r, "PTR", DV_WRONG, xstrdup(ipt),
				 xasprintf(_("%s has no reverse DNS (PTR) record: Gmail refuses mail from "
					     "such addresses. Only the owner of the address (the mail "
					     "provider) can add it: ask them"), ipt), NULL);
			continue;
		}
		int type = sa->v[i].family == AF_INET ? DNSR_A : DNSR_AAAA;
		size_t n = a->n < 10 ? a->n : 10;
		for (size_t j = 0; j < n; j++)
			dnsr_want(res, a->rr[j].text, type);
		const char *back = NULL;
		for (size_t j = 0; j < n && !back; j++) {
			const struct dnsr_answer *f = dnsr_get(res, a->rr[j].text, type);
			for (size_t k = 0; f->status == DR_OK && k < f->n && !back; k++)
				if (!memcmp(f->rr[k].addr.b, sa->v[i].b,
					    sa->v[i].family == AF_INET ? 4 : 16))
					back = a->rr[j].text;
		}
		if (back)
			add_item(r, "PTR", DV_OK, xasprintf("%s -> %s", ipt, back),
				 xasprintf(_("%s resolves back to %s, as Gmail asks of every sender"), back,
					   ipt), NULL);
		else
			add_item(r, "PTR", DV_WRONG, xasprintf("%s -> %s", ipt, a->rr[0].text),
				 xasprintf(_("the reverse name %s does not resolve back to %s: Gmail "
					     "asks for forward-confirmed reverse DNS. Ask the mail "
					     "provider"), a->rr[0].text, ipt), NULL);
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


/* -------------------------------------------------------------- options */

void dns_opts_from_settings(struct dns_opts *o, const struct settings *s)
{
	static const char seps[] = ", ";
	const char *server = settings_get(s, F_DNS_SERVER);
	const char *list = settings_get(s, F_DNS_SELECTORS);
	memset(o, 0, sizeof *o);
	o->server = *server ? server : NULL;
	/* One block: the pointers, then a copy of the list they point into. */
	size_t n = 0;
	for (const char *p = list + strspn(list, seps); *p; p += strspn(p, seps)) {
		n++;
		p += strcspn(p, seps);
	}
	const char **v = xmalloc(n * sizeof *v + strlen(list) + 1);
	char *copy = strcpy((char *)(v + n), list), *save = NULL;
	n = 0;
	for (char *t = strtok_r(copy, seps, &save); t; t = strtok_r(NULL, seps, &save))
		v[n++] = t;
	o->selectors = v;
	o->nselectors = n;
	o->storage = v;
}

void dns_opts_free(struct dns_opts *o)
{
	free(o->storage);
	o->storage = NULL;
	o->selectors = NULL;
	o->nselectors = 0;
}

/* ----------------------------------------------------------------- DKIM */

/* The selectors to look at: the user's, else the provider's. */
static size_t dkim_selectors(const struct dns_opts *o, const struct preset *p, char ***out)
{
	char **v = NULL;
	size_t n = 0;
	for (size_t i = 0; i < o->nselectors; i++) {
		v = xgrow(v, n, sizeof *v);
		v[n++] = xstrdup(o->selectors[i]);
	}
	if (!n && p && p->dkim_selectors) {
		char *copy = xstrdup(p->dkim_selectors), *save = NULL;
		for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
			v = xgrow(v, n, sizeof *v);
			v[n++] = xstrdup(t);
		}
		free(copy);
	}
	*out = v;
	return n;
}

/* True when the colon-separated list holds item (ASCII case aside). */
static bool list_has(const char *list, const char *item)
{
	size_t k = strlen(item);
	for (const char *p = list; *p;) {
		p += strspn(p, ": \t");
		size_t n = strcspn(p, ": \t");
		if (n == k && !strncasecmp(p, item, k))
			return true;
		p += n;
	}
	return false;
}

/* RFC 6376 3.6.1 tags of a key record: a problem (new, translated), or
 * NULL. */
static char *dkim_tag_problem(const char *rec)
{
	char *v = tag_value(rec, "v"), *k = tag_value(rec, "k"), *h = tag_value(rec, "h");
	char *sv = tag_value(rec, "s"), *t = tag_value(rec, "t");
	char *why = NULL;
	if (v && strcmp(v, "DKIM1"))
		why = xasprintf(_("v=%s: a key record says v=DKIM1 or nothing"), v);
	else if (k && strcasecmp(k, "rsa") && strcasecmp(k, "ed25519"))
		why = xasprintf(_("k=%s: an unknown key type (rsa or ed25519)"), k);
	else if (h && !list_has(h, "sha256"))
		why = xasprintf(_("h=%s: the key may only sign with SHA-1, which receivers no longer "
				  "accept (RFC 8301): remove h= or make it h=sha256"), h);
	else if (sv && !list_has(sv, "*") && !list_has(sv, "email"))
		why = xasprintf(_("s=%s: the key is not for email: remove s= or make it s=email"),
				sv);
	else if (t && list_has(t, "y"))
		why = xstrdup(_("t=y: the key is in testing mode, and receivers treat signed mail "
				"as unsigned: remove t=y once signing works"));
	free(v);
	free(k);
	free(h);
	free(sv);
	free(t);
	return why;
}

static void check_dkim(struct dnsr *res, struct dns_report *r, const char *domain,
		       const struct dns_opts *o, const struct preset *p)
{
	char **sel;
	size_t nsel = dkim_selectors(o, p, &sel);
	bool given = o->nselectors > 0;
	if (!nsel) {
		if (p && p->dkim && !strcasecmp(p->dkim, "not-needed"))
			add_item(r, "DKIM", DV_INFO, NULL,
				 xasprintf(_("not needed with %s (the admin guide): SPF must be in "
					     "order"), preset_name(p)), NULL);
		else
			add_item(r, "DKIM", DV_UNKNOWN, NULL,
				 xstrdup(o->in_editor
					 ? _("no selector to look at: enter the one your provider uses "
					     "in the DKIM selectors field (the record is at "
					     "SELECTOR._domainkey)")
					 : _("no selector to look at: give the one your provider uses "
					     "with --selector (the record is at SELECTOR._domainkey)")),
				 NULL);
		return;
	}
	for (size_t i = 0; i < nsel; i++) {
		char *name = xasprintf("%s._domainkey.%s", sel[i], domain);
		const struct dnsr_answer *a = dnsr_get(res, name, DNSR_TXT);
		const char *rec = NULL;
		for (size_t j = 0; a->status == DR_OK && j < a->n && !rec; j++)
			if (strcasestr(a->rr[j].text, "v=DKIM1") || strstr(a->rr[j].text, "p="))
				rec = a->rr[j].text;
		/* the item's name lives as long as the report */
		char *what = xasprintf("DKIM %s", sel[i]);
		r->labels = xgrow(r->labels, r->nlabels, sizeof *r->labels);
		r->labels[r->nlabels++] = what;
		if (dnsr_failed(a->status)) {
			add_item(r, what, DV_UNKNOWN, NULL,
				 xasprintf(_("%s could not be read: %s"), name, dns_error(a->status)),
				 NULL);
		} else if (!rec) {
			add_item(r, what, given ? DV_MISSING : DV_UNKNOWN, NULL,
				 given ? xasprintf(_("no DKIM key at %s: turn DKIM signing on in the "
						     "provider's control panel and publish the TXT "
						     "record it shows"), name)
				 : xasprintf(o->in_editor
					     ? _("no DKIM key at %s, the selector the provider usually "
						 "uses; enter yours in the DKIM selectors field")
					     : _("no DKIM key at %s, the selector the provider usually "
						 "uses; give yours with --selector"), name),
				 given ? xasprintf(_("%s TXT \"v=DKIM1; k=rsa; p=...\" (from your "
						     "provider)"), name) : NULL);
		} else {
			char *pk = tag_value(rec, "p"), *kt = tag_value(rec, "k");
			char type[16] = "?";
			int bits = pk && *pk ? key_bits(pk, kt && !strcasecmp(kt, "ed25519"), type,
							sizeof type) : 0;
			free(kt);
			char *shown = xstrdup(rec);
			char *tags = dkim_tag_problem(rec);
			if (!pk || !*pk)
				add_item(r, what, DV_WRONG, shown,
					 xstrdup(_("the key is empty (p=): it was revoked")), NULL);
			else if (tags)
				add_item(r, what, DV_WRONG, shown, xstrdup(tags), NULL);
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
			free(tags);
			free(pk);
		}
		free(name);
		free(sel[i]);
	}
	free(sel);
}

/* ---------------------------------------------------------------- DMARC */

/* The organisational domain (RFC 7489 3.2): the registrable domain by the
 * Public Suffix List (Debian's publicsuffix data, else libpsl's own). */
static char *org_domain(const char *domain)
{
	psl_ctx_t *psl = psl_latest(NULL);
	const psl_ctx_t *use = psl ? psl : psl_builtin();
	const char *reg = use ? psl_registrable_domain(use, domain) : NULL;
	char *org = xstrdup(reg ? reg : domain);
	if (psl)
		psl_free(psl);
	return org;
}

/* The one "v=DMARC1" record at name: NULL with *count (0, or 2+ when
 * several: RFC 7489 6.6.3 then treats it as none). */
static const char *dmarc_record(const struct dnsr_answer *a, size_t *count)
{
	const char *rec = NULL;
	*count = 0;
	for (size_t i = 0; a->status == DR_OK && i < a->n; i++)
		if (!strncmp(a->rr[i].text, "v=DMARC1", 8) &&
		    (a->rr[i].text[8] == ';' || a->rr[i].text[8] == ' ' || !a->rr[i].text[8])) {
			rec = a->rr[i].text;
			(*count)++;
		}
	return *count == 1 ? rec : NULL;
}

static bool policy_word(const char *p)
{
	return p && (!strcasecmp(p, "none") || !strcasecmp(p, "quarantine") ||
		     !strcasecmp(p, "reject"));
}

/* rua=/ruf=: comma-separated mailto: URIs, each with an '@'. */
static bool uris_ok(const char *v)
{
	for (const char *p = v; *p;) {
		p += strspn(p, " ,");
		size_t n = strcspn(p, ",");
		if (!n)
			break;
		if (n < 8 || strncasecmp(p, "mailto:", 7) || !memchr(p + 7, '@', n - 7))
			return false;
		p += n;
	}
	return true;
}

/* A problem of the record's tags (new, translated), or NULL. */
static char *dmarc_problem(const char *rec)
{
	char *p = tag_value(rec, "p"), *sp = tag_value(rec, "sp"), *pct = tag_value(rec, "pct");
	char *rua = tag_value(rec, "rua"), *ruf = tag_value(rec, "ruf");
	char *adkim = tag_value(rec, "adkim"), *aspf = tag_value(rec, "aspf");
	char *why = NULL;
	char *end = NULL;
	long pv = pct ? strtol(pct, &end, 10) : 100;
	if (!policy_word(p))
		why = xstrdup(_("the policy (p=none, quarantine or reject) is missing or unknown"));
	else if (sp && !policy_word(sp))
		why = xasprintf(_("sp=%s: the subdomain policy is none, quarantine or reject"), sp);
	else if (pct && (!*pct || *end || pv < 0 || pv > 100))
		why = xasprintf(_("pct=%s: a whole number from 0 to 100"), pct);
	else if (rua && !uris_ok(rua))
		why = xasprintf(_("rua=%s: reports go to mailto: addresses, e.g. "
				  "rua=mailto:dmarc@example.com"), rua);
	else if (ruf && !uris_ok(ruf))
		why = xasprintf(_("ruf=%s: reports go to mailto: addresses"), ruf);
	else if ((adkim && strcasecmp(adkim, "r") && strcasecmp(adkim, "s")) ||
		 (aspf && strcasecmp(aspf, "r") && strcasecmp(aspf, "s")))
		why = xstrdup(_("adkim= and aspf= take r (relaxed) or s (strict)"));
	free(p);
	free(sp);
	free(pct);
	free(rua);
	free(ruf);
	free(adkim);
	free(aspf);
	return why;
}

/* DMARC alignment (RFC 7489 3.1): the envelope sender and the From address
 * are both the system email, so SPF aligns even under aspf=s; DKIM aligns
 * when the provider signs as the domain whose keys the check looked at. */
static void add_alignment(struct dns_item *it, const char *domain)
{
	char *more = xasprintf(_("%s; aligned: the envelope sender (SPF) and From are both at "
				 "%s, and DKIM aligns when signed with d=%s"), it->reason, domain,
			       domain);
	free(it->reason);
	it->reason = more;
}

static void check_dmarc(struct dnsr *res, struct dns_report *r, const char *domain,
			const char *org, const struct settings *s)
{
	char *name = xasprintf("_dmarc.%s", domain);
	char *oname = xasprintf("_dmarc.%s", org);
	const struct dnsr_answer *a = dnsr_get(res, name, DNSR_TXT);
	size_t count;
	const char *rec = dmarc_record(a, &count);
	bool sub = strcasecmp(domain, org) != 0;
	/* reports go to the contact address, else the sender's */
	const char *to = *settings_get(s, F_CONTACT_EMAIL) ? settings_get(s, F_CONTACT_EMAIL)
		: settings_get(s, F_SYSTEM_EMAIL);
	if (dnsr_failed(a->status)) {
		add_item(r, "DMARC", DV_UNKNOWN, NULL,
			 xasprintf(_("%s could not be read: %s"), name, dns_error(a->status)), NULL);
		goto out;
	}
	if (count > 1) {
		add_item(r, "DMARC", DV_WRONG, NULL,
			 xasprintf(_("%zu DMARC records at %s: receivers ignore them all; keep "
				     "one"), count, name), NULL);
		goto out;
	}
	if (rec) {
		char *why = dmarc_problem(rec);
		char *pol = tag_value(rec, "p"), *rua = tag_value(rec, "rua");
		if (why) {
			add_item(r, "DMARC", DV_WRONG, xstrdup(rec), why, NULL);
		} else {
			add_alignment(add_item(r, "DMARC", DV_OK, xstrdup(rec),
				 !strcasecmp(pol, "none")
				 ? xasprintf(_("policy none: reports only%s (enough for Gmail's bulk "
					       "sender rule)"), rua ? "" : _(", and no rua= address gets them"))
				 : xasprintf(_("policy %s%s"), pol, rua ? "" : _(", no rua= for reports")),
				 NULL), domain);
		}
		free(pol);
		free(rua);
		goto out;
	}
	/* RFC 7489 6.6.3: none at the domain itself, so the organisational
	 * domain's applies, with its sp= for subdomains. */
	if (sub) {
		const struct dnsr_answer *oa = dnsr_get(res, oname, DNSR_TXT);
		size_t ocount;
		const char *orec = dmarc_record(oa, &ocount);
		if (dnsr_failed(oa->status)) {
			add_item(r, "DMARC", DV_UNKNOWN, NULL,
				 xasprintf(_("no DMARC record at %s, and %s, whose policy would apply, could not be "
					     "read: %s"), name, oname, dns_error(oa->status)), NULL);
			goto out;
		}
		if (orec) {
			char *why = dmarc_problem(orec);
			char *sp = tag_value(orec, "sp"), *pol = tag_value(orec, "p");
			if (why)
				add_item(r, "DMARC", DV_WRONG, xstrdup(orec),
					 xasprintf(_("the policy of %s applies to %s, and it is broken: "
						     "%s"), oname, domain, why), NULL);
			else
				add_alignment(add_item(r, "DMARC", DV_OK, xstrdup(orec),
					 sp ? xasprintf(_("no DMARC record at %s itself: the organisational domain's "
							  "policy applies, sp=%s (p=%s at %s)"), name,
							sp, pol, org)
					 : xasprintf(_("no DMARC record at %s itself: the organisational domain's "
						       "policy applies, p=%s (from %s)"), name, pol, org),
					 NULL), domain);
			free(why);
			free(sp);
			free(pol);
			goto out;
		}
	}
	/* nothing applies: the weakest record is no weaker than nothing */
	add_item(r, "DMARC", DV_MISSING, NULL,
		 sub ? xasprintf(_("no DMARC record at %s nor at its organisational domain %s: "
				   "Gmail requires one from bulk senders"), name, oname)
		 : xasprintf(_("no DMARC record at %s: Gmail requires one from bulk senders"), name),
		 xasprintf("%s TXT \"v=DMARC1; p=none; rua=mailto:%s\"", sub ? oname : name, to));
out:
	free(name);
	free(oname);
}

/* ---------------------------------------------- the provider's own records */

static void check_provider_records(struct dnsr *res, struct dns_report *r, const char *domain,
				   const struct preset *p)
{
	if (!p || !p->dns_a_records)
		return;
	char *copy = xstrdup(p->dns_a_records), *save = NULL;
	for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		char *name = xasprintf("%s.%s", t, domain);
		const struct dnsr_answer *a = dnsr_get(res, name, DNSR_A);
		char *what = xasprintf("A %s", t);
		r->labels = xgrow(r->labels, r->nlabels, sizeof *r->labels);
		r->labels[r->nlabels++] = what;
		if (dnsr_failed(a->status)) {
			add_item(r, what, DV_UNKNOWN, NULL,
				 xasprintf(_("%s could not be read: %s"), name, dns_error(a->status)),
				 NULL);
		} else if (a->status != DR_OK) {
			add_item(r, what, DV_MISSING, NULL,
				 xasprintf(_("no A record for %s: %s needs it (the admin guide)"), name,
					   preset_name(p)),
				 xasprintf(_("%s A (the address %s gives you)"), name, preset_name(p)));
		} else {
			char ipt[64];
			add_item(r, what, DV_OK, xstrdup(dnsr_addr_text(&a->rr[0].addr, ipt,
									 sizeof ipt)),
				 xasprintf(_("%s needs it (the admin guide)"), preset_name(p)), NULL);
		}
		free(name);
	}
	free(copy);
}

/* ------------------------------------------------------------------ check */

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
	char *err = NULL;
	struct dnsr *res = dnsr_open(o->server, o->timeout_ms, &err);
	if (!res) {
		r->status = o->server ? EX_DATAERR : EX_UNAVAILABLE;
		r->verdict = err;
		return r->status;
	}
	const char *domain = r->domain, *host = smtp_host_name(s);
	char *org = org_domain(domain);

	/* the questions that depend on nothing, all at once */
	const struct preset *p = presets_match_host(pl, host);
	dnsr_want(res, domain, DNSR_MX);
	dnsr_want(res, domain, DNSR_TXT);
	char *dm = xasprintf("_dmarc.%s", domain), *odm = xasprintf("_dmarc.%s", org);
	dnsr_want(res, dm, DNSR_TXT);
	if (strcasecmp(dm, odm))
		dnsr_want(res, odm, DNSR_TXT);
	want_smtp_addrs(res, host);
	char **sel;
	size_t nsel = dkim_selectors(o, p, &sel);
	for (size_t i = 0; i < nsel; i++) {
		char *name = xasprintf("%s._domainkey.%s", sel[i], domain);
		dnsr_want(res, name, DNSR_TXT);
		free(name);
		free(sel[i]);
	}
	free(sel);
	free(dm);
	free(odm);

	/* provider: from the SMTP host, else from the MX hosts */
	if (p)
		r->provider_why = xasprintf(_("the SMTP server %s"), host);
	struct dnsr_rr *mx;
	size_t nmx;
	bool nxdomain = false;
	check_mx(res, r, domain, &mx, &nmx, &nxdomain);
	for (size_t i = 0; i < nmx && !p; i++)
		if ((p = presets_match_mx(pl, mx[i].text)) != NULL)
			r->provider_why = xasprintf(_("its mail server (MX) %s"), mx[i].text);
	free(mx);
	r->provider = p;
	r->offer_preset = p && !*host;

	/* A server that answers nothing: say so once, not per record. */
	const struct dnsr_answer *first = dnsr_get(res, domain, DNSR_MX);
	bool dead = first->status == DR_TIMEOUT || first->status == DR_UNREACHABLE;
	if (dead) {
		const struct dnsr_answer *txt = dnsr_get(res, domain, DNSR_TXT);
		dead = txt->status == DR_TIMEOUT || txt->status == DR_UNREACHABLE;
	}
	if (!nxdomain && !dead) {
		struct smtp_addrs sa;
		get_smtp_addrs(res, host, &sa);
		check_spf(res, r, domain, s, p, &sa);
		check_ptr(res, r, &sa);
		check_dkim(res, r, domain, o, p);
		check_dmarc(res, r, domain, org, s);
		check_provider_records(res, r, domain, p);
	}
	free(org);
	r->questions = dnsr_questions(res);
	r->round_trips = dnsr_round_trips(res);

	bool spf = false, dkim = false, dmarc = false, mx_ok = false, ptr_bad = false,
	     unknown = false;
	for (size_t i = 0; i < r->n; i++) {
		const struct dns_item *it = &r->items[i];
		bool is_spf_item = !strcmp(it->what, "SPF"), is_dkim = !strncmp(it->what, "DKIM", 4);
		if (it->v == DV_UNKNOWN && (is_spf_item || is_dkim || !strcmp(it->what, "MX")))
			unknown = true;
		ptr_bad |= !strcmp(it->what, "PTR") && it->v == DV_WRONG;
		if (it->v != DV_OK)
			continue;
		spf |= is_spf_item;
		dkim |= is_dkim;
		dmarc |= !strcmp(it->what, "DMARC");
		mx_ok |= !strcmp(it->what, "MX");
	}
	r->required_met = (spf || dkim) && !ptr_bad;
	r->bulk_met = spf && dkim && dmarc && !ptr_bad;
	if (dead) {
		r->status = first->status == DR_UNREACHABLE ? EX_UNAVAILABLE : EX_TEMPFAIL;
		r->verdict = xasprintf(o->in_editor
				       ? _("The DNS server (%s) did not answer: nothing could be "
					   "checked. Try again, or enter another server in the DNS "
					   "server field.")
				       : _("The DNS server (%s) did not answer: nothing could be "
					   "checked. Try again, or name another server with --server."),
				       r->server);
	} else if (nxdomain) {
		r->status = EX_DATAERR;
		r->verdict = xasprintf(_("%s does not exist in DNS: mail from it will be refused."),
				       r->domain);
	} else if ((!(spf || dkim) || !mx_ok) && unknown) {
		r->status = EX_TEMPFAIL;
		r->verdict = xstrdup(_("Not known yet: some questions got no answer (see CANNOT "
				       "TELL above). Try again."));
	} else if (!r->required_met || !mx_ok) {
		r->status = EX_DATAERR;
		r->verdict = !(spf || dkim)
			? xstrdup(_("Not ready: Gmail requires SPF or DKIM of every sender, and "
				    "neither is in order. Add the records shown above."))
			: ptr_bad
			? xstrdup(_("Not ready: Gmail requires reverse DNS of the sending server's "
				    "address, and it is not in order (see PTR above): ask the mail "
				    "provider."))
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
	dnsr_close(res);
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

/* Each line of sb's text to fn, the first with it; sb is emptied. */
static void emit(struct strbuf *sb, const struct dns_item *it, dns_line_fn fn, void *ctx)
{
	char *text = sb_steal(sb);
	if (!text)
		return;
	for (char *line = text, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			nl = line + strlen(line) - 1;
		*nl = '\0';
		/* the domain, the server, a selector, a host name: the
		 * configuration's or DNS's bytes, shown safe */
		char *safe = transcript_safe(line, strlen(line), SIZE_MAX);
		fn(ctx, it, safe);
		free(safe);
		it = NULL;
	}
	free(text);
}

void dns_report_lines(const struct dns_report *r, dns_line_fn fn, void *ctx)
{
	/* the configuration's words (domain, server, selectors, host): made
	 * safe before they are laid out, so columns and lines hold */
	char *domain = show(r->domain), *server = show(r->server);
	struct strbuf sb = { 0 };
	sb_addf(&sb, _("DNS check of %s (asked: %s)\n\n"), domain, server);
	free(domain);
	free(server);
	emit(&sb, NULL, fn, ctx);
	for (size_t i = 0; i < r->n; i++) {
		const struct dns_item *it = &r->items[i];
		/* a DKIM key is hundreds of characters: its start says enough */
		size_t dlen = strlen(it->detail);
		char *shown = dlen > 90 ? xasprintf("%.*s\xE2\x80\xA6",
						     (int)utf8_prefix(it->detail, dlen, 80), it->detail)
			: xstrdup(it->detail);
		char *what = show(it->what);
		pad(&sb, what, 15);
		free(what);
		pad(&sb, verdict_word(it->v), 13);
		sb_addf(&sb, "%s\n", *shown ? shown : it->reason);
		free(shown);
		if (*it->detail && *it->reason)
			sb_addf(&sb, "%28s%s\n", "", it->reason);
		if (it->suggest)
			sb_addf(&sb, "%28s%s %s\n", "", _("add:"), it->suggest);
		emit(&sb, it, fn, ctx);
	}
	if (r->provider) {
		char *why = show(r->provider_why);
		sb_addf(&sb, _("\nProvider: this looks like %s (from %s).\n"),
			preset_name(r->provider), why);
		free(why);
	}
	if (r->provider && r->offer_preset)
		sb_addf(&sb, _("The SMTP settings are empty: the preset %s fills them in ('mailset "
			       "preset %s', or F3 in the editor).\n"),
			preset_name(r->provider), r->provider->id);
	char *verdict = show(r->verdict);
	sb_addf(&sb, "\n%s\n", verdict);
	free(verdict);
	emit(&sb, NULL, fn, ctx);
}

static void add_line(void *ctx, const struct dns_item *it, const char *line)
{
	(void)it;
	sb_addf(ctx, "%s\n", line);
}

char *dns_report_text(const struct dns_report *r)
{
	struct strbuf sb = { 0 };
	dns_report_lines(r, add_line, &sb);
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
