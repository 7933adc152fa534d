/*
 * Scratch PostgreSQL and connections against a real server (the tests start
 * their own clusters; as root they run as the postgres user).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "pg/conn.h"
#include "pg/scratch.h"
#include "util/error.h"
#include "util/strset.h"

static const struct scratch_options defaults = {NULL, NULL, NULL, false};
/* The tests that are not about initdb start from a cached template: 0.2 s instead of 0.6 s or more. */
static char cache_dir[] = "/tmp/migrate-gate-test-cache-XXXXXX";
static struct scratch_options cached = {NULL, NULL, cache_dir, false};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int remove_tree(const char *path)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
	return system(cmd);
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* Shows the whole message when the part is missing, so a failure explains itself. */
static void assert_has(const char *msg, const char *part)
{
	if (!msg || !strstr(msg, part))
		print_error("message: %s\nlacks: %s\n", msg ? msg : "(none)", part);
	assert_non_null(msg);
	assert_non_null(strstr(msg, part));
}

/* scratch_start() fails with an environment error and no scratch: its message. */
static const char *start_fails(const struct scratch_options *o)
{
	struct scratch *s = NULL;
	assert_int_equal(scratch_start(o, &s), -1);
	assert_null(s);
	assert_int_equal(gate_error_code(), EXIT_ENV);
	assert_int_equal(gate_error_count(), 1);
	return gate_error_message(0);
}

/* Prints the recorded errors (they show in the test log) and forgets them. */
static void forget_errors(void)
{
	gate_error_flush();
}

static char *query1(const char *dsn, const char *sql)
{
	PGconn *c = NULL;
	char *v = NULL;
	assert_int_equal(pg_connect(dsn, false, &c), 0);
	assert_int_equal(pg_query_value(c, NULL, sql, &v), 0);
	pg_disconnect(c);
	return v;
}

static pid_t postmaster_of(const char *dir)
{
	char path[512];
	snprintf(path, sizeof path, "%s/data/postmaster.pid", dir);
	FILE *f = fopen(path, "r");
	long pid = 0;
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%ld", &pid), 1);
	fclose(f);
	return (pid_t)pid;
}

/* Running, not a zombie: the orphaned postmaster may wait a while for pid 1 to reap it. */
static bool alive(pid_t pid)
{
	char path[64], stat[512] = "";
	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	size_t n = fread(stat, 1, sizeof stat - 1, f);
	fclose(f);
	stat[n] = '\0';
	const char *paren = strrchr(stat, ')');
	return paren && paren[1] == ' ' && paren[2] != 'Z' && paren[2] != 'X';
}

static void test_start_query_stop(void **state)
{
	(void)state;
	struct scratch *s = NULL;
	assert_int_equal(scratch_start(&defaults, &s), 0);
	char *dir = strdup(scratch_dir(s));
	assert_true(exists(dir));
	assert_int_equal(scratch_server_major(s), 15);
	pid_t pm = postmaster_of(dir);
	char *v = query1(scratch_conninfo(s),
	                 "SELECT current_setting('fsync') || ' ' || current_setting('listen_addresses') || '.'");
	assert_string_equal(v, "off .");
	free(v);
	v = query1(scratch_conninfo(s), "SELECT current_user");
	assert_string_equal(v, "postgres");
	free(v);
	assert_has(scratch_sqlalchemy_url(s), "postgresql://postgres@/postgres?host=/");
	assert_string_equal(scratch_target(s)->host, dir);
	scratch_free(s);
	assert_false(exists(dir));
	assert_false(alive(pm));
	free(dir);
}

static void test_keep(void **state)
{
	(void)state;
	struct scratch_options o = cached;
	struct scratch *s = NULL;
	o.keep = true;
	assert_int_equal(scratch_start(&o, &s), 0);
	char *dir = strdup(scratch_dir(s));
	char *dsn = strdup(scratch_conninfo(s));
	scratch_free(s);
	assert_true(exists(dir));
	char *v = query1(dsn, "SELECT 41 + 1");
	assert_string_equal(v, "42");
	free(v);
	pid_t pm = postmaster_of(dir);
	kill(pm, SIGQUIT);
	for (int i = 0; i < 500 && alive(pm); i++)
		usleep(10000);
	assert_int_equal(remove_tree(dir), 0);
	free(dir);
	free(dsn);
}

