/*
 * Renames and drops: statements that break the application version still
 * running during a deploy (it keeps using the old names), lose data, or make
 * the downgrade unsafe. Objects created earlier in the same unit are exempt:
 * no running code knows them yet.
 */
#include <stdlib.h>
#include <string.h>

#include "lint/rules/rules.h"
#include "util/buf.h"
#include "util/mem.h"

#include "util/banned.h"

static const struct rule_info rule_rename_table = {
    "rename-table", SEV_WARNING, "renaming a table or view breaks the application version that is still running",
    "expand and contract: add the new name (e.g. a view over the table), move the code to it, drop the old "
    "name in a later release",
    false};

static const struct rule_info rule_rename_column = {
    "rename-column", SEV_WARNING, "renaming a column breaks the application version that is still running",
    "add the new column, write both and backfill, move reads to it, and drop the old column in a later release", false};

static const struct rule_info rule_rename_schema = {
    "rename-schema", SEV_WARNING, "renaming a schema breaks the application version that is still running",
    "keep the old schema name, or move the objects over several releases with code that knows both names", false};

static const struct rule_info rule_rename_enum_value = {
    "rename-enum-value", SEV_WARNING,
    "renaming an enum value breaks the application version that still reads and writes the old value",
    "add the new value, migrate the rows and the code to it, and stop using the old value in a later release", false};

static const struct rule_info rule_drop_column = {
    "drop-column", SEV_WARNING, "dropping a column breaks the application version that still selects it",
    "deploy code that no longer uses the column first (remove it from the SQLAlchemy model), then drop it in a "
    "later migration",
    false};

static const struct rule_info rule_drop_table = {
    "drop-table", SEV_WARNING, "dropping a table loses its data and breaks code that still uses it",
    "deploy code that no longer uses the table first, keep a backup, and drop it in a later release", false};

static const struct rule_info rule_drop_schema = {
    "drop-schema", SEV_ERROR, "dropping a schema loses every object and row in it",
    "drop the objects one by one, by name, in a release after the code stopped using them", false};

static const struct rule_info rule_drop_database = {
    "drop-database", SEV_ERROR, "dropping a database loses all of its data",
    "never drop a database from a migration; do it by hand after a verified backup", false};

static const struct rule_info rule_drop_not_null = {
    "drop-not-null", SEV_INFO, "dropping NOT NULL cannot be rolled back once NULLs are written",
    "make the downgrade backfill the NULLs before SET NOT NULL, and check the old code tolerates NULLs", false};

static const struct rule_info rule_drop_constraint = {
    "drop-constraint", SEV_INFO,
    "dropping a constraint lets in rows that the old code and the downgrade's re-added constraint reject",
    "make the downgrade clean up violating rows (or re-add the constraint NOT VALID), and keep the old code "
    "in mind",
    false};

static const struct rule_info rule_cascade = {
    "cascade", SEV_WARNING, "CASCADE drops or truncates more than the objects it names",
    "drop or truncate the dependent objects explicitly, by name, and leave CASCADE out", false};

static const struct rule_info *const rules[] = {
    &rule_rename_table,  &rule_rename_column,   &rule_rename_schema, &rule_rename_enum_value,
    &rule_drop_column,   &rule_drop_table,      &rule_drop_schema,   &rule_drop_database,
    &rule_drop_not_null, &rule_drop_constraint, &rule_cascade,
};

/* A key of ctx->new_objects: "kind name" or "kind rel.name". */
static bool object_is_new(const struct lint_ctx *ctx, const char *kind, const char *rel, const char *name)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s %s%s%s", kind, rel ? rel : "", rel ? "." : "", name ? name : "");
	bool is_new = strset_has(&ctx->new_objects, b.data);
	buf_release(&b);
	return is_new;
}

static bool cascades(const cJSON *body)
{
	return node_str_is(body, "behavior", "DROP_CASCADE");
}

