#include "util/strset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

#include "util/banned.h"

/* Tombstone for removed slots, so probing continues past them. */
static char removed_marker;
#define REMOVED (&removed_marker)

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

void strset_init(struct strset *s)
{
	s->slots = NULL;
	s->alloc = 0;
	s->count = 0;
}

void strset_clear(struct strset *s)
{
	for (size_t i = 0; i < s->alloc; i++) {
		if (s->slots[i] != REMOVED)
			free(s->slots[i]);
		s->slots[i] = NULL;
	}
	s->count = 0;
}

void strset_release(struct strset *s)
{
	strset_clear(s);
	free(s->slots);
	strset_init(s);
}

static size_t find(const struct strset *s, const char *key, bool *found)
{
	size_t mask = s->alloc - 1, i = (size_t)hash(key) & mask, free_slot = SIZE_MAX;
	*found = false;
	/* Bounded: after add/remove churn every slot can be a tombstone, with no NULL to stop at. */
	for (size_t probes = 0; probes < s->alloc && s->slots[i]; probes++) {
		if (s->slots[i] == REMOVED) {
			if (free_slot == SIZE_MAX)
				free_slot = i;
		} else if (!strcmp(s->slots[i], key)) {
			*found = true;
			return i;
		}
		i = (i + 1) & mask;
	}
	return free_slot == SIZE_MAX ? i : free_slot;
}

/* A map entry is one allocation "key\0value\0": strcmp sees only the key. */
static char *entry(const char *key, const char *value)
{
	size_t k = strlen(key), v = strlen(value);
	char *e = xmalloc(k + v + 2);
	memcpy(e, key, k + 1);
	memcpy(e + k + 1, value, v + 1);
	return e;
}

static void rehash(struct strset *s)
{
	struct strset bigger = {xcalloc(s->alloc ? s->alloc * 2 : 16, sizeof(char *)), s->alloc ? s->alloc * 2 : 16, 0};
	for (size_t i = 0; i < s->alloc; i++) {
		if (s->slots[i] && s->slots[i] != REMOVED) {
			bool found;
			bigger.slots[find(&bigger, s->slots[i], &found)] = s->slots[i];
			bigger.count++;
		}
	}
	free(s->slots);
	*s = bigger;
}

bool strset_add(struct strset *s, const char *key)
{
	if ((s->count + 1) * 2 > s->alloc)
		rehash(s);
	bool found;
	size_t i = find(s, key, &found);
	if (found)
		return false;
	s->slots[i] = entry(key, "");
	s->count++;
	return true;
}

void strset_put(struct strset *s, const char *key, const char *value)
{
	if ((s->count + 1) * 2 > s->alloc)
		rehash(s);
	bool found;
	size_t i = find(s, key, &found);
	if (found)
		free(s->slots[i]);
	else
		s->count++;
	s->slots[i] = entry(key, value);
}

const char *strset_get(const struct strset *s, const char *key)
{
	bool found = false;
	size_t i = s->alloc ? find(s, key, &found) : 0;
	return found ? s->slots[i] + strlen(s->slots[i]) + 1 : NULL;
}

bool strset_has(const struct strset *s, const char *key)
{
	bool found = false;
	if (s->alloc)
		find(s, key, &found);
	return found;
}

bool strset_remove(struct strset *s, const char *key)
{
	bool found = false;
	if (!s->alloc)
		return false;
	size_t i = find(s, key, &found);
	if (!found)
		return false;
	free(s->slots[i]);
	s->slots[i] = REMOVED;
	s->count--;
	return true;
}

void strset_remove_prefix(struct strset *s, const char *prefix)
{
	size_t n = strlen(prefix);
	for (size_t i = 0; i < s->alloc; i++) {
		if (s->slots[i] && s->slots[i] != REMOVED && !strncmp(s->slots[i], prefix, n)) {
			free(s->slots[i]);
			s->slots[i] = REMOVED;
			s->count--;
		}
	}
}

const char *strset_next(const struct strset *s, size_t *pos)
{
	for (; *pos < s->alloc; (*pos)++)
		if (s->slots[*pos] && s->slots[*pos] != REMOVED)
			return s->slots[(*pos)++];
	return NULL;
}

void strlist_init(struct strlist *l)
{
	l->items = NULL;
	l->n = 0;
	l->alloc = 0;
}

void strlist_release(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	strlist_init(l);
}

void strlist_add_owned(struct strlist *l, char *s)
{
	XGROW(l->items, l->alloc, l->n + 1);
	l->items[l->n++] = s;
}

void strlist_add(struct strlist *l, const char *s)
{
	strlist_add_owned(l, xstrdup(s));
}

bool strlist_has(const struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->items[i], s))
			return true;
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void strlist_sort(struct strlist *l)
{
	if (l->n > 1)
		qsort(l->items, l->n, sizeof(char *), cmp_str);
}

void strlist_split(struct strlist *l, const char *s, const char *seps)
{
	while (*s) {
		size_t n = strcspn(s, seps);
		const char *start = s, *end = s + n;
		while (start < end && (*start == ' ' || *start == '\t'))
			start++;
		while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (end > start)
			strlist_add_owned(l, xstrndup(start, (size_t)(end - start)));
		s += n;
		if (*s)
			s++;
	}
}
