/* SPDX-License-Identifier: MIT */
/* check_docs.c - the man pages say what the tables say: every key binding
 * and every command in mailset(1), every field in mailset.ini(5), in the
 * English pages and in the Japanese ones (man/ja), which also have the
 * English pages' sections and entries; every command also in --help and in
 * HACKING.md's "## Command line". A binding, field or command added
 * without its documentation fails here. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailset/cli.h"
#include "mailset/i18n.h"
#include "mailset/settings.h"
#include "mailset/ui/keys.h"
#include "mailset/util.h"

static char *slurp(const char *rel)
{
	const char *dir = getenv("MAILSET_SRCDIR");
	char *path = xasprintf("%s/%s", dir && *dir ? dir : ".", rel);
	FILE *fp = fopen(path, "r");
	ck_assert_msg(fp != NULL, "cannot open %s", path);
	struct strbuf sb = { 0 };
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		sb_add(&sb, buf, n);
	fclose(fp);
	free(path);
	return sb_steal(&sb);
}

/* The two languages of the man pages: the same checks run on both, so a
 * command, key, binding or field documented in one and not in the other
 * fails here. */
struct manlang {
	const char *lang;
	const char *man1, *man5;
	const char *ss_commands, *ss_keys; /* their .Ss titles in mailset(1) */
	int ja;
};
static const struct manlang langs[] = {
	{ "en", "man/mailset.1", "man/mailset.ini.5", "Commands", "Keys", 0 },
	{ "ja", "man/ja/man1/mailset.1", "man/ja/man5/mailset.ini.5", "コマンド", "キー操作", 1 },
};
#define NLANGS ((int)(sizeof langs / sizeof *langs))

/* The "Keys" part of mailset(1) as the table says it, in the page's
 * language: a paragraph per scope, each row's keys and help. */
static char *keys_section(const struct manlang *ml)
{
	struct strbuf sb = { 0 };
	for (int sc = 0; sc < SC_COUNT; sc++) {
		const struct scope_info *si = &keys_scopes[sc];
		sb_addf(&sb, ".Pp\n.Sy %s\n", ml->ja ? si->title_ja : si->title_en);
		if (si->nincludes) {
			sb_adds(&sb, ml->ja ? "(" : "(and the keys of");
			for (int k = 0; k < si->nincludes; k++) {
				const struct scope_info *in = &keys_scopes[si->includes[k]];
				if (ml->ja)
					sb_addf(&sb, "%s「%s」", k ? "と" : "", in->title_ja);
				else
					sb_addf(&sb, "%s %s", k ? " and" : "", in->title_en);
			}
			sb_adds(&sb, ml->ja ? "のキーも使える)\n" : ")\n");
		}
		sb_adds(&sb, ".Bl -tag -width \"Shift-Tab / Enter\" -compact\n");
		for (size_t i = 0; i < keys_count; i++) {
			const struct binding *b = &keys_table[i];
			if (b->scope != (enum scope)sc)
				continue;
			int n = 0;
			while (n < KEYS_PER_ACTION && b->keys[n])
				n++;
			char *label = keys_label(b->keys, n);
			sb_addf(&sb, ".It %s\n%s\n", label, ml->ja ? b->help_ja : b->help_en);
			free(label);
		}
		sb_adds(&sb, ".El\n");
	}
	return sb_steal(&sb);
}

/* text with each text line that continues a text line joined to it: groff
 * cannot break a Japanese line but between input lines, so the Japanese
 * page splits a long help over several; the join is "" in Japanese, " " in
 * English. */
static char *join_text_lines(const char *text, int ja)
{
	struct strbuf sb = { 0 };
	for (const char *l = text; *l;) {
		size_t n = strcspn(l, "\n");
		sb_add(&sb, l, n);
		l += n;
		if (!*l)
			break;
		l++;
		bool text_before = *(l - n - 1) != '.', text_after = *l && *l != '.';
		if (n && text_before && text_after)
			sb_adds(&sb, ja ? "" : " ");
		else
			sb_adds(&sb, "\n");
	}
	return sb_steal(&sb);
}

