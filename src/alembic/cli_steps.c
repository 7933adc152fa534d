#include "alembic/cli_steps.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alembic/child.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/mem.h"

#include "util/banned.h"

/* Alembic's own errors (CommandError) exit with status 255 after this on stdout. */
static const char failed_prefix[] = "FAILED:";

struct cli_steps {
	char *cmd;
	char *dir;
	char *url;
	const struct rev_graph *graph;
	unsigned timeout_s;
};

/* One command that ran: what the step result is made from. */
struct cli_run {
	struct child child;
	char *failed; /* the text after "FAILED: " on stdout, NULL when none */
	enum child_wait end;
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void set_text(char **field, const char *s, size_t n)
{
	free(*field);
	*field = s ? xstrndup(s, n) : NULL;
}

static void set_str(char **field, const char *s)
{
	set_text(field, s, s ? strlen(s) : 0);
}

/* ---- the traceback on stderr ---------------------------------------------------------- */

struct frame {
	char *file;
	int line;
};

struct traceback {
	struct frame in_revision, in_env, last; /* of the last traceback only */
	struct buf exception;                   /* "module.Type: message" and its continuation lines */
	bool in_exception;                      /* collecting those lines */
};

static void frame_set(struct frame *f, const char *file, size_t n, int line)
{
	set_text(&f->file, file, n);
	f->line = line;
}

static void traceback_reset(struct traceback *t)
{
	frame_set(&t->in_revision, NULL, 0, 0);
	frame_set(&t->in_env, NULL, 0, 0);
	frame_set(&t->last, NULL, 0, 0);
	buf_reset(&t->exception);
	t->in_exception = false;
}

static bool is_revision_file(const struct rev_graph *g, const char *file, size_t n)
{
	for (size_t i = 0; g && i < g->n; i++)
		if (g->revs[i].path && strlen(g->revs[i].path) == n && !strncmp(g->revs[i].path, file, n))
			return true;
	return false;
}

static bool is_env_py(const char *file, size_t n)
{
	return n >= 6 && !strncmp(file + n - 6, "env.py", 6) && (n == 6 || file[n - 7] == '/');
}

/* `  File "PATH", line N[, in FUNC]`: a frame (a SyntaxError's has no "in"). */
static bool frame_line(struct traceback *t, const struct rev_graph *g, const char *line)
{
	static const char head[] = "  File \"";
	if (strncmp(line, head, sizeof(head) - 1))
		return false;
	const char *file = line + sizeof(head) - 1, *end = strstr(file, "\", line ");
	if (!end)
		return false;
	size_t n = (size_t)(end - file);
	long no = strtol(end + 8, NULL, 10);
	int lineno = no > 0 && no < INT_MAX ? (int)no : 0;
	frame_set(&t->last, file, n, lineno);
	if (is_revision_file(g, file, n))
		frame_set(&t->in_revision, file, n, lineno);
	else if (is_env_py(file, n))
		frame_set(&t->in_env, file, n, lineno);
	buf_reset(&t->exception);
	t->in_exception = false;
	return true;
}

static void traceback_line(struct traceback *t, const struct rev_graph *g, const char *line)
{
	if (!strcmp(line, "Traceback (most recent call last):"))
		traceback_reset(t);
	else if (frame_line(t, g, line))
		return;
	else if (!*line)
		t->in_exception = false;
	else if (t->in_exception)
		buf_addf(&t->exception, "\n%s", line);
	else if (t->last.file && !t->exception.len && *line != ' ') {
		buf_adds(&t->exception, line);
		t->in_exception = true;
	}
}

/* "sqlalchemy.exc.ProgrammingError: (psycopg2.errors.X) text" -> type and message, as the driver reports them. */
static void exception_to_result(const char *text, struct step_result *out)
{
	size_t type_len = strcspn(text, ": \n");
	const char *msg = text + type_len;
	const char *dot = memrchr(text, '.', type_len);
	const char *type = dot ? dot + 1 : text;
	set_text(&out->error_type, type, (size_t)(text + type_len - type));
	msg += strspn(msg, ": ");
	/* A DBAPI error names the driver's exception class first; the driver reports str(orig). */
	size_t wrapped = *msg == '(' ? strcspn(msg, ") \n") : 0;
	if (wrapped && msg[wrapped] == ')' && msg[wrapped + 1] == ' ')
		msg += wrapped + 2;
	/* str() of an exception without arguments is empty; the driver then says the type. */
	set_str(&out->error_message, *msg ? msg : out->error_type);
}

/* As the driver reports them: the revision innermost in the traceback, and whether its code raised. */
static void revision_facts(const struct traceback *t, const struct rev_graph *g, struct step_result *out)
{
	for (size_t i = 0; g && t->in_revision.file && i < g->n; i++)
		if (g->revs[i].path && !strcmp(g->revs[i].path, t->in_revision.file))
			set_str(&out->error_revision, g->revs[i].id);
	out->raised_by_revision = t->in_revision.file && t->last.file && !strcmp(t->in_revision.file, t->last.file);
}

static void parse_stderr(const char *tail, const struct rev_graph *g, struct step_result *out)
{
	struct traceback t;
	memset(&t, 0, sizeof(t));
	buf_init(&t.exception);
	for (const char *p = tail; *p;) {
		size_t n = strcspn(p, "\n");
		char *line = xstrndup(p, n);
		traceback_line(&t, g, line);
		free(line);
		p += n + (p[n] == '\n');
	}
	const struct frame *f = t.in_revision.file ? &t.in_revision : t.in_env.file ? &t.in_env : &t.last;
	if (t.exception.len)
		exception_to_result(buf_str(&t.exception), out);
	if (f->file) {
		set_str(&out->error_file, f->file);
		out->error_line = f->line;
	}
	revision_facts(&t, g, out);
	traceback_reset(&t);
	buf_release(&t.exception);
}

/* ---- running one command ------------------------------------------------------------- */

static int start(struct cli_steps *c, const char *const args[], struct cli_run *r)
{
	struct strlist argv = STRLIST_INIT, env = STRLIST_INIT;
	struct buf script = BUF_INIT;
	/* The command is shell words; our arguments follow it verbatim, never re-parsed. */
	buf_addf(&script, "%s \"$@\"", c->cmd);
	strlist_add(&argv, "/bin/sh");
	strlist_add(&argv, "-c");
	strlist_add(&argv, buf_str(&script));
	strlist_add(&argv, "alembic");
	for (size_t i = 0; args[i]; i++)
		strlist_add(&argv, args[i]);
	strlist_add_owned(&argv, NULL);
	child_env(c->url, &env);
	int rc = child_start(&r->child, c->dir, argv.items, env.items);
	if (rc == 0) {
		close(r->child.in); /* alembic reads nothing: give it EOF */
		r->child.in = -1;
	}
	strlist_release(&argv);
	strlist_release(&env);
	buf_release(&script);
	return rc;
}

static void note_stdout_line(struct cli_run *r, const char *line)
{
	const char *s = line + strspn(line, " ");
	if (!strncmp(s, failed_prefix, sizeof(failed_prefix) - 1)) {
		s += sizeof(failed_prefix) - 1;
		s += strspn(s, " ");
		set_str(&r->failed, s);
	}
}

/* Milliseconds until deadline (never negative: child_read_line() reads that as no limit); -1 without one. */
static int left_ms(long long deadline)
{
	long long left = deadline - now_ms();
	if (deadline < 0)
		return -1;
	return left <= 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left;
}

/* Runs the command to its end (or the deadline) and reaps it. */
static void run(struct cli_steps *c, struct cli_run *r)
{
	long long deadline = c->timeout_s ? now_ms() + (long long)c->timeout_s * 1000 : -1;
	char *line = NULL;
	while ((r->end = child_read_line(&r->child, left_ms(deadline), &line)) == CHILD_LINE) {
		note_stdout_line(r, line);
		free(line);
		line = NULL;
	}
	if (r->end == CHILD_TIMEOUT) {
		child_kill(&r->child);
		return;
	}
	/* stdout closed: it is exiting, unless something it started holds on */
	child_reap(&r->child, deadline < 0 ? 60000 : left_ms(deadline));
}

/* "upgrade of revision 'r1'" */
static char *describe_step(const char *const args[], const char *rev)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, args[0]);
	if (rev)
		buf_addf(&b, " of revision '%s'", rev);
	return buf_detach(&b);
}

