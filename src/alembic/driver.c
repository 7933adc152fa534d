#include "alembic/driver.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alembic/child.h"
#include "util/error.h"
#include "util/mem.h"

#include "util/banned.h"

extern const char driver_py[];

/* Starting Python and importing alembic takes well under a second; this is for a stuck shim. */
#define HELLO_TIMEOUT_MS 60000
/* How long a driver whose stdin closed gets to exit by itself. */
#define EXIT_GRACE_MS 2000

static const char no_alembic_hint[] =
    "install Alembic for the project's interpreter (apt install python3-alembic, or pip "
    "install alembic in its virtualenv), or pass --python";

struct driver {
	struct child child;
	char *python;
	char *last_error; /* why the driver was lost */
	unsigned timeout_s;
	bool alive;
	void (*tick)(void *arg); /* driver_set_tick() */
	void *tick_arg;
	unsigned tick_ms;
	bool hold_commits;      /* for the next step request */
	bool chain;             /* driver_chain_upgrades() */
	cJSON *session;         /* driver_set_session()'s settings, for the next step request */
	int (*hook)(void *arg); /* driver_options.while_starting, until it ran */
	void *hook_arg;
};

/* ---- small JSON readers ------------------------------------------------------------ */

static const char *jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static char *jdup(const cJSON *o, const char *key)
{
	const char *s = jstr(o, key);
	return s ? xstrdup(s) : NULL;
}

static double jnum(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsNumber(v) ? v->valuedouble : 0.0;
}

static bool jtrue(const cJSON *o, const char *key)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static void jstrings(const cJSON *o, const char *key, struct strlist *out)
{
	const cJSON *item;
	cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(o, key)) if (cJSON_IsString(item))
	    strlist_add(out, item->valuestring);
}

static const cJSON *jerror(const cJSON *resp)
{
	return cJSON_GetObjectItemCaseSensitive(resp, "error");
}

/* The first line of a Python error message: database errors add LINE/HINT lines. */
static char *first_line(const char *s)
{
	if (!s)
		return xstrdup("(no message)");
	return xstrndup(s, strcspn(s, "\n"));
}

/* ---- step results ------------------------------------------------------------------ */

void step_result_init(struct step_result *r)
{
	memset(r, 0, sizeof(*r));
}

void step_result_release(struct step_result *r)
{
	if (!r)
		return;
	free(r->error_type);
	free(r->error_message);
	free(r->error_file);
	free(r->sqlstate);
	free(r->error_revision);
	free(r->commit_revision);
	for (size_t i = 0; i < r->n_stmts; i++) {
		free(r->stmts[i].sql);
		free(r->stmts[i].sent);
		free(r->stmts[i].parameters);
		free(r->stmts[i].revision);
	}
	free(r->stmts);
	for (size_t i = 0; i < r->n_commits; i++) {
		free(r->commits[i].revision);
		free(r->commits[i].how);
		free(r->commits[i].xid);
	}
	free(r->commits);
	step_result_init(r);
}

static const char *const kind_names[] = {
    [STMT_MIGRATION] = "migration",
    [STMT_BOOKKEEPING] = "bookkeeping",
    [STMT_INTROSPECTION] = "introspection",
    [STMT_ENV] = "env",
};

const char *stmt_kind_name(enum stmt_kind k)
{
	return (size_t)k < sizeof(kind_names) / sizeof(kind_names[0]) ? kind_names[k] : "?";
}

static enum stmt_kind parse_kind(const char *s)
{
	for (size_t k = 0; s && k < sizeof(kind_names) / sizeof(kind_names[0]); k++)
		if (!strcmp(s, kind_names[k]))
			return (enum stmt_kind)k;
	return STMT_INTROSPECTION;
}

static void add_stmt(struct step_result *r, const cJSON *s)
{
	XGROW(r->stmts, r->alloc_stmts, r->n_stmts + 1);
	struct captured_stmt *c = &r->stmts[r->n_stmts++];
	memset(c, 0, sizeof(*c));
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(s, "parameters");
	c->sql = xstrdup(jstr(s, "sql") ? jstr(s, "sql") : "");
	c->sent = jdup(s, "sent");
	c->parameters = params && !cJSON_IsNull(params) ? cJSON_PrintUnformatted(params) : NULL;
	c->revision = jdup(s, "revision");
	c->duration_ms = jnum(s, "duration_ms");
	c->kind = parse_kind(jstr(s, "kind"));
	c->autocommit = jtrue(s, "autocommit");
	c->failed = jtrue(s, "failed");
}

