/* The backup dir: archive names, the temporary dir, publishing with fsync and rename, retention, progress. */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backup/internal.h"
#include "pg/cleanup.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"
#include "util/log.h"
#include "util/mem.h"

#include "util/banned.h"

#define TS_LEN 16 /* 20261201T103923Z */
#define MAX_REVISION_NAME 64

static void add_safe(struct buf *b, const char *s, const char *extra)
{
	for (const char *p = s; *p; p++) {
		bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		          *p == '_' || strchr(extra, *p);
		buf_addc(b, ok ? *p : '_');
	}
}

static const char *const exts[] = {".tar.zst", ".tar.gz", ".zip"};

char *backup_archive_name(const char *database, time_t when, const struct strlist *revisions, enum archive_kind k)
{
	struct buf b = BUF_INIT, rev = BUF_INIT;
	char ts[32];
	struct tm tm;
	gmtime_r(&when, &tm);
	strftime(ts, sizeof(ts), "%Y%m%dT%H%M%SZ", &tm);
	add_safe(&b, database, ".");
	buf_addf(&b, "-%s-", ts);
	for (size_t i = 0; i < revisions->n; i++) {
		if (i)
			buf_addc(&rev, '+');
		add_safe(&rev, revisions->items[i], ".-");
	}
	if (!rev.len)
		buf_adds(&rev, "base");
	buf_add(&b, rev.data, rev.len > MAX_REVISION_NAME ? MAX_REVISION_NAME : rev.len);
	buf_addf(&b, ".%s", archive_kind_ext(k));
	buf_release(&rev);
	return buf_detach(&b);
}

static bool parse_ts(const char *s, time_t *when)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	const char *end = strptime(s, "%Y%m%dT%H%M%SZ", &tm);
	if (!end || end != s + TS_LEN)
		return false;
	*when = timegm(&tm);
	return true;
}

bool backup_name_matches(const char *name, const char *database, time_t *when)
{
	struct buf prefix = BUF_INIT;
	add_safe(&prefix, database, ".");
	buf_addc(&prefix, '-');
	bool ok = !strncmp(name, prefix.data, prefix.len) && strlen(name) > prefix.len + TS_LEN + 1 &&
	          name[prefix.len + TS_LEN] == '-' && parse_ts(name + prefix.len, when);
	size_t len = strlen(name);
	bool ext = false;
	for (size_t i = 0; ok && i < sizeof(exts) / sizeof(exts[0]); i++)
		ext = ext || (len > strlen(exts[i]) && !strcmp(name + len - strlen(exts[i]), exts[i]));
	buf_release(&prefix);
	return ok && ext;
}

int backup_make_tmpdir(const char *dir, char **tmp, struct cleanup **c)
{
	struct buf t = BUF_INIT;
	*tmp = NULL;
	if (mkdir(dir, 0700) && errno != EEXIST)
		return gate_error(EXIT_ENV, "create it, or give --backup-dir a writable dir",
		                  "cannot create the backup dir '%s': %s", dir, strerror(errno));
	buf_addf(&t, "%s/.migrate-gate-tmp-XXXXXX", dir);
	if (!mkdtemp(t.data)) {
		int e = errno;
		buf_release(&t);
		return gate_error(EXIT_ENV, "give --backup-dir a dir you can write to",
		                  "cannot write in the backup dir '%s': %s", dir, strerror(e));
	}
	*c = cleanup_register_dir(t.data);
	*tmp = buf_detach(&t);
	return 0;
}

void backup_remove_tmpdir(char *tmp, struct cleanup *c)
{
	if (!tmp)
		return;
	cleanup_forget(c);
	DIR *d = opendir(tmp);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		struct buf p = BUF_INIT;
		buf_addf(&p, "%s/%s", tmp, e->d_name);
		unlink(p.data);
		buf_release(&p);
	}
	if (d)
		closedir(d);
	rmdir(tmp);
	free(tmp);
}

static int fsync_path(const char *path, bool dir)
{
	int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
	int rc = fd < 0 || fsync(fd) ? -1 : 0;
	if (fd >= 0)
		close(fd);
	return rc;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t len = strlen(text);
	bool ok = fd >= 0 && write(fd, text, len) == (ssize_t)len && !fsync(fd);
	int e = errno;
	if (fd >= 0 && close(fd))
		ok = false;
	if (!ok)
		return gate_error(EXIT_ENV, "check the free space and the permissions of the backup dir",
		                  "cannot write '%s': %s", path, strerror(e ? e : EIO));
	return 0;
}

static const char *verify_name(enum backup_verify v)
{
	return v == VERIFY_PASSED ? "passed" : v == VERIFY_FAILED ? "failed" : "skipped";
}

