/* config.c - finding, loading and saving the configuration file. */
#include "mailset/config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>

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

int config_save(struct config *c, struct ini_error *e)
{
	if (!c->exists && c->is_default)
		make_parent(c->path);
	if (settings_save(c->path, &c->doc, &c->s, e) < 0)
		return -1;
	c->exists = true;
	return 0;
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
	if (e->err == EACCES || e->err == EPERM)
		return EX_NOPERM;
	return e->create ? EX_CANTCREAT : EX_IOERR;
}
