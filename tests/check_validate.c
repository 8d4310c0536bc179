/* SPDX-License-Identifier: MIT */
/* check_validate.c - the rules of SPEC section 1 as validate.c applies them:
 * for each rule, values it accepts and values it refuses, with the words
 * the refusal must contain. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailset/i18n.h"
#include "mailset/inifile.h"
#include "mailset/settings.h"
#include "mailset/validate.h"

/* The call must return NULL. */
#define ACCEPT(call)                                                            \
	do {                                                                    \
		char *m_ = (call);                                              \
		ck_assert_msg(m_ == NULL, "%s refused: %s", #call, m_);         \
	} while (0)

/* The call must return a message containing needle. */
#define REFUSE(call, needle)                                                    \
	do {                                                                    \
		char *m_ = (call);                                              \
		ck_assert_msg(m_ != NULL, "%s accepted", #call);                \
		ck_assert_msg(strstr(m_, (needle)) != NULL,                     \
			      "%s: \"%s\" does not say \"%s\"", #call, m_, (needle)); \
		free(m_);                                                       \
	} while (0)

/* The call must return exactly want. */
#define REFUSE_EXACTLY(call, want)                                              \
	do {                                                                    \
		char *m_ = (call);                                              \
		ck_assert_msg(m_ != NULL, "%s accepted", #call);                \
		ck_assert_str_eq(m_, (want));                                   \
		free(m_);                                                       \
	} while (0)

static char *repeat(const char *unit, size_t n)
{
	size_t k = strlen(unit);
	char *s = malloc(k * n + 1);
	ck_assert_ptr_nonnull(s);
	for (size_t i = 0; i < n; i++)
		memcpy(s + i * k, unit, k);
	s[k * n] = '\0';
	return s;
}

/* ------------------------------------------------------------- address */

START_TEST(address_accepts)
{
	ACCEPT(validate_address("support@example.com"));
	ACCEPT(validate_address("a@b.co"));
	ACCEPT(validate_address("first.last@example.com"));
	ACCEPT(validate_address("user+tag@sub.example.co.jp"));
	ACCEPT(validate_address("User@Example.COM"));
	ACCEPT(validate_address("123@example.com"));
	ACCEPT(validate_address("a@my-shop.example"));
	ACCEPT(validate_address("a@123.example"));
	ACCEPT(validate_address("!#$%&'*+-/=?^_`{|}~@example.com"));
	ACCEPT(validate_address("a.b.c.d@example.com"));
}
END_TEST

START_TEST(address_idn)
{
	ACCEPT(validate_address("info@例え.テスト"));
	ACCEPT(validate_address("info@bücher.example"));
	ACCEPT(validate_address("info@Bücher.Example"));
	ACCEPT(validate_address("info@xn--bcher-kva.example"));
	ACCEPT(validate_address("info@ショップ.example.jp"));
	REFUSE(validate_address("info@xn--zz.example"), "xn--zz");
	REFUSE(validate_address("info@☃.example"), "cannot use");
	REFUSE(validate_address("info@ｅｘａｍｐｌｅ.com"), "full-width");
	REFUSE(validate_address("info@例え。テスト"), "half-width '.'");
	REFUSE(validate_address("info@例え．テスト"), "half-width '.'");
	REFUSE(validate_address("info@-ü.example"), "'-ü'");
	REFUSE(validate_address("info@例え"), "the domain needs a dot");
	/* 57 ü are 63 bytes once converted (xn--tda + 56 a), 58 are 64 */
	char *u57 = repeat("ü", 57), *u58 = repeat("ü", 58), a[200];
	snprintf(a, sizeof a, "info@%s.example", u57);
	ACCEPT(validate_address(a));
	ACCEPT(validate_host(a + 5));
	snprintf(a, sizeof a, "info@%s.example", u58);
	REFUSE(validate_address(a), "too long once converted for DNS");
	REFUSE(validate_host(a + 5), "too long once converted for DNS");
	free(u57);
	free(u58);
}
END_TEST

START_TEST(address_local_length)
{
	char a[128];
	char *l64 = repeat("a", 64), *l65 = repeat("a", 65);
	snprintf(a, sizeof a, "%s@example.com", l64);
	ACCEPT(validate_address(a));
	snprintf(a, sizeof a, "%s@example.com", l65);
	REFUSE_EXACTLY(validate_address(a),
		       "the part before @ is 65 bytes long; at most 64 are allowed");
	free(l64);
	free(l65);
}
END_TEST

START_TEST(address_total_length)
{
	/* 64 + 1 + 63 + 1 + 63 + 1 + 61 = 254 */
	char *l = repeat("a", 64), *d63 = repeat("b", 63), *d61 = repeat("c", 61);
	char *d62 = repeat("c", 62);
	char a[300];
	snprintf(a, sizeof a, "%s@%s.%s.%s", l, d63, d63, d61);
	ck_assert_uint_eq(strlen(a), 254);
	ACCEPT(validate_address(a));
	snprintf(a, sizeof a, "%s@%s.%s.%s", l, d63, d63, d62);
	ck_assert_uint_eq(strlen(a), 255);
	REFUSE_EXACTLY(validate_address(a),
		       "the address is 255 bytes long; at most 254 are allowed");
	free(l);
	free(d63);
	free(d61);
	free(d62);
}
END_TEST

START_TEST(address_at_sign)
{
	REFUSE_EXACTLY(validate_address("support.example.com"),
		       "missing '@': write it as name@example.com");
	REFUSE(validate_address("a@b@example.com"), "exactly one '@'; this one has 2");
	REFUSE(validate_address("a@@example.com"), "exactly one '@'");
	REFUSE(validate_address("@example.com"), "the part before @ is empty");
	REFUSE(validate_address("a@"), "the part after @ is empty");
	REFUSE(validate_address("a＠example.com"), "half-width '@'");
	REFUSE(validate_address(""), "empty");
}
END_TEST

START_TEST(address_local_dots)
{
	REFUSE_EXACTLY(validate_address("a..b@example.com"),
		       "'..' is not allowed in the part before @");
	REFUSE(validate_address(".a@example.com"), "cannot start with '.'");
	REFUSE(validate_address("a.@example.com"), "cannot end with '.'");
	REFUSE(validate_address(".@example.com"), "'.'");
}
END_TEST

START_TEST(address_characters)
{
	REFUSE_EXACTLY(validate_address("a,b@example.com"),
		       "the character ',' is not allowed in an address; separate several "
		       "addresses only in the BCC field");
	REFUSE(validate_address("a@example.com,b@example.com"), "only in the BCC field");
	REFUSE(validate_address("a@example.com;b@example.com"), "';'");
	REFUSE(validate_address("a(b)@example.com"), "'('");
	REFUSE(validate_address("a\\b@example.com"), "'\\'");
	REFUSE(validate_address("a:b@example.com"), "':'");
	REFUSE(validate_address("ü@example.com"), "the character 'ü' is not allowed in the part before @");
	REFUSE(validate_address("山田@example.com"), "'山'");
	REFUSE(validate_address("a b@example.com"), "spaces");
	REFUSE(validate_address(" a@example.com"), "spaces");
	REFUSE(validate_address("a　b@example.com"), "U+3000");
	REFUSE(validate_address("a\t@example.com"), "U+0009");
	REFUSE(validate_address("a@example.com\n"), "U+000A");
	REFUSE(validate_address("a\x7f@example.com"), "U+007F");
	REFUSE(validate_address("a\xc2\x85@example.com"), "U+0085");
	REFUSE(validate_address("a\xff@example.com"), "UTF-8");
}
END_TEST

START_TEST(address_refused_forms)
{
	REFUSE(validate_address("\"john doe\"@example.com"), "quoted");
	REFUSE(validate_address("\"john\"@example.com"), "quoted");
	REFUSE(validate_address("john@[192.0.2.1]"), "IP address");
	REFUSE(validate_address("john@[IPv6:2001:db8::1]"), "IP address");
	REFUSE(validate_address("john@192.0.2.1"), "IP address");
	REFUSE(validate_address("Shop <shop@example.com>"), "without a name");
	REFUSE(validate_address("<shop@example.com>"), "< >");
}
END_TEST

START_TEST(address_domain)
{
	REFUSE_EXACTLY(validate_address("a@localhost"), "the domain needs a dot, e.g. example.com");
	REFUSE(validate_address("a@example..com"), "'..'");
	REFUSE(validate_address("a@.example.com"), "cannot start with '.'");
	REFUSE(validate_address("a@example.com."), "remove the trailing dot");
	REFUSE(validate_address("a@-example.com"), "'-example'");
	REFUSE(validate_address("a@example-.com"), "'example-'");
	REFUSE(validate_address("a@exa_mple.com"), "'_'");
	REFUSE(validate_address("a@exa!mple.com"), "'!'");
	REFUSE(validate_address("a@example.123"), "all digits");
	char a[128];
	char *l63 = repeat("x", 63), *l64 = repeat("x", 64);
	snprintf(a, sizeof a, "a@%s.com", l63);
	ACCEPT(validate_address(a));
	snprintf(a, sizeof a, "a@%s.com", l64);
	REFUSE(validate_address(a), "64 bytes long; a part between dots may have at most 63");
	free(l63);
	free(l64);
}
END_TEST

/* -------------------------------------------------------- address list */

START_TEST(list_accepts)
{
	ACCEPT(validate_address_list(""));
	ACCEPT(validate_address_list("a@example.com"));
	ACCEPT(validate_address_list("support@example.com,support@example.net,support@example.org"));
	ACCEPT(validate_address_list("a@example.com , b@example.net"));
	ACCEPT(validate_address_list(" \ta@example.com\t "));
	ACCEPT(validate_address_list("a@example.com,,b@example.net,"));
	ACCEPT(validate_address_list(",a@example.com"));
	ACCEPT(validate_address_list(","));
	ACCEPT(validate_address_list(" , ,"));
	ACCEPT(validate_address_list("a@example.com,\nb@example.net,\nc@例え.テスト"));
	ACCEPT(validate_address_list("a@example.com\nb@example.net"));
}
END_TEST

START_TEST(list_refuses)
{
	REFUSE(validate_address_list("foo@"), "address 1 (foo@): ");
	REFUSE(validate_address_list("a@example.com,b@example.com,foo@"),
	       "address 3 (foo@): the part after @ is empty");
	/* empty items are not counted */
	REFUSE(validate_address_list(",,a@example.com,, foo ,"), "address 2 (foo): missing '@'");
	REFUSE(validate_address_list("a@example.com\nbad"), "address 2 (bad)");
	REFUSE(validate_address_list("a@example.com;b@example.com"), "separate addresses with ','");
	REFUSE(validate_address_list("a@example.com b@example.com"), "separate addresses with ','");
	/* the separators of Japanese text */
	REFUSE(validate_address_list("a@example.com、b@example.com"),
	       "'、' is a full-width separator; separate addresses with the half-width comma ','");
	REFUSE(validate_address_list("a@example.com，b@example.com"),
	       "'，' is a full-width separator; separate addresses with the half-width comma ','");
	REFUSE(validate_address_list("a@example.com；b@example.com"),
	       "'；' is a full-width separator; separate addresses with the half-width comma ','");
	REFUSE(validate_address_list("a@example.com, b@example.com、"),
	       "address 2 (b@example.com、): '、' is a full-width separator");
	/* one address: several go only in the BCC field */
	REFUSE(validate_address("a@example.com、b@example.com"),
	       "'、' is not allowed in an address; several addresses go only in the BCC field, "
	       "separated with the half-width comma ','");
	/* a control character is named, never printed */
	char *m = validate_address_list("x\ay@example.com");
	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_nonnull(strstr(m, "<U+0007>"));
	ck_assert_ptr_null(strchr(m, '\a'));
	free(m);
}
END_TEST

/* -------------------------------------------------------- display name */

START_TEST(name_accepts)
{
	ACCEPT(validate_display_name(""));
	ACCEPT(validate_display_name("ecforceお客様窓口"));
	ACCEPT(validate_display_name("Shop Support"));
	ACCEPT(validate_display_name("ecforce　お客様窓口"));
	ACCEPT(validate_display_name("（）＜＞［］：；＠＼，．＂"));
	ACCEPT(validate_display_name("O'Brien & Sons - shop!"));
	ACCEPT(validate_display_name("ショップ🛒"));
}
END_TEST

START_TEST(nameserver_fullwidth)
{
	REFUSE(validate_nameserver("１２７．０．０．１"),
	       "is written with full-width characters; type it in half-width: 127.0.0.1");
	REFUSE(validate_nameserver("127.0.0.1：５３５３"), "half-width: 127.0.0.1:5353");
	REFUSE(validate_selectors("google、default"),
	       "'、' is a full-width separator; separate selectors with the half-width comma ','");
}
END_TEST

START_TEST(nameserver_v4_v6)
{
	ACCEPT(validate_nameserver("127.0.0.1"));
	ACCEPT(validate_nameserver("127.0.0.1:5353"));
	ACCEPT(validate_nameserver("::1"));
	ACCEPT(validate_nameserver("2001:db8::53"));
	ACCEPT(validate_nameserver("[::1]:5353"));
	ACCEPT(validate_nameserver("[2001:db8::53]"));
	REFUSE(validate_nameserver("dns.example.com"), "IPv4 or IPv6");
	REFUSE(validate_nameserver("[::1]x"), "IPv4 or IPv6");
	REFUSE(validate_nameserver("[::1"), "IPv4 or IPv6");
	REFUSE(validate_nameserver("300.1.1.1"), "IPv4 or IPv6");
	REFUSE(validate_nameserver("[::1]:0"), "1 to 65535");
	REFUSE(validate_nameserver("127.0.0.1:70000"), "1 to 65535");
}
END_TEST

START_TEST(name_length)
{
	/* 64 characters, and what fits on the line: 58 full-width ones */
	char *j64 = repeat("あ", 64), *j65 = repeat("あ", 65);
	char *a64 = repeat("a", 64), *a65 = repeat("a", 65);
	char *j58 = repeat("あ", 58), *j59 = repeat("あ", 59);
	ACCEPT(validate_display_name(j58));
	REFUSE_EXACTLY(validate_display_name(j59),
		       "the name is 177 bytes long in UTF-8; at most 176 bytes fit on its line in "
		       "the file, which is 58 full-width characters such as Japanese");
	REFUSE(validate_display_name(j64), "at most 176 bytes");
	REFUSE_EXACTLY(validate_display_name(j65),
		       "the name is 65 characters long; at most 64 are allowed (58 if they are "
		       "full-width, such as Japanese)");
	free(j58);
	free(j59);
	ACCEPT(validate_display_name(a64));
	REFUSE(validate_display_name(a65), "65 characters");
	free(j64);
	free(j65);
	free(a64);
	free(a65);
}
END_TEST

static const struct {
	char c;
	const char *fullwidth;
} specials[] = {
	{ '(', "（" }, { ')', "）" }, { '<', "＜" }, { '>', "＞" }, { '[', "［" },
	{ ']', "］" }, { ':', "：" }, { ';', "；" }, { '@', "＠" }, { '\\', "＼" },
	{ ',', "，" }, { '.', "．" }, { '"', "＂" },
};

START_TEST(name_special)
{
	char name[32], want[32], fw[32];
	snprintf(name, sizeof name, "Shop%cX", specials[_i].c);
	snprintf(want, sizeof want, "character 5 '%c' is not allowed", specials[_i].c);
	snprintf(fw, sizeof fw, "(%s)", specials[_i].fullwidth);
	REFUSE(validate_display_name(name), want);
	REFUSE(validate_display_name(name), fw);
	/* the full-width form is fine */
	snprintf(name, sizeof name, "Shop%sX", specials[_i].fullwidth);
	ACCEPT(validate_display_name(name));
}
END_TEST

START_TEST(name_special_message)
{
	REFUSE_EXACTLY(validate_display_name("Shop;X"),
		       "character 5 ';' is not allowed: the half-width symbols ( ) < > [ ] : ; @ \\ , "
		       ". \" make every send fail; use the full-width form (；) or leave it out");
	/* positions count characters, not bytes */
	REFUSE(validate_display_name("お客様.窓口"), "character 4 '.'");
	REFUSE(validate_display_name("[ショップ]"), "character 1 '['");
}
END_TEST

static const char *const controls[] = {
	"\x01", "\t", "\n", "\r", "\x1b", "\x1f", "\x7f", "\xc2\x80", "\xc2\x9f",
};
static const char *const control_names[] = {
	"U+0001", "U+0009", "U+000A", "U+000D", "U+001B", "U+001F", "U+007F", "U+0080", "U+009F",
};

START_TEST(name_control)
{
	char name[32], want[32];
	snprintf(name, sizeof name, "お客様%s窓口", controls[_i]);
	snprintf(want, sizeof want, "character 4 (%s)", control_names[_i]);
	char *m = validate_display_name(name);
	ck_assert_ptr_nonnull(m);
	ck_assert_msg(strstr(m, want), "\"%s\" does not say \"%s\"", m, want);
	ck_assert_ptr_null(strstr(m, controls[_i]));
	free(m);
}
END_TEST

START_TEST(name_utf8)
{
	REFUSE_EXACTLY(validate_display_name("ab\xff"),
		       "character 3 is not valid UTF-8; retype the name");
	REFUSE(validate_display_name("\xc0\xaf"), "character 1 is not valid UTF-8");
	REFUSE(validate_display_name("あ\xed\xa0\x80"), "character 2 is not valid UTF-8");
	REFUSE(validate_display_name("あ\xe3\x81"), "character 2 is not valid UTF-8");
	/* U+00A0 and U+00AD are not control characters */
	ACCEPT(validate_display_name("a\xc2\xa0" "b"));
}
END_TEST

/* ---------------------------------------------------------------- host */

START_TEST(host_accepts)
{
	ACCEPT(validate_host("smtp.example.com"));
	ACCEPT(validate_host("SMTP.Example.COM"));
	ACCEPT(validate_host("localhost"));
	ACCEPT(validate_host("mail"));
	ACCEPT(validate_host("sv1234.xserver.jp"));
	ACCEPT(validate_host("smtp-relay.gmail.com"));
	ACCEPT(validate_host("1smtp.example.com"));
	ACCEPT(validate_host("例え.テスト"));
	ACCEPT(validate_host("bücher.example"));
	ACCEPT(validate_host("メール"));
}
END_TEST

START_TEST(host_ip)
{
	ACCEPT(validate_host("127.0.0.1"));
	ACCEPT(validate_host("192.0.2.1"));
	ACCEPT(validate_host("::1"));
	ACCEPT(validate_host("[::1]"));
	ACCEPT(validate_host("2001:db8::25"));
	ACCEPT(validate_host("[2001:DB8::25]"));
	ACCEPT(validate_host("::ffff:192.0.2.1"));
	/* a template's ◯ left in: the part is named by where it is */
	REFUSE(validate_host("sv\xE2\x97\xAF\xE2\x97\xAF\xE2\x97\xAF.xserver.jp"),
	       "in place of \xE2\x97\xAF\xE2\x97\xAF\xE2\x97\xAF in "
	       "sv\xE2\x97\xAF\xE2\x97\xAF\xE2\x97\xAF.xserver.jp");
	REFUSE(validate_host("\xE2\x97\xAF.example.com"),
	       "in place of \xE2\x97\xAF in \xE2\x97\xAF.example.com");
	REFUSE(validate_host("1.2.3.999"), "not a valid IPv4 address");
	REFUSE(validate_host("1.2.3"), "not a valid IPv4 address");
	REFUSE(validate_host("12345"), "not a valid IPv4 address");
	REFUSE(validate_host("::g"), "not a valid IPv6 address");
	REFUSE(validate_host("fe80::1%eth0"), "not a valid IPv6 address");
	REFUSE(validate_host("[::1"), "closing ']'");
	REFUSE(validate_host("[::1]x"), "nothing may follow");
	REFUSE(validate_host("[smtp.example.com]"), "not a valid IPv6 address");
	REFUSE(validate_host("[192.0.2.1]"), "brackets are only for IPv6");
	REFUSE(validate_host("smtp.123"), "all digits");
}
END_TEST

START_TEST(host_scheme_port)
{
	REFUSE_EXACTLY(validate_host("smtp://smtp.example.com"),
		       "write only the server name, without smtp://");
	REFUSE(validate_host("smtps://smtp.example.com:465/"), "without smtps://");
	REFUSE(validate_host("smtp.example.com:587"), "put the port (587) in the Port field");
	REFUSE(validate_host("[::1]:2525"), "put the port (2525) in the Port field");
	REFUSE(validate_host("smtp.example.com:"), "remove the ':'");
	REFUSE(validate_host("smtp.example.com/"), "'/'");
	REFUSE(validate_host("user@example.com"), "mail address");
}
END_TEST

START_TEST(host_names)
{
	REFUSE_EXACTLY(validate_host(""), "enter the server name, e.g. smtp.example.com");
	REFUSE(validate_host("smtp.example.com."), "remove the trailing dot");
	REFUSE(validate_host("smtp example.com"), "spaces");
	REFUSE(validate_host(" smtp.example.com"), "spaces");
	REFUSE(validate_host("smtp.example.com\t"), "U+0009");
	REFUSE(validate_host("smtp　example.com"), "U+3000");
	REFUSE(validate_host("smtp_relay.example.com"), "'_'");
	REFUSE(validate_host("-smtp.example.com"), "'-smtp'");
	REFUSE(validate_host("smtp-.example.com"), "'smtp-'");
	REFUSE(validate_host("smtp..example.com"), "'..'");
	REFUSE(validate_host(".example.com"), "cannot start with '.'");
	REFUSE(validate_host("☃.example"), "cannot use");
	REFUSE(validate_host("ｓｍｔｐ.example.com"), "full-width");
	REFUSE(validate_host("xn--zz.example"), "xn--zz");
	REFUSE(validate_host("smtp\xff.example"), "UTF-8");
}
END_TEST

START_TEST(host_lengths)
{
	char *l63 = repeat("a", 63), *l64 = repeat("a", 64), *l61 = repeat("c", 61);
	char *l62 = repeat("c", 62);
	char h[300];
	ACCEPT(validate_host(l63));
	REFUSE(validate_host(l64), "at most 63");
	/* 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253 */
	snprintf(h, sizeof h, "%s.%s.%s.%s", l63, l63, l63, l61);
	ck_assert_uint_eq(strlen(h), 253);
	ACCEPT(validate_host(h));
	snprintf(h, sizeof h, "%s.%s.%s.%s", l63, l63, l63, l62);
	REFUSE(validate_host(h), "254 bytes long; at most 253");
	free(l63);
	free(l64);
	free(l61);
	free(l62);
}
END_TEST

/* ---------------------------------------------------------------- port */

START_TEST(port_rule)
{
	ACCEPT(validate_port("1"));
	ACCEPT(validate_port("25"));
	ACCEPT(validate_port("465"));
	ACCEPT(validate_port("587"));
	ACCEPT(validate_port("65535"));
	REFUSE(validate_port("0"), "0 is out of range");
	REFUSE(validate_port("65536"), "65536 is out of range");
	REFUSE(validate_port("99999999999999999999999"), "out of range");
	REFUSE(validate_port("58a"), "'58a' is not a number");
	REFUSE(validate_port(""), "1 to 65535");
	REFUSE(validate_port(" 587"), "not a number");
	REFUSE(validate_port("-1"), "not a number");
	REFUSE(validate_port("+587"), "not a number");
	/* full-width digits: typed with the Japanese input on */
	REFUSE_EXACTLY(validate_port("５８７"),
		       "'５８７' is written with full-width digits; type the port in half-width "
		       "digits: 587");
	REFUSE(validate_port("5８7"), "half-width digits: 587");
	REFUSE(validate_port("４６５ "), "not a number");
	REFUSE(validate_port("７０００００"), "half-width digits: 700000");
	REFUSE(validate_port("５８ａ"), "not a number");
	REFUSE(validate_port("0587"), "leading zeros");
}
END_TEST

/* -------------------------------------------------------------- choice */

static const char *const auths[] = { "plain", "login", "cram-md5", "none", NULL };

START_TEST(choice_rule)
{
	ACCEPT(validate_choice("plain", auths));
	ACCEPT(validate_choice("PLAIN", auths));
	ACCEPT(validate_choice("Cram-MD5", auths));
	ACCEPT(validate_choice("none", auths));
	REFUSE_EXACTLY(validate_choice("xoauth2", auths),
		       "'xoauth2' is not allowed; choose one of: plain, login, cram-md5, none");
	REFUSE(validate_choice("", auths), "choose one of: plain, login, cram-md5, none");
	REFUSE(validate_choice("plain ", auths), "choose one of");
	REFUSE(validate_choice("plai", auths), "choose one of");
}
END_TEST

/* --------------------------------------------------------------- field */

START_TEST(field_required)
{
	REFUSE(validate_field(F_CONTACT_EMAIL, ""), "required: ");
	REFUSE(validate_field(F_SYSTEM_EMAIL, ""), "required: ");
	REFUSE(validate_field(F_HOST, ""), "required: ");
	ACCEPT(validate_field(F_SENDER_NAME, ""));
	ACCEPT(validate_field(F_BCC, ""));
	ACCEPT(validate_field(F_CA_FILE, ""));
	/* required only while auth is not none: a rule between fields */
	ACCEPT(validate_field(F_USERNAME, ""));
}
END_TEST

START_TEST(field_dispatch)
{
	ACCEPT(validate_field(F_CONTACT_EMAIL, "support@example.com"));
	REFUSE(validate_field(F_CONTACT_EMAIL, "support"), "missing '@'");
	REFUSE(validate_field(F_SYSTEM_EMAIL, "a,b@example.com"), "only in the BCC field");
	ACCEPT(validate_field(F_SENDER_NAME, "ecforceお客様窓口"));
	REFUSE(validate_field(F_SENDER_NAME, "a;b"), "character 2 ';'");
	REFUSE(validate_field(F_BCC, "a@example.com,x"), "address 2 (x)");
	ACCEPT(validate_field(F_HOST, "smtp.example.com"));
	REFUSE(validate_field(F_HOST, "smtp.example.com:587"), "Port field");
	ACCEPT(validate_field(F_PORT, "587"));
	REFUSE(validate_field(F_PORT, "0"), "out of range");
	ACCEPT(validate_field(F_AUTH, "PLAIN"));
	REFUSE(validate_field(F_AUTH, "xoauth2"), "plain, login, cram-md5, none");
	ACCEPT(validate_field(F_TLS, "off"));
	REFUSE(validate_field(F_TLS, "yes"), "on, off");
	ACCEPT(validate_field(F_NOTIFY_PRIORITY, "sms"));
	REFUSE(validate_field(F_NOTIFY_PRIORITY, "fax"), "email, sms");
	ACCEPT(validate_field(F_SMS_AUTH, "on"));
	REFUSE(validate_field(F_TWILIO, "1"), "on, off");
}
END_TEST

START_TEST(field_text)
{
	ACCEPT(validate_field(F_USERNAME, "user@example.com"));
	ACCEPT(validate_field(F_USERNAME, "ユーザー"));
	REFUSE(validate_field(F_USERNAME, "user\tname"), "character 5 (U+0009)");
	REFUSE(validate_field(F_USERNAME, "user\xff"), "UTF-8");
	ACCEPT(validate_field(F_CA_FILE, "/etc/ssl/private-ca.pem"));
	REFUSE(validate_field(F_CA_FILE, "/etc/ssl/ca\n.pem"), "U+000A");
	ACCEPT(validate_field(F_PASSWORD, "s3cret pass!"));
}
END_TEST

START_TEST(field_secret_not_shown)
{
	char *m = validate_field(F_PASSWORD, "hunter2\x01zz");
	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_nonnull(strstr(m, "control character"));
	ck_assert_ptr_null(strstr(m, "hunter"));
	ck_assert_ptr_null(strstr(m, "U+0001"));
	ck_assert_ptr_null(strstr(m, "character 8"));
	free(m);
	m = validate_field(F_PASSWORD, "hunter2\xff");
	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_null(strstr(m, "hunter"));
	free(m);
}
END_TEST

/* The INI reader's limits come after the kind's own rule, with its words. */
static void expect_ini_reason(enum field_id id, const char *value, bool wrap)
{
	const char *why = inifile_value_problem(settings_fields[id].key, value, wrap);
	ck_assert_msg(why != NULL, "inifile accepts \"%s\"", value);
	char *m = validate_field(id, value);
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(m, why);
	free(m);
}

START_TEST(field_inifile)
{
	expect_ini_reason(F_SENDER_NAME, " Shop", false);
	expect_ini_reason(F_SENDER_NAME, "Shop ", false);
	expect_ini_reason(F_PASSWORD, " pw", false);
	expect_ini_reason(F_PASSWORD, "pw ;x", false);
	expect_ini_reason(F_USERNAME, ";user", false);
	/* The name's own rule knows the line: 58 Japanese characters fit
	 * after "system_sender_name = ", 59 do not. */
	char *j58 = repeat("あ", 58), *j59 = repeat("あ", 59);
	ACCEPT(validate_field(F_SENDER_NAME, j58));
	ck_assert_ptr_nonnull(inifile_value_problem("system_sender_name", j59, false));
	ck_assert_ptr_null(inifile_value_problem("system_sender_name", j58, false));
	REFUSE(validate_field(F_SENDER_NAME, j59), "at most 176 bytes");
	free(j58);
	free(j59);
	char *j40 = repeat("あ", 40);
	ACCEPT(validate_field(F_SENDER_NAME, j40));
	free(j40);
	/* the kind's rule speaks first */
	REFUSE(validate_field(F_SENDER_NAME, "Shop ;x"), "character 6 ';'");
	REFUSE(validate_field(F_CONTACT_EMAIL, " a@example.com"), "spaces");
}
END_TEST

START_TEST(field_bcc_forms)
{
	/* as typed, and as read back from continuation lines */
	ACCEPT(validate_field(F_BCC, " a@example.com , b@example.net "));
	ACCEPT(validate_field(F_BCC, "a@example.com,\nb@example.net,\nc@example.org"));
	/* a long list is written over continuation lines: fine */
	struct strbuf sb = { 0 };
	for (int i = 0; i < 30; i++)
		sb_addf(&sb, "%scustomer-support-%02d@example.com", i ? "," : "", i);
	ck_assert_uint_gt(sb.len, INI_LINE_MAX);
	ACCEPT(validate_field(F_BCC, sb.buf));
	sb_free(&sb);
}
END_TEST

/* ----------------------------------------------------------- normalise */

static void expect_norm(enum field_id id, const char *in, int app_len, const char *want)
{
	char *r = validate_normalize(id, in, app_len);
	ck_assert_ptr_nonnull(r);
	ck_assert_msg(!strcmp(r, want), "normalise(%s, \"%s\", %d) = \"%s\", want \"%s\"",
		      settings_field_name(id), in, app_len, r, want);
	free(r);
}

START_TEST(normalize_list)
{
	expect_norm(F_BCC, " a@example.com ,b@example.net,, \n  c@example.org ,", 0,
		    "a@example.com,b@example.net,c@example.org");
	expect_norm(F_BCC, "a@example.com", 0, "a@example.com");
	expect_norm(F_BCC, "\ta@example.com\t,\tb@example.com", 0, "a@example.com,b@example.com");
	expect_norm(F_BCC, "", 0, "");
	expect_norm(F_BCC, " , ,\n", 0, "");
}
END_TEST

START_TEST(normalize_trim_and_case)
{
	expect_norm(F_AUTH, "PLAIN", 0, "plain");
	expect_norm(F_AUTH, "Cram-MD5", 0, "cram-md5");
	expect_norm(F_TLS, "ON", 0, "on");
	expect_norm(F_NOTIFY_PRIORITY, "SMS", 0, "sms");
	expect_norm(F_CONTACT_EMAIL, "  a@example.com\t", 0, "a@example.com");
	expect_norm(F_SYSTEM_EMAIL, "a@example.com", 0, "a@example.com");
	expect_norm(F_HOST, " smtp.example.com ", 0, "smtp.example.com");
	expect_norm(F_PORT, " 587 ", 0, "587");
	/* everything else is kept as typed */
	expect_norm(F_SENDER_NAME, " Shop ", 0, " Shop ");
	expect_norm(F_USERNAME, "User ", 0, "User ");
	expect_norm(F_CA_FILE, " /x ", 0, " /x ");
	expect_norm(F_PASSWORD, " pw ", 0, " pw ");
	/* the address itself is not lower-cased */
	expect_norm(F_CONTACT_EMAIL, "Support@Example.com", 0, "Support@Example.com");
}
END_TEST

START_TEST(normalize_app_password)
{
	expect_norm(F_PASSWORD, "abcd efgh ijkl mnop", 16, "abcdefghijklmnop");
	expect_norm(F_PASSWORD, "abcd\xc2\xa0" "efgh\xc2\xa0ijkl\xc2\xa0mnop", 16, "abcdefghijklmnop");
	expect_norm(F_PASSWORD, "abcd efgh\xc2\xa0ijkl mnop", 16, "abcdefghijklmnop");
	expect_norm(F_PASSWORD, "abcdefghijklmnop", 16, "abcdefghijklmnop");
	expect_norm(F_PASSWORD, "abcd efgh", 8, "abcdefgh");
	/* not exactly the length asked for: kept */
	expect_norm(F_PASSWORD, "abcd efgh ijkl mno", 16, "abcd efgh ijkl mno");
	expect_norm(F_PASSWORD, "abcd efgh ijkl mnopq", 16, "abcd efgh ijkl mnopq");
	/* not single separators between groups: kept */
	expect_norm(F_PASSWORD, "abcd  efgh ijkl mnop", 16, "abcd  efgh ijkl mnop");
	expect_norm(F_PASSWORD, " abcdefgh ijkl mnop", 16, " abcdefgh ijkl mnop");
	expect_norm(F_PASSWORD, "abcdefgh ijkl mnop ", 16, "abcdefgh ijkl mnop ");
	/* no app password wanted: kept */
	expect_norm(F_PASSWORD, "abcd efgh ijkl mnop", 0, "abcd efgh ijkl mnop");
	/* only the secret field is touched */
	expect_norm(F_USERNAME, "abcd efgh ijkl mnop", 16, "abcd efgh ijkl mnop");
}
END_TEST

/* ------------------------------------------------------ between fields */

static void good_settings(struct settings *s)
{
	memset(s, 0, sizeof *s);
	settings_set(s, F_CONTACT_EMAIL, "support@example.com");
	settings_set(s, F_SYSTEM_EMAIL, "noreply@example.com");
	settings_set(s, F_SENDER_NAME, "ecforceお客様窓口");
	settings_set(s, F_HOST, "smtp.example.com");
	settings_set(s, F_USERNAME, "noreply@example.com");
	settings_set(s, F_PASSWORD, "secret");
}

static size_t count(const struct problems *p, enum field_id f, enum severity sev)
{
	size_t n = 0;
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].field == f && p->v[i].sev == sev)
			n++;
	return n;
}

static const char *find_msg(const struct problems *p, enum field_id f, enum severity sev)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].field == f && p->v[i].sev == sev)
			return p->v[i].msg;
	return NULL;
}

