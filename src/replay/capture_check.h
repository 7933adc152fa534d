/*
 * The cross-check of what the driver captured against what the scratch
 * server logged (pg/scratch.h's statement log). Revision code runs inside
 * the driver: it can empty the capture list, or run SQL on a connection of
 * its own that the Engine events never see. The server's log is the record
 * it cannot rewrite, so a statement there that the capture lacks is added
 * to the step's statements (linted like any other) and flagged `bypassed`.
 *
 * A logged statement counts as captured when its text is what the driver
 * saw the server receive, or when its shape is the shape of a captured one:
 * literals, numbers, NULL/true/false and placeholders blanked, casts of
 * blanked values and repeated VALUES rows dropped, blanks collapsed. That
 * covers bound parameters, executemany and the repeats the driver only
 * counts past its cap. Transaction control (BEGIN, COMMIT, ROLLBACK) and the
 * catalog probes SQLAlchemy runs on a new connection without events are
 * not migration SQL and are skipped.
 */
#ifndef GATE_REPLAY_CAPTURE_CHECK_H
#define GATE_REPLAY_CAPTURE_CHECK_H

#include <libpq-fe.h>

#include "alembic/driver.h"
#include "pg/scratch.h"

/*
 * Reads what the server logged since the last call and appends to r every
 * statement the capture lacks (one per shape), as STMT_MIGRATION with
 * revision rev (may be NULL) and bypassed set. Does nothing when s keeps no
 * statement log. Returns how many it appended, or -1 with a recorded error.
 */
int capture_check(struct scratch *s, PGconn *db, const char *rev, struct step_result *r);

/* The shape of a statement (see above), newly allocated. For tests. */
char *capture_shape(const char *sql);

#endif
