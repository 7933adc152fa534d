/* migrate-gate backup: a verified, archived pg_dump of production (src/backup/ does the work). */
#include <stdio.h>

#include "backup/backup.h"
#include "cmd/cmd.h"
#include "report/backup_report.h"
#include "util/error.h"
#include "util/log.h"

#include "util/banned.h"

int cmd_backup(const struct gate_config *cfg)
{
	struct backup_options o;
	struct backup_result r;
	if (cmd_text_or_json(cfg))
		return -1;
	backup_options_from_config(cfg, &o);
	o.pending = &cfg->pending;
	backup_result_init(&r);
	int rc = backup_run(&o, &r);
	/* A failed upload leaves an archive (NAME.failed) and a report that says the upload failed. */
	if (rc >= 0 || r.upload_failed) {
		FILE *out = cmd_open_output(cfg);
		if (!out) {
			rc = -1;
		} else {
			report_write_backup(&r, cfg->format, cmd_output_color(cfg), out);
			rc = cmd_close_output(cfg, out) || rc < 0 ? -1 : rc;
		}
	}
	if (rc == 1)
		rc = gate_error(EXIT_FAIL, "see what differed above; the archive is kept for inspection",
		                "the backup of '%s' failed verification: %s", r.manifest.database,
		                r.problems.n ? r.problems.items[0] : "see the report");
	backup_result_release(&r);
	return rc;
}
