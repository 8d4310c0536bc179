/* SPDX-License-Identifier: MIT */
/* check_ui.c - the editor's screens and dialogs without tmux: curses on
 * /dev/null (newterm), the real key handling (ui_key), a fresh editor for
 * every key. The F1 help of each screen, pane and dialog must list exactly
 * the keys that do something there. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mailset/i18n.h"
#include "mailset/recover.h"
#include "mailset/ui/dialog.h"
#include "mailset/ui/job.h"
#include "mailset/ui/screens.h"
#include "mailset/util.h"

static char dir[] = "/tmp/mailset-check-ui.XXXXXX";
static char *conf;

static const char config[] =
	"[basic]\ncontact_email = shop@example.jp\nsystem_email = noreply@example.jp\n"
	"sender_name = Shop\n"
	"[smtp]\nhost = 127.0.0.1\nport = 9\nauth = login\ntls = off\n"
	"username = noreply@example.jp\npassword = secret123\n"
	"[dns]\nserver = 127.0.0.1:9\n";

static void write_config(void)
{
	FILE *fp = fopen(conf, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(config, fp);
	fclose(fp);
	chmod(conf, 0600);
}

/* --- the states to look at ----------------------------------------------- */

/* Helpers that work for a while without a word: a job that runs. */
static void sleepers(void)
{
	const char *names[] = { NETJOB_SMTP, NETJOB_DNS };
	for (size_t i = 0; i < 2; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);
		FILE *fp = fopen(path, "w");
		ck_assert_ptr_nonnull(fp);
		fputs("#!/bin/sh\nexec sleep 30\n", fp);
		fclose(fp);
		chmod(path, 0700);
		free(path);
	}
	setenv("MAILSET_LIBEXECDIR", dir, 1);
}

static void fake_lines(struct job *j, const char *note)
{
	j->lines = xcalloc(2, sizeof *j->lines);
	j->lines[j->nlines++] = (struct jobline){ 'S', JL_PLAIN, 1, xstrdup("220 ready") };
	j->lines[j->nlines++] = (struct jobline){ ' ', JL_ERROR, 2, xstrdup("SPF   MISSING") };
	j->note = note ? xstrdup(note) : NULL;
	j->verdict = xstrdup("done");
	j->status = 0;
}

enum state {
	S_FORM_TEXT, S_FORM_CHOICE, S_FORM_NOFIELD,
	S_TEST, S_TEST_LOG, S_TEST_RUN,
	S_DNS, S_DNS_LOG, S_DNS_OFFER, S_DNS_RUN,
	S_WIZ_LIST, S_WIZ_FIELDS, S_WIZ_TEST, S_WIZ_SAVE,
	S_HELP, S_QUIT, S_PICKER, S_MESSAGE, S_ABANDON, S_CHANGED, S_SAVEAS, S_RECOVER,
	S_LOCKED, S_STALE, S_FORM_BCC, S_BCC_LIST, S_BCC_EDIT,
	S_COUNT
};

static const char *const state_name[S_COUNT] = {
	"form, a text field", "form, a choice", "form, no field (options pane)",
	"test send", "test send: dialogue", "test send: sending",
	"DNS fields", "DNS report", "DNS report with a provider", "DNS asking",
	"wizard list", "wizard fields", "wizard test", "wizard save",
	"help", "quit", "presets", "message", "abandon", "changed", "save elsewhere", "recover",
	"locked", "stale lock", "form, the BCC field", "BCC list", "BCC list: an address",
};

static void keys(struct editor *ed, const int *k)
{
	for (; *k; k++)
		ui_key(ed, *k);
}

#define FK(n) (KEY_FN | KEY_F(n))
#define KK(k) (KEY_FN | (k))

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
}

