/* SPDX-License-Identifier: MIT */
/* ui.h - the full-screen editor.
 *
 * ui_run() opens the editor on path (the first-time wizard when the file
 * does not exist, or with wizard set) and returns a sysexits.h status when
 * the user quits. A file that does not parse is refused before the screen
 * starts, with FILE:LINE: on stderr. */
#ifndef MAILSET_UI_H
#define MAILSET_UI_H

int ui_run(const char *path, int is_default, int wizard);

#endif
