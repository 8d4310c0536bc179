/* wizard.c - first-time setup: the admin guide's common setups, then
 * addresses, sender name, provider, credentials, and save. */
#include "mailset/ui/editor.h"

#include <stdlib.h>
#include <string.h>

#include "mailset/i18n.h"
#include "mailset/ui/keys.h"
#include "mailset/util.h"

enum step { W_PATTERN, W_ADDRESSES, W_NAME, W_PROVIDER, W_SERVER, W_LOGIN, W_TEST, W_SAVE, W_COUNT };

struct wizard {
	enum step step;
	int pattern;         /* 0..2: the guide's よくある設定例 1-3 */
	int sel;             /* W_PROVIDER: preset index, n = enter by hand */
	int focus;           /* index into the step's fields */
	char *auto_system;   /* the system_email we offered, while untouched */
	char *auto_user;     /* likewise for the user name */
};

static const char *const step_title[W_COUNT][2] = {
	[W_PATTERN] = { "よくある設定例から選ぶ", "Choose a common setup" },
	[W_ADDRESSES] = { "メールアドレス", "Mail addresses" },
	[W_NAME] = { "差出人名", "Sender name" },
	[W_PROVIDER] = { "メールサーバー(SMTP)の事業者", "Mail provider (SMTP)" },
	[W_SERVER] = { "送信サーバー", "SMTP server" },
	[W_LOGIN] = { "ユーザー名とパスワード", "User name and password" },
	[W_TEST] = { "送信テスト", "Test send" },
	[W_SAVE] = { "確認して保存", "Check and save" },
};

static const char *const patterns[3][2] = {
	{ "1. お問い合わせとシステムからの通知を同じメールアドレスで受信する",
	  "1. One address for enquiries and for the shop's own mail" },
	{ "2. お問い合わせ専用のアドレスと、送信専用(noreply)の送信元を分ける",
	  "2. An enquiries address, and a send-only (noreply) sender" },
	{ "3. すべてのメールを顧客対応用アドレス(Re:lation 等)にも BCC で送る",
	  "3. Also BCC every mail to a helpdesk address (Re:lation, MailDealer...)" },
};

/* The fields each step edits. */
static int step_fields(const struct wizard *wz, enum step s, int *ids)
{
	int n = 0;
	switch (s) {
	case W_ADDRESSES:
		ids[n++] = F_CONTACT_EMAIL;
		ids[n++] = F_SYSTEM_EMAIL;
		if (wz->pattern == 2)
			ids[n++] = F_BCC;
		break;
	case W_NAME:
		ids[n++] = F_SENDER_NAME;
		break;
	case W_SERVER:
		ids[n++] = F_HOST;
		ids[n++] = F_PORT;
		ids[n++] = F_AUTH;
		ids[n++] = F_TLS;
		break;
	case W_LOGIN:
		ids[n++] = F_USERNAME;
		ids[n++] = F_PASSWORD;
		break;
	default:
		break;
	}
	return n;
}

static struct wizard *wiz(struct editor *ed)
{
	return ed->wiz;
}

void wizard_start(struct editor *ed)
{
	struct wizard *wz = xcalloc(1, sizeof *wz);
	wz->sel = 0;
	ed->wiz = wz;
	ed->wizard = true;
	ed->focus = -1;
}

void wizard_free(struct editor *ed)
{
	struct wizard *wz = wiz(ed);
	if (!wz)
		return;
	free(wz->auto_system);
	free(wz->auto_user);
	free(wz);
	ed->wiz = NULL;
	ed->wizard = false;
}

static void set_value(struct editor *ed, enum field_id id, const char *v)
{
	le_set(&ed->edit[id], v);
	editor_changed(ed, id);
}

/* Offer a default while the field is empty or still holds our last offer. */
static void offer(struct editor *ed, enum field_id id, char **last, const char *v)
{
	const char *cur = settings_get(&ed->cfg.s, id);
	if (*cur && !(*last && !strcmp(*last, cur)))
		return;
	set_value(ed, id, v);
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
		: xasprintf("%s@%s", wz->pattern == 1 ? "noreply" : "support", at + 1);
	offer(ed, F_SYSTEM_EMAIL, &wz->auto_system, v);
	free(v);
}

