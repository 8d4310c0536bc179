/* SPDX-License-Identifier: MIT */
/* cli.c - the command line: one table of commands (cli_commands[], at the
 * end) that usage, dispatch, the lock policy and tests/check_docs.c read,
 * and a handler per command. */
#include "mailset/cli.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "mailset/config.h"
#include "mailset/i18n.h"
#include "mailset/inifile.h"
#include "mailset/json.h"
#include "mailset/linediff.h"
#include "mailset/lock.h"
#include "mailset/netjob.h"
#include "mailset/presets.h"
#include "mailset/settings.h"
#include "mailset/util.h"
#include "mailset/validate.h"

/* The running command's CMD_* flags (one command per process). */
static unsigned cmd_flags;

/* Options every writing command takes (common_options()). */
static bool dry_run;          /* --dry-run: show the diff, write nothing */
static long wait_seconds;     /* --wait S: wait for an editor's lock */

/* --json: the command's result as one JSON document on stdout (json_end()
 * writes it), in English. What the command prints for people on stdout
 * goes to /dev/null meanwhile; stderr is left as it is. Errors and
 * warnings are also collected here, with the key and line they name. */
static struct {
	bool on;
	FILE *fp;                  /* the real stdout */
	struct json j;             /* the document so far: members added */
	struct json errors, warnings; /* their arrays' elements */
	size_t nerrors;
	bool writes;               /* set, preset: changed etc. always */
	bool change_told;          /* ... and finish_change() told them */
} js;

/* Where the JSON document stood, to take back what a command wrote to it
 * before it is run again (run()). */
struct js_mark {
	struct json j, errors, warnings; /* their state (sb.len: the length) */
	size_t nerrors;
	bool change_told;
};

static void js_mark(struct js_mark *m)
{
	m->j = js.j;
	m->errors = js.errors;
	m->warnings = js.warnings;
	m->nerrors = js.nerrors;
	m->change_told = js.change_told;
}

static void json_back(struct json *j, const struct json *was)
{
	struct strbuf sb = j->sb;
	*j = *was;
	j->sb = sb;
	j->sb.len = was->sb.len;
	if (j->sb.buf)
		j->sb.buf[j->sb.len] = '\0';
}

static void js_rewind(const struct js_mark *m)
{
	json_back(&js.j, &m->j);
	json_back(&js.errors, &m->errors);
	json_back(&js.warnings, &m->warnings);
	js.nerrors = m->nerrors;
	js.change_told = m->change_told;
}

/* A value as --json shows it: a secret as "********" (or "" when empty). */
static const char *shown(enum field_id id, const char *v)
{
	return (settings_fields[id].flags & FIELD_SECRET) && *v ? "********" : v;
}

/* Add an error (or a warning) to the JSON document; nothing without
 * --json. key: "section.key" or NULL; line 0: none. */
static void note(bool error, const char *key, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void note(bool error, const char *key, int line, const char *fmt, ...)
{
	if (!js.on)
		return;
	struct json *a = error ? &js.errors : &js.warnings;
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	/* one message per line: the first (without "mailset: ") carries it */
	json_open(a, '{');
	json_kstr(a, "key", key);
	json_key(a, "line");
	if (line > 0)
		json_int(a, line);
	else
		json_null(a);
	json_kstr(a, "message", msg);
	json_close(a, '}');
	free(msg);
	js.nerrors += error;
}

/* printf to fp, each line made safe (a value, a comment or a server's
 * words in it: controls and bidi characters escaped), its line breaks
 * kept. */
static void put_safe(FILE *fp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put_safe(FILE *fp, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *text = xvasprintf(fmt, ap);
	va_end(ap);
	char *safe = transcript_safe_lines(text);
	fputs(safe, fp);
	free(safe);
	free(text);
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	fprintf(stderr, "mailset: %s\n", msg);
	fprintf(stderr, "%s\n", _("Try 'mailset --help'."));
	note(true, NULL, 0, "%s", msg);
	free(msg);
	return EX_USAGE;
}

/* The optimal string alignment distance of a and b (Damerau-Levenshtein:
 * insert, delete, substitute, swap two neighbours; ASCII case ignored). */
static size_t edit_distance(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	size_t *row = xcalloc(3 * (nb + 1), sizeof *row);
	size_t *prev2 = row, *prev = row + nb + 1, *cur = row + 2 * (nb + 1);
	for (size_t j = 0; j <= nb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= na; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= nb; j++) {
			int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
			size_t d = prev[j - 1] + (ca != cb);
			if (prev[j] + 1 < d)
				d = prev[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb && prev2[j - 2] + 1 < d)
				d = prev2[j - 2] + 1;
			cur[j] = d;
		}
		size_t *t = prev2;
		prev2 = prev, prev = cur, cur = t;
	}
	size_t d = prev[nb];
	free(row);
	return d;
}

/* Keeps in *best the candidate closest to typed, when it is close enough
 * to be a typo of it (as git's "did you mean": a short word may differ by
 * one edit, a longer one by two); *dist is the best distance so far. */
static void closest(const char *typed, const char *cand, const char **best, size_t *dist)
{
	size_t n = strlen(typed), limit = n < 3 ? 0 : n < 6 ? 1 : 2;
	size_t d = edit_distance(typed, cand);
	if (d <= limit && d < *dist) {
		*best = cand;
		*dist = d;
	}
}

static int unknown_command(const char *name)
{
	const char *best = NULL;
	size_t dist = SIZE_MAX;
	for (size_t i = 0; i < cli_ncommands; i++)
		closest(name, cli_commands[i].name, &best, &dist);
	if (best)
		return usage_error(_("'%s' is not a command; did you mean '%s'?"), name, best);
	return usage_error(_("'%s' is not a command"), name);
}

/* An unknown KEY of get or set: the closest key, or the key of that name
 * in another section ("host": smtp.host). */
static int unknown_key(const char *key)
{
	const char *best = NULL;
	size_t dist = SIZE_MAX;
	for (int i = 0; i < F_COUNT; i++) {
		const char *name = settings_field_name(i);
		if (!strchr(key, '.') && !strcasecmp(key, strchr(name, '.') + 1)) {
			best = name;
			break;
		}
		closest(key, name, &best, &dist);
	}
	if (best)
		return usage_error(_("unknown key '%s'; did you mean '%s'?"), key, best);
	return usage_error(_("unknown key '%s'; 'mailset get' lists the keys"), key);
}

/* "--name VALUE" or "--name=VALUE" at argv[*i]: 1 and *val set (*i moved
 * past the value), 0 when argv[*i] is something else, -1 when the value is
 * missing (a usage error has been printed). */
static int opt_value(int argc, char **argv, int *i, const char *name, const char **val)
{
	size_t n = strlen(name);
	if (strncmp(argv[*i], name, n))
		return 0;
	if (argv[*i][n] == '=') {
		*val = argv[*i] + n + 1;
		return 1;
	}
	if (argv[*i][n])
		return 0;
	if (++*i == argc) {
		usage_error(_("%s needs a value"), name);
		return -1;
	}
	*val = argv[*i];
	return 1;
}

/* --json from here on: the document opens; messages are in English (for
 * this process and the network helpers it starts); what the command
 * prints for people on stdout goes to /dev/null. */
static void json_begin(const char *command)
{
	if (js.on)
		return;
	setenv("LC_ALL", "C.UTF-8", 1);
	unsetenv("LANGUAGE");
	i18n_init();
	fflush(stdout);
	int fd = dup(STDOUT_FILENO);
	js.fp = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!js.fp || !freopen("/dev/null", "w", stdout)) {
		if (js.fp)
			fclose(js.fp);
		js.fp = NULL;
		return; /* plain output then */
	}
	js.on = true;
	json_open(&js.j, '{');
	json_kstr(&js.j, "command", command);
	json_open(&js.errors, '[');
	json_open(&js.warnings, '[');
}

/* Close the document with the command's status and write it; returns the
 * status (74 when the document cannot be written). */
static int json_end(int rc)
{
	if (!js.on)
		return rc;
	if (js.writes && !js.change_told) {
		/* stopped before the save: nothing changed */
		json_key(&js.j, "changed");
		json_bool(&js.j, false);
		json_key(&js.j, "dry_run");
		json_bool(&js.j, dry_run);
		json_kstr(&js.j, "diff", "");
		json_key(&js.j, "keys");
		json_raw(&js.j, "[]");
	}
	json_key(&js.j, "ok");
	json_bool(&js.j, rc == EX_OK);
	json_key(&js.j, "exit");
	json_int(&js.j, rc);
	json_close(&js.errors, ']');
	json_close(&js.warnings, ']');
	json_key(&js.j, "errors");
	json_raw(&js.j, js.errors.sb.buf);
	json_key(&js.j, "warnings");
	json_raw(&js.j, js.warnings.sb.buf);
	json_close(&js.j, '}');
	sb_addc(&js.j.sb, '\n');
	fputs(js.j.sb.buf, js.fp);
	if (fclose(js.fp) != 0 && rc == EX_OK) {
		fprintf(stderr, "mailset: write error: %s\n", strerror(errno));
		rc = EX_IOERR;
	}
	sb_free(&js.j.sb);
	sb_free(&js.errors.sb);
	sb_free(&js.warnings.sb);
	js.on = false;
	return rc;
}