static struct editor *open_editor(enum state st)
{
	write_config();
	char *lock = xasprintf("%s.lock", conf), *rec = xasprintf("%s.recover", conf);
	unlink(lock);
	unlink(rec);
	char host[256] = "";
	gethostname(host, sizeof host - 1);
	if (st == S_LOCKED || st == S_STALE) {
		/* another editor, alive (our parent) or gone */
		char *text = xasprintf("pid=%ld\nhost=%s\nuser=other\nsince=0\n",
				       st == S_LOCKED ? (long)getppid() : 999999L, host);
		write_file(lock, text);
		free(text);
	}
	if (st == S_RECOVER) {
		struct settings kept = { { 0 } }, none = { { 0 } };
		settings_set(&kept, F_SENDER_NAME, "Kept");
		ck_assert_int_eq(recover_write(rec, &kept, &none), 0);
		settings_free(&kept);
	}
	free(lock);
	free(rec);

	struct editor *ed = xmalloc(sizeof *ed);
	editor_init(ed);
	ed->cfg.path = xstrdup(conf);
	struct ini_error e;
	ck_assert_int_eq(config_load(&ed->cfg, true, &e), INI_OK);
	char *err = NULL;
	ck_assert_int_eq(presets_load_default(&ed->presets, &err), 0);
	settings_copy(&ed->saved, &ed->cfg.s);
	editor_load_edits(ed);
	bool wiz = st >= S_WIZ_LIST && st <= S_WIZ_SAVE;
	if (wiz || st == S_ABANDON)
		wizard_start(ed);
	else
		form_start(ed, F_CONTACT_EMAIL);
	safety_start(ed);
	if (st == S_RECOVER || st == S_LOCKED || st == S_STALE) {
		ck_assert_msg(ed->dlg != NULL, "%s: no dialog", state_name[st]);
		return ed;
	}
	ck_assert_msg(ed->dlg == NULL, "%s: a dialog at the start", state_name[st]);
	const int to_options[] = { KK(KEY_NPAGE), KK(KEY_NPAGE), 0 };
	const int to_test[] = { FK(5), 0 };
	const int to_dns[] = { KK(KEY_PPAGE), 0 };
	const int wiz_fields[] = { '\r', 0 };
	const int wiz_test[] = { '\r', '\r', '\r', '\r', '\r', '\r', '\r', '\r', '\r', '\r', 0 };
	switch (st) {
	case S_FORM_CHOICE:
		editor_focus(ed, F_AUTH);
		ck_assert_int_eq(settings_fields[ed->focus].kind, FK_CHOICE);
		break;
	case S_FORM_NOFIELD:
		keys(ed, to_options);
		break;
	case S_TEST:
	case S_TEST_LOG:
	case S_TEST_RUN:
		keys(ed, to_test);
		ck_assert_int_eq(ed->pane, PANE_TEST);
		if (st == S_TEST_LOG) {
			fake_lines(&ed->send, NULL);
			ed->send_view.focused = true;
		}
		if (st == S_TEST_RUN)
			{
			sleepers();
			ck_assert(job_start(&ed->send, NETJOB_SMTP, NULL, &err));
		}
		break;
	case S_DNS:
	case S_DNS_LOG:
	case S_DNS_OFFER:
	case S_DNS_RUN:
		keys(ed, to_dns);
		ck_assert_int_eq(ed->pane, PANE_DNS);
		if (st == S_DNS_LOG || st == S_DNS_OFFER) {
			fake_lines(&ed->dns, st == S_DNS_OFFER ? "xserver" : NULL);
			if (st == S_DNS_OFFER)
				editor_set_value(ed, F_HOST, "");
			editor_focus(ed, -1);
			ed->dns_view.focused = true;
		}
		if (st == S_DNS_RUN)
			{
			sleepers();
			ck_assert(job_start(&ed->dns, NETJOB_DNS, NULL, &err));
		}
		break;
	case S_WIZ_FIELDS:
		keys(ed, wiz_fields);
		ck_assert_int_ge(ed->focus, 0);
		break;
	case S_WIZ_TEST:
	case S_WIZ_SAVE:
		/* through the steps: Enter on each field, until the test step */
		for (int i = 0; i < 40; i++) {
			enum scope sc[8];
			int n = ui_scopes(ed, sc);
			if (sc[0] == SC_TEST)
				break;
			if (sc[0] == SC_WIZARD_LIST)
				ui_key(ed, KK(KEY_UP)); /* the last choice: BCC; enter by hand */
			ui_key(ed, wiz_test[0]);
			ck_assert_msg(!ed->dlg, "a dialog in the wizard: %s", ed->status);
			(void)n;
		}
		if (st == S_WIZ_SAVE)
			ui_key(ed, KK(KEY_NPAGE));
		break;
	case S_HELP:
		ui_key(ed, FK(1));
		break;
	case S_FORM_BCC:
	case S_BCC_LIST:
	case S_BCC_EDIT:
		editor_set_value(ed, F_BCC, "a@example.jp,b@example.jp");
		editor_focus(ed, F_BCC);
		if (st != S_FORM_BCC)
			ui_key(ed, FK(7));
		if (st == S_BCC_EDIT)
			ui_key(ed, 'a');
		break;
	case S_QUIT:
		ui_key(ed, 'x'); /* a change */
		ui_key(ed, FK(10));
		break;
	case S_PICKER:
		ui_key(ed, FK(3));
		break;
	case S_MESSAGE:
		ui_key(ed, FK(3));
		ui_key(ed, '\r');
		break;
	case S_ABANDON:
		ui_key(ed, 0x1b);
		break;
	case S_CHANGED:
	case S_SAVEAS:
		ui_key(ed, 'x');
		/* the file changes behind the editor's back */
		write_file(conf, "[basic]\ncontact_email = other@example.jp\n");
		ui_key(ed, FK(2));
		if (st == S_SAVEAS)
			ui_key(ed, 'e');
		break;
	default:
		break;
	}
	free(err);
	bool dialog = st >= S_HELP && st != S_FORM_BCC;
	ck_assert_msg(!ed->dlg == !dialog, "%s: dialog %s", state_name[st],
		      ed->dlg ? "open" : "missing");
	return ed;
}

