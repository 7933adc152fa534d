/*
 * What a rule sees: the statement being checked and the context built from
 * the statements before it in the same unit. Only the engine (context.c)
 * writes the context; rules read it and call lint_report().
 */
#ifndef GATE_LINT_CTX_H
#define GATE_LINT_CTX_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "lint/lint.h"
#include "lint/node.h"
#include "util/strset.h"

/* PostgreSQL's table lock modes, weakest first. */
enum lock_mode {
	LOCK_NONE = 0,
	LOCK_ACCESS_SHARE,
	LOCK_ROW_SHARE,
	LOCK_ROW_EXCLUSIVE,
	LOCK_SHARE_UPDATE_EXCLUSIVE,
	LOCK_SHARE,
	LOCK_SHARE_ROW_EXCLUSIVE,
	LOCK_EXCLUSIVE,
	LOCK_ACCESS_EXCLUSIVE,
};

const char *lock_mode_name(enum lock_mode m);

struct rel_lock {
	char *rel; /* relation key, see node_relation_key() */
	enum lock_mode mode;
	bool is_new;  /* created earlier in this unit: nobody else can be waiting on it */
	int location; /* where the relation is named, relative to the statement; -1 if unknown */
};

/* Where a statement came from. */
enum stmt_origin {
	ORIGIN_TOP,      /* a statement of the unit itself */
	ORIGIN_DO,       /* inside a DO block: runs now */
	ORIGIN_FUNCTION, /* inside a function body: runs when called, not now */
};

struct lint_stmt {
	const cJSON *node; /* {"IndexStmt": {...}} */
	const char *type;  /* "IndexStmt" */
	const cJSON *body; /* the inner object */
	const char *text;  /* the unit's whole text (the parsed string for nested statements) */
	size_t base;       /* file offset that node "location" values are relative to */
	size_t offset;     /* file offset of the statement's first token */
	size_t length;     /* bytes up to (excluding) the semicolon */
	enum stmt_origin origin;
	struct rel_lock *locks; /* relations this statement locks */
	size_t n_locks;
	bool autocommit; /* runs outside any transaction */
};

struct lint_ctx {
	const struct lint_config *cfg;
	int pg_version;

	/* Unit scope: objects created in this unit are invisible to others. */
	struct strset new_rels;       /* tables, indexes, views, sequences: "rel" */
	struct strset new_cols;       /* "rel.col" */
	struct strset backfilled;     /* "rel.col" seen as an UPDATE target */
	struct strset nn_checks;      /* "rel.col" with a validated CHECK (col IS NOT NULL) */
	struct strset null_cols;      /* "rel.col" added with nothing for existing rows (see coldef_fills_rows) */
	struct strset col_types;      /* "rel.col" -> type set by ADD COLUMN / ALTER TYPE (coldef_type_string) */
	struct strset indexed;        /* "rel(col1,col2,...)" indexes created in this unit */
	struct strset pending_checks; /* "rel.constraint" -> col of NOT VALID CHECK (col IS NOT NULL) */
	/* Written by the constraints family, not the engine: foreign keys on tables new in this
	 * unit, "offset\tlength\trel\tcol1,col2\tname\treferenced", judged at the unit's end
	 * (columns "*": the table has indexes the unit does not show). */
	struct strlist new_fks;
	struct strset new_objects;  /* "schema NAME", "type NAME" (last name), "constraint REL.NAME" */
	struct strset checked_rels; /* relations given a validated CHECK constraint in this unit (ADD or VALIDATE) */
	bool catalog_known; /* seeded from the database's catalog: col_types and indexed cover existing tables */
	bool saw_ddl;       /* some DDL ran earlier in this unit */
	bool saw_dml;       /* some UPDATE/DELETE ran earlier in this unit */