START_TEST(all_clean)
{
	struct settings s;
	good_settings(&s);
	struct problems p = { 0 };
	validate_all(&s, &p);
	ck_assert_msg(p.n == 0, "%zu problems, first: %s", p.n, p.n ? p.v[0].msg : "");
	ck_assert_uint_eq(problems_errors(&p), 0);
	problems_free(&p);
	settings_free(&s);
}
END_TEST

START_TEST(all_empty)
{
	struct settings s = { 0 };
	struct problems p = { 0 };
	validate_all(&s, &p);
	ck_assert_uint_eq(count(&p, F_CONTACT_EMAIL, SEV_ERROR), 1);
	ck_assert_uint_eq(count(&p, F_SYSTEM_EMAIL, SEV_ERROR), 1);
	ck_assert_uint_eq(count(&p, F_HOST, SEV_ERROR), 1);
	ck_assert_uint_eq(count(&p, F_USERNAME, SEV_ERROR), 1);
	ck_assert_uint_eq(count(&p, F_PASSWORD, SEV_WARNING), 1);
	ck_assert_uint_eq(problems_errors(&p), 4);
	ck_assert_uint_eq(p.n, 5);
	problems_free(&p);
	ck_assert_uint_eq(p.n, 0);
	ck_assert_ptr_null(p.v);
}
END_TEST

