/* SPDX-License-Identifier: MIT */
/* check_lock.c - the life cycle of locks and temporary files (lock.h), and
 * whole-file writes (util_write_new).
 *
 * 1. The list of files to remove: lock_cleanup() removes what was added and
 *    nothing else (not a file forgotten, replaced or a parent's); an entry
 *    comes off with lock_tempfile_remove() or _forget(); a full list says
 *    ENOBUFS and lists nothing; exit and out of memory empty it.
 * 2. Locks: lock_take() puts the lock on the list, lock_release() is the
 *    only way it goes, and only this process's; a file created after its
 *    lock was taken releases by the same name. The lock is flock()ed while
 *    held: one nobody holds is stale even when its pid is alive (reused),
 *    one held is live whatever its pid; a lock without "lock=flock" is
 *    judged by its pid.
 * 3. util_write_new(): a new file or none (EEXIST), short writes and EINTR
 *    retried, every failing step (write, fsync, close) leaves no file made
 *    here, UTIL_WRITE_TRUNC overwrites in place and never removes what it
 *    did not create.
 *
 * Each test runs in its own process (CK_FORK). */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "mailset/inifile.h"
#include "mailset/lock.h"
#include "mailset/util.h"
#include "testutil.h"

/* this program, for re-running itself */
static char *self;

