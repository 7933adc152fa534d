/*
 * What the database held before a unit ran, from a catalog snapshot (see
 * pg/snapshot.h for the line format), in the context's own terms: a column's
 * type as the parser spells it, the leading columns of every index, and the
 * validated CHECK (col IS NOT NULL) constraints. With it, `check` judges an
 * ALTER COLUMN TYPE by the type the column really had, and a foreign key
 * added to an existing table by the indexes that table really has.
 */
#include <stdlib.h>
#include <string.h>

#include "lint/internal.h"
#include "util/buf.h"
#include "util/mem.h"

#include "util/banned.h"

/* format_type() spellings and the parser's names for them. */
static const char *const sql_names[][2] = {
    {"character varying", "varchar"},
    {"character", "bpchar"},
    {"integer", "int4"},
    {"smallint", "int2"},
    {"bigint", "int8"},
    {"boolean", "bool"},
    {"real", "float4"},
    {"double precision", "float8"},
    {"bit varying", "varbit"},
    {"timestamp", "timestamp"},
    {"time", "time"},
};

/* "character varying(20)" -> "varchar(20)", "timestamp(3) with time zone" -> "timestamptz(3)", "integer[]" -> "int4[]".
 */
static char *parser_type(const char *s)
{
	struct buf name = BUF_INIT, out = BUF_INIT;
	const char *open = strchr(s, '('), *close = open ? strchr(open, ')') : NULL;
	size_t arrays = 0;
	if (open && close)
		buf_add(&name, s, (size_t)(open - s)), buf_adds(&name, close + 1);
	else
		buf_adds(&name, s);
	while (name.len >= 2 && !strcmp(name.data + name.len - 2, "[]"))
		name.data[name.len -= 2] = '\0', arrays++;
	const char *tz = strstr(name.data, " with time zone"), *no_tz = strstr(name.data, " without time zone");
	if (tz || no_tz)
		name.data[name.len = (size_t)((tz ? tz : no_tz) - name.data)] = '\0';
	const char *mapped = name.data;
	for (size_t i = 0; i < sizeof sql_names / sizeof *sql_names; i++)
		if (!strcmp(name.data, sql_names[i][0]))
			mapped = sql_names[i][1];
	buf_addf(&out, "%s%s", mapped, tz ? "tz" : "");
	if (open && close)
		buf_add(&out, open, (size_t)(close - open + 1));
	for (; arrays; arrays--)
		buf_adds(&out, "[]");
	buf_release(&name);
	return buf_detach(&out);
}

/* A snapshot identity ("t.c", "s.t.ix", "\"Odd\".c") as the context keys it: quotes removed. */
static char *unquote(const char *s, size_t n)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' && i + 1 < n && s[i + 1] == '"')
			buf_addc(&b, s[i++]);
		else if (s[i] != '"')
			buf_addc(&b, s[i]);
	}
	return buf_detach(&b);
}

/* Splits "kind\tidentity\tfield..." (fields stay escaped); false for a line without identity. */
static bool split_line(const char *line, const char **kind_end, const char **id, size_t *id_len, const char **fields)
{
	const char *t1 = strchr(line, '\t');
	if (!t1)
		return false;
	const char *t2 = strchr(t1 + 1, '\t');
	*kind_end = t1;
	*id = t1 + 1;
	*id_len = t2 ? (size_t)(t2 - t1 - 1) : strlen(t1 + 1);
	*fields = t2 ? t2 + 1 : "";
	return true;
}

static char *field(const char *fields, size_t i)
{
	for (; i > 0 && fields; i--) {
		fields = strchr(fields, '\t');
		fields = fields ? fields + 1 : NULL;
	}
	return fields ? xstrndup(fields, strcspn(fields, "\t")) : xstrdup("");
}

/* "rel.col": the table part of a sub-object's identity, up to its last unquoted '.'. */
static size_t owner_len(const char *id, size_t n)
{
	size_t dot = 0;
	bool quoted = false;
	for (size_t i = 0; i < n; i++) {
		if (id[i] == '"')
			quoted = !quoted;
		else if (id[i] == '.' && !quoted)
			dot = i;
	}
	return dot;
}

