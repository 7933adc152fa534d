#include "pg/scratch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "pg/cleanup.h"
#include "pg/conn.h"
#include "pg/leftovers.h"
#include "pg/scratch_internal.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/log.h"
#include "util/mem.h"

#include "util/banned.h"

#define PG_LIB_ROOT "/usr/lib/postgresql"
/* Room for "/.s.PGSQL.65535" within the 107 bytes of a unix socket path. */
#define MAX_SOCKET_DIR 90
#define SHM_MIN_FREE (1024ULL * 1024 * 1024)
#define START_POLL_MS 2
#define START_TIMEOUT_MS 60000

static bool has_server_binaries(const char *dir)
{
	const char *tools[] = {"initdb", "pg_ctl", "postgres"};
	struct buf path = BUF_INIT;
	bool ok = true;
	for (size_t i = 0; ok && i < sizeof tools / sizeof *tools; i++) {
		buf_reset(&path);
		buf_addf(&path, "%s/%s", dir, tools[i]);
		ok = access(buf_str(&path), X_OK) == 0;
	}
	buf_release(&path);
	return ok;
}

static char *pg_config_bindir(void)
{
	FILE *p = popen("pg_config --bindir 2>/dev/null", "r");
	char line[4096] = "";
	if (!p)
		return NULL;
	bool got = fgets(line, sizeof line, p) != NULL;
	pclose(p);
	line[strcspn(line, "\n")] = '\0';
	return got && *line && has_server_binaries(line) ? xstrdup(line) : NULL;
}

/* Newest first: the highest numeric version dir under /usr/lib/postgresql with the server binaries. */
static char *newest_lib_bindir(void)
{
	DIR *d = opendir(PG_LIB_ROOT);
	char *best = NULL;
	double best_version = -1;
	struct buf path = BUF_INIT;
	for (struct dirent *e; d && (e = readdir(d));) {
		char *end;
		double v = strtod(e->d_name, &end);
		if (end == e->d_name || *end || v <= best_version)
			continue;
		buf_reset(&path);
		buf_addf(&path, "%s/%s/bin", PG_LIB_ROOT, e->d_name);
		if (!has_server_binaries(buf_str(&path)))
			continue;
		free(best);
		best = xstrdup(buf_str(&path));
		best_version = v;
	}
	if (d)
		closedir(d);
	buf_release(&path);
	return best;
}

char *scratch_find_bindir(const char *opts_bindir)
{
	if (opts_bindir) {
		if (has_server_binaries(opts_bindir))
			return xstrdup(opts_bindir);
		gate_error(EXIT_ENV, "point --pg-bindir at the dir that holds initdb, pg_ctl and postgres",
		           "no PostgreSQL server binaries (initdb, pg_ctl, postgres) in '%s'", opts_bindir);
		return NULL;
	}
	char *dir = pg_config_bindir();
	if (!dir)
		dir = newest_lib_bindir();
	if (!dir)
		gate_error(EXIT_ENV,
		           "searched pg_config --bindir and " PG_LIB_ROOT "/*/bin; install the PostgreSQL server "
		           "(e.g. apt-get install postgresql-15), pass --pg-bindir, or use --scratch-url",
		           "no PostgreSQL server binaries found (initdb, pg_ctl, postgres)");
	return dir;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* A port nobody listens on: it names the socket file, and keeps a later TCP listener from clashing. */
static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a;
	socklen_t len = sizeof a;
	int port = 0;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port ? port : 5432 + (int)(getpid() % 20000);
}

/*
 * TMPDIR when set; else /dev/shm when it has room, since writing a data dir
 * to tmpfs is several times faster than to disk (cp -a of a template: 0.04 s
 * against 0.3 s here); else /tmp. Container /dev/shm is often 64 MB, too
 * small for a cluster, hence the free-space check.
 */
static const char *temp_root(void)
{
	const char *tmp = getenv("TMPDIR");
	struct statvfs st;
	if (tmp && *tmp && strlen(tmp) <= MAX_SOCKET_DIR - 20)
		return tmp;
	if (access("/dev/shm", W_OK | X_OK) == 0 && statvfs("/dev/shm", &st) == 0 &&
	    (unsigned long long)st.f_bavail * st.f_frsize >= SHM_MIN_FREE)
		return "/dev/shm";
	return "/tmp";
}

