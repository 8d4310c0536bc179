/* SPDX-License-Identifier: MIT */
/* fuzz_render.c - libFuzzer harness: transcript_safe(), the renderer of
 * server bytes.
 *
 * Input: CAP TEXT... - the first byte is the cap (0-255), the rest raw
 * server bytes (NUL, CR, escape sequences, invalid UTF-8 included).
 * transcript_safe(TEXT, n, CAP) must give valid UTF-8 without a byte below
 * 0x20, without DEL and without a C1 character (U+0080..U+009F), of at
 * most CAP characters plus a final "…" (transcript.h: "at most cap
 * characters (then "…")"). Text that is already printable UTF-8 of at most
 * CAP characters comes back unchanged.
 * Every failure prints "fuzz_render: ..." and aborts. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailset/transcript.h"
#include "mailset/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ELLIPSIS "\xE2\x80\xA6"

__attribute__((noreturn, format(printf, 1, 2)))
static void die(const char *fmt, ...)
{
	va_list ap;
	fputs("fuzz_render: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* Printable: valid UTF-8 without C0, DEL or C1. */
static bool printable(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (!k || cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			return false;
		i += k;
	}
	return true;
}

/* Characters of printable text. */
static size_t chars_of(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	size_t cap = data[0];
	const char *text = (const char *)data + 1;
	size_t n = size - 1;
	char *out = transcript_safe(text, n, cap);
	size_t on = strlen(out);

	if (!utf8_valid(out, on))
		die("the output is not valid UTF-8");
	size_t chars = 0;
	for (size_t i = 0; i < on; chars++) {
		uint32_t cp;
		size_t k = utf8_decode(out + i, on - i, &cp);
		if (cp < 0x20 || cp == 0x7f)
			die("the output holds the control byte 0x%02X", (unsigned)cp);
		if (cp >= 0x80 && cp <= 0x9f)
			die("the output holds the C1 character U+%04X", (unsigned)cp);
		i += k;
	}
	bool ellipsis = on >= 3 && !memcmp(out + on - 3, ELLIPSIS, 3);
	if (chars > cap + (ellipsis ? 1 : 0))
		die("the output has %zu characters for a cap of %zu: '%s'", chars, cap, out);

	if (printable(text, n) && chars_of(text, n) <= cap &&
	    (on != n || memcmp(out, text, n) != 0))
		die("printable text of at most %zu characters was changed: '%s'", cap, out);
	free(out);
	return 0;
}
