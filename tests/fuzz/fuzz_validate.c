/* SPDX-License-Identifier: MIT */
/* fuzz_validate.c - libFuzzer harness: the validators and the normaliser.
 *
 * Input: one value, as a NUL-terminated string (bytes after a NUL are not
 * seen, as in a C string read from a file or a command line).
 *  - validate_address, _address_list, _display_name, _host, _port,
 *    _nameserver, _selectors and _choice (with every choice list of the
 *    field table and with none),
 *    and validate_field() for every field: no crash, no leak; a message is
 *    non-empty, valid UTF-8 and holds no control character (C0, DEL, C1),
 *    whatever the input (validate.c quotes values only through show()).
 *  - The password's message never quotes the password: it is the same for
 *    the input with every ASCII letter and digit replaced by another one.
 *  - validate_normalize() for every field (app password lengths 0, 16 and
 *    one from the input): the result is valid UTF-8 when the input is, and
 *    normalising it again changes nothing.
 * Every failure prints "fuzz_validate: ..." and aborts. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailset/settings.h"
#include "mailset/util.h"
#include "mailset/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

__attribute__((noreturn, format(printf, 1, 2)))
static void die(const char *fmt, ...)
{
	va_list ap;
	fputs("fuzz_validate: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* The input as printable text for a failure message. */
static char *vis(const char *s)
{
	struct strbuf sb = { 0 };
	sb_adds(&sb, "");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p >= 0x7f || *p == '\\')
			sb_addf(&sb, "\\x%02X", *p);
		else
			sb_addc(&sb, (char)*p);
	}
	return sb_steal(&sb);
}

/* Why msg is not a message a terminal can show safely, or NULL. */
static const char *bad_message(const char *msg)
{
	size_t n = strlen(msg);
	if (!n)
		return "is empty";
	if (!utf8_valid(msg, n))
		return "is not valid UTF-8";
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_decode(msg + i, n - i, &cp);
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			return "holds a control character";
		i += k;
	}
	return NULL;
}

/* Check and free one validator's answer. */
static void check_msg(char *msg, const char *what, const char *input)
{
	if (!msg)
		return;
	const char *why = bad_message(msg);
	if (why) {
		char *v = vis(input), *m = vis(msg);
		die("%s('%s'): the message %s: '%s'", what, v, why, m);
	}
	free(msg);
}

/* Every ASCII letter and digit replaced by the next one of its kind: the
 * same characters classes, lengths and positions, other characters. */
static char *scramble(const char *s)
{
	char *t = xstrdup(s);
	for (char *p = t; *p; p++) {
		if (*p >= 'a' && *p <= 'z')
			*p = *p == 'z' ? 'a' : (char)(*p + 1);
		else if (*p >= 'A' && *p <= 'Z')
			*p = *p == 'Z' ? 'A' : (char)(*p + 1);
		else if (*p >= '0' && *p <= '9')
			*p = *p == '9' ? '0' : (char)(*p + 1);
	}
	return t;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *)data, size);
	size_t n = strlen(s);
	bool valid = utf8_valid(s, n);

	check_msg(validate_address(s), "validate_address", s);
	check_msg(validate_address_list(s), "validate_address_list", s);
	check_msg(validate_display_name(s), "validate_display_name", s);
	check_msg(validate_host(s), "validate_host", s);
	check_msg(validate_port(s), "validate_port", s);
	check_msg(validate_nameserver(s), "validate_nameserver", s);
	check_msg(validate_selectors(s), "validate_selectors", s);
	check_msg(validate_choice(s, NULL), "validate_choice(no choices)", s);
	for (int i = 0; i < F_COUNT; i++)
		if (settings_fields[i].choices)
			check_msg(validate_choice(s, settings_fields[i].choices), "validate_choice", s);

	for (int i = 0; i < F_COUNT; i++) {
		enum field_id id = (enum field_id)i;
		char *msg = validate_field(id, s);
		if (msg && settings_fields[i].kind == FK_SECRET) {
			char *t = scramble(s);
			char *other = validate_field(id, t);
			if (!other || strcmp(msg, other) != 0) {
				char *v = vis(s), *m = vis(msg);
				die("validate_field(%s): the message depends on the secret's "
				    "characters ('%s' gives '%s')", settings_field_name(id), v, m);
			}
			free(other);
			free(t);
		}
		check_msg(msg, settings_field_name(id), s);

		const int apps[] = { 0, 16, 1 + (int)(size % 24) };
		for (size_t a = 0; a < sizeof apps / sizeof *apps; a++) {
			char *norm = validate_normalize(id, s, apps[a]);
			if (valid && !utf8_valid(norm, strlen(norm))) {
				char *v = vis(s), *o = vis(norm);
				die("validate_normalize(%s, '%s', %d) gives invalid UTF-8 '%s'",
				    settings_field_name(id), v, apps[a], o);
			}
			char *again = validate_normalize(id, norm, apps[a]);
			if (strcmp(again, norm) != 0) {
				char *v = vis(s), *o = vis(norm), *o2 = vis(again);
				die("validate_normalize(%s, ..., %d) is not stable: '%s' -> '%s' -> '%s'",
				    settings_field_name(id), apps[a], v, o, o2);
			}
			free(again);
			free(norm);
		}
	}
	free(s);
	return 0;
}
