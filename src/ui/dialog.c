/* SPDX-License-Identifier: MIT */
/* dialog.c - the frame of every dialog: window, box, title, wrapped text
 * that scrolls, and a footer made from the dialog's keys; and the two
 * dialogs that are nothing but the frame, a message and the key help. */
#include "mailset/ui/dialog.h"

#include <stdlib.h>
#include <string.h>

#include "mailset/i18n.h"
#include "mailset/ui/editor.h"
#include "mailset/util.h"

#define HELP_KEYS_W 19

/* The dialog's text as screen lines: wrapped to width, and a "keys\tdesc"
 * line (the key help) as two columns with the description hanging. Each
 * line's indent goes to indent[i]. Returns the count. */
static size_t text_lines(const char *text, int width, char ***out, int **indent)
{
	size_t n = 0;
	*out = NULL;
	*indent = NULL;
	char **para;
	size_t np = term_wrap(text, 1 << 20, &para);
	for (size_t i = 0; i < np; i++) {
		char *tab = strchr(para[i], '\t');
		char **wl;
		size_t nw = tab ? term_wrap(tab + 1, width - HELP_KEYS_W, &wl)
				: term_wrap(para[i], width, &wl);
		if (!nw) {
			wl = xmalloc(sizeof *wl);
			wl[0] = xstrdup("");
			nw = 1;
		}
		*out = xrealloc(*out, (n + nw + 1) * sizeof **out);
		*indent = xrealloc(*indent, (n + nw + 1) * sizeof **indent);
		for (size_t j = 0; j < nw; j++) {
			if (tab && j == 0) {
				*tab = '\0';
				int pad = HELP_KEYS_W - term_width(para[i]);
				(*out)[n] = xasprintf("%s%*s%s", para[i], pad > 0 ? pad : 1, "", wl[0]);
				free(wl[0]);
				(*indent)[n++] = 0;
			} else {
				(*out)[n] = wl[j];
				(*indent)[n++] = tab ? HELP_KEYS_W : 0;
			}
		}
		free(wl);
		free(para[i]);
	}
	free(para);
	return n;
}

static void free_lines(char **lines, int *indent, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	free(indent);
}

static int text_width(void)
{
	int w = COLS - 8 < 72 ? COLS - 8 : 72;
	return w < 20 ? 20 : w;
}

static void free_window(struct dialog *d)
{
	if (d->ops->unfit)
		d->ops->unfit(d);
	if (d->win)
		delwin(d->win);
	d->win = NULL;
}

static void layout(struct editor *ed, struct dialog *d)
{
	free_window(d);
	int w = text_width();
	char **lines;
	int *indent;
	size_t n = text_lines(d->text ? d->text : "", w - 4, &lines, &indent);
	free_lines(lines, indent, n);
	d->nlines = (int)n;
	int extra = d->ops->rows ? d->ops->rows(ed, d) : 0;
	int h = (d->text && *d->text ? (int)n : 0) + 5 + extra;
	if (h > LINES - 2)
		h = LINES - 2;
	if (h < 5)
		h = 5;
	d->win = newwin(h, w, (LINES - h) / 2, (COLS - w) / 2);
	keypad(d->win, TRUE);
	d->lines = LINES;
	d->cols = COLS;
	if (d->ops->fit)
		d->ops->fit(ed, d);
}

void dialog_close(struct editor *ed)
{
	struct dialog *d = ed->dlg;
	if (!d)
		return;
	free_window(d);
	if (d->ops->free)
		d->ops->free(d->state);
	free(d->title);
	free(d->text);
	free(d);
	ed->dlg = NULL;
}

void dialog_open(struct editor *ed, const struct dialog_ops *ops, const char *title,
		 const char *text, void *state)
{
	dialog_close(ed);
	struct dialog *d = xcalloc(1, sizeof *d);
	d->ops = ops;
	d->title = xstrdup(title ? title : "");
	d->text = text ? transcript_safe_lines(text) : NULL; /* values in it */
	d->state = state;
	d->button = ops->button;
	ed->dlg = d;
	layout(ed, d);
}

void dialog_fit(struct editor *ed)
{
	struct dialog *d = ed->dlg;
	if (!d)
		return;
	if (d->lines != LINES || d->cols != COLS)
		layout(ed, d);
	int h = getmaxy(d->win);
	int rows = h - 4 - (d->ops->rows ? d->ops->rows(ed, d) : 0);
	if (d->top > d->nlines - rows)
		d->top = d->nlines - rows > 0 ? d->nlines - rows : 0;
}

