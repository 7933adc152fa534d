#include "cli/config.h"

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pg/secret.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/mem.h"
#include "util/secret.h"

#include "util/banned.h"

enum source { SRC_FILE, SRC_ENV, SRC_FLAG };

struct option_def {
	const char *name; /* flag name without dashes; env MIGRATE_GATE_<NAME>; ini key name with '_' */
	char short_name;
	bool takes_value;
	unsigned commands; /* OPT_* bits; 0 = every command */
	int (*set)(struct gate_config *cfg, const char *value, const char *where);
};

static int bad_value(const char *where, const char *value, const char *hint)
{
	return gate_error(EXIT_USAGE, hint, "invalid value '%s' for %s", value, where);
}

static int set_format(struct gate_config *c, const char *v, const char *where)
{
	return report_format_parse(v, &c->format)
	           ? bad_value(where, v, "use text, json, sarif, gitlab, junit, github or markdown")
	           : 0;
}

static int set_fail_on(struct gate_config *c, const char *v, const char *where)
{
	return severity_parse(v, &c->fail_on) ? bad_value(where, v, "use error, warning, info or never") : 0;
}

static int set_color(struct gate_config *c, const char *v, const char *where)
{
	if (!strcmp(v, "auto"))
		c->color = COLOR_AUTO;
	else if (!strcmp(v, "always"))
		c->color = COLOR_ALWAYS;
	else if (!strcmp(v, "never"))
		c->color = COLOR_NEVER;
	else
		return bad_value(where, v, "use --color=auto, --color=always or --color=never");
	return 0;
}

static int parse_long(const char *v, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < lo || n > hi)
		return -1;
	*out = n;
	return 0;
}

static int set_pg_version(struct gate_config *c, const char *v, const char *where)
{
	long n;
	if (parse_long(v, 9, 18, &n))
		return bad_value(where, v, "give a PostgreSQL major version from 9 to 18, e.g. 15");
	c->lint.pg_version = (int)n;
	return 0;
}

static int parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "on"))
		*out = true;
	else if (!strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "off"))
		*out = false;
	else
		return -1;
	return 0;
}

static int set_assume_tx(struct gate_config *c, const char *v, const char *where)
{
	return parse_bool(v, &c->lint.assume_in_transaction) ? bad_value(where, v, "use true or false") : 0;
}

/* Options that store one string: the field is found by its offset in gate_config. */
#define STRING_FIELD(name, field)                                                                                      \
	static int name(struct gate_config *c, const char *v, const char *where)                                       \
	{                                                                                                              \
		(void)where;                                                                                           \
		free(c->field);                                                                                        \
		c->field = xstrdup(v);                                                                                 \
		return 0;                                                                                              \
	}

STRING_FIELD(set_output, output)
STRING_FIELD(set_config_file, config_file)
STRING_FIELD(set_project, project_dir)
STRING_FIELD(set_name, alembic_name)
STRING_FIELD(set_python, python)
STRING_FIELD(set_alembic_cmd, alembic_cmd)
STRING_FIELD(set_pg_bindir, pg_bindir)
STRING_FIELD(set_scratch_cache, scratch_cache)
STRING_FIELD(set_production_url_env, production_url_env)
STRING_FIELD(set_scratch_url_env, scratch_url_env)

/* A URL from any source is registered as a secret, even one a higher source overrides. */
#define URL_FIELD(name, field)                                                                                         \
	static int name(struct gate_config *c, const char *v, const char *where)                                       \
	{                                                                                                              \
		(void)where;                                                                                           \
		pg_register_dsn_secret(v);                                                                             \
		free(c->field);                                                                                        \
		c->field = xstrdup(v);                                                                                 \
		return 0;                                                                                              \
	}

URL_FIELD(set_scratch_url, scratch_url)
URL_FIELD(set_production_url, production_url)

/* A presigned URL's query string is its credential. */
static int set_upload_url(struct gate_config *c, const char *v, const char *where)
{
	(void)where;
	const char *q = strchr(v, '?');
	if (q && q[1])
		secret_add(q + 1);
	free(c->upload_url);
	c->upload_url = xstrdup(v);
	return 0;
}
STRING_FIELD(set_since, since)
STRING_FIELD(set_base_ref, base_ref)
STRING_FIELD(set_report_json, report_json)
STRING_FIELD(set_sarif, sarif)
STRING_FIELD(set_codequality, codequality)
STRING_FIELD(set_junit, junit)
STRING_FIELD(set_summary_md, summary_md)
STRING_FIELD(set_comment_key, comment_key)
STRING_FIELD(set_provider, provider)
STRING_FIELD(set_backup_dir, backup_dir)
STRING_FIELD(set_targets, targets)
STRING_FIELD(set_s3_endpoint, s3_endpoint)
STRING_FIELD(set_s3_region, s3_region)
URL_FIELD(set_target_url, target_url)

/* Flags that store a constant. */
#define CONST_FIELD(name, field, value)                                                                                \
	static int name(struct gate_config *c, const char *v, const char *where)                                       \
	{                                                                                                              \
		(void)v;                                                                                               \
		(void)where;                                                                                           \
		c->field = value;                                                                                      \
		return 0;                                                                                              \
	}

