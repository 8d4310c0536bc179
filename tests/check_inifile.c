/* SPDX-License-Identifier: MIT */
/* check_inifile.c - unit tests of the INI document (inifile.h).
 *
 * Every expectation comes from HACKING.md ("INI rules", "Writer rules") and
 * from what Debian's libinih reads: where a test needs to know how inih sees
 * some bytes, it asks libinih itself (ini_parse_string), never mailset. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mailset/inifile.h"
#include "mailset/util.h"
#include "testutil.h"

#define BOM "\xef\xbb\xbf"

/* --- helpers ------------------------------------------------------------- */

/* bytes made visible for failure messages: \r \n \t \xNN. Never freed: the
 * strings only live in failing tests. */
static const char *vis(const char *s, size_t n)
{
	struct strbuf sb = {0};
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n')
			sb_adds(&sb, "\\n");
		else if (c == '\r')
			sb_adds(&sb, "\\r");
		else if (c == '\t')
			sb_adds(&sb, "\\t");
		else if (c < 0x20 || c == 0x7f)
			sb_addf(&sb, "\\x%02x", c);
		else
			sb_addc(&sb, (char)c);
	}
	return sb_steal(&sb);
}

static void parse_ok(const char *in, size_t len, struct ini_doc *doc)
{
	struct ini_error e;
	memset(doc, 0, sizeof *doc);
	memset(&e, 0, sizeof e);
	enum ini_status st = inifile_parse(in, len, doc, &e);
	ck_assert_msg(st == INI_OK, "parse of \"%s\" failed: status %d line %d: %s",
		      vis(in, len), (int)st, e.line, e.msg);
}

/* Render in with changes and compare with want. */
static void render_is(const char *in, size_t inlen, const struct ini_change *ch,
		      size_t nch, const char *want, size_t wantlen)
{
	struct ini_doc doc;
	struct ini_error e;
	struct strbuf out = {0};
	memset(&e, 0, sizeof e);
	parse_ok(in, inlen, &doc);
	enum ini_status st = inifile_render(&doc, ch, nch, &out, &e);
	ck_assert_msg(st == INI_OK, "render of \"%s\" failed: %s", vis(in, inlen), e.msg);
	ck_assert_msg(out.len == wantlen && memcmp(out.buf ? out.buf : "", want, wantlen) == 0,
		      "render of \"%s\"\n  gave \"%s\"\n  want \"%s\"", vis(in, inlen),
		      vis(out.buf ? out.buf : "", out.len), vis(want, wantlen));
	sb_free(&out);
	inifile_free(&doc);
}
#define RENDER_IS(in, ch, nch, want) \
	render_is(in, sizeof(in) - 1, ch, nch, want, sizeof(want) - 1)

/* What libinih itself reports for a buffer: every handler call. */
struct call {
	char section[64];
	char key[64];
	char value[1024];
	int line;
};
struct calls {
	struct call v[64];
	int n;
};

static int record(void *user, const char *section, const char *name,
		  const char *value, int lineno)
{
	struct calls *c = user;
	if (c->n < 64) {
		struct call *k = &c->v[c->n++];
		snprintf(k->section, sizeof k->section, "%s", section);
		snprintf(k->key, sizeof k->key, "%s", name);
		snprintf(k->value, sizeof k->value, "%s", value);
		k->line = lineno;
	}
	return 1;
}

static int inih_read(const char *text, struct calls *c)
{
	memset(c, 0, sizeof *c);
	return ini_parse_string(text, record, c);
}

/* The value inih gives section/key, pieces joined by "\n"; NULL if none. */
static char *inih_value(const char *text, const char *section, const char *key, int *pieces)
{
	static struct calls c;
	int r = inih_read(text, &c);
	ck_assert_msg(r == 0, "inih reports an error on line %d of \"%s\"", r,
		      vis(text, strlen(text)));
	struct strbuf sb = {0};
	int n = 0;
	for (int i = 0; i < c.n; i++) {
		if (strcmp(c.v[i].section, section) || strcmp(c.v[i].key, key))
			continue;
		if (n++)
			sb_addc(&sb, '\n');
		sb_adds(&sb, c.v[i].value);
	}
	*pieces = n;
	if (!n) {
		sb_free(&sb);
		return NULL;
	}
	return sb_steal(&sb);
}

/* Directory entries other than . and .., sorted, space-separated. */
static char *dir_list(const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	ck_assert_msg(n >= 0, "scandir %s: %s", dir, strerror(errno));
	struct strbuf sb = {0};
	sb_adds(&sb, "");
	for (int i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") && strcmp(names[i]->d_name, "..")) {
			sb_adds(&sb, names[i]->d_name);
			sb_addc(&sb, ' ');
		}
		free(names[i]);
	}
	free(names);
	return sb_steal(&sb);
}

/* Every test's files live under one directory that main() removes after
 * all tests ran, so that a failing test (whose process ends at the failed
 * assertion) leaves nothing behind. */



static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "open %s: %s", path, strerror(errno));
	struct strbuf sb = {0};
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_add(&sb, buf, n);
	fclose(f);
	*len = sb.len;
	if (!sb.buf)
		sb_adds(&sb, "");
	return sb_steal(&sb);
}

