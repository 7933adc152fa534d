/*
 * The upgrade / downgrade / upgrade replay of each new revision, with
 * snapshot comparisons: S0 -> upgrade -> S1 -> downgrade -> S2 (== S0) ->
 * upgrade -> S3 (== S1).
 */
#include "replay/replay.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pg/conn.h"
#include "pg/diff.h"
#include "replay/capture_check.h"
#include "replay/sourcemap.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/progress.h"

#include "util/banned.h"

static const struct rule_info rule_step_failed = {
    "replay-step-failed", SEV_ERROR, "a migration step raised on the scratch database",
    "reproduce it with alembic upgrade/downgrade on an empty database and fix the error", false};
static const struct rule_info rule_leftover = {
    "downgrade-leaves-object", SEV_ERROR, "the downgrade leaves behind an object the upgrade created",
    "drop the object in downgrade(), in the reverse order of upgrade()", false};
static const struct rule_info rule_removes = {"downgrade-removes-object", SEV_ERROR,
                                              "the downgrade removes an object that existed before the upgrade",
                                              "undo only what upgrade() did", false};
static const struct rule_info rule_changes = {"downgrade-changes-object", SEV_ERROR,
                                              "an object differs after the downgrade from before the upgrade",
                                              "restore the object's previous definition in downgrade()", false};
static const struct rule_info rule_not_repeatable = {
    "upgrade-not-repeatable", SEV_ERROR, "upgrading again after the downgrade gives a different schema",
    "make downgrade() return exactly to the state upgrade() started from", false};
static const struct rule_info rule_empty_downgrade = {
    "empty-downgrade", SEV_WARNING, "downgrade() executes nothing although upgrade() changes the schema",
    "write the downgrade, or raise NotImplementedError to mark the revision irreversible", false};
static const struct rule_info rule_not_implemented = {
    "downgrade-not-implemented", SEV_WARNING, "downgrade() raises NotImplementedError",
    "a rollback of this deploy needs a backup restore; set --downgrade-not-implemented to change the level", false};
static const struct rule_info rule_concurrently = {
    "concurrently-outside-autocommit", SEV_ERROR,
    "CONCURRENTLY ran inside the migration's transaction, which PostgreSQL refuses",
    "wrap it in: with op.get_context().autocommit_block():", false};
static const struct rule_info rule_version_lost = {
    "version-stamp-lost", SEV_ERROR, "alembic_version does not hold the expected revision after a step",
    "do not write to alembic_version in migrations; let Alembic stamp it", false};
static const struct rule_info rule_rewrite = {
    "table-rewrite", SEV_WARNING, "the upgrade rewrote a table that existed before (new relfilenode)",
    "on a large table the rewrite holds ACCESS EXCLUSIVE for its whole duration; plan a window or avoid it", false};

static const struct rule_info rule_bypassed = {
    "capture-bypassed", SEV_INFO, "the scratch server ran a statement that the driver's capture missed",
    "run SQL through op.execute() or op.get_bind(); the statement was linted from the server's own log", false};
static const struct rule_info rule_capture_full = {
    "capture-incomplete", SEV_ERROR, "a step ran more statements of new shapes than the capture keeps",
    "they were not linted: split the data migration, or move the loop into one set-based statement", false};
static const struct rule_info rule_column_order = {
    "column-order-changed", SEV_INFO, "a table's columns are in another order after the round trip",
    "harmless unless code relies on SELECT * or COPY without a column list: a dropped and re-added column "
    "goes last",
    false};

static const struct rule_info *const rules[] = {
    &rule_step_failed,    &rule_leftover,        &rule_removes,         &rule_changes,
    &rule_not_repeatable, &rule_empty_downgrade, &rule_not_implemented, &rule_concurrently,
    &rule_version_lost,   &rule_rewrite,         &rule_bypassed,        &rule_capture_full, &rule_column_order,
};

const struct rule_info *const *replay_rules(size_t *n)
{
	*n = sizeof(rules) / sizeof(rules[0]);
	return rules;
}

void replay_result_init(struct replay_result *r)
{
	memset(r, 0, sizeof(*r));
}

