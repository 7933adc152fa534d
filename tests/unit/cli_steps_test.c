/*
 * The per-step CLI runner against a fake `alembic` (a shell script in a temp
 * dir): what it runs, with which environment, and how exits, FAILED lines,
 * tracebacks and timeouts become step results. No database, no Alembic.
 * The URL's libpq variables are also compared with SQLAlchemy's make_url()
 * when /usr/bin/python3 can import sqlalchemy.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "alembic/cli_steps.h"
#include "alembic/steps.h"
#include "util/error.h"

static char dir[256];
static char path[512];

/* Records its arguments and environment, then replays stdout.txt / stderr.txt and exits with `code`. */
static const char fake_alembic[] = "#!/bin/sh\n"
                                   "printf '%s\\n' \"$*\" >> args.log\n"
                                   "env > env.log\n"
                                   "[ -f grandchild ] && { sleep 60 & echo $! > grandchild.pid; wait; }\n"
                                   "[ -f stdout.txt ] && cat stdout.txt\n"
                                   "[ -f stderr.txt ] && cat stderr.txt >&2\n"
                                   "exit $(cat code 2>/dev/null || echo 0)\n";

static const char *in_dir(const char *name)
{
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

static void write_file(const char *name, const char *text)
{
	FILE *f = fopen(in_dir(name), "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The whole file, or "" when missing (static buffer). */
static const char *read_file(const char *name)
{
	static char text[65536];
	FILE *f = fopen(in_dir(name), "r");
	size_t n = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
	text[n] = '\0';
	if (f)
		fclose(f);
	return text;
}

static void reset_outputs(void)
{
	const char *names[] = {"stdout.txt", "stderr.txt", "code",          "args.log",
	                       "env.log",    "grandchild", "grandchild.pid"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unlink(in_dir(names[i]));
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/mg-cli-steps-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	write_file("fake-alembic", fake_alembic);
	chmod(in_dir("fake-alembic"), 0755);
	return 0;
}

static int teardown(void **state)
{
	char cmd[512];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A graph: r1 <- r2, r1 <- r3, (r2, r3) <- m; revision files under DIR/versions. */
static void make_graph(struct rev_graph *g)
{
	const char *ids[] = {"r1", "r2", "r3", "m"};
	rev_graph_init(g);
	for (size_t i = 0; i < 4; i++) {
		char file[512];
		snprintf(file, sizeof(file), "%s/versions/%s.py", dir, ids[i]);
		struct rev *r = rev_graph_add(g, ids[i], file);
		if (i == 1 || i == 2)
			strlist_add(&r->down, "r1");
	}
	strlist_add(&g->revs[3].down, "r2");
	strlist_add(&g->revs[3].down, "r3");
}

static struct cli_steps *start(const struct rev_graph *g, const char *url, unsigned timeout_s)
{
	char cmd[512];
	struct cli_steps *c = NULL;
	snprintf(cmd, sizeof(cmd), "%s/fake-alembic -c 'my alembic.ini'", dir);
	struct cli_steps_options opt = {cmd, dir, g, url, timeout_s};
	reset_outputs();
	if (cli_steps_new(&opt, &c)) {
		gate_error_flush();
		fail_msg("the runner did not start");
	}
	return c;
}

static void test_arguments(void **state)
{
	struct rev_graph g;
	struct step_result r;
	(void)state;
	make_graph(&g);
	struct cli_steps *c = start(&g, NULL, 0);
	struct step_runner s = step_runner_cli(c);
	assert_string_equal(read_file("args.log"), "-c my alembic.ini heads\n");
	step_result_init(&r);
	assert_int_equal(step_upgrade(&s, "r2", &r), 0);
	assert_int_equal(r.status, STEP_OK);
	assert_int_equal(r.n_stmts, 0);
	assert_int_equal(step_downgrade(&s, "r2", NULL, &r), 0);
	assert_int_equal(step_downgrade(&s, "m", NULL, &r), 0);
	assert_int_equal(step_downgrade(&s, "m", "base", &r), 0);
	assert_int_equal(step_upgrade(&s, "it's; $(x)", &r), 0);
	assert_string_equal(read_file("args.log"), "-c my alembic.ini heads\n"
	                                           "-c my alembic.ini upgrade r2\n"
	                                           "-c my alembic.ini downgrade r2@-1\n"
	                                           "-c my alembic.ini downgrade r2\n"
	                                           "-c my alembic.ini downgrade base\n"
	                                           "-c my alembic.ini upgrade it's; $(x)\n");
	step_result_release(&r);
	cli_steps_free(c);
	rev_graph_release(&g);
}

/* The NAME=value line of env.log, or NULL. */
static const char *env_value(const char *env, const char *name, char *out, size_t size)
{
	char key[64];
	snprintf(key, sizeof(key), "\n%s=", name);
	const char *p = strstr(env, key);
	if (!p)
		return NULL;
	p += strlen(key);
	snprintf(out, size, "%.*s", (int)strcspn(p, "\n"), p);
	return out;
}

static void expect_env(const char *env, const char *name, const char *want)
{
	char buf[512];
	const char *got = env_value(env, name, buf, sizeof(buf));
	if (!want && got)
		fail_msg("%s is set to '%s', expected unset", name, got);
	if (want && (!got || strcmp(got, want)))
		fail_msg("%s is '%s', expected '%s'", name, got ? got : "(unset)", want);
}

/* Runs one step with url and returns env.log. */
static const char *env_for(struct cli_steps *c, const char *url)
{
	struct step_result r;
	step_result_init(&r);
	cli_steps_set_url(c, url);
	assert_int_equal(cli_steps_upgrade(c, "r1", &r), 0);
	step_result_release(&r);
	return read_file("env.log");
}

static void test_environment(void **state)
{
	struct cli_steps *c;
	(void)state;
	setenv("PGPASSWORD", "stale", 1);
	setenv("PGHOST", "stale", 1);
	setenv("MIGRATE_GATE_DB_URL", "stale", 1);
	c = start(NULL, NULL, 0);
	/* without a URL no database variable of ours reaches project code (issue 6, item 5) */
	const char *env = env_for(c, NULL);
	expect_env(env, "PGHOST", NULL);
	expect_env(env, "PGPASSWORD", NULL);
	expect_env(env, "MIGRATE_GATE_DB_URL", NULL);
	expect_env(env, "PYTHONDONTWRITEBYTECODE", "1");

	env = env_for(c, "postgresql://postgres@/migrate_gate_1?host=/tmp/d%20x&port=5999");
	expect_env(env, "DATABASE_URI", "postgresql://postgres@/migrate_gate_1?host=/tmp/d%20x&port=5999");
	expect_env(env, "DATABASE_URL", "postgresql://postgres@/migrate_gate_1?host=/tmp/d%20x&port=5999");
	expect_env(env, "PGHOST", "/tmp/d x");
	expect_env(env, "PGPORT", "5999");
	expect_env(env, "PGUSER", "postgres");
	expect_env(env, "PGPASSWORD", NULL); /* the URL has none: the stale one must not leak through */
	expect_env(env, "PGDATABASE", "migrate_gate_1");

	env = env_for(c, "postgresql+psycopg2://u%40x:p%3Aw%40d@db.example:6432/app");
	expect_env(env, "PGHOST", "db.example");
	expect_env(env, "PGPORT", "6432");
	expect_env(env, "PGUSER", "u@x");
	expect_env(env, "PGPASSWORD", "p:w@d");
	expect_env(env, "PGDATABASE", "app");

	env = env_for(c, "postgresql://[::1]:5433/x");
	expect_env(env, "PGHOST", "::1");
	expect_env(env, "PGPORT", "5433");
	expect_env(env, "PGUSER", NULL);
	cli_steps_free(c);
	unsetenv("PGPASSWORD");
	unsetenv("PGHOST");
	unsetenv("MIGRATE_GATE_DB_URL");
}

/* driver.py's set_url() mapping, computed by SQLAlchemy, one "NAME=value" (or "NAME") per line. */
static bool sqlalchemy_env(const char *url, char *out, size_t size)
{
	char cmd[2048];
	snprintf(cmd, sizeof(cmd),
	         "/usr/bin/python3 -c 'import sys\n"
	         "from sqlalchemy.engine.url import make_url\n"
	         "u = make_url(sys.argv[1]); q = dict(u.query)\n"
	         "for var, val in ((\"PGHOST\", q.get(\"host\") or u.host), (\"PGPORT\", q.get(\"port\") or u.port),\n"
	         "    (\"PGUSER\", u.username), (\"PGPASSWORD\", u.password), (\"PGDATABASE\", u.database)):\n"
	         "    val = val[0] if isinstance(val, tuple) else val\n"
	         "    print(var + (\"=\" + str(val) if val else \"\"))' '%s' 2>/dev/null",
	         url);
	FILE *p = popen(cmd, "r");
	size_t n = p ? fread(out, 1, size - 1, p) : 0;
	out[n] = '\0';
	return p && pclose(p) == 0 && n;
}

static void test_environment_like_sqlalchemy(void **state)
{
	static const char *const urls[] = {
	    "postgresql://postgres@/db?host=/tmp/s&port=5432",
	    "postgresql://a:b@h/d",
	    "postgresql://a%2Fb:c%25d@h:1/d%20e",
	    "postgresql://h",
	    "postgresql:///d?host=x&host=y",
	    "postgresql://u:@h/d",
	    "postgresql://a@b@h/d",
	    "postgresql+psycopg2://u:p+q@[fe80::1%25eth0]:7/d?sslmode=require&port=9",
	};
	char want[1024];
	(void)state;
	if (!sqlalchemy_env(urls[0], want, sizeof(want)))
		skip();
	struct cli_steps *c = start(NULL, NULL, 0);
	for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		assert_true(sqlalchemy_env(urls[i], want, sizeof(want)));
		const char *env = env_for(c, urls[i]);
		for (const char *line = want; *line; line += strcspn(line, "\n") + 1) {
			char name[32], value[512];
			size_t eq = strcspn(line, "=\n");
			snprintf(name, sizeof(name), "%.*s", (int)eq, line);
			snprintf(value, sizeof(value), "%.*s", (int)strcspn(line + eq + 1, "\n"), line + eq + 1);
			if (line[eq] != '=')
				expect_env(env, name, NULL);
			else
				expect_env(env, name, value);
		}
	}
	cli_steps_free(c);
}

static void expect_failure(struct cli_steps *c, const char *rev, const char *type, const char *msg, const char *file,
                           int line)
{
	struct step_result r;
	step_result_init(&r);
	assert_int_equal(cli_steps_upgrade(c, rev, &r), 0);
	assert_int_equal(r.status, STEP_FAILED);
	assert_string_equal(r.error_type, type);
	assert_string_equal(r.error_message, msg);
	if (file) {
		char want[512];
		snprintf(want, sizeof(want), "%s/%s", dir, file);
		assert_non_null(r.error_file);
		assert_string_equal(r.error_file, want);
	} else {
		assert_null(r.error_file);
	}
	assert_int_equal(r.error_line, line);
	step_result_release(&r);
}

/* A psycopg2 error raised through SQLAlchemy, chained, as Python 3.11 prints it. */
static void write_db_traceback(void)
{
	char text[8192];
	snprintf(text, sizeof(text),
	         "INFO  [alembic.runtime.migration] Running upgrade r1 -> r2, add things\n"
	         "Traceback (most recent call last):\n"
	         "  File \"/usr/lib/python3/dist-packages/sqlalchemy/engine/base.py\", line 1900, in _execute_context\n"
	         "    self.dialect.do_execute(\n"
	         "psycopg2.errors.DuplicateObject: type \"mood\" already exists\n"
	         "\n"
	         "\n"
	         "The above exception was the direct cause of the following exception:\n"
	         "\n"
	         "Traceback (most recent call last):\n"
	         "  File \"/usr/bin/alembic\", line 33, in <module>\n"
	         "    sys.exit(load_entry_point('alembic==1.8.1', 'console_scripts', 'alembic')())\n"
	         "             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
	         "  File \"%s/env.py\", line 30, in run_online\n"
	         "    context.run_migrations()\n"
	         "  File \"%s/versions/r2.py\", line 16, in upgrade\n"
	         "    op.execute(\"CREATE TYPE mood AS ENUM ('a')\")\n"
	         "  File \"/usr/lib/python3/dist-packages/sqlalchemy/engine/default.py\", line 736, in do_execute\n"
	         "    cursor.execute(statement, parameters)\n"
	         "sqlalchemy.exc.ProgrammingError: (psycopg2.errors.DuplicateObject) type \"mood\" already exists\n"
	         "LINE 1: CREATE TYPE mood\n"
	         "\n"
	         "[SQL: CREATE TYPE mood AS ENUM ('a')]\n"
	         "(Background on this error at: https://sqlalche.me/e/14/f405)\n",
	         dir, dir);
	write_file("stderr.txt", text);
}

static void test_failures(void **state)
{
	struct rev_graph g;
	char text[4096];
	(void)state;
	make_graph(&g);
	struct cli_steps *c = start(&g, NULL, 0);

	/* Alembic's own error: exit 255 and FAILED on stdout (after whatever env.py printed) */
	write_file("stdout.txt", "hello from env.py\n  FAILED: Can't locate revision identified by 'zz'\n");
	write_file("code", "255");
	expect_failure(c, "zz", "CommandError", "Can't locate revision identified by 'zz'", NULL, 0);

	/* a database error: the revision file's frame, the server's words */
	unlink(in_dir("stdout.txt"));
	write_file("code", "1");
	write_db_traceback();
	expect_failure(c, "r2", "ProgrammingError", "type \"mood\" already exists\nLINE 1: CREATE TYPE mood",
	               "versions/r2.py", 16);

	/* an exception without a message, raised in a revision file of the graph */
	snprintf(text, sizeof(text),
	         "Traceback (most recent call last):\n"
	         "  File \"%s/env.py\", line 30, in run_online\n"
	         "    context.run_migrations()\n"
	         "  File \"%s/versions/m.py\", line 19, in downgrade\n"
	         "    raise NotImplementedError\n"
	         "NotImplementedError\n",
	         dir, dir);
	write_file("stderr.txt", text);
	expect_failure(c, "m", "NotImplementedError", "NotImplementedError", "versions/m.py", 19);

	/* env.py itself raised: its frame, not alembic's */
	snprintf(text, sizeof(text),
	         "Traceback (most recent call last):\n"
	         "  File \"/usr/lib/python3/dist-packages/alembic/script/base.py\", line 563, in run_env\n"
	         "    util.load_python_file(self.dir, \"env.py\")\n"
	         "  File \"%s/env.py\", line 4, in <module>\n"
	         "    raise RuntimeError(\"env.py refuses\")\n"
	         "RuntimeError: env.py refuses\n",
	         dir);
	write_file("stderr.txt", text);
	expect_failure(c, "r1", "RuntimeError", "env.py refuses", "env.py", 4);

	/* a SyntaxError's frame has no "in" */
	snprintf(text, sizeof(text),
	         "Traceback (most recent call last):\n"
	         "  File \"/usr/lib/python3/dist-packages/alembic/util/pyfiles.py\", line 94, in load_module_py\n"
	         "    spec.loader.exec_module(module)  # type: ignore\n"
	         "  File \"%s/versions/r3.py\", line 5\n"
	         "    def upgrade(:\n"
	         "                ^\n"
	         "SyntaxError: invalid syntax\n",
	         dir);
	write_file("stderr.txt", text);
	expect_failure(c, "r3", "SyntaxError", "invalid syntax", "versions/r3.py", 5);

	/* no traceback at all: how it ended and its last words */
	write_file("stderr.txt", "something odd\n");
	write_file("code", "3");
	struct step_result r;
	step_result_init(&r);
	assert_int_equal(cli_steps_upgrade(c, "r1", &r), 0);
	assert_int_equal(r.status, STEP_FAILED);
	assert_string_equal(r.error_message, "exited with status 3: something odd");
	step_result_release(&r);

	cli_steps_free(c);
	rev_graph_release(&g);
}

/* Running, and not a zombie (the container's init may never reap the orphan). */
static bool alive(pid_t pid)
{
	char statpath[64], stat[256] = "";
	snprintf(statpath, sizeof(statpath), "/proc/%ld/stat", (long)pid);
	FILE *f = fopen(statpath, "r");
	size_t n = f ? fread(stat, 1, sizeof(stat) - 1, f) : 0;
	if (f)
		fclose(f);
	stat[n] = '\0';
	const char *close = strrchr(stat, ')');
	return n && close && close[1] == ' ' && close[2] != 'Z' && close[2] != 'X';
}

static void test_timeout_kills_the_group(void **state)
{
	struct step_result r;
	char pidtext[32];
	(void)state;
	struct cli_steps *c = start(NULL, NULL, 1);
	write_file("grandchild", "");
	step_result_init(&r);
	assert_int_equal(cli_steps_upgrade(c, "r1", &r), -1);
	assert_int_equal(r.status, STEP_TIMEOUT);
	assert_non_null(
	    strstr(gate_error_message(gate_error_count() - 1), "upgrade of revision 'r1' did not finish within 1s"));
	gate_error_flush();
	snprintf(pidtext, sizeof(pidtext), "%s", read_file("grandchild.pid"));
	long pid = strtol(pidtext, NULL, 10);
	assert_true(pid > 0);
	for (int i = 0; i < 100 && alive((pid_t)pid); i++)
		usleep(10000);
	assert_false(alive((pid_t)pid));
	step_result_release(&r);
	cli_steps_free(c);
}

static void test_bad_commands(void **state)
{
	struct cli_steps *c = (struct cli_steps *)1;
	struct cli_steps_options opt = {NULL, NULL, NULL, NULL, 0};
	char cmd[512];
	(void)state;
	opt.project_dir = dir;

	/* it runs, but Alembic fails: a usage error saying why */
	snprintf(cmd, sizeof(cmd), "%s/fake-alembic -c nope.ini", dir);
	opt.alembic_cmd = cmd;
	reset_outputs();
	write_file("code", "255");
	write_file("stdout.txt", "  FAILED: No config file 'nope.ini' found, or file has no '[alembic]' section\n");
	assert_int_equal(cli_steps_new(&opt, &c), -1);
	assert_null(c);
	assert_int_equal(gate_error_code(), EXIT_USAGE);
	assert_non_null(strstr(gate_error_message(0), "No config file 'nope.ini' found"));
	gate_error_flush();
	reset_outputs();

	/* no such command: an environment error naming it */
	opt.alembic_cmd = "/nonexistent/alembic -c alembic.ini";
	assert_int_equal(cli_steps_new(&opt, &c), -1);
	assert_int_equal(gate_error_code(), EXIT_ENV);
	assert_non_null(
	    strstr(gate_error_message(0), "cannot run the alembic command '/nonexistent/alembic -c alembic.ini'"));
	assert_non_null(strstr(gate_error_message(0), "not found"));
	gate_error_flush();
	cli_steps_free(NULL);
}

int main(void)
{
	/* first: gate_error_code() keeps the worst code of the whole process, and the others record EXIT_ENV */
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bad_commands), cmocka_unit_test(test_arguments),
	    cmocka_unit_test(test_environment),  cmocka_unit_test(test_environment_like_sqlalchemy),
	    cmocka_unit_test(test_failures),     cmocka_unit_test(test_timeout_kills_the_group),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
