/*
 * Backup archives with libarchive. The dump comes from pg_dump's stdout, a
 * pipe of unknown length, and a tar entry needs its size before its data: so
 * the dump is stored as parts of a fixed size (dump.000001, dump.000002, ...;
 * `cat dump.*` gives the pg_dump -Fc file back), each held in memory only
 * while it is compressed, and a reader thread fills the next part meanwhile.
 * The dump is never held whole in memory nor written twice (see
 * docs/architecture.md for the measurements behind this). manifest.json is
 * the last entry: it holds the dump's size and sha256.
 */
#ifndef GATE_BACKUP_ARCHIVE_H
#define GATE_BACKUP_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "backup/manifest.h"
#include "util/sha256.h"

enum archive_kind { ARCHIVE_TAR_ZST, ARCHIVE_TAR_GZ, ARCHIVE_ZIP };

/* Parses tar.zst|tar.gz|zip; returns -1 when unknown. */
int archive_kind_parse(const char *s, enum archive_kind *out);
/* The file name extension without the dot: "tar.zst". */
const char *archive_kind_ext(enum archive_kind k);

struct archive_writer;

/* Creates path (it must not exist) with mode 0600 and starts an archive in it. -1 with a recorded error. */
int archive_writer_open(const char *path, enum archive_kind kind, struct archive_writer **out);

/* Adds a small entry from memory. */
int archive_writer_add(struct archive_writer *w, const char *name, const void *data, size_t len);

struct stream_stats {
	uint64_t bytes;
	char sha256[SHA256_HEX_LEN + 1];
	unsigned parts;
};

/*
 * Reads fd to its end and stores what it read as the entries dump.000001,
 * ... of part_size bytes (the last one shorter), hashing it. progress, when
 * not NULL, is called after each part with the bytes so far. Returns 0, or
 * -1 with a recorded error (cannot read fd, cannot write the archive).
 */
int archive_writer_add_stream(struct archive_writer *w, int fd, size_t part_size,
                              void (*progress)(void *ctx, uint64_t bytes), void *ctx, struct stream_stats *st);

/* Ends the archive, fsyncs and closes the file, and gives its sha256 and size. -1 with a recorded error. */
int archive_writer_close(struct archive_writer *w, char sha256[SHA256_HEX_LEN + 1], uint64_t *bytes);

/* Frees w; an archive not closed is abandoned (the caller removes the file). Accepts NULL. */
void archive_writer_free(struct archive_writer *w);

struct archive_scan {
	char sha256[SHA256_HEX_LEN + 1]; /* of the archive file */
	uint64_t bytes;
	struct manifest manifest;
	uint64_t dump_bytes; /* as read: compare with the manifest */
	char dump_sha256[SHA256_HEX_LEN + 1];
	unsigned parts;
};

void archive_scan_init(struct archive_scan *s);
void archive_scan_release(struct archive_scan *s);

/*
 * Reads the whole archive once: hashes the file and the dump, reads the
 * manifest, and checks the parts are all there, in order, and match the
 * manifest's size and sha256. With out_fd >= 0 the dump is also written to
 * it as it is read (a pipe into pg_restore). Returns 0; -1 with a recorded
 * EXIT_USAGE error when the archive is corrupt, truncated or not a
 * migrate-gate backup; -2 without a recorded error when writing to out_fd
 * fails (its reader exited: the caller asks it why).
 */
int archive_read_backup(const char *path, int out_fd, struct archive_scan *scan);

#endif
