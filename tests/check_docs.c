/* check_docs.c - the man pages say what the tables say: every key binding
 * and every command in mailset(1), every field in mailset.ini(5); every
 * command also in --help and in HACKING.md's "## Command line". A binding,
 * field or command added without its documentation fails here. */
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

/* The "Keys" part of mailset(1) as the table says it: a paragraph per
 * scope, each row's keys and help. */
static char *keys_section(void)
{
	struct strbuf sb = { 0 };
	for (int sc = 0; sc < SC_COUNT; sc++) {
		const struct scope_info *si = &keys_scopes[sc];
		sb_addf(&sb, ".Pp\n.Sy %s\n", si->title_en);
		if (si->nincludes) {
			sb_adds(&sb, "(and the keys of");
			for (int k = 0; k < si->nincludes; k++)
				sb_addf(&sb, "%s %s", k ? " and" : "",
					keys_scopes[si->includes[k]].title_en);
			sb_adds(&sb, ")\n");
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
			sb_addf(&sb, ".It %s\n%s\n", label, b->help_en);
			free(label);
		}
		sb_adds(&sb, ".El\n");
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
	char *man = slurp("man/mailset.1");
	char *syn = between(man, ".Sh SYNOPSIS\n", "\n.Sh ");
	char *list = between(man, ".Ss Commands\n", "\n.Sh ");
	/* each form: a synopsis of its own, an entry of its own */
	for (size_t i = 0; i < cli_ncommands; i++) {
		const char *name = cli_commands[i].name;
		size_t rows = rows_named(name);
		ck_assert_msg(lines_naming(syn, ".Cm ", name) >= rows,
			      "man/mailset.1's SYNOPSIS lacks \".Cm %s\" (%zu form(s))", name, rows);
		ck_assert_msg(lines_naming(list, ".It Cm ", name) >= rows,
			      "man/mailset.1's Commands list lacks \".It Cm %s\" (%zu form(s))", name,
			      rows);
	}
	/* and no entry for a command that is gone */
	for (const char *l = strstr(list, "\n.It Cm "); l; l = strstr(l + 1, "\n.It Cm ")) {
		const char *w = l + strlen("\n.It Cm ");
		char *name = xstrndup(w, strcspn(w, " \n"));
		ck_assert_msg(cli_command(name) != NULL,
			      "man/mailset.1 describes '%s', which is not in cli_commands[]", name);
		free(name);
	}
	free(list);
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
	char *man = slurp("man/mailset.1");
	const char *start = strstr(man, ".Ss Keys\n");
	ck_assert_msg(start != NULL, "man/mailset.1 has no Keys subsection");
	start = strstr(start, "\n.Pp\n");
	const char *end = start ? strstr(start, "\n.Sh ") : NULL;
	ck_assert_msg(start && end, "man/mailset.1: the Keys subsection has no scopes");
	char *have = xstrndup(start + 1, (size_t)(end - start));
	char *want = keys_section();
	if (strcmp(have, want)) {
		/* what it should read, to paste in */
		const char *tmp = getenv("TMPDIR");
		char *path = xasprintf("%s/mailset-man-keys.roff", tmp && *tmp ? tmp : "/tmp");
		FILE *fp = fopen(path, "w");
		if (fp) {
			fputs(want, fp);
			fclose(fp);
		}
		ck_abort_msg("man/mailset.1's key lists (from the first .Pp of Keys to the next "
			     ".Sh) differ from the key table: %s has what they should read", path);
	}
	free(have);
	free(want);
	free(man);
}
END_TEST

START_TEST(man5_lists_every_field)
{
	char *man = slurp("man/mailset.ini.5");
	/* each key has its own entry: ".It Cm key", then its labels (a key
	 * named elsewhere, as "host" in the preset files, does not count) */
	for (int i = 0; i < F_COUNT; i++) {
		const struct field *f = &settings_fields[i];
		char *entry = xasprintf(".It Cm %s\n%s", f->key, f->label_ja);
		ck_assert_msg(strstr(man, entry) != NULL,
			      "mailset.ini.5 lacks the entry of %s (\".It Cm %s\" followed by "
			      "its label %s)", f->key, f->key, f->label_ja);
		free(entry);
	}
	for (size_t i = 0; i < settings_nsections; i++) {
		char *hdr = xasprintf("[%s]", settings_sections[i].name);
		ck_assert_msg(strstr(man, hdr) != NULL, "mailset.ini.5 lacks %s", hdr);
		free(hdr);
	}
	free(man);
}
END_TEST

int main(void)
{
	i18n_init();
	Suite *s = suite_create("docs");
	TCase *tc = tcase_create("man");
	tcase_add_test(tc, man1_lists_every_binding);
	tcase_add_test(tc, man5_lists_every_field);
	tcase_add_test(tc, command_rows_agree);
	tcase_add_test(tc, man1_lists_every_command);
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
