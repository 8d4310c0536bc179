/* SPDX-License-Identifier: MIT */
/* fuzz_spf.c - libFuzzer harness: the SPF record parser and the macro
 * expander, fed what any domain on the Internet may publish as TXT.
 *
 * Input: the record's text after "v=spf1 " (any bytes, cut at a NUL).
 * The harness compiles src/spf.c into itself to reach its static parser
 * (the archive's spf.o is then never pulled in). Checked: parsing never
 * fails badly; a record that parses has at most one redirect= and exp=, and
 * every domain-spec of it expands (with a fixed client, sender and HELO,
 * no DNS) to a name of at most 253 characters without a NUL; an exp= text
 * that is a valid macro-string expands too. Every failure prints
 * "fuzz_spf: ..." and aborts. */
#include "../../src/spf.c"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

__attribute__((noreturn, format(printf, 1, 2)))
static void die(const char *fmt, ...)
{
	va_list ap;
	fputs("fuzz_spf: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = strnlen((const char *)data, size);
	char *text = xasprintf("v=spf1 %.*s", (int)n, (const char *)data);
	struct spf_query q = { .sender = "user.name@example.com", .helo = "helo.example.net",
			       .domain = "example.com" };
	q.ip.family = AF_INET;
	memcpy(q.ip.b, "\xc0\x00\x02\x01", 4);
	struct eval e = { .dns = NULL, .q = &q };
	struct record r;
	char *bad = NULL;
	if (parse_record(text, &r, &bad)) {
		size_t redirects = 0, exps = 0;
		for (size_t i = 0; i < r.n; i++) {
			const struct term *t = &r.t[i];
			redirects += t->kind == T_REDIRECT;
			exps += t->kind == T_EXP;
			if (!t->arg || !t->arg_len || t->kind == M_IP4 || t->kind == M_IP6 ||
			    t->kind == T_UNKNOWN_MOD)
				continue;
			char *d = target(&e, t->arg, t->arg_len, q.domain);
			if (strlen(d) > DOMAIN_MAX && strchr(d, '.'))
				die("'%.*s' expands to %zu characters", (int)t->arg_len, t->arg,
				    strlen(d));
			free(d);
			if (valid_macro_string(t->arg, t->arg_len, true)) {
				char *x = expand(&e, t->arg, t->arg_len, q.domain);
				free(x);
			}
		}
		if (redirects > 1 || exps > 1)
			die("%zu redirect= and %zu exp= accepted in '%s'", redirects, exps, text);
	}
	free(bad);
	record_free(&r);
	free(text);
	free(e.reason);
	return 0;
}
