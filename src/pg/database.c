#include "pg/database.h"

#include <stdlib.h>
#include <string.h>

#include "pg/conn.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/log.h"
#include "util/mem.h"

#include "util/banned.h"

/* pg_stat_activity's backends that block a rename: clients, not autovacuum (the server ends those itself). */
#define OTHER_CLIENTS                                                                                                  \
	" FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend'"

void pg_database_release(struct pg_database *d)
{
	free(d->role);
	free(d->owner);
	free(d->why_not);
	strlist_release(&d->create_options);
	strlist_release(&d->grants);
	strlist_release(&d->settings);
	memset(d, 0, sizeof(*d));
}

static void add_option(struct pg_database *d, const char *key, const char *value, bool literal)
{
	struct buf b = BUF_INIT;
	char *q = literal ? pg_quote_literal(value) : pg_quote_ident(value);
	buf_addf(&b, "%s %s", key, q);
	strlist_add_owned(&d->create_options, buf_detach(&b));
	free(q);
}

/* Columns: role, super, createdb, exists, owner, member of owner, encoding, collate, ctype, provider, icu, space. */
static const char *read_sql(int major)
{
	return major >= 15
	           ? "SELECT current_user, r.rolsuper, r.rolcreatedb, d.datname IS NOT NULL,"
	             " pg_get_userbyid(d.datdba), coalesce(pg_has_role(current_user, d.datdba, 'USAGE'), false),"
	             " pg_encoding_to_char(d.encoding), d.datcollate, d.datctype, d.datlocprovider,"
	             " coalesce(d.daticulocale, ''),"
	             " (SELECT spcname FROM pg_tablespace t WHERE t.oid = d.dattablespace)"
	             " FROM pg_roles r LEFT JOIN pg_database d ON d.datname = $1 WHERE r.rolname = current_user"
	           : "SELECT current_user, r.rolsuper, r.rolcreatedb, d.datname IS NOT NULL,"
	             " pg_get_userbyid(d.datdba), coalesce(pg_has_role(current_user, d.datdba, 'USAGE'), false),"
	             " pg_encoding_to_char(d.encoding), d.datcollate, d.datctype, 'c', '',"
	             " (SELECT spcname FROM pg_tablespace t WHERE t.oid = d.dattablespace)"
	             " FROM pg_roles r LEFT JOIN pg_database d ON d.datname = $1 WHERE r.rolname = current_user";
}

static void fill_info(struct pg_database *d, const char *row)
{
	struct strlist f = STRLIST_INIT;
	strlist_split(&f, row, "\t");
	while (f.n < 12)
		strlist_add(&f, "");
	bool super = !strcmp(f.items[1], "t"), createdb = !strcmp(f.items[2], "t");
	struct buf why = BUF_INIT;
	d->role = xstrdup(f.items[0]);
	d->exists = !strcmp(f.items[3], "t");
	d->owner = xstrdup(f.items[4]);
	if (!super && !createdb)
		buf_addf(&why, "role '%s' has no CREATEDB privilege", d->role);
	else if (!super && d->exists && strcmp(f.items[5], "t"))
		buf_addf(&why, "role '%s' does not own the database (its owner is '%s')", d->role, d->owner);
	d->why_not = why.len ? buf_detach(&why) : (buf_release(&why), NULL);
	if (d->exists) {
		add_option(d, "OWNER", d->owner, false);
		add_option(d, "ENCODING", f.items[6], true);
		add_option(d, "LC_COLLATE", f.items[7], true);
		add_option(d, "LC_CTYPE", f.items[8], true);
		if (!strcmp(f.items[9], "i")) {
			strlist_add(&d->create_options, "LOCALE_PROVIDER icu");
			add_option(d, "ICU_LOCALE", f.items[10], true);
		}
		if (*f.items[11] && strcmp(f.items[11], "pg_default"))
			add_option(d, "TABLESPACE", f.items[11], false);
	}
	strlist_release(&f);
}