static void spew(const char *path, const char *data, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	ck_assert_msg(fd >= 0, "create %s: %s", path, strerror(errno));
	size_t n = strlen(data);
	ck_assert_int_eq(write(fd, data, n), (ssize_t)n);
	close(fd);
	ck_assert_int_eq(chmod(path, mode), 0);
}

/* --- parse and render without change: byte for byte ------------------------ */

struct sample {
	const char *text;
	size_t len;
};
#define S(x) { x, sizeof(x) - 1 }
static const struct sample samples[] = {
	S(""),
	S("\n"),
	S("\n\n\n"),
	S("\r\n"),
	S("[s]\nk = v\n"),
	S("[s]\nk = v"),
	S("k=v"),
	S(BOM "[s]\r\nk = v\r\n"),
	S(BOM "k = v"),
	S(BOM),
	S("; c\n# c\n\n[a]\nx=1\ny : 2 ; c\n  cont\n\n[b]\n"),
	S("a = 1\nb = 2\r\nc = 3"),
	S("a = 1\r\nb = 2\nc = 3\r\n"),
	S("top = 1\n[basic]\ncontact_email = a@example.com\ncontact_email = b@example.com\n"),
	S("[x-unknown]\nfoo = bar\n[basic]\nbcc = a@example.com,\n  b@example.com,\n\n; c\n\tc@example.com\n"),
	S("; ショップ\n[basic]\nsystem_sender_name = お客様窓口 ; 旧\n"),
	S("   \n\t\n[s]   \n  k   =   v   \n"),
	S("[s] ; comment\nk=\nk2 =\nk3 = ;c\n"),
	S("[s]\nk = v\n\n\n"),
	S("[s]\r\n\r\n; only comments\r\n"),
	S("#!\n[a]\n[a]\n[b]\nx = y\n[a]\nz = w"),
};

START_TEST(test_identity)
{
	const struct sample *sm = &samples[_i];
	struct ini_doc doc;
	struct ini_error e;
	struct strbuf out = {0};
	memset(&e, 0, sizeof e);
	parse_ok(sm->text, sm->len, &doc);
	ck_assert_msg(inifile_render(&doc, NULL, 0, &out, &e) == INI_OK,
		      "render of \"%s\" failed: %s", vis(sm->text, sm->len), e.msg);
	ck_assert_msg(out.len == sm->len && memcmp(out.buf ? out.buf : "", sm->text, sm->len) == 0,
		      "no-change render of \"%s\" gave \"%s\"", vis(sm->text, sm->len),
		      vis(out.buf ? out.buf : "", out.len));
	sb_free(&out);
	inifile_free(&doc);
}
END_TEST

START_TEST(test_bom_and_eol_flags)
{
	struct ini_doc doc;
	parse_ok(BOM "[s]\r\nk = v\n", sizeof(BOM "[s]\r\nk = v\n") - 1, &doc);
	ck_assert(doc.bom);
	ck_assert_int_eq(doc.eol, INI_EOL_CRLF);
	ck_assert_int_eq(doc.nlines, 2);
	ck_assert_int_eq(doc.lines[0].eol, INI_EOL_CRLF);
	ck_assert_int_eq(doc.lines[1].eol, INI_EOL_LF);
	ck_assert_int_eq(doc.lines[0].kind, INI_SECTION);
	ck_assert_str_eq(doc.lines[0].section, "s");
	inifile_free(&doc);

	parse_ok("[s]\nk = v", 9, &doc);
	ck_assert(!doc.bom);
	ck_assert_int_eq(doc.eol, INI_EOL_LF);
	ck_assert_int_eq(doc.nlines, 2);
	ck_assert_int_eq(doc.lines[1].eol, INI_EOL_NONE);
	inifile_free(&doc);
}
END_TEST

/* --- lookup and line numbers ------------------------------------------------ */

START_TEST(test_find_last_duplicate)
{
	static const char in[] = "[s]\nk = 1\n[t]\nk = x\n[s]\nk = 2\nk = 3\n";
	struct ini_doc doc;
	parse_ok(in, sizeof in - 1, &doc);
	const struct ini_entry *en = inifile_find(&doc, "s", "k");
	ck_assert_ptr_nonnull(en);
	ck_assert_str_eq(en->value, "3");
	ck_assert_int_eq(en->line, 7);
	en = inifile_find(&doc, "t", "k");
	ck_assert_ptr_nonnull(en);
	ck_assert_str_eq(en->value, "x");
	ck_assert_int_eq(en->line, 4);
	ck_assert_ptr_null(inifile_find(&doc, "s", "nokey"));
	ck_assert_ptr_null(inifile_find(&doc, "u", "k"));
	ck_assert_int_eq(inifile_section_line(&doc, "s"), 5);
	ck_assert_int_eq(inifile_section_line(&doc, "t"), 3);
	ck_assert_int_eq(inifile_section_line(&doc, "u"), 0);
	ck_assert_int_eq(doc.nentries, 4);
	inifile_free(&doc);
}
END_TEST

