#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "pg/conn.h"
#include "pg/leftovers.h"
#include "pg/scratch_internal.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/log.h"
#include "util/mem.h"

#include "util/banned.h"

static char *unique_dbname(void)
{
	unsigned char rnd[4] = {0};
	struct buf b = BUF_INIT;
	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
		rnd[0] = (unsigned char)getpid(); /* the pid alone is unique on one machine */
	buf_addf(&b, "migrate_gate_%ld_%02x%02x%02x%02x", (long)getpid(), rnd[0], rnd[1], rnd[2], rnd[3]);
	return buf_detach(&b);
}

static void add_conninfo_value(struct buf *b, const char *key, const char *val)
{
	buf_addf(b, "%s%s='", b->len ? " " : "", key);
	for (const char *p = val; *p; p++) {
		if (*p == '\'' || *p == '\\')
			buf_addc(b, '\\');
		buf_addc(b, *p);
	}
	buf_addc(b, '\'');
}

/* Every option of url, with dbname replaced and the password left out unless asked for. */
static char *conninfo_for(const PQconninfoOption *opts, const char *dbname, bool with_password)
{
	struct buf b = BUF_INIT;
	for (const PQconninfoOption *o = opts; o->keyword; o++) {
		if (!o->val || !*o->val || !strcmp(o->keyword, "dbname"))
			continue;
		if (!with_password && !strcmp(o->keyword, "password"))
			continue;
		add_conninfo_value(&b, o->keyword, o->val);
	}
	add_conninfo_value(&b, "dbname", dbname);
	return buf_detach(&b);
}

static void add_url_encoded(struct buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~", *p))
			buf_addc(b, (char)*p);
		else
			buf_addf(b, "%%%02X", *p);
	}
}

static char *sqlalchemy_url(const struct scratch *s, const char *sslmode)
{
	struct buf b = BUF_INIT;
	bool socket = s->t_host[0] == '/';
	buf_adds(&b, "postgresql://");
	add_url_encoded(&b, s->t_user);
	if (s->t_password) {
		buf_addc(&b, ':');
		add_url_encoded(&b, s->t_password);
	}
	buf_addc(&b, '@');
	if (!socket)
		buf_addf(&b, strchr(s->t_host, ':') ? "[%s]:%s" : "%s:%s", s->t_host, s->t_port);
	buf_addc(&b, '/');
	add_url_encoded(&b, s->t_dbname);
	if (socket)
		buf_addf(&b, "?host=%s&port=%s", s->t_host, s->t_port);
	if (sslmode)
		buf_addf(&b, "%csslmode=%s", socket ? '&' : '?', sslmode);
	return buf_detach(&b);
}

static const char *option(const PQconninfoOption *opts, const char *key)
{
	for (const PQconninfoOption *o = opts; o->keyword; o++)
		if (!strcmp(o->keyword, key))
			return o->val && *o->val ? o->val : NULL;
	return NULL;
}

static char *drop_sql(const char *dbname, int major)
{
	char *q = pg_quote_ident(dbname);
	struct buf b = BUF_INIT;
	buf_addf(&b, major >= 13 ? "DROP DATABASE IF EXISTS %s WITH (FORCE)" : "DROP DATABASE IF EXISTS %s", q);
	free(q);
	return buf_detach(&b);
}

static char *find_psql(void)
{
	const char *path = getenv("PATH");
	struct strlist dirs = STRLIST_INIT;
	struct buf b = BUF_INIT;
	char *found = NULL;
	strlist_split(&dirs, path ? path : "/usr/bin:/bin", ":");
	for (size_t i = 0; !found && i < dirs.n; i++) {
		buf_reset(&b);
		buf_addf(&b, "%s/psql", dirs.items[i]);
		if (access(buf_str(&b), X_OK) == 0)
			found = xstrdup(buf_str(&b));
	}
	strlist_release(&dirs);
	buf_release(&b);
	return found;
}

/*
 * A signal handler cannot use libpq, so the DROP it runs on SIGINT/SIGTERM is
 * a psql command prepared now (without psql, the watchdog drops it). The
 * watchdog, for a SIGKILL, gets the conninfo libpq really used (password
 * included, from wherever it came) over its socket.
 */
static void register_signal_drop(struct scratch *s, PGconn *admin, const PQconninfoOption *opts)
{
	char *psql = find_psql();
	const char *admin_db = option(opts, "dbname");
	char *dsn = conninfo_for(opts, admin_db ? admin_db : "postgres", false);
	char *sql = drop_sql(s->t_dbname, s->major), *ckpt = drop_sql(s->ckpt_dbname, s->major);
	PQconninfoOption *used = PQconninfo(admin);
	char *resolved = used ? conninfo_for(used, PQdb(admin), true) : xstrdup("");
	struct buf pw = BUF_INIT;
	if (s->t_password)
		buf_addf(&pw, "PGPASSWORD=%s", s->t_password);
	const char *argv[] = {psql, "-X", "-q", "-w", "-d", dsn, "-c", sql, "-c", ckpt, NULL};
	const char *envp[] = {s->t_password ? buf_str(&pw) : NULL, NULL};
	if (!psql)
		log_debug("no psql on PATH: a signal leaves the drop of \"%s\" to the watchdog", s->t_dbname);
	s->url_cleanup = cleanup_register_drop(psql ? argv : NULL, psql ? envp : NULL, resolved, sql, s->t_dbname);
	free(psql);
	free(dsn);
	free(sql);
	free(resolved);
	PQconninfoFree(used);
	free(ckpt);
	buf_release(&pw);
}

