/*
 * GitHub Actions workflow commands (::error file=...::message): the runner
 * turns each line on stdout into an annotation on the pull request's diff.
 */
#include <stdlib.h>

#include "report/writers.h"
#include "util/buf.h"

#include "util/banned.h"

static const char *command(enum severity s)
{
	return s == SEV_ERROR ? "error" : s == SEV_WARNING ? "warning" : "notice";
}

/* GitHub's escaping: data may not hold line breaks; property values also not ':' or ','. */
static void add_escaped(struct buf *b, const char *s, int property)
{
	for (; *s; s++) {
		switch (*s) {
		case '%':
			buf_adds(b, "%25");
			break;
		case '\r':
			buf_adds(b, "%0D");
			break;
		case '\n':
			buf_adds(b, "%0A");
			break;
		case ':':
			buf_adds(b, property ? "%3A" : ":");
			break;
		case ',':
			buf_adds(b, property ? "%2C" : ",");
			break;
		default:
			buf_addc(b, *s);
		}
	}
}

static void add_position(struct buf *b, const struct finding *f)
{
	buf_addf(b, ",line=%u", f->line);
	if (f->column)
		buf_addf(b, ",col=%u", f->column);
	if (f->end_line < f->line)
		return;
	buf_addf(b, ",endLine=%u", f->end_line);
	/* GitHub takes an inclusive end column, on one line only; the model's is exclusive. */
	if (f->column && f->end_line == f->line)
		buf_addf(b, ",endColumn=%u", f->end_column > f->column ? f->end_column - 1 : f->column);
}

static void annotation(struct buf *b, const struct finding *f)
{
	buf_addf(b, "::%s ", command(f->severity));
	if (f->file) {
		buf_adds(b, "file=");
		add_escaped(b, f->file, 1);
		if (f->line)
			add_position(b, f);
		buf_addc(b, ',');
	}
	buf_adds(b, "title=");
	add_escaped(b, f->rule->id, 1);
	buf_adds(b, "::");
	add_escaped(b, f->message ? f->message : f->rule->summary, 0);
	if (f->rule->help && *f->rule->help) {
		buf_adds(b, "%0Ahelp: ");
		add_escaped(b, f->rule->help, 0);
	}
	buf_addc(b, '\n');
}

/* check's end state as one notice (a warning when revisions were not replayed). */
static void replay_notice(struct buf *b, const struct report_replay *rp)
{
	char *text = report_replay_line(rp);
	buf_addf(b, "::%s title=migrate-gate replay::", rp->not_replayed ? "warning" : "notice");
	add_escaped(b, text, 0);
	buf_addc(b, '\n');
	free(text);
}

void report_write_github(const struct report *r, const struct report_options *o, FILE *out)
{
	(void)o;
	struct buf line = BUF_INIT;
	for (size_t i = 0; i < r->n; i++) {
		buf_reset(&line);
		annotation(&line, &r->items[i]);
		fputs(line.data, out);
	}
	if (r->replay.ran) {
		buf_reset(&line);
		replay_notice(&line, &r->replay);
		fputs(line.data, out);
	}
	buf_release(&line);
}
