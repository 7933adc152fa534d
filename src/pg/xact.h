/*
 * What the server says about a transaction another session ran: apply asks
 * it whether the commits the driver recorded for a revision really committed
 * before it decides to retry that revision.
 */
#ifndef GATE_PG_XACT_H
#define GATE_PG_XACT_H

#include <libpq-fe.h>

/*
 * The status of transaction id xid (as txid_current_if_assigned() gave it):
 * 1 committed, 0 aborted or still in progress, -1 unknown (too old for the
 * commit log, not a number, or the query failed; no error is recorded: the
 * caller then trusts the driver's record).
 */
int pg_xact_committed(PGconn *c, const char *xid);

#endif
