/* SPDX-License-Identifier: MIT */
/* smtp.c - one test send: libcurl connects, secures and logs in; mailset
 * speaks the rest itself, so that every reply is judged whole and nothing
 * is sent before the login the settings ask for has succeeded. */
#include "mailset/smtp.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>

#include "mailset/i18n.h"
#include "mailset/message.h"
#include "mailset/transcript.h"
#include "mailset/util.h"
#include "mailset/validate.h"

#define DEFAULT_TIMEOUT_MS 20000L
#define POLL_SLICE_MS 100

/* What the server offered in its last EHLO reply. */
struct caps {
	bool starttls, auth, size;
	bool auth_old;           /* only the pre-RFC 4954 "AUTH=" form */
	char mechs[128];         /* "PLAIN LOGIN", as offered */
};

struct send {
	const struct smtp_job *job;
	struct smtp_result *res;
	struct redactor red;
	struct timespec t0;
	enum smtp_phase phase;
	size_t lines;
	struct smtp_reply cur;       /* the reply being read */
	struct smtp_reply last;      /* the last whole reply before QUIT */
	enum smtp_phase last_phase;
	bool quitting;
	struct caps caps;
	bool auth_wanted, auth_sent, logged_in, tls_up, implicit_tls;
	char tls_version[32];
	/* the server's certificate, as seen while it was verified */
	char cert_names[256];
	char cert_until[32];
	/* the connection, once libcurl has handed it over */
	CURL *h;
	curl_socket_t fd;
	char in[2048];
	size_t inlen;
	bool cut;                    /* a line longer than in[]: drop to its LF */
	long tmo;
	bool broken;                 /* timed out or closed: no QUIT */
	const char *mech;            /* "PLAIN", "LOGIN", "CRAM-MD5" */
	size_t body_len;
};

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

static bool starts(const char *s, size_t n, const char *word)
{
	size_t k = strlen(word);
	return n >= k && !strncasecmp(s, word, k);
}

/* A command the client sent: the phase it starts. An answer to a 334
 * challenge is no command, whatever its base64 spells. */
static void client_line(struct send *sd, const char *line, size_t n)
{
	if (sd->phase == PH_AUTH && sd->cur.done && sd->cur.code == 334)
		return;
	if (starts(line, n, "EHLO") || starts(line, n, "HELO")) {
		sd->phase = PH_EHLO;
		memset(&sd->caps, 0, sizeof sd->caps);
	} else if (starts(line, n, "STARTTLS")) {
		sd->phase = PH_TLS;
	} else if (starts(line, n, "AUTH")) {
		sd->phase = PH_AUTH;
		sd->auth_sent = true;
	} else if (starts(line, n, "MAIL FROM")) {
		sd->phase = PH_MAIL;
	} else if (starts(line, n, "RCPT TO")) {
		sd->phase = PH_RCPT;
	} else if (starts(line, n, "DATA")) {
		sd->phase = PH_DATA;
	} else if (starts(line, n, "QUIT")) {
		sd->quitting = true;
	}
}

/* One line of an EHLO reply: the extensions mailset cares about. */
static void ehlo_line(struct send *sd, const char *line)
{
	if (strlen(line) < 4 || sd->cur.nlines == 0)
		return;          /* the first line names the server */
	const char *kw = line + 4;
	size_t n = strlen(kw);
	if (starts(kw, n, "STARTTLS"))
		sd->caps.starttls = true;
	else if (starts(kw, n, "SIZE"))
		sd->caps.size = true;
	else if (starts(kw, n, "AUTH ") && n > 5) {
		sd->caps.auth = true;
		snprintf(sd->caps.mechs, sizeof sd->caps.mechs, "%s", kw + 5);
	} else if (starts(kw, n, "AUTH=") && n > 5 && !sd->caps.auth) {
		/* The old form of the offer, which libcurl does not read: kept
		 * apart so that the verdict can say so. */
		sd->caps.auth_old = true;
		snprintf(sd->caps.mechs, sizeof sd->caps.mechs, "%s", kw + 5);
	}
}

