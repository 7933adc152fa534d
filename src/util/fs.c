#include "util/fs.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/error.h"
#include "util/mem.h"

#include "util/banned.h"

int fs_read_stream(FILE *f, const char *name, struct buf *out)
{
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(out, chunk, n);
	if (ferror(f))
		return gate_error(EXIT_USAGE, "check that the file is readable", "cannot read '%s': %s", name,
		                  strerror(errno));
	if (!out->data)
		buf_add(out, "", 0);
	return 0;
}

int fs_read_file(const char *path, struct buf *out)
{
	if (!strcmp(path, "-"))
		return fs_read_stream(stdin, "<stdin>", out);
	FILE *f = fopen(path, "rb");
	if (!f)
		return gate_error(EXIT_USAGE, "check the path and its permissions", "cannot open '%s': %s", path,
		                  strerror(errno));
	struct stat st;
	if (!fstat(fileno(f), &st) && st.st_size > 0)
		XGROW(out->data, out->alloc, (size_t)st.st_size + 1);
	int rc = fs_read_stream(f, path, out);
	fclose(f);
	return rc;
}

int fs_is_dir(const char *path)
{
	struct stat st;
	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

static int has_sql_suffix(const char *name)
{
	size_t n = strlen(name);
	return n > 4 && !strcmp(name + n - 4, ".sql");
}

static int walk(const char *dir, struct strlist *out)
{
	DIR *d = opendir(dir);
	if (!d)
		return gate_error(EXIT_USAGE, "check the folder's permissions", "cannot open folder '%s': %s", dir,
		                  strerror(errno));
	struct strlist names = STRLIST_INIT;
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			strlist_add(&names, e->d_name);
	closedir(d);
	strlist_sort(&names);
	int rc = 0;
	for (size_t i = 0; i < names.n && !rc; i++) {
		struct buf full = BUF_INIT;
		buf_addf(&full, "%s/%s", dir, names.items[i]);
		if (fs_is_dir(full.data))
			rc = walk(full.data, out);
		else if (has_sql_suffix(names.items[i]))
			strlist_add(out, full.data);
		buf_release(&full);
	}
	strlist_release(&names);
	return rc;
}

int fs_collect_sql(const char *path, struct strlist *out)
{
	struct stat st;
	if (!strcmp(path, "-")) {
		strlist_add(out, path);
		return 0;
	}
	if (stat(path, &st))
		return gate_error(EXIT_USAGE, "pass an existing .sql file, a folder of them, or - for stdin",
		                  "no such file or folder '%s'", path);
	if (!S_ISDIR(st.st_mode)) {
		strlist_add(out, path);
		return 0;
	}
	size_t trimmed = strlen(path);
	while (trimmed > 1 && path[trimmed - 1] == '/')
		trimmed--;
	char *dir = xstrndup(path, trimmed);
	int rc = walk(dir, out);
	free(dir);
	return rc;
}
