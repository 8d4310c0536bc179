/* SPDX-License-Identifier: MIT */
/* check_faults.c - the save path when the system fails it (issue 5, item 4).
 *
 * 1. Every step of inifile_write_atomic() (mkstemp, write, fsync, close,
 *    rename, directory fsync) fails with the errors it can really meet
 *    (ENOSPC, EIO, EROFS, EXDEV), injected through inifile_set_io(), for
 *    settings_save() and for config_save(force): the save returns -1, the
 *    file is byte-identical to the old version (to the new one when only the
 *    directory fsync after the rename failed), no temporary file or file
 *    descriptor is left, e.msg holds strerror() of the error, the values
 *    being edited are unchanged, and a retry with working I/O saves them.
 * 2. A process killed (SIGKILL) before and after each step, and in the
 *    middle of the write: the file is the old or the new version, never
 *    anything else; inifile_clean_temps() (what the next start does under
 *    the lock) removes what was left and nothing else.
 * 3. A real full disk: a 16 KiB tmpfs filled up (root only; otherwise a SKIP
 *    line says why), a read-only tmpfs, and writes that land on /dev/full;
 *    through the model and through the command line ($MAILSET).
 *
 * Each test runs in its own process (CK_FORK) and restores the real I/O. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "mailset/config.h"
#include "mailset/inifile.h"
#include "mailset/settings.h"
#include "mailset/util.h"
#include "testutil.h"

static const char OLD_INI[] =
	"; shop mail settings\n"
	"[basic]\n"
	"contact_email = support@example.com\n"
	"system_email = noreply@example.com\n"
	"system_sender_name = Example Shop   ; shown as the sender\n"
	"bcc =\n"
	"\n"
	"[smtp]\n"
	"host = smtp.example.com\n"
	"port = 587\n"
	"username = noreply@example.com\n"
	"password = secret123\n"
	"auth = plain\n"
	"tls = on\n"
	"[local]\n"
	"note = kept as it is\n";
#define NEW_NAME "\xE6\x96\xB0\xE3\x81\x97\xE3\x81\x84\xE5\xBA\x97 New Shop" /* 新しい店 */
#define NEW_BCC "audit@example.com, boss@example.com"

/* --- files ----------------------------------------------------------------- */

/* Every test's files live under one directory that main() removes. */
static bool can_mount;



static char *slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
	struct strbuf sb = { 0 };
	char buf[4096];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		sb_add(&sb, buf, (size_t)n);
	close(fd);
	*len = sb.len;
	if (!sb.buf)
		sb_adds(&sb, "");
	return sb_steal(&sb);
}

static void spew(const char *path, const char *data, size_t n, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	ck_assert_msg(fd >= 0, "create %s: %s", path, strerror(errno));
	ck_assert_int_eq(write(fd, data, n), (ssize_t)n);
	close(fd);
	ck_assert_int_eq(chmod(path, mode), 0);
}

static bool same_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

/* The directory's entries, sorted, each followed by a blank. */
static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *dir_list(const char *dir)
{
	DIR *d = opendir(dir);
	ck_assert_msg(d != NULL, "opendir %s: %s", dir, strerror(errno));
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		names = xgrow(names, n, sizeof *names);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_names);
	struct strbuf sb = { 0 };
	for (size_t i = 0; i < n; i++) {
		sb_addf(&sb, "%s ", names[i]);
		free(names[i]);
	}
	free(names);
	if (!sb.buf)
		sb_adds(&sb, "");
	return sb_steal(&sb);
}

