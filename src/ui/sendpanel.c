/* sendpanel.c - a test send in a child process, read back through a pipe. */
#include "mailset/ui/sendpanel.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "mailset/i18n.h"
#include "mailset/smtp.h"
#include "mailset/transcript.h"
#include "mailset/util.h"

void sp_init(struct sendpanel *sp)
{
	memset(sp, 0, sizeof *sp);
	sp->fd = -1;
	sp->top = -1;
}

static void clear_lines(struct sendpanel *sp)
{
	for (size_t i = 0; i < sp->nlines; i++)
		free(sp->lines[i].text);
	free(sp->lines);
	sp->lines = NULL;
	sp->nlines = 0;
	free(sp->verdict);
	sp->verdict = NULL;
	sp->plen = 0;
	sp->top = -1;
}

void sp_free(struct sendpanel *sp)
{
	if (sp_running(sp))
		sp_cancel(sp);
	clear_lines(sp);
	le_free(&sp->to);
}

bool sp_running(const struct sendpanel *sp)
{
	return sp->pid > 0;
}

static void add_line(struct sendpanel *sp, char kind, long ms, const char *text)
{
	sp->lines = xgrow(sp->lines, sp->nlines, sizeof *sp->lines);
	sp->lines[sp->nlines++] = (struct sendline){ kind, ms, xstrdup(text) };
}

/* --- the child's side: one line per record, tab-separated ------------- */

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			_exit(EX_IOERR);
		p += w;
		n -= (size_t)w;
	}
}

static void child_line(void *ctx, const struct smtp_line *l)
{
	sp_child_line(*(int *)ctx, l->kind, l->ms, l->text);
}

void sp_child_line(int fd, char kind, long ms, const char *text)
{
	char *rec = xasprintf("L%c\t%ld\t%s\n", kind, ms, text);
	write_all(fd, rec, strlen(rec));
	free(rec);
}

void sp_child_end(int fd, int status, const char *verdict)
{
	char *rec = xasprintf("V\t%d\t%s\n", status, verdict ? verdict : "");
	write_all(fd, rec, strlen(rec));
	free(rec);
	/* No exit handlers: they belong to the editor (its terminal, its
	 * lock). */
	_exit(0);
}

struct send_args {
	const struct settings *s;
	const char *to;
	const char *message;
};

static void send_job(int fd, void *arg)
{
	struct send_args *a = arg;
	struct smtp_job job = { .s = a->s, .to = a->to, .message = a->message,
				.probe = !a->message, .on_line = child_line, .ctx = &fd };
	struct smtp_result res;
	smtp_send(&job, &res);
	sp_child_end(fd, res.status, res.verdict);
}

bool sp_start_job(struct sendpanel *sp, void (*job)(int fd, void *arg), void *arg, char **err)
{
	*err = NULL;
	if (sp_running(sp))
		return false;
	clear_lines(sp);
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) {
		*err = xasprintf("pipe: %s", strerror(errno));
		return false;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		*err = xasprintf("fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return false;
	}
	if (pid == 0) {
		/* The editor's handlers would wake the editor's loop: not ours. */
		int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH };
		for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
			signal(sigs[i], SIG_DFL);
		close(p[0]);
		job(p[1], arg);
		_exit(0);
	}
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	sp->pid = pid;
	sp->fd = p[0];
	sp->status = -1;
	sp->focus_log = false;
	return true;
}

bool sp_start(struct sendpanel *sp, const struct settings *s, const char *message, char **err)
{
	char *to = le_get(&sp->to);
	struct send_args a = { s, to, message };
	bool ok = sp_start_job(sp, send_job, &a, err);
	free(to);
	return ok;
}

static void reap(struct sendpanel *sp)
{
	if (sp->fd >= 0)
		close(sp->fd);
	sp->fd = -1;
	if (sp->pid > 0)
		waitpid(sp->pid, NULL, 0);
	sp->pid = 0;
	sp->focus_log = true;
}

void sp_cancel(struct sendpanel *sp)
{
	if (!sp_running(sp))
		return;
	kill(sp->pid, SIGKILL);
	reap(sp);
	add_line(sp, '*', sp->nlines ? sp->lines[sp->nlines - 1].ms : 0,
		 _("(stopped by the user)"));
	free(sp->verdict);
	sp->verdict = xstrdup(_("Cancelled: stopped by the user."));
	sp->status = EX_TEMPFAIL;
}

static void record(struct sendpanel *sp, char *rec)
{
	if (rec[0] == 'L' && rec[1]) {
		char kind = rec[1];
		char *tab1 = strchr(rec, '\t');
		char *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
		if (tab2)
			add_line(sp, kind, atol(tab1 + 1), tab2 + 1);
	} else if (rec[0] == 'V') {
		char *tab1 = strchr(rec, '\t');
		char *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
		if (tab2) {
			sp->status = atoi(tab1 + 1);
			free(sp->verdict);
			sp->verdict = xstrdup(tab2 + 1);
		}
	}
}

bool sp_read(struct sendpanel *sp)
{
	if (sp->fd < 0)
		return false;
	bool changed = false;
	for (;;) {
		ssize_t n = read(sp->fd, sp->partial + sp->plen, sizeof sp->partial - 1 - sp->plen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break; /* EAGAIN: all read for now */
		if (n == 0) {
			reap(sp);
			if (!sp->verdict) {
				sp->verdict = xstrdup(_("The send stopped without a result."));
				sp->status = EX_SOFTWARE;
			}
			return true;
		}
		sp->plen += (size_t)n;
		sp->partial[sp->plen] = '\0';
		char *start = sp->partial, *nl;
		while ((nl = memchr(start, '\n', sp->plen - (size_t)(start - sp->partial)))) {
			*nl = '\0';
			record(sp, start);
			start = nl + 1;
			changed = true;
		}
		size_t rest = sp->plen - (size_t)(start - sp->partial);
		if (rest == sizeof sp->partial - 1)
			rest = 0; /* a record longer than the buffer: drop it */
		memmove(sp->partial, start, rest);
		sp->plen = rest;
	}
	return changed;
}

char *sp_save(const struct sendpanel *sp, const char *dir, char **err)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	char *path = xasprintf("%s/mailset-test-send-%s.txt", dir, stamp);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	*err = NULL;
	if (fd < 0) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		free(path);
		return NULL;
	}
	struct strbuf sb = { 0 };
	for (size_t i = 0; i < sp->nlines; i++) {
		const struct sendline *l = &sp->lines[i];
		char *row = transcript_row(l->kind, l->ms, l->text);
		sb_adds(&sb, row);
		free(row);
	}
	if (sp->verdict)
		sb_addf(&sb, "%s %s\n", sp->status ? "\xE2\x9C\x97" : "\xE2\x9C\x93", sp->verdict);
	ssize_t w = write(fd, sb.buf ? sb.buf : "", sb.len);
	int saved_errno = errno;
	if (close(fd) < 0 || w != (ssize_t)sb.len) {
		*err = xasprintf("%s: %s", path, strerror(w < 0 ? saved_errno : EIO));
		unlink(path);
		free(path);
		path = NULL;
	}
	sb_free(&sb);
	return path;
}
