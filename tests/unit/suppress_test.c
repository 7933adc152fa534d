/* lint/suppress: finding "-- migrate-gate:" directives with PostgreSQL's scanner. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "lint/suppress.h"

static void scan(struct suppressions *s, const char *text)
{
	suppressions_init(s);
	suppressions_scan(s, text, strlen(text));
}

static void test_none(void **state)
{
	(void)state;
	struct suppressions s;
	scan(&s, "SELECT 1; -- just a comment\n/* migrate-gate: ignore x */ SELECT 2;");
	assert_int_equal(s.n, 0); /* block comments are not directives */
	assert_false(s.file_all);
	assert_int_equal(s.bad.n, 0);
	suppressions_release(&s);
	suppressions_release(&s);
}

static void test_line_before_and_trailing(void **state)
{
	(void)state;
	const char *t = "-- migrate-gate: ignore rule-a,rule-b -- because\n"
	                "CREATE INDEX i ON t (a);  -- migrate-gate: ignore rule-c\n";
	struct suppressions s;
	scan(&s, t);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.items[0].offset, 0);
	assert_false(s.items[0].trailing);
	assert_false(s.items[0].file_wide);
	assert_int_equal(s.items[0].rules.n, 2);
	assert_string_equal(s.items[0].rules.items[0], "rule-a");
	assert_string_equal(s.items[0].rules.items[1], "rule-b"); /* the reason is not a rule */
	assert_int_equal(s.items[1].offset, (size_t)(strstr(t, "-- migrate-gate: ignore rule-c") - t));
	assert_true(s.items[1].trailing);
	assert_int_equal(s.items[1].rules.n, 1);
	assert_string_equal(s.items[1].rules.items[0], "rule-c");
	assert_false(s.file_all);
	suppressions_release(&s);
}

static void test_bare_ignore_means_every_rule(void **state)
{
	(void)state;
	struct suppressions s;
	scan(&s, "  --migrate-gate: ignore -- trust me\nDROP TABLE t;");
	assert_int_equal(s.n, 1);
	assert_int_equal(s.items[0].rules.n, 0);
	assert_false(s.items[0].trailing); /* only blanks before it */
	assert_false(s.file_all);          /* a statement ignore is not file-wide */
	suppressions_release(&s);
}

static void test_ignore_file(void **state)
{
	(void)state;
	struct suppressions s;
	scan(&s, "-- migrate-gate: ignore-file rule-a, rule-b -- legacy\n"
	         "-- migrate-gate: ignore-file rule-c\nSELECT 1;");
	assert_int_equal(s.n, 2);
	assert_true(s.items[0].file_wide);
	assert_false(s.file_all);
	assert_int_equal(s.file_rules.n, 3);
	assert_string_equal(s.file_rules.items[0], "rule-a");
	assert_string_equal(s.file_rules.items[1], "rule-b");
	assert_string_equal(s.file_rules.items[2], "rule-c");
	suppressions_release(&s);

	scan(&s, "SELECT 1;\n-- migrate-gate: ignore-file\n");
	assert_true(s.file_all);
	assert_int_equal(s.file_rules.n, 0);
	suppressions_release(&s);

	scan(&s, "-- migrate-gate: ignore-file -- no rules given\n");
	assert_true(s.file_all);
	suppressions_release(&s);
}

static void test_not_in_strings(void **state)
{
	(void)state;
	struct suppressions s;
	scan(&s, "SELECT '-- migrate-gate: ignore-file', $$\n-- migrate-gate: ignore-file\n$$,\n"
	         "E'\\' -- migrate-gate: ignore x';\n"
	         "COMMENT ON TABLE t IS $tag$ -- migrate-gate: ignore y $tag$;");
	assert_int_equal(s.n, 0);
	assert_false(s.file_all);
	suppressions_release(&s);
}

static void test_bad_directives(void **state)
{
	(void)state;
	struct suppressions s;
	scan(&s, "-- migrate-gate: ignorex rule\n-- migrate-gate: disable rule\n-- migrate-gate: ignore-files\n"
	         "-- migrate-gate:\nSELECT 1;");
	assert_int_equal(s.n, 0);
	assert_false(s.file_all);
	assert_int_equal(s.bad.n, 4);
	assert_non_null(strstr(s.bad.items[1], "disable"));
	suppressions_release(&s);
}

static void test_unterminated_input(void **state)
{
	(void)state;
	struct suppressions s;
	/* The scanner fails on an open quote; nothing may crash and nothing is invented. */
	scan(&s, "-- migrate-gate: ignore a\nSELECT 'open");
	assert_true(s.n <= 1);
	suppressions_release(&s);
	scan(&s, "-- migrate-gate: ignore a");
	assert_int_equal(s.n, 1);
	assert_string_equal(s.items[0].rules.items[0], "a");
	suppressions_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_none),
	    cmocka_unit_test(test_line_before_and_trailing),
	    cmocka_unit_test(test_bare_ignore_means_every_rule),
	    cmocka_unit_test(test_ignore_file),
	    cmocka_unit_test(test_not_in_strings),
	    cmocka_unit_test(test_bad_directives),
	    cmocka_unit_test(test_unterminated_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
