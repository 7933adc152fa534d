/* The plan/apply/deploy report model; the writers are deploy_text.c and deploy_json.c. */
#include "report/deploy.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/error.h"
#include "util/log.h"
#include "util/mem.h"

#include "util/banned.h"

void deploy_report_init(struct deploy_report *r, const char *command)
{
	memset(r, 0, sizeof(*r));
	r->command = command;
}

static void rev_release(struct deploy_rev *v)
{
	free(v->id);
	free(v->title);
	free(v->file);
	strlist_release(&v->reasons);
	for (size_t i = 0; i < v->n_tables; i++)
		free(v->tables[i].name);
	free(v->tables);
	for (size_t i = 0; i < v->n_blockers; i++) {
		free(v->blockers[i].state);
		free(v->blockers[i].application_name);
		free(v->blockers[i].query);
	}
	free(v->blockers);
	free(v->error);
	for (size_t i = 0; i < v->n_stmts; i++)
		free(v->stmts[i].sql);
	free(v->stmts);
	strlist_release(&v->changes);
	free(v->mismatch);
}

void deploy_report_release(struct deploy_report *r)
{
	if (!r)
		return;
	strlist_release(&r->before);
	strlist_release(&r->now);
	strlist_release(&r->heads);
	for (size_t i = 0; i < r->n_revs; i++)
		rev_release(&r->revs[i]);
	free(r->revs);
	for (size_t i = 0; i < r->n_stages; i++) {
		free(r->stages[i].name);
		free(r->stages[i].detail);
	}
	free(r->stages);
	strlist_release(&r->notes);
	strlist_release(&r->warnings);
	free(r->failure);
	free(r->rollback);
	deploy_report_init(r, r->command);
}

void deploy_set(char **field, const char *value)
{
	free(*field);
	*field = value ? log_mask(value) : NULL;
}

void deploy_setf(char **field, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	deploy_set(field, buf_str(&b));
	buf_release(&b);
}

struct deploy_rev *deploy_report_add_rev(struct deploy_report *r, const char *id, const char *title, const char *file)
{
	XGROW(r->revs, r->alloc_revs, r->n_revs + 1);
	struct deploy_rev *v = &r->revs[r->n_revs++];
	memset(v, 0, sizeof(*v));
	v->id = xstrdup(id);
	deploy_set(&v->title, title);
	deploy_set(&v->file, file);
	v->outcome = REV_PLANNED;
	return v;
}

struct deploy_rev *deploy_report_find_rev(struct deploy_report *r, const char *id)
{
	for (size_t i = 0; i < r->n_revs; i++)
		if (!strcmp(r->revs[i].id, id))
			return &r->revs[i];
	return NULL;
}

struct deploy_stage *deploy_report_add_stage(struct deploy_report *r, const char *name, enum stage_status status,
                                             double ms, const char *detail)
{
	XGROW(r->stages, r->alloc_stages, r->n_stages + 1);
	struct deploy_stage *s = &r->stages[r->n_stages++];
	memset(s, 0, sizeof(*s));
	s->name = xstrdup(name);
	s->status = status;
	s->ms = ms;
	deploy_set(&s->detail, detail);
	return s;
}

struct deploy_table *deploy_rev_add_table(struct deploy_rev *v, const char *name, const char *lock)
{
	XGROW(v->tables, v->alloc_tables, v->n_tables + 1);
	struct deploy_table *t = &v->tables[v->n_tables++];
	memset(t, 0, sizeof(*t));
	t->name = xstrdup(name);
	t->lock = lock;
	t->rows = -1;
	return t;
}

struct deploy_blocker *deploy_rev_add_blocker(struct deploy_rev *v)
{
	XGROW(v->blockers, v->alloc_blockers, v->n_blockers + 1);
	struct deploy_blocker *b = &v->blockers[v->n_blockers++];
	memset(b, 0, sizeof(*b));
	return b;
}

void deploy_rev_add_stmt(struct deploy_rev *v, const char *sql, bool committed)
{
	XGROW(v->stmts, v->alloc_stmts, v->n_stmts + 1);
	struct deploy_stmt *s = &v->stmts[v->n_stmts++];
	s->sql = log_mask(sql);
	s->committed = committed;
}

const char *rev_outcome_name(enum rev_outcome o)
{
	static const char *const names[] = {"planned", "applied", "failed", "not attempted"};
	return (unsigned)o < sizeof(names) / sizeof(names[0]) ? names[o] : "?";
}

const char *stage_status_name(enum stage_status s)
{
	static const char *const names[] = {"passed", "failed", "skipped", "not run"};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

char *deploy_rows_text(const struct strlist *rows)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < rows->n; i++)
		buf_addf(&b, "%s%s", i ? ", " : "", rows->items[i]);
	if (!rows->n)
		buf_adds(&b, "(empty database: no alembic_version row)");
	return buf_detach(&b);
}

int deploy_report_write(const struct deploy_report *r, enum report_format fmt, const struct report_options *opt,
                        FILE *out)
{
	errno = 0;
	if (fmt == FMT_TEXT)
		deploy_write_text(r, opt, out);
	else if (fmt == FMT_JSON)
		deploy_write_json(r, opt, out);
	else
		return gate_error(EXIT_USAGE, "use --format text or --format json", "'%s' cannot write the '%s' format",
		                  r->command, report_format_name(fmt));
	if (fflush(out) || ferror(out))
		return gate_error(EXIT_USAGE, "check free disk space and the --output path",
		                  "cannot write the '%s' report: %s", r->command, strerror(errno ? errno : EIO));
	return 0;
}

char *report_size_pretty(long long bytes)
{
	static const char *const units[] = {"bytes", "kB", "MB", "GB", "TB"};
	double v = (double)bytes;
	size_t u = 0;
	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	char text[32];
	if (u == 0)
		snprintf(text, sizeof(text), "%lld bytes", bytes);
	else if (v < 10)
		snprintf(text, sizeof(text), "%.1f %s", v, units[u]);
	else
		snprintf(text, sizeof(text), "%.0f %s", v, units[u]);
	return xstrdup(text);
}
