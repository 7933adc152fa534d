#include "alembic/offline.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/error.h"
#include "util/mem.h"
#include "util/strset.h"

#include "util/banned.h"

static const char upgrade_marker[] = "-- Running upgrade ";
static const char downgrade_marker[] = "-- Running downgrade ";

void offline_split_init(struct offline_split *s)
{
	s->parts = NULL;
	s->n = 0;
	s->alloc = 0;
}

void offline_split_release(struct offline_split *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->parts[i].revision);
		free(s->parts[i].from);
		free(s->parts[i].sql);
	}
	free(s->parts);
	offline_split_init(s);
}

static char *trimmed(const char *p, size_t n)
{
	while (n && isspace((unsigned char)*p))
		p++, n--;
	while (n && isspace((unsigned char)p[n - 1]))
		n--;
	return xstrndup(p, n);
}

static bool starts_with_word(const char *stmt, const char *word)
{
	while (isspace((unsigned char)*stmt))
		stmt++;
	return !strncasecmp(stmt, word, strlen(word));
}

/* Alembic's bookkeeping, which is not the revision's own SQL. */
static bool is_bookkeeping(const char *stmt)
{
	static const char *const heads[] = {
	    "INSERT INTO alembic_version",  "UPDATE alembic_version",     "DELETE FROM alembic_version",
	    "CREATE TABLE alembic_version", "DROP TABLE alembic_version",
	};
	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++)
		if (starts_with_word(stmt, heads[i]))
			return true;
	return false;
}

static bool is_word_stmt(const char *stmt, const char *word)
{
	char *t = trimmed(stmt, strlen(stmt));
	bool yes = !strcasecmp(t, word);
	free(t);
	return yes;
}

/*
 * Splits raw into statements: one ends at a line whose last non-blank
 * character is ';', and keeps the blank lines after it, so that joining the
 * statements again gives back the original text (function bodies included).
 */
static void statements(const char *raw, struct strlist *out)
{
	struct buf cur = BUF_INIT;
	bool ended = false;
	for (const char *p = raw; *p;) {
		size_t n = strcspn(p, "\n");
		char *line = trimmed(p, n);
		if (*line && ended) {
			strlist_add_owned(out, buf_detach(&cur));
			ended = false;
		}
		if (*line || cur.len) {
			buf_add(&cur, p, n);
			buf_addc(&cur, '\n');
		}
		if (*line)
			ended = line[strlen(line) - 1] == ';';
		free(line);
		p += n + (p[n] == '\n');
	}
	if (cur.len)
		strlist_add_owned(out, buf_detach(&cur));
	buf_release(&cur);
}

/*
 * The revision's own SQL: bookkeeping removed, and the transaction framing
 * Alembic puts around a step (a BEGIN first, COMMIT / the next step's BEGIN
 * last) dropped. A COMMIT ... BEGIN pair inside a step is an autocommit_block
 * boundary and stays.
 */
static char *clean(const char *raw)
{
	struct strlist all = STRLIST_INIT, st = STRLIST_INIT;
	struct buf out = BUF_INIT;
	statements(raw, &all);
	for (size_t i = 0; i < all.n; i++)
		if (!is_bookkeeping(all.items[i]))
			strlist_add(&st, all.items[i]);
	size_t first = 0, end = st.n;
	while (first < end && is_word_stmt(st.items[first], "BEGIN;"))
		first++;
	while (end > first && (is_word_stmt(st.items[end - 1], "COMMIT;") || is_word_stmt(st.items[end - 1], "BEGIN;")))
		end--;
	for (size_t i = first; i < end; i++)
		buf_adds(&out, st.items[i]);
	strlist_release(&all);
	strlist_release(&st);
	char *sql = trimmed(buf_str(&out), out.len);
	buf_release(&out);
	return sql;
}

/* Parses a marker line; false when line is not one. */
static bool parse_marker(const char *line, size_t n, struct offline_part *part)
{
	size_t up = sizeof(upgrade_marker) - 1, down = sizeof(downgrade_marker) - 1;
	const char *rest;
	if (n >= up && !strncmp(line, upgrade_marker, up))
		rest = line + up, part->downgrade = false;
	else if (n >= down && !strncmp(line, downgrade_marker, down))
		rest = line + down, part->downgrade = true;
	else
		return false;
	const char *end = line + n;
	const char *arrow = strstr(rest, "->");
	if (!arrow || arrow >= end)
		return false;
	part->from = trimmed(rest, (size_t)(arrow - rest));
	char *to = trimmed(arrow + 2, (size_t)(end - arrow - 2));
	if (part->downgrade) {
		part->revision = xstrdup(part->from);
		free(to);
	} else {
		part->revision = to;
	}
	return true;
}

