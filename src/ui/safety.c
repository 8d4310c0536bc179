/* SPDX-License-Identifier: MIT */
/* safety.c - nothing lost in the editor: one editor per file (FILE.lock),
 * unsaved edits kept through a hang-up (FILE.recover), no blind overwrite
 * of a file changed behind the editor's back. */
#include "mailset/ui/screens.h"

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mailset/i18n.h"
#include "mailset/inifile.h"
#include "mailset/recover.h"
#include "mailset/ui/dialog.h"
#include "mailset/util.h"

/* For the out-of-memory path, which has no other way to the editor. */
static struct editor *current;

static void on_oom(void)
{
	/* (the lock goes with lock.c's list of files to remove) */
	struct editor *ed = current;
	if (ed && ed->safe.have_lock && editor_dirty(ed))
		recover_write(ed->safe.recpath, &ed->cfg.s, &ed->saved);
	term_close();
}

static void offer_recovery(struct editor *ed);

/* ------------------------------------------------- the lock's dialogs */

static void read_only(struct editor *ed)
{
	ed->safe.read_only = true;
	editor_why_read_only(ed, ST_WARNING);
}

static void break_lock(struct editor *ed)
{
	enum lock_status st = lock_break(ed->cfg.path, &ed->safe.owner);
	if (st == LOCK_ERROR)
		ed->safe.lock_err = errno ? errno : EIO;
	if (st == LOCK_TAKEN) {
		ed->safe.have_lock = true;
		ed->safe.read_only = false;
		inifile_clean_temps(ed->cfg.path);
		offer_recovery(ed);
	} else if (st == LOCK_HELD) { /* someone took it meanwhile */
		read_only(ed);
	} else {
		ed->safe.read_only = true;
		editor_status(ed, ST_ERROR, _("The lock could not be removed: %s is open read-only."),
			      ed->cfg.path);
	}
}

static int lock_key(struct editor *ed, struct dialog *d, enum action act, int key)
{
	(void)d;
	(void)key;
	switch (act) {
	case ACT_QUIT:
		dialog_close(ed);
		return UI_QUIT;
	case ACT_READ_ONLY:
		dialog_close(ed);
		read_only(ed);
		return UI_HANDLED;
	case ACT_BREAK_LOCK:
		dialog_close(ed);
		break_lock(ed);
		return UI_HANDLED;
	default:
		return 0;
	}
}

static const struct dialog_ops locked_dialog = { .scope = SC_LOCKED, .key = lock_key };
static const struct dialog_ops stale_dialog = {
	.scope = SC_STALE, .key = lock_key, .button = 1, /* read-only */
};

void safety_start(struct editor *ed)
{
	current = ed;
	util_on_oom(on_oom);
	ed->safe.recpath = recover_path(ed->cfg.path);
	enum lock_status st = lock_take(ed->cfg.path, &ed->safe.owner);
	if (st == LOCK_ERROR && errno == ENOENT && ed->cfg.is_default) {
		config_make_dir(&ed->cfg);
		st = lock_take(ed->cfg.path, &ed->safe.owner);
	}
	char *msg;
	switch (st) {
	case LOCK_TAKEN:
		ed->safe.have_lock = true;
		inifile_clean_temps(ed->cfg.path);
		offer_recovery(ed);
		break;
	case LOCK_HELD:
		msg = xasprintf(_("%s is being edited by %s.\n\nYou can look at it, but not save, "
				  "until they are done."), ed->cfg.path, lock_describe(&ed->safe.owner));
		dialog_open(ed, &locked_dialog, _("The file is in use"), msg, NULL);
		free(msg);
		break;
	case LOCK_STALE:
		msg = xasprintf(_("%s has a lock left by %s, which is no longer running (a closed "
				  "SSH session, probably). Unsaved edits it left, if any, are offered "
				  "next."), ed->cfg.path, lock_describe(&ed->safe.owner));
		dialog_open(ed, &stale_dialog, _("A lock was left behind"), msg, NULL);
		free(msg);
		break;
	default: {
		/* never a save without the lock: it could undo another's */
		int err = errno;
		ed->safe.read_only = true;
		ed->safe.lock_err = err ? err : EIO;
		editor_why_read_only(ed, ST_ERROR);
		break;
	}
	}
}

/* ------------------------------------------------------ recovered edits */

struct recovered {
	struct settings s;
	bool password;        /* it was changed, and is not kept */
};

static void free_recovered(void *state)
{
	struct recovered *r = state;
	settings_free(&r->s);
	free(r);
}

