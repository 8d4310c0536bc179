/* SPDX-License-Identifier: MIT */
/* fuzz_redact.c - libFuzzer harness: the transcript redactor.
 *
 * Input: USER \0 PASSWORD \0 LINES. USER and PASSWORD hold no NUL (they
 * come from a C string); LINES are raw bytes, split at '\n' into lines
 * (each may hold NUL, CR, escape sequences, invalid UTF-8). Inputs without
 * two NULs or with an empty password are skipped.
 *
 * With redactor_init(USER, PASSWORD), each line goes through redact_server,
 * redact_client and redact_text, then the sequence server "334 x", client
 * line (an answer to a challenge), and last the whole of LINES as one line.
 * No output may contain
 *   - the password,
 *   - base64 of the password,
 *   - base64 of "\0USER\0PASSWORD" (SASL PLAIN, empty authzid),
 *   - base64 of "USER\0USER\0PASSWORD" (SASL PLAIN, authzid = user),
 * and every output must be valid UTF-8 without control characters (C0,
 * DEL, C1). The property is strict: it must hold for every password, also
 * one made of characters that mailset's own markers use.
 * Every failure prints "fuzz_redact: ..." and aborts. */
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailset/transcript.h"
#include "mailset/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

__attribute__((noreturn, format(printf, 1, 2)))
static void die(const char *fmt, ...)
{
	va_list ap;
	fputs("fuzz_redact: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static char *b64(const void *p, size_t n)
{
	char *out = xmalloc(4 * ((n + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)out, p, (int)n);
	return out;
}

struct forms {
	const char *name[4];
	char *form[4];
};

static void make_forms(struct forms *f, const char *user, const char *pass)
{
	size_t ul = strlen(user), pl = strlen(pass);
	char *buf = xmalloc(2 * ul + pl + 2);
	f->name[0] = "the password";
	f->form[0] = xstrdup(pass);
	f->name[1] = "base64 of the password";
	f->form[1] = b64(pass, pl);
	f->name[2] = "base64 of \\0user\\0password";
	buf[0] = '\0';
	memcpy(buf + 1, user, ul);
	buf[1 + ul] = '\0';
	memcpy(buf + 2 + ul, pass, pl);
	f->form[2] = b64(buf, ul + pl + 2);
	f->name[3] = "base64 of user\\0user\\0password";
	memcpy(buf, user, ul);
	buf[ul] = '\0';
	memcpy(buf + ul + 1, user, ul);
	buf[2 * ul + 1] = '\0';
	memcpy(buf + 2 * ul + 2, pass, pl);
	f->form[3] = b64(buf, 2 * ul + pl + 2);
	free(buf);
}

static void free_forms(struct forms *f)
{
	for (int i = 0; i < 4; i++)
		free(f->form[i]);
}

/* Check and free one output of the redactor. */
static void check(char *out, const struct forms *f, const char *what, size_t line)
{
	size_t n = strlen(out);
	for (int i = 0; i < 4; i++)
		if (memmem(out, n, f->form[i], strlen(f->form[i])))
			die("%s of line %zu leaks %s: '%s'", what, line, f->name[i], out);
	if (!utf8_valid(out, n))
		die("%s of line %zu is not valid UTF-8", what, line);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_decode(out + i, n - i, &cp);
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			die("%s of line %zu holds the control character U+%04X", what, line,
			    (unsigned)cp);
		i += k;
	}
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	const char *z1 = memchr(p, '\0', size);
	if (!z1)
		return 0;
	const char *z2 = memchr(z1 + 1, '\0', (size_t)(end - z1 - 1));
	if (!z2 || z2 == z1 + 1)
		return 0;
	const char *user = p, *pass = z1 + 1; /* both NUL-terminated in data */
	const char *lines = z2 + 1;
	size_t nlines = (size_t)(end - lines);

	struct forms f;
	make_forms(&f, user, pass);
	struct redactor r;
	redactor_init(&r, user, pass);

	size_t index = 0;
	for (const char *l = lines; l <= end; index++) {
		const char *nl = memchr(l, '\n', (size_t)(end - l));
		size_t n = nl ? (size_t)(nl - l) : (size_t)(end - l);
		check(redact_server(&r, l, n), &f, "redact_server", index);
		check(redact_client(&r, l, n), &f, "redact_client", index);
		check(redact_text(&r, l, n), &f, "redact_text", index);
		check(redact_server(&r, "334 x", 5), &f, "redact_server(\"334 x\")", index);
		check(redact_client(&r, l, n), &f, "redact_client after 334", index);
		if (!nl)
			break;
		l = nl + 1;
	}
	check(redact_client(&r, lines, nlines), &f, "redact_client (all lines)", index + 1);
	check(redact_server(&r, lines, nlines), &f, "redact_server (all lines)", index + 1);
	check(redact_text(&r, lines, nlines), &f, "redact_text (all lines)", index + 1);

	redactor_free(&r);
	free_forms(&f);
	return 0;
}
