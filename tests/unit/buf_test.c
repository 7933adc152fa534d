/* util/buf: growth, formatting, escaping and ownership transfer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/buf.h"

static void test_empty_is_empty_string(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	assert_null(b.data);
	assert_string_equal(buf_str(&b), "");
	char *s = buf_detach(&b);
	assert_string_equal(s, "");
	free(s);
	buf_release(&b);
	buf_release(&b); /* twice is fine */
}

static void test_add_and_grow(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	for (int i = 0; i < 10000; i++)
		buf_addc(&b, (char)('a' + i % 26));
	assert_int_equal(b.len, 10000);
	assert_true(b.alloc > b.len);
	assert_int_equal(b.data[b.len], '\0');
	assert_int_equal(b.data[9999], 'a' + 9999 % 26);
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_str(&b), "");
	buf_add(&b, "ab\0cd", 5); /* embedded NUL kept, length counts it */
	assert_int_equal(b.len, 5);
	assert_memory_equal(b.data, "ab\0cd", 6);
	buf_release(&b);
}

static void test_addf(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	buf_adds(&b, "x=");
	buf_addf(&b, "%d,%s,%05.1f", 42, "y", 3.14159);
	assert_string_equal(buf_str(&b), "x=42,y,003.1");
	/* Longer than any small first guess of the formatter. */
	char big[3000];
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	buf_addf(&b, "[%s]", big);
	assert_int_equal(b.len, strlen("x=42,y,003.1") + 2 + sizeof(big) - 1);
	assert_int_equal(b.data[b.len - 1], ']');
	buf_release(&b);
}

static void test_json_escape(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	const char in[] = "a\"b\\c\n\t\x01\x1f é";
	buf_add_json_escaped(&b, in, strlen(in));
	assert_string_equal(buf_str(&b), "a\\\"b\\\\c\\n\\t\\u0001\\u001f é");
	buf_release(&b);
}

static void test_xml_escape(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	buf_add_xml_escaped(&b, "<a href=\"x\">&'\x01\n</a>");
	assert_string_equal(buf_str(&b), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;?\n&lt;/a&gt;");
	buf_release(&b);
}

static void test_detach_leaves_empty(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	buf_adds(&b, "owned");
	char *s = buf_detach(&b);
	assert_string_equal(s, "owned");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	buf_adds(&b, "again"); /* still usable */
	assert_string_equal(buf_str(&b), "again");
	free(s);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty_is_empty_string),
	    cmocka_unit_test(test_add_and_grow),
	    cmocka_unit_test(test_addf),
	    cmocka_unit_test(test_json_escape),
	    cmocka_unit_test(test_xml_escape),
	    cmocka_unit_test(test_detach_leaves_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
