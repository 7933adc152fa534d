/*
 * What plan, apply and deploy share: the project, its driver and revision
 * graph, a read-only session on production, and the deploy report.
 */
#ifndef GATE_CMD_PROD_H
#define GATE_CMD_PROD_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "alembic/driver.h"
#include "alembic/graph.h"
#include "cli/config.h"
#include "report/deploy.h"
#include "report/finding.h"

struct prod_run {
	const struct gate_config *cfg;
	char *project_dir; /* absolute */
	char *config_path; /* absolute alembic.ini, or NULL for the driver's default */
	struct driver *driver;
	struct rev_graph graph;
	struct strlist fresh; /* the revisions still to apply, in order */
	PGconn *ro;           /* production, read-only */
	PGconn *session;      /* apply's own session, opened while the driver starts (see prod_start_driver) */
	struct deploy_report report;
	struct report findings;
};

void prod_init(struct prod_run *p, const struct gate_config *cfg);
void prod_release(struct prod_run *p);

/* The command needs production: --production-url or DATABASE_URI (EXIT_USAGE otherwise). */
int prod_require_url(const struct gate_config *cfg);

/*
 * Starts a driver whose environment names db_url (production for apply; NULL
 * when it only reads the project) and reads the revision graph; several
 * heads are an error unless --heads. While the interpreter starts, opens the
 * read-only session on production, and with open_session apply's own session
 * too (apply_open_session). Returns 0 or -1 with a recorded error.
 */
int prod_start_driver(struct prod_run *p, const char *db_url, bool open_session);

/*
 * Opens apply's own session into ((struct prod_run *)p)->session, for
 * driver_options.while_starting; always 0 (see prod.c).
 */
int prod_open_session(void *p);

/* Reads production's revision over the read-only session into the report, and the revisions still to apply. */
int prod_read(struct prod_run *p);

/* The project's script_location as alembic.ini spells it (every checkout agrees on it); newly allocated. */
char *prod_script_location(const struct prod_run *p);

/*
 * Applies p->fresh to production through d (a driver started with the
 * production URL), comparing each revision's changes with expected ("rev\tchange"
 * lines from check, or NULL). Fills p->report; returns apply_run()'s status.
 */
int prod_apply(struct prod_run *p, struct driver *d, const struct strset *expected);

/* Writes p->report; on a recorded failure too, so the report always says what happened. */
int prod_emit(struct prod_run *p);

#endif