void replay_result_release(struct replay_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->items[i].file);
		sourcemap_free(r->items[i].map);
		step_result_release(&r->items[i].first);
		strlist_release(&r->items[i].rewritten);
		strlist_release(&r->items[i].catalog);
		strlist_release(&r->items[i].changes);
	}
	free(r->items);
	replay_result_init(r);
}

/* The part of an identity a revision file would spell: t.ix_a -> ix_a, "Mixed" -> Mixed. */
static char *object_name(const char *identity)
{
	const char *dot = strrchr(identity, '.');
	const char *s = dot ? dot + 1 : identity;
	struct buf b = BUF_INIT;
	for (; *s; s++)
		if (*s != '"')
			buf_addc(&b, *s);
	return buf_detach(&b);
}

/* Files a finding at the line of func (or of the op.* call that names `name`). */
static void add(struct replay_ctx *c, const struct revision_outcome *o, const struct rule_info *rule, enum severity sev,
                const char *func, const char *name, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static void add(struct replay_ctx *c, const struct revision_outcome *o, const struct rule_info *rule, enum severity sev,
                const char *func, const char *name, const char *fmt, ...)
{
	struct finding *f = report_add(c->report);
	struct buf msg = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	f->rule = rule;
	f->severity = sev;
	f->message = buf_detach(&msg);
	f->file = xstrdup(o->file);
	f->revision = xstrdup(o->rev->id);
	f->line = sourcemap_mention(o->map, func, name, &f->column);
	f->end_line = f->line;
	f->end_column = f->column;
	f->source_line = sourcemap_line(o->map, f->line);
}

/* The traceback's frame in the revision file is more precise than the def line. */
static void at_error_line(struct replay_ctx *c, const struct revision_outcome *o, const struct step_result *r)
{
	struct finding *f = &c->report->items[c->report->n - 1];
	if (r->error_line > 0 && r->error_file && o->rev->path && !strcmp(r->error_file, o->rev->path)) {
		f->line = f->end_line = (unsigned)r->error_line;
		free(f->source_line);
		f->source_line = sourcemap_line(o->map, f->line);
		f->column = f->end_column = (unsigned)strspn(f->source_line, " \t") + 1;
	}
}

static void add_step_failure(struct replay_ctx *c, const struct revision_outcome *o, const char *step,
                             const struct step_result *r)
{
	const char *func = strstr(step, "downgrade") ? "downgrade" : "upgrade";
	const char *msg = r->error_message ? r->error_message : "failed";
	if (r->error_type && !strcmp(r->error_type, "NotImplementedError")) {
		if (c->not_implemented != SEV_NONE)
			add(c, o, &rule_not_implemented, c->not_implemented, func, NULL,
			    "downgrade of %s raises NotImplementedError: it cannot be rolled back", o->rev->id);
		return;
	}
	if (strstr(msg, "cannot run inside a transaction block") && strstr(msg, "CONCURRENTLY"))
		add(c, o, &rule_concurrently, SEV_ERROR, func, "CONCURRENTLY",
		    "%s of %s failed: CONCURRENTLY inside the migration's transaction", step, o->rev->id);
	else
		add(c, o, &rule_step_failed, SEV_ERROR, func, NULL, "%s of %s failed: %s%s%s", step, o->rev->id,
		    r->error_type ? r->error_type : "", r->error_type ? ": " : "", msg);
	at_error_line(c, o, r);
}

/* Grants and comments name their object after a space: "type mood", "column t.c". */
static bool is_annotation(const struct diff_entry *e)
{
	return !strcmp(e->kind, "grant") || !strcmp(e->kind, "comment");
}

/* Part of an object (a table, a type...) that is itself added or removed: reported with it, not alone. */
static bool part_of(const struct diff_entry *e, const struct diff_entry *table)
{
	size_t n = strlen(table->identity);
	const char *space = strchr(e->identity, ' ');
	if (e == table || table->change != e->change)
		return false;
	if (is_annotation(e) && space && !strcmp(space + 1, table->identity))
		return true;
	if (strcmp(table->kind, "table"))
		return false;
	if (!strncmp(e->identity, table->identity, n) && e->identity[n] == '.')
		return true;
	/* serial and identity columns own a sequence named table_column_seq */
	return !strcmp(e->kind, "sequence") && !strncmp(e->identity, table->identity, n) && e->identity[n] == '_';
}

static size_t parts(const struct diff *d, const struct diff_entry *e, bool *is_part)
{
	size_t n = 0;
	*is_part = false;
	for (size_t k = 0; k < d->n; k++) {
		*is_part |= part_of(e, &d->items[k]);
		n += part_of(&d->items[k], e) && !is_annotation(&d->items[k]);
	}
	return n;
}

static bool is_column_order(const struct diff_entry *e)
{
	return !strcmp(e->kind, "column order");
}

static void diff_finding(struct replay_ctx *c, const struct revision_outcome *o, const struct diff_entry *e,
                         bool after_downgrade, size_t n_parts)
{
	char *subject = diff_entry_subject(e), *detail = diff_entry_detail(e), *name = object_name(e->identity);
	struct buf with = BUF_INIT;
	if (n_parts)
		buf_addf(&with, " (with its %zu columns, constraints, indexes and sequences)", n_parts);
	if (is_column_order(e))
		add(c, o, &rule_column_order, SEV_INFO, "downgrade", name,
		    "%s are reordered after %s of %s: %s became %s", subject,
		    after_downgrade ? "downgrade" : "downgrade and re-upgrade", o->rev->id, e->before, e->after);
	else if (!after_downgrade)
		add(c, o, &rule_not_repeatable, SEV_ERROR, "downgrade", name,
		    "%s %s after downgrade and re-upgrade of %s%s", subject, detail, o->rev->id, buf_str(&with));
	else if (e->change == DIFF_ADDED)
		add(c, o, &rule_leftover, SEV_ERROR, "downgrade", name, "%s still exists after downgrade of %s%s",
		    subject, o->rev->id, buf_str(&with));
	else if (e->change == DIFF_REMOVED)
		add(c, o, &rule_removes, SEV_ERROR, "downgrade", name, "%s is missing after downgrade of %s%s", subject,
		    o->rev->id, buf_str(&with));
	else
		add(c, o, &rule_changes, SEV_ERROR, "downgrade", name, "%s differs after downgrade of %s: %s", subject,
		    o->rev->id, detail);
	buf_release(&with);
	free(subject);
	free(detail);
	free(name);
}

/* Returns the number of differences, column order aside: that alone does not break the round trip. */
static size_t diff_findings(struct replay_ctx *c, const struct revision_outcome *o, const struct snapshot *a,
                            const struct snapshot *b, bool after_downgrade)
{
	struct diff d = DIFF_INIT;
	size_t n_diff = diff_snapshots(a, b, &d);
	for (size_t i = 0; i < d.n; i++) {
		bool is_part;
		size_t n = parts(&d, &d.items[i], &is_part);
		n_diff -= is_column_order(&d.items[i]);
		if (!is_part)
			diff_finding(c, o, &d.items[i], after_downgrade, n);
	}
	diff_release(&d);
	return n_diff;
}

/* alembic_version must hold rev after an upgrade and must not after its downgrade. */
static int check_stamp(struct replay_ctx *c, const struct revision_outcome *o, bool expect_present, const char *step)
{
	struct strlist rows = STRLIST_INIT;
	int rc = pg_alembic_versions(c->db, NULL, NULL, &rows);
	if (rc == 0 && expect_present) {
		strlist_release(&rows);
		return gate_error(
		    EXIT_ENV, "make env.py connect with config.get_main_option(\"sqlalchemy.url\") or DATABASE_URI",
		    "env.py did not migrate the scratch database: no alembic_version there after %s of '%s'", step,
		    o->rev->id);
	}
	if (rc >= 0 && strlist_has(&rows, o->rev->id) != expect_present)
		add(c, o, &rule_version_lost, SEV_ERROR, expect_present ? "upgrade" : "downgrade", NULL,
		    "after %s of %s alembic_version %s '%s'", step, o->rev->id,
		    expect_present ? "does not hold" : "still holds", o->rev->id);
	strlist_release(&rows);
	return rc < 0 ? -1 : 0;
}

static size_t migration_statements(const struct step_result *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n_stmts; i++)
		n += r->stmts[i].kind == STMT_MIGRATION;
	return n;
}

