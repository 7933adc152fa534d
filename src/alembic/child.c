#include "alembic/child.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pg/watchdog.h"
#include "util/mem.h"

#include "util/banned.h"

/*
 * Enough stderr for a whole Python traceback (the per-step CLI mode parses it:
 * a database error through Alembic and SQLAlchemy is ~30 frames, then the SQL);
 * older output is dropped.
 */
#define TAIL_KEEP 65536

/*
 * The process groups of our running children. A signal that ends us (SIGINT,
 * SIGTERM, SIGHUP) kills each whole group first: PR_SET_PDEATHSIG ends the
 * driver itself, but not what revision code started in its group (a
 * background `sleep 1000`), which would outlive the run.
 */
#define MAX_GROUPS 16
static volatile sig_atomic_t groups[MAX_GROUPS];
static const int fatal_signals[] = {SIGINT, SIGTERM, SIGHUP};
static struct sigaction previous[sizeof fatal_signals / sizeof *fatal_signals];
static bool handlers_installed;

/* Async-signal-safe: kill and sigaction only. Then whatever handled the signal before us runs. */
static void on_fatal_signal(int sig)
{
	for (int i = 0; i < MAX_GROUPS; i++)
		if (groups[i] > 0)
			kill(-(pid_t)groups[i], SIGKILL);
	for (size_t i = 0; i < sizeof fatal_signals / sizeof *fatal_signals; i++)
		if (fatal_signals[i] == sig)
			sigaction(sig, &previous[i], NULL);
	raise(sig);
}

static void track_group(pid_t pid, pid_t old)
{
	if (!handlers_installed) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_fatal_signal;
		sigfillset(&sa.sa_mask);
		for (size_t i = 0; i < sizeof fatal_signals / sizeof *fatal_signals; i++)
			sigaction(fatal_signals[i], &sa, &previous[i]);
		handlers_installed = true;
	}
	for (int i = 0; i < MAX_GROUPS; i++)
		if (groups[i] == old) {
			groups[i] = pid;
			watchdog_group(i, pid); /* a SIGKILL of the gate runs no handler: the watchdog ends the group */
			return;
		}
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* In the forked child: wire the fds, lead a new process group, exec. */
static void exec_child(pid_t parent, int in, int out, int err, const char *dir, char *const argv[], char *const env[])
{
	setpgid(0, 0);
	/* Its own group keeps terminal signals away, so it must not outlive us either. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(126);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(126);
	if (dir && chdir(dir) < 0) {
		static const char msg[] = "cannot enter the project directory\n";
		ssize_t ignored = write(2, msg, sizeof(msg) - 1);
		(void)ignored;
		_exit(126);
	}
	execvpe(argv[0], argv, env);
	_exit(127);
}

int child_start(struct child *c, const char *dir, char *const argv[], char *const env[])
{
	int sv[2], out[2], err[2];
	memset(c, 0, sizeof(*c));
	c->in = c->out = c->err = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	if (pipe2(out, O_CLOEXEC) < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pipe2(err, O_CLOEXEC) < 0) {
		close(sv[0]);
		close(sv[1]);
		close(out[0]);
		close(out[1]);
		return -1;
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0)
		exec_child(parent, sv[1], out[1], err[1], dir, argv, env);
	close(sv[1]);
	close(out[1]);
	close(err[1]);
	c->in = sv[0];
	c->out = out[0];
	c->err = err[0];
	if (pid < 0) {
		int saved = errno;
		child_finish(c, 0);
		errno = saved;
		return -1;
	}
	setpgid(pid, pid); /* also here, so that a kill right after fork reaches the group */
	c->pid = pid;
	track_group(pid, 0);
	return 0;
}

