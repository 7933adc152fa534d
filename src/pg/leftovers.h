/*
 * Leftovers of runs that ended without cleaning up, and could not be cleaned
 * by their watchdog either (both killed, the machine rebooted). Every scratch
 * dir holds an owner record in a file named "owner", and every --scratch-url
 * database carries it as its COMMENT:
 *
 *     migrate-gate owner pid=1234 start=567890 boot=<boot_id> pidns=4026531836 host=ci-7 created=1767225600
 *
 * start is the process's start time (field 22 of /proc/PID/stat), boot the
 * kernel's boot_id, pidns the inode of the pid namespace: together they name
 * one process on one machine even after its pid was reused. The next run
 * removes what belongs to an owner that is gone.
 */
#ifndef GATE_PG_LEFTOVERS_H
#define GATE_PG_LEFTOVERS_H

#include <stdbool.h>
#include <sys/types.h>

/* A day: a record of another machine (or pid namespace) is stale after this long. */
#define LEFTOVERS_MAX_AGE_S 86400L

/* The owner record of this process, newly allocated. */
char *leftovers_owner_record(void);

struct pg_conn;
/*
 * Records this process as the owner of database quoted_db (an identifier
 * already quoted) in its comment, for the sweep of a later run. Returns 0, or
 * -1 with a recorded error.
 */
int leftovers_comment_owner(struct pg_conn *admin, const char *quoted_db);

/*
 * Whether the owner a record names is gone. On this machine and in this pid
 * namespace: no process with that pid and start time exists (its age does
 * not matter). Elsewhere: the record is older than max_age_s. A record that
 * does not parse is never gone (it is not ours to judge). why (may be NULL)
 * gets a newly allocated reason for a message.
 */
bool leftovers_owner_gone(const char *record, long max_age_s, char **why);

/* Writes this process's owner record into dir/owner (a new file, never through a symlink). Returns 0 or -1. */
int leftovers_write_owner(const char *dir);
/* Marks dir as kept (--keep-scratch, file dir/kept): the sweep never touches it. */
void leftovers_mark_kept(const char *dir);

/*
 * Looks in $TMPDIR, /dev/shm and /tmp for migrate-gate-XXXXXX dirs owned by
 * us or by run_uid (the server's user) whose owner is gone, and not kept;
 * stops the server still running in each (only a process whose cwd is in it)
 * and removes it. Says so on stderr. Never fails the run.
 */
void leftovers_sweep_dirs(uid_t run_uid);

#endif
