#include "backup/tool.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/strset.h"

#include "util/banned.h"

extern char **environ;

int tool_major_of(const char *version)
{
	char *end;
	long a = strtol(version, &end, 10), b = 0;
	if (end == version || a <= 0 || a > 1000)
		return 0;
	if (a >= 10)
		return (int)a;
	if (*end == '.')
		b = strtol(end + 1, NULL, 10);
	return (int)(a * 100 + (b >= 0 && b < 100 ? b : 0));
}

/* Runs argv and keeps the first line of its stdout. */
static char *first_line(const char *const argv[])
{
	int p[2];
	char buf[256];
	size_t len = 0;
	ssize_t n;
	if (pipe2(p, O_CLOEXEC))
		return NULL;
	pid_t pid = tool_start(argv, environ, -1, p[1], NULL);
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return NULL;
	}
	while (len < sizeof(buf) - 1 && ((n = read(p[0], buf + len, sizeof(buf) - 1 - len)) > 0 || errno == EINTR))
		len += n > 0 ? (size_t)n : 0;
	close(p[0]);
	int status = tool_wait(pid);
	buf[len] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return status == 0 && len ? xstrdup(buf) : NULL;
}

char *tool_version(const char *path)
{
	const char *argv[] = {path, "--version", NULL};
	char *line = first_line(argv);
	/* "pg_dump (PostgreSQL) 15.4 (Debian 15.4-1.pgdg120+1)" */
	const char *v = line ? strstr(line, ") ") : NULL;
	char *out = v ? xstrndup(v + 2, strcspn(v + 2, " ")) : NULL;
	free(line);
	return out && tool_major_of(out) ? out : (free(out), NULL);
}

static void add_candidates(const char *pattern, const char *name, struct strlist *out)
{
	glob_t g;
	if (glob(pattern, 0, NULL, &g))
		return;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct buf b = BUF_INIT;
		buf_addf(&b, "%s/%s", g.gl_pathv[i], name);
		if (!access(b.data, X_OK) && !strlist_has(out, b.data))
			strlist_add(out, b.data);
		buf_release(&b);
	}
	globfree(&g);
}

static void candidates(const char *name, const char *bindir, struct strlist *out)
{
	if (bindir) {
		add_candidates(bindir, name, out);
		return;
	}
	add_candidates("/usr/lib/postgresql/*/bin", name, out);
	add_candidates("/usr/pgsql-*/bin", name, out);
	const char *path = getenv("PATH");
	struct strlist dirs = STRLIST_INIT;
	strlist_split(&dirs, path ? path : "", ":");
	for (size_t i = 0; i < dirs.n; i++)
		add_candidates(dirs.items[i], name, out);
	strlist_release(&dirs);
}

/* Better: the server's own major version, then the newest. */
static bool better(int major, int best, int want)
{
	if (major < want)
		return false;
	if (!best)
		return true;
	return best != want && (major == want || major > best);
}

static int none_fits(const char *name, const char *bindir, int min_major, const struct strlist *found)
{
	struct buf msg = BUF_INIT, hint = BUF_INIT;
	buf_addf(&hint, "install postgresql-client-%d (Debian, Ubuntu) or give --pg-bindir DIR with %s %d or later",
	         min_major, name, min_major);
	if (!found->n)
		buf_addf(&msg, "no %s found in %s", name,
		         bindir ? bindir : "/usr/lib/postgresql/*/bin, /usr/pgsql-*/bin or PATH");
	else
		buf_addf(&msg, "no %s of version %d or later for the server (PostgreSQL %d): found %s", name, min_major,
		         min_major, found->items[0]);
	for (size_t i = 1; i < found->n; i++)
		buf_addf(&msg, ", %s", found->items[i]);
	gate_error(EXIT_ENV, hint.data, "%s", msg.data);
	buf_release(&msg);
	buf_release(&hint);
	return -1;
}

int tool_find(const char *name, const char *bindir, int min_major, char **path, char **version)
{
	struct strlist paths = STRLIST_INIT, found = STRLIST_INIT;
	int best = 0;
	*path = *version = NULL;
	candidates(name, bindir, &paths);
	for (size_t i = 0; i < paths.n; i++) {
		char *v = tool_version(paths.items[i]);
		int major = v ? tool_major_of(v) : 0;
		struct buf seen = BUF_INIT;
		buf_addf(&seen, "%s %s", paths.items[i], v ? v : "(does not run)");
		strlist_add_owned(&found, buf_detach(&seen));
		if (v && better(major, best, min_major)) {
			free(*path);
			free(*version);
			*path = xstrdup(paths.items[i]);
			*version = v;
			best = major;
		} else {
			free(v);
		}
	}
	int rc = *path ? 0 : none_fits(name, bindir, min_major, &found);
	strlist_release(&paths);
	strlist_release(&found);
	return rc;
}

static void child_exec(const char *const argv[], char *const envp[], int in_fd, int out_fd, const char *err_path)
{
	int null_fd = open("/dev/null", O_RDWR);
	int err_fd = err_path ? open(err_path, O_WRONLY | O_CREAT | O_APPEND, 0600) : null_fd;
	if (null_fd < 0 || err_fd < 0)
		_exit(127);
	if (dup2(in_fd >= 0 ? in_fd : null_fd, 0) < 0 || dup2(out_fd >= 0 ? out_fd : null_fd, 1) < 0 ||
	    dup2(err_fd, 2) < 0)
		_exit(127);
	execve(argv[0], (char *const *)argv, envp);
	_exit(127);
}

pid_t tool_start(const char *const argv[], char *const envp[], int in_fd, int out_fd, const char *err_path)
{
	pid_t pid = fork();
	if (pid < 0)
		return gate_error(EXIT_ENV, "the machine may be out of processes or memory", "cannot start '%s': %s",
		                  argv[0], strerror(errno));
	if (!pid)
		child_exec(argv, envp, in_fd, out_fd, err_path);
	return pid;
}

int tool_wait(pid_t pid)
{
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

/*
 * What the tool said: its first "error:" line, with the server's message when a detail line gives it
 * ("pg_dump: error: ... failed; pg_dump: detail: Error message from server: ..."), else its last line.
 */
static char *said(const char *path)
{
	struct buf last = BUF_INIT, error = BUF_INIT;
	FILE *f = path ? fopen(path, "r") : NULL;
	char line[1024];
	bool detail_added = false;
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0])
			continue;
		buf_reset(&last);
		buf_adds(&last, line);
		if (!error.len && strstr(line, "error:"))
			buf_adds(&error, line);
		else if (error.len && !detail_added && strstr(line, "Error message from server:")) {
			buf_addf(&error, "; %s", line);
			detail_added = true;
		}
	}
	if (f)
		fclose(f);
	if (error.len) {
		buf_release(&last);
		return buf_detach(&error);
	}
	buf_release(&error);
	return buf_detach(&last);
}

void tool_describe_failure(const char *name, int status, const char *err_path, struct buf *out)
{
	char *line = said(err_path);
	if (status > 128)
		buf_addf(out, "%s was killed by signal %d%s%s", name, status - 128, *line ? ": " : "", line);
	else if (status == 127 && !*line)
		buf_addf(out, "%s could not be started", name);
	else
		buf_addf(out, "%s failed (exit %d)%s%s", name, status, *line ? ": " : "", line);
	free(line);
}

int tool_failed(const char *name, int status, const char *err_path, const char *hint)
{
	struct buf msg = BUF_INIT;
	tool_describe_failure(name, status, err_path, &msg);
	gate_error(EXIT_ENV, hint, "%s", msg.data);
	buf_release(&msg);
	return -1;
}