static double timed_start_stop(const struct scratch_options *o)
{
	struct scratch *s = NULL;
	double t0 = now();
	assert_int_equal(scratch_start(o, &s), 0);
	double t = now() - t0;
	char *v = query1(scratch_conninfo(s), "SELECT count(*) FROM pg_database WHERE datname = 'postgres'");
	assert_string_equal(v, "1");
	free(v);
	scratch_free(s);
	return t;
}

static void test_cache_timing(void **state)
{
	(void)state;
	char cache[] = "/tmp/migrate-gate-cache-test-XXXXXX";
	assert_non_null(mkdtemp(cache));
	struct scratch_options o = defaults;
	o.cache_dir = cache;
	double plain = timed_start_stop(&defaults);
	double cold = timed_start_stop(&o);
	double warm = timed_start_stop(&o);
	double warm2 = timed_start_stop(&o);
	printf("scratch start: no cache %.3f s, cold cache %.3f s, cached %.3f s, %.3f s\n", plain, cold, warm, warm2);
	assert_true(warm < cold);
	assert_int_equal(remove_tree(cache), 0);
}

static void test_missing_bindir(void **state)
{
	(void)state;
	struct scratch_options o = defaults;
	o.bindir = "/nonexistent/pg/bin";
	const char *msg = start_fails(&o);
	assert_has(msg, "no PostgreSQL server binaries");
	assert_has(msg, "'/nonexistent/pg/bin'");
	forget_errors();
}

/*
 * A bindir whose `fake` tool prints a complaint and fails (the others are the
 * real ones): the error names the tool and carries its output, and nothing is
 * left in TMPDIR.
 */
static void check_tool_failure(const char *fake, const char *error)
{
	char bin[] = "/tmp/migrate-gate-fakebin-XXXXXX", tmp[] = "/tmp/migrate-gate-tmpdir-XXXXXX";
	assert_non_null(mkdtemp(bin));
	assert_non_null(mkdtemp(tmp));
	char cmd[1000];
	snprintf(
	    cmd, sizeof cmd,
	    "cd '%s' && for t in initdb postgres pg_ctl pg_resetwal; do ln -s /usr/lib/postgresql/15/bin/$t $t; done "
	    "&& "
	    "rm %s && printf '#!/bin/sh\\necho %s: disk is made of cheese >&2\\nexit 1\\n' > %s && chmod 755 %s . && "
	    "chmod 777 '%s'",
	    bin, fake, fake, fake, fake, tmp);
	assert_int_equal(system(cmd), 0);
	struct scratch_options o = defaults;
	o.bindir = bin;
	char *old = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;
	setenv("TMPDIR", tmp, 1);
	const char *msg = start_fails(&o);
	old ? setenv("TMPDIR", old, 1) : unsetenv("TMPDIR");
	free(old);
	assert_has(msg, error);
	assert_has(msg, "disk is made of cheese");
	forget_errors();
	snprintf(cmd, sizeof cmd, "rmdir '%s' && rm -rf '%s'", tmp, bin); /* rmdir: fails unless empty */
	assert_int_equal(system(cmd), 0);
}

static void test_initdb_failure(void **state)
{
	(void)state;
	check_tool_failure("initdb", "initdb failed (status 1)");
}

/* The server exits before it is ready: seen at once, not after a timeout. */
static void test_server_failure(void **state)
{
	(void)state;
	check_tool_failure("postgres", "postgres failed (status 1)");
}

static void on_term_before(int sig)
{
	(void)sig;
	_exit(7);
}

/*
 * SIGTERM in the middle of a run: the handler stops the server, removes the
 * dir, then passes the signal on to the handler that was there before
 * (with_previous: one that exits 7), or to the default action.
 */
