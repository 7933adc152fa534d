#include "net/forge.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "net/http.h"
#include "report/writer.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/secret.h"

#include "util/banned.h"

#define GITHUB_MAX_BODY 65000  /* the API refuses more than 65536 characters */
#define GITLAB_MAX_BODY 999000 /* notes hold up to 1,000,000 characters */
#define PER_PAGE 100
#define MAX_PAGES 50 /* 5000 comments: a bound, not a limit anyone meets */
#define RATE_LIMIT_TRIES 3

static const char *env(const char *name)
{
	const char *v = secret_getenv(name); /* tokens were taken out of the environment (util/secret.h) */
	return v && *v ? v : NULL;
}

void forge_register_tokens(void)
{
	static const char *const vars[] = {"GITHUB_TOKEN", "GITLAB_TOKEN", "CI_JOB_TOKEN", "MIGRATE_GATE_GITHUB_TOKEN"};
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		secret_add_env(vars[i]);
}

static char *strip_slash(const char *url)
{
	char *s = xstrdup(url);
	size_t n = strlen(s);
	while (n && s[n - 1] == '/')
		s[--n] = '\0';
	return s;
}

static char *header(const char *name, const char *value)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s: %s", name, value);
	return buf_detach(&b);
}

/* The pull request of the workflow run: the event payload first, then refs/pull/N/merge. */
static char *github_number(void)
{
	const char *path = env("GITHUB_EVENT_PATH"), *ref = env("GITHUB_REF");
	struct buf text = BUF_INIT;
	char *number = NULL;
	if (path && !fs_read_file(path, &text)) {
		cJSON *ev = cJSON_Parse(buf_str(&text));
		cJSON *pr = cJSON_GetObjectItem(ev, "pull_request");
		cJSON *n = cJSON_GetObjectItem(pr ? pr : cJSON_GetObjectItem(ev, "issue"), "number");
		if (cJSON_IsNumber(n) && n->valuedouble >= 1) {
			struct buf b = BUF_INIT;
			buf_addf(&b, "%.0f", n->valuedouble);
			number = buf_detach(&b);
		}
		cJSON_Delete(ev);
	}
	buf_release(&text);
	if (!number && ref && !strncmp(ref, "refs/pull/", 10) && ref[10] >= '1' && ref[10] <= '9')
		number = xstrndup(ref + 10, strspn(ref + 10, "0123456789"));
	return number;
}

static int missing(const char *what, const char *hint)
{
	return gate_error(EXIT_USAGE, hint, "cannot comment: %s", what);
}

static int github_from_env(struct forge *f)
{
	const char *token = env("GITHUB_TOKEN") ? env("GITHUB_TOKEN") : env("MIGRATE_GATE_GITHUB_TOKEN");
	const char *repo = env("GITHUB_REPOSITORY");
	if (!token)
		return missing("no 'GITHUB_TOKEN' in the environment",
		               "pass the workflow's token in the environment: GITHUB_TOKEN: ${{ github.token }}");
	if (!repo || !strchr(repo, '/'))
		return missing("no 'GITHUB_REPOSITORY' (owner/repo) in the environment", "run it in GitHub Actions");
	f->api_url = strip_slash(env("GITHUB_API_URL") ? env("GITHUB_API_URL") : "https://api.github.com");
	f->project = xstrdup(repo);
	struct buf b = BUF_INIT;
	buf_addf(&b, "Bearer %s", token);
	f->auth_header = header("Authorization", b.data);
	buf_release(&b);
	if (env("GITHUB_SERVER_URL") && env("GITHUB_RUN_ID")) {
		buf_addf(&b, "%s/%s/actions/runs/%s", env("GITHUB_SERVER_URL"), repo, env("GITHUB_RUN_ID"));
		f->job_url = buf_detach(&b);
	}
	f->max_body = GITHUB_MAX_BODY;
	return 0;
}

/* A personal or project token (GITLAB_TOKEN) can write notes; the job token is the fallback. */
static int gitlab_from_env(struct forge *f)
{
	const char *token = env("GITLAB_TOKEN"), *job = env("CI_JOB_TOKEN");
	if (!token && !job)
		return missing("no 'GITLAB_TOKEN' or 'CI_JOB_TOKEN' in the environment",
		               "give a project access token with the api scope as the CI/CD variable GITLAB_TOKEN");
	if (!env("CI_API_V4_URL") || !env("CI_PROJECT_ID"))
		return missing("no 'CI_API_V4_URL' or 'CI_PROJECT_ID' in the environment", "run it in GitLab CI");
	f->api_url = strip_slash(env("CI_API_V4_URL"));
	f->project = xstrdup(env("CI_PROJECT_ID"));
	f->auth_header = header(token ? "PRIVATE-TOKEN" : "JOB-TOKEN", token ? token : job);
	f->job_url = env("CI_JOB_URL") ? xstrdup(env("CI_JOB_URL")) : NULL;
	f->max_body = GITLAB_MAX_BODY;
	return 0;
}