int child_send(struct child *c, const char *line, size_t len)
{
	while (len) {
		if (c->in < 0)
			return -1;
		ssize_t n = send(c->in, line, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		line += n;
		len -= (size_t)n;
	}
	return 0;
}

static void keep_tail(struct buf *tail, const char *data, size_t n)
{
	buf_add(tail, data, n);
	if (tail->len > 2 * TAIL_KEEP) {
		memmove(tail->data, tail->data + tail->len - TAIL_KEEP, TAIL_KEEP);
		tail->len = TAIL_KEEP;
		tail->data[tail->len] = '\0';
	}
}

/* Reads what fd has into dst (a tail or not). Returns bytes read, 0 at EOF, -1 to retry. */
static ssize_t drain(int fd, struct buf *dst, bool tail)
{
	char chunk[4096];
	ssize_t n = read(fd, chunk, sizeof(chunk));
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? -1 : 0;
	if (tail)
		keep_tail(dst, chunk, (size_t)n);
	else
		buf_add(dst, chunk, (size_t)n);
	return n;
}

static bool take_line(struct child *c, char **line)
{
	char *nl = c->pending.len ? memchr(c->pending.data, '\n', c->pending.len) : NULL;
	if (!nl)
		return false;
	size_t n = (size_t)(nl - c->pending.data);
	*line = xstrndup(c->pending.data, n);
	size_t rest = c->pending.len - n - 1;
	memmove(c->pending.data, nl + 1, rest);
	c->pending.len = rest;
	c->pending.data[rest] = '\0';
	return true;
}

/* After stdout closed: collect the rest of stderr for a little while. */
static void drain_stderr(struct child *c, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	while (c->err >= 0) {
		struct pollfd p = {c->err, POLLIN, 0};
		long long left = deadline - now_ms();
		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return;
		if (drain(c->err, &c->tail, true) == 0)
			close_fd(&c->err);
	}
}

enum child_wait child_read_line(struct child *c, int timeout_ms, char **line)
{
	long long deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	*line = NULL;
	for (;;) {
		if (take_line(c, line))
			return CHILD_LINE;
		if (c->out < 0)
			return CHILD_EOF;
		struct pollfd p[2] = {{c->out, POLLIN, 0}, {c->err, POLLIN, 0}};
		long long left = deadline < 0 ? -1 : deadline - now_ms();
		if (deadline >= 0 && left <= 0)
			return CHILD_TIMEOUT;
		int ready = poll(p, c->err >= 0 ? 2 : 1, (int)(left > 60000 ? 60000 : left));
		if (ready < 0 && errno != EINTR)
			return CHILD_EOF;
		if (c->err >= 0 && (p[1].revents & (POLLIN | POLLHUP)) && drain(c->err, &c->tail, true) == 0)
			close_fd(&c->err);
		if ((p[0].revents & (POLLIN | POLLHUP)) && drain(c->out, &c->pending, false) == 0) {
			close_fd(&c->out);
			drain_stderr(c, 1000);
		}
	}
}

void child_kill(struct child *c)
{
	if (c->pid <= 0)
		return;
	kill(-c->pid, SIGKILL);
	kill(c->pid, SIGKILL);
	while (waitpid(c->pid, &c->status, 0) < 0 && errno == EINTR)
		;
	track_group(0, c->pid);
	c->pid = 0;
}

/* True once the child has exited; it stays a zombie so its pid (= group id) stays ours. */
static bool exited(const struct child *c)
{
	siginfo_t info;
	memset(&info, 0, sizeof(info));
	return waitid(P_PID, (id_t)c->pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid;
}

void child_reap(struct child *c, int grace_ms)
{
	long long deadline = now_ms() + grace_ms;
	while (c->pid > 0 && !exited(c) && now_ms() < deadline) {
		struct timespec ts = {0, 5 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	child_kill(c); /* also reaps, and kills anything it left in its group */
}

void child_finish(struct child *c, int grace_ms)
{
	close_fd(&c->in);
	child_reap(c, grace_ms);
	close_fd(&c->out);
	close_fd(&c->err);
	buf_release(&c->pending);
	buf_release(&c->tail);
}

void child_describe_exit(const struct child *c, struct buf *out)
{
	if (c->pid > 0)
		buf_adds(out, "still running");
	else if (WIFSIGNALED(c->status))
		buf_addf(out, "killed by signal %d", WTERMSIG(c->status));
	else if (WIFEXITED(c->status))
		buf_addf(out, "exited with status %d", WEXITSTATUS(c->status));
	else
		buf_adds(out, "ended");
}

const char *child_last_stderr_line(struct child *c)
{
	char *s = c->tail.data;
	if (!s)
		return "";
	size_t n = c->tail.len;
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
		s[--n] = '\0';
	c->tail.len = n;
	char *nl = memrchr(s, '\n', n);
	return nl ? nl + 1 : s;
}
