/* SPDX-License-Identifier: MIT */
/* netjob.h - network work in a helper process.
 *
 * The SMTP engine (libcurl, OpenSSL) and the DNS engine (c-ares, OpenSSL,
 * libpsl) live in two helper executables, mailset-smtp and mailset-dns,
 * installed under $(libexecdir)/mailset/, as git keeps its network code in
 * git-remote-https. The editor and the plain commands link neither: they
 * start quickly, stay small, and a fault in TLS or in parsing a server's
 * replies cannot reach the editor's memory or its unsaved edits.
 *
 * The request goes to the helper's standard input (never argv or the
 * environment: it holds the password) as named values, each
 * "NAME LENGTH\n" then LENGTH bytes and "\n". The answer comes on its
 * standard output as typed records, one a line:
 *   L<kind>\t<level>\t<ms>\t<text>   a line of the dialogue or the report
 *   N\t<text>                        a note beside the lines
 *   F\t<text>                        the phase the work failed in
 *   V\t<status>\t<text>              the verdict: the last record
 * Texts are escaped (\\, \n, \t) so that a record is one line. */
#ifndef MAILSET_NETJOB_H
#define MAILSET_NETJOB_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "mailset/settings.h"
#include "mailset/util.h"

#define NETJOB_SMTP "mailset-smtp"
#define NETJOB_DNS "mailset-dns"

/* How a line is judged: the DNS pane colours by it, never by the words. */
enum job_level { JL_PLAIN, JL_OK, JL_WARN, JL_ERROR };

/* --- the request ---------------------------------------------------------- */

void netreq_put(struct strbuf *req, const char *name, const char *value);
/* Every value the settings set, as "s.SECTION.KEY". */
void netreq_put_settings(struct strbuf *req, const struct settings *s);

struct netreq_value {
	char *name;
	char *value;
};
struct netreq {
	struct netreq_value *v;
	size_t n;
};

/* Parse a request; false when it is malformed. */
bool netreq_parse(const char *buf, size_t len, struct netreq *r);
/* The first value of name, or NULL. */
const char *netreq_get(const struct netreq *r, const char *name);
/* The settings the request carries (s zeroed before). */
void netreq_settings(const struct netreq *r, struct settings *s);
/* Release it, wiping the values (the password is one). */
void netreq_free(struct netreq *r);

/* --- starting a helper ---------------------------------------------------- */

/* Where the helper is: $MAILSET_LIBEXECDIR/NAME, else libexec/NAME beside
 * the running program (a build tree), else the installed one. New string. */
char *netjob_path(const char *helper);
/* Start the helper with req on its standard input and *fd reading its
 * standard output (close-on-exec). arg, when not NULL, is its one
 * argument (--version). quiet sends its standard error to /dev/null (the
 * editor's screen must not get it). Returns the pid, or -1 with *err. */
pid_t netjob_start(const char *helper, const char *arg, const struct strbuf *req, bool quiet,
		   int *fd, char **err);

/* Why a helper gave no verdict, from its wait status: a sentence (new
 * string). */
char *netjob_died(const char *helper, int wstatus);

/* --- the records ---------------------------------------------------------- */

struct netrec {
	char type;           /* 'L', 'N', 'F', 'J' or 'V' */
	char kind;           /* L: C, S, * (the transcript's), ' ' */
	int level;           /* L: enum job_level */
	long ms;             /* L */
	int status;          /* V: a sysexits.h status */
	char *text;          /* unescaped, in place */
};

/* Parse one record (line without its "\n", changed in place); false for
 * one that is not a record. */
bool netrec_parse(char *line, struct netrec *r);

/* The helper's side, writing to fd; a failed write ends the helper. */
void netrec_line(int fd, char kind, enum job_level level, long ms, const char *text);
void netrec_note(int fd, const char *text);
void netrec_phase(int fd, const char *text);
/* J: one JSON object (a DNS record's findings, for --json) */
void netrec_json(int fd, const char *text);
void netrec_verdict(int fd, int status, const char *text);

/* One line of an SMTP dialogue as mailset shows and saves it:
 * "   123 ms  S: text\n". */
char *netjob_row(char kind, long ms, const char *text);

#endif
