/* SPDX-License-Identifier: MIT */
/* check_message.c - the test message's headers: ASCII only (A-labels,
 * RFC 2047 encoded words of at most 75 characters), lines of at most 78
 * characters (RFC 5322 2.1.1), the display name decoding back whole. */
#include <check.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "mailset/i18n.h"
#include "mailset/message.h"
#include "mailset/settings.h"
#include "mailset/util.h"

static const char *const names[] = {
	"ショップ窓口",
	/* 58 full-width characters: the longest name the file can hold (one
	 * string in two pieces: the parentheses tell clang so) */
	("株式会社オンラインストア本店お客様相談窓口係株式会社オンラインストア本店お客様相談窓口係"
	 "株式会社オンラインストア本店お客様"),
	"Aショップ窓口テスト株式会社オンラインストア本店 お問い合わせ係",
	"A much longer sender name for this shop, in plain ASCII words only",
	"ecforce　お客様窓口🛒",
};

static char *build(const char *name, const char *from, const char *to)
{
	struct settings s = { { 0 } };
	settings_set(&s, F_SENDER_NAME, name);
	settings_set(&s, F_SYSTEM_EMAIL, from);
	settings_set(&s, F_CONTACT_EMAIL, to);
	char *err = NULL;
	char *m = message_build(&s, to, "body {{ base_info.system_email }}\n", 0, &err);
	ck_assert_msg(m != NULL, "message_build: %s", err ? err : "?");
	settings_free(&s);
	return m;
}

/* The header section, unfolded From: value decoded to UTF-8. */
static char *decoded_from(const char *msg)
{
	const char *p = strstr(msg, "From:");
	ck_assert_ptr_nonnull(p);
	struct strbuf sb = { 0 };
	for (p += 5; *p && !(p[0] == '\r' && p[1] == '\n' && p[2] != ' ');) {
		const char *w = strstr(p, "=?UTF-8?B?");
		const char *eol = strstr(p, "\r\n");
		if (!w || w > eol) {
			/* plain words up to the address */
			const char *lt = strchr(p, '<');
			if (lt && lt < eol) {
				const char *q = p;
				while (*q == ' ')
					q++;
				if (lt > q)
					sb_add(&sb, q, (size_t)(lt - q - 1));
				break;
			}
			sb_add(&sb, p, (size_t)(eol - p));
			p = eol + 2;
			continue;
		}
		const char *b = w + 10, *e = strstr(b, "?=");
		unsigned char out[128];
		int n = EVP_DecodeBlock(out, (const unsigned char *)b, (int)(e - b));
		ck_assert_int_ge(n, 0);
		size_t len = (size_t)n;
		for (const char *q = e - 1; *q == '=' && len; q--)
			len--;
		sb_add(&sb, out, len);
		p = e + 2;
	}
	return sb.buf ? sb_steal(&sb) : xstrdup("");
}

START_TEST(header_lines_fit)
{
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		char *m = build(names[i], "noreply@shop-example.co.jp", "support@shop-example.co.jp");
		const char *end = strstr(m, "\r\n\r\n");
		ck_assert_ptr_nonnull(end);
		for (const char *l = m; l < end;) {
			const char *eol = strstr(l, "\r\n");
			ck_assert_msg(eol - l <= 78, "name %zu: header line of %d characters: %.*s", i,
				      (int)(eol - l), (int)(eol - l), l);
			for (const char *w = l; (w = strstr(w, "=?UTF-8?B?")) && w < eol; w += 2) {
				const char *e = strstr(w + 10, "?=");
				ck_assert_msg(e && e + 2 - w <= 75, "encoded word over 75 characters");
			}
			l = eol + 2;
		}
		for (const char *c = m; c < end; c++)
			ck_assert_msg((unsigned char)*c < 0x80, "name %zu: a raw non-ASCII byte in the "
				      "headers", i);
		char *back = decoded_from(m);
		ck_assert_str_eq(back, names[i]);
		free(back);
		free(m);
	}
}
END_TEST

START_TEST(idn_domains_as_alabels)
{
	char *m = build("窓口", "shop@日本語.example", "kyaku@例え.テスト");
	const char *end = strstr(m, "\r\n\r\n");
	ck_assert_ptr_nonnull(strstr(m, "<shop@xn--wgv71a119e.example>"));
	ck_assert_ptr_nonnull(strstr(m, "Message-ID: <"));
	ck_assert_ptr_nonnull(strstr(m, ".mailset@xn--wgv71a119e.example>"));
	for (const char *c = m; c < end; c++)
		ck_assert_msg((unsigned char)*c < 0x80, "a raw non-ASCII byte in the headers: %.*s",
			      (int)(end - m), m);
	free(m);
	char *a = message_ascii_address("a@日本語.example");
	ck_assert_str_eq(a, "a@xn--wgv71a119e.example");
	free(a);
	a = message_ascii_address("plain@example.com");
	ck_assert_str_eq(a, "plain@example.com");
	free(a);
}
END_TEST

START_TEST(no_bcc_header)
{
	struct settings s = { { 0 } };
	settings_set(&s, F_SYSTEM_EMAIL, "noreply@example.com");
	settings_set(&s, F_BCC, "hidden@example.com");
	char *err = NULL;
	char *m = message_build(&s, "to@example.com", "x\n", 0, &err);
	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_null(strcasestr(m, "bcc"));
	ck_assert_ptr_null(strstr(m, "hidden@"));
	free(m);
	settings_free(&s);
}
END_TEST

int main(void)
{
	i18n_init();
	Suite *s = suite_create("message");
	TCase *tc = tcase_create("headers");
	tcase_add_test(tc, header_lines_fit);
	tcase_add_test(tc, idn_domains_as_alabels);
	tcase_add_test(tc, no_bcc_header);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
