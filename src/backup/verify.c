/* --verify: the archive restored into a scratch database, its schema and row counts compared with production's. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backup/internal.h"
#include "backup/tool.h"
#include "pg/conn.h"
#include "pg/diff.h"
#include "pg/dsn.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/log.h"
#include "util/mem.h"

#include "util/banned.h"

/* An estimate is only an estimate: a restored count this far from it is worth a note, not a failure. */
#define ESTIMATE_SLACK 0.5

struct verify_run {
	const struct backup_options *o;
	struct backup_result *r;
	struct scratch *scratch;
	PGconn *db;
	bool local; /* a cluster of our own: production's roles can be created, owners and grants restored */
	char *err_path;
};

static void problem(struct strlist *problems, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct strlist *problems, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	strlist_add_owned(problems, buf_detach(&b));
}

int backup_feed_restore(const char *archive, const char *const argv[], char *const envp[], const char *err_path,
                        struct buf *failure)
{
	struct archive_scan scan;
	int p[2];
	if (pipe2(p, O_CLOEXEC))
		return gate_error(EXIT_ENV, NULL, "cannot create a pipe: %s", strerror(errno));
	pid_t pid = tool_start(argv, envp, p[0], -1, err_path);
	close(p[0]);
	if (pid < 0) {
		close(p[1]);
		return -1;
	}
	archive_scan_init(&scan);
	int read_rc = archive_read_backup(archive, p[1], &scan);
	close(p[1]);
	archive_scan_release(&scan);
	int status = tool_wait(pid);
	if (status)
		tool_describe_failure("pg_restore", status, err_path, failure);
	else if (read_rc == -2)
		buf_adds(failure, "pg_restore stopped reading before the end of the dump");
	else
		return read_rc < 0 ? -1 : 0;
	return 1;
}

/* PGPASSWORD is production's: a scratch database without a password of its own must not be handed it. */
static void drop_pgpassword(struct strlist *env)
{
	size_t out = 0;
	for (size_t i = 0; i < env->n; i++) {
		if (!strncmp(env->items[i], "PGPASSWORD=", 11))
			free(env->items[i]);
		else
			env->items[out++] = env->items[i];
	}
	env->n = out;
	env->items[out] = NULL; /* execve's end, as pg_dsn_tool_env() left it */
}

/* pg_restore into the scratch database; 1 with a problem recorded when it fails. */
static int restore(struct verify_run *v, const char *archive, const char *bindir)
{
	char *tool = NULL, *version = NULL;
	struct pg_dsn dsn = {0};
	struct strlist env = STRLIST_INIT;
	struct buf failure = BUF_INIT;
	int rc = -1;
	if (tool_find("pg_restore", bindir, 0, &tool, &version) ||
	    pg_dsn_parse(scratch_conninfo(v->scratch), "scratch", &dsn))
		goto out;
	pg_dsn_tool_env(&dsn, &env);
	if (!dsn.password)
		drop_pgpassword(&env);
	/* On a cluster of our own, owners and grants are restored too; elsewhere argv goes on with both --no-*. */
	const char *argv[] = {tool, "--exit-on-error", "--single-transaction",         "-w",
	                      "-d", dsn.conninfo,      v->local ? NULL : "--no-owner", "--no-acl",
	                      NULL};
	rc = backup_feed_restore(archive, argv, env.items, v->err_path, &failure);
	if (rc == 1)
		problem(&v->r->problems, "the dump does not restore: %s", failure.data);
out:
	buf_release(&failure);
	strlist_release(&env);
	pg_dsn_release(&dsn);
	free(tool);
	free(version);
	return rc;
}

/* Without owners and grants (a shared --scratch-url server), grants cannot be compared. */
static void drop_grants(struct snapshot *s)
{
	size_t out = 0;
	for (size_t i = 0; i < s->lines.n; i++) {
		if (!strncmp(s->lines.items[i], "grant\t", 6))
			free(s->lines.items[i]);
		else
			s->lines.items[out++] = s->lines.items[i];
	}
	s->lines.n = out;
}

