/* SPDX-License-Identifier: MIT */
/* lock.c - FILE.lock with O_EXCL, and the list of files to remove at exit
 * or when memory runs out. */
#include "mailset/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mailset/i18n.h"
#include "mailset/util.h"

/* ------------------------------------------------------------ the list */

/* One entry per file; "owner" is the pid that added it (0: free), so a
 * forked child's exit leaves its parent's files alone, and dev/ino the
 * file's identity when added, so that a file someone replaced meanwhile
 * (a lock another process took after ours went) is not removed. */
static struct tempfile {
	volatile sig_atomic_t owner;
	dev_t dev;
	ino_t ino;
	char path[LOCK_TEMPFILE_PATH];
} tempfiles[LOCK_TEMPFILES];

static bool is_ours(const struct tempfile *t)
{
	return t->owner && t->owner == (sig_atomic_t)getpid();
}

/* Still the file that was added (lstat and unlink: async-signal-safe). */
static bool still_same(const struct tempfile *t)
{
	struct stat st;
	return lstat(t->path, &st) == 0 && st.st_dev == t->dev && st.st_ino == t->ino;
}

int lock_tempfile_add(const char *path)
{
	static bool at_exit;
	size_t len = strlen(path);
	struct stat st;
	if (len >= LOCK_TEMPFILE_PATH) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (lstat(path, &st) < 0)
		return -1;
	for (int n = 0; n < LOCK_TEMPFILES; n++) {
		struct tempfile *t = &tempfiles[n];
		if (is_ours(t))
			continue;
		if (!at_exit)
			at_exit = atexit(lock_cleanup) == 0;
		memcpy(t->path, path, len + 1);
		t->dev = st.st_dev;
		t->ino = st.st_ino;
		t->owner = (sig_atomic_t)getpid(); /* last: the entry is whole */
		return n;
	}
	errno = ENOBUFS;
	return -1;
}

int lock_tempfile_remove(int n)
{
	if (n < 0 || n >= LOCK_TEMPFILES || !is_ours(&tempfiles[n])) {
		errno = ENOENT;
		return -1;
	}
	struct tempfile *t = &tempfiles[n];
	int rc = -1;
	if (still_same(t))
		rc = unlink(t->path);
	else
		errno = ENOENT;
	t->owner = 0;
	return rc;
}

void lock_tempfile_forget(int n)
{
	if (n >= 0 && n < LOCK_TEMPFILES && is_ours(&tempfiles[n]))
		tempfiles[n].owner = 0;
}

void lock_cleanup(void)
{
	int err = errno;
	for (int n = 0; n < LOCK_TEMPFILES; n++) {
		struct tempfile *t = &tempfiles[n];
		if (!is_ours(t))
			continue;
		if (still_same(t))
			unlink(t->path);
		t->owner = 0;
	}
	errno = err;
}

/* ------------------------------------------------------------ the lock */

char *lock_path(const char *config)
{
	char *real = realpath(config, NULL);
	if (real) {
		char *p = xasprintf("%s.lock", real);
		free(real);
		return p;
	}
	/* Not there yet (set, preset and the editor create it): the same name
	 * it will have once it exists, whatever the working directory. */
	char *dcopy = xstrdup(config), *bcopy = xstrdup(config);
	char *dir = realpath(dirname(dcopy), NULL);
	const char *base = basename(bcopy);
	char *p = dir && *base && strcmp(base, "/") && strcmp(base, ".") && strcmp(base, "..")
			  ? xasprintf("%s/%s.lock", strcmp(dir, "/") ? dir : "", base)
			  : xasprintf("%s.lock", config);
	free(dir);
	free(dcopy);
	free(bcopy);
	return p;
}

/* The entry of the lock at path that this process holds, or -1. */
static int held(const char *path)
{
	for (int n = 0; n < LOCK_TEMPFILES; n++)
		if (is_ours(&tempfiles[n]) && !strcmp(tempfiles[n].path, path))
			return n;
	return -1;
}

static void my_host(char *buf, size_t n)
{
	if (gethostname(buf, n) < 0)
		snprintf(buf, n, "?");
	buf[n - 1] = '\0';
}

static void read_owner(const char *path, struct lock_owner *o)
{
	memset(o, 0, sizeof *o);
	FILE *fp = fopen(path, "r");
	if (!fp)
		return;
	char line[512];
	while (fgets(line, sizeof line, fp)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "pid=", 4))
			o->pid = (pid_t)atol(line + 4);
		else if (!strncmp(line, "host=", 5))
			snprintf(o->host, sizeof o->host, "%.255s", line + 5);
		else if (!strncmp(line, "user=", 5))
			snprintf(o->user, sizeof o->user, "%.63s", line + 5);
		else if (!strncmp(line, "since=", 6))
			o->since = (time_t)atoll(line + 6);
	}
	fclose(fp);
}

