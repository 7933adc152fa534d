#include "pg/secret.h"

#include <libpq-fe.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/error.h"
#include "util/mem.h"
#include "util/secret.h"
#include "util/strset.h"

#include "util/banned.h"

/* A passfile is a few lines; a bigger one is not read past this. */
#define MAX_PASSFILE_LINES 10000

/* What libpq matches passfile entries against; each field may hold several candidates. */
struct target {
	struct strlist hosts, ports;
	char *dbname, *user;
};

static const char *option(const PQconninfoOption *opts, const char *key)
{
	for (const PQconninfoOption *o = opts; o && o->keyword; o++)
		if (!strcmp(o->keyword, key) && o->val && *o->val)
			return o->val;
	return NULL;
}

/* The DSN's value, else libpq's environment variable for it, else NULL. */
static const char *value_or_env(const PQconninfoOption *opts, const char *key, const char *env)
{
	const char *v = option(opts, key);
	if (!v && env)
		v = getenv(env);
	return v && *v ? v : NULL;
}

static void fill_target(const PQconninfoOption *opts, struct target *t)
{
	const char *host = value_or_env(opts, "host", "PGHOST");
	const char *port = value_or_env(opts, "port", "PGPORT");
	const char *user = value_or_env(opts, "user", "PGUSER");
	const struct passwd *pw = user ? NULL : getpwuid(geteuid());
	strlist_split(&t->hosts, host ? host : "", ",");
	strlist_split(&t->ports, port ? port : "", ",");
	/* libpq matches a socket dir (or no host) as "localhost"; a socket dir may also be spelt out. */
	if (!host || strchr(host, '/') || strchr(host, '@') || !t->hosts.n)
		strlist_add(&t->hosts, "localhost");
	if (!port || !t->ports.n)
		strlist_add(&t->ports, "5432");
	t->user = user ? xstrdup(user) : pw ? xstrdup(pw->pw_name) : NULL;
	const char *db = value_or_env(opts, "dbname", "PGDATABASE");
	t->dbname = db ? xstrdup(db) : t->user ? xstrdup(t->user) : NULL;
}

static void target_release(struct target *t)
{
	strlist_release(&t->hosts);
	strlist_release(&t->ports);
	free(t->dbname);
	free(t->user);
}

/* Splits a passfile line into its five fields, undoing \ escapes; false when it has fewer. */
static bool split_entry(const char *line, struct strlist *fields)
{
	struct buf f = BUF_INIT;
	buf_adds(&f, "");
	for (const char *p = line; *p && *p != '\n' && *p != '\r'; p++) {
		if (*p == ':' && fields->n < 4) {
			strlist_add_owned(fields, buf_detach(&f));
			buf_adds(&f, "");
			continue;
		}
		if (*p == '\\' && p[1] && p[1] != '\n')
			p++;
		buf_addc(&f, *p);
	}
	strlist_add_owned(fields, buf_detach(&f));
	return fields->n == 5;
}

/* An entry field applies when it is '*', or when the target may have that value (unknown counts). */
static bool field_matches(const char *field, const struct strlist *candidates, const char *one)
{
	if (!strcmp(field, "*") || (!candidates && !one))
		return true;
	if (one)
		return !strcmp(field, one);
	return strlist_has(candidates, field);
}

static bool entry_applies(const struct strlist *f, const struct target *t)
{
	return field_matches(f->items[0], &t->hosts, NULL) && field_matches(f->items[1], &t->ports, NULL) &&
	       field_matches(f->items[2], NULL, t->dbname) && field_matches(f->items[3], NULL, t->user);
}

static void register_passfile(const char *path, const struct target *t)
{
	FILE *in = path ? fopen(path, "r") : NULL;
	char *line = NULL;
	size_t cap = 0;
	for (unsigned n = 0; in && n < MAX_PASSFILE_LINES && getline(&line, &cap, in) > 0; n++) {
		struct strlist fields = STRLIST_INIT;
		if (line[0] != '#' && split_entry(line, &fields) && entry_applies(&fields, t))
			secret_add(fields.items[4]);
		strlist_release(&fields);
	}
	free(line);
	if (in)
		fclose(in);
}

/* The passfile libpq reads for opts: passfile=, else PGPASSFILE, else ~/.pgpass. */
static char *passfile_path(const PQconninfoOption *opts)
{
	const char *path = value_or_env(opts, "passfile", "PGPASSFILE");
	if (path)
		return xstrdup(path);
	const char *home = getenv("HOME");
	const struct passwd *pw = home && *home ? NULL : getpwuid(geteuid());
	home = home && *home ? home : pw ? pw->pw_dir : NULL;
	if (!home)
		return NULL;
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s/.pgpass", home);
	return buf_detach(&b);
}

static void register_parsed(const PQconninfoOption *opts)
{
	struct target t;
	memset(&t, 0, sizeof(t));
	secret_add(option(opts, "password"));
	fill_target(opts, &t);
	char *path = passfile_path(opts);
	register_passfile(path, &t);
	free(path);
	target_release(&t);
}

/* libpq reads postgresql:// and postgres://; SQLAlchemy adds a driver: postgresql+psycopg2://. */
static char *without_driver(const char *dsn)
{
	size_t scheme = strcspn(dsn, "+:/ =");
	if (dsn[scheme] != '+')
		return xstrdup(dsn);
	struct buf b = BUF_INIT;
	buf_add(&b, dsn, scheme);
	buf_adds(&b, dsn + scheme + strcspn(dsn + scheme, ":"));
	return buf_detach(&b);
}

void pg_register_dsn_secret(const char *dsn)
{
	if (!dsn)
		return;
	secret_add_url(dsn); /* what libpq would make of a malformed one, too */
	char *err = NULL, *libpq_dsn = without_driver(dsn);
	PQconninfoOption *opts = PQconninfoParse(libpq_dsn, &err);
	PQfreemem(err);
	if (opts)
		register_parsed(opts);
	PQconninfoFree(opts);
	free(libpq_dsn);
}

void pg_register_env_secrets(void)
{
	secret_add_env("PGPASSWORD");
	pg_register_dsn_secret("");
}

/* libpq's messages end with a newline; an error is one line. */
static void chomp(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
}

int pg_check_dsn(const char *dsn, const char *what)
{
	char *err = NULL;
	PQconninfoOption *opts = PQconninfoParse(dsn, &err);
	if (opts) {
		PQconninfoFree(opts);
		return 0;
	}
	char *masked = secret_mask(dsn);
	if (err)
		chomp(err);
	gate_error(EXIT_USAGE, "give a postgresql:// URL or a key=value conninfo", "invalid %s '%s': %s", what, masked,
	           err ? err : "out of memory");
	free(masked);
	PQfreemem(err);
	return -1;
}
