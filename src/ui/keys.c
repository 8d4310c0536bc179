/* SPDX-License-Identifier: MIT */
/* keys.c - the key table: every key of every screen and dialog. */
#include "mailset/ui/keys.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailset/i18n.h"
#include "mailset/util.h"

#define F(n) (KEY_FN | KEY_F(n))
#define K(k) (KEY_FN | (k))
#define ESC 0x1b
/* Enter: Return, Ctrl-J (some terminals), the keypad's Enter */
#define ENTER '\r', '\n', K(KEY_ENTER)
/* a letter key takes either case */
#define LETTER(c) { c, (c) - 'a' + 'A' }

const struct scope_info keys_scopes[SC_COUNT] = {
	[SC_GLOBAL] = { "global", "機能キー", "Function keys", { 0 }, 0, false },
	[SC_FIELD] = { "field", "入力欄の編集", "Editing a field", { 0 }, 0, true },
	[SC_FORM] = { "form", "設定画面", "The settings", { SC_GLOBAL }, 1, false },
	[SC_TEST] = { "test send", "送信テスト(宛先)", "Test send (recipient)", { SC_FIELD }, 1, false },
	[SC_TEST_LOG] = { "test send: dialogue", "送信テスト(SMTP のやりとり)",
			  "Test send (the dialogue)", { 0 }, 0, false },
	[SC_TEST_RUN] = { "test send: sending", "送信テスト(送信中)", "Test send (sending)",
			  { 0 }, 0, false },
	[SC_DNS] = { "DNS check", "DNS チェック", "DNS check", { 0 }, 0, false },
	[SC_DNS_LOG] = { "DNS check: report", "DNS チェック(結果)", "DNS check (the report)",
			 { 0 }, 0, false },
	[SC_DNS_OFFER] = { "DNS check: provider found", "DNS チェック(事業者が見つかったとき)",
			   "DNS check (a provider was found)", { 0 }, 0, false },
	[SC_DNS_RUN] = { "DNS check: asking", "DNS チェック(問い合わせ中)", "DNS check (asking)",
			 { 0 }, 0, false },
	[SC_BCC] = { "BCC", "BCC の項目", "The BCC field", { 0 }, 0, false },
	[SC_WIZARD] = { "setup", "初期設定", "First-time setup", { 0 }, 0, false },
	[SC_WIZARD_LIST] = { "setup: list", "初期設定(選択)", "First-time setup (a list)",
			     { SC_WIZARD }, 1, false },
	[SC_WIZARD_PATTERN] = { "setup: common setups", "初期設定(設定例)", "First-time setup (common setups)",
				{ 0 }, 0, false },
	[SC_WIZARD_FIELDS] = { "setup: fields", "初期設定(入力)", "First-time setup (fields)",
			       { SC_WIZARD, SC_FIELD }, 2, false },
	[SC_BUTTONS] = { "buttons", "ボタン", "Buttons", { 0 }, 0, false },
	[SC_MESSAGE] = { "message", "メッセージ", "A message", { 0 }, 0, false },
	[SC_HELP] = { "help", "キー一覧", "This list", { 0 }, 0, false },
	[SC_QUIT] = { "unsaved changes", "未保存の変更", "Unsaved changes", { SC_BUTTONS }, 1, false },
	[SC_ABANDON] = { "quit the setup", "初期設定の中止", "Quit the setup", { SC_BUTTONS }, 1, false },
	[SC_PICKER] = { "presets", "プリセット", "Provider presets", { 0 }, 0, false },
	[SC_LOCKED] = { "file in use", "使用中のファイル", "The file is in use", { SC_BUTTONS }, 1, false },
	[SC_STALE] = { "lock left behind", "残ったロック", "A lock was left behind", { SC_BUTTONS }, 1,
		       false },
	[SC_RECOVER] = { "recovered edits", "復元された編集", "Recovered edits", { SC_BUTTONS }, 1, false },
	[SC_CHANGED] = { "changed on disk", "ファイルの変更", "Changed behind your back", { SC_BUTTONS }, 1,
			 false },
	[SC_SAVEAS] = { "save elsewhere", "別名で保存", "Save elsewhere", { SC_FIELD }, 1, false },
	[SC_BCC_LIST] = { "BCC list", "BCC の一覧", "The BCC list", { 0 }, 0, false },
	[SC_BCC_EDIT] = { "BCC list: an address", "BCC の一覧(アドレスの入力)",
			  "The BCC list (an address)", { SC_FIELD }, 1, false },
};