CONST_FIELD(set_no_assume_tx, lint.assume_in_transaction, false)
CONST_FIELD(set_keep_scratch, keep_scratch, true)
CONST_FIELD(set_heads, allow_heads, true)
CONST_FIELD(set_terminate, terminate, true)
CONST_FIELD(set_drop_replaced, drop_replaced, true)
CONST_FIELD(set_clean_restore, clean_restore, true)
CONST_FIELD(set_replace_other, replace_other, true)
CONST_FIELD(set_replay_from_base, replay_from_base, true)
CONST_FIELD(set_no_model_drift, no_model_drift, true)
CONST_FIELD(set_fail_fast, fail_fast, true)
CONST_FIELD(set_summary_only, summary_only, true)
CONST_FIELD(set_list_rules, list_rules, true)
CONST_FIELD(set_list_locks, list_locks, true)
CONST_FIELD(set_quiet, verbosity, LOG_QUIET)
CONST_FIELD(set_verbose, verbosity, LOG_VERBOSE)
CONST_FIELD(set_comment, comment, true)
CONST_FIELD(set_verify, verify, true)
CONST_FIELD(set_yes, yes, true)

/* Repeatable options that collect comma-separated values. */
#define LIST_FIELD(name, field)                                                                                        \
	static int name(struct gate_config *c, const char *v, const char *where)                                       \
	{                                                                                                              \
		(void)where;                                                                                           \
		strlist_split(&c->field, v, ", ");                                                                     \
		return 0;                                                                                              \
	}

LIST_FIELD(set_enable, enable)
LIST_FIELD(set_disable, disable)
LIST_FIELD(set_severity, severity)
LIST_FIELD(set_pending, pending)

/* -x values stay whole: env.py parses them, and they may hold commas. */
static int set_x(struct gate_config *c, const char *v, const char *where)
{
	(void)where;
	strlist_add(&c->x_args, v);
	return 0;
}

/* Revision ids separated by spaces or commas; repeatable. */
static int set_one_way(struct gate_config *c, const char *v, const char *where)
{
	(void)where;
	strlist_split(&c->one_way, v, " ,\t\n");
	return 0;
}

static int set_step_timeout(struct gate_config *c, const char *v, const char *where)
{
	long n;
	if (parse_long(v, 0, 86400, &n))
		return bad_value(where, v, "give whole seconds from 0 (no limit) to 86400");
	c->step_timeout_s = (unsigned)n;
	return 0;
}

/* A byte count with an optional K, M or G suffix (powers of 1024), from 1 byte to 16G. */
static int set_max_file_size(struct gate_config *c, const char *v, const char *where)
{
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	int shift = !strcmp(end, "K") ? 10 : !strcmp(end, "M") ? 20 : !strcmp(end, "G") ? 30 : *end ? -1 : 0;
	if (errno || end == v || shift < 0 || n < 1 || n > (16LL << 30) >> shift)
		return bad_value(where, v, "give a size from 1 to 16G: bytes, or a number with K, M or G, e.g. 64M");
	c->max_file_size = (size_t)n << shift;
	return 0;
}

static int set_irreversible(struct gate_config *c, const char *v, const char *where)
{
	return severity_parse(v, &c->irreversible) ? bad_value(where, v, "use error, warning, info or off") : 0;
}

static int set_provider_checked(struct gate_config *c, const char *v, const char *where)
{
	if (strcmp(v, "github") && strcmp(v, "gitlab"))
		return bad_value(where, v, "use github or gitlab");
	return set_provider(c, v, where);
}

static int set_pr(struct gate_config *c, const char *v, const char *where)
{
	long n;
	if (parse_long(v, 1, 2147483647L, &n))
		return bad_value(where, v, "give the pull request number or merge request iid, e.g. 42");
	free(c->pr);
	c->pr = xstrdup(v);
	return 0;
}

static int set_archive_format(struct gate_config *c, const char *v, const char *where)
{
	if (strcmp(v, "tar.zst") && strcmp(v, "tar.gz") && strcmp(v, "zip"))
		return bad_value(where, v, "use tar.zst, tar.gz or zip");
	free(c->archive_format);
	c->archive_format = xstrdup(v);
	return 0;
}

static int set_s3(struct gate_config *c, const char *v, const char *where)
{
	if (strncmp(v, "s3://", 5) || !v[5] || v[5] == '/')
		return bad_value(where, v, "write it as s3://bucket or s3://bucket/prefix");
	free(c->s3);
	c->s3 = xstrdup(v);
	return 0;
}

/* --keep, --keep-days, --upload-retries: whole numbers in a range. */
#define UNSIGNED_FIELD(name, field, max, hint)                                                                         \
	static int name(struct gate_config *c, const char *v, const char *where)                                       \
	{                                                                                                              \
		long n;                                                                                                \
		if (parse_long(v, 0, max, &n))                                                                         \
			return bad_value(where, v, hint);                                                              \
		c->field = (unsigned)n;                                                                                \
		return 0;                                                                                              \
	}

