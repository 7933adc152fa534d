#include "pg/watchdog.h"

#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pg/cleanup.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/mem.h"

#include "util/banned.h"

/* One message: op, slot, payload. SOCK_SEQPACKET keeps the boundaries. */
#define MSG_MAX 16384
#define FINISH_WAIT_MS 3000

enum { OP_DIR = 'D', OP_POSTMASTER = 'P', OP_TOOL = 'T', OP_DROP = 'S', OP_FORGET = 'F', OP_GROUP = 'G' };

static int wd_fd = -1;  /* the gate's end */
static pid_t wd_pid;    /* the watchdog, our child */
static pid_t wd_parent; /* the gate: a forked child of it must not close or wait */
static bool wd_failed;  /* tried once and could not: do not try again */
extern char **environ;

/* What the watchdog holds for one slot. */
struct undo {
	char *dir;
	pid_t postmaster, tool;
	char *conninfo, *sql, *dbname;
};

/* Async-signal-safe: one send() of a stack buffer. */
static void send_msg(int op, int slot, const char *data, size_t len)
{
	char msg[MSG_MAX];
	if (wd_fd < 0 || getpid() != wd_parent || slot < 0 || slot >= WATCHDOG_SLOTS || len + 2 > sizeof msg)
		return;
	msg[0] = (char)op;
	msg[1] = (char)slot;
	if (len)
		memcpy(msg + 2, data, len);
	while (send(wd_fd, msg, len + 2, MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
}

static void send_pid(int op, int slot, pid_t pid)
{
	char digits[24];
	int n = snprintf(digits, sizeof digits, "%ld", (long)pid);
	send_msg(op, slot, digits, (size_t)n);
}

void watchdog_dir(int slot, const char *dir)
{
	send_msg(OP_DIR, slot, dir, strlen(dir));
}

void watchdog_postmaster(int slot, pid_t pid)
{
	send_pid(OP_POSTMASTER, slot, pid);
}

void watchdog_tool(int slot, pid_t pid)
{
	send_pid(OP_TOOL, slot, pid);
}

void watchdog_drop(int slot, const char *conninfo, const char *sql, const char *dbname)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, conninfo);
	buf_addc(&b, '\0');
	buf_adds(&b, sql);
	buf_addc(&b, '\0');
	buf_adds(&b, dbname);
	if (b.len + 2 > MSG_MAX)
		log_debug("scratch database \"%s\": conninfo too long for the watchdog", dbname);
	send_msg(OP_DROP, slot, b.data, b.len);
	buf_release(&b);
}

void watchdog_group(int slot, pid_t pgid)
{
	if (pgid && watchdog_start())
		return;
	send_pid(OP_GROUP, slot, pgid);
}

void watchdog_forget(int slot)
{
	send_msg(OP_FORGET, slot, NULL, 0);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

void watchdog_finish(void)
{
	if (wd_fd < 0 || getpid() != wd_parent)
		return;
	close(wd_fd);
	wd_fd = -1;
	for (int waited = 0; waited < FINISH_WAIT_MS; waited += 5) {
		pid_t got = waitpid(wd_pid, NULL, WNOHANG);
		if (got == wd_pid || (got < 0 && errno != EINTR))
			return;
		sleep_ms(5);
	}
}

/* ---- in the watchdog process ---- */

static void free_undo(struct undo *u)
{
	free(u->dir);
	free(u->conninfo);
	free(u->sql);
	free(u->dbname);
	memset(u, 0, sizeof *u);
}

static pid_t parse_pid(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);
	return *end || v < 0 || v > 0x3fffffff ? 0 : (pid_t)v;
}

/* The process groups of the gate's children (watchdog_group), by child.c's slot. */
static pid_t child_groups[WATCHDOG_SLOTS];

static void apply_msg(struct undo *undo, const char *msg, size_t len)
{
	struct undo *u = &undo[(unsigned char)msg[1] % WATCHDOG_SLOTS];
	size_t plen = len - 2, off = 0;
	char *data = xmalloc(plen + 2);
	const char *part[3];
	memcpy(data, msg + 2, plen);
	data[plen] = data[plen + 1] = '\0';
	for (int i = 0; i < 3; i++) { /* NUL-separated; a missing part reads as "" */
		part[i] = off <= plen ? data + off : "";
		off += strlen(part[i]) + 1;
	}
	if (msg[0] == OP_DIR) {
		free(u->dir);
		u->dir = xstrdup(part[0]);
	} else if (msg[0] == OP_POSTMASTER) {
		u->postmaster = parse_pid(part[0]);
	} else if (msg[0] == OP_TOOL) {
		u->tool = parse_pid(part[0]);
	} else if (msg[0] == OP_DROP) {
		free(u->conninfo);
		free(u->sql);
		free(u->dbname);
		u->conninfo = xstrdup(part[0]);
		u->sql = xstrdup(part[1]);
		u->dbname = xstrdup(part[2]);
	} else if (msg[0] == OP_GROUP) {
		child_groups[(unsigned char)msg[1] % WATCHDOG_SLOTS] = parse_pid(part[0]);
	} else if (msg[0] == OP_FORGET) {
		free_undo(u);
	}
	free(data);
}

