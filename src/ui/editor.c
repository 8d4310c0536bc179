/* editor.c - the editor's state, the main form screen and the loop. */
#include "mailset/ui/editor.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

#include "mailset/i18n.h"
#include "mailset/ui.h"
#include "mailset/ui/keys.h"
#include "mailset/util.h"

#define PLACEHOLDER L'\x25EF' /* ◯ in a preset's host template */
#define SIDEBAR_W 20
#define LABEL_W 26
#define MIN_COLS 80
#define MIN_LINES 24

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

/* ------------------------------------------------------------ the state */

void editor_status(struct editor *ed, enum style st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(ed->status, sizeof ed->status, fmt, ap);
	va_end(ap);
	/* Cut short: end on a whole character. */
	if (n >= (int)sizeof ed->status) {
		size_t k = sizeof ed->status - 1;
		while (k > 0 && ((unsigned char)ed->status[k] & 0xC0) == 0x80)
			k--;
		ed->status[k] = '\0';
	}
	ed->status_style = st;
}

void editor_recheck(struct editor *ed)
{
	problems_free(&ed->probs);
	validate_all(&ed->cfg.s, &ed->probs);
	presets_check(&ed->presets, &ed->cfg.s, &ed->probs);
}

void editor_load_edits(struct editor *ed)
{
	for (int i = 0; i < F_COUNT; i++)
		le_set(&ed->edit[i], settings_get(&ed->cfg.s, i));
	editor_recheck(ed);
}

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

void editor_changed(struct editor *ed, enum field_id id)
{
	char *v = le_get(&ed->edit[id]);
	/* Typed back to what the file had (or, for a missing key, to the
	 * default): nothing to write. */
	if (!ed->saved.value[id] && !strcmp(v, settings_fields[id].def)) {
		free(ed->cfg.s.value[id]);
		ed->cfg.s.value[id] = NULL;
	} else {
		settings_set(&ed->cfg.s, id, v);
	}
	free(v);
	editor_recheck(ed);
}

static int app_password_len(const struct editor *ed)
{
	const struct preset *p = presets_match_host(&ed->presets, settings_get(&ed->cfg.s, F_HOST));
	return p ? p->app_password_len : 0;
}

void editor_leave_field(struct editor *ed, enum field_id id)
{
	const char *v = settings_get(&ed->cfg.s, id);
	char *n = validate_normalize(id, v, app_password_len(ed));
	if (strcmp(n, v)) {
		le_set(&ed->edit[id], n);
		editor_changed(ed, id);
	}
	free(n);
}

bool editor_dirty(const struct editor *ed)
{
	for (int i = 0; i < F_COUNT; i++)
		if (!same(ed->cfg.s.value[i], ed->saved.value[i]))
			return true;
	return false;
}

const struct problem *editor_problem(const struct editor *ed, enum field_id id)
{
	const struct problem *warn = NULL;
	for (size_t i = 0; i < ed->probs.n; i++) {
		if (ed->probs.v[i].field != id)
			continue;
		if (ed->probs.v[i].sev == SEV_ERROR)
			return &ed->probs.v[i];
		if (!warn)
			warn = &ed->probs.v[i];
	}
	return warn;
}

static void focus_field(struct editor *ed, int id)
{
	if (ed->focus >= 0 && ed->focus != id)
		editor_leave_field(ed, ed->focus);
	ed->focus = id;
	if (id >= 0)
		ed->pane = pane_of(id);
}

bool editor_save(struct editor *ed)
{
	if (ed->focus >= 0)
		editor_leave_field(ed, ed->focus);
	if (ed->read_only) {
		editor_status(ed, ST_ERROR, _("Not saved: %s is being edited by %s (read-only here)."),
			      ed->cfg.path, lock_describe(&ed->owner));
		return false;
	}
	for (int i = 0; i < F_COUNT; i++) {
		const struct problem *p = editor_problem(ed, i);
		if (p && p->sev == SEV_ERROR && settings_visible(&ed->cfg.s, i)) {
			if (!ed->wizard)
				focus_field(ed, i);
			editor_status(ed, ST_ERROR, _("Not saved: %s: %s"), settings_label(i), p->msg);
			return false;
		}
	}
	return editor_save_as_is(ed, false);
}