/* The kind of relation a RENAME names, in words, when renaming it breaks queries. */
static const char *renamed_relation_kind(const char *type)
{
	if (!strcmp(type, "OBJECT_TABLE"))
		return "table";
	if (!strcmp(type, "OBJECT_VIEW"))
		return "view";
	if (!strcmp(type, "OBJECT_MATVIEW"))
		return "materialized view";
	if (!strcmp(type, "OBJECT_FOREIGN_TABLE"))
		return "foreign table";
	return NULL;
}

static void check_rename(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const cJSON *b = st->body;
	const char *type = node_str(b, "renameType");
	const char *to = node_str(b, "newname");
	const cJSON *rv = node_field(b, "relation");
	if (!type || !to)
		return;
	if (!strcmp(type, "OBJECT_SCHEMA")) {
		const char *from = node_str(b, "subname");
		if (!object_is_new(ctx, "schema", NULL, from))
			lint_report(ctx, st, &rule_rename_schema, -1,
			            "renaming schema \"%s\" to \"%s\" breaks the running application, which still uses "
			            "the old name",
			            from ? from : "", to);
		return;
	}
	if (!rv || lint_rel_is_new(ctx, rv))
		return;
	char *rel = node_relation_key(rv);
	const char *kind = renamed_relation_kind(type);
	if (kind)
		lint_report(ctx, st, &rule_rename_table, -1,
		            "renaming %s \"%s\" to \"%s\" breaks the running application, which still uses the old "
		            "name",
		            kind, rel, to);
	else if (!strcmp(type, "OBJECT_COLUMN") && !lint_set_has_col(&ctx->new_cols, rel, node_str(b, "subname")))
		lint_report(ctx, st, &rule_rename_column, -1,
		            "renaming column \"%s.%s\" to \"%s\" breaks the running application, which still uses the "
		            "old name",
		            rel, node_str(b, "subname"), to);
	free(rel);
}

static void check_enum(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const char *old_val = node_str(st->body, "oldVal");
	const char *type = node_last_name(node_field(st->body, "typeName"));
	if (!old_val || !type || object_is_new(ctx, "type", NULL, type))
		return;
	char *name = node_join_names(node_field(st->body, "typeName"));
	lint_report(ctx, st, &rule_rename_enum_value, -1,
	            "renaming value '%s' of enum \"%s\" to '%s' breaks the running application, which still uses the "
	            "old value",
	            old_val, name, node_str(st->body, "newVal"));
	free(name);
}

/* The name of one object of a DROP, whatever form the grammar gives it. */
static char *dropped_name(const cJSON *obj)
{
	const char *name = node_sval(obj);
	if (node_is(obj, "List"))
		return node_names_relation_key(node_field(node_body(obj), "items"));
	if (node_is(obj, "TypeName"))
		name = node_last_name(node_field(node_body(obj), "names"));
	else if (node_is(obj, "ObjectWithArgs"))
		name = node_last_name(node_field(node_body(obj), "objname"));
	return xstrdup(name ? name : "");
}

static bool dropped_is_new(const struct lint_ctx *ctx, const char *kind, const cJSON *obj, const char *name)
{
	if (!strcmp(kind, "OBJECT_SCHEMA"))
		return object_is_new(ctx, "schema", NULL, name);
	if (!strcmp(kind, "OBJECT_TYPE"))
		return object_is_new(ctx, "type", NULL, name);
	return node_is(obj, "List") && lint_key_is_new(ctx, name);
}

static void report_data_loss(struct lint_ctx *ctx, const struct lint_stmt *st, const char *kind, const char *name)
{
	if (!strcmp(kind, "OBJECT_TABLE"))
		lint_report(ctx, st, &rule_drop_table, -1,
		            "dropping table \"%s\" loses its data and breaks the running application if it still "
		            "uses the table",
		            name);
	else if (!strcmp(kind, "OBJECT_SCHEMA"))
		lint_report(ctx, st, &rule_drop_schema, -1, "dropping schema \"%s\" loses every object and row in it",
		            name);
}

