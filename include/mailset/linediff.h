/* SPDX-License-Identifier: MIT */
/* linediff.h - a unified diff of two texts, as `diff -u` prints it.
 *
 * Lines are compared whole, line endings included (a CRLF line differs
 * from the same LF line). The edit script is Myers' shortest one, found
 * between the common head and tail; past LINEDIFF_MAX_EDITS differences
 * the middle is shown as removed and added whole. Three lines of context;
 * a last line without a line ending gets "\ No newline at end of file". */
#ifndef MAILSET_LINEDIFF_H
#define MAILSET_LINEDIFF_H

#include <stddef.h>

#define LINEDIFF_MAX_EDITS 1000

/* The diff of a (alen bytes) to b, headed "--- label_a" "+++ label_b";
 * an empty string when they are the same. A new string. */
char *linediff_unified(const char *a, size_t alen, const char *b, size_t blen,
		       const char *label_a, const char *label_b);

#endif
