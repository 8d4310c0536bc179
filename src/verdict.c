/* SPDX-License-Identifier: MIT */
/* verdict.c - the table from SMTP replies to verdicts, and reply parsing. */
#include "mailset/verdict.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

#include "mailset/i18n.h"
#include "mailset/util.h"

const char *smtp_phase_name(enum smtp_phase ph)
{
	static const char *const names[] = {
		[PH_CONNECT] = N_("connecting"),
		[PH_GREETING] = N_("the greeting"),
		[PH_EHLO] = N_("EHLO"),
		[PH_TLS] = N_("STARTTLS"),
		[PH_AUTH] = N_("the login (AUTH)"),
		[PH_MAIL] = N_("the sender (MAIL FROM)"),
		[PH_RCPT] = N_("the recipients (RCPT TO)"),
		[PH_DATA] = N_("DATA"),
		[PH_EOD] = N_("the end of the message (DATA)"),
		[PH_QUIT] = N_("QUIT"),
		[PH_DONE] = N_("done"),
	};
	return _(names[ph]);
}

/* ------------------------------------------------------------- replies */

void smtp_reply_clear(struct smtp_reply *r)
{
	free(r->text);
	memset(r, 0, sizeof *r);
}

/* "5.7.8" at s (class digit, then 1-3 digits, '.', 1-3 digits): its
 * length, or 0. */
static size_t enh_len(const char *s)
{
	size_t i = 0;
	if (!(s[0] == '2' || s[0] == '4' || s[0] == '5') || s[1] != '.')
		return 0;
	i = 2;
	for (int part = 0; part < 2; part++) {
		size_t d = 0;
		while (isdigit((unsigned char)s[i]) && d < 3)
			i++, d++;
		if (!d)
			return 0;
		if (part == 0) {
			if (s[i] != '.')
				return 0;
			i++;
		}
	}
	return s[i] == ' ' || s[i] == '\0' ? i : 0;
}

/* "5.7.1)" at s: the length of the code before ")", or 0. */
static size_t enh_len_paren(const char *s)
{
	char buf[16];
	size_t n = strcspn(s, ")");
	if (!s[n] || n >= sizeof buf - 1)
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return enh_len(buf) == n ? n : 0;
}

bool smtp_reply_add(struct smtp_reply *r, const char *line)
{
	const char *t = line;
	bool last = true;
	/* RFC 5321 4.2: the first digit is 1 to 5 */
	if (t[0] >= '1' && t[0] <= '5' && isdigit((unsigned char)t[1]) &&
	    isdigit((unsigned char)t[2]) && (t[3] == ' ' || t[3] == '-' || t[3] == '\0')) {
		if (!r->code)
			r->code = atoi(t);
		last = t[3] != '-';
		t += t[3] ? 4 : 3;
		size_t e = enh_len(t);
		/* Of the reply's class: the lines of one reply share its code. */
		if (e && t[0] == '0' + r->code / 100) {
			if (!r->enh[0] && e < sizeof r->enh)
				memcpy(r->enh, t, e), r->enh[e] = '\0';
			t += e;
		}
		while (*t == ' ')
			t++;
		/* qmail puts it last: "... rcpthosts (#5.7.1)" */
		const char *hash = strstr(t, "(#");
		size_t k = hash ? enh_len_paren(hash + 2) : 0;
		if (!r->enh[0] && k && hash[2] == '0' + r->code / 100) {
			memcpy(r->enh, hash + 2, k);
			r->enh[k] = '\0';
		}
	}
	if (*t) {
		char *joined = r->text && *r->text ? xasprintf("%s %s", r->text, t) : xstrdup(t);
		free(r->text);
		r->text = joined;
	}
	r->nlines++;
	r->done = last;
	return last;
}

char *smtp_reply_format(const struct smtp_reply *r)
{
	const char *text = r->text ? r->text : "";
	if (!r->code)
		return xstrdup(text);
	return xasprintf("%d%s%s%s%s", r->code, r->enh[0] ? " " : "", r->enh, *text ? " " : "",
			 text);
}

/* --------------------------------------------------------------- table */

#define B(ph) (1u << (ph))
#define ALL 0u
#define SENDING (B(PH_MAIL) | B(PH_RCPT) | B(PH_DATA) | B(PH_EOD))

/* Words seen in real servers' refusals (Postfix, Exim, Sendmail, Gmail,
 * Microsoft 365, qmail, the providers of the admin guide). */