UNSIGNED_FIELD(set_keep, keep, 100000, "give a number of archives from 0 (keep all) to 100000")
UNSIGNED_FIELD(set_max_terminal_findings, max_terminal_findings, 1000000,
               "give a number of findings from 0 (no limit) to 1000000")
UNSIGNED_FIELD(set_keep_days, keep_days, 36500, "give a number of days from 0 (no limit) to 36500")
UNSIGNED_FIELD(set_upload_retries, upload_retries, 10, "give a number of retries from 0 to 10")

static int set_verify_exact_rows(struct gate_config *c, const char *v, const char *where)
{
	char *end;
	errno = 0;
	double n = strtod(v, &end);
	if (errno || end == v || *end || !(n >= 0 && n <= 1e15))
		return bad_value(where, v, "give a number of rows, e.g. 1000000 or 1e6");
	c->verify_exact_rows = n;
	return 0;
}

CONST_FIELD(set_require_zero_downtime, require_zero_downtime, true)
CONST_FIELD(set_skip_check, skip_check, true)
CONST_FIELD(set_skip_backup, skip_backup, true)

/* "90" (seconds), "500ms", "5s", "2min", "1h" into milliseconds, up to a day. */
static int parse_duration_ms(const char *v, unsigned *out)
{
	static const struct {
		const char *unit;
		double ms;
	} units[] = {{"", 1000}, {"ms", 1}, {"s", 1000}, {"min", 60000}, {"h", 3600000}};
	char *end;
	errno = 0;
	double n = strtod(v, &end);
	if (errno || end == v || !(n >= 0) || *v == '-' || *v == '+' || strchr(v, 'x') || strchr(v, 'X'))
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].unit))
			continue;
		double ms = n * units[i].ms;
		if (ms > 86400000.0)
			return -1;
		*out = (unsigned)(ms + 0.5);
		return 0;
	}
	return -1;
}

#define DURATION_FIELD(name, field)                                                                                    \
	static int name(struct gate_config *c, const char *v, const char *where)                                       \
	{                                                                                                              \
		return parse_duration_ms(v, &c->field)                                                                 \
		           ? bad_value(where, v, "give a duration up to a day: 30 (seconds), 500ms, 5s, 2min or 1h")   \
		           : 0;                                                                                        \
	}

DURATION_FIELD(set_lock_wait, lock_wait_ms)
DURATION_FIELD(set_lock_timeout, lock_timeout_ms)
DURATION_FIELD(set_statement_timeout, statement_timeout_ms)
DURATION_FIELD(set_query_timeout, query_timeout_ms)
CONST_FIELD(set_terminate_leftovers, terminate_leftovers, true)

static int set_retries(struct gate_config *c, const char *v, const char *where)
{
	long n;
	if (parse_long(v, 0, 20, &n))
		return bad_value(where, v, "give a number of retries from 0 to 20");
	c->retries = (unsigned)n;
	return 0;
}

/* "10MB", "512kB", "1GB" or plain bytes. */
static int set_small_table_bytes(struct gate_config *c, const char *v, const char *where)
{
	static const struct {
		const char *unit;
		long long mult;
	} units[] = {{"", 1}, {"B", 1}, {"kB", 1024}, {"MB", 1024 * 1024}, {"GB", 1024LL * 1024 * 1024}};
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	for (size_t i = 0; !errno && end != v && n >= 0 && *v != '-' && i < sizeof(units) / sizeof(units[0]); i++) {
		if (!strcmp(end, units[i].unit) && n <= (1LL << 50) / units[i].mult) {
			c->small_table_bytes = n * units[i].mult;
			return 0;
		}
	}
	return bad_value(where, v, "give a size in bytes, or with kB, MB or GB (PostgreSQL's units), e.g. 10MB");
}

/* --- deploy's verify stage ------------------------------------------------------------------------------- */

/* The source a value came from, by the name config_load() gives it: flags win over variables over the file. */
static int source_of(const char *where)
{
	return !strncmp(where, "--", 2) ? SRC_FLAG : !strncmp(where, "MIGRATE_GATE_", 13) ? SRC_ENV : SRC_FILE;
}

/* Health URLs, comma- or blank-separated and repeatable; a higher source replaces the list of a lower one. */
static int set_health_urls(struct gate_config *c, const char *v, const char *where)
{
	struct strlist urls = STRLIST_INIT;
	int src = source_of(where) + 1;
	strlist_split(&urls, v, ", \t\r\n");
	for (size_t i = 0; i < urls.n; i++) {
		if (strncmp(urls.items[i], "http://", 7) && strncmp(urls.items[i], "https://", 8)) {
			strlist_release(&urls);
			return bad_value(where, v, "give http:// or https:// URLs, e.g. https://app.example/healthz");
		}
		pg_register_dsn_secret(urls.items[i]); /* user:password@ in a URL */
	}
	if (src > c->health_urls_source)
		strlist_release(&c->health_urls);
	c->health_urls_source = src;
	for (size_t i = 0; i < urls.n; i++)
		strlist_add(&c->health_urls, urls.items[i]);
	strlist_release(&urls);
	return 0;
}