static int lost(struct cli_steps *c, struct cli_run *r, const char *what, struct step_result *out)
{
	struct buf msg = BUF_INIT;
	const char *hint = "run the same alembic command by hand to see its whole output";
	const char *last = child_last_stderr_line(&r->child);
	if (r->end == CHILD_TIMEOUT) {
		out->status = STEP_TIMEOUT;
		hint = "look for a lock wait or a long data migration in the revision, or raise --step-timeout";
		buf_addf(&msg, "%s did not finish within %us; the alembic command was killed", what, c->timeout_s);
	} else if (WIFEXITED(r->child.status)) {
		out->status = STEP_DIED;
		hint = "pass the command as you would type it in the project directory, e.g. --alembic-cmd "
		       "\"alembic -c alembic.ini\"";
		buf_addf(&msg, "cannot run the alembic command '%s' for %s (", c->cmd, what);
		child_describe_exit(&r->child, &msg);
		buf_addf(&msg, "%s%s)", *last ? ": " : "", last);
	} else {
		out->status = STEP_DIED;
		buf_addf(&msg, "the alembic command '%s' died during %s (", c->cmd, what);
		child_describe_exit(&r->child, &msg);
		buf_addf(&msg, "%s%s)", *last ? ": " : "", last);
	}
	set_str(&out->error_type, out->status == STEP_TIMEOUT ? "Timeout" : "CommandDied");
	set_str(&out->error_message, buf_str(&msg));
	gate_error(EXIT_ENV, hint, "%s", buf_str(&msg));
	buf_release(&msg);
	return -1;
}