static char *mkfile(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_msg(fd >= 0, "create %s: %s", path, strerror(errno));
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

static char *slurp(const char *path)
{
	return slurp_len(path, NULL);
}

static size_t entries(const char *dir)
{
	DIR *d = opendir(dir);
	ck_assert(d != NULL);
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL)
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

/* ------------------------------------------------------------- the list */

START_TEST(cleanup_removes_what_was_added)
{
	char *dir = tmpdir_new();
	char *a = mkfile(dir, "a", "a"), *b = mkfile(dir, "b", "b"), *c = mkfile(dir, "c", "c");
	ck_assert_int_ge(lock_tempfile_add(a), 0);
	ck_assert_int_ge(lock_tempfile_add(b), 0);
	lock_cleanup();
	ck_assert(!exists(a) && !exists(b));
	ck_assert_msg(exists(c), "a file never added was removed");
	/* the list is empty now: the same name made again stays */
	free(mkfile(dir, "a", "again"));
	lock_cleanup();
	ck_assert(exists(a));
	free(a), free(b), free(c), free(dir);
}
END_TEST

START_TEST(remove_and_forget_take_one_off)
{
	char *dir = tmpdir_new();
	char *a = mkfile(dir, "a", "a"), *b = mkfile(dir, "b", "b"), *k = mkfile(dir, "k", "k");
	int na = lock_tempfile_add(a), nb = lock_tempfile_add(b), nk = lock_tempfile_add(k);
	ck_assert(na >= 0 && nb >= 0 && nk >= 0 && na != nb && nb != nk && na != nk);
	ck_assert_int_eq(lock_tempfile_remove(na), 0);
	ck_assert(!exists(a) && exists(b));
	errno = 0;
	ck_assert_int_eq(lock_tempfile_remove(na), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(lock_tempfile_remove(-1), -1);
	ck_assert_int_eq(lock_tempfile_remove(LOCK_TEMPFILES), -1);
	lock_tempfile_forget(nk); /* renamed into place, say */
	lock_cleanup();
	ck_assert(!exists(b));
	ck_assert_msg(exists(k), "a forgotten file was removed");
	free(a), free(b), free(k), free(dir);
}
END_TEST

START_TEST(full_list_lists_nothing)
{
	char *dir = tmpdir_new();
	char *p[LOCK_TEMPFILES + 1];
	int n[LOCK_TEMPFILES];
	for (int i = 0; i <= LOCK_TEMPFILES; i++) {
		char name[16];
		snprintf(name, sizeof name, "f%d", i);
		p[i] = mkfile(dir, name, name);
	}
	for (int i = 0; i < LOCK_TEMPFILES; i++)
		ck_assert_int_ge(n[i] = lock_tempfile_add(p[i]), 0);
	errno = 0;
	ck_assert_int_eq(lock_tempfile_add(p[LOCK_TEMPFILES]), -1);
	ck_assert_int_eq(errno, ENOBUFS);
	/* a free entry is used again */
	ck_assert_int_eq(lock_tempfile_remove(n[3]), 0);
	ck_assert_int_eq(lock_tempfile_add(p[LOCK_TEMPFILES]), n[3]);
	lock_cleanup();
	ck_assert_uint_eq(entries(dir), 0);
	for (int i = 0; i <= LOCK_TEMPFILES; i++)
		free(p[i]);
	free(dir);
}
END_TEST

START_TEST(refused_names)
{
	char *dir = tmpdir_new();
	char *missing = xasprintf("%s/not-there", dir);
	ck_assert_int_eq(lock_tempfile_add(missing), -1);
	ck_assert_int_eq(errno, ENOENT);
	char *huge = xmalloc(LOCK_TEMPFILE_PATH + 1);
	memset(huge, 'x', LOCK_TEMPFILE_PATH);
	huge[LOCK_TEMPFILE_PATH] = '\0';
	errno = 0;
	ck_assert_int_eq(lock_tempfile_add(huge), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
	free(huge), free(missing), free(dir);
}
END_TEST

START_TEST(replaced_file_left_alone)
{
	/* Ours went and someone else's took its name: theirs stays. */
	char *dir = tmpdir_new();
	char *a = mkfile(dir, "a", "ours"), *b = mkfile(dir, "b", "theirs");
	int n = lock_tempfile_add(a);
	ck_assert_int_ge(n, 0);
	ck_assert_int_eq(rename(b, a), 0);
	lock_cleanup();
	ck_assert(exists(a));
	char *text = slurp(a);
	ck_assert_str_eq(text, "theirs");
	ck_assert_int_eq(lock_tempfile_remove(n), -1);
	free(text), free(a), free(b), free(dir);
}
END_TEST

START_TEST(child_leaves_parents_files)
{
	char *dir = tmpdir_new();
	char *a = mkfile(dir, "a", "a");
	ck_assert_int_ge(lock_tempfile_add(a), 0);
	fflush(NULL);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		lock_cleanup();
		exit(0); /* and the exit handler */
	}
	int st;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_msg(exists(a), "a child removed its parent's file");
	lock_cleanup();
	ck_assert(!exists(a));
	free(a), free(dir);
}
END_TEST

START_TEST(exit_removes_the_list)
{
	char *dir = tmpdir_new();
	char *a = mkfile(dir, "a", "a"), *k = mkfile(dir, "k", "k");
	fflush(NULL);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int n = lock_tempfile_add(k);
		if (n < 0 || lock_tempfile_add(a) < 0)
			_exit(1);
		lock_tempfile_forget(n);
		exit(0);
	}
	int st;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_msg(!exists(a), "exit() left a listed file");
	ck_assert(exists(k));
	free(a), free(k), free(dir);
}
END_TEST

/* The out-of-memory path, in a copy of this program started with an
 * allocator that returns NULL (ASan aborts otherwise): the hook runs while
 * the lock is still there (the editor writes its recovery file under it),
 * then the lock goes, exit status 71. */
static const char *oom_marker, *oom_lock;

/* The marker is made only when the hook still sees the lock (no
 * allocation: both names were made before). */
static void oom_hook(void)
{
	if (access(oom_lock, F_OK) != 0)
		return;
	int fd = open(oom_marker, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0)
		close(fd);
}

static int oom_child(const char *config, const char *marker)
{
	struct lock_owner o;
	if (lock_take(config, &o) != LOCK_TAKEN)
		return 2;
	oom_lock = lock_path(config);
	oom_marker = marker;
	util_on_oom(oom_hook);
	void *p = xmalloc(SIZE_MAX / 4); /* util_oom(): never returns */
	free(p);
	return 3;
}

START_TEST(out_of_memory_removes_the_lock)
{
	char *dir = tmpdir_new();
	char *config = mkfile(dir, "mail.ini", "[smtp]\n");
	char *marker = xasprintf("%s/hook-ran", dir);
	char *lock = lock_path(config);
	char *errfile = xasprintf("%s.stderr", dir);
	fflush(NULL);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || dup2(fd, STDERR_FILENO) < 0)
			_exit(126);
		const char *old = getenv("ASAN_OPTIONS");
		char *opts = xasprintf("%s%sallocator_may_return_null=1", old ? old : "",
				       old && *old ? ":" : "");
		setenv("ASAN_OPTIONS", opts, 1);
		/* this program again (by its own name: under valgrind
		 * /proc/self/exe is valgrind) */
		execl(self, "check_lock", "--oom-child", config, marker, (char *)NULL);
		_exit(127);
	}
	int st;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st), "the child did not exit (signal %d)",
		      WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	ck_assert_msg(WEXITSTATUS(st) == EX_OSERR, "exit status %d, not %d (out of memory)",
		      WEXITSTATUS(st), EX_OSERR);
	ck_assert_msg(exists(marker), "the out-of-memory hook did not run, or ran without the lock");
	ck_assert_msg(!exists(lock), "out of memory left the lock");
	ck_assert_uint_eq(entries(dir), 2); /* mail.ini, hook-ran */
	char *err = slurp(errfile);
	ck_assert_msg(strstr(err, "mailset: out of memory") && !strstr(err, "ERROR:"),
		      "stderr: %s", err);
	free(err), free(errfile), free(lock), free(marker), free(config), free(dir);
}
END_TEST