bool editor_save_as_is(struct editor *ed, bool overwrite)
{
	struct ini_error e;
	if (config_save(&ed->cfg, overwrite, &e) < 0) {
		if (e.status == INI_CHANGED) {
			safety_changed(ed);
			return false;
		}
		if (e.replaced)
			editor_status(ed, ST_WARNING, _("%s: %s; save again to be sure."),
				      ed->cfg.path, e.msg);
		else
			editor_status(ed, ST_ERROR, _("Not saved: %s: %s (your edits are kept)"),
				      ed->cfg.path, e.msg);
		return false;
	}
	settings_free(&ed->saved);
	settings_copy(&ed->saved, &ed->cfg.s);
	safety_forget_recovery(ed);
	editor_status(ed, ST_OK, _("Saved %s"), ed->cfg.path);
	return true;
}

void editor_apply_preset(struct editor *ed, const struct preset *p)
{
	const struct { enum field_id id; const char *v; } set[] = {
		{ F_HOST, p->host }, { F_PORT, p->port }, { F_AUTH, p->auth }, { F_TLS, p->tls },
	};
	/* Written out even where they equal the defaults: the file should say
	 * what the provider needs. */
	for (size_t i = 0; i < sizeof set / sizeof *set; i++) {
		le_set(&ed->edit[set[i].id], set[i].v);
		settings_set(&ed->cfg.s, set[i].id, set[i].v);
	}
	editor_recheck(ed);
	if (!ed->wizard)
		focus_field(ed, F_HOST);
	/* The cursor goes on what the user must complete. */
	struct lineedit *le = &ed->edit[F_HOST];
	size_t at = 0;
	while (at < le->len && le->buf[at] != PLACEHOLDER)
		at++;
	le_move(le, at);
	le->scroll = 0;
}

/* ------------------------------------------------------------- editing */

static void cycle_choice(struct editor *ed, enum field_id id, int dir)
{
	const char *const *c = settings_fields[id].choices;
	int n = 0, at = 0;
	const char *v = settings_get(&ed->cfg.s, id);
	for (; c[n]; n++)
		if (!strcasecmp(c[n], v))
			at = n;
	at = (at + dir + n) % n;
	le_set(&ed->edit[id], c[at]);
	editor_changed(ed, id);
}

static bool printable(int key)
{
	return !(key & KEY_FN) && key >= 0x20 && key != 0x7f && !(key >= 0x80 && key < 0xa0);
}

int editor_text_key(struct lineedit *le, int key)
{
	switch (keys_action(key)) {
	case ACT_LEFT:
		le_left(le);
		return UI_HANDLED;
	case ACT_RIGHT:
		le_right(le);
		return UI_HANDLED;
	case ACT_HOME:
		le_home(le);
		return UI_HANDLED;
	case ACT_END:
		le_end(le);
		return UI_HANDLED;
	case ACT_BACKSPACE:
		return le_backspace(le) ? UI_HANDLED | UI_CHANGED : UI_HANDLED;
	case ACT_DELETE:
		return le_delete(le) ? UI_HANDLED | UI_CHANGED : UI_HANDLED;
	case ACT_KILL:
		return le_kill(le) ? UI_HANDLED | UI_CHANGED : UI_HANDLED;
	case ACT_CLEAR:
		return le_clear(le) ? UI_HANDLED | UI_CHANGED : UI_HANDLED;
	case ACT_NONE:
		if (!printable(key))
			return 0;
		/* Typing over a preset's ◯ replaces the whole run of them. */
		if ((le->cur < le->len && le->buf[le->cur] == PLACEHOLDER) ||
		    (le->cur > 0 && le->buf[le->cur - 1] == PLACEHOLDER))
			le_take_run(le, PLACEHOLDER);
		le_insert(le, (wchar_t)key);
		return UI_HANDLED | UI_CHANGED;
	default:
		return 0;
	}
}

