/*
 * Sticky pull/merge request comments through the GitHub REST v3 API (issue
 * comments) and the GitLab v4 API (merge request notes), over net/http.h.
 * One comment per project key: found by the hidden marker of
 * report_comment_body(), updated in place (PATCH / PUT), created (POST) when
 * there is none, and left alone when the hash in its marker says the report
 * did not change, so a re-run does not notify reviewers again.
 */
#ifndef GATE_NET_FORGE_H
#define GATE_NET_FORGE_H

#include <stddef.h>

enum forge_kind { FORGE_GITHUB, FORGE_GITLAB };

struct forge {
	enum forge_kind kind;
	char *api_url;       /* https://api.github.com, CI_API_V4_URL; no trailing slash */
	char *project;       /* GitHub "owner/repo"; GitLab the project id */
	char *number;        /* the pull request number or merge request iid */
	char *auth_header;   /* "Authorization: Bearer T", "PRIVATE-TOKEN: T" or "JOB-TOKEN: T": a secret */
	char *job_url;       /* the run or job page, for a cut report; may be NULL */
	size_t max_body;     /* the API's limit on a comment, in bytes */
	unsigned wait_max_s; /* longest wait for a rate limit to reset */
};

/*
 * Fills f from the CI environment: GitHub (GITHUB_ACTIONS) with GITHUB_TOKEN,
 * GITHUB_REPOSITORY, GITHUB_API_URL and the pull request number from
 * GITHUB_EVENT_PATH or GITHUB_REF; GitLab (GITLAB_CI) with GITLAB_TOKEN or
 * CI_JOB_TOKEN, CI_API_V4_URL, CI_PROJECT_ID and CI_MERGE_REQUEST_IID.
 * provider ("github", "gitlab" or NULL for the CI's own) and number (NULL: from
 * the environment) override. The token is registered as a secret. Returns 0,
 * or -1 with a recorded EXIT_USAGE error naming what is missing.
 */
int forge_from_env(const char *provider, const char *number, struct forge *f);
void forge_release(struct forge *f);

/* Registers every token variable of the environment as a secret (GITHUB_TOKEN, GITLAB_TOKEN, CI_JOB_TOKEN). */
void forge_register_tokens(void);

enum forge_outcome { FORGE_CREATED, FORGE_UPDATED, FORGE_UNCHANGED };

/*
 * Creates or updates the comment of key with markdown (cut to the limit).
 * Returns 0 with *out set, or -1 with a recorded EXIT_ENV error (no answer, a
 * refusal such as 403, or a rate limit that outlasts wait_max_s).
 */
int forge_upsert_comment(const struct forge *f, const char *key, const char *markdown, enum forge_outcome *out);

#endif
