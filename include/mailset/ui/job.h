/* SPDX-License-Identifier: MIT */
/* job.h - work in a helper process: a test send, a DNS check.
 *
 * The network code runs in the helpers mailset-smtp and mailset-dns
 * (netjob.h); their records come back through a pipe that the editor's
 * loop polls, so the screen stays live and Esc stops the work at once.
 * Records are typed: a line has a kind (the transcript's C, S or * for the
 * SMTP dialogue) and a level (how it is judged: the DNS pane colours by
 * it, never by the words), and the last record is the verdict. */
#ifndef MAILSET_UI_JOB_H
#define MAILSET_UI_JOB_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "mailset/netjob.h"

struct jobline {
	char kind;
	enum job_level level;
	long ms;
	char *text;
};

/* The longest record kept whole (a verdict quoting a server's long reply,
 * a DNS record); a longer one is cut (at a character) and marked so. */
#define JOB_RECORD_MAX (64 * 1024)

struct job {
	pid_t pid;               /* the helper, 0 when none */
	const char *helper;      /* its name (static) */
	int fd;                  /* its pipe, -1 when none */
	struct jobline *lines;
	size_t nlines;
	struct strbuf partial;   /* an incomplete record from the pipe */
	bool overlong;           /* ...cut at JOB_RECORD_MAX: the rest to its
				  * end of line is skipped */
	char *note;              /* a record beside the lines, or NULL (the DNS
				  * check: the provider whose preset 'p' applies) */
	char *verdict;           /* NULL until the work ends */
	int status;              /* sysexits.h status of the last run */
};

void job_init(struct job *j);
void job_free(struct job *j);
/* Forget the last run's lines and verdict (a new run was refused). */
void job_clear(struct job *j);
bool job_running(const struct job *j);
/* Start the helper (NETJOB_SMTP, NETJOB_DNS) on the request req (which
 * the caller wipes and frees). Returns false (with *err, a new string)
 * when it could not start. */
bool job_start(struct job *j, const char *helper, const struct strbuf *req, char **err);
/* Stop a running job (the child is killed; the record says so). */
void job_cancel(struct job *j);
/* Read what the child wrote; true when something changed. */
bool job_read(struct job *j);
/* Save the records to a new file DIR/mailset-WHAT-DATE-TIME.txt (mode
 * 0600): as the transcript's rows when transcript is set (then with the
 * verdict), else the text of each line. Returns the file's name (new
 * string) or NULL with *err. */
char *job_save(const struct job *j, const char *dir, const char *what, bool transcript,
	       char **err);

#endif
