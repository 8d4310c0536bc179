/* SPDX-License-Identifier: MIT */
/* check_config.c - a configuration file compared with what was loaded
 * (issue 13): no write for a save that changes nothing, and someone
 * else's change told by the bytes, without hashing.
 *
 * 1. A save whose bytes are the file's (no value changed, the same values
 *    again, a BCC list that renders as the file has it) returns 1 and
 *    leaves the file alone: the system calls of the write are never made,
 *    and its inode, mtime, ctime, mode and bytes stay. A real change still
 *    replaces it.
 * 2. config_changed_on_disk(): a same-size edit, even with the mtime put
 *    back, is a change; the same bytes in a new inode are not; a deleted
 *    file is; a file created where none was (even empty) is. A save is
 *    then refused (INI_CHANGED) unless forced, and a forced save with
 *    nothing of its own to add still writes the loaded bytes back.
 * 3. settings_index() finds for every field the entry inifile_find() finds
 *    (the last of its key), across repeated sections, unknown sections and
 *    keys before any section; settings_field_in() agrees with
 *    settings_field_by_name(). */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mailset/config.h"
#include "mailset/inifile.h"
#include "mailset/settings.h"
#include "mailset/util.h"
#include "testutil.h"

static const char INI[] =
	"; shop mail settings\r\n"
	"[basic]\r\n"
	"contact_email = support@example.com\r\n"
	"system_email = noreply@example.com\r\n"
	"system_sender_name = Example Shop   ; shown as the sender\r\n"
	"bcc = a@example.com,\r\n"
	"  b@example.com\r\n"
	"\r\n"
	"[smtp]\r\n"
	"host = smtp.example.com\r\n"
	"port = 587\r\n"
	"[local]\r\n"
	"note = kept as it is";

static void spew(const char *path, const char *data, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_msg(fd >= 0, "create %s: %s", path, strerror(errno));
	ck_assert_int_eq(write(fd, data, n), (ssize_t)n);
	ck_assert_int_eq(close(fd), 0);
}

