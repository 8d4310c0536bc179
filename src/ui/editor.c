/* SPDX-License-Identifier: MIT */
/* editor.c - the editor core: the values being edited, one write path for
 * a field, validation, saving, the status line, and the drawing every
 * screen shares. It calls the model and the dialog frame, never a screen. */
#include "mailset/ui/editor.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "mailset/i18n.h"
#include "mailset/util.h"

#define PLACEHOLDER L'\x25EF' /* ◯ in a preset's host template */

void editor_init(struct editor *ed)
{
	memset(ed, 0, sizeof *ed);
	ed->focus = -1;
	job_init(&ed->send);
	job_init(&ed->dns);
	logview_reset(&ed->send_view);
	logview_reset(&ed->dns_view);
}

void editor_free(struct editor *ed)
{
	job_free(&ed->send);
	job_free(&ed->dns);
	le_free(&ed->to);
	for (int i = 0; i < F_COUNT; i++)
		le_free(&ed->edit[i]);
	problems_free(&ed->probs);
	presets_free(&ed->presets);
	settings_free(&ed->saved);
	config_free(&ed->cfg);
}

void editor_status(struct editor *ed, enum style st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *text = xvasprintf(fmt, ap);
	va_end(ap);
	/* a value or a name from outside in it: controls and bidi escaped */
	char *safe = transcript_safe(text, strlen(text), SIZE_MAX);
	/* Cut short: end on a whole character. */
	size_t k = utf8_prefix(safe, strlen(safe), sizeof ed->status - 1);
	memcpy(ed->status, safe, k);
	ed->status[k] = '\0';
	free(safe);
	free(text);
	ed->status_style = st;
}

