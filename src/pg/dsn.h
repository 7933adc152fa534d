/*
 * A connection string taken apart by libpq's own parser (URL or key=value),
 * so that a child tool (pg_dump, pg_restore) gets everything but the
 * password on its command line and the password through its environment,
 * and so that messages and manifests can name the host and database.
 */
#ifndef GATE_PG_DSN_H
#define GATE_PG_DSN_H

struct pg_dsn {
	char *conninfo; /* key=value conninfo of every option set except the password */
	char *password; /* NULL when the DSN has none */
	char *host;     /* NULL when not set (libpq's default applies) */
	char *port;
	char *user;
	char *dbname;
};

/* Parses dsn into d (released first). Returns 0, or -1 with a recorded EXIT_USAGE error naming `what`. */
int pg_dsn_parse(const char *dsn, const char *what, struct pg_dsn *d);
void pg_dsn_release(struct pg_dsn *d);

/*
 * The environment for a PostgreSQL client tool: ours without DATABASE_URI,
 * DATABASE_URL and MIGRATE_GATE_PRODUCTION_URL, with PGPASSWORD set to the
 * DSN's password when it has one (else the user's PGPASSWORD stays), and
 * PGAPPNAME. Appended to env as "NAME=value" with a NULL after the
 * last (not counted in env->n), for execve.
 */
struct strlist;
void pg_dsn_tool_env(const struct pg_dsn *d, struct strlist *env);

#endif