static int set_health_checks(struct gate_config *c, const char *v, const char *where)
{
	long n;
	if (parse_long(v, 1, 100, &n))
		return bad_value(where, v, "give a number of consecutive 2xx answers from 1 to 100");
	c->health_checks = (unsigned)n;
	return 0;
}

static int set_health_timeout(struct gate_config *c, const char *v, const char *where)
{
	if (parse_duration_ms(v, &c->health_timeout_ms) || !c->health_timeout_ms)
		return bad_value(where, v, "give a duration from 1ms to a day: 120 (seconds), 500ms, 5s, 2min or 1h");
	return 0;
}

static int set_health_interval(struct gate_config *c, const char *v, const char *where)
{
	if (parse_duration_ms(v, &c->health_interval_ms) || c->health_interval_ms < 100)
		return bad_value(where, v, "give a duration of at least 100ms: 2 (seconds), 500ms, 5s or 1min");
	return 0;
}

STRING_FIELD(set_health_header_env, health_header_env)
STRING_FIELD(set_health_ca, health_ca)
STRING_FIELD(set_health_sql, health_sql)
CONST_FIELD(set_skip_verify, skip_verify, true)

/*
 * The header --health-header-env names, read now: registered as a secret
 * (the whole line, its value, and the value's last word: "Bearer T" and T)
 * before anything can print it, so the variable also leaves the environment
 * with the other secrets. The message never shows the value.
 */
static int load_health_header(struct gate_config *c)
{
	const char *name = c->health_header_env;
	const char *v = name ? getenv(name) : NULL;
	if (!name)
		return 0;
	secret_add(v);
	const char *colon = v ? strchr(v, ':') : NULL;
	const char *value = colon ? colon + 1 + strspn(colon + 1, " \t") : NULL;
	if (value) {
		const char *last = strrchr(value, ' ');
		secret_add(value);
		secret_add(last ? last + 1 : NULL);
	}
	if (!v || !*v)
		return gate_error(EXIT_USAGE,
		                  "export it in the job's environment (a CI secret), e.g. "
		                  "HEALTH_HEADER='Authorization: Bearer TOKEN'",
		                  "environment variable '%s' named by --health-header-env is not set", name);
	if (!colon || colon == v || strpbrk(v, "\r\n") || strcspn(v, " \t") < (size_t)(colon - v) || !*value)
		return gate_error(
		    EXIT_USAGE, "write it as one header line 'Name: value', e.g. 'Authorization: Bearer TOKEN'",
		    "environment variable '%s' named by --health-header-env does not hold a header", name);
	free(c->health_header);
	c->health_header = xstrdup(v);
	return 0;
}

