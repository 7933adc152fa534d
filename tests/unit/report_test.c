/* report: format and severity names, sort order, counts, and each writer's escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "report/finding.h"
#include "report/writer.h"
#include "util/error.h"
#include "util/json.h"
#include "util/mem.h"
#include "util/secret.h"

static const struct rule_info rule_a = {"rule-a", SEV_ERROR, "a is wrong", "do b instead", false};
static const struct rule_info rule_b = {"rule-b", SEV_WARNING, "b is risky", "", true};
static const struct rule_info rule_extra = {"replay-check", SEV_ERROR, "not in the rule list", "look", false};
static const struct rule_info *const rules[] = {&rule_a, &rule_b};

static struct finding *add(struct report *r, const struct rule_info *rule, enum severity sev, const char *file,
                           unsigned line, unsigned column, const char *message)
{
	struct finding *f = report_add(r);
	f->rule = rule;
	f->severity = sev;
	f->file = file ? xstrdup(file) : NULL;
	f->line = f->end_line = line;
	f->column = column;
	f->end_column = column + 1;
	f->message = xstrdup(message);
	return f;
}

static void new_report(struct report *r)
{
	report_init(r);
	r->rules = rules;
	r->n_rules = 2;
	r->files = 2;
	r->statements = 5;
}

/* Runs one writer into memory; the caller frees the text. */
static char *render(const struct report *r, enum report_format fmt, enum severity fail_on)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	struct report_options opt = {false, "lint", fail_on, false, 0};
	assert_int_equal(report_write(r, fmt, &opt, f), 0);
	fclose(f);
	return text;
}

