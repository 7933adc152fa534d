/*
 * util/secret and pg/secret: what is registered from where, every spelling
 * that gets masked, scrubbing in place, the environment strip, and masking
 * in linear time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "pg/secret.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/secret.h"

#include "quiet_errors.h"

static int reset(void **state)
{
	(void)state;
	secret_clear();
	return 0;
}

static void masks_to(const char *s, const char *want)
{
	char *m = secret_mask(s);
	assert_string_equal(m, want);
	assert_int_equal(secret_found(s), strcmp(s, want) != 0);
	free(m);
}

/* Item 4: the quote and colon after a conninfo password belong to the message, not the password. */
static void test_conninfo_password_keeps_what_follows(void **state)
{
	(void)state;
	masks_to("cannot connect to 'host=h password=s3cret': FATAL",
	         "cannot connect to 'host=h password=****': FATAL");
	masks_to("dsn \"host=h password=s3cret\", retrying", "dsn \"host=h password=****\", retrying");
	masks_to("password=ab'c host=h", "password=**** host=h"); /* a quote inside the value is still the value */
	masks_to("(PGPASSWORD=hunter22) failed", "(PGPASSWORD=****) failed");
	masks_to("pgpassword = x1y2z3;", "pgpassword = ****;");
	masks_to("PGPASSWORDX=1 old_password=2", "PGPASSWORDX=1 old_password=2");
}

/* Item 1: raw, fully or partly %-encoded (either hex case, '+' for a blank), and %-decoded. */
static void test_every_spelling_of_a_registered_secret(void **state)
{
	(void)state;
	secret_add("Sc@r:t/ch Pw%1");
	masks_to("a Sc@r:t/ch Pw%1 b", "a **** b");
	masks_to("a Sc%40r%3At%2Fch%20Pw%251 b", "a **** b");
	masks_to("a sc%40r%3at%2fch+pw%251 b", "a sc%40r%3at%2fch+pw%251 b"); /* the letters' case counts */
	masks_to("a Sc%40r%3at%2fch+Pw%251 b", "a **** b");
	masks_to("a Sc%40r%3At%2Fch Pw%1 b", "a **** b"); /* SQLAlchemy 1.4 quotes only : @ / */
	secret_add("p%40ss%2Fw0rd");                      /* PGPASSWORD given encoded */
	masks_to("FATAL for p@ss/w0rd", "FATAL for ****");
	masks_to("FATAL for p%40ss%2Fw0rd", "FATAL for ****");
	unsigned before = secret_count();
	secret_add("p%40ss%2Fw0rd");
	secret_add("ab"); /* too short to be a secret */
	secret_add(NULL);
	assert_int_equal(secret_count(), before);
}

/* Issue 15, item 17: a raw '@' in a URL's password leaves nothing of it in the clear, registered or not. */
static void test_raw_at_in_url_password(void **state)
{
	(void)state;
	masks_to("cannot connect to 'postgresql://u:p@ss@host/db': no",
	         "cannot connect to 'postgresql://u:****@host/db': no");
	masks_to("postgresql://u:a@b/c@host/db?x=1 next", "postgresql://u:****@host/db?x=1 next");
	masks_to("postgresql://host:5432/db is fine", "postgresql://host:5432/db is fine");
	assert_true(secret_url_raw_at("postgresql://u:p@ss@host/db"));
	assert_false(secret_url_raw_at("postgresql://u:p%40ss@host/db"));
	assert_false(secret_url_raw_at("postgresql://host:5432/db?x=a@b@c"));
	assert_false(secret_url_raw_at("host=h password=a@b"));
	/* libpq reads password "pw" and host "rd-part2@host": the host name it prints is masked too. */
	pg_register_dsn_secret("postgresql://u:pw@rd-part2@host/db");
	masks_to("could not translate host name \"rd-part2@host\" to address",
	         "could not translate host name \"****@host\" to address");
	masks_to("tried pw@rd-part2 there", "tried **** there");
}

static void test_scrub_in_place(void **state)
{
	(void)state;
	secret_add("tok_abcdef");
	char s[] = "--production-url=postgresql://u:pw%40x@h/db?sslmode=require --x tok_abcdef";
	size_t len = strlen(s);
	secret_scrub(s);
	assert_int_equal(strlen(s), len);
	assert_string_equal(s, "--production-url=postgresql://u:******@h/db?sslmode=require --x **********");
}