/* Its privileges as statements for a copy (%1$s: the copy's quoted name), and its settings, which are not copied. */
static void add_grants(struct pg_database *d, const struct strlist *acl)
{
	strlist_add(&d->grants, "REVOKE ALL ON DATABASE {db} FROM PUBLIC");
	for (size_t i = 0; i < acl->n; i++) {
		struct strlist f = STRLIST_INIT;
		strlist_split(&f, acl->items[i], "\t");
		if (f.n == 3) {
			struct buf g = BUF_INIT;
			buf_addf(&g, "GRANT %s ON DATABASE {db} TO %s%s", f.items[1], f.items[0],
			         strcmp(f.items[2], "t") ? "" : " WITH GRANT OPTION");
			strlist_add_owned(&d->grants, buf_detach(&g));
		}
		strlist_release(&f);
	}
}

/*
 * Its privileges as statements for a copy ({db}: the copy's quoted name; none when it has the default ones),
 * and its settings, which are not copied.
 */
static int read_acl(PGconn *admin, const char *name, struct pg_database *d)
{
	const char *params[] = {name};
	struct strlist acl = STRLIST_INIT, set = STRLIST_INIT;
	int rc =
	    pg_query_rows(admin, "reading the database's privileges",
	                  "SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee))"
	                  " END, a.privilege_type, a.is_grantable"
	                  " FROM pg_database d, aclexplode(d.datacl) a WHERE d.datname = $1 AND a.grantee <> d.datdba",
	                  1, params, &acl);
	if (rc >= 0)
		rc = pg_query_rows(admin, "reading the database's privileges",
		                   "SELECT 1 FROM pg_database WHERE datname = $1 AND datacl IS NOT NULL", 1, params,
		                   &set);
	if (rc > 0)
		add_grants(d, &acl);
	strlist_release(&acl);
	strlist_release(&set);
	if (rc < 0 || pg_query_rows(admin, "reading the database's settings",
	                            "SELECT CASE WHEN s.setrole = 0 THEN '' ELSE 'for role ' ||"
	                            " quote_ident(pg_get_userbyid(s.setrole)) || ': ' END || c"
	                            " FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase,"
	                            " unnest(s.setconfig) c WHERE d.datname = $1 ORDER BY 1",
	                            1, params, &d->settings) < 0)
		return -1;
	return 0;
}

int pg_database_read(PGconn *admin, const char *name, struct pg_database *d)
{
	struct strlist rows = STRLIST_INIT;
	const char *params[] = {name};
	pg_database_release(d);
	int n = pg_query_rows(admin, "reading the target database's owner and locale", read_sql(pg_server_major(admin)),
	                      1, params, &rows);
	if (n == 1)
		fill_info(d, rows.items[0]);
	strlist_release(&rows);
	if (n < 0)
		return -1;
	if (n != 1)
		return gate_error(EXIT_ENV, "connect as a role that can log in",
		                  "the session's role is not in pg_roles");
	return d->exists ? read_acl(admin, name, d) : 0;
}

static void add_quoted(struct buf *b, const char *key, const char *value)
{
	buf_addf(b, " %s='", key);
	for (const char *p = value; *p; p++) {
		if (*p == '\'' || *p == '\\')
			buf_addc(b, '\\');
		buf_addc(b, *p);
	}
	buf_addc(b, '\'');
}

char *pg_dsn_with_dbname(const struct pg_dsn *d, const char *dbname, bool with_password)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, d->conninfo); /* a later keyword wins over an earlier one in libpq's conninfo */
	add_quoted(&b, "dbname", dbname);
	if (with_password && d->password)
		add_quoted(&b, "password", d->password);
	return buf_detach(&b);
}

/* Runs sql with its one "{db}" replaced by name, quoted. */
static int exec_on(PGconn *admin, const char *what, const char *sql_with_db, const char *name)
{
	struct buf sql = BUF_INIT;
	char *q = pg_quote_ident(name);
	const char *at = strstr(sql_with_db, "{db}");
	buf_addf(&sql, "%.*s%s%s", (int)(at - sql_with_db), sql_with_db, q, at + 4);
	int rc = pg_exec(admin, what, sql.data);
	free(q);
	buf_release(&sql);
	return rc;
}

