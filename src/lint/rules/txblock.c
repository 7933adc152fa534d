/*
 * What misbehaves inside a transaction block. Alembic runs each revision in a
 * transaction; PostgreSQL refuses some statements there (and in a DO block or
 * a function: they are not top level), and makes the effect of others
 * unusable until COMMIT. The CONCURRENTLY forms are judged by
 * concurrently-in-transaction, ALTER TYPE ... ADD VALUE before PostgreSQL 12
 * by enum-value-in-transaction; this family judges the rest the PostgreSQL 15
 * reference pages name.
 */
#include <string.h>

#include "lint/rules/rules.h"

#include "util/banned.h"

static const struct rule_info rule_not_in_transaction = {
    "not-in-transaction", SEV_ERROR,
    "the statement cannot run inside a transaction block, a DO block or a function: PostgreSQL refuses it",
    "run it on its own outside the transaction: in Alembic, inside with op.get_context().autocommit_block():", false};

static const struct rule_info rule_enum_value_used = {
    "enum-value-used-in-transaction", SEV_ERROR,
    "a value added by ALTER TYPE ... ADD VALUE is used before the transaction that added it commits",
    "add the value in op.get_context().autocommit_block() (it commits at once), or use it in a later revision", false};

static const struct rule_info rule_uncommitted = {
    "uncommitted-transaction", SEV_WARNING, "a transaction the file opens with BEGIN is never committed",
    "end it with COMMIT; the session that runs the file otherwise rolls everything back when it closes", false};

static const struct rule_info *const rules[] = {&rule_not_in_transaction, &rule_enum_value_used, &rule_uncommitted};

/* A subscription option that is on unless given false (create_slot, refresh, connect). */
static bool option_default_on(const cJSON *options, const char *name)
{
	const cJSON *opt;
	cJSON_ArrayForEach(opt, options)
	{
		const cJSON *d = node_as(opt, "DefElem");
		if (node_str_is(d, "defname", name))
			return node_option_on(options, name);
	}
	return true;
}

static const char *subscription_command(const char *type, const cJSON *b)
{
	const cJSON *options = node_field(b, "options");
	if (!strcmp(type, "CreateSubscriptionStmt"))
		return option_default_on(options, "connect") && option_default_on(options, "create_slot")
		           ? "CREATE SUBSCRIPTION ... WITH (create_slot = true)"
		           : NULL;
	if (!strcmp(type, "AlterSubscriptionStmt")) {
		const char *kind = node_str(b, "kind");
		if (kind && !strcmp(kind, "ALTER_SUBSCRIPTION_REFRESH"))
			return "ALTER SUBSCRIPTION ... REFRESH PUBLICATION";
		if (kind && strstr(kind, "PUBLICATION") && option_default_on(options, "refresh"))
			return "ALTER SUBSCRIPTION ... PUBLICATION with refresh";
		return NULL;
	}
	if (!strcmp(type, "DropSubscriptionStmt"))
		return "DROP SUBSCRIPTION of a subscription with a replication slot";
	return NULL;
}

static const char *reindex_command(const cJSON *b)
{
	const char *kind = node_str(b, "kind");
	if (!kind)
		return NULL;
	if (!strcmp(kind, "REINDEX_OBJECT_SCHEMA"))
		return "REINDEX SCHEMA";
	if (!strcmp(kind, "REINDEX_OBJECT_SYSTEM"))
		return "REINDEX SYSTEM";
	if (!strcmp(kind, "REINDEX_OBJECT_DATABASE"))
		return "REINDEX DATABASE";
	return NULL;
}

static bool has_option(const cJSON *options, const char *name)
{
	const cJSON *opt;
	cJSON_ArrayForEach(opt, options) if (node_str_is(node_as(opt, "DefElem"), "defname", name)) return true;
	return false;
}