static size_t count_of(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void test_format_names(void **state)
{
	(void)state;
	static const char *const names[] = {"text", "json", "sarif", "gitlab", "junit", "github", "markdown"};
	for (unsigned i = 0; i < 7; i++) {
		enum report_format fmt = FMT_TEXT;
		assert_int_equal(report_format_parse(names[i], &fmt), 0);
		assert_int_equal(fmt, i);
		assert_string_equal(report_format_name(fmt), names[i]);
	}
	enum report_format fmt = FMT_JUNIT;
	assert_int_equal(report_format_parse("xml", &fmt), -1);
	assert_int_equal(report_format_parse("JSON", &fmt), -1);
	assert_int_equal(report_format_parse("", &fmt), -1);
	assert_int_equal(fmt, FMT_JUNIT); /* untouched on failure */
}

static void test_severity_names(void **state)
{
	(void)state;
	enum severity s = SEV_NONE;
	assert_int_equal(severity_parse("error", &s), 0);
	assert_int_equal(s, SEV_ERROR);
	assert_int_equal(severity_parse("warning", &s), 0);
	assert_int_equal(s, SEV_WARNING);
	assert_int_equal(severity_parse("info", &s), 0);
	assert_int_equal(s, SEV_INFO);
	for (const char *const *off = (const char *const[]){"never", "off", "none", NULL}; *off; off++) {
		s = SEV_ERROR;
		assert_int_equal(severity_parse(*off, &s), 0);
		assert_int_equal(s, SEV_NONE);
	}
	s = SEV_INFO;
	assert_int_equal(severity_parse("fatal", &s), -1);
	assert_int_equal(severity_parse("Error", &s), -1);
	assert_int_equal(severity_parse("", &s), -1);
	assert_int_equal(s, SEV_INFO);
	assert_string_equal(severity_name(SEV_ERROR), "error");
	assert_string_equal(severity_name(SEV_INFO), "info");
	assert_string_equal(severity_name((enum severity)7), "unknown");
}

static void test_sort_order(void **state)
{
	(void)state;
	struct report r;
	new_report(&r);
	add(&r, &rule_b, SEV_WARNING, "b.sql", 1, 1, "5");
	add(&r, &rule_a, SEV_ERROR, "a.sql", 10, 1, "3");
	add(&r, &rule_b, SEV_WARNING, "a.sql", 2, 7, "2");
	add(&r, &rule_b, SEV_WARNING, "a.sql", 10, 1, "4");
	add(&r, &rule_a, SEV_ERROR, "a.sql", 2, 3, "1");
	add(&r, &rule_a, SEV_ERROR, NULL, 0, 0, "0");
	report_sort(&r);
	/* No file first, then by file, line (numerically: 2 before 10), column, rule id. */
	for (size_t i = 0; i < r.n; i++)
		assert_int_equal(r.items[i].message[0], '0' + (int)i);
	report_release(&r);
}

static void test_counts(void **state)
{
	(void)state;
	struct report r;
	new_report(&r);
	assert_int_equal(report_count_at_least(&r, SEV_INFO), 0);
	add(&r, &rule_a, SEV_ERROR, "a.sql", 1, 1, "e1");
	add(&r, &rule_a, SEV_ERROR, "a.sql", 2, 1, "e2");
	add(&r, &rule_b, SEV_WARNING, "a.sql", 3, 1, "w");
	add(&r, &rule_b, SEV_INFO, "a.sql", 4, 1, "i");
	assert_int_equal(report_count(&r, SEV_ERROR), 2);
	assert_int_equal(report_count(&r, SEV_WARNING), 1);
	assert_int_equal(report_count(&r, SEV_INFO), 1);
	assert_int_equal(report_count_at_least(&r, SEV_ERROR), 2);
	assert_int_equal(report_count_at_least(&r, SEV_WARNING), 3);
	assert_int_equal(report_count_at_least(&r, SEV_INFO), 4);
	/* --fail-on never: nothing counts, so the gate passes. */
	assert_int_equal(report_count_at_least(&r, SEV_NONE), 0);
	report_release(&r);
	assert_int_equal(r.n, 0);
	report_release(&r); /* twice is fine */
}

static void test_github_escaping(void **state)
{
	(void)state;
	struct report r;
	new_report(&r);
	add(&r, &rule_a, SEV_ERROR, "dir/a,b:c%.sql", 3, 5, "bad \"x\"\r\nnext, 100% : done");
	add(&r, &rule_b, SEV_WARNING, NULL, 0, 0, "no place");
	add(&r, &rule_b, SEV_INFO, "z.sql", 2, 1, "fyi");
	char *text = render(&r, FMT_GITHUB, SEV_ERROR);
	assert_string_equal(text, "::error file=dir/a%2Cb%3Ac%25.sql,line=3,col=5,endLine=3,endColumn=5,title=rule-a::"
	                          "bad \"x\"%0D%0Anext, 100%25 : done%0Ahelp: do b instead\n"
	                          "::warning title=rule-b::no place\n"
	                          "::notice file=z.sql,line=2,col=1,endLine=2,endColumn=1,title=rule-b::fyi\n");
	free(text);
	report_release(&r);
}

static void test_gitlab_fingerprints(void **state)
{
	(void)state;
	struct report r;
	new_report(&r);
	add(&r, &rule_a, SEV_ERROR, "./a.sql", 3, 5, "same");
	add(&r, &rule_a, SEV_ERROR, "./a.sql", 3, 5, "same");
	add(&r, &rule_a, SEV_ERROR, "./a.sql", 4, 5, "same");
	add(&r, &rule_b, SEV_INFO, "./a.sql", 3, 5, "same");
	char *text = render(&r, FMT_GITLAB, SEV_ERROR);
	char *again = render(&r, FMT_GITLAB, SEV_ERROR);
	assert_string_equal(text, again);
	cJSON *doc = cJSON_Parse(text);
	assert_int_equal(cJSON_GetArraySize(doc), 4);
	for (int i = 0; i < 4; i++) {
		cJSON *issue = cJSON_GetArrayItem(doc, i);
		const char *fp = cJSON_GetObjectItem(issue, "fingerprint")->valuestring;
		assert_int_equal(strlen(fp), 16);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(
			    fp, cJSON_GetObjectItem(cJSON_GetArrayItem(doc, j), "fingerprint")->valuestring);
		cJSON *loc = cJSON_GetObjectItem(issue, "location");
		assert_string_equal(cJSON_GetObjectItem(loc, "path")->valuestring, "a.sql");
	}
	const char *sev0 = cJSON_GetObjectItem(cJSON_GetArrayItem(doc, 0), "severity")->valuestring;
	const char *sev3 = cJSON_GetObjectItem(cJSON_GetArrayItem(doc, 3), "severity")->valuestring;
	assert_string_equal(sev0, "critical");
	assert_string_equal(sev3, "info");
	cJSON_Delete(doc);
	free(text);
	free(again);
	report_release(&r);
}

static void test_junit_counts_and_escaping(void **state)
{
	(void)state;
	struct report r;
	new_report(&r);
	strlist_add(&r.inputs, "a<&>.sql");
	strlist_add(&r.inputs, "b.sql");
	strlist_add(&r.inputs, "clean.sql");
	add(&r, &rule_a, SEV_ERROR, "a<&>.sql", 1, 1, "near \"x\" & 'y'\nline two");
	add(&r, &rule_b, SEV_WARNING, "b.sql", 2, 1, "w");
	add(&r, &rule_b, SEV_INFO, "b.sql", 3, 1, "i");
	char *text = render(&r, FMT_JUNIT, SEV_WARNING);
	/* One testcase per file, also the clean one; a file fails once, whatever its number of findings. */
	assert_non_null(strstr(text, "<testsuite name=\"migrate-gate lint\" tests=\"3\" failures=\"2\""));
	assert_int_equal(count_of(text, "<testcase "), 3);
	assert_int_equal(count_of(text, "<failure "), 2);
	assert_non_null(strstr(text, "name=\"a&lt;&amp;&gt;.sql\""));
	assert_non_null(strstr(text, "message=\"1 finding(s) at or above warning; first: near &quot;x&quot; &amp; "
	                             "&apos;y&apos;&#10;line two\""));
	assert_non_null(strstr(text, "message=\"1 finding(s) at or above warning; first: w\""));
	/* Findings below the level are in the failing testcase's text too. */
	assert_non_null(strstr(text, "info [rule-b] i"));
	assert_null(strstr(text, "a<&>"));
	free(text);
	text = render(&r, FMT_JUNIT, SEV_NONE);
	assert_int_equal(count_of(text, "<failure "), 0);
	assert_int_equal(count_of(text, "<system-out>"), 2);
	assert_non_null(strstr(text, "failures=\"0\""));
	free(text);
	report_release(&r);
	new_report(&r);
	text = render(&r, FMT_JUNIT, SEV_ERROR);
	assert_int_equal(count_of(text, "<testcase "), 1); /* a clean run still shows one passing test */
	assert_non_null(strstr(text, "tests=\"1\" failures=\"0\""));
	free(text);
	report_release(&r);
}

/* check: one testcase per revision, in replay order; one never replayed is skipped. */
static void test_junit_per_revision(void **state)
{
	(void)state;
	struct report r;
	new_report(&r);
	struct report_revision *a = report_add_revision(&r, "0002", "add & index", "versions/0002.py");
	report_add_step(a, "upgrade", REPORT_STEP_OK, 10, 1500);
	report_add_step(a, "downgrade", REPORT_STEP_OK, 1600, 500);
	struct report_revision *b = report_add_revision(&r, "0001", NULL, "versions/0001.py");
	report_add_step(b, "upgrade", REPORT_STEP_FAILED, 2200, 100);
	report_add_revision(&r, "0003", "later", NULL);
	add(&r, &rule_a, SEV_ERROR, "versions/0001.py", 3, 1, "boom")->revision = xstrdup("0001");
	add(&r, &rule_b, SEV_WARNING, "versions/0002.py", 3, 1, "meh")->revision = xstrdup("0002");
	report_sort(&r);
	char *text = render(&r, FMT_JUNIT, SEV_ERROR);
	assert_non_null(strstr(text, "tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\""));
	const char *t2 = strstr(text, "name=\"0002 add &amp; index\" file=\"versions/0002.py\" time=\"2.000\"");
	const char *t1 = strstr(text, "name=\"0001\" file=\"versions/0001.py\" time=\"0.100\">\n      <failure");
	const char *t3 = strstr(text, "name=\"0003 later\" time=\"0.000\">\n      <skipped");
	assert_true(t2 && t1 && t3 && t2 < t1 && t1 < t3);
	assert_non_null(strstr(text, "<system-out>warning [rule-b] meh"));
	free(text);
	report_release(&r);
}

static cJSON *parse_json(const char *text)
{
	cJSON *doc = cJSON_Parse(text);
	assert_non_null(doc);
	return doc;
}

static void test_sarif_rules_and_uris(void **state)
{
	(void)state;
	struct report r;
	new_report(&r);
	add(&r, &rule_extra, SEV_ERROR, "/abs/dir/x y.sql", 1, 2, "m1");
	add(&r, &rule_b, SEV_INFO, "./rel:a.sql", 0, 0, "m2");
	char *text = render(&r, FMT_SARIF, SEV_ERROR);
	cJSON *doc = parse_json(text);
	assert_string_equal(cJSON_GetObjectItem(doc, "version")->valuestring, "2.1.0");
	cJSON *run = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "runs"), 0);
	cJSON *driver = cJSON_GetObjectItem(cJSON_GetObjectItem(run, "tool"), "driver");
	cJSON *rl = cJSON_GetObjectItem(driver, "rules");
	/* Every known rule, then the one only a finding used. */
	assert_int_equal(cJSON_GetArraySize(rl), 3);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(rl, 2), "id")->valuestring, "replay-check");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(rl, 2), "name")->valuestring, "ReplayCheck");
	/* Each rule's help is its section of docs/rules.md in the repository. */
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(rl, 2), "helpUri")->valuestring,
	                    MIGRATE_GATE_REPO_URL "/blob/main/docs/rules.md#replay-check");
	assert_string_equal(cJSON_GetObjectItem(driver, "informationUri")->valuestring,
	                    MIGRATE_GATE_REPO_URL "/blob/main/docs/rules.md");
	cJSON *conf = cJSON_GetObjectItem(cJSON_GetArrayItem(rl, 1), "defaultConfiguration");
	assert_string_equal(cJSON_GetObjectItem(conf, "level")->valuestring, "warning");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(conf, "enabled")));
	cJSON *results = cJSON_GetObjectItem(run, "results");
	cJSON *r0 = cJSON_GetArrayItem(results, 0), *r1 = cJSON_GetArrayItem(results, 1);
	assert_int_equal(cJSON_GetObjectItem(r0, "ruleIndex")->valueint, 2);
	assert_int_equal(cJSON_GetObjectItem(r1, "ruleIndex")->valueint, 1);
	assert_string_equal(cJSON_GetObjectItem(r1, "level")->valuestring, "note");
	assert_non_null(strstr(text, "\"uri\":\t\"file:///abs/dir/x%20y.sql\""));
	assert_non_null(strstr(text, "\"uri\":\t\"rel%3Aa.sql\""));
	/* Line 0 means unknown: the location has no region. */
	cJSON *loc1 =
	    cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(r1, "locations"), 0), "physicalLocation");
	assert_null(cJSON_GetObjectItem(loc1, "region"));
	cJSON_Delete(doc);
	free(text);
	report_release(&r);
}

