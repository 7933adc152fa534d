#include "pg/activity.h"

#include <stdlib.h>
#include <string.h>

#include "pg/conn.h"
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
	}
}

/* Columns in this order, the query last; blanks in text are collapsed so '\t' only separates. */
static const char blockers_sql[] =
    "SELECT b.pid, coalesce(b.state, ''), regexp_replace(coalesce(b.application_name, ''), '\\s+', ' ', 'g'),"
    " coalesce(extract(epoch FROM now() - b.xact_start)::float8, -1),"
    " regexp_replace(left(coalesce(b.query, ''), 200), '\\s+', ' ', 'g')"
    " FROM pg_stat_activity w, unnest(pg_blocking_pids(w.pid)) AS bp(pid)"
    " JOIN pg_stat_activity b ON b.pid = bp.pid"
    " WHERE w.application_name = $1 AND w.datname = current_database() AND w.pid <> pg_backend_pid()"
    " ORDER BY b.xact_start NULLS LAST, b.pid";

/* Splits a row at its first four tabs: the query may not hold one, but nothing else is trusted either. */
static void parse_row(char *row, struct pg_blocker *x)
{
	const char *f[5] = {row, "", "", "", ""};
	for (int i = 1; i < 5; i++) {
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
	x->query = xstrdup(f[4]);
}

int pg_blockers_of(PGconn *c, const char *appname, struct pg_blockers *out)
{
	struct strlist rows = STRLIST_INIT;
	const char *params[] = {appname};
	int n = pg_query_rows(c, "reading what blocks the migration", blockers_sql, 1, params, &rows);
	if (n >= 0) {
		pg_blockers_release(out);
		for (size_t i = 0; i < rows.n; i++)
			parse_row(rows.items[i], add(out));
	}
	strlist_release(&rows);
	return n;
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
