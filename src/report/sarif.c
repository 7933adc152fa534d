/*
 * SARIF 2.1.0, as GitHub code scanning reads it. tests/cli/formats.sh checks
 * the output against the official schema vendored in tests/cli/data/.
 */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "report/writers.h"
#include "util/buf.h"
#include "util/mem.h"

#include "util/banned.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define INFORMATION_URI MIGRATE_GATE_REPO_URL "/blob/main/docs/rules.md"

static const char *level(enum severity s)
{
	return s == SEV_ERROR ? "error" : s == SEV_WARNING ? "warning" : s == SEV_INFO ? "note" : "none";
}

/* The rules of the run: every known rule, plus any rule a finding uses that the list lacks. */
struct rule_table {
	const struct rule_info **items;
	size_t n, alloc;
};

static size_t rule_index(struct rule_table *t, const struct rule_info *rule)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->items[i] == rule || !strcmp(t->items[i]->id, rule->id))
			return i;
	XGROW(t->items, t->alloc, t->n + 1);
	t->items[t->n] = rule;
	return t->n++;
}

static cJSON *message(const char *text)
{
	cJSON *m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "text", text && *text ? text : "-");
	return m;
}

/* SARIF's friendly rule name is PascalCase: create-index-x becomes CreateIndexX. */
static char *pascal_name(const char *id)
{
	struct buf b = BUF_INIT;
	for (bool up = true; *id; id++) {
		if (*id == '-' || *id == '_') {
			up = true;
			continue;
		}
		buf_addc(&b, up && *id >= 'a' && *id <= 'z' ? (char)(*id - 'a' + 'A') : *id);
		up = false;
	}
	return buf_detach(&b);
}

static cJSON *rule_json(const struct rule_info *rule)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", rule->id);
	char *name = pascal_name(rule->id);
	cJSON_AddStringToObject(o, "name", name);
	free(name);
	cJSON_AddItemToObject(o, "shortDescription", message(rule->summary));
	cJSON_AddItemToObject(o, "fullDescription", message(rule->summary));
	cJSON_AddItemToObject(o, "help", message(rule->help));
	char *url = report_rule_url(rule);
	cJSON_AddStringToObject(o, "helpUri", url);
	free(url);
	cJSON *conf = cJSON_AddObjectToObject(o, "defaultConfiguration");
	cJSON_AddStringToObject(conf, "level", level(rule->severity));
	if (rule->off_by_default)
		cJSON_AddBoolToObject(conf, "enabled", false);
	return o;
}

/*
 * A path as the user gave it, as a URI reference: relative paths stay
 * relative (GitHub resolves them against the repository root), absolute ones
 * become file:// URIs. Anything outside RFC 3986's safe set is percent-encoded;
 * ':' too, so "a:b.sql" cannot read as a scheme.
 */
static char *path_uri(const char *path)
{
	static const char safe[] = "-._~/!$&'()*+,;=@";
	struct buf b = BUF_INIT;
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	if (path[0] == '/')
		buf_adds(&b, "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr(safe, *p))
			buf_addc(&b, (char)*p);
		else
			buf_addf(&b, "%%%02X", *p);
	}
	return buf_detach(&b);
}

static cJSON *region_json(const struct finding *f)
{
	cJSON *r = cJSON_CreateObject();
	cJSON_AddNumberToObject(r, "startLine", f->line);
	if (f->column)
		cJSON_AddNumberToObject(r, "startColumn", f->column);
	/* SARIF's endColumn is exclusive, like the model's. */
	if (f->end_line >= f->line) {
		cJSON_AddNumberToObject(r, "endLine", f->end_line);
		if (f->column && f->end_column && (f->end_line > f->line || f->end_column >= f->column))
			cJSON_AddNumberToObject(r, "endColumn", f->end_column);
	}
	return r;
}

static cJSON *location_json(const struct finding *f)
{
	cJSON *loc = cJSON_CreateObject();
	cJSON *phys = cJSON_AddObjectToObject(loc, "physicalLocation");
	cJSON *art = cJSON_AddObjectToObject(phys, "artifactLocation");
	char *uri = path_uri(f->file);
	cJSON_AddStringToObject(art, "uri", uri);
	free(uri);
	if (f->line)
		cJSON_AddItemToObject(phys, "region", region_json(f));
	return loc;
}

