/*
 * Models match migrations: env.py's target_metadata against the schema the
 * replay ends with, through Alembic's autogenerate in the driver (the check
 * pytest-alembic users run by hand). Each difference is a model-drift finding
 * with the op.* code autogenerate would write.
 */
#ifndef GATE_REPLAY_DRIFT_H
#define GATE_REPLAY_DRIFT_H

#include "alembic/driver.h"
#include "replay/replay.h"

const struct rule_info *drift_rule(void);

/*
 * Compares the models with the scratch database, which must be at the heads
 * (head is the last revision replayed: findings are filed under its file).
 * A project without target_metadata gives nothing; a comparison that raises
 * gives a note. Returns 0, or -1 when the driver is gone (recorded error).
 */
int drift_check(struct driver *d, const struct revision_outcome *head, struct report *report);

#endif
