/* The terminal format: each finding with its source line and a caret, then a summary. */
#include <stdlib.h>
#include <string.h>

#include "report/writer.h"
#include "report/writers.h"
#include "util/log.h"
#include "util/mem.h"

#include "util/banned.h"

/* How many of a grouped finding's objects the text lists. */
#define TEXT_MAX_OBJECTS 5
/* How many findings a summary lists. */
#define TEXT_TOP_FINDINGS 10

static const char *sgr(const struct report_options *o, const char *code)
{
	return o->color ? code : "";
}

static const char *severity_sgr(enum severity s)
{
	return s == SEV_ERROR ? "\033[1;31m" : s == SEV_WARNING ? "\033[1;33m" : "\033[1;34m";
}

/* Byte offset in f->source_line of the finding's column. */
static size_t column_byte(const struct finding *f)
{
	const char *p = f->source_line;
	for (unsigned col = f->source_column > 1 ? f->source_column : 1; *p && col < f->column; col++)
		while (*++p && ((unsigned char)*p & 0xC0) == 0x80)
			;
	return (size_t)(p - f->source_line);
}

/* The source line and a caret under the column; a long line shows a window around it. */
static void source_and_caret(const struct finding *f, FILE *out)
{
	size_t len = strlen(f->source_line), at = column_byte(f), from, to;
	finding_source_window(f->source_line, len, at, &from, &to);
	bool left = from > 0 || f->source_column > 1, right = to < len || f->source_clipped;
	fprintf(out, "   | %s%.*s%s\n", left ? "..." : "", (int)(to - from), f->source_line + from, right ? "..." : "");
	fputs(left ? "   |    " : "   | ", out);
	/* Tabs stay tabs so the caret lines up under the right character. */
	for (size_t p = from; p < at; p++)
		if (((unsigned char)f->source_line[p] & 0xC0) != 0x80)
			fputc(f->source_line[p] == '\t' ? '\t' : ' ', out);
	fputs("^\n", out);
}

/* A message's later lines (a server's DETAIL, SQL) stay inside the finding's block, indented. */
static void message(const char *msg, FILE *out)
{
	for (const char *p = msg; *p;) {
		size_t n = strcspn(p, "\n");
		fwrite(p, 1, n, out);
		p += n;
		if (*p && p[1])
			fputs("\n     ", out);
		if (*p)
			p++;
	}
	fputc('\n', out);
}

static void finding(const struct finding *f, const struct report_options *o, FILE *out)
{
	fprintf(out, "%s%s:%u:%u%s: %s%s%s [%s] ", sgr(o, "\033[1m"), f->file ? f->file : "<input>", f->line, f->column,
	        sgr(o, "\033[0m"), sgr(o, severity_sgr(f->severity)), severity_name(f->severity), sgr(o, "\033[0m"),
	        f->rule->id);
	message(f->message ? f->message : f->rule->summary, out);
	/* A grouped defect's other objects: a short list, the JSON report has them all. */
	for (size_t i = 0; i < f->objects.n && i < TEXT_MAX_OBJECTS; i++)
		fprintf(out, "   - %s\n", f->objects.items[i]);
	if (f->objects.n > TEXT_MAX_OBJECTS)
		fprintf(out, "   - and %zu more (the JSON report's objects[] lists them all)\n",
		        f->objects.n - TEXT_MAX_OBJECTS);
	if (f->source_line && f->line)
		source_and_caret(f, out);
	if (f->rule->help && *f->rule->help)
		fprintf(out, "   = %shelp:%s %s\n", sgr(o, "\033[1;36m"), sgr(o, "\033[0m"), f->rule->help);
	fputc('\n', out);
}

static bool same_group(const struct finding *a, const struct finding *b)
{
	const char *x = a->revision ? a->revision : a->file, *y = b->revision ? b->revision : b->file;
	return x == y || (x && y && !strcmp(x, y));
}