/* A new string: the part of text from the line that starts with from up to
 * (not including) the next line that starts with to. */
static char *between(const char *text, const char *from, const char *to)
{
	const char *a = strstr(text, from);
	ck_assert_msg(a != NULL, "no \"%s\"", from);
	const char *b = strstr(a + strlen(from), to);
	ck_assert_msg(b != NULL, "nothing ends \"%s\" (\"%s\")", from, to);
	return xstrndup(a, (size_t)(b - a));
}

/* How many lines of text are prefix + word, alone or followed by a blank. */
static size_t lines_naming(const char *text, const char *prefix, const char *word)
{
	char *start = xasprintf("%s%s", prefix, word);
	size_t n = 0, k = strlen(start);
	for (const char *l = text; *l; l += strcspn(l, "\n"), l += *l == '\n')
		n += !strncmp(l, start, k) && (l[k] == '\n' || l[k] == ' ' || !l[k]);
	free(start);
	return n;
}

static size_t rows_named(const char *name)
{
	size_t n = 0;
	for (size_t i = 0; i < cli_ncommands; i++)
		n += !strcmp(cli_commands[i].name, name);
	return n;
}

/* "name args" of a row, as usage and HACKING.md write it. */
static char *synopsis(const struct cli_command *k)
{
	return xasprintf("%s%s%s", k->name, *k->args ? " " : "", k->args);
}

START_TEST(command_rows_agree)
{
	/* the rows of one command's forms run the same way */
	for (size_t i = 0; i < cli_ncommands; i++) {
		const struct cli_command *k = &cli_commands[i], *first = cli_command(k->name);
		ck_assert_msg(first->run == k->run && first->flags == k->flags,
			      "the rows of '%s' differ in handler or flags", k->name);
		ck_assert_msg(*k->help, "'%s %s' has no help", k->name, k->args);
	}
}
END_TEST

START_TEST(man1_lists_every_command)
{
	const struct manlang *ml = &langs[_i];
	char *man = slurp(ml->man1);
	char *syn = between(man, ".Sh SYNOPSIS\n", "\n.Sh ");
	char *ss = xasprintf(".Ss %s\n", ml->ss_commands);
	char *list = between(man, ss, "\n.Sh ");
	/* each form: a synopsis of its own, an entry of its own */
	for (size_t i = 0; i < cli_ncommands; i++) {
		const char *name = cli_commands[i].name;
		size_t rows = rows_named(name);
		ck_assert_msg(lines_naming(syn, ".Cm ", name) >= rows,
			      "%s's SYNOPSIS lacks \".Cm %s\" (%zu form(s))", ml->man1, name, rows);
		ck_assert_msg(lines_naming(list, ".It Cm ", name) >= rows,
			      "%s's %s list lacks \".It Cm %s\" (%zu form(s))", ml->man1,
			      ml->ss_commands, name, rows);
	}
	/* and no entry for a command that is gone */
	for (const char *l = strstr(list, "\n.It Cm "); l; l = strstr(l + 1, "\n.It Cm ")) {
		const char *w = l + strlen("\n.It Cm ");
		char *name = xstrndup(w, strcspn(w, " \n"));
		ck_assert_msg(cli_command(name) != NULL,
			      "%s describes '%s', which is not in cli_commands[]", ml->man1, name);
		free(name);
	}
	free(list);
	free(ss);
	free(syn);
	free(man);
}
END_TEST

START_TEST(usage_lists_every_command)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	ck_assert(fp != NULL);
	cli_usage(fp);
	fclose(fp);
	for (size_t i = 0; i < cli_ncommands; i++) {
		const struct cli_command *k = &cli_commands[i];
		char *syn = synopsis(k);
		ck_assert_msg(lines_naming(text, "  ", syn) == 1, "--help lacks \"  %s\":\n%s", syn,
			      text);
		const char *help = _(k->help);
		char *first = xstrndup(help, strcspn(help, "\n"));
		ck_assert_msg(strstr(text, first) != NULL, "--help lacks the help of %s: %s", syn,
			      first);
		free(first);
		free(syn);
	}
	free(text);
}
END_TEST