static void set_error(struct step_result *r, const char *type, const char *message, const char *file, int line)
{
	free(r->error_type);
	free(r->error_message);
	free(r->error_file);
	r->error_type = type ? xstrdup(type) : NULL;
	r->error_message = message ? xstrdup(message) : NULL;
	r->error_file = file ? xstrdup(file) : NULL;
	r->error_line = line;
}

static void add_commits(struct step_result *r, const cJSON *list)
{
	const cJSON *c;
	size_t n = (size_t)cJSON_GetArraySize(list), i = 0;
	if (!n)
		return;
	r->commits = xcalloc(n, sizeof(*r->commits));
	cJSON_ArrayForEach(c, list)
	{
		if (i == n)
			break;
		double after = jnum(c, "after");
		r->commits[i].revision = jdup(c, "revision");
		r->commits[i].how = xstrdup(jstr(c, "how") ? jstr(c, "how") : "a commit");
		r->commits[i].xid = jdup(c, "xid");
		r->commits[i].after = after > 0 ? (size_t)after : 0;
		i++;
	}
	r->n_commits = i;
}

/* The replay's facts: which revision raised, commits by revision code, an empty downgrade(). */
static void fill_replay_facts(struct step_result *r, const cJSON *resp)
{
	const cJSON *err = jerror(resp),
	            *commit = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(resp, "commits"), 0);
	r->error_revision = jdup(err, "revision");
	r->raised_by_revision = jtrue(err, "raised_by_revision");
	r->downgrade_empty = jtrue(resp, "downgrade_empty");
	if (commit) {
		r->commit_revision = jdup(commit, "revision");
		r->commit_line = (int)jnum(commit, "line");
	}
}

static void fill_step(struct step_result *r, const cJSON *resp)
{
	const cJSON *err = jerror(resp), *s;
	r->status = jtrue(resp, "ok") ? STEP_OK : STEP_FAILED;
	if (r->status == STEP_FAILED) {
		set_error(r, jstr(err, "type"), jstr(err, "message"), jstr(err, "file"), (int)jnum(err, "line"));
		r->sqlstate = jdup(err, "sqlstate");
	}
	r->duration_ms = jnum(resp, "duration_ms");
	r->transaction_per_migration = jtrue(resp, "transaction_per_migration");
	r->n_dropped = (size_t)jnum(resp, "statements_dropped");
	r->n_overflow = (size_t)jnum(resp, "statements_overflow");
	cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(resp, "statements")) add_stmt(r, s);
	add_commits(r, cJSON_GetObjectItemCaseSensitive(resp, "committed"));
	fill_replay_facts(r, resp);
}

/* ---- talking to the process -------------------------------------------------------- */

static void describe_death(struct driver *d, struct buf *why)
{
	const char *last = child_last_stderr_line(&d->child);
	child_describe_exit(&d->child, why);
	if (*last)
		buf_addf(why, ": %s", last);
}

/* "upgrade of revision 'r1'", or just the step when there is no revision. */
static void name_step(struct buf *out, const char *step, const char *rev)
{
	buf_adds(out, step);
	if (rev)
		buf_addf(out, " of revision '%s'", rev);
}

/* Kills a driver that timed out or died, and records why (also in d->last_error). */
static enum step_status lose(struct driver *d, enum child_wait how, const char *what)
{
	struct buf msg = BUF_INIT;
	const char *hint = "run the same alembic command by hand to see its whole output";
	d->alive = false;
	if (how == CHILD_TIMEOUT) {
		child_kill(&d->child);
		hint = "look for a lock wait or a long data migration in the revision, or raise "
		       "--step-timeout";
		buf_addf(&msg, "%s did not finish within %us; the alembic driver was killed", what, d->timeout_s);
	} else {
		child_reap(&d->child, 1000);
		buf_addf(&msg, "the alembic driver died during %s (", what);
		describe_death(d, &msg);
		buf_addc(&msg, ')');
	}
	gate_error(EXIT_ENV, hint, "%s", buf_str(&msg));
	free(d->last_error);
	d->last_error = buf_detach(&msg);
	return how == CHILD_TIMEOUT ? STEP_TIMEOUT : STEP_DIED;
}