static const struct option_def options[] = {
    {"format", 'f', true, 0, set_format},
    {"output", 'o', true, 0, set_output},
    {"fail-on", 0, true, 0, set_fail_on},
    {"color", 0, true, 0, set_color},
    {"config", 'c', true, 0, set_config_file},
    {"quiet", 'q', false, 0, set_quiet},
    {"verbose", 'v', false, 0, set_verbose},
    {"report-json", 0, true, 0, set_report_json},
    {"sarif", 0, true, 0, set_sarif},
    {"codequality", 0, true, 0, set_codequality},
    {"junit", 0, true, 0, set_junit},
    {"summary-md", 0, true, 0, set_summary_md},
    {"comment", 0, false, OPT_COMMENT, set_comment},
    {"comment-key", 0, true, OPT_COMMENT, set_comment_key},
    {"provider", 0, true, OPT_COMMENT, set_provider_checked},
    {"pr", 0, true, OPT_COMMENT, set_pr},
    {"pg-version", 0, true, OPT_LINT, set_pg_version},
    {"assume-in-transaction", 0, true, OPT_LINT, set_assume_tx},
    {"no-assume-in-transaction", 0, false, OPT_LINT, set_no_assume_tx},
    {"enable", 0, true, OPT_LINT, set_enable},
    {"disable", 0, true, OPT_LINT, set_disable},
    {"severity", 0, true, OPT_LINT, set_severity},
    {"list-rules", 0, false, OPT_LINT, set_list_rules},
    {"list-locks", 0, false, OPT_LINT, set_list_locks},
    {"max-file-size", 0, true, OPT_LINT_FILES, set_max_file_size},
    {"project", 'C', true, OPT_CHECK, set_project},
    {"name", 'n', true, OPT_CHECK, set_name},
    {"x", 'x', true, OPT_CHECK, set_x},
    {"python", 0, true, OPT_CHECK, set_python},
    {"alembic-cmd", 0, true, OPT_CHECK, set_alembic_cmd},
    {"pg-bindir", 0, true, OPT_CHECK | OPT_BACKUP | OPT_RESTORE, set_pg_bindir},
    {"scratch-url", 0, true, OPT_CHECK | OPT_BACKUP, set_scratch_url},
    {"scratch-url-env", 0, true, OPT_CHECK | OPT_BACKUP, set_scratch_url_env},
    {"scratch-cache", 0, true, OPT_CHECK | OPT_BACKUP, set_scratch_cache},
    {"keep-scratch", 0, false, OPT_CHECK | OPT_BACKUP, set_keep_scratch},
    {"production-url", 0, true, OPT_CHECK | OPT_BACKUP | OPT_RESTORE, set_production_url},
    {"production-url-env", 0, true, OPT_CHECK | OPT_BACKUP | OPT_RESTORE, set_production_url_env},
    {"since", 0, true, OPT_CHECK, set_since},
    {"base-ref", 0, true, OPT_CHECK, set_base_ref},
    {"heads", 0, false, OPT_CHECK, set_heads},
    {"step-timeout", 0, true, OPT_CHECK, set_step_timeout},
    {"replay-from-base", 0, false, OPT_CHECK, set_replay_from_base},
    {"downgrade-not-implemented", 0, true, OPT_CHECK, set_irreversible}, /* the old name of the next */
    {"irreversible-downgrade", 0, true, OPT_CHECK, set_irreversible},
    {"fail-fast", 0, false, OPT_CHECK, set_fail_fast},
    {"one-way", 0, true, OPT_CHECK, set_one_way},
    {"summary-only", 0, false, OPT_CHECK, set_summary_only},
    {"max-terminal-findings", 0, true, OPT_CHECK, set_max_terminal_findings},
    {"no-model-drift", 0, false, OPT_CHECK, set_no_model_drift},
    {"backup-dir", 0, true, OPT_BACKUP | OPT_STATUS, set_backup_dir},
    {"targets", 0, true, OPT_STATUS, set_targets},
    {"archive-format", 0, true, OPT_BACKUP, set_archive_format},
    {"keep", 0, true, OPT_BACKUP, set_keep},
    {"keep-days", 0, true, OPT_BACKUP, set_keep_days},
    {"upload-url", 0, true, OPT_BACKUP, set_upload_url},
    {"s3", 0, true, OPT_BACKUP, set_s3},
    {"s3-endpoint", 0, true, OPT_BACKUP, set_s3_endpoint},
    {"s3-region", 0, true, OPT_BACKUP, set_s3_region},
    {"upload-retries", 0, true, OPT_BACKUP, set_upload_retries},
    {"verify", 0, false, OPT_BACKUP, set_verify},
    {"verify-exact-rows", 0, true, OPT_BACKUP, set_verify_exact_rows},
    {"pending", 0, true, OPT_BACKUP, set_pending},
    {"target-url", 0, true, OPT_RESTORE, set_target_url},
    {"yes", 'y', false, OPT_RESTORE, set_yes},
    {"terminate", 0, false, OPT_RESTORE, set_terminate},
    {"drop-replaced", 0, false, OPT_RESTORE, set_drop_replaced},
    {"clean-restore", 0, false, OPT_RESTORE, set_clean_restore},
    {"replace-other", 0, false, OPT_RESTORE, set_replace_other},
    {"small-table-bytes", 0, true, OPT_PLAN, set_small_table_bytes},
    {"require-zero-downtime", 0, false, OPT_PLAN, set_require_zero_downtime},
    {"lock-wait", 0, true, OPT_APPLY | OPT_PLAN | OPT_STATUS | OPT_BACKUP | OPT_RESTORE, set_lock_wait},
    {"query-timeout", 0, true, OPT_APPLY | OPT_PLAN | OPT_STATUS | OPT_BACKUP, set_query_timeout},
    {"terminate-leftovers", 0, false, OPT_APPLY, set_terminate_leftovers},
    {"lock-timeout", 0, true, OPT_APPLY | OPT_PLAN_TIMEOUT, set_lock_timeout},
    {"statement-timeout", 0, true, OPT_APPLY, set_statement_timeout},
    {"retries", 0, true, OPT_APPLY, set_retries},
    {"skip-check", 0, false, OPT_DEPLOY, set_skip_check},
    {"skip-backup", 0, false, OPT_DEPLOY, set_skip_backup},
    /* deploy's verify stage */
    {"health-url", 0, true, OPT_DEPLOY, set_health_urls},
    {"health-urls", 0, true, OPT_DEPLOY, set_health_urls}, /* MIGRATE_GATE_HEALTH_URLS, health_urls in the file */
    {"health-header-env", 0, true, OPT_DEPLOY, set_health_header_env},
    {"health-ca", 0, true, OPT_DEPLOY, set_health_ca},
    {"health-timeout", 0, true, OPT_DEPLOY, set_health_timeout},
    {"health-interval", 0, true, OPT_DEPLOY, set_health_interval},
    {"health-checks", 0, true, OPT_DEPLOY, set_health_checks},
    {"health-sql", 0, true, OPT_DEPLOY, set_health_sql},
    {"skip-verify", 0, false, OPT_DEPLOY, set_skip_verify},
};

#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

static const struct option_def *find_option(const char *name, size_t len, char short_name, unsigned cmd_bits)
{
	for (size_t i = 0; i < N_OPTIONS; i++) {
		const struct option_def *o = &options[i];
		if (o->commands && !(o->commands & cmd_bits))
			continue;
		if (short_name ? o->short_name == short_name : strlen(o->name) == len && !strncmp(o->name, name, len))
			return o;
	}
	return NULL;
}