const struct binding keys_table[] = {
	/* --- the main screen's function keys ------------------------------ */
	{ SC_GLOBAL, ACT_HELP, { F(1) }, "ヘルプ", "Help",
	  "この画面で使えるキーの一覧を表示します", "Show the keys that work here" },
	{ SC_GLOBAL, ACT_SAVE, { F(2), CTRL_KEY('s') }, "保存", "Save",
	  "保存します(入力エラーがあるときは保存せず、その項目へ移動します)",
	  "Save (refused while a field is invalid: the cursor goes to it)" },
	{ SC_GLOBAL, ACT_PRESETS, { F(3) }, "プリセット", "Presets",
	  "主なメールサーバーの設定値を選んで入力します", "Fill in the SMTP values of a provider" },
	{ SC_GLOBAL, ACT_REVEAL, { F(4) }, "PW表示", "Show PW",
	  "パスワードを5秒間表示します", "Show the password for 5 seconds" },
	{ SC_GLOBAL, ACT_TESTSEND, { F(5) }, "送信テスト", "Test send",
	  "送信テスト画面を開きます", "Open the test send pane" },
	{ SC_GLOBAL, ACT_PROBE, { F(6) }, NULL, NULL,
	  "送信せずに接続・TLS・ログインだけを確かめます(送信テスト画面を開きます)",
	  "Check the connection, TLS and login without sending (opens the test send pane)" },
	{ SC_GLOBAL, ACT_HELP_TEXT, { F(9) }, NULL, NULL,
	  "項目の説明文の表示・非表示(遅い回線向け)", "Show or hide the help text (slow links)" },
	{ SC_GLOBAL, ACT_QUIT, { F(10), CTRL_KEY('q') }, "終了", "Quit",
	  "終了します(未保存の変更があれば確認します)",
	  "Quit (asks first when there are unsaved changes)" },

	/* --- editing a field --------------------------------------------- */
	{ SC_FIELD, ACT_LEFT, { K(KEY_LEFT), CTRL_KEY('b') }, NULL, NULL,
	  "カーソルを左へ(選択項目では前の値)", "Cursor left (a choice: previous value)" },
	{ SC_FIELD, ACT_RIGHT, { K(KEY_RIGHT), CTRL_KEY('f') }, NULL, NULL,
	  "カーソルを右へ(選択項目では次の値)", "Cursor right (a choice: next value)" },
	{ SC_FIELD, ACT_HOME, { K(KEY_HOME), CTRL_KEY('a') }, NULL, NULL,
	  "行頭へ", "Start of the field" },
	{ SC_FIELD, ACT_END, { K(KEY_END), CTRL_KEY('e') }, NULL, NULL,
	  "行末へ", "End of the field" },
	{ SC_FIELD, ACT_BACKSPACE, { K(KEY_BACKSPACE), 0x7f, CTRL_KEY('h') }, NULL, NULL,
	  "カーソルの前の文字を削除", "Delete the character before the cursor" },
	{ SC_FIELD, ACT_DELETE, { K(KEY_DC), CTRL_KEY('d') }, NULL, NULL,
	  "カーソル位置の文字を削除", "Delete the character under the cursor" },
	{ SC_FIELD, ACT_KILL, { CTRL_KEY('k') }, NULL, NULL,
	  "カーソルから行末までを削除", "Delete to the end of the field" },
	{ SC_FIELD, ACT_CLEAR, { CTRL_KEY('u') }, NULL, NULL,
	  "項目を空にします", "Clear the field" },

	/* --- the form ---------------------------------------------------- */
	{ SC_FORM, ACT_NEXT, { '\t', K(KEY_DOWN), ENTER }, NULL, NULL,
	  "次の項目へ", "Next field" },
	{ SC_FORM, ACT_PREV, { K(KEY_BTAB), K(KEY_UP) }, NULL, NULL,
	  "前の項目へ", "Previous field" },
	{ SC_FORM, ACT_NEXT_SECTION, { K(KEY_NPAGE) }, NULL, NULL,
	  "次の画面(サイドバー)へ", "Next section of the sidebar" },
	{ SC_FORM, ACT_PREV_SECTION, { K(KEY_PPAGE) }, NULL, NULL,
	  "前の画面(サイドバー)へ", "Previous section of the sidebar" },
	{ SC_FORM, ACT_CANCEL, { ESC, CTRL_KEY('c') }, NULL, NULL,
	  "項目を保存済みの値に戻します(終了は F10)", "Put the field back as saved (F10 quits)" },

	/* --- the test send pane ------------------------------------------ */
	{ SC_TEST, ACT_SEND, { ENTER }, "送信", "Send",
	  "画面の値でテストメールを送信します", "Send a test message with the values on the screen" },
	{ SC_TEST, ACT_PROBE, { F(6) }, "ログインのみ確認", "Login only",
	  "送信せずに接続・TLS・ログインだけを確かめます",
	  "Check the connection, TLS and login without sending" },
	{ SC_TEST, ACT_SHOP_TEST, { F(8) }, "ショップ同様", "Shop-like",
	  "ショップと同じ 2 通を送ります: 宛先(テスト顧客)への確認と、お問い合わせメールアドレスへの通知(どちらも BCC 付き)",
	  "Send what the shop sends: a message to the recipient (a test customer) and a "
	  "notification to the contact address, both with the BCC" },
	{ SC_TEST, ACT_TO_LOG, { '\t' }, "やりとり", "Dialogue",
	  "SMTP のやりとりへ(送信後)", "To the SMTP dialogue (after a send)" },
	{ SC_TEST_LOG, ACT_SCROLL_UP, { K(KEY_UP) }, NULL, NULL,
	  "上へスクロール", "Scroll up" },
	{ SC_TEST_LOG, ACT_SCROLL_DOWN, { K(KEY_DOWN) }, "スクロール", "Scroll",
	  "下へスクロール", "Scroll down" },
	{ SC_TEST_LOG, ACT_SCROLL_TOP, { K(KEY_HOME) }, NULL, NULL,
	  "先頭へ", "To the start" },
	{ SC_TEST_LOG, ACT_SCROLL_END, { K(KEY_END) }, NULL, NULL,
	  "末尾へ(続きを表示し続けます)", "To the end (and follow it)" },
	{ SC_TEST_LOG, ACT_SAVE_LOG, LETTER('s'), "保存", "Save",
	  "やりとりと結果をファイルに保存します(パスワードは含みません)",
	  "Save the dialogue and the verdict to a file (without the password)" },
	{ SC_TEST_LOG, ACT_SEND, { ENTER }, "再送信", "Send again",
	  "同じ宛先にもう一度送信します", "Send again to the same recipient" },
	{ SC_TEST_LOG, ACT_SHOP_TEST, { F(8) }, "ショップ同様", "Shop-like",
	  "ショップと同じ 2 通を送ります: 宛先(テスト顧客)への確認と、お問い合わせメールアドレスへの通知(どちらも BCC 付き)",
	  "Send what the shop sends: a message to the recipient (a test customer) and a "
	  "notification to the contact address, both with the BCC" },
	{ SC_TEST_LOG, ACT_TO_FIELDS, { '\t', K(KEY_BTAB) }, "宛先", "Recipient",
	  "宛先へ戻ります", "Back to the recipient" },
	{ SC_TEST_LOG, ACT_PROBE, { F(6) }, "ログインのみ確認", "Login only",
	  "送信せずに接続・TLS・ログインだけを確かめます",
	  "Check the connection, TLS and login without sending" },
	{ SC_TEST_RUN, ACT_STOP, { ESC, CTRL_KEY('c') }, "中止", "Stop",
	  "送信を中止します", "Stop the send" },

	/* --- the DNS pane -------------------------------------------------- */
	{ SC_DNS, ACT_CHECK, { ENTER }, "確認", "Check",
	  "送信元ドメインの MX・SPF・DKIM・DMARC を確認します",
	  "Check MX, SPF, DKIM and DMARC of the system mail sender's domain" },
	{ SC_DNS, ACT_TO_LOG, { '\t' }, NULL, NULL,
	  "次の項目へ(確認の後は、最後の項目から結果へ)",
	  "Next field (after a check, from the last field: the report)" },
	{ SC_DNS_LOG, ACT_SCROLL_UP, { K(KEY_UP) }, NULL, NULL,
	  "上へスクロール", "Scroll up" },
	{ SC_DNS_LOG, ACT_SCROLL_DOWN, { K(KEY_DOWN) }, "スクロール", "Scroll",
	  "下へスクロール", "Scroll down" },
	{ SC_DNS_LOG, ACT_SAVE_LOG, LETTER('s'), "保存", "Save",
	  "結果をファイルに保存します", "Save the report to a file" },
	{ SC_DNS_OFFER, ACT_APPLY_PROVIDER, LETTER('p'), "プリセット適用", "Apply preset",
	  "見つかった事業者のプリセットを SMTP 設定に入力します",
	  "Fill in the SMTP settings from the preset of the provider found" },
	{ SC_DNS_LOG, ACT_CHECK, { ENTER }, "再確認", "Check again",
	  "もう一度確認します", "Check again" },
	{ SC_DNS_LOG, ACT_TO_FIELDS, { '\t' }, "入力欄", "Fields",
	  "入力欄へ戻ります", "Back to the fields" },
	{ SC_DNS_RUN, ACT_STOP, { ESC, CTRL_KEY('c') }, "中止", "Stop",
	  "問い合わせを中止します", "Stop asking" },

	/* --- the BCC field and its list ------------------------------------ */
	{ SC_BCC, ACT_LIST, { F(7) }, "BCC一覧", "BCC list",
	  "BCC を 1 行 1 アドレスの一覧で編集します", "Edit the BCC as a list, one address a row" },
	{ SC_BCC_LIST, ACT_NEXT, { K(KEY_DOWN), '\t' }, NULL, NULL,
	  "次のアドレス", "Next address" },
	{ SC_BCC_LIST, ACT_PREV, { K(KEY_UP), K(KEY_BTAB) }, NULL, NULL,
	  "前のアドレス", "Previous address" },
	{ SC_BCC_LIST, ACT_ADD, { 'a', 'A', K(KEY_IC) }, "追加", "Add",
	  "アドレスを追加します", "Add an address" },
	{ SC_BCC_LIST, ACT_EDIT, { ENTER }, "編集", "Edit",
	  "選んだアドレスを編集します", "Edit the chosen address" },
	{ SC_BCC_LIST, ACT_DELETE_ROW, { 'd', 'D', K(KEY_DC) }, "削除", "Delete",
	  "選んだアドレスを削除します", "Delete the chosen address" },
	{ SC_BCC_LIST, ACT_CLOSE, { ESC, F(7), CTRL_KEY('c') }, "閉じる", "Close",
	  "一覧を閉じます(変更は項目に入っています)", "Close the list (the field has the changes)" },
	{ SC_BCC_EDIT, ACT_SAVE_COPY, { ENTER }, "確定", "Keep",
	  "入力したアドレスを確かめて一覧に入れます", "Check the address typed and put it in the list" },
	{ SC_BCC_EDIT, ACT_CLOSE, { ESC, CTRL_KEY('c') }, "取消", "Cancel",
	  "入力をやめます", "Leave the address as it was" },

	/* --- the first-time setup ------------------------------------------ */
	{ SC_WIZARD, ACT_NEXT_SECTION, { ENTER, K(KEY_NPAGE) }, "次へ", "Next",
	  "次の手順へ", "Next step" },
	{ SC_WIZARD, ACT_BACK, { K(KEY_PPAGE) }, "戻る", "Back",
	  "前の手順へ", "Previous step" },
	{ SC_WIZARD, ACT_SAVE, { F(2), CTRL_KEY('s') }, NULL, NULL,
	  "保存します(最後の手順で)", "Save (at the last step)" },
	{ SC_WIZARD, ACT_QUIT, { ESC, F(10), CTRL_KEY('q') }, "設定を中止", "Quit setup",
	  "初期設定を中止します(確認します)", "Quit the setup (asks first)" },
	{ SC_WIZARD, ACT_HELP, { F(1) }, "キー一覧", "Keys",
	  "この画面で使えるキーの一覧を表示します", "Show the keys that work here" },
	{ SC_WIZARD_LIST, ACT_NEXT, { '\t', K(KEY_DOWN) }, NULL, NULL,
	  "次の選択肢へ", "Next choice" },
	{ SC_WIZARD_LIST, ACT_PREV, { K(KEY_BTAB), K(KEY_UP) }, NULL, NULL,
	  "前の選択肢へ", "Previous choice" },
	{ SC_WIZARD_PATTERN, ACT_TOGGLE, { ' ' }, NULL, NULL,
	  "1 か 2 を選ぶ、または 3 (BCC) を加える・外す", "Choose 1 or 2, or add or take off 3 (the BCC)" },
	{ SC_WIZARD_FIELDS, ACT_ENTER, { ENTER }, "次へ", "Next",
	  "次の項目へ(最後の項目では次の手順へ)", "Next field (from the last one: the next step)" },
	{ SC_WIZARD_FIELDS, ACT_NEXT, { '\t', K(KEY_DOWN) }, NULL, NULL,
	  "次の項目へ", "Next field" },
	{ SC_WIZARD_FIELDS, ACT_PREV, { K(KEY_BTAB), K(KEY_UP) }, NULL, NULL,
	  "前の項目へ", "Previous field" },
	{ SC_WIZARD_FIELDS, ACT_REVEAL, { F(4) }, NULL, NULL,
	  "パスワードを5秒間表示します", "Show the password for 5 seconds" },

	/* --- dialogs --------------------------------------------------------- */
	{ SC_BUTTONS, ACT_BUTTON_PREV, { K(KEY_LEFT), K(KEY_BTAB) }, NULL, NULL,
	  "前のボタンを選びます", "Choose the previous button" },
	{ SC_BUTTONS, ACT_BUTTON_NEXT, { K(KEY_RIGHT), '\t' }, NULL, NULL,
	  "次のボタンを選びます", "Choose the next button" },
	{ SC_BUTTONS, ACT_BUTTON_PRESS, { ENTER }, NULL, NULL,
	  "選んだボタンを押します", "Press the chosen button" },
	{ SC_BUTTONS, ACT_SCROLL_UP, { K(KEY_UP) }, NULL, NULL,
	  "上へスクロール", "Scroll up" },
	{ SC_BUTTONS, ACT_SCROLL_DOWN, { K(KEY_DOWN) }, NULL, NULL,
	  "下へスクロール", "Scroll down" },
	{ SC_MESSAGE, ACT_CLOSE, { ENTER, ESC, CTRL_KEY('c') }, "閉じる", "Close",
	  "閉じます", "Close" },
	{ SC_MESSAGE, ACT_SCROLL_UP, { K(KEY_UP) }, NULL, NULL,
	  "上へスクロール", "Scroll up" },
	{ SC_MESSAGE, ACT_SCROLL_DOWN, { K(KEY_DOWN) }, NULL, NULL,
	  "下へスクロール", "Scroll down" },
	{ SC_HELP, ACT_SCROLL_DOWN, { K(KEY_DOWN), '\t' }, "スクロール", "Scroll",
	  "下へスクロール", "Scroll down" },
	{ SC_HELP, ACT_SCROLL_UP, { K(KEY_UP), K(KEY_BTAB) }, NULL, NULL,
	  "上へスクロール", "Scroll up" },
	{ SC_HELP, ACT_SCROLL_PAGE_DOWN, { K(KEY_NPAGE) }, NULL, NULL,
	  "次のページ", "Next page" },
	{ SC_HELP, ACT_SCROLL_PAGE_UP, { K(KEY_PPAGE) }, NULL, NULL,
	  "前のページ", "Previous page" },
	{ SC_HELP, ACT_CLOSE, { ESC, ENTER, F(1) }, "閉じる", "Close",
	  "閉じます", "Close" },
	{ SC_QUIT, ACT_SAVE_QUIT, LETTER('s'), "保存して終了", "Save and quit",
	  "保存して終了します", "Save, then quit" },
	{ SC_QUIT, ACT_DISCARD, LETTER('d'), "破棄して終了", "Discard and quit",
	  "変更を破棄して終了します", "Quit without saving" },
	{ SC_QUIT, ACT_CLOSE, { 'c', 'C', ESC }, "キャンセル", "Cancel",
	  "編集に戻ります", "Back to editing" },
	{ SC_ABANDON, ACT_YES, LETTER('y'), "初期設定を中止(何も保存しません)",
	  "Quit the setup (nothing is saved)", "初期設定を中止します", "Quit the setup" },
	{ SC_ABANDON, ACT_NO, { 'n', 'N', ESC }, "続ける", "Go on",
	  "初期設定を続けます", "Go on with the setup" },
	{ SC_PICKER, ACT_NEXT, { K(KEY_DOWN), '\t' }, NULL, NULL,
	  "次の事業者", "Next provider" },
	{ SC_PICKER, ACT_PREV, { K(KEY_UP), K(KEY_BTAB) }, NULL, NULL,
	  "前の事業者", "Previous provider" },
	{ SC_PICKER, ACT_HOME, { K(KEY_HOME) }, NULL, NULL,
	  "最初の事業者", "First provider" },
	{ SC_PICKER, ACT_END, { K(KEY_END) }, NULL, NULL,
	  "最後の事業者", "Last provider" },
	{ SC_PICKER, ACT_PICK, { ENTER }, "適用", "Apply",
	  "選んだ事業者の設定値を入力します", "Fill in the chosen provider's values" },
	{ SC_PICKER, ACT_CLOSE, { ESC, F(3), CTRL_KEY('c') }, "閉じる", "Close",
	  "閉じます", "Close" },
	{ SC_LOCKED, ACT_READ_ONLY, LETTER('r'), "読み取り専用で開く", "Open read-only",
	  "保存せずに見るだけで開きます", "Look without saving" },
	{ SC_LOCKED, ACT_QUIT, LETTER('q'), "終了", "Quit",
	  "終了します", "Quit" },
	{ SC_STALE, ACT_BREAK_LOCK, LETTER('b'), "古いロックを削除して編集",
	  "Remove the old lock and edit", "古いロックを削除して編集します",
	  "Remove the lock left behind and edit" },
	{ SC_STALE, ACT_READ_ONLY, LETTER('r'), "読み取り専用", "Read-only",
	  "保存せずに見るだけで開きます", "Look without saving" },
	{ SC_STALE, ACT_QUIT, LETTER('q'), "終了", "Quit",
	  "終了します", "Quit" },
	{ SC_RECOVER, ACT_RESTORE, LETTER('r'), "この編集内容を復元", "Restore these edits",
	  "残っていた編集内容を画面に戻します(保存は F2)",
	  "Put the kept edits back on the screen (F2 saves them)" },
	{ SC_RECOVER, ACT_DISCARD, LETTER('d'), "破棄", "Discard them",
	  "残っていた編集内容を捨てます", "Throw the kept edits away" },
	{ SC_CHANGED, ACT_RELOAD, LETTER('r'), "再読込(編集は維持)", "Reload, keep my edits",
	  "今のファイルを読み込み、自分の編集をその上に重ねます",
	  "Load the file as it is now, with your edits on top" },
	{ SC_CHANGED, ACT_OVERWRITE, LETTER('o'), "上書き", "Overwrite",
	  "自分の版で上書きします", "Save your version over it" },
	{ SC_CHANGED, ACT_ELSEWHERE, LETTER('e'), "別名で保存", "Elsewhere",
	  "自分の版を別のファイルに保存します", "Save your version to another file" },
	{ SC_CHANGED, ACT_CLOSE, { 'c', 'C', ESC }, "キャンセル", "Cancel",
	  "保存せずに編集に戻ります", "Back to editing, nothing saved" },
	{ SC_SAVEAS, ACT_SAVE_COPY, { ENTER }, "このファイルに保存", "Save a copy there",
	  "入力したファイルに保存します", "Save to the file typed" },
	{ SC_SAVEAS, ACT_CLOSE, { ESC, CTRL_KEY('c') }, "キャンセル", "Cancel",
	  "保存せずに戻ります", "Back, nothing saved" },
};
const size_t keys_count = sizeof keys_table / sizeof *keys_table;