#define W_TLS "starttls|tls required|requires tls|encryption required|must use tls|" \
	"secure connection required|encrypted connection|requires encryption|tls first"
#define W_AUTH_REQ "authentication required|auth required|not authenticated|authenticate first|" \
	"authentication is required|must authenticate|must be authenticated|" \
	"please authenticate|smtp auth required|requires authentication|login first|" \
	"not logged in"
#define W_RELAY "relay access denied|relaying denied|relay not permitted|unable to relay|" \
	"relaying not allowed|relay not allowed|we do not relay|not permitted to relay|" \
	"relaying disallowed|relay denied|rcpthosts"
#define W_SENDER "sender address rejected|not owned by user|sender login mismatch|" \
	"sender rejected|sendasdenied|send as|send mail as|not allowed to send|" \
	"sender verify failed|sender not allowed|domain of sender address|sender domain|" \
	"submission from this address|sender address|envelope sender|from address|" \
	"sender is not|mail from address"

static const struct verdict_rule rules[] = {
	/* The server is closing, whatever was asked (RFC 5321 3.8). */
	{ "closing", ALL, 421, 0, NULL, NULL, 0, EX_TEMPFAIL, VS_SESSION,
	  N_("%{host} is closing the connection for now (%{reply}): try again in a few "
	     "minutes; if it keeps happening, ask the provider.") },

	/* --- before anything was asked */
	{ "greeting-refused", B(PH_GREETING), 0, '5', NULL, NULL, 0, EX_UNAVAILABLE, VS_SESSION,
	  N_("%{host} refused this machine as soon as it connected (%{reply}): it takes no "
	     "mail from this machine's address. Check the server name and port, or ask the "
	     "provider to allow this machine.") },
	{ "greeting-deferred", B(PH_GREETING), 0, '4', NULL, NULL, 0, EX_TEMPFAIL, VS_SESSION,
	  N_("%{host} turned this machine away for now (%{reply}): try again later; if it "
	     "keeps happening, ask the provider.") },
	{ "ehlo-refused", B(PH_EHLO), 0, '5', NULL, NULL, 0, EX_PROTOCOL, VS_SESSION,
	  N_("%{host} refused mailset's greeting (EHLO) (%{reply}): ask the provider whether "
	     "this machine may send through it.") },
	{ "tls-refused", B(PH_TLS), 0, 0, NULL, NULL, 0, EX_PROTOCOL, VS_SESSION,
	  N_("%{host} offers STARTTLS but would not start it (%{reply}): nothing was sent, not "
	     "even the password. Try port 465 (TLS from the start) or ask the provider.") },

	/* --- about the connection or the account, wherever they come */
	{ "tls-required", B(PH_AUTH) | SENDING, 0, 0, "5.7.11", W_TLS, 0, EX_CONFIG, VS_SESSION,
	  N_("%{host} works only over an encrypted connection (%{reply}): set TLS to on. "
	     "Nothing was sent.") },
	{ "auth-app-password", B(PH_AUTH) | B(PH_MAIL), 0, 0, "5.7.9",
	  "application-specific password|app password|apppassword", 0, EX_NOPERM, VS_SESSION,
	  N_("The provider requires an app password (%{reply}): create one in the account's "
	     "security settings (Google: 16 characters, with 2-step verification on) and "
	     "enter it as the password.") },
	{ "auth-web-login", B(PH_AUTH), 0, 0, "5.7.14",
	  "log in via your web browser|weblogin|sign in via your web browser", 0, EX_NOPERM,
	  VS_SESSION,
	  N_("The provider wants this account to sign in on its web page first (%{reply}): "
	     "sign in to the mailbox in a browser, allow the access it asks about, then try "
	     "again.") },
	{ "auth-disabled", B(PH_AUTH), 0, 0, NULL,
	  "smtpclientauthentication|smtp auth is disabled|authentication is disabled|"
	  "basic authentication is disabled|smtp authentication is disabled|security defaults|"
	  "did not meet the criteria|organization configuration does not allow", 0, EX_NOPERM,
	  VS_SESSION,
	  N_("SMTP login is turned off for this account at the provider (%{reply}): turn on "
	     "SMTP authentication for the mailbox in the provider's control panel.") },
	{ "auth-unavailable", B(PH_AUTH), 0, 0, NULL,
	  "authentication not enabled|auth not available|authentication not available|"
	  "auth command not implemented", 0, EX_CONFIG, VS_SESSION,
	  N_("%{host} offers no login here (%{reply}): use the submission port the provider "
	     "names (usually 587), or set the authentication method to none if this server "
	     "needs no login.") },
	{ "auth-mech-refused", B(PH_AUTH), 0, '5', "5.5.4|5.7.4",
	  "unrecognized authentication|mechanism not supported|unsupported authentication|"
	  "mechanism not available|unknown authentication|invalid authentication mechanism|"
	  "not supported", 0, EX_CONFIG,
	  VS_SESSION,
	  N_("%{host} does not accept the %{mech} login method (%{reply}): choose another "
	     "authentication method (usually PLAIN or LOGIN).") },
	{ "auth-temporary", B(PH_AUTH), 0, '4', NULL, NULL, 0, EX_TEMPFAIL, VS_SESSION,
	  N_("The login could not be checked just now (%{reply}): the provider's login "
	     "service had a temporary problem; try again in a few minutes.") },
	{ "auth-credentials", B(PH_AUTH), 0, '5', NULL, NULL, 0, EX_NOPERM, VS_SESSION,
	  N_("The server refused the user name or password (%{reply}): check both; the user "
	     "name (%{user}) is usually the full mail address.") },

	{ "sender-unauthenticated", SENDING, 0, 0, "5.7.23|5.7.25|5.7.26",
	  "unauthenticated|spf|dmarc|dkim|ptr record", 0, EX_DATAERR, VS_SESSION,
	  N_("The mail was refused as not authenticated for its sender's domain (%{reply}): "
	     "the domain of %{sender} needs SPF or DKIM for this server; run the DNS check.") },
	{ "auth-required", SENDING, 0, 0, "5.7.57", W_AUTH_REQ, -1, EX_CONFIG, VS_SESSION,
	  N_("%{host} takes mail only from a logged-in account (%{reply}): set the "
	     "authentication method (usually PLAIN) and enter the user name and password. "
	     "Nothing was sent.") },
	{ "relay-needs-login", B(PH_RCPT), 0, 0, NULL, W_RELAY, -1, EX_CONFIG, VS_SESSION,
	  N_("%{host} forwards mail only for a logged-in account (%{reply}): set the "
	     "authentication method (usually PLAIN) and enter the user name and password. "
	     "Nothing was sent.") },
	/* Microsoft 365 blocks an account that sent spam with 5.1.8, which
	 * elsewhere means a bad sender domain. */
	{ "account-blocked", SENDING, 0, '5', NULL,
	  "bad outbound sender|restricted from sending|blocked from sending|"
	  "account has been disabled|account is disabled|account disabled", 0, EX_NOPERM,
	  VS_SESSION,
	  N_("The provider has blocked this account from sending (%{reply}): usually after "
	     "it sent spam or its password was stolen. Change the password and ask the "
	     "provider to unblock it.") },
	/* Postfix's "permit_sasl_authenticated, reject" says only "Access
	 * denied": to a client that did not log in, that is the likely cause. */
	{ "rcpt-denied-no-login", B(PH_RCPT), 0, '5', "5.7.1", NULL, -1, EX_CONFIG, VS_SESSION,
	  N_("%{host} refused %{rcpt} from a client that has not logged in (%{reply}): it "
	     "probably takes mail only from a logged-in account: set the authentication "
	     "method (usually PLAIN) and enter the user name and password. Nothing was "
	     "sent.") },
	{ "sender-refused", B(PH_MAIL) | B(PH_RCPT) | B(PH_EOD), 0, 0, "5.1.7|5.1.8|5.7.60|5.7.27|4.1.8",
	  W_SENDER, 0, EX_DATAERR, VS_SESSION,
	  N_("The server refused the sender %{sender} (%{reply}): the system mail sender must "
	     "be an address this account (%{user}) may send from; use the account's own "
	     "address or ask the provider to allow this one. Nothing was sent.") },
	{ "too-big", B(PH_MAIL) | B(PH_EOD), 0, 0, "5.3.4|5.2.3|4.3.4",
	  "too big|too large|size limit|exceeds", 0, EX_DATAERR, VS_SESSION,
	  N_("The server refused the message as too big (%{reply}).") },
	{ "mail-deferred", B(PH_MAIL), 0, '4', NULL, NULL, 0, EX_TEMPFAIL, VS_SESSION,
	  N_("The server will not take mail from %{sender} just now (%{reply}): try again "
	     "later.") },
	{ "mail-refused", B(PH_MAIL), 0, '5', NULL, NULL, 0, EX_DATAERR, VS_SESSION,
	  N_("The server refused the sender %{sender} (%{reply}): the system mail sender must "
	     "be an address this account may send from. Nothing was sent.") },

	/* --- one recipient */
	{ "rcpt-relay-denied", B(PH_RCPT), 0, 0, NULL, W_RELAY, 1, EX_DATAERR, VS_RECIPIENT,
	  N_("%{rcpt}: this account may not send there (%{reply}).") },
	{ "rcpt-domain", B(PH_RCPT), 0, '5', "5.1.2|5.1.10",
	  "domain not found|host or domain name not found|domain does not exist|null mx|"
	  "no mx|domain not accepted|unrouteable domain", 0, EX_DATAERR, VS_RECIPIENT,
	  N_("%{rcpt}: its domain does not exist or takes no mail (%{reply}); check the "
	     "address.") },
	{ "rcpt-too-many", B(PH_RCPT), 0, 0, "4.5.3|5.5.3", "too many recipients", 0,
	  EX_TEMPFAIL, VS_RECIPIENT,
	  N_("%{rcpt}: the server takes no more recipients in one message (%{reply}).") },
	{ "rcpt-deferred", B(PH_RCPT), 0, '4', NULL, NULL, 0, EX_TEMPFAIL, VS_RECIPIENT,
	  N_("%{rcpt}: not accepted just now (%{reply}); the server may be greylisting: try "
	     "again later.") },
	{ "rcpt-unknown", B(PH_RCPT), 0, '5', "5.1.1|5.1.0|5.1.3|5.1.6|5.2.1|5.2.0",
	  "user unknown|no such user|unknown user|mailbox unavailable|does not exist|"
	  "mailbox not found|invalid recipient|unrouteable address|no mailbox|"
	  "recipient address rejected|recipient rejected", 0,
	  EX_DATAERR, VS_RECIPIENT,
	  N_("%{rcpt}: refused (%{reply}); check the address.") },
	{ "rcpt-refused", B(PH_RCPT), 0, '5', NULL, NULL, 0, EX_DATAERR, VS_RECIPIENT,
	  N_("%{rcpt}: refused (%{reply}).") },

	/* --- the message */
	{ "data-deferred", B(PH_DATA) | B(PH_EOD), 0, '4', NULL, NULL, 0, EX_TEMPFAIL, VS_SESSION,
	  N_("The server could not take the message just now (%{reply}): try again later.") },
	{ "content-refused", B(PH_DATA) | B(PH_EOD), 0, '5', NULL, NULL, 0, EX_DATAERR,
	  VS_SESSION,
	  N_("The server refused the message itself (%{reply}): it may take it for spam or "
	     "break a policy of the provider's; send this dialogue to the provider.") },

	/* --- anything else */
	{ "temporary", ALL, 0, '4', NULL, NULL, 0, EX_TEMPFAIL, VS_SESSION,
	  N_("%{host} could not go on just now, during %{phase} (%{reply}): try again later.") },
	{ "refused", ALL, 0, 0, NULL, NULL, 0, EX_PROTOCOL, VS_SESSION,
	  N_("%{host} refused during %{phase} (%{reply}).") },
};

