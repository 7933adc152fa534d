#include "apply/apply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "apply/scope.h"
#include "pg/activity.h"
#include "pg/conn.h"
#include "pg/diff.h"
#include "pg/lock.h"
#include "pg/snapshot.h"
#include "pg/wait.h"
#include "pg/xact.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/interrupt.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/progress.h"

#include "util/banned.h"

#define MONITOR_MS 100 /* how often the gate samples what blocks a running revision */
#define LOCK_POLL_MAX_MS 1000
#define RETRY_BASE_MS 500
#define APPNAME_PREFIX "migrate-gate "
#define CHECK_CLIENT_MS 1000 /* how soon the server ends a migration session whose client died (PG 14+) */
#define WARM_LOCK_MS 100     /* the early snapshot only warms caches: it never waits behind a lock */

struct apply_state {
	struct driver *d;
	const struct apply_options *opt;
	struct deploy_report *r;
	PGconn *c;   /* the gate's own session: lock, monitor, verification */
	char *db;    /* current_database() */
	int64_t key; /* the advisory lock */
	bool locked;
	struct snapshot before; /* production's schema before the current revision */
	bool scoped;            /* a revision was verified without a whole snapshot */
	bool has_rows;          /* alembic_version has rows: upgrades may run chained */
};

/* What the monitor saw while a revision ran. */
struct monitor {
	struct driver *d; /* killed when a signal stops the run: its revision's transaction rolls back */
	PGconn *c;
	const char *appname;
	struct pg_blockers last; /* the last non-empty sample */
	struct pg_blockers sample;
	bool failed; /* the sampling query failed once: stop sampling */
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0)
		;
}

/* ---- retry policy ------------------------------------------------------------------- */

static unsigned long long rng_state;

static double jitter(void)
{
	if (!rng_state) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		rng_state =
		    ((unsigned long long)ts.tv_nsec << 20) ^ (unsigned long long)getpid() ^ 0x9E3779B97F4A7C15ull;
	}
	rng_state ^= rng_state << 13; /* xorshift64 */
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return 0.5 + (double)(rng_state >> 11) / 9007199254740992.0;
}

unsigned apply_backoff_ms(unsigned base_ms, unsigned n)
{
	double ms = base_ms;
	for (unsigned i = 1; i < n && ms < 30000; i++)
		ms *= 2;
	ms *= jitter();
	return ms > 30000 ? 30000u : (unsigned)ms;
}

/* ---- the lock ----------------------------------------------------------------------- */

static int lock_expired(struct apply_state *s)
{
	char *holder = NULL;
	pg_advisory_holder(s->c, s->key, &holder);
	deploy_setf(&s->r->failure, "the deploy lock was held by another session for %.0f s",
	            s->opt->lock_wait_ms / 1e3);
	gate_error(EXIT_APPLY,
	           "another deploy of this project is running; wait for it, or raise --lock-wait. Nothing was applied",
	           "the deploy lock of database '%s' is still held after %.0f s by %s", s->db,
	           s->opt->lock_wait_ms / 1e3, holder ? holder : "a session that has just ended");
	free(holder);
	return -1;
}

/* Says which migration sessions of an earlier run are there; with --terminate-leftovers, ends them. */
static int leftovers(struct apply_state *s, bool *said, struct strlist *texts)
{
	struct strlist pids = STRLIST_INIT;
	strlist_release(texts);
	int n = pg_list_sessions(s->c, APPNAME_PREFIX, PG_LOCK_APPNAME, &pids, texts);
	for (size_t i = 0; n > 0 && i < pids.n && s->opt->terminate_leftovers; i++) {
		log_warn("ending a migration session of an earlier run (--terminate-leftovers): %s", texts->items[i]);
		if (pg_terminate(s->c, strtol(pids.items[i], NULL, 10)))
			n = -1;
	}
	if (n > 0 && !*said && !s->opt->terminate_leftovers)
		for (size_t i = 0; i < texts->n; i++)
			log_warn(
			    "waiting for migration sessions of an earlier run to end (up to %.0f s, or end them with "
			    "--terminate-leftovers): %s",
			    s->opt->lock_wait_ms / 1e3, texts->items[i]);
	*said = *said || n > 0;
	strlist_release(&pids);
	return n;
}

