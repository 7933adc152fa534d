/*
 * The Alembic revision graph in C: revisions linked by down_revision (their
 * parents) and depends_on (extra ordering edges). The driver fills it from
 * Alembic's ScriptDirectory; tests build it by hand.
 *
 * Edges point from a revision to the revisions it needs. "Ancestors" always
 * means the closure over both down_revisions and depends_on, because Alembic
 * applies a revision's dependencies before the revision itself.
 *
 * Errors are recorded with gate_error() (EXIT_USAGE: the project is wrong) and
 * name the revision file, so the user knows where to look.
 */
#ifndef GATE_ALEMBIC_GRAPH_H
#define GATE_ALEMBIC_GRAPH_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strset.h"

struct rev {
	char *id;               /* the revision identifier */
	char *path;             /* the revision file, NULL when unknown */
	char *doc;              /* the docstring's first line, NULL when none */
	struct strlist down;    /* down_revisions; empty for a base revision */
	struct strlist depends; /* depends_on */
	struct strlist branch_labels;
	bool is_merge; /* more than one down_revision */
	/* Marked one-way: `migrate_gate_one_way = True` in its file, or [migrate_gate] one_way / --one-way. */
	bool one_way;
};

struct rev_graph {
	struct rev *revs; /* in insertion order */
	size_t n;
	size_t alloc;
};

#define REV_GRAPH_INIT                                                                                                 \
	{                                                                                                              \
		NULL, 0, 0                                                                                             \
	}

void rev_graph_init(struct rev_graph *g);
void rev_graph_release(struct rev_graph *g);

/*
 * Appends a revision with no edges and returns it, to be filled by the caller
 * (strlist_add on down/depends/branch_labels). path may be NULL. is_merge is
 * kept up to date by rev_graph_validate().
 */
struct rev *rev_graph_add(struct rev_graph *g, const char *id, const char *path);

/* The revision with this exact id, or NULL. */
const struct rev *rev_graph_find(const struct rev_graph *g, const char *id);

/*
 * Checks the graph: every down_revision and depends_on names a known
 * revision, no id appears twice, and there is no cycle. On failure records
 * an EXIT_USAGE error naming the revision and its file, and returns -1.
 * Call it once after filling the graph; every other query assumes it passed.
 */
int rev_graph_validate(struct rev_graph *g);

/*
 * The heads, sorted, appended to out: revisions that are no other revision's
 * down_revision. This is how Alembic counts them: a revision named only in
 * another's depends_on is still a head, and `alembic upgrade head` refuses
 * to run while there are several.
 */
void rev_graph_heads(const struct rev_graph *g, struct strlist *out);

/*
 * Records an EXIT_USAGE error listing the heads and returns -1 when there
 * is more than one head and allow_many is false; 0 otherwise.
 */
int rev_graph_check_heads(const struct rev_graph *g, bool allow_many);

/*
 * Every revision in a topological order: each revision comes after all its
 * down_revisions and depends_on. Ties are broken by insertion order so that
 * the result is stable. Appended to out.
 */
void rev_graph_topo(const struct rev_graph *g, struct strlist *out);

/*
 * Adds roots and all their ancestors to out. A root that is not a revision
 * records an EXIT_USAGE error naming it (what names it: `what`, e.g.
 * "alembic_version row") and returns -1.
 */
int rev_graph_closure(const struct rev_graph *g, const struct strlist *roots, const char *what, struct strset *out);

/*
 * The revisions still to apply to a database whose alembic_version holds
 * rows: all revisions minus the ancestor closure of the rows, in topological
 * order, appended to out. An empty rows list means an empty database, so
 * every revision is new. An unknown row is an EXIT_USAGE error.
 */
int rev_graph_new_from_rows(const struct rev_graph *g, const struct strlist *rows, struct strlist *out);

/*
 * --since REV: the revisions after REV, i.e. what a database stamped at REV
 * still has to apply (all minus the closure of REV), in topological order.
 * An unknown REV is an EXIT_USAGE error.
 */
int rev_graph_new_since(const struct rev_graph *g, const char *rev, struct strlist *out);

/*
 * The baseline for a replay of `fresh` (a list from rev_graph_new_*): the
 * heads of the revisions that are not new, sorted, appended to out. Upgrading
 * an empty database to each of them in turn applies exactly the old part of
 * the graph; empty output means start from an empty database.
 */
void rev_graph_baseline(const struct rev_graph *g, const struct strlist *fresh, struct strlist *out);

#endif