/* The options any command takes after its name: --json; --dry-run and
 * --wait SECONDS for those that write (CMD_LOCK). They are taken out of
 * argv; returns the new argc, or -1 after a usage error. */
static int common_options(const struct cli_command *cmd, int argc, char **argv)
{
	int n = 0;
	bool json = false;
	for (int i = 0; i < argc && strcmp(argv[i], "--"); i++)
		json = json || !strcmp(argv[i], "--json");
	if (json)
		json_begin(cmd->name);
	js.writes = cmd->flags & CMD_LOCK;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) {
			while (i < argc)
				argv[n++] = argv[i++];
			break;
		}
		if (!strcmp(a, "--json")) {
			continue;
		} else if ((cmd->flags & CMD_LOCK) && !strcmp(a, "--dry-run")) {
			dry_run = true;
		} else if ((cmd->flags & CMD_LOCK) &&
			   (!strcmp(a, "--wait") || !strncmp(a, "--wait=", 7))) {
			const char *v = a[6] == '=' ? a + 7 : (i + 1 < argc ? argv[++i] : NULL);
			char *end;
			errno = 0;
			long s = v ? strtol(v, &end, 10) : -1;
			if (!v || !*v || *end || errno || s < 0 || s > 86400) {
				usage_error("%s", _("--wait needs a number of seconds (0 to 86400)"));
				return -1;
			}
			wait_seconds = s;
		} else {
			argv[n++] = argv[i];
		}
	}
	return n;
}

/* The network helper's libraries, as it reports them. */
static void helper_versions(void)
{
	int fd;
	char *err;
	pid_t pid = netjob_start(NETJOB_SMTP, "--version", NULL, true, &fd, &err);
	if (pid < 0) {
		printf("  libcurl  - (%s)\n", err);
		free(err);
		return;
	}
	fflush(stdout);
	char buf[512];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			fwrite(buf, 1, (size_t)n, stdout);
	close(fd);
	waitpid(pid, NULL, 0);
}

static int version(const struct cli_hooks *hooks)
{
	printf("mailset %s\n", VERSION);
	printf("  ncurses  %s\n", hooks && hooks->ui_versions ? hooks->ui_versions : "-");
	helper_versions();
	return EX_OK;
}

/* Says so when the file is readable by others (once a run: a replay does
 * not say it again). */
static bool mode_warned;

static void warn_mode(const struct config *c)
{
	if (!config_too_open(c) || mode_warned)
		return;
	mode_warned = true;
	fprintf(stderr,
		_("mailset: %s: warning: readable by group or others (mode %04o); it holds the "
		  "SMTP password: chmod 600 %s\n"),
		c->path, (unsigned)(c->st.st_mode & 07777), c->path);
}

/* The file changed between this run's read and its lock: the command runs
 * once more, under the lock, on the file as it is now (run()). Meanwhile
 * what it printed to JSON is taken back, and the password it read kept. */
static bool replay_wanted, replaying;
static char *kept_secret;
static bool cli_locked; /* this run holds the file's lock (cli_lock) */

/* Load c->path. For a command that may create it (CMD_MAY_CREATE), a
 * missing file is an empty one. */
static int conf_load(struct config *c)
{
	struct ini_error e;
	enum ini_status rc = config_load(c, cmd_flags & CMD_MAY_CREATE, &e);
	if (rc != INI_OK) {
		if (e.line)
			fprintf(stderr, "%s:%d: %s\n", c->path, e.line, e.msg);
		else
			fprintf(stderr, "mailset: %s: %s\n", c->path, e.msg);
		note(true, NULL, e.line, "%s", e.msg);
		if (rc == INI_NOFILE)
			fprintf(stderr, "%s\n",
				_("mailset: create it with 'mailset set KEY=VALUE...' or 'mailset preset NAME'"));
		return config_load_status(&e);
	}
	warn_mode(c);
	return EX_OK;
}

/* Save c; *unchanged tells that the file already held what a save would
 * write, and was left alone. */
static bool lock_said; /* the lock's refusal is printed: not again */
static int lock_exit;  /* and its exit status */

static int conf_save(struct config *c, bool *unchanged)
{
	struct ini_error e;
	int r = config_save(c, false, &e);
	*unchanged = r == 1;
	if (r < 0 && lock_said)
		return lock_exit;
	if (r < 0 && e.status == INI_CHANGED && !replaying) {
		replay_wanted = true; /* said nothing: run() replays */
		return EX_TEMPFAIL;
	}
	if (r < 0) {
		fprintf(stderr, "mailset: %s: %s\n", c->path, e.msg);
		note(true, NULL, 0, "%s", e.msg);
		if (e.status == INI_CHANGED)
			fprintf(stderr, "%s\n", _("mailset: run the command again to apply it to "
						  "what the file holds now"));
		else if (!e.replaced)
			fprintf(stderr, "%s\n", _("mailset: nothing was changed"));
		return config_save_status(&e);
	}
	if (r == 0)
		util_oom_saved(c->path);
	if (e.links)
		fprintf(stderr, _("mailset: note: %s had %lu names (hard links); only this one has "
				  "the new contents, the others keep the old\n"),
			c->path, e.links);
	return EX_OK;
}

static void print_problem(FILE *fp, const struct config *c, const struct problem *p)
{
	int line = settings_line(&c->doc, p->field);
	if (line)
		fprintf(fp, "%s:%d: ", c->path, line);
	else
		fprintf(fp, "%s: ", c->path);
	/* the message may quote the file's value: shown safe */
	char *msg = transcript_safe(p->msg, strlen(p->msg), SIZE_MAX);
	fprintf(fp, "%s: %s%s\n", settings_field_name(p->field),
		p->sev == SEV_WARNING ? _("warning: ") : "", msg);
	free(msg);
	note(p->sev == SEV_ERROR, settings_field_name(p->field), line, "%s", p->msg);
}

/* ------------------------------------------------------------------ check */

/* Add the problems the rules of the SMTP host's provider find; a missing
 * presets directory is reported when loud. */
static void provider_problems(const struct settings *s, struct problems *ps, bool loud)
{
	struct preset_list pl;
	char *err;
	if (presets_load_default(&pl, &err) == 0) {
		presets_check(&pl, s, ps);
		presets_free(&pl);
		return;
	}
	if (loud)
		fprintf(stderr, "mailset: %s\n", err);
	free(err);
}

/* What only the file shows: known keys set twice or spread over lines, and
 * unknown keys in known sections (likely typos). Printed directly. */
static size_t file_problems(const struct config *c, bool *multiline)
{
	const struct ini_entry *at[F_COUNT];
	settings_index(&c->doc, at);
	size_t errors = 0;
	const char *run = NULL;
	const struct section_info *si = NULL;
	for (size_t i = 0; i < c->doc.nentries; i++) {
		const struct ini_entry *en = &c->doc.entries[i];
		if (en->section != run) {
			run = en->section;
			si = settings_section(run);
		}
		if (!si)
			continue; /* a section of its own: not mailset's to judge */
		const struct field *f = settings_field_in(si, en->key);
		if (!f) {
			char *raw = xasprintf("%s.%s", en->section, en->key);
			char *dotted = transcript_safe(raw, strlen(raw), SIZE_MAX);
			free(raw);
			printf(_("%s:%d: %s: warning: unknown key, kept as it is (a typo?)\n"),
			       c->path, en->line, dotted);
			note(false, dotted, en->line, "unknown key, kept as it is (a typo?)");
			free(dotted);
		} else if (at[f->id] != en) {
			printf(_("%s:%d: %s: warning: set again on line %d; this line is ignored\n"),
			       c->path, en->line, settings_field_name(f->id), at[f->id]->line);
			note(false, settings_field_name(f->id), en->line,
			     "set again on line %d; this line is ignored", at[f->id]->line);
		} else if (en->last_line > en->line && f->kind != FK_ADDRESS_LIST) {
			printf(_("%s:%d: %s: the value continues on line %d; write it on one line "
				 "(only bcc may span lines)\n"),
			       c->path, en->line, settings_field_name(f->id), en->last_line);
			note(true, settings_field_name(f->id), en->line,
			     "the value continues on line %d; write it on one line (only bcc may "
			     "span lines)", en->last_line);
			multiline[f->id] = true;
			errors++;
		}
	}
	return errors;
}

