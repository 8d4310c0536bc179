/* SPDX-License-Identifier: MIT */
/* fuzz_rfc2047.c - libFuzzer harness: message_encode_words().
 *
 * Input: UTF-8 text (inputs with a NUL byte or invalid UTF-8 are skipped:
 * the sender name reaching the encoder has passed validation).
 * message_encode_words(text, "\r\n ") must either
 *  - return the text unchanged, and then the text is plain printable ASCII
 *    without RFC 5322 specials, '=', '?' or '_'; or
 *  - return encoded words "=?UTF-8?B?<base64>?=" separated by "\r\n ",
 *    each at most 75 characters (RFC 2047 2), its base64 well formed, each
 *    decoding to valid UTF-8 on its own (no character split between two
 *    words, RFC 2047 5), and the decoded pieces joined give the text back.
 * Plain printable ASCII without specials must come back unchanged.
 * Every failure prints "fuzz_rfc2047: ..." and aborts. */
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailset/message.h"
#include "mailset/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEP "\r\n "
#define PREFIX "=?UTF-8?B?"
#define SUFFIX "?="

__attribute__((noreturn, format(printf, 1, 2)))
static void die(const char *fmt, ...)
{
	va_list ap;
	fputs("fuzz_rfc2047: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static bool plain(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e ||
		    strchr("()<>[]:;@\\,.\"=?_", *s))
			return false;
	return true;
}

static bool is_b64(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/';
}

/* Check one encoded word [w, w+n) and append its decoded bytes to dec. */
static void check_word(const char *w, size_t n, size_t index, struct strbuf *dec)
{
	size_t pl = strlen(PREFIX), sl = strlen(SUFFIX);
	if (n > MSG_WORD_MAX)
		die("word %zu is %zu characters long (at most %d): '%.*s'", index, n,
		    MSG_WORD_MAX, (int)n, w);
	if (n < pl + sl || memcmp(w, PREFIX, pl) != 0 || memcmp(w + n - sl, SUFFIX, sl) != 0)
		die("word %zu is not an encoded word: '%.*s'", index, (int)n, w);
	const char *b = w + pl;
	size_t bn = n - pl - sl;
	if (bn == 0 || bn % 4 != 0)
		die("word %zu: base64 of %zu characters (not a positive multiple of 4)", index, bn);
	size_t pad = 0;
	for (size_t i = 0; i < bn; i++) {
		if (b[i] == '=' && i >= bn - 2) {
			pad++;
			continue;
		}
		if (pad || !is_b64(b[i]))
			die("word %zu: bad base64 character 0x%02X at %zu", index,
			    (unsigned char)b[i], i);
	}
	unsigned char out[MSG_WORD_MAX];
	int k = EVP_DecodeBlock(out, (const unsigned char *)b, (int)bn);
	if (k < 0 || (size_t)k < pad)
		die("word %zu: EVP_DecodeBlock() refuses its base64", index);
	size_t got = (size_t)k - pad; /* EVP_DecodeBlock counts the padding */
	if (!got)
		die("word %zu encodes nothing", index);
	if (!utf8_valid((const char *)out, got))
		die("word %zu does not decode to whole UTF-8 characters (a character is split "
		    "between words)", index);
	sb_add(dec, out, got);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (memchr(data, '\0', size) || !utf8_valid((const char *)data, size))
		return 0;
	char *text = xstrndup((const char *)data, size);
	char *enc = message_encode_words(text, SEP);

	if (plain(text) && strcmp(enc, text) != 0)
		die("plain ASCII text was encoded");
	if (strcmp(enc, text) == 0) {
		if (!plain(text))
			die("text with non-ASCII, control or special characters came back unchanged");
		free(enc);
		free(text);
		return 0;
	}

	struct strbuf dec = { 0 };
	size_t index = 0;
	for (const char *p = enc;; index++) {
		const char *sep = strstr(p, SEP);
		size_t n = sep ? (size_t)(sep - p) : strlen(p);
		check_word(p, n, index, &dec);
		if (!sep)
			break;
		p = sep + strlen(SEP);
	}
	if (dec.len != size || memcmp(dec.buf, text, size) != 0)
		die("the %zu decoded bytes of %zu words differ from the %zu input bytes", dec.len,
		    index + 1, size);
	sb_free(&dec);
	free(enc);
	free(text);
	return 0;
}
