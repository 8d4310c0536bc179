/* SPDX-License-Identifier: MIT */
/* check_textwrap.c - Japanese line breaking (textwrap.c, the editor's
 * term_wrap()) on the admin guide's own texts: every field's help text in
 * both languages, every preset's notes and a few paragraphs of the guide,
 * wrapped at every width from 40 to 78, checked line by line against the
 * rules a reader of Japanese expects (kinsoku), with no text lost. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailset/i18n.h"
#include "mailset/presets.h"
#include "mailset/settings.h"
#include "mailset/textwrap.h"
#include "mailset/util.h"

/* Paragraphs of reference/mail-settings-admin-guide.ja.txt as they are. */
static const char *const guide[] = {
	"メールアドレスの設定では、ショップから送信するメールのメールアドレスや差出人名の確認・編集、"
	"メール送信サーバー(SMTP)設定を行えます。",
	"※SMTPとは・・・「Simple Mail Transfer Protocol(シンプル・メール・トランスファー・プロトコル)」"
	"の略で、メールをメールサーバーまで届ける仕組みのことです。",
	"※システム送信元へメールを返信された場合に備え、メールテンプレートに「このメールアドレス(この例の場合 "
	"noreply@example.com)は送信専用です。このメールに返信されても、届きません。ご連絡は "
	"support@example.com へお願いします」などの記載をすることを推奨します。この場合でも、"
	"「システムメール送信元」は必ず実在のメールアドレスを設定してください。",
	"すべてのメールを Re:lation(リレーション)やMailDealer(メールディーラー)などの顧客対応専用の"
	"メールアドレスにも送信したい場合",
	"システムメール差出人名に非対応文字が含まれている場合、ecforce上では送信されているログや履歴が"
	"残りますが、実際は送信エラーとなり、メールの送信ができかねますのでご留意ください。",
	"SMTP 設定が誤っているとecforceのシステムから送信するすべてのメール送信ができません。"
	"SMTP 設定後は、以下の画面よりテスト顧客を利用してメール送信のテストを実施ください。",
	"※ 仮ドメイン表示中の場合は、上記の「*ご契約ドメイン*」箇所に「仮ドメイン(例:hoge.ec-force.netの形式です)」"
	"のドメインをご入力ください。",
	"※上記アクセス時にメンテナンスモードとなっている場合は、[ショップ管理 > 各種設定 > ショップの基本設定]"
	"にて「パスワード保護設定」を無効としてください。送信テスト完了後は再度有効に戻していただいて問題ありません。",
	"自動送信メールのBCC(任意設定) システムから送信するメールを別のメールアドレスへBCC送信する際に設定します。"
	"メールアドレスを複数設定したい場合は、カンマ区切りで入力します。"
	"(例)support@example.com,support@example.net,support@example.org",
	"お問合わせメールアドレス 「お問い合わせ」用のメールアドレスです。また、以下の画面・機能で顧客に表示されます。"
	"・お問い合わせメールアドレス {{ base_info.contact_email }} の変数を設定したメールテンプレート、"
	"LPテンプレート、テーマ管理",
};

/* What no line may start with, and what no line may end with. */
static const char *const no_start[] = {
	"、", "。", "，", "．", "・", "：", "；", "？", "！", "ー", "）", "」", "』", "】",
	"〕", "］", "｝", "〉", "》", "ぁ", "ぃ", "ぅ", "ぇ", "ぉ", "っ", "ゃ", "ゅ", "ょ",
	"ァ", "ィ", "ゥ", "ェ", "ォ", "ッ", "ャ", "ュ", "ョ", "々", "…",
	")", "]", "}", ",", ".", ":", ";", "!", "?", NULL
};
static const char *const no_end[] = {
	"（", "「", "『", "【", "〔", "［", "｛", "〈", "《", "(", "[", "{", "※", NULL
};

static bool starts_with_any(const char *s, const char *const *set, const char **which)
{
	for (int i = 0; set[i]; i++)
		if (!strncmp(s, set[i], strlen(set[i]))) {
			*which = set[i];
			return true;
		}
	return false;
}

static bool ends_with_any(const char *s, const char *const *set, const char **which)
{
	size_t n = strlen(s);
	for (int i = 0; set[i]; i++) {
		size_t k = strlen(set[i]);
		if (n >= k && !strcmp(s + n - k, set[i])) {
			*which = set[i];
			return true;
		}
	}
	return false;
}

