/*
 * cli/config: argv, MIGRATE_GATE_* variables and [migrate_gate] in alembic.ini
 * (or --config) into one gate_config. Precedence: flags > environment > file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/commands.h"
#include "cli/config.h"
#include "util/error.h"
#include "util/secret.h"

#include "quiet_errors.h"

static char dir[64];
static char old_cwd[4096];

static void write_file(const char *name, const char *text)
{
	FILE *f = fopen(name, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Each test runs in an empty folder with a clean environment. */
static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/config_test_XXXXXX");
	if (!mkdtemp(dir) || !getcwd(old_cwd, sizeof(old_cwd)) || chdir(dir))
		return -1;
	unsetenv("MIGRATE_GATE_FORMAT");
	unsetenv("MIGRATE_GATE_FAIL_ON");
	unsetenv("MIGRATE_GATE_PG_VERSION");
	unsetenv("MIGRATE_GATE_OUTPUT");
	unsetenv("MIGRATE_GATE_DISABLE");
	unsetenv("GITHUB_ACTIONS");
	forget_errors();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (chdir(old_cwd) || system(cmd))
		return -1;
	forget_errors();
	return 0;
}

/* Loads the lint command's configuration from a NULL-terminated argument list. */
static int load(struct gate_config *cfg, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;
	va_start(ap, cfg);
	argv[argc++] = (char *)"lint";
	for (char *a; (a = va_arg(ap, char *)) != NULL && argc < 31;)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	return config_load(cfg, &spec_lint, argc, argv);
}

static void test_defaults(void **state)
{
	(void)state;
	struct gate_config cfg;
	assert_int_equal(load(&cfg, "a.sql", NULL), 0);
	assert_int_equal(cfg.format, FMT_TEXT);
	assert_int_equal(cfg.fail_on, SEV_ERROR);
	assert_int_equal(cfg.verbosity, LOG_NORMAL);
	assert_int_equal(cfg.color, COLOR_AUTO);
	assert_int_equal(cfg.lint.pg_version, 15);
	assert_true(cfg.lint.assume_in_transaction);
	assert_null(cfg.output);
	assert_false(cfg.github_annotations);
	assert_int_equal(cfg.paths.n, 1);
	assert_string_equal(cfg.paths.items[0], "a.sql");
	config_release(&cfg);
}

static void test_flags(void **state)
{
	(void)state;
	struct gate_config cfg;
	assert_int_equal(load(&cfg, "-f", "json", "--fail-on=warning", "--pg-version", "12", "-o", "out.json", "-q",
	                      "--enable", "a, b", "--disable=c", "--no-assume-in-transaction", "x.sql", "-", "--",
	                      "--weird.sql", NULL),
	                 0);
	assert_int_equal(cfg.format, FMT_JSON);
	assert_int_equal(cfg.fail_on, SEV_WARNING);
	assert_int_equal(cfg.lint.pg_version, 12);
	assert_string_equal(cfg.output, "out.json");
	assert_int_equal(cfg.verbosity, LOG_QUIET);
	assert_false(cfg.lint.assume_in_transaction);
	assert_int_equal(cfg.enable.n, 2);
	assert_string_equal(cfg.enable.items[1], "b");
	assert_int_equal(cfg.disable.n, 1);
	assert_int_equal(cfg.paths.n, 3);
	assert_string_equal(cfg.paths.items[1], "-");
	assert_string_equal(cfg.paths.items[2], "--weird.sql");
	config_release(&cfg);
}

static void test_precedence(void **state)
{
	(void)state;
	struct gate_config cfg;
	write_file("alembic.ini", "[alembic]\nscript_location = x\n\n[migrate_gate]\nformat = sarif\nfail_on = info\n"
	                          "pg_version = 11\n");
	/* The file alone. */
	assert_int_equal(load(&cfg, NULL), 0);
	assert_int_equal(cfg.format, FMT_SARIF);
	assert_int_equal(cfg.fail_on, SEV_INFO);
	assert_int_equal(cfg.lint.pg_version, 11);
	config_release(&cfg);
	/* The environment beats the file. */
	setenv("MIGRATE_GATE_FORMAT", "junit", 1);
	setenv("MIGRATE_GATE_PG_VERSION", "13", 1);
	assert_int_equal(load(&cfg, NULL), 0);
	assert_int_equal(cfg.format, FMT_JUNIT);
	assert_int_equal(cfg.lint.pg_version, 13);
	assert_int_equal(cfg.fail_on, SEV_INFO); /* still from the file */
	config_release(&cfg);
	/* Flags beat both. */
	assert_int_equal(load(&cfg, "--format", "gitlab", "--fail-on", "never", NULL), 0);
	assert_int_equal(cfg.format, FMT_GITLAB);
	assert_int_equal(cfg.fail_on, SEV_NONE);
	assert_int_equal(cfg.lint.pg_version, 13);
	config_release(&cfg);
	/* An empty variable counts as unset. */
	setenv("MIGRATE_GATE_FORMAT", "", 1);
	assert_int_equal(load(&cfg, NULL), 0);
	assert_int_equal(cfg.format, FMT_SARIF);
	config_release(&cfg);
	assert_int_equal(gate_error_count(), 0);
}

