/* Small cJSON helpers shared by the JSON writers and the backup manifest. */
#ifndef GATE_UTIL_JSON_H
#define GATE_UTIL_JSON_H

#include "util/strset.h"

struct cJSON;

/* A JSON array of the strings of l. */
struct cJSON *json_strings(const struct strlist *l);
/* Adds key: v, or key: null when v is NULL. */
void json_add_str_or_null(struct cJSON *o, const char *key, const char *v);
/* "1.2 GiB", "345 KiB", "12 B": bytes for people, every report the same way. Newly allocated. */
char *human_bytes(double bytes);

#endif