static int recover_key(struct editor *ed, struct dialog *d, enum action act, int key)
{
	(void)key;
	struct recovered *r = d->state;
	if (act == ACT_RESTORE) {
		int n = 0;
		for (int i = 0; i < F_COUNT; i++)
			if (r->s.value[i]) {
				editor_set_value(ed, i, r->s.value[i]);
				n++;
			}
		editor_status(ed, ST_OK, _("%d recovered edit(s) restored%s; save with F2 to keep them."),
			      n, r->password ? _(" (type the password again)") : "");
		dialog_close(ed);
		return UI_HANDLED;
	}
	if (act == ACT_DISCARD) {
		dialog_close(ed);
		editor_forget_recovery(ed);
		return UI_HANDLED;
	}
	return 0;
}

static const struct dialog_ops recover_dialog = {
	.scope = SC_RECOVER, .key = recover_key, .free = free_recovered,
};

/* Edits a hang-up kept under the temporary's name, because they could
 * not replace FILE.recover (another user's, in a sticky directory): the
 * first of them, a new string, or NULL. */
static char *find_kept(const char *recpath)
{
	char *dcopy = xstrdup(recpath), *bcopy = xstrdup(recpath);
	const char *dir = dirname(dcopy), *base = basename(bcopy);
	char *prefix = xasprintf("%s." INI_TEMP_MARK, base), *found = NULL;
	size_t plen = strlen(prefix);
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d && !found && (de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, plen) || strlen(de->d_name + plen) != 6)
			continue;
		struct stat st;
		char *p = xasprintf("%s/%s", dir, de->d_name);
		if (lstat(p, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid())
			found = p;
		else
			free(p);
	}
	if (d)
		closedir(d);
	free(prefix);
	free(dcopy);
	free(bcopy);
	return found;
}

static void offer_recovery(struct editor *ed)
{
	time_t when;
	struct recovered *r = xcalloc(1, sizeof *r);
	int got = recover_read(ed->safe.recpath, &r->s, &when, &r->password);
	if (got <= 0) {
		bool foreign = got < 0 && errno == EPERM;
		char *kept = find_kept(ed->safe.recpath);
		if (kept) /* the edits first: they are what must not be lost */
			editor_status(ed, ST_WARNING,
				      _("%s: unsaved edits of an earlier session, kept there (they "
					"could not replace the recovery file): look at them."),
				      kept);
		else if (foreign)
			editor_status(ed, ST_WARNING,
				      _("%s was not offered: this user did not make it (or others "
					"can read it). Look at it, then remove it."),
				      ed->safe.recpath);
		free(kept);
		free_recovered(r);
		return;
	}
	struct strbuf sb = { 0 };
	char stamp[32] = "?";
	struct tm tm;
	if (when && localtime_r(&when, &tm))
		strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M", &tm);
	sb_addf(&sb, _("Edits that were not saved when the session of %s ended are kept:"), stamp);
	sb_adds(&sb, "\n\n");
	for (int i = 0; i < F_COUNT; i++)
		if (r->s.value[i])
			sb_addf(&sb, "%s: %s\n", settings_label(i), r->s.value[i]);
	if (r->password)
		sb_addf(&sb, "%s: %s\n", settings_label(F_PASSWORD),
			_("changed, but not kept (type it again)"));
	dialog_open(ed, &recover_dialog, _("Unsaved edits were recovered"), sb.buf, r);
	sb_free(&sb);
}

void safety_hangup(struct editor *ed)
{
	if (ed->safe.have_lock && editor_dirty(ed))
		recover_write(ed->safe.recpath, &ed->cfg.s, &ed->saved);
}

void safety_release(struct editor *ed)
{
	if (ed->safe.have_lock)
		lock_release(ed->cfg.path);
	ed->safe.have_lock = false;
	util_on_oom(NULL);
	current = NULL;
	free(ed->safe.recpath);
	ed->safe.recpath = NULL;
}

/* ----------------------------------------------- saving a copy elsewhere */

static int saveas_rows(const struct editor *ed, const struct dialog *d)
{
	(void)ed;
	(void)d;
	return 2;
}

static void saveas_fit(struct editor *ed, struct dialog *d)
{
	(void)ed;
	editor_fit_edit(d->state, getmaxx(d->win) - 4);
}

static void saveas_draw(const struct editor *ed, const struct dialog *d, struct cursor *cur)
{
	(void)ed;
	int h = getmaxy(d->win), cx = 2;
	editor_draw_edit(d->win, h - 4, 2, getmaxx(d->win) - 4, d->state, false, true, &cx);
	*cur = (struct cursor){ h - 4, cx };
}

static void free_saveas(void *state)
{
	le_free(state);
	free(state);
}

static int saveas_key(struct editor *ed, struct dialog *d, enum action act, int key)
{
	if (act == ACT_CLOSE) {
		dialog_close(ed);
		return UI_HANDLED;
	}
	if (act != ACT_SAVE_COPY)
		return editor_text_key(d->state, act, key) & UI_HANDLED;
	char *path = le_get(d->state);
	struct ini_error e;
	dialog_close(ed);
	if (config_save_copy(&ed->cfg, path, &e) == 0)
		editor_status(ed, ST_OK, _("Your version was saved to %s; %s was left as it is."), path,
			      ed->cfg.path);
	else
		editor_status(ed, ST_ERROR, _("Not saved to %s: %s"), path, e.msg);
	free(path);
	return UI_HANDLED;
}

