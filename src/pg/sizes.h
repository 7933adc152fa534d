/*
 * Table sizes on production from the catalog only (reltuples and
 * pg_total_relation_size(), never count(*)), for size-aware severity.
 */
#ifndef GATE_PG_SIZES_H
#define GATE_PG_SIZES_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/strset.h"

struct table_size {
	char *name;      /* as the linter names relations: "t", or "schema.t" outside public */
	bool exists;     /* false: no such relation on production (yet) */
	double rows;     /* the planner's estimate (reltuples); -1 when never analysed */
	long long bytes; /* with indexes and TOAST */
};

struct table_sizes {
	struct table_size *items;
	size_t n;
	size_t alloc;
};

#define TABLE_SIZES_INIT                                                                                               \
	{                                                                                                              \
		NULL, 0, 0                                                                                             \
	}

void table_sizes_release(struct table_sizes *s);
/* The entry for name, or NULL. */
const struct table_size *table_sizes_find(const struct table_sizes *s, const char *name);

/*
 * Appends the size of every relation in names (skipping those already in
 * out), in one catalog query. Returns 0 or -1 with a recorded error.
 */
int pg_table_sizes(PGconn *c, const struct strlist *names, struct table_sizes *out);

#endif