static void server_line(struct send *sd, const char *line, size_t n)
{
	char *safe = redact_server(&sd->red, line, n);
	if (sd->phase == PH_CONNECT)
		sd->phase = PH_GREETING;
	if (sd->cur.done || !sd->cur.nlines)
		smtp_reply_clear(&sd->cur);
	if (sd->phase == PH_EHLO)
		ehlo_line(sd, safe);
	if (smtp_reply_add(&sd->cur, safe) && !sd->quitting) {
		smtp_reply_clear(&sd->last);
		sd->last = sd->cur;
		sd->last.text = sd->cur.text ? xstrdup(sd->cur.text) : NULL;
		sd->last_phase = sd->phase;
		sd->res->smtp_code = sd->cur.code;
		if (sd->phase == PH_AUTH && sd->cur.code == 235)
			sd->logged_in = true;
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
		"Connection refused", "Failed to connect", "Could not resolve",
		"Operation timed out", "Connection timed out", "Recv failure", "Send failure",
		"Authentication failed", "Login denied", "No known authentication",
		"TLS connect error", "OpenSSL SSL_connect", "Connection died", "Remote peer",
		"Weird server reply", "Got unexpected", NULL
	};
	while (n && *s == ' ' && s[1] == ' ')
		s++, n--;
	for (int i = 0; keep[i]; i++)
		if (starts(s, n, keep[i]))
			return true;
	return false;
}

static int on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *user)
{
	(void)h;
	struct send *sd = user;
	if (type != CURLINFO_HEADER_IN && type != CURLINFO_HEADER_OUT && type != CURLINFO_TEXT)
		return 0;
	for (size_t i = 0; i < size;) {
		const char *nl = memchr(data + i, '\n', size - i);
		size_t end = nl ? (size_t)(nl - data) : size, n = end - i;
		const char *line = data + i;
		while (n && (line[n - 1] == '\r' || line[n - 1] == '\n'))
			n--;
		if (type == CURLINFO_HEADER_OUT && n) {
			client_line(sd, line, n);
			emit(sd, 'C', redact_client(&sd->red, line, n));
		} else if (type == CURLINFO_HEADER_IN && n) {
			server_line(sd, line, n);
		} else if (n && worth_showing(line, n)) {
			if (starts(line, n, "Connected to") && sd->phase == PH_CONNECT)
				sd->phase = PH_GREETING;
			if (starts(line, n, "SSL connection using")) {
				sd->tls_up = true;
				snprintf(sd->tls_version, sizeof sd->tls_version, "%.*s",
					 (int)strcspn(line + 21, " /\r\n"), line + 21);
			}
			emit(sd, '*', redact_text(&sd->red, line, n));
		}
		i = end + 1;
	}
	return 0;
}

static int on_progress(void *user, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
	(void)a, (void)b, (void)c, (void)d;
	struct send *sd = user;
	return sd->job->cancel && *sd->job->cancel;
}

/* ------------------------------------------------------- certificate */

/* The names a certificate covers and its last day, kept for the verdict
 * whether or not it verifies; the verification itself is OpenSSL's. */
static int verify_cert(X509_STORE_CTX *x, void *arg)
{
	struct send *sd = arg;
	X509 *leaf = X509_STORE_CTX_get0_cert(x);
	if (leaf) {
		struct strbuf sb = { 0 };
		GENERAL_NAMES *alt = X509_get_ext_d2i(leaf, NID_subject_alt_name, NULL, NULL);
		for (int i = 0; alt && i < sk_GENERAL_NAME_num(alt); i++) {
			const GENERAL_NAME *g = sk_GENERAL_NAME_value(alt, i);
			char ip[INET6_ADDRSTRLEN] = "";
			if (g->type == GEN_DNS) {
				sb_addf(&sb, "%s%.*s", sb.len ? ", " : "",
					ASN1_STRING_length(g->d.dNSName),
					(const char *)ASN1_STRING_get0_data(g->d.dNSName));
			} else if (g->type == GEN_IPADD) {
				int len = ASN1_STRING_length(g->d.iPAddress);
				const unsigned char *p = ASN1_STRING_get0_data(g->d.iPAddress);
				if (len == 4 || len == 16)
					inet_ntop(len == 4 ? AF_INET : AF_INET6, p, ip, sizeof ip);
				if (*ip)
					sb_addf(&sb, "%s%s", sb.len ? ", " : "", ip);
			}
		}
		GENERAL_NAMES_free(alt);
		if (!sb.len) {
			char cn[128];
			if (X509_NAME_get_text_by_NID(X509_get_subject_name(leaf), NID_commonName, cn,
						      sizeof cn) > 0)
				sb_adds(&sb, cn);
		}
		if (sb.len) {
			char *safe = transcript_safe(sb.buf, sb.len, 120);
			size_t k = utf8_prefix(safe, strlen(safe), sizeof sd->cert_names - 1);
			snprintf(sd->cert_names, sizeof sd->cert_names, "%.*s", (int)k, safe);
			free(safe);
		}
		sb_free(&sb);
		struct tm tm;
		if (ASN1_TIME_to_tm(X509_get0_notAfter(leaf), &tm))
			strftime(sd->cert_until, sizeof sd->cert_until, "%Y-%m-%d", &tm);
	}
	return X509_verify_cert(x);
}

