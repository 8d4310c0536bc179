/* SPDX-License-Identifier: MIT */
/* main.c - pick the command line or the editor. */
#include <curses.h>
#include <stdio.h>

#include "mailset/cli.h"
#include "mailset/i18n.h"
#include "mailset/ui.h"
#include "mailset/util.h"

int main(int argc, char **argv)
{
	static char versions[128];
	util_no_core();
	i18n_init();
	snprintf(versions, sizeof versions, "%s", curses_version());
	struct cli_hooks hooks = { .ui_versions = versions, .editor = ui_run };
	return cli_main(argc, argv, &hooks);
}
