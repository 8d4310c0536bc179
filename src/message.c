/* SPDX-License-Identifier: MIT */
/* message.c - the test message. */
#include "mailset/message.h"

#include <idn2.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailset/i18n.h"
#include "mailset/util.h"

#define WORD_PREFIX "=?UTF-8?B?"
#define WORD_SUFFIX "?="
/* Raw bytes per encoded word: base64 of 45 bytes is 60 characters, plus
 * the 12 of the prefix and suffix makes 72 <= 75. */
#define WORD_RAW 45

static void add_base64(struct strbuf *sb, const unsigned char *p, size_t n)
{
	unsigned char out[4 * ((WORD_RAW + 2) / 3) + 1];
	while (n) {
		size_t k = n > WORD_RAW ? WORD_RAW : n;
		int m = EVP_EncodeBlock(out, p, (int)k);
		sb_add(sb, out, (size_t)m);
		p += k;
		n -= k;
	}
}

static bool plain_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e || strchr("()<>[]:;@\\,.\"=?_", *s))
			return false;
	return true;
}

char *message_encode_words(const char *text, const char *sep)
{
	if (plain_ascii(text))
		return xstrdup(text);
	struct strbuf sb = { 0 };
	size_t n = strlen(text);
	for (size_t i = 0; i < n;) {
		/* As many whole characters as fit in one word. */
		size_t k = 0;
		while (i + k < n) {
			uint32_t cp;
			size_t c = utf8_decode(text + i + k, n - i - k, &cp);
			if (!c)
				c = 1;
			if (k + c > WORD_RAW)
				break;
			k += c;
		}
		if (sb.len)
			sb_adds(&sb, sep);
		sb_adds(&sb, WORD_PREFIX);
		add_base64(&sb, (const unsigned char *)text + i, k);
		sb_adds(&sb, WORD_SUFFIX);
		i += k;
	}
	return sb_steal(&sb);
}

static const char *const placeholders[][2] = {
	{ "base_info.contact_email", NULL },
	{ "base_info.system_email", NULL },
};

char *message_fill(const char *tmpl, const struct settings *s)
{
	struct strbuf sb = { 0 };
	const char *p = tmpl;
	while (*p) {
		const char *open = strstr(p, "{{");
		if (!open) {
			sb_adds(&sb, p);
			break;
		}
		sb_add(&sb, p, (size_t)(open - p));
		const char *q = open + 2;
		while (*q == ' ')
			q++;
		const char *close = strstr(q, "}}");
		const char *value = NULL;
		size_t klen = 0;
		for (size_t i = 0; close && i < sizeof placeholders / sizeof *placeholders; i++) {
			klen = strlen(placeholders[i][0]);
			if (!strncmp(q, placeholders[i][0], klen)) {
				const char *r = q + klen;
				while (*r == ' ')
					r++;
				if (r == close)
					value = settings_get(s, i == 0 ? F_CONTACT_EMAIL : F_SYSTEM_EMAIL);
			}
		}
		if (value) {
			sb_adds(&sb, value);
			p = close + 2;
		} else {
			sb_add(&sb, "{{", 2);
			p = open + 2;
		}
	}
	return sb_steal(&sb);
}

char *message_ascii_address(const char *addr)
{
	const char *at = strrchr(addr, '@');
	char *ascii = NULL;
	if (!at || idn2_to_ascii_8z(at + 1, &ascii, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT) != IDN2_OK)
		return xstrdup(addr);
	char *r = xasprintf("%.*s@%s", (int)(at - addr), addr, ascii);
	idn2_free(ascii);
	return r;
}

/* A header built atom by atom, folded (CRLF SP) before an atom that would
 * take the line past 78 characters (RFC 5322 2.1.1). An atom is never
 * split: encoded words are at most 72 characters, so each fits a line. */
#define HEADER_LINE_MAX 78

struct header {
	struct strbuf *sb;
	size_t col;
	bool used;           /* an atom on this line already */
};

static void header_start(struct header *h, struct strbuf *sb, const char *name)
{
	h->sb = sb;
	sb_addf(sb, "%s:", name);
	h->col = strlen(name) + 1;
	h->used = false;
}

static void header_atom(struct header *h, const char *atom, size_t n)
{
	if (h->col + 1 + n > HEADER_LINE_MAX && h->used) {
		sb_adds(h->sb, "\r\n");
		h->col = 0;
	}
	sb_addc(h->sb, ' ');
	sb_add(h->sb, atom, n);
	h->col += 1 + n;
	h->used = true;
}

/* Each blank-separated piece of text as an atom. */
static void header_words(struct header *h, const char *text)
{
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, " \n");
		if (n)
			header_atom(h, p, n);
		p += n;
		p += strspn(p, " \n");
	}
}

