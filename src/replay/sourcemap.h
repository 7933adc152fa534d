/*
 * Where in a revision file a finding belongs: the line of a function's
 * `def`, or the line of the `op.*` call inside it that mentions an object.
 */
#ifndef GATE_REPLAY_SOURCEMAP_H
#define GATE_REPLAY_SOURCEMAP_H

#include <stddef.h>

#include "lint/lint.h"
#include "report/finding.h"

struct sourcemap;

/* Reads a revision file; NULL when it cannot be read (findings then carry no line). */
struct sourcemap *sourcemap_new(const char *path);
void sourcemap_free(struct sourcemap *m);

/* The 1-based line of `def func(`, or 0. */
unsigned sourcemap_def_line(const struct sourcemap *m, const char *func);

/*
 * The line of the op.* call (or execute) inside func whose text mentions
 * name as a quoted string or a word of a SQL string; falls back to the def
 * line, then 0. *column is the call's column.
 */
unsigned sourcemap_mention(const struct sourcemap *m, const char *func, const char *name, unsigned *column);

/*
 * The op.* call inside func that best matches a SQL statement: the one that
 * mentions most of the statement's identifiers, the earliest at or after
 * min_line on a tie (statements run in the order of the calls). Falls back
 * to the def line, then 0. *column is the call's column.
 */
unsigned sourcemap_statement(const struct sourcemap *m, const char *func, const char *sql, unsigned min_line,
                             unsigned *column);

/* A copy of a line's text (without newline), "" when out of range. */
char *sourcemap_line(const struct sourcemap *m, unsigned line);

/*
 * Moves a lint finding from the text lint_unit() joined from stmts (each
 * followed by ";\n") to the revision file: the line of the op.* call that ran
 * its statement (searched from *last_line on, which it advances), that line's
 * text, and the statement itself, shortened, at the end of the message. file
 * is the name the finding carries. m may be NULL (no line then).
 */
void sourcemap_map_finding(struct finding *f, const char *file, const struct lint_input_stmt *stmts, size_t n,
                           const struct sourcemap *m, unsigned *last_line);

#endif
