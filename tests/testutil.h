/* testutil.h - helpers the Check tests share (included, not compiled
 * alone). The including file defines `static char *tmp_root;`, the
 * directory main() makes and removes after all tests ran. */
#ifndef MAILSET_TESTUTIL_H
#define MAILSET_TESTUTIL_H

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mailset/util.h"

static char *tmp_root;

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
