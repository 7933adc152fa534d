/*
 * The PostgreSQL client tools a backup runs (pg_dump, pg_restore): finding
 * one whose major version fits the server, and running it with its password
 * in the environment, its stdout on a pipe or a file descriptor of ours, and
 * its stderr in a file whose last line makes the error message.
 */
#ifndef GATE_BACKUP_TOOL_H
#define GATE_BACKUP_TOOL_H

#include <stdbool.h>
#include <sys/types.h>

/* A major version as PostgreSQL numbers them: 15 for 15.4, 906 for 9.6.24 (server_version_num / 100). */
int tool_major_of(const char *version);

/*
 * Finds `name` (pg_dump, pg_restore) of at least major version min_major: in
 * bindir only when it is given (--pg-bindir), else in
 * /usr/lib/postgresql/<N>/bin, /usr/pgsql-<N>/bin and PATH, preferring the
 * same major version, then the newest. Sets *path (newly allocated) and
 * *version ("15.4"). Returns 0, or -1 with a recorded EXIT_ENV error naming
 * what was found and the package to install.
 */
int tool_find(const char *name, const char *bindir, int min_major, char **path, char **version);

/* Its version from `path --version` ("15.4"), newly allocated, or NULL when it does not run. */
char *tool_version(const char *path);

/*
 * Starts argv[0] (a path) with envp, stdin from in_fd and stdout to out_fd
 * (-1: /dev/null for either), stderr appended to err_path. The fds are not
 * closed here. Returns the pid, or -1 with a recorded EXIT_ENV error.
 */
pid_t tool_start(const char *const argv[], char *const envp[], int in_fd, int out_fd, const char *err_path);

/* Waits for pid: its exit status, or 128+N when signal N killed it. */
int tool_wait(pid_t pid);

/*
 * Records an EXIT_ENV error for a tool that ended with status (from
 * tool_wait): "<name> failed (exit N): <its last stderr line>" or "<name>
 * was killed by signal N". Returns -1.
 */
int tool_failed(const char *name, int status, const char *err_path, const char *hint);
/* The same message appended to out, without recording it. */
struct buf;
void tool_describe_failure(const char *name, int status, const char *err_path, struct buf *out);

#endif
