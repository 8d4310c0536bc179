/* SPDX-License-Identifier: MIT */
/* check_linediff.c - the unified diff of --dry-run and --json (linediff.c)
 * and the JSON writer (json.c), against reference implementations: GNU
 * patch must turn the old text into the new one with every diff made
 * (random texts and edits, line endings, a missing last newline, empty
 * sides), and Python's json module must read back every string written. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "mailset/json.h"
#include "mailset/linediff.h"
#include "mailset/util.h"
#include "testutil.h"

static void put(const char *path, const char *data, size_t len)
{
	FILE *fp = fopen(path, "wb");
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(data, 1, len, fp), len);
	ck_assert_int_eq(fclose(fp), 0);
}


/* patch(1) applied to a with our diff gives b. */
static void round_trip(const char *dir, const char *a, size_t alen, const char *b, size_t blen)
{
	char *d = linediff_unified(a, alen, b, blen, "old", "new");
	char *fa = xasprintf("%s/a", dir), *fd = xasprintf("%s/d", dir), *fo = xasprintf("%s/o", dir);
	if (alen == blen && !memcmp(a, b, alen)) {
		ck_assert_str_eq(d, "");
		goto out;
	}
	ck_assert_msg(!strncmp(d, "--- old\n+++ new\n@@ -", 20), "header: %.60s", d);
	put(fa, a, alen);
	put(fd, d, strlen(d));
	char *cmd = xasprintf("patch -s -o '%s' '%s' '%s' >/dev/null 2>&1", fo, fa, fd);
	int rc = system(cmd);
	free(cmd);
	ck_assert_msg(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "patch refused the diff:\n%s", d);
	size_t olen;
	char *o = slurp_len(fo, &olen);
	ck_assert_msg(olen == blen && !memcmp(o, b, blen), "patch made another text from:\n%s", d);
	free(o);
out:
	free(fa), free(fd), free(fo), free(d);
}

START_TEST(diff_cases)
{
	char *dir = tmpdir_new();
	static const char *const pairs[][2] = {
		{ "", "a\n" },
		{ "a\n", "" },
		{ "a\nb\nc\n", "a\nB\nc\n" },
		{ "a\nb", "a\nb\n" },                  /* last newline added */
		{ "a\nb\n", "a\nb" },                  /* and taken away */
		{ "x\r\ny\r\n", "x\r\nY\r\n" },        /* CRLF kept */
		{ "k = 1\n", "k = 1\r\n" },            /* only the line ending */
		{ "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n",
		  "1\nTWO\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\nFOURTEEN\n15\n" }, /* two hunks */
		{ "same\n", "same\n" },
	};
	for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++)
		round_trip(dir, pairs[i][0], strlen(pairs[i][0]), pairs[i][1], strlen(pairs[i][1]));
	/* the two hunks are two: 3 lines of context each, 7 kept between */
	char *d = linediff_unified(pairs[7][0], strlen(pairs[7][0]), pairs[7][1],
				   strlen(pairs[7][1]), "a", "b");
	ck_assert_ptr_nonnull(strstr(d, "@@ -1,5 +1,5 @@"));
	ck_assert_ptr_nonnull(strstr(d, "@@ -11,5 +11,5 @@"));
	free(d);
	rm_rf(dir);
	free(dir);
}
END_TEST

/* Random texts over a few distinct lines (so that many lines repeat, which
 * is where a diff goes wrong), random edits, some without a last newline. */
START_TEST(diff_random)
{
	char *dir = tmpdir_new();
	static const char *const words[] = { "a = 1\n", "b = 2\n", "\n", "; c\n", "[s]\n", "x\r\n" };
	srand(12345);
	for (int round = 0; round < 300; round++) {
		struct strbuf a = { 0 }, b = { 0 };
		int n = rand() % 30;
		for (int i = 0; i < n; i++) {
			const char *w = words[rand() % 6];
			sb_adds(&a, w);
			int r = rand() % 10;
			if (r == 0)
				continue;                       /* removed */
			if (r == 1)
				sb_adds(&b, words[rand() % 6]); /* replaced */
			else
				sb_adds(&b, w);
			if (r == 2)
				sb_adds(&b, words[rand() % 6]); /* one added */
		}
		if (rand() % 4 == 0 && a.len)
			a.len--, a.buf[a.len] = '\0';
		if (rand() % 4 == 0 && b.len)
			b.len--, b.buf[b.len] = '\0';
		round_trip(dir, a.buf ? a.buf : "", a.len, b.buf ? b.buf : "", b.len);
		sb_free(&a);
		sb_free(&b);
	}
	rm_rf(dir);
	free(dir);
}
END_TEST