START_TEST(all_username_rule)
{
	struct settings s;
	good_settings(&s);
	settings_set(&s, F_USERNAME, "");
	struct problems p = { 0 };
	validate_all(&s, &p);
	ck_assert_uint_eq(p.n, 1);
	ck_assert_uint_eq(count(&p, F_USERNAME, SEV_ERROR), 1);
	ck_assert_ptr_nonnull(strstr(find_msg(&p, F_USERNAME, SEV_ERROR), "none"));
	problems_free(&p);

	const char *auths_ok[] = { "none", "NONE" };
	for (size_t i = 0; i < 2; i++) {
		settings_set(&s, F_AUTH, auths_ok[i]);
		validate_all(&s, &p);
		ck_assert_uint_eq(p.n, 0);
		problems_free(&p);
	}
	const char *auths_need[] = { "plain", "login", "cram-md5" };
	for (size_t i = 0; i < 3; i++) {
		settings_set(&s, F_AUTH, auths_need[i]);
		validate_all(&s, &p);
		ck_assert_uint_eq(count(&p, F_USERNAME, SEV_ERROR), 1);
		problems_free(&p);
	}
	settings_free(&s);
}
END_TEST

START_TEST(all_password_rule)
{
	struct settings s;
	good_settings(&s);
	settings_set(&s, F_PASSWORD, "");
	struct problems p = { 0 };
	/* auth is plain by default: a login without a password fails */
	validate_all(&s, &p);
	ck_assert_uint_eq(p.n, 1);
	ck_assert_uint_eq(problems_errors(&p), 0);
	ck_assert_str_eq(find_msg(&p, F_PASSWORD, SEV_WARNING),
			 "empty, while the authentication method is plain: the server will refuse "
			 "the login; enter the password, or set the authentication method to none "
			 "if the server needs no login");
	problems_free(&p);
	const char *need[] = { "plain", "LOGIN", "cram-md5" };
	for (size_t i = 0; i < 3; i++) {
		settings_set(&s, F_AUTH, need[i]);
		validate_all(&s, &p);
		ck_assert_uint_eq(count(&p, F_PASSWORD, SEV_WARNING), 1);
		problems_free(&p);
		/* changing the method or the password brings it; the host does not */
		validate_one(&s, F_AUTH, &p);
		ck_assert_uint_eq(count(&p, F_PASSWORD, SEV_WARNING), 1);
		problems_free(&p);
		validate_one(&s, F_PASSWORD, &p);
		ck_assert_uint_eq(count(&p, F_PASSWORD, SEV_WARNING), 1);
		problems_free(&p);
		validate_one(&s, F_HOST, &p);
		ck_assert_uint_eq(p.n, 0);
		problems_free(&p);
	}
	settings_set(&s, F_AUTH, "none");
	validate_all(&s, &p);
	ck_assert_uint_eq(p.n, 0);
	problems_free(&p);
	settings_set(&s, F_AUTH, "plain");
	settings_set(&s, F_PASSWORD, "secret");
	validate_all(&s, &p);
	ck_assert_uint_eq(p.n, 0);
	problems_free(&p);
	settings_free(&s);
}
END_TEST