static void test_explicit_config_file(void **state)
{
	(void)state;
	struct gate_config cfg;
	write_file("alembic.ini", "[migrate_gate]\nformat = sarif\n");
	write_file("other.ini", "[migrate_gate]\nformat = json\n[elsewhere]\nformat = nonsense\n");
	assert_int_equal(load(&cfg, "--config", "other.ini", NULL), 0);
	assert_int_equal(cfg.format, FMT_JSON); /* --config replaces alembic.ini, other sections ignored */
	assert_string_equal(cfg.config_file, "other.ini");
	config_release(&cfg);
	assert_int_equal(load(&cfg, "-c", "missing.ini", NULL), -1);
	assert_int_equal(gate_error_code(), EXIT_USAGE);
	assert_non_null(strstr(gate_error_message(0), "missing.ini"));
	config_release(&cfg);
}

/* Loading must fail with a usage error whose message contains want. */
static void expect_error(struct gate_config *cfg, int rc, const char *want)
{
	assert_int_equal(rc, -1);
	assert_true(gate_error_count() >= 1);
	assert_int_equal(gate_error_code(), EXIT_USAGE);
	assert_non_null(strstr(gate_error_message(0), want));
	config_release(cfg);
	forget_errors();
}

static void test_bad_values(void **state)
{
	(void)state;
	struct gate_config cfg;
	expect_error(&cfg, load(&cfg, "--format", "xml", NULL), "'xml'");
	expect_error(&cfg, load(&cfg, "--fail-on", "fatal", NULL), "'fatal'");
	expect_error(&cfg, load(&cfg, "--pg-version", "99", NULL), "'99'");
	expect_error(&cfg, load(&cfg, "--pg-version", "15x", NULL), "'15x'");
	expect_error(&cfg, load(&cfg, "--pg-version", "", NULL), "pg-version");
	expect_error(&cfg, load(&cfg, "--color", "sometimes", NULL), "'sometimes'");
	expect_error(&cfg, load(&cfg, "--assume-in-transaction", "maybe", NULL), "'maybe'");
	expect_error(&cfg, load(&cfg, "--frobnicate", NULL), "--frobnicate");
	expect_error(&cfg, load(&cfg, "-Z", NULL), "-Z");
	expect_error(&cfg, load(&cfg, "--format", NULL), "--format");
	expect_error(&cfg, load(&cfg, "--quiet=yes", NULL), "quiet");
	setenv("MIGRATE_GATE_FAIL_ON", "sometimes", 1);
	expect_error(&cfg, load(&cfg, NULL), "MIGRATE_GATE_FAIL_ON");
	unsetenv("MIGRATE_GATE_FAIL_ON");
}

static void test_bad_config_file(void **state)
{
	(void)state;
	struct gate_config cfg;
	write_file("alembic.ini", "[migrate_gate]\nformat = yaml\n");
	expect_error(&cfg, load(&cfg, NULL), "alembic.ini");
	write_file("alembic.ini", "[migrate_gate]\nno_such_key = 1\n");
	expect_error(&cfg, load(&cfg, NULL), "no_such_key");
	write_file("alembic.ini", "[migrate_gate]\nthis line has no equals sign\n");
	expect_error(&cfg, load(&cfg, NULL), "line 2");
	/* A bad file is reported even when a flag would have won. */
	write_file("alembic.ini", "[migrate_gate]\nformat = yaml\n");
	expect_error(&cfg, load(&cfg, "--format", "json", NULL), "yaml");
}

static void test_help(void **state)
{
	(void)state;
	struct gate_config cfg;
	FILE *saved = stdout, *null = fopen("/dev/null", "w");
	assert_non_null(null);
	stdout = null;
	int rc = load(&cfg, "--format", "json", "--help", NULL);
	stdout = saved;
	fclose(null);
	assert_int_equal(rc, 1);
	assert_int_equal(gate_error_count(), 0);
	config_release(&cfg);
}

static void test_github_actions(void **state)
{
	(void)state;
	struct gate_config cfg;
	setenv("GITHUB_ACTIONS", "true", 1);
	assert_int_equal(load(&cfg, NULL), 0);
	assert_true(cfg.github_annotations);
	config_release(&cfg);
	unsetenv("GITHUB_ACTIONS");
}

/* The check command's configuration from a NULL-terminated list of writable arguments. */
static int load_check(struct gate_config *cfg, char **args)
{
	char *argv[16] = {(char *)"check"};
	int argc = 1;
	while (*args && argc < 15)
		argv[argc++] = *args++;
	argv[argc] = NULL;
	return config_load(cfg, &spec_check, argc, argv);
}

