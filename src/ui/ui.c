/* SPDX-License-Identifier: MIT */
/* ui.c - the editor's loop: it draws the screen, the pane inside it and the
 * open dialog, hands each key to them, polls the children's pipes, and
 * carries out what the modules request. The one place that knows every
 * screen. */
#include "mailset/ui.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "mailset/i18n.h"
#include "mailset/ui/dialog.h"
#include "mailset/ui/screens.h"
#include "mailset/util.h"

#define MIN_COLS 80
#define MIN_LINES 22

/* Panes whose children are read whether shown or not. */
static const struct screen_ops *const pollers[] = { &testpane_screen, &dnspane_screen };
#define NPOLLERS (sizeof pollers / sizeof *pollers)

/* The screen and the pane inside it, with their areas. */
struct view {
	const struct screen_ops *screen, *pane;
	struct area a, sub;
};

/* The help line's text: the pane's, else the screen's; the status
 * replaces it while there is one. */
static const char *help_text(const struct editor *ed, const struct view *v)
{
	if (ed->status[0])
		return ed->status;
	return v->pane && v->pane->help ? v->pane->help(ed) : v->screen->help ? v->screen->help(ed)
										: "";
}

#define FOOTER_HELP_ROWS 3

/* The rows the help takes: three, or as many as it needs while the screen
 * can spare them. */
