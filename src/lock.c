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

static bool alive(const struct lock_owner *o, const char *path)
{
	char host[256];
	my_host(host, sizeof host);
	if (o->pid <= 0 || !*o->host) {
		/* Empty or unreadable: a lock being written this very moment,
		 * or one a crash left half-made. Give it a few seconds. */
		struct stat st;
		return stat(path, &st) == 0 && time(NULL) - st.st_mtime < 5;
	}
	if (strcmp(host, o->host))
		return true; /* another machine: cannot tell, so yes */
	if (o->pid <= 0)
		return false;
	return kill(o->pid, 0) == 0 || errno != ESRCH;
}

enum lock_status lock_take(const char *config, struct lock_owner *owner)
{
	char *path = lock_path(config);
	enum lock_status st = LOCK_TAKEN;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		int err = errno;
		if (err == EEXIST) {
			read_owner(path, owner);
			st = alive(owner, path) ? LOCK_HELD : LOCK_STALE;
		} else {
			st = LOCK_ERROR;
		}
		free(path);
		errno = err;
		return st;
	}
	struct passwd *pw = getpwuid(geteuid());
	memset(owner, 0, sizeof *owner);
	owner->pid = getpid();
	my_host(owner->host, sizeof owner->host);
	snprintf(owner->user, sizeof owner->user, "%s", pw ? pw->pw_name : "?");
	owner->since = time(NULL);
	char buf[512];
	int n = snprintf(buf, sizeof buf, "pid=%ld\nhost=%s\nuser=%s\nsince=%lld\n",
			 (long)owner->pid, owner->host, owner->user, (long long)owner->since);
	fchmod(fd, 0600);
	if (write(fd, buf, (size_t)n) != n || close(fd) < 0) {
		unlink(path);
		st = LOCK_ERROR;
	}
	free(path);
	return st;
}

enum lock_status lock_break(const char *config, struct lock_owner *owner)
{
	char *path = lock_path(config);
	struct lock_owner now;
	read_owner(path, &now);
	/* Break only what was seen stale: not a lock taken meanwhile. */
	if (!alive(&now, path) && now.pid == owner->pid && !strcmp(now.host, owner->host))
		unlink(path);
	free(path);
	return lock_take(config, owner);
}

void lock_release(const char *config)
{
	char *path = lock_path(config);
	struct lock_owner o;
	char host[256];
	my_host(host, sizeof host);
	read_owner(path, &o);
	if (o.pid == getpid() && !strcmp(o.host, host))
		unlink(path);
	free(path);
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
