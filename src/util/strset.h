/* A set of strings (open addressing), and a growable list of owned strings. */
#ifndef GATE_UTIL_STRSET_H
#define GATE_UTIL_STRSET_H

#include <stdbool.h>
#include <stddef.h>

struct strset {
	char **slots;
	size_t alloc; /* power of two, or 0 */
	size_t count;
};

#define STRSET_INIT                                                                                                    \
	{                                                                                                              \
		NULL, 0, 0                                                                                             \
	}

void strset_init(struct strset *s);
void strset_release(struct strset *s);
void strset_clear(struct strset *s);
/* Adds a copy of key; returns true when it was not there yet. */
bool strset_add(struct strset *s, const char *key);
bool strset_has(const struct strset *s, const char *key);
/* Adds key with a value, or replaces the value of an existing key (a string map). */
void strset_put(struct strset *s, const char *key, const char *value);
/* The value stored with key ("" for keys added by strset_add), or NULL when absent. */
const char *strset_get(const struct strset *s, const char *key);
bool strset_remove(struct strset *s, const char *key);
/* Removes every key that starts with prefix. */
void strset_remove_prefix(struct strset *s, const char *prefix);
/* Iteration in no particular order: start with *pos = 0; NULL after the last key. */
const char *strset_next(const struct strset *s, size_t *pos);

struct strlist {
	char **items;
	size_t n;
	size_t alloc;
};

#define STRLIST_INIT                                                                                                   \
	{                                                                                                              \
		NULL, 0, 0                                                                                             \
	}

void strlist_init(struct strlist *l);
void strlist_release(struct strlist *l);
void strlist_add(struct strlist *l, const char *s);
/* Takes ownership of s. */
void strlist_add_owned(struct strlist *l, char *s);
bool strlist_has(const struct strlist *l, const char *s);
void strlist_sort(struct strlist *l);
/* Splits s on any of seps, trims blanks, skips empty parts, and appends. */
void strlist_split(struct strlist *l, const char *s, const char *seps);

#endif
