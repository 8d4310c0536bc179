/* SPDX-License-Identifier: MIT */
/* form.c - the main screen: title, sidebar of sections, the fields of one
 * section (the test send and DNS panes shown inside it), and the question
 * before quitting with unsaved changes. */
#include "mailset/ui/screens.h"

#include <stdlib.h>
#include <string.h>

#include "mailset/i18n.h"
#include "mailset/ui/dialog.h"
#include "mailset/util.h"

#define SIDEBAR_W 20
#define LABEL_W 30

static const struct {
	const char *section;  /* settings section, or NULL */
	const char *ja, *en;
} panes[PANE_COUNT] = {
	[PANE_BASIC] = { "basic", NULL, NULL },
	[PANE_SMTP] = { "smtp", NULL, NULL },
	[PANE_OPTIONS] = { "options", NULL, NULL },
	[PANE_TEST] = { NULL, "送信テスト", "Test send" },
	[PANE_DNS] = { "dns", NULL, NULL },
};

static const char *pane_label(enum pane p)
{
	if (!panes[p].section)
		return i18n_pick(panes[p].ja, panes[p].en);
	for (size_t i = 0; i < settings_nsections; i++)
		if (!strcmp(settings_sections[i].name, panes[p].section))
			return i18n_pick(settings_sections[i].label_ja, settings_sections[i].label_en);
	return panes[p].section;
}

/* The fields shown in a pane, in table order. */
static int pane_fields(const struct editor *ed, enum pane p, int *ids)
{
	int n = 0;
	if (!panes[p].section)
		return 0;
	for (int i = 0; i < F_COUNT; i++)
		if (!strcmp(settings_fields[i].section, panes[p].section) &&
		    settings_visible(&ed->cfg.s, i))
			ids[n++] = i;
	return n;
}

static enum pane pane_of(enum field_id id)
{
	for (int p = 0; p < PANE_COUNT; p++)
		if (panes[p].section && !strcmp(panes[p].section, settings_fields[id].section))
			return p;
	return PANE_BASIC;
}

/* The box of the pane and the width of a field's value. */
static struct area pane_box(struct area a)
{
	return (struct area){ a.y + 1, a.x + SIDEBAR_W, a.h - 5, a.w - SIDEBAR_W };
}

static int value_width(struct area box)
{
	return box.w - 4 - LABEL_W - 1;
}

static bool focused(const struct editor *ed, int id)
{
	return id == ed->focus && !ed->dlg;
}

static bool has_advanced_heading(int id, bool *advanced)
{
	if ((settings_fields[id].flags & FIELD_ADVANCED) && !*advanced) {
		*advanced = true;
		return true;
	}
	return false;
}

#define MESSAGE_AREA 4

/* The rows of the pane's fields (and of the heading of the advanced ones):
 * one each; their messages come in the rows under them all. */
static int field_rows(const int *ids, int n)
{
	bool advanced = false;
	int rows = 0;
	for (int i = 0; i < n; i++)
		rows += has_advanced_heading(ids[i], &advanced) + 1;
	return rows;
}

/* The rows kept under the fields for their messages, after a blank row: in
 * a pane of fields, MESSAGE_AREA whether there is a message or not, so that
 * one appearing as a key is typed (or going) moves nothing; the DNS pane,
 * whose report comes next, takes only the rows its messages need. */
static int message_rows(const struct editor *ed, int width, const int *ids, int n)
{
	if (!n)
		return 0;
	if (ed->pane != PANE_DNS)
		return MESSAGE_AREA;
	int rows = 0;
	for (int i = 0; i < n; i++)
		rows += editor_draw_message(ed, NULL, 0, 0, width, MESSAGE_AREA, ids[i],
					    focused(ed, ids[i]));
	return rows < MESSAGE_AREA ? rows : MESSAGE_AREA;
}

/* The row under the fields and their messages. */
static int fields_end(const struct editor *ed, struct area box)
{
	int ids[F_COUNT], n = pane_fields(ed, ed->pane, ids);
	int y = box.y + 1 + field_rows(ids, n), m = message_rows(ed, box.w - 4, ids, n);
	if (m)
		y += 1 + m;
	return y < box.y + box.h - 1 ? y : box.y + box.h - 1;
}

/* The messages in rows rows from y: the focused field's first and whole,
 * then the others' on one row each as the rows allow, in the order of the
 * fields. */
