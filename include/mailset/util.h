/* SPDX-License-Identifier: MIT */
/* util.h - allocation, growable buffers and UTF-8 helpers shared by the model.
 *
 * Allocation failure is not an error the program can recover from in a
 * useful way here: every x*() wrapper aborts through util_oom(), so callers
 * never check for NULL. Everything returned by an x*() function is owned by
 * the caller and released with free(). */
#ifndef MAILSET_UTIL_H
#define MAILSET_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Out of memory: the hook set here runs first (the editor saves the user's
 * edits and restores the terminal; it must not allocate), then
 * lock_cleanup() removes this process's lock and temporary files (see
 * lock.h), then a message, then the process exits with EX_OSERR without
 * running exit handlers. Nothing half-written is left: saves replace files
 * atomically. */
/* path was saved: out of memory from now on says so (and that only the
 * output is missing) instead of "nothing was saved". Allocates nothing. */
void util_oom_saved(const char *path);
void util_on_oom(void (*hook)(void));
/* No core dump (it would hold the password): RLIMIT_CORE 0, and not
 * dumpable outside sanitizer builds (LeakSanitizer must ptrace itself). */
void util_no_core(void);
/* Tests only (MAILSET_FAULTS builds): $MAILSET_FAIL_ALLOC=N makes the Nth
 * allocation fail. */

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xmalloc_big(size_t n, bool zero);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* Make room in an array of n elements for element n (capacity doubles at
 * powers of two from 16 on, so appending stays linear). */
void *xgrow(void *p, size_t n, size_t size);
char *xstrndup(const char *s, size_t n);
/* printf into a new string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Write all n bytes of data to fd, again after a short write or EINTR;
 * wr is the write function (NULL: write(2); tests pass a failing one).
 * Returns 0, or -1 with errno (EIO when wr wrote nothing and said nothing).
 * Allocates nothing. */
int util_write_all(int fd, const void *data, size_t n,
		   ssize_t (*wr)(int fd, const void *buf, size_t n));

/* Write a whole file: transcripts, reports. Without flags path must not
 * exist (O_CREAT | O_EXCL | O_CLOEXEC, mode as given, less the umask); with
 * UTIL_WRITE_TRUNC an existing path is truncated and written in place, as
 * a shell's '>' does (for a name the user gave: a symbolic link is
 * followed, /dev/stdout works). Then every byte is written (short writes
 * and EINTR retried), a regular file is flushed to disk (fsync), and the
 * close is checked. Returns 0, or -1 with errno of the step that failed;
 * a file created here is then removed again. Allocates nothing. */
#define UTIL_WRITE_TRUNC 0x1u
int util_write_new(const char *path, const void *data, size_t len, mode_t mode,
		   unsigned flags);
/* Why util_write_new(path) failed with err, when it is not only errno's
 * word: a symbolic link, an existing file, another user's file. An
 * untranslated sentence saying what to do (N_: pass it through _()), or
 * NULL for strerror(err). */
const char *util_write_why(const char *path, int err);
/* The calls util_write_new() makes after opening, replaceable so that
 * tests can make them fail or write short; NULL restores the real ones. */
struct util_io {
	ssize_t (*write)(int fd, const void *buf, size_t n);
	int (*fsync)(int fd);
	int (*close)(int fd);
};
void util_set_io(const struct util_io *io);

/* A growable byte buffer, always NUL-terminated. Zero-initialise, then
 * release with sb_free(). */
struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
};
void sb_add(struct strbuf *sb, const void *data, size_t n);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addc(struct strbuf *sb, char c);
void sb_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hand the string over to the caller (never NULL) and reset the buffer. */
char *sb_steal(struct strbuf *sb);
void sb_free(struct strbuf *sb);
/* The same, wiping the bytes first (they may hold the password). */
void sb_wipe(struct strbuf *sb);
/* Wipe n bytes at p (explicit_bzero), then free(p); p may be NULL. */
void util_wipe_free(void *p, size_t n);

/* A character a terminal must not get raw: C0 and C1 controls, DEL, the
 * line and paragraph separators, bidi marks, embeddings, overrides and
 * isolates (they move, break or reorder what is shown around them). */
bool utf8_unsafe(uint32_t cp);
/* Bytes as printable UTF-8, for text from outside (a file, a server, DNS)
 * on its way to a terminal or a report: control characters as ^X (C1 ones,
 * line separators and bidi controls as \uNNNN), invalid UTF-8 as \xNN, at
 * most cap characters (then "…"; SIZE_MAX: all). A new string. */
char *transcript_safe(const char *s, size_t n, size_t cap);
/* transcript_safe() for each line of text, its line breaks kept (a dialog,
 * a diff). A new string. */
char *transcript_safe_lines(const char *text);
/* Decode one UTF-8 character at s (n bytes available). Returns its length in
 * bytes and stores the code point in *cp, or returns 0 for an invalid or
 * truncated sequence (overlong forms and surrogates are invalid). */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);
/* The longest start of s (n bytes) of at most max bytes that does not end
 * inside a UTF-8 character: its length. */
size_t utf8_prefix(const char *s, size_t n, size_t max);
/* True when the whole string is valid UTF-8. */
bool utf8_valid(const char *s, size_t n);
/* Number of characters (code points) in a valid UTF-8 string. */
size_t utf8_chars(const char *s);
/* Terminal columns of one character (2 for wide ones, 1 for the rest:
 * control and unprintable ones too) and of a UTF-8 string (invalid bytes
 * count as one). Needs a UTF-8 LC_CTYPE (i18n_init() sees to it). */
int utf8_char_width(uint32_t cp);
int utf8_width(const char *s);

#endif
