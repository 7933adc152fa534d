/*
 * migrate-gate comment FILE: posts a Markdown report as the sticky pull or
 * merge request comment; and --comment on check, which posts its own report.
 * A comment that cannot be posted warns and never changes the gate's verdict.
 */
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "net/forge.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/mem.h"

#include "util/banned.h"

static const char *const outcome_names[] = {"created", "updated", "unchanged: not edited again"};

/* Posts markdown; returns 0 or -1 with recorded errors. */
static int post(const struct gate_config *cfg, const char *markdown, const char *key)
{
	struct forge f;
	enum forge_outcome outcome;
	if (forge_from_env(cfg->provider, cfg->pr, &f))
		return -1;
	int rc = forge_upsert_comment(&f, key, markdown, &outcome);
	if (!rc)
		log_info("%s comment on %s %s#%s: %s", f.kind == FORGE_GITHUB ? "pull request" : "merge request",
		         f.kind == FORGE_GITHUB ? "GitHub" : "GitLab", f.project, f.number, outcome_names[outcome]);
	forge_release(&f);
	return rc;
}

/* The marker key: --comment-key, else the project folder's name, so projects of one repository keep apart. */
static char *comment_key(const struct gate_config *cfg)
{
	char path[PATH_MAX];
	if (cfg->comment_key)
		return xstrdup(cfg->comment_key);
	if (!realpath(cfg->project_dir ? cfg->project_dir : ".", path))
		return xstrdup("default");
	return xstrdup(basename(path));
}

int cmd_post_comment(const struct gate_config *cfg, const struct report *r)
{
	struct report_options opt = {false, cfg->command, cfg->fail_on, false, 0};
	char *text = NULL, *key = comment_key(cfg);
	size_t len = 0;
	unsigned first = gate_error_count();
	FILE *mem = open_memstream(&text, &len);
	if (!mem) {
		gate_error(EXIT_ENV, NULL, "cannot comment: out of memory");
	} else {
		int rc = report_write(r, FMT_MARKDOWN, &opt, mem);
		if (!fclose(mem) && !rc)
			post(cfg, text, key);
	}
	gate_error_warn_since(first); /* the comment is a courtesy: it never fails the gate */
	free(text);
	free(key);
	return 0;
}

int cmd_comment(const struct gate_config *cfg)
{
	if (cfg->paths.n != 1)
		return gate_error(EXIT_USAGE, "pass one Markdown file (--summary-md of check), or - for stdin",
		                  "comment needs exactly one file");
	struct buf text = BUF_INIT;
	int rc = fs_read_file(cfg->paths.items[0], &text);
	if (!rc) {
		/* As check --comment's report: a token or a URL password in the file never reaches the forge. */
		char *masked = log_mask(buf_str(&text));
		char *key = xstrdup(cfg->comment_key ? cfg->comment_key : "default");
		rc = post(cfg, masked, key);
		free(key);
		free(masked);
	}
	buf_release(&text);
	return rc ? -1 : EXIT_PASS;
}
