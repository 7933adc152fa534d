/*
 * Schema snapshots and their diff on a real server: every case of
 * tests/fixtures/sql/cases/ is applied to a copy of base.sql, and the diff
 * base → case must read exactly as the case's "-- expect:" lines.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "apply/scope.h"
#include "pg/conn.h"
#include "pg/diff.h"
#include "pg/scratch.h"
#include "pg/snapshot.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strset.h"

static struct scratch *server;
static char fixtures[1024];

static void run_psql(const char *db, const char *file)
{
	const struct scratch_target *t = scratch_target(server);
	char cmd[4096];
	snprintf(cmd, sizeof cmd,
	         "'%s/psql' -X -q -v ON_ERROR_STOP=1 -d 'host=%s port=%s user=%s dbname=%s' -f '%s' >/dev/null 2>&1",
	         scratch_bindir(server), t->host, t->port, t->user, db, file);
	if (system(cmd) != 0)
		fail_msg("psql failed: %s", cmd);
}

static PGconn *connect_db(const char *db)
{
	const struct scratch_target *t = scratch_target(server);
	char dsn[1024];
	PGconn *c = NULL;
	snprintf(dsn, sizeof dsn, "host=%s port=%s user=%s dbname=%s", t->host, t->port, t->user, db);
	if (pg_connect(dsn, false, &c) < 0) {
		gate_error_flush();
		fail_msg("cannot connect to %s", db);
	}
	return c;
}

static void exec_sql(const char *db, const char *sql)
{
	PGconn *c = connect_db(db);
	int rc = pg_exec(c, NULL, sql);
	if (rc < 0)
		gate_error_flush();
	assert_int_equal(rc, 0);
	pg_disconnect(c);
}

static int setup(void **state)
{
	(void)state;
	struct scratch_options o = {NULL, NULL, NULL, false};
	const char *src = getenv("MIGRATE_GATE_SRC");
	snprintf(fixtures, sizeof fixtures, "%s/tests/fixtures/sql", src ? src : ".");
	if (scratch_start(&o, &server) < 0) {
		gate_error_flush();
		return -1;
	}
	char base[1100];
	snprintf(base, sizeof base, "%s/base.sql", fixtures);
	exec_sql("postgres", "CREATE DATABASE base");
	run_psql("base", base);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	scratch_free(server);
	return 0;
}

static void take(const char *db, struct snapshot *s)
{
	PGconn *c = connect_db(db);
	int rc = snapshot_take(c, s);
	if (rc < 0)
		gate_error_flush();
	assert_int_equal(rc, 0);
	pg_disconnect(c);
}

static void expected_lines(const char *path, struct strlist *out)
{
	struct buf text = BUF_INIT;
	assert_int_equal(fs_read_file(path, &text), 0);
	for (const char *p = buf_str(&text); p && *p;) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (!strncmp(p, "-- expect: ", 11)) {
			char *line = strndup(p + 11, len - 11);
			strlist_add(out, line);
			free(line);
		}
		p = end ? end + 1 : NULL;
	}
	buf_release(&text);
}

static unsigned n_scoped, n_scoped_wrong;

/*
 * What apply does after a revision it can bound: the base snapshot with the
 * lines of the case's relations replaced by a scoped snapshot must read
 * exactly as the whole snapshot after the case.
 */
static void ok_scoped(const char *name, const char *path, const char *db, const struct snapshot *base,
                      const struct snapshot *whole)
{
	struct buf text = BUF_INIT;
	struct scope sc;
	struct strset inherited = STRSET_INIT;
	assert_int_equal(fs_read_file(path, &text), 0);
	scope_init(&sc);
	scope_add_sql(&sc, buf_str(&text));
	snapshot_inheritance(base, &inherited);
	scope_check_inherited(&sc, &inherited);
	if (!sc.whole) {
		struct snapshot state = SNAPSHOT_INIT, scoped = SNAPSHOT_INIT;
		PGconn *c = connect_db(db);
		assert_int_equal(snapshot_take_scoped(c, &sc.names, &scoped), 0);
		pg_disconnect(c);
		for (size_t i = 0; i < base->lines.n; i++) {
			strlist_add(&state.lines, base->lines.items[i]);
			const char *owner = strset_get(&base->owners, base->lines.items[i]);
			if (owner)
				strset_put(&state.owners, base->lines.items[i], owner);
		}
		snapshot_patch(&state, &sc.names, &scoped);
		n_scoped++;
		if (!snapshot_equal(&state, whole)) {
			n_scoped_wrong++;
			struct diff d = DIFF_INIT;
			diff_snapshots(whole, &state, &d);
			for (size_t i = 0; i < d.n; i++) {
				char *got = diff_entry_describe(&d.items[i]);
				print_error("%s: the scoped snapshot differs from the whole one: %s\n", name, got);
				free(got);
			}
			diff_release(&d);
		}
		snapshot_release(&state);
		snapshot_release(&scoped);
	}
	scope_release(&sc);
	strset_release(&inherited);
	buf_release(&text);
}