static int make_private_dir(struct scratch *s)
{
	const char *tmp = temp_root();
	struct buf path = BUF_INIT;
	buf_addf(&path, "%s/migrate-gate-XXXXXX", tmp);
	s->dir = buf_detach(&path);
	if (!mkdtemp(s->dir)) {
		int err = errno;
		free(s->dir);
		s->dir = NULL;
		return gate_error(EXIT_ENV, "set TMPDIR to a writable dir", "cannot create a temp dir in '%s': %s", tmp,
		                  strerror(err));
	}
	s->cleanup = cleanup_register_dir(s->dir);
	/* Before the chown: the record is ours, and the sweep of a later run trusts only ours. */
	if (leftovers_write_owner(s->dir) < 0)
		log_debug("cannot write the owner record in '%s': %s", s->dir, strerror(errno));
	if (s->user.drop && chown(s->dir, s->user.uid, s->user.gid) < 0)
		return gate_error(EXIT_ENV, NULL, "cannot hand '%s' to the postgres user: %s", s->dir, strerror(errno));
	buf_addf(&path, "%s/data", s->dir);
	s->datadir = buf_detach(&path);
	buf_addf(&path, "%s/server.log", s->dir);
	s->logpath = buf_detach(&path);
	return 0;
}

/* The last lines of a log, indented, for an error message. */
static char *log_tail(const char *path, int lines)
{
	struct buf all = BUF_INIT, out = BUF_INIT;
	FILE *f = fopen(path, "r");
	char chunk[4096];
	size_t n;
	while (f && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&all, chunk, n);
	if (f)
		fclose(f);
	const char *text = buf_str(&all), *start = text + all.len;
	while (start > text && (start[-1] == '\n' || start[-1] == ' '))
		start--;
	const char *end = start;
	for (int seen = 0; start > text && seen < lines; start--)
		if (start[-1] == '\n' && ++seen == lines)
			break;
	buf_adds(&out, "\n    ");
	for (const char *p = start; p < end; p++) {
		if (*p == '\n')
			buf_adds(&out, "\n    ");
		else
			buf_addc(&out, *p);
	}
	buf_release(&all);
	return buf_detach(&out);
}

static int tool_failed(const char *tool, int status, const char *log)
{
	char *tail = log_tail(log, 6);
	gate_error(EXIT_ENV,
	           "the lines above end its log; check the PostgreSQL install, and as root that the postgres user can "
	           "write under TMPDIR",
	           "%s failed (status %d) for the scratch cluster:%s", tool, status, tail);
	free(tail);
	return -1;
}

static int run_initdb(struct scratch *s)
{
	struct buf tool = BUF_INIT, log = BUF_INIT;
	buf_addf(&tool, "%s/initdb", s->bindir);
	buf_addf(&log, "%s/initdb.log", s->dir);
	const char *argv[] = {tool.data, "--no-sync", "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C",
	                      /* 1 MB WAL segments: a 29 MB data dir instead of 39, quicker to make and copy */
	                      "--wal-segsize=1", "-D", s->datadir, NULL};
	int status = cleanup_run_tool(s->cleanup, &s->user, argv, s->dir, buf_str(&log));
	int ret = status ? tool_failed("initdb", status, buf_str(&log)) : 0;
	buf_release(&tool);
	buf_release(&log);
	return ret;
}

