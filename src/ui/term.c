/* term.c - terminal set-up, signals through a self-pipe, drawing helpers. */
#include "mailset/ui/term.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <term.h>
#include <unistd.h>
#include <wchar.h>

#include "mailset/i18n.h"
#include "mailset/ui/keys.h"
#include "mailset/ui/lineedit.h"
#include "mailset/util.h"

static SCREEN *scr;
static int sigpipe[2] = { -1, -1 };
static volatile sig_atomic_t pending;
static bool colors;
static attr_t styles[ST_COUNT];

static void on_signal(int sig)
{
	int saved = errno;
	pending |= sig == SIGWINCH ? TSIG_WINCH : sig == SIGINT ? TSIG_INT
		 : sig == SIGHUP ? TSIG_HUP : TSIG_TERM;
	if (sigpipe[1] >= 0) {
		char c = 0;
		ssize_t r = write(sigpipe[1], &c, 1);
		(void)r; /* a full pipe already wakes the loop */
	}
	errno = saved;
}

static void catch_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	int sigs[] = { SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
		sigaction(sigs[i], &sa, NULL);
}

static void setup_styles(void)
{
	colors = has_colors() && !(getenv("NO_COLOR") && *getenv("NO_COLOR"));
	if (colors) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_BLACK, COLOR_CYAN);
		init_pair(2, COLOR_RED, -1);
		init_pair(3, COLOR_YELLOW, -1);
		init_pair(4, COLOR_GREEN, -1);
		init_pair(5, COLOR_CYAN, -1);
		styles[ST_TITLE] = COLOR_PAIR(1);
		styles[ST_SIDE_SEL] = A_REVERSE | A_BOLD;
		styles[ST_FIELD] = A_UNDERLINE;
		styles[ST_FIELD_FOCUS] = A_BOLD; /* the focused field's label */
		styles[ST_ERROR] = COLOR_PAIR(2) | A_BOLD;
		styles[ST_WARNING] = COLOR_PAIR(3);
		styles[ST_INFO] = COLOR_PAIR(5);
		styles[ST_OK] = COLOR_PAIR(4) | A_BOLD;
		styles[ST_KEY] = COLOR_PAIR(1);
		styles[ST_DIALOG] = A_NORMAL;
		styles[ST_HEADING] = A_BOLD;
	} else {
		/* Monochrome or NO_COLOR: attributes only. */
		styles[ST_TITLE] = A_REVERSE;
		styles[ST_SIDE_SEL] = A_REVERSE;
		styles[ST_FIELD] = A_UNDERLINE;
		styles[ST_FIELD_FOCUS] = A_BOLD;
		styles[ST_ERROR] = A_BOLD;
		styles[ST_WARNING] = A_NORMAL;
		styles[ST_INFO] = A_NORMAL;
		styles[ST_OK] = A_BOLD;
		styles[ST_KEY] = A_REVERSE;
		styles[ST_DIALOG] = A_NORMAL;
		styles[ST_HEADING] = A_BOLD;
	}
}

int term_open(char *err, size_t errlen)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(err, errlen, "%s",
			 _("the editor needs a terminal; use the commands instead (mailset --help)"));
		return -1;
	}
	const char *t = getenv("TERM");
	int e = 0;
	if (!t || !*t) {
		snprintf(err, errlen, "%s",
			 _("TERM is not set, so the editor cannot draw; set it to your terminal "
			   "(e.g. TERM=xterm-256color) or use the commands (mailset --help)"));
		return -1;
	}
	if (setupterm(NULL, STDOUT_FILENO, &e) != OK) {
		snprintf(err, errlen,
			 _("the terminal type '%s' is unknown here; set TERM to your terminal "
			   "(e.g. TERM=xterm-256color) or use the commands (mailset --help)"),
			 t);
		return -1;
	}
	bool can_move = tigetstr("cup") && tigetstr("cup") != (char *)-1;
	del_curterm(cur_term);
	if (!can_move) {
		snprintf(err, errlen,
			 _("the terminal type '%s' cannot move the cursor, which the editor needs; "
			   "set TERM to your terminal (e.g. TERM=xterm-256color) or use the commands"),
			 t);
		return -1;
	}
	if (pipe2(sigpipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	/* Before newterm(), so that ncurses leaves these signals to us. */
	catch_signals();
	scr = newterm(NULL, stdout, stdin);
	if (!scr) {
		snprintf(err, errlen, _("cannot start the terminal '%s'"), t);
		return -1;
	}
	atexit(term_close);
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	setup_styles();
	/* bracketed paste: pasted text comes between these */
	define_key("\033[200~", KEY_MAX + 1);
	define_key("\033[201~", KEY_MAX + 2);
	fputs("\033[?2004h", stdout);
	fflush(stdout);
	return 0;
}

void term_close(void)
{
	if (scr) {
		fputs("\033[?2004l", stdout);
		fflush(stdout);
		endwin();
		delscreen(scr);
		scr = NULL;
	}
	if (sigpipe[0] >= 0) {
		close(sigpipe[0]);
		close(sigpipe[1]);
		sigpipe[0] = sigpipe[1] = -1;
		/* On the way out now: a second hang-up or kill (tmux and sshd
		 * send them to the whole process group) must not cut the exit
		 * short, nor kill the helper LeakSanitizer starts at exit in
		 * test builds, which leaves the process spinning. */
		int sigs[] = { SIGHUP, SIGINT, SIGTERM, SIGQUIT, SIGWINCH };
		for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
			signal(sigs[i], SIG_IGN);
	}
}

int term_signal_fd(void)
{
	return sigpipe[0];
}

int term_signals(void)
{
	char buf[64];
	while (read(sigpipe[0], buf, sizeof buf) > 0)
		;
	int s = pending;
	pending = 0;
	return s;
}

void term_resize(void)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
}

