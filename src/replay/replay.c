/*
 * The upgrade / downgrade / upgrade replay of each new revision, with
 * snapshot comparisons: S0 -> upgrade -> S1 -> downgrade -> S2 (== S0) ->
 * upgrade -> S3 (== S1).
 */
#include "replay/replay.h"

#include <regex.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "pg/conn.h"
#include "pg/diff.h"
#include "replay/capture_check.h"
#include "replay/sourcemap.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/interrupt.h"
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
static const struct rule_info rule_does_nothing = {
    "downgrade-does-nothing", SEV_ERROR,
    "downgrade() is empty (pass) although upgrade() changed the schema, and the revision is not marked one-way",
    "write the downgrade; or, when the revision cannot go down on purpose, mark it one-way: "
    "migrate_gate_one_way = True in its file, or one_way = REV in [migrate_gate] of alembic.ini",
    false};
static const struct rule_info rule_data_only = {
    "data-migration-downgrade", SEV_INFO, "downgrade() is empty and the upgrade changed data only: nothing to undo",
    "nothing to do; write a downgrade if the data change must be reverted on rollback", false};
static const struct rule_info rule_irreversible = {
    "irreversible-downgrade", SEV_WARNING,
    "downgrade() is declared irreversible: it raises NotImplementedError, RuntimeError or an error saying it "
    "cannot downgrade, or its body is empty",
    "a rollback of this deploy needs a backup restore; set --irreversible-downgrade to change the level", false};
static const struct rule_info rule_not_replayed = {
    "not-replayed", SEV_INFO, "the replay could not reach this revision",
    "fix the revision the replay stopped at (its first upgrade failed), then run check again", false};
static const struct rule_info rule_concurrently = {
    "concurrently-outside-autocommit", SEV_ERROR,
    "CONCURRENTLY ran inside the migration's transaction, which PostgreSQL refuses",
    "wrap it in: with op.get_context().autocommit_block():", false};
static const struct rule_info rule_version_lost = {
    "version-stamp-lost", SEV_ERROR, "alembic_version does not hold the expected revision after a step",
    "do not commit inside a migration (run what must be outside the transaction in "
    "op.get_context().autocommit_block()), and do not write to alembic_version: let Alembic stamp it",
    false};
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
    &rule_step_failed,    &rule_leftover,        &rule_removes,      &rule_changes,
    &rule_not_repeatable, &rule_empty_downgrade, &rule_irreversible, &rule_concurrently,
    &rule_version_lost,   &rule_rewrite,         &rule_not_replayed, &rule_bypassed,
    &rule_capture_full,   &rule_column_order,    &rule_does_nothing, &rule_data_only,
};

const struct rule_info *const *replay_rules(size_t *n)
{
	*n = sizeof(rules) / sizeof(rules[0]);
	return rules;
}

static const char *const state_names[] = {"not replayed", "clean", "failed", "one-way", "stopped"};

const char *revision_state_name(enum revision_state st)
{
	return (unsigned)st < sizeof(state_names) / sizeof(state_names[0]) ? state_names[st] : "?";
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
	free(r->reason);
	replay_result_init(r);
}

size_t replay_count(const struct replay_result *r, enum revision_state st)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n; i++)
		n += r->items[i].state == st;
	return n;
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

static bool is_hex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

/* Digits after a word ("process 4711", "pid=4711"): what differs from run to run. */
static size_t pid_digits(const char *s, const char *start)
{
	static const char *const words[] = {"process ", "pid ", "pid=", "PID "};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t n = strlen(words[i]);
		if (s - start >= (ptrdiff_t)n && !strncmp(s - n, words[i], n)) {
			size_t d = strspn(s, "0123456789");
			return d;
		}
	}
	return 0;
}

/*
 * Finding messages must not change from run to run (sticky PR comments and
 * Code Quality fingerprints compare them): " at 0x7f..." of Python reprs goes,
 * the scratch dir becomes <scratch>, pids become N.
 */
static char *stable_text(const struct replay_ctx *c, const char *msg)
{
	struct buf b = BUF_INIT;
	size_t dir_len = c->scratch_dir ? strlen(c->scratch_dir) : 0;
	for (const char *p = msg; *p;) {
		size_t hex = 0, digits;
		if (!strncmp(p, " at 0x", 6))
			for (hex = 6; is_hex(p[hex]); hex++)
				;
		if (hex > 6) {
			p += hex;
		} else if (dir_len && !strncmp(p, c->scratch_dir, dir_len)) {
			buf_adds(&b, "<scratch>");
			p += dir_len;
		} else if ((digits = pid_digits(p, msg)) > 0) {
			buf_addc(&b, 'N');
			p += digits;
		} else {
			buf_addc(&b, *p++);
		}
	}
	return buf_detach(&b);
}