/* The scopes of a chain with their includes, innermost first, each once. */
static size_t expand(const enum scope *chain, size_t n, enum scope *out)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		enum scope todo[1 + SCOPE_INCLUDES];
		int nt = 0;
		todo[nt++] = chain[i];
		for (int k = 0; k < keys_scopes[chain[i]].nincludes; k++)
			todo[nt++] = keys_scopes[chain[i]].includes[k];
		for (int t = 0; t < nt; t++) {
			bool seen = false;
			for (size_t j = 0; j < m; j++)
				seen |= out[j] == todo[t];
			if (!seen && m < SC_COUNT)
				out[m++] = todo[t];
		}
	}
	return m;
}

enum action keys_lookup(const enum scope *chain, size_t n, int key)
{
	enum scope sc[SC_COUNT];
	size_t m = expand(chain, n, sc);
	for (size_t s = 0; s < m; s++)
		for (size_t i = 0; i < keys_count; i++)
			if (keys_table[i].scope == sc[s])
				for (int k = 0; k < KEYS_PER_ACTION && keys_table[i].keys[k]; k++)
					if (keys_table[i].keys[k] == key)
						return keys_table[i].act;
	return ACT_NONE;
}

enum action keys_action(enum scope sc, int key)
{
	return keys_lookup(&sc, 1, key);
}