static void enter_step(struct editor *ed, enum step s)
{
	struct wizard *wz = wiz(ed);
	if (ed->focus >= 0)
		editor_leave_field(ed, ed->focus);
	wz->step = s;
	wz->focus = 0;
	if (s == W_LOGIN)
		offer(ed, F_USERNAME, &wz->auto_user, settings_get(&ed->cfg.s, F_SYSTEM_EMAIL));
	int ids[F_COUNT];
	ed->focus = step_fields(wz, s, ids) ? ids[0] : -1;
	if (s == W_SERVER)
		ed->focus = F_HOST;
	if (s == W_TEST)
		testpane_open(ed);
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
	if (!editor_save(ed))
		return;
	char *saved = xstrdup(ed->status);
	wizard_free(ed);
	ed->focus = F_CONTACT_EMAIL;
	ed->pane = PANE_BASIC;
	editor_status(ed, ST_OK, "%s", saved);
	free(saved);
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
			editor_apply_preset(ed, p);
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

int wizard_key(struct editor *ed, int key)
{
	struct wizard *wz = wiz(ed);
	enum action a = keys_action(key);
	int ids[F_COUNT], n = step_fields(wz, wz->step, ids);
	if (wz->step == W_TEST && a != ACT_QUIT && a != ACT_HELP && a != ACT_NEXT_SECTION &&
	    a != ACT_PREV_SECTION && (a != ACT_CANCEL || sp_running(&ed->sp))) {
		int r = testpane_key(ed, key);
		if (r)
			return r;
	}
	switch (a) {
	case ACT_CANCEL:
	case ACT_QUIT:
		sp_cancel(&ed->sp);
		dialog_open(ed, DLG_ABANDON, _("Quit the setup?"),
			    _("Nothing has been saved yet. Quit the first-time setup?"));
		return UI_HANDLED;
	case ACT_HELP:
	case ACT_REVEAL:
		return editor_common_key(ed, a);
	case ACT_SAVE:
		if (wz->step == W_SAVE)
			finish(ed);
		else
			editor_status(ed, ST_INFO, "%s", _("Go through the steps first (Enter: next)."));
		return UI_HANDLED;
	case ACT_PREV_SECTION:
		back(ed);
		return UI_HANDLED;
	case ACT_NEXT_SECTION:
		next(ed);
		return UI_HANDLED;
	case ACT_NEXT:
	case ACT_PREV:
	case ACT_ENTER: {
		int dir = a == ACT_PREV ? -1 : 1;
		if (wz->step == W_PATTERN || wz->step == W_PROVIDER) {
			int count = wz->step == W_PATTERN ? 3 : (int)ed->presets.n + 1;
			int *sel = wz->step == W_PATTERN ? &wz->pattern : &wz->sel;
			if (a == ACT_ENTER)
				next(ed);
			else
				*sel = (*sel + dir + count) % count;
			return UI_HANDLED;
		}
		if (n && !(a == ACT_ENTER && wz->focus == n - 1)) {
			if (ed->focus == F_CONTACT_EMAIL)
				offer_system(ed);
			editor_leave_field(ed, ed->focus);
			wz->focus = (wz->focus + dir + n) % n;
			ed->focus = ids[wz->focus];
			return UI_HANDLED;
		}
		if (ed->focus == F_CONTACT_EMAIL)
			offer_system(ed);
		next(ed);
		return UI_HANDLED;
	}
	default:
		break;
	}
	if (ed->focus >= 0)
		return editor_edit_key(ed, ed->focus, key);
	return 0;
}

/* ------------------------------------------------------------- drawing */

static int draw_text(int y, int x, int w, int maxy, const char *text, attr_t a)
{
	char **lines;
	size_t n = term_wrap(text, w, &lines);
	for (size_t i = 0; i < n; i++) {
		if (y < maxy)
			term_put(stdscr, y++, x, lines[i], w, a);
		free(lines[i]);
	}
	free(lines);
	return y;
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

void wizard_draw(struct editor *ed)
{
	struct wizard *wz = wiz(ed);
	int cols = COLS, lines = LINES, x = 3, w = cols - 6, maxy = lines - 5;
	werase(stdscr);
	attr_t t = term_style(ST_TITLE);
	wattron(stdscr, t);
	mvwhline(stdscr, 0, 0, ' ', cols);
	wattroff(stdscr, t);
	char *title = xasprintf(_("mailset - first-time setup (%d/%d): %s"), wz->step + 1, W_COUNT,
				i18n_pick(step_title[wz->step][0], step_title[wz->step][1]));
	term_put(stdscr, 0, 1, title, cols - 2, t | A_BOLD);
	free(title);
	term_put(stdscr, 1, 1, ed->cfg.path, cols - 2, A_NORMAL);

	int y = 3, cx = -1, cy = -1;
	switch (wz->step) {
	case W_PATTERN: {
		const char *items[3];
		for (int i = 0; i < 3; i++)
			items[i] = i18n_pick(patterns[i][0], patterns[i][1]);
		y = draw_text(y, x, w, maxy, i18n_pick("メールアドレスの使い方に近いものを選んでください。",
						       "Which is closest to how the shop uses its addresses?"),
			      A_NORMAL) + 1;
		draw_list(y, x, w, items, 3, wz->pattern);
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
		y = draw_text(y, x, w, maxy, i18n_pick("入力した設定でテストメールを送ります(Enter)。"
						       "届いたことを確かめたら PgDn で次へ進みます。",
						       "Send a test message with these settings (Enter). "
						       "Once it arrived, PgDn goes on."),
			      A_NORMAL) + 1;
		testpane_draw(ed, stdscr, y, x, w, maxy - y, &cy, &cx);
		break;
	case W_SAVE: {
		y = draw_text(y, x, w, maxy, i18n_pick("次の内容で保存します。Enter で保存します。",
						       "These values will be saved. Enter saves."),
			      A_NORMAL) + 1;
		for (int i = 0; i < F_COUNT && y < maxy; i++) {
			if (!*settings_get(&ed->cfg.s, i) || !settings_visible(&ed->cfg.s, i))
				continue;
			const char *v = settings_get(&ed->cfg.s, i);
			term_put(stdscr, y, x, settings_label(i), 26, A_NORMAL);
			term_put(stdscr, y++, x + 27,
				 (settings_fields[i].flags & FIELD_SECRET) && *v ? "********" : v,
				 w - 27, term_style(ST_HEADING));
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
			bool focused = ids[i] == ed->focus && ed->dlg.kind == DLG_NONE;
			int used = editor_draw_field(ed, stdscr, y, x, 26, w - 27, ids[i], focused, &fx);
			if (focused)
				cx = fx, cy = y;
			y += used + 1;
		}
		if (wz->step == W_SERVER) {
			const struct preset *p = presets_match_host(&ed->presets,
								    settings_get(&ed->cfg.s, F_HOST));
			if (p && *preset_notes(p))
				draw_text(y, x, w, maxy, preset_notes(p), term_style(ST_INFO));
		}
		break;
	}
	}

	/* help, status and keys */
	const char *help = ed->focus >= 0 ? settings_help(ed->focus) : "";
	const char *text = ed->status[0] ? ed->status : help;
	attr_t a = ed->status[0] ? term_style(ed->status_style) : A_NORMAL;
	draw_text(lines - 4, 1, cols - 2, lines - 1, text, a);
	const char *keys = wz->step == W_TEST
		? _("Enter: send  PgDn: next  PgUp: back  Esc: quit setup  F1: keys")
		: _("Enter: next  PgUp: back  Esc: quit setup  F1: keys");
	term_put(stdscr, lines - 1, 0, keys, cols, term_style(ST_KEY));
	if (cy >= 0) {
		curs_set(1);
		wmove(stdscr, cy, cx);
	} else {
		curs_set(0);
	}
}
