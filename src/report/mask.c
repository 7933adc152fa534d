/*
 * report_mask(): the report as every writer sees it, with each string passed
 * through secret_mask(). Strings without a secret are shared with the report,
 * masked ones are owned by the view, and so are the arrays that hold them.
 */
#include <stdlib.h>
#include <string.h>

#include "report/writers.h"
#include "util/mem.h"
#include "util/secret.h"

#include "util/banned.h"

static char *masked(struct masked_report *m, char *s)
{
	if (!s || !secret_found(s))
		return s;
	strlist_add_owned(&m->owned, secret_mask(s));
	return m->owned.items[m->owned.n - 1];
}

static void *array(struct masked_report *m, size_t n, size_t size)
{
	void *a = n ? xcalloc(n, size) : NULL;
	XGROW(m->arrays, m->alloc_arrays, m->n_arrays + 1);
	m->arrays[m->n_arrays++] = a;
	return a;
}

/* A list whose items are shared or masked copies: only its array belongs to the view. */
static void mask_list(struct masked_report *m, const struct strlist *in, struct strlist *out)
{
	out->items = array(m, in->n, sizeof(*out->items));
	out->n = out->alloc = in->n;
	for (size_t i = 0; i < in->n; i++)
		out->items[i] = masked(m, in->items[i]);
}

/*
 * Findings that carry the same whole line share it, masked once (report_sort() puts them side by
 * side): a long line is masked once, not once per finding. A window of a line (source_column set)
 * is short and its own.
 */
static void mask_findings(struct masked_report *m, const struct report *r)
{
	struct finding *items = array(m, r->n, sizeof(*items));
	for (size_t i = 0; i < r->n; i++) {
		const struct finding *f = &r->items[i], *prev = i ? &r->items[i - 1] : NULL;
		struct finding *v = &items[i];
		*v = *f;
		v->message = masked(m, f->message);
		v->file = masked(m, f->file);
		v->revision = masked(m, f->revision);
		mask_list(m, &f->objects, &v->objects);
		bool same_line = prev && prev->line == f->line && prev->file && f->file &&
		                 !strcmp(prev->file, f->file) && !prev->source_column && !f->source_column;
		bool shared =
		    f->source_line && prev && prev->source_line && (prev->source_line == f->source_line || same_line);
		v->source_line = shared ? items[i - 1].source_line : masked(m, f->source_line);
	}
	m->view.items = items;
	m->view.alloc = r->n;
}

static void mask_revisions(struct masked_report *m, const struct report *r)
{
	struct report_revision *revs = array(m, r->n_revisions, sizeof(*revs));
	for (size_t i = 0; i < r->n_revisions; i++) {
		const struct report_revision *rv = &r->revisions[i];
		struct report_revision *v = &revs[i];
		*v = *rv;
		v->id = masked(m, rv->id);
		v->title = masked(m, rv->title);
		v->file = masked(m, rv->file);
		v->mode = masked(m, rv->mode);
		v->mode_reason = masked(m, rv->mode_reason);
		mask_list(m, &rv->sql, &v->sql);
	}
	m->view.revisions = revs;
	m->view.alloc_revisions = r->n_revisions;
}

static void mask_outcome(struct masked_report *m, struct report_outcome *o)
{
	o->summary = masked(m, o->summary);
	o->path = masked(m, o->path);
}

void report_mask(const struct report *r, struct masked_report *m)
{
	memset(m, 0, sizeof(*m));
	m->view = *r;
	mask_findings(m, r);
	mask_list(m, &r->notes, &m->view.notes);
	mask_list(m, &r->inputs, &m->view.inputs);
	mask_revisions(m, r);
	mask_outcome(m, &m->view.backup);
	mask_outcome(m, &m->view.apply);
	mask_list(m, &r->stages, &m->view.stages);
	mask_outcome(m, &m->view.verify);
}

void report_mask_release(struct masked_report *m)
{
	for (size_t i = 0; i < m->n_arrays; i++)
		free(m->arrays[i]);
	free(m->arrays);
	strlist_release(&m->owned);
	memset(m, 0, sizeof(*m));
}
