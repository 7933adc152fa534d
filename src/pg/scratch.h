/*
 * The scratch PostgreSQL that migrations are replayed on.
 *
 * Local cluster (default): initdb --no-sync -U postgres --auth=trust
 * --locale=C --wal-segsize=1 into a private mkdtemp() dir, unix socket only
 * in that dir (listen_addresses=''), fsync, full_page_writes,
 * synchronous_commit and autovacuum off. The server is started the way
 * pg_ctl -w start does it (postgres in a session of its own, ready when
 * postmaster.pid says so) but polled every 2 ms, not every 100 ms. The
 * database is "postgres". The dir is made under $TMPDIR when set, else /dev/shm when it
 * has 1 GiB free (tmpfs: several times faster to write), else /tmp. As root,
 * initdb and the server run as the "postgres" system user. The cluster is
 * stopped (immediate shutdown) and its dir removed by scratch_free(), at
 * exit(), and when the process gets SIGINT, SIGTERM or SIGHUP: the first
 * scratch_start() installs handlers that kill the postmaster, remove the dir,
 * then restore the handler that was there before and re-raise the signal.
 * Install your own handlers before scratch_start(), not after. A SIGKILL of
 * the process is covered by the watchdog (pg/watchdog.h), and what even that
 * missed is swept by the next start (pg/leftovers.h).
 *
 * --scratch-url: a database named migrate_gate_<pid>_<random> is created on
 * that server and dropped (WITH (FORCE) on 13+) by scratch_free().
 *
 * --scratch-cache DIR: an initdb'd template data dir is kept in DIR (one per
 * server version and user) and copied instead of running initdb. A cache that
 * is not ours alone, or a template holding anything but our plain dirs and
 * files, is refused with EXIT_USAGE (scratch_cache.c says what is checked).
 */
#ifndef GATE_PG_SCRATCH_H
#define GATE_PG_SCRATCH_H

#include <libpq-fe.h>
#include <stdbool.h>

struct scratch_options {
	const char *bindir;      /* NULL: pg_config --bindir, then /usr/lib/postgresql/<N>/bin newest first */
	const char *scratch_url; /* NULL: a local cluster; else a server to create a throwaway database on */
	const char *cache_dir;   /* --scratch-cache, or NULL */
	bool keep; /* --keep-scratch: once started, nothing removes it; scratch_free() prints how to connect */
};

struct scratch;

/*
 * Starts a scratch database. Returns 0 and *out, or -1 with a recorded error
 * and nothing left behind: EXIT_ENV when no PostgreSQL binaries are found
 * (the hint names what was searched), when initdb or the server fail (the
 * message holds the last lines of their log), or when --scratch-url
 * cannot be reached or the database cannot be created.
 */
int scratch_start(const struct scratch_options *opts, struct scratch **out);

/* A libpq key=value conninfo for the scratch database (may hold a password). */
const char *scratch_conninfo(const struct scratch *s);
/* A SQLAlchemy URL, postgresql://USER@/DB?host=SOCKDIR&port=PORT for a local cluster. */
const char *scratch_sqlalchemy_url(const struct scratch *s);
/* The server's major version, e.g. 15. */
int scratch_server_major(const struct scratch *s);

/* The pieces of the connection, for libpq's PG* variables. password may be NULL. */
struct scratch_target {
	const char *host; /* socket dir for a local cluster */
	const char *port;
	const char *user;
	const char *password;
	const char *dbname;
};
const struct scratch_target *scratch_target(const struct scratch *s);

/*
 * A conninfo for another database of the same server, for what cannot run
 * connected to the scratch database (template copies): template1 on a local
 * cluster, the URL's own database with --scratch-url.
 */
const char *scratch_admin_conninfo(const struct scratch *s);
/* The name checkpoint copies of the scratch database take (pg/checkpoint.h); dropped with it, also on a signal. */
const char *scratch_checkpoint_dbname(const struct scratch *s);

/* The server binaries dir (pg_dump and psql live there), or NULL when unknown (--scratch-url). */
const char *scratch_bindir(const struct scratch *s);
/* The private dir of a local cluster (data dir is <dir>/data, log <dir>/server.log), NULL with --scratch-url. */
const char *scratch_dir(const struct scratch *s);

/*
 * The server's own record of what ran, on a local cluster (log_statement =
 * all as CSV through the logging collector; --scratch-url has none): what
 * revision code cannot hide from, for the cross-check of the driver's capture
 * (replay/capture_check.h).
 */
bool scratch_has_statement_log(const struct scratch *s);
/*
 * Keeps db (the gate's own connection to s: snapshots) out of the statement
 * log, and skips everything logged so far. Does nothing without a log.
 * Returns 0, or -1 with a recorded EXIT_ENV error.
 */
int scratch_log_attach(struct scratch *s, PGconn *db);
/*
 * Calls fn, in log order, with the text of every statement the server logged
 * since the last call (or scratch_log_attach()) from a backend other than
 * db's. It first has db log a mark and reads up to it, so everything the
 * server received before the call is seen; when the mark does not show up
 * within 10 s, it warns and returns what it read. Does nothing without a log.
 * Returns 0, or -1 with a recorded EXIT_ENV error.
 */
int scratch_log_statements(struct scratch *s, PGconn *db, void (*fn)(void *arg, const char *sql), void *arg);

/*
 * Stops the server and removes its dir, or drops the scratch database. With
 * keep, leaves everything in place and prints how to connect and clean up.
 * Accepts NULL.
 */
void scratch_free(struct scratch *s);

/*
 * Finds the server binaries as scratch_start() does: opts_bindir when given,
 * else pg_config --bindir, else /usr/lib/postgresql/<N>/bin newest first.
 * Returns a newly allocated path, or NULL with a recorded EXIT_ENV error.
 */
char *scratch_find_bindir(const char *opts_bindir);

#endif