static int send_request(struct driver *d, cJSON *req)
{
	char *text = cJSON_PrintUnformatted(req);
	struct buf line = BUF_INIT;
	buf_adds(&line, text);
	buf_addc(&line, '\n');
	int ret = child_send(&d->child, line.data, line.len);
	buf_release(&line);
	free(text);
	return ret;
}

/* What the driver wrote instead of a protocol message: its first 80 bytes, printable. */
static void describe_garbage(const char *line, struct buf *out)
{
	size_t n = strlen(line);
	buf_addc(out, '\'');
	for (size_t i = 0; i < n && i < 80; i++) {
		unsigned char ch = (unsigned char)line[i];
		if (ch < 0x20 || ch == 0x7f || ch == '\'')
			buf_addf(out, "\\x%02x", ch);
		else
			buf_addc(out, (char)ch);
	}
	buf_addf(out, "'%s", n > 80 ? "..." : "");
}

/* Kills a driver that broke the rules, records msg (consumed) as the error and as why it was lost. */
static enum step_status give_up(struct driver *d, const char *hint, struct buf *msg)
{
	d->alive = false;
	child_kill(&d->child);
	gate_error(EXIT_ENV, hint, "%s", buf_str(msg));
	free(d->last_error);
	d->last_error = buf_detach(msg);
	return STEP_DIED;
}

/* A driver that wrote something other than a JSON object on the protocol channel. */
static enum step_status broke_protocol(struct driver *d, const char *line, const char *what)
{
	struct buf msg = BUF_INIT;
	buf_addf(&msg, "the alembic driver broke the protocol during %s: it wrote ", what);
	describe_garbage(line, &msg);
	buf_adds(&msg, " where a JSON response belongs; the driver was killed");
	return give_up(d,
	               "revision code or env.py wrote to the driver's protocol channel (its original stdout); "
	               "print to stderr instead",
	               &msg);
}

/*
 * The connection guard refused a target: env.py or a revision tried to reach
 * a database other than the chosen one. The run stops (exit 3); nothing was
 * sent there. Only host, port and database are named, never a password.
 */
static enum step_status refused(struct driver *d, const cJSON *resp, const char *what)
{
	const cJSON *r = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(resp, "refused"), 0);
	const char *port = jstr(r, "port") && *jstr(r, "port") ? jstr(r, "port") : "-";
	struct buf msg = BUF_INIT;
	buf_addf(&msg,
	         "during %s, env.py or a revision tried to connect to host '%s' port %s database '%s' (%s), "
	         "which is not the database migrate-gate chose; the connection was refused and nothing ran there",
	         what, jstr(r, "host") ? jstr(r, "host") : "?", port, jstr(r, "dbname") ? jstr(r, "dbname") : "?",
	         jstr(r, "via") ? jstr(r, "via") : "?");
	return give_up(d,
	               "make env.py connect with config.get_main_option(\"sqlalchemy.url\") or DATABASE_URI, "
	               "and revision code through op.get_bind(), never to a database of its own",
	               &msg);
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for the response line within the step timeout, calling the tick hook between waits. */
static enum child_wait read_response(struct driver *d, char **line)
{
	int total = d->timeout_s ? (int)(d->timeout_s * 1000) : -1;
	if (!d->tick)
		return child_read_line(&d->child, total, line);
	long long deadline = total < 0 ? -1 : now_ms() + total;
	for (;;) {
		long long wait = d->tick_ms;
		if (deadline >= 0 && deadline - now_ms() < wait)
			wait = deadline - now_ms() > 0 ? deadline - now_ms() : 0;
		enum child_wait how = child_read_line(&d->child, (int)wait, line);
		if (how != CHILD_TIMEOUT || (deadline >= 0 && now_ms() >= deadline))
			return how;
		d->tick(d->tick_arg);
	}
}