/* Flags are collected first and applied last, so they win over env and file. */
struct pending {
	const struct option_def *opt;
	char *value; /* inside argv, where hide_secrets() blanks a password */
};

struct flags {
	struct pending *items;
	size_t n, alloc;
	bool help;
};

static int unknown_option(const struct command_spec *spec, const char *arg)
{
	struct buf hint = BUF_INIT;
	buf_addf(&hint, "run 'migrate-gate help %s' for the options it takes", spec->name);
	int rc = gate_error(EXIT_USAGE, hint.data, "unknown option '%s' for '%s'", arg, spec->name);
	buf_release(&hint);
	return rc;
}

static int missing_value(const char *arg)
{
	return gate_error(EXIT_USAGE, "write it as --option VALUE or --option=VALUE", "option '%s' needs a value", arg);
}

static void push(struct flags *f, const struct option_def *o, char *v)
{
	XGROW(f->items, f->alloc, f->n + 1);
	f->items[f->n].opt = o;
	f->items[f->n].value = v;
	f->n++;
}

static int parse_one(struct flags *f, const struct command_spec *spec, int argc, char **argv, int *i,
                     struct gate_config *cfg)
{
	char *arg = argv[*i];
	if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
		f->help = true;
		return 0;
	}
	bool is_long = arg[1] == '-';
	const char *name = arg + (is_long ? 2 : 1);
	char *eq = is_long ? strchr(arg + 2, '=') : NULL;
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	if (!is_long && len != 1)
		return unknown_option(spec, arg);
	const struct option_def *o = find_option(name, len, is_long ? 0 : name[0], spec->options);
	if (!o)
		return unknown_option(spec, arg);
	char *value = eq ? eq + 1 : NULL;
	if (o->takes_value && !value) {
		if (*i + 1 >= argc)
			return missing_value(arg);
		value = argv[++*i];
	}
	if (!o->takes_value && value)
		return gate_error(EXIT_USAGE, "write the flag alone, e.g. --quiet, not --quiet=yes",
		                  "option '--%s' takes no value", o->name);
	push(f, o, value);
	(void)cfg;
	return 0;
}

static int parse_argv(struct flags *f, struct gate_config *cfg, const struct command_spec *spec, int argc, char **argv)
{
	bool only_paths = false;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (only_paths || arg[0] != '-' || !strcmp(arg, "-")) {
			strlist_add(&cfg->paths, arg);
		} else if (!strcmp(arg, "--")) {
			only_paths = true;
		} else if (parse_one(f, spec, argc, argv, &i, cfg)) {
			return -1;
		}
	}
	return 0;
}

static int apply(struct gate_config *cfg, const struct option_def *o, const char *value, const char *where)
{
	return o->set(cfg, value ? value : "", where);
}

/* MIGRATE_GATE_FAIL_ON for --fail-on, and so on. */
static void env_name(struct buf *var, const char *option)
{
	buf_adds(var, "MIGRATE_GATE_");
	for (const char *p = option; *p; p++)
		buf_addc(var, *p == '-' ? '_' : (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p));
}

static int apply_env(struct gate_config *cfg, const struct command_spec *spec)
{
	int rc = 0;
	for (size_t i = 0; i < N_OPTIONS; i++) {
		const struct option_def *o = &options[i];
		if (!o->takes_value || (o->commands && !(o->commands & spec->options)))
			continue;
		struct buf var = BUF_INIT;
		env_name(&var, o->name);
		const char *v = getenv(var.data);
		if (v && *v && apply(cfg, o, v, var.data))
			rc = -1;
		buf_release(&var);
	}
	return rc;
}

/* The value of the last --NAME flag on the command line, or NULL. */
static char *flag_value(const struct flags *f, const char *name)
{
	char *v = NULL;
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->items[i].opt->name, name))
			v = f->items[i].value;
	return v;
}

/*
 * A URL read from the variable --production-url-env / --scratch-url-env names
 * (opt). The name comes from the flag, else MIGRATE_GATE_*_URL_ENV, else the
 * config file (from_file), else dflt (DATABASE_URI for production). A name
 * given as a flag outranks MIGRATE_GATE_*_URL (flags win), so it is applied
 * in the flag pass; any other ranks just below MIGRATE_GATE_*_URL. A
 * variable named on purpose must be set; the default may be absent.
 */
static int url_from_env(const struct flags *f, bool flag_pass, const char *opt, const char *from_file, const char *dflt,
                        int (*set)(struct gate_config *, const char *, const char *), struct gate_config *cfg)
{
	const char *flag = flag_value(f, opt), *name = flag;
	struct buf var = BUF_INIT, where = BUF_INIT;
	int rc = 0;
	env_name(&var, opt);
	if ((flag != NULL) != flag_pass)
		goto out;
	if (flag)
		buf_addf(&where, "--%s", opt);
	else if (getenv(var.data) && *getenv(var.data))
		name = getenv(var.data), buf_adds(&where, var.data);
	else if ((name = from_file) != NULL)
		buf_addf(&where, "'%s' in [migrate_gate]", opt);
	const char *v = name ? getenv(name) : dflt ? getenv(dflt) : NULL;
	if (v && *v)
		rc = set(cfg, v, name ? name : dflt);
	else if (name)
		rc =
		    gate_error(EXIT_USAGE, "export it in the job's environment (a CI secret), or name another variable",
		               "environment variable '%s' named by %s is not set", name, where.data);
out:
	buf_release(&var);
	buf_release(&where);
	return rc;
}

