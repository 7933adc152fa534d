/*
 * What the replay runs its upgrade and downgrade steps through: the driver
 * (one Python process for the run, every statement captured) or the per-step
 * CLI mode (--alembic-cmd: one `alembic` process per step, no statements).
 * Both fill a struct step_result and return alike: 0 when the step ran to an
 * end, successful or not; -1 with a recorded error when it timed out or its
 * process died.
 */
#ifndef GATE_ALEMBIC_STEPS_H
#define GATE_ALEMBIC_STEPS_H

#include "alembic/cli_steps.h"
#include "alembic/driver.h"

struct step_runner {
	int (*upgrade)(void *impl, const char *rev, struct step_result *out);
	/* target NULL: undo exactly rev; else downgrade to target (driver_downgrade()) */
	int (*downgrade)(void *impl, const char *rev, const char *target, struct step_result *out);
	void (*hold_commits)(void *impl, bool on); /* NULL when the runner cannot (the CLI) */
	void *impl;
};

struct step_runner step_runner_driver(struct driver *d);
struct step_runner step_runner_cli(struct cli_steps *c);

int step_upgrade(const struct step_runner *s, const char *rev, struct step_result *out);
/* driver_hold_commits() for the next step; returns false when the runner cannot hold commits. */
bool step_hold_commits(const struct step_runner *s, bool on);
int step_downgrade(const struct step_runner *s, const char *rev, const char *target, struct step_result *out);

#endif
