/* SPDX-License-Identifier: MIT */
/* testutil.h - helpers the Check tests share (included, not compiled
 * alone). The including file defines `static char *tmp_root;`, the
 * directory main() makes and removes after all tests ran. */
#ifndef MAILSET_TESTUTIL_H
#define MAILSET_TESTUTIL_H

#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailset/util.h"

static char *tmp_root;

/* main(): make tmp_root, $TMPDIR/NAME.XXXXXX; false (said on stderr)
 * when it cannot. */
static inline bool tmp_root_make(const char *name)
{
	const char *t = getenv("TMPDIR");
	tmp_root = xasprintf("%s/%s.XXXXXX", t && *t ? t : "/tmp", name);
	if (mkdtemp(tmp_root))
		return true;
	perror(tmp_root);
	return false;
}

/* main(): run the suite; returns how many tests failed. */
static inline int suite_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed;
}

/* main(): remove tmp_root and what the tests left in it. */
static inline void tmp_root_remove(const char *name)
{
	char *cmd = xasprintf("rm -rf '%s'", tmp_root);
	if (system(cmd) != 0)
		fprintf(stderr, "%s: cannot remove %s\n", name, tmp_root);
	free(cmd);
	free(tmp_root);
}

/* The whole of the file at path (a new string; *len its length when len
 * is not NULL); a test fails when it cannot be read. */
static inline char *slurp_len(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	ck_assert_msg(fp != NULL, "open %s: %s", path, strerror(errno));
	struct strbuf sb = { 0 };
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		sb_add(&sb, buf, n);
	fclose(fp);
	if (len)
		*len = sb.len;
	return sb.buf ? sb_steal(&sb) : xstrdup("");
}

/* A new directory under tmp_root (caller frees the name). */
static inline char *tmpdir_new(void)
{
	char *d = xasprintf("%s/t.XXXXXX", tmp_root);
	ck_assert_msg(mkdtemp(d) != NULL, "mkdtemp: %s", strerror(errno));
	return d;
}

static inline void rm_rf(const char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

/* A list as set stores it, computed here independently of the code under
 * test: items split on commas and newlines, blanks trimmed, empty items
 * dropped, joined with ','. */
static inline char *canon_list(const char *s)
{
	struct strbuf sb = {0};
	sb_adds(&sb, "");
	const char *p = s;
	while (*p) {
		size_t n = strcspn(p, ",\n");
		const char *b = p, *e = p + n;
		while (b < e && (*b == ' ' || *b == '\t'))
			b++;
		while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e > b) {
			if (sb.len)
				sb_addc(&sb, ',');
			sb_add(&sb, b, (size_t)(e - b));
		}
		p += n;
		if (*p)
			p++;
	}
	return sb_steal(&sb);
}

#endif