/* A long file with two far-apart changes: two small hunks. */
START_TEST(diff_big_file_two_hunks)
{
	struct strbuf a = { 0 }, b = { 0 };
	for (int i = 0; i < 200000; i++) {
		sb_addf(&a, "key%d = value %d\n", i, i);
		sb_addf(&b, "key%d = value %d\n", i, i == 10 || i == 150000 ? -1 : i);
	}
	char *d = linediff_unified(a.buf, a.len, b.buf, b.len, "a", "b");
	ck_assert_ptr_nonnull(strstr(d, "-key10 = value 10\n+key10 = value -1\n"));
	ck_assert_ptr_nonnull(strstr(d, "-key150000 = value 150000\n+key150000 = value -1\n"));
	ck_assert_uint_lt(strlen(d), 1000);
	free(d);
	sb_free(&a);
	sb_free(&b);
}
END_TEST

/* Every string json_escape() writes is read back by Python's json as the
 * same text (invalid UTF-8 as U+FFFD), and the document is strict JSON. */
START_TEST(json_strings_read_back)
{
	char *dir = tmpdir_new();
	static const char *const s[] = {
		"plain", "quote \" backslash \\ slash /", "tab\tnl\ncr\r", "\x01\x1b[31m\x7f",
		"日本語 ｓｕｐｐｏｒｔ", "\xE2\x80\xA8 \xE2\x80\xA9 \xE2\x80\xAE", "bad \xff\xfe end",
		"cut \xE6\x97", "overlong \xC0\xAF", "surrogate \xED\xA0\x80", "",
	};
	struct json j = { 0 };
	json_open(&j, '[');
	for (size_t i = 0; i < sizeof s / sizeof *s; i++)
		json_str(&j, s[i]);
	json_open(&j, '{');
	json_kstr(&j, "k", NULL);
	json_key(&j, "n");
	json_int(&j, -5);
	json_key(&j, "b");
	json_bool(&j, true);
	json_close(&j, '}');
	json_close(&j, ']');
	char *f = xasprintf("%s/j.json", dir), *want = xasprintf("%s/want", dir);
	put(f, j.sb.buf, j.sb.len);
	/* what Python makes of the same bytes, as escaped ASCII */
	struct strbuf w = { 0 };
	for (size_t i = 0; i < sizeof s / sizeof *s; i++)
		sb_addf(&w, "%s%s", i ? "\x1e" : "", s[i]);
	put(want, w.buf, w.len);
	char *cmd = xasprintf(
		"/usr/bin/python3 -c 'import json,sys\n"
		"d = json.loads(open(sys.argv[1], \"rb\").read().decode(\"utf-8\", \"strict\"))\n"
		"w = open(sys.argv[2], \"rb\").read().decode(\"utf-8\", \"replace\").split(\"\\x1e\")\n"
		"assert d[:-1] == w, (d, w)\n"
		"assert d[-1] == {\"k\": None, \"n\": -5, \"b\": True}, d[-1]\n"
		"assert \"\\x1b\" not in open(sys.argv[1]).read()\n' '%s' '%s'",
		f, want);
	int rc = system(cmd);
	ck_assert_msg(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "python3 disagrees: %s", j.sb.buf);
	free(cmd), free(f), free(want);
	sb_free(&w);
	sb_free(&j.sb);
	rm_rf(dir);
	free(dir);
}
END_TEST

static Suite *linediff_suite(void)
{
	Suite *s = suite_create("linediff");
	TCase *tc = tcase_create("diff");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, diff_cases);
	tcase_add_test(tc, diff_random);
	tcase_add_test(tc, diff_big_file_two_hunks);
	tcase_add_test(tc, json_strings_read_back);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	if (!tmp_root_make("check_linediff"))
		return EXIT_FAILURE;
	int failed = suite_run(linediff_suite());
	tmp_root_remove("check_linediff");
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
