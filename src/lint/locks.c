/*
 * Which relations a statement locks, and in which mode, following the
 * PostgreSQL documentation's table of lock levels per command.
 */
#include <stdlib.h>
#include <string.h>

#include "lint/internal.h"
#include "lint/locktable.h"
#include "util/mem.h"

#include "util/banned.h"

struct lock_sink {
	const struct lint_ctx *ctx;
	struct lint_stmt *st;
	size_t alloc;
};

/* Takes ownership of key. */
static void add_lock_key(struct lock_sink *s, char *key, int location, enum lock_mode mode)
{
	for (size_t i = 0; i < s->st->n_locks; i++) {
		if (!strcmp(s->st->locks[i].rel, key)) {
			if (mode > s->st->locks[i].mode)
				s->st->locks[i].mode = mode;
			free(key);
			return;
		}
	}
	XGROW(s->st->locks, s->alloc, s->st->n_locks + 1);
	struct rel_lock *l = &s->st->locks[s->st->n_locks++];
	l->rel = key;
	l->mode = mode;
	l->is_new = lint_key_is_new(s->ctx, key);
	l->location = location;
}

static void add_lock(struct lock_sink *s, const cJSON *rangevar, enum lock_mode mode)
{
	if (rangevar)
		add_lock_key(s, node_relation_key(rangevar), node_location(rangevar), mode);
}

static const cJSON *fk_target(const cJSON *constraint)
{
	const cJSON *c = node_as(constraint, "Constraint");
	if (!node_str_is(c, "contype", "CONSTR_FOREIGN"))
		return NULL;
	return node_field(c, "pktable");
}

/* Storage parameters that ALTER TABLE ... SET (...) changes under SHARE UPDATE EXCLUSIVE; the rest take ACCESS
 * EXCLUSIVE. */
static bool storage_options_only(const cJSON *options)
{
	static const char *const weak[] = {"fillfactor",      "parallel_workers",     "toast_tuple_target",
	                                   "vacuum_truncate", "vacuum_index_cleanup", "log_autovacuum_min_duration"};
	const cJSON *opt;
	cJSON_ArrayForEach(opt, node_field(node_as(options, "List"), "items"))
	{
		const char *name = node_str(node_as(opt, "DefElem"), "defname");
		const char *ns = node_str(node_as(opt, "DefElem"), "defnamespace");
		bool known = name && (!strncmp(name, "autovacuum_", 11) || (ns && !strcmp(ns, "toast")));
		for (size_t i = 0; name && !known && i < sizeof(weak) / sizeof(weak[0]); i++)
			known = !strcmp(name, weak[i]);
		if (!known)
			return false;
	}
	return true;
}

/* Whether the option of the subcommand's lock_row applies (locktable.c names it). */
static bool alter_option_applies(const char *sub, const cJSON *cmd)
{
	const cJSON *def = node_field(cmd, "def");
	if (!strcmp(sub, "AT_AddConstraint"))
		return node_str_is(node_as(def, "Constraint"), "contype", "CONSTR_FOREIGN");
	if (!strcmp(sub, "AT_DetachPartition"))
		return node_bool(node_as(def, "PartitionCmd"), "concurrent");
	if (!strcmp(sub, "AT_SetRelOptions") || !strcmp(sub, "AT_ResetRelOptions"))
		return storage_options_only(def);
	return false;
}

/* The lock one ALTER TABLE subcommand needs on its table: its row of the lock table. */
static enum lock_mode alter_cmd_lock(const cJSON *cmd, int pg_version)
{
	const char *sub = node_str(cmd, "subtype");
	const struct lock_row *row = sub ? lock_table_find(sub) : NULL;
	if (!row || row->mode == LOCK_NONE)
		return LOCK_ACCESS_EXCLUSIVE;
	/* ATTACH PARTITION took ACCESS EXCLUSIVE on the parent before PostgreSQL 12. */
	if (!strcmp(sub, "AT_AttachPartition") && pg_version < 12)
		return LOCK_ACCESS_EXCLUSIVE;
	return row->option && alter_option_applies(sub, cmd) ? row->alt_mode : row->mode;
}

/* Locks a subcommand takes on relations other than the altered one. */
static void alter_cmd_other_locks(struct lock_sink *s, const cJSON *c, enum lock_mode mode)
{
	const char *sub = node_str(c, "subtype");
	const cJSON *def = node_field(c, "def");
	const cJSON *pk = fk_target(def);
	if (pk)
		add_lock(s, pk, LOCK_SHARE_ROW_EXCLUSIVE);
	if (!sub)
		return;
	if (!strcmp(sub, "AT_AttachPartition"))
		add_lock(s, node_field(node_as(def, "PartitionCmd"), "name"), LOCK_ACCESS_EXCLUSIVE);
	else if (!strcmp(sub, "AT_DetachPartition"))
		add_lock(s, node_field(node_as(def, "PartitionCmd"), "name"), mode);
	else if (!strcmp(sub, "AT_AddInherit") || !strcmp(sub, "AT_DropInherit"))
		add_lock(s, node_as(def, "RangeVar"), LOCK_SHARE_UPDATE_EXCLUSIVE);
}

