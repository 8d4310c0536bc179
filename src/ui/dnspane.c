/* SPDX-License-Identifier: MIT */
/* dnspane.c - the DNS チェック pane: under its fields (the form draws
 * them), the report of a check run in a child process. */
#include "mailset/ui/screens.h"

#include <stdlib.h>
#include <string.h>

#include "mailset/i18n.h"
#include "mailset/util.h"

/* --- the editor's side --------------------------------------------------- */

static void run(struct editor *ed)
{
	int bad = editor_first_error(ed, F_DNS_SERVER, F_DNS_SELECTORS);
	if (bad >= 0) {
		job_clear(&ed->dns);
		ed->dns_view.focused = false;
		editor_status(ed, ST_ERROR, _("Not checked: %s"), editor_problem(ed, bad)->msg);
		return;
	}
	struct strbuf req = { 0 };
	netreq_put_settings(&req, &ed->cfg.s);
	netreq_put(&req, "editor", "1");
	char *err = NULL;
	bool started = job_start(&ed->dns, NETJOB_DNS, &req, &err);
	explicit_bzero(req.buf, req.len);
	sb_free(&req);
	if (!started)
		editor_status(ed, ST_ERROR, _("Not checked: %s"), err ? err : "?");
	else
		ed->dns_view.focused = false;
	free(err);
}

static void save_report(struct editor *ed)
{
	const char *slash = strrchr(ed->cfg.path, '/');
	char *dir = !slash ? xstrdup(".") : slash == ed->cfg.path ? xstrdup("/")
		: xstrndup(ed->cfg.path, (size_t)(slash - ed->cfg.path));
	char *err = NULL;
	char *path = job_save(&ed->dns, dir, "dns", false, &err);
	if (path)
		editor_status(ed, ST_OK, _("The DNS report was saved to %s (send it to support as "
					   "text)."), path);
	else
		editor_status(ed, ST_ERROR, _("Cannot save the DNS report: %s"), err);
	free(path);
	free(err);
	free(dir);
}

/* The provider the last report recognised, while the SMTP settings are
 * empty: 'p' applies its preset. */
static const struct preset *offered(const struct editor *ed)
{
	if (*settings_get(&ed->cfg.s, F_HOST) || !ed->dns.note)
		return NULL;
	return presets_find(&ed->presets, ed->dns.note);
}

static int scopes(const struct editor *ed, enum scope *out)
{
	int n = 0;
	if (!job_running(&ed->dns) && ed->dns_view.focused && offered(ed))
		out[n++] = SC_DNS_OFFER;
	out[n++] = job_running(&ed->dns) ? SC_DNS_RUN : ed->dns_view.focused ? SC_DNS_LOG : SC_DNS;
	return n;
}

static void to_report(struct editor *ed)
{
	editor_focus(ed, -1);
	ed->dns_view.focused = true;
}

static int key(struct editor *ed, enum action act, int k)
{
	(void)k;
	struct logview *lv = &ed->dns_view;
	switch (act) {
	case ACT_STOP:
		job_cancel(&ed->dns);
		to_report(ed);
		return UI_HANDLED;
	case ACT_CHECK:
		run(ed);
		return UI_HANDLED;
	case ACT_TO_LOG:
		if (ed->focus != F_DNS_SELECTORS || !ed->dns.nlines)
			return 0; /* the form's next field */
		to_report(ed);
		return UI_HANDLED;
	case ACT_TO_FIELDS:
		lv->focused = false;
		editor_focus(ed, F_DNS_SERVER);
		return UI_HANDLED;
	case ACT_SAVE_LOG:
		save_report(ed);
		return UI_HANDLED;
	case ACT_APPLY_PROVIDER:
		if (!offered(ed))
			return 0;
		editor_apply_preset(ed, offered(ed));
		return UI_HANDLED;
	default:
		return lv->focused ? logview_key(lv, act) : 0;
	}
}

static int input_fd(const struct editor *ed)
{
	return ed->dns.fd;
}

static int input(struct editor *ed)
{
	if (!job_read(&ed->dns))
		return 0;
	/* The report is in: keys go to it (s saves it). */
	if (!job_running(&ed->dns) && ed->pane == PANE_DNS && !ed->wizard)
		to_report(ed);
	return UI_HANDLED;
}

/* The report wrapped to the pane: continuations indented; records are not
 * broken inside their values (only cut, marked "↩", when wider than the
 * pane). A line's look comes from its item's verdict, never its words. */
static char *report_first(const struct jobline *l, const char *part)
{
	(void)l;
	return xstrdup(part);
}

static attr_t report_style(const struct job *j, size_t i)
{
	const struct jobline *l = &j->lines[i];
	return l->level == JL_ERROR ? term_style(ST_ERROR)
		: l->level == JL_WARN ? term_style(ST_WARNING)
		: i + 1 == j->nlines && j->verdict ? term_style(j->status ? ST_ERROR : ST_OK)
		: A_NORMAL;
}

static void report_rows(const struct job *j, int width, struct logview_rows *r)
{
	logview_rows(j, width, 4, term_wrap_values, report_first, report_style, r);
}

static void fit(struct editor *ed, struct area a)
{
	struct logview_rows r;
	report_rows(&ed->dns, a.w, &r);
	logview_fit(&ed->dns_view, (int)r.n, a.h - 2);
	logview_rows_free(&r);
}

static void draw(const struct editor *ed, struct area a, struct cursor *cur)
{
	(void)cur;
	int y = a.y, x = a.x;
	enum scope sc[SCOPES_MAX];
	int nsc = scopes(ed, sc);
	int hx = x;
	if (job_running(&ed->dns))
		hx += term_put(stdscr, y, hx, _("Asking the DNS..."), a.w, term_style(ST_INFO)) + 2;
	editor_draw_keybar(stdscr, y++, hx, a.w - (hx - x), sc, nsc, 0, -1, term_style(ST_INFO));
	mvwhline(stdscr, y++, x, ACS_HLINE, a.w);
	struct logview_rows r;
	report_rows(&ed->dns, a.w, &r);
	int total = (int)r.n, first = ed->dns_view.first_shown;
	for (int i = 0; i < a.h - 2 && first + i < total; i++)
		term_put(stdscr, y + i, x, r.row[first + i], a.w, r.attr[first + i]);
	logview_rows_free(&r);
}

const struct screen_ops dnspane_screen = {
	.name = "DNS check",
	.scopes = scopes,
	.fit = fit,
	.draw = draw,
	.key = key,
	.fd = input_fd,
	.input = input,
};
