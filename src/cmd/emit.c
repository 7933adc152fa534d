/* Shared by every command that ends in a report: where and how it is written. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "util/error.h"

#include "util/banned.h"

int cmd_emit_report(const struct gate_config *cfg, const struct report *r)
{
	struct report_options opt = {false, cfg->command, cfg->fail_on};
	FILE *out = stdout;
	if (cfg->output) {
		out = fopen(cfg->output, "w");
		if (!out)
			return gate_error(EXIT_USAGE, "check that the folder exists and is writable",
			                  "cannot write report '%s': %s", cfg->output, strerror(errno));
	}
	opt.color = cfg->format == FMT_TEXT && log_color_enabled(cfg->color, out);
	int rc = report_write(r, cfg->format, &opt, out);
	if (out != stdout && fclose(out) && !rc)
		rc = gate_error(EXIT_USAGE, "check free disk space", "cannot write report '%s': %s", cfg->output,
		                strerror(errno));
	/* Annotations go to stdout where the runner reads them, unless a machine-readable report is there. */
	if (!rc && cfg->github_annotations && (cfg->output || cfg->format == FMT_TEXT))
		rc = report_write(r, FMT_GITHUB, &opt, stdout);
	return rc;
}