int forge_from_env(const char *provider, const char *number, struct forge *f)
{
	memset(f, 0, sizeof(*f));
	forge_register_tokens();
	if (!provider)
		provider = env("GITLAB_CI") ? "gitlab" : env("GITHUB_ACTIONS") ? "github" : NULL;
	if (!provider)
		return missing("not in GitHub Actions or GitLab CI", "give --provider github or --provider gitlab");
	if (strcmp(provider, "github") && strcmp(provider, "gitlab"))
		return gate_error(EXIT_USAGE, "use --provider github or --provider gitlab", "unknown provider '%s'",
		                  provider);
	f->kind = strcmp(provider, "github") ? FORGE_GITLAB : FORGE_GITHUB;
	f->wait_max_s = 60;
	int rc = f->kind == FORGE_GITHUB ? github_from_env(f) : gitlab_from_env(f);
	if (!rc)
		f->number = number                        ? xstrdup(number)
		            : f->kind == FORGE_GITHUB     ? github_number()
		            : env("CI_MERGE_REQUEST_IID") ? xstrdup(env("CI_MERGE_REQUEST_IID"))
		                                          : NULL;
	if (!rc && (!f->number || !*f->number || strspn(f->number, "0123456789") != strlen(f->number)))
		rc = missing("this run is not for a pull or merge request",
		             f->kind == FORGE_GITHUB ? "run it on pull_request events, or give --pr N"
		                                     : "run it in a merge request pipeline, or give --pr IID");
	if (rc)
		forge_release(f);
	return rc;
}

void forge_release(struct forge *f)
{
	free(f->api_url);
	free(f->project);
	free(f->number);
	free(f->auth_header);
	free(f->job_url);
	memset(f, 0, sizeof(*f));
}

/* The project part of a URL: GitHub's owner/repo stays as it is, GitLab's id is a number or an encoded path. */
static void add_project(struct buf *b, const struct forge *f)
{
	for (const char *p = f->project; *p; p++) {
		if (f->kind == FORGE_GITLAB && *p == '/')
			buf_adds(b, "%2F");
		else
			buf_addc(b, *p);
	}
}

static char *comments_url(const struct forge *f, unsigned page)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s/%s/", f->api_url, f->kind == FORGE_GITHUB ? "repos" : "projects");
	add_project(&b, f);
	if (f->kind == FORGE_GITHUB)
		buf_addf(&b, "/issues/%s/comments", f->number);
	else
		buf_addf(&b, "/merge_requests/%s/notes", f->number);
	if (page)
		buf_addf(&b, "?per_page=%d&page=%u%s", PER_PAGE, page, f->kind == FORGE_GITLAB ? "&sort=asc" : "");
	return buf_detach(&b);
}

static char *comment_url(const struct forge *f, const char *id)
{
	struct buf b = BUF_INIT;
	if (f->kind == FORGE_GITHUB) {
		buf_addf(&b, "%s/repos/", f->api_url);
		add_project(&b, f);
		buf_addf(&b, "/issues/comments/%s", id);
	} else {
		char *notes = comments_url(f, 0);
		buf_addf(&b, "%s/%s", notes, id);
		free(notes);
	}
	return buf_detach(&b);
}

/* GitHub's secondary rate limit answers 403 (or 429) with Retry-After or x-ratelimit-remaining: 0. */
static long rate_limit_wait(const struct http_response *r)
{
	const char *after = http_header(r, "retry-after");
	const char *left = http_header(r, "x-ratelimit-remaining"), *reset = http_header(r, "x-ratelimit-reset");
	if (r->status != 403 && r->status != 429)
		return -1;
	if (after)
		return strtol(after, NULL, 10);
	if (left && !strcmp(left, "0") && reset) {
		long wait = strtol(reset, NULL, 10) - (long)time(NULL);
		return wait < 1 ? 1 : wait;
	}
	return -1;
}

