/* SPDX-License-Identifier: MIT */
/* fuzz_verdict.c - libFuzzer harness: the reply parser and the verdict
 * table, fed what a hostile server may send.
 *
 * Input: PHASE LOGIN TEXT - the first byte picks the phase, the second
 * whether a login succeeded, the rest is server bytes split into lines at
 * LF, each made safe as the engine makes it (transcript_safe) before it
 * reaches smtp_reply_add(). Checked: a reply is done exactly at its first
 * line without a '-' after the code (or a line without a code: three
 * digits, the first 1 to 5, then ' ', '-' or the end); its code is 0 or
 * 100..599; the enhanced code is empty or of the form d.d.d of
 * the reply's class; verdict_rule() never fails and its sentence expands
 * with no "%{" left of its own and the reply in it verbatim; verdict_queue_id() gives NULL or a non-empty id that
 * occurs in the text. Every failure prints "fuzz_verdict: ..." and aborts. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailset/transcript.h"
#include "mailset/util.h"
#include "mailset/verdict.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

__attribute__((noreturn, format(printf, 1, 2)))
static void die(const char *fmt, ...)
{
	va_list ap;
	fputs("fuzz_verdict: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static void check_enh(const struct smtp_reply *r)
{
	const char *e = r->enh;
	if (!*e)
		return;
	if (e[0] != '0' + r->code / 100 || e[1] != '.')
		die("enhanced code '%s' for reply %d", e, r->code);
	int dots = 0;
	for (const char *p = e; *p; p++) {
		if (*p == '.')
			dots++;
		else if (*p < '0' || *p > '9')
			die("enhanced code '%s' holds '%c'", e, *p);
	}
	if (dots != 2)
		die("enhanced code '%s' has %d dots", e, dots);
}

static void judge(enum smtp_phase ph, const struct smtp_reply *r, bool login)
{
	const struct verdict_rule *v = verdict_rule(ph, r, login);
	if (!v || !v->id || !v->msg)
		die("no rule");
	char *f = smtp_reply_format(r);
	struct verdict_vars vv = { "h", "p", "R", "s", "r", "u", "m", "ph" };
	char *t = verdict_expand(v->msg, &vv);
	if (strstr(t, "%{"))
		die("rule %s leaves a placeholder: %s", v->id, t);
	free(t);
	/* The server's words go in as they are, never expanded themselves. */
	vv.reply = f;
	t = verdict_expand(v->msg, &vv);
	if (strstr(v->msg, "%{reply}") && !strstr(t, f))
		die("rule %s lost the reply '%s': %s", v->id, f, t);
	free(t);
	char *q = verdict_queue_id(r->text);
	if (q && (!*q || !strstr(r->text, q)))
		die("queue id '%s' not in '%s'", q, r->text);
	free(q);
	free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	enum smtp_phase ph = (enum smtp_phase)(data[0] % (PH_DONE + 1));
	bool login = data[1] & 1;
	const char *p = (const char *)data + 2, *end = (const char *)data + size;
	struct smtp_reply r = { 0 };
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *safe = transcript_safe(p, n, TRANSCRIPT_LINE_MAX);
		if (r.done)
			smtp_reply_clear(&r);
		bool coded = strlen(safe) >= 3 && safe[0] >= '1' && safe[0] <= '5' &&
			     safe[1] >= '0' && safe[1] <= '9' && safe[2] >= '0' && safe[2] <= '9' &&
			     (safe[3] == ' ' || safe[3] == '-' || safe[3] == '\0');
		bool want_done = !coded || safe[3] != '-';
		if (smtp_reply_add(&r, safe) != want_done)
			die("line '%s': done is %d", safe, !want_done);
		if (r.code && (r.code < 100 || r.code > 599))
			die("code %d", r.code);
		check_enh(&r);
		if (r.done)
			judge(ph, &r, login);
		free(safe);
		p += n + 1;
	}
	smtp_reply_clear(&r);
	return 0;
}
