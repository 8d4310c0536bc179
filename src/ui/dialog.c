/* dialog.c - dialogs over the main screen, in a window of their own: a message,
 * the quit question, the preset picker (a menu) and the key help. */
#include "mailset/ui/editor.h"

#include <stdlib.h>
#include <string.h>

#include "mailset/i18n.h"
#include "mailset/ui/keys.h"
#include "mailset/util.h"

static void free_window(struct dialog *d)
{
	if (d->menu) {
		WINDOW *sub = menu_sub(d->menu);
		unpost_menu(d->menu);
		free_menu(d->menu);
		if (sub && sub != d->win)
			delwin(sub);
		d->menu = NULL;
	}
	if (d->items) {
		for (int i = 0; d->items[i]; i++)
			free_item(d->items[i]);
		free(d->items);
		d->items = NULL;
	}
	if (d->names) {
		for (int i = 0; d->names[i]; i++)
			free(d->names[i]);
		free(d->names);
		d->names = NULL;
	}
	if (d->win) {
		delwin(d->win);
		d->win = NULL;
	}
}

void dialog_close(struct editor *ed)
{
	free_window(&ed->dlg);
	free(ed->dlg.title);
	free(ed->dlg.text);
	memset(&ed->dlg, 0, sizeof ed->dlg);
}

/* The help text: every binding of the action table. */
static char *help_text(void)
{
	struct strbuf sb = { 0 };
	for (size_t i = 0; i < keys_count; i++) {
		const struct binding *b = &keys_table[i];
		sb_addf(&sb, "%s\t%s\n", b->keys_label, i18n_pick(b->help_ja, b->help_en));
	}
	sb_adds(&sb, i18n_pick("\n文字を入力すると、フォーカスのある項目を編集します。",
			       "\nTyping edits the focused field."));
	return sb_steal(&sb);
}

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

static void layout(struct editor *ed)
{
	struct dialog *d = &ed->dlg;
	free_window(d);
	int w = COLS - 8 < 72 ? COLS - 8 : 72, h;
	if (w < 20)
		w = 20;
	if (d->kind == DLG_PICKER) {
		h = (int)ed->presets.n + 6;
	} else {
		char **lines;
		int *indent;
		size_t n = text_lines(d->text ? d->text : "", w - 4, &lines, &indent);
		free_lines(lines, indent, n);
		h = (int)n + 5 + (d->kind == DLG_SAVEAS ? 2 : 0);
	}
	if (h > LINES - 2)
		h = LINES - 2;
	if (h < 5)
		h = 5;
	d->win = newwin(h, w, (LINES - h) / 2, (COLS - w) / 2);
	keypad(d->win, TRUE);
	d->lines = LINES;
	d->cols = COLS;
	if (d->kind == DLG_PICKER) {
		size_t n = ed->presets.n;
		d->items = xcalloc(n + 1, sizeof *d->items);
		d->names = xcalloc(n + 1, sizeof *d->names);
		for (size_t i = 0; i < n; i++) {
			const struct preset *p = &ed->presets.v[i];
			d->names[i] = p->supported ? xstrdup(preset_name(p))
				: xasprintf("%s %s", preset_name(p), _("(not supported)"));
			d->items[i] = new_item(d->names[i], p->host);
			set_item_userptr(d->items[i], (void *)p);
		}
		d->menu = new_menu(d->items);
		set_menu_win(d->menu, d->win);
		set_menu_sub(d->menu, derwin(d->win, h - 5, w - 4, 2, 2));
		set_menu_format(d->menu, h - 5, 1);
		set_menu_mark(d->menu, "> ");
		set_menu_fore(d->menu, term_style(ST_SIDE_SEL));
		post_menu(d->menu);
	}
}

void dialog_open(struct editor *ed, enum dialog_kind kind, const char *title, const char *text)
{
	struct dialog *d = &ed->dlg;
	if (kind == d->kind && !title && !text) {
		/* The terminal changed size: same dialog, new layout. */
		int top = d->menu ? item_index(current_item(d->menu)) : 0;
		layout(ed);
		if (d->menu && top > 0)
			set_current_item(d->menu, d->items[top]);
		return;
	}
	dialog_close(ed);
	d->kind = kind;
	d->title = xstrdup(title ? title : "");
	d->text = kind == DLG_HELP ? help_text() : text ? xstrdup(text) : NULL;
	layout(ed);
}

