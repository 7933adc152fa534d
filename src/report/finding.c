#include "report/finding.h"

#include <stdlib.h>
#include <string.h>

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
}

static void finding_release(struct finding *f)
{
	free(f->message);
	free(f->file);
	free(f->source_line);
	free(f->revision);
}

void report_release(struct report *r)
{
	for (size_t i = 0; i < r->n; i++)
		finding_release(&r->items[i]);
	free(r->items);
	strlist_release(&r->notes);
	report_init(r);
}

struct finding *report_add(struct report *r)
{
	XGROW(r->items, r->alloc, r->n + 1);
	struct finding *f = &r->items[r->n++];
	memset(f, 0, sizeof(*f));
	return f;
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
