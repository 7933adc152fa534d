/*
 * Object-by-object differences between two snapshots, and their description
 * in words for findings: `index "ix_a" on "t"`, `column "t.c" type differs:
 * text vs varchar(20)`.
 */
#ifndef GATE_PG_DIFF_H
#define GATE_PG_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "pg/snapshot.h"

enum diff_change {
	DIFF_ADDED,   /* only in the second snapshot ("still exists after downgrade" when comparing S0 to S2) */
	DIFF_REMOVED, /* only in the first ("is missing after downgrade") */
	DIFF_CHANGED, /* in both, with different fields */
};

struct diff_entry {
	char *kind;     /* "index", "column", ... as in snapshot.h */
	char *identity; /* "t.ix_a" */
	enum diff_change change;
	char *before;  /* the fields ('\t'-separated, escaped) in the first snapshot; NULL when added */
	char *after;   /* in the second; NULL when removed */
	char *owner;   /* the relation the object belongs to (snapshot.h's owners), NULL for none */
	bool cosmetic; /* DIFF_CHANGED only in layout: a function body's whitespace (see diff_snapshots) */
};

struct diff {
	struct diff_entry *items; /* sorted by kind then identity */
	size_t n;
	size_t alloc;
};

#define DIFF_INIT                                                                                                      \
	{                                                                                                              \
		NULL, 0, 0                                                                                             \
	}

void diff_init(struct diff *d);
void diff_release(struct diff *d);

/*
 * Fills d (released first) with what changed from a to b. Returns the number
 * of entries. Columns of one table whose position is all that changed are
 * folded into one entry of kind "column order", identity the table, with the
 * moved columns' names in their old (before) and new (after) order, joined
 * by ", ": a column dropped and re-added gives one entry, not one per later
 * column. A column's detail never mentions its position.
 *
 * Fields are compared by what they mean, not by their text:
 *  - expressions (column defaults and generated expressions, CHECK
 *    constraints, index definitions, domain defaults and constraints) with
 *    the schema of every function call left out: `public.gen_random_uuid()`
 *    (pgcrypto's, or a function reached through search_path) and
 *    `gen_random_uuid()` (core's since PostgreSQL 13) are the same default;
 *  - function, procedure and aggregate definitions with every run of
 *    whitespace read as one space: an entry that differs in whitespace only
 *    is kept, flagged cosmetic.
 */
size_t diff_snapshots(const struct snapshot *a, const struct snapshot *b, struct diff *d);

/* The object in words: `index "ix_a" on "t"`, `column "t.c"`, `enum "mood"`. Newly allocated. */
char *diff_entry_subject(const struct diff_entry *e);

/*
 * What differs, for DIFF_CHANGED: `type differs: text vs varchar(20)`, several
 * joined by "; " (`null differs: not null vs null; default differs: 0 vs
 * (none)`); long definitions are shortened around their first difference.
 * For added/removed entries: "was added" / "was removed". Newly allocated.
 */
char *diff_entry_detail(const struct diff_entry *e);

/* Subject and detail in one phrase: `column "t.c" type differs: text vs varchar(20)`. Newly allocated. */
char *diff_entry_describe(const struct diff_entry *e);

#endif
