/*
 * The report of the commands that face production: plan, apply and deploy.
 * One model for the three: production's revision (as it is now, and as it
 * was), the stages that ran (deploy), every revision with its deploy mode,
 * the tables it touches and, once applied, its outcome; plus the lint
 * findings with table sizes. Writers: text (its first line states
 * production's revision as it is now) and JSON (docs/apply.md); every other
 * format is the findings report's, enriched by deploy_report_enrich() with
 * each revision's mode and apply step and the apply's outcome (Markdown shows
 * them in its revision table and timeline).
 */
#ifndef GATE_REPORT_DEPLOY_H
#define GATE_REPORT_DEPLOY_H

#include <stdbool.h>
#include <stdio.h>

#include "report/writer.h"

enum stage_status { STAGE_PASSED, STAGE_FAILED, STAGE_SKIPPED, STAGE_NOT_RUN };

struct deploy_stage {
	char *name; /* "plan", "check", "backup", "apply" */
	enum stage_status status;
	double ms;
	char *detail; /* one line, or NULL */
};

enum rev_outcome {
	REV_PLANNED,       /* plan only: not applied by this command */
	REV_APPLIED,       /* upgraded and verified */
	REV_FAILED,        /* production is left at the revision before it (or as described) */
	REV_NOT_ATTEMPTED, /* an earlier revision failed, or the run stopped before it */
};

struct deploy_table {
	char *name;
	const char *lock; /* the strongest lock the revision takes on it (static text) */
	bool sized;       /* rows and bytes come from production */
	bool exists;
	double rows; /* -1 when never analysed */
	long long bytes;
};

/* A session that blocked the revision's backend while it waited for a lock. */
struct deploy_blocker {
	long pid;
	char *state;
	char *application_name;
	char *query;       /* truncated */
	double xact_age_s; /* -1: no transaction */
};

/* A statement of a revision that failed part-way: whether it stayed on production. */
struct deploy_stmt {
	char *sql;
	bool committed; /* ran in autocommit, or before a commit: it is on production */
};

struct deploy_rev {
	char *id;
	char *title; /* the docstring's first line, or NULL */
	char *file;  /* relative to the project, or NULL */
	/* plan */
	bool mode_known;             /* false when the revision's SQL could not be read offline */
	bool breaking;               /* needs a maintenance window or expand/contract */
	struct strlist reasons;      /* why it is breaking, or why the mode is unknown */
	struct deploy_table *tables; /* existing tables it locks */
	size_t n_tables, alloc_tables;
	/* apply */
	enum rev_outcome outcome;
	unsigned attempts; /* upgrade attempts; retries are attempts - 1 */
	double ms;         /* all attempts and waits */
	struct deploy_blocker *blockers;
	size_t n_blockers, alloc_blockers;
	char *error;               /* the failure in one line, or NULL */
	bool manual;               /* partly applied: needs a person (an autocommit_block committed part of it) */
	bool single_transaction;   /* runs entirely inside one transaction: retried on a lock timeout */
	struct deploy_stmt *stmts; /* a failed revision's migration statements, in order */
	size_t n_stmts, alloc_stmts;
	struct strlist changes; /* the schema changes verified on production: "added index \"t.ix\"" */
	char *mismatch;         /* how production's changes differ from check's on scratch, or NULL */
	double started_ms;      /* when its first attempt started, on progress_clock_ms() */
};

/* deploy's verify stage: one health URL as polled (report/deploy_verify.c). */
struct deploy_health {
	char *url;         /* without user info and query string */
	bool passed;       /* answered 2xx the required number of times in a row */
	long status;       /* the last answer's HTTP status; 0 when none came */
	char *body;        /* the first 300 bytes of the last answer's body (masked, printable), or NULL */
	char *error;       /* why the last try got no answer, or NULL */
	unsigned tries;    /* requests sent */
	unsigned in_a_row; /* 2xx answers in a row at the end */
	double ms;         /* from the first try to the verdict */
};

/* One --health-sql check. */
struct deploy_sql_check {
	char *name; /* its leading comment, or "check N (line L)" */
	bool passed;
	char *why; /* how it failed: "returned 0 rows", "first column is 'f'", the server's error; or NULL */
	double ms;
};

