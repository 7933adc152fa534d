#include "pg/wait.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pg/activity.h"
#include "pg/conn.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/interrupt.h"
#include "util/log.h"
#include "util/mem.h"

#include "util/banned.h"

#define MAX_WATCHED 8
#define ANNOUNCE_MS 1000  /* a statement slower than this is looked at: the line comes within 2 s */
#define SIDE_TIMEOUT "2s" /* the looking itself never waits long */

struct watched {
	PGconn *c;
	char *dsn;    /* for the second session */
	PGconn *side; /* opened at the first slow statement */
	bool side_failed;
	bool quiet; /* pg_wait_try_only(): neither looked at nor announced */
};

static struct watched watched[MAX_WATCHED];
static unsigned lock_wait_ms = 60000, query_timeout_ms = 300000;
static struct pg_blockers seen; /* the last non-empty sample of the current statement */
static double waited_ms;        /* how long the current statement ran */
static char *busy_text;

void pg_wait_limits(unsigned lock_ms, unsigned query_ms)
{
	lock_wait_ms = lock_ms;
	query_timeout_ms = query_ms;
}

unsigned pg_wait_lock_ms(void)
{
	return lock_wait_ms;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static struct watched *find(const PGconn *c)
{
	for (int i = 0; c && i < MAX_WATCHED; i++)
		if (watched[i].c == c)
			return &watched[i];
	return NULL;
}

static void open_side(struct watched *w);

int pg_connect_production(const char *dsn, bool read_only, PGconn **out)
{
	char sql[128];
	if (pg_connect(dsn, read_only, out))
		return -1;
	snprintf(sql, sizeof sql, "SET lock_timeout = %u; SET statement_timeout = %u", lock_wait_ms, query_timeout_ms);
	if (pg_exec(*out, "setting the gate's own timeouts", sql)) {
		pg_disconnect(*out);
		*out = NULL;
		return -1;
	}
	struct watched *w = find(NULL);
	for (int i = 0; !w && i < MAX_WATCHED; i++)
		if (!watched[i].c)
			w = &watched[i];
	if (w) { /* more sessions than slots: the timeouts still bound them, unannounced */
		memset(w, 0, sizeof *w);
		w->c = *out;
		w->dsn = xstrdup(dsn);
		open_side(w);
	}
	return 0;
}

int pg_wait_try_only(PGconn *c, unsigned ms)
{
	char sql[64];
	struct watched *w = find(c);
	snprintf(sql, sizeof sql, "SET lock_timeout = %u", ms ? ms : lock_wait_ms);
	if (w)
		w->quiet = ms != 0;
	return pg_exec(c, NULL, sql);
}

void pg_wait_forget(PGconn *c)
{
	struct watched *w = find(c);
	if (!w)
		return;
	pg_disconnect(w->side);
	free(w->dsn);
	memset(w, 0, sizeof *w);
}

/*
 * The second session, opened with the first: on a loaded server a connection can take longer than a
 * short lock wait, which then would end before anyone looked. Errors here are the gate's business only.
 */
static void open_side(struct watched *w)
{
	unsigned first = gate_error_count();
	if (!w->side && !w->side_failed &&
	    (pg_connect(w->dsn, true, &w->side) ||
	     pg_exec(w->side, NULL,
	             "SET statement_timeout = '" SIDE_TIMEOUT "'; SET lock_timeout = '" SIDE_TIMEOUT "'"))) {
		pg_disconnect(w->side);
		w->side = NULL;
		w->side_failed = true;
	}
	gate_error_forget_since(first);
}

/* The blockers of w's backend, from the second session. */
static int sample(struct watched *w, struct pg_blockers *out)
{
	unsigned first = gate_error_count();
	int n = -1;
	open_side(w);
	if (w->side)
		n = pg_blockers_of_pid(w->side, PQbackendPID(w->c), out);
	gate_error_forget_since(first);
	return n;
}

static bool same_pids(const struct pg_blockers *a, const struct pg_blockers *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->items[i].pid != b->items[i].pid)
			return false;
	return true;
}

static const char *waits_for(const struct pg_blockers *b)
{
	return b->n && *b->items[0].waits_for ? b->items[0].waits_for : "a lock";
}

/* Samples what w's statement waits for; says so once it has waited `announce` ms, again when the holders change. */
static void look(struct watched *w, const char *what, double started, double announce, bool *said)
{
	struct pg_blockers now = PG_BLOCKERS_INIT;
	if (sample(w, &now) > 0) {
		bool changed = !same_pids(&now, &seen);
		pg_blockers_copy(&seen, &now);
		*said = *said && !changed;
	}
	if (seen.n && !*said && now_ms() - started >= announce) {
		char *who = pg_blockers_describe(&seen);
		log_warn("%s waits for %s (%.1f s so far, at most %.0f s: --lock-wait); blocked by %s",
		         what ? what : "a query on production", waits_for(&seen), (now_ms() - started) / 1e3,
		         lock_wait_ms / 1e3, who);
		free(who);
		*said = true;
	}
	pg_blockers_release(&now);
}

