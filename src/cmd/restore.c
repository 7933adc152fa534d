/*
 * migrate-gate restore ARCHIVE: check the archive whole (sha256, manifest,
 * every part), say what it is, get a confirmation, then pg_restore it in one
 * transaction. Nothing touches the target before the archive has been read
 * to its end and found sound.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backup/archive.h"
#include "backup/backup.h"
#include "backup/tool.h"
#include "cmd/cmd.h"
#include "pg/conn.h"
#include "pg/dsn.h"
#include "pg/secret.h"
#include "report/backup_report.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/mem.h"

#include "util/banned.h"

struct restore_run {
	const struct gate_config *cfg;
	const char *archive;
	struct archive_scan scan;
	const char *target; /* URL */
	struct pg_dsn dsn;
	struct strlist before, after;
	int had_table;
	char *tmpdir;
};

static int check_sidecar(struct restore_run *run)
{
	struct buf path = BUF_INIT, text = BUF_INIT;
	int rc = 0;
	buf_addf(&path, "%s.sha256", run->archive);
	if (access(path.data, R_OK)) {
		log_warn("no '%s': checking the dump against the sha256 in its manifest only", path.data);
	} else if (fs_read_file(path.data, &text) || text.len < SHA256_HEX_LEN) {
		rc = -1;
	} else if (strncmp(text.data, run->scan.sha256, SHA256_HEX_LEN)) {
		rc = gate_error(EXIT_USAGE, "the archive is damaged or is not the one the .sha256 was written for",
		                "'%s' does not match its sha256 in '%s'", run->archive, path.data);
	}
	buf_release(&path);
	buf_release(&text);
	return rc;
}

static int pick_target(struct restore_run *run)
{
	const struct gate_config *cfg = run->cfg;
	const char *db = run->scan.manifest.database;
	run->target = cfg->target_url ? cfg->target_url : cfg->production_url;
	if (!run->target)
		return gate_error(EXIT_USAGE,
		                  "give --target-url URL (or --production-url for the archive's own database)",
		                  "restore needs a target database");
	if (pg_dsn_parse(run->target, "the restore target", &run->dsn))
		return -1;
	if (!cfg->target_url && (!run->dsn.dbname || strcmp(run->dsn.dbname, db)))
		return gate_error(EXIT_USAGE, "give --target-url to restore into another database",
		                  "--production-url names database '%s' but the archive is of '%s'",
		                  run->dsn.dbname ? run->dsn.dbname : "(default)", db);
	return 0;
}

/* --yes, or the target database's name typed on a terminal. */
static int confirm(struct restore_run *run)
{
	const char *name = run->dsn.dbname ? run->dsn.dbname : run->scan.manifest.database;
	char line[256];
	if (run->cfg->yes)
		return 0;
	if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
		return gate_error(EXIT_USAGE, "add --yes to restore without being asked",
		                  "restore replaces the objects of database '%s' and needs a confirmation", name);
	fprintf(stderr,
	        "This replaces the objects of database '%s' with the archive's. Type its name to go on: ", name);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		line[0] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	if (strcmp(line, name))
		return gate_error(EXIT_USAGE, "type the database name exactly, or give --yes", "restore not confirmed");
	return 0;
}

static int read_versions(struct restore_run *run, struct strlist *out, int *had)
{
	PGconn *c = NULL;
	if (pg_connect(run->target, false, &c))
		return -1;
	int rc = pg_alembic_versions(c, NULL, NULL, out);
	pg_disconnect(c);
	if (had)
		*had = rc;
	return rc < 0 ? -1 : 0;
}

