/*
 * Which relations a revision's statements can have changed the schema of,
 * read from the SQL the driver captured (libpg_query's parse tree). apply
 * verifies each revision with a snapshot of those relations only, and falls
 * back to a whole snapshot ("whole") for anything it cannot bound: a
 * statement it does not know, CASCADE, inheritance, renames, a function call
 * that may run DDL, SQL that does not parse.
 */
#ifndef GATE_APPLY_SCOPE_H
#define GATE_APPLY_SCOPE_H

#include <stdbool.h>

#include "util/strset.h"

struct scope {
	bool whole;          /* only a whole snapshot shows what changed */
	char *why;           /* for whole: the first reason, e.g. "CREATE FUNCTION" */
	struct strset names; /* relnames (no schema) whose lines may have changed */
};

void scope_init(struct scope *s);
void scope_release(struct scope *s);

/* Makes the scope whole, for why (kept when it is the first reason). */
void scope_whole(struct scope *s, const char *why);

/* Adds what one captured SQL text (one statement or several) can change. */
void scope_add_sql(struct scope *s, const char *sql);

/*
 * Makes the scope whole when it names a relation of inherited (partitions and
 * their parents, inheritance children): a change to one reaches the others.
 */
void scope_check_inherited(struct scope *s, const struct strset *inherited);

#endif