static void cancel(PGconn *c)
{
	char err[256];
	PGcancel *cn = PQgetCancel(c);
	if (cn)
		PQcancel(cn, err, sizeof err);
	PQfreeCancel(cn);
}

/*
 * Waits for c's answer. A slow one is looked at every quarter of the lock wait (at most every
 * second), so that even a short wait has its holders seen before it runs out; it is announced after
 * a second (half a shorter lock wait).
 */
static void wait_answer(struct watched *w, const char *what)
{
	unsigned quarter = lock_wait_ms / 4 < 100 ? 100 : lock_wait_ms / 4;
	double every = quarter < ANNOUNCE_MS ? quarter : ANNOUNCE_MS;
	double announce = lock_wait_ms && lock_wait_ms / 2 < ANNOUNCE_MS ? lock_wait_ms / 2 : ANNOUNCE_MS;
	double start = now_ms(), next = start + every;
	bool cancelled = false, said = false;
	struct pollfd p = {PQsocket(w->c), POLLIN, 0};
	while (PQisBusy(w->c)) {
		double left = next - now_ms();
		int n = poll(&p, 1, left > 0 ? (int)left : 0);
		if (n < 0 && errno != EINTR)
			break;
		if (interrupt_pending() && !cancelled) { /* the run is stopping: so does the statement */
			cancel(w->c);
			cancelled = true;
		}
		if (n > 0 && !PQconsumeInput(w->c))
			break;
		if (now_ms() >= next) {
			look(w, what, start, announce, &said);
			next = now_ms() + every;
		}
	}
	waited_ms = now_ms() - start;
}

/* PQexec's result: the last one, or the first error. */
static PGresult *collect(PGconn *c)
{
	PGresult *last = NULL, *r;
	while ((r = PQgetResult(c))) {
		if (last && PQresultStatus(last) == PGRES_FATAL_ERROR) {
			PQclear(r);
			continue;
		}
		PQclear(last);
		last = r;
	}
	return last;
}

void pg_wait_answer(PGconn *c, const char *what)
{
	struct watched *w = find(c);
	if (!w || w->quiet)
		return;
	pg_blockers_release(&seen);
	wait_answer(w, what);
}

PGresult *pg_wait_exec(PGconn *c, const char *what, const char *sql, int nparams, const char *const *params)
{
	if (!find(c))
		return nparams < 0 ? PQexec(c, sql) : PQexecParams(c, sql, nparams, NULL, params, NULL, NULL, 0);
	int sent = nparams < 0 ? PQsendQuery(c, sql) : PQsendQueryParams(c, sql, nparams, NULL, params, NULL, NULL, 0);
	if (!sent)
		return NULL;
	pg_wait_answer(c, what);
	return collect(c);
}

bool pg_wait_busy(PGconn *c, const char *what, const PGresult *r)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	bool lock = state && !strcmp(state, "55P03"), stmt = state && !strcmp(state, "57014");
	struct watched *w = find(c);
	if (!w || w->quiet || !(lock || stmt) || interrupt_pending())
		return false;
	struct buf b = BUF_INIT;
	char *who = pg_blockers_describe(&seen);
	buf_addf(&b, "%s waited %.0f s", what ? what : "a query", waited_ms / 1e3);
	if (lock)
		buf_addf(&b, " for %s (lock_timeout %.0f s, --lock-wait)", waits_for(&seen), lock_wait_ms / 1e3);
	else
		buf_addf(&b, " and ran out of the gate's statement_timeout of %.0f s (--query-timeout)%s%s",
		         query_timeout_ms / 1e3, seen.n ? " waiting for " : "", seen.n ? waits_for(&seen) : "");
	buf_addf(&b, "%s%s", seen.n ? ", blocked by " : "", who);
	free(busy_text);
	busy_text = log_mask(b.data);
	gate_error(EXIT_ENV,
	           "end the blocking session or run again when it is done; the gate changed nothing by waiting "
	           "(--lock-wait and --query-timeout bound each wait)",
	           "production is busy: %s", b.data);
	free(who);
	buf_release(&b);
	return true;
}

const char *pg_wait_busy_text(void)
{
	return busy_text;
}

void pg_wait_clear(void)
{
	free(busy_text);
	busy_text = NULL;
}
