/* SPDX-License-Identifier: MIT */
/* json.c - writing the JSON documents of --json (see json.h). */
#include "mailset/json.h"

#include <stdio.h>
#include <string.h>

/* The length of the valid UTF-8 sequence at s (1..4), or 0 with *bad the
 * bytes to replace by one U+FFFD: the longest start of a valid sequence,
 * or the one byte (Unicode's "maximal subpart", as Python decodes). */
static size_t utf8_len(const unsigned char *s, size_t *bad)
{
	unsigned c = s[0];
	size_t n;
	unsigned lo = 0x80, hi = 0xBF; /* the second byte's range */
	*bad = 1;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		unsigned b = s[i];
		if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xBF)) {
			*bad = i;
			return 0;
		}
	}
	return n;
}

void json_escape(struct strbuf *sb, const char *s)
{
	sb_addc(sb, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		unsigned c = *p;
		size_t bad, n = utf8_len(p, &bad);
		if (c == '"' || c == '\\') {
			sb_addc(sb, '\\');
			sb_addc(sb, (char)c);
		} else if (c == '\n') {
			sb_adds(sb, "\\n");
		} else if (c == '\t') {
			sb_adds(sb, "\\t");
		} else if (c == '\r') {
			sb_adds(sb, "\\r");
		} else if (c < 0x20 || c == 0x7F) {
			sb_addf(sb, "\\u%04x", c);
		} else if (!n) {
			sb_adds(sb, "\\ufffd");
			p += bad;
			continue;
		} else if (n == 3 && c == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9)) {
			sb_adds(sb, p[2] == 0xA8 ? "\\u2028" : "\\u2029");
		} else {
			sb_add(sb, p, n);
		}
		p += n ? n : 1;
	}
	sb_addc(sb, '"');
}

/* The comma before a value or key, when one came before at this depth. */
static void before_value(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth > 0) {
		if (!j->first[j->depth])
			sb_addc(&j->sb, ',');
		j->first[j->depth] = false;
	}
}

void json_open(struct json *j, char bracket)
{
	before_value(j);
	sb_addc(&j->sb, bracket);
	if (j->depth + 1 < (int)(sizeof j->first / sizeof *j->first))
		j->depth++;
	j->first[j->depth] = true;
}

void json_close(struct json *j, char bracket)
{
	sb_addc(&j->sb, bracket);
	if (j->depth > 0)
		j->depth--;
}

void json_key(struct json *j, const char *key)
{
	before_value(j);
	json_escape(&j->sb, key);
	sb_addc(&j->sb, ':');
	j->after_key = true;
}

void json_str(struct json *j, const char *s)
{
	before_value(j);
	if (s)
		json_escape(&j->sb, s);
	else
		sb_adds(&j->sb, "null");
}

void json_int(struct json *j, long long v)
{
	before_value(j);
	sb_addf(&j->sb, "%lld", v);
}

void json_bool(struct json *j, bool v)
{
	before_value(j);
	sb_adds(&j->sb, v ? "true" : "false");
}

void json_null(struct json *j)
{
	before_value(j);
	sb_adds(&j->sb, "null");
}

void json_raw(struct json *j, const char *text)
{
	before_value(j);
	sb_adds(&j->sb, text);
}

void json_kstr(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_str(j, s);
}