static bool is_plain_name(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!(s[i] == '_' || s[i] == '"' || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
			return false;
	return n > 0;
}

/* "a, b DESC" of a key list into "rel(a,b)", up to the first entry that is an expression. */
static void add_key(struct lint_ctx *ctx, const char *rel, const char *list, size_t n)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s(", rel);
	size_t start = b.len;
	for (size_t at = 0; at < n;) {
		size_t end = at;
		while (end < n && list[end] != ',')
			end++;
		while (at < end && list[at] == ' ')
			at++;
		size_t len = 0;
		while (at + len < end && list[at + len] != ' ')
			len++;
		if (!is_plain_name(list + at, len))
			break;
		char *name = unquote(list + at, len);
		buf_addf(&b, "%s%s", b.len > start ? "," : "", name);
		free(name);
		at = end + 1;
	}
	buf_addc(&b, ')');
	if (b.len > start + 1)
		strset_add(&ctx->indexed, b.data);
	buf_release(&b);
}

/* The parenthesised list after `after` in def ("USING btree (a, b)", "PRIMARY KEY (a)"). */
static void add_key_after(struct lint_ctx *ctx, const char *rel, const char *def, const char *after)
{
	const char *p = strstr(def, after);
	const char *open = p ? strchr(p, '(') : NULL;
	const char *close = open ? strchr(open, ')') : NULL;
	if (open && close)
		add_key(ctx, rel, open + 1, (size_t)(close - open - 1));
}

static void seed_column(struct lint_ctx *ctx, const char *id, size_t id_len, const char *fields)
{
	char *key = unquote(id, id_len), *type = field(fields, 0), *parsed = parser_type(type);
	strset_put(&ctx->col_types, key, parsed);
	free(key);
	free(type);
	free(parsed);
}

/* CHECK ((col IS NOT NULL)) that is validated: SET NOT NULL on col needs no scan (PostgreSQL 12+). */
static void seed_constraint(struct lint_ctx *ctx, const char *rel, const char *fields)
{
	char *def = field(fields, 0);
	size_t n = strlen(def);
	const char *tail = " IS NOT NULL))";
	bool not_valid = n > 10 && !strcmp(def + n - 10, " NOT VALID");
	if (!strncmp(def, "PRIMARY KEY (", 13) || !strncmp(def, "UNIQUE (", 8)) {
		add_key_after(ctx, rel, def, " (");
	} else if (!not_valid && !strncmp(def, "CHECK ((", 8) && n > 8 + strlen(tail) &&
	           !strcmp(def + n - strlen(tail), tail)) {
		struct buf key = BUF_INIT;
		char *col = unquote(def + 8, n - 8 - strlen(tail));
		buf_addf(&key, "%s.%s", rel, col);
		if (!strpbrk(col, " ()"))
			strset_add(&ctx->nn_checks, key.data);
		buf_release(&key);
		free(col);
	}
	free(def);
}

static void seed_index(struct lint_ctx *ctx, const char *rel, const char *fields)
{
	char *def = field(fields, 0), *valid = field(fields, 1);
	if (strcmp(valid, "invalid"))
		add_key_after(ctx, rel, def, " USING ");
	free(def);
	free(valid);
}

void lint_ctx_seed_catalog(struct lint_ctx *ctx, const struct strlist *lines)
{
	for (size_t i = 0; lines && i < lines->n; i++) {
		const char *kind_end, *id, *fields;
		size_t id_len;
		const char *line = lines->items[i];
		if (!split_line(line, &kind_end, &id, &id_len, &fields))
			continue;
		size_t kind_len = (size_t)(kind_end - line), rel_len = owner_len(id, id_len);
		char *rel = unquote(id, rel_len);
		if (kind_len == 6 && !strncmp(line, "column", 6))
			seed_column(ctx, id, id_len, fields);
		else if (rel_len && kind_len == 10 && !strncmp(line, "constraint", 10))
			seed_constraint(ctx, rel, fields);
		else if (rel_len && kind_len == 5 && !strncmp(line, "index", 5))
			seed_index(ctx, rel, fields);
		free(rel);
	}
	ctx->catalog_known = lines != NULL;
}
