/*
 * The findings model shared by every command and every output format: a
 * report is a list of findings plus what was examined.
 */
#ifndef GATE_REPORT_FINDING_H
#define GATE_REPORT_FINDING_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strset.h"

enum severity { SEV_NONE = 0, SEV_INFO = 1, SEV_WARNING = 2, SEV_ERROR = 3 };

const char *severity_name(enum severity s);
/* Parses error|warning|info (and "never"/"off" as SEV_NONE); returns -1 when unknown. */
int severity_parse(const char *s, enum severity *out);

/* Static description of a rule; lint rules and replay checks both have one. */
struct rule_info {
	const char *id;         /* stable kebab-case id */
	enum severity severity; /* default severity */
	const char *summary;    /* one line: what is wrong */
	const char *help;       /* one line: the safe alternative */
	bool off_by_default;    /* opt in with --enable */
	/* Its section in docs/rules.md is #<id>: SARIF's helpUri and the Markdown report link there. */
};

struct finding {
	const struct rule_info *rule;
	enum severity severity; /* after configuration */
	char *message;
	char *file;      /* as given by the user, or NULL */
	unsigned line;   /* 1-based; 0 when unknown */
	unsigned column; /* 1-based, in characters */
	unsigned end_line;
	unsigned end_column;
	size_t offset; /* byte span in the file */
	size_t length;
	char *source_line;      /* the text of `line`, or a window of it around `column` (finding_set_source) */
	unsigned source_column; /* the column of source_line's first character; 0 is the same as 1 */
	bool source_clipped;    /* the line goes on after source_line */
	char *revision;         /* alembic revision, or NULL */
	char *table;            /* the existing table the finding is about (as the linter names it), or NULL */
	bool sized;             /* table_rows and table_bytes come from production's catalog */
	double table_rows;      /* estimated rows (reltuples); -1 when never analysed */
	long long table_bytes;  /* pg_total_relation_size */
	/*
	 * The other objects one defect touched, one phrase each (`column "t.c"
	 * was added`): a replay finding about a table lists its columns,
	 * constraints, indexes and sequences here instead of one finding each.
	 */
	struct strlist objects;
};

/* How one timed step of a revision ended. */
enum report_step_state { REPORT_STEP_NOT_RUN = 0, REPORT_STEP_OK, REPORT_STEP_FAILED };

/* One timed step of a revision (replay or apply), for the revision table and the timeline. */
struct report_step {
	const char *name; /* static text: "upgrade", "downgrade", "second upgrade", "apply" */
	enum report_step_state state;
	double start_ms; /* since the run started (progress_clock_ms()) */
	double duration_ms;
};

#define REPORT_MAX_STEPS 4

/* What a command did to one revision; check fills the replay, apply and plan add theirs. */
struct report_revision {
	char *id;
	char *title; /* the revision's message, or NULL */
	char *file;  /* the revision file as shown in findings, or NULL */
	struct report_step steps[REPORT_MAX_STEPS];
	size_t n_steps;
	struct strlist sql; /* statements its upgrade executed, secrets masked */
	char *mode;         /* deploy mode from plan ("additive", "breaking"), or NULL */
	char *mode_reason;  /* one line on why, or NULL */
	char *failure; /* check: why its round trip failed, one line (its first replay error); NULL when it did not */
};

/* The result of a run's backup or apply, once those commands exist; ran == false: not part of this run. */
struct report_outcome {
	bool ran;
	bool ok;
	char *summary; /* one line for people, secrets masked */
	char *path;    /* the archive (backup), or NULL */
};

/* How far check's replay got: every format states it (ran is false for lint). */
struct report_replay {
	bool ran;
	size_t revisions;    /* new revisions */
	size_t replayed;     /* reached by the replay: clean, failed, one-way or stopped */
	size_t failed;       /* a step failed, a schema differed or the stamp was lost (stopped included) */
	size_t one_way;      /* declared irreversible downgrade: upgraded only */
	size_t not_replayed; /* never reached */
	char *stopped_at;    /* the revision the replay could not get past, or NULL */
	char *reason;        /* why revisions were not replayed, one line; NULL when all were */
};