/* One severity's findings, each revision's under a heading, in report order; how many there were. */
static size_t by_revision(const struct report *r, enum severity sev, const struct report_options *o, FILE *out)
{
	size_t shown = 0;
	bool *done = xcalloc(r->n + 1, sizeof(*done));
	for (size_t i = 0; i < r->n; i++) {
		if (done[i] || r->items[i].severity != sev)
			continue;
		const struct finding *head = &r->items[i];
		const char *what = sev == SEV_ERROR ? "errors" : sev == SEV_WARNING ? "warnings" : "infos";
		if (head->revision)
			fprintf(out, "%s== %s of revision %s (%s) ==%s\n\n", sgr(o, severity_sgr(sev)), what,
			        head->revision, head->file ? head->file : "?", sgr(o, "\033[0m"));
		else
			fprintf(out, "%s== %s in %s ==%s\n\n", sgr(o, severity_sgr(sev)), what,
			        head->file ? head->file : "<input>", sgr(o, "\033[0m"));
		for (size_t j = i; j < r->n; j++)
			if (!done[j] && r->items[j].severity == sev && same_group(head, &r->items[j])) {
				finding(&r->items[j], o, out);
				done[j] = true;
				shown++;
			}
	}
	free(done);
	return shown;
}

/* The findings the summary shows: most severe first, then on the largest table, then report order. */
static int by_weight(const void *pa, const void *pb)
{
	const struct finding *a = *(const struct finding *const *)pa, *b = *(const struct finding *const *)pb;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	long long ta = a->sized ? a->table_bytes : -1, tb = b->sized ? b->table_bytes : -1;
	if (ta != tb)
		return ta > tb ? -1 : 1;
	return a < b ? -1 : a > b;
}

/* One line each for the TEXT_TOP_FINDINGS weightiest errors and warnings; how many more there are. */
static void top_findings(const struct report *r, const struct report_options *o, FILE *out)
{
	const struct finding **top = xcalloc(r->n + 1, sizeof(*top));
	size_t n = 0;
	for (size_t i = 0; i < r->n; i++)
		if (r->items[i].severity >= SEV_WARNING)
			top[n++] = &r->items[i];
	qsort(top, n, sizeof(*top), by_weight);
	fprintf(out, "top findings (%zu error(s) and warning(s) in all):\n", n);
	for (size_t i = 0; i < n && i < TEXT_TOP_FINDINGS; i++)
		fprintf(out, "  %s%s%s [%s] %s %s:%u: %.*s\n", sgr(o, severity_sgr(top[i]->severity)),
		        severity_name(top[i]->severity), sgr(o, "\033[0m"), top[i]->rule->id,
		        top[i]->revision ? top[i]->revision : "-", top[i]->file ? top[i]->file : "<input>",
		        top[i]->line, (int)strcspn(top[i]->message ? top[i]->message : "", "\n"),
		        top[i]->message ? top[i]->message : "");
	if (n > TEXT_TOP_FINDINGS)
		fprintf(out, "  ... and %zu more in the full report (-o FILE, or --report-json)\n",
		        n - TEXT_TOP_FINDINGS);
	fputc('\n', out);
	free(top);
}

/* The revisions whose round trip failed, in history order, with the reason each. */
static void failed_revisions(const struct report *r, FILE *out)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n_revisions; i++)
		n += r->revisions[i].failure != NULL;
	if (!n)
		return;
	fprintf(out, "%zu revision(s) failed the round trip:\n", n);
	for (size_t i = 0; i < r->n_revisions; i++)
		if (r->revisions[i].failure)
			fprintf(out, "  %s (%s): %s\n", r->revisions[i].id,
			        r->revisions[i].file ? r->revisions[i].file : "?", r->revisions[i].failure);
	fputc('\n', out);
}

struct rule_count {
	const struct rule_info *rule;
	enum severity sev;
	size_t n;
};

