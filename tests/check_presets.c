/* SPDX-License-Identifier: MIT */
/* check_presets.c - the providers' rules (presets.c with the shipped
 * the preset files of share/mailset/presets): a host checked against its provider's
 * template (the ◯ part filled in with what the provider uses, nothing typed
 * twice, nothing cut short), Exchange Online refused everywhere with one
 * reason, an app password measured as it will be saved; and the preset
 * files themselves: every template's part described, every form matched by
 * the provider's patterns. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mailset/i18n.h"
#include "mailset/presets.h"
#include "mailset/settings.h"
#include "mailset/util.h"
#include "mailset/validate.h"

#define PH "\xE2\x97\xAF" /* ◯ */

static struct preset_list pl;

static void load(void)
{
	char *err;
	ck_assert_msg(presets_load_default(&pl, &err) == 0, "%s", err);
}

static void unload(void)
{
	presets_free(&pl);
}

/* The problem presets_host_problem() finds with host must contain want. */
#define HOST_REFUSED(host, want)                                                  \
	do {                                                                      \
		char *m_ = presets_host_problem(&pl, (host));                     \
		ck_assert_msg(m_ != NULL, "%s accepted", (host));                 \
		ck_assert_msg(strstr(m_, (want)) != NULL, "%s: \"%s\" does not say \"%s\"", \
			      (host), m_, (want));                                \
		free(m_);                                                         \
	} while (0)

#define HOST_ACCEPTED(host)                                                       \
	do {                                                                      \
		char *m_ = presets_host_problem(&pl, (host));                     \
		ck_assert_msg(m_ == NULL, "%s refused: %s", (host), m_);          \
	} while (0)

START_TEST(hosts_of_the_forms)
{
	HOST_ACCEPTED("sv12345.xserver.jp");
	HOST_ACCEPTED("SV1.XSERVER.JP");
	HOST_ACCEPTED("sv1234.xbiz.ne.jp");
	HOST_ACCEPTED("mail34.onamae.ne.jp");
	HOST_ACCEPTED("smtp19.gmoserver.jp");
	HOST_ACCEPTED("example.sakura.ne.jp");
	HOST_ACCEPTED("my-shop2.sakura.ne.jp");
	/* no template: nothing to say */
	HOST_ACCEPTED("smtp.gmail.com");
	HOST_ACCEPTED("smtp.lolipop.jp");
	HOST_ACCEPTED("smtp.example.com");
	HOST_ACCEPTED("mail.example.org");
	HOST_ACCEPTED("mail2.example.org");
	HOST_ACCEPTED("localhost");
	HOST_ACCEPTED("mail");
	HOST_ACCEPTED("smtp");
	HOST_ACCEPTED("127.0.0.1");
	HOST_ACCEPTED("::1");
	HOST_ACCEPTED("[::1]");
	HOST_ACCEPTED("");
}
END_TEST

START_TEST(part_left_empty)
{
	/* the template pasted without its ◯ part */
	HOST_REFUSED("mail.onamae.ne.jp",
		     "the server number is missing: type it in place of " PH PH PH
		     " in mail" PH PH PH ".onamae.ne.jp");
	HOST_REFUSED("smtp.gmoserver.jp", "in place of " PH PH " in smtp" PH PH ".gmoserver.jp");
	HOST_REFUSED("sv.xserver.jp", "the server number is missing");
	HOST_REFUSED("sv.xbiz.ne.jp", "in sv" PH PH PH ".xbiz.ne.jp");
}
END_TEST

START_TEST(part_left_as_template)
{
	HOST_REFUSED("sv" PH PH PH ".xserver.jp",
		     "type your server number (Xserver) in place of " PH PH PH);
	HOST_REFUSED("mail" PH PH PH ".onamae.ne.jp", "server number (Onamae.com)");
	HOST_REFUSED(PH PH PH ".sakura.ne.jp", "type your account name of the initial domain");
	/* half typed */
	HOST_REFUSED("sv12" PH ".xserver.jp", "in place of 12" PH);
}
END_TEST

