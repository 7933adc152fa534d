/*
 * The Alembic driver against the fixture projects in tests/fixtures/alembic.
 *
 * Without a database (always): the graph, broken files, interpreter
 * discovery, a missing config, env.py raising, a killed driver, offline SQL.
 * With a database (tests/e2e/driver_replay.sh sets MIGRATE_GATE_TEST_PGHOST
 * and MIGRATE_GATE_TEST_PGPORT, and creates one database per fixture): the
 * statement capture, autocommit, step failures, merges and the step timeout.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "alembic/driver.h"
#include "alembic/offline.h"
#include "pg/conn.h"
#include "util/error.h"

static char fixture_dir[4096];
static char url[1024];

static const char *fixture(const char *name)
{
	const char *src = getenv("MIGRATE_GATE_SRC");
	snprintf(fixture_dir, sizeof(fixture_dir), "%s/tests/fixtures/alembic/%s", src ? src : ".", name);
	return fixture_dir;
}

/* The URL of the test database named after the fixture, or NULL without a server. */
static const char *db_url(const char *name)
{
	const char *host = getenv("MIGRATE_GATE_TEST_PGHOST"), *port = getenv("MIGRATE_GATE_TEST_PGPORT");
	if (!host || !port)
		return NULL;
	snprintf(url, sizeof(url), "postgresql://postgres@/%s?host=%s&port=%s", name, host, port);
	return url;
}

static struct driver *start_opts(const char *name, const char *python, unsigned timeout_s)
{
	struct driver_options opt = {0};
	struct driver *d = NULL;
	opt.project_dir = fixture(name);
	opt.python = python;
	opt.db_url = db_url(name);
	opt.step_timeout_s = timeout_s;
	if (driver_start(&opt, &d) < 0) {
		gate_error_flush();
		fail_msg("driver for '%s' did not start", name);
	}
	return d;
}

static struct driver *start(const char *name)
{
	return start_opts(name, NULL, 60);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = s ? strlen(s) : 0, m = strlen(suffix);
	return s && n >= m && !strcmp(s + n - m, suffix);
}

/* The first captured statement whose SQL contains needle, or NULL. */
static const struct captured_stmt *find_stmt(const struct step_result *r, const char *needle)
{
	for (size_t i = 0; i < r->n_stmts; i++)
		if (strstr(r->stmts[i].sql, needle))
			return &r->stmts[i];
	return NULL;
}

static void expect_error_containing(unsigned index, const char *needle)
{
	const char *msg = gate_error_message(index);
	if (!msg || !strstr(msg, needle))
		fail_msg("error %u is '%s', want it to contain '%s'", index, msg ? msg : "(none)", needle);
}

static void upgrade_ok(struct driver *d, const char *rev)
{
	struct step_result r;
	step_result_init(&r);
	assert_int_equal(driver_upgrade(d, rev, &r), 0);
	if (r.status != STEP_OK)
		fail_msg("upgrade %s: %s: %s", rev, r.error_type, r.error_message);
	step_result_release(&r);
}

static void expect_rows(struct driver *d, const char *want)
{
	struct strlist rows = STRLIST_INIT;
	char got[256] = "";
	assert_int_equal(driver_current(d, &rows), 0);
	for (size_t i = 0; i < rows.n; i++) {
		if (i)
			strncat(got, " ", sizeof(got) - strlen(got) - 1);
		strncat(got, rows.items[i], sizeof(got) - strlen(got) - 1);
	}
	assert_string_equal(got, want);
	strlist_release(&rows);
}

/* ---- no database -------------------------------------------------------------------- */

static void test_graph_of_good_project(void **state)
{
	(void)state;
	struct driver *d = start_opts("good", NULL, 30);
	struct rev_graph g = REV_GRAPH_INIT;
	struct strlist order = STRLIST_INIT, heads = STRLIST_INIT;
	assert_int_equal(driver_graph(d, &g), 0);
	assert_int_equal(g.n, 3);
	rev_graph_topo(&g, &order);
	assert_string_equal(order.items[0], "r0001");
	assert_string_equal(order.items[1], "r0002");
	assert_string_equal(order.items[2], "r0003");
	const struct rev *r2 = rev_graph_find(&g, "r0002");
	assert_true(ends_with(r2->path, "/good/versions/r0002.py"));
	assert_string_equal(r2->doc, "add users.email with an index");
	assert_string_equal(r2->down.items[0], "r0001");
	assert_int_equal(driver_heads(d, &heads), 0);
	assert_int_equal(heads.n, 1);
	assert_string_equal(heads.items[0], "r0003");
	assert_true(ends_with(driver_python(d), "python3"));
	strlist_release(&order);
	strlist_release(&heads);
	rev_graph_release(&g);
	driver_free(d);
}

