/*
 * Constraint rules. Adding a constraint to a live table checks every row, or
 * builds an index, while the table is locked. NOT VALID (then VALIDATE in a
 * later transaction, under a lock that lets traffic through) and USING INDEX
 * (on an index built CONCURRENTLY) split the slow part off.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lint/rules/rules.h"
#include "util/buf.h"
#include "util/mem.h"

#include "util/banned.h"

static const struct rule_info rule_fk_not_valid = {
    "foreign-key-not-valid", SEV_ERROR,
    "adding a foreign key to an existing table checks every row while both tables are locked",
    "add it NOT VALID, then ALTER TABLE ... VALIDATE CONSTRAINT in a later transaction", false};

static const struct rule_info rule_check_not_valid = {
    "check-not-valid", SEV_ERROR,
    "adding a CHECK constraint to an existing table scans every row under an ACCESS EXCLUSIVE lock",
    "add it NOT VALID, then ALTER TABLE ... VALIDATE CONSTRAINT in a later transaction", false};

static const struct rule_info rule_validate_same_tx = {
    "validate-in-same-transaction", SEV_WARNING,
    "VALIDATE CONSTRAINT in the transaction that added the constraint NOT VALID keeps the ADD's lock "
    "during the scan",
    "commit in between: VALIDATE in a later revision (with transaction_per_migration=True) or in an "
    "autocommit_block()",
    false};

static const struct rule_info rule_unique_using_index = {
    "unique-constraint-not-using-index", SEV_ERROR,
    "adding a UNIQUE constraint to an existing table builds its index under an ACCESS EXCLUSIVE lock",
    "CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT ... UNIQUE USING INDEX", false};

static const struct rule_info rule_pk_using_index = {
    "primary-key-not-using-index", SEV_ERROR,
    "adding a PRIMARY KEY to an existing table builds its index under an ACCESS EXCLUSIVE lock",
    "CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT ... PRIMARY KEY USING INDEX", false};

static const struct rule_info rule_exclude = {
    "exclude-constraint", SEV_ERROR,
    "adding an EXCLUDE constraint to an existing table builds its index under an ACCESS EXCLUSIVE lock",
    "there is no NOT VALID or USING INDEX form: add it when the table is created, or enforce the rule in a "
    "trigger",
    false};

static const struct rule_info rule_fk_without_index = {
    "foreign-key-without-index", SEV_WARNING,
    "a new table's foreign key has no index on its columns, so deletes and key updates of the "
    "referenced table scan it",
    "create an index whose leading columns are the foreign key's columns (CONCURRENTLY if the table "
    "already has rows)",
    false};

static const struct rule_info *const rules[] = {
    &rule_fk_not_valid,   &rule_check_not_valid, &rule_validate_same_tx, &rule_unique_using_index,
    &rule_pk_using_index, &rule_exclude,         &rule_fk_without_index,
};

/* `kind "name"`, or `an unnamed kind`. */
static void con_label(struct buf *b, const cJSON *con, const char *kind)
{
	const char *name = node_str(con, "conname");
	if (name)
		buf_addf(b, "%s \"%s\"", kind, name);
	else
		buf_addf(b, "an unnamed %s", kind);
}

/* A constraint added to an existing table; col is set for one declared on a new column. */
static void check_foreign_key(struct lint_ctx *ctx, const struct lint_stmt *st, const char *rel, const cJSON *con,
                              const char *col)
{
	if (node_bool(con, "skip_validation"))
		return;
	char *ref = node_relation_key(node_field(con, "pktable"));
	struct buf label = BUF_INIT;
	if (col) {
		lint_report(ctx, st, &rule_fk_not_valid, -1,
		            "new column \"%s\" REFERENCES \"%s\": its foreign key checks every row of \"%s\" under "
		            "lock, and a column constraint cannot be NOT VALID; add the column first",
		            col, ref, rel);
	} else {
		con_label(&label, con, "foreign key");
		lint_report(ctx, st, &rule_fk_not_valid, -1,
		            "adding %s to \"%s\" checks every row while \"%s\" and \"%s\" are locked SHARE ROW "
		            "EXCLUSIVE",
		            label.data, rel, rel, ref);
	}
	buf_release(&label);
	free(ref);
}

