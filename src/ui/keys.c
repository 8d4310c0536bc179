/* keys.c - the action table. */
#include "mailset/ui/keys.h"

#include <curses.h>

const struct binding keys_table[] = {
	{ ACT_HELP, { KEY_FN | KEY_F(1) }, "F1", "ヘルプ", "Help",
	  "キーの一覧を表示します", "Show this list of keys" },
	{ ACT_SAVE, { KEY_FN | KEY_F(2), CTRL_KEY('s') }, "F2 / Ctrl-S", "保存", "Save",
	  "保存します(入力エラーがあるときは保存せず、その項目へ移動します)",
	  "Save (refused while a field is invalid: the cursor goes to it)" },
	{ ACT_PRESETS, { KEY_FN | KEY_F(3) }, "F3", "プリセット", "Presets",
	  "主なメールサーバーの設定値を選んで入力します", "Fill in the SMTP values of a provider" },
	{ ACT_REVEAL, { KEY_FN | KEY_F(4) }, "F4", "PW表示", "Show PW",
	  "パスワードの表示・非表示を切り替えます", "Show or hide the password" },
	{ ACT_TESTSEND, { KEY_FN | KEY_F(5) }, "F5", "送信テスト", "Test send",
	  "テストメールを送信します", "Send a test message" },
	{ ACT_PROBE, { KEY_FN | KEY_F(6) }, "F6", NULL, NULL,
	  "送信せずに接続・TLS・ログインだけを確かめます(送信テスト画面を開きます)",
	  "Check the connection, TLS and login without sending (opens the test send pane)" },
	{ ACT_QUIT, { KEY_FN | KEY_F(10), CTRL_KEY('q') }, "F10 / Ctrl-Q", "終了", "Quit",
	  "終了します(未保存の変更があれば確認します)",
	  "Quit (asks first when there are unsaved changes)" },
	{ ACT_CANCEL, { 0x1b, CTRL_KEY('c') }, "Esc / Ctrl-C", NULL, NULL,
	  "ダイアログを閉じます", "Close a dialog" },
	{ ACT_ENTER, { '\r', '\n', KEY_FN | KEY_ENTER }, "Enter", NULL, NULL,
	  "決定 / 次の項目へ", "Choose / go to the next field" },
	{ ACT_NEXT, { '\t', KEY_FN | KEY_DOWN }, "Tab / ↓", NULL, NULL,
	  "次の項目へ", "Next field" },
	{ ACT_PREV, { KEY_FN | KEY_BTAB, KEY_FN | KEY_UP }, "Shift-Tab / ↑", NULL, NULL,
	  "前の項目へ", "Previous field" },
	{ ACT_NEXT_SECTION, { KEY_FN | KEY_NPAGE }, "PgDn", NULL, NULL,
	  "次の画面(サイドバー)へ", "Next section of the sidebar" },
	{ ACT_PREV_SECTION, { KEY_FN | KEY_PPAGE }, "PgUp", NULL, NULL,
	  "前の画面(サイドバー)へ", "Previous section of the sidebar" },
	{ ACT_LEFT, { KEY_FN | KEY_LEFT, CTRL_KEY('b') }, "← / Ctrl-B", NULL, NULL,
	  "カーソルを左へ(選択項目では前の値)", "Cursor left (a choice: previous value)" },
	{ ACT_RIGHT, { KEY_FN | KEY_RIGHT, CTRL_KEY('f') }, "→ / Ctrl-F", NULL, NULL,
	  "カーソルを右へ(選択項目では次の値)", "Cursor right (a choice: next value)" },
	{ ACT_HOME, { KEY_FN | KEY_HOME, CTRL_KEY('a') }, "Home / Ctrl-A", NULL, NULL,
	  "行頭へ", "Start of the field" },
	{ ACT_END, { KEY_FN | KEY_END, CTRL_KEY('e') }, "End / Ctrl-E", NULL, NULL,
	  "行末へ", "End of the field" },
	{ ACT_BACKSPACE, { KEY_FN | KEY_BACKSPACE, 0x7f, CTRL_KEY('h') }, "Backspace", NULL, NULL,
	  "カーソルの前の文字を削除", "Delete the character before the cursor" },
	{ ACT_DELETE, { KEY_FN | KEY_DC, CTRL_KEY('d') }, "Delete / Ctrl-D", NULL, NULL,
	  "カーソル位置の文字を削除", "Delete the character under the cursor" },
	{ ACT_KILL, { CTRL_KEY('k') }, "Ctrl-K", NULL, NULL,
	  "カーソルから行末までを削除", "Delete to the end of the field" },
	{ ACT_CLEAR, { CTRL_KEY('u') }, "Ctrl-U", NULL, NULL,
	  "項目を空にします", "Clear the field" },
};
const size_t keys_count = sizeof keys_table / sizeof *keys_table;

enum action keys_action(int key)
{
	for (size_t i = 0; i < keys_count; i++)
		for (int k = 0; k < KEYS_PER_ACTION && keys_table[i].keys[k]; k++)
			if (keys_table[i].keys[k] == key)
				return keys_table[i].act;
	return ACT_NONE;
}

const struct binding *keys_binding(enum action act)
{
	for (size_t i = 0; i < keys_count; i++)
		if (keys_table[i].act == act)
			return &keys_table[i];
	return &keys_table[0];
}

int keys_collision_in(const struct binding *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < KEYS_PER_ACTION && t[i].keys[k]; k++)
			for (size_t j = i; j < n; j++)
				for (int l = (j == i ? k + 1 : 0); l < KEYS_PER_ACTION && t[j].keys[l];
				     l++)
					if (t[i].keys[k] == t[j].keys[l])
						return t[i].keys[k];
	return 0;
}

int keys_collision(void)
{
	return keys_collision_in(keys_table, keys_count);
}
