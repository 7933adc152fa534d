/*
 * Column changes on tables that already exist: NOT NULL that scans or fails,
 * defaults and column kinds that rewrite the table, and type changes.
 * Tables created earlier in the unit are exempt: they are empty and nobody
 * else can be waiting on them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint/coldef.h"
#include "lint/rules/rules.h"
#include "util/buf.h"

#include "util/banned.h"

static const struct rule_info rule_set_not_null = {
    "set-not-null", SEV_ERROR,
    "SET NOT NULL on an existing column scans the whole table under an ACCESS EXCLUSIVE lock",
    "on PostgreSQL 12+, add CHECK (col IS NOT NULL) NOT VALID, VALIDATE it in a later step, then SET NOT NULL "
    "(no scan)",
    false};

static const struct rule_info rule_add_column_not_null_without_default = {
    "add-column-not-null-without-default", SEV_ERROR,
    "adding a NOT NULL column without a DEFAULT fails on any table that has rows",
    "add the column nullable, backfill it in batches, then make it NOT NULL; or give it a constant DEFAULT", false};

static const struct rule_info rule_not_null_without_backfill = {
    "not-null-without-backfill", SEV_ERROR,
    "SET NOT NULL on a column just added without a DEFAULT or backfill fails on any table that has rows",
    "backfill the new column (UPDATE in batches) before SET NOT NULL, or add it with a constant DEFAULT", false};

static const struct rule_info rule_add_column_volatile_default = {
    "add-column-volatile-default", SEV_ERROR,
    "adding a column with a volatile DEFAULT (any DEFAULT before PostgreSQL 11) rewrites the whole table",
    "add the column without a DEFAULT, SET DEFAULT afterwards for new rows, and backfill existing rows in "
    "batches",
    false};

static const struct rule_info rule_add_column_rewrite = {
    "add-column-rewrite", SEV_ERROR,
    "adding a serial, identity or stored generated column rewrites the whole table under an ACCESS EXCLUSIVE lock",
    "add a plain nullable column, backfill it in batches, then attach the sequence DEFAULT or ADD GENERATED ... "
    "AS IDENTITY; compute generated values with a trigger",
    false};

static const struct rule_info rule_alter_column_type = {
    "alter-column-type", SEV_ERROR,
    "changing a column's type rewrites the whole table and its indexes under an ACCESS EXCLUSIVE lock",
    "add a column of the new type, backfill it in batches and switch over; only widening varchar, numeric "
    "or varbit, varchar to text, and cidr to inet are free",
    false};

static const struct rule_info *const rules[] = {
    &rule_set_not_null,
    &rule_add_column_not_null_without_default,
    &rule_not_null_without_backfill,
    &rule_add_column_volatile_default,
    &rule_add_column_rewrite,
    &rule_alter_column_type,
};

/* One ALTER TABLE on an existing table, as its subcommands are checked. */
struct alter {
	struct lint_ctx *ctx;
	const struct lint_stmt *st;
	const char *rel;   /* relation key */
	const cJSON *cmds; /* every subcommand, for columns added by this same statement */
};

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

#define IN_LIST(s, arr) in_list((s), (arr), sizeof(arr) / sizeof((arr)[0]))

/*
 * Functions whose pg_proc.provolatile is 'v' and that appear in column
 * defaults. Stable ones (now(), statement_timestamp(), txid_current()) are
 * evaluated once since PostgreSQL 11 and do not rewrite.
 */
static const char *const volatile_functions[] = {
    "random",           "random_normal",      "setseed",          "gen_random_uuid",  "gen_random_bytes", "gen_salt",
    "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4", "uuid_generate_v7", "uuidv4",           "uuidv7",
    "clock_timestamp",  "timeofday",          "nextval",          "currval",          "lastval",
};

/* The first known-volatile function called anywhere in expr, or NULL. */
static const char *volatile_call(const cJSON *expr)
{
	const cJSON *call = node_as(expr, "FuncCall");
	const char *name = node_last_name(node_field(call, "funcname"));
	if (call && IN_LIST(name, volatile_functions))
		return name;
	const cJSON *child;
	cJSON_ArrayForEach(child, expr)
	{
		const char *hit = volatile_call(child);
		if (hit)
			return hit;
	}
	return NULL;
}

