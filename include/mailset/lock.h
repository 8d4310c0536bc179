/* lock.h - one editor per file: FILE.lock, made with O_EXCL.
 *
 * The lock file holds the owner's pid, host, user and start time, so a
 * second editor (or `set`) can say who has the file. A lock whose process
 * is gone (same host, no such pid) is stale and may be broken. Works for
 * any number of SSH sessions on one machine; on a shared file system a
 * lock from another host is always taken for live. */
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
};

enum lock_status {
	LOCK_TAKEN,     /* it is ours now */
	LOCK_HELD,      /* another live process has it (owner filled) */
	LOCK_STALE,     /* left by a process that is gone (owner filled) */
	LOCK_ERROR      /* cannot create it (errno kept) */
};

/* The lock's path for config path (new string): the real path + ".lock". */
char *lock_path(const char *config);
/* Try to take the lock of config. */
enum lock_status lock_take(const char *config, struct lock_owner *owner);
/* Remove a stale lock (only if it is still the same stale one), then take
 * it. */
enum lock_status lock_break(const char *config, struct lock_owner *owner);
/* "user (pid N on host, since HH:MM)" for messages, in a static buffer. */
const char *lock_describe(const struct lock_owner *o);

#endif