int term_key(void)
{
	wint_t c;
	int r = wget_wch(stdscr, &c);
	if (r == KEY_CODE_YES)
		return KEY_FN | (int)c;
	if (r == OK)
		return (int)c;
	return -1;
}

attr_t term_style(enum style s)
{
	return styles[s];
}

int term_width(const char *s)
{
	return utf8_width(s);
}

int term_put(WINDOW *w, int y, int x, const char *s, int maxw, attr_t a)
{
	if (maxw <= 0)
		return 0;
	int used = 0, total = term_width(s);
	size_t n = strlen(s);
	wmove(w, y, x);
	wattron(w, a);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (!k)
			cp = 0xFFFD, k = 1;
		int cw = le_width((wchar_t)cp);
		if (total > maxw && used + cw > maxw - 1) {
			waddwstr(w, L"…");
			used++;
			break;
		}
		if (used + cw > maxw)
			break;
		wchar_t wc[2] = { (wchar_t)cp, 0 };
		if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
			wc[0] = L'?';
		waddwstr(w, wc);
		used += cw;
		i += k;
	}
	wattroff(w, a);
	return used;
}

static bool no_line_start(const char *p)
{
	static const char *const marks[] = { "。", "、", "」", "』", "）", "！", "？", "ー", "ッ", "ャ",
					     "ュ", "ョ", "っ", "ゃ", "ゅ", "ょ", ")", ".", ",", ":", NULL };
	for (int i = 0; marks[i]; i++)
		if (!strncmp(p, marks[i], strlen(marks[i])))
			return true;
	return false;
}

size_t term_wrap(const char *s, int width, char ***out)
{
	size_t n = 0, len = strlen(s);
	*out = NULL;
	if (width < 4)
		width = 4;
	const char *p = s, *end_all = s + len;
	while (p < end_all) {
		/* brk: where this line may end; skip: what the next starts after */
		const char *start = p, *brk = NULL, *skip = NULL;
		int w = 0;
		bool prev_wide = false;
		while (p < end_all && *p != '\n') {
			uint32_t cp;
			size_t k = utf8_decode(p, (size_t)(end_all - p), &cp);
			if (!k)
				cp = '?', k = 1;
			int cw = le_width((wchar_t)cp);
			bool wide = cw == 2;
			/* A line may break at a blank, or between characters
			 * where one is Japanese (no blanks there), but never
			 * before closing punctuation. */
			if (cp == ' ') {
				brk = p, skip = p + 1;
			} else if ((wide || prev_wide) && p > start && !no_line_start(p)) {
				brk = p, skip = p;
			}
			if (w + cw > width)
				break;
			prev_wide = wide;
			w += cw;
			p += k;
		}
		const char *end = p;
		if (p < end_all && *p != '\n' && brk && brk > start) {
			end = brk;
			p = skip;
		} else if (p < end_all && *p == '\n') {
			p++;
		}
		*out = xrealloc(*out, (n + 1) * sizeof **out);
		(*out)[n++] = xstrndup(start, (size_t)(end - start));
	}
	return n;
}

/* term_wrap_values(): the pieces of one line (no "\n"). A word is what may
 * not be broken: a run of characters between blanks, where a blank inside a
 * double-quoted value does not count, and where (outside quotes) a line may
 * also break between Japanese characters as in term_wrap(). */
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
			     (!blank && (wide || prev_wide) && !no_line_start(p));
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
			continue;
		}
		v[n - 1].len += k;
		v[n - 1].w += cw;
		prev_wide = wide;
		p += k;
	}
	*out = v;
	return n;
}

size_t term_wrap_values(const char *s, int width, char ***out)
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