static int cmd_check(struct config *c, int argc, char **argv)
{
	if (argc)
		return usage_error(_("check: unexpected '%s'"), argv[0]);
	int rc = conf_load(c);
	if (rc)
		return rc;
	bool multiline[F_COUNT] = { false };
	size_t errors = file_problems(c, multiline);
	struct problems ps = { 0 };
	validate_all(&c->s, &ps);
	provider_problems(&c->s, &ps, true);
	for (size_t i = 0; i < ps.n; i++) {
		if (multiline[ps.v[i].field])
			continue;
		print_problem(stdout, c, &ps.v[i]);
		errors += ps.v[i].sev == SEV_ERROR;
	}
	problems_free(&ps);
	if (errors)
		return EX_CONFIG;
	printf(_("%s: OK\n"), c->path);
	return EX_OK;
}

/* -------------------------------------------------------------------- get */

/* A value read from the file, for a terminal: control characters, bidi
 * controls, line separators and bytes that are not UTF-8 escaped (they
 * would move the cursor, recolour or reorder the screen). Into a pipe the
 * bytes go as they are: a script gets the value itself. */
static void put_value(const char *v)
{
	if (!isatty(STDOUT_FILENO)) {
		puts(v);
		return;
	}
	char *safe = transcript_safe(v, strlen(v), SIZE_MAX);
	puts(safe);
	free(safe);
}

static void print_value(const struct config *c, const struct field *f)
{
	const char *v = settings_get(&c->s, f->id);
	if (f->kind == FK_ADDRESS_LIST) {
		char *n = validate_normalize(f->id, v, 0);
		put_value(n);
		free(n);
	} else {
		put_value(v);
	}
}

/* --json: "values": {"section.key": value} of f, or of every field. */
static void json_values(const struct config *c, const struct field *f, bool show_secret)
{
	if (!js.on)
		return;
	json_key(&js.j, "values");
	json_open(&js.j, '{');
	for (int i = 0; i < F_COUNT; i++) {
		const struct field *g = &settings_fields[i];
		if (f && g != f)
			continue;
		const char *v = settings_get(&c->s, g->id);
		char *n = g->kind == FK_ADDRESS_LIST ? validate_normalize(g->id, v, 0) : NULL;
		json_kstr(&js.j, settings_field_name(g->id),
			  show_secret ? (n ? n : v) : shown(g->id, n ? n : v));
		free(n);
	}
	json_close(&js.j, '}');
}

static int cmd_get(struct config *c, int argc, char **argv)
{
	bool show_secret = false;
	const char *key = NULL;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--show-secret"))
			show_secret = true;
		else if (argv[i][0] == '-' && argv[i][1])
			return usage_error(_("get: unknown option '%s'"), argv[i]);
		else if (!key)
			key = argv[i];
		else
			return usage_error(_("get: one KEY at a time ('%s' is one too many)"), argv[i]);
	}
	const struct field *f = NULL;
	if (key && !(f = settings_field_by_name(key)))
		return unknown_key(key);
	int rc = conf_load(c);
	if (rc)
		return rc;
	if (f) {
		if ((f->flags & FIELD_SECRET) && !show_secret) {
			fprintf(stderr,
				_("mailset: %s is secret (%s); add --show-secret to print it\n"),
				key, *settings_get(&c->s, f->id) ? _("set") : _("empty"));
			note(true, key, 0, "%s is secret (%s); add --show-secret to print it", key,
			     *settings_get(&c->s, f->id) ? "set" : "empty");
			return EX_NOPERM;
		}
		print_value(c, f);
		json_values(c, f, show_secret);
		return EX_OK;
	}
	json_values(c, NULL, show_secret);
	for (int i = 0; i < F_COUNT; i++) {
		const struct field *g = &settings_fields[i];
		const char *v = settings_get(&c->s, g->id);
		if ((g->flags & FIELD_SECRET) && !show_secret) {
			printf("%s = %s\n", settings_field_name(g->id), *v ? "********" : "");
			continue;
		}
		printf("%s = ", settings_field_name(g->id));
		print_value(c, g);
	}
	return EX_OK;
}

/* -------------------------------------------------------------------- set */

/* The file's bytes with every secret's value shown as mask. */
static char *masked_bytes(const struct ini_doc *doc, const char *mask, size_t *len)
{
	for (int i = 0; i < F_COUNT; i++)
		if (settings_fields[i].flags & FIELD_SECRET) /* one: the password */
			return inifile_masked(doc, settings_fields[i].section, settings_fields[i].key,
					      mask, len);
	*len = doc->len;
	return xstrndup(doc->buf ? doc->buf : "", doc->len);
}

/* A diff of the file's lines, comments and all, shown safe, but still a
 * diff patch(1) takes: its tabs and the CR of CRLF lines kept. */
static void put_diff(const char *diff)
{
	for (const char *p = diff; *p;) {
		size_t n = strcspn(p, "\n"), k = n;
		bool cr = k && p[k - 1] == '\r';
		k -= cr;
		for (size_t i = 0; i < k;) {
			size_t m = strcspn(p + i, "\t");
			if (m > k - i)
				m = k - i;
			char *seg = transcript_safe(p + i, m, SIZE_MAX);
			fputs(seg, stdout);
			free(seg);
			i += m;
			if (i < k) {
				putchar('\t');
				i++;
			}
		}
		if (cr)
			putchar('\r');
		if (!p[n])
			break;
		putchar('\n');
		p += n + 1;
	}
}

/* The end of set and preset: save c (with --dry-run: show the unified diff
 * of what a save would write, and write nothing). With --json the document
 * gets changed, dry_run, diff and the keys the command gave (given[]),
 * each with its value before (from before) and after. */
static int finish_change(struct config *c, const struct settings *before, const bool *given,
			 bool *unchanged)
{
	char *diff = NULL;
	int rc = EX_OK;
	*unchanged = true;
	if (dry_run || js.on) {
		struct ini_doc nd;
		struct ini_error e;
		int r = settings_update(&c->doc, &c->s, &nd, &e);
		if (r < 0) {
			fprintf(stderr, "mailset: %s: %s\n", c->path, e.msg);
			note(true, NULL, 0, "%s", e.msg);
			return config_save_status(&e);
		}
		*unchanged = r == 1 && c->exists;
		/* a new secret shows as a changed line, not as its value */
		bool new_secret = false;
		for (int i = 0; i < F_COUNT; i++)
			if ((settings_fields[i].flags & FIELD_SECRET) &&
			    strcmp(settings_get(before, i), settings_get(&c->s, i)))
				new_secret = true;
		size_t alen, blen;
		char *a = masked_bytes(&c->doc, "********", &alen);
		char *b = r == 1 ? xstrndup(a, alen)
			: masked_bytes(&nd, new_secret ? "******** (new)" : "********", &blen);
		if (r == 1)
			blen = alen;
		diff = linediff_unified(a, alen, b, blen, c->exists ? c->path : "/dev/null", c->path);
		free(a);
		free(b);
		inifile_free(&nd);
	}
	if (dry_run)
		put_diff(diff);
	else
		rc = conf_save(c, unchanged);
	if (js.on) {
		js.change_told = true;
		json_key(&js.j, "changed");
		json_bool(&js.j, rc == EX_OK && !*unchanged);
		json_key(&js.j, "dry_run");
		json_bool(&js.j, dry_run);
		json_kstr(&js.j, "diff", rc == EX_OK ? diff : "");
		json_key(&js.j, "keys");
		json_open(&js.j, '[');
		for (int i = 0; i < F_COUNT; i++) {
			if (!given[i])
				continue;
			const char *was = settings_get(before, i), *now = settings_get(&c->s, i);
			json_open(&js.j, '{');
			json_kstr(&js.j, "key", settings_field_name(i));
			json_kstr(&js.j, "before", shown(i, was));
			json_kstr(&js.j, "after", shown(i, now));
			json_key(&js.j, "changed");
			json_bool(&js.j, strcmp(was, now) != 0);
			json_close(&js.j, '}');
		}
		json_close(&js.j, ']');
	}
	free(diff);
	return rc;
}

/* The terminal as it was before the no-echo prompt: a signal during the
 * prompt puts it back before the signal does what it does. */
static struct termios prompt_saved;
static const int prompt_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
static struct sigaction prompt_old[sizeof prompt_signals / sizeof *prompt_signals];

