/* smtp.c - one test send through libcurl, with a live, redacted dialogue
 * and a verdict a shop operator understands. */
#include "mailset/smtp.h"

#include <curl/curl.h>
#include <idn2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>

#include "mailset/i18n.h"
#include "mailset/transcript.h"
#include "mailset/util.h"
#include "mailset/validate.h"

#define DEFAULT_TIMEOUT_MS 20000L

struct send {
	const struct smtp_job *job;
	struct smtp_result *res;
	struct redactor red;
	struct timespec t0;
	enum smtp_phase phase;
	size_t lines;
	const char *body;
	size_t body_len, body_off;
	bool body_announced;
	size_t rcpt_at;          /* index of the RCPT being answered, or nrcpt */
	bool data_sent;          /* the message went: the next reply is final */
	bool quitting;           /* QUIT sent: its reply explains nothing */
	char last_reply[512];    /* last server line before QUIT, safe */
	int mail_code;           /* the reply to MAIL FROM, 0 if none */
	char mail_reply[512];
	bool implicit_tls;
};

const char *smtp_phase_name(enum smtp_phase ph)
{
	static const char *const names[] = { "connect", "TLS", "AUTH", "MAIL", "RCPT", "DATA", "done" };
	return names[ph];
}

long smtp_default_timeout_ms(void)
{
	const char *e = getenv("MAILSET_SMTP_TIMEOUT");
	long s = e ? atol(e) : 0;
	return s > 0 ? s * 1000 : DEFAULT_TIMEOUT_MS;
}

static long elapsed_ms(const struct send *sd)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - sd->t0.tv_sec) * 1000 + (now.tv_nsec - sd->t0.tv_nsec) / 1000000;
}

static void emit(struct send *sd, char kind, char *text)
{
	if (sd->lines == TRANSCRIPT_MAX_LINES) {
		free(text);
		text = xstrdup(_("(the rest of the dialogue is not shown)"));
		kind = '*';
	} else if (sd->lines > TRANSCRIPT_MAX_LINES) {
		free(text);
		return;
	}
	sd->lines++;
	struct smtp_line l = { kind, elapsed_ms(sd), text };
	if (sd->job->on_line)
		sd->job->on_line(sd->job->ctx, &l);
	free(text);
}

/* Which phase a client command starts. */
static void client_phase(struct send *sd, const char *line, size_t n)
{
	if (n >= 8 && !strncasecmp(line, "STARTTLS", 8))
		sd->phase = PH_TLS;
	else if (n >= 4 && !strncasecmp(line, "AUTH", 4))
		sd->phase = PH_AUTH;
	else if (n >= 9 && !strncasecmp(line, "MAIL FROM", 9))
		sd->phase = PH_MAIL;
	else if (n >= 7 && !strncasecmp(line, "RCPT TO", 7)) {
		sd->phase = PH_RCPT;
		sd->rcpt_at = sd->rcpt_at == sd->res->nrcpt ? 0 : sd->rcpt_at + 1;
	} else if (n >= 4 && !strncasecmp(line, "DATA", 4))
		sd->phase = PH_DATA;
	else if (n >= 4 && !strncasecmp(line, "QUIT", 4))
		sd->quitting = true;
}

static void server_line(struct send *sd, const char *line, size_t n)
{
	char *safe = redact_server(&sd->red, line, n);
	if (!sd->quitting)
		snprintf(sd->last_reply, sizeof sd->last_reply, "%s", safe);
	int code = n >= 3 ? atoi(line) : 0;
	bool final_line = n < 4 || line[3] != '-';
	if (sd->phase == PH_MAIL && final_line && !sd->quitting) {
		sd->mail_code = code;
		snprintf(sd->mail_reply, sizeof sd->mail_reply, "%s", safe);
	}
	if (sd->phase == PH_RCPT && sd->rcpt_at < sd->res->nrcpt && final_line && !sd->quitting) {
		struct smtp_rcpt *r = &sd->res->rcpt[sd->rcpt_at];
		r->code = code;
		free(r->reply);
		r->reply = xstrdup(safe);
	}
	if (sd->data_sent && final_line && code == 250) {
		const char *q = strstr(safe, "queued as ");
		free(sd->res->queue_id);
		if (q) {
			q += strlen("queued as ");
			sd->res->queue_id = xstrndup(q, strcspn(q, " "));
		} else {
			sd->res->queue_id = xstrdup(safe + (strlen(safe) > 4 ? 4 : 0));
		}
		sd->phase = PH_DONE;
	}
	emit(sd, 'S', safe);
}

