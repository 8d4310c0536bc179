/* dnspane.c - the DNS チェック pane: the server and selectors fields (the
 * form draws them), then the report of a check run in a child process. */
#include "mailset/ui/editor.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mailset/dns.h"
#include "mailset/i18n.h"
#include "mailset/util.h"

struct dns_args {
	const struct settings *s;
	const struct preset_list *pl;
};

static void dns_job(int fd, void *arg)
{
	struct dns_args *a = arg;
	const char *sel[16];
	size_t n = 0;
	char *copy = xstrdup(settings_get(a->s, F_DNS_SELECTORS)), *save = NULL;
	for (char *t = strtok_r(copy, ", ", &save); t && n < 16; t = strtok_r(NULL, ", ", &save))
		sel[n++] = t;
	const char *server = settings_get(a->s, F_DNS_SERVER);
	struct dns_opts o = { .server = *server ? server : NULL, .selectors = sel, .nselectors = n,
			      .in_editor = true };
	struct dns_report r;
	dns_check(a->s, a->pl, &o, &r);
	/* not part of the report: which preset 'p' may apply */
	if (r.offer_preset)
		sp_child_line(fd, 'P', 0, r.provider->id);
	char *text = dns_report_text(&r);
	for (char *line = text, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			nl = line + strlen(line) - 1;
		*nl = '\0';
		sp_child_line(fd, ' ', 0, line);
	}
	sp_child_end(fd, r.status, r.verdict);
}

static void run(struct editor *ed)
{
	const char *bad = NULL;
	for (int i = F_DNS_SERVER; i <= F_DNS_SELECTORS && !bad; i++) {
		const struct problem *p = editor_problem(ed, i);
		if (p && p->sev == SEV_ERROR)
			bad = p->msg;
	}
	if (bad) {
		editor_status(ed, ST_ERROR, _("Not checked: %s"), bad);
		return;
	}
	struct dns_args a = { &ed->cfg.s, &ed->presets };
	char *err = NULL;
	if (!sp_start_job(&ed->dns, dns_job, &a, &err))
		editor_status(ed, ST_ERROR, _("Not checked: %s"), err ? err : "?");
	free(err);
}

