/*
 * apply's scope of a revision (apply/scope.h): the relations its statements
 * can have changed, or "whole" when a statement could reach further. Every
 * case gives the exact names, or the reason it is whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "apply/scope.h"
#include "util/strset.h"

/* "a b" for the names, sorted, or "whole: <why>". */
static char *describe(const char *sql)
{
	struct scope s;
	struct strlist names = STRLIST_INIT;
	scope_init(&s);
	scope_add_sql(&s, sql);
	char *out;
	if (s.whole) {
		out = malloc(strlen(s.why) + 8);
		strcpy(out, "whole: ");
		strcat(out, s.why);
	} else {
		size_t pos = 0;
		for (const char *k; (k = strset_next(&s.names, &pos));)
			strlist_add(&names, k);
		strlist_sort(&names);
		out = calloc(1, 4096);
		for (size_t i = 0; i < names.n; i++) {
			if (i)
				strcat(out, " ");
			strcat(out, names.items[i]);
		}
	}
	strlist_release(&names);
	scope_release(&s);
	return out;
}

struct scope_case {
	const char *sql, *want;
};

static void check_cases(const struct scope_case *cases, size_t n)
{
	int failed = 0;
	for (size_t i = 0; i < n; i++) {
		char *got = describe(cases[i].sql);
		if (strcmp(got, cases[i].want)) {
			print_error("%s\n   got: %s\n  want: %s\n", cases[i].sql, got, cases[i].want);
			failed++;
		}
		free(got);
	}
	assert_int_equal(failed, 0);
}

/* What Alembic's operations emit: each bounded by the tables it names. */
static void test_bounded(void **state)
{
	(void)state;
	static const struct scope_case cases[] = {
	    {"CREATE TABLE t001 (id BIGSERIAL NOT NULL, created_at TIMESTAMPTZ DEFAULT now() NOT NULL, PRIMARY KEY "
	     "(id))",
	     "t001"},
	    {"ALTER TABLE t001 ADD COLUMN status VARCHAR(20) DEFAULT 'new'", "t001"},
	    {"ALTER TABLE app.t001 ADD CONSTRAINT fk FOREIGN KEY(parent_id) REFERENCES t002 (id) ON DELETE SET NULL",
	     "t001"},
	    {"CREATE INDEX CONCURRENTLY ix_a ON \"Mixed Case\" (lower(name))", "Mixed Case"},
	    {"CREATE UNIQUE INDEX ix ON t (a) WHERE b IS NOT NULL", "t"},
	    {"ALTER TABLE t ALTER COLUMN name TYPE VARCHAR(200), ALTER COLUMN status SET NOT NULL", "t"},
	    {"ALTER TABLE t DROP COLUMN c", "t"},
	    {"DROP TABLE a, s.b", "a b"},
	    {"DROP VIEW v", "v"},
	    {"CREATE VIEW v AS SELECT id FROM t", "v"},
	    {"CREATE MATERIALIZED VIEW mv AS SELECT count(*) FROM t", "mv"},
	    {"CREATE TABLE n AS SELECT * FROM t", "n"},
	    {"SELECT * INTO n2 FROM t", "n2"},
	    {"CREATE TRIGGER trg BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch()", "t"},
	    {"INSERT INTO t (name) SELECT 'n' || g FROM generate_series(1, 100) g", ""},
	    {"UPDATE t SET status = 'active' WHERE status IS NULL", ""},
	    {"DELETE FROM t; TRUNCATE u", ""},
	    {"SET lock_timeout = '5s'; SELECT pg_catalog.set_config('statement_timeout', '0', false)", ""},
	    {"UPDATE alembic_version SET version_num='b' WHERE alembic_version.version_num = 'a'", ""},
	    {"select relname from pg_class c join pg_namespace n on n.oid=c.relnamespace where "
	     "pg_catalog.pg_table_is_visible(c.oid) and relname='alembic_version'",
	     ""},
	    {"CREATE TABLE a (id int); CREATE INDEX ON b (x)", "a b"},
	};
	check_cases(cases, sizeof cases / sizeof *cases);
}

