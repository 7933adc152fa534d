/* The JSON report; docs/report-schema.md documents every field. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "report/writer.h"
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
	buf_addf(b, "\"line\":%u,\"column\":%u,\"end_line\":%u,\"end_column\":%u,\"offset\":%zu,\"length\":%zu,", f->line,
	         f->column, f->end_line, f->end_column, f->offset, f->length);
	put_string(b, "revision", f->revision);
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

/* Prints one value compactly, then frees it. */
static void put_compact(cJSON *value, FILE *out)
{
	char *text = cJSON_PrintUnformatted(value);
	if (text)
		fputs(text, out);
	free(text);
	cJSON_Delete(value);
}

/*
 * The findings are streamed one at a time: a tree of every finding costs
 * more memory than the lint itself on a large corpus.
 */
void report_write_json(const struct report *r, const struct report_options *o, FILE *out)
{
	cJSON *head = cJSON_CreateObject();
	cJSON *tool = cJSON_AddObjectToObject(head, "tool");
	cJSON_AddStringToObject(tool, "name", "migrate-gate");
	cJSON_AddStringToObject(tool, "version", MIGRATE_GATE_VERSION);
	cJSON_AddNumberToObject(head, "schema_version", 1);
	add_str_or_null(head, "command", o->command);
	cJSON_AddBoolToObject(head, "passed", report_count_at_least(r, o->fail_on) == 0);
	cJSON_AddStringToObject(head, "fail_on", o->fail_on == SEV_NONE ? "never" : severity_name(o->fail_on));
	cJSON_AddItemToObject(head, "summary", summary_json(r));
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
	fputs("}\n", out);
}