static bool holds(const char *path, const char *data, size_t n)
{
	char *buf = xmalloc(n + 2);
	FILE *fp = fopen(path, "rb");
	ck_assert_msg(fp != NULL, "open %s: %s", path, strerror(errno));
	size_t got = fread(buf, 1, n + 1, fp);
	fclose(fp);
	bool same = got == n && !memcmp(buf, data, n);
	free(buf);
	return same;
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

/* A directory holding INI as mail.ini, loaded into c. The file's times
 * are put a day back, so that any write shows in them. */
static char *setup(struct config *c)
{
	char *dir = tmpdir_new();
	memset(c, 0, sizeof *c);
	c->path = xasprintf("%s/mail.ini", dir);
	spew(c->path, INI, sizeof INI - 1);
	struct timespec ts[2] = { { time(NULL) - 86400, 0 }, { time(NULL) - 86400, 0 } };
	ck_assert_int_eq(utimensat(AT_FDCWD, c->path, ts, 0), 0);
	struct ini_error e;
	ck_assert_msg(config_load(c, false, &e) == INI_OK, "load: %s", e.msg);
	return dir;
}

static bool same_stat(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_mode == b->st_mode &&
	       a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec && a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	       a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* --- 1. a save that changes nothing ---------------------------------------- */

/* The writer's system calls, each of which fails the test: a save that
 * changes nothing makes none of them. */
static int no_mkstemp(char *tmpl, int flags)
{
	(void)flags;
	ck_abort_msg("a save that changes nothing created a temporary file (%s)", tmpl);
	return -1;
}
static ssize_t no_write(int fd, const void *buf, size_t n)
{
	(void)fd, (void)buf, (void)n;
	ck_abort_msg("a save that changes nothing wrote");
	return -1;
}
static int no_fd(int fd)
{
	(void)fd;
	ck_abort_msg("a save that changes nothing flushed or closed a file");
	return -1;
}
static int no_rename(const char *from, const char *to)
{
	(void)from;
	ck_abort_msg("a save that changes nothing renamed a file onto %s", to);
	return -1;
}
static const struct ini_io no_io = { no_mkstemp, no_write, no_fd, no_fd, no_rename, no_fd };

static void io_reset(void)
{
	inifile_set_io(NULL);
}

/* A BCC list too long for one line, as set stores it (one line of
 * comma-separated addresses); the file holds it wrapped. */
static char *long_list(void)
{
	struct strbuf sb = { 0 };
	for (int i = 0; i < 12; i++)
		sb_addf(&sb, "%sbcc-number-%02d@example.com", i ? "," : "", i);
	return sb_steal(&sb);
}

/* Edits whose file is the one on disk, for test i. */
static void noop_edit(struct config *c, int i)
{
	switch (i) {
	case 0: /* nothing */
		break;
	case 1: /* the same values again */
		settings_set(&c->s, F_HOST, "smtp.example.com");
		settings_set(&c->s, F_SENDER_NAME, "Example Shop");
		settings_set(&c->s, F_PORT, "587");
		break;
	case 2: { /* a list that differs from the value read (its pieces
		   * joined by "\n") but renders as the file has it */
		char *v = long_list();
		ck_assert(strchr(c->s.value[F_BCC], '\n') != NULL);
		settings_set(&c->s, F_BCC, v);
		free(v);
		break;
	}
	}
}

START_TEST(test_noop_save_leaves_file)
{
	struct config c;
	char *dir = setup(&c);
	struct ini_error e;
	if (_i == 2) {
		/* mailset wraps the list in the file, as it saves it */
		char *v = long_list();
		settings_set(&c.s, F_BCC, v);
		free(v);
		ck_assert_msg(config_save(&c, false, &e) == 0, "save: %s", e.msg);
		char *path = xstrdup(c.path);
		config_free(&c);
		memset(&c, 0, sizeof c);
		c.path = path;
		struct timespec ts[2] = { { time(NULL) - 86400, 0 }, { time(NULL) - 86400, 0 } };
		ck_assert_int_eq(utimensat(AT_FDCWD, c.path, ts, 0), 0);
		ck_assert_msg(config_load(&c, false, &e) == INI_OK, "load: %s", e.msg);
	}
	size_t len = c.doc.len;
	char *bytes = xstrndup(c.doc.buf, len);
	struct stat before, after;
	ck_assert_int_eq(stat(c.path, &before), 0);
	noop_edit(&c, _i);
	inifile_set_io(&no_io);
	int rc = config_save(&c, false, &e);
	inifile_set_io(NULL);
	ck_assert_msg(rc == 1, "no-op save %d returned %d (%s)", _i, rc, rc < 0 ? e.msg : "");
	ck_assert_int_eq(stat(c.path, &after), 0);
	ck_assert_msg(same_stat(&before, &after),
		      "no-op save %d: the file's inode, mode, size or times changed", _i);
	ck_assert(holds(c.path, bytes, len));
	ck_assert_int_eq(entries(dir), 1);
	free(bytes);
	/* the values asked for are the file's: nothing is left to save */
	ck_assert(!config_changed_on_disk(&c));
	ck_assert_int_eq(config_save(&c, false, &e), 1);
	config_free(&c);
	rm_rf(dir);
	free(dir);
}
END_TEST

START_TEST(test_change_still_writes)
{
	struct config c;
	char *dir = setup(&c);
	struct stat before, after;
	ck_assert_int_eq(stat(c.path, &before), 0);
	settings_set(&c.s, F_PORT, "465");
	struct ini_error e;
	ck_assert_msg(config_save(&c, false, &e) == 0, "save: %s", e.msg);
	ck_assert_int_eq(stat(c.path, &after), 0);
	ck_assert_msg(after.st_ino != before.st_ino, "a save did not replace the file");
	ck_assert(after.st_mtim.tv_sec > before.st_mtim.tv_sec);
	ck_assert_int_eq(after.st_mode & 07777, 0600);
	ck_assert(!holds(c.path, INI, sizeof INI - 1));
	/* what is in memory now is what was written */
	ck_assert(!config_changed_on_disk(&c));
	ck_assert_int_eq(c.doc.len, (size_t)after.st_size);
	ck_assert(holds(c.path, c.doc.buf, c.doc.len));
	/* saving again changes nothing */
	inifile_set_io(&no_io);
	int rc = config_save(&c, false, &e);
	inifile_set_io(NULL);
	ck_assert_int_eq(rc, 1);
	config_free(&c);
	rm_rf(dir);
	free(dir);
}
END_TEST

/* --- 2. someone else's change ---------------------------------------------- */

START_TEST(test_same_size_edit)
{
	struct config c;
	char *dir = setup(&c);
	struct stat st;
	ck_assert_int_eq(stat(c.path, &st), 0);
	/* one byte, same size, written in place; then the times put back */
	char *other = xstrdup(INI);
	*strstr(other, "587") = '4';
	spew(c.path, other, sizeof INI - 1);
	struct timespec ts[2] = { st.st_atim, st.st_mtim };
	ck_assert_int_eq(utimensat(AT_FDCWD, c.path, ts, 0), 0);
	ck_assert_msg(config_changed_on_disk(&c), "a same-size edit went unseen");
	struct ini_error e;
	ck_assert_int_eq(config_save(&c, false, &e), -1);
	ck_assert_int_eq(e.status, INI_CHANGED);
	ck_assert(holds(c.path, other, sizeof INI - 1));
	/* the same with an edit of our own */
	settings_set(&c.s, F_HOST, "mail.example.net");
	ck_assert_int_eq(config_save(&c, false, &e), -1);
	ck_assert_int_eq(e.status, INI_CHANGED);
	ck_assert(holds(c.path, other, sizeof INI - 1));
	free(other);
	config_free(&c);
	rm_rf(dir);
	free(dir);
}
END_TEST

START_TEST(test_forced_noop_writes_back)
{
	struct config c;
	char *dir = setup(&c);
	const char *other = "[smtp]\nhost = other.example.com\n";
	spew(c.path, other, strlen(other));
	ck_assert(config_changed_on_disk(&c));
	/* overwriting someone else's change with the values as loaded: the
	 * loaded bytes go back, although no value was edited */
	struct ini_error e;
	ck_assert_msg(config_save(&c, true, &e) == 0, "forced save: %s", e.msg);
	ck_assert(holds(c.path, INI, sizeof INI - 1));
	ck_assert(!config_changed_on_disk(&c));
	config_free(&c);
	rm_rf(dir);
	free(dir);
}
END_TEST

START_TEST(test_replaced_same_bytes)
{
	struct config c;
	char *dir = setup(&c);
	struct stat before, after;
	/* another program saves the same bytes the atomic way: a new inode */
	char *tmp = xasprintf("%s/other.tmp", dir);
	spew(tmp, INI, sizeof INI - 1);
	ck_assert_int_eq(rename(tmp, c.path), 0);
	ck_assert_int_eq(stat(c.path, &before), 0);
	ck_assert_msg(!config_changed_on_disk(&c),
		      "the same bytes in a new inode were taken for a change");
	struct ini_error e;
	ck_assert_int_eq(config_save(&c, false, &e), 1);
	ck_assert_int_eq(stat(c.path, &after), 0);
	ck_assert(same_stat(&before, &after));
	/* and a real change saves over it */
	settings_set(&c.s, F_PORT, "2525");
	ck_assert_msg(config_save(&c, false, &e) == 0, "save: %s", e.msg);
	free(tmp);
	config_free(&c);
	rm_rf(dir);
	free(dir);
}
END_TEST

START_TEST(test_deleted)
{
	struct config c;
	char *dir = setup(&c);
	ck_assert_int_eq(unlink(c.path), 0);
	ck_assert_msg(config_changed_on_disk(&c), "a deleted file went unseen");
	struct ini_error e;
	ck_assert_int_eq(config_save(&c, false, &e), -1);
	ck_assert_int_eq(e.status, INI_CHANGED);
	ck_assert_int_eq(access(c.path, F_OK), -1);
	/* forced, nothing edited: the file comes back as it was */
	ck_assert_msg(config_save(&c, true, &e) == 0, "forced save: %s", e.msg);
	ck_assert(holds(c.path, INI, sizeof INI - 1));
	config_free(&c);
	rm_rf(dir);
	free(dir);
}
END_TEST

START_TEST(test_created_where_none_was)
{
	char *dir = tmpdir_new();
	struct config c = { .path = xasprintf("%s/mail.ini", dir) };
	struct ini_error e;
	ck_assert_int_eq(config_load(&c, true, &e), INI_OK);
	ck_assert(!c.exists);
	ck_assert(!config_changed_on_disk(&c));
	/* someone else creates it, even empty */
	spew(c.path, "", 0);
	ck_assert_msg(config_changed_on_disk(&c), "a file created meanwhile went unseen");
	settings_set(&c.s, F_HOST, "smtp.example.com");
	ck_assert_int_eq(config_save(&c, false, &e), -1);
	ck_assert_int_eq(e.status, INI_CHANGED);
	ck_assert(holds(c.path, "", 0));
	ck_assert_int_eq(unlink(c.path), 0);
	/* gone again: a save creates it, even one with nothing in it */
	ck_assert(!config_changed_on_disk(&c));
	settings_free(&c.s);
	ck_assert_msg(config_save(&c, false, &e) == 0, "save: %s", e.msg);
	ck_assert(c.exists);
	ck_assert(holds(c.path, "", 0));
	ck_assert_int_eq(config_save(&c, false, &e), 1);
	config_free(&c);
	rm_rf(dir);
	free(dir);
}
END_TEST

/* --- 3. the index ------------------------------------------------------------ */

START_TEST(test_index_is_find)
{
	static const char text[] =
		"orphan = before any section\n"
		"[smtp]\n"
		"host = first.example.com\n"
		"[extra]\n"
		"host = not the smtp one\n"
		"port = 1\n"
		"[basic]\n"
		"bcc = a@example.com,\n"
		"  b@example.com\n"
		"contact_email = x@example.com\n"
		"[smtp]\n"
		"port = 2525\n"
		"host = second.example.com\n"
		"[basic]\n"
		"contact_email = y@example.com\n"
		"[dns]\n"
		"server = 192.0.2.1\n"
		"[smtp]\n"
		"port = 465\n";
	struct ini_doc doc;
	struct ini_error e;
	ck_assert_msg(inifile_parse(text, sizeof text - 1, &doc, &e) == INI_OK, "%s", e.msg);
	ck_assert(doc.buf && doc.len == sizeof text - 1 && !memcmp(doc.buf, text, doc.len));
	const struct ini_entry *at[F_COUNT];
	settings_index(&doc, at);
	for (int i = 0; i < F_COUNT; i++)
		ck_assert_msg(at[i] == inifile_find(&doc, settings_fields[i].section,
						    settings_fields[i].key),
			      "settings_index() and inifile_find() differ on %s",
			      settings_field_name(i));
	ck_assert_str_eq(at[F_HOST]->value, "second.example.com");
	ck_assert_str_eq(at[F_PORT]->value, "465");
	ck_assert_str_eq(at[F_CONTACT_EMAIL]->value, "y@example.com");
	ck_assert_str_eq(at[F_BCC]->value, "a@example.com,\nb@example.com");
	ck_assert_ptr_null(at[F_PASSWORD]);
	/* the entries of a run share their section; a new run has its own */
	ck_assert_ptr_eq(doc.entries[4].section, doc.entries[5].section);
	ck_assert_ptr_ne(doc.entries[3].section, doc.entries[4].section);
	for (size_t k = 0; k < doc.nentries; k++) {
		const struct ini_entry *en = &doc.entries[k];
		char *dotted = xasprintf("%s.%s", en->section, en->key);
		ck_assert_ptr_eq(settings_field_in(settings_section(en->section), en->key),
				 settings_field_by_name(dotted));
		free(dotted);
	}
	ck_assert_ptr_eq(settings_field_in(settings_section("smtp"), "host"), &settings_fields[F_HOST]);
	ck_assert_ptr_null(settings_field_in(settings_section("smtp"), "hos"));
	ck_assert_ptr_null(settings_field_in(settings_section("smtpx"), "host"));
	ck_assert_ptr_null(settings_field_in(settings_section(""), "orphan"));
	inifile_free(&doc);
}
END_TEST

static Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("noop");
	tcase_add_checked_fixture(tc, io_reset, io_reset);
	tcase_add_loop_test(tc, test_noop_save_leaves_file, 0, 3);
	tcase_add_test(tc, test_change_still_writes);
	suite_add_tcase(s, tc);

	tc = tcase_create("changed");
	tcase_add_test(tc, test_same_size_edit);
	tcase_add_test(tc, test_forced_noop_writes_back);
	tcase_add_test(tc, test_replaced_same_bytes);
	tcase_add_test(tc, test_deleted);
	tcase_add_test(tc, test_created_where_none_was);
	suite_add_tcase(s, tc);

	tc = tcase_create("index");
	tcase_add_test(tc, test_index_is_find);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	if (!tmp_root_make("check_config"))
		return EXIT_FAILURE;
	int failed = suite_run(config_suite());
	tmp_root_remove("check_config");
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