/* UNIQUE, PRIMARY KEY and EXCLUDE build an index unless one is named with USING INDEX. */
static void check_index_backed(struct lint_ctx *ctx, const struct lint_stmt *st, const char *rel, const cJSON *con,
                               const char *col)
{
	const char *type = node_str(con, "contype");
	const struct rule_info *rule = !strcmp(type, "CONSTR_PRIMARY")  ? &rule_pk_using_index
	                               : !strcmp(type, "CONSTR_UNIQUE") ? &rule_unique_using_index
	                                                                : &rule_exclude;
	const char *kind = rule == &rule_pk_using_index       ? "primary key"
	                   : rule == &rule_unique_using_index ? "unique constraint"
	                                                      : "exclusion constraint";
	if (node_str(con, "indexname"))
		return;
	struct buf label = BUF_INIT;
	if (col && !node_str(con, "conname"))
		buf_addf(&label, "a %s", kind);
	else
		con_label(&label, con, kind);
	if (col)
		buf_addf(&label, " on new column \"%s\"", col);
	lint_report(ctx, st, rule, -1, "adding %s to \"%s\" builds its index while \"%s\" is locked ACCESS EXCLUSIVE",
	            label.data, rel, rel);
	buf_release(&label);
}

static void check_added(struct lint_ctx *ctx, const struct lint_stmt *st, const char *rel, const cJSON *con,
                        const char *col)
{
	const char *type = node_str(con, "contype");
	if (!type)
		return;
	if (!strcmp(type, "CONSTR_FOREIGN")) {
		check_foreign_key(ctx, st, rel, con, col);
	} else if (!strcmp(type, "CONSTR_CHECK") && !col && !node_bool(con, "skip_validation")) {
		struct buf label = BUF_INIT;
		con_label(&label, con, "check constraint");
		lint_report(ctx, st, &rule_check_not_valid, -1,
		            "adding %s to \"%s\" scans every row while \"%s\" is locked ACCESS EXCLUSIVE", label.data,
		            rel, rel);
		buf_release(&label);
	} else if (!strcmp(type, "CONSTR_PRIMARY") || !strcmp(type, "CONSTR_UNIQUE") ||
	           !strcmp(type, "CONSTR_EXCLUSION")) {
		check_index_backed(ctx, st, rel, con, col);
	}
}

/* Where a clause of the statement starts in the file; the statement's start when unknown. */
static size_t clause_offset(const struct lint_stmt *st, const cJSON *body)
{
	int loc = node_location(body);
	if (loc < 0 || st->base == SIZE_MAX || st->base + (size_t)loc < st->offset ||
	    st->base + (size_t)loc > st->offset + st->length)
		return st->offset;
	return st->base + (size_t)loc;
}

/* Remembers a foreign key of a table new in this unit (of any table when the catalog is known); finish() looks for its index. */
static void note_new_fk(struct lint_ctx *ctx, const struct lint_stmt *st, const char *rel, const cJSON *con,
                        const char *col)
{
	if (!node_str_is(con, "contype", "CONSTR_FOREIGN"))
		return;
	size_t at = clause_offset(st, con);
	char *ref = node_relation_key(node_field(con, "pktable"));
	char *cols = col ? xstrdup(col) : node_join_names(node_field(con, "fk_attrs"));
	for (char *p = cols; *p; p++)
		if (*p == '.')
			*p = ',';
	const char *name = node_str(con, "conname");
	struct buf entry = BUF_INIT;
	buf_addf(&entry, "%zu\t%zu\t%s\t%s\t%s\t%s", at, st->offset + st->length - at, rel, cols, name ? name : "",
	         ref);
	strlist_add_owned(&ctx->new_fks, buf_detach(&entry));
	free(cols);
	free(ref);
}

