/*
 * The lint context: what earlier statements of the unit created, set and
 * opened. Rules read it; only this file changes it, after each statement.
 */
#include <stdlib.h>
#include <string.h>

#include "lint/coldef.h"
#include "lint/internal.h"
#include "util/buf.h"
#include "util/mem.h"

#include "util/banned.h"

void lint_ctx_init(struct lint_ctx *ctx, const struct lint_config *cfg)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->cfg = cfg;
	ctx->pg_version = cfg->pg_version;
	ctx->in_tx = cfg->assume_in_transaction;
}

static void end_transaction(struct lint_ctx *ctx)
{
	ctx->in_tx = false;
	ctx->explicit_tx = false;
	ctx->tx_lock_timeout = false;
	ctx->tx_statement_timeout = false;
	strset_clear(&ctx->tx_not_valid);
	strset_clear(&ctx->tx_enum_values);
	free(ctx->tx_exclusive_rel);
	ctx->tx_exclusive_rel = NULL;
	strset_clear(&ctx->tx_reported);
	strset_clear(&ctx->tx_findings);
	free(ctx->tx_ddl_rel);
	ctx->tx_ddl_rel = NULL;
	free(ctx->tx_dml_rel);
	ctx->tx_dml_rel = NULL;
}

void lint_ctx_release(struct lint_ctx *ctx)
{
	end_transaction(ctx);
	strset_release(&ctx->tx_reported);
	strset_release(&ctx->tx_findings);
	strset_release(&ctx->new_rels);
	strset_release(&ctx->new_cols);
	strset_release(&ctx->backfilled);
	strset_release(&ctx->nn_checks);
	strset_release(&ctx->null_cols);
	strset_release(&ctx->col_types);
	strset_release(&ctx->indexed);
	strset_release(&ctx->tx_not_valid);
	strset_release(&ctx->tx_enum_values);
	strset_release(&ctx->checked_rels);
	strset_release(&ctx->pending_checks);
	strlist_release(&ctx->new_fks);
	strset_release(&ctx->new_objects);
	free(ctx->prev_alter_rel);
}

bool lint_first_in_tx(struct lint_ctx *ctx, const struct rule_info *rule)
{
	return strset_add(&ctx->tx_reported, rule->id);
}

bool lint_lock_timeout_set(const struct lint_ctx *ctx)
{
	return ctx->lock_timeout || ctx->tx_lock_timeout;
}

bool lint_statement_timeout_set(const struct lint_ctx *ctx)
{
	return ctx->statement_timeout || ctx->tx_statement_timeout;
}

bool lint_key_is_new(const struct lint_ctx *ctx, const char *rel_key)
{
	return strset_has(&ctx->new_rels, rel_key);
}

bool lint_set_has_col(const struct strset *set, const char *rel, const char *col)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s.%s", rel, col ? col : "");
	bool has = strset_has(set, b.data);
	buf_release(&b);
	return has;
}

bool lint_rel_is_new(const struct lint_ctx *ctx, const cJSON *rangevar)
{
	char *key = node_relation_key(rangevar);
	bool is_new = lint_key_is_new(ctx, key);
	free(key);
	return is_new;
}

static void add_col(struct strset *set, const char *rel, const char *col)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s.%s", rel, col ? col : "");
	strset_add(set, b.data);
	buf_release(&b);
}

/* "rel(a,b)" for an index's leading key columns. */
static void add_index_key(struct lint_ctx *ctx, const char *rel, const cJSON *params, const char *wrapper)
{
	struct buf b = BUF_INIT;
	const cJSON *p;
	buf_addf(&b, "%s(", rel);
	size_t before = b.len;
	cJSON_ArrayForEach(p, params)
	{
		const char *name = wrapper ? node_str(node_as(p, wrapper), "name") : node_sval(p);
		if (!name)
			break;
		if (b.len > before)
			buf_addc(&b, ',');
		buf_adds(&b, name);
	}
	buf_addc(&b, ')');
	if (b.len > before + 1)
		strset_add(&ctx->indexed, b.data);
	buf_release(&b);
}

