/*
 * Read-only access to libpg_query's JSON parse tree (parsed by cJSON). A node
 * is an object with one key, its type: {"IndexStmt": {...}}; its body is the
 * inner object. Fields that are false, zero or empty are omitted by
 * libpg_query, so every accessor has a default.
 */
#ifndef GATE_LINT_NODE_H
#define GATE_LINT_NODE_H

#include <cjson/cJSON.h>
#include <stdbool.h>

/* The node's type name ("IndexStmt"), or "" for NULL or a non-node. */
const char *node_type(const cJSON *node);
/* The node's body object, or NULL. */
const cJSON *node_body(const cJSON *node);
bool node_is(const cJSON *node, const char *type);
/* The body when node has the given type, else NULL. */
const cJSON *node_as(const cJSON *node, const char *type);

const cJSON *node_field(const cJSON *body, const char *key);
/* A string field, or NULL when absent. */
const char *node_str(const cJSON *body, const char *key);
/* A string field compared with want; false when absent. */
bool node_str_is(const cJSON *body, const char *key, const char *want);
int node_int(const cJSON *body, const char *key, int dflt);
bool node_bool(const cJSON *body, const char *key);
/* The "location" field, or -1. */
int node_location(const cJSON *body);

/* The value of a {"String": {"sval": ...}} node, or NULL. */
const char *node_sval(const cJSON *node);
/* The last String of a list of names, e.g. "varchar" for pg_catalog.varchar. */
const char *node_last_name(const cJSON *names);
/* A list of String nodes joined with '.', newly allocated. */
char *node_join_names(const cJSON *names);

/*
 * A relation's key as the lint context stores it: "schema.rel", or "rel" when
 * unqualified or in public. rangevar is the RangeVar body. Newly allocated.
 */
char *node_relation_key(const cJSON *rangevar);
/* The same key for a relation named by a list of Strings, as DROP names its objects. */
char *node_names_relation_key(const cJSON *names);
/* The last type name of a TypeName body, e.g. "int4", "varchar", "timestamptz". */
const char *node_type_name(const cJSON *type_name);

/*
 * Whether a list of DefElem options (VACUUM (FULL), REINDEX (CONCURRENTLY),
 * ...) switches the named option on: present, and not given false/off/0.
 */
bool node_option_on(const cJSON *options, const char *name);

/* Depth-first search for the first node of the given type below node. */
const cJSON *node_find(const cJSON *node, const char *type);

#endif