static void draw_messages(const struct editor *ed, int y, int x, int width, int rows,
			  const int *ids, int n)
{
	int end = y + rows;
	for (int i = 0; i < n; i++)
		if (focused(ed, ids[i]))
			y += editor_draw_message(ed, stdscr, y, x, width, end - y, ids[i], true);
	for (int i = 0; i < n; i++)
		if (!focused(ed, ids[i]))
			y += editor_draw_message(ed, stdscr, y, x, width, end - y, ids[i], false);
}

/* ------------------------------------------------------------- the screen */

static int form_scopes(const struct editor *ed, enum scope *out)
{
	int n = 0;
	out[n++] = SC_FORM;
	if (ed->focus >= 0)
		out[n++] = SC_FIELD;
	/* last: its key (F7) goes at the end of the key bar, which then
	 * changes only there when the focus comes to the BCC field */
	if (ed->focus == F_BCC)
		out[n++] = SC_BCC;
	return n;
}

static void form_fit(struct editor *ed, struct area a)
{
	/* The focus may have been moved by a dialog (a preset: the server). */
	if (ed->focus >= 0 && pane_of(ed->focus) != ed->pane)
		ed->pane = pane_of(ed->focus);
	int ids[F_COUNT], n = pane_fields(ed, ed->pane, ids);
	for (int i = 0; i < n; i++)
		editor_fit_edit(&ed->edit[ids[i]], value_width(pane_box(a)));
}

static void draw_box(int y, int x, int h, int wd, const char *title)
{
	mvwaddch(stdscr, y, x, ACS_ULCORNER);
	mvwhline(stdscr, y, x + 1, ACS_HLINE, wd - 2);
	mvwaddch(stdscr, y, x + wd - 1, ACS_URCORNER);
	mvwvline(stdscr, y + 1, x, ACS_VLINE, h - 2);
	mvwvline(stdscr, y + 1, x + wd - 1, ACS_VLINE, h - 2);
	mvwaddch(stdscr, y + h - 1, x, ACS_LLCORNER);
	mvwhline(stdscr, y + h - 1, x + 1, ACS_HLINE, wd - 2);
	mvwaddch(stdscr, y + h - 1, x + wd - 1, ACS_LRCORNER);
	if (title) {
		mvwaddch(stdscr, y, x + 1, ' ');
		int n = term_put(stdscr, y, x + 2, title, wd - 6, term_style(ST_HEADING));
		mvwaddch(stdscr, y, x + 2 + n, ' ');
	}
}

static void draw_title(const struct editor *ed, int cols)
{
	attr_t t = term_style(ST_TITLE);
	wattron(stdscr, t);
	mvwhline(stdscr, 0, 0, ' ', cols);
	wattroff(stdscr, t);
	/* a change only in a field another setting hides: say where it is */
	const char *right = ed->safe.read_only ? _("read-only")
		: !editor_dirty(ed) ? ""
		: editor_dirty_shown(ed) ? _("* unsaved") : _("* unsaved (a hidden field: F10 lists it)");
	int rw = term_width(right);
	int x = term_put(stdscr, 0, 1, "mailset", 8, t | A_BOLD) + 3;
	term_put(stdscr, 0, x, ed->cfg.path, cols - x - rw - 3, t);
	term_put(stdscr, 0, cols - rw - 1, right, rw, t | A_BOLD);
}