/* The column a CHECK (col IS NOT NULL) constraint tests, or NULL. */
static const char *not_null_check_column(const cJSON *constraint)
{
	if (!node_str_is(constraint, "contype", "CONSTR_CHECK"))
		return NULL;
	const cJSON *test = node_as(node_field(constraint, "raw_expr"), "NullTest");
	if (!node_str_is(test, "nulltesttype", "IS_NOT_NULL"))
		return NULL;
	return node_last_name(node_field(node_as(node_field(test, "arg"), "ColumnRef"), "fields"));
}

/* A new_objects key: "kind name", or "kind rel.name" for objects that belong to a table. */
static void add_object(struct lint_ctx *ctx, const char *kind, const char *rel, const char *name)
{
	struct buf b = BUF_INIT;
	if (!name)
		return;
	buf_addf(&b, "%s %s%s%s", kind, rel ? rel : "", rel ? "." : "", name);
	strset_add(&ctx->new_objects, b.data);
	buf_release(&b);
}

static void record_constraint(struct lint_ctx *ctx, const char *rel, const cJSON *con, const char *col)
{
	add_object(ctx, "constraint", rel, node_str(con, "conname"));
	if (node_str_is(con, "contype", "CONSTR_PRIMARY") || node_str_is(con, "contype", "CONSTR_UNIQUE")) {
		const cJSON *keys = node_field(con, "keys");
		if (keys)
			add_index_key(ctx, rel, keys, NULL);
		else if (col) {
			struct buf b = BUF_INIT;
			buf_addf(&b, "%s(%s)", rel, col);
			strset_add(&ctx->indexed, b.data);
			buf_release(&b);
		}
	}
	const char *nn = not_null_check_column(con);
	const char *name = node_str(con, "conname");
	bool not_valid = node_bool(con, "skip_validation");
	if (nn && !not_valid)
		add_col(&ctx->nn_checks, rel, nn);
	if (name && not_valid) {
		struct buf key = BUF_INIT;
		buf_addf(&key, "%s.%s", rel, name);
		strset_add(&ctx->tx_not_valid, key.data);
		if (nn)
			strset_put(&ctx->pending_checks, key.data, nn);
		buf_release(&key);
	}
}

static void validate_constraint(struct lint_ctx *ctx, const char *rel, const char *name)
{
	struct buf key = BUF_INIT;
	buf_addf(&key, "%s.%s", rel, name ? name : "");
	const char *col = strset_get(&ctx->pending_checks, key.data);
	if (col)
		add_col(&ctx->nn_checks, rel, col);
	buf_release(&key);
}

static void after_create(struct lint_ctx *ctx, const cJSON *b)
{
	char *rel = node_relation_key(node_field(b, "relation"));
	const cJSON *elt, *con;
	strset_add(&ctx->new_rels, rel);
	cJSON_ArrayForEach(elt, node_field(b, "tableElts"))
	{
		const cJSON *col = node_as(elt, "ColumnDef");
		if (col) {
			add_col(&ctx->new_cols, rel, node_str(col, "colname"));
			cJSON_ArrayForEach(con, node_field(col, "constraints"))
			    record_constraint(ctx, rel, node_body(con), node_str(col, "colname"));
		} else {
			record_constraint(ctx, rel, node_as(elt, "Constraint"), NULL);
		}
	}
	free(rel);
}

/* Remembers the type a column gets from this statement, replacing an earlier one. */
static void set_col_type(struct lint_ctx *ctx, const char *rel, const char *col, const cJSON *type_name)
{
	struct buf key = BUF_INIT;
	char *type = coldef_type_string(type_name);
	buf_addf(&key, "%s.%s", rel, col ? col : "");
	strset_put(&ctx->col_types, key.data, type);
	free(type);
	buf_release(&key);
}

/* A column added to a table: its type, and whether its existing rows are left NULL. */
static void record_added_col(struct lint_ctx *ctx, const char *rel, const cJSON *col)
{
	const char *name = node_str(col, "colname");
	struct buf key = BUF_INIT;
	buf_addf(&key, "%s.%s", rel, name ? name : "");
	if (coldef_fills_rows(col))
		strset_remove(&ctx->null_cols, key.data);
	else
		strset_add(&ctx->null_cols, key.data);
	buf_release(&key);
	set_col_type(ctx, rel, name, node_field(col, "typeName"));
}

