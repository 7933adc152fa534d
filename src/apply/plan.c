#include "apply/plan.h"

#include <stdlib.h>
#include <string.h>

#include "alembic/offline.h"
#include "pg/conn.h"
#include "pg/sizes.h"
#include "replay/sourcemap.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/mem.h"

#include "util/banned.h"

/* A revision file as findings show it: relative to the project when inside it. */
static const char *shown_path(const char *path, const char *project_dir)
{
	size_t n = project_dir ? strlen(project_dir) : 0;
	if (path && n && !strncmp(path, project_dir, n) && path[n] == '/')
		return path + n + 1;
	return path;
}

int plan_read_production(PGconn *ro, const struct rev_graph *g, const char *project_dir, struct deploy_report *r,
                         struct strlist *fresh)
{
	if (pg_alembic_versions(ro, NULL, NULL, &r->before) < 0)
		return -1;
	for (size_t i = 0; i < r->before.n; i++)
		strlist_add(&r->now, r->before.items[i]);
	r->production_known = true;
	rev_graph_heads(g, &r->heads);
	if (rev_graph_new_from_rows(g, &r->before, fresh))
		return -1;
	for (size_t i = 0; i < fresh->n; i++) {
		const struct rev *rev = rev_graph_find(g, fresh->items[i]);
		deploy_report_add_rev(r, rev->id, rev->doc, shown_path(rev->path, project_dir));
	}
	return 0;
}

static void take_info(struct deploy_rev *v, const struct lint_unit_info *info)
{
	v->mode_known = true;
	v->breaking = info->breaking.n > 0;
	for (size_t i = 0; i < info->breaking.n; i++)
		strlist_add(&v->reasons, info->breaking.items[i]);
	for (size_t i = 0; i < info->n_tables; i++)
		deploy_rev_add_table(v, info->tables[i].rel, info->tables[i].lock);
}

/* Lints the revision's offline statements into findings (mapped to its file) and reads its mode. */
static int classify_one(const struct lint_config *lc, const struct rev *rev, struct deploy_rev *v,
                        const struct step_result *res, struct report *findings)
{
	struct lint_input_stmt *stmts = xcalloc(res->n_stmts + 1, sizeof(*stmts));
	struct lint_unit_info info;
	size_t n = 0, before = findings->n;
	for (size_t i = 0; i < res->n_stmts; i++)
		if (res->stmts[i].kind == STMT_MIGRATION || res->stmts[i].kind == STMT_ENV)
			stmts[n++] = (struct lint_input_stmt){res->stmts[i].sql, strlen(res->stmts[i].sql),
			                                      res->stmts[i].autocommit};
	lint_unit_info_init(&info);
	struct lint_unit u = {v->file, NULL, 0, v->id, stmts, n, NULL};
	int rc = n ? lint_unit_observe(lc, &u, findings, &info) : 0;
	struct sourcemap *m = sourcemap_new(rev->path);
	unsigned last_line = 0;
	for (size_t i = before; i < findings->n; i++)
		sourcemap_map_finding(&findings->items[i], v->file, stmts, n, m, &last_line);
	if (!rc)
		take_info(v, &info);
	sourcemap_free(m);
	lint_unit_info_release(&info);
	free(stmts);
	return rc;
}

int plan_classify(struct driver *d, const struct rev_graph *g, const struct lint_config *lc, struct deploy_report *r,
                  struct report *findings)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < r->n_revs; i++) {
		struct deploy_rev *v = &r->revs[i];
		const struct rev *rev = rev_graph_find(g, v->id);
		struct step_result res;
		step_result_init(&res);
		rc = offline_revision(d, rev, &res);
		if (!rc && res.status == STEP_OK) {
			rc = classify_one(lc, rev, v, &res, findings);
		} else if (!rc) {
			struct buf why = BUF_INIT;
			buf_addf(&why,
			         "its offline SQL cannot be produced (%s: %.*s), so its statements are unknown until "
			         "check runs it",
			         res.error_type ? res.error_type : "error",
			         (int)strcspn(res.error_message ? res.error_message : "", "\n"),
			         res.error_message ? res.error_message : "");
			strlist_add_owned(&v->reasons, buf_detach(&why));
		}
		step_result_release(&res);
	}
	return rc;
}

