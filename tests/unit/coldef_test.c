/* lint/coldef: what a column definition means, on column definitions of real statements. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pg_query.h>

#include "lint/coldef.h"
#include "lint/node.h"

static cJSON *tree;

/* The first column definition of "CREATE TABLE t (<def>)"; the tree lives until the next call. */
static const cJSON *column(const char *def)
{
	char sql[512];
	snprintf(sql, sizeof(sql), "CREATE TABLE t (%s)", def);
	cJSON_Delete(tree);
	PgQueryParseResult r = pg_query_parse(sql);
	assert_null(r.error);
	tree = cJSON_Parse(r.parse_tree);
	pg_query_free_parse_result(r);
	const cJSON *stmt = node_body(node_find(tree, "CreateStmt"));
	const cJSON *col = node_as(cJSON_GetArrayItem(node_field(stmt, "tableElts"), 0), "ColumnDef");
	assert_non_null(col);
	return col;
}

static int cleanup(void **state)
{
	(void)state;
	cJSON_Delete(tree);
	tree = NULL;
	return 0;
}

static void type_is(const char *def, const char *want)
{
	char *got = coldef_type_string(node_field(column(def), "typeName"));
	assert_string_equal(got, want);
	free(got);
}

static void test_type_string(void **state)
{
	(void)state;
	type_is("c varchar(20)", "varchar(20)");
	type_is("c character varying", "varchar");
	type_is("c numeric(10,2)", "numeric(10,2)");
	type_is("c numeric(5,0)", "numeric(5,0)"); /* a zero modifier is omitted from the tree */
	type_is("c int", "int4");
	type_is("c bigint[]", "int8[]");
	type_is("c text[][]", "text[][]");
	type_is("c char", "bpchar(1)");
	type_is("c timestamp(3) with time zone", "timestamptz(3)");
	type_is("c app.money", "app.money");
	type_is("c pg_catalog.int8", "int8");
	type_is("c serial", "serial");
	type_is("c interval(3)", "interval(32767,3)"); /* field mask first */
}

static void test_default(void **state)
{
	(void)state;
	assert_null(coldef_default(column("c int")));
	assert_null(coldef_default(column("c int DEFAULT NULL")));
	assert_null(coldef_default(column("c int DEFAULT NULL::integer")));
	assert_non_null(coldef_default(column("c int DEFAULT 0")));
	assert_non_null(coldef_default(column("c int NOT NULL DEFAULT -1")));
	const cJSON *d = coldef_default(column("c timestamptz DEFAULT now()"));
	assert_string_equal(node_last_name(node_field(node_as(d, "FuncCall"), "funcname")), "now");
}

static void test_constraint(void **state)
{
	(void)state;
	const cJSON *col = column("c int NOT NULL PRIMARY KEY");
	assert_non_null(coldef_constraint(col, "CONSTR_NOTNULL"));
	assert_non_null(coldef_constraint(col, "CONSTR_PRIMARY"));
	assert_null(coldef_constraint(col, "CONSTR_DEFAULT"));
	assert_null(coldef_constraint(NULL, "CONSTR_DEFAULT"));
}

static void test_serial(void **state)
{
	(void)state;
	assert_true(coldef_is_serial(column("id serial")));
	assert_true(coldef_is_serial(column("id bigserial PRIMARY KEY")));
	assert_true(coldef_is_serial(column("id serial8")));
	assert_true(coldef_is_serial(column("id smallserial")));
	assert_false(coldef_is_serial(column("id int")));
	assert_false(coldef_is_serial(column("id app.serial"))); /* a user type of that name */
	assert_false(coldef_is_serial(column("id serialnumber")));
}

static void test_fills_rows(void **state)
{
	(void)state;
	assert_true(coldef_fills_rows(column("c int DEFAULT 0")));
	assert_true(coldef_fills_rows(column("c bigint GENERATED ALWAYS AS IDENTITY")));
	assert_true(coldef_fills_rows(column("c int GENERATED ALWAYS AS (a * 2) STORED")));
	assert_true(coldef_fills_rows(column("c bigserial")));
	assert_false(coldef_fills_rows(column("c int")));
	assert_false(coldef_fills_rows(column("c int NOT NULL")));
	assert_false(coldef_fills_rows(column("c int DEFAULT NULL")));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_type_string, cleanup), cmocka_unit_test_teardown(test_default, cleanup),
	    cmocka_unit_test_teardown(test_constraint, cleanup),  cmocka_unit_test_teardown(test_serial, cleanup),
	    cmocka_unit_test_teardown(test_fills_rows, cleanup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