/* ---------------------------------------------------------------- locks */

START_TEST(take_then_release)
{
	char *dir = tmpdir_new();
	char *config = mkfile(dir, "mail.ini", "[smtp]\n");
	char *lock = lock_path(config);
	struct lock_owner o;
	ck_assert_int_eq(lock_take(config, &o), LOCK_TAKEN);
	ck_assert_int_eq(o.pid, getpid());
	char *text = slurp(lock), *want = xasprintf("pid=%ld\n", (long)getpid());
	ck_assert_msg(!strncmp(text, want, strlen(want)), "lock holds \"%s\"", text);
	ck_assert_uint_eq(entries(dir), 2); /* no temporary file left */
	ck_assert_int_eq(lock_release(config), 0);
	ck_assert(!exists(lock));
	errno = 0;
	ck_assert_int_eq(lock_release(config), -1);
	ck_assert_int_eq(errno, ENOENT);
	free(want), free(text), free(lock), free(config), free(dir);
}
END_TEST

START_TEST(taken_lock_goes_at_cleanup)
{
	char *dir = tmpdir_new();
	char *config = mkfile(dir, "mail.ini", "[smtp]\n");
	char *lock = lock_path(config);
	struct lock_owner o;
	ck_assert_int_eq(lock_take(config, &o), LOCK_TAKEN);
	lock_cleanup();
	ck_assert(!exists(lock));
	ck_assert_int_eq(lock_release(config), -1);
	free(lock), free(config), free(dir);
}
END_TEST

START_TEST(release_never_anothers)
{
	char *dir = tmpdir_new();
	char *config = mkfile(dir, "mail.ini", "[smtp]\n");
	char *lock = lock_path(config);
	char *text = xasprintf("pid=%ld\nhost=elsewhere.example\nuser=x\nsince=1\n",
			       (long)getppid());
	free(mkfile(dir, "mail.ini.lock", text));
	struct lock_owner o;
	ck_assert_int_eq(lock_take(config, &o), LOCK_HELD);
	ck_assert_int_eq(lock_release(config), -1);
	lock_cleanup();
	ck_assert_msg(exists(lock), "another process's lock was removed");
	free(text), free(lock), free(config), free(dir);
}
END_TEST

START_TEST(new_file_releases_by_the_same_name)
{
	/* set and preset lock a file they are about to create, by a name
	 * relative to the working directory */
	char *dir = tmpdir_new();
	ck_assert_int_eq(chdir(dir), 0);
	struct lock_owner o;
	ck_assert_int_eq(lock_take("new.ini", &o), LOCK_TAKEN);
	char *lock = xasprintf("%s/new.ini.lock", dir);
	ck_assert(exists(lock));
	free(mkfile(dir, "new.ini", "[smtp]\n"));
	ck_assert_int_eq(lock_release("new.ini"), 0);
	ck_assert(!exists(lock));
	free(lock), free(dir);
}
END_TEST

