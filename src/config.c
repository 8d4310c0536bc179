/* SPDX-License-Identifier: MIT */
/* config.c - finding, loading and saving the configuration file. */
#include "mailset/config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>

#include "mailset/i18n.h"
#include "mailset/util.h"

char *config_path(const char *opt, bool *is_default)
{
	*is_default = false;
	if (opt)
		return xstrdup(opt);
	const char *env = getenv("MAILSET_CONFIG");
	if (env && *env)
		return xstrdup(env);
	*is_default = true;
	const char *xdg = getenv("XDG_CONFIG_HOME");
	if (xdg && *xdg == '/')
		return xasprintf("%s/mailset/mail.ini", xdg);
	const char *home = getenv("HOME");
	if (home && *home)
		return xasprintf("%s/.config/mailset/mail.ini", home);
	return NULL;
}

/* True when fd holds exactly the len bytes of want. */
static bool same_bytes(int fd, const char *want, size_t len)
{
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (off_t)len != st.st_size)
		return false;
	char buf[65536];
	size_t at = 0;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (size_t)n > len - at || (n && memcmp(buf, want + at, (size_t)n)))
			return false;
		if (n == 0)
			return at == len;
		at += (size_t)n;
	}
}

bool config_changed_on_disk(const struct config *c)
{
	int fd = open(c->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno != ENOENT || c->exists;
	bool same = false;
	if (c->exists) {
		if (c->unflushed)
			same = same_bytes(fd, c->unflushed, c->unflushed_len);
		else
			same = same_bytes(fd, c->doc.buf ? c->doc.buf : "", c->doc.len);
	}
	close(fd);
	return !same;
}

/* A symbolic link on the way to path (the file itself, or a directory)
 * that another user (not root) made to something that is not theirs (root's
 * file, say): following it would write the settings, password and all,
 * where they chose. True, with e saying whose, for such a path. */
static bool foreign_link(const char *path, struct ini_error *e)
{
	char *p = xstrdup(path);
	bool found = false;
	for (char *end = p + 1; *p && !found; end++) {
		if (*end != '/' && *end)
			continue;
		char keep = *end;
		*end = '\0';
		struct stat l, t;
		if (lstat(p, &l) == 0 && S_ISLNK(l.st_mode) && l.st_uid != geteuid() &&
		    l.st_uid != 0 && (stat(p, &t) < 0 || t.st_uid != l.st_uid)) {
			char who[64];
			struct passwd *pw = getpwuid(l.st_uid);
			if (pw)
				snprintf(who, sizeof who, "%s", pw->pw_name);
			else
				snprintf(who, sizeof who, "uid %u", (unsigned)l.st_uid);
			memset(e, 0, sizeof *e);
			e->status = INI_IOERR;
			e->err = EPERM;
			snprintf(e->msg, sizeof e->msg,
				 _("it is a symbolic link that %s made to a file that is not theirs: "
				   "mailset does not follow it; give the file itself"),
				 who);
			found = true;
		}
		*end = keep;
		if (!keep)
			break;
	}
	free(p);
	return found;
}

enum ini_status config_load(struct config *c, bool may_be_missing, struct ini_error *e)
{
	if (foreign_link(c->path, e)) {
		memset(&c->doc, 0, sizeof c->doc);
		memset(&c->s, 0, sizeof c->s);
		return INI_IOERR;
	}
	enum ini_status rc = inifile_load(c->path, &c->doc, e, &c->st);
	memset(&c->s, 0, sizeof c->s);
	if (rc == INI_NOFILE && may_be_missing) {
		c->exists = false;
		return INI_OK;
	}
	if (rc != INI_OK)
		return rc;
	c->exists = true;
	settings_from_doc(&c->s, &c->doc);
	return INI_OK;
}

bool config_too_open(const struct config *c)
{
	return c->exists && (c->st.st_mode & (S_IRGRP | S_IROTH));
}

static void make_parent(const char *path)
{
	char *dir = xstrdup(path);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			break;
		*p = '/';
	}
	free(dir);
}

void config_make_dir(const struct config *c)
{
	if (c->is_default)
		make_parent(c->path);
}

