/*
 * Timeouts and transactions: a migration that waits for a lock without a
 * lock_timeout makes every later query on the table queue behind it; one that
 * runs long under a strong lock blocks the application for as long as it runs;
 * an ACCESS EXCLUSIVE lock is held until COMMIT, however long the rest of the
 * transaction takes. Relations created earlier in the unit are exempt: no
 * other session can be using them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint/rules/rules.h"
#include "util/buf.h"

#include "util/banned.h"

static const struct rule_info rule_require_lock_timeout = {
    "require-lock-timeout", SEV_WARNING,
    "a strong lock is requested with no lock_timeout: while it waits, every query on the table queues behind it",
    "SET lock_timeout = '2s' first (SET LOCAL inside a transaction) and retry the migration when it times out", false};

static const struct rule_info rule_require_statement_timeout = {
    "require-statement-timeout", SEV_WARNING,
    "a statement that rewrites or scans a whole table runs with no statement_timeout",
    "SET statement_timeout first, or use the online form (CREATE INDEX CONCURRENTLY, NOT VALID then "
    "VALIDATE, batched updates)",
    false};

static const struct rule_info rule_statement_after_access_exclusive = {
    "statement-after-access-exclusive", SEV_WARNING,
    "a statement runs while the transaction holds an ACCESS EXCLUSIVE lock, which blocks every reader until COMMIT",
    "put the statement that takes the ACCESS EXCLUSIVE lock last in its transaction, or in a transaction (a "
    "revision) of its own",
    false};

static const struct rule_info rule_merge_alter_table = {
    "merge-alter-table", SEV_INFO, "two ALTER TABLE statements in a row on the same table take its lock twice",
    "merge them into one ALTER TABLE with comma-separated actions: one lock, at most one table scan", false};

static const struct rule_info rule_transaction_nesting = {
    "transaction-nesting", SEV_ERROR,
    "BEGIN inside a transaction, or COMMIT/ROLLBACK of a transaction the migration did not open",
    "leave transaction control to Alembic; for statements that cannot run in a transaction use "
    "op.get_context().autocommit_block()",
    false};

static const struct rule_info *const rules[] = {
    &rule_require_lock_timeout, &rule_require_statement_timeout, &rule_statement_after_access_exclusive,
    &rule_merge_alter_table,    &rule_transaction_nesting,
};

static bool is_type(const struct lint_stmt *st, const char *type)
{
	return !strcmp(st->type, type);
}

/*
 * A lock_timeout apply sets that bounds the queue well enough: the rule's own
 * advice is a couple of seconds, apply's default is 5 s.
 */
#define APPLY_LOCK_TIMEOUT_ENOUGH_MS 10000u

/* What apply's own lock_timeout (plan and deploy) leaves to say: NULL when it is enough. */
static const char *under_apply(const struct lint_ctx *ctx, char *buf, size_t size)
{
	const struct lint_config *cfg = ctx->cfg;
	if (!cfg->apply_timeouts)
		snprintf(buf, size, "with no lock_timeout set");
	else if (ctx->lock_timeout_off)
		snprintf(buf, size, "with lock_timeout switched off by the revision (apply would set %u ms)",
		         cfg->apply_lock_timeout_ms);
	else if (!cfg->apply_lock_timeout_ms)
		snprintf(buf, size, "with no lock_timeout set (apply runs it with --lock-timeout 0)");
	else if (cfg->apply_lock_timeout_ms > APPLY_LOCK_TIMEOUT_ENOUGH_MS)
		snprintf(buf, size, "under apply's lock_timeout of %u s only",
		         (cfg->apply_lock_timeout_ms + 999) / 1000);
	else
		return NULL;
	return buf;
}