static void save_report(struct editor *ed)
{
	const char *slash = strrchr(ed->cfg.path, '/');
	char *dir = slash ? xstrndup(ed->cfg.path, (size_t)(slash - ed->cfg.path)) : xstrdup(".");
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	char *path = xasprintf("%s/mailset-dns-%s.txt", *dir ? dir : "/", stamp);
	struct strbuf sb = { 0 };
	for (size_t i = 0; i < ed->dns.nlines; i++)
		if (ed->dns.lines[i].kind != 'P')
			sb_addf(&sb, "%s\n", ed->dns.lines[i].text);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0 && write(fd, sb.buf, sb.len) == (ssize_t)sb.len && close(fd) == 0) {
		editor_status(ed, ST_OK, _("The DNS report was saved to %s (send it to support as "
					   "text)."), path);
	} else {
		editor_status(ed, ST_ERROR, _("Cannot save the DNS report to %s: %s"), path,
			      strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	sb_free(&sb);
	free(path);
	free(dir);
}

/* The provider the last report recognised, while the SMTP settings are
 * empty: 'p' applies its preset. */
static const struct preset *offered(const struct editor *ed)
{
	if (*settings_get(&ed->cfg.s, F_HOST))
		return NULL;
	for (size_t i = 0; i < ed->dns.nlines; i++)
		if (ed->dns.lines[i].kind == 'P')
			return presets_find(&ed->presets, ed->dns.lines[i].text);
	return NULL;
}

int dnspane_key(struct editor *ed, int key)
{
	struct sendpanel *sp = &ed->dns;
	enum action a = keys_action(key);
	if (sp_running(sp))
		return a == ACT_CANCEL ? (sp_cancel(sp), UI_HANDLED) : 0;
	if (sp->focus_log) {
		if (sp->top < 0)
			sp->top = sp->first_shown;
		if ((a == ACT_NEXT && key != '\t') || a == ACT_PREV) {
			sp->top = a == ACT_NEXT ? sp->top + 1 : sp->top > 0 ? sp->top - 1 : 0;
			return UI_HANDLED;
		}
		if (key == '\t' || a == ACT_ENTER) {
			sp->focus_log = false;
			ed->focus = F_DNS_SERVER;
			return UI_HANDLED;
		}
		if (key == 's' || key == 'S') {
			save_report(ed);
			return UI_HANDLED;
		}
		const struct preset *p = offered(ed);
		if (p && (key == 'p' || key == 'P')) {
			editor_apply_preset(ed, p);
			return UI_HANDLED;
		}
		return 0;
	}
	if (a == ACT_ENTER) {
		run(ed);
		return UI_HANDLED;
	}
	if (a == ACT_NEXT && ed->focus == F_DNS_SELECTORS && sp->nlines) {
		editor_leave_field(ed, ed->focus);
		ed->focus = -1;
		sp->focus_log = true;
		return UI_HANDLED;
	}
	return 0;
}

void dnspane_draw(struct editor *ed, WINDOW *w, int y, int x, int wd, int bottom)
{
	struct sendpanel *sp = &ed->dns;
	const struct preset *p = offered(ed);
	const char *hint = sp_running(sp) ? _("Asking the DNS... Esc stops.")
		: sp->focus_log ? (p ? _("\xE2\x86\x91\xE2\x86\x93: scroll   s: save the report   p: apply the provider's preset   Tab: fields")
				     : _("\xE2\x86\x91\xE2\x86\x93: scroll   s: save the report   Tab: fields   Enter: check again"))
		: _("Enter: check MX, SPF, DKIM and DMARC of the system mail sender's domain");
	term_put(w, y++, x, hint, wd, term_style(ST_INFO));
	mvwhline(w, y++, x, ACS_HLINE, wd);
	/* the report, wrapped to the pane: continuations indented; records
	 * are not broken inside their values (only cut, marked "↩", when
	 * wider than the pane); 's' saves the lines as they came */
	size_t nshown = 0;
	char **shown = NULL;
	attr_t *attrs = NULL;
	for (size_t i = 0; i < sp->nlines; i++) {
		const char *t = sp->lines[i].text;
		attr_t a = A_NORMAL;
		if (sp->lines[i].kind == 'P')
			continue;
		if (strstr(t, _("MISSING")) || strstr(t, _("WRONG")))
			a = term_style(ST_ERROR);
		else if (strstr(t, _("CANNOT TELL")))
			a = term_style(ST_WARNING);
		else if (i + 1 == sp->nlines && sp->verdict)
			a = term_style(sp->status ? ST_ERROR : ST_OK);
		char **wl;
		size_t nw = term_wrap_values(t, wd - 4, &wl);
		if (!nw) {
			wl = xmalloc(sizeof *wl);
			wl[0] = xstrdup("");
			nw = 1;
		}
		shown = xrealloc(shown, (nshown + nw) * sizeof *shown);
		attrs = xrealloc(attrs, (nshown + nw) * sizeof *attrs);
		for (size_t j = 0; j < nw; j++) {
			shown[nshown] = j ? xasprintf("    %s", wl[j]) : wl[j];
			if (j)
				free(wl[j]);
			attrs[nshown++] = a;
		}
		free(wl);
	}
	int rows = bottom - y;
	int total = (int)nshown;
	int first = sp->top < 0 || sp->top > total - rows ? total - rows : sp->top;
	if (first < 0)
		first = 0;
	sp->first_shown = first;
	for (int i = 0; i < rows && first + i < total; i++)
		term_put(w, y + i, x, shown[first + i], wd, attrs[first + i]);
	for (size_t i = 0; i < nshown; i++)
		free(shown[i]);
	free(shown);
	free(attrs);
}
