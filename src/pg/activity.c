#include "pg/activity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg/conn.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/strset.h"

#include "util/banned.h"

void pg_blockers_release(struct pg_blockers *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++) {
		free(b->items[i].state);
		free(b->items[i].application_name);
		free(b->items[i].query);
		free(b->items[i].query_start);
		free(b->items[i].waits_for);
	}
	free(b->items);
	b->items = NULL;
	b->n = b->alloc = 0;
}

static struct pg_blocker *add(struct pg_blockers *b)
{
	XGROW(b->items, b->alloc, b->n + 1);
	struct pg_blocker *x = &b->items[b->n++];
	memset(x, 0, sizeof(*x));
	return x;
}

void pg_blockers_copy(struct pg_blockers *dst, const struct pg_blockers *src)
{
	pg_blockers_release(dst);
	for (size_t i = 0; i < src->n; i++) {
		struct pg_blocker *x = add(dst);
		x->pid = src->items[i].pid;
		x->state = xstrdup(src->items[i].state);
		x->application_name = xstrdup(src->items[i].application_name);
		x->query = xstrdup(src->items[i].query);
		x->xact_age_s = src->items[i].xact_age_s;
		x->query_start = xstrdup(src->items[i].query_start);
		x->waits_for = xstrdup(src->items[i].waits_for);
	}
}

/*
 * Columns in this order, the query last; blanks in text are collapsed so '\t' only separates. What the
 * waiter waits for comes from its ungranted locks (a relation by name, else the lock type).
 */
#define BLOCKERS_SQL(waiter)                                                                                           \
	"SELECT b.pid, coalesce(b.state, ''), regexp_replace(coalesce(b.application_name, ''), '\\s+', ' ', 'g'),"     \
	" coalesce(extract(epoch FROM now() - b.xact_start)::float8, -1),"                                             \
	" coalesce(to_char(b.query_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC', ''),"                 \
	" coalesce((SELECT string_agg(DISTINCT CASE WHEN l.relation IS NOT NULL"                                       \
	" THEN 'relation ' || l.relation::regclass::text ELSE l.locktype END, ', ')"                                   \
	" FROM pg_locks l WHERE l.pid = w.pid AND NOT l.granted), ''),"                                                \
	" regexp_replace(left(coalesce(b.query, ''), 200), '\\s+', ' ', 'g')"                                          \
	" FROM pg_stat_activity w, unnest(pg_blocking_pids(w.pid)) AS bp(pid)"                                         \
	" JOIN pg_stat_activity b ON b.pid = bp.pid WHERE " waiter " ORDER BY b.xact_start NULLS LAST, b.pid"

#define N_FIELDS 7

/* Splits a row at its first six tabs: the query may not hold one, but nothing else is trusted either. */
static void parse_row(char *row, struct pg_blocker *x)
{
	const char *f[N_FIELDS] = {row, "", "", "", "", "", ""};
	for (int i = 1; i < N_FIELDS; i++) {
		char *tab = strchr(f[i - 1], '\t');
		if (!tab)
			break;
		*tab = '\0';
		f[i] = tab + 1;
	}
	x->pid = strtol(f[0], NULL, 10);
	x->state = xstrdup(f[1]);
	x->application_name = xstrdup(f[2]);
	x->xact_age_s = strtod(f[3], NULL);
	x->query_start = xstrdup(f[4]);
	x->waits_for = xstrdup(f[5]);
	x->query = xstrdup(f[6]);
}

static int blockers_query(PGconn *c, const char *sql, const char *param, struct pg_blockers *out)
{
	struct strlist rows = STRLIST_INIT;
	const char *params[] = {param};
	int n = pg_query_rows(c, "reading what blocks the migration", sql, 1, params, &rows);
	if (n >= 0) {
		pg_blockers_release(out);
		for (size_t i = 0; i < rows.n; i++)
			parse_row(rows.items[i], add(out));
	}
	strlist_release(&rows);
	return n;
}

