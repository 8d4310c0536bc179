/* SPDX-License-Identifier: MIT */
/* verdict.h - what an SMTP server's reply means to a shop operator.
 *
 * One table (src/verdict.c) maps the phase of the exchange, the reply code,
 * its enhanced status code (RFC 3463, RFC 5248) and words of its text to a
 * verdict: an id, an exit status (sysexits.h) and a sentence that names the
 * setting to change. A new server's wording is one row there. The table
 * knows nothing of sockets: the engine (smtp.c) feeds it replies, and the
 * unit tests feed it a corpus of real servers' replies. */
#ifndef MAILSET_VERDICT_H
#define MAILSET_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

enum smtp_phase {
	PH_CONNECT,   /* resolving, connecting */
	PH_GREETING,  /* connected, waiting for the 220 */
	PH_EHLO,
	PH_TLS,       /* STARTTLS and the handshake */
	PH_AUTH,
	PH_MAIL,
	PH_RCPT,
	PH_DATA,      /* the DATA command */
	PH_EOD,       /* the message sent, waiting for the final reply */
	PH_QUIT,
	PH_DONE
};

/* The phase as a person reads it ("the login", "ログイン"): translated. */
const char *smtp_phase_name(enum smtp_phase ph);

/* One reply, possibly of several lines (RFC 5321 4.2.1). */
struct smtp_reply {
	int code;            /* 0 until a line with a code came */
	char enh[16];        /* enhanced status code of the first line, or "" */
	char *text;          /* every line's text without code and enhanced
			      * code, joined by single spaces (new string) */
	size_t nlines;
	bool done;           /* the last line ("250 ...", not "250-...") came */
};

/* Adds one line (without CRLF) of a reply; the line should already be safe
 * to show (transcript_safe). Returns r->done. Lines after done start a new
 * reply: call smtp_reply_clear() first. */
bool smtp_reply_add(struct smtp_reply *r, const char *line);
void smtp_reply_clear(struct smtp_reply *r);
/* "535 5.7.8 Username and Password not accepted ..." (new string). */
char *smtp_reply_format(const struct smtp_reply *r);

/* What a refusal is about: the whole session (stop at once), or one
 * recipient (the others may still get the message). */
enum verdict_scope { VS_SESSION, VS_RECIPIENT };

struct verdict_rule {
	const char *id;      /* stable name, used by the tests */
	unsigned phases;     /* bit (1u << phase) set for each phase it covers */
	int code;            /* this reply code only, or 0 */
	char cls;            /* '4', '5' or 0 for either */
	const char *enh;     /* '|'-separated prefixes of the enhanced code
			      * ("5.7.9|5.7.14"), or NULL */
	const char *words;   /* '|'-separated lower-case words, one must occur; or NULL */
	int login;           /* 0 either, 1 only after a successful login, -1 only without */
	int status;          /* sysexits.h */
	enum verdict_scope scope;
	const char *msg;     /* N_(): %{host} %{port} %{reply} %{sender} %{rcpt}
			      * %{user} %{mech} %{phase} */
};

/* The first rule of the table that fits a non-2xx/3xx reply in phase ph.
 * logged_in: a login succeeded on this connection. Never NULL: the table
 * ends in catch-all rows for every phase. */
const struct verdict_rule *verdict_rule(enum smtp_phase ph, const struct smtp_reply *r,
					bool logged_in);
const struct verdict_rule *verdict_rule_by_id(const char *id);
/* The whole table, in order (*n rows). */
const struct verdict_rule *verdict_rules(size_t *n);

/* The values that fill a rule's sentence. NULL members read as "". */
struct verdict_vars {
	const char *host, *port, *reply, *sender, *rcpt, *user, *mech, *phase;
};

/* fmt (already translated) with each %{name} replaced (new string). */
char *verdict_expand(const char *fmt, const struct verdict_vars *v);

/* The queue id in a server's final reply to the message, in the forms of
 * Postfix ("queued as X"), Exim ("id=X"), Sendmail ("X Message accepted"),
 * Gmail ("... X - gsmtp") and Microsoft ("<X>"). NULL when there is none. */
char *verdict_queue_id(const char *text);

#endif