static void test_write_failure_is_an_error(void **state)
{
	(void)state;
	FILE *full = fopen("/dev/full", "w");
	if (!full)
		skip();
	struct report r;
	new_report(&r);
	add(&r, &rule_a, SEV_ERROR, "a.sql", 1, 1, "m");
	struct report_options opt = {false, "lint", SEV_ERROR, false, 0};
	unsigned before = gate_error_count();
	assert_int_equal(report_write(&r, FMT_SARIF, &opt, full), -1);
	assert_int_equal(gate_error_count(), before + 1);
	assert_int_equal(gate_error_code(), EXIT_USAGE);
	assert_non_null(strstr(gate_error_message(before), "sarif"));
	fclose(full);
	report_release(&r);
}

/*
 * Issue 6 item 1: a password in a finding (a revision's exception message, the
 * source line, the file name) or a note never reaches any format, raw or %-encoded.
 */
static void test_every_format_masks_secrets(void **state)
{
	(void)state;
	static const char *const spellings[] = {"Sc@r:t/ch Pw%1", "Sc%40r%3At%2Fch%20Pw%251", "Sc%40r%3at%2fch+Pw%251",
	                                        "Sc%40r%3At%2Fch Pw%1", "ghp_T0kenValue99"};
	struct report r;
	new_report(&r);
	secret_add("Sc@r:t/ch Pw%1");
	secret_add("ghp_T0kenValue99");
	struct finding *f = add(&r, &rule_a, SEV_ERROR, "versions/Sc@r:t/ch Pw%1.py", 3, 1,
	                        "OperationalError: connecting to postgresql://u:Sc%40r%3At%2Fch%20Pw%251@db/prod "
	                        "(PGPASSWORD=Sc@r:t/ch Pw%1) with token ghp_T0kenValue99, url Sc%40r%3at%2fch+Pw%251 "
	                        "and Sc%40r%3At%2Fch Pw%1");
	f->source_line = xstrdup("    url = 'postgresql://u:Sc@r:t/ch Pw%1@db/prod'");
	f->revision = xstrdup("ghp_T0kenValue99");
	add(&r, &rule_b, SEV_WARNING, "versions/Sc@r:t/ch Pw%1.py", 3, 5, "same line")->source_line =
	    xstrdup("    url = 'postgresql://u:Sc@r:t/ch Pw%1@db/prod'");
	strlist_add(&r.notes, "env.py printed host=db password=Sc@r:t/ch Pw%1");
	for (unsigned fmt = FMT_TEXT; fmt <= FMT_GITHUB; fmt++) {
		char *text = render(&r, (enum report_format)fmt, SEV_ERROR);
		for (size_t i = 0; i < sizeof(spellings) / sizeof(spellings[0]); i++) {
			if (strstr(text, spellings[i]))
				fail_msg("%s shows '%s':\n%s", report_format_name((enum report_format)fmt),
				         spellings[i], text);
		}
		assert_non_null(strstr(text, "****"));
		free(text);
	}
	/* The report itself is untouched: masking is on the way out. */
	assert_non_null(strstr(r.items[0].message, "ghp_T0kenValue99"));
	report_release(&r);
	secret_clear();
}