/* A lock as this version writes it, for pid, on this host. */
static char *flock_lock_text(pid_t pid)
{
	char host[256];
	ck_assert_int_eq(gethostname(host, sizeof host), 0);
	host[sizeof host - 1] = '\0';
	return xasprintf("pid=%ld\nhost=%s\nuser=x\nsince=1\nlock=flock\n", (long)pid, host);
}

START_TEST(held_lock_holds_its_flock)
{
	/* the lock is flock()ed for its holder's life, by another open file
	 * description than any a reader makes */
	char *dir = tmpdir_new();
	char *config = mkfile(dir, "mail.ini", "[smtp]\n");
	char *lock = lock_path(config);
	struct lock_owner o;
	ck_assert_int_eq(lock_take(config, &o), LOCK_TAKEN);
	ck_assert(o.flock);
	int fd = open(lock, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(flock(fd, LOCK_SH | LOCK_NB), -1);
	ck_assert_int_eq(errno, EWOULDBLOCK);
	ck_assert_int_eq(lock_release(config), 0);
	close(fd);
	free(lock), free(config), free(dir);
}
END_TEST

START_TEST(reused_pid_is_stale)
{
	/* a lock left by a killed holder whose pid is now a live process's
	 * (here the parent's): nobody holds it, so it is stale and breaks */
	char *dir = tmpdir_new();
	char *config = mkfile(dir, "mail.ini", "[smtp]\n");
	char *lock = lock_path(config), *text = flock_lock_text(getppid());
	free(mkfile(dir, "mail.ini.lock", text));
	struct lock_owner o;
	ck_assert_int_eq(lock_take(config, &o), LOCK_STALE);
	ck_assert_int_eq(o.pid, getppid());
	ck_assert_int_eq(lock_break(config, &o), LOCK_TAKEN);
	ck_assert_int_eq(o.pid, getpid());
	ck_assert_int_eq(lock_release(config), 0);
	ck_assert(!exists(lock));
	free(text), free(lock), free(config), free(dir);
}
END_TEST

START_TEST(flock_held_lock_is_live_whatever_its_pid)
{
	/* a held lock is live even when its pid says nothing (gone); and
	 * lock_break() never removes it */
	char *dir = tmpdir_new();
	char *config = mkfile(dir, "mail.ini", "[smtp]\n");
	pid_t gone = fork();
	if (gone == 0)
		_exit(0);
	ck_assert_int_eq(waitpid(gone, NULL, 0), gone);
	char *lock = lock_path(config), *text = flock_lock_text(gone);
	free(mkfile(dir, "mail.ini.lock", text));
	int fd = open(lock, O_RDONLY);
	ck_assert_int_eq(flock(fd, LOCK_EX | LOCK_NB), 0);
	struct lock_owner o;
	ck_assert_int_eq(lock_take(config, &o), LOCK_HELD);
	ck_assert_int_eq(o.pid, gone);
	ck_assert_int_eq(lock_break(config, &o), LOCK_HELD);
	char *now = slurp(lock);
	ck_assert_str_eq(now, text);
	close(fd); /* its holder is gone now: stale */
	ck_assert_int_eq(lock_take(config, &o), LOCK_STALE);
	ck_assert_int_eq(lock_break(config, &o), LOCK_TAKEN);
	ck_assert_int_eq(lock_release(config), 0);
	free(now), free(text), free(lock), free(config), free(dir);
}
END_TEST

START_TEST(old_lock_judged_by_pid)
{
	/* no "lock=flock" (an older version's, or made by hand): a live pid
	 * keeps it */
	char *dir = tmpdir_new();
	char *config = mkfile(dir, "mail.ini", "[smtp]\n");
	char *text = flock_lock_text(getppid());
	*strstr(text, "lock=flock") = '\0';
	free(mkfile(dir, "mail.ini.lock", text));
	struct lock_owner o;
	ck_assert_int_eq(lock_take(config, &o), LOCK_HELD);
	ck_assert(!o.flock);
	ck_assert_int_eq(lock_break(config, &o), LOCK_HELD);
	free(text), free(config), free(dir);
}
END_TEST

/* ------------------------------------------------------- util_write_new */

static int nwrites, fail_after, fsync_calls;
static int fail_errno;

static ssize_t write_dribble(int fd, const void *buf, size_t n)
{
	/* one byte at a time, with an EINTR before every other byte */
	if (nwrites++ % 2 == 0) {
		errno = EINTR;
		return -1;
	}
	return write(fd, buf, n ? 1 : 0);
}

static ssize_t write_then_fail(int fd, const void *buf, size_t n)
{
	if (fail_after <= 0) {
		errno = fail_errno;
		return -1;
	}
	size_t k = n < (size_t)fail_after ? n : (size_t)fail_after;
	fail_after -= (int)k;
	return write(fd, buf, k);
}

static ssize_t write_nothing(int fd, const void *buf, size_t n)
{
	(void)fd, (void)buf, (void)n;
	return 0;
}

static int fsync_fails(int fd)
{
	(void)fd;
	fsync_calls++;
	errno = EIO;
	return -1;
}

static int close_fails(int fd)
{
	close(fd);
	errno = EDQUOT;
	return -1;
}

static const char TEXT[] = "S: 220 smtp.example.com ESMTP\nC: EHLO shop.example\n";

START_TEST(write_new_file)
{
	char *dir = tmpdir_new();
	char *path = xasprintf("%s/report.txt", dir);
	mode_t old = umask(022);
	ck_assert_int_eq(util_write_new(path, TEXT, strlen(TEXT), 0600, 0), 0);
	umask(old);
	char *got = slurp(path);
	ck_assert_str_eq(got, TEXT);
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	free(got);
	/* an existing file is not touched */
	errno = 0;
	ck_assert_int_eq(util_write_new(path, "other", 5, 0600, 0), -1);
	ck_assert_int_eq(errno, EEXIST);
	got = slurp(path);
	ck_assert_str_eq(got, TEXT);
	free(got), free(path), free(dir);
}
END_TEST

START_TEST(write_short_and_interrupted)
{
	char *dir = tmpdir_new();
	char *path = xasprintf("%s/report.txt", dir);
	const struct util_io io = { write_dribble, fsync, close };
	util_set_io(&io);
	ck_assert_int_eq(util_write_new(path, TEXT, strlen(TEXT), 0600, 0), 0);
	util_set_io(NULL);
	ck_assert_int_eq(nwrites, 2 * (int)strlen(TEXT));
	char *got = slurp(path);
	ck_assert_str_eq(got, TEXT);
	free(got), free(path), free(dir);
}
END_TEST

START_TEST(write_failures_leave_nothing)
{
	static const struct {
		struct util_io io;
		int after, err, want;
	} cases[] = {
		{ { write_then_fail, fsync, close }, 0, ENOSPC, ENOSPC },
		{ { write_then_fail, fsync, close }, 7, EIO, EIO },
		{ { write_nothing, fsync, close }, 0, 0, EIO },
		{ { write, fsync_fails, close }, 0, 0, EIO },
		{ { write, fsync, close_fails }, 0, 0, EDQUOT },
	};
	char *dir = tmpdir_new();
	char *path = xasprintf("%s/report.txt", dir);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		fail_after = cases[i].after;
		fail_errno = cases[i].err;
		util_set_io(&cases[i].io);
		errno = 0;
		int rc = util_write_new(path, TEXT, strlen(TEXT), 0600, 0);
		int err = errno;
		util_set_io(NULL);
		ck_assert_msg(rc == -1 && err == cases[i].want, "case %zu: rc %d, errno %s", i, rc,
			      strerror(err));
		ck_assert_msg(entries(dir) == 0, "case %zu left a file", i);
	}
	free(path), free(dir);
}
END_TEST

