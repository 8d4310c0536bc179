/* SPDX-License-Identifier: MIT */
/* wizard.c - first-time setup: the admin guide's common setups, then
 * addresses, sender name, provider, credentials, and save. */
#include "mailset/ui/screens.h"

#include <stdlib.h>
#include <string.h>

#include "mailset/i18n.h"
#include "mailset/ui/dialog.h"
#include "mailset/util.h"

enum step { W_PATTERN, W_ADDRESSES, W_NAME, W_PROVIDER, W_SERVER, W_LOGIN, W_TEST, W_SAVE, W_COUNT };

struct wizard {
	enum step step;
	int pattern;         /* 0, 1: the guide's よくある設定例 1 or 2 */
	bool bcc;            /* ... with 3 (a BCC to a helpdesk) added */
	int cur;             /* the cursor on that list: 0..2 */
	int sel;             /* W_PROVIDER: preset index, n = enter by hand */
	int focus;           /* index into the step's fields */
	char *auto_system;   /* the system_email we offered, while untouched */
	char *auto_user;     /* likewise for the user name */
	char *orig[4];       /* host, port, auth, tls as the file had them */
	bool applied;        /* a preset of the provider step filled them in */
};

/* The server's fields, which the provider step fills in. */
static const enum field_id server_fields[4] = { F_HOST, F_PORT, F_AUTH, F_TLS };

#define NONE F_COUNT /* ends a step's fields */

/* The steps: a title, and the fields each edits (the BCC only in the
 * guide's third setup); a step without fields is a list to choose from, the
 * test send or the check before saving. */
static const struct {
	const char *ja, *en;
	enum field_id fields[4];
} steps[W_COUNT] = {
	[W_PATTERN] = { "よくある設定例から選ぶ", "Choose a common setup", { NONE } },
	[W_ADDRESSES] = { "メールアドレス", "Mail addresses",
			  { F_CONTACT_EMAIL, F_SYSTEM_EMAIL, F_BCC, NONE } },
	[W_NAME] = { "差出人名", "Sender name", { F_SENDER_NAME, NONE } },
	[W_PROVIDER] = { "メールサーバー(SMTP)の事業者", "Mail provider (SMTP)", { NONE } },
	[W_SERVER] = { "送信サーバー", "SMTP server", { F_HOST, F_PORT, F_AUTH, F_TLS } },
	[W_LOGIN] = { "ユーザー名とパスワード", "User name and password",
		      { F_USERNAME, F_PASSWORD, NONE } },
	[W_TEST] = { "送信テスト", "Test send", { NONE } },
	[W_SAVE] = { "確認して保存", "Check and save", { NONE } },
};

static const char *const patterns[3][2] = {
	{ "1. お問い合わせとシステムからの通知を同じメールアドレスで受信する",
	  "1. One address for enquiries and for the shop's own mail" },
	{ "2. お問い合わせ専用のアドレスと、送信専用(noreply)の送信元を分ける",
	  "2. An enquiries address, and a send-only (noreply) sender" },
	{ "3. すべてのメールを顧客対応用アドレス(Re:lation 等)にも BCC で送る",
	  "3. Also BCC every mail to a helpdesk address (Re:lation, MailDealer...)" },
};

/* The fields a step edits. */
static int step_fields(const struct wizard *wz, enum step s, int *ids)
{
	int n = 0;
	for (int i = 0; i < 4 && steps[s].fields[i] != NONE; i++)
		if (steps[s].fields[i] != F_BCC || wz->bcc)
			ids[n++] = steps[s].fields[i];
	return n;
}

static struct wizard *wiz(const struct editor *ed)
{
	return ed->wizard;
}

void wizard_start(struct editor *ed)
{
	struct wizard *wz = xcalloc(1, sizeof *wz);
	ed->wizard = wz;
	ed->screen = &wizard_screen;
	editor_focus(ed, -1);
	/* An existing file: its values stay, and its provider is chosen. */
	for (int i = 0; i < 4; i++) {
		const char *v = ed->cfg.s.value[server_fields[i]];
		wz->orig[i] = v ? xstrdup(v) : NULL;
	}
	const struct preset *p = editor_provider(ed);
	if (p)
		wz->sel = (int)(p - ed->presets.v);
	else if (*settings_get(&ed->cfg.s, F_HOST))
		wz->sel = (int)ed->presets.n; /* other: entered by hand */
}