static bool check_case(const char *name, const struct snapshot *base)
{
	char path[1200], db[300], sql[400];
	struct snapshot s = SNAPSHOT_INIT;
	struct diff d = DIFF_INIT;
	struct strlist want = STRLIST_INIT;
	snprintf(path, sizeof path, "%s/cases/%s", fixtures, name);
	snprintf(db, sizeof db, "case_%.*s", (int)(strlen(name) - 4), name);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE base", db);
	exec_sql("postgres", sql);
	run_psql(db, path);
	take(db, &s);
	ok_scoped(name, path, db, base, &s);
	diff_snapshots(base, &s, &d);
	expected_lines(path, &want);
	bool ok = d.n == want.n;
	for (size_t i = 0; i < d.n; i++) {
		char *got = diff_entry_describe(&d.items[i]);
		bool same = i < want.n && !strcmp(got, want.items[i]);
		if (!same)
			print_error("%s: entry %zu\n   got: %s\n  want: %s\n", name, i, got,
			            i < want.n ? want.items[i] : "(nothing)");
		ok = ok && same;
		free(got);
	}
	if (d.n != want.n)
		print_error("%s: %zu entries, want %zu\n", name, d.n, want.n);
	snapshot_release(&s);
	diff_release(&d);
	strlist_release(&want);
	return ok;
}

static void test_fixture_cases(void **state)
{
	(void)state;
	char dir[1100];
	struct strlist names = STRLIST_INIT;
	struct snapshot base = SNAPSHOT_INIT;
	snprintf(dir, sizeof dir, "%s/cases", fixtures);
	DIR *d = opendir(dir);
	assert_non_null(d);
	for (struct dirent *e; (e = readdir(d));)
		if (strlen(e->d_name) > 4 && !strcmp(e->d_name + strlen(e->d_name) - 4, ".sql"))
			strlist_add(&names, e->d_name);
	closedir(d);
	strlist_sort(&names);
	assert_true(names.n >= 15);
	take("base", &base);
	unsigned failed = 0;
	for (size_t i = 0; i < names.n; i++)
		failed += !check_case(names.items[i], &base);
	print_message("%zu snapshot cases, %u failed; %u scoped, %u of them wrong\n", names.n, failed, n_scoped,
	              n_scoped_wrong);
	assert_int_equal(failed, 0);
	assert_int_equal(n_scoped_wrong, 0);
	assert_true(n_scoped >= 8);
	snapshot_release(&base);
	strlist_release(&names);
}

static bool has_line_prefix(const struct snapshot *s, const char *prefix)
{
	for (size_t i = 0; i < s->lines.n; i++)
		if (!strncmp(s->lines.items[i], prefix, strlen(prefix)))
			return true;
	return false;
}

/* The base schema's objects are all there, sorted, and alembic_version is not. */
static void test_base_snapshot(void **state)
{
	(void)state;
	struct snapshot s = SNAPSHOT_INIT, again = SNAPSHOT_INIT;
	take("base", &s);
	for (size_t i = 1; i < s.lines.n; i++)
		assert_true(strcmp(s.lines.items[i - 1], s.lines.items[i]) < 0);
	for (size_t i = 0; i < s.lines.n; i++)
		assert_null(strstr(s.lines.items[i], "alembic_version"));
	assert_true(has_line_prefix(&s, "schema\taudit"));
	assert_true(has_line_prefix(&s, "table\taudit.events\tpartitioned table\tlogged\tRANGE (at)"));
	assert_true(has_line_prefix(&s, "table\taudit.events_2025\ttable\tlogged\t\taudit.events\tFOR VALUES FROM "
	                                "('2025-01-01') TO ('2026-01-01')"));
	assert_true(has_line_prefix(&s, "column\tassemblies.id\tbigint\tnot null\t\tby default\t\t\t1"));
	assert_true(has_line_prefix(&s, "column\tgenome_notes.words\tinteger\tnull\t\t\tlength(body) stored\t\t6"));
	assert_true(has_line_prefix(&s, "column\tsamples.tag\tcharacter varying(20)\tnull\t\t\t\tpg_catalog.\"C\"\t5"));
	assert_true(has_line_prefix(&s, "constraint\tassemblies.assemblies_accession_key\tUNIQUE (accession)"));
	assert_true(has_line_prefix(&s, "domain\taccession\ttext\tnull\t\t\taccession_check CHECK"));
	assert_true(has_line_prefix(&s, "enum\tnote_status\t'draft', 'review', 'published'"));
	assert_true(has_line_prefix(&s, "extension\tpg_trgm\t"));
	assert_true(has_line_prefix(&s, "function\ttouch()\tCREATE OR REPLACE FUNCTION public.touch()\\n"));
	assert_true(
	    has_line_prefix(&s, "trigger\tassemblies.assemblies_touch\tCREATE TRIGGER assemblies_touch BEFORE"));
	assert_true(
	    has_line_prefix(&s, "sequence\tsamples_id_seq\tinteger\t1\t1\t1\t2147483647\t1\tno cycle\tsamples.id"));
	assert_true(has_line_prefix(&s, "grant\ttable genome_notes\treader SELECT"));
	assert_true(has_line_prefix(&s, "comment\ttable genome_notes\tPublished genome notes"));
	/* Nothing of pg_trgm's own functions or types. */
	assert_false(has_line_prefix(&s, "function\tsimilarity("));
	take("base", &again);
	assert_true(snapshot_equal(&s, &again));
	snapshot_release(&s);
	snapshot_release(&again);
}