/* "5.7.1" is a prefix of "5.7.1" and of "5.7.1.x", not of "5.7.10";
 * "5.7." of any "5.7.x". */
static bool enh_match(const char *enh, const char *alt, size_t n)
{
	return !strncmp(enh, alt, n) && (enh[n] == '\0' || enh[n] == '.' || alt[n - 1] == '.');
}

static bool word_match(const char *text, const char *alt, size_t n)
{
	char w[64];
	if (n >= sizeof w)
		return false;
	memcpy(w, alt, n);
	w[n] = '\0';
	return strcasestr(text, w) != NULL;
}

/* Whether one of the '|'-separated alternatives matches s. */
static bool any_alt(const char *s, const char *alts,
		    bool (*match)(const char *s, const char *alt, size_t n))
{
	for (const char *p = alts; *p;) {
		size_t n = strcspn(p, "|");
		if (n && match(s, p, n))
			return true;
		p += n + (p[n] == '|');
	}
	return false;
}

const struct verdict_rule *verdict_rule(enum smtp_phase ph, const struct smtp_reply *r,
					bool logged_in)
{
	const char *text = r->text ? r->text : "";
	char cls = (char)('0' + r->code / 100);
	size_t n = sizeof rules / sizeof *rules;
	for (size_t i = 0; i < n; i++) {
		const struct verdict_rule *v = &rules[i];
		if (v->phases && !(v->phases & B(ph)))
			continue;
		if (v->code && v->code != r->code)
			continue;
		if (v->cls && v->cls != cls)
			continue;
		if (v->login && (v->login > 0) != logged_in)
			continue;
		/* With both an enhanced code and words, either one will do. */
		bool by_enh = v->enh && r->enh[0] && any_alt(r->enh, v->enh, enh_match);
		bool by_words = v->words && any_alt(text, v->words, word_match);
		if ((v->enh || v->words) && !by_enh && !by_words)
			continue;
		return v;
	}
	return &rules[n - 1];
}