/* Of libcurl's own remarks, those that tell a person something. */
static bool worth_showing(const char *s, size_t n)
{
	static const char *const keep[] = {
		"Trying ", "Connected to ", "SSL connection using ", "Server certificate",
		" subject:", " start date:", " expire date:", " issuer:", " subjectAltName:",
		"SSL certificate verify", "SSL certificate problem", "SSL: ", "STARTTLS",
		"Closing connection", "Connection refused", "Failed to connect", "Could not resolve",
		"Operation timed out", "Connection timed out", "Recv failure", "Send failure",
		"RCPT failed", "MAIL failed", "Authentication failed", "Login denied",
		"TLS connect error", "OpenSSL SSL_connect", "Connection died", "Remote peer",
		"SMTP server", "Server ", "Weird server reply", "RESPONSE", NULL
	};
	while (n && *s == ' ' && s[1] == ' ')
		s++, n--;
	for (int i = 0; keep[i]; i++) {
		size_t k = strlen(keep[i]);
		if (n >= k && !strncmp(s, keep[i], k))
			return true;
	}
	return false;
}

static int on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *user)
{
	(void)h;
	struct send *sd = user;
	if (type == CURLINFO_DATA_OUT) {
		if (!sd->body_announced) {
			sd->body_announced = true;
			emit(sd, 'C', xasprintf(_("(the message: %zu bytes)"), sd->body_len));
		}
		return 0;
	}
	if (type != CURLINFO_HEADER_IN && type != CURLINFO_HEADER_OUT && type != CURLINFO_TEXT)
		return 0;
	for (size_t i = 0; i < size;) {
		const char *nl = memchr(data + i, '\n', size - i);
		size_t end = nl ? (size_t)(nl - data) : size, n = end - i;
		const char *line = data + i;
		while (n && (line[n - 1] == '\r' || line[n - 1] == '\n'))
			n--;
		if (type == CURLINFO_HEADER_OUT) {
			if (n == 1 && line[0] == '.') {
				sd->data_sent = true;
			} else if (n) {
				client_phase(sd, line, n);
				emit(sd, 'C', redact_client(&sd->red, line, n));
			}
		} else if (type == CURLINFO_HEADER_IN) {
			if (n)
				server_line(sd, line, n);
		} else if (n && worth_showing(line, n)) {
			if (!strncmp(line, "SSL connection using", 20) && sd->phase < PH_TLS)
				sd->phase = PH_TLS;
			emit(sd, '*', redact_text(&sd->red, line, n));
		}
		i = end + 1;
	}
	return 0;
}

static size_t on_read(char *buf, size_t size, size_t nmemb, void *user)
{
	struct send *sd = user;
	size_t room = size * nmemb, left = sd->body_len - sd->body_off;
	size_t k = left < room ? left : room;
	memcpy(buf, sd->body + sd->body_off, k);
	sd->body_off += k;
	if (sd->body_off == sd->body_len)
		sd->data_sent = true;
	return k;
}

static int on_progress(void *user, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
	(void)a, (void)b, (void)c, (void)d;
	struct send *sd = user;
	return sd->job->cancel && *sd->job->cancel;
}

/* The EHLO name: the system email's domain, as DNS spells it. */
static char *ehlo_name(const struct settings *s)
{
	const char *from = settings_get(s, F_SYSTEM_EMAIL);
	const char *at = strrchr(from, '@');
	const char *dom = at && at[1] ? at + 1 : "localhost";
	char *ascii = NULL;
	if (idn2_to_ascii_8z(dom, &ascii, IDN2_NONTRANSITIONAL) == IDN2_OK) {
		char *r = xstrdup(ascii);
		idn2_free(ascii);
		return r;
	}
	return xstrdup(dom);
}

static char *bracketed(const char *addr)
{
	return xasprintf("<%s>", addr);
}

/* ---------------------------------------------------------------- verdict */

