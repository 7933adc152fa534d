#include "verify/verify.h"

#include <errno.h>
#include <pg_query.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "net/health.h"
#include "net/http.h"
#include "pg/conn.h"
#include "pg/probe.h"
#include "pg/prodinfo.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/progress.h"

#include "util/banned.h"

#define FAILED_HINT "the migrations are applied; the deploy report's rollback line gives the way back"

/* Where the first token of s[0, len) is, past blanks and comments; *comment is the last "--" comment before it. */
static size_t first_token(const char *s, size_t len, const char **comment, size_t *comment_len)
{
	size_t i = 0;
	*comment = NULL;
	while (i < len) {
		if (strchr(" \t\r\n\f", s[i])) {
			i++;
		} else if (s[i] == '-' && i + 1 < len && s[i + 1] == '-') {
			size_t end = i + strcspn(s + i, "\n");
			*comment = s + i + 2;
			*comment_len = (end > len ? len : end) - i - 2;
			i = end;
		} else if (s[i] == '/' && i + 1 < len && s[i + 1] == '*') {
			const char *close = strstr(s + i + 2, "*/");
			i = close ? (size_t)(close - s) + 2 : len;
		} else {
			break;
		}
	}
	return i;
}

/* The check's name: its comment without blanks and a "name:" or "check:" label, else "check N (line L)". */
static char *check_name(const char *comment, size_t len, size_t n, unsigned line)
{
	struct buf b = BUF_INIT;
	while (len && strchr(" \t\r", *comment))
		comment++, len--;
	if (len > 5 && !strncasecmp(comment, "name:", 5))
		comment += 5, len -= 5;
	else if (len > 6 && !strncasecmp(comment, "check:", 6))
		comment += 6, len -= 6;
	while (len && strchr(" \t\r", *comment))
		comment++, len--;
	while (len && strchr(" \t\r", comment[len - 1]))
		len--;
	if (len)
		buf_add(&b, comment, len);
	else
		buf_addf(&b, "check %zu (line %u)", n, line);
	return buf_detach(&b);
}

static bool is_query(const char *s)
{
	static const char *const words[] = {"select", "with", "values", "table"};
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_");
	if (*s == '(')
		return true;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (n == strlen(words[i]) && !strncasecmp(s, words[i], n))
			return true;
	return false;
}

static int add_check(struct verify_plan *plan, const char *path, const char *text, size_t at, size_t len)
{
	const char *s = text + at, *comment = NULL;
	size_t comment_len = 0, tok = first_token(s, len, &comment, &comment_len);
	if (tok >= len)
		return 0;
	unsigned line = 1;
	for (const char *p = text; p < s + tok; p++)
		line += *p == '\n';
	char *name = check_name(comment ? comment : "", comment ? comment_len : 0, plan->n_sql + 1, line);
	if (!is_query(s + tok)) {
		int rc = gate_error(EXIT_USAGE,
		                    "each check is one query (SELECT, WITH, VALUES or TABLE) returning one row with a "
		                    "true first column",
		                    "the check '%s' at line %u of '%s' is not a query: it starts with '%.*s'", name,
		                    line, path, (int)strcspn(s + tok, " \t\r\n(;"), s + tok);
		free(name);
		return rc;
	}
	XGROW(plan->sql, plan->alloc_sql, plan->n_sql + 1);
	plan->sql[plan->n_sql].name = name;
	plan->sql[plan->n_sql++].sql = xstrndup(s + tok, len - tok);
	return 0;
}

/* The file's statements, split by PostgreSQL's own scanner (libpg_query), each one check. */
static int load_sql(const char *path, struct verify_plan *plan)
{
	struct buf text = BUF_INIT;
	int rc = fs_read_file(path, &text);
	if (rc) {
		buf_release(&text);
		return -1;
	}
	PgQuerySplitResult r = pg_query_split_with_scanner(buf_str(&text));
	if (r.error)
		rc = gate_error(EXIT_USAGE, "fix the SQL: each check is one query ending with ';'",
		                "cannot split the checks of '%s': %s", path, r.error->message);
	for (int i = 0; !rc && i < r.n_stmts; i++)
		rc = add_check(plan, path, buf_str(&text), (size_t)r.stmts[i]->stmt_location,
		               (size_t)r.stmts[i]->stmt_len);
	if (!rc && !plan->n_sql)
		rc = gate_error(EXIT_USAGE, "write one query per check, e.g. SELECT count(*) > 0 FROM orders;",
		                "the checks file '%s' holds no query", path);
	pg_query_free_split_result(r);
	buf_release(&text);
	return rc;
}