static void check_lock_timeout(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const struct rel_lock *which;
	char why[96];
	enum lock_mode mode = lint_strongest_existing_lock(st, &which);
	if (mode < LOCK_SHARE || lint_lock_timeout_set(ctx) || !under_apply(ctx, why, sizeof(why)))
		return;
	struct buf also = BUF_INIT;
	char *sql = lint_stmt_excerpt(st, 60);
	buf_addf(&also, "%s on \"%s\"%s%s%s", lock_mode_name(mode), which->rel, *sql ? " (" : "", sql, *sql ? ")" : "");
	lint_report_tx(ctx, st, &rule_require_lock_timeout, also.data,
	               "%s lock on \"%s\" %s: while it waits, every query on \"%s\" queues behind it",
	               lock_mode_name(mode), which->rel, why, which->rel);
	free(sql);
	buf_release(&also);
}

/* Target types that an ALTER COLUMN TYPE may reach without a rewrite (varchar(n) to text, wider numeric). */
static bool maybe_binary_coercible(const cJSON *column_def)
{
	static const char *const types[] = {"text", "varchar", "numeric", "varbit", "inet", "timestamptz"};
	const char *name = node_type_name(node_field(column_def, "typeName"));
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(name, types[i]))
			return true;
	return false;
}

static const char *slow_constraint(const cJSON *con)
{
	const char *type = node_str(con, "contype");
	if (!type)
		return NULL;
	if ((!strcmp(type, "CONSTR_CHECK") || !strcmp(type, "CONSTR_FOREIGN")) && !node_bool(con, "skip_validation"))
		return "ADD CONSTRAINT validates every row";
	if ((!strcmp(type, "CONSTR_PRIMARY") || !strcmp(type, "CONSTR_UNIQUE") || !strcmp(type, "CONSTR_EXCLUSION")) &&
	    !node_str(con, "indexname"))
		return "ADD CONSTRAINT builds an index over the whole table";
	return NULL;
}

static const char *slow_alter_cmd(const struct lint_ctx *ctx, const char *rel, const cJSON *cmd)
{
	const char *sub = node_str(cmd, "subtype");
	const cJSON *def = node_field(cmd, "def");
	if (!sub)
		return NULL;
	if (!strcmp(sub, "AT_AddConstraint"))
		return slow_constraint(node_as(def, "Constraint"));
	if (!strcmp(sub, "AT_AlterColumnType") && !maybe_binary_coercible(node_as(def, "ColumnDef")))
		return "ALTER COLUMN TYPE rewrites the table";
	/* PostgreSQL 12+ skips the scan when a validated CHECK (col IS NOT NULL) proves it. */
	bool proven = ctx->pg_version >= 12 && lint_set_has_col(&ctx->nn_checks, rel, node_str(cmd, "name"));
	if (!strcmp(sub, "AT_SetNotNull") && !proven)
		return "SET NOT NULL scans every row";
	return NULL;
}

static bool vacuum_full(const cJSON *body)
{
	return node_option_on(node_field(body, "options"), "full");
}

static const char *slow_vacuum(const struct lint_ctx *ctx, const cJSON *body, const cJSON **rv)
{
	const cJSON *rel;
	if (!vacuum_full(body))
		return NULL;
	if (!node_field(body, "rels"))
		return "VACUUM FULL rewrites every table of the database";
	cJSON_ArrayForEach(rel, node_field(body, "rels"))
	{
		*rv = node_field(node_as(rel, "VacuumRelation"), "relation");
		if (*rv && !lint_rel_is_new(ctx, *rv))
			return "VACUUM FULL rewrites the table";
	}
	return NULL;
}

static const char *slow_alter(const struct lint_ctx *ctx, const cJSON *body)
{
	const cJSON *cmd;
	const char *why = NULL;
	char *rel = node_relation_key(node_field(body, "relation"));
	cJSON_ArrayForEach(cmd, node_field(body, "cmds")) if (!why) why =
	    slow_alter_cmd(ctx, rel, node_as(cmd, "AlterTableCmd"));
	free(rel);
	return why;
}

