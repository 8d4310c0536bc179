/* SPDX-License-Identifier: MIT */
/* textwrap.c - lines of a given display width, Japanese line breaking. */
#include "mailset/textwrap.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mailset/util.h"

int textwrap_width(const char *s)
{
	return utf8_width(s);
}

/* Japanese line breaking (JIS X 4051, as browsers and word processors
 * apply it): the characters no line may start with (closing brackets,
 * punctuation, middle dots, iteration marks, the prolonged sound mark,
 * small kana) and those no line may end with (opening brackets, and ※,
 * which marks the note that follows it). */
static const uint32_t no_start_set[] = {
	')', ']', '}', ',', '.', ':', ';', '!', '?',
	0x2010, 0x2013, 0x2019, 0x201D, 0x2025, 0x2026, 0x203C, 0x2047, 0x2048, 0x2049,
	0x3001, 0x3002, 0x3005, 0x3009, 0x300B, 0x300D, 0x300F, 0x3011, 0x3015, 0x3017,
	0x3019, 0x301C, 0x301F, 0x303B,
	0x3041, 0x3043, 0x3045, 0x3047, 0x3049, 0x3063, 0x3083, 0x3085, 0x3087, 0x308E,
	0x3095, 0x3096, 0x309B, 0x309C, 0x309D, 0x309E, 0x30A0,
	0x30A1, 0x30A3, 0x30A5, 0x30A7, 0x30A9, 0x30C3, 0x30E3, 0x30E5, 0x30E7, 0x30EE,
	0x30F5, 0x30F6, 0x30FB, 0x30FC, 0x30FD, 0x30FE,
	0xFF01, 0xFF09, 0xFF0C, 0xFF0E, 0xFF1A, 0xFF1B, 0xFF1F, 0xFF3D, 0xFF5D, 0xFF5E,
	0xFF61, 0xFF63, 0xFF64, 0xFF65, 0xFF67, 0xFF68, 0xFF69, 0xFF6A, 0xFF6B, 0xFF6C,
	0xFF6D, 0xFF6E, 0xFF6F, 0xFF70, 0xFF9E, 0xFF9F,
};
static const uint32_t no_end_set[] = {
	'(', '[', '{', 0x2018, 0x201C, 0x203B,
	0x3008, 0x300A, 0x300C, 0x300E, 0x3010, 0x3014, 0x3016, 0x3018, 0x301D,
	0xFF08, 0xFF3B, 0xFF5B, 0xFF62,
};

static bool in_set(uint32_t cp, const uint32_t *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (set[i] == cp)
			return true;
	return false;
}

static bool no_start(uint32_t cp)
{
	return (cp >= 0x31F0 && cp <= 0x31FF) || /* small katakana for Ainu */
	       in_set(cp, no_start_set, sizeof no_start_set / sizeof *no_start_set);
}

static bool no_end(uint32_t cp)
{
	return in_set(cp, no_end_set, sizeof no_end_set / sizeof *no_end_set);
}

static bool ascii_letter(uint32_t cp)
{
	return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}

/* One character of a paragraph, and whether a line may end before it. */
struct wch {
	const char *p;
	size_t k;
	uint32_t cp;
	int w;
	bool brk;
};

static size_t decode(const char *s, size_t len, struct wch **out)
{
	struct wch *v = xcalloc(len ? len : 1, sizeof *v);
	size_t n = 0;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, len - i, &cp);
		if (!k)
			cp = '?', k = 1;
		v[n++] = (struct wch){ s + i, k, cp, utf8_char_width(cp), false };
		i += k;
	}
	*out = v;
	return n;
}

/* Where the lines of a paragraph may end: before the first blank of a run
 * of blanks, or between two characters where one is wide (or after a
 * comma in a list of addresses), unless the rules above or a template
 * variable "{{ ... }}" say no. */
