/*
 * migrate-gate deploy: the whole gate for the deploy job, plan -> check ->
 * backup -> apply -> verify. It stops at the first stage that fails; the report shows
 * every stage with its status and duration, says loudly which stages were
 * skipped, and on failure how to go back.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apply/plan.h"
#include "backup/backup.h"
#include "cmd/cmd.h"
#include "cmd/prod.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/interrupt.h"
#include "util/json.h"
#include "util/log.h"
#include "util/mem.h"
#include "verify/verify.h"

#include "util/banned.h"

struct deploy_run {
	struct prod_run p;
	struct check_outcome check;
	bool checked;  /* the check stage ran and passed */
	char *archive; /* the backup taken, or NULL */
	struct driver *apply_driver;
	double t0;
	struct verify_plan verify; /* the verify stage's checks, read before anything runs */
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void stage(struct deploy_run *d, const char *name, enum stage_status st, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void stage(struct deploy_run *d, const char *name, enum stage_status st, const char *fmt, ...)
{
	struct buf detail = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&detail, fmt, ap);
	va_end(ap);
	double t = now_ms();
	deploy_report_add_stage(&d->p.report, name, st, st == STAGE_SKIPPED || st == STAGE_NOT_RUN ? 0 : t - d->t0,
	                        detail.data);
	d->t0 = t;
	log_info("%s: %s%s%s", name, stage_status_name(st), detail.len ? ": " : "", buf_str(&detail));
	buf_release(&detail);
}

/* The stages after the one that stopped the deploy. */
static void not_run(struct deploy_run *d, const char *from)
{
	static const char *const names[] = {"plan", "check", "backup", "apply", "verify"};
	bool after = false;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (after)
			deploy_report_add_stage(&d->p.report, names[i], STAGE_NOT_RUN, 0, NULL);
		after = after || !strcmp(names[i], from);
	}
}

static int plan_stage(struct deploy_run *d)
{
	struct prod_run *p = &d->p;
	const struct gate_config *cfg = p->cfg;
	if (prod_start_driver(p, NULL, false) || prod_read(p) ||
	    (p->fresh.n && plan_classify(p->driver, &p->graph, &cfg->lint, &p->report, &p->findings)) ||
	    (p->fresh.n && plan_size(p->ro, cfg->small_table_bytes, &p->findings, &p->report))) {
		stage(d, "plan", STAGE_FAILED, "production or the project could not be read");
		return -1;
	}
	if (cfg->require_zero_downtime && plan_breaking(&p->report)) {
		stage(d, "plan", STAGE_FAILED, "a revision is breaking and --require-zero-downtime is set");
		deploy_set(&p->report.failure, "a revision is breaking and --require-zero-downtime is set");
		return 1;
	}
	stage(d, "plan", STAGE_PASSED, "%zu revision(s) to apply", p->fresh.n);
	return 0;
}

static void skipped(struct deploy_run *d, const char *name, const char *flag, const char *what)
{
	struct buf note = BUF_INIT;
	buf_addf(&note, "%s: %s", flag, what);
	stage(d, name, STAGE_SKIPPED, "%s", note.data);
	strlist_add_owned(&d->p.report.notes, buf_detach(&note));
	log_warn("%s was skipped (%s): %s", name, flag, what);
}

static int check_stage(struct deploy_run *d)
{
	const struct gate_config *cfg = d->p.cfg;
	if (cfg->skip_check) {
		skipped(d, "check", "--skip-check", "the new revisions were NOT replayed on a scratch database");
		return 0;
	}
	if (check_collect(cfg, &d->check)) {
		stage(d, "check", STAGE_FAILED, "the check could not run");
		return -1;
	}
	d->p.report.findings = &d->check.report;
	size_t bad = report_count_at_least(&d->check.report, cfg->fail_on);
	if (bad) {
		stage(d, "check", STAGE_FAILED, "%zu finding(s) at or above %s", bad, severity_name(cfg->fail_on));
		deploy_setf(&d->p.report.failure, "check found %zu problem(s) at or above --fail-on %s", bad,
		            severity_name(cfg->fail_on));
		return 1;
	}
	d->checked = true;
	stage(d, "check", STAGE_PASSED, "%zu error(s), %zu warning(s), %zu info",
	      report_count(&d->check.report, SEV_ERROR), report_count(&d->check.report, SEV_WARNING),
	      report_count(&d->check.report, SEV_INFO));
	return 0;
}

/* pg_dump of production into a verified archive (src/backup/), with the revisions about to be applied. */
static int backup_stage(struct deploy_run *d)
{
	const struct gate_config *cfg = d->p.cfg;
	if (cfg->skip_backup) {
		skipped(d, "backup", "--skip-backup", "production was NOT backed up before the apply");
		return 0;
	}
	struct backup_options o;
	struct backup_result r;
	backup_options_from_config(cfg, &o);
	o.pending = &d->p.fresh;
	backup_result_init(&r);
	int rc = backup_run(&o, &r);
	if (!rc) {
		d->archive = xstrdup(r.archive_path);
		char *size = human_bytes((double)r.archive_bytes);
		stage(d, "backup", STAGE_PASSED, "%s (%s%s)", r.archive_path, size,
		      r.verify == VERIFY_PASSED ? ", verified by a restore" : "");
		free(size);
		report_set_outcome(&d->p.report.backup, true, d->p.report.stages[d->p.report.n_stages - 1].detail,
		                   r.archive_path);
	} else if (rc > 0) {
		report_set_outcome(&d->p.report.backup, false, "the archive failed verification", r.archive_path);
		stage(d, "backup", STAGE_FAILED, "the archive failed verification: %s",
		      r.problems.n ? r.problems.items[0] : "see the errors");
		deploy_setf(&d->p.report.failure, "the backup failed verification (kept as %s); nothing was applied",
		            r.archive_path ? r.archive_path : "nothing");
	} else {
		report_set_outcome(&d->p.report.backup, false, "production could not be backed up", NULL);
		stage(d, "backup", STAGE_FAILED, "production could not be backed up");
		deploy_set(&d->p.report.failure, "production could not be backed up; nothing was applied");
	}
	backup_result_release(&r);
	return rc;
}

