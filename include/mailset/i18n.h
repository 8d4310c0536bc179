/* SPDX-License-Identifier: MIT */
/* i18n.h - message catalogue and language choice.
 *
 * Messages are English msgids translated through gettext (po/ja.po).
 * Field labels and help texts live in the field table in both languages;
 * i18n_pick() chooses between them with the same decision gettext made, so
 * a screen never mixes the two languages. */
#ifndef MAILSET_I18N_H
#define MAILSET_I18N_H

#include <libintl.h>
#include <stdbool.h>

#define _(s) gettext(s)
#define N_(s) (s)

/* Set the locale from the environment and bind the "mailset" domain.
 * LANGUAGE=ja is honoured even when LANG is unset (gettext ignores LANGUAGE
 * in the C locale, so C.UTF-8 is used then). Safe to call more than once. */
void i18n_init(void);
/* True when messages are being shown in Japanese. */
bool i18n_japanese(void);
/* ja when i18n_japanese(), else en. */
const char *i18n_pick(const char *ja, const char *en);
/* Where data files (presets, templates) live: $MAILSET_DATADIR or the
 * compiled-in default. */
const char *i18n_datadir(void);

#endif