START_TEST(test_line_numbers)
{
	/* BOM, CRLF, an inline comment, continuation lines with a blank and a
	 * comment between them: the line numbers must be those inih reports
	 * (this fails when the handler's lineno argument is not passed, i.e.
	 * when INI_HANDLER_LINENO does not match the library). */
	static const char in[] =
		BOM "[basic]\r\n"                 /* 1 */
		"contact_email = a@example.com\r\n" /* 2 */
		"bcc = x@example.com,\r\n"         /* 3 */
		"  y@example.com,\r\n"             /* 4 */
		"\r\n"                             /* 5 */
		"; c\r\n"                          /* 6 */
		"  z@example.com\r\n"              /* 7 */
		"[smtp]\r\n"                       /* 8 */
		"host = h.example.com ; c\r\n"     /* 9 */
		"\r\n"                             /* 10 */
		"port=25\r\n";                     /* 11 */
	struct ini_doc doc;
	parse_ok(in, sizeof in - 1, &doc);
	ck_assert_int_eq(doc.nlines, 11);
	ck_assert_int_eq(doc.nentries, 4);

	const struct ini_entry *en = inifile_find(&doc, "basic", "contact_email");
	ck_assert_ptr_nonnull(en);
	ck_assert_int_eq(en->line, 2);
	ck_assert_int_eq(en->last_line, 2);
	ck_assert_str_eq(en->value, "a@example.com");

	en = inifile_find(&doc, "basic", "bcc");
	ck_assert_ptr_nonnull(en);
	ck_assert_int_eq(en->line, 3);
	ck_assert_int_eq(en->last_line, 7);
	ck_assert_str_eq(en->value, "x@example.com,\ny@example.com,\nz@example.com");

	en = inifile_find(&doc, "smtp", "host");
	ck_assert_ptr_nonnull(en);
	ck_assert_int_eq(en->line, 9);
	ck_assert_str_eq(en->value, "h.example.com");
	en = inifile_find(&doc, "smtp", "port");
	ck_assert_ptr_nonnull(en);
	ck_assert_int_eq(en->line, 11);

	ck_assert_int_eq(doc.lines[0].kind, INI_SECTION);
	ck_assert_int_eq(doc.lines[1].kind, INI_KEY);
	ck_assert_int_eq(doc.lines[2].kind, INI_KEY);
	ck_assert_int_eq(doc.lines[3].kind, INI_CONT);
	ck_assert_int_eq(doc.lines[4].kind, INI_BLANK);
	ck_assert_int_eq(doc.lines[5].kind, INI_COMMENT);
	ck_assert_int_eq(doc.lines[6].kind, INI_CONT);
	ck_assert_int_eq(doc.lines[7].kind, INI_SECTION);
	ck_assert_int_eq(doc.lines[8].kind, INI_KEY);
	ck_assert_int_eq(doc.lines[3].entry, doc.lines[2].entry);
	ck_assert_int_eq(doc.lines[6].entry, doc.lines[2].entry);
	ck_assert_int_eq(inifile_section_line(&doc, "smtp"), 8);

	/* The same numbers as libinih's own. */
	struct calls c;
	ck_assert_int_eq(inih_read(in, &c), 0);
	ck_assert_int_eq(c.n, 6);
	for (int i = 0; i < c.n; i++) {
		en = inifile_find(&doc, c.v[i].section, c.v[i].key);
		ck_assert_ptr_nonnull(en);
		ck_assert_msg(en->line <= c.v[i].line && c.v[i].line <= en->last_line,
			      "inih saw %s.%s on line %d, mailset says lines %d-%d",
			      c.v[i].section, c.v[i].key, c.v[i].line, en->line, en->last_line);
	}
	inifile_free(&doc);
}
END_TEST

/* --- what the loader refuses ------------------------------------------------- */

static void parse_fails(const char *in, size_t len, int line)
{
	struct ini_doc doc;
	struct ini_error e;
	memset(&doc, 0, sizeof doc);
	memset(&e, 0, sizeof e);
	enum ini_status st = inifile_parse(in, len, &doc, &e);
	ck_assert_msg(st == INI_SYNTAX, "\"%s\": status %d, expected INI_SYNTAX",
		      vis(in, len), (int)st);
	ck_assert_msg(e.line == line, "\"%s\": error on line %d, expected %d", vis(in, len),
		      e.line, line);
	ck_assert_msg(e.msg[0] != '\0', "no message");
	ck_assert_int_eq(doc.nlines, 0);
	inifile_free(&doc);
}

/* HACKING: inih reads a line into 200 bytes, so a line longer than 199
 * bytes including its line ending (and a BOM on line 1) is rejected. */
