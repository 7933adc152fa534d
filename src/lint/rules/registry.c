#include <string.h>

#include "lint/rules/rules.h"

#include "util/banned.h"

const struct rule_info rule_syntax_error = {"syntax-error", SEV_ERROR, "the statement does not parse",
                                            "fix the SQL; PostgreSQL itself would reject this statement", false};

const struct rule_info rule_ignore_file = {
    "ignore-file", SEV_INFO, "every finding in this file is suppressed by a bare ignore-file comment",
    "name the rules to ignore: -- migrate-gate: ignore-file rule-a,rule-b -- reason", false};

const struct rule_info rule_unanalysed = {"unanalysed-statement", SEV_WARNING,
                                          "the statement nests too deeply for the linter to analyse it",
                                          "review this statement by hand, or split the expression", false};

const struct lint_family *const lint_families[] = {
    &family_indexes, &family_constraints, &family_columns, &family_types, &family_drops,  &family_locking,
    &family_misc,    &family_hygiene,     &family_txblock, &family_net,   &family_parity, NULL,
};

static const struct rule_info *engine_rules[] = {&rule_syntax_error, &rule_ignore_file, &rule_unanalysed};

/* Built once; the families' tables are static so this never changes. */
static const struct rule_info *all_rules[256];
static size_t n_all;

static void build(void)
{
	if (n_all)
		return;
	for (size_t i = 0; i < sizeof(engine_rules) / sizeof(engine_rules[0]); i++)
		all_rules[n_all++] = engine_rules[i];
	for (const struct lint_family *const *f = lint_families; *f; f++)
		for (size_t i = 0; i < (*f)->n_rules && n_all < 256; i++)
			all_rules[n_all++] = (*f)->rules[i];
}

const struct rule_info *const *lint_rules(size_t *n)
{
	build();
	*n = n_all;
	return all_rules;
}

const struct rule_info *lint_rule_by_id(const char *id)
{
	build();
	for (size_t i = 0; i < n_all; i++)
		if (!strcmp(all_rules[i]->id, id))
			return all_rules[i];
	return NULL;
}