static int by_count(const void *pa, const void *pb)
{
	const struct rule_count *a = pa, *b = pb;
	if (a->sev != b->sev)
		return a->sev > b->sev ? -1 : 1;
	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return strcmp(a->rule->id, b->rule->id);
}

/* How many findings of each rule and level, the most severe and frequent first. */
static void rule_counts(const struct report *r, FILE *out)
{
	struct rule_count *c = xcalloc(r->n + 1, sizeof(*c));
	size_t n = 0;
	for (size_t i = 0; i < r->n; i++) {
		size_t k = 0;
		while (k < n && !(c[k].rule == r->items[i].rule && c[k].sev == r->items[i].severity))
			k++;
		if (k == n)
			c[n++] = (struct rule_count){r->items[i].rule, r->items[i].severity, 0};
		c[k].n++;
	}
	qsort(c, n, sizeof(*c), by_count);
	if (n)
		fputs("findings by rule:\n", out);
	for (size_t k = 0; k < n; k++)
		fprintf(out, "  %5zu %-7s %s\n", c[k].n, severity_name(c[k].sev), c[k].rule->id);
	if (n)
		fputc('\n', out);
	free(c);
}

/*
 * check's layout for a long history, read top-down: errors grouped by
 * revision in history order, then warnings the same way (infos only with
 * --verbose, else counted in one line); or, with --summary-only or above
 * --max-terminal-findings on the terminal, only the weightiest findings.
 * report_write_text() ends with what a CI log shows last: the revisions that
 * failed their round trip, the counts per rule, the verdict.
 */
static void check_layout(const struct report *r, const struct report_options *o, FILE *out)
{
	size_t shown = report_count(r, SEV_ERROR) + report_count(r, SEV_WARNING);
	if (o->summary_only || (o->max_findings && shown > o->max_findings)) {
		if (!o->summary_only)
			fprintf(
			    out,
			    "%zu errors and warnings, more than --max-terminal-findings %zu: the summary only; -o FILE "
			    "writes the full report\n\n",
			    shown, o->max_findings);
		top_findings(r, o, out);
	} else {
		by_revision(r, SEV_ERROR, o, out);
		by_revision(r, SEV_WARNING, o, out);
		size_t infos = report_count(r, SEV_INFO);
		if (log_verbosity() >= LOG_VERBOSE)
			by_revision(r, SEV_INFO, o, out);
		else if (infos)
			fprintf(out, "%zu info finding(s) not shown: --verbose shows them\n\n", infos);
	}
}

void report_write_text(const struct report *r, const struct report_options *o, FILE *out)
{
	if (o->command && !strcmp(o->command, "check"))
		check_layout(r, o, out);
	else
		for (size_t i = 0; i < r->n; i++)
			finding(&r->items[i], o, out);
	for (size_t i = 0; i < r->notes.n; i++)
		fprintf(out, "note: %s\n", r->notes.items[i]);
	if (o->command && !strcmp(o->command, "check")) {
		failed_revisions(r, out);
		rule_counts(r, out);
	}
	bool failed = report_count_at_least(r, o->fail_on) > 0;
	/* check lints one unit per revision; lint one per file */
	const char *units = o->command && !strcmp(o->command, "check") ? "revision(s)" : "file(s)";
	fprintf(out, "%s%s%s: %zu error(s), %zu warning(s), %zu info in %zu %s, %zu statement(s)",
	        sgr(o, failed ? "\033[1;31m" : "\033[1;32m"), failed ? "FAILED" : "passed", sgr(o, "\033[0m"),
	        report_count(r, SEV_ERROR), report_count(r, SEV_WARNING), report_count(r, SEV_INFO), r->files, units,
	        r->statements);
	if (r->suppressed)
		fprintf(out, ", %zu suppressed", r->suppressed);
	fputc('\n', out);
	if (r->replay.ran) {
		char *line = report_replay_line(&r->replay);
		fprintf(out, "replay: %s\n", line);
		free(line);
	}
}