static void check_not_null_added(const struct alter *a, const cJSON *col)
{
	bool pk = coldef_constraint(col, "CONSTR_PRIMARY") != NULL;
	if ((!pk && !coldef_constraint(col, "CONSTR_NOTNULL")) || coldef_fills_rows(col))
		return;
	lint_report(
	    a->ctx, a->st, &rule_add_column_not_null_without_default, node_location(col),
	    "column \"%s\" is added to \"%s\" as %s without a DEFAULT: this fails as soon as the table has a row",
	    node_str(col, "colname"), a->rel, pk ? "a PRIMARY KEY" : "NOT NULL");
}

/* The kind of column whose values PostgreSQL computes row by row while adding it, or NULL. */
static const char *rewriting_kind(const cJSON *col)
{
	if (coldef_is_serial(col))
		return node_type_name(node_field(col, "typeName"));
	if (coldef_constraint(col, "CONSTR_IDENTITY"))
		return "identity";
	if (coldef_constraint(col, "CONSTR_GENERATED"))
		return "stored generated";
	return NULL;
}

static void check_rewrite_added(const struct alter *a, const cJSON *col)
{
	const char *name = node_str(col, "colname");
	const char *kind = rewriting_kind(col);
	const cJSON *dflt = coldef_default(col);
	const char *fn = dflt ? volatile_call(dflt) : NULL;
	int loc = node_location(col);
	if (kind)
		lint_report(
		    a->ctx, a->st, &rule_add_column_rewrite, loc,
		    "adding the %s column \"%s\" to \"%s\" rewrites the whole table under an ACCESS EXCLUSIVE lock",
		    kind, name, a->rel);
	else if (dflt && a->ctx->pg_version < 11)
		lint_report(
		    a->ctx, a->st, &rule_add_column_volatile_default, loc,
		    "adding column \"%s\" to \"%s\" with a DEFAULT rewrites the whole table before PostgreSQL 11", name,
		    a->rel);
	else if (fn)
		lint_report(
		    a->ctx, a->st, &rule_add_column_volatile_default, loc,
		    "adding column \"%s\" to \"%s\" with the volatile DEFAULT %s() rewrites the whole table under "
		    "an ACCESS EXCLUSIVE lock",
		    name, a->rel, fn);
}

/* The column was added by an earlier subcommand of this statement with nothing for existing rows. */
static bool added_null_here(const struct alter *a, const cJSON *upto, const char *colname)
{
	const cJSON *c;
	cJSON_ArrayForEach(c, a->cmds)
	{
		const cJSON *cmd = node_as(c, "AlterTableCmd");
		const cJSON *col = node_as(node_field(cmd, "def"), "ColumnDef");
		if (cmd == upto)
			break;
		if (node_str_is(cmd, "subtype", "AT_AddColumn") && node_str_is(col, "colname", colname))
			return !coldef_fills_rows(col);
	}
	return false;
}

/*
 * A column left all NULL by this unit gets not-null-without-backfill (it
 * fails), which replaces set-not-null (it scans): one finding, the worse one.
 */
static void check_set_not_null(const struct alter *a, const cJSON *cmd)
{
	const char *col = node_str(cmd, "name");
	const struct lint_ctx *ctx = a->ctx;
	if (!col)
		return;
	bool checked = lint_set_has_col(&ctx->nn_checks, a->rel, col);
	/* A function body runs later, after backfills this unit cannot see. */
	bool added_null = added_null_here(a, cmd, col) ||
	                  (a->st->origin != ORIGIN_FUNCTION && lint_set_has_col(&ctx->null_cols, a->rel, col) &&
	                   !lint_set_has_col(&ctx->backfilled, a->rel, col) && !checked);
	if (added_null)
		lint_report(
		    a->ctx, a->st, &rule_not_null_without_backfill, -1,
		    "column \"%s\" of \"%s\" was added in this migration without a DEFAULT and never backfilled: "
		    "SET NOT NULL fails on any existing row",
		    col, a->rel);
	else if (!(checked && ctx->pg_version >= 12))
		lint_report(
		    a->ctx, a->st, &rule_set_not_null, -1,
		    "setting column \"%s\" of \"%s\" NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock",
		    col, a->rel);
}

