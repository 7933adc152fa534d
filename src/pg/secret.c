#include "pg/secret.h"

#include <libpq-fe.h>
#include <string.h>

#include "util/log.h"

#include "util/banned.h"

void pg_register_dsn_secret(const char *dsn)
{
	if (!dsn)
		return;
	char *err = NULL;
	PQconninfoOption *opts = PQconninfoParse(dsn, &err);
	PQfreemem(err);
	for (PQconninfoOption *o = opts; o && o->keyword; o++)
		if (!strcmp(o->keyword, "password") && o->val && *o->val)
			log_add_secret(o->val);
	PQconninfoFree(opts);
}
