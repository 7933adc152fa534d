/* report/markdown.c: verdict, revision table, findings, timeline, SQL blocks, escaping and caps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report/finding.h"
#include "report/writer.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/mem.h"

static const struct rule_info rule_a = {"rule-a", SEV_ERROR, "a is wrong", "use <b> | c_d instead", false};
static const struct rule_info rule_w = {"rule-w", SEV_WARNING, "w is risky", "", false};

static char *render(const struct report *r, const char *command, enum severity fail_on)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	struct report_options opt = {false, command, fail_on, false, 0};
	assert_int_equal(report_write(r, FMT_MARKDOWN, &opt, f), 0);
	fclose(f);
	return text;
}

static struct finding *add(struct report *r, const struct rule_info *rule, enum severity sev, const char *rev,
                           const char *message)
{
	struct finding *f = report_add(r);
	f->rule = rule;
	f->severity = sev;
	f->file = xstrdup("versions/x.py");
	f->line = 7;
	f->revision = rev ? xstrdup(rev) : NULL;
	f->message = xstrdup(message);
	return f;
}

static size_t count_of(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* Two revisions, one failed on its second upgrade, and the third never reached. */
static void sample(struct report *r)
{
	report_init(r);
	r->statements = 3;
	struct report_revision *a = report_add_revision(r, "0001", "create | table", "versions/0001.py");
	report_add_step(a, "upgrade", REPORT_STEP_OK, 1000, 120);
	report_add_step(a, "downgrade", REPORT_STEP_OK, 1200, 30);
	report_add_step(a, "second upgrade", REPORT_STEP_OK, 1300, 110);
	report_add_sql(a, "CREATE TABLE t (id int)");
	report_add_sql(a, "SELECT '```' -- fence inside\n");
	struct report_revision *b = report_add_revision(r, "0002", "idx: #1", "versions/0002.py");
	report_add_step(b, "upgrade", REPORT_STEP_OK, 1500, 0.2);
	report_add_step(b, "downgrade", REPORT_STEP_OK, 1600, 40);
	report_add_step(b, "second upgrade", REPORT_STEP_FAILED, 1700, 50);
	report_add_sql(b, "CREATE INDEX ix ON t (id);");
	report_add_revision(r, "0003", NULL, NULL);
	add(r, &rule_a, SEV_ERROR, "0002", "index \"ix\" <script>alert(1)</script> *bold* [x](y)");
	add(r, &rule_w, SEV_WARNING, "0001", "careful");
}

static void test_verdict_table_and_findings(void **state)
{
	(void)state;
	struct report r;
	sample(&r);
	char *text = render(&r, "check", SEV_ERROR);
	assert_true(
	    !strncmp(text, "### \u274c migrate-gate check failed\n", strlen("### \u274c migrate-gate check failed\n")));
	assert_non_null(strstr(text, "**1 error(s)**, 1 warning(s), 0 info in 3 revision(s), 3 statement(s)"));
	assert_non_null(strstr(text, "| | revision | description | upgrade | downgrade | second upgrade |\n"
	                             "|---|---|---|---|---|---|\n"));
	/* A pipe in a title would split the cell. */
	assert_non_null(
	    strstr(text, "| \u26a0\ufe0f | <code>0001</code> | create \\| table | \u2705 0.12 s | \u2705 0.03 s |"));
	assert_non_null(
	    strstr(text, "| \u274c | <code>0002</code> | idx: \\#1 | \u2705 0.00 s | \u2705 0.04 s | \u274c 0.05 s |"));
	assert_non_null(strstr(text, "| \u2705 | <code>0003</code> |  | \u2796 | \u2796 | \u2796 |"));
	/* Untrusted text cannot inject HTML or Markdown. */
	assert_null(strstr(text, "<script>"));
	assert_non_null(strstr(text, "&lt;script&gt;alert(1)&lt;/script&gt; \\*bold\\* \\[x\\](y)"));
	assert_non_null(
	    strstr(text, "[<code>rule-a</code>](" MIGRATE_GATE_REPO_URL "/blob/main/docs/rules.md#rule-a)"));
	assert_non_null(strstr(text, "*help:* use &lt;b&gt; \\| c\\_d instead"));
	assert_non_null(strstr(text, "at <code>versions/x.py:7</code>"));
	free(text);
	text = render(&r, "check", SEV_NONE);
	assert_true(!strncmp(text, "### \u2705 migrate-gate check passed", 20));
	free(text);
	report_release(&r);
}

static void test_timeline(void **state)
{
	(void)state;
	struct report r;
	sample(&r);
	char *text = render(&r, "check", SEV_ERROR);
	const char *chart = strstr(text, "```mermaid\ngantt\n");
	assert_non_null(chart);
	assert_non_null(strstr(chart, "    dateFormat x\n    axisFormat %S.%L s\n    todayMarker off\n"));
	/* ':' and '#' are Mermaid syntax: not in a section name. */
	assert_non_null(strstr(chart, "    section 0001\n    upgrade (120 ms) :done, 1000, 1120\n"));
	/* A step shorter than a millisecond is still drawn; a failed one is critical. */
	assert_non_null(strstr(chart, "    upgrade (1 ms) :done, 1500, 1501\n"));
	assert_non_null(strstr(chart, "    second upgrade (50 ms) :crit, 1700, 1750\n"));
	/* The revision that never ran has no section. */
	assert_null(strstr(chart, "section 0003"));
	free(text);
	report_release(&r);
}