static void prompt_signal(int sig)
{
	tcsetattr(STDIN_FILENO, TCSANOW, &prompt_saved);
	ssize_t w = write(STDERR_FILENO, "\n", 1);
	(void)w;
	signal(sig, SIG_DFL);
	raise(sig);
}

/* The password, from a terminal without echo or the first line of stdin.
 * Returns a new string, or NULL when nothing could be read. */
static char *read_secret(const char *name)
{
	FILE *in = stdin;
	struct termios quiet;
	bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &prompt_saved) == 0;
	if (tty) {
		fprintf(stderr, _("%s (not shown): "), name);
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = prompt_signal;
		sigemptyset(&sa.sa_mask);
		for (size_t i = 0; i < sizeof prompt_signals / sizeof *prompt_signals; i++)
			sigaction(prompt_signals[i], &sa, &prompt_old[i]);
		quiet = prompt_saved;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, in);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &prompt_saved);
		for (size_t i = 0; i < sizeof prompt_signals / sizeof *prompt_signals; i++)
			sigaction(prompt_signals[i], &prompt_old[i], NULL);
		fputc('\n', stderr);
	}
	if (n < 0) {
		free(line);
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}

/* Print what the rules between fields, and the provider's, say about the
 * fields the command changed (warnings: errors refused the change) and
 * about the SMTP host (errors too: a file's host may break them). */
static void warn_after_change(struct config *c, const bool *changed)
{
	struct problems ps = { 0 };
	for (int i = 0; i < F_COUNT; i++)
		if (changed[i])
			validate_one(&c->s, i, &ps);
	provider_problems(&c->s, &ps, false);
	for (size_t i = 0; i < ps.n; i++) {
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = ps.v[j].field == ps.v[i].field && !strcmp(ps.v[j].msg, ps.v[i].msg);
		if (seen)
			continue;
		put_safe(stderr, "mailset: %s: %s%s\n", settings_field_name(ps.v[i].field),
			 ps.v[i].sev == SEV_WARNING ? _("warning: ") : "", ps.v[i].msg);
		note(false, settings_field_name(ps.v[i].field), 0, "%s", ps.v[i].msg);
	}
	problems_free(&ps);
}

static int app_password_len(const struct settings *s)
{
	struct preset_list pl;
	char *err;
	int n = 0;
	if (presets_load_default(&pl, &err) == 0) {
		n = presets_app_password_len(&pl, s);
		presets_free(&pl);
	} else {
		free(err);
	}
	return n;
}

/* Validate the changed fields of c->s, by their own rules and by the rules
 * of the SMTP host's provider; print each error as "key: reason". Returns
 * the number of errors. */
static size_t check_changes(const struct config *c, const bool *changed)
{
	struct problems ps = { 0 };
	for (int i = 0; i < F_COUNT; i++) {
		if (!changed[i])
			continue;
		char *why = validate_field(i, settings_get(&c->s, i));
		const char *hidden = settings_hidden_reason(&c->s, i);
		if (!why && hidden)
			why = xstrdup(hidden);
		if (why)
			problems_add(&ps, i, SEV_ERROR, why);
	}
	provider_problems(&c->s, &ps, false);
	size_t errors = 0;
	for (size_t i = 0; i < ps.n; i++)
		if (ps.v[i].sev == SEV_ERROR && changed[ps.v[i].field]) {
			fprintf(stderr, "%s: %s\n", settings_field_name(ps.v[i].field), ps.v[i].msg);
			note(true, settings_field_name(ps.v[i].field),
			     settings_line(&c->doc, ps.v[i].field), "%s", ps.v[i].msg);
			errors++;
		}
	problems_free(&ps);
	return errors;
}

static int cmd_set(struct config *c, int argc, char **argv)
{
	if (argc == 0)
		return usage_error("%s", _("set: give at least one KEY=VALUE"));
	/* Check the words before anything is read. */
	for (int i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		char *key = eq ? xstrndup(argv[i], (size_t)(eq - argv[i])) : xstrdup(argv[i]);
		const struct field *f = settings_field_by_name(key);
		int rc = EX_OK;
		if (!f)
			rc = unknown_key(key);
		else if ((f->flags & FIELD_SECRET) && eq)
			rc = usage_error(_("%s cannot be given on the command line, where other users "
					   "can see it: run 'mailset set %s' and type it, or pipe it in"),
					 key, key);
		else if (!(f->flags & FIELD_SECRET) && !eq)
			rc = usage_error(_("set: '%s' needs =VALUE"), key);
		free(key);
		if (rc)
			return rc;
	}
	int rc = conf_load(c);
	if (rc)
		return rc;
	struct settings before;
	settings_copy(&before, &c->s);

	bool changed[F_COUNT] = { false };
	int secret = -1;
	/* the fields in the order given, for the messages */
	enum field_id order[F_COUNT];
	size_t norder = 0;
	for (int i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (eq)
			*eq = '\0';
		const struct field *f = settings_field_by_name(argv[i]);
		if (eq)
			*eq = '=';
		if (!changed[f->id] && (int)f->id != secret)
			order[norder++] = f->id;
		if (!eq) {
			secret = f->id;
			continue;
		}
		char *v = validate_normalize(f->id, eq + 1, 0);
		settings_set(&c->s, f->id, v);
		free(v);
		changed[f->id] = true;
	}
	if (secret >= 0) {
		char *pw = kept_secret ? xstrdup(kept_secret) : read_secret(settings_field_name(secret));
		if (pw && !kept_secret)
			kept_secret = xstrdup(pw);
		if (!pw) {
			fprintf(stderr, _("mailset: %s: nothing to read on standard input\n"),
				settings_field_name(secret));
			note(true, settings_field_name(secret), 0, "nothing to read on standard input");
			settings_free(&before);
			return EX_DATAERR;
		}
		/* The provider follows from the host in force after this set. */
		char *v = validate_normalize(secret, pw, app_password_len(&c->s));
		explicit_bzero(pw, strlen(pw));
		free(pw);
		settings_set(&c->s, secret, v);
		explicit_bzero(v, strlen(v));
		free(v);
		changed[secret] = true;
	}
	if (check_changes(c, changed)) {
		fprintf(stderr, "%s\n", _("mailset: nothing was changed"));
		settings_free(&before);
		return EX_DATAERR;
	}
	bool unchanged;
	rc = finish_change(c, &before, changed, &unchanged);
	settings_free(&before);
	if (rc)
		return rc;
	/* A change prints nothing; a file left alone says why. */
	for (size_t k = 0; unchanged && k < norder; k++) {
		enum field_id i = order[k];
		if (settings_fields[i].flags & FIELD_SECRET)
			printf(_("%s: unchanged: %s already holds that value (not shown)\n"), c->path,
			       settings_field_name(i));
		else
			put_safe(stdout, _("%s: unchanged: %s is already '%s'\n"), c->path,
				 settings_field_name(i), settings_get(&c->s, i));
	}
	warn_after_change(c, changed);
	return EX_OK;
}

/* ---------------------------------------------------------------- presets */

static int cmd_presets(struct config *c, int argc, char **argv)
{
	(void)c; /* CMD_NO_FILE: NULL */
	if (argc)
		return usage_error(_("presets: unexpected '%s'"), argv[0]);
	struct preset_list pl;
	char *err;
	if (presets_load_default(&pl, &err) < 0) {
		fprintf(stderr, "mailset: %s\n", err);
		note(true, NULL, 0, "%s", err);
		free(err);
		return EX_OSFILE;
	}
	if (js.on) {
		json_key(&js.j, "presets");
		json_open(&js.j, '[');
	}
	for (size_t i = 0; i < pl.n; i++) {
		const struct preset *p = &pl.v[i];
		printf("%-16s %s  (%s)%s\n", p->id, preset_name(p), p->host,
		       p->supported ? "" : _("  -- not supported by the shop system"));
		if (!js.on)
			continue;
		json_open(&js.j, '{');
		json_kstr(&js.j, "name", p->id);
		json_kstr(&js.j, "title", preset_name(p));
		json_kstr(&js.j, "host", p->host);
		json_kstr(&js.j, "port", p->port);
		json_kstr(&js.j, "auth", p->auth);
		json_kstr(&js.j, "tls", p->tls);
		json_key(&js.j, "supported");
		json_bool(&js.j, p->supported);
		json_key(&js.j, "needs_host");
		json_bool(&js.j, preset_needs_host(p));
		json_close(&js.j, '}');
	}
	if (js.on)
		json_close(&js.j, ']');
	presets_free(&pl);
	return EX_OK;
}

static void print_hints(FILE *fp, const struct preset *p)
{
	const char *user = i18n_pick(p->username_ja, p->username_en);
	const char *pass = i18n_pick(p->password_ja, p->password_en);
	if (user)
		fprintf(fp, "  %s: %s\n", settings_label(F_USERNAME), user);
	if (pass)
		fprintf(fp, "  %s: %s\n", settings_label(F_PASSWORD), pass);
	if (*preset_notes(p))
		fprintf(fp, "\n%s\n", preset_notes(p));
}

