#include "pg/dsn.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/error.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/secret.h"
#include "util/strset.h"

#include "util/banned.h"

extern char **environ;

void pg_dsn_release(struct pg_dsn *d)
{
	free(d->conninfo);
	free(d->password);
	free(d->host);
	free(d->port);
	free(d->user);
	free(d->dbname);
	memset(d, 0, sizeof(*d));
}

/* key='value' with \ and ' escaped, as libpq's conninfo reads it. */
static void add_pair(struct buf *b, const char *key, const char *val)
{
	if (b->len)
		buf_addc(b, ' ');
	buf_addf(b, "%s='", key);
	for (const char *p = val; *p; p++) {
		if (*p == '\'' || *p == '\\')
			buf_addc(b, '\\');
		buf_addc(b, *p);
	}
	buf_addc(b, '\'');
}

static char **field_of(struct pg_dsn *d, const char *key)
{
	if (!strcmp(key, "host"))
		return &d->host;
	if (!strcmp(key, "port"))
		return &d->port;
	if (!strcmp(key, "user"))
		return &d->user;
	if (!strcmp(key, "dbname"))
		return &d->dbname;
	return NULL;
}

int pg_dsn_parse(const char *dsn, const char *what, struct pg_dsn *d)
{
	char *err = NULL;
	struct buf info = BUF_INIT;
	pg_dsn_release(d);
	PQconninfoOption *opts = PQconninfoParse(dsn ? dsn : "", &err);
	if (!opts) {
		char *masked = log_mask(dsn ? dsn : "");
		gate_error(EXIT_USAGE, "write it as postgresql://user@host:port/db or 'host=... dbname=...'",
		           "invalid connection string for %s '%s': %s", what, masked, err ? err : "out of memory");
		free(masked);
		PQfreemem(err);
		return -1;
	}
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		if (!o->val || !*o->val)
			continue;
		if (!strcmp(o->keyword, "password")) {
			d->password = xstrdup(o->val);
			secret_add(o->val);
			continue;
		}
		add_pair(&info, o->keyword, o->val);
		char **f = field_of(d, o->keyword);
		if (f)
			*f = xstrdup(o->val);
	}
	PQconninfoFree(opts);
	d->conninfo = buf_detach(&info);
	return 0;
}

/* The URL variables are not the tool's business; PGPASSWORD is set below from what we chose. */
static bool dropped(const char *entry)
{
	static const char *const names[] = {
	    "DATABASE_URI=", "DATABASE_URL=", "MIGRATE_GATE_PRODUCTION_URL=", "PGPASSWORD="};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strncmp(entry, names[i], strlen(names[i])))
			return true;
	return false;
}

void pg_dsn_tool_env(const struct pg_dsn *d, struct strlist *env)
{
	for (char **e = environ; *e; e++)
		if (!dropped(*e))
			strlist_add(env, *e);
	/* PGPASSWORD left the environment at startup (util/secret.h); the tool still needs it. */
	const char *password = d->password ? d->password : secret_getenv("PGPASSWORD");
	if (password) {
		struct buf b = BUF_INIT;
		buf_addf(&b, "PGPASSWORD=%s", password);
		strlist_add_owned(env, buf_detach(&b));
	}
	strlist_add(env, "PGAPPNAME=migrate-gate");
	XGROW(env->items, env->alloc, env->n + 1);
	env->items[env->n] = NULL;
}
