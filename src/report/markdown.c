/*
 * The Markdown report, for people reading a CI page: GitHub's step summary
 * ($GITHUB_STEP_SUMMARY), a pull or merge request comment, a GitLab job
 * artifact. Verdict, revision table, findings with their help, a Mermaid
 * timeline, and the SQL each revision executed in collapsed blocks.
 *
 * Everything in it comes from revision files and SQL of a pull request, so
 * text is escaped for Markdown and HTML, and code is fenced with a fence
 * longer than any backtick run inside it. Sizes are capped: GitHub takes at
 * most 1 MiB of step summary and 65536 characters of comment.
 */
#include <stdlib.h>
#include <string.h>

#include "report/writers.h"
#include "util/buf.h"

#include "util/banned.h"

#define MAX_FINDINGS 200           /* findings listed; the rest are counted */
#define MAX_TIMELINE_REVISIONS 60  /* sections of the Gantt chart */
#define MAX_SQL_PER_REVISION 32768 /* bytes of SQL shown for one revision */
#define MAX_SQL_TOTAL (384 * 1024) /* bytes of SQL in the whole report */
#define MAX_STATEMENT 4096         /* bytes of one statement */

static const char *severity_icon(enum severity s)
{
	return s == SEV_ERROR ? "\u274c" : s == SEV_WARNING ? "\u26a0\ufe0f" : "\u2139\ufe0f";
}

static const char *state_icon(enum report_step_state s)
{
	return s == REPORT_STEP_OK ? "\u2705" : s == REPORT_STEP_FAILED ? "\u274c" : "\u2796";
}

/* <, > and & become entities and a line break a space, in text and code alike; false for other characters. */
static bool add_entity(struct buf *b, char c)
{
	switch (c) {
	case '<':
		buf_adds(b, "&lt;");
		return true;
	case '>':
		buf_adds(b, "&gt;");
		return true;
	case '&':
		buf_adds(b, "&amp;");
		return true;
	case '\n':
	case '\r':
		buf_addc(b, ' ');
		return true;
	default:
		return false;
	}
}

/* Text in Markdown, also inside a table cell: punctuation that Markdown reads is escaped. */
static void add_text(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		if (add_entity(b, *s))
			continue;
		if (strchr("\\`*_[]|#~!", *s))
			buf_addc(b, '\\');
		buf_addc(b, *s);
	}
}

/* Inline code: <code> with entities, because a backtick span cannot escape a pipe in a table cell. */
static void add_code(struct buf *b, const char *s)
{
	buf_adds(b, "<code>");
	for (; s && *s; s++) {
		if (*s == '|')
			buf_adds(b, "&#124;");
		else if (!add_entity(b, *s))
			buf_addc(b, *s);
	}
	buf_adds(b, "</code>");
}

static void verdict(struct buf *b, const struct report *r, const struct report_options *o)
{
	bool failed = !report_passed(r, o->fail_on);
	const char *cmd = o->command ? o->command : "report";
	buf_addf(b, "### %s migrate-gate %s %s\n\n", failed ? "\u274c" : "\u2705", cmd, failed ? "failed" : "passed");
	bool revisions = r->n_revisions || !strcmp(cmd, "check");
	buf_addf(b, "**%zu error(s)**, %zu warning(s), %zu info in %zu %s, %zu statement(s)",
	         report_count(r, SEV_ERROR), report_count(r, SEV_WARNING), report_count(r, SEV_INFO),
	         revisions ? r->n_revisions : r->files, revisions ? "revision(s)" : "file(s)", r->statements);
	if (r->suppressed)
		buf_addf(b, ", %zu suppressed", r->suppressed);
	buf_addf(b, " \u00b7 the gate fails on: %s\n\n", o->fail_on == SEV_NONE ? "never" : severity_name(o->fail_on));
	if (revisions && !r->n_revisions)
		buf_adds(b, "No new revisions: nothing to replay.\n\n");
}

static void add_seconds(struct buf *b, double ms)
{
	if (ms < 10000)
		buf_addf(b, "%.2f s", ms / 1e3);
	else
		buf_addf(b, "%.1f s", ms / 1e3);
}

