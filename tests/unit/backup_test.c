/*
 * src/backup without a database: archive names and their parsing for retention, the manifest's
 * JSON round trip, and the archive writer and reader: a stream of unknown length stored as parts
 * in each format, read back whole, with truncation and foreign archives refused.
 */
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "backup/archive.h"
#include "backup/internal.h"
#include "backup/manifest.h"
#include "quiet_errors.h"
#include "util/sha256.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/backup_test.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_names(void **state)
{
	(void)state;
	struct strlist revs = STRLIST_INIT;
	time_t when = 1764585563; /* 2025-12-01T10:39:23Z */
	char *n = backup_archive_name("app", when, &revs, ARCHIVE_TAR_ZST);
	assert_string_equal(n, "app-20251201T103923Z-base.tar.zst");
	free(n);
	strlist_add(&revs, "3f2a");
	strlist_add(&revs, "b/../x");
	n = backup_archive_name("my db-2", when, &revs, ARCHIVE_ZIP);
	assert_string_equal(n, "my_db_2-20251201T103923Z-3f2a+b_.._x.zip");
	time_t got = 0;
	assert_true(backup_name_matches(n, "my db-2", &got));
	assert_int_equal(got, when);
	assert_false(backup_name_matches(n, "my", &got));
	assert_false(backup_name_matches("app-20251201T103923Z-r1.tar.zst.sha256", "app", &got));
	assert_false(backup_name_matches("app-20251201T103923Z-r1.tar.zst.failed", "app", &got));
	/* "app-2" is named app_2: its archives never look like those of "app". */
	assert_false(backup_name_matches("app_2-20251201T103923Z-r1.tar.zst", "app", &got));
	assert_true(backup_name_matches("app_2-20251201T103923Z-r1.tar.zst", "app-2", &got));
	free(n);
	strlist_release(&revs);
}

static void fill_manifest(struct manifest *m)
{
	manifest_init(m);
	m->tool_version = strdup("0.1.0");
	m->created_at = strdup("2025-12-01T10:39:23Z");
	m->database = strdup("app");
	m->host = strdup("db.internal");
	m->server_version = strdup("15.4");
	m->server_major = 15;
	m->version_table = 1;
	strlist_add(&m->revisions, "3f2a");
	strlist_add(&m->pending, "4b1c");
	m->dump_bytes = 12345;
	m->dump_parts = 2;
	memset(m->dump_sha256, 'a', SHA256_HEX_LEN);
	struct manifest_table *t = manifest_add_table(m);
	t->name = strdup("account");
	t->ident = strdup("\"public\".\"account\"");
	t->reltuples = 1000;
	t->bytes = 65536;
	t->rows = 998;
}

static void test_manifest_round_trip(void **state)
{
	(void)state;
	struct manifest m, back;
	fill_manifest(&m);
	manifest_init(&back);
	char *json = manifest_to_json(&m);
	assert_null(strstr(json, "password"));
	assert_int_equal(manifest_parse(json, strlen(json), "x", &back), 0);
	assert_string_equal(back.database, "app");
	assert_string_equal(back.revisions.items[0], "3f2a");
	assert_string_equal(back.pending.items[0], "4b1c");
	assert_int_equal(back.dump_parts, 2);
	assert_int_equal(back.tables[0].rows, 998);
	assert_string_equal(back.dump_sha256, m.dump_sha256);
	assert_int_equal(manifest_parse("{\"kind\": \"other\"}", 17, "x.tar", &back), -1);
	assert_non_null(strstr(gate_error_message(0), "'x.tar' is not a migrate-gate backup"));
	forget_errors();
	free(json);
	manifest_release(&m);
	manifest_release(&back);
}

struct feeder {
	int fd;
	size_t bytes;
};

/* Writes a deterministic stream of unknown length into a pipe, as pg_dump would. */
static void *feed(void *arg)
{
	struct feeder *f = arg;
	char block[4096];
	for (size_t done = 0; done < f->bytes;) {
		size_t n = f->bytes - done < sizeof(block) ? f->bytes - done : sizeof(block);
		for (size_t i = 0; i < n; i++)
			block[i] = (char)((done + i) * 2654435761u >> 13);
		if (write(f->fd, block, n) != (ssize_t)n)
			break;
		done += n;
	}
	close(f->fd);
	return NULL;
}

