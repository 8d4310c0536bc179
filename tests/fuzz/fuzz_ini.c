/* SPDX-License-Identifier: MIT */
/* fuzz_ini.c - libFuzzer harness: INI load -> save -> load.
 *
 * Input: the bytes of a configuration file.
 *  1. inifile_parse(). A file that does not parse is fine (no crash, no
 *     leak); one that parses must render with no change to exactly its own
 *     bytes (HACKING, "Writer rules").
 *  2. One field gets a value derived from the input, normalised and
 *     checked exactly as `set` does (validate_normalize, validate_field,
 *     inifile_value_problem). The field is chosen by the first byte and
 *     the value (an existing value, the text of the last comment line, a
 *     table of realistic values, or a mix) by the next two; or, when the
 *     first line is ";@section.key", that field gets the text of the last
 *     comment line (after its ';' or '#'), which keeps the regression
 *     inputs of the corpus readable and independent of the field table's
 *     order.
 *     If it is accepted, the document is rendered with that change (which
 *     may be refused only when the last line has no line ending and is as
 *     long as inih allows: nothing can follow it); the result must parse,
 *     read the value back (for basic.bcc: the same list), keep every other
 *     known key's value, and render with no change to itself; and
 *     settings_render() (the save path, which proves the read-back
 *     itself) must accept the same change.
 * Every failure prints "fuzz_ini: ..." and aborts. */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailset/inifile.h"
#include "mailset/settings.h"
#include "mailset/util.h"
#include "mailset/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

