/*
 * Schema snapshots from catalog queries only. A snapshot is a sorted list of
 * canonical lines, one per object:
 *
 *     kind \t identity \t field [\t field ...]
 *
 * Fields are escaped (\n, \t and \\ written as two characters) so a line
 * never holds a raw newline or a stray tab. Identities are quote_ident()ed
 * names, schema-qualified unless the schema is public; a sub-object of a
 * table is "table.name" (column "t.c", index "t.ix_a", constraint "t.fk",
 * trigger "t.trg"). Kinds and their fields:
 *
 *   schema      -
 *   table       relkind, persistence, partition key, parents, partition bound, reloptions, row security,
 *               replica identity
 *   column      type, null, default, identity, generated, collation, position, settings (statistics, storage)
 *   constraint  pg_get_constraintdef
 *   index       pg_get_indexdef, valid|invalid (pg_dump -s omits invalid ones)
 *   sequence    type, start, increment, min, max, cache, cycle
 *   view/matview pg_get_viewdef
 *   function/procedure/aggregate  pg_get_functiondef (aggregates: their support functions)
 *   trigger     pg_get_triggerdef, enabled
 *   type        composite types (their attributes are columns)
 *   enum        labels in order
 *   domain      base type, not null, default, collation, constraints
 *   extension   version, schema
 *   comment     identity is pg_describe_object(), field the comment
 *   grant       identity "<kind> <name>", field the sorted privileges with the owner's own removed
 *   policy      row security policies
 *   rule        pg_rules (not the ones that make views)
 *   statistics  pg_get_statisticsobjdef (CREATE STATISTICS)
 *   collation   provider, lc_collate, lc_ctype
 *
 * Not covered: owners (on purpose), default privileges, publications,
 * event triggers, casts, operators, text search objects, foreign servers.
 * The catalog query needs PostgreSQL 12 or later (generated columns). *
 * Excluded: pg_catalog, information_schema, pg_toast*, pg_temp*, objects that
 * belong to an extension, and every table named alembic_version (or
 * version_table, for projects that configure another name) with its
 * columns, constraints and indexes. Owners are never recorded.
 */
#ifndef GATE_PG_SNAPSHOT_H
#define GATE_PG_SNAPSHOT_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "util/strset.h"

struct snapshot {
	struct strlist lines;      /* sorted */
	const char *version_table; /* not owned; NULL (what snapshot_init() sets) means "alembic_version" */
	/*
	 * line -> the name (relname, without schema) of the relation the line
	 * belongs to: a table's, column's, constraint's, index's, trigger's,
	 * policy's, rule's, grant's or comment's table, an owned sequence's table,
	 * a view. Lines of other objects (schemas, functions, types, ...) have none.
	 */
	struct strset owners;
};

#define SNAPSHOT_INIT                                                                                                  \
	{                                                                                                              \
		STRLIST_INIT, NULL, STRSET_INIT                                                                        \
	}

void snapshot_init(struct snapshot *s);
void snapshot_release(struct snapshot *s);

/*
 * Fills s (released first) from the database c is connected to, in one
 * read-only repeatable-read transaction with a fixed search_path, so the
 * result does not depend on the session. Returns 0, or -1 with a recorded
 * error. c must not be inside a transaction.
 */
int snapshot_take(PGconn *c, struct snapshot *s);

/*
 * Like snapshot_take(), but only the lines that belong to a relation named
 * in names (relnames; every schema's relation of that name). What a
 * revision that touched only those relations changed, for a fraction of a
 * whole snapshot's cost on a large schema.
 */
int snapshot_take_scoped(PGconn *c, const struct strset *names, struct snapshot *s);

/*
 * Replaces the lines of state that belong to a relation named in names with
 * the lines of scoped (taken with the same names): state becomes what a
 * whole snapshot would read, when nothing outside those relations changed.
 */
void snapshot_patch(struct snapshot *state, const struct strset *names, const struct snapshot *scoped);

/* Fills out (released first) with the lines of s that belong to a relation named in names. */
void snapshot_select(const struct snapshot *s, const struct strset *names, struct snapshot *out);

/*
 * Adds to out the names of the relations in s that inherit from another or
 * are inherited from (partitions and their parents): a change to one of
 * them reaches the others.
 */
void snapshot_inheritance(const struct snapshot *s, struct strset *out);

/* The i-th '\t'-separated field of a line or of its fields (missing ones are empty), and its length. */
const char *snapshot_field(const char *s, size_t i, size_t *len);

/* True when both hold the same lines. */
bool snapshot_equal(const struct snapshot *a, const struct snapshot *b);

/*
 * Appends "kind\tname\tfilenode" for every table, materialized view and index
 * (but alembic_version's)
 * (kind "table" or "index"; names as in snapshots), sorted. Comparing two
 * lists shows which relations a migration rewrote. Returns 0 or -1.
 */
int snapshot_relfilenodes(PGconn *c, struct strlist *out);

/*
 * The relations whose filenode differs between two snapshot_relfilenodes()
 * lists (present in both), as "kind\tname", appended to out.
 */
void snapshot_rewritten(const struct strlist *before, const struct strlist *after, struct strlist *out);

#endif