/* Quietly: a database in use by another session, or not ours to drop, is left for later. */
static bool drop_quietly(PGconn *admin, const char *dbname, int major)
{
	char *sql = drop_sql(dbname, major);
	PGresult *r = PQexec(admin, sql);
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		log_debug("could not drop the stale scratch database \"%s\": %s", dbname, PQresultErrorMessage(r));
	PQclear(r);
	free(sql);
	return ok;
}

/*
 * Scratch databases of earlier runs that ended without dropping theirs (the
 * gate and its watchdog killed): those whose recorded owner is gone. Only
 * those we may drop (owned by one of our roles); never fails the run.
 */
static void sweep_databases(PGconn *admin, int major)
{
	PGresult *r = PQexec(admin, "SELECT d.datname, shobj_description(d.oid, 'pg_database') FROM pg_database d "
	                            "WHERE d.datname LIKE 'migrate\\_gate\\_%' AND pg_has_role(d.datdba, 'USAGE') "
	                            "AND shobj_description(d.oid, 'pg_database') LIKE 'migrate-gate owner %'");
	for (int i = 0; PQresultStatus(r) == PGRES_TUPLES_OK && i < PQntuples(r); i++) {
		const char *name = PQgetvalue(r, i, 0);
		char *why = NULL;
		if (leftovers_owner_gone(PQgetvalue(r, i, 1), LEFTOVERS_MAX_AGE_S, &why) &&
		    drop_quietly(admin, name, major))
			log_info("dropped \"%s\", the scratch database of an earlier run: %s", name, why);
		free(why);
	}
	PQclear(r);
}

static void fill_target(struct scratch *s, PGconn *admin, const char *dbname)
{
	const char *host = PQhost(admin);
	s->t_host = xstrdup(host && *host ? host : "localhost");
	s->t_port = xstrdup(PQport(admin));
	s->t_user = xstrdup(PQuser(admin));
	s->t_password = PQpass(admin) && *PQpass(admin) ? xstrdup(PQpass(admin)) : NULL;
	s->t_dbname = xstrdup(dbname);
	struct buf ck = BUF_INIT;
	buf_addf(&ck, "%.60s_ck", dbname); /* identifiers stop at 63 bytes */
	s->ckpt_dbname = buf_detach(&ck);
	s->major = pg_server_major(admin);
}

static int create_database(struct scratch *s, PGconn *admin, const PQconninfoOption *opts)
{
	char *q = pg_quote_ident(s->t_dbname);
	struct buf sql = BUF_INIT, what = BUF_INIT;
	buf_addf(&sql, "CREATE DATABASE %s", q);
	buf_addf(&what, "creating the scratch database \"%s\"", s->t_dbname);
	int ret = pg_exec(admin, buf_str(&what), buf_str(&sql));
	if (ret == 0) {
		const char *admin_db = option(opts, "dbname");
		s->admin_dsn = conninfo_for(opts, admin_db ? admin_db : PQdb(admin), true);
		register_signal_drop(s, admin, opts);
		ret = leftovers_comment_owner(admin, q);
	}
	free(q);
	buf_release(&sql);
	buf_release(&what);
	return ret;
}

int scratch_start_url(struct scratch *s, const char *url)
{
	PGconn *admin = NULL;
	char *errmsg = NULL, *dbname = NULL;
	int ret = -1;
	s->url = xstrdup(url);
	PQconninfoOption *opts = PQconninfoParse(url, &errmsg);
	if (!opts) {
		char *masked = log_mask(url);
		gate_error(EXIT_USAGE, "give a postgresql:// URL or a key=value conninfo",
		           "invalid --scratch-url '%s': %s", masked, errmsg ? errmsg : "out of memory");
		free(masked);
		goto out;
	}
	if (pg_connect(url, false, &admin) < 0)
		goto out;
	dbname = unique_dbname();
	fill_target(s, admin, dbname);
	sweep_databases(admin, s->major);
	if (create_database(s, admin, opts) < 0)
		goto out;
	s->conninfo = conninfo_for(opts, dbname, true);
	s->sa_url = sqlalchemy_url(s, option(opts, "sslmode"));
	ret = 0;
out:
	pg_disconnect(admin);
	PQconninfoFree(opts);
	PQfreemem(errmsg);
	free(dbname);
	return ret;
}

void scratch_drop_url(struct scratch *s)
{
	PGconn *admin = NULL;
	if (!s->admin_dsn)
		return;
	char *sql = drop_sql(s->t_dbname, s->major), *ckpt = drop_sql(s->ckpt_dbname, s->major);
	if (pg_connect(s->admin_dsn, false, &admin) < 0 || pg_exec(admin, "dropping the scratch database", sql) < 0 ||
	    pg_exec(admin, "dropping the scratch database's checkpoint copy", ckpt) < 0) {
		gate_error(EXIT_ENV, "drop it by hand once the server is reachable",
		           "the scratch database \"%s\" was not dropped", s->t_dbname);
	}
	pg_disconnect(admin);
	cleanup_forget(s->url_cleanup);
	s->url_cleanup = NULL;
	free(sql);
	free(ckpt);
}