/* Each constraint of a table element: a table constraint, or those of a column definition. */
static void each_constraint(struct lint_ctx *ctx, const struct lint_stmt *st, const char *rel, const cJSON *elt,
                            bool is_new)
{
	const cJSON *col = node_as(elt, "ColumnDef"), *con;
	/* With the catalog known, an existing table's indexes are known too, so its new keys are judged. */
	if (!col) {
		if (is_new || ctx->catalog_known)
			note_new_fk(ctx, st, rel, node_as(elt, "Constraint"), NULL);
		if (!is_new)
			check_added(ctx, st, rel, node_as(elt, "Constraint"), NULL);
		return;
	}
	cJSON_ArrayForEach(con, node_field(col, "constraints"))
	{
		if (is_new || ctx->catalog_known)
			note_new_fk(ctx, st, rel, node_as(con, "Constraint"), node_str(col, "colname"));
		if (!is_new)
			check_added(ctx, st, rel, node_as(con, "Constraint"), node_str(col, "colname"));
	}
}

/* An earlier command of the same ALTER TABLE added name NOT VALID. */
static bool added_in_statement(const cJSON *cmds, const cJSON *upto, const char *name)
{
	const cJSON *cmd;
	cJSON_ArrayForEach(cmd, cmds)
	{
		if (cmd == upto)
			break;
		const cJSON *c = node_as(node_field(node_as(cmd, "AlterTableCmd"), "def"), "Constraint");
		if (node_bool(c, "skip_validation") && node_str_is(c, "conname", name))
			return true;
	}
	return false;
}

static bool added_in_transaction(const struct lint_ctx *ctx, const struct lint_stmt *st, const char *rel,
                                 const char *name)
{
	if (!ctx->in_tx || st->autocommit)
		return false;
	struct buf key = BUF_INIT;
	buf_addf(&key, "%s.%s", rel, name);
	bool found = strset_has(&ctx->tx_not_valid, key.data);
	buf_release(&key);
	return found;
}

static void check_validate(struct lint_ctx *ctx, const struct lint_stmt *st, const char *rel, const cJSON *cmd)
{
	const char *name = node_str(node_as(cmd, "AlterTableCmd"), "name");
	if (!name ||
	    (!added_in_statement(node_field(st->body, "cmds"), cmd, name) && !added_in_transaction(ctx, st, rel, name)))
		return;
	lint_report(ctx, st, &rule_validate_same_tx, -1,
	            "constraint \"%s\" on \"%s\" is validated in the transaction that added it NOT VALID: the ADD's "
	            "lock on \"%s\" is still held during the scan",
	            name, rel, rel);
}

static void check_alter(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const cJSON *rv = node_field(st->body, "relation");
	bool is_new = lint_rel_is_new(ctx, rv);
	char *rel = node_relation_key(rv);
	const cJSON *cmd;
	cJSON_ArrayForEach(cmd, node_field(st->body, "cmds"))
	{
		const cJSON *c = node_as(cmd, "AlterTableCmd");
		const char *sub = node_str(c, "subtype");
		if (!sub)
			continue;
		if (!strcmp(sub, "AT_AddConstraint") || !strcmp(sub, "AT_AddColumn"))
			each_constraint(ctx, st, rel, node_field(c, "def"), is_new);
		else if (!strcmp(sub, "AT_ValidateConstraint") && !is_new)
			check_validate(ctx, st, rel, cmd);
	}
	free(rel);
}

/* Columns "*": the table may have indexes this unit does not show, so its keys are not judged. */
static const char unknown_indexes[] = "*";

static void check_create(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	char *rel = node_relation_key(node_field(st->body, "relation"));
	const cJSON *elt;
	/* A partition gets its parent's indexes, and LIKE may copy some. */
	if (node_field(st->body, "partbound") || node_find(node_field(st->body, "tableElts"), "TableLikeClause")) {
		struct buf entry = BUF_INIT;
		buf_addf(&entry, "0\t0\t%s\t%s\t\t", rel, unknown_indexes);
		strlist_add_owned(&ctx->new_fks, buf_detach(&entry));
	}
	cJSON_ArrayForEach(elt, node_field(st->body, "tableElts")) each_constraint(ctx, st, rel, elt, true);
	free(rel);
}

