/* SPDX-License-Identifier: MIT */
/* smtp.h - the test send engine.
 *
 * smtp_send() sends one message with the given settings over a fresh
 * connection. libcurl connects, verifies the certificate (system store or
 * ca_file), runs STARTTLS (required when TLS is on: never a silent
 * fallback; smtps:// on port 465) and logs in (SASL initial response);
 * then mailset itself speaks MAIL, RCPT, DATA on that connection, so that
 * every reply is judged whole (verdict.h) and nothing goes out before the
 * login the settings ask for has succeeded. Each line of the dialogue goes
 * to the callback as it happens, already redacted and made safe (see
 * transcript.h). It blocks until the send ends; run it off the UI thread.
 *
 * Exit statuses (sysexits.h): 0 sent (or, probing, logged in); 65 a value
 * refused (sender, every recipient, the message; or sent to only some);
 * 69 name not found, connection refused, refused at connect; 75 temporary
 * (no answer in time, dropped, 4xx, cancelled); 76 protocol (STARTTLS
 * missing or failing, TLS handshake); 77 login refused, certificate not
 * trusted, expired or for another name; 78 the settings do not fit the
 * server (no login offered, another login method, TLS or a login
 * required). */
#ifndef MAILSET_SMTP_H
#define MAILSET_SMTP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "mailset/settings.h"
#include "mailset/verdict.h"

/* 'C' client, 'S' server, '*' connection and TLS events. */
struct smtp_line {
	char kind;
	long ms;             /* since the send began */
	const char *text;    /* redacted, printable UTF-8 */
};

typedef void (*smtp_line_fn)(void *ctx, const struct smtp_line *line);

struct smtp_rcpt {
	char *addr;
	int code;            /* the server's reply to RCPT, 0 if never asked */
	char *reply;         /* its whole reply (safe) */
	const char *rule;    /* the verdict rule's id when refused, else NULL */
};

struct smtp_result {
	int status;          /* sysexits.h: 0 sent, 65 69 75 76 77 */
	enum smtp_phase phase; /* where it ended (failed) */
	int curl_code;
	long smtp_code;      /* last reply code */
	const char *rule;    /* id of the verdict (verdict.h's table, or the
			      * engine's own: "sent", "no-auth-offered"...) */
	char *verdict;       /* one sentence for a shop operator (translated) */
	char *queue_id;      /* on success, when the server said it */
	struct smtp_rcpt *rcpt;
	size_t nrcpt;
	bool cancelled;
};

/* The recipients of a test send: to, then the BCC list. */
struct smtp_job {
	const struct settings *s;
	const char *to;
	const char *message;     /* complete, CRLF (message_build) */
	long timeout_ms;         /* per reply and for connecting; 0: default */
	volatile sig_atomic_t *cancel; /* set non-zero to stop, may be NULL */
	bool probe;              /* connect, TLS, log in, QUIT: send nothing */
	smtp_line_fn on_line;
	void *ctx;
};

/* Returns res->status; res must be released with smtp_result_free(). */
int smtp_send(const struct smtp_job *job, struct smtp_result *res);
void smtp_result_free(struct smtp_result *res);
/* The default reply timeout: $MAILSET_SMTP_TIMEOUT seconds, else 20 s. */
long smtp_default_timeout_ms(void);

#endif
