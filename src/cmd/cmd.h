/* Subcommands: each takes the loaded configuration and returns an exit status, or -1 with recorded errors. */
#ifndef GATE_CMD_CMD_H
#define GATE_CMD_CMD_H

#include "cli/config.h"

int cmd_lint(const struct gate_config *cfg);
int cmd_check(const struct gate_config *cfg);
int cmd_comment(const struct gate_config *cfg);

/* Writes the report in the configured format to --output or stdout, plus GitHub annotations when enabled. */
int cmd_emit_report(const struct gate_config *cfg, const struct report *r);

/* --comment: posts r as the sticky pull/merge request comment; a failure only warns. Returns 0. */
int cmd_post_comment(const struct gate_config *cfg, const struct report *r);

#endif
