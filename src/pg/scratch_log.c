/*
 * The scratch cluster's own record of what ran: a local cluster logs every
 * statement (log_statement = all) as CSV through the logging collector into
 * <datadir>/log/statements.csv. Revision code runs inside the driver and can
 * empty its capture or open a connection of its own; it cannot unsay what the
 * server logged, and a SET that would silence the log is itself logged first.
 *
 * CSV and not the stderr format: a statement's text may hold newlines and
 * anything that looks like a log line prefix; CSV quotes it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pg/conn.h"
#include "pg/scratch.h"
#include "pg/scratch_internal.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/log.h"
#include "util/mem.h"

#include "util/banned.h"

/* csvlog columns (the same from PostgreSQL 13 on). */
#define COL_PID 3
#define COL_SEVERITY 11
#define COL_MESSAGE 13
/* How long the logging collector may take to write what the server has sent it. */
#define MARK_TIMEOUT_MS 10000

const char scratch_log_settings[] = "logging_collector = on\nlog_destination = 'csvlog'\nlog_directory = 'log'\n"
                                    "log_filename = 'statements.log'\nlog_rotation_age = 0\nlog_rotation_size = 0\n"
                                    "log_statement = 'all'\n";

struct csv_record {
	struct buf pid, severity, message;
};

static void record_reset(struct csv_record *r)
{
	buf_reset(&r->pid);
	buf_reset(&r->severity);
	buf_reset(&r->message);
}

static void record_release(struct csv_record *r)
{
	buf_release(&r->pid);
	buf_release(&r->severity);
	buf_release(&r->message);
}

static struct buf *column(struct csv_record *r, int col)
{
	return col == COL_PID ? &r->pid : col == COL_SEVERITY ? &r->severity : col == COL_MESSAGE ? &r->message : NULL;
}

/* Reads one record. Returns 1, or 0 when the file ends before the record does (it is still being written). */
static int next_record(FILE *f, struct csv_record *r)
{
	int col = 0, ch;
	bool quoted = false;
	record_reset(r);
	while ((ch = getc(f)) != EOF) {
		if (quoted && ch == '"') {
			ch = getc(f); /* "" is a quote; anything else ends the quoted part */
			quoted = ch == '"';
			if (ch == EOF)
				return 0;
		} else if (quoted) {
			if (column(r, col))
				buf_addc(column(r, col), (char)ch);
			continue;
		}
		if (quoted || (ch != '"' && ch != ',' && ch != '\n')) {
			if (column(r, col))
				buf_addc(column(r, col), (char)ch);
		} else if (ch == '"') {
			quoted = true;
		} else if (ch == ',') {
			col++;
		} else {
			return 1;
		}
	}
	return 0;
}

/* The statement text of a log_statement record ("statement: ...", "execute <name>: ..."), or NULL. */
static const char *statement_text(const struct csv_record *r)
{
	const char *m = buf_str(&r->message);
	if (strcmp(buf_str(&r->severity), "LOG"))
		return NULL;
	if (!strncmp(m, "statement: ", 11))
		return m + 11;
	if (!strncmp(m, "execute ", 8) && strstr(m, ": "))
		return strstr(m, ": ") + 2;
	return NULL;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

bool scratch_has_statement_log(const struct scratch *s)
{
	return s && s->stmt_log;
}

/* Asks the server to log a mark from the gate's own backend: every record before it is then in the file. */
static int write_mark(struct scratch *s, PGconn *db, struct buf *mark)
{
	struct buf sql = BUF_INIT;
	buf_addf(mark, "migrate-gate log mark %u", ++s->log_marks);
	buf_addf(&sql, "DO $mg$BEGIN RAISE LOG '%s'; END$mg$", buf_str(mark));
	int rc = pg_exec(db, "marking the scratch server's statement log", buf_str(&sql));
	buf_release(&sql);
	return rc;
}

static FILE *open_log(const struct scratch *s)
{
	int fd = open(s->stmt_log, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
	if (!f && fd >= 0)
		close(fd);
	if (!f || fseeko(f, (off_t)s->log_offset, SEEK_SET) == 0)
		return f;
	fclose(f);
	return NULL;
}

/* Reads records up to the mark; fn gets the statements of other backends. */
static int read_to_mark(struct scratch *s, FILE *f, long gate_pid, const char *mark,
                        void (*fn)(void *arg, const char *sql), void *arg)
{
	struct csv_record r = {BUF_INIT, BUF_INIT, BUF_INIT};
	int waited = 0, rc = 0;
	for (;;) {
		off_t start = ftello(f);
		if (!next_record(f, &r)) {
			if (waited >= MARK_TIMEOUT_MS) {
				s->log_offset = (long long)start;
				rc = 1;
				break;
			}
			sleep_ms(1);
			waited++;
			clearerr(f);
			fseeko(f, start, SEEK_SET);
			continue;
		}
		const char *sql = statement_text(&r);
		if (strtol(buf_str(&r.pid), NULL, 10) != gate_pid) {
			if (sql)
				fn(arg, sql);
		} else if (!strcmp(buf_str(&r.message), mark)) {
			s->log_offset = (long long)ftello(f);
			break;
		}
	}
	record_release(&r);
	return rc;
}

int scratch_log_statements(struct scratch *s, PGconn *db, void (*fn)(void *arg, const char *sql), void *arg)
{
	struct buf mark = BUF_INIT;
	FILE *f = NULL;
	int rc = 0;
	if (!scratch_has_statement_log(s))
		return 0;
	if (write_mark(s, db, &mark) < 0) {
		rc = -1;
		goto out;
	}
	f = open_log(s);
	if (!f) {
		rc =
		    gate_error(EXIT_ENV, "the scratch server's logging collector writes it; see its log next to it",
		               "cannot read the scratch server's statement log '%s': %s", s->stmt_log, strerror(errno));
		goto out;
	}
	if (read_to_mark(s, f, (long)PQbackendPID(db), buf_str(&mark), fn, arg))
		log_warn("the scratch server's statement log lacks its mark after %d s: the cross-check of the "
		         "captured statements is incomplete for this step",
		         MARK_TIMEOUT_MS / 1000);
out:
	if (f)
		fclose(f);
	buf_release(&mark);
	return rc;
}

static void ignore_statement(void *arg, const char *sql)
{
	(void)arg;
	(void)sql;
}

int scratch_log_attach(struct scratch *s, PGconn *db)
{
	if (!scratch_has_statement_log(s))
		return 0;
	/* The gate's snapshots are many big catalog queries: keep them out of the log. */
	if (pg_exec(db, "keeping the gate's own queries out of the statement log", "SET log_statement = 'none'") < 0)
		return -1;
	return scratch_log_statements(s, db, ignore_statement, NULL);
}