static void write_archive(const char *path, enum archive_kind k, size_t bytes, size_t part, struct stream_stats *st)
{
	struct archive_writer *w = NULL;
	struct manifest m;
	int p[2];
	pthread_t t;
	char sha[SHA256_HEX_LEN + 1];
	uint64_t size;
	assert_int_equal(pipe(p), 0);
	struct feeder f = {p[1], bytes};
	assert_int_equal(archive_writer_open(path, k, &w), 0);
	pthread_create(&t, NULL, feed, &f);
	assert_int_equal(archive_writer_add_stream(w, p[0], part, NULL, NULL, st), 0);
	pthread_join(t, NULL);
	close(p[0]);
	fill_manifest(&m);
	m.dump_bytes = st->bytes;
	m.dump_parts = st->parts;
	memcpy(m.dump_sha256, st->sha256, sizeof(m.dump_sha256));
	char *json = manifest_to_json(&m);
	assert_int_equal(archive_writer_add(w, MANIFEST_NAME, json, strlen(json)), 0);
	assert_int_equal(archive_writer_close(w, sha, &size), 0);
	char file_sha[SHA256_HEX_LEN + 1];
	uint64_t file_size;
	assert_int_equal(sha256_file(path, file_sha, &file_size), 0);
	assert_string_equal(sha, file_sha);
	assert_int_equal(size, file_size);
	archive_writer_free(w);
	manifest_release(&m);
	free(json);
}

static void round_trip(enum archive_kind k)
{
	char path[128];
	struct stream_stats st;
	struct archive_scan scan;
	snprintf(path, sizeof(path), "%s/a.%s", dir, archive_kind_ext(k));
	unlink(path);
	/* 2.5 parts: two full ones and a short one. */
	write_archive(path, k, 250000, 100000, &st);
	assert_int_equal(st.parts, 3);
	assert_int_equal(st.bytes, 250000);
	archive_scan_init(&scan);
	assert_int_equal(archive_read_backup(path, -1, &scan), 0);
	assert_int_equal(scan.parts, 3);
	assert_int_equal(scan.dump_bytes, 250000);
	assert_string_equal(scan.dump_sha256, st.sha256);
	assert_string_equal(scan.manifest.database, "app");
	/* Streamed out: the bytes are the stream's. */
	char out[160];
	snprintf(out, sizeof(out), "%s/out.dump", dir);
	int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_int_equal(archive_read_backup(path, fd, &scan), 0);
	close(fd);
	char sha[SHA256_HEX_LEN + 1];
	uint64_t size;
	assert_int_equal(sha256_file(out, sha, &size), 0);
	assert_string_equal(sha, st.sha256);
	assert_int_equal(size, 250000);
	archive_scan_release(&scan);
}

static void test_round_trip_tar_zst(void **state)
{
	(void)state;
	round_trip(ARCHIVE_TAR_ZST);
}

static void test_round_trip_tar_gz(void **state)
{
	(void)state;
	round_trip(ARCHIVE_TAR_GZ);
}

static void test_round_trip_zip(void **state)
{
	(void)state;
	round_trip(ARCHIVE_ZIP);
}

static void test_truncated_and_existing(void **state)
{
	(void)state;
	char path[128], cut[160];
	struct stream_stats st;
	struct archive_scan scan;
	archive_scan_init(&scan);
	snprintf(path, sizeof(path), "%s/t.tar.zst", dir);
	write_archive(path, ARCHIVE_TAR_ZST, 300000, 100000, &st);
	/* The writer never overwrites. */
	struct archive_writer *w = NULL;
	assert_int_equal(archive_writer_open(path, ARCHIVE_TAR_ZST, &w), -1);
	forget_errors();
	snprintf(cut, sizeof(cut), "%s/cut.tar.zst", dir);
	char cmd[400], sha[SHA256_HEX_LEN + 1];
	uint64_t size;
	assert_int_equal(sha256_file(path, sha, &size), 0);
	snprintf(cmd, sizeof(cmd), "head -c %llu '%s' > '%s'", (unsigned long long)size / 2, path, cut);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(archive_read_backup(cut, -1, &scan), -1);
	assert_non_null(strstr(gate_error_message(0), "is not a readable migrate-gate backup"));
	forget_errors();
	archive_scan_release(&scan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_manifest_round_trip),
	    cmocka_unit_test(test_round_trip_tar_zst),
	    cmocka_unit_test(test_round_trip_tar_gz),
	    cmocka_unit_test(test_round_trip_zip),
	    cmocka_unit_test(test_truncated_and_existing),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