/* env.py itself raised before any migration ran: the project is broken, not this revision. */
static int env_failure(const struct step_result *r)
{
	const char *base = r->error_file ? strrchr(r->error_file, '/') : NULL;
	const char *msg = r->error_message ? r->error_message : "failed";
	if (r->status != STEP_FAILED || !base || strcmp(base + 1, "env.py") || migration_statements(r))
		return 0;
	return gate_error(EXIT_USAGE, "fix env.py: it must run the migrations on the URL it is given",
	                  "env.py raised %s%s%.*s ('%s', line %d)", r->error_type ? r->error_type : "",
	                  r->error_type ? ": " : "", (int)strcspn(msg, "\n"), msg, r->error_file, r->error_line);
}

/* Lint rules that predict a rewrite: their finding on the table is the one to keep. */
static const char *const rewrite_rules[] = {"alter-column-type",
                                            "add-column-rewrite",
                                            "add-column-volatile-default",
                                            "set-access-method",
                                            "set-logged-unlogged",
                                            "vacuum-full",
                                            "cluster"};

static bool predicts_rewrite(const struct finding *f, const char *quoted)
{
	for (size_t i = 0; i < sizeof rewrite_rules / sizeof *rewrite_rules; i++)
		if (f->rule && !strcmp(f->rule->id, rewrite_rules[i]))
			return f->message && strstr(f->message, quoted);
	return false;
}

