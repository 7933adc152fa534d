/*
 * The lint engine through its public API, lint_unit(): statement counts,
 * syntax errors that do not stop the rest, positions in characters,
 * suppression comments, configuration, executed-statement units, and the
 * inputs that are not SQL text at all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lint/lint.h"
#include "report/finding.h"
#include "util/error.h"
#include "util/strset.h"

#include "util/buf.h"

#include "quiet_errors.h"

static struct report rep;

static int fresh(void **state)
{
	(void)state;
	report_init(&rep);
	forget_errors();
	return 0;
}

static int done(void **state)
{
	(void)state;
	report_release(&rep);
	return 0;
}

static const struct lint_config plain = {15, false, NULL, NULL, NULL, false, 0};

static int lint_text_cfg(const struct lint_config *cfg, const char *text)
{
	struct lint_unit u = {"m.sql", text, strlen(text), NULL, NULL, 0, NULL};
	return lint_unit(cfg, &u, &rep);
}

static int lint_text(const char *text)
{
	return lint_text_cfg(&plain, text);
}

/* The findings of one rule, in order. */
static size_t count_rule(const char *id)
{
	size_t n = 0;
	for (size_t i = 0; i < rep.n; i++)
		n += !strcmp(rep.items[i].rule->id, id);
	return n;
}

static const struct finding *nth_of(const char *id, size_t nth)
{
	for (size_t i = 0; i < rep.n; i++)
		if (!strcmp(rep.items[i].rule->id, id) && nth-- == 0)
			return &rep.items[i];
	return NULL;
}

static void at(const struct finding *f, unsigned line, unsigned col)
{
	assert_non_null(f);
	assert_int_equal(f->line, line);
	assert_int_equal(f->column, col);
}

/* Rules other helpers add may not be there yet; tests that need one skip without it. */
static void need_rule(const char *id)
{
	if (!lint_rule_by_id(id)) {
		fprintf(stderr, "rule '%s' is not in this build: skipped\n", id);
		skip();
	}
}

static void test_statement_count(void **state)
{
	(void)state;
	assert_int_equal(lint_text("SELECT 1; SELECT 2;\n\n-- comment only\nCREATE TABLE t (a int);\n;;\n"), 0);
	assert_int_equal(rep.files, 1);
	assert_int_equal(rep.statements, 3);
	assert_int_equal(count_rule("syntax-error"), 0);
	assert_int_equal(lint_text("SELECT 3"), 0); /* no final semicolon */
	assert_int_equal(rep.files, 2);
	assert_int_equal(rep.statements, 4);
}

static void test_empty_unit(void **state)
{
	(void)state;
	assert_int_equal(lint_text(""), 0);
	assert_int_equal(lint_text("  \n-- nothing\n/* at all */\n"), 0);
	assert_int_equal(rep.files, 2);
	assert_int_equal(rep.statements, 0);
	assert_int_equal(rep.n, 0);
}

static void test_syntax_error_does_not_stop_the_rest(void **state)
{
	(void)state;
	assert_int_equal(lint_text("SELECT 1;\nCREATE TABLE (;\nSELECT 2;\nALTER TABLE t ADD COLUMN b int;\n"), 0);
	assert_int_equal(count_rule("syntax-error"), 1);
	const struct finding *f = nth_of("syntax-error", 0);
	at(f, 2, 14);
	assert_non_null(strstr(f->message, "syntax error at or near \"(\""));
	assert_string_equal(f->file, "m.sql");
	assert_string_equal(f->source_line, "CREATE TABLE (;");
	assert_int_equal(f->severity, SEV_ERROR);
	assert_int_equal(rep.statements, 3); /* the three good ones */
}

static void test_syntax_error_then_finding(void **state)
{
	(void)state;
	need_rule("create-index-non-concurrent");
	assert_int_equal(lint_text("CREATE TABLE (;\nCREATE INDEX i ON t (a);\n"), 0);
	at(nth_of("syntax-error", 0), 1, 14);
	at(nth_of("create-index-non-concurrent", 0), 2, 1);
}

