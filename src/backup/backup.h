/*
 * A backup of production: pg_dump -Fc streamed into one archive with a
 * manifest, written under a temporary name, fsynced and renamed; then
 * optionally restored into a scratch database and compared (--verify),
 * uploaded (HTTP PUT or S3), and old archives pruned. This is what
 * `migrate-gate backup` runs and what `deploy` calls before it applies
 * anything:
 *
 *     struct backup_options o;
 *     struct backup_result r;
 *     backup_options_from_config(cfg, &o);
 *     o.pending = &revisions_about_to_be_applied;   // recorded in the manifest
 *     backup_result_init(&r);
 *     int rc = backup_run(&o, &r);   // 0 done, 1 verification failed, -1 error recorded
 *     ... r.archive_path, r.archive_bytes, r.verify ...
 *     backup_result_release(&r);
 *
 * Files in the backup dir, for an archive NAME = <db>-<UTC time>-<revision>.<ext>:
 *   NAME          the archive (mode 0600), only once everything asked for succeeded
 *   NAME.sha256   its digest in `sha256sum -c` format
 *   NAME.json     the manifest plus how it was verified and uploaded (what `status` reads)
 *   NAME.failed   an archive whose verification or upload failed, kept for inspection, with NAME.failed.json
 * A dump or write that fails leaves nothing: its temporary dir (.migrate-gate-tmp-*) is removed, also on
 * SIGINT, SIGTERM and SIGHUP.
 */
#ifndef GATE_BACKUP_BACKUP_H
#define GATE_BACKUP_BACKUP_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <libpq-fe.h>

#include "backup/archive.h"
#include "cli/config.h"
#include "pg/scratch.h"
#include "util/strset.h"

struct backup_options {
	const char *production_url; /* required */
	const char *backup_dir;     /* NULL: "backups" */
	enum archive_kind format;
	const struct strlist *pending;  /* revisions about to be applied (recorded in the manifest), or NULL */
	unsigned keep;                  /* keep the newest N archives of the database; 0: no limit */
	unsigned keep_days;             /* delete archives older than D days; 0: no limit */
	const char *upload_url;         /* presigned HTTP(S) URL to PUT the archive to, or NULL */
	const char *s3;                 /* s3://bucket/prefix, or NULL */
	const char *s3_endpoint;        /* NULL: https://s3.<region>.amazonaws.com */
	const char *s3_region;          /* NULL: AWS_REGION, AWS_DEFAULT_REGION, then us-east-1 */
	unsigned upload_retries;        /* tries after the first one */
	bool verify;                    /* restore into scratch and compare */
	double verify_exact_rows;       /* count(*) exactly below this estimate */
	struct scratch_options scratch; /* for --verify */
	const char *pg_bindir;          /* where pg_dump must be, or NULL to search */
	bool progress;                  /* bytes and rate on stderr (once a second on a tty) */
};

/* Fills o from the configuration of `backup` (or of a command that takes the same options). */
void backup_options_from_config(const struct gate_config *cfg, struct backup_options *o);

enum backup_verify { VERIFY_SKIPPED, VERIFY_PASSED, VERIFY_FAILED };

struct backup_result {
	char *archive_path; /* the final path (NAME, or NAME.failed), NULL when nothing was kept */
	char sha256[SHA256_HEX_LEN + 1];
	uint64_t archive_bytes;
	struct manifest manifest; /* what the archive holds */
	enum backup_verify verify;
	struct strlist problems; /* what verification found: one line each */
	struct strlist notes;    /* things worth saying that are not failures */
	char *uploaded_to;       /* the URL (without query string) or s3:// location, or NULL */
	char *upload_failed;     /* why the upload failed (the archive is kept as NAME.failed), or NULL */
	struct strlist pruned;   /* archives removed by retention */
	double dump_seconds, verify_seconds, upload_seconds;
};

void backup_result_init(struct backup_result *r);
void backup_result_release(struct backup_result *r);

/*
 * Runs the backup. Returns 0 when everything asked for succeeded, 1 when the
 * archive was written but failed verification (kept as NAME.failed, the
 * problems listed in r->problems), or -1 with a recorded error: EXIT_USAGE
 * for bad options, EXIT_ENV when production, pg_dump, the disk or the upload
 * failed.
 */
int backup_run(const struct backup_options *o, struct backup_result *r);

struct buf;
/*
 * Runs argv (a pg_restore reading its stdin) with envp and stderr appended to
 * err_path, and feeds it the dump of the archive, which is read and checked
 * whole as archive_read_backup() does. Returns 0 when both succeeded; 1 when
 * pg_restore failed or stopped reading early (why appended to failure); -1
 * with a recorded error when the archive is unreadable or the tool could not
 * be started. `restore` and --verify both use it.
 */
int backup_feed_restore(const char *archive, const char *const argv[], char *const envp[], const char *err_path,
                        struct buf *failure);

/*
 * The row counts of the database db is connected to against the manifest's
 * tables: exact counts must match, estimates roughly (a note otherwise).
 * What differs is appended to problems and notes. -1 with a recorded error
 * when the counts could not be read. --verify and `restore` both use it.
 */
int backup_compare_rows(PGconn *db, const struct manifest *m, struct strlist *problems, struct strlist *notes);

/* An archive found in a backup dir. */
struct backup_entry {
	char *name;         /* file name: NAME or NAME.failed */
	time_t when;        /* from the name */
	bool failed;        /* NAME.failed */
	char *revision;     /* from the name */
	uint64_t bytes;     /* file size */
	char *verification; /* from NAME.json: passed, failed, skipped; "unknown" without it */
};

/*
 * Every archive in dir (complete and .failed, of any database), newest
 * first, appended to *out (*n entries). A missing dir is no archives.
 * Returns 0, or -1 with a recorded error when dir cannot be read.
 */
int backup_list(const char *dir, struct backup_entry **out, size_t *n);
void backup_list_free(struct backup_entry *e, size_t n);

#endif
