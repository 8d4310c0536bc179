/* SPDX-License-Identifier: MIT */
/* config.h - one configuration file: where it is, what it holds, and
 * loading and saving it. Shared by the command line and the editor. */
#ifndef MAILSET_CONFIG_H
#define MAILSET_CONFIG_H

#include <stdbool.h>
#include <sys/stat.h>

#include "mailset/inifile.h"
#include "mailset/settings.h"

struct config {
	char *path;
	bool is_default;     /* the XDG default: its directory may be created */
	bool exists;
	struct stat st;      /* valid when exists */
	/* The file as last loaded or saved; doc.buf holds its bytes, which
	 * tell whether someone else changed the file since. */
	struct ini_doc doc;
	struct settings s;   /* its values (callers change these) */
	/* After a save that put its file in place but could not flush the
	 * directory (ini_error.replaced), doc is still the old file: these are
	 * the bytes on disk, compared with instead of doc's until a save
	 * succeeds. NULL otherwise. */
	char *unflushed;
	size_t unflushed_len;
	/* Called by config_save() once it knows it will write, before it
	 * writes (NULL: none). The command line takes the file's lock here,
	 * so that a save with nothing to write takes none. Returns 0, or -1
	 * with e filled (nothing is written then). */
	int (*before_write)(struct config *c, struct ini_error *e);
};

/* The file to use: opt (-c), else $MAILSET_CONFIG, else
 * $XDG_CONFIG_HOME/mailset/mail.ini, else ~/.config/mailset/mail.ini.
 * Returns a new string, or NULL when there is no HOME either. */
char *config_path(const char *opt, bool *is_default);

/* Fill c from c->path (c->path and c->is_default set, the rest zeroed).
 * With may_be_missing, a missing file loads as an empty one. Returns
 * INI_OK, or an error with e filled (e->line names the bad line). */
enum ini_status config_load(struct config *c, bool may_be_missing, struct ini_error *e);
/* Create the directory of a default (XDG) path, mode 0700. */
void config_make_dir(const struct config *c);
/* True when the loaded file can be read by group or others. */
bool config_too_open(const struct config *c);
/* True when the file on disk is not what was last loaded or saved: its
 * bytes differ (compared with those in memory: a size that differs says
 * so without reading), it cannot be read, or it appeared or went away. A
 * file replaced by another with the same bytes has not changed. */
bool config_changed_on_disk(const struct config *c);
/* Save c->s (see settings_update); creates the XDG directory (0700) for a
 * new default file. A file changed on disk meanwhile is not overwritten:
 * INI_CHANGED (unless force). Returns 0 when saved; 1 when the file on disk
 * already holds exactly the bytes a save would write, which is then left
 * alone (no temporary file, write, fsync, rename or chmod: inode and mtime
 * stay); -1 with e filled. c->s is kept. */
int config_save(struct config *c, bool force, struct ini_error *e);
/* Write c's values, as a save would, to a new file (0600, created here:
 * an existing file or a link at path is refused, e->msg says why). c and
 * its file are left as they are. */
int config_save_copy(const struct config *c, const char *path, struct ini_error *e);
void config_free(struct config *c);

/* sysexits.h status for a failed load or save. */
int config_load_status(const struct ini_error *e);
int config_save_status(const struct ini_error *e);

#endif