static void mark_breaks(struct wch *c, size_t n)
{
	bool *inside = xcalloc(n + 1, sizeof *inside);
	for (size_t i = 0; i + 1 < n; i++) {
		if (c[i].cp != '{' || c[i + 1].cp != '{')
			continue;
		size_t j = i + 2;
		while (j + 1 < n && !(c[j].cp == '}' && c[j + 1].cp == '}'))
			j++;
		if (j + 1 >= n)
			break;
		for (size_t m = i + 1; m <= j + 1; m++)
			inside[m] = true;
		i = j + 1;
	}
	for (size_t i = 1; i < n; i++) {
		if (inside[i])
			continue;
		uint32_t a = c[i - 1].cp, b = c[i].cp;
		if (b == ' ') {
			if (a == ' ' || no_end(a))
				continue;
			size_t j = i;
			while (j < n && c[j].cp == ' ')
				j++;
			c[i].brk = j < n && !no_start(c[j].cp);
		} else if (a != ' ') {
			c[i].brk = (c[i - 1].w == 2 || c[i].w == 2 || (a == ',' && ascii_letter(b))) &&
				   !no_start(b) && !no_end(a);
		}
	}
	free(inside);
}

static void add_line(char ***out, size_t *n, const struct wch *c, size_t from, size_t to)
{
	while (to > from && c[to - 1].cp == ' ')
		to--;
	const char *a = from < to ? c[from].p : "";
	size_t len = from < to ? (size_t)(c[to - 1].p + c[to - 1].k - a) : 0;
	*out = xrealloc(*out, (*n + 1) * sizeof **out);
	(*out)[(*n)++] = xstrndup(a, len);
}

size_t textwrap(const char *s, int width, char ***out)
{
	size_t n = 0;
	*out = NULL;
	if (width < 4)
		width = 4;
	const char *end_all = s + strlen(s);
	for (const char *seg = s; seg < end_all;) {
		const char *nl = memchr(seg, '\n', (size_t)(end_all - seg));
		const char *end = nl ? nl : end_all;
		struct wch *c;
		size_t nc = decode(seg, (size_t)(end - seg), &c);
		mark_breaks(c, nc);
		if (!nc)
			add_line(out, &n, c, 0, 0);
		for (size_t start = 0; start < nc;) {
			size_t i = start, brk = start;
			int w = 0;
			for (; i < nc; i++) {
				if (i > start && c[i].brk)
					brk = i;
				if (w + c[i].w > width)
					break;
				w += c[i].w;
			}
			/* the whole rest fits; else the last break; else cut */
			size_t to = i == nc ? nc : brk > start ? brk : i > start ? i : start + 1;
			add_line(out, &n, c, start, to);
			start = to;
			while (start < nc && c[start].cp == ' ')
				start++;
		}
		free(c);
		seg = nl ? nl + 1 : end;
	}
	return n;
}

/* textwrap_values(): the pieces of one line (no "\n"). A word is what may
 * not be broken: a run of characters between blanks, where a blank inside a
 * double-quoted value does not count, and where (outside quotes) a line may
 * also break between Japanese characters as in textwrap(). */
struct wv_piece {
	const char *s;
	size_t len;
	int w;
	bool blank;
};

#define WRAP_MARK "\xE2\x86\xA9" /* ↩, one cell wide (not East Asian ambiguous) */

struct wv_out {
	char **v;
	size_t n;
	struct strbuf line;
	int w;
};

static void wv_flush(struct wv_out *o)
{
	o->v = xrealloc(o->v, (o->n + 1) * sizeof *o->v);
	o->v[o->n++] = sb_steal(&o->line);
	o->w = 0;
}

static void wv_drop(struct wv_out *o)
{
	sb_free(&o->line);
	o->line = (struct strbuf){ 0 };
	o->w = 0;
}

/* Where the quoted value opening at *p ends (after its closing quote), or
 * NULL when nothing closes it: then the quote is an ordinary character. */
static const char *quote_end(const char *p, const char *end)
{
	for (const char *q = p + 1; q < end; q++) {
		if (*q == '\\' && q + 1 < end)
			q++;
		else if (*q == '"')
			return q + 1;
	}
	return NULL;
}

