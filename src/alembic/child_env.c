/*
 * child_env() (declared in alembic/child.h): the environment of an Alembic
 * child, with the database URL taken apart into libpq's variables the way
 * driver.py's set_url() does it with SQLAlchemy 1.4's make_url():
 *
 *   name://[user[:password]@][host | [ipv6]][:port][/database][?query]
 *
 * user and password are percent-decoded, the database is not; host= and
 * port= in the query (a unix socket dir) win over the host part.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "alembic/child.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/mem.h"

#include "util/banned.h"

extern char **environ;

struct url_parts {
	char *user, *password, *host, *port, *dbname;
};

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* urllib's unquote (plus: unquote_plus); a bad escape stays as it is. */
static char *unquote(const char *s, size_t n, bool plus)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, "");
	for (size_t i = 0; i < n; i++) {
		int hi = s[i] == '%' && i + 2 < n ? hex_value(s[i + 1]) : -1;
		int lo = hi >= 0 ? hex_value(s[i + 2]) : -1;
		if (lo >= 0) {
			buf_addc(&b, (char)(hi * 16 + lo));
			i += 2;
		} else {
			buf_addc(&b, plus && s[i] == '+' ? ' ' : s[i]);
		}
	}
	return buf_detach(&b);
}

/*
 * The user[:password]@ part, as the regex finds it: the longest run without
 * ':' or '/' that is followed by '@', or by ':' and a password up to '@'.
 * Returns the length consumed (0 when there is none).
 */
static size_t userinfo(const char *s, struct url_parts *u)
{
	for (size_t len = strcspn(s, ":/") + 1; len-- > 0;) {
		size_t pw = s[len] == ':' ? strcspn(s + len + 1, "@") : 0;
		if (s[len] == '@') {
			u->user = unquote(s, len, false);
			return len + 1;
		}
		if (s[len] == ':' && s[len + 1 + pw] == '@') {
			u->user = unquote(s, len, false);
			u->password = unquote(s + len + 1, pw, false);
			return len + 2 + pw;
		}
	}
	return 0;
}

/* host (or [ipv6]) and :port; returns the length consumed. */
static size_t hostport(const char *s, struct url_parts *u)
{
	size_t n = 0;
	const char *close = s[0] == '[' ? strchr(s, ']') : NULL;
	if (close && close > s + 1 && strcspn(s + 1, "/?") >= (size_t)(close - s - 1)) {
		u->host = xstrndup(s + 1, (size_t)(close - s - 1));
		n = (size_t)(close - s) + 1;
	} else if ((n = strcspn(s, "/:?")) > 0) {
		u->host = xstrndup(s, n);
	}
	if (s[n] == ':') {
		size_t p = strcspn(s + n + 1, "/?");
		u->port = xstrndup(s + n + 1, p);
		n += p + 1;
	}
	return n;
}

static void replace(char **field, char *value)
{
	free(*field);
	*field = value;
}

/* host= and port= of the query string; the first of repeated keys wins, as set_url() takes it. */
static void query(const char *q, struct url_parts *u)
{
	bool seen_host = false, seen_port = false;
	while (*q) {
		size_t n = strcspn(q, "&"), eq = strcspn(q, "=");
		if (eq < n) {
			char *key = unquote(q, eq, true);
			bool *seen = !strcmp(key, "host") ? &seen_host : !strcmp(key, "port") ? &seen_port : NULL;
			if (seen && !*seen)
				replace(seen == &seen_host ? &u->host : &u->port,
				        unquote(q + eq + 1, n - eq - 1, true));
			if (seen)
				*seen = true;
			free(key);
		}
		q += n + (q[n] == '&');
	}
}

static bool parse_url(const char *url, struct url_parts *u)
{
	size_t scheme = 0;
	while (isalnum((unsigned char)url[scheme]) || url[scheme] == '_' || url[scheme] == '+')
		scheme++;
	if (!scheme || strncmp(url + scheme, "://", 3))
		return false;
	const char *s = url + scheme + 3;
	s += userinfo(s, u);
	s += hostport(s, u);
	if (*s == '/') {
		size_t n = strcspn(s + 1, "?");
		u->dbname = xstrndup(s + 1, n);
		s += n + 1;
	}
	if (*s == '?')
		query(s + 1, u);
	return true;
}

static void url_parts_release(struct url_parts *u)
{
	free(u->user);
	free(u->password);
	free(u->host);
	free(u->port);
	free(u->dbname);
}

static void set(struct strlist *env, const char *name, const char *value)
{
	struct buf b = BUF_INIT;
	if (!value || !*value)
		return; /* set_url() removes what the URL lacks */
	buf_addf(&b, "%s=%s", name, value);
	strlist_add_owned(env, buf_detach(&b));
}

static bool name_is(const char *entry, size_t n, const char *name)
{
	return strlen(name) == n && !strncmp(entry, name, n);
}

/*
 * Whether a variable of ours stays out of a child that runs project code:
 * every way to name a database (DATABASE_URI, DATABASE_URL, libpq's PG*),
 * migrate-gate's own settings (MIGRATE_GATE_*, which may hold the production
 * URL), and any variable whose value holds a registered secret or a
 * connection password (a --production-url-env of another name). The driver
 * gets the URL chosen for it, and nothing else, from child_env() itself.
 */
static bool withheld(const char *entry)
{
	static const char *const keep[] = {"MIGRATE_GATE_MAX_STATEMENTS"}; /* a test knob, no secret */
	size_t n = strcspn(entry, "=");
	bool drop = name_is(entry, n, "DATABASE_URI") || name_is(entry, n, "DATABASE_URL") ||
	            name_is(entry, n, "PYTHONDONTWRITEBYTECODE") || !strncmp(entry, "PG", 2) ||
	            !strncmp(entry, "MIGRATE_GATE_", 13);
	for (size_t i = 0; drop && i < sizeof(keep) / sizeof(keep[0]); i++)
		drop = !name_is(entry, n, keep[i]);
	if (!drop && entry[n]) {
		char *masked = log_mask(entry + n + 1);
		drop = strcmp(masked, entry + n + 1) != 0;
		free(masked);
	}
	return drop;
}

void child_env(const char *db_url, struct strlist *env)
{
	struct url_parts u;
	memset(&u, 0, sizeof(u));
	for (char **e = environ; *e; e++)
		if (!withheld(*e))
			strlist_add(env, *e);
	strlist_add(env, "PYTHONDONTWRITEBYTECODE=1");
	if (db_url) {
		set(env, "MIGRATE_GATE_DB_URL", db_url);
		set(env, "DATABASE_URI", db_url);
		set(env, "DATABASE_URL", db_url);
		if (parse_url(db_url, &u)) {
			set(env, "PGHOST", u.host);
			set(env, "PGPORT", u.port);
			set(env, "PGUSER", u.user);
			set(env, "PGPASSWORD", u.password);
			set(env, "PGDATABASE", u.dbname);
		}
		url_parts_release(&u);
	}
	strlist_add_owned(env, NULL); /* execvpe wants a terminator */
	env->n--;
}
