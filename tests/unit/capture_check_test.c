/*
 * replay/capture_check: the shape under which a statement the scratch server
 * logged counts as one the driver captured (literals, numbers, NULL/true/false
 * and placeholders blanked, casts of blanked values and repeated VALUES rows
 * dropped, blanks collapsed). The cross-check itself runs against a real
 * server in tests/e2e/check_capture.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "replay/capture_check.h"

static void expect_shape(const char *sql, const char *want)
{
	char *got = capture_shape(sql);
	if (strcmp(got, want))
		fail_msg("shape of '%s' is '%s', want '%s'", sql, got, want);
	free(got);
}

static void expect_same(const char *captured, const char *logged)
{
	char *a = capture_shape(captured), *b = capture_shape(logged);
	if (strcmp(a, b))
		fail_msg("'%s' (%s) and '%s' (%s) differ", captured, a, logged, b);
	free(a);
	free(b);
}

static void test_values_are_blanked(void **state)
{
	(void)state;
	expect_shape("UPDATE t SET a = 5 WHERE id = 12", "UPDATE t SET a = ? WHERE id = ?");
	expect_shape("SELECT 'it''s', 1.5, NULL, true", "SELECT ?, ?, ?, ?");
	/* digits inside identifiers are names, not values */
	expect_shape("CREATE TABLE t1 (c2 varchar(20))", "CREATE TABLE t1 (c2 varchar(?))");
	expect_shape("  CREATE INDEX ix ON t (a);\n", "CREATE INDEX ix ON t (a)");
	expect_shape("SELECT\n\t1\n  FROM   t", "SELECT ? FROM t");
}

static void test_bound_parameters_match_what_the_server_got(void **state)
{
	(void)state;
	expect_same("UPDATE t SET a=%(a)s, d=%(d)s WHERE id = %(id_1)s",
	            "UPDATE t SET a='x', d='2024-01-01'::date WHERE id = 7");
	expect_same("INSERT INTO t (a) VALUES (%s)", "INSERT INTO t (a) VALUES (NULL)");
	expect_same("SELECT 100 %% 7", "SELECT 100 % 7");
	/* executemany as one multi-row VALUES (psycopg2's execute_values) */
	expect_same("INSERT INTO t (a, b) VALUES (%(a)s, %(b)s)",
	            "INSERT INTO t (a, b) VALUES (1, 'x'),(2, 'y'), (3, NULL)");
}

static void test_different_statements_differ(void **state)
{
	(void)state;
	char *a = capture_shape("CREATE INDEX ix_t_a ON t (a)"), *b = capture_shape("CREATE INDEX ix_t_b ON t (b)");
	assert_string_not_equal(a, b);
	free(a);
	free(b);
	a = capture_shape("UPDATE t SET a = 1");
	b = capture_shape("UPDATE t SET a = 1; CREATE INDEX ix ON t (a)");
	assert_string_not_equal(a, b);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_values_are_blanked),
	    cmocka_unit_test(test_bound_parameters_match_what_the_server_got),
	    cmocka_unit_test(test_different_statements_differ),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
