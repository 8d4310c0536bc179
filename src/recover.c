/* SPDX-License-Identifier: MIT */
/* recover.c - the recovery file: "section.key=value" lines, escaped. */
#include "mailset/recover.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mailset/inifile.h"
#include "mailset/lock.h"
#include "mailset/util.h"

#define MAGIC "mailset-recover 1"

char *recover_path(const char *config)
{
	char *real = realpath(config, NULL);
	char *p = xasprintf("%s.recover", real ? real : config);
	free(real);
	return p;
}

/* A small buffered writer on a stack buffer: no allocation. */
struct out {
	int fd;
	char buf[4096];
	size_t n;
	bool failed;
};

static void flush(struct out *o)
{
	if (o->n && !o->failed && util_write_all(o->fd, o->buf, o->n, NULL) < 0)
		o->failed = true;
	o->n = 0;
}

static void put(struct out *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (o->n == sizeof o->buf)
			flush(o);
		o->buf[o->n++] = s[i];
	}
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* Backslash escapes for what a line cannot hold. */
static void put_escaped(struct out *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\\') {
			puts_(o, "\\\\");
		} else if (c == '\n') {
			puts_(o, "\\n");
		} else if (c < 0x20 || c == 0x7f) {
			char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };
			put(o, e, 4);
		} else {
			put(o, s, 1);
		}
	}
}

static bool differs(const char *a, const char *b)
{
	return (a == NULL) != (b == NULL) || (a && strcmp(a, b));
}

int recover_write(const char *rpath, const struct settings *s, const struct settings *saved)
{
	/* Made new (mkostemp: O_EXCL, 0600) and renamed into place: never
	 * written into a file someone else made there, never through a link,
	 * and a full disk leaves the last recovery file, not an empty one. */
	char tmp[LOCK_TEMPFILE_PATH];
	if (snprintf(tmp, sizeof tmp, "%s." INI_TEMP_MARK "XXXXXX", rpath) >= (int)sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -1;
	int tn = lock_tempfile_add(tmp); /* gone if this process dies now */
	struct out o = { .fd = fd };
	char line[64];
	puts_(&o, MAGIC "\n");
	snprintf(line, sizeof line, "time=%lld\n", (long long)time(NULL));
	puts_(&o, line);
	for (int i = 0; i < F_COUNT; i++) {
		if (!s->value[i] || !differs(s->value[i], saved->value[i]))
			continue;
		if (settings_fields[i].flags & FIELD_SECRET) {
			puts_(&o, "password-changed=1\n");
			continue;
		}
		puts_(&o, settings_fields[i].section);
		puts_(&o, ".");
		puts_(&o, settings_fields[i].key);
		puts_(&o, "=");
		put_escaped(&o, s->value[i]);
		puts_(&o, "\n");
	}
	flush(&o);
	int rc = o.failed || fsync(fd) < 0 ? -1 : 0;
	int err = errno;
	if (close(fd) < 0 && !rc) {
		rc = -1;
		err = errno;
	}
	bool written = !rc;
	if (!rc && rename(tmp, rpath) < 0) {
		rc = -1;
		err = errno;
	}
	/* Renamed, or whole but not renamable (another user's FILE.recover in
	 * a sticky directory): kept, under its own name if need be, rather
	 * than the edits lost. */
	if (written) {
		lock_tempfile_forget(tn);
	} else if (tn < 0 || lock_tempfile_remove(tn) < 0) {
		unlink(tmp);
	}
	errno = err;
	return rc;
}

static char *unescape(const char *s)
{
	struct strbuf sb = { 0 };
	for (; *s; s++) {
		if (*s != '\\' || !s[1]) {
			sb_addc(&sb, *s);
		} else if (s[1] == 'n') {
			sb_addc(&sb, '\n');
			s++;
		} else if (s[1] == 'x' && s[2] && s[3]) {
			char hex[3] = { s[2], s[3], 0 };
			sb_addc(&sb, (char)strtol(hex, NULL, 16));
			s += 3;
		} else {
			sb_addc(&sb, s[1]);
			s++;
		}
	}
	return sb_steal(&sb);
}

int recover_read(const char *rpath, struct settings *out, time_t *when, bool *password_changed)
{
	memset(out, 0, sizeof *out);
	*when = 0;
	*password_changed = false;
	/* Only a file this user made: one planted by another user (or a
	 * link) would put their values into the form. */
	int fd = open(rpath, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 077)) {
		close(fd);
		errno = EPERM;
		return -1;
	}
	FILE *fp = fdopen(fd, "r");
	if (!fp) {
		close(fd);
		return -1;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	bool ok = false;
	while ((n = getline(&line, &cap, fp)) > 0) {
		line[strcspn(line, "\n")] = '\0';
		if (!ok) {
			ok = !strcmp(line, MAGIC);
			if (!ok)
				break;
		} else if (!strncmp(line, "time=", 5)) {
			*when = (time_t)atoll(line + 5);
		} else if (!strcmp(line, "password-changed=1")) {
			*password_changed = true;
		} else {
			char *eq = strchr(line, '=');
			if (!eq)
				continue;
			*eq = '\0';
			const struct field *f = settings_field_by_name(line);
			if (f && !(f->flags & FIELD_SECRET)) {
				free(out->value[f->id]);
				out->value[f->id] = unescape(eq + 1);
			}
		}
	}
	free(line);
	fclose(fp);
	return ok ? 1 : -1;
}
