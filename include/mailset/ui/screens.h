/* SPDX-License-Identifier: MIT */
/* screens.h - the screens, panes and dialog owners, for ui.c (which alone
 * starts them and carries out what they request) and for the screens that
 * show a pane inside them (the form and the wizard: the test send pane). */
#ifndef MAILSET_UI_SCREENS_H
#define MAILSET_UI_SCREENS_H

#include "mailset/ui/editor.h"

/* form.c: the main screen; focus: the field to start on, or -1 */
extern const struct screen_ops form_screen;
void form_start(struct editor *ed, int focus);

/* wizard.c: the first-time setup */
extern const struct screen_ops wizard_screen;
void wizard_start(struct editor *ed);
void wizard_free(struct editor *ed);

/* testpane.c, dnspane.c: panes shown inside a screen */
extern const struct screen_ops testpane_screen;
extern const struct screen_ops dnspane_screen;

/* picker.c: the preset menu (F3) */
void picker_open(struct editor *ed);

/* bcclist.c: the BCC as a list (F7 on the BCC field) */
void bcclist_open(struct editor *ed);

/* safety.c: the lock, recovered edits, a file changed on disk */
/* Take the lock (or ask what to do), then offer recovered edits. */
void safety_start(struct editor *ed);
/* The terminal went away or a signal came: keep the unsaved edits. */
void safety_hangup(struct editor *ed);
/* Say what changed on disk and ask what to do. */
void safety_changed(struct editor *ed);
void safety_release(struct editor *ed);

/* ui.c: what the loop does with a key (UI_* flags: 0 when nothing took
 * it; a dialog takes every key), and the key scopes in force (the F1 help's).
 * The loop is ui_run() (ui.h); tests drive these. */
int ui_key(struct editor *ed, int key);
int ui_scopes(const struct editor *ed, enum scope *sc);

#endif
