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
#include "mailset/inifile.h"
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
	int fd; /* a lock's descriptor, holding its flock(); else -1 */
	char path[LOCK_TEMPFILE_PATH];
} tempfiles[LOCK_TEMPFILES];

static bool is_ours(const struct tempfile *t)
{
	return t->owner && t->owner == (sig_atomic_t)getpid();
}

/* Off the list; a lock's flock() ends with its descriptor, after the
 * unlink, so nobody sees the file unheld (close: async-signal-safe). */
static void let_go(struct tempfile *t)
{
	int err = errno;
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	t->owner = 0;
	errno = err;
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
		t->fd = -1;
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
	let_go(t);
	return rc;
}

void lock_tempfile_forget(int n)
{
	if (n >= 0 && n < LOCK_TEMPFILES && is_ours(&tempfiles[n]))
		let_go(&tempfiles[n]);
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
		let_go(t);
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

/* The owner written in an open lock file. */
static void read_owner_fd(int fd, struct lock_owner *o)
{
	memset(o, 0, sizeof *o);
	char text[1024];
	ssize_t n = pread(fd, text, sizeof text - 1, 0);
	if (n <= 0)
		return;
	text[n] = '\0';
	for (char *line = text, *next; *line; line = next) {
		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		if (!strncmp(line, "pid=", 4))
			o->pid = (pid_t)atol(line + 4);
		else if (!strncmp(line, "host=", 5))
			snprintf(o->host, sizeof o->host, "%.255s", line + 5);
		else if (!strncmp(line, "user=", 5))
			snprintf(o->user, sizeof o->user, "%.63s", line + 5);
		else if (!strncmp(line, "since=", 6))
			o->since = (time_t)atoll(line + 6);
		else if (!strcmp(line, "lock=flock"))
			o->flock = true;
	}
}

static int open_lock(const char *path)
{
	return open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
}

/* Whether the lock file open on fd (owner o) belongs to a live process.
 * A lock made by this version is held with flock() for its holder's life:
 * one nobody holds is stale, whatever process has its pid now. A lock
 * without that word (a hand-made one, or an older version's) is judged by
 * its pid. A lock from another host is always live: nothing here can
 * tell. fd -1: this process holds the file's flock() itself. */
static bool alive(int fd, const struct lock_owner *o)
{
	char host[256];
	my_host(host, sizeof host);
	if (o->pid <= 0 || !*o->host)
		return false; /* empty or unreadable: left by a crash */
	if (strcmp(host, o->host))
		return true;
	if (o->flock) {
		if (fd < 0) /* this process holds it now */
			return false;
		if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
			flock(fd, LOCK_UN);
			return false;
		}
		if (errno == EWOULDBLOCK || errno == EINTR)
			return true;
		/* no flock() here (ENOLCK...): by its pid after all */
	}
	return kill(o->pid, 0) == 0 || errno != ESRCH;
}

/* Who holds the lock at path: LOCK_HELD or LOCK_STALE (owner filled), or
 * LOCK_ERROR with errno ENOENT when it is gone meanwhile, EISDIR or EINVAL
 * when it is not a file. */