START_TEST(test_line_length)
{
	char buf[1024];
	char body[256];
	struct ini_doc doc;
	memset(body, 'x', sizeof body);
	/* 198 bytes + LF = 199: accepted, and the key after it is read. */
	snprintf(buf, sizeof buf, "[s]\nk = v\n; %.*s\nz = 1\n", 196, body);
	parse_ok(buf, strlen(buf), &doc);
	ck_assert_ptr_nonnull(inifile_find(&doc, "s", "z"));
	ck_assert_int_eq(inifile_find(&doc, "s", "z")->line, 4);
	inifile_free(&doc);
	/* 199 bytes + LF: rejected, on its line. */
	snprintf(buf, sizeof buf, "[s]\nk = v\n; %.*s\nz = 1\n", 197, body);
	parse_fails(buf, strlen(buf), 3);
	/* 200 bytes + LF. */
	snprintf(buf, sizeof buf, "[s]\nk = v\n; %.*s\nz = 1\n", 198, body);
	parse_fails(buf, strlen(buf), 3);
	/* CRLF: 197 bytes + CRLF accepted, 198 + CRLF rejected. */
	snprintf(buf, sizeof buf, "[s]\r\nk = %.*s\r\nz = 1\r\n", 193, body);
	parse_ok(buf, strlen(buf), &doc);
	ck_assert_int_eq(strlen(inifile_find(&doc, "s", "k")->value), 193);
	ck_assert_int_eq(inifile_find(&doc, "s", "z")->line, 3);
	inifile_free(&doc);
	snprintf(buf, sizeof buf, "[s]\r\nk = %.*s\r\nz = 1\r\n", 194, body);
	parse_fails(buf, strlen(buf), 2);
	/* The last line without a line ending: 199 bytes fit, 200 do not. */
	snprintf(buf, sizeof buf, "[s]\nk = %.*s", 195, body);
	parse_ok(buf, strlen(buf), &doc);
	ck_assert_int_eq(strlen(inifile_find(&doc, "s", "k")->value), 195);
	inifile_free(&doc);
	snprintf(buf, sizeof buf, "[s]\nk = %.*s", 196, body);
	parse_fails(buf, strlen(buf), 2);
	/* A BOM counts on line 1: 3 + 195 + LF = 199 fits, one more does not. */
	snprintf(buf, sizeof buf, BOM "; %.*s\n[s]\nk = v\n", 193, body);
	parse_ok(buf, strlen(buf), &doc);
	ck_assert_int_eq(inifile_find(&doc, "s", "k")->line, 3);
	inifile_free(&doc);
	snprintf(buf, sizeof buf, BOM "; %.*s\n[s]\nk = v\n", 194, body);
	parse_fails(buf, strlen(buf), 1);
	/* Far too long. */
	snprintf(buf, sizeof buf, "[s]\n\n\n\nk = %.*s%.*s\n", 250, body, 250, body);
	parse_fails(buf, strlen(buf), 5);
}
END_TEST

START_TEST(test_nul_byte)
{
	static const char a[] = "[s]\nk = a\0b\nz = 1\n";
	parse_fails(a, sizeof a - 1, 2);
	static const char b[] = "[s]\nk = 1\n; comment \0 here\n";
	parse_fails(b, sizeof b - 1, 3);
	static const char c[] = "\0";
	parse_fails(c, 1, 1);
}
END_TEST

START_TEST(test_syntax_errors)
{
	static const char a[] = "[s]\nno equals here\n";
	parse_fails(a, sizeof a - 1, 2);
	static const char b[] = "; ok\n[unterminated\nk = v\n";
	parse_fails(b, sizeof b - 1, 2);
	static const char c[] = "[s]\r\nk = v\r\n\r\n= no key\r\n";
	/* inih accepts an empty key name; whatever mailset does, it must
	 * agree with inih about the rest. Only check that line 2 is a key. */
	struct ini_doc doc;
	struct ini_error e;
	memset(&doc, 0, sizeof doc);
	memset(&e, 0, sizeof e);
	if (inifile_parse(c, sizeof c - 1, &doc, &e) == INI_OK)
		ck_assert_ptr_nonnull(inifile_find(&doc, "s", "k"));
	else
		ck_assert_int_eq(e.line, 4);
	inifile_free(&doc);
}
END_TEST

START_TEST(test_load)
{
	char *dir = tmpdir_new();
	char *p = xasprintf("%s/mail.ini", dir);
	struct ini_doc doc;
	struct ini_error e;
	struct stat st;
	memset(&doc, 0, sizeof doc);
	memset(&e, 0, sizeof e);
	ck_assert_int_eq(inifile_load(p, &doc, &e, &st), INI_NOFILE);
	inifile_free(&doc);
	spew(p, "[s]\nk = v\n", 0640);
	memset(&doc, 0, sizeof doc);
	memset(&st, 0, sizeof st);
	ck_assert_int_eq(inifile_load(p, &doc, &e, &st), INI_OK);
	ck_assert_int_eq(st.st_mode & 07777, 0640);
	ck_assert_str_eq(inifile_find(&doc, "s", "k")->value, "v");
	inifile_free(&doc);
	spew(p, "[s]\nk = v\nbroken\n", 0600);
	memset(&doc, 0, sizeof doc);
	ck_assert_int_eq(inifile_load(p, &doc, &e, NULL), INI_SYNTAX);
	ck_assert_int_eq(e.line, 3);
	inifile_free(&doc);
	rm_rf(dir);
	free(p);
	free(dir);
}
END_TEST

/* --- values that cannot be written --------------------------------------------- */

