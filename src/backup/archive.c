#include "backup/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/error.h"
#include "util/mem.h"

#include "util/banned.h"

#define READ_BLOCK (64 * 1024)

int archive_kind_parse(const char *s, enum archive_kind *out)
{
	if (!strcmp(s, "tar.zst"))
		*out = ARCHIVE_TAR_ZST;
	else if (!strcmp(s, "tar.gz"))
		*out = ARCHIVE_TAR_GZ;
	else if (!strcmp(s, "zip"))
		*out = ARCHIVE_ZIP;
	else
		return -1;
	return 0;
}

const char *archive_kind_ext(enum archive_kind k)
{
	return k == ARCHIVE_TAR_GZ ? "tar.gz" : k == ARCHIVE_ZIP ? "zip" : "tar.zst";
}

struct archive_writer {
	struct archive *a;
	int fd;
	char *path;
	struct sha256 hash; /* of the bytes written to the file */
	uint64_t bytes;
	int write_errno; /* what write() said, for the message */
	bool closed;
};

static la_ssize_t write_cb(struct archive *a, void *user, const void *data, size_t len)
{
	struct archive_writer *w = user;
	const char *p = data;
	size_t left = len;
	while (left) {
		ssize_t n = write(w->fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			w->write_errno = n < 0 ? errno : ENOSPC;
			archive_set_error(a, w->write_errno, "%s", strerror(w->write_errno));
			return -1;
		}
		p += n;
		left -= (size_t)n;
	}
	sha256_update(&w->hash, data, len);
	w->bytes += len;
	return (la_ssize_t)len;
}

static int write_failed(struct archive_writer *w, const char *what)
{
	const char *why = w->write_errno ? strerror(w->write_errno) : archive_error_string(w->a);
	return gate_error(EXIT_ENV, "check the free space and the permissions of the backup dir",
	                  "cannot write the archive '%s' (%s): %s", w->path, what, why ? why : "unknown error");
}

static int set_format(struct archive *a, enum archive_kind kind)
{
	if (kind == ARCHIVE_ZIP)
		return archive_write_set_format_zip(a);
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK)
		return ARCHIVE_FATAL;
	if (kind == ARCHIVE_TAR_GZ)
		return archive_write_add_filter_gzip(a);
	/* Level 1: the dump comes zlib-compressed already; zstd's long window is what is left to win. */
	if (archive_write_add_filter_zstd(a) != ARCHIVE_OK)
		return ARCHIVE_FATAL;
	return archive_write_set_filter_option(a, "zstd", "compression-level", "1");
}

int archive_writer_open(const char *path, enum archive_kind kind, struct archive_writer **out)
{
	struct archive_writer *w = xcalloc(1, sizeof(*w));
	*out = NULL;
	w->path = xstrdup(path);
	w->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (w->fd < 0) {
		gate_error(EXIT_ENV, "check that the backup dir exists and is writable", "cannot create '%s': %s", path,
		           strerror(errno));
		archive_writer_free(w);
		return -1;
	}
	sha256_init(&w->hash);
	w->a = archive_write_new();
	/* No padding to 10 KiB blocks: the archive ends where its data ends. */
	if (!w->a || set_format(w->a, kind) != ARCHIVE_OK || archive_write_set_bytes_in_last_block(w->a, 1) ||
	    archive_write_open2(w->a, w, NULL, write_cb, NULL, NULL) != ARCHIVE_OK) {
		gate_error(EXIT_ENV, "check the libarchive installation (it needs zstd and zlib support)",
		           "cannot start a %s archive: %s", archive_kind_ext(kind),
		           w->a ? archive_error_string(w->a) : "out of memory");
		archive_writer_free(w);
		return -1;
	}
	*out = w;
	return 0;
}

static int header(struct archive_writer *w, const char *name, size_t len)
{
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0600);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_mtime(e, time(NULL), 0);
	int rc = archive_write_header(w->a, e);
	archive_entry_free(e);
	return rc == ARCHIVE_OK ? 0 : write_failed(w, name);
}