/* Appends the observation to every lint finding that predicted this table's rewrite; how many there were. */
static size_t confirm_lint(struct report *r, size_t first, const char *table)
{
	struct buf quoted = BUF_INIT;
	size_t n = 0;
	buf_addf(&quoted, "\"%s\"", table);
	for (size_t i = first; i < r->n; i++) {
		if (!predicts_rewrite(&r->items[i], quoted.data))
			continue;
		struct buf msg = BUF_INIT;
		buf_addf(&msg, "%s (observed: the scratch database rewrote %s)", r->items[i].message, quoted.data);
		free(r->items[i].message);
		r->items[i].message = buf_detach(&msg);
		n++;
	}
	buf_release(&quoted);
	return n;
}

static bool rewrote(const struct revision_outcome *o, const char *kind_name)
{
	return strlist_has(&o->rewritten, kind_name);
}

/* An index rebuilt because its table was rewritten ("t.ix": table "t") is part of that rewrite. */
static bool rebuilt_with_table(const struct revision_outcome *o, const char *index)
{
	const char *dot = strrchr(index, '.');
	struct buf key = BUF_INIT;
	buf_addf(&key, "table\t%.*s", dot ? (int)(dot - index) : 0, index);
	bool with = dot && rewrote(o, key.data);
	buf_release(&key);
	return with;
}

void replay_rewrite_findings(struct replay_ctx *c, const struct revision_outcome *o, size_t lint_first)
{
	for (size_t i = 0; i < o->rewritten.n; i++) {
		const char *id = strchr(o->rewritten.items[i], '\t') + 1;
		bool index = !strncmp(o->rewritten.items[i], "index", 5);
		char *name = object_name(id);
		if (index && !rebuilt_with_table(o, id))
			add(c, o, &rule_rewrite, SEV_INFO, "upgrade", name, "upgrade of %s rebuilt index \"%s\"",
			    o->rev->id, name);
		else if (!index && !confirm_lint(c->report, lint_first, id))
			add(c, o, &rule_rewrite, rule_rewrite.severity, "upgrade", name,
			    "upgrade of %s rewrote table \"%s\": every row was copied under an ACCESS EXCLUSIVE lock",
			    o->rev->id, name);
		free(name);
	}
}

/*
 * Adds to r what the scratch server logged for the step but the capture
 * missed (replay/capture_check.h), with a finding for each when o is given.
 */