START_TEST(write_trunc_overwrites_in_place)
{
	char *dir = tmpdir_new();
	char *path = mkfile(dir, "out.txt", "a much longer old text than the new one\n");
	ck_assert_int_eq(chmod(path, 0640), 0);
	struct stat before, after;
	ck_assert_int_eq(stat(path, &before), 0);
	ck_assert_int_eq(util_write_new(path, "new\n", 4, 0600, UTIL_WRITE_TRUNC), 0);
	char *got = slurp(path);
	ck_assert_str_eq(got, "new\n");
	ck_assert_int_eq(stat(path, &after), 0);
	ck_assert_uint_eq(after.st_ino, before.st_ino);
	/* it may hold what only its owner should read: the mode asked */
	ck_assert_uint_eq(after.st_mode & 07777, 0600);
	free(got);
	/* never through a symbolic link */
	char *victim = mkfile(dir, "victim", "keep\n");
	char *link = xasprintf("%s/link", dir);
	ck_assert_int_eq(symlink(victim, link), 0);
	errno = 0;
	ck_assert_int_eq(util_write_new(link, "x", 1, 0600, UTIL_WRITE_TRUNC), -1);
	ck_assert_int_eq(errno, ELOOP);
	char *kept = slurp(victim);
	ck_assert_str_eq(kept, "keep\n");
	free(kept);
	unlink(link);
	unlink(victim);
	free(link);
	free(victim);
	/* a failure does not remove what it did not create */
	const struct util_io io = { write, fsync_fails, close };
	util_set_io(&io);
	ck_assert_int_eq(util_write_new(path, "x", 1, 0600, UTIL_WRITE_TRUNC), -1);
	util_set_io(NULL);
	ck_assert(exists(path));
	/* a new name is created, and removed again on failure */
	char *fresh = xasprintf("%s/fresh.txt", dir);
	util_set_io(&io);
	ck_assert_int_eq(util_write_new(fresh, "x", 1, 0600, UTIL_WRITE_TRUNC), -1);
	util_set_io(NULL);
	ck_assert(!exists(fresh));
	ck_assert_int_eq(util_write_new(fresh, "x", 1, 0600, UTIL_WRITE_TRUNC), 0);
	ck_assert(exists(fresh));
	free(fresh), free(path), free(dir);
}
END_TEST

