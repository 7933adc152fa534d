#include "report/finding.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/log.h"
#include "util/mem.h"

#include "util/banned.h"

static const char *const names[] = {"none", "info", "warning", "error"};

const char *severity_name(enum severity s)
{
	return (unsigned)s < 4 ? names[s] : "unknown";
}

int severity_parse(const char *s, enum severity *out)
{
	for (unsigned i = 1; i < 4; i++) {
		if (!strcmp(s, names[i])) {
			*out = (enum severity)i;
			return 0;
		}
	}
	if (!strcmp(s, "never") || !strcmp(s, "off") || !strcmp(s, "none")) {
		*out = SEV_NONE;
		return 0;
	}
	return -1;
}

void report_init(struct report *r)
{
	memset(r, 0, sizeof(*r));
	strlist_init(&r->notes);
	strlist_init(&r->inputs);
}

static void revision_release(struct report_revision *rv)
{
	free(rv->id);
	free(rv->title);
	free(rv->file);
	strlist_release(&rv->sql);
	free(rv->mode);
	free(rv->mode_reason);
	free(rv->failure);
}

void report_outcome_release(struct report_outcome *o)
{
	free(o->summary);
	free(o->path);
	memset(o, 0, sizeof(*o));
}

static void finding_release(struct finding *f)
{
	free(f->message);
	free(f->file);
	free(f->source_line);
	free(f->revision);
	free(f->table);
	strlist_release(&f->objects);
}

void report_release(struct report *r)
{
	for (size_t i = 0; i < r->n; i++)
		finding_release(&r->items[i]);
	free(r->items);
	strlist_release(&r->notes);
	strlist_release(&r->inputs);
	for (size_t i = 0; i < r->n_revisions; i++)
		revision_release(&r->revisions[i]);
	free(r->revisions);
	report_outcome_release(&r->backup);
	report_outcome_release(&r->apply);
	strlist_release(&r->stages);
	report_outcome_release(&r->verify);
	free(r->replay.stopped_at);
	free(r->replay.reason);
	report_init(r);
}

struct finding *report_add(struct report *r)
{
	XGROW(r->items, r->alloc, r->n + 1);
	struct finding *f = &r->items[r->n++];
	memset(f, 0, sizeof(*f));
	return f;
}

static bool continuation(const char *p)
{
	return ((unsigned char)*p & 0xC0) == 0x80;
}

/* Moves *at back over up to n characters (not bytes); returns how many it moved. */
static unsigned back_chars(const char *line, size_t *at, unsigned n)
{
	unsigned moved = 0;
	for (; *at > 0 && moved < n; moved++)
		while (*at > 0 && continuation(line + --*at))
			;
	return moved;
}

static unsigned forward_chars(const char *line, size_t len, size_t *at, unsigned n)
{
	unsigned moved = 0;
	for (; *at < len && moved < n; moved++)
		while (++*at < len && continuation(line + *at))
			;
	return moved;
}

/*
 * A line of up to 2W+1 characters is shown whole; a longer one is cut to 2W+1
 * characters around at, centred, or shifted to use what one side lacks.
 */
unsigned finding_source_window(const char *line, size_t len, size_t at, size_t *from, size_t *to)
{
	const unsigned span = 2 * FINDING_SOURCE_WINDOW + 1; /* characters shown, the one at `at` included */
	size_t start = at > len ? len : at, end = start;
	unsigned left = back_chars(line, &start, FINDING_SOURCE_WINDOW);
	unsigned right = forward_chars(line, len, &end, span - left);
	left += back_chars(line, &start, span - left - right);
	*from = start;
	*to = end;
	return left;
}

void finding_set_source(struct finding *f, const char *line, size_t len, size_t at)
{
	size_t from, to;
	unsigned before = finding_source_window(line, len, at, &from, &to);
	free(f->source_line);
	f->source_line = xstrndup(line + from, to - from);
	f->source_column = f->column > before ? f->column - before : 1;
	f->source_clipped = to < len;
}

void finding_take_source(struct finding *f, char *line)
{
	free(f->source_line);
	f->source_line = line;
	f->source_column = 0;
	f->source_clipped = false;
}