static int cmd_preset(struct config *c, int argc, char **argv)
{
	const char *name = NULL, *host = NULL;
	for (int i = 0; i < argc; i++) {
		int o = opt_value(argc, argv, &i, "--host", &host);
		if (o < 0)
			return EX_USAGE;
		if (o)
			continue;
		if (argv[i][0] == '-' && argv[i][1])
			return usage_error(_("preset: unknown option '%s'"), argv[i]);
		if (name)
			return usage_error(_("preset: one NAME at a time ('%s' is one too many)"),
					   argv[i]);
		name = argv[i];
	}
	if (!name)
		return usage_error("%s", _("preset: which one? 'mailset presets' lists them"));
	struct preset_list pl;
	char *err;
	if (presets_load_default(&pl, &err) < 0) {
		fprintf(stderr, "mailset: %s\n", err);
		note(true, NULL, 0, "%s", err);
		free(err);
		return EX_OSFILE;
	}
	int rc = EX_OK;
	const struct preset *p = presets_find(&pl, name);
	char *h = NULL;
	if (!p) {
		rc = usage_error(_("no preset '%s'; 'mailset presets' lists them"), name);
		goto out;
	}
	if (js.on)
		json_kstr(&js.j, "preset", p->id);
	if (!p->supported) {
		char *why = preset_refusal(p);
		fprintf(stderr, "mailset: %s\n", why);
		note(true, NULL, 0, "%s", why);
		free(why);
		if (*preset_notes(p))
			fprintf(stderr, "%s\n", preset_notes(p));
		rc = EX_DATAERR;
		goto out;
	}
	if (!host && preset_needs_host(p)) {
		fprintf(stderr,
			_("mailset: preset %s needs --host: the server name has the form %s "
			  "(complete the %s part)\n"),
			p->id, p->host, "\xE2\x97\xAF");
		note(true, "smtp.host", 0, "preset %s needs --host: the server name has the form %s "
		     "(complete the %s part)", p->id, p->host, "\xE2\x97\xAF");
		print_hints(stderr, p);
		rc = EX_USAGE;
		goto out;
	}
	h = validate_normalize(F_HOST, host ? host : p->host, 0);
	/* the general rules first; the provider's forms where they pass, and
	 * for a ◯ left in the host, which they name better */
	char *why = validate_field(F_HOST, h);
	if (!why || strstr(h, "\xE2\x97\xAF")) {
		char *m = preset_host_problem(p, h);
		if (!m)
			m = presets_host_problem(&pl, h);
		if (m) {
			free(why);
			why = m;
		}
	}
	if (why) {
		fprintf(stderr, "%s: %s\n", settings_field_name(F_HOST), why);
		note(true, settings_field_name(F_HOST), 0, "%s", why);
		free(why);
		rc = EX_DATAERR;
		goto out;
	}
	if (host && !preset_host_matches(p, h) && !replaying)
		fprintf(stderr, _("mailset: warning: %s does not look like a server of %s (%s)\n"),
			h, preset_name(p), p->host);
	if ((rc = conf_load(c)) != EX_OK)
		goto out;
	struct settings before;
	settings_copy(&before, &c->s);
	preset_apply(p, h, &c->s);
	bool unchanged;
	bool given[F_COUNT] = { [F_HOST] = true, [F_PORT] = true, [F_AUTH] = true, [F_TLS] = true };
	rc = finish_change(c, &before, given, &unchanged);
	settings_free(&before);
	if (rc != EX_OK)
		goto out;
	if (unchanged)
		printf(_("%s: unchanged: %s is already applied: host %s, port %s, auth %s, TLS %s\n"),
		       c->path, preset_name(p), h, p->port, p->auth, p->tls);
	else if (!dry_run)
		printf(_("%s: applied %s: host %s, port %s, auth %s, TLS %s\n"), c->path,
		       preset_name(p), h, p->port, p->auth, p->tls);
	print_hints(stdout, p);
	bool changed[F_COUNT] = { [F_HOST] = true, [F_AUTH] = true };
	warn_after_change(c, changed);
out:
	free(h);
	presets_free(&pl);
	return rc;
}

/* -------------------------------------------------------------- test-send */

/* A network helper at work: its records as they come, until its verdict.
 * A signal that stops us (Ctrl-C) goes on to the helper, which ends the
 * work and still gives a verdict. */
static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

typedef void (*record_fn)(void *ctx, const struct netrec *r);

/* Returns the verdict's status; *verdict is its text (new string), or why
 * the helper gave none. */
static int run_helper(const char *helper, struct strbuf *req, record_fn fn, void *ctx,
		      char **verdict)
{
	int fd;
	char *err;
	pid_t pid = netjob_start(helper, NULL, req, false, &fd, &err);
	if (req->buf)
		explicit_bzero(req->buf, req->len);
	sb_free(req);
	*verdict = NULL;
	if (pid < 0) {
		*verdict = err;
		return EX_UNAVAILABLE;
	}
	struct sigaction sa = { 0 }, old_int, old_term;
	sa.sa_handler = on_interrupt;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	interrupted = 0;
	bool forwarded = false;
	int status = EX_SOFTWARE;
	struct strbuf line = { 0 };
	char buf[4096];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR) {
			if (interrupted && !forwarded) {
				kill(pid, SIGINT);
				forwarded = true;
			}
			continue;
		}
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] != '\n') {
				sb_addc(&line, buf[i]);
				continue;
			}
			struct netrec r;
			sb_addc(&line, '\0');
			if (netrec_parse(line.buf, &r)) {
				if (r.type == 'V') {
					free(*verdict);
					*verdict = xstrdup(r.text);
					status = r.status;
				} else {
					fn(ctx, &r);
				}
			}
			line.len = 0;
		}
	}
	sb_free(&line);
	close(fd);
	int ws = 0;
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (!*verdict) {
		*verdict = netjob_died(helper, ws);
		status = EX_SOFTWARE;
	}
	return status;
}

struct live {
	struct strbuf saved;
	size_t lines;
	char *phase;
	struct json dialogue; /* --json */
	char *steps;          /* --json: the helper's J record */
};

static void print_record(void *ctx, const struct netrec *r)
{
	struct live *lv = ctx;
	if (r->type == 'F') {
		free(lv->phase);
		lv->phase = xstrdup(r->text);
		return;
	}
	if (r->type == 'J') {
		free(lv->steps);
		lv->steps = xstrdup(r->text);
		return;
	}
	if (r->type != 'L')
		return;
	if (js.on) {
		/* C: what mailset sent, S: the server, *: a note */
		char who[2] = { r->kind, '\0' };
		json_open(&lv->dialogue, '{');
		json_kstr(&lv->dialogue, "from", who);
		json_key(&lv->dialogue, "ms");
		json_int(&lv->dialogue, r->ms);
		json_kstr(&lv->dialogue, "text", r->text);
		json_close(&lv->dialogue, '}');
	}
	char *row = netjob_row(r->kind, r->ms, r->text);
	fputs(row, stdout);
	fflush(stdout);
	sb_adds(&lv->saved, row);
	free(row);
	lv->lines++;
}

/* FILE is the user's: an existing one is overwritten, as with '>'. */
static int save_transcript(const char *file, const char *text)
{
	if (util_write_new(file, text, strlen(text), 0600, UTIL_WRITE_TRUNC) < 0) {
		int err = errno;
		const char *why = util_write_why(file, err);
		fprintf(stderr, _("mailset: %s: cannot save the transcript: %s\n"), file,
			why ? _(why) : strerror(err));
		note(true, NULL, 0, "%s: cannot save the transcript: %s", file,
		     why ? why : strerror(err));
		return -1;
	}
	return 0;
}

