/*
 * --scratch-cache: an initdb'd template data dir, copied instead of running
 * initdb. The cache may have been prepared by someone else (a shared CI
 * volume, /tmp), and a root run copies from it and then writes into the copy,
 * so nothing in it is trusted:
 * - the cache dir must be ours (root's when we are root), a real dir (not a
 *   symlink), and writable by nobody else;
 * - every entry of the template must be a dir or a regular file with one link,
 *   owned by us or by the server's user, writable by nobody else: anything
 *   else (a symlink planted as postgresql.auto.conf, a FIFO, a hard link to a
 *   file of root's) is refused;
 * - the copy is made entry by entry through dir fds (openat with O_NOFOLLOW,
 *   new files with O_EXCL), never by path, so swapping a dir for a symlink
 *   mid-copy cannot redirect a write either.
 * A refused cache stops the run with exit 2 (the option's value is unusable).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pg/scratch_internal.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/log.h"
#include "util/mem.h"

#include "util/banned.h"

#define MAX_DEPTH 8 /* a data dir is 3 deep: base/<db oid>/<file> */
#define COPY_CHUNK (256 * 1024)
#define REFUSE_HINT                                                                                                    \
	"remove the cache dir (the next run rebuilds it) or give a dir of your own with mode 0700; a cache another "   \
	"user "                                                                                                        \
	"can write could make this run write where they choose"

/* One copy: where we are (for messages), who may own what we copy, and what went wrong. */
struct walk {
	struct buf rel;                  /* the entry, relative to the cache or the scratch dir */
	const char *why;                 /* set when a function returned -1 */
	bool refused;                    /* why is about an unsafe source, not an I/O error */
	uid_t owners[2];                 /* us and the server's user */
	const struct run_user *chown_to; /* NULL: copies keep our uid */
	char *chunk;
};

static void walk_init(struct walk *w, const struct scratch *s)
{
	memset(w, 0, sizeof *w);
	buf_init(&w->rel);
	w->owners[0] = geteuid();
	w->owners[1] = s->user.uid;
	w->chown_to = s->user.drop ? &s->user : NULL;
	w->chunk = xmalloc(COPY_CHUNK);
}

static void walk_release(struct walk *w)
{
	buf_release(&w->rel);
	free(w->chunk);
}

static int fail(struct walk *w, const char *why, bool refused)
{
	w->why = why;
	w->refused = refused;
	return -1;
}

/* Records w's failure as the error of the run. */
static int walk_error(const char *cache, const struct walk *w)
{
	if (!w->refused && !w->rel.len)
		return gate_error(EXIT_ENV, "give a --scratch-cache dir of your own",
		                  "cannot use the scratch cache '%s': %s", cache, w->why);
	if (!w->refused)
		return gate_error(EXIT_ENV, "check the scratch cache and the free space under TMPDIR",
		                  "cannot copy '%s' of the scratch cache '%s': %s", buf_str(&w->rel), cache, w->why);
	if (!w->rel.len)
		return gate_error(EXIT_USAGE, REFUSE_HINT, "refusing the scratch cache '%s': it %s", cache, w->why);
	return gate_error(EXIT_USAGE, REFUSE_HINT, "refusing the scratch cache '%s': '%s' %s", cache, buf_str(&w->rel),
	                  w->why);
}

/* What makes the cache dir itself unsafe, or NULL. */
static const char *bad_cache(const struct stat *st)
{
	if (S_ISLNK(st->st_mode))
		return "is a symbolic link (give the real path)";
	if (!S_ISDIR(st->st_mode))
		return "is not a dir";
	if (st->st_uid != geteuid())
		return geteuid() ? "belongs to another user" : "does not belong to root";
	if (st->st_mode & 022)
		return "is writable by group or others";
	return NULL;
}

/*
 * Opens the cache dir, creating it (0700) when it does not exist, and checks
 * that it is ours alone: by lstat() first (that needs no access to it), then
 * on the open dir (the same inode).
 */
