/*
 * The terminal report of plan, apply and deploy. Its first line states
 * production's revision as it is now; then the stages, every revision with
 * its mode, tables, outcome and blockers, the findings, and the verdict.
 */
#include <stdlib.h>
#include <string.h>

#include "report/deploy.h"
#include "report/writers.h"
#include "util/json.h"

#include "util/banned.h"

static const char *sgr(const struct report_options *o, const char *code)
{
	return o->color ? code : "";
}

static void first_line(const struct deploy_report *r, FILE *out)
{
	char *now = deploy_rows_text(&r->now), *before = deploy_rows_text(&r->before);
	if (!r->production_known)
		fprintf(out, "production's revision is unknown (it could not be read at the end; it was %s)\n", before);
	else if (strcmp(now, before))
		fprintf(out, "production is at %s (was %s)\n", now, before);
	else
		fprintf(out, "production is at %s\n", now);
	free(now);
	free(before);
}

static void stages(const struct deploy_report *r, const struct report_options *o, FILE *out)
{
	if (!r->n_stages)
		return;
	fprintf(out, "stages:\n");
	for (size_t i = 0; i < r->n_stages; i++) {
		const struct deploy_stage *s = &r->stages[i];
		const char *color = s->status == STAGE_FAILED    ? "\033[1;31m"
		                    : s->status == STAGE_SKIPPED ? "\033[1;33m"
		                    : s->status == STAGE_PASSED  ? "\033[32m"
		                                                 : "";
		fprintf(out, "  %-7s %s%-8s%s %6.2f s  %s\n", s->name, sgr(o, color), stage_status_name(s->status),
		        sgr(o, "\033[0m"), s->ms / 1000.0, s->detail ? s->detail : "");
	}
}

/* A message on one line: the SQL quoted in it may span many. */
static void put_flat(const char *s, FILE *out)
{
	bool blank = false;
	for (; *s; s++) {
		bool b = *s == ' ' || *s == '\n' || *s == '\t' || *s == '\r';
		if (!b)
			fputc(*s, out);
		else if (!blank)
			fputc(' ', out);
		blank = b;
	}
}

static void table_line(const struct deploy_table *t, FILE *out)
{
	fprintf(out, "%s (%s", t->name, t->lock);
	if (t->sized && !t->exists) {
		fputs("; not on production", out);
	} else if (t->sized) {
		char *size = human_bytes((double)t->bytes);
		if (t->rows >= 0)
			fprintf(out, "; ~%.0f rows, %s", t->rows, size);
		else
			fprintf(out, "; rows unknown (never analysed), %s", size);
		free(size);
	}
	fputc(')', out);
}

static void outcome_text(const struct deploy_rev *v, const struct report_options *o, FILE *out)
{
	const char *color = v->outcome == REV_APPLIED ? "\033[32m" : v->outcome == REV_FAILED ? "\033[1;31m" : "";
	fprintf(out, "%s%s%s", sgr(o, color), rev_outcome_name(v->outcome), sgr(o, "\033[0m"));
	if (v->attempts > 1)
		fprintf(out, ", retried %u time%s", v->attempts - 1, v->attempts > 2 ? "s" : "");
	if (v->manual)
		fputs(", NEEDS MANUAL ATTENTION", out);
}

static void rev_details(const struct deploy_rev *v, FILE *out)
{
	for (size_t i = 0; i < v->reasons.n; i++)
		fprintf(out, "      %s: %s\n", v->mode_known ? "breaking" : "mode unknown", v->reasons.items[i]);
	if (v->n_tables) {
		fputs("      touches: ", out);
		for (size_t i = 0; i < v->n_tables; i++) {
			if (i)
				fputs(", ", out);
			table_line(&v->tables[i], out);
		}
		fputc('\n', out);
	}
	for (size_t i = 0; i < v->n_blockers; i++) {
		const struct deploy_blocker *b = &v->blockers[i];
		fprintf(out, "      blocked by pid %ld (%s", b->pid, b->state);
		if (b->xact_age_s >= 0)
			fprintf(out, ", transaction open %.1f s", b->xact_age_s);
		if (*b->application_name)
			fprintf(out, ", application_name '%s'", b->application_name);
		fprintf(out, "): %s\n", b->query);
	}
	if (v->error)
		fprintf(out, "      error: %s\n", v->error);
	for (size_t i = 0; i < v->n_stmts; i++) {
		fprintf(out, "      %s ", v->stmts[i].committed ? "[committed]  " : "[rolled back]");
		put_flat(v->stmts[i].sql, out);
		fputc('\n', out);
	}
	if (v->mismatch)
		fprintf(out, "      differs from check: %s\n", v->mismatch);
}

static void revisions(const struct deploy_report *r, const struct report_options *o, FILE *out)
{
	if (!r->n_revs) {
		fprintf(out, "nothing to apply: production is at the project's head\n");
		return;
	}
	fprintf(out, "revisions (%zu):\n", r->n_revs);
	for (size_t i = 0; i < r->n_revs; i++) {
		const struct deploy_rev *v = &r->revs[i];
		fprintf(out, "  %s  ", v->id);
		if (v->mode_known || v->reasons.n)
			fprintf(out, "%-9s ", !v->mode_known ? "unknown" : v->breaking ? "breaking" : "additive");
		if (v->outcome != REV_PLANNED) {
			outcome_text(v, o, out);
			if (v->outcome != REV_NOT_ATTEMPTED)
				fprintf(out, " in %.2f s", v->ms / 1000.0);
			fputs("  ", out);
		}
		fprintf(out, "%s\n", v->title ? v->title : "");
		rev_details(v, out);
	}
}

static void findings(const struct deploy_report *r, FILE *out)
{
	const struct report *f = r->findings;
	if (!f || !f->n)
		return;
	fprintf(out, "findings (%zu, most impact first):\n", f->n);
	for (size_t i = 0; i < f->n; i++) {
		const struct finding *x = &f->items[i];
		fprintf(out, "  %-7s [%s] %s:%u: ", severity_name(x->severity), x->rule->id, x->file ? x->file : "",
		        x->line);
		put_flat(x->message, out);
		fputc('\n', out);
	}
}

void deploy_write_text(const struct deploy_report *r, const struct report_options *o, FILE *out)
{
	first_line(r, out);
	stages(r, o, out);
	revisions(r, o, out);
	deploy_verify_write_text(&r->verify, o, out);
	findings(r, out);
	for (size_t i = 0; i < r->warnings.n; i++)
		fprintf(out, "%swarning:%s %s\n", sgr(o, "\033[1;33m"), sgr(o, "\033[0m"), r->warnings.items[i]);
	for (size_t i = 0; i < r->notes.n; i++)
		fprintf(out, "%snote:%s %s\n", sgr(o, "\033[1;33m"), sgr(o, "\033[0m"), r->notes.items[i]);
	if (r->rollback)
		fprintf(out, "rollback: %s\n", r->rollback);
	if (r->passed)
		fprintf(out, "%s%s passed%s\n", sgr(o, "\033[1;32m"), r->command, sgr(o, "\033[0m"));
	else
		fprintf(out, "%s%s FAILED%s: %s\n", sgr(o, "\033[1;31m"), r->command, sgr(o, "\033[0m"),
		        r->failure ? r->failure : "see above");
}