START_TEST(literal_typed_twice)
{
	/* sv12345 typed over the ◯ part of sv◯◯◯ */
	HOST_REFUSED("svsv12345.xserver.jp", "'sv' is written twice; the server name is "
		     "sv12345.xserver.jp");
	HOST_REFUSED("svsv12345.xbiz.ne.jp", "the server name is sv12345.xbiz.ne.jp");
	HOST_REFUSED("mailmail3.onamae.ne.jp", "'mail' is written twice; the server name is "
		     "mail3.onamae.ne.jp");
	HOST_REFUSED("SVsv12345.xserver.jp", "the server name is SV12345.xserver.jp");
	/* the whole name typed over the part */
	HOST_REFUSED("sv12345.xserver.jp.xserver.jp",
		     "'.xserver.jp' is written twice; the server name is sv12345.xserver.jp");
	HOST_REFUSED("svsv1.xserver.jp.xserver.jp", "the server name is sv1.xserver.jp");
	/* twice, and then not a number either */
	HOST_REFUSED("svsvab.xserver.jp", "'sv' is written twice; type only your server number");
}
END_TEST

START_TEST(part_not_what_the_provider_uses)
{
	HOST_REFUSED("svabc.xserver.jp",
		     "the server number is digits only, not 'abc' (the server name has the form "
		     "sv" PH PH PH ".xserver.jp)");
	HOST_REFUSED("sv12a.xbiz.ne.jp", "not '12a'");
	HOST_REFUSED("mailbox.onamae.ne.jp", "digits only, not 'box'");
	HOST_REFUSED("sv123.mail.xserver.jp", "not '123.mail'");
	HOST_REFUSED("a.b.sakura.ne.jp",
		     "the account name of the initial domain is one word of letters, digits and "
		     "'-', not 'a.b'");
	HOST_REFUSED("-shop.sakura.ne.jp", "not '-shop'");
}
END_TEST

START_TEST(name_cut_short)
{
	HOST_REFUSED("sv1234", "the server name is incomplete; write it whole: "
		     "sv1234.xserver.jp or sv1234.xbiz.ne.jp");
	HOST_REFUSED("SV1234", "SV1234.xserver.jp");
	HOST_REFUSED("sv1234.xserver", "write it whole: sv1234.xserver.jp");
	HOST_REFUSED("sv1234.x", "sv1234.xserver.jp or sv1234.xbiz.ne.jp");
	HOST_REFUSED("mail12", "write it whole: mail12.onamae.ne.jp");
	HOST_REFUSED("smtp7", "write it whole: smtp7.gmoserver.jp");
	HOST_REFUSED("shop.sakura", "write it whole: shop.sakura.ne.jp");
	/* not the start of a form */
	HOST_ACCEPTED("sv1234.example.jp");
	HOST_ACCEPTED("shop.s");
	HOST_ACCEPTED("svabc");
}
END_TEST

static void host_problems(const char *host, struct problems *p)
{
	struct settings s = { { 0 } };
	settings_set(&s, F_CONTACT_EMAIL, "support@example.com");
	settings_set(&s, F_SYSTEM_EMAIL, "support@example.com");
	settings_set(&s, F_HOST, host);
	settings_set(&s, F_USERNAME, "support@example.com");
	settings_set(&s, F_PASSWORD, "secret");
	validate_all(&s, p);
	presets_check(&pl, &s, p);
	settings_free(&s);
}

static size_t host_errors(const struct problems *p, const char **msg)
{
	size_t n = 0;
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].field == F_HOST && p->v[i].sev == SEV_ERROR) {
			*msg = p->v[i].msg;
			n++;
		}
	return n;
}

START_TEST(one_error_per_host)
{
	struct problems p = { 0 };
	const char *m = NULL;
	/* the template's ◯: the provider's message replaces the general one */
	host_problems("sv" PH PH PH ".xserver.jp", &p);
	ck_assert_uint_eq(host_errors(&p, &m), 1);
	ck_assert_str_eq(m, "type your server number (Xserver) in place of " PH PH PH);
	problems_free(&p);
	/* a ◯ in no provider's name: the general message names the part */
	host_problems("smtp" PH PH ".example.com", &p);
	ck_assert_uint_eq(host_errors(&p, &m), 1);
	ck_assert_ptr_nonnull(strstr(m, "in place of " PH PH " in smtp" PH PH ".example.com"));
	problems_free(&p);
	/* the general rules refused it first: their message stays */
	host_problems("sv12 345.xserver.jp", &p);
	ck_assert_uint_eq(host_errors(&p, &m), 1);
	ck_assert_ptr_nonnull(strstr(m, "spaces"));
	problems_free(&p);
	/* valid names that break their provider's form */
	host_problems("svsv12345.xserver.jp", &p);
	ck_assert_uint_eq(host_errors(&p, &m), 1);
	ck_assert_uint_eq(problems_errors(&p), 1);
	problems_free(&p);
	host_problems("sv12345.xserver.jp", &p);
	ck_assert_uint_eq(p.n, 0);
	problems_free(&p);
}
END_TEST