static void test_graph_with_merge_labels_and_depends_on(void **state)
{
	(void)state;
	struct driver *d = start_opts("merge_branches", NULL, 30);
	struct rev_graph g = REV_GRAPH_INIT;
	struct strlist heads = STRLIST_INIT, alembic_heads = STRLIST_INIT;
	assert_int_equal(driver_graph(d, &g), 0);
	assert_int_equal(g.n, 6);
	const struct rev *m = rev_graph_find(&g, "r0004");
	assert_true(m->is_merge);
	assert_int_equal(m->down.n, 2);
	const struct rev *r5 = rev_graph_find(&g, "r0005");
	assert_int_equal(r5->depends.n, 1);
	assert_string_equal(r5->depends.items[0], "r0101"); /* the label 'lookup', resolved */
	assert_string_equal(rev_graph_find(&g, "r0002")->branch_labels.items[0], "left");
	/* Heads agree with Alembic's own: depends_on does not merge r0101 in. */
	rev_graph_heads(&g, &heads);
	assert_int_equal(driver_heads(d, &alembic_heads), 0);
	assert_int_equal(heads.n, 2);
	assert_int_equal(alembic_heads.n, 2);
	for (size_t i = 0; i < heads.n; i++)
		assert_string_equal(heads.items[i], alembic_heads.items[i]);
	strlist_release(&heads);
	strlist_release(&alembic_heads);
	rev_graph_release(&g);
	driver_free(d);
}

static void test_broken_revision_file(void **state)
{
	(void)state;
	struct driver *d = start_opts("broken_revision_file", NULL, 30);
	struct rev_graph g = REV_GRAPH_INIT;
	unsigned before = gate_error_count();
	assert_int_equal(driver_graph(d, &g), -1);
	assert_int_equal(gate_error_code(), EXIT_USAGE);
	expect_error_containing(before, "cannot load the revision graph: SyntaxError");
	expect_error_containing(before, "broken_revision_file/versions/r0002.py', line 5)");
	assert_true(driver_alive(d)); /* a Python error is not a dead driver */
	gate_error_flush();
	rev_graph_release(&g);
	driver_free(d);
}

/* driver_graph on a project whose graph is wrong fails with this message. */
static void expect_graph_error(const char *name, const char *needle)
{
	struct driver *d = start_opts(name, NULL, 30);
	struct rev_graph g = REV_GRAPH_INIT;
	unsigned before = gate_error_count();
	assert_int_equal(driver_graph(d, &g), -1);
	assert_int_equal(gate_error_code(), EXIT_USAGE);
	expect_error_containing(before, needle);
	gate_error_flush();
	rev_graph_release(&g);
	driver_free(d);
}

static void test_broken_graphs_name_the_file(void **state)
{
	(void)state;
	expect_graph_error("broken_down_revision", "broken_down_revision/versions/r0003.py) has down_revision 'r0bad'");
	expect_graph_error("revision_cycle", "/revision_cycle/versions/r000");
	expect_graph_error("revision_cycle", "is part of a cycle of down_revision / depends_on");
}

static void test_missing_config_file(void **state)
{
	(void)state;
	struct driver_options opt = {0};
	struct driver *d = NULL;
	opt.project_dir = fixture("good");
	opt.config_file = "nope.ini";
	unsigned before = gate_error_count();
	assert_int_equal(driver_start(&opt, &d), -1);
	assert_null(d);
	assert_int_equal(gate_error_code(), EXIT_USAGE);
	expect_error_containing(before, "alembic config 'nope.ini' not found in '");
	gate_error_flush();
}

static int count_calls(void *arg)
{
	int *calls = arg;
	return ++*calls > 1 ? -1 : 0;
}

static int refuse(void *arg)
{
	(void)arg;
	return gate_error(EXIT_ENV, NULL, "refused while starting");
}

