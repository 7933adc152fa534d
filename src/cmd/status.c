/*
 * migrate-gate status: production's revision and whether it is a head, the
 * pending revisions with their titles, the database size and the largest
 * tables the pending revisions touch, and the last backups. Read-only.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alembic/driver.h"
#include "alembic/graph.h"
#include "backup/backup.h"
#include "cmd/cmd.h"
#include "pg/conn.h"
#include "pg/prodinfo.h"
#include "pg/secret.h"
#include "report/backup_report.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/mem.h"

#include "util/banned.h"

/* The largest tables shown, at most. */
#define MAX_TABLES 10
#define MAX_BACKUPS 10

static int read_production(const struct gate_config *cfg, struct pg_prodinfo *p)
{
	PGconn *c = NULL;
	if (!cfg->production_url)
		return gate_error(EXIT_USAGE,
		                  "give --production-url URL, or set MIGRATE_GATE_PRODUCTION_URL or DATABASE_URI",
		                  "status needs the production database");
	int rc = pg_connect(cfg->production_url, true, &c) || pg_prodinfo_read(c, p) ? -1 : 0;
	pg_disconnect(c);
	return rc;
}

/*
 * Revision files are untrusted code and the driver imports them: production's URL must not be in the
 * environment it inherits. It was read already.
 */
static void scrub_environment(void)
{
	static const char *const vars[] = {"DATABASE_URI", "DATABASE_URL", "MIGRATE_GATE_PRODUCTION_URL",
	                                   "PGPASSWORD",   "PGHOST",       "PGPORT",
	                                   "PGUSER",       "PGDATABASE"};
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		unsetenv(vars[i]);
}

static int read_graph(const struct gate_config *cfg, struct rev_graph *g)
{
	char dir[PATH_MAX];
	struct driver *d = NULL;
	if (!realpath(cfg->project_dir ? cfg->project_dir : ".", dir))
		return gate_error(EXIT_USAGE, "give -C DIR, the Alembic project", "cannot find the project dir '%s'",
		                  cfg->project_dir ? cfg->project_dir : ".");
	struct driver_options opt = {cfg->python,  dir,  cfg->config_file,   cfg->alembic_name,
	                             &cfg->x_args, NULL, cfg->step_timeout_s};
	int rc = driver_start(&opt, &d) || driver_graph(d, g) ? -1 : 0;
	driver_free(d);
	return rc;
}

/* Whether the revision file names the table as a string: op.add_column('sample', ...). */
static bool names_table(const struct buf *src, const char *table)
{
	const char *dot = strrchr(table, '.');
	const char *bare = dot ? dot + 1 : table;
	struct buf q1 = BUF_INIT, q2 = BUF_INIT;
	buf_addf(&q1, "'%s'", bare);
	buf_addf(&q2, "\"%s\"", bare);
	bool found = strstr(buf_str(src), q1.data) || strstr(buf_str(src), q2.data);
	buf_release(&q1);
	buf_release(&q2);
	return found;
}

static void add_touched(struct status_info *s, const struct pg_table_info *t, const char *rev)
{
	for (size_t i = 0; i < s->n_tables; i++)
		if (!strcmp(s->tables[i].name, t->name)) {
			struct buf b = BUF_INIT;
			buf_addf(&b, "%s, %s", s->tables[i].touched_by, rev);
			free(s->tables[i].touched_by);
			s->tables[i].touched_by = buf_detach(&b);
			return;
		}
	s->tables = xrealloc(s->tables, (s->n_tables + 1) * sizeof(*s->tables));
	struct status_table *st = &s->tables[s->n_tables++];
	st->name = xstrdup(t->name);
	st->bytes = (double)t->bytes;
	st->rows = t->reltuples;
	st->touched_by = xstrdup(rev);
}

/* Production's tables are largest first, so the first MAX_TABLES touched are the ones to show. */
static void touched_tables(const struct rev_graph *g, const struct strlist *pending, const struct pg_prodinfo *p,
                           struct status_info *s)
{
	for (size_t i = 0; i < p->n_tables && s->n_tables < MAX_TABLES; i++)
		for (size_t k = 0; k < pending->n; k++) {
			const struct rev *r = rev_graph_find(g, pending->items[k]);
			struct buf src = BUF_INIT;
			if (r && r->path && !fs_read_file(r->path, &src) && names_table(&src, p->tables[i].name))
				add_touched(s, &p->tables[i], r->id);
			buf_release(&src);
		}
}

static int project_part(const struct gate_config *cfg, const struct pg_prodinfo *p, struct status_info *s)
{
	struct rev_graph g = REV_GRAPH_INIT;
	struct strlist pending = STRLIST_INIT;
	int rc = read_graph(cfg, &g);
	if (!rc)
		rc = rev_graph_new_from_rows(&g, &p->versions, &pending);
	if (!rc) {
		rev_graph_heads(&g, &s->heads);
		for (size_t i = 0; i < pending.n; i++) {
			const struct rev *r = rev_graph_find(&g, pending.items[i]);
			struct buf line = BUF_INIT;
			buf_addf(&line, "%s\t%s", pending.items[i], r && r->doc ? r->doc : "");
			strlist_add_owned(&s->pending, buf_detach(&line));
		}
		touched_tables(&g, &pending, p, s);
	}
	strlist_release(&pending);
	rev_graph_release(&g);
	return rc;
}

static int backups_part(const struct gate_config *cfg, struct status_info *s)
{
	struct backup_entry *e = NULL;
	size_t n = 0;
	time_t now = time(NULL);
	s->backup_dir = cfg->backup_dir ? cfg->backup_dir : "backups";
	if (backup_list(s->backup_dir, &e, &n))
		return -1;
	s->backups = xcalloc(n ? n : 1, sizeof(*s->backups));
	for (size_t i = 0; i < n && i < MAX_BACKUPS; i++) {
		struct status_backup *b = &s->backups[s->n_backups++];
		b->name = xstrdup(e[i].name);
		b->state = xstrdup(e[i].failed ? "failed" : "complete");
		b->verification = xstrdup(e[i].verification);
		b->age_seconds = difftime(now, e[i].when);
		b->bytes = (unsigned long long)e[i].bytes;
		b->revision = xstrdup(e[i].revision);
	}
	backup_list_free(e, n);
	return 0;
}

int cmd_status(const struct gate_config *cfg)
{
	struct pg_prodinfo p;
	struct status_info s;
	pg_prodinfo_init(&p);
	status_info_init(&s);
	pg_register_dsn_secret(cfg->production_url);
	int rc = cmd_text_or_json(cfg) || read_production(cfg, &p) ? -1 : 0;
	if (!rc) {
		s.database = xstrdup(p.database);
		s.server_version = xstrdup(p.server_version);
		s.database_bytes = (double)p.database_bytes;
		s.version_table = p.version_table;
		for (size_t i = 0; i < p.versions.n; i++)
			strlist_add(&s.revisions, p.versions.items[i]);
		scrub_environment();
		rc = project_part(cfg, &p, &s) || backups_part(cfg, &s) ? -1 : 0;
	}
	if (!rc) {
		FILE *out = cmd_open_output(cfg);
		rc = out ? 0 : -1;
		if (out) {
			report_write_status(&s, cfg->format,
			                    cmd_output_color(cfg), out);
			rc = cmd_close_output(cfg, out);
		}
	}
	pg_prodinfo_release(&p);
	status_info_release(&s);
	return rc;
}
