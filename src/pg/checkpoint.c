#include "pg/checkpoint.h"

#include <stdlib.h>

#include "pg/conn.h"
#include "pg/leftovers.h"
#include "util/buf.h"
#include "util/mem.h"

#include "util/banned.h"

struct checkpoint {
	PGconn *admin;        /* the maintenance database: a template copy needs the source left alone */
	const char *conninfo; /* the scratch database, to reconnect */
	char *db, *copy;      /* quoted names */
	const char *db_name;  /* as text, for pg_stat_activity */
	const char *strategy; /* " STRATEGY FILE_COPY" on 15+: WAL_LOG, 15's default, was 2-3x slower here */
	bool saved;
};

int checkpoint_new(const struct scratch *s, struct checkpoint **out)
{
	struct checkpoint *cp = xcalloc(1, sizeof(*cp));
	*out = NULL;
	/* pg_terminate_backend() warns about a session that ended meanwhile: not worth a line on stderr. */
	if (pg_connect(scratch_admin_conninfo(s), false, &cp->admin) < 0 ||
	    pg_exec(cp->admin, "setting up the checkpoint connection", "SET client_min_messages = error") < 0) {
		pg_disconnect(cp->admin);
		free(cp);
		return -1;
	}
	cp->conninfo = scratch_conninfo(s);
	cp->db_name = scratch_target(s)->dbname;
	cp->db = pg_quote_ident(cp->db_name);
	cp->copy = pg_quote_ident(scratch_checkpoint_dbname(s));
	cp->strategy = pg_server_major(cp->admin) >= 15 ? " STRATEGY FILE_COPY" : "";
	*out = cp;
	return 0;
}

static int drop(struct checkpoint *cp, const char *quoted)
{
	struct buf sql = BUF_INIT;
	bool force = pg_server_major(cp->admin) >= 13;
	buf_addf(&sql, "DROP DATABASE IF EXISTS %s%s", quoted, force ? " WITH (FORCE)" : "");
	int rc = pg_exec(cp->admin, "dropping a scratch database copy", buf_str(&sql));
	buf_release(&sql);
	return rc;
}

void checkpoint_free(struct checkpoint *cp)
{
	if (!cp)
		return;
	if (cp->saved)
		drop(cp, cp->copy);
	pg_disconnect(cp->admin);
	free(cp->db);
	free(cp->copy);
	free(cp);
}

/* env.py may keep a pooled connection open after its step; a template copy waits 5 s for it, then fails. */
static int end_other_sessions(struct checkpoint *cp)
{
	struct strlist rows = STRLIST_INIT;
	const char *params[] = {cp->db_name};
	int n = pg_query_rows(cp->admin, "ending sessions on the scratch database",
	                      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
	                      "WHERE datname = $1 AND pid <> pg_backend_pid()",
	                      1, params, &rows);
	strlist_release(&rows);
	return n < 0 ? -1 : 0;
}

/* A template copy does not carry the comment naming its owner, which the sweep (leftovers.h) needs. */
/* CREATE DATABASE to FROM with db closed; reconnects db either way. */
static int copy_database(struct checkpoint *cp, PGconn **db, const char *to, const char *from, bool drop_to)
{
	struct buf sql = BUF_INIT;
	pg_disconnect(*db);
	*db = NULL;
	buf_addf(&sql, "CREATE DATABASE %s TEMPLATE %s%s", to, from, cp->strategy);
	int rc = end_other_sessions(cp);
	if (!rc && drop_to)
		rc = drop(cp, to);
	if (!rc)
		rc = pg_exec(cp->admin, "copying the scratch database", buf_str(&sql));
	if (!rc)
		rc = leftovers_comment_owner(cp->admin, to);
	if (pg_connect(cp->conninfo, false, db) < 0)
		rc = -1;
	buf_release(&sql);
	return rc;
}

int checkpoint_save(struct checkpoint *cp, PGconn **db)
{
	int rc = copy_database(cp, db, cp->copy, cp->db, cp->saved);
	cp->saved = rc == 0;
	return rc;
}

int checkpoint_restore(struct checkpoint *cp, PGconn **db)
{
	return copy_database(cp, db, cp->db, cp->copy, true);
}

bool checkpoint_saved(const struct checkpoint *cp)
{
	return cp && cp->saved;
}
