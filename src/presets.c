/* SPDX-License-Identifier: MIT */
/* presets.c - provider presets from data files. */
#include "mailset/presets.h"

#include <dirent.h>
#include <fnmatch.h>
#include <ini.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mailset/i18n.h"
#include "mailset/settings.h"
#include "mailset/validate.h"
#include "mailset/util.h"

/* The character the admin guide uses for the part the user completes. */
#define PLACEHOLDER "\xE2\x97\xAF" /* U+25EF ◯ */

struct load_ctx {
	struct preset *p;
	char *err;
	const char *file;
};

static char **slot(struct preset *p, const char *key)
{
	static const struct {
		const char *key;
		size_t off;
	} map[] = {
#define S(k) { #k, offsetof(struct preset, k) }
		S(name_ja), S(name_en), S(host), S(host_pattern), S(port), S(auth), S(tls),
		S(username_ja), S(username_en), S(password_ja), S(password_en),
		S(notes_ja), S(notes_en), S(mx_pattern), S(dkim_selectors), S(spf_include),
		S(dkim), S(dns_a_records), S(host_forms), S(host_part), S(host_part_ja),
		S(host_part_en),
#undef S
	};
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (!strcmp(map[i].key, key))
			return (char **)((char *)p + map[i].off);
	return NULL;
}

static int on_preset(void *user, const char *section, const char *name,
		     const char *value, int lineno)
{
	struct load_ctx *ctx = user;
	if (strcmp(section, "preset") != 0)
		return 1;
	char **s = slot(ctx->p, name);
	if (s) {
		char *v = *s ? xasprintf("%s\n%s", *s, value) : xstrdup(value);
		free(*s);
		*s = v;
	} else if (!strcmp(name, "supported")) {
		ctx->p->supported = strcasecmp(value, "no") != 0;
	} else if (!strcmp(name, "app_password_len")) {
		ctx->p->app_password_len = atoi(value);
	} else if (!strcmp(name, "order")) {
		ctx->p->order = atoi(value);
	} else if (!ctx->err) {
		ctx->err = xasprintf(_("%s:%d: unknown key '%s' in a preset"), ctx->file, lineno, name);
	}
	return 1;
}

static void preset_free(struct preset *p)
{
	char *const *all[] = { &p->id, &p->name_ja, &p->name_en, &p->host, &p->host_pattern,
			       &p->port, &p->auth, &p->tls, &p->username_ja, &p->username_en,
			       &p->password_ja, &p->password_en, &p->notes_ja, &p->notes_en,
			       &p->mx_pattern, &p->dkim_selectors, &p->spf_include, &p->dkim,
			       &p->dns_a_records, &p->host_forms, &p->host_part, &p->host_part_ja,
			       &p->host_part_en };
	for (size_t i = 0; i < sizeof all / sizeof *all; i++)
		free(*all[i]);
}

static int by_order(const void *a, const void *b)
{
	const struct preset *x = a, *y = b;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* ------------------------------------------------------ host templates */

/* One form of a provider's server names: literal prefix, a run of ◯ (the
 * part the user types), literal suffix: "sv" "◯◯◯" ".xserver.jp". */
struct form {
	const char *text;     /* the whole form */
	size_t len;
	size_t plen;          /* prefix bytes */
	size_t rlen;          /* ◯ run bytes */
	const char *suffix;
	size_t slen;
};

#define PH_LEN (sizeof PLACEHOLDER - 1)

/* The next form of a comma-separated list at *pos; false at the end. A
 * form without ◯ has rlen 0. */
static bool next_form(const char **pos, struct form *f)
{
	const char *p = *pos + strspn(*pos, ", \n");
	if (!*p)
		return false;
	size_t n = strcspn(p, ", \n");
	*f = (struct form){ p, n, n, 0, p + n, 0 };
	const char *ph = strstr(p, PLACEHOLDER);
	if (ph && ph < p + n) {
		f->plen = (size_t)(ph - p);
		const char *e = ph;
		while (e + PH_LEN <= p + n && !strncmp(e, PLACEHOLDER, PH_LEN))
			e += PH_LEN;
		f->rlen = (size_t)(e - ph);
		f->suffix = e;
		f->slen = (size_t)(p + n - e);
	}
	*pos = p + n;
	return true;
}

static const char *forms_of(const struct preset *p)
{
	return p->host_forms ? p->host_forms : p->host;
}

static bool has_part(const struct preset *p)
{
	return strstr(forms_of(p), PLACEHOLDER) || strstr(p->host, PLACEHOLDER);
}

static bool part_digits(const struct preset *p)
{
	return !strcmp(p->host_part, "digits");
}

/* A preset whose host has a part to type says what the part may be. */
static char *check_forms(const struct preset *p, const char *file)
{
	if (!has_part(p))
		return NULL;
	if (!p->host_part || (strcmp(p->host_part, "digits") && strcmp(p->host_part, "name")) ||
	    !p->host_part_ja || !p->host_part_en)
		return xasprintf(_("%s: the host has a part to type (%s): the preset needs "
				   "host_part (digits or name), host_part_ja and host_part_en"),
				 file, PLACEHOLDER);
	const char *pos = forms_of(p);
	struct form f;
	while (next_form(&pos, &f))
		if (!f.rlen || memmem(f.suffix, f.slen, PLACEHOLDER, PH_LEN))
			return xasprintf(_("%s: host_forms: '%.*s' needs exactly one run of %s"),
					 file, (int)f.len, f.text, PLACEHOLDER);
	return NULL;
}

static bool fits_part(const struct preset *p, const char *m, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = m[i];
		bool digit = c >= '0' && c <= '9';
		bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
		if (part_digits(p) ? !digit : !(digit || letter || (c == '-' && i && i + 1 < n)))
			return false;
	}
	return n <= 63;
}

