/*
 * Suppression comments, found with PostgreSQL's own scanner so that "--"
 * inside strings or dollar quotes never counts:
 *   -- migrate-gate: ignore rule-a,rule-b -- reason
 *   -- migrate-gate: ignore-file [rule-a,...] [-- reason]
 */
#ifndef GATE_LINT_SUPPRESS_H
#define GATE_LINT_SUPPRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strset.h"

struct suppress_comment {
	size_t offset;        /* of the "--" */
	bool trailing;        /* code stands before it on its line */
	bool file_wide;       /* ignore-file */
	struct strlist rules; /* empty: every rule */
};

struct suppressions {
	struct suppress_comment *items;
	size_t n;
	size_t alloc;
	bool file_all;             /* a bare ignore-file */
	struct strlist file_rules; /* rules named by ignore-file comments */
	struct strlist bad;        /* directives that could not be read, for notes */
};

void suppressions_init(struct suppressions *s);
void suppressions_release(struct suppressions *s);
/* Finds every migrate-gate comment in text. */
void suppressions_scan(struct suppressions *s, const char *text, size_t len);

#endif
