/* presets.h - provider presets, read from share/mailset/presets/NAME.ini.
 *
 * A preset file has one [preset] section:
 *   name_ja, name_en    the provider's name
 *   host                host template; "◯" marks what the user completes
 *   host_pattern        comma-separated fnmatch(3) globs of its hosts
 *   port, auth, tls     the values to apply
 *   supported           "no" for a provider the shop cannot use
 *   app_password_len    >0: the provider wants an app password that long
 *   username_ja/_en, password_ja/_en, notes_ja/_en
 *                       the guide's "where to find these values"
 *   mx_pattern          globs of its mail servers (MX), to recognise a domain
 *   dkim_selectors      DKIM selectors it uses (comma-separated)
 *   spf_include         the domain its SPF record includes
 *   dkim                "not-needed" where the guide says DKIM needs no
 *                       record with this provider
 *   dns_a_records       labels under the shop's domain that need an A
 *                       record with this provider ("mail, ml-cp")
 * Long texts use inih continuation lines (joined with "\n"). */
#ifndef MAILSET_PRESETS_H
#define MAILSET_PRESETS_H

#include <stdbool.h>
#include <stddef.h>

struct preset {
	char *id;            /* file name without .ini */
	char *name_ja, *name_en;
	char *host;
	char *host_pattern;
	char *port, *auth, *tls;
	bool supported;
	int app_password_len;
	char *username_ja, *username_en;
	char *password_ja, *password_en;
	char *notes_ja, *notes_en;
	char *mx_pattern, *dkim_selectors, *spf_include; /* may be NULL */
	char *dkim, *dns_a_records;                      /* may be NULL */
	int order;           /* display order */
};

struct preset_list {
	struct preset *v;
	size_t n;
};

/* Load every *.ini of dir, sorted by order then id. Returns 0, or -1 with
 * *err set to a new message naming the file and line. */
int presets_load(const char *dir, struct preset_list *out, char **err);
/* Load from i18n_datadir()/presets. */
int presets_load_default(struct preset_list *out, char **err);
void presets_free(struct preset_list *l);

/* By id, or by either name (ASCII case-insensitive). */
const struct preset *presets_find(const struct preset_list *l, const char *name);
/* The preset whose host_pattern matches host (ASCII case-insensitive). */
const struct preset *presets_match_host(const struct preset_list *l, const char *host);
/* True when the host template still has a part to complete. */
bool preset_needs_host(const struct preset *p);
/* True when host matches one of p's patterns. */
bool preset_host_matches(const struct preset *p, const char *host);
/* The preset whose mx_pattern matches an MX host, or NULL. */
const struct preset *presets_match_mx(const struct preset_list *l, const char *mx);

const char *preset_name(const struct preset *p);
struct settings;
struct problems;
/* Apply p to s: host (host, or p's template when NULL), port, auth and
 * tls, each written even when it equals the default, so that the file
 * says what the provider needs. The command line and the editor both
 * apply presets through this. */
void preset_apply(const struct preset *p, const char *host, struct settings *s);
/* The length of the app password the provider of s's SMTP host wants
 * (what validate_normalize() takes to remove the blanks Google shows
 * inside one), or 0: no such provider, or l is NULL. */
int presets_app_password_len(const struct preset_list *l, const struct settings *s);
/* Warnings about the provider the SMTP host belongs to: one the shop cannot
 * use (Exchange Online), or an app password of the wrong length. */
void presets_check(const struct preset_list *l, const struct settings *s,
		   struct problems *out);
const char *preset_notes(const struct preset *p);

#endif