static int compare_schema(struct verify_run *v, const struct snapshot *prod)
{
	struct snapshot restored = SNAPSHOT_INIT, want = SNAPSHOT_INIT;
	struct diff d = DIFF_INIT;
	if (snapshot_take(v->db, &restored))
		return -1;
	for (size_t i = 0; i < prod->lines.n; i++)
		strlist_add(&want.lines, prod->lines.items[i]);
	if (!v->local) {
		drop_grants(&want);
		drop_grants(&restored);
		strlist_add(&v->r->notes, "grants were not compared: --scratch-url restores without owners and grants");
	}
	diff_snapshots(&want, &restored, &d);
	for (size_t i = 0; i < d.n; i++) {
		const struct diff_entry *e = &d.items[i];
		char *subject = diff_entry_subject(e), *detail = diff_entry_detail(e);
		if (e->change == DIFF_REMOVED)
			problem(&v->r->problems, "schema: %s is missing after the restore", subject);
		else if (e->change == DIFF_ADDED)
			problem(&v->r->problems, "schema: %s exists only after the restore", subject);
		else
			problem(&v->r->problems, "schema: %s %s after the restore", subject, detail);
		free(subject);
		free(detail);
	}
	diff_release(&d);
	snapshot_release(&restored);
	snapshot_release(&want);
	return 0;
}

static void compare_estimate(const struct manifest_table *t, int64_t got, struct strlist *problems,
                             struct strlist *notes)
{
	if (t->reltuples > 0 && got == 0)
		problem(problems, "rows: table \"%s\" is empty after the restore, production had about %.0f rows",
		        t->name, t->reltuples);
	else if (t->reltuples >= 0 && fabs((double)got - t->reltuples) > ESTIMATE_SLACK * t->reltuples + 1000)
		problem(notes, "rows: table \"%s\" has %lld rows after the restore, production's estimate was %.0f",
		        t->name, (long long)got, t->reltuples);
}

int backup_compare_rows(PGconn *db, const struct manifest *m, struct strlist *problems, struct strlist *notes)
{
	for (size_t i = 0; i < m->n_tables; i++) {
		const struct manifest_table *t = &m->tables[i];
		int64_t got;
		int exists = pg_table_exists(db, t->ident);
		if (exists < 0)
			return -1;
		if (!exists) {
			problem(problems, "rows: table \"%s\" is missing after the restore", t->name);
			continue;
		}
		if (pg_count_rows(db, t->ident, &got))
			return -1;
		if (t->rows >= 0 && got != t->rows)
			problem(problems, "rows: table \"%s\" has %lld rows after the restore, %lld at backup time",
			        t->name, (long long)got, (long long)t->rows);
		else if (t->rows < 0)
			compare_estimate(t, got, problems, notes);
	}
	return 0;
}

int backup_verify(const struct backup_options *o, const char *archive, const char *tmpdir, const char *pg_bindir,
                  const struct snapshot *prod, const struct strlist *roles, struct backup_result *r)
{
	struct verify_run v = {o, r, NULL, NULL, false, NULL};
	struct buf err = BUF_INIT;
	double start = xfer_now();
	int rc = -1;
	log_info("verifying: restoring the archive into a scratch database");
	if (scratch_start(&o->scratch, &v.scratch) || pg_connect(scratch_conninfo(v.scratch), false, &v.db))
		goto out;
	v.local = scratch_dir(v.scratch) != NULL;
	buf_addf(&err, "%s/pg_restore.err", tmpdir);
	v.err_path = buf_detach(&err);
	if (v.local && pg_create_missing_roles(v.db, roles))
		goto out;
	int restored = restore(&v, archive, pg_bindir);
	if (restored < 0)
		goto out;
	if (restored == 0 &&
	    (compare_schema(&v, prod) || backup_compare_rows(v.db, &r->manifest, &r->problems, &r->notes)))
		goto out;
	r->verify = r->problems.n ? VERIFY_FAILED : VERIFY_PASSED;
	rc = 0;
out:
	pg_disconnect(v.db);
	scratch_free(v.scratch);
	free(v.err_path);
	r->verify_seconds = xfer_now() - start;
	return rc;
}