static int write_settings(struct scratch *s)
{
	struct buf path = BUF_INIT;
	buf_addf(&path, "%s/postgresql.auto.conf", s->datadir);
	/* Never through a symlink: a data dir copied from a cache could hold one. */
	int fd = open(buf_str(&path), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	int ret = 0;
	if (!f) {
		if (fd >= 0)
			close(fd);
		ret = gate_error(EXIT_ENV, NULL, "cannot write '%s': %s", buf_str(&path), strerror(errno));
		goto out;
	}
	/* Throwaway data: durability off; autovacuum off so snapshots and timings do not depend on it. */
	fprintf(f,
	        "listen_addresses = ''\nunix_socket_directories = '%s'\nport = %d\n"
	        "fsync = off\nfull_page_writes = off\nsynchronous_commit = off\n"
	        "autovacuum = off\nwal_level = minimal\nmax_wal_senders = 0\n%s",
	        s->dir, s->port, scratch_log_settings);
	bool chown_failed = s->user.drop && fchown(fd, s->user.uid, s->user.gid) < 0;
	if (fclose(f) != 0 || chown_failed)
		ret = gate_error(EXIT_ENV, NULL, "cannot write '%s': %s", buf_str(&path), strerror(errno));
out:
	buf_release(&path);
	return ret;
}

/* postmaster.pid's 8th line is the server's status; "ready" once it accepts connections. */
static bool server_ready(const char *pidfile)
{
	FILE *f = fopen(pidfile, "r");
	char line[256];
	int n = 0;
	bool ready = false;
	while (f && !ready && fgets(line, sizeof line, f))
		ready = ++n == 8 && !strncmp(line, "ready", 5);
	if (f)
		fclose(f);
	return ready;
}

/*
 * Runs postgres itself and waits for postmaster.pid to say "ready", which is
 * what pg_ctl -w start does, but polling every 2 ms instead of every 100 ms:
 * that poll was half of a cached start. The server is our child, so an early
 * exit (a bad setting, no shared memory) is seen at once.
 */
static int start_server(struct scratch *s)
{
	struct buf tool = BUF_INIT, pidfile = BUF_INIT;
	buf_addf(&tool, "%s/postgres", s->bindir);
	buf_addf(&pidfile, "%s/postmaster.pid", s->datadir);
	const char *argv[] = {tool.data, "-D", s->datadir, NULL};
	int ret = 0, status = 0;
	s->postmaster = cleanup_spawn_server(s->cleanup, &s->user, argv, s->dir, s->logpath);
	if (s->postmaster < 0)
		ret = gate_error(EXIT_ENV, NULL, "cannot start the scratch server: %s", strerror(errno));
	for (int waited = 0; ret == 0 && !server_ready(buf_str(&pidfile)); waited += START_POLL_MS) {
		if (cleanup_exited(s->postmaster, &status)) {
			cleanup_set_postmaster(s->cleanup, 0); /* reaped: its pid may be reused */
			ret = tool_failed("postgres", status, s->logpath);
		} else if (waited > START_TIMEOUT_MS) {
			ret = tool_failed("postgres (not ready after 60 s)", -1, s->logpath);
		} else {
			sleep_ms(START_POLL_MS);
		}
	}
	buf_release(&tool);
	buf_release(&pidfile);
	return ret;
}

static int read_major(struct scratch *s)
{
	struct buf path = BUF_INIT, text = BUF_INIT;
	buf_addf(&path, "%s/PG_VERSION", s->datadir);
	FILE *f = fopen(buf_str(&path), "r");
	char line[32] = "";
	if (f) {
		if (!fgets(line, sizeof line, f))
			line[0] = '\0';
		fclose(f);
	}
	s->major = (int)strtol(line, NULL, 10);
	buf_release(&path);
	buf_release(&text);
	return s->major > 0 ? 0 : gate_error(EXIT_ENV, NULL, "cannot read the version of '%s'", s->datadir);
}

static void set_local_target(struct scratch *s)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "%d", s->port);
	s->t_port = buf_detach(&b);
	s->t_host = xstrdup(s->dir);
	s->t_user = xstrdup("postgres");
	s->t_dbname = xstrdup("postgres");
	buf_addf(&b, "host=%s port=%d user=postgres dbname=postgres", s->dir, s->port);
	s->conninfo = buf_detach(&b);
	buf_addf(&b, "postgresql://postgres@/postgres?host=%s&port=%d", s->dir, s->port);
	s->sa_url = buf_detach(&b);
	buf_addf(&b, "%s/log/statements.csv", s->datadir);
	s->stmt_log = buf_detach(&b);
	buf_addf(&b, "host=%s port=%d user=postgres dbname=template1", s->dir, s->port);
	s->local_admin = buf_detach(&b);
	s->ckpt_dbname = xstrdup("migrate_gate_checkpoint");
}

