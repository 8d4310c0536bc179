/* SPDX-License-Identifier: MIT */
/* lineedit.h - a one-line text field of wide characters.
 *
 * Holds the text as wide characters so that the cursor moves and deletes
 * whole characters; drawing respects each character's display width
 * (Japanese characters take two cells) and scrolls a long value sideways
 * to keep the cursor visible. */
#ifndef MAILSET_UI_LINEEDIT_H
#define MAILSET_UI_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

struct lineedit {
	wchar_t *buf;
	size_t len, cap;
	size_t cur;          /* cursor, 0..len */
	size_t scroll;       /* first character shown */
};

/* Replace the text with UTF-8 s (invalid bytes become U+FFFD); the cursor
 * goes to the end. */
void le_set(struct lineedit *le, const char *s);
/* The text as a new UTF-8 string. */
char *le_get(const struct lineedit *le);
void le_free(struct lineedit *le);

void le_insert(struct lineedit *le, wchar_t c);
bool le_backspace(struct lineedit *le);
bool le_delete(struct lineedit *le);
bool le_kill(struct lineedit *le);   /* to the end */
bool le_clear(struct lineedit *le);
void le_left(struct lineedit *le);
void le_right(struct lineedit *le);
void le_home(struct lineedit *le);
void le_end(struct lineedit *le);
/* Put the cursor on character index i (clamped). */
void le_move(struct lineedit *le, size_t i);
/* Delete the run of c around the cursor (the cursor stays where it began);
 * true when there was one. */
bool le_take_run(struct lineedit *le, wchar_t c);

/* Display width of a character: 2 for wide ones, 1 otherwise (control and
 * unprintable characters are drawn as one-cell placeholders). */
int le_width(wchar_t c);
/* Adjust scroll so the cursor is visible in width cells. */
void le_scroll(struct lineedit *le, int width);

#endif
