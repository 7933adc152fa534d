/*
 * Fuzz target for the lint engine: any bytes go through lint_unit(), which
 * must never crash, hang or leak, whatever the input.
 *
 * Built two ways from this one file:
 *  - with -DMIGRATE_GATE_FUZZ=ON (clang, -fsanitize=fuzzer): a libFuzzer
 *    binary, FUZZ_LIBFUZZER is defined and libFuzzer provides main();
 *  - otherwise: a replay driver whose main() feeds every file of the folders
 *    (or files) on its command line through the same target, so the corpus
 *    and every crash ever found are regression tests under plain ctest.
 *
 * An input that starts with "-- stmts\n" is split on "\n-- next\n" into
 * executed statements (the Alembic path, lint_unit's stmts), and a statement
 * that starts with "-- autocommit\n" ran outside a transaction.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint/lint.h"
#include "util/error.h"
#include "util/log.h"
#include "util/mem.h"

#ifndef FUZZ_LIBFUZZER
#include <dirent.h>
#include <sys/stat.h>

#include "util/buf.h"
#include "util/fs.h"
#include "util/strset.h"
#endif

#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define STMTS_MARK "-- stmts\n"
#define NEXT_MARK "\n-- next\n"
#define AUTOCOMMIT_MARK "-- autocommit\n"

/* Recorded errors are printed and forgotten, out of sight, so they never pile up. */
static void forget_errors(void)
{
	static FILE *devnull;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	if (!devnull)
		return;
	FILE *saved = stderr;
	stderr = devnull;
	gate_error_flush();
	stderr = saved;
}

static size_t split_stmts(const char *text, struct lint_input_stmt **out)
{
	size_t n = 0, alloc = 0;
	const char *p = text;
	for (;;) {
		const char *next = strstr(p, NEXT_MARK);
		size_t len = next ? (size_t)(next - p) : strlen(p);
		bool autocommit = !strncmp(p, AUTOCOMMIT_MARK, strlen(AUTOCOMMIT_MARK));
		XGROW(*out, alloc, n + 1);
		(*out)[n++] = (struct lint_input_stmt){p, len, autocommit};
		if (!next)
			return n;
		p = next + strlen(NEXT_MARK);
	}
}

/* A finding points inside the text it is about (text_len: SIZE_MAX when unknown). */
static bool finding_ok(const struct finding *f, size_t text_len)
{
	if (!f->rule || !f->message || !f->file || !f->source_line || !f->line || !f->column)
		return false;
	if (f->end_line < f->line || (f->end_line == f->line && f->end_column < f->column))
		return false;
	return text_len == SIZE_MAX || (f->offset <= text_len && f->length <= text_len - f->offset);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	/* Inputs with a NUL inside stand for binary files: lint_unit sees all their bytes. */
	struct lint_config cfg = {15, size % 2 == 0, NULL, NULL, NULL, false, 0};
	struct lint_unit unit = {"fuzz.sql", text, size, NULL, NULL, 0, NULL};
	struct lint_input_stmt *stmts = NULL;
	if (!strncmp(text, STMTS_MARK, strlen(STMTS_MARK))) {
		unit.text = NULL;
		unit.len = 0;
		unit.revision = "f00d";
		unit.n_stmts = split_stmts(text + strlen(STMTS_MARK), &stmts);
		unit.stmts = stmts;
	}
	struct report r;
	report_init(&r);
	lint_unit(&cfg, &unit, &r);
	report_sort(&r);
	for (size_t i = 0; i < r.n; i++) /* every finding must be well formed */
		if (!finding_ok(&r.items[i], unit.text ? size : SIZE_MAX))
			abort();
	report_release(&r);
	free(stmts);
	free(text);
	forget_errors();
	return 0;
}

#ifndef FUZZ_LIBFUZZER
static int replay_file(const char *path)
{
	struct buf b = BUF_INIT;
	int rc = fs_read_file(path, &b);
	if (!rc)
		LLVMFuzzerTestOneInput((const uint8_t *)b.data, b.len);
	buf_release(&b);
	return rc;
}

/* Every regular file directly in dir, sorted, whatever its name. */
static int list_dir(const char *dir, struct strlist *out)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			struct buf full = BUF_INIT;
			buf_addf(&full, "%s/%s", dir, e->d_name);
			strlist_add_owned(out, buf_detach(&full));
		}
	closedir(d);
	strlist_sort(out);
	return 0;
}

int main(int argc, char **argv)
{
	struct strlist files = STRLIST_INIT;
	int failed = 0;
	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR|FILE ...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) ||
		    (S_ISDIR(st.st_mode) ? list_dir(argv[i], &files) : (strlist_add(&files, argv[i]), 0))) {
			fprintf(stderr, "error: cannot read '%s'\n", argv[i]);
			failed = 1;
		}
	}
	for (size_t i = 0; i < files.n; i++)
		if (replay_file(files.items[i])) {
			gate_error_flush();
			failed = 1;
		}
	printf("replayed %zu input(s)\n", files.n);
	if (!files.n)
		failed = 1; /* an empty corpus would pass without testing anything */
	strlist_release(&files);
	return failed;
}
#endif
