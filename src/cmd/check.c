/*
 * migrate-gate check: replay every new revision on a scratch PostgreSQL
 * (upgrade, downgrade, upgrade, with snapshot comparisons), then lint the SQL
 * each revision executed.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alembic/cli_steps.h"
#include "alembic/driver.h"
#include "alembic/graph.h"
#include "alembic/offline.h"
#include "alembic/steps.h"
#include "apply/plan.h"
#include "cmd/cmd.h"
#include "cmd/select.h"
#include "lint/lint.h"
#include "net/forge.h"
#include "pg/checkpoint.h"
#include "pg/conn.h"
#include "pg/scratch.h"
#include "pg/secret.h"
#include "pg/wait.h"
#include "replay/drift.h"
#include "replay/replay.h"
#include "replay/sourcemap.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/interrupt.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/progress.h"

#include "util/banned.h"

struct check_run {
	const struct gate_config *cfg;
	char *project_dir; /* absolute */
	char *config_path; /* absolute alembic.ini, or NULL for the driver's default */
	struct driver *driver;
	struct cli_steps
	    *cli; /* --alembic-cmd: the steps run through it, the graph and offline SQL through the driver */
	struct step_runner steps;
	struct scratch *scratch;
	PGconn *db;
	struct checkpoint *checkpoint; /* NULL with --fail-fast */
	struct rev_graph graph;
	struct strlist fresh;
	struct report report;
	struct replay_result replay;
	const struct rule_info **rules;
};

static char *absolute(const char *path)
{
	char buf[PATH_MAX];
	return realpath(path, buf) ? xstrdup(buf) : xstrdup(path);
}

/* --one-way / [migrate_gate] one_way: each id must be a revision of the project. */
static int mark_one_way(struct check_run *run)
{
	for (size_t i = 0; i < run->cfg->one_way.n; i++) {
		const char *id = run->cfg->one_way.items[i];
		size_t k = 0;
		while (k < run->graph.n && strcmp(run->graph.revs[k].id, id))
			k++;
		if (k == run->graph.n)
			return gate_error(EXIT_USAGE,
			                  "list revision ids of this project in --one-way or [migrate_gate] one_way",
			                  "unknown revision '%s' marked one-way", id);
		run->graph.revs[k].one_way = true;
	}
	return 0;
}

static int start_driver(struct check_run *run)
{
	const struct gate_config *cfg = run->cfg;
	struct driver_options opt = {cfg->python,
	                             run->project_dir,
	                             run->config_path,
	                             cfg->alembic_name,
	                             &cfg->x_args,
	                             NULL,
	                             cfg->step_timeout_s,
	                             NULL,
	                             NULL};
	if (driver_start(&opt, &run->driver))
		return -1;
	log_debug("alembic driver runs under %s", driver_python(run->driver));
	return driver_graph(run->driver, &run->graph) ? -1 : mark_one_way(run);
}

static void warn_version_mismatch(const struct check_run *run, int production_major)
{
	int scratch_major = scratch_server_major(run->scratch);
	log_info("scratch PostgreSQL %d%s", scratch_major,
	         run->cfg->scratch_url ? " (--scratch-url)" : " (ephemeral cluster)");
	if (production_major && production_major != scratch_major)
		log_warn("scratch PostgreSQL %d differs from production's %d: results may differ", scratch_major,
		         production_major);
}

static int start_scratch(struct check_run *run, int production_major)
{
	const struct gate_config *cfg = run->cfg;
	struct scratch_options opt = {cfg->pg_bindir, cfg->scratch_url, cfg->scratch_cache, cfg->keep_scratch};
	if (scratch_start(&opt, &run->scratch))
		return -1;
	warn_version_mismatch(run, production_major);
	if (pg_connect(scratch_conninfo(run->scratch), false, &run->db))
		return -1;
	if (!run->cli && scratch_log_attach(run->scratch, run->db))
		return -1;
	if (run->cli)
		cli_steps_set_url(run->cli, scratch_sqlalchemy_url(run->scratch));
	return driver_set_url(run->driver, scratch_sqlalchemy_url(run->scratch));
}