const char *keys_name(int key)
{
	static char buf[16];
	switch (key) {
	case '\r':
	case '\n':
	case K(KEY_ENTER):
		return "Enter";
	case '\t':
		return "Tab";
	case ESC:
		return "Esc";
	case 0x7f:
	case CTRL_KEY('h'):
	case K(KEY_BACKSPACE):
		return "Backspace";
	case K(KEY_BTAB):
		return "Shift-Tab";
	case K(KEY_UP):
		return "\xE2\x86\x91";
	case K(KEY_DOWN):
		return "\xE2\x86\x93";
	case K(KEY_LEFT):
		return "\xE2\x86\x90";
	case K(KEY_RIGHT):
		return "\xE2\x86\x92";
	case K(KEY_HOME):
		return "Home";
	case K(KEY_END):
		return "End";
	case K(KEY_NPAGE):
		return "PgDn";
	case K(KEY_PPAGE):
		return "PgUp";
	case K(KEY_DC):
		return "Delete";
	case K(KEY_IC):
		return "Insert";
	case ' ':
		return "Space";
	default:
		break;
	}
	if ((key & KEY_FN) && (key & ~KEY_FN) >= KEY_F(1) && (key & ~KEY_FN) <= KEY_F(12))
		snprintf(buf, sizeof buf, "F%d", (key & ~KEY_FN) - KEY_F0);
	else if (key > 0 && key < 0x20)
		snprintf(buf, sizeof buf, "Ctrl-%c", key + '@');
	else if (key >= 'a' && key <= 'z')
		snprintf(buf, sizeof buf, "%c", key - 'a' + 'A');
	else if (key > 0x20 && key < 0x7f)
		snprintf(buf, sizeof buf, "%c", key);
	else
		snprintf(buf, sizeof buf, "0x%x", (unsigned)key);
	return buf;
}