static int help_rows(const struct editor *ed, const struct view *v)
{
	char **lines;
	int n = (int)term_wrap(help_text(ed, v), COLS - 2, &lines);
	for (int i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	int most = v->screen->help_rows ? v->screen->help_rows(ed, COLS - 2) : 0;
	if (most > n)
		n = most;
	if (n <= FOOTER_HELP_ROWS)
		return FOOTER_HELP_ROWS;
	int spare = LINES - (v->screen->need ? v->screen->need(ed) : LINES);
	return FOOTER_HELP_ROWS + (spare <= 0 ? 0 : n - FOOTER_HELP_ROWS < spare ? n - FOOTER_HELP_ROWS
									     : spare);
}

static struct view view_of(const struct editor *ed)
{
	static const struct screen_ops *const panes[] = {
		[PANE_ID_NONE] = NULL, [PANE_ID_TEST] = &testpane_screen, [PANE_ID_DNS] = &dnspane_screen,
	};
	struct view v = { ed->screen, NULL, { 0, 0, LINES, COLS }, { 0, 0, 0, 0 } };
	if (v.screen->child)
		v.pane = panes[v.screen->child(ed, v.a, &v.sub)];
	/* A long help text takes the rows the screen can spare: the area's
	 * last four rows are the footer's (three of help, the key bar); more
	 * help rows shorten the area. */
	int extra = help_rows(ed, &v) - FOOTER_HELP_ROWS;
	if (extra > 0) {
		v.a.h -= extra;
		if (v.screen->child)
			v.pane = panes[v.screen->child(ed, v.a, &v.sub)];
	}
	return v;
}

/* The scopes in force: the pane's, then the screen's. *npane gets how many
 * are the pane's. */
static int chain(const struct editor *ed, const struct view *v, enum scope *sc, int *npane)
{
	int n = 0;
	if (v->pane)
		n += v->pane->scopes(ed, sc);
	if (npane)
		*npane = n;
	n += v->screen->scopes(ed, sc + n);
	return n;
}

static bool too_small(void)
{
	return COLS < MIN_COLS || LINES < MIN_LINES;
}

static void draw_too_small(void)
{
	werase(stdscr);
	char *m = xasprintf(_("The terminal is too small: mailset needs %dx%d (now %dx%d). "
			      "Enlarge it; nothing you typed is lost."),
			    MIN_COLS, MIN_LINES, COLS, LINES);
	editor_draw_text(stdscr, 0, 1, COLS > 4 ? COLS - 2 : 2, LINES, m, term_style(ST_ERROR));
	free(m);
	term_cursor(false);
}

/* The pane shown last: a pane newly shown is told (the test pane fills in
 * the recipient). */
static const struct screen_ops *shown_pane;

static struct view sync_view(struct editor *ed)
{
	struct view v = view_of(ed);
	if (v.pane != shown_pane) {
		shown_pane = v.pane;
		if (v.pane && v.pane->enter)
			v.pane->enter(ed);
	}
	return v;
}

static void draw(struct editor *ed)
{
	if (too_small()) {
		draw_too_small();
		wnoutrefresh(stdscr);
		doupdate();
		return;
	}
	/* Fit the views to the screen (scroll positions), then draw them from
	 * state alone: the whole screen anew each time, the dialog last, on
	 * top; curses sends only what changed. */
	if (ed->screen->fit)
		ed->screen->fit(ed, view_of(ed).a);
	struct view v = sync_view(ed);
	if (v.pane && v.pane->fit)
		v.pane->fit(ed, v.sub);
	dialog_fit(ed);

	enum scope sc[2 * SCOPES_MAX];
	int npane, n = chain(ed, &v, sc, &npane);
	struct cursor cur = { -1, -1 };
	werase(stdscr);
	v.screen->draw(ed, v.a, &cur);
	if (v.pane)
		v.pane->draw(ed, v.sub, &cur);
	editor_draw_footer(ed, help_text(ed, &v), sc, n, npane, LINES - v.a.h + FOOTER_HELP_ROWS);
	if (cur.y >= 0 && !ed->dlg) {
		term_cursor(true);
		wmove(stdscr, cur.y, cur.x);
	} else {
		term_cursor(false);
	}
	wnoutrefresh(stdscr);
	dialog_draw(ed);
	doupdate();
}

int ui_scopes(const struct editor *ed, enum scope *sc)
{
	if (ed->dlg) {
		sc[0] = dialog_scope(ed->dlg);
		return 1;
	}
	struct view v = view_of(ed);
	return chain(ed, &v, sc, NULL);
}

/* What the modules asked for. */
static void run_requests(struct editor *ed)
{
	while (ed->requests) {
		unsigned r = ed->requests;
		ed->requests = 0;
		if (r & REQ_CHANGED)
			safety_changed(ed);
		if (r & REQ_PRESETS)
			picker_open(ed);
		if (r & REQ_HELP) {
			enum scope sc[2 * SCOPES_MAX];
			int n = ui_scopes(ed, sc);
			dialog_help(ed, sc, n);
		}
		if (r & REQ_BCC_LIST)
			bcclist_open(ed);
		if (r & REQ_WIZARD_DONE) {
			/* the wizard saved: the form, with the status it left */
			wizard_free(ed);
			form_start(ed, F_CONTACT_EMAIL);
		}
	}
}

int ui_key(struct editor *ed, int key)
{
	if (too_small()) {
		/* Edits are kept; quitting is all that can be done here. */
		if (keys_action(SC_GLOBAL, key) == ACT_QUIT && !editor_dirty(ed))
			return UI_QUIT;
		return 0;
	}
	/* A status message stays until the next key. */
	ed->status[0] = '\0';
	int r;
	if (ed->dlg) {
		r = dialog_key(ed, key) | UI_HANDLED;
	} else {
		/* The pane first, then the screen; a screen that changed what is
		 * shown (F6 opens the test pane) has the key looked up again. */
		for (int tries = 0;; tries++) {
			struct view v = sync_view(ed);
			enum scope sc[2 * SCOPES_MAX];
			int npane, n = chain(ed, &v, sc, &npane);
			r = v.pane ? v.pane->key(ed, keys_lookup(sc, (size_t)n, key), key) : 0;
			/* what the pane left is the screen's, in the screen's terms */
			if (!r)
				r = v.screen->key(ed, keys_lookup(sc + npane, (size_t)(n - npane), key),
						  key);
			if (!(r & UI_AGAIN) || tries)
				break;
		}
	}
	run_requests(ed);
	return r;
}

/* Pasted text (bracketed paste) is typed into the field with the focus and
 * never moves it: a line break separates addresses in the BCC list and is
 * left out elsewhere; where nothing takes text, the paste is dropped. */
static struct {
	bool on;
	bool sep;       /* a line break came: a comma before the next address */
	bool breaks;    /* line breaks were left out: say so at the end */
	bool dropped;   /* ... or the text: nothing here takes it */
} paste;

static bool takes_text(const struct editor *ed)
{
	enum scope sc[2 * SCOPES_MAX];
	int n = ui_scopes(ed, sc);
	for (int i = 0; i < n; i++) {
		const struct scope_info *si = &keys_scopes[sc[i]];
		for (int k = -1; k < si->nincludes; k++)
			if (keys_scopes[k < 0 ? sc[i] : si->includes[k]].typing)
				return true;
	}
	return false;
}

static int pasted_key(struct editor *ed, int key)
{
	bool bcc = !ed->dlg && ed->focus == F_BCC;
	if (key == '\r' || key == '\n' || key == '\t') {
		if (bcc)
			paste.sep = true;
		else
			paste.breaks = true;
		return 0;
	}
	if ((key & KEY_FN) || key < 0x20 || key == 0x7f || !takes_text(ed)) {
		paste.dropped = true;
		return 0;
	}
	if (paste.sep && bcc) {
		const struct lineedit *le = &ed->edit[F_BCC];
		if (le->cur > 0 && le->buf[le->cur - 1] != L',')
			ui_key(ed, ',');
	}
	paste.sep = false;
	return ui_key(ed, key);
}

static void paste_mark(struct editor *ed, int key)
{
	paste.on = key == TERM_PASTE_BEGIN;
	if (paste.on) {
		paste.sep = paste.breaks = paste.dropped = false;
		return;
	}
	if (paste.dropped)
		editor_status(ed, ST_WARNING, "%s", _("Nothing here takes pasted text: it was left out."));
	else if (paste.breaks)
		editor_status(ed, ST_WARNING, "%s",
			      _("The line breaks of the pasted text were left out: only the BCC list "
				"takes several lines (one address each)."));
}

/* A signal or a hang-up: stop the children, keep the unsaved edits. */
static void hang_up(struct editor *ed)
{
	job_cancel(&ed->send);
	job_cancel(&ed->dns);
	safety_hangup(ed);
	term_hung_up();
}

static int loop(struct editor *ed)
{
	shown_pane = NULL;
	for (;;) {
		draw(ed);
		/* the terminal, signals, and the children's pipes (fd -1: none,
		 * which poll() skips) */
		struct pollfd fds[2 + NPOLLERS] = {
			{ .fd = 0, .events = POLLIN },
			{ .fd = term_signal_fd(), .events = POLLIN },
		};
		for (size_t i = 0; i < NPOLLERS; i++)
			fds[2 + i] = (struct pollfd){ .fd = pollers[i]->fd(ed), .events = POLLIN };
		/* a shown password hides when its time is up */
		int wait = editor_reveal_left(ed);
		if (poll(fds, 2 + NPOLLERS, wait) < 0 && errno != EINTR)
			return EX_IOERR;
		editor_reveal_left(ed);
		for (size_t i = 0; i < NPOLLERS; i++)
			if (fds[2 + i].fd >= 0 && fds[2 + i].revents)
				pollers[i]->input(ed);
		if (fds[1].revents & POLLIN) {
			int sig = term_signals();
			if (sig & (TSIG_INT | TSIG_TERM | TSIG_HUP)) {
				hang_up(ed);
				return EX_TEMPFAIL;
			}
			if (sig & TSIG_WINCH)
				term_resize();
		}
		if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			/* The terminal went away (an SSH drop). */
			hang_up(ed);
			return EX_IOERR;
		}
		if (fds[0].revents & POLLIN) {
			int key;
			while ((key = term_key()) != -1) {
				if (key == (KEY_FN | KEY_RESIZE))
					continue;
				if (key == TERM_PASTE_BEGIN || key == TERM_PASTE_END) {
					paste_mark(ed, key);
					continue;
				}
				if ((paste.on ? pasted_key(ed, key) : ui_key(ed, key)) & UI_QUIT)
					return 0;
			}
		}
	}
}

