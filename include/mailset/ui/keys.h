/* SPDX-License-Identifier: MIT */
/* keys.h - every key of every screen and dialog, in one table.
 *
 * Each row binds keys to an action in a scope (a screen, a pane in one of
 * its states, a dialog). A scope includes others (the form includes the
 * global keys and the field-editing keys). What a key does is looked up in
 * the scopes of the moment, innermost first; the key bar, the dialog
 * footers, the pane hints, the F1 help and the man page's key lists are all
 * generated from the rows, so none can drift from the bindings. A key is a
 * character code point, or a curses KEY_* code tagged with KEY_FN. */
#ifndef MAILSET_UI_KEYS_H
#define MAILSET_UI_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#define KEY_FN 0x1000000
#define CTRL_KEY(c) ((c) & 0x1f)

enum action {
	ACT_NONE,
	/* global */
	ACT_HELP, ACT_SAVE, ACT_PRESETS, ACT_REVEAL, ACT_TESTSEND, ACT_PROBE, ACT_HELP_TEXT, ACT_QUIT,
	/* moving */
	ACT_CANCEL, ACT_ENTER, ACT_NEXT, ACT_PREV, ACT_NEXT_SECTION, ACT_PREV_SECTION,
	/* editing a field */
	ACT_LEFT, ACT_RIGHT, ACT_HOME, ACT_END, ACT_BACKSPACE, ACT_DELETE, ACT_KILL, ACT_CLEAR,
	/* the wizard */
	ACT_BACK,
	/* the test send and DNS panes */
	ACT_SEND, ACT_SHOP_TEST, ACT_CHECK, ACT_STOP, ACT_TO_LOG, ACT_TO_FIELDS, ACT_SCROLL_UP, ACT_SCROLL_DOWN,
	ACT_SCROLL_PAGE_UP, ACT_SCROLL_PAGE_DOWN, ACT_SCROLL_TOP, ACT_SCROLL_END, ACT_SAVE_LOG,
	ACT_APPLY_PROVIDER,
	/* dialogs */
	ACT_CLOSE, ACT_SAVE_QUIT, ACT_DISCARD, ACT_READ_ONLY, ACT_BREAK_LOCK, ACT_RESTORE,
	ACT_RELOAD, ACT_OVERWRITE, ACT_ELSEWHERE, ACT_YES, ACT_NO, ACT_PICK, ACT_SAVE_COPY,
	ACT_BUTTON_PREV, ACT_BUTTON_NEXT, ACT_BUTTON_PRESS,
	/* the BCC list */
	ACT_LIST, ACT_ADD, ACT_EDIT, ACT_DELETE_ROW, ACT_TOGGLE,
	ACT_COUNT
};

enum scope {
	SC_GLOBAL,       /* the function keys of the main screen */
	SC_FIELD,        /* editing a text field */
	SC_FORM,         /* the main screen's fields and sidebar */
	SC_TEST,         /* test send pane: the recipient */
	SC_TEST_LOG,     /* test send pane: the dialogue */
	SC_TEST_RUN,     /* test send pane: while sending */
	SC_DNS,          /* DNS pane: its fields */
	SC_DNS_LOG,      /* DNS pane: the report */
	SC_DNS_OFFER,    /* ... which found a provider while the SMTP settings are empty */
	SC_DNS_RUN,      /* DNS pane: while asking */
	SC_BCC,          /* the BCC field (with the form's or the wizard's) */
	SC_WIZARD,       /* first-time setup: every step */
	SC_WIZARD_LIST,  /* a step that is a list to choose from */
	SC_WIZARD_PATTERN, /* ... the common setups, where 3 is added to 1 or 2 */
	SC_WIZARD_FIELDS,/* a step with fields */
	SC_BUTTONS,      /* choosing a dialog's button with the arrows */
	SC_MESSAGE,      /* dialogs */
	SC_HELP,
	SC_QUIT,
	SC_ABANDON,
	SC_PICKER,
	SC_LOCKED,
	SC_STALE,
	SC_RECOVER,
	SC_CHANGED,
	SC_SAVEAS,
	SC_BCC_LIST,
	SC_BCC_EDIT,
	SC_COUNT
};

#define KEYS_PER_ACTION 5
#define SCOPE_INCLUDES 3

struct binding {
	enum scope scope;
	enum action act;
	int keys[KEYS_PER_ACTION];   /* 0 ends the list */
	const char *bar_ja, *bar_en; /* the label in the key bar or footer, or NULL */
	const char *help_ja, *help_en;
};

struct scope_info {
	const char *name;            /* as in the man page: "form", "test send: dialogue"... */
	const char *title_ja, *title_en; /* the heading in the F1 help */
	enum scope includes[SCOPE_INCLUDES]; /* looked at after the scope's own rows */
	int nincludes;
	bool typing;                 /* typing edits text here */
};

extern const struct binding keys_table[];
extern const size_t keys_count;
extern const struct scope_info keys_scopes[SC_COUNT];

/* The action of key in the chain of scopes (innermost first, each with its
 * includes), or ACT_NONE. *where gets the scope of the row when not NULL. */
enum action keys_lookup(const enum scope *chain, size_t n, int key);
/* The same for one scope and its includes. */
enum action keys_action(enum scope sc, int key);

/* A key's name as shown to users: "F2", "Ctrl-S", "Enter", "↑", "s". */
const char *keys_name(int key);

/* The rows of a chain, in the order help shows them, each with the keys
 * that still do what it says (a key an inner scope rebinds is dropped; a
 * row left without keys is skipped). Calls fn for each. */
typedef void (*keys_row_fn)(void *ctx, const struct binding *b, const int *keys, int nkeys);
void keys_each(const enum scope *chain, size_t n, keys_row_fn fn, void *ctx);
/* "F2 / Ctrl-S": the names of keys, joined, alike names once. New string. */
char *keys_label(const int *keys, int nkeys);
/* The F1 help text of a chain: "keys\tdescription" lines under a heading
 * per scope. New string. */
char *keys_help(const enum scope *chain, size_t n);
/* Every key of the chain that does something, in a new array of *count
 * (the unit test compares it with what the handlers take). */
int *keys_bound(const enum scope *chain, size_t n, size_t *count);

/* The first key bound twice within one scope, or in two scopes that one
 * scope includes, or 0 (the unit test calls this); _in: any table. A
 * scope's own rows may rebind a key of a scope it includes. */
int keys_collision(void);
int keys_collision_in(const struct binding *t, size_t n);

#endif
