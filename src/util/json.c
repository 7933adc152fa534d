#include "util/json.h"

#include <cjson/cJSON.h>

#include "util/buf.h"

#include "util/banned.h"

cJSON *json_strings(const struct strlist *l)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < l->n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(l->items[i]));
	return a;
}

void json_add_str_or_null(cJSON *o, const char *key, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

char *human_bytes(double bytes)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	struct buf b = BUF_INIT;
	unsigned u = 0;
	while (bytes >= 1024 && u < 4) {
		bytes /= 1024;
		u++;
	}
	/* One decimal while it says something: 8.5 MiB, 27 KiB. */
	if (u && bytes < 10)
		buf_addf(&b, "%.1f %s", bytes, units[u]);
	else
		buf_addf(&b, "%.0f %s", bytes, units[u]);
	return buf_detach(&b);
}