static int run_pg_restore(struct restore_run *run)
{
	char *tool = NULL, *version = NULL;
	struct strlist env = STRLIST_INIT;
	struct buf err = BUF_INIT, failure = BUF_INIT;
	int rc = -1;
	int min = run->scan.manifest.pg_dump_version ? tool_major_of(run->scan.manifest.pg_dump_version) : 0;
	if (tool_find("pg_restore", run->cfg->pg_bindir, min, &tool, &version))
		goto out;
	pg_dsn_tool_env(&run->dsn, &env);
	buf_addf(&err, "%s/pg_restore.err", run->tmpdir);
	const char *argv[] = {tool, "--clean",         "--if-exists", "--single-transaction", "--exit-on-error", "-w",
	                      "-d", run->dsn.conninfo, NULL};
	log_info("restoring with %s (%s)", tool, version);
	rc = backup_feed_restore(run->archive, argv, env.items, err.data, &failure);
	if (rc == 1)
		rc = gate_error(
		    EXIT_ENV,
		    "nothing was changed: the restore runs in one transaction; fix the cause and run it again", "%s",
		    failure.data);
	unlink(err.data);
out:
	strlist_release(&env);
	buf_release(&err);
	buf_release(&failure);
	free(tool);
	free(version);
	return rc;
}

static void join(struct buf *b, const struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		buf_addf(b, "%s%s", i ? ", " : "", l->items[i]);
	if (!l->n)
		buf_adds(b, "(none)");
}

static int report(struct restore_run *run)
{
	const struct manifest *m = &run->scan.manifest;
	struct buf now = BUF_INIT, want = BUF_INIT;
	join(&now, &run->after);
	join(&want, &m->revisions);
	bool same = run->after.n == m->revisions.n;
	for (size_t i = 0; same && i < m->revisions.n; i++)
		same = strlist_has(&run->after, m->revisions.items[i]);
	if (!same)
		log_warn("the target's alembic_version (%s) differs from the archive's (%s)", now.data, want.data);
	FILE *out = cmd_open_output(run->cfg);
	int rc = out ? 0 : -1;
	if (out) {
		report_write_restore(run->archive, m, run->dsn.dbname, &run->after, same, run->cfg->format, out);
		rc = cmd_close_output(run->cfg, out);
	}
	buf_release(&now);
	buf_release(&want);
	return rc;
}

/* pg_restore's stderr goes here, to quote it when it fails. */
static int make_tmpdir(struct restore_run *run)
{
	const char *tmp = getenv("TMPDIR");
	struct buf t = BUF_INIT;
	buf_addf(&t, "%s/migrate-gate-restore-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(t.data)) {
		int e = errno;
		buf_release(&t);
		return gate_error(EXIT_ENV, "set TMPDIR to a writable dir", "cannot create a temporary dir: %s",
		                  strerror(e));
	}
	run->tmpdir = buf_detach(&t);
	return 0;
}

static int restore(struct restore_run *run)
{
	/* The whole archive first: a damaged, truncated or foreign one stops here, before any connection. */
	if (archive_read_backup(run->archive, -1, &run->scan) || check_sidecar(run) || pick_target(run))
		return -1;
	if (run->cfg->format == FMT_TEXT && log_verbosity() != LOG_QUIET)
		report_write_manifest_text(run->archive, &run->scan.manifest, stderr);
	if (read_versions(run, &run->before, &run->had_table) || confirm(run))
		return -1;
	if (make_tmpdir(run))
		return -1;
	int rc = run_pg_restore(run);
	rmdir(run->tmpdir);
	if (rc || read_versions(run, &run->after, NULL))
		return -1;
	return report(run);
}

int cmd_restore(const struct gate_config *cfg)
{
	struct restore_run run;
	memset(&run, 0, sizeof(run));
	run.cfg = cfg;
	if (cmd_text_or_json(cfg))
		return -1;
	if (cfg->paths.n != 1)
		return gate_error(EXIT_USAGE, "usage: migrate-gate restore [options] ARCHIVE",
		                  "restore takes one archive");
	run.archive = cfg->paths.items[0];
	pg_register_dsn_secret(cfg->target_url);
	pg_register_dsn_secret(cfg->production_url);
	signal(SIGPIPE, SIG_IGN);
	archive_scan_init(&run.scan);
	int rc = restore(&run);
	archive_scan_release(&run.scan);
	pg_dsn_release(&run.dsn);
	strlist_release(&run.before);
	strlist_release(&run.after);
	free(run.tmpdir);
	return rc;
}
