/*
 * The replay: on a scratch database, every new revision is upgraded,
 * downgraded and upgraded again, with a catalog snapshot around each step.
 * Every failure or difference becomes a finding that names the objects.
 * The statements each revision executed are kept for the lint pass.
 */
#ifndef GATE_REPLAY_REPLAY_H
#define GATE_REPLAY_REPLAY_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "alembic/driver.h"
#include "alembic/graph.h"
#include "alembic/steps.h"
#include "pg/checkpoint.h"
#include "pg/scratch.h"
#include "pg/snapshot.h"
#include "replay/sourcemap.h"
#include "report/finding.h"
#include "util/strset.h"

struct replay_ctx {
	const struct step_runner *steps; /* the driver, or the per-step CLI (--alembic-cmd) */
	PGconn **db; /* the scratch database, for snapshots and version rows (checkpoints reopen it) */
	/*
	 * Saved after the baseline and after the first upgrade of every few
	 * revisions; when a round trip fails or diverges it is restored and the
	 * revisions after it upgraded again, so every later revision is still
	 * replayed. NULL (--fail-fast): the first failure ends the replay.
	 */
	struct checkpoint *checkpoint;
	const struct rev_graph *graph;
	const char *project_dir;    /* revision paths are shown relative to it */
	const char *scratch_dir;    /* shown as <scratch> in messages (stable text); NULL when none */
	enum severity irreversible; /* level of a declared irreversible downgrade; SEV_NONE: off */
	struct report *report;
	struct scratch *scratch; /* its statement log cross-checks each step's capture; NULL: no cross-check */
	size_t at, total;        /* the revision being replayed (1-based) of how many, for the line a signal prints */
	/* Set by replay_revisions(): the revisions so far, and how many of them the checkpoint holds upgraded. */
	const struct replay_result *res;
	size_t saved;
};

/* How the replay of one revision ended. */
enum revision_state {
	REPLAY_NOT_REPLAYED = 0, /* never reached: see replay_result.reason */
	REPLAY_CLEAN,            /* upgrade, downgrade, upgrade, and the schemas matched */
	REPLAY_FAILED,           /* a step failed, a schema differed or the stamp was lost; restored, the replay went on */
	REPLAY_ONE_WAY,          /* its downgrade is declared irreversible: upgraded only */
	REPLAY_STOPPED,          /* it could not be upgraded: no later revision can be replayed */
};

/* "not replayed", "clean", "failed", "one-way", "stopped": for reports. */
const char *revision_state_name(enum revision_state s);

/* What happened to one revision, for the reports and the lint pass. */
struct revision_outcome {
	const struct rev *rev;
	char *file;            /* the revision file as shown in findings */
	struct sourcemap *map; /* the revision file, read once for every finding's line; NULL if unreadable */
	bool upgraded;         /* first upgrade succeeded */
	bool downgraded;       /* downgrade succeeded */
	bool reupgraded;       /* second upgrade succeeded */
	double up_ms, down_ms, up2_ms;
	double up_at, down_at, up2_at; /* when each step started, on the run's clock (progress_clock_ms()) */
	struct step_result first;      /* the first upgrade's captured statements */
	struct strlist rewritten;      /* "kind\tname" of relations the upgrade rewrote */
	struct strlist catalog;        /* S0's column, constraint and index lines: what the upgrade started from, for the lint */
	struct strlist changes;        /* what the first upgrade changed (diff_entry_describe of S0 -> S1), for apply */
	enum revision_state state;
	bool hold_commits; /* it lost its stamp by committing: its later steps run with commits held */
};

/* Every new revision has an item, in replay order, also those not replayed. */
struct replay_result {
	struct revision_outcome *items;
	size_t n;
	size_t alloc;
	bool stopped; /* a revision could not be upgraded (or --fail-fast): the rest was not replayed */
	char *reason; /* why revisions were not replayed, one line; NULL when all were */
};

/*
 * The rewrites the scratch database observed during o's first upgrade, once
 * the lint findings of o are in the report (from index lint_first): a lint
 * finding that predicted the rewrite of a table (alter-column-type and the
 * like) gets "(observed: ...)" appended and stands for it; a table rewrite no
 * rule predicted is a table-rewrite warning; an index rebuilt with its table
 * is part of that, and one rebuilt alone is an info.
 */
void replay_rewrite_findings(struct replay_ctx *c, const struct revision_outcome *o, size_t lint_first);
/* How many items are in state s. */
size_t replay_count(const struct replay_result *r, enum revision_state s);

void replay_result_init(struct replay_result *r);
void replay_result_release(struct replay_result *r);

/*
 * Brings an empty scratch database to the baseline (upgrades to each
 * revision in `targets`) and proves env.py used the scratch URL: afterwards
 * alembic_version must exist there. Returns 0, or -1 with a recorded error
 * (EXIT_ENV when env.py ignored the URL or the driver died).
 */
int replay_baseline(struct replay_ctx *c, const struct strlist *targets);

/*
 * Replays each revision of `fresh` (topological order) and appends findings
 * to c->report, one `not-replayed` finding per revision it could not reach.
 * Returns 0 when the replay ran (findings or not), -1 with a recorded error
 * when the driver died or timed out.
 */
int replay_revisions(struct replay_ctx *c, const struct strlist *fresh, struct replay_result *out);

/*
 * --replay-from-base: after replay_revisions(), downgrade the whole history
 * to base and compare with `empty` (taken before the baseline), then upgrade
 * to heads again and compare with the head snapshot. A finding is filed under
 * the revision that raised, or whose upgrade() names the object; the head
 * when none does. Skipped, with a note, when a revision failed, is one-way or
 * was not replayed: its own finding already says why the history cannot go
 * down.
 */
int replay_whole(struct replay_ctx *c, const struct replay_result *res, const struct snapshot *empty);
/* Takes a snapshot of the scratch database (for the empty one replay_whole compares with). */
int replay_snapshot(struct replay_ctx *c, struct snapshot *out);

/* Fills c->report->replay, the end state every format states. */
void replay_summarize(const struct replay_result *res, struct report *report);

/* The rules replay findings are filed under, for SARIF's rule table. */
const struct rule_info *const *replay_rules(size_t *n);

#endif