START_TEST(test_value_problem)
{
	static const char *const ok[] = {
		"", "abc", "a b", "日本語の値", "a;b", "a#b", "#a", "a=b", "a:b", "[a]",
		"\"quoted\"", "a\\b", "x@example.com", "a,b,c", "ｶﾀｶﾅ", "😀", "a\xc2\xa0" "b", NULL,
	};
	for (int i = 0; ok[i]; i++) {
		const char *why = inifile_value_problem("k", ok[i], false);
		ck_assert_msg(why == NULL, "\"%s\" refused: %s", vis(ok[i], strlen(ok[i])), why);
	}
	static const char *const bad[] = {
		" a", "a ", "\ta", "a\t", "a ;b", "a\t;b", "a ;", ";a", ";",
		"a\tb", "a\rb", "a\nb", "\x01", "a\x1f", "a\x7f", "\x1b[31m",
		"\xff", "a\xc3(", "\xc0\xaf", "\xed\xa0\x80", "\xe6\x97", " ", NULL,
	};
	for (int i = 0; bad[i]; i++) {
		const char *why = inifile_value_problem("k", bad[i], false);
		ck_assert_msg(why != NULL, "\"%s\" accepted", vis(bad[i], strlen(bad[i])));
		ck_assert_msg(why[0] != '\0', "empty reason");
	}
	/* Line length: "k = " + value must fit in 197 bytes (plus the line
	 * ending, CRLF or LF). */
	char v[512];
	memset(v, 'v', sizeof v);
	v[193] = '\0';
	ck_assert_ptr_null(inifile_value_problem("k", v, false));
	v[193] = 'v';
	v[194] = '\0';
	ck_assert_ptr_nonnull(inifile_value_problem("k", v, false));
	/* The key counts: "contact_email = " is 16 bytes. */
	v[181] = '\0';
	ck_assert_ptr_null(inifile_value_problem("contact_email", v, false));
	v[181] = 'v';
	v[182] = '\0';
	ck_assert_ptr_nonnull(inifile_value_problem("contact_email", v, false));
}
END_TEST

START_TEST(test_value_problem_wrap)
{
	/* A long list may wrap; a single item too long for a line may not. */
	struct strbuf sb = {0};
	for (int i = 0; i < 40; i++)
		sb_addf(&sb, "%saddress%02d@example.com", i ? "," : "", i);
	ck_assert_ptr_nonnull(inifile_value_problem("bcc", sb.buf, false));
	const char *why = inifile_value_problem("bcc", sb.buf, true);
	ck_assert_msg(why == NULL, "long list refused: %s", why);
	sb_free(&sb);

	char item[300];
	memset(item, 'a', sizeof item);
	memcpy(item + 250, "@example.com", 13);
	sb_adds(&sb, "x@example.com,");
	sb_adds(&sb, item);
	ck_assert_ptr_nonnull(inifile_value_problem("bcc", sb.buf, true));
	sb_free(&sb);
	/* Wrapping does not excuse what is wrong anywhere. */
	ck_assert_ptr_nonnull(inifile_value_problem("bcc", "a@example.com ;b@example.com", true));
	ck_assert_ptr_nonnull(inifile_value_problem("bcc", "a@example.com\tb", true));
	ck_assert_ptr_nonnull(inifile_value_problem("bcc", " a@example.com", true));
}
END_TEST

/* --- render with changes ------------------------------------------------------- */

START_TEST(test_render_changes)
{
	struct ini_change c1[] = { { "s", "k", "new", false } };
	RENDER_IS("[s]\nk = old ; c\n", c1, 1, "[s]\nk = new ; c\n");
	RENDER_IS("[s]\nk = old\t; c\nz = 1\n", c1, 1, "[s]\nk = new\t; c\nz = 1\n");
	RENDER_IS("[s]\nk   =   old   \n", c1, 1, "[s]\nk   =   new   \n");
	RENDER_IS("[s]\nk=old\n", c1, 1, "[s]\nk=new\n");
	RENDER_IS("[s]\nk : old\n", c1, 1, "[s]\nk : new\n");
	RENDER_IS("[s]\nk =\n", c1, 1, "[s]\nk = new\n");
	RENDER_IS("[s]\nk = old", c1, 1, "[s]\nk = new");
	RENDER_IS(BOM "[s]\r\nk = old\r\n", c1, 1, BOM "[s]\r\nk = new\r\n");
	/* The last duplicate is rewritten. */
	RENDER_IS("[s]\nk = 1\n[t]\nk = 2\n[s]\nk = 3\n", c1, 1, "[s]\nk = 1\n[t]\nk = 2\n[s]\nk = new\n");
	/* Same value: nothing moves. */
	struct ini_change same[] = { { "s", "k", "old;x", false } };
	RENDER_IS("[s]\r\nk   =old;x\r\n", same, 1, "[s]\r\nk   =old;x\r\n");
}
END_TEST

START_TEST(test_render_continuation)
{
	struct ini_change c[] = { { "s", "k", "c@example.com", true } };
	RENDER_IS("[s]\nk = a@example.com,\n  b@example.com\nz = 1\n", c, 1,
		  "[s]\nk = c@example.com\nz = 1\n");
	RENDER_IS("[s]\nk = a@example.com,\n\n; note\n  b@example.com\n", c, 1,
		  "[s]\nk = c@example.com\n\n; note\n");
	/* A new key goes after the continuation lines of the last key. */
	struct ini_change n[] = { { "s", "n", "1", false } };
	RENDER_IS("[s]\nk = a,\n  b\n\n[t]\n", n, 1, "[s]\nk = a,\n  b\nn = 1\n\n[t]\n");
}
END_TEST

START_TEST(test_render_new_keys)
{
	struct ini_change c[] = { { "s", "c", "3", false } };
	RENDER_IS("[s]\na = 1\n\n[t]\nb = 2\n", c, 1, "[s]\na = 1\nc = 3\n\n[t]\nb = 2\n");
	RENDER_IS("[s]\n\n; later\n", c, 1, "[s]\nc = 3\n\n; later\n");
	RENDER_IS("[s]\na = 1\n[t]\n[s]\nb = 2\n\n", c, 1, "[s]\na = 1\n[t]\n[s]\nb = 2\nc = 3\n\n");
	RENDER_IS("[s]\r\na = 1\r\n", c, 1, "[s]\r\na = 1\r\nc = 3\r\n");
	RENDER_IS("; lf\n[s]\r\na = 1\r\n", c, 1, "; lf\n[s]\r\na = 1\r\nc = 3\n");
	RENDER_IS("[s]\na=1\n", c, 1, "[s]\na=1\nc = 3\n");
}
END_TEST