/* A type as text split up: "numeric(10,2)" is name "numeric", mods {10, 2}. */
struct coltype {
	char name[64];
	long mods[2];
	int n_mods; /* -1 when a modifier is not a number */
	bool array;
};

static void parse_type(const char *s, struct coltype *t)
{
	size_t n = strcspn(s, "([");
	memset(t, 0, sizeof(*t));
	memcpy(t->name, s, n < sizeof(t->name) ? n : sizeof(t->name) - 1);
	t->array = strchr(s, '[') != NULL;
	const char *p = s[n] == '(' ? s + n + 1 : NULL;
	while (p && t->n_mods >= 0 && t->n_mods < 2) {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p) {
			t->n_mods = -1;
			break;
		}
		t->mods[t->n_mods++] = v;
		p = *end == ',' ? end + 1 : NULL;
	}
}

/* Types whose modifier only limits values: a larger or no modifier keeps the data (a support function says so). */
static const char *const widenable[] = {"varchar",     "numeric", "varbit", "timestamp",
                                        "timestamptz", "time",    "timetz", "interval"};

/* Same type, modifier kept or raised: PostgreSQL relabels instead of rewriting. */
static bool widens(const struct coltype *o, const struct coltype *n)
{
	if (n->n_mods == 0)
		return true;
	/* An interval's first modifier is a field mask, its second the precision. */
	if (!strcmp(o->name, "interval"))
		return o->n_mods == 2 && n->n_mods == 2 && o->mods[0] == n->mods[0] && n->mods[1] >= o->mods[1];
	/* A time type without a modifier has the largest precision, 6. */
	if (o->n_mods <= 0 || n->n_mods < 0)
		return o->n_mods == 0 && n->mods[0] >= 6 && strstr(o->name, "time") != NULL;
	if (!strcmp(o->name, "numeric") && (o->n_mods > 1 ? o->mods[1] : 0) != (n->n_mods > 1 ? n->mods[1] : 0))
		return false;
	return n->mods[0] >= o->mods[0];
}

/* Binary-coercible changes between different types, "from>to"; the target has no modifier. */
static const char *const relabels[] = {"varchar>text", "text>varchar", "xml>text",       "xml>varchar",
                                       "cidr>inet",    "text>bpchar",  "varchar>bpchar", "bit>varbit"};

/* old -> new keeps every stored value as is (no rewrite, no scan). */
static bool change_is_free(const char *old_s, const char *new_s, int pg_version)
{
	struct coltype o, n;
	char pair[140];
	parse_type(old_s, &o);
	parse_type(new_s, &n);
	if (!strcmp(old_s, new_s))
		return true;
	if (o.array || n.array)
		return false;
	if (!strcmp(o.name, n.name))
		return IN_LIST(o.name, widenable) && widens(&o, &n);
	/* Since PostgreSQL 12 this is free when the session's TimeZone is UTC, which the lint cannot know. */
	if (pg_version >= 12 && strstr(o.name, "timestamp") && strstr(n.name, "timestamp"))
		return true;
	snprintf(pair, sizeof(pair), "%s>%s", o.name, n.name);
	return IN_LIST(pair, relabels) && n.n_mods == 0;
}

/* Built-in types no other type converts into without a rewrite. */
static const char *const rewrite_targets[] = {"int2", "int4", "int8",  "float4", "float8", "bool",   "date",
                                              "uuid", "json", "jsonb", "bytea",  "money",  "bpchar", "bit"};
/* Built-in types some other type converts into for free. */
static const char *const free_targets[] = {"text",        "varchar", "numeric", "varbit",   "inet", "timestamp",
                                           "timestamptz", "time",    "timetz",  "interval", "xml",  "cidr"};

/*
 * With the old type unknown, only a target no free change leads to proves a
 * rewrite; user types (domains, citext) may be binary-coercible, so they pass.
 */
static bool target_rewrites(const char *new_s)
{
	struct coltype n;
	parse_type(new_s, &n);
	if (n.array)
		return true;
	if (!strcmp(n.name, "bpchar") && n.n_mods == 0)
		return false;
	return IN_LIST(n.name, rewrite_targets);
}

