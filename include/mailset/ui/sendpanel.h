/* sendpanel.h - the test send panel: recipient, live dialogue, verdict.
 *
 * The send runs in a child process (libcurl blocks in SMTP's last phase);
 * its redacted lines come back through a pipe that the editor's loop polls,
 * so the screen stays live and Esc or Ctrl-C stops a send at once. */
#ifndef MAILSET_UI_SENDPANEL_H
#define MAILSET_UI_SENDPANEL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "mailset/settings.h"
#include "mailset/ui/lineedit.h"

struct sendline {
	char kind;
	long ms;
	char *text;
};

struct sendpanel {
	struct lineedit to;      /* the test recipient */
	pid_t pid;               /* the sending child, 0 when none */
	int fd;                  /* its pipe, -1 when none */
	struct sendline *lines;
	size_t nlines;
	char partial[4096];      /* an incomplete line from the pipe */
	size_t plen;
	char *verdict;           /* NULL until a send ends */
	int status;              /* sysexits.h status of the last send */
	int top;                 /* first line shown; -1 follows the end */
	int first_shown;         /* what the last drawing showed first */
	bool focus_log;          /* keys scroll the dialogue (s saves it) */
};

void sp_init(struct sendpanel *sp);
void sp_free(struct sendpanel *sp);
bool sp_running(const struct sendpanel *sp);
/* Start a send of message to the recipient with settings s; message NULL
 * probes (connect, TLS, login, QUIT: nothing is sent). Returns false
 * (with *err, a new string) when it could not start. */
bool sp_start(struct sendpanel *sp, const struct settings *s, const char *message, char **err);
/* Run job(fd, arg) in a child process; it reports with sp_child_line()
 * and ends with sp_child_end(). The DNS check runs this way too. */
bool sp_start_job(struct sendpanel *sp, void (*job)(int fd, void *arg), void *arg, char **err);
void sp_child_line(int fd, char kind, long ms, const char *text);
_Noreturn void sp_child_end(int fd, int status, const char *verdict);
/* Stop a running send (the child is killed; the dialogue says so). */
void sp_cancel(struct sendpanel *sp);
/* Read what the child wrote; true when something changed. */
bool sp_read(struct sendpanel *sp);
/* Save the dialogue and verdict to a new file in dir (mode 0600). Returns
 * the file's name (new string) or NULL with *err. */
char *sp_save(const struct sendpanel *sp, const char *dir, char **err);

#endif
