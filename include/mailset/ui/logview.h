/* logview.h - a scrolling view of a job's lines: it follows the end until
 * scrolled, and a scroll starts from what is on the screen. */
#ifndef MAILSET_UI_LOGVIEW_H
#define MAILSET_UI_LOGVIEW_H

#include <stdbool.h>

#include "mailset/ui/keys.h"

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

#endif