static int cross_check(struct replay_ctx *c, const struct revision_outcome *o, const char *step, struct step_result *r)
{
	const char *func = strstr(step, "downgrade") ? "downgrade" : "upgrade";
	size_t before = r->n_stmts;
	if (!c->scratch)
		return 0;
	if (capture_check(c->scratch, c->db, o ? o->rev->id : NULL, r) < 0)
		return -1;
	for (size_t i = 0; o && i < r->n_stmts; i++) {
		const char *sql = r->stmts[i].sql + strspn(r->stmts[i].sql, " \t\r\n");
		size_t n = strcspn(sql, "\r\n");
		/* The one way around the cross-check: turning the log off. That statement is logged first. */
		bool silences = strcasestr(sql, "log_statement") || strcasestr(sql, "alter system");
		if (i >= before || silences)
			add(c, o, &rule_bypassed, silences ? SEV_ERROR : SEV_INFO, func, NULL, "%s of %s: %s: %.*s%s",
			    step, o->rev->id,
			    silences
			        ? "a statement changes the server's statement log, which the capture cross-check reads"
			        : "the server ran a statement the capture missed, linted from its log",
			    (int)(n > 120 ? 120 : n), sql, n > 120 || sql[n] ? "..." : "");
	}
	if (o && r->n_overflow)
		add(c, o, &rule_capture_full, SEV_ERROR, func, NULL,
		    "%s of %s ran %zu statements of new shapes past the capture's limit; they were not linted", step,
		    o->rev->id, r->n_overflow);
	return 0;
}

/* A step that could not run to an end (timeout, dead driver) stops everything: -1. */
static int run_step(struct replay_ctx *c, struct revision_outcome *o, const char *step, bool up, struct step_result *r,
                    double *at, double *ms)
{
	*at = progress_begin("%s %s", step, o->rev->id);
	int rc = up ? step_upgrade(c->steps, o->rev->id, r) : step_downgrade(c->steps, o->rev->id, NULL, r);
	progress_end(!rc && r->status == STEP_OK);
	*ms = r->duration_ms;
	if (rc || cross_check(c, o, step, r) || env_failure(r))
		return -1;
	if (r->status != STEP_OK)
		add_step_failure(c, o, step, r);
	log_debug("%s %s: %s in %.0f ms, %zu statements", step, o->rev->id, r->status == STEP_OK ? "ok" : "failed",
	          r->duration_ms, r->n_stmts);
	return 0;
}

struct snapshots {
	struct snapshot s0, s1, s2, s3;
	struct strlist nodes0, nodes1;
};

static int snap(struct replay_ctx *c, struct snapshot *s)
{
	return snapshot_take(c->db, s);
}

int replay_snapshot(struct replay_ctx *c, struct snapshot *out)
{
	return snap(c, out);
}

/* The lines the lint needs to know the schema a revision starts from (see lint_unit.catalog). */
static void keep_catalog(const struct snapshot *s0, struct strlist *out)
{
	static const char *const kinds[] = {"column\t", "constraint\t", "index\t"};
	for (size_t i = 0; i < s0->lines.n; i++)
		for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
			if (!strncmp(s0->lines.items[i], kinds[k], strlen(kinds[k])))
				strlist_add(out, s0->lines.items[i]);
}

/* What an upgrade changed, in words: apply compares production's changes with these. */
static void record_changes(const struct snapshot *s0, const struct snapshot *s1, struct strlist *out)
{
	struct diff d = DIFF_INIT;
	diff_snapshots(s0, s1, &d);
	for (size_t i = 0; i < d.n; i++)
		strlist_add_owned(out, diff_entry_describe(&d.items[i]));
	diff_release(&d);
}

