/*
 * JUnit XML, which most CI systems render as a test report: one testcase per
 * unit of work (a revision for check, a file for lint), failing when one of
 * its findings is at or above --fail-on. Every finding of the unit is in the
 * testcase's text, so the test view alone tells what to fix.
 */
#include <stdlib.h>
#include <string.h>

#include "report/writers.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/strset.h"

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

/* The findings of each unit, in report order: units[k] owns order[start[k] .. start[k + 1]). */
struct units {
	struct strlist keys;
	size_t *start; /* n_keys + 1 */
	size_t *order; /* finding indices */
	bool by_revision;
};

static const char *unit_key(const struct finding *f, bool by_revision)
{
	return by_revision && f->revision ? f->revision : location(f);
}

static void add_key(struct units *u, struct strset *index, const char *key)
{
	struct buf pos = BUF_INIT;
	buf_addf(&pos, "%zu", u->keys.n);
	if (!strset_get(index, key)) {
		strset_put(index, key, pos.data);
		strlist_add(&u->keys, key);
	}
	buf_release(&pos);
}

static size_t key_pos(const struct strset *index, const char *key)
{
	return (size_t)strtoul(strset_get(index, key), NULL, 10);
}

/* Revisions (check) or input files (lint) in their order, then any other unit a finding names. */
static void group(const struct report *r, struct units *u)
{
	struct strset index = STRSET_INIT;
	u->by_revision = r->n_revisions > 0;
	strlist_init(&u->keys);
	for (size_t i = 0; i < r->n_revisions; i++)
		add_key(u, &index, r->revisions[i].id);
	for (size_t i = 0; !u->by_revision && i < r->inputs.n; i++)
		add_key(u, &index, r->inputs.items[i]);
	for (size_t i = 0; i < r->n; i++)
		add_key(u, &index, unit_key(&r->items[i], u->by_revision));
	u->start = xcalloc(u->keys.n + 1, sizeof(*u->start));
	u->order = xcalloc(r->n + 1, sizeof(*u->order));
	size_t *pos = xcalloc(r->n + 1, sizeof(*pos));
	for (size_t i = 0; i < r->n; i++) {
		pos[i] = key_pos(&index, unit_key(&r->items[i], u->by_revision));
		u->start[pos[i] + 1]++;
	}
	for (size_t k = 0; k < u->keys.n; k++)
		u->start[k + 1] += u->start[k];
	size_t *fill = xcalloc(u->keys.n + 1, sizeof(*fill));
	for (size_t i = 0; i < r->n; i++)
		u->order[u->start[pos[i]] + fill[pos[i]]++] = i;
	free(fill);
	free(pos);
	strset_release(&index);
}

static void units_release(struct units *u)
{
	strlist_release(&u->keys);
	free(u->start);
	free(u->order);
}

static size_t failing_in(const struct report *r, const struct units *u, size_t k, enum severity fail_on,
                         const struct finding **first)
{
	size_t n = 0;
	*first = NULL;
	for (size_t j = u->start[k]; j < u->start[k + 1]; j++) {
		const struct finding *f = &r->items[u->order[j]];
		if (fail_on != SEV_NONE && f->severity >= fail_on) {
			if (!n++)
				*first = f;
		}
	}
	return n;
}

static void finding_text(struct buf *b, const struct finding *f)
{
	buf_addf(b, "%s [%s] %s\n  at %s:%u:%u\n", severity_name(f->severity), f->rule->id,
	         f->message ? f->message : f->rule->summary, location(f), f->line, f->column);
	if (f->rule->help && *f->rule->help)
		buf_addf(b, "  help: %s\n", f->rule->help);
}

static double unit_seconds(const struct report_revision *rv)
{
	double ms = 0;
	for (size_t k = 0; rv && k < rv->n_steps; k++)
		ms += rv->steps[k].duration_ms;
	return ms / 1e3;
}

static void testcase_head(struct buf *b, const struct report *r, const struct units *u, size_t k,
                          const struct report_options *o)
{
	const struct report_revision *rv = u->by_revision ? report_find_revision(r, u->keys.items[k]) : NULL;
	struct buf name = BUF_INIT, cls = BUF_INIT;
	buf_addf(&cls, "migrate-gate.%s", o->command ? o->command : "report");
	buf_adds(&name, u->keys.items[k]);
	if (rv && rv->title)
		buf_addf(&name, " %s", rv->title);
	buf_adds(b, "    <testcase");
	add_attr(b, "classname", cls.data);
	add_attr(b, "name", name.data);
	if (rv && rv->file)
		add_attr(b, "file", rv->file);
	else if (!u->by_revision)
		add_attr(b, "file", u->keys.items[k]);
	buf_addf(b, " time=\"%.3f\">\n", unit_seconds(rv));
	buf_release(&name);
	buf_release(&cls);
}