static void expect_dir(const char *dir, const char *want, const char *what)
{
	char *ls = dir_list(dir);
	ck_assert_msg(!strcmp(ls, want), "%s: directory holds \"%s\", expected \"%s\"", what, ls,
		      want);
	free(ls);
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	ck_assert(d != NULL);
	int n = 0;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* --- a configuration being edited ---------------------------------------------- */

struct fx {
	char *dir;
	struct config c;        /* loaded from OLD_INI, values changed */
	struct settings edits;  /* a copy of c.s: what the editor holds */
	char *newbytes;         /* what a successful save writes */
	size_t newlen;
};

static void fx_open(struct fx *x, const char *dir)
{
	memset(x, 0, sizeof *x);
	x->dir = xstrdup(dir);
	x->c.path = xasprintf("%s/mail.ini", dir);
	spew(x->c.path, OLD_INI, sizeof OLD_INI - 1, 0600);
	struct ini_error e;
	ck_assert_msg(config_load(&x->c, false, &e) == INI_OK, "load: %s", e.msg);
	settings_set(&x->c.s, F_SENDER_NAME, NEW_NAME);
	settings_set(&x->c.s, F_BCC, NEW_BCC);
	settings_copy(&x->edits, &x->c.s);

	struct strbuf out;
	struct ini_doc nd;
	memset(&nd, 0, sizeof nd);
	ck_assert_msg(settings_render(&x->c.doc, &x->c.s, &out, &nd, &e) == 0, "render: %s",
		      e.msg);
	inifile_free(&nd);
	x->newlen = out.len;
	x->newbytes = sb_steal(&out);
	ck_assert(!same_bytes(x->newbytes, x->newlen, OLD_INI, sizeof OLD_INI - 1));
}

static void fx_setup(struct fx *x)
{
	char *d = tmpdir_new();
	fx_open(x, d);
	free(d);
}

static void fx_free(struct fx *x)
{
	config_free(&x->c);
	settings_free(&x->edits);
	free(x->newbytes);
	free(x->dir);
}

enum version { OLD, NEW };

static enum version file_version(const struct fx *x, const char *what)
{
	size_t len;
	char *got = slurp(x->c.path, &len);
	bool old = same_bytes(got, len, OLD_INI, sizeof OLD_INI - 1);
	bool new = same_bytes(got, len, x->newbytes, x->newlen);
	ck_assert_msg(old || new, "%s: the file is neither the old nor the new version "
		      "(%zu bytes: \"%.*s\")", what, len, (int)(len > 300 ? 300 : len), got);
	free(got);
	return old ? OLD : NEW;
}

static void expect_version(const struct fx *x, enum version want, const char *what)
{
	enum version v = file_version(x, what);
	ck_assert_msg(v == want, "%s: the file is the %s version, expected the %s one", what,
		      v == OLD ? "old" : "new", want == OLD ? "old" : "new");
	struct stat st;
	ck_assert_int_eq(stat(x->c.path, &st), 0);
	ck_assert_msg((st.st_mode & 07777) == 0600, "%s: mode %04o, expected 0600", what,
		      (unsigned)(st.st_mode & 07777));
}

/* The values in the editor are still the edits. */
static void expect_edits_kept(const struct fx *x, const char *what)
{
	for (int i = 0; i < F_COUNT; i++) {
		const char *a = x->c.s.value[i], *b = x->edits.value[i];
		ck_assert_msg((!a && !b) || (a && b && !strcmp(a, b)),
			      "%s: %s is now \"%s\", the editor had \"%s\"", what,
			      settings_field_name(i), a ? a : "(unset)", b ? b : "(unset)");
	}
}

/* The document is still the one loaded: rendering it unchanged gives the old
 * bytes. */
static void expect_doc_old(const struct fx *x, const char *what)
{
	struct strbuf out;
	struct ini_error e;
	ck_assert(inifile_render(&x->c.doc, NULL, 0, &out, &e) == INI_OK);
	ck_assert_msg(same_bytes(out.buf ? out.buf : "", out.len, OLD_INI, sizeof OLD_INI - 1),
		      "%s: the loaded document changed although the save failed", what);
	sb_free(&out);
}

/* --- injected failures ------------------------------------------------------------ */

enum step { S_MKSTEMP, S_WRITE, S_FSYNC, S_CLOSE, S_RENAME, S_FSYNC_DIR };
static const char *const step_name[] = { "mkstemp", "write", "fsync", "close", "rename",
					 "fsync(dir)" };

struct fault {
	enum step step;
	int err;
	bool partial; /* write: half the data goes out first, then the error */
};

/* Where each error can really come from (Linux, local and network file
 * systems): EXDEV only from rename, EROFS where a read-only file system is
 * noticed, ENOSPC/EIO wherever data or metadata is written or flushed
 * (close reports deferred write errors on NFS). */
static const struct fault faults[] = {
	{ S_MKSTEMP, ENOSPC, false },   { S_MKSTEMP, EIO, false },    { S_MKSTEMP, EROFS, false },
	{ S_WRITE, ENOSPC, false },     { S_WRITE, EIO, false },      { S_WRITE, ENOSPC, true },
	{ S_WRITE, EIO, true },         { S_FSYNC, ENOSPC, false },   { S_FSYNC, EIO, false },
	{ S_FSYNC, EROFS, false },      { S_CLOSE, ENOSPC, false },   { S_CLOSE, EIO, false },
	{ S_RENAME, ENOSPC, false },    { S_RENAME, EIO, false },     { S_RENAME, EROFS, false },
	{ S_RENAME, EXDEV, false },     { S_FSYNC_DIR, ENOSPC, false }, { S_FSYNC_DIR, EIO, false },
	{ S_FSYNC_DIR, EROFS, false },
};
#define NFAULTS ((int)(sizeof faults / sizeof faults[0]))

static const struct fault *cur;
static int write_calls;

static int f_mkstemp(char *tmpl, int flags)
{
	if (cur->step == S_MKSTEMP) {
		errno = cur->err;
		return -1;
	}
	return mkostemp(tmpl, flags);
}

static ssize_t f_write(int fd, const void *buf, size_t n)
{
	if (cur->step == S_WRITE) {
		if (cur->partial && write_calls++ == 0)
			return write(fd, buf, n > 1 ? n / 2 : n);
		errno = cur->err;
		return -1;
	}
	return write(fd, buf, n);
}

static int f_fsync(int fd)
{
	if (cur->step == S_FSYNC) {
		errno = cur->err;
		return -1;
	}
	return fsync(fd);
}

/* close() that reports an error has still closed the descriptor (Linux). */
static int f_close(int fd)
{
	int r = close(fd);
	if (cur->step == S_CLOSE) {
		errno = cur->err;
		return -1;
	}
	return r;
}

static int f_rename(const char *from, const char *to)
{
	if (cur->step == S_RENAME) {
		errno = cur->err;
		return -1;
	}
	return rename(from, to);
}

static int f_fsync_dir(int fd)
{
	if (cur->step == S_FSYNC_DIR) {
		errno = cur->err;
		return -1;
	}
	return fsync(fd);
}

static const struct ini_io fault_io = { f_mkstemp, f_write, f_fsync, f_close, f_rename,
					f_fsync_dir };

static void io_reset(void)
{
	inifile_set_io(NULL);
}

/* Test i: faults[i / 2], saved through settings_save() (even i) or through
 * config_save(force) (odd i). */
START_TEST(test_injected_fault)
{
	const struct fault *f = &faults[_i / 2];
	bool via_config = _i % 2;
	char what[160];
	snprintf(what, sizeof what, "%s fails with %s%s, %s", step_name[f->step],
		 strerrorname_np(f->err), f->partial ? " after a partial write" : "",
		 via_config ? "config_save" : "settings_save");

	struct fx x;
	fx_setup(&x);
	int fds = count_fds();
	cur = f;
	write_calls = 0;
	inifile_set_io(&fault_io);
	struct ini_error e;
	memset(&e, 0, sizeof e);
	int rc = via_config ? config_save(&x.c, true, &e)
			    : settings_save(x.c.path, &x.c.doc, &x.c.s, &e);
	inifile_set_io(NULL);

	ck_assert_msg(rc == -1, "%s: the save returned %d", what, rc);
	ck_assert_msg(e.status == INI_IOERR, "%s: status %d", what, (int)e.status);
	ck_assert_msg(e.err == f->err, "%s: e.err is %d (%s)", what, e.err, strerror(e.err));
	ck_assert_msg(strstr(e.msg, strerror(f->err)) != NULL,
		      "%s: the message \"%s\" does not say \"%s\"", what, e.msg, strerror(f->err));
	ck_assert_msg(e.create == (f->step == S_MKSTEMP), "%s: e.create is %d", what, e.create);
	ck_assert_msg(config_save_status(&e) == (f->step == S_MKSTEMP ? EX_CANTCREAT : EX_IOERR),
		      "%s: exit status %d", what, config_save_status(&e));
	/* The directory fsync comes after the rename: the new version is in
	 * place, only its durability is in doubt. */
	expect_version(&x, f->step == S_FSYNC_DIR ? NEW : OLD, what);
	expect_dir(x.dir, "mail.ini ", what);
	ck_assert_msg(count_fds() == fds, "%s: %d file descriptor(s) left open", what,
		      count_fds() - fds);
	expect_edits_kept(&x, what);
	expect_doc_old(&x, what);

	/* Nobody else touched the file: a retry with working I/O must not be
	 * refused as "changed on disk", and saves the edits. */
	if (via_config) {
		ck_assert_msg(!config_changed_on_disk(&x.c),
			      "%s: after the failed save, config_changed_on_disk() says someone "
			      "else changed the file (a retry without force is refused)", what);
		rc = config_save(&x.c, false, &e);
		ck_assert_msg(rc == 0, "%s: the retry failed: %s", what, e.msg);
	} else {
		rc = settings_save(x.c.path, &x.c.doc, &x.c.s, &e);
		ck_assert_msg(rc == 0, "%s: the retry failed: %s", what, e.msg);
	}
	expect_version(&x, NEW, what);
	expect_dir(x.dir, "mail.ini ", what);
	rm_rf(x.dir);
	fx_free(&x);
}
END_TEST

/* EINTR and short writes are not errors: the save completes. */
static int eintr_left;

static ssize_t w_short(int fd, const void *buf, size_t n)
{
	if (eintr_left > 0 && eintr_left-- % 2) {
		errno = EINTR;
		return -1;
	}
	return write(fd, buf, n > 3 ? 3 : n);
}

START_TEST(test_short_writes_and_eintr)
{
	struct fx x;
	fx_setup(&x);
	const struct ini_io io = { mkostemp, w_short, fsync, close, rename, fsync };
	eintr_left = 9;
	inifile_set_io(&io);
	struct ini_error e;
	int rc = config_save(&x.c, false, &e);
	inifile_set_io(NULL);
	ck_assert_msg(rc == 0, "save with 3-byte writes and EINTR failed: %s", e.msg);
	expect_version(&x, NEW, "3-byte writes");
	expect_dir(x.dir, "mail.ini ", "3-byte writes");
	rm_rf(x.dir);
	fx_free(&x);
}
END_TEST

/* --- a save killed half-way --------------------------------------------------------- */

enum when { BEFORE, MIDWAY, AFTER };
static const char *const when_name[] = { "before", "in the middle of", "after" };

struct kill_at {
	enum step step;
	enum when when;
};
static const struct kill_at kills[] = {
	{ S_MKSTEMP, BEFORE }, { S_MKSTEMP, AFTER },   { S_WRITE, BEFORE },   { S_WRITE, MIDWAY },
	{ S_WRITE, AFTER },    { S_FSYNC, BEFORE },    { S_FSYNC, AFTER },    { S_CLOSE, BEFORE },
	{ S_CLOSE, AFTER },    { S_RENAME, BEFORE },   { S_RENAME, AFTER },   { S_FSYNC_DIR, BEFORE },
	{ S_FSYNC_DIR, AFTER },
};
#define NKILLS ((int)(sizeof kills / sizeof kills[0]))

static const struct kill_at *kat;

static void die_at(enum step s, enum when w)
{
	if (kat->step == s && kat->when == w)
		raise(SIGKILL);
}

static int k_mkstemp(char *tmpl, int flags)
{
	die_at(S_MKSTEMP, BEFORE);
	int fd = mkostemp(tmpl, flags);
	die_at(S_MKSTEMP, AFTER);
	return fd;
}

static ssize_t k_write(int fd, const void *buf, size_t n)
{
	die_at(S_WRITE, BEFORE);
	if (kat->step == S_WRITE && kat->when == MIDWAY) {
		ssize_t w = write(fd, buf, n > 1 ? n / 2 : n);
		(void)w;
		raise(SIGKILL);
	}
	ssize_t w = write(fd, buf, n);
	die_at(S_WRITE, AFTER);
	return w;
}

static int k_fsync(int fd)
{
	die_at(S_FSYNC, BEFORE);
	int r = fsync(fd);
	die_at(S_FSYNC, AFTER);
	return r;
}

static int k_close(int fd)
{
	die_at(S_CLOSE, BEFORE);
	int r = close(fd);
	die_at(S_CLOSE, AFTER);
	return r;
}

static int k_rename(const char *from, const char *to)
{
	die_at(S_RENAME, BEFORE);
	int r = rename(from, to);
	die_at(S_RENAME, AFTER);
	return r;
}

static int k_fsync_dir(int fd)
{
	die_at(S_FSYNC_DIR, BEFORE);
	int r = fsync(fd);
	die_at(S_FSYNC_DIR, AFTER);
	return r;
}

static const struct ini_io kill_io = { k_mkstemp, k_write, k_fsync, k_close, k_rename,
				       k_fsync_dir };

/* Save x's edits in a child that is killed at kat; expects it died so. */
static void save_killed(struct fx *x, const char *what)
{
	fflush(NULL);
	pid_t pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		inifile_set_io(&kill_io);
		struct ini_error e;
		int rc = settings_save(x->c.path, &x->c.doc, &x->c.s, &e);
		_exit(rc == 0 ? 0 : 3);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		      "%s: the saving process was not killed there (status %#x)", what, status);
}