/* while_starting runs once, while the interpreter starts; its failure stops the start. */
static void test_while_starting(void **state)
{
	(void)state;
	struct driver_options opt = {0};
	struct driver *d = NULL;
	int calls = 0;
	opt.project_dir = fixture("good");
	opt.while_starting = count_calls;
	opt.while_arg = &calls;
	assert_int_equal(driver_start(&opt, &d), 0);
	assert_int_equal(calls, 1);
	struct rev_graph g;
	rev_graph_init(&g);
	assert_int_equal(driver_graph(d, &g), 0);
	assert_true(g.n > 0);
	rev_graph_release(&g);
	driver_free(d);

	opt.while_starting = refuse;
	unsigned before = gate_error_count();
	assert_int_equal(driver_start(&opt, &d), -1);
	assert_null(d);
	expect_error_containing(before, "refused while starting");
	gate_error_flush();
}

/* Writes an executable file. */
static void write_exec(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, 0755);
}

static void test_interpreter_discovery(void **state)
{
	(void)state;
	char dir[] = "/tmp/mg-driver-test-XXXXXX", path[256], alembic[256];
	assert_non_null(mkdtemp(dir));
	/* A python3 that cannot import alembic: no site-packages. */
	snprintf(path, sizeof(path), "%s/python3", dir);
	write_exec(path, "#!/bin/sh\nexec /usr/bin/python3 -S \"$@\"\n");
	snprintf(alembic, sizeof(alembic), "%s/alembic", dir);
	char *saved = strdup(getenv("PATH"));
	setenv("PATH", dir, 1);

	/* alembic's shebang names the venv interpreter: it comes first. */
	write_exec(alembic, "#!/usr/bin/python3\n");
	struct driver *d = start_opts("good", NULL, 30);
	assert_string_equal(driver_python(d), "/usr/bin/python3");
	driver_free(d);

	/* shebang through env finds the broken python3, then falls back to /usr/bin/python3. */
	write_exec(alembic, "#!/usr/bin/env python3\n");
	d = start_opts("good", NULL, 30);
	assert_string_equal(driver_python(d), "/usr/bin/python3");
	driver_free(d);

	/* --python is the only one tried. */
	struct driver_options opt = {0};
	opt.project_dir = fixture("good");
	opt.python = path;
	unsigned before = gate_error_count();
	assert_int_equal(driver_start(&opt, &d), -1);
	assert_int_equal(gate_error_code(), EXIT_ENV);
	expect_error_containing(before, "no python interpreter can import alembic: tried ");
	expect_error_containing(before, "/python3 (No module named 'alembic')");
	opt.python = "/nonexistent/python3";
	assert_int_equal(driver_start(&opt, &d), -1);
	expect_error_containing(before + 1, "tried /nonexistent/python3 (not found)");
	gate_error_flush();

	setenv("PATH", saved, 1);
	free(saved);
	unlink(path);
	unlink(alembic);
	rmdir(dir);
}

static void test_env_raises(void **state)
{
	(void)state;
	struct driver *d = start("env_raises");
	struct step_result r;
	step_result_init(&r);
	assert_int_equal(driver_upgrade(d, "r0001", &r), 0);
	assert_int_equal(r.status, STEP_FAILED);
	assert_string_equal(r.error_type, "RuntimeError");
	assert_string_equal(r.error_message, "env.py cannot find its settings module");
	assert_true(ends_with(r.error_file, "env_raises/env.py"));
	assert_int_equal(r.error_line, 4);
	step_result_release(&r);
	driver_free(d);
}

static void test_killed_driver_is_reported(void **state)
{
	(void)state;
	struct driver *d = start_opts("good", NULL, 30);
	struct strlist heads = STRLIST_INIT;
	assert_true(driver_pid(d) > 0);
	kill((pid_t)driver_pid(d), SIGKILL);
	unsigned before = gate_error_count();
	assert_int_equal(driver_heads(d, &heads), -1);
	assert_int_equal(gate_error_code(), EXIT_ENV);
	expect_error_containing(before, "the alembic driver died during reading the heads (killed by signal 9)");
	expect_error_containing(before, "killed by signal 9");
	assert_false(driver_alive(d));
	/* Later requests fail at once, with a step result that says so. */
	struct step_result r;
	step_result_init(&r);
	assert_int_equal(driver_upgrade(d, "r0001", &r), -1);
	assert_int_equal(r.status, STEP_DIED);
	expect_error_containing(before + 1, "no longer running: cannot run upgrade of revision 'r0001'");
	gate_error_flush();
	step_result_release(&r);
	driver_free(d);
}