/* Files a finding at the line of func (or of the op.* call that names `name`). */
static struct finding *add(struct replay_ctx *c, const struct revision_outcome *o, const struct rule_info *rule,
                           enum severity sev, const char *func, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
static struct finding *add(struct replay_ctx *c, const struct revision_outcome *o, const struct rule_info *rule,
                           enum severity sev, const char *func, const char *name, const char *fmt, ...)
{
	struct finding *f = report_add(c->report);
	struct buf msg = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	f->rule = rule;
	f->severity = sev;
	f->message = stable_text(c, buf_str(&msg));
	f->file = xstrdup(o->file);
	f->revision = xstrdup(o->rev->id);
	f->line = sourcemap_mention(o->map, func, name, &f->column);
	f->end_line = f->line;
	f->end_column = f->column;
	f->source_line = sourcemap_line(o->map, f->line);
	buf_release(&msg);
	return f;
}

/* Moves f to a line of the revision file (a traceback frame, a commit call): more precise than the def line. */
static void at_line(const struct revision_outcome *o, struct finding *f, int line)
{
	if (line <= 0)
		return;
	f->line = f->end_line = (unsigned)line;
	free(f->source_line);
	f->source_line = sourcemap_line(o->map, f->line);
	f->column = f->end_column = (unsigned)strspn(f->source_line, " \t") + 1;
}

static void at_error_line(const struct revision_outcome *o, struct finding *f, const struct step_result *r)
{
	if (r->error_line > 0 && r->error_file && o->rev->path && !strcmp(r->error_file, o->rev->path))
		at_line(o, f, r->error_line);
}

/*
 * A downgrade declared irreversible: raise NotImplementedError, RuntimeError,
 * or any error whose message says it cannot go back, raised by the revision's
 * own code (an error from a library it calls is a real failure).
 */
static bool declared_irreversible(const struct step_result *r)
{
	static regex_t says_cannot;
	static bool compiled;
	if (!r->raised_by_revision || !r->error_type)
		return false;
	if (!strcmp(r->error_type, "NotImplementedError") || !strcmp(r->error_type, "RuntimeError"))
		return true;
	if (!compiled)
		compiled = !regcomp(&says_cannot,
		                    "irreversible|not reversible|non-?reversible|one-way|no downgrade|"
		                    "(cannot|can't|can not|unable to|not possible to|impossible to|not) *(be )?"
		                    "(downgrad|revers|revert|undo|undone|roll ?back|rolled back|go back)",
		                    REG_EXTENDED | REG_ICASE | REG_NOSUB);
	return compiled && r->error_message && !regexec(&says_cannot, r->error_message, 0, NULL, 0);
}

static void add_irreversible(struct replay_ctx *c, const struct revision_outcome *o, const struct step_result *r)
{
	if (c->irreversible == SEV_NONE)
		return;
	struct finding *f;
	if (r->status == STEP_OK) {
		add(c, o, &rule_irreversible, c->irreversible, "downgrade", NULL,
		    "downgrade of %s is empty: it cannot be rolled back", o->rev->id);
		return;
	}
	f = add(c, o, &rule_irreversible, c->irreversible, "downgrade", NULL,
	        "downgrade of %s raises %s: it cannot be rolled back", o->rev->id, r->error_type);
	at_error_line(o, f, r);
}

static void add_step_failure(struct replay_ctx *c, const struct revision_outcome *o, const char *step,
                             const struct step_result *r)
{
	const char *func = strstr(step, "downgrade") ? "downgrade" : "upgrade";
	const char *msg = r->error_message ? r->error_message : "failed";
	struct finding *f;
	if (strstr(msg, "cannot run inside a transaction block") && strstr(msg, "CONCURRENTLY"))
		f = add(c, o, &rule_concurrently, SEV_ERROR, func, "CONCURRENTLY",
		        "%s of %s failed: CONCURRENTLY inside the migration's transaction", step, o->rev->id);
	else
		f = add(c, o, &rule_step_failed, SEV_ERROR, func, NULL, "%s of %s failed: %s%s%s", step, o->rev->id,
		        r->error_type ? r->error_type : "", r->error_type ? ": " : "", msg);
	at_error_line(o, f, r);
}
/* Grants and comments name their object after a space: "type mood", "column t.c". */
static bool is_annotation(const struct diff_entry *e)
{
	return !strcmp(e->kind, "grant") || !strcmp(e->kind, "comment");
}

static bool is_column_order(const struct diff_entry *e)
{
	return !strcmp(e->kind, "column order");
}

static bool is_relation(const struct diff_entry *e)
{
	return !strcmp(e->kind, "table") || !strcmp(e->kind, "view") || !strcmp(e->kind, "matview");
}

/* e and r belong to one root object: the same relation (the snapshot's owner), or r is what e annotates. */
static bool same_root(const struct diff_entry *e, const struct diff_entry *r)
{
	const char *space = strchr(e->identity, ' ');
	if (is_column_order(e) || is_column_order(r) || e->cosmetic || r->cosmetic)
		return e == r;
	if (e->owner && r->owner)
		return !strcmp(e->owner, r->owner);
	return e == r || (is_annotation(e) && !r->owner && space && !strcmp(space + 1, r->identity));
}

/*
 * The entry a finding leads with for e's root object: the relation itself
 * when it is in the diff, else the root's first entry. One defect (a table
 * the downgrade forgot) is one finding, not one per column, index and
 * sequence of it.
 */
static size_t lead_of(const struct diff *d, size_t e)
{
	size_t first = e;
	for (size_t k = 0; k < d->n; k++) {
		if (!same_root(&d->items[e], &d->items[k]))
			continue;
		if (is_relation(&d->items[k]) || (d->items[k].owner == NULL && k != e))
			return k;
		first = k < first ? k : first;
	}
	return first;
}

/* How many objects of the lead's root (not itself) there are; *same_change: all changed as the lead did. */
static size_t members(const struct diff *d, const size_t *leads, size_t lead, bool *same_change, size_t *parts)
{
	size_t n = 0;
	*same_change = true;
	*parts = 0;
	for (size_t k = 0; k < d->n; k++)
		if (k != lead && leads[k] == lead) {
			n++;
			*same_change &= d->items[k].change == d->items[lead].change;
			*parts += !is_annotation(&d->items[k]);
		}
	return n;
}

/* " (with its 4 columns, ...)" for a relation added or removed whole; else the first objects by name. */
static void add_with(struct buf *with, const struct diff *d, const size_t *leads, size_t lead, struct finding *f)
{
	bool same_change;
	size_t parts, n = members(d, leads, lead, &same_change, &parts), listed = 0;
	const struct diff_entry *l = &d->items[lead];
	if (!n)
		return;
	bool whole = l->change != DIFF_CHANGED && same_change; /* added or removed with all its parts */
	if (whole) {
		if (parts)
			buf_addf(with, " (with its %zu columns, constraints, indexes and sequences)", parts);
	} else {
		buf_addf(with, "; and %zu more object(s) of \"%s\":", n, l->owner ? l->owner : l->identity);
	}
	for (size_t k = 0; k < d->n; k++) {
		if (k == lead || leads[k] != lead)
			continue;
		char *what = diff_entry_describe(&d->items[k]);
		if (!whole && listed++ < 3)
			buf_addf(with, "%s %s", listed > 1 ? "," : "", what);
		strlist_add_owned(&f->objects, what);
	}
	if (listed > 3)
		buf_adds(with, ", ...");
}

static struct finding *diff_finding(struct replay_ctx *c, const struct revision_outcome *o, const struct diff_entry *e,
                                    bool after_downgrade)
{
	char *subject = diff_entry_subject(e), *detail = diff_entry_detail(e), *name = object_name(e->identity);
	struct finding *f;
	const char *step = after_downgrade ? "downgrade" : "downgrade and re-upgrade";
	if (is_column_order(e))
		f = add(c, o, &rule_column_order, SEV_INFO, "downgrade", name,
		        "%s are reordered after %s of %s: %s became %s", subject, step, o->rev->id, e->before,
		        e->after);
	else if (e->cosmetic)
		f = add(c, o, after_downgrade ? &rule_changes : &rule_not_repeatable, SEV_INFO, "downgrade", name,
		        "%s differs in whitespace only after %s of %s", subject, step, o->rev->id);
	else if (!after_downgrade)
		f = add(c, o, &rule_not_repeatable, SEV_ERROR, "downgrade", name, "%s %s after %s of %s", subject,
		        detail, step, o->rev->id);
	else if (e->change == DIFF_ADDED)
		f = add(c, o, &rule_leftover, SEV_ERROR, "downgrade", name, "%s still exists after downgrade of %s",
		        subject, o->rev->id);
	else if (e->change == DIFF_REMOVED)
		f = add(c, o, &rule_removes, SEV_ERROR, "downgrade", name, "%s is missing after downgrade of %s",
		        subject, o->rev->id);
	else
		f = add(c, o, &rule_changes, SEV_ERROR, "downgrade", name, "%s differs after downgrade of %s: %s",
		        subject, o->rev->id, detail);
	free(subject);
	free(detail);
	free(name);
	return f;
}

/* One finding per root object, its other objects listed in the finding (objects[]) and its message. */
static void root_finding(struct replay_ctx *c, const struct revision_outcome *o, const struct diff *d,
                         const size_t *leads, size_t lead, bool after_downgrade)
{
	struct finding *f = diff_finding(c, o, &d->items[lead], after_downgrade);
	struct buf with = BUF_INIT;
	add_with(&with, d, leads, lead, f);
	if (with.len) {
		struct buf msg = BUF_INIT;
		buf_addf(&msg, "%s%s", f->message, with.data);
		free(f->message);
		f->message = stable_text(c, msg.data);
		buf_release(&msg);
	}
	buf_release(&with);
}

/* Returns the number of differences, column order and whitespace aside: those do not break the round trip. */
static size_t diff_findings(struct replay_ctx *c, const struct revision_outcome *o, const struct snapshot *a,
                            const struct snapshot *b, bool after_downgrade)
{
	struct diff d = DIFF_INIT;
	size_t n_diff = diff_snapshots(a, b, &d);
	size_t *leads = xcalloc(d.n + 1, sizeof(*leads));
	for (size_t i = 0; i < d.n; i++)
		leads[i] = lead_of(&d, i);
	for (size_t i = 0; i < d.n; i++) {
		n_diff -= is_column_order(&d.items[i]) || d.items[i].cosmetic;
		if (leads[i] == i)
			root_finding(c, o, &d, leads, i, after_downgrade);
	}
	free(leads);
	diff_release(&d);
	return n_diff;
}

/*
 * alembic_version must hold rev after an upgrade and must not after its
 * downgrade. Returns 0, 1 when it does not (a version-stamp-lost finding is
 * filed, naming the Connection.commit() that lost it when the driver saw one),
 * -1 on an environment error.
 */
static int check_stamp(struct replay_ctx *c, const struct revision_outcome *o, bool expect_present, const char *step,
                       const struct step_result *r)
{
	struct strlist rows = STRLIST_INIT;
	int rc = pg_alembic_versions(*c->db, NULL, NULL, &rows), lost = 0;
	if (rc == 0 && expect_present) {
		strlist_release(&rows);
		return gate_error(
		    EXIT_ENV, "make env.py connect with config.get_main_option(\"sqlalchemy.url\") or DATABASE_URI",
		    "env.py did not migrate the scratch database: no alembic_version there after %s of '%s'", step,
		    o->rev->id);
	}
	lost = rc >= 0 && strlist_has(&rows, o->rev->id) != expect_present;
	bool committed = lost && r->commit_revision && !strcmp(r->commit_revision, o->rev->id);
	if (committed) {
		struct finding *f =
		    add(c, o, &rule_version_lost, SEV_ERROR, expect_present ? "upgrade" : "downgrade", NULL,
		        "%s of %s lost its version stamp: connection.commit() at line %d committed the "
		        "migration's transaction, and the stamp Alembic wrote after it was rolled back",
		        step, o->rev->id, r->commit_line);
		at_line(o, f, r->commit_line);
	} else if (lost) {
		add(c, o, &rule_version_lost, SEV_ERROR, expect_present ? "upgrade" : "downgrade", NULL,
		    "after %s of %s alembic_version %s '%s'", step, o->rev->id,
		    expect_present ? "does not hold" : "still holds", o->rev->id);
	}
	strlist_release(&rows);
	return rc < 0 ? -1 : lost;
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
	/* Alembic's CommandError (e.g. "not a head") passes through env.py too, but it is about the revision. */
	if (r->status != STEP_FAILED || !base || strcmp(base + 1, "env.py") || migration_statements(r) ||
	    r->error_revision || (r->error_type && !strcmp(r->error_type, "CommandError")))
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
	if (capture_check(c->scratch, *c->db, o ? o->rev->id : NULL, r) < 0)
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

/* A step that could not run to an end (timeout, dead driver) stops everything: -1. Failures are not filed here. */
static int run_step(struct replay_ctx *c, struct revision_outcome *o, const char *step, bool up, struct step_result *r,
                    double *at, double *ms)
{
	*at = progress_begin("%s %s", step, o->rev->id);
	step_hold_commits(c->steps, o->hold_commits);
	interrupt_where("%s of %s (revision %zu of %zu)", step, o->rev->id, c->at, c->total);
	int rc = up ? step_upgrade(c->steps, o->rev->id, r) : step_downgrade(c->steps, o->rev->id, NULL, r);
	progress_end(!rc && r->status == STEP_OK);
	*ms = r->duration_ms;
	if (rc || cross_check(c, o, step, r) || env_failure(r))
		return -1;
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
	return snapshot_take(*c->db, s);
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

/*
 * A checkpoint closes the gate's connection and opens a new one, on a new
 * backend: keep that one out of the statement log too, and skip what the
 * copy itself logged (the capture cross-check would take them for the
 * revision's).
 */
static int checkpoint_done(struct replay_ctx *c, int rc)
{
	return !rc && c->scratch ? scratch_log_attach(c->scratch, *c->db) : rc;
}

/* The checkpoint then holds the first `upgraded` revisions of the replay upgraded. */
static int save_checkpoint(struct replay_ctx *c, size_t upgraded)
{
	c->saved = upgraded;
	return checkpoint_done(c, checkpoint_save(c->checkpoint, c->db));
}

/*
 * A save costs a template copy and new sessions for the gate and env.py,
 * whose first catalog queries run on cold caches: about 120 ms, 40% of a
 * clean revision, measured on bench/check's 300 revisions. Saving after every
 * CHECKPOINT_EVERY-th first upgrade instead, a failure costs the upgrades
 * since the last save run again (rebuild()).
 */
#define CHECKPOINT_EVERY 10

static bool checkpoint_due(const struct replay_ctx *c)
{
	return c->checkpoint && c->at - c->saved >= CHECKPOINT_EVERY;
}

/* 1 when alembic_version holds rev, 0 when it does not, -1 with a recorded error. */
static int stamped(struct replay_ctx *c, const char *rev)
{
	struct strlist rows = STRLIST_INIT;
	int rc = pg_alembic_versions(*c->db, NULL, NULL, &rows) < 0 ? -1 : strlist_has(&rows, rev);
	strlist_release(&rows);
	return rc;
}

static int upgrade_again_quietly(struct replay_ctx *c, const struct revision_outcome *o)
{
	struct step_result r;
	step_result_init(&r);
	step_hold_commits(c->steps, o->hold_commits);
	interrupt_where("upgrading %s again after restoring the checkpoint", o->rev->id);
	int rc = step_upgrade(c->steps, o->rev->id, &r);
	int stamp = !rc && r.status == STEP_OK ? stamped(c, o->rev->id) : 0;
	if (!rc && stamp < 0)
		rc = -1;
	else if (!rc && !stamp)
		rc = gate_error(EXIT_ENV,
		                "its first upgrade in this run passed: does it depend on something outside the "
		                "database, such as the time or a random value?",
		                "upgrading %s again after restoring the checkpoint failed: %s", o->rev->id,
		                r.status != STEP_OK && r.error_message ? r.error_message : "no version stamp");
	step_result_release(&r);
	return rc ? -1 : 0;
}

/*
 * Back to the state after the first upgrade of the first `upgraded`
 * revisions: the checkpoint, then the first upgrades since it run again as
 * they ran (commits held where they were). Saved there, as a later failure
 * would come back at least that far.
 */
static int rebuild(struct replay_ctx *c, size_t upgraded)
{
	size_t from = c->saved;
	if (checkpoint_done(c, checkpoint_restore(c->checkpoint, c->db)))
		return -1;
	for (size_t j = from; j < upgraded; j++)
		if (upgrade_again_quietly(c, &c->res->items[j]))
			return -1;
	return from < upgraded ? save_checkpoint(c, upgraded) : 0;
}

/*
 * A revision that lost its stamp by committing: back to the state before it,
 * and upgraded again with its commits held, as Alembic meant it to run.
 * Returns 0 when that stamped it, 1 when the replay cannot go past it, -1.
 */
static int upgrade_holding_commits(struct replay_ctx *c, struct revision_outcome *o, struct strlist *nodes0)
{
	struct step_result again;
	double at, ms;
	if (!c->checkpoint || !checkpoint_saved(c->checkpoint) || !o->first.commit_revision)
		return 1;
	o->hold_commits = true;
	if (!step_hold_commits(c->steps, true))
		return 1; /* the per-step CLI cannot */
	log_info("restoring the checkpoint before %s and upgrading it again with its commits held", o->rev->id);
	/* Upgraded again since the checkpoint, the tables are new files: what this upgrade rewrites is seen anew. */
	strlist_release(nodes0);
	if (rebuild(c, c->at - 1) || snapshot_relfilenodes(*c->db, nodes0))
		return -1;
	step_result_init(&again);
	int rc = run_step(c, o, "upgrade", true, &again, &at, &ms);
	if (!rc && again.status != STEP_OK)
		rc = 1;
	if (!rc) {
		int stamp = stamped(c, o->rev->id);
		rc = stamp < 0 ? -1 : !stamp;
	}
	step_result_release(&again);
	return rc;
}

/* Upgrade, snapshot; returns 1 when the replay cannot go past this revision, -1 on environment errors. */
static int first_upgrade(struct replay_ctx *c, struct revision_outcome *o, struct snapshots *s, bool have_s0)
{
	if ((!have_s0 && snap(c, &s->s0)) || snapshot_relfilenodes(*c->db, &s->nodes0))
		return -1;
	keep_catalog(&s->s0, &o->catalog);
	if (run_step(c, o, "upgrade", true, &o->first, &o->up_at, &o->up_ms))
		return -1;
	if (o->first.status != STEP_OK) {
		add_step_failure(c, o, "upgrade", &o->first);
		return 1;
	}
	o->upgraded = true;
	int rc = check_stamp(c, o, true, "upgrade", &o->first);
	if (rc > 0) {
		o->state = REPLAY_FAILED;
		rc = upgrade_holding_commits(c, o, &s->nodes0);
	}
	if (rc || snap(c, &s->s1) || snapshot_relfilenodes(*c->db, &s->nodes1))
		return rc ? rc : -1;
	snapshot_rewritten(&s->nodes0, &s->nodes1, &o->rewritten);
	record_changes(&s->s0, &s->s1, &o->changes);
	return 0;
}

/* The downgrade failed or was empty: declared irreversible (one-way), or a failure. */
static void downgrade_refused(struct replay_ctx *c, struct revision_outcome *o, const struct step_result *down)
{
	o->downgraded = down->status == STEP_OK; /* an empty one ran */
	if (down->status == STEP_OK || declared_irreversible(down)) {
		add_irreversible(c, o, down);
		if (o->state == REPLAY_NOT_REPLAYED)
			o->state = REPLAY_ONE_WAY;
		return;
	}
	add_step_failure(c, o, "downgrade", down);
	o->state = REPLAY_FAILED;
}

static bool declared_empty(const struct revision_outcome *o, const struct step_result *down)
{
	return down->downgrade_empty && migration_statements(&o->first) > 0;
}

/*
 * An empty (pass) downgrade of a revision that changed the schema and is not
 * marked one-way: one error that lists what stays changed, rather than one
 * finding per object the downgrade left and a second upgrade that can only
 * fail on them.
 */
static void does_nothing(struct replay_ctx *c, struct revision_outcome *o)
{
	struct buf msg = BUF_INIT;
	buf_addf(&msg, "downgrade of %s is empty (pass), but its upgrade changed %zu object(s): ", o->rev->id,
	         o->changes.n);
	size_t shown = 0;
	/* Tables first: "table "a" was removed" says more than its first column does. */
	for (int tables = 1; tables >= 0; tables--)
		for (size_t i = 0; i < o->changes.n; i++)
			if ((strncmp(o->changes.items[i], "table ", 6) == 0) == tables && shown++ < 3)
				buf_addf(&msg, "%s%s", shown > 1 ? "; " : "", o->changes.items[i]);
	buf_adds(&msg, o->changes.n > 3 ? "; ..." : "");
	struct finding *f = add(c, o, &rule_does_nothing, SEV_ERROR, "downgrade", NULL, "%s", msg.data);
	for (size_t i = 0; i < o->changes.n; i++)
		strlist_add(&f->objects, o->changes.items[i]);
	buf_release(&msg);
	o->state = REPLAY_FAILED;
}

/*
 * An empty downgrade: declared one-way when the revision is marked so, an
 * error when it changed the schema, nothing to undo when it changed data
 * only. Returns true when the round trip ends here.
 */
static bool empty_downgrade(struct replay_ctx *c, struct revision_outcome *o, const struct step_result *down)
{
	if (o->rev->one_way) {
		downgrade_refused(c, o, down);
		return true;
	}
	o->downgraded = true;
	if (o->changes.n) {
		does_nothing(c, o);
		return true;
	}
	add(c, o, &rule_data_only, SEV_INFO, "downgrade", NULL,
	    "downgrade of %s is empty: a data migration, nothing to undo in the schema", o->rev->id);
	return false;
}

/* Upgrade again after a downgrade that restored S0 (restored) or not; S3 must equal S1. */
static int upgrade_again(struct replay_ctx *c, struct revision_outcome *o, struct snapshots *s, bool restored)
{
	struct step_result up2;
	step_result_init(&up2);
	int rc = run_step(c, o, "second upgrade", true, &up2, &o->up2_at, &o->up2_ms);
	if (!rc && up2.status != STEP_OK) {
		add_step_failure(c, o, "second upgrade", &up2);
		o->state = REPLAY_FAILED;
	} else if (!rc) {
		o->reupgraded = true;
		rc = check_stamp(c, o, true, "second upgrade", &up2);
		o->state = rc > 0 ? REPLAY_FAILED : o->state;
		rc = rc > 0 ? 0 : rc;
		if (!rc)
			rc = snap(c, &s->s3);
		/* From a state the downgrade did not restore, S3 != S1 only repeats what S2 != S0 said. */
		if (!rc && restored && diff_findings(c, o, &s->s1, &s->s3, false))
			o->state = REPLAY_FAILED;
	}
	step_result_release(&up2);
	return rc;
}

/* Downgrade and upgrade again; o->state says how it went. Returns -1 on environment errors. */
static int round_trip(struct replay_ctx *c, struct revision_outcome *o, struct snapshots *s)
{
	struct step_result down;
	step_result_init(&down);
	int rc = run_step(c, o, "downgrade", false, &down, &o->down_at, &o->down_ms);
	if (rc || down.status != STEP_OK) {
		if (!rc)
			downgrade_refused(c, o, &down);
		goto out;
	}
	bool empty = declared_empty(o, &down);
	if (empty && empty_downgrade(c, o, &down))
		goto out;
	o->downgraded = true;
	if (!empty && !migration_statements(&down) && migration_statements(&o->first))
		add(c, o, &rule_empty_downgrade, SEV_WARNING, "downgrade", NULL,
		    "downgrade of %s executes no statement although its upgrade ran %zu", o->rev->id,
		    migration_statements(&o->first));
	rc = check_stamp(c, o, false, "downgrade", &down);
	if (rc > 0)
		o->state = REPLAY_FAILED;
	if (rc >= 0)
		rc = snap(c, &s->s2);
	if (rc)
		goto out;
	bool restored = !diff_findings(c, o, &s->s0, &s->s2, true);
	if (!restored)
		o->state = REPLAY_FAILED;
	rc = upgrade_again(c, o, s, restored);
out:
	if (!rc && o->state == REPLAY_NOT_REPLAYED)
		o->state = REPLAY_CLEAN;
	step_result_release(&down);
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

/* After a failed or one-way round trip: back to the state after the first upgrade (S1). */
static int back_to_checkpoint(struct replay_ctx *c, struct revision_outcome *o)
{
	if (o->state == REPLAY_CLEAN || !c->checkpoint)
		return 0;
	log_info("restoring the checkpoint after the first upgrade of %s", o->rev->id);
	return rebuild(c, c->at);
}

/*
 * The state a revision leaves behind is the next one's S0: carry passes that
 * snapshot on (one catalog snapshot in four saved) while *have_carry.
 * Returns 1 when the replay cannot go on past o, -1 on environment errors.
 */
static int replay_one(struct replay_ctx *c, struct revision_outcome *o, struct snapshot *carry, bool *have_carry)
{
	struct snapshots s;
	memset(&s, 0, sizeof(s));
	if (*have_carry)
		s.s0 = *carry, *carry = (struct snapshot)SNAPSHOT_INIT;
	int rc = first_upgrade(c, o, &s, *have_carry);
	if (!rc && checkpoint_due(c))
		rc = save_checkpoint(c, c->at);
	if (!rc)
		rc = round_trip(c, o, &s);
	if (!rc)
		rc = back_to_checkpoint(c, o);
	if (rc > 0)
		o->state = REPLAY_STOPPED;
	bool restored = c->checkpoint && o->state != REPLAY_CLEAN;
	struct snapshot *last = rc ? NULL : restored ? &s.s1 : o->reupgraded ? &s.s3 : NULL;
	*have_carry = last != NULL;
	if (*have_carry)
		*carry = *last, *last = (struct snapshot)SNAPSHOT_INIT;
	snapshots_release(&s);
	/* Without checkpoints (--fail-fast) the first failure ends the replay, as does a one-way step that ran. */
	return rc ? rc : !c->checkpoint && (o->state == REPLAY_FAILED || (o->state == REPLAY_ONE_WAY && o->downgraded));
}

static void set_reason(struct replay_result *out, const struct revision_outcome *o)
{
	struct buf b = BUF_INIT;
	if (o->state != REPLAY_STOPPED)
		buf_addf(&b, "--fail-fast ended the replay at %s", o->rev->id);
	else if (o->upgraded)
		buf_addf(&b,
		         "%s lost its version stamp and could not be upgraded again with its commits held; the "
		         "revisions after it build on it",
		         o->rev->id);
	else
		buf_addf(&b, "the first upgrade of %s failed; the revisions after it build on it", o->rev->id);
	out->reason = buf_detach(&b);
}

static struct revision_outcome *new_outcome(struct replay_ctx *c, struct replay_result *out, const char *id)
{
	XGROW(out->items, out->alloc, out->n + 1);
	struct revision_outcome *o = &out->items[out->n++];
	memset(o, 0, sizeof(*o));
	o->rev = rev_graph_find(c->graph, id);
	o->file = display_path(c, o->rev->path);
	o->map = sourcemap_new(o->rev->path);
	step_result_init(&o->first);
	return o;
}

static void mark_not_replayed(struct replay_ctx *c, const struct replay_result *out)
{
	size_t n = replay_count(out, REPLAY_NOT_REPLAYED);
	for (size_t i = 0; i < out->n; i++)
		if (out->items[i].state == REPLAY_NOT_REPLAYED)
			add(c, &out->items[i], &rule_not_replayed, SEV_INFO, "upgrade", NULL,
			    "%s was not replayed (%zu of %zu revisions were not): %s", out->items[i].rev->id, n, out->n,
			    out->reason);
}

int replay_revisions(struct replay_ctx *c, const struct strlist *fresh, struct replay_result *out)
{
	struct snapshot carry = SNAPSHOT_INIT;
	bool have_carry = false;
	/* The state before the first revision, for one that loses its stamp. */
	c->res = out;
	int rc = c->checkpoint && fresh->n ? save_checkpoint(c, 0) : 0;
	for (size_t i = 0; i < fresh->n && rc >= 0; i++) {
		struct revision_outcome *o = new_outcome(c, out, fresh->items[i]);
		if (out->stopped)
			continue;
		log_info("replay %zu/%zu %s %s", i + 1, fresh->n, o->rev->id, o->rev->doc ? o->rev->doc : "");
		c->at = i + 1;
		c->total = fresh->n;
		rc = replay_one(c, o, &carry, &have_carry);
		if (rc > 0) {
			out->stopped = true;
			set_reason(out, o);
			log_warn("not replaying the %zu revision(s) after %s: %s", fresh->n - i - 1, o->rev->id,
			         out->reason);
		}
	}
	if (rc >= 0 && out->stopped)
		mark_not_replayed(c, out);
	snapshot_release(&carry);
	return rc < 0 ? -1 : 0;
}

void replay_summarize(const struct replay_result *res, struct report *report)
{
	struct report_replay *rp = &report->replay;
	rp->ran = true;
	rp->revisions = res->n;
	rp->not_replayed = replay_count(res, REPLAY_NOT_REPLAYED);
	rp->replayed = res->n - rp->not_replayed;
	rp->failed = replay_count(res, REPLAY_FAILED) + replay_count(res, REPLAY_STOPPED);
	rp->one_way = replay_count(res, REPLAY_ONE_WAY);
	for (size_t i = 0; i < res->n; i++)
		if (res->items[i].state == REPLAY_STOPPED)
			rp->stopped_at = xstrdup(res->items[i].rev->id);
	rp->reason = res->reason ? xstrdup(res->reason) : NULL;
}

/*
 * The baseline must leave alembic_version at the target, as every replay step
 * must: a revision production already has that loses its stamp (a commit of
 * its own) would otherwise make the first new revision run it again and be
 * blamed for what fails then.
 */
static int baseline_stamped(struct replay_ctx *c, const char *target, const struct step_result *r)
{
	struct strlist rows = STRLIST_INIT;
	struct buf hint = BUF_INIT;
	if (pg_alembic_versions(*c->db, NULL, NULL, &rows) < 0)
		return -1;
	int rc = 0;
	if (!strlist_has(&rows, target)) {
		buf_adds(&hint, "the baseline is at fault, not the new revisions: ");
		if (r->commit_revision)
			buf_addf(&hint,
			         "revision %s commits the migration's transaction itself (connection.commit() at line "
			         "%d), and the stamp Alembic wrote after it was rolled back",
			         r->commit_revision, r->commit_line);
		else
			buf_adds(&hint, "env.py or a revision production already has lost the version stamp");
		buf_adds(&hint, "; the new revisions were not replayed");
		struct buf is = BUF_INIT;
		for (size_t i = 0; i < rows.n; i++)
			buf_addf(&is, "%s%s", i ? ", " : "", rows.items[i]);
		rc = gate_error(EXIT_FAIL, hint.data,
		                "the baseline upgrade to '%s' left alembic_version at %s: its version stamp was lost",
		                target, rows.n ? is.data : "no row");
		buf_release(&is);
	}
	strlist_release(&rows);
	buf_release(&hint);
	return rc;
}

int replay_baseline(struct replay_ctx *c, const struct strlist *targets)
{
	for (size_t i = 0; i < targets->n; i++) {
		struct step_result r;
		step_result_init(&r);
		log_info("baseline: upgrade to %s", targets->items[i]);
		interrupt_where("the baseline upgrade to %s", targets->items[i]);
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
		if (!rc)
			rc = baseline_stamped(c, targets->items[i], &r);
		step_result_release(&r);
		if (rc)
			return -1;
	}
	return 0;
}

/* Whether o's upgrade() names the object (an op.* call other than the def line). */
static bool upgrade_names(const struct revision_outcome *o, const char *name)
{
	unsigned col, line = sourcemap_mention(o->map, "upgrade", name, &col);
	return line && line != sourcemap_def_line(o->map, "upgrade");
}

/* The revision a whole-history finding belongs to: the first whose upgrade() names it; else the head. */
static const struct revision_outcome *culprit(const struct replay_result *res, const char *revision, const char *name)
{
	for (size_t i = 0; (revision || *name) && i < res->n; i++) {
		const struct revision_outcome *o = &res->items[i];
		if (revision ? !strcmp(o->rev->id, revision) : upgrade_names(o, name))
			return o;
	}
	return &res->items[res->n - 1];
}

static void whole_diff(struct replay_ctx *c, const struct replay_result *res, const struct snapshot *a,
                       const struct snapshot *b, const char *when)
{
	struct diff d = DIFF_INIT;
	diff_snapshots(a, b, &d);
	for (size_t i = 0; i < d.n; i++) {
		char *what = diff_entry_describe(&d.items[i]), *name = object_name(d.items[i].identity);
		const struct rule_info *rule = is_column_order(&d.items[i])      ? &rule_column_order
		                               : d.items[i].change == DIFF_ADDED ? &rule_leftover
		                                                                 : &rule_not_repeatable;
		add(c, culprit(res, NULL, name), rule, rule->severity, "downgrade", name, "%s %s", what, when);
		free(what);
		free(name);
	}
	diff_release(&d);
}

static int whole_step(struct replay_ctx *c, const struct replay_result *res, bool up, struct snapshot *after)
{
	struct step_result r;
	const struct revision_outcome *head = &res->items[res->n - 1];
	step_result_init(&r);
	int rc = up ? step_upgrade(c->steps, "heads", &r) : step_downgrade(c->steps, head->rev->id, "base", &r);
	if (!rc)
		rc = cross_check(c, NULL, up ? "upgrade base->heads" : "downgrade heads->base", &r);
	if (!rc && r.status != STEP_OK)
		add_step_failure(c, culprit(res, r.error_revision, ""),
		                 up ? "upgrade base->heads" : "downgrade heads->base", &r);
	if (!rc && r.status == STEP_OK)
		rc = snap(c, after);
	else if (!rc)
		rc = 1;
	step_result_release(&r);
	return rc;
}

/* A revision whose own replay failed, or that cannot go down, would only fail the whole history again. */
static bool whole_history_skipped(struct replay_ctx *c, const struct replay_result *res)
{
	for (size_t i = 0; i < res->n; i++) {
		const struct revision_outcome *o = &res->items[i];
		if (o->state != REPLAY_CLEAN) {
			struct buf note = BUF_INIT;
			buf_addf(&note, "--replay-from-base skipped: %s %s", o->rev->id,
			         o->state == REPLAY_ONE_WAY        ? "cannot be downgraded"
			         : o->state == REPLAY_NOT_REPLAYED ? "was not replayed"
			                                           : "did not replay cleanly");
			strlist_add_owned(&c->report->notes, buf_detach(&note));
			return true;
		}
	}
	return !res->n;
}

int replay_whole(struct replay_ctx *c, const struct replay_result *res, const struct snapshot *empty)
{
	if (whole_history_skipped(c, res))
		return 0;
	struct snapshot at_head = SNAPSHOT_INIT, at_base = SNAPSHOT_INIT, again = SNAPSHOT_INIT;
	log_info("replay base <-> head as a whole");
	interrupt_where("the replay of the whole history (--replay-from-base)");
	int rc = snap(c, &at_head);
	if (!rc)
		rc = whole_step(c, res, false, &at_base);
	if (!rc) {
		whole_diff(c, res, empty, &at_base, "after downgrade of the whole history to base");
		rc = whole_step(c, res, true, &again);
	}
	if (!rc)
		whole_diff(c, res, &at_head, &again, "after upgrading the whole history again");
	snapshot_release(&at_head);
	snapshot_release(&at_base);
	snapshot_release(&again);
	return rc < 0 ? -1 : 0;
}
