/* SPDX-License-Identifier: MIT */
/* inifile.c - read through inih; line-preserving, atomic write.
 *
 * inih decides every value. Alongside, each line is classified with the
 * same rules inih uses (comment, section, key, continuation), so the writer
 * knows which bytes of which line hold a value and can leave everything
 * else alone. After rendering, the result is parsed again by the caller to
 * prove it reads back as intended. */
#include "mailset/inifile.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mailset/i18n.h"
#include "mailset/lock.h"

/* inih keeps at most this many bytes of a section or key name (its
 * MAX_SECTION and MAX_NAME, less the NUL). */
#define INIH_NAME_MAX 49

#define INDENT "  "

static void seterr(struct ini_error *e, enum ini_status st, int line, int err,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void seterr(struct ini_error *e, enum ini_status st, int line, int err,
		   const char *fmt, ...)
{
	va_list ap;
	e->status = st;
	e->line = line;
	e->err = err;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
}

static bool is_blank(char c)
{
	return isspace((unsigned char)c) != 0;
}

/* inih's find_chars_or_comment(): the first of chars (at most two), or
 * the start of an inline comment (';' after whitespace), or the end. */
static const char *find_chars_or_comment(const char *s, const char *end, const char *chars)
{
	/* every byte of the file passes here: no strchr() per byte */
	char c1 = chars ? chars[0] : '\0';
	char c2 = chars && c1 ? chars[1] : '\0';
	bool was_space = false;
	while (s < end && (!c1 || (*s != c1 && (!c2 || *s != c2))) && !(was_space && *s == ';')) {
		was_space = is_blank(*s);
		s++;
	}
	return s;
}

static const char *lskip(const char *s, const char *end)
{
	while (s < end && is_blank(*s))
		s++;
	return s;
}

static const char *rskip(const char *begin, const char *end)
{
	while (end > begin && is_blank(end[-1]))
		end--;
	return end;
}

/* Where the value of a key line lies: [*vs, *ve). The bytes before are the
 * prefix ("key = "), those after the suffix (blanks and inline comment). */
static void value_span(const struct ini_line *l, size_t *vs, size_t *ve)
{
	const char *t = l->text, *end = t + l->len;
	const char *sep = find_chars_or_comment(lskip(t, end), end, "=:");
	const char *v = sep < end ? sep + 1 : end;
	const char *c = find_chars_or_comment(v, end, NULL);
	const char *b = lskip(v, c), *e = rskip(b, c);
	if (b == e) {
		/* Empty value: keep one blank after the separator with the
		 * prefix, but never the last blank before a comment: a new
		 * value must not touch the ';'. */
		b = e = (v + 1 < c && (*v == ' ' || *v == '\t')) ? v + 1 : v;
	}
	*vs = (size_t)(b - t);
	*ve = (size_t)(e - t);
}

/* ---------------------------------------------------------------- parsing */

struct parse_ctx {
	struct ini_doc *doc;
	int mismatch;        /* first line where inih and we disagree */
};

/* Room in doc->strs for n more bytes. The store is sized once from the
 * file (every line gives at most its length and one NUL), so this only
 * guards that promise. */
static char *strs_room(struct ini_doc *doc, size_t n)
{
	if (n > doc->strs_cap - doc->strs_len) {
		fputs("mailset: internal error: the INI key/value store is full\n", stderr);
		abort();
	}
	return doc->strs + doc->strs_len;
}

/* en's key and value, appended to doc->strs as "key\0value\0". */
static void key_value(struct ini_doc *doc, struct ini_entry *en, const char *key,
		      const char *value)
{
	size_t klen = strlen(key), vlen = strlen(value);
	char *p = strs_room(doc, klen + vlen + 2);
	memcpy(p, key, klen + 1);
	memcpy(p + klen + 1, value, vlen + 1);
	doc->strs_len += klen + vlen + 2;
	en->key = p;
	en->value = p + klen + 1;
}

/* A continuation line: "\n" and more go on the end of en's value, which is
 * the last thing in doc->strs (inih reports a key's lines one after the
 * other). */
static void value_more(struct ini_doc *doc, const char *more)
{
	size_t mlen = strlen(more);
	char *p = strs_room(doc, mlen + 1) - 1; /* over the value's NUL */
	*p = '\n';
	memcpy(p + 1, more, mlen + 1);
	doc->strs_len += mlen + 1;
}

static int on_value(void *user, const char *section, const char *name,
		    const char *value, int lineno)
{
	struct parse_ctx *ctx = user;
	struct ini_doc *doc = ctx->doc;
	if (lineno < 1 || (size_t)lineno > doc->nlines) {
		if (!ctx->mismatch)
			ctx->mismatch = lineno > 0 ? lineno : 1;
		return 1;
	}
	struct ini_line *l = &doc->lines[lineno - 1];
	if (l->kind == INI_KEY) {
		/* one string per run of a section, not one per entry */
		const char *sec = doc->nentries ? doc->entries[doc->nentries - 1].section : NULL;
		if (!sec || strcmp(sec, section)) {
			doc->sections = xgrow(doc->sections, doc->nsections, sizeof *doc->sections);
			sec = doc->sections[doc->nsections++] = xstrdup(section);
		}
		struct ini_entry *en = &doc->entries[doc->nentries]; /* one per line */
		en->section = sec;
		key_value(doc, en, name, value);
		en->line = en->last_line = lineno;
		l->entry = (uint32_t)doc->nentries++;
	} else if (l->kind == INI_CONT && doc->nentries > 0) {
		struct ini_entry *en = &doc->entries[doc->nentries - 1];
		if (strncmp(en->key, name, INIH_NAME_MAX) != 0 && !ctx->mismatch)
			ctx->mismatch = lineno;
		value_more(doc, value);
		en->last_line = lineno;
		l->entry = (uint32_t)(doc->nentries - 1);
	} else if (!ctx->mismatch) {
		ctx->mismatch = lineno;
	}
	return 1;
}

static void add_line(struct ini_doc *doc, const char *text, size_t len, enum ini_eol eol)
{
	struct ini_line *l = &doc->lines[doc->nlines++]; /* sized by parse_owned */
	memset(l, 0, sizeof *l);
	l->text = text; /* into doc->buf */
	l->len = (uint32_t)len;
	l->eol = eol;
}

/* Classify every line the way inih will; returns the first line inih will
 * reject (0 when none) and a reason in *why. */
static int classify(struct ini_doc *doc, const char **why)
{
	bool have_prev_key = false;
	for (size_t i = 0; i < doc->nlines; i++) {
		struct ini_line *l = &doc->lines[i];
		const char *t = l->text, *end = t + l->len;
		const char *s = lskip(t, rskip(t, end));
		end = rskip(t, end);
		if (s == end || *s == ';' || *s == '#') {
			l->kind = s == end ? INI_BLANK : INI_COMMENT;
		} else if (have_prev_key && (s > t || (i == 0 && doc->bom))) {
			l->kind = INI_CONT;
		} else if (*s == '[') {
			const char *c = find_chars_or_comment(s + 1, end, "]");
			if (c == end || *c != ']') {
				*why = _("a section header needs a closing ']', as in [smtp]");
				return (int)i + 1;
			}
			size_t n = (size_t)(c - s - 1);
			l->kind = INI_SECTION;
			l->section = xstrndup(s + 1, n > INIH_NAME_MAX ? INIH_NAME_MAX : n);
			have_prev_key = false;
		} else {
			const char *c = find_chars_or_comment(s, end, "=:");
			if (c == end || (*c != '=' && *c != ':')) {
				*why = _("expected 'key = value', a [section] header or a comment "
					 "starting with ';' or '#'");
				return (int)i + 1;
			}
			l->kind = INI_KEY;
			/* inih continues only a key with a name: "= value" has none */
			have_prev_key = rskip(s, c) > s;
		}
	}
	return 0;
}

/* Parse buf (len bytes, NUL-terminated, malloc'd), which doc takes over
 * whatever the result. */
static enum ini_status parse_owned(char *buf, size_t len, struct ini_doc *doc,
				   struct ini_error *e)
{
	memset(doc, 0, sizeof *doc);
	memset(e, 0, sizeof *e);
	doc->buf = buf;
	doc->len = len;

	const char *nul = memchr(buf, '\0', len);
	if (nul) {
		int line = 1;
		for (const char *p = buf; p < nul; p++)
			line += *p == '\n';
		inifile_free(doc);
		seterr(e, INI_SYNTAX, line, 0, "%s",
		       _("the line contains a NUL byte; this is not a text file the INI reader can read"));
		return INI_SYNTAX;
	}

	/* Everything sized once from the line count: the lines, an entry per
	 * line at most, and their strings (a line's key and value are no
	 * longer than the line, plus a NUL). Pages never used are never
	 * touched. */
	size_t maxlines = 1;
	for (const char *q = buf; (q = memchr(q, '\n', len - (size_t)(q - buf))); q++)
		maxlines++;
	doc->lines = xmalloc_big(maxlines * sizeof *doc->lines, true);
	doc->entries = xmalloc_big(maxlines * sizeof *doc->entries, true);
	doc->strs_cap = len + maxlines + 1;
	doc->strs = xmalloc_big(doc->strs_cap, false);

	const char *p = buf, *end = buf + len;
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3)) {
		doc->bom = true;
		p += 3;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		enum ini_eol eol = nl ? INI_EOL_LF : INI_EOL_NONE;
		if (nl && le > p && le[-1] == '\r') {
			le--;
			eol = INI_EOL_CRLF;
		}
		size_t n = (size_t)(le - p) + (doc->nlines == 0 && doc->bom ? 3 : 0) +
			   (eol == INI_EOL_CRLF ? 2 : eol == INI_EOL_LF ? 1 : 0);
		if (n > INI_LINE_MAX) {
			int line = (int)doc->nlines + 1;
			inifile_free(doc);
			seterr(e, INI_SYNTAX, line, 0,
			       _("the line is %zu bytes long with its line ending; the INI reader "
				 "reads at most %d bytes of a line and would misread the rest: shorten "
				 "it (a BCC list can continue on lines indented with blanks)"),
			       n, INI_LINE_MAX);
			return INI_SYNTAX;
		}
		add_line(doc, p, (size_t)(le - p), eol);
		p = nl ? nl + 1 : end;
	}
	doc->eol = doc->nlines && doc->lines[0].eol == INI_EOL_CRLF ? INI_EOL_CRLF : INI_EOL_LF;

	const char *why = NULL;
	int bad = classify(doc, &why);

	/* inih reads the NUL-terminated buffer line by line into its own */
	struct parse_ctx ctx = { .doc = doc, .mismatch = 0 };
	int rc = ini_parse_string(buf, on_value, &ctx);

	if (rc != 0 || bad) {
		int line = rc > 0 ? rc : bad;
		const char *msg = (bad == line && why) ? why
			: _("the INI reader cannot parse this line");
		inifile_free(doc);
		seterr(e, INI_SYNTAX, line, 0, "%s", msg);
		return INI_SYNTAX;
	}
	if (ctx.mismatch) {
		int line = ctx.mismatch;
		inifile_free(doc);
		seterr(e, INI_SYNTAX, line, 0, "%s",
		       _("mailset does not understand this line the way the INI reader does; "
			 "please rewrite it as 'key = value'"));
		return INI_SYNTAX;
	}
	return INI_OK;
}