static int cmd_test_send(struct config *c, int argc, char **argv)
{
	const char *to = NULL, *save = NULL;
	bool probe = false;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--probe")) {
			probe = true;
			continue;
		}
		int o = opt_value(argc, argv, &i, "--to", &to);
		if (!o)
			o = opt_value(argc, argv, &i, "--save", &save);
		if (o < 0)
			return EX_USAGE;
		if (!o)
			return usage_error(_("test-send: unexpected '%s'"), argv[i]);
	}
	if (probe && to)
		return usage_error("%s", _("test-send: --probe sends no message; --to has no use "
					   "with it"));
	int rc = conf_load(c);
	if (rc)
		return rc;
	/* Nothing goes out while a setting is wrong. */
	struct problems ps = { 0 };
	validate_all(&c->s, &ps);
	provider_problems(&c->s, &ps, false);
	size_t errors = 0;
	for (size_t i = 0; i < ps.n; i++)
		if (ps.v[i].sev == SEV_ERROR) {
			print_problem(stderr, c, &ps.v[i]);
			errors++;
		}
	problems_free(&ps);
	if (errors) {
		fprintf(stderr, "%s\n", _("mailset: fix the settings first; nothing was sent"));
		return EX_DATAERR;
	}
	struct strbuf req = { 0 };
	netreq_put_settings(&req, &c->s);
	if (probe) {
		netreq_put(&req, "probe", "1");
	} else {
		if (!to)
			to = settings_get(&c->s, F_CONTACT_EMAIL);
		char *why = validate_address(to);
		if (why) {
			fprintf(stderr, "mailset: --to %s: %s\n", to, why);
			note(true, NULL, 0, "--to %s: %s", to, why);
			free(why);
			explicit_bzero(req.buf, req.len);
			sb_free(&req);
			return EX_DATAERR;
		}
		netreq_put(&req, "to", to);
	}
	struct live lv = { 0 };
	json_open(&lv.dialogue, '[');
	if (js.on)
		netreq_put(&req, "json", "1");
	char *verdict;
	rc = run_helper(NETJOB_SMTP, &req, print_record, &lv, &verdict);
	json_close(&lv.dialogue, ']');
	if (js.on) {
		json_kstr(&js.j, "verdict", verdict);
		/* phases, failed_during, rule, queue_id: the helper's object */
		if (lv.steps && lv.steps[0] == '{' && lv.steps[1] != '}') {
			sb_addc(&js.j.sb, ',');
			sb_add(&js.j.sb, lv.steps + 1, strlen(lv.steps) - 2);
		}
		json_key(&js.j, "dialogue");
		json_raw(&js.j, lv.dialogue.sb.buf);
		if (rc)
			note(true, NULL, 0, "%s", verdict);
	}
	free(lv.steps);
	sb_free(&lv.dialogue.sb);
	if (!lv.lines) {
		/* nothing happened on the wire: an error message, not a dialogue */
		fprintf(stderr, "mailset: %s\n", verdict);
	} else {
		char *last = xasprintf("%s %s\n", rc ? "\xE2\x9C\x97" : "\xE2\x9C\x93", verdict);
		if (rc && lv.phase)
			sb_addf(&lv.saved, "(%s: %s)\n", _("failed during"), lv.phase);
		sb_adds(&lv.saved, last);
		printf("%s", last);
		free(last);
	}
	if (save && lv.lines && save_transcript(save, lv.saved.buf) < 0 && !rc)
		rc = EX_CANTCREAT;
	sb_free(&lv.saved);
	free(lv.phase);
	free(verdict);
	return rc;
}

/* -------------------------------------------------------------------- dns */

struct dns_out {
	size_t lines;
	struct json report, records; /* --json */
};

static void print_report_line(void *ctx, const struct netrec *r)
{
	struct dns_out *o = ctx;
	if (r->type == 'J') {
		json_raw(&o->records, r->text);
		return;
	}
	if (r->type != 'L')
		return;
	printf("%s\n", r->text);
	fflush(stdout);
	json_str(&o->report, r->text);
	o->lines++;
}

/* --server VALUE that the helper could not use: a usage error, named. */
static bool bad_server(const char *val)
{
	char *why = validate_nameserver(val);
	if (why)
		usage_error(_("--server '%s': %s"), val, why);
	free(why);
	return why != NULL;
}

static int cmd_dns(struct config *c, int argc, char **argv)
{
	struct strbuf opts = { 0 };
	const char *val;
	for (int i = 0; i < argc; i++) {
		int o = opt_value(argc, argv, &i, "--server", &val);
		if (o > 0 && bad_server(val)) {
			sb_free(&opts);
			return EX_USAGE;
		}
		if (o > 0)
			netreq_put(&opts, "server", val);
		else if (!o && (o = opt_value(argc, argv, &i, "--selector", &val)) > 0)
			netreq_put(&opts, "selector", val);
		if (o <= 0) {
			sb_free(&opts);
			return o < 0 ? EX_USAGE : usage_error(_("dns: unexpected '%s'"), argv[i]);
		}
	}
	int rc = conf_load(c);
	if (rc) {
		sb_free(&opts);
		return rc;
	}
	/* The file's [dns] options, as the editor's pane takes them; the
	 * command line's win. */
	struct strbuf req = { 0 };
	netreq_put_settings(&req, &c->s);
	if (opts.len)
		sb_add(&req, opts.buf, opts.len);
	sb_free(&opts);
	if (js.on)
		netreq_put(&req, "json", "1");
	char *verdict;
	struct dns_out o = { 0 };
	json_open(&o.report, '[');
	json_open(&o.records, '[');
	rc = run_helper(NETJOB_DNS, &req, print_report_line, &o, &verdict);
	json_close(&o.report, ']');
	json_close(&o.records, ']');
	if (!o.lines)
		fprintf(stderr, "mailset: %s\n", verdict);
	if (js.on) {
		json_kstr(&js.j, "verdict", verdict);
		json_key(&js.j, "records");
		json_raw(&js.j, o.records.sb.buf);
		json_key(&js.j, "report");
		json_raw(&js.j, o.report.sb.buf);
		if (rc)
			note(true, NULL, 0, "%s", verdict);
	}
	sb_free(&o.report.sb);
	sb_free(&o.records.sb);
	free(verdict);
	return rc;
}

/* ------------------------------------------------------------------- lock */

/* Commands that write take the file's lock, as the editor does, when
 * they know they will write (config_save's before_write): a live editor
 * makes them wait (exit 75); a lock left by a dead process goes. A set
 * that changes nothing takes no lock and writes nothing at all. Out of
 * memory or at exit, lock.c removes the lock itself. */
static int cli_lock(struct config *c, bool *locked)
{
	struct lock_owner o;
	*locked = false;
	enum lock_status st = lock_take(c->path, &o);
	if (st == LOCK_ERROR && errno == ENOENT && c->is_default && (cmd_flags & CMD_MAY_CREATE)) {
		config_make_dir(c);
		st = lock_take(c->path, &o);
	}
	/* A stale lock is broken (said once); a held one is looked at again
	 * every 100 ms while --wait lasts, also after a break another run
	 * won. */
	int breaks = 0; /* a few per 100 ms: a lock made again and again waits */
	bool said = false;
	for (long ticks = wait_seconds * 10;; ticks--) {
		if (st == LOCK_STALE && breaks < 5) {
			if (!said)
				fprintf(stderr, _("mailset: %s: removing the lock left by %s, which is "
						  "no longer running\n"), c->path, lock_describe(&o));
			said = true;
			breaks++;
			st = lock_break(c->path, &o);
			continue;
		}
		if ((st != LOCK_HELD && st != LOCK_STALE) || ticks <= 0)
			break;
		breaks = 0;
		struct timespec ts = { 0, 100 * 1000 * 1000 };
		nanosleep(&ts, NULL);
		st = lock_take(c->path, &o);
	}
	if (st == LOCK_HELD) {
		fprintf(stderr, _("mailset: %s is being edited by %s; nothing was changed: try "
				  "again when they are done\n"), c->path, lock_describe(&o));
		note(true, NULL, 0, "%s is being edited by %s; nothing was changed: try again "
		     "when they are done%s", c->path, lock_describe(&o),
		     wait_seconds ? " (waited --wait seconds)" : "");
		lock_said = true;
		return lock_exit = EX_TEMPFAIL;
	}
	if (st == LOCK_STALE) {
		/* broken, and there again at once, time after time: something
		 * else keeps making it (a tool's flock(1) on it, say) */
		char *lp = lock_path(c->path);
		fprintf(stderr, _("mailset: %s: %s keeps being made again by something else; nothing "
				  "was changed: try again later\n"), c->path, lp);
		note(true, NULL, 0, "%s keeps being made again by something else; nothing was "
		     "changed: try again later", lp);
		free(lp);
		lock_said = true;
		return lock_exit = EX_TEMPFAIL;
	}
	if (st != LOCK_TAKEN) {
		/* No lock, no write: never a save that another run could race
		 * (a read-only directory, a lock that cannot be removed...). */
		int err = errno;
		char *lp = lock_path(c->path);
		fprintf(stderr, _("mailset: cannot lock %s (%s): %s; nothing was changed\n"),
			c->path, lp, strerror(err));
		note(true, NULL, 0, "cannot lock %s (%s): %s; nothing was changed", c->path, lp,
		     strerror(err));
		free(lp);
		lock_said = true;
		return lock_exit = err == ENOSPC || err == EDQUOT || err == EIO ? EX_IOERR
										: EX_CANTCREAT;
	}
	*locked = true;
	inifile_clean_temps(c->path);
	return EX_OK;
}