static int start_steps(struct check_run *run)
{
	const struct gate_config *cfg = run->cfg;
	struct cli_steps_options opt = {cfg->alembic_cmd, run->project_dir, &run->graph, NULL, cfg->step_timeout_s};
	run->steps = step_runner_driver(run->driver);
	if (!cfg->alembic_cmd)
		return 0;
	if (cli_steps_new(&opt, &run->cli))
		return -1;
	run->steps = step_runner_cli(run->cli);
	return 0;
}

/*
 * SQLAlchemy hands psycopg2 every statement with a parameter dict (empty or
 * not), so "%%" stands for "%" and "%(name)s" or "%s" for a bound value.
 * PostgreSQL's parser reads neither placeholder; it reads $n.
 */
static char *unformat_sql(const char *sql)
{
	struct buf b = BUF_INIT;
	size_t params = 0;
	for (const char *s = sql; *s; s++) {
		const char *close = s[0] == '%' && s[1] == '(' ? strchr(s, ')') : NULL;
		if (s[0] == '%' && s[1] == '%') {
			buf_addc(&b, '%');
			s++;
		} else if ((close && close[1] == 's') || (s[0] == '%' && s[1] == 's')) {
			buf_addf(&b, "$%zu", ++params);
			s = close ? close + 1 : s + 1;
		} else {
			buf_addc(&b, *s);
		}
	}
	return buf_detach(&b);
}

/* The per-step CLI captures nothing: its lint reads the revision's offline SQL. */
static int offline_source(struct check_run *run, const struct revision_outcome *o, struct step_result *offline)
{
	if (offline_revision(run->driver, o->rev, offline))
		return -1;
	if (offline->status != STEP_OK)
		log_warn("%s is not linted: offline SQL of %s failed: %s%s%s", o->file, o->rev->id,
		         offline->error_type ? offline->error_type : "", offline->error_type ? ": " : "",
		         offline->error_message ? offline->error_message : "unknown error");
	return 0;
}

/* --require-zero-downtime: a breaking revision is a finding at its upgrade(). */
static void report_breaking(struct check_run *run, const struct revision_outcome *o, const struct lint_unit_info *info)
{
	struct finding *f = report_add(&run->report);
	struct buf msg = BUF_INIT;
	buf_addf(&msg, "revision %s breaks the application version still running during the deploy: ", o->rev->id);
	for (size_t i = 0; i < info->breaking.n; i++)
		buf_addf(&msg, "%s%s", i ? "; " : "", info->breaking.items[i]);
	f->rule = &rule_breaking_revision;
	f->severity = rule_breaking_revision.severity;
	f->message = buf_detach(&msg);
	f->file = xstrdup(o->file);
	f->revision = xstrdup(o->rev->id);
	f->line = f->end_line = sourcemap_def_line(o->map, "upgrade");
	f->column = f->end_column = 1;
	f->source_line = f->line ? sourcemap_line(o->map, f->line) : NULL;
}