/*
 * Migration sessions of a run that was killed may still be finishing: their work would race ours. The
 * server ends them within CHECK_CLIENT_MS of their client's death (PG 14+), once that client is gone.
 */
static int wait_leftovers(struct apply_state *s, double deadline)
{
	struct strlist texts = STRLIST_INIT;
	bool said = false;
	int n;
	while ((n = leftovers(s, &said, &texts)) > 0 && now_ms() < deadline && !interrupt_pending())
		sleep_ms(200);
	if (n > 0) {
		deploy_setf(&s->r->failure, "migration sessions of an earlier run were still open: %s", texts.items[0]);
		gate_error(
		    EXIT_APPLY,
		    "end them (pg_terminate_backend, or run again with --terminate-leftovers) once you know what "
		    "they do; nothing was applied",
		    "%d migration session(s) of an earlier run are still open on '%s' after %.0f s: %s", n, s->db,
		    s->opt->lock_wait_ms / 1e3, texts.items[0]);
	}
	if (said && n == 0)
		strlist_add_owned(&s->r->notes, xstrdup("waited for the migration sessions of an earlier run to end"));
	strlist_release(&texts);
	return n > 0 ? -1 : n;
}

static int stopped_before(struct apply_state *s)
{
	deploy_setf(&s->r->failure, "interrupted by %s before the first revision; nothing was applied",
	            interrupt_name());
	return gate_error(EXIT_APPLY, "run the deploy again",
	                  "interrupted by %s before the first revision: nothing was applied", interrupt_name());
}

static int take_lock(struct apply_state *s)
{
	double start = now_ms(), deadline = start + s->opt->lock_wait_ms;
	unsigned pause = 50;
	int got;
	bool said = false;
	while ((got = pg_try_advisory_lock(s->c, s->key)) == 0 && !interrupt_pending()) {
		if (now_ms() >= deadline)
			return lock_expired(s);
		if (!said)
			log_info("waiting up to %.0f s for the deploy lock of '%s'", s->opt->lock_wait_ms / 1e3, s->db);
		said = true;
		double left = deadline - now_ms();
		sleep_ms(left < pause ? (unsigned)(left > 0 ? left : 0) : pause);
		pause = pause * 2 > LOCK_POLL_MAX_MS ? LOCK_POLL_MAX_MS : pause * 2;
	}
	if (got < 0)
		return -1;
	s->locked = got > 0;
	if (interrupt_pending())
		return stopped_before(s);
	if (said)
		strlist_add_owned(&s->r->notes, xstrdup("waited for another deploy's lock before applying"));
	log_debug("deploy lock taken after %.0f ms", now_ms() - start);
	/*
	 * A killed run's backend ends once it notices its client is gone: within CHECK_CLIENT_MS on 14+
	 * (client_connection_check_interval), at the end of its statement before. Give it a few seconds.
	 */
	double least = now_ms() + (pg_server_major(s->c) >= 14 ? 3 * CHECK_CLIENT_MS : 10000);
	return wait_leftovers(s, deadline > least ? deadline : least);
}

static bool same_rows(const struct strlist *a, const struct strlist *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->items[i], b->items[i]))
			return false;
	return true;
}

/* 1: go on; 0: nothing left to do (another deploy applied it all); -1: production moved elsewhere. */
static int recheck(struct apply_state *s)
{
	struct strlist rows = STRLIST_INIT, left = STRLIST_INIT;
	int rc = pg_alembic_versions(s->c, NULL, NULL, &rows) < 0 ? -1 : 1;
	if (rc > 0 && !same_rows(&rows, s->opt->planned)) {
		char *was = deploy_rows_text(s->opt->planned), *is = deploy_rows_text(&rows);
		rc = rev_graph_new_from_rows(s->opt->graph, &rows, &left) < 0 ? -1 : 0;
		if (rc == 0 && left.n == 0) {
			log_info("production moved from %s to %s meanwhile: nothing is left to apply", was, is);
			strlist_add_owned(&s->r->notes,
			                  xstrdup("another deploy applied every revision while this one waited"));
		} else {
			rc = -1;
			deploy_setf(&s->r->failure, "production moved from %s to %s since the plan", was, is);
			gate_error(EXIT_APPLY, "run the deploy again: it plans from production's new revision",
			           "production's alembic_version changed since the plan: it was %s, it is %s; nothing "
			           "was applied",
			           was, is);
		}
		free(was);
		free(is);
	}
	strlist_release(&rows);
	strlist_release(&left);
	return rc;
}

