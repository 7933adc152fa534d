#include "backup/backup.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backup/internal.h"
#include "backup/tool.h"
#include "pg/cleanup.h"
#include "pg/conn.h"
#include "pg/dsn.h"
#include "pg/secret.h"
#include "pg/wait.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/log.h"
#include "util/mem.h"

#include "util/banned.h"

/* Two parts are in memory at once (one read, one compressed): 16 MiB in all, whatever the dump's size. */
#define PART_SIZE (8u * 1024 * 1024)
#define PIPE_SIZE (1024 * 1024)

void backup_result_init(struct backup_result *r)
{
	memset(r, 0, sizeof(*r));
	manifest_init(&r->manifest);
}

void backup_result_release(struct backup_result *r)
{
	free(r->archive_path);
	manifest_release(&r->manifest);
	strlist_release(&r->problems);
	strlist_release(&r->notes);
	free(r->uploaded_to);
	free(r->upload_failed);
	strlist_release(&r->pruned);
	backup_result_init(r);
}

void backup_options_from_config(const struct gate_config *cfg, struct backup_options *o)
{
	memset(o, 0, sizeof(*o));
	o->production_url = cfg->production_url;
	o->backup_dir = cfg->backup_dir;
	if (!cfg->archive_format || archive_kind_parse(cfg->archive_format, &o->format))
		o->format = ARCHIVE_TAR_ZST;
	o->keep = cfg->keep;
	o->keep_days = cfg->keep_days;
	o->upload_url = cfg->upload_url;
	o->s3 = cfg->s3;
	o->s3_endpoint = cfg->s3_endpoint;
	o->s3_region = cfg->s3_region;
	o->upload_retries = cfg->upload_retries;
	o->verify = cfg->verify;
	o->verify_exact_rows = cfg->verify_exact_rows;
	o->scratch.bindir = cfg->pg_bindir;
	o->scratch.scratch_url = cfg->scratch_url;
	o->scratch.cache_dir = cfg->scratch_cache;
	o->scratch.keep = cfg->keep_scratch;
	o->pg_bindir = cfg->pg_bindir;
	o->progress = true;
}

/* Everything one run holds, released in one place. */
struct run {
	const struct backup_options *o;
	struct backup_result *r;
	struct pg_dsn dsn;
	PGconn *prod;
	struct pg_prodinfo info;
	struct snapshot prod_schema;
	char *pg_dump;
	char *pg_dump_version;
	char *tmpdir;
	struct cleanup *tmp_cleanup;
	char *name;
	char *tmp_archive;
	struct archive_writer *w;
	time_t started;
};

static const char *dir_of(const struct backup_options *o)
{
	return o->backup_dir ? o->backup_dir : "backups";
}

static int read_production(struct run *run)
{
	const struct backup_options *o = run->o;
	if (pg_connect_production(o->production_url, true, &run->prod))
		return -1;
	/* Before the dump's transaction: snapshot_take() runs its own. The manifest keeps its digest for restore. */
	if (snapshot_take(run->prod, &run->prod_schema))
		return -1;
	if (pg_prodinfo_begin(run->prod, o->verify_exact_rows > 0 ? o->verify_exact_rows : 1e6, &run->info))
		return -1;
	log_info("production: database '%s' on PostgreSQL %s, %zu table(s), at %s", run->info.database,
	         run->info.server_version, run->info.n_tables,
	         run->info.versions.n ? run->info.versions.items[0] : "no alembic revision");
	return tool_find("pg_dump", o->pg_bindir, run->info.server_major, &run->pg_dump, &run->pg_dump_version);
}

