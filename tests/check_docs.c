/* check_docs.c - the man pages say what the tables say: every key binding
 * in mailset(1), every field in mailset.ini(5). A binding or field added
 * without its documentation fails here. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
