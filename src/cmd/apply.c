/*
 * migrate-gate apply: applies the revisions production lacks, one at a time,
 * under the project's advisory lock, with lock_timeout, statement_timeout,
 * retries and verification (apply/apply.h). The report says what happened to
 * every revision, also when one failed (exit 4).
 */
#include "cmd/cmd.h"
#include "cmd/prod.h"
#include "pg/wait.h"
#include "util/error.h"
#include "util/interrupt.h"
#include "util/log.h"

#include "util/banned.h"

int cmd_apply(const struct gate_config *cfg)
{
	struct prod_run p;
	if (prod_require_url(cfg))
		return -1;
	/* Before the driver starts, whose group the signal then kills first: a signal ends apply at its next step. */
	interrupt_defer();
	prod_init(&p, cfg);
	/* The driver runs revision code against production: its environment names production only. */
	int rc = prod_start_driver(&p, cfg->production_url, true);
	if (!rc)
		rc = prod_read(&p);
	bool planned = !rc;
	if (!rc && !p.fresh.n) {
		log_info("nothing to apply: production is at the project's head");
		p.report.passed = true;
	} else if (!rc) {
		rc = prod_apply(&p, p.driver, NULL);
	}
	/* Once production was read, or a wait on it ran out, the report is written whatever happened. */
	int emitted = planned || pg_wait_busy_text() ? prod_emit(&p) : 0;
	prod_release(&p);
	return rc ? rc : emitted ? emitted : EXIT_PASS;
}
