/* Snapshot diff and its wording, on hand-made snapshots (no server needed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pg/diff.h"
#include "pg/snapshot.h"

static void fill(struct snapshot *s, const char *const *lines)
{
	snapshot_init(s);
	for (; *lines; lines++)
		strlist_add(&s->lines, *lines);
	strlist_sort(&s->lines);
}

static void assert_describes(const struct diff *d, const char *const *want)
{
	size_t n = 0;
	for (; want[n]; n++) {
		assert_true(n < d->n);
		char *got = diff_entry_describe(&d->items[n]);
		if (strcmp(got, want[n]))
			print_error("entry %zu\n   got: %s\n  want: %s\n", n, got, want[n]);
		assert_string_equal(got, want[n]);
		free(got);
	}
	assert_int_equal(d->n, n);
}

/* The diff from a to b reads exactly as want. */
static void expect_diff(const char *const *a_lines, const char *const *b_lines, const char *const *want)
{
	struct snapshot a, b;
	struct diff d = DIFF_INIT;
	fill(&a, a_lines);
	fill(&b, b_lines);
	diff_snapshots(&a, &b, &d);
	assert_describes(&d, want);
	diff_release(&d);
	snapshot_release(&a);
	snapshot_release(&b);
}

static void test_added_removed_changed(void **state)
{
	(void)state;
	static const char *const a_lines[] = {
	    "column\tt.a\ttext\tnot null\t\t\t\t\t1",
	    "column\tt.b\tinteger\tnull\t\t\t\t\t2",
	    "index\tt.ix_old\tCREATE INDEX ix_old ON public.t USING btree (b)\tvalid",
	    "schema\tpublic",
	    "table\tt\ttable\tlogged",
	    NULL,
	};
	static const char *const b_lines[] = {
	    "column\tt.a\tcharacter varying(20)\tnull\t'x'::character varying\t\t\t\t1",
	    "index\tt.ix_a\tCREATE INDEX ix_a ON public.t USING btree (a)\tinvalid",
	    "schema\tpublic",
	    "table\tt\ttable\tlogged",
	    NULL,
	};
	struct snapshot a, b;
	struct diff d = DIFF_INIT;
	fill(&a, a_lines);
	fill(&b, b_lines);
	assert_int_equal(diff_snapshots(&a, &b, &d), 4);
	static const char *const want[] = {
	    "column \"t.a\" type differs: text vs varchar(20); nullability differs: not null vs null; default differs: "
	    "(none) vs 'x'::character varying",
	    "column \"t.b\" was removed",
	    "index \"ix_a\" on \"t\" was added",
	    "index \"ix_old\" on \"t\" was removed",
	    NULL,
	};
	assert_describes(&d, want);
	assert_int_equal(d.items[0].change, DIFF_CHANGED);
	assert_string_equal(d.items[0].kind, "column");
	assert_string_equal(d.items[0].identity, "t.a");
	assert_string_equal(d.items[0].before, "text\tnot null\t\t\t\t\t1");
	assert_null(d.items[1].after);
	char *detail = diff_entry_detail(&d.items[1]);
	assert_string_equal(detail, "was removed");
	free(detail);
	assert_null(d.items[2].before);
	assert_string_equal(d.items[2].after, "CREATE INDEX ix_a ON public.t USING btree (a)\tinvalid");
	/* The reverse direction swaps added and removed. */
	assert_int_equal(diff_snapshots(&b, &a, &d), 4);
	assert_int_equal(d.items[1].change, DIFF_ADDED);
	assert_int_equal(d.items[2].change, DIFF_REMOVED);
	diff_release(&d);
	diff_release(&d); /* released twice is fine */
	snapshot_release(&a);
	snapshot_release(&b);
}

