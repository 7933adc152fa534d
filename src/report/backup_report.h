/* What `backup`, `restore` and `status` print: text for people, JSON for scripts (docs/backup.md, docs/status.md). */
#ifndef GATE_REPORT_BACKUP_REPORT_H
#define GATE_REPORT_BACKUP_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "backup/backup.h"
#include "report/writer.h"

/* The outcome of a backup. Only FMT_TEXT and FMT_JSON. */
void report_write_backup(const struct backup_result *r, enum report_format fmt, bool color, FILE *out);

/* What an archive holds, as `restore` shows it before asking (text) or in its JSON report. */
void report_write_manifest_text(const char *archive, const struct manifest *m, FILE *out);

/* What restore did (docs/backup.md, "restore"). */
struct restore_outcome {
	const char *archive;
	const struct manifest *m;
	const char *target_db;
	const struct strlist *versions; /* the target's alembic_version afterwards */
	bool matches;                   /* ... equal to the archive's */
	const char *method;      /* "swap" (a new database renamed in), "new" (the target did not exist), "clean" */
	const char *replaced_db; /* the dated name the old database was given, or NULL */
	bool replaced_dropped;   /* --drop-replaced dropped it */
	double swap_ms;          /* how long the target's name pointed at no database that takes connections */
	const struct strlist *only_replaced; /* objects the replaced database had and the archive lacks */
	const struct strlist *only_archive;  /* objects of the archive the replaced database lacked */
	const struct strlist *differs;       /* objects in both, defined differently */
};

void report_write_restore(const struct restore_outcome *o, enum report_format fmt, FILE *out);

/* One backup found in the backup dir, for status. */
struct status_backup {
	char *name;
	char *state;        /* "complete" or "failed" */
	char *verification; /* "passed", "failed", "skipped" or "unknown" */
	double age_seconds;
	unsigned long long bytes;
	char *revision; /* "r0002" or "r1+r2", "" for none */
};

struct status_table {
	char *name;
	double bytes;
	double rows;      /* estimate */
	char *touched_by; /* the pending revisions that name it, comma-separated */
};

struct status_info {
	char *database;
	char *server_version;
	double database_bytes;
	bool version_table;
	struct strlist revisions; /* production's alembic_version rows */
	struct strlist heads;     /* the project's heads */
	struct strlist pending;   /* "id\ttitle" */
	struct strlist notes;
	struct status_table *tables; /* the largest tables the pending revisions touch */
	size_t n_tables;
	struct status_backup *backups; /* newest first */
	size_t n_backups;
	const char *backup_dir;
};

void status_info_init(struct status_info *s);
void status_info_release(struct status_info *s);

void report_write_status(const struct status_info *s, enum report_format fmt, bool color, FILE *out);

/* status --targets: one database of the fleet. */
struct status_target {
	char *name;               /* the environment variable naming its URL */
	struct strlist revisions; /* its alembic_version rows */
	size_t pending;           /* revisions of the project it lacks */
	char *error;              /* why it could not be read, or NULL */
};
struct status_fleet {
	const char *file;
	struct strlist heads; /* the project's heads */
	struct status_target *items;
	size_t n;
};
void status_fleet_release(struct status_fleet *f);
void report_write_fleet(const struct status_fleet *f, enum report_format fmt, bool color, FILE *out);

#endif
