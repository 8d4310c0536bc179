/* SPDX-License-Identifier: MIT */
/* util.c - allocation wrappers, whole-file writes, string buffers, UTF-8. */
#include "mailset/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <sysexits.h>
#include <unistd.h>
#include <wchar.h>

#include "mailset/i18n.h"
#include "mailset/lock.h"

static void (*oom_hook)(void);

void util_on_oom(void (*hook)(void))
{
	oom_hook = hook;
}

/* What out of memory says after a save (util_oom_saved): a fixed buffer,
 * as nothing can be allocated then. */
static char oom_saved[600];

void util_oom_saved(const char *path)
{
	/* Only a save that is done comes here, so "nothing was saved" would
	 * be wrong after it; what is missing is what was still to print. */
	snprintf(oom_saved, sizeof oom_saved,
		 _("mailset: out of memory after %s was saved (the change is in it); what was "
		   "still to be printed is missing\n"),
		 path);
}

static _Noreturn void util_oom(size_t n)
{
	static const char msg[] = "mailset: out of memory; nothing was saved half-way\n";
	(void)n;
	if (oom_hook) {
		void (*h)(void) = oom_hook;
		oom_hook = NULL; /* once */
		h();
	}
	lock_cleanup();
	ssize_t w = *oom_saved ? write(STDERR_FILENO, oom_saved, strlen(oom_saved))
			       : write(STDERR_FILENO, msg, sizeof msg - 1);
	(void)w;
	_exit(EX_OSERR);
}

#ifdef MAILSET_FAULTS
/* The Nth allocation fails ($MAILSET_FAIL_ALLOC), to prove every site is
 * survived. */
static bool fail_now(void)
{
	static long at = -2, count;
	if (at == -2) {
		const char *e = getenv("MAILSET_FAIL_ALLOC");
		at = e && *e ? atol(e) : -1;
	}
	return at > 0 && ++count == at;
}
#else
static bool fail_now(void)
{
	return false;
}
#endif

