/* SPDX-License-Identifier: MIT */
/* check_keys.c - the key table: one key, one action in a scope; help,
 * key bars and footers are made from it. */
#include <check.h>
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "mailset/i18n.h"
#include "mailset/ui/keys.h"
#include "mailset/util.h"

#define F(n) (KEY_FN | KEY_F(n))

START_TEST(no_key_bound_twice)
{
	int k = keys_collision();
	ck_assert_msg(k == 0, "key 0x%x (%s) is bound twice in one scope", k, keys_name(k));
}
END_TEST

START_TEST(collision_is_detected)
{
	/* The check itself must be able to fail: the shipped table with a key
	 * of another row of the same scope planted in each row in turn. */
	size_t n = keys_count, planted = 0;
	struct binding *t = xcalloc(n, sizeof *t);
	for (size_t i = 0; i < n; i++) {
		size_t j = 0;
		while (j < n && (j == i || keys_table[j].scope != keys_table[i].scope))
			j++;
		if (j == n)
			continue;
		memcpy(t, keys_table, n * sizeof *t);
		ck_assert_int_eq(keys_collision_in(t, n), 0);
		int k = 0;
		while (k < KEYS_PER_ACTION && t[i].keys[k])
			k++;
		if (k == KEYS_PER_ACTION)
			continue;
		int other = keys_table[j].keys[0];
		t[i].keys[k] = other;
		ck_assert_msg(keys_collision_in(t, n) != 0,
			      "row %zu given key %s of row %zu: not detected", i, keys_name(other), j);
		planted++;
	}
	ck_assert_uint_gt(planted, n / 2);
	/* between two scopes one scope includes: the form's global keys and
	 * its field keys */
	memcpy(t, keys_table, n * sizeof *t);
	for (size_t i = 0; i < n; i++)
		if (t[i].scope == SC_FIELD && t[i].act == ACT_KILL)
			t[i].keys[1] = F(2); /* F2 is the global Save */
	ck_assert_int_eq(keys_collision_in(t, n), F(2));
	free(t);
}
END_TEST

START_TEST(every_row_has_keys_and_help)
{
	for (size_t i = 0; i < keys_count; i++) {
		const struct binding *b = &keys_table[i];
		ck_assert_msg(b->keys[0] != 0, "row %zu has no key", i);
		ck_assert_msg(b->help_ja && *b->help_ja && b->help_en && *b->help_en,
			      "row %zu has no help text", i);
		ck_assert_msg(!b->bar_ja == !b->bar_en, "row %zu: bar label in one language", i);
		for (int k = 0; k < KEYS_PER_ACTION && b->keys[k]; k++)
			ck_assert_int_eq(keys_action(b->scope, b->keys[k]), b->act);
	}
	for (int s = 0; s < SC_COUNT; s++) {
		bool rows = false;
		for (size_t i = 0; i < keys_count; i++)
			rows |= keys_table[i].scope == (enum scope)s;
		ck_assert_msg(rows, "scope %s has no keys", keys_scopes[s].name);
		ck_assert_ptr_nonnull(keys_scopes[s].name);
	}
}
END_TEST

START_TEST(spec_keys)
{
	/* SPEC section 2: the keys users are told about. */
	ck_assert_int_eq(keys_action(SC_FORM, F(1)), ACT_HELP);
	ck_assert_int_eq(keys_action(SC_FORM, F(2)), ACT_SAVE);
	ck_assert_int_eq(keys_action(SC_FORM, CTRL_KEY('s')), ACT_SAVE);
	ck_assert_int_eq(keys_action(SC_FORM, F(3)), ACT_PRESETS);
	ck_assert_int_eq(keys_action(SC_FORM, F(5)), ACT_TESTSEND);
	ck_assert_int_eq(keys_action(SC_FORM, F(10)), ACT_QUIT);
	ck_assert_int_eq(keys_action(SC_FORM, CTRL_KEY('q')), ACT_QUIT);
	ck_assert_int_eq(keys_action(SC_FORM, 0x1b), ACT_CANCEL);
	ck_assert_int_eq(keys_action(SC_FORM, '\t'), ACT_NEXT);
	ck_assert_int_eq(keys_action(SC_FORM, 'a'), ACT_NONE);
	ck_assert_int_eq(keys_action(SC_FORM, 0x65e5), ACT_NONE); /* 日 */
	ck_assert_int_eq(keys_action(SC_WIZARD, 0x1b), ACT_QUIT);
	ck_assert_int_eq(keys_action(SC_QUIT, 's'), ACT_SAVE_QUIT);
	ck_assert_int_eq(keys_action(SC_QUIT, 'S'), ACT_SAVE_QUIT);
}
END_TEST

START_TEST(inner_scopes_rebind)
{
	/* The test send's dialogue: the arrows scroll it; the help says so
	 * and no longer offers them as "next field". */
	enum scope chain[] = { SC_TEST_LOG, SC_FORM };
	ck_assert_int_eq(keys_lookup(chain, 2, KEY_FN | KEY_DOWN), ACT_SCROLL_DOWN);
	ck_assert_int_eq(keys_lookup(chain, 2, F(2)), ACT_SAVE);
	char *help = keys_help(chain, 2);
	ck_assert_ptr_nonnull(strstr(help, "Scroll down"));
	ck_assert_ptr_null(strstr(help, "\xE2\x86\x93 / Enter"));
	ck_assert_ptr_null(strstr(help, "Next field"));
	ck_assert_ptr_null(strstr(help, "Typing edits"));
	free(help);
	/* a field in the form: the editing keys and a word on typing */
	enum scope form[] = { SC_FORM, SC_FIELD };
	help = keys_help(form, 2);
	ck_assert_ptr_nonnull(strstr(help, "Ctrl-K\tDelete to the end of the field"));
	ck_assert_ptr_nonnull(strstr(help, "F2 / Ctrl-S\t"));
	ck_assert_ptr_nonnull(strstr(help, "Typing edits"));
	free(help);
}
END_TEST

START_TEST(key_names)
{
	ck_assert_str_eq(keys_name(F(10)), "F10");
	ck_assert_str_eq(keys_name(CTRL_KEY('q')), "Ctrl-Q");
	ck_assert_str_eq(keys_name('s'), "S");
	ck_assert_str_eq(keys_name('\n'), "Enter");
	int k[] = { '\r', '\n', KEY_FN | KEY_ENTER, 0x1b };
	char *l = keys_label(k, 4);
	ck_assert_str_eq(l, "Enter / Esc");
	free(l);
}
END_TEST

int main(void)
{
	i18n_init();
	Suite *s = suite_create("keys");
	TCase *tc = tcase_create("table");
	tcase_add_test(tc, no_key_bound_twice);
	tcase_add_test(tc, collision_is_detected);
	tcase_add_test(tc, every_row_has_keys_and_help);
	tcase_add_test(tc, spec_keys);
	tcase_add_test(tc, inner_scopes_rebind);
	tcase_add_test(tc, key_names);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