/* The slow statements that name one relation: what makes them slow. */
static const char *slow_on_relation(const struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const cJSON *b = st->body;
	bool where = node_field(b, "whereClause") != NULL;
	if (is_type(st, "IndexStmt"))
		return node_bool(b, "concurrent") ? NULL : "CREATE INDEX reads the whole table";
	if (is_type(st, "AlterTableStmt"))
		return slow_alter(ctx, b);
	if (is_type(st, "ClusterStmt"))
		return "CLUSTER rewrites the table";
	if (is_type(st, "ReindexStmt"))
		return node_field(b, "params") ? NULL : "REINDEX rebuilds the indexes";
	if (is_type(st, "UpdateStmt") && !where)
		return "UPDATE without WHERE rewrites every row";
	if (is_type(st, "DeleteStmt") && !where)
		return "DELETE without WHERE deletes every row";
	return NULL;
}

/*
 * Why the statement can run for long on an existing relation (*rv, a RangeVar,
 * or NULL when it covers the whole database), or NULL when it cannot.
 */
static const char *slow_reason(const struct lint_ctx *ctx, const struct lint_stmt *st, const cJSON **rv)
{
	*rv = NULL;
	if (is_type(st, "VacuumStmt"))
		return slow_vacuum(ctx, st->body, rv);
	*rv = node_field(st->body, "relation");
	if (!*rv)
		return is_type(st, "ClusterStmt") ? "CLUSTER rewrites every clustered table of the database" : NULL;
	return lint_rel_is_new(ctx, *rv) ? NULL : slow_on_relation(ctx, st);
}

static void check_statement_timeout(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const cJSON *rv;
	if (lint_statement_timeout_set(ctx))
		return;
	const char *why = slow_reason(ctx, st, &rv);
	if (!why)
		return;
	char *rel = rv ? node_relation_key(rv) : NULL, *sql = lint_stmt_excerpt(st, 60);
	struct buf also = BUF_INIT;
	buf_addf(&also, "%s%s%s%s%s", rel ? "on \"" : "", rel ? rel : "", rel ? "\", " : "", why, *sql ? " (" : "");
	buf_addf(&also, "%s%s", sql, *sql ? ")" : "");
	if (!rv)
		lint_report_tx(
		    ctx, st, &rule_require_statement_timeout, also.data,
		    "%s with no statement_timeout set: it holds ACCESS EXCLUSIVE locks for as long as it runs", why);
	else
		lint_report_tx(
		    ctx, st, &rule_require_statement_timeout, also.data,
		    "on \"%s\", %s with no statement_timeout set: on a big table it holds its lock for minutes", rel,
		    why);
	free(rel);
	free(sql);
	buf_release(&also);
}

/* Alembic's own INSERT or UPDATE of alembic_version, which no migration can avoid. */
static bool is_version_bookkeeping(const struct lint_stmt *st)
{
	if (!is_type(st, "InsertStmt") && !is_type(st, "UpdateStmt") && !is_type(st, "DeleteStmt"))
		return false;
	char *rel = node_relation_key(node_field(st->body, "relation"));
	bool version = lint_is_version_table(rel);
	free(rel);
	return version;
}

/* Statements that do no work on tables: they cannot lengthen the time a lock is held. */
static bool harmless(const struct lint_stmt *st)
{
	static const char *const types[] = {"VariableSetStmt", "VariableShowStmt", "TransactionStmt", "CommentStmt"};
	static const char *const creating[] = {"CreateStmt",        "IndexStmt",          "ViewStmt",
	                                       "CreateSeqStmt",     "CreateEnumStmt",     "CreateDomainStmt",
	                                       "CompositeTypeStmt", "CreateFunctionStmt", "CreateSchemaStmt"};
	const struct rel_lock *which;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (is_type(st, types[i]))
			return true;
	/* SELECT set_config(...) and the like read no table. */
	if (is_type(st, "SelectStmt"))
		return !node_field(st->body, "fromClause") && !node_find(st->body, "SubLink");
	if (lint_strongest_existing_lock(st, &which) != LOCK_NONE)
		return false;
	for (size_t i = 0; i < sizeof(creating) / sizeof(creating[0]); i++)
		if (is_type(st, creating[i]))
			return true;
	return false;
}