static bool drop_database(const struct undo *u)
{
	PGconn *c = PQconnectdb(u->conninfo);
	bool ok = false;
	if (PQstatus(c) == CONNECTION_OK) {
		PGresult *r = PQexec(c, u->sql);
		ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
	}
	PQfinish(c);
	return ok;
}

static void undo_slot(struct undo *u)
{
	if (u->dir) {
		if (u->tool > 0 && cleanup_process_in_dir(u->tool, u->dir) == 1)
			kill(u->tool, SIGKILL);
		cleanup_stop_cluster(u->dir, u->postmaster);
		cleanup_remove_dir(u->dir);
		log_warn("the run ended without cleaning up (killed?): its watchdog stopped the scratch cluster and "
		         "removed '%s'",
		         u->dir);
	}
	if (u->conninfo && drop_database(u))
		log_warn(
		    "the run ended without cleaning up (killed?): its watchdog dropped the scratch database \"%s\"",
		    u->dbname);
	else if (u->conninfo)
		log_warn(
		    "the run ended without cleaning up and its watchdog could not drop the scratch database \"%s\"; "
		    "the next run with this --scratch-url drops it",
		    u->dbname);
	free_undo(u);
}

/*
 * The gate's argv and environment were copied by fork(); /proc/PID/cmdline
 * and environ show them. Wipe both areas (their bounds are fields 48 to 51 of
 * /proc/self/stat) and name the process in the argv area.
 */
static void wipe_args_and_env(void)
{
	char stat[1024];
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, stat, sizeof stat - 1) : -1;
	if (fd >= 0)
		close(fd);
	clearenv();
	if (n <= 0)
		return;
	stat[n] = '\0';
	char *p = strrchr(stat, ')');
	unsigned long long f[52] = {0};
	for (int field = 3; p && field <= 51; field++) {
		p = strchr(p, ' ');
		if (p)
			f[field] = strtoull(++p, NULL, 10);
	}
	static const char name[] = "migrate-gate watchdog";
	if (f[48] && f[49] > f[48]) {
		memset((void *)(uintptr_t)f[48], 0, (size_t)(f[49] - f[48]));
		if (f[49] - f[48] > sizeof name)
			memcpy((void *)(uintptr_t)f[48], name, sizeof name);
	}
	if (f[50] && f[51] > f[50])
		memset((void *)(uintptr_t)f[50], 0, (size_t)(f[51] - f[50]));
}

static void detach(int fd)
{
	static const int ignored[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU};
	sigset_t none;
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL); /* the gate's handlers would run the gate's cleanup here */
	for (size_t i = 0; i < sizeof ignored / sizeof *ignored; i++)
		signal(ignored[i], SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setsid();
	if (chdir("/") < 0)
		_exit(1);
	fd = fcntl(fd, F_DUPFD, 4); /* out of the way: with a closed stdin, the socket could be fd 0 */
	int null = open("/dev/null", O_RDWR);
	if (fd < 0 || null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(fd, 3) < 0)
		_exit(1);
	/* Drop every other fd: a driver pipe kept open here would hide the gate's death from the driver. */
	if (close_range(4, ~0U, 0) < 0)
		for (int i = 4; i < 65536; i++)
			close(i);
	prctl(PR_SET_NAME, "mg-watchdog");
	prctl(PR_SET_DUMPABLE, 0);
	wipe_args_and_env();
}

static void watchdog_main(int fd)
{
	struct undo undo[WATCHDOG_SLOTS];
	static char msg[MSG_MAX];
	memset(undo, 0, sizeof undo);
	detach(fd);
	for (;;) {
		ssize_t n = recv(3, msg, sizeof msg, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* the gate has ended */
		if (n >= 2)
			apply_msg(undo, msg, (size_t)n);
	}
	/*
	 * The driver itself died with the gate (PR_SET_PDEATHSIG); what it started did not. Its group is
	 * killed at once, before its pid can have been reused for a new group.
	 */
	for (int i = 0; i < WATCHDOG_SLOTS; i++)
		if (child_groups[i] > 0 && kill(-child_groups[i], SIGKILL) == 0)
			log_debug("the watchdog killed process group %ld (the alembic driver's)",
			          (long)child_groups[i]);
	for (int i = 0; i < WATCHDOG_SLOTS; i++)
		undo_slot(&undo[i]);
	_exit(0); /* never exit(): the gate's atexit hooks and stdio buffers are not ours */
}

int watchdog_start(void)
{
	int sv[2];
	if (wd_fd >= 0 && getpid() == wd_parent)
		return 0;
	if (wd_failed)
		return -1;
	wd_failed = true;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		log_debug("no watchdog for the scratch: socketpair: %s", strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(sv[0]);
		watchdog_main(sv[1]);
	}
	close(sv[1]);
	if (pid < 0) {
		log_debug("no watchdog for the scratch: fork: %s", strerror(errno));
		close(sv[0]);
		return -1;
	}
	wd_failed = false;
	wd_fd = sv[0];
	wd_pid = pid;
	wd_parent = getpid();
	return 0;
}
