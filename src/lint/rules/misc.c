/*
 * Rules for single commands that no other family covers: enum values,
 * domain constraints, partition detaching, the maintenance commands that
 * rewrite a table (VACUUM FULL, CLUSTER, SET LOGGED, SET ACCESS METHOD) and
 * triggers on live tables. Retry safety, long identifiers and backfills mixed
 * with DDL are in hygiene.c.
 */
#include <stdlib.h>
#include <string.h>

#include "lint/rules/rules.h"
#include "util/buf.h"

#include "util/banned.h"

static const struct rule_info rule_enum_value = {
    "enum-value-in-transaction", SEV_ERROR,
    "ALTER TYPE ... ADD VALUE inside a transaction block fails before PostgreSQL 12",
    "run it outside the transaction: in Alembic, inside op.get_context().autocommit_block()", false};

static const struct rule_info rule_domain_constraint = {
    "domain-constraint", SEV_WARNING,
    "ALTER DOMAIN ... ADD CONSTRAINT checks every column that uses the domain while blocking writes to its tables",
    "add it NOT VALID (new rows are checked at once) and VALIDATE it in its own migration: "
    "that scan still blocks writes",
    false};

static const struct rule_info rule_detach_partition = {
    "detach-partition-non-concurrent", SEV_WARNING,
    "DETACH PARTITION without CONCURRENTLY locks the partitioned table ACCESS EXCLUSIVE",
    "use ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY outside a transaction (Alembic: autocommit_block)", false};

static const struct rule_info rule_vacuum_full = {
    "vacuum-full", SEV_ERROR, "VACUUM FULL rewrites the table under an ACCESS EXCLUSIVE lock",
    "use plain VACUUM, or pg_repack / pg_squeeze outside the migration to reclaim space online", false};

static const struct rule_info rule_cluster = {
    "cluster", SEV_ERROR, "CLUSTER rewrites the table under an ACCESS EXCLUSIVE lock",
    "reorder online with pg_repack --order-by (or pg_squeeze) outside the migration", false};

static const struct rule_info rule_create_trigger = {
    "create-trigger-existing-table", SEV_WARNING,
    "CREATE TRIGGER on an existing table takes SHARE ROW EXCLUSIVE and changes the write path of running code",
    "set lock_timeout, ship the trigger in its own migration and make sure the running application expects it", false};

static const struct rule_info rule_set_logged = {
    "set-logged-unlogged", SEV_ERROR,
    "ALTER TABLE ... SET LOGGED / SET UNLOGGED rewrites the table under an ACCESS EXCLUSIVE lock",
    "create a new table with the wanted persistence, copy the rows in batches and swap the names", false};

static const struct rule_info rule_set_access_method = {
    "set-access-method", SEV_ERROR,
    "ALTER TABLE ... SET ACCESS METHOD rewrites the table under an ACCESS EXCLUSIVE lock",
    "create a new table USING the access method, copy the rows in batches and swap the names", false};

static const struct rule_info *const rules[] = {
    &rule_enum_value, &rule_domain_constraint, &rule_detach_partition, &rule_vacuum_full,
    &rule_cluster,    &rule_create_trigger,    &rule_set_logged,       &rule_set_access_method,
};

/* CREATE TYPE ... AS ENUM and CREATE DOMAIN earlier in this unit; the context keys them by last name. */
static bool type_is_new(const struct lint_ctx *ctx, const cJSON *names)
{
	struct buf key = BUF_INIT;
	buf_addf(&key, "type %s", node_last_name(names) ? node_last_name(names) : "");
	bool is_new = strset_has(&ctx->new_objects, key.data);
	buf_release(&key);
	return is_new;
}

static void check_enum_value(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const cJSON *b = st->body;
	bool in_tx = ctx->in_tx && !st->autocommit;
	/* oldVal is set by RENAME VALUE, which has always worked in a transaction. */
	if (ctx->pg_version >= 12 || node_str(b, "oldVal") || (!in_tx && st->origin != ORIGIN_DO))
		return;
	/* Before 12, a type created in the same transaction may get values: nothing can index them yet. */
	if (type_is_new(ctx, node_field(b, "typeName")))
		return;
	char *type = node_join_names(node_field(b, "typeName"));
	lint_report(ctx, st, &rule_enum_value, -1,
	            "adding value '%s' to enum \"%s\" fails inside a %s on PostgreSQL %d (allowed from 12)",
	            node_str(b, "newVal") ? node_str(b, "newVal") : "", type, in_tx ? "transaction block" : "DO block",
	            ctx->pg_version);
	free(type);
}

static void check_domain(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const cJSON *b = st->body;
	const cJSON *con = node_as(node_field(b, "def"), "Constraint");
	/* Subtype 'C' is ADD CONSTRAINT; NOT VALID (skip_validation) defers the scan. */
	if (!node_str_is(b, "subtype", "C") || !con || node_bool(con, "skip_validation"))
		return;
	if (type_is_new(ctx, node_field(b, "typeName")))
		return;
	char *domain = node_join_names(node_field(b, "typeName"));
	const char *name = node_str(con, "conname");
	lint_report(ctx, st, &rule_domain_constraint, -1,
	            "adding constraint \"%s\" to domain \"%s\" scans every column of that type while blocking "
	            "writes to its tables",
	            name ? name : "", domain);
	free(domain);
}