int pg_database_create_like(PGconn *admin, const char *name, const struct pg_database *like)
{
	struct buf fmt = BUF_INIT, what = BUF_INIT;
	buf_adds(&fmt, "CREATE DATABASE {db} TEMPLATE template0");
	for (size_t i = 0; i < like->create_options.n; i++)
		buf_addf(&fmt, " %s", like->create_options.items[i]);
	buf_addf(&what, "creating database \"%s\"", name);
	int rc = exec_on(admin, what.data, fmt.data, name);
	for (size_t i = 0; !rc && i < like->grants.n; i++)
		rc = exec_on(admin, "giving the new database the target's privileges", like->grants.items[i], name);
	buf_release(&fmt);
	buf_release(&what);
	return rc;
}

int pg_database_drop(PGconn *admin, const char *name)
{
	struct buf what = BUF_INIT;
	buf_addf(&what, "dropping database \"%s\"", name);
	int rc = exec_on(admin, what.data, "DROP DATABASE IF EXISTS {db}", name);
	buf_release(&what);
	return rc;
}

int pg_database_sessions(PGconn *admin, const char *name, struct strlist *out)
{
	const char *params[] = {name};
	return pg_query_rows(
	    admin, "listing the sessions connected to the target database",
	    "SELECT 'pid ' || pid || ' (application_name ' || quote_literal(coalesce(application_name,"
	    " '')) || ', client ' || coalesce(host(client_addr), CASE WHEN client_port = -1 THEN"
	    " 'local socket' ELSE 'unknown' END) || ', user ' || coalesce(usename, '?') || ')'" OTHER_CLIENTS
	    " ORDER BY pid",
	    1, params, out);
}

int pg_database_terminate(PGconn *admin, const char *name)
{
	const char *params[] = {name};
	struct strlist rows = STRLIST_INIT;
	int rc =
	    pg_query_rows(admin, "ending the sessions connected to the target database",
	                  "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))" OTHER_CLIENTS, 1, params, &rows);
	strlist_release(&rows);
	return rc < 0 ? -1 : 0;
}

int pg_database_allow_connections(PGconn *admin, const char *name, bool allow)
{
	return exec_on(
	    admin, "changing whether the database allows connections",
	    allow ? "ALTER DATABASE {db} ALLOW_CONNECTIONS true" : "ALTER DATABASE {db} ALLOW_CONNECTIONS false", name);
}

static void add_rename(struct buf *sql, const char *from, const char *to)
{
	char *a = pg_quote_ident(from), *b = pg_quote_ident(to);
	buf_addf(sql, "ALTER DATABASE %s RENAME TO %s; ", a, b);
	free(a);
	free(b);
}

int pg_database_swap(PGconn *admin, const char *target, const char *replaced, const char *replacement,
                     const char *to_name)
{
	struct buf sql = BUF_INIT;
	buf_adds(&sql, "BEGIN; ");
	if (target)
		add_rename(&sql, target, replaced);
	add_rename(&sql, replacement, to_name);
	buf_adds(&sql, "COMMIT");
	PGresult *r = PQexec(admin, sql.data);
	buf_release(&sql);
	if (PQresultStatus(r) == PGRES_COMMAND_OK) {
		PQclear(r);
		return 1;
	}
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	bool busy = state && !strcmp(state, "55006"); /* object_in_use: "is being accessed by other users" */
	char *msg = xstrdup(PQresultErrorMessage(r));
	PQclear(r);
	PQclear(PQexec(admin, "ROLLBACK"));
	int rc = 0;
	if (!busy) {
		msg[strcspn(msg, "\n")] = '\0';
		rc = gate_error(EXIT_ENV, "nothing was renamed: the renames run in one transaction",
		                "cannot swap the restored database in: %s", msg);
	}
	free(msg);
	return rc;
}

int pg_database_is_empty(PGconn *c)
{
	char *v = NULL;
	if (pg_query_value(
	        c, "looking for objects in the target database",
	        "SELECT NOT EXISTS (SELECT 1 FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace"
	        "  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp)')"
	        " AND NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
	        "  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema'))"
	        " AND NOT EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
	        "  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND t.typtype IN ('e', 'd', 'r', 'm'))"
	        " AND NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname !~ '^pg_'"
	        "  AND nspname NOT IN ('public', 'information_schema'))"
	        " AND NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname <> 'plpgsql')",
	        &v))
		return -1;
	int empty = v && !strcmp(v, "t");
	free(v);
	return empty;
}
