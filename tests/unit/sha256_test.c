/* util/sha256: known digests, incremental updates, files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/sha256.h"

static void test_known_digests(void **state)
{
	(void)state;
	char hex[SHA256_HEX_LEN + 1];
	sha256_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_incremental_equals_one_shot(void **state)
{
	(void)state;
	char a[SHA256_HEX_LEN + 1], b[SHA256_HEX_LEN + 1];
	struct sha256 h;
	sha256_init(&h);
	sha256_update(&h, "hello ", 6);
	sha256_update(&h, "world", 5);
	assert_int_equal(h.bytes, 11);
	sha256_final(&h, a);
	sha256_hex("hello world", 11, b);
	assert_string_equal(a, b);
}

static void test_file(void **state)
{
	(void)state;
	char path[] = "/tmp/sha256_test.XXXXXX", hex[SHA256_HEX_LEN + 1];
	uint64_t size = 0;
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "abc", 3), 3);
	close(fd);
	assert_int_equal(sha256_file(path, hex, &size), 0);
	assert_int_equal(size, 3);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	unlink(path);
	assert_int_equal(sha256_file(path, hex, &size), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known_digests),
	    cmocka_unit_test(test_incremental_equals_one_shot),
	    cmocka_unit_test(test_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
