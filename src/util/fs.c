#include "util/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static const char *kind_of(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a folder";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISSOCK(mode))
		return "a socket";
	return "a special file";
}

static int not_regular(const char *name, mode_t mode)
{
	return gate_error(EXIT_USAGE, "lint regular .sql files, folders of them, or - for stdin",
	                  "'%s' is %s, not a regular file", name, kind_of(mode));
}

static int too_large(const char *name, size_t max)
{
	return gate_error(EXIT_USAGE, "split the file, or raise the limit (e.g. --max-file-size 256M)",
	                  "'%s' is larger than --max-file-size (%zu bytes)", name, max);
}

static int cannot_open(const char *name, int err)
{
	return gate_error(EXIT_USAGE, "check the path and its permissions", "cannot open '%s': %s", name,
	                  strerror(err));
}

/* Reads fd to its end, but never more than max bytes: stdin may be /dev/zero. */
static int read_fd(int fd, const char *name, size_t max, struct buf *out)
{
	char chunk[65536];
	for (;;) {
		if (out->len > max)
			return too_large(name, max);
		size_t want = max - out->len + 1 < sizeof(chunk) ? max - out->len + 1 : sizeof(chunk);
		ssize_t n = read(fd, chunk, want);
		if (n < 0 && errno == EAGAIN) { /* a non-blocking pipe handed to us as stdin */
			struct pollfd p = {fd, POLLIN, 0};
			poll(&p, 1, -1);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return gate_error(EXIT_USAGE, "check that the file is readable", "cannot read '%s': %s", name,
			                  strerror(errno));
		if (n == 0)
			break;
		buf_add(out, chunk, (size_t)n);
	}
	buf_add(out, "", 0); /* NUL-terminated, and never NULL, even when empty */
	return 0;
}

int fs_read_input(const char *path, size_t max, struct buf *out)
{
	struct stat st;
	if (!strcmp(path, "-")) {
		if (!fstat(STDIN_FILENO, &st) && S_ISDIR(st.st_mode))
			return not_regular("<stdin>", st.st_mode);
		return read_fd(STDIN_FILENO, "<stdin>", max, out);
	}
	/* stat before open: opening a FIFO blocks, and opening a device can have effects of its own. */
	if (stat(path, &st))
		return cannot_open(path, errno);
	if (!S_ISREG(st.st_mode))
		return not_regular(path, st.st_mode);
	if ((uintmax_t)st.st_size > max)
		return too_large(path, max);
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return cannot_open(path, errno);
	int rc;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) { /* swapped since the stat */
		rc = not_regular(path, st.st_mode);
		goto out;
	}
	if (st.st_size > 0)
		XGROW(out->data, out->alloc, (size_t)st.st_size + 1);
	rc = read_fd(fd, path, max, out);
out:
	close(fd);
	return rc;
}

int fs_read_file(const char *path, struct buf *out)
{
	return fs_read_input(path, FS_MAX_FILE_SIZE_DEFAULT, out);
}

int fs_is_dir(const char *path)
{
	struct stat st;
	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

void fs_inputs_init(struct fs_inputs *in)
{
	strlist_init(&in->paths);
	strset_init(&in->seen);
}

void fs_inputs_release(struct fs_inputs *in)
{
	strlist_release(&in->paths);
	strset_release(&in->seen);
}

/* True the first time a file or folder is met, by device and inode. */
static bool first_time(struct fs_inputs *in, const struct stat *st)
{
	char key[64];
	snprintf(key, sizeof(key), "%" PRIuMAX ":%" PRIuMAX, (uintmax_t)st->st_dev, (uintmax_t)st->st_ino);
	return strset_add(&in->seen, key);
}

static int has_sql_suffix(const char *name)
{
	size_t n = strlen(name);
	return n > 4 && !strcmp(name + n - 4, ".sql");
}

static int walk(struct fs_inputs *in, const char *dir);

/* One entry of a folder being walked. */
static int walk_entry(struct fs_inputs *in, const char *path, const char *name)
{
	struct stat st;
	if (stat(path, &st)) {
		/* A dangling link is left to the reader, which says why it cannot be opened. */
		if (has_sql_suffix(name))
			strlist_add(&in->paths, path);
		else if (errno != ENOENT && errno != ELOOP)
			return cannot_open(path, errno);
		return 0;
	}
	if (S_ISDIR(st.st_mode))
		return first_time(in, &st) ? walk(in, path) : 0;
	if (has_sql_suffix(name) && first_time(in, &st))
		strlist_add(&in->paths, path);
	return 0;
}

static int walk(struct fs_inputs *in, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return gate_error(EXIT_USAGE, "check the folder's permissions; the rest was still linted",
		                  "cannot open folder '%s': %s", dir, strerror(errno));
	struct strlist names = STRLIST_INIT;
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			strlist_add(&names, e->d_name);
	closedir(d);
	strlist_sort(&names);
	int rc = 0;
	/* One unreadable folder does not hide its siblings. */
	for (size_t i = 0; i < names.n; i++) {
		struct buf full = BUF_INIT;
		buf_addf(&full, "%s/%s", dir, names.items[i]);
		rc |= walk_entry(in, full.data, names.items[i]);
		buf_release(&full);
	}
	strlist_release(&names);
	return rc;
}

int fs_inputs_add(struct fs_inputs *in, const char *path)
{
	struct stat st;
	if (!strcmp(path, "-")) {
		strlist_add(&in->paths, path);
		return 0;
	}
	if (stat(path, &st)) {
		if (errno == ENOENT || errno == ENOTDIR)
			return gate_error(EXIT_USAGE, "pass an existing .sql file, a folder of them, or - for stdin",
			                  "no such file or folder '%s'", path);
		return cannot_open(path, errno);
	}
	if (!first_time(in, &st))
		return 0;
	if (!S_ISDIR(st.st_mode)) {
		strlist_add(&in->paths, path);
		return 0;
	}
	size_t trimmed = strlen(path);
	while (trimmed > 1 && path[trimmed - 1] == '/')
		trimmed--;
	char *dir = xstrndup(path, trimmed);
	int rc = walk(in, dir);
	free(dir);
	return rc;
}
