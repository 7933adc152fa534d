/*
 * Splits Alembic's offline output (`alembic upgrade A:B --sql`) into one SQL
 * text per revision, using the marker lines Alembic writes before each step:
 *   -- Running upgrade A -> B
 *   -- Running upgrade  -> B          (from base)
 *   -- Running upgrade A, C -> M      (a merge)
 *   -- Running downgrade B -> A
 * Text before the first marker (CREATE TABLE alembic_version ...) belongs to
 * no revision and is dropped. The alembic_version bookkeeping statements
 * (INSERT INTO / UPDATE / DELETE FROM alembic_version) are removed from each
 * part so that only migration SQL is linted. Used by the per-step CLI mode
 * (--alembic-cmd), which has no statement capture.
 */
#ifndef GATE_ALEMBIC_OFFLINE_H
#define GATE_ALEMBIC_OFFLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "alembic/driver.h"
#include "alembic/graph.h"

struct offline_part {
	char *revision; /* the revision the step applies (B above) or undoes */
	char *from;     /* the text left of "->", e.g. "A" or "A, C"; "" from base */
	bool downgrade;
	char *sql; /* the step's SQL without bookkeeping; "" when none */
	int line;  /* line of the marker in the input, 1-based */
};

struct offline_split {
	struct offline_part *parts; /* in output order */
	size_t n;
	size_t alloc;
};

#define OFFLINE_SPLIT_INIT                                                                                             \
	{                                                                                                              \
		NULL, 0, 0                                                                                             \
	}

void offline_split_init(struct offline_split *s);
void offline_split_release(struct offline_split *s);

/*
 * Splits text into s (appending). Returns 0; -1 with an EXIT_USAGE error when
 * the text holds SQL but no marker at all (not Alembic offline output).
 * Empty input gives no parts.
 */
int offline_split(const char *text, struct offline_split *s);

/* The part for a revision (the last one when it appears twice), or NULL. */
const struct offline_part *offline_find(const struct offline_split *s, const char *revision);

/*
 * The SQL one revision's upgrade would run, from offline mode, as the
 * statements the lint pass reads when none were captured (the per-step CLI
 * mode). The driver runs `alembic upgrade PARENT:REV --sql` (from base for a
 * root, from the first parent for a merge) and the part for rev is split
 * into out->stmts: kind STMT_MIGRATION, no trailing ';', and the statements
 * between the COMMIT and BEGIN Alembic writes around an autocommit_block()
 * flagged autocommit (the COMMIT and BEGIN dropped). Offline SQL has its
 * values inlined: no bound parameters, no psycopg2 '%' escapes. When offline
 * mode cannot run the revision (it reads rows), out->status is STEP_FAILED
 * with the error. Returns -1 only when the driver is gone (recorded error).
 */
int offline_revision(struct driver *d, const struct rev *rev, struct step_result *out);

#endif