/* The existing relations a statement locks, as "a", "b"; NULL when there are none. */
static char *existing_rels(const struct lint_stmt *st)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < st->n_locks; i++)
		if (!st->locks[i].is_new)
			buf_addf(&b, "%s\"%s\"", b.len ? ", " : "", st->locks[i].rel);
	return b.len ? buf_detach(&b) : NULL;
}

/* VACUUM FULL and CLUSTER: every existing table they name, or all of them when they name none. */
static void report_rewrite(struct lint_ctx *ctx, const struct lint_stmt *st, const struct rule_info *rule,
                           const char *command, const char *all)
{
	if (st->n_locks == 0) {
		lint_report(ctx, st, rule, -1, "%s without a table rewrites %s, each under an ACCESS EXCLUSIVE lock",
		            command, all);
		return;
	}
	char *rels = existing_rels(st);
	if (rels)
		lint_report(ctx, st, rule, -1, "%s rewrites %s under an ACCESS EXCLUSIVE lock", command, rels);
	free(rels);
}

/* FULL, FULL true, FULL on, FULL 1: PostgreSQL's boolean option spellings. */
static void check_vacuum(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	if (!node_bool(st->body, "is_vacuumcmd"))
		return; /* ANALYZE */
	if (node_option_on(node_field(st->body, "options"), "full"))
		report_rewrite(ctx, st, &rule_vacuum_full, "VACUUM FULL", "every table of the database");
}

static void check_trigger(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const cJSON *rel = node_field(st->body, "relation");
	if (!rel || lint_rel_is_new(ctx, rel))
		return;
	char *key = node_relation_key(rel);
	lint_report(ctx, st, &rule_create_trigger, -1,
	            "trigger \"%s\" on existing table \"%s\" takes a SHARE ROW EXCLUSIVE lock "
	            "and changes every write to it",
	            node_str(st->body, "trigname") ? node_str(st->body, "trigname") : "", key);
	free(key);
}

static void check_alter_cmd(struct lint_ctx *ctx, const struct lint_stmt *st, const char *rel, const cJSON *cmd)
{
	const char *sub = node_str(cmd, "subtype");
	if (!sub)
		return;
	if (!strcmp(sub, "AT_SetLogged") || !strcmp(sub, "AT_SetUnLogged")) {
		lint_report(ctx, st, &rule_set_logged, -1,
		            "SET %s rewrites table \"%s\" under an ACCESS EXCLUSIVE lock",
		            strcmp(sub, "AT_SetLogged") ? "UNLOGGED" : "LOGGED", rel);
	} else if (!strcmp(sub, "AT_SetAccessMethod")) {
		lint_report(ctx, st, &rule_set_access_method, -1,
		            "SET ACCESS METHOD \"%s\" rewrites table \"%s\" under an ACCESS EXCLUSIVE lock",
		            node_str(cmd, "name") ? node_str(cmd, "name") : "", rel);
	} else if (!strcmp(sub, "AT_DetachPartition") && ctx->pg_version >= 14) {
		const cJSON *part = node_as(node_field(cmd, "def"), "PartitionCmd");
		if (node_bool(part, "concurrent"))
			return;
		char *child = node_relation_key(node_field(part, "name"));
		lint_report(ctx, st, &rule_detach_partition, -1,
		            "detaching partition \"%s\" locks partitioned table \"%s\" ACCESS EXCLUSIVE", child, rel);
		free(child);
	}
}

static void check_alter_table(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const cJSON *relation = node_field(st->body, "relation");
	const cJSON *cmd;
	if (!relation || lint_rel_is_new(ctx, relation))
		return;
	char *rel = node_relation_key(relation);
	cJSON_ArrayForEach(cmd, node_field(st->body, "cmds"))
	{
		check_alter_cmd(ctx, st, rel, node_as(cmd, "AlterTableCmd"));
	}
	free(rel);
}

static void check(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const char *t = st->type;
	/* A function body runs when it is called, under locks and transactions we cannot see. */
	if (st->origin == ORIGIN_FUNCTION)
		return;
	if (!strcmp(t, "AlterEnumStmt"))
		check_enum_value(ctx, st);
	else if (!strcmp(t, "AlterDomainStmt"))
		check_domain(ctx, st);
	else if (!strcmp(t, "AlterTableStmt"))
		check_alter_table(ctx, st);
	else if (!strcmp(t, "VacuumStmt"))
		check_vacuum(ctx, st);
	else if (!strcmp(t, "ClusterStmt"))
		report_rewrite(ctx, st, &rule_cluster, "CLUSTER", "every table clustered before");
	else if (!strcmp(t, "CreateTrigStmt"))
		check_trigger(ctx, st);
}

const struct lint_family family_misc = {"misc", FAMILY_RULES(rules), check, NULL};
