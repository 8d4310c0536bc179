/* SPDX-License-Identifier: MIT */
/* bcclist.c - the BCC list (F7 on the BCC field): one address a row, each
 * added, edited or deleted on its own and checked as it is entered; closing
 * puts the list back in the field, comma-separated. */
#include "mailset/ui/screens.h"

#include <stdlib.h>
#include <string.h>

#include "mailset/i18n.h"
#include "mailset/ui/dialog.h"
#include "mailset/util.h"

#define LIST_ROWS 8

struct bcclist {
	char **addr;
	int n;
	int sel;             /* the chosen row */
	int top;             /* first row shown */
	int editing;         /* the row being edited, n for a new one, -1 none */
	struct lineedit le;
};

static void free_list(void *state)
{
	struct bcclist *l = state;
	for (int i = 0; i < l->n; i++)
		free(l->addr[i]);
	free(l->addr);
	le_free(&l->le);
	free(l);
}

static enum scope scope_now(const struct dialog *d)
{
	const struct bcclist *l = d->state;
	return l->editing >= 0 ? SC_BCC_EDIT : SC_BCC_LIST;
}

static int rows(const struct editor *ed, const struct dialog *d)
{
	(void)ed;
	(void)d;
	return LIST_ROWS + 2;
}

static void fit(struct editor *ed, struct dialog *d)
{
	(void)ed;
	struct bcclist *l = d->state;
	if (l->sel < l->top)
		l->top = l->sel;
	if (l->sel >= l->top + LIST_ROWS)
		l->top = l->sel - LIST_ROWS + 1;
	editor_fit_edit(&l->le, getmaxx(d->win) - 6);
}

static void draw(const struct editor *ed, const struct dialog *d, struct cursor *cur)
{
	(void)ed;
	const struct bcclist *l = d->state;
	int h = getmaxy(d->win), w = getmaxx(d->win), y0 = h - 4 - LIST_ROWS - 1;
	if (!l->n && l->editing < 0)
		term_put(d->win, y0, 4, _("(no address yet: A adds one)"), w - 6, term_style(ST_INFO));
	for (int i = 0; i < LIST_ROWS && l->top + i < l->n; i++) {
		int at = l->top + i;
		bool sel = at == l->sel;
		if (at == l->editing)
			continue;
		char *row = xasprintf("%s %s", sel ? "\xE2\x96\xB8" : " ", l->addr[at]);
		term_put(d->win, y0 + i, 2, row, w - 4, sel ? term_style(ST_SIDE_SEL) : A_NORMAL);
		free(row);
	}
	if (l->editing >= 0) {
		int y = y0 + (l->editing < l->n ? l->editing - l->top : (l->n - l->top < LIST_ROWS
									   ? l->n - l->top
									   : LIST_ROWS - 1));
		int cx = 4;
		term_put(d->win, y, 2, "\xE2\x96\xB8", 1, A_NORMAL);
		editor_draw_edit(d->win, y, 4, w - 6, &l->le, false, true, &cx);
		*cur = (struct cursor){ y, cx };
	}
}

/* The list as the field's value. */
static void put_back(struct editor *ed, const struct bcclist *l)
{
	struct strbuf sb = { 0 };
	for (int i = 0; i < l->n; i++)
		sb_addf(&sb, "%s%s", i ? "," : "", l->addr[i]);
	editor_set_value(ed, F_BCC, sb.buf ? sb.buf : "");
	sb_free(&sb);
}

static int key(struct editor *ed, struct dialog *d, enum action act, int k)
{
	struct bcclist *l = d->state;
	if (l->editing >= 0) {
		if (act == ACT_CLOSE) {
			l->editing = -1;
			return UI_HANDLED;
		}
		if (act != ACT_SAVE_COPY)
			return editor_text_key(&l->le, act, k) & UI_HANDLED;
		char *v = le_get(&l->le);
		char *why = validate_address(v);
		if (why) {
			editor_status(ed, ST_ERROR, "%s: %s", v, why);
			free(why);
			free(v);
			return UI_HANDLED;
		}
		if (l->editing == l->n) {
			l->addr = xrealloc(l->addr, (size_t)(l->n + 1) * sizeof *l->addr);
			l->addr[l->n++] = v;
		} else {
			free(l->addr[l->editing]);
			l->addr[l->editing] = v;
		}
		l->sel = l->editing;
		l->editing = -1;
		put_back(ed, l);
		return UI_HANDLED;
	}
	switch (act) {
	case ACT_NEXT:
		l->sel = l->n && l->sel < l->n - 1 ? l->sel + 1 : l->sel;
		return UI_HANDLED;
	case ACT_PREV:
		l->sel = l->sel > 0 ? l->sel - 1 : 0;
		return UI_HANDLED;
	case ACT_ADD:
		le_set(&l->le, "");
		l->editing = l->n;
		l->sel = l->n;
		return UI_HANDLED;
	case ACT_EDIT:
		if (!l->n)
			return UI_HANDLED;
		le_set(&l->le, l->addr[l->sel]);
		l->editing = l->sel;
		return UI_HANDLED;
	case ACT_DELETE_ROW:
		if (!l->n)
			return UI_HANDLED;
		free(l->addr[l->sel]);
		memmove(l->addr + l->sel, l->addr + l->sel + 1,
			(size_t)(l->n - l->sel - 1) * sizeof *l->addr);
		l->n--;
		if (l->sel >= l->n && l->sel > 0)
			l->sel--;
		put_back(ed, l);
		return UI_HANDLED;
	case ACT_CLOSE:
		dialog_close(ed);
		return UI_HANDLED;
	default:
		return 0;
	}
}

static const struct dialog_ops bcc_dialog = {
	.scope = SC_BCC_LIST,
	.scope_now = scope_now,
	.key = key,
	.free = free_list,
	.rows = rows,
	.fit = fit,
	.draw = draw,
};

void bcclist_open(struct editor *ed)
{
	struct bcclist *l = xcalloc(1, sizeof *l);
	l->editing = -1;
	char *copy = xstrdup(settings_get(&ed->cfg.s, F_BCC)), *save = NULL;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		while (*t == ' ')
			t++;
		size_t len = strlen(t);
		while (len && t[len - 1] == ' ')
			t[--len] = '\0';
		if (!len)
			continue;
		l->addr = xrealloc(l->addr, (size_t)(l->n + 1) * sizeof *l->addr);
		l->addr[l->n++] = xstrdup(t);
	}
	free(copy);
	dialog_open(ed, &bcc_dialog, settings_label(F_BCC),
		    _("One address a row; each is checked as it is entered. The field gets the list, "
		      "comma-separated."),
		    l);
}
