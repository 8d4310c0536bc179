/* SPDX-License-Identifier: MIT */
/* check_settings.c - the field table says what the admin guide says: its
 * labels as the admin screen writes them, its help sentences, and each
 * choice shown in the user's language while the file keeps its values. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailset/i18n.h"
#include "mailset/settings.h"

/* The labels of reference/mail-settings-admin-guide.ja.txt, as written
 * there (half-width parentheses included). */
static const struct {
	enum field_id id;
	const char *label;
} guide_labels[] = {
	{ F_CONTACT_EMAIL, "お問合わせメールアドレス" },
	{ F_SYSTEM_EMAIL, "システムメール送信元" },
	{ F_SENDER_NAME, "システムメール差出人(任意設定)" },
	{ F_BCC, "自動送信メールのBCC(任意設定)" },
	{ F_NOTIFY_PRIORITY, "通知優先設定" },
	{ F_HOST, "送信サーバー名" },
	{ F_PORT, "ポート番号" },
	{ F_USERNAME, "ユーザー名" },
	{ F_PASSWORD, "パスワード" },
	{ F_AUTH, "認証方式(高度な設定)" },
	{ F_TLS, "TLS認証(高度な設定)" },
};

/* Sentences of the guide each field's Japanese help must hold, word for
 * word (HACKING.md, "The admin guide, field by field", lists the rest). */
static const struct {
	enum field_id id;
	const char *text;
} guide_help[] = {
	{ F_CONTACT_EMAIL, "「お問い合わせ」用のメールアドレスです。" },
	{ F_CONTACT_EMAIL, "本メールアドレス宛てに通知が届きます。" },
	{ F_CONTACT_EMAIL, "以下の画面・機能で顧客に表示されます。" },
	{ F_CONTACT_EMAIL, "・購入完了画面\n" },
	{ F_CONTACT_EMAIL, "・お問い合わせ完了画面\n" },
	{ F_CONTACT_EMAIL, "・お問い合わせメールアドレス {{ base_info.contact_email }} の変数を設定した"
			   "メールテンプレート、LPテンプレート、テーマ管理" },
	{ F_SYSTEM_EMAIL, "システムから送信するメールの送信元メールアドレスです" },
	{ F_SYSTEM_EMAIL, "(注文完了メールや発送完了メールなど" },
	{ F_SYSTEM_EMAIL, "{{ base_info.system_email }} をメールテンプレート、LPテンプレート、"
			  "テーマ管理などで利用した場合この値に置き換えられます。" },
	{ F_SYSTEM_EMAIL, "support@ドメイン" },
	{ F_SYSTEM_EMAIL, "必ず実在のメールアドレスを設定してください。" },
	{ F_SENDER_NAME, "システムから送信するメールの差出人です。" },
	{ F_SENDER_NAME, "顧客がシステムメールを受信した場合、本設定の差出人名がメーラーに表示されます。" },
	{ F_SENDER_NAME, "※ご利用のメーラーによっては表示されない場合があります。" },
	{ F_SENDER_NAME, "顧客がシステムメールを受信した場合、「システムメール送信元」で設定した"
			 "メールアドレスがメーラーに表示されます。" },
	{ F_SENDER_NAME, "※[]\";.などの半角記号は" },
	{ F_SENDER_NAME, "送信されているログや履歴が残りますが、実際は送信エラーとなり、"
			 "メールの送信ができかねますのでご留意ください。" },
	{ F_BCC, "システムから送信するメールを別のメールアドレスへBCC送信する際に設定します。" },
	{ F_BCC, "メールアドレスを複数設定したい場合は、カンマ区切りで入力します。" },
	{ F_BCC, "(例)support@example.com,support@example.net,support@example.org" },
	{ F_BCC, "Re:lation(リレーション)やMailDealer(メールディーラー)" },
	{ F_NOTIFY_PRIORITY, "顧客への連絡方法として優先する方法です。(デフォルト:メール)" },
	{ F_NOTIFY_PRIORITY, "※本設定は以下の場合に表示されます。" },
	{ F_NOTIFY_PRIORITY, "[オプション]SMS会員認証機能をご契約済み" },
	{ F_NOTIFY_PRIORITY, "「設定 > 外部連携アカウント管理 > Twilio」にて「Twilioを使用する:ON」" },
	{ F_HOST, "送信サーバー名を設定します。" },
	{ F_HOST, "※設定値はご契約のSMTPサーバーによって異なります。"
		  "詳細はご契約のSMTPサーバーの事業者にお問い合わせください。" },
	{ F_HOST, "※Microsoft Exchange Onlineについては、" },
	{ F_PORT, "ポート番号を設定します。" },
	{ F_USERNAME, "メールサーバーで認証が必要な場合のユーザ名を設定します。" },
	{ F_PASSWORD, "メールサーバーで認証が必要な場合のパスワードを設定します。" },
	{ F_PASSWORD, "アプリパスワード(16文字)" },
	{ F_AUTH, "メールサーバーで認証が必要な場合の認証方法を選択します。" },
	{ F_AUTH, "※通常は「PLAIN」が選択されています。" },
	{ F_TLS, "TLS 認証の有効・無効を設定します。" },
	{ F_TLS, "※通常は「有効」設定です。有効で認証ができないときのみ無効で設定ください。"
		 "(セキュリティ上「有効」が推奨です)" },
};

