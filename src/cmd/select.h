/* Which revisions a check replays: --since, production's alembic_version, --base-ref, or all. */
#ifndef GATE_CMD_SELECT_H
#define GATE_CMD_SELECT_H

#include "alembic/graph.h"
#include "cli/config.h"

/*
 * Appends the new revisions in topological order to fresh. With a
 * production URL, *production_major is set to its server version. Several
 * heads are an error unless --heads. Returns 0 or -1 with a recorded error.
 */
int select_new_revisions(const struct gate_config *cfg, const struct rev_graph *g, struct strlist *fresh,
                         int *production_major);

#endif
