#include "lint/coldef.h"

#include <string.h>

#include "lint/node.h"
#include "util/buf.h"

#include "util/banned.h"

static void add_typmods(struct buf *b, const cJSON *typmods)
{
	const cJSON *m;
	const char *sep = "(";
	cJSON_ArrayForEach(m, typmods)
	{
		const cJSON *c = node_as(m, "A_Const");
		/* A zero value is omitted from the tree: {"ival": {}}. */
		if (c && node_field(c, "ival"))
			buf_addf(b, "%s%d", sep, node_int(node_field(c, "ival"), "ival", 0));
		else
			buf_addf(b, "%s?", sep);
		sep = ",";
	}
	if (*sep == ',')
		buf_addc(b, ')');
}

char *coldef_type_string(const cJSON *type_name)
{
	struct buf b = BUF_INIT;
	const cJSON *names = node_field(type_name, "names");
	const cJSON *n;
	cJSON_ArrayForEach(n, names)
	{
		const char *s = node_sval(n);
		if (!s || (n == names->child && n->next && !strcmp(s, "pg_catalog")))
			continue;
		if (b.len)
			buf_addc(&b, '.');
		buf_adds(&b, s);
	}
	add_typmods(&b, node_field(type_name, "typmods"));
	cJSON_ArrayForEach(n, node_field(type_name, "arrayBounds")) buf_adds(&b, "[]");
	return buf_detach(&b);
}

const cJSON *coldef_constraint(const cJSON *coldef, const char *contype)
{
	const cJSON *con;
	cJSON_ArrayForEach(con, node_field(coldef, "constraints"))
	{
		const cJSON *c = node_as(con, "Constraint");
		if (node_str_is(c, "contype", contype))
			return c;
	}
	return NULL;
}

static bool is_null_literal(const cJSON *expr)
{
	const cJSON *cast = node_as(expr, "TypeCast");
	if (cast)
		expr = node_field(cast, "arg");
	return node_bool(node_as(expr, "A_Const"), "isnull");
}

const cJSON *coldef_default(const cJSON *coldef)
{
	const cJSON *expr = node_field(coldef_constraint(coldef, "CONSTR_DEFAULT"), "raw_expr");
	return expr && !is_null_literal(expr) ? expr : NULL;
}

bool coldef_is_serial(const cJSON *coldef)
{
	static const char *const serials[] = {"serial", "bigserial", "smallserial", "serial2", "serial4", "serial8"};
	const cJSON *names = node_field(node_field(coldef, "typeName"), "names");
	/* Only the unqualified name is the pseudo-type; a schema-qualified "serial" is a user type. */
	if (cJSON_GetArraySize(names) != 1 || node_field(node_field(coldef, "typeName"), "arrayBounds"))
		return false;
	const char *name = node_last_name(names);
	for (size_t i = 0; name && i < sizeof(serials) / sizeof(serials[0]); i++)
		if (!strcmp(name, serials[i]))
			return true;
	return false;
}

bool coldef_fills_rows(const cJSON *coldef)
{
	return coldef_default(coldef) || coldef_constraint(coldef, "CONSTR_IDENTITY") ||
	       coldef_constraint(coldef, "CONSTR_GENERATED") || coldef_is_serial(coldef);
}