/* Files next to the configuration that are not a save's temporary files:
 * the clean-up must leave them. */
static const char *const decoys[] = { ".mail.ini.bak",     ".mail.ini.1234567", ".mail.ini.ABCDE",
				      ".mail.ini~",        "mail.ini.ABCDEF",   ".other.ini.ABCDEF",
				      ".mail.inix.ABCDEF", "mail.ini.lock",     ".mail.ini.backup",
				      "mail.ini.lock.mine00", ".mail.ini.mailset-1234567" };

static int count_temps(const char *dir)
{
	DIR *d = opendir(dir);
	ck_assert(d != NULL);
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL)
		n += !strncmp(de->d_name, ".mail.ini.mailset-", 18) && strlen(de->d_name) == 24;
	closedir(d);
	return n;
}

START_TEST(test_killed_save)
{
	kat = &kills[_i];
	char what[160];
	snprintf(what, sizeof what, "killed %s %s", when_name[kat->when], step_name[kat->step]);
	struct fx x;
	fx_setup(&x);
	for (size_t i = 0; i < sizeof decoys / sizeof decoys[0]; i++) {
		char *p = xasprintf("%s/%s", x.dir, decoys[i]);
		spew(p, "decoy\n", 6, 0600);
		free(p);
	}
	char *before = dir_list(x.dir);

	save_killed(&x, what);

	bool renamed = kat->step == S_FSYNC_DIR || (kat->step == S_RENAME && kat->when == AFTER);
	/* never torn: the old version up to the rename, the new one from it */
	expect_version(&x, renamed ? NEW : OLD, what);
	int left = renamed || (kat->step == S_MKSTEMP && kat->when == BEFORE) ? 0 : 1;
	ck_assert_msg(count_temps(x.dir) == left, "%s: %d temporary file(s), expected %d", what,
		      count_temps(x.dir), left);

	/* The next start, holding the lock, cleans up. */
	int n = inifile_clean_temps(x.c.path);
	ck_assert_msg(n == left, "%s: inifile_clean_temps() removed %d, expected %d", what, n,
		      left);
	expect_dir(x.dir, before, what);
	ck_assert_int_eq(inifile_clean_temps(x.c.path), 0);

	/* ... and loads and saves normally. */
	struct config c = { .path = xstrdup(x.c.path) };
	struct ini_error e;
	ck_assert_msg(config_load(&c, false, &e) == INI_OK, "%s: reload: %s", what, e.msg);
	settings_set(&c.s, F_PORT, "465");
	ck_assert_msg(config_save(&c, false, &e) == 0, "%s: next save: %s", what, e.msg);
	expect_dir(x.dir, before, what);
	free(before);
	config_free(&c);
	rm_rf(x.dir);
	fx_free(&x);
}
END_TEST