static void form_draw(const struct editor *ed, struct area a, struct cursor *cur)
{
	draw_title(ed, a.w);
	struct area box = pane_box(a);
	/* sidebar */
	draw_box(box.y, a.x, box.h, SIDEBAR_W, NULL);
	for (int p = 0; p < PANE_COUNT; p++) {
		bool sel = p == (int)ed->pane;
		char *item = xasprintf("%s %s", sel ? "\xE2\x96\xB8" : " ", pane_label(p));
		attr_t at = sel ? term_style(ST_SIDE_SEL) : A_NORMAL;
		if (sel) {
			wattron(stdscr, at);
			mvwhline(stdscr, box.y + 1 + p, a.x + 1, ' ', SIDEBAR_W - 2);
			wattroff(stdscr, at);
		}
		term_put(stdscr, box.y + 1 + p, a.x + 1, item, SIDEBAR_W - 2, at);
		free(item);
		/* a section with an invalid field says so */
		int ids[F_COUNT], n = pane_fields(ed, p, ids);
		for (int i = 0; i < n; i++)
			if (editor_first_error(ed, ids[i], ids[i]) >= 0) {
				term_put(stdscr, box.y + 1 + p, a.x + SIDEBAR_W - 3, "\xE2\x9C\x97", 1,
					 term_style(ST_ERROR) | (sel ? A_REVERSE : 0));
				break;
			}
	}
	/* the pane */
	draw_box(box.y, box.x, box.h, box.w, pane_label(ed->pane));
	int ids[F_COUNT], n = pane_fields(ed, ed->pane, ids);
	int y = box.y + 1, x = box.x + 2, end = box.y + box.h - 1;
	bool advanced = false;
	for (int i = 0; i < n && y < end; i++) {
		if (has_advanced_heading(ids[i], &advanced))
			term_put(stdscr, y++, x, i18n_pick("── 高度な設定 ──", "── Advanced ──"), box.w - 4,
				 term_style(ST_HEADING));
		if (y >= end)
			break;
		int fx = -1;
		bool f = focused(ed, ids[i]);
		editor_draw_field_row(ed, stdscr, y, x, LABEL_W, value_width(box), ids[i], f, &fx);
		/* a field with a problem is marked at the end of its row */
		attr_t ma;
		const char *mark = editor_field_mark(ed, ids[i], &ma);
		if (mark)
			term_put(stdscr, y, box.x + box.w - 2, mark, 1, ma);
		if (f && fx >= 0)
			*cur = (struct cursor){ y, fx };
		y++;
	}
	int m = message_rows(ed, box.w - 4, ids, n);
	if (m && y + 1 < end)
		draw_messages(ed, y + 1, x, box.w - 4, m < end - y - 1 ? m : end - y - 1, ids, n);
	if (!n && ed->pane != PANE_TEST)
		term_put(stdscr, box.y + 2, x, i18n_pick("この機能は次のバージョンで使えるようになります。",
							 "This comes in a later version of mailset."),
			 box.w - 4, term_style(ST_INFO));
}

static enum pane_id form_child(const struct editor *ed, struct area a, struct area *sub)
{
	struct area box = pane_box(a);
	if (ed->pane == PANE_TEST) {
		*sub = (struct area){ box.y + 1, box.x + 2, box.h - 2, box.w - 4 };
		return PANE_ID_TEST;
	}
	if (ed->pane == PANE_DNS) {
		int y = fields_end(ed, box) + 1;
		*sub = (struct area){ y, box.x + 2, box.y + box.h - 1 - y, box.w - 4 };
		return PANE_ID_DNS;
	}
	return PANE_ID_NONE;
}

static int form_need(const struct editor *ed)
{
	if (ed->pane == PANE_TEST)
		return LINES;
	int ids[F_COUNT], n = pane_fields(ed, ed->pane, ids), rows = field_rows(ids, n);
	int m = message_rows(ed, pane_box((struct area){ 0, 0, LINES, COLS }).w - 4, ids, n);
	if (m)
		rows += 1 + m;
	if (ed->pane == PANE_DNS)
		rows += 1 + 10; /* the report: ten rows at least */
	return 1 + 2 + rows + 4;
}

/* The longest help of all the fields: the footer then keeps its height (and
 * the pane its box) while the focus moves, even to another section. */
static int form_help_rows(const struct editor *ed, int width)
{
	int ids[F_COUNT], n = 0, most = 0;
	for (int p = 0; p < PANE_COUNT; p++)
		n += pane_fields(ed, p, ids + n);
	for (int i = 0; i < n; i++) {
		char **lines;
		int rows = (int)term_wrap(settings_help(ids[i]), width, &lines);
		for (int k = 0; k < rows; k++)
			free(lines[k]);
		free(lines);
		if (rows > most)
			most = rows;
	}
	return most;
}

/* ---------------------------------------------------------------- keys */

static void move_focus(struct editor *ed, int dir)
{
	/* Through every field of every pane, in order, wrapping around. */
	int order[F_COUNT], n = 0;
	for (int p = 0; p < PANE_COUNT; p++)
		n += pane_fields(ed, p, order + n);
	if (!n)
		return;
	int at = -1;
	for (int i = 0; i < n; i++)
		if (order[i] == ed->focus)
			at = i;
	if (at < 0)
		at = dir > 0 ? -1 : 0;
	editor_focus(ed, order[(at + dir + n) % n]);
	ed->pane = pane_of(ed->focus);
}

