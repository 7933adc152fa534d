/* Subcommands: each takes the loaded configuration and returns an exit status, or -1 with recorded errors. */
#ifndef GATE_CMD_CMD_H
#define GATE_CMD_CMD_H

#include <stdio.h>

#include "cli/config.h"
#include "report/deploy.h"
#include "report/finding.h"
#include "util/strset.h"

int cmd_lint(const struct gate_config *cfg);
int cmd_check(const struct gate_config *cfg);
int cmd_comment(const struct gate_config *cfg);
int cmd_backup(const struct gate_config *cfg);
int cmd_restore(const struct gate_config *cfg);
int cmd_status(const struct gate_config *cfg);
int cmd_plan(const struct gate_config *cfg);
int cmd_apply(const struct gate_config *cfg);
int cmd_deploy(const struct gate_config *cfg);

/* What check found, for its own report and for deploy's check stage. */
struct check_outcome {
	struct report report;           /* findings, sorted (by impact when production's sizes were read) */
	const struct rule_info **rules; /* owned: report.rules */
	struct strlist downgrade_ok;    /* revisions whose downgrade the replay found clean */
	struct strset changes;          /* "rev\tchange": what each upgrade changed on scratch (diff_entry_describe) */
};

/* check without writing its report. Returns 0 (findings or not) or -1 with recorded errors. */
int check_collect(const struct gate_config *cfg, struct check_outcome *out);
void check_outcome_release(struct check_outcome *o);

/* Writes the report in the configured format to --output or stdout, plus GitHub annotations when enabled. */
int cmd_emit_report(const struct gate_config *cfg, const struct report *r);
/* The same for the plan/apply/deploy report (text or JSON). */
int cmd_emit_deploy(const struct gate_config *cfg, const struct deploy_report *r);

/* --comment: posts r as the sticky pull/merge request comment; a failure only warns. Returns 0. */
int cmd_post_comment(const struct gate_config *cfg, const struct report *r);
/* Whether a text report is coloured: --color, and whether its destination (--output or stdout) is a terminal. */
bool cmd_output_color(const struct gate_config *cfg);
/* --output or stdout for reports that are not findings (backup, restore, status); NULL with a recorded error. */
FILE *cmd_open_output(const struct gate_config *cfg);
/* Flushes and closes what cmd_open_output() gave. -1 with a recorded error when the writes failed. */
int cmd_close_output(const struct gate_config *cfg, FILE *out);
/* A recorded usage error unless --format is text or json (the only formats of backup, restore and status). */
int cmd_text_or_json(const struct gate_config *cfg);

#endif