START_TEST(labels_as_the_guide)
{
	for (size_t i = 0; i < sizeof guide_labels / sizeof *guide_labels; i++)
		ck_assert_str_eq(settings_fields[guide_labels[i].id].label_ja, guide_labels[i].label);
	/* the guide writes half-width parentheses; so does every label */
	for (int i = 0; i < F_COUNT; i++) {
		const struct field *f = &settings_fields[i];
		ck_assert_msg(!strstr(f->label_ja, "（") && !strstr(f->label_ja, "）"),
			      "%s: full-width parentheses in \"%s\"", f->key, f->label_ja);
		/* the optional fields say so in both languages */
		if (strstr(f->label_ja, "(任意設定)"))
			ck_assert_msg(strstr(f->label_en, "(optional)"), "%s: \"%s\"", f->key,
				      f->label_en);
		if (strstr(f->label_ja, "(高度な設定)"))
			ck_assert_msg(strstr(f->label_en, "(advanced)"), "%s: \"%s\"", f->key,
				      f->label_en);
	}
}
END_TEST

START_TEST(help_as_the_guide)
{
	for (size_t i = 0; i < sizeof guide_help / sizeof *guide_help; i++) {
		const struct field *f = &settings_fields[guide_help[i].id];
		ck_assert_msg(strstr(f->help_ja, guide_help[i].text) != NULL,
			      "the help of %s lacks the guide's \"%s\":\n%s", f->key,
			      guide_help[i].text, f->help_ja);
	}
	/* both languages say as much: as many lines, each line a sentence */
	for (int i = 0; i < F_COUNT; i++) {
		const struct field *f = &settings_fields[i];
		size_t nja = 0, nen = 0;
		for (const char *p = f->help_ja; *p; p++)
			nja += *p == '\n';
		for (const char *p = f->help_en; *p; p++)
			nen += *p == '\n';
		ck_assert_msg(nja == nen, "%s: %zu lines in Japanese, %zu in English", f->key,
			      nja + 1, nen + 1);
	}
}
END_TEST

static size_t count(const char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

START_TEST(every_choice_has_labels)
{
	for (int i = 0; i < F_COUNT; i++) {
		const struct field *f = &settings_fields[i];
		if (f->kind != FK_CHOICE) {
			ck_assert_ptr_null(f->choices);
			ck_assert_ptr_null(f->choice_labels_ja);
			ck_assert_ptr_null(f->choice_labels_en);
			continue;
		}
		size_t n = count(f->choices);
		ck_assert_msg(n > 0, "%s has no choices", f->key);
		ck_assert_msg(count(f->choice_labels_ja) == n && count(f->choice_labels_en) == n,
			      "%s: %zu choices, %zu Japanese and %zu English labels", f->key, n,
			      count(f->choice_labels_ja), count(f->choice_labels_en));
		for (size_t k = 0; k < n; k++)
			ck_assert_msg(*f->choice_labels_ja[k] && *f->choice_labels_en[k],
				      "%s: the label of %s is empty", f->key, f->choices[k]);
	}
}
END_TEST

static void language(const char *lang)
{
	/* no locale named: a caller's LC_ALL=C would make gettext ignore
	 * LANGUAGE (i18n.c) */
	unsetenv("LANG");
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	setenv("LANGUAGE", lang, 1);
	i18n_init();
	ck_assert_msg(i18n_japanese() == !strcmp(lang, "ja"),
		      "LANGUAGE=%s: the message catalogue is not where MAILSET_LOCALEDIR says (%s)",
		      lang, getenv("MAILSET_LOCALEDIR") ? getenv("MAILSET_LOCALEDIR") : "unset");
}

START_TEST(choice_labels_in_the_language)
{
	static const struct {
		enum field_id id;
		const char *value, *ja, *en;
	} want[] = {
		{ F_AUTH, "plain", "PLAIN", "PLAIN" },
		{ F_AUTH, "LOGIN", "LOGIN", "LOGIN" },
		{ F_AUTH, "none", "なし", "None" },
		{ F_TLS, "on", "有効", "On" },
		{ F_TLS, "Off", "無効", "Off" },
		{ F_NOTIFY_PRIORITY, "email", "メール", "Email" },
		{ F_NOTIFY_PRIORITY, "sms", "SMS", "SMS" },
		{ F_SMS_AUTH, "on", "ご契約済み", "Contracted" },
		{ F_TWILIO, "on", "ON", "On" },
	};
	for (int l = 0; l < 2; l++) {
		language(l ? "en" : "ja");
		for (size_t i = 0; i < sizeof want / sizeof *want; i++)
			ck_assert_str_eq(settings_choice_label(want[i].id, want[i].value),
					 l ? want[i].en : want[i].ja);
		/* what is not a choice is shown as it is */
		const char *bogus = "fax";
		ck_assert_ptr_eq(settings_choice_label(F_NOTIFY_PRIORITY, bogus), bogus);
		const char *host = "smtp.example.com";
		ck_assert_ptr_eq(settings_choice_label(F_HOST, host), host);
	}
	/* the values themselves do not change */
	ck_assert_str_eq(settings_fields[F_TLS].choices[0], "on");
	ck_assert_str_eq(settings_fields[F_TLS].def, "on");
}
END_TEST

int main(void)
{
	setenv("LC_ALL", "C.UTF-8", 1);
	i18n_init();
	Suite *s = suite_create("settings");
	TCase *tc = tcase_create("guide");
	tcase_add_test(tc, labels_as_the_guide);
	tcase_add_test(tc, help_as_the_guide);
	tcase_add_test(tc, every_choice_has_labels);
	tcase_add_test(tc, choice_labels_in_the_language);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
