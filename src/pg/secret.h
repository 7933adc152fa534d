/*
 * Passwords of connection strings, registered with secret_add() (util/secret.h)
 * so that no output can show them, and the one check of a connection string's
 * syntax. Only this module knows how libpq reads a URL, a key=value conninfo,
 * PGPASSWORD and a passfile.
 */
#ifndef GATE_PG_SECRET_H
#define GATE_PG_SECRET_H

/*
 * Registers the password of a URL or key=value DSN, so it is masked even
 * where it appears without its URL around it (a Python traceback, a server
 * message), and the password of every passfile entry that could apply to
 * the DSN's target: the passfile= of the DSN, else PGPASSFILE, else
 * ~/.pgpass; host, port, database and user as libpq would fill them (DSN,
 * then PG* variables, then defaults), '*' matching anything. Accepts NULL,
 * DSNs without a password and DSNs libpq cannot parse (nothing is read then
 * but the text itself: its URL password, if any, is still masked).
 */
void pg_register_dsn_secret(const char *dsn);

/*
 * Registers PGPASSWORD and the passfile entries that could apply to the
 * target the PG* variables alone name: what libpq would use for a DSN
 * without a password.
 */
void pg_register_env_secrets(void);

/*
 * Checks that dsn is a URL or conninfo libpq can parse. On failure records
 * a usage error (exit 2) naming what ("--scratch-url", ...) and the masked
 * DSN on one line, and returns -1.
 */
int pg_check_dsn(const char *dsn, const char *what);

#endif