static void check(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	/* A function body runs when called, not during the migration. */
	if (st->origin == ORIGIN_FUNCTION)
		return;
	if (!strcmp(st->type, "AlterTableStmt"))
		check_alter(ctx, st);
	else if (!strcmp(st->type, "CreateStmt"))
		check_create(ctx, st);
}

/* The first want->n columns of an index key list "a,b,c)" are want's columns, in any order. */
static bool leading_columns_are(const char *list, const struct strlist *want)
{
	struct strlist have = STRLIST_INIT;
	strlist_split(&have, list, ",)");
	bool ok = want->n > 0 && have.n >= want->n;
	for (size_t i = 0; ok && i < want->n; i++) {
		ok = strlist_has(want, have.items[i]);
		for (size_t j = 0; ok && j < i; j++)
			ok = strcmp(have.items[i], have.items[j]) != 0;
	}
	strlist_release(&have);
	return ok;
}

static bool indexes_unknown(const struct lint_ctx *ctx, const char *rel)
{
	struct buf key = BUF_INIT;
	buf_addf(&key, "\t%s\t%s\t", rel, unknown_indexes);
	bool found = false;
	for (size_t i = 0; i < ctx->new_fks.n && !found; i++)
		found = strstr(ctx->new_fks.items[i], key.data) != NULL;
	buf_release(&key);
	return found;
}

static bool fk_has_index(const struct lint_ctx *ctx, const char *rel, const char *cols)
{
	if (!strcmp(cols, unknown_indexes) || indexes_unknown(ctx, rel))
		return true;
	struct strlist want = STRLIST_INIT;
	strlist_split(&want, cols, ",");
	size_t pos = 0, n = strlen(rel);
	const char *key;
	bool found = false;
	while (!found && (key = strset_next(&ctx->indexed, &pos)))
		found = !strncmp(key, rel, n) && key[n] == '(' && leading_columns_are(key + n + 1, &want);
	strlist_release(&want);
	return found;
}

/* Splits a copy of a new_fks entry in place into its six fields; false when malformed. */
static bool split_fk(char *entry, char *field[6])
{
	field[0] = entry;
	for (int i = 1; i < 6; i++) {
		char *tab = strchr(field[i - 1], '\t');
		if (!tab)
			return false;
		*tab = '\0';
		field[i] = tab + 1;
	}
	return true;
}

static void report_fk_without_index(struct lint_ctx *ctx, const struct lint_stmt *last, char *const field[6])
{
	struct lint_stmt at = *last;
	at.base = SIZE_MAX;
	at.offset = (size_t)strtoull(field[0], NULL, 10);
	at.length = (size_t)strtoull(field[1], NULL, 10);
	struct buf label = BUF_INIT;
	if (*field[4])
		buf_addf(&label, "foreign key \"%s\"", field[4]);
	else
		buf_adds(&label, "the foreign key");
	lint_report(ctx, &at, &rule_fk_without_index, -1,
	            "%s on \"%s\" (%s) has no index with those leading columns: every delete or key update on "
	            "\"%s\" scans \"%s\"",
	            label.data, field[2], field[3], field[5], field[2]);
	buf_release(&label);
}

/* Judged at the end, so an index created after its foreign key counts. */
static void finish(struct lint_ctx *ctx, const struct lint_stmt *last)
{
	for (size_t i = 0; i < ctx->new_fks.n; i++) {
		char *entry = xstrdup(ctx->new_fks.items[i]), *field[6];
		if (split_fk(entry, field) && !fk_has_index(ctx, field[2], field[3]))
			report_fk_without_index(ctx, last, field);
		free(entry);
	}
}

const struct lint_family family_constraints = {"constraints", FAMILY_RULES(rules), check, finish};