static int lint_revision(struct check_run *run, const struct revision_outcome *o)
{
	struct step_result offline;
	const struct step_result *r = run->cli ? &offline : &o->first;
	step_result_init(&offline);
	if (run->cli && offline_source(run, o, &offline)) {
		step_result_release(&offline);
		return -1;
	}
	struct lint_input_stmt *stmts = xcalloc(r->n_stmts + 1, sizeof(*stmts));
	struct strlist texts = STRLIST_INIT;
	size_t n = 0;
	for (size_t i = 0; i < r->n_stmts; i++) {
		if (r->stmts[i].kind != STMT_MIGRATION && r->stmts[i].kind != STMT_ENV)
			continue;
		/* the server's log (bypassed) and offline SQL hold the text as the server sees it */
		strlist_add_owned(&texts, run->cli || r->stmts[i].bypassed ? xstrdup(r->stmts[i].sql)
		                                                           : unformat_sql(r->stmts[i].sql));
		stmts[n].sql = texts.items[texts.n - 1];
		stmts[n].len = strlen(stmts[n].sql);
		stmts[n].autocommit = r->stmts[i].autocommit;
		n++;
	}
	struct report_revision *rv = report_find_revision(&run->report, o->rev->id);
	for (size_t i = 0; rv && i < texts.n; i++)
		report_add_sql(rv, texts.items[i]);
	size_t before = run->report.n;
	struct lint_unit u = {o->file, NULL, 0, o->rev->id, stmts, n, &o->catalog};
	struct lint_unit_info info;
	lint_unit_info_init(&info);
	int rc = n ? lint_unit_observe(&run->cfg->lint, &u, &run->report, &info) : 0;
	unsigned last_line = 0;
	for (size_t i = before; i < run->report.n; i++)
		sourcemap_map_finding(&run->report.items[i], o->file, stmts, n, o->map, &last_line);
	if (run->cfg->require_zero_downtime && info.breaking.n)
		report_breaking(run, o, &info);
	lint_unit_info_release(&info);
	free(stmts);
	strlist_release(&texts);
	step_result_release(&offline);
	return rc;
}

/* Each step ran only when the one before it succeeded. */
static void add_steps(struct report_revision *rv, const struct revision_outcome *o)
{
	report_add_step(rv, "upgrade", o->upgraded ? REPORT_STEP_OK : REPORT_STEP_FAILED, o->up_at, o->up_ms);
	if (o->upgraded)
		report_add_step(rv, "downgrade", o->downgraded ? REPORT_STEP_OK : REPORT_STEP_FAILED, o->down_at,
		                o->down_ms);
	if (o->downgraded)
		report_add_step(rv, "second upgrade", o->reupgraded ? REPORT_STEP_OK : REPORT_STEP_FAILED, o->up2_at,
		                o->up2_ms);
}

/* Every new revision gets a row, also those the replay never reached after a failure. */
static void report_revisions(struct check_run *run)
{
	for (size_t i = 0; i < run->fresh.n; i++) {
		const struct rev *rev = rev_graph_find(&run->graph, run->fresh.items[i]);
		const struct revision_outcome *o =
		    i < run->replay.n && run->replay.items[i].state != REPLAY_NOT_REPLAYED ? &run->replay.items[i]
		                                                                           : NULL; /* same order */
		struct report_revision *rv =
		    report_add_revision(&run->report, run->fresh.items[i], rev ? rev->doc : NULL, o ? o->file : NULL);
		if (o)
			add_steps(rv, o);
	}
}

static int replay_and_lint(struct check_run *run)
{
	struct strlist baseline = STRLIST_INIT;
	struct replay_ctx ctx = {&run->steps,
	                         &run->db,
	                         run->checkpoint,
	                         &run->graph,
	                         run->project_dir,
	                         scratch_dir(run->scratch),
	                         run->cfg->irreversible,
	                         &run->report,
	                         run->cli ? NULL : run->scratch,
	                         0,
	                         0,
	                         NULL,
	                         0};
	struct snapshot empty = SNAPSHOT_INIT;
	rev_graph_baseline(&run->graph, &run->fresh, &baseline);
	int rc = run->cfg->replay_from_base ? replay_snapshot(&ctx, &empty) : 0;
	if (!rc)
		rc = replay_baseline(&ctx, &baseline);
	if (!rc && !run->cfg->fail_fast)
		rc = checkpoint_new(run->scratch, &ctx.checkpoint);
	run->checkpoint = ctx.checkpoint;
	if (!rc)
		rc = replay_revisions(&ctx, &run->fresh, &run->replay);
	if (!rc)
		replay_summarize(&run->replay, &run->report);
	if (!rc && run->cfg->replay_from_base)
		rc = replay_whole(&ctx, &run->replay, &empty);
	snapshot_release(&empty);
	if (!rc)
		report_revisions(run);
	interrupt_where("the lint of the executed SQL");
	for (size_t i = 0; !rc && i < run->replay.n; i++) {
		if (run->replay.items[i].state == REPLAY_NOT_REPLAYED)
			continue;
		size_t lint_first = run->report.n;
		rc = lint_revision(run, &run->replay.items[i]);
		if (!rc)
			replay_rewrite_findings(&ctx, &run->replay.items[i], lint_first);
	}
	/* The models are compared with the heads the replay ends at; a stopped replay never got there. */
	if (!rc && !run->cfg->no_model_drift && run->replay.n && !run->replay.stopped)
		rc = drift_check(run->driver, &run->replay.items[run->replay.n - 1], &run->report);
	strlist_release(&baseline);
	return rc;
}

