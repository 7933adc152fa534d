#include "backup/manifest.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"
#include "util/mem.h"

#include "util/banned.h"

#define FORMAT_VERSION 1

void manifest_init(struct manifest *m)
{
	memset(m, 0, sizeof(*m));
	m->schema_objects = -1;
}

void manifest_schema_digest(const struct strlist *lines, char hex[SHA256_HEX_LEN + 1])
{
	struct sha256 h;
	sha256_init(&h);
	for (size_t i = 0; i < lines->n; i++) {
		sha256_update(&h, lines->items[i], strlen(lines->items[i]));
		sha256_update(&h, "\n", 1);
	}
	sha256_final(&h, hex);
}

void manifest_release(struct manifest *m)
{
	char **fields[] = {&m->tool_version,   &m->created_at, &m->host,           &m->port,
	                   &m->database,       &m->user,       &m->server_version, &m->pg_dump_version,
	                   &m->archive_format, &m->commit};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		free(*fields[i]);
	strlist_release(&m->revisions);
	strlist_release(&m->pending);
	for (size_t i = 0; i < m->n_tables; i++) {
		free(m->tables[i].name);
		free(m->tables[i].ident);
	}
	free(m->tables);
	manifest_init(m);
}

struct manifest_table *manifest_add_table(struct manifest *m)
{
	XGROW(m->tables, m->alloc, m->n_tables + 1);
	struct manifest_table *t = &m->tables[m->n_tables++];
	memset(t, 0, sizeof(*t));
	t->rows = -1;
	t->reltuples = -1;
	return t;
}

char *manifest_part_name(unsigned i)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "dump.%06u", i);
	return buf_detach(&b);
}

static cJSON *tables_json(const struct manifest *m)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < m->n_tables; i++) {
		const struct manifest_table *t = &m->tables[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", t->name);
		cJSON_AddStringToObject(o, "ident", t->ident);
		cJSON_AddNumberToObject(o, "estimated_rows", t->reltuples);
		cJSON_AddNumberToObject(o, "bytes", (double)t->bytes);
		if (t->rows >= 0)
			cJSON_AddNumberToObject(o, "rows", (double)t->rows);
		else
			cJSON_AddNullToObject(o, "rows");
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

cJSON *manifest_to_cjson(const struct manifest *m)
{
	cJSON *o = cJSON_CreateObject(), *db = cJSON_CreateObject(), *dump = cJSON_CreateObject();
	cJSON *alembic = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kind", MANIFEST_KIND);
	cJSON_AddNumberToObject(o, "format_version", FORMAT_VERSION);
	json_add_str_or_null(o, "tool_version", m->tool_version);
	json_add_str_or_null(o, "created_at", m->created_at);
	json_add_str_or_null(o, "commit", m->commit);
	json_add_str_or_null(db, "host", m->host);
	json_add_str_or_null(db, "port", m->port);
	json_add_str_or_null(db, "database", m->database);
	json_add_str_or_null(db, "user", m->user);
	json_add_str_or_null(db, "server_version", m->server_version);
	cJSON_AddNumberToObject(db, "server_major", m->server_major);
	cJSON_AddNumberToObject(db, "bytes", (double)m->database_bytes);
	cJSON_AddItemToObject(o, "database", db);
	cJSON_AddBoolToObject(alembic, "version_table", m->version_table);
	cJSON_AddItemToObject(alembic, "revisions", json_strings(&m->revisions));
	cJSON_AddItemToObject(alembic, "pending", json_strings(&m->pending));
	cJSON_AddItemToObject(o, "alembic", alembic);
	json_add_str_or_null(dump, "format", "custom");
	json_add_str_or_null(dump, "pg_dump_version", m->pg_dump_version);
	json_add_str_or_null(dump, "archive_format", m->archive_format);
	cJSON_AddNumberToObject(dump, "bytes", (double)m->dump_bytes);
	cJSON_AddStringToObject(dump, "sha256", m->dump_sha256);
	cJSON_AddNumberToObject(dump, "parts", m->dump_parts);
	cJSON_AddItemToObject(o, "dump", dump);
	cJSON_AddItemToObject(o, "tables", tables_json(m));
	if (m->schema_objects >= 0) {
		cJSON *schema = cJSON_CreateObject();
		cJSON_AddNumberToObject(schema, "objects", (double)m->schema_objects);
		cJSON_AddStringToObject(schema, "sha256", m->schema_sha256);
		cJSON_AddItemToObject(o, "schema", schema);
	}
	return o;
}

char *manifest_to_json(const struct manifest *m)
{
	cJSON *o = manifest_to_cjson(m);
	char *text = cJSON_Print(o);
	cJSON_Delete(o);
	if (!text) {
		fputs("fatal: out of memory\n", stderr);
		abort();
	}
	char *out = xstrdup(text);
	cJSON_free(text);
	return out;
}

static char *get_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? xstrdup(v->valuestring) : NULL;
}

static double get_num(const cJSON *o, const char *key, double dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

static void get_strs(const cJSON *o, const char *key, struct strlist *out)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key), *v;
	cJSON_ArrayForEach(v, a) if (cJSON_IsString(v)) strlist_add(out, v->valuestring);
}