static bool contains(const char *hay, const char *needle)
{
	return hay && strcasestr(hay, needle) != NULL;
}

static void set_verdict(struct smtp_result *res, int status, char *text)
{
	free(res->verdict);
	res->verdict = text;
	res->status = status;
}

static void judge(struct send *sd, CURLcode cc, const char *errbuf)
{
	struct smtp_result *res = sd->res;
	const struct settings *s = sd->job->s;
	const char *host = settings_get(s, F_HOST), *port = settings_get(s, F_PORT);
	const char *reply = sd->last_reply;
	res->curl_code = cc;
	res->phase = sd->phase;

	size_t refused = 0;
	for (size_t i = 0; i < res->nrcpt; i++)
		if (res->rcpt[i].code && res->rcpt[i].code / 100 != 2)
			refused++;

	if (res->cancelled) {
		set_verdict(res, EX_TEMPFAIL, xstrdup(_("Cancelled: the test send was stopped.")));
		return;
	}
	if (cc == CURLE_OK) {
		res->phase = PH_DONE;
		if (refused) {
			struct strbuf sb = { 0 };
			sb_addf(&sb, _("Sent to %zu of %zu recipients, but the server refused:"),
				res->nrcpt - refused, res->nrcpt);
			for (size_t i = 0; i < res->nrcpt; i++)
				if (res->rcpt[i].code / 100 != 2)
					sb_addf(&sb, " %s (%s)", res->rcpt[i].addr, res->rcpt[i].reply);
			sb_adds(&sb, _(". Check those addresses."));
			set_verdict(res, EX_DATAERR, sb_steal(&sb));
			return;
		}
		set_verdict(res, EX_OK,
			    res->queue_id && *res->queue_id
			    ? xasprintf(_("Sent: the server accepted the message for %zu recipient(s) "
					  "(queue id %s). Check that it arrives."),
					res->nrcpt, res->queue_id)
			    : xasprintf(_("Sent: the server accepted the message for %zu recipient(s). "
					  "Check that it arrives."),
					res->nrcpt));
		return;
	}
	switch (cc) {
	case CURLE_COULDNT_RESOLVE_HOST:
		set_verdict(res, EX_UNAVAILABLE,
			    xasprintf(_("The server name %s was not found (DNS): check the SMTP "
					"server field for a typo."), host));
		return;
	case CURLE_COULDNT_CONNECT:
		set_verdict(res, EX_UNAVAILABLE,
			    xasprintf(_("%s refused the connection on port %s: check the port "
					"(usually 587) and that the server accepts mail from this "
					"machine."), host, port));
		return;
	case CURLE_OPERATION_TIMEDOUT:
		set_verdict(res, EX_TEMPFAIL,
			    xasprintf(_("%s did not answer in time (during %s): a firewall may be "
					"blocking port %s, or the server is down. Try again later or "
					"check the port."), host, smtp_phase_name(sd->phase), port));
		return;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CONNECT_ERROR:
		res->phase = PH_TLS;
		if (contains(errbuf, "expired"))
			set_verdict(res, EX_NOPERM,
				    xasprintf(_("The TLS certificate of %s has expired: the provider "
						"must renew it. Nothing was sent."), host));
		else if (contains(errbuf, "subject name") || contains(errbuf, "does not match") ||
			 contains(errbuf, "no alternative"))
			set_verdict(res, EX_NOPERM,
				    xasprintf(_("The TLS certificate does not carry the name %s. Some "
						"providers (お名前.com, for one) certify only their own "
						"server name, not your domain: enter the provider's server "
						"name (as its control panel shows it) instead of mail.<your "
						"domain>. Nothing was sent."), host));
		else if (cc == CURLE_SSL_CACERT_BADFILE)
			set_verdict(res, EX_NOPERM,
				    xasprintf(_("The CA file %s cannot be read or holds no certificate: "
						"fix smtp.ca_file. Nothing was sent."),
					      settings_get(s, F_CA_FILE)));
		else if (cc == CURLE_SSL_CONNECT_ERROR)
			set_verdict(res, EX_PROTOCOL,
				    xasprintf(_("The TLS handshake with %s failed (%s): check the port "
						"(465 is TLS from the start, 587 uses STARTTLS)."),
					      host, errbuf && *errbuf ? errbuf : "TLS"));
		else
			set_verdict(res, EX_NOPERM,
				    xasprintf(_("The TLS certificate of %s is not trusted (%s). If the "
						"server uses a private CA, give its certificate in "
						"smtp.ca_file. Nothing was sent."),
					      host, errbuf && *errbuf ? errbuf : "?"));
		return;
	case CURLE_USE_SSL_FAILED:
		res->phase = PH_TLS;
		set_verdict(res, EX_PROTOCOL,
			    xasprintf(_("%s does not offer STARTTLS, and TLS is on: nothing was sent, "
					"not even the password. Ask the provider which port uses TLS "
					"(465 or 587)."), host));
		return;
	case CURLE_LOGIN_DENIED:
		res->phase = PH_AUTH;
		if (contains(reply, "5.7.9") || (sd->res->smtp_code == 534))
			set_verdict(res, EX_NOPERM,
				    xstrdup(_("Google requires an app password (534 5.7.9): create a "
					      "16-character app password in the Google account and enter "
					      "it as the password.")));
		else
			set_verdict(res, EX_NOPERM,
				    xasprintf(_("The server refused the user name or password (%s): "
						"check both; the user name is usually the full mail "
						"address."), reply));
		return;
	default:
		break;
	}
	if (sd->phase == PH_MAIL && sd->mail_code >= 400) {
		set_verdict(res, sd->mail_code >= 500 ? EX_DATAERR : EX_TEMPFAIL,
			    xasprintf(_("The server refused the sender %s (%s): the system mail "
					"sender must be an address this account may send from."),
				      settings_get(s, F_SYSTEM_EMAIL), sd->mail_reply));
		return;
	}
	if (sd->phase == PH_RCPT && refused) {
		struct strbuf sb = { 0 };
		sb_adds(&sb, _("The server refused every recipient:"));
		for (size_t i = 0; i < res->nrcpt; i++)
			if (res->rcpt[i].code / 100 != 2)
				sb_addf(&sb, " %s (%s)", res->rcpt[i].addr, res->rcpt[i].reply);
		sb_adds(&sb, _(". Nothing was sent."));
		set_verdict(res, EX_DATAERR, sb_steal(&sb));
		return;
	}
	if (cc == CURLE_GOT_NOTHING || cc == CURLE_RECV_ERROR || cc == CURLE_SEND_ERROR ||
	    cc == CURLE_WEIRD_SERVER_REPLY) {
		if (*reply && sd->res->smtp_code >= 400 && sd->phase == PH_DATA)
			set_verdict(res, sd->res->smtp_code >= 500 ? EX_DATAERR : EX_TEMPFAIL,
				    xasprintf(_("The server refused the message (%s)."), reply));
		else
			set_verdict(res, EX_TEMPFAIL,
				    xasprintf(_("%s closed the connection during %s: try again; if "
						"it keeps happening, ask the provider."),
					      host, smtp_phase_name(sd->phase)));
		return;
	}
	set_verdict(res, EX_PROTOCOL,
		    xasprintf(_("The send failed during %s: %s (%s)."), smtp_phase_name(sd->phase),
			      errbuf && *errbuf ? errbuf : curl_easy_strerror(cc),
			      *reply ? reply : "-"));
}