/* One API call: JSON in and out, retried on 5xx and rate limits; the status is the caller's to judge. */
static int call(const struct forge *f, const char *method, const char *url, const char *json,
                struct http_response *resp)
{
	struct strlist headers = STRLIST_INIT;
	strlist_add(&headers, f->auth_header);
	strlist_add(&headers, "Content-Type: application/json");
	strlist_add(&headers, "User-Agent: migrate-gate/" MIGRATE_GATE_VERSION);
	if (f->kind == FORGE_GITHUB) {
		strlist_add(&headers, "Accept: application/vnd.github+json");
		strlist_add(&headers, "X-GitHub-Api-Version: 2022-11-28");
	}
	struct http_request req;
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.url = url;
	req.headers = &headers;
	req.body = json;
	req.body_len = json ? strlen(json) : 0;
	req.max_body = 8u << 20;
	req.timeout_s = 60;
	req.retry.attempts = 4;
	req.retry.delay_ms = 500;
	req.what = f->kind == FORGE_GITHUB ? "GitHub API request" : "GitLab API request";
	int rc = 0;
	for (unsigned i = 0; !rc && i < RATE_LIMIT_TRIES; i++) {
		rc = http_send(&req, resp);
		long wait = rc ? -1 : rate_limit_wait(resp);
		if (wait < 0 || i + 1 == RATE_LIMIT_TRIES)
			break;
		if (wait > (long)f->wait_max_s) {
			rc = gate_error(EXIT_ENV, "try again later, or use a token with a higher rate limit",
			                "cannot comment: rate limited for %ld s", wait);
			break;
		}
		log_info("rate limited by the API: waiting %ld s", wait);
		sleep((unsigned)wait);
	}
	strlist_release(&headers);
	return rc;
}

static int refused(const char *what, const struct http_response *r, const struct forge *f)
{
	char *why = http_describe_status(r);
	int rc = gate_error(EXIT_ENV,
	                    f->kind == FORGE_GITHUB ? "the token needs pull-requests: write (issues: write)"
	                                            : "the token needs the api scope on the project",
	                    "cannot comment: %s answered %s", what, why);
	free(why);
	return rc;
}

/* The id (as text) and body of the first comment that carries key's marker, from one page. */
static bool find_in_page(cJSON *page, const char *key, char **id, char **hash)
{
	cJSON *c;
	cJSON_ArrayForEach(c, page)
	{
		cJSON *body = cJSON_GetObjectItem(c, "body"), *cid = cJSON_GetObjectItem(c, "id");
		if (cJSON_IsString(body) && cJSON_IsNumber(cid) &&
		    report_comment_marker(body->valuestring, key, hash)) {
			struct buf b = BUF_INIT;
			buf_addf(&b, "%.0f", cid->valuedouble);
			*id = buf_detach(&b);
			return true;
		}
	}
	return false;
}

/* Pages through the comments until the marked one. Returns 0 (found or not), -1 on errors. */
static int find_comment(const struct forge *f, const char *key, char **id, char **hash)
{
	int rc = 0;
	bool more = true;
	for (unsigned page = 1; !rc && more && !*id && page <= MAX_PAGES; page++) {
		struct http_response resp;
		http_response_init(&resp);
		char *url = comments_url(f, page);
		rc = call(f, "GET", url, NULL, &resp);
		cJSON *list = rc ? NULL : cJSON_Parse(buf_str(&resp.body));
		if (!rc && resp.status != 200)
			rc = refused("the list of comments", &resp, f);
		else if (!rc && !cJSON_IsArray(list))
			rc = gate_error(EXIT_ENV, "check CI_API_V4_URL or GITHUB_API_URL",
			                "cannot comment: the list of comments is not a JSON array");
		if (!rc) {
			more = cJSON_GetArraySize(list) == PER_PAGE;
			find_in_page(list, key, id, hash);
		}
		cJSON_Delete(list);
		free(url);
		http_response_release(&resp);
	}
	return rc;
}

static int write_comment(const struct forge *f, const char *id, const char *body)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "body", body);
	char *json = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	char *url = id ? comment_url(f, id) : comments_url(f, 0);
	const char *method = !id ? "POST" : f->kind == FORGE_GITHUB ? "PATCH" : "PUT";
	struct http_response resp;
	http_response_init(&resp);
	int rc = call(f, method, url, json, &resp);
	if (!rc && resp.status != (id ? 200 : 201))
		rc = refused(id ? "the update of the comment" : "the new comment", &resp, f);
	http_response_release(&resp);
	free(url);
	free(json);
	return rc;
}

int forge_upsert_comment(const struct forge *f, const char *key, const char *markdown, enum forge_outcome *out)
{
	char *id = NULL, *old_hash = NULL, *new_hash = NULL;
	char *body = report_comment_body(markdown, key, f->max_body, f->job_url);
	report_comment_marker(body, key, &new_hash);
	int rc = find_comment(f, key, &id, &old_hash);
	if (!rc && id && old_hash && !strcmp(old_hash, new_hash))
		*out = FORGE_UNCHANGED;
	else if (!rc && !(rc = write_comment(f, id, body)))
		*out = id ? FORGE_UPDATED : FORGE_CREATED;
	free(id);
	free(old_hash);
	free(new_hash);
	free(body);
	return rc;
}
