/* SPDX-License-Identifier: MIT */
/* recover.h - unsaved edits kept through a hang-up: FILE.recover.
 *
 * When the terminal goes away (SIGHUP, an SSH drop), SIGTERM arrives or
 * memory runs out, the editor writes the fields the user changed but did
 * not save next to the configuration, mode 0600 whatever the umask; the
 * next start offers them back. The password is never written there: only
 * the fact that it was changed. */
#ifndef MAILSET_RECOVER_H
#define MAILSET_RECOVER_H

#include <stdbool.h>
#include <time.h>

#include "mailset/settings.h"

/* The recovery file of config (new string): the real path + ".recover". */
char *recover_path(const char *config);

/* Write the fields of s that differ from saved to rpath: to a new file
 * (rpath.mailset-XXXXXX, 0600) renamed over rpath, so nothing already at rpath
 * (another user's file, a link) is written into, and a failed write
 * leaves rpath as it was (a whole file that cannot be renamed over rpath
 * stays as rpath.mailset-XXXXXX). Allocates nothing (it runs when memory is out).
 * Returns 0, or -1 with errno. */
int recover_write(const char *rpath, const struct settings *s, const struct settings *saved);

/* Read rpath: the recovered values go into out (zeroed before; unchanged
 * fields stay NULL), *when gets the time of the hang-up and
 * *password_changed whether the password had been edited. Returns 1 when
 * there was a recovery file, 0 when none, -1 when it cannot be read, or
 * with errno EPERM when it is not this user's own (another owner, a link,
 * not a regular file, readable by others): then nothing is read. */
int recover_read(const char *rpath, struct settings *out, time_t *when, bool *password_changed);

#endif
