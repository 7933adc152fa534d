/*
 * Index rules. A plain CREATE INDEX holds SHARE on its table for the whole
 * build (no writes); DROP INDEX and REINDEX lock out more still. The
 * CONCURRENTLY forms avoid that, but PostgreSQL refuses them inside a
 * transaction block or a function, which is where Alembic runs a migration.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lint/rules/rules.h"
#include "util/buf.h"

#include "util/banned.h"

static const struct rule_info rule_create_index = {
    "create-index-non-concurrent", SEV_ERROR,
    "CREATE INDEX without CONCURRENTLY blocks writes to an existing table for the whole build",
    "use CREATE INDEX CONCURRENTLY outside the transaction (Alembic: postgresql_concurrently=True "
    "inside op.get_context().autocommit_block())",
    false};

static const struct rule_info rule_drop_index = {
    "drop-index-non-concurrent", SEV_WARNING,
    "DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the index's table",
    "use DROP INDEX CONCURRENTLY, one index per statement, outside the transaction "
    "(Alembic: op.get_context().autocommit_block())",
    false};

static const struct rule_info rule_concurrently_in_tx = {
    "concurrently-in-transaction", SEV_ERROR, "a CONCURRENTLY operation inside a transaction block or a function fails",
    "run it on its own outside the transaction: in Alembic, inside "
    "with op.get_context().autocommit_block():",
    false};

static const struct rule_info rule_reindex = {
    "reindex-non-concurrent", SEV_WARNING,
    "REINDEX without CONCURRENTLY blocks writes to the table and reads that use the index",
    "use REINDEX ... CONCURRENTLY (PostgreSQL 12+) outside the transaction; before 12, "
    "CREATE INDEX CONCURRENTLY a copy and drop the old index CONCURRENTLY",
    false};

static const struct rule_info *const rules[] = {
    &rule_create_index,
    &rule_drop_index,
    &rule_concurrently_in_tx,
    &rule_reindex,
};

/* An index's relation key: its table's schema (unless public) and its own name. */
static char *index_key(const cJSON *names)
{
	char *joined = node_join_names(names);
	if (!strncmp(joined, "public.", 7))
		memmove(joined, joined + 7, strlen(joined + 7) + 1);
	return joined;
}

/* `"ix" on "t"`, or `on "t"` for an unnamed index. */
static void index_target(struct buf *b, const cJSON *body)
{
	char *rel = node_relation_key(node_field(body, "relation"));
	const char *name = node_str(body, "idxname");
	if (name)
		buf_addf(b, "\"%s\" ", name);
	buf_addf(b, "on \"%s\"", rel);
	free(rel);
}

static bool reindex_concurrent(const cJSON *body)
{
	return node_option_on(node_field(body, "params"), "concurrently");
}

static const cJSON *detach_concurrent(const cJSON *body)
{
	const cJSON *cmd;
	cJSON_ArrayForEach(cmd, node_field(body, "cmds"))
	{
		const cJSON *c = node_as(cmd, "AlterTableCmd");
		const cJSON *pc = node_as(node_field(c, "def"), "PartitionCmd");
		if (node_str_is(c, "subtype", "AT_DetachPartition") && node_bool(pc, "concurrent"))
			return pc;
	}
	return NULL;
}

/* Names the statement's CONCURRENTLY operation into what; false when it has none. */
static bool describe_concurrent(const struct lint_stmt *st, struct buf *what)
{
	const cJSON *b = st->body;
	if (!strcmp(st->type, "IndexStmt") && node_bool(b, "concurrent")) {
		buf_adds(what, "CREATE INDEX CONCURRENTLY ");
		index_target(what, b);
	} else if (!strcmp(st->type, "DropStmt") && node_str_is(b, "removeType", "OBJECT_INDEX") &&
	           node_bool(b, "concurrent")) {
		char *name =
		    index_key(node_field(node_as(cJSON_GetArrayItem(node_field(b, "objects"), 0), "List"), "items"));
		buf_addf(what, "DROP INDEX CONCURRENTLY \"%s\"", name);
		free(name);
	} else if (!strcmp(st->type, "ReindexStmt") && reindex_concurrent(b)) {
		const cJSON *rv = node_field(b, "relation");
		char *name = rv ? node_relation_key(rv) : NULL;
		buf_addf(what, "REINDEX CONCURRENTLY of \"%s\"",
		         name                  ? name
		         : node_str(b, "name") ? node_str(b, "name")
		                               : "");
		free(name);
	} else if (!strcmp(st->type, "AlterTableStmt") && detach_concurrent(b)) {
		char *part = node_relation_key(node_field(detach_concurrent(b), "name"));
		buf_addf(what, "DETACH PARTITION \"%s\" CONCURRENTLY", part);
		free(part);
	}
	return what->len > 0;
}

