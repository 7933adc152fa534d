#include "util/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/banned.h"

/*
 * No allocation is possible here, so the message is written as it is (there is
 * nothing in it to mask). exit() still runs the atexit cleanup that stops a
 * scratch server. Exit 3: memory is part of the environment.
 */
static void *check(void *p, size_t n)
{
	static const char msg[] = "error: out of memory\n"
	                          "hint: give migrate-gate more memory (ulimit -v, the CI runner's limit), "
	                          "or fewer or smaller inputs\n";
	if (!p && n) {
		if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
			_exit(3);
		exit(3);
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
