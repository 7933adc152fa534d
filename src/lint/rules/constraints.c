#include "lint/rules/rules.h"
#include "util/banned.h"

static const struct rule_info *const rules[] = {NULL};

static void check(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	(void)ctx;
	(void)st;
}

const struct lint_family family_constraints = {"constraints", rules, 0, check, NULL};
