/*
 * The net under the specific rules: every statement takes the lock the lock
 * table (locktable.c) gives it, so a statement kind no rule names cannot pass
 * silently. A lock that blocks writes (SHARE and stronger) or reads (ACCESS
 * EXCLUSIVE) on a relation that existed before the unit is judged here when
 * no specific rule judges its row:
 *   - held for an instant (a catalog change): bounded by lock_timeout, which
 *     require-lock-timeout asks for, so cheap once one is set;
 *   - held while the statement reads or rewrites the whole relation: an error
 *     (blocking-lock-scan), whatever the timeouts;
 *   - held until the transaction ends by design (LOCK TABLE): a warning
 *     (blocking-lock).
 * Rows that a specific rule judges never reach these rules, so the net never
 * duplicates a specific finding.
 */
#include <stdlib.h>
#include <string.h>

#include "lint/locktable.h"
#include "lint/rules/rules.h"
#include "util/buf.h"

#include "util/banned.h"

static const struct rule_info rule_blocking_lock_scan = {
    "blocking-lock-scan", SEV_ERROR,
    "a statement no other rule covers reads or rewrites a whole existing relation while holding a lock that "
    "blocks its writes or reads",
    "run the online form when there is one (see the lock table in docs/rules.md), or do the work on a new "
    "relation and swap it in; a lock_timeout bounds the wait, not the scan",
    false};

static const struct rule_info rule_blocking_lock = {
    "blocking-lock", SEV_WARNING,
    "LOCK TABLE takes a lock that blocks writes or reads of an existing table until the transaction ends",
    "take the weakest mode that protects the change, set lock_timeout first, and keep the transaction short", false};

static const struct rule_info *const rules[] = {&rule_blocking_lock_scan, &rule_blocking_lock};

static const char *blocked(enum lock_mode mode)
{
	return mode == LOCK_ACCESS_EXCLUSIVE ? "reads and writes" : "writes";
}

static bool blocks(enum lock_mode mode)
{
	return mode >= LOCK_SHARE;
}

/* The existing relation locked in the given mode or harder, named at location when that is known. */
static const struct rel_lock *existing_lock(const struct lint_stmt *st, int location, enum lock_mode at_least)
{
	const struct rel_lock *best = NULL;
	for (size_t i = 0; i < st->n_locks; i++) {
		const struct rel_lock *l = &st->locks[i];
		if (l->is_new || l->mode < at_least || lint_is_version_table(l->rel))
			continue;
		if (location >= 0 && l->location == location)
			return l;
		if (!best || l->mode > best->mode)
			best = l;
	}
	return location >= 0 ? NULL : best;
}

static void report_scan(struct lint_ctx *ctx, const struct lint_stmt *st, const struct rel_lock *l, const char *what,
                        const char *advice)
{
	lint_report(ctx, st, &rule_blocking_lock_scan, l->location,
	            "%s \"%s\" under %s, which blocks %s of \"%s\" until it finishes%s", what, l->rel,
	            lock_mode_name(l->mode), blocked(l->mode), l->rel, advice);
}

/* ATTACH PARTITION skips its scan when a valid CHECK constraint on the partition implies the bound. */
static void check_attach(struct lint_ctx *ctx, const struct lint_stmt *st, const cJSON *cmd)
{
	const cJSON *part = node_field(node_as(node_field(cmd, "def"), "PartitionCmd"), "name");
	const struct rel_lock *l = part ? existing_lock(st, node_location(part), LOCK_SHARE) : NULL;
	if (!l || strset_has(&ctx->checked_rels, l->rel))
		return;
	report_scan(ctx, st, l, "ATTACH PARTITION scans every row of partition",
	            " (a valid CHECK constraint that implies the bound, added NOT VALID then validated before, "
	            "skips the scan)");
}

static void check_alter_table(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const cJSON *cmd;
	cJSON_ArrayForEach(cmd, node_field(st->body, "cmds"))
	{
		const cJSON *c = node_as(cmd, "AlterTableCmd");
		const char *sub = node_str(c, "subtype");
		const struct lock_row *row = sub ? lock_table_find(sub) : NULL;
		if (!row || row->judged_by || (row->work != WORK_SCAN && row->work != WORK_REWRITE))
			continue;
		if (!strcmp(sub, "AT_AttachPartition")) {
			check_attach(ctx, st, c);
			continue;
		}
		const struct rel_lock *l =
		    existing_lock(st, node_location(node_field(st->body, "relation")), LOCK_SHARE);
		if (l && blocks(l->mode))
			report_scan(ctx, st, l,
			            !strcmp(sub, "AT_SetTableSpace") ? "SET TABLESPACE copies every block of"
			                                             : "ALTER TABLE reads or rewrites every row of",
			            "");
	}
}

/* Statements that name no relation but scan or rewrite every relation of a kind. */
static void check_unnamed(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const cJSON *b = st->body;
	if (!strcmp(st->type, "AlterTableMoveAllStmt")) {
		lint_report(ctx, st, &rule_blocking_lock_scan, -1,
		            "SET TABLESPACE of every relation in tablespace \"%s\" copies each one under ACCESS "
		            "EXCLUSIVE, which blocks reads and writes of it until its copy finishes",
		            node_str(b, "orig_tablespacename") ? node_str(b, "orig_tablespacename") : "");
	} else if (!strcmp(st->type, "AlterDomainStmt") && node_str_is(b, "subtype", "O")) {
		char *domain = node_join_names(node_field(b, "typeName"));
		struct buf key = BUF_INIT;
		buf_addf(&key, "type %s", node_last_name(node_field(b, "typeName")));
		if (!strset_has(&ctx->new_objects, key.data))
			lint_report(ctx, st, &rule_blocking_lock_scan, -1,
			            "SET NOT NULL on domain \"%s\" scans every table with a column of the domain under "
			            "SHARE, which blocks writes to them until it finishes",
			            domain);
		buf_release(&key);
		free(domain);
	}
}

static const char *scan_verb(const char *type)
{
	if (!strcmp(type, "RefreshMatViewStmt"))
		return "REFRESH MATERIALIZED VIEW reruns the query of";
	return "the statement reads or rewrites every row of";
}

static void check(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	/* A function body runs when it is called, under locks the linter cannot see. */
	if (st->origin == ORIGIN_FUNCTION)
		return;
	if (!strcmp(st->type, "AlterTableStmt")) {
		check_alter_table(ctx, st);
		return;
	}
	check_unnamed(ctx, st);
	const struct lock_row *row = lock_table_find(st->type);
	if (!row || row->judged_by)
		return;
	if (row->work == WORK_HOLD) {
		const struct rel_lock *l = existing_lock(st, -1, LOCK_SHARE);
		if (l)
			lint_report(
			    ctx, st, &rule_blocking_lock, l->location,
			    "LOCK TABLE takes %s on \"%s\", which blocks %s of \"%s\" until the transaction ends",
			    lock_mode_name(l->mode), l->rel, blocked(l->mode), l->rel);
		return;
	}
	if (row->work != WORK_SCAN && row->work != WORK_REWRITE)
		return;
	/* Nothing writes to a materialized view: only ACCESS EXCLUSIVE, which blocks its reads, matters. */
	enum lock_mode floor = !strcmp(st->type, "RefreshMatViewStmt") ? LOCK_ACCESS_EXCLUSIVE : LOCK_SHARE;
	const struct rel_lock *l = existing_lock(st, -1, floor);
	if (l)
		report_scan(ctx, st, l, scan_verb(st->type), "");
}

const struct lint_family family_net = {"net", FAMILY_RULES(rules), check, NULL};