static void check_signal_cleanup(bool with_previous)
{
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		struct scratch *s = NULL;
		if (with_previous)
			signal(SIGTERM, on_term_before);
		if (scratch_start(&cached, &s) < 0)
			_exit(1);
		char line[300];
		int n = snprintf(line, sizeof line, "%s\n", scratch_dir(s));
		if (write(fds[1], line, (size_t)n) != n)
			_exit(1);
		pause();
		_exit(2);
	}
	close(fds[1]);
	char dir[300] = "";
	FILE *f = fdopen(fds[0], "r");
	assert_non_null(fgets(dir, sizeof dir, f));
	fclose(f);
	dir[strcspn(dir, "\n")] = '\0';
	pid_t pm = postmaster_of(dir);
	assert_true(alive(pm));
	kill(child, SIGTERM);
	int status = 0;
	waitpid(child, &status, 0);
	if (with_previous) {
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 7);
	} else {
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGTERM);
	}
	assert_false(exists(dir));
	assert_false(alive(pm));
}

static void test_signal_cleanup(void **state)
{
	(void)state;
	check_signal_cleanup(false);
}

/* Runs first: its child must install its handler before any scratch_start() of this process. */
static void test_signal_chains(void **state)
{
	(void)state;
	check_signal_cleanup(true);
}

/* exit() without scratch_free() still cleans up; a forked child's exit() leaves its parent's cluster alone. */
static void test_exit_cleanup(void **state)
{
	(void)state;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		struct scratch *s = NULL;
		if (scratch_start(&cached, &s) < 0)
			_exit(1);
		pid_t grandchild = fork();
		if (grandchild == 0)
			exit(0); /* runs the atexit hook it inherited */
		waitpid(grandchild, NULL, 0);
		char *v = query1(scratch_conninfo(s), "SELECT 'still up'");
		int n = dprintf(fds[1], "%s\n%s\n", scratch_dir(s), v);
		exit(n > 0 ? 0 : 1);
	}
	close(fds[1]);
	char dir[300] = "", answer[64] = "";
	FILE *f = fdopen(fds[0], "r");
	assert_non_null(fgets(dir, sizeof dir, f));
	assert_non_null(fgets(answer, sizeof answer, f));
	fclose(f);
	int status = 0;
	waitpid(child, &status, 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_string_equal(answer, "still up\n");
	dir[strcspn(dir, "\n")] = '\0';
	assert_false(exists(dir));
}

static void test_scratch_url(void **state)
{
	(void)state;
	struct scratch *server = NULL, *s = NULL;
	assert_int_equal(scratch_start(&cached, &server), 0);
	struct scratch_options o = defaults;
	o.scratch_url = scratch_sqlalchemy_url(server);
	assert_int_equal(scratch_start(&o, &s), 0);
	const char *db = scratch_target(s)->dbname;
	assert_int_equal(strncmp(db, "migrate_gate_", 13), 0);
	assert_null(scratch_dir(s));
	assert_int_equal(scratch_server_major(s), 15);
	char *v = query1(scratch_conninfo(s), "SELECT current_database()");
	assert_string_equal(v, db);
	free(v);
	/* The SQLAlchemy URL reaches the same database through libpq too. */
	v = query1(scratch_sqlalchemy_url(s), "SELECT current_database()");
	assert_string_equal(v, db);
	free(v);
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM pg_database WHERE datname = '%s'", db);
	scratch_free(s);
	v = query1(scratch_conninfo(server), sql);
	assert_string_equal(v, "0");
	free(v);
	scratch_free(server);
}

static void test_unreachable_url(void **state)
{
	(void)state;
	struct scratch_options o = defaults;
	o.scratch_url = "postgresql://bob:hunter2secret@/postgres?host=/nonexistent-dir&port=5";
	const char *msg = start_fails(&o);
	assert_has(msg, "cannot connect to 'postgresql://bob:****@/postgres");
	assert_has(msg, "No such file or directory Is the server running"); /* one line */
	assert_null(strstr(msg, "hunter2secret"));
	forget_errors();
}