/* A project with version_table="schema_versions": that table is left out instead of alembic_version. */
static void test_custom_version_table(void **state)
{
	(void)state;
	struct snapshot s = SNAPSHOT_INIT;
	exec_sql("postgres", "CREATE DATABASE versions TEMPLATE base");
	exec_sql("versions", "CREATE TABLE schema_versions (version_num varchar(32) PRIMARY KEY)");
	s.version_table = "schema_versions";
	take("versions", &s);
	assert_string_equal(s.version_table, "schema_versions");
	for (size_t i = 0; i < s.lines.n; i++)
		assert_null(strstr(s.lines.items[i], "schema_versions"));
	assert_true(has_line_prefix(&s, "table\talembic_version\t"));
	snapshot_release(&s);
}

static void test_rewrites(void **state)
{
	(void)state;
	struct strlist before = STRLIST_INIT, after = STRLIST_INIT, rewritten = STRLIST_INIT;
	exec_sql("postgres", "CREATE DATABASE rewrites TEMPLATE base");
	PGconn *c = connect_db("rewrites");
	assert_int_equal(snapshot_relfilenodes(c, &before), 0);
	assert_true(before.n > 5);
	/* A type change rewrites the table and its indexes; adding a nullable column rewrites nothing. */
	assert_int_equal(pg_exec(c, NULL,
	                         "ALTER TABLE samples ALTER COLUMN weight TYPE double precision; "
	                         "ALTER TABLE assemblies ADD COLUMN note text"),
	                 0);
	assert_int_equal(snapshot_relfilenodes(c, &after), 0);
	snapshot_rewritten(&before, &after, &rewritten);
	assert_int_equal(rewritten.n, 2);
	assert_string_equal(rewritten.items[0], "index\tsamples.samples_pkey");
	assert_string_equal(rewritten.items[1], "table\tsamples");
	pg_disconnect(c);
	strlist_release(&before);
	strlist_release(&after);
	strlist_release(&rewritten);
}

static void test_inside_transaction(void **state)
{
	(void)state;
	struct snapshot s = SNAPSHOT_INIT;
	PGconn *c = connect_db("base");
	assert_int_equal(pg_exec(c, NULL, "BEGIN"), 0);
	assert_int_equal(snapshot_take(c, &s), -1);
	assert_non_null(strstr(gate_error_message(0), "inside a transaction"));
	gate_error_flush();
	assert_int_equal(pg_exec(c, NULL, "ROLLBACK; SET search_path = audit"), 0);
	/* The session's search_path does not change the result, and the connection stays usable. */
	struct snapshot ref = SNAPSHOT_INIT;
	take("base", &ref);
	assert_int_equal(snapshot_take(c, &s), 0);
	assert_true(snapshot_equal(&s, &ref));
	char *v = NULL;
	assert_int_equal(pg_query_value(c, NULL, "SELECT current_setting('search_path')", &v), 0);
	assert_string_equal(v, "audit");
	free(v);
	pg_disconnect(c);
	snapshot_release(&s);
	snapshot_release(&ref);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_timing(void **state)
{
	(void)state;
	struct snapshot s = SNAPSHOT_INIT;
	PGconn *c = connect_db("base");
	double t0 = now();
	assert_int_equal(snapshot_take(c, &s), 0);
	double first = now() - t0;
	t0 = now();
	for (int i = 0; i < 10; i++)
		assert_int_equal(snapshot_take(c, &s), 0);
	print_message("snapshot of %zu objects: first %.1f ms (prepares), then %.1f ms each\n", s.lines.n, first * 1000,
	              (now() - t0) * 100);
	pg_disconnect(c);
	snapshot_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_base_snapshot),        cmocka_unit_test(test_fixture_cases),
	    cmocka_unit_test(test_custom_version_table), cmocka_unit_test(test_rewrites),
	    cmocka_unit_test(test_inside_transaction),   cmocka_unit_test(test_timing),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
