/* migrate-gate lint: lint .sql files, folders of them, or stdin, with no database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "lint/lint.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/log.h"

#include "util/banned.h"

static void list_rules(void)
{
	size_t n;
	const struct rule_info *const *rules = lint_rules(&n);
	for (size_t i = 0; i < n; i++)
		printf("%-36s %-8s %s%s\n", rules[i]->id, severity_name(rules[i]->severity), rules[i]->summary,
		       rules[i]->off_by_default ? " (off by default)" : "");
}

static int lint_path(const struct gate_config *cfg, const char *path, struct report *r)
{
	struct buf text = BUF_INIT;
	int rc = fs_read_input(path, cfg->max_file_size, &text);
	if (!rc) {
		if (strspn(text.data, " \t\r\n") == text.len) /* a NUL inside is binary, not empty */
			log_warn("'%s' is empty: nothing to lint", path);
		struct lint_unit u = {!strcmp(path, "-") ? "<stdin>" : path, text.data, text.len, NULL, NULL, 0, NULL};
		rc = lint_unit(&cfg->lint, &u, r);
	}
	buf_release(&text);
	return rc;
}

int cmd_lint(const struct gate_config *cfg)
{
	if (cfg->list_locks) {
		char *table = lint_lock_table_text();
		fputs(table, stdout);
		free(table);
		return EXIT_PASS;
	}
	if (cfg->list_rules) {
		list_rules();
		return EXIT_PASS;
	}
	if (lint_config_check(&cfg->lint))
		return -1;
	if (!cfg->paths.n)
		return gate_error(EXIT_USAGE, "pass .sql files, folders of them, or - to read stdin",
		                  "lint needs at least one path");
	struct fs_inputs files;
	struct report r;
	fs_inputs_init(&files);
	report_init(&r);
	r.rules = lint_rules(&r.n_rules);
	int input_errors = 0;
	for (size_t i = 0; i < cfg->paths.n; i++)
		input_errors |= fs_inputs_add(&files, cfg->paths.items[i]);
	/* A bad input is reported but does not stop the others from being linted. */
	for (size_t i = 0; i < files.paths.n; i++) {
		const char *path = files.paths.items[i];
		strlist_add(&r.inputs, !strcmp(path, "-") ? "<stdin>" : path);
		input_errors |= lint_path(cfg, path, &r);
	}
	report_sort(&r);
	int rc = cmd_emit_report(cfg, &r);
	if (!rc && !input_errors)
		rc = report_count_at_least(&r, cfg->fail_on) ? EXIT_FAIL : EXIT_PASS;
	else
		rc = -1;
	report_release(&r);
	fs_inputs_release(&files);
	return rc;
}
