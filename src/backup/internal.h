/* Shared between the files of src/backup/ only. */
#ifndef GATE_BACKUP_INTERNAL_H
#define GATE_BACKUP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "backup/backup.h"
#include "pg/prodinfo.h"
#include "pg/snapshot.h"

/* The archive's file name: <db>-<YYYYMMDDTHHMMSSZ>-<revision>.<ext>, unsafe characters as '_'. Newly allocated. */
char *backup_archive_name(const char *database, time_t when, const struct strlist *revisions, enum archive_kind k);

/*
 * Whether name is an archive of database (sanitised as in the name): sets *when from the name. Only
 * complete archives match, not NAME.failed, NAME.sha256 or NAME.json.
 */
bool backup_name_matches(const char *name, const char *database, time_t *when);

struct cleanup;
/* Creates dir when missing (mode 0700) and a private temporary dir inside it, registered (*c) for removal
 * on signals and exit. *tmp is newly allocated. -1 with a recorded EXIT_ENV error naming the dir. */
int backup_make_tmpdir(const char *dir, char **tmp, struct cleanup **c);
/* Removes the temporary dir and everything in it, and unregisters it. Frees tmp. Accepts NULL. */
void backup_remove_tmpdir(char *tmp, struct cleanup *c);

/*
 * Moves the finished archive from the temporary dir into dir as name (or name.failed when failed), with
 * its .sha256 (not for a failed one) and .json sidecars written first, then fsyncs dir. Sets
 * r->archive_path. -1 with a recorded error.
 */
int backup_publish(const char *tmp_archive, const char *dir, const char *name, bool failed, struct backup_result *r);

/* Applies --keep and --keep-days to the archives of the database in dir, never touching keep_path. */
int backup_prune(const struct backup_options *o, const char *database, const char *keep_path, struct backup_result *r);

/*
 * Restores the archive into a scratch database and compares its schema with production's (prod) and its
 * row counts with the manifest's. Fills r->verify, r->problems and r->notes. pg_restore is looked for in
 * pg_bindir (pg_dump's own dir); its stderr goes to tmpdir. Returns 0 once compared, -1 with a recorded error when it
 * could not be.
 */
int backup_verify(const struct backup_options *o, const char *archive, const char *tmpdir, const char *pg_bindir,
                  const struct snapshot *prod, const struct strlist *roles, struct backup_result *r);

/* Uploads the archive (--upload-url or --s3) under name and checks the stored size. -1 with a recorded error. */
int backup_upload(const struct backup_options *o, const char *archive, const char *name, struct backup_result *r);

/* Checks the upload options and registers their secrets. -1 with a recorded EXIT_USAGE error. */
int backup_upload_check(const struct backup_options *o);

/* Progress of a byte stream on stderr: on a tty, rewritten once a second; elsewhere one line at the end. */
struct xfer_progress {
	const char *verb; /* "dumped", "uploaded" */
	bool on;
	bool tty;
	double start;
	double last;
	uint64_t bytes;
	uint64_t total; /* 0 when unknown */
};
void xfer_start(struct xfer_progress *p, const char *verb, bool on, uint64_t total);
void xfer_update(void *p, uint64_t bytes);
void xfer_end(struct xfer_progress *p);
double xfer_now(void);

#endif