static CURLcode on_ssl_ctx(CURL *h, void *ctx, void *user)
{
	(void)h;
	SSL_CTX_set_cert_verify_callback(ctx, verify_cert, user);
	return CURLE_OK;
}

/* --------------------------------------------------- our own commands */

enum io { IO_OK, IO_TIMEOUT, IO_CLOSED, IO_CANCELLED };

static bool cancelled(const struct send *sd)
{
	return sd->job->cancel && *sd->job->cancel;
}

/* Waits up to the reply timeout for the socket, in slices, so that a
 * cancel is seen within POLL_SLICE_MS. */
static enum io wait_fd(struct send *sd, short events, long deadline)
{
	for (;;) {
		if (cancelled(sd))
			return IO_CANCELLED;
		long left = deadline - elapsed_ms(sd);
		if (left <= 0)
			return IO_TIMEOUT;
		struct pollfd p = { .fd = (int)sd->fd, .events = events };
		int r = poll(&p, 1, left < POLL_SLICE_MS ? (int)left : POLL_SLICE_MS);
		if (r > 0)
			return IO_OK;
		if (r < 0 && errno != EINTR)
			return IO_CLOSED;
	}
}

static enum io send_bytes(struct send *sd, const char *p, size_t n)
{
	long deadline = elapsed_ms(sd) + sd->tmo;
	while (n) {
		size_t k = 0;
		CURLcode rc = curl_easy_send(sd->h, p, n, &k);
		if (rc == CURLE_AGAIN) {
			enum io w = wait_fd(sd, POLLOUT, deadline);
			if (w != IO_OK)
				return w;
			continue;
		}
		if (rc != CURLE_OK)
			return IO_CLOSED;
		p += k;
		n -= k;
	}
	return IO_OK;
}

static enum io command(struct send *sd, const char *line)
{
	size_t n = strlen(line);
	client_line(sd, line, n);
	emit(sd, 'C', redact_client(&sd->red, line, n));
	char *wire = xasprintf("%s\r\n", line);
	enum io r = send_bytes(sd, wire, n + 2);
	free(wire);
	return r;
}

/* Reads one whole reply into sd->cur (and sd->last). */
static enum io read_reply(struct send *sd)
{
	long deadline = elapsed_ms(sd) + sd->tmo;
	smtp_reply_clear(&sd->cur);
	for (;;) {
		char *nl;
		while ((nl = memchr(sd->in, '\n', sd->inlen))) {
			size_t n = (size_t)(nl - sd->in), k = n;
			while (k && sd->in[k - 1] == '\r')
				k--;
			if (!sd->cut)
				server_line(sd, sd->in, k);
			sd->cut = false;
			memmove(sd->in, nl + 1, sd->inlen - n - 1);
			sd->inlen -= n + 1;
			if (sd->cur.done)
				return IO_OK;
		}
		if (sd->inlen == sizeof sd->in) {
			/* A line longer than any reply should be: its start counts as
			 * the line (shown cut), the rest up to its LF is dropped. */
			if (!sd->cut) /* cut on a character, not inside one */
				server_line(sd, sd->in, utf8_prefix(sd->in, sd->inlen, sd->inlen - 1));
			sd->cut = true;
			sd->inlen = 0;
			if (sd->cur.done)
				return IO_OK;
		}
		size_t got = 0;
		CURLcode rc = curl_easy_recv(sd->h, sd->in + sd->inlen, sizeof sd->in - sd->inlen, &got);
		if (rc == CURLE_AGAIN) {
			enum io w = wait_fd(sd, POLLIN, deadline);
			if (w != IO_OK)
				return w;
			continue;
		}
		if (rc != CURLE_OK || got == 0)
			return IO_CLOSED;
		sd->inlen += got;
	}
}

/* The message on the wire: dot-stuffed (RFC 5321 4.5.2), then ".". */
static char *dot_stuffed(const char *msg)
{
	struct strbuf sb = { 0 };
	bool bol = true;
	for (const char *p = msg; *p; p++) {
		if (bol && *p == '.')
			sb_addc(&sb, '.');
		sb_addc(&sb, *p);
		bol = *p == '\n';
	}
	if (!bol)
		sb_adds(&sb, "\r\n");
	sb_adds(&sb, ".\r\n");
	return sb_steal(&sb);
}

/* ------------------------------------------------------------ verdicts */

static void set_verdict(struct smtp_result *res, int status, const char *rule, char *text)
{
	free(res->verdict);
	res->verdict = text;
	res->status = status;
	res->rule = rule;
}