/* ------------------------------------------------------------------ send */

int smtp_send(const struct smtp_job *job, struct smtp_result *res)
{
	memset(res, 0, sizeof *res);
	const struct settings *s = job->s;
	struct send sd;
	memset(&sd, 0, sizeof sd);
	sd.job = job;
	sd.res = res;
	sd.body = job->message;
	sd.body_len = strlen(job->message);
	clock_gettime(CLOCK_MONOTONIC, &sd.t0);

	bool auth = strcasecmp(settings_get(s, F_AUTH), "none") != 0;
	const char *user = settings_get(s, F_USERNAME), *pass = settings_get(s, F_PASSWORD);
	redactor_init(&sd.red, auth ? user : NULL, auth ? pass : NULL);

	/* recipients: the test recipient, then the BCC list */
	struct curl_slist *rcpts = NULL;
	char *bcc = validate_normalize(F_BCC, settings_get(s, F_BCC), 0);
	size_t cap = 1 + (*bcc ? 1 : 0);
	for (const char *p = bcc; *p; p++)
		cap += *p == ',';
	res->rcpt = xcalloc(cap, sizeof *res->rcpt);
	res->rcpt[res->nrcpt++].addr = xstrdup(job->to);
	for (char *save = NULL, *a = strtok_r(bcc, ",", &save); a; a = strtok_r(NULL, ",", &save))
		res->rcpt[res->nrcpt++].addr = xstrdup(a);
	free(bcc);
	for (size_t i = 0; i < res->nrcpt; i++) {
		char *b = bracketed(res->rcpt[i].addr);
		rcpts = curl_slist_append(rcpts, b);
		free(b);
	}
	sd.rcpt_at = res->nrcpt;

	const char *host = settings_get(s, F_HOST), *port = settings_get(s, F_PORT);
	bool tls = strcasecmp(settings_get(s, F_TLS), "on") == 0;
	sd.implicit_tls = atoi(port) == 465;
	char *ehlo = ehlo_name(s);
	bool v6 = strchr(host, ':') && host[0] != '[';
	char *url = xasprintf("%s://%s%s%s:%s/%s", sd.implicit_tls ? "smtps" : "smtp",
			      v6 ? "[" : "", host, v6 ? "]" : "", port, ehlo);
	char *from = bracketed(settings_get(s, F_SYSTEM_EMAIL));
	const char *mech = settings_get(s, F_AUTH);
	char *login = xasprintf("AUTH=%s", !strcasecmp(mech, "cram-md5") ? "CRAM-MD5"
				: !strcasecmp(mech, "login") ? "LOGIN" : "PLAIN");
	long tmo = job->timeout_ms > 0 ? job->timeout_ms : smtp_default_timeout_ms();
	char errbuf[CURL_ERROR_SIZE] = "";

	CURL *h = curl_easy_init();
	if (!h) {
		set_verdict(res, EX_SOFTWARE, xstrdup(_("libcurl could not start.")));
		goto out;
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpts);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT_ALLLOWFAILS, 1L);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(h, CURLOPT_READDATA, &sd);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)sd.body_len);
	if (auth) {
		curl_easy_setopt(h, CURLOPT_USERNAME, user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, pass);
		curl_easy_setopt(h, CURLOPT_LOGIN_OPTIONS, login);
		curl_easy_setopt(h, CURLOPT_SASL_IR, 1L);
	}
	/* TLS on means required: a server without STARTTLS fails before any
	 * credential is sent. */
	curl_easy_setopt(h, CURLOPT_USE_SSL, (long)(tls || sd.implicit_tls ? CURLUSESSL_ALL
							   : CURLUSESSL_NONE));
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (*settings_get(s, F_CA_FILE))
		curl_easy_setopt(h, CURLOPT_CAINFO, settings_get(s, F_CA_FILE));
	curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
	curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, tmo);
	curl_easy_setopt(h, CURLOPT_SERVER_RESPONSE_TIMEOUT, (tmo + 999) / 1000);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 6 * tmo);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(h, CURLOPT_DEBUGDATA, &sd);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, &sd);

	emit(&sd, '*', xasprintf(_("%s: %s port %s, TLS %s, authentication %s"),
				 sd.implicit_tls ? "smtps" : "smtp", host, port,
				 sd.implicit_tls ? "implicit" : tls ? "STARTTLS required" : "off",
				 auth ? mech : "none"));
	CURLcode cc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &res->smtp_code);
	res->cancelled = cc == CURLE_ABORTED_BY_CALLBACK;
	{
		char *safe_err = redact_text(&sd.red, errbuf, strlen(errbuf));
		judge(&sd, cc, safe_err);
		free(safe_err);
	}
	curl_easy_cleanup(h);
out:
	curl_slist_free_all(rcpts);
	free(url);
	free(from);
	free(login);
	free(ehlo);
	redactor_free(&sd.red);
	return res->status;
}

void smtp_result_free(struct smtp_result *res)
{
	for (size_t i = 0; i < res->nrcpt; i++) {
		free(res->rcpt[i].addr);
		free(res->rcpt[i].reply);
	}
	free(res->rcpt);
	free(res->verdict);
	free(res->queue_id);
	memset(res, 0, sizeof *res);
}
