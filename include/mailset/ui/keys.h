/* keys.h - every action of the editor and the keys bound to it.
 *
 * One table: the key dispatch, the key bar and the F1 help all read it, so
 * help cannot drift from the bindings. A key is a character code point, or
 * a curses KEY_* code tagged with KEY_FN. */
#ifndef MAILSET_UI_KEYS_H
#define MAILSET_UI_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#define KEY_FN 0x1000000
#define CTRL_KEY(c) ((c) & 0x1f)

enum action {
	ACT_NONE,
	ACT_HELP,
	ACT_SAVE,
	ACT_PRESETS,
	ACT_REVEAL,
	ACT_TESTSEND,
	ACT_PROBE,
	ACT_QUIT,
	ACT_CANCEL,
	ACT_ENTER,
	ACT_NEXT,
	ACT_PREV,
	ACT_NEXT_SECTION,
	ACT_PREV_SECTION,
	ACT_LEFT,
	ACT_RIGHT,
	ACT_HOME,
	ACT_END,
	ACT_BACKSPACE,
	ACT_DELETE,
	ACT_KILL,
	ACT_CLEAR,
	ACT_COUNT
};

#define KEYS_PER_ACTION 3

struct binding {
	enum action act;
	int keys[KEYS_PER_ACTION];   /* 0 ends the list */
	const char *keys_label;      /* as shown in help, e.g. "F2 / Ctrl-S" */
	const char *bar_ja, *bar_en; /* short label in the key bar, or NULL */
	const char *help_ja, *help_en;
};

extern const struct binding keys_table[];
extern const size_t keys_count;

/* The action bound to key, or ACT_NONE. */
enum action keys_action(int key);
/* The binding of act (never NULL for a valid action). */
const struct binding *keys_binding(enum action act);
/* The first key of a collision found in the table, or 0 when every key
 * is bound once (the unit test calls this); _in: in any table t of n. */
int keys_collision(void);
int keys_collision_in(const struct binding *t, size_t n);

#endif
