/*
 * migrate-gate restore ARCHIVE: check the archive whole (sha256, manifest,
 * every part), say what it is, get a confirmation, then restore it into a
 * new database next to the target, verify that (row counts and the catalog
 * snapshot's digest against the manifest), and swap it in with two renames
 * in one transaction. The replaced database is kept under a dated name and
 * compared with the archive. Nothing touches the target before the archive
 * has been read to its end and found sound, and nothing touches it at all
 * before the restored copy is verified (docs/backup.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backup/archive.h"
#include "backup/backup.h"
#include "backup/tool.h"
#include "cmd/cmd.h"
#include "pg/conn.h"
#include "pg/database.h"
#include "pg/diff.h"
#include "pg/dsn.h"
#include "pg/secret.h"
#include "pg/snapshot.h"
#include "report/backup_report.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/progress.h"

#include "util/banned.h"

/* With --terminate, the longest the target refuses connections while its sessions end. */
#define TERMINATE_MAX_MS 5000

struct restore_run {
	const struct gate_config *cfg;
	const char *archive;
	struct archive_scan scan;
	const char *target; /* URL */
	struct pg_dsn dsn;
	struct strlist before, after;
	int had_table;
	char *tmpdir;
	PGconn *admin;         /* on another database of the target's server */
	struct pg_database db; /* the target */
	char *new_db;          /* <target>_restoring_<time>, while it exists and is ours to drop */
	char *replaced_db;     /* <target>_replaced_<time> once swapped */
	bool dropped;
	double swap_ms;
	struct snapshot restored;
	struct strlist only_replaced, only_archive, differs;
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
		                  "give --target-url URL, or --production-url URL (MIGRATE_GATE_PRODUCTION_URL, "
		                  "DATABASE_URI) for the archive's own database",
		                  "restore needs a target database");
	if (pg_dsn_parse(run->target, "the restore target", &run->dsn))
		return -1;
	if (!run->dsn.dbname || !*run->dsn.dbname)
		return gate_error(EXIT_USAGE, "name the database in the URL: postgresql://user@host/DBNAME",
		                  "the restore target names no database");
	if (!cfg->target_url && strcmp(run->dsn.dbname, db))
		return gate_error(EXIT_USAGE, "give --target-url to restore into another database",
		                  "--production-url names database '%s' but the archive is of '%s'", run->dsn.dbname,
		                  db);
	return 0;
}

/* --yes, or the target database's name typed on a terminal. */
static int confirm(struct restore_run *run)
{
	const char *name = run->dsn.dbname;
	char line[256];
	if (run->cfg->yes)
		return 0;
	if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
		return gate_error(EXIT_USAGE, "add --yes to restore without being asked",
		                  "restore replaces database '%s' and needs a confirmation", name);
	fprintf(stderr, "This replaces database '%s' with the archive's. Type its name to go on: ", name);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		line[0] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	if (strcmp(line, name))
		return gate_error(EXIT_USAGE, "type the database name exactly, or give --yes", "restore not confirmed");
	return 0;
}

/* A session on database dbname of the target's server (NULL: the target itself). */
static int connect_to(struct restore_run *run, const char *dbname, PGconn **out)
{
	if (!dbname)
		return pg_connect(run->target, false, out);
	char *conninfo = pg_dsn_with_dbname(&run->dsn, dbname, true);
	int rc = pg_connect(conninfo, false, out);
	free(conninfo);
	return rc;
}

static int read_versions(struct restore_run *run, const char *dbname, struct strlist *out, int *had)
{
	PGconn *c = NULL;
	if (connect_to(run, dbname, &c))
		return -1;
	int rc = pg_alembic_versions(c, NULL, NULL, out);
	pg_disconnect(c);
	if (had)
		*had = rc;
	return rc < 0 ? -1 : 0;
}

