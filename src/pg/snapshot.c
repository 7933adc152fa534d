#include "pg/snapshot.h"

#include <stdlib.h>
#include <string.h>

#include "pg/conn.h"
#include "pg/snapshot_sql.h"
#include "pg/wait.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/mem.h"
#include "util/strset.h"

#include "util/banned.h"

#define STMT_NAME "migrate_gate_snapshot"
#define SCOPED_NAME "migrate_gate_snapshot_scoped"
#define N_LINE_FIELDS 10 /* kind, identity, 8 fields; the owner comes after them */
#define SQLSTATE_NO_SUCH_STATEMENT "26000"
/*
 * search_path fixed to public so names print the same whatever the session set.
 * A generic plan from the first execution (PostgreSQL 12+): the custom plans a
 * prepared statement gets for its first five took 8.5 ms each against 2.3 ms,
 * and a session that reconnects (check's checkpoints) starts over.
 */
#define SNAPSHOT_BATCH "BEGIN READ ONLY; SET LOCAL search_path = public; %sEXECUTE %s(%s); COMMIT"
#define GENERIC_PLAN "SET LOCAL plan_cache_mode = force_generic_plan; "
#define DEFAULT_VERSION_TABLE "alembic_version"

void snapshot_init(struct snapshot *s)
{
	strlist_init(&s->lines);
	strset_init(&s->owners);
	s->version_table = NULL;
}

void snapshot_release(struct snapshot *s)
{
	if (s) {
		strlist_release(&s->lines);
		strset_release(&s->owners);
	}
}

static void add_escaped(struct buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '\\':
			buf_adds(b, "\\\\");
			break;
		case '\n':
			buf_adds(b, "\\n");
			break;
		case '\t':
			buf_adds(b, "\\t");
			break;
		case '\r':
			buf_adds(b, "\\r");
			break;
		default:
			buf_addc(b, *s);
		}
	}
}

/* kind, identity, then the fields with the empty ones at the end left out. */
static char *row_line(const PGresult *r, int row)
{
	struct buf b = BUF_INIT;
	int last = N_LINE_FIELDS - 1;
	while (last > 1 && !*PQgetvalue(r, row, last))
		last--;
	for (int col = 0; col <= last; col++) {
		if (col)
			buf_addc(&b, '\t');
		add_escaped(&b, PQgetvalue(r, row, col));
	}
	return buf_detach(&b);
}

static void add_rows(struct snapshot *s, const PGresult *r)
{
	int n = PQntuples(r);
	for (int i = 0; i < n; i++) {
		char *line = row_line(r, i);
		if (PQnfields(r) > N_LINE_FIELDS && !PQgetisnull(r, i, N_LINE_FIELDS))
			strset_put(&s->owners, line, PQgetvalue(r, i, N_LINE_FIELDS));
		strlist_add_owned(&s->lines, line);
	}
}

/*
 * Sends the batch that runs the prepared statement stmt (with the array of
 * names as its second argument when names is not NULL) and keeps its one row
 * set. Returns 0, 1 when the statement is not prepared on this connection
 * yet, or -1 with a recorded error.
 */
static int run_batch(PGconn *c, const char *stmt, const char *names, struct snapshot *s)
{
	int ret = 0;
	char *table = pg_quote_literal(s->version_table ? s->version_table : DEFAULT_VERSION_TABLE);
	char *array = names ? pg_quote_literal(names) : NULL;
	struct buf args = BUF_INIT, batch = BUF_INIT;
	buf_addf(&args, "%s%s%s", table, array ? ", " : "", array ? array : "");
	buf_addf(&batch, SNAPSHOT_BATCH, pg_server_major(c) >= 12 ? GENERIC_PLAN : "", stmt, args.data);
	int sent = PQsendQuery(c, buf_str(&batch));
	free(table);
	free(array);
	buf_release(&args);
	buf_release(&batch);
	if (!sent)
		return gate_error(EXIT_ENV, NULL, "cannot take a schema snapshot: %s", PQerrorMessage(c));
	pg_wait_answer(c, "taking a schema snapshot");
	for (PGresult *r; (r = PQgetResult(c)); PQclear(r)) {
		ExecStatusType st = PQresultStatus(r);
		if (st == PGRES_TUPLES_OK) {
			add_rows(s, r);
		} else if (st != PGRES_COMMAND_OK && ret == 0) {
			const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
			if (state && !strcmp(state, SQLSTATE_NO_SUCH_STATEMENT))
				ret = 1;
			else if (pg_wait_busy(c, "taking a schema snapshot", r))
				ret = -1;
			else
				ret = gate_error(EXIT_ENV,
				                 "this is a bug in migrate-gate's catalog query; please report it",
				                 "cannot take a schema snapshot: %s", PQresultErrorMessage(r));
		}
	}
	if (PQtransactionStatus(c) != PQTRANS_IDLE)
		pg_exec(c, "ending the snapshot transaction", "ROLLBACK");
	return ret;
}