/* Upgrade, snapshot; returns 1 when the replay of this revision cannot go on, -1 on environment errors. */
static int first_upgrade(struct replay_ctx *c, struct revision_outcome *o, struct snapshots *s, bool have_s0)
{
	if ((!have_s0 && snap(c, &s->s0)) || snapshot_relfilenodes(c->db, &s->nodes0))
		return -1;
	keep_catalog(&s->s0, &o->catalog);
	if (run_step(c, o, "upgrade", true, &o->first, &o->up_at, &o->up_ms))
		return -1;
	if (o->first.status != STEP_OK)
		return 1;
	o->upgraded = true;
	if (check_stamp(c, o, true, "upgrade") || snap(c, &s->s1) || snapshot_relfilenodes(c->db, &s->nodes1))
		return -1;
	snapshot_rewritten(&s->nodes0, &s->nodes1, &o->rewritten);
	record_changes(&s->s0, &s->s1, &o->changes);
	return 0;
}

/* Downgrade and upgrade again; returns 1 when the database is left where no later revision can build on it. */
static int round_trip(struct replay_ctx *c, struct revision_outcome *o, struct snapshots *s)
{
	struct step_result down, up2;
	step_result_init(&down);
	step_result_init(&up2);
	int rc = run_step(c, o, "downgrade", false, &down, &o->down_at, &o->down_ms);
	if (rc || down.status != STEP_OK)
		goto out; /* the failed downgrade rolled back: still at this revision */
	o->downgraded = true;
	if (!migration_statements(&down) && migration_statements(&o->first))
		add(c, o, &rule_empty_downgrade, SEV_WARNING, "downgrade", NULL,
		    "downgrade of %s executes no statement although its upgrade ran %zu", o->rev->id,
		    migration_statements(&o->first));
	rc = check_stamp(c, o, false, "downgrade");
	if (!rc)
		rc = snap(c, &s->s2);
	if (rc)
		goto out;
	bool restored = !diff_findings(c, o, &s->s0, &s->s2, true);
	rc = run_step(c, o, "second upgrade", true, &up2, &o->up2_at, &o->up2_ms);
	if (rc || up2.status != STEP_OK) {
		rc = rc ? rc : 1;
		goto out;
	}
	o->reupgraded = true;
	rc = check_stamp(c, o, true, "second upgrade");
	if (!rc)
		rc = snap(c, &s->s3);
	/* From a state the downgrade did not restore, S3 != S1 only repeats what S2 != S0 said. */
	if (!rc && restored)
		diff_findings(c, o, &s->s1, &s->s3, false);
out:
	step_result_release(&down);
	step_result_release(&up2);
	return rc;
}

static void snapshots_release(struct snapshots *s)
{
	snapshot_release(&s->s0);
	snapshot_release(&s->s1);
	snapshot_release(&s->s2);
	snapshot_release(&s->s3);
	strlist_release(&s->nodes0);
	strlist_release(&s->nodes1);
}

static char *display_path(const struct replay_ctx *c, const char *path)
{
	size_t n = c->project_dir ? strlen(c->project_dir) : 0;
	if (!path)
		return xstrdup("<unknown revision file>");
	if (n && !strncmp(path, c->project_dir, n) && path[n] == '/')
		return xstrdup(path + n + 1);
	return xstrdup(path);
}

/*
 * The state a revision leaves behind is the next one's S0: carry passes that
 * snapshot on (one catalog snapshot in four saved) while *have_carry.
 */
static int replay_one(struct replay_ctx *c, struct revision_outcome *o, struct snapshot *carry, bool *have_carry)
{
	struct snapshots s;
	memset(&s, 0, sizeof(s));
	if (*have_carry)
		s.s0 = *carry, *carry = (struct snapshot)SNAPSHOT_INIT;
	int rc = first_upgrade(c, o, &s, *have_carry);
	if (!rc)
		rc = round_trip(c, o, &s);
	struct snapshot *last = o->reupgraded ? &s.s3 : o->upgraded && !o->downgraded ? &s.s1 : NULL;
	*have_carry = !rc && last;
	if (*have_carry)
		*carry = *last, *last = (struct snapshot)SNAPSHOT_INIT;
	snapshots_release(&s);
	return rc;
}