static struct verdict_vars vars(const struct send *sd, const char *reply, const char *rcpt)
{
	const struct settings *s = sd->job->s;
	return (struct verdict_vars){
		.host = settings_get(s, F_HOST), .port = settings_get(s, F_PORT),
		.reply = reply, .sender = settings_get(s, F_SYSTEM_EMAIL), .rcpt = rcpt,
		.user = settings_get(s, F_USERNAME), .mech = sd->mech,
		.phase = smtp_phase_name(sd->last_phase),
	};
}

/* The verdict of the table for the last reply. */
static void rule_verdict(struct send *sd, const char *rcpt)
{
	const struct verdict_rule *r = verdict_rule(sd->last_phase, &sd->last, sd->logged_in);
	char *reply = smtp_reply_format(&sd->last);
	struct verdict_vars v = vars(sd, reply, rcpt);
	set_verdict(sd->res, r->status, r->id, verdict_expand(_(r->msg), &v));
	sd->res->phase = sd->last_phase;
	free(reply);
}

static void io_verdict(struct send *sd, enum io r)
{
	sd->broken = true;
	const char *host = settings_get(sd->job->s, F_HOST);
	sd->res->phase = sd->phase;
	if (r == IO_CANCELLED) {
		sd->res->cancelled = true;
		set_verdict(sd->res, EX_TEMPFAIL, "cancelled",
			    xstrdup(_("Cancelled: the test send was stopped.")));
	} else if (sd->phase == PH_EOD) {
		set_verdict(sd->res, EX_TEMPFAIL, "eod-unknown",
			    r == IO_TIMEOUT
			    ? xasprintf(_("%s stopped answering after the whole message was sent, "
					  "before saying whether it took it: it may have queued it "
					  "anyway. Check whether the test message arrives before "
					  "sending again."), host)
			    : xasprintf(_("%s closed the connection after the whole message was "
					  "sent, before saying whether it took it: it may have queued "
					  "it anyway. Check whether the test message arrives before "
					  "sending again."), host));
	} else if (r == IO_TIMEOUT) {
		set_verdict(sd->res, EX_TEMPFAIL, "no-answer",
			    xasprintf(_("%s stopped answering during %s (no reply in %ld s): the "
					"connection was working, so this is the server or the network "
					"between: try again later; if it keeps happening, ask the "
					"provider."), host, smtp_phase_name(sd->phase), sd->tmo / 1000));
	} else {
		set_verdict(sd->res, EX_TEMPFAIL, "closed",
			    xasprintf(_("%s closed the connection during %s: try again; if it keeps "
					"happening, ask the provider."), host,
				      smtp_phase_name(sd->phase)));
	}
}

/* The mechanisms mailset can use, in the order it would suggest them. */
static const char *suggest_mech(const char *offered)
{
	static const char *const ours[] = { "PLAIN", "LOGIN", "CRAM-MD5" };
	for (size_t i = 0; i < 3; i++) {
		size_t k = strlen(ours[i]);
		for (const char *p = offered; (p = strcasestr(p, ours[i])); p += k)
			if ((p == offered || p[-1] == ' ') && (p[k] == ' ' || p[k] == '\0'))
				return ours[i];
	}
	return NULL;
}

/* A login was asked for and did not happen: say why, from the offer. */
static void login_missing_verdict(struct send *sd)
{
	const struct settings *s = sd->job->s;
	const char *host = settings_get(s, F_HOST), *port = settings_get(s, F_PORT);
	sd->res->phase = PH_AUTH;
	if (!sd->caps.auth && !sd->tls_up && sd->caps.starttls) {
		set_verdict(sd->res, EX_CONFIG, "auth-after-tls",
			    xasprintf(_("%s offers a login only over an encrypted connection: set "
					"TLS to on (it offers STARTTLS). The user name and password "
					"were not tested, and nothing was sent."), host));
	} else if (!sd->caps.auth && sd->caps.auth_old) {
		char *offered = transcript_safe(sd->caps.mechs, strlen(sd->caps.mechs), 60);
		set_verdict(sd->res, EX_CONFIG, "auth-old-form",
			    xasprintf(_("%s announces its login methods only in the obsolete form "
					"AUTH=%s, which mailset cannot use: the user name and password "
					"were not tested, and nothing was sent. Use the submission "
					"port the provider names (usually 587)."), host, offered));
		free(offered);
	} else if (!sd->caps.auth) {
		set_verdict(sd->res, EX_CONFIG, "no-auth-offered",
			    xasprintf(_("%s offers no login (AUTH) on port %s: the user name and "
					"password were not tested, and nothing was sent. Use the "
					"submission port the provider names (usually 587), or set the "
					"authentication method to none if this server needs no "
					"login."), host, port));
	} else {
		const char *better = suggest_mech(sd->caps.mechs);
		char *offered = transcript_safe(sd->caps.mechs, strlen(sd->caps.mechs), 60);
		if (better)
			set_verdict(sd->res, EX_CONFIG, "auth-mech-not-offered",
				    xasprintf(_("%s does not offer the %s login method, only %s: set "
						"the authentication method to %s. Nothing was sent."),
					      host, sd->mech, offered, better));
		else
			set_verdict(sd->res, EX_CONFIG, "auth-mech-unsupported",
				    xasprintf(_("%s offers only the login methods %s, which mailset "
						"cannot use: ask the provider for PLAIN or LOGIN. "
						"Nothing was sent."), host, offered));
		free(offered);
	}
}