/* pg_restore into dbname (NULL: the target, with --clean --if-exists), in one transaction. */
static int run_pg_restore(struct restore_run *run, const char *dbname)
{
	char *tool = NULL, *version = NULL, *conninfo = NULL;
	struct strlist env = STRLIST_INIT;
	struct buf err = BUF_INIT, failure = BUF_INIT;
	int rc = -1;
	int min = run->scan.manifest.pg_dump_version ? tool_major_of(run->scan.manifest.pg_dump_version) : 0;
	if (tool_find("pg_restore", run->cfg->pg_bindir, min, &tool, &version))
		goto out;
	pg_dsn_tool_env(&run->dsn, &env);
	conninfo = dbname ? pg_dsn_with_dbname(&run->dsn, dbname, false) : xstrdup(run->dsn.conninfo);
	buf_addf(&err, "%s/pg_restore.err", run->tmpdir);
	const char *argv[] = {tool,     "--single-transaction",    "--exit-on-error", "-w", "-d",
	                      conninfo, dbname ? NULL : "--clean", "--if-exists",     NULL};
	log_info("restoring with %s (%s) into database '%s'", tool, version, dbname ? dbname : run->dsn.dbname);
	rc = backup_feed_restore(run->archive, argv, env.items, err.data, &failure);
	if (rc == 1)
		rc = gate_error(EXIT_ENV,
		                dbname
		                    ? "nothing was changed: the target was not touched; fix the cause and run it again"
		                    : "nothing was changed: the restore runs in one transaction; fix the cause and run "
		                      "it again",
		                "%s", failure.data);
	unlink(err.data);
out:
	strlist_release(&env);
	buf_release(&err);
	buf_release(&failure);
	free(conninfo);
	free(tool);
	free(version);
	return rc;
}

