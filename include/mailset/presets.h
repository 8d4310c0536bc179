/* SPDX-License-Identifier: MIT */
/* presets.h - provider presets, read from share/mailset/presets/NAME.ini.
 *
 * A preset file has one [preset] section:
 *   name_ja, name_en    the provider's name
 *   host                host template; "◯" marks what the user completes
 *   host_forms          comma-separated templates of every form its server
 *                       names take, one run of ◯ each (default: host)
 *   host_part           what the ◯ part may be: "digits" (a server number)
 *                       or "name" (letters, digits and '-'); required when
 *                       the host has ◯
 *   host_part_ja/_en    what the ◯ part is called ("サーバー番号")
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
	char *host_forms;                                /* may be NULL: host */
	char *host_part, *host_part_ja, *host_part_en;   /* NULL without ◯ */
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
/* What is wrong with host as a server name of p, judged by p's forms
 * (host_forms): the ◯ part left in it, left empty ("mail.onamae.ne.jp"),
 * not what host_part says ("svabc.xserver.jp"), the literal text around it
 * typed twice ("svsv12345.xserver.jp"), or the name cut short after the
 * part ("sv1234"). A new translated sentence, or NULL when host is fine or
 * has no form of p's. */
char *preset_host_problem(const struct preset *p, const char *host);
/* The same for the preset whose host_pattern host matches, else the first
 * preset that finds host cut short; NULL when none has anything to say (l
 * may be NULL). */
char *presets_host_problem(const struct preset_list *l, const char *host);
/* Why p (supported = no) is refused, as a new translated sentence: the
 * one reason `preset`, `check`, `set` and the editor give. */
char *preset_refusal(const struct preset *p);
/* The rules of the provider the SMTP host belongs to, appended to out after
 * validate_all() or validate_one() filled it: errors for a host that does
 * not fit its provider's forms (presets_host_problem(); a host the general
 * rules already refused keeps their message, unless a ◯ is left in it,
 * which the provider names better) or belongs to one the shop cannot use
 * (Exchange Online, preset_refusal()); a warning for an app password of the
 * wrong length, measured without the blanks Google shows (as saved). */
void presets_check(const struct preset_list *l, const struct settings *s,
		   struct problems *out);
const char *preset_notes(const struct preset *p);

#endif
