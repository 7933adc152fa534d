#include "alembic/graph.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/error.h"
#include "util/mem.h"

#include "util/banned.h"

#define NOT_FOUND ((size_t)-1)

static const char graph_hint[] = "fix down_revision / depends_on in the revision file";

void rev_graph_init(struct rev_graph *g)
{
	g->revs = NULL;
	g->n = 0;
	g->alloc = 0;
}

static void rev_release(struct rev *r)
{
	free(r->id);
	free(r->path);
	free(r->doc);
	strlist_release(&r->down);
	strlist_release(&r->depends);
	strlist_release(&r->branch_labels);
}

void rev_graph_release(struct rev_graph *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n; i++)
		rev_release(&g->revs[i]);
	free(g->revs);
	rev_graph_init(g);
}

struct rev *rev_graph_add(struct rev_graph *g, const char *id, const char *path)
{
	XGROW(g->revs, g->alloc, g->n + 1);
	struct rev *r = &g->revs[g->n++];
	memset(r, 0, sizeof(*r));
	r->id = xstrdup(id);
	r->path = path ? xstrdup(path) : NULL;
	return r;
}

static size_t index_of(const struct rev_graph *g, const char *id)
{
	for (size_t i = 0; i < g->n; i++)
		if (!strcmp(g->revs[i].id, id))
			return i;
	return NOT_FOUND;
}

const struct rev *rev_graph_find(const struct rev_graph *g, const char *id)
{
	size_t i = index_of(g, id);
	return i == NOT_FOUND ? NULL : &g->revs[i];
}

static const char *file_of(const struct rev *r)
{
	return r->path ? r->path : "(unknown file)";
}

/* What r needs: its down_revisions, then its depends_on. */
static size_t n_needs(const struct rev *r)
{
	return r->down.n + r->depends.n;
}

static const char *need_at(const struct rev *r, size_t k)
{
	return k < r->down.n ? r->down.items[k] : r->depends.items[k - r->down.n];
}

static int check_edges(const struct rev_graph *g, const struct rev *r)
{
	for (size_t k = 0; k < r->down.n; k++)
		if (index_of(g, r->down.items[k]) == NOT_FOUND)
			return gate_error(EXIT_USAGE, graph_hint,
			                  "revision '%s' (%s) has down_revision '%s', which is not a revision", r->id,
			                  file_of(r), r->down.items[k]);
	for (size_t k = 0; k < r->depends.n; k++)
		if (index_of(g, r->depends.items[k]) == NOT_FOUND)
			return gate_error(EXIT_USAGE, graph_hint,
			                  "revision '%s' (%s) depends on '%s', which is not a revision", r->id,
			                  file_of(r), r->depends.items[k]);
	return 0;
}

enum mark { WHITE, GREY, BLACK };

/*
 * Depth-first walk over needs. With emit, appends each revision after its
 * needs (a topological order). Returns the index of a revision found on a
 * cycle, or NOT_FOUND.
 */
static size_t visit(const struct rev_graph *g, size_t i, unsigned char *mark, struct strlist *emit)
{
	if (mark[i] == BLACK)
		return NOT_FOUND;
	if (mark[i] == GREY)
		return i;
	mark[i] = GREY;
	for (size_t k = 0; k < n_needs(&g->revs[i]); k++) {
		size_t j = index_of(g, need_at(&g->revs[i], k));
		size_t bad = j == NOT_FOUND ? NOT_FOUND : visit(g, j, mark, emit);
		if (bad != NOT_FOUND)
			return bad;
	}
	mark[i] = BLACK;
	if (emit)
		strlist_add(emit, g->revs[i].id);
	return NOT_FOUND;
}

static size_t walk_all(const struct rev_graph *g, struct strlist *emit)
{
	unsigned char *mark = xcalloc(g->n ? g->n : 1, 1);
	size_t bad = NOT_FOUND;
	for (size_t i = 0; i < g->n && bad == NOT_FOUND; i++)
		bad = visit(g, i, mark, emit);
	free(mark);
	return bad;
}

int rev_graph_validate(struct rev_graph *g)
{
	for (size_t i = 0; i < g->n; i++) {
		struct rev *r = &g->revs[i];
		size_t first = index_of(g, r->id);
		if (first != i)
			return gate_error(EXIT_USAGE, "give every revision file its own revision id",
			                  "revision '%s' is defined twice: %s and %s", r->id, file_of(&g->revs[first]),
			                  file_of(r));
		if (check_edges(g, r) < 0)
			return -1;
		r->is_merge = r->down.n > 1;
	}
	size_t bad = walk_all(g, NULL);
	if (bad != NOT_FOUND)
		return gate_error(EXIT_USAGE, graph_hint,
		                  "revision '%s' (%s) is part of a cycle of down_revision / depends_on",
		                  g->revs[bad].id, file_of(&g->revs[bad]));
	return 0;
}