static void test_offline_sql_splits_by_revision(void **state)
{
	(void)state;
	struct driver *d = start_opts("good", NULL, 30);
	struct buf sql = BUF_INIT;
	struct offline_split s = OFFLINE_SPLIT_INIT;
	assert_int_equal(driver_offline_sql(d, "base:head", &sql, NULL), 0);
	assert_int_equal(offline_split(buf_str(&sql), &s), 0);
	assert_int_equal(s.n, 3);
	assert_non_null(strstr(offline_find(&s, "r0002")->sql, "CREATE INDEX ix_users_email ON users (email)"));
	assert_null(strstr(offline_find(&s, "r0002")->sql, "alembic_version"));
	offline_split_release(&s);
	buf_release(&sql);
	driver_free(d);

	/* A migration that reads rows cannot run offline: a step failure, not a hang. */
	struct step_result r;
	step_result_init(&r);
	d = start_opts("data_migration_reads_rows", NULL, 30);
	assert_int_equal(driver_offline_sql(d, "base:head", &sql, &r), 0);
	assert_int_equal(r.status, STEP_FAILED);
	assert_true(ends_with(r.error_file, "data_migration_reads_rows/versions/r0002.py"));
	step_result_release(&r);
	buf_release(&sql);
	driver_free(d);
}

/* offline_revision(): the statements the lint pass reads in the per-step CLI mode. */
static const struct step_result *offline_of(struct driver *d, const struct rev_graph *g, const char *rev,
                                            struct step_result *r)
{
	step_result_release(r);
	assert_non_null(rev_graph_find(g, rev));
	assert_int_equal(offline_revision(d, rev_graph_find(g, rev), r), 0);
	return r;
}

static void test_offline_revision_statements(void **state)
{
	struct rev_graph g;
	struct step_result r;
	(void)state;
	step_result_init(&r);
	rev_graph_init(&g);
	struct driver *d = start_opts("autocommit_concurrently", NULL, 30);
	assert_int_equal(driver_graph(d, &g), 0);
	/* from base: the alembic_version preamble is not the revision's SQL */
	offline_of(d, &g, "r0001", &r);
	assert_int_equal(r.status, STEP_OK);
	assert_int_equal(r.n_stmts, 1);
	assert_true(!strncmp(r.stmts[0].sql, "CREATE TABLE t (", 16));
	assert_false(r.stmts[0].autocommit);
	/* COMMIT ... BEGIN around autocommit_block(): the statement inside is flagged, the framing dropped */
	offline_of(d, &g, "r0002", &r);
	assert_int_equal(r.n_stmts, 1);
	assert_string_equal(r.stmts[0].sql, "CREATE INDEX CONCURRENTLY ix_t_a ON t (a)");
	assert_true(r.stmts[0].autocommit);
	assert_int_equal(r.stmts[0].kind, STMT_MIGRATION);
	assert_string_equal(r.stmts[0].revision, "r0002");
	driver_free(d);
	rev_graph_release(&g);

	/* a merge from its first parent: only the merge's own SQL, no bookkeeping */
	rev_graph_init(&g);
	d = start_opts("merge_branches", NULL, 30);
	assert_int_equal(driver_graph(d, &g), 0);
	offline_of(d, &g, "r0004", &r);
	assert_int_equal(r.n_stmts, 1);
	assert_string_equal(r.stmts[0].sql, "CREATE INDEX ix_a_id ON a (id)");
	assert_false(r.stmts[0].autocommit);
	driver_free(d);
	rev_graph_release(&g);

	/* offline mode cannot run a migration that reads rows: a failed step, nothing to lint */
	rev_graph_init(&g);
	d = start_opts("data_migration_reads_rows", NULL, 30);
	assert_int_equal(driver_graph(d, &g), 0);
	offline_of(d, &g, "r0002", &r);
	assert_int_equal(r.status, STEP_FAILED);
	assert_int_equal(r.n_stmts, 0);
	step_result_release(&r);
	driver_free(d);
	rev_graph_release(&g);
}

/* ---- with a database ---------------------------------------------------------------- */

