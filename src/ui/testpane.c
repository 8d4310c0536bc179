/* SPDX-License-Identifier: MIT */
/* testpane.c - the 送信テスト pane: recipient, Send, the live dialogue,
 * the verdict. Shown inside the form (F5) and the wizard's test step. */
#include "mailset/ui/screens.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mailset/i18n.h"
#include "mailset/validate.h"
#include "mailset/util.h"

#define LABEL_W 26

/* --- the editor's side --------------------------------------------------- */

/* A send refused before it began: the last one's verdict would mislead. */
static void refused(struct editor *ed)
{
	job_clear(&ed->send);
	ed->send_view.focused = false;
}

/* Nothing goes out while a value on the screen is wrong. */
static bool settings_ok(struct editor *ed)
{
	int i = editor_first_error(ed, 0, F_COUNT - 1);
	if (i < 0)
		return true;
	refused(ed);
	editor_status(ed, ST_ERROR, _("Not sent: %s: %s"), settings_label(i),
		      editor_problem(ed, i)->msg);
	return false;
}

/* Send with the values on the screen: to `to` (mark above the text), and
 * for the shop-like test a second message to the contact address. */
static void start(struct editor *ed, const char *to, bool probe, const char *mark,
		  const char *contact_mark)
{
	struct strbuf req = { 0 };
	netreq_put_settings(&req, &ed->cfg.s);
	netreq_put(&req, "to", to);
	if (probe)
		netreq_put(&req, "probe", "1");
	if (mark)
		netreq_put(&req, "mark", mark);
	if (contact_mark) {
		netreq_put(&req, "contact", settings_get(&ed->cfg.s, F_CONTACT_EMAIL));
		netreq_put(&req, "contact-mark", contact_mark);
	}
	char *err = NULL;
	if (!job_start(&ed->send, NETJOB_SMTP, &req, &err))
		editor_status(ed, ST_ERROR, _("Not sent: %s"), err ? err : "?");
	else
		ed->send_view.focused = false;
	free(err);
	if (req.buf)
		explicit_bzero(req.buf, req.len);
	sb_free(&req);
}

enum how { PROBE, SEND, SHOP };

/* Send with the values on the screen, saved or not: PROBE connects, logs
 * in and quits; SHOP sends what the shop does, a message to the customer
 * (the recipient) and a notification to the contact address. */
static void send(struct editor *ed, enum how how)
{
	bool probe = how == PROBE;
	if (!settings_ok(ed))
		return;
	char *to = le_get(&ed->to);
	char *why = probe ? NULL : validate_address(to);
	if (why) {
		refused(ed);
		editor_status(ed, ST_ERROR, _("Not sent: the recipient: %s"), why);
	} else if (how == SHOP) {
		start(ed, to, false, _("[1/2] As the shop's confirmation to a customer."),
		      _("[2/2] As the shop's notification to the contact address."));
	} else {
		start(ed, to, probe, NULL, NULL);
	}
	free(why);
	free(to);
}

static char *config_dir(const struct editor *ed)
{
	const char *slash = strrchr(ed->cfg.path, '/');
	if (!slash)
		return xstrdup(".");
	return slash == ed->cfg.path ? xstrdup("/")
		: xstrndup(ed->cfg.path, (size_t)(slash - ed->cfg.path));
}

static void save_log(struct editor *ed)
{
	char *dir = config_dir(ed);
	char *err = NULL;
	char *path = job_save(&ed->send, dir, "test-send", true, &err);
	if (!path && getenv("HOME")) {
		free(err);
		path = job_save(&ed->send, getenv("HOME"), "test-send", true, &err);
	}
	if (path)
		editor_status(ed, ST_OK, _("The dialogue was saved to %s (the password is not in it)."),
			      path);
	else
		editor_status(ed, ST_ERROR, _("Cannot save the dialogue: %s"), err);
	free(path);
	free(err);
	free(dir);
}

static int scopes(const struct editor *ed, enum scope *out)
{
	out[0] = job_running(&ed->send) ? SC_TEST_RUN
		: ed->send_view.focused ? SC_TEST_LOG : SC_TEST;
	return 1;
}

static void enter(struct editor *ed)
{
	if (!ed->to.len)
		le_set(&ed->to, settings_get(&ed->cfg.s, F_CONTACT_EMAIL));
	if (!job_running(&ed->send) && !ed->send.verdict)
		ed->send_view.focused = false;
}

static int key(struct editor *ed, enum action act, int k)
{
	struct logview *lv = &ed->send_view;
	if (job_running(&ed->send)) {
		if (act != ACT_STOP)
			return 0;
		job_cancel(&ed->send);
		lv->focused = true;
		return UI_HANDLED;
	}
	switch (act) {
	case ACT_PROBE:
		send(ed, PROBE);
		return UI_HANDLED;
	case ACT_SEND:
		send(ed, SEND);
		return UI_HANDLED;
	case ACT_SHOP_TEST:
		send(ed, SHOP);
		return UI_HANDLED;
	case ACT_SAVE_LOG:
		save_log(ed);
		return UI_HANDLED;
	case ACT_TO_FIELDS:
		lv->focused = false;
		return UI_HANDLED;
	case ACT_TO_LOG:
		/* (nothing to go to before the first send) */
		lv->focused = ed->send.nlines > 0;
		return UI_HANDLED;
	default:
		break;
	}
	if (lv->focused)
		return logview_key(lv, act);
	return editor_text_key(&ed->to, act, k) & UI_HANDLED;
}