struct deploy_verify {
	bool ran; /* the stage ran (not skipped, not stopped before) */
	bool passed;
	struct deploy_health *health;
	size_t n_health, alloc_health;
	struct deploy_sql_check *sql;
	size_t n_sql, alloc_sql;
	bool state_known;        /* production's state after the deploy could be read */
	struct strlist revision; /* its alembic_version rows */
	long long database_bytes;
	size_t tables;
};

struct deploy_report {
	const char *command;     /* "plan", "apply", "deploy" */
	bool production_known;   /* production's revision could be read at the end */
	struct strlist before;   /* alembic_version rows when the command started */
	struct strlist now;      /* the rows as they are now; empty: an empty (or unmigrated) database */
	struct strlist heads;    /* the project's heads: the target */
	struct deploy_rev *revs; /* in the order they apply */
	size_t n_revs, alloc_revs;
	struct deploy_stage *stages;
	size_t n_stages, alloc_stages;
	struct report *findings;       /* lint findings of plan/check (sized when production was read); never NULL */
	struct strlist notes;          /* said loudly in every format: skipped stages, retries, the lock wait */
	struct strlist warnings;       /* --require-zero-downtime failures and the like */
	struct report_outcome backup;  /* deploy's backup stage (ran == false: skipped or not reached) */
	char *failure;                 /* what failed, one line, or NULL when the command passed */
	char *rollback;                /* how to go back, or NULL */
	long long small_table_bytes;   /* the --small-table-bytes the findings were judged with */
	bool passed;

	struct deploy_verify verify; /* deploy's last stage */
};

void deploy_report_init(struct deploy_report *r, const char *command);
void deploy_report_release(struct deploy_report *r);

struct deploy_rev *deploy_report_add_rev(struct deploy_report *r, const char *id, const char *title, const char *file);
struct deploy_rev *deploy_report_find_rev(struct deploy_report *r, const char *id);
struct deploy_stage *deploy_report_add_stage(struct deploy_report *r, const char *name, enum stage_status status,
                                             double ms, const char *detail);
struct deploy_table *deploy_rev_add_table(struct deploy_rev *rev, const char *name, const char *lock);
struct deploy_blocker *deploy_rev_add_blocker(struct deploy_rev *rev);
void deploy_rev_add_stmt(struct deploy_rev *rev, const char *sql, bool committed);
/* Every string the model holds is masked (log_mask) before it is stored by these setters. */
void deploy_set(char **field, const char *value);
void deploy_setf(char **field, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The verify stage's model (report/deploy_verify.c); strings are masked as they are stored. */
struct deploy_health *deploy_verify_add_health(struct deploy_verify *v, const char *url);
struct deploy_sql_check *deploy_verify_add_sql(struct deploy_verify *v, const char *name);
void deploy_verify_release(struct deploy_verify *v);
/* One line for the stage table and the Markdown outcome: "2 URL(s) healthy, ...; production at r0003, 7.6 MB, 3
 * tables". */
char *deploy_verify_summary(const struct deploy_verify *v);

const char *rev_outcome_name(enum rev_outcome o);
const char *stage_status_name(enum stage_status s);

/* "r0003" or "r0003, r0104" or "(empty database)": newly allocated. */
char *deploy_rows_text(const struct strlist *rows);

/*
 * Adds to findings (the report r->findings points to) what its writers show
 * of a deploy: every revision with its deploy mode and, once applied, an
 * "apply" step; the apply's outcome; r's notes and warnings.
 */
void deploy_report_enrich(const struct deploy_report *r, struct report *findings);

/*
 * Writes r: text and JSON are the deploy report's own; Markdown, SARIF,
 * GitLab, JUnit and GitHub annotations are r->findings' writers (enrich it
 * first). Returns 0 or -1 with a recorded error.
 */
int deploy_report_write(const struct deploy_report *r, enum report_format fmt, const struct report_options *opt,
                        FILE *out);
void deploy_write_text(const struct deploy_report *r, const struct report_options *opt, FILE *out);
void deploy_write_json(const struct deploy_report *r, const struct report_options *opt, FILE *out);

#endif