static void test_capture_kinds_and_current(void **state)
{
	(void)state;
	struct driver *d = start("good");
	struct step_result r;
	step_result_init(&r);
	assert_int_equal(driver_upgrade(d, "r0001", &r), 0);
	assert_int_equal(r.status, STEP_OK);
	const struct captured_stmt *create = find_stmt(&r, "CREATE TABLE users");
	assert_non_null(create);
	assert_int_equal(create->kind, STMT_MIGRATION);
	assert_string_equal(create->revision, "r0001");
	assert_false(create->autocommit);
	assert_true(create->duration_ms > 0.0);
	assert_int_equal(find_stmt(&r, "INSERT INTO alembic_version")->kind, STMT_BOOKKEEPING);
	const struct captured_stmt *probe = find_stmt(&r, "pg_class");
	assert_int_equal(probe->kind, STMT_INTROSPECTION);
	assert_string_equal(probe->parameters, "{\"name\":\"alembic_version\"}");
	assert_false(r.transaction_per_migration);
	step_result_release(&r);

	upgrade_ok(d, "r0003");
	expect_rows(d, "r0003");
	assert_int_equal(driver_downgrade(d, "r0003", NULL, &r), 0);
	assert_int_equal(r.status, STEP_OK);
	assert_int_equal(find_stmt(&r, "DROP TABLE posts")->kind, STMT_MIGRATION);
	assert_string_equal(find_stmt(&r, "DROP TABLE posts")->revision, "r0003");
	assert_null(find_stmt(&r, "users")); /* exactly one revision was undone */
	expect_rows(d, "r0002");
	step_result_release(&r);
	driver_free(d);
}

static void test_statement_cap_keeps_new_shapes(void **state)
{
	(void)state;
	/* Past the cap (2 here), a statement of a new shape is still captured: nothing is dropped silently. */
	setenv("MIGRATE_GATE_MAX_STATEMENTS", "2", 1);
	struct driver *d = start("good");
	unsetenv("MIGRATE_GATE_MAX_STATEMENTS");
	struct step_result r;
	step_result_init(&r);
	/* good is at r0002 after test_capture_kinds_and_current: r0003 runs 4 statements or more. */
	assert_int_equal(driver_upgrade(d, "r0003", &r), 0);
	assert_int_equal(r.status, STEP_OK);
	assert_true(r.n_stmts >= 4);
	assert_non_null(find_stmt(&r, "CREATE TABLE posts"));
	assert_int_equal(r.n_overflow, 0);
	step_result_release(&r);
	driver_free(d);
}

static void test_autocommit_block_is_flagged(void **state)
{
	(void)state;
	struct driver *d = start("autocommit_concurrently");
	struct step_result r;
	step_result_init(&r);
	upgrade_ok(d, "r0001");
	assert_int_equal(driver_upgrade(d, "r0002", &r), 0);
	assert_int_equal(r.status, STEP_OK);
	const struct captured_stmt *cic = find_stmt(&r, "CREATE INDEX CONCURRENTLY ix_t_a");
	assert_non_null(cic);
	assert_true(cic->autocommit);
	assert_int_equal(cic->kind, STMT_MIGRATION);
	assert_false(find_stmt(&r, "UPDATE alembic_version")->autocommit);
	step_result_release(&r);
	assert_int_equal(driver_downgrade(d, "r0002", NULL, &r), 0);
	assert_int_equal(r.status, STEP_OK);
	assert_true(find_stmt(&r, "DROP INDEX CONCURRENTLY")->autocommit);
	step_result_release(&r);
	driver_free(d);
}

static void test_concurrently_outside_autocommit_fails(void **state)
{
	(void)state;
	struct driver *d = start("concurrently_outside_autocommit");
	struct step_result r;
	step_result_init(&r);
	upgrade_ok(d, "r0001");
	assert_int_equal(driver_upgrade(d, "r0002", &r), 0);
	assert_int_equal(r.status, STEP_FAILED);
	assert_string_equal(r.error_type, "InternalError");
	assert_non_null(strstr(r.error_message, "CREATE INDEX CONCURRENTLY cannot run inside a transaction block"));
	assert_true(ends_with(r.error_file, "concurrently_outside_autocommit/versions/r0002.py"));
	assert_int_equal(r.error_line, 16);
	const struct captured_stmt *cic = find_stmt(&r, "CREATE INDEX CONCURRENTLY");
	assert_true(cic->failed);
	assert_false(cic->autocommit);
	step_result_release(&r);
	driver_free(d);
}