START_TEST(hacking_lists_every_command)
{
	char *hacking = slurp("HACKING.md");
	char *sec = between(hacking, "## Command line\n", "\n## ");
	char *block = between(sec, "```\n", "\n```");
	for (size_t i = 0; i < cli_ncommands; i++) {
		const struct cli_command *k = &cli_commands[i];
		char *syn = synopsis(k);
		const char *prefix = k->flags & CMD_NO_FILE ? "mailset " : "mailset [-c FILE] ";
		ck_assert_msg(lines_naming(block, prefix, syn) == 1,
			      "HACKING.md's \"## Command line\" block lacks the line \"%s%s\"",
			      prefix, syn);
		free(syn);
	}
	free(block);
	free(sec);
	free(hacking);
}
END_TEST

START_TEST(every_option_documented)
{
	/* each option of the table in mailset(1)'s SYNOPSIS and in its
	 * command's usage line */
	char *man = slurp("man/mailset.1");
	char *syn = between(man, ".Sh SYNOPSIS\n", "\n.Sh ");
	for (size_t i = 0; i < cli_ncommands; i++) {
		const struct cli_command *k = &cli_commands[i];
		for (const struct cli_option *o = k->opts; o && o->name; o++) {
			char *fl = xasprintf("Fl %s", o->name + 1);
			ck_assert_msg(strstr(syn, fl) != NULL,
				      "man/mailset.1's SYNOPSIS lacks \"%s\" (%s)", fl, k->name);
			ck_assert_msg(strstr(k->args, o->name) != NULL,
				      "the synopsis of '%s %s' lacks its option %s", k->name, k->args,
				      o->name);
			ck_assert_msg(o->help && *o->help, "%s %s has no help", k->name, o->name);
			free(fl);
		}
		/* and the other way: every --option of the synopsis is a row's
		 * option (CMD --help, the completion and the parser read them) */
		for (const char *a = strstr(k->args, "--"); a; a = strstr(a + 2, "--")) {
			char *name = xstrndup(a, strspn(a, "-abcdefghijklmnopqrstuvwxyz"));
			bool found = false;
			for (const struct cli_option *o = k->opts; o && o->name && !found; o++)
				found = !strcmp(o->name, name);
			ck_assert_msg(found, "'%s %s': %s is not in the row's options (opts)", k->name,
				      k->args, name);
			free(name);
		}
	}
	free(syn);
	free(man);
}
END_TEST

START_TEST(man1_lists_every_binding)
{
	/* every row of every scope, in the table's order, and nothing else */
	const struct manlang *ml = &langs[_i];
	char *man = slurp(ml->man1);
	char *ss = xasprintf(".Ss %s\n", ml->ss_keys);
	const char *start = strstr(man, ss);
	ck_assert_msg(start != NULL, "%s has no %s subsection", ml->man1, ml->ss_keys);
	start = strstr(start, "\n.Pp\n");
	const char *end = start ? strstr(start, "\n.Sh ") : NULL;
	ck_assert_msg(start && end, "%s: the %s subsection has no scopes", ml->man1, ml->ss_keys);
	char *part = xstrndup(start + 1, (size_t)(end - start));
	char *have = join_text_lines(part, ml->ja);
	char *want = keys_section(ml);
	if (strcmp(have, want)) {
		/* what it should read, to paste in */
		const char *tmp = getenv("TMPDIR");
		char *path = xasprintf("%s/mailset-man-keys.%s.roff", tmp && *tmp ? tmp : "/tmp",
				       ml->lang);
		FILE *fp = fopen(path, "w");
		if (fp) {
			fputs(want, fp);
			fclose(fp);
		}
		ck_abort_msg("%s's key lists (from the first .Pp of %s to the next .Sh) differ "
			     "from the key table: %s has what they should read", ml->man1, ml->ss_keys,
			     path);
	}
	free(part);
	free(have);
	free(want);
	free(ss);
	free(man);
}
END_TEST

