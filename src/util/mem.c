#include "util/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/banned.h"

static void *check(void *p, size_t n)
{
	if (!p && n) {
		fputs("migrate-gate: fatal: out of memory\n", stderr);
		abort();
	}
	return p;
}

void *xmalloc(size_t n)
{
	return check(malloc(n ? n : 1), n);
}

void *xcalloc(size_t count, size_t size)
{
	return check(calloc(count ? count : 1, size ? size : 1), count * size);
}

void *xrealloc(void *p, size_t n)
{
	return check(realloc(p, n ? n : 1), n);
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *r = xmalloc(n + 1);
	memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

void xgrow(void **items, size_t *alloc, size_t need, size_t elem)
{
	size_t n = *alloc;
	if (need <= n)
		return;
	n = n ? n : 8;
	while (n < need)
		n *= 2;
	*items = xrealloc(*items, n * elem);
	*alloc = n;
}