START_TEST(exchange_online_refused)
{
	const struct preset *ex = presets_find(&pl, "exchange-online");
	ck_assert_ptr_nonnull(ex);
	ck_assert(!ex->supported);
	char *why = preset_refusal(ex);
	ck_assert_str_eq(why, "Microsoft Exchange Online cannot be used for the shop's SMTP "
			 "settings (the admin guide says so); use another mail server");
	const char *hosts[] = { "smtp.office365.com", "SMTP.Office365.COM" };
	for (size_t i = 0; i < 2; i++) {
		struct problems p = { 0 };
		const char *m = NULL;
		host_problems(hosts[i], &p);
		/* an error, as choosing the preset is, with the preset's reason */
		ck_assert_uint_eq(host_errors(&p, &m), 1);
		ck_assert_str_eq(m, why);
		problems_free(&p);
	}
	free(why);
}
END_TEST

static size_t password_warnings(const char *host, const char *pw, const char **msg)
{
	struct settings s = { { 0 } };
	settings_set(&s, F_HOST, host);
	settings_set(&s, F_PASSWORD, pw);
	struct problems p = { 0 };
	presets_check(&pl, &s, &p);
	size_t n = 0;
	static char last[256];
	for (size_t i = 0; i < p.n; i++)
		if (p.v[i].field == F_PASSWORD) {
			ck_assert_int_eq(p.v[i].sev, SEV_WARNING);
			snprintf(last, sizeof last, "%s", p.v[i].msg);
			*msg = last;
			n++;
		}
	problems_free(&p);
	settings_free(&s);
	return n;
}

START_TEST(app_password_as_saved)
{
	const char *m = NULL;
	/* as Google shows it: 19 characters typed, 16 saved */
	ck_assert_uint_eq(password_warnings("smtp.gmail.com", "abcd efgh ijkl mnop", &m), 0);
	ck_assert_uint_eq(password_warnings("smtp.gmail.com", "abcd\xC2\xA0" "efgh\xC2\xA0"
					    "ijkl\xC2\xA0mnop", &m), 0);
	ck_assert_uint_eq(password_warnings("smtp.gmail.com", "abcdefghijklmnop", &m), 0);
	ck_assert_uint_eq(password_warnings("smtp.gmail.com", "", &m), 0);
	/* short of one, with the spaces: counted without them */
	ck_assert_uint_eq(password_warnings("smtp.gmail.com", "abcd efgh ijkl mno", &m), 1);
	ck_assert_ptr_nonnull(strstr(m, "(this one has 15 characters, not counting the spaces)"));
	ck_assert_uint_eq(password_warnings("smtp.gmail.com", "hunter2", &m), 1);
	ck_assert_ptr_nonnull(strstr(m, "16-character app password"));
	ck_assert_ptr_nonnull(strstr(m, "(this one has 7 characters)"));
	/* saved without its blanks wherever they are, as 16 characters */
	ck_assert_uint_eq(password_warnings("smtp.gmail.com", "abcdefgh ijklmnop", &m), 0);
	ck_assert_uint_eq(password_warnings("smtp.gmail.com", "abcd efgh ijkl mnopq", &m), 1);
	ck_assert_ptr_nonnull(strstr(m, "(this one has 17 characters, not counting the spaces)"));
	/* other providers want no app password */
	ck_assert_uint_eq(password_warnings("sv1.xserver.jp", "abcd efgh", &m), 0);
}
END_TEST

/* An example of what a preset's ◯ part may be. */
static const char *example_part(const struct preset *p)
{
	return !strcmp(p->host_part, "digits") ? "1234" : "myshop";
}