static const struct dialog_ops saveas_dialog = {
	.scope = SC_SAVEAS, .key = saveas_key, .free = free_saveas,
	.rows = saveas_rows, .fit = saveas_fit, .draw = saveas_draw,
};

/* -------------------------------------------------------- changed on disk */

static bool differs(const char *a, const char *b)
{
	return (a == NULL) != (b == NULL) || (a && strcmp(a, b));
}

static void reload(struct editor *ed)
{
	struct config fresh = { 0 };
	struct ini_error e;
	fresh.path = xstrdup(ed->cfg.path);
	fresh.is_default = ed->cfg.is_default;
	if (config_load(&fresh, true, &e) != INI_OK) {
		editor_status(ed, ST_ERROR, _("Cannot reload %s: %s"), ed->cfg.path, e.msg);
		config_free(&fresh);
		return;
	}
	/* Take the file as it is now; what the user edited stays edited. */
	for (int i = 0; i < F_COUNT; i++) {
		bool mine = differs(ed->cfg.s.value[i], ed->saved.value[i]);
		if (mine)
			settings_set(&fresh.s, i, ed->cfg.s.value[i]);
	}
	struct settings disk = { { 0 } };
	settings_from_doc(&disk, &fresh.doc);
	config_free(&ed->cfg);
	ed->cfg = fresh;
	settings_free(&ed->saved);
	ed->saved = disk;
	editor_load_edits(ed);
	editor_status(ed, ST_INFO, "%s", _("Reloaded: the file as it is now, with your edits on top. "
					   "F2 saves."));
}

static int changed_key(struct editor *ed, struct dialog *d, enum action act, int key)
{
	(void)d;
	(void)key;
	switch (act) {
	case ACT_RELOAD:
		dialog_close(ed);
		reload(ed);
		return UI_HANDLED;
	case ACT_OVERWRITE:
		dialog_close(ed);
		editor_save_as_is(ed, true);
		return UI_HANDLED;
	case ACT_ELSEWHERE: {
		dialog_close(ed);
		struct lineedit *le = xcalloc(1, sizeof *le);
		/* the first of FILE.mine, FILE.mine.2... that is not there: the
		 * copy is made new (config_save_copy), never into what is */
		char *guess = xasprintf("%s.mine", ed->cfg.path);
		struct stat st;
		for (int n = 2; n < 100 && lstat(guess, &st) == 0; n++) {
			free(guess);
			guess = xasprintf("%s.mine.%d", ed->cfg.path, n);
		}
		le_set(le, guess);
		free(guess);
		dialog_open(ed, &saveas_dialog, _("Save your version elsewhere"),
			    _("Save a copy of your version to this file (mode 0600); the original is "
			      "left as it is:"), le);
		return UI_HANDLED;
	}
	case ACT_CLOSE:
		dialog_close(ed);
		return UI_HANDLED;
	default:
		return 0;
	}
}

static const struct dialog_ops changed_dialog = { .scope = SC_CHANGED, .key = changed_key };

void safety_changed(struct editor *ed)
{
	struct ini_doc disk;
	struct ini_error e;
	struct settings now = { { 0 } };
	struct strbuf sb = { 0 };
	enum ini_status st = inifile_load(ed->cfg.path, &disk, &e, NULL);
	sb_addf(&sb, _("%s was changed by someone else since you opened it."), ed->cfg.path);
	sb_adds(&sb, "\n\n");
	if (st == INI_OK) {
		settings_from_doc(&now, &disk);
		int n = 0;
		for (int i = 0; i < F_COUNT; i++) {
			if (!differs(now.value[i], ed->saved.value[i]))
				continue;
			n++;
			if (settings_fields[i].flags & FIELD_SECRET)
				sb_addf(&sb, "%s: %s\n", settings_label(i), _("changed"));
			else
				sb_addf(&sb, "%s: %s \xE2\x86\x92 %s\n", settings_label(i),
					ed->saved.value[i] ? ed->saved.value[i] : "-",
					now.value[i] ? now.value[i] : "-");
		}
		if (!n)
			sb_adds(&sb, _("No setting changed; other lines (comments, other keys) did."));
		sb_adds(&sb, "\n");
		settings_free(&now);
		inifile_free(&disk);
	} else if (st == INI_NOFILE) {
		sb_adds(&sb, _("It has been deleted."));
	} else {
		sb_addf(&sb, _("It cannot be read now: %s"), e.msg);
	}
	dialog_open(ed, &changed_dialog, _("Changed behind your back"), sb.buf, NULL);
	sb_free(&sb);
}