static int urls_from_env(struct gate_config *cfg, const struct command_spec *spec, const struct flags *f,
                         bool flag_pass)
{
	if (!find_option("production-url-env", 18, 0, spec->options))
		return 0;
	return url_from_env(f, flag_pass, "production-url-env", cfg->production_url_env, "DATABASE_URI",
	                    set_production_url, cfg) |
	       url_from_env(f, flag_pass, "scratch-url-env", cfg->scratch_url_env, NULL, set_scratch_url, cfg);
}

struct ini_ctx {
	struct gate_config *cfg;
	const struct command_spec *spec;
	const char *path;
	int rc;
};

static int ini_entry(void *user, const char *section, const char *key, const char *value)
{
	struct ini_ctx *ic = user;
	if (strstr(key, "url")) /* sqlalchemy.url too: env.py may print it */
		pg_register_dsn_secret(value);
	if (strcmp(section, "migrate_gate"))
		return 1;
	struct buf name = BUF_INIT, where = BUF_INIT;
	for (const char *p = key; *p; p++)
		buf_addc(&name, *p == '_' ? '-' : *p);
	buf_addf(&where, "'%s' in [migrate_gate] of %s", key, ic->path);
	const struct option_def *o = find_option(name.data, name.len, 0, ~0u);
	if (!o || !o->takes_value || !strcmp(o->name, "config"))
		ic->rc = gate_error(EXIT_USAGE, "see docs/configuration.md for the keys [migrate_gate] takes",
		                    "unknown key %s", where.data);
	else if (!o->commands || (o->commands & ic->spec->options))
		ic->rc |= apply(ic->cfg, o, value, where.data);
	buf_release(&name);
	buf_release(&where);
	return 1;
}

static int load_ini(struct gate_config *cfg, const struct command_spec *spec)
{
	struct buf dflt = BUF_INIT;
	buf_addf(&dflt, "%s/alembic.ini", cfg->project_dir ? cfg->project_dir : ".");
	const char *path = cfg->config_file ? cfg->config_file : dflt.data;
	int rc = 0;
	if (cfg->config_file || !access(path, R_OK)) {
		struct ini_ctx ic = {cfg, spec, path, 0};
		int line = ini_parse(path, ini_entry, &ic);
		if (line < 0)
			rc = gate_error(EXIT_USAGE, "check the --config path", "cannot read config file '%s'", path);
		else if (line > 0)
			rc = gate_error(EXIT_USAGE, "fix the line; it must be 'key = value' inside a [section]",
			                "syntax error in config file '%s' at line %d", path, line);
		else
			rc = ic.rc ? -1 : 0;
	}
	buf_release(&dflt);
	return rc;
}

/*
 * Every secret any source holds, used or not: a URL the flags override is
 * still a password revision code could print. The URL options register
 * theirs when they are set; these are the rest.
 */
static void register_secrets(const struct flags *f)
{
	static const char *const url_vars[] = {"DATABASE_URI", "DATABASE_URL", "MIGRATE_GATE_PRODUCTION_URL",
	                                       "MIGRATE_GATE_SCRATCH_URL"};
	for (size_t i = 0; i < sizeof(url_vars) / sizeof(url_vars[0]); i++)
		pg_register_dsn_secret(getenv(url_vars[i]));
	for (size_t i = 0; i < f->n; i++)
		if (f->items[i].value && strstr(f->items[i].opt->name, "url"))
			pg_register_dsn_secret(f->items[i].value);
	pg_register_env_secrets();
	secret_add_token_env();
}

/*
 * Leaves no password where another process can read it: argv (ps,
 * /proc/PID/cmdline, readable by every local user) and the environment
 * (/proc/PID/environ, and every child's inherited copy). The values are
 * already copied into cfg.
 */
static void hide_secrets(const struct gate_config *cfg, const struct flags *f)
{
	bool warned = false;
	for (size_t i = 0; i < f->n; i++) {
		if (!f->items[i].value || !secret_found(f->items[i].value))
			continue;
		if (!warned) {
			const char *name = f->items[i].opt->name;
			bool url = !strcmp(name, "production-url") || !strcmp(name, "scratch-url");
			log_warn(
			    "the password given with --%s shows in 'ps' to every local user; it is now blanked out of "
			    "the command line",
			    name);
			struct buf var = BUF_INIT;
			env_name(&var, name); /* every option has its variable: MIGRATE_GATE_TARGET_URL for --target-url */
			if (url)
				log_hint("pass the URL in an environment variable instead: --%s-env NAME, or %s", name,
				         var.data);
			else
				log_hint("pass it in the environment instead: %s", var.data);
			buf_release(&var);
		}
		warned = true;
		secret_scrub(f->items[i].value);
	}
	const char *also[] = {"DATABASE_URI", "MIGRATE_GATE_PRODUCTION_URL", "MIGRATE_GATE_SCRATCH_URL",
	                      cfg->production_url_env, cfg->scratch_url_env};
	secret_strip_environ(also, sizeof(also) / sizeof(also[0]));
}