/* The worst finding of a revision decides its icon. */
static enum severity worst(const struct report *r, const char *rev)
{
	enum severity w = SEV_NONE;
	for (size_t i = 0; i < r->n; i++)
		if (r->items[i].revision && !strcmp(r->items[i].revision, rev) && r->items[i].severity > w)
			w = r->items[i].severity;
	return w;
}

static const struct report_step *find_step(const struct report_revision *rv, const char *name)
{
	for (size_t i = 0; i < rv->n_steps; i++)
		if (!strcmp(rv->steps[i].name, name))
			return &rv->steps[i];
	return NULL;
}

/* The step columns are those some revision has, in the order they first appear. */
static size_t step_columns(const struct report *r, const char **names)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n_revisions; i++)
		for (size_t k = 0; k < r->revisions[i].n_steps; k++) {
			size_t j = 0;
			while (j < n && strcmp(names[j], r->revisions[i].steps[k].name))
				j++;
			if (j == n && n < 2 * REPORT_MAX_STEPS)
				names[n++] = r->revisions[i].steps[k].name;
		}
	return n;
}

static bool any_mode(const struct report *r)
{
	for (size_t i = 0; i < r->n_revisions; i++)
		if (r->revisions[i].mode)
			return true;
	return false;
}

static void revision_row(struct buf *b, const struct report *r, const struct report_revision *rv, const char **cols,
                         size_t n_cols, bool modes)
{
	enum severity w = worst(r, rv->id);
	buf_addf(b, "| %s | ", w == SEV_NONE ? "\u2705" : severity_icon(w));
	add_code(b, rv->id);
	buf_adds(b, " | ");
	add_text(b, rv->title ? rv->title : "");
	for (size_t k = 0; k < n_cols; k++) {
		const struct report_step *s = find_step(rv, cols[k]);
		buf_addf(b, " | %s", state_icon(s ? s->state : REPORT_STEP_NOT_RUN));
		if (s && s->state != REPORT_STEP_NOT_RUN) {
			buf_addc(b, ' ');
			add_seconds(b, s->duration_ms);
		}
	}
	if (modes) {
		buf_adds(b, " | ");
		add_text(b, rv->mode ? rv->mode : "\u2014");
		if (rv->mode_reason) {
			buf_adds(b, ": ");
			add_text(b, rv->mode_reason);
		}
	}
	buf_adds(b, " |\n");
}

static void revision_table(struct buf *b, const struct report *r)
{
	const char *cols[2 * REPORT_MAX_STEPS];
	size_t n_cols = step_columns(r, cols);
	bool modes = any_mode(r);
	if (!r->n_revisions)
		return;
	buf_adds(b, "| | revision | description");
	for (size_t k = 0; k < n_cols; k++)
		buf_addf(b, " | %s", cols[k]);
	buf_adds(b, modes ? " | deploy mode |\n|---|---|---" : " |\n|---|---|---");
	for (size_t k = 0; k < n_cols + modes; k++)
		buf_adds(b, "|---");
	buf_adds(b, "|\n");
	for (size_t i = 0; i < r->n_revisions; i++)
		revision_row(b, r, &r->revisions[i], cols, n_cols, modes);
	buf_addc(b, '\n');
}

static void finding_item(struct buf *b, const struct finding *f)
{
	char *url = report_rule_url(f->rule);
	buf_addf(b, "- %s **%s** [", severity_icon(f->severity), severity_name(f->severity));
	add_code(b, f->rule->id);
	buf_addf(b, "](%s)", url);
	if (f->file) {
		struct buf where = BUF_INIT;
		buf_adds(&where, f->file);
		if (f->line)
			buf_addf(&where, ":%u", f->line);
		buf_adds(b, " at ");
		add_code(b, where.data);
		buf_release(&where);
	}
	buf_adds(b, "<br>\n  ");
	add_text(b, f->message ? f->message : f->rule->summary);
	if (f->rule->help && *f->rule->help) {
		buf_adds(b, "<br>\n  *help:* ");
		add_text(b, f->rule->help);
	}
	buf_addc(b, '\n');
	free(url);
}

