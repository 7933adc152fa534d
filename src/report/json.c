/* The JSON report; docs/report-schema.md documents every field. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "report/writers.h"
#include "util/buf.h"

#include "util/banned.h"

void report_put_json(cJSON *root, FILE *out)
{
	char *text = cJSON_Print(root);
	if (text) {
		fputs(text, out);
		fputc('\n', out);
	}
	free(text);
	cJSON_Delete(root);
}

static void add_str_or_null(cJSON *o, const char *key, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static void put_string(struct buf *b, const char *key, const char *v)
{
	buf_addc(b, '"');
	buf_adds(b, key);
	buf_adds(b, "\":");
	if (!v) {
		buf_adds(b, "null,");
		return;
	}
	buf_addc(b, '"');
	buf_add_json_escaped(b, v, strlen(v));
	buf_adds(b, "\",");
}

/* Written by hand: cJSON formats every number through printf and a round-trip check. */
static void put_finding(const struct finding *f, struct buf *b)
{
	buf_reset(b);
	buf_addc(b, '{');
	put_string(b, "rule", f->rule->id);
	put_string(b, "severity", severity_name(f->severity));
	put_string(b, "message", f->message ? f->message : "");
	put_string(b, "help", f->rule->help ? f->rule->help : "");
	put_string(b, "file", f->file);
	buf_addf(b, "\"line\":%u,\"column\":%u,\"end_line\":%u,\"end_column\":%u,\"offset\":%zu,\"length\":%zu,",
	         f->line, f->column, f->end_line, f->end_column, f->offset, f->length);
	put_string(b, "revision", f->revision);
	put_string(b, "table", f->table);
	if (f->sized)
		buf_addf(b, "\"table_rows\":%.0f,\"table_bytes\":%lld,", f->table_rows, f->table_bytes);
	else
		buf_adds(b, "\"table_rows\":null,\"table_bytes\":null,");
	if (f->objects.n) {
		buf_adds(b, "\"objects\":[");
		for (size_t i = 0; i < f->objects.n; i++) {
			buf_adds(b, i ? ",\"" : "\"");
			buf_add_json_escaped(b, f->objects.items[i], strlen(f->objects.items[i]));
			buf_addc(b, '"');
		}
		buf_adds(b, "],");
	}
	b->data[b->len - 1] = '}';
}

static cJSON *summary_json(const struct report *r)
{
	cJSON *s = cJSON_CreateObject();
	cJSON_AddNumberToObject(s, "files", (double)r->files);
	cJSON_AddNumberToObject(s, "statements", (double)r->statements);
	cJSON_AddNumberToObject(s, "errors", (double)report_count(r, SEV_ERROR));
	cJSON_AddNumberToObject(s, "warnings", (double)report_count(r, SEV_WARNING));
	cJSON_AddNumberToObject(s, "info", (double)report_count(r, SEV_INFO));
	cJSON_AddNumberToObject(s, "suppressed", (double)r->suppressed);
	return s;
}

/* check's end state: how far the replay got and why (docs/report-schema.md). */
static cJSON *replay_json(const struct report_replay *rp)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "revisions", (double)rp->revisions);
	cJSON_AddNumberToObject(o, "replayed", (double)rp->replayed);
	cJSON_AddNumberToObject(o, "failed", (double)rp->failed);
	cJSON_AddNumberToObject(o, "one_way", (double)rp->one_way);
	cJSON_AddNumberToObject(o, "not_replayed", (double)rp->not_replayed);
	add_str_or_null(o, "stopped_at", rp->stopped_at);
	add_str_or_null(o, "reason", rp->reason);
	return o;
}

/* Prints one value compactly, then frees it. */
static void put_compact(cJSON *value, FILE *out)
{
	char *text = cJSON_PrintUnformatted(value);
	if (text)
		fputs(text, out);
	free(text);
	cJSON_Delete(value);
}

static const char *step_state_name(enum report_step_state s)
{
	return s == REPORT_STEP_OK ? "ok" : s == REPORT_STEP_FAILED ? "failed" : "not_run";
}

