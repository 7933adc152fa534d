/*
 * The parts of plan and apply that need no database: deploy modes and touched
 * tables (lint_unit_observe), rule cost classes, the lock key, retry backoff,
 * the single-transaction test of a revision file, apply's option parsing and
 * the JSON report.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "apply/apply.h"
#include "cli/commands.h"
#include "cli/config.h"
#include "lint/lint.h"
#include "pg/lock.h"
#include "report/deploy.h"

#include "quiet_errors.h"

static const struct lint_config lint_cfg = {15, true, NULL, NULL, NULL, false, 0};

/* Observes sql (one unit) into info; findings are discarded. */
static void observe(const char *sql, struct lint_unit_info *info)
{
	struct report r;
	report_init(&r);
	lint_unit_info_init(info);
	struct lint_unit u = {"m.sql", sql, strlen(sql), NULL, NULL, 0, NULL};
	assert_int_equal(lint_unit_observe(&lint_cfg, &u, &r, info), 0);
	report_release(&r);
}

static void test_breaking(void **state)
{
	(void)state;
	struct lint_unit_info info;
	observe("ALTER TABLE users DROP COLUMN name;\n"
	        "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n"
	        "ALTER TABLE users ALTER COLUMN plan TYPE bigint;\n"
	        "ALTER TABLE users ALTER COLUMN plan DROP DEFAULT;\n"
	        "ALTER TABLE orders ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n"
	        "ALTER TABLE orders ADD COLUMN total int NOT NULL;\n"
	        "ALTER TABLE orders RENAME COLUMN a TO b;\n"
	        "ALTER TABLE orders RENAME TO purchases;\n"
	        "CREATE UNIQUE INDEX CONCURRENTLY ux ON items (sku);\n"
	        "DROP TABLE legacy;\n"
	        "ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';\n",
	        &info);
	const char *want[] = {
	    "drops column \"name\" of \"users\"",
	    "sets NOT NULL on existing column \"email\" of \"users\"",
	    "changes the type of column \"plan\" of \"users\"",
	    "drops the default of column \"plan\" of \"users\", which the old code's inserts may rely on",
	    "adds a FOREIGN KEY constraint \"fk_user\" to \"orders\" that the old code's writes may violate",
	    "adds column \"total\" to \"orders\" as NOT NULL without a DEFAULT, which the old code's inserts leave "
	    "out",
	    "renames column \"a\" of \"orders\" to \"b\"",
	    "renames table \"orders\" to \"purchases\"",
	    "adds a unique index \"ux\" on \"items\" that the old code's writes may violate",
	    "drops table \"legacy\"",
	    "renames value 'sad' of enum \"mood\"",
	};
	assert_int_equal(info.breaking.n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < info.breaking.n; i++)
		assert_string_equal(info.breaking.items[i], want[i]);
	/* users, orders, items and legacy are existing tables, each with its strongest lock. */
	assert_int_equal(info.n_tables, 4);
	assert_string_equal(info.tables[0].rel, "users");
	assert_string_equal(info.tables[0].lock, "ACCESS EXCLUSIVE");
	assert_string_equal(info.tables[2].rel, "items");
	assert_string_equal(info.tables[2].lock, "SHARE UPDATE EXCLUSIVE");
	lint_unit_info_release(&info);
}

static void test_additive(void **state)
{
	(void)state;
	struct lint_unit_info info;
	observe("CREATE TABLE t (id int PRIMARY KEY, a text);\n"
	        "ALTER TABLE t ADD COLUMN b int NOT NULL;\n" /* t is new: nobody's code uses it yet */
	        "ALTER TABLE t DROP COLUMN a;\n"
	        "ALTER TABLE users ADD COLUMN nickname text;\n"
	        "ALTER TABLE users ADD COLUMN score int NOT NULL DEFAULT 0;\n"
	        "CREATE INDEX CONCURRENTLY ix ON users (nickname);\n"
	        "DROP INDEX ix_old;\n"
	        "UPDATE users SET nickname = name;\n"
	        "ALTER TYPE mood ADD VALUE 'calm';\n"
	        "ALTER TABLE users DROP CONSTRAINT ck_old;\n"
	        "UPDATE alembic_version SET version_num = 'r2';\n",
	        &info);
	assert_int_equal(info.breaking.n, 0);
	/* DROP INDEX locks the index by its own name: the linter does not know its table. */
	assert_int_equal(info.n_tables, 2);
	assert_string_equal(info.tables[0].rel, "users");
	assert_string_equal(info.tables[1].rel, "ix_old");
	lint_unit_info_release(&info);
}

static void test_rule_costs(void **state)
{
	(void)state;
	size_t n, table_size = 0, lock_queue = 0;
	const struct rule_info *const *rules = lint_rules(&n);
	for (size_t i = 0; i < n; i++) {
		enum rule_cost c = lint_rule_cost(rules[i]->id);
		table_size += c == COST_TABLE_SIZE;
		lock_queue += c == COST_LOCK_QUEUE;
	}
	/* Every id in the two lists names a real rule: a typo there would silently demote nothing. */
	assert_int_equal(table_size, 20);
	assert_int_equal(lock_queue, 7);
	assert_int_equal(lint_rule_cost("create-index-non-concurrent"), COST_TABLE_SIZE);
	assert_int_equal(lint_rule_cost("require-lock-timeout"), COST_LOCK_QUEUE);
	assert_int_equal(lint_rule_cost("drop-column"), COST_FIXED);
	assert_int_equal(lint_rule_cost(NULL), COST_FIXED);
}