static void findings(struct buf *b, const struct report *r)
{
	if (!r->n && !r->notes.n)
		return;
	buf_adds(b, "#### Findings\n\n");
	for (size_t i = 0; i < r->n && i < MAX_FINDINGS; i++)
		finding_item(b, &r->items[i]);
	if (r->n > MAX_FINDINGS)
		buf_addf(b, "- \u2026 and %zu more finding(s): see the JSON or SARIF report\n", r->n - MAX_FINDINGS);
	for (size_t i = 0; i < r->notes.n; i++) {
		buf_adds(b, "- *note:* ");
		add_text(b, r->notes.items[i]);
		buf_addc(b, '\n');
	}
	buf_addc(b, '\n');
}

/* Mermaid reads ':' and '#' in a task or section name as syntax, and a line break ends it. */
static void add_mermaid_name(struct buf *b, const char *s, size_t max)
{
	for (size_t n = 0; s && *s && n < max; s++, n++)
		buf_addc(b, strchr(":#;\n\r\t%`", *s) ? ' ' : *s);
}

static bool revision_ran(const struct report_revision *rv)
{
	for (size_t k = 0; k < rv->n_steps; k++)
		if (rv->steps[k].state != REPORT_STEP_NOT_RUN)
			return true;
	return false;
}

static bool has_timed_steps(const struct report *r)
{
	for (size_t i = 0; i < r->n_revisions; i++)
		if (revision_ran(&r->revisions[i]))
			return true;
	return false;
}

static double timeline_end(const struct report *r)
{
	double end = 0;
	for (size_t i = 0; i < r->n_revisions; i++)
		for (size_t k = 0; k < r->revisions[i].n_steps; k++) {
			const struct report_step *s = &r->revisions[i].steps[k];
			if (s->start_ms + s->duration_ms > end)
				end = s->start_ms + s->duration_ms;
		}
	return end;
}

/*
 * A Gantt chart on the run's clock: dateFormat x reads integers as
 * milliseconds, so every step is drawn where and as long as it ran.
 */
static void timeline(struct buf *b, const struct report *r, const struct report_options *o)
{
	if (!has_timed_steps(r))
		return;
	buf_adds(b, "#### Timeline\n\n```mermaid\ngantt\n");
	buf_addf(b, "    title migrate-gate %s\n", o->command ? o->command : "run");
	buf_addf(b, "    dateFormat x\n    axisFormat %s\n    todayMarker off\n",
	         timeline_end(r) < 60000 ? "%S.%L s" : "%M:%S");
	size_t shown = 0;
	for (size_t i = 0; i < r->n_revisions && shown < MAX_TIMELINE_REVISIONS; i++) {
		const struct report_revision *rv = &r->revisions[i];
		if (!revision_ran(rv))
			continue;
		shown++;
		buf_adds(b, "    section ");
		add_mermaid_name(b, rv->id, 40);
		buf_addc(b, '\n');
		for (size_t k = 0; k < rv->n_steps; k++) {
			const struct report_step *s = &rv->steps[k];
			if (s->state == REPORT_STEP_NOT_RUN)
				continue;
			long long start = (long long)s->start_ms;
			long long len = s->duration_ms < 1 ? 1 : (long long)(s->duration_ms + 0.5);
			buf_adds(b, "    ");
			add_mermaid_name(b, s->name, 40);
			buf_addf(b, " (%lld ms) :%s, %lld, %lld\n", len, s->state == REPORT_STEP_OK ? "done" : "crit",
			         start, start + len);
		}
	}
	buf_adds(b, "```\n\n");
	if (shown == MAX_TIMELINE_REVISIONS && r->n_revisions > shown)
		buf_addf(b, "The timeline shows the first %zu revisions.\n\n", shown);
}

/* A fence longer than the longest run of backticks in the text, so nothing inside can close it. */
static size_t fence_len(const struct strlist *sql)
{
	size_t longest = 0;
	for (size_t i = 0; i < sql->n; i++)
		for (const char *p = sql->items[i]; *p;) {
			size_t run = strspn(p, "`");
			if (run > longest)
				longest = run;
			p += run ? run : 1;
		}
	return longest < 3 ? 3 : longest + 1;
}

static void add_fence(struct buf *b, size_t n)
{
	while (n--)
		buf_addc(b, '`');
}

