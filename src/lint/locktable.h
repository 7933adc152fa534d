/*
 * The lock table: for every statement node libpg_query 15 produces and every
 * ALTER TABLE subcommand (AlterTableType), the lock PostgreSQL 15 takes on the
 * relation it names, the option that changes it, the locks on the other
 * relations involved, and what the statement does while it holds the lock.
 * Taken from the PostgreSQL 15 documentation ("Explicit Locking" and each
 * command's reference page). locks.c computes a statement's locks from it;
 * `lint --list-locks` prints it for docs/rules.md; a unit test checks that
 * every node and subcommand of the parser has a row.
 */
#ifndef GATE_LINT_LOCKTABLE_H
#define GATE_LINT_LOCKTABLE_H

#include <stddef.h>

#include "lint/ctx.h"

/* What a statement does while it holds its lock, which decides how long it holds it. */
enum lock_work {
	WORK_NONE,    /* locks no relation */
	WORK_CATALOG, /* changes the catalog only: the lock is held for an instant once granted */
	WORK_SCAN,    /* reads every row of the relation (a validation, an index build, a query) */
	WORK_REWRITE, /* writes a new copy of the relation */
	WORK_HOLD,    /* holds the lock until the transaction ends, by design (LOCK TABLE) */
	WORK_INTERNAL /* never produced by the parser (an internal node or subcommand) */
};

struct lock_row {
	const char *name;        /* statement node ("IndexStmt") or subcommand ("AT_AddColumn") */
	enum lock_mode mode;     /* on the relation the statement names */
	const char *option;      /* what selects alt_mode ("CONCURRENTLY"), or NULL */
	enum lock_mode alt_mode; /* the lock under that option */
	enum lock_work work;
	const char *others;    /* locks on other relations involved, or NULL */
	const char *judged_by; /* the specific rule that judges this statement, or NULL */
};

/* The rows for statement nodes, and for ALTER TABLE subcommands. */
const struct lock_row *lock_table_statements(size_t *n);
const struct lock_row *lock_table_subcommands(size_t *n);
/* The row of a statement node or subcommand name, or NULL. */
const struct lock_row *lock_table_find(const char *name);
const char *lock_work_name(enum lock_work w);

#endif