/* Through a symbolic link the temporary file is made next to the real file;
 * cleaning up by the link's name finds it there. */
START_TEST(test_killed_save_symlink)
{
	static const struct kill_at k = { S_WRITE, AFTER };
	kat = &k;
	char *top = tmpdir_new();
	char *real = xasprintf("%s/real", top), *link = xasprintf("%s/link", top);
	ck_assert_int_eq(mkdir(real, 0700), 0);
	ck_assert_int_eq(mkdir(link, 0700), 0);
	struct fx x;
	fx_open(&x, real);
	char *lpath = xasprintf("%s/mail.ini", link);
	ck_assert_int_eq(symlink(x.c.path, lpath), 0);
	free(x.c.path);
	x.c.path = lpath;

	save_killed(&x, "killed after write, through a link");
	ck_assert_int_eq(count_temps(real), 1);
	ck_assert_int_eq(inifile_clean_temps(lpath), 1);
	expect_dir(real, "mail.ini ", "after clean-up through a link");
	expect_dir(link, "mail.ini ", "after clean-up through a link");
	struct stat st;
	ck_assert_int_eq(lstat(lpath, &st), 0);
	ck_assert_msg(S_ISLNK(st.st_mode), "the link was replaced");
	expect_version(&x, OLD, "killed after write, through a link");

	rm_rf(top);
	fx_free(&x);
	free(real);
	free(link);
	free(top);
}
END_TEST