/* ---- one revision ------------------------------------------------------------------- */

static void monitor_tick(void *arg)
{
	struct monitor *m = arg;
	if (interrupt_pending())
		driver_kill(m->d);
	if (m->failed)
		return;
	int n = pg_blockers_of(m->c, m->appname, &m->sample);
	if (n < 0)
		m->failed = true;
	else if (n > 0)
		pg_blockers_copy(&m->last, &m->sample);
}

static void record_blockers(struct deploy_rev *v, const struct pg_blockers *seen)
{
	for (size_t i = 0; i < seen->n; i++) {
		const struct pg_blocker *x = &seen->items[i];
		struct deploy_blocker *b = NULL;
		for (size_t k = 0; k < v->n_blockers && !b; k++)
			if (v->blockers[k].pid == x->pid)
				b = &v->blockers[k];
		if (!b) {
			b = deploy_rev_add_blocker(v);
			b->pid = x->pid;
		}
		deploy_set(&b->state, x->state);
		deploy_set(&b->application_name, x->application_name);
		deploy_set(&b->query, x->query);
		b->xact_age_s = x->xact_age_s;
	}
}

/* PostgreSQL keeps 63 bytes of an application_name: the monitor must look for what the server stores. */
static void appname_of(const char *rev, char out[64])
{
	snprintf(out, 64, APPNAME_PREFIX "%s", rev);
}

static int attempt(struct apply_state *s, struct deploy_rev *v, struct step_result *res)
{
	char appname[64];
	struct buf opts = BUF_INIT;
	struct monitor m = {s->d, s->c, appname, PG_BLOCKERS_INIT, PG_BLOCKERS_INIT, false};
	appname_of(v->id, appname);
	buf_addf(&opts, "-c lock_timeout=%u -c statement_timeout=%u", s->opt->lock_timeout_ms,
	         s->opt->statement_timeout_ms);
	/* A killed gate's statement would otherwise run on, holding its locks, until it ends by itself. */
	if (pg_server_major(s->c) >= 14)
		buf_addf(&opts, " -c client_connection_check_interval=%u", CHECK_CLIENT_MS);
	int rc = driver_set_session(s->d, appname, opts.data);
	buf_release(&opts);
	if (rc)
		return -1;
	if (!v->attempts)
		v->started_ms = progress_clock_ms();
	v->attempts++;
	driver_set_tick(s->d, MONITOR_MS, monitor_tick, &m);
	double t0 = now_ms();
	/* Not on an empty database: Alembic would then commit its new version table before the first revision. */
	driver_chain_upgrades(s->d, s->has_rows);
	rc = driver_upgrade(s->d, v->id, res);
	v->ms += now_ms() - t0;
	driver_set_tick(s->d, 0, NULL, NULL);
	record_blockers(v, &m.last);
	pg_blockers_release(&m.last);
	pg_blockers_release(&m.sample);
	return rc;
}

static bool entered_autocommit(const struct step_result *res)
{
	for (size_t i = 0; i < res->n_stmts; i++)
		if (res->stmts[i].autocommit)
			return true;
	return false;
}

/*
 * The commits the revision made itself that the server holds: each one the
 * driver recorded with a transaction id the server says committed, or without
 * one (the server could not be asked). *point: the statements before the last
 * one stayed on production.
 */
