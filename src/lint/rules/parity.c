/*
 * Checks other migration linters make that are about design choices more
 * than about one deploy (docs/rules.md, "Coverage against other linters"):
 * squawk's ban-create-domain-with-constraint, Eugene's W13 (creating an
 * enum), strong_migrations' three-column limit for non-unique indexes and
 * Atlas's MF101/MF102 (a unique index over rows that may hold duplicates).
 * They are opt-in (--enable), since each is right for some schemas.
 */
#include <stdlib.h>
#include <string.h>

#include "lint/rules/rules.h"

#include "util/banned.h"

static const struct rule_info rule_domain_with_constraint = {
    "domain-with-constraint", SEV_INFO,
    "CREATE DOMAIN with a constraint: changing that constraint later checks every column of the domain at once",
    "put the CHECK on the columns (NOT VALID then VALIDATE when it changes), or keep the domain constraint-free", true};

static const struct rule_info rule_create_enum = {
    "create-enum", SEV_INFO,
    "CREATE TYPE ... AS ENUM: values can be added but never removed or reordered without rewriting every column",
    "use text with a CHECK constraint, or a lookup table, when the set of values may change", true};

static const struct rule_info rule_wide_index = {
    "index-too-many-columns", SEV_INFO, "a non-unique index has more than three columns",
    "index the two or three most selective columns; the rest rarely pay for the space and the write cost", true};

static const struct rule_info rule_unique_index_rows = {
    "unique-index-existing-rows", SEV_INFO,
    "a unique index on an existing table fails when its rows already hold duplicates (CONCURRENTLY leaves an "
    "INVALID index behind)",
    "check for duplicates first (GROUP BY ... HAVING count(*) > 1) and drop a failed INVALID index before retrying",
    true};

static const struct rule_info *const rules[] = {&rule_domain_with_constraint, &rule_create_enum, &rule_wide_index,
                                                &rule_unique_index_rows};

#define MAX_INDEX_COLUMNS 3

static void check_index(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const cJSON *rel = node_field(st->body, "relation");
	int columns = cJSON_GetArraySize(node_field(st->body, "indexParams"));
	char *key = rel ? node_relation_key(rel) : NULL;
	if (!node_bool(st->body, "unique") && columns > MAX_INDEX_COLUMNS)
		lint_report(ctx, st, &rule_wide_index, -1, "index on \"%s\" has %d columns (more than %d)",
		            key ? key : "", columns, MAX_INDEX_COLUMNS);
	else if (node_bool(st->body, "unique") && rel && !lint_rel_is_new(ctx, rel))
		lint_report(ctx, st, &rule_unique_index_rows, -1,
		            "unique index on existing table \"%s\" fails if its rows hold duplicates", key);
	free(key);
}

static void check(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	if (st->origin == ORIGIN_FUNCTION)
		return;
	if (!strcmp(st->type, "IndexStmt")) {
		check_index(ctx, st);
	} else if (!strcmp(st->type, "CreateDomainStmt") && node_field(st->body, "constraints")) {
		char *name = node_join_names(node_field(st->body, "domainname"));
		lint_report(ctx, st, &rule_domain_with_constraint, -1, "domain \"%s\" is created with a constraint",
		            name);
		free(name);
	} else if (!strcmp(st->type, "CreateEnumStmt")) {
		char *name = node_join_names(node_field(st->body, "typeName"));
		lint_report(ctx, st, &rule_create_enum, -1, "enum type \"%s\" is created", name);
		free(name);
	}
}

const struct lint_family family_parity = {"parity", FAMILY_RULES(rules), check, NULL};