enum ini_status inifile_parse(const char *buf, size_t len, struct ini_doc *doc,
			      struct ini_error *e)
{
	return parse_owned(xstrndup(buf, len), len, doc, e);
}

enum ini_status inifile_parse_sb(struct strbuf *sb, struct ini_doc *doc, struct ini_error *e)
{
	size_t len = sb->len;
	return parse_owned(sb_steal(sb), len, doc, e);
}

enum ini_status inifile_load(const char *path, struct ini_doc *doc,
			     struct ini_error *e, struct stat *stp)
{
	memset(doc, 0, sizeof *doc);
	memset(e, 0, sizeof *e);
	/* O_NONBLOCK: a FIFO at path must not hold the open up until some
	 * writer comes (it is refused below, as every non-file is) */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		int err = errno;
		seterr(e, err == ENOENT ? INI_NOFILE : INI_IOERR, 0, err,
		       _("cannot open: %s"), strerror(err));
		return e->status;
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int err = errno;
		close(fd);
		seterr(e, INI_IOERR, 0, err, _("cannot read: %s"), strerror(err));
		return INI_IOERR;
	}
	if (!S_ISREG(st.st_mode)) {
		const char *what = S_ISDIR(st.st_mode)	  ? _("a directory")
				   : S_ISFIFO(st.st_mode) ? _("a named pipe (FIFO)")
				   : S_ISSOCK(st.st_mode) ? _("a socket")
							  : _("a device");
		close(fd);
		seterr(e, INI_IOERR, 0, S_ISDIR(st.st_mode) ? EISDIR : EINVAL,
		       _("it is %s, not a file: give the configuration file itself"), what);
		return INI_IOERR;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	/* Straight into the buffer the document keeps: one read of the file,
	 * no copy. One byte more than its size, to see the end (or growth). */
	size_t cap = (st.st_size > 0 ? (size_t)st.st_size : 0) + 2, len = 0;
	char *buf = xmalloc_big(cap, false);
	for (;;) {
		if (cap - len < 2)
			buf = xrealloc(buf, cap *= 2);
		ssize_t n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;
			close(fd);
			util_wipe_free(buf, len);
			seterr(e, INI_IOERR, 0, err, _("cannot read: %s"), strerror(err));
			return INI_IOERR;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	if (stp)
		*stp = st;
	return parse_owned(buf, len, doc, e);
}

void inifile_free(struct ini_doc *doc)
{
	for (size_t i = 0; i < doc->nlines; i++)
		free(doc->lines[i].section);
	for (size_t i = 0; i < doc->nsections; i++)
		free(doc->sections[i]);
	free(doc->lines);
	free(doc->entries);
	free(doc->sections);
	/* the file's bytes and values hold the password: wiped first */
	if (doc->strs)
		explicit_bzero(doc->strs, doc->strs_len);
	free(doc->strs);
	if (doc->buf)
		explicit_bzero(doc->buf, doc->len);
	free(doc->buf);
	memset(doc, 0, sizeof *doc);
}

const struct ini_entry *inifile_find(const struct ini_doc *doc,
				     const char *section, const char *key)
{
	for (size_t i = doc->nentries; i-- > 0;) {
		const struct ini_entry *en = &doc->entries[i];
		if (!strcmp(en->section, section) && !strcmp(en->key, key))
			return en;
	}
	return NULL;
}

char *inifile_masked(const struct ini_doc *doc, const char *section, const char *key,
		     const char *mask, size_t *len)
{
	struct strbuf out = { 0 };
	const char *p = doc->buf ? doc->buf : "";
	size_t done = 0; /* bytes of buf copied */
	for (size_t i = 0; i < doc->nlines; i++) {
		const struct ini_line *l = &doc->lines[i];
		if (l->kind != INI_KEY && l->kind != INI_CONT)
			continue;
		const struct ini_entry *en = &doc->entries[l->entry];
		if (strcmp(en->section, section) || strcmp(en->key, key))
			continue;
		size_t vs, ve;
		if (l->kind == INI_KEY) {
			value_span(l, &vs, &ve);
		} else {
			const char *t = l->text, *end = l->text + l->len;
			const char *b = lskip(t, end);
			vs = (size_t)(b - t);
			ve = (size_t)(rskip(b, find_chars_or_comment(b, end, NULL)) - t);
		}
		if (vs == ve)
			continue;
		size_t at = (size_t)(l->text - p);
		sb_add(&out, p + done, at + vs - done);
		sb_adds(&out, mask);
		done = at + ve;
	}
	sb_add(&out, p + done, doc->len - done);
	*len = out.len;
	return out.buf ? sb_steal(&out) : xstrdup("");
}

int inifile_section_line(const struct ini_doc *doc, const char *section)
{
	for (size_t i = doc->nlines; i-- > 0;)
		if (doc->lines[i].kind == INI_SECTION && !strcmp(doc->lines[i].section, section))
			return (int)i + 1;
	return 0;
}

/* ------------------------------------------------------ what can be held */

/* The longest value of key that fits on one "key = value" line. */
static size_t room_for(const char *key)
{
	size_t used = strlen(key) + 3;
	return used >= INI_TEXT_MAX ? 0 : INI_TEXT_MAX - used;
}

const char *inifile_value_problem(const char *key, const char *value, bool may_wrap)
{
	static char msg[256];
	size_t n = strlen(value);
	if (!utf8_valid(value, n))
		return _("this is not valid UTF-8 text; retype it");
	for (const char *p = value; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if ((c < 0x20 && !(may_wrap && c == '\n')) || c == 0x7F) {
			snprintf(msg, sizeof msg,
				 _("contains a control character (U+%04X), which the INI file cannot hold"),
				 c);
			return msg;
		}
	}
	if (n && (value[0] == ' ' || value[n - 1] == ' '))
		return _("begins or ends with a blank, which the INI reader would drop; remove it");
	if (value[0] == ';')
		return _("begins with ';', which the INI reader takes for a comment");
	for (const char *p = value; *p; p++)
		if ((*p == ' ' || *p == '\n') && p[1] == ';')
			return _("contains a blank followed by ';', which the INI reader takes for the "
				 "start of a comment: everything after it would be lost");
	if (!may_wrap) {
		if (n > room_for(key)) {
			snprintf(msg, sizeof msg,
				 _("is %zu bytes long; one line of the INI file holds at most %zu bytes "
				   "for this key (a Japanese character takes 3)"),
				 n, room_for(key));
			return msg;
		}
		return NULL;
	}
	/* A list: each item must fit on a line of its own. */
	size_t room = room_for(key) - 1, croom = INI_TEXT_MAX - strlen(INDENT) - 2;
	if (croom < room)
		room = croom;
	for (const char *p = value; *p;) {
		size_t k = strcspn(p, ",\n");
		if (*p == ';')
			return _("an item begins with ';', which the INI reader takes for a comment");
		if (k > room) {
			snprintf(msg, sizeof msg,
				 _("an item is %zu bytes long; one line of the INI file holds at most %zu"),
				 k, room);
			return msg;
		}
		p += k;
		if (*p)
			p++;
	}
	return NULL;
}

/* -------------------------------------------------------------- rendering */

static const char *eol_str(enum ini_eol eol)
{
	return eol == INI_EOL_CRLF ? "\r\n" : eol == INI_EOL_LF ? "\n" : "";
}

/* Lines that replace a key line: "prefix value suffix", or for a wrapped
 * list, the first line and indented continuation lines. Each line in lines
 * is appended without its line ending; returns the count. */
static size_t build_value_lines(const char *prefix, size_t plen, const char *value,
				const char *suffix, size_t slen, bool wrap,
				char ***lines)
{
	size_t n = 0;
	*lines = NULL;
	struct strbuf sb = { 0 }, flat = { 0 };
	if (wrap) {
		/* A list read from continuation lines holds newlines: its items
		 * go back on lines of mailset's own making. */
		for (const char *p = value; *p;) {
			size_t k = strcspn(p, ",\n");
			if (k) {
				if (flat.len)
					sb_addc(&flat, ',');
				sb_add(&flat, p, k);
			}
			p += k;
			p += *p != '\0';
		}
		value = flat.buf ? flat.buf : "";
	}
	sb_add(&sb, prefix, plen);
	if (!wrap || plen + strlen(value) + slen <= INI_TEXT_MAX) {
		sb_adds(&sb, value);
		if (!*value && !slen) {
			while (sb.len && is_blank(sb.buf[sb.len - 1]))
				sb.buf[--sb.len] = '\0';
		}
		sb_add(&sb, suffix, slen);
		*lines = xmalloc(sizeof **lines);
		(*lines)[n++] = sb_steal(&sb);
		sb_free(&flat);
		return n;
	}
	/* Wrap after commas; an item that begins with '#' would read as a
	 * comment at the start of a line, so its comma starts the line. The
	 * inline comment stays on the key's line: Debian's inih keeps it as
	 * part of the value on a continuation line. */
	bool first_on_line = true;
	size_t room0 = INI_TEXT_MAX > slen ? INI_TEXT_MAX - slen : 0; /* first line */
	for (const char *p = value; *p;) {
		size_t k = strcspn(p, ",\n");
		if (k == 0) {
			p++;
			continue;
		}
		const char *next = p + k;
		while (*next == ',' || *next == '\n')
			next++;
		bool last = *next == '\0';
		size_t need = k + (last ? 0 : 1);
		if (!first_on_line && sb.len + need > (n ? INI_TEXT_MAX : room0)) {
			*lines = xrealloc(*lines, (n + 1) * sizeof **lines);
			if (*p == '#') {
				/* drop the trailing comma; it leads the next line */
				sb.buf[--sb.len] = '\0';
			}
			if (!n)
				sb_add(&sb, suffix, slen);
			(*lines)[n++] = sb_steal(&sb);
			sb_adds(&sb, INDENT);
			if (*p == '#')
				sb_addc(&sb, ',');
		}
		sb_add(&sb, p, k);
		first_on_line = false;
		if (!last)
			sb_addc(&sb, ',');
		p = next;
	}
	if (!n)
		sb_add(&sb, suffix, slen);
	*lines = xrealloc(*lines, (n + 1) * sizeof **lines);
	(*lines)[n++] = sb_steal(&sb);
	sb_free(&flat);
	return n;
}

static bool lines_fit(char **lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(lines[i]) > INI_TEXT_MAX)
			return false;
	return true;
}