static void defaults(struct gate_config *cfg, const struct command_spec *spec)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->command = spec->name;
	cfg->color = COLOR_AUTO;
	cfg->verbosity = LOG_NORMAL;
	cfg->format = FMT_TEXT;
	cfg->fail_on = SEV_ERROR;
	cfg->lint.pg_version = 15;
	cfg->lint.assume_in_transaction = true;
	cfg->lint.enable = &cfg->enable;
	cfg->lint.disable = &cfg->disable;
	cfg->lint.severity = &cfg->severity;
	cfg->step_timeout_s = 120; /* docs/check.md argues the figure */
	cfg->irreversible = SEV_WARNING;
	cfg->max_file_size = FS_MAX_FILE_SIZE_DEFAULT;
	cfg->upload_retries = 2;
	cfg->verify_exact_rows = 1e6;
	cfg->lock_wait_ms = 60000;
	cfg->query_timeout_ms = 300000;
	cfg->lock_timeout_ms = 5000;
	cfg->retries = 3;
	cfg->max_terminal_findings = 50;
	cfg->small_table_bytes = 10LL * 1024 * 1024;
	cfg->health_timeout_ms = 120000;
	cfg->health_interval_ms = 2000;
	cfg->health_checks = 3;
	const char *gha = getenv("GITHUB_ACTIONS");
	cfg->github_annotations = gha && !strcmp(gha, "true");
}

int config_load(struct gate_config *cfg, const struct command_spec *spec, int argc, char **argv)
{
	struct flags f = {NULL, 0, 0, false};
	int rc;
	defaults(cfg, spec);
	rc = parse_argv(&f, cfg, spec, argc, argv);
	if (rc || f.help)
		goto out;
	for (size_t i = 0; i < f.n; i++) /* --config and --project decide which file to read */
		if (!strcmp(f.items[i].opt->name, "config") || !strcmp(f.items[i].opt->name, "project"))
			apply(cfg, f.items[i].opt, f.items[i].value, "--config");
	rc = load_ini(cfg, spec);
	rc |= urls_from_env(cfg, spec, &f, false);
	rc |= apply_env(cfg, spec);
	rc |= urls_from_env(cfg, spec, &f, true);
	for (size_t i = 0; i < f.n && !rc; i++) {
		struct buf where = BUF_INIT;
		buf_addf(&where, "--%s", f.items[i].opt->name);
		rc = apply(cfg, f.items[i].opt, f.items[i].value, where.data);
		buf_release(&where);
	}
	rc = rc ? rc : load_health_header(cfg);
	/* plan and deploy lint what apply will run under its own lock_timeout (docs/rules.md#require-lock-timeout). */
	cfg->lint.apply_timeouts = !strcmp(spec->name, "plan") || !strcmp(spec->name, "deploy");
	cfg->lint.apply_lock_timeout_ms = cfg->lock_timeout_ms;
out:
	register_secrets(&f);
	hide_secrets(cfg, &f);
	free(f.items);
	if (f.help && !rc) {
		command_usage(spec, stdout);
		return 1;
	}
	return rc ? -1 : 0;
}

void config_release(struct gate_config *cfg)
{
	free(cfg->output);
	free(cfg->config_file);
	strlist_release(&cfg->paths);
	strlist_release(&cfg->enable);
	strlist_release(&cfg->disable);
	strlist_release(&cfg->severity);
	strlist_release(&cfg->x_args);
	strlist_release(&cfg->one_way);
	char **fields[] = {&cfg->project_dir,     &cfg->alembic_name,   &cfg->python,        &cfg->alembic_cmd,
	                   &cfg->pg_bindir,       &cfg->scratch_url,    &cfg->scratch_cache, &cfg->production_url,
	                   &cfg->since,           &cfg->base_ref,       &cfg->report_json,   &cfg->sarif,
	                   &cfg->codequality,     &cfg->junit,          &cfg->summary_md,    &cfg->production_url_env,
	                   &cfg->scratch_url_env, &cfg->comment_key,    &cfg->provider,      &cfg->pr,
	                   &cfg->backup_dir,      &cfg->archive_format, &cfg->upload_url,    &cfg->s3,
	                   &cfg->s3_endpoint,     &cfg->s3_region,      &cfg->target_url,    &cfg->targets};
	strlist_release(&cfg->pending);
	strlist_release(&cfg->health_urls);
	char **health[] = {&cfg->health_header_env, &cfg->health_header, &cfg->health_ca, &cfg->health_sql};
	for (size_t i = 0; i < sizeof(health) / sizeof(health[0]); i++)
		free(*health[i]);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		free(*fields[i]);
}