static void header_end(struct header *h)
{
	sb_adds(h->sb, "\r\n");
}

/* "Name <addr>" with the name as encoded words when it needs them. */
static void address_header(struct strbuf *sb, const char *field, const char *name,
			   const char *addr)
{
	struct header h;
	header_start(&h, sb, field);
	if (*name) {
		char *enc = message_encode_words(name, "\n");
		header_words(&h, enc);
		free(enc);
	}
	char *ascii = message_ascii_address(addr);
	char *br = xasprintf("<%s>", ascii);
	header_atom(&h, br, strlen(br));
	header_end(&h);
	free(br);
	free(ascii);
}

static bool has_breaks(const char *s)
{
	return strpbrk(s, "\r\n") != NULL;
}

/* RFC 5322 date, in English whatever the locale. */
static void rfc5322_date(char *buf, size_t n, time_t when)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	localtime_r(&when, &tm);
	long off = tm.tm_gmtoff / 60;
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	snprintf(buf, n, "%s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld", days[tm.tm_wday],
		 tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
		 tm.tm_sec, sign, off / 60, off % 60);
}

/* Body lines to CRLF: "\n" and lone "\r" both end a line. */
static char *crlf(const char *s)
{
	struct strbuf sb = { 0 };
	for (; *s; s++) {
		if (*s == '\r') {
			sb_adds(&sb, "\r\n");
			if (s[1] == '\n')
				s++;
		} else if (*s == '\n') {
			sb_adds(&sb, "\r\n");
		} else {
			sb_addc(&sb, *s);
		}
	}
	return sb_steal(&sb);
}

char *message_build(const struct settings *s, const char *to, const char *tmpl,
		    time_t when, char **err)
{
	const char *name = settings_get(s, F_SENDER_NAME);
	const char *from = settings_get(s, F_SYSTEM_EMAIL);
	*err = NULL;
	if (has_breaks(name) || has_breaks(from) || has_breaks(to)) {
		*err = xstrdup(_("a line break in the sender name or an address: refused, it "
				 "could add headers to the message"));
		return NULL;
	}
	const char *at = strrchr(from, '@');
	unsigned char rnd[16];
	if (!at || RAND_bytes(rnd, sizeof rnd) != 1) {
		*err = xstrdup(_("cannot make a Message-ID (no random numbers or no sender domain)"));
		return NULL;
	}
	struct strbuf sb = { 0 };
	char date[64];
	rfc5322_date(date, sizeof date, when);
	address_header(&sb, "From", name, from);
	address_header(&sb, "To", "", to);
	struct header h;
	header_start(&h, &sb, "Subject");
	char *subj = message_encode_words("mailset \xE9\x80\x81\xE4\xBF\xA1\xE3\x83\x86\xE3\x82\xB9"
					  "\xE3\x83\x88 / test message", "\n");
	header_words(&h, subj);
	header_end(&h);
	free(subj);
	sb_addf(&sb, "Date: %s\r\n", date);
	char *dom = message_ascii_address(at);
	sb_adds(&sb, "Message-ID: <");
	for (size_t i = 0; i < sizeof rnd; i++)
		sb_addf(&sb, "%02x", rnd[i]);
	sb_addf(&sb, ".mailset%s>\r\n", dom);
	free(dom);
	sb_adds(&sb, "MIME-Version: 1.0\r\n"
		     "Content-Type: text/plain; charset=UTF-8\r\n"
		     "Content-Transfer-Encoding: base64\r\n"
		     "\r\n");
	char *filled = message_fill(tmpl, s);
	char *body = crlf(filled);
	free(filled);
	/* base64 in lines of 76 characters (57 bytes each) */
	const unsigned char *p = (const unsigned char *)body;
	size_t n = strlen(body);
	unsigned char line[80];
	while (n) {
		size_t k = n > 57 ? 57 : n;
		int m = EVP_EncodeBlock(line, p, (int)k);
		sb_add(&sb, line, (size_t)m);
		sb_adds(&sb, "\r\n");
		p += k;
		n -= k;
	}
	free(body);
	return sb_steal(&sb);
}

char *message_template(char **err)
{
	char *path = xasprintf("%s/test-mail.txt", i18n_datadir());
	FILE *fp = fopen(path, "rb");
	*err = NULL;
	if (!fp) {
		*err = xasprintf(_("cannot read the test message template %s: %m"), path);
		free(path);
		return NULL;
	}
	struct strbuf sb = { 0 };
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		sb_add(&sb, buf, n);
	fclose(fp);
	free(path);
	return sb_steal(&sb);
}
