/* safety.c - nothing lost in the editor: one editor per file (FILE.lock),
 * unsaved edits kept through a hang-up (FILE.recover), no blind overwrite
 * of a file changed behind the editor's back. */
#include "mailset/ui/editor.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mailset/i18n.h"
#include "mailset/recover.h"
#include "mailset/util.h"

/* For the out-of-memory path, which has no other way to the editor. */
static struct editor *current;

static void on_oom(void)
{
	struct editor *ed = current;
	if (ed && ed->have_lock && editor_dirty(ed))
		recover_write(ed->recpath, &ed->cfg.s, &ed->saved);
	if (ed && ed->have_lock)
		unlink(ed->lockpath);
	term_close();
}

void safety_start(struct editor *ed)
{
	current = ed;
	util_on_oom(on_oom);
	ed->lockpath = lock_path(ed->cfg.path);
	ed->recpath = recover_path(ed->cfg.path);
	enum lock_status st = lock_take(ed->cfg.path, &ed->owner);
	if (st == LOCK_ERROR && errno == ENOENT && ed->cfg.is_default) {
		config_make_dir(&ed->cfg);
		st = lock_take(ed->cfg.path, &ed->owner);
	}
	char *msg;
	switch (st) {
	case LOCK_TAKEN:
		ed->have_lock = true;
		inifile_clean_temps(ed->cfg.path);
		safety_offer_recovery(ed);
		break;
	case LOCK_HELD:
		msg = xasprintf(_("%s is being edited by %s.\n\nYou can look at it, but not save, "
				  "until they are done."), ed->cfg.path, lock_describe(&ed->owner));
		dialog_open(ed, DLG_LOCKED, _("The file is in use"), msg);
		free(msg);
		break;
	case LOCK_STALE:
		msg = xasprintf(_("%s has a lock left by %s, which is no longer running (a closed "
				  "SSH session, probably). Unsaved edits it left, if any, are offered "
				  "next."), ed->cfg.path, lock_describe(&ed->owner));
		dialog_open(ed, DLG_STALE, _("A lock was left behind"), msg);
		free(msg);
		break;
	default:
		editor_status(ed, ST_WARNING, _("Warning: cannot lock %s (%s): another editor could "
						"save over your changes."),
			      ed->cfg.path, strerror(errno));
		break;
	}
}

void safety_break_lock(struct editor *ed)
{
	if (lock_break(ed->cfg.path, &ed->owner) == LOCK_TAKEN) {
		ed->have_lock = true;
		ed->read_only = false;
		inifile_clean_temps(ed->cfg.path);
		safety_offer_recovery(ed);
	} else {
		ed->read_only = true;
		editor_status(ed, ST_ERROR, _("The lock could not be removed: %s is open read-only."),
			      ed->cfg.path);
	}
}

void safety_offer_recovery(struct editor *ed)
{
	time_t when;
	settings_free(&ed->recovered);
	int rc = recover_read(ed->recpath, &ed->recovered, &when, &ed->rec_password);
	if (rc <= 0)
		return;
	struct strbuf sb = { 0 };
	char stamp[32] = "?";
	struct tm tm;
	if (when && localtime_r(&when, &tm))
		strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M", &tm);
	sb_addf(&sb, _("Edits that were not saved when the session of %s ended are kept:"), stamp);
	sb_adds(&sb, "\n\n");
	for (int i = 0; i < F_COUNT; i++)
		if (ed->recovered.value[i])
			sb_addf(&sb, "%s: %s\n", settings_label(i), ed->recovered.value[i]);
	if (ed->rec_password)
		sb_addf(&sb, "%s: %s\n", settings_label(F_PASSWORD),
			_("changed, but not kept (type it again)"));
	dialog_open(ed, DLG_RECOVER, _("Unsaved edits were recovered"), sb.buf);
	sb_free(&sb);
}

void safety_restore(struct editor *ed)
{
	int n = 0;
	for (int i = 0; i < F_COUNT; i++) {
		if (!ed->recovered.value[i])
			continue;
		settings_set(&ed->cfg.s, i, ed->recovered.value[i]);
		le_set(&ed->edit[i], ed->recovered.value[i]);
		n++;
	}
	editor_recheck(ed);
	editor_status(ed, ST_OK, _("%d recovered edit(s) restored%s; save with F2 to keep them."), n,
		      ed->rec_password ? _(" (type the password again)") : "");
	settings_free(&ed->recovered);
}

void safety_forget_recovery(struct editor *ed)
{
	if (ed->have_lock && ed->recpath)
		unlink(ed->recpath);
}

void safety_hangup(struct editor *ed)
{
	if (ed->have_lock && editor_dirty(ed))
		recover_write(ed->recpath, &ed->cfg.s, &ed->saved);
}

void safety_release(struct editor *ed)
{
	if (ed->have_lock)
		unlink(ed->lockpath);
	ed->have_lock = false;
	util_on_oom(NULL);
	current = NULL;
	settings_free(&ed->recovered);
	le_free(&ed->saveas);
	free(ed->lockpath);
	free(ed->recpath);
	ed->lockpath = ed->recpath = NULL;
}

/* -------------------------------------------------------- changed on disk */

static bool differs(const char *a, const char *b)
{
	return (a == NULL) != (b == NULL) || (a && strcmp(a, b));
}

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
	dialog_open(ed, DLG_CHANGED, _("Changed behind your back"), sb.buf);
	sb_free(&sb);
}

void safety_reload(struct editor *ed)
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
	for (int i = 0; i < F_COUNT; i++)
		le_set(&ed->edit[i], settings_get(&ed->cfg.s, i));
	editor_recheck(ed);
	editor_status(ed, ST_INFO, "%s", _("Reloaded: the file as it is now, with your edits on top. "
					   "F2 saves."));
}
