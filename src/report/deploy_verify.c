/*
 * deploy's verify stage in the deploy report: its model (every health URL as
 * polled, every SQL check, production's state after the deploy) and its part
 * of the text and JSON writers; docs/report-schema.md documents the JSON.
 */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "report/deploy.h"
#include "report/writers.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/log.h"
#include "util/mem.h"

#include "util/banned.h"

struct deploy_health *deploy_verify_add_health(struct deploy_verify *v, const char *url)
{
	XGROW(v->health, v->alloc_health, v->n_health + 1);
	struct deploy_health *h = &v->health[v->n_health++];
	memset(h, 0, sizeof(*h));
	h->url = log_mask(url);
	return h;
}

struct deploy_sql_check *deploy_verify_add_sql(struct deploy_verify *v, const char *name)
{
	XGROW(v->sql, v->alloc_sql, v->n_sql + 1);
	struct deploy_sql_check *c = &v->sql[v->n_sql++];
	memset(c, 0, sizeof(*c));
	c->name = log_mask(name);
	return c;
}

void deploy_verify_release(struct deploy_verify *v)
{
	for (size_t i = 0; i < v->n_health; i++) {
		free(v->health[i].url);
		free(v->health[i].body);
		free(v->health[i].error);
	}
	free(v->health);
	for (size_t i = 0; i < v->n_sql; i++) {
		free(v->sql[i].name);
		free(v->sql[i].why);
	}
	free(v->sql);
	strlist_release(&v->revision);
	memset(v, 0, sizeof(*v));
}

static void state_text(const struct deploy_verify *v, struct buf *b)
{
	if (!v->state_known) {
		buf_adds(b, "production's state could not be read");
		return;
	}
	char *rows = deploy_rows_text(&v->revision), *size = human_bytes((double)v->database_bytes);
	buf_addf(b, "production at %s, %s, %zu table(s)", rows, size, v->tables);
	free(rows);
	free(size);
}

char *deploy_verify_summary(const struct deploy_verify *v)
{
	struct buf b = BUF_INIT;
	size_t healthy = 0, sql_ok = 0;
	for (size_t i = 0; i < v->n_health; i++)
		healthy += v->health[i].passed;
	for (size_t i = 0; i < v->n_sql; i++)
		sql_ok += v->sql[i].passed;
	if (v->n_health)
		buf_addf(&b, "%zu of %zu URL(s) healthy; ", healthy, v->n_health);
	if (v->n_sql)
		buf_addf(&b, "%zu of %zu SQL check(s) passed; ", sql_ok, v->n_sql);
	if (!v->n_health && !v->n_sql)
		buf_adds(&b, "no health URL or SQL check given; ");
	state_text(v, &b);
	return buf_detach(&b);
}

/* "HTTP 503", or why no answer came. */
static void last_answer(const struct deploy_health *h, FILE *out)
{
	if (h->status)
		fprintf(out, "HTTP %ld", h->status);
	else
		fprintf(out, "no answer (%s)", h->error ? h->error : "?");
}

void deploy_verify_write_text(const struct deploy_verify *v, const struct report_options *o, FILE *out)
{
	if (!v->ran)
		return;
	const char *bad = o->color ? "\033[1;31m" : "", *reset = o->color ? "\033[0m" : "";
	fputs("verify:\n", out);
	for (size_t i = 0; i < v->n_health; i++) {
		const struct deploy_health *h = &v->health[i];
		fprintf(out, "  health  %s  %s%s%s: ", h->url, h->passed ? "" : bad, h->passed ? "passed" : "FAILED",
		        h->passed ? "" : reset);
		if (h->passed)
			fprintf(out, "%u x 2xx in a row after %.2f s (%u tries)\n", h->in_a_row, h->ms / 1000.0,
			        h->tries);
		else {
			last_answer(h, out);
			fprintf(out, " after %.2f s (%u tries)\n", h->ms / 1000.0, h->tries);
		}
		if (!h->passed && h->body)
			fprintf(out, "          body: %s\n", h->body);
	}
	for (size_t i = 0; i < v->n_sql; i++) {
		const struct deploy_sql_check *c = &v->sql[i];
		fprintf(out, "  sql     %s  %s%s%s", c->name, c->passed ? "" : bad, c->passed ? "passed" : "FAILED",
		        c->passed ? "" : reset);
		fprintf(out, "%s%s\n", c->why ? ": " : "", c->why ? c->why : "");
	}
	struct buf b = BUF_INIT;
	state_text(v, &b);
	fprintf(out, "  %s\n", b.data);
	buf_release(&b);
}

static cJSON *health_json(const struct deploy_health *h)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "url", h->url);
	cJSON_AddBoolToObject(o, "passed", h->passed);
	if (h->status)
		cJSON_AddNumberToObject(o, "status", (double)h->status);
	else
		cJSON_AddNullToObject(o, "status");
	json_add_str_or_null(o, "body", h->body);
	json_add_str_or_null(o, "error", h->error);
	cJSON_AddNumberToObject(o, "tries", h->tries);
	cJSON_AddNumberToObject(o, "consecutive_2xx", h->in_a_row);
	cJSON_AddNumberToObject(o, "elapsed_ms", h->ms);
	return o;
}

static cJSON *sql_json(const struct deploy_sql_check *c)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", c->name);
	cJSON_AddBoolToObject(o, "passed", c->passed);
	json_add_str_or_null(o, "failure", c->why);
	cJSON_AddNumberToObject(o, "duration_ms", c->ms);
	return o;
}

struct cJSON *deploy_verify_json(const struct deploy_verify *v)
{
	if (!v->ran)
		return cJSON_CreateNull();
	cJSON *o = cJSON_CreateObject(), *health = cJSON_CreateArray(), *sql = cJSON_CreateArray();
	cJSON_AddBoolToObject(o, "passed", v->passed);
	for (size_t i = 0; i < v->n_health; i++)
		cJSON_AddItemToArray(health, health_json(&v->health[i]));
	for (size_t i = 0; i < v->n_sql; i++)
		cJSON_AddItemToArray(sql, sql_json(&v->sql[i]));
	cJSON_AddItemToObject(o, "health", health);
	cJSON_AddItemToObject(o, "sql_checks", sql);
	if (v->state_known) {
		cJSON *p = cJSON_CreateObject();
		cJSON_AddItemToObject(p, "revision", json_strings(&v->revision));
		cJSON_AddNumberToObject(p, "database_bytes", (double)v->database_bytes);
		cJSON_AddNumberToObject(p, "tables", (double)v->tables);
		cJSON_AddItemToObject(o, "production", p);
	} else {
		cJSON_AddNullToObject(o, "production");
	}
	return o;
}