static void free_lines(char **lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

/* The lines that hold key = value. With an existing line l, its prefix and
 * inline comment are kept; should that not fit, the canonical "key = "
 * prefix is tried, and last the comment moves to a line of its own above. */
static size_t key_lines(const struct ini_line *l, const char *key, const char *value,
			bool wrap, char ***lines)
{
	char *canon = xasprintf("%s = ", key);
	size_t n;
	if (!l) {
		n = build_value_lines(canon, strlen(canon), value, "", 0, wrap, lines);
		free(canon);
		return n;
	}
	size_t vs, ve;
	value_span(l, &vs, &ve);
	struct strbuf prefix = { 0 };
	sb_add(&prefix, l->text, vs);
	/* "key =" before an empty old value: "key = new" */
	if (vs == ve && vs >= 2 && (l->text[vs - 1] == '=' || l->text[vs - 1] == ':') &&
	    is_blank(l->text[vs - 2]) && *value)
		sb_addc(&prefix, ' ');
	const char *suffix = l->text + ve;
	size_t slen = l->len - ve;
	n = build_value_lines(prefix.buf, prefix.len, value, suffix, slen, wrap, lines);
	if (!lines_fit(*lines, n)) {
		free_lines(*lines, n);
		n = build_value_lines(canon, strlen(canon), value, suffix, slen, wrap, lines);
	}
	if (!lines_fit(*lines, n) && slen) {
		free_lines(*lines, n);
		char **body;
		size_t m = build_value_lines(canon, strlen(canon), value, "", 0, wrap, &body);
		const char *c = lskip(suffix, suffix + slen);
		*lines = xmalloc((m + 1) * sizeof **lines);
		(*lines)[0] = xstrndup(c, slen - (size_t)(c - suffix));
		memcpy(*lines + 1, body, m * sizeof *body);
		free(body);
		n = m + 1;
	}
	sb_free(&prefix);
	free(canon);
	return n;
}


static void emit(struct strbuf *out, const char *text, size_t len, enum ini_eol eol)
{
	sb_add(out, text, len);
	sb_adds(out, eol_str(eol));
}

/* The entry in force (the last) for each change, or NULL: one pass over the
 * entries, whose section is compared once per run of them (ini_entry). */
static void find_entries(const struct ini_doc *doc, const struct ini_change *ch, size_t nch,
			 const struct ini_entry **found)
{
	bool *insec = xcalloc(nch ? nch : 1, sizeof *insec);
	bool any = false;
	const char *run = NULL;
	for (size_t i = 0; i < nch; i++)
		found[i] = NULL;
	for (size_t k = 0; k < doc->nentries; k++) {
		const struct ini_entry *en = &doc->entries[k];
		if (en->section != run) {
			run = en->section;
			any = false;
			for (size_t i = 0; i < nch; i++)
				any |= insec[i] = !strcmp(ch[i].section, run);
		}
		for (size_t i = 0; any && i < nch; i++)
			if (insec[i] && !strcmp(ch[i].key, en->key))
				found[i] = en;
	}
	free(insec);
}

static size_t last_line_of_section(const struct ini_doc *doc, size_t header)
{
	size_t at = header;
	for (size_t i = header + 1; i < doc->nlines && doc->lines[i].kind != INI_SECTION; i++)
		if (doc->lines[i].kind == INI_KEY || doc->lines[i].kind == INI_CONT)
			at = i;
	return at;
}

enum ini_status inifile_render(const struct ini_doc *doc,
			       const struct ini_change *ch, size_t nch,
			       struct strbuf *out, struct ini_error *e)
{
	memset(e, 0, sizeof *e);
	for (size_t i = 0; i < nch; i++) {
		const char *why = inifile_value_problem(ch[i].key, ch[i].value, ch[i].wrap);
		if (why) {
			seterr(e, INI_VALUE, 0, 0, "%s.%s: %s", ch[i].section, ch[i].key, why);
			return INI_VALUE;
		}
	}

	size_t nl = doc->nlines;
	char ***repl = xcalloc(nl ? nl : 1, sizeof *repl);
	size_t *nrepl = xcalloc(nl ? nl : 1, sizeof *nrepl);
	bool *drop = xcalloc(nl ? nl : 1, sizeof *drop);
	struct strbuf *after = xcalloc(nl ? nl : 1, sizeof *after);
	struct strbuf tail = { 0 };
	/* A document made from nothing has no line ending of its own yet. */
	enum ini_eol deol = doc->eol == INI_EOL_CRLF ? INI_EOL_CRLF : INI_EOL_LF;
	const char *neol = eol_str(deol);
	/* New sections, in the order their first change comes. */
	const char *newsec[16];
	size_t nnewsec = 0;
	const struct ini_entry **found = xcalloc(nch ? nch : 1, sizeof *found);
	find_entries(doc, ch, nch, found);

	for (size_t i = 0; i < nch; i++) {
		const struct ini_entry *en = found[i];
		if (en) {
			size_t k = (size_t)en->line - 1;
			for (size_t j = 0; j < nrepl[k]; j++)
				free(repl[k][j]);
			free(repl[k]);
			nrepl[k] = key_lines(&doc->lines[k], ch[i].key, ch[i].value, ch[i].wrap, &repl[k]);
			for (int j = en->line; j < en->last_line; j++)
				if (doc->lines[j].kind == INI_CONT &&
				    doc->lines[j].entry == (size_t)(en - doc->entries))
					drop[j] = true;
			continue;
		}
		char **lines;
		size_t n = key_lines(NULL, ch[i].key, ch[i].value, ch[i].wrap, &lines);
		int hl = inifile_section_line(doc, ch[i].section);
		struct strbuf *dst;
		if (hl) {
			dst = &after[last_line_of_section(doc, (size_t)hl - 1)];
		} else {
			size_t s;
			for (s = 0; s < nnewsec && strcmp(newsec[s], ch[i].section); s++)
				;
			if (s == nnewsec && nnewsec < sizeof newsec / sizeof *newsec)
				newsec[nnewsec++] = ch[i].section;
			/* Gathered per section below. */
			dst = NULL;
		}
		for (size_t j = 0; j < n; j++) {
			if (dst) {
				sb_adds(dst, lines[j]);
				sb_adds(dst, neol);
			}
			free(lines[j]);
		}
		free(lines);
	}

	/* New sections: their keys in change order. */
	for (size_t s = 0; s < nnewsec; s++) {
		if (tail.len || (nl && doc->lines[nl - 1].kind != INI_BLANK))
			sb_adds(&tail, neol);
		sb_addf(&tail, "[%s]%s", newsec[s], neol);
		for (size_t i = 0; i < nch; i++) {
			if (strcmp(ch[i].section, newsec[s]) || found[i])
				continue;
			char **lines;
			size_t n = key_lines(NULL, ch[i].key, ch[i].value, ch[i].wrap, &lines);
			for (size_t j = 0; j < n; j++) {
				sb_adds(&tail, lines[j]);
				sb_adds(&tail, neol);
				free(lines[j]);
			}
			free(lines);
		}
	}

	/* The last line may have no line ending and be as long as inih
	 * allows: a line after it would push it over. */
	enum ini_status rc = INI_OK;
	/* An indented line that follows new lines (blank and comment lines
	 * between do not matter to inih) would become their continuation. */
	for (size_t i = 0; i < nl && rc == INI_OK; i++) {
		if (!after[i].len)
			continue;
		size_t j = i + 1;
		while (j < nl && (doc->lines[j].kind == INI_BLANK || doc->lines[j].kind == INI_COMMENT))
			j++;
		if (j < nl && doc->lines[j].len && is_blank(doc->lines[j].text[0]) &&
		    doc->lines[j].kind != INI_CONT) {
			seterr(e, INI_SYNTAX, (int)j + 1, 0, "%s",
			       _("this line starts with blanks, so a key added before it would "
				 "swallow it as a continuation: remove the blanks, then try again"));
			rc = INI_SYNTAX;
		}
	}
	if (rc == INI_OK && nl && doc->lines[nl - 1].eol == INI_EOL_NONE && !repl[nl - 1] &&
	    (after[nl - 1].len || tail.len) &&
	    doc->lines[nl - 1].len + (nl == 1 && doc->bom ? 3 : 0) + strlen(neol) > INI_LINE_MAX) {
		seterr(e, INI_SYNTAX, (int)nl, 0, "%s",
		       _("the last line has no line ending and is as long as the INI reader "
			 "allows, so nothing can be added after it: shorten it, then try again"));
		rc = INI_SYNTAX;
	}
	memset(out, 0, sizeof *out);
	if (doc->bom)
		sb_add(out, "\xEF\xBB\xBF", 3);
	for (size_t i = 0; i < nl && rc == INI_OK; i++) {
		const struct ini_line *l = &doc->lines[i];
		bool more = after[i].len || (i + 1 == nl && tail.len);
		/* A line that gains a follower needs a line ending. */
		enum ini_eol eol = l->eol == INI_EOL_NONE && more ? deol : l->eol;
		if (drop[i])
			continue;
		if (repl[i]) {
			for (size_t j = 0; j < nrepl[i]; j++)
				emit(out, repl[i][j], strlen(repl[i][j]),
				     j + 1 < nrepl[i] ? (eol == INI_EOL_NONE ? deol : eol) : eol);
		} else {
			emit(out, l->text, l->len, eol);
		}
		sb_add(out, after[i].buf, after[i].len);
	}
	sb_add(out, tail.buf, tail.len);

	for (size_t i = 0; i < nl; i++) {
		for (size_t j = 0; j < nrepl[i]; j++)
			free(repl[i][j]);
		free(repl[i]);
		sb_free(&after[i]);
	}
	free(repl);
	free(nrepl);
	free(drop);
	free(after);
	free(found);
	sb_free(&tail);
	if (rc != INI_OK)
		sb_free(out);
	return rc;
}

/* ----------------------------------------------------------------- saving */

static const struct ini_io real_io = { mkostemp, write, fsync, close, rename, fsync };
static const struct ini_io *io = &real_io;

void inifile_set_io(const struct ini_io *with)
{
	io = with ? with : &real_io;
}

enum ini_status inifile_write_atomic(const char *path, const char *data,
				     size_t len, struct ini_error *e)
{
	memset(e, 0, sizeof *e);
	/* Follow a symbolic link, so that the link itself survives. */
	char *real = realpath(path, NULL);
	const char *target = real ? real : path;
	struct stat st;
	if (!real && lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		/* a link to nothing: replacing it with a file would cut the
		 * link without a word */
		char to[4096];
		ssize_t n = readlink(path, to, sizeof to - 1);
		to[n > 0 ? n : 0] = '\0';
		char *shown = transcript_safe(to, strlen(to), 200);
		seterr(e, INI_IOERR, 0, ENOENT,
		       _("it is a symbolic link to %s, which does not exist: create that file "
			 "(or its directory), or remove the link"), shown);
		free(shown);
		free(real);
		return INI_IOERR;
	}
	bool exists = stat(target, &st) == 0;
	char *dcopy = xstrdup(target), *bcopy = xstrdup(target);
	const char *dir = dirname(dcopy), *base = basename(bcopy);
	char *tmp = xasprintf("%s/.%s." INI_TEMP_MARK "XXXXXX", dir, base);
	enum ini_status rc = INI_OK;
	int fd = io->mkstemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		int err = errno;
		seterr(e, INI_IOERR, 0, err, _("cannot create a temporary file in %s: %s"),
		       dir, strerror(err));
		e->create = true;
		rc = INI_IOERR;
		goto out;
	}
	/* Held with flock() until it is the file or gone: another run's
	 * inifile_clean_temps() removes only a temporary nobody holds. A
	 * second descriptor, as fd is closed before the rename. */
	int held = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (held >= 0 && flock(held, LOCK_EX | LOCK_NB) < 0) {
		close(held);
		held = -1;
	}
	/* Gone at exit or out of memory, whatever happens below (best
	 * effort: a full list only leaves it to inifile_clean_temps()). */
	int tn = lock_tempfile_add(tmp);
	/* mkostemp() made it 0600: right for a new file holding a password. */
	if (exists && fchmod(fd, st.st_mode & 07777) < 0) {
		int err = errno;
		seterr(e, INI_IOERR, 0, err, _("cannot keep the file's mode %04o: %s"),
		       (unsigned)(st.st_mode & 07777), strerror(err));
		goto fail;
	}
	if (exists && (st.st_uid != geteuid() || st.st_gid != getegid()) &&
	    fchown(fd, st.st_uid, st.st_gid) < 0) {
		int err = errno;
		seterr(e, INI_IOERR, 0, err, _("cannot keep the file's owner %u:%u: %s"),
		       (unsigned)st.st_uid, (unsigned)st.st_gid, strerror(err));
		goto fail;
	}
	if (util_write_all(fd, data, len, io->write) < 0) {
		int err = errno;
		seterr(e, INI_IOERR, 0, err, _("cannot write the new contents: %s"), strerror(err));
		goto fail;
	}
	if (io->fsync(fd) < 0) {
		int err = errno;
		seterr(e, INI_IOERR, 0, err, _("cannot flush the new contents to disk: %s"),
		       strerror(err));
		goto fail;
	}
	if (io->close(fd) < 0) {
		int err = errno;
		fd = -1;
		seterr(e, INI_IOERR, 0, err, _("cannot write the new contents: %s"), strerror(err));
		goto fail;
	}
	fd = -1;
	if (io->rename(tmp, target) < 0) {
		int err = errno;
		seterr(e, INI_IOERR, 0, err, _("cannot replace the file: %s"), strerror(err));
		goto fail;
	}
	lock_tempfile_forget(tn); /* it is the file now */
	if (exists && st.st_nlink > 1)
		e->links = (unsigned long)st.st_nlink;
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || io->fsync_dir(dfd) < 0) {
		int err = errno;
		seterr(e, INI_IOERR, 0, err,
		       _("the file was replaced, but its directory could not be flushed to disk: %s"),
		       strerror(err));
		e->replaced = true;
		rc = INI_IOERR;
	}
	if (dfd >= 0)
		close(dfd);
	if (held >= 0)
		close(held);
	goto out;
