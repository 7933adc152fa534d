/* Subcommands: each takes the loaded configuration and returns an exit status, or -1 with recorded errors. */
#ifndef GATE_CMD_CMD_H
#define GATE_CMD_CMD_H

#include <stdio.h>

#include "cli/config.h"

int cmd_lint(const struct gate_config *cfg);
int cmd_check(const struct gate_config *cfg);
int cmd_comment(const struct gate_config *cfg);
int cmd_backup(const struct gate_config *cfg);
int cmd_restore(const struct gate_config *cfg);
int cmd_status(const struct gate_config *cfg);

/* Writes the report in the configured format to --output or stdout, plus GitHub annotations when enabled. */
int cmd_emit_report(const struct gate_config *cfg, const struct report *r);

/* --comment: posts r as the sticky pull/merge request comment; a failure only warns. Returns 0. */
int cmd_post_comment(const struct gate_config *cfg, const struct report *r);
/* --output or stdout for reports that are not findings (backup, restore, status); NULL with a recorded error. */
FILE *cmd_open_output(const struct gate_config *cfg);
/* Flushes and closes what cmd_open_output() gave. -1 with a recorded error when the writes failed. */
int cmd_close_output(const struct gate_config *cfg, FILE *out);
/* A recorded usage error unless --format is text or json (the only formats of backup, restore and status). */
int cmd_text_or_json(const struct gate_config *cfg);

#endif