static enum lock_status judge(const char *path, struct lock_owner *owner)
{
	memset(owner, 0, sizeof *owner);
	int fd = open_lock(path);
	if (fd < 0) {
		int err = errno;
		struct stat st;
		if (err == ENOENT || lstat(path, &st) < 0)
			return LOCK_ERROR;
		if (err != EACCES && err != EPERM && err != ELOOP) {
			/* a socket (ENXIO), no descriptors left...: not judged */
			errno = err == ENXIO ? EINVAL : err;
			return LOCK_ERROR;
		}
		/* unreadable (another user's, a link): live by its existence,
		 * named by its owner */
		struct passwd *pw = getpwuid(st.st_uid);
		snprintf(owner->user, sizeof owner->user, "%s", pw ? pw->pw_name : "?");
		owner->since = st.st_mtime;
		return LOCK_HELD;
	}
	struct stat st, now;
	int fs = fstat(fd, &st);
	if (fs < 0 || !S_ISREG(st.st_mode)) {
		/* a directory, a FIFO...: no lock of ours, and none to break */
		int err = fs < 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		close(fd);
		errno = err;
		return LOCK_ERROR;
	}
	read_owner_fd(fd, owner);
	bool live = alive(fd, owner);
	/* unheld, but released meanwhile (unlink, then close) and maybe
	 * taken again: not this one to call stale, look again */
	bool gone = !live && (lstat(path, &now) < 0 || now.st_dev != st.st_dev ||
			      now.st_ino != st.st_ino);
	close(fd);
	if (gone) {
		errno = ENOENT;
		return LOCK_ERROR;
	}
	return live ? LOCK_HELD : LOCK_STALE;
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
	 * place: it never exists half-written, so an empty one is a
	 * leftover, not an editor starting up. */
	char *path = lock_path(config);
	char *tmp = xasprintf("%s." INI_TEMP_MARK "XXXXXX", path);
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
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		goto out;
	}
	/* Held from here to the lock's release: the lock holder's
	 * inifile_clean_temps() removes only temporaries nobody holds, and a
	 * lock nobody holds is stale. One it took or removed before this
	 * flock() is not used: lock_take() tries again with another. */
	if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
		me.flock = true;
	} else if (errno == EWOULDBLOCK) {
		err = ENOENT;
		*tmp_gone = true;
		close(fd);
		unlink(tmp); /* unless it is gone already */
		goto out;
	}
	/* else no flock() here (NFS without lockd, say): a lock without
	 * "lock=flock", judged by its pid as before */
	int n = snprintf(buf, sizeof buf, "pid=%ld\nhost=%s\nuser=%s\nsince=%lld\n%s",
			 (long)me.pid, me.host, me.user, (long long)me.since,
			 me.flock ? "lock=flock\n" : "");
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
	if (linked == 0) {
		/* Listed before anything can fail or allocate: every lock of
		 * this process goes at exit or out of memory at the latest. One
		 * that cannot be listed is given back. */
		int ln = lock_tempfile_add(path);
		if (ln >= 0) {
			tempfiles[ln].fd = fd; /* its flock() lasts as long */
			fd = -1;
			st = LOCK_TAKEN;
			*owner = me;
		} else {
			err = errno;
			unlink(path);
		}
	} else if ((err = errno) == EEXIST) {
		st = judge(path, owner);
		if (st == LOCK_ERROR) {
			err = errno;
			*tmp_gone = err == ENOENT; /* gone meanwhile: try again */
		}
	} else if (err == ENOENT) {
		*tmp_gone = access(tmp, F_OK) < 0;
	}
	if (fd >= 0)
		close(fd);
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
	/* Break only what was seen stale, not a lock taken meanwhile: the
	 * same owner, unheld, and still the file at path while this process
	 * holds its flock() (so no other run breaks it at the same time). */
	char *path = lock_path(config);
	/* read-write where it can: NFS grants an exclusive flock() only so */
	int fd = open(path, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && (errno == EACCES || errno == EISDIR))
		fd = open_lock(path);
	int err = 0, got = -1;
	struct stat fst, pst;
	struct lock_owner now;
	/* another run judging it holds a shared flock() for a moment */
	for (int tries = 0; fd >= 0 && (got = flock(fd, LOCK_EX | LOCK_NB)) < 0 &&
			    errno == EWOULDBLOCK && tries < 20; tries++)
		nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	if (fd >= 0 && got < 0 && errno == EWOULDBLOCK) {
		/* somebody holds it after all: live, not to be broken */
		read_owner_fd(fd, owner);
		close(fd);
		free(path);
		return LOCK_HELD;
	}
	/* no flock() on this file system (ENOLCK...): judged by its pid */
	bool noflock = fd >= 0 && got < 0;
	if (got == 0 || noflock) {
		read_owner_fd(fd, &now);
		bool stale = now.pid == owner->pid && !strcmp(now.host, owner->host) &&
			     !alive(noflock ? fd : -1, &now);
		if (stale && fstat(fd, &fst) == 0 && lstat(path, &pst) == 0 &&
		    fst.st_dev == pst.st_dev && fst.st_ino == pst.st_ino && unlink(path) < 0 &&
		    errno != ENOENT)
			err = errno; /* a directory, another user's file in a sticky
				      * directory...: the lock stays, nothing may be
				      * written */
	} else if (fd < 0 && errno != ENOENT) {
		err = errno;
	}
	if (fd >= 0)
		close(fd);
	free(path);
	if (err) {
		errno = err;
		return LOCK_ERROR;
	}
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
	/* the lock file's words are anyone's bytes: shown safe */
	char *user = transcript_safe(o->user, strlen(o->user), 63);
	char *host = transcript_safe(o->host, strlen(o->host), 100);
	if (o->pid > 0)
		snprintf(buf, sizeof buf, _("%s (pid %ld on %s, since %s)"), *user ? user : "?",
			 (long)o->pid, *host ? host : "?", when);
	else /* a lock this process cannot read: its file's owner and time */
		snprintf(buf, sizeof buf, _("%s (since %s)"), *user ? user : "?", when);
	free(user);
	free(host);
	return buf;
}
