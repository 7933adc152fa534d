/*
 * A saved copy of the scratch database to go back to when a revision's round
 * trip fails or diverges: CREATE DATABASE <copy> TEMPLATE <scratch> (STRATEGY
 * FILE_COPY on PostgreSQL 15+), measured cheaper than a file-level copy of the
 * cluster (docs/architecture.md). A template copy needs the source database to
 * have no other session, so saving closes the caller's connection, ends any
 * session left on the scratch database (a pooled connection of env.py's
 * engine), copies, and reconnects. The copy lives on the same server under
 * scratch_checkpoint_dbname() and is dropped by checkpoint_free() and with the
 * scratch database.
 */
#ifndef GATE_PG_CHECKPOINT_H
#define GATE_PG_CHECKPOINT_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "pg/scratch.h"

struct checkpoint;

/* Connects to the scratch server's maintenance database. Returns 0, or -1 with a recorded EXIT_ENV error. */
int checkpoint_new(const struct scratch *s, struct checkpoint **out);
/* Drops the saved copy and disconnects; accepts NULL. */
void checkpoint_free(struct checkpoint *cp);

/*
 * Saves the scratch database as it is now, replacing the previous copy. *db,
 * a connection to the scratch database, is closed and opened again. Returns
 * 0, or -1 with a recorded EXIT_ENV error (*db may then be NULL).
 */
int checkpoint_save(struct checkpoint *cp, PGconn **db);
/*
 * Replaces the scratch database with a copy of the saved one (the copy is
 * kept, so the same state can be restored again). *db as for save.
 */
int checkpoint_restore(struct checkpoint *cp, PGconn **db);
/* Whether a copy has been saved. */
bool checkpoint_saved(const struct checkpoint *cp);

#endif
