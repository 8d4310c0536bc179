/* SPDX-License-Identifier: MIT */
/* netjob.c - the request to a network helper, starting it, its records. */
#include "mailset/netjob.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mailset/i18n.h"
#include "paths.h" /* LIBEXECDIR: written by the Makefile */

/* --- the request ---------------------------------------------------------- */

void netreq_put(struct strbuf *req, const char *name, const char *value)
{
	size_t n = strlen(value);
	sb_addf(req, "%s %zu\n", name, n);
	sb_add(req, value, n);
	sb_addc(req, '\n');
}

void netreq_put_settings(struct strbuf *req, const struct settings *s)
{
	for (int i = 0; i < F_COUNT; i++)
		if (settings_has(s, i)) {
			char *name = xasprintf("s.%s", settings_field_name(i));
			netreq_put(req, name, settings_get(s, i));
			free(name);
		}
}

bool netreq_parse(const char *buf, size_t len, struct netreq *r)
{
	memset(r, 0, sizeof *r);
	const char *p = buf, *end = buf + len;
	while (p < end) {
		const char *sp = memchr(p, ' ', (size_t)(end - p));
		if (!sp || sp == p)
			goto bad;
		char *num_end;
		errno = 0;
		unsigned long long n = strtoull(sp + 1, &num_end, 10);
		if (errno || num_end == sp + 1 || *num_end != '\n' ||
		    n > (unsigned long long)(end - num_end - 1) ||
		    num_end[1 + n] != '\n')
			goto bad;
		r->v = xgrow(r->v, r->n, sizeof *r->v);
		r->v[r->n].name = xstrndup(p, (size_t)(sp - p));
		r->v[r->n].value = xstrndup(num_end + 1, (size_t)n);
		r->n++;
		p = num_end + 1 + n + 1;
	}
	return true;
bad:
	netreq_free(r);
	return false;
}

const char *netreq_get(const struct netreq *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->v[i].name, name))
			return r->v[i].value;
	return NULL;
}

void netreq_settings(const struct netreq *r, struct settings *s)
{
	for (size_t i = 0; i < r->n; i++) {
		if (strncmp(r->v[i].name, "s.", 2))
			continue;
		const struct field *f = settings_field_by_name(r->v[i].name + 2);
		if (f)
			settings_set(s, f->id, r->v[i].value);
	}
}

void netreq_free(struct netreq *r)
{
	for (size_t i = 0; i < r->n; i++) {
		explicit_bzero(r->v[i].value, strlen(r->v[i].value));
		free(r->v[i].value);
		free(r->v[i].name);
	}
	free(r->v);
	memset(r, 0, sizeof *r);
}

/* --- starting a helper ---------------------------------------------------- */

static bool runnable(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

char *netjob_path(const char *helper)
{
	const char *dir = getenv("MAILSET_LIBEXECDIR");
	if (dir && *dir)
		return xasprintf("%s/%s", dir, helper);
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			char *beside = xasprintf("%s/libexec/%s", self, helper);
			if (runnable(beside))
				return beside;
			free(beside);
		}
	}
	return xasprintf("%s/%s", LIBEXECDIR, helper);
}

pid_t netjob_start(const char *helper, const char *arg, const struct strbuf *req, bool quiet,
		   int *fd, char **err)
{
	*err = NULL;
	*fd = -1;
	char *path = netjob_path(helper);
	if (!runnable(path)) {
		*err = xasprintf("%s: %s", path, strerror(errno ? errno : ENOENT));
		free(path);
		return -1;
	}
	int in[2], out[2];
	if (pipe2(in, O_CLOEXEC) < 0) {
		*err = xasprintf("pipe: %s", strerror(errno));
		free(path);
		return -1;
	}
	if (pipe2(out, O_CLOEXEC) < 0) {
		*err = xasprintf("pipe: %s", strerror(errno));
		close(in[0]);
		close(in[1]);
		free(path);
		return -1;
	}
	/* The whole request goes into the pipe before the helper starts: no
	 * write can block on a helper that is slow to read, none can raise
	 * SIGPIPE on one that died. */
	size_t len = req ? req->len : 0;
	if (len >= 65536)
		fcntl(in[1], F_SETPIPE_SZ, (int)(len + 4096));
	const char *p = req ? req->buf : "";
	size_t left = len;
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	while (left) {
		ssize_t w = write(in[1], p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			*err = xasprintf(_("the request to %s is too long"), helper);
			close(in[0]);
			close(in[1]);
			close(out[0]);
			close(out[1]);
			free(path);
			return -1;
		}
		p += w;
		left -= (size_t)w;
	}
	close(in[1]);
	int null = quiet ? open("/dev/null", O_WRONLY | O_CLOEXEC) : -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		/* What the parent catches or ignores is its own business: the
		 * helper starts with default signals and none blocked. */
		int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGWINCH, SIGTSTP,
			       SIGCHLD, SIGALRM, SIGUSR1, SIGUSR2 };
		for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
			signal(sigs[i], SIG_DFL);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 || (null >= 0 && dup2(null, 2) < 0))
			_exit(127);
		char *argv[] = { (char *)helper, (char *)arg, NULL };
		execv(path, argv);
		_exit(127);
	}
	int saved = errno;
	close(in[0]);
	close(out[1]);
	if (null >= 0)
		close(null);
	if (pid < 0) {
		*err = xasprintf("fork: %s", strerror(saved));
		close(out[0]);
		free(path);
		return -1;
	}
	free(path);
	*fd = out[0];
	return pid;
}

