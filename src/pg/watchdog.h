/*
 * The watchdog: a small process that outlives the gate and undoes the scratch
 * when the gate dies without doing it itself (SIGKILL, the OOM killer, a
 * crash), which no signal handler or atexit() hook can cover.
 *
 * It is forked (not exec'd) the first time something is registered, and holds
 * one end of a SOCK_SEQPACKET socket pair; only the gate holds the other end
 * (O_CLOEXEC, so no exec'd child keeps it). The gate tells it what to undo: a
 * scratch dir, the postmaster and the tool (initdb, pg_resetwal) running in
 * it, a --scratch-url database to drop (the conninfo, password included,
 * travels over the socket: never on an argv or in an environment). When the
 * gate has undone something itself, it says so. At end of file on the socket,
 * that is when the gate has ended in any way, the watchdog undoes whatever is
 * still registered and exits: with nothing left to undo, at once.
 *
 * The watchdog leads a session of its own (a kill of the gate's process group
 * does not reach it), ignores SIGINT, SIGTERM, SIGHUP and SIGQUIT, keeps only
 * stderr (for one line saying what it undid), chdirs to /, is not dumpable
 * (its /proc/PID/environ and memory are root's only), and wipes its copies
 * of the gate's argv and environment. Before it kills a process it checks
 * that the process still works in the scratch dir (/proc/PID/cwd), so a
 * reused pid is never hit.
 *
 * Slots are cleanup.c's registry indexes (0..WATCHDOG_SLOTS-1). Every
 * function is a no-op when the watchdog could not be started.
 */
#ifndef GATE_PG_WATCHDOG_H
#define GATE_PG_WATCHDOG_H

#include <sys/types.h>

#define WATCHDOG_SLOTS 16

/* Forks the watchdog unless it runs already. Returns 0, or -1 (logged at debug level) when it cannot. */
int watchdog_start(void);
/* The dir to remove (rm -rf) for slot. */
void watchdog_dir(int slot, const char *dir);
/* The postmaster (SIGQUIT, then SIGKILL) of slot's dir, when it still runs in <dir>/data. */
void watchdog_postmaster(int slot, pid_t pid);
/* The tool running in slot's dir (0: none), killed when it still runs there. */
void watchdog_tool(int slot, pid_t pid);
/* The database to drop for slot: a libpq conninfo of a maintenance database, the DROP, its name for messages. */
void watchdog_drop(int slot, const char *conninfo, const char *sql, const char *dbname);
/*
 * A process group to SIGKILL when the gate dies (the alembic driver's: what
 * revision code started in the background dies with it); pgid 0 forgets
 * slot. Slots here are child.c's, apart from the scratch's. Starts the
 * watchdog when needed.
 */
void watchdog_group(int slot, pid_t pgid);
/* slot has been undone (or is kept): nothing to do for it. Async-signal-safe. */
void watchdog_forget(int slot);
/*
 * Closes the gate's end and waits up to 3 s for the watchdog to exit (it has
 * nothing left to do when every slot was forgotten). Async-signal-safe; a
 * forked child of the gate does nothing here.
 */
void watchdog_finish(void);

#endif