START_TEST(man5_lists_every_field)
{
	const struct manlang *ml = &langs[_i];
	char *man = slurp(ml->man5);
	/* each key has its own entry: ".It Cm key", then its labels (a key
	 * named elsewhere, as "host" in the preset files, does not count) */
	for (int i = 0; i < F_COUNT; i++) {
		const struct field *f = &settings_fields[i];
		char *entry = xasprintf(".It Cm %s\n%s", f->key, f->label_ja);
		ck_assert_msg(strstr(man, entry) != NULL,
			      "%s lacks the entry of %s.%s (\".It Cm %s\" followed by "
			      "its label %s)", ml->man5, f->section, f->key, f->key, f->label_ja);
		free(entry);
	}
	for (size_t i = 0; i < settings_nsections; i++) {
		char *hdr = xasprintf("[%s]", settings_sections[i].name);
		ck_assert_msg(strstr(man, hdr) != NULL, "%s lacks %s", ml->man5, hdr);
		free(hdr);
	}
	free(man);
}
END_TEST

/* The lines of a page that name what the reader looks up, in order: its
 * sections, and the entries of commands, options, environment variables,
 * files, arguments and exit statuses. A translation has the same. */
static char *skeleton(const char *man)
{
	static const char *const keep[] = { ".Sh ", ".It Cm ", ".It Fl ", ".It Ev ", ".It Pa ",
					    ".It Ar ", ".It Ic ", NULL };
	struct strbuf sb = { 0 };
	for (const char *l = man; *l; l += strcspn(l, "\n"), l += *l == '\n') {
		size_t n = strcspn(l, "\n");
		/* an exit status: ".It 64" */
		bool take = !strncmp(l, ".It ", 4) && n > 4 && strspn(l + 4, "0123456789") == n - 4;
		for (int k = 0; keep[k] && !take; k++)
			take = !strncmp(l, keep[k], strlen(keep[k]));
		if (take) {
			sb_add(&sb, l, n);
			sb_adds(&sb, "\n");
		}
	}
	return sb_steal(&sb);
}

static void same_skeleton(const char *en_path, const char *ja_path)
{
	char *en = slurp(en_path), *ja = slurp(ja_path);
	char *a = skeleton(en), *b = skeleton(ja);
	if (strcmp(a, b)) {
		const char *x = a, *y = b;
		while (*x && *x == *y)
			x++, y++;
		while (x > a && x[-1] != '\n')
			x--, y--;
		ck_abort_msg("%s and %s differ in their sections or entries: \"%.*s\" against "
			     "\"%.*s\"", en_path, ja_path, (int)strcspn(x, "\n"), x,
			     (int)strcspn(y, "\n"), y);
	}
	free(a);
	free(b);
	free(en);
	free(ja);
}

START_TEST(translations_in_step)
{
	same_skeleton(langs[0].man1, langs[1].man1);
	same_skeleton(langs[0].man5, langs[1].man5);
}
END_TEST

int main(void)
{
	i18n_init();
	Suite *s = suite_create("docs");
	TCase *tc = tcase_create("man");
	tcase_add_loop_test(tc, man1_lists_every_binding, 0, NLANGS);
	tcase_add_loop_test(tc, man5_lists_every_field, 0, NLANGS);
	tcase_add_test(tc, command_rows_agree);
	tcase_add_loop_test(tc, man1_lists_every_command, 0, NLANGS);
	tcase_add_test(tc, translations_in_step);
	tcase_add_test(tc, usage_lists_every_command);
	tcase_add_test(tc, hacking_lists_every_command);
	tcase_add_test(tc, every_option_documented);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
