/*
 * Whole databases on a server, for `restore`'s swap: what a database is
 * (owner, locale, whether this role may replace it), creating one like it,
 * the sessions connected to it, and the swap itself, two renames in one
 * transaction. Every function takes a session on another database of the
 * same server (the "admin" session): a database cannot be renamed or dropped
 * from inside.
 */
#ifndef GATE_PG_DATABASE_H
#define GATE_PG_DATABASE_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "pg/dsn.h"
#include "util/strset.h"

struct pg_database {
	bool exists;
	char *role;    /* the session's role */
	char *owner;   /* the database's owner */
	char *why_not; /* NULL when the role may create databases and owns this one; else the reason, one phrase */
	struct strlist create_options; /* ENCODING ... LC_COLLATE ... for CREATE DATABASE, already quoted */
	struct strlist grants;         /* GRANT/REVOKE statements that give a copy this database's privileges */
	struct strlist settings;       /* its ALTER DATABASE ... SET settings, "name=value", not copied */
};

void pg_database_release(struct pg_database *d);

/* Fills d (released first) for the database name. Returns 0, or -1 with a recorded error. */
int pg_database_read(PGconn *admin, const char *name, struct pg_database *d);

/*
 * The conninfo of d (a parsed URL) with another database, with or without
 * its password. Newly allocated.
 */
char *pg_dsn_with_dbname(const struct pg_dsn *d, const char *dbname, bool with_password);

/* CREATE DATABASE name owned by like's owner, with its locale and privileges. -1 with a recorded error. */
int pg_database_create_like(PGconn *admin, const char *name, const struct pg_database *like);

/* DROP DATABASE IF EXISTS name. -1 with a recorded error. */
int pg_database_drop(PGconn *admin, const char *name);

/*
 * The other sessions on database name, one line each: "pid 4711
 * (application_name 'app', client 10.0.0.5)". Returns how many, or -1 with a
 * recorded error.
 */
int pg_database_sessions(PGconn *admin, const char *name, struct strlist *out);

/* pg_terminate_backend() of every other session on name. -1 with a recorded error. */
int pg_database_terminate(PGconn *admin, const char *name);

/* ALTER DATABASE name ALLOW_CONNECTIONS allow. -1 with a recorded error. */
int pg_database_allow_connections(PGconn *admin, const char *name, bool allow);

/*
 * In one transaction: target (when not NULL) renamed to replaced, then
 * replacement renamed to target's name (to_name). Returns 1 when done, 0
 * when another session is still connected to one of them (nothing changed,
 * nothing recorded), or -1 with a recorded error.
 */
int pg_database_swap(PGconn *admin, const char *target, const char *replaced, const char *replacement,
                     const char *to_name);

/*
 * Whether c's database holds anything of its own: 1 empty (no relation,
 * function or type outside the system schemas, no alembic_version), 0 not,
 * -1 with a recorded error.
 */
int pg_database_is_empty(PGconn *c);

#endif
