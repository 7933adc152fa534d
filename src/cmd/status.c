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
#include "pg/wait.h"
#include "report/backup_report.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/secret.h"
#include "util/strset.h"

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
	int rc = pg_connect_production(cfg->production_url, true, &c) || pg_prodinfo_read(c, p) ? -1 : 0;
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
	struct driver_options opt = {
	    cfg->python, dir, cfg->config_file, cfg->alembic_name, &cfg->x_args, NULL, cfg->step_timeout_s, NULL, NULL};
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

/* Reads one database of the fleet; its failure is kept in t->error and stays a recorded error (exit 3). */
static void read_target(const struct rev_graph *g, struct status_target *t)
{
	unsigned first = gate_error_count();
	const char *url = secret_getenv(t->name);
	PGconn *c = NULL;
	struct strlist pending = STRLIST_INIT;
	if (!url || !*url)
		gate_error(EXIT_ENV, "export it in the job's environment (a CI secret), or drop its line",
		           "environment variable '%s' of the targets file is not set", t->name);
	else if (!pg_connect_production(url, true, &c) && pg_alembic_versions(c, NULL, NULL, &t->revisions) >= 0 &&
	         !rev_graph_new_from_rows(g, &t->revisions, &pending))
		t->pending = pending.n;
	if (gate_error_count() > first)
		t->error = xstrdup(gate_error_message(first));
	pg_disconnect(c);
	strlist_release(&pending);
}

/* Lines of the targets file: variable names, '#' comments and blank lines skipped. */
static int read_targets(const char *path, struct status_fleet *f)
{
	struct buf text = BUF_INIT;
	struct strlist lines = STRLIST_INIT;
	if (fs_read_file(path, &text))
		return -1;
	strlist_split(&lines, buf_str(&text), "\n");
	for (size_t i = 0; i < lines.n; i++) {
		char *name = lines.items[i];
		name[strcspn(name, "#")] = '\0';
		name += strspn(name, " \t");
		name[strcspn(name, " \t\r")] = '\0';
		if (!*name)
			continue;
		f->items = xrealloc(f->items, (f->n + 1) * sizeof(*f->items));
		memset(&f->items[f->n], 0, sizeof(f->items[0]));
		f->items[f->n++].name = xstrdup(name);
	}
	strlist_release(&lines);
	buf_release(&text);
	if (!f->n)
		return gate_error(EXIT_USAGE, "list one environment variable name per line",
		                  "the targets file '%s' names no database", path);
	return 0;
}

/* status --targets FILE: the revision of every database of the fleet, in one table. */
static int fleet_status(const struct gate_config *cfg)
{
	struct status_fleet f;
	struct rev_graph g = REV_GRAPH_INIT;
	memset(&f, 0, sizeof(f));
	f.file = cfg->targets;
	int rc = cmd_text_or_json(cfg) || read_targets(cfg->targets, &f) ? -1 : 0;
	if (!rc) {
		/* The URLs leave the environment before the driver imports revision files (untrusted code). */
		const char **names = xcalloc(f.n, sizeof(*names));
		for (size_t i = 0; i < f.n; i++) {
			names[i] = f.items[i].name;
			/* The whole value, whatever the variable is called: a fleet's URLs are not for reports. */
			secret_add(secret_getenv(names[i]));
			pg_register_dsn_secret(getenv(names[i]));
		}
		secret_strip_environ(names, (unsigned)f.n);
		free(names);
		rc = read_graph(cfg, &g);
	}
	if (!rc) {
		rev_graph_heads(&g, &f.heads);
		for (size_t i = 0; i < f.n; i++)
			read_target(&g, &f.items[i]);
		FILE *out = cmd_open_output(cfg);
		rc = out ? 0 : -1;
		if (out) {
			report_write_fleet(&f, cfg->format, cmd_output_color(cfg), out);
			rc = cmd_close_output(cfg, out);
		}
		rc = rc ? rc : gate_error_count() ? -1 : 0;
	}
	rev_graph_release(&g);
	status_fleet_release(&f);
	return rc;
}

int cmd_status(const struct gate_config *cfg)
{
	if (cfg->targets)
		return fleet_status(cfg);
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
			report_write_status(&s, cfg->format, cmd_output_color(cfg), out);
			rc = cmd_close_output(cfg, out);
		}
	}
	pg_prodinfo_release(&p);
	status_info_release(&s);
	return rc;
}