static bool starts_ci(const char *s, size_t n, const char *w, size_t k)
{
	return n >= k && !strncasecmp(s, w, k);
}

static bool ends_ci(const char *s, size_t n, const char *w, size_t k)
{
	return n >= k && !strncasecmp(s + n - k, w, k);
}

static const char *part_name(const struct preset *p)
{
	return i18n_pick(p->host_part_ja, p->host_part_en);
}

/* host, which has f's prefix and suffix, judged by f. */
static char *judge_middle(const struct preset *p, const struct form *f, const char *host)
{
	size_t n = strlen(host);
	const char *m = host + f->plen;
	size_t mn = n - f->plen - f->slen;
	char *form = xstrndup(f->text, f->len);
	char *run = xstrndup(f->text + f->plen, f->rlen);
	char *r = NULL;
	if (strstr(host, PLACEHOLDER)) {
		char *left = xstrndup(m, mn);
		r = xasprintf(_("type your %s (%s) in place of %s"), part_name(p), preset_name(p),
			      left);
		free(left);
	} else if (!mn) {
		r = xasprintf(_("the %s is missing: type it in place of %s in %s"), part_name(p),
			      run, form);
	} else {
		/* what was typed over the ◯ part kept the literal text around
		 * it: "svsv12345", "12345.xserver.jp.xserver.jp" */
		const char *twice = NULL;
		size_t twice_n = 0;
		while (f->plen && starts_ci(m, mn, f->text, f->plen))
			twice = f->text, twice_n = f->plen, m += f->plen, mn -= f->plen;
		while (f->slen && ends_ci(m, mn, f->suffix, f->slen))
			twice = f->suffix, twice_n = f->slen, mn -= f->slen;
		if (twice && fits_part(p, m, mn)) {
			r = xasprintf(_("'%.*s' is written twice; the server name is %.*s%.*s%.*s"),
				      (int)twice_n, twice, (int)f->plen, host, (int)mn, m,
				      (int)f->slen, host + n - f->slen);
		} else if (twice) {
			r = xasprintf(_("'%.*s' is written twice; type only your %s in place of %s "
					"in %s"), (int)twice_n, twice, part_name(p), run, form);
		} else if (!fits_part(p, m, mn)) {
			char *typed = xstrndup(m, mn);
			r = xasprintf(part_digits(p) ?
				      _("the %s is digits only, not '%s' (the server name has the "
					"form %s)") :
				      _("the %s is one word of letters, digits and '-', not '%s' (the "
					"server name has the form %s)"),
				      part_name(p), typed, form);
			free(typed);
		}
	}
	free(run);
	free(form);
	return r;
}

