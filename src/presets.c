/* presets.c - provider presets from data files. */
#include "mailset/presets.h"

#include <dirent.h>
#include <fnmatch.h>
#include <ini.h>
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
		S(dkim), S(dns_a_records),
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
			       &p->dns_a_records };
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

static void add_warning(struct problems *out, enum field_id id, char *msg)
{
	out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
	out->v[out->n++] = (struct problem){ id, SEV_WARNING, msg };
}

void presets_check(const struct preset_list *l, const struct settings *s,
		   struct problems *out)
{
	const struct preset *p = presets_match_host(l, settings_get(s, F_HOST));
	if (!p)
		return;
	if (!p->supported)
		add_warning(out, F_HOST,
			    xasprintf(_("%s cannot be used for the shop's SMTP settings "
					"(the admin guide says so); use another mail server"),
				      preset_name(p)));
	const char *pw = settings_get(s, F_PASSWORD);
	if (p->app_password_len > 0 && *pw && utf8_chars(pw) != (size_t)p->app_password_len)
		add_warning(out, F_PASSWORD,
			    xasprintf(_("%s needs a %d-character app password, not the account's "
					"own password (this one has %zu characters)"),
				      preset_name(p), p->app_password_len, utf8_chars(pw)));
}
