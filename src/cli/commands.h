/* The --help text and option set of every subcommand. */
#ifndef GATE_CLI_COMMANDS_H
#define GATE_CLI_COMMANDS_H

#include "cli/config.h"

extern const struct command_spec spec_lint;
extern const struct command_spec spec_check;
extern const struct command_spec spec_comment;
extern const struct command_spec spec_backup;
extern const struct command_spec spec_restore;
extern const struct command_spec spec_status;
extern const struct command_spec spec_plan;
extern const struct command_spec spec_apply;
extern const struct command_spec spec_deploy;

/* The top-level usage text. */
extern const char usage_main[];

#endif