static size_t self_commits(struct apply_state *s, const struct deploy_rev *v, const struct step_result *res,
                           size_t *point)
{
	size_t n = 0;
	*point = 0;
	for (size_t i = 0; i < res->n_commits; i++) {
		const struct step_commit *c = &res->commits[i];
		int server = c->xid ? pg_xact_committed(s->c, c->xid) : -1;
		if ((c->revision && strcmp(c->revision, v->id)) || server == 0)
			continue;
		n++;
		*point = c->after > *point ? c->after : *point;
		struct buf note = BUF_INIT;
		buf_addf(&note, "revision %s committed part of its work itself (%s", v->id, c->how);
		if (server > 0)
			buf_addf(&note, ", transaction %s, committed as the server confirms", c->xid);
		buf_adds(&note, "): what ran before that commit stayed on production");
		strlist_add_owned(&s->r->notes, buf_detach(&note));
	}
	return n;
}

/* A lock timeout that could have been retried, but the revision had committed part of its work. */
static void retry_refused(const struct apply_state *s, const struct deploy_rev *v, const struct step_result *res)
{
	if (!res->sqlstate || strcmp(res->sqlstate, "55P03") || v->attempts > s->opt->retries)
		return;
	log_warn("revision %s met lock_timeout after committing part of its work: not retried, a retry would run "
	         "the committed statements again",
	         v->id);
	strlist_add_owned(&s->r->notes, xstrdup("a lock timeout was not retried: the revision had committed part of "
	                                        "its work, which a retry would run again"));
}

/* Entering an autocommit_block commits what ran before it: those statements stayed too. */
static void list_statements(struct deploy_rev *v, const struct step_result *res, size_t point)
{
	size_t last_ac = 0;
	bool any_ac = false;
	for (size_t i = 0; i < res->n_stmts; i++)
		if (res->stmts[i].autocommit) {
			last_ac = i;
			any_ac = true;
		}
	for (size_t i = 0; i < res->n_stmts; i++) {
		const struct captured_stmt *st = &res->stmts[i];
		if (st->kind == STMT_MIGRATION && !st->failed)
			deploy_rev_add_stmt(v, st->sql, st->autocommit || (any_ac && i < last_ac) || i < point);
	}
}

static void describe_error(struct deploy_rev *v, const struct step_result *res)
{
	const char *msg = res->error_message ? res->error_message : "unknown error";
	deploy_setf(&v->error, "%s%s%.*s%s%s%s", res->error_type ? res->error_type : "", res->error_type ? ": " : "",
	            (int)strcspn(msg, "\n"), msg, res->sqlstate ? " (SQLSTATE " : "",
	            res->sqlstate ? res->sqlstate : "", res->sqlstate ? ")" : "");
}

static int read_rows(struct apply_state *s, struct strlist *rows)
{
	strlist_release(rows);
	return pg_alembic_versions(s->c, NULL, NULL, rows) < 0 ? -1 : 0;
}

/* The relations the revision's statements can have changed, or whole. */
static void revision_scope(const struct apply_state *s, const struct step_result *res, struct scope *sc)
{
	struct strset inherited = STRSET_INIT;
	if (res->n_overflow)
		scope_whole(sc, "statements past the capture's cap");
	for (size_t i = 0; i < res->n_stmts && !sc->whole; i++)
		scope_add_sql(sc, res->stmts[i].sent ? res->stmts[i].sent : res->stmts[i].sql);
	if (sc->whole || sc->names.count == 0)
		return;
	snapshot_inheritance(&s->before, &inherited);
	scope_check_inherited(sc, &inherited);
	strset_release(&inherited);
}

/*
 * The schema changes the revision made on production, as d. A revision bounded to a
 * few relations is read from a snapshot of those only: a whole one costs
 * milliseconds per revision more on every table production has.
 */