START_TEST(all_bcc_rules)
{
	struct settings s;
	good_settings(&s);
	struct problems p = { 0 };
	settings_set(&s, F_BCC, "a@example.com, b@example.com,\nA@Example.com,a@example.com");
	validate_all(&s, &p);
	ck_assert_uint_eq(problems_errors(&p), 0);
	ck_assert_uint_eq(count(&p, F_BCC, SEV_WARNING), 1);
	ck_assert_ptr_nonnull(strstr(find_msg(&p, F_BCC, SEV_WARNING), "A@Example.com"));
	ck_assert_ptr_nonnull(strstr(find_msg(&p, F_BCC, SEV_WARNING), "more than once"));
	problems_free(&p);

	settings_set(&s, F_BCC, "crm@example.net,Support@example.com");
	validate_all(&s, &p);
	ck_assert_uint_eq(p.n, 1);
	ck_assert_uint_eq(count(&p, F_BCC, SEV_WARNING), 1);
	ck_assert_ptr_nonnull(strstr(p.v[0].msg, "Support@example.com"));
	ck_assert_ptr_nonnull(strstr(p.v[0].msg, "twice"));
	problems_free(&p);

	/* the same IDN domain written two ways is the same address */
	settings_set(&s, F_BCC, "a@bücher.example,a@xn--bcher-kva.example");
	validate_all(&s, &p);
	ck_assert_uint_eq(count(&p, F_BCC, SEV_WARNING), 1);
	problems_free(&p);

	settings_set(&s, F_BCC, "crm@example.net,log@example.org");
	validate_all(&s, &p);
	ck_assert_uint_eq(p.n, 0);
	problems_free(&p);
	settings_free(&s);
}
END_TEST

