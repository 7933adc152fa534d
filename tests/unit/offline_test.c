/* Offline SQL splitter, on text shaped exactly like Alembic 1.8's `upgrade --sql` output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "alembic/offline.h"
#include "util/error.h"

/* transaction_per_migration: each step is wrapped in its own BEGIN/COMMIT. */
static const char per_migration[] =
    "BEGIN;\n\n"
    "CREATE TABLE alembic_version (\n    version_num VARCHAR(32) NOT NULL, \n"
    "    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n);\n\n"
    "-- Running upgrade  -> r0001\n\n"
    "CREATE TABLE t (\n    id SERIAL NOT NULL, \n    a INTEGER, \n    PRIMARY KEY (id)\n);\n\n"
    "INSERT INTO alembic_version (version_num) VALUES ('r0001') RETURNING alembic_version.version_num;\n\n"
    "COMMIT;\n\n"
    "BEGIN;\n\n"
    "-- Running upgrade r0001 -> r0002\n\n"
    "ALTER TABLE t ADD COLUMN c INTEGER;\n\n"
    "UPDATE alembic_version SET version_num='r0002' WHERE alembic_version.version_num = 'r0001';\n\n"
    "COMMIT;\n\n"
    "BEGIN;\n\n"
    "-- Running upgrade r0002 -> r0003\n\n"
    "CREATE INDEX ix_t_c ON t (c);\n\n"
    "UPDATE alembic_version SET version_num='r0003' WHERE alembic_version.version_num = 'r0002';\n\n"
    "COMMIT;\n\n";

/* One transaction, an autocommit_block, a merge, and a second base. */
static const char one_transaction[] =
    "BEGIN;\n\n"
    "-- Running upgrade  -> r0001\n\n"
    "CREATE TABLE a (\n    id SERIAL NOT NULL\n);\n\n"
    "INSERT INTO alembic_version (version_num) VALUES ('r0001') RETURNING alembic_version.version_num;\n\n"
    "-- Running upgrade r0001 -> r0002\n\n"
    "COMMIT;\n\n"
    "CREATE INDEX CONCURRENTLY ix_a_id ON a (id);\n\n"
    "BEGIN;\n\n"
    "UPDATE alembic_version SET version_num='r0002' WHERE alembic_version.version_num = 'r0001';\n\n"
    "-- Running upgrade  -> r0101\n\n"
    "CREATE TABLE lookup (\n    id SERIAL NOT NULL\n);\n\n"
    "INSERT INTO alembic_version (version_num) VALUES ('r0101') RETURNING alembic_version.version_num;\n\n"
    "-- Running upgrade r0002, r0101 -> r0004\n\n"
    "CREATE FUNCTION f() RETURNS int AS $$\nBEGIN;\n  RETURN 1;\nEND;\n$$ LANGUAGE plpgsql;\n\n"
    "DELETE FROM alembic_version WHERE alembic_version.version_num = 'r0002';\n\n"
    "UPDATE alembic_version SET version_num='r0004' WHERE alembic_version.version_num = 'r0101';\n\n"
    "-- Running upgrade r0004 -> r0005\n\n"
    "UPDATE alembic_version SET version_num='r0005' WHERE alembic_version.version_num = 'r0004';\n\n"
    "COMMIT;\n\n";

static void test_per_migration_framing_is_dropped(void **state)
{
	(void)state;
	struct offline_split s = OFFLINE_SPLIT_INIT;
	assert_int_equal(offline_split(per_migration, &s), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.parts[0].revision, "r0001");
	assert_string_equal(s.parts[0].from, "");
	assert_false(s.parts[0].downgrade);
	assert_int_equal(s.parts[0].line, 8);
	assert_string_equal(s.parts[0].sql, "CREATE TABLE t (\n    id SERIAL NOT NULL, \n    a INTEGER, \n"
	                                    "    PRIMARY KEY (id)\n);");
	assert_string_equal(s.parts[1].revision, "r0002");
	assert_string_equal(s.parts[1].from, "r0001");
	assert_string_equal(s.parts[1].sql, "ALTER TABLE t ADD COLUMN c INTEGER;");
	assert_string_equal(offline_find(&s, "r0003")->sql, "CREATE INDEX ix_t_c ON t (c);");
	assert_null(offline_find(&s, "r0009"));
	offline_split_release(&s);
}

