/*
 * lint/locktable: every statement node and ALTER TABLE subcommand of the
 * parser has a row, so a new libpg_query cannot add an unjudged statement.
 * The lists come from libpg_query 15-4.0.0's pg_query.proto (checked in,
 * tests/unit/locktable_*.txt); when the installed pg_query.proto is readable
 * it is walked too, so an upgraded parser fails here until its new nodes get
 * rows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lint/lint.h"
#include "lint/locktable.h"

#define MAX_NAMES 512

struct names {
	char *items[MAX_NAMES];
	size_t n;
};

static void add_name(struct names *names, const char *start, size_t len)
{
	assert_true(names->n < MAX_NAMES);
	names->items[names->n] = strndup(start, len);
	assert_non_null(names->items[names->n]);
	names->n++;
}

static void free_names(struct names *names)
{
	for (size_t i = 0; i < names->n; i++)
		free(names->items[i]);
	names->n = 0;
}

/* One name a line; '#' lines are comments. */
static void read_list(const char *file, struct names *out)
{
	char path[1024], line[256];
	const char *src = getenv("MIGRATE_GATE_SRC");
	snprintf(path, sizeof path, "%s/tests/unit/%s", src ? src : ".", file);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof line, f)) {
		size_t len = strcspn(line, "\r\n");
		if (len && line[0] != '#')
			add_name(out, line, len);
	}
	fclose(f);
}

/* The statement nodes (json_name "...Stmt" in message Node) and AT_* values of pg_query.proto. */
static int read_proto(const char *path, struct names *stmts, struct names *subs)
{
	char line[512];
	FILE *f = fopen(path, "r");
	int section = 0; /* 1: message Node, 2: enum AlterTableType */
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f)) {
		if (!strncmp(line, "message Node", 12))
			section = 1;
		else if (!strncmp(line, "enum AlterTableType", 19))
			section = 2;
		else if (line[0] == '}')
			section = 0;
		const char *json = section == 1 ? strstr(line, "json_name=\"") : NULL;
		const char *at = section == 2 ? strstr(line, "AT_") : NULL;
		if (json) {
			json += 11;
			size_t len = strcspn(json, "\"");
			if (len > 4 && !strncmp(json + len - 4, "Stmt", 4))
				add_name(stmts, json, len);
		} else if (at) {
			add_name(subs, at, strcspn(at, " ="));
		}
	}
	fclose(f);
	return 0;
}

static void assert_all_have_rows(const struct names *names)
{
	size_t missing = 0;
	for (size_t i = 0; i < names->n; i++) {
		if (!lock_table_find(names->items[i])) {
			fprintf(stderr, "no row in the lock table (src/lint/locktable.c) for %s\n", names->items[i]);
			missing++;
		}
	}
	assert_int_equal(missing, 0);
}

static bool listed(const struct names *names, const char *name)
{
	for (size_t i = 0; i < names->n; i++)
		if (!strcmp(names->items[i], name))
			return true;
	return false;
}

static void assert_no_stale_rows(const struct lock_row *rows, size_t n, const struct names *names)
{
	for (size_t i = 0; i < n; i++) {
		if (!listed(names, rows[i].name))
			fprintf(stderr, "lock table row %s names nothing the parser produces\n", rows[i].name);
		assert_true(listed(names, rows[i].name));
	}
}

static void test_checked_in_lists(void **state)
{
	(void)state;
	struct names stmts = {0}, subs = {0};
	size_t n;
	read_list("locktable_nodes.txt", &stmts);
	read_list("locktable_subcommands.txt", &subs);
	assert_true(stmts.n > 100);
	assert_true(subs.n > 60);
	assert_all_have_rows(&stmts);
	assert_all_have_rows(&subs);
	const struct lock_row *rows = lock_table_statements(&n);
	assert_no_stale_rows(rows, n, &stmts);
	assert_int_equal(n, stmts.n);
	rows = lock_table_subcommands(&n);
	assert_no_stale_rows(rows, n, &subs);
	assert_int_equal(n, subs.n);
	free_names(&stmts);
	free_names(&subs);
}

static void test_installed_parser(void **state)
{
	(void)state;
	struct names stmts = {0}, subs = {0};
	if (read_proto("/usr/include/pg_query/pg_query.proto", &stmts, &subs)) {
		skip();
		return;
	}
	assert_true(stmts.n > 100);
	assert_true(subs.n > 60);
	assert_all_have_rows(&stmts);
	assert_all_have_rows(&subs);
	free_names(&stmts);
	free_names(&subs);
}

/* Spot checks against the PostgreSQL 15 documentation. */
static void test_documented_modes(void **state)
{
	(void)state;
	const struct lock_row *r = lock_table_find("IndexStmt");
	assert_int_equal(r->mode, LOCK_SHARE);
	assert_int_equal(r->alt_mode, LOCK_SHARE_UPDATE_EXCLUSIVE);
	assert_int_equal(lock_table_find("AT_SetStatistics")->mode, LOCK_SHARE_UPDATE_EXCLUSIVE);
	assert_int_equal(lock_table_find("AT_ValidateConstraint")->mode, LOCK_SHARE_UPDATE_EXCLUSIVE);
	assert_int_equal(lock_table_find("AT_AddConstraint")->alt_mode, LOCK_SHARE_ROW_EXCLUSIVE);
	assert_int_equal(lock_table_find("CreateTrigStmt")->mode, LOCK_SHARE_ROW_EXCLUSIVE);
	assert_int_equal(lock_table_find("RefreshMatViewStmt")->alt_mode, LOCK_EXCLUSIVE);
	assert_int_equal(lock_table_find("AT_SetTableSpace")->work, WORK_REWRITE);
	assert_null(lock_table_find("NoSuchStmt"));
	char *text = lint_lock_table_text();
	assert_non_null(strstr(text, "AT_AttachPartition\tSHARE UPDATE EXCLUSIVE\t"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_checked_in_lists),
	    cmocka_unit_test(test_installed_parser),
	    cmocka_unit_test(test_documented_modes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
