/*
 * The Alembic driver client: one Python process (src/alembic/driver.py,
 * embedded in the binary) serves a whole run. It runs in the project's
 * directory under an interpreter that can import alembic, and speaks JSON
 * lines over pipes: one request per line on its stdin, one response per line
 * on its stdout. Its stderr (env.py logging, alembic's INFO lines) is kept,
 * the last few KB of it, for error messages.
 *
 * Interpreter discovery, first that can `import alembic`:
 *   1. options.python (--python) — when given, only that one is tried;
 *   2. the shebang of `alembic` on PATH (finds a project's venv);
 *   3. python3 on PATH;
 *   4. /usr/bin/python3.
 * When none works: EXIT_ENV error listing what was tried.
 *
 * Every request waits at most step_timeout_s. On a timeout, or when the
 * process dies, the driver's process group is killed (SIGKILL), the step
 * result says so, an EXIT_ENV error naming the step and revision is recorded,
 * and every later request fails at once: start a new driver to go on.
 *
 * How the database URL reaches env.py (what env.py must honour, one of):
 * the Config's sqlalchemy.url (config.get_main_option("sqlalchemy.url")),
 * DATABASE_URI, DATABASE_URL, or libpq's PGHOST/PGPORT/PGUSER/PGPASSWORD/
 * PGDATABASE. The URL travels to the child in its environment, never on its
 * command line.
 */
#ifndef GATE_ALEMBIC_DRIVER_H
#define GATE_ALEMBIC_DRIVER_H

#include <stdbool.h>
#include <stddef.h>

#include "alembic/graph.h"
#include "util/buf.h"
#include "util/strset.h"

struct driver_options {
	const char *python;           /* --python, NULL to discover */
	const char *project_dir;      /* the child's working directory; NULL for "." */
	const char *config_file;      /* -c, relative to project_dir; NULL for "alembic.ini" */
	const char *name;             /* -n, the ini section; NULL for "alembic" */
	const struct strlist *x_args; /* -x values ("key=value"), may be NULL */
	const char *db_url;           /* SQLAlchemy URL, NULL until driver_set_url() */
	unsigned step_timeout_s;      /* per request; 0 means no limit */
	/*
	 * Called once, after the first interpreter is spawned and before its
	 * greeting is awaited, so that work which needs no driver (connecting to
	 * production) overlaps the interpreter's imports, about 0.35 s. Nonzero:
	 * driver_start() stops the interpreter and fails. May be NULL.
	 */
	int (*while_starting)(void *arg);
	void *while_arg;
};

enum stmt_kind {
	STMT_MIGRATION,     /* ran by the revision's upgrade()/downgrade(): lint these */
	STMT_BOOKKEEPING,   /* alembic_version reads and writes */
	STMT_INTROSPECTION, /* catalog queries by SQLAlchemy or Alembic, dialect set-up */
	STMT_ENV,           /* anything else env.py ran outside a migration (SET lock_timeout) */
};

struct captured_stmt {
	char *sql;
	char *sent;       /* the text the server received (parameters bound), NULL when it is sql or unknown */
	char *parameters; /* JSON text of the bound parameters, NULL when none */
	char *revision;   /* the revision whose migration ran it, NULL outside one */
	double duration_ms;
	enum stmt_kind kind;
	bool autocommit; /* ran in autocommit: inside op.get_context().autocommit_block() */
	bool failed;     /* the statement raised (it is the step's error) */
	bool bypassed;   /* not captured: only the server's statement log has it (replay/capture_check) */
};

/* A commit revision code made itself (COMMIT, a DB-API commit(), entering an autocommit_block()). */
struct step_commit {
	char *revision; /* the revision whose migration made it */
	char *how;      /* "a COMMIT statement", "a DB-API commit()", "entering autocommit_block()", ... */
	char *xid;      /* the transaction id the server gave what it committed; NULL when not known */
	size_t after;   /* the captured statements before the commit (it committed those) */
};

enum step_status {
	STEP_OK,
	STEP_FAILED,  /* Python raised: see error_* */
	STEP_TIMEOUT, /* exceeded step_timeout_s; the driver was killed */
	STEP_DIED,    /* the driver exited or broke the protocol; it is gone */
};

struct step_result {
	enum step_status status;
	char *error_type;            /* Python exception class, e.g. "NotImplementedError" */
	char *error_message;         /* str(exception), or what the C side saw */
	char *error_file;            /* last traceback frame in a revision file (else env.py, else last) */
	int error_line;              /* 0 when unknown */
	char *sqlstate;              /* the server's SQLSTATE of a database error ("55P03"), else NULL */
	struct captured_stmt *stmts; /* in execution order, also on failure */
	size_t n_stmts;
	size_t alloc_stmts;
	size_t n_dropped;               /* past the first 20000 statements, repeats of a captured shape: counted only */
	size_t n_overflow;              /* past 80000 captured, new shapes too: counted only, an error finding */
	double duration_ms;             /* wall time of the whole step as the driver measured it */
	bool transaction_per_migration; /* as env.py configured the context */
	/* What the replay reads beyond the error (driver only; the per-step CLI leaves them empty): */
	char *error_revision;    /* the revision whose file is innermost in the traceback, NULL when none */
	bool raised_by_revision; /* the exception was raised by revision code itself (raise X(...)) */
	bool downgrade_empty;    /* a one-revision downgrade whose downgrade() body is empty (pass, ..., a docstring) */
	char *commit_revision;   /* the first Connection.commit() that revision code called, NULL when none */
	int commit_line;         /* and its line in that revision's file (0 when unknown) */
	/*
	 * Every commit revision code made that had written something (apply asks the
	 * server for each one's transaction id first; one that had none is not
	 * listed), and transactions that ended out of the driver's sight.
	 */
	struct step_commit *commits;
	size_t n_commits;
};

