/* GitLab Code Quality: a JSON array of issues, shown in merge requests. */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>

#include "report/writers.h"
#include "util/buf.h"
#include "util/strset.h"

#include "util/banned.h"

static const char *gitlab_severity(enum severity s)
{
	return s == SEV_ERROR ? "critical" : s == SEV_WARNING ? "major" : "info";
}

static const char *relative_path(const char *file)
{
	if (!file)
		return "<input>";
	while (file[0] == '.' && file[1] == '/')
		file += 2;
	return file;
}

/* 64-bit FNV-1a: stable across runs and machines, which is all GitLab needs to match issues. */
static uint64_t fnv1a(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/*
 * Rule, file, message and line identify an issue across runs. Two identical
 * findings get their occurrence number mixed in, so each fingerprint stays unique.
 */
static char *fingerprint(const struct finding *f, struct strset *seen)
{
	struct buf key = BUF_INIT, hex = BUF_INIT;
	buf_addf(&key, "%s%c%s%c%s%c%u", f->rule->id, 0x1f, relative_path(f->file), 0x1f, f->message ? f->message : "",
	         0x1f, f->line);
	size_t base = key.len;
	for (unsigned n = 2;; n++) {
		buf_reset(&hex);
		buf_addf(&hex, "%016llx", (unsigned long long)fnv1a(key.data, key.len));
		if (strset_add(seen, hex.data))
			break;
		key.len = base;
		buf_addf(&key, "%c%u", 0x1f, n);
	}
	buf_release(&key);
	return buf_detach(&hex);
}

static cJSON *issue_json(const struct finding *f, struct strset *seen)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", "issue");
	cJSON_AddStringToObject(o, "engine_name", "migrate-gate");
	cJSON_AddStringToObject(o, "check_name", f->rule->id);
	cJSON_AddStringToObject(o, "description", f->message ? f->message : f->rule->summary);
	if (f->rule->help && *f->rule->help) {
		cJSON *content = cJSON_AddObjectToObject(o, "content");
		cJSON_AddStringToObject(content, "body", f->rule->help);
	}
	char *fp = fingerprint(f, seen);
	cJSON_AddStringToObject(o, "fingerprint", fp);
	free(fp);
	cJSON_AddStringToObject(o, "severity", gitlab_severity(f->severity));
	cJSON *loc = cJSON_AddObjectToObject(o, "location");
	cJSON_AddStringToObject(loc, "path", relative_path(f->file));
	cJSON *lines = cJSON_AddObjectToObject(loc, "lines");
	/* GitLab needs a line; a finding about the whole file points at its first. */
	cJSON_AddNumberToObject(lines, "begin", f->line ? f->line : 1);
	if (f->line && f->end_line > f->line)
		cJSON_AddNumberToObject(lines, "end", f->end_line);
	return o;
}

void report_write_gitlab(const struct report *r, const struct report_options *o, FILE *out)
{
	(void)o;
	struct strset seen = STRSET_INIT;
	cJSON *root = cJSON_CreateArray();
	for (size_t i = 0; i < r->n; i++)
		cJSON_AddItemToArray(root, issue_json(&r->items[i], &seen));
	strset_release(&seen);
	report_put_json(root, out);
}