static void check_after_exclusive(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	if (!ctx->tx_exclusive_rel || !ctx->in_tx || st->autocommit || st->origin != ORIGIN_TOP || harmless(st) ||
	    is_version_bookkeeping(st) || !lint_first_in_tx(ctx, &rule_statement_after_access_exclusive))
		return;
	lint_report(ctx, st, &rule_statement_after_access_exclusive, -1,
	            "\"%s\" stays locked ACCESS EXCLUSIVE until COMMIT, so every query on it waits while this "
	            "statement and the rest of the transaction run (reported once per transaction)",
	            ctx->tx_exclusive_rel);
}

/*
 * Subcommands that run in ALTER TABLE's later passes, so appending them to the
 * previous statement keeps the order they ran in. A merged DROP CONSTRAINT
 * would run first: dropping the CHECK that lets SET NOT NULL skip its scan.
 */
static bool merges_in_order(const cJSON *cmds)
{
	static const char *const late[] = {"AT_AddColumn", "AT_ColumnDefault", "AT_SetNotNull", "AT_DropNotNull",
	                                   "AT_AddConstraint"};
	const cJSON *cmd;
	cJSON_ArrayForEach(cmd, cmds)
	{
		const char *sub = node_str(node_as(cmd, "AlterTableCmd"), "subtype");
		size_t i = 0;
		while (sub && i < sizeof(late) / sizeof(late[0]) && strcmp(sub, late[i]))
			i++;
		if (!sub || i == sizeof(late) / sizeof(late[0]))
			return false;
	}
	return true;
}

static void check_merge_alter(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const cJSON *rv = node_field(st->body, "relation");
	const struct rel_lock *which;
	if (!is_type(st, "AlterTableStmt") || st->origin != ORIGIN_TOP || !ctx->prev_alter_rel ||
	    !node_str_is(st->body, "objtype", "OBJECT_TABLE") || lint_rel_is_new(ctx, rv))
		return;
	/* Merging into a weaker lock (VALIDATE CONSTRAINT, a NOT VALID foreign key) would make it stronger. */
	if (ctx->prev_alter_lock != LOCK_ACCESS_EXCLUSIVE ||
	    lint_strongest_existing_lock(st, &which) != LOCK_ACCESS_EXCLUSIVE ||
	    strcmp(which->rel, ctx->prev_alter_rel) || !merges_in_order(node_field(st->body, "cmds")))
		return;
	lint_report(ctx, st, &rule_merge_alter_table, -1,
	            "second ALTER TABLE in a row on \"%s\": merge it into the previous one to take the lock once",
	            which->rel);
}

static void check_transaction(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const char *kind = node_str(st->body, "kind");
	if (!kind || !ctx->in_tx || st->autocommit)
		return;
	if (!strcmp(kind, "TRANS_STMT_BEGIN") || !strcmp(kind, "TRANS_STMT_START"))
		lint_report(ctx, st, &rule_transaction_nesting, -1,
		            ctx->explicit_tx ? "BEGIN inside the transaction an earlier BEGIN opened: PostgreSQL "
		                               "ignores it, and the first COMMIT ends both"
		                             : "BEGIN inside the transaction Alembic already opened: the COMMIT that "
		                               "follows ends Alembic's transaction early");
	else if ((!strcmp(kind, "TRANS_STMT_COMMIT") || !strcmp(kind, "TRANS_STMT_ROLLBACK")) && !ctx->explicit_tx)
		lint_report(ctx, st, &rule_transaction_nesting, -1,
		            "%s ends the transaction Alembic opened for this migration: the statements after it and "
		            "the version update run outside it",
		            !strcmp(kind, "TRANS_STMT_COMMIT") ? "COMMIT" : "ROLLBACK");
}

static void check(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	/* A function body runs when called, not during the deploy. */
	if (st->origin == ORIGIN_FUNCTION)
		return;
	check_lock_timeout(ctx, st);
	check_statement_timeout(ctx, st);
	check_after_exclusive(ctx, st);
	check_merge_alter(ctx, st);
	if (is_type(st, "TransactionStmt"))
		check_transaction(ctx, st);
}

const struct lint_family family_locking = {"locking", FAMILY_RULES(rules), check, NULL};