char *preset_host_problem(const struct preset *p, const char *host)
{
	size_t n = strlen(host);
	if (!n || !has_part(p) || host[0] == '[' || strchr(host, ':'))
		return NULL;
	/* the whole name has one of the forms: the part decides */
	const char *pos = forms_of(p);
	struct form f;
	while (next_form(&pos, &f))
		if (f.rlen && n >= f.plen + f.slen && starts_ci(host, n, f.text, f.plen) &&
		    ends_ci(host, n, f.suffix, f.slen))
			return judge_middle(p, &f, host);
	/* the start of a form, cut short: "sv1234", "sv1234.xserver" */
	struct strbuf whole = { 0 };
	pos = forms_of(p);
	while (next_form(&pos, &f)) {
		if (!f.rlen || !starts_ci(host, n, f.text, f.plen))
			continue;
		size_t k = f.plen;
		while (k < n && host[k] != '.' && fits_part(p, host + f.plen, k + 1 - f.plen))
			k++;
		/* what follows starts the suffix; a form that starts with its
		 * part ("◯◯◯.sakura.ne.jp") needs the suffix's first label whole
		 * ("shop.sakura"), or any one-word name would be its start */
		size_t rest = n - k;
		const char *dot = memchr(f.suffix + 1, '.', f.slen ? f.slen - 1 : 0);
		size_t label = dot ? (size_t)(dot - f.suffix) : f.slen;
		if (k == f.plen || rest >= f.slen || strncasecmp(host + k, f.suffix, rest) ||
		    (!f.plen && rest < label))
			continue;
		char *one = xasprintf("%.*s%.*s", (int)k, host, (int)f.slen, f.suffix);
		if (whole.len) {
			char *both = xasprintf(_("%s or %s"), whole.buf, one);
			sb_free(&whole);
			sb_adds(&whole, both);
			free(both);
		} else {
			sb_adds(&whole, one);
		}
		free(one);
	}
	if (!whole.len)
		return NULL;
	char *r = xasprintf(_("the server name is incomplete; write it whole: %s"), whole.buf);
	sb_free(&whole);
	return r;
}

char *presets_host_problem(const struct preset_list *l, const char *host)
{
	const struct preset *p = l ? presets_match_host(l, host) : NULL;
	if (p)
		return preset_host_problem(p, host);
	for (size_t i = 0; l && i < l->n; i++) {
		char *m = preset_host_problem(&l->v[i], host);
		if (m)
			return m;
	}
	return NULL;
}

char *preset_refusal(const struct preset *p)
{
	return xasprintf(_("%s cannot be used for the shop's SMTP settings (the admin guide "
			   "says so); use another mail server"), preset_name(p));
}

int presets_load(const char *dir, struct preset_list *out, char **err)
{
	out->v = NULL;
	out->n = 0;
	*err = NULL;
	DIR *d = opendir(dir);
	if (!d) {
		*err = xasprintf(_("cannot read the presets in %s: %m"), dir);
		return -1;
	}
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".ini") || de->d_name[0] == '.')
			continue;
		char *file = xasprintf("%s/%s", dir, de->d_name);
		struct preset p = { .supported = true };
		p.id = xstrndup(de->d_name, len - 4);
		struct load_ctx ctx = { &p, NULL, file };
		int rc = ini_parse(file, on_preset, &ctx);
		if (rc && !ctx.err)
			ctx.err = rc < 0 ? xasprintf(_("cannot read %s"), file)
					 : xasprintf(_("%s:%d: this line does not parse"), file, rc);
		if (!ctx.err && (!p.name_ja || !p.name_en || !p.host || !p.port || !p.auth || !p.tls))
			ctx.err = xasprintf(_("%s: a preset needs name_ja, name_en, host, port, auth "
					      "and tls"), file);
		if (!ctx.err)
			ctx.err = check_forms(&p, file);
		free(file);
		if (ctx.err) {
			preset_free(&p);
			*err = ctx.err;
			closedir(d);
			presets_free(out);
			return -1;
		}
		out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
		out->v[out->n++] = p;
	}
	closedir(d);
	if (out->n == 0) {
		*err = xasprintf(_("no presets found in %s"), dir);
		return -1;
	}
	qsort(out->v, out->n, sizeof *out->v, by_order);
	return 0;
}

int presets_load_default(struct preset_list *out, char **err)
{
	char *dir = xasprintf("%s/presets", i18n_datadir());
	int rc = presets_load(dir, out, err);
	free(dir);
	return rc;
}