int replay_revisions(struct replay_ctx *c, const struct strlist *fresh, struct replay_result *out)
{
	struct snapshot carry = SNAPSHOT_INIT;
	bool have_carry = false;
	int rc = 0;
	for (size_t i = 0; i < fresh->n && !out->stopped && rc >= 0; i++) {
		XGROW(out->items, out->alloc, out->n + 1);
		struct revision_outcome *o = &out->items[out->n++];
		memset(o, 0, sizeof(*o));
		o->rev = rev_graph_find(c->graph, fresh->items[i]);
		o->file = display_path(c, o->rev->path);
		o->map = sourcemap_new(o->rev->path);
		step_result_init(&o->first);
		log_info("replay %zu/%zu %s %s", i + 1, fresh->n, o->rev->id, o->rev->doc ? o->rev->doc : "");
		rc = replay_one(c, o, &carry, &have_carry);
		out->stopped = rc > 0;
	}
	snapshot_release(&carry);
	return rc < 0 ? -1 : 0;
}

int replay_baseline(struct replay_ctx *c, const struct strlist *targets)
{
	for (size_t i = 0; i < targets->n; i++) {
		struct step_result r;
		step_result_init(&r);
		log_info("baseline: upgrade to %s", targets->items[i]);
		int rc = step_upgrade(c->steps, targets->items[i], &r);
		if (!rc)
			rc = cross_check(c, NULL, "baseline upgrade", &r);
		if (!rc)
			rc = env_failure(&r);
		if (!rc && r.status != STEP_OK)
			rc = gate_error(EXIT_FAIL,
			                "the revisions production already has must replay on an empty database",
			                "baseline upgrade to '%s' failed: %s", targets->items[i],
			                r.error_message ? r.error_message : "unknown error");
		step_result_release(&r);
		if (rc)
			return -1;
	}
	return 0;
}

/* Whole-history findings are filed under the head revision: no single revision owns them. */
static void whole_diff(struct replay_ctx *c, const struct revision_outcome *head, const struct snapshot *a,
                       const struct snapshot *b, const char *when)
{
	struct diff d = DIFF_INIT;
	diff_snapshots(a, b, &d);
	for (size_t i = 0; i < d.n; i++) {
		char *what = diff_entry_describe(&d.items[i]), *name = object_name(d.items[i].identity);
		const struct rule_info *rule = is_column_order(&d.items[i])      ? &rule_column_order
		                               : d.items[i].change == DIFF_ADDED ? &rule_leftover
		                                                                 : &rule_not_repeatable;
		add(c, head, rule, rule->severity, "downgrade", name, "%s %s", what, when);
		free(what);
		free(name);
	}
	diff_release(&d);
}

static int whole_step(struct replay_ctx *c, const struct revision_outcome *head, bool up, struct snapshot *after)
{
	struct step_result r;
	step_result_init(&r);
	int rc = up ? step_upgrade(c->steps, "heads", &r) : step_downgrade(c->steps, head->rev->id, "base", &r);
	if (!rc)
		rc = cross_check(c, NULL, up ? "upgrade base->heads" : "downgrade heads->base", &r);
	if (!rc && r.status != STEP_OK)
		add_step_failure(c, head, up ? "upgrade base->heads" : "downgrade heads->base", &r);
	if (!rc && r.status == STEP_OK)
		rc = snap(c, after);
	else if (!rc)
		rc = 1;
	step_result_release(&r);
	return rc;
}

int replay_whole(struct replay_ctx *c, const struct replay_result *res, const struct snapshot *empty)
{
	if (!res->n || res->stopped)
		return 0;
	const struct revision_outcome *head = &res->items[res->n - 1];
	struct snapshot at_head = SNAPSHOT_INIT, at_base = SNAPSHOT_INIT, again = SNAPSHOT_INIT;
	log_info("replay base <-> head as a whole");
	int rc = snap(c, &at_head);
	if (!rc)
		rc = whole_step(c, head, false, &at_base);
	if (!rc) {
		whole_diff(c, head, empty, &at_base, "after downgrade of the whole history to base");
		rc = whole_step(c, head, true, &again);
	}
	if (!rc)
		whole_diff(c, head, &at_head, &again, "after upgrading the whole history again");
	snapshot_release(&at_head);
	snapshot_release(&at_base);
	snapshot_release(&again);
	return rc < 0 ? -1 : 0;
}
