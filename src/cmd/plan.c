/*
 * migrate-gate plan: what a deploy would do to production, read-only.
 * Production's revision, the revisions to apply with their deploy mode and
 * the tables they touch with their size, and the findings of their SQL
 * ranked by size-aware impact.
 */
#include "apply/plan.h"
#include "cmd/cmd.h"
#include "cmd/prod.h"
#include "pg/wait.h"
#include "util/error.h"

#include "util/banned.h"

static int run_plan(struct prod_run *p)
{
	const struct gate_config *cfg = p->cfg;
	if (prod_start_driver(p, NULL, false) || prod_read(p))
		return -1;
	if (plan_classify(p->driver, &p->graph, &cfg->lint, &p->report, &p->findings) ||
	    plan_size(p->ro, cfg->small_table_bytes, &p->findings, &p->report))
		return -1;
	p->report.passed = !(cfg->require_zero_downtime && plan_breaking(&p->report));
	if (!p->report.passed)
		deploy_set(&p->report.failure, "a revision is breaking and --require-zero-downtime is set");
	return 0;
}

int cmd_plan(const struct gate_config *cfg)
{
	struct prod_run p;
	if (lint_config_check(&cfg->lint) || prod_require_url(cfg))
		return -1;
	prod_init(&p, cfg);
	int rc = run_plan(&p);
	if (!rc)
		rc = prod_emit(&p);
	else if (pg_wait_busy_text())
		prod_emit(&p); /* the blockers, in the report too */
	if (!rc)
		rc = p.report.passed ? EXIT_PASS : EXIT_FAIL;
	prod_release(&p);
	return rc;
}