static int diff_revision(struct apply_state *s, const struct deploy_rev *v, const struct step_result *res,
                         struct diff *d)
{
	struct snapshot was = SNAPSHOT_INIT, now = SNAPSHOT_INIT;
	struct scope sc;
	scope_init(&sc);
	revision_scope(s, res, &sc);
	int rc = sc.whole              ? snapshot_take(s->c, &now)
	         : sc.names.count == 0 ? 0 /* data only: no line can have changed */
	                               : snapshot_take_scoped(s->c, &sc.names, &now);
	s->scoped = s->scoped || !sc.whole;
	if (rc == 0 && sc.whole) {
		log_debug("%s: a whole snapshot (%s)", v->id, sc.why);
		diff_snapshots(&s->before, &now, d);
		snapshot_release(&s->before);
		s->before = now;
		snapshot_init(&now);
	} else if (rc == 0 && sc.names.count) {
		snapshot_select(&s->before, &sc.names, &was);
		diff_snapshots(&was, &now, d);
		snapshot_patch(&s->before, &sc.names, &now);
	}
	snapshot_release(&was);
	snapshot_release(&now);
	scope_release(&sc);
	return rc;
}

/* The schema changes the revision made on production, and whether check saw the same on scratch. */
static int record_changes(struct apply_state *s, struct deploy_rev *v, const struct step_result *res)
{
	struct diff d = DIFF_INIT;
	if (diff_revision(s, v, res, &d))
		return -1;
	for (size_t i = 0; i < d.n; i++)
		strlist_add_owned(&v->changes, diff_entry_describe(&d.items[i]));
	if (s->opt->expected) {
		struct buf key = BUF_INIT, text = BUF_INIT;
		size_t pos = 0;
		const char *k;
		while ((k = strset_next(s->opt->expected, &pos))) {
			size_t n = strlen(v->id);
			if (strncmp(k, v->id, n) || k[n] != '\t')
				continue;
			if (!strlist_has(&v->changes, k + n + 1))
				buf_addf(&text, "%scheck saw %s", text.len ? "; " : "", k + n + 1);
		}
		for (size_t i = 0; i < v->changes.n; i++) {
			buf_reset(&key);
			buf_addf(&key, "%s\t%s", v->id, v->changes.items[i]);
			if (!strset_has(s->opt->expected, key.data))
				buf_addf(&text, "%sonly production %s", text.len ? "; " : "", v->changes.items[i]);
		}
		if (text.len)
			deploy_set(&v->mismatch, text.data);
		buf_release(&key);
		buf_release(&text);
	}
	diff_release(&d);
	return 0;
}

/*
 * The scoped snapshots see only the relations a revision's captured SQL
 * named: a change made some other way (an event trigger, SQL the capture
 * missed) shows here, against one whole snapshot, and the report says so.
 */
static int account_for_everything(struct apply_state *s)
{
	struct snapshot now = SNAPSHOT_INIT;
	struct diff d = DIFF_INIT;
	if (!s->scoped)
		return 0;
	if (snapshot_take(s->c, &now))
		return -1;
	diff_snapshots(&s->before, &now, &d);
	for (size_t i = 0; i < d.n; i++) {
		struct buf note = BUF_INIT;
		char *what = diff_entry_describe(&d.items[i]);
		buf_addf(&note, "a schema change that no revision's statements account for: %s", what);
		log_warn("%s", note.data);
		strlist_add_owned(&s->r->notes, buf_detach(&note));
		free(what);
	}
	diff_release(&d);
	snapshot_release(&now);
	return 0;
}

static int revision_failed(struct apply_state *s, struct deploy_rev *v, const struct strlist *rows_before)
{
	struct strlist rows = STRLIST_INIT;
	char *was = deploy_rows_text(rows_before), *is = NULL;
	const char *hint = v->manual ? "the statements marked [committed] stayed on production: finish or undo them by "
	                               "hand (or restore the backup taken before the deploy), then run the deploy again"
	                   : v->n_blockers ? "end the blocking sessions listed in the report, or deploy when the "
	                                     "tables are quieter, then run again"
	                                   : "fix the revision, then run the deploy again";
	v->outcome = REV_FAILED;
	if (read_rows(s, &rows) == 0)
		is = deploy_rows_text(&rows);
	deploy_setf(&s->r->failure, "revision %s failed%s: %s", v->id, v->manual ? " part-way" : "",
	            v->error ? v->error : "see above");
	gate_error(EXIT_APPLY, hint, "revision '%s' failed%s%s: %s; production is at %s%s", v->id,
	           v->attempts > 1 ? " after retries" : "", v->manual ? " after committing part of it" : "",
	           v->error ? v->error : "unknown error", is ? is : "an unknown revision",
	           is && strcmp(is, was) ? " (not where the revision started: look at it by hand)" : "");
	free(was);
	free(is);
	strlist_release(&rows);
	return -1;
}

