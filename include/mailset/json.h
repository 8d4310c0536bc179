/* SPDX-License-Identifier: MIT */
/* json.h - writing the JSON documents of --json.
 *
 * A document is built in a strbuf with these calls, which put the commas
 * themselves: json_open()/json_close() an object or array ('{' '[' and
 * '}' ']'), json_key() before each member of an object, then a value.
 * Strings are escaped so that the document is valid UTF-8 JSON whatever
 * the bytes given: quote, backslash and control characters escaped, an
 * invalid UTF-8 byte becomes U+FFFD, and U+2028/U+2029 (which end a line
 * in JavaScript) are written \u2028 and \u2029. */
#ifndef MAILSET_JSON_H
#define MAILSET_JSON_H

#include <stdbool.h>

#include "mailset/util.h"

struct json {
	struct strbuf sb;
	int depth;
	bool first[16];   /* no member or element yet at this depth */
	bool after_key;   /* a key was written: its value comes next */
};

void json_open(struct json *j, char bracket);
void json_close(struct json *j, char bracket);
void json_key(struct json *j, const char *key);
void json_str(struct json *j, const char *s);   /* NULL writes null */
void json_int(struct json *j, long long v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* a value written elsewhere (another struct json's whole text) */
void json_raw(struct json *j, const char *text);
/* key and a string (or null) value */
void json_kstr(struct json *j, const char *key, const char *s);
/* s escaped as a JSON string (quotes included), appended to sb */
void json_escape(struct strbuf *sb, const char *s);

#endif