static void finish_part(struct offline_split *s, struct buf *raw)
{
	if (s->n)
		s->parts[s->n - 1].sql = clean(buf_str(raw));
	buf_reset(raw);
}

int offline_split(const char *text, struct offline_split *s)
{
	struct buf raw = BUF_INIT;
	struct offline_part part;
	size_t first = s->n;
	int lineno = 1;
	for (const char *p = text; *p; lineno++) {
		size_t n = strcspn(p, "\n");
		memset(&part, 0, sizeof(part));
		if (parse_marker(p, n, &part)) {
			/* the preamble (BEGIN, CREATE TABLE alembic_version) belongs to no revision */
			if (s->n > first)
				finish_part(s, &raw);
			buf_reset(&raw);
			part.line = lineno;
			XGROW(s->parts, s->alloc, s->n + 1);
			s->parts[s->n++] = part;
		} else {
			buf_add(&raw, p, n);
			buf_addc(&raw, '\n');
		}
		p += n + (p[n] == '\n');
	}
	int ret = 0;
	if (s->n > first) {
		finish_part(s, &raw);
	} else {
		char *sql = clean(buf_str(&raw));
		if (*sql)
			ret = gate_error(EXIT_USAGE, "pass the output of `alembic upgrade FROM:TO --sql` unchanged",
			                 "offline SQL has no '-- Running upgrade' markers, so it cannot be "
			                 "split by revision");
		free(sql);
	}
	buf_release(&raw);
	return ret;
}

const struct offline_part *offline_find(const struct offline_split *s, const char *revision)
{
	for (size_t i = s->n; i-- > 0;)
		if (!strcmp(s->parts[i].revision, revision))
			return &s->parts[i];
	return NULL;
}

static void add_offline_stmt(struct step_result *out, const char *rev, const char *text, bool autocommit)
{
	size_t n = strlen(text);
	while (n && (isspace((unsigned char)text[n - 1]) || text[n - 1] == ';'))
		n--;
	size_t lead = strspn(text, " \t\r\n");
	if (lead >= n)
		return;
	XGROW(out->stmts, out->alloc_stmts, out->n_stmts + 1);
	struct captured_stmt *c = &out->stmts[out->n_stmts++];
	memset(c, 0, sizeof(*c));
	c->sql = xstrndup(text + lead, n - lead);
	c->revision = xstrdup(rev);
	c->kind = STMT_MIGRATION;
	c->autocommit = autocommit;
}

/* A part's SQL into statements; a COMMIT inside a part opens an autocommit_block(), the next BEGIN closes it. */
static void part_statements(const struct offline_part *p, struct step_result *out)
{
	struct strlist st = STRLIST_INIT;
	bool autocommit = false;
	statements(p->sql, &st);
	for (size_t i = 0; i < st.n; i++) {
		if (is_word_stmt(st.items[i], "COMMIT;"))
			autocommit = true;
		else if (is_word_stmt(st.items[i], "BEGIN;"))
			autocommit = false;
		else
			add_offline_stmt(out, p->revision, st.items[i], autocommit);
	}
	strlist_release(&st);
}

int offline_revision(struct driver *d, const struct rev *rev, struct step_result *out)
{
	struct buf range = BUF_INIT, sql = BUF_INIT;
	struct offline_split split = OFFLINE_SPLIT_INIT;
	buf_addf(&range, "%s:%s", rev->down.n ? rev->down.items[0] : "", rev->id);
	int rc = driver_offline_sql(d, rev->down.n ? buf_str(&range) : rev->id, &sql, out);
	if (!rc && out->status == STEP_OK)
		rc = offline_split(buf_str(&sql), &split);
	const struct offline_part *p = rc || out->status != STEP_OK ? NULL : offline_find(&split, rev->id);
	if (p && !p->downgrade)
		part_statements(p, out);
	offline_split_release(&split);
	buf_release(&range);
	buf_release(&sql);
	return rc;
}