void wizard_free(struct editor *ed)
{
	struct wizard *wz = wiz(ed);
	if (!wz)
		return;
	free(wz->auto_system);
	free(wz->auto_user);
	for (int i = 0; i < 4; i++)
		free(wz->orig[i]);
	free(wz);
	ed->wizard = NULL;
}

/* Offer a default while the field is empty or still holds our last offer. */
static void offer(struct editor *ed, enum field_id id, char **last, const char *v)
{
	const char *cur = settings_get(&ed->cfg.s, id);
	if (*cur && !(*last && !strcmp(*last, cur)))
		return;
	editor_set_value(ed, id, v);
	free(*last);
	*last = xstrdup(v);
}

static void offer_system(struct editor *ed)
{
	struct wizard *wz = wiz(ed);
	const char *contact = settings_get(&ed->cfg.s, F_CONTACT_EMAIL);
	const char *at = strrchr(contact, '@');
	if (!at || !at[1])
		return;
	char *v = wz->pattern == 0 ? xstrdup(contact)
		: xasprintf("noreply@%s", at + 1);
	offer(ed, F_SYSTEM_EMAIL, &wz->auto_system, v);
	free(v);
}

static void enter_step(struct editor *ed, enum step s)
{
	struct wizard *wz = wiz(ed);
	editor_focus(ed, -1);
	wz->step = s;
	wz->focus = 0;
	if (s == W_LOGIN)
		offer(ed, F_USERNAME, &wz->auto_user, settings_get(&ed->cfg.s, F_SYSTEM_EMAIL));
	int ids[F_COUNT];
	ed->focus = step_fields(wz, s, ids) ? ids[0] : -1;
}

/* True when the fields of the current step are valid; else the status
 * says what is wrong and the focus goes there. */
static bool step_ok(struct editor *ed)
{
	struct wizard *wz = wiz(ed);
	int ids[F_COUNT], n = step_fields(wz, wz->step, ids);
	if (ed->focus >= 0)
		editor_leave_field(ed, ed->focus);
	for (int i = 0; i < n; i++) {
		const struct problem *p = editor_problem(ed, ids[i]);
		if (p && p->sev == SEV_ERROR) {
			wz->focus = i;
			ed->focus = ids[i];
			editor_status(ed, ST_ERROR, "%s: %s", settings_label(ids[i]), p->msg);
			return false;
		}
	}
	return true;
}

static void finish(struct editor *ed)
{
	/* A new file says its port, auth and TLS, defaults or not. */
	for (enum field_id id = F_PORT; id <= F_TLS; id++)
		if (id != F_USERNAME && id != F_PASSWORD && !settings_has(&ed->cfg.s, id))
			settings_set(&ed->cfg.s, id, settings_get(&ed->cfg.s, id));
	int bad;
	if (editor_save(ed, &bad))
		editor_request(ed, REQ_WIZARD_DONE);
}

static void next(struct editor *ed)
{
	struct wizard *wz = wiz(ed);
	if (!step_ok(ed))
		return;
	switch (wz->step) {
	case W_PATTERN:
		enter_step(ed, W_ADDRESSES);
		break;
	case W_PROVIDER:
		if (wz->sel < (int)ed->presets.n) {
			const struct preset *p = &ed->presets.v[wz->sel];
			if (!p->supported) {
				editor_status(ed, ST_ERROR, _("%s cannot be used for the shop's SMTP "
							      "settings; choose another"),
					      preset_name(p));
				return;
			}
			/* the server typed already belongs to it: keep it */
			if (!preset_host_matches(p, settings_get(&ed->cfg.s, F_HOST))) {
				editor_apply_preset(ed, p);
				wz->applied = true;
			}
		} else if (wz->applied) {
			/* "other" after a preset: what was there before */
			for (int i = 0; i < 4; i++)
				editor_set_value(ed, server_fields[i],
						 wz->orig[i] ? wz->orig[i]
							     : settings_fields[server_fields[i]].def);
			wz->applied = false;
		}
		enter_step(ed, W_SERVER);
		/* editor_apply_preset() put the cursor on the ◯ part */
		break;
	case W_SAVE:
		finish(ed);
		break;
	default:
		enter_step(ed, wz->step + 1);
		break;
	}
}

