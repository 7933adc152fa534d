/* Passwords inside connection strings, registered so that no output can show them. */
#ifndef GATE_PG_SECRET_H
#define GATE_PG_SECRET_H

/*
 * Registers the password of a URL or key=value DSN with log_add_secret(), so
 * it is masked even where it appears without its URL around it (a Python
 * traceback, a server message). Accepts NULL and DSNs without a password.
 */
void pg_register_dsn_secret(const char *dsn);

#endif
