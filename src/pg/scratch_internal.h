/*
 * Shared by scratch.c (local cluster), scratch_cache.c (--scratch-cache) and
 * scratch_url.c (--scratch-url). Not part of the API: use scratch.h.
 */
#ifndef GATE_PG_SCRATCH_INTERNAL_H
#define GATE_PG_SCRATCH_INTERNAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "pg/cleanup.h"
#include "pg/scratch.h"

struct scratch {
	bool keep;
	struct run_user user;
	struct cleanup *cleanup; /* the private dir and its postmaster */
	char *bindir;
	char *dir;     /* private dir: socket, logs, data */
	char *datadir; /* <dir>/data */
	char *logpath; /* <dir>/server.log */
	int port;
	pid_t postmaster;
	int major;
	char *conninfo;
	char *sa_url;
	char *t_host, *t_port, *t_user, *t_password, *t_dbname;
	struct scratch_target target; /* points at the t_* strings */
	char *local_admin;            /* local cluster: conninfo of template1 */
	char *ckpt_dbname;            /* where checkpoint copies go */

	/* --scratch-url */
	char *url;       /* the server's URL as given */
	char *admin_dsn; /* conninfo of the maintenance database, for the DROP */
	struct cleanup *url_cleanup;

	/* the statement log of a local cluster (scratch_log.c) */
	char *stmt_log;       /* <datadir>/log/statements.csv, NULL with --scratch-url */
	long long log_offset; /* where the next scratch_log_statements() starts reading */
	unsigned log_marks;   /* marks written so far */
};

/* The postgresql.auto.conf lines that make a local cluster log every statement (scratch_log.c). */
extern const char scratch_log_settings[];

/*
 * Copies the cached template data dir into s->datadir. Returns 1 when it did,
 * 0 when there is no template yet, -1 with a recorded error.
 */
int scratch_cache_copy(struct scratch *s, const char *cache_dir);
/* Saves the freshly initdb'd s->datadir as the template; failures only warn. */
void scratch_cache_store(struct scratch *s, const char *cache_dir);

/* Creates the throwaway database on the server at url and fills s's target. Returns 0 or -1. */
int scratch_start_url(struct scratch *s, const char *url);
/* Drops the database made by scratch_start_url(), if any. */
void scratch_drop_url(struct scratch *s);

#endif
