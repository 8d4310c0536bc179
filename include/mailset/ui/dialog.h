/* SPDX-License-Identifier: MIT */
/* dialog.h - the frame every dialog shares: a window over the screen with
 * a box, a title, wrapped text that scrolls, and a footer made from the
 * dialog's keys. What a dialog does is its dialog_ops (screen.h), kept by
 * the module it belongs to. */
#ifndef MAILSET_UI_DIALOG_H
#define MAILSET_UI_DIALOG_H

#include "mailset/ui/screen.h"

struct dialog {
	const struct dialog_ops *ops;
	char *title;
	char *text;
	int top;             /* first line of the text shown */
	int nlines;          /* lines of the text, as laid out */
	int button;          /* the footer button Enter presses */
	WINDOW *win;         /* drawn over the main screen */
	int lines, cols;     /* the terminal size it was laid out for */
	void *state;         /* the dialog's own, freed by ops->free */
};

/* Open a dialog over the screen (closing the one open); state is the
 * dialog's, freed with it. */
void dialog_open(struct editor *ed, const struct dialog_ops *ops, const char *title,
		 const char *text, void *state);
void dialog_close(struct editor *ed);
/* A message: Enter or Esc closes it. */
void dialog_message(struct editor *ed, const char *title, const char *text);
/* The key help of a chain of scopes. */
void dialog_help(struct editor *ed, const enum scope *sc, int n);
/* Lay the dialog out for the terminal as it is now (after a resize, and
 * before each draw); the text's scroll is kept in range. */
void dialog_fit(struct editor *ed);
void dialog_draw(const struct editor *ed);
/* The key scope of the dialog now. */
enum scope dialog_scope(const struct dialog *d);
/* Dialogs are modal: every key goes to the open one (what it does not
 * take goes nowhere). UI_* flags; 0 when the key does nothing here. */
int dialog_key(struct editor *ed, int key);

#endif
