/*
 * Rules about how a migration is written rather than what one command
 * locks: names PostgreSQL truncates, statements that fail when a half-applied
 * migration is retried, and backfills that share a transaction with DDL.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lint/rules/rules.h"
#include "util/buf.h"

#include "util/banned.h"

/* PostgreSQL's NAMEDATALEN: names keep at most NAMEDATALEN - 1 bytes. */
#define NAMEDATALEN 64

static const struct rule_info rule_identifier_too_long = {
    "identifier-too-long", SEV_ERROR,
    "an identifier longer than 63 bytes is silently truncated, so two names can collide",
    "shorten the name to 63 bytes or fewer (check what Alembic's naming_convention produces)", false};

static const struct rule_info rule_non_idempotent = {
    "non-idempotent-ddl", SEV_WARNING,
    "CREATE without IF NOT EXISTS or DROP without IF EXISTS outside a transaction fails when a half-applied "
    "migration is retried",
    "add IF NOT EXISTS / IF EXISTS to statements that run outside a transaction (autocommit_block)", false};

static const struct rule_info rule_unbatched = {
    "unbatched-dml-with-ddl", SEV_WARNING,
    "UPDATE or DELETE of an existing table in the same transaction as DDL holds row locks and DDL locks together",
    "move the backfill to its own migration and update in batches, each committed on its own", false};

static const struct rule_info *const rules[] = {&rule_identifier_too_long, &rule_non_idempotent, &rule_unbatched};

/* ---- identifier-too-long ---- */

static void add_name(struct strlist *names, const char *name)
{
	if (name)
		strlist_add(names, name);
}

static void add_constraints(struct strlist *names, const cJSON *list)
{
	const cJSON *c;
	cJSON_ArrayForEach(c, list)
	{
		add_name(names, node_str(node_as(c, "Constraint"), "conname"));
	}
}

/* A column definition or a table constraint, as in CREATE TABLE's element list. */
static void add_element(struct strlist *names, const cJSON *e)
{
	const cJSON *col = node_as(e, "ColumnDef");
	add_name(names, node_str(col, "colname"));
	add_constraints(names, node_field(col, "constraints"));
	add_name(names, node_str(node_as(e, "Constraint"), "conname"));
}

static void add_elements(struct strlist *names, const cJSON *list)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, list)
	{
		add_element(names, e);
	}
}

static void add_string_list(struct strlist *names, const cJSON *list)
{
	const cJSON *s;
	cJSON_ArrayForEach(s, list)
	{
		add_name(names, node_sval(s));
	}
}

static void add_alter_names(struct strlist *names, const cJSON *cmds)
{
	const cJSON *cmd;
	cJSON_ArrayForEach(cmd, cmds)
	{
		const cJSON *c = node_as(cmd, "AlterTableCmd");
		const cJSON *def = node_field(c, "def");
		if (node_str_is(c, "subtype", "AT_AddColumn") || node_str_is(c, "subtype", "AT_AddConstraint"))
			add_element(names, def);
	}
}

/* The names of the objects a statement creates (or renames to). */
static void created_names(const struct lint_stmt *st, struct strlist *names)
{
	const char *t = st->type;
	const cJSON *b = st->body;
	if (!strcmp(t, "CreateStmt")) {
		add_name(names, node_str(node_field(b, "relation"), "relname"));
		add_elements(names, node_field(b, "tableElts"));
	} else if (!strcmp(t, "AlterTableStmt")) {
		add_alter_names(names, node_field(b, "cmds"));
	} else if (!strcmp(t, "IndexStmt")) {
		add_name(names, node_str(b, "idxname"));
	} else if (!strcmp(t, "CreateSeqStmt")) {
		add_name(names, node_str(node_field(b, "sequence"), "relname"));
	} else if (!strcmp(t, "ViewStmt")) {
		add_name(names, node_str(node_field(b, "view"), "relname"));
		add_string_list(names, node_field(b, "aliases"));
	} else if (!strcmp(t, "CreateTableAsStmt")) {
		add_name(names, node_str(node_field(node_field(b, "into"), "rel"), "relname"));
		add_string_list(names, node_field(node_field(b, "into"), "colNames"));
	} else if (!strcmp(t, "CreateFunctionStmt")) {
		add_name(names, node_last_name(node_field(b, "funcname")));
	} else if (!strcmp(t, "CreateTrigStmt")) {
		add_name(names, node_str(b, "trigname"));
	} else if (!strcmp(t, "CreateEnumStmt")) {
		add_name(names, node_last_name(node_field(b, "typeName")));
	} else if (!strcmp(t, "CreateDomainStmt")) {
		add_name(names, node_last_name(node_field(b, "domainname")));
		add_constraints(names, node_field(b, "constraints"));
	} else if (!strcmp(t, "CreateSchemaStmt")) {
		add_name(names, node_str(b, "schemaname"));
	} else if (!strcmp(t, "RenameStmt")) {
		add_name(names, node_str(b, "newname"));
	}
}