/* A long line shows a window around the column, with its caret under the right character. */
static void test_text_long_line_window(void **state)
{
	(void)state;
	char line[1001];
	memset(line, 'a', 500);
	line[500] = 'X';
	memset(line + 501, 'b', 499);
	line[1000] = '\0';
	struct report r;
	new_report(&r);
	finding_set_source(add(&r, &rule_a, SEV_ERROR, "one.sql", 1, 501, "kept"), line, 1000, 500);
	assert_int_equal(strlen(r.items[0].source_line), 2 * FINDING_SOURCE_WINDOW + 1);
	add(&r, &rule_a, SEV_ERROR, "two.sql", 1, 501, "whole")->source_line = xstrdup(line); /* as replay stores it */
	finding_set_source(add(&r, &rule_a, SEV_ERROR, "three.sql", 2, 3, "short"), "\tab", 3, 2);
	/* check moves a lint finding from the joined SQL to its revision file's line */
	struct finding *moved = add(&r, &rule_a, SEV_ERROR, "zz.py", 1, 501, "moved");
	finding_set_source(moved, line, 1000, 500);
	moved->column = 5;
	finding_take_source(moved, xstrdup("    op.create_index()"));
	char *text = render(&r, FMT_TEXT, SEV_ERROR);
	char want[512];
	snprintf(want, sizeof(want), "   | ...%.*sX%.*s...\n   |    %*s^\n", FINDING_SOURCE_WINDOW, line,
	         FINDING_SOURCE_WINDOW, line + 501, FINDING_SOURCE_WINDOW, "");
	assert_int_equal(count_of(text, want), 2);
	assert_non_null(strstr(text, "   | \tab\n   | \t ^\n"));
	assert_non_null(strstr(text, "   |     op.create_index()\n   |     ^\n"));
	free(text);
	report_release(&r);
}