static cJSON *revision_json(const struct report_revision *rv)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", rv->id);
	add_str_or_null(o, "title", rv->title);
	add_str_or_null(o, "file", rv->file);
	add_str_or_null(o, "mode", rv->mode);
	add_str_or_null(o, "mode_reason", rv->mode_reason);
	cJSON *steps = cJSON_AddArrayToObject(o, "steps");
	for (size_t k = 0; k < rv->n_steps; k++) {
		cJSON *s = cJSON_CreateObject();
		cJSON_AddStringToObject(s, "name", rv->steps[k].name);
		cJSON_AddStringToObject(s, "status", step_state_name(rv->steps[k].state));
		cJSON_AddNumberToObject(s, "start_ms", (double)(long long)rv->steps[k].start_ms);
		cJSON_AddNumberToObject(s, "duration_ms", (double)(long long)(rv->steps[k].duration_ms + 0.5));
		cJSON_AddItemToArray(steps, s);
	}
	cJSON *sql = cJSON_AddArrayToObject(o, "sql");
	for (size_t k = 0; k < rv->sql.n; k++)
		cJSON_AddItemToArray(sql, cJSON_CreateString(rv->sql.items[k]));
	return o;
}

static cJSON *outcome_json(const struct report_outcome *o)
{
	if (!o->ran)
		return cJSON_CreateNull();
	cJSON *j = cJSON_CreateObject();
	cJSON_AddBoolToObject(j, "ok", o->ok);
	add_str_or_null(j, "summary", o->summary);
	add_str_or_null(j, "path", o->path);
	return j;
}

/* Revisions, backup and apply follow the findings, one revision at a time. */
static void put_run(const struct report *r, FILE *out)
{
	fputs(",\n\"revisions\": [", out);
	for (size_t i = 0; i < r->n_revisions; i++) {
		fputs(i ? ",\n  " : "\n  ", out);
		put_compact(revision_json(&r->revisions[i]), out);
	}
	fputs(r->n_revisions ? "\n],\n\"backup\": " : "],\n\"backup\": ", out);
	put_compact(outcome_json(&r->backup), out);
	fputs(",\n\"apply\": ", out);
	put_compact(outcome_json(&r->apply), out);
}

cJSON *report_json_root(void)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *tool = cJSON_AddObjectToObject(root, "tool");
	cJSON_AddStringToObject(tool, "name", "migrate-gate");
	cJSON_AddStringToObject(tool, "version", MIGRATE_GATE_VERSION);
	cJSON_AddNumberToObject(root, "schema_version", 1);
	return root;
}

/*
 * The findings are streamed one at a time: a tree of every finding costs
 * more memory than the lint itself on a large corpus.
 */
void report_write_json(const struct report *r, const struct report_options *o, FILE *out)
{
	cJSON *head = report_json_root();
	add_str_or_null(head, "command", o->command);
	cJSON_AddBoolToObject(head, "passed", report_passed(r, o->fail_on));
	cJSON_AddStringToObject(head, "fail_on", o->fail_on == SEV_NONE ? "never" : severity_name(o->fail_on));
	cJSON_AddItemToObject(head, "summary", summary_json(r));
	if (r->replay.ran)
		cJSON_AddItemToObject(head, "replay", replay_json(&r->replay));
	cJSON *notes = cJSON_CreateArray();
	for (size_t i = 0; i < r->notes.n; i++)
		cJSON_AddItemToArray(notes, cJSON_CreateString(r->notes.items[i]));
	char *text = cJSON_PrintUnformatted(head);
	cJSON_Delete(head);
	/* Reopen the head object to append the streamed members. */
	fprintf(out, "%.*s,\n\"findings\": [", (int)(strlen(text) - 1), text);
	free(text);
	struct buf one = BUF_INIT;
	for (size_t i = 0; i < r->n; i++) {
		fputs(i ? ",\n  " : "\n  ", out);
		put_finding(&r->items[i], &one);
		fwrite(one.data, 1, one.len, out);
	}
	buf_release(&one);
	fputs(r->n ? "\n],\n\"notes\": " : "],\n\"notes\": ", out);
	put_compact(notes, out);
	put_run(r, out);
	fputs("}\n", out);
}
