/* SPDX-License-Identifier: MIT */
/* logview.h - a scrolling view of a job's lines: it follows the end until
 * scrolled, and a scroll starts from what is on the screen. */
#ifndef MAILSET_UI_LOGVIEW_H
#define MAILSET_UI_LOGVIEW_H

#include <stdbool.h>

#include "mailset/ui/job.h"
#include "mailset/ui/keys.h"
#include "mailset/ui/term.h"

struct logview {
	int top;             /* first row shown; -1 follows the end */
	int first_shown;     /* what the last fit put first (fit sets it) */
	bool focused;        /* keys go to the view */
};

void logview_reset(struct logview *lv);
/* Fit to total rows in a window of rows: what is shown first. */
void logview_fit(struct logview *lv, int total, int rows);
/* The scroll actions; UI_HANDLED when act was one. */
int logview_key(struct logview *lv, enum action act);

/* A job's lines as screen rows: each line's text wrapped by wrap() to
 * width - indent cells; its first row is first(line, first part), the
 * others are indented by indent blanks; style() gives each line's look.
 * Returns the count; free with logview_rows_free(). */
struct logview_rows {
	char **row;
	attr_t *attr;
	size_t n;
};
void logview_rows(const struct job *j, int width, int indent,
		  size_t (*wrap)(const char *s, int width, char ***out),
		  char *(*first)(const struct jobline *l, const char *part),
		  attr_t (*style)(const struct job *j, size_t i), struct logview_rows *out);
void logview_rows_free(struct logview_rows *r);

#endif