/* A role with a password behind scram authentication: a wrong one is refused with the password masked. */
static void test_wrong_password(void **state)
{
	(void)state;
	struct scratch *s = NULL;
	PGconn *c = NULL;
	assert_int_equal(scratch_start(&cached, &s), 0);
	assert_int_equal(pg_connect(scratch_conninfo(s), false, &c), 0);
	assert_int_equal(pg_exec(c, NULL, "CREATE ROLE alice LOGIN PASSWORD 'right-horse'"), 0);
	char path[400];
	snprintf(path, sizeof path, "%s/data/pg_hba.conf", scratch_dir(s));
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("local all postgres trust\nlocal all all scram-sha-256\n", f);
	fclose(f);
	assert_int_equal(pg_exec(c, NULL, "SELECT pg_reload_conf()"), 0);
	pg_disconnect(c);
	usleep(200000);
	char dsn[600];
	const struct scratch_target *t = scratch_target(s);
	snprintf(dsn, sizeof dsn, "postgresql://alice:wrong-battery@/postgres?host=%s&port=%s", t->host, t->port);
	assert_int_equal(pg_connect(dsn, false, &c), -1);
	assert_null(c);
	const char *msg = gate_error_message(0);
	assert_has(msg, "cannot connect to 'postgresql://alice:****@/postgres");
	assert_has(msg, "password authentication failed");
	assert_null(strstr(msg, "wrong-battery"));
	forget_errors();
	snprintf(dsn, sizeof dsn, "host=%s port=%s user=alice password=right-horse dbname=postgres", t->host, t->port);
	assert_int_equal(pg_connect(dsn, true, &c), 0);
	/* Read-only sessions refuse writes. */
	assert_int_equal(pg_exec(c, NULL, "CREATE TABLE nope (a int)"), -1);
	assert_has(gate_error_message(0), "read-only transaction");
	forget_errors();
	pg_disconnect(c);
	scratch_free(s);
}

static void test_alembic_versions(void **state)
{
	(void)state;
	struct scratch *s = NULL;
	PGconn *c = NULL;
	struct strlist rows = STRLIST_INIT;
	assert_int_equal(scratch_start(&cached, &s), 0);
	assert_int_equal(pg_connect(scratch_conninfo(s), false, &c), 0);
	assert_int_equal(pg_alembic_versions(c, NULL, NULL, &rows), 0);
	assert_int_equal(rows.n, 0);
	assert_int_equal(pg_exec(c, NULL,
	                         "CREATE SCHEMA \"My Schema\"; CREATE TABLE \"My Schema\".ver (version_num text);"
	                         "INSERT INTO \"My Schema\".ver VALUES ('b2'), ('a1');"
	                         "CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)"),
	                 0);
	assert_int_equal(pg_alembic_versions(c, NULL, NULL, &rows), 1);
	assert_int_equal(rows.n, 0);
	assert_int_equal(pg_alembic_versions(c, "My Schema", "ver", &rows), 1);
	assert_int_equal(rows.n, 2);
	assert_string_equal(rows.items[0], "a1");
	assert_string_equal(rows.items[1], "b2");
	assert_int_equal(pg_server_major(c), 15);
	strlist_release(&rows);
	assert_int_equal(
	    pg_query_rows(c, NULL, "SELECT 1, NULL::text, 'x' UNION ALL SELECT 2, 'y', 'z' ORDER BY 1", 0, NULL, &rows),
	    2);
	assert_string_equal(rows.items[0], "1\t\tx");
	assert_string_equal(rows.items[1], "2\ty\tz");
	strlist_release(&rows);
	pg_disconnect(c);
	scratch_free(s);
}

static void test_quote(void **state)
{
	(void)state;
	char *q = pg_quote_ident("a\"b");
	assert_string_equal(q, "\"a\"\"b\"");
	free(q);
	q = pg_quote_literal("it's a \\ path");
	assert_string_equal(q, "E'it''s a \\\\ path'");
	free(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_signal_chains),
	    cmocka_unit_test(test_start_query_stop),
	    cmocka_unit_test(test_keep),
	    cmocka_unit_test(test_cache_timing),
	    cmocka_unit_test(test_missing_bindir),
	    cmocka_unit_test(test_initdb_failure),
	    cmocka_unit_test(test_server_failure),
	    cmocka_unit_test(test_signal_cleanup),
	    cmocka_unit_test(test_exit_cleanup),
	    cmocka_unit_test(test_scratch_url),
	    cmocka_unit_test(test_unreachable_url),
	    cmocka_unit_test(test_wrong_password),
	    cmocka_unit_test(test_alembic_versions),
	    cmocka_unit_test(test_quote),
	};
	if (!mkdtemp(cache_dir))
		return 1;
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	return remove_tree(cache_dir) == 0 ? failed : 1;
}
