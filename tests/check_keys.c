/* check_keys.c - the action table: one key, one action; help covers all. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mailset/i18n.h"
#include "mailset/ui/keys.h"
#include "mailset/util.h"

START_TEST(no_key_bound_twice)
{
	int k = keys_collision();
	ck_assert_msg(k == 0, "key 0x%x is bound to two actions", k);
}
END_TEST

START_TEST(collision_is_detected)
{
	/* The check itself must be able to fail: the shipped table with one
	 * key of another action added to each action in turn. */
	size_t n = keys_count;
	struct binding *t = xcalloc(n, sizeof *t);
	for (size_t i = 0; i < n; i++) {
		memcpy(t, keys_table, n * sizeof *t);
		ck_assert_int_eq(keys_collision_in(t, n), 0);
		int k = 0;
		while (k < KEYS_PER_ACTION && t[i].keys[k])
			k++;
		if (k == KEYS_PER_ACTION)
			continue;
		int other = keys_table[(i + 1) % n].keys[0];
		t[i].keys[k] = other;
		ck_assert_msg(keys_collision_in(t, n) == other,
			      "binding %zu given key 0x%x of another action: not detected", i, other);
	}
	/* and within one action */
	memcpy(t, keys_table, n * sizeof *t);
	if (!t[0].keys[1]) {
		t[0].keys[1] = t[0].keys[0];
		ck_assert_int_eq(keys_collision_in(t, n), t[0].keys[0]);
	}
	free(t);
}
END_TEST

START_TEST(every_action_has_keys_and_help)
{
	for (int act = ACT_NONE + 1; act < ACT_COUNT; act++) {
		const struct binding *b = keys_binding(act);
		ck_assert_msg(b->act == (enum action)act, "action %d has no binding", act);
		ck_assert_msg(b->keys[0] != 0, "action %d has no key", act);
		ck_assert_msg(b->keys_label && *b->keys_label, "action %d has no key label", act);
		ck_assert_msg(b->help_ja && *b->help_ja && b->help_en && *b->help_en,
			      "action %d has no help text", act);
		for (int k = 0; k < KEYS_PER_ACTION && b->keys[k]; k++)
			ck_assert_int_eq(keys_action(b->keys[k]), act);
	}
}
END_TEST

START_TEST(spec_keys)
{
	/* SPEC section 2: the keys users are told about. */
	ck_assert_int_eq(keys_action(KEY_FN | 0x109), ACT_HELP);      /* F1 */
	ck_assert_int_eq(keys_action(KEY_FN | 0x10a), ACT_SAVE);      /* F2 */
	ck_assert_int_eq(keys_action(CTRL_KEY('s')), ACT_SAVE);
	ck_assert_int_eq(keys_action(KEY_FN | 0x10b), ACT_PRESETS);   /* F3 */
	ck_assert_int_eq(keys_action(KEY_FN | 0x10d), ACT_TESTSEND);  /* F5 */
	ck_assert_int_eq(keys_action(KEY_FN | 0x112), ACT_QUIT);      /* F10 */
	ck_assert_int_eq(keys_action(CTRL_KEY('q')), ACT_QUIT);
	ck_assert_int_eq(keys_action(0x1b), ACT_CANCEL);              /* Esc */
	ck_assert_int_eq(keys_action('\t'), ACT_NEXT);
	ck_assert_int_eq(keys_action('a'), ACT_NONE);
	ck_assert_int_eq(keys_action(0x65e5), ACT_NONE);              /* 日 */
}
END_TEST

int main(void)
{
	i18n_init();
	Suite *s = suite_create("keys");
	TCase *tc = tcase_create("table");
	tcase_add_test(tc, no_key_bound_twice);
	tcase_add_test(tc, collision_is_detected);
	tcase_add_test(tc, every_action_has_keys_and_help);
	tcase_add_test(tc, spec_keys);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