void step_result_init(struct step_result *r);
void step_result_release(struct step_result *r);
const char *stmt_kind_name(enum stmt_kind k);

struct driver;

/*
 * Finds an interpreter, starts the driver and waits for its greeting (it
 * checks the config file exists and imports alembic). Errors: EXIT_ENV for no
 * usable interpreter; EXIT_USAGE for a missing config file. *out is NULL on
 * failure.
 */
int driver_start(const struct driver_options *opt, struct driver **out);
/* Ends the driver (closes its stdin, then SIGKILL after a grace period). */
void driver_free(struct driver *d);
/* The interpreter in use. */
const char *driver_python(const struct driver *d);
/* False once the driver timed out, died or was killed. */
bool driver_alive(const struct driver *d);
/*
 * Kills the driver's whole process group (what revision code started too),
 * e.g. from a tick hook when a signal stops the run: the pending request
 * then ends as the driver's death. Accepts NULL.
 */
void driver_kill(struct driver *d);
/* The last few KB the driver (env.py's logging, alembic's INFO lines) wrote to stderr. */
const char *driver_stderr_tail(const struct driver *d);
/* The driver's process id (its process group), 0 when it is gone. For tests and diagnostics. */
long driver_pid(const struct driver *d);

/* Sets the URL env.py will see from the next request on. */
int driver_set_url(struct driver *d, const char *db_url);

/*
 * apply's migration session. Sessions env.py opens from the next request on
 * get application_name (as PGAPPNAME) and pgoptions appended to the
 * PGOPTIONS the driver started with (e.g. "-c lock_timeout=5000"); both are
 * also SET each time env.py checks a connection out (a session pooler such as
 * PgBouncer drops startup options it is told to ignore). And env.py's engines
 * are kept from one request to the next with one pooled connection, so
 * consecutive revisions run in one migration session, renamed for each.
 * application_name NULL or "" ends all that and closes the kept connection
 * now; other settings go with the next step request (one round trip less per
 * revision). A URL that sets application_name= or options= itself wins at
 * connect time.
 */
int driver_set_session(struct driver *d, const char *application_name, const char *pgoptions);

/*
 * While a request waits for its response, calls fn(arg) every interval_ms
 * (e.g. to watch the step's backend from another connection). fn NULL stops.
 */
void driver_set_tick(struct driver *d, unsigned interval_ms, void (*fn)(void *arg), void *arg);

/*
 * Reads every revision into g (which must be empty) and validates it
 * (rev_graph_validate). A revision file that does not load is an EXIT_USAGE
 * error naming the file and line.
 */
int driver_graph(struct driver *d, struct rev_graph *g);
/* The script directory's heads, appended to out. */
int driver_heads(struct driver *d, struct strlist *out);

/*
 * Upgrades the database to rev (alembic upgrade REV) and captures every
 * statement. Returns 0 when the step ran to an end, successful or not (see
 * out->status); -1 with a recorded error when the driver timed out or died
 * (out->status says which).
 */
int driver_upgrade(struct driver *d, const char *rev, struct step_result *out);
/*
 * Undoes exactly one revision, rev, which must be applied. target NULL: rev
 * alone is downgraded (for a merge, the version table gets its parents
 * back). target given: alembic downgrade TARGET; for a merge and one of its
 * parents, Alembic also undoes just the merge. Same returns as upgrade.
 */
int driver_downgrade(struct driver *d, const char *rev, const char *target, struct step_result *out);
/*
 * With on, the next step requests ask the driver to make Connection.commit()
 * from revision code a no-op: a revision that commits Alembic's transaction
 * loses its version stamp, and holding its commits replays it as Alembic
 * meant it to run. Reset to off after each step.
 */
void driver_hold_commits(struct driver *d, bool on);

/*
 * While on, upgrades run in one run of env.py for as long as each request
 * builds directly on the revision before it: each revision still in its own
 * transaction (transaction_per_migration), answered once committed, without
 * setting up env.py, its connection and Alembic's context again (apply).
 */
void driver_chain_upgrades(struct driver *d, bool on);

/* The database's alembic_version rows (through env.py), appended to rows. */
int driver_current(struct driver *d, struct strlist *rows);
/*
 * Offline SQL (alembic upgrade FROM:TO --sql) into out. A Python error is a
 * step failure: returns 0 with result->status STEP_FAILED when result is not
 * NULL, -1 with a recorded EXIT_USAGE error otherwise.
 */
int driver_offline_sql(struct driver *d, const char *range, struct buf *out, struct step_result *result);

/*
 * Compares env.py's target_metadata with the database at its current
 * revision, with Alembic's autogenerate (env.py's include_object and
 * include_name apply). *has_metadata is false when env.py configures none.
 * Each difference appends a stable one-line summary to summaries and the
 * op.* code autogenerate would write to code (same index). A comparison that
 * raises is a failed step in result; -1 only when the driver is gone.
 */
int driver_model_drift(struct driver *d, bool *has_metadata, struct strlist *summaries, struct strlist *code,
                       struct step_result *result);

#endif