char *keys_label(const int *keys, int nkeys)
{
	struct strbuf sb = { 0 };
	char seen[KEYS_PER_ACTION][16];
	int nseen = 0;
	for (int i = 0; i < nkeys; i++) {
		const char *name = keys_name(keys[i]);
		bool dup = false;
		for (int j = 0; j < nseen; j++)
			dup |= !strcmp(seen[j], name);
		if (dup || nseen == KEYS_PER_ACTION)
			continue;
		snprintf(seen[nseen++], sizeof seen[0], "%s", name);
		sb_addf(&sb, "%s%s", sb.len ? " / " : "", name);
	}
	return sb_steal(&sb);
}

void keys_each(const enum scope *chain, size_t n, keys_row_fn fn, void *ctx)
{
	enum scope sc[SC_COUNT];
	size_t m = expand(chain, n, sc);
	int claimed[128];
	size_t nclaimed = 0;
	for (size_t s = 0; s < m; s++)
		for (size_t i = 0; i < keys_count; i++) {
			const struct binding *b = &keys_table[i];
			if (b->scope != sc[s])
				continue;
			int keys[KEYS_PER_ACTION], nk = 0;
			for (int k = 0; k < KEYS_PER_ACTION && b->keys[k]; k++) {
				bool taken = false;
				for (size_t c = 0; c < nclaimed; c++)
					taken |= claimed[c] == b->keys[k];
				if (taken)
					continue;
				keys[nk++] = b->keys[k];
				if (nclaimed < sizeof claimed / sizeof *claimed)
					claimed[nclaimed++] = b->keys[k];
			}
			if (nk)
				fn(ctx, b, keys, nk);
		}
}