static void close_editor(struct editor *ed)
{
	dialog_close(ed);
	wizard_free(ed);
	safety_release(ed);
	editor_free(ed);
	free(ed);
}

/* --- the keys to try ------------------------------------------------------- */

static int candidates[160];
static int ncandidates;

static void add_candidate(int k)
{
	candidates[ncandidates++] = k;
}

static void make_candidates(void)
{
	for (int f = 1; f <= 12; f++)
		add_candidate(FK(f));
	for (int c = 1; c < 0x20; c++)
		add_candidate(c);
	add_candidate(0x7f);
	const int named[] = { KEY_UP, KEY_DOWN, KEY_LEFT, KEY_RIGHT, KEY_HOME, KEY_END, KEY_NPAGE,
			      KEY_PPAGE, KEY_DC, KEY_IC, KEY_BACKSPACE, KEY_BTAB, KEY_ENTER };
	for (size_t i = 0; i < sizeof named / sizeof *named; i++)
		add_candidate(KK(named[i]));
	const char printable[] = " abcdeimnopqrsxyzBCDEPQRSY1@";
	for (const char *p = printable; *p; p++)
		add_candidate(*p);
	add_candidate(0x65e5); /* 日 */
}

static bool printable_key(int k)
{
	return !(k & KEY_FN) && k >= 0x20 && k != 0x7f;
}

/* Is k in the help of the scopes (typing counts where a field is)? */
static bool listed(const enum scope *sc, int n, int k)
{
	size_t nb;
	int *b = keys_bound(sc, (size_t)n, &nb);
	bool in = false;
	for (size_t i = 0; i < nb; i++)
		in |= b[i] == k;
	free(b);
	if (in || !printable_key(k))
		return in;
	for (int i = 0; i < n; i++) {
		if (keys_scopes[sc[i]].typing)
			return true;
		for (int j = 0; j < keys_scopes[sc[i]].nincludes; j++)
			if (keys_scopes[keys_scopes[sc[i]].includes[j]].typing)
				return true;
	}
	return false;
}

