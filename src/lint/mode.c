/*
 * Deploy mode and touched tables (plan): what a statement does to objects that
 * existed before the unit, and whether the application version still running
 * during the deploy survives it. Reads the same context as the rules, so
 * objects created earlier in the unit are exempt.
 */
#include <stdlib.h>
#include <string.h>

#include "lint/internal.h"
#include "util/buf.h"
#include "util/mem.h"

#include "util/banned.h"

const struct rule_info rule_breaking_revision = {
    "breaking-revision", SEV_ERROR,
    "the revision breaks the application version that still runs during the deploy (--require-zero-downtime)",
    "expand now (add, backfill), contract in a later deploy once no running code needs the old schema; or deploy "
    "it in a maintenance window",
    false};

void lint_unit_info_init(struct lint_unit_info *info)
{
	memset(info, 0, sizeof(*info));
}

void lint_unit_info_release(struct lint_unit_info *info)
{
	if (!info)
		return;
	for (size_t i = 0; i < info->n_tables; i++)
		free(info->tables[i].rel);
	free(info->tables);
	strlist_release(&info->breaking);
	lint_unit_info_init(info);
}

static void touch(struct lint_unit_info *info, const struct rel_lock *l)
{
	for (size_t i = 0; i < info->n_tables; i++) {
		if (!strcmp(info->tables[i].rel, l->rel)) {
			if ((int)l->mode > info->tables[i].rank) {
				info->tables[i].rank = (int)l->mode;
				info->tables[i].lock = lock_mode_name(l->mode);
			}
			return;
		}
	}
	XGROW(info->tables, info->alloc_tables, info->n_tables + 1);
	struct lint_touch *t = &info->tables[info->n_tables++];
	t->rel = xstrdup(l->rel);
	t->rank = (int)l->mode;
	t->lock = lock_mode_name(l->mode);
}