static int prepare(PGconn *c, const char *stmt, bool scoped)
{
	static const char *const whole[] = {SNAPSHOT_PARTS}, *const owned[] = {SCOPED_PARTS};
	const char *const *parts = scoped ? owned : whole;
	size_t n = scoped ? sizeof owned / sizeof *owned : sizeof whole / sizeof *whole;
	struct buf sql = BUF_INIT;
	buf_adds(&sql, scoped ? SCOPED_HEAD : "");
	for (size_t i = 0; i < n; i++)
		buf_addf(&sql, "%s%s", i ? " UNION ALL " : "", parts[i]);
	buf_adds(&sql, scoped ? SCOPED_TAIL : "");
	PGresult *r = PQprepare(c, stmt, buf_str(&sql), 0, NULL);
	buf_release(&sql);
	int ret = 0;
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		ret = gate_error(EXIT_ENV, "this is a bug in migrate-gate's catalog query; please report it",
		                 "cannot prepare the schema snapshot query: %s", PQresultErrorMessage(r));
	PQclear(r);
	return ret;
}

static void clear(struct snapshot *s)
{
	strlist_release(&s->lines);
	strset_clear(&s->owners);
}

/* names: NULL for a whole snapshot, else a PostgreSQL array literal of relnames. */
static int take(PGconn *c, const char *names, struct snapshot *s)
{
	const char *stmt = names ? SCOPED_NAME : STMT_NAME;
	clear(s);
	if (PQtransactionStatus(c) != PQTRANS_IDLE)
		return gate_error(EXIT_ENV, "commit or roll back before taking a snapshot",
		                  "cannot take a schema snapshot inside a transaction");
	int ret = run_batch(c, stmt, names, s);
	if (ret == 1) {
		clear(s);
		ret = prepare(c, stmt, names != NULL) < 0 ? -1 : run_batch(c, stmt, names, s);
	}
	if (ret != 0) {
		clear(s);
		return -1;
	}
	strlist_sort(&s->lines);
	return 0;
}

int snapshot_take(PGconn *c, struct snapshot *s)
{
	return take(c, NULL, s);
}

/* {"a","b"}: every name double-quoted, with \ and " escaped. */
static char *array_literal(const struct strset *names)
{
	struct buf b = BUF_INIT;
	size_t pos = 0;
	buf_addc(&b, '{');
	for (const char *k; (k = strset_next(names, &pos));)
		pg_array_add(&b, k);
	buf_addc(&b, '}');
	return buf_detach(&b);
}

int snapshot_take_scoped(PGconn *c, const struct strset *names, struct snapshot *s)
{
	char *array = array_literal(names);
	int rc = take(c, array, s);
	free(array);
	return rc;
}

/* The line's owning relation when it is one of names, else NULL. */
static const char *owned_by(const struct snapshot *s, const char *line, const struct strset *names)
{
	const char *owner = strset_get(&s->owners, line);
	return owner && strset_has(names, owner) ? owner : NULL;
}

