/* SPDX-License-Identifier: MIT */
/* mailset-smtp - the test send, in a process of its own (see netjob.h).
 *
 * Request: the settings (s.SECTION.KEY), "to", "probe" ("1": connect, log
 * in and quit), "mark" (a line put above the test mail's text), and for
 * the shop-like test "contact" and "contact-mark": a second message, the
 * shop's notification to the contact address, sent when the first went.
 * Answer: the dialogue's lines (redacted by the engine), the phase a
 * failure happened in, the verdict. `mailset-smtp --version` prints the
 * libraries it uses. */
#include <curl/curl.h>
#include <openssl/crypto.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "common.h"
#include "mailset/i18n.h"
#include "mailset/json.h"
#include "mailset/message.h"
#include "mailset/smtp.h"
#include "mailset/util.h"

static volatile sig_atomic_t cancelled;

static void on_signal(int sig)
{
	(void)sig;
	cancelled = 1;
}

static void on_line(void *ctx, const struct smtp_line *l)
{
	(void)ctx;
	netrec_line(1, l->kind, JL_PLAIN, l->ms, l->text);
}

static void wipe(char *msg)
{
	if (msg) {
		explicit_bzero(msg, strlen(msg));
		free(msg);
	}
}

/* The test message to `to`, with mark above the template's text. */
static char *build(const struct settings *s, const char *to, const char *mark, char **err)
{
	char *tmpl = message_template(err);
	if (!tmpl)
		return NULL;
	char *t = mark && *mark ? xasprintf("%s\n\n%s", mark, tmpl) : xstrdup(tmpl);
	char *msg = message_build(s, to, t, time(NULL), err);
	free(t);
	free(tmpl);
	return msg;
}

/* What the admin guide still asks to be tried by hand after the send. */
static void checklist(const struct settings *s)
{
	const char *at = strrchr(settings_get(s, F_SYSTEM_EMAIL), '@');
	char *url = xasprintf("https://%s/shop", at && at[1] ? at + 1 : "DOMAIN");
	const char *items[] = {
		_("Still to try by hand, as the admin guide asks:"),
		NULL, /* the contact page */
		_("- if the shop is in maintenance mode, turn its password protection off for the test "
		  "(and on again after)"),
		_("- check that the reply reached both the address typed in the form and the contact "
		  "address"),
		_("- a password reset with the test customer"),
		_("- a bulk mail from the admin screen to the test customer"),
	};
	char *page = xasprintf(_("- send the contact form at %s (use the temporary domain while "
				 "the shop has no domain of its own)"), url);
	items[1] = page;
	for (size_t i = 0; i < sizeof items / sizeof *items; i++)
		netrec_line(1, '*', JL_PLAIN, 0, items[i]);
	free(page);
	free(url);
}

/* One message (or a probe); the verdict's record is left to the caller. */
static int send_one(const struct settings *s, const char *to, const char *mark, bool probe,
		    struct smtp_result *res)
{
	char *err = NULL, *msg = NULL;
	if (!probe && !(msg = build(s, to, mark, &err))) {
		memset(res, 0, sizeof *res);
		res->status = EX_DATAERR;
		res->phase = PH_DONE;
		res->verdict = err;
		return res->status;
	}
	struct smtp_job job = { .s = s, .to = to, .message = msg, .probe = probe,
				.cancel = &cancelled, .on_line = on_line };
	int rc = smtp_send(&job, res);
	wipe(msg);
	return rc;
}

/* For --json: the steps the send went through, as stable names, the last
 * being the one it stopped in ("done" when it completed), the verdict's
 * rule and the queue id. */
static void json_steps(const struct settings *s, bool probe, const struct smtp_result *res)
{
	static const char *const names[] = { "connect", "greeting", "ehlo", "tls", "auth", "mail",
					      "rcpt", "data", "eod", "quit", "done" };
	bool starttls = !strcmp(settings_get(s, F_TLS), "on") && strcmp(settings_get(s, F_PORT), "465");
	bool auth = strcmp(settings_get(s, F_AUTH), "none") != 0;
	struct json j = { 0 };
	json_open(&j, '{');
	json_key(&j, "phases");
	json_open(&j, '[');
	for (int ph = PH_CONNECT; ph <= (int)res->phase && ph <= PH_DONE; ph++) {
		if ((ph == PH_TLS && !starttls) || (ph == PH_AUTH && !auth) ||
		    (probe && ph >= PH_MAIL && ph <= PH_EOD && res->phase == PH_DONE))
			continue;
		json_str(&j, names[ph]);
	}
	json_close(&j, ']');
	json_kstr(&j, "failed_during", res->status && res->phase != PH_DONE ? names[res->phase] : NULL);
	json_kstr(&j, "rule", res->rule);
	json_kstr(&j, "queue_id", res->queue_id);
	json_close(&j, '}');
	netrec_json(1, j.sb.buf);
	sb_free(&j.sb);
}

static void finish(const struct smtp_result *res, const char *verdict)
{
	if (res->status && res->phase != PH_DONE)
		netrec_phase(1, smtp_phase_name(res->phase));
	/* the verdict quotes the server and the settings (a user name, a
	 * file name): shown safe wherever it goes (CLI, pane, saved report) */
	char *safe = transcript_safe(verdict ? verdict : "", verdict ? strlen(verdict) : 0,
				     SIZE_MAX);
	netrec_verdict(1, res->status, safe);
	free(safe);
}

int main(int argc, char **argv)
{
	util_no_core();
	i18n_init();
	if (argc == 2 && !strcmp(argv[1], "--version")) {
		const curl_version_info_data *cv = curl_version_info(CURLVERSION_NOW);
		printf("  libcurl  %s (%s)\n", cv->version, cv->ssl_version ? cv->ssl_version : "no TLS");
		printf("  OpenSSL  %s\n", OpenSSL_version(OPENSSL_VERSION));
		return 0;
	}
	struct sigaction sa = { 0 };
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	struct netreq rq;
	helper_read_request(&rq);
	struct settings s = { 0 };
	netreq_settings(&rq, &s);
	const char *to = netreq_get(&rq, "to"), *contact = netreq_get(&rq, "contact");
	const char *probe = netreq_get(&rq, "probe");
	bool is_probe = probe && !strcmp(probe, "1");
	const char *json = netreq_get(&rq, "json");
	bool want_json = json && !strcmp(json, "1");
	struct smtp_result res;
	send_one(&s, to ? to : "", netreq_get(&rq, "mark"), is_probe, &res);
	if (!contact || is_probe || res.status) {
		if (want_json)
			json_steps(&s, is_probe, &res);
		finish(&res, res.verdict);
	} else {
		/* the shop's second message: the notification to the contact address */
		char *first = xstrdup(res.verdict ? res.verdict : "");
		smtp_result_free(&res);
		char *head = xasprintf(_("2/2: the notification to the contact address %s"), contact);
		netrec_line(1, '*', JL_PLAIN, 0, head);
		free(head);
		send_one(&s, contact, netreq_get(&rq, "contact-mark"), false, &res);
		if (!res.status)
			checklist(&s);
		if (want_json)
			json_steps(&s, false, &res);
		char *v = xasprintf(_("1/2 (to the customer): %s  2/2 (to the contact address): %s"),
				    first, res.verdict ? res.verdict : "");
		finish(&res, v);
		free(v);
		free(first);
	}
	smtp_result_free(&res);
	settings_free(&s);
	netreq_free(&rq);
	return 0;
}
