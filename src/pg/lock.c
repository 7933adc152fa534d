#include "pg/lock.h"

#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pg/conn.h"
#include "pg/wait.h"
#include "util/error.h"
#include "util/log.h"
#include "util/mem.h"

#include "util/banned.h"

/* How long c may wait for a backend while the probe connection holds one: a direct session never waits. */
#define POOL_WAIT_MS 3000

static const char pooler_hint[] =
    "connect to PostgreSQL's own port, or to a pooler in session mode: a transaction pooler (PgBouncer "
    "pool_mode = transaction) cannot keep the deploy's lock and settings with its session";

int64_t pg_lock_key(const char *dbname, const char *script_location)
{
	uint64_t h = 14695981039346656037ull;
	const char *parts[] = {"migrate-gate", dbname ? dbname : "", script_location ? script_location : ""};
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		for (const char *p = parts[i];; p++) { /* the NUL separates the parts */
			h ^= (unsigned char)*p;
			h *= 1099511628211ull;
			if (!*p)
				break;
		}
	int64_t key;
	memcpy(&key, &h, sizeof(key));
	return key;
}

int pg_connect_lock_session(const char *dsn, PGconn **out)
{
	if (pg_connect_production(dsn, false, out))
		return -1;
	if (pg_exec(*out, "naming the session", "SET application_name = '" PG_LOCK_APPNAME "'") == 0)
		return 0;
	pg_disconnect(*out);
	*out = NULL;
	return -1;
}

char *pg_current_database(PGconn *c)
{
	char *db = NULL;
	if (pg_query_value(c, "reading the database name", "SELECT current_database()", &db) < 0)
		return NULL;
	return db ? db : xstrdup("");
}

static int backend_pid(PGconn *c, const char *sql, long *pid)
{
	char *v = NULL;
	if (pg_query_value(c, "reading the backend pid", sql, &v) < 0)
		return -1;
	*pid = v ? strtol(v, NULL, 10) : 0;
	free(v);
	return 0;
}

/* Sends sql on c and waits up to ms for its result; 1 when it came (*pid set), 0 on timeout, -1 on error. */
static int pid_within(PGconn *c, int ms, long *pid)
{
	if (!PQsendQuery(c, "SELECT pg_backend_pid()"))
		return gate_error(EXIT_ENV, NULL, "cannot query production: %s", PQerrorMessage(c));
	struct pollfd p = {PQsocket(c), POLLIN, 0};
	while (PQisBusy(c)) {
		int n = poll(&p, 1, ms);
		if (n == 0)
			return 0;
		if (n < 0 || !PQconsumeInput(c))
			return gate_error(EXIT_ENV, NULL, "lost the connection to production: %s", PQerrorMessage(c));
	}
	PGresult *r;
	*pid = 0;
	while ((r = PQgetResult(c))) {
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
			*pid = strtol(PQgetvalue(r, 0, 0), NULL, 10);
		PQclear(r);
	}
	return 1;
}

/* Drains a query left running by pid_within() once the probe let go of its backend. */
static void drain(PGconn *c)
{
	PGresult *r;
	while ((r = PQgetResult(c)))
		PQclear(r);
}

static int pooler_error(const char *why)
{
	return gate_error(EXIT_ENV, pooler_hint,
	                  "production is reached through a transaction pooler: %s; apply needs a direct session", why);
}

int pg_check_direct(PGconn *c, const char *dsn)
{
	PGconn *probe = NULL;
	long first = 0, held = 0, during = 0, after = 0;
	int rc = backend_pid(c, "SELECT pg_backend_pid()", &first);
	if (!rc)
		rc = pg_connect(dsn, false, &probe); /* no SET: it would outlive us on a pooled backend */
	if (!rc)
		rc = backend_pid(probe, "BEGIN; SELECT pg_backend_pid()", &held);
	int got = rc ? -1 : pid_within(c, POOL_WAIT_MS, &during);
	if (probe)
		pg_exec(probe, "ending the pooler probe", "ROLLBACK");
	if (got == 0)
		drain(c);
	if (got < 0)
		rc = -1;
	else if (!rc)
		rc = backend_pid(c, "SELECT pg_backend_pid()", &after);
	pg_disconnect(probe);
	if (rc)
		return -1;
	log_debug("pooler probe: backend pids %ld, %ld (probe %ld), %ld", first, during, held, after);
	if (got == 0)
		return pooler_error("a query waited while another connection held a transaction open");
	if (held == first)
		return pooler_error("two connections were served by the same backend");
	if (during != first || after != first)
		return pooler_error("the backend pid changed between two transactions of one connection");
	return 0;
}

static int lock_call(PGconn *c, const char *what, const char *sql, int64_t key, char **out)
{
	char text[32];
	snprintf(text, sizeof(text), "%" PRId64, key);
	const char *params[] = {text};
	struct strlist rows = STRLIST_INIT;
	int n = pg_query_rows(c, what, sql, 1, params, &rows);
	*out = n > 0 ? xstrdup(rows.items[0]) : NULL;
	strlist_release(&rows);
	return n < 0 ? -1 : 0;
}

int pg_try_advisory_lock(PGconn *c, int64_t key)
{
	char *v = NULL;
	if (lock_call(c, "taking the deploy lock", "SELECT pg_try_advisory_lock($1::bigint)", key, &v) < 0)
		return -1;
	int got = v && !strcmp(v, "t");
	free(v);
	return got;
}

int pg_advisory_unlock(PGconn *c, int64_t key)
{
	char *v = NULL;
	int rc = lock_call(c, "releasing the deploy lock", "SELECT pg_advisory_unlock($1::bigint)", key, &v);
	free(v);
	return rc;
}

/* A bigint key is pg_locks' classid (high 32 bits), objid (low 32 bits) and objsubid 1. */
static const char holder_sql[] =
    "SELECT 'pid ' || l.pid || ' (application_name ''' || coalesce(a.application_name, '') || ''', client '"
    " || coalesce(host(a.client_addr), 'local socket') || ', connected since '"
    " || coalesce(to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC, '"
    " || round(extract(epoch FROM now() - a.backend_start)) || ' s ago', 'an unknown time') || ')'"
    " FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid"
    " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
    " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    " AND l.classid = (($1::bigint >> 32) & 4294967295)::oid AND l.objid = ($1::bigint & 4294967295)::oid"
    " LIMIT 1";

int pg_advisory_holder(PGconn *c, int64_t key, char **out)
{
	return lock_call(c, "looking for the holder of the deploy lock", holder_sql, key, out);
}