void *xmalloc(size_t n)
{
	void *p = fail_now() ? NULL : malloc(n ? n : 1);
	if (!p)
		util_oom(n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = fail_now() ? NULL : calloc(n ? n : 1, size ? size : 1);
	if (!p)
		util_oom(n * size);
	return p;
}

/* Blocks that a parse fills at once (a big file's bytes, its lines, entries
 * and strings): from 256 KiB up they are 2 MiB-aligned and advised into
 * transparent huge pages (the kernel's "madvise" mode), so that a 12 MB
 * file takes a few dozen page faults instead of ten thousand, which was
 * most of the time its parse took. Freed with free(). */
void *xmalloc_big(size_t n, bool zero)
{
#ifdef MADV_HUGEPAGE
	const size_t huge = (size_t)2 << 20;
	if (n >= huge / 8 && n < SIZE_MAX - huge) {
		size_t whole = (n + huge - 1) & ~(huge - 1);
		void *p = fail_now() ? NULL : aligned_alloc(huge, whole);
		if (!p)
			util_oom(n);
		(void)madvise(p, whole, MADV_HUGEPAGE); /* only advice */
		if (zero)
			memset(p, 0, n);
		return p;
	}
#endif
	return zero ? xcalloc(1, n) : xmalloc(n);
}

void *xrealloc(void *p, size_t n)
{
	void *q = fail_now() ? NULL : realloc(p, n ? n : 1);
	if (!q)
		util_oom(n);
	return q;
}

void *xgrow(void *p, size_t n, size_t size)
{
	if (n == 0)
		return xrealloc(p, 16 * size);
	if (n >= 16 && (n & (n - 1)) == 0)
		return xrealloc(p, 2 * n * size);
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

/* format(printf, 1, 0): the callers' format is checked at their call, and
 * clang's -Wformat-nonliteral knows fmt is that checked format (util.h). */
char *xvasprintf(const char *fmt, va_list ap)
{
	va_list aq;
	va_copy(aq, ap);
	int n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		n = 0;
	char *p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

/* ------------------------------------------------------------- files */

int util_write_all(int fd, const void *data, size_t n,
		   ssize_t (*wr)(int fd, const void *buf, size_t n))
{
	const char *p = data;
	if (!wr)
		wr = write;
	while (n) {
		ssize_t w = wr(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static const struct util_io real_io = { write, fsync, close };
static const struct util_io *io = &real_io;

void util_set_io(const struct util_io *with)
{
	io = with ? with : &real_io;
}

/* An existing file that util_write_new() may overwrite, open on fd: the
 * user's own regular file (narrowed to mode and emptied) or pipe, or a
 * character device (/dev/null, a terminal). Returns 0 or an errno. */
static int take_existing(int fd, mode_t mode)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return errno;
	if (S_ISREG(st.st_mode)) {
		if (st.st_uid != geteuid())
			return EPERM;
		if (fchmod(fd, mode) < 0 || ftruncate(fd, 0) < 0)
			return errno;
	} else if (S_ISFIFO(st.st_mode)) {
		if (st.st_uid != geteuid())
			return EPERM;
	} else if (!S_ISCHR(st.st_mode)) {
		return EINVAL;
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0)
		return errno;
	return 0;
}

int util_write_new(const char *path, const void *data, size_t len, mode_t mode,
		   unsigned flags)
{
	bool created = true;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0 && errno == EEXIST && (flags & UTIL_WRITE_TRUNC)) {
		created = false;
		/* Never through a link, never another user's file (it would
		 * keep its owner and mode, and get what we write); O_NONBLOCK:
		 * a FIFO nobody reads fails (ENXIO) rather than hangs. */
		fd = open(path, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		int err = fd >= 0 ? take_existing(fd, mode) : 0;
		struct stat lst;
		if (fd < 0 && errno == ENXIO && lstat(path, &lst) == 0)
			/* not opened: another's FIFO, or a socket, says so first */
			err = lst.st_uid != geteuid() ? EPERM : S_ISSOCK(lst.st_mode) ? EINVAL : ENXIO;
		if (err) {
			close(fd);
			errno = err;
			return -1;
		}
	}
	if (fd < 0)
		return -1;
	struct stat st;
	int err = 0;
	if (util_write_all(fd, data, len, io->write) < 0 ||
	    (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && io->fsync(fd) < 0))
		err = errno;
	/* A failed close may be the write failing late (NFS, quotas). */
	if (io->close(fd) < 0 && !err)
		err = errno;
	if (!err)
		return 0;
	if (created)
		unlink(path);
	errno = err;
	return -1;
}

const char *util_write_why(const char *path, int err)
{
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		return N_("it is a symbolic link: give the file's own name");
	if (err == EEXIST)
		return N_("a file of that name exists already: give a new name");
	if (err == EPERM)
		return N_("it belongs to another user: give a new name");
	if (err == ENXIO)
		return N_("it is a named pipe that nobody reads: give a file's name");
	if (err == EINVAL)
		return N_("it is not a file (a socket or a block device): give a file's name");
	return NULL;
}

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif

void util_no_core(void)
{
	struct rlimit none = { 0, 0 };
	setrlimit(RLIMIT_CORE, &none);
#ifndef SANITIZED
	prctl(PR_SET_DUMPABLE, 0);
#endif
}

bool utf8_unsafe(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0x061C ||
	       cp == 0x200E || cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

char *transcript_safe(const char *s, size_t n, size_t cap)
{
	struct strbuf sb = { 0 };
	size_t shown = 0; /* characters of the output */
	for (size_t i = 0; i < n;) {
		char esc[16];
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp), w;
		if (!k) {
			w = (size_t)snprintf(esc, sizeof esc, "\\x%02X", (unsigned char)s[i]);
			k = 1;
		} else if (cp < 0x20 || cp == 0x7F) {
			w = (size_t)snprintf(esc, sizeof esc, "^%c", cp == 0x7F ? '?' : (char)(cp + '@'));
		} else if (utf8_unsafe(cp)) {
			/* C1 controls; the line and paragraph separators and the
			 * bidi marks, embeddings, overrides and isolates, which
			 * break or reorder what is shown around them */
			w = (size_t)snprintf(esc, sizeof esc, "\\u%04X", (unsigned)cp);
		} else {
			w = 1;
			esc[0] = '\0';
		}
		if (shown + w > cap) {
			sb_adds(&sb, "\xE2\x80\xA6");
			break;
		}
		if (esc[0])
			sb_adds(&sb, esc);
		else
			sb_add(&sb, s + i, k);
		shown += w;
		i += k;
	}
	return sb_steal(&sb);
}

char *transcript_safe_lines(const char *text)
{
	struct strbuf sb = { 0 };
	for (const char *p = text;;) {
		size_t n = strcspn(p, "\n");
		char *line = transcript_safe(p, n, SIZE_MAX);
		sb_adds(&sb, line);
		free(line);
		if (!p[n])
			break;
		sb_addc(&sb, '\n');
		p += n + 1;
	}
	return sb.buf ? sb_steal(&sb) : xstrdup("");
}

/* ------------------------------------------------------------- strbuf */

static void sb_grow(struct strbuf *sb, size_t more)
{
	if (sb->len + more + 1 <= sb->cap)
		return;
	size_t cap = sb->cap ? sb->cap : 64;
	while (cap < sb->len + more + 1)
		cap *= 2;
	sb->buf = xrealloc(sb->buf, cap);
	sb->cap = cap;
}

void sb_add(struct strbuf *sb, const void *data, size_t n)
{
	sb_grow(sb, n);
	if (n)
		memcpy(sb->buf + sb->len, data, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void sb_adds(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void sb_addc(struct strbuf *sb, char c)
{
	sb_add(sb, &c, 1);
}

void sb_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = xvasprintf(fmt, ap);
	va_end(ap);
	sb_adds(sb, p);
	free(p);
}

char *sb_steal(struct strbuf *sb)
{
	char *p = sb->buf ? sb->buf : xstrdup("");
	sb->buf = NULL;
	sb->len = sb->cap = 0;
	return p;
}

void sb_free(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

void sb_wipe(struct strbuf *sb)
{
	util_wipe_free(sb->buf, sb->cap);
	memset(sb, 0, sizeof *sb);
}

void util_wipe_free(void *p, size_t n)
{
	if (p)
		explicit_bzero(p, n);
	free(p);
}

size_t utf8_decode(const char *str, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	size_t len;
	uint32_t c, min;
	if ((s[0] & 0xE0) == 0xC0) {
		len = 2, c = s[0] & 0x1F, min = 0x80;
	} else if ((s[0] & 0xF0) == 0xE0) {
		len = 3, c = s[0] & 0x0F, min = 0x800;
	} else if ((s[0] & 0xF8) == 0xF0) {
		len = 4, c = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

size_t utf8_prefix(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	size_t k = max;
	/* back over continuation bytes to the lead of the character cut */
	while (k > 0 && max - k < 4 && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	return k;
}

bool utf8_valid(const char *s, size_t n)
{
	uint32_t cp;
	for (size_t i = 0; i < n;) {
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (!k)
			return false;
		i += k;
	}
	return true;
}

size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

int utf8_char_width(uint32_t cp)
{
	return wcwidth((wchar_t)cp) == 2 ? 2 : 1;
}

int utf8_width(const char *s)
{
	int w = 0;
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (!k)
			cp = '?', k = 1;
		w += utf8_char_width(cp);
		i += k;
	}
	return w;
}
