/* SPDX-License-Identifier: MIT */
/* check_verdict.c - the verdict table against real servers' replies
 * (tests/smtp/replies.txt): each reply's verdict id and exit status, the
 * queue ids of every MTA's wording, and the reply parser. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "mailset/i18n.h"
#include "mailset/util.h"
#include "mailset/verdict.h"

static const struct {
	const char *name;
	enum smtp_phase ph;
} phases[] = {
	{ "GREETING", PH_GREETING }, { "EHLO", PH_EHLO }, { "TLS", PH_TLS }, { "AUTH", PH_AUTH },
	{ "MAIL", PH_MAIL }, { "RCPT", PH_RCPT }, { "DATA", PH_DATA }, { "EOD", PH_EOD },
};

/* Splits "a || b || c" into reply lines. */
static void fill_reply(struct smtp_reply *r, char *text)
{
	smtp_reply_clear(r);
	for (char *p = text; p;) {
		char *sep = strstr(p, " || ");
		if (sep)
			*sep = '\0';
		smtp_reply_add(r, p);
		p = sep ? sep + 4 : NULL;
	}
}

static FILE *corpus(void)
{
	const char *dir = getenv("MAILSET_SRCDIR");
	char *path = xasprintf("%s/tests/smtp/replies.txt", dir && *dir ? dir : ".");
	FILE *fp = fopen(path, "r");
	ck_assert_msg(fp != NULL, "cannot open %s", path);
	free(path);
	return fp;
}

START_TEST(corpus_verdicts)
{
	FILE *fp = corpus();
	char line[2048];
	int lineno = 0, cases = 0, queues = 0;
	size_t nrules;
	const struct verdict_rule *rules = verdict_rules(&nrules);
	bool *seen = xcalloc(nrules, sizeof *seen);
	while (fgets(line, sizeof line, fp)) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (!*line || *line == '#')
			continue;
		char *body = strstr(line, " :: ");
		ck_assert_msg(body != NULL, "replies.txt:%d: no ' :: '", lineno);
		*body = '\0';
		body += 4;
		if (!strcmp(line, "QUEUE")) {
			char *want = strstr(body, " => ");
			ck_assert_msg(want != NULL, "replies.txt:%d: no ' => '", lineno);
			*want = '\0';
			want += 4;
			char *got = verdict_queue_id(body);
			if (!strcmp(want, "-"))
				ck_assert_msg(got == NULL, "replies.txt:%d: queue id '%s' in '%s'",
					      lineno, got, body);
			else
				ck_assert_msg(got && !strcmp(got, want),
					      "replies.txt:%d: queue id '%s', expected '%s'", lineno,
					      got ? got : "(none)", want);
			free(got);
			queues++;
			continue;
		}
		char ph[16], login[8], id[64];
		int status;
		ck_assert_msg(sscanf(line, "%15s %7s %63s %d", ph, login, id, &status) == 4,
			      "replies.txt:%d: want PHASE LOGIN ID EXIT", lineno);
		enum smtp_phase phase = PH_DONE;
		for (size_t i = 0; i < sizeof phases / sizeof *phases; i++)
			if (!strcmp(phases[i].name, ph))
				phase = phases[i].ph;
		ck_assert_msg(phase != PH_DONE, "replies.txt:%d: phase %s", lineno, ph);
		ck_assert_msg(verdict_rule_by_id(id) != NULL, "replies.txt:%d: no rule %s", lineno, id);
		struct smtp_reply r = { 0 };
		fill_reply(&r, body);
		ck_assert_msg(r.done, "replies.txt:%d: the reply does not end", lineno);
		const struct verdict_rule *v = verdict_rule(phase, &r, !strcmp(login, "yes"));
		ck_assert_msg(!strcmp(v->id, id) && v->status == status,
			      "replies.txt:%d: %s %s '%s': verdict %s (%d), expected %s (%d)",
			      lineno, ph, login, body, v->id, v->status, id, status);
		/* The whole reply reaches the verdict, not its last line. */
		char *fmt = smtp_reply_format(&r);
		struct verdict_vars vv = { .host = "smtp.example.com", .reply = fmt };
		char *text = verdict_expand(_(v->msg), &vv);
		if (strstr(v->msg, "%{reply}"))
			ck_assert_msg(strstr(text, r.text ? r.text : "") != NULL,
				      "replies.txt:%d: the verdict '%s' lacks the reply text", lineno,
				      text);
		free(text);
		free(fmt);
		smtp_reply_clear(&r);
		for (size_t i = 0; i < nrules; i++)
			if (&rules[i] == v)
				seen[i] = true;
		cases++;
	}
	fclose(fp);
	ck_assert_int_ge(cases, 50);
	ck_assert_int_ge(queues, 6);
	/* Every row of the table is shown to work by a real reply, but the
	 * catch-alls. */
	for (size_t i = 0; i < nrules; i++)
		if (strcmp(rules[i].id, "temporary") && strcmp(rules[i].id, "refused"))
			ck_assert_msg(seen[i], "no reply in replies.txt exercises rule %s", rules[i].id);
	free(seen);
}
END_TEST