static void get_tables(const cJSON *a, struct manifest *m)
{
	const cJSON *v;
	cJSON_ArrayForEach(v, a)
	{
		char *name = get_str(v, "name"), *ident = get_str(v, "ident");
		if (!name || !ident) {
			free(name);
			free(ident);
			continue;
		}
		struct manifest_table *t = manifest_add_table(m);
		t->name = name;
		t->ident = ident;
		t->reltuples = get_num(v, "estimated_rows", -1);
		t->bytes = (int64_t)get_num(v, "bytes", 0);
		t->rows = (int64_t)get_num(v, "rows", -1);
	}
}

static void get_schema(const cJSON *o, struct manifest *m)
{
	char *sha = get_str(o, "sha256");
	double n = get_num(o, "objects", -1);
	if (sha && strlen(sha) == SHA256_HEX_LEN && n >= 0 && n < 1e12) {
		memcpy(m->schema_sha256, sha, SHA256_HEX_LEN + 1);
		m->schema_objects = (long)n;
	}
	free(sha);
}

static int not_ours(const char *where)
{
	return gate_error(EXIT_USAGE, "give an archive written by 'migrate-gate backup'",
	                  "'%s' is not a migrate-gate backup: its manifest.json is missing or unreadable", where);
}

int manifest_from_cjson(const cJSON *o, const char *where, struct manifest *m)
{
	manifest_release(m);
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(o, "kind");
	const cJSON *db = cJSON_GetObjectItemCaseSensitive(o, "database");
	const cJSON *dump = cJSON_GetObjectItemCaseSensitive(o, "dump");
	const cJSON *alembic = cJSON_GetObjectItemCaseSensitive(o, "alembic");
	char *sha = get_str(dump, "sha256");
	if (!cJSON_IsString(kind) || strcmp(kind->valuestring, MANIFEST_KIND) || !cJSON_IsObject(db) || !sha ||
	    strlen(sha) != SHA256_HEX_LEN) {
		free(sha);
		return not_ours(where);
	}
	memcpy(m->dump_sha256, sha, SHA256_HEX_LEN + 1);
	free(sha);
	m->tool_version = get_str(o, "tool_version");
	m->created_at = get_str(o, "created_at");
	m->commit = get_str(o, "commit");
	m->host = get_str(db, "host");
	m->port = get_str(db, "port");
	m->database = get_str(db, "database");
	m->user = get_str(db, "user");
	m->server_version = get_str(db, "server_version");
	m->server_major = (int)get_num(db, "server_major", 0);
	m->database_bytes = (int64_t)get_num(db, "bytes", 0);
	m->version_table = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(alembic, "version_table"));
	get_strs(alembic, "revisions", &m->revisions);
	get_strs(alembic, "pending", &m->pending);
	m->pg_dump_version = get_str(dump, "pg_dump_version");
	m->archive_format = get_str(dump, "archive_format");
	m->dump_bytes = (uint64_t)get_num(dump, "bytes", 0);
	m->dump_parts = (unsigned)get_num(dump, "parts", 0);
	get_tables(cJSON_GetObjectItemCaseSensitive(o, "tables"), m);
	get_schema(cJSON_GetObjectItemCaseSensitive(o, "schema"), m);
	return m->database && m->dump_parts ? 0 : not_ours(where);
}

int manifest_parse(const char *text, size_t len, const char *where, struct manifest *m)
{
	cJSON *o = cJSON_ParseWithLength(text, len);
	int rc = o ? manifest_from_cjson(o, where, m) : (manifest_release(m), not_ours(where));
	cJSON_Delete(o);
	return rc;
}