static void test_sql_blocks(void **state)
{
	(void)state;
	struct report r;
	sample(&r);
	char *text = render(&r, "check", SEV_ERROR);
	/* The fence is longer than the backtick run inside the SQL. */
	assert_non_null(
	    strstr(text, "<details><summary><code>0001</code> create \\| table \u2014 2 statement(s)</summary>\n\n"
	                 "````sql\nCREATE TABLE t (id int);\nSELECT '```' -- fence inside;\n````\n\n</details>\n"));
	/* A trailing semicolon is not doubled. */
	assert_non_null(strstr(text, "```sql\nCREATE INDEX ix ON t (id);\n```\n"));
	assert_int_equal(count_of(text, "<details>"), 2);
	free(text);
	report_release(&r);
}

/* Masking happens when SQL enters the report, so no writer can leak a password. */
static void test_sql_is_masked(void **state)
{
	(void)state;
	struct report r;
	report_init(&r);
	log_add_secret("s3cr3t-token");
	struct report_revision *a = report_add_revision(&r, "0001", NULL, NULL);
	report_add_sql(a, "CREATE SERVER x OPTIONS (password 's3cr3t-token')");
	report_add_sql(a, "SELECT dblink('postgresql://u:hunter2pw@h/db')");
	char *text = render(&r, "check", SEV_ERROR);
	assert_null(strstr(text, "s3cr3t-token"));
	assert_null(strstr(text, "hunter2pw"));
	free(text);
	report_release(&r);
}

static void test_caps(void **state)
{
	(void)state;
	struct report r;
	report_init(&r);
	struct report_revision *a = report_add_revision(&r, "big", NULL, NULL);
	report_add_step(a, "upgrade", REPORT_STEP_OK, 0, 5);
	struct buf stmt = BUF_INIT;
	for (int i = 0; i < 9000; i++)
		buf_adds(&stmt, "x");
	for (int i = 0; i < 200; i++)
		report_add_sql(a, stmt.data);
	for (int i = 0; i < 250; i++)
		add(&r, &rule_w, SEV_WARNING, "big", "w");
	char *text = render(&r, "check", SEV_ERROR);
	assert_true(strlen(text) < 200 * 1024);
	assert_non_null(strstr(text, "-- ... (statement cut)"));
	assert_non_null(strstr(text, "more statement(s): see the JSON report"));
	assert_non_null(strstr(text, "and 50 more finding(s)"));
	free(text);
	buf_release(&stmt);
	report_release(&r);
}

static void test_outcomes_and_modes(void **state)
{
	(void)state;
	struct report r;
	report_init(&r);
	struct report_revision *a = report_add_revision(&r, "0001", NULL, NULL);
	a->mode = xstrdup("breaking");
	a->mode_reason = xstrdup("drops column \"x\"");
	report_set_outcome(&r.backup, true, "12 MB in 3.1 s", "/backups/prod.tar");
	report_set_outcome(&r.apply, false, "0001 failed: lock timeout", NULL);
	char *text = render(&r, "deploy", SEV_ERROR);
	assert_non_null(strstr(text, "migrate-gate deploy failed")); /* the apply failed, no finding */
	assert_non_null(strstr(text, "| deploy mode |"));
	assert_non_null(strstr(text, "| breaking: drops column \"x\" |"));
	assert_non_null(strstr(text, "**Backup:** \u2705 12 MB in 3.1 s <code>/backups/prod.tar</code>"));
	assert_non_null(strstr(text, "**Apply:** \u274c 0001 failed: lock timeout"));
	free(text);
	report_release(&r);
	report_init(&r);
	text = render(&r, "check", SEV_ERROR);
	assert_non_null(strstr(text, "No new revisions: nothing to replay."));
	assert_null(strstr(text, "**Backup:**"));
	free(text);
	report_release(&r);
}

/* The comment body: a marker with the key and the hash of the rest; a long report cut with its blocks closed. */
static void test_comment_body(void **state)
{
	(void)state;
	char *a = report_comment_body("### report\n", "api v2", 1000, NULL);
	char *b = report_comment_body("### report\n", "api v2", 1000, NULL);
	char *c = report_comment_body("### other\n", "api v2", 1000, NULL);
	char *hash = NULL;
	assert_true(!strncmp(a, "<!-- migrate-gate:api-v2 sha256:", 32)); /* the key is made safe */
	assert_true(report_comment_marker(a, "api v2", &hash));
	assert_int_equal(strlen(hash), 64);
	assert_false(report_comment_marker(a, "api", NULL));
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	free(hash);
	struct buf md = BUF_INIT;
	buf_adds(&md, "### r\n<details><summary>x</summary>\n\n````sql\n");
	for (int i = 0; i < 500; i++)
		buf_addf(&md, "SELECT %d;\n", i);
	buf_adds(&md, "````\n</details>\n");
	char *cut = report_comment_body(md.data, "k", 4000, "https://ci.example/job/1");
	assert_true(strlen(cut) <= 4000);
	assert_non_null(strstr(cut, "\n````\n\n</details>\n\n---\n**The report is cut here"));
	assert_non_null(strstr(cut, "[the job's summary](https://ci.example/job/1)"));
	assert_null(strstr(cut, "SELECT 499;"));
	free(cut);
	buf_release(&md);
	free(a);
	free(b);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_verdict_table_and_findings),
	    cmocka_unit_test(test_timeline),
	    cmocka_unit_test(test_sql_blocks),
	    cmocka_unit_test(test_sql_is_masked),
	    cmocka_unit_test(test_caps),
	    cmocka_unit_test(test_outcomes_and_modes),
	    cmocka_unit_test(test_comment_body),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