struct help_ctx {
	struct strbuf sb;
	enum scope last;
};

static void help_row(void *ctx, const struct binding *b, const int *keys, int nkeys)
{
	struct help_ctx *h = ctx;
	if (b->scope != h->last) {
		const struct scope_info *si = &keys_scopes[b->scope];
		sb_addf(&h->sb, "%s%s\n", h->sb.len ? "\n" : "", i18n_pick(si->title_ja, si->title_en));
		h->last = b->scope;
	}
	char *label = keys_label(keys, nkeys);
	sb_addf(&h->sb, "%s\t%s\n", label, i18n_pick(b->help_ja, b->help_en));
	free(label);
}

char *keys_help(const enum scope *chain, size_t n)
{
	struct help_ctx h = { { 0 }, SC_COUNT };
	keys_each(chain, n, help_row, &h);
	enum scope sc[SC_COUNT];
	size_t m = expand(chain, n, sc);
	for (size_t s = 0; s < m; s++)
		if (keys_scopes[sc[s]].typing) {
			sb_adds(&h.sb, i18n_pick("\n文字を入力すると、フォーカスのある項目を編集します。",
						 "\nTyping edits the focused field."));
			break;
		}
	return sb_steal(&h.sb);
}

struct bound_ctx {
	int *v;
	size_t n;
};