const struct verdict_rule *verdict_rules(size_t *n)
{
	*n = sizeof rules / sizeof *rules;
	return rules;
}

const struct verdict_rule *verdict_rule_by_id(const char *id)
{
	for (size_t i = 0; i < sizeof rules / sizeof *rules; i++)
		if (!strcmp(rules[i].id, id))
			return &rules[i];
	return NULL;
}

char *verdict_expand(const char *fmt, const struct verdict_vars *v)
{
	static const char *const names[] = { "host", "port", "reply", "sender", "rcpt",
					     "user", "mech", "phase" };
	const char *vals[] = { v->host, v->port, v->reply, v->sender, v->rcpt,
			       v->user, v->mech, v->phase };
	struct strbuf sb = { 0 };
	for (const char *p = fmt; *p;) {
		const char *open = strstr(p, "%{");
		if (!open) {
			sb_adds(&sb, p);
			break;
		}
		sb_add(&sb, p, (size_t)(open - p));
		const char *close = strchr(open, '}');
		bool done = false;
		for (size_t i = 0; close && i < sizeof names / sizeof *names; i++) {
			size_t k = strlen(names[i]);
			if ((size_t)(close - open - 2) == k && !strncmp(open + 2, names[i], k)) {
				sb_adds(&sb, vals[i] ? vals[i] : "");
				done = true;
			}
		}
		if (done) {
			p = close + 1;
		} else {
			sb_add(&sb, "%{", 2);
			p = open + 2;
		}
	}
	if (!sb.buf)
		return xstrdup("");
	return sb_steal(&sb);
}

