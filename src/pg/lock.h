/*
 * What apply needs from production before it writes: proof that its
 * connection is a direct one (a transaction pooler hands each transaction to
 * whatever server connection is free, so a session-level lock or setting
 * would not stay with us), and the session-level advisory lock that keeps two
 * deploys of one project from running at once.
 */
#ifndef GATE_PG_LOCK_H
#define GATE_PG_LOCK_H

#include <libpq-fe.h>
#include <stdint.h>

/*
 * The advisory lock key of a project on a database: a 64-bit FNV-1a hash of
 * the database name and the project's script location (as alembic.ini
 * writes it, so every checkout of the project agrees), as a signed bigint.
 */
int64_t pg_lock_key(const char *dbname, const char *script_location);

/*
 * Proves that c (opened from dsn) reaches PostgreSQL directly or through a
 * session pooler: a second connection holds a transaction open while c runs
 * two more, and c must keep its backend pid throughout and never share it
 * with the second connection, nor wait for it (a transaction pooler whose pool
 * is exhausted makes c wait). Returns 0, or -1 with a recorded EXIT_ENV error
 * that names the pooler and hints at the direct port.
 */
int pg_check_direct(PGconn *c, const char *dsn);

/* pg_try_advisory_lock(key): 1 taken, 0 held by another session, -1 with a recorded error. */
int pg_try_advisory_lock(PGconn *c, int64_t key);
/* pg_advisory_unlock(key); returns 0 or -1 with a recorded error. */
int pg_advisory_unlock(PGconn *c, int64_t key);

/*
 * Who holds the advisory lock key on c's database, in words: "pid 4242
 * (application_name 'migrate-gate lock', client 10.0.0.5, connected since
 * 2026-12-01 10:00:00 UTC, 12 s ago)". *out is NULL when nobody holds it.
 * Returns 0 or -1 with a recorded error.
 */
int pg_advisory_holder(PGconn *c, int64_t key, char **out);

/* The application_name of the gate's own session on production, which holds the lock. */
#define PG_LOCK_APPNAME "migrate-gate lock"

/*
 * Opens the gate's own read-write session on production (dsn), named
 * PG_LOCK_APPNAME. Returns 0, or -1 with a recorded EXIT_ENV error.
 */
int pg_connect_lock_session(const char *dsn, PGconn **out);

/* current_database() of c, newly allocated; NULL with a recorded error. */
char *pg_current_database(PGconn *c);

#endif
