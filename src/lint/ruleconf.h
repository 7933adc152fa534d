/* A lint_config resolved against the rule registry: each rule on or off, and its severity. */
#ifndef GATE_LINT_RULECONF_H
#define GATE_LINT_RULECONF_H

#include <stdbool.h>

#include "lint/lint.h"

struct rule_state {
	const struct rule_info *rule;
	bool on;
	enum severity severity;
};

struct ruleconf {
	struct rule_state *states;
	size_t n;
};

/* Resolves cfg; unknown names are ignored here (lint_config_check reports them). */
void ruleconf_init(struct ruleconf *rc, const struct lint_config *cfg);
void ruleconf_release(struct ruleconf *rc);
/* The state of rule; rules outside the registry count as on, at their default severity. */
struct rule_state ruleconf_get(const struct ruleconf *rc, const struct rule_info *rule);

#endif
