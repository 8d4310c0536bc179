/* SPDX-License-Identifier: MIT */
/* job.c - work in a helper process (a test send, a DNS check), its
 * records read back through a pipe. */
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
	sb_free(&j->partial);
	j->overlong = false;
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

bool job_start(struct job *j, const char *helper, const struct strbuf *req, char **err)
{
	*err = NULL;
	if (job_running(j))
		return false;
	clear_lines(j);
	int fd;
	/* Its standard error must not reach the editor's screen; when that
	 * is a file (a log, the tests'), it goes there. */
	pid_t pid = netjob_start(helper, NULL, req, isatty(2), &fd, err);
	if (pid < 0)
		return false;
	fcntl(fd, F_SETFL, O_NONBLOCK);
	j->pid = pid;
	j->fd = fd;
	j->status = -1;
	j->helper = helper;
	return true;
}

/* Returns the helper's wait status. */
static int reap(struct job *j)
{
	int ws = 0;
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
	if (j->pid > 0)
		waitpid(j->pid, &ws, 0);
	j->pid = 0;
	return ws;
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
	struct netrec r;
	if (!netrec_parse(rec, &r))
		return;
	if (r.type == 'L') {
		add_line(j, r.kind, r.level, r.ms, r.text);
	} else if (r.type == 'N') {
		free(j->note);
		j->note = xstrdup(r.text);
	} else if (r.type == 'V') {
		j->status = r.status;
		free(j->verdict);
		j->verdict = xstrdup(r.text);
	}
}

/* The record in j->partial is whole (or cut): take it. */
static void take_record(struct job *j)
{
	if (j->overlong) {
		/* cut at a character (job_read), not inside an escape, and
		 * said */
		size_t k = j->partial.len;
		while (k > 0 && j->partial.buf[k - 1] == '\\')
			k--;
		j->partial.len = k;
		j->partial.buf[k] = '\0';
		sb_adds(&j->partial, "\xE2\x80\xA6");
	}
	if (j->partial.buf)
		record(j, j->partial.buf);
	sb_free(&j->partial);
	j->overlong = false;
}

bool job_read(struct job *j)
{
	if (j->fd < 0)
		return false;
	bool changed = false;
	char buf[4096];
	for (;;) {
		ssize_t n = read(j->fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break; /* EAGAIN: all read for now */
		if (n == 0) {
			int ws = reap(j);
			sb_free(&j->partial); /* a record without its end of line */
			j->overlong = false;
			if (!j->verdict) {
				j->verdict = netjob_died(j->helper, ws);
				j->status = EX_SOFTWARE;
			}
			return true;
		}
		const char *p = buf, *end = buf + n, *nl;
		while (p < end) {
			nl = memchr(p, '\n', (size_t)(end - p));
			size_t take = (size_t)((nl ? nl : end) - p);
			if (!j->overlong) {
				size_t room = JOB_RECORD_MAX - j->partial.len;
				if (take > room) {
					/* at most the limit, ending on a whole character */
					sb_add(&j->partial, p, utf8_prefix(p, take, room));
					j->overlong = true;
				} else {
					sb_add(&j->partial, p, take);
				}
			}
			if (!nl)
				break;
			take_record(j);
			changed = true;
			p = nl + 1;
		}
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
		char *row = netjob_row(l->kind, l->ms, l->text);
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
