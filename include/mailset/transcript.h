/* SPDX-License-Identifier: MIT */
/* transcript.h - what may be shown of an SMTP dialogue.
 *
 * Every line passes through here before it is stored or shown anywhere:
 * client lines lose their credentials (an AUTH initial response, every
 * line answering a 334), every line loses the password in any of its
 * forms (plain, base64 of it, base64 of "\0user\0password"), and server
 * bytes are made harmless (control characters and escape sequences shown
 * as visible text, lines capped). All returned strings are new. */
#ifndef MAILSET_TRANSCRIPT_H
#define MAILSET_TRANSCRIPT_H

#include <stdbool.h>
#include <stddef.h>

#define TRANSCRIPT_LINE_MAX 300   /* characters shown of one line */
#define TRANSCRIPT_MAX_LINES 2000 /* then one "truncated" line */
#define REDACTED "********"

struct redactor {
	char *forms[4];      /* the password's forms to hide, longest first */
	size_t nforms;
	bool answer_334;     /* the next client line answers a 334 */
};

/* user and pass may be NULL or "" (no authentication). */
void redactor_init(struct redactor *r, const char *user, const char *pass);
void redactor_free(struct redactor *r);

/* A line the client sent (without its CRLF). */
char *redact_client(struct redactor *r, const char *line, size_t n);
/* A line the server sent (without its CRLF). */
char *redact_server(struct redactor *r, const char *line, size_t n);
/* Any other text (connection and TLS events): hidden and made safe. */
char *redact_text(const struct redactor *r, const char *line, size_t n);

/* transcript_safe(): util.h */

#endif