static void test_equal(void **state)
{
	(void)state;
	static const char *const lines[] = {"schema\tpublic", "table\tt\ttable\tlogged", NULL};
	struct snapshot a, b;
	struct diff d = DIFF_INIT;
	fill(&a, lines);
	fill(&b, lines);
	assert_true(snapshot_equal(&a, &b));
	assert_int_equal(diff_snapshots(&a, &b, &d), 0);
	strlist_add(&b.lines, "schema\tx");
	assert_false(snapshot_equal(&a, &b));
	assert_int_equal(diff_snapshots(&a, &b, &d), 1);
	char *s = diff_entry_describe(&d.items[0]);
	assert_string_equal(s, "schema \"x\" was added");
	free(s);
	diff_release(&d);
	snapshot_release(&a);
	snapshot_release(&b);
}

/* A key that is a prefix of another ("t.a" and "t.ab") must not pair them up. */
static void test_prefix_keys(void **state)
{
	(void)state;
	static const char *const a_lines[] = {"column\tt.a\ttext", "column\tt.ab\ttext", NULL};
	static const char *const b_lines[] = {"column\tt.ab\tinteger", NULL};
	static const char *const want[] = {
	    "column \"t.a\" was removed",
	    "column \"t.ab\" type differs: text vs integer",
	    NULL,
	};
	expect_diff(a_lines, b_lines, want);
}

static void test_subjects(void **state)
{
	(void)state;
	static const char *const a_lines[] = {NULL};
	static const char *const b_lines[] = {
	    "comment\tcolumn c of table t\thello",
	    "constraint\taudit.\"Odd.Name\".fk_x\tFOREIGN KEY (a) REFERENCES t(id)",
	    "enum\tmood\t'a', 'b'",
	    "function\tf(integer)\tCREATE FUNCTION...",
	    "grant\ttable t\treader SELECT",
	    "trigger\tt.\"trg.x\"\tCREATE TRIGGER...\tenabled",
	    NULL,
	};
	static const char *const want[] = {
	    "comment on column c of table t was added",
	    "constraint \"fk_x\" on audit.\"Odd.Name\" was added",
	    "enum \"mood\" was added",
	    "function \"f(integer)\" was added",
	    "grants on table t was added",
	    "trigger \"trg.x\" on \"t\" was added",
	    NULL,
	};
	expect_diff(a_lines, b_lines, want);
}

/* Long values are cut to a window around the first difference; plural field names take "differ". */
static void test_long_values(void **state)
{
	(void)state;
	static const char *const a_lines[] = {
	    "enum\tmood\t'a', 'b'",
	    "view\tv\t SELECT t.a,\\n    t.b\\n   FROM t\\n  WHERE (t.a > 1000000) AND (t.b < 2000000) AND t.c IS "
	    "NULL;",
	    NULL,
	};
	static const char *const b_lines[] = {
	    "enum\tmood\t'a', 'b', 'c'",
	    "view\tv\t SELECT t.a,\\n    t.b\\n   FROM t\\n  WHERE (t.a > 1000000) AND (t.b < 3000000) AND t.c IS "
	    "NULL;",
	    NULL,
	};
	static const char *const want[] = {
	    "enum \"mood\" labels differ: 'a', 'b' vs 'a', 'b', 'c'",
	    /* 20 characters of context before the first difference, "1000000) AND (t.b < " */
	    "view \"v\" definition differs: ...1000000) AND (t.b < 2000000) AND t.c IS NULL; vs ...1000000) AND (t.b < "
	    "3000000) AND t.c IS NULL;",
	    NULL,
	};
	expect_diff(a_lines, b_lines, want);
}

/*
 * Expressions compare without the schema of a function call (pgcrypto's
 * public.gen_random_uuid() and core's gen_random_uuid() are one default);
 * a qualified name that is no call, a string literal, and another function
 * still differ.
 */
