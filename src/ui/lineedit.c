/* SPDX-License-Identifier: MIT */
/* lineedit.c - one-line text field of wide characters. */
#include "mailset/ui/lineedit.h"

#include <stdlib.h>
#include <string.h>

#include "mailset/util.h"

static void reserve(struct lineedit *le, size_t n)
{
	if (n + 1 <= le->cap)
		return;
	size_t cap = le->cap ? le->cap : 32;
	while (cap < n + 1)
		cap *= 2;
	/* not realloc(): what the old buffer held (a password, as it was
	 * typed) is wiped, not left in freed memory */
	wchar_t *buf = xmalloc(cap * sizeof *buf);
	if (le->buf) {
		memcpy(buf, le->buf, le->cap * sizeof *buf);
		explicit_bzero(le->buf, le->cap * sizeof *le->buf);
		free(le->buf);
	}
	le->buf = buf;
	le->cap = cap;
}

void le_set(struct lineedit *le, const char *s)
{
	size_t n = strlen(s);
	le->len = 0;
	reserve(le, n);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (!k) {
			cp = 0xFFFD;
			k = 1;
		}
		le->buf[le->len++] = (wchar_t)cp;
		i += k;
	}
	le->buf[le->len] = 0;
	le->cur = le->len;
	le->scroll = 0;
}

char *le_get(const struct lineedit *le)
{
	struct strbuf sb = { 0 };
	for (size_t i = 0; i < le->len; i++) {
		uint32_t c = (uint32_t)le->buf[i];
		char b[4];
		size_t n;
		if (c < 0x80) {
			b[0] = (char)c, n = 1;
		} else if (c < 0x800) {
			b[0] = (char)(0xC0 | c >> 6), b[1] = (char)(0x80 | (c & 0x3F)), n = 2;
		} else if (c < 0x10000) {
			b[0] = (char)(0xE0 | c >> 12), b[1] = (char)(0x80 | ((c >> 6) & 0x3F));
			b[2] = (char)(0x80 | (c & 0x3F)), n = 3;
		} else {
			b[0] = (char)(0xF0 | c >> 18), b[1] = (char)(0x80 | ((c >> 12) & 0x3F));
			b[2] = (char)(0x80 | ((c >> 6) & 0x3F)), b[3] = (char)(0x80 | (c & 0x3F)), n = 4;
		}
		sb_add(&sb, b, n);
	}
	return sb_steal(&sb);
}

void le_free(struct lineedit *le)
{
	if (le->buf)
		explicit_bzero(le->buf, le->cap * sizeof *le->buf);
	free(le->buf);
	memset(le, 0, sizeof *le);
}

void le_insert(struct lineedit *le, wchar_t c)
{
	reserve(le, le->len + 1);
	memmove(le->buf + le->cur + 1, le->buf + le->cur, (le->len - le->cur) * sizeof *le->buf);
	le->buf[le->cur++] = c;
	le->buf[++le->len] = 0;
}

static void cut(struct lineedit *le, size_t from, size_t to)
{
	memmove(le->buf + from, le->buf + to, (le->len - to) * sizeof *le->buf);
	le->len -= to - from;
	le->buf[le->len] = 0;
}

bool le_backspace(struct lineedit *le)
{
	if (!le->cur)
		return false;
	cut(le, le->cur - 1, le->cur);
	le->cur--;
	return true;
}

bool le_delete(struct lineedit *le)
{
	if (le->cur >= le->len)
		return false;
	cut(le, le->cur, le->cur + 1);
	return true;
}

bool le_kill(struct lineedit *le)
{
	if (le->cur >= le->len)
		return false;
	cut(le, le->cur, le->len);
	return true;
}

bool le_clear(struct lineedit *le)
{
	if (!le->len)
		return false;
	le->len = le->cur = le->scroll = 0;
	le->buf[0] = 0;
	return true;
}

void le_left(struct lineedit *le)
{
	if (le->cur)
		le->cur--;
}

void le_right(struct lineedit *le)
{
	if (le->cur < le->len)
		le->cur++;
}

void le_home(struct lineedit *le)
{
	le->cur = 0;
}

void le_end(struct lineedit *le)
{
	le->cur = le->len;
}

void le_move(struct lineedit *le, size_t i)
{
	le->cur = i > le->len ? le->len : i;
}

bool le_take_run(struct lineedit *le, wchar_t c)
{
	size_t a = le->cur, b = le->cur;
	while (a > 0 && le->buf[a - 1] == c)
		a--;
	while (b < le->len && le->buf[b] == c)
		b++;
	if (a == b)
		return false;
	cut(le, a, b);
	le->cur = a;
	return true;
}

int le_width(wchar_t c)
{
	/* drawn as '?' (editor_draw_edit) */
	return utf8_unsafe((uint32_t)c) ? 1 : utf8_char_width((uint32_t)c);
}

/* Cells from character a up to (not including) b. */
static int cells(const struct lineedit *le, size_t a, size_t b)
{
	int w = 0;
	for (size_t i = a; i < b; i++)
		w += le_width(le->buf[i]);
	return w;
}

void le_scroll(struct lineedit *le, int width)
{
	if (width < 2)
		width = 2;
	/* room for the cursor cell itself */
	int cur_w = le->cur < le->len ? le_width(le->buf[le->cur]) : 1;
	if (le->cur >= le->scroll && cells(le, le->scroll, le->cur) + cur_w <= width)
		return;
	/* Jump so that the cursor lands mid-field: typing on then redraws
	 * nothing but the new character for half a field (an SSH link pays
	 * for every byte). */
	le->scroll = le->cur;
	while (le->scroll > 0 && cells(le, le->scroll - 1, le->cur) + cur_w <= width / 2)
		le->scroll--;
}