/*
 * Sends req (consumed) and waits for the response. Returns it, or NULL when
 * the driver is gone: then *status is STEP_TIMEOUT or STEP_DIED and an
 * EXIT_ENV error naming the step and revision is recorded.
 */
static cJSON *call(struct driver *d, cJSON *req, const char *step, const char *rev, enum step_status *status)
{
	struct buf what = BUF_INIT;
	char *line = NULL;
	cJSON *resp = NULL;
	enum child_wait how = CHILD_EOF;
	name_step(&what, step, rev);
	*status = STEP_DIED;
	if (!d->alive) {
		gate_error(EXIT_ENV, "an earlier step killed it; see the error above",
		           "the alembic driver is no longer running: cannot run %s", buf_str(&what));
	} else {
		if (send_request(d, req) == 0)
			how = read_response(d, &line);
		if (how == CHILD_LINE && !cJSON_IsObject(resp = cJSON_Parse(line))) {
			cJSON_Delete(resp);
			resp = NULL;
			*status = broke_protocol(d, line, buf_str(&what));
		} else if (resp && cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(resp, "refused")) > 0) {
			*status = refused(d, resp, buf_str(&what));
			cJSON_Delete(resp);
			resp = NULL;
		} else {
			*status = resp ? STEP_OK : lose(d, how, buf_str(&what));
		}
	}
	cJSON_Delete(req);
	buf_release(&what);
	free(line);
	return resp;
}

static cJSON *request(const char *op)
{
	cJSON *req = cJSON_CreateObject();
	cJSON_AddStringToObject(req, "op", op);
	return req;
}

/* Records a Python-side failure of a non-step request. */
static int python_error(const cJSON *resp, enum gate_exit code, const char *hint, const char *what)
{
	const cJSON *err = jerror(resp);
	char *msg = first_line(jstr(err, "message"));
	const char *file = jstr(err, "file");
	const char *type = jstr(err, "type") ? jstr(err, "type") : "Error";
	if (file)
		gate_error(code, hint, "%s: %s: %s ('%s', line %d)", what, type, msg, file, (int)jnum(err, "line"));
	else
		gate_error(code, hint, "%s: %s: %s", what, type, msg);
	free(msg);
	return -1;
}

/* ---- starting ---------------------------------------------------------------------- */

static void add_candidate(struct strlist *l, const char *s)
{
	if (s && *s && !strlist_has(l, s))
		strlist_add(l, s);
}

/* The interpreter named by the shebang of `alembic` on PATH, or NULL. */
static char *alembic_shebang(void)
{
	struct strlist dirs = STRLIST_INIT;
	char *found = NULL;
	strlist_split(&dirs, getenv("PATH") ? getenv("PATH") : "", ":");
	for (size_t i = 0; i < dirs.n && !found; i++) {
		char path[4096], line[512];
		snprintf(path, sizeof(path), "%s/alembic", dirs.items[i]);
		FILE *f = access(path, X_OK) == 0 ? fopen(path, "r") : NULL;
		if (f && fgets(line, sizeof(line), f) && !strncmp(line, "#!", 2)) {
			struct strlist words = STRLIST_INIT;
			strlist_split(&words, line + 2, " \t\r\n");
			bool env = words.n > 1 && !strcmp(words.items[0], "/usr/bin/env");
			if (words.n)
				found = xstrdup(words.items[env ? 1 : 0]);
			strlist_release(&words);
		}
		if (f)
			fclose(f);
	}
	strlist_release(&dirs);
	return found;
}

static void child_argv(const struct driver_options *opt, const char *python, struct strlist *argv)
{
	strlist_add(argv, python);
	strlist_add(argv, "-c");
	strlist_add(argv, driver_py);
	strlist_add(argv, "--config");
	strlist_add(argv, opt->config_file ? opt->config_file : "alembic.ini");
	strlist_add(argv, "--name");
	strlist_add(argv, opt->name ? opt->name : "alembic");
	for (size_t i = 0; opt->x_args && i < opt->x_args->n; i++) {
		strlist_add(argv, "-x");
		strlist_add(argv, opt->x_args->items[i]);
	}
	strlist_add_owned(argv, NULL);
	argv->n--;
}