static void clear_url_env(void)
{
	static const char *const vars[] = {"DATABASE_URI",
	                                   "MIGRATE_GATE_PRODUCTION_URL",
	                                   "MIGRATE_GATE_SCRATCH_URL",
	                                   "MIGRATE_GATE_PRODUCTION_URL_ENV",
	                                   "PROD_DB",
	                                   "CI_SCRATCH"};
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		unsetenv(vars[i]);
}

/* Issue 6 item 3: URLs from variables the user names; a named variable must exist. */
static void test_url_env(void **state)
{
	(void)state;
	struct gate_config cfg;
	char flag[] = "--production-url-env", name[] = "PROD_DB", sflag[] = "--scratch-url-env=CI_SCRATCH";
	clear_url_env();
	setenv("DATABASE_URI", "postgresql://u@default/db", 1);
	assert_int_equal(load_check(&cfg, (char *[]){NULL}), 0);
	assert_string_equal(cfg.production_url, "postgresql://u@default/db");
	config_release(&cfg);

	setenv("DATABASE_URI", "postgresql://u@default/db", 1);
	setenv("MIGRATE_GATE_PRODUCTION_URL", "postgresql://u@mg/db", 1);
	setenv("PROD_DB", "postgresql://u@named/db", 1);
	setenv("CI_SCRATCH", "postgresql://u@scratch/db", 1);
	assert_int_equal(load_check(&cfg, (char *[]){NULL}), 0);
	assert_string_equal(cfg.production_url, "postgresql://u@mg/db"); /* as before: it outranks DATABASE_URI */
	config_release(&cfg);

	setenv("MIGRATE_GATE_PRODUCTION_URL", "postgresql://u@mg/db", 1);
	assert_int_equal(load_check(&cfg, (char *[]){flag, name, sflag, NULL}), 0);
	assert_string_equal(cfg.production_url, "postgresql://u@named/db"); /* a flag wins over the environment */
	assert_string_equal(cfg.scratch_url, "postgresql://u@scratch/db");
	assert_string_equal(cfg.production_url_env, "PROD_DB");
	config_release(&cfg);

	clear_url_env();
	setenv("MIGRATE_GATE_PRODUCTION_URL_ENV", "PROD_DB", 1);
	setenv("PROD_DB", "postgresql://u@named/db", 1);
	assert_int_equal(load_check(&cfg, (char *[]){NULL}), 0);
	assert_string_equal(cfg.production_url, "postgresql://u@named/db");
	config_release(&cfg);

	clear_url_env();
	assert_int_equal(load_check(&cfg, (char *[]){flag, name, NULL}), -1);
	assert_int_equal(gate_error_code(), EXIT_USAGE);
	assert_non_null(strstr(gate_error_message(0), "environment variable 'PROD_DB' named by --production-url-env"));
	config_release(&cfg);
	clear_url_env();
}

/* Items 2 and 3: every password is registered; none stays on argv or in the environment. */
static void test_secrets_hidden(void **state)
{
	(void)state;
	struct gate_config cfg;
	char flag[] = "--scratch-url", url[] = "postgresql://u:argv-pw1@h/db";
	char inline_url[] = "--production-url=host=h password=argv-pw2";
	clear_url_env();
	secret_clear();
	setenv("DATABASE_URI", "postgresql://u:env-pw3@h/db", 1);
	setenv("PGPASSWORD", "pgpassword-only4", 1);
	write_file("alembic.ini", "[alembic]\nsqlalchemy.url = postgresql+psycopg2://u:ini-pw5@h/db\n"
	                          "[migrate_gate]\nproduction_url = postgresql://u:ini-pw6@h/db\n");
	FILE *saved = stderr, *null = fopen("/dev/null", "w");
	stderr = null; /* the argv warning */
	assert_int_equal(load_check(&cfg, (char *[]){flag, url, inline_url, NULL}), 0);
	stderr = saved;
	fclose(null);
	assert_string_equal(cfg.scratch_url, "postgresql://u:argv-pw1@h/db");
	assert_string_equal(cfg.production_url, "host=h password=argv-pw2");
	assert_string_equal(url, "postgresql://u:********@h/db");
	assert_string_equal(inline_url, "--production-url=host=h password=********");
	assert_null(getenv("DATABASE_URI"));
	assert_null(getenv("PGPASSWORD"));
	assert_string_equal(secret_getenv("PGPASSWORD"), "pgpassword-only4");
	char *m = secret_mask("argv-pw1 argv-pw2 env-pw3 pgpassword-only4 ini-pw5 ini-pw6");
	assert_string_equal(m, "**** **** **** **** **** ****");
	free(m);
	config_release(&cfg);
	secret_clear();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_flags, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_precedence, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_explicit_config_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_values, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_config_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_help, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_github_actions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_url_env, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_secrets_hidden, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