static int start_local(struct scratch *s, const struct scratch_options *opts)
{
	s->bindir = scratch_find_bindir(opts->bindir);
	if (!s->bindir || run_user_lookup(&s->user) < 0)
		return -1;
	leftovers_sweep_dirs(s->user.uid);
	if (make_private_dir(s) < 0)
		return -1;
	int got = opts->cache_dir ? scratch_cache_copy(s, opts->cache_dir) : 0;
	if (got < 0 || (!got && run_initdb(s) < 0))
		return -1;
	if (!got && opts->cache_dir)
		scratch_cache_store(s, opts->cache_dir);
	s->port = free_port();
	if (write_settings(s) < 0 || read_major(s) < 0 || start_server(s) < 0)
		return -1;
	set_local_target(s);
	return 0;
}

int scratch_start(const struct scratch_options *opts, struct scratch **out)
{
	struct scratch *s = xcalloc(1, sizeof *s);
	s->keep = opts->keep;
	*out = NULL;
	int ret = opts->scratch_url ? scratch_start_url(s, opts->scratch_url) : start_local(s, opts);
	if (ret < 0) {
		s->keep = false; /* a half-made scratch is no use to keep */
		scratch_free(s);
		return -1;
	}
	s->target.host = s->t_host;
	s->target.port = s->t_port;
	s->target.user = s->t_user;
	s->target.password = s->t_password;
	s->target.dbname = s->t_dbname;
	if (s->keep) {
		/* Kept even when a signal ends the run: that is when one wants to look inside. */
		if (!s->url)
			leftovers_mark_kept(s->dir);
		cleanup_forget(s->cleanup);
		cleanup_forget(s->url_cleanup);
		s->cleanup = s->url_cleanup = NULL;
	}
	*out = s;
	return 0;
}

const char *scratch_conninfo(const struct scratch *s)
{
	return s->conninfo;
}
const char *scratch_sqlalchemy_url(const struct scratch *s)
{
	return s->sa_url;
}
int scratch_server_major(const struct scratch *s)
{
	return s->major;
}
const struct scratch_target *scratch_target(const struct scratch *s)
{
	return &s->target;
}
const char *scratch_admin_conninfo(const struct scratch *s)
{
	return s->admin_dsn ? s->admin_dsn : s->local_admin;
}
const char *scratch_checkpoint_dbname(const struct scratch *s)
{
	return s->ckpt_dbname;
}
const char *scratch_bindir(const struct scratch *s)
{
	return s->bindir;
}
const char *scratch_dir(const struct scratch *s)
{
	return s->url ? NULL : s->dir;
}

static void print_kept(const struct scratch *s)
{
	if (s->url) {
		log_info("kept scratch database \"%s\": psql '%s'", s->t_dbname, s->conninfo);
		return;
	}
	const char *as = s->user.drop ? "runuser -u postgres -- " : "";
	log_info("kept scratch cluster in '%s': psql '%s'", s->dir, s->conninfo);
	log_info("remove it with: %s%s/pg_ctl -D %s stop -m immediate && rm -rf %s", as, s->bindir, s->datadir, s->dir);
}

void scratch_free(struct scratch *s)
{
	if (!s)
		return;
	if (s->keep) {
		print_kept(s);
	} else {
		cleanup_run(s->cleanup);
		scratch_drop_url(s);
	}
	free(s->dir);
	free(s->datadir);
	free(s->logpath);
	free(s->bindir);
	free(s->conninfo);
	free(s->sa_url);
	free(s->t_host);
	free(s->t_port);
	free(s->t_user);
	free(s->t_password);
	free(s->t_dbname);
	free(s->url);
	free(s->admin_dsn);
	free(s->stmt_log);
	free(s->local_admin);
	free(s->ckpt_dbname);
	free(s);
}