static void after_alter_cmd(struct lint_ctx *ctx, const char *rel, const cJSON *cmd)
{
	const char *sub = node_str(cmd, "subtype");
	const cJSON *def = node_field(cmd, "def");
	if (!sub)
		return;
	if (!strcmp(sub, "AT_AddColumn")) {
		const cJSON *col = node_as(def, "ColumnDef"), *con;
		add_col(&ctx->new_cols, rel, node_str(col, "colname"));
		record_added_col(ctx, rel, col);
		cJSON_ArrayForEach(con, node_field(col, "constraints"))
		    record_constraint(ctx, rel, node_body(con), node_str(col, "colname"));
	} else if (!strcmp(sub, "AT_AlterColumnType")) {
		set_col_type(ctx, rel, node_str(cmd, "name"), node_field(node_as(def, "ColumnDef"), "typeName"));
	} else if (!strcmp(sub, "AT_AddConstraint")) {
		record_constraint(ctx, rel, node_as(def, "Constraint"), NULL);
		if (node_str_is(node_as(def, "Constraint"), "contype", "CONSTR_CHECK") &&
		    !node_bool(node_as(def, "Constraint"), "skip_validation"))
			strset_add(&ctx->checked_rels, rel);
	} else if (!strcmp(sub, "AT_ValidateConstraint")) {
		validate_constraint(ctx, rel, node_str(cmd, "name"));
		strset_add(&ctx->checked_rels, rel);
	}
}

static void after_alter(struct lint_ctx *ctx, const cJSON *b)
{
	char *rel = node_relation_key(node_field(b, "relation"));
	const cJSON *cmd;
	cJSON_ArrayForEach(cmd, node_field(b, "cmds")) after_alter_cmd(ctx, rel, node_as(cmd, "AlterTableCmd"));
	free(ctx->prev_alter_rel);
	ctx->prev_alter_rel = rel;
}

static void after_index(struct lint_ctx *ctx, const cJSON *b)
{
	char *rel = node_relation_key(node_field(b, "relation"));
	const char *name = node_str(b, "idxname");
	if (name) {
		const char *schema = node_str(node_field(b, "relation"), "schemaname");
		struct buf key = BUF_INIT;
		if (schema && strcmp(schema, "public"))
			buf_addf(&key, "%s.", schema);
		buf_adds(&key, name);
		strset_add(&ctx->new_rels, key.data);
		buf_release(&key);
	}
	add_index_key(ctx, rel, node_field(b, "indexParams"), "IndexElem");
	free(rel);
}

static void after_update(struct lint_ctx *ctx, const cJSON *b)
{
	char *rel = node_relation_key(node_field(b, "relation"));
	const cJSON *t;
	cJSON_ArrayForEach(t, node_field(b, "targetList"))
	    add_col(&ctx->backfilled, rel, node_str(node_as(t, "ResTarget"), "name"));
	free(rel);
}

/* True for the settings whose presence makes waiting or running bounded. */
static void set_timeout(struct lint_ctx *ctx, const char *name, bool on, bool local)
{
	bool is_lock = !strcmp(name, "lock_timeout");
	if (!is_lock && strcmp(name, "statement_timeout"))
		return;
	bool *session = is_lock ? &ctx->lock_timeout : &ctx->statement_timeout;
	bool *tx = is_lock ? &ctx->tx_lock_timeout : &ctx->tx_statement_timeout;
	if (local)
		*tx = on && ctx->in_tx;
	else
		*session = on, *tx = on ? *tx : false;
}

/* A timeout set to a value: '0' switches off the one the session started with too. */
static void set_value(struct lint_ctx *ctx, const char *name, bool on, bool local)
{
	if (!strcmp(name, "lock_timeout"))
		ctx->lock_timeout_off = !on;
	set_timeout(ctx, name, on, local);
}

/* '0' and 0 switch a timeout off. */
static bool value_enables(const cJSON *arg)
{
	const cJSON *c = node_as(arg, "A_Const");
	const char *s = node_str(node_field(c, "sval"), "sval");
	if (s)
		return strcmp(s, "0") && strcmp(s, "0ms") && strcmp(s, "0s");
	const cJSON *iv = node_field(c, "ival");
	if (iv)
		return node_int(iv, "ival", 0) != 0;
	return c != NULL;
}