static void breaks(struct lint_unit_info *info, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void breaks(struct lint_unit_info *info, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	if (!strlist_has(&info->breaking, b.data))
		strlist_add(&info->breaking, b.data);
	buf_release(&b);
}

static const char *drop_kind(const char *type)
{
	static const char *const kinds[][2] = {
	    {"OBJECT_TABLE", "table"},
	    {"OBJECT_VIEW", "view"},
	    {"OBJECT_MATVIEW", "materialized view"},
	    {"OBJECT_SEQUENCE", "sequence"},
	    {"OBJECT_TYPE", "type"},
	    {"OBJECT_SCHEMA", "schema"},
	    {"OBJECT_FUNCTION", "function"},
	    {"OBJECT_DOMAIN", "domain"},
	    {"OBJECT_FOREIGN_TABLE", "foreign table"},
	    {"OBJECT_COLUMN", "column"},
	    {"OBJECT_PROCEDURE", "procedure"},
	};
	for (size_t i = 0; type && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(type, kinds[i][0]))
			return kinds[i][1];
	return NULL;
}

static char *object_name(const cJSON *obj)
{
	if (node_is(obj, "List"))
		return node_names_relation_key(node_field(node_body(obj), "items"));
	if (node_is(obj, "TypeName"))
		return node_join_names(node_field(node_body(obj), "names"));
	if (node_is(obj, "ObjectWithArgs"))
		return node_join_names(node_field(node_body(obj), "objname"));
	return xstrdup(node_sval(obj) ? node_sval(obj) : "");
}

static void drop_stmt(const struct lint_ctx *ctx, const cJSON *b, struct lint_unit_info *info)
{
	const char *kind = drop_kind(node_str(b, "removeType"));
	const cJSON *obj;
	if (!kind)
		return;
	cJSON_ArrayForEach(obj, node_field(b, "objects"))
	{
		char *name = object_name(obj);
		struct buf key = BUF_INIT; /* new_objects' key: "schema NAME", "type NAME" (its last name) */
		const char *last = strrchr(name, '.');
		buf_addf(&key, "%s %s", kind, !strcmp(kind, "type") && last ? last + 1 : name);
		bool created =
		    node_is(obj, "List") ? lint_key_is_new(ctx, name) : strset_has(&ctx->new_objects, key.data);
		if (!created && !lint_is_version_table(name))
			breaks(info, "drops %s \"%s\"", kind, name);
		buf_release(&key);
		free(name);
	}
}

static void rename_stmt(const struct lint_ctx *ctx, const cJSON *b, struct lint_unit_info *info)
{
	const char *type = node_str(b, "renameType"), *to = node_str(b, "newname");
	const cJSON *rv = node_field(b, "relation");
	if (!type || !to)
		return;
	if (!rv) {
		const cJSON *obj = node_field(b, "object");
		char *name = obj ? object_name(obj) : xstrdup(node_str(b, "subname") ? node_str(b, "subname") : "");
		breaks(info, "renames %s \"%s\" to \"%s\"", drop_kind(type) ? drop_kind(type) : "object", name, to);
		free(name);
		return;
	}
	if (lint_rel_is_new(ctx, rv))
		return;
	char *rel = node_relation_key(rv);
	const char *col = node_str(b, "subname");
	if (!strcmp(type, "OBJECT_COLUMN")) {
		if (!lint_set_has_col(&ctx->new_cols, rel, col))
			breaks(info, "renames column \"%s\" of \"%s\" to \"%s\"", col ? col : "", rel, to);
	} else if (strcmp(type, "OBJECT_INDEX") && strcmp(type, "OBJECT_TABCONSTRAINT") &&
	           strcmp(type, "OBJECT_TRIGGER")) {
		breaks(info, "renames %s \"%s\" to \"%s\"", drop_kind(type) ? drop_kind(type) : "relation", rel, to);
	}
	free(rel);
}

static bool has_constraint(const cJSON *coldef, const char *contype)
{
	const cJSON *c;
	cJSON_ArrayForEach(c, node_field(coldef, "constraints")) if (node_str_is(node_as(c, "Constraint"), "contype",
	                                                                         contype)) return true;
	return false;
}

static const char *constraint_kind(const char *contype)
{
	static const char *const kinds[][2] = {{"CONSTR_CHECK", "CHECK"},       {"CONSTR_FOREIGN", "FOREIGN KEY"},
	                                       {"CONSTR_UNIQUE", "UNIQUE"},     {"CONSTR_PRIMARY", "PRIMARY KEY"},
	                                       {"CONSTR_EXCLUSION", "EXCLUDE"}, {"CONSTR_NOTNULL", "NOT NULL"}};
	for (size_t i = 0; contype && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(contype, kinds[i][0]))
			return kinds[i][1];
	return NULL;
}

/* A column added NOT NULL with nothing to fill it: the old code's INSERTs leave it out and fail. */
static void added_column(const cJSON *cmd, const char *rel, struct lint_unit_info *info)
{
	const cJSON *col = node_as(node_field(cmd, "def"), "ColumnDef");
	bool filled = has_constraint(col, "CONSTR_DEFAULT") || has_constraint(col, "CONSTR_IDENTITY") ||
	              has_constraint(col, "CONSTR_GENERATED") || node_field(col, "identity") ||
	              node_field(col, "raw_default");
	if (col && !filled && (has_constraint(col, "CONSTR_NOTNULL") || has_constraint(col, "CONSTR_PRIMARY")))
		breaks(info,
		       "adds column \"%s\" to \"%s\" as NOT NULL without a DEFAULT, which the old code's inserts "
		       "leave out",
		       node_str(col, "colname") ? node_str(col, "colname") : "", rel);
}

static void alter_cmd(const struct lint_ctx *ctx, const cJSON *cmd, const char *rel, struct lint_unit_info *info)
{
	const char *sub = node_str(cmd, "subtype"), *name = node_str(cmd, "name");
	bool new_col = name && lint_set_has_col(&ctx->new_cols, rel, name);
	const cJSON *con = node_as(node_field(cmd, "def"), "Constraint");
	if (!sub)
		return;
	if (!strcmp(sub, "AT_DropColumn") && !new_col)
		breaks(info, "drops column \"%s\" of \"%s\"", name ? name : "", rel);
	else if (!strcmp(sub, "AT_SetNotNull") && !new_col)
		breaks(info, "sets NOT NULL on existing column \"%s\" of \"%s\"", name ? name : "", rel);
	else if (!strcmp(sub, "AT_AlterColumnType") && !new_col)
		breaks(info, "changes the type of column \"%s\" of \"%s\"", name ? name : "", rel);
	else if (!strcmp(sub, "AT_ColumnDefault") && !node_field(cmd, "def") && !new_col)
		breaks(info, "drops the default of column \"%s\" of \"%s\", which the old code's inserts may rely on",
		       name ? name : "", rel);
	else if (!strcmp(sub, "AT_AddConstraint") && constraint_kind(node_str(con, "contype")))
		breaks(info, "adds a %s constraint%s%s%s to \"%s\" that the old code's writes may violate",
		       constraint_kind(node_str(con, "contype")), node_str(con, "conname") ? " \"" : "",
		       node_str(con, "conname") ? node_str(con, "conname") : "", node_str(con, "conname") ? "\"" : "",
		       rel);
	else if (!strcmp(sub, "AT_AddColumn"))
		added_column(cmd, rel, info);
}

static void alter_table(const struct lint_ctx *ctx, const cJSON *b, struct lint_unit_info *info)
{
	const cJSON *rv = node_field(b, "relation"), *cmd;
	if (!rv || lint_rel_is_new(ctx, rv))
		return;
	char *rel = node_relation_key(rv);
	cJSON_ArrayForEach(cmd, node_field(b, "cmds")) alter_cmd(ctx, node_as(cmd, "AlterTableCmd"), rel, info);
	free(rel);
}

static void other_stmt(const struct lint_ctx *ctx, const struct lint_stmt *st, struct lint_unit_info *info)
{
	const cJSON *b = st->body, *rv = node_field(b, "relation");
	if (!strcmp(st->type, "IndexStmt") && node_bool(b, "unique") && rv && !lint_rel_is_new(ctx, rv)) {
		char *rel = node_relation_key(rv);
		breaks(info, "adds a unique index%s%s%s on \"%s\" that the old code's writes may violate",
		       node_str(b, "idxname") ? " \"" : "", node_str(b, "idxname") ? node_str(b, "idxname") : "",
		       node_str(b, "idxname") ? "\"" : "", rel);
		free(rel);
	} else if (!strcmp(st->type, "AlterEnumStmt") && node_str(b, "oldVal")) {
		char *type = node_join_names(node_field(b, "typeName"));
		breaks(info, "renames value '%s' of enum \"%s\"", node_str(b, "oldVal"), type);
		free(type);
	} else if (!strcmp(st->type, "AlterObjectSchemaStmt") && rv && !lint_rel_is_new(ctx, rv)) {
		char *rel = node_relation_key(rv);
		breaks(info, "moves \"%s\" to schema \"%s\"", rel,
		       node_str(b, "newschema") ? node_str(b, "newschema") : "");
		free(rel);
	} else if (!strcmp(st->type, "AlterDomainStmt") && node_str_is(b, "subtype", "C")) {
		char *type = node_join_names(node_field(b, "typeName"));
		breaks(info, "adds a constraint to domain \"%s\" that the old code's writes may violate", type);
		free(type);
	}
}

void lint_mode_observe(const struct lint_ctx *ctx, const struct lint_stmt *st, struct lint_unit_info *info)
{
	for (size_t i = 0; i < st->n_locks; i++)
		if (!st->locks[i].is_new && st->locks[i].mode != LOCK_NONE && !lint_is_version_table(st->locks[i].rel))
			touch(info, &st->locks[i]);
	if (!strcmp(st->type, "DropStmt"))
		drop_stmt(ctx, st->body, info);
	else if (!strcmp(st->type, "RenameStmt"))
		rename_stmt(ctx, st->body, info);
	else if (!strcmp(st->type, "AlterTableStmt"))
		alter_table(ctx, st->body, info);
	else
		other_stmt(ctx, st, info);
}
