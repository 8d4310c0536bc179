/* cli.h - the subcommands (check, get, set, presets, preset).
 *
 * cli_main() parses the whole command line, runs one subcommand and returns
 * a sysexits.h status; it prints its own messages. It never touches the
 * terminal's modes except to read a password without echo. */
#ifndef MAILSET_CLI_H
#define MAILSET_CLI_H

struct cli_hooks {
	/* Versions of the libraries linked by the caller (ncurses), for
	 * --version; may be NULL. */
	const char *ui_versions;
	/* Opens the editor on path (see ui.h); NULL when there is none. */
	int (*editor)(const char *path, int is_default, int wizard);
};

int cli_main(int argc, char **argv, const struct cli_hooks *hooks);

#endif