__attribute__((noreturn, format(printf, 1, 2)))
static void die(const char *fmt, ...)
{
	va_list ap;
	fputs("fuzz_ini: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* Realistic values per kind of field, so that a change is often accepted
 * even when the input holds no value of that kind. */
#define NTABLE 6
static const char *table_value(enum field_id id, unsigned which)
{
	static const char *const address[NTABLE] = {
		"support@example.com", "info@例え.jp", "a.b+c@sub.example.co.jp",
		" x@example.org ", "shop@xn--r8jz45g.jp", "no-at-sign" };
	static const char *const list[NTABLE] = {
		"a@example.com,b@example.com", " a@example.com , b@example.jp ",
		"a@example.com\nb@example.com", "#x@example.com,y@example.com",
		"a@example.com,,b@example.com", "" };
	static const char *const name[NTABLE] = {
		"ecforceお客様窓口", "Example Shop", "株式会社 見本", "O'Brien & Co", "bad, name", "" };
	static const char *const host[NTABLE] = {
		"smtp.example.com", "127.0.0.1", "::1", "メール.例え.jp", "smtp.gmail.com", "[::1]" };
	static const char *const port[NTABLE] = { "587", "465", "25", "2525", "65535", "0587" };
	static const char *const text[NTABLE] = {
		"noreply@example.com", "user", "ユーザー", "a;b", "x ;y", "" };
	static const char *const secret[NTABLE] = {
		"secret123", "abcd efgh ijkl mnop", "パスワード", "p;w", "#pw", "" };
	static const char *const path[NTABLE] = {
		"/etc/ssl/certs/ca.pem", "ca.pem", "/tmp/テスト.pem", "", "a b", "c:\\x" };
	static const char *const nameserver[NTABLE] = {
		"8.8.8.8", "1.1.1.1:53", "127.0.0.1:5353", "::1", "8.8.8.8:0", "dns.google" };
	static const char *const selectors[NTABLE] = {
		"google", "default,selector1", " s1 , s2 ", "k1\nk2", "bad selector", "" };
	static const char *const other[NTABLE] = { "on", "off", "x", "", "1", "日本" };
	const struct field *f = &settings_fields[id];
	if (f->choices) {
		/* One of the choices, as typed: lower, upper, with blanks, or not one. */
		size_t n = 0;
		while (f->choices[n])
			n++;
		static char buf[64];
		const char *c = n ? f->choices[which % n] : "";
		switch ((which / 8) % 4) {
		case 0:
			return c;
		case 1:
			for (size_t i = 0; i < sizeof buf - 1 && (buf[i] = c[i]); i++)
				if (buf[i] >= 'a' && buf[i] <= 'z')
					buf[i] = (char)(buf[i] - 'a' + 'A');
			buf[sizeof buf - 1] = '\0';
			return buf;
		case 2:
			snprintf(buf, sizeof buf, " %s ", c);
			return buf;
		default:
			return other[which % NTABLE];
		}
	}
	switch (f->kind) {
	case FK_ADDRESS:
		return address[which % NTABLE];
	case FK_ADDRESS_LIST:
		return list[which % NTABLE];
	case FK_DISPLAY_NAME:
		return name[which % NTABLE];
	case FK_HOST:
		return host[which % NTABLE];
	case FK_PORT:
		return port[which % NTABLE];
	case FK_TEXT:
		return text[which % NTABLE];
	case FK_SECRET:
		return secret[which % NTABLE];
	case FK_PATH:
		return path[which % NTABLE];
	case FK_NAMESERVER:
		return nameserver[which % NTABLE];
	case FK_SELECTORS:
		return selectors[which % NTABLE];
	default:
		return other[which % NTABLE];
	}
}

/* The text of the last comment line after its ';' or '#', and its length. */
static const char *last_comment(const struct ini_doc *doc, size_t *len)
{
	for (size_t i = doc->nlines; i-- > 0;) {
		const struct ini_line *l = &doc->lines[i];
		if (l->kind != INI_COMMENT)
			continue;
		const char *c = l->text;
		const char *end = l->text + l->len;
		while (c < end && *c != ';' && *c != '#')
			c++;
		if (c < end)
			c++;
		*len = (size_t)(end - c);
		return c;
	}
	*len = 0;
	return NULL;
}

/* A value for field id made from the input. Returns a new string. */
static char *derive_value(const struct ini_doc *doc, const uint8_t *data, size_t size,
			  enum field_id id)
{
	uint8_t how = size > 1 ? data[1] : 0;
	uint8_t which = size > 2 ? data[2] : 0;
	size_t clen;
	const char *comment = last_comment(doc, &clen);
	const char *tv = table_value(id, which);
	struct strbuf sb = { 0 };
	switch (how % 6) {
	case 0: /* an existing value */
		if (doc->nentries)
			sb_adds(&sb, doc->entries[which % doc->nentries].value);
		break;
	case 1: /* the last comment's text, as the fuzzer wrote it */
		if (comment)
			sb_add(&sb, comment, clen);
		break;
	case 2: /* a realistic value */
		sb_adds(&sb, tv);
		break;
	case 3: /* a realistic value with the comment's text around it */
		if (comment)
			sb_add(&sb, comment, clen / 2);
		sb_adds(&sb, tv);
		if (comment)
			sb_add(&sb, comment + clen / 2, clen - clen / 2);
		break;
	case 4: /* every value of the file joined as a list */
		for (size_t i = 0; i < doc->nentries; i++) {
			if (i)
				sb_addc(&sb, (how & 0x80) ? '\n' : ',');
			sb_adds(&sb, doc->entries[i].value);
		}
		break;
	default: /* a realistic value repeated (long lists, long values) */
		for (unsigned i = 0; i < 1u + which % 16; i++) {
			if (i)
				sb_addc(&sb, ',');
			sb_adds(&sb, table_value(id, which + i));
		}
		break;
	}
	return sb_steal(&sb);
}

/* The last line has no line ending and is as long as inih allows: nothing
 * can be added after it (HACKING, INI rules). */
static bool full_last_line(const struct ini_doc *doc)
{
	if (!doc->nlines)
		return false;
	const struct ini_line *l = &doc->lines[doc->nlines - 1];
	size_t eol = doc->eol == INI_EOL_CRLF ? 2 : 1;
	return l->eol == INI_EOL_NONE &&
	       l->len + (doc->nlines == 1 && doc->bom ? 3 : 0) + eol > INI_LINE_MAX;
}

/* Render doc with the changes and return the bytes, or NULL when
 * inifile_render() refuses for a reason HACKING documents. */
static char *render(const struct ini_doc *doc, const struct ini_change *ch, size_t nch,
		    size_t *len)
{
	struct strbuf out = { 0 };
	struct ini_error e;
	enum ini_status rc = inifile_render(doc, ch, nch, &out, &e);
	/* The two refusals allowed: nothing can follow a last line that has
	 * no line ending and is already as long as inih reads; and no key can
	 * go before an indented line, which would become its continuation. */
	if (rc == INI_SYNTAX && nch && e.line >= 1 && e.line <= (int)doc->nlines) {
		const struct ini_line *l = &doc->lines[e.line - 1];
		bool full_last = e.line == (int)doc->nlines && full_last_line(doc);
		/* blanks as inih sees them: isspace() */
		bool indented = l->len && isspace((unsigned char)l->text[0]) && l->kind != INI_CONT;
		if (full_last || indented) {
			*len = 0;
			return NULL;
		}
	}
	if (rc != INI_OK)
		die("inifile_render() failed (status %d): %s", (int)rc, e.msg);
	*len = out.len;
	return sb_steal(&out);
}

static char *canon_list(const char *s)
{
	return validate_normalize(F_BCC, s, 0);
}

static bool same_value(enum field_id id, const char *a, const char *b)
{
	if (settings_fields[id].kind != FK_ADDRESS_LIST)
		return strcmp(a, b) == 0;
	char *ca = canon_list(a), *cb = canon_list(b);
	bool same = strcmp(ca, cb) == 0;
	free(ca);
	free(cb);
	return same;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct ini_doc doc;
	struct ini_error e;
	if (inifile_parse(buf, size, &doc, &e) != INI_OK) {
		if (doc.nlines || doc.nentries)
			die("a failed inifile_parse() left a non-empty document");
		return 0;
	}

	/* 1. No change: byte for byte. */
	size_t len;
	char *same = render(&doc, NULL, 0, &len);
	if (len != size || memcmp(same, buf, size) != 0)
		die("rendering with no change gives %zu bytes that differ from the %zu input bytes",
		    len, size);
	free(same);

	/* 2. One change, as `set` would make it. */
	struct settings s = { { 0 } };
	settings_from_doc(&s, &doc);
	enum field_id id = (enum field_id)(size ? data[0] % F_COUNT : 0);
	char *raw;
	if (size > 2 && data[0] == ';' && data[1] == '@') {
		/* ";@section.key": that field, the last comment's text */
		size_t nl = 0;
		while (2 + nl < size && !strchr(" \t\r\n", buf[2 + nl]))
			nl++;
		char *name = xstrndup(buf + 2, nl);
		const struct field *named = settings_field_by_name(name);
		free(name);
		if (!named) {
			settings_free(&s);
			inifile_free(&doc);
			return 0;
		}
		id = named->id;
		size_t clen;
		const char *c = last_comment(&doc, &clen);
		raw = xstrndup(c ? c : "", clen);
	} else {
		raw = derive_value(&doc, data, size, id);
	}
	const struct field *f = &settings_fields[id];
	bool list = f->kind == FK_ADDRESS_LIST;
	char *value = validate_normalize(id, raw, 0);
	free(raw);
	char *why = validate_field(id, value);
	const char *problem = inifile_value_problem(f->key, value, list);
	if (why || problem) {
		free(why);
		free(value);
		settings_free(&s);
		inifile_free(&doc);
		return 0;
	}

	struct ini_change ch = { f->section, f->key, value, list };
	char *out = render(&doc, &ch, 1, &len);
	if (!out) {
		free(value);
		settings_free(&s);
		inifile_free(&doc);
		return 0;
	}
	struct ini_doc nd;
	if (inifile_parse(out, len, &nd, &e) != INI_OK)
		die("setting %s to '%s' gives a file that does not parse: line %d: %s",
		    settings_field_name(id), value, e.line, e.msg);
	struct settings back = { { 0 } };
	settings_from_doc(&back, &nd);
	if (!back.value[id])
		die("%s = '%s' was written but is missing when read back",
		    settings_field_name(id), value);
	if (!same_value(id, back.value[id], value))
		die("%s = '%s' reads back as '%s'", settings_field_name(id), value,
		    back.value[id]);
	for (int i = 0; i < F_COUNT; i++) {
		if (i == (int)id)
			continue;
		const char *before = s.value[i], *after = back.value[i];
		if (!before != !after || (before && strcmp(before, after) != 0))
			die("setting %s changed %s from '%s' to '%s'", settings_field_name(id),
			    settings_field_name((enum field_id)i), before ? before : "(unset)",
			    after ? after : "(unset)");
	}

	/* The saved file is stable: no change renders it byte for byte. */
	size_t len2;
	char *again = render(&nd, NULL, 0, &len2);
	if (len2 != len || memcmp(again, out, len) != 0)
		die("the rendered file does not render back to itself with no change");
	free(again);

	/* The save path (settings_render) takes the same change and proves
	 * it reads back: it must not refuse it. */
	struct settings want = { { 0 } };
	settings_copy(&want, &s);
	settings_set(&want, id, value);
	struct strbuf sout;
	struct ini_doc sd;
	if (settings_render(&doc, &want, &sout, &sd, &e) != 0)
		die("settings_render() refuses %s = '%s': %s", settings_field_name(id), value,
		    e.msg);
	sb_free(&sout);
	inifile_free(&sd);
	settings_free(&want);

	settings_free(&back);
	inifile_free(&nd);
	free(out);
	free(value);
	settings_free(&s);
	inifile_free(&doc);
	return 0;
}
