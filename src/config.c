/* config.c - finding, loading and saving the configuration file. */
#include "mailset/config.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
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

/* SHA-256 of the file's bytes; all zero when it does not exist. */
static void file_hash(const char *path, unsigned char out[32])
{
	memset(out, 0, 32);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	if (md && EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
		char buf[65536];
		ssize_t n;
		while ((n = read(fd, buf, sizeof buf)) > 0)
			EVP_DigestUpdate(md, buf, (size_t)n);
		unsigned int len = 32;
		EVP_DigestFinal_ex(md, out, &len);
	}
	EVP_MD_CTX_free(md);
	close(fd);
}

bool config_changed_on_disk(const struct config *c)
{
	unsigned char now[32];
	file_hash(c->path, now);
	return memcmp(now, c->hash, sizeof now) != 0;
}

enum ini_status config_load(struct config *c, bool may_be_missing, struct ini_error *e)
{
	enum ini_status rc = inifile_load(c->path, &c->doc, e, &c->st);
	memset(&c->s, 0, sizeof c->s);
	if (rc == INI_NOFILE && may_be_missing) {
		c->exists = false;
		return INI_OK;
	}
	if (rc != INI_OK)
		return rc;
	c->exists = true;
	file_hash(c->path, c->hash);
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

int config_save(struct config *c, bool force, struct ini_error *e)
{
	if (!force && config_changed_on_disk(c)) {
		memset(e, 0, sizeof *e);
		e->status = INI_CHANGED;
		snprintf(e->msg, sizeof e->msg, "%s",
			 _("the file was changed by someone else since it was read; nothing was "
			   "saved"));
		return -1;
	}
	if (!c->exists && c->is_default)
		make_parent(c->path);
	if (settings_save(c->path, &c->doc, &c->s, e) < 0) {
		/* Our own bytes are on disk, only not flushed: a retry must not
		 * take them for someone else's change. */
		if (e->replaced) {
			c->exists = true;
			file_hash(c->path, c->hash);
		}
		return -1;
	}
	c->exists = true;
	file_hash(c->path, c->hash);
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
	enum ini_status rc = inifile_write_atomic(path, out.buf ? out.buf : "", out.len, e);
	sb_free(&out);
	return rc == INI_OK ? 0 : -1;
}

void config_free(struct config *c)
{
	inifile_free(&c->doc);
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
