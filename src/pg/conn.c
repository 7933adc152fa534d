#include "pg/conn.h"

#include <stdlib.h>
#include <string.h>

#include "pg/wait.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/secret.h"

#include "util/banned.h"

/* libpq messages end with a newline and may span lines; findings want one line. */
static char *one_line(const char *msg)
{
	struct buf b = BUF_INIT;
	for (const char *p = msg ? msg : ""; *p; p++) {
		bool blank = *p == '\n' || *p == '\t' || *p == ' ';
		if (!blank)
			buf_addc(&b, *p);
		else if (b.len && b.data[b.len - 1] != ' ')
			buf_addc(&b, ' '); /* "failed: No such file\n\tIs the server..." reads as one sentence */
	}
	while (b.len && b.data[b.len - 1] == ' ')
		b.data[--b.len] = '\0';
	return buf_detach(&b);
}

static int connect_error(const char *dsn, PGconn *c)
{
	char *masked = log_mask(dsn);
	char *msg = one_line(c ? PQerrorMessage(c) : "out of memory");
	char *masked_msg = log_mask(msg);
	gate_error(EXIT_ENV,
	           secret_url_raw_at(dsn) ? "the URL's password holds a raw '@': %-encode it ('@' as %40, ':' as %3A, "
	                                    "'/' as %2F)"
	                                  : "check the URL, that the server is running and accepts connections, and "
	                                    "the password",
	           "cannot connect to '%s': %s", masked, masked_msg);
	free(masked);
	free(msg);
	free(masked_msg);
	return -1;
}

/* The server's NOTICEs ("database ... does not exist, skipping") are the gate's business, not the user's. */
static void quiet_notice(void *arg, const char *message)
{
	(void)arg;
	log_debug("server: %.*s", (int)strcspn(message, "\n"), message);
}

int pg_connect(const char *dsn, bool read_only, PGconn **out)
{
	/*
	 * expand_dbname=1: dsn may be a URL or a conninfo, and what it sets overrides the defaults before it.
	 * PGPASSWORD is no longer in the environment (secret_strip_environ()), so it is passed here.
	 */
	const char *pgpassword = secret_getenv("PGPASSWORD");
	const char *keys[] = {"fallback_application_name", "connect_timeout", "password", "dbname", NULL};
	const char *vals[] = {"migrate-gate", "10", pgpassword, dsn, NULL}; /* libpq skips a NULL value */
	*out = NULL;
	PGconn *c = PQconnectdbParams(keys, vals, 1);
	if (!c || PQstatus(c) != CONNECTION_OK) {
		connect_error(dsn, c);
		PQfinish(c);
		return -1;
	}
	PQsetNoticeProcessor(c, quiet_notice, NULL);
	/* A SET rather than options=-c...: it keeps the options the URL may carry. */
	if (read_only && pg_exec(c, "making the session read-only", "SET default_transaction_read_only = on") < 0) {
		PQfinish(c);
		return -1;
	}
	*out = c;
	return 0;
}

void pg_disconnect(PGconn *c)
{
	pg_wait_forget(c);
	if (c)
		PQfinish(c);
}

int pg_server_major(const PGconn *c)
{
	int v = PQserverVersion(c);
	return v >= 100000 ? v / 10000 : v / 100;
}

static int query_error(PGconn *c, const char *what, PGresult *r)
{
	if (pg_wait_busy(c, what, r)) {
		PQclear(r);
		return -1;
	}
	char *msg = one_line(r ? PQresultErrorMessage(r) : PQerrorMessage(c));
	if (what)
		gate_error(EXIT_ENV, "run with --verbose for the SQL", "query failed while %s: %s", what, msg);
	else
		gate_error(EXIT_ENV, "run with --verbose for the SQL", "query failed: %s", msg);
	free(msg);
	PQclear(r);
	return -1;
}

int pg_exec(PGconn *c, const char *what, const char *sql)
{
	PGresult *r = pg_wait_exec(c, what, sql, -1, NULL);
	ExecStatusType st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY)
		return query_error(c, what, r);
	PQclear(r);
	return 0;
}

static char *row_text(const PGresult *r, int row)
{
	struct buf b = BUF_INIT;
	int ncol = PQnfields(r);
	for (int col = 0; col < ncol; col++) {
		if (col)
			buf_addc(&b, '\t');
		buf_adds(&b, PQgetvalue(r, row, col));
	}
	return buf_detach(&b);
}

int pg_query_rows(PGconn *c, const char *what, const char *sql, int nparams, const char *const *params,
                  struct strlist *out)
{
	PGresult *r = pg_wait_exec(c, what, sql, nparams, params);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		return query_error(c, what, r);
	int n = PQntuples(r);
	for (int i = 0; i < n; i++)
		strlist_add_owned(out, row_text(r, i));
	PQclear(r);
	return n;
}

int pg_query_value(PGconn *c, const char *what, const char *sql, char **out)
{
	*out = NULL;
	PGresult *r = pg_wait_exec(c, what, sql, -1, NULL);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		return query_error(c, what, r);
	if (PQntuples(r) > 0 && PQnfields(r) > 0 && !PQgetisnull(r, 0, 0))
		*out = xstrdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	return 0;
}

int pg_alembic_versions(PGconn *c, const char *schema, const char *table, struct strlist *out)
{
	char *qtable = pg_quote_ident(table ? table : "alembic_version");
	char *qschema = schema ? pg_quote_ident(schema) : NULL;
	struct buf name = BUF_INIT, sql = BUF_INIT;
	int ret = -1;
	if (qschema)
		buf_addf(&name, "%s.", qschema);
	buf_adds(&name, qtable);
	const char *params[] = {buf_str(&name)};
	struct strlist found = STRLIST_INIT;
	if (pg_query_rows(c, "looking for the alembic version table", "SELECT to_regclass($1)::text", 1, params,
	                  &found) < 0)
		goto out;
	if (found.n == 0 || !*found.items[0]) {
		ret = 0;
		goto out;
	}
	buf_addf(&sql, "SELECT version_num FROM %s ORDER BY 1", buf_str(&name));
	if (pg_query_rows(c, "reading the alembic version table", buf_str(&sql), 0, NULL, out) < 0)
		goto out;
	ret = 1;
out:
	strlist_release(&found);
	free(qtable);
	free(qschema);
	buf_release(&name);
	buf_release(&sql);
	return ret;
}

char *pg_quote_ident(const char *name)
{
	struct buf b = BUF_INIT;
	buf_addc(&b, '"');
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			buf_addc(&b, '"');
		buf_addc(&b, *p);
	}
	buf_addc(&b, '"');
	return buf_detach(&b);
}

void pg_array_add(struct buf *array, const char *item)
{
	buf_adds(array, array->len > 1 ? ",\"" : "\"");
	for (const char *p = item; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_addc(array, '\\');
		buf_addc(array, *p);
	}
	buf_addc(array, '"');
}

char *pg_quote_literal(const char *s)
{
	struct buf b = BUF_INIT;
	if (strchr(s, '\\'))
		buf_addc(&b, 'E');
	buf_addc(&b, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '\'' || *p == '\\')
			buf_addc(&b, *p);
		buf_addc(&b, *p);
	}
	buf_addc(&b, '\'');
	return buf_detach(&b);
}