START_TEST(test_render_new_section)
{
	struct ini_change c[] = { { "t", "x", "1", false } };
	RENDER_IS("", c, 1, "[t]\nx = 1\n");
	RENDER_IS("[s]\na = 1\n", c, 1, "[s]\na = 1\n\n[t]\nx = 1\n");
	RENDER_IS("[s]\na = 1", c, 1, "[s]\na = 1\n\n[t]\nx = 1\n");
	RENDER_IS("[s]\na = 1\n\n", c, 1, "[s]\na = 1\n\n[t]\nx = 1\n");
	RENDER_IS("[s]\r\na = 1", c, 1, "[s]\r\na = 1\r\n\r\n[t]\r\nx = 1\r\n");
	RENDER_IS(BOM "; c\r\n", c, 1, BOM "; c\r\n\r\n[t]\r\nx = 1\r\n");
	struct ini_change two[] = { { "t", "x", "1", false }, { "t", "y", "2", false } };
	RENDER_IS("[s]\na = 1\n", two, 2, "[s]\na = 1\n\n[t]\nx = 1\ny = 2\n");
}
END_TEST

START_TEST(test_render_refuses)
{
	static const char *const bad[] = { " x", "x ", "a ;b", ";x", "a\nb", "\x01", "\xff" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct ini_doc doc;
		struct ini_error e;
		struct strbuf out = {0};
		memset(&e, 0, sizeof e);
		parse_ok("[s]\nkname = v\n", 14, &doc);
		struct ini_change c[] = { { "s", "kname", bad[i], false } };
		ck_assert_msg(inifile_render(&doc, c, 1, &out, &e) == INI_VALUE,
			      "\"%s\" rendered", vis(bad[i], strlen(bad[i])));
		ck_assert_msg(strstr(e.msg, "kname") != NULL, "message does not name the key: %s", e.msg);
		sb_free(&out);
		inifile_free(&doc);
	}
}
END_TEST

/* A long list wraps over continuation lines: every line at most 197 bytes,
 * broken after commas, indented by two spaces, and inih reads it back. */
START_TEST(test_render_wrap)
{
	struct strbuf list = {0};
	for (int i = 0; i < 30; i++)
		sb_addf(&list, "%scustomer-support-%02d@shop.example.co.jp", i ? "," : "", i);
	struct ini_change c[] = { { "basic", "bcc", list.buf, true } };
	struct ini_doc doc;
	struct ini_error e;
	struct strbuf out = {0};
	memset(&e, 0, sizeof e);
	static const char in[] = "[basic]\nbcc = old@example.com\nz = 1\n";
	parse_ok(in, sizeof in - 1, &doc);
	ck_assert_int_eq(inifile_render(&doc, c, 1, &out, &e), INI_OK);
	ck_assert_msg(strncmp(out.buf, "[basic]\nbcc = customer-support-00@", 34) == 0,
		      "got \"%s\"", vis(out.buf, out.len));
	int nlines = 0;
	for (char *p = out.buf, *nl; (nl = strchr(p, '\n')); p = nl + 1, nlines++) {
		size_t len = (size_t)(nl - p);
		ck_assert_msg(len <= 197, "line %d is %zu bytes", nlines + 1, len);
		if (nlines >= 2 && strncmp(p, "z = 1", 5) != 0) {
			ck_assert_msg(p[0] == ' ' && p[1] == ' ' && p[2] != ' ',
				      "continuation line %d not indented by two spaces: %.20s", nlines + 1, p);
		}
		if (nlines >= 1 && nl[1] == ' ')
			ck_assert_msg(nl[-1] == ',', "line %d not broken after a comma", nlines + 1);
	}
	ck_assert_msg(nlines >= 6, "only %d lines: not wrapped", nlines);
	ck_assert_msg(strstr(out.buf, "\nz = 1\n") != NULL, "following key lost");
	int pieces;
	char *v = inih_value(out.buf, "basic", "bcc", &pieces);
	ck_assert_ptr_nonnull(v);
	ck_assert_int_ge(pieces, 5);
	/* Drop the newlines between pieces: the list is back. */
	struct strbuf joined = {0};
	for (char *p = v; *p; p++)
		if (*p != '\n')
			sb_addc(&joined, *p);
	ck_assert_str_eq(joined.buf, list.buf);
	free(v);
	sb_free(&joined);
	sb_free(&out);
	sb_free(&list);
	inifile_free(&doc);
}
END_TEST

/* --- the writer and inih agree on every value the writer accepts ---------------- */

static uint64_t rng_state;
static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545F4914F6CDD1DULL) >> 33) % n;
}

/* A list as the shop reads it: split on commas and newlines, blanks
 * trimmed, empty items dropped, joined with ','. */

/* If inifile_value_problem() finds nothing wrong with a value, rendering it
 * must give a file from which inih reads that value back: exactly, or, for
 * a list that may wrap, the same items. Returns whether it was accepted. */