static void bound_row(void *ctx, const struct binding *b, const int *keys, int nkeys)
{
	(void)b;
	struct bound_ctx *c = ctx;
	for (int i = 0; i < nkeys; i++) {
		c->v = xgrow(c->v, c->n, sizeof *c->v);
		c->v[c->n++] = keys[i];
	}
}

int *keys_bound(const enum scope *chain, size_t n, size_t *count)
{
	struct bound_ctx c = { NULL, 0 };
	keys_each(chain, n, bound_row, &c);
	*count = c.n;
	return c.v;
}

static bool includes(enum scope sc, enum scope x)
{
	for (int k = 0; k < keys_scopes[sc].nincludes; k++)
		if (keys_scopes[sc].includes[k] == x)
			return true;
	return false;
}

/* May a key of scope a clash with one of scope b? Within one scope, or
 * between two scopes one scope includes (a scope's own rows may rebind a
 * key of a scope it includes: the wizard's Enter on a field). */
static bool related(enum scope a, enum scope b)
{
	if (a == b)
		return true;
	for (int s = 0; s < SC_COUNT; s++)
		if (includes(s, a) && includes(s, b))
			return true;
	return false;
}

int keys_collision_in(const struct binding *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < KEYS_PER_ACTION && t[i].keys[k]; k++)
			for (size_t j = i; j < n; j++) {
				if (!related(t[i].scope, t[j].scope))
					continue;
				for (int l = (j == i ? k + 1 : 0); l < KEYS_PER_ACTION && t[j].keys[l];
				     l++)
					if (t[i].keys[k] == t[j].keys[l])
						return t[i].keys[k];
			}
	return 0;
}

int keys_collision(void)
{
	return keys_collision_in(keys_table, keys_count);
}