static int step_outcome(struct cli_steps *c, struct cli_run *r, const char *what, struct step_result *out)
{
	int status = r->child.status;
	if (r->end == CHILD_TIMEOUT || !WIFEXITED(status))
		return lost(c, r, what, out);
	int code = WEXITSTATUS(status);
	if (code == 0)
		return 0;
	out->status = STEP_FAILED;
	if (code == 126 || code == 127)
		return lost(c, r, what, out); /* the shell could not run the command */
	if (code == 255 && r->failed) {
		set_str(&out->error_type, "CommandError");
		set_str(&out->error_message, r->failed);
		return 0;
	}
	parse_stderr(buf_str(&r->child.tail), c->graph, out);
	if (!out->error_message) {
		struct buf b = BUF_INIT;
		const char *last = child_last_stderr_line(&r->child);
		child_describe_exit(&r->child, &b);
		buf_addf(&b, "%s%s", *last ? ": " : "", last);
		set_str(&out->error_message, buf_str(&b));
		buf_release(&b);
	}
	return 0;
}

/* Runs `<alembic-cmd> ARGS...` as one step into out. */
static int step(struct cli_steps *c, const char *const args[], const char *rev, struct step_result *out)
{
	struct cli_run r;
	char *what = describe_step(args, rev);
	long long t0 = now_ms();
	int rc;
	memset(&r, 0, sizeof(r));
	out->status = STEP_OK;
	if (start(c, args, &r) < 0) {
		out->status = STEP_DIED;
		rc = gate_error(EXIT_ENV, "check the process limits of this machine", "cannot start '%s' for %s: %s",
		                c->cmd, what, strerror(errno));
	} else {
		run(c, &r);
		rc = step_outcome(c, &r, what, out);
	}
	out->duration_ms = (double)(now_ms() - t0);
	child_finish(&r.child, 0);
	free(r.failed);
	free(what);
	return rc;
}

/* ---- the API ------------------------------------------------------------------------- */

static int check_command(struct cli_steps *c)
{
	static const char *const args[] = {"heads", NULL};
	struct step_result r;
	step_result_init(&r);
	int rc = step(c, args, NULL, &r);
	if (!rc && r.status != STEP_OK)
		rc = gate_error(
		    EXIT_USAGE,
		    "run it by hand in the project directory; --alembic-cmd takes the command without a subcommand",
		    "the alembic command '%s' fails: %s%s%s", c->cmd, r.error_type ? r.error_type : "",
		    r.error_type ? ": " : "", r.error_message ? r.error_message : "");
	step_result_release(&r);
	return rc;
}

int cli_steps_new(const struct cli_steps_options *opt, struct cli_steps **out)
{
	struct cli_steps *c = xcalloc(1, sizeof(*c));
	c->cmd = xstrdup(opt->alembic_cmd);
	c->dir = xstrdup(opt->project_dir ? opt->project_dir : ".");
	c->graph = opt->graph;
	c->timeout_s = opt->step_timeout_s;
	cli_steps_set_url(c, opt->db_url);
	*out = NULL;
	if (check_command(c)) {
		cli_steps_free(c);
		return -1;
	}
	*out = c;
	return 0;
}

void cli_steps_free(struct cli_steps *c)
{
	if (!c)
		return;
	free(c->cmd);
	free(c->dir);
	free(c->url);
	free(c);
}

void cli_steps_set_url(struct cli_steps *c, const char *db_url)
{
	set_str(&c->url, db_url);
}

int cli_steps_upgrade(struct cli_steps *c, const char *rev, struct step_result *out)
{
	const char *const args[] = {"upgrade", rev, NULL};
	return step(c, args, rev, out);
}

int cli_steps_downgrade(struct cli_steps *c, const char *rev, const char *target, struct step_result *out)
{
	const struct rev *r = c->graph ? rev_graph_find(c->graph, rev) : NULL;
	struct buf dest = BUF_INIT;
	/* REV@-1 is an "ambiguous walk" for a merge: go to one parent, which undoes just the merge. */
	if (target)
		buf_adds(&dest, target);
	else if (r && r->down.n > 1)
		buf_adds(&dest, r->down.items[0]);
	else
		buf_addf(&dest, "%s@-1", rev);
	const char *const args[] = {"downgrade", buf_str(&dest), NULL};
	int rc = step(c, args, rev, out);
	buf_release(&dest);
	return rc;
}