/* The scanner-based split drops a statement of identifiers only; it must still be reported. */
static void test_identifier_only_statement(void **state)
{
	(void)state;
	assert_int_equal(lint_text("SELECT 1;\nSELEC 1;\nSELECT 2;\n"), 0);
	assert_int_equal(count_rule("syntax-error"), 1);
	at(nth_of("syntax-error", 0), 2, 1);
	assert_int_equal(rep.statements, 2);
}

static void test_positions_count_characters(void **state)
{
	(void)state;
	/* é is 2 bytes, 日 3 and 🐘 4: the column of "t" is 18 in characters, 24 in bytes. */
	assert_int_equal(lint_text("SELECT 'é日🐘' FRM t;"), 0);
	at(nth_of("syntax-error", 0), 1, 18);
	assert_int_equal(lint_text("-- 日本語のコメント\n  SELECT 'ü' FRM t;\n"), 0);
	at(nth_of("syntax-error", 1), 2, 18);
	assert_int_equal(nth_of("syntax-error", 1)->offset, strlen("-- 日本語のコメント\n  SELECT 'ü' FRM "));
}

static void test_rule_positions_count_characters(void **state)
{
	(void)state;
	need_rule("create-index-non-concurrent");
	assert_int_equal(lint_text("-- é日🐘\nSELECT 'é'; CREATE INDEX i ON t (a);\n"), 0);
	const struct finding *f = nth_of("create-index-non-concurrent", 0);
	at(f, 2, 13);
	assert_int_equal(f->end_line, 2);
	assert_int_equal(f->end_column, 13 + (unsigned)strlen("CREATE INDEX i ON t (a)"));
	assert_string_equal(f->source_line, "SELECT 'é'; CREATE INDEX i ON t (a);");
}

static void test_unterminated_quote(void **state)
{
	(void)state;
	assert_int_equal(lint_text("SELECT 1;\nSELECT 'never closed;\nSELECT 2;\n"), 0);
	assert_int_equal(count_rule("syntax-error"), 1);
	assert_non_null(strstr(nth_of("syntax-error", 0)->message, "unterminated"));
	/* An open block comment hides everything after it, so it must be reported. */
	assert_int_equal(lint_text("SELECT 1;\n/* open comment\nSELECT 2;"), 0);
	assert_int_equal(count_rule("syntax-error"), 2);
	assert_non_null(strstr(nth_of("syntax-error", 1)->message, "unterminated /* comment"));
	at(nth_of("syntax-error", 1), 2, 1);
}

static void test_not_text(void **state)
{
	(void)state;
	const char bin[] = "SELECT 1;\0\x01\x02";
	struct lint_unit u = {"blob.sql", bin, sizeof(bin) - 1, NULL, NULL, 0, NULL};
	assert_int_equal(lint_unit(&plain, &u, &rep), -1);
	assert_int_equal(gate_error_code(), EXIT_USAGE);
	assert_non_null(strstr(gate_error_message(0), "'blob.sql'"));
	assert_non_null(strstr(gate_error_message(0), "binary"));
	u.file = "latin1.sql";
	u.text = "SELECT 'caf\xe9';";
	u.len = strlen(u.text);
	assert_int_equal(lint_unit(&plain, &u, &rep), -1);
	assert_non_null(strstr(gate_error_message(1), "'latin1.sql'"));
	assert_non_null(strstr(gate_error_message(1), "UTF-8"));
	assert_non_null(strstr(gate_error_message(1), "line 1, column 12"));
	u.text = "SELECT '\xc0\xaf';"; /* overlong */
	u.len = strlen(u.text);
	assert_int_equal(lint_unit(&plain, &u, &rep), -1);
	assert_int_equal(rep.n, 0);
	assert_int_equal(rep.files, 0);
}

static void test_config_disable_and_severity(void **state)
{
	(void)state;
	struct strlist off = STRLIST_INIT, sev = STRLIST_INIT;
	strlist_add(&off, "syntax-error");
	struct lint_config cfg = plain;
	cfg.disable = &off;
	assert_int_equal(lint_config_check(&cfg), 0);
	assert_int_equal(lint_text_cfg(&cfg, "CREATE TABLE (;"), 0);
	assert_int_equal(rep.n, 0);
	strlist_add(&sev, "syntax-error=warning");
	cfg.disable = NULL;
	cfg.severity = &sev;
	assert_int_equal(lint_text_cfg(&cfg, "CREATE TABLE (;"), 0);
	assert_int_equal(rep.n, 1);
	assert_int_equal(rep.items[0].severity, SEV_WARNING);
	strlist_add(&off, "no-such-rule");
	cfg.disable = &off;
	assert_int_equal(lint_config_check(&cfg), -1);
	assert_non_null(strstr(gate_error_message(0), "no-such-rule"));
	strlist_release(&off);
	strlist_release(&sev);
}