static int open_cache(const char *cache, struct walk *w)
{
	struct stat before, st;
	const char *why;
	if (mkdir(cache, 0700) < 0 && errno != EEXIST)
		return fail(w, strerror(errno), false);
	if (lstat(cache, &before) < 0)
		return fail(w, strerror(errno), false);
	if ((why = bad_cache(&before)) != NULL)
		return fail(w, why, true);
	int fd = open(cache, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fail(w, strerror(errno), false);
	if (fstat(fd, &st) < 0 || st.st_dev != before.st_dev || st.st_ino != before.st_ino ||
	    (why = bad_cache(&st)) != NULL) {
		close(fd);
		return fail(w, why ? why : "changed while it was opened", true);
	}
	return fd;
}

/* What makes an entry of a template unsafe to copy, or NULL. */
static const char *bad_entry(const struct walk *w, const struct stat *st)
{
	if (S_ISLNK(st->st_mode))
		return "is a symbolic link";
	if (!S_ISDIR(st->st_mode) && !S_ISREG(st->st_mode))
		return "is not a regular file or dir";
	if (S_ISREG(st->st_mode) && st->st_nlink != 1)
		return "has other hard links";
	if (st->st_uid != w->owners[0] && st->st_uid != w->owners[1])
		return "belongs to another user";
	if (st->st_mode & 022)
		return "is writable by group or others";
	return NULL;
}

/* Opens name in dir, never through a symlink, and checks it before and after the open (the same inode). */
static int open_entry(struct walk *w, int dir, const char *name, struct stat *st)
{
	struct stat before;
	const char *why;
	if (fstatat(dir, name, &before, AT_SYMLINK_NOFOLLOW) < 0)
		return fail(w, strerror(errno), false);
	if ((why = bad_entry(w, &before)) != NULL)
		return fail(w, why, true);
	int fd = openat(dir, name,
	                O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | (S_ISDIR(before.st_mode) ? O_DIRECTORY : 0));
	if (fd < 0)
		return fail(w, strerror(errno), false);
	if (fstat(fd, st) < 0 || st->st_dev != before.st_dev || st->st_ino != before.st_ino ||
	    (why = bad_entry(w, st)) != NULL) {
		close(fd);
		return fail(w, why ? why : "changed while it was copied", true);
	}
	return fd;
}

/* Gives a new entry its mode, and its owner when we are root: the server's user, as initdb made it. */
static int own(const struct walk *w, int fd, const struct stat *src)
{
	if (w->chown_to && fchown(fd, w->chown_to->uid, w->chown_to->gid) < 0)
		return -1;
	return fchmod(fd, src->st_mode & 0750);
}

static int copy_bytes(struct walk *w, int from, int to)
{
	for (;;) {
		ssize_t n = read(from, w->chunk, COPY_CHUNK), done = 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? fail(w, strerror(errno), false) : 0;
		while (done < n) {
			ssize_t m = write(to, w->chunk + done, (size_t)(n - done));
			if (m < 0 && errno == EINTR)
				continue;
			if (m <= 0)
				return fail(w, m < 0 ? strerror(errno) : "short write", false);
			done += m;
		}
	}
}

static int copy_dir(struct walk *w, int from, int to, int depth);

/* Copies the entry name of dir from into dir to, checking it; a dir with everything below it. */
static int copy_entry(struct walk *w, int from, int to, const char *name, int depth)
{
	struct stat st;
	size_t len = w->rel.len;
	buf_addf(&w->rel, "%s%s", len ? "/" : "", name);
	int src = open_entry(w, from, name, &st), dst = -1, ret = -1;
	if (src < 0)
		return -1;
	if (!S_ISDIR(st.st_mode))
		dst = openat(to, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	else if (mkdirat(to, name, 0700) == 0)
		dst = openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dst < 0 || own(w, dst, &st) < 0)
		fail(w, strerror(errno), false);
	else
		ret = S_ISDIR(st.st_mode) ? copy_dir(w, src, dst, depth + 1) : copy_bytes(w, src, dst);
	close(src);
	if (dst >= 0)
		close(dst);
	if (ret == 0 && w->rel.data) { /* keep the failing entry's path for the message */
		w->rel.len = len;
		w->rel.data[len] = '\0';
	}
	return ret;
}

static int copy_dir(struct walk *w, int from, int to, int depth)
{
	if (depth > MAX_DEPTH)
		return fail(w, "is nested too deep", true);
	int fd = dup(from), ret = 0;
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return fail(w, strerror(errno), false);
	}
	for (struct dirent *e; ret == 0 && (e = readdir(d));)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			ret = copy_entry(w, from, to, e->d_name, depth);
	closedir(d);
	return ret;
}