int editor_edit_key(struct editor *ed, enum field_id id, int key)
{
	struct lineedit *le = &ed->edit[id];
	enum action a = keys_action(key);
	if (settings_fields[id].kind != FK_CHOICE) {
		int r = editor_text_key(le, key);
		if (r & UI_CHANGED)
			editor_changed(ed, id);
		return r & UI_HANDLED;
	}
	switch (a) {
	case ACT_LEFT:
	case ACT_RIGHT:
		cycle_choice(ed, id, a == ACT_LEFT ? -1 : 1);
		return UI_HANDLED;
	case ACT_NONE:
		if (!printable(key))
			return 0;
		{
			/* Space cycles; a letter picks the value it starts. */
			if (key == ' ') {
				cycle_choice(ed, id, 1);
				return UI_HANDLED;
			}
			const char *const *c = settings_fields[id].choices;
			for (int i = 0; c[i]; i++)
				if (c[i][0] == (char)(key | 0x20)) {
					le_set(le, c[i]);
					editor_changed(ed, id);
					break;
				}
			return UI_HANDLED;
		}
	default:
		/* Home, End, deleting: nothing to do on a choice. */
		return a == ACT_HOME || a == ACT_END || a == ACT_BACKSPACE || a == ACT_DELETE ||
		       a == ACT_KILL || a == ACT_CLEAR ? UI_HANDLED : 0;
	}
}

/* ------------------------------------------------------------- drawing */

static void draw_value(const struct editor *ed, WINDOW *w, int y, int x, int fw,
		       enum field_id id, bool focused, int *cx)
{
	const struct field *f = &settings_fields[id];
	struct lineedit *le = (struct lineedit *)&ed->edit[id];
	if (f->kind == FK_CHOICE) {
		attr_t a = focused ? A_NORMAL : term_style(ST_FIELD);
		attr_t fill = term_style(ST_FIELD);
		wattron(w, fill);
		mvwhline(w, y, x, ' ', fw);
		wattroff(w, fill);
		char *v = le_get(le);
		char *shown = focused ? xasprintf("\xE2\x97\x80 %s \xE2\x96\xB6", v) : xstrdup(v);
		term_put(w, y, x, shown, fw, a);
		free(shown);
		free(v);
		if (cx)
			*cx = x;
		return;
	}
	editor_draw_edit(w, y, x, fw, le, (f->flags & FIELD_SECRET) && !ed->reveal, focused, cx);
}

void editor_draw_edit(WINDOW *w, int y, int x, int fw, struct lineedit *le, bool mask,
		      bool focused, int *cx)
{
	attr_t a = focused ? A_NORMAL : term_style(ST_FIELD);
	attr_t fill = term_style(ST_FIELD);
	wattron(w, fill);
	mvwhline(w, y, x, ' ', fw);
	wattroff(w, fill);
	le_scroll(le, fw);
	int used = 0;
	wmove(w, y, x);
	wattron(w, a);
	for (size_t i = le->scroll; i < le->len; i++) {
		wchar_t c = mask ? L'*' : le->buf[i];
		int cw = mask ? 1 : le_width(c);
		if (used + cw > fw)
			break;
		if (i == le->cur && cx)
			*cx = x + used;
		wchar_t s[2] = { c < 0x20 || c == 0x7f ? L'?' : c, 0 };
		waddwstr(w, s);
		used += cw;
	}
	wattroff(w, a);
	if (cx && le->cur >= le->len) {
		int u = 0;
		for (size_t i = le->scroll; i < le->len; i++)
			u += mask ? 1 : le_width(le->buf[i]);
		*cx = x + (u < fw ? u : fw - 1);
	}
}

