/* Revision graph: graphs built in C, no Python. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "alembic/graph.h"
#include "util/error.h"

/*
 * Builds a graph from "id:down1,down2:dep1" specs ("-" for none), in order.
 * The file of each revision is "versions/<id>.py".
 */
static void build(struct rev_graph *g, const char *const *specs, size_t n)
{
	rev_graph_init(g);
	for (size_t i = 0; i < n; i++) {
		char id[64], down[128] = "", deps[128] = "", path[96];
		int got = sscanf(specs[i], "%63[^:]:%127[^:]:%127s", id, down, deps);
		assert_true(got >= 1);
		snprintf(path, sizeof(path), "versions/%s.py", id);
		struct rev *r = rev_graph_add(g, id, path);
		if (strcmp(down, "-") && down[0])
			strlist_split(&r->down, down, ",");
		if (strcmp(deps, "-") && deps[0])
			strlist_split(&r->depends, deps, ",");
	}
}

static char *joined(const struct strlist *l)
{
	static char out[512];
	out[0] = '\0';
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			strncat(out, " ", sizeof(out) - strlen(out) - 1);
		strncat(out, l->items[i], sizeof(out) - strlen(out) - 1);
	}
	return out;
}

static size_t pos(const struct strlist *l, const char *id)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->items[i], id))
			return i;
	fail_msg("'%s' missing from '%s'", id, joined(l));
	return 0;
}

/* A branching history with a merge and a cross-branch depends_on. */
static const char *const branchy[] = {
    "m:b,c:-",                            /* listed first on purpose: order must come from edges */
    "a:-:-",   "b:a:-", "c:a:x", "x:-:-", /* a second base, needed by c */
    "d:m:-",
};

static void test_topo_respects_every_edge(void **state)
{
	(void)state;
	struct rev_graph g;
	struct strlist order = STRLIST_INIT;
	build(&g, branchy, 6);
	assert_int_equal(rev_graph_validate(&g), 0);
	rev_graph_topo(&g, &order);
	assert_int_equal(order.n, 6);
	for (size_t i = 0; i < g.n; i++) {
		const struct rev *r = &g.revs[i];
		for (size_t k = 0; k < r->down.n; k++)
			assert_true(pos(&order, r->down.items[k]) < pos(&order, r->id));
		for (size_t k = 0; k < r->depends.n; k++)
			assert_true(pos(&order, r->depends.items[k]) < pos(&order, r->id));
	}
	assert_true(rev_graph_find(&g, "m")->is_merge);
	assert_false(rev_graph_find(&g, "c")->is_merge);
	assert_null(rev_graph_find(&g, "zz"));
	strlist_release(&order);
	rev_graph_release(&g);
}

static void test_heads(void **state)
{
	(void)state;
	static const char *const two[] = {"a:-", "b:a", "c:a"};
	struct rev_graph g;
	struct strlist heads = STRLIST_INIT;
	build(&g, two, 3);
	assert_int_equal(rev_graph_validate(&g), 0);
	rev_graph_heads(&g, &heads);
	assert_string_equal(joined(&heads), "b c");
	unsigned before = gate_error_count();
	assert_int_equal(rev_graph_check_heads(&g, true), 0);
	assert_int_equal(rev_graph_check_heads(&g, false), -1);
	assert_int_equal(gate_error_count(), before + 1);
	assert_non_null(strstr(gate_error_message(before), "2 heads: 'b', 'c'"));
	strlist_release(&heads);
	rev_graph_release(&g);

	build(&g, branchy, 6);
	assert_int_equal(rev_graph_validate(&g), 0);
	rev_graph_heads(&g, &heads);
	/* x is needed by c only through depends_on: Alembic still counts it as a head */
	assert_string_equal(joined(&heads), "d x");
	assert_int_equal(rev_graph_check_heads(&g, false), -1);
	strlist_release(&heads);
	rev_graph_release(&g);

	static const char *const merged[] = {"a:-", "b:a", "c:a", "m:b,c"};
	build(&g, merged, 4);
	assert_int_equal(rev_graph_validate(&g), 0);
	rev_graph_heads(&g, &heads);
	assert_string_equal(joined(&heads), "m");
	assert_int_equal(rev_graph_check_heads(&g, false), 0);
	strlist_release(&heads);
	rev_graph_release(&g);
	gate_error_flush();
}