static int report(struct restore_run *run, const char *method)
{
	const struct manifest *m = &run->scan.manifest;
	struct buf now = BUF_INIT, want = BUF_INIT;
	strlist_sort(&run->after);
	for (size_t i = 0; i < run->after.n; i++)
		buf_addf(&now, "%s%s", i ? ", " : "", run->after.items[i]);
	for (size_t i = 0; i < m->revisions.n; i++)
		buf_addf(&want, "%s%s", i ? ", " : "", m->revisions.items[i]);
	bool same = run->after.n == m->revisions.n;
	for (size_t i = 0; same && i < m->revisions.n; i++)
		same = strlist_has(&run->after, m->revisions.items[i]);
	if (!same)
		log_warn("the target's alembic_version (%s) differs from the archive's (%s)",
		         now.len ? now.data : "none", want.len ? want.data : "none");
	bool swapped = run->replaced_db != NULL;
	struct restore_outcome o = {run->archive,
	                            m,
	                            run->dsn.dbname,
	                            &run->after,
	                            same,
	                            method,
	                            run->replaced_db,
	                            run->dropped,
	                            run->swap_ms,
	                            swapped ? &run->only_replaced : NULL,
	                            swapped ? &run->only_archive : NULL,
	                            swapped ? &run->differs : NULL};
	FILE *out = cmd_open_output(run->cfg);
	int rc = out ? 0 : -1;
	if (out) {
		report_write_restore(&o, run->cfg->format, out);
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

/* The admin session: the server's "postgres" database, else template1 (a database cannot rename itself). */
static int connect_admin(struct restore_run *run)
{
	unsigned first = gate_error_count();
	if (!connect_to(run, "postgres", &run->admin))
		return 0;
	if (connect_to(run, "template1", &run->admin))
		return -1;
	gate_error_forget_since(first);
	return 0;
}

/* Before anything changes: may this role swap, and may this database be replaced? */
static int preflight(struct restore_run *run)
{
	const struct gate_config *cfg = run->cfg;
	const char *name = run->dsn.dbname;
	if (connect_admin(run) || pg_database_read(run->admin, name, &run->db))
		return -1;
	if (!run->db.exists && cfg->clean_restore)
		return gate_error(EXIT_USAGE, "leave out --clean-restore: restore creates the database itself",
		                  "--clean-restore needs an existing database, and '%s' does not exist", name);
	if (run->db.why_not && !cfg->clean_restore)
		return gate_error(EXIT_ENV,
		                  run->db.exists
		                      ? "nothing was changed; give --clean-restore to pg_restore --clean into it in "
		                        "place (one transaction; objects not in the archive stay), or connect as "
		                        "its owner with CREATEDB"
		                      : "nothing was changed; create the database first, or connect as a role "
		                        "with CREATEDB",
		                  "cannot restore into database '%s' by a swap: %s", name, run->db.why_not);
	if (!run->db.exists)
		return 0;
	if (read_versions(run, NULL, &run->before, &run->had_table))
		return -1;
	PGconn *c = NULL;
	int empty = connect_to(run, NULL, &c) ? -1 : pg_database_is_empty(c);
	pg_disconnect(c);
	if (empty < 0)
		return -1;
	if (!empty && strcmp(name, run->scan.manifest.database) && !cfg->replace_other)
		return gate_error(EXIT_USAGE, "nothing was changed; give --replace-other to replace it all the same",
		                  "database '%s' is not empty and the archive is of '%s'", name,
		                  run->scan.manifest.database);
	for (size_t i = 0; i < run->db.settings.n; i++)
		log_warn("database '%s' has the setting '%s', which the restored database will not have: set it again "
		         "with ALTER DATABASE",
		         name, run->db.settings.items[i]);
	return 0;
}

/* "<name>_<what>_<YYYYMMDDTHHMMSSZ>", the name cut (at a character's start) to fit in 63 bytes. */
static char *dated_name(const char *name, const char *what, time_t when)
{
	char stamp[32];
	struct tm tm;
	struct buf b = BUF_INIT;
	gmtime_r(&when, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	size_t room = 63 - strlen(what) - strlen(stamp) - 2, len = strlen(name);
	if (len > room) {
		len = room;
		while (len && ((unsigned char)name[len] & 0xC0) == 0x80)
			len--;
	}
	buf_addf(&b, "%.*s_%s_%s", (int)len, name, what, stamp);
	return buf_detach(&b);
}

static void problems_error(const struct strlist *problems, const char *db)
{
	struct buf msg = BUF_INIT;
	for (size_t i = 0; i < problems->n && i < 10; i++)
		buf_addf(&msg, "%s%s", i ? "; " : "", problems->items[i]);
	if (problems->n > 10)
		buf_addf(&msg, "; and %zu more", problems->n - 10);
	gate_error(EXIT_ENV, "nothing was changed: the target was not touched, the restored copy was dropped",
	           "the restored database '%s' does not match the archive: %s", db, msg.data);
	buf_release(&msg);
}

/* What backup --verify compares, against the manifest: row counts, and the catalog snapshot by its digest. */
static int verify_new(struct restore_run *run)
{
	const struct manifest *m = &run->scan.manifest;
	struct strlist problems = STRLIST_INIT, notes = STRLIST_INIT;
	PGconn *c = NULL;
	int rc = -1;
	if (connect_to(run, run->new_db, &c) || snapshot_take(c, &run->restored) ||
	    backup_compare_rows(c, m, &problems, &notes) || pg_alembic_versions(c, NULL, NULL, &run->after) < 0)
		goto out;
	char digest[SHA256_HEX_LEN + 1];
	manifest_schema_digest(&run->restored.lines, digest);
	if (m->schema_objects < 0)
		log_warn("the archive records no schema digest (an older migrate-gate wrote it): only row counts were "
		         "compared");
	else if (strcmp(digest, m->schema_sha256))
		strlist_add_owned(&problems, xstrdup("schema: its catalog snapshot differs from production's at backup "
		                                     "time (run backup --verify on the archive for the objects)"));
	for (size_t i = 0; i < notes.n; i++)
		log_warn("%s", notes.items[i]);
	rc = 0;
	if (problems.n)
		rc = (problems_error(&problems, run->new_db), -1);
	else
		log_info("verified: %zu objects and the row counts of %zu table(s) as in the archive",
		         run->restored.lines.n, m->n_tables);
out:
	pg_disconnect(c);
	strlist_release(&problems);
	strlist_release(&notes);
	return rc;
}

/* Says who is connected, each time that changes. */
static int announce_sessions(struct restore_run *run, struct strlist *last)
{
	struct strlist now = STRLIST_INIT;
	struct buf all = BUF_INIT;
	int n = pg_database_sessions(run->admin, run->dsn.dbname, &now);
	buf_adds(&all, ""); /* "" rather than NULL when nobody is connected */
	for (size_t i = 0; i < now.n; i++)
		buf_addf(&all, "%s%s", i ? ", " : "", now.items[i]);
	if (n > 0 && (!last->n || strcmp(last->items[0], all.data)))
		log_info(
		    "waiting for %d other session(s) to leave database '%s' (--lock-wait; --terminate ends them): %s",
		    n, run->dsn.dbname, all.data);
	strlist_release(last);
	strlist_add(last, all.data);
	strlist_release(&now);
	buf_release(&all);
	return n;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/*
 * The renames, tried until no other session is on the target or the wait runs out. 1 done, 0 not, -1 error.
 * Without --terminate, the sessions are looked at first: a rename that meets one waits 5 s in the server.
 */
static int swap_loop(struct restore_run *run, double deadline)
{
	const char *t = run->db.exists ? run->dsn.dbname : NULL;
	struct strlist last = STRLIST_INIT;
	int rc = -1;
	for (;;) {
		int others = 0;
		rc = -1;
		if (run->cfg->terminate && t && pg_database_terminate(run->admin, t))
			break;
		if (!run->cfg->terminate && t && (others = announce_sessions(run, &last)) < 0)
			break;
		rc = others ? 0 : pg_database_swap(run->admin, t, run->replaced_db, run->new_db, run->dsn.dbname);
		if (rc || progress_clock_ms() >= deadline)
			break;
		sleep_ms(run->cfg->terminate ? 10 : 100);
	}
	strlist_release(&last);
	return rc;
}

static int wait_error(struct restore_run *run)
{
	struct strlist now = STRLIST_INIT;
	struct buf all = BUF_INIT;
	pg_database_sessions(run->admin, run->dsn.dbname, &now);
	for (size_t i = 0; i < now.n; i++)
		buf_addf(&all, "%s%s", i ? ", " : "", now.items[i]);
	gate_error(EXIT_ENV,
	           run->cfg->terminate ? "nothing was changed; the role may not end other roles' sessions: grant it "
	                                 "pg_signal_backend, or close them"
	                               : "nothing was changed; close them, give --terminate to end them, or a longer "
	                                 "--lock-wait",
	           "database '%s' still has other sessions after %s: %s", run->dsn.dbname,
	           run->cfg->terminate ? "ending them" : "--lock-wait", all.len ? all.data : "(gone just now)");
	strlist_release(&now);
	buf_release(&all);
	return -1;
}

/*
 * Without --terminate: wait (within --lock-wait) until nobody else is on the target, then rename. With it:
 * refuse new connections, end the others, rename, allow connections again: the only window in which the
 * target's name reaches no database. Signals wait until that window is closed.
 */
static int swap(struct restore_run *run)
{
	bool refuse = run->cfg->terminate && run->db.exists;
	double wait = refuse ? TERMINATE_MAX_MS : run->cfg->lock_wait_ms;
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	double start = progress_clock_ms();
	int rc = refuse ? pg_database_allow_connections(run->admin, run->dsn.dbname, false) : 0;
	if (!rc)
		rc = swap_loop(run, start + wait);
	unsigned first = gate_error_count();
	if (refuse && rc >= 0 &&
	    pg_database_allow_connections(run->admin, rc == 1 ? run->replaced_db : run->dsn.dbname, true))
		rc == 1 ? gate_error_warn_since(first) : (void)(rc = -1);
	run->swap_ms = progress_clock_ms() - start;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (rc == 0)
		return wait_error(run);
	if (rc == 1) {
		if (run->replaced_db)
			log_info("swapped in %.0f ms: '%s' is the restored database, the old one is '%s'", run->swap_ms,
			         run->dsn.dbname, run->replaced_db);
		free(run->new_db);
		run->new_db = NULL; /* it is the target now: never dropped */
	}
	return rc == 1 ? 0 : -1;
}

/* What the replaced database has that the archive lacks, and the other way round. */
static int compare_replaced(struct restore_run *run)
{
	struct snapshot old = SNAPSHOT_INIT;
	struct diff d = DIFF_INIT;
	PGconn *c = NULL;
	int rc = connect_to(run, run->replaced_db, &c) || snapshot_take(c, &old) ? -1 : 0;
	pg_disconnect(c);
	if (!rc)
		diff_snapshots(&run->restored, &old, &d);
	for (size_t i = 0; i < d.n; i++) {
		const struct diff_entry *e = &d.items[i];
		struct strlist *to = e->change == DIFF_ADDED     ? &run->only_replaced
		                     : e->change == DIFF_REMOVED ? &run->only_archive
		                                                 : &run->differs;
		strlist_add_owned(to, e->change == DIFF_CHANGED ? diff_entry_describe(e) : diff_entry_subject(e));
	}
	if (run->only_replaced.n)
		log_warn("the replaced database '%s' has %zu object(s) the archive lacks (listed in the report)",
		         run->replaced_db, run->only_replaced.n);
	diff_release(&d);
	snapshot_release(&old);
	return rc;
}

/* A restored copy that was not swapped in is dropped: it was never the target. */
static void drop_new(struct restore_run *run)
{
	if (!run->new_db || !run->admin)
		return;
	unsigned first = gate_error_count();
	if (pg_database_drop(run->admin, run->new_db)) {
		gate_error_warn_since(first);
		log_warn("drop the restored copy '%s' by hand: DROP DATABASE \"%s\"", run->new_db, run->new_db);
	}
}

static int restore_swap(struct restore_run *run)
{
	time_t now = time(NULL);
	run->new_db = dated_name(run->dsn.dbname, "restoring", now);
	if (run->db.exists)
		run->replaced_db = dated_name(run->dsn.dbname, "replaced", now);
	if (pg_database_create_like(run->admin, run->new_db, &run->db)) {
		free(run->new_db); /* CREATE DATABASE failed: there is nothing to drop */
		run->new_db = NULL;
		return -1;
	}
	if (run_pg_restore(run, run->new_db) || verify_new(run) || swap(run))
		return -1;
	if (!run->replaced_db)
		return report(run, "new");
	if (compare_replaced(run))
		return -1;
	if (run->cfg->drop_replaced) {
		if (pg_database_drop(run->admin, run->replaced_db))
			return -1;
		run->dropped = true;
	}
	return report(run, "swap");
}

static int restore_clean(struct restore_run *run)
{
	log_warn("--clean-restore: pg_restore --clean into database '%s' in place; objects not in the archive stay",
	         run->dsn.dbname);
	if (run_pg_restore(run, NULL) || read_versions(run, NULL, &run->after, NULL))
		return -1;
	return report(run, "clean");
}

static int restore(struct restore_run *run)
{
	/* The whole archive first: a damaged, truncated or foreign one stops here, before any connection. */
	if (archive_read_backup(run->archive, -1, &run->scan) || check_sidecar(run) || pick_target(run))
		return -1;
	if (run->cfg->format == FMT_TEXT && log_verbosity() != LOG_QUIET)
		report_write_manifest_text(run->archive, &run->scan.manifest, stderr);
	if (preflight(run) || confirm(run) || make_tmpdir(run))
		return -1;
	int rc = run->cfg->clean_restore ? restore_clean(run) : restore_swap(run);
	rmdir(run->tmpdir);
	return rc;
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
	snapshot_init(&run.restored);
	int rc = restore(&run);
	drop_new(&run);
	pg_disconnect(run.admin);
	pg_database_release(&run.db);
	archive_scan_release(&run.scan);
	snapshot_release(&run.restored);
	pg_dsn_release(&run.dsn);
	strlist_release(&run.before);
	strlist_release(&run.after);
	strlist_release(&run.only_replaced);
	strlist_release(&run.only_archive);
	strlist_release(&run.differs);
	free(run.new_db);
	free(run.replaced_db);
	free(run.tmpdir);
	return rc;
}