static bool unquoted_ident_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
	       c >= 0x80;
}

static size_t utf8_char_len(unsigned char lead)
{
	return lead < 0xc0 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
}

static bool same_ascii_case(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char x = a[i] >= 'A' && a[i] <= 'Z' ? (char)(a[i] - 'A' + 'a') : a[i];
		char y = b[i] >= 'A' && b[i] <= 'Z' ? (char)(b[i] - 'A' + 'a') : b[i];
		if (x != y)
			return false;
	}
	return true;
}

/* The identifier at text[at] goes on past n bytes (a quoted one ends at a lone '"'). */
static bool continues(const char *text, size_t at, size_t n, size_t end, bool quoted)
{
	if (at + n >= end)
		return false;
	if (quoted)
		return text[at + n] != '"' || (at + n + 1 < end && text[at + n + 1] == '"');
	return unquoted_ident_char((unsigned char)text[at + n]);
}

/*
 * The scanner has already cut every identifier to 63 bytes (whole characters)
 * in the tree, so a cut name is found in the source: where it appears followed
 * by more of the same identifier, that did not fit. Returns its offset or -1.
 */
static long truncated_at(const char *text, size_t from, size_t end, const char *name)
{
	size_t n = strlen(name);
	if (n + 4 < NAMEDATALEN)
		return -1;
	for (size_t i = from; i + n < end; i++) {
		bool quoted = i > from && text[i - 1] == '"';
		if (!same_ascii_case(text + i, name, n))
			continue;
		if (!quoted && i > from && unquoted_ident_char((unsigned char)text[i - 1]))
			continue;
		if (continues(text, i, n, end, quoted) && n + utf8_char_len((unsigned char)text[i + n]) >= NAMEDATALEN)
			return (long)i;
	}
	return -1;
}

static size_t identifier_length(const char *text, size_t at, size_t end)
{
	bool quoted = at > 0 && text[at - 1] == '"';
	size_t n = 0;
	while (continues(text, at, n, end, quoted))
		n += quoted && text[at + n] == '"' ? 2 : 1;
	return n;
}

static void check_identifiers(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	struct strlist names = STRLIST_INIT;
	created_names(st, &names);
	/* A nested statement's text is its own string; a top-level one sits inside its span. */
	size_t from = st->base == SIZE_MAX ? 0 : st->offset - st->base;
	size_t end = st->base == SIZE_MAX ? strlen(st->text) : from + st->length;
	for (size_t i = 0; i < names.n; i++) {
		long at = truncated_at(st->text, from, end, names.items[i]);
		if (at < 0)
			continue;
		size_t len = identifier_length(st->text, (size_t)at, end);
		lint_report(ctx, st, &rule_identifier_too_long, (int)at,
		            "name \"%.*s\" is longer than 63 bytes; PostgreSQL silently cuts it to \"%s\"", (int)len,
		            st->text + at, names.items[i]);
	}
	strlist_release(&names);
}

/* ---- non-idempotent-ddl ---- */

/* "OBJECT_MATVIEW" -> "matview": DROP's object kind as a word. */
static void add_object_kind(struct buf *b, const char *remove_type)
{
	const char *s = remove_type && !strncmp(remove_type, "OBJECT_", 7) ? remove_type + 7 : "object";
	for (; *s; s++)
		buf_addc(b, *s == '_' ? ' ' : (char)(*s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s));
}