char *netjob_died(const char *helper, int ws)
{
	if (WIFSIGNALED(ws))
		return xasprintf(_("%s stopped without a result: killed by signal %d (%s). Nothing "
				   "else was touched; try again, and report it if it happens again."),
				 helper, WTERMSIG(ws), strsignal(WTERMSIG(ws)));
	if (WIFEXITED(ws) && WEXITSTATUS(ws) == 127)
		return xasprintf(_("%s could not be started: is mailset installed completely "
				   "(make install)?"), helper);
	return xasprintf(_("%s stopped without a result (exit status %d)."), helper,
			 WIFEXITED(ws) ? WEXITSTATUS(ws) : -1);
}

/* --- the records ---------------------------------------------------------- */

static void unescape(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		if (*r == '\\' && r[1]) {
			r++;
			*w++ = *r == 'n' ? '\n' : *r == 't' ? '\t' : *r;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

/* The field after the n-th tab, or NULL. */
static char *after_tab(char *s, int n)
{
	while (n-- > 0) {
		s = strchr(s, '\t');
		if (!s)
			return NULL;
		*s++ = '\0';
	}
	return s;
}

bool netrec_parse(char *line, struct netrec *r)
{
	memset(r, 0, sizeof *r);
	r->type = line[0];
	char *f1, *f2, *f3;
	switch (line[0]) {
	case 'L':
		if (!line[1] || !(f1 = after_tab(line + 2, 1)) || line[2] != '\0')
			return false;
		r->kind = line[1];
		if (!(f2 = after_tab(f1, 1)) || !(f3 = after_tab(f2, 1)))
			return false;
		r->level = atoi(f1);
		if (r->level < JL_PLAIN || r->level > JL_ERROR)
			r->level = JL_PLAIN;
		r->ms = atol(f2);
		r->text = f3;
		break;
	case 'N':
	case 'F':
	case 'J':
		if (line[1] != '\t')
			return false;
		r->text = line + 2;
		break;
	case 'V':
		if (line[1] != '\t' || !(f2 = after_tab(line + 2, 1)))
			return false;
		r->status = atoi(line + 2);
		r->text = f2;
		break;
	default:
		return false;
	}
	unescape(r->text);
	return true;
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			_exit(74); /* EX_IOERR: the reader went away */
		p += w;
		n -= (size_t)w;
	}
}

static void put_record(int fd, const char *head, const char *text)
{
	struct strbuf sb = { 0 };
	sb_adds(&sb, head);
	for (const char *s = text ? text : ""; *s; s++) {
		if (*s == '\\')
			sb_adds(&sb, "\\\\");
		else if (*s == '\n')
			sb_adds(&sb, "\\n");
		else if (*s == '\t')
			sb_adds(&sb, "\\t");
		else
			sb_addc(&sb, *s);
	}
	sb_addc(&sb, '\n');
	write_all(fd, sb.buf, sb.len);
	sb_free(&sb);
}

void netrec_line(int fd, char kind, enum job_level level, long ms, const char *text)
{
	char head[64];
	snprintf(head, sizeof head, "L%c\t%d\t%ld\t", kind, (int)level, ms);
	put_record(fd, head, text);
}

void netrec_note(int fd, const char *text)
{
	put_record(fd, "N\t", text);
}

void netrec_json(int fd, const char *text)
{
	put_record(fd, "J\t", text);
}

void netrec_phase(int fd, const char *text)
{
	put_record(fd, "F\t", text);
}

void netrec_verdict(int fd, int status, const char *text)
{
	char head[32];
	snprintf(head, sizeof head, "V\t%d\t", status);
	put_record(fd, head, text);
}

char *netjob_row(char kind, long ms, const char *text)
{
	return xasprintf("%7ld ms  %c%s %s\n", ms, kind, kind == '*' ? "" : ":", text);
}