static void move_pane(struct editor *ed, int dir)
{
	ed->pane = (enum pane)(((int)ed->pane + dir + PANE_COUNT) % PANE_COUNT);
	int ids[F_COUNT];
	editor_focus(ed, pane_fields(ed, ed->pane, ids) ? ids[0] : -1);
}

static int quit_key(struct editor *ed, struct dialog *d, enum action act, int key)
{
	(void)d;
	(void)key;
	int bad;
	switch (act) {
	case ACT_SAVE_QUIT:
		dialog_close(ed);
		return editor_save(ed, &bad) ? UI_QUIT : UI_HANDLED;
	case ACT_DISCARD:
		dialog_close(ed);
		editor_forget_recovery(ed);
		return UI_QUIT;
	case ACT_CLOSE:
		dialog_close(ed);
		return UI_HANDLED;
	default:
		return 0;
	}
}

static const struct dialog_ops quit_dialog = { .scope = SC_QUIT, .key = quit_key };

static int form_key(struct editor *ed, enum action act, int key)
{
	int bad;
	switch (act) {
	case ACT_HELP:
	case ACT_REVEAL:
	case ACT_HELP_TEXT:
		return editor_common_key(ed, act);
	case ACT_SAVE:
		if (!editor_save(ed, &bad) && bad >= 0)
			editor_focus(ed, bad);
		return UI_HANDLED;
	case ACT_PRESETS:
		editor_request(ed, REQ_PRESETS);
		return UI_HANDLED;
	case ACT_LIST:
		editor_request(ed, REQ_BCC_LIST);
		return UI_HANDLED;
	case ACT_TESTSEND:
	case ACT_PROBE:
		if (ed->pane == PANE_TEST)
			return UI_HANDLED;
		editor_focus(ed, -1);
		ed->pane = PANE_TEST;
		/* F6: the test pane does the probe */
		return act == ACT_PROBE ? UI_HANDLED | UI_AGAIN : UI_HANDLED;
	case ACT_QUIT:
		job_cancel(&ed->send);
		job_cancel(&ed->dns);
		if (!editor_dirty(ed))
			return UI_QUIT;
	{
		char *changes = editor_changes(ed);
		char *text = xasprintf("%s\n\n%s", _("Save the changes before quitting?"),
				       changes ? changes : "");
		dialog_open(ed, &quit_dialog, _("Unsaved changes"), text, NULL);
		free(text);
		free(changes);
		return UI_HANDLED;
	}
	case ACT_CANCEL:
		/* Esc puts the field back as saved */
		if (ed->focus >= 0 && editor_revert(ed, ed->focus))
			editor_status(ed, ST_INFO, _("%s: back to the saved value (F10 or Ctrl-Q quits)."),
				      settings_label(ed->focus));
		else
			editor_status(ed, ST_INFO, _("F10 or Ctrl-Q quits."));
		return UI_HANDLED;
	case ACT_NEXT:
		move_focus(ed, 1);
		return UI_HANDLED;
	case ACT_PREV:
		move_focus(ed, -1);
		return UI_HANDLED;
	case ACT_NEXT_SECTION:
		move_pane(ed, 1);
		return UI_HANDLED;
	case ACT_PREV_SECTION:
		move_pane(ed, -1);
		return UI_HANDLED;
	default:
		break;
	}
	if (ed->focus < 0)
		return 0;
	if (ed->safe.read_only) {
		/* nothing to edit: say why */
		bool edits = (act >= ACT_LEFT && act <= ACT_CLEAR) ||
			     (act == ACT_NONE && !(key & KEY_FN) && key >= 0x20 && key != 0x7f);
		if (!edits)
			return 0;
		editor_why_read_only(ed, ST_WARNING);
		return UI_HANDLED;
	}
	return editor_edit_key(ed, ed->focus, act, key);
}

const struct screen_ops form_screen = {
	.name = "form",
	.scopes = form_scopes,
	.fit = form_fit,
	.draw = form_draw,
	.help = editor_field_help,
	.help_rows = form_help_rows,
	.key = form_key,
	.child = form_child,
	.need = form_need,
};

void form_start(struct editor *ed, int focus)
{
	ed->screen = &form_screen;
	ed->pane = PANE_BASIC;
	editor_focus(ed, focus);
}
