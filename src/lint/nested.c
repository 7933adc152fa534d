/*
 * SQL inside DO blocks and function bodies. PL/pgSQL bodies go through
 * libpg_query's PL/pgSQL parser; the SQL of every embedded statement (and of
 * EXECUTE with a constant string) is collected. SQL-language bodies are SQL.
 */
#include <pg_query.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lint/internal.h"
#include "util/buf.h"
#include "util/mem.h"

#include "util/banned.h"

static const char *def_arg_string(const cJSON *list, const char *name)
{
	const cJSON *d;
	cJSON_ArrayForEach(d, list)
	{
		const cJSON *de = node_as(d, "DefElem");
		if (!node_str_is(de, "defname", name))
			continue;
		const cJSON *arg = node_field(de, "arg");
		if (node_is(arg, "String"))
			return node_sval(arg);
		if (node_is(arg, "List")) /* AS 'body' is a one-item list */
			return node_sval(cJSON_GetArrayItem(node_field(node_body(arg), "items"), 0));
	}
	return NULL;
}

/* 'text' with doubled quotes, as EXECUTE 'drop table t' holds it; NULL unless one literal. */
static char *unquote_literal(const char *expr)
{
	size_t n = strlen(expr);
	if (n < 2 || expr[0] != '\'' || expr[n - 1] != '\'')
		return NULL;
	struct buf b = BUF_INIT;
	for (size_t i = 1; i + 1 < n; i++) {
		if (expr[i] == '\'') {
			if (expr[i + 1] != '\'') {
				buf_release(&b);
				return NULL; /* a concatenation, not one literal */
			}
			i++;
		}
		buf_addc(&b, expr[i]);
	}
	return buf_detach(&b);
}

static void collect(const cJSON *node, struct strlist *out)
{
	if (!node)
		return;
	if (cJSON_IsObject(node)) {
		const cJSON *exec = node_as(node, "PLpgSQL_stmt_execsql");
		const cJSON *dyn = node_as(node, "PLpgSQL_stmt_dynexecute");
		const char *q = NULL;
		if (exec)
			q = node_str(node_as(node_field(exec, "sqlstmt"), "PLpgSQL_expr"), "query");
		if (q)
			strlist_add(out, q);
		if (dyn) {
			q = node_str(node_as(node_field(dyn, "query"), "PLpgSQL_expr"), "query");
			char *lit = q ? unquote_literal(q) : NULL;
			if (lit)
				strlist_add_owned(out, lit);
		}
	}
	const cJSON *c;
	cJSON_ArrayForEach(c, node) collect(c, out);
}

/* Collects the SQL of a PL/pgSQL function; a body PostgreSQL would reject sets *error. */
static void plpgsql_queries(const char *create_function, struct strlist *out, char **error)
{
	PgQueryPlpgsqlParseResult r = pg_query_parse_plpgsql(create_function);
	if (r.error && r.error->message)
		*error = xstrdup(r.error->message);
	if (!r.error && r.plpgsql_funcs) {
		cJSON *funcs = cJSON_Parse(r.plpgsql_funcs);
		collect(funcs, out);
		cJSON_Delete(funcs);
	}
	pg_query_free_plpgsql_parse_result(r);
}

static void do_block(const struct lint_stmt *st, struct strlist *out, char **error)
{
	const cJSON *args = node_field(st->body, "args");
	const char *body = def_arg_string(args, "as");
	const char *lang = def_arg_string(args, "language");
	if (!body || (lang && strcmp(lang, "plpgsql")))
		return;
	struct buf fn = BUF_INIT;
	/* The PL/pgSQL parser takes a CREATE FUNCTION; a tag no body can contain wraps it. */
	buf_addf(&fn, "CREATE FUNCTION migrate_gate_do() RETURNS void LANGUAGE plpgsql AS $mg_do_body$%s$mg_do_body$",
	         body);
	if (!strstr(body, "$mg_do_body$"))
		plpgsql_queries(fn.data, out, error);
	buf_release(&fn);
}

static void function_body(const struct lint_stmt *st, struct strlist *out, char **error)
{
	const cJSON *opts = node_field(st->body, "options");
	const char *lang = def_arg_string(opts, "language");
	const char *body = def_arg_string(opts, "as");
	if (!lang || !body)
		return;
	if (!strcmp(lang, "sql")) {
		strlist_add(out, body);
	} else if (!strcmp(lang, "plpgsql")) {
		char *text = xstrndup(st->text + (st->offset - st->base), st->length);
		plpgsql_queries(text, out, error);
		free(text);
	}
}

void lint_nested_sql(const struct lint_stmt *st, struct strlist *out, enum stmt_origin *origin, char **error)
{
	*error = NULL;
	if (!strcmp(st->type, "DoStmt")) {
		*origin = ORIGIN_DO;
		do_block(st, out, error);
	} else if (!strcmp(st->type, "CreateFunctionStmt") && st->base != SIZE_MAX) {
		*origin = ORIGIN_FUNCTION;
		function_body(st, out, error);
	}
}
