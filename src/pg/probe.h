/*
 * Read-only checks on production after a deploy (deploy --health-sql): a
 * session with the gate's own lock_timeout and statement_timeout, in which
 * each check runs alone in a READ ONLY transaction that is rolled back.
 */
#ifndef GATE_PG_PROBE_H
#define GATE_PG_PROBE_H

#include <libpq-fe.h>

/*
 * Opens a read-only session on url with lock_timeout and statement_timeout
 * (milliseconds; 0: none) for everything it runs, catalog reads included.
 * Returns 0, or -1 with a recorded error.
 */
int pg_probe_connect(const char *url, unsigned lock_timeout_ms, unsigned statement_timeout_ms, PGconn **out);

/*
 * Runs one query in a READ ONLY transaction of its own, rolled back. Returns
 * 0 when it gave exactly one row whose first column is true, else 1 with *why
 * ("returned 0 rows", "its first column is 'f'", or the server's error; newly
 * allocated). A failed check records no error.
 */
int pg_probe_check(PGconn *c, const char *sql, char **why);

#endif