static void test_lock_key(void **state)
{
	(void)state;
	/* The same FNV-1a the e2e tests compute in Python (tests/e2e/lib/apply.sh, lock_key). */
	assert_true(pg_lock_key("prod", "%(here)s") == pg_lock_key("prod", "%(here)s"));
	assert_true(pg_lock_key("prod", "%(here)s") != pg_lock_key("prod2", "%(here)s"));
	assert_true(pg_lock_key("prod", "migrations") != pg_lock_key("prodmigrations", ""));
	assert_true(pg_lock_key("a", "b") == (int64_t)3947473361469909833LL);
}

static void test_backoff(void **state)
{
	(void)state;
	for (int k = 0; k < 50; k++) {
		unsigned first = apply_backoff_ms(500, 1), third = apply_backoff_ms(500, 3);
		assert_true(first >= 250 && first < 750);
		assert_true(third >= 1000 && third < 3000);
		assert_true(apply_backoff_ms(500, 30) <= 30000);
	}
}

static int load_apply(struct gate_config *cfg, const char *opt, const char *value)
{
	char *argv[] = {(char *)"apply", (char *)opt, (char *)value, NULL};
	return config_load(cfg, &spec_apply, 3, argv);
}

static void test_options(void **state)
{
	(void)state;
	struct gate_config cfg;
	static const struct {
		const char *opt, *value;
		unsigned ms;
	} ok[] = {{"--lock-timeout", "500ms", 500},       {"--lock-timeout", "5", 5000},
	          {"--lock-wait", "2min", 120000},        {"--lock-wait", "1.5s", 1500},
	          {"--statement-timeout", "1h", 3600000}, {"--lock-timeout", "0", 0}};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(load_apply(&cfg, ok[i].opt, ok[i].value), 0);
		unsigned got = !strcmp(ok[i].opt, "--lock-timeout") ? cfg.lock_timeout_ms
		               : !strcmp(ok[i].opt, "--lock-wait")  ? cfg.lock_wait_ms
		                                                    : cfg.statement_timeout_ms;
		assert_int_equal(got, ok[i].ms);
		config_release(&cfg);
	}
	const char *bad[] = {"-1", "5x", "0x10", "2d", "", "25h", "nan", "inf"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(load_apply(&cfg, "--lock-timeout", bad[i]), -1);
		config_release(&cfg);
		forget_errors();
	}
	assert_int_equal(load_apply(&cfg, "--retries", "21"), -1);
	config_release(&cfg);
	forget_errors();
	char *plan[] = {(char *)"plan", (char *)"--small-table-bytes", (char *)"512kB", NULL};
	assert_int_equal(config_load(&cfg, &spec_plan, 3, plan), 0);
	assert_true(cfg.small_table_bytes == 512 * 1024);
	assert_int_equal(cfg.lock_wait_ms, 60000); /* defaults */
	assert_int_equal(cfg.lock_timeout_ms, 5000);
	assert_int_equal(cfg.retries, 3);
	config_release(&cfg);
	/* apply's options are not plan's */
	char *wrong[] = {(char *)"plan", (char *)"--retries", (char *)"2", NULL};
	assert_int_equal(config_load(&cfg, &spec_plan, 3, wrong), -1);
	config_release(&cfg);
	forget_errors();
}

static void test_json_report(void **state)
{
	(void)state;
	struct deploy_report r;
	struct report_options o = {false, "apply", SEV_ERROR, false, 0};
	deploy_report_init(&r, "apply");
	strlist_add(&r.before, "r1");
	strlist_add(&r.now, "r2");
	r.production_known = true;
	struct deploy_rev *v = deploy_report_add_rev(&r, "r2", "add things", "versions/r2.py");
	v->outcome = REV_APPLIED;
	v->attempts = 3;
	struct deploy_blocker *b = deploy_rev_add_blocker(v);
	b->pid = 42;
	deploy_set(&b->state, "idle in transaction");
	deploy_set(&b->application_name, "psql");
	deploy_set(&b->query, "SELECT 1");
	b->xact_age_s = 2.5;
	deploy_rev_add_stmt(v, "CREATE INDEX CONCURRENTLY ix ON t (a)", true);
	r.passed = true;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_int_equal(deploy_report_write(&r, FMT_JSON, &o, f), 0);
	fclose(f);
	cJSON *j = cJSON_Parse(text);
	assert_non_null(j);
	cJSON *rev = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "revisions"), 0);
	assert_string_equal(cJSON_GetObjectItem(rev, "outcome")->valuestring, "applied");
	assert_int_equal(cJSON_GetObjectItem(rev, "retries")->valueint, 2);
	assert_int_equal(
	    cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(rev, "blockers"), 0), "pid")->valueint, 42);
	assert_string_equal(
	    cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "production"), "revision"), 0)->valuestring,
	    "r2");
	cJSON_Delete(j);
	free(text);
	/* The other formats are the findings report's, with the revisions and the apply's outcome added. */
	struct report findings;
	report_init(&findings);
	r.findings = &findings;
	deploy_report_enrich(&r, &findings);
	assert_non_null(report_find_revision(&findings, "r2"));
	assert_true(findings.apply.ran && findings.apply.ok);
	assert_non_null(strstr(findings.apply.summary, "1 of 1 revision(s) applied; production is at r2 (was r1)"));
	text = NULL;
	f = open_memstream(&text, &len);
	assert_int_equal(deploy_report_write(&r, FMT_MARKDOWN, &o, f), 0);
	fclose(f);
	assert_non_null(strstr(text, "r2"));
	free(text);
	report_release(&findings);
	deploy_report_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_breaking),    cmocka_unit_test(test_additive), cmocka_unit_test(test_rule_costs),
	    cmocka_unit_test(test_lock_key),    cmocka_unit_test(test_backoff),  cmocka_unit_test(test_options),
	    cmocka_unit_test(test_json_report),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