START_TEST(write_trunc_to_a_device)
{
	/* --save /dev/null (or /dev/stdout): no fsync asked of a device */
	const struct util_io io = { write, fsync_fails, close };
	fsync_calls = 0;
	util_set_io(&io);
	ck_assert_int_eq(util_write_new("/dev/null", TEXT, strlen(TEXT), 0600, UTIL_WRITE_TRUNC),
			 0);
	util_set_io(NULL);
	ck_assert_int_eq(fsync_calls, 0);
}
END_TEST

START_TEST(write_trunc_fifo_never_hangs_nor_anothers)
{
	/* a FIFO at --save's name: nobody reading it fails at once (ENXIO);
	 * one of another user's is refused (EPERM) even with a reader */
	char *dir = tmpdir_new();
	char *fifo = xasprintf("%s/report.txt", dir);
	ck_assert_int_eq(mkfifo(fifo, 0666), 0);
	errno = 0;
	ck_assert_int_eq(util_write_new(fifo, TEXT, strlen(TEXT), 0600, UTIL_WRITE_TRUNC), -1);
	ck_assert_int_eq(errno, ENXIO);
	ck_assert_ptr_nonnull(util_write_why(fifo, ENXIO));
	if (geteuid() == 0) {
		ck_assert_int_eq(chown(fifo, 65534, 65534), 0);
		int r = open(fifo, O_RDONLY | O_NONBLOCK); /* a reader */
		ck_assert_int_ge(r, 0);
		errno = 0;
		ck_assert_int_eq(util_write_new(fifo, TEXT, strlen(TEXT), 0600, UTIL_WRITE_TRUNC),
				 -1);
		ck_assert_int_eq(errno, EPERM);
		char buf[8];
		ck_assert_int_le(read(r, buf, sizeof buf), 0); /* nothing came */
		close(r);
	}
	free(fifo), free(dir);
}
END_TEST

START_TEST(write_all_to_a_pipe)
{
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(util_write_all(p[1], TEXT, strlen(TEXT), NULL), 0);
	close(p[1]);
	char buf[sizeof TEXT] = { 0 };
	ck_assert_int_eq(read(p[0], buf, sizeof buf), (ssize_t)strlen(TEXT));
	ck_assert_str_eq(buf, TEXT);
	close(p[0]);
}
END_TEST