static void tls_verdict(struct send *sd, CURLcode cc, const char *errbuf)
{
	struct smtp_result *res = sd->res;
	const struct settings *s = sd->job->s;
	const char *host = settings_get(s, F_HOST);
	const char *names = *sd->cert_names ? sd->cert_names : "?";
	res->phase = PH_TLS;
	if (strcasestr(errbuf, "expired"))
		set_verdict(res, EX_NOPERM, "cert-expired",
			    xasprintf(_("The TLS certificate of %s expired on %s: the provider must "
					"renew it. Nothing was sent."), host,
				      *sd->cert_until ? sd->cert_until : "?"));
	else if (strcasestr(errbuf, "subject name") || strcasestr(errbuf, "does not match") ||
		 strcasestr(errbuf, "no alternative"))
		set_verdict(res, EX_NOPERM, "cert-wrong-name",
			    xasprintf(_("The TLS certificate does not carry the name %s: it is "
					"for %s. Some providers (お名前.com, for one) certify only their "
					"own server name, not your domain: enter the provider's server "
					"name (as its control panel shows it) instead of mail.<your "
					"domain>. Nothing was sent."), host, names));
	else if (cc == CURLE_SSL_CACERT_BADFILE)
		set_verdict(res, EX_NOPERM, "ca-file",
			    xasprintf(_("The CA file %s cannot be read or holds no certificate: "
					"fix smtp.ca_file. Nothing was sent."),
				      settings_get(s, F_CA_FILE)));
	else if (cc == CURLE_SSL_CONNECT_ERROR && !strcasestr(errbuf, "certificate"))
		set_verdict(res, EX_PROTOCOL, "tls-handshake",
			    xasprintf(_("The TLS handshake with %s failed (%s): check the port "
					"(465 is TLS from the start, 587 uses STARTTLS)."),
				      host, *errbuf ? errbuf : "TLS"));
	else
		set_verdict(res, EX_NOPERM, "cert-untrusted",
			    xasprintf(_("The TLS certificate of %s (for %s) is not trusted (%s). "
					"If the server uses a private CA, give its certificate in "
					"smtp.ca_file. Nothing was sent."),
				      host, names, *errbuf ? errbuf : "?"));
}

