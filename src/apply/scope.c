#include "apply/scope.h"

#include <pg_query.h>
#include <stdlib.h>
#include <string.h>

#include "lint/node.h"
#include "util/mem.h"

#include "util/banned.h"

/*
 * Built-in functions a migration's DML and defaults call that cannot change
 * the schema. Any other call (a user's function, a DO block's helper) may run
 * DDL on any object.
 */
static const char *const pure_functions[] = {
    "now",
    "clock_timestamp",
    "statement_timestamp",
    "transaction_timestamp",
    "timezone",
    "date_trunc",
    "date_part",
    "to_char",
    "to_date",
    "to_timestamp",
    "age",
    "make_interval",
    "lower",
    "upper",
    "length",
    "char_length",
    "substring",
    "substr",
    "btrim",
    "ltrim",
    "rtrim",
    "replace",
    "concat",
    "concat_ws",
    "format",
    "left",
    "right",
    "lpad",
    "rpad",
    "split_part",
    "strpos",
    "initcap",
    "regexp_replace",
    "md5",
    "encode",
    "decode",
    "random",
    "gen_random_uuid",
    "generate_series",
    "nextval",
    "setval",
    "currval",
    "count",
    "sum",
    "min",
    "max",
    "avg",
    "array_agg",
    "string_agg",
    "bool_or",
    "bool_and",
    "row_number",
    "json_build_object",
    "jsonb_build_object",
    "to_json",
    "to_jsonb",
    "jsonb_set",
    "array_length",
    "array_to_string",
    "string_to_array",
    "unnest",
    "abs",
    "round",
    "floor",
    "ceil",
    "current_setting",
    "set_config",
    "version",
    "current_schema",
    "current_database",
    "pg_table_is_visible",
    "format_type",
    "pg_get_expr",
    "pg_get_constraintdef",
    "pg_get_indexdef",
    "pg_get_serial_sequence",
    "to_regclass",
    "pg_advisory_lock",
    "pg_advisory_unlock",
    "pg_advisory_xact_lock",
    "pg_try_advisory_lock",
    "pg_try_advisory_xact_lock",
    "pg_sleep",
};

/* ALTER TABLE subcommands that reach another table's lines. */
static const char *const other_table_commands[] = {
    "AT_AttachPartition", "AT_DetachPartition", "AT_DetachPartitionFinalize", "AT_AddInherit", "AT_DropInherit",
    "AT_AddOf",           "AT_DropOf",
};

/* Statements that change no schema object (their function calls are checked apart). */
static const char *const no_schema_statements[] = {
    "SelectStmt",      "InsertStmt",       "UpdateStmt",      "DeleteStmt", "TruncateStmt",
    "VariableSetStmt", "VariableShowStmt", "TransactionStmt", "LockStmt",   "VacuumStmt",
    "ExplainStmt",     "CheckPointStmt",   "NotifyStmt",      "CopyStmt",
};