/* A revision the replay never reached (an earlier one failed) is skipped, not passed: its only finding says so. */
static bool not_reached(const struct report *r, const struct units *u, size_t k)
{
	const struct report_revision *rv = u->by_revision ? report_find_revision(r, u->keys.items[k]) : NULL;
	for (size_t j = u->start[k]; rv && j < u->start[k + 1]; j++)
		if (strcmp(r->items[u->order[j]].rule->id, "not-replayed"))
			return false;
	return rv && !rv->n_steps;
}

/* check's end state, as testsuite properties. */
static void replay_properties(struct buf *b, const struct report_replay *rp)
{
	char *line = report_replay_line(rp);
	buf_addf(b,
	         "    <properties>\n      <property name=\"replay.revisions\" value=\"%zu\"/>\n"
	         "      <property name=\"replay.replayed\" value=\"%zu\"/>\n"
	         "      <property name=\"replay.failed\" value=\"%zu\"/>\n"
	         "      <property name=\"replay.one_way\" value=\"%zu\"/>\n"
	         "      <property name=\"replay.not_replayed\" value=\"%zu\"/>\n      <property name=\"replay\"",
	         rp->revisions, rp->replayed, rp->failed, rp->one_way, rp->not_replayed);
	add_attr(b, "value", line);
	buf_adds(b, "/>\n    </properties>\n");
	free(line);
}

static void testcase(struct buf *b, const struct report *r, const struct units *u, size_t k,
                     const struct report_options *o)
{
	const struct finding *first;
	size_t failing = failing_in(r, u, k, o->fail_on, &first);
	struct buf body = BUF_INIT, msg = BUF_INIT;
	for (size_t j = u->start[k]; j < u->start[k + 1]; j++)
		finding_text(&body, &r->items[u->order[j]]);
	testcase_head(b, r, u, k, o);
	if (failing) {
		buf_addf(&msg, "%zu finding(s) at or above %s; first: %s", failing, severity_name(o->fail_on),
		         first->message ? first->message : first->rule->summary);
		buf_adds(b, "      <failure");
		add_attr(b, "message", msg.data);
		add_attr(b, "type", first->rule->id);
		buf_addc(b, '>');
		buf_add_xml_escaped(b, body.data ? body.data : "");
		buf_adds(b, "</failure>\n");
	} else {
		if (not_reached(r, u, k))
			buf_adds(b, "      <skipped message=\"not replayed: an earlier revision failed\"/>\n");
		if (!body.len)
			goto out;
		buf_adds(b, "      <system-out>");
		buf_add_xml_escaped(b, body.data);
		buf_adds(b, "</system-out>\n");
	}
out:
	buf_adds(b, "    </testcase>\n");
	buf_release(&body);
	buf_release(&msg);
}

/* A report with no unit still gets one passing test, so CI shows the gate ran. */
static void clean_testcase(struct buf *b, const struct report *r, const struct report_options *o)
{
	struct buf name = BUF_INIT;
	if (o->command && !strcmp(o->command, "check"))
		buf_adds(&name, "no new revisions");
	else
		buf_addf(&name, "no findings in %zu file(s), %zu statement(s)", r->files, r->statements);
	buf_adds(b, "    <testcase classname=\"migrate-gate\"");
	add_attr(b, "name", name.data);
	buf_adds(b, "/>\n");
	buf_release(&name);
}

static void counts(struct buf *b, size_t tests, size_t failures, size_t skipped)
{
	buf_addf(b, " tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\"", tests, failures, skipped);
}

void report_write_junit(const struct report *r, const struct report_options *o, FILE *out)
{
	struct units u;
	group(r, &u);
	size_t tests = u.keys.n ? u.keys.n : 1, failures = 0, skipped = 0;
	const struct finding *first;
	for (size_t k = 0; k < u.keys.n; k++) {
		failures += failing_in(r, &u, k, o->fail_on, &first) > 0;
		skipped += !failing_in(r, &u, k, o->fail_on, &first) && not_reached(r, &u, k);
	}
	struct buf b = BUF_INIT, suite = BUF_INIT;
	buf_addf(&suite, "migrate-gate %s", o->command ? o->command : "report");
	buf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"migrate-gate\"");
	counts(&b, tests, failures, skipped);
	buf_adds(&b, ">\n  <testsuite");
	add_attr(&b, "name", suite.data);
	counts(&b, tests, failures, skipped);
	buf_adds(&b, ">\n");
	if (r->replay.ran)
		replay_properties(&b, &r->replay);
	for (size_t k = 0; k < u.keys.n; k++)
		testcase(&b, r, &u, k, o);
	if (!u.keys.n)
		clean_testcase(&b, r, o);
	buf_adds(&b, "  </testsuite>\n</testsuites>\n");
	fputs(b.data, out);
	buf_release(&b);
	buf_release(&suite);
	units_release(&u);
}