/* libcurl's part (connect, TLS, login) failed. */
static void curl_verdict(struct send *sd, CURLcode cc, const char *errbuf)
{
	struct smtp_result *res = sd->res;
	const struct settings *s = sd->job->s;
	const char *host = settings_get(s, F_HOST), *port = settings_get(s, F_PORT);
	res->curl_code = cc;
	res->phase = sd->phase;
	if (cc == CURLE_ABORTED_BY_CALLBACK) {
		io_verdict(sd, IO_CANCELLED);
		return;
	}
	/* A login libcurl gave up before sending AUTH: the offer did not fit. */
	if (cc == CURLE_LOGIN_DENIED && !sd->auth_sent) {
		login_missing_verdict(sd);
		return;
	}
	/* The server said no: its reply is the verdict. */
	if (sd->last.code >= 400 && sd->last.done) {
		rule_verdict(sd, NULL);
		return;
	}
	switch (cc) {
	case CURLE_COULDNT_RESOLVE_HOST:
		set_verdict(res, EX_UNAVAILABLE, "dns",
			    xasprintf(_("The server name %s was not found (DNS): check the SMTP "
					"server field for a typo."), host));
		return;
	case CURLE_COULDNT_CONNECT:
		set_verdict(res, EX_UNAVAILABLE, "connection-refused",
			    xasprintf(_("%s refused the connection on port %s: check the port "
					"(usually 587) and that the server accepts mail from this "
					"machine."), host, port));
		return;
	case CURLE_OPERATION_TIMEDOUT:
		if (sd->phase == PH_CONNECT)
			set_verdict(res, EX_TEMPFAIL, "connect-timeout",
				    xasprintf(_("%s did not answer in time (during %s): a firewall may "
						"be blocking port %s, or the server is down. Try again "
						"later or check the port."), host,
					      smtp_phase_name(sd->phase), port));
		else if (sd->phase == PH_GREETING && !sd->cur.nlines)
			set_verdict(res, EX_TEMPFAIL, "no-greeting",
				    xasprintf(_("%s accepted the connection on port %s but sent no "
						"greeting in %ld s: the port may belong to another "
						"service (465 is TLS from the start, 587 uses "
						"STARTTLS), or the server is overloaded."), host, port,
					      sd->tmo / 1000));
		else
			io_verdict(sd, IO_TIMEOUT);
		return;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CONNECT_ERROR:
		tls_verdict(sd, cc, errbuf);
		return;
	case CURLE_USE_SSL_FAILED:
		res->phase = PH_TLS;
		set_verdict(res, EX_PROTOCOL, "no-starttls",
			    xasprintf(_("%s does not offer STARTTLS, and TLS is on: nothing was sent, "
					"not even the password. Ask the provider which port uses TLS "
					"(465 or 587)."), host));
		return;
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_WEIRD_SERVER_REPLY:
		io_verdict(sd, IO_CLOSED);
		return;
	default:
		break;
	}
	char *reply = sd->last.code ? smtp_reply_format(&sd->last) : xstrdup("-");
	set_verdict(res, EX_PROTOCOL, "failed",
		    xasprintf(_("The send failed during %s: %s (%s)."), smtp_phase_name(sd->phase),
			      *errbuf ? errbuf : curl_easy_strerror(cc), reply));
	free(reply);
}

/* After a success with the password sent in the clear: say so. */
static void add_cleartext_note(struct send *sd)
{
	if (!sd->logged_in || sd->tls_up)
		return;
	char *v = xasprintf("%s %s", sd->res->verdict,
			    _("Note: TLS is off, so the password crossed the network "
			      "unencrypted: set TLS to on if the server offers it."));
	free(sd->res->verdict);
	sd->res->verdict = v;
}

static void probe_verdict(struct send *sd)
{
	const struct settings *s = sd->job->s;
	const char *host = settings_get(s, F_HOST);
	sd->res->phase = PH_DONE;
	const char *tls = sd->tls_up ? sd->tls_version : _("no encryption");
	if (sd->logged_in)
		set_verdict(sd->res, EX_OK, "probe-ok",
			    xasprintf(_("The server and the login work: %s accepted the user name "
					"and password (%s, %s). Nothing was sent."), host, sd->mech,
				      tls));
	else
		set_verdict(sd->res, EX_OK, "probe-ok-no-login",
			    xasprintf(_("%s answers (%s); the authentication method is none, so "
					"no login was tried. Nothing was sent."), host, tls));
	add_cleartext_note(sd);
}

/* Sends line (the message itself when line is NULL) and reads the reply.
 * False, with the verdict set, when the connection failed or the reply is
 * not of class want ('2', or '3' for DATA's 354). A refused RCPT is the
 * caller's to judge: want 0 takes any reply. */
static bool ask(struct send *sd, const char *line, char want)
{
	enum io r;
	long tmo = sd->tmo;
	if (line) {
		r = command(sd, line);
	} else {
		/* RFC 5321 4.5.3.2.6 gives the final reply 10 minutes: a server
		 * scanning the message is slow, and giving up early invites a
		 * second copy. Ten reply timeouts (200 s by default). */
		sd->tmo = 10 * tmo;
		char *wire = dot_stuffed(sd->job->message);
		emit(sd, 'C', xasprintf(_("(the message: %zu bytes)"), sd->body_len));
		sd->phase = PH_EOD;
		r = send_bytes(sd, wire, strlen(wire));
		explicit_bzero(wire, strlen(wire));
		free(wire);
	}
	if (r == IO_OK)
		r = read_reply(sd);
	sd->tmo = tmo;
	if (r != IO_OK) {
		io_verdict(sd, r);
		return false;
	}
	if (want && sd->last.code / 100 != want - '0') {
		rule_verdict(sd, NULL);
		return false;
	}
	return true;
}