int editor_draw_field(const struct editor *ed, WINDOW *w, int y, int x, int lw, int fw,
		      enum field_id id, bool focused, int *cx)
{
	if (focused)
		mvwaddwstr(w, y, x - 1, L"\x25B8");
	term_put(w, y, x, settings_label(id), lw, focused ? term_style(ST_FIELD_FOCUS) : A_NORMAL);
	draw_value(ed, w, y, x + lw + 1, fw, id, focused, focused ? cx : NULL);
	const struct problem *p = editor_problem(ed, id);
	int mw = lw + 1 + fw - 2;
	if (p) {
		/* The focused field's message may take two rows, others one. */
		char *m = xasprintf("%s %s", p->sev == SEV_ERROR ? "\xE2\x9C\x97" : "!", p->msg);
		attr_t a = term_style(p->sev == SEV_ERROR ? ST_ERROR : ST_WARNING);
		int rows = 1;
		if (focused) {
			char **lines;
			size_t n = term_wrap(m, mw, &lines);
			if (n >= 2) {
				term_put(w, y + 1, x + 2, lines[0], mw, a);
				/* the rest, indented under the text after the mark */
				const char *rest = m + strlen(lines[0]);
				while (*rest == ' ')
					rest++;
				term_put(w, y + 2, x + 4, rest, mw - 2, a);
				rows = 2;
			}
			for (size_t i = 0; i < n; i++)
				free(lines[i]);
			free(lines);
		}
		if (rows == 1)
			term_put(w, y + 1, x + 2, m, mw, a);
		free(m);
		return 1 + rows;
	}
	if (id == F_HOST) {
		/* Recognise the provider of a typed host, as mail clients do. */
		const struct preset *pr = presets_match_host(&ed->presets, settings_get(&ed->cfg.s, F_HOST));
		if (pr) {
			char *m = xasprintf(_("\xE2\x86\x92 a server of %s (F3 fills in its values)"),
					    preset_name(pr));
			term_put(w, y + 1, x + 2, m, mw, term_style(ST_INFO));
			free(m);
			return 2;
		}
	}
	return 1;
}

static void draw_box(WINDOW *w, int y, int x, int h, int wd, const char *title)
{
	mvwaddch(w, y, x, ACS_ULCORNER);
	mvwhline(w, y, x + 1, ACS_HLINE, wd - 2);
	mvwaddch(w, y, x + wd - 1, ACS_URCORNER);
	mvwvline(w, y + 1, x, ACS_VLINE, h - 2);
	mvwvline(w, y + 1, x + wd - 1, ACS_VLINE, h - 2);
	mvwaddch(w, y + h - 1, x, ACS_LLCORNER);
	mvwhline(w, y + h - 1, x + 1, ACS_HLINE, wd - 2);
	mvwaddch(w, y + h - 1, x + wd - 1, ACS_LRCORNER);
	if (title) {
		mvwaddch(w, y, x + 1, ' ');
		int n = term_put(w, y, x + 2, title, wd - 6, term_style(ST_HEADING));
		mvwaddch(w, y, x + 2 + n, ' ');
	}
}

static void draw_keybar(WINDOW *w, int y, int cols)
{
	int x = 0;
	wmove(w, y, 0);
	wclrtoeol(w);
	for (size_t i = 0; i < keys_count; i++) {
		const struct binding *b = &keys_table[i];
		if (!b->bar_ja)
			continue;
		char key[16];
		snprintf(key, sizeof key, "%.*s", (int)strcspn(b->keys_label, " "), b->keys_label);
		const char *label = i18n_pick(b->bar_ja, b->bar_en);
		int need = term_width(key) + 1 + term_width(label) + 2;
		if (x + need > cols)
			break;
		x += term_put(w, y, x, key, cols - x, term_style(ST_KEY));
		x += term_put(w, y, x, " ", 1, A_NORMAL);
		x += term_put(w, y, x, label, cols - x, A_NORMAL);
		x += term_put(w, y, x, "  ", 2, A_NORMAL);
	}
}

static void draw_title(const struct editor *ed, int cols)
{
	attr_t t = term_style(ST_TITLE);
	wattron(stdscr, t);
	mvwhline(stdscr, 0, 0, ' ', cols);
	wattroff(stdscr, t);
	const char *right = editor_dirty(ed) ? _("* unsaved") : "";
	int rw = term_width(right);
	int x = term_put(stdscr, 0, 1, "mailset", 8, t | A_BOLD) + 3;
	term_put(stdscr, 0, x, ed->cfg.path, cols - x - rw - 3, t);
	term_put(stdscr, 0, cols - rw - 1, right, rw, t | A_BOLD);
}

/* The help line, or the status of the last command while there is one. */
static void draw_help(const struct editor *ed, int y, int rows, int cols, const char *help)
{
	for (int i = 0; i < rows; i++) {
		wmove(stdscr, y + i, 0);
		wclrtoeol(stdscr);
	}
	const char *text = ed->status[0] ? ed->status : help;
	attr_t a = ed->status[0] ? term_style(ed->status_style) : A_NORMAL;
	char **lines;
	size_t n = term_wrap(text, cols - 2, &lines);
	for (size_t i = 0; i < n; i++) {
		if ((int)i < rows)
			term_put(stdscr, y + (int)i, 1, lines[i], cols - 2, a);
		free(lines[i]);
	}
	free(lines);
}