static void back(struct editor *ed)
{
	struct wizard *wz = wiz(ed);
	if (wz->step > W_PATTERN)
		enter_step(ed, wz->step - 1);
}

static int abandon_key(struct editor *ed, struct dialog *d, enum action act, int key)
{
	(void)d;
	(void)key;
	if (act == ACT_YES) {
		dialog_close(ed);
		return UI_QUIT;
	}
	if (act == ACT_NO) {
		dialog_close(ed);
		return UI_HANDLED;
	}
	return 0;
}

static const struct dialog_ops abandon_dialog = {
	.scope = SC_ABANDON, .key = abandon_key, .button = 1, /* go on */
};

static bool is_list(enum step s)
{
	return s == W_PATTERN || s == W_PROVIDER;
}

static int wizard_scopes(const struct editor *ed, enum scope *out)
{
	const struct wizard *wz = wiz(ed);
	int ids[F_COUNT], n = 0;
	if (ed->focus == F_BCC)
		out[n++] = SC_BCC;
	if (wz->step == W_PATTERN)
		out[n++] = SC_WIZARD_PATTERN;
	out[n++] = is_list(wz->step) ? SC_WIZARD_LIST
		: step_fields(wz, wz->step, ids) ? SC_WIZARD_FIELDS : SC_WIZARD;
	return n;
}

static void move_field(struct editor *ed, int dir)
{
	struct wizard *wz = wiz(ed);
	int ids[F_COUNT], n = step_fields(wz, wz->step, ids);
	if (ed->focus == F_CONTACT_EMAIL)
		offer_system(ed);
	wz->focus = (wz->focus + dir + n) % n;
	editor_focus(ed, ids[wz->focus]);
}

static int wizard_key(struct editor *ed, enum action act, int key)
{
	struct wizard *wz = wiz(ed);
	int ids[F_COUNT], n = step_fields(wz, wz->step, ids);
	switch (act) {
	case ACT_QUIT:
		job_cancel(&ed->send);
		dialog_open(ed, &abandon_dialog, _("Quit the setup?"),
			    _("Nothing has been saved yet. Quit the first-time setup?"), NULL);
		return UI_HANDLED;
	case ACT_HELP:
	case ACT_REVEAL:
		return editor_common_key(ed, act);
	case ACT_SAVE:
		if (wz->step == W_SAVE)
			finish(ed);
		else
			editor_status(ed, ST_INFO, "%s", _("Go through the steps first (Enter: next)."));
		return UI_HANDLED;
	case ACT_BACK:
		back(ed);
		return UI_HANDLED;
	case ACT_LIST:
		editor_request(ed, REQ_BCC_LIST);
		return UI_HANDLED;
	case ACT_TOGGLE:
		if (wz->cur == 2)
			wz->bcc = !wz->bcc;
		else
			wz->pattern = wz->cur;
		return UI_HANDLED;
	case ACT_NEXT_SECTION:
		if (ed->focus == F_CONTACT_EMAIL)
			offer_system(ed);
		next(ed);
		return UI_HANDLED;
	case ACT_ENTER:
		/* on a field: the next one, from the last the next step */
		if (wz->focus < n - 1) {
			move_field(ed, 1);
			return UI_HANDLED;
		}
		if (ed->focus == F_CONTACT_EMAIL)
			offer_system(ed);
		next(ed);
		return UI_HANDLED;
	case ACT_NEXT:
	case ACT_PREV: {
		int dir = act == ACT_PREV ? -1 : 1;
		if (wz->step == W_PATTERN) {
			/* 1 or 2 follows the cursor; 3 is added with Space */
			wz->cur = (wz->cur + dir + 3) % 3;
			if (wz->cur < 2)
				wz->pattern = wz->cur;
			return UI_HANDLED;
		}
		if (is_list(wz->step)) {
			int count = (int)ed->presets.n + 1;
			wz->sel = (wz->sel + dir + count) % count;
			return UI_HANDLED;
		}
		if (!n)
			return 0;
		move_field(ed, dir);
		return UI_HANDLED;
	}
	default:
		break;
	}
	if (ed->focus >= 0)
		return editor_edit_key(ed, ed->focus, act, key);
	return 0;
}

/* ------------------------------------------------------------- drawing */

static int draw_text(int y, int x, int w, int maxy, const char *text, attr_t a)
{
	return editor_draw_text(stdscr, y, x, w, maxy, text, a);
}

