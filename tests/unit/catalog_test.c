/*
 * Schema-aware lint (lint/catalog.c): with the catalog the unit started from,
 * an ALTER COLUMN TYPE is judged by the column's real old type, and a foreign
 * key added to an existing table by the indexes it really has. Without the
 * catalog the same statements give what plain .sql files give.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "lint/lint.h"
#include "report/finding.h"
#include "util/strset.h"

static const struct lint_config in_tx = {15, true, NULL, NULL, NULL, false, 0};

static struct report rep;
static struct strlist catalog;

static int fresh(void **state)
{
	(void)state;
	report_init(&rep);
	strlist_init(&catalog);
	/* As pg/snapshot.c writes them: format_type() spellings, pg_get_constraintdef, pg_get_indexdef. */
	static const char *const lines[] = {
	    "column\tt.name\ttext\tnull\t\t\t\t\t1\t",
	    "column\tt.code\tcharacter varying(50)\tnull\t\t\t\t\t2\t",
	    "column\tt.price\tnumeric(10,2)\tnull\t\t\t\t\t3\t",
	    "column\tt.title\tcharacter varying(100)\tnull\t\t\t\t\t4\t",
	    "column\tt.amount\tnumeric(10,2)\tnull\t\t\t\t\t5\t",
	    "column\tt.born\ttimestamp(3) without time zone\tnull\t\t\t\t\t6\t",
	    "column\tt.n\tinteger\tnull\t\t\t\t\t7\t",
	    "column\tt.owner_id\tinteger\tnull\t\t\t\t\t8\t",
	    "column\tt.team_id\tinteger\tnull\t\t\t\t\t9\t",
	    "constraint\tt.t_pkey\tPRIMARY KEY (n)",
	    "constraint\tt.ck_code\tCHECK ((code IS NOT NULL))",
	    "constraint\tt.ck_title\tCHECK ((title IS NOT NULL)) NOT VALID",
	    "index\tt.ix_t_owner\tCREATE INDEX ix_t_owner ON public.t USING btree (owner_id, n)\tvalid",
	    "index\tt.ix_t_lower\tCREATE INDEX ix_t_lower ON public.t USING btree (lower(name))\tvalid",
	};
	for (size_t i = 0; i < sizeof lines / sizeof *lines; i++)
		strlist_add(&catalog, lines[i]);
	return 0;
}

static int done(void **state)
{
	(void)state;
	report_release(&rep);
	strlist_release(&catalog);
	return 0;
}

static size_t count(const char *sql, const char *rule, bool with_catalog)
{
	struct lint_input_stmt stmt = {sql, strlen(sql), false};
	struct lint_unit u = {"versions/0002.py", NULL, 0, "0002", &stmt, 1, with_catalog ? &catalog : NULL};
	size_t before = rep.n, n = 0;
	assert_int_equal(lint_unit(&in_tx, &u, &rep), 0);
	for (size_t i = before; i < rep.n; i++)
		n += !strcmp(rep.items[i].rule->id, rule);
	return n;
}

#define TYPE_CHANGE(sql) count(sql, "alter-column-type", true)

static void test_narrowing_changes_found(void **state)
{
	(void)state;
	assert_int_equal(TYPE_CHANGE("ALTER TABLE t ALTER COLUMN name TYPE varchar(200)"), 1);
	assert_int_equal(TYPE_CHANGE("ALTER TABLE t ALTER COLUMN code TYPE varchar(20)"), 1);
	assert_int_equal(TYPE_CHANGE("ALTER TABLE t ALTER COLUMN price TYPE numeric(10,3)"), 1);
	assert_int_equal(TYPE_CHANGE("ALTER TABLE t ALTER COLUMN born TYPE timestamp(0)"), 1);
	/* Without the catalog the old type is unknown, and these targets can be reached for free. */
	assert_int_equal(count("ALTER TABLE t ALTER COLUMN name TYPE varchar(200)", "alter-column-type", false), 0);
	assert_int_equal(count("ALTER TABLE t ALTER COLUMN price TYPE numeric(10,3)", "alter-column-type", false), 0);
}

static void test_widening_stays_clean(void **state)
{
	(void)state;
	assert_int_equal(TYPE_CHANGE("ALTER TABLE t ALTER COLUMN title TYPE varchar(200)"), 0);
	assert_int_equal(TYPE_CHANGE("ALTER TABLE t ALTER COLUMN amount TYPE numeric(12,2)"), 0);
	assert_int_equal(TYPE_CHANGE("ALTER TABLE t ALTER COLUMN code TYPE text"), 0);
	assert_int_equal(TYPE_CHANGE("ALTER TABLE t ALTER COLUMN born TYPE timestamp(6)"), 0);
	assert_int_equal(TYPE_CHANGE("ALTER TABLE t ALTER COLUMN n TYPE integer"), 0);
}

static void test_foreign_key_on_existing_table(void **state)
{
	(void)state;
	const char *rule = "foreign-key-without-index";
	/* owner_id leads ix_t_owner; team_id has no index, and an expression index does not count. */
	assert_int_equal(
	    count("ALTER TABLE t ADD CONSTRAINT fk_owner FOREIGN KEY (owner_id) REFERENCES u (id) NOT VALID", rule,
	          true),
	    0);
	assert_int_equal(
	    count("ALTER TABLE t ADD CONSTRAINT fk_team FOREIGN KEY (team_id) REFERENCES u (id) NOT VALID", rule, true),
	    1);
	assert_int_equal(
	    count("ALTER TABLE t ADD CONSTRAINT fk_n FOREIGN KEY (n) REFERENCES u (id) NOT VALID", rule, true), 0);
	assert_int_equal(count("ALTER TABLE t ADD CONSTRAINT fk_team FOREIGN KEY (team_id) REFERENCES u (id) NOT VALID",
	                       rule, false),
	                 0);
}

static void test_validated_not_null_check(void **state)
{
	(void)state;
	/* A validated CHECK (code IS NOT NULL) lets SET NOT NULL skip its scan; a NOT VALID one does not. */
	assert_int_equal(count("ALTER TABLE t ALTER COLUMN code SET NOT NULL", "require-statement-timeout", true), 0);
	assert_int_equal(count("ALTER TABLE t ALTER COLUMN title SET NOT NULL", "require-statement-timeout", true), 1);
	assert_int_equal(count("ALTER TABLE t ALTER COLUMN code SET NOT NULL", "require-statement-timeout", false), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_narrowing_changes_found, fresh, done),
	    cmocka_unit_test_setup_teardown(test_widening_stays_clean, fresh, done),
	    cmocka_unit_test_setup_teardown(test_foreign_key_on_existing_table, fresh, done),
	    cmocka_unit_test_setup_teardown(test_validated_not_null_check, fresh, done),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