int verify_prepare(const struct gate_config *cfg, struct verify_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	if (cfg->health_header)
		strlist_add(&plan->headers, cfg->health_header);
	if (cfg->health_ca && access(cfg->health_ca, R_OK))
		return gate_error(EXIT_USAGE,
		                  "give a readable PEM file of the CA certificates that signed the application's",
		                  "cannot read the --health-ca file '%s': %s", cfg->health_ca, strerror(errno));
	return cfg->health_sql ? load_sql(cfg->health_sql, plan) : 0;
}

void verify_plan_release(struct verify_plan *plan)
{
	for (size_t i = 0; i < plan->n_sql; i++) {
		free(plan->sql[i].name);
		free(plan->sql[i].sql);
	}
	free(plan->sql);
	strlist_release(&plan->headers);
	memset(plan, 0, sizeof(*plan));
}

static int poll_url(const struct gate_config *cfg, const struct verify_plan *plan, const char *url,
                    struct deploy_verify *out)
{
	struct health_probe probe = {url,
	                             plan->headers.n ? &plan->headers : NULL,
	                             cfg->health_ca,
	                             cfg->health_timeout_ms,
	                             cfg->health_interval_ms,
	                             cfg->health_checks};
	struct health_outcome o;
	char *shown = http_url_redacted(url);
	int rc = 0;
	health_outcome_init(&o);
	log_info("verify: polling '%s' until it answers 2xx %u time(s) in a row (at most %.0f s)", shown,
	         cfg->health_checks, cfg->health_timeout_ms / 1000.0);
	health_poll(&probe, &o);
	struct deploy_health *h = deploy_verify_add_health(out, shown);
	h->passed = o.passed;
	h->status = o.status;
	h->body = o.body ? log_mask(o.body) : NULL;
	h->error = o.error ? log_mask(o.error) : NULL;
	h->tries = o.tries;
	h->in_a_row = o.in_a_row;
	h->ms = o.ms;
	if (!o.passed && o.status)
		rc = gate_error(
		    EXIT_APPLY, FAILED_HINT,
		    "the application is not healthy after the deploy: '%s' answered HTTP %ld (the last of %u "
		    "tries in %.1f s)",
		    shown, o.status, o.tries, o.ms / 1000.0);
	else if (!o.passed)
		rc = gate_error(
		    EXIT_APPLY, FAILED_HINT,
		    "the application is not healthy after the deploy: '%s' gave no answer (the last of %u tries "
		    "in %.1f s): %s",
		    shown, o.tries, o.ms / 1000.0, o.error ? o.error : "?");
	health_outcome_release(&o);
	free(shown);
	return rc;
}

static int run_sql(PGconn *c, const struct verify_sql *check, struct deploy_verify *out)
{
	struct deploy_sql_check *s = deploy_verify_add_sql(out, check->name);
	double t = progress_clock_ms();
	char *why = NULL;
	s->passed = c && !pg_probe_check(c, check->sql, &why);
	s->ms = progress_clock_ms() - t;
	deploy_set(&s->why, c ? why : "not run: production could not be reached");
	free(why);
	if (s->passed)
		return 0;
	return gate_error(EXIT_APPLY, FAILED_HINT, "the health check '%s' failed on production after the deploy: %s",
	                  s->name, s->why);
}

/* Production's revision, size and table count, as status shows them; a failure to read them is a warning. */
static void read_state(PGconn *c, struct deploy_verify *out)
{
	struct pg_prodinfo info;
	pg_prodinfo_init(&info);
	if (c && !pg_prodinfo_read(c, &info)) {
		out->state_known = true;
		for (size_t i = 0; i < info.versions.n; i++)
			strlist_add(&out->revision, info.versions.items[i]);
		out->database_bytes = (long long)info.database_bytes;
		out->tables = info.n_tables;
	}
	pg_prodinfo_release(&info);
}

int verify_run(const struct gate_config *cfg, const struct verify_plan *plan, struct deploy_verify *out)
{
	int rc = 0;
	PGconn *c = NULL;
	out->ran = true;
	for (size_t i = 0; i < cfg->health_urls.n; i++)
		rc |= poll_url(cfg, plan, cfg->health_urls.items[i], out);
	unsigned first = gate_error_count();
	unsigned statement_ms = cfg->statement_timeout_ms ? cfg->statement_timeout_ms : cfg->health_timeout_ms;
	bool connected = !pg_probe_connect(cfg->production_url, cfg->lock_timeout_ms, statement_ms, &c);
	if (connected)
		read_state(c, out);
	if (!plan->n_sql || connected) /* without SQL checks, production's state is a record, not a verdict */
		gate_error_warn_since(first);
	for (size_t i = 0; i < plan->n_sql; i++)
		rc |= run_sql(c, &plan->sql[i], out);
	pg_disconnect(c);
	out->passed = !rc;
	return rc ? -1 : 0;
}
