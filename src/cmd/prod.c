#include "cmd/prod.h"

#include <ini.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "apply/apply.h"
#include "apply/plan.h"
#include "cmd/cmd.h"
#include "pg/conn.h"
#include "pg/secret.h"
#include "pg/wait.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/log.h"
#include "util/mem.h"

#include "util/banned.h"

static char *absolute(const char *path)
{
	char buf[PATH_MAX];
	return realpath(path, buf) ? xstrdup(buf) : xstrdup(path);
}

void prod_init(struct prod_run *p, const struct gate_config *cfg)
{
	memset(p, 0, sizeof(*p));
	p->cfg = cfg;
	p->project_dir = absolute(cfg->project_dir ? cfg->project_dir : ".");
	p->config_path = cfg->config_file ? absolute(cfg->config_file) : NULL;
	rev_graph_init(&p->graph);
	deploy_report_init(&p->report, cfg->command);
	report_init(&p->findings);
	p->report.findings = &p->findings;
	p->report.small_table_bytes = cfg->small_table_bytes;
}

void prod_release(struct prod_run *p)
{
	driver_free(p->driver);
	rev_graph_release(&p->graph);
	strlist_release(&p->fresh);
	pg_disconnect(p->ro);
	pg_disconnect(p->session);
	deploy_report_release(&p->report);
	report_release(&p->findings);
	free(p->project_dir);
	free(p->config_path);
}

int prod_require_url(const struct gate_config *cfg)
{
	pg_register_dsn_secret(cfg->production_url);
	if (cfg->production_url)
		return 0;
	return gate_error(EXIT_USAGE, "pass --production-url URL, or set MIGRATE_GATE_PRODUCTION_URL or DATABASE_URI",
	                  "'%s' needs production's URL", cfg->command);
}

struct early {
	struct prod_run *p;
	bool open_session;
};

/*
 * apply's session may fail only where apply opens it (after the plan, and not
 * at all with nothing to apply): a failure here is forgotten and met again there.
 */
int prod_open_session(void *arg)
{
	struct prod_run *p = arg;
	unsigned first = gate_error_count();
	if (apply_open_session(p->cfg->production_url, &p->session))
		gate_error_forget_since(first);
	return 0;
}

/* Production's sessions need no driver: opened while its interpreter imports Alembic. */
static int connect_early(void *arg)
{
	struct early *e = arg;
	if (pg_connect_production(e->p->cfg->production_url, true, &e->p->ro))
		return -1;
	return e->open_session ? prod_open_session(e->p) : 0;
}

int prod_start_driver(struct prod_run *p, const char *db_url, bool open_session)
{
	const struct gate_config *cfg = p->cfg;
	struct early e = {p, open_session};
	struct driver_options opt = {cfg->python,         p->project_dir, p->config_path,
	                             cfg->alembic_name,   &cfg->x_args,   db_url,
	                             cfg->step_timeout_s, connect_early,  &e};
	if (driver_start(&opt, &p->driver) || driver_graph(p->driver, &p->graph))
		return -1;
	return rev_graph_check_heads(&p->graph, cfg->allow_heads);
}

int prod_read(struct prod_run *p)
{
	if ((!p->ro && pg_connect_production(p->cfg->production_url, true, &p->ro)) ||
	    plan_read_production(p->ro, &p->graph, p->project_dir, &p->report, &p->fresh))
		return -1;
	char *rows = deploy_rows_text(&p->report.before);
	log_info("production is at %s; %zu revision(s) to apply", rows, p->fresh.n);
	free(rows);
	return 0;
}

struct ini_find {
	const char *section;
	char *value;
};

static int ini_entry(void *user, const char *section, const char *key, const char *value)
{
	struct ini_find *f = user;
	if (!strcmp(section, f->section) && !strcmp(key, "script_location") && !f->value)
		f->value = xstrdup(value);
	return 1;
}

char *prod_script_location(const struct prod_run *p)
{
	struct buf dflt = BUF_INIT;
	struct ini_find f = {p->cfg->alembic_name ? p->cfg->alembic_name : "alembic", NULL};
	buf_addf(&dflt, "%s/alembic.ini", p->project_dir);
	ini_parse(p->config_path ? p->config_path : dflt.data, ini_entry, &f);
	buf_release(&dflt);
	return f.value ? f.value : xstrdup(p->project_dir);
}

int prod_apply(struct prod_run *p, struct driver *d, const struct strset *expected)
{
	const struct gate_config *cfg = p->cfg;
	char *location = prod_script_location(p);
	struct apply_options opt = {cfg->production_url,       location,     cfg->lock_wait_ms, cfg->lock_timeout_ms,
	                            cfg->statement_timeout_ms, cfg->retries, &p->graph,         p->project_dir,
	                            &p->report.before,         &p->fresh,    expected,          p->session,
	                            cfg->terminate_leftovers};
	pg_disconnect(p->ro); /* the plan's read-only session is done */
	p->ro = NULL;
	p->session = NULL; /* apply_run's now */
	int rc = apply_run(d, &opt, &p->report);
	free(location);
	return rc;
}

int prod_emit(struct prod_run *p)
{
	if (pg_wait_busy_text()) /* the cause, in every format: what waited, for what, and who held it */
		deploy_setf(&p->report.failure, "production is busy: %s", pg_wait_busy_text());
	return cmd_emit_deploy(p->cfg, &p->report);
}