static const char *footer(enum dialog_kind k)
{
	switch (k) {
	case DLG_LOCKED:
		return _("[R] Open read-only   [Q] Quit");
	case DLG_STALE:
		return _("[B] Remove the old lock and edit   [R] Read-only   [Q] Quit");
	case DLG_RECOVER:
		return _("[R] Restore these edits   [D] Discard them");
	case DLG_CHANGED:
		return _("[R] Reload, keep my edits  [O] Overwrite  [E] Elsewhere  [C] Cancel");
	case DLG_SAVEAS:
		return _("Enter: save a copy there   Esc: cancel");
	case DLG_QUIT:
		return _("[S] Save and quit   [D] Discard and quit   [C] Cancel");
	case DLG_ABANDON:
		return _("[Y] Quit the setup (nothing is saved)   [N] Go on");
	case DLG_PICKER:
		return _("Enter: apply   Esc: close");
	case DLG_HELP:
		return _("\xE2\x86\x91\xE2\x86\x93: scroll   Esc: close");
	default:
		return _("Enter or Esc: close");
	}
}

void dialog_draw(struct editor *ed)
{
	struct dialog *d = &ed->dlg;
	if (!d->win)
		return;
	int h, w;
	getmaxyx(d->win, h, w);
	if (!d->menu)
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
		int rows = h - 4;
		if (d->top > (int)n - rows)
			d->top = (int)n - rows > 0 ? (int)n - rows : 0;
		for (size_t i = 0; i < n; i++) {
			int y = (int)i - d->top;
			if (y >= 0 && y < rows)
				term_put(d->win, 2 + y, 2 + indent[i], lines[i], w - 4 - indent[i],
					 A_NORMAL);
		}
		free_lines(lines, indent, n);
	}
	term_put(d->win, h - 2, 2, footer(d->kind), w - 4, term_style(ST_INFO));
	if (d->kind == DLG_SAVEAS) {
		int cx = 2;
		editor_draw_edit(d->win, h - 4, 2, w - 4, &ed->saveas, false, true, &cx);
		touchwin(d->win);
		wnoutrefresh(d->win);
		curs_set(1);
		/* the cursor in the dialog's field, in screen coordinates */
		int by, bx;
		getbegyx(d->win, by, bx);
		wmove(stdscr, by + h - 4, bx + cx);
		wnoutrefresh(stdscr);
		return;
	}
	curs_set(0);
	/* stdscr was just drawn over this area: copy all of the dialog. */
	touchwin(d->win);
	wnoutrefresh(d->win);
}

static int pick(struct editor *ed)
{
	const struct preset *p = item_userptr(current_item(ed->dlg.menu));
	if (!p->supported) {
		char *t = xasprintf(_("%s cannot be used for the shop's SMTP settings.\n\n%s"),
				    preset_name(p), preset_notes(p));
		dialog_open(ed, DLG_MESSAGE, preset_name(p), t);
		free(t);
		return UI_HANDLED;
	}
	editor_apply_preset(ed, p);
	struct strbuf sb = { 0 };
	if (preset_needs_host(p))
		sb_addf(&sb, _("Complete the server name: type over the \xE2\x97\xAF part of %s.\n\n"),
			p->host);
	const char *user = i18n_pick(p->username_ja, p->username_en);
	const char *pass = i18n_pick(p->password_ja, p->password_en);
	if (user)
		sb_addf(&sb, "%s: %s\n", settings_label(F_USERNAME), user);
	if (pass)
		sb_addf(&sb, "%s: %s\n", settings_label(F_PASSWORD), pass);
	if (*preset_notes(p))
		sb_addf(&sb, "\n%s", preset_notes(p));
	char *title = xstrdup(preset_name(p));
	dialog_open(ed, DLG_MESSAGE, title, sb.buf ? sb.buf : "");
	free(title);
	sb_free(&sb);
	return UI_HANDLED;
}