/* Variables holding a secret leave the environment children inherit, but the gate can still read them. */
static void test_strip_environ(void **state)
{
	(void)state;
	setenv("MG_TEST_URL", "postgresql://u:strip-me1@h/db", 1);
	setenv("MG_TEST_NAMED", "postgresql://u@h/db", 1);
	setenv("MG_TEST_PLAIN", "hello", 1);
	setenv("GITHUB_TOKEN", "ghs_0123456789", 1);
	setenv("MG_TEST_FLAG_TOKEN", "true", 1);
	secret_add_token_env();
	char *m = secret_mask("token ghs_0123456789 is true");
	assert_string_equal(m, "token **** is true");
	free(m);
	const char *also[] = {NULL, "MG_TEST_NAMED"};
	secret_strip_environ(also, 2);
	assert_null(getenv("MG_TEST_URL"));
	assert_null(getenv("MG_TEST_NAMED"));
	assert_null(getenv("GITHUB_TOKEN"));
	assert_string_equal(getenv("MG_TEST_PLAIN"), "hello");
	assert_string_equal(secret_getenv("MG_TEST_URL"), "postgresql://u:strip-me1@h/db");
	assert_string_equal(secret_getenv("GITHUB_TOKEN"), "ghs_0123456789");
	assert_string_equal(secret_getenv("MG_TEST_PLAIN"), "hello");
	assert_null(secret_getenv("MG_TEST_NONE"));
	unsetenv("MG_TEST_PLAIN");
	unsetenv("MG_TEST_FLAG_TOKEN");
}

/* Passwords of URLs (SQLAlchemy's too), conninfo, PGPASSWORD, and the passfile entries that could apply. */
static void test_pg_sources(void **state)
{
	(void)state;
	pg_register_dsn_secret("postgresql+psycopg2://u:Sc%40r%3At%2Fch%20Pw%251@db.example:5433/prod");
	masks_to("x Sc@r:t/ch Pw%1 y", "x **** y");
	pg_register_dsn_secret("host=h password='kv pass1' dbname=d");
	masks_to("kv pass1", "****");
	pg_register_dsn_secret("not a dsn at all ::: '");
	pg_register_dsn_secret(NULL);

	char path[] = "/tmp/mg-secret-test-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs("# comment:*:*:*:commented1\n"
	      "db.example:5433:prod:u:passfile-hit1\n"
	      "*:*:*:*:passfile-any2\n"
	      "other.host:5433:prod:u:passfile-miss3\n"
	      "db.example:5432:prod:u:passfile-miss4\n"
	      "db.example:5433:prod:u:esc\\:aped\\\\5\n"
	      "localhost:*:*:*:passfile-local6\n",
	      f);
	fclose(f);
	setenv("PGPASSFILE", path, 1);
	setenv("PGPASSWORD", "env-pass-77", 1);
	unsetenv("PGHOST");
	pg_register_dsn_secret("postgresql://u@db.example:5433/prod");
	pg_register_env_secrets();
	unsetenv("PGPASSFILE");
	unsetenv("PGPASSWORD");
	remove(path);
	masks_to("passfile-hit1 passfile-any2 esc:aped\\5 env-pass-77 passfile-local6", "**** **** **** **** ****");
	masks_to("commented1 passfile-miss3 passfile-miss4", "commented1 passfile-miss3 passfile-miss4");
}

/* Item 16: a bad URL is a usage error on one line, with its password masked. */
static void test_check_dsn(void **state)
{
	(void)state;
	assert_int_equal(pg_check_dsn("postgresql://u:pw@h/db", "--production-url"), 0);
	assert_int_equal(pg_check_dsn("host=h dbname=d", "--scratch-url"), 0);
	assert_int_equal(pg_check_dsn("postgresql://u:pw-bad1@h:notaport/db?x", "--production-url"), -1);
	assert_int_equal(pg_check_dsn("host=h bogus", "--scratch-url"), -1);
	assert_int_equal(gate_error_code(), EXIT_USAGE);
	assert_int_equal(gate_error_count(), 2);
	for (unsigned i = 0; i < 2; i++) {
		const char *msg = gate_error_message(i);
		assert_null(strchr(msg, '\n'));
		assert_null(strstr(msg, "pw-bad1"));
	}
	assert_non_null(strstr(gate_error_message(0), "invalid --production-url 'postgresql://u:****@h:notaport"));
	assert_non_null(strstr(gate_error_message(1), "invalid --scratch-url 'host=h bogus'"));
	forget_errors();
}

/* Masking is one pass: 8 MB of colons after "://" (quadratic before) take well under a second. */
static void test_linear_time(void **state)
{
	(void)state;
	secret_add("needle-secret");
	struct buf b = BUF_INIT;
	buf_adds(&b, "x://");
	for (int i = 0; i < 4 * 1024 * 1024; i++)
		buf_adds(&b, "a:");
	buf_adds(&b, " password=");
	clock_t t0 = clock();
	char *m = secret_mask(b.data);
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	assert_true(secs < 5.0);
	assert_int_equal(strlen(m), b.len + 4);
	free(m);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_conninfo_password_keeps_what_follows, reset),
	    cmocka_unit_test_setup(test_every_spelling_of_a_registered_secret, reset),
	    cmocka_unit_test_setup(test_raw_at_in_url_password, reset),
	    cmocka_unit_test_setup(test_scrub_in_place, reset),
	    cmocka_unit_test_setup(test_strip_environ, reset),
	    cmocka_unit_test_setup(test_pg_sources, reset),
	    cmocka_unit_test_setup(test_check_dsn, reset),
	    cmocka_unit_test_setup(test_linear_time, reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
