/* SPDX-License-Identifier: MIT */
/* i18n.c - locale set-up and the language decision. */
#include "mailset/i18n.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "paths.h" /* DATADIR, LOCALEDIR: written by the Makefile */

static bool is_c_locale(const char *name)
{
	return !name || !strcmp(name, "C") || !strcmp(name, "POSIX");
}

void i18n_init(void)
{
	/* Only what mailset uses: the character set and the messages (its
	 * dates are numeric). Every other category would be a file to open
	 * at each start. */
	const char *loc = setlocale(LC_CTYPE, "");
	if (loc)
		loc = setlocale(LC_MESSAGES, "");
	/* The messages' locale asked for, as setlocale reads it. */
	const char *want = getenv("LC_ALL");
	if (!want || !*want)
		want = getenv("LC_MESSAGES");
	if (!want || !*want)
		want = getenv("LANG");
	if (want && !*want)
		want = NULL;
	if (want && is_c_locale(want)) {
		/* C or POSIX by name: untranslated, and LANGUAGE ignored, as
		 * gettext does (LC_MESSAGES stays "C"); the characters UTF-8. */
		setlocale(LC_CTYPE, "C.UTF-8");
		setlocale(LC_MESSAGES, "C");
	} else if (!loc || is_c_locale(setlocale(LC_MESSAGES, NULL))) {
		/* No locale set, or one that is not installed: without a
		 * UTF-8 codeset Japanese could not be shown, so C.UTF-8,
		 * which glibc always has and where gettext honours LANGUAGE.
		 * A LANG=ja_JP.UTF-8 whose locale is not installed still asks
		 * for Japanese, so it becomes LANGUAGE then. */
		setlocale(LC_CTYPE, "C.UTF-8");
		setlocale(LC_MESSAGES, "C.UTF-8");
		if (want && !strncmp(want, "ja", 2) && !getenv("LANGUAGE"))
			setenv("LANGUAGE", "ja", 0);
	}
	const char *dir = getenv("MAILSET_LOCALEDIR");
	bindtextdomain("mailset", dir && *dir ? dir : LOCALEDIR);
	bind_textdomain_codeset("mailset", "UTF-8");
	textdomain("mailset");
}

bool i18n_japanese(void)
{
	/* Translators: this is not shown; write your language's code here. */
	return strcmp(gettext("LANGUAGE-CODE"), "ja") == 0;
}

const char *i18n_pick(const char *ja, const char *en)
{
	return i18n_japanese() ? ja : en;
}

const char *i18n_datadir(void)
{
	const char *dir = getenv("MAILSET_DATADIR");
	return dir && *dir ? dir : DATADIR;
}