/* A helper's records of any length reach the pane: a verdict of 10 KiB
 * whole (one over the old 4 KiB buffer was dropped, and "stopped without
 * a result" shown instead), one over JOB_RECORD_MAX cut on a character
 * with "…", and the records after it read as usual. */
static char *long_record(const char *head, size_t chars)
{
	struct strbuf sb = { 0 };
	sb_adds(&sb, head);
	for (size_t i = 0; i < chars; i++)
		sb_adds(&sb, "\xE3\x81\x82"); /* あ: three bytes */
	sb_addc(&sb, '\n');
	return sb_steal(&sb);
}

static void feed(struct job *j, int wfd, const char *text)
{
	/* in pieces, the reader draining between them, as a pipe does */
	size_t n = strlen(text);
	for (size_t off = 0; off < n;) {
		size_t k = n - off < 1000 ? n - off : 1000;
		ck_assert_int_eq(write(wfd, text + off, k), (ssize_t)k);
		off += k;
		job_read(j);
	}
}

START_TEST(job_reads_records_of_any_length)
{
	int p[2];
	ck_assert_int_eq(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
	struct job j;
	job_init(&j);
	j.fd = p[0];
	char *v = long_record("V\t69\t", 3500); /* 10.5 KB */
	feed(&j, p[1], v);
	ck_assert_ptr_nonnull(j.verdict);
	ck_assert_uint_eq(strlen(j.verdict), 3500 * 3);
	ck_assert_int_eq(j.status, 69);
	free(v);
	v = long_record("V\t75\t", 30000); /* 90 KB */
	feed(&j, p[1], v);
	size_t n = strlen(j.verdict);
	ck_assert_uint_le(n, JOB_RECORD_MAX);
	ck_assert_uint_gt(n, JOB_RECORD_MAX - 8);
	ck_assert(utf8_valid(j.verdict, n));
	ck_assert_str_eq(j.verdict + n - 3, "\xE2\x80\xA6");
	ck_assert_int_eq(j.status, 75);
	free(v);
	feed(&j, p[1], "V\t0\tsent\n");
	ck_assert_str_eq(j.verdict, "sent");
	close(p[1]);
	job_read(&j);
	ck_assert_str_eq(j.verdict, "sent");
	job_free(&j);
}
END_TEST

START_TEST(help_lists_what_works)
{
	enum state st = (enum state)_i;
	struct editor *ed = open_editor(st);
	enum scope sc[8];
	int n = ui_scopes(ed, sc);
	close_editor(ed);
	/* MAILSET_UI_KEY_STEP=N (valgrind.sh): every Nth key, from another
	 * key in each state */
	const char *e = getenv("MAILSET_UI_KEY_STEP");
	int step = e && atoi(e) > 1 ? atoi(e) : 1, checked = 0, want_checked = 0;
	for (int c = (int)st % step; c < ncandidates; c += step)
		want_checked++;
	for (int c = (int)st % step; c < ncandidates; c += step) {
		int k = candidates[c];
		ed = open_editor(st);
		int r = ed->dlg ? dialog_key(ed, k) : ui_key(ed, k);
		bool took = r != 0 || ed->requests;
		close_editor(ed);
		bool want = listed(sc, n, k);
		ck_assert_msg(took == want, "%s: key %s (0x%x) %s but the F1 help %s it",
			      state_name[st], keys_name(k), (unsigned)k,
			      took ? "does something" : "does nothing",
			      want ? "lists" : "does not list");
		checked++;
	}
	ck_assert_int_eq(checked, want_checked);
}
END_TEST

START_TEST(help_dialog_shows_the_scopes)
{
	/* F1 in the test pane's dialogue: its keys, the form's, not the
	 * field keys (no field has the focus) */
	struct editor *ed = open_editor(S_TEST_LOG);
	ui_key(ed, FK(1));
	ck_assert_ptr_nonnull(ed->dlg);
	const char *t = ed->dlg->text;
	ck_assert_ptr_nonnull(strstr(t, "Save the dialogue"));
	ck_assert_ptr_nonnull(strstr(t, "Previous section of the sidebar"));
	ck_assert_ptr_null(strstr(t, "Delete to the end of the field"));
	close_editor(ed);
	/* in the wizard: its keys, and no sidebar */
	ed = open_editor(S_WIZ_FIELDS);
	ui_key(ed, FK(1));
	ck_assert_ptr_nonnull(ed->dlg);
	t = ed->dlg->text;
	ck_assert_ptr_nonnull(strstr(t, "Previous step"));
	ck_assert_ptr_null(strstr(t, "sidebar"));
	ck_assert_ptr_null(strstr(t, "Fill in the SMTP values"));
	close_editor(ed);
}
END_TEST

START_TEST(one_write_path)
{
	/* a value set by a dialog shows in its field and in the settings */
	struct editor *ed = open_editor(S_RECOVER);
	ck_assert_int_eq(dialog_key(ed, 'r'), UI_HANDLED);
	ck_assert_str_eq(settings_get(&ed->cfg.s, F_SENDER_NAME), "Kept");
	char *shown = le_get(&ed->edit[F_SENDER_NAME]);
	ck_assert_str_eq(shown, "Kept");
	free(shown);
	ck_assert(editor_dirty(ed));
	close_editor(ed);
}
END_TEST

START_TEST(form_fits_the_smallest_terminal)
{
	/* Every section of the form, with the rows kept under its fields for
	 * their messages, fits 80x22 (the smallest terminal the editor takes)
	 * and three rows of help: a message appearing as a key is typed never
	 * has to push a field down. */
	struct editor *ed = open_editor(S_FORM_TEXT);
	/* the most fields: the notification priority shown too */
	editor_set_value(ed, F_SMS_AUTH, settings_fields[F_SMS_AUTH].choices[0]);
	editor_set_value(ed, F_TWILIO, settings_fields[F_TWILIO].choices[0]);
	ck_assert(settings_visible(&ed->cfg.s, F_NOTIFY_PRIORITY));
	for (int p = 0; p < PANE_COUNT; p++) {
		if (p == PANE_TEST)
			continue; /* it takes every row: its dialogue scrolls */
		ed->pane = (enum pane)p;
		int need = form_screen.need(ed);
		ck_assert_msg(need <= 22, "section %d of the form needs %d rows (80x22 has 22)", p,
			      need);
	}
	close_editor(ed);
}
END_TEST

static SCREEN *screen;
static FILE *out, *in;

static void setup(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		exit(1);
	}
	conf = xasprintf("%s/mail.ini", dir);
	setenv("LINES", "24", 1);
	setenv("COLUMNS", "80", 1);
	out = fopen("/dev/null", "w");
	in = fopen("/dev/null", "r");
	if (!out || !in || !(screen = newterm("xterm", out, in))) {
		fprintf(stderr, "check_ui: no curses screen on /dev/null\n");
		exit(1);
	}
	make_candidates();
}

int main(void)
{
	unsetenv("LANG");
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	i18n_init();
	setup();
	Suite *s = suite_create("ui");
	TCase *tc = tcase_create("keys");
	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, help_lists_what_works, 0, S_COUNT);
	tcase_add_test(tc, help_dialog_shows_the_scopes);
	tcase_add_test(tc, one_write_path);
	tcase_add_test(tc, job_reads_records_of_any_length);
	tcase_add_test(tc, form_fits_the_smallest_terminal);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	endwin();
	delscreen(screen);
	fclose(out);
	fclose(in);
	char *cmd = xasprintf("rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(cmd);
	free(conf);
	return failed ? 1 : 0;
}