	/* Session settings in effect. */
	bool lock_timeout;
	bool statement_timeout;
	bool lock_timeout_off; /* the unit SET lock_timeout to 0 itself: apply's session value is gone */
	/* Transaction state. */
	bool in_tx;           /* inside a transaction (explicit or assumed) */
	bool explicit_tx;     /* opened by BEGIN in this unit */
	bool tx_lock_timeout; /* SET LOCAL, ends with the transaction */
	bool tx_statement_timeout;
	struct strset tx_not_valid; /* "rel.constraint" added NOT VALID in this transaction */
	struct strset
	    tx_enum_values;        /* enum value -> its type, added by ALTER TYPE ... ADD VALUE in this transaction */
	char *tx_exclusive_rel;    /* existing relation locked ACCESS EXCLUSIVE in this transaction */
	struct strset tx_reported; /* ids of rules that report once per transaction and did */
	struct strset tx_findings; /* rule id -> index + 1 in the report of its finding for this transaction */
	char *tx_ddl_rel;     /* existing relation a non-DML statement locked SHARE or stronger in this transaction */
	char *tx_dml_rel;     /* existing relation an UPDATE/DELETE changed in this transaction */
	char *prev_alter_rel; /* relation of the previous statement when it was ALTER TABLE */
	enum lock_mode prev_alter_lock; /* the lock that ALTER TABLE took on prev_alter_rel */
	size_t statements;              /* statements seen so far */

	/* Engine internals. */
	struct lint_engine *engine;
};

/* A lock_timeout / statement_timeout is in effect (session or transaction scope). */
bool lint_lock_timeout_set(const struct lint_ctx *ctx);
bool lint_statement_timeout_set(const struct lint_ctx *ctx);
/*
 * For rules that report once per transaction: true the first time it is
 * asked for rule in the current transaction, false after that.
 */
bool lint_first_in_tx(struct lint_ctx *ctx, const struct rule_info *rule);
/*
 * For rules that name every statement of a transaction in one finding: the
 * first statement reports as lint_report() does (at its start); later ones in
 * the same transaction append "; also " and `also` to that finding's message.
 * Outside a transaction (or in an autocommit block) each statement reports.
 */
void lint_report_tx(struct lint_ctx *ctx, const struct lint_stmt *st, const struct rule_info *rule, const char *also,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* The statement's text for a message: blanks collapsed, cut after max bytes with "...". Newly allocated. */
char *lint_stmt_excerpt(const struct lint_stmt *st, size_t max);
/* The relation (a RangeVar body) was created earlier in this unit. */
bool lint_rel_is_new(const struct lint_ctx *ctx, const cJSON *rangevar);
bool lint_key_is_new(const struct lint_ctx *ctx, const char *rel_key);
/* The relation key names Alembic's bookkeeping table (alembic_version, in any schema). */
bool lint_is_version_table(const char *rel_key);
/*
 * A statement's part in unbatched-dml-with-ddl, for statements in a transaction: an UPDATE/DELETE
 * of an existing table other than alembic_version, or DDL that locks an existing table SHARE or
 * stronger. *rel is that table's lock.
 */
enum tx_role { TX_ROLE_NONE, TX_ROLE_DML, TX_ROLE_DDL };
enum tx_role lint_tx_role(const struct lint_ctx *ctx, const struct lint_stmt *st, const struct rel_lock **rel);
/* Whether set holds the key "rel.col" (new_cols, backfilled, nn_checks and the like). */
bool lint_set_has_col(const struct strset *set, const char *rel, const char *col);
/* The strongest lock the statement takes on an existing relation, and which one. */
enum lock_mode lint_strongest_existing_lock(const struct lint_stmt *st, const struct rel_lock **which);

/*
 * Reports a finding of rule at location (a "location" value of a node in this
 * statement, or -1 for the statement's start). The message is printf-style.
 * Configuration and suppression comments are applied here.
 */
void lint_report(struct lint_ctx *ctx, const struct lint_stmt *st, const struct rule_info *rule, int location,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