START_TEST(reply_lines_joined)
{
	struct smtp_reply r = { 0 };
	ck_assert(!smtp_reply_add(&r, "550-5.1.1 The email account that you tried to reach"));
	ck_assert(!smtp_reply_add(&r, "550-5.1.1 does not exist."));
	ck_assert(smtp_reply_add(&r, "550 5.1.1  https://support.google.com/mail/?p=NoSuchUser"));
	ck_assert_int_eq(r.code, 550);
	ck_assert_str_eq(r.enh, "5.1.1");
	ck_assert_uint_eq(r.nlines, 3);
	char *f = smtp_reply_format(&r);
	ck_assert_str_eq(f, "550 5.1.1 The email account that you tried to reach does not exist. "
			    "https://support.google.com/mail/?p=NoSuchUser");
	free(f);
	smtp_reply_clear(&r);
	/* No enhanced code; a number that only looks like one stays text. */
	smtp_reply_add(&r, "250 2.0 is not an enhanced code");
	ck_assert_str_eq(r.enh, "");
	ck_assert_str_eq(r.text, "2.0 is not an enhanced code");
	smtp_reply_clear(&r);
	/* An enhanced code of another class than the reply is text. */
	smtp_reply_add(&r, "550 4.1.1 odd");
	ck_assert_str_eq(r.enh, "");
	smtp_reply_clear(&r);
	/* qmail gives the enhanced code last */
	smtp_reply_add(&r, "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)");
	ck_assert_str_eq(r.enh, "5.7.1");
	smtp_reply_clear(&r);
	smtp_reply_add(&r, "garbage without a code");
	ck_assert_int_eq(r.code, 0);
	ck_assert(r.done);
	smtp_reply_clear(&r);
}
END_TEST

START_TEST(expand_placeholders)
{
	struct verdict_vars v = { .host = "h", .reply = "550 x", .rcpt = NULL };
	char *s = verdict_expand("%{host}: %{rcpt}(%{reply}) %{nope} %{ 100%", &v);
	ck_assert_str_eq(s, "h: (550 x) %{nope} %{ 100%");
	free(s);
	/* Every rule's sentence uses only the names the engine fills. */
	size_t n;
	const struct verdict_rule *rules = verdict_rules(&n);
	for (size_t i = 0; i < n; i++) {
		struct verdict_vars all = { "H", "P", "R", "S", "T", "U", "M", "F" };
		char *t = verdict_expand(rules[i].msg, &all);
		ck_assert_msg(strstr(t, "%{") == NULL, "rule %s: unknown name in '%s'", rules[i].id, t);
		free(t);
	}
}
END_TEST

START_TEST(phase_names_translated)
{
	for (int ph = PH_CONNECT; ph <= PH_DONE; ph++)
		ck_assert(*smtp_phase_name((enum smtp_phase)ph));
}
END_TEST

int main(void)
{
	i18n_init();
	Suite *s = suite_create("verdict");
	TCase *tc = tcase_create("table");
	tcase_add_test(tc, corpus_verdicts);
	tcase_add_test(tc, reply_lines_joined);
	tcase_add_test(tc, expand_placeholders);
	tcase_add_test(tc, phase_names_translated);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
