/* Reading inputs from disk: whole files and folders of .sql files. */
#ifndef GATE_UTIL_FS_H
#define GATE_UTIL_FS_H

#include <stdio.h>

#include "util/buf.h"
#include "util/strset.h"

/* Reads a whole file ("-" is stdin) into out. Records an error and returns -1 on failure. */
int fs_read_file(const char *path, struct buf *out);
/* Reads a whole open stream into out. */
int fs_read_stream(FILE *f, const char *name, struct buf *out);
/*
 * Expands path: a file is added as is, a folder adds its *.sql files
 * recursively in sorted order. Records an error and returns -1 when the path
 * does not exist.
 */
int fs_collect_sql(const char *path, struct strlist *out);
/* True when path names an existing directory. */
int fs_is_dir(const char *path);

#endif
