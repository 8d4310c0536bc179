/* SPDX-License-Identifier: MIT */
/* transcript.c - redaction and safe rendering of SMTP dialogue lines. */
#include "mailset/transcript.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mailset/util.h"

static char *b64(const unsigned char *p, size_t n)
{
	char *out = xmalloc(4 * ((n + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)out, p, (int)n);
	return out;
}

static int by_length(const void *a, const void *b)
{
	size_t x = strlen(*(char *const *)a), y = strlen(*(char *const *)b);
	return x < y ? 1 : x > y ? -1 : 0;
}

void redactor_init(struct redactor *r, const char *user, const char *pass)
{
	memset(r, 0, sizeof *r);
	if (!pass || !*pass)
		return;
	size_t ul = user ? strlen(user) : 0, pl = strlen(pass);
	r->forms[r->nforms++] = xstrdup(pass);
	r->forms[r->nforms++] = b64((const unsigned char *)pass, pl);
	/* SASL PLAIN: authzid \0 authcid \0 password, authzid empty or not */
	unsigned char *buf = xmalloc(2 * ul + pl + 2);
	buf[0] = '\0';
	memcpy(buf + 1, user ? user : "", ul);
	buf[1 + ul] = '\0';
	memcpy(buf + 2 + ul, pass, pl);
	r->forms[r->nforms++] = b64(buf, ul + pl + 2);
	memcpy(buf, user ? user : "", ul);
	buf[ul] = '\0';
	memcpy(buf + ul + 1, user ? user : "", ul);
	buf[2 * ul + 1] = '\0';
	memcpy(buf + 2 * ul + 2, pass, pl);
	r->forms[r->nforms++] = b64(buf, 2 * ul + pl + 2);
	explicit_bzero(buf, 2 * ul + pl + 2);
	free(buf);
	qsort(r->forms, r->nforms, sizeof *r->forms, by_length);
}

void redactor_free(struct redactor *r)
{
	for (size_t i = 0; i < r->nforms; i++) {
		explicit_bzero(r->forms[i], strlen(r->forms[i]));
		free(r->forms[i]);
	}
	memset(r, 0, sizeof *r);
}

/* Replace every occurrence of every form by REDACTED, in place of a copy. */
static char *hide(const struct redactor *r, const char *s, size_t n)
{
	char *out = xstrndup(s, n);
	/* A NUL inside the bytes would hide what follows from strstr(). */
	for (size_t i = 0; i < n; i++)
		if (!out[i])
			out[i] = '\x01';
	for (size_t f = 0; f < r->nforms; f++) {
		const char *form = r->forms[f];
		size_t fl = strlen(form);
		if (!fl)
			continue;
		struct strbuf sb = { 0 };
		const char *p = out, *hit;
		bool any = false;
		while ((hit = strstr(p, form)) != NULL) {
			sb_add(&sb, p, (size_t)(hit - p));
			sb_adds(&sb, REDACTED);
			p = hit + fl;
			any = true;
		}
		if (!any) {
			sb_free(&sb);
			continue;
		}
		sb_adds(&sb, p);
		explicit_bzero(out, strlen(out));
		free(out);
		out = sb_steal(&sb);
	}
	return out;
}

static bool holds_secret(const struct redactor *r, const char *s)
{
	for (size_t f = 0; f < r->nforms; f++)
		if (*r->forms[f] && strstr(s, r->forms[f]))
			return true;
	return false;
}

/* Hidden, made safe, and hidden again: rendering (ESC as "^[") or the
 * marker itself could spell a short password. Should a form still show,
 * the whole line goes. */
static char *finish(const struct redactor *r, const char *s, size_t n)
{
	char *hidden = hide(r, s, n);
	char *safe = transcript_safe(hidden, strlen(hidden), TRANSCRIPT_LINE_MAX);
	explicit_bzero(hidden, strlen(hidden));
	free(hidden);
	if (!holds_secret(r, safe))
		return safe;
	char *again = hide(r, safe, strlen(safe));
	explicit_bzero(safe, strlen(safe));
	free(safe);
	/* (a password of stray bytes may have cut a character in two) */
	if (!holds_secret(r, again) && utf8_valid(again, strlen(again)))
		return again;
	explicit_bzero(again, strlen(again));
	free(again);
	return xstrdup(holds_secret(r, "(hidden)") ? "" : "(hidden)");
}

char *redact_client(struct redactor *r, const char *line, size_t n)
{
	if (r->answer_334) {
		/* Whatever answers a challenge is a credential. */
		r->answer_334 = false;
		return finish(r, REDACTED, strlen(REDACTED));
	}
	if (n >= 5 && !strncasecmp(line, "AUTH ", 5)) {
		/* "AUTH MECH [initial-response]" */
		const char *mech = line + 5, *end = line + n;
		const char *sp = memchr(mech, ' ', (size_t)(end - mech));
		if (sp) {
			char *out = xasprintf("AUTH %.*s " REDACTED, (int)(sp - mech), mech);
			char *safe = finish(r, out, strlen(out));
			free(out);
			return safe;
		}
	}
	return finish(r, line, n);
}

char *redact_server(struct redactor *r, const char *line, size_t n)
{
	/* A 334 continuation asks the client for a credential. */
	r->answer_334 = n >= 3 && !strncmp(line, "334", 3);
	return finish(r, line, n);
}

char *redact_text(const struct redactor *r, const char *line, size_t n)
{
	return finish(r, line, n);
}
