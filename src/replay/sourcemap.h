/*
 * Where in a revision file a finding belongs: the line of a function's
 * `def`, or the line of the `op.*` call inside it that mentions an object.
 */
#ifndef GATE_REPLAY_SOURCEMAP_H
#define GATE_REPLAY_SOURCEMAP_H

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

#endif