/* --------------------------------------------- the save's temporary file */

static const char *save_dir;
static size_t seen_during_write;

static ssize_t write_after_crash(int fd, const void *buf, size_t n)
{
	/* what out of memory here would do: the temporary file goes */
	(void)fd, (void)buf, (void)n;
	lock_cleanup();
	seen_during_write = entries(save_dir);
	errno = EIO;
	return -1;
}

START_TEST(save_temporary_file_is_listed)
{
	char *dir = tmpdir_new();
	char *path = mkfile(dir, "mail.ini", "[smtp]\nhost = a.example\n");
	save_dir = dir;
	const struct ini_io io = { mkostemp, write_after_crash, fsync, close, rename, fsync };
	inifile_set_io(&io);
	struct ini_error e;
	ck_assert_int_eq(inifile_write_atomic(path, "[smtp]\nhost = b.example\n", 24, &e),
			 INI_IOERR);
	inifile_set_io(NULL);
	ck_assert_msg(seen_during_write == 1, "lock_cleanup() left the save's temporary file");
	ck_assert_uint_eq(entries(dir), 1);
	/* a save that succeeds leaves its entry free, and its file */
	ck_assert_int_eq(inifile_write_atomic(path, "[smtp]\nhost = c.example\n", 24, &e), INI_OK);
	for (int i = 0; i < LOCK_TEMPFILES; i++)
		ck_assert_msg(lock_tempfile_add(path) >= 0, "entry %d of the list is still taken", i);
	for (int i = 0; i < LOCK_TEMPFILES; i++)
		lock_tempfile_forget(i);
	lock_cleanup();
	ck_assert(exists(path));
	free(path), free(dir);
}
END_TEST

static Suite *lock_suite(void)
{
	Suite *s = suite_create("lock");
	TCase *tc = tcase_create("list");
	tcase_add_test(tc, cleanup_removes_what_was_added);
	tcase_add_test(tc, remove_and_forget_take_one_off);
	tcase_add_test(tc, full_list_lists_nothing);
	tcase_add_test(tc, refused_names);
	tcase_add_test(tc, replaced_file_left_alone);
	tcase_add_test(tc, child_leaves_parents_files);
	tcase_add_test(tc, exit_removes_the_list);
	tcase_add_test(tc, out_of_memory_removes_the_lock);
	tcase_add_test(tc, save_temporary_file_is_listed);
	suite_add_tcase(s, tc);
	tc = tcase_create("lock");
	tcase_add_test(tc, take_then_release);
	tcase_add_test(tc, taken_lock_goes_at_cleanup);
	tcase_add_test(tc, release_never_anothers);
	tcase_add_test(tc, new_file_releases_by_the_same_name);
	tcase_add_test(tc, held_lock_holds_its_flock);
	tcase_add_test(tc, reused_pid_is_stale);
	tcase_add_test(tc, flock_held_lock_is_live_whatever_its_pid);
	tcase_add_test(tc, old_lock_judged_by_pid);
	suite_add_tcase(s, tc);
	tc = tcase_create("write_new");
	tcase_add_test(tc, write_new_file);
	tcase_add_test(tc, write_short_and_interrupted);
	tcase_add_test(tc, write_failures_leave_nothing);
	tcase_add_test(tc, write_trunc_overwrites_in_place);
	tcase_add_test(tc, write_trunc_to_a_device);
	tcase_add_test(tc, write_trunc_fifo_never_hangs_nor_anothers);
	tcase_add_test(tc, write_all_to_a_pipe);
	suite_add_tcase(s, tc);
	return s;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "--oom-child"))
		return oom_child(argv[2], argv[3]);
	self = realpath(argv[0], NULL);
	if (!self) {
		perror(argv[0]);
		return EXIT_FAILURE;
	}
	if (!tmp_root_make("check_lock"))
		return EXIT_FAILURE;
	int failed = suite_run(lock_suite());
	tmp_root_remove("check_lock");
	free(self);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
