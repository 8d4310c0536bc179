/* SPDX-License-Identifier: MIT */
/* screen.h - the shape of every screen and dialog.
 *
 * A screen (the form, the wizard) or a pane shown inside one (the test
 * send, the DNS report) is a screen_ops: which key scopes are in force
 * (keys.h), fit (adjust scroll positions to the area: the only change of
 * state while drawing), draw (reads state only), key (returns UI_* flags),
 * and optionally a child shown inside it, a descriptor to poll and its input
 * handler. A dialog is a dialog_ops over the frame of dialog.c. Screens
 * never call each other: what only another module can do (open the help,
 * the presets, the changed-on-disk dialog; leave the wizard) they ask for
 * with editor_request(), and ui.c carries it out (as tig's views return
 * requests). */
#ifndef MAILSET_UI_SCREEN_H
#define MAILSET_UI_SCREEN_H

#include <stdbool.h>

#include "mailset/ui/keys.h"
#include "mailset/ui/term.h"

struct editor;
struct dialog;

/* What a key handler tells the loop. */
#define UI_HANDLED 0x1
#define UI_QUIT    0x2
#define UI_CHANGED 0x4  /* editor_text_key(): the text changed */
#define UI_AGAIN   0x8  /* the screen changed: look the key up again there */

/* What a module asks of ui.c (editor_request(), a bit set). */
enum request {
	REQ_HELP = 0x1,         /* the F1 help of the scopes in force */
	REQ_PRESETS = 0x2,      /* the preset picker */
	REQ_CHANGED = 0x4,      /* a save found the file changed on disk */
	REQ_WIZARD_DONE = 0x8,  /* the wizard saved: the form takes over */
	REQ_BCC_LIST = 0x10,    /* the BCC list */
};

/* The panes a screen can show inside it. */
enum pane_id { PANE_ID_NONE, PANE_ID_TEST, PANE_ID_DNS };

/* Where a screen draws. Its last four rows are the footer's (ui.c draws
 * the help there and the key bar on the last): a screen lays out in h - 4. */
struct area {
	int y, x, h, w;
};

/* Where the cursor goes: y < 0 hides it. */
struct cursor {
	int y, x;
};

#define SCOPES_MAX 4

struct screen_ops {
	const char *name;
	/* The scopes in force, innermost first; returns the count. */
	int (*scopes)(const struct editor *ed, enum scope *out);
	void (*fit)(struct editor *ed, struct area a);                 /* optional */
	void (*draw)(const struct editor *ed, struct area a, struct cursor *cur);
	/* The help line's text (the status replaces it while there is one). */
	const char *(*help)(const struct editor *ed);                  /* optional */
	/* Optional: the rows the longest of the help texts it may show takes
	 * at width (the form: of all its fields). The footer keeps that
	 * height while the focus moves, so a move redraws the help text and
	 * not the screen laid out anew. */
	int (*help_rows)(const struct editor *ed, int width);
	int (*key)(struct editor *ed, enum action act, int key);
	/* The pane shown inside this screen and its area (ui.c knows the
	 * panes: a screen names one, it does not call it). */
	enum pane_id (*child)(const struct editor *ed, struct area a, struct area *sub); /* optional */
	void (*enter)(struct editor *ed);     /* optional: it has just been shown */
	/* The rows it needs, footer included (a long help text may take the
	 * rest); optional: all of them. */
	int (*need)(const struct editor *ed);
	int (*fd)(const struct editor *ed);   /* optional: poll this (-1: nothing) */
	int (*input)(struct editor *ed);      /* ... which is readable: UI_* flags */
};

struct dialog_ops {
	enum scope scope;     /* its keys; the footer is made from them */
	enum scope (*scope_now)(const struct dialog *d); /* optional: by its state */
	int (*key)(struct editor *ed, struct dialog *d, enum action act, int key);
	void (*free)(void *state);                                    /* optional */
	/* Optional: rows it needs under the text (a field, a menu); building
	 * what it puts in the window d->win once it is made, and taking it
	 * down before the window goes; drawing it. */
	int (*rows)(const struct editor *ed, const struct dialog *d);
	void (*fit)(struct editor *ed, struct dialog *d);
	void (*unfit)(struct dialog *d);
	void (*draw)(const struct editor *ed, const struct dialog *d, struct cursor *cur);
	bool keeps_window;    /* what it put there stays (a libmenu menu) */
	int button;           /* the footer button chosen at first (the safe one) */
};

#endif