static void test_downgrade_raises(void **state)
{
	(void)state;
	struct driver *d = start("downgrade_raises");
	struct step_result r;
	step_result_init(&r);
	upgrade_ok(d, "r0002");
	assert_int_equal(driver_downgrade(d, "r0002", NULL, &r), 0);
	assert_int_equal(r.status, STEP_FAILED);
	assert_string_equal(r.error_type, "NotImplementedError");
	assert_string_equal(r.error_message, "r0002 cannot be undone: t.c holds data");
	assert_true(ends_with(r.error_file, "downgrade_raises/versions/r0002.py"));
	assert_int_equal(r.error_line, 20);
	/* The same spelling as the graph's path, so that callers can compare them. */
	struct rev_graph g = REV_GRAPH_INIT;
	assert_int_equal(driver_graph(d, &g), 0);
	assert_string_equal(r.error_file, rev_graph_find(&g, "r0002")->path);
	rev_graph_release(&g);
	expect_rows(d, "r0002");
	step_result_release(&r);
	driver_free(d);
}

static void test_second_upgrade_fails(void **state)
{
	(void)state;
	struct driver *d = start("second_upgrade_fails");
	struct step_result r;
	step_result_init(&r);
	upgrade_ok(d, "r0002");
	assert_int_equal(driver_downgrade(d, "r0002", NULL, &r), 0);
	assert_int_equal(r.status, STEP_OK);
	step_result_release(&r);
	assert_int_equal(driver_upgrade(d, "r0002", &r), 0);
	assert_int_equal(r.status, STEP_FAILED);
	assert_string_equal(r.error_type, "IntegrityError");
	assert_non_null(strstr(r.error_message, "duplicate key value violates unique constraint \"settings_pkey\""));
	assert_true(ends_with(r.error_file, "second_upgrade_fails/versions/r0002.py"));
	step_result_release(&r);
	driver_free(d);
}

static void test_transaction_per_migration_is_reported(void **state)
{
	(void)state;
	struct step_result r;
	struct driver *on = start("transaction_per_migration");
	struct driver *off = start("transaction_per_migration_off");
	step_result_init(&r);
	assert_int_equal(driver_upgrade(on, "r0003", &r), 0);
	assert_int_equal(r.status, STEP_OK);
	assert_true(r.transaction_per_migration);
	step_result_release(&r);
	assert_int_equal(driver_upgrade(off, "r0003", &r), 0);
	assert_int_equal(r.status, STEP_OK);
	assert_false(r.transaction_per_migration);
	assert_string_equal(find_stmt(&r, "CREATE INDEX ix_t_c")->revision, "r0003");
	step_result_release(&r);
	driver_free(on);
	driver_free(off);
}

static void test_data_migration_reads_rows_online(void **state)
{
	(void)state;
	struct driver *d = start("data_migration_reads_rows");
	struct step_result r;
	step_result_init(&r);
	assert_int_equal(driver_upgrade(d, "r0002", &r), 0);
	assert_int_equal(r.status, STEP_OK);
	const struct captured_stmt *read = find_stmt(&r, "SELECT value FROM settings");
	assert_non_null(read);
	assert_int_equal(read->kind, STMT_MIGRATION);
	assert_string_equal(read->revision, "r0002");
	assert_string_equal(read->parameters, "{\"k\":\"default_limit\"}");
	assert_non_null(find_stmt(&r, "DEFAULT '25'"));
	step_result_release(&r);
	driver_free(d);
}

static void test_merge_downgrade_one_revision(void **state)
{
	(void)state;
	struct driver *d = start("merge_branches");
	struct step_result r;
	step_result_init(&r);
	upgrade_ok(d, "heads");
	expect_rows(d, "r0005");
	/* r0005 builds on r0101 (depends_on): r0101 cannot be undone on its own yet. */
	assert_int_equal(driver_downgrade(d, "r0101", NULL, &r), 0);
	assert_int_equal(r.status, STEP_FAILED);
	assert_string_equal(r.error_type, "CommandError");
	assert_non_null(strstr(r.error_message, "revision r0101 is not a head of the database (its rows: r0005)"));
	assert_null(find_stmt(&r, "DROP TABLE"));
	step_result_release(&r);
	assert_int_equal(driver_downgrade(d, "r0005", NULL, &r), 0);
	assert_int_equal(r.status, STEP_OK);
	step_result_release(&r);
	expect_rows(d, "r0004 r0101");
	assert_int_equal(driver_downgrade(d, "r0004", NULL, &r), 0);
	assert_int_equal(r.status, STEP_OK);
	assert_non_null(find_stmt(&r, "DROP INDEX ix_a_id"));
	assert_null(find_stmt(&r, "DROP TABLE"));
	step_result_release(&r);
	expect_rows(d, "r0002 r0003 r0101");
	upgrade_ok(d, "r0004");
	expect_rows(d, "r0004 r0101");
	/* With a target (one parent), alembic downgrade TARGET undoes just the merge too. */
	assert_int_equal(driver_downgrade(d, "r0004", "r0003", &r), 0);
	assert_int_equal(r.status, STEP_OK);
	assert_non_null(find_stmt(&r, "DROP INDEX ix_a_id"));
	assert_null(find_stmt(&r, "DROP TABLE"));
	step_result_release(&r);
	expect_rows(d, "r0002 r0003 r0101");
	driver_free(d);
}