/* NAME.json: the manifest and what happened to the archive after it was written. */
static char *sidecar_json(const char *name, bool failed, const struct backup_result *r)
{
	cJSON *o = cJSON_CreateObject(), *v = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "archive", name);
	cJSON_AddStringToObject(o, "state", failed ? "failed" : "complete");
	cJSON_AddStringToObject(o, "sha256", r->sha256);
	cJSON_AddNumberToObject(o, "bytes", (double)r->archive_bytes);
	cJSON_AddStringToObject(v, "state", verify_name(r->verify));
	cJSON_AddNumberToObject(v, "seconds", r->verify_seconds);
	cJSON_AddItemToObject(v, "problems", json_strings(&r->problems));
	cJSON_AddItemToObject(o, "verification", v);
	if (r->uploaded_to)
		cJSON_AddStringToObject(o, "uploaded_to", r->uploaded_to);
	else
		cJSON_AddNullToObject(o, "uploaded_to");
	cJSON_AddItemToObject(o, "notes", json_strings(&r->notes));
	cJSON_AddItemToObject(o, "manifest", manifest_to_cjson(&r->manifest));
	char *text = cJSON_Print(o);
	char *out = xstrdup(text ? text : "{}");
	cJSON_free(text);
	cJSON_Delete(o);
	return out;
}

static int place(const char *from, const char *to)
{
	if (rename(from, to))
		return gate_error(EXIT_ENV, "check the backup dir", "cannot rename '%s' to '%s': %s", from, to,
		                  strerror(errno));
	return 0;
}

int backup_publish(const char *tmp_archive, const char *dir, const char *name, bool failed, struct backup_result *r)
{
	struct buf final = BUF_INIT, side = BUF_INIT, tmp_side = BUF_INIT, sum = BUF_INIT;
	char *json = NULL;
	int rc = -1;
	buf_addf(&final, "%s/%s%s", dir, name, failed ? ".failed" : "");
	buf_addf(&tmp_side, "%s.json", tmp_archive);
	json = sidecar_json(name, failed, r);
	buf_addf(&side, "%s.json", final.data);
	if (write_file(tmp_side.data, json) || place(tmp_side.data, side.data))
		goto out;
	if (!failed) {
		buf_reset(&tmp_side);
		buf_addf(&tmp_side, "%s.sha256", tmp_archive);
		buf_addf(&sum, "%s  %s\n", r->sha256, name);
		buf_reset(&side);
		buf_addf(&side, "%s.sha256", final.data);
		if (write_file(tmp_side.data, sum.data) || place(tmp_side.data, side.data))
			goto out;
	}
	/* The archive last: its name appearing is what says the backup is complete. */
	if (place(tmp_archive, final.data))
		goto out;
	if (fsync_path(dir, true))
		log_warn("cannot fsync the backup dir '%s': %s", dir, strerror(errno));
	r->archive_path = buf_detach(&final);
	rc = 0;
out:
	free(json);
	buf_release(&final);
	buf_release(&side);
	buf_release(&tmp_side);
	buf_release(&sum);
	return rc;
}

struct found {
	char *name;
	time_t when;
};

static int by_newest(const void *a, const void *b)
{
	const struct found *x = a, *y = b;
	if (x->when != y->when)
		return x->when < y->when ? 1 : -1;
	return strcmp(y->name, x->name);
}

static void remove_archive(const char *dir, const char *name, struct backup_result *r)
{
	static const char *const suffixes[] = {"", ".sha256", ".json"};
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		struct buf p = BUF_INIT;
		buf_addf(&p, "%s/%s%s", dir, name, suffixes[i]);
		if (unlink(p.data) && errno != ENOENT)
			log_warn("cannot remove '%s': %s", p.data, strerror(errno));
		else if (!i)
			strlist_add(&r->pruned, p.data);
		buf_release(&p);
	}
}

int backup_prune(const struct backup_options *o, const char *database, const char *keep_path, struct backup_result *r)
{
	const char *dir = o->backup_dir ? o->backup_dir : "backups";
	const char *keep_name = strrchr(keep_path, '/') ? strrchr(keep_path, '/') + 1 : keep_path;
	struct found *all = NULL;
	size_t n = 0, alloc = 0;
	time_t now = time(NULL), when;
	if (!o->keep && !o->keep_days)
		return 0;
	DIR *d = opendir(dir);
	struct dirent *e;
	if (!d)
		return gate_error(EXIT_ENV, NULL, "cannot list the backup dir '%s': %s", dir, strerror(errno));
	while ((e = readdir(d)))
		if (backup_name_matches(e->d_name, database, &when)) {
			XGROW(all, alloc, n + 1);
			all[n].name = xstrdup(e->d_name);
			all[n++].when = when;
		}
	closedir(d);
	if (n)
		qsort(all, n, sizeof(*all), by_newest);
	for (size_t i = 0; i < n; i++) {
		bool old = o->keep_days && now - all[i].when > (time_t)o->keep_days * 86400;
		bool extra = o->keep && i >= o->keep;
		if ((old || extra) && strcmp(all[i].name, keep_name))
			remove_archive(dir, all[i].name, r);
		free(all[i].name);
	}
	free(all);
	return 0;
}