int pg_blockers_of(PGconn *c, const char *appname, struct pg_blockers *out)
{
	return blockers_query(c,
	                      BLOCKERS_SQL("w.application_name = $1 AND w.datname = current_database()"
	                                   " AND w.pid <> pg_backend_pid()"),
	                      appname, out);
}

int pg_blockers_of_pid(PGconn *c, long pid, struct pg_blockers *out)
{
	char text[24];
	snprintf(text, sizeof text, "%ld", pid);
	return blockers_query(c, BLOCKERS_SQL("w.pid = $1::int"), text, out);
}

static void describe_one(struct buf *b, long pid, const char *appname, const char *state, const char *started,
                         const char *query)
{
	buf_addf(b, "pid %ld (application_name '%s', state '%s'", pid, appname, *state ? state : "unknown");
	if (*started)
		buf_addf(b, ", query started %s", started);
	buf_addf(b, "%s%s)", *query ? ": " : "", query);
}

char *pg_blockers_describe(const struct pg_blockers *bl)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < bl->n; i++) {
		const struct pg_blocker *x = &bl->items[i];
		if (i)
			buf_adds(&b, "; ");
		describe_one(&b, x->pid, x->application_name, x->state, x->query_start, x->query);
	}
	return buf_detach(&b);
}

int pg_list_sessions(PGconn *c, const char *prefix, const char *except, struct strlist *pids, struct strlist *texts)
{
	struct strlist rows = STRLIST_INIT;
	const char *params[] = {prefix, except ? except : ""};
	int n =
	    pg_query_rows(c, "looking for migration sessions of an earlier run",
	                  "SELECT pid, coalesce(state, ''), regexp_replace(application_name, '\\s+', ' ', 'g'),"
	                  " coalesce(to_char(query_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC', ''),"
	                  " regexp_replace(left(coalesce(query, ''), 200), '\\s+', ' ', 'g')"
	                  " FROM pg_stat_activity WHERE datname = current_database()"
	                  " AND pid <> pg_backend_pid() AND left(application_name, length($1)) = $1"
	                  " AND application_name <> $2 ORDER BY pid",
	                  2, params, &rows);
	for (size_t i = 0; n > 0 && i < rows.n; i++) {
		struct pg_blocker x;
		struct buf b = BUF_INIT;
		memset(&x, 0, sizeof x);
		char *f[5] = {rows.items[i], NULL, NULL, NULL, NULL};
		for (int k = 1; k < 5 && f[k - 1]; k++) {
			f[k] = strchr(f[k - 1], '\t');
			if (f[k])
				*f[k]++ = '\0';
		}
		if (!f[4])
			continue;
		describe_one(&b, strtol(f[0], NULL, 10), f[2], f[1], f[3], f[4]);
		strlist_add(pids, f[0]);
		strlist_add_owned(texts, buf_detach(&b));
	}
	strlist_release(&rows);
	return n;
}

int pg_terminate(PGconn *c, long pid)
{
	char text[24];
	struct strlist rows = STRLIST_INIT;
	snprintf(text, sizeof text, "%ld", pid);
	const char *params[] = {text};
	int n = pg_query_rows(c, "ending a migration session of an earlier run", "SELECT pg_terminate_backend($1::int)",
	                      1, params, &rows);
	strlist_release(&rows);
	return n < 0 ? -1 : 0;
}

int pg_count_sessions(PGconn *c, const char *prefix, const char *except)
{
	struct strlist rows = STRLIST_INIT;
	const char *params[] = {prefix, except ? except : ""};
	int n = pg_query_rows(c, "looking for migration sessions of an earlier run",
	                      "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
	                      " AND pid <> pg_backend_pid() AND left(application_name, length($1)) = $1"
	                      " AND application_name <> $2",
	                      2, params, &rows);
	int ret = n > 0 ? (int)strtol(rows.items[0], NULL, 10) : n < 0 ? -1 : 0;
	strlist_release(&rows);
	return ret;
}
