#include "pg/probe.h"

#include <stdlib.h>
#include <string.h>

#include "pg/conn.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/mem.h"

#include "util/banned.h"

int pg_probe_connect(const char *url, unsigned lock_timeout_ms, unsigned statement_timeout_ms, PGconn **out)
{
	struct buf sql = BUF_INIT;
	*out = NULL;
	if (pg_connect(url, true, out))
		return -1;
	buf_addf(&sql, "SET lock_timeout = %u; SET statement_timeout = %u", lock_timeout_ms, statement_timeout_ms);
	int rc = pg_exec(*out, "setting the timeouts of the verify session", sql.data);
	buf_release(&sql);
	if (rc) {
		pg_disconnect(*out);
		*out = NULL;
	}
	return rc ? -1 : 0;
}

/* What went wrong, from the error pg_query_rows() recorded (then forgotten: a failed check is an outcome). */
static char *server_error(unsigned first)
{
	char *why = xstrdup(gate_error_count() > first ? gate_error_message(first) : "the query failed");
	gate_error_forget_since(first);
	return why;
}

int pg_probe_check(PGconn *c, const char *sql, char **why)
{
	struct strlist rows = STRLIST_INIT;
	struct buf b = BUF_INIT;
	unsigned first = gate_error_count();
	*why = NULL;
	if (pg_exec(c, NULL, "BEGIN READ ONLY")) {
		*why = server_error(first);
		return 1;
	}
	int n = pg_query_rows(c, NULL, sql, 0, NULL, &rows);
	if (n < 0)
		*why = server_error(first);
	pg_exec(c, NULL, "ROLLBACK");
	gate_error_forget_since(first);
	size_t len = n == 1 ? strcspn(rows.items[0], "\t") : 0;
	if (n >= 0 && n != 1)
		buf_addf(&b, "returned %d rows, not one", n);
	else if (n == 1 && !(len == 1 && rows.items[0][0] == 't'))
		buf_addf(&b, "its first column is '%.*s', not true", (int)(len > 60 ? 60 : len), rows.items[0]);
	if (b.len)
		*why = buf_detach(&b);
	buf_release(&b);
	strlist_release(&rows);
	return *why ? 1 : 0;
}