double xfer_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void xfer_start(struct xfer_progress *p, const char *verb, bool on, uint64_t total)
{
	memset(p, 0, sizeof(*p));
	p->verb = verb;
	p->on = on && log_verbosity() != LOG_QUIET;
	p->tty = isatty(STDERR_FILENO);
	p->start = p->last = xfer_now();
	p->total = total;
}

static void xfer_line(struct xfer_progress *p, bool final)
{
	double secs = xfer_now() - p->start;
	char *done = human_bytes((double)p->bytes), *rate = human_bytes(secs > 0 ? (double)p->bytes / secs : 0);
	struct buf line = BUF_INIT;
	buf_addf(&line, "%s %s", p->verb, done);
	if (p->total)
		buf_addf(&line, " (%.0f%%)", 100.0 * (double)p->bytes / (double)p->total);
	buf_addf(&line, " in %.1f s (%s/s)", secs, rate);
	if (p->tty)
		fprintf(stderr, "\r\033[K%s%s", line.data, final ? "\n" : "");
	else
		log_info("%s", line.data);
	free(done);
	free(rate);
	buf_release(&line);
}

void xfer_update(void *ctx, uint64_t bytes)
{
	struct xfer_progress *p = ctx;
	p->bytes = bytes;
	double now = xfer_now();
	if (p->on && p->tty && now - p->last >= 1.0) {
		p->last = now;
		xfer_line(p, false);
	}
}

void xfer_end(struct xfer_progress *p)
{
	if (p->on)
		xfer_line(p, true);
}

/* <db>-<ts>-<rev>.<ext>[.failed]: the timestamp is the first "-YYYYMMDDTHHMMSSZ-" in the name. */
static bool parse_any(const char *name, struct backup_entry *e)
{
	size_t len = strlen(name), ext_len = 0;
	e->failed = len > 7 && !strcmp(name + len - 7, ".failed");
	size_t base = e->failed ? len - 7 : len;
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]) && !ext_len; i++) {
		size_t n = strlen(exts[i]);
		if (base > n && !strncmp(name + base - n, exts[i], n))
			ext_len = n;
	}
	if (!ext_len)
		return false;
	for (const char *p = strchr(name, '-'); p && (size_t)(p - name) + TS_LEN + 2 <= base - ext_len;
	     p = strchr(p + 1, '-'))
		if (p[TS_LEN + 1] == '-' && parse_ts(p + 1, &e->when)) {
			const char *rev = p + TS_LEN + 2;
			e->revision = xstrndup(rev, (size_t)(name + base - ext_len - rev));
			return true;
		}
	return false;
}

static char *sidecar_verification(const char *dir, const char *name)
{
	struct buf path = BUF_INIT;
	char *out = NULL;
	buf_addf(&path, "%s/%s.json", dir, name);
	FILE *f = fopen(path.data, "r");
	struct buf text = BUF_INIT;
	char block[4096];
	size_t n;
	while (f && (n = fread(block, 1, sizeof(block), f)) > 0)
		buf_add(&text, block, n);
	if (f)
		fclose(f);
	cJSON *o = text.len ? cJSON_ParseWithLength(text.data, text.len) : NULL;
	const cJSON *state =
	    cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(o, "verification"), "state");
	out = xstrdup(cJSON_IsString(state) ? state->valuestring : "unknown");
	cJSON_Delete(o);
	buf_release(&text);
	buf_release(&path);
	return out;
}

static int by_when(const void *a, const void *b)
{
	const struct backup_entry *x = a, *y = b;
	if (x->when != y->when)
		return x->when < y->when ? 1 : -1;
	return strcmp(y->name, x->name);
}

int backup_list(const char *dir, struct backup_entry **out, size_t *n)
{
	size_t alloc = 0;
	DIR *d = opendir(dir);
	struct dirent *de;
	*out = NULL;
	*n = 0;
	if (!d)
		return errno == ENOENT
		           ? 0
		           : gate_error(EXIT_ENV, NULL, "cannot list the backup dir '%s': %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		struct backup_entry e;
		struct stat st;
		struct buf path = BUF_INIT;
		memset(&e, 0, sizeof(e));
		if (de->d_name[0] == '.' || !parse_any(de->d_name, &e))
			continue;
		buf_addf(&path, "%s/%s", dir, de->d_name);
		e.bytes = stat(path.data, &st) ? 0 : (uint64_t)st.st_size;
		e.name = xstrdup(de->d_name);
		e.verification = sidecar_verification(dir, de->d_name);
		XGROW(*out, alloc, *n + 1);
		(*out)[(*n)++] = e;
		buf_release(&path);
	}
	closedir(d);
	if (*n)
		qsort(*out, *n, sizeof(**out), by_when);
	return 0;
}

void backup_list_free(struct backup_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].name);
		free(e[i].revision);
		free(e[i].verification);
	}
	free(e);
}