static int lock_before_write(struct config *c, struct ini_error *e)
{
	if (cli_locked)
		return 0;
	if (cli_lock(c, &cli_locked) == EX_OK)
		return 0;
	memset(e, 0, sizeof *e);
	e->status = INI_CHANGED;
	return -1;
}

/* ---------------------------------------------------------- the commands */

/* Their options, for CMD --help and the completion. */
/* The options common_options() takes: every command's, the writers'. */
#define JSON_OPT { "--json", NULL, N_("the result as one JSON document, in English") }
#define WRITE_OPTS \
	{ "--dry-run", NULL, N_("print the diff a save would write; write nothing") }, \
	{ "--wait", "SECONDS", N_("wait for an editor's lock instead of exiting 75") }

static const struct cli_option json_opts[] = {
	JSON_OPT,
	{ NULL, NULL, NULL },
};
static const struct cli_option set_opts[] = {
	WRITE_OPTS,
	JSON_OPT,
	{ NULL, NULL, NULL },
};
static const struct cli_option get_opts[] = {
	{ "--show-secret", NULL, N_("print the password too (get smtp.password needs it)") },
	JSON_OPT,
	{ NULL, NULL, NULL },
};
static const struct cli_option preset_opts[] = {
	{ "--host", "HOST", N_("the whole server name, for a preset whose host\n"
			       "has \xE2\x97\xAF (sv1234.xserver.jp)") },
	WRITE_OPTS,
	JSON_OPT,
	{ NULL, NULL, NULL },
};
static const struct cli_option send_opts[] = {
	{ "--to", "ADDR", N_("the recipient (default: basic.contact_email)") },
	{ "--save", "FILE", N_("also write the dialogue and the verdict to FILE\n"
			       "(overwritten; a new one is mode 0600)") },
	JSON_OPT,
	{ NULL, NULL, NULL },
};
static const struct cli_option probe_opts[] = {
	{ "--probe", NULL, N_("stop after the login: nothing is sent") },
	{ "--save", "FILE", N_("also write the dialogue and the verdict to FILE\n"
			       "(overwritten; a new one is mode 0600)") },
	JSON_OPT,
	{ NULL, NULL, NULL },
};
static const struct cli_option dns_opts[] = {
	{ "--selector", "S", N_("a DKIM selector to check; give it again for more") },
	{ "--server", "ADDR[:PORT]", N_("ask this DNS server (IPv6 with a port: [ADDR]:PORT)") },
	JSON_OPT,
	{ NULL, NULL, NULL },
};

/* One row per form of a command; see cli.h. */
const struct cli_command cli_commands[] = {
	{ "check", "[--json]",
	  N_("validate the file; problems as FILE:LINE: key: message"),
	  cmd_check, 0, json_opts },
	{ "get", "[--show-secret] [KEY] [--json]",
	  N_("print one value (section.key), or all of them"),
	  cmd_get, 0, get_opts },
	{ "set", "KEY=VALUE... [--dry-run] [--wait SECONDS] [--json]",
	  N_("validate all, then save; on any error write nothing"),
	  cmd_set, CMD_MAY_CREATE | CMD_LOCK, set_opts },
	{ "set", "smtp.password [--dry-run] [--wait SECONDS] [--json]",
	  N_("read the password from standard input"),
	  cmd_set, CMD_MAY_CREATE | CMD_LOCK, set_opts },
	{ "presets", "[--json]",
	  N_("list the provider presets"),
	  cmd_presets, CMD_NO_FILE, json_opts },
	{ "preset", "NAME [--host HOST] [--dry-run] [--wait SECONDS] [--json]",
	  N_("apply a provider preset"),
	  cmd_preset, CMD_MAY_CREATE | CMD_LOCK, preset_opts },
	{ "test-send", "[--to ADDR] [--save FILE] [--json]",
	  N_("send a test message, show the SMTP dialogue"),
	  cmd_test_send, 0, send_opts },
	{ "test-send", "--probe [--save FILE] [--json]",
	  N_("connect, start TLS, log in, then QUIT: test the\n"
	     "server and the password without sending mail"),
	  cmd_test_send, 0, probe_opts },
	{ "dns", "[--selector S]... [--server ADDR[:PORT]] [--json]",
	  N_("check MX, SPF, DKIM and DMARC of the sender domain"),
	  cmd_dns, 0, dns_opts },
};
const size_t cli_ncommands = sizeof cli_commands / sizeof *cli_commands;

const struct cli_command *cli_command(const char *name)
{
	for (size_t i = 0; i < cli_ncommands; i++)
		if (!strcmp(cli_commands[i].name, name))
			return &cli_commands[i];
	return NULL;
}

#define HELP_COLUMN 28

/* The help in its column after a label w columns wide (below it when the
 * label is too wide); its lines after the first in the same column. */
static void print_help_column(FILE *fp, int w, const char *msgid)
{
	if (w >= HELP_COLUMN)
		fprintf(fp, "\n%*s", HELP_COLUMN, "");
	else
		fprintf(fp, "%*s", HELP_COLUMN - w, "");
	for (const char *h = _(msgid);;) {
		size_t n = strcspn(h, "\n");
		fprintf(fp, "%.*s\n", (int)n, h);
		if (!h[n] || !h[n + 1])
			break;
		h += n + 1;
		fprintf(fp, "%*s", HELP_COLUMN, "");
	}
}

void cli_usage(FILE *fp)
{
	fputs(_("Usage: mailset [-c FILE] COMMAND [ARGS]\n"
		"\n"
		"Commands:\n"), fp);
	for (size_t i = 0; i < cli_ncommands; i++) {
		const struct cli_command *k = &cli_commands[i];
		int w = fprintf(fp, "  %s%s%s", k->name, *k->args ? " " : "", k->args);
		print_help_column(fp, w, k->help);
	}
	fputs(_("\n"
		"Options:\n"
		"  -c, --config FILE         the configuration file\n"
		"  -h, --help                show this help\n"
		"  -V, --version             show the version and the linked libraries\n"
		"\n"
		"FILE defaults to $MAILSET_CONFIG, else $XDG_CONFIG_HOME/mailset/mail.ini\n"
		"(~/.config/mailset/mail.ini). See mailset(1) and mailset.ini(5).\n"), fp);
	fputs(_("'mailset COMMAND --help' shows a command's options.\n"), fp);
}

/* The options of the rows named name, each once, in table order; f is
 * called for each (ctx passed on). */
static void each_option(const char *name, void (*f)(void *ctx, const struct cli_option *o),
			void *ctx)
{
	for (size_t i = 0; i < cli_ncommands; i++) {
		const struct cli_command *k = &cli_commands[i];
		if (strcmp(k->name, name) || !k->opts)
			continue;
		for (const struct cli_option *o = k->opts; o->name; o++) {
			bool seen = false;
			for (size_t j = 0; j < i && !seen; j++) {
				const struct cli_command *e = &cli_commands[j];
				if (strcmp(e->name, name) || !e->opts)
					continue;
				for (const struct cli_option *p = e->opts; p->name && !seen; p++)
					seen = !strcmp(p->name, o->name);
			}
			if (!seen)
				f(ctx, o);
		}
	}
}