static void test_env_ignoring_the_url_is_refused(void **state)
{
	(void)state;
	/* The connection guard refuses sqlite://; the e2e script checks that the database stayed empty. */
	struct driver *d = start("env_ignores_url");
	struct step_result r;
	step_result_init(&r);
	assert_int_equal(driver_upgrade(d, "r0001", &r), -1);
	assert_int_equal(r.status, STEP_DIED);
	assert_null(find_stmt(&r, "CREATE TABLE t"));
	expect_error_containing(gate_error_count() - 1, "tried to connect to host '(sqlite)'");
	gate_error_flush();
	assert_false(driver_alive(d));
	step_result_release(&r);
	driver_free(d);
}

/* Upgrades and downgrades r0001 of url_sources with env.py reading the URL from `source`. */
static void url_source_round_trip(const char *source, const char *name, const char *url_text)
{
	char xsource[64], xsection[64];
	struct strlist x = STRLIST_INIT;
	struct driver_options opt = {0};
	struct driver *d = NULL;
	struct step_result r;
	snprintf(xsource, sizeof(xsource), "source=%s", source);
	snprintf(xsection, sizeof(xsection), "section=%s", name ? name : "alembic");
	strlist_add(&x, xsource);
	strlist_add(&x, xsection);
	opt.project_dir = fixture("url_sources");
	opt.name = name;
	opt.x_args = &x;
	opt.db_url = url_text;
	opt.step_timeout_s = 60;
	assert_int_equal(driver_start(&opt, &d), 0);
	step_result_init(&r);
	assert_int_equal(driver_upgrade(d, "r0001", &r), 0);
	if (r.status != STEP_OK)
		fail_msg("source %s: %s: %s", source, r.error_type, r.error_message);
	step_result_release(&r);
	expect_rows(d, "r0001");
	assert_int_equal(driver_downgrade(d, "r0001", NULL, &r), 0);
	assert_int_equal(r.status, STEP_OK);
	step_result_release(&r);
	expect_rows(d, "");
	driver_free(d);
	strlist_release(&x);
}

static void test_url_reaches_env_py_every_way(void **state)
{
	(void)state;
	char with_percent[1024];
	const char *plain = db_url("url_sources");
	/* A password with '%' must survive the Config's interpolation (trust auth ignores it). */
	snprintf(with_percent, sizeof(with_percent), "postgresql://postgres:p%%40ss%%25@/url_sources?host=%s&port=%s",
	         getenv("MIGRATE_GATE_TEST_PGHOST"), getenv("MIGRATE_GATE_TEST_PGPORT"));
	url_source_round_trip("config", NULL, with_percent);
	url_source_round_trip("database_url", "second", plain);
	url_source_round_trip("libpq", NULL, plain);
}

/* production's rows as a session of its own sees them: what is committed. */
static void expect_committed(const char *db, const char *want)
{
	PGconn *c = NULL;
	struct strlist rows = STRLIST_INIT;
	assert_int_equal(pg_connect(db_url(db), false, &c), 0);
	assert_true(pg_alembic_versions(c, NULL, NULL, &rows) >= 0);
	assert_int_equal(rows.n, 1);
	assert_string_equal(rows.items[0], want);
	strlist_release(&rows);
	pg_disconnect(c);
}

/*
 * apply's chained upgrades: r0002 and r0003 run in one run of env.py (the
 * second reads no version row: Alembic does that once per run), each answered
 * only once it is committed; another request ends the chain and is answered
 * as usual.
 */