int ui_run(const char *path, int is_default, int wizard)
{
	struct editor ed;
	editor_init(&ed);
	ed.cfg.path = xstrdup(path);
	ed.cfg.is_default = is_default;
	struct ini_error e;
	if (config_load(&ed.cfg, true, &e) != INI_OK) {
		if (e.line)
			fprintf(stderr, "%s:%d: %s\n", path, e.line, e.msg);
		else
			fprintf(stderr, "mailset: %s: %s\n", path, e.msg);
		fprintf(stderr, "%s\n", _("mailset: the file was not opened and is unchanged; "
					  "fix that line, then run mailset again"));
		editor_free(&ed);
		return config_load_status(&e);
	}
	char *perr = NULL;
	if (presets_load_default(&ed.presets, &perr) < 0) {
		fprintf(stderr, "mailset: %s\n", perr);
		free(perr);
		editor_free(&ed);
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
			form_start(&ed, F_CONTACT_EMAIL);
		safety_start(&ed);
		rc = loop(&ed);
		dialog_close(&ed);
		if (ed.reveal) {
			/* masked in place first: a terminal that keeps what a
			 * clear removes (tmux's scroll-on-clear) keeps no password */
			ed.reveal = false;
			draw(&ed);
		}
		term_close();
		safety_release(&ed);
		if (ed.status_style == ST_OK && rc == EX_OK && ed.status[0])
			printf("mailset: %s\n", ed.status);
	}
	wizard_free(&ed);
	editor_free(&ed);
	return rc;
}
