/*
 * password — reading a new password at the command line: from a file, from
 * the terminal with echo off, or from standard input; never from argv,
 * where other users could read it in the process list.
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "domain/auth.h"

/* Read the first line of f into out[n] without its line end.  Errors
 * (field "password"): SJ_EINVAL when the line is empty or longer than
 * n - 2 bytes. */
static sj_rc
first_line(FILE *f, char *out, size_t n, sj_err *e)
{
	size_t len;

	if (fgets(out, (int)n, f) == NULL)
		out[0] = '\0';
	len = strlen(out);
	if (len == n - 1 && out[len - 1] != '\n' && !feof(f))
		return sj_fail(e, SJ_EINVAL, "password", "must be at most %d bytes", AUTH_PASSWORD_MAX);
	while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == '\r'))
		out[--len] = '\0';
	if (len == 0)
		return sj_fail(e, SJ_EINVAL, "password", "no password given: use --password-file "
		    "FILE, type it at a terminal, or give it on the first line of standard input");
	return SJ_OK;
}

/* Prompt on stderr and read one line from the terminal on stdin with echo
 * off (termios), restoring the terminal's settings afterwards. */
static sj_rc
tty_read(const char *prompt, char *out, size_t n, sj_err *e)
{
	struct termios old, quiet;
	sj_rc rc;

	if (tcgetattr(STDIN_FILENO, &old) != 0)
		return sj_fail(e, SJ_EIO, "password", "cannot read the terminal: %s", strerror(errno));
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	fputs(prompt, stderr);
	fflush(stderr);
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) != 0)
		return sj_fail(e, SJ_EIO, "password", "cannot turn off echo: %s", strerror(errno));
	rc = first_line(stdin, out, n, e);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	return rc;
}

sj_rc
cli_read_password(const char *file, const char *username, char *out, size_t n, sj_err *e)
{
	char again[AUTH_PASSWORD_MAX + 3], prompt[128];
	FILE *f;
	sj_rc rc;

	if (file) {
		if ((f = fopen(file, "r")) == NULL)
			return sj_fail(e, SJ_EIO, "password_file", "cannot open %s: %s", file,
			    strerror(errno));
		rc = first_line(f, out, n, e);
		fclose(f);
		return rc;
	}
	if (!isatty(STDIN_FILENO))
		return first_line(stdin, out, n, e);
	snprintf(prompt, sizeof prompt, "New password for %s: ", username);
	if ((rc = tty_read(prompt, out, n, e)) != SJ_OK ||
	    (rc = tty_read("Type it again: ", again, sizeof again, e)) != SJ_OK)
		goto out;
	if (strcmp(out, again) != 0)
		rc = sj_fail(e, SJ_EINVAL, "password", "the two entries differ");
out:
	sodium_memzero(again, sizeof again);
	return rc;
}

bool
cli_password_args_ok(const char *cmd, int argc, char **argv)
{
	static const char *const risky[] = { "--password", "--admin-password" };

	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		for (size_t r = 0; r < sizeof risky / sizeof risky[0]; r++) {
			size_t n = strlen(risky[r]);
			if (strncmp(argv[i], risky[r], n) == 0 && (argv[i][n] == '\0' || argv[i][n] == '=')) {
				cli_usage_error(cmd, "%s: a password is never given on the command line, "
				    "where others can read it; use %s-file F or standard input", risky[r],
				    risky[r]);
				return false;
			}
		}
	return true;
}