static void alter_table_locks(struct lock_sink *s, const cJSON *body)
{
	enum lock_mode mode = LOCK_NONE;
	const cJSON *cmd;
	cJSON_ArrayForEach(cmd, node_field(body, "cmds"))
	{
		const cJSON *c = node_as(cmd, "AlterTableCmd");
		enum lock_mode m = alter_cmd_lock(c, s->ctx->pg_version);
		if (m > mode)
			mode = m;
		alter_cmd_other_locks(s, c, m);
	}
	add_lock(s, node_field(body, "relation"), mode ? mode : LOCK_ACCESS_EXCLUSIVE);
}

static void create_table_locks(struct lock_sink *s, const cJSON *body)
{
	const cJSON *elt, *con;
	cJSON_ArrayForEach(elt, node_field(body, "tableElts"))
	{
		const cJSON *pk = fk_target(elt);
		if (pk)
			add_lock(s, pk, LOCK_SHARE_ROW_EXCLUSIVE);
		cJSON_ArrayForEach(con, node_field(node_as(elt, "ColumnDef"), "constraints"))
		{
			pk = fk_target(con);
			if (pk)
				add_lock(s, pk, LOCK_SHARE_ROW_EXCLUSIVE);
		}
	}
	/* PARTITION OF takes ACCESS EXCLUSIVE on its parent; INHERITS, SHARE UPDATE EXCLUSIVE. */
	enum lock_mode parent_mode =
	    node_field(body, "partbound") ? LOCK_ACCESS_EXCLUSIVE : LOCK_SHARE_UPDATE_EXCLUSIVE;
	const cJSON *parent;
	cJSON_ArrayForEach(parent, node_field(body, "inhRelations"))
	    add_lock(s, node_as(parent, "RangeVar"), parent_mode);
}

/* The table a dropped trigger, rule or policy belongs to: its names without the last. */
static void drop_owner_lock(struct lock_sink *s, const cJSON *names)
{
	cJSON *table = cJSON_Duplicate(names, true);
	if (!table)
		return;
	cJSON_DeleteItemFromArray(table, cJSON_GetArraySize(table) - 1);
	if (table->child)
		add_lock_key(s, node_names_relation_key(table), -1, LOCK_ACCESS_EXCLUSIVE);
	cJSON_Delete(table);
}

static void drop_locks(struct lock_sink *s, const cJSON *body, enum lock_mode mode)
{
	static const char *const relations[] = {"OBJECT_TABLE",   "OBJECT_INDEX",    "OBJECT_VIEW",
	                                        "OBJECT_MATVIEW", "OBJECT_SEQUENCE", "OBJECT_FOREIGN_TABLE"};
	static const char *const owned[] = {"OBJECT_TRIGGER", "OBJECT_RULE", "OBJECT_POLICY"};
	const char *kind = node_str(body, "removeType");
	int what = 0;
	for (size_t i = 0; kind && !what && i < sizeof(relations) / sizeof(relations[0]); i++)
		what = !strcmp(kind, relations[i]) ? 1 : 0;
	for (size_t i = 0; kind && !what && i < sizeof(owned) / sizeof(owned[0]); i++)
		what = !strcmp(kind, owned[i]) ? 2 : 0;
	const cJSON *obj, *objects = what ? node_field(body, "objects") : NULL;
	cJSON_ArrayForEach(obj, objects)
	{
		const cJSON *names = node_field(node_as(obj, "List"), "items");
		if (names && names->child && what == 1)
			add_lock_key(s, node_names_relation_key(names), -1, mode);
		else if (names && names->child)
			drop_owner_lock(s, names);
	}
}

static void list_locks(struct lock_sink *s, const cJSON *list, const char *wrapper, enum lock_mode mode)
{
	const cJSON *n;
	cJSON_ArrayForEach(n, list) add_lock(s, wrapper ? node_as(n, wrapper) : n, mode);
}

/* LOCK TABLE's mode is PostgreSQL's LOCKMODE number, which enum lock_mode mirrors. */
static enum lock_mode lock_stmt_mode(const cJSON *body)
{
	int m = node_int(body, "mode", LOCK_ACCESS_EXCLUSIVE);
	return m >= LOCK_ACCESS_SHARE && m <= LOCK_ACCESS_EXCLUSIVE ? (enum lock_mode)m : LOCK_ACCESS_EXCLUSIVE;
}

