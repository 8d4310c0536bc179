/* lock.c - FILE.lock with O_EXCL. */
#include "mailset/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mailset/i18n.h"
#include "mailset/util.h"

char *lock_path(const char *config)
{
	char *real = realpath(config, NULL);
	char *p = xasprintf("%s.lock", real ? real : config);
	free(real);
	return p;
}

static void my_host(char *buf, size_t n)
{
	if (gethostname(buf, n) < 0)
		snprintf(buf, n, "?");
	buf[n - 1] = '\0';
}

static void read_owner(const char *path, struct lock_owner *o)
{
	memset(o, 0, sizeof *o);
	FILE *fp = fopen(path, "r");
	if (!fp)
		return;
	char line[512];
	while (fgets(line, sizeof line, fp)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "pid=", 4))
			o->pid = (pid_t)atol(line + 4);
		else if (!strncmp(line, "host=", 5))
			snprintf(o->host, sizeof o->host, "%.255s", line + 5);
		else if (!strncmp(line, "user=", 5))
			snprintf(o->user, sizeof o->user, "%.63s", line + 5);
		else if (!strncmp(line, "since=", 6))
			o->since = (time_t)atoll(line + 6);
	}
	fclose(fp);
}

static bool alive(const struct lock_owner *o)
{
	char host[256];
	my_host(host, sizeof host);
	if (o->pid <= 0 || !*o->host)
		return false; /* empty or unreadable: left by a crash */
	if (strcmp(host, o->host))
		return true; /* another machine: cannot tell, so yes */
	return kill(o->pid, 0) == 0 || errno != ESRCH;
}

enum lock_status lock_take(const char *config, struct lock_owner *owner)
{
	/* The lock is written whole under another name, then linked into
	 * place: it never exists half-written, so an empty or unreadable one
	 * is a leftover, not an editor starting up. */
	char *path = lock_path(config);
	char *tmp = xasprintf("%s.XXXXXX", path);
	enum lock_status st = LOCK_ERROR;
	int err = 0;
	struct passwd *pw = getpwuid(geteuid());
	struct lock_owner me;
	memset(&me, 0, sizeof me);
	me.pid = getpid();
	my_host(me.host, sizeof me.host);
	snprintf(me.user, sizeof me.user, "%s", pw ? pw->pw_name : "?");
	me.since = time(NULL);
	char buf[512];
	int n = snprintf(buf, sizeof buf, "pid=%ld\nhost=%s\nuser=%s\nsince=%lld\n",
			 (long)me.pid, me.host, me.user, (long long)me.since);
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		goto out;
	}
	fchmod(fd, 0600);
	if (write(fd, buf, (size_t)n) != n || fsync(fd) < 0) {
		err = errno;
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if (link(tmp, path) == 0) {
		st = LOCK_TAKEN;
		*owner = me;
	} else if ((err = errno) == EEXIST) {
		read_owner(path, owner);
		st = alive(owner) ? LOCK_HELD : LOCK_STALE;
	}
	unlink(tmp);
out:
	free(tmp);
	free(path);
	errno = err;
	return st;
}

enum lock_status lock_break(const char *config, struct lock_owner *owner)
{
	char *path = lock_path(config);
	struct lock_owner now;
	read_owner(path, &now);
	/* Break only what was seen stale: not a lock taken meanwhile. */
	if (!alive(&now) && now.pid == owner->pid && !strcmp(now.host, owner->host))
		unlink(path);
	free(path);
	return lock_take(config, owner);
}

const char *lock_describe(const struct lock_owner *o)
{
	static char buf[400];
	char when[32] = "?";
	struct tm tm;
	if (o->since && localtime_r(&o->since, &tm))
		strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
	snprintf(buf, sizeof buf, _("%s (pid %ld on %s, since %s)"), *o->user ? o->user : "?",
		 (long)o->pid, *o->host ? o->host : "?", when);
	return buf;
}