static void test_autocommit_merge_and_empty_step(void **state)
{
	(void)state;
	struct offline_split s = OFFLINE_SPLIT_INIT;
	assert_int_equal(offline_split(one_transaction, &s), 0);
	assert_int_equal(s.n, 5);
	/* The COMMIT that opens the autocommit block stays: CONCURRENTLY runs outside a transaction. */
	assert_string_equal(offline_find(&s, "r0002")->sql, "COMMIT;\n\nCREATE INDEX CONCURRENTLY ix_a_id ON a (id);");
	const struct offline_part *merge = offline_find(&s, "r0004");
	assert_non_null(merge);
	assert_string_equal(merge->from, "r0002, r0101");
	/* A function body's inner "BEGIN;" line is not mistaken for framing. */
	assert_string_equal(merge->sql, "CREATE FUNCTION f() RETURNS int AS $$\nBEGIN;\n  RETURN 1;\nEND;\n"
	                                "$$ LANGUAGE plpgsql;");
	assert_string_equal(offline_find(&s, "r0005")->sql, "");
	assert_string_equal(offline_find(&s, "r0101")->sql, "CREATE TABLE lookup (\n    id SERIAL NOT NULL\n);");
	offline_split_release(&s);
}

static void test_downgrade_markers(void **state)
{
	(void)state;
	static const char text[] =
	    "BEGIN;\n\n"
	    "-- Running downgrade r0002 -> r0001\n\n"
	    "ALTER TABLE t DROP COLUMN c;\n\n"
	    "UPDATE alembic_version SET version_num='r0001' WHERE alembic_version.version_num = 'r0002';\n\n"
	    "-- Running downgrade r0001 -> \n\n"
	    "DROP TABLE t;\n\n"
	    "DELETE FROM alembic_version WHERE alembic_version.version_num = 'r0001';\n\n"
	    "DROP TABLE alembic_version;\n\n"
	    "COMMIT;\n\n";
	struct offline_split s = OFFLINE_SPLIT_INIT;
	assert_int_equal(offline_split(text, &s), 0);
	assert_int_equal(s.n, 2);
	assert_true(s.parts[0].downgrade);
	assert_string_equal(s.parts[0].revision, "r0002");
	assert_string_equal(s.parts[0].sql, "ALTER TABLE t DROP COLUMN c;");
	assert_string_equal(s.parts[1].revision, "r0001");
	assert_string_equal(s.parts[1].sql, "DROP TABLE t;");
	offline_split_release(&s);
}

static void test_no_markers(void **state)
{
	(void)state;
	struct offline_split s = OFFLINE_SPLIT_INIT;
	/* Nothing to do: framing only. */
	assert_int_equal(offline_split("BEGIN;\n\nCOMMIT;\n\n", &s), 0);
	assert_int_equal(offline_split("", &s), 0);
	assert_int_equal(s.n, 0);
	unsigned before = gate_error_count();
	assert_int_equal(offline_split("CREATE TABLE x (a int);\n", &s), -1);
	assert_int_equal(s.n, 0);
	assert_non_null(strstr(gate_error_message(before), "no '-- Running upgrade' markers"));
	gate_error_flush();
	offline_split_release(&s);
	offline_split_release(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_per_migration_framing_is_dropped),
	    cmocka_unit_test(test_autocommit_merge_and_empty_step),
	    cmocka_unit_test(test_downgrade_markers),
	    cmocka_unit_test(test_no_markers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