START_TEST(all_tls_off)
{
	struct settings s;
	good_settings(&s);
	struct problems p = { 0 };
	settings_set(&s, F_TLS, "off");
	validate_all(&s, &p);
	ck_assert_uint_eq(p.n, 1);
	ck_assert_uint_eq(count(&p, F_TLS, SEV_WARNING), 1);
	ck_assert_ptr_nonnull(strstr(p.v[0].msg, "recommended"));
	ck_assert_uint_eq(problems_errors(&p), 0);
	problems_free(&p);
	settings_set(&s, F_TLS, "OFF");
	validate_all(&s, &p);
	ck_assert_uint_eq(count(&p, F_TLS, SEV_WARNING), 1);
	problems_free(&p);
	settings_set(&s, F_TLS, "on");
	validate_all(&s, &p);
	ck_assert_uint_eq(p.n, 0);
	problems_free(&p);
	settings_free(&s);
}
END_TEST

START_TEST(all_hidden_skipped)
{
	struct settings s;
	good_settings(&s);
	struct problems p = { 0 };
	settings_set(&s, F_NOTIFY_PRIORITY, "fax");
	validate_all(&s, &p);
	ck_assert_uint_eq(p.n, 0);
	problems_free(&p);
	settings_set(&s, F_SMS_AUTH, "on");
	settings_set(&s, F_TWILIO, "on");
	validate_all(&s, &p);
	ck_assert_uint_eq(p.n, 1);
	ck_assert_uint_eq(count(&p, F_NOTIFY_PRIORITY, SEV_ERROR), 1);
	problems_free(&p);
	settings_free(&s);
}
END_TEST