static void print_option_help(void *ctx, const struct cli_option *o)
{
	FILE *fp = ctx;
	int w = fprintf(fp, "  %s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
	print_help_column(fp, w, o->help);
}

void cli_command_usage(const char *name, FILE *fp)
{
	const struct cli_command *cmd = cli_command(name);
	if (!cmd)
		return;
	const char *file = cmd->flags & CMD_NO_FILE ? "" : "[-c FILE] ";
	bool first = true;
	for (size_t i = 0; i < cli_ncommands; i++) {
		const struct cli_command *k = &cli_commands[i];
		if (strcmp(k->name, name))
			continue;
		fprintf(fp, "%s mailset %s%s%s%s\n", first ? _("Usage:") : _("   or:"), file, k->name,
			*k->args ? " " : "", k->args);
		first = false;
	}
	fputc('\n', fp);
	for (size_t i = 0; i < cli_ncommands; i++) {
		const struct cli_command *k = &cli_commands[i];
		if (strcmp(k->name, name))
			continue;
		int w = fprintf(fp, "  %s%s%s", k->name, *k->args ? " " : "", k->args);
		print_help_column(fp, w, k->help);
	}
	fprintf(fp, "\n%s\n", _("Options:"));
	each_option(name, print_option_help, fp);
	if (!(cmd->flags & CMD_NO_FILE)) {
		int w = fprintf(fp, "  -c, --config FILE");
		print_help_column(fp, w, N_("the configuration file (also after the command)"));
	}
	int w = fprintf(fp, "  -h, --help");
	print_help_column(fp, w, N_("show this help"));
	fprintf(fp, "\n%s\n", _("See mailset(1)."));
}

/* ------------------------------------------------------------- completion */

static void print_option_name(void *ctx, const struct cli_option *o)
{
	(void)ctx;
	printf("%s%s\n", o->name, o->arg ? "=" : "");
}

/* mailset --complete WHAT [CMD]: the words a shell may complete, one a
 * line, from the tables and the data files; no configuration is read.
 * An option that takes a value ends with '='. */
static int complete(int argc, char **argv)
{
	const char *what = argc > 0 ? argv[0] : "";
	const char *cmd = argc > 1 ? argv[1] : NULL;
	if (!strcmp(what, "commands") && argc == 1) {
		for (size_t i = 0; i < cli_ncommands; i++)
			if (cli_command(cli_commands[i].name) == &cli_commands[i])
				puts(cli_commands[i].name);
	} else if ((!strcmp(what, "keys") || !strcmp(what, "set-keys")) && argc == 1) {
		/* set-keys: what set takes, KEY= but the secret alone (read
		 * from standard input, never given on the command line) */
		bool set = !strcmp(what, "set-keys");
		for (int i = 0; i < F_COUNT; i++)
			printf("%s%s\n", settings_field_name(i),
			       set && !(settings_fields[i].flags & FIELD_SECRET) ? "=" : "");
	} else if (!strcmp(what, "presets") && argc == 1) {
		struct preset_list pl;
		char *err;
		if (presets_load_default(&pl, &err) < 0) {
			free(err);
			return EX_OSFILE;
		}
		for (size_t i = 0; i < pl.n; i++)
			puts(pl.v[i].id);
		presets_free(&pl);
	} else if (!strcmp(what, "options") && argc <= 2) {
		const struct cli_command *k = cmd ? cli_command(cmd) : NULL;
		if (cmd && !k)
			return unknown_command(cmd);
		if (k)
			each_option(cmd, print_option_name, NULL);
		if (!k || !(k->flags & CMD_NO_FILE))
			puts("-c\n--config=");
		puts("--help");
		if (!k)
			puts("--version\n--wizard");
	} else {
		return usage_error("%s", _("--complete takes commands, keys, set-keys, presets or "
					   "options [COMMAND]"));
	}
	return EX_OK;
}

/* ------------------------------------------------------------------- main */

/* As coreutils' close_stdout(): output that could not be written is an
 * error, not a success (mailset get >/dev/full). A reader that went away
 * (EPIPE, SIGPIPE ignored) is not worth a message; a standard output that
 * was closed and never written to is no error. */
static int close_stdout(int rc)
{
	int err = 0;
	errno = 0;
	if (fflush(stdout) != 0)
		err = errno;
	bool failed = err || ferror(stdout);
	bool pending = __fpending(stdout) > 0;
	errno = 0;
	if (fclose(stdout) != 0 && (failed || pending || errno != EBADF)) {
		failed = true;
		if (!err)
			err = errno;
	}
	if (!failed || err == EPIPE)
		return rc;
	if (err)
		fprintf(stderr, "mailset: %s: %s\n", _("write error"), strerror(err));
	else
		fprintf(stderr, "mailset: %s\n", _("write error"));
	return rc ? rc : EX_IOERR;
}

/* The option of cmd named by word ("--to" or "--to=ADDR"), or NULL. */
static const struct cli_option *command_option(const struct cli_command *cmd, const char *word)
{
	for (size_t i = 0; i < cli_ncommands; i++) {
		const struct cli_command *k = &cli_commands[i];
		if (strcmp(k->name, cmd->name) || !k->opts)
			continue;
		for (const struct cli_option *o = k->opts; o->name; o++) {
			size_t n = strlen(o->name);
			if (!strncmp(word, o->name, n) && (!word[n] || word[n] == '='))
				return o;
		}
	}
	return NULL;
}

static int run(int argc, char **argv, const struct cli_hooks *hooks, bool *editor)
{
	const char *copt = NULL;
	bool wizard = false, help = false, ended = false;
	const struct cli_command *cmd = NULL;
	const char *name = NULL;
	/* The global options, wherever they are before "--"; the command's
	 * words are moved down to args, in their order (w <= i). */
	char **args = argv + 1;
	int nargs = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (ended || a[0] != '-' || !a[1]) {
			if (name) {
				args[nargs++] = argv[i];
				continue;
			}
			name = a;
			if (strcmp(name, "help") && !(cmd = cli_command(name)))
				return unknown_command(name);
		} else if (!strcmp(a, "--")) {
			ended = true;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			help = true;
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			return version(hooks);
		} else if (!strcmp(a, "-c") || !strcmp(a, "--config")) {
			if (++i == argc)
				return usage_error(_("%s needs a file name"), a);
			copt = argv[i];
		} else if (!strncmp(a, "--config=", 9)) {
			copt = a + 9;
		} else if (!strncmp(a, "-c", 2)) {
			copt = a + 2;
		} else if (!strcmp(a, "--wizard")) {
			wizard = true;
		} else if (name) {
			/* the command's: it judges them; the value of one of its
			 * options is not ours to read */
			const struct cli_option *o = cmd ? command_option(cmd, a) : NULL;
			args[nargs++] = argv[i];
			if (o && o->arg && !strchr(a, '=') && i + 1 < argc)
				args[nargs++] = argv[++i];
		} else {
			return usage_error(_("unknown option '%s'"), a);
		}
	}
	/* mailset help [CMD] is mailset [CMD] --help */
	if (name && !cmd) {
		if (nargs > 1)
			return usage_error(_("help: one COMMAND at a time ('%s' is one too many)"),
					   args[1]);
		if (nargs && !(cmd = cli_command(args[0])))
			return unknown_command(args[0]);
		help = true;
	}
	if (help) {
		if (cmd)
			cli_command_usage(cmd->name, stdout);
		else
			cli_usage(stdout);
		return EX_OK;
	}
	cmd_flags = cmd ? cmd->flags : 0;
	if (cmd && (nargs = common_options(cmd, nargs, args)) < 0)
		return json_end(EX_USAGE);
	if (cmd && (cmd->flags & CMD_NO_FILE))
		return json_end(cmd->run(NULL, nargs, args));

	struct config c = { 0 };
	c.path = config_path(copt, &c.is_default);
	if (!c.path) {
		fprintf(stderr, "%s\n",
			_("mailset: no configuration file: give -c FILE or set MAILSET_CONFIG"));
		note(true, NULL, 0, "no configuration file: give -c FILE or set MAILSET_CONFIG");
		return json_end(EX_CONFIG);
	}
	if (js.on)
		json_kstr(&js.j, "file", c.path);
	int rc;
	if (!cmd) {
		if (hooks && hooks->editor) {
			*editor = true;
			rc = hooks->editor(c.path, c.is_default, wizard);
		} else {
			cli_usage(stderr);
			fprintf(stderr, "%s\n",
				_("mailset: the interactive editor is not part of this version; "
				  "use the commands above"));
			rc = EX_USAGE;
		}
	} else {
		if (cmd->flags & CMD_LOCK)
			c.before_write = lock_before_write;
		struct js_mark m;
		js_mark(&m);
		rc = cmd->run(&c, nargs, args);
		/* changed since read: again, on the file as it is now, under
		 * the lock (no other run of ours can change it meanwhile) */
		if (replay_wanted && !cli_locked) {
			int lrc = cli_lock(&c, &cli_locked);
			if (lrc) {
				rc = lrc;
				replay_wanted = false;
			}
		}
		if (replay_wanted) {
			replay_wanted = false;
			replaying = true;
			js_rewind(&m);
			char *path = xstrdup(c.path);
			bool is_default = c.is_default;
			config_free(&c);
			memset(&c, 0, sizeof c);
			c.path = path;
			c.is_default = is_default;
			c.before_write = lock_before_write;
			rc = cmd->run(&c, nargs, args);
		}
		if (kept_secret)
			util_wipe_free(kept_secret, strlen(kept_secret));
		kept_secret = NULL;
	}
	if (cli_locked)
		lock_release(c.path);
	config_free(&c);
	return json_end(rc);
}

int cli_main(int argc, char **argv, const struct cli_hooks *hooks)
{
	bool editor = false;
	int rc = argc > 1 && !strcmp(argv[1], "--complete") ? complete(argc - 2, argv + 2)
							    : run(argc, argv, hooks, &editor);
	/* the editor's screen is not standard output's to judge */
	return editor ? rc : close_stdout(rc);
}
