/*
 * The index and constraint rules on units of executed statements, as the
 * Alembic driver captures them: a statement run inside autocommit_block() is
 * outside the migration's transaction. .sql lint cases cannot express that
 * flag, so it is tested here through lint_unit().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "lint/lint.h"
#include "report/finding.h"

/* Alembic's default: the revision runs in one transaction. */
static const struct lint_config in_tx = {15, true, NULL, NULL, NULL, false, 0};

static struct report rep;

static int fresh(void **state)
{
	(void)state;
	report_init(&rep);
	return 0;
}

static int done(void **state)
{
	(void)state;
	report_release(&rep);
	return 0;
}

static void lint_stmts(const struct lint_input_stmt *stmts, size_t n)
{
	struct lint_unit u = {"versions/0004.py", NULL, 0, "0004", stmts, n, NULL};
	assert_int_equal(lint_unit(&in_tx, &u, &rep), 0);
}

/* The lines (one per executed statement) where the rule reported, as a bitmask. */
static unsigned lines_of(const char *id)
{
	unsigned mask = 0;
	for (size_t i = 0; i < rep.n; i++)
		if (!strcmp(rep.items[i].rule->id, id))
			mask |= 1u << rep.items[i].line;
	return mask;
}

#define S(sql, autocommit)                                                                                             \
	{                                                                                                              \
		sql, sizeof(sql) - 1, autocommit                                                                       \
	}

static void test_concurrently_in_autocommit_block(void **state)
{
	(void)state;
	const struct lint_input_stmt stmts[] = {
	    S("ALTER TABLE sample ADD COLUMN qc text", false),
	    S("CREATE INDEX CONCURRENTLY ix_qc ON sample (qc)", true),
	    S("CREATE INDEX CONCURRENTLY ix_qc2 ON sample (qc, id)", false),
	    S("DROP INDEX CONCURRENTLY ix_old", true),
	    S("REINDEX INDEX CONCURRENTLY ix_name", false),
	};
	lint_stmts(stmts, sizeof(stmts) / sizeof(stmts[0]));
	/* Only the statements that ran inside the migration's transaction. */
	assert_int_equal(lines_of("concurrently-in-transaction"), (1u << 3) | (1u << 5));
	assert_int_equal(lines_of("create-index-non-concurrent"), 0);
	assert_int_equal(lines_of("drop-index-non-concurrent"), 0);
}

static void test_do_block_in_autocommit_block(void **state)
{
	(void)state;
	/* A DO block is a function to PostgreSQL: autocommit does not help. */
	const struct lint_input_stmt stmts[] = {
	    S("DO $$ BEGIN CREATE INDEX CONCURRENTLY ix ON sample (a); END $$", true),
	};
	lint_stmts(stmts, 1);
	assert_int_equal(lines_of("concurrently-in-transaction"), 1u << 1);
}

static void test_validate_after_autocommit_block(void **state)
{
	(void)state;
	const struct lint_input_stmt stmts[] = {
	    S("ALTER TABLE orders ADD CONSTRAINT ck CHECK (total >= 0) NOT VALID", false),
	    S("ALTER TABLE orders VALIDATE CONSTRAINT ck", false),
	    S("ALTER TABLE orders ADD CONSTRAINT ck2 CHECK (total < 1e9) NOT VALID", false),
	    S("ALTER TABLE orders VALIDATE CONSTRAINT ck2", true),
	    S("ALTER TABLE orders VALIDATE CONSTRAINT ck2", false),
	};
	lint_stmts(stmts, sizeof(stmts) / sizeof(stmts[0]));
	/* autocommit_block() committed the ADD of ck2 before either VALIDATE of it ran. */
	assert_int_equal(lines_of("validate-in-same-transaction"), 1u << 2);
}

static void test_foreign_key_without_index_position(void **state)
{
	(void)state;
	const struct lint_input_stmt stmts[] = {
	    S("CREATE TABLE note (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id))", false),
	    S("CREATE TABLE tag (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id))", false),
	    S("CREATE INDEX ix_tag_order_id ON tag (order_id)", false),
	};
	lint_stmts(stmts, 3);
	/* Judged at the end: the index that came after the key on tag counts. */
	assert_int_equal(lines_of("foreign-key-without-index"), 1u << 1);
	for (size_t i = 0; i < rep.n; i++)
		if (!strcmp(rep.items[i].rule->id, "foreign-key-without-index"))
			assert_int_equal(rep.items[i].column, 59); /* at REFERENCES */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_concurrently_in_autocommit_block, fresh, done),
	    cmocka_unit_test_setup_teardown(test_do_block_in_autocommit_block, fresh, done),
	    cmocka_unit_test_setup_teardown(test_validate_after_autocommit_block, fresh, done),
	    cmocka_unit_test_setup_teardown(test_foreign_key_without_index_position, fresh, done),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
