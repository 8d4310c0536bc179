/* SPDX-License-Identifier: MIT */
/* editor.h - the editor core: the values being edited and what every
 * screen shares (one write path for a field, validation, saving, the
 * status line, drawing a field).
 *
 * Layers, each calling only those under it: term, keys, lineedit, job,
 * logview; this core; the dialog frame (dialog.h); the screens, panes and
 * dialog owners (screens.h), which never call each other; ui.c, the loop,
 * the one place that knows every screen. tests/structure.sh checks it. */
#ifndef MAILSET_UI_EDITOR_H
#define MAILSET_UI_EDITOR_H

#include <stdbool.h>

#include "mailset/ui/term.h" /* curses with wide characters first */

#include "mailset/config.h"
#include "mailset/lock.h"
#include "mailset/presets.h"
#include "mailset/settings.h"
#include "mailset/ui/job.h"
#include "mailset/ui/keys.h"
#include "mailset/ui/lineedit.h"
#include "mailset/ui/logview.h"
#include "mailset/ui/screen.h"
#include "mailset/validate.h"

enum pane { PANE_BASIC, PANE_SMTP, PANE_OPTIONS, PANE_TEST, PANE_DNS, PANE_COUNT };

/* One editor per file, edits kept through a hang-up (safety.c). */
struct safety {
	bool have_lock;               /* FILE.lock is ours */
	bool read_only;               /* someone else has the file, or */
	int lock_err;                 /* ...the lock could not be made (errno) */
	struct lock_owner owner;      /* the lock we could not take */
	char *recpath;                /* FILE.recover */
};

struct editor {
	/* the values */
	struct config cfg;            /* cfg.s holds the values being edited */
	struct settings saved;        /* the values as in the file */
	struct preset_list presets;
	struct lineedit edit[F_COUNT];
	struct problems probs;        /* of cfg.s, recomputed on each change */
	int focus;                    /* field id, or -1 when none */
	bool reveal;                  /* show the password... */
	long long reveal_until;       /* ...until then (ms, CLOCK_MONOTONIC) */
	bool help_hidden;             /* the form's field help hidden (F9) */
	/* what the user is told, and what modules ask of ui.c */
	char status[1024];
	enum style status_style;
	unsigned requests;            /* enum request bits */
	struct safety safe;
	/* screens */
	const struct screen_ops *screen; /* the form or the wizard */
	enum pane pane;               /* the form's sidebar */
	void *wizard;                 /* the wizard's state */
	struct dialog *dlg;           /* the open dialog, or NULL */
	/* the children and their views */
	struct job send, dns;
	struct lineedit to;           /* the test recipient */
	struct logview send_view, dns_view;
};

