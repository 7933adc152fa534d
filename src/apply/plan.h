/*
 * The plan: what a deploy would do to production, read without writing.
 * Production's alembic_version, the revisions still to apply with their
 * titles, each revision's deploy mode (additive or breaking, with reasons)
 * from the SQL offline mode gives for it, the existing tables it locks with
 * their size on production, and the lint findings of that SQL ranked by
 * size-aware impact.
 */
#ifndef GATE_APPLY_PLAN_H
#define GATE_APPLY_PLAN_H

#include <libpq-fe.h>

#include "alembic/driver.h"
#include "alembic/graph.h"
#include "lint/lint.h"
#include "report/deploy.h"
#include "report/finding.h"
#include "util/strset.h"

/*
 * Reads production's alembic_version over ro into r->before and r->now, the
 * project's heads into r->heads, and appends the revisions still to apply to
 * fresh (topological order) and to r. Returns 0, or -1 with a recorded error
 * (EXIT_USAGE for a row the project does not know).
 */
int plan_read_production(PGconn *ro, const struct rev_graph *g, const char *project_dir, struct deploy_report *r,
                         struct strlist *fresh);

/*
 * For every revision of r: its offline SQL through d, linted into findings,
 * and its deploy mode and touched tables into r. A revision whose offline SQL
 * fails (it reads rows) gets mode "unknown" with the reason. Returns 0, or -1
 * when the driver is gone.
 */
int plan_classify(struct driver *d, const struct rev_graph *g, const struct lint_config *lc, struct deploy_report *r,
                  struct report *findings);

/*
 * Size-aware severity: reads the size of every table a finding is about
 * (reltuples, pg_total_relation_size; never count(*)) over ro, notes it in
 * the finding, demotes COST_TABLE_SIZE findings to info on tables under
 * small_bytes (an empty or absent table too), keeps every other level, and
 * sorts the findings by impact: severity, then table size. Also sizes the
 * tables of r's revisions when r is not NULL. Returns 0 or -1 with a
 * recorded error.
 */
int plan_size(PGconn *ro, long long small_bytes, struct report *findings, struct deploy_report *r);

/* --require-zero-downtime: a warning per breaking revision; true when there is one. */
bool plan_breaking(struct deploy_report *r);

#endif