static int verify(struct apply_state *s, struct deploy_rev *v, const struct step_result *res, struct strlist *rows)
{
	if (read_rows(s, rows))
		return -1;
	if (!strlist_has(rows, v->id)) {
		char *is = deploy_rows_text(rows);
		deploy_setf(&v->error, "the upgrade reported success, but alembic_version holds %s", is);
		free(is);
		return -1;
	}
	return record_changes(s, v, res);
}

/*
 * A signal stopped the run: the driver was killed (monitor_tick), and the
 * server rolls back what its session had not committed. Says so with production's exact
 * rows (read now); main then ends the process with the signal (130, 143).
 */
static int interrupted(struct apply_state *s, struct deploy_rev *v, unsigned first)
{
	struct strlist rows = STRLIST_INIT;
	gate_error_forget_since(first); /* the driver's death was ours */
	char *is = read_rows(s, &rows) == 0 ? deploy_rows_text(&rows) : NULL;
	v->outcome = REV_FAILED;
	deploy_setf(&v->error, "interrupted by %s", interrupt_name());
	deploy_setf(&s->r->failure, "interrupted by %s during revision %s; production is at %s", interrupt_name(),
	            v->id, is ? is : "an unknown revision");
	gate_error(EXIT_APPLY, "run the deploy again to apply the rest",
	           "interrupted by %s during the upgrade of revision '%s'; production is at %s (what had not "
	           "committed was rolled back)",
	           interrupt_name(), v->id, is ? is : "an unknown revision");
	free(is);
	strlist_release(&rows);
	return -1;
}

/* Only a revision that committed nothing itself: a retry runs it all again (decided from what ran, not its text). */
static bool retryable(const struct apply_state *s, const struct deploy_rev *v, const struct step_result *res)
{
	return res->sqlstate && !strcmp(res->sqlstate, "55P03") && v->single_transaction &&
	       v->attempts <= s->opt->retries;
}

static int apply_one(struct apply_state *s, struct deploy_rev *v, struct strlist *rows)
{
	s->has_rows = rows->n > 0;
	for (;;) {
		struct step_result res;
		unsigned first = gate_error_count();
		step_result_init(&res);
		int rc = attempt(s, v, &res);
		if (interrupt_pending()) {
			step_result_release(&res);
			return interrupted(s, v, first);
		}
		size_t point = 0;
		bool failed = rc == 0 && res.status != STEP_OK;
		bool committed = failed ? self_commits(s, v, &res, &point) > 0 : res.n_commits > 0;
		v->single_transaction = !committed && !entered_autocommit(&res);
		bool again = failed && retryable(s, v, &res);
		if (rc == 0 && res.status == STEP_OK) {
			double t0 = now_ms();
			int bad = verify(s, v, &res, rows);
			log_debug("%s: %.1f ms in the driver (%.1f ms in Alembic), %.1f ms to verify", v->id, v->ms,
			          res.duration_ms, now_ms() - t0);
			step_result_release(&res);
			if (bad)
				return revision_failed(s, v, rows);
			v->outcome = REV_APPLIED;
			return 0;
		}
		describe_error(v, &res);
		v->manual = !v->single_transaction;
		if (v->manual)
			retry_refused(s, v, &res);
		if (!again)
			list_statements(v, &res, point);
		step_result_release(&res);
		if (!again)
			return revision_failed(s, v, rows);
		unsigned pause = apply_backoff_ms(RETRY_BASE_MS, v->attempts);
		log_warn("revision %s hit lock_timeout (attempt %u of %u): retrying in %.1f s", v->id, v->attempts,
		         s->opt->retries + 1, pause / 1000.0);
		double t0 = now_ms();
		sleep_ms(pause);
		v->ms += now_ms() - t0;
	}
}

