/* editor.h - the editor's state and its screens.
 *
 * Screens follow one pattern: draw (reads state only) and key (changes
 * state only, returns UI_* flags). The loop in ui.c draws the main screen,
 * then the open dialog on top, and hands each key to the dialog if one is
 * open, else to the current screen (the form or the wizard). */
#ifndef MAILSET_UI_EDITOR_H
#define MAILSET_UI_EDITOR_H

#include <stdbool.h>

#include "mailset/ui/term.h" /* curses with wide characters first */
#include <menu.h>

#include "mailset/config.h"
#include "mailset/lock.h"
#include "mailset/presets.h"
#include "mailset/settings.h"
#include "mailset/ui/keys.h"
#include "mailset/ui/lineedit.h"
#include "mailset/ui/sendpanel.h"
#include "mailset/ui/term.h"
#include "mailset/validate.h"

/* What a key handler asks of the loop. */
#define UI_HANDLED 0x1
#define UI_QUIT    0x2
#define UI_CHANGED 0x4  /* editor_text_key(): the text changed */

enum pane { PANE_BASIC, PANE_SMTP, PANE_OPTIONS, PANE_TEST, PANE_DNS, PANE_COUNT };

enum dialog_kind {
	DLG_NONE, DLG_MESSAGE, DLG_QUIT, DLG_PICKER, DLG_HELP, DLG_ABANDON,
	DLG_LOCKED,     /* another editor has the file: read-only or quit */
	DLG_STALE,      /* a dead editor's lock: break it, read-only or quit */
	DLG_RECOVER,    /* edits kept by a hang-up: restore or discard */
	DLG_CHANGED,    /* the file changed on disk: reload, overwrite, elsewhere */
	DLG_SAVEAS      /* a path to save a copy to */
};

struct dialog {
	enum dialog_kind kind;
	char *title;
	char *text;
	int top;             /* help: first line shown */
	WINDOW *win;         /* drawn over the main screen */
	MENU *menu;          /* picker */
	ITEM **items;
	char **names;
	int lines, cols;     /* the terminal size it was laid out for */
};

struct editor {
	struct config cfg;            /* cfg.s holds the values being edited */
	struct settings saved;        /* the values as in the file */
	struct preset_list presets;
	struct lineedit edit[F_COUNT];
	struct problems probs;        /* of cfg.s, recomputed on each change */
	enum pane pane;
	int focus;                    /* field id, or -1 when none */
	bool reveal;                  /* show the password */
	char status[1024];
	enum style status_style;
	struct dialog dlg;
	struct sendpanel sp;          /* the test send */
	struct sendpanel dns;         /* the DNS check (same machinery) */
	/* safety.c: one editor per file, edits kept through a hang-up */
	char *lockpath;               /* FILE.lock, ours when have_lock */
	bool have_lock;
	bool read_only;               /* someone else has the file */
	struct lock_owner owner;      /* the lock we could not take */
	char *recpath;                /* FILE.recover */
	struct settings recovered;    /* offered by DLG_RECOVER */
	bool rec_password;
	struct lineedit saveas;       /* DLG_SAVEAS */
	bool wizard;                  /* the wizard owns the screen */
	void *wiz;                    /* its state */
};

/* editor.c */
void editor_load_edits(struct editor *ed);
/* Validate the values again (after they changed other than by typing). */
void editor_recheck(struct editor *ed);
void editor_changed(struct editor *ed, enum field_id id);
void editor_leave_field(struct editor *ed, enum field_id id);
bool editor_dirty(const struct editor *ed);
void editor_status(struct editor *ed, enum style st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Save; on refusal or failure the edits stay and the status says why.
 * Returns true when saved. */
bool editor_save(struct editor *ed);
/* Save without the checks of the screen; overwrite a file changed on disk
 * when asked to, else say what changed (DLG_CHANGED). */
bool editor_save_as_is(struct editor *ed, bool overwrite);
/* The problem to show for a field (errors first), or NULL. */
const struct problem *editor_problem(const struct editor *ed, enum field_id id);
/* Keys that edit a field's value (shared with the wizard). Returns
 * UI_HANDLED when the key was used. */
int editor_edit_key(struct editor *ed, enum field_id id, int key);
/* Keys that edit any text (cursor, delete, typing); UI_HANDLED, with
 * UI_CHANGED when the text changed. */
int editor_text_key(struct lineedit *le, int key);
/* Draw a text in fw cells at y, x: the text being typed in the terminal's
 * own rendition (a keystroke then costs the character alone), the rest of
 * the field underlined to show its extent. *cx gets the cursor column. */
void editor_draw_edit(WINDOW *w, int y, int x, int fw, struct lineedit *le, bool mask,
		      bool focused, int *cx);
/* Draw one field: label in lw cells, value in fw cells, its message on the
 * next row when there is one. Returns the rows used; *cx receives the
 * cursor column when the field is focused. */
int editor_draw_field(const struct editor *ed, WINDOW *w, int y, int x, int lw, int fw,
		      enum field_id id, bool focused, int *cx);
void editor_apply_preset(struct editor *ed, const struct preset *p);
/* The keys every screen treats alike: F1 help, F4 show/hide password. */
int editor_common_key(struct editor *ed, enum action a);
void form_draw(struct editor *ed);
int form_key(struct editor *ed, int key);

/* dialog.c */
void dialog_open(struct editor *ed, enum dialog_kind kind, const char *title, const char *text);
void dialog_close(struct editor *ed);
void dialog_draw(struct editor *ed);
int dialog_key(struct editor *ed, int key);

/* testpane.c: the test send panel (the 送信テスト pane, a wizard step) */
void testpane_open(struct editor *ed);
/* Draw in the h rows from y; *cy, *cx get the cursor when it is there. */
void testpane_draw(struct editor *ed, WINDOW *w, int y, int x, int wd, int h, int *cy, int *cx);
int testpane_key(struct editor *ed, int key);

/* dnspane.c: the report of the DNS チェック pane, below its fields */
void dnspane_draw(struct editor *ed, WINDOW *w, int y, int x, int wd, int bottom);
int dnspane_key(struct editor *ed, int key);

/* safety.c */
/* Take the lock (or ask what to do), then offer recovered edits. */
void safety_start(struct editor *ed);
/* The startup question after a lock dialog: recovered edits. */
void safety_offer_recovery(struct editor *ed);
void safety_restore(struct editor *ed);
/* The user saved or discarded: the recovery file goes. */
void safety_forget_recovery(struct editor *ed);
/* The terminal went away or a signal came: keep the unsaved edits. */
void safety_hangup(struct editor *ed);
/* Break a stale lock and edit. */
void safety_break_lock(struct editor *ed);
/* Say what changed on disk (DLG_CHANGED); reload keeping our edits. */
void safety_changed(struct editor *ed);
void safety_reload(struct editor *ed);
void safety_release(struct editor *ed);

/* wizard.c */
void wizard_start(struct editor *ed);
void wizard_free(struct editor *ed);
void wizard_draw(struct editor *ed);
int wizard_key(struct editor *ed, int key);

#endif