static void collect_rules(struct check_run *run)
{
	size_t nl, nr;
	const struct rule_info *const *lint = lint_rules(&nl);
	const struct rule_info *const *replay = replay_rules(&nr);
	run->rules = xcalloc(nl + nr + 2, sizeof(*run->rules));
	memcpy(run->rules, lint, nl * sizeof(*lint));
	memcpy(run->rules + nl, replay, nr * sizeof(*replay));
	run->rules[nl + nr] = drift_rule();
	run->rules[nl + nr + 1] = &rule_breaking_revision;
	run->report.rules = run->rules;
	run->report.n_rules = nl + nr + 2;
}

static int run_check(struct check_run *run)
{
	int production_major = 0;
	interrupt_where("the start of the alembic driver");
	if (start_driver(run) || select_new_revisions(run->cfg, &run->graph, &run->fresh, &production_major))
		return -1;
	if (!run->fresh.n) {
		log_info("no new revisions: nothing to replay");
		return 0;
	}
	log_info("%zu new revision(s): %s%s", run->fresh.n, run->fresh.items[0], run->fresh.n > 1 ? " ..." : "");
	interrupt_where("the start of the scratch database");
	if (start_steps(run) || start_scratch(run, production_major))
		return -1;
	return replay_and_lint(run);
}

static void run_release(struct check_run *run)
{
	driver_free(run->driver);
	cli_steps_free(run->cli);
	checkpoint_free(run->checkpoint);
	pg_disconnect(run->db);
	scratch_free(run->scratch);
	rev_graph_release(&run->graph);
	strlist_release(&run->fresh);
	replay_result_release(&run->replay);
	report_release(&run->report);
	free(run->rules);
	free(run->project_dir);
	free(run->config_path);
}

static bool is_replay_rule(const struct rule_info *rule)
{
	size_t n;
	const struct rule_info *const *rules = replay_rules(&n);
	for (size_t i = 0; i < n; i++)
		if (rules[i] == rule)
			return true;
	return false;
}

/* Each revision whose round trip failed gets its first replay error as the one-line reason the reports end with. */
static void note_failures(struct check_run *run)
{
	for (size_t i = 0; i < run->replay.n; i++) {
		const struct revision_outcome *o = &run->replay.items[i];
		struct report_revision *rv = report_find_revision(&run->report, o->rev->id);
		if (!rv || (o->state != REPLAY_FAILED && o->state != REPLAY_STOPPED))
			continue;
		for (size_t k = 0; k < run->report.n && !rv->failure; k++) {
			const struct finding *f = &run->report.items[k];
			if (f->severity == SEV_ERROR && f->revision && !strcmp(f->revision, o->rev->id) &&
			    is_replay_rule(f->rule) && f->message)
				rv->failure = xstrndup(f->message, strcspn(f->message, "\n"));
		}
		if (!rv->failure)
			rv->failure = xstrdup(revision_state_name(o->state));
	}
}

/* Bad input is exit 2 before anything starts: both URLs parse, and the project has its alembic.ini. */
static int check_inputs(const struct check_run *run)
{
	const struct gate_config *cfg = run->cfg;
	int rc = 0;
	if (cfg->production_url)
		rc |= pg_check_dsn(cfg->production_url, "production URL");
	if (cfg->scratch_url)
		rc |= pg_check_dsn(cfg->scratch_url, "scratch URL");
	struct buf ini = BUF_INIT;
	if (run->config_path)
		buf_adds(&ini, run->config_path);
	else
		buf_addf(&ini, "%s/alembic.ini", run->project_dir);
	if (access(ini.data, R_OK))
		rc = gate_error(EXIT_USAGE, "run check in the folder that holds alembic.ini, or pass -C DIR or -c FILE",
		                "cannot read the alembic config '%s': %s", ini.data, strerror(errno));
	buf_release(&ini);
	return rc ? -1 : 0;
}