static void test_expressions_by_meaning(void **state)
{
	(void)state;
	static const char *const a_lines[] = {
	    "column\tt.a\tuuid\tnull\tpublic.gen_random_uuid()\t\t\t\t1",
	    "column\tt.b\tuuid\tnull\t\"My Schema\".f(1, ext.g(2))\t\t\t\t2",
	    "column\tt.c\ttext\tnull\t'public.f()'::text\t\t\t\t3",
	    "column\tt.d\tuuid\tnull\tpublic.gen_random_uuid()\t\t\t\t4",
	    "constraint\tt.ck\tCHECK ((public.f(a) > 0))",
	    "index\tt.ix\tCREATE INDEX ix ON public.t USING btree (public.lower2(c))\tvalid",
	    NULL,
	};
	static const char *const b_lines[] = {
	    "column\tt.a\tuuid\tnull\tgen_random_uuid()\t\t\t\t1",
	    "column\tt.b\tuuid\tnull\tf(1, g(2))\t\t\t\t2",
	    "column\tt.c\ttext\tnull\t'f()'::text\t\t\t\t3",
	    "column\tt.d\tuuid\tnull\tuuid_generate_v4()\t\t\t\t4",
	    "constraint\tt.ck\tCHECK ((f(a) > 0))",
	    "index\tt.ix\tCREATE INDEX ix ON t USING btree (lower2(c))\tvalid",
	    NULL,
	};
	static const char *const want[] = {
	    "column \"t.c\" default differs: 'public.f()'::text vs 'f()'::text",
	    "column \"t.d\" default differs: public.gen_random_uuid() vs uuid_generate_v4()",
	    "index \"ix\" on \"t\" definition differs: CREATE INDEX ix ON public.t USING btree (public.lower2(c)) vs "
	    "CREATE INDEX ix ON t USING btree (lower2(c))",
	    NULL,
	};
	expect_diff(a_lines, b_lines, want);
}

/* A function whose definition differs in whitespace only is kept, flagged cosmetic; any other change is not. */
static void test_function_whitespace(void **state)
{
	(void)state;
	static const char *const a_lines[] = {
	    "function\tf()\tCREATE FUNCTION f() AS $$\\nBEGIN\\n    RETURN 1;\\nEND\\n$$",
	    "function\tg()\tCREATE FUNCTION g() AS $$ SELECT 1 $$",
	    NULL,
	};
	static const char *const b_lines[] = {
	    "function\tf()\tCREATE FUNCTION f() AS $$\\nBEGIN\\n\\n\\tRETURN 1;  \\nEND\\n$$",
	    "function\tg()\tCREATE FUNCTION g() AS $$ SELECT 2 $$",
	    NULL,
	};
	struct snapshot a, b;
	struct diff d = DIFF_INIT;
	fill(&a, a_lines);
	fill(&b, b_lines);
	assert_int_equal(diff_snapshots(&a, &b, &d), 2);
	assert_string_equal(d.items[0].identity, "f()");
	assert_true(d.items[0].cosmetic);
	assert_string_equal(d.items[1].identity, "g()");
	assert_false(d.items[1].cosmetic);
	diff_release(&d);
	snapshot_release(&a);
	snapshot_release(&b);
}

/* Each entry carries the relation its line belongs to, from either snapshot's owners. */
static void test_owner(void **state)
{
	(void)state;
	struct snapshot a, b;
	struct diff d = DIFF_INIT;
	static const char *const a_lines[] = {"column\tt.a\ttext", NULL};
	static const char *const b_lines[] = {"index\tt.ix\tCREATE INDEX ix ON public.t USING btree (a)\tvalid", NULL};
	fill(&a, a_lines);
	fill(&b, b_lines);
	strset_put(&a.owners, a_lines[0], "t");
	strset_put(&b.owners, b_lines[0], "t");
	assert_int_equal(diff_snapshots(&a, &b, &d), 2);
	assert_string_equal(d.items[0].owner, "t");
	assert_string_equal(d.items[1].owner, "t");
	diff_release(&d);
	snapshot_release(&a);
	snapshot_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_added_removed_changed), cmocka_unit_test(test_equal),
	    cmocka_unit_test(test_prefix_keys),           cmocka_unit_test(test_subjects),
	    cmocka_unit_test(test_long_values),           cmocka_unit_test(test_expressions_by_meaning),
	    cmocka_unit_test(test_function_whitespace),   cmocka_unit_test(test_owner),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
