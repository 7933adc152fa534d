/*
 * A child process spoken to in lines: requests go to its stdin (a socket, so
 * that writing to a dead child gives EPIPE instead of SIGPIPE), responses come
 * from its stdout, and the tail of its stderr is kept for error messages. The
 * child leads its own process group, so killing it also kills whatever it
 * started. Internal to src/alembic (the driver client).
 */
#ifndef GATE_ALEMBIC_CHILD_H
#define GATE_ALEMBIC_CHILD_H

#include <stdbool.h>
#include <sys/types.h>

#include "util/buf.h"
#include "util/strset.h"

struct child {
	pid_t pid;          /* 0 once reaped */
	int in;             /* our end of its stdin */
	int out;            /* its stdout */
	int err;            /* its stderr */
	struct buf pending; /* stdout bytes not yet returned as a line */
	struct buf tail;    /* the last 64 KB of its stderr */
	int status;         /* waitpid status once reaped */
};

enum child_wait {
	CHILD_LINE,    /* a line arrived */
	CHILD_TIMEOUT, /* the deadline passed */
	CHILD_EOF,     /* it closed stdout: it exited or is exiting */
};

/*
 * The environment every Alembic child (the driver, an `alembic` command) runs
 * with. Revision files are untrusted code, so it is ours minus every
 * variable that could lead them to another database or to a secret:
 * DATABASE_URI, DATABASE_URL, every PG* variable (libpq's, PGPASSWORD and
 * PGSERVICE included), every MIGRATE_GATE_* setting (but the test knob
 * MIGRATE_GATE_MAX_STATEMENTS), and any variable whose value holds a
 * registered secret or a connection-string password (log_mask() changes it).
 * Plus PYTHONDONTWRITEBYTECODE=1 (no __pycache__ in the project from our
 * runs), and, when db_url is not NULL, that URL in every variable env.py may
 * read it from: MIGRATE_GATE_DB_URL (the driver's), DATABASE_URI,
 * DATABASE_URL, and libpq's PGHOST, PGPORT, PGUSER, PGPASSWORD and
 * PGDATABASE taken apart from it as SQLAlchemy's make_url() does (the ones
 * the URL lacks are absent), the same as driver.py's set_url(). Appended to
 * env, NULL-terminated for child_start() (the NULL is not counted in env->n).
 */
void child_env(const char *db_url, struct strlist *env);

/*
 * Starts argv[0] (searched in PATH) in dir with env (NULL-terminated
 * "NAME=value" strings). Returns 0, or -1 with errno set when pipes or fork
 * fail. An exec failure shows up later as exit status 127 and EOF.
 */
int child_start(struct child *c, const char *dir, char *const argv[], char *const env[]);

/* Writes all of line (which ends in '\n'). Returns -1 when the child is gone. */
int child_send(struct child *c, const char *line, size_t len);

/*
 * Waits up to timeout_ms (<0: no limit) for one line of stdout, collecting
 * stderr meanwhile. On CHILD_LINE *line holds it without the '\n' (caller
 * frees).
 */
enum child_wait child_read_line(struct child *c, int timeout_ms, char **line);

/* Kills the whole process group (SIGKILL) and reaps the child. */
void child_kill(struct child *c);

/* Gives it grace_ms to exit by itself, then kills its group; reaps it either way. */
void child_reap(struct child *c, int grace_ms);

/*
 * Closes its stdin, gives it grace_ms to exit by itself, then kills it.
 * Releases everything. Accepts a child that never started (pid 0).
 */
void child_finish(struct child *c, int grace_ms);

/* "exited with status N" / "killed by signal N" / "still running", for messages. */
void child_describe_exit(const struct child *c, struct buf *out);

/* The last non-empty line of its stderr, "" when none. */
const char *child_last_stderr_line(struct child *c);

#endif