static void after_set(struct lint_ctx *ctx, const cJSON *b)
{
	const char *kind = node_str(b, "kind");
	const char *name = node_str(b, "name");
	bool local = node_bool(b, "is_local");
	if (!kind)
		return;
	if (!strcmp(kind, "VAR_RESET_ALL")) {
		ctx->lock_timeout_off = false; /* back to the session's own value */
		set_timeout(ctx, "lock_timeout", false, false);
		set_timeout(ctx, "statement_timeout", false, false);
	} else if (name && (!strcmp(kind, "VAR_RESET") || !strcmp(kind, "VAR_SET_DEFAULT"))) {
		ctx->lock_timeout_off = ctx->lock_timeout_off && strcmp(name, "lock_timeout");
		set_timeout(ctx, name, false, local);
	} else if (name && !strcmp(kind, "VAR_SET_VALUE")) {
		const cJSON *args = node_field(b, "args");
		set_value(ctx, name, value_enables(args ? args->child : NULL), local);
	}
}

/* SELECT set_config('lock_timeout', '2s', is_local) anywhere in a SELECT list. */
static void after_select(struct lint_ctx *ctx, const cJSON *b)
{
	const cJSON *t;
	cJSON_ArrayForEach(t, node_field(b, "targetList"))
	{
		const cJSON *call = node_as(node_field(node_as(t, "ResTarget"), "val"), "FuncCall");
		const char *fn = node_last_name(node_field(call, "funcname"));
		const cJSON *args = node_field(call, "args");
		if (!fn || strcmp(fn, "set_config") || cJSON_GetArraySize(args) != 3)
			continue;
		const char *name =
		    node_str(node_field(node_as(cJSON_GetArrayItem(args, 0), "A_Const"), "sval"), "sval");
		const cJSON *local = node_as(cJSON_GetArrayItem(args, 2), "A_Const");
		bool is_local = node_bool(node_field(local, "boolval"), "boolval");
		if (name)
			set_value(ctx, name, value_enables(cJSON_GetArrayItem(args, 1)), is_local);
	}
}

static void after_transaction(struct lint_ctx *ctx, const cJSON *b)
{
	const char *kind = node_str(b, "kind");
	if (!kind)
		return;
	if (!strcmp(kind, "TRANS_STMT_BEGIN") || !strcmp(kind, "TRANS_STMT_START")) {
		/* NOT VALID adds made in autocommit mode committed on their own. */
		if (!ctx->in_tx)
			strset_clear(&ctx->tx_not_valid);
		ctx->in_tx = true;
		ctx->explicit_tx = true;
	} else if (!strcmp(kind, "TRANS_STMT_COMMIT") || !strcmp(kind, "TRANS_STMT_ROLLBACK") ||
	           !strcmp(kind, "TRANS_STMT_COMMIT_PREPARED") || !strcmp(kind, "TRANS_STMT_PREPARE")) {
		end_transaction(ctx);
	}
}

static bool is_ddl(const char *type)
{
	static const char *const dml[] = {"SelectStmt",       "UpdateStmt",      "DeleteStmt", "InsertStmt",
	                                  "VariableSetStmt",  "TransactionStmt", "DoStmt",     "LockStmt",
	                                  "VariableShowStmt", "ExplainStmt",     "CopyStmt",   "NotifyStmt"};
	for (size_t i = 0; i < sizeof(dml) / sizeof(dml[0]); i++)
		if (!strcmp(type, dml[i]))
			return false;
	return true;
}

static void after_locks(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const struct rel_lock *which;
	if (!ctx->in_tx || st->autocommit || ctx->tx_exclusive_rel)
		return;
	if (lint_strongest_existing_lock(st, &which) == LOCK_ACCESS_EXCLUSIVE)
		ctx->tx_exclusive_rel = xstrdup(which->rel);
}

bool lint_is_version_table(const char *rel_key)
{
	const char *dot = strrchr(rel_key, '.');
	return !strcmp(dot ? dot + 1 : rel_key, "alembic_version");
}

enum tx_role lint_tx_role(const struct lint_ctx *ctx, const struct lint_stmt *st, const struct rel_lock **rel)
{
	enum lock_mode mode = lint_strongest_existing_lock(st, rel);
	if (!ctx->in_tx || st->autocommit || !*rel)
		return TX_ROLE_NONE;
	/* Alembic moves its version row in every revision's transaction: that is no backfill. */
	if (!strcmp(st->type, "UpdateStmt") || !strcmp(st->type, "DeleteStmt"))
		return lint_is_version_table((*rel)->rel) ? TX_ROLE_NONE : TX_ROLE_DML;
	return mode >= LOCK_SHARE && strcmp(st->type, "LockStmt") ? TX_ROLE_DDL : TX_ROLE_NONE;
}

