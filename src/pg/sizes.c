#include "pg/sizes.h"

#include <stdlib.h>
#include <string.h>

#include "pg/conn.h"
#include "util/buf.h"
#include "util/mem.h"

#include "util/banned.h"

void table_sizes_release(struct table_sizes *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->items[i].name);
	free(s->items);
	s->items = NULL;
	s->n = s->alloc = 0;
}

const struct table_size *table_sizes_find(const struct table_sizes *s, const char *name)
{
	for (size_t i = 0; name && i < s->n; i++)
		if (!strcmp(s->items[i].name, name))
			return &s->items[i];
	return NULL;
}

/* A text[] literal: {"a","b\"c"}. */
static void add_array(struct buf *b, const struct strlist *names, const struct table_sizes *known)
{
	buf_addc(b, '{');
	for (size_t i = 0; i < names->n; i++)
		if (!table_sizes_find(known, names->items[i]))
			pg_array_add(b, names->items[i]);
	buf_addc(b, '}');
}

/*
 * "schema.t" is split at its first dot, as the linter joined it; each part is quoted as it was parsed.
 * A partitioned table holds nothing itself (pg_total_relation_size() is 0) and an inheritance parent
 * only its own rows: a table's size is its whole tree's, through pg_inherits, which lists partitions
 * too. The rows of partitioned tables (their reltuples, once analysed, already total their partitions')
 * are left out of the sum.
 */
static const char sizes_sql[] =
    "SELECT k, c.oid IS NOT NULL, coalesce(s.rows, -1), coalesce(s.bytes, 0)"
    " FROM unnest($1::text[]) WITH ORDINALITY AS u(k, i)"
    " LEFT JOIN pg_class c ON c.oid = to_regclass(CASE WHEN strpos(k, '.') > 0"
    " THEN quote_ident(split_part(k, '.', 1)) || '.' || quote_ident(substr(k, strpos(k, '.') + 1))"
    " ELSE quote_ident(k) END)"
    " LEFT JOIN LATERAL (WITH RECURSIVE tree(oid) AS (SELECT c.oid"
    " UNION SELECT h.inhrelid FROM pg_inherits h JOIN tree ON h.inhparent = tree.oid)"
    " SELECT CASE WHEN bool_and(r.reltuples < 0) FILTER (WHERE r.relkind <> 'p') THEN -1"
    " ELSE sum(greatest(r.reltuples, 0)) FILTER (WHERE r.relkind <> 'p') END::float8 AS rows,"
    " sum(pg_total_relation_size(r.oid))::bigint AS bytes"
    " FROM tree JOIN pg_class r ON r.oid = tree.oid) s ON true ORDER BY i";

static void add_row(struct table_sizes *out, char *row)
{
	char *f[4] = {row, NULL, NULL, NULL};
	for (int i = 1; i < 4; i++) {
		f[i] = f[i - 1] ? strchr(f[i - 1], '\t') : NULL;
		if (f[i])
			*f[i]++ = '\0';
	}
	if (!f[3])
		return;
	XGROW(out->items, out->alloc, out->n + 1);
	struct table_size *t = &out->items[out->n++];
	t->name = xstrdup(f[0]);
	t->exists = !strcmp(f[1], "t");
	t->rows = strtod(f[2], NULL);
	t->bytes = strtoll(f[3], NULL, 10);
}

int pg_table_sizes(PGconn *c, const struct strlist *names, struct table_sizes *out)
{
	struct buf arr = BUF_INIT;
	struct strlist rows = STRLIST_INIT;
	add_array(&arr, names, out);
	int n = 0;
	if (arr.len > 2) {
		const char *params[] = {arr.data};
		n = pg_query_rows(c, "reading table sizes", sizes_sql, 1, params, &rows);
	}
	for (size_t i = 0; i < rows.n; i++)
		add_row(out, rows.items[i]);
	strlist_release(&rows);
	buf_release(&arr);
	return n < 0 ? -1 : 0;
}