static void draw_too_small(void)
{
	werase(stdscr);
	char *m = xasprintf(_("The terminal is too small: mailset needs %dx%d (now %dx%d). "
			      "Enlarge it; nothing you typed is lost."),
			    MIN_COLS, MIN_LINES, COLS, LINES);
	char **lines;
	size_t n = term_wrap(m, COLS > 4 ? COLS - 2 : 2, &lines);
	for (size_t i = 0; i < n; i++) {
		if ((int)i < LINES)
			term_put(stdscr, (int)i, 1, lines[i], COLS - 1, term_style(ST_ERROR));
		free(lines[i]);
	}
	free(lines);
	free(m);
}

void form_draw(struct editor *ed)
{
	int cols = COLS, lines = LINES;
	werase(stdscr);
	draw_title(ed, cols);
	int box_h = lines - 5;
	/* sidebar */
	draw_box(stdscr, 1, 0, box_h, SIDEBAR_W, NULL);
	for (int p = 0; p < PANE_COUNT; p++) {
		bool cur = p == (int)ed->pane;
		char *item = xasprintf("%s %s", cur ? "\xE2\x96\xB8" : " ", pane_label(p));
		attr_t a = cur ? term_style(ST_SIDE_SEL) : A_NORMAL;
		if (cur) {
			wattron(stdscr, a);
			mvwhline(stdscr, 2 + p, 1, ' ', SIDEBAR_W - 2);
			wattroff(stdscr, a);
		}
		term_put(stdscr, 2 + p, 1, item, SIDEBAR_W - 2, a);
		free(item);
	}
	/* the pane */
	int px = SIDEBAR_W, pw = cols - SIDEBAR_W;
	draw_box(stdscr, 1, px, box_h, pw, pane_label(ed->pane));
	int ids[F_COUNT], n = pane_fields(ed, ed->pane, ids);
	int y = 2, x = px + 2, fw = pw - 4 - LABEL_W - 1, cx = -1, cy = -1;
	bool advanced = false;
	for (int i = 0; i < n && y < box_h; i++) {
		if ((settings_fields[ids[i]].flags & FIELD_ADVANCED) && !advanced) {
			advanced = true;
			term_put(stdscr, y++, x, i18n_pick("── 高度な設定 ──", "── Advanced ──"), pw - 4,
				 term_style(ST_HEADING));
		}
		bool focused = ids[i] == ed->focus && ed->dlg.kind == DLG_NONE;
		int fx = -1;
		int used = editor_draw_field(ed, stdscr, y, x, LABEL_W, fw, ids[i], focused, &fx);
		if (focused && fx >= 0)
			cx = fx, cy = y;
		y += used;
	}
	const char *help = ed->focus >= 0 && n ? settings_help(ed->focus) : "";
	if (ed->pane == PANE_DNS)
		dnspane_draw(ed, stdscr, y + 1, x, pw - 4, box_h);
	if (ed->pane == PANE_TEST) {
		testpane_draw(ed, stdscr, 2, x, pw - 4, box_h - 2, &cy, &cx);
		help = i18n_pick("現在の画面の設定値(未保存でも)でテストメールを送り、SMTP のやりとりをそのまま表示します。"
				 "F6 はメールを送らずに接続とログインだけを確かめます。パスワードは表示されません。",
				 "Sends a test message with the values on the screen (saved or not) and shows the "
				 "SMTP dialogue as it happens; F6 checks the connection and login without "
				 "sending. The password is never shown.");
	} else if (!n) {
		const char *m = i18n_pick("この機能は次のバージョンで使えるようになります。",
					  "This comes in a later version of mailset.");
		term_put(stdscr, 3, x, m, pw - 4, term_style(ST_INFO));
	}
	draw_help(ed, lines - 4, 3, cols, help);
	draw_keybar(stdscr, lines - 1, cols);
	if (cy >= 0) {
		curs_set(1);
		wmove(stdscr, cy, cx);
	} else {
		curs_set(0);
	}
}

/* --------------------------------------------------------------- keys */

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
	focus_field(ed, order[(at + dir + n) % n]);
}