static void test_chained_upgrades(void **state)
{
	(void)state;
	struct driver_options opt = {0};
	struct driver *d = NULL;
	struct step_result r;
	opt.project_dir = fixture("good");
	opt.db_url = db_url("chain");
	opt.step_timeout_s = 60;
	assert_int_equal(driver_start(&opt, &d), 0);
	upgrade_ok(d, "r0001");
	driver_chain_upgrades(d, true);
	step_result_init(&r);
	assert_int_equal(driver_upgrade(d, "r0002", &r), 0);
	assert_int_equal(r.status, STEP_OK);
	assert_non_null(find_stmt(&r, "SELECT alembic_version.version_num"));
	assert_true(r.transaction_per_migration);
	step_result_release(&r);
	expect_committed("chain", "r0002");
	assert_int_equal(driver_upgrade(d, "r0003", &r), 0);
	assert_int_equal(r.status, STEP_OK);
	assert_non_null(find_stmt(&r, "CREATE TABLE posts"));
	assert_null(find_stmt(&r, "SELECT alembic_version.version_num"));
	assert_null(find_stmt(&r, "ix_users_email")); /* r0002's statements were answered with r0002 */
	step_result_release(&r);
	expect_committed("chain", "r0003");
	expect_rows(d, "r0003");
	driver_free(d);
}

/*
 * An env.py that keeps a transaction of its own open commits nothing between
 * revisions: the chain must not answer before env.py ended it.
 */
static void test_chain_waits_for_env_py_transaction(void **state)
{
	(void)state;
	struct driver *d = start("env_outer_transaction");
	upgrade_ok(d, "r0001");
	driver_chain_upgrades(d, true);
	upgrade_ok(d, "r0002");
	expect_committed("env_outer_transaction", "r0002");
	upgrade_ok(d, "r0003");
	expect_committed("env_outer_transaction", "r0003");
	driver_free(d);
}

static void test_hanging_revision_is_killed(void **state)
{
	(void)state;
	struct driver *d = start_opts("hangs", NULL, 2);
	struct step_result r;
	step_result_init(&r);
	time_t t0 = time(NULL);
	unsigned before = gate_error_count();
	assert_int_equal(driver_upgrade(d, "r0001", &r), -1);
	assert_true(time(NULL) - t0 < 10);
	assert_int_equal(r.status, STEP_TIMEOUT);
	assert_int_equal(gate_error_code(), EXIT_ENV);
	expect_error_containing(before,
	                        "upgrade of revision 'r0001' did not finish within 2s; the alembic driver was killed");
	assert_false(driver_alive(d));
	gate_error_flush();
	step_result_release(&r);
	driver_free(d);
}

int main(void)
{
	const struct CMUnitTest offline[] = {
	    cmocka_unit_test(test_graph_of_good_project),
	    cmocka_unit_test(test_graph_with_merge_labels_and_depends_on),
	    cmocka_unit_test(test_broken_revision_file),
	    cmocka_unit_test(test_broken_graphs_name_the_file),
	    cmocka_unit_test(test_missing_config_file),
	    cmocka_unit_test(test_while_starting),
	    cmocka_unit_test(test_interpreter_discovery),
	    cmocka_unit_test(test_env_raises),
	    cmocka_unit_test(test_killed_driver_is_reported),
	    cmocka_unit_test(test_offline_sql_splits_by_revision),
	    cmocka_unit_test(test_offline_revision_statements),
	};
	const struct CMUnitTest online[] = {
	    cmocka_unit_test(test_capture_kinds_and_current),
	    cmocka_unit_test(test_statement_cap_keeps_new_shapes),
	    cmocka_unit_test(test_autocommit_block_is_flagged),
	    cmocka_unit_test(test_concurrently_outside_autocommit_fails),
	    cmocka_unit_test(test_downgrade_raises),
	    cmocka_unit_test(test_second_upgrade_fails),
	    cmocka_unit_test(test_transaction_per_migration_is_reported),
	    cmocka_unit_test(test_data_migration_reads_rows_online),
	    cmocka_unit_test(test_merge_downgrade_one_revision),
	    cmocka_unit_test(test_env_ignoring_the_url_is_refused),
	    cmocka_unit_test(test_url_reaches_env_py_every_way),
	    cmocka_unit_test(test_chained_upgrades),
	    cmocka_unit_test(test_chain_waits_for_env_py_transaction),
	    cmocka_unit_test(test_hanging_revision_is_killed),
	};
	/* e2e/driver_replay runs this binary for the database group: unit/driver_test already ran
	 * the offline one, whose driver start-ups cost 8 s of CPU a time. */
	const char *only = getenv("MIGRATE_GATE_TEST_GROUP");
	int failed = 0;
	if (!only || strcmp(only, "online") != 0)
		failed += cmocka_run_group_tests_name("driver without a database", offline, NULL, NULL);
	if (db_url("x"))
		failed += cmocka_run_group_tests_name("driver with a database", online, NULL, NULL);
	return failed;
}