static int changed_error(struct ini_error *e)
{
	memset(e, 0, sizeof *e);
	e->status = INI_CHANGED;
	snprintf(e->msg, sizeof e->msg, "%s",
		 _("the file was changed by someone else since it was read; nothing was saved"));
	return -1;
}

int config_save(struct config *c, bool force, struct ini_error *e)
{
	struct ini_doc nd;
	int r = settings_update(&c->doc, &c->s, &nd, e);
	if (r < 0)
		return -1;
	/* doc's bytes are what a save would write: nothing to do, unless
	 * the file is not them (someone else's change, a save whose flush
	 * failed). A save that will write takes the lock first
	 * (before_write), so that the file is looked at once, under it. */
	bool same = r == 1 && c->exists && !c->unflushed;
	if (!same && c->before_write && c->before_write(c, e) < 0) {
		inifile_free(&nd);
		return -1;
	}
	bool changed = config_changed_on_disk(c);
	if (changed && !force) {
		inifile_free(&nd);
		return changed_error(e);
	}
	if (same && !changed)
		return 1;
	/* overwriting someone else's change: under the lock too */
	if (same && c->before_write && c->before_write(c, e) < 0)
		return -1;
	if (!c->exists && c->is_default)
		make_parent(c->path);
	if (foreign_link(c->path, e)) { /* a link made since the load */
		inifile_free(&nd);
		return -1;
	}
	const struct ini_doc *w = r == 1 ? &c->doc : &nd;
	const char *data = w->buf ? w->buf : "";
	if (inifile_write_atomic(c->path, data, w->len, e) != INI_OK) {
		/* Our own bytes are on disk, only not flushed: a retry must not
		 * take them for someone else's change. */
		if (e->replaced) {
			char *keep = xmalloc(w->len + 1);
			memcpy(keep, data, w->len + 1);
			util_wipe_free(c->unflushed, c->unflushed_len);
			c->unflushed = keep;
			c->unflushed_len = w->len;
			c->exists = true;
		}
		inifile_free(&nd);
		return -1;
	}
	if (r == 0) {
		inifile_free(&c->doc);
		c->doc = nd;
	}
	util_wipe_free(c->unflushed, c->unflushed_len);
	c->unflushed = NULL;
	c->unflushed_len = 0;
	c->exists = true;
	if (stat(c->path, &c->st) < 0)
		memset(&c->st, 0, sizeof c->st);
	return 0;
}

int config_save_copy(const struct config *c, const char *path, struct ini_error *e)
{
	struct strbuf out;
	struct ini_doc nd;
	if (settings_render(&c->doc, &c->s, &out, &nd, e) < 0)
		return -1;
	inifile_free(&nd);
	/* A new file, 0600, never through a link nor into a file that is
	 * there already (another user's, made to receive the password). */
	int rc = util_write_new(path, out.buf ? out.buf : "", out.len, 0600, 0);
	if (rc < 0) {
		int err = errno;
		const char *why = util_write_why(path, err);
		memset(e, 0, sizeof *e);
		e->status = INI_IOERR;
		e->err = err;
		snprintf(e->msg, sizeof e->msg, "%s", why ? _(why) : strerror(err));
	}
	sb_wipe(&out);
	return rc;
}

void config_free(struct config *c)
{
	inifile_free(&c->doc);
	util_wipe_free(c->unflushed, c->unflushed_len);
	c->unflushed = NULL;
	settings_free(&c->s);
	free(c->path);
	c->path = NULL;
}

int config_load_status(const struct ini_error *e)
{
	switch (e->status) {
	case INI_NOFILE:
		return EX_NOINPUT;
	case INI_SYNTAX:
		return EX_CONFIG;
	default:
		return e->err == EACCES || e->err == EPERM ? EX_NOPERM : EX_IOERR;
	}
}

int config_save_status(const struct ini_error *e)
{
	if (e->status == INI_VALUE)
		return EX_SOFTWARE;
	if (e->status == INI_CHANGED)
		return EX_TEMPFAIL;
	if (e->status == INI_SYNTAX)
		return EX_CONFIG;
	if (e->err == EACCES || e->err == EPERM)
		return EX_NOPERM;
	return e->create ? EX_CANTCREAT : EX_IOERR;
}
