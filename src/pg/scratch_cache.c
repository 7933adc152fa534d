#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pg/scratch_internal.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/log.h"
#include "util/mem.h"

#include "util/banned.h"

/*
 * One template per server binaries dir and per user that runs them: a data
 * dir made by another version, or owned by another user, would not start.
 */
static char *template_dir(const struct scratch *s, const char *cache_dir)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s/pg", cache_dir);
	for (const char *p = s->bindir; *p; p++)
		buf_addc(&b, (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' ? *p : '_');
	buf_addf(&b, "-u%ld", (long)s->user.uid);
	return buf_detach(&b);
}

static const char *tool_path(const char *bin, const char *usr_bin)
{
	return access(bin, X_OK) == 0 ? bin : usr_bin;
}

/* cp -a keeps modes and, as root, the postgres user's ownership. */
static int copy_tree(struct scratch *s, const char *from, const char *to)
{
	const char *argv[] = {tool_path("/bin/cp", "/usr/bin/cp"), "-a", "--", from, to, NULL};
	return cleanup_run_tool(s->cleanup, NULL, argv, NULL, NULL);
}

int scratch_cache_copy(struct scratch *s, const char *cache_dir)
{
	char *tpl = template_dir(s, cache_dir);
	struct buf data = BUF_INIT, version = BUF_INIT;
	int ret = 0;
	buf_addf(&data, "%s/data", tpl);
	buf_addf(&version, "%s/PG_VERSION", buf_str(&data));
	if (access(buf_str(&version), R_OK) == 0) {
		int status = copy_tree(s, buf_str(&data), s->datadir);
		ret = status == 0
		          ? 1
		          : gate_error(EXIT_ENV, "remove the cache dir and retry",
		                       "cannot copy the cached template '%s' (cp status %d)", buf_str(&data), status);
	}
	free(tpl);
	buf_release(&data);
	buf_release(&version);
	return ret;
}

static void remove_tree(struct scratch *s, const char *dir)
{
	const char *argv[] = {tool_path("/bin/rm", "/usr/bin/rm"), "-rf", "--", dir, NULL};
	cleanup_run_tool(s->cleanup, NULL, argv, NULL, NULL);
}

/*
 * initdb leaves several preallocated WAL segments; after its clean shutdown,
 * pg_resetwal keeps one, and the template shrinks from 29 to 23 MB: every
 * cached start copies it.
 */
static int trim_wal(struct scratch *s)
{
	struct buf tool = BUF_INIT;
	buf_addf(&tool, "%s/pg_resetwal", s->bindir);
	const char *argv[] = {tool.data, "-D", s->datadir, NULL};
	int status = access(buf_str(&tool), X_OK) == 0 ? cleanup_run_tool(s->cleanup, &s->user, argv, s->dir, NULL) : 0;
	buf_release(&tool);
	return status;
}

void scratch_cache_store(struct scratch *s, const char *cache_dir)
{
	char *tpl = template_dir(s, cache_dir);
	struct buf tmp = BUF_INIT, data = BUF_INIT;
	if (trim_wal(s) != 0) {
		log_warn("pg_resetwal failed on the new scratch cluster; not caching it in '%s'", cache_dir);
		goto out;
	}
	if (mkdir(cache_dir, 0700) < 0 && errno != EEXIST) {
		log_warn("cannot create the scratch cache '%s': %s", cache_dir, strerror(errno));
		goto out;
	}
	buf_addf(&tmp, "%s/.tmp-XXXXXX", cache_dir);
	if (!mkdtemp(tmp.data)) {
		log_warn("cannot write to the scratch cache '%s': %s", cache_dir, strerror(errno));
		goto out;
	}
	buf_addf(&data, "%s/data", buf_str(&tmp));
	/* Built aside and renamed into place, so a concurrent run never copies half a template. */
	if (copy_tree(s, s->datadir, buf_str(&data)) != 0 || rename(buf_str(&tmp), tpl) < 0)
		remove_tree(s, buf_str(&tmp));
out:
	free(tpl);
	buf_release(&tmp);
	buf_release(&data);
}