int dialog_key(struct editor *ed, int key)
{
	struct dialog *d = &ed->dlg;
	enum action a = keys_action(key);
	int lower = key & KEY_FN ? 0 : (key | 0x20);
	switch (d->kind) {
	case DLG_QUIT:
		if (lower == 's') {
			dialog_close(ed);
			return editor_save(ed) ? UI_QUIT : UI_HANDLED;
		}
		if (lower == 'd') {
			dialog_close(ed);
			safety_forget_recovery(ed);
			return UI_QUIT;
		}
		if (lower == 'c' || a == ACT_CANCEL)
			dialog_close(ed);
		return UI_HANDLED;
	case DLG_LOCKED:
	case DLG_STALE:
		if (lower == 'q') {
			dialog_close(ed);
			return UI_QUIT;
		}
		if (lower == 'r') {
			ed->read_only = true;
			dialog_close(ed);
			editor_status(ed, ST_WARNING, _("Read-only: %s is being edited by %s."),
				      ed->cfg.path, lock_describe(&ed->owner));
		} else if (lower == 'b' && d->kind == DLG_STALE) {
			dialog_close(ed);
			safety_break_lock(ed);
		}
		return UI_HANDLED;
	case DLG_RECOVER:
		if (lower == 'r') {
			dialog_close(ed);
			safety_restore(ed);
		} else if (lower == 'd') {
			dialog_close(ed);
			safety_forget_recovery(ed);
			settings_free(&ed->recovered);
		}
		return UI_HANDLED;
	case DLG_CHANGED:
		if (lower == 'r') {
			dialog_close(ed);
			safety_reload(ed);
		} else if (lower == 'o') {
			dialog_close(ed);
			editor_save_as_is(ed, true);
		} else if (lower == 'e') {
			dialog_close(ed);
			char *guess = xasprintf("%s.mine", ed->cfg.path);
			le_set(&ed->saveas, guess);
			free(guess);
			dialog_open(ed, DLG_SAVEAS, _("Save your version elsewhere"),
				    _("Save a copy of your version to this file (mode 0600); the "
				      "original is left as it is:"));
		} else if (lower == 'c' || a == ACT_CANCEL) {
			dialog_close(ed);
		}
		return UI_HANDLED;
	case DLG_SAVEAS:
		if (a == ACT_CANCEL) {
			dialog_close(ed);
		} else if (a == ACT_ENTER) {
			char *path = le_get(&ed->saveas);
			struct ini_error e;
			dialog_close(ed);
			if (config_save_copy(&ed->cfg, path, &e) == 0)
				editor_status(ed, ST_OK, _("Your version was saved to %s; %s was left as "
							   "it is."), path, ed->cfg.path);
			else
				editor_status(ed, ST_ERROR, _("Not saved to %s: %s"), path, e.msg);
			free(path);
		} else {
			editor_text_key(&ed->saveas, key);
		}
		return UI_HANDLED;
	case DLG_ABANDON:
		if (lower == 'y') {
			dialog_close(ed);
			return UI_QUIT;
		}
		if (lower == 'n' || a == ACT_CANCEL)
			dialog_close(ed);
		return UI_HANDLED;
	case DLG_PICKER:
		if (a == ACT_NEXT)
			menu_driver(d->menu, REQ_DOWN_ITEM);
		else if (a == ACT_PREV)
			menu_driver(d->menu, REQ_UP_ITEM);
		else if (a == ACT_HOME)
			menu_driver(d->menu, REQ_FIRST_ITEM);
		else if (a == ACT_END)
			menu_driver(d->menu, REQ_LAST_ITEM);
		else if (a == ACT_ENTER)
			return pick(ed);
		else if (a == ACT_CANCEL || a == ACT_PRESETS)
			dialog_close(ed);
		return UI_HANDLED;
	case DLG_HELP:
		if (a == ACT_NEXT || a == ACT_NEXT_SECTION)
			d->top += a == ACT_NEXT ? 1 : 10;
		else if (a == ACT_PREV || a == ACT_PREV_SECTION)
			d->top = d->top > (a == ACT_PREV ? 1 : 10) ? d->top - (a == ACT_PREV ? 1 : 10) : 0;
		else if (a == ACT_CANCEL || a == ACT_ENTER || a == ACT_HELP)
			dialog_close(ed);
		return UI_HANDLED;
	default:
		if (a == ACT_CANCEL || a == ACT_ENTER)
			dialog_close(ed);
		return UI_HANDLED;
	}
}