static int spawn(struct driver *d, const struct driver_options *opt, const char *python)
{
	struct strlist argv = STRLIST_INIT, env = STRLIST_INIT;
	child_argv(opt, python, &argv);
	child_env(opt->db_url, &env);
	int ret = child_start(&d->child, opt->project_dir, argv.items, env.items);
	strlist_release(&argv);
	strlist_release(&env);
	return ret;
}

/* Why a started interpreter could not greet us, into why. */
static void hello_failure(struct driver *d, enum child_wait how, struct buf *why)
{
	if (how == CHILD_TIMEOUT) {
		child_kill(&d->child);
		buf_addf(why, "no answer within %ds", HELLO_TIMEOUT_MS / 1000);
		return;
	}
	child_reap(&d->child, 1000);
	if (WIFEXITED(d->child.status) && WEXITSTATUS(d->child.status) == 127)
		buf_adds(why, "not found");
	else
		describe_death(d, why);
}

/*
 * Tries one interpreter. Returns 0 when it greeted us, 1 when it is unusable
 * (why says how), -1 with a recorded error when trying others is pointless.
 */
static int try_python(struct driver *d, const struct driver_options *opt, const char *python, struct buf *why)
{
	char *line = NULL;
	cJSON *hello = NULL;
	int ret = 1;
	if (spawn(d, opt, python) < 0) {
		buf_adds(why, "cannot start a process");
		return 1;
	}
	if (d->hook && d->hook(d->hook_arg)) {
		child_finish(&d->child, 0);
		return -1;
	}
	d->hook = NULL;
	enum child_wait how;
	/* A sitecustomize may print before the driver takes stdout over: skip that. */
	while ((how = child_read_line(&d->child, HELLO_TIMEOUT_MS, &line)) == CHILD_LINE && *line != '{') {
		free(line);
		line = NULL;
	}
	if (how == CHILD_LINE)
		hello = cJSON_Parse(line);
	if (how != CHILD_LINE)
		hello_failure(d, how, why);
	else if (!hello)
		buf_adds(why, "unexpected output on stdout");
	else if (jtrue(hello, "ok"))
		ret = 0;
	else if (!strcmp(jstr(jerror(hello), "type") ? jstr(jerror(hello), "type") : "", "ConfigNotFound"))
		ret = gate_error(EXIT_USAGE, "pass -c with the path of the project's alembic.ini",
		                 "alembic config '%s' not found in '%s'", jstr(jerror(hello), "file"),
		                 opt->project_dir ? opt->project_dir : ".");
	else
		buf_addf(why, "%s", jstr(jerror(hello), "message") ? jstr(jerror(hello), "message") : "?");
	if (ret)
		child_finish(&d->child, 0);
	cJSON_Delete(hello);
	free(line);
	return ret;
}

static void candidates(const struct driver_options *opt, struct strlist *out)
{
	if (opt->python) {
		add_candidate(out, opt->python);
		return;
	}
	char *shebang = alembic_shebang();
	add_candidate(out, shebang);
	free(shebang);
	add_candidate(out, "python3");
	add_candidate(out, "/usr/bin/python3");
}

int driver_start(const struct driver_options *opt, struct driver **out)
{
	struct strlist tried = STRLIST_INIT;
	struct buf list = BUF_INIT;
	struct driver *d = xcalloc(1, sizeof(*d));
	int ret = 1;
	*out = NULL;
	d->hook = opt->while_starting;
	d->hook_arg = opt->while_arg;
	candidates(opt, &tried);
	for (size_t i = 0; i < tried.n && ret == 1; i++) {
		struct buf why = BUF_INIT;
		ret = try_python(d, opt, tried.items[i], &why);
		if (ret == 1)
			buf_addf(&list, "%s%s (%s)", list.len ? ", " : "", tried.items[i], buf_str(&why));
		else if (ret == 0)
			d->python = xstrdup(tried.items[i]);
		buf_release(&why);
	}
	if (ret == 1)
		gate_error(EXIT_ENV, no_alembic_hint, "no python interpreter can import alembic: tried %s",
		           buf_str(&list));
	if (ret == 0) {
		d->alive = true;
		d->timeout_s = opt->step_timeout_s;
		*out = d;
	} else {
		free(d);
	}
	strlist_release(&tried);
	buf_release(&list);
	return ret ? -1 : 0;
}