/* s without blanks and line breaks: what wrapping must keep. */
static char *ink(const char *s)
{
	struct strbuf sb = { 0 };
	for (; *s; s++)
		if (*s != ' ' && *s != '\n')
			sb_addc(&sb, *s);
	return sb_steal(&sb);
}

/* The units that must stay on one line: "{{ ... }}" and "(例)" with the
 * word after it (up to a blank or a comma). */
static void check_units(const char *text, char **lines, size_t n, int width, const char *what)
{
	for (const char *p = strstr(text, "{{"); p; p = strstr(p + 2, "{{")) {
		const char *e = strstr(p, "}}");
		ck_assert_ptr_nonnull(e);
		char *unit = xstrndup(p, (size_t)(e + 2 - p));
		bool whole = false;
		for (size_t i = 0; i < n && !whole; i++)
			whole = strstr(lines[i], unit) != NULL;
		ck_assert_msg(whole, "%s at width %d: \"%s\" is broken", what, width, unit);
		free(unit);
	}
	for (const char *p = strstr(text, "(例)"); p; p = strstr(p + 1, "(例)")) {
		const char *w = p + strlen("(例)");
		char *unit = xstrndup(p, strlen("(例)") + strcspn(w, " ,\n、。"));
		bool whole = false;
		for (size_t i = 0; i < n && !whole; i++)
			whole = strstr(lines[i], unit) != NULL;
		ck_assert_msg(whole, "%s at width %d: \"%s\" is broken", what, width, unit);
		free(unit);
	}
}

static size_t lines_checked;

/* One paragraph (no "\n") at one width. */
static void check_paragraph(const char *text, int width, const char *what)
{
	char **lines;
	size_t n = textwrap(text, width, &lines);
	struct strbuf all = { 0 };
	for (size_t i = 0; i < n; i++) {
		const char *l = lines[i], *c;
		ck_assert_msg(textwrap_width(l) <= width, "%s at width %d: line %zu is %d cells "
			      "wide: \"%s\"", what, width, i + 1, textwrap_width(l), l);
		/* the first line starts as the paragraph does (a bullet ・) */
		ck_assert_msg(i == 0 || !starts_with_any(l, no_start, &c), "%s at width %d: line "
			      "%zu starts with %s: \"%s\"", what, width, i + 1, c, l);
		ck_assert_msg(i + 1 == n || !ends_with_any(l, no_end, &c), "%s at width %d: line "
			      "%zu ends with %s: \"%s\"", what, width, i + 1, c, l);
		ck_assert_msg(i == 0 || l[0] != ' ', "%s at width %d: line %zu starts with a "
			      "blank: \"%s\"", what, width, i + 1, l);
		ck_assert_msg(*l || !*text, "%s at width %d: line %zu is empty", what, width, i + 1);
		sb_adds(&all, l);
		lines_checked++;
	}
	/* nothing lost, nothing added */
	char *got = ink(all.buf ? all.buf : ""), *want = ink(text);
	ck_assert_msg(!strcmp(got, want), "%s at width %d: the lines do not make the text:\n%s\n%s",
		      what, width, got, want);
	free(got);
	free(want);
	check_units(text, lines, n, width, what);
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	sb_free(&all);
}

/* A text at every width: each paragraph by the rules, and the whole text
 * wraps as its paragraphs one after the other. */
static void check_text(const char *text, const char *what)
{
	for (int width = 40; width <= 78; width++) {
		char **whole;
		size_t nw = textwrap(text, width, &whole), k = 0;
		for (const char *p = text; *p;) {
			size_t len = strcspn(p, "\n");
			char *para = xstrndup(p, len);
			check_paragraph(para, width, what);
			char **lines;
			size_t n = textwrap(para, width, &lines);
			if (!n)
				ck_assert_msg(k < nw && !*whole[k++], "%s at width %d: an empty line "
					      "is lost", what, width);
			for (size_t i = 0; i < n; i++) {
				ck_assert_msg(k < nw && !strcmp(whole[k], lines[i]), "%s at width %d: "
					      "line %zu differs from its paragraph's", what, width, k + 1);
				k++;
				free(lines[i]);
			}
			free(lines);
			free(para);
			p += len + (p[len] == '\n');
		}
		ck_assert_uint_eq(k, nw);
		for (size_t i = 0; i < nw; i++)
			free(whole[i]);
		free(whole);
	}
}

