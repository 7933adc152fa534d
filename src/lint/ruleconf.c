#include "lint/ruleconf.h"

#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/mem.h"

#include "util/banned.h"

static struct rule_state *find(const struct ruleconf *rc, const char *id)
{
	for (size_t i = 0; i < rc->n; i++)
		if (!strcmp(rc->states[i].rule->id, id))
			return &rc->states[i];
	return NULL;
}

static void set_on(struct ruleconf *rc, const struct strlist *ids, bool on)
{
	for (size_t i = 0; ids && i < ids->n; i++) {
		if (!strcmp(ids->items[i], "all")) {
			for (size_t k = 0; k < rc->n; k++)
				rc->states[k].on = on;
			continue;
		}
		struct rule_state *st = find(rc, ids->items[i]);
		if (st)
			st->on = on;
	}
}

/* Splits "rule=level" in place-free fashion; returns the level or NULL. */
static const char *level_of(const char *spec, size_t *id_len)
{
	const char *eq = strchr(spec, '=');
	*id_len = eq ? (size_t)(eq - spec) : strlen(spec);
	return eq ? eq + 1 : NULL;
}

static void set_levels(struct ruleconf *rc, const struct strlist *specs)
{
	for (size_t i = 0; specs && i < specs->n; i++) {
		size_t id_len;
		const char *level = level_of(specs->items[i], &id_len);
		char *id = xstrndup(specs->items[i], id_len);
		struct rule_state *st = find(rc, id);
		enum severity sev;
		if (st && level && !severity_parse(level, &sev)) {
			st->on = sev != SEV_NONE;
			if (sev != SEV_NONE)
				st->severity = sev;
		}
		free(id);
	}
}

void ruleconf_init(struct ruleconf *rc, const struct lint_config *cfg)
{
	size_t n;
	const struct rule_info *const *rules = lint_rules(&n);
	rc->states = xcalloc(n, sizeof(*rc->states));
	rc->n = n;
	for (size_t i = 0; i < n; i++) {
		rc->states[i].rule = rules[i];
		rc->states[i].on = !rules[i]->off_by_default;
		rc->states[i].severity = rules[i]->severity;
	}
	set_on(rc, cfg->enable, true);
	set_on(rc, cfg->disable, false);
	set_levels(rc, cfg->severity);
}

void ruleconf_release(struct ruleconf *rc)
{
	free(rc->states);
	rc->states = NULL;
	rc->n = 0;
}

struct rule_state ruleconf_get(const struct ruleconf *rc, const struct rule_info *rule)
{
	for (size_t i = 0; i < rc->n; i++)
		if (rc->states[i].rule == rule)
			return rc->states[i];
	struct rule_state dflt = {rule, true, rule->severity};
	return dflt;
}

static int check_ids(const struct strlist *ids, const char *option)
{
	int rc = 0;
	for (size_t i = 0; ids && i < ids->n; i++)
		if (strcmp(ids->items[i], "all") && !lint_rule_by_id(ids->items[i]))
			rc = gate_error(EXIT_USAGE, "run 'migrate-gate lint --list-rules' to see every rule id",
			                "unknown rule '%s' in %s", ids->items[i], option);
	return rc;
}

int lint_config_check(const struct lint_config *cfg)
{
	int rc = check_ids(cfg->enable, "--enable");
	rc |= check_ids(cfg->disable, "--disable");
	for (size_t i = 0; cfg->severity && i < cfg->severity->n; i++) {
		size_t id_len;
		const char *level = level_of(cfg->severity->items[i], &id_len);
		char *id = xstrndup(cfg->severity->items[i], id_len);
		enum severity sev;
		if (!lint_rule_by_id(id))
			rc = gate_error(EXIT_USAGE, "run 'migrate-gate lint --list-rules' to see every rule id",
			                "unknown rule '%s' in --severity", id);
		else if (!level || severity_parse(level, &sev))
			rc = gate_error(EXIT_USAGE, "write --severity RULE=error|warning|info|off", "bad severity '%s'",
			                cfg->severity->items[i]);
		free(id);
	}
	if (cfg->pg_version < 9 || cfg->pg_version > 18)
		rc = gate_error(EXIT_USAGE, "give a PostgreSQL major version from 9 to 18, e.g. --pg-version 15",
		                "unsupported --pg-version %d", cfg->pg_version);
	return rc ? -1 : 0;
}