static void fill_manifest(struct run *run, const struct stream_stats *st)
{
	struct manifest *m = &run->r->manifest;
	const struct pg_prodinfo *p = &run->info;
	char when[32];
	struct tm tm;
	gmtime_r(&run->started, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	m->tool_version = xstrdup(MIGRATE_GATE_VERSION);
	m->created_at = xstrdup(when);
	m->host = xstrdup(p->host);
	m->port = xstrdup(p->port);
	m->database = xstrdup(p->database);
	m->user = xstrdup(p->user);
	m->server_version = xstrdup(p->server_version);
	m->server_major = p->server_major;
	m->pg_dump_version = xstrdup(run->pg_dump_version);
	m->archive_format = xstrdup(archive_kind_ext(run->o->format));
	m->version_table = p->version_table;
	for (size_t i = 0; i < p->versions.n; i++)
		strlist_add(&m->revisions, p->versions.items[i]);
	for (size_t i = 0; run->o->pending && i < run->o->pending->n; i++)
		strlist_add(&m->pending, run->o->pending->items[i]);
	const char *sha = getenv("GITHUB_SHA");
	const char *ci = getenv("CI_COMMIT_SHA");
	m->commit = sha && *sha ? xstrdup(sha) : ci && *ci ? xstrdup(ci) : NULL;
	m->dump_bytes = st->bytes;
	memcpy(m->dump_sha256, st->sha256, sizeof(m->dump_sha256));
	m->dump_parts = st->parts;
	m->database_bytes = p->database_bytes;
	m->schema_objects = (long)run->prod_schema.lines.n;
	manifest_schema_digest(&run->prod_schema.lines, m->schema_sha256);
	for (size_t i = 0; i < p->n_tables; i++) {
		struct manifest_table *t = manifest_add_table(m);
		t->name = xstrdup(p->tables[i].name);
		t->ident = xstrdup(p->tables[i].ident);
		t->reltuples = p->tables[i].reltuples;
		t->bytes = p->tables[i].bytes;
		t->rows = p->tables[i].rows;
	}
}

/* pg_dump -Fc (its own zlib) of the exported snapshot into the archive, which zstd-compresses again (architecture.md).
 */
static int dump(struct run *run)
{
	struct strlist env = STRLIST_INIT;
	struct buf snap = BUF_INIT, err = BUF_INIT, lockwait = BUF_INIT;
	struct stream_stats st;
	struct xfer_progress p;
	int pipefd[2] = {-1, -1}, rc = -1;
	pid_t pid = -1;
	buf_addf(&snap, "--snapshot=%s", run->info.snapshot);
	/* Its ACCESS SHARE locks wait no longer than the gate's own (pg/wait.h); 0 would mean no wait at all. */
	buf_addf(&lockwait, "--lock-wait-timeout=%u", pg_wait_lock_ms() ? pg_wait_lock_ms() : 86400000u);
	buf_addf(&err, "%s/pg_dump.err", run->tmpdir);
	pg_dsn_tool_env(&run->dsn, &env);
	const char *argv[] = {run->pg_dump, "-Fc", "-w", snap.data, lockwait.data, "-d", run->dsn.conninfo, NULL};
	if (pipe2(pipefd, O_CLOEXEC)) {
		gate_error(EXIT_ENV, NULL, "cannot create a pipe: %s", strerror(errno));
		goto out;
	}
	/*
	 * A 64 KiB pipe makes pg_dump wait for our reader every 64 KiB: on a loaded machine each of those waits
	 * costs a scheduling round (measured: 1.6x pg_dump's time at load 40). 1 MiB is the unprivileged maximum.
	 */
	if (fcntl(pipefd[1], F_SETPIPE_SZ, PIPE_SIZE) < 0)
		log_debug("cannot enlarge the pipe from pg_dump: %s", strerror(errno));
	log_debug("running %s (%s)", run->pg_dump, run->pg_dump_version);
	pid = tool_start(argv, env.items, -1, pipefd[1], err.data);
	close(pipefd[1]);
	if (pid < 0)
		goto out;
	xfer_start(&p, "dumped", run->o->progress, 0);
	double start = xfer_now();
	rc = archive_writer_add_stream(run->w, pipefd[0], PART_SIZE, xfer_update, &p, &st);
	close(pipefd[0]);
	pipefd[0] = -1;
	if (rc)
		kill(pid, SIGTERM); /* the archive failed: pg_dump must not go on */
	int status = tool_wait(pid);
	run->r->dump_seconds = xfer_now() - start;
	if (!rc && status)
		rc = tool_failed("pg_dump", status, err.data, "check the production URL, the server and its log");
	if (!rc) {
		xfer_end(&p);
		fill_manifest(run, &st);
	}
out:
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	strlist_release(&env);
	buf_release(&snap);
	buf_release(&lockwait);
	buf_release(&err);
	return rc;
}

static int write_archive(struct run *run)
{
	struct buf path = BUF_INIT;
	run->started = time(NULL);
	run->name = backup_archive_name(run->info.database, run->started, &run->info.versions, run->o->format);
	buf_addf(&path, "%s/%s", run->tmpdir, run->name);
	run->tmp_archive = buf_detach(&path);
	if (archive_writer_open(run->tmp_archive, run->o->format, &run->w) || dump(run))
		return -1;
	if (pg_prodinfo_end(run->prod))
		return -1;
	char *json = manifest_to_json(&run->r->manifest);
	int rc = archive_writer_add(run->w, MANIFEST_NAME, json, strlen(json));
	free(json);
	if (rc || archive_writer_close(run->w, run->r->sha256, &run->r->archive_bytes))
		return -1;
	return 0;
}

static void report_failed_archive(struct run *run)
{
	if (run->r->archive_path)
		log_warn("the archive is kept as '%s' for inspection; it is not counted as a backup",
		         run->r->archive_path);
}

/* After the archive is written: verify, upload, publish, prune. Returns 0, 1 (verification failed) or -1. */
static int finish(struct run *run)
{
	const struct backup_options *o = run->o;
	struct backup_result *r = run->r;
	char *bindir = xstrndup(run->pg_dump, (size_t)(strrchr(run->pg_dump, '/') - run->pg_dump));
	int rc = 0;
	pg_disconnect(run->prod); /* production is not needed any more */
	run->prod = NULL;
	if (o->verify) {
		rc = backup_verify(o, run->tmp_archive, run->tmpdir, bindir, &run->prod_schema, &run->info.roles, r);
		if (!rc && r->verify == VERIFY_FAILED)
			rc = 1;
	}
	if (!rc && (o->upload_url || o->s3)) {
		unsigned first = gate_error_count();
		rc = backup_upload(o, run->tmp_archive, run->name, r);
		if (rc && gate_error_count() > first) /* the report says it too: -o must not be left unwritten */
			r->upload_failed = log_mask(gate_error_message(first));
	}
	free(bindir);
	if (backup_publish(run->tmp_archive, dir_of(o), run->name, rc != 0, r))
		return -1;
	if (rc) {
		report_failed_archive(run);
		return rc;
	}
	return backup_prune(o, run->info.database, r->archive_path, r);
}

static int check_options(const struct backup_options *o)
{
	if (!o->production_url || !*o->production_url)
		return gate_error(EXIT_USAGE,
		                  "give --production-url URL, or set MIGRATE_GATE_PRODUCTION_URL or DATABASE_URI",
		                  "backup needs the production database");
	return backup_upload_check(o);
}

int backup_run(const struct backup_options *o, struct backup_result *r)
{
	struct run run;
	memset(&run, 0, sizeof(run));
	run.o = o;
	run.r = r;
	snapshot_init(&run.prod_schema);
	pg_prodinfo_init(&run.info);
	/* A full disk or a file size limit must be a write error we report, not a signal that kills us. */
	signal(SIGXFSZ, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	pg_register_dsn_secret(o->production_url);
	int rc = check_options(o) || pg_dsn_parse(o->production_url, "the production database", &run.dsn) ? -1 : 0;
	if (!rc)
		rc = read_production(&run) || backup_make_tmpdir(dir_of(o), &run.tmpdir, &run.tmp_cleanup) ||
		             write_archive(&run)
		         ? -1
		         : 0;
	if (!rc)
		rc = finish(&run);
	archive_writer_free(run.w);
	backup_remove_tmpdir(run.tmpdir, run.tmp_cleanup);
	pg_disconnect(run.prod);
	pg_prodinfo_release(&run.info);
	snapshot_release(&run.prod_schema);
	pg_dsn_release(&run.dsn);
	free(run.pg_dump);
	free(run.pg_dump_version);
	free(run.name);
	free(run.tmp_archive);
	return rc;
}