/* ---- size-aware severity ------------------------------------------------------------- */

static void collect_tables(const struct report *findings, const struct deploy_report *r, struct strlist *out)
{
	for (size_t i = 0; findings && i < findings->n; i++)
		if (findings->items[i].table && !strlist_has(out, findings->items[i].table))
			strlist_add(out, findings->items[i].table);
	for (size_t i = 0; r && i < r->n_revs; i++)
		for (size_t k = 0; k < r->revs[i].n_tables; k++)
			if (!strlist_has(out, r->revs[i].tables[k].name))
				strlist_add(out, r->revs[i].tables[k].name);
}

/* Notes the size in the finding and demotes what only costs time on a big table. */
static void judge(struct finding *f, const struct table_size *t, long long small_bytes)
{
	struct buf msg = BUF_INIT;
	char *size = human_bytes((double)t->bytes);
	f->sized = true;
	f->table_rows = t->exists ? t->rows : 0;
	f->table_bytes = t->exists ? t->bytes : 0;
	bool small = !t->exists || t->bytes < small_bytes;
	buf_adds(&msg, f->message);
	if (!t->exists)
		buf_addf(&msg, " [table \"%s\" is not on production yet]", f->table);
	else if (t->rows >= 0)
		buf_addf(&msg, " [table \"%s\" on production: ~%.0f rows, %s]", f->table, t->rows, size);
	else
		buf_addf(&msg, " [table \"%s\" on production: %s, rows unknown]", f->table, size);
	enum rule_cost cost = lint_rule_cost(f->rule->id);
	if (small && cost == COST_TABLE_SIZE && f->severity > SEV_INFO) {
		buf_addf(&msg, " [%s demoted to info: the table is under --small-table-bytes]",
		         severity_name(f->severity));
		f->severity = SEV_INFO;
	}
	free(f->message);
	f->message = buf_detach(&msg);
	free(size);
}

static int by_impact(const void *pa, const void *pb)
{
	const struct finding *a = pa, *b = pb;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if (a->table_bytes != b->table_bytes)
		return a->table_bytes > b->table_bytes ? -1 : 1;
	int c = strcmp(a->file ? a->file : "", b->file ? b->file : "");
	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return strcmp(a->rule->id, b->rule->id);
}

static void size_tables(struct deploy_report *r, const struct table_sizes *sizes)
{
	for (size_t i = 0; r && i < r->n_revs; i++)
		for (size_t k = 0; k < r->revs[i].n_tables; k++) {
			struct deploy_table *t = &r->revs[i].tables[k];
			const struct table_size *s = table_sizes_find(sizes, t->name);
			if (!s)
				continue;
			t->sized = true;
			t->exists = s->exists;
			t->rows = s->rows;
			t->bytes = s->bytes;
		}
}

int plan_size(PGconn *ro, long long small_bytes, struct report *findings, struct deploy_report *r)
{
	struct strlist names = STRLIST_INIT;
	struct table_sizes sizes = TABLE_SIZES_INIT;
	collect_tables(findings, r, &names);
	int rc = pg_table_sizes(ro, &names, &sizes);
	for (size_t i = 0; !rc && findings && i < findings->n; i++) {
		const struct table_size *t = table_sizes_find(&sizes, findings->items[i].table);
		if (t)
			judge(&findings->items[i], t, small_bytes);
	}
	if (!rc && findings && findings->n > 1)
		qsort(findings->items, findings->n, sizeof(findings->items[0]), by_impact);
	if (!rc)
		size_tables(r, &sizes);
	if (r)
		r->small_table_bytes = small_bytes;
	table_sizes_release(&sizes);
	strlist_release(&names);
	return rc;
}

bool plan_breaking(struct deploy_report *r)
{
	bool any = false;
	for (size_t i = 0; i < r->n_revs; i++) {
		const struct deploy_rev *v = &r->revs[i];
		if (!v->breaking)
			continue;
		struct buf w = BUF_INIT;
		buf_addf(&w, "--require-zero-downtime: revision %s is breaking (%s)", v->id,
		         v->reasons.n ? v->reasons.items[0] : "see its reasons");
		strlist_add_owned(&r->warnings, buf_detach(&w));
		any = true;
	}
	return any;
}