static bool roundtrip_one(const char *what, int n, const char *value, bool wrap)
{
	if (inifile_value_problem("k", value, wrap))
		return false;
	struct ini_doc doc;
	struct ini_error e;
	struct strbuf out = {0};
	memset(&e, 0, sizeof e);
	static const char in[] = "[s]\nk = old\nz = 1\n";
	parse_ok(in, sizeof in - 1, &doc);
	struct ini_change c[] = { { "s", "k", value, wrap } };
	ck_assert_msg(inifile_render(&doc, c, 1, &out, &e) == INI_OK,
		      "%s case %d: \"%s\" has no problem but does not render: %s",
		      what, n, vis(value, strlen(value)), e.msg);
	int pieces;
	char *v = inih_value(out.buf, "s", "k", &pieces);
	ck_assert_msg(v != NULL, "%s case %d: \"%s\" lost; file \"%s\"", what, n,
		      vis(value, strlen(value)), vis(out.buf, out.len));
	if (!wrap) {
		ck_assert_msg(pieces == 1 && !strcmp(v, value),
			      "%s case %d: wrote \"%s\", inih reads \"%s\" (%d pieces)",
			      what, n, vis(value, strlen(value)), vis(v, strlen(v)), pieces);
	} else {
		/* A list: the same items (blanks around them may go, a
		 * newline separates like a comma). */
		char *want = canon_list(value), *got = canon_list(v);
		ck_assert_msg(!strcmp(want, got),
			      "%s case %d: wrote the list \"%s\", inih reads \"%s\"",
			      what, n, vis(value, strlen(value)), vis(v, strlen(v)));
		free(want);
		free(got);
	}
	int zp;
	char *z = inih_value(out.buf, "s", "z", &zp);
	ck_assert_msg(z && !strcmp(z, "1") && zp == 1, "%s case %d: z lost", what, n);
	free(z);
	free(v);
	sb_free(&out);
	inifile_free(&doc);
	return true;
}

/* Lists whose items begin with what inih takes for a comment, where the
 * writer puts an item at the start of a (continuation) line. */
START_TEST(test_value_roundtrip_lists)
{
	static const char *const fixed[] = {
		",;b", ",,#x", ";b,c", "#b,c", "a,;b", "a,#b", "a,\n;b", "a\n#b", ",\n;b", "a, ;b",
	};
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
		roundtrip_one("fixed", (int)i, fixed[i], true);
		roundtrip_one("fixed", (int)i, fixed[i], false);
	}
	/* Long lists whose every item begins with ';', '#' or '[': wherever
	 * the writer breaks, the next line begins with one of them. */
	static const char *const lead[] = { ";", "#", "[", "=" };
	for (size_t l = 0; l < sizeof lead / sizeof lead[0]; l++) {
		struct strbuf sb = {0};
		for (int i = 0; i < 20; i++)
			sb_addf(&sb, "%s%sitem-%02d@example.com", i ? "," : "", i ? lead[l] : "", i);
		roundtrip_one("long list", (int)l, sb.buf, true);
		sb_free(&sb);
	}
}
END_TEST

START_TEST(test_value_roundtrip_random)
{
	static const char *const atoms[] = {
		"a", "b", "Z", "0", "9", ".", "@", "-", "_", " ", " ", "  ", "\t", ";", " ;", "#",
		"=", ":", "[", "]", ",", ", ", " ,", "\"", "\\", "日本", "ｶﾅ", "　", "😀", "\r",
		"\n", "\x01", "\x7f", "\xff", "\xc3", "\xe3\x81", "x@example.com", "'", "%s",
	};
	const char *seed_env = getenv("MAILSET_PROP_SEED");
	uint64_t seed = seed_env ? strtoull(seed_env, NULL, 0) : 0x696e6966696c65ULL;
	char what[64];
	snprintf(what, sizeof what, "seed %#llx", (unsigned long long)seed);
	rng_state = seed;
	int accepted = 0, total = 4000;
	for (int n = 0; n < total; n++) {
		struct strbuf sb = {0};
		sb_adds(&sb, "");
		int len = (int)rnd(n % 10 == 0 ? 60 : 8);
		for (int i = 0; i < len; i++)
			sb_adds(&sb, atoms[rnd(sizeof atoms / sizeof atoms[0])]);
		if (roundtrip_one(what, n, sb.buf, n % 2))
			accepted++;
		sb_free(&sb);
	}
	ck_assert_msg(accepted * 10 >= total, "only %d of %d random values accepted", accepted, total);
}
END_TEST

/* --- atomic write -------------------------------------------------------------- */