static int input_fd(const struct editor *ed)
{
	return ed->send.fd;
}

static int input(struct editor *ed)
{
	if (!job_read(&ed->send))
		return 0;
	/* Done: the keys go to the dialogue (s saves it). */
	if (!job_running(&ed->send))
		ed->send_view.focused = true;
	return UI_HANDLED;
}

/* The dialogue as screen rows: a line's time and kind, then its text
 * wrapped to the pane, the rest of a long line under its text. */
static char *dialogue_first(const struct jobline *l, const char *part)
{
	return xasprintf("%6ld %c %s", l->ms, l->kind, part);
}

static attr_t dialogue_style(const struct job *j, size_t i)
{
	char kind = j->lines[i].kind;
	return kind == 'C' ? term_style(ST_HEADING) : kind == '*' ? term_style(ST_INFO) : A_NORMAL;
}

static void dialogue_rows(const struct job *j, int width, struct logview_rows *r)
{
	logview_rows(j, width, 9, term_wrap, dialogue_first, dialogue_style, r);
}

/* The verdict, wrapped, and the rows it takes from the dialogue. */
static size_t verdict_lines(const struct job *j, int width, char ***vl)
{
	*vl = NULL;
	if (!j->verdict)
		return 0;
	char *v = xasprintf("%s %s", j->status ? "\xE2\x9C\x97" : "\xE2\x9C\x93", j->verdict);
	size_t n = term_wrap(v, width, vl);
	free(v);
	return n;
}

/* The verdict is what the operator acts on: all of it, taking rows from the
 * (scrollable) dialogue down to three. Rows from the third (under the
 * recipient and hint): the dialogue's, then the verdict's. */
static void split(struct area a, size_t nv, int *rows, int *vrows)
{
	int room = a.h - 3 - 3;
	*vrows = (int)nv > room ? (room > 0 ? room : 0) : (int)nv;
	*rows = a.h - 3 - *vrows;
}

static void fit(struct editor *ed, struct area a)
{
	editor_fit_edit(&ed->to, a.w - LABEL_W - 1);
	char **vl;
	size_t nv = verdict_lines(&ed->send, a.w, &vl);
	for (size_t i = 0; i < nv; i++)
		free(vl[i]);
	free(vl);
	int rows, vrows;
	split(a, nv, &rows, &vrows);
	struct logview_rows r;
	dialogue_rows(&ed->send, a.w, &r);
	logview_fit(&ed->send_view, (int)r.n, rows);
	logview_rows_free(&r);
}

static void draw(const struct editor *ed, struct area a, struct cursor *cur)
{
	const struct job *j = &ed->send;
	const struct logview *lv = &ed->send_view;
	int y = a.y, x = a.x, wd = a.w;
	term_put(stdscr, y, x, i18n_pick("宛先", "Recipient"), LABEL_W,
		 term_style(lv->focused ? ST_NORMAL : ST_FIELD_FOCUS));
	int fx = -1;
	bool focused = !lv->focused && !job_running(j) && !ed->dlg;
	editor_draw_edit(stdscr, y, x + LABEL_W + 1, wd - LABEL_W - 1, &ed->to, false, focused, &fx);
	if (focused)
		*cur = (struct cursor){ y, fx };
	y++;
	/* what the keys do now */
	int hx = x;
	if (job_running(j))
		hx += term_put(stdscr, y, hx, _("Sending..."), wd, term_style(ST_INFO)) + 2;
	enum scope sc;
	scopes(ed, &sc);
	editor_draw_keybar(stdscr, y++, hx, wd - (hx - x), &sc, 1, 0, -1, term_style(ST_INFO));
	mvwhline(stdscr, y++, x, ACS_HLINE, wd);

	char **vl;
	size_t nv = verdict_lines(j, wd, &vl);
	int rows, vrows;
	split(a, nv, &rows, &vrows);
	struct logview_rows r;
	dialogue_rows(j, wd, &r);
	int total = (int)r.n, first = lv->first_shown;
	for (int i = 0; i < rows && first + i < total; i++)
		term_put(stdscr, y + i, x, r.row[first + i], wd, r.attr[first + i]);
	logview_rows_free(&r);
	int bottom = a.y + a.h;
	for (size_t i = 0; i < nv; i++) {
		if ((int)i < vrows)
			term_put(stdscr, bottom - vrows + (int)i, x, vl[i], wd,
				 term_style(j->status ? ST_ERROR : ST_OK));
		free(vl[i]);
	}
	free(vl);
}

static const char *help(const struct editor *ed)
{
	(void)ed;
	return i18n_pick("現在の画面の設定値(未保存でも)でテストメールを送り、SMTP のやりとりをそのまま表示します。"
			 "F6 はメールを送らずに接続とログインだけを確かめます。パスワードは表示されません。",
			 "Sends a test message with the values on the screen (saved or not) and shows the "
			 "SMTP dialogue as it happens; F6 checks the connection and login without "
			 "sending. The password is never shown.");
}

const struct screen_ops testpane_screen = {
	.name = "test send",
	.scopes = scopes,
	.fit = fit,
	.draw = draw,
	.help = help,
	.key = key,
	.enter = enter,
	.fd = input_fd,
	.input = input,
};
