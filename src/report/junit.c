/*
 * JUnit XML, which most CI systems render as a test report: one testcase per
 * finding, failing when the finding is at or above --fail-on.
 */
#include <string.h>

#include "report/writer.h"
#include "util/buf.h"

#include "util/banned.h"

/* Attribute values: parsers turn a raw line break into a space, so keep it as a character reference. */
static void add_attr(struct buf *b, const char *name, const char *value)
{
	buf_addf(b, " %s=\"", name);
	for (const char *p = value; *p;) {
		size_t n = strcspn(p, "\n\r\t");
		struct buf part = BUF_INIT;
		buf_add(&part, p, n);
		buf_add_xml_escaped(b, buf_str(&part));
		buf_release(&part);
		p += n;
		if (*p)
			buf_addf(b, "&#%d;", *p++);
	}
	buf_addc(b, '"');
}

static const char *location(const struct finding *f)
{
	return f->file ? f->file : "<input>";
}

static void testcase(struct buf *b, const struct finding *f, const struct report_options *o)
{
	const char *msg = f->message ? f->message : f->rule->summary;
	struct buf name = BUF_INIT, body = BUF_INIT;
	buf_addf(&name, "%s at %u:%u", f->rule->id, f->line, f->column);
	buf_addf(&body, "%s: %s\nat %s:%u:%u\n", severity_name(f->severity), msg, location(f), f->line, f->column);
	if (f->rule->help && *f->rule->help)
		buf_addf(&body, "help: %s\n", f->rule->help);
	buf_adds(b, "    <testcase");
	add_attr(b, "classname", location(f));
	add_attr(b, "name", name.data);
	if (f->file)
		add_attr(b, "file", f->file);
	if (f->line)
		buf_addf(b, " line=\"%u\"", f->line);
	bool failed = o->fail_on != SEV_NONE && f->severity >= o->fail_on;
	buf_adds(b, failed ? ">\n      <failure" : ">\n      <system-out>");
	if (failed) {
		add_attr(b, "message", msg);
		add_attr(b, "type", f->rule->id);
		buf_addc(b, '>');
	}
	buf_add_xml_escaped(b, body.data);
	buf_adds(b, failed ? "</failure>\n    </testcase>\n" : "</system-out>\n    </testcase>\n");
	buf_release(&name);
	buf_release(&body);
}

/* A report with no findings still gets one passing test, so CI shows the gate ran. */
static void clean_testcase(struct buf *b, const struct report *r)
{
	struct buf name = BUF_INIT;
	buf_addf(&name, "no findings in %zu file(s), %zu statement(s)", r->files, r->statements);
	buf_adds(b, "    <testcase classname=\"migrate-gate\"");
	add_attr(b, "name", name.data);
	buf_adds(b, "/>\n");
	buf_release(&name);
}

static void counts(struct buf *b, size_t tests, size_t failures)
{
	buf_addf(b, " tests=\"%zu\" failures=\"%zu\" errors=\"0\"", tests, failures);
}

void report_write_junit(const struct report *r, const struct report_options *o, FILE *out)
{
	size_t tests = r->n ? r->n : 1, failures = report_count_at_least(r, o->fail_on);
	struct buf b = BUF_INIT, suite = BUF_INIT;
	buf_addf(&suite, "migrate-gate %s", o->command ? o->command : "report");
	buf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"migrate-gate\"");
	counts(&b, tests, failures);
	buf_adds(&b, ">\n  <testsuite");
	add_attr(&b, "name", suite.data);
	counts(&b, tests, failures);
	buf_adds(&b, " skipped=\"0\">\n");
	for (size_t i = 0; i < r->n; i++)
		testcase(&b, &r->items[i], o);
	if (!r->n)
		clean_testcase(&b, r);
	buf_adds(&b, "  </testsuite>\n</testsuites>\n");
	fputs(b.data, out);
	buf_release(&b);
	buf_release(&suite);
}
