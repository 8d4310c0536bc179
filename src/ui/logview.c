/* logview.c - a scrolling view of a job's lines. */
#include "mailset/ui/logview.h"

#include "mailset/ui/screen.h"

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
