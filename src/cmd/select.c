#include "cmd/select.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "pg/conn.h"
#include "pg/wait.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/log.h"
#include "util/mem.h"

#include "util/banned.h"

static int from_production(const struct gate_config *cfg, const struct rev_graph *g, struct strlist *fresh, int *major)
{
	PGconn *c = NULL;
	struct strlist rows = STRLIST_INIT;
	int rc = pg_connect_production(cfg->production_url, true, &c);
	if (!rc) {
		*major = pg_server_major(c);
		rc = pg_alembic_versions(c, NULL, NULL, &rows) < 0 ? -1 : 0;
	}
	if (!rc) {
		log_info("production is at %s", rows.n ? rows.items[0] : "an empty database (no alembic_version)");
		rc = rev_graph_new_from_rows(g, &rows, fresh);
	}
	strlist_release(&rows);
	pg_disconnect(c);
	return rc;
}

/* A git ref goes into a command line: allow only the characters refs use. */
static bool safe_ref(const char *ref)
{
	return *ref && ref[0] != '-' &&
	       strspn(ref, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/-~^@") == strlen(ref);
}

/* A shell word: 'it'\''s'. */
static void add_quoted(struct buf *b, const char *s)
{
	buf_addc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			buf_adds(b, "'\\''");
		else
			buf_addc(b, *s);
	}
	buf_addc(b, '\'');
}

/*
 * The files git added since ref (committed, staged or untracked), relative to
 * the checkout's top, then the top itself. Git runs in the project's dir,
 * which need not be the current one (-C).
 */
static int added_files(const char *ref, const char *dir, struct strlist *out)
{
	struct buf cmd = BUF_INIT, line = BUF_INIT, git = BUF_INIT;
	buf_adds(&git, "git -C ");
	add_quoted(&git, dir);
	buf_addf(&cmd, "%s diff --name-only --diff-filter=A %s -- 2>/dev/null", git.data, ref);
	buf_addf(&cmd, " && %s ls-files --others --exclude-standard --full-name", git.data);
	buf_addf(&cmd, " && %s rev-parse --show-toplevel", git.data);
	buf_release(&git);
	FILE *p = popen(cmd.data, "r");
	char chunk[4096];
	while (p && fgets(chunk, sizeof(chunk), p)) {
		chunk[strcspn(chunk, "\n")] = '\0';
		strlist_add(out, chunk);
	}
	int status = p ? pclose(p) : -1;
	buf_release(&cmd);
	buf_release(&line);
	if (status != 0 || !out->n)
		return gate_error(EXIT_USAGE,
		                  "run inside the git checkout and fetch the base ref (fetch-depth: 0 in CI)",
		                  "cannot list the files added since '%s'", ref);
	return 0;
}

static bool path_added(const struct strlist *added, const char *top, const char *path)
{
	size_t n = strlen(top);
	if (!path || strncmp(path, top, n) || path[n] != '/')
		return false;
	return strlist_has(added, path + n + 1);
}

static int from_base_ref(const struct gate_config *cfg, const struct rev_graph *g, struct strlist *fresh)
{
	if (!safe_ref(cfg->base_ref))
		return gate_error(EXIT_USAGE, "give a branch, tag or commit, e.g. --base-ref origin/main",
		                  "invalid --base-ref '%s'", cfg->base_ref);
	struct strlist added = STRLIST_INIT, order = STRLIST_INIT;
	int rc = added_files(cfg->base_ref, cfg->project_dir ? cfg->project_dir : ".", &added);
	if (!rc) {
		const char *top = added.items[added.n - 1]; /* rev-parse printed last */
		rev_graph_topo(g, &order);
		for (size_t i = 0; i < order.n; i++)
			if (path_added(&added, top, rev_graph_find(g, order.items[i])->path))
				strlist_add(fresh, order.items[i]);
	}
	strlist_release(&added);
	strlist_release(&order);
	return rc;
}

int select_new_revisions(const struct gate_config *cfg, const struct rev_graph *g, struct strlist *fresh,
                         int *production_major)
{
	*production_major = 0;
	if (rev_graph_check_heads(g, cfg->allow_heads))
		return -1;
	if (cfg->since)
		return rev_graph_new_since(g, cfg->since, fresh);
	if (cfg->production_url)
		return from_production(cfg, g, fresh, production_major);
	if (cfg->base_ref)
		return from_base_ref(cfg, g, fresh);
	struct strlist none = STRLIST_INIT;
	return rev_graph_new_from_rows(g, &none, fresh);
}