static void draw_list(int y, int x, int w, const char *const *items, int n, int sel)
{
	for (int i = 0; i < n; i++) {
		attr_t a = i == sel ? term_style(ST_SIDE_SEL) : A_NORMAL;
		if (i == sel) {
			wattron(stdscr, a);
			mvwhline(stdscr, y + i, x, ' ', w);
			wattroff(stdscr, a);
		}
		char *s = xasprintf("%s %s", i == sel ? "\xE2\x96\xB8" : " ", items[i]);
		term_put(stdscr, y + i, x, s, w, a);
		free(s);
	}
}

static const char *test_intro(void)
{
	return i18n_pick("入力した設定でテストメールを送ります(Enter)。"
			 "届いたことを確かめたら PgDn で次へ進みます。",
			 "Send a test message with these settings (Enter). "
			 "Once it arrived, PgDn goes on.");
}

static void wizard_fit(struct editor *ed, struct area a)
{
	int ids[F_COUNT], n = step_fields(wiz(ed), wiz(ed)->step, ids);
	for (int i = 0; i < n; i++)
		editor_fit_edit(&ed->edit[ids[i]], a.w - 6 - 31);
}

static int wizard_need(const struct editor *ed)
{
	const struct wizard *wz = wiz(ed);
	int ids[F_COUNT], n = step_fields(wz, wz->step, ids), rows = 0;
	if (!n || wz->step == W_SERVER)
		return LINES; /* lists, the test, the summary, the provider's notes */
	for (int i = 0; i < n; i++)
		rows += editor_field_rows(ed, 30, COLS - 6 - 31, ids[i], ids[i] == ed->focus) + 1;
	return 3 + 4 + rows + 5;
}

static enum pane_id wizard_child(const struct editor *ed, struct area a, struct area *sub)
{
	if (wiz(ed)->step != W_TEST)
		return PANE_ID_NONE;
	char **lines;
	size_t n = term_wrap(test_intro(), a.w - 6, &lines);
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	int y = 3 + (int)n + 1, maxy = a.h - 5;
	*sub = (struct area){ y, 3, maxy - y, a.w - 6 };
	return PANE_ID_TEST;
}

