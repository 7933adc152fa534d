/*
 * Which rules' cost grows with the table (size-aware severity demotes them on
 * small tables) and which are about lock queues (kept whatever the size).
 * Rules missing from both lists do not depend on the table's size.
 */
#include <string.h>

#include "lint/lint.h"

#include "util/banned.h"

/* A rewrite, a full scan, an index build or a validation: time proportional to the table. */
static const char *const table_size[] = {
    "create-index-non-concurrent",
    "reindex-non-concurrent",
    "foreign-key-not-valid",
    "check-not-valid",
    "validate-in-same-transaction",
    "unique-constraint-not-using-index",
    "primary-key-not-using-index",
    "exclude-constraint",
    "set-not-null",
    "add-column-volatile-default",
    "add-column-rewrite",
    "alter-column-type",
    "domain-constraint",
    "vacuum-full",
    "cluster",
    "set-logged-unlogged",
    "set-access-method",
    "require-statement-timeout",
    "unbatched-dml-with-ddl",
    "blocking-lock-scan",
};

/* A strong lock waiter queues every later query on the table, however small the table is. */
static const char *const lock_queue[] = {
    "require-lock-timeout",
    "drop-index-non-concurrent",
    "detach-partition-non-concurrent",
    "create-trigger-existing-table",
    "statement-after-access-exclusive",
    "merge-alter-table",
    "blocking-lock",
};

static bool listed(const char *const *ids, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(ids[i], id))
			return true;
	return false;
}

enum rule_cost lint_rule_cost(const char *rule_id)
{
	if (!rule_id)
		return COST_FIXED;
	if (listed(table_size, sizeof(table_size) / sizeof(table_size[0]), rule_id))
		return COST_TABLE_SIZE;
	if (listed(lock_queue, sizeof(lock_queue) / sizeof(lock_queue[0]), rule_id))
		return COST_LOCK_QUEUE;
	return COST_FIXED;
}