/* MAIL, RCPT for each recipient, DATA, the message. */
static void transact(struct send *sd)
{
	struct smtp_result *res = sd->res;
	const struct settings *s = sd->job->s;
	char *from = message_ascii_address(settings_get(s, F_SYSTEM_EMAIL));
	char *cmd = sd->caps.size ? xasprintf("MAIL FROM:<%s> SIZE=%zu", from, sd->body_len)
		: xasprintf("MAIL FROM:<%s>", from);
	free(from);
	bool ok = ask(sd, cmd, '2');
	free(cmd);
	if (!ok)
		return;

	size_t accepted = 0, deferred = 0;
	for (size_t i = 0; i < res->nrcpt; i++) {
		struct smtp_rcpt *rc = &res->rcpt[i];
		char *to = message_ascii_address(rc->addr);
		cmd = xasprintf("RCPT TO:<%s>", to);
		free(to);
		ok = ask(sd, cmd, 0);
		free(cmd);
		if (!ok)
			return;
		rc->code = sd->last.code;
		free(rc->reply);
		rc->reply = smtp_reply_format(&sd->last);
		if (rc->code / 100 == 2) {
			accepted++;
			continue;
		}
		const struct verdict_rule *vr = verdict_rule(PH_RCPT, &sd->last, sd->logged_in);
		rc->rule = vr->id;
		if (vr->scope == VS_SESSION) {
			/* About the sender or the account: every recipient would hear it. */
			rule_verdict(sd, rc->addr);
			return;
		}
		if (rc->code / 100 == 4)
			deferred++;
	}
	if (!accepted) {
		struct strbuf sb = { 0 };
		sb_adds(&sb, _("The server refused every recipient:"));
		for (size_t i = 0; i < res->nrcpt; i++)
			sb_addf(&sb, " %s (%s)", res->rcpt[i].addr, res->rcpt[i].reply);
		sb_adds(&sb, _(". Nothing was sent."));
		res->phase = PH_RCPT;
		set_verdict(res, deferred == res->nrcpt ? EX_TEMPFAIL : EX_DATAERR, "rcpt-all-refused",
			    sb_steal(&sb));
		return;
	}

	/* DATA wants 354; the message, a 2xx */
	if (!ask(sd, "DATA", '3') || !ask(sd, NULL, '2'))
		return;

	res->phase = PH_DONE;
	free(res->queue_id);
	res->queue_id = verdict_queue_id(sd->last.text);
	size_t refused = res->nrcpt - accepted;
	if (refused) {
		struct strbuf sb = { 0 };
		sb_addf(&sb, _("Sent to %zu of %zu recipients, but the server refused:"), accepted,
			res->nrcpt);
		for (size_t i = 0; i < res->nrcpt; i++)
			if (res->rcpt[i].code / 100 != 2)
				sb_addf(&sb, " %s (%s)", res->rcpt[i].addr, res->rcpt[i].reply);
		sb_adds(&sb, _(". Check those addresses."));
		set_verdict(res, deferred == refused ? EX_TEMPFAIL : EX_DATAERR, "sent-partly",
			    sb_steal(&sb));
	} else if (res->queue_id) {
		set_verdict(res, EX_OK, "sent",
			    xasprintf(_("Sent: the server accepted the message for %zu recipient(s) "
					"(queue id %s). Check that it arrives."), accepted,
				      res->queue_id));
	} else {
		char *reply = smtp_reply_format(&sd->last);
		set_verdict(res, EX_OK, "sent",
			    xasprintf(_("Sent: the server accepted the message for %zu recipient(s) "
					"(%s). Check that it arrives."), accepted, reply));
		free(reply);
	}
	add_cleartext_note(sd);
}

/* A polite end on a connection that still works; its reply changes
 * nothing, so it is given little time. */
static void quit(struct send *sd)
{
	if (sd->broken || cancelled(sd))
		return;
	long tmo = sd->tmo;
	sd->tmo = tmo < 2000 ? tmo : 2000;
	if (command(sd, "QUIT") == IO_OK)
		read_reply(sd);
	sd->tmo = tmo;
}

/* ------------------------------------------------------------------ send */

/* The EHLO name: the system email's domain, as DNS spells it. */
static char *ehlo_name(const struct settings *s)
{
	const char *from = settings_get(s, F_SYSTEM_EMAIL);
	const char *at = strrchr(from, '@');
	char *addr = message_ascii_address(at && at[1] ? at : "@localhost");
	char *r = xstrdup(strrchr(addr, '@') + 1);
	free(addr);
	return r;
}

static void add_recipients(struct smtp_result *res, const struct smtp_job *job)
{
	char *bcc = validate_normalize(F_BCC, settings_get(job->s, F_BCC), 0);
	size_t cap = 2;
	for (const char *p = bcc; *p; p++)
		cap += *p == ',';
	res->rcpt = xcalloc(cap, sizeof *res->rcpt);
	res->rcpt[res->nrcpt++].addr = xstrdup(job->to);
	for (char *save = NULL, *a = strtok_r(bcc, ",", &save); a; a = strtok_r(NULL, ",", &save))
		res->rcpt[res->nrcpt++].addr = xstrdup(a);
	free(bcc);
}

