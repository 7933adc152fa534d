/* util/error: recording, ranking of exit codes, flushing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/error.h"
#include "util/log.h"

#include "quiet_errors.h"

static int reset(void **state)
{
	(void)state;
	forget_errors();
	return 0;
}

static void test_nothing_recorded(void **state)
{
	(void)state;
	assert_int_equal(gate_error_count(), 0);
	assert_null(gate_error_message(0));
}

static void test_returns_minus_one_and_formats(void **state)
{
	(void)state;
	assert_int_equal(gate_error(EXIT_USAGE, "a hint", "cannot open '%s': %s", "x.sql", "gone"), -1);
	assert_int_equal(gate_error_count(), 1);
	assert_string_equal(gate_error_message(0), "cannot open 'x.sql': gone");
	assert_int_equal(gate_error_code(), EXIT_USAGE);
	assert_null(gate_error_message(1));
	gate_error_flush();
	assert_int_equal(gate_error_count(), 0);
	assert_null(gate_error_message(0));
}

static void test_worst_code_wins(void **state)
{
	(void)state;
	gate_error(EXIT_USAGE, NULL, "usage");
	gate_error(EXIT_APPLY, NULL, "apply");
	gate_error(EXIT_ENV, NULL, "env");
	gate_error(EXIT_FAIL, NULL, "fail");
	assert_int_equal(gate_error_code(), EXIT_APPLY);
	assert_int_equal(gate_error_count(), 4);
	assert_string_equal(gate_error_message(2), "env");
}

static void test_many_errors_are_counted(void **state)
{
	(void)state;
	for (int i = 0; i < 200; i++)
		gate_error(EXIT_USAGE, "h", "error %d", i);
	assert_int_equal(gate_error_count(), 200);
	assert_string_equal(gate_error_message(0), "error 0");
	reset(state);
	assert_int_equal(gate_error_count(), 0);
}

/* Work tried ahead of its place forgets its errors: the count and the worst code go back. */
static void test_forget_since(void **state)
{
	(void)state;
	gate_error(EXIT_USAGE, NULL, "kept");
	unsigned first = gate_error_count();
	gate_error(EXIT_ENV, "a hint", "tried early");
	gate_error(EXIT_APPLY, NULL, "also early");
	assert_int_equal(gate_error_code(), EXIT_APPLY);
	gate_error_forget_since(first);
	assert_int_equal(gate_error_count(), 1);
	assert_int_equal(gate_error_code(), EXIT_USAGE);
	assert_string_equal(gate_error_message(0), "kept");
	assert_null(gate_error_message(1));
	gate_error_forget_since(0);
	assert_int_equal(gate_error_code(), EXIT_PASS);
}

/* The printed error masks passwords even though the recorded message keeps them for tests. */
static void test_flush_masks_secrets(void **state)
{
	(void)state;
	char path[] = "/tmp/error_test_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	fflush(stderr);
	FILE *saved = stderr;
	FILE *f = fdopen(fd, "w+");
	assert_non_null(f);
	stderr = f;
	gate_error(EXIT_ENV, "check postgresql://u:hunter22@h/db", "cannot connect to 'postgresql://u:hunter22@h/db'");
	gate_error_flush();
	stderr = saved;
	fflush(f);
	rewind(f);
	char text[1024] = "";
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	remove(path);
	assert_null(strstr(text, "hunter22"));
	assert_non_null(strstr(text, "error: cannot connect to 'postgresql://u:****@h/db'"));
	assert_non_null(strstr(text, "hint: check postgresql://u:****@h/db"));
}

int main(void)
{
	log_set_color(false);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_nothing_recorded, reset),
	    cmocka_unit_test_setup(test_returns_minus_one_and_formats, reset),
	    cmocka_unit_test_setup(test_worst_code_wins, reset),
	    cmocka_unit_test_setup(test_many_errors_are_counted, reset),
	    cmocka_unit_test_setup(test_flush_masks_secrets, reset),
	    cmocka_unit_test_setup(test_forget_since, reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
