/*
 * Every wait of the gate's own sessions on production is bounded and
 * announced (issue 15). A session opened with pg_connect_production() runs
 * under lock_timeout = the lock wait and statement_timeout = the query
 * timeout (pg_wait_limits(), from --lock-wait and --query-timeout), so the
 * server itself ends a wait even when the gate is gone. While one of its
 * statements has not answered within a second, a second session reads what
 * the backend waits for (pg_blockers_of_pid) and logs one line naming the
 * relation and every blocking session; a statement that runs out of either
 * timeout becomes EXIT_ENV "production is busy" with the same details, kept
 * for the reports (pg_wait_busy_text()).
 */
#ifndef GATE_PG_WAIT_H
#define GATE_PG_WAIT_H

#include <libpq-fe.h>
#include <stdbool.h>

/* The gate's own limits on production (0: the server's default, none). Defaults: 60 s and 300 s. */
void pg_wait_limits(unsigned lock_wait_ms, unsigned query_timeout_ms);
unsigned pg_wait_lock_ms(void);

/*
 * pg_connect() under those limits, watched as above. Returns 0, or -1 with
 * a recorded error and *out NULL.
 */
int pg_connect_production(const char *dsn, bool read_only, PGconn **out);

/*
 * For conn.c: runs sql on c (nparams < 0: the simple protocol, several
 * statements allowed; the last result, or the first error, is returned) and,
 * on a watched session, announces a wait. `what` names the work.
 */
PGresult *pg_wait_exec(PGconn *c, const char *what, const char *sql, int nparams, const char *const *params);

/*
 * Sets c's lock_timeout to ms for a wait that is only worth trying (it fails
 * fast and unannounced), or back to the lock wait with ms = 0. Returns 0 or
 * -1 with a recorded error.
 */
int pg_wait_try_only(PGconn *c, unsigned ms);

/* For a query sent with PQsendQuery() on c: waits for its answer as pg_wait_exec() does. */
void pg_wait_answer(PGconn *c, const char *what);

/*
 * For conn.c: when r is a lock or statement timeout of a watched session,
 * records the EXIT_ENV "production is busy" error and returns true.
 */
bool pg_wait_busy(PGconn *c, const char *what, const PGresult *r);

/* For pg_disconnect(): c is gone. */
void pg_wait_forget(PGconn *c);

/*
 * The last wait that ran out, in words (what waited, for what, and every
 * blocking session), masked; NULL when none did. pg_wait_clear() forgets it.
 */
const char *pg_wait_busy_text(void);
void pg_wait_clear(void);

#endif