static const char *mech_name(const char *auth)
{
	return !strcasecmp(auth, "cram-md5") ? "CRAM-MD5" : !strcasecmp(auth, "login") ? "LOGIN"
		: "PLAIN";
}

int smtp_send(const struct smtp_job *job, struct smtp_result *res)
{
	memset(res, 0, sizeof *res);
	const struct settings *s = job->s;
	struct send sd;
	memset(&sd, 0, sizeof sd);
	sd.job = job;
	sd.res = res;
	sd.body_len = job->message ? strlen(job->message) : 0;
	sd.cur.done = true;
	clock_gettime(CLOCK_MONOTONIC, &sd.t0);

	sd.auth_wanted = strcasecmp(settings_get(s, F_AUTH), "none") != 0;
	sd.mech = mech_name(settings_get(s, F_AUTH));
	const char *user = settings_get(s, F_USERNAME), *pass = settings_get(s, F_PASSWORD);
	redactor_init(&sd.red, sd.auth_wanted ? user : NULL, sd.auth_wanted ? pass : NULL);
	if (!job->probe)
		add_recipients(res, job);

	const char *host = settings_get(s, F_HOST), *port = settings_get(s, F_PORT);
	bool tls = strcasecmp(settings_get(s, F_TLS), "on") == 0;
	sd.implicit_tls = atoi(port) == 465;
	char *ehlo = ehlo_name(s);
	bool v6 = strchr(host, ':') && host[0] != '[';
	char *url = xasprintf("%s://%s%s%s:%s/%s", sd.implicit_tls ? "smtps" : "smtp",
			      v6 ? "[" : "", host, v6 ? "]" : "", port, ehlo);
	char *login = xasprintf("AUTH=%s", sd.mech);
	sd.tmo = job->timeout_ms > 0 ? job->timeout_ms : smtp_default_timeout_ms();
	char errbuf[CURL_ERROR_SIZE] = "";

	CURL *h = curl_easy_init();
	if (!h) {
		set_verdict(res, EX_SOFTWARE, "internal", xstrdup(_("libcurl could not start.")));
		goto out;
	}
	sd.h = h;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	/* libcurl stops after the login: mailset speaks MAIL, RCPT and DATA. */
	curl_easy_setopt(h, CURLOPT_CONNECT_ONLY, 1L);
	if (sd.auth_wanted) {
		curl_easy_setopt(h, CURLOPT_USERNAME, user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, pass);
		curl_easy_setopt(h, CURLOPT_LOGIN_OPTIONS, login);
		/* The initial response saves a round trip for PLAIN (RFC 4954);
		 * LOGIN has none in its draft, and some servers that offer LOGIN
		 * refuse "AUTH LOGIN <user>" with a 535 that reads like a wrong
		 * password. */
		curl_easy_setopt(h, CURLOPT_SASL_IR, (long)!strcmp(sd.mech, "PLAIN"));
	}
	/* TLS on means required: a server without STARTTLS fails before any
	 * credential is sent. */
	curl_easy_setopt(h, CURLOPT_USE_SSL, (long)(tls || sd.implicit_tls ? CURLUSESSL_ALL
							   : CURLUSESSL_NONE));
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
	curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, &sd);
	if (*settings_get(s, F_CA_FILE))
		curl_easy_setopt(h, CURLOPT_CAINFO, settings_get(s, F_CA_FILE));
	curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, sd.tmo);
	curl_easy_setopt(h, CURLOPT_SERVER_RESPONSE_TIMEOUT, (sd.tmo + 999) / 1000);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 6 * sd.tmo);
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
				 sd.auth_wanted ? settings_get(s, F_AUTH) : "none"));
	CURLcode cc = curl_easy_perform(h);
	if (cc != CURLE_OK) {
		char *safe_err = redact_text(&sd.red, errbuf, strlen(errbuf));
		curl_verdict(&sd, cc, safe_err);
		free(safe_err);
	} else if (curl_easy_getinfo(h, CURLINFO_ACTIVESOCKET, &sd.fd) != CURLE_OK ||
		   sd.fd == CURL_SOCKET_BAD) {
		io_verdict(&sd, IO_CLOSED);
	} else {
		if (sd.auth_wanted && !sd.logged_in)
			login_missing_verdict(&sd);
		else if (job->probe)
			probe_verdict(&sd);
		else
			transact(&sd);
		quit(&sd);
	}
	curl_easy_cleanup(h);
out:
	smtp_reply_clear(&sd.cur);
	smtp_reply_clear(&sd.last);
	free(url);
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
