/*
 * The lint engine's public API: lint one unit (a .sql file, or the statements
 * one Alembic revision executed) into a report.
 */
#ifndef GATE_LINT_LINT_H
#define GATE_LINT_LINT_H

#include <stdbool.h>
#include <stddef.h>

#include "report/finding.h"
#include "util/strset.h"

struct lint_config {
	int pg_version;                 /* target major version, e.g. 15 */
	bool assume_in_transaction;     /* a unit starts inside a transaction (Alembic's default) */
	const struct strlist *enable;   /* rule ids switched on */
	const struct strlist *disable;  /* rule ids switched off */
	const struct strlist *severity; /* "rule=level" overrides */
	/*
	 * plan and deploy: apply runs each revision with apply_lock_timeout_ms as
	 * its session's lock_timeout (0: none), which require-lock-timeout counts.
	 */
	bool apply_timeouts;
	unsigned apply_lock_timeout_ms;
};

/* One statement a unit executed, for units that are not plain text. */
struct lint_input_stmt {
	const char *sql;
	size_t len;
	bool autocommit; /* ran outside any transaction (Alembic's autocommit_block) */
};

/* An existing relation a unit locks, with the strongest lock it takes on it. */
struct lint_touch {
	char *rel;        /* "t", or "schema.t" outside public */
	const char *lock; /* "ACCESS EXCLUSIVE", ... (static) */
	int rank;         /* orders locks: higher is stronger */
};

/*
 * What a unit does to what already exists, for plan's deploy mode: filled by
 * lint_unit_observe(). A unit is "breaking" when the old
 * application code, still running during the deploy, fails against the new
 * schema: it drops or renames a table or column, sets NOT NULL on an existing
 * column, changes a type, drops a default, or adds a constraint (CHECK, FOREIGN
 * KEY, UNIQUE, PRIMARY KEY, EXCLUDE, a unique index, a NOT NULL column without a
 * default) that the old code's writes may violate. Otherwise it is "additive".
 * Objects the unit itself created are exempt.
 */
struct lint_unit_info {
	struct lint_touch *tables; /* first-seen order; alembic_version is left out */
	size_t n_tables;
	size_t alloc_tables;
	struct strlist breaking; /* one reason per breaking change, e.g. `drops column "email" of "users"` */
};

/*
 * The finding check gives a breaking revision under --require-zero-downtime
 * ("breaking-revision", error). Not one of lint_rules(): no SQL statement has it.
 */
extern const struct rule_info rule_breaking_revision;

void lint_unit_info_init(struct lint_unit_info *info);
void lint_unit_info_release(struct lint_unit_info *info);

struct lint_unit {
	const char *file; /* the name findings carry */
	const char *text; /* NUL-terminated source; NULL when stmts is given */
	size_t len;
	const char *revision;                /* Alembic revision, or NULL */
	const struct lint_input_stmt *stmts; /* executed statements, or NULL */
	size_t n_stmts;
	/*
	 * The database's catalog before the unit ran (snapshot lines, see
	 * pg/snapshot.h), or NULL: with it the rules know existing columns' types,
	 * indexes and validated NOT NULL checks instead of assuming the worst.
	 */
	const struct strlist *catalog;
};

/* Validates rule names and levels in cfg. Records an error and returns -1 when one is unknown. */
int lint_config_check(const struct lint_config *cfg);

/*
 * Lints one unit and appends its findings to out. Syntax errors are findings
 * (rule "syntax-error") and the other statements are still linted. Returns -1
 * (with a recorded error) only for input that is not SQL text at all: binary
 * data or invalid UTF-8.
 */
int lint_unit(const struct lint_config *cfg, const struct lint_unit *unit, struct report *out);
/* lint_unit() that also fills info (which the caller initialised) with what the unit does to existing objects. */
int lint_unit_observe(const struct lint_config *cfg, const struct lint_unit *unit, struct report *out,
                      struct lint_unit_info *info);

/*
 * How a rule's cost depends on the table it is about, for size-aware severity:
 * COST_TABLE_SIZE findings (a rewrite, a full scan, an index build, a
 * validation) take time that grows with the table, so they are harmless on a
 * small one; COST_LOCK_QUEUE findings queue every query behind a lock waiter
 * whatever the size; COST_FIXED ones do not depend on the table.
 */
enum rule_cost { COST_FIXED, COST_TABLE_SIZE, COST_LOCK_QUEUE };
enum rule_cost lint_rule_cost(const char *rule_id);

/*
 * The lock table (every statement node of libpg_query 15 and every ALTER TABLE
 * subcommand with the lock PostgreSQL 15 takes), one tab-separated line per
 * row: name, lock, option, lock under the option, work done under the lock,
 * other relations, the rule that judges it. Newly allocated.
 */
char *lint_lock_table_text(void);

/* Every rule the engine knows, in documentation order. */
const struct rule_info *const *lint_rules(size_t *n);
const struct rule_info *lint_rule_by_id(const char *id);

#endif
