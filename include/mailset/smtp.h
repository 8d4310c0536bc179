/* smtp.h - the test send engine on libcurl's SMTP.
 *
 * smtp_send() sends one message with the given settings over a fresh
 * connection: smtps:// on port 465, else smtp:// with STARTTLS required
 * when TLS is on (never a silent fallback), certificates verified against
 * the system store or ca_file, SASL initial response, EHLO announcing the
 * system email's domain, bounded timeouts. Each line of the dialogue goes
 * to the callback as it happens, already redacted and made safe (see
 * transcript.h). It blocks until the send ends; run it off the UI thread. */
#ifndef MAILSET_SMTP_H
#define MAILSET_SMTP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "mailset/settings.h"

enum smtp_phase {
	PH_CONNECT,   /* connecting, greeting, EHLO */
	PH_TLS,
	PH_AUTH,
	PH_MAIL,
	PH_RCPT,
	PH_DATA,
	PH_DONE
};

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
	char *reply;         /* its text (safe) */
};

struct smtp_result {
	int status;          /* sysexits.h: 0 sent, 65 69 75 76 77 */
	enum smtp_phase phase; /* where it ended (failed) */
	int curl_code;
	long smtp_code;      /* last reply code */
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
	smtp_line_fn on_line;
	void *ctx;
};

/* Returns res->status; res must be released with smtp_result_free(). */
int smtp_send(const struct smtp_job *job, struct smtp_result *res);
void smtp_result_free(struct smtp_result *res);
const char *smtp_phase_name(enum smtp_phase ph);
/* The default reply timeout: $MAILSET_SMTP_TIMEOUT seconds, else 20 s. */
long smtp_default_timeout_ms(void);

#endif