static int cmp_str_null(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int cmp_finding(const void *pa, const void *pb)
{
	const struct finding *a = pa, *b = pb;
	int c = cmp_str_null(a->file, b->file);
	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->column != b->column)
		return a->column < b->column ? -1 : 1;
	return strcmp(a->rule->id, b->rule->id);
}

void report_sort(struct report *r)
{
	if (r->n > 1)
		qsort(r->items, r->n, sizeof(*r->items), cmp_finding);
}

struct ranked {
	size_t rank; /* 0: no listed revision; else 1 + its index in r->revisions */
	struct finding f;
};

static int cmp_ranked(const void *pa, const void *pb)
{
	const struct ranked *a = pa, *b = pb;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	return cmp_finding(&a->f, &b->f);
}

void report_sort_history(struct report *r)
{
	struct strset index = STRSET_INIT;
	struct ranked *items = xcalloc(r->n + 1, sizeof(*items));
	char slot[32];
	for (size_t i = 0; i < r->n_revisions; i++) {
		snprintf(slot, sizeof slot, "%zu", i + 1);
		strset_put(&index, r->revisions[i].id, slot);
	}
	for (size_t i = 0; i < r->n; i++) {
		const char *at = r->items[i].revision ? strset_get(&index, r->items[i].revision) : NULL;
		items[i] = (struct ranked){at ? strtoul(at, NULL, 10) : 0, r->items[i]};
	}
	qsort(items, r->n, sizeof(*items), cmp_ranked);
	for (size_t i = 0; i < r->n; i++)
		r->items[i] = items[i].f;
	free(items);
	strset_release(&index);
}

size_t report_count_at_least(const struct report *r, enum severity min)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n; i++)
		n += r->items[i].severity >= min && min != SEV_NONE;
	return n;
}

size_t report_count(const struct report *r, enum severity exactly)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n; i++)
		n += r->items[i].severity == exactly;
	return n;
}

bool report_passed(const struct report *r, enum severity fail_on)
{
	return !report_count_at_least(r, fail_on) && !(r->backup.ran && !r->backup.ok) &&
	       !(r->apply.ran && !r->apply.ok);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

struct report_revision *report_add_revision(struct report *r, const char *id, const char *title, const char *file)
{
	XGROW(r->revisions, r->alloc_revisions, r->n_revisions + 1);
	struct report_revision *rv = &r->revisions[r->n_revisions++];
	memset(rv, 0, sizeof(*rv));
	rv->id = xstrdup(id);
	rv->title = dup_or_null(title);
	rv->file = dup_or_null(file);
	strlist_init(&rv->sql);
	return rv;
}

struct report_revision *report_find_revision(const struct report *r, const char *id)
{
	for (size_t i = 0; id && i < r->n_revisions; i++)
		if (!strcmp(r->revisions[i].id, id))
			return &r->revisions[i];
	return NULL;
}

void report_add_step(struct report_revision *rv, const char *name, enum report_step_state state, double start_ms,
                     double duration_ms)
{
	if (rv->n_steps == REPORT_MAX_STEPS)
		return;
	struct report_step *s = &rv->steps[rv->n_steps++];
	s->name = name;
	s->state = state;
	s->start_ms = start_ms;
	s->duration_ms = duration_ms;
}

void report_add_sql(struct report_revision *rv, const char *sql)
{
	strlist_add_owned(&rv->sql, log_mask(sql));
}

void report_set_outcome(struct report_outcome *o, bool ok, const char *summary, const char *path)
{
	report_outcome_release(o);
	o->ran = true;
	o->ok = ok;
	o->summary = summary ? log_mask(summary) : NULL;
	o->path = dup_or_null(path);
}

char *report_rule_url(const struct rule_info *rule)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s/blob/main/docs/rules.md#%s", MIGRATE_GATE_REPO_URL, rule->id);
	return buf_detach(&b);
}

char *report_replay_line(const struct report_replay *rp)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "%zu of %zu revision(s) replayed, %zu failed", rp->replayed, rp->revisions, rp->failed);
	if (rp->one_way)
		buf_addf(&b, ", %zu one-way", rp->one_way);
	buf_addf(&b, ", %zu not replayed", rp->not_replayed);
	if (rp->reason)
		buf_addf(&b, ": %s", rp->reason);
	return buf_detach(&b);
}
