/* SPDX-License-Identifier: MIT */
/* term.h - the terminal: set-up, signals, input, styles, restoring.
 *
 * term_open() refuses a terminal that cannot address the cursor (dumb or
 * unknown TERM) with a message instead of crashing. Signals arrive through
 * a self-pipe, so the main loop sleeps in poll() and never spins. Whatever
 * happens, term_close() (also run at exit) puts the terminal back. */
#ifndef MAILSET_UI_TERM_H
#define MAILSET_UI_TERM_H

#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

enum style {
	ST_NORMAL,
	ST_TITLE,
	ST_SIDE_SEL,
	ST_FIELD,
	ST_FIELD_FOCUS,
	ST_ERROR,
	ST_WARNING,
	ST_INFO,
	ST_OK,
	ST_KEY,
	ST_DIALOG,
	ST_HEADING,
	ST_COUNT
};

/* Signals seen since the last term_signals() call. */
#define TSIG_WINCH 0x1
#define TSIG_INT   0x2
#define TSIG_TERM  0x4
#define TSIG_HUP   0x8

/* Start curses on the terminal of stdin/stdout. Returns 0, or -1 with a
 * sentence in err saying why and what to do. */
int term_open(char *err, size_t errlen);
/* Restore the terminal; safe to call twice. */
void term_close(void);
/* Have term_close() clear the screen first: something shown (the
 * password) must not stay on a terminal without an alternate screen. */
void term_wipe_at_exit(void);
/* The editor leaves because of a signal or a hang-up: term_close() then
 * also leaves the terminal's session. */
void term_hung_up(void);

/* The descriptor to poll for signals, and the signals that came. */
int term_signal_fd(void);
int term_signals(void);
/* Take the new window size after SIGWINCH. */
void term_resize(void);

/* Bracketed paste: the keys term_key() gives for what the terminal sends
 * before and after pasted text (so a pasted newline is not Enter). */
#define TERM_PASTE_BEGIN (0x1000000 | (KEY_MAX + 1))
#define TERM_PASTE_END   (0x1000000 | (KEY_MAX + 2))

/* One key without waiting: a character, or KEY_FN | a curses key code;
 * -1 when there is none. */
int term_key(void);

/* Show or hide the cursor (where the next doupdate() leaves it). */
void term_cursor(bool on);

attr_t term_style(enum style s);

/* Draw UTF-8 text at y, x in at most maxw cells; longer text ends in "…".
 * Returns the cells used. */
int term_put(WINDOW *w, int y, int x, const char *s, int maxw, attr_t a);
/* Display width of UTF-8 text, and the text broken into lines: the pure
 * functions of textwrap.h (textwrap_width(), textwrap(), textwrap_values()),
 * under the names the screens use. */
int term_width(const char *s);
size_t term_wrap(const char *s, int width, char ***out);
size_t term_wrap_values(const char *s, int width, char ***out);

#endif
