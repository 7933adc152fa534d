#include "lint/node.h"

#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/mem.h"

#include "util/banned.h"

const char *node_type(const cJSON *node)
{
	if (!node || !cJSON_IsObject(node) || !node->child)
		return "";
	return node->child->string ? node->child->string : "";
}

const cJSON *node_body(const cJSON *node)
{
	return node && cJSON_IsObject(node) ? node->child : NULL;
}

bool node_is(const cJSON *node, const char *type)
{
	return !strcmp(node_type(node), type);
}

const cJSON *node_as(const cJSON *node, const char *type)
{
	return node_is(node, type) ? node->child : NULL;
}

const cJSON *node_field(const cJSON *body, const char *key)
{
	/* Case-sensitive: libpg_query mixes snake_case and camelCase keys. */
	return body ? cJSON_GetObjectItemCaseSensitive(body, key) : NULL;
}

const char *node_str(const cJSON *body, const char *key)
{
	const cJSON *v = node_field(body, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

bool node_str_is(const cJSON *body, const char *key, const char *want)
{
	const char *v = node_str(body, key);
	return v && !strcmp(v, want);
}

int node_int(const cJSON *body, const char *key, int dflt)
{
	const cJSON *v = node_field(body, key);
	return cJSON_IsNumber(v) ? v->valueint : dflt;
}

bool node_bool(const cJSON *body, const char *key)
{
	return cJSON_IsTrue(node_field(body, key));
}

int node_location(const cJSON *body)
{
	return node_int(body, "location", -1);
}

const char *node_sval(const cJSON *node)
{
	return node_str(node_as(node, "String"), "sval");
}

const char *node_last_name(const cJSON *names)
{
	const cJSON *last = NULL, *n;
	cJSON_ArrayForEach(n, names) last = n;
	return last ? node_sval(last) : NULL;
}

char *node_join_names(const cJSON *names)
{
	struct buf b = BUF_INIT;
	const cJSON *n;
	cJSON_ArrayForEach(n, names)
	{
		const char *s = node_sval(n);
		if (!s)
			continue;
		if (b.len)
			buf_addc(&b, '.');
		buf_adds(&b, s);
	}
	return buf_detach(&b);
}

static char *relation_key(const char *schema, const char *rel)
{
	struct buf b = BUF_INIT;
	if (schema && strcmp(schema, "public"))
		buf_addf(&b, "%s.", schema);
	buf_adds(&b, rel ? rel : "");
	return buf_detach(&b);
}

char *node_relation_key(const cJSON *rangevar)
{
	return relation_key(node_str(rangevar, "schemaname"), node_str(rangevar, "relname"));
}

char *node_names_relation_key(const cJSON *names)
{
	int n = cJSON_GetArraySize(names);
	return relation_key(n > 1 ? node_sval(cJSON_GetArrayItem(names, n - 2)) : NULL, node_last_name(names));
}

const char *node_type_name(const cJSON *type_name)
{
	const char *name = node_last_name(node_field(type_name, "names"));
	return name ? name : "";
}

const cJSON *node_find(const cJSON *node, const char *type)
{
	if (!node)
		return NULL;
	if (cJSON_IsObject(node) && node->child && node->child->string && !strcmp(node->child->string, type) &&
	    !node->child->next)
		return node;
	const cJSON *c;
	cJSON_ArrayForEach(c, node)
	{
		const cJSON *hit = node_find(c, type);
		if (hit)
			return hit;
	}
	return NULL;
}

static bool defelem_on(const cJSON *def_elem)
{
	const cJSON *arg = node_field(def_elem, "arg");
	const char *s = node_sval(arg);
	if (node_is(arg, "Integer"))
		return node_int(node_body(arg), "ival", 0) != 0;
	/* defGetBoolean: no argument means true; words are case-insensitive */
	return !s || (strcasecmp(s, "false") && strcasecmp(s, "off") && strcasecmp(s, "no") && strcmp(s, "0"));
}

bool node_option_on(const cJSON *options, const char *name)
{
	bool on = false;
	const cJSON *opt;
	cJSON_ArrayForEach(opt, options)
	{
		const cJSON *de = node_as(opt, "DefElem");
		if (node_str_is(de, "defname", name))
			on = defelem_on(de); /* the last one wins, as in PostgreSQL */
	}
	return on;
}
