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
	report_outcome_release(&r->backup);
	free(r->failure);
	free(r->rollback);
	deploy_verify_release(&r->verify);
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

static void mode_of(const struct deploy_rev *v, struct report_revision *rv)
{
	free(rv->mode);
	free(rv->mode_reason);
	rv->mode = xstrdup(!v->mode_known ? "unknown" : v->breaking ? "breaking" : "additive");
	rv->mode_reason = v->reasons.n ? log_mask(v->reasons.items[0]) : NULL;
}

static void outcome_of(const struct deploy_report *r, struct report *f)
{
	struct buf b = BUF_INIT;
	size_t applied = 0, attempted = 0;
	char *now = deploy_rows_text(&r->now), *before = deploy_rows_text(&r->before);
	for (size_t i = 0; i < r->n_revs; i++) {
		applied += r->revs[i].outcome == REV_APPLIED;
		attempted += r->revs[i].outcome == REV_APPLIED || r->revs[i].outcome == REV_FAILED;
	}
	buf_addf(&b, "%zu of %zu revision(s) applied; production is at %s (was %s)", applied, r->n_revs,
	         r->production_known ? now : "an unknown revision", before);
	if (r->failure)
		buf_addf(&b, "; %s", r->failure);
	if (attempted || r->failure)
		report_set_outcome(&f->apply, r->passed, b.data, NULL);
	free(now);
	free(before);
	buf_release(&b);
}

/* The stage table and the verify stage's outcome, for the Markdown summary. */
static void stages_of(const struct deploy_report *r, struct report *f)
{
	strlist_release(&f->stages);
	for (size_t i = 0; i < r->n_stages; i++) {
		const struct deploy_stage *s = &r->stages[i];
		struct buf b = BUF_INIT;
		buf_addf(&b, "%s\t%s\t%.0f\t%s", s->name, stage_status_name(s->status), s->ms,
		         s->detail ? s->detail : "");
		strlist_add_owned(&f->stages, buf_detach(&b));
	}
	if (r->verify.ran) {
		char *summary = deploy_verify_summary(&r->verify);
		report_set_outcome(&f->verify, r->verify.passed, summary, NULL);
		free(summary);
	}
}

void deploy_report_enrich(const struct deploy_report *r, struct report *f)
{
	if (r->backup.ran)
		report_set_outcome(&f->backup, r->backup.ok, r->backup.summary, r->backup.path);
	for (size_t i = 0; i < r->n_revs; i++) {
		const struct deploy_rev *v = &r->revs[i];
		struct report_revision *rv = report_find_revision(f, v->id);
		if (!rv)
			rv = report_add_revision(f, v->id, v->title, v->file);
		if (v->mode_known || v->reasons.n)
			mode_of(v, rv);
		if (v->outcome == REV_APPLIED || v->outcome == REV_FAILED)
			report_add_step(rv, "apply", v->outcome == REV_APPLIED ? REPORT_STEP_OK : REPORT_STEP_FAILED,
			                v->started_ms, v->ms);
	}
	if (strcmp(r->command, "plan"))
		outcome_of(r, f);
	stages_of(r, f);
	for (size_t i = 0; i < r->warnings.n; i++)
		if (!strlist_has(&f->notes, r->warnings.items[i]))
			strlist_add(&f->notes, r->warnings.items[i]);
	for (size_t i = 0; i < r->notes.n; i++)
		if (!strlist_has(&f->notes, r->notes.items[i]))
			strlist_add(&f->notes, r->notes.items[i]);
}

int deploy_report_write(const struct deploy_report *r, enum report_format fmt, const struct report_options *opt,
                        FILE *out)
{
	if (fmt != FMT_TEXT && fmt != FMT_JSON)
		return report_write(r->findings, fmt, opt, out);
	errno = 0;
	if (fmt == FMT_TEXT)
		deploy_write_text(r, opt, out);
	else
		deploy_write_json(r, opt, out);
	if (fflush(out) || ferror(out))
		return gate_error(EXIT_USAGE, "check free disk space and the --output path",
		                  "cannot write the '%s' report: %s", r->command, strerror(errno ? errno : EIO));
	return 0;
}
