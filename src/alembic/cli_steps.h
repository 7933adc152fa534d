/*
 * The per-step CLI mode (--alembic-cmd "alembic -c alembic.ini"): every
 * upgrade and downgrade is a fresh `<alembic-cmd> upgrade REV` process, run
 * by /bin/sh in the project directory (so the command may be a wrapper such
 * as "poetry run alembic"; the arguments after it are passed verbatim). Each
 * step costs an interpreter start (about 0.26 s) and captures no statements:
 * the lint pass reads offline SQL instead (offline_revision_stmts()).
 *
 * The database URL reaches env.py through the environment child_env()
 * builds, the same the driver gets: DATABASE_URI, DATABASE_URL and libpq's
 * PG* variables. The alembic command cannot be handed a sqlalchemy.url, so an
 * env.py that reads only the ini file's URL does not work in this mode.
 *
 * How a step ends (Alembic 1.8, see NOTES.md):
 *   exit 0     STEP_OK
 *   exit 255   STEP_FAILED, Alembic's own error: `FAILED: ...` on stdout
 *              (error_type "CommandError")
 *   exit 1     STEP_FAILED, a Python exception: the traceback on stderr gives
 *   (other)    error_type and error_message (a database error's message
 *              without its "(psycopg2.errors.X)" prefix, as the driver reports
 *              it) and error_file/line: the last frame in a revision file of
 *              the graph, else in env.py, else the last frame
 *   signal     STEP_DIED, with an EXIT_ENV error (returns -1)
 *   timeout    STEP_TIMEOUT: --step-timeout passed, the command's process
 *              group is killed, EXIT_ENV error naming the step (returns -1)
 */
#ifndef GATE_ALEMBIC_CLI_STEPS_H
#define GATE_ALEMBIC_CLI_STEPS_H

#include "alembic/driver.h"
#include "alembic/graph.h"

struct cli_steps_options {
	const char *alembic_cmd;       /* shell words, e.g. "alembic -c alembic.ini" */
	const char *project_dir;       /* the commands' working directory; NULL for "." */
	const struct rev_graph *graph; /* to downgrade a merge to one parent and to find revision files */
	const char *db_url;            /* SQLAlchemy URL; NULL until cli_steps_set_url() */
	unsigned step_timeout_s;       /* per command; 0 means no limit */
};

struct cli_steps;

/*
 * Checks the command by running `<alembic-cmd> heads` once. Errors: EXIT_ENV
 * when the command cannot be started (not found), EXIT_USAGE when Alembic
 * fails (no config file, broken env.py...). *out is NULL on failure.
 */
int cli_steps_new(const struct cli_steps_options *opt, struct cli_steps **out);
void cli_steps_free(struct cli_steps *c);

/* Sets the URL the next commands see. */
void cli_steps_set_url(struct cli_steps *c, const char *db_url);

/*
 * `<alembic-cmd> upgrade REV`. Returns 0 when the command ran to an end,
 * successful or not (out->status); -1 with a recorded error on a timeout or a
 * killed command. out->stmts stays empty.
 */
int cli_steps_upgrade(struct cli_steps *c, const char *rev, struct step_result *out);

/*
 * Undoes exactly rev: `downgrade REV@-1`, or for a merge `downgrade PARENT`
 * (its first parent, as the driver does), or `downgrade TARGET` when target
 * is given. Same returns as cli_steps_upgrade().
 */
int cli_steps_downgrade(struct cli_steps *c, const char *rev, const char *target, struct step_result *out);

#endif
