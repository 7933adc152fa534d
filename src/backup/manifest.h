/*
 * manifest.json, the last entry of every backup archive (it holds the dump's
 * size and sha256, known only once the dump is written), and the same
 * document beside the archive as <archive>.json with how the backup was
 * verified and uploaded. Written and read with cJSON.
 */
#ifndef GATE_BACKUP_MANIFEST_H
#define GATE_BACKUP_MANIFEST_H

#include <stdbool.h>
#include <stdint.h>

#include "util/sha256.h"
#include "util/strset.h"

#define MANIFEST_NAME "manifest.json"
#define MANIFEST_KIND "migrate-gate-backup"

struct manifest_table {
	char *name;       /* as in snapshots */
	char *ident;      /* quoted, usable in SQL */
	double reltuples; /* estimate, -1 unknown */
	int64_t bytes;
	int64_t rows; /* exact count at backup time, -1 when not counted */
};

struct manifest {
	char *tool_version;
	char *created_at; /* ISO 8601 UTC, "2026-12-01T10:39:23Z" */
	char *host;
	char *port;
	char *database;
	char *user;
	char *server_version;
	int server_major;
	char *pg_dump_version;
	char *archive_format;     /* tar.zst, tar.gz or zip */
	int version_table;        /* alembic_version existed */
	struct strlist revisions; /* its rows at backup time */
	struct strlist pending;   /* revisions about to be applied, when given */
	char *commit;             /* GITHUB_SHA / CI_COMMIT_SHA, or NULL */
	uint64_t dump_bytes;
	char dump_sha256[SHA256_HEX_LEN + 1];
	unsigned dump_parts; /* entries dump.000001 ... */
	int64_t database_bytes;
	/* production's catalog snapshot at backup time (pg/snapshot.h), for restore to compare: -1 objects when
	 * unknown (an archive of an older version) */
	long schema_objects;
	char schema_sha256[SHA256_HEX_LEN + 1];
	struct manifest_table *tables;
	size_t n_tables;
	size_t alloc;
};

void manifest_init(struct manifest *m);
void manifest_release(struct manifest *m);
struct manifest_table *manifest_add_table(struct manifest *m);

/* The JSON text (pretty-printed). Newly allocated. */
char *manifest_to_json(const struct manifest *m);
/* The manifest as a cJSON object, for documents that embed it (the caller owns it). */
struct cJSON *manifest_to_cjson(const struct manifest *m);

/*
 * Reads a manifest (m released first). Returns 0, or -1 with a recorded
 * EXIT_USAGE error naming `where` when the text is not a migrate-gate
 * manifest.
 */
int manifest_parse(const char *text, size_t len, const char *where, struct manifest *m);
/* The same from a cJSON object (e.g. the "manifest" member of <archive>.json). */
int manifest_from_cjson(const struct cJSON *root, const char *where, struct manifest *m);

/* The digest restore compares: sha256 over the snapshot's lines, each ended by '\n'. */
void manifest_schema_digest(const struct strlist *lines, char hex[SHA256_HEX_LEN + 1]);

/* The name of the dump's part i (1-based): "dump.000001". Newly allocated. */
char *manifest_part_name(unsigned i);

#endif
