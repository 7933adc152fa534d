/* util/fs: reading files and collecting .sql files from folders. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strset.h"

#include "quiet_errors.h"

static char root[64];

static void put(const char *rel, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void mkdir_rel(const char *rel)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/fs_test_XXXXXX");
	if (!mkdtemp(root))
		return -1;
	mkdir_rel("b");
	mkdir_rel("b/deeper");
	mkdir_rel("a");
	mkdir_rel(".hidden");
	put("2_second.sql", "SELECT 2;");
	put("1_first.sql", "SELECT 1;");
	put("notes.txt", "not sql");
	put("x.sql.bak", "backup");
	put(".sql", "just a dot name");
	put("b/z.sql", "z");
	put("b/deeper/y.sql", "y");
	put("a/c.sql", "c");
	put(".hidden/h.sql", "hidden");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static int quiet(void **state)
{
	(void)state;
	forget_errors();
	return 0;
}

static void test_collect_recursive_sorted(void **state)
{
	(void)state;
	struct strlist l = STRLIST_INIT;
	char with_slash[80];
	snprintf(with_slash, sizeof(with_slash), "%s//", root);
	assert_int_equal(fs_collect_sql(with_slash, &l), 0);
	const char *want[] = {"1_first.sql", "2_second.sql", "a/c.sql", "b/deeper/y.sql", "b/z.sql"};
	assert_int_equal(l.n, 5);
	for (size_t i = 0; i < l.n; i++) {
		char full[256];
		snprintf(full, sizeof(full), "%s/%s", root, want[i]);
		assert_string_equal(l.items[i], full);
	}
	strlist_release(&l);
}

static void test_collect_file_and_stdin(void **state)
{
	(void)state;
	struct strlist l = STRLIST_INIT;
	char path[256];
	snprintf(path, sizeof(path), "%s/notes.txt", root);
	assert_int_equal(fs_collect_sql(path, &l), 0); /* a named file is taken whatever its suffix */
	assert_int_equal(fs_collect_sql("-", &l), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.items[0], path);
	assert_string_equal(l.items[1], "-");
	strlist_release(&l);
	assert_int_equal(gate_error_count(), 0);
}

static void test_collect_missing_path(void **state)
{
	(void)state;
	struct strlist l = STRLIST_INIT;
	char path[256];
	snprintf(path, sizeof(path), "%s/does-not-exist", root);
	assert_int_equal(fs_collect_sql(path, &l), -1);
	assert_int_equal(l.n, 0);
	assert_int_equal(gate_error_count(), 1);
	assert_int_equal(gate_error_code(), EXIT_USAGE);
	assert_non_null(strstr(gate_error_message(0), "does-not-exist"));
	strlist_release(&l);
}

static void test_read_file(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	char path[256];
	snprintf(path, sizeof(path), "%s/1_first.sql", root);
	assert_int_equal(fs_read_file(path, &b), 0);
	assert_string_equal(buf_str(&b), "SELECT 1;");
	assert_int_equal(b.len, 9);
	buf_release(&b);
}

static void test_read_empty_file(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	put("empty.sql", "");
	char path[256];
	snprintf(path, sizeof(path), "%s/empty.sql", root);
	assert_int_equal(fs_read_file(path, &b), 0);
	assert_non_null(b.data); /* callers get "" and never NULL */
	assert_int_equal(b.len, 0);
	buf_release(&b);
	remove(path);
}

static void test_read_missing_and_folder(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	char path[256];
	snprintf(path, sizeof(path), "%s/nope.sql", root);
	assert_int_equal(fs_read_file(path, &b), -1);
	assert_non_null(strstr(gate_error_message(0), "nope.sql"));
	snprintf(path, sizeof(path), "%s/a", root);
	assert_int_equal(fs_read_file(path, &b), -1); /* a folder opens but cannot be read */
	assert_int_equal(gate_error_count(), 2);
	assert_int_equal(gate_error_code(), EXIT_USAGE);
	buf_release(&b);
}

static void test_read_stream(void **state)
{
	(void)state;
	FILE *f = tmpfile();
	assert_non_null(f);
	for (int i = 0; i < 100000; i++)
		fputs("0123456789", f);
	rewind(f);
	struct buf b = BUF_INIT;
	assert_int_equal(fs_read_stream(f, "<tmp>", &b), 0);
	assert_int_equal(b.len, 1000000);
	assert_int_equal(b.data[999999], '9');
	buf_release(&b);
	fclose(f);
}

static void test_is_dir(void **state)
{
	(void)state;
	char path[256];
	assert_true(fs_is_dir(root));
	snprintf(path, sizeof(path), "%s/1_first.sql", root);
	assert_false(fs_is_dir(path));
	snprintf(path, sizeof(path), "%s/missing", root);
	assert_false(fs_is_dir(path));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_collect_recursive_sorted, quiet),
	    cmocka_unit_test_setup(test_collect_file_and_stdin, quiet),
	    cmocka_unit_test_setup(test_collect_missing_path, quiet),
	    cmocka_unit_test_setup(test_read_file, quiet),
	    cmocka_unit_test_setup(test_read_empty_file, quiet),
	    cmocka_unit_test_setup(test_read_missing_and_folder, quiet),
	    cmocka_unit_test_setup(test_read_stream, quiet),
	    cmocka_unit_test_setup(test_is_dir, quiet),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