static void test_bare_ignore_file_is_reported(void **state)
{
	(void)state;
	assert_int_equal(lint_text("-- migrate-gate: ignore-file\nCREATE TABLE (;\nDROP TABLE t;\n"), 0);
	assert_int_equal(count_rule("syntax-error"), 1); /* PostgreSQL rejects it: never hidden by a bare ignore */
	assert_int_equal(count_rule("ignore-file"), 1);
	assert_true(rep.suppressed > 0); /* DROP TABLE's findings */
	assert_int_equal(rep.notes.n, 1);
	assert_non_null(strstr(rep.notes.items[0], "m.sql"));
}

static void test_statement_suppression(void **state)
{
	(void)state;
	need_rule("create-index-non-concurrent");
	const char *t = "-- migrate-gate: ignore create-index-non-concurrent -- small table\n"
	                "CREATE INDEX a ON t (a);\n"
	                "CREATE INDEX b ON t (b); -- migrate-gate: ignore create-index-non-concurrent\n"
	                "CREATE INDEX c ON t (c);\n"
	                "-- migrate-gate: ignore some-other-rule\n"
	                "CREATE INDEX d ON t (d);\n";
	assert_int_equal(lint_text(t), 0);
	assert_int_equal(count_rule("create-index-non-concurrent"), 2);
	at(nth_of("create-index-non-concurrent", 0), 4, 1);
	at(nth_of("create-index-non-concurrent", 1), 6, 1);
	assert_int_equal(rep.suppressed, 2);
}

static void test_set_local_ends_with_transaction(void **state)
{
	(void)state;
	need_rule("require-lock-timeout");
	const char *t = "BEGIN;\n"
	                "SET LOCAL lock_timeout = '1s';\n"
	                "ALTER TABLE t RENAME COLUMN a TO b;\n"
	                "COMMIT;\n"
	                "ALTER TABLE t RENAME COLUMN b TO c;\n"
	                "SET lock_timeout = '1s';\n"
	                "BEGIN;\n"
	                "ALTER TABLE t RENAME COLUMN c TO d;\n"
	                "COMMIT;\n"
	                "ALTER TABLE t RENAME COLUMN d TO e;\n";
	assert_int_equal(lint_text(t), 0);
	assert_int_equal(count_rule("require-lock-timeout"), 1);
	at(nth_of("require-lock-timeout", 0), 5, 1); /* only after SET LOCAL's transaction ended */
}

/* plan and deploy: apply's own lock_timeout is in force unless the revision switches it off. */
static void test_apply_lock_timeout(void **state)
{
	(void)state;
	need_rule("require-lock-timeout");
	struct lint_config cfg = {15, false, NULL, NULL, NULL, true, 5000};
	const char *t = "ALTER TABLE t RENAME COLUMN a TO b;\n"
	                "SET lock_timeout = 0;\n"
	                "ALTER TABLE t RENAME COLUMN b TO c;\n"
	                "RESET lock_timeout;\n"
	                "ALTER TABLE t RENAME COLUMN c TO d;\n";
	assert_int_equal(lint_text_cfg(&cfg, t), 0);
	assert_int_equal(count_rule("require-lock-timeout"), 1);
	at(nth_of("require-lock-timeout", 0), 3, 1);
	assert_non_null(strstr(nth_of("require-lock-timeout", 0)->message,
	                       "with lock_timeout switched off by the revision (apply would set 5000 ms)"));
	report_release(&rep);
	report_init(&rep);
	cfg.apply_lock_timeout_ms = 60000; /* a minute of queue is not a bound */
	assert_int_equal(lint_text_cfg(&cfg, "ALTER TABLE t RENAME COLUMN a TO b;\n"), 0);
	assert_int_equal(count_rule("require-lock-timeout"), 1);
	assert_non_null(strstr(nth_of("require-lock-timeout", 0)->message,
	                       "ACCESS EXCLUSIVE lock on \"t\" under apply's lock_timeout of 60 s only"));
	report_release(&rep);
	report_init(&rep);
	cfg.apply_lock_timeout_ms = 0;
	assert_int_equal(lint_text_cfg(&cfg, "ALTER TABLE t RENAME COLUMN a TO b;\n"), 0);
	assert_non_null(strstr(nth_of("require-lock-timeout", 0)->message, "(apply runs it with --lock-timeout 0)"));
}