static bool known_type(const char *s)
{
	struct coltype t;
	parse_type(s, &t);
	return IN_LIST(t.name, rewrite_targets) || IN_LIST(t.name, free_targets);
}

/* USING col or USING col::newtype changes nothing: PostgreSQL treats it like no USING clause. */
static bool plain_using(const cJSON *expr, const char *col, const char *new_s)
{
	const cJSON *cast = node_as(expr, "TypeCast");
	bool same = true;
	if (cast) {
		char *cast_to = coldef_type_string(node_field(cast, "typeName"));
		same = !strcmp(cast_to, new_s);
		free(cast_to);
		expr = node_field(cast, "arg");
	}
	const cJSON *fields = node_field(node_as(expr, "ColumnRef"), "fields");
	const char *name = node_last_name(fields);
	return same && cJSON_GetArraySize(fields) == 1 && name && col && !strcmp(name, col);
}

/* The type this unit last gave rel.col, or NULL. */
static const char *known_col_type(const struct lint_ctx *ctx, const char *rel, const char *col)
{
	struct buf key = BUF_INIT;
	buf_addf(&key, "%s.%s", rel, col ? col : "");
	const char *type = strset_get(&ctx->col_types, key.data);
	buf_release(&key);
	return type;
}

static void check_alter_type(const struct alter *a, const cJSON *cmd)
{
	const char *col = node_str(cmd, "name");
	const cJSON *def = node_as(node_field(cmd, "def"), "ColumnDef");
	if (!col || !def)
		return;
	const cJSON *using = node_field(def, "raw_default");
	char *new_s = coldef_type_string(node_field(def, "typeName"));
	const char *old_s = known_col_type(a->ctx, a->rel, col);
	int loc = node_location(def);
	const char *tail = "rewrites the whole table and its indexes under an ACCESS EXCLUSIVE lock";
	if (using && !plain_using(using, col, new_s))
		lint_report(a->ctx, a->st, &rule_alter_column_type, loc,
		            "changing column \"%s\" of \"%s\" to type \"%s\" with a USING expression %s", col, a->rel,
		            new_s, tail);
	else if (old_s && known_type(old_s) && known_type(new_s) && !change_is_free(old_s, new_s, a->ctx->pg_version))
		lint_report(a->ctx, a->st, &rule_alter_column_type, loc,
		            "changing column \"%s\" of \"%s\" from \"%s\" to \"%s\" %s", col, a->rel, old_s, new_s,
		            tail);
	else if (!old_s && target_rewrites(new_s))
		lint_report(a->ctx, a->st, &rule_alter_column_type, loc,
		            "changing column \"%s\" of \"%s\" to type \"%s\" %s", col, a->rel, new_s, tail);
	free(new_s);
}

static void check_cmd(const struct alter *a, const cJSON *cmd)
{
	const char *sub = node_str(cmd, "subtype");
	const cJSON *col = node_as(node_field(cmd, "def"), "ColumnDef");
	if (!sub)
		return;
	if (!strcmp(sub, "AT_AddColumn") && node_str(col, "colname")) {
		check_not_null_added(a, col);
		check_rewrite_added(a, col);
	} else if (!strcmp(sub, "AT_SetNotNull")) {
		check_set_not_null(a, cmd);
	} else if (!strcmp(sub, "AT_AlterColumnType")) {
		check_alter_type(a, cmd);
	}
}

static void check(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const cJSON *rel = node_field(st->body, "relation");
	/* Foreign tables store nothing locally; views and indexes have no such subcommands. */
	if (strcmp(st->type, "AlterTableStmt") || !node_str_is(st->body, "objtype", "OBJECT_TABLE") ||
	    lint_rel_is_new(ctx, rel))
		return;
	char *key = node_relation_key(rel);
	struct alter a = {ctx, st, key, node_field(st->body, "cmds")};
	const cJSON *cmd;
	cJSON_ArrayForEach(cmd, a.cmds) check_cmd(&a, node_as(cmd, "AlterTableCmd"));
	free(key);
}

const struct lint_family family_columns = {"columns", FAMILY_RULES(rules), check, NULL};