/* The command PostgreSQL names when it refuses the statement in a transaction block, or NULL. */
static const char *refused_command(const char *type, const cJSON *b)
{
	static const struct {
		const char *type, *command;
	} always[] = {
	    {"CreatedbStmt", "CREATE DATABASE"},           {"DropdbStmt", "DROP DATABASE"},
	    {"CreateTableSpaceStmt", "CREATE TABLESPACE"}, {"DropTableSpaceStmt", "DROP TABLESPACE"},
	    {"AlterSystemStmt", "ALTER SYSTEM"},
	};
	for (size_t i = 0; i < sizeof(always) / sizeof(always[0]); i++)
		if (!strcmp(type, always[i].type))
			return always[i].command;
	if (!strcmp(type, "VacuumStmt"))
		return node_bool(b, "is_vacuumcmd") ? "VACUUM" : NULL;
	if (!strcmp(type, "ClusterStmt"))
		return node_field(b, "relation") ? NULL : "CLUSTER without a table";
	if (!strcmp(type, "ReindexStmt"))
		return reindex_command(b);
	if (!strcmp(type, "AlterDatabaseStmt"))
		return has_option(node_field(b, "options"), "tablespace") ? "ALTER DATABASE ... SET TABLESPACE" : NULL;
	if (!strcmp(type, "DiscardStmt"))
		return node_str_is(b, "target", "DISCARD_ALL") ? "DISCARD ALL" : NULL;
	if (!strcmp(type, "TransactionStmt")) {
		if (node_str_is(b, "kind", "TRANS_STMT_COMMIT_PREPARED"))
			return "COMMIT PREPARED";
		return node_str_is(b, "kind", "TRANS_STMT_ROLLBACK_PREPARED") ? "ROLLBACK PREPARED" : NULL;
	}
	return subscription_command(type, b);
}

static void check_refused(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	bool in_tx = ctx->in_tx && !st->autocommit;
	if (!in_tx && st->origin == ORIGIN_TOP)
		return;
	const char *command = refused_command(st->type, st->body);
	if (!command)
		return;
	const char *where = st->origin == ORIGIN_FUNCTION ? "a function body"
	                    : st->origin == ORIGIN_DO     ? "a DO block"
	                    : ctx->explicit_tx            ? "the transaction block BEGIN opened"
	                                                  : "the transaction Alembic runs the revision in";
	lint_report(ctx, st, &rule_not_in_transaction, -1, "%s cannot run inside %s: PostgreSQL refuses it", command,
	            where);
}

/* The first string constant of the tree that is a value added to an enum in this transaction. */
static const char *new_value_used(const struct lint_ctx *ctx, const cJSON *node)
{
	const cJSON *c;
	if (!node)
		return NULL;
	if (node->string && !strcmp(node->string, "sval") && cJSON_IsString(node))
		return strset_get(&ctx->tx_enum_values, node->valuestring) ? node->valuestring : NULL;
	cJSON_ArrayForEach(c, node)
	{
		const char *hit = new_value_used(ctx, c);
		if (hit)
			return hit;
	}
	return NULL;
}

static void check_enum_use(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	if (!ctx->tx_enum_values.count || st->autocommit || !ctx->in_tx || !strcmp(st->type, "AlterEnumStmt"))
		return;
	const char *value = new_value_used(ctx, st->body);
	if (!value)
		return;
	lint_report(ctx, st, &rule_enum_value_used, -1,
	            "value '%s' of enum \"%s\" is used in the transaction that added it: PostgreSQL rejects it as an "
	            "unsafe use of a new enum value until that transaction commits",
	            value, strset_get(&ctx->tx_enum_values, value));
}

static void check(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	check_refused(ctx, st);
	if (st->origin != ORIGIN_FUNCTION)
		check_enum_use(ctx, st);
}

/* Under Alembic (assume-in-transaction) a BEGIN is transaction-nesting's; in a plain file it must be closed. */
static void finish(struct lint_ctx *ctx, const struct lint_stmt *last)
{
	if (ctx->explicit_tx && !ctx->cfg->assume_in_transaction)
		lint_report(
		    ctx, last, &rule_uncommitted, -1,
		    "the transaction opened by BEGIN is still open at the end of the file: nothing in it commits");
}

const struct lint_family family_txblock = {"txblock", FAMILY_RULES(rules), check, finish};