/* --- a real full disk --------------------------------------------------------------- */

static char *mnt;

static void mount_tmpfs(const char *opts)
{
	ck_assert_msg(mount("tmpfs", mnt, "tmpfs", MS_NOSUID | MS_NODEV, opts) == 0,
		      "mount tmpfs (%s) on %s: %s", opts, mnt, strerror(errno));
}

static void unmount(void)
{
	if (umount2(mnt, 0) < 0)
		umount2(mnt, MNT_DETACH);
}

/* Fill the file system with fill until a write fails; that must be ENOSPC. */
static void fill_up(const char *fill)
{
	int fd = open(fill, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_msg(fd >= 0, "create %s: %s", fill, strerror(errno));
	static const char block[4096];
	size_t total = 0;
	ssize_t w;
	while ((w = write(fd, block, sizeof block)) > 0)
		total += (size_t)w;
	ck_assert_msg(w < 0 && errno == ENOSPC, "filling the tmpfs: %s after %zu bytes",
		      w < 0 ? strerror(errno) : "no error", total);
	while ((w = write(fd, block, 1)) > 0)
		;
	ck_assert_int_eq(close(fd), 0);
}

START_TEST(test_tmpfs_full)
{
	mount_tmpfs("size=16k,mode=0700");
	struct fx x;
	fx_open(&x, mnt);
	char *fill = xasprintf("%s/filler", mnt);
	fill_up(fill);

	struct ini_error e;
	int rc = config_save(&x.c, false, &e);
	ck_assert_msg(rc == -1, "a save on a full disk returned %d", rc);
	ck_assert_msg(e.err == ENOSPC, "e.err is %s", strerror(e.err));
	ck_assert_msg(strstr(e.msg, strerror(ENOSPC)) != NULL, "message \"%s\"", e.msg);
	ck_assert_int_eq(config_save_status(&e), EX_IOERR);
	expect_version(&x, OLD, "full tmpfs");
	expect_dir(mnt, "filler mail.ini ", "full tmpfs");
	expect_edits_kept(&x, "full tmpfs");
	expect_doc_old(&x, "full tmpfs");

	/* Room again: the same edits save. */
	ck_assert_int_eq(unlink(fill), 0);
	rc = config_save(&x.c, false, &e);
	ck_assert_msg(rc == 0, "save after freeing space: %s", e.msg);
	expect_version(&x, NEW, "full tmpfs, then room");
	expect_dir(mnt, "mail.ini ", "full tmpfs, then room");
	free(fill);
	fx_free(&x);
	unmount();
}
END_TEST

START_TEST(test_tmpfs_readonly)
{
	mount_tmpfs("size=64k,mode=0700");
	struct fx x;
	fx_open(&x, mnt);
	ck_assert_msg(mount("tmpfs", mnt, "tmpfs", MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV,
			    NULL) == 0, "remount read-only: %s", strerror(errno));
	struct ini_error e;
	int rc = config_save(&x.c, false, &e);
	ck_assert_msg(rc == -1, "a save on a read-only file system returned %d", rc);
	ck_assert_msg(e.err == EROFS, "e.err is %s", strerror(e.err));
	ck_assert_msg(e.create, "e.create not set");
	ck_assert_msg(strstr(e.msg, strerror(EROFS)) != NULL, "message \"%s\"", e.msg);
	ck_assert_int_eq(config_save_status(&e), EX_CANTCREAT);
	expect_version(&x, OLD, "read-only tmpfs");
	expect_dir(mnt, "mail.ini ", "read-only tmpfs");
	expect_edits_kept(&x, "read-only tmpfs");
	fx_free(&x);
	unmount();
}
END_TEST

/* Run "$MAILSET -c path set basic.system_sender_name=..." with stderr in
 * errbuf; returns its exit status. */
static int run_cli_set(const char *path, char *errbuf, size_t errlen)
{
	const char *ms = getenv("MAILSET");
	char *own = NULL;
	if (!ms || !*ms) {
		/* build/asan/tests/check_faults -> build/asan/mailset */
		char exe[4096];
		ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
		ck_assert(n > 0);
		exe[n] = '\0';
		own = xasprintf("%s/../mailset", dirname(exe));
		ms = own;
	}
	ck_assert_msg(access(ms, X_OK) == 0, "%s: %s (set MAILSET to the sanitised binary)", ms,
		      strerror(errno));
	char *errf = xasprintf("%s.err", mnt);
	fflush(NULL);
	pid_t pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int fd = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int nul = open("/dev/null", O_RDWR);
		dup2(nul, 0);
		dup2(nul, 1);
		dup2(fd, 2);
		setenv("LANG", "C", 1);
		setenv("LC_ALL", "C", 1);
		unsetenv("LANGUAGE");
		unsetenv("MAILSET_FAIL_ALLOC");
		execl(ms, ms, "-c", path, "set", "basic.system_sender_name=Full Disk Shop",
		      (char *)NULL);
		_exit(127);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	size_t len;
	char *text = slurp(errf, &len);
	snprintf(errbuf, errlen, "%s", text);
	free(text);
	unlink(errf);
	free(errf);
	free(own);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The command line on a full disk: exit 74, the path and the reason on
 * stderr, the file and the directory as they were (no temporary file, no
 * lock). */
START_TEST(test_cli_full_disk)
{
	mount_tmpfs("size=16k,mode=0700");
	char *path = xasprintf("%s/mail.ini", mnt);
	spew(path, OLD_INI, sizeof OLD_INI - 1, 0600);
	char *fill = xasprintf("%s/filler", mnt);
	fill_up(fill);
	char err[4096];
	int rc = run_cli_set(path, err, sizeof err);
	ck_assert_msg(rc == EX_IOERR, "mailset set on a full disk exited %d: %s", rc, err);
	ck_assert_msg(strstr(err, path) && strstr(err, strerror(ENOSPC)),
		      "stderr does not name the file and the reason: %s", err);
	ck_assert_msg(!strstr(err, "Sanitizer") && !strstr(err, "runtime error"), "%s", err);
	size_t len;
	char *got = slurp(path, &len);
	ck_assert_msg(same_bytes(got, len, OLD_INI, sizeof OLD_INI - 1), "the file changed");
	free(got);
	expect_dir(mnt, "filler mail.ini ", "mailset set on a full disk");
	free(fill);
	free(path);
	unmount();
}
END_TEST

/* Where no tmpfs can be mounted: every write of the save lands on /dev/full,
 * so the kernel itself answers ENOSPC. */
static ssize_t w_devfull(int fd, const void *buf, size_t n)
{
	(void)fd;
	int full = open("/dev/full", O_WRONLY | O_CLOEXEC);
	ck_assert_msg(full >= 0, "/dev/full: %s", strerror(errno));
	ssize_t w = write(full, buf, n);
	int err = errno;
	close(full);
	errno = err;
	return w;
}

START_TEST(test_dev_full)
{
	struct fx x;
	fx_setup(&x);
	const struct ini_io io = { mkostemp, w_devfull, fsync, close, rename, fsync };
	inifile_set_io(&io);
	struct ini_error e;
	int rc = config_save(&x.c, false, &e);
	inifile_set_io(NULL);
	ck_assert_msg(rc == -1, "a save whose writes go to /dev/full returned %d", rc);
	ck_assert_msg(e.err == ENOSPC, "e.err is %s", strerror(e.err));
	ck_assert_msg(strstr(e.msg, strerror(ENOSPC)) != NULL, "message \"%s\"", e.msg);
	expect_version(&x, OLD, "/dev/full");
	expect_dir(x.dir, "mail.ini ", "/dev/full");
	expect_edits_kept(&x, "/dev/full");
	rm_rf(x.dir);
	fx_free(&x);
}
END_TEST

/* --- the suite ------------------------------------------------------------------------ */

static Suite *faults_suite(void)
{
	Suite *s = suite_create("faults");
	TCase *tc = tcase_create("injected");
	tcase_add_checked_fixture(tc, io_reset, io_reset);
	tcase_add_loop_test(tc, test_injected_fault, 0, 2 * NFAULTS);
	tcase_add_test(tc, test_short_writes_and_eintr);
	suite_add_tcase(s, tc);

	tc = tcase_create("killed");
	tcase_add_checked_fixture(tc, io_reset, io_reset);
	tcase_add_loop_test(tc, test_killed_save, 0, NKILLS);
	tcase_add_test(tc, test_killed_save_symlink);
	suite_add_tcase(s, tc);

	tc = tcase_create("full");
	tcase_add_checked_fixture(tc, io_reset, io_reset);
	tcase_add_test(tc, test_dev_full);
	if (can_mount) {
		tcase_add_test(tc, test_tmpfs_full);
		tcase_add_test(tc, test_tmpfs_readonly);
		tcase_add_test(tc, test_cli_full_disk);
	}
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	if (!tmp_root_make("check_faults"))
		return EXIT_FAILURE;
	mnt = xasprintf("%s/mnt", tmp_root);
	if (mkdir(mnt, 0700) < 0) {
		perror(mnt);
		return EXIT_FAILURE;
	}
	/* A real full disk needs a tmpfs of our own: root (CAP_SYS_ADMIN). */
	if (geteuid() != 0) {
		printf("SKIP check_faults full-disk (tmpfs): not root, so no 16k tmpfs can be "
		       "mounted; only the /dev/full case runs\n");
	} else if (mount("tmpfs", mnt, "tmpfs", 0, "size=16k") < 0) {
		printf("SKIP check_faults full-disk (tmpfs): mount -t tmpfs -o size=16k: %s; "
		       "only the /dev/full case runs\n", strerror(errno));
	} else {
		umount2(mnt, 0);
		can_mount = true;
	}
	fflush(stdout);

	int failed = suite_run(faults_suite());
	/* A failed test ends where it failed: unmount what it left. */
	while (can_mount && umount2(mnt, MNT_DETACH) == 0)
		;
	tmp_root_remove("check_faults");
	free(mnt);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