static int apply_all(struct apply_state *s)
{
	struct strlist rows = STRLIST_INIT;
	int rc = 0;
	for (size_t i = 0; i < s->opt->planned->n; i++)
		strlist_add(&rows, s->opt->planned->items[i]);
	if (snapshot_take(s->c, &s->before))
		rc = -1;
	for (size_t i = 0; !rc && i < s->r->n_revs; i++) {
		struct deploy_rev *v = &s->r->revs[i];
		log_info("apply %zu/%zu %s%s%s", i + 1, s->r->n_revs, v->id, v->title ? " " : "",
		         v->title ? v->title : "");
		rc = apply_one(s, v, &rows);
	}
	if (!rc)
		rc = account_for_everything(s);
	strlist_release(&rows);
	return rc;
}

/* ---- the run ------------------------------------------------------------------------ */

/* The gate's own session, refused on a transaction pooler. */
static int connect_direct(const char *production_url, PGconn **out)
{
	return pg_connect_lock_session(production_url, out) || pg_check_direct(*out, production_url) ? -1 : 0;
}

int apply_open_session(const char *production_url, PGconn **out)
{
	struct snapshot warm = SNAPSHOT_INIT;
	struct strset none = STRSET_INIT;
	/*
	 * A new session's first catalog snapshot costs 40-50 ms of cold caches, and
	 * the first scoped one 30 ms of planning: paid here, while the driver
	 * starts, instead of during the first revisions.
	 */
	int rc = connect_direct(production_url, out);
	if (!rc && pg_count_sessions(*out, APPNAME_PREFIX, PG_LOCK_APPNAME) == 0) {
		/*
		 * Only before the lock, and only when no earlier run's session is left: a locked table
		 * fails this at once, and apply meets it again, announced, after the lock.
		 */
		rc = pg_wait_try_only(*out, WARM_LOCK_MS) || snapshot_take(*out, &warm) ||
		     snapshot_take_scoped(*out, &none, &warm);
		rc = pg_wait_try_only(*out, 0) || rc;
	}
	snapshot_release(&warm);
	if (rc) {
		pg_wait_clear(); /* met again, announced, where apply takes its snapshot */
		pg_disconnect(*out);
		*out = NULL;
	}
	return rc ? -1 : 0;
}

static int start(struct apply_state *s)
{
	/* Without a session opened early (it failed there), the same steps here meet the error again. */
	s->c = s->opt->session;
	if (!s->c && connect_direct(s->opt->production_url, &s->c))
		return -1;
	s->db = pg_current_database(s->c);
	if (!s->db)
		return -1;
	s->key = pg_lock_key(s->db, s->opt->script_location);
	if (take_lock(s))
		return -1;
	if (interrupt_pending()) /* during the wait for leftovers */
		return stopped_before(s);
	return recheck(s);
}

static void finish(struct apply_state *s)
{
	if (driver_alive(s->d))
		driver_set_session(s->d, NULL, NULL); /* closes the migration session before the lock goes */
	strlist_release(&s->r->now);
	s->r->production_known =
	    s->c && PQstatus(s->c) == CONNECTION_OK && pg_alembic_versions(s->c, NULL, NULL, &s->r->now) >= 0;
	if (s->locked && PQstatus(s->c) == CONNECTION_OK)
		pg_advisory_unlock(s->c, s->key);
	pg_disconnect(s->c);
	snapshot_release(&s->before);
	free(s->db);
}

int apply_run(struct driver *d, const struct apply_options *opt, struct deploy_report *r)
{
	struct apply_state s;
	memset(&s, 0, sizeof(s));
	s.d = d;
	s.opt = opt;
	s.r = r;
	snapshot_init(&s.before);
	for (size_t i = 0; i < r->n_revs; i++)
		r->revs[i].outcome = REV_NOT_ATTEMPTED;
	int rc = start(&s);
	if (rc > 0)
		rc = apply_all(&s);
	finish(&s);
	if (rc && !r->failure)
		deploy_set(&r->failure, "apply stopped: see the error below");
	r->passed = rc == 0;
	return rc < 0 ? -1 : 0;
}