/* The RangeVar of the permanent table a CREATE TABLE [AS] makes, or NULL. Temporary tables end with the session. */
static const cJSON *created_table(const char *type, const cJSON *b)
{
	const cJSON *rel = NULL;
	if (!strcmp(type, "CreateStmt"))
		rel = node_field(b, "relation");
	else if (!strcmp(type, "CreateTableAsStmt") && node_str_is(b, "objtype", "OBJECT_TABLE"))
		rel = node_field(node_field(b, "into"), "rel");
	return node_str_is(rel, "relpersistence", "t") ? NULL : rel;
}

/* Describes a CREATE lacking IF NOT EXISTS or a DROP lacking IF EXISTS into what; false for anything else. */
static bool describe_unguarded(const struct lint_stmt *st, struct buf *what)
{
	const char *t = st->type;
	const cJSON *b = st->body;
	if (!strcmp(t, "DropStmt")) {
		if (node_bool(b, "missing_ok"))
			return false;
		const cJSON *first = cJSON_GetArrayItem(node_field(b, "objects"), 0);
		char *name = node_join_names(node_field(node_as(first, "List"), "items"));
		buf_adds(what, "dropping ");
		add_object_kind(what, node_str(b, "removeType"));
		buf_addf(what, " \"%s\" without IF EXISTS", name);
		free(name);
		return true;
	}
	if (node_bool(b, "if_not_exists"))
		return false;
	if (created_table(t, b))
		buf_addf(what, "creating table \"%s\"", node_str(created_table(t, b), "relname"));
	else if (!strcmp(t, "IndexStmt"))
		buf_addf(what, "creating index \"%s\"", node_str(b, "idxname") ? node_str(b, "idxname") : "");
	else if (!strcmp(t, "CreateSeqStmt"))
		buf_addf(what, "creating sequence \"%s\"", node_str(node_field(b, "sequence"), "relname"));
	else if (!strcmp(t, "CreateSchemaStmt") && node_str(b, "schemaname"))
		buf_addf(what, "creating schema \"%s\"", node_str(b, "schemaname"));
	else if (!strcmp(t, "CreateExtensionStmt"))
		buf_addf(what, "creating extension \"%s\"", node_str(b, "extname"));
	else
		return false;
	buf_adds(what, " without IF NOT EXISTS");
	return true;
}

static void check_idempotent(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	struct buf what = BUF_INIT;
	/* In a transaction a failure rolls everything back; a DO block is one statement, all or nothing. */
	if ((ctx->in_tx && !st->autocommit) || st->origin != ORIGIN_TOP)
		return;
	if (describe_unguarded(st, &what))
		lint_report(ctx, st, &rule_non_idempotent, -1,
		            "%s outside a transaction: when a half-applied migration is retried, it fails here",
		            what.data);
	buf_release(&what);
}

/* ---- unbatched-dml-with-ddl ---- */

/*
 * Reported at whichever comes second in the transaction: each UPDATE/DELETE
 * after DDL, or the first DDL after an UPDATE/DELETE (once: after it,
 * tx_ddl_rel is set and later pairs were reported at their DML).
 */
static void check_unbatched(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const struct rel_lock *rel;
	enum tx_role role = lint_tx_role(ctx, st, &rel);
	if (role == TX_ROLE_DML && ctx->tx_ddl_rel)
		lint_report(ctx, st, &rule_unbatched, -1,
		            "%s of existing table \"%s\" runs in the transaction that holds DDL locks on \"%s\" "
		            "until commit",
		            strcmp(st->type, "UpdateStmt") ? "DELETE" : "UPDATE", rel->rel, ctx->tx_ddl_rel);
	else if (role == TX_ROLE_DDL && ctx->tx_dml_rel && !ctx->tx_ddl_rel)
		lint_report(ctx, st, &rule_unbatched, -1,
		            "DDL locks \"%s\" %s in the transaction that already changed rows of \"%s\"; "
		            "both are held until commit",
		            rel->rel, lock_mode_name(rel->mode), ctx->tx_dml_rel);
}

static void check(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	/* A function body runs when it is called, under locks and transactions we cannot see. */
	if (st->origin == ORIGIN_FUNCTION)
		return;
	check_identifiers(ctx, st);
	check_idempotent(ctx, st);
	check_unbatched(ctx, st);
}

const struct lint_family family_hygiene = {"hygiene", FAMILY_RULES(rules), check, NULL};