START_TEST(all_appends)
{
	struct settings s = { 0 };
	struct problems p = { 0 };
	validate_all(&s, &p);
	size_t n = p.n, errors = problems_errors(&p);
	validate_all(&s, &p);
	ck_assert_uint_eq(p.n, 2 * n);
	ck_assert_uint_eq(problems_errors(&p), 2 * errors);
	problems_free(&p);
}
END_TEST

START_TEST(one_field)
{
	struct settings s = { 0 };
	struct problems p = { 0 };
	settings_set(&s, F_HOST, "smtp.example.com:587");
	settings_set(&s, F_PORT, "0");
	validate_one(&s, F_HOST, &p);
	ck_assert_uint_eq(p.n, 1);
	ck_assert_int_eq(p.v[0].field, F_HOST);
	ck_assert_int_eq(p.v[0].sev, SEV_ERROR);
	problems_free(&p);
	validate_one(&s, F_PORT, &p);
	ck_assert_uint_eq(p.n, 1);
	ck_assert_int_eq(p.v[0].field, F_PORT);
	problems_free(&p);
	validate_one(&s, F_SENDER_NAME, &p);
	ck_assert_uint_eq(p.n, 0);
	problems_free(&p);
	settings_free(&s);
}
END_TEST

START_TEST(one_username_rule)
{
	struct settings s;
	good_settings(&s);
	settings_set(&s, F_USERNAME, "");
	struct problems p = { 0 };
	validate_one(&s, F_USERNAME, &p);
	ck_assert_uint_eq(p.n, 1);
	ck_assert_uint_eq(count(&p, F_USERNAME, SEV_ERROR), 1);
	problems_free(&p);
	/* changing auth brings the rule back, reported on the user name */
	validate_one(&s, F_AUTH, &p);
	ck_assert_uint_eq(p.n, 1);
	ck_assert_uint_eq(count(&p, F_USERNAME, SEV_ERROR), 1);
	problems_free(&p);
	settings_set(&s, F_AUTH, "none");
	validate_one(&s, F_AUTH, &p);
	ck_assert_uint_eq(p.n, 0);
	problems_free(&p);
	settings_set(&s, F_AUTH, "bogus");
	validate_one(&s, F_AUTH, &p);
	ck_assert_uint_eq(count(&p, F_AUTH, SEV_ERROR), 1);
	ck_assert_uint_eq(count(&p, F_USERNAME, SEV_ERROR), 1);
	problems_free(&p);
	/* other fields do not bring it */
	validate_one(&s, F_HOST, &p);
	ck_assert_uint_eq(p.n, 0);
	problems_free(&p);
	settings_free(&s);
}
END_TEST