/* Row locks of an UPDATE/DELETE and DDL locks held by one transaction (unbatched-dml-with-ddl). */
static void after_tx_pairing(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const struct rel_lock *rel;
	enum tx_role role = lint_tx_role(ctx, st, &rel);
	char **first = role == TX_ROLE_DML ? &ctx->tx_dml_rel : role == TX_ROLE_DDL ? &ctx->tx_ddl_rel : NULL;
	if (first && !*first)
		*first = xstrdup(rel->rel);
}

static void add_new_rel(struct lint_ctx *ctx, const cJSON *rangevar)
{
	char *key = node_relation_key(rangevar);
	strset_add(&ctx->new_rels, key);
	free(key);
}

/* A value added to an existing enum inside a transaction cannot be used before COMMIT (PostgreSQL 12+). */
static void after_enum_value(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const char *value = node_str(st->body, "newVal");
	const char *type = node_last_name(node_field(st->body, "typeName"));
	struct buf key = BUF_INIT;
	buf_addf(&key, "type %s", type ? type : "");
	if (value && type && !node_str(st->body, "oldVal") && ctx->in_tx && !st->autocommit &&
	    !strset_has(&ctx->new_objects, key.data))
		strset_put(&ctx->tx_enum_values, value, type);
	buf_release(&key);
}

static void after_statement_kind(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const char *t = st->type;
	const cJSON *b = st->body;
	if (!strcmp(t, "CreateStmt"))
		after_create(ctx, b);
	else if (!strcmp(t, "AlterTableStmt"))
		after_alter(ctx, b);
	else if (!strcmp(t, "IndexStmt"))
		after_index(ctx, b);
	else if (!strcmp(t, "UpdateStmt"))
		after_update(ctx, b);
	else if (!strcmp(t, "VariableSetStmt"))
		after_set(ctx, b);
	else if (!strcmp(t, "SelectStmt"))
		after_select(ctx, b);
	else if (!strcmp(t, "TransactionStmt"))
		after_transaction(ctx, b);
	else if (!strcmp(t, "CreateTableAsStmt"))
		add_new_rel(ctx, node_field(node_field(b, "into"), "rel"));
	else if (!strcmp(t, "CreateSeqStmt"))
		add_new_rel(ctx, node_field(b, "sequence"));
	else if (!strcmp(t, "ViewStmt"))
		add_new_rel(ctx, node_field(b, "view"));
	else if (!strcmp(t, "CreateSchemaStmt"))
		add_object(ctx, "schema", NULL, node_str(b, "schemaname"));
	else if (!strcmp(t, "CreateEnumStmt"))
		add_object(ctx, "type", NULL, node_last_name(node_field(b, "typeName")));
	else if (!strcmp(t, "CreateDomainStmt"))
		add_object(ctx, "type", NULL, node_last_name(node_field(b, "domainname")));
	else if (!strcmp(t, "AlterEnumStmt"))
		after_enum_value(ctx, st);
}

/* Alembic's autocommit_block commits the migration's transaction first and opens a new one after it. */
static void after_autocommit(struct lint_ctx *ctx)
{
	if (!ctx->in_tx || ctx->explicit_tx)
		return;
	end_transaction(ctx);
	ctx->in_tx = true;
}

void lint_ctx_after(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	if (st->autocommit)
		after_autocommit(ctx);
	after_locks(ctx, st);
	after_tx_pairing(ctx, st);
	if (strcmp(st->type, "AlterTableStmt")) {
		free(ctx->prev_alter_rel);
		ctx->prev_alter_rel = NULL;
	}
	after_statement_kind(ctx, st);
	for (size_t i = 0; ctx->prev_alter_rel && i < st->n_locks; i++)
		if (!strcmp(st->locks[i].rel, ctx->prev_alter_rel))
			ctx->prev_alter_lock = st->locks[i].mode;
	if (is_ddl(st->type))
		ctx->saw_ddl = true;
	else if (!strcmp(st->type, "UpdateStmt") || !strcmp(st->type, "DeleteStmt"))
		ctx->saw_dml = true;
	ctx->statements++;
}