static void check_drop(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const char *kind = node_str(st->body, "removeType");
	const cJSON *obj;
	char *first = NULL; /* the first object that existed before this unit */
	if (!kind)
		return;
	cJSON_ArrayForEach(obj, node_field(st->body, "objects"))
	{
		char *name = dropped_name(obj);
		if (dropped_is_new(ctx, kind, obj, name)) {
			free(name);
			continue;
		}
		report_data_loss(ctx, st, kind, name);
		if (first)
			free(name);
		else
			first = name;
	}
	if (first && cascades(st->body))
		lint_report(ctx, st, &rule_cascade, -1,
		            "DROP ... CASCADE on \"%s\" also drops every object that depends on it (views, foreign "
		            "keys, columns of its type)",
		            first);
	free(first);
}

static void check_truncate(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const cJSON *rv;
	if (!cascades(st->body))
		return;
	cJSON_ArrayForEach(rv, node_field(st->body, "relations"))
	{
		if (lint_rel_is_new(ctx, node_as(rv, "RangeVar")))
			continue;
		char *rel = node_relation_key(node_as(rv, "RangeVar"));
		lint_report(ctx, st, &rule_cascade, -1,
		            "TRUNCATE ... CASCADE also empties every table with a foreign key to \"%s\"", rel);
		free(rel);
		return;
	}
}

static void check_alter_cmd(struct lint_ctx *ctx, const struct lint_stmt *st, const char *rel, const cJSON *cmd)
{
	const char *sub = node_str(cmd, "subtype");
	const char *name = node_str(cmd, "name");
	if (!sub || !name)
		return;
	if (!strcmp(sub, "AT_DropNotNull") && !lint_set_has_col(&ctx->new_cols, rel, name))
		lint_report(ctx, st, &rule_drop_not_null, -1,
		            "dropping NOT NULL on \"%s.%s\": once NULLs are written, the downgrade cannot restore "
		            "it",
		            rel, name);
	if (!strcmp(sub, "AT_DropColumn") && !lint_set_has_col(&ctx->new_cols, rel, name))
		lint_report(ctx, st, &rule_drop_column, -1,
		            "dropping column \"%s.%s\" breaks the running application, which still selects it", rel,
		            name);
	else if (!strcmp(sub, "AT_DropConstraint") && !object_is_new(ctx, "constraint", rel, name))
		lint_report(ctx, st, &rule_drop_constraint, -1,
		            "dropping constraint \"%s\" on \"%s\": rows written without it may block the downgrade "
		            "from re-adding it",
		            name, rel);
	else
		return;
	if (cascades(cmd))
		lint_report(ctx, st, &rule_cascade, -1,
		            "DROP ... CASCADE on \"%s.%s\" also drops the views, indexes and constraints that depend "
		            "on it",
		            rel, name);
}

static void check_alter(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const cJSON *rv = node_field(st->body, "relation");
	const cJSON *cmd;
	if (!rv || lint_rel_is_new(ctx, rv))
		return;
	char *rel = node_relation_key(rv);
	cJSON_ArrayForEach(cmd, node_field(st->body, "cmds"))
	    check_alter_cmd(ctx, st, rel, node_as(cmd, "AlterTableCmd"));
	free(rel);
}

static void check(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	/* A function body runs when called, not during the deploy. */
	if (st->origin == ORIGIN_FUNCTION)
		return;
	if (!strcmp(st->type, "RenameStmt"))
		check_rename(ctx, st);
	else if (!strcmp(st->type, "AlterEnumStmt"))
		check_enum(ctx, st);
	else if (!strcmp(st->type, "DropStmt"))
		check_drop(ctx, st);
	else if (!strcmp(st->type, "DropdbStmt"))
		lint_report(ctx, st, &rule_drop_database, -1, "dropping database \"%s\" loses all of its data",
		            node_str(st->body, "dbname") ? node_str(st->body, "dbname") : "");
	else if (!strcmp(st->type, "TruncateStmt"))
		check_truncate(ctx, st);
	else if (!strcmp(st->type, "AlterTableStmt"))
		check_alter(ctx, st);
}

const struct lint_family family_drops = {"drops", FAMILY_RULES(rules), check, NULL};