void presets_free(struct preset_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		preset_free(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

const struct preset *presets_find(const struct preset_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct preset *p = &l->v[i];
		if (!strcasecmp(p->id, name) || !strcasecmp(p->name_en, name) ||
		    !strcmp(p->name_ja, name))
			return p;
	}
	return NULL;
}

static bool globs_match(const char *pat, const char *host)
{
	bool hit = false;
	char *copy = xstrdup(pat), *save = NULL;
	for (char *g = strtok_r(copy, ", \n", &save); g && !hit; g = strtok_r(NULL, ", \n", &save))
		hit = fnmatch(g, host, FNM_CASEFOLD) == 0;
	free(copy);
	return hit;
}

bool preset_host_matches(const struct preset *p, const char *host)
{
	return globs_match(p->host_pattern ? p->host_pattern : p->host, host);
}

const struct preset *presets_match_mx(const struct preset_list *l, const char *mx)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].mx_pattern && globs_match(l->v[i].mx_pattern, mx))
			return &l->v[i];
	return NULL;
}

const struct preset *presets_match_host(const struct preset_list *l, const char *host)
{
	if (!*host)
		return NULL;
	for (size_t i = 0; i < l->n; i++)
		if (preset_host_matches(&l->v[i], host))
			return &l->v[i];
	return NULL;
}

bool preset_needs_host(const struct preset *p)
{
	return strstr(p->host, PLACEHOLDER) != NULL;
}

const char *preset_name(const struct preset *p)
{
	return i18n_pick(p->name_ja, p->name_en);
}

const char *preset_notes(const struct preset *p)
{
	const char *n = i18n_pick(p->notes_ja, p->notes_en);
	return n ? n : "";
}

void preset_apply(const struct preset *p, const char *host, struct settings *s)
{
	/* Written out even where they equal the defaults: the file should
	 * say what the provider needs. */
	settings_set(s, F_HOST, host ? host : p->host);
	settings_set(s, F_PORT, p->port);
	settings_set(s, F_AUTH, p->auth);
	settings_set(s, F_TLS, p->tls);
}

int presets_app_password_len(const struct preset_list *l, const struct settings *s)
{
	const struct preset *p = l ? presets_match_host(l, settings_get(s, F_HOST)) : NULL;
	return p ? p->app_password_len : 0;
}

/* Characters of a password, not counting the blanks Google shows. */
static size_t chars_without_blanks(const char *s, bool *blanks)
{
	size_t n = 0;
	*blanks = false;
	for (const char *p = s; *p;) {
		if (*p == ' ' || ((unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0)) {
			*blanks = true;
			p += *p == ' ' ? 1 : 2;
			continue;
		}
		uint32_t cp;
		size_t k = utf8_decode(p, strlen(p), &cp);
		p += k ? k : 1;
		n++;
	}
	return n;
}

void presets_check(const struct preset_list *l, const struct settings *s,
		   struct problems *out)
{
	if (!l)
		return;
	const char *host = settings_get(s, F_HOST);
	/* One error per field: a host the general rules refused keeps their
	 * message, except that a ◯ left in it is named by its provider. */
	char *hp = presets_host_problem(l, host);
	if (hp) {
		struct problem *general = NULL;
		for (size_t i = 0; i < out->n && !general; i++)
			if (out->v[i].field == F_HOST && out->v[i].sev == SEV_ERROR)
				general = &out->v[i];
		if (!general) {
			problems_add(out, F_HOST, SEV_ERROR, hp);
		} else if (strstr(host, PLACEHOLDER)) {
			free(general->msg);
			general->msg = hp;
		} else {
			free(hp);
		}
	}
	const struct preset *p = presets_match_host(l, host);
	if (!p)
		return;
	if (!p->supported)
		problems_add(out, F_HOST, SEV_ERROR, preset_refusal(p));
	/* measured as it will be saved: without the blanks Google shows */
	const char *pw = settings_get(s, F_PASSWORD);
	if (p->app_password_len > 0 && *pw) {
		char *norm = validate_normalize(F_PASSWORD, pw, p->app_password_len);
		bool blanks;
		size_t n = chars_without_blanks(norm, &blanks);
		if (blanks || n != (size_t)p->app_password_len)
			problems_add(out, F_PASSWORD, SEV_WARNING,
				     xasprintf(blanks ?
					       _("%s needs a %d-character app password, not the "
						 "account's own password (this one has %zu characters, "
						 "not counting the spaces)") :
					       _("%s needs a %d-character app password, not the "
						 "account's own password (this one has %zu characters)"),
					       preset_name(p), p->app_password_len, n));
		explicit_bzero(norm, strlen(norm));
		free(norm);
	}
}