static void test_executed_statements(void **state)
{
	(void)state;
	const struct lint_input_stmt stmts[] = {
	    {"CREATE TABLE t (a int)", 22, false},
	    {"CREATE TABLE (", 14, false},
	    {"SELECT 1", 8, true},
	};
	struct lint_unit u = {"versions/abc.py", NULL, 0, "abc123", stmts, 3, NULL};
	assert_int_equal(lint_unit(&plain, &u, &rep), 0);
	assert_int_equal(rep.statements, 2);
	const struct finding *f = nth_of("syntax-error", 0);
	at(f, 2, 14); /* each executed statement is a line of its own */
	assert_string_equal(f->file, "versions/abc.py");
	assert_string_equal(f->revision, "abc123");
	const struct lint_input_stmt bad[] = {{"SELECT '\xff'", 11, false}};
	struct lint_unit ub = {"versions/bad.py", NULL, 0, "bad", bad, 1, NULL};
	assert_int_equal(lint_unit(&plain, &ub, &rep), -1);
}

static void test_rules_registry(void **state)
{
	(void)state;
	size_t n = 0;
	const struct rule_info *const *rules = lint_rules(&n);
	assert_true(n >= 2);
	struct strset ids = STRSET_INIT;
	for (size_t i = 0; i < n; i++) {
		assert_non_null(rules[i]->id);
		assert_true(strset_add(&ids, rules[i]->id)); /* ids are unique */
		assert_ptr_equal(lint_rule_by_id(rules[i]->id), rules[i]);
		assert_true(rules[i]->summary && *rules[i]->summary);
		assert_true(rules[i]->help && *rules[i]->help);
		for (const char *p = rules[i]->id; *p; p++) /* kebab-case */
			assert_true((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-');
	}
	strset_release(&ids);
	assert_non_null(lint_rule_by_id("syntax-error"));
	assert_null(lint_rule_by_id("no-such-rule"));
}

/* One finding per transaction names three later statements, then counts the rest (a message stays short). */
static void test_transaction_finding_counts_the_rest(void **state)
{
	(void)state;
	const struct lint_config in_tx = {15, true, NULL, NULL, NULL, false, 0};
	struct buf sql = BUF_INIT;
	for (int i = 0; i < 50; i++)
		buf_addf(&sql, "CREATE INDEX ix_%02d ON t (a);\n", i);
	assert_int_equal(lint_text_cfg(&in_tx, sql.data), 0);
	const struct finding *f = nth_of("require-statement-timeout", 0);
	assert_int_equal(count_rule("require-statement-timeout"), 1);
	at(f, 1, 1);
	assert_non_null(
	    strstr(f->message, "(CREATE INDEX ix_03 ON t (a)); and 46 more statement(s) of the transaction"));
	assert_null(strstr(f->message, "ix_04"));
	assert_true(strlen(f->message) < 600);
	buf_release(&sql);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, fresh, done)
	const struct CMUnitTest tests[] = {
	    T(test_statement_count),
	    T(test_empty_unit),
	    T(test_syntax_error_does_not_stop_the_rest),
	    T(test_syntax_error_then_finding),
	    T(test_identifier_only_statement),
	    T(test_positions_count_characters),
	    T(test_rule_positions_count_characters),
	    T(test_unterminated_quote),
	    T(test_not_text),
	    T(test_config_disable_and_severity),
	    T(test_bare_ignore_file_is_reported),
	    T(test_statement_suppression),
	    T(test_set_local_ends_with_transaction),
	    T(test_apply_lock_timeout),
	    T(test_executed_statements),
	    T(test_rules_registry),
	    T(test_transaction_finding_counts_the_rest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
