/* The JSON report of plan, apply and deploy; docs/report-schema.md documents every field. */
#include <cjson/cJSON.h>

#include "report/deploy.h"
#include "report/writers.h"

#include "util/banned.h"

static void add_str(cJSON *o, const char *key, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *strings(const struct strlist *l)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < l->n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(l->items[i]));
	return a;
}

static cJSON *production(const struct deploy_report *r)
{
	cJSON *p = cJSON_CreateObject();
	if (r->production_known)
		cJSON_AddItemToObject(p, "revision", strings(&r->now));
	else
		cJSON_AddNullToObject(p, "revision");
	cJSON_AddItemToObject(p, "before", strings(&r->before));
	cJSON_AddItemToObject(p, "target", strings(&r->heads));
	return p;
}

static cJSON *stages(const struct deploy_report *r)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < r->n_stages; i++) {
		cJSON *s = cJSON_CreateObject();
		cJSON_AddStringToObject(s, "name", r->stages[i].name);
		cJSON_AddStringToObject(s, "status", stage_status_name(r->stages[i].status));
		cJSON_AddNumberToObject(s, "duration_ms", r->stages[i].ms);
		add_str(s, "detail", r->stages[i].detail);
		cJSON_AddItemToArray(a, s);
	}
	return a;
}

static cJSON *tables(const struct deploy_rev *v)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < v->n_tables; i++) {
		const struct deploy_table *t = &v->tables[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", t->name);
		cJSON_AddStringToObject(o, "lock", t->lock);
		if (t->sized) {
			cJSON_AddBoolToObject(o, "exists", t->exists);
			cJSON_AddNumberToObject(o, "rows", t->rows);
			cJSON_AddNumberToObject(o, "bytes", (double)t->bytes);
		}
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static cJSON *blockers(const struct deploy_rev *v)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < v->n_blockers; i++) {
		const struct deploy_blocker *b = &v->blockers[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "pid", (double)b->pid);
		cJSON_AddStringToObject(o, "state", b->state);
		cJSON_AddStringToObject(o, "application_name", b->application_name);
		cJSON_AddStringToObject(o, "query", b->query);
		if (b->xact_age_s >= 0)
			cJSON_AddNumberToObject(o, "transaction_age_s", b->xact_age_s);
		else
			cJSON_AddNullToObject(o, "transaction_age_s");
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static cJSON *statements(const struct deploy_rev *v)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < v->n_stmts; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "sql", v->stmts[i].sql);
		cJSON_AddBoolToObject(o, "committed", v->stmts[i].committed);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static cJSON *revision(const struct deploy_rev *v)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", v->id);
	add_str(o, "title", v->title);
	add_str(o, "file", v->file);
	cJSON_AddStringToObject(o, "mode", !v->mode_known ? "unknown" : v->breaking ? "breaking" : "additive");
	cJSON_AddItemToObject(o, "reasons", strings(&v->reasons));
	cJSON_AddItemToObject(o, "tables", tables(v));
	cJSON_AddStringToObject(o, "outcome", rev_outcome_name(v->outcome));
	cJSON_AddNumberToObject(o, "attempts", v->attempts);
	cJSON_AddNumberToObject(o, "retries", v->attempts > 1 ? v->attempts - 1 : 0);
	cJSON_AddNumberToObject(o, "duration_ms", v->ms);
	cJSON_AddBoolToObject(o, "single_transaction", v->single_transaction);
	cJSON_AddBoolToObject(o, "needs_manual_attention", v->manual);
	add_str(o, "error", v->error);
	cJSON_AddItemToObject(o, "blockers", blockers(v));
	cJSON_AddItemToObject(o, "statements", statements(v));
	cJSON_AddItemToObject(o, "schema_changes", strings(&v->changes));
	add_str(o, "differs_from_check", v->mismatch);
	return o;
}

static cJSON *finding(const struct finding *f)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "rule", f->rule->id);
	cJSON_AddStringToObject(o, "severity", severity_name(f->severity));
	cJSON_AddStringToObject(o, "message", f->message ? f->message : "");
	add_str(o, "file", f->file);
	cJSON_AddNumberToObject(o, "line", f->line);
	add_str(o, "revision", f->revision);
	add_str(o, "table", f->table);
	if (f->sized) {
		cJSON_AddNumberToObject(o, "table_rows", f->table_rows);
		cJSON_AddNumberToObject(o, "table_bytes", (double)f->table_bytes);
	} else {
		cJSON_AddNullToObject(o, "table_rows");
		cJSON_AddNullToObject(o, "table_bytes");
	}
	return o;
}

static cJSON *findings(const struct deploy_report *r)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; r->findings && i < r->findings->n; i++)
		cJSON_AddItemToArray(a, finding(&r->findings->items[i]));
	return a;
}

/* The backup deploy took: {"passed", "summary", "path"}, or null when the stage did not run. */
static cJSON *backup(const struct report_outcome *b)
{
	if (!b->ran)
		return cJSON_CreateNull();
	cJSON *o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "passed", b->ok);
	add_str(o, "summary", b->summary);
	add_str(o, "path", b->path);
	return o;
}

void deploy_write_json(const struct deploy_report *r, const struct report_options *o, FILE *out)
{
	(void)o;
	cJSON *root = report_json_root();
	cJSON_AddStringToObject(root, "command", r->command);
	cJSON_AddItemToObject(root, "production", production(r));
	cJSON_AddBoolToObject(root, "passed", r->passed);
	add_str(root, "failure", r->failure);
	add_str(root, "rollback", r->rollback);
	cJSON_AddItemToObject(root, "stages", stages(r));
	cJSON_AddItemToObject(root, "backup", backup(&r->backup));
	cJSON_AddItemToObject(root, "verify", deploy_verify_json(&r->verify));
	cJSON *revs = cJSON_AddArrayToObject(root, "revisions");
	for (size_t i = 0; i < r->n_revs; i++)
		cJSON_AddItemToArray(revs, revision(&r->revs[i]));
	cJSON_AddNumberToObject(root, "small_table_bytes", (double)r->small_table_bytes);
	cJSON_AddItemToObject(root, "findings", findings(r));
	cJSON_AddItemToObject(root, "warnings", strings(&r->warnings));
	cJSON_AddItemToObject(root, "notes", strings(&r->notes));
	report_put_json(root, out);
}