static void move_pane(struct editor *ed, int dir)
{
	if (ed->focus >= 0)
		editor_leave_field(ed, ed->focus);
	ed->pane = (enum pane)(((int)ed->pane + dir + PANE_COUNT) % PANE_COUNT);
	int ids[F_COUNT];
	ed->focus = pane_fields(ed, ed->pane, ids) ? ids[0] : -1;
	if (ed->pane == PANE_TEST)
		testpane_open(ed);
}

int editor_common_key(struct editor *ed, enum action a)
{
	if (a == ACT_HELP)
		dialog_open(ed, DLG_HELP, _("Keys"), NULL);
	else if (a == ACT_REVEAL)
		ed->reveal = !ed->reveal;
	return UI_HANDLED;
}

int form_key(struct editor *ed, int key)
{
	enum action a = keys_action(key);
	/* The test pane has its own Enter, Tab and Esc; the function keys and
	 * moving between panes stay the form's. */
	bool global = a == ACT_QUIT || a == ACT_HELP || a == ACT_SAVE || a == ACT_PRESETS ||
		      a == ACT_REVEAL || a == ACT_TESTSEND || a == ACT_NEXT_SECTION ||
		      a == ACT_PREV_SECTION;
	if (ed->pane == PANE_TEST && !global) {
		int r = testpane_key(ed, key);
		if (r)
			return r;
	}
	if (ed->pane == PANE_DNS && !global) {
		int r = dnspane_key(ed, key);
		if (r)
			return r;
	}
	switch (a) {
	case ACT_HELP:
	case ACT_REVEAL:
		return editor_common_key(ed, a);
	case ACT_SAVE:
		editor_save(ed);
		return UI_HANDLED;
	case ACT_PRESETS:
		dialog_open(ed, DLG_PICKER, _("Provider presets"), NULL);
		return UI_HANDLED;
	case ACT_TESTSEND:
	case ACT_PROBE:
		if (ed->focus >= 0)
			editor_leave_field(ed, ed->focus);
		ed->focus = -1;
		ed->pane = PANE_TEST;
		testpane_open(ed);
		return a == ACT_PROBE ? testpane_key(ed, key) : UI_HANDLED;
	case ACT_QUIT:
		sp_cancel(&ed->sp);
		sp_cancel(&ed->dns);
		if (!editor_dirty(ed))
			return UI_QUIT;
		dialog_open(ed, DLG_QUIT, _("Unsaved changes"),
			    _("Save the changes before quitting?"));
		return UI_HANDLED;
	case ACT_CANCEL:
		editor_status(ed, ST_INFO, _("F10 or Ctrl-Q quits."));
		return UI_HANDLED;
	case ACT_NEXT:
	case ACT_ENTER:
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
	if (ed->focus >= 0)
		return editor_edit_key(ed, ed->focus, key);
	return 0;
}

/* ---------------------------------------------------------------- loop */

static void draw(struct editor *ed)
{
	if (COLS < MIN_COLS || LINES < MIN_LINES) {
		draw_too_small();
		curs_set(0);
		wnoutrefresh(stdscr);
		doupdate();
		return;
	}
	if (ed->wizard)
		wizard_draw(ed);
	else
		form_draw(ed);
	/* The whole screen is drawn anew each time, the dialog last, on top;
	 * curses sends only what changed. */
	wnoutrefresh(stdscr);
	if (ed->dlg.kind != DLG_NONE)
		dialog_draw(ed);
	doupdate();
}

static int handle_key(struct editor *ed, int key)
{
	if (COLS < MIN_COLS || LINES < MIN_LINES) {
		/* Edits are kept; quitting is all that can be done here. */
		if (keys_action(key) == ACT_QUIT && !editor_dirty(ed))
			return UI_QUIT;
		return 0;
	}
	/* A status message stays until the next key. */
	ed->status[0] = '\0';
	if (ed->dlg.kind != DLG_NONE)
		return dialog_key(ed, key);
	if (ed->wizard)
		return wizard_key(ed, key);
	return form_key(ed, key);
}

static int loop(struct editor *ed)
{
	for (;;) {
		draw(ed);
		/* the terminal, signals, and the children's pipes (fd -1: none,
		 * which poll() skips) */
		struct pollfd fds[4] = {
			{ .fd = 0, .events = POLLIN },
			{ .fd = term_signal_fd(), .events = POLLIN },
			{ .fd = ed->sp.fd, .events = POLLIN },
			{ .fd = ed->dns.fd, .events = POLLIN },
		};
		if (poll(fds, 4, -1) < 0 && errno != EINTR)
			return EX_IOERR;
		if (ed->sp.fd >= 0 && fds[2].revents)
			sp_read(&ed->sp);
		if (ed->dns.fd >= 0 && fds[3].revents && sp_read(&ed->dns) &&
		    !sp_running(&ed->dns) && ed->pane == PANE_DNS && ed->focus >= 0) {
			/* the report is in: keys go to it (s saves it) */
			editor_leave_field(ed, ed->focus);
			ed->focus = -1;
		}
		if (fds[1].revents & POLLIN) {
			int sig = term_signals();
			if (sig & (TSIG_INT | TSIG_TERM | TSIG_HUP)) {
				sp_cancel(&ed->sp);
				sp_cancel(&ed->dns);
				safety_hangup(ed);
				return EX_TEMPFAIL;
			}
			if (sig & TSIG_WINCH) {
				term_resize();
				if (ed->dlg.kind != DLG_NONE)
					dialog_open(ed, ed->dlg.kind, NULL, NULL); /* lay out again */
			}
		}
		if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			/* The terminal went away (an SSH drop): keep the edits. */
			sp_cancel(&ed->sp);
			sp_cancel(&ed->dns);
			safety_hangup(ed);
			return EX_IOERR;
		}
		if (fds[0].revents & POLLIN) {
			int key;
			while ((key = term_key()) != -1) {
				if (key == (KEY_FN | KEY_RESIZE))
					continue;
				if (handle_key(ed, key) & UI_QUIT)
					return 0;
			}
		}
	}
}