void snapshot_patch(struct snapshot *state, const struct strset *names, const struct snapshot *scoped)
{
	size_t out = 0;
	for (size_t i = 0; i < state->lines.n; i++) {
		char *line = state->lines.items[i];
		if (owned_by(state, line, names)) {
			strset_remove(&state->owners, line);
			free(line);
		} else {
			state->lines.items[out++] = line;
		}
	}
	state->lines.n = out;
	for (size_t i = 0; i < scoped->lines.n; i++) {
		const char *line = scoped->lines.items[i], *owner = strset_get(&scoped->owners, line);
		strlist_add(&state->lines, line);
		if (owner)
			strset_put(&state->owners, line, owner);
	}
	strlist_sort(&state->lines);
}

void snapshot_select(const struct snapshot *s, const struct strset *names, struct snapshot *out)
{
	clear(out);
	for (size_t i = 0; i < s->lines.n; i++) {
		const char *line = s->lines.items[i], *owner = owned_by(s, line, names);
		if (owner) {
			strlist_add(&out->lines, line);
			strset_put(&out->owners, line, owner);
		}
	}
}

/*
 * The relname of the quote_ident()ed, maybe schema-qualified name at *p (a
 * list's item, up to ", " outside quotes); *p moves past the name.
 */
static char *qualified_relname(const char **p)
{
	struct buf part = BUF_INIT;
	const char *q = *p;
	bool quoted = false;
	for (; *q && (quoted || strncmp(q, ", ", 2)); q++) {
		if (*q == '"' && quoted && q[1] == '"')
			buf_addc(&part, *q++);
		else if (*q == '"')
			quoted = !quoted;
		else if (*q == '.' && !quoted)
			buf_reset(&part);
		else
			buf_addc(&part, *q);
	}
	*p = q;
	return buf_detach(&part);
}

const char *snapshot_field(const char *s, size_t i, size_t *len)
{
	for (; i > 0 && s; i--) {
		s = strchr(s, '\t');
		s = s ? s + 1 : NULL;
	}
	if (!s) {
		*len = 0;
		return "";
	}
	*len = strcspn(s, "\t");
	return s;
}

void snapshot_inheritance(const struct snapshot *s, struct strset *out)
{
	for (size_t i = 0; i < s->lines.n; i++) {
		const char *line = s->lines.items[i], *owner = strset_get(&s->owners, line);
		size_t len = 0;
		const char *f = strncmp(line, "table\t", 6) ? "" : snapshot_field(line, 5, &len);
		char *parents = len && owner ? xstrndup(f, len) : NULL;
		if (parents) {
			strset_add(out, owner);
			for (const char *p = parents; *p; p += strncmp(p, ", ", 2) ? 0 : 2) {
				char *rel = qualified_relname(&p);
				strset_add(out, rel);
				free(rel);
			}
		}
		free(parents);
	}
}

bool snapshot_equal(const struct snapshot *a, const struct snapshot *b)
{
	if (a->lines.n != b->lines.n)
		return false;
	for (size_t i = 0; i < a->lines.n; i++)
		if (strcmp(a->lines.items[i], b->lines.items[i]))
			return false;
	return true;
}

int snapshot_relfilenodes(PGconn *c, struct strlist *out)
{
	const char *params[] = {DEFAULT_VERSION_TABLE};
	if (pg_query_rows(c, "reading relfilenodes", RELFILENODES_SQL, 1, params, out) < 0)
		return -1;
	strlist_sort(out);
	return 0;
}

/* The length of "kind\tname", the line without its last field. */
static size_t key_len(const char *line)
{
	const char *tab = strrchr(line, '\t');
	return tab ? (size_t)(tab - line) : strlen(line);
}

static int compare_keys(const char *a, const char *b)
{
	size_t la = key_len(a), lb = key_len(b);
	int c = memcmp(a, b, la < lb ? la : lb);
	return c ? c : (la > lb) - (la < lb);
}

void snapshot_rewritten(const struct strlist *before, const struct strlist *after, struct strlist *out)
{
	size_t i = 0, j = 0;
	while (i < before->n && j < after->n) {
		const char *a = before->items[i], *b = after->items[j];
		int c = compare_keys(a, b);
		if (c == 0 && strcmp(a, b))
			strlist_add_owned(out, xstrndup(a, key_len(a)));
		i += c <= 0;
		j += c >= 0;
	}
}
