/* util/fs: reading files and collecting .sql files from folders. */
#include <fcntl.h>
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
	struct fs_inputs in;
	fs_inputs_init(&in);
	const struct strlist *l = &in.paths;
	char with_slash[80];
	snprintf(with_slash, sizeof(with_slash), "%s//", root);
	assert_int_equal(fs_inputs_add(&in, with_slash), 0);
	const char *want[] = {"1_first.sql", "2_second.sql", "a/c.sql", "b/deeper/y.sql", "b/z.sql"};
	assert_int_equal(l->n, 5);
	for (size_t i = 0; i < l->n; i++) {
		char full[256];
		snprintf(full, sizeof(full), "%s/%s", root, want[i]);
		assert_string_equal(l->items[i], full);
	}
	fs_inputs_release(&in);
}

static void test_collect_file_and_stdin(void **state)
{
	(void)state;
	struct fs_inputs in;
	fs_inputs_init(&in);
	char path[256];
	snprintf(path, sizeof(path), "%s/notes.txt", root);
	assert_int_equal(fs_inputs_add(&in, path), 0); /* a named file is taken whatever its suffix */
	assert_int_equal(fs_inputs_add(&in, "-"), 0);
	assert_int_equal(fs_inputs_add(&in, path), 0); /* taken once */
	assert_int_equal(in.paths.n, 2);
	assert_string_equal(in.paths.items[0], path);
	assert_string_equal(in.paths.items[1], "-");
	fs_inputs_release(&in);
	assert_int_equal(gate_error_count(), 0);
}

static void test_collect_missing_path(void **state)
{
	(void)state;
	struct fs_inputs in;
	fs_inputs_init(&in);
	char path[256];
	snprintf(path, sizeof(path), "%s/does-not-exist", root);
	assert_int_equal(fs_inputs_add(&in, path), -1);
	assert_int_equal(in.paths.n, 0);
	assert_int_equal(gate_error_count(), 1);
	assert_int_equal(gate_error_code(), EXIT_USAGE);
	assert_non_null(strstr(gate_error_message(0), "does-not-exist"));
	fs_inputs_release(&in);
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
	assert_string_equal(b.data, "");
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

static void link_rel(const char *target, const char *rel)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(symlink(target, path), 0);
}

/* Links back up the tree end the walk, and a file met by two paths is taken once. */
static void test_collect_links_once(void **state)
{
	(void)state;
	mkdir_rel("cyc");
	mkdir_rel("cyc/sub");
	put("cyc/a.sql", "SELECT 1;");
	put("cyc/sub/b.sql", "SELECT 2;");
	link_rel(".", "cyc/loop1");
	link_rel(".", "cyc/loop2");
	link_rel("..", "cyc/sub/up");
	link_rel("a.sql", "cyc/z_alias.sql");
	link_rel("sub", "cyc/sub_again");
	struct fs_inputs in;
	fs_inputs_init(&in);
	char path[256];
	snprintf(path, sizeof(path), "%s/cyc", root);
	assert_int_equal(fs_inputs_add(&in, path), 0);
	snprintf(path, sizeof(path), "%s/cyc/z_alias.sql", root);
	assert_int_equal(fs_inputs_add(&in, path), 0); /* already taken from the folder */
	assert_int_equal(in.paths.n, 2);
	snprintf(path, sizeof(path), "%s/cyc/a.sql", root);
	assert_string_equal(in.paths.items[0], path);
	snprintf(path, sizeof(path), "%s/cyc/sub/b.sql", root);
	assert_string_equal(in.paths.items[1], path);
	assert_int_equal(gate_error_count(), 0);
	fs_inputs_release(&in);
}

static void refused(const char *path, size_t max, const char *says)
{
	struct buf b = BUF_INIT;
	forget_errors();
	assert_int_equal(fs_read_input(path, max, &b), -1);
	assert_int_equal(gate_error_count(), 1);
	assert_int_equal(gate_error_code(), EXIT_USAGE);
	assert_non_null(strstr(gate_error_message(0), says));
	assert_true(b.len <= max + 1);
	buf_release(&b);
}

/* Only regular files, and only up to the limit; a FIFO is refused without blocking. */
static void test_read_input_limits(void **state)
{
	(void)state;
	char path[256];
	struct buf b = BUF_INIT;
	snprintf(path, sizeof(path), "%s/1_first.sql", root);
	assert_int_equal(fs_read_input(path, 9, &b), 0);
	assert_string_equal(buf_str(&b), "SELECT 1;");
	buf_release(&b);
	refused(path, 8, "larger than --max-file-size (8 bytes)");
	refused("/dev/zero", 1024, "a character device, not a regular file");
	snprintf(path, sizeof(path), "%s/fifo.sql", root);
	assert_int_equal(mkfifo(path, 0600), 0);
	refused(path, 1024, "a FIFO, not a regular file");
	remove(path);
	snprintf(path, sizeof(path), "%s/a", root);
	refused(path, 1024, "a folder, not a regular file");
}

/* stdin may be anything: it is read, but only up to the limit. */
static void test_read_stdin_limit(void **state)
{
	(void)state;
	int saved = dup(0);
	int zero = open("/dev/zero", O_RDONLY);
	assert_true(saved >= 0 && zero >= 0);
	assert_int_equal(dup2(zero, 0), 0);
	refused("-", 100000, "'<stdin>' is larger than --max-file-size (100000 bytes)");
	dup2(saved, 0);
	close(saved);
	close(zero);
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
	    cmocka_unit_test_setup(test_collect_links_once, quiet),
	    cmocka_unit_test_setup(test_read_input_limits, quiet),
	    cmocka_unit_test_setup(test_read_stdin_limit, quiet),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