/* Returns the bytes of SQL written. */
static size_t revision_sql(struct buf *b, const struct report_revision *rv, size_t budget)
{
	size_t fence = fence_len(&rv->sql), written = 0, i = 0;
	buf_adds(b, "<details><summary>");
	add_code(b, rv->id);
	buf_adds(b, " ");
	add_text(b, rv->title ? rv->title : "");
	buf_addf(b, " \u2014 %zu statement(s)</summary>\n\n", rv->sql.n);
	add_fence(b, fence);
	buf_adds(b, "sql\n");
	for (; i < rv->sql.n && written < budget; i++) {
		const char *sql = rv->sql.items[i];
		size_t len = strlen(sql);
		while (len && strchr(" \t\r\n;", sql[len - 1]))
			len--;
		size_t keep = len > MAX_STATEMENT ? MAX_STATEMENT : len;
		buf_add(b, sql, keep);
		buf_adds(b, keep < len ? "\n-- ... (statement cut)\n" : ";\n");
		written += keep;
	}
	if (i < rv->sql.n)
		buf_addf(b, "-- ... %zu more statement(s): see the JSON report\n", rv->sql.n - i);
	add_fence(b, fence);
	buf_adds(b, "\n\n</details>\n");
	return written;
}

static void executed_sql(struct buf *b, const struct report *r)
{
	size_t total = 0, with_sql = 0, i;
	for (i = 0; i < r->n_revisions; i++)
		with_sql += r->revisions[i].sql.n > 0;
	if (!with_sql)
		return;
	buf_adds(b, "#### Executed SQL\n\n");
	for (i = 0; i < r->n_revisions && total < MAX_SQL_TOTAL; i++) {
		size_t left = MAX_SQL_TOTAL - total;
		if (r->revisions[i].sql.n)
			total += revision_sql(b, &r->revisions[i],
			                      left < MAX_SQL_PER_REVISION ? left : MAX_SQL_PER_REVISION);
	}
	if (i < r->n_revisions)
		buf_addf(b, "\nThe SQL of %zu more revision(s) is in the JSON report.\n", r->n_revisions - i);
	buf_addc(b, '\n');
}

static void outcome_line(struct buf *b, const char *what, const struct report_outcome *o)
{
	if (!o->ran)
		return;
	buf_addf(b, "**%s:** %s ", what, o->ok ? "\u2705" : "\u274c");
	add_text(b, o->summary ? o->summary : o->ok ? "done" : "failed");
	if (o->path) {
		buf_adds(b, " ");
		add_code(b, o->path);
	}
	buf_adds(b, "\n\n");
}

/* deploy's stages: name, status, time, detail. */
static void stage_table(struct buf *b, const struct report *r)
{
	if (!r->stages.n)
		return;
	buf_adds(b, "| stage | status | time | detail |\n|---|---|---|---|\n");
	for (size_t i = 0; i < r->stages.n; i++) {
		char *f[4] = {r->stages.items[i], NULL, NULL, NULL};
		char *line = f[0];
		for (size_t k = 1; k < 4 && line; k++)
			if ((line = strchr(line, '\t')) != NULL)
				f[k] = ++line;
		if (!f[3])
			continue;
		const char *status = f[1];
		const char *icon = !strncmp(status, "passed", 6)    ? "\u2705"
		                   : !strncmp(status, "failed", 6)  ? "\u274c"
		                   : !strncmp(status, "skipped", 7) ? "\u26a0\ufe0f"
		                                                    : "\u2796";
		buf_addf(b, "| %.*s | %s %.*s | %.2f s | ", (int)(f[1] - f[0] - 1), f[0], icon, (int)(f[2] - f[1] - 1),
		         f[1], strtod(f[2], NULL) / 1000.0);
		add_text(b, f[3]);
		buf_adds(b, " |\n");
	}
	buf_addc(b, '\n');
}

void report_write_markdown(const struct report *r, const struct report_options *o, FILE *out)
{
	struct buf b = BUF_INIT;
	verdict(&b, r, o);
	stage_table(&b, r);
	revision_table(&b, r);
	findings(&b, r);
	timeline(&b, r, o);
	executed_sql(&b, r);
	outcome_line(&b, "Backup", &r->backup);
	outcome_line(&b, "Apply", &r->apply);
	outcome_line(&b, "Verify", &r->verify);
	buf_addf(&b, "<sub>migrate-gate %s</sub>\n", MIGRATE_GATE_VERSION);
	fputs(buf_str(&b), out);
	buf_release(&b);
}