/* How to go back after a failed apply: the archive, or the downgrades check proved. */
static void rollback_hint(struct deploy_run *d)
{
	struct deploy_report *r = &d->p.report;
	struct buf b = BUF_INIT;
	bool downgradable = d->checked;
	size_t applied = 0;
	for (size_t i = 0; i < r->n_revs; i++) {
		const struct deploy_rev *v = &r->revs[i];
		if (v->outcome == REV_APPLIED)
			applied++;
		if (v->outcome == REV_APPLIED || v->manual)
			downgradable = downgradable && strlist_has(&d->check.downgrade_ok, v->id) && !v->manual;
	}
	if (d->archive)
		buf_addf(&b, "restore the backup taken before the apply: migrate-gate restore '%s'", d->archive);
	if (applied && downgradable && r->before.n <= 1)
		buf_addf(&b, "%sgo back with: alembic downgrade %s (check proved these downgrades)",
		         b.len ? "; or " : "", r->before.n ? r->before.items[0] : "base");
	if (!applied && !b.len)
		buf_adds(&b, "nothing of this deploy stayed on production but what the report lists as committed");
	if (b.len)
		deploy_set(&r->rollback, b.data);
	buf_release(&b);
}

static int apply_stage(struct deploy_run *d)
{
	struct prod_run *p = &d->p;
	interrupt_defer(); /* from here a signal stops at the next step, which says where production is */
	const struct gate_config *cfg = p->cfg;
	struct driver_options opt = {cfg->python,         p->project_dir,    p->config_path,
	                             cfg->alembic_name,   &cfg->x_args,      cfg->production_url,
	                             cfg->step_timeout_s, prod_open_session, p};
	/* A driver of its own: the plan's never saw production's URL, and this one sees nothing else. */
	int rc = driver_start(&opt, &d->apply_driver);
	if (!rc)
		rc = prod_apply(p, d->apply_driver, d->checked ? &d->check.changes : NULL);
	size_t applied = 0;
	for (size_t i = 0; i < p->report.n_revs; i++)
		applied += p->report.revs[i].outcome == REV_APPLIED;
	stage(d, "apply", rc ? STAGE_FAILED : STAGE_PASSED, "%zu of %zu revision(s) applied", applied,
	      p->report.n_revs);
	if (rc)
		rollback_hint(d);
	return rc;
}

/* After the apply, as the runbook does by hand: the application's health, SQL checks, production's state. */
static int verify_stage(struct deploy_run *d)
{
	const struct gate_config *cfg = d->p.cfg;
	if (cfg->skip_verify) {
		skipped(d, "verify", "--skip-verify",
		        "the application and production were NOT checked after the apply");
		return 0;
	}
	int rc = verify_run(cfg, &d->verify, &d->p.report.verify);
	char *summary = deploy_verify_summary(&d->p.report.verify);
	stage(d, "verify", rc ? STAGE_FAILED : STAGE_PASSED, "%s", summary);
	free(summary);
	if (rc) {
		d->p.report.passed = false; /* apply_run() said passed for its part */
		deploy_set(&d->p.report.failure, "the migrations are applied, but the verification after them failed");
		rollback_hint(d);
	}
	return rc;
}

static int run_deploy(struct deploy_run *d)
{
	struct prod_run *p = &d->p;
	static const char *const order[] = {"plan", "check", "backup", "apply", "verify"};
	int (*const stages[])(struct deploy_run *) = {plan_stage, check_stage, backup_stage, apply_stage, verify_stage};
	for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++) {
		int rc = stages[i](d);
		if (!rc && i == 0 && !p->fresh.n) {
			log_info("nothing to apply: production is at the project's head");
			p->report.passed = true;
			not_run(d, "plan");
			return 0;
		}
		if (rc) {
			not_run(d, order[i]);
			return rc;
		}
	}
	p->report.passed = true;
	return 0;
}

int cmd_deploy(const struct gate_config *cfg)
{
	struct deploy_run d;
	memset(&d, 0, sizeof(d));
	if (lint_config_check(&cfg->lint) || prod_require_url(cfg) || verify_prepare(cfg, &d.verify)) {
		verify_plan_release(&d.verify);
		return -1;
	}
	prod_init(&d.p, cfg);
	d.t0 = now_ms();
	int rc = run_deploy(&d);
	if (rc && !d.p.report.failure)
		deploy_set(&d.p.report.failure, "a stage failed: see the errors below");
	int emitted = prod_emit(&d.p);
	if (!emitted && cfg->comment && d.p.report.findings)
		cmd_post_comment(cfg, d.p.report.findings);
	driver_free(d.apply_driver);
	if (d.p.report.findings == &d.check.report)
		d.p.report.findings = NULL;
	check_outcome_release(&d.check);
	prod_release(&d.p);
	free(d.archive);
	verify_plan_release(&d.verify);
	if (rc < 0)
		return -1;
	return rc > 0 ? EXIT_FAIL : emitted ? emitted : EXIT_PASS;
}
