/* SPDX-License-Identifier: MIT */
/* logview.c - a scrolling view of a job's lines. */
#include "mailset/ui/logview.h"

#include <stdlib.h>

#include "mailset/ui/screen.h"
#include "mailset/util.h"

void logview_reset(struct logview *lv)
{
	lv->top = -1;
	lv->first_shown = 0;
	lv->focused = false;
}

void logview_fit(struct logview *lv, int total, int rows)
{
	int first = lv->top < 0 || lv->top > total - rows ? total - rows : lv->top;
	lv->first_shown = first < 0 ? 0 : first;
}

int logview_key(struct logview *lv, enum action act)
{
	/* Scrolling starts from what is on the screen. */
	int top = lv->top < 0 ? lv->first_shown : lv->top;
	switch (act) {
	case ACT_SCROLL_UP:
		lv->top = top > 0 ? top - 1 : 0;
		return UI_HANDLED;
	case ACT_SCROLL_DOWN:
		lv->top = top + 1;
		return UI_HANDLED;
	case ACT_SCROLL_PAGE_UP:
		lv->top = top > 10 ? top - 10 : 0;
		return UI_HANDLED;
	case ACT_SCROLL_PAGE_DOWN:
		lv->top = top + 10;
		return UI_HANDLED;
	case ACT_SCROLL_TOP:
		lv->top = 0;
		return UI_HANDLED;
	case ACT_SCROLL_END:
		lv->top = -1;
		return UI_HANDLED;
	default:
		return 0;
	}
}

void logview_rows(const struct job *j, int width, int indent,
		  size_t (*wrap)(const char *s, int width, char ***out),
		  char *(*first)(const struct jobline *l, const char *part),
		  attr_t (*style)(const struct job *j, size_t i), struct logview_rows *out)
{
	*out = (struct logview_rows){ NULL, NULL, 0 };
	for (size_t i = 0; i < j->nlines; i++) {
		const struct jobline *l = &j->lines[i];
		char **wl;
		size_t nw = wrap(l->text, width - indent, &wl);
		if (!nw) {
			wl = xmalloc(sizeof *wl);
			wl[0] = xstrdup("");
			nw = 1;
		}
		out->row = xrealloc(out->row, (out->n + nw) * sizeof *out->row);
		out->attr = xrealloc(out->attr, (out->n + nw) * sizeof *out->attr);
		attr_t a = style(j, i);
		for (size_t w = 0; w < nw; w++) {
			out->row[out->n] = w ? xasprintf("%*s%s", indent, "", wl[w]) : first(l, wl[w]);
			free(wl[w]);
			out->attr[out->n++] = a;
		}
		free(wl);
	}
}

void logview_rows_free(struct logview_rows *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->row[i]);
	free(r->row);
	free(r->attr);
	*r = (struct logview_rows){ NULL, NULL, 0 };
}