static cJSON *result_json(const struct finding *f, size_t rule_idx)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "ruleId", f->rule->id);
	cJSON_AddNumberToObject(o, "ruleIndex", (double)rule_idx);
	cJSON_AddStringToObject(o, "level", level(f->severity));
	cJSON_AddItemToObject(o, "message", message(f->message));
	cJSON *locs = cJSON_AddArrayToObject(o, "locations");
	if (f->file)
		cJSON_AddItemToArray(locs, location_json(f));
	/* The other objects of one grouped defect (a forgotten table's columns, indexes...), at the same place. */
	if (f->file && f->objects.n) {
		cJSON *related = cJSON_AddArrayToObject(o, "relatedLocations");
		for (size_t i = 0; i < f->objects.n; i++) {
			cJSON *loc = location_json(f);
			cJSON_AddNumberToObject(loc, "id", (double)i + 1);
			cJSON_AddItemToObject(loc, "message", message(f->objects.items[i]));
			cJSON_AddItemToArray(related, loc);
		}
	}
	if (f->revision) {
		cJSON *props = cJSON_AddObjectToObject(o, "properties");
		cJSON_AddStringToObject(props, "revision", f->revision);
	}
	return o;
}

/* check's end state, on the run's one invocation; a replay that could not reach every revision says why. */
static cJSON *invocations_json(const struct report_replay *rp)
{
	cJSON *list = cJSON_CreateArray(), *inv = cJSON_CreateObject();
	cJSON_AddItemToArray(list, inv);
	cJSON_AddBoolToObject(inv, "executionSuccessful", true);
	cJSON *props = cJSON_AddObjectToObject(inv, "properties");
	cJSON_AddNumberToObject(props, "revisions", (double)rp->revisions);
	cJSON_AddNumberToObject(props, "replayed", (double)rp->replayed);
	cJSON_AddNumberToObject(props, "failed", (double)rp->failed);
	cJSON_AddNumberToObject(props, "oneWay", (double)rp->one_way);
	cJSON_AddNumberToObject(props, "notReplayed", (double)rp->not_replayed);
	if (rp->stopped_at)
		cJSON_AddStringToObject(props, "stoppedAt", rp->stopped_at);
	char *line = report_replay_line(rp);
	cJSON *notes = cJSON_AddArrayToObject(inv, "toolExecutionNotifications");
	cJSON *note = cJSON_CreateObject();
	cJSON_AddItemToObject(note, "message", message(line));
	cJSON_AddStringToObject(note, "level", rp->not_replayed ? "warning" : "note");
	cJSON_AddItemToArray(notes, note);
	free(line);
	return list;
}

static cJSON *run_json(const struct report *r)
{
	struct rule_table t = {NULL, 0, 0};
	for (size_t i = 0; i < r->n_rules; i++)
		rule_index(&t, r->rules[i]);
	cJSON *run = cJSON_CreateObject();
	cJSON *tool = cJSON_AddObjectToObject(run, "tool");
	cJSON *driver = cJSON_AddObjectToObject(tool, "driver");
	cJSON_AddStringToObject(driver, "name", "migrate-gate");
	cJSON_AddStringToObject(driver, "version", MIGRATE_GATE_VERSION);
	cJSON_AddStringToObject(driver, "informationUri", INFORMATION_URI);
	/* The model counts columns in characters, not SARIF's default UTF-16 units. */
	cJSON_AddStringToObject(run, "columnKind", "unicodeCodePoints");
	if (r->replay.ran)
		cJSON_AddItemToObject(run, "invocations", invocations_json(&r->replay));
	cJSON *results = cJSON_AddArrayToObject(run, "results");
	for (size_t i = 0; i < r->n; i++)
		cJSON_AddItemToArray(results, result_json(&r->items[i], rule_index(&t, r->items[i].rule)));
	/* Filled last: results may have added rules the list lacked. */
	cJSON *rules = cJSON_AddArrayToObject(driver, "rules");
	for (size_t i = 0; i < t.n; i++)
		cJSON_AddItemToArray(rules, rule_json(t.items[i]));
	free(t.items);
	return run;
}

void report_write_sarif(const struct report *r, const struct report_options *o, FILE *out)
{
	(void)o;
	cJSON *root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "$schema", SARIF_SCHEMA);
	cJSON_AddStringToObject(root, "version", "2.1.0");
	cJSON *runs = cJSON_AddArrayToObject(root, "runs");
	cJSON_AddItemToArray(runs, run_json(r));
	report_put_json(root, out);
}