START_TEST(one_bcc_rules)
{
	struct settings s;
	good_settings(&s);
	settings_set(&s, F_BCC, "x@example.net,x@example.net,support@example.com");
	struct problems p = { 0 };
	validate_one(&s, F_BCC, &p);
	ck_assert_uint_eq(p.n, 2);
	ck_assert_uint_eq(count(&p, F_BCC, SEV_WARNING), 2);
	problems_free(&p);
	/* the contact address takes part in one of them */
	validate_one(&s, F_CONTACT_EMAIL, &p);
	ck_assert_uint_eq(p.n, 1);
	ck_assert_uint_eq(count(&p, F_BCC, SEV_WARNING), 1);
	ck_assert_ptr_nonnull(strstr(p.v[0].msg, "twice"));
	problems_free(&p);
	validate_one(&s, F_SYSTEM_EMAIL, &p);
	ck_assert_uint_eq(p.n, 0);
	problems_free(&p);
	settings_free(&s);
}
END_TEST

START_TEST(one_tls_and_hidden)
{
	struct settings s;
	good_settings(&s);
	settings_set(&s, F_TLS, "off");
	settings_set(&s, F_NOTIFY_PRIORITY, "fax");
	struct problems p = { 0 };
	validate_one(&s, F_TLS, &p);
	ck_assert_uint_eq(p.n, 1);
	ck_assert_uint_eq(count(&p, F_TLS, SEV_WARNING), 1);
	problems_free(&p);
	validate_one(&s, F_PORT, &p);
	ck_assert_uint_eq(p.n, 0);
	problems_free(&p);
	validate_one(&s, F_NOTIFY_PRIORITY, &p);
	ck_assert_uint_eq(p.n, 0);
	problems_free(&p);
	settings_free(&s);
}
END_TEST