void dialog_draw(const struct editor *ed)
{
	const struct dialog *d = ed->dlg;
	if (!d || !d->win)
		return;
	int h, w;
	getmaxyx(d->win, h, w);
	if (!d->ops->keeps_window)
		werase(d->win);
	box(d->win, 0, 0);
	if (d->title && *d->title) {
		mvwaddch(d->win, 0, 1, ' ');
		int n = term_put(d->win, 0, 2, d->title, w - 6, term_style(ST_HEADING));
		mvwaddch(d->win, 0, 2 + n, ' ');
	}
	if (d->text) {
		char **lines;
		int *indent;
		size_t n = text_lines(d->text, w - 4, &lines, &indent);
		int rows = h - 4 - (d->ops->rows ? d->ops->rows(ed, d) : 0);
		for (size_t i = 0; i < n; i++) {
			int y = (int)i - d->top;
			if (y >= 0 && y < rows)
				term_put(d->win, 2 + y, 2 + indent[i], lines[i], w - 4 - indent[i],
					 A_NORMAL);
		}
		free_lines(lines, indent, n);
	}
	enum scope sc = dialog_scope(d);
	bool choose = keys_scopes[sc].nincludes && keys_scopes[sc].includes[0] == SC_BUTTONS;
	editor_draw_keybar(d->win, h - 2, 2, w - 4, &sc, 1, 0, choose ? d->button : -1,
			   term_style(ST_INFO));
	struct cursor cur = { -1, -1 };
	if (d->ops->draw)
		d->ops->draw(ed, d, &cur);
	/* stdscr was just drawn over this area: copy all of the dialog. */
	touchwin(d->win);
	wnoutrefresh(d->win);
	if (cur.y >= 0) {
		/* the cursor in the dialog's field, in screen coordinates */
		int by, bx;
		getbegyx(d->win, by, bx);
		term_cursor(true);
		wmove(stdscr, by + cur.y, bx + cur.x);
		wnoutrefresh(stdscr);
	} else {
		term_cursor(false);
	}
}

enum scope dialog_scope(const struct dialog *d)
{
	return d->ops->scope_now ? d->ops->scope_now(d) : d->ops->scope;
}

/* The footer's buttons: the dialog's own rows with a label. */
static int buttons(enum scope sc, const struct binding **out, int max)
{
	int n = 0;
	for (size_t i = 0; i < keys_count && n < max; i++)
		if (keys_table[i].scope == sc && keys_table[i].bar_ja)
			out[n++] = &keys_table[i];
	return n;
}

int dialog_key(struct editor *ed, int key)
{
	struct dialog *d = ed->dlg;
	enum action act = keys_action(dialog_scope(d), key);
	const struct binding *b[8];
	int nb = buttons(dialog_scope(d), b, 8);
	switch (act) {
	case ACT_BUTTON_PREV:
	case ACT_BUTTON_NEXT:
		d->button = (d->button + (act == ACT_BUTTON_NEXT ? 1 : -1) + nb) % nb;
		return UI_HANDLED;
	case ACT_BUTTON_PRESS:
		return d->ops->key(ed, d, b[d->button]->act, b[d->button]->keys[0]);
	case ACT_SCROLL_UP:
		d->top = d->top > 0 ? d->top - 1 : 0;
		return UI_HANDLED;
	case ACT_SCROLL_DOWN:
		d->top++;
		return UI_HANDLED;
	case ACT_SCROLL_PAGE_UP:
		d->top = d->top > 10 ? d->top - 10 : 0;
		return UI_HANDLED;
	case ACT_SCROLL_PAGE_DOWN:
		d->top += 10;
		return UI_HANDLED;
	default:
		break;
	}
	return d->ops->key(ed, d, act, key);
}

/* ------------------------------------------ a message, and the key help */

static int close_key(struct editor *ed, struct dialog *d, enum action act, int key)
{
	(void)d;
	(void)key;
	if (act != ACT_CLOSE)
		return 0;
	dialog_close(ed);
	return UI_HANDLED;
}

static const struct dialog_ops message_ops = { .scope = SC_MESSAGE, .key = close_key };
static const struct dialog_ops help_ops = { .scope = SC_HELP, .key = close_key };

void dialog_message(struct editor *ed, const char *title, const char *text)
{
	dialog_open(ed, &message_ops, title, text, NULL);
}

void dialog_help(struct editor *ed, const enum scope *sc, int n)
{
	char *text = keys_help(sc, (size_t)n);
	dialog_open(ed, &help_ops, _("Keys"), text, NULL);
	free(text);
}
