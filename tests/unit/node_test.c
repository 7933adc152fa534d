/* lint/node: accessors over libpg_query's JSON parse tree, on trees of real statements. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pg_query.h>

#include "lint/node.h"

static cJSON *tree;

/* The first statement of sql, as a node; the tree lives until the next call. */
static const cJSON *parse(const char *sql)
{
	cJSON_Delete(tree);
	tree = NULL;
	PgQueryParseResult r = pg_query_parse(sql);
	assert_null(r.error);
	tree = cJSON_Parse(r.parse_tree);
	pg_query_free_parse_result(r);
	assert_non_null(tree);
	const cJSON *stmts = cJSON_GetObjectItemCaseSensitive(tree, "stmts");
	return cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(stmts, 0), "stmt");
}

static int cleanup(void **state)
{
	(void)state;
	cJSON_Delete(tree);
	tree = NULL;
	return 0;
}

static void test_type_and_body(void **state)
{
	(void)state;
	const cJSON *n = parse("CREATE UNIQUE INDEX CONCURRENTLY ix ON s.t (a, b)");
	assert_string_equal(node_type(n), "IndexStmt");
	assert_true(node_is(n, "IndexStmt"));
	assert_false(node_is(n, "Index"));
	const cJSON *b = node_body(n);
	assert_non_null(b);
	assert_ptr_equal(node_as(n, "IndexStmt"), b);
	assert_null(node_as(n, "AlterTableStmt"));
	assert_true(node_bool(b, "concurrent"));
	assert_true(node_bool(b, "unique"));
	assert_false(node_bool(b, "primary")); /* omitted by libpg_query when false */
	assert_string_equal(node_str(b, "idxname"), "ix");
	assert_true(node_str_is(b, "idxname", "ix"));
	assert_false(node_str_is(b, "idxname", "iy"));
	assert_false(node_str_is(b, "missing", "ix"));
	assert_null(node_str(b, "missing"));
	assert_null(node_str(b, "unique")); /* not a string */
	assert_int_equal(node_int(b, "missing", 42), 42);
	assert_int_equal(node_int(b, "idxname", -7), -7); /* not a number */
}

static void test_nulls_and_non_nodes(void **state)
{
	(void)state;
	assert_string_equal(node_type(NULL), "");
	assert_null(node_body(NULL));
	assert_false(node_is(NULL, "RangeVar"));
	assert_null(node_field(NULL, "x"));
	assert_null(node_str(NULL, "x"));
	assert_false(node_bool(NULL, "x"));
	assert_int_equal(node_location(NULL), -1);
	assert_null(node_sval(NULL));
	assert_null(node_last_name(NULL));
	assert_null(node_find(NULL, "RangeVar"));
	char *j = node_join_names(NULL);
	assert_string_equal(j, "");
	free(j);
	cJSON *num = cJSON_CreateNumber(3), *empty = cJSON_CreateObject();
	assert_string_equal(node_type(num), "");
	assert_null(node_body(num));
	assert_string_equal(node_type(empty), "");
	cJSON_Delete(num);
	cJSON_Delete(empty);
}

static void test_relation_key(void **state)
{
	(void)state;
	const cJSON *n = parse("ALTER TABLE public.users ADD COLUMN a int");
	const cJSON *rv = node_field(node_body(n), "relation");
	char *k = node_relation_key(node_as(rv, "RangeVar") ? node_body(rv) : rv);
	assert_string_equal(k, "users"); /* public is the default schema */
	free(k);
	n = parse("ALTER TABLE app.users ADD COLUMN a int");
	rv = node_field(node_body(n), "relation");
	k = node_relation_key(node_as(rv, "RangeVar") ? node_body(rv) : rv);
	assert_string_equal(k, "app.users");
	free(k);
	n = parse("ALTER TABLE \"Mixed Case\" ADD COLUMN a int");
	rv = node_field(node_body(n), "relation");
	k = node_relation_key(node_as(rv, "RangeVar") ? node_body(rv) : rv);
	assert_string_equal(k, "Mixed Case");
	free(k);
	k = node_relation_key(NULL);
	assert_string_equal(k, "");
	free(k);
}

static void test_names_and_types(void **state)
{
	(void)state;
	const cJSON *n = parse("ALTER TABLE t ADD COLUMN c pg_catalog.varchar(20)");
	const cJSON *def = node_find(n, "ColumnDef");
	assert_non_null(def);
	assert_string_equal(node_type(def), "ColumnDef");
	const cJSON *col = node_body(def);
	assert_string_equal(node_str(col, "colname"), "c");
	const cJSON *tn = node_field(col, "typeName");
	assert_string_equal(node_type_name(tn), "varchar");
	assert_string_equal(node_last_name(node_field(tn, "names")), "varchar");
	char *j = node_join_names(node_field(tn, "names"));
	assert_string_equal(j, "pg_catalog.varchar");
	free(j);
	assert_true(node_location(tn) > 0);
	assert_string_equal(node_type_name(NULL), "");
}

static void test_find_and_location(void **state)
{
	(void)state;
	const char *sql = "UPDATE t SET a = 1 WHERE b IN (SELECT x FROM u)";
	const cJSON *n = parse(sql);
	const cJSON *sub = node_find(n, "SubLink");
	assert_non_null(sub);
	const cJSON *rv = node_find(node_body(sub), "RangeVar");
	assert_non_null(rv);
	assert_string_equal(node_str(node_body(rv), "relname"), "u");
	assert_int_equal(node_location(node_body(rv)), (int)(strstr(sql, "u)") - sql));
	assert_null(node_find(n, "IndexStmt"));
	/* Typed fields such as the UPDATE target are bare bodies, not {"RangeVar": ...} nodes. */
	assert_string_equal(node_str(node_field(node_body(n), "relation"), "relname"), "t");
	assert_ptr_equal(node_find(n, "RangeVar"), rv);
	assert_string_equal(node_sval(node_find(n, "String")), "b"); /* SET a is a plain name, b a ColumnRef */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_type_and_body),     cmocka_unit_test(test_nulls_and_non_nodes),
	    cmocka_unit_test(test_relation_key),      cmocka_unit_test(test_names_and_types),
	    cmocka_unit_test(test_find_and_location),
	};
	return cmocka_run_group_tests(tests, NULL, cleanup);
}
