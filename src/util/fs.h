/* Reading inputs from disk: whole files and folders of .sql files. */
#ifndef GATE_UTIL_FS_H
#define GATE_UTIL_FS_H

#include <stdio.h>

#include "util/buf.h"
#include "util/strset.h"

/* The largest input read by default (lint's --max-file-size). */
#define FS_MAX_FILE_SIZE_DEFAULT ((size_t)64 << 20)

/*
 * Reads a whole regular file of at most max bytes into out; "-" is stdin,
 * which may also be a pipe or a device and is read up to the same limit.
 * Anything else (a device, a FIFO, a folder, a socket) is refused without
 * being read and without blocking, and so is a bigger input: each records an
 * error naming the path and returns -1.
 */
int fs_read_input(const char *path, size_t max, struct buf *out);
/* fs_read_input with FS_MAX_FILE_SIZE_DEFAULT. */
int fs_read_file(const char *path, struct buf *out);
/* Reads a whole open stream into out. */
int fs_read_stream(FILE *f, const char *name, struct buf *out);

/* The paths to lint, each file once however many arguments, folders or links lead to it. */
struct fs_inputs {
	struct strlist paths; /* in the order to lint them */
	struct strset seen;   /* "device:inode" of every file and folder taken */
};

void fs_inputs_init(struct fs_inputs *in);
void fs_inputs_release(struct fs_inputs *in);
/*
 * Adds path: "-" or a file (whatever its suffix) as is, a folder's *.sql files
 * recursively in sorted order. A file or folder already taken (same device and
 * inode) is skipped, so links back up a tree end the walk. Records an error and
 * returns -1 when path does not exist, or when a folder below it cannot be
 * read; everything else below it is still added.
 */
int fs_inputs_add(struct fs_inputs *in, const char *path);
/* True when path names an existing directory. */
int fs_is_dir(const char *path);

#endif