static int data(struct archive_writer *w, const char *name, const void *p, size_t len)
{
	const char *s = p;
	while (len) {
		la_ssize_t n = archive_write_data(w->a, s, len);
		if (n <= 0)
			return write_failed(w, name);
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

int archive_writer_add(struct archive_writer *w, const char *name, const void *p, size_t len)
{
	return header(w, name, len) || data(w, name, p, len) ? -1 : 0;
}

/*
 * Two part buffers: a reader thread fills one from the pipe while the caller
 * compresses the other, so pg_dump does not wait for the compressor.
 */
struct pump {
	int fd;
	size_t size;
	char *buf[2];
	size_t len[2];
	bool full[2];
	bool eof;       /* the reader has read everything (or failed) */
	int read_errno; /* non-zero when read() failed */
	bool stop;      /* the writer gave up */
	struct sha256 hash;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

static size_t fill(struct pump *p, char *buf)
{
	size_t len = 0;
	while (len < p->size) {
		ssize_t n = read(p->fd, buf + len, p->size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			p->read_errno = n < 0 ? errno : 0;
			p->eof = true;
			break;
		}
		len += (size_t)n;
	}
	sha256_update(&p->hash, buf, len);
	return len;
}

static void *reader(void *arg)
{
	struct pump *p = arg;
	for (unsigned i = 0;; i ^= 1) {
		pthread_mutex_lock(&p->mu);
		while (p->full[i] && !p->stop)
			pthread_cond_wait(&p->cv, &p->mu);
		bool stop = p->stop;
		pthread_mutex_unlock(&p->mu);
		if (stop)
			break;
		size_t len = fill(p, p->buf[i]); /* outside the lock: this is the slow part */
		pthread_mutex_lock(&p->mu);
		p->len[i] = len;
		p->full[i] = true;
		bool eof = p->eof;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		if (eof)
			break;
	}
	return NULL;
}

/* Waits for buffer i: true with its length when it holds data, false at the end of the stream. */
static bool next_part(struct pump *p, unsigned i, size_t *len)
{
	pthread_mutex_lock(&p->mu);
	while (!p->full[i])
		pthread_cond_wait(&p->cv, &p->mu);
	*len = p->len[i];
	pthread_mutex_unlock(&p->mu);
	return *len > 0;
}

static void release_part(struct pump *p, unsigned i, bool stop)
{
	pthread_mutex_lock(&p->mu);
	p->full[i] = false;
	p->stop = p->stop || stop;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

static int write_parts(struct archive_writer *w, struct pump *p, void (*progress)(void *, uint64_t), void *ctx,
                       struct stream_stats *st)
{
	size_t len;
	int rc = 0;
	for (unsigned i = 0; !rc && next_part(p, i, &len); i ^= 1) {
		char *name = manifest_part_name(st->parts + 1);
		rc = archive_writer_add(w, name, p->buf[i], len);
		free(name);
		st->parts++;
		st->bytes += len;
		release_part(p, i, rc != 0);
		if (!rc && progress)
			progress(ctx, st->bytes);
		if (len < p->size)
			break;
	}
	return rc;
}

int archive_writer_add_stream(struct archive_writer *w, int fd, size_t part_size,
                              void (*progress)(void *ctx, uint64_t bytes), void *ctx, struct stream_stats *st)
{
	struct pump p;
	pthread_t thread;
	memset(&p, 0, sizeof(p));
	memset(st, 0, sizeof(*st));
	p.fd = fd;
	p.size = part_size;
	p.buf[0] = xmalloc(part_size);
	p.buf[1] = xmalloc(part_size);
	sha256_init(&p.hash);
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	int rc = pthread_create(&thread, NULL, reader, &p) ? -1 : 0;
	if (rc)
		gate_error(EXIT_ENV, "the machine may be out of memory", "cannot start the dump reader thread");
	else {
		rc = write_parts(w, &p, progress, ctx, st);
		release_part(&p, 0, true);
		pthread_join(thread, NULL);
	}
	if (!rc && p.read_errno)
		rc = gate_error(EXIT_ENV, NULL, "cannot read pg_dump's output: %s", strerror(p.read_errno));
	sha256_final(&p.hash, st->sha256);
	pthread_mutex_destroy(&p.mu);
	pthread_cond_destroy(&p.cv);
	free(p.buf[0]);
	free(p.buf[1]);
	return rc;
}

int archive_writer_close(struct archive_writer *w, char sha256[SHA256_HEX_LEN + 1], uint64_t *bytes)
{
	if (archive_write_close(w->a) != ARCHIVE_OK)
		return write_failed(w, "its end");
	w->closed = true;
	if (fsync(w->fd) || close(w->fd)) {
		w->fd = -1;
		w->write_errno = errno;
		return write_failed(w, "fsync");
	}
	w->fd = -1;
	sha256_final(&w->hash, sha256);
	*bytes = w->bytes;
	return 0;
}

void archive_writer_free(struct archive_writer *w)
{
	if (!w)
		return;
	if (w->a)
		archive_write_free(w->a); /* on an unclosed archive this tries to finish it: harmless, it is removed */
	if (w->fd >= 0)
		close(w->fd);
	sha256_release(&w->hash);
	free(w->path);
	free(w);
}

void archive_scan_init(struct archive_scan *s)
{
	memset(s, 0, sizeof(*s));
	manifest_init(&s->manifest);
}

void archive_scan_release(struct archive_scan *s)
{
	manifest_release(&s->manifest);
	archive_scan_init(s);
}

/* The file is read through this, so that every byte of it is hashed, not only what libarchive looks at. */
struct reading {
	int fd;
	const char *path;
	char block[READ_BLOCK];
	struct sha256 hash;
	uint64_t bytes;
	int read_errno;
};

static la_ssize_t read_cb(struct archive *a, void *user, const void **buf)
{
	struct reading *r = user;
	ssize_t n;
	while ((n = read(r->fd, r->block, sizeof(r->block))) < 0 && errno == EINTR)
		;
	if (n < 0) {
		r->read_errno = errno;
		archive_set_error(a, errno, "%s", strerror(errno));
		return -1;
	}
	sha256_update(&r->hash, r->block, (size_t)n);
	r->bytes += (uint64_t)n;
	*buf = r->block;
	return n;
}

static int corrupt(const char *path, const char *why)
{
	return gate_error(EXIT_USAGE, "the archive is damaged or incomplete: use another backup",
	                  "'%s' is not a readable migrate-gate backup: %s", path, why);
}

static int write_all(int fd, const void *p, size_t len)
{
	const char *s = p;
	while (len) {
		ssize_t n = write(fd, s, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads one dump part, hashing it and passing it on to out_fd. */
static int read_part(struct archive *a, const char *path, int out_fd, struct sha256 *dump, struct archive_scan *s)
{
	const void *buf;
	size_t len;
	la_int64_t off;
	int rc;
	while ((rc = archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK) {
		sha256_update(dump, buf, len);
		s->dump_bytes += len;
		if (out_fd >= 0 && write_all(out_fd, buf, len))
			return -2; /* the reader of out_fd went away: the caller knows why */
	}
	return rc == ARCHIVE_EOF ? 0 : corrupt(path, archive_error_string(a));
}

static int read_manifest(struct archive *a, struct archive_entry *e, const char *path, struct archive_scan *s)
{
	la_int64_t size = archive_entry_size(e);
	if (size <= 0 || size > 64 * 1024 * 1024)
		return corrupt(path, "manifest.json has an unlikely size");
	char *text = xmalloc((size_t)size);
	la_ssize_t n = archive_read_data(a, text, (size_t)size);
	int rc = n == size ? manifest_parse(text, (size_t)size, path, &s->manifest)
	                   : corrupt(path, n < 0 ? archive_error_string(a) : "manifest.json is truncated");
	free(text);
	return rc;
}

static int read_entries(struct archive *a, const char *path, int out_fd, struct sha256 *dump, struct archive_scan *s)
{
	struct archive_entry *e;
	bool manifest = false;
	int rc;
	while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		char *want = manifest_part_name(s->parts + 1);
		bool part = !strncmp(name, "dump.", 5);
		int bad = part && strcmp(name, want);
		free(want);
		if (bad || (part && manifest))
			return corrupt(path, "the dump's parts are missing or out of order");
		rc = part ? read_part(a, path, out_fd, dump, s) : 0;
		if (rc)
			return rc;
		s->parts += part;
		if (!strcmp(name, MANIFEST_NAME)) {
			if (read_manifest(a, e, path, s))
				return -1;
			manifest = true;
		}
	}
	if (rc != ARCHIVE_EOF)
		return corrupt(path, archive_error_string(a));
	return manifest ? 0 : corrupt(path, "it has no manifest.json");
}

/* The manifest's word against what was read. */
static int check_dump(const char *path, const struct archive_scan *s)
{
	const struct manifest *m = &s->manifest;
	if (s->parts != m->dump_parts || s->dump_bytes != m->dump_bytes)
		return corrupt(path, "the dump is not as long as its manifest says");
	if (strcmp(s->dump_sha256, m->dump_sha256))
		return corrupt(path, "the dump's sha256 differs from its manifest's");
	return 0;
}

/*
 * O_NONBLOCK: opening a FIFO would wait for a writer, with no word, forever. Only a regular file is read, and
 * that is checked on what was opened, not on the path.
 */
static int open_regular(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return gate_error(EXIT_USAGE, "check the path", "cannot open the archive '%s': %s", path,
		                  strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return gate_error(
		    EXIT_USAGE,
		    "give the archive file that 'migrate-gate backup' wrote (copy a stream to a file first)",
		    "'%s' is %s, not a regular file", path,
		    S_ISFIFO(st.st_mode)   ? "a FIFO"
		    : S_ISDIR(st.st_mode)  ? "a folder"
		    : S_ISSOCK(st.st_mode) ? "a socket"
		                           : "a device or special file");
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)) {
		close(fd);
		return gate_error(EXIT_ENV, NULL, "cannot read the archive '%s': %s", path, strerror(errno));
	}
	return fd;
}

int archive_read_backup(const char *path, int out_fd, struct archive_scan *s)
{
	struct reading *r = xcalloc(1, sizeof(*r));
	struct sha256 dump;
	struct archive *a = archive_read_new();
	int rc = -1;
	archive_scan_release(s);
	sha256_init(&dump);
	sha256_init(&r->hash);
	r->path = path;
	r->fd = open_regular(path);
	if (r->fd < 0)
		goto out;
	archive_read_support_filter_zstd(a);
	archive_read_support_filter_gzip(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_zip_streamable(a);
	if (archive_read_open2(a, r, NULL, read_cb, NULL, NULL) != ARCHIVE_OK) {
		corrupt(path, archive_error_string(a));
		goto out;
	}
	if ((rc = read_entries(a, path, out_fd, &dump, s)))
		goto out;
	/* Whatever follows the end of the archive is part of the file too. */
	while (read_cb(a, r, &(const void *){NULL}) > 0)
		;
	sha256_final(&dump, s->dump_sha256);
	sha256_final(&r->hash, s->sha256);
	s->bytes = r->bytes;
	rc = check_dump(path, s);
out:
	archive_read_free(a);
	sha256_release(&dump);
	sha256_release(&r->hash);
	if (r->fd >= 0)
		close(r->fd);
	free(r);
	return rc;
}