START_TEST(help_texts)
{
	for (int i = 0; i < F_COUNT; i++) {
		char what[64];
		snprintf(what, sizeof what, "help of %s (ja)", settings_field_name(i));
		check_text(settings_fields[i].help_ja, what);
		snprintf(what, sizeof what, "help of %s (en)", settings_field_name(i));
		check_text(settings_fields[i].help_en, what);
	}
	printf("check_textwrap: help texts: %zu lines checked\n", lines_checked);
}
END_TEST

START_TEST(notes_of_presets)
{
	struct preset_list pl;
	char *err;
	ck_assert_msg(presets_load_default(&pl, &err) == 0, "%s", err);
	for (size_t i = 0; i < pl.n; i++) {
		char what[64];
		snprintf(what, sizeof what, "notes of %s (ja)", pl.v[i].id);
		check_text(pl.v[i].notes_ja, what);
		snprintf(what, sizeof what, "notes of %s (en)", pl.v[i].id);
		check_text(pl.v[i].notes_en, what);
	}
	presets_free(&pl);
	printf("check_textwrap: preset notes: %zu lines checked\n", lines_checked);
}
END_TEST

START_TEST(guide_paragraphs)
{
	for (size_t i = 0; i < sizeof guide / sizeof *guide; i++) {
		char what[32];
		snprintf(what, sizeof what, "guide paragraph %zu", i + 1);
		check_text(guide[i], what);
	}
	printf("check_textwrap: guide paragraphs: %zu lines checked\n", lines_checked);
}
END_TEST

/* The rules one by one, on short texts where the answer is known. */
static char *wrapped(const char *s, int width)
{
	char **lines;
	size_t n = textwrap(s, width, &lines);
	struct strbuf sb = { 0 };
	for (size_t i = 0; i < n; i++) {
		sb_addf(&sb, "%s%s", i ? "|" : "", lines[i]);
		free(lines[i]);
	}
	free(lines);
	return sb.buf ? sb_steal(&sb) : xstrdup("");
}

#define WRAPS(s, width, want)                                                    \
	do {                                                                     \
		char *g_ = wrapped((s), (width));                                \
		ck_assert_msg(!strcmp(g_, (want)), "wrap(\"%s\", %d) = \"%s\", not \"%s\"", \
			      (s), (width), g_, (want));                         \
		free(g_);                                                        \
	} while (0)

START_TEST(rules)
{
	/* blanks: dropped at a break */
	WRAPS("aaa bbb ccc", 7, "aaa bbb|ccc");
	WRAPS("a\n\nb", 10, "a||b");
	WRAPS("", 10, "");
	/* a closing mark goes down with the character before it */
	WRAPS("あいうえ。かき", 8, "あいう|え。かき");
	WRAPS("あいうえ」かき", 8, "あいう|え」かき");
	WRAPS("あいうー", 6, "あい|うー");
	/* an opening bracket goes down with what it opens */
	WRAPS("あいう「かき」", 8, "あいう|「かき」");
	WRAPS("あいう(かき)", 8, "あいう|(かき)");
	/* a template variable stays whole */
	WRAPS("置換 {{ base_info.contact_email }} です", 33,
	      "置換|{{ base_info.contact_email }} で|す");
	WRAPS("あいうえおかきくけこ{{ a }}", 26, "あいうえおかきくけこ|{{ a }}");
	/* (例) stays with its word */
	WRAPS("入力します。(例)support@example.com", 30,
	      "入力します。|(例)support@example.com");
	/* a list of addresses breaks after its commas */
	WRAPS("(例)a@example.com,b@example.net", 20, "(例)a@example.com,|b@example.net");
	/* a unit wider than a line is cut */
	WRAPS("abcdefghij", 4, "abcd|efgh|ij");
	WRAPS("{{ abcdefgh }}", 8, "{{ abcde|fgh }}");
}
END_TEST

int main(void)
{
	setenv("LC_ALL", "C.UTF-8", 1);
	i18n_init();
	Suite *s = suite_create("textwrap");
	TCase *tc = tcase_create("kinsoku");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, rules);
	tcase_add_test(tc, help_texts);
	tcase_add_test(tc, notes_of_presets);
	tcase_add_test(tc, guide_paragraphs);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