fail:
	if (fd >= 0)
		close(fd);
	if (tn < 0 || lock_tempfile_remove(tn) < 0)
		unlink(tmp);
	if (held >= 0)
		close(held);
	rc = INI_IOERR;
out:
	free(tmp);
	free(dcopy);
	free(bcopy);
	free(real);
	return rc;
}

int inifile_clean_temps(const char *path)
{
	char *real = realpath(path, NULL);
	const char *target = real ? real : path;
	char *dcopy = xstrdup(target), *bcopy = xstrdup(target);
	const char *dir = dirname(dcopy), *base = basename(bcopy);
	size_t blen = strlen(base);
	int n = 0;
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d)) != NULL) {
		/* exactly ".BASE." or "BASE.lock.", the mark and the six
		 * characters mkostemp() chose (a save's file, a lock being
		 * made): never a file of the user's such as .BASE.backup */
		const char *name = de->d_name;
		size_t mlen = strlen(INI_TEMP_MARK);
		bool save_tmp = name[0] == '.' && !strncmp(name + 1, base, blen) &&
				name[1 + blen] == '.' &&
				!strncmp(name + 2 + blen, INI_TEMP_MARK, mlen) &&
				strlen(name + 2 + blen + mlen) == 6;
		bool lock_tmp = !strncmp(name, base, blen) && !strncmp(name + blen, ".lock.", 6) &&
				!strncmp(name + blen + 6, INI_TEMP_MARK, mlen) &&
				strlen(name + blen + 6 + mlen) == 6;
		if (!save_tmp && !lock_tmp)
			continue;
		/* Only what nobody holds: a live run holds its temporary with
		 * flock() from the moment it exists (lock_take(), the save). */
		char *p = xasprintf("%s/%s", dir, name);
		int fd = open(p, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		struct stat fst, lst;
		if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &fst) == 0 &&
		    lstat(p, &lst) == 0 && fst.st_dev == lst.st_dev && fst.st_ino == lst.st_ino)
			n += unlink(p) == 0;
		if (fd >= 0)
			close(fd);
		free(p);
	}
	if (d)
		closedir(d);
	free(dcopy);
	free(bcopy);
	free(real);
	return n;
}
