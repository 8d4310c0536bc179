/* SPDX-License-Identifier: MIT */
/* inifile.h - the INI file as the shop's reader (inih) sees it, and a
 * line-preserving writer.
 *
 * Reading goes through the system's libinih, so mailset agrees with the
 * shop on every value. The document also keeps every line's bytes, so that
 * rendering with no changes gives back the file byte for byte, and a change
 * touches only the lines of the values that changed: comments, blank lines,
 * unknown sections and keys, key order, a UTF-8 BOM and LF or CRLF line
 * endings all survive. */
#ifndef MAILSET_INIFILE_H
#define MAILSET_INIFILE_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "mailset/util.h"

/* inih reads a line fgets-style into a 200-byte buffer: a line of more
 * than 199 bytes, line ending included, is split into two, which shifts the
 * line numbers of everything after it and misreads longer values. Such
 * lines are errors here. */
/* The mark in the names of mailset's temporary files (".NAME.mailset-XXXXXX"
 * while saving, "NAME.lock.mailset-XXXXXX" while taking the lock), so that
 * inifile_clean_temps() never takes a file of the user's for one. */
#define INI_TEMP_MARK "mailset-"
#define INI_LINE_MAX 199
/* The longest line mailset writes, without its line ending: room for CRLF. */
#define INI_TEXT_MAX (INI_LINE_MAX - 2)

enum ini_eol { INI_EOL_NONE, INI_EOL_LF, INI_EOL_CRLF };
enum ini_kind { INI_BLANK, INI_COMMENT, INI_SECTION, INI_KEY, INI_CONT };

struct ini_line {
	const char *text;    /* the line's bytes without its line ending: points
				into the document's buf, not NUL-terminated */
	char *section;       /* INI_SECTION: the section's name */
	uint32_t len;        /* at most INI_LINE_MAX */
	uint32_t entry;      /* INI_KEY, INI_CONT: index into entries */
	enum ini_eol eol;
	enum ini_kind kind;
};

/* One key = value as inih reported it. Continuation lines add to the value,
 * joined with "\n". Consecutive entries of one section share one section
 * string, so comparing the pointers tells where a run of them ends. key
 * and value point into the document's strs (value follows key's NUL). */
struct ini_entry {
	const char *section;
	const char *key;
	const char *value;
	int line;            /* 1-based line of the key */
	int last_line;       /* last continuation line, or line */
};

struct ini_doc {
	/* The bytes parsed, whole (BOM, line endings and all) and
	 * NUL-terminated: the file as it was read or is about to be written.
	 * NULL (len 0) in a document made from nothing. */
	char *buf;
	size_t len;
	bool bom;
	enum ini_eol eol;    /* line ending for new lines: that of line 1 */
	struct ini_line *lines;
	size_t nlines;
	struct ini_entry *entries;
	size_t nentries;
	char **sections;     /* the section strings the entries point to */
	size_t nsections;
	/* The entries' keys and values, one after another ("key\0value\0"):
	 * one allocation sized from the file, so the pointers into it hold. */
	char *strs;
	size_t strs_len, strs_cap;
};

enum ini_status {
	INI_OK = 0,
	INI_NOFILE,          /* the file does not exist */
	INI_IOERR,           /* it could not be read or written; e.err says why */
	INI_SYNTAX,          /* it does not parse; e.line names the line */
	INI_VALUE,           /* a value cannot be written so inih reads it back */
	INI_CHANGED          /* saving: the file changed on disk since it was read */
};

struct ini_error {
	enum ini_status status;
	int line;            /* 1-based, 0 when no line is concerned */
	int err;             /* errno, 0 when none */
	bool create;         /* saving: the temporary file could not be created */
	bool replaced;       /* saving: the new file is in place all the same (only
				flushing its directory failed) */
	unsigned long links; /* saved: the old file had this many names (hard
				links, > 1); the others keep the old contents */
	char msg[512];       /* complete sentence, translated, no file name */
};

/* Parse len bytes (the whole file; doc keeps a copy in doc->buf). Returns
 * INI_OK and fills doc, or an error status with e filled and doc empty.
 * doc must be zeroed before and released with inifile_free(). */
enum ini_status inifile_parse(const char *buf, size_t len, struct ini_doc *doc,
			      struct ini_error *e);
/* inifile_parse() of sb's bytes, which doc takes over instead of copying
 * them (they become doc->buf): sb is left empty whatever the result. */
enum ini_status inifile_parse_sb(struct strbuf *sb, struct ini_doc *doc,
				 struct ini_error *e);
/* Read path (once) and parse it. st (may be NULL) receives the file's
 * stat. */
enum ini_status inifile_load(const char *path, struct ini_doc *doc,
			     struct ini_error *e, struct stat *st);
void inifile_free(struct ini_doc *doc);

/* The last entry for section/key (the one in force), or NULL. A scan of
 * every entry: for a few keys; settings_index() finds all the fields' in
 * one pass. */
const struct ini_entry *inifile_find(const struct ini_doc *doc,
				     const char *section, const char *key);
/* 1-based line of the last header of section, or 0. */
int inifile_section_line(const struct ini_doc *doc, const char *section);
/* doc's bytes with the values of every section.key entry (duplicates and
 * continuation lines too) shown as mask where not empty: a file to show
 * (a diff) without a secret. A new string; *len its length. */
char *inifile_masked(const struct ini_doc *doc, const char *section, const char *key,
		     const char *mask, size_t *len);

/* Why value cannot be written as "key = value" so that inih reads it back
 * exactly, as a translated sentence; NULL when it can. With may_wrap, a
 * comma-separated list may be written over continuation lines. */
const char *inifile_value_problem(const char *key, const char *value, bool may_wrap);

struct ini_change {
	const char *section;
	const char *key;
	const char *value;
	bool wrap;           /* a list that may span continuation lines */
};

/* Render doc with the changes applied: an existing key's line keeps its
 * prefix and inline comment and gets the new value; a missing key goes after
 * the last key of its section's last occurrence; a missing section is
 * appended. Returns INI_OK, or INI_VALUE with e naming the key. */
enum ini_status inifile_render(const struct ini_doc *doc,
			       const struct ini_change *ch, size_t nch,
			       struct strbuf *out, struct ini_error *e);

/* Replace path by data atomically: temporary file in the same directory,
 * write, fsync, rename, fsync the directory. An existing file's mode and
 * owner are kept (the link is followed); a new file is created 0600. On
 * failure the old file is untouched, no temporary file is left, and e says
 * which step failed and why. */
enum ini_status inifile_write_atomic(const char *path, const char *data,
				     size_t len, struct ini_error *e);

/* Remove what a save or a lock killed half-way left behind: the temporary
 * files ".NAME.mailset-XXXXXX" and "NAME.lock.mailset-XXXXXX" next to path. Call it only while holding the file's lock
 * (no save of another process can be running). Returns how many went. */
int inifile_clean_temps(const char *path);

/* The system calls of inifile_write_atomic(), replaceable so that tests can
 * make each step fail (ENOSPC, EIO, EROFS, EXDEV...) or kill the process
 * there. NULL restores the real ones. */
struct ini_io {
	int (*mkstemp)(char *tmpl, int flags);
	ssize_t (*write)(int fd, const void *buf, size_t n);
	int (*fsync)(int fd);
	int (*close)(int fd);
	int (*rename)(const char *from, const char *to);
	int (*fsync_dir)(int fd);
};
void inifile_set_io(const struct ini_io *io);

#endif
