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

START_TEST(man1_lists_every_binding)
{
	char *man = slurp("man/mailset.1");
	for (size_t i = 0; i < keys_count; i++) {
		const struct binding *b = &keys_table[i];
		char *item = xasprintf(".It %s\n%s\n", b->keys_label, b->help_en);
		ck_assert_msg(strstr(man, item) != NULL,
			      "man/mailset.1 lacks the key entry:\n%s", item);
		free(item);
	}
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