void driver_free(struct driver *d)
{
	if (!d)
		return;
	child_finish(&d->child, EXIT_GRACE_MS);
	cJSON_Delete(d->session);
	free(d->python);
	free(d->last_error);
	free(d);
}

const char *driver_python(const struct driver *d)
{
	return d->python;
}

bool driver_alive(const struct driver *d)
{
	return d && d->alive;
}

long driver_pid(const struct driver *d)
{
	return d && d->alive ? (long)d->child.pid : 0;
}

const char *driver_stderr_tail(const struct driver *d)
{
	return buf_str(&d->child.tail);
}

/* ---- requests ---------------------------------------------------------------------- */

void driver_kill(struct driver *d)
{
	if (d && d->alive)
		child_kill(&d->child);
}

void driver_set_tick(struct driver *d, unsigned interval_ms, void (*fn)(void *arg), void *arg)
{
	d->tick = fn;
	d->tick_arg = arg;
	d->tick_ms = interval_ms ? interval_ms : 100;
}

int driver_set_session(struct driver *d, const char *application_name, const char *pgoptions)
{
	enum step_status st;
	cJSON *req = request("session");
	cJSON_AddStringToObject(req, "application_name", application_name ? application_name : "");
	cJSON_AddStringToObject(req, "pgoptions", pgoptions ? pgoptions : "");
	cJSON_Delete(d->session);
	d->session = NULL;
	if (application_name && *application_name) {
		d->session = req;
		return 0;
	}
	cJSON *resp = call(d, req, "setting the session options", NULL, &st);
	int ret = !resp               ? -1
	          : jtrue(resp, "ok") ? 0
	                              : python_error(resp, EXIT_ENV, NULL, "setting the session options");
	cJSON_Delete(resp);
	return ret;
}

int driver_set_url(struct driver *d, const char *db_url)
{
	enum step_status st;
	cJSON *req = request("url");
	cJSON_AddStringToObject(req, "url", db_url);
	cJSON *resp = call(d, req, "setting the database URL", NULL, &st);
	int ret = !resp               ? -1
	          : jtrue(resp, "ok") ? 0
	                              : python_error(resp, EXIT_USAGE, "pass a SQLAlchemy URL (postgresql://...)",
	                                             "the alembic driver rejected the database URL");
	cJSON_Delete(resp);
	return ret;
}

static int add_revisions(const cJSON *resp, struct rev_graph *g)
{
	const cJSON *r;
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(resp, "revisions"))
	{
		const char *id = jstr(r, "revision");
		if (!id)
			continue;
		struct rev *rev = rev_graph_add(g, id, jstr(r, "path"));
		rev->doc = jdup(r, "doc");
		rev->one_way = jtrue(r, "one_way");
		jstrings(r, "down_revisions", &rev->down);
		jstrings(r, "depends_on", &rev->depends);
		jstrings(r, "branch_labels", &rev->branch_labels);
	}
	return rev_graph_validate(g);
}

int driver_graph(struct driver *d, struct rev_graph *g)
{
	enum step_status st;
	cJSON *resp = call(d, request("graph"), "reading the revision graph", NULL, &st);
	const char *type = resp ? jstr(jerror(resp), "type") : NULL;
	bool no_versions = type && !strcmp(type, "NoVersionsFolder");
	int ret = !resp               ? -1
	          : jtrue(resp, "ok") ? add_revisions(resp, g)
	                              : python_error(resp, EXIT_USAGE,
	                                             no_versions ? "create it, or fix script_location or "
	                                                           "version_locations in alembic.ini"
	                                                         : "fix the revision file, then run again",
	                                             "cannot load the revision graph");
	cJSON_Delete(resp);
	return ret;
}

