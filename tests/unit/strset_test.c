/* util/strset: the hash set (add, has, remove, prefix removal, growth) and strlist. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/strset.h"

static void key(char *out, size_t n, const char *prefix, int i)
{
	snprintf(out, n, "%s%d", prefix, i);
}

static void test_add_has(void **state)
{
	(void)state;
	struct strset s = STRSET_INIT;
	assert_false(strset_has(&s, "x")); /* empty set, no table yet */
	assert_false(strset_remove(&s, "x"));
	assert_true(strset_add(&s, "users"));
	assert_false(strset_add(&s, "users")); /* no duplicates */
	assert_true(strset_add(&s, "users.email"));
	assert_true(strset_add(&s, ""));
	assert_int_equal(s.count, 3);
	assert_true(strset_has(&s, "users"));
	assert_true(strset_has(&s, ""));
	assert_false(strset_has(&s, "user"));
	assert_false(strset_has(&s, "USERS"));
	strset_release(&s);
	strset_release(&s);
}

static void test_rehash_keeps_everything(void **state)
{
	(void)state;
	struct strset s = STRSET_INIT;
	char k[32];
	for (int i = 0; i < 5000; i++) {
		key(k, sizeof(k), "rel", i);
		assert_true(strset_add(&s, k));
	}
	assert_int_equal(s.count, 5000);
	assert_true(s.alloc >= 2 * s.count);
	assert_int_equal(s.alloc & (s.alloc - 1), 0); /* power of two */
	for (int i = 0; i < 5000; i++) {
		key(k, sizeof(k), "rel", i);
		assert_true(strset_has(&s, k));
	}
	key(k, sizeof(k), "rel", 5000);
	assert_false(strset_has(&s, k));
	strset_release(&s);
}

static void test_remove(void **state)
{
	(void)state;
	struct strset s = STRSET_INIT;
	char k[32];
	for (int i = 0; i < 200; i++) {
		key(k, sizeof(k), "k", i);
		strset_add(&s, k);
	}
	for (int i = 0; i < 200; i += 2) {
		key(k, sizeof(k), "k", i);
		assert_true(strset_remove(&s, k));
		assert_false(strset_remove(&s, k));
	}
	assert_int_equal(s.count, 100);
	/* Keys that probed past a removed slot must still be found. */
	for (int i = 0; i < 200; i++) {
		key(k, sizeof(k), "k", i);
		assert_int_equal(strset_has(&s, k), i % 2 == 1);
	}
	/* And re-adding a removed key works. */
	assert_true(strset_add(&s, "k0"));
	assert_true(strset_has(&s, "k0"));
	assert_false(strset_add(&s, "k1"));
	strset_release(&s);
}

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "strset hangs: every slot became a tombstone\n";
	(void)!write(2, msg, sizeof(msg) - 1);
	_exit(1);
}

/* Adding and removing many different keys leaves tombstones; lookups must still end. */
static void test_churn_terminates(void **state)
{
	(void)state;
	struct strset s = STRSET_INIT;
	char k[32];
	signal(SIGALRM, on_alarm);
	alarm(10);
	for (int i = 0; i < 20000; i++) {
		key(k, sizeof(k), "tmp", i);
		assert_true(strset_add(&s, k));
		assert_true(strset_has(&s, k));
		assert_true(strset_remove(&s, k));
		assert_false(strset_has(&s, "never-added"));
	}
	assert_int_equal(s.count, 0);
	alarm(0);
	strset_release(&s);
}

static void test_remove_prefix_and_clear(void **state)
{
	(void)state;
	struct strset s = STRSET_INIT;
	strset_add(&s, "users.a");
	strset_add(&s, "users.b");
	strset_add(&s, "users_x.a");
	strset_add(&s, "orders.a");
	strset_remove_prefix(&s, "users.");
	assert_int_equal(s.count, 2);
	assert_false(strset_has(&s, "users.a"));
	assert_false(strset_has(&s, "users.b"));
	assert_true(strset_has(&s, "users_x.a"));
	assert_true(strset_has(&s, "orders.a"));
	strset_clear(&s);
	assert_int_equal(s.count, 0);
	assert_false(strset_has(&s, "orders.a"));
	assert_true(strset_add(&s, "orders.a")); /* usable after clear */
	strset_release(&s);
}

static void test_strlist(void **state)
{
	(void)state;
	struct strlist l = STRLIST_INIT;
	strlist_split(&l, " b , a,,\tc d ,", ",");
	assert_int_equal(l.n, 3);
	assert_string_equal(l.items[0], "b");
	assert_string_equal(l.items[1], "a");
	assert_string_equal(l.items[2], "c d");
	strlist_split(&l, "x y", ", ");
	assert_int_equal(l.n, 5);
	assert_true(strlist_has(&l, "y"));
	assert_false(strlist_has(&l, "c"));
	strlist_add_owned(&l, strdup("0first"));
	strlist_sort(&l);
	const char *want[] = {"0first", "a", "b", "c d", "x", "y"};
	assert_int_equal(l.n, 6);
	for (size_t i = 0; i < l.n; i++)
		assert_string_equal(l.items[i], want[i]);
	strlist_release(&l);
	assert_int_equal(l.n, 0);
	strlist_split(&l, "", ",");
	strlist_split(&l, " , ,", ",");
	assert_int_equal(l.n, 0);
	strlist_release(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_add_has),
	    cmocka_unit_test(test_rehash_keeps_everything),
	    cmocka_unit_test(test_remove),
	    cmocka_unit_test(test_churn_terminates),
	    cmocka_unit_test(test_remove_prefix_and_clear),
	    cmocka_unit_test(test_strlist),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
