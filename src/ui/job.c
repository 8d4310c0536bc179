/* job.c - work in a child process (a test send, a DNS check), its records
 * read back through a pipe. */
#include "mailset/ui/job.h"

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
#include "mailset/transcript.h"
#include "mailset/util.h"

void job_init(struct job *j)
{
	memset(j, 0, sizeof *j);
	j->fd = -1;
}

static void clear_lines(struct job *j)
{
	for (size_t i = 0; i < j->nlines; i++)
		free(j->lines[i].text);
	free(j->lines);
	j->lines = NULL;
	j->nlines = 0;
	free(j->verdict);
	j->verdict = NULL;
	free(j->note);
	j->note = NULL;
	j->plen = 0;
}

void job_clear(struct job *j)
{
	if (!job_running(j))
		clear_lines(j);
}

void job_free(struct job *j)
{
	if (job_running(j))
		job_cancel(j);
	clear_lines(j);
}

bool job_running(const struct job *j)
{
	return j->pid > 0;
}

static void add_line(struct job *j, char kind, enum job_level level, long ms, const char *text)
{
	j->lines = xgrow(j->lines, j->nlines, sizeof *j->lines);
	j->lines[j->nlines++] = (struct jobline){ kind, level, ms, xstrdup(text) };
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

void job_child_line(int fd, char kind, enum job_level level, long ms, const char *text)
{
	char *rec = xasprintf("L%c\t%d\t%ld\t%s\n", kind, (int)level, ms, text);
	write_all(fd, rec, strlen(rec));
	free(rec);
}

void job_child_note(int fd, const char *text)
{
	char *rec = xasprintf("N\t%s\n", text);
	write_all(fd, rec, strlen(rec));
	free(rec);
}

void job_child_end(int fd, int status, const char *verdict)
{
	char *rec = xasprintf("V\t%d\t%s\n", status, verdict ? verdict : "");
	write_all(fd, rec, strlen(rec));
	free(rec);
	/* No exit handlers: they belong to the editor (its terminal, its
	 * lock). */
	_exit(0);
}

bool job_start(struct job *j, void (*fn)(int fd, void *arg), void *arg, char **err)
{
	*err = NULL;
	if (job_running(j))
		return false;
	clear_lines(j);
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
		fn(p[1], arg);
		_exit(0);
	}
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	j->pid = pid;
	j->fd = p[0];
	j->status = -1;
	return true;
}

static void reap(struct job *j)
{
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
	if (j->pid > 0)
		waitpid(j->pid, NULL, 0);
	j->pid = 0;
}

void job_cancel(struct job *j)
{
	if (!job_running(j))
		return;
	kill(j->pid, SIGKILL);
	reap(j);
	add_line(j, '*', JL_PLAIN, j->nlines ? j->lines[j->nlines - 1].ms : 0,
		 _("(stopped by the user)"));
	free(j->verdict);
	j->verdict = xstrdup(_("Cancelled: stopped by the user."));
	j->status = EX_TEMPFAIL;
}

static void record(struct job *j, char *rec)
{
	if (rec[0] == 'L' && rec[1]) {
		char kind = rec[1];
		char *tab1 = strchr(rec, '\t');
		char *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
		char *tab3 = tab2 ? strchr(tab2 + 1, '\t') : NULL;
		int level = tab1 ? atoi(tab1 + 1) : 0;
		if (tab3)
			add_line(j, kind, level >= JL_PLAIN && level <= JL_ERROR ? level : JL_PLAIN,
				 atol(tab2 + 1), tab3 + 1);
	} else if (rec[0] == 'N' && rec[1] == '\t') {
		free(j->note);
		j->note = xstrdup(rec + 2);
	} else if (rec[0] == 'V') {
		char *tab1 = strchr(rec, '\t');
		char *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
		if (tab2) {
			j->status = atoi(tab1 + 1);
			free(j->verdict);
			j->verdict = xstrdup(tab2 + 1);
		}
	}
}

bool job_read(struct job *j)
{
	if (j->fd < 0)
		return false;
	bool changed = false;
	for (;;) {
		ssize_t n = read(j->fd, j->partial + j->plen, sizeof j->partial - 1 - j->plen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break; /* EAGAIN: all read for now */
		if (n == 0) {
			reap(j);
			if (!j->verdict) {
				j->verdict = xstrdup(_("The send stopped without a result."));
				j->status = EX_SOFTWARE;
			}
			return true;
		}
		j->plen += (size_t)n;
		j->partial[j->plen] = '\0';
		char *start = j->partial, *nl;
		while ((nl = memchr(start, '\n', j->plen - (size_t)(start - j->partial)))) {
			*nl = '\0';
			record(j, start);
			start = nl + 1;
			changed = true;
		}
		size_t rest = j->plen - (size_t)(start - j->partial);
		if (rest == sizeof j->partial - 1)
			rest = 0; /* a record longer than the buffer: drop it */
		memmove(j->partial, start, rest);
		j->plen = rest;
	}
	return changed;
}

char *job_save(const struct job *j, const char *dir, const char *what, bool transcript,
	       char **err)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	char *path = xasprintf("%s/mailset-%s-%s.txt", dir, what, stamp);
	struct strbuf sb = { 0 };
	for (size_t i = 0; i < j->nlines; i++) {
		const struct jobline *l = &j->lines[i];
		if (!transcript) {
			sb_addf(&sb, "%s\n", l->text);
			continue;
		}
		char *row = transcript_row(l->kind, l->ms, l->text);
		sb_adds(&sb, row);
		free(row);
	}
	if (transcript && j->verdict)
		sb_addf(&sb, "%s %s\n", j->status ? "\xE2\x9C\x97" : "\xE2\x9C\x93", j->verdict);
	*err = NULL;
	if (util_write_new(path, sb.buf ? sb.buf : "", sb.len, 0600, 0) < 0) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		free(path);
		path = NULL;
	}
	sb_free(&sb);
	return path;
}
