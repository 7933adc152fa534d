/*
 * Connections to PostgreSQL. Only src/pg/ touches libpq results: everything
 * a caller needs from a query comes back as strings (a strlist of rows).
 * Every error is recorded with gate_error() and the DSN's password masked.
 */
#ifndef GATE_PG_CONN_H
#define GATE_PG_CONN_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "util/buf.h"
#include "util/strset.h"

/*
 * Opens a connection from a URL ("postgresql://...") or a key=value conninfo.
 * With read_only, every transaction of the session is read-only
 * (default_transaction_read_only=on), which is how production is read.
 * On failure records EXIT_ENV "cannot connect to '<masked dsn>': <libpq
 * message>" with a hint, and returns -1 with *out NULL.
 */
int pg_connect(const char *dsn, bool read_only, PGconn **out);
/* Closes c; accepts NULL. */
void pg_disconnect(PGconn *c);

/* The server's major version (15 for 15.4), or 0 when unknown. */
int pg_server_major(const PGconn *c);

/*
 * Runs one or more SQL commands and discards their results. On error records
 * EXIT_ENV "query failed: <server message>" (with what was being done when
 * `what` is not NULL, e.g. "creating database \"x\"") and returns -1.
 */
int pg_exec(PGconn *c, const char *what, const char *sql);

/*
 * Runs one query with optional text parameters ($1..$n, NULL for none) and
 * appends each row to out as its columns joined by '\t' (NULL reads as "").
 * Returns the number of rows, or -1 with a recorded error.
 */
int pg_query_rows(PGconn *c, const char *what, const char *sql, int nparams, const char *const *params,
                  struct strlist *out);

/*
 * Runs a query that returns at most one value: *out is a newly allocated
 * string, or NULL when there was no row or the value was NULL. Returns 0, or
 * -1 with a recorded error.
 */
int pg_query_value(PGconn *c, const char *what, const char *sql, char **out);

/*
 * Reads the rows of Alembic's version table (schema NULL = search_path,
 * table NULL = "alembic_version") into out, sorted. Returns 1 when the table
 * exists, 0 when it does not (out untouched: a database never migrated), or
 * -1 with a recorded error.
 */
int pg_alembic_versions(PGconn *c, const char *schema, const char *table, struct strlist *out);

/* A newly allocated SQL identifier, always double-quoted ("a""b"), so keywords are safe. */
char *pg_quote_ident(const char *name);
/* A newly allocated SQL string literal ('it''s'), E'' form when it holds backslashes. */
char *pg_quote_literal(const char *s);

/*
 * Appends item to the text[] literal being built in array, which starts with
 * '{' (the caller closes it with '}'): {"a","b\"c"}.
 */
void pg_array_add(struct buf *array, const char *item);

#endif
