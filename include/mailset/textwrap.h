/* SPDX-License-Identifier: MIT */
/* textwrap.h - text broken into lines of a given display width, for
 * terminals: Japanese line breaking (kinsoku) included. Pure: no curses, so
 * the unit tests link it with the model. The editor reaches these through
 * term.h's term_wrap(), term_wrap_values() and term_width(). */
#ifndef MAILSET_TEXTWRAP_H
#define MAILSET_TEXTWRAP_H

#include <stddef.h>

/* Display width of UTF-8 text in terminal cells (2 for a wide character,
 * 1 for any other; bytes that are not UTF-8 count 1 each). */
int textwrap_width(const char *s);

/* Split UTF-8 text into lines of at most width cells (at least 4). "\n"
 * ends a line. A line breaks at a blank (dropped there) or between two
 * characters where one is wide (Japanese has no blanks), following the
 * Japanese rules: no line starts with closing brackets and punctuation
 * (、。，．）」』】〕！？ー, small kana, ASCII ) ] } , . : ; ! ?) and none
 * ends with an opening bracket (（「『【〔 ( [ { and ※). A template
 * variable "{{ ... }}" is never broken, nor a word from the bracket or
 * mark that opens or closes it, as in "(例)support@example.com". A unit
 * wider than a line is cut where it must be. Returns the number of lines;
 * (*out)[i] are new strings (free each and the array). */
size_t textwrap(const char *s, int width, char ***out);

/* The same for text that holds values to copy, such as DNS records: a
 * double-quoted value ("...") is never broken at its blanks. A word or value
 * wider than a line takes lines of its own, cut at width - 1 cells with "↩"
 * (U+21A9: one cell, unlike the East Asian ambiguous "…"). The indentation
 * of a line stays on its first line. */
size_t textwrap_values(const char *s, int width, char ***out);

#endif