static size_t wv_pieces(const char *s, const char *end, struct wv_piece **out)
{
	struct wv_piece *v = NULL;
	size_t n = 0;
	bool prev_wide = false;
	uint32_t prev = ' ';
	for (const char *p = s; p < end;) {
		bool blank = *p == ' ';
		/* a new piece: at a change between blank and word, or between
		 * two characters of a word where one is Japanese */
		const char *qe = NULL;
		uint32_t cp;
		size_t k = utf8_decode(p, (size_t)(end - p), &cp);
		if (!k)
			cp = '?', k = 1;
		int cw = utf8_char_width(cp);
		bool wide = cw == 2;
		if (*p == '"')
			qe = quote_end(p, end);
		bool start = !n || v[n - 1].blank != blank ||
			     (!blank && (wide || prev_wide) && !no_start(cp) && !no_end(prev));
		if (start) {
			v = xrealloc(v, (n + 1) * sizeof *v);
			v[n++] = (struct wv_piece){ p, 0, 0, blank };
		}
		if (qe) {
			/* the quoted value, and what sticks to it, in one piece */
			v[n - 1].len += (size_t)(qe - p);
			for (const char *q = p; q < qe;) {
				size_t kk = utf8_decode(q, (size_t)(qe - q), &cp);
				if (!kk)
					cp = '?', kk = 1;
				v[n - 1].w += utf8_char_width(cp);
				q += kk;
			}
			p = qe;
			prev_wide = false;
			prev = '"';
			continue;
		}
		v[n - 1].len += k;
		v[n - 1].w += cw;
		prev_wide = wide;
		prev = cp;
		p += k;
	}
	*out = v;
	return n;
}

size_t textwrap_values(const char *s, int width, char ***out)
{
	struct wv_out o = { 0 };
	if (width < 4)
		width = 4;
	const char *end_all = s + strlen(s);
	for (const char *seg = s; seg < end_all;) {
		const char *nl = memchr(seg, '\n', (size_t)(end_all - seg));
		const char *end = nl ? nl : end_all;
		struct wv_piece *pc;
		size_t np = wv_pieces(seg, end, &pc);
		size_t i = 0;
		bool words = false; /* the line holds a word (not just the indentation) */
		/* the indentation stays, as long as it leaves room for words */
		if (np && pc[0].blank) {
			int ind = pc[0].w < width - 8 ? pc[0].w : width - 8 > 0 ? width - 8 : 0;
			sb_addf(&o.line, "%*s", ind, "");
			o.w = ind;
			i = 1;
		}
		const struct wv_piece *sep = NULL;
		for (; i < np; i++) {
			const struct wv_piece *p = &pc[i];
			if (p->blank) {
				sep = p;
				continue;
			}
			int sw = words && sep ? sep->w : 0;
			if (o.w + sw + p->w <= width) {
				if (sw)
					sb_addf(&o.line, "%.*s", (int)sep->len, sep->s);
				sb_addf(&o.line, "%.*s", (int)p->len, p->s);
				o.w += sw + p->w;
				words = true;
				sep = NULL;
				continue;
			}
			sep = NULL;
			if (p->w <= width) {
				/* on the next line (an indentation alone goes) */
				if (words)
					wv_flush(&o);
				else
					wv_drop(&o);
				sb_addf(&o.line, "%.*s", (int)p->len, p->s);
				o.w = p->w;
				words = true;
				continue;
			}
			/* Longer than a line: on lines of its own, cut with the
			 * mark (after an indentation only when 8 cells remain). */
			if (words)
				wv_flush(&o);
			else if (width - o.w < 8)
				wv_drop(&o);
			const char *q = p->s, *qend = p->s + p->len;
			int rest = p->w;
			while (q < qend) {
				if (o.w + rest <= width) {
					sb_addf(&o.line, "%.*s", (int)(qend - q), q);
					o.w += rest;
					break;
				}
				bool any = false;
				while (q < qend) {
					uint32_t cp;
					size_t k = utf8_decode(q, (size_t)(qend - q), &cp);
					if (!k)
						cp = '?', k = 1;
					int cw = utf8_char_width(cp);
					if (o.w + cw > width - 1 && any)
						break;
					sb_addf(&o.line, "%.*s", (int)k, q);
					o.w += cw;
					rest -= cw;
					q += k;
					any = true;
				}
				sb_adds(&o.line, WRAP_MARK);
				wv_flush(&o);
			}
			/* nothing joins the end of a cut value */
			if (o.w)
				wv_flush(&o);
			words = false;
		}
		if (words || o.w)
			wv_flush(&o);
		else if (!np && nl)
			wv_flush(&o); /* an empty line between two */
		free(pc);
		seg = nl ? nl + 1 : end;
	}
	sb_free(&o.line);
	*out = o.v;
	return o.n;
}
