#include "pg/xact.h"

#include <stdlib.h>
#include <string.h>

#include "pg/conn.h"
#include "util/error.h"
#include "util/strset.h"

#include "util/banned.h"

int pg_xact_committed(PGconn *c, const char *xid)
{
	struct strlist rows = STRLIST_INIT;
	const char *params[] = {xid};
	unsigned mark = gate_error_count();
	int n = xid && *xid && strspn(xid, "0123456789") == strlen(xid)
	            ? pg_query_rows(c, "asking whether a revision's transaction committed",
	                            "SELECT coalesce(txid_status($1::bigint), '')", 1, params, &rows)
	            : -1;
	int rc = n == 1 ? !strcmp(rows.items[0], "committed") : -1;
	gate_error_forget_since(mark); /* a failed question leaves the driver's record standing */
	strlist_release(&rows);
	return rc;
}