/* Size-aware severity with production's table sizes (check --production-url). */
static int size_findings(struct check_run *run)
{
	PGconn *ro = NULL;
	if (!run->cfg->production_url || !run->fresh.n)
		return 0;
	int rc = pg_connect_production(run->cfg->production_url, true, &ro);
	if (!rc)
		rc = plan_size(ro, run->cfg->small_table_bytes, &run->report, NULL);
	pg_disconnect(ro);
	return rc;
}

/* A replay finding about the revision's downgrade (downgrade-leaves-object, empty-downgrade, ...). */
static bool downgrade_finding(const struct report *r, const char *rev)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->items[i].revision && !strcmp(r->items[i].revision, rev) &&
		    strstr(r->items[i].rule->id, "downgrade"))
			return true;
	return false;
}

/* What the deploy's apply stage needs from the replay: clean downgrades, and each upgrade's changes. */
static void hand_over(struct check_run *run, struct check_outcome *out)
{
	out->report = run->report;
	report_init(&run->report);
	out->rules = run->rules;
	run->rules = NULL;
	for (size_t i = 0; i < run->replay.n; i++) {
		const struct revision_outcome *o = &run->replay.items[i];
		if (o->downgraded && !downgrade_finding(&out->report, o->rev->id))
			strlist_add(&out->downgrade_ok, o->rev->id);
		for (size_t k = 0; k < o->changes.n; k++) {
			struct buf key = BUF_INIT;
			buf_addf(&key, "%s\t%s", o->rev->id, o->changes.items[k]);
			strset_add(&out->changes, key.data);
			buf_release(&key);
		}
	}
}

void check_outcome_release(struct check_outcome *o)
{
	report_release(&o->report);
	free(o->rules);
	strlist_release(&o->downgrade_ok);
	strset_release(&o->changes);
	memset(o, 0, sizeof(*o));
}

int check_collect(const struct gate_config *cfg, struct check_outcome *out)
{
	struct check_run run;
	memset(&run, 0, sizeof(run));
	memset(out, 0, sizeof(*out));
	report_init(&out->report);
	run.cfg = cfg;
	interrupt_install(); /* before scratch_start(), whose handlers then run first */
	if (lint_config_check(&cfg->lint))
		return -1;
	forge_register_tokens(); /* before any child starts: a child's environment never holds a secret */
	run.project_dir = absolute(cfg->project_dir ? cfg->project_dir : ".");
	run.config_path = cfg->config_file ? absolute(cfg->config_file) : NULL;
	progress_clock_ms(); /* the timeline starts here */
	if (check_inputs(&run)) {
		free(run.project_dir);
		free(run.config_path);
		return -1;
	}
	report_init(&run.report);
	rev_graph_init(&run.graph);
	replay_result_init(&run.replay);
	collect_rules(&run);
	int rc = run_check(&run);
	if (!rc) {
		note_failures(&run);
		report_sort_history(&run.report);
	}
	if (!rc)
		rc = size_findings(&run);
	if (!rc)
		hand_over(&run, out);
	run_release(&run);
	return rc;
}

int cmd_check(const struct gate_config *cfg)
{
	struct check_outcome o;
	int rc = check_collect(cfg, &o);
	if (!rc) {
		interrupt_where("the writing of the report");
		rc = cmd_emit_report(cfg, &o.report);
	}
	if (!rc && cfg->comment)
		cmd_post_comment(cfg, &o.report);
	if (!rc)
		rc = report_count_at_least(&o.report, cfg->fail_on) ? EXIT_FAIL : EXIT_PASS;
	check_outcome_release(&o);
	return rc;
}