/* A request whose answer is a list of strings under key. */
static int string_request(struct driver *d, const char *op, const char *key, const char *what, enum gate_exit code,
                          struct strlist *out)
{
	enum step_status st;
	cJSON *resp = call(d, request(op), what, NULL, &st);
	int ret = !resp ? -1 : jtrue(resp, "ok") ? 0 : python_error(resp, code, NULL, what);
	if (!ret)
		jstrings(resp, key, out);
	cJSON_Delete(resp);
	return ret;
}

int driver_heads(struct driver *d, struct strlist *out)
{
	return string_request(d, "heads", "heads", "reading the heads", EXIT_USAGE, out);
}

int driver_current(struct driver *d, struct strlist *rows)
{
	return string_request(d, "current", "rows", "reading alembic_version", EXIT_ENV, rows);
}

/* Runs a step request: out is filled, and the response returned (caller deletes) or NULL when the driver is gone. */
static cJSON *step_call(struct driver *d, cJSON *req, const char *step, const char *rev, struct step_result *out)
{
	cJSON *resp = call(d, req, step, rev, &out->status);
	if (!resp)
		set_error(out, out->status == STEP_TIMEOUT ? "Timeout" : "DriverDied",
		          d->last_error ? d->last_error : "the alembic driver is no longer running", NULL, 0);
	else
		fill_step(out, resp);
	return resp;
}

static int run_step(struct driver *d, cJSON *req, const char *step, const char *rev, struct step_result *out)
{
	if (d->hold_commits)
		cJSON_AddTrueToObject(req, "hold_commits");
	d->hold_commits = false;
	if (d->session)
		cJSON_AddItemToObject(req, "session", d->session);
	d->session = NULL;
	cJSON *resp = step_call(d, req, step, rev, out);
	int ret = resp ? 0 : -1;
	cJSON_Delete(resp);
	return ret;
}

void driver_hold_commits(struct driver *d, bool on)
{
	d->hold_commits = on;
}

void driver_chain_upgrades(struct driver *d, bool on)
{
	d->chain = on;
}

int driver_upgrade(struct driver *d, const char *rev, struct step_result *out)
{
	cJSON *req = request("upgrade");
	cJSON_AddStringToObject(req, "rev", rev);
	if (d->chain)
		cJSON_AddTrueToObject(req, "chain");
	return run_step(d, req, "upgrade", rev, out);
}

int driver_downgrade(struct driver *d, const char *rev, const char *target, struct step_result *out)
{
	cJSON *req = request("downgrade");
	cJSON_AddStringToObject(req, "rev", rev);
	if (target)
		cJSON_AddStringToObject(req, "target", target);
	return run_step(d, req, "downgrade", rev, out);
}

int driver_offline_sql(struct driver *d, const char *range, struct buf *out, struct step_result *result)
{
	struct step_result local;
	struct step_result *r = result ? result : &local;
	step_result_init(&local);
	cJSON *req = request("offline-sql");
	cJSON_AddStringToObject(req, "range", range);
	cJSON *resp = step_call(d, req, "offline SQL", range, r);
	int ret = resp ? 0 : -1;
	if (resp && r->status == STEP_OK)
		buf_adds(out, jstr(resp, "sql") ? jstr(resp, "sql") : "");
	else if (resp && !result)
		ret = python_error(resp, EXIT_USAGE,
		                   "offline mode cannot run migrations that read rows; use the driver's "
		                   "online replay instead",
		                   "cannot produce offline SQL");
	cJSON_Delete(resp);
	step_result_release(&local);
	return ret;
}

int driver_model_drift(struct driver *d, bool *has_metadata, struct strlist *summaries, struct strlist *code,
                       struct step_result *result)
{
	cJSON *resp = step_call(d, request("model-drift"), "model comparison", "heads", result);
	const cJSON *diff, *diffs = NULL;
	*has_metadata = resp && jtrue(resp, "has_metadata");
	if (resp && result->status == STEP_OK)
		diffs = cJSON_GetObjectItemCaseSensitive(resp, "diffs");
	cJSON_ArrayForEach(diff, diffs)
	{
		strlist_add(summaries, jstr(diff, "summary") ? jstr(diff, "summary") : "?");
		strlist_add(code, jstr(diff, "code") ? jstr(diff, "code") : "");
	}
	int ret = resp ? 0 : -1;
	cJSON_Delete(resp);
	return ret;
}
