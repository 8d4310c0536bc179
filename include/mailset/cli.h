/* SPDX-License-Identifier: MIT */
/* cli.h - the command line: the table of commands, and cli_main().
 *
 * cli_main() parses the whole command line, runs one command and returns
 * a sysexits.h status; it prints its own messages. It never touches the
 * terminal's modes except to read a password without echo.
 *
 * Every command is a row of cli_commands[]: usage (--help), dispatch and
 * the lock policy read it, and tests/check_docs.c checks that mailset(1)
 * and HACKING.md name every row. A command with two forms (set, test-send)
 * has a row for each, with the same handler and flags; dispatch takes the
 * first. */
#ifndef MAILSET_CLI_H
#define MAILSET_CLI_H

#include <stddef.h>
#include <stdio.h>

struct config;

#define CMD_NO_FILE    0x1u /* needs no configuration file: run gets NULL */
#define CMD_MAY_CREATE 0x2u /* a missing file loads as empty and the save
			       creates it (and the XDG directory, 0700) */
#define CMD_LOCK       0x4u /* runs holding FILE.lock: a live editor makes it
			       fail with 75, a stale lock is broken */

/* An option of a command, for CMD --help and the shell completion; the
 * command line parser also reads arg to leave an option's value alone. */
struct cli_option {
	const char *name;    /* "--to" */
	const char *arg;     /* "ADDR" when it takes a value, else NULL */
	const char *help;    /* msgid */
};

struct cli_command {
	const char *name;
	const char *args;    /* synopsis after the name, "" for none */
	const char *help;    /* msgid for --help; "\n" starts another line */
	/* c->path is set, the file not loaded yet (the handler checks its
	 * arguments first); argv holds what follows the name. Returns a
	 * sysexits.h status. */
	int (*run)(struct config *c, int argc, char **argv);
	unsigned flags;      /* CMD_* */
	/* its options, ending with { NULL }; NULL when it has none */
	const struct cli_option *opts;
};

extern const struct cli_command cli_commands[];
extern const size_t cli_ncommands;

/* The first row named name, or NULL. */
const struct cli_command *cli_command(const char *name);
/* The --help text: the commands from the table, then the options. */
void cli_usage(FILE *fp);
/* CMD --help: the usage lines of name's rows, their help, their options
 * and the global ones. */
void cli_command_usage(const char *name, FILE *fp);

struct cli_hooks {
	/* Versions of the libraries linked by the caller (ncurses), for
	 * --version; may be NULL. */
	const char *ui_versions;
	/* Opens the editor on path (see ui.h); NULL when there is none. */
	int (*editor)(const char *path, int is_default, int wizard);
};

/* The global options (-c FILE, --help...) are taken wherever they are, up
 * to "--"; the rest goes to the command in its order. At the end, a
 * failed write to standard output is an error (exit 74), as in
 * coreutils' close_stdout(). "mailset --complete WHAT" is the shell
 * completion's question (HACKING.md); it reads no configuration. */
int cli_main(int argc, char **argv, const struct cli_hooks *hooks);

#endif
