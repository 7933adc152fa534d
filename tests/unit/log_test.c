/* util/log: secret masking (it must never let a password through), verbosity, colour. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/log.h"

/* Masks s and checks that the result is want and that secret is gone. */
static void check_mask(const char *s, const char *want, const char *secret)
{
	char *m = log_mask(s);
	assert_string_equal(m, want);
	if (secret)
		assert_null(strstr(m, secret));
	free(m);
}

static void test_url_passwords(void **state)
{
	(void)state;
	check_mask("postgresql://u:secret@h/db", "postgresql://u:****@h/db", "secret");
	check_mask("connect postgres://app:p4ss@db.internal:5432/prod?sslmode=require failed",
	           "connect postgres://app:****@db.internal:5432/prod?sslmode=require failed", "p4ss");
	check_mask("two: postgresql://a:one1@h1/x and postgresql://b:two2@h2/y",
	           "two: postgresql://a:****@h1/x and postgresql://b:****@h2/y", "one1");
	check_mask("postgresql+psycopg2://u:s3cr3t@h/db", "postgresql+psycopg2://u:****@h/db", "s3cr3t");
	check_mask("line1\npostgresql://u:x-y_z@h/db\n", "line1\npostgresql://u:****@h/db\n", "x-y_z");
}

static void test_url_without_password_is_kept(void **state)
{
	(void)state;
	check_mask("postgresql://u@h/db", "postgresql://u@h/db", NULL);
	check_mask("postgresql://h:5432/db", "postgresql://h:5432/db", NULL);
	check_mask("time 12:30 at a:b@c", "time 12:30 at a:b@c", NULL);
	check_mask("", "", NULL);
}

static void test_key_value_passwords(void **state)
{
	(void)state;
	check_mask("host=h password=secret dbname=x", "host=h password=**** dbname=x", "secret");
	check_mask("password=secret", "password=****", "secret");
	check_mask("postgresql://h/db?user=u&password=secret&sslmode=off",
	           "postgresql://h/db?user=u&password=****&sslmode=off", "secret");
	/* libpq's conninfo allows quoted values and blanks around '='. */
	check_mask("host=h password='two words' dbname=x", "host=h password=**** dbname=x", "words");
	check_mask("host=h password = secret dbname=x", "host=h password = **** dbname=x", "secret");
	check_mask("password='it\\'s' host=h", "password=**** host=h", "it");
	/* Not a password key: only a whole "password=" word counts. */
	check_mask("old_password=x", "old_password=x", NULL);
}

static void test_registered_secrets(void **state)
{
	(void)state;
	log_add_secret("ghp_tokenvalue123");
	log_add_secret("ghp_tokenvalue123"); /* twice is fine */
	log_add_secret("ab");                /* too short to be a secret, never masked */
	log_add_secret(NULL);
	check_mask("Authorization: token ghp_tokenvalue123 (ghp_tokenvalue123)", "Authorization: token **** (****)",
	           "ghp_tokenvalue123");
	check_mask("ab abc", "ab abc", NULL);
	/* A registered password also goes when it shows up outside a URL. */
	log_add_secret("hunter2!");
	check_mask("PGPASSWORD=hunter2! psql", "PGPASSWORD=**** psql", "hunter2!");
}

static void test_verbosity(void **state)
{
	(void)state;
	log_set_verbosity(LOG_QUIET);
	assert_int_equal(log_verbosity(), LOG_QUIET);
	log_set_verbosity(LOG_VERBOSE);
	assert_int_equal(log_verbosity(), LOG_VERBOSE);
	log_set_verbosity(LOG_NORMAL);
}

static void test_color(void **state)
{
	(void)state;
	assert_true(log_color_enabled(COLOR_ALWAYS, stderr));
	assert_false(log_color_enabled(COLOR_NEVER, stderr));
	setenv("NO_COLOR", "1", 1);
	assert_false(log_color_enabled(COLOR_AUTO, stderr));
	assert_true(log_color_enabled(COLOR_ALWAYS, stderr)); /* an explicit flag wins */
	unsetenv("NO_COLOR");
	FILE *f = tmpfile();
	assert_non_null(f);
	assert_false(log_color_enabled(COLOR_AUTO, f)); /* a file is not a terminal */
	fclose(f);
	log_set_color(true);
	assert_string_equal(log_sgr("\033[1m"), "\033[1m");
	log_set_color(false);
	assert_string_equal(log_sgr("\033[1m"), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_url_passwords),       cmocka_unit_test(test_url_without_password_is_kept),
	    cmocka_unit_test(test_key_value_passwords), cmocka_unit_test(test_registered_secrets),
	    cmocka_unit_test(test_verbosity),           cmocka_unit_test(test_color),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
