/* lint/source: line and column of byte offsets (in characters), line text, UTF-8 validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lint/source.h"
#include "util/buf.h"

static void pos(const struct source *s, size_t offset, unsigned want_line, unsigned want_col)
{
	unsigned line = 0, col = 0;
	source_position(s, offset, &line, &col);
	assert_int_equal(line, want_line);
	assert_int_equal(col, want_col);
}

static void test_positions_ascii(void **state)
{
	(void)state;
	const char *t = "ab\ncd\n\nefg";
	struct source s;
	source_init(&s, t, strlen(t));
	assert_int_equal(s.n_lines, 4);
	pos(&s, 0, 1, 1);
	pos(&s, 1, 1, 2);
	pos(&s, 2, 1, 3); /* the newline itself ends line 1 */
	pos(&s, 3, 2, 1);
	pos(&s, 6, 3, 1);
	pos(&s, 9, 4, 3);
	pos(&s, 10, 4, 4);  /* end of text */
	pos(&s, 999, 4, 4); /* past the end is clamped */
	source_release(&s);
	source_release(&s);
}

static void test_positions_utf8(void **state)
{
	(void)state;
	/* "é" is 2 bytes, "日" 3, "🐘" 4: columns count characters. */
	const char *t = "é日🐘x\n  🐘y";
	struct source s;
	source_init(&s, t, strlen(t));
	pos(&s, 0, 1, 1);
	pos(&s, 2, 1, 2); /* 日 */
	pos(&s, 5, 1, 3); /* 🐘 */
	pos(&s, 9, 1, 4); /* x */
	pos(&s, 11, 2, 1);
	pos(&s, 13, 2, 3); /* 🐘 on line 2 */
	pos(&s, 17, 2, 4); /* y */
	source_release(&s);
}

static void line_is(const struct source *s, unsigned line, const char *want)
{
	size_t start, len;
	source_line_span(s, line, &start, &len);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(s->text + start, want, len);
}

static void test_line_text(void **state)
{
	(void)state;
	const char *t = "first\r\nsecond\n\nlast";
	struct source s;
	source_init(&s, t, strlen(t));
	line_is(&s, 1, "first"); /* CR of CRLF dropped */
	line_is(&s, 2, "second");
	line_is(&s, 3, "");
	line_is(&s, 4, "last");
	line_is(&s, 0, "");
	line_is(&s, 5, "");
	assert_true(source_same_line(&s, 0, 6));
	assert_false(source_same_line(&s, 0, 7));
	source_release(&s);
}

static void test_empty_text(void **state)
{
	(void)state;
	struct source s;
	source_init(&s, "", 0);
	assert_int_equal(s.n_lines, 1);
	pos(&s, 0, 1, 1);
	line_is(&s, 1, "");
	source_release(&s);
}

/* Columns far into a long line of multibyte characters, across the checkpoint blocks. */
static void test_long_line_columns(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	buf_adds(&b, "x\n");
	for (int i = 0; i < 1000; i++)
		buf_adds(&b, "é;");
	struct source s;
	source_init(&s, b.data, b.len);
	pos(&s, 2, 2, 1);
	pos(&s, 2 + 3 * 500, 2, 1001);
	pos(&s, 2 + 3 * 999 + 2, 2, 2000);
	pos(&s, b.len, 2, 2001);
	source_release(&s);
	buf_release(&b);
}

static void valid(const char *t, size_t len)
{
	size_t bad = 77;
	assert_int_equal(source_validate(t, len, &bad), 0);
}

static void invalid(const char *t, size_t len, int want_kind, size_t want_at)
{
	size_t bad = 77;
	assert_int_equal(source_validate(t, len, &bad), want_kind);
	assert_int_equal(bad, want_at);
}

static void test_validate(void **state)
{
	(void)state;
	valid("", 0);
	valid("SELECT 'é日🐘';", strlen("SELECT 'é日🐘';"));
	valid("\xef\xbb\xbfSELECT 1;", 12);       /* a BOM is valid UTF-8 */
	valid("\xf4\x8f\xbf\xbf", 4);             /* U+10FFFF, the last code point */
	invalid("SELECT 1;\0binary", 16, 1, 9);   /* NUL: binary data */
	invalid("ab\xff", 3, 2, 2);               /* never valid in UTF-8 */
	invalid("a\x80", 2, 2, 1);                /* lone continuation byte */
	invalid("a\xc3", 2, 2, 1);                /* truncated at the end */
	invalid("a\xc3(", 3, 2, 1);               /* bad continuation */
	invalid("\xc0\xaf", 2, 2, 0);             /* overlong '/' */
	invalid("x\xe0\x80\xaf", 4, 2, 1);        /* overlong 3-byte */
	invalid("\xf0\x80\x80\xaf", 4, 2, 0);     /* overlong 4-byte */
	invalid("\xed\xa0\x80", 3, 2, 0);         /* UTF-16 surrogate */
	invalid("\xf4\x90\x80\x80", 4, 2, 0);     /* above U+10FFFF */
	invalid("\xf8\x88\x80\x80\x80", 5, 2, 0); /* 5-byte form */
	invalid("é\0", 3, 1, 2);                  /* NUL after valid text */
}

static void test_char_offset(void **state)
{
	(void)state;
	const char *t = "é日🐘x";
	size_t n = strlen(t);
	assert_int_equal(source_char_offset(t, n, 1), 0);
	assert_int_equal(source_char_offset(t, n, 2), 2);
	assert_int_equal(source_char_offset(t, n, 3), 5);
	assert_int_equal(source_char_offset(t, n, 4), 9);
	assert_int_equal(source_char_offset(t, n, 5), 10);
	assert_int_equal(source_char_offset(t, n, 99), 10); /* clamped */
	assert_int_equal(source_char_offset(t, n, 0), 0);
	assert_int_equal(source_char_offset(t, n, -3), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_positions_ascii),   cmocka_unit_test(test_positions_utf8),
	    cmocka_unit_test(test_line_text),         cmocka_unit_test(test_empty_text),
	    cmocka_unit_test(test_long_line_columns), cmocka_unit_test(test_validate),
	    cmocka_unit_test(test_char_offset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