/* editor.c: the values */
void editor_init(struct editor *ed);
/* (Close the dialog first: dialog_close().) */
void editor_free(struct editor *ed);
void editor_status(struct editor *ed, enum style st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void editor_request(struct editor *ed, enum request r);
/* Validate the values again (after they changed other than by typing). */
void editor_recheck(struct editor *ed);
/* The one way a value changes other than by typing: the field's text, the
 * setting (unset when typed back to a missing key's default) and the
 * checks. v NULL: the field shows the value in force. */
void editor_set_value(struct editor *ed, enum field_id id, const char *v);
/* Every field's text from the settings (after a load or reload). */
void editor_load_edits(struct editor *ed);
/* Leaving a field normalises its value; focus -1: no field. */
void editor_leave_field(struct editor *ed, enum field_id id);
void editor_focus(struct editor *ed, int id);
bool editor_dirty(const struct editor *ed);
/* ... in a field that is shown (not hidden by another setting). */
bool editor_dirty_shown(const struct editor *ed);
/* What a save would change, a line per field ("label: old → new"; a
 * password only "changed"), or NULL. New string. */
char *editor_changes(const struct editor *ed);
/* Put a field back as in the file; false when it was not changed. */
bool editor_revert(struct editor *ed, enum field_id id);
/* The problem to show for a field (errors first), or NULL. */
const struct problem *editor_problem(const struct editor *ed, enum field_id id);
/* The first visible field from..to with an error, or -1. */
int editor_first_error(const struct editor *ed, enum field_id from, enum field_id to);
/* Save; on refusal or failure the edits stay and the status says why
 * (*bad gets the invalid field, else -1). True when saved. */
bool editor_save(struct editor *ed, int *bad);
/* Save without the checks of the screen; overwrite a file changed on disk
 * when asked to, else request REQ_CHANGED. */
bool editor_save_as_is(struct editor *ed, bool overwrite);
/* The user saved or discarded: the recovery file goes. */
void editor_forget_recovery(struct editor *ed);
/* Fill in a provider's values; the host's cursor goes on what the user
 * must complete (the ◯ part). */
void editor_apply_preset(struct editor *ed, const struct preset *p);
/* The preset of the server typed, or NULL. */
const struct preset *editor_provider(const struct editor *ed);

/* Say on the status line (in style kind) why the file is read-only here:
 * another holds the lock, or it could not be made. */
void editor_why_read_only(struct editor *ed, enum style kind);
/* editor.c: keys shared by screens */
/* F1 (asks ui.c for the help of the scopes in force) and F4 (show or hide
 * the password): UI_HANDLED, or 0 for any other action. */
int editor_common_key(struct editor *ed, enum action act);
/* F4: show the password for EDITOR_REVEAL_MS, or hide it. A shown one also
 * has the screen cleared at exit (term_wipe_at_exit). */
#define EDITOR_REVEAL_MS 5000
void editor_reveal(struct editor *ed, bool on);
/* Milliseconds the password stays shown, or -1 when it is hidden (hiding
 * it when its time is up). */
int editor_reveal_left(struct editor *ed);
/* The help line of the focused field ("" when none). */
const char *editor_field_help(const struct editor *ed);
/* Keys that edit a field's value. Returns UI_HANDLED when the key was
 * used. */
int editor_edit_key(struct editor *ed, enum field_id id, enum action act, int key);
/* Keys that edit any text (cursor, delete, typing); UI_HANDLED, with
 * UI_CHANGED when the text changed. */
int editor_text_key(struct lineedit *le, enum action act, int key);

/* editor.c: drawing shared by screens (reading state only) */
/* Draw a text in fw cells at y, x: the text being typed in the terminal's
 * own rendition (a keystroke then costs the character alone), the rest of
 * the field underlined to show its extent. Unfocused, a value shows its
 * start; focused, the part around the cursor; a cut side shows "…". *cx
 * gets the cursor column. editor_fit_edit() keeps the cursor in view (the
 * screen's fit step). */
void editor_fit_edit(struct lineedit *le, int fw);
void editor_draw_edit(WINDOW *w, int y, int x, int fw, const struct lineedit *le, bool mask,
		      bool focused, int *cx);
/* Draw one field: label in lw cells, value in fw cells, its message on the
 * next row when there is one. Returns the rows used (editor_field_rows()
 * says it before drawing); *cx receives the cursor column when focused. */
int editor_draw_field(const struct editor *ed, WINDOW *w, int y, int x, int lw, int fw,
		      enum field_id id, bool focused, int *cx);
int editor_field_rows(const struct editor *ed, int lw, int fw, enum field_id id, bool focused);
/* The field's row alone (the marker of the focus, label, value), for a
 * screen that shows the messages elsewhere. */
void editor_draw_field_row(const struct editor *ed, WINDOW *w, int y, int x, int lw, int fw,
			   enum field_id id, bool focused, int *cx);
/* The mark of a field with a problem ("✗" an error, "!" a warning) and its
 * style in *a; NULL when it has none. */
const char *editor_field_mark(const struct editor *ed, enum field_id id, attr_t *a);
/* A field's message (its problem, or the host's provider) in width cells
 * from y, x: whole (the focused field's: wrapped, at most maxrows and four
 * rows), or named by the field's label on one row cut with "…". Returns the
 * rows it takes, 0 when the field has nothing to say; w NULL only counts
 * them. */
int editor_draw_message(const struct editor *ed, WINDOW *w, int y, int x, int width, int maxrows,
			enum field_id id, bool whole);
/* Wrapped text from row y, at most to maxy; returns the next row. */
int editor_draw_text(WINDOW *w, int y, int x, int width, int maxy, const char *text, attr_t a);
/* The help (or the status) text on the rows rows above the last (on the
 * lowest of them when it takes fewer), and the key bar of the scopes on the
 * last line. */
void editor_draw_footer(const struct editor *ed, const char *text, const enum scope *sc, int n,
			int nhide, int rows);
/* The key bar of a chain of scopes: "key label" pairs in width cells at y,
 * x; the first nhide scopes (a pane's, which has a hint line of its own)
 * are looked at but not shown; the sel-th pair is shown chosen (-1: none). */
void editor_draw_keybar(WINDOW *w, int y, int x, int width, const enum scope *sc, int n,
			int nhide, int sel, attr_t label);

#endif