static void test_new_from_rows_follows_depends_on(void **state)
{
	(void)state;
	struct rev_graph g;
	struct strlist rows = STRLIST_INIT, fresh = STRLIST_INIT, base = STRLIST_INIT;
	build(&g, branchy, 6);
	assert_int_equal(rev_graph_validate(&g), 0);

	/* At c: a, c and (through depends_on) x are applied. */
	strlist_add(&rows, "c");
	assert_int_equal(rev_graph_new_from_rows(&g, &rows, &fresh), 0);
	assert_int_equal(fresh.n, 3);
	assert_true(pos(&fresh, "b") < pos(&fresh, "m"));
	assert_true(pos(&fresh, "m") < pos(&fresh, "d"));
	rev_graph_baseline(&g, &fresh, &base);
	assert_string_equal(joined(&base), "c");

	/* Two rows, as on a database with two branches applied. */
	strlist_release(&fresh);
	strlist_release(&base);
	strlist_add(&rows, "b");
	assert_int_equal(rev_graph_new_from_rows(&g, &rows, &fresh), 0);
	assert_string_equal(joined(&fresh), "m d");
	rev_graph_baseline(&g, &fresh, &base);
	assert_string_equal(joined(&base), "b c");

	/* No rows: everything is new, from an empty database. */
	strlist_release(&fresh);
	strlist_release(&base);
	strlist_release(&rows);
	assert_int_equal(rev_graph_new_from_rows(&g, &rows, &fresh), 0);
	assert_int_equal(fresh.n, 6);
	rev_graph_baseline(&g, &fresh, &base);
	assert_int_equal(base.n, 0);

	strlist_release(&fresh);
	strlist_release(&base);
	rev_graph_release(&g);
}

static void test_unknown_row_is_usage_error(void **state)
{
	(void)state;
	struct rev_graph g;
	struct strlist rows = STRLIST_INIT, fresh = STRLIST_INIT;
	build(&g, branchy, 6);
	assert_int_equal(rev_graph_validate(&g), 0);
	strlist_add(&rows, "b");
	strlist_add(&rows, "deadbeef");
	unsigned before = gate_error_count();
	assert_int_equal(rev_graph_new_from_rows(&g, &rows, &fresh), -1);
	assert_int_equal(gate_error_code(), EXIT_USAGE);
	assert_string_equal(gate_error_message(before),
	                    "alembic_version row 'deadbeef' is not a revision of this project");
	assert_int_equal(fresh.n, 0);
	assert_int_equal(rev_graph_new_since(&g, "nope", &fresh), -1);
	assert_non_null(strstr(gate_error_message(before + 1), "'nope'"));
	gate_error_flush();
	strlist_release(&rows);
	rev_graph_release(&g);
}

static void test_since(void **state)
{
	(void)state;
	static const char *const line[] = {"r1:-", "r2:r1", "r3:r2", "r4:r3"};
	struct rev_graph g;
	struct strlist fresh = STRLIST_INIT, base = STRLIST_INIT;
	build(&g, line, 4);
	assert_int_equal(rev_graph_validate(&g), 0);
	assert_int_equal(rev_graph_new_since(&g, "r2", &fresh), 0);
	assert_string_equal(joined(&fresh), "r3 r4");
	rev_graph_baseline(&g, &fresh, &base);
	assert_string_equal(joined(&base), "r2");
	strlist_release(&fresh);
	assert_int_equal(rev_graph_new_since(&g, "r4", &fresh), 0);
	assert_int_equal(fresh.n, 0);
	strlist_release(&fresh);
	strlist_release(&base);
	rev_graph_release(&g);
}

static void expect_invalid(const char *const *specs, size_t n, const char *message)
{
	struct rev_graph g;
	build(&g, specs, n);
	unsigned before = gate_error_count();
	assert_int_equal(rev_graph_validate(&g), -1);
	assert_non_null(gate_error_message(before));
	if (!strstr(gate_error_message(before), message))
		fail_msg("got '%s', want '%s'", gate_error_message(before), message);
	gate_error_flush();
	rev_graph_release(&g);
}

static void test_invalid_graphs_name_the_file(void **state)
{
	(void)state;
	static const char *const broken[] = {"a:-", "b:zz"};
	static const char *const bad_dep[] = {"a:-", "b:a:qq"};
	static const char *const cycle[] = {"a:-", "b:a,d", "c:b", "d:c"};
	static const char *const twice[] = {"a:-", "a:-"};
	static const char *const self[] = {"a:a"};
	expect_invalid(broken, 2, "revision 'b' (versions/b.py) has down_revision 'zz', which is not a revision");
	expect_invalid(bad_dep, 2, "revision 'b' (versions/b.py) depends on 'qq'");
	expect_invalid(cycle, 4, "(versions/b.py) is part of a cycle");
	expect_invalid(twice, 2, "revision 'a' is defined twice: versions/a.py and versions/a.py");
	expect_invalid(self, 1, "revision 'a' (versions/a.py) is part of a cycle");
}

static void test_empty_graph(void **state)
{
	(void)state;
	struct rev_graph g = REV_GRAPH_INIT;
	struct strlist out = STRLIST_INIT;
	assert_int_equal(rev_graph_validate(&g), 0);
	rev_graph_topo(&g, &out);
	rev_graph_heads(&g, &out);
	assert_int_equal(out.n, 0);
	rev_graph_release(&g);
	rev_graph_release(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_topo_respects_every_edge),
	    cmocka_unit_test(test_heads),
	    cmocka_unit_test(test_new_from_rows_follows_depends_on),
	    cmocka_unit_test(test_unknown_row_is_usage_error),
	    cmocka_unit_test(test_since),
	    cmocka_unit_test(test_invalid_graphs_name_the_file),
	    cmocka_unit_test(test_empty_graph),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