/* Removes name in dir and everything below it, never following a symlink. */
static void remove_at(int dir, const char *name, int depth)
{
	if (unlinkat(dir, name, 0) == 0 || errno == ENOENT)
		return;
	int fd = depth <= MAX_DEPTH ? openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	for (struct dirent *e; d && (e = readdir(d));)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			remove_at(dirfd(d), e->d_name, depth + 1);
	if (d)
		closedir(d);
	else if (fd >= 0)
		close(fd);
	unlinkat(dir, name, AT_REMOVEDIR);
}

/*
 * One template per server binaries dir and per user that runs them: a data
 * dir made by another version, or owned by another user, would not start.
 */
static char *template_name(const struct scratch *s)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, "pg");
	for (const char *p = s->bindir; *p; p++)
		buf_addc(&b, (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' ? *p : '_');
	buf_addf(&b, "-u%ld", (long)s->user.uid);
	return buf_detach(&b);
}

static int open_scratch_dir(const struct scratch *s, struct walk *w)
{
	int fd = open(s->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd >= 0 ? fd : fail(w, strerror(errno), false);
}

/* Copies the template tpl of the cache into the scratch dir: 1 when done, 0 when there is none yet, else -1. */
static int copy_template(struct scratch *s, struct walk *w, int cfd, const char *tpl)
{
	struct stat st;
	int tfd, dfd = -1, ret = -1;
	if (fstatat(cfd, tpl, &st, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT)
		return 0;
	buf_adds(&w->rel, tpl);
	tfd = open_entry(w, cfd, tpl, &st);
	if (tfd >= 0 && !S_ISDIR(st.st_mode))
		fail(w, "is not a dir", true);
	else if (tfd >= 0 && (dfd = open_scratch_dir(s, w)) >= 0 && copy_entry(w, tfd, dfd, "data", 0) == 0)
		ret = 1;
	if (tfd >= 0)
		close(tfd);
	if (dfd >= 0)
		close(dfd);
	return ret;
}

int scratch_cache_copy(struct scratch *s, const char *cache_dir)
{
	char *tpl = template_name(s);
	struct walk w;
	walk_init(&w, s);
	int cfd = open_cache(cache_dir, &w);
	int ret = cfd < 0 ? -1 : copy_template(s, &w, cfd, tpl);
	if (ret < 0)
		walk_error(cache_dir, &w);
	if (cfd >= 0)
		close(cfd);
	walk_release(&w);
	free(tpl);
	return ret;
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

/* A new ".tmp-XXXXXXXX" dir in the cache; its name goes to name. */
static int make_tmp(int cfd, struct walk *w, char name[16])
{
	for (int tries = 0; tries < 16; tries++) {
		unsigned int rnd = 0;
		if (getrandom(&rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
			rnd = (unsigned int)getpid() + (unsigned int)tries;
		snprintf(name, 16, ".tmp-%08x", rnd);
		if (mkdirat(cfd, name, 0700) == 0)
			return openat(cfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (errno != EEXIST)
			break;
	}
	return fail(w, strerror(errno), false);
}

void scratch_cache_store(struct scratch *s, const char *cache_dir)
{
	char *tpl = template_name(s), tmp[16] = "";
	struct walk w;
	int cfd = -1, tfd = -1, dfd = -1;
	walk_init(&w, s);
	if (trim_wal(s) != 0) {
		log_warn("pg_resetwal failed on the new scratch cluster; not caching it in '%s'", cache_dir);
		goto out;
	}
	/* Built aside and renamed into place, so a concurrent run never copies half a template. */
	if ((cfd = open_cache(cache_dir, &w)) < 0 || (tfd = make_tmp(cfd, &w, tmp)) < 0 ||
	    (dfd = open_scratch_dir(s, &w)) < 0 || copy_entry(&w, dfd, tfd, "data", 0) < 0) {
		log_warn("not caching the scratch cluster in '%s': %s%s%s", cache_dir, buf_str(&w.rel),
		         w.rel.len ? ": " : "", w.why);
	} else if (renameat(cfd, tmp, cfd, tpl) < 0 && errno != EEXIST && errno != ENOTEMPTY) {
		log_warn("not caching the scratch cluster in '%s': %s", cache_dir, strerror(errno));
	}
	if (*tmp)
		remove_at(cfd, tmp, 0); /* gone after a successful rename; else the half-made copy */
out:
	if (cfd >= 0)
		close(cfd);
	if (tfd >= 0)
		close(tfd);
	if (dfd >= 0)
		close(dfd);
	walk_release(&w);
	free(tpl);
}