void editor_request(struct editor *ed, enum request r)
{
	ed->requests |= (unsigned)r;
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

/* The setting from the field's text: typed back to what the file had (or,
 * for a missing key, to the default), nothing to write. */
static void take_text(struct editor *ed, enum field_id id)
{
	char *v = le_get(&ed->edit[id]);
	if (!ed->saved.value[id] && !strcmp(v, settings_fields[id].def)) {
		free(ed->cfg.s.value[id]);
		ed->cfg.s.value[id] = NULL;
	} else {
		settings_set(&ed->cfg.s, id, v);
	}
	free(v);
	editor_recheck(ed);
}

void editor_set_value(struct editor *ed, enum field_id id, const char *v)
{
	le_set(&ed->edit[id], v ? v : settings_get(&ed->cfg.s, id));
	take_text(ed, id);
}

const struct preset *editor_provider(const struct editor *ed)
{
	return presets_match_host(&ed->presets, settings_get(&ed->cfg.s, F_HOST));
}

void editor_leave_field(struct editor *ed, enum field_id id)
{
	const char *v = settings_get(&ed->cfg.s, id);
	char *n = validate_normalize(id, v, presets_app_password_len(&ed->presets, &ed->cfg.s));
	if (strcmp(n, v))
		editor_set_value(ed, id, n);
	free(n);
}

void editor_focus(struct editor *ed, int id)
{
	if (ed->focus >= 0 && ed->focus != id)
		editor_leave_field(ed, ed->focus);
	ed->focus = id;
}

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

bool editor_dirty_shown(const struct editor *ed)
{
	for (int i = 0; i < F_COUNT; i++)
		if (settings_visible(&ed->cfg.s, i) && !same(ed->cfg.s.value[i], ed->saved.value[i]))
			return true;
	return false;
}

char *editor_changes(const struct editor *ed)
{
	struct strbuf sb = { 0 };
	for (int i = 0; i < F_COUNT; i++) {
		const char *was = ed->saved.value[i], *now = ed->cfg.s.value[i];
		if (same(was, now))
			continue;
		if (settings_fields[i].flags & FIELD_SECRET) {
			sb_addf(&sb, "%s: %s\n", settings_label(i), _("changed"));
			continue;
		}
		/* as the changed-on-disk dialog: "-" for nothing */
		const char *a = was ? was : settings_fields[i].def;
		const char *b = now ? now : settings_fields[i].def;
		sb_addf(&sb, "%s: %s \xE2\x86\x92 %s\n", settings_label(i), *a ? a : "-", *b ? b : "-");
	}
	return sb.buf ? sb_steal(&sb) : NULL;
}

bool editor_revert(struct editor *ed, enum field_id id)
{
	const char *was = ed->saved.value[id];
	if (same(was, ed->cfg.s.value[id]))
		return false;
	editor_set_value(ed, id, was ? was : settings_fields[id].def);
	return true;
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

int editor_first_error(const struct editor *ed, enum field_id from, enum field_id to)
{
	for (int i = from; i <= (int)to; i++) {
		const struct problem *p = editor_problem(ed, i);
		if (p && p->sev == SEV_ERROR && settings_visible(&ed->cfg.s, i))
			return i;
	}
	return -1;
}

void editor_why_read_only(struct editor *ed, enum style kind)
{
	if (ed->safe.lock_err) {
		char *lp = lock_path(ed->cfg.path);
		editor_status(ed, kind, _("Read-only: cannot lock %s (%s): %s."), ed->cfg.path, lp,
			      strerror(ed->safe.lock_err));
		free(lp);
	} else {
		editor_status(ed, kind, _("Read-only: %s is being edited by %s."), ed->cfg.path,
			      lock_describe(&ed->safe.owner));
	}
}

bool editor_save(struct editor *ed, int *bad)
{
	*bad = -1;
	if (ed->focus >= 0)
		editor_leave_field(ed, ed->focus);
	if (ed->safe.read_only && ed->safe.lock_err) {
		char *lp = lock_path(ed->cfg.path);
		editor_status(ed, ST_ERROR, _("Not saved: cannot lock %s (%s): %s."), ed->cfg.path, lp,
			      strerror(ed->safe.lock_err));
		free(lp);
		return false;
	}
	if (ed->safe.read_only) {
		editor_status(ed, ST_ERROR, _("Not saved: %s is being edited by %s (read-only here)."),
			      ed->cfg.path, lock_describe(&ed->safe.owner));
		return false;
	}
	int i = editor_first_error(ed, 0, F_COUNT - 1);
	if (i >= 0) {
		*bad = i;
		editor_status(ed, ST_ERROR, _("Not saved: %s: %s"), settings_label(i),
			      editor_problem(ed, i)->msg);
		return false;
	}
	return editor_save_as_is(ed, false);
}

bool editor_save_as_is(struct editor *ed, bool overwrite)
{
	struct ini_error e;
	int r = config_save(&ed->cfg, overwrite, &e);
	if (r < 0) {
		if (e.status == INI_CHANGED) {
			editor_request(ed, REQ_CHANGED);
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
	struct strbuf what = { 0 };
	for (int i = 0; i < F_COUNT; i++)
		if (!same(ed->saved.value[i], ed->cfg.s.value[i]))
			sb_addf(&what, "%s%s", what.len ? ", " : "", settings_label(i));
	settings_free(&ed->saved);
	settings_copy(&ed->saved, &ed->cfg.s);
	editor_forget_recovery(ed);
	if (r == 1) /* the file holds these bytes already: not touched */
		editor_status(ed, ST_INFO, _("Nothing to save: %s already holds these values."),
			      ed->cfg.path);
	else if (e.links)
		editor_status(ed, ST_WARNING, _("Saved %s; it had %lu names (hard links): only this "
						"one has the new contents, the others keep the old."),
			      ed->cfg.path, e.links);
	else if (what.len)
		editor_status(ed, ST_OK, _("Saved %s: %s"), ed->cfg.path, what.buf);
	else
		editor_status(ed, ST_OK, _("Saved %s"), ed->cfg.path);
	sb_free(&what);
	return true;
}

void editor_forget_recovery(struct editor *ed)
{
	if (ed->safe.have_lock && ed->safe.recpath)
		unlink(ed->safe.recpath);
}

void editor_apply_preset(struct editor *ed, const struct preset *p)
{
	preset_apply(p, NULL, &ed->cfg.s);
	const enum field_id set[] = { F_HOST, F_PORT, F_AUTH, F_TLS };
	for (size_t i = 0; i < sizeof set / sizeof *set; i++)
		le_set(&ed->edit[set[i]], settings_get(&ed->cfg.s, set[i]));
	editor_recheck(ed);
	/* The cursor goes on what the user must complete. */
	struct lineedit *le = &ed->edit[F_HOST];
	size_t at = 0;
	while (at < le->len && le->buf[at] != PLACEHOLDER)
		at++;
	le_move(le, at);
	le->scroll = 0;
}

static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

void editor_reveal(struct editor *ed, bool on)
{
	ed->reveal = on;
	if (!on)
		return;
	/* for a few seconds only, and not left on the screen at exit (a
	 * terminal without an alternate screen keeps the last frame) */
	ed->reveal_until = now_ms() + EDITOR_REVEAL_MS;
	term_wipe_at_exit();
	editor_status(ed, ST_INFO, _("The password is shown for %d seconds (F4 hides it now)."),
		      EDITOR_REVEAL_MS / 1000);
}

int editor_reveal_left(struct editor *ed)
{
	if (!ed->reveal)
		return -1;
	long long left = ed->reveal_until - now_ms();
	if (left <= 0) {
		ed->reveal = false;
		return -1;
	}
	return (int)left;
}

int editor_common_key(struct editor *ed, enum action act)
{
	if (act == ACT_HELP)
		editor_request(ed, REQ_HELP);
	else if (act == ACT_REVEAL)
		editor_reveal(ed, !ed->reveal);
	else if (act == ACT_HELP_TEXT)
		ed->help_hidden = !ed->help_hidden;
	else
		return 0;
	return UI_HANDLED;
}

const char *editor_field_help(const struct editor *ed)
{
	if (ed->focus < 0)
		return "";
	/* the same words for every field: a move sends nothing here */
	return ed->help_hidden ? _("(The fields' help text is hidden: F9 shows it.)")
		: settings_help(ed->focus);
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
	editor_set_value(ed, id, c[at]);
}

static bool printable(int key)
{
	return !(key & KEY_FN) && key >= 0x20 && key != 0x7f && !(key >= 0x80 && key < 0xa0);
}

int editor_text_key(struct lineedit *le, enum action act, int key)
{
	switch (act) {
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

int editor_edit_key(struct editor *ed, enum field_id id, enum action a, int key)
{
	if (settings_fields[id].kind != FK_CHOICE) {
		int r = editor_text_key(&ed->edit[id], a, key);
		if (r & UI_CHANGED)
			take_text(ed, id);
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
		/* Space cycles; a letter picks the value it starts. */
		if (key == ' ') {
			cycle_choice(ed, id, 1);
			return UI_HANDLED;
		}
		for (const char *const *c = settings_fields[id].choices; *c; c++)
			if ((*c)[0] == (char)(key | 0x20)) {
				editor_set_value(ed, id, *c);
				break;
			}
		return UI_HANDLED;
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
	const struct lineedit *le = &ed->edit[id];
	if (f->kind == FK_CHOICE) {
		/* Focused or not, a value looks the same (plain text on the
		 * underlined field): a move of the focus rewrites the two
		 * labels, not the two values, and a typed character is its
		 * echo alone. */
		attr_t a = A_NORMAL, fill = term_style(ST_FIELD);
		wattron(w, fill);
		mvwhline(w, y, x, ' ', fw);
		wattroff(w, fill);
		/* in the user's language; the file keeps its value */
		char *v = le_get(le);
		const char *label = settings_choice_label(id, v);
		char *shown = focused ? xasprintf("\xE2\x97\x80 %s \xE2\x96\xB6", label ? label : v)
			: xstrdup(label ? label : v);
		term_put(w, y, x, shown, fw, a);
		free(shown);
		free(v);
		if (cx)
			*cx = x;
		return;
	}
	editor_draw_edit(w, y, x, fw, le, (f->flags & FIELD_SECRET) && !ed->reveal, focused, cx);
}

void editor_fit_edit(struct lineedit *le, int fw)
{
	le_scroll(le, fw - 2); /* room for a "…" on each side */
}

static int shown_width(const struct lineedit *le, size_t i, bool mask)
{
	return mask ? 1 : le_width(le->buf[i]);
}

void editor_draw_edit(WINDOW *w, int y, int x, int fw, const struct lineedit *le, bool mask,
		      bool focused, int *cx)
{
	attr_t a = A_NORMAL, fill = term_style(ST_FIELD);
	wattron(w, fill);
	mvwhline(w, y, x, ' ', fw);
	wattroff(w, fill);
	/* Unfocused, a value shows its start; focused, the part around the
	 * cursor. A side that is cut shows "…". */
	size_t from = focused ? le->scroll : 0;
	int room = fw - (from > 0), total = 0;
	for (size_t i = from; i < le->len; i++)
		total += shown_width(le, i, mask);
	bool cut = total > room;
	if (cut)
		room--;
	wattron(w, a);
	if (from > 0)
		mvwaddwstr(w, y, x, L"\x2026");
	int x0 = x + (from > 0), used = 0;
	wmove(w, y, x0);
	size_t i = from;
	for (; i < le->len; i++) {
		wchar_t c = mask ? L'*' : le->buf[i];
		int cw = shown_width(le, i, mask);
		if (used + cw > room)
			break;
		if (i == le->cur && cx)
			*cx = x0 + used;
		/* a control or bidi character from the file: seen, not obeyed */
		wchar_t str[2] = { utf8_unsafe((uint32_t)c) ? L'?' : c, 0 };
		waddwstr(w, str);
		used += cw;
	}
	if (cut)
		mvwaddwstr(w, y, x0 + used, L"\x2026");
	wattroff(w, a);
	if (cx && le->cur >= i)
		*cx = x0 + (used < room ? used : room);
}

#define MESSAGE_ROWS 4

/* Text wrapped to width cells, at most max lines (the last cut with "…"
 * when there is more; at least one line). */
static size_t wrap_lines(const char *text, int width, size_t max, char ***lines)
{
	size_t n = term_wrap(text, width, lines);
	if (!n) {
		*lines = xrealloc(*lines, sizeof **lines);
		(*lines)[n++] = xstrdup("");
	}
	if (n <= max)
		return n;
	/* the last row shown takes the rest, which term_put() cuts */
	struct strbuf sb = { 0 };
	for (size_t i = max - 1; i < n; i++) {
		sb_addf(&sb, "%s%s", i >= max ? " " : "", (*lines)[i]);
		free((*lines)[i]);
	}
	(*lines)[max - 1] = sb_steal(&sb);
	return max;
}

static void free_lines(char **lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

/* What a field has to say: its problem (mark "✗" or "!"), else, for the
 * host, the provider it belongs to (no mark). *text is the caller's. */
static bool field_note(const struct editor *ed, enum field_id id, char **text,
		       const char **mark, attr_t *a)
{
	const struct problem *p = editor_problem(ed, id);
	if (p) {
		*text = xstrdup(p->msg);
		*mark = p->sev == SEV_ERROR ? "\xE2\x9C\x97" : "!";
		*a = term_style(p->sev == SEV_ERROR ? ST_ERROR : ST_WARNING);
		return true;
	}
	/* Recognise the provider of a typed host, as mail clients do. */
	const struct preset *pr = id == F_HOST ? editor_provider(ed) : NULL;
	if (!pr)
		return false;
	*text = xasprintf(_("\xE2\x86\x92 a server of %s (F3 fills in its values)"),
			  preset_name(pr));
	*mark = NULL;
	*a = term_style(ST_INFO);
	return true;
}

const char *editor_field_mark(const struct editor *ed, enum field_id id, attr_t *a)
{
	const struct problem *p = editor_problem(ed, id);
	if (!p)
		return NULL;
	*a = term_style(p->sev == SEV_ERROR ? ST_ERROR : ST_WARNING);
	return p->sev == SEV_ERROR ? "\xE2\x9C\x97" : "!";
}

void editor_draw_field_row(const struct editor *ed, WINDOW *w, int y, int x, int lw, int fw,
			   enum field_id id, bool focused, int *cx)
{
	/* The focus is the marker alone (and the cursor in the value): a move
	 * then rewrites two cells of the labels, not two labels. */
	if (focused)
		mvwaddwstr(w, y, x - 1, L"\x25B8");
	term_put(w, y, x, settings_label(id), lw, A_NORMAL);
	draw_value(ed, w, y, x + lw + 1, fw, id, focused, focused ? cx : NULL);
}

int editor_draw_field(const struct editor *ed, WINDOW *w, int y, int x, int lw, int fw,
		      enum field_id id, bool focused, int *cx)
{
	editor_draw_field_row(ed, w, y, x, lw, fw, id, focused, cx);
	char *text;
	const char *mark;
	attr_t a;
	if (!field_note(ed, id, &text, &mark, &a))
		return 1;
	int mw = lw + 1 + fw - 2, rows = 1;
	if (mark && focused) {
		/* The focused field's message whole (wrapped under its mark),
		 * another's on one row. */
		char **lines;
		size_t n = wrap_lines(text, mw - 2, MESSAGE_ROWS, &lines);
		term_put(w, y + 1, x + 2, mark, 2, a);
		for (size_t i = 0; i < n; i++)
			term_put(w, y + 1 + (int)i, x + 4, lines[i], mw - 2, a);
		free_lines(lines, n);
		rows = (int)n;
	} else {
		char *m = mark ? xasprintf("%s %s", mark, text) : xstrdup(text);
		term_put(w, y + 1, x + 2, m, mw, a);
		free(m);
	}
	free(text);
	return 1 + rows;
}

int editor_field_rows(const struct editor *ed, int lw, int fw, enum field_id id, bool focused)
{
	char *text;
	const char *mark;
	attr_t a;
	if (!field_note(ed, id, &text, &mark, &a))
		return 1;
	size_t n = 1;
	if (mark && focused) {
		char **lines;
		n = wrap_lines(text, lw + 1 + fw - 4, MESSAGE_ROWS, &lines);
		free_lines(lines, n);
	}
	free(text);
	return 1 + (int)n;
}

int editor_draw_message(const struct editor *ed, WINDOW *w, int y, int x, int width, int maxrows,
			enum field_id id, bool whole)
{
	char *text;
	const char *mark;
	attr_t a;
	if (maxrows <= 0 || !field_note(ed, id, &text, &mark, &a))
		return 0;
	/* Another field's message is named: these rows are under the last
	 * field, not the one meant. */
	if (!whole) {
		char *m = xasprintf(mark ? "%s: %s" : "%s %s", settings_label(id), text);
		free(text);
		text = m;
	}
	char **lines;
	size_t max = whole ? (size_t)(maxrows < MESSAGE_ROWS ? maxrows : MESSAGE_ROWS) : 1;
	size_t n = wrap_lines(text, width - 2, max, &lines);
	free(text);
	if (w) {
		if (mark)
			term_put(w, y, x, mark, 2, a);
		for (size_t i = 0; i < n; i++)
			term_put(w, y + (int)i, x + 2, lines[i], width - 2, a);
	}
	free_lines(lines, n);
	return (int)n;
}

int editor_draw_text(WINDOW *w, int y, int x, int width, int maxy, const char *text, attr_t a)
{
	char **lines;
	size_t n = term_wrap(text, width, &lines);
	for (size_t i = 0; i < n; i++) {
		if (y < maxy)
			term_put(w, y++, x, lines[i], width, a);
		free(lines[i]);
	}
	free(lines);
	return y;
}

struct bar {
	WINDOW *w;
	int y, x, end;
	attr_t label;
	bool hide[SC_COUNT];  /* the scopes of a pane with a hint line of its own */
	int sel;              /* the item shown chosen (a dialog's button), or -1 */
	const char *shown[16];
	int nshown;
};

static void bar_item(void *ctx, const struct binding *b, const int *keys, int nkeys)
{
	struct bar *bar = ctx;
	(void)nkeys;
	if (!b->bar_ja || bar->hide[b->scope] || bar->nshown == 16)
		return;
	const char *label = i18n_pick(b->bar_ja, b->bar_en);
	for (int i = 0; i < bar->nshown; i++)
		if (!strcmp(bar->shown[i], label))
			return; /* one "Next" is enough */
	/* a letter in brackets: "[S] Save and quit" */
	char key[24];
	bool letter = keys[0] < 0x80 && ((keys[0] | 0x20) >= 'a' && (keys[0] | 0x20) <= 'z');
	snprintf(key, sizeof key, letter ? "[%s]" : "%s", keys_name(keys[0]));
	int need = term_width(key) + 1 + term_width(label);
	if (bar->x + need > bar->end) {
		bar->nshown = 16; /* full */
		return;
	}
	attr_t chosen = bar->nshown == bar->sel ? A_REVERSE : A_NORMAL;
	bar->shown[bar->nshown++] = label;
	bar->x += term_put(bar->w, bar->y, bar->x, key, bar->end - bar->x, term_style(ST_KEY) | chosen);
	bar->x += term_put(bar->w, bar->y, bar->x, " ", 1, chosen);
	bar->x += term_put(bar->w, bar->y, bar->x, label, bar->end - bar->x, bar->label | chosen);
	if (bar->x + 2 <= bar->end)
		bar->x += term_put(bar->w, bar->y, bar->x, "  ", 2, A_NORMAL);
}

void editor_draw_keybar(WINDOW *w, int y, int x, int width, const enum scope *sc, int n,
			int nhide, int sel, attr_t label)
{
	struct bar bar = { .w = w, .y = y, .x = x, .end = x + width, .label = label, .sel = sel };
	for (int i = 0; i < nhide && i < n; i++)
		bar.hide[sc[i]] = true;
	keys_each(sc, (size_t)n, bar_item, &bar);
}

void editor_draw_footer(const struct editor *ed, const char *text, const enum scope *sc, int n,
			int nhide, int rows)
{
	int lines = LINES, cols = COLS;
	for (int y = lines - 1 - rows; y < lines; y++) {
		wmove(stdscr, y, 0);
		wclrtoeol(stdscr);
	}
	attr_t a = ed->status[0] ? term_style(ed->status_style) : A_NORMAL;
	/* On the last rows, right above the key bar: the rows kept for a
	 * longer help stay blank above a short one (and a status there is not
	 * under a dialog). */
	char **wrapped;
	int used = (int)term_wrap(text, cols - 2, &wrapped), top = lines - 1 - rows;
	free_lines(wrapped, (size_t)used);
	if (used < rows)
		top += rows - used;
	editor_draw_text(stdscr, top, 1, cols - 2, lines - 1, text, a);
	editor_draw_keybar(stdscr, lines - 1, 0, cols, sc, n, nhide, -1, A_NORMAL);
}
