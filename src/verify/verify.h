/*
 * deploy's last stage, after apply, as the deployment runbook checks a
 * deploy by hand: the application's health URLs answer 2xx several times in
 * a row (net/health.h), the team's read-only SQL checks hold on production
 * (pg/probe.h), and production's revision, database size and table count
 * are recorded, as `status` shows them. The results go into the deploy
 * report's verify section (report/deploy.h).
 */
#ifndef GATE_VERIFY_VERIFY_H
#define GATE_VERIFY_VERIFY_H

#include <stddef.h>

#include "cli/config.h"
#include "report/deploy.h"
#include "util/strset.h"

struct verify_sql {
	char *name; /* its leading comment, or "check N (line L)" */
	char *sql;
};

/* What the stage will do, read before the deploy touches anything. */
struct verify_plan {
	struct verify_sql *sql; /* the checks of --health-sql, in file order */
	size_t n_sql, alloc_sql;
	struct strlist headers; /* the --health-header-env header, or none */
};

/*
 * Reads and splits --health-sql (each statement a check: a SELECT, WITH,
 * VALUES or TABLE query) and checks that --health-ca is readable, so that a
 * bad option stops the deploy before anything runs. Returns 0, or -1 with a
 * recorded EXIT_USAGE error.
 */
int verify_prepare(const struct gate_config *cfg, struct verify_plan *plan);
void verify_plan_release(struct verify_plan *plan);

/*
 * Runs the stage: every health URL in turn (each within --health-timeout),
 * then the SQL checks and production's state over a read-only session with
 * the gate's lock_timeout and statement_timeout. Fills out. Returns 0 when
 * everything passed, or -1 with one recorded EXIT_APPLY error per failing URL
 * or check (the migrations are applied; the application is not healthy).
 */
int verify_run(const struct gate_config *cfg, const struct verify_plan *plan, struct deploy_verify *out);

#endif