/* ------------------------------------------------------------ queue id */

static bool id_char(char c)
{
	return isalnum((unsigned char)c) || strchr("-._@+=/", c);
}

/* The run of id characters at p (new string), or NULL if empty. */
static char *take_id(const char *p)
{
	size_t n = 0;
	while (p[n] && id_char(p[n]))
		n++;
	while (n && (p[n - 1] == '.' || p[n - 1] == '-'))
		n--;
	return n ? xstrndup(p, n) : NULL;
}

char *verdict_queue_id(const char *text)
{
	const char *p;
	if (!text)
		return NULL;
	if ((p = strcasestr(text, "queued as ")))           /* Postfix, qmail-ish */
		return take_id(p + strlen("queued as "));
	if ((p = strcasestr(text, "id=")) && (p == text || p[-1] == ' '))   /* Exim */
		return take_id(p + 3);
	if ((p = strchr(text, '<')) && strchr(p, '>')) {     /* Microsoft, Exchange */
		const char *q = strchr(p, '>');
		return q > p + 1 ? xstrndup(p + 1, (size_t)(q - p - 1)) : NULL;
	}
	if ((p = strstr(text, " - gsmtp"))) {               /* Gmail: "... ID - gsmtp" */
		const char *s = p;
		while (s > text && s[-1] != ' ')
			s--;
		return s < p ? xstrndup(s, (size_t)(p - s)) : NULL;
	}
	if ((p = strcasestr(text, " message accepted")) ||   /* Sendmail */
	    (p = strcasestr(text, " mail accepted"))) {
		const char *s = p;
		while (s > text && s[-1] != ' ')
			s--;
		return s < p ? xstrndup(s, (size_t)(p - s)) : NULL;
	}
	return NULL;
}