static void check_concurrently(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	struct buf what = BUF_INIT;
	if (!describe_concurrent(st, &what))
		goto out;
	/* PostgreSQL's PreventInTransactionBlock also refuses any function or DO body. */
	if (st->origin != ORIGIN_TOP)
		lint_report(ctx, st, &rule_concurrently_in_tx, -1,
		            "%s cannot be executed from a function or a DO block", what.data);
	else if (ctx->in_tx && !st->autocommit)
		lint_report(ctx, st, &rule_concurrently_in_tx, -1, "%s cannot run inside a transaction block%s",
		            what.data, ctx->explicit_tx ? "" : " (the migration's own transaction)");
out:
	buf_release(&what);
}

static void check_create_index(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const cJSON *rv = node_field(st->body, "relation");
	/*
	 * ON ONLY is how a partitioned table gets an index without a build (its
	 * partitions' indexes are built CONCURRENTLY and attached), so it is not flagged.
	 */
	if (node_bool(st->body, "concurrent") || !node_bool(rv, "inh") || lint_rel_is_new(ctx, rv))
		return;
	struct buf target = BUF_INIT;
	index_target(&target, st->body);
	lint_report(ctx, st, &rule_create_index, -1,
	            "index %s is built without CONCURRENTLY: its SHARE lock blocks every write to the table until the "
	            "build ends",
	            target.data);
	buf_release(&target);
}

static void check_drop_index(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	if (!node_str_is(st->body, "removeType", "OBJECT_INDEX") || node_bool(st->body, "concurrent"))
		return;
	struct buf existing = BUF_INIT;
	const cJSON *obj;
	size_t n = 0;
	cJSON_ArrayForEach(obj, node_field(st->body, "objects"))
	{
		char *key = index_key(node_field(node_as(obj, "List"), "items"));
		if (!lint_key_is_new(ctx, key))
			buf_addf(&existing, "%s\"%s\"", n++ ? ", " : "", key);
		free(key);
	}
	if (n)
		lint_report(ctx, st, &rule_drop_index, -1,
		            "dropping index%s %s without CONCURRENTLY locks %s table ACCESS EXCLUSIVE, blocking reads "
		            "and writes",
		            n > 1 ? "es" : "", existing.data, n > 1 ? "their" : "its");
	buf_release(&existing);
}

static void check_reindex(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const cJSON *rv = node_field(st->body, "relation");
	if (reindex_concurrent(st->body) || (rv && lint_rel_is_new(ctx, rv)))
		return;
	char *name = rv ? node_relation_key(rv) : NULL;
	const char *target = name ? name : node_str(st->body, "name");
	if (node_str_is(st->body, "kind", "REINDEX_OBJECT_SYSTEM"))
		lint_report(ctx, st, &rule_reindex, -1,
		            "REINDEX SYSTEM \"%s\" locks the system catalogs and has no concurrent form",
		            target ? target : "");
	else if (ctx->pg_version < 12)
		lint_report(ctx, st, &rule_reindex, -1,
		            "REINDEX of \"%s\" blocks writes while it rebuilds; PostgreSQL %d has no REINDEX "
		            "CONCURRENTLY: build a replacement index CONCURRENTLY instead",
		            target ? target : "", ctx->pg_version);
	else
		lint_report(ctx, st, &rule_reindex, -1,
		            "REINDEX of \"%s\" without CONCURRENTLY blocks writes, and reads that use the index, "
		            "while it rebuilds",
		            target ? target : "");
	free(name);
}

static void check(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	check_concurrently(ctx, st);
	/* A function body runs when called, not during the migration. */
	if (st->origin == ORIGIN_FUNCTION)
		return;
	if (!strcmp(st->type, "IndexStmt"))
		check_create_index(ctx, st);
	else if (!strcmp(st->type, "DropStmt"))
		check_drop_index(ctx, st);
	else if (!strcmp(st->type, "ReindexStmt"))
		check_reindex(ctx, st);
}

const struct lint_family family_indexes = {"indexes", FAMILY_RULES(rules), check, NULL};