struct report {
	struct finding *items;
	size_t n;
	size_t alloc;
	size_t files;         /* inputs examined */
	size_t statements;    /* statements examined */
	size_t suppressed;    /* findings silenced by ignore comments (not those of rules switched off) */
	struct strlist notes; /* things a reader must know, e.g. a file-wide ignore */
	const struct rule_info *const *rules; /* every known rule, for SARIF */
	size_t n_rules;
	struct strlist inputs;             /* lint: every file examined, for one JUnit testcase per file */
	struct report_revision *revisions; /* check, apply: in the order they ran */
	size_t n_revisions;
	size_t alloc_revisions;
	struct report_outcome backup;
	struct report_outcome apply;
	struct report_replay replay;
	struct strlist stages;        /* deploy's stages, "name\tstatus\tmilliseconds\tdetail", in order */
	struct report_outcome verify; /* deploy's verify stage */
};

/* "12 of 40 revision(s) replayed, 1 failed, 2 one-way, 28 not replayed: <reason>", one line (caller frees). */
char *report_replay_line(const struct report_replay *rp);

void report_init(struct report *r);
void report_release(struct report *r);
/* Appends a zeroed finding and returns it. */
struct finding *report_add(struct report *r);
/*
 * Sets f->source_line from a line's text (len bytes, no newline), where byte at
 * holds f->column. A long line keeps only a window around the column, so each
 * finding costs the same on a one-line 6 MB file as on a short line.
 */
void finding_set_source(struct finding *f, const char *line, size_t len, size_t at);
/*
 * Replaces f->source_line with a whole line (taking ownership), as when a
 * finding moves to another file; the text writer cuts it around f->column.
 */
void finding_take_source(struct finding *f, char *line);
/* The window of a line that finding_set_source keeps (and the text writer shows): characters either side. */
#define FINDING_SOURCE_WINDOW 60
/*
 * The window of line (len bytes) around byte at: bytes [*from, *to), 2 *
 * FINDING_SOURCE_WINDOW + 1 characters at most, centred on at where the line
 * allows, so a line that short is shown whole. Returns the characters in [*from, at).
 */
unsigned finding_source_window(const char *line, size_t len, size_t at, size_t *from, size_t *to);
/* Orders findings by file, line, column and rule id. */
void report_sort(struct report *r);
/*
 * Orders findings by their revision's place in r->revisions (the order the
 * replay ran: history order), then line, column and rule id; findings of no
 * listed revision come first, by file.
 */
void report_sort_history(struct report *r);
/* How many findings have at least the given severity. */
size_t report_count_at_least(const struct report *r, enum severity min);
size_t report_count(const struct report *r, enum severity exactly);
/* The verdict: no finding at or above fail_on, and no backup or apply that ran and failed. */
bool report_passed(const struct report *r, enum severity fail_on);

/* Appends a revision (copies of the strings; title and file may be NULL) and returns it. */
struct report_revision *report_add_revision(struct report *r, const char *id, const char *title, const char *file);
/* The revision with this id, or NULL. */
struct report_revision *report_find_revision(const struct report *r, const char *id);
/* Records a step; at most REPORT_MAX_STEPS per revision, later ones are dropped. */
void report_add_step(struct report_revision *rv, const char *name, enum report_step_state state, double start_ms,
                     double duration_ms);
/* Appends an executed statement with every registered secret and DSN password masked. */
void report_add_sql(struct report_revision *rv, const char *sql);
/* Fills a backup or apply outcome (summary masked; path may be NULL). */
void report_set_outcome(struct report_outcome *o, bool ok, const char *summary, const char *path);
void report_outcome_release(struct report_outcome *o);
/* The URL of a rule's section in docs/rules.md, in the repository (MIGRATE_GATE_REPO_URL); the caller frees. */
char *report_rule_url(const struct rule_info *rule);

#endif
