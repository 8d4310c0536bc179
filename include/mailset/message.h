/* SPDX-License-Identifier: MIT */
/* message.h - the test message: headers, RFC 2047 names, MIME UTF-8 body.
 *
 * Every function returns a new string (caller frees). Lines end in CRLF;
 * no value can add a header or an SMTP command: CR, LF and NUL in any
 * input make message_build() refuse. */
#ifndef MAILSET_MESSAGE_H
#define MAILSET_MESSAGE_H

#include <stddef.h>
#include <time.h>

#include "mailset/settings.h"

/* The longest encoded word RFC 2047 allows. */
#define MSG_WORD_MAX 75

/* UTF-8 text as one or more RFC 2047 B encoded words ("=?UTF-8?B?...?="),
 * each at most MSG_WORD_MAX characters and never splitting a character,
 * separated by sep (e.g. "\r\n " to fold a header). Plain ASCII text
 * without specials comes back as it is. */
char *message_encode_words(const char *text, const char *sep);

/* The template with {{ base_info.contact_email }} and
 * {{ base_info.system_email }} (blanks inside the braces optional)
 * replaced from s. */
char *message_fill(const char *tmpl, const struct settings *s);

/* The whole message, ready for DATA, in ASCII: From "system_sender_name
 * <system_email>" (RFC 2047 encoded words), To the test recipient (domains
 * as A-labels), header lines folded at 78 characters, Subject, Date (of when),
 * Message-ID (random, from OpenSSL), MIME 1.0, the body (template filled)
 * as base64 UTF-8 text. BCC addresses are envelope recipients only and
 * never appear here. Returns NULL with *err (new string) on refusal. */
char *message_build(const struct settings *s, const char *to, const char *tmpl,
		    time_t when, char **err);

/* An address as it goes on the wire and in headers: the domain in its
 * A-label (ASCII) form, the local part as it is. A domain libidn2 cannot
 * convert is kept as given (validation refuses those first). New string. */
char *message_ascii_address(const char *addr);

/* Read share/mailset/test-mail.txt (i18n_datadir()). NULL with *err. */
char *message_template(char **err);

#endif
