/* SPDX-License-Identifier: MIT */
/* linediff.c - a unified diff of two texts (see linediff.h). */
#include "mailset/linediff.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "mailset/util.h"

#define CONTEXT 3

struct text {
	const char **line;   /* start of each line */
	size_t *len;         /* its length, line ending included */
	size_t n;
};

static void split(const char *s, size_t len, struct text *t)
{
	size_t cap = 1;
	for (size_t i = 0; i < len; i++)
		cap += s[i] == '\n';
	t->line = xmalloc(cap * sizeof *t->line);
	t->len = xmalloc(cap * sizeof *t->len);
	t->n = 0;
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - s) + 1 : len;
		t->line[t->n] = s + i;
		t->len[t->n++] = e - i;
		i = e;
	}
}

static bool same(const struct text *a, size_t i, const struct text *b, size_t j)
{
	return a->len[i] == b->len[j] && !memcmp(a->line[i], b->line[j], a->len[i]);
}

/* A run of the edit script: n lines kept ('='), removed ('-') or added
 * ('+'), from line a of the old text and line b of the new. */
struct run {
	char op;
	size_t a, b, n;
};

struct script {
	struct run *v;
	size_t n;
};

static void add_run(struct script *s, char op, size_t a, size_t b, size_t n)
{
	if (!n)
		return;
	if (s->n && s->v[s->n - 1].op == op) {
		struct run *r = &s->v[s->n - 1];
		if (op == '=' || (r->a + (op == '-' ? r->n : 0) == a &&
				  r->b + (op == '+' ? r->n : 0) == b)) {
			r->n += n;
			return;
		}
	}
	s->v = xgrow(s->v, s->n, sizeof *s->v);
	s->v[s->n++] = (struct run){ op, a, b, n };
}

/* One step of the middle's script, found backwards: op at (a, b). */
struct step {
	char op;
	size_t a, b, eq; /* eq: lines kept after it */
};

/* Myers' greedy search between lines [lo, a->n - hi) and [lo, b->n - hi);
 * adds the middle's runs to s. Returns false past LINEDIFF_MAX_EDITS. */
static bool myers(const struct text *a, const struct text *b, size_t lo, size_t hi,
		  struct script *s)
{
	long N = (long)(a->n - lo - hi), M = (long)(b->n - lo - hi);
	long max = N + M, dmax = max < LINEDIFF_MAX_EDITS ? max : LINEDIFF_MAX_EDITS;
	long **V = xcalloc((size_t)dmax + 1, sizeof *V); /* V[d][k + d]: furthest x */
	long D = -1;
	for (long d = 0; d <= dmax && D < 0; d++) {
		V[d] = xmalloc((size_t)(2 * d + 1) * sizeof **V);
		for (long k = -d; k <= d; k += 2) {
			long x;
			if (d == 0)
				x = 0;
			else if (k == -d || (k != d && V[d - 1][k - 1 + d - 1] < V[d - 1][k + 1 + d - 1]))
				x = V[d - 1][k + 1 + d - 1];
			else
				x = V[d - 1][k - 1 + d - 1] + 1;
			long y = x - k;
			while (x < N && y < M && same(a, lo + (size_t)x, b, lo + (size_t)y))
				x++, y++;
			V[d][k + d] = x;
			if (x >= N && y >= M) {
				D = d;
				break;
			}
		}
	}
	bool found = D >= 0;
	if (found) {
		struct step *st = xmalloc((size_t)(D + 1) * sizeof *st);
		long x = N, y = M;
		for (long d = D; d > 0; d--) {
			long k = x - y, pk;
			bool down = k == -d || (k != d && V[d - 1][k - 1 + d - 1] < V[d - 1][k + 1 + d - 1]);
			pk = down ? k + 1 : k - 1;
			long px = V[d - 1][pk + d - 1], py = px - pk;
			long mx = down ? px : px + 1;
			st[d] = (struct step){ down ? '+' : '-', (size_t)px, (size_t)py,
					       (size_t)(x - mx) };
			x = px;
			y = py;
		}
		add_run(s, '=', lo, lo, (size_t)x); /* the snake of d = 0 */
		for (long d = 1; d <= D; d++) {
			struct step *t = &st[d];
			add_run(s, t->op, lo + t->a, lo + t->b, 1);
			size_t na = t->a + (t->op == '-'), nb = t->b + (t->op == '+');
			add_run(s, '=', lo + na, lo + nb, t->eq);
		}
		free(st);
	}
	for (long d = 0; d <= dmax; d++)
		free(V[d]);
	free(V);
	return found;
}

