/*
 * Rule families. Each family file (one per class of rules) defines its
 * rule_info records and one check function that runs on every statement;
 * registry.c lists the families. A family may also run at the end of a unit.
 */
#ifndef GATE_LINT_RULES_H
#define GATE_LINT_RULES_H

#include "lint/ctx.h"

struct lint_family {
	const char *name;
	const struct rule_info *const *rules;
	size_t n_rules;
	void (*check)(struct lint_ctx *ctx, const struct lint_stmt *st);
	void (*finish)(struct lint_ctx *ctx, const struct lint_stmt *last); /* may be NULL */
};

#define FAMILY_RULES(arr) arr, sizeof(arr) / sizeof(arr[0])

extern const struct lint_family family_indexes;
extern const struct lint_family family_constraints;
extern const struct lint_family family_columns;
extern const struct lint_family family_types;
extern const struct lint_family family_drops;
extern const struct lint_family family_locking;
extern const struct lint_family family_misc;
extern const struct lint_family family_hygiene;
extern const struct lint_family family_txblock;
extern const struct lint_family family_net;
extern const struct lint_family family_parity;

/* The families in documentation order, NULL-terminated. */
extern const struct lint_family *const lint_families[];

/* The engine's own rules, which no family owns. */
extern const struct rule_info rule_syntax_error;
extern const struct rule_info rule_ignore_file;
extern const struct rule_info rule_unanalysed;

#endif
