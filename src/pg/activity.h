/*
 * Sessions on production as pg_stat_activity shows them: who blocks the
 * migration's backend (pg_blocking_pids()), and which migration sessions of
 * an earlier, killed run are still there.
 */
#ifndef GATE_PG_ACTIVITY_H
#define GATE_PG_ACTIVITY_H

#include <libpq-fe.h>
#include <stddef.h>

#include "util/strset.h"

struct pg_blocker {
	long pid;
	char *state;            /* "idle in transaction", "active", ... */
	char *application_name; /* "" when none */
	char *query;            /* its current or last query, blanks collapsed, at most 200 characters */
	double xact_age_s;      /* how long its transaction has been open; -1 when it has none */
	char *query_start;      /* when its query started, "2026-12-07 23:00:01 UTC", or "" */
	char *waits_for;        /* what the blocked backend waits for: "relation public.t", or "" */
};

struct pg_blockers {
	struct pg_blocker *items;
	size_t n;
	size_t alloc;
};

#define PG_BLOCKERS_INIT                                                                                               \
	{                                                                                                              \
		NULL, 0, 0                                                                                             \
	}

void pg_blockers_release(struct pg_blockers *b);
/* Replaces dst's contents with a copy of src's. */
void pg_blockers_copy(struct pg_blockers *dst, const struct pg_blockers *src);

/*
 * The sessions that block the backend of c's database whose application_name
 * is appname, replacing out's contents. Returns how many, or -1 with a
 * recorded error.
 */
int pg_blockers_of(PGconn *c, const char *appname, struct pg_blockers *out);

/* The same for the backend whose pid is pid (any database): the gate's own waiting session. */
int pg_blockers_of_pid(PGconn *c, long pid, struct pg_blockers *out);

/*
 * One line for the log and the reports: "pid 4242 (application_name 'psql',
 * state 'idle in transaction', query started 2026-12-07 23:00:01 UTC: LOCK
 * TABLE t ...)", several joined by "; ". Newly allocated; "" for none.
 */
char *pg_blockers_describe(const struct pg_blockers *b);

/*
 * The sessions pg_count_sessions() counts, described, into out (its old
 * contents released). Returns how many, or -1 with a recorded error.
 */
int pg_list_sessions(PGconn *c, const char *prefix, const char *except, struct strlist *pids, struct strlist *texts);

/* pg_terminate_backend(pid); 0, or -1 with a recorded error. */
int pg_terminate(PGconn *c, long pid);

/*
 * How many other sessions on c's database have an application_name that
 * starts with prefix and is not `except` (NULL: none excluded), or -1 with a
 * recorded error.
 */
int pg_count_sessions(PGconn *c, const char *prefix, const char *except);

#endif