static void put_line(struct strbuf *out, char mark, const char *line, size_t len)
{
	sb_addc(out, mark);
	sb_add(out, line, len);
	if (!len || line[len - 1] != '\n')
		sb_adds(out, "\n\\ No newline at end of file\n");
}

/* diff's "start,count" of a hunk's side: an empty side names the line
 * before it. */
static void range(struct strbuf *out, size_t start, size_t count)
{
	if (count == 1)
		sb_addf(out, "%zu", start + 1);
	else
		sb_addf(out, "%zu,%zu", count ? start + 1 : start, count);
}

char *linediff_unified(const char *a, size_t alen, const char *b, size_t blen,
		       const char *label_a, const char *label_b)
{
	struct text ta, tb;
	split(a, alen, &ta);
	split(b, blen, &tb);
	size_t lo = 0, hi = 0;
	while (lo < ta.n && lo < tb.n && same(&ta, lo, &tb, lo))
		lo++;
	while (hi < ta.n - lo && hi < tb.n - lo && same(&ta, ta.n - 1 - hi, &tb, tb.n - 1 - hi))
		hi++;
	struct strbuf out = { 0 };
	if (lo == ta.n && lo == tb.n) {
		free(ta.line), free(ta.len), free(tb.line), free(tb.len);
		return xstrdup("");
	}
	struct script s = { 0 };
	add_run(&s, '=', 0, 0, lo);
	if (!myers(&ta, &tb, lo, hi, &s)) {
		s.n = 0;
		add_run(&s, '=', 0, 0, lo);
		add_run(&s, '-', lo, lo, ta.n - lo - hi);
		add_run(&s, '+', ta.n - hi, lo, tb.n - lo - hi);
	}
	add_run(&s, '=', ta.n - hi, tb.n - hi, hi);

	sb_addf(&out, "--- %s\n+++ %s\n", label_a, label_b);
	/* hunks: changes with at most 2 * CONTEXT kept lines between them */
	for (size_t i = 0; i < s.n;) {
		if (s.v[i].op == '=') {
			i++;
			continue;
		}
		size_t first = i, last = i;
		for (size_t j = i + 1; j < s.n; j++) {
			if (s.v[j].op != '=') {
				last = j;
			} else if (s.v[j].n > 2 * CONTEXT || j + 1 == s.n) {
				break;
			}
		}
		size_t before = first > 0 ? s.v[first - 1].n : 0;
		size_t after = last + 1 < s.n ? s.v[last + 1].n : 0;
		before = before < CONTEXT ? before : CONTEXT;
		after = after < CONTEXT ? after : CONTEXT;
		/* where the hunk starts in each text, and how long it is */
		size_t a0 = (s.v[first].op == '+' ? s.v[first].a : s.v[first].a) - before;
		size_t b0 = s.v[first].b - before;
		size_t an = before + after, bn = before + after;
		for (size_t j = first; j <= last; j++) {
			if (s.v[j].op != '+')
				an += s.v[j].n;
			if (s.v[j].op != '-')
				bn += s.v[j].n;
		}
		sb_adds(&out, "@@ -");
		range(&out, a0, an);
		sb_adds(&out, " +");
		range(&out, b0, bn);
		sb_adds(&out, " @@\n");
		for (size_t k = 0; k < before; k++)
			put_line(&out, ' ', ta.line[a0 + k], ta.len[a0 + k]);
		for (size_t j = first; j <= last; j++) {
			const struct run *r = &s.v[j];
			for (size_t k = 0; k < r->n; k++) {
				if (r->op == '+')
					put_line(&out, '+', tb.line[r->b + k], tb.len[r->b + k]);
				else
					put_line(&out, r->op == '-' ? '-' : ' ', ta.line[r->a + k],
						 ta.len[r->a + k]);
			}
		}
		if (last + 1 < s.n)
			for (size_t k = 0; k < after; k++) {
				size_t at = s.v[last + 1].a + k;
				put_line(&out, ' ', ta.line[at], ta.len[at]);
			}
		i = last + 1;
	}
	free(s.v);
	free(ta.line), free(ta.len), free(tb.line), free(tb.len);
	return sb_steal(&out);
}
