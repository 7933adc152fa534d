/*
 * Allocation wrappers: out of memory is not recoverable here, so they print
 * "error: out of memory" with a hint and exit 3 (an environment error).
 */
#ifndef GATE_UTIL_MEM_H
#define GATE_UTIL_MEM_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Grows *items (of *alloc elements of size elem) so that it holds at least need elements. */
void xgrow(void **items, size_t *alloc, size_t need, size_t elem);
#define XGROW(arr, alloc, need) xgrow((void **)&(arr), &(alloc), (need), sizeof(*(arr)))

#endif