/* A line of up to 2W+1 characters is shown whole, the caret near its start; a longer one keeps 2W+1. */
static void test_text_window_uses_the_whole_span(void **state)
{
	(void)state;
	const size_t span = 2 * FINDING_SOURCE_WINDOW + 1;
	char line[2 * FINDING_SOURCE_WINDOW + 3];
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	struct report r;
	new_report(&r);
	finding_set_source(add(&r, &rule_a, SEV_ERROR, "a.py", 1, 5, "fits"), line, span, 4);
	assert_int_equal(strlen(r.items[0].source_line), 2 * FINDING_SOURCE_WINDOW + 1);
	assert_false(r.items[0].source_clipped);
	finding_set_source(add(&r, &rule_a, SEV_ERROR, "b.py", 1, 5, "one too long"), line, span + 1, 4);
	assert_int_equal(strlen(r.items[1].source_line), 2 * FINDING_SOURCE_WINDOW + 1);
	assert_true(r.items[1].source_clipped);
	report_release(&r);
}

static void expect_bytes(double bytes, const char *want)
{
	char *got = human_bytes(bytes);
	assert_string_equal(got, want);
	free(got);
}

/* Every report (backup, status, plan, deploy) writes sizes one way: binary units, one decimal under 10. */
static void test_human_bytes(void **state)
{
	(void)state;
	expect_bytes(0, "0 B");
	expect_bytes(800, "800 B");
	expect_bytes(1024, "1.0 KiB");
	expect_bytes(27 * 1024 + 300, "27 KiB");
	expect_bytes(147456, "144 KiB");
	expect_bytes(8.5 * 1024 * 1024, "8.5 MiB");
	expect_bytes(1054.0 * 1024 * 1024, "1.0 GiB");
	expect_bytes(3.4 * 1024 * 1024 * 1024, "3.4 GiB");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format_names),
	    cmocka_unit_test(test_human_bytes),
	    cmocka_unit_test(test_severity_names),
	    cmocka_unit_test(test_sort_order),
	    cmocka_unit_test(test_counts),
	    cmocka_unit_test(test_github_escaping),
	    cmocka_unit_test(test_gitlab_fingerprints),
	    cmocka_unit_test(test_junit_counts_and_escaping),
	    cmocka_unit_test(test_junit_per_revision),
	    cmocka_unit_test(test_sarif_rules_and_uris),
	    cmocka_unit_test(test_write_failure_is_an_error),
	    cmocka_unit_test(test_every_format_masks_secrets),
	    cmocka_unit_test(test_text_long_line_window),
	    cmocka_unit_test(test_text_window_uses_the_whole_span),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
