/* SPDX-License-Identifier: MIT */
/* lock.h - one editor per file (FILE.lock, made with O_EXCL), and the files
 * a process must not leave behind.
 *
 * The lock file holds the owner's pid, host, user and start time, so a
 * second editor (or `set`) can say who has the file, and its holder keeps
 * it flock()ed while it lives: a lock nobody holds is stale and may be
 * broken, even when its pid is some other process's now. (A lock without
 * the "lock=flock" line, hand-made or an older version's, is stale when
 * its pid is gone.) Works for any number of SSH sessions on one machine;
 * on a shared file system a lock from another host is always taken for
 * live.
 *
 * Life cycle, as git's lockfile.c and tempfile.c: lock_take() (or
 * lock_break()) returns LOCK_TAKEN, lock_release() removes the lock; nothing
 * else unlinks it. Meanwhile the lock is on a list of files to remove that
 * lock_cleanup() empties at exit and when memory runs out (util_oom()), so
 * no crash path leaves it behind. Temporary files use the same list
 * (lock_tempfile_*). The list is a fixed array of fixed-size names: adding,
 * removing and cleaning up allocate nothing. */
#ifndef MAILSET_LOCK_H
#define MAILSET_LOCK_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

struct lock_owner {
	pid_t pid;
	char host[256];
	char user[64];
	time_t since;
	bool flock; /* "lock=flock": held with flock() while its holder lives */
};

enum lock_status {
	LOCK_TAKEN,     /* it is ours now: lock_release() it */
	LOCK_HELD,      /* another live process has it (owner filled) */
	LOCK_STALE,     /* left by a process that is gone (owner filled) */
	LOCK_ERROR      /* cannot create it (errno kept) */
};

/* The lock's path for config path (new string): the real path + ".lock";
 * for a file that does not exist yet, its directory's real path + "/" +
 * its name + ".lock", so the name does not change when the file appears. */
char *lock_path(const char *config);
/* Try to take the lock of config. */
enum lock_status lock_take(const char *config, struct lock_owner *owner);
/* Remove a stale lock (only if it is still the same stale one), then take
 * it. */
enum lock_status lock_break(const char *config, struct lock_owner *owner);
/* Remove the lock of config that this process took. Returns 0, or -1 with
 * errno ENOENT when this process holds no such lock (then nothing is
 * removed: a lock is never released for another process). */
int lock_release(const char *config);
/* "user (pid N on host, since HH:MM)" for messages, in a static buffer. */
const char *lock_describe(const struct lock_owner *o);

/* --- files to remove at exit or when memory runs out --------------------- */

#define LOCK_TEMPFILES 8        /* entries of the list */
#define LOCK_TEMPFILE_PATH 4200 /* bytes of a name, NUL included (PATH_MAX + room) */

/* Put the existing file path on the list: it is removed by lock_cleanup()
 * unless lock_tempfile_remove() or lock_tempfile_forget() comes first.
 * Returns the entry's number, or -1 with errno ENOBUFS (the list is full) or
 * ENAMETOOLONG; the file is then not on the list (nothing else changes). */
int lock_tempfile_add(const char *path);
/* Remove entry n's file and take it off the list. A file that is no longer
 * the one added (replaced or gone) is left alone. Returns 0, or -1 with
 * errno (ENOENT: already gone, or n is not an entry). */
int lock_tempfile_remove(int n);
/* Take entry n off the list and keep its file (it was renamed into place,
 * or handed over). */
void lock_tempfile_forget(int n);
/* Remove every listed file this process added (a forked child removes
 * none of its parent's), each only if it is still the file added, and
 * empty the list. Async-signal-safe, allocates nothing: registered with
 * atexit() and called on out of memory, after util_on_oom()'s hook. */
void lock_cleanup(void);

#endif