/* Anything that can reach past the relations it names takes a whole snapshot. */
static void test_whole(void **state)
{
	(void)state;
	static const struct scope_case cases[] = {
	    {"CREATE TYPE mood AS ENUM ('a', 'b')", "whole: CreateEnumStmt"},
	    {"ALTER TYPE mood ADD VALUE 'c'", "whole: AlterEnumStmt"},
	    {"CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'", "whole: CreateFunctionStmt"},
	    {"DO $$ BEGIN EXECUTE 'DROP TABLE x'; END $$", "whole: DoStmt"},
	    {"SELECT create_partitions('t')", "whole: a call of a function that is not a known built-in"},
	    {"INSERT INTO t (id) VALUES (public.now())", "whole: a call of a function that is not a known built-in"},
	    {"UPDATE t SET x = app.compute(y)", "whole: a call of a function that is not a known built-in"},
	    {"ALTER TABLE t RENAME TO u", "whole: RenameStmt"},
	    {"ALTER TABLE t RENAME COLUMN a TO b", "whole: RenameStmt"},
	    {"ALTER TABLE t DROP COLUMN c CASCADE", "whole: CASCADE"},
	    {"DROP TABLE t CASCADE", "whole: CASCADE"},
	    {"DROP INDEX ix_t_a", "whole: DROP of an object other than a table or view"},
	    {"DROP SEQUENCE s", "whole: DROP of an object other than a table or view"},
	    {"ALTER TABLE p ATTACH PARTITION c FOR VALUES IN (1)", "whole: ALTER TABLE of a partition or inheritance"},
	    {"ALTER TABLE c INHERIT p", "whole: ALTER TABLE of a partition or inheritance"},
	    {"CREATE TABLE c PARTITION OF p FOR VALUES IN (1)",
	     "whole: CREATE TABLE of a partition, child or typed table"},
	    {"CREATE TABLE c () INHERITS (p)", "whole: CREATE TABLE of a partition, child or typed table"},
	    {"ALTER INDEX ix SET (fillfactor = 50)", "whole: ALTER of an index, sequence, view or type"},
	    {"ALTER SEQUENCE s RESTART", "whole: AlterSeqStmt"},
	    {"CREATE SEQUENCE s", "whole: CreateSeqStmt"},
	    {"COMMENT ON TABLE t IS 'x'", "whole: CommentStmt"},
	    {"GRANT SELECT ON t TO app", "whole: GrantStmt"},
	    {"CREATE SCHEMA s", "whole: CreateSchemaStmt"},
	    {"ALTER TABLE t SET SCHEMA s", "whole: AlterObjectSchemaStmt"},
	    {"CALL p()", "whole: CallStmt"},
	    {"CREATE INDEX ON t (f(x))", "whole: a call of a function that is not a known built-in"},
	    {"CREATE TABLE t (id int", "whole: SQL that does not parse"},
	    {"INSERT INTO t VALUES (%(x)s)", "whole: SQL that does not parse"},
	    {"CREATE TABLE ok (id int); CREATE EXTENSION hstore", "whole: CreateExtensionStmt"},
	};
	check_cases(cases, sizeof cases / sizeof *cases);
}

static void test_inherited(void **state)
{
	(void)state;
	struct scope s;
	struct strset inherited = STRSET_INIT;
	strset_add(&inherited, "events_2025");
	scope_init(&s);
	scope_add_sql(&s, "CREATE INDEX ON orders (placed_at)");
	scope_check_inherited(&s, &inherited);
	assert_false(s.whole);
	scope_add_sql(&s, "ALTER TABLE events_2025 ADD COLUMN note text");
	scope_check_inherited(&s, &inherited);
	assert_true(s.whole);
	assert_string_equal(s.why, "a partition, or a table with inheritance");
	scope_release(&s);
	strset_release(&inherited);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bounded),
	    cmocka_unit_test(test_whole),
	    cmocka_unit_test(test_inherited),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
