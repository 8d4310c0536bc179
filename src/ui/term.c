/* SPDX-License-Identifier: MIT */
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
#include "mailset/textwrap.h"
#include "mailset/ui/keys.h"
#include "mailset/ui/lineedit.h"
#include "mailset/util.h"

static SCREEN *scr;
static int sigpipe[2] = { -1, -1 };
static volatile sig_atomic_t pending;
static bool colors;
static bool hung_up;
static bool wipe; /* clear the screen at exit (term_wipe_at_exit) */
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
	/* ncurses (6.4, and later snapshots still) flushes its output buffer
	 * at every cursor move until the screen has been through endwin() and
	 * back: a frame went out in some fifty write()s, each of them a packet
	 * on an SSH link. Suspended here, the first doupdate() resumes the
	 * screen (the full clear a first frame makes anyway), and from then on
	 * a frame goes out in one write(). Nothing has been drawn yet: the
	 * terminal sees the alternate screen entered and left in one write. */
	endwin();
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	setup_styles();
	/* Home and End as terminals and multiplexers send them whatever TERM
	 * says (tmux and screen send \e[1~ and \e[4~ under TERM=xterm) */
	static const char *const home[] = { "\033[1~", "\033[7~", "\033[H", "\033OH" };
	static const char *const end[] = { "\033[4~", "\033[8~", "\033[F", "\033OF" };
	for (size_t i = 0; i < sizeof home / sizeof *home; i++) {
		define_key(home[i], KEY_HOME);
		define_key(end[i], KEY_END);
	}
	/* bracketed paste: pasted text comes between these */
	define_key("\033[200~", KEY_MAX + 1);
	define_key("\033[201~", KEY_MAX + 2);
	fputs("\033[?2004h", stdout);
	fflush(stdout);
	return 0;
}

void term_wipe_at_exit(void)
{
	wipe = true;
}

void term_close(void)
{
	if (scr) {
		if (wipe) {
			/* nothing shown (a password) stays on a terminal
			 * without an alternate screen */
			clear();
			refresh();
		}
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
		/* After a hang-up, the shell that started us dies too, and
		 * the kernel sends its orphaned process group SIGHUP and
		 * SIGCONT; a SIGCONT discards the SIGSTOP with which
		 * LeakSanitizer stops the process at exit, and the test
		 * build then waits for that stop forever. A session of our
		 * own is out of that group; nothing else depends on it. */
		if (hung_up)
			setsid();
	}
}

void term_hung_up(void)
{
	hung_up = true;
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

/* The cursor as last shown: the terminal shows it at first. */
static bool cursor_on = true;

void term_cursor(bool on)
{
	/* curs_set() writes to the terminal at once, even to set what is
	 * already so: only a change, then, and none at the first frame. */
	if (on != cursor_on && curs_set(on) != ERR)
		cursor_on = on;
}

attr_t term_style(enum style s)
{
	return styles[s];
}

int term_width(const char *s)
{
	return textwrap_width(s);
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
		if (utf8_unsafe(cp)) /* seen, not obeyed (le_width: one cell) */
			wc[0] = L'?';
		waddwstr(w, wc);
		used += cw;
		i += k;
	}
	wattroff(w, a);
	return used;
}

size_t term_wrap(const char *s, int width, char ***out)
{
	return textwrap(s, width, out);
}

size_t term_wrap_values(const char *s, int width, char ***out)
{
	return textwrap_values(s, width, out);
}