int ui_run(const char *path, int is_default, int wizard)
{
	struct editor ed;
	memset(&ed, 0, sizeof ed);
	ed.cfg.path = xstrdup(path);
	ed.cfg.is_default = is_default;
	ed.focus = -1;
	sp_init(&ed.sp);
	sp_init(&ed.dns);
	struct ini_error e;
	if (config_load(&ed.cfg, true, &e) != INI_OK) {
		if (e.line)
			fprintf(stderr, "%s:%d: %s\n", path, e.line, e.msg);
		else
			fprintf(stderr, "mailset: %s: %s\n", path, e.msg);
		fprintf(stderr, "%s\n", _("mailset: the file was not opened and is unchanged; "
					  "fix that line, then run mailset again"));
		config_free(&ed.cfg);
		return config_load_status(&e);
	}
	char *perr = NULL;
	if (presets_load_default(&ed.presets, &perr) < 0) {
		fprintf(stderr, "mailset: %s\n", perr);
		free(perr);
		config_free(&ed.cfg);
		return EX_OSFILE;
	}
	settings_copy(&ed.saved, &ed.cfg.s);
	editor_load_edits(&ed);
	if (config_too_open(&ed.cfg))
		editor_status(&ed, ST_WARNING,
			      _("Warning: %s can be read by group or others (mode %04o) and holds the "
				"SMTP password: chmod 600 it."),
			      path, (unsigned)(ed.cfg.st.st_mode & 07777));

	char err[300];
	int rc;
	if (term_open(err, sizeof err) < 0) {
		fprintf(stderr, "mailset: %s\n", err);
		rc = EX_UNAVAILABLE;
	} else {
		if (wizard || !ed.cfg.exists)
			wizard_start(&ed);
		else
			focus_field(&ed, F_CONTACT_EMAIL);
		safety_start(&ed);
		rc = loop(&ed);
		dialog_close(&ed);
		term_close();
		safety_release(&ed);
		if (ed.status_style == ST_OK && rc == EX_OK && ed.status[0])
			printf("mailset: %s\n", ed.status);
	}
	wizard_free(&ed);
	sp_free(&ed.sp);
	sp_free(&ed.dns);
	for (int i = 0; i < F_COUNT; i++)
		le_free(&ed.edit[i]);
	problems_free(&ed.probs);
	presets_free(&ed.presets);
	settings_free(&ed.saved);
	config_free(&ed.cfg);
	return rc;
}
