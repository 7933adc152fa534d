/*
 * Turns argv, MIGRATE_GATE_* variables and the [migrate_gate] section of an
 * alembic.ini into one gate_config. Precedence: flags, then environment,
 * then the config file. Commands only ever read the result.
 */
#ifndef GATE_CLI_CONFIG_H
#define GATE_CLI_CONFIG_H

#include <stdbool.h>

#include "lint/lint.h"
#include "report/writer.h"
#include "util/log.h"
#include "util/strset.h"

struct gate_config {
	const char *command;
	enum color_mode color;
	enum log_verbosity verbosity;
	enum report_format format;
	char *output;        /* report path, NULL for stdout */
	enum severity fail_on;
	char *config_file;   /* explicit --config, or NULL */
	bool github_annotations; /* also print ::error lines (GITHUB_ACTIONS=true) */

	/* lint */
	struct strlist paths;
	struct strlist enable;
	struct strlist disable;
	struct strlist severity;
	struct lint_config lint;
	bool list_rules;
};

/* Which options a subcommand takes, and its --help text. */
struct command_spec {
	const char *name;
	const char *summary;
	const char *usage;   /* full --help text */
	unsigned options;    /* OPT_* bits */
};

#define OPT_LINT 0x1u

/*
 * Fills cfg for the subcommand from argv (argv[0] is the subcommand), the
 * environment and the config file. Returns 0, 1 when --help was printed, or
 * -1 with a recorded usage error.
 */
int config_load(struct gate_config *cfg, const struct command_spec *spec, int argc, char **argv);
void config_release(struct gate_config *cfg);

#endif