START_TEST(preset_files_agree)
{
	size_t forms = 0;
	for (size_t i = 0; i < pl.n; i++) {
		const struct preset *p = &pl.v[i];
		const char *all = p->host_forms ? p->host_forms : p->host;
		if (!strstr(all, PH) && !strstr(p->host, PH))
			continue;
		ck_assert_msg(p->host_part && p->host_part_ja && p->host_part_en,
			      "%s: a template without host_part", p->id);
		/* each form, filled in, is the provider's and passes; its host
		 * template is one of its forms */
		char *copy = xstrdup(all), *save = NULL;
		bool host_listed = false;
		for (char *f = strtok_r(copy, ", ", &save); f; f = strtok_r(NULL, ", ", &save)) {
			host_listed = host_listed || !strcmp(f, p->host);
			char *ph = strstr(f, PH), *end = ph;
			ck_assert_ptr_nonnull(ph);
			while (!strncmp(end, PH, 3))
				end += 3;
			char *host = xasprintf("%.*s%s%s", (int)(ph - f), f, example_part(p), end);
			ck_assert_msg(preset_host_matches(p, host), "%s: %s is not matched by "
				      "host_pattern %s", p->id, host, p->host_pattern);
			ck_assert_msg(presets_match_host(&pl, host) == p, "%s: %s is taken as "
				      "another provider's", p->id, host);
			char *m = preset_host_problem(p, host);
			ck_assert_msg(!m, "%s: %s refused: %s", p->id, host, m);
			/* and the template itself is refused, naming the part */
			m = preset_host_problem(p, f);
			ck_assert_ptr_nonnull(m);
			ck_assert_msg(strstr(m, i18n_pick(p->host_part_ja, p->host_part_en)),
				      "%s: \"%s\" does not name the part", f, m);
			free(m);
			free(host);
			forms++;
		}
		ck_assert_msg(host_listed, "%s: host %s is not one of host_forms", p->id, p->host);
		free(copy);
	}
	/* お名前.com 2, さくら 1, Xserver 2 */
	ck_assert_uint_ge(forms, 5);
}
END_TEST

/* A preset directory of one file with the given [preset] body. */
static int load_one(const char *body, char **err)
{
	char dir[] = "/tmp/check_presets.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char *file = xasprintf("%s/p.ini", dir);
	FILE *fp = fopen(file, "w");
	ck_assert_ptr_nonnull(fp);
	fprintf(fp, "[preset]\nname_ja = P\nname_en = P\nport = 587\nauth = plain\ntls = on\n%s",
		body);
	fclose(fp);
	struct preset_list l;
	int rc = presets_load(dir, &l, err);
	if (rc == 0)
		presets_free(&l);
	unlink(file);
	rmdir(dir);
	free(file);
	return rc;
}

START_TEST(template_needs_its_part)
{
	char *err = NULL;
	ck_assert_int_eq(load_one("host = sv" PH ".example.jp\n", &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "host_part (digits or name)"));
	free(err);
	ck_assert_int_eq(load_one("host = sv" PH ".example.jp\nhost_part = words\n"
				  "host_part_ja = x\nhost_part_en = x\n", &err), -1);
	free(err);
	ck_assert_int_eq(load_one("host = sv" PH ".example.jp\nhost_part = digits\n"
				  "host_part_ja = x\nhost_part_en = x\n"
				  "host_forms = sv" PH ".example.jp, " PH "x" PH ".example.jp\n", &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "needs exactly one run"));
	free(err);
	ck_assert_int_eq(load_one("host = sv" PH ".example.jp\nhost_part = digits\n"
				  "host_part_ja = x\nhost_part_en = x\n", &err), 0);
	ck_assert_int_eq(load_one("host = smtp.example.jp\n", &err), 0);
}
END_TEST

int main(void)
{
	setenv("LANGUAGE", "en", 1);
	setenv("LC_ALL", "C.UTF-8", 1);
	i18n_init();
	Suite *s = suite_create("presets");
	TCase *tc = tcase_create("providers");
	tcase_add_checked_fixture(tc, load, unload);
	tcase_add_test(tc, hosts_of_the_forms);
	tcase_add_test(tc, part_left_empty);
	tcase_add_test(tc, part_left_as_template);
	tcase_add_test(tc, literal_typed_twice);
	tcase_add_test(tc, part_not_what_the_provider_uses);
	tcase_add_test(tc, name_cut_short);
	tcase_add_test(tc, one_error_per_host);
	tcase_add_test(tc, exchange_online_refused);
	tcase_add_test(tc, app_password_as_saved);
	tcase_add_test(tc, preset_files_agree);
	tcase_add_test(tc, template_needs_its_part);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
