#include "pg/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pg/watchdog.h"
#include "util/error.h"
#include "util/mem.h"

#include "util/banned.h"

#define MAX_CLEANUPS WATCHDOG_SLOTS
#define MAX_ARGS 16

struct cleanup {
	volatile sig_atomic_t active;
	bool used;
	pid_t owner; /* a forked child inherits the registry, but the cleanup is its parent's to run */
	volatile pid_t postmaster;
	volatile pid_t tool;
	char *rm_argv[5]; /* rm -rf -- DIR */
	char *argv[MAX_ARGS + 1];
	char *envp[MAX_ARGS + 1];
};

static struct cleanup slots[MAX_CLEANUPS];
static bool hooks_installed;
static const int fatal_signals[] = {SIGINT, SIGTERM, SIGHUP};
static struct sigaction previous[sizeof fatal_signals / sizeof *fatal_signals];
extern char **environ;

int run_user_lookup(struct run_user *u)
{
	u->drop = geteuid() == 0;
	u->uid = geteuid();
	u->gid = getegid();
	if (!u->drop)
		return 0;
	/* postgres refuses to run as root; the Debian package creates this user. */
	struct passwd *pw = getpwnam("postgres");
	if (!pw)
		return gate_error(EXIT_ENV, "create a \"postgres\" system user, or run migrate-gate as a non-root user",
		                  "cannot run the scratch server as root and there is no user \"postgres\"");
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	return 0;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int wait_child(pid_t pid)
{
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/*
 * A zombie still answers kill(pid, 0), and a container's pid 1 may take
 * seconds to reap the orphaned postmaster, so look at its state in /proc.
 * Async-signal-safe: no stdio, no allocation.
 */
static bool process_gone(pid_t pid)
{
	if (kill(pid, 0) < 0 && errno == ESRCH)
		return true;
	char path[32] = "/proc/", digits[16], stat[256];
	size_t n = 0, len = 6;
	for (long v = (long)pid; v > 0 && n < sizeof digits; v /= 10)
		digits[n++] = (char)('0' + v % 10);
	while (n > 0)
		path[len++] = digits[--n];
	memcpy(path + len, "/stat", 6);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	ssize_t got = read(fd, stat, sizeof stat - 1);
	close(fd);
	if (got <= 0)
		return false;
	stat[got] = '\0';
	const char *paren = strrchr(stat, ')');
	return paren && paren[1] == ' ' && (paren[2] == 'Z' || paren[2] == 'X');
}

/* Async-signal-safe: after the gate died the postmaster is nobody's child here, so poll until it is gone. */
void cleanup_stop_server(pid_t pid)
{
	kill(pid, SIGQUIT); /* immediate shutdown: the data is thrown away anyway */
	for (int i = 0; i < 2000; i++) {
		waitpid(pid, NULL, WNOHANG); /* reaps it when it is our child */
		if (process_gone(pid)) {
			waitpid(pid, NULL, WNOHANG); /* it may have become a zombie since the call above */
			return;
		}
		if (i == 1000)
			kill(pid, SIGKILL);
		sleep_ms(5);
	}
}

static void spawn_and_wait(char *const argv[], char *const envp[])
{
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execve(argv[0], argv, envp ? envp : environ);
		_exit(127);
	}
	if (pid > 0)
		wait_child(pid);
}

static const char *rm_path(void)
{
	return access("/bin/rm", X_OK) == 0 ? "/bin/rm" : "/usr/bin/rm";
}

void cleanup_remove_dir(const char *dir)
{
	char *argv[] = {xstrdup(rm_path()), xstrdup("-rf"), xstrdup("--"), xstrdup(dir), NULL};
	spawn_and_wait(argv, NULL);
	for (int i = 0; argv[i]; i++)
		free(argv[i]);
}

int cleanup_process_in_dir(pid_t pid, const char *dir)
{
	char link[64], cwd[4096], *real = realpath(dir, NULL);
	snprintf(link, sizeof link, "/proc/%ld/cwd", (long)pid);
	ssize_t n = readlink(link, cwd, sizeof cwd - 1);
	int ret = 0;
	if (n < 0) {
		ret = errno == EACCES || errno == EPERM ? -1 : 0;
	} else if (real) {
		size_t len = strlen(real);
		cwd[n] = '\0';
		ret = !strncmp(cwd, real, len) && (cwd[len] == '\0' || cwd[len] == '/');
	}
	free(real);
	return ret;
}

/* The pid on the first line of <dir>/data/postmaster.pid, or 0. */
static pid_t pid_file_pid(const char *dir)
{
	char path[4200], line[32] = "";
	snprintf(path, sizeof path, "%s/data/postmaster.pid", dir);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, line, sizeof line - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return 0;
	line[n] = '\0';
	char *end;
	long v = strtol(line, &end, 10);
	return *end == '\n' && v > 0 && v <= 0x3fffffff ? (pid_t)v : 0;
}

int cleanup_stop_cluster(const char *dir, pid_t known)
{
	pid_t pids[2] = {known, pid_file_pid(dir)};
	int ret = 0;
	for (int i = 0; i < 2; i++) {
		int in = pids[i] > 0 ? cleanup_process_in_dir(pids[i], dir) : 0;
		if (in == 1)
			cleanup_stop_server(pids[i]);
		else if (in < 0)
			ret = -1;
	}
	return ret;
}

static int slot_index(const struct cleanup *c)
{
	return (int)(c - slots);
}

static void run_slot(struct cleanup *c)
{
	pid_t tool = c->tool, pm = c->postmaster;
	if (c->owner != getpid())
		return;
	c->active = 0;
	if (tool > 0) {
		kill(tool, SIGKILL);
		waitpid(tool, NULL, 0);
	}
	if (pm > 0)
		cleanup_stop_server(pm);
	if (c->rm_argv[0])
		spawn_and_wait(c->rm_argv, NULL);
	if (c->argv[0])
		spawn_and_wait(c->argv, c->envp);
	watchdog_forget(slot_index(c));
}

/* Cleans up, then hands the signal to whatever handled it before us (by default: the process ends). */
static void on_fatal_signal(int sig)
{
	for (int i = 0; i < MAX_CLEANUPS; i++)
		if (slots[i].active)
			run_slot(&slots[i]);
	for (size_t i = 0; i < sizeof fatal_signals / sizeof *fatal_signals; i++)
		if (fatal_signals[i] == sig)
			sigaction(sig, &previous[i], NULL);
	watchdog_finish();
	raise(sig);
}

static void at_exit(void)
{
	for (int i = 0; i < MAX_CLEANUPS; i++)
		if (slots[i].active)
			run_slot(&slots[i]);
	watchdog_finish();
}

static void install_hooks(void)
{
	if (hooks_installed)
		return;
	hooks_installed = true;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_fatal_signal;
	sigfillset(&sa.sa_mask); /* one cleanup at a time */
	for (size_t i = 0; i < sizeof fatal_signals / sizeof *fatal_signals; i++)
		sigaction(fatal_signals[i], &sa, &previous[i]);
	atexit(at_exit);
}

static void free_vec(char **v)
{
	for (; *v; v++) {
		free(*v);
		*v = NULL;
	}
}

static void release_slot(struct cleanup *c)
{
	if (c->used)
		watchdog_forget(slot_index(c));
	c->used = false;
	c->active = 0;
	c->postmaster = 0;
	c->tool = 0;
	free_vec(c->rm_argv);
	free_vec(c->argv);
	free_vec(c->envp);
}

/* Also starts the watchdog, which covers what the hooks cannot: a SIGKILL of the gate. */
static struct cleanup *new_slot(void)
{
	install_hooks();
	watchdog_start();
	for (int i = 0; i < MAX_CLEANUPS; i++) {
		if (!slots[i].used) {
			slots[i].used = true;
			slots[i].owner = getpid();
			return &slots[i];
		}
	}
	return NULL;
}

struct cleanup *cleanup_register_dir(const char *dir)
{
	struct cleanup *c = new_slot();
	if (!c)
		return NULL;
	c->rm_argv[0] = xstrdup(rm_path());
	c->rm_argv[1] = xstrdup("-rf");
	c->rm_argv[2] = xstrdup("--");
	c->rm_argv[3] = xstrdup(dir);
	c->active = 1;
	watchdog_dir(slot_index(c), dir);
	return c;
}

static void copy_vec(char **dst, const char *const src[])
{
	for (int i = 0; src && src[i] && i < MAX_ARGS; i++)
		dst[i] = xstrdup(src[i]);
}

struct cleanup *cleanup_register_drop(const char *const argv[], const char *const envp[], const char *conninfo,
                                      const char *sql, const char *dbname)
{
	struct cleanup *c = new_slot();
	if (!c)
		return NULL;
	copy_vec(c->argv, argv);
	copy_vec(c->envp, envp);
	c->active = 1;
	watchdog_drop(slot_index(c), conninfo, sql, dbname);
	return c;
}

void cleanup_set_postmaster(struct cleanup *c, pid_t pid)
{
	if (!c)
		return;
	c->postmaster = pid;
	watchdog_postmaster(slot_index(c), pid);
}

void cleanup_run(struct cleanup *c)
{
	if (!c)
		return;
	run_slot(c);
	release_slot(c);
}

void cleanup_forget(struct cleanup *c)
{
	if (c)
		release_slot(c);
}

static void exec_tool(const struct run_user *u, const char *const argv[], const char *dir, const char *log)
{
	if (u && u->drop && (setgroups(0, NULL) < 0 || setgid(u->gid) < 0 || setuid(u->uid) < 0))
		_exit(126);
	if (dir && chdir(dir) < 0)
		_exit(126);
	/* Opened after setuid so the log belongs to the user that writes it. */
	int fd = open(log ? log : "/dev/null", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	int null = open("/dev/null", O_RDONLY);
	if (fd < 0 || null < 0 || dup2(null, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		_exit(126);
	/* execv() takes char *const[] for historical reasons; it does not write to them. */
	execv(argv[0], (char *const *)(uintptr_t)argv);
	dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

pid_t cleanup_spawn_server(struct cleanup *c, const struct run_user *u, const char *const argv[], const char *dir,
                           const char *log)
{
	pid_t pid = fork();
	if (pid == 0) {
		setsid(); /* a Ctrl-C at the terminal is ours to handle, not the server's */
		exec_tool(u, argv, dir, log);
	}
	if (pid > 0)
		cleanup_set_postmaster(c, pid);
	return pid;
}

int cleanup_exited(pid_t pid, int *status)
{
	int st;
	if (waitpid(pid, &st, WNOHANG) != pid)
		return 0;
	*status = WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
	return 1;
}

int cleanup_run_tool(struct cleanup *c, const struct run_user *u, const char *const argv[], const char *dir,
                     const char *log)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		exec_tool(u, argv, dir, log);
	if (c) {
		c->tool = pid;
		watchdog_tool(slot_index(c), pid);
	}
	int status = wait_child(pid);
	if (c) {
		c->tool = 0;
		watchdog_tool(slot_index(c), 0);
	}
	return status;
}
