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
};

/* One statement a unit executed, for units that are not plain text. */
struct lint_input_stmt {
	const char *sql;
	size_t len;
	bool autocommit; /* ran outside any transaction (Alembic's autocommit_block) */
};

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

/* Every rule the engine knows, in documentation order. */
const struct rule_info *const *lint_rules(size_t *n);
const struct rule_info *lint_rule_by_id(const char *id);

#endif