static bool listed(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; s && i < n; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

#define LISTED(list, s) listed(list, sizeof list / sizeof *list, s)

void scope_init(struct scope *s)
{
	s->whole = false;
	s->why = NULL;
	strset_init(&s->names);
}

void scope_release(struct scope *s)
{
	free(s->why);
	s->why = NULL;
	strset_release(&s->names);
}

void scope_whole(struct scope *s, const char *why)
{
	if (!s->whole)
		s->why = xstrdup(why);
	s->whole = true;
}

static void add_rangevar(struct scope *s, const cJSON *rangevar)
{
	const char *rel = node_str(rangevar, "relname");
	if (rel)
		strset_add(&s->names, rel);
	else
		scope_whole(s, "a statement without a relation name");
}

/* A pg_catalog function (or an unqualified one) of the pure list. */
static bool pure_call(const cJSON *funccall)
{
	const cJSON *names = node_field(funccall, "funcname");
	int n = cJSON_GetArraySize(names);
	if (n == 2 && !node_str_is(node_body(cJSON_GetArrayItem(names, 0)), "sval", "pg_catalog"))
		return false;
	return n <= 2 && LISTED(pure_functions, node_last_name(names));
}

/* The first call below node to a function that may change the schema, or NULL. */
static const cJSON *impure_call(const cJSON *node)
{
	if (!cJSON_IsObject(node) && !cJSON_IsArray(node))
		return NULL;
	if (cJSON_IsObject(node) && node_is(node, "FuncCall") && !pure_call(node_body(node)))
		return node;
	const cJSON *child;
	cJSON_ArrayForEach(child, node)
	{
		const cJSON *hit = impure_call(child);
		if (hit)
			return hit;
	}
	return NULL;
}

static void add_alter_table(struct scope *s, const cJSON *body)
{
	const cJSON *cmd;
	if (!node_str_is(body, "objtype", "OBJECT_TABLE")) {
		scope_whole(s, "ALTER of an index, sequence, view or type");
		return;
	}
	cJSON_ArrayForEach(cmd, node_field(body, "cmds"))
	{
		const cJSON *c = node_as(cmd, "AlterTableCmd");
		if (LISTED(other_table_commands, node_str(c, "subtype")))
			scope_whole(s, "ALTER TABLE of a partition or inheritance");
		if (node_str_is(c, "behavior", "DROP_CASCADE"))
			scope_whole(s, "CASCADE");
	}
	add_rangevar(s, node_field(body, "relation"));
}

static void add_drop(struct scope *s, const cJSON *body)
{
	const cJSON *object;
	const char *type = node_str(body, "removeType");
	if (!type || (strcmp(type, "OBJECT_TABLE") && strcmp(type, "OBJECT_VIEW") && strcmp(type, "OBJECT_MATVIEW"))) {
		scope_whole(s, "DROP of an object other than a table or view");
		return;
	}
	if (node_str_is(body, "behavior", "DROP_CASCADE"))
		scope_whole(s, "CASCADE");
	cJSON_ArrayForEach(object, node_field(body, "objects"))
	{
		const char *rel = node_last_name(node_field(node_as(object, "List"), "items"));
		if (rel)
			strset_add(&s->names, rel);
		else
			scope_whole(s, "a DROP without a relation name");
	}
}

static void add_create(struct scope *s, const cJSON *body)
{
	if (node_field(body, "inhRelations") || node_field(body, "partbound") || node_field(body, "ofTypename"))
		scope_whole(s, "CREATE TABLE of a partition, child or typed table");
	add_rangevar(s, node_field(body, "relation"));
}

static void add_statement(struct scope *s, const cJSON *stmt)
{
	const char *type = node_type(stmt);
	const cJSON *body = node_body(stmt);
	if (impure_call(stmt))
		scope_whole(s, "a call of a function that is not a known built-in");
	else if (!strcmp(type, "SelectStmt") && node_field(body, "intoClause"))
		add_rangevar(s, node_field(node_field(body, "intoClause"), "rel"));
	else if (LISTED(no_schema_statements, type))
		return;
	else if (!strcmp(type, "CreateStmt"))
		add_create(s, body);
	else if (!strcmp(type, "AlterTableStmt"))
		add_alter_table(s, body);
	else if (!strcmp(type, "DropStmt"))
		add_drop(s, body);
	else if (!strcmp(type, "IndexStmt") || !strcmp(type, "CreateTrigStmt"))
		add_rangevar(s, node_field(body, "relation"));
	else if (!strcmp(type, "ViewStmt"))
		add_rangevar(s, node_field(body, "view"));
	else if (!strcmp(type, "CreateTableAsStmt"))
		add_rangevar(s, node_field(node_field(body, "into"), "rel"));
	else
		scope_whole(s, *type ? type : "an empty statement");
}

void scope_add_sql(struct scope *s, const char *sql)
{
	PgQueryParseResult r = pg_query_parse(sql ? sql : "");
	cJSON *tree = r.error ? NULL : cJSON_Parse(r.parse_tree);
	const cJSON *raw;
	if (!tree)
		scope_whole(s, "SQL that does not parse");
	cJSON_ArrayForEach(raw, node_field(tree, "stmts")) add_statement(s, node_field(raw, "stmt"));
	cJSON_Delete(tree);
	pg_query_free_parse_result(r);
}

void scope_check_inherited(struct scope *s, const struct strset *inherited)
{
	size_t pos = 0;
	for (const char *name; !s->whole && (name = strset_next(&s->names, &pos));)
		if (strset_has(inherited, name))
			scope_whole(s, "a partition, or a table with inheritance");
}
