/* testpane.c - the 送信テスト pane: recipient, Send, the live dialogue,
 * the verdict. Shared by the main form (F5) and the wizard's test step. */
#include "mailset/ui/editor.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mailset/i18n.h"
#include "mailset/message.h"
#include "mailset/util.h"

void testpane_open(struct editor *ed)
{
	struct sendpanel *sp = &ed->sp;
	if (!sp->to.len)
		le_set(&sp->to, settings_get(&ed->cfg.s, F_CONTACT_EMAIL));
	if (!sp_running(sp) && !sp->verdict)
		sp->focus_log = false;
}

/* Nothing goes out while a value on the screen is wrong. */
static bool settings_ok(struct editor *ed)
{
	for (int i = 0; i < F_COUNT; i++) {
		const struct problem *p = editor_problem(ed, i);
		if (p && p->sev == SEV_ERROR) {
			editor_status(ed, ST_ERROR, _("Not sent: %s: %s"), settings_label(i), p->msg);
			return false;
		}
	}
	return true;
}

/* Connect, TLS, login, QUIT with the values on the screen. */
static void probe(struct editor *ed)
{
	char *err = NULL;
	if (settings_ok(ed) && !sp_start(&ed->sp, &ed->cfg.s, NULL, &err))
		editor_status(ed, ST_ERROR, _("Not sent: %s"), err ? err : "?");
	free(err);
}

/* Send with the values on the screen, saved or not. */
static void send(struct editor *ed)
{
	if (!settings_ok(ed))
		return;
	char *to = le_get(&ed->sp.to);
	char *why = validate_address(to);
	char *err = NULL, *msg = NULL;
	if (why) {
		editor_status(ed, ST_ERROR, _("Not sent: the recipient: %s"), why);
		goto out;
	}
	char *tmpl = message_template(&err);
	if (tmpl)
		msg = message_build(&ed->cfg.s, to, tmpl, time(NULL), &err);
	free(tmpl);
	if (!msg || !sp_start(&ed->sp, &ed->cfg.s, msg, &err))
		editor_status(ed, ST_ERROR, _("Not sent: %s"), err ? err : "?");
out:
	free(why);
	free(err);
	if (msg) {
		explicit_bzero(msg, strlen(msg));
		free(msg);
	}
	free(to);
}

static const char *config_dir(const struct editor *ed, char *buf, size_t n)
{
	const char *slash = strrchr(ed->cfg.path, '/');
	if (!slash)
		return ".";
	snprintf(buf, n, "%.*s", (int)(slash - ed->cfg.path), ed->cfg.path);
	return *buf ? buf : "/";
}

static void save_log(struct editor *ed)
{
	char dir[4096];
	char *err = NULL;
	char *path = sp_save(&ed->sp, config_dir(ed, dir, sizeof dir), &err);
	if (!path && getenv("HOME")) {
		free(err);
		path = sp_save(&ed->sp, getenv("HOME"), &err);
	}
	if (path)
		editor_status(ed, ST_OK, _("The dialogue was saved to %s (the password is not in it)."),
			      path);
	else
		editor_status(ed, ST_ERROR, _("Cannot save the dialogue: %s"), err);
	free(path);
	free(err);
}

int testpane_key(struct editor *ed, int key)
{
	struct sendpanel *sp = &ed->sp;
	enum action a = keys_action(key);
	if (sp_running(sp)) {
		if (a == ACT_CANCEL) {
			sp_cancel(sp);
			return UI_HANDLED;
		}
		return 0;
	}
	if (a == ACT_PROBE) {
		probe(ed);
		return UI_HANDLED;
	}
	if (sp->focus_log) {
		if (sp->top < 0)
			sp->top = sp->first_shown;
		switch (a) {
		case ACT_NEXT:
		case ACT_PREV:
			if (key == '\t' || key == (KEY_FN | KEY_BTAB)) {
				sp->focus_log = false;
			} else {
				sp->top += a == ACT_NEXT ? 1 : -1;
				if (sp->top < 0)
					sp->top = 0;
			}
			return UI_HANDLED;
		case ACT_HOME:
			sp->top = 0;
			return UI_HANDLED;
		case ACT_END:
			sp->top = -1;
			return UI_HANDLED;
		case ACT_ENTER:
			sp->focus_log = false;
			return UI_HANDLED;
		default:
			break;
		}
		if (key == 's' || key == 'S') {
			save_log(ed);
			return UI_HANDLED;
		}
		return 0;
	}
	if (a == ACT_ENTER) {
		send(ed);
		return UI_HANDLED;
	}
	if (a == ACT_NEXT && sp->nlines) {
		sp->focus_log = true;
		return UI_HANDLED;
	}
	return editor_text_key(&sp->to, key) & UI_HANDLED;
}

void testpane_draw(struct editor *ed, WINDOW *w, int y, int x, int wd, int h, int *cy, int *cx)
{
	struct sendpanel *sp = &ed->sp;
	int bottom = y + h;
	const char *label = i18n_pick("宛先", "Recipient");
	term_put(w, y, x, label, 26, term_style(sp->focus_log ? ST_NORMAL : ST_FIELD_FOCUS));
	int fx = -1;
	bool focused = !sp->focus_log && !sp_running(sp) && ed->dlg.kind == DLG_NONE;
	editor_draw_edit(w, y, x + 27, wd - 27, &sp->to, false, focused, &fx);
	if (focused)
		*cy = y, *cx = fx;
	y++;
	const char *hint = sp_running(sp) ? _("Sending... Esc or Ctrl-C stops it.")
		: sp->focus_log ? _("\xE2\x86\x91\xE2\x86\x93 scroll  s save  Tab recipient  Enter send  F6 login")
		: _("Enter: send with the values on the screen  F6: login only");
	term_put(w, y++, x, hint, wd, term_style(ST_INFO));
	mvwhline(w, y++, x, ACS_HLINE, wd);

	/* the verdict at the bottom, the dialogue above it following its end
	 * unless scrolled */
	char **vl = NULL;
	size_t nv = 0;
	if (sp->verdict) {
		char *v = xasprintf("%s %s", sp->status ? "\xE2\x9C\x97" : "\xE2\x9C\x93", sp->verdict);
		nv = term_wrap(v, wd, &vl);
		free(v);
	}
	/* The verdict is what the operator acts on: all of it, taking rows from
	 * the (scrollable) dialogue down to three. */
	int room = bottom - y - 3;
	int vrows = (int)nv > room ? (room > 0 ? room : 0) : (int)nv;
	int rows = bottom - y - vrows;
	int total = (int)sp->nlines;
	int first = sp->top < 0 || sp->top > total - rows ? total - rows : sp->top;
	if (first < 0)
		first = 0;
	/* Scrolling up starts from what is on the screen: remember it. */
	sp->first_shown = first;
	for (int i = 0; i < rows && first + i < total; i++) {
		const struct sendline *l = &sp->lines[first + i];
		char *row = xasprintf("%6ld %c %s", l->ms, l->kind, l->text);
		attr_t a = l->kind == 'C' ? term_style(ST_HEADING) : l->kind == '*' ? term_style(ST_INFO)
			: A_NORMAL;
		term_put(w, y + i, x, row, wd, a);
		free(row);
	}
	for (size_t i = 0; i < nv; i++) {
		if ((int)i < vrows)
			term_put(w, bottom - vrows + (int)i, x, vl[i], wd,
				 term_style(sp->status ? ST_ERROR : ST_OK));
		free(vl[i]);
	}
	free(vl);
}
