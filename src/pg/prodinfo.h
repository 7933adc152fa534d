/*
 * What a backup records about the database it dumps, read through libpq:
 * server version, database size, alembic_version rows, the roles, and every
 * table with its estimated rows (reltuples), its size and, below a threshold,
 * its exact count(*).
 *
 * pg_prodinfo_begin() reads all of it inside one repeatable-read, read-only
 * transaction whose snapshot it exports: pg_dump --snapshot=<id> then dumps
 * exactly the rows that were counted and the versions that were read, however
 * busy production is.
 */
#ifndef GATE_PG_PRODINFO_H
#define GATE_PG_PRODINFO_H

#include <libpq-fe.h>
#include <stdint.h>

#include "util/strset.h"

struct pg_table_info {
	char *ident;      /* "schema"."table", quoted: usable in SQL as is */
	char *name;       /* as in snapshots: table, or schema.table outside public */
	double reltuples; /* the planner's estimate; -1 when the table was never analysed */
	int64_t bytes;    /* pg_total_relation_size */
	int64_t rows;     /* exact count(*), or -1 when not counted */
};

struct pg_prodinfo {
	char *server_version; /* "15.4 (Debian 15.4-1)" */
	int server_major;
	char *database;
	char *host; /* as libpq connected: a host name, an address or a socket dir */
	char *port;
	char *user;
	int64_t database_bytes;
	int version_table;            /* 1 when alembic_version exists, else 0 */
	struct strlist versions;      /* its rows, sorted */
	struct strlist roles;         /* roles other than pg_*, for a scratch restore with owners and grants */
	struct pg_table_info *tables; /* largest first */
	size_t n_tables;
	size_t alloc;
	char *snapshot; /* the exported snapshot, while pg_prodinfo_begin()'s transaction is open */
};

void pg_prodinfo_init(struct pg_prodinfo *p);
void pg_prodinfo_release(struct pg_prodinfo *p);

/*
 * Opens the transaction on c (which must be idle), exports its snapshot into
 * p->snapshot, reads everything above into p, and counts exactly the rows of
 * every table estimated below exact_below rows (a table never analysed is
 * estimated from its size). The transaction stays open: keep it until the
 * pg_dump that imports the snapshot has finished, then call
 * pg_prodinfo_end(). Returns 0, or -1 with a recorded error.
 */
int pg_prodinfo_begin(PGconn *c, double exact_below, struct pg_prodinfo *p);
/* Ends that transaction. */
int pg_prodinfo_end(PGconn *c);

/* The same facts without a transaction of its own and without counting (status). */
int pg_prodinfo_read(PGconn *c, struct pg_prodinfo *p);

/* count(*) of a table given by its quoted ident. Returns 0, or -1 with a recorded error. */
int pg_count_rows(PGconn *c, const char *ident, int64_t *out);

/* 1 when the table (quoted ident) exists on c, 0 when not, -1 with a recorded error. */
int pg_table_exists(PGconn *c, const char *ident);

/* CREATE ROLE ... NOLOGIN for every role of the list that c's server does not have yet. */
int pg_create_missing_roles(PGconn *c, const struct strlist *roles);

#endif