/* ---------------------------------------------------------------- main */

static Suite *validate_suite(void)
{
	Suite *su = suite_create("validate");
	TCase *tc;

	tc = tcase_create("address");
	tcase_add_test(tc, address_accepts);
	tcase_add_test(tc, address_idn);
	tcase_add_test(tc, address_local_length);
	tcase_add_test(tc, address_total_length);
	tcase_add_test(tc, address_at_sign);
	tcase_add_test(tc, address_local_dots);
	tcase_add_test(tc, address_characters);
	tcase_add_test(tc, address_refused_forms);
	tcase_add_test(tc, address_domain);
	suite_add_tcase(su, tc);

	tc = tcase_create("address_list");
	tcase_add_test(tc, list_accepts);
	tcase_add_test(tc, list_refuses);
	suite_add_tcase(su, tc);

	tc = tcase_create("display_name");
	tcase_add_test(tc, name_accepts);
	tcase_add_test(tc, name_length);
	tcase_add_test(tc, nameserver_v4_v6);
	tcase_add_test(tc, nameserver_fullwidth);
	tcase_add_loop_test(tc, name_special, 0, (int)(sizeof specials / sizeof *specials));
	tcase_add_test(tc, name_special_message);
	tcase_add_loop_test(tc, name_control, 0, (int)(sizeof controls / sizeof *controls));
	tcase_add_test(tc, name_utf8);
	suite_add_tcase(su, tc);

	tc = tcase_create("host");
	tcase_add_test(tc, host_accepts);
	tcase_add_test(tc, host_ip);
	tcase_add_test(tc, host_scheme_port);
	tcase_add_test(tc, host_names);
	tcase_add_test(tc, host_lengths);
	suite_add_tcase(su, tc);

	tc = tcase_create("port_choice");
	tcase_add_test(tc, port_rule);
	tcase_add_test(tc, choice_rule);
	suite_add_tcase(su, tc);

	tc = tcase_create("field");
	tcase_add_test(tc, field_required);
	tcase_add_test(tc, field_dispatch);
	tcase_add_test(tc, field_text);
	tcase_add_test(tc, field_secret_not_shown);
	tcase_add_test(tc, field_inifile);
	tcase_add_test(tc, field_bcc_forms);
	suite_add_tcase(su, tc);

	tc = tcase_create("normalize");
	tcase_add_test(tc, normalize_list);
	tcase_add_test(tc, normalize_trim_and_case);
	tcase_add_test(tc, normalize_app_password);
	suite_add_tcase(su, tc);

	tc = tcase_create("between_fields");
	tcase_add_test(tc, all_clean);
	tcase_add_test(tc, all_empty);
	tcase_add_test(tc, all_username_rule);
	tcase_add_test(tc, all_password_rule);
	tcase_add_test(tc, all_bcc_rules);
	tcase_add_test(tc, all_tls_off);
	tcase_add_test(tc, all_hidden_skipped);
	tcase_add_test(tc, all_appends);
	tcase_add_test(tc, one_field);
	tcase_add_test(tc, one_username_rule);
	tcase_add_test(tc, one_bcc_rules);
	tcase_add_test(tc, one_tls_and_hidden);
	suite_add_tcase(su, tc);

	return su;
}

int main(void)
{
	/* The messages checked here are the English msgids. */
	setenv("LANGUAGE", "en", 1);
	setenv("LC_ALL", "C.UTF-8", 1);
	i18n_init();

	SRunner *sr = srunner_create(validate_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
