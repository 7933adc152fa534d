/* The JSON report; docs/report-schema.md documents every field. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "report/writer.h"

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

static cJSON *finding_json(const struct finding *f)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "rule", f->rule->id);
	cJSON_AddStringToObject(o, "severity", severity_name(f->severity));
	cJSON_AddStringToObject(o, "message", f->message ? f->message : "");
	cJSON_AddStringToObject(o, "help", f->rule->help ? f->rule->help : "");
	add_str_or_null(o, "file", f->file);
	cJSON_AddNumberToObject(o, "line", f->line);
	cJSON_AddNumberToObject(o, "column", f->column);
	cJSON_AddNumberToObject(o, "end_line", f->end_line);
	cJSON_AddNumberToObject(o, "end_column", f->end_column);
	cJSON_AddNumberToObject(o, "offset", (double)f->offset);
	cJSON_AddNumberToObject(o, "length", (double)f->length);
	add_str_or_null(o, "revision", f->revision);
	return o;
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
	for (size_t i = 0; i < r->n; i++) {
		fputs(i ? ",\n  " : "\n  ", out);
		put_compact(finding_json(&r->items[i]), out);
	}
	fputs(r->n ? "\n],\n\"notes\": " : "],\n\"notes\": ", out);
	put_compact(notes, out);
	fputs("}\n", out);
}