static void vacuum_locks(struct lock_sink *s, const cJSON *body)
{
	bool full = node_option_on(node_field(body, "options"), "full");
	const cJSON *rel;
	cJSON_ArrayForEach(rel, node_field(body, "rels"))
	    add_lock(s, node_field(node_as(rel, "VacuumRelation"), "relation"),
	             full ? LOCK_ACCESS_EXCLUSIVE : LOCK_SHARE_UPDATE_EXCLUSIVE);
}

/* Whether the option named in the statement's lock_row applies, selecting its alt_mode. */
static bool stmt_option_applies(const struct lock_sink *s, const char *type, const cJSON *b)
{
	if (!strcmp(type, "IndexStmt") || !strcmp(type, "RefreshMatViewStmt") || !strcmp(type, "DropStmt"))
		return node_bool(b, "concurrent");
	if (!strcmp(type, "ReindexStmt"))
		return node_option_on(node_field(b, "params"), "concurrently");
	if (!strcmp(type, "VacuumStmt"))
		return node_option_on(node_field(b, "options"), "full");
	if (!strcmp(type, "CopyStmt"))
		return node_bool(b, "is_from");
	/* ALTER INDEX ... RENAME takes SHARE UPDATE EXCLUSIVE from PostgreSQL 12. */
	if (!strcmp(type, "RenameStmt"))
		return node_str_is(b, "renameType", "OBJECT_INDEX") && s->ctx->pg_version >= 12;
	return false;
}

static void dispatch(struct lock_sink *s, const char *type, const cJSON *b);

/* Statements whose relations are not (only) in a "relation" field. */
static bool dispatch_special(struct lock_sink *s, const char *type, const cJSON *b, enum lock_mode mode)
{
	if (!strcmp(type, "AlterTableStmt"))
		alter_table_locks(s, b);
	else if (!strcmp(type, "CreateStmt"))
		create_table_locks(s, b);
	else if (!strcmp(type, "DropStmt"))
		drop_locks(s, b, mode);
	else if (!strcmp(type, "TruncateStmt"))
		list_locks(s, node_field(b, "relations"), "RangeVar", mode);
	else if (!strcmp(type, "LockStmt"))
		list_locks(s, node_field(b, "relations"), "RangeVar", lock_stmt_mode(b));
	else if (!strcmp(type, "VacuumStmt"))
		vacuum_locks(s, b);
	else if (!strcmp(type, "CreateStatsStmt"))
		list_locks(s, node_field(b, "relations"), "RangeVar", mode);
	else if (!strcmp(type, "CreatePolicyStmt") || !strcmp(type, "AlterPolicyStmt"))
		add_lock(s, node_field(b, "table"), mode);
	else if (!strcmp(type, "AlterSeqStmt"))
		add_lock(s, node_field(b, "sequence"), mode);
	else if (!strcmp(type, "ViewStmt") && node_bool(b, "replace"))
		add_lock(s, node_field(b, "view"), LOCK_ACCESS_EXCLUSIVE);
	else if (!strcmp(type, "ExplainStmt") && node_option_on(node_field(b, "options"), "analyze"))
		dispatch(s, node_type(node_field(b, "query")), node_body(node_field(b, "query")));
	else
		return false;
	return true;
}

/* The lock table decides the mode; most statements name their relation in "relation". */
static void dispatch(struct lock_sink *s, const char *type, const cJSON *b)
{
	const struct lock_row *row = lock_table_find(type);
	if (!row || row->work == WORK_INTERNAL)
		return;
	enum lock_mode mode = row->option && stmt_option_applies(s, type, b) ? row->alt_mode : row->mode;
	if (!dispatch_special(s, type, b, mode) && mode != LOCK_NONE)
		add_lock(s, node_field(b, "relation"), mode);
}

void lint_locks_compute(const struct lint_ctx *ctx, struct lint_stmt *st)
{
	struct lock_sink s = {ctx, st, 0};
	st->locks = NULL;
	st->n_locks = 0;
	dispatch(&s, st->type, st->body);
}

void lint_locks_release(struct lint_stmt *st)
{
	for (size_t i = 0; i < st->n_locks; i++)
		free(st->locks[i].rel);
	free(st->locks);
	st->locks = NULL;
	st->n_locks = 0;
}

const char *lock_mode_name(enum lock_mode m)
{
	static const char *const names[] = {
	    "NONE",  "ACCESS SHARE",        "ROW SHARE", "ROW EXCLUSIVE",   "SHARE UPDATE EXCLUSIVE",
	    "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"};
	return (unsigned)m <= LOCK_ACCESS_EXCLUSIVE ? names[m] : "?";
}

enum lock_mode lint_strongest_existing_lock(const struct lint_stmt *st, const struct rel_lock **which)
{
	enum lock_mode best = LOCK_NONE;
	*which = NULL;
	for (size_t i = 0; i < st->n_locks; i++) {
		if (!st->locks[i].is_new && st->locks[i].mode > best) {
			best = st->locks[i].mode;
			*which = &st->locks[i];
		}
	}
	return best;
}