static bool alive(const struct lock_owner *o)
{
	char host[256];
	my_host(host, sizeof host);
	if (o->pid <= 0 || !*o->host)
		return false; /* empty or unreadable: left by a crash */
	if (strcmp(host, o->host))
		return true; /* another machine: cannot tell, so yes */
	return kill(o->pid, 0) == 0 || errno != ESRCH;
}

static enum lock_status take_once(const char *config, struct lock_owner *owner, bool *tmp_gone);

enum lock_status lock_take(const char *config, struct lock_owner *owner)
{
	/* A temporary another run's cleaning removed (see take_once) is
	 * ENOENT from link(); the directory itself was there a moment ago. */
	enum lock_status st;
	bool tmp_gone;
	int tries = 0;
	do
		st = take_once(config, owner, &tmp_gone);
	while (st == LOCK_ERROR && tmp_gone && ++tries < 20);
	return st;
}

static enum lock_status take_once(const char *config, struct lock_owner *owner, bool *tmp_gone)
{
	*tmp_gone = false;
	/* The lock is written whole under another name, then linked into
	 * place: it never exists half-written, so an empty or unreadable one
	 * is a leftover, not an editor starting up. */
	char *path = lock_path(config);
	char *tmp = xasprintf("%s.XXXXXX", path);
	enum lock_status st = LOCK_ERROR;
	int err = 0;
	struct passwd *pw = getpwuid(geteuid());
	struct lock_owner me;
	memset(&me, 0, sizeof me);
	me.pid = getpid();
	my_host(me.host, sizeof me.host);
	snprintf(me.user, sizeof me.user, "%s", pw ? pw->pw_name : "?");
	me.since = time(NULL);
	char buf[512];
	int n = snprintf(buf, sizeof buf, "pid=%ld\nhost=%s\nuser=%s\nsince=%lld\n",
			 (long)me.pid, me.host, me.user, (long long)me.since);
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		goto out;
	}
	/* Held until linked: the lock holder's inifile_clean_temps() removes
	 * only temporaries nobody holds. One it removed before this flock()
	 * makes the link() below fail with ENOENT: lock_take() tries again. */
	flock(fd, LOCK_EX | LOCK_NB);
	int tn = lock_tempfile_add(tmp); /* best effort: only for this moment */
	fchmod(fd, 0600);
	/* No fsync: after a crash this lock is stale whether it holds its
	 * words (a dead pid) or not (empty), and a sync here would hold up
	 * the editor's first frame by a disk flush. */
	if (util_write_all(fd, buf, (size_t)n, NULL) < 0) {
		err = errno;
		close(fd);
		goto drop;
	}
	int linked = link(tmp, path);
	close(fd);
	if (linked == 0) {
		/* Listed before anything can fail or allocate: every lock of
		 * this process goes at exit or out of memory at the latest. One
		 * that cannot be listed is given back. */
		if (lock_tempfile_add(path) >= 0) {
			st = LOCK_TAKEN;
			*owner = me;
		} else {
			err = errno;
			unlink(path);
		}
	} else if ((err = errno) == EEXIST) {
		read_owner(path, owner);
		st = alive(owner) ? LOCK_HELD : LOCK_STALE;
	} else if (err == ENOENT) {
		*tmp_gone = access(tmp, F_OK) < 0;
	}
drop:
	if (tn >= 0)
		lock_tempfile_remove(tn);
	else
		unlink(tmp);
out:
	free(tmp);
	free(path);
	errno = err;
	return st;
}

enum lock_status lock_break(const char *config, struct lock_owner *owner)
{
	char *path = lock_path(config);
	struct lock_owner now;
	read_owner(path, &now);
	/* Break only what was seen stale: not a lock taken meanwhile. */
	if (!alive(&now) && now.pid == owner->pid && !strcmp(now.host, owner->host) &&
	    unlink(path) < 0 && errno != ENOENT) {
		/* a directory, another user's file in a sticky directory...:
		 * the lock stays, so nothing may be written */
		int err = errno;
		free(path);
		errno = err;
		return LOCK_ERROR;
	}
	free(path);
	return lock_take(config, owner);
}

int lock_release(const char *config)
{
	char *path = lock_path(config);
	int n = held(path);
	free(path);
	if (n < 0) {
		errno = ENOENT;
		return -1;
	}
	return lock_tempfile_remove(n);
}

const char *lock_describe(const struct lock_owner *o)
{
	static char buf[400];
	char when[32] = "?";
	struct tm tm;
	if (o->since && localtime_r(&o->since, &tm))
		strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
	snprintf(buf, sizeof buf, _("%s (pid %ld on %s, since %s)"), *o->user ? o->user : "?",
		 (long)o->pid, *o->host ? o->host : "?", when);
	return buf;
}