static void wizard_draw(const struct editor *ed, struct area ar, struct cursor *cur)
{
	const struct wizard *wz = wiz(ed);
	int cols = ar.w, x = 3, w = cols - 6, maxy = ar.h - 5;
	attr_t t = term_style(ST_TITLE);
	wattron(stdscr, t);
	mvwhline(stdscr, 0, 0, ' ', cols);
	wattroff(stdscr, t);
	char *title = xasprintf(_("mailset - first-time setup (%d/%d): %s"), wz->step + 1, W_COUNT,
				i18n_pick(steps[wz->step].ja, steps[wz->step].en));
	term_put(stdscr, 0, 1, title, cols - 2, t | A_BOLD);
	free(title);
	term_put(stdscr, 1, 1, ed->cfg.path, cols - 2, A_NORMAL);

	int y = 3;
	switch (wz->step) {
	case W_PATTERN: {
		char *own[3];
		const char *items[3];
		for (int i = 0; i < 3; i++) {
			bool on = i < 2 ? wz->pattern == i : wz->bcc;
			own[i] = xasprintf("%s %s", i < 2 ? (on ? "(\xE2\x97\x8F)" : "( )") : (on ? "[x]" : "[ ]"),
					   i18n_pick(patterns[i][0], patterns[i][1]));
			items[i] = own[i];
		}
		y = draw_text(y, x, w, maxy, i18n_pick("メールアドレスの使い方に近いもの(1 か 2)を選んでください。"
						       "3 の BCC は、どちらにも Space で加えられます。",
						       "Which is closest to how the shop uses its addresses, 1 or "
						       "2? Space adds 3, the BCC, to either."),
			      A_NORMAL) + 1;
		draw_list(y, x, w, items, 3, wz->cur);
		for (int i = 0; i < 3; i++)
			free(own[i]);
		break;
	}
	case W_PROVIDER: {
		size_t n = ed->presets.n;
		const char **items = xcalloc(n + 1, sizeof *items);
		char **own = xcalloc(n + 1, sizeof *own);
		for (size_t i = 0; i < n; i++) {
			const struct preset *p = &ed->presets.v[i];
			int pad = 26 - term_width(preset_name(p));
			own[i] = xasprintf("%s%*s%s%s", preset_name(p), pad > 1 ? pad : 1, "",
					   p->host, p->supported ? "" : _(" (not supported)"));
			items[i] = own[i];
		}
		items[n] = i18n_pick("その他(自分で入力する)", "Other (enter the values yourself)");
		y = draw_text(y, x, w, maxy, i18n_pick("ご利用のメールサーバーの事業者を選んでください。",
						       "Which provider runs your mail server?"),
			      A_NORMAL) + 1;
		draw_list(y, x, w, items, (int)n + 1, wz->sel);
		for (size_t i = 0; i < n; i++)
			free(own[i]);
		free(own);
		free(items);
		break;
	}
	case W_TEST:
		draw_text(y, x, w, maxy, test_intro(), A_NORMAL);
		break;
	case W_SAVE: {
		y = draw_text(y, x, w, maxy, i18n_pick("次の内容で保存します。Enter で保存します。",
						       "These values will be saved. Enter saves."),
			      A_NORMAL) + 1;
		for (int i = 0; i < F_COUNT && y < maxy; i++) {
			if (!*settings_get(&ed->cfg.s, i) || !settings_visible(&ed->cfg.s, i))
				continue;
			const char *v = settings_get(&ed->cfg.s, i);
			term_put(stdscr, y, x, settings_label(i), 30, A_NORMAL);
			if (i == F_BCC) {
				/* the whole list, an address a row */
				char *copy = xstrdup(v), *save = NULL;
				for (char *a = strtok_r(copy, ", ", &save); a && y < maxy;
				     a = strtok_r(NULL, ", ", &save))
					term_put(stdscr, y++, x + 31, a, w - 31, term_style(ST_HEADING));
				free(copy);
				continue;
			}
			term_put(stdscr, y++, x + 31,
				 (settings_fields[i].flags & FIELD_SECRET) && *v ? "********" : v,
				 w - 31, term_style(ST_HEADING));
		}
		break;
	}
	default: {
		int ids[F_COUNT], n = step_fields(wz, wz->step, ids);
		const char *intro = NULL;
		if (wz->step == W_ADDRESSES && wz->pattern == 1)
			intro = i18n_pick("システムメール送信元は実在のメールアドレスにしてください。メールテンプレートに"
					  "「このメールアドレスは送信専用です。ご連絡は(お問い合わせアドレス)へ」"
					  "などの記載をおすすめします。",
					  "The sender must be a real mailbox. Tell customers in your templates that "
					  "it is send-only and where to write instead.");
		else if (wz->step == W_SERVER)
			intro = i18n_pick("設定値はご契約のメールサーバーの事業者によって異なります。",
					  "The values depend on your mail provider.");
		if (intro)
			y = draw_text(y, x, w, maxy, intro, A_NORMAL) + 1;
		for (int i = 0; i < n && y < maxy; i++) {
			int fx = -1;
			bool focused = ids[i] == ed->focus && !ed->dlg;
			int used = editor_draw_field(ed, stdscr, y, x, 30, w - 31, ids[i], focused, &fx);
			if (focused)
				*cur = (struct cursor){ y, fx };
			y += used + 1;
		}
		const struct preset *p = editor_provider(ed);
		if (p && wz->step == W_SERVER && *preset_notes(p))
			draw_text(y, x, w, maxy, preset_notes(p), term_style(ST_INFO));
		if (p && wz->step == W_LOGIN) {
			/* where the provider shows them, at the step that asks */
			const char *user = i18n_pick(p->username_ja, p->username_en);
			const char *pass = i18n_pick(p->password_ja, p->password_en);
			if (user) {
				char *line = xasprintf("%s: %s", settings_label(F_USERNAME), user);
				y = draw_text(y, x, w, maxy, line, term_style(ST_INFO));
				free(line);
			}
			if (pass) {
				char *line = xasprintf("%s: %s", settings_label(F_PASSWORD), pass);
				draw_text(y, x, w, maxy, line, term_style(ST_INFO));
				free(line);
			}
		}
		break;
	}
	}
}

const struct screen_ops wizard_screen = {
	.name = "setup",
	.scopes = wizard_scopes,
	.fit = wizard_fit,
	.draw = wizard_draw,
	.help = editor_field_help,
	.key = wizard_key,
	.child = wizard_child,
	.need = wizard_need,
};
