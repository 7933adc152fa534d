/*
 * Applying revisions to production, the one part of the gate that writes
 * there. In order:
 *
 *   1. the gate's own session (PG_LOCK_APPNAME) must be a direct one, not a
 *      transaction pooler's (EXIT_ENV otherwise);
 *   2. it takes the project's session-level advisory lock, retrying
 *      pg_try_advisory_lock for up to lock_wait_ms, then waits for migration
 *      sessions a killed run left behind; on expiry EXIT_APPLY names the holder;
 *   3. alembic_version must still hold what the plan read: when another deploy
 *      brought production to the target meanwhile, nothing is left to do (0);
 *      any other change is EXIT_APPLY with both;
 *   4. each revision is upgraded alone through the driver, in a session of its
 *      own named "migrate-gate <rev>", with lock_timeout and statement_timeout
 *      in PGOPTIONS; while it runs, the gate's session samples
 *      pg_blocking_pids() of that backend;
 *   5. a lock timeout (SQLSTATE 55P03) of a revision that runs in one
 *      transaction is retried up to `retries` times with exponential backoff
 *      and jitter; a revision that committed part of itself (an
 *      autocommit_block) is never retried and is reported with the statements
 *      that stayed on production;
 *   6. after each revision the version row must hold it, and the schema
 *      changes it made on production are listed (and compared with check's on
 *      scratch when given).
 *
 * Every outcome goes into the deploy report, also on failure.
 */
#ifndef GATE_APPLY_APPLY_H
#define GATE_APPLY_APPLY_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "alembic/driver.h"
#include "alembic/graph.h"
#include "report/deploy.h"
#include "util/strset.h"

struct apply_options {
	const char *production_url;    /* the gate's own session; the driver was started with it */
	const char *script_location;   /* alembic.ini's, for the lock key */
	unsigned lock_wait_ms;         /* --lock-wait */
	unsigned lock_timeout_ms;      /* --lock-timeout; 0: none */
	unsigned statement_timeout_ms; /* --statement-timeout; 0: none */
	unsigned retries;              /* --retries */
	const struct rev_graph *graph;
	const char *project_dir;       /* revision paths are read from here */
	const struct strlist *planned; /* alembic_version rows the plan read */
	const struct strlist *fresh;   /* the revisions to apply, in order */
	const struct strset *expected; /* "rev\tchange" lines check saw on scratch, or NULL */
	PGconn *session;               /* from apply_open_session(), which apply_run() takes over; NULL: it opens one */
	bool terminate_leftovers;      /* --terminate-leftovers: end an earlier run's migration sessions */
};

/*
 * Opens the gate's own session on production for apply_run(), refusing a
 * transaction pooler, before the driver is ready (driver_options.while_starting).
 * Returns 0, or -1 with a recorded error and *out NULL.
 */
int apply_open_session(const char *production_url, PGconn **out);

/*
 * Applies opt->fresh to production through d (started with the production
 * URL). Fills r: each revision's outcome, attempts, duration, blockers,
 * statements and changes; r->now with production's rows at the end. Returns 0
 * when every revision was applied (or nothing was left to do), or -1 with a
 * recorded error (EXIT_APPLY for a failed revision, the lock, the re-check;
 * EXIT_ENV for a pooler or a lost connection) and r->failure set.
 */
int apply_run(struct driver *d, const struct apply_options *opt, struct deploy_report *r);

/* The delay before retry n (1-based): base_ms * 2^(n-1), times a jitter in [0.5, 1.5), capped at 30 s. */
unsigned apply_backoff_ms(unsigned base_ms, unsigned n);

#endif
