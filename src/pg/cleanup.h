/*
 * Process plumbing for the scratch server, kept apart from scratch.c: running
 * the PostgreSQL tools (as an unprivileged user when we are root), and the
 * registry of what must be stopped and removed when the process ends on a
 * signal or through exit(). Everything the signal handler calls is
 * async-signal-safe: kill, waitpid, nanosleep, fork and execve of argv
 * vectors prepared in advance.
 */
#ifndef GATE_PG_CLEANUP_H
#define GATE_PG_CLEANUP_H

#include <stdbool.h>
#include <sys/types.h>

/* Who runs initdb, pg_ctl and the server: ourselves, or "postgres" when we are root. */
struct run_user {
	bool drop; /* setgid/setuid before exec */
	uid_t uid;
	gid_t gid;
};

/* Fills u. Returns 0, or -1 with a recorded EXIT_ENV error when root has no unprivileged user to use. */
int run_user_lookup(struct run_user *u);

struct cleanup;

/*
 * Registers a private dir to remove (rm -rf) at cleanup, with the handlers
 * for SIGINT, SIGTERM and SIGHUP and an atexit() hook installed on first use.
 * Returns NULL when the registry is full (the caller still cleans up itself).
 */
struct cleanup *cleanup_register_dir(const char *dir);
/*
 * Registers the undo of a --scratch-url database. For the signal handler, a
 * command (argv, envp; NULL when there is none): copied now, so the handler
 * only forks and execs. For the watchdog, conninfo (of a maintenance
 * database, password included), the DROP statement and the database's name.
 */
struct cleanup *cleanup_register_drop(const char *const argv[], const char *const envp[], const char *conninfo,
                                      const char *sql, const char *dbname);
/* The postmaster to kill (SIGQUIT, then SIGKILL after 5 s) before the dir is removed. */
void cleanup_set_postmaster(struct cleanup *c, pid_t pid);
/* Runs the cleanup now: kills the postmaster and any running tool, removes the dir, runs the command. */
void cleanup_run(struct cleanup *c);
/* Forgets c without running it (--keep-scratch). Accepts NULL. */
void cleanup_forget(struct cleanup *c);

/*
 * Runs argv[0] (a path) with stdout and stderr appended to log (NULL: to
 * /dev/null), in dir (NULL: unchanged), as u (NULL: ourselves). While it
 * runs, a signal kills it as part of c's cleanup. Returns the exit status
 * (128+N for signal N), or -1 when it could not be started.
 */
int cleanup_run_tool(struct cleanup *c, const struct run_user *u, const char *const argv[], const char *dir,
                     const char *log);

/*
 * Starts a server process (argv as for cleanup_run_tool) in a session of its
 * own without waiting for it, and registers it as c's postmaster. Returns its
 * pid, or -1 when fork failed.
 */
pid_t cleanup_spawn_server(struct cleanup *c, const struct run_user *u, const char *const argv[], const char *dir,
                           const char *log);
/*
 * For the watchdog and the sweep of leftovers, which find servers that are
 * nobody's child:
 * - cleanup_process_in_dir: 1 when process pid works in dir or below it (its
 *   /proc/PID/cwd), 0 when not or when it is gone, -1 when that cannot be read.
 *   A pid read from a file may have been reused since; this tells.
 * - cleanup_stop_server: SIGQUIT (immediate shutdown), SIGKILL after 5 s, and
 *   polls until pid is gone. Async-signal-safe.
 * - cleanup_stop_cluster: stops the postmaster known (0: none) and the one
 *   <dir>/data/postmaster.pid names, each only when it runs in dir. Returns 0,
 *   or -1 when a process could not be checked (it may still run).
 * - cleanup_remove_dir: rm -rf -- dir (which does not follow symlinks).
 */
int cleanup_process_in_dir(pid_t pid, const char *dir);
void cleanup_stop_server(pid_t pid);
int cleanup_stop_cluster(const char *dir, pid_t known);
void cleanup_remove_dir(const char *dir);

/* Whether our child pid has exited, without blocking: 1 with its status (128+N for signal N), else 0. */
int cleanup_exited(pid_t pid, int *status);

#endif
