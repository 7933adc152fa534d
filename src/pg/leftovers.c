#include "pg/leftovers.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pg/cleanup.h"
#include "pg/conn.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/mem.h"

#include "util/banned.h"

#define OWNER_FILE "owner"
#define KEPT_FILE "kept"
#define RECORD_PREFIX "migrate-gate owner "
#define DIR_PREFIX "migrate-gate-"
#define DIR_RANDOM 6 /* mkdtemp's XXXXXX */

struct record {
	long pid;
	unsigned long long start;
	char boot[64], pidns[32];
	long long created;
};

/* Reads up to size-1 bytes of a regular file into out ("" when it cannot), never through a symlink. */
static void read_small(int dirfd, const char *path, char *out, size_t size)
{
	struct stat st;
	int fd = openat(dirfd, path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	ssize_t n = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? read(fd, out, size - 1) : -1;
	if (fd >= 0)
		close(fd);
	out[n > 0 ? n : 0] = '\0';
}

/* Field 22 of /proc/PID/stat, the start time in clock ticks since boot; 0 when unknown. */
static unsigned long long start_time(long pid)
{
	char path[48], stat[1024];
	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	read_small(AT_FDCWD, path, stat, sizeof stat);
	char *p = strrchr(stat, ')'); /* the command name may hold spaces and parentheses */
	for (int field = 3; p && field <= 22; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	return p ? strtoull(p, NULL, 10) : 0;
}

/* Keeps [A-Za-z0-9._-] of s (up to size-1 of them); "-" when none. */
static void keep_safe(char *out, size_t size, const char *s)
{
	size_t n = 0;
	for (; *s && n + 1 < size; s++)
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		    strchr("._-", *s))
			out[n++] = *s;
	if (!n)
		out[n++] = '-';
	out[n] = '\0';
}

/* This machine's boot and pid namespace, "-" where unknown. */
static void identity(struct record *me)
{
	char raw[128], *open_br;
	read_small(AT_FDCWD, "/proc/sys/kernel/random/boot_id", raw, sizeof raw);
	keep_safe(me->boot, sizeof me->boot, raw);
	ssize_t n = readlink("/proc/self/ns/pid", raw, sizeof raw - 1); /* "pid:[4026531836]" */
	raw[n > 0 ? n : 0] = '\0';
	open_br = strchr(raw, '[');
	keep_safe(me->pidns, sizeof me->pidns, open_br ? open_br + 1 : "");
}

char *leftovers_owner_record(void)
{
	struct record me;
	char host[256] = "", safe_host[64];
	struct buf b = BUF_INIT;
	identity(&me);
	if (gethostname(host, sizeof host - 1) < 0)
		host[0] = '\0';
	keep_safe(safe_host, sizeof safe_host, host);
	buf_addf(&b, RECORD_PREFIX "pid=%ld start=%llu boot=%s pidns=%s host=%s created=%lld", (long)getpid(),
	         start_time((long)getpid()), me.boot, me.pidns, safe_host, (long long)time(NULL));
	return buf_detach(&b);
}

int leftovers_comment_owner(PGconn *admin, const char *quoted_db)
{
	char *rec = leftovers_owner_record(), *lit = pg_quote_literal(rec);
	struct buf sql = BUF_INIT;
	buf_addf(&sql, "COMMENT ON DATABASE %s IS %s", quoted_db, lit);
	int ret = pg_exec(admin, "recording the owner of the scratch database", buf_str(&sql));
	free(rec);
	free(lit);
	buf_release(&sql);
	return ret;
}

/* The value of " key=" in text, up to a space or newline, into out; "" when absent. */
static void field(const char *text, const char *key, char *out, size_t size)
{
	char pattern[32];
	snprintf(pattern, sizeof pattern, " %s=", key);
	const char *p = strstr(text, pattern);
	size_t n = 0;
	for (p = p ? p + strlen(pattern) : ""; *p && *p != ' ' && *p != '\n' && n + 1 < size; p++)
		out[n++] = *p;
	out[n] = '\0';
}

static bool parse_record(const char *text, struct record *r)
{
	char num[32];
	char *end;
	if (strncmp(text, RECORD_PREFIX, strlen(RECORD_PREFIX)) != 0)
		return false;
	text += strlen(RECORD_PREFIX) - 1; /* keep the space: every key is found as " key=" */
	field(text, "pid", num, sizeof num);
	r->pid = strtol(num, &end, 10);
	if (!*num || *end || r->pid <= 0 || r->pid > 0x3fffffff)
		return false;
	field(text, "start", num, sizeof num);
	r->start = strtoull(num, &end, 10);
	if (*end)
		return false;
	field(text, "created", num, sizeof num);
	r->created = strtoll(num, &end, 10);
	if (!*num || *end || r->created <= 0)
		return false;
	field(text, "boot", r->boot, sizeof r->boot);
	field(text, "pidns", r->pidns, sizeof r->pidns);
	return true;
}

static bool process_alive(const struct record *r)
{
	if (kill((pid_t)r->pid, 0) < 0 && errno == ESRCH)
		return false;
	unsigned long long now = r->start ? start_time(r->pid) : 0;
	return !now || now == r->start; /* another start time: the pid was reused */
}

bool leftovers_owner_gone(const char *record, long max_age_s, char **why)
{
	struct record r, me;
	struct buf b = BUF_INIT;
	bool gone;
	if (why)
		*why = NULL;
	if (!record || !parse_record(record, &r))
		return false;
	identity(&me);
	if (strcmp(me.boot, "-") && strcmp(me.pidns, "-") && !strcmp(me.boot, r.boot) && !strcmp(me.pidns, r.pidns)) {
		gone = !process_alive(&r);
		buf_addf(&b, "its run (pid %ld) has ended", r.pid);
	} else {
		long long age = (long long)time(NULL) - r.created;
		gone = age > max_age_s;
		buf_addf(&b, "it is %lld hours old and was made on another machine", age / 3600);
	}
	if (why && gone)
		*why = buf_detach(&b);
	buf_release(&b);
	return gone;
}

/* Creates dir/name, failing when it exists or is a symlink. */
static int create_file(const char *dir, const char *name, const char *text)
{
	struct buf path = BUF_INIT;
	buf_addf(&path, "%s/%s", dir, name);
	int fd = open(buf_str(&path), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	size_t len = strlen(text);
	int ret = fd >= 0 && write(fd, text, len) == (ssize_t)len ? 0 : -1;
	if (fd >= 0 && close(fd) < 0)
		ret = -1;
	buf_release(&path);
	return ret;
}

int leftovers_write_owner(const char *dir)
{
	char *rec = leftovers_owner_record();
	struct buf line = BUF_INIT;
	buf_addf(&line, "%s\n", rec);
	int ret = create_file(dir, OWNER_FILE, buf_str(&line));
	free(rec);
	buf_release(&line);
	return ret;
}

void leftovers_mark_kept(const char *dir)
{
	if (create_file(dir, KEPT_FILE, "kept by --keep-scratch: remove it by hand\n") < 0 && errno != EEXIST)
		log_debug("cannot mark '%s' as kept: %s", dir, strerror(errno));
}

static bool owned(const struct stat *st, uid_t run_uid)
{
	return st->st_uid == geteuid() || st->st_uid == run_uid;
}

/* The owner record of a candidate dir, when the dir and the record are ours and the dir is not kept. */
static bool read_owner(const char *path, uid_t run_uid, char *rec, size_t size)
{
	struct stat st;
	int dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	bool ok = dfd >= 0 && fstat(dfd, &st) == 0 && owned(&st, run_uid) &&
	          fstatat(dfd, KEPT_FILE, &st, AT_SYMLINK_NOFOLLOW) < 0 &&
	          fstatat(dfd, OWNER_FILE, &st, AT_SYMLINK_NOFOLLOW) == 0 && owned(&st, run_uid);
	if (ok)
		read_small(dfd, OWNER_FILE, rec, size);
	if (dfd >= 0)
		close(dfd);
	return ok;
}

static void sweep_one(const char *root, const char *name, uid_t run_uid)
{
	struct buf path = BUF_INIT;
	char rec[512], *why = NULL;
	buf_addf(&path, "%s/%s", root, name);
	if (!read_owner(buf_str(&path), run_uid, rec, sizeof rec) ||
	    !leftovers_owner_gone(rec, LEFTOVERS_MAX_AGE_S, &why))
		goto out;
	if (cleanup_stop_cluster(buf_str(&path), 0) < 0) {
		log_debug("cannot tell whether a server still runs in '%s'; leaving it", buf_str(&path));
		goto out;
	}
	cleanup_remove_dir(buf_str(&path));
	log_info("removed '%s', the scratch dir of an earlier run: %s", buf_str(&path), why);
out:
	free(why);
	buf_release(&path);
}

void leftovers_sweep_dirs(uid_t run_uid)
{
	const char *roots[] = {getenv("TMPDIR"), "/dev/shm", "/tmp"};
	size_t nroots = sizeof roots / sizeof *roots;
	for (size_t i = 0; i < nroots; i++) {
		bool seen = !roots[i] || !*roots[i];
		for (size_t j = 0; !seen && j < i; j++)
			seen = roots[j] && !strcmp(roots[i], roots[j]);
		DIR *d = seen ? NULL : opendir(roots[i]);
		for (struct dirent *e; d && (e = readdir(d));)
			if (!strncmp(e->d_name, DIR_PREFIX, strlen(DIR_PREFIX)) &&
			    strlen(e->d_name) == strlen(DIR_PREFIX) + DIR_RANDOM)
				sweep_one(roots[i], e->d_name, run_uid);
		if (d)
			closedir(d);
	}
}