/* Marks every revision that another one (in `within`, NULL: any) needs; with_depends: also through depends_on. */
static unsigned char *needed_flags(const struct rev_graph *g, const struct strset *within, bool with_depends)
{
	unsigned char *needed = xcalloc(g->n ? g->n : 1, 1);
	for (size_t i = 0; i < g->n; i++) {
		const struct rev *r = &g->revs[i];
		if (within && !strset_has(within, r->id))
			continue;
		size_t n = with_depends ? n_needs(r) : r->down.n;
		for (size_t k = 0; k < n; k++) {
			size_t j = index_of(g, need_at(r, k));
			if (j != NOT_FOUND)
				needed[j] = 1;
		}
	}
	return needed;
}

/* The revisions of `within` (NULL: all) that no other needs, sorted. */
static void heads_within(const struct rev_graph *g, const struct strset *within, bool with_depends, struct strlist *out)
{
	struct strlist heads = STRLIST_INIT;
	unsigned char *needed = needed_flags(g, within, with_depends);
	for (size_t i = 0; i < g->n; i++)
		if (!needed[i] && (!within || strset_has(within, g->revs[i].id)))
			strlist_add(&heads, g->revs[i].id);
	free(needed);
	strlist_sort(&heads);
	for (size_t i = 0; i < heads.n; i++)
		strlist_add(out, heads.items[i]);
	strlist_release(&heads);
}

/* As Alembic counts them: depends_on does not make a head, so `upgrade head` would refuse. */
void rev_graph_heads(const struct rev_graph *g, struct strlist *out)
{
	heads_within(g, NULL, false, out);
}

int rev_graph_check_heads(const struct rev_graph *g, bool allow_many)
{
	struct strlist heads = STRLIST_INIT;
	int ret = 0;
	rev_graph_heads(g, &heads);
	if (heads.n > 1 && !allow_many) {
		struct buf list = BUF_INIT;
		for (size_t i = 0; i < heads.n; i++)
			buf_addf(&list, "%s'%s'", i ? ", " : "", heads.items[i]);
		ret = gate_error(EXIT_USAGE, "merge them (alembic merge heads) or pass --heads to replay every branch",
		                 "the revision graph has %zu heads: %s", heads.n, buf_str(&list));
		buf_release(&list);
	}
	strlist_release(&heads);
	return ret;
}

void rev_graph_topo(const struct rev_graph *g, struct strlist *out)
{
	walk_all(g, out);
}

static void close_over(const struct rev_graph *g, size_t i, struct strset *out)
{
	if (!strset_add(out, g->revs[i].id))
		return;
	for (size_t k = 0; k < n_needs(&g->revs[i]); k++) {
		size_t j = index_of(g, need_at(&g->revs[i], k));
		if (j != NOT_FOUND)
			close_over(g, j, out);
	}
}

int rev_graph_closure(const struct rev_graph *g, const struct strlist *roots, const char *what, struct strset *out)
{
	for (size_t k = 0; k < roots->n; k++) {
		size_t i = index_of(g, roots->items[k]);
		if (i == NOT_FOUND)
			return gate_error(EXIT_USAGE,
			                  "the database is at a revision this project does not have: "
			                  "check out the matching branch, or pass the right -c / -n",
			                  "%s '%s' is not a revision of this project", what, roots->items[k]);
		close_over(g, i, out);
	}
	return 0;
}

/* Appends, in topological order, every revision not in done. */
static void topo_minus(const struct rev_graph *g, const struct strset *done, struct strlist *out)
{
	struct strlist all = STRLIST_INIT;
	rev_graph_topo(g, &all);
	for (size_t i = 0; i < all.n; i++)
		if (!strset_has(done, all.items[i]))
			strlist_add(out, all.items[i]);
	strlist_release(&all);
}

static int new_after(const struct rev_graph *g, const struct strlist *roots, const char *what, struct strlist *out)
{
	struct strset done = STRSET_INIT;
	int ret = rev_graph_closure(g, roots, what, &done);
	if (!ret)
		topo_minus(g, &done, out);
	strset_release(&done);
	return ret;
}

int rev_graph_new_from_rows(const struct rev_graph *g, const struct strlist *rows, struct strlist *out)
{
	return new_after(g, rows, "alembic_version row", out);
}

int rev_graph_new_since(const struct rev_graph *g, const char *rev, struct strlist *out)
{
	struct strlist roots = STRLIST_INIT;
	strlist_add(&roots, rev);
	int ret = new_after(g, &roots, "--since revision", out);
	strlist_release(&roots);
	return ret;
}

void rev_graph_baseline(const struct rev_graph *g, const struct strlist *fresh, struct strlist *out)
{
	struct strset old = STRSET_INIT;
	for (size_t i = 0; i < g->n; i++)
		if (!strlist_has(fresh, g->revs[i].id))
			strset_add(&old, g->revs[i].id);
	heads_within(g, &old, true, out);
	strset_release(&old);
}
