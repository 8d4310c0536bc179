/* SPDX-License-Identifier: MIT */
/* picker.c - the provider presets (F3): a libmenu menu in a dialog; the
 * chosen provider's values go into the fields, and a message says what the
 * user must still type. */
#include "mailset/ui/screens.h"

#include <menu.h>
#include <stdlib.h>

#include "mailset/i18n.h"
#include "mailset/ui/dialog.h"
#include "mailset/util.h"

struct picker {
	MENU *menu;
	ITEM **items;
	char **names;
	int at;              /* the item chosen, kept across a new layout */
};

static int rows(const struct editor *ed, const struct dialog *d)
{
	(void)d;
	return (int)ed->presets.n + 1;
}

static void unfit(struct dialog *d)
{
	struct picker *pk = d->state;
	if (pk->menu) {
		pk->at = item_index(current_item(pk->menu));
		WINDOW *sub = menu_sub(pk->menu);
		unpost_menu(pk->menu);
		free_menu(pk->menu);
		if (sub && sub != d->win)
			delwin(sub);
		pk->menu = NULL;
	}
	if (pk->items) {
		for (int i = 0; pk->items[i]; i++)
			free_item(pk->items[i]);
		free(pk->items);
		pk->items = NULL;
	}
	if (pk->names) {
		for (int i = 0; pk->names[i]; i++)
			free(pk->names[i]);
		free(pk->names);
		pk->names = NULL;
	}
}

static void fit(struct editor *ed, struct dialog *d)
{
	struct picker *pk = d->state;
	int h, w;
	getmaxyx(d->win, h, w);
	size_t n = ed->presets.n;
	pk->items = xcalloc(n + 1, sizeof *pk->items);
	pk->names = xcalloc(n + 1, sizeof *pk->names);
	for (size_t i = 0; i < n; i++) {
		const struct preset *p = &ed->presets.v[i];
		pk->names[i] = p->supported ? xstrdup(preset_name(p))
			: xasprintf("%s %s", preset_name(p), _("(not supported)"));
		pk->items[i] = new_item(pk->names[i], p->host);
		set_item_userptr(pk->items[i], (void *)p);
	}
	pk->menu = new_menu(pk->items);
	set_menu_win(pk->menu, d->win);
	set_menu_sub(pk->menu, derwin(d->win, h - 5, w - 4, 2, 2));
	set_menu_format(pk->menu, h - 5, 1);
	set_menu_mark(pk->menu, "> ");
	set_menu_fore(pk->menu, term_style(ST_SIDE_SEL));
	post_menu(pk->menu);
	if (pk->at > 0 && pk->at < (int)n)
		set_current_item(pk->menu, pk->items[pk->at]);
}

static void free_picker(void *state)
{
	free(state);
}

static int pick(struct editor *ed, const struct preset *p)
{
	if (!p->supported) {
		char *t = xasprintf(_("%s cannot be used for the shop's SMTP settings.\n\n%s"),
				    preset_name(p), preset_notes(p));
		dialog_message(ed, preset_name(p), t);
		free(t);
		return UI_HANDLED;
	}
	editor_apply_preset(ed, p);
	editor_focus(ed, F_HOST);
	struct strbuf sb = { 0 };
	if (preset_needs_host(p))
		sb_addf(&sb, _("Complete the server name: type over the \xE2\x97\xAF part of %s.\n\n"),
			p->host);
	const char *user = i18n_pick(p->username_ja, p->username_en);
	const char *pass = i18n_pick(p->password_ja, p->password_en);
	if (user)
		sb_addf(&sb, "%s: %s\n", settings_label(F_USERNAME), user);
	if (pass)
		sb_addf(&sb, "%s: %s\n", settings_label(F_PASSWORD), pass);
	if (*preset_notes(p))
		sb_addf(&sb, "\n%s", preset_notes(p));
	dialog_message(ed, preset_name(p), sb.buf ? sb.buf : "");
	sb_free(&sb);
	return UI_HANDLED;
}

static int key(struct editor *ed, struct dialog *d, enum action act, int k)
{
	(void)k;
	struct picker *pk = d->state;
	switch (act) {
	case ACT_NEXT:
		menu_driver(pk->menu, REQ_DOWN_ITEM);
		return UI_HANDLED;
	case ACT_PREV:
		menu_driver(pk->menu, REQ_UP_ITEM);
		return UI_HANDLED;
	case ACT_HOME:
		menu_driver(pk->menu, REQ_FIRST_ITEM);
		return UI_HANDLED;
	case ACT_END:
		menu_driver(pk->menu, REQ_LAST_ITEM);
		return UI_HANDLED;
	case ACT_PICK:
		return pick(ed, item_userptr(current_item(pk->menu)));
	case ACT_CLOSE:
		dialog_close(ed);
		return UI_HANDLED;
	default:
		return 0;
	}
}

static const struct dialog_ops picker_dialog = {
	.scope = SC_PICKER,
	.key = key,
	.free = free_picker,
	.rows = rows,
	.fit = fit,
	.unfit = unfit,
	.keeps_window = true,
};

void picker_open(struct editor *ed)
{
	dialog_open(ed, &picker_dialog, _("Provider presets"), NULL, xcalloc(1, sizeof(struct picker)));
}
