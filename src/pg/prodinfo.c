#include "pg/prodinfo.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pg/conn.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/mem.h"

#include "util/banned.h"

#define SERVER_SQL                                                                                                     \
	"SELECT current_setting('server_version'), current_setting('server_version_num'), current_database(), "        \
	"pg_database_size(current_database()), current_user"

/* Ordinary tables and partitions (a partitioned parent holds no rows of its own), not temporary, not an
 * extension's, outside the system schemas; as snapshot.h names them. */
#define TABLES_SQL                                                                                                     \
	"SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), "                                             \
	"CASE WHEN n.nspname = 'public' THEN quote_ident(c.relname) "                                                  \
	"ELSE quote_ident(n.nspname) || '.' || quote_ident(c.relname) END, "                                           \
	"c.reltuples::float8, pg_total_relation_size(c.oid) "                                                          \
	"FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "                                               \
	"WHERE c.relkind = 'r' AND c.relpersistence <> 't' "                                                           \
	"AND n.nspname NOT IN ('pg_catalog', 'information_schema') "                                                   \
	"AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%' "                                    \
	"AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass "                            \
	"AND d.objid = c.oid AND d.deptype = 'e') "                                                                    \
	"ORDER BY 4 DESC, 1"

#define ROLES_SQL "SELECT rolname FROM pg_roles WHERE rolname !~ '^pg_' ORDER BY 1"

/* A table never analysed has reltuples -1: guess from its size, generously (100 bytes a row). */
#define BYTES_PER_ROW_GUESS 100.0

void pg_prodinfo_init(struct pg_prodinfo *p)
{
	memset(p, 0, sizeof(*p));
}

void pg_prodinfo_release(struct pg_prodinfo *p)
{
	free(p->server_version);
	free(p->database);
	free(p->host);
	free(p->port);
	free(p->user);
	strlist_release(&p->versions);
	strlist_release(&p->roles);
	for (size_t i = 0; i < p->n_tables; i++) {
		free(p->tables[i].ident);
		free(p->tables[i].name);
	}
	free(p->tables);
	free(p->snapshot);
	pg_prodinfo_init(p);
}

static int64_t to_i64(const char *s)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	return errno || end == s ? -1 : (int64_t)v;
}

/* Splits a '\t'-joined row of pg_query_rows() in place; returns the number of fields. */
static size_t fields(char *row, char **out, size_t max)
{
	size_t n = 0;
	for (char *p = row; n < max;) {
		out[n++] = p;
		p = strchr(p, '\t');
		if (!p)
			break;
		*p++ = '\0';
	}
	return n;
}

static int read_server(PGconn *c, struct pg_prodinfo *p)
{
	struct strlist rows = STRLIST_INIT;
	char *f[5];
	int rc = pg_query_rows(c, "reading the server version and database size", SERVER_SQL, 0, NULL, &rows);
	if (rc == 1 && fields(rows.items[0], f, 5) == 5) {
		p->server_version = xstrdup(f[0]);
		int64_t num = to_i64(f[1]);
		p->server_major = num >= 100000 ? (int)(num / 10000) : (int)(num / 100);
		p->database = xstrdup(f[2]);
		p->database_bytes = to_i64(f[3]);
		p->user = xstrdup(f[4]);
	}
	strlist_release(&rows);
	p->host = xstrdup(PQhost(c) ? PQhost(c) : "");
	p->port = xstrdup(PQport(c) ? PQport(c) : "");
	return rc == 1 ? 0 : -1;
}

static int read_tables(PGconn *c, struct pg_prodinfo *p)
{
	struct strlist rows = STRLIST_INIT;
	char *f[4];
	int rc = pg_query_rows(c, "listing the tables", TABLES_SQL, 0, NULL, &rows);
	for (size_t i = 0; rc >= 0 && i < rows.n; i++) {
		if (fields(rows.items[i], f, 4) != 4)
			continue;
		XGROW(p->tables, p->alloc, p->n_tables + 1);
		struct pg_table_info *t = &p->tables[p->n_tables++];
		t->ident = xstrdup(f[0]);
		t->name = xstrdup(f[1]);
		t->reltuples = strtod(f[2], NULL);
		t->bytes = to_i64(f[3]);
		t->rows = -1;
	}
	strlist_release(&rows);
	return rc < 0 ? -1 : 0;
}

static int read_all(PGconn *c, struct pg_prodinfo *p)
{
	if (read_server(c, p) || read_tables(c, p))
		return -1;
	if (pg_query_rows(c, "listing the roles", ROLES_SQL, 0, NULL, &p->roles) < 0)
		return -1;
	int vt = pg_alembic_versions(c, NULL, NULL, &p->versions);
	if (vt < 0)
		return -1;
	p->version_table = vt;
	return 0;
}

int pg_prodinfo_read(PGconn *c, struct pg_prodinfo *p)
{
	pg_prodinfo_release(p);
	return read_all(c, p);
}

int pg_count_rows(PGconn *c, const char *ident, int64_t *out)
{
	struct buf sql = BUF_INIT, what = BUF_INIT;
	char *v = NULL;
	buf_addf(&sql, "SELECT count(*) FROM %s", ident);
	buf_addf(&what, "counting the rows of %s", ident);
	int rc = pg_query_value(c, what.data, sql.data, &v);
	*out = v ? to_i64(v) : -1;
	free(v);
	buf_release(&sql);
	buf_release(&what);
	return rc;
}

int pg_table_exists(PGconn *c, const char *ident)
{
	struct strlist rows = STRLIST_INIT;
	const char *params[] = {ident};
	int n = pg_query_rows(c, "looking for a table", "SELECT to_regclass($1) IS NOT NULL", 1, params, &rows);
	int rc = n < 0 ? -1 : n == 1 && !strcmp(rows.items[0], "t");
	strlist_release(&rows);
	return rc;
}

int pg_prodinfo_begin(PGconn *c, double exact_below, struct pg_prodinfo *p)
{
	pg_prodinfo_release(p);
	if (pg_exec(c, "starting the backup transaction", "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY") ||
	    pg_query_value(c, "exporting the snapshot for pg_dump", "SELECT pg_export_snapshot()", &p->snapshot) ||
	    read_all(c, p))
		return -1;
	for (size_t i = 0; i < p->n_tables; i++) {
		struct pg_table_info *t = &p->tables[i];
		double estimate = t->reltuples >= 0 ? t->reltuples : (double)t->bytes / BYTES_PER_ROW_GUESS;
		if (estimate < exact_below && pg_count_rows(c, t->ident, &t->rows))
			return -1;
	}
	return 0;
}

int pg_prodinfo_end(PGconn *c)
{
	return pg_exec(c, "ending the backup transaction", "COMMIT");
}

int pg_create_missing_roles(PGconn *c, const struct strlist *roles)
{
	struct strlist have = STRLIST_INIT;
	int rc = pg_query_rows(c, "listing the roles", ROLES_SQL, 0, NULL, &have) < 0 ? -1 : 0;
	for (size_t i = 0; !rc && i < roles->n; i++) {
		if (strlist_has(&have, roles->items[i]))
			continue;
		char *q = pg_quote_ident(roles->items[i]);
		struct buf sql = BUF_INIT;
		buf_addf(&sql, "CREATE ROLE %s NOLOGIN", q);
		rc = pg_exec(c, "creating production's roles on the scratch server", sql.data);
		buf_release(&sql);
		free(q);
	}
	strlist_release(&have);
	return rc;
}
