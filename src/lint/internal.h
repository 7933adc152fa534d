/* Engine parts shared inside src/lint only: context upkeep, locks, nested bodies. */
#ifndef GATE_LINT_INTERNAL_H
#define GATE_LINT_INTERNAL_H

#include "lint/ctx.h"

void lint_ctx_init(struct lint_ctx *ctx, const struct lint_config *cfg);
void lint_ctx_release(struct lint_ctx *ctx);
/*
 * Seeds the context with what the database held before the unit ran (catalog
 * snapshot lines, pg/snapshot.h): column types, index keys, validated
 * CHECK (col IS NOT NULL). NULL lines: nothing known (plain .sql files).
 */
void lint_ctx_seed_catalog(struct lint_ctx *ctx, const struct strlist *lines);
/* Records what a statement changed: objects created, settings, transaction state. */
void lint_ctx_after(struct lint_ctx *ctx, const struct lint_stmt *st);

/* Fills st->locks with the relations the statement locks and in which mode. */
void lint_locks_compute(const struct lint_ctx *ctx, struct lint_stmt *st);
void lint_locks_release(struct lint_stmt *st);

/*
 * The SQL statements inside a DO block or a function body, each a newly
 * allocated string appended to out. *origin says when they run. *error is a
 * newly allocated message when a PL/pgSQL body does not parse (PostgreSQL
 * rejects it: at CREATE FUNCTION with check_function_bodies on, at DO), else NULL.
 */
void lint_nested_sql(const struct lint_stmt *st, struct strlist *out, enum stmt_origin *origin, char **error);

/* Records in info what st does to existing relations: the tables it locks, and why it breaks old code. */
void lint_mode_observe(const struct lint_ctx *ctx, const struct lint_stmt *st, struct lint_unit_info *info);

#endif