START_TEST(test_write_atomic_new_0600)
{
	char *dir = tmpdir_new();
	char *p = xasprintf("%s/new.ini", dir);
	struct ini_error e;
	memset(&e, 0, sizeof e);
	mode_t old = umask(0);
	enum ini_status st = inifile_write_atomic(p, "[s]\nk = v\n", 10, &e);
	umask(old);
	ck_assert_msg(st == INI_OK, "write failed: %s", e.msg);
	struct stat sb;
	ck_assert_int_eq(stat(p, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 07777, 0600);
	size_t len;
	char *data = slurp(p, &len);
	ck_assert_int_eq(len, 10);
	ck_assert_mem_eq(data, "[s]\nk = v\n", 10);
	free(data);
	char *ls = dir_list(dir);
	ck_assert_str_eq(ls, "new.ini ");
	free(ls);
	rm_rf(dir);
	free(p);
	free(dir);
}
END_TEST

START_TEST(test_write_atomic_keeps_mode)
{
	static const mode_t modes[] = { 0640, 0644, 0600, 0400 };
	char *dir = tmpdir_new();
	char *p = xasprintf("%s/mail.ini", dir);
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		spew(p, "old contents\n", modes[i]);
		struct ini_error e;
		memset(&e, 0, sizeof e);
		ck_assert_int_eq(inifile_write_atomic(p, "new\n", 4, &e), INI_OK);
		struct stat sb;
		ck_assert_int_eq(stat(p, &sb), 0);
		ck_assert_msg((sb.st_mode & 07777) == modes[i], "mode %o became %o",
			      (unsigned)modes[i], (unsigned)(sb.st_mode & 07777));
		size_t len;
		char *data = slurp(p, &len);
		ck_assert_int_eq(len, 4);
		ck_assert_mem_eq(data, "new\n", 4);
		free(data);
		char *ls = dir_list(dir);
		ck_assert_str_eq(ls, "mail.ini ");
		free(ls);
	}
	rm_rf(dir);
	free(p);
	free(dir);
}
END_TEST

START_TEST(test_write_atomic_symlink)
{
	char *dir = tmpdir_new();
	char *target = xasprintf("%s/target.ini", dir);
	char *link = xasprintf("%s/link.ini", dir);
	spew(target, "old\n", 0640);
	ck_assert_int_eq(symlink("target.ini", link), 0);
	struct ini_error e;
	memset(&e, 0, sizeof e);
	ck_assert_int_eq(inifile_write_atomic(link, "new\n", 4, &e), INI_OK);
	struct stat sb;
	ck_assert_int_eq(lstat(link, &sb), 0);
	ck_assert_msg(S_ISLNK(sb.st_mode), "the link was replaced by a file");
	ck_assert_int_eq(stat(target, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 07777, 0640);
	size_t len;
	char *data = slurp(target, &len);
	ck_assert_int_eq(len, 4);
	ck_assert_mem_eq(data, "new\n", 4);
	free(data);
	char *ls = dir_list(dir);
	ck_assert_str_eq(ls, "link.ini target.ini ");
	free(ls);
	rm_rf(dir);
	free(target);
	free(link);
	free(dir);
}
END_TEST

START_TEST(test_write_atomic_failures)
{
	char *dir = tmpdir_new();
	struct ini_error e;

	/* The directory does not exist. */
	char *p = xasprintf("%s/nosuchdir/mail.ini", dir);
	memset(&e, 0, sizeof e);
	enum ini_status st = inifile_write_atomic(p, "x\n", 2, &e);
	ck_assert_int_ne(st, INI_OK);
	ck_assert_int_eq(e.err, ENOENT);
	ck_assert_msg(e.msg[0] != '\0', "no message");
	char *ls = dir_list(dir);
	ck_assert_str_eq(ls, "");
	free(ls);
	free(p);

	/* The path is a directory: the rename fails after the temporary file
	 * was written, and the temporary file must go. */
	p = xasprintf("%s/sub", dir);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	memset(&e, 0, sizeof e);
	st = inifile_write_atomic(p, "x\n", 2, &e);
	ck_assert_int_ne(st, INI_OK);
	ck_assert_int_ne(e.err, 0);
	ck_assert_msg(e.msg[0] != '\0', "no message");
	ls = dir_list(dir);
	ck_assert_str_eq(ls, "sub ");
	free(ls);
	ls = dir_list(p);
	ck_assert_str_eq(ls, "");
	free(ls);
	free(p);

	rm_rf(dir);
	free(dir);
}
END_TEST

static Suite *inifile_suite(void)
{
	Suite *s = suite_create("inifile");
	TCase *tc = tcase_create("parse");
	tcase_add_loop_test(tc, test_identity, 0, (int)(sizeof samples / sizeof samples[0]));
	tcase_add_test(tc, test_bom_and_eol_flags);
	tcase_add_test(tc, test_find_last_duplicate);
	tcase_add_test(tc, test_line_numbers);
	tcase_add_test(tc, test_line_length);
	tcase_add_test(tc, test_nul_byte);
	tcase_add_test(tc, test_syntax_errors);
	tcase_add_test(tc, test_load);
	suite_add_tcase(s, tc);

	tc = tcase_create("values");
	tcase_add_test(tc, test_value_problem);
	tcase_add_test(tc, test_value_problem_wrap);
	suite_add_tcase(s, tc);

	tc = tcase_create("render");
	tcase_add_test(tc, test_render_changes);
	tcase_add_test(tc, test_render_continuation);
	tcase_add_test(tc, test_render_new_keys);
	tcase_add_test(tc, test_render_new_section);
	tcase_add_test(tc, test_render_refuses);
	tcase_add_test(tc, test_render_wrap);
	tcase_add_test(tc, test_value_roundtrip_lists);
	tcase_add_test(tc, test_value_roundtrip_random);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);

	tc = tcase_create("write");
	tcase_add_test(tc, test_write_atomic_new_0600);
	tcase_add_test(tc, test_write_atomic_keeps_mode);
	tcase_add_test(tc, test_write_atomic_symlink);
	tcase_add_test(tc, test_write_atomic_failures);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	if (!tmp_root_make("check_inifile"))
		return EXIT_FAILURE;
	int failed = suite_run(inifile_suite());
	tmp_root_remove("check_inifile");
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
